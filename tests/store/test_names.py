"""Names across spellings and transliterations."""

import pytest

from newsevents.store.link import full_name, same_organization
from newsevents.store.names import is_full_name, name_key, name_similarity


@pytest.mark.parametrize("a, b", [
    ("Hamid ul Hassan", "Hameed-ul-Hassan"),
    ("Sathi Ishaq", "Saathi Ishaq"),
    ("Muhammad Qureshi", "Mohammed Kureshi"),
    ("Mr. Imran Khan", "Imran Khan"),
    ("Hamid-ud-Din Shah", "Hamid ul Din Shah"),
])
def test_same_person_same_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [
    ("Hassan Ali", "Hussain Ali"),
    ("Imran Qureshi", "Kamran Qureshi"),
])
def test_different_people_different_keys(a, b):
    assert name_key(a) != name_key(b)
    assert name_similarity(a, b) < 88


@pytest.mark.parametrize("a, b", [("Farhan Hashmi", "Farhan Hashimi"), ("Hamid Hassan", "Hamid ul Hassan")])
def test_close_spellings_are_similar(a, b):
    assert name_similarity(a, b) >= 88


def test_lone_surname_is_not_a_full_name():
    assert not is_full_name("Hassan")
    assert is_full_name("Hamid Hassan")


@pytest.mark.parametrize("text, word, expected", [
    ("organiser Hameed-ul-Hassan in Lahore", "Hassan", "Hameed-ul-Hassan"),
    ("arrested Hamid-ul-Hasan, an organiser", "Hamid", "Hamid-ul-Hasan"),
    ("a well-known Hamid said", "Hamid", "Hamid"),
])
def test_full_name_widens_over_hyphen_joined_parts(text, word, expected):
    start = text.index(word)
    assert full_name(text, start, start + len(word), word) == expected


@pytest.mark.parametrize("a, b, same", [
    ("MQM-London", "MQM-L", True),
    ("Awami Rights Party", "Awami Rights Party", True),
    ("Awami Rights Party", "People's Front", False),
    (None, "People's Front", False),
])
def test_same_organization(a, b, same):
    assert same_organization(a, b) is same
