"""Scoring newsevents against gold data (``newsevents evaluate``).

A benchmark is a directory with ``inputs.jsonl`` (``{"id", "text", "date"}``) and
``gold.jsonl`` (``{"id", ...}``, one shape per kind, see ``../benchmarks/README.md``), or the
project's own hand-annotated seed (``tests/golden/expected.json`` next to its article).

``score`` is pure: gold records and contract-v1 output dicts in, figures out. ``evaluate`` runs
the extraction over a benchmark's inputs first; ``evaluate_output`` scores an output file
written earlier (by ``evaluate`` or ``newsevents extract --format jsonl``).

Conventions shared by every kind:

- the article's main event is ``events[0]`` (events are ordered by salience); an article with
  no event, or with no output at all, predicts the type ``NONE``;
- a predicted span finds a gold span when the two overlap by at least one character; for each
  gold span the first overlapping prediction (in output order) is the one judged;
- shares are rounded to 4 decimals, distances to 0.1 km.
"""

from __future__ import annotations

import contextlib
import json
import logging
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .gazetteer import km_between
from .errors import BadDate, BadOption, BenchmarkError, ReadError
from .schema import Article

log = logging.getLogger(__name__)

KINDS = ("case2021", "acled", "timex", "geo", "giveme", "seed")

# The 25 ACLED sub-event types of CASE 2021 task 2 subtask 1 (docs/DESIGN.md, event taxonomy).
CASE_ACLED_CODES = (
    "ABDUCT_DISSAP", "AGREEMENT", "AIR_STRIKE", "ARMED_CLASH", "ARREST", "ART_MISS_ATTACK",
    "ATTACK", "CHANGE_TO_GROUP_ACT", "CHEM_WEAP", "DISR_WEAP", "FORCE_AGAINST_PROTEST",
    "GOV_REGAINS_TERIT", "GRENADE", "HQ_ESTABLISHED", "MOB_VIOL", "NON_STATE_ACTOR_OVERTAKES_TER",
    "NON_VIOL_TERRIT_TRANSFER", "OTHER", "PEACE_PROTEST", "PROPERTY_DISTRUCT",
    "PROTEST_WITH_INTER", "REM_EXPLOS", "SEX_VIOL", "SUIC_BOMB", "VIOL_DEMONSTR",
)
NO_EVENT = "NONE"
ACLED_NEAR_KM = 25.0  # an ACLED location is right when within this distance of the gold point
GEO_NEAR_KM = 161.0  # 100 miles: the usual geoparsing "accuracy at 161 km"
TOP_CONFUSIONS = 10
OFFSET_KEYS = frozenset({"start", "end", "cue_start", "cue_end"})

# Gold fields each kind needs; a record without them is a malformed gold line.
_GOLD_FIELDS = {
    "case2021": ("type",),
    "acled": ("type", "date", "time_precision", "lat", "lon", "admin1", "country", "fatalities"),
    "timex": ("timexes",),
    "geo": ("toponyms",),
    "giveme": ("questions",),
}
# Kinds scored on spans: the gold list of spans and the fields each span needs.
_SPAN_FIELDS = {"timex": ("timexes", ("start", "end", "value", "type")),
                "geo": ("toponyms", ("start", "end", "lat", "lon"))}

# Figures worth a line in a summary table: (label, dotted path into the figures).
HEADLINE_FIGURES = {
    "case2021": [("weighted F1, 25 ACLED types", "acled_types.weighted_f1"),
                 ("macro F1, 25 ACLED types", "acled_types.macro_f1"),
                 ("macro F1, all gold types", "all_types.macro_f1"),
                 ("accuracy, all gold types", "all_types.accuracy"),
                 ("articles with no event", "no_event")],
    "acled": [("type macro F1", "type.macro_f1"), ("type accuracy", "type.accuracy"),
              ("date exact (day-precise gold)", "date_exact"),
              ("location within 25 km", "loc_within_25km"), ("admin1 match", "admin1"),
              ("country match", "country"), ("fatalities exact", "fatalities_exact")],
    "timex": [("span precision", "span_precision"), ("span recall", "span_recall"),
              ("span F1", "span_f1"), ("value accuracy of matched", "value_accuracy_of_matched"),
              ("value F1", "value_f1")],
    "geo": [("gold toponyms detected", "detected"),
            ("detected and resolved", "detected_and_resolved"),
            ("within 161 km, of resolved", "acc161_of_resolved"),
            ("within 161 km, of all gold", "acc161_of_all"), ("median error (km)", "median_km"),
            ("reported toponyms that match gold", "reported_matching_gold")],
    "giveme": [("main event date correct", "when_correct"),
               ("main event place correct", "where_correct")],
    "seed": [("core events score", "core_events_score"),
             ("non-core events found", "non_core_found_share")],
}


