"""Where an event happened among the places the text names with it: how each place is told
(``_how_told``), a region narrowed to the one place named inside it (``_finest_named``), and
bare directions and common words as places. Sentences written for these tests."""

from types import SimpleNamespace

import pytest

from newsevents.extract.events import _finest_named, _how_told


def _told(nlp, text: str) -> dict[str, int]:
    doc = nlp(text)
    return {p.text: _how_told(doc, p) for p in doc._.places if p.kind == "place"}


@pytest.mark.parametrize("text, place, rank", [
    ("On 6 March, students held a demonstration against the invasion of Ukraine in Leeds.", "Ukraine", 1),
    ("On 6 March, students held a demonstration against the invasion of Ukraine in Leeds.", "Leeds", 0),
    ("On 4 June, students demonstrated outside the Berlin hotel in Nairobi.", "Berlin", 2),
    ("On 4 June, students demonstrated outside the Berlin hotel in Nairobi.", "Nairobi", 0),
    ("On 3 June, people staged an anti-Russia demonstration in the town of Kayes.", "Russia", 2),
    ("On 3 June, people staged an anti-Russia demonstration in the town of Kayes.", "Kayes", 0),
    ("On 2 March, gunmen killed a farmer in the rural area of Cali municipality.", "Cali", 0),
])
def test_how_a_place_is_told(nlp, text: str, place: str, rank: int) -> None:
    assert _told(nlp, text)[place] == rank


def test_region_narrowed_to_the_one_place_named_inside_it(nlp) -> None:
    doc = nlp("On 9 July, gunmen attacked a police post at Sibi town (Sibi district, Balochistan).")
    places = [p for p in doc._.places if p.kind == "place"]
    province = next(p for p in places if p.precision == "admin1")
    event = SimpleNamespace(head=0)
    assert _finest_named(doc, event, province).name == "Sibi"


def test_region_kept_when_several_towns_are_named_inside_it(nlp) -> None:
    doc = nlp("On 9 July, teachers protested across Punjab, in Lahore and in Multan.")
    places = [p for p in doc._.places if p.kind == "place"]
    province = next(p for p in places if p.precision == "admin1")
    assert _finest_named(doc, SimpleNamespace(head=0), province) is province


def test_a_bare_direction_is_no_region_of_a_country_the_text_leaves_out(nlp) -> None:
    doc = nlp("Members of the CGT and SUD unions demonstrated in Rennes on Tuesday.")
    assert [p.name for p in doc._.places if p.kind == "place"] == ["Rennes"]


@pytest.mark.parametrize("text, name", [
    ("On Monday, in Sobral (Ceara) a man was shot dead by two gunmen.", "Ceara"),
    ("About 100 people marched through Ipswich against the new bill.", "Ipswich"),
])
def test_places_found(nlp, text: str, name: str) -> None:
    assert name.lower() in {p.text.lower() for p in nlp(text)._.places}


@pytest.mark.parametrize("text, where", [
    ("On 6 March, students held a demonstration against the Russian invasion of Ukraine in Leeds.", "Leeds"),
    ("On 6 June, residents blocked the Boston road near Kisumu (Kisumu county) to protest power cuts.",
     "Kisumu"),
])
def test_the_event_is_where_it_happened(nlp, text: str, where: str) -> None:
    assert nlp(text)._.events[0].location.name == where


def test_a_bare_region_word_in_brackets_is_not_placed_abroad(nlp) -> None:
    doc = nlp("On 4 March, workers demonstrated in Mzuzu (Northern) against unpaid wages.")
    assert "Uganda" not in {p.country for p in doc._.places}


@pytest.mark.parametrize("text, where", [
    ("Police clashed with voters during the Kenyan elections on Monday.", "Kenya"),
    ("Two cars crashed during the French Grand Prix on Sunday.", "France"),
    ("Police clashed with voters during the Kenyan election campaign on Monday.", "Kenya"),
])
def test_occasion_named_by_a_demonym_places_the_event(text: str, where: str) -> None:
    from newsevents.api import extract
    [event] = extract(text).events
    assert (event.location.name, event.location.basis) == (where, "text")


def test_other_demonyms_say_who_not_where() -> None:
    from newsevents.api import extract
    [event] = extract("Turkish troops shelled villages on Monday.").events
    assert event.location is None


def test_an_occasion_named_by_a_demonym_is_where_the_article_is(nlp) -> None:
    from newsevents.extract.events import main_place
    doc = nlp("Rain stopped the French Grand Prix at noon, and fans waited for hours.")
    assert main_place(doc).name == "France"
    assert main_place(nlp("Turkish fans waited for hours on Sunday.")) is None
