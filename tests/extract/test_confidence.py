"""Event.confidence: a calibrated probability read from data/confidence.toml (sentences written
for these tests)."""

import hashlib
import json
import math
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from newsevents import extract
from newsevents.extract import confidence as cf
from newsevents.extract import events as ev
from newsevents.extract.classify import MODEL_RULE

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "calibrate_confidence.py"


@pytest.fixture(scope="module")
def cc(benchmark_script):
    return benchmark_script("calibrate_confidence")


def _file() -> dict:
    text = resources.files("newsevents").joinpath("data/confidence.toml").read_text("utf-8")
    return tomllib.loads(text)


def _trigger(weight=0.8, targets=1.0, agents=1.0, merged=0.0, log_odds=1.0, first=1.0):
    return {"weight": weight, "targets": targets, "agents": agents, "merged": merged,
            "retyped": 0.0, "model_log_odds": log_odds, "model_first": first}


@pytest.mark.parametrize("route", ["trigger", "trigger_alone", "model"])
@pytest.mark.parametrize("log_odds", [-9.2, -2.0, 0.0, 3.0, 9.2])
@pytest.mark.parametrize("weight", [0.4, 0.7, 0.95])
def test_confidence_is_a_probability(route, log_odds, weight):
    for roles in (0.0, 1.0):
        p = cf.confidence(route, _trigger(weight, roles, roles, roles, log_odds, float(log_odds > 0)))
        assert 0.0 <= p <= 1.0


@pytest.mark.parametrize("route", ["trigger", "trigger_alone"])
def test_confidence_does_not_fall_as_the_trigger_grows_more_reliable(route):
    values = [cf.confidence(route, _trigger(weight=w / 100)) for w in range(40, 100, 5)]
    assert values == sorted(values)


def test_a_reliable_trigger_alone_is_surer_than_a_weak_one():
    assert cf.confidence("trigger_alone", _trigger(weight=0.95)) > \
        cf.confidence("trigger_alone", _trigger(weight=0.4))


def test_the_classifier_agreeing_raises_a_trigger_s_confidence():
    assert cf.confidence("trigger", _trigger(log_odds=3.0, first=1.0)) > \
        cf.confidence("trigger", _trigger(log_odds=-3.0, first=0.0))


def test_confidence_reads_the_data_file():
    table = _file()
    features = _trigger(weight=0.75, targets=0.0, merged=1.0, log_odds=0.5)
    for route in ("trigger", "trigger_alone", "model"):
        coef = table[route]
        z = coef["intercept"] + sum(v * features[k] for k, v in coef.items() if k != "intercept")
        assert cf.confidence(route, features) == round(1 / (1 + math.exp(-z)), 2)
    assert cf.confidence("tag", {}) == table["tag"]["confidence"]


def test_data_file_says_how_it_was_made_and_from_what():
    prov = _file()["provenance"]
    assert "benchmarks/calibrate_confidence.py --write" in prov["command"]
    assert (ROOT / prov["command"].split()[1]) == SCRIPT and SCRIPT.is_file()
    training = resources.files("newsevents").joinpath(f"data/{prov['training']}")
    assert training.is_file() and prov["examples"] > 0
    assert prov["training_sha256"] == hashlib.sha256(training.read_bytes()).hexdigest(), \
        f"the training examples changed since the calibration was fitted: run {prov['command']}"


def test_events_get_their_confidence_from_how_they_were_typed():
    res = extract("Soldiers arrested three students at a checkpoint outside the town on Monday. "
                  "The two governments restored full diplomatic relations last week.",
                  date="2021-03-12")
    assert res.events
    for e in res.events:
        assert 0.0 <= e.confidence <= 1.0
    model = extract("The two governments restored full diplomatic relations and will reopen their "
                    "embassies next month.", date="2021-03-12").events[0]
    assert model.rule.startswith(MODEL_RULE)
    # the classifier's word, recalibrated: a sure classifier gives a high confidence
    assert model.confidence >= 0.5


def test_rules_alone_give_a_calibrated_confidence(nlp):
    from newsevents.extract.claims import assess
    from newsevents.nlp import make_doc, run_pipeline
    from newsevents.read import article_from_text

    article = article_from_text("Police arrested four men in the market on Friday.", "test")
    doc = next(iter(run_pipeline(nlp, [make_doc(nlp, article)], 1)))
    cands = ev.find_event_candidates(doc)
    assess(doc, cands)
    events = ev.build_events(doc, cands, use_model=False)
    assert events and events[0].type == "ARREST"
    c = next(c for c in cands if c.type == "ARREST")
    assert events[0].confidence == cf.confidence("trigger_alone", cf.trigger_features(c))


def test_calibration_report_runs_on_a_tiny_set(cc, tmp_path, capsys):
    texts = {"a": ("Police arrested four men in the market on Friday.", "ARREST"),
             "b": ("Hundreds of teachers marched through the capital on Monday to demand higher pay.",
                   "PEACE_PROTEST"),
             "c": ("Gunmen abducted a village chief on the road to the mine on Sunday.", "ABDUCT_DISSAP")}
    bench = tmp_path / "tiny"
    bench.mkdir()
    (bench / "inputs.jsonl").write_text("".join(json.dumps({"id": k, "text": t, "date": "2021-03-12"}) + "\n"
                                                for k, (t, _) in texts.items()))
    (bench / "gold.jsonl").write_text("".join(json.dumps({"id": k, "type": g}) + "\n"
                                              for k, (_, g) in texts.items()))
    rows = cc.measure(bench)
    assert len(rows) == 3 and all(0.0 <= a <= 1.0 for _, _, a, _ in rows)
    cc.report(tmp_path, ["tiny"], None)
    out = capsys.readouterr().out
    assert "before: ECE" in out and "after: ECE" in out


def test_expected_calibration_error(cc):
    assert cc.ece([0.95] * 20, [True] * 19 + [False]) == pytest.approx(0.0, abs=1e-9)
    assert cc.ece([0.9] * 10, [False] * 10) == pytest.approx(0.9)
    assert cc.ece([0.15, 0.85], [False, True]) == pytest.approx(0.15)
