"""How fast the events page shows its first screen over a store of 10,000 events.

Builds a fresh SQLite store of synthetic events (bulk inserts as in benchmarks/store_query.py,
each with an agent and a target; ids and text say "synthetic"; no extraction, no benchmark
text), starts ``newsevents serve`` on a free local port (a separate process), logs a
reviewer in, and loads ``/`` in headless Chromium (Debian's ``chromium`` through Playwright)
several times. The figure is the time from navigation start until the table's first screen of
rows (50) has been rendered and painted (``performance.mark("events-painted")`` in
static/events.js); the median over the loads is reported. Target: under 500 ms.

    .venv/bin/python benchmarks/serve_page.py                 # 10,000 events, 7 loads
    .venv/bin/python benchmarks/serve_page.py --events 100000 --loads 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from store_query import fill  # noqa: E402 - synthetic events, articles and places

from newsevents.serve import auth  # noqa: E402
from newsevents.store import open_store  # noqa: E402
from newsevents.store.schema import EventActor  # noqa: E402

TARGET_MS = 500
USER = ("bench", "bench-password-1")


def add_actors(store, n: int) -> None:
    """An agent and a target for each synthetic event."""
    kinds = ["police", "military", "state_forces", "rebels"]
    with store.engine.begin() as conn:
        for lo in range(0, n, 20_000):
            rows = []
            for pk in range(lo + 1, min(n, lo + 20_000) + 1):
                rows.append({"event_pk": pk, "part": "agent", "position": 0, "text": "synthetic forces",
                             "kind": kinds[pk % len(kinds)], "aliases": []})
                rows.append({"event_pk": pk, "part": "target", "position": 0,
                             "text": f"synthetic person {pk % 997}", "name": f"Synthetic Person {pk % 997}",
                             "kind": "person", "aliases": []})
            conn.execute(insert(EventActor), rows)
        conn.execute(text("ANALYZE"))


def wait_for(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.stderr.read()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start in time")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("Chromium not found: install it with `apt-get install -y chromium` (or `make chromium`).")


def measure(base: str, loads: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    timings = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("#username", USER[0])
        page.fill("#password", USER[1])
        page.click("#login-submit")
        page.wait_for_url(f"{base}/")
        page.wait_for_selector("main[data-loaded=yes]")
        for _ in range(loads):
            page.goto(f"{base}/", wait_until="commit")
            page.wait_for_selector("#rows tr", state="attached")
            rows = page.locator("#rows tr").count()
            painted = page.evaluate("""() => new Promise((done) => {
                const look = () => {
                  const m = performance.getEntriesByName('events-painted');
                  if (m.length) done(m[0].startTime); else setTimeout(look, 5);
                };
                look();
            })""")
            if rows < 50:
                raise SystemExit(f"the events page showed {rows} rows, expected 50")
            timings.append(painted)
        browser.close()
    return timings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--loads", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'serve-bench.db'}"
        store = open_store(url)
        t0 = time.perf_counter()
        fill(store, args.events)
        add_actors(store, args.events)
        auth.add_user(store, USER[0], USER[1], "reviewer")
        build_s = time.perf_counter() - t0
        store.close()
        port = free_port()
        cli = Path(sys.executable).with_name("newsevents")
        server = subprocess.Popen([str(cli), "serve", "--db", url, "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(port, server)
            timings = measure(f"http://127.0.0.1:{port}", args.loads)
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    median = statistics.median(timings)
    result = {"events": args.events, "loads": len(timings), "first_screen_ms_median": round(median, 1),
              "first_screen_ms_min": round(min(timings), 1), "first_screen_ms_max": round(max(timings), 1),
              "target_ms": TARGET_MS, "under_target": median < TARGET_MS, "store_build_s": round(build_s, 1),
              "command": " ".join(["python", "benchmarks/serve_page.py", *sys.argv[1:]])}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
