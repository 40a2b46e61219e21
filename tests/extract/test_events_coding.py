"""ACLED's coding rules over the whole report, and how the rules and the classifier combine
(sentences written for these tests)."""

import pytest

from newsevents import extract
from newsevents.extract import events as ev
from newsevents.extract.classify import MODEL_RULE


def _main(text, date="2021-03-12"):
    res = extract(text, date=date)
    assert res.events, "every report here tells an event"
    return res.events[0]


@pytest.mark.parametrize("text, type_", [
    # a demonstration is coded by its most severe form, wherever in the paragraph it is told
    ("Hundreds of nurses demonstrated outside the health ministry on Monday to demand back pay.",
     "PEACE_PROTEST"),
    ("Hundreds of nurses demonstrated outside the health ministry on Monday to demand back pay. "
     "Police later dispersed them with tear gas.", "PROTEST_WITH_INTER"),
    ("Hundreds of nurses demonstrated outside the health ministry on Monday to demand back pay. "
     "Some of them burned tyres and threw stones at the gate.", "VIOL_DEMONSTR"),
    ("Hundreds of nurses demonstrated outside the health ministry on Monday to demand back pay. "
     "Soldiers fired live ammunition into the crowd.", "FORCE_AGAINST_PROTEST"),
    # what a protest is about is not what happened at it
    ("Relatives of the detained men protested in the town square on Monday, demanding the release "
     "of those arrested last month.", "PEACE_PROTEST"),
    # crowd violence with no demonstration is mob violence
    ("A crowd of villagers beat a suspected cattle thief on Sunday.", "MOB_VIOL"),
])
def test_protest_family_by_its_most_severe_form(text, type_):
    assert _main(text).type == type_


def test_planned_rally_is_not_coded_by_what_happened_around_it():
    events = extract("The opposition will hold a rally on Friday, its leader said. "
                     "Police arrested four of its workers on Monday.", date="2021-03-12").events
    rally = [x for x in events if x.claim.status == "planned"]
    assert rally and all(x.type == "PEACE_PROTEST" for x in rally)


def test_coded_event_says_which_rule_changed_it():
    e = _main("Hundreds of nurses demonstrated outside the health ministry on Monday. "
              "Some of them smashed the windows of the building.")
    assert e.type == "VIOL_DEMONSTR"
    assert "+acled:demonstrators_violent" in e.rule


@pytest.mark.parametrize("text, type_", [
    ("Militants attacked an army checkpoint on the highway on Tuesday.", "ARMED_CLASH"),
    ("Gunmen shot dead three farmers in their fields on Tuesday.", "ATTACK"),
    ("Two armed gangs fought a shoot-out in the market on Tuesday, leaving one man dead.",
     "ARMED_CLASH"),
    # the weapon decides when one is named
    ("Two civilians were killed in a grenade attack on a shop on Tuesday.", "GRENADE"),
    ("Three villagers were killed in an airstrike on the market on Tuesday.", "AIR_STRIKE"),
    # an abduction whose victim is killed is coded as the killing
    ("Gunmen abducted a trader on Tuesday and killed him the same night.", "ATTACK"),
])
def test_violence_by_target_and_weapon(text, type_):
    assert _main(text).type == type_


@pytest.mark.parametrize("text, type_", [
    ("Government troops recaptured the town of Amsel from the rebels on Tuesday.", "GOV_REGAINS_TERIT"),
    ("Rebel fighters recaptured the town of Amsel from the army on Tuesday.",
     "NON_STATE_ACTOR_OVERTAKES_TER"),
    ("Rebel fighters took control of the town of Amsel on Tuesday after the army withdrew from it.",
     "NON_VIOL_TERRIT_TRANSFER"),
])
def test_territory_by_who_takes_it(text, type_):
    assert _main(text).type == type_


def test_combined_type_keeps_a_reliable_trigger_against_a_close_model():
    ranked = [("ATTACK", 0.55), ("ARMED_CLASH", 0.40), ("OTHER", 0.05)]
    assert ev.combined_type("ARMED_CLASH", 0.9, ranked)[0] == "ARMED_CLASH"


def test_combined_type_follows_a_sure_model_over_a_weak_trigger():
    ranked = [("DIPLO", 0.95), ("ARREST", 0.03), ("OTHER", 0.02)]
    assert ev.combined_type("ARREST", 0.5, ranked)[0] == "DIPLO"


def test_report_without_trigger_is_typed_by_the_model():
    e = _main("The two governments restored full diplomatic relations and will reopen their "
              "embassies next month.")
    assert e.rule.startswith(MODEL_RULE)
    assert 0.0 < e.confidence <= 1.0


def test_labelled_note_takes_its_opening_date():
    e = _main("Looting: On 3 March 2021, armed men looted shops in the market of Dabo.",
              date="2021-03-12")
    assert e.date.value == "2021-03-03"


def test_fatalities_told_after_the_harm_sentence_count():
    e = _main("On 3 March 2021, two armed gangs fought a shoot-out in the market of Dabo. "
              "Two gang members were killed. 2 fatalities.", date="2021-03-12")
    assert e.fatalities is not None and e.fatalities.min == 2


def test_demanded_arrest_is_not_an_arrest():
    events = extract("Hundreds of villagers marched to the district office on Monday, demanding the "
                     "arrest of the men who had set fire to their crops.", date="2021-03-12").events
    assert events[0].type in ("PEACE_PROTEST",)
    assert not [e for e in events if e.type == "ARREST" and e.trigger.text == "arrest"]


def test_torture_in_custody_is_an_attack():
    e = _main("Police officers detained and tortured a student activist at the station on Monday.")
    assert e.type == "ATTACK"
    assert "+acled:detainee_harmed" in e.rule


def test_held_demonstration_is_coded_even_if_read_as_planned():
    e = _main("Members of the youth wing held a demonstration in the city centre on Monday. "
              "Some of them clashed with police officers at the end of the march.")
    assert e.type == "VIOL_DEMONSTR"
