#!/usr/bin/env python3
"""Calibration of ``Event.confidence``: fitted on the team-written examples, measured on benchmarks.

    .venv/bin/python benchmarks/calibrate_confidence.py --write      # refit data/confidence.toml
    .venv/bin/python benchmarks/calibrate_confidence.py [BENCH_DIR] [--sets a,b] [--limit N]

``--write`` fits the calibration that ``confidence.confidence`` reads from ``data/confidence.toml``.
Every example of ``data/training/event_types.jsonl`` (written by the team; never a benchmark)
runs through the pipeline, and its main event (stages 7 and 8, with the classifier and ACLED's
coding rules) is compared with the example's gold type. The classifier's probabilities there
come from a model trained without the example (the classifier's own cross-validation folds and
temperature, ``classify.SETTINGS``), so that its word weighs as it does on unseen text. For each
way of typing an event (``confidence.confidence_inputs``: a trigger with the classifier's word, a
trigger alone, the classifier) a logistic regression (scikit-learn, default L2 regularisation)
maps the features to the probability that the type is right. Main events whose type a later
rule changed (``retyped``: ACLED's coding rules, a violent protest) are left out of the fit and
take the confidence of what typed them: the examples are single sentences written to contrast
types, not the whole reports those rules read. The fit is reported out of fold (5 folds) next
to the uncalibrated score, and the coefficients are written with their provenance. A trigger's
weight must not lower confidence: if its coefficient comes out negative it is dropped and the
model refitted without it (with the classifier's word, the weight adds nothing on the examples).

Without ``--write`` the script measures calibration on benchmark sets (default case2021-task2
and acled-notes): for the main event of each article with an event, its confidence against
whether its type is the gold one. It prints the expected calibration error (ECE, 10 equal-width
bins, weighted by the bins' sizes) and a reliability table, before (the uncalibrated score:
trigger weight raised by filled roles, the classifier's probability, 1.0 for a report's own tag)
and after (``Event.confidence``). The benchmarks are only measured, never fitted on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from trigger_weights import ROOT, TRAINING, examples  # noqa: E402

from newsevents.extract import confidence as cf  # noqa: E402
from newsevents.extract import events as ev  # noqa: E402

DATA = ROOT / "src" / "newsevents" / "data" / "confidence.toml"
DEFAULT_BENCH = ROOT.parent / "shared" / "benchmarks"
DEFAULT_SETS = ("case2021-task2", "acled-notes")
BINS = 10
C = 1.0  # inverse regularisation strength of the logistic regressions
FEATURES = {
    "trigger": ("weight", "targets", "agents", "merged", "model_log_odds", "model_first"),
    "trigger_alone": ("weight", "targets", "agents", "merged"),
    "model": ("model_log_odds",),
}
TAG_CONFIDENCE = 0.9


# -- measures ----------------------------------------------------------------------------------

def ece(conf: list[float], right: list[bool], bins: int = BINS) -> float:
    """Expected calibration error: |accuracy - mean confidence| per equal-width bin, weighted by
    the share of events in the bin."""
    if not conf:
        return float("nan")
    return float(sum(abs(a - c) * n for _, _, n, c, a in reliability(conf, right, bins)) / len(conf))


def reliability(conf: list[float], right: list[bool], bins: int = BINS) -> list[tuple]:
    """(bin low, bin high, n, mean confidence, accuracy) of each non-empty bin."""
    c, r = np.asarray(conf, float), np.asarray(right, float)
    idx = np.minimum((c * bins).astype(int), bins - 1)
    return [(b / bins, (b + 1) / bins, int((idx == b).sum()), float(c[idx == b].mean()),
             float(r[idx == b].mean())) for b in range(bins) if (idx == b).any()]


def uncalibrated(route: str, f: dict[str, float]) -> float:
    """The confidence events had before calibration: the trigger's weight raised by filled roles,
    the classifier's probability for a type it gave, 1.0 for a report's own tag."""
    if route in ("trigger", "trigger_alone"):
        score = f["weight"] * (0.6 + 0.15 * f["targets"] + 0.1 * f["agents"] + 0.05 * f["merged"])
        return round(min(0.99, score + 0.1), 2)
    if route == "model":
        return round(1 / (1 + math.exp(-f["model_log_odds"])), 2)
    return 1.0


def print_table(title: str, conf: list[float], right: list[bool]) -> None:
    print(f"  {title}: ECE {ece(conf, right):.3f}  (n {len(conf)}, mean confidence "
          f"{np.mean(conf):.3f}, accuracy {np.mean(right):.3f})")
    print(f"    {'bin':11} {'n':>5} {'conf':>6} {'acc':>6}")
    for lo, hi, n, c, a in reliability(conf, right):
        print(f"    {lo:.1f}-{hi:.1f}    {n:5d} {c:6.3f} {a:6.3f}")


# -- the training examples ---------------------------------------------------------------------

class FoldClassifier:
    """``classify`` as on unseen text: each example is read by the model of the classifier's own
    cross-validation fold that was trained without it, with the classifier's temperature."""

    def __init__(self, texts: list[str], labels: list[str]) -> None:
        from sklearn.model_selection import StratifiedKFold

        from newsevents.extract import classify as cl

        runtime = cl.get_classifier()
        self.temperature, self.codes = runtime.temperature, runtime.codes
        classes = sorted(set(labels))
        folds = min(cl.SETTINGS["folds"], min(labels.count(c) for c in classes))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=cl.SETTINGS["seed"])
        self.fold_of, self.models = {}, []
        for k, (train, held) in enumerate(splitter.split(texts, np.array(labels))):
            self.models.append(cl._pipeline().fit([texts[i] for i in train], np.array(labels)[train]))
            self.fold_of.update({i: k for i in held})
        self.current = None  # the example being read

    def __call__(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        model = self.models[self.fold_of[self.current]]
        from newsevents.extract.classify import _softmax

        p = _softmax(model.decision_function(texts) / self.temperature)
        col = {c: i for i, c in enumerate(model.classes_)}
        out = []
        for row in p:
            probs = [(code, float(row[col[code]]) if code in col else 0.0) for code in self.codes]
            out.append(sorted(probs, key=lambda x: -x[1]))
        return out


class Capture:
    """Keeps what ``confidence.confidence_inputs`` computes, by (article id, event id)."""

    def __init__(self) -> None:
        self.real, self.seen = cf.confidence_inputs, {}

    def __call__(self, doc, events, cands, use_model=True):
        out = self.real(doc, events, cands, use_model)
        aid = doc._.article.id if doc._.article else ""
        self.seen.update({(aid, e.id): x for e, x in zip(events, out)})
        return out


def training_rows() -> dict[str, list[tuple[dict, bool]]]:
    """Per route, (features, type right) of each example's main event."""
    from newsevents.extract.claims import assess
    from newsevents.nlp import get_pipeline, make_doc, run_pipeline
    from newsevents.read import article_from_text

    data = examples(TRAINING)
    fold = FoldClassifier([x["text"] for x in data], [x["type"] for x in data])
    capture = Capture()
    nlp = get_pipeline()
    docs = (make_doc(nlp, article_from_text(x["text"], "training", id=f"training-{i}"))
            for i, x in enumerate(data))
    rows: dict[str, list] = {r: [] for r in FEATURES}
    # each name is patched where it is looked up: the events stage types the main event with
    # ``classify`` and gives each event a first confidence, ``confidence.calibrate`` sets the last
    real_classify, real_confidence = cf.classify, cf.confidence
    ev.confidence = cf.confidence = lambda route, features: 0.5  # the file being fitted is not read
    try:
        for i, (x, doc) in enumerate(zip(data, run_pipeline(nlp, docs, 64))):
            # only while this example is rebuilt
            ev.classify, cf.classify, cf.confidence_inputs = fold, fold, capture
            fold.current = i
            for use_model in (True, False):
                cands = ev.find_event_candidates(doc)
                assess(doc, cands)
                events = ev.build_events(doc, cands, use_model=use_model)
                if events:
                    route, features = capture.seen[(doc._.article.id, events[0].id)]
                    if route in rows and (route == "trigger_alone") == (not use_model):
                        rows[route].append((features, events[0].type == x["type"]))
            ev.classify, cf.classify, cf.confidence_inputs = real_classify, real_classify, capture.real
    finally:
        ev.classify, cf.classify, cf.confidence_inputs = real_classify, real_classify, capture.real
        ev.confidence = cf.confidence = real_confidence
    return rows


def fit(rows: list[tuple[dict, bool]], names: tuple[str, ...]) -> tuple[dict[str, float], list[float]]:
    """Coefficients of a logistic regression on ``names`` and its out-of-fold probabilities; a
    negative trigger weight coefficient is dropped (confidence must not fall as reliability rises)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    names = list(names)
    y = np.array([r for _, r in rows], int)
    while True:
        X = np.array([[f[n] for n in names] for f, _ in rows], float)
        model = LogisticRegression(C=C, max_iter=1000)
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=13)
        oof = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
        model.fit(X, y)
        coef = dict(zip(names, model.coef_[0]))
        if coef.get("weight", 0.0) >= 0:
            return {"intercept": float(model.intercept_[0]), **{n: float(v) for n, v in coef.items()}}, \
                list(oof)
        names.remove("weight")


def write(path: Path = DATA) -> None:
    fitted_on = TRAINING.read_bytes()
    rows = training_rows()
    tables, lines = {}, []
    for route, names in FEATURES.items():
        kept = [(f, r) for f, r in rows[route] if not f["retyped"]]
        retyped = [(f, r) for f, r in rows[route] if f["retyped"]]
        coef, oof = fit(kept, names)
        right = [r for _, r in kept]
        before = [uncalibrated(route, f) for f, _ in kept]
        tables[route] = coef
        after = [cf.probability(coef, f) for f, _ in retyped]
        lines.append(f"# {route}: fitted on {len(right)} main events ({sum(right)} right), ECE out of fold "
                     f"{ece([round(p, 2) for p in oof], right):.3f} (uncalibrated {ece(before, right):.3f});")
        lines.append(f"#   left out {len(retyped)} retyped ({sum(r for _, r in retyped)} right, mean confidence "
                     f"{np.mean(after) if after else float('nan'):.2f})")
        print("\n".join(line[2:] for line in lines[-2:]))
        print_table("out of fold", [round(p, 2) for p in oof], right)
    out = [
        "# Calibration of Event.confidence (confidence.confidence): per way of typing an event, a logistic",
        "# regression from the features of confidence.confidence_inputs to the probability that the type",
        "# is right. Produced by the command of [provenance], which runs every example of the training",
        "# file (written by the newsevents team) through the pipeline and compares its main event's",
        "# type with the example's gold type; the classifier's probabilities there come from models",
        "# trained without the example. Never fitted on a benchmark. Do not edit by hand: rerun the",
        "# command whenever the training file, the triggers or the typing rules change.",
        *lines,
        "# [tag]: a type named by the report's own category tag (coding.code_by_tag); set by hand,",
        "# not fitted (the team's examples carry no tags): the coder's word, short of certainty",
        "# because a tag can name more than one sub-event.",
        "",
        "[provenance]",
        'command = ".venv/bin/python benchmarks/calibrate_confidence.py --write"',
        f'training = "{TRAINING.relative_to(ROOT / "src" / "newsevents" / "data").as_posix()}"',
        f'training_sha256 = "{hashlib.sha256(fitted_on).hexdigest()}"',
        f"examples = {sum(line.lstrip().startswith(b'{') for line in fitted_on.splitlines())}",
        f'model = "sklearn.linear_model.LogisticRegression(C={C}), out-of-fold checked with 5 folds"',
        f'written = "{dt.date.today().isoformat()}"',
        "",
    ]
    for route, coef in tables.items():
        out.append(f"[{route}]")
        out += [f"{k} = {v:.4f}" for k, v in coef.items()]
        out.append("")
    out += ["[tag]", f"confidence = {TAG_CONFIDENCE}", ""]
    path.write_text("\n".join(out), encoding="utf-8")
    print(f"wrote {path}")


# -- the benchmarks ------------------------------------------------------------------------------

def measure(bench_dir: Path, limit: int | None = None) -> dict[str, list]:
    """(route, before, after, type right) of the main event of each article with an event."""
    from newsevents.evaluate import detect_kind, evaluate, load_gold, load_outputs

    capture = Capture()
    cf.confidence_inputs = capture
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.jsonl"
            evaluate(bench_dir, output=out, limit=limit)
            outputs = load_outputs(out)
    finally:
        cf.confidence_inputs = capture.real
    gold = load_gold(bench_dir, detect_kind(bench_dir))
    rows = []
    for gid, g in gold.items():
        events = (outputs.get(gid) or {}).get("events") or []
        if not events:
            continue
        main = events[0]
        route, features = capture.seen.get((gid, main["id"]), ("kept", {}))
        before = uncalibrated(route, features) if route != "kept" else main["confidence"]
        rows.append((route, before, main["confidence"], main["type"] == str(g["type"])))
    return rows


def report(bench_dir: Path, sets: list[str], limit: int | None) -> None:
    for name in sets:
        rows = measure(bench_dir / name, limit)
        right = [r for *_, r in rows]
        routes = {}
        for route, *_ in rows:
            routes[route] = routes.get(route, 0) + 1
        print(f"{name}: {len(rows)} main events ({', '.join(f'{k} {v}' for k, v in sorted(routes.items()))})")
        print_table("before", [b for _, b, _, _ in rows], right)
        print_table("after", [a for _, _, a, _ in rows], right)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench_dir", nargs="?", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--write", action="store_true", help=f"fit and write {DATA.relative_to(ROOT)}")
    ap.add_argument("--sets", default=",".join(DEFAULT_SETS))
    ap.add_argument("--limit", type=int, help="the first N articles of each set")
    args = ap.parse_args()
    if args.write:
        write()
    else:
        report(args.bench_dir, [s for s in args.sets.split(",") if s], args.limit)


if __name__ == "__main__":
    main()
