"""ACLED's coding rules of extract/coding.py: a report's opening tag, looting and destruction,
crowds, territory, the classifier's unnamed types and which event is the main one (sentences
written for these tests)."""

import pytest

from newsevents import extract
from newsevents.extract.coding import note_tag
from newsevents.nlp import get_pipeline


def _main(text, date="2022-05-09"):
    res = extract(text, date=date)
    assert res.events, "every report here tells an event"
    return res.events[0]


@pytest.mark.parametrize("text, type_", [
    ("Looting: On 3 May 2022, armed men took goods from shops in the market town.", "PROPERTY_DISTRUCT"),
    ("Property destruction: On 3 May 2022, unknown persons burned a school in the village.",
     "PROPERTY_DISTRUCT"),
    ("Security measures: On 2 May 2022, the army imposed a night curfew on the district.",
     "CHANGE_TO_GROUP_ACT"),
    ("Movement of forces: On 2 May 2022, the army sent two battalions to the border town.",
     "CHANGE_TO_GROUP_ACT"),
    ("Defusal: On 2 May 2022, police found and defused a bomb under a bridge near the town.", "DISR_WEAP"),
    ("Weapons seizure: On 2 May 2022, soldiers found rifles and ammunition in a house.", "DISR_WEAP"),
    ("Displacement: On 2 May 2022, about 300 families fled their villages to the district town.", "OTHER"),
    ("Non-violent activity: On 2 May 2022, militants held a meeting with elders in the village.", "OTHER"),
    # ACLED's own sub-event names are tags too
    ("Agreement: On 2 May 2022, the two armed groups signed a truce in the capital.", "AGREEMENT"),
])
def test_opening_tag_decides_the_main_event(text, type_):
    e = _main(text)
    assert e.type == type_


def test_tag_says_it_decided():
    e = _main("Displacement: On 2 May 2022, about 300 families left the village after the fighting.")
    assert e.type == "OTHER" and "note_tag" in e.rule


@pytest.mark.parametrize("text, type_", [
    ("Looting and arson: On 3 May 2022, gunmen emptied the shops.", "PROPERTY_DISTRUCT"),
    ("Update: On 3 May 2022, police arrested two men.", None),  # not a category
    ("On 3 May 2022, police arrested two men: both were released.", None),  # no opening tag
])
def test_note_tag(text, type_):
    assert note_tag(get_pipeline()(text)) == type_


@pytest.mark.parametrize("text, type_", [
    # destruction by a crowd is mob violence; with violence against people it is that violence
    ("On 3 May 2022, residents damaged and looted the house of a man suspected of theft.", "MOB_VIOL"),
    ("On 3 May 2022, two men set fire to a woman in the market.", "ATTACK"),
    ("On 3 May 2022, militiamen wounded two civilians. They burned ten houses and looted cattle.", "ATTACK"),
    # an organised group's looting with nothing else told stays looting
    ("On 3 May 2022, soldiers looted shops in the town.", "PROPERTY_DISTRUCT"),
])
def test_looting_outside_other_violence(text, type_):
    assert _main(text).type == type_


@pytest.mark.parametrize("text, type_", [
    ("On 3 May 2022, a group of men assaulted two foreign students outside a bar.", "MOB_VIOL"),
    ("On 3 May 2022, a group of armed men attacked a family in the village.", "ATTACK"),
    ("On 3 May 2022, gunmen killed militia commander John Smith in a camp near the town.", "ARMED_CLASH"),
    ("On 4 June 2022, youths hurled stones at police officers near the old market.", "MOB_VIOL"),
    ("On 4 June 2022, rioters barricaded roads with burning tyres over power cuts.", "VIOL_DEMONSTR"),
])
def test_crowds_and_armed_groups(text, type_):
    assert _main(text).type == type_


def test_setting_up_tents_is_not_arson():
    e = _main("On 4 June 2022, nurses staged a demonstration for higher pay. At night, about 30 of "
              "them set up tents outside the ministry offices.")
    assert e.type == "PEACE_PROTEST"


@pytest.mark.parametrize("text, type_", [
    ("On 3 June 2022, rebels took control of the village without any confrontation with the army.",
     "NON_VIOL_TERRIT_TRANSFER"),
    ("On 3 June 2022, 5 rebels were killed, injured or captured during the clashes with the army in "
     "the hills.", "ARMED_CLASH"),
    ("On 3 June 2022, soldiers captured two rebel commanders near the border.", "ARREST"),
])
def test_territory(text, type_):
    assert _main(text).type == type_


@pytest.mark.parametrize("text, type_", [
    ("On 3 May 2022, rebels hurled two bombs at an army patrol in the town.", "GRENADE"),
    ("On 3 May 2022, fighters bombed the district office.", "REM_EXPLOS"),
    ("On 4 May 2022, ten militants surrendered to the police with their weapons.", "AGREEMENT"),
])
def test_codebook_triggers(text, type_):
    assert _main(text).type == type_


def test_claim_after_the_event_gives_way_to_it():
    events = extract("On 5 May 2022, gunmen shot dead a trader in the town. The Front later claimed "
                     "responsibility for the attack.", date="2022-05-09").events
    assert events[0].type == "ATTACK"
    assert any(e.type == "ATTRIB" for e in events)


def test_denied_claim_is_not_the_main_event():
    e = _main("On 5 May 2022, armed men shot dead a trader in the town. No group has claimed "
              "responsibility for the attack.")
    assert e.type == "ATTACK"


def test_what_a_demonstration_demands_is_not_the_event():
    e = _main("On 5 May 2022, hundreds of villagers blocked the highway to get the killer of a boy arrested.")
    assert e.type == "PEACE_PROTEST"


def test_gang_violence_is_political_violence():
    e = _main("On 5 May 2022, a shoot-out between rival drug trafficking gangs left two dead in the "
              "port city.")
    assert e.type == "ARMED_CLASH"


def test_only_the_state_arrests():
    assert _main("On 5 January 2022, militants detained two teachers in the village.").type == "ABDUCT_DISSAP"
    assert _main("On 5 January 2022, police arrested two teachers in the village.").type == "ARREST"


def test_intervention_by_forces_named_by_what_they_serve():
    e = _main("On 26 April 2022, around 200 activists blocked traffic in the capital demanding lower fuel "
              "taxes. Later, police forces removed the activists from the road.")
    assert e.type == "PROTEST_WITH_INTER"


def test_arrests_a_protest_is_against_are_not_an_intervention():
    e = _main("On 5 January 2022, farmers staged a protest in the town against the new laws, low crop "
              "prices and the arrest of three union leaders.")
    assert e.type == "PEACE_PROTEST"


def test_what_demonstrators_allege_is_not_what_happened_at_the_demonstration():
    e = _main("On 18 May 2022, relatives of a man who died in custody held a protest in the city. They "
              "accused that he was killed by police officers.")
    assert e.type == "PEACE_PROTEST"
