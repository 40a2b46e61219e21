"""Stage 6: counts of people with bounds."""

import pytest

from newsevents.extract.quantities import bounds, find_quantities


@pytest.mark.parametrize("text, expected", [
    ("Police detained two students outside the court.", ("two", 2, 2, "students")),
    ("As many as 40 traders were taken away.", ("As many as 40", None, 40, "traders")),
    ("More than 300 protesters gathered at the square.", ("More than 300", 301, None, "protesters")),
    ("At least 12 people were injured.", ("At least 12", 12, None, "people")),
    ("Over two dozen villagers fled.", ("Over two dozen", 25, None, "villagers")),
    ("Several journalists were beaten.", ("Several", 3, 9, "journalists")),
    ("Dozens of farmers blocked the road.", ("Dozens", 24, None, "farmers")),
    ("Hundreds of workers marched.", ("Hundreds", 200, None, "workers")),
    ("Up to 1,500 demonstrators joined.", ("Up to 1,500", None, 1500, "demonstrators")),
    ("Nearly 90 of the detainees were freed.", ("Nearly 90", None, 90, "detainees")),
])
def test_counts_with_bounds(nlp, text, expected):
    doc = nlp(text)
    qs = find_quantities(doc)
    assert qs, text
    q = qs[0]
    assert (q.text, q.min, q.max, q.head) == expected
    assert text[q.start:q.end] == q.text


@pytest.mark.parametrize("text", [
    "The rally was held on 12 March 2019 at 3 pm.",
    "Prices rose by 30 percent in two years.",
    "He paid 500 rupees for the ticket.",
])
def test_numbers_that_do_not_count_people(nlp, text):
    assert find_quantities(nlp(text)) == []


def test_bounds_cues():
    assert bounds(10, None) == (10, 10)
    assert bounds(10, "gt") == (11, None)
    assert bounds(10, "lt") == (None, 9)
    assert bounds(10, "le") == (None, 10)
