"""Stage 7: ``Event.confidence``, the calibrated probability that an event's type is right.

``events.build_event`` gives each event a first confidence from the rules alone;
``events.build_events`` calls ``calibrate`` once the type is final (see the comment below).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from ..errors import DataFileError
from ..knowledge import toml
from ..schema import Event
from .classify import MODEL_RULE, classify

if TYPE_CHECKING:
    from .events import EventCandidate

# ``Event.confidence`` is calibrated: of events given 0.8, about eight in ten have the right
# type. It is set once the type is final (``calibrate``, after the classifier and ACLED's coding
# rules), from how the event was typed (its "route"):
# - ``trigger``: typed by a trigger: a logistic model of the trigger's weight, whether targets
#   and agents were found, whether mentions were merged, and the classifier's word on the
#   trigger's type (its probability, as log-odds, and whether it is the classifier's first
#   choice) for the text it reads for that event (``events._model_text``); a weight that would lower
#   confidence is left out of the fit (with the classifier's word it adds nothing on the examples);
# - ``trigger_alone``: the same without the classifier (``use_model=False``; every event but the
#   main one; and the value an event has until then);
# - ``model``: typed by the classifier: its temperature-calibrated probability of the type it
#   gave, as log-odds, recalibrated on the main events the pipeline finds in the examples;
# - ``tag``: typed by a report's own category tag (``coding.code_by_tag``): a fixed value.
# An event whose type a rule changed after the trigger or the classifier gave it (ACLED's
# coding rules, a violent protest) keeps the confidence of what typed it: the rules that read
# the whole report choose among neighbouring types from context the training sentences were
# not written to test, so they are taken to be as right as the evidence they start from.
# The coefficients are in data/confidence.toml, fitted by ``benchmarks/calibrate_confidence.py
# --write`` on the team-written examples of data/training/event_types.jsonl (where the
# classifier's probabilities come from models trained without the example); nothing is fitted
# at run time.
CONFIDENCE_FILE = "confidence.toml"
CONFIDENCE_ROUTES = ("trigger", "trigger_alone", "model")


@lru_cache(maxsize=1)
def confidence_model() -> dict:
    """The calibration of data/confidence.toml: per route, an intercept and a coefficient per
    feature (``tag``: a fixed ``confidence``), checked on first use."""
    table = toml(CONFIDENCE_FILE)
    for route in CONFIDENCE_ROUTES:
        coef = table.get(route)
        if not isinstance(coef, dict) or not all(isinstance(v, (int, float)) for v in coef.values()) \
                or "intercept" not in coef:
            raise DataFileError(CONFIDENCE_FILE, reason=f"[{route}] needs an intercept and numeric coefficients")
    if not isinstance(table.get("tag", {}).get("confidence"), (int, float)):
        raise DataFileError(CONFIDENCE_FILE, reason="[tag] needs a confidence")
    return table


def _log_odds(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def trigger_features(c: EventCandidate) -> dict[str, float]:
    """What the rules know of how reliably they typed candidate ``c``."""
    return {"weight": c.weight, "targets": float(bool(c.targets)), "agents": float(bool(c.agents)),
            "merged": float(len(c.mentions) > 1)}


def probability(coef: dict[str, float], features: dict[str, float]) -> float:
    """The logistic model ``coef`` (an intercept and a coefficient per feature) on ``features``."""
    z = coef["intercept"] + sum(v * features[k] for k, v in coef.items() if k != "intercept")
    return 1 / (1 + math.exp(-z))


def confidence(route: str, features: dict[str, float]) -> float:
    """The calibrated probability that the type is right, for an event typed by ``route``
    (see above) with these features."""
    model = confidence_model()
    if route == "tag":
        return float(model["tag"]["confidence"])
    return round(probability(model[route], features), 2)


def confidence_inputs(doc: Doc, events: list[Event], cands: dict[str, EventCandidate],
                      use_model: bool = True) -> list[tuple[str, dict[str, float]]]:
    """Each event's route and features (see above; ``retyped``: a later rule changed the type,
    which the calibration leaves out of its fit). The classifier's word is taken for the main
    event only (the most salient, first): the text it reads for it, ``events._model_text``, or the lead
    for an event it typed without a trigger, is the one it has read already to type the main
    event (``events.apply_type_model``), so it costs nothing more; what it says of a text is about the
    text's main happening, and the calibration is fitted on main events. The other events are
    weighed as by the rules alone: reading each one's sentences again would cost about a
    twentieth of the extraction time."""
    from .events import _lead, _model_text  # the texts the classifier reads; events imports this module

    routes, read = [], {}
    for e in events:  # most salient first
        c = cands.get(e.id)
        if "acled:note_tag" in e.rule:
            routes.append("tag")
        elif e.rule.startswith(MODEL_RULE):
            routes.append("model")
            read[e.id] = _model_text(doc, c.head) if c is not None else _lead(doc)
        elif use_model and c is not None and not read:
            routes.append("trigger")  # the classifier's word on a text is about its main event
            read[e.id] = _model_text(doc, c.head)
        else:
            routes.append("trigger_alone")
    texts = sorted(set(read.values()))
    ranked = dict(zip(texts, classify(texts))) if texts else {}
    out = []
    for e, route in zip(events, routes):
        c, probs = cands.get(e.id), ranked.get(read.get(e.id, ""))
        if route == "tag" or c is None and route != "model":  # no trigger or model: as it is
            out.append(("tag" if route == "tag" else "kept", {}))
            continue
        typed = c.type if c is not None else probs[0][0]  # what the trigger or the model gave
        features = {} if route == "model" else trigger_features(c)
        features["retyped"] = float(e.type != typed)
        if probs is not None:
            features["model_log_odds"] = _log_odds(dict(probs).get(typed, 0.0))
            features["model_first"] = float(probs[0][0] == typed)
        out.append((route, features))
    return out


def calibrate(doc: Doc, events: list[Event], cands: dict[str, EventCandidate], use_model: bool = True) -> None:
    """Set each event's confidence once its type is final (after the classifier and the coding rules)."""
    for e, (route, features) in zip(events, confidence_inputs(doc, events, cands, use_model)):
        if route != "kept":
            e.confidence = confidence(route, features)
