"""End-to-end golden test on the seed article and its hand annotation (tests/golden/).

Every annotated event, core and non-core, must be extracted with the fields the annotation
gives; people, places and times must come out as annotated.
"""

import json

import pytest

from newsevents import api
from newsevents.read import read_paths
from newsevents.schema import Article

from .conftest import GOLDEN

EXPECTED = json.loads((GOLDEN / "expected.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def result():
    items = list(read_paths([str(GOLDEN / EXPECTED["article"])]))
    assert len(items) == 1 and isinstance(items[0], Article)
    return next(api.extract_articles(items))


def _words(text):
    return " ".join((text or "").lower().replace("-", " ").split())


def _target_ok(event, gold_targets):
    said = " ".join(_words(t.text) + " " + _words(t.name) for t in event.targets)
    return all(_words(g).split()[-1] in said for g in gold_targets)


def _fits(event, gold):
    """Whether an extracted event has every field the annotation gives."""
    if event.type not in {gold["type"], *gold.get("alt_types", [])}:
        return False
    if gold.get("targets") and not _target_ok(event, gold["targets"]):
        return False
    date = gold.get("date")
    if date and date.get("value") and not (event.date and (event.date.value or "").startswith(date["value"])):
        return False
    loc = gold.get("location")
    if loc:
        have = " ".join(_words(x) for x in (event.location.text, event.location.name, event.location.admin2,
                                            event.location.admin1)) if event.location else ""
        want = _words(loc.get("sublocality") or loc["name"]).split()[0]
        if want not in have and _words(loc["name"]) not in have:
            return False
    count = gold.get("count")
    if count and not (event.count and (event.count.min, event.count.max) == (count["min"], count["max"])):
        return False
    claim = gold.get("claim")
    if claim and event.claim.status not in {claim["status"], *claim.get("also", [])}:
        return False
    if claim and claim.get("source") and _words(claim["source"]) not in _words(event.claim.source):
        return False
    if "background" in gold and event.background != gold["background"]:
        return False
    return True


@pytest.mark.parametrize("gold", EXPECTED["events"], ids=[e["key"] for e in EXPECTED["events"]])
def test_every_annotated_event(result, gold):
    found = [e for e in result.events if _fits(e, gold)]
    assert found, f"{gold['key']}: no event fits {gold}"


def test_article_metadata(result):
    art = result.article
    assert (art.date, art.dateline) == (EXPECTED["date"], EXPECTED["dateline"])
    assert art.id == "000_d442ccff8fdceaa2"


def test_main_event_is_new_and_specific(result):
    main = result.events[0]
    assert not main.background and main.type in ("ABDUCT_DISSAP", "ARREST")
    assert any(t.name for t in main.targets)


def test_no_background_event_counted_as_new(result):
    for e in result.events:
        if e.trigger.text and "had been" in result.article.text[e.sentence.start:e.sentence.end]:
            assert e.background, e.trigger


@pytest.mark.parametrize("person", EXPECTED["people"], ids=[p["name"] for p in EXPECTED["people"]])
def test_people(result, person):
    found = {p.name: p for p in result.mentions.people}
    assert person["name"] in found
    got = found[person["name"]]
    if person.get("role"):
        assert got.role and _words(got.role).split()[0] in _words(person["role"])
    if person.get("affiliation"):
        assert got.affiliation and (_words(person["affiliation"]) in _words(got.affiliation)
                                    or _words(got.affiliation) in _words(person["affiliation"]))


def test_organisations_with_aliases(result):
    orgs = {o.name: o for o in result.mentions.organizations}
    mqml = orgs["MQM-London"]
    assert {"MQM-L", "MQM-London", "MQM London"} <= set(mqml.aliases) | {mqml.text}
    assert "Pak Sarzameen Party" in orgs and "PSP" in orgs["Pak Sarzameen Party"].aliases
    assert orgs["Pakistan Rangers"].kind == "state_forces"


def test_places_resolved(result):
    places = {p.text: p for p in result.mentions.places}
    for text in ("Federal B Area", "Liaquatabd", "Nagan Chowrangi", "Shah Muhammad Graveyard"):
        assert places[text].country_code == "PK" and places[text].admin1 == "Sindh", text
        assert abs(places[text].lat - 24.9) < 0.3 and abs(places[text].lon - 67.05) < 0.3
    assert places["Liaquatabd"].name == "Liaquatabad"
    assert not any(p.text == "London" and "MQM" in result.article.text[p.start - 4:p.start]
                   for p in result.mentions.places)


@pytest.mark.parametrize("time", EXPECTED["times"], ids=[t["text"] for t in EXPECTED["times"]])
def test_times(result, time):
    values = {(t.text, t.value) for t in result.mentions.times}
    assert (time["text"], time["value"]) in values
    if time.get("approx"):
        assert next(t for t in result.mentions.times if t.text == time["text"]).approx


def test_offsets_quote_the_text(result):
    text = result.article.text
    for e in result.events:
        assert text[e.trigger.start:e.trigger.end] == e.trigger.text
        for a in e.agents + e.targets:
            assert text[a.start:a.end] == a.text
    for group in (result.mentions.places, result.mentions.times, result.mentions.quantities):
        for m in group:
            assert text[m.start:m.end] == m.text