# -- reading benchmarks ---------------------------------------------------------------------

def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise BadOption(f"Unknown benchmark kind '{kind}': use one of {', '.join(KINDS)}.")
    return kind


def _read_jsonl(path: Path, what: str) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; a line that is not a JSON object is an error."""
    try:
        lines = path.read_text("utf-8").split("\n")  # not splitlines: JSON strings may hold U+2028
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkError(f"Cannot read the {what} {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BenchmarkError(f"{path}:{n}: the {what} line is not valid JSON ({exc}).") from exc
        if not isinstance(rec, dict):
            raise BenchmarkError(f"{path}:{n}: the {what} line is not a JSON object.")
        yield n, rec


def _bench_path(bench_dir: Path) -> Path:
    bench_dir = Path(bench_dir)
    if not bench_dir.exists():
        raise BenchmarkError(f"{bench_dir}: no such benchmark directory. Check the path.")
    return bench_dir


def _seed_expected(bench_dir: Path) -> Path:
    """The seed's ``expected.json``: the path itself or the file of that name in the directory."""
    path = bench_dir if bench_dir.is_file() else bench_dir / "expected.json"
    if not path.is_file():
        raise BenchmarkError(f"{bench_dir}: no expected.json here; a seed benchmark needs one.")
    return path


def _gold_file(bench_dir: Path) -> Path:
    path = bench_dir / "gold.jsonl"
    if not bench_dir.is_dir() or not path.is_file():
        raise BenchmarkError(f"{bench_dir}: no gold.jsonl. A benchmark directory holds "
                             "inputs.jsonl and gold.jsonl (see benchmarks/README.md).")
    return path


def _kind_of_gold(rec: dict) -> Optional[str]:
    """The kind a gold record's shape belongs to, or None."""
    for key, kind in (("timexes", "timex"), ("toponyms", "geo"), ("questions", "giveme"),
                      ("time_precision", "acled"), ("type", "case2021")):
        if key in rec:
            return kind
    return None


def detect_kind(bench_dir: Path) -> str:
    """The kind of benchmark at ``bench_dir``, from the shape of its first gold record."""
    bench_dir = _bench_path(bench_dir)
    if bench_dir.is_file():
        if bench_dir.suffix == ".json":
            return "seed"
        raise BenchmarkError(f"{bench_dir}: give a benchmark directory or a seed expected.json.")
    if not (bench_dir / "gold.jsonl").exists() and (bench_dir / "expected.json").is_file():
        return "seed"
    path = _gold_file(bench_dir)
    for n, rec in _read_jsonl(path, "gold"):
        kind = _kind_of_gold(rec)
        if kind is None:
            raise BenchmarkError(f"{path}:{n}: cannot tell the benchmark kind from the gold "
                                 f"fields {sorted(rec)}; pass the kind explicitly.")
        return kind
    raise BenchmarkError(f"{path}: the gold file is empty.")


def _check_gold(rec: dict, kind: str, where: str) -> None:
    """Raise BenchmarkError unless the gold record has what its kind is scored on."""
    missing = [f for f in ("id", *_GOLD_FIELDS[kind]) if f not in rec]
    if missing:
        raise BenchmarkError(f"{where}: a {kind} gold record needs {', '.join(missing)}.")
    if kind in _SPAN_FIELDS:
        key, fields = _SPAN_FIELDS[kind]
        if not isinstance(rec[key], list):
            raise BenchmarkError(f"{where}: gold spans ('{key}') must be a list.")
        for item in rec[key]:
            lacking = [f for f in fields if not isinstance(item, dict) or f not in item]
            if lacking:
                raise BenchmarkError(f"{where}: a gold span lacks {', '.join(lacking)}.")
    if kind == "giveme" and not isinstance(rec["questions"], dict):
        raise BenchmarkError(f"{where}: 'questions' must be an object.")


