"""Scoring against gold data: hand-made gold and outputs with figures worked out by hand,
bad benchmark input, the extraction run (with a fake extractor), and agreement with the
independent scorer in ``../shared/tools/score.py``."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from newsevents import evaluate as ev
from newsevents.errors import BadOption, BenchmarkError
from newsevents.schema import Article, ArticleResult, Mentions, TimeMention

REPO = Path(__file__).resolve().parents[1]
SCORE_PY = REPO.parent / "shared" / "tools" / "score.py"


def out(aid: str, events: list[dict] | None = None, times: list[dict] | None = None,
        places: list[dict] | None = None) -> dict:
    """A contract-v1 record holding only what the scorers read."""
    return {"article": {"id": aid}, "events": events or [],
            "mentions": {"times": times or [], "places": places or []}}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# -- hand-made cases, one per kind -------------------------------------------------------------

def test_type_scores_three_items():
    # A: P=1, R=1/2; B: P=1/2, R=1 -> both F1 = 2/3
    figures = ev.type_scores([("A", "A"), ("A", "B"), ("B", "B")], ["A", "B"], per_type=True)
    assert figures["macro_f1"] == pytest.approx(0.6667, abs=1e-4)
    assert figures["weighted_f1"] == pytest.approx(0.6667, abs=1e-4)
    assert figures["accuracy"] == pytest.approx(0.6667, abs=1e-4)
    assert figures["per_type"]["A"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}


def test_case2021_scores():
    gold = {"g1": {"type": "ARREST"}, "g2": {"type": "ARREST"}, "g3": {"type": "ATTACK"},
            "g4": {"type": "DIPLO"}, "g5": {"type": "ATTACK"}}
    outputs = {"g1": out("g1", [{"type": "ARREST"}, {"type": "ATTACK"}]),
               "g2": out("g2", [{"type": "ATTACK"}]), "g3": out("g3", [{"type": "ATTACK"}]),
               "g4": out("g4")}  # g5 has no output at all
    f = ev.score("case2021", gold, outputs)
    # 25 ACLED types: ARREST P=1 R=1/2 F=2/3; ATTACK P=1/2 R=1/2 F=1/2
    assert f["acled_types"]["macro_f1"] == pytest.approx((2 / 3 + 1 / 2) / 2, abs=1e-4)
    assert f["acled_types"]["weighted_f1"] == pytest.approx((2 / 3 * 2 + 1 / 2 * 2) / 4, abs=1e-4)
    assert f["acled_types"]["n"] == 4
    # all types add DIPLO with F1 0
    assert f["all_types"]["macro_f1"] == pytest.approx((2 / 3 + 1 / 2) / 3, abs=1e-4)
    assert f["accuracy"] == pytest.approx(2 / 5)
    assert f["no_event"] == 2 and f["missing_outputs"] == 1
    assert {"gold": "ATTACK", "predicted": "NONE", "n": 1} in f["top_confusions"]
    assert f["all_types"]["per_type"]["DIPLO"]["support"] == 1


def test_acled_scores():
    gold = {
        "a": {"type": "ARREST", "date": "2020-03-04", "time_precision": "1.0", "lat": 10.0,
              "lon": 20.0, "admin1": "North", "country": "Examplia", "fatalities": 0},
        "b": {"type": "ATTACK", "date": "2020-03-05", "time_precision": "2.0", "lat": 0.0,
              "lon": 0.0, "admin1": "", "country": "Examplia", "fatalities": 2},
    }
    outputs = {
        "a": out("a", [{"type": "ARREST", "date": {"value": "2020-03-04"}, "fatalities": None,
                        "location": {"lat": 10.1, "lon": 20.0, "admin1": "north", "country": "Examplia"}}]),
        "b": out("b", [{"type": "ATTACK", "date": {"value": "2020-03-01"},
                        "fatalities": {"min": 2, "max": 2},
                        "location": {"lat": 0.5, "lon": 0.0, "admin1": "", "country": "Otherland"}}]),
    }
    f = ev.score("acled", gold, outputs)
    assert f["type"]["macro_f1"] == 1.0
    assert (f["date_exact"], f["date_n"]) == (1.0, 1)  # b is not dated to the day
    assert f["loc_within_25km"] == 0.5  # 11 km and 56 km away
    assert f["admin1"] == 0.5  # b's empty gold admin1 never matches
    assert f["country"] == 0.5
    assert f["fatalities_exact"] == 1.0  # none reported counts as 0


def test_timex_scores():
    gold = {"d": {"timexes": [
        {"start": 0, "end": 4, "value": "2001-02-03", "type": "DATE"},
        {"start": 10, "end": 15, "value": "P2D", "type": "DURATION"},
        {"start": 20, "end": 25, "value": "PRESENT_REF", "type": "DATE"}]}}
    outputs = {"d": out("d", times=[{"start": 0, "end": 3, "value": "2001-02-03"},
                                    {"start": 11, "end": 13, "value": "P3D"},
                                    {"start": 30, "end": 35, "value": "2001"}])}
    f = ev.score("timex", gold, outputs)
    assert (f["gold"], f["predicted"], f["found"]) == (3, 3, 2)
    assert f["span_precision"] == f["span_recall"] == f["span_f1"] == pytest.approx(0.6667, abs=1e-4)
    assert f["value_accuracy_of_matched"] == 0.5
    assert f["value_f1"] == pytest.approx(0.3333, abs=1e-4)
    assert (f["calendar_date_accuracy"], f["calendar_n"]) == (1.0, 1)


def test_geo_scores():
    gold = {"p": {"toponyms": [{"start": 0, "end": 5, "lat": 0.0, "lon": 0.0},
                               {"start": 10, "end": 15, "lat": 10.0, "lon": 10.0},
                               {"start": 20, "end": 25, "lat": 0.0, "lon": 0.0},
                               {"start": 30, "end": 35, "lat": 5.0, "lon": 5.0}]}}
    outputs = {"p": out("p", places=[{"start": 1, "end": 4, "lat": 0.0, "lon": 1.0},  # 111.2 km
                                     {"start": 10, "end": 15, "lat": None, "lon": None},
                                     {"start": 18, "end": 21, "lat": 0.0, "lon": 3.0}])}  # 333.6 km
    f = ev.score("geo", gold, outputs)
    assert f["detected"] == 0.75 and f["detected_and_resolved"] == 0.5
    assert f["acc161_of_resolved"] == 0.5 and f["acc161_of_all"] == 0.25
    assert f["median_km"] == pytest.approx(333.6, abs=0.1)


def test_geo_reported_toponyms_that_match_gold():
    gold = {"p": {"toponyms": [{"start": 0, "end": 5, "lat": 0.0, "lon": 0.0},
                               {"start": 10, "end": 15, "lat": 1.0, "lon": 1.0}]},
            "q": {"toponyms": []}}
    outputs = {
        "p": out("p", places=[
            {"start": 1, "end": 4, "lat": 0.0, "lon": 9.0, "kind": "place"},  # matches, far off
            {"start": 20, "end": 25, "lat": 2.0, "lon": 2.0, "kind": "place"},  # no gold there
            {"start": 10, "end": 15, "lat": 1.0, "lon": 1.0, "kind": "dateline"},  # matches
            {"start": 30, "end": 37, "lat": 3.0, "lon": 3.0, "kind": "demonym"},  # not a toponym
            {"start": 40, "end": 45, "lat": None, "lon": None, "kind": "place"},  # no point
            {"start": None, "end": None, "lat": 1.0, "lon": 1.0, "kind": "dateline"}]),  # no offsets
        "q": out("q", places=[{"start": 0, "end": 4, "lat": 5.0, "lon": 5.0}])}  # kind unset: a place
    f = ev.score("geo", gold, outputs)
    assert f["reported_toponyms"] == 4
    assert f["reported_matching_gold"] == 0.5
    assert ev.score("geo", {"q": gold["q"]}, {})["reported_matching_gold"] == 0.0


def test_giveme_scores():
    gold = {
        "x": {"questions": {"when": [{"text": "Tuesday", "parsed": "2016-11-08"}],
                            "where": [{"text": "Northport"}]}},
        "y": {"questions": {"when": [{"text": "then", "parsed": "2016-11-09"}],
                            "where": [{"text": "Westshire"}]}},
        "z": {"questions": {"when": [{"text": "once", "parsed": None}], "where": []}},
    }
    outputs = {
        "x": out("x", [{"type": "OTHER", "date": {"value": "2016-11"},  # the month holds the day
                        "location": {"name": "Northport City"}}]),
        "y": out("y", [{"type": "OTHER", "date": {"value": "2016-11-10"},
                        "location": {"country": "Eastland"}}]),
    }
    f = ev.score("giveme", gold, outputs)
    assert (f["when_correct"], f["when_n"]) == (0.5, 2)
    assert (f["where_correct"], f["where_n"]) == (0.5, 2)


SEED_EXPECTED = {"article": "invented.txt", "events": [
    {"key": "k1", "core": True, "type": "ARREST", "alt_types": ["ABDUCT_DISSAP"],
     "targets": ["Ana Lopez"], "date": {"value": "2020-05-02"},
     "location": {"name": "Springfield", "sublocality": "Old Town"},
     "count": {"min": 2, "max": 2}, "claim": {"status": "alleged", "also": ["claimed"]}},
    {"key": "k2", "core": True, "type": "PEACE_PROTEST", "date": {"value": "2020-05"}},
    {"key": "k3", "core": True, "type": "ATTACK"},
    {"key": "n1", "core": False, "type": "RELEASE", "targets": ["Ana Lopez"]},
    {"key": "n2", "core": False, "type": "ATTRIB"},
    {"key": "n3", "core": False, "type": "ARREST", "date": {"value": "2020-04-01"}},
]}
SEED_EVENTS = [
    {"type": "ABDUCT_DISSAP", "targets": [{"text": "Ms. Lopez", "name": "Ana Lopez"}],
     "date": {"value": "2020-05-02"}, "location": {"name": "Springfield", "sublocality": "Old Town"},
     "count": {"min": 2, "max": 3}, "claim": {"status": "claimed"}},
    {"type": "ARREST", "targets": [], "date": {"value": "2020-04-01"}},
    {"type": "PEACE_PROTEST", "date": {"value": "2020-05-09"}},
    {"type": "RELEASE", "targets": [{"text": "the two men"}]},
]


def test_seed_scores():
    f = ev.score("seed", {"invented": SEED_EXPECTED}, {"invented.txt": out("invented.txt", SEED_EVENTS)})
    # k1: type, targets, date, place, claim right, count wrong -> 5/6; k2: 2/2; k3: no ATTACK
    assert f["per_event"] == {"k1": pytest.approx(5 / 6, abs=1e-4), "k2": 1.0, "k3": 0.0}
    assert f["core_events_score"] == pytest.approx((5 / 6 + 1) / 3, abs=1e-4)
    assert f["non_core_found"] == {"n1": False, "n2": False, "n3": True}
    assert f["missing_outputs"] == 0 and f["events_extracted"] == 4


@pytest.mark.parametrize("kind", ev.KINDS)
def test_headline_figures_exist(kind):
    gold, outputs = SYNTHETIC[kind](random.Random(3))
    figures = ev.score(kind, gold, outputs)
    assert all(value is not None for _, value in ev.headline_figures(kind, figures))


def test_case_codes_are_taxonomy_codes():
    text = resources.files("newsevents").joinpath("data/taxonomy.csv").read_text("utf-8")
    rows = csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#"))
    codes = {r["code"]: r for r in rows}
    assert len(ev.CASE_ACLED_CODES) == 25
    assert all(codes[c]["acled_sub_event_type"] for c in ev.CASE_ACLED_CODES)


# -- benchmark directories and bad input -----------------------------------------------------

GOLD_LINES = {
    "case2021": {"id": "1", "type": "ARREST"},
    "acled": {"id": "1", "type": "ARREST", "date": "2020-01-01", "time_precision": "1", "lat": 1.0,
              "lon": 1.0, "admin1": "A", "country": "B", "fatalities": 0},
    "timex": {"id": "1", "timexes": [{"start": 0, "end": 3, "value": "2001", "type": "DATE"}]},
    "geo": {"id": "1", "toponyms": [{"start": 0, "end": 3, "lat": 1.0, "lon": 1.0}]},
    "giveme": {"id": "1", "questions": {"when": [], "where": []}},
}


@pytest.mark.parametrize("kind", sorted(GOLD_LINES))
def test_detect_kind_from_gold(tmp_path, kind):
    write_jsonl(tmp_path / "gold.jsonl", [GOLD_LINES[kind]])
    assert ev.detect_kind(tmp_path) == kind
    assert ev.load_gold(tmp_path, kind) == {"1": GOLD_LINES[kind]}


def test_detect_seed(tmp_path):
    (tmp_path / "expected.json").write_text(json.dumps(SEED_EXPECTED))
    assert ev.detect_kind(tmp_path) == "seed"
    assert ev.detect_kind(tmp_path / "expected.json") == "seed"
    assert ev.load_gold(tmp_path, "seed") == {"invented": SEED_EXPECTED}


@pytest.mark.parametrize("lines, message", [
    (None, "no gold.jsonl"),
    (['{"id": "1", "type": "ARREST"}', "{not json"], "gold.jsonl:2: the gold line is not valid JSON"),
    (['["a list"]'], "not a JSON object"),
    (['{"id": "1", "colour": "red"}'], "cannot tell the benchmark kind"),
    ([""], "the gold file is empty"),
])
def test_bad_gold_is_reported(tmp_path, lines, message):
    if lines is not None:
        (tmp_path / "gold.jsonl").write_text("\n".join(lines))
    with pytest.raises(BenchmarkError, match=message) as info:
        ev.load_gold(tmp_path, ev.detect_kind(tmp_path))
    assert info.value.code == "E401"


@pytest.mark.parametrize("kind, record, message", [
    ("acled", {"id": "1", "type": "ARREST"}, "needs date, time_precision"),
    ("timex", {"id": "1", "timexes": [{"start": 0, "end": 2}]}, "lacks value, type"),
    ("geo", {"id": "1", "toponyms": "Paris"}, "must be a list"),
    ("case2021", {"type": "ARREST"}, "needs id"),
])
def test_gold_record_missing_fields(tmp_path, kind, record, message):
    write_jsonl(tmp_path / "gold.jsonl", [record])
    with pytest.raises(BenchmarkError, match=message):
        ev.load_gold(tmp_path, kind)


def test_line_separators_inside_json_strings(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "1", "type": "A\u2028B"}\n{"id": "2", "type": "C\x85D"}\n', encoding="utf-8")
    assert ev.load_gold(tmp_path, "case2021")["1"]["type"] == "A\u2028B"


def test_missing_directory_and_unknown_kind(tmp_path):
    with pytest.raises(BenchmarkError, match="no such benchmark directory"):
        ev.detect_kind(tmp_path / "absent")
    with pytest.raises(BenchmarkError, match="no expected.json"):
        ev.load_gold(tmp_path, "seed")
    with pytest.raises(BadOption, match="Unknown benchmark kind 'tweets'"):
        ev.score("tweets", {}, {})


def test_bad_output_file(tmp_path):
    write_jsonl(tmp_path / "gold.jsonl", [GOLD_LINES["case2021"]])
    with pytest.raises(BenchmarkError, match="no such output file"):
        ev.evaluate_output(tmp_path, tmp_path / "none.jsonl")
    write_jsonl(tmp_path / "out.jsonl", [{"events": []}])
    with pytest.raises(BenchmarkError, match="needs article.id"):
        ev.evaluate_output(tmp_path, tmp_path / "out.jsonl")


def test_evaluate_output(tmp_path):
    write_jsonl(tmp_path / "gold.jsonl", [GOLD_LINES["case2021"], {"id": "2", "type": "ATTACK"}])
    write_jsonl(tmp_path / "out.jsonl", [out("1", [{"type": "ARREST"}])])
    f = ev.evaluate_output(tmp_path, tmp_path / "out.jsonl")
    assert f["kind"] == "case2021" and f["accuracy"] == 0.5 and f["missing_outputs"] == 1


# -- running the extraction (the pipeline replaced by a fake that finds one date) ------------

def fake_extract(articles, settings):
    """Marks every "3 May 2001" in the body as a time, as the real time stage would."""
    for a in articles:
        at = a.text.find("3 May 2001")
        times = [TimeMention(text="3 May 2001", start=at, end=at + 10, value="2001-05-03")] if at >= 0 else []
        yield ArticleResult(article=a, mentions=Mentions(times=times))


def test_run_moves_offsets_to_the_raw_text(tmp_path, monkeypatch):
    monkeypatch.setattr(ev, "_extract", fake_extract)
    seen = []
    prepared = [(Article(id="a", text="On 3 May 2001."), 2), (Article(id="b", text="3 May 2001"), None)]
    outputs = ev._run(prepared, None, tmp_path / "o" / "out.jsonl", seen.append)
    assert outputs["a"]["mentions"]["times"][0]["start"] == 5  # 3 in the body, + 2
    assert outputs["b"]["mentions"]["times"][0]["end"] == 10
    assert seen == [1, 2]
    assert ev.load_outputs(tmp_path / "o" / "out.jsonl") == outputs


def test_body_shift():
    assert ev._body_shift("\n\nOn Monday.", Article(id="a", text="On Monday.")) == 2
    assert ev._body_shift("Same.", Article(id="a", text="Same.")) == 0
    assert ev._body_shift("Other text.", Article(id="a", text="Rewritten.")) is None
    # a control character the reader blanked does not move the offsets
    assert ev._body_shift("\nA shot \x96 fired.", Article(id="a", text="A shot   fired.")) == 1


def test_evaluate_runs_and_limits(tmp_path, monkeypatch):
    pytest.importorskip("newsevents.read", reason="the reading stage is not installed")
    monkeypatch.setattr(ev, "_extract", fake_extract)
    monkeypatch.setattr(ev, "_load_pipeline", lambda settings: None)
    text = "\nIt rained on 3 May 2001 in the valley."
    at = text.index("3 May")
    write_jsonl(tmp_path / "inputs.jsonl", [{"id": "t1", "text": text, "date": "2001-05-04"},
                                            {"id": "t2", "text": "Nothing here.", "date": "None"}])
    write_jsonl(tmp_path / "gold.jsonl", [
        {"id": "t1", "timexes": [{"start": at, "end": at + 10, "value": "2001-05-03", "type": "DATE"}]},
        {"id": "t2", "timexes": [{"start": 0, "end": 7, "value": "P1D", "type": "DURATION"}]}])
    calls = []
    f = ev.evaluate(tmp_path, output=tmp_path / "out.jsonl", limit=1,
                    callback=lambda done, total: calls.append((done, total)))
    assert (f["kind"], f["n"], f["extracted"], f["gold"]) == ("timex", 1, 1, 1)
    assert f["span_f1"] == 1.0 and f["value_f1"] == 1.0
    assert f["seconds"] >= 0 and f["articles_per_second"] > 0
    assert calls == [(1, 1)]
    assert ev.evaluate_output(tmp_path, tmp_path / "out.jsonl")["span_recall"] == 0.5
    assert [(a.id, a.date) for a in ev.load_inputs(tmp_path)] == [("t1", "2001-05-04"), ("t2", None)]


# -- agreement with the independent scorer ---------------------------------------------------

def _case2021(rng: random.Random) -> tuple[dict, dict]:
    pool = list(ev.CASE_ACLED_CODES[:6]) + ["DIPLO", "ORG_CRIME"]
    gold, outputs = {}, {}
    for i in range(80):
        gid, kind = f"c{i}", rng.choice(pool)
        gold[gid] = {"id": gid, "type": kind}
        roll = rng.random()
        if roll < 0.05:
            continue
        events = [] if roll < 0.2 else [{"type": kind if roll < 0.6 else rng.choice(pool)}]
        outputs[gid] = out(gid, events)
    return gold, outputs


def _acled(rng: random.Random) -> tuple[dict, dict]:
    gold, outputs = {}, {}
    for i in range(60):
        gid, lat, lon = f"a{i}", rng.uniform(-40, 40), rng.uniform(-100, 100)
        g = {"id": gid, "type": rng.choice(["ARREST", "ATTACK", "PEACE_PROTEST", "ARMED_CLASH"]),
             "date": f"2021-03-{rng.randint(1, 9):02d}", "time_precision": rng.choice(["1.0", "1.0", "2.0"]),
             "lat": lat, "lon": lon, "admin1": rng.choice(["North", "South", ""]),
             "country": rng.choice(["Aland", "Bland"]), "fatalities": rng.randint(0, 2)}
        gold[gid] = g
        loc = {"lat": lat + rng.uniform(-0.4, 0.4), "lon": lon + rng.uniform(-0.4, 0.4),
               "admin1": rng.choice(["north", "South", None]), "country": rng.choice(["aland", "Bland"])}
        killed = rng.choice([None, 0, 1, 2])
        event = {"type": rng.choice([g["type"], "ATTACK"]),
                 "date": {"value": rng.choice([g["date"], "2021-03", "2021-03-10"])},
                 "location": loc if rng.random() < 0.8 else None,
                 "fatalities": None if killed is None else {"min": killed, "max": killed}}
        if rng.random() < 0.95:
            outputs[gid] = out(gid, [event] if rng.random() < 0.9 else [])
    return gold, outputs


def _spans(rng: random.Random, n: int) -> list[tuple[int, int]]:
    return [(30 * i + rng.randint(0, 5), 30 * i + rng.randint(8, 20)) for i in range(n)]


def _timex(rng: random.Random) -> tuple[dict, dict]:
    values = [("2001-02-03", "DATE"), ("2001-02", "DATE"), ("2001", "DATE"), ("P2D", "DURATION"),
              ("PRESENT_REF", "DATE"), ("2001-W05", "DATE")]
    gold, outputs = {}, {}
    for i in range(25):
        gid, timexes, times = f"t{i}", [], []
        for start, end in _spans(rng, rng.randint(0, 5)):
            value, kind = rng.choice(values)
            timexes.append({"start": start, "end": end, "value": value, "type": kind})
            if rng.random() < 0.7:
                times.append({"start": start + rng.randint(-4, 4), "end": end + rng.randint(-3, 3),
                              "value": rng.choice([value, value[:4], "P1D"])})
        times += [{"start": 400 + k, "end": 405 + k, "value": "2002"} for k in range(rng.randint(0, 2))]
        gold[gid] = {"id": gid, "timexes": timexes}
        if rng.random() < 0.95:
            outputs[gid] = out(gid, times=times)
    return gold, outputs


def _geo(rng: random.Random) -> tuple[dict, dict]:
    gold, outputs = {}, {}
    for i in range(25):
        gid, toponyms, places = f"g{i}", [], []
        for start, end in _spans(rng, rng.randint(0, 5)):
            lat, lon = rng.uniform(-60, 60), rng.uniform(-170, 170)
            toponyms.append({"start": start, "end": end, "lat": lat, "lon": lon})
            roll = rng.random()
            if roll < 0.8:
                far = rng.choice([0.2, 1.0, 5.0])
                places.append({"start": start + 1, "end": end,
                               "lat": None if roll < 0.15 else lat + far, "lon": None if roll < 0.15 else lon})
        gold[gid] = {"id": gid, "toponyms": toponyms}
        outputs[gid] = out(gid, places=places)
    return gold, outputs


def _giveme(rng: random.Random) -> tuple[dict, dict]:
    gold, outputs = {}, {}
    for i in range(30):
        gid, day = f"w{i}", f"2016-11-{rng.randint(1, 9):02d}"
        where = rng.choice(["Northport", "Westshire Valley", None])
        gold[gid] = {"id": gid, "questions": {
            "when": [{"text": "then", "parsed": rng.choice([day, None])}],
            "where": [{"text": where}] if where else []}}
        date = rng.choice([day, "2016-11", "2016-10", "2016-11-10", None])
        loc = {"name": rng.choice(["Northport", "Westshire", "Eastland", None]),
               "country": rng.choice(["Westshire Valley Republic", None])}
        event = {"type": "OTHER", "date": {"value": date} if date else None, "location": loc}
        outputs[gid] = out(gid, [event] if rng.random() < 0.9 else [])
    return gold, outputs


def _seed(rng: random.Random) -> tuple[dict, dict]:
    events = [dict(e) for e in SEED_EVENTS]
    rng.shuffle(events)
    return {"invented": SEED_EXPECTED}, {"invented.txt": out("invented.txt", events)}


SYNTHETIC = {"case2021": _case2021, "acled": _acled, "timex": _timex, "geo": _geo,
             "giveme": _giveme, "seed": _seed}

# our figure -> the same figure in score.py's output (dotted paths)
SAME_FIGURES = {
    "case2021": {**{f"acled_types.{k}": f"seen_types.{k}" for k in ("macro_f1", "weighted_f1", "accuracy", "n")},
                 **{f"all_types.{k}": f"all_types.{k}" for k in ("macro_f1", "weighted_f1", "accuracy", "n")},
                 "no_event": "no_event", "missing_outputs": "missing_outputs"},
    "acled": {**{f"type.{k}": f"type.{k}" for k in ("macro_f1", "weighted_f1", "accuracy", "n")},
              **{k: k for k in ("date_exact", "loc_within_25km", "admin1", "country",
                                "fatalities_exact", "n", "missing_outputs")}},
    "timex": {**{k: k for k in ("span_precision", "span_recall", "span_f1", "value_accuracy_of_matched",
                                "value_f1", "gold", "predicted", "missing_outputs")},
              # the same when no gold value is finer than a day, as here
              "calendar_date_accuracy": "calendar_dates_correct"},
    "geo": {k: k for k in ("gold", "detected_and_resolved", "acc161_of_resolved", "acc161_of_all",
                           "median_km", "missing_outputs")},
    "giveme": {k: k for k in ("when_correct", "when_n", "where_correct", "where_n", "missing_outputs")},
    # score.py rounds each event's score to 2 decimals before averaging
    "seed": {"core_events_score": "core_events_score", **{f"per_event.{k}": f"per_event.{k}" for k in ("k1", "k2", "k3")}},
}


def _at(figures: dict, path: str):
    for part in path.split("."):
        figures = figures[part]
    return figures


@pytest.mark.skipif(not SCORE_PY.is_file(), reason=f"the independent scorer {SCORE_PY} is not here")
@pytest.mark.parametrize("kind", ev.KINDS)
def test_agrees_with_independent_scorer(tmp_path, kind):
    gold, outputs = SYNTHETIC[kind](random.Random(11))
    output_file = write_jsonl(tmp_path / "out.jsonl", list(outputs.values()))
    if kind == "seed":
        bench = tmp_path / "expected.json"
        bench.write_text(json.dumps(SEED_EXPECTED))
    else:
        bench = tmp_path
        write_jsonl(tmp_path / "gold.jsonl", list(gold.values()))
    run = subprocess.run([sys.executable, str(SCORE_PY), kind, str(bench), str(output_file)],
                         capture_output=True, text=True, check=True)
    theirs = json.loads(run.stdout)
    ours = ev.evaluate_output(bench, output_file, kind)
    tolerance = 0.006 if kind == "seed" else 1e-4
    for mine, their in SAME_FIGURES[kind].items():
        assert _at(ours, mine) == pytest.approx(_at(theirs, their), abs=tolerance), mine


# -- benchmarks/run.py -----------------------------------------------------------------------

def test_run_script_table_and_docs(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", REPO / "benchmarks" / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    gold, outputs = _geo(random.Random(5))
    figures = {"kind": "geo", **ev.score("geo", gold, outputs), "articles_per_second": 12.5}
    table = run.markdown_table({"geo-x": figures})
    assert table.splitlines()[2].startswith("| `geo-x` (25 articles, 12.5 articles/s) | gold toponyms detected |")
    assert len(table.splitlines()) == 2 + len(ev.HEADLINE_FIGURES["geo"])
    docs = tmp_path / "benchmarks.md"
    docs.write_text(f"intro\n{run.START}\nNot yet run.\n{run.END}\nafter\n")
    monkeypatch.setattr(run, "DOCS", docs)
    run.update_docs(table, "python benchmarks/run.py --update-docs")
    text = docs.read_text()
    assert text.startswith("intro\n") and text.endswith(f"{run.END}\nafter\n")
    assert "Not yet run." not in text and "| `geo-x`" in text
