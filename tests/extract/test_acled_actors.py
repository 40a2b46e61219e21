"""ACLED's actor conventions (extract/acled_actors.py) on hand-built events: no model needed."""

import pytest

from newsevents.errors import DataFileError
from newsevents.extract import acled_actors
from newsevents.schema import Actor, Count, Event, Span


def _event(type_, agents=(), targets=(), fatalities=None, injuries=None):
    return Event(id="e", type=type_, trigger=Span(), sentence=Span(),
                 agents=[Actor(text=t, kind=k) for t, k in agents],
                 targets=[Actor(text=t, kind=k) for t, k in targets],
                 fatalities=Count(min=fatalities) if fatalities else None,
                 injuries=Count(min=injuries) if injuries else None)


def test_attack_without_named_perpetrator_is_an_unidentified_armed_group_against_civilians():
    a = acled_actors.code_event(_event("ATTACK", targets=[("two shopkeepers", "traders")]), "Kenya")
    assert (a.actor1, a.inter1) == ("Unidentified Armed Group (Kenya)", 3)
    assert (a.actor2, a.inter2) == ("Civilians (Kenya)", 7)
    assert a.assoc_actor_2 == "Traders (Kenya)"
    assert a.interaction == 37 and a.civilian_targeting


def test_civilian_targets_keep_their_affiliation_as_associated_actor():
    e = _event("ABDUCT_DISSAP", agents=[("plainclothes men", "unidentified_armed_group")])
    e.targets = [Actor(text="Rafiq", kind="person", affiliation="Workers Front")]
    a = acled_actors.code_event(e, "Pakistan")
    assert a.actor2 == "Civilians (Pakistan)" and a.assoc_actor_2 == "Workers Front"


def test_state_perpetrator_is_named_after_its_kind():
    a = acled_actors.code_event(_event("ATTACK", agents=[("the soldiers", "military")]), "Mali")
    assert (a.actor1, a.inter1) == ("Military Forces of Mali", 1)
    assert a.interaction == 17


def test_battle_fills_the_missing_side_with_the_other_kind_of_armed_actor():
    a = acled_actors.code_event(_event("ARMED_CLASH", agents=[("the army", "military")]), "Chad")
    assert a.inter1 == 1 and a.inter2 == 3
    b = acled_actors.code_event(_event("ARMED_CLASH", agents=[("rebels", "rebels")]), "Chad")
    assert b.inter1 == 2 and (b.actor2, b.inter2) == ("Military Forces of Chad", 1)


def test_government_retaking_ground_is_actor1_even_when_told_second():
    e = _event("GOV_REGAINS_TERIT", agents=[("the rebels", "rebels")], targets=[("troops", "military")])
    a = acled_actors.code_event(e, "Sudan")
    assert a.inter1 == 1 and a.inter2 == 2


def test_shelling_names_civilians_only_when_people_were_harmed():
    quiet = acled_actors.code_event(_event("ART_MISS_ATTACK", agents=[("forces", "military")],
                                           targets=[("the village", "civilians")]), "Syria")
    assert (quiet.actor2, quiet.inter2, quiet.interaction) == ("", 0, 1)
    harmed = acled_actors.code_event(_event("ART_MISS_ATTACK", agents=[("forces", "military")],
                                            targets=[("the village", "civilians")], injuries=3), "Syria")
    assert harmed.inter2 == 7
    armed = acled_actors.code_event(_event("ART_MISS_ATTACK", agents=[("forces", "military")],
                                           targets=[("rebel positions", "rebels")]), "Syria")
    assert armed.inter2 == 2


def test_arrest_is_made_by_the_police_unless_another_force_is_named():
    a = acled_actors.code_event(_event("ARREST", targets=[("three students", "students")]), "Nepal")
    assert (a.actor1, a.inter1, a.inter2) == ("Police Forces of Nepal", 1, 7)
    b = acled_actors.code_event(_event("ARREST", agents=[("the army", "military")],
                                       targets=[("two fighters", "rebels")]), "Nepal")
    assert (b.actor1, b.inter2) == ("Military Forces of Nepal", 2)


def test_protest_actor1_is_the_protesters_and_excessive_force_reverses_it():
    p = acled_actors.code_event(_event("PEACE_PROTEST", agents=[("teachers", "civilians")]), "Peru")
    assert (p.actor1, p.inter1, p.inter2) == ("Protesters (Peru)", 6, 0)
    f = acled_actors.code_event(_event("FORCE_AGAINST_PROTEST", agents=[("police", "police")],
                                       targets=[("marchers", "protesters")]), "Peru")
    assert (f.actor1, f.actor2, f.interaction) == ("Police Forces of Peru", "Protesters (Peru)", 16)


def test_types_outside_acled_have_no_coding():
    assert acled_actors.code_event(_event("NATURAL_DISASTER"), "Peru") is None


def test_unknown_country_is_international():
    a = acled_actors.code_event(_event("ATTACK"), "")
    assert a.actor1 == "Unidentified Armed Group (International)"


def test_the_conventions_file_is_checked(monkeypatch):
    acled_actors.conventions.cache_clear()
    monkeypatch.setattr(acled_actors, "toml", lambda name: {"inter": {"police": 11}, "names": {},
                                                             "associated": {}, "types": {}})
    with pytest.raises(DataFileError):
        acled_actors.conventions()
    acled_actors.conventions.cache_clear()
