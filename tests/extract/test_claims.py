"""Stage 8: claim status and source, background events."""

import pytest

from newsevents import extract


def _main(text, date="2021-03-12"):
    events = extract(text, date=date).events
    assert events, text
    return events[0]


@pytest.mark.parametrize("text, status, source", [
    ("Police arrested Bilal Khan on Monday.", "asserted", None),
    ("Police allegedly arrested Bilal Khan on Monday.", "alleged", None),
    ("The party claimed that police arrested Bilal Khan on Monday.", "claimed", "party"),
    ("Human Rights Watch said that soldiers detained Bilal Khan on Monday.", "claimed", "Human Rights Watch"),
    ("Police denied that they arrested Bilal Khan on Monday.", "denied", "Police"),
    ("Police did not arrest Bilal Khan on Monday.", "negated", None),
    ("The union will hold a protest on Friday.", "planned", None),
    ("Teachers held a protest outside the ministry on Tuesday.", "asserted", None),
    ("A protest was staged by nurses in the capital on Tuesday.", "asserted", None),
    ("The protest planned for Friday has been postponed.", "postponed", None),
    ("Organisers called off the march planned for Friday.", "cancelled", None),
])
def test_status_and_source(text, status, source):
    e = _main(text)
    assert e.claim.status == status, (e.type, e.trigger.text, e.claim)
    if source is None:
        assert e.claim.source is None or status in ("planned", "postponed", "cancelled")
    else:
        assert source.lower() in (e.claim.source or "").lower()


def test_report_carries_over_to_next_sentence():
    text = ("Sources close to the family said the activists had received threats. "
            "Those who refused were picked up again.")
    events = extract(text, date="2021-03-12").events
    e = [x for x in events if x.type == "ABDUCT_DISSAP"]
    assert not e or e[0].claim.source  # when found, it is attributed to the sources


def test_background_past_perfect_and_release_that_follows():
    text = ("Police arrested Kareem Yousaf on Monday. Yousaf had been detained by the army two "
            "years ago. He was freed when no charges were brought.")
    events = extract(text, date="2021-03-12").events
    new = [e for e in events if not e.background]
    old = [e for e in events if e.background]
    assert new[0].type == "ARREST" and new[0].date.value == "2021-03-08"
    assert {e.type for e in old} == {"ARREST", "RELEASE"}
    assert events[0].background is False


@pytest.mark.parametrize("text", [
    "No agency has claimed the arrest of the three students.",
    "No group has claimed responsibility for the bombing in the market.",
])
def test_nobody_claims_responsibility(text):
    events = extract(text, date="2021-03-12").events
    attrib = [e for e in events if e.type == "ATTRIB"]
    assert attrib and attrib[0].claim.status == "negated"


def test_claimed_responsibility_has_a_source():
    events = extract("On Sunday the Islamic State claimed responsibility for the ambush.", date="2021-03-12").events
    attrib = [e for e in events if e.type == "ATTRIB"][0]
    assert attrib.claim.status == "claimed" and "Islamic State" in (attrib.claim.source or "")
