"""Load on the JSON API: 50 concurrent clients for 60 s against a store of 100,000 events.

Builds a SQLite store of synthetic events (bulk inserts of generated rows through the store's
own tables, as in benchmarks/store_query.py: every article, place and actor says "synthetic";
no extraction, no benchmark text), or reuses the store given with --db when it already holds
enough events. Starts ``newsevents serve`` in a separate process on a free local port, then
runs the clients (httpx, asyncio). Each client repeats a mix of requests:

    list      GET /api/v1/events (a random page, sorted by date)           30 %
    filter    GET /api/v1/events?type=..&since=..&until=..&place=..      20 %
    detail    GET /api/v1/events/{pk}                                     25 %
    search    GET /api/v1/search?q=..                                     10 %
    review    GET /api/v1/events/{pk} then POST accept, reject or PATCH    15 %
              (an API token of a synthetic reviewer; 409 answers to concurrent reviews of one
              event are expected and counted apart, not as errors)

and the script prints requests, errors (5xx, transport failures, unexpected 4xx), requests per
second and the p50/p95/p99 latency, overall and per kind.

    .venv/bin/python benchmarks/serve_load.py                       # 100,000 events, 50 clients, 60 s
    .venv/bin/python benchmarks/serve_load.py --events 20000 --clients 10 --seconds 10
    .venv/bin/python benchmarks/serve_load.py --db /tmp/load.db     # build once, reuse after
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from serve_page import add_actors, free_port  # noqa: E402 - synthetic actors, a free port
from store_query import N_ADMIN1, TYPES, fill  # noqa: E402 - synthetic events, articles and places

from newsevents.serve import auth  # noqa: E402
from newsevents.store import open_store  # noqa: E402
from newsevents.store.query import count_events  # noqa: E402

USER = ("load-reviewer", "load-password-1")
MIX = [("list", 30), ("filter", 20), ("detail", 25), ("search", 10), ("review", 15)]


def prepare(url: str, n: int) -> tuple[int, int]:
    """The store at ``url`` with at least ``n`` events (filled when empty); (events, articles)."""
    store = open_store(url)
    try:
        have = count_events(store)
        if have == 0:
            t0 = time.perf_counter()
            fill(store, n)
            add_actors(store, n)
            print(f"built a synthetic store of {n:,} events in {time.perf_counter() - t0:.1f} s",
                  file=sys.stderr)
            have = n
        elif have < n:
            raise SystemExit(f"{url} holds {have:,} events, fewer than --events {n:,}: use an "
                             "empty --db or a smaller --events.")
        if not any(u["username"] == USER[0] for u in auth.list_users(store)):
            auth.add_user(store, USER[0], USER[1], "reviewer")
        from sqlalchemy import func, select

        from newsevents.store.schema import StoredArticle
        with store.session() as s:
            articles = s.scalar(select(func.count()).select_from(StoredArticle)) or 0
        return have, articles
    finally:
        store.close()


def wait_until_up(port: int, server: subprocess.Popen, log, seconds: float = 60) -> None:
    """Wait until the server answers /api/v1/health; stop with its log if it exits."""
    import httpx
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit(f"the server stopped:\n{log.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start in time")


def pick(rng: random.Random) -> str:
    x = rng.uniform(0, sum(w for _, w in MIX))
    for kind, weight in MIX:
        x -= weight
        if x <= 0:
            return kind
    return MIX[-1][0]


class Tally:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {k: [] for k, _ in MIX}
        self.errors: list[str] = []
        self.conflicts = 0

    def record(self, kind: str, started: float) -> None:
        self.latency[kind].append((time.perf_counter() - started) * 1000)


async def one_request(client, kind: str, rng: random.Random, n_events: int, n_articles: int,
                      token: str, tally: Tally) -> None:
    import httpx
    started = time.perf_counter()
    try:
        if kind == "list":
            r = await client.get("/api/v1/events", params={"limit": 50, "offset": rng.randrange(0, 5000)})
        elif kind == "filter":
            year = rng.randrange(2015, 2025)
            r = await client.get("/api/v1/events", params={
                "type": rng.choice(TYPES), "since": f"{year}-01", "until": f"{year}-12",
                "place": f"Province {rng.randrange(N_ADMIN1)}", "limit": 50})
        elif kind == "detail":
            r = await client.get(f"/api/v1/events/{rng.randrange(1, n_events + 1)}")
        elif kind == "search":
            r = await client.get("/api/v1/search", params={"q": f"synthetic article {rng.randrange(n_articles)}"})
        else:
            pk = rng.randrange(1, n_events + 1)
            got = await client.get(f"/api/v1/events/{pk}")
            if got.status_code != 200:
                tally.errors.append(f"review read {got.status_code}")
                return
            version = got.json()["version"]
            headers = {"Authorization": f"Bearer {token}"}
            action = rng.choice(["accept", "reject", "edit"])
            if action == "edit":
                day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
                r = await client.patch(f"/api/v1/events/{pk}", headers=headers, json={
                    "version": version, "changes": {"date.value": day.isoformat()},
                    "reason": "load test"})
            else:
                r = await client.post(f"/api/v1/events/{pk}/{action}", headers=headers,
                                      json={"version": version})
        if r.status_code == 409 and kind == "review":
            tally.conflicts += 1
        elif r.status_code != 200:
            tally.errors.append(f"{kind} {r.status_code}: {r.text[:120]}")
            return
        tally.record(kind, started)
    except httpx.HTTPError as exc:
        tally.errors.append(f"{kind} {type(exc).__name__}: {exc}"[:200])


async def run_clients(base: str, clients: int, seconds: float, n_events: int, n_articles: int,
                      token: str) -> tuple[Tally, float]:
    import httpx
    tally = Tally()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(i: int) -> None:
        rng = random.Random(1000 + i)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
            while time.perf_counter() < deadline:
                await one_request(client, pick(rng), rng, n_events, n_articles, token, tally)
    t0 = time.perf_counter()
    await asyncio.gather(*(client_loop(i) for i in range(clients)))
    return tally, time.perf_counter() - t0


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return {"n": len(values), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1),
            "p99_ms": round(q[98], 1), "max_ms": round(max(values), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="Store to use (built when empty; default: a new temporary SQLite file).")
    ap.add_argument("--events", type=int, default=100_000, help="Synthetic events in the store.")
    ap.add_argument("--clients", type=int, default=50, help="Concurrent API clients.")
    ap.add_argument("--seconds", type=float, default=60, help="How long the clients run.")
    ap.add_argument("--workers", type=int, default=1, help="Server processes (newsevents serve --workers).")
    ap.add_argument("--json", action="store_true", help="Print the figures as JSON only.")
    args = ap.parse_args()

    tmp = None
    url = args.db
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="newsevents-load-")
        url = f"sqlite:///{Path(tmp.name) / 'load.db'}"
    n_events, n_articles = prepare(url, args.events)
    store = open_store(url)
    token = auth.new_token(store, USER[0], "load benchmark")
    store.close()

    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.setdefault("NEWSEVENTS_SECRET_KEY", secrets.token_urlsafe(32))
    log = tempfile.TemporaryFile(mode="w+")  # the server's access log (not read unless it fails)
    server = subprocess.Popen([sys.executable, "-m", "newsevents", "serve", "--db", url,
                               "--port", str(port), "--workers", str(args.workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=log, text=True)
    try:
        wait_until_up(port, server, log)
        tally, elapsed = asyncio.run(run_clients(f"http://127.0.0.1:{port}", args.clients,
                                                 args.seconds, n_events, n_articles, token))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if tmp is not None:
            tmp.cleanup()

    every = [v for values in tally.latency.values() for v in values]
    figures = {"events": n_events, "clients": args.clients, "workers": args.workers,
               "seconds": round(elapsed, 1),
               "requests": len(every) + len(tally.errors) + tally.conflicts,
               "errors": len(tally.errors), "review_conflicts_409": tally.conflicts,
               "requests_per_s": round((len(every) + tally.conflicts) / elapsed, 1),
               "latency": percentiles(every),
               "by_kind": {k: percentiles(v) for k, v in tally.latency.items()},
               "first_errors": tally.errors[:5]}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    lat = figures["latency"]
    print(f"{figures['requests']:,} requests by {args.clients} clients ({args.workers} server "
          f"process(es)) in {figures['seconds']} s "
          f"against {n_events:,} events: {figures['errors']} errors, "
          f"{figures['review_conflicts_409']} review conflicts (409), "
          f"{figures['requests_per_s']} requests/s")
    print(f"latency p50 {lat.get('p50_ms')} ms, p95 {lat.get('p95_ms')} ms, p99 {lat.get('p99_ms')} ms, "
          f"max {lat.get('max_ms')} ms")
    for kind, p in figures["by_kind"].items():
        print(f"  {kind:7} n={p['n']:6}  p50 {p.get('p50_ms')} ms  p95 {p.get('p95_ms')} ms  "
              f"p99 {p.get('p99_ms')} ms")
    for e in figures["first_errors"]:
        print(f"  error: {e}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
