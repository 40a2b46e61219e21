"""The team-written event corpus: its schema, its loader and what it covers."""

import json

import pytest

from newsevents import corpus
from newsevents.errors import DataFileError
from newsevents.knowledge import taxonomy


def _line(**kw):
    rec = {"id": "t-1", "style": "wire", "country": "Ghana",
           "text": "Police detained two traders in Tamale on Friday.",
           "events": [{"trigger": {"text": "detained"}, "type": "ARREST", "main": True,
                       "agents": [{"text": "Police", "kind": "police"}],
                       "targets": [{"text": "two traders", "kind": "traders"}],
                       "detained": {"text": "two", "n": 2}}]}
    rec.update(kw)
    return json.dumps(rec)


def test_spans_become_offsets():
    rec = corpus.parse_lines([_line()], "x")[0]
    ev = rec.events[0]
    assert rec.text[ev.trigger.start:ev.trigger.end] == "detained"
    assert rec.text[ev.targets[0].start:ev.targets[0].end] == "two traders"


def test_a_later_occurrence_is_chosen_by_nth():
    text = "Men shot a man. Police then shot a second man."
    line = _line(text=text, events=[{"trigger": {"text": "shot", "nth": 2}, "type": "ATTACK", "main": True}])
    assert corpus.parse_lines([line], "x")[0].events[0].trigger.start == text.rindex("shot")


@pytest.mark.parametrize("change", [
    {"events": [{"trigger": {"text": "released"}, "type": "RELEASE", "main": True}]},  # not in text
    {"events": [{"trigger": {"text": "detained"}, "type": "NO_SUCH_TYPE", "main": True}]},
    {"events": [{"trigger": {"text": "detained"}, "type": "ARREST"}]},  # no main event
    {"style": "poem"},
    {"unexpected": 1},
])
def test_bad_records_are_errors_with_their_line(change):
    with pytest.raises(DataFileError, match="line 2"):
        corpus.parse_lines(["# a comment", _line(**change)], "part.jsonl")


def test_the_shipped_corpus_loads_and_covers_what_learning_needs():
    records = corpus.load()
    s = corpus.summary(records)
    assert s["records"] >= 10_000
    assert s["countries"] >= 60
    assert s["negatives"] >= 1_000  # sports, markets, figurative uses
    acled = [c for c, row in taxonomy().items() if row.get("acled_event_type")]
    assert all(s["types"].get(c, 0) >= 15 for c in acled), {c: s["types"].get(c, 0) for c in acled}
    assert {"wire", "local_press", "ngo_report", "acled_note", "headline", "report"} <= set(s["styles"])
    assert len([p for p in s["plover"] if p]) == 18  # every PLOVER 2021 type
    assert s["with_agent"] > 0.6 * s["events"]
