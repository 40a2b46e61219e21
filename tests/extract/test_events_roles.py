"""Who did it to whom, end to end on invented reports: learned arguments, ACLED actors,
coreference, one record per happening, counts and claim scope."""

from .test_events import _events as _events_on, _one


def _events(text):
    return _events_on(text, date="2024-05-14")


def test_fire_at_positions_has_agent_and_target():
    e = _events("Government troops fired mortar rounds at rebel trenches outside Kismayo on Sunday.")[0]
    assert [a.text for a in e.agents] == ["Government troops"]
    assert [t.text for t in e.targets] == ["rebel trenches"]
    assert e.acled.inter1 == 1 and e.acled.inter2 == 2


def test_arrest_by_soldiers_targets_the_detained():
    e = _one(_events("Nigerian soldiers detained about 40 villagers in Borno State on Monday."), "ARREST")
    assert [t.text for t in e.targets] == ["about 40 villagers"]
    assert e.acled.actor1 == "Military Forces of Nigeria"
    assert e.acled.actor2 == "Civilians (Nigeria)"


def test_demonstrators_are_the_agents_of_their_protest():
    e = _one(_events("Some 300 nurses demonstrated outside the health ministry in Nairobi."), "PEACE_PROTEST")
    assert [a.text for a in e.agents] == ["Some 300 nurses"]
    assert e.acled.actor1 == "Protesters (Kenya)"


def test_both_parties_to_an_agreement_are_agents():
    e = _events("Ghana and Togo have signed a new border security accord.")[0]
    assert {a.text for a in e.agents} == {"Ghana", "Togo"}


def test_a_clash_between_two_named_sides():
    e = _events("Heavy fighting broke out between the army and the rebels near the border town on Friday.")[0]
    assert e.type == "ARMED_CLASH"
    assert [a.text.removeprefix("the ") for a in e.agents] == ["army"]
    assert [t.text.removeprefix("the ") for t in e.targets] == ["rebels"]


def test_one_grenade_attack_is_one_event_with_its_dead_and_injured():
    events = _events("KARACHI: Unknown attackers hurled a grenade at a tea stall in Lyari on Tuesday, "
                     "injuring at least nine people. The attackers fled on a motorcycle towards Mauripur. "
                     "Police said the grenade attack left two people dead.")
    grenade = [e for e in events if e.type == "GRENADE"]
    assert len(grenade) == 1
    assert grenade[0].injuries.min == 9 and grenade[0].fatalities.min == 2


def test_injuries_never_copy_the_death_count():
    e = _events("Gunmen opened fire on a wedding party in Zamfara on Saturday. The attack left two "
                "people dead and at least nine injured, police said.")[0]
    assert (e.fatalities.min, e.injuries.min) == (2, 9)


def test_a_pronoun_agrees_in_gender_with_its_antecedent():
    e = _one(_events("QUETTA: Nadia Baloch said her brother had been at home when plainclothes men "
                     "arrived. The men had taken him away in a white car, she said."), "ABDUCT_DISSAP")
    assert [t.text for t in e.targets] == ["her brother"]


def test_a_denial_governs_only_its_own_clause():
    events = _events("A police spokesman denied that the students had been beaten and said they had "
                     "been arrested for blocking the road.")
    assert _one(events, "ARREST").claim.status == "claimed"
    assert _one(events, "ATTACK").claim.status == "denied"


def test_men_driven_away_are_abducted_and_those_who_return_released():
    events = _events("Twelve labourers went missing on Friday after unidentified men stopped their bus, "
                     "forced them out of the vehicles and drove them away. On Sunday nine of them "
                     "returned to their homes.")
    abduction = _one(events, "ABDUCT_DISSAP")
    assert [a.text for a in abduction.agents] == ["unidentified men"]
    assert [t.text for t in abduction.targets] == ["Twelve labourers"]
    assert _one(events, "RELEASE").targets


def test_a_spouse_tells_the_gender_a_pronoun_needs():
    e = _one(_events("The families of Omar Farid and Lina Haddad say both are missing. Farid's wife said "
                     "masked men had taken him away from the market on Monday."), "ABDUCT_DISSAP")
    assert e.targets and e.targets[0].text.endswith("Farid")  # him: not Lina Haddad