def _seed_gold(bench_dir: Path) -> dict[str, dict]:
    path = _seed_expected(bench_dir)
    try:
        expected = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BenchmarkError(f"{path}: not a readable JSON file ({exc}).") from exc
    if not isinstance(expected, dict) or not isinstance(expected.get("events"), list) \
            or not expected.get("article"):
        raise BenchmarkError(f"{path}: a seed annotation needs 'article' and an 'events' list.")
    for ev in expected["events"]:
        if not isinstance(ev, dict) or "type" not in ev or "key" not in ev:
            raise BenchmarkError(f"{path}: every seed event needs 'key' and 'type'.")
    return {Path(expected["article"]).stem: expected}


def load_gold(bench_dir: Path, kind: str) -> dict[str, dict]:
    """Gold records by article id, each checked for the fields its kind is scored on."""
    bench_dir = _bench_path(bench_dir)
    if _check_kind(kind) == "seed":
        return _seed_gold(bench_dir)
    path = _gold_file(bench_dir)
    gold: dict[str, dict] = {}
    for n, rec in _read_jsonl(path, "gold"):
        _check_gold(rec, kind, f"{path}:{n}")
        gold[str(rec["id"])] = rec
    return gold


def _input_records(bench_dir: Path, kind: str) -> list[dict]:
    """Raw input records ``{"id", "text", "date", "origin", "align"}`` in file order.

    ``align``: gold offsets refer to the raw ``text``, so output offsets are moved to match."""
    if kind == "seed":
        (expected,) = _seed_gold(bench_dir).values()
        article = _seed_expected(bench_dir).parent / expected["article"]
        try:
            text = article.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BenchmarkError(f"{article}: the seed article cannot be read ({exc}).") from exc
        # the seed has no gold offsets: its output keeps offsets into the body, as `extract` does
        return [{"id": article.stem, "text": text, "date": None, "origin": str(article),
                 "align": False}]
    path = bench_dir / "inputs.jsonl"
    if not path.is_file():
        raise BenchmarkError(f"{bench_dir}: no inputs.jsonl to extract from.")
    records = []
    for n, rec in _read_jsonl(path, "input"):
        if not isinstance(rec.get("text"), str) or "id" not in rec:
            raise BenchmarkError(f"{path}:{n}: an input needs an 'id' and a string 'text'.")
        records.append({**rec, "id": str(rec["id"]), "origin": f"{path}:{n}", "align": True})
    return records


def _body_shift(raw: str, article: Article) -> Optional[int]:
    """Where the article body starts in the raw input text (offsets are moved by this)."""
    if article.text == raw:
        return 0
    at = raw.find(article.text)
    if at < 0:  # the reader blanks control characters, keeping lengths
        from .read.article import blank_controls
        at = blank_controls(raw).find(article.text)
    if at < 0:
        log.warning("%s: the article body is not a verbatim part of the input text; "
                    "its offsets are kept as they are", article.id)
        return None
    return at


def _read_input(rec: dict) -> Article:
    """One input record read as ``newsevents extract`` reads it; a date that is not a date
    (some sets write the string "None") is dropped with a warning rather than losing the article."""
    from .read import article_from_text

    try:
        return article_from_text(rec["text"], origin=rec["origin"], id=rec["id"], date=rec.get("date"))
    except BadDate:
        log.warning("%s: date %r is not a date; reading the article without one",
                    rec["origin"], rec.get("date"))
        return article_from_text(rec["text"], origin=rec["origin"], id=rec["id"])


def _prepare(records: Iterable[dict]) -> list[tuple[Article, Optional[int]]]:
    """Articles read from raw records, each with the shift of its body in the raw text."""
    prepared = []
    for rec in records:
        try:
            article = _read_input(rec)
        except ReadError as exc:
            log.warning("%s skipped: %s", rec["origin"], exc)
            continue
        shift = _body_shift(rec["text"], article) if rec.get("align") else None
        prepared.append((article, shift))
    return prepared


