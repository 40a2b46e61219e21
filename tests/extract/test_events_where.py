"""The event's place among the places attached to it: where it happened, not what it is about
nor the name of a thing (``_how_told``). Sentences written for these tests."""

import pytest


def _place(nlp, text: str) -> str:
    events = nlp(text)._.events
    assert events and events[0].location is not None
    return events[0].location.name


@pytest.mark.parametrize("text, where", [
    ("On 3 May, about 200 people protested against the invasion of Ukraine in Toulouse.", "Toulouse"),
    ("On 4 June, students demonstrated outside the Berlin hotel in Nairobi, demanding lower fees.",
     "Nairobi"),
    ("Police arrested ten protesters at an anti-Japan rally in Busan on Friday.", "Busan"),
])
def test_where_it_happened_wins(nlp, text: str, where: str) -> None:
    assert _place(nlp, text) == where


def test_a_municipality_is_the_place_itself(nlp) -> None:
    text = "On 2 March, gunmen killed a farmer in the rural area of Cali municipality (Valle del Cauca)."
    assert _place(nlp, text) == "Cali"
