#!/usr/bin/env python3
"""Run newsevents over every benchmark set and print (or publish) the figures.

    .venv/bin/python benchmarks/run.py [BENCH_DIR] [--sets a,b] [--limit N] [--update-docs]

BENCH_DIR (default ``../shared/benchmarks`` from the repository root) holds one directory per
set (``inputs.jsonl`` + ``gold.jsonl``); the project's own seed annotation (``tests/golden``)
is scored too, as the set ``seed``. Each set's output goes to ``build/bench/<set>.jsonl`` and
its full figures to ``build/bench/<set>.json``. ``--update-docs`` rewrites the results section
of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import platform
import sys
from pathlib import Path

from newsevents import __version__
from newsevents.errors import NewsEventsError
from newsevents.evaluate import evaluate, headline_figures
from newsevents.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = ROOT.parent / "shared" / "benchmarks"
SEED_DIR = ROOT / "tests" / "golden"
BUILD = ROOT / "build" / "bench"
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def find_sets(bench_dir: Path, wanted: list[str] | None) -> dict[str, Path]:
    """Set name -> directory: every set under ``bench_dir`` plus the seed, filtered by ``wanted``."""
    sets = {p.name: p for p in sorted(bench_dir.iterdir()) if (p / "gold.jsonl").is_file()} \
        if bench_dir.is_dir() else {}
    if (SEED_DIR / "expected.json").is_file():
        sets["seed"] = SEED_DIR
    if wanted:
        unknown = sorted(set(wanted) - set(sets))
        if unknown:
            raise SystemExit(f"unknown set(s): {', '.join(unknown)}; available: {', '.join(sets)}")
        sets = {name: sets[name] for name in wanted}
    return sets


def _value(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) <= 1 else f"{value:.1f}"
    return str(value)


def markdown_table(results: dict[str, dict]) -> str:
    """One row per headline figure, grouped by set."""
    lines = ["| set | figure | value |", "|---|---|---|"]
    for name, figures in results.items():
        speed = figures.get("articles_per_second")
        n = figures.get("n")
        label = f"`{name}` ({n} article{'' if n == 1 else 's'}, {_value(speed)} articles/s)"
        for i, (figure, value) in enumerate(headline_figures(figures["kind"], figures)):
            lines.append(f"| {label if i == 0 else ''} | {figure} | {_value(value)} |")
    return "\n".join(lines)


SCORER = ROOT.parent / "shared" / "tools" / "score.py"
# set → (scorer kind, [(figure label, path in the scorer's answer)])
HALF_FIGURES = {
    "acled-notes": ("acled", [("type macro F1", "type.macro_f1"), ("fatalities exact", "fatalities_exact"),
                              ("location within 25 km", "loc_within_25km"), ("admin1", "admin1"),
                              ("agent (actor1) class", "actor1_type"), ("target (actor2) class", "actor2_type"),
                              ("both classes", "actor_dyad_type")]),
    "case2021-task2": ("case2021", [("weighted F1, 25 ACLED types", "seen_types.weighted_f1"),
                                    ("macro F1, all gold types", "all_types.macro_f1")]),
    "giveme5w1h": ("giveme", [("main event when", "when_correct"), ("main event where", "where_correct")]),
    "tempeval3-timebank": ("timex", [("span F1", "span_f1"), ("value F1", "value_f1")]),
    "geo-lgl": ("geo", [("within 161 km, of all gold", "acc161_of_all")]),
    "geo-geovirus": ("geo", [("within 161 km, of all gold", "acc161_of_all")]),
}


def half_scores(name: str, bench: Path, output: Path) -> dict[str, dict]:
    """The set's figures on its look and blind halves, by the shared scorer (none without it)."""
    import subprocess

    if name not in HALF_FIGURES or not SCORER.is_file():
        return {}
    kind, _ = HALF_FIGURES[name]
    out = {}
    for half in ("look", "blind"):
        done = subprocess.run([sys.executable, str(SCORER), kind, str(bench), str(output), half],
                              capture_output=True, text=True)
        if done.returncode == 0:
            out[half] = json.loads(done.stdout)
    return out


def _path(d: dict, path: str):
    for key in path.split("."):
        d = d.get(key) if isinstance(d, dict) else None
    return d


def halves_table(halves: dict[str, dict]) -> str:
    lines = ["| set | figure | look | blind |", "|---|---|---|---|"]
    for name, by_half in halves.items():
        if not by_half:
            continue
        for i, (label, path) in enumerate(HALF_FIGURES[name][1]):
            look, blind = (_path(by_half.get(h, {}), path) for h in ("look", "blind"))
            lines.append(f"| {f'`{name}`' if i == 0 else ''} | {label} | {_value(look)} | {_value(blind)} |")
    return "\n".join(lines)


def update_docs(table: str, command: str) -> None:
    """Replace the text between the results markers of docs/benchmarks.md."""
    text = DOCS.read_text("utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{DOCS} lacks the markers {START} / {END}")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    stamp = (f"newsevents {__version__}, {dt.date.today().isoformat()}, Python "
             f"{platform.python_version()} on {platform.machine()}; command: `{command}`")
    DOCS.write_text(f"{head}{START}\n{stamp}\n\n{table}\n{END}{tail}", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_dir", nargs="?", type=Path, default=DEFAULT_BENCH,
                        help=f"directory of benchmark sets (default {DEFAULT_BENCH})")
    parser.add_argument("--sets", type=lambda s: [x for x in s.split(",") if x],
                        help="comma-separated set names (default: all, plus seed)")
    parser.add_argument("--limit", type=int, help="only the first N inputs of each set")
    parser.add_argument("--update-docs", action="store_true",
                        help=f"rewrite the results section of {DOCS.relative_to(ROOT)}")
    parser.add_argument("--config", type=Path, help="a settings TOML file overlaying the defaults")
    args = parser.parse_args(argv)
    settings = load_settings(args.config) if args.config else None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    results, halves = {}, {}
    BUILD.mkdir(parents=True, exist_ok=True)
    for name, path in find_sets(args.bench_dir, args.sets).items():
        print(f"{name} ...", file=sys.stderr)
        try:
            figures = evaluate(path, settings=settings, output=BUILD / f"{name}.jsonl", limit=args.limit,
                               progress=sys.stderr.isatty())
        except NewsEventsError as exc:
            print(f"error: {name}: {exc}", file=sys.stderr)
            return 1
        (BUILD / f"{name}.json").write_text(json.dumps(figures, indent=2), "utf-8")
        results[name] = figures
        halves[name] = half_scores(name, path, BUILD / f"{name}.jsonl")
    table = markdown_table(results)
    if any(halves.values()):
        table += ("\n\nThe same outputs on each set's two halves (by the sha1 of the item ids, "
                  "`../shared/tools/score.py KIND SET OUT look|blind`): errors are read on *look* only.\n\n"
                  + halves_table(halves))
    print(table)
    if args.update_docs:
        update_docs(table, "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
