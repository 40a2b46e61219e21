#!/usr/bin/env python3
"""Throughput: full newsevents extraction against bare spaCy, on the same texts, in one run.

    .venv/bin/python benchmarks/throughput.py [INPUTS.jsonl ...] [--repeat N] [--batch-size N]

Texts come from JSONL files with a ``text`` field (default: the news articles of
``../shared/benchmarks/giveme5w1h/inputs.jsonl`` and the bundled samples). Both runs use the
same model and components; the bare run is ``nlp.pipe`` of the packaged model alone, the full
run is ``newsevents.extract_articles`` (model + entity rules + every stage). Each is warmed up
once, then timed ``--repeat`` times, bare and full passes alternating, in one process, so that
load from other processes on a shared machine falls on both alike; the ratio full/bare is given
for elapsed time and for this process's CPU time (which other processes barely disturb). A last
run extracts the texts ``--repeat`` times over with ``--workers`` processes: its rate includes
starting the workers (each imports newsevents and loads the model), and the steady rate counts
from the first result on. Reports articles/s, words/s, the ratios and peak RSS, as JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Optional

from newsevents import __version__
from newsevents.api import PARALLEL_TASK_ARTICLES, extract_articles
from newsevents.nlp import get_pipeline, load_model
from newsevents.read import article_from_text, read_paths
from newsevents.schema import Article
from newsevents.settings import default_settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUTS = [ROOT.parent / "shared" / "benchmarks" / "giveme5w1h" / "inputs.jsonl"]
SAMPLES = ROOT / "src" / "newsevents" / "data" / "samples"


def load_articles(paths: list[Path]) -> list[Article]:
    articles = [a for a in read_paths([str(SAMPLES)]) if isinstance(a, Article)]
    for path in paths:
        for n, line in enumerate(path.read_text("utf-8").split("\n"), 1):
            if line.strip():
                rec = json.loads(line)
                date = rec.get("date") if rec.get("date") not in (None, "None") else None
                articles.append(article_from_text(rec["text"], origin=f"{path}:{n}", id=str(rec.get("id", n)),
                                                  date=date))
    return articles


def alternating(fns: dict, repeat: int) -> dict[str, tuple[float, float]]:
    """Mean (elapsed, CPU) seconds of each function, after one warm-up call each (model caches,
    lazy loads), the functions taking turns pass after pass."""
    for fn in fns.values():
        fn()
    spent = {name: [0.0, 0.0] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            spent[name][0] += time.perf_counter() - wall
            spent[name][1] += time.process_time() - cpu
    return {name: (w / repeat, c / repeat) for name, (w, c) in spent.items()}


def parallel(articles: list[Article], settings, workers: int) -> tuple[float, float, Optional[int]]:
    """(seconds in all, seconds to the first result, peak resident MB of the largest worker)
    extracting ``articles`` with ``workers`` processes, starting them included. Each worker's
    peak (VmHWM) is sampled while it runs: ``RUSAGE_CHILDREN`` would report this process's
    size, which a started process inherits for the instant before it loads Python afresh."""
    peaks: dict[int, int] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            for child in multiprocessing.active_children():
                try:
                    status = Path(f"/proc/{child.pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[child.pid] = max(peaks.get(child.pid, 0), int(line.split()[1]) // 1024)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    first = None
    try:
        for _ in extract_articles(articles, settings, workers=workers):
            first = first or time.perf_counter() - start
    finally:
        done.set()
        sampler.join()
    return time.perf_counter() - start, first or 0.0, max(peaks.values(), default=None)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*", type=Path, default=DEFAULT_INPUTS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2, help="also time extraction with this many processes")
    ap.add_argument("--skip-workers", action="store_true", help="leave out the run with worker processes")
    args = ap.parse_args(argv)

    settings = default_settings()
    articles = load_articles([p for p in args.inputs if p.exists()])
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    bare = load_model(settings.model)
    get_pipeline(settings)  # built once, outside the timing, like the bare model

    spent = alternating({
        "bare": lambda: list(bare.pipe(texts, batch_size=args.batch_size)),
        "full": lambda: list(extract_articles(articles, settings, batch_size=args.batch_size)),
    }, args.repeat)
    (bare_s, bare_cpu), (full_s, full_cpu) = spent["bare"], spent["full"]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    par_s = par_n = steady = first = worker_rss_mb = None
    if args.workers > 1 and not args.skip_workers:  # includes starting the workers and loading the model in each
        par_n = len(articles) * args.repeat
        par_s, first, worker_rss_mb = parallel(articles * args.repeat, settings, args.workers)
        first_batch = min(PARALLEL_TASK_ARTICLES, args.batch_size)
        steady = (par_n - first_batch) / max(1e-9, par_s - first)
    figures = {
        "newsevents": __version__, "model": settings.model, "python": platform.python_version(),
        "articles": len(texts), "words": words, "mean_words": round(words / max(1, len(texts))),
        "repeat": args.repeat, "batch_size": args.batch_size,
        "bare_spacy_articles_per_s": round(len(texts) / bare_s, 2),
        "bare_spacy_words_per_s": round(words / bare_s),
        "full_articles_per_s": round(len(texts) / full_s, 2),
        "full_words_per_s": round(words / full_s),
        "full_over_bare": round(bare_s / full_s, 3),
        "full_over_bare_cpu": round(bare_cpu / full_cpu, 3),
        "peak_rss_mb": round(rss_mb),
        "workers": args.workers if par_s else None,
        "workers_articles": par_n,
        f"full_articles_per_s_{args.workers}_workers": round(par_n / par_s, 2) if par_s else None,
        f"full_articles_per_s_{args.workers}_workers_steady": round(steady, 2) if par_s else None,
        "workers_first_result_s": round(first, 2) if par_s else None,
        "peak_rss_mb_per_worker": worker_rss_mb if par_s else None,
    }
    json.dump(figures, sys.stdout, indent=2)
    print()
    return figures


if __name__ == "__main__":
    main()
