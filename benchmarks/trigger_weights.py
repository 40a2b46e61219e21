#!/usr/bin/env python3
"""Trigger precision on the labelled training sentences: evidence for the weights of triggers.tsv.

    .venv/bin/python benchmarks/trigger_weights.py [--min-fires 5] [--margin 0.15] [--json]

Column 4 of ``data/triggers.tsv`` says how reliably a trigger signals its event type; it is set
by hand. This script measures it on the team-written examples of
``data/training/event_types.jsonl`` (never on a benchmark). Every example runs through the full
pipeline, and two figures are counted per trigger line:

- *fires* / *hits*: each token is tried as a trigger exactly as stage 7 does it
  (``events.trigger_hits``, then ``events.is_reportable`` and ``events._candidate``, which
  applies the trigger's ``needs``); a line fires on an example when it yields a candidate there
  (once per example) and hits when the example's gold type is the line's type. This counts every
  mention, also those that another trigger of the sentence outranks ("arrested" in a report of a
  protest broken up by the police), so it says little about the weight's own job.
- *decides* / *right*: the line types the article's main event when the rules alone type it
  (stages 7 and 8 with ``use_model=False``: merging, ``refine_type`` and ACLED's coding rules
  included), and that type is the gold one. This is what the weight is weighed for against the
  classifier in ``events.combined_type``.

Precision is smoothed as (right + 1) / (decides + 2). For a line that decides at least
``--min-fires`` main events and whose precision differs from the hand weight by at least
``--margin``, a weight halfway between the two is proposed, rounded to 0.05 and bounded to
0.4-0.95 (below 0.4 a trigger makes no event at all, see ``find_event_candidates``). The training
sentences are written to cover contrasts between types (a "clash" that is mob violence, an
"attack" from the air), so the measure is a proxy that understates precision in ordinary news:
hence the halfway step, and hand weights stay where the evidence is thin. Weights also rank the
mentions merged into one event (``_absorb``) and the events of an article (salience), so a
proposal changes more than the trigger-versus-classifier choice: measure the benchmarks before
adopting any. The proposals are printed; the script does not edit triggers.tsv.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from newsevents.extract.claims import assess
from newsevents.extract.events import (ActorIndex, _candidate, build_events,
                                       find_event_candidates, is_reportable, trigger_hits)
from newsevents.knowledge import tsv
from newsevents.nlp import get_pipeline, make_doc, run_pipeline
from newsevents.read import article_from_text

ROOT = Path(__file__).resolve().parents[1]
TRAINING = ROOT / "src" / "newsevents" / "data" / "training" / "event_types.jsonl"
LOW, HIGH = 0.4, 0.95


def examples(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("{")]


def line_key(words: tuple[str, ...], pos: str, type_: str) -> tuple[str, str, str]:
    """The triggers.tsv line a definition came from (a hyphenated phrase is matched split)."""
    return " ".join(words).replace(" - ", "-"), pos, type_


def fired_lines(doc) -> set[tuple[str, str, str]]:
    """The trigger lines that make an event candidate in ``doc``, as stage 7 finds them."""
    idx = ActorIndex(doc, doc._.actors or [])
    out = set()
    for tok, d, tokens, head in trigger_hits(doc):
        if is_reportable(head, d) and _candidate(doc, tok, d, tokens, idx) is not None:
            out.add(line_key(d.words, d.pos, d.type))
    return out


def deciding_line(doc) -> tuple[tuple[str, str], str] | None:
    """(words, pos) of the trigger that types the article's main event when the rules alone type
    it (stage 7 and 8 without the classifier, ACLED coding rules included), with that type."""
    cands = find_event_candidates(doc)
    assess(doc, cands)
    events = build_events(doc, cands, use_model=False)
    if not events or all(e.background for e in events) or not events[0].rule.startswith("trigger:"):
        return None
    words, pos = events[0].rule.split("+")[0][len("trigger:"):].rsplit("/", 1)
    return (words, pos), events[0].type


def proposal(weight: float, n: int, right: int, min_n: int, margin: float) -> float | None:
    """A new weight halfway towards the smoothed precision, or None to keep the hand weight."""
    if n < min_n:
        return None
    precision = (right + 1) / (n + 2)
    if abs(precision - weight) < margin:
        return None
    step = round((weight + (precision - weight) / 2) * 20) / 20
    new = min(HIGH, max(LOW, step))
    return new if new != weight else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--min-fires", type=int, default=5, help="main events a line must decide")
    ap.add_argument("--margin", type=float, default=0.15)
    ap.add_argument("--json", action="store_true", help="one JSON record per trigger line")
    args = ap.parse_args()

    data = examples(TRAINING)
    nlp = get_pipeline()
    docs = (make_doc(nlp, article_from_text(ex["text"], "training")) for ex in data)
    fires: Counter = Counter()
    hits: Counter = Counter()
    decides: Counter = Counter()
    right: Counter = Counter()
    confused: dict = defaultdict(Counter)
    for ex, doc in zip(data, run_pipeline(nlp, docs, 64)):
        for key in fired_lines(doc):
            fires[key] += 1
            hits[key] += ex["type"] == key[2]
        decided = deciding_line(doc)
        if decided is not None:
            line, type_ = decided
            decides[line] += 1
            right[line] += ex["type"] == type_
            if ex["type"] != type_:
                confused[line][f"{type_}>{ex['type']}"] += 1

    rows = []
    for phrase, pos, type_, weight, _needs in tsv("triggers.tsv", 5):
        key, w = (phrase.lower(), pos, type_), float(weight)
        f, h = fires[key], hits[key]
        d, r = decides[key[:2]], right[key[:2]]
        rows.append({"trigger": phrase, "pos": pos, "type": type_, "weight": w,
                     "fires": f, "hits": h, "fire_precision": smoothed(h, f),
                     "decides": d, "right": r, "precision": smoothed(r, d),
                     "proposed": proposal(w, d, r, args.min_fires, args.margin),
                     "errors": dict(confused[key[:2]].most_common(3))})
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    print(f"{len(data)} training examples; lines deciding >= {args.min_fires} main events: "
          f"{sum(row['decides'] >= args.min_fires for row in rows)} of {len(rows)}")
    print(f"{'trigger':24} {'pos':5} {'type':28} {'weight':>6} {'fires':>5} {'hits':>4} {'f.pr':>5} "
          f"{'dec':>4} {'right':>5} {'prec':>5} {'new':>5}  errors (rule type>gold)")
    for row in sorted(rows, key=lambda row: (-row["decides"], -row["fires"])):
        if not row["fires"] and not row["decides"]:
            continue
        new = f"{row['proposed']:.2f}" if row["proposed"] is not None else ""
        errors = ", ".join(f"{t} {n}" for t, n in row["errors"].items())
        print(f"{row['trigger']:24} {row['pos']:5} {row['type']:28} {row['weight']:6.2f} "
              f"{row['fires']:5d} {row['hits']:4d} {fmt(row['fire_precision'])} "
              f"{row['decides']:4d} {row['right']:5d} {fmt(row['precision'])} {new:>5}  {errors}")


def smoothed(hits: int, n: int) -> float | None:
    return round((hits + 1) / (n + 2), 3) if n else None


def fmt(x: float | None) -> str:
    return f"{x:5.2f}" if x is not None else "    -"


if __name__ == "__main__":
    main()