def load_inputs(bench_dir: Path) -> list[Article]:
    """The benchmark's articles, read as ``newsevents extract`` reads them (unreadable ones skipped)."""
    bench_dir = _bench_path(bench_dir)
    return [a for a, _ in _prepare(_input_records(bench_dir, detect_kind(bench_dir)))]


def load_outputs(path: Path) -> dict[str, dict]:
    """Contract-v1 records of an output JSONL file, by article id."""
    path = Path(path)
    if not path.is_file():
        raise BenchmarkError(f"{path}: no such output file to score.")
    outputs: dict[str, dict] = {}
    for n, rec in _read_jsonl(path, "output"):
        art = rec.get("article")
        rid = art.get("id") if isinstance(art, dict) else rec.get("id")
        if rid is None:
            raise BenchmarkError(f"{path}:{n}: an output record needs article.id.")
        outputs[str(rid)] = rec
    return outputs


# -- shared measures -------------------------------------------------------------------------

def _share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _main_event(record: Optional[dict]) -> Optional[dict]:
    events = (record or {}).get("events") or []
    return events[0] if events else None


def _main_type(record: Optional[dict]) -> str:
    event = _main_event(record)
    return event.get("type") or NO_EVENT if event else NO_EVENT


def _overlap(a: dict, b: dict) -> bool:
    try:
        return a["start"] < b["end"] and b["start"] < a["end"]
    except (KeyError, TypeError):
        return False


def _first_overlap(gold_span: dict, predicted: list[dict], resolved: bool = False) -> Optional[dict]:
    for p in predicted:
        if _overlap(p, gold_span) and (not resolved or p.get("lat") is not None):
            return p
    return None


def type_scores(pairs: list[tuple[str, str]], labels: Iterable[str],
                per_type: bool = False) -> dict:
    """Classification figures for (gold type, predicted type) pairs.

    Macro F1 averages the types in ``labels`` that occur in the gold; weighted F1 weights
    them by their gold count. A prediction outside ``labels`` is simply wrong.
    """
    gold_n = Counter(g for g, _ in pairs)
    right = Counter(g for g, p in pairs if g == p)
    predicted_n = Counter(p for _, p in pairs)
    table = {}
    for label in (lab for lab in labels if gold_n[lab]):
        precision = right[label] / predicted_n[label] if predicted_n[label] else 0.0
        recall = right[label] / gold_n[label]
        table[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                        "f1": _f1(precision, recall), "support": gold_n[label]}
    support = sum(row["support"] for row in table.values())
    figures = {
        "macro_f1": round(sum(r["f1"] for r in table.values()) / len(table), 4) if table else 0.0,
        "weighted_f1": round(sum(r["f1"] * r["support"] for r in table.values()) / support, 4)
        if support else 0.0,
        "accuracy": _share(sum(right.values()), len(pairs)),
        "n": len(pairs),
    }
    for row in table.values():
        row["f1"] = round(row["f1"], 4)
    if per_type:
        figures["per_type"] = table
    return figures


def top_confusions(pairs: list[tuple[str, str]], top: int = TOP_CONFUSIONS) -> list[dict]:
    """The most frequent (gold, predicted) disagreements."""
    wrong = Counter((g, p) for g, p in pairs if g != p)
    return [{"gold": g, "predicted": p, "n": n} for (g, p), n in wrong.most_common(top)]


# -- scorers, one per kind -------------------------------------------------------------------

def _score_case2021(gold: dict[str, dict], outputs: dict[str, dict]) -> dict:
    """Main event type against the gold type of each snippet."""
    pairs = [(str(g["type"]), _main_type(outputs.get(gid))) for gid, g in gold.items()]
    acled = [(g, p) for g, p in pairs if g in CASE_ACLED_CODES]
    return {
        "n": len(pairs),
        "acled_types": type_scores(acled, CASE_ACLED_CODES),
        "all_types": type_scores(pairs, sorted({g for g, _ in pairs}), per_type=True),
        "accuracy": _share(sum(g == p for g, p in pairs), len(pairs)),
        "no_event": sum(p == NO_EVENT for _, p in pairs),
        "top_confusions": top_confusions(pairs),
    }


