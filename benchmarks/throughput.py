#!/usr/bin/env python3
"""Throughput: full newsevents extraction against bare spaCy, on the same texts, in one run.

    .venv/bin/python benchmarks/throughput.py [INPUTS.jsonl ...] [--repeat N] [--batch-size N]

Texts come from JSONL files with a ``text`` field (default: the news articles of
``../shared/benchmarks/giveme5w1h/inputs.jsonl`` and the bundled samples). Both runs use the
same model; the bare run is ``nlp.pipe`` of the packaged model alone, the full run is
``newsevents.extract_articles`` (model + entity rules + every stage). Each is warmed up once,
then timed, in one process. A last run uses ``--workers`` processes (start-up included).
Reports articles/s, words/s, the full/bare ratio and peak RSS, as JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

from newsevents import __version__
from newsevents.api import extract_articles
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


def timed(fn, repeat: int) -> float:
    fn()  # warm-up: model caches, lazy loads
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*", type=Path, default=DEFAULT_INPUTS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2, help="also time extraction with this many processes")
    args = ap.parse_args(argv)

    settings = default_settings()
    articles = load_articles([p for p in args.inputs if p.exists()])
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    bare = load_model(settings.model)
    get_pipeline(settings)  # built once, outside the timing, like the bare model

    bare_s = timed(lambda: list(bare.pipe(texts, batch_size=args.batch_size)), args.repeat)
    full_s = timed(lambda: list(extract_articles(articles, settings, batch_size=args.batch_size)), args.repeat)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    par_s = None
    if args.workers > 1:  # includes starting the workers and loading the model in each
        start = time.perf_counter()
        list(extract_articles(articles * args.repeat, settings, batch_size=8, workers=args.workers))
        par_s = (time.perf_counter() - start) / args.repeat
    child_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {
        "newsevents": __version__, "model": settings.model, "python": platform.python_version(),
        "articles": len(texts), "words": words, "mean_words": round(words / max(1, len(texts))),
        "repeat": args.repeat, "batch_size": args.batch_size,
        "bare_spacy_articles_per_s": round(len(texts) / bare_s, 2),
        "bare_spacy_words_per_s": round(words / bare_s),
        "full_articles_per_s": round(len(texts) / full_s, 2),
        "full_words_per_s": round(words / full_s),
        "full_over_bare": round(bare_s / full_s, 3),
        "peak_rss_mb": round(rss_mb),
        f"full_articles_per_s_{args.workers}_workers": round(len(texts) / par_s, 2) if par_s else None,
        "peak_rss_mb_per_worker": round(child_rss_mb) if par_s else None,
    }
    json.dump(figures, sys.stdout, indent=2)
    print()
    return figures


if __name__ == "__main__":
    main()
