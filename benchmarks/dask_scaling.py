#!/usr/bin/env python3
"""Dask scaling: full extraction on a LocalCluster of 1 worker, then of 2, on the same texts.

    .venv/bin/python benchmarks/dask_scaling.py [INPUTS.jsonl ...] [--repeat N] [--batch-size N]

Texts are those of ``throughput.py`` (the giveme5w1h news articles and the bundled samples).
Each cluster has single-threaded worker processes that build the pipeline once when they join
(not timed); one untimed pass warms every worker, then ``--repeat`` passes are timed. Reports
articles/s per cluster size (best and median pass), the speed-up, the workers' RSS, and
the share of the machine's CPU that other processes took during each pass (other work on the
cores lowers the speed-up), and the speed-up over undisturbed passes only. Last, how fast the
client stores the gathered results (one transaction per article, linked or not) in a fresh SQLite file
and, with ``--db``, in a new database on a PostgreSQL server.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
from contextlib import contextmanager
import sys
import time
from pathlib import Path

import psutil

from throughput import DEFAULT_INPUTS, load_articles

from newsevents import __version__
from newsevents.distributed import dask_client, extract_on_cluster
from newsevents.settings import default_settings
from newsevents.store import open_store, store_result

CPUS = os.cpu_count() or 1
QUIET_SHARE = 0.05  # undisturbed: others took at most the idle cores' share + 5% of the CPU


def _worker_rss_mb() -> int:
    return round(psutil.Process().memory_info().rss / 2**20)


def _cpu_seconds(procs: list[psutil.Process]) -> tuple[float, float]:
    """(CPU seconds used by ``procs``, CPU seconds used by the whole machine) so far."""
    ours = sum(sum(p.cpu_times()[:2]) for p in procs)
    machine = psutil.cpu_times()
    return ours, machine.user + machine.system + machine.nice


def measure(articles, workers: int, repeat: int, batch_size: int) -> dict:
    """Articles/s of ``workers`` single-threaded Dask workers, warm, pass by pass, with the
    CPU time other processes on the machine took meanwhile."""
    settings = default_settings()
    with dask_client(None, workers, settings) as client:
        list(extract_on_cluster(client, articles, settings, batch_size))  # warm-up
        procs = [psutil.Process()] + psutil.Process().children(recursive=True)
        passes, others = [], []
        for _ in range(repeat):
            ours0, machine0 = _cpu_seconds(procs)
            start = time.perf_counter()
            results = list(extract_on_cluster(client, articles, settings, batch_size))
            passes.append(time.perf_counter() - start)
            ours1, machine1 = _cpu_seconds(procs)
            others.append(max(0.0, (machine1 - machine0) - (ours1 - ours0)))
        rss = client.run(_worker_rss_mb)
    best, median = min(passes), statistics.median(passes)
    shares = [o / (t * CPUS) for o, t in zip(others, passes)]
    spare = 1 - workers / CPUS  # what others may take without slowing these workers down
    quiet = [t for t, share in zip(passes, shares) if share <= spare + QUIET_SHARE]
    return {"workers": workers, "seconds_per_pass": [round(x, 2) for x in passes],
            "articles_per_s_best": round(len(articles) / best, 2),
            "articles_per_s_median": round(len(articles) / median, 2),
            "articles_per_s_undisturbed": round(len(articles) / statistics.mean(quiet), 2) if quiet else None,
            "other_processes_cpu_share": [round(x, 2) for x in shares],
            "worker_rss_mb": sorted(rss.values())}, results


def write_rate(results, url: str | None, link: bool) -> dict:
    """Articles/s the client stores (one transaction per article) into a fresh store: a
    temporary SQLite file, or a new database created (then dropped) on a PostgreSQL server."""
    with tempfile.TemporaryDirectory() as tmp, _fresh_database(url, tmp) as fresh:
        with open_store(fresh) as store:
            start = time.perf_counter()
            for result in results:
                store_result(store, result, link=link)
            seconds = time.perf_counter() - start
    return {"store": "postgresql" if url else "sqlite", "linked": link, "articles": len(results),
            "articles_per_s": round(len(results) / seconds, 1)}


@contextmanager
def _fresh_database(url: str | None, tmp: str):
    if not url:
        yield f"sqlite:///{tmp}/bench.db"
        return
    import psycopg
    name = f"newsevents_bench_{os.getpid()}"
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*", type=Path, default=DEFAULT_INPUTS)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--db", help="also time storing the results in a new database on this "
                    "PostgreSQL server (postgresql://user@host/db; created and dropped)")
    args = ap.parse_args(argv)
    articles = load_articles([p for p in args.inputs if p.exists()])
    words = sum(len(a.text.split()) for a in articles)
    one, _ = measure(articles, 1, args.repeat, args.batch_size)
    two, results = measure(articles, 2, args.repeat, args.batch_size)
    writes = [write_rate(results, url, link) for url in [None] + ([args.db] if args.db else [])
              for link in (True, False)]
    figures = {
        "newsevents": __version__, "python": platform.python_version(),
        "cpus": CPUS, "articles": len(articles), "mean_words": round(words / len(articles)),
        "repeat": args.repeat, "batch_size": args.batch_size,
        "one_worker": one, "two_workers": two,
        "speedup_best": round(two["articles_per_s_best"] / one["articles_per_s_best"], 3),
        "speedup_median": round(two["articles_per_s_median"] / one["articles_per_s_median"], 3),
        "speedup_undisturbed": round(two["articles_per_s_undisturbed"] / one["articles_per_s_undisturbed"], 3)
        if one["articles_per_s_undisturbed"] and two["articles_per_s_undisturbed"] else None,
        "client_store_writes": writes,
    }
    json.dump(figures, sys.stdout, indent=2)
    print()
    return figures


if __name__ == "__main__":
    main()