def _acled_checks(g: dict, event: dict) -> dict[str, bool]:
    """Which of the main event's fields agree with ACLED's coding of the note."""
    loc = event.get("location") or {}
    near = (loc.get("lat") is not None and loc.get("lon") is not None
            and km_between(g["lat"], g["lon"], loc["lat"], loc["lon"]) <= ACLED_NEAR_KM)
    fatalities = event.get("fatalities")
    killed = fatalities.get("min") if isinstance(fatalities, dict) else fatalities
    date = (event.get("date") or {}).get("value")
    return {
        "date": date is not None and date == g["date"],
        "near": near,
        "admin1": bool(g["admin1"]) and (loc.get("admin1") or "").lower() == g["admin1"].lower(),
        "country": bool(g["country"]) and (loc.get("country") or "").lower() == g["country"].lower(),
        # no fatalities reported counts as 0, as in ACLED
        "fatalities": (killed or 0) == g["fatalities"],
    }


def _score_acled(gold: dict[str, dict], outputs: dict[str, dict]) -> dict:
    """Main event type, date, place and fatalities against ACLED's coding of each note."""
    pairs, hits, dated = [], Counter(), 0
    for gid, g in gold.items():
        pairs.append((str(g["type"]), _main_type(outputs.get(gid))))
        checks = _acled_checks(g, _main_event(outputs.get(gid)) or {})
        # only notes ACLED dates to the day (time_precision 1) are scored on the date
        day_precise = str(g["time_precision"]).startswith("1")
        dated += day_precise
        checks["date"] = checks["date"] and day_precise
        hits.update(k for k, ok in checks.items() if ok)
    n = len(pairs)
    return {
        "n": n,
        "type": type_scores(pairs, sorted({g for g, _ in pairs})),
        "date_exact": _share(hits["date"], dated), "date_n": dated,
        "loc_within_25km": _share(hits["near"], n), "admin1": _share(hits["admin1"], n),
        "country": _share(hits["country"], n), "fatalities_exact": _share(hits["fatalities"], n),
        "top_confusions": top_confusions(pairs),
    }


def _same_calendar_date(predicted: str, gold: str) -> bool:
    """The predicted value names the gold calendar date (gold taken at most to the day)."""
    day = gold[:10]
    return predicted[:len(day)] == day


def _score_timex(gold: dict[str, dict], outputs: dict[str, dict]) -> dict:
    """``mentions.times`` against TIMEX3 spans and values."""
    n_gold = n_pred = found = right_value = dates = right_dates = 0
    for gid, g in gold.items():
        predicted = ((outputs.get(gid) or {}).get("mentions") or {}).get("times") or []
        n_pred += len(predicted)
        for t in g["timexes"]:
            n_gold += 1
            hit = _first_overlap(t, predicted)
            value = str(hit.get("value")) if hit else ""
            found += hit is not None
            right_value += hit is not None and value == str(t["value"])
            if t["type"] in ("DATE", "TIME") and str(t["value"] or "")[:1].isdigit():
                dates += 1
                right_dates += hit is not None and _same_calendar_date(value, str(t["value"]))
    precision = found / n_pred if n_pred else 0.0
    recall = found / n_gold if n_gold else 0.0
    value_p = right_value / n_pred if n_pred else 0.0
    value_r = right_value / n_gold if n_gold else 0.0
    return {
        "n": len(gold), "gold": n_gold, "predicted": n_pred, "found": found,
        "span_precision": round(precision, 4), "span_recall": round(recall, 4),
        "span_f1": round(_f1(precision, recall), 4),
        "value_accuracy_of_matched": _share(right_value, found),
        "value_f1": round(_f1(value_p, value_r), 4),
        "calendar_date_accuracy": _share(right_dates, dates), "calendar_n": dates,
    }


def _reported_toponyms(places: list[dict]) -> list[dict]:
    """The toponyms an output reports: place and dateline mentions with a point and offsets
    (demonyms are no toponyms)."""
    return [p for p in places if p.get("kind", "place") in ("place", "dateline")
            and p.get("lat") is not None and isinstance(p.get("start"), int)]


