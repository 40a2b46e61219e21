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
    ("On 3 June 2022, four fighters were killed, wounded or captured in fighting with troops in "
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


def _doc(text):
    return get_pipeline()(text)


def test_serious_injuries_of_demonstrators_are_excessive_force():
    from newsevents.extract.coding import protest_cues
    doc = _doc("Several marchers were seriously injured when police broke up the peaceful rally.")
    assert protest_cues(doc, list(doc.sents))["excessive"]
    doc = _doc("Police dispersed the rally with tear gas, and two officers were seriously injured.")
    assert not protest_cues(doc, list(doc.sents))["excessive"]  # the authority's own injured
    doc = _doc("Police dispersed the rally with tear gas and detained four marchers.")
    cues = protest_cues(doc, list(doc.sents))
    assert cues["intervention"] and not cues["excessive"]


def test_things_left_abandoned_are_no_withdrawal():
    e = _main("On 3 June 2022, government troops recaptured the town and found shops looted and cars "
              "lying abandoned in the streets.")
    assert e.type == "GOV_REGAINS_TERIT"


def test_explosives_found_before_use_are_disrupted_weapons():
    assert _main("On 3 June 2022, soldiers found and destroyed a roadside bomb near the village.").type \
        == "DISR_WEAP"
    assert _main("On 3 June 2022, a roadside bomb exploded near an army truck, killing three soldiers.").type \
        == "REM_EXPLOS"


def test_agreements_and_disruptions_named_by_the_codebook():
    from newsevents.extract.coding import _agreement_told, _weapons_disrupted
    assert _agreement_told(next(_doc("The two sides carried out a prisoner swap on Monday.").sents))
    assert _agreement_told(next(_doc("The rebels opened peace talks with the government.").sents))
    assert not _agreement_told(next(_doc("The ministers held talks on trade in the capital.").sents))
    assert _weapons_disrupted(next(_doc("Bags holding what looked like bombs were discovered at the station.").sents))
    assert not _weapons_disrupted(next(_doc("A bomb exploded at the station.").sents))


def test_a_change_of_territory_needs_a_place():
    from newsevents.extract.coding import _place_taken
    for text, taken in [("The army regained the district from the rebels.", True),
                        ("The rebels took control of three villages.", True),
                        ("Soldiers clashed with insurgents and pushed them back a few kilometres.", False)]:
        doc = _doc(text)
        assert _place_taken(doc, next(doc.sents)) is taken


def test_a_raid_on_militia_bases_is_fighting():
    from newsevents.extract.coding import _armed_aimed_after
    doc = _doc("Fighters attacked a village near the border and targeted the bases of a local militia there.")
    assert _armed_aimed_after(doc, 1)
    doc = _doc("Gunmen attacked a village near the border and burned several huts.")
    assert not _armed_aimed_after(doc, 1)


def test_a_trigger_told_as_the_cause_is_not_the_event():
    from newsevents.extract.events import told_as_cause
    doc = _doc("About 3,000 people have fled their homes because of rebel attacks in the north.")
    assert told_as_cause(next(t for t in doc if t.lower_ == "attacks"))
    doc = _doc("Rebel attacks in the north killed ten people.")
    assert not told_as_cause(next(t for t in doc if t.lower_ == "attacks"))


def test_a_withdrawal_told_in_the_next_sentence_makes_the_transfer_non_violent():
    e = _main("On 3 June 2022, militants seized control of the border crossing. They took it over after "
              "the withdrawal of government troops from the area.")
    assert e.type == "NON_VIOL_TERRIT_TRANSFER"
