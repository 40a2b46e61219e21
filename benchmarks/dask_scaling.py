#!/usr/bin/env python3
"""Dask scaling: full extraction on a LocalCluster of 1 worker, then of 2, on the same texts.

    .venv/bin/python benchmarks/dask_scaling.py [INPUTS.jsonl ...] [--repeat N] [--batch-size N]

Texts are those of ``throughput.py`` (the giveme5w1h news articles and the bundled samples).
Each cluster has single-threaded worker processes that build the pipeline once when they join
(not timed); one untimed pass warms every worker, then ``--repeat`` passes are timed. Reports
articles/s per cluster size, the speed-up, the workers' peak RSS, and the machine's load and
the CPU time other processes used while measuring (other work on the cores lowers the speed-up).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import psutil

from throughput import DEFAULT_INPUTS, load_articles

from newsevents import __version__
from newsevents.distributed import dask_client, extract_on_cluster
from newsevents.settings import default_settings


def _worker_rss_mb() -> int:
    return round(psutil.Process().memory_info().rss / 2**20)


def _busy_elsewhere(before: dict[int, float], mine: set[int]) -> float:
    """CPU seconds used by processes other than this run's since ``before``."""
    total = 0.0
    for proc in psutil.process_iter(["pid", "cpu_times"]):
        pid, cpu = proc.info["pid"], proc.info["cpu_times"]
        if pid in mine or cpu is None:
            continue
        total += max(0.0, cpu.user + cpu.system - before.get(pid, 0.0))
    return total


def _cpu_snapshot() -> dict[int, float]:
    return {p.info["pid"]: p.info["cpu_times"].user + p.info["cpu_times"].system
            for p in psutil.process_iter(["pid", "cpu_times"]) if p.info["cpu_times"]}


def measure(articles, workers: int, repeat: int, batch_size: int) -> dict:
    """Articles/s of ``workers`` single-threaded Dask workers, warm, over ``repeat`` passes."""
    settings = default_settings()
    with dask_client(None, workers, settings) as client:
        list(extract_on_cluster(client, articles, settings, batch_size))  # warm-up
        mine = {os.getpid()} | {p.pid for p in psutil.Process().children(recursive=True)}
        before, load_before = _cpu_snapshot(), os.getloadavg()[0]
        start = time.perf_counter()
        for _ in range(repeat):
            list(extract_on_cluster(client, articles, settings, batch_size))
        seconds = (time.perf_counter() - start) / repeat
        other_cpu = _busy_elsewhere(before, mine)
        rss = client.run(_worker_rss_mb)
    return {"workers": workers, "seconds_per_pass": round(seconds, 2),
            "articles_per_s": round(len(articles) / seconds, 2),
            "worker_rss_mb": sorted(rss.values()),
            "load_avg_1min_before": round(load_before, 2),
            "other_processes_cpu_s_per_pass": round(other_cpu / repeat, 2)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*", type=Path, default=DEFAULT_INPUTS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=4)
    args = ap.parse_args(argv)
    articles = load_articles([p for p in args.inputs if p.exists()])
    words = sum(len(a.text.split()) for a in articles)
    one = measure(articles, 1, args.repeat, args.batch_size)
    two = measure(articles, 2, args.repeat, args.batch_size)
    figures = {
        "newsevents": __version__, "python": platform.python_version(),
        "cpus": os.cpu_count(), "articles": len(articles), "mean_words": round(words / len(articles)),
        "repeat": args.repeat, "batch_size": args.batch_size,
        "one_worker": one, "two_workers": two,
        "speedup": round(two["articles_per_s"] / one["articles_per_s"], 3),
    }
    json.dump(figures, sys.stdout, indent=2)
    print()
    return figures


if __name__ == "__main__":
    main()