def _score_geo(gold: dict[str, dict], outputs: dict[str, dict]) -> dict:
    """``mentions.places`` against gold toponyms: found, resolved, and how far off; and
    ``reported_matching_gold``, the share of reported toponyms (``_reported_toponyms``) that
    overlap a gold toponym, a precision bound from below. The gold of the geoparsing sets is
    not exhaustive: GeoVirus leaves out most places inside the names of organisations (a
    country in a national body's name, a city in its police's) though it keeps some (a city
    after "of" in a hospital's name); LGL marks places inside organisations' names but misses
    some small places and landmarks; neither marks demonyms. A reported toponym outside the
    gold is thus often, not always, a false one."""
    n_gold = detected = reported = matching = 0
    errors: list[float] = []
    for gid, g in gold.items():
        predicted = ((outputs.get(gid) or {}).get("mentions") or {}).get("places") or []
        for p in _reported_toponyms(predicted):
            reported += 1
            matching += any(_overlap(p, t) for t in g["toponyms"])
        for t in g["toponyms"]:
            n_gold += 1
            detected += _first_overlap(t, predicted) is not None
            hit = _first_overlap(t, predicted, resolved=True)
            if hit is not None and hit.get("lon") is not None:
                errors.append(km_between(t["lat"], t["lon"], hit["lat"], hit["lon"]))
    near = sum(e <= GEO_NEAR_KM for e in errors)
    return {
        "n": len(gold), "gold": n_gold,
        "detected": _share(detected, n_gold),
        "detected_and_resolved": _share(len(errors), n_gold),
        "acc161_of_resolved": _share(near, len(errors)),
        "acc161_of_all": _share(near, n_gold),
        "median_km": round(statistics.median_high(errors), 1) if errors else None,
        "reported_toponyms": reported,
        "reported_matching_gold": _share(matching, reported),
    }


def _date_answers(value: str, gold_days: list[str]) -> bool:
    """A main-event date answers 'when' if it is the gold day, or a month/year containing it."""
    if len(value) >= 10:
        return any(value[:10] == day for day in gold_days)
    return bool(value) and any(day.startswith(value) for day in gold_days)


def _place_answers(location: dict, gold_places: list[str]) -> bool:
    """A main-event place answers 'where' if one of its names and a gold answer contain each other."""
    names = {str(location.get(k) or "").lower() for k in ("text", "name", "admin1", "country")}
    names.discard("")
    return any(n in w or w in n for n in names for w in gold_places)


def _score_giveme(gold: dict[str, dict], outputs: dict[str, dict]) -> dict:
    """Main event date and place against the annotated 'when' and 'where' answers."""
    tally = Counter()
    for gid, g in gold.items():
        event = _main_event(outputs.get(gid)) or {}
        q = g["questions"]
        days = [str(a["parsed"])[:10] for a in q.get("when") or [] if a.get("parsed")]
        places = [str(a["text"]).lower() for a in q.get("where") or [] if a.get("text")]
        if days:
            tally["when_n"] += 1
            tally["when"] += _date_answers((event.get("date") or {}).get("value") or "", days)
        if places:
            tally["where_n"] += 1
            tally["where"] += _place_answers(event.get("location") or {}, places)
    return {"n": len(gold),
            "when_correct": _share(tally["when"], tally["when_n"]), "when_n": tally["when_n"],
            "where_correct": _share(tally["where"], tally["where_n"]), "where_n": tally["where_n"]}


# -- the seed: hand-annotated events of one article --------------------------------------------

def _words(text: Optional[str]) -> str:
    return " ".join((text or "").lower().replace("-", " ").split())


def _targets_hit(g: dict, e: dict) -> bool:
    """Some gold target's last word occurs among the event's target names."""
    names = " ".join(_words(t.get("text")) + " " + _words(t.get("name")) for t in e.get("targets") or [])
    return any(_words(t).split()[-1:] and _words(t).split()[-1] in names for t in g["targets"])


def _date_hit(g: dict, e: dict) -> bool:
    return str((e.get("date") or {}).get("value") or "").startswith(g["date"]["value"])


def _location_hit(g: dict, e: dict) -> bool:
    loc = e.get("location") or {}
    blob = " ".join(_words(loc.get(k)) for k in ("text", "name", "admin2", "admin1", "sublocality"))
    place = g["location"]
    key = _words(place.get("sublocality") or place.get("name")).split()[:1]
    return bool(key and key[0] in blob) or bool(_words(place.get("name")) and _words(place["name"]) in blob)


