"""Linking rules on hand-built extraction results (no pipeline): when close spellings merge,
when they stay apart, and how a timeline reads."""

import pytest

from newsevents.schema import Actor, Article, ArticleResult, Event, EventDate, Location, Span
from newsevents.store import query_people, store_result

PLACES = {
    "Karachi": dict(name="Karachi", admin2="Karachi", admin1="Sindh", country="Pakistan",
                    country_code="PK", lat=24.86, lon=67.01, precision="city"),
    "Lahore": dict(name="Lahore", admin2="Lahore", admin1="Punjab", country="Pakistan",
                   country_code="PK", lat=31.55, lon=74.34, precision="city"),
}


def report(aid: str, day: str, name: str, city: str, type_: str = "ARREST",
           affiliation: str | None = None) -> ArticleResult:
    """One article reporting one event done to ``name`` in ``city`` on ``day``."""
    verb = {"ARREST": "arrested", "RELEASE": "released"}[type_]
    text = f"Police {verb} {name} in {city} on {day}."
    start = text.index(name)
    event = Event(
        id=f"{aid}-e", type=type_, trigger=Span(text=verb, start=7, end=7 + len(verb)),
        sentence=Span(start=0, end=len(text)),
        date=EventDate(value=day, precision="day", text=day, start=text.index(day),
                       end=text.index(day) + len(day)),
        location=Location(text=city, start=text.index(city), end=text.index(city) + len(city),
                          **PLACES[city]),
        agents=[Actor(text="Police", start=0, end=6, kind="police")],
        targets=[Actor(text=name, start=start, end=start + len(name), name=name, kind="person",
                       affiliation=affiliation)])
    return ArticleResult(article=Article(id=aid, text=text, date=day), events=[event])


def _names(store):
    return sorted(sorted(p["aliases"]) for p in query_people(store))


def test_close_spellings_in_one_province_merge(store):
    store_result(store, report("a", "2023-01-05", "Farhan Hashmi", "Karachi"))
    store_result(store, report("b", "2023-02-05", "Farhan Hashimi", "Karachi"))
    assert _names(store) == [["Farhan Hashimi", "Farhan Hashmi"]]


def test_close_spellings_without_shared_context_stay_apart(store):
    store_result(store, report("a", "2023-01-05", "Farhan Hashmi", "Karachi"))
    store_result(store, report("b", "2023-02-05", "Farhan Hashimi", "Lahore"))
    assert _names(store) == [["Farhan Hashimi"], ["Farhan Hashmi"]]


def test_same_name_conflicting_affiliations_stay_apart(store):
    store_result(store, report("a", "2023-01-05", "Imran Khan", "Karachi", affiliation="Awami Rights Party"))
    store_result(store, report("b", "2023-01-06", "Imran Khan", "Karachi", affiliation="National Traders Union"))
    assert len(_names(store)) == 2


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0]])
def test_timeline_reads_taken_released_taken_again(store, order):
    reports = [report("a", "2023-01-05", "Sana Mirza", "Lahore"),
               report("b", "2023-01-20", "Sana Mirza", "Lahore", "RELEASE"),
               report("c", "2023-03-02", "Sana Mirza", "Lahore")]
    for i in order:
        store_result(store, reports[i])
    [person] = query_people(store)
    assert [(t["date"], t["status"]) for t in person["timeline"]] == [
        ("2023-01-05", "arrested"), ("2023-01-20", "released"), ("2023-03-02", "re-arrested")]
    assert (person["status"], person["since"]) == ("re-arrested", "2023-03-02")