def _count_hit(g: dict, e: dict) -> bool:
    c = e.get("count") or {}
    return (c.get("min"), c.get("max")) == (g["count"].get("min"), g["count"].get("max"))


def _claim_hit(g: dict, e: dict) -> bool:
    status = (e.get("claim") or {}).get("status")
    return status == g["claim"]["status"] or status in g["claim"].get("also", [])


_SEED_FIELDS = (("targets", _targets_hit), ("date", _date_hit), ("location", _location_hit),
                ("count", _count_hit), ("claim", _claim_hit))


def seed_event_score(g: dict, e: dict) -> Optional[float]:
    """How well event ``e`` matches gold event ``g``: None if the type differs, else the share
    of (type + each annotated field: targets, date, location, count, claim) it gets right."""
    if e.get("type") not in {g["type"], *g.get("alt_types", [])}:
        return None
    annotated = [hit for name, hit in _SEED_FIELDS
                 if g.get(name) and (name != "date" or g["date"].get("value"))]
    return (1 + sum(hit(g, e) for hit in annotated)) / (1 + len(annotated))


def _seed_found(g: dict, e: dict) -> bool:
    """A non-core gold event is found: same type and, if annotated, a target word or the date."""
    if seed_event_score(g, e) is None:
        return False
    checks = [hit for name, hit in _SEED_FIELDS[:2]
              if g.get(name) and (name != "date" or g["date"].get("value"))]
    return not checks or any(hit(g, e) for hit in checks)


def _seed_output(outputs: dict[str, dict], gid: str) -> Optional[dict]:
    """The output for seed article ``gid``: by id, by file name, or the only output there is."""
    if gid in outputs:
        return outputs[gid]
    for key, rec in outputs.items():
        if Path(str(key)).stem == gid:
            return rec
    return next(iter(outputs.values())) if len(outputs) == 1 else None


def _score_seed(gold: dict[str, dict], outputs: dict[str, dict]) -> dict:
    """Each core gold event scored by its best-matching extracted event; non-core ones found or not."""
    per_event: dict[str, float] = {}
    found: dict[str, bool] = {}
    extracted = 0
    for gid, expected in gold.items():
        events = (_seed_output(outputs, gid) or {}).get("events") or []
        extracted += len(events)
        for g in expected["events"]:
            if g.get("core"):
                scores = [s for e in events if (s := seed_event_score(g, e)) is not None]
                per_event[g["key"]] = round(max(scores, default=0.0), 4)
            else:
                found[g["key"]] = any(_seed_found(g, e) for e in events)
    return {
        "n": len(gold),
        "core_events_score": round(sum(per_event.values()) / len(per_event), 4) if per_event else 0.0,
        "per_event": per_event,
        "non_core_found": found,
        "non_core_found_share": _share(sum(found.values()), len(found)),
        "events_extracted": extracted,
    }


_SCORERS: dict[str, Callable[[dict[str, dict], dict[str, dict]], dict]] = {
    "case2021": _score_case2021, "acled": _score_acled, "timex": _score_timex,
    "geo": _score_geo, "giveme": _score_giveme, "seed": _score_seed,
}


def score(kind: str, gold: dict[str, dict], outputs: dict[str, dict]) -> dict:
    """Figures for ``outputs`` (contract-v1 dicts by article id) against ``gold`` (by id).

    A gold article without an output is scored as if nothing had been extracted from it and
    counted in ``missing_outputs``.
    """
    figures = _SCORERS[_check_kind(kind)](gold, outputs)
    if kind == "seed":
        figures["missing_outputs"] = sum(_seed_output(outputs, gid) is None for gid in gold)
    else:
        figures["missing_outputs"] = sum(gid not in outputs for gid in gold)
    return figures


def headline_figures(kind: str, figures: dict) -> list[tuple[str, object]]:
    """(label, value) of the figures a summary table shows for a kind."""
    rows = []
    for label, path in HEADLINE_FIGURES[_check_kind(kind)]:
        value: object = figures
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        rows.append((label, value))
    return rows


# -- running the extraction ------------------------------------------------------------------

def _shift_offsets(obj: object, shift: int) -> object:
    """A copy of a contract dict with every character offset moved by ``shift``."""
    if isinstance(obj, dict):
        return {k: (v + shift if k in OFFSET_KEYS and isinstance(v, int) and not isinstance(v, bool)
                    else _shift_offsets(v, shift)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_shift_offsets(v, shift) for v in obj]
    return obj


def _load_pipeline(settings) -> None:
    """Build the pipeline before the clock starts, so throughput excludes loading."""
    from .nlp import get_pipeline

    get_pipeline(settings)


def _extract(articles: list[Article], settings) -> Iterator:
    from .api import extract_articles

    return extract_articles(articles, settings)


@contextlib.contextmanager
def _progress(total: int, show: bool, callback: Optional[Callable[[int, int], None]]):
    """A function to call after each article: rich progress bar (if ``show``) and/or ``callback``."""
    with contextlib.ExitStack() as stack:
        bar = task = None
        if show:
            from rich.console import Console
            from rich.progress import Progress

            bar = stack.enter_context(Progress(console=Console(stderr=True), transient=True))
            task = bar.add_task("extracting", total=total)

        def advance(done: int) -> None:
            if bar is not None:
                bar.update(task, completed=done)
            if callback is not None:
                callback(done, total)

        yield advance


def _run(prepared: list[tuple[Article, Optional[int]]], settings, output: Optional[Path],
         advance: Callable[[int], None]) -> dict[str, dict]:
    """Extract every article, streaming; offsets are moved to refer to the raw input text,
    as gold offsets do. Each record is written to ``output`` as soon as it is ready."""
    shifts = {a.id: s for a, s in prepared}
    outputs: dict[str, dict] = {}
    with contextlib.ExitStack() as stack:
        sink = None
        if output is not None:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            sink = stack.enter_context(open(output, "w", encoding="utf-8"))
        for done, result in enumerate(_extract([a for a, _ in prepared], settings), 1):
            record = result.contract()
            aid = record["article"]["id"]
            if shifts.get(aid):
                record = _shift_offsets(record, shifts[aid])
            outputs[aid] = record
            if sink is not None:
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            advance(done)
    return outputs


def evaluate(bench_dir: Path, kind: Optional[str] = None, *, settings=None,
             output: Optional[Path] = None, limit: Optional[int] = None, progress: bool = False,
             callback: Optional[Callable[[int, int], None]] = None) -> dict:
    """Extract the benchmark's inputs and score them.

    ``limit`` keeps the first N inputs (and scores only their gold); ``output`` receives the
    contract JSONL; ``progress`` shows a progress bar on stderr; ``callback(done, total)`` is
    called after each article. The figures include ``n``, ``extracted``, ``load_seconds`` (building
    the pipeline), ``seconds`` and ``articles_per_second`` (extraction only).
    """
    bench_dir = _bench_path(bench_dir)
    kind = _check_kind(kind) if kind else detect_kind(bench_dir)
    gold = load_gold(bench_dir, kind)
    records = _input_records(bench_dir, kind)
    if limit is not None:
        records = records[:max(0, limit)]
        kept = {r["id"] for r in records}
        gold = {gid: g for gid, g in gold.items() if gid in kept}
    prepared = _prepare(records)
    loading = time.perf_counter()
    _load_pipeline(settings)
    started = time.perf_counter()
    with _progress(len(prepared), progress, callback) as advance:
        outputs = _run(prepared, settings, output, advance)
    seconds = time.perf_counter() - started
    figures = {"kind": kind, **score(kind, gold, outputs), "extracted": len(outputs),
               "load_seconds": round(started - loading, 2), "seconds": round(seconds, 2),
               "articles_per_second": round(len(outputs) / seconds, 2) if seconds > 0 else None}
    log.info("%s: %d articles scored in %.1f s", bench_dir, len(outputs), seconds)
    return figures


def evaluate_output(bench_dir: Path, output_jsonl: Path, kind: Optional[str] = None) -> dict:
    """Score an existing contract-v1 JSONL file against the benchmark's gold."""
    bench_dir = _bench_path(bench_dir)
    kind = _check_kind(kind) if kind else detect_kind(bench_dir)
    gold = load_gold(bench_dir, kind)
    return {"kind": kind, **score(kind, gold, load_outputs(output_jsonl))}
