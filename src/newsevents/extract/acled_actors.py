"""ACLED's actor coding of an event: actor1/actor2 with their associated actors, interaction codes,
interaction and civilian targeting (``Event.acled``), following ACLED's codebook conventions.

The events stage finds who acted and who was acted on; ACLED's coding adds what its definitions
imply and the text often leaves unsaid, each convention a line of ``data/acled_actors.toml``:
violence against civilians has civilians as actor2 by definition and, when no perpetrator is
named, an "Unidentified Armed Group"; a battle has armed actors on both sides; an arrest is made
by the state's police unless another force is named; a demonstration's actor1 is the protesters.
Actors are named as ACLED names generic actors ("Military Forces of Russia" for "Russian forces",
"Civilians (Pakistan)"), their country taken from a demonym in the actor's words, else the
event's place, else the article's main place.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from spacy.tokens import Doc

from ..knowledge import taxonomy, toml
from ..schema import AcledActors, Actor, Event

STATE, ARMED, CIVILIAN, NONE = {1, 8}, {2, 3, 4}, {7}, 0
STATE_KINDS = {"state_forces", "police", "military", "intelligence", "government", "foreign_government"}


@lru_cache(maxsize=1)
def conventions() -> dict:
    """data/acled_actors.toml, checked: known kinds, valid codes, known conventions."""
    from ..errors import DataFileError

    data = toml("acled_actors.toml")
    for table in ("inter", "names", "associated", "types"):
        if not isinstance(data.get(table), dict):
            raise DataFileError("acled_actors.toml", reason=f"missing table [{table}]")
    bad = {k: v for k, v in data["inter"].items() if v not in range(1, 9)}
    known = {"civilian_target", "battle", "remote", "arrest", "crowd", "against_crowd", "property", "as_found"}
    bad |= {k: v for k, v in data["types"].items() if v not in known or k not in taxonomy()}
    if bad:
        raise DataFileError("acled_actors.toml", reason=f"invalid entries: {bad}")
    return data


def inter_of(actor: Actor) -> int:
    """The actor's interaction code; a foreign state's forces are state forces (1) too."""
    code = conventions()["inter"].get(actor.kind, 0)
    if actor.kind == "foreign_government" and _state_kind(actor) != actor.kind:
        return 1
    return code


def _is_state(a: Actor) -> bool:
    return inter_of(a) == 1 or (inter_of(a) == 8 and a.kind == "foreign_government")


def _country_of(doc: Optional[Doc], actor: Actor, default: str) -> str:
    """The country of a demonym or country name inside the actor's words, else ``default``."""
    if doc is None or actor.start is None:
        return default
    for pm in doc._.places or []:
        if pm.start is None or not pm.country or not (actor.start <= pm.start and pm.end <= actor.end):
            continue
        if pm.kind == "demonym" or pm.precision == "country":
            return pm.country
    return default


POLICE_WORDS = ("police", "policemen", "policeman", "constabulary", "gendarm", "coast guard", "border guard")
FORCE_WORDS = ("force", "troop", "army", "soldier", "military", "navy", "air force", "airforce", "marine",
               "battalion", "brigade", "artillery", "warplane", "jet", "drone", "gunboat")


def _state_kind(a: Actor) -> str:
    """A state actor's kind by its words: "Turkish troops" is military whatever kind was guessed."""
    words = (a.text or a.name or "").lower()
    if any(w in words for w in POLICE_WORDS):
        return "police"
    if any(w in words for w in FORCE_WORDS):
        return "military"
    return a.kind


def _name(doc: Optional[Doc], a: Actor, country: str) -> str:
    """ACLED's generic name for the actor's kind, else its own (canonical) name."""
    kind = _state_kind(a) if a.kind in STATE_KINDS else a.kind
    pattern = conventions()["names"].get(kind)
    if pattern and not (a.kind == "government" and a.name):
        return pattern.format(country=_country_of(doc, a, country) or "International")
    return a.name or a.text or ""


def _civilians(doc: Optional[Doc], targets: list[Actor], country: str) -> tuple[str, list[str]]:
    """"Civilians (C)" and the associated groups and affiliations the targets name."""
    assoc = []
    for t in targets:
        group = conventions()["associated"].get(t.kind)
        if group:
            assoc.append(group.format(country=_country_of(doc, t, country) or country or "International"))
        if t.affiliation:
            assoc.append(t.affiliation)
    return f"Civilians ({country or 'International'})", list(dict.fromkeys(assoc))


def _side(doc: Optional[Doc], actors: list[Actor], country: str) -> tuple[str, list[str], int]:
    named = [a for a in actors if inter_of(a)]
    if not named:
        return "", [], NONE
    first = named[0]
    rest = list(dict.fromkeys(_name(doc, a, country) for a in named[1:]))
    name = _name(doc, first, country)
    return name, [r for r in rest if r != name], inter_of(first)


def _same_words(a: list[Actor], b: list[Actor]) -> bool:
    return bool(a and b) and (a[0].text or "").lower() == (b[0].text or "").lower()


def _own_name(a: Actor) -> str:
    """The name a named group gives itself: its proper-noun words ("DPR positions" → "DPR")."""
    words = [w for w in (a.name or a.text or "").split() if w[:1].isupper() and w.lower() not in ("the",)]
    return " ".join(words)


def _harmed(e: Event) -> bool:
    return bool((e.fatalities and (e.fatalities.min or e.fatalities.max))
                or (e.injuries and (e.injuries.min or e.injuries.max)))


def _generic(kind: str, where: str) -> tuple[str, list[str], int]:
    """The side ACLED names after a kind alone ("Police Forces of Kenya", inter 1)."""
    return conventions()["names"][kind].format(country=where), [], conventions()["inter"][kind]


def _state_side(doc: Optional[Doc], actors: list[Actor], country: str, where: str) -> tuple[str, list[str], int]:
    """The state actors among ``actors``, else the state's police."""
    state = [a for a in actors if _is_state(a)]
    return _side(doc, state, country) if state else _generic("police", where)


def _not_itself(side1: tuple, side2: tuple, armed_agents: list[Actor], armed_targets: list[Actor],
                unidentified: tuple) -> tuple:
    """A state's forces do not fight themselves: when both sides come out as the same state's
    forces from different words, the other side is a group the kind guess took for them ("DPR
    positions", "the Karen National Liberation Army")."""
    if side2[0] == side1[0] and side1[2] == side2[2] == 1 and armed_targets \
            and not _same_words(armed_agents, armed_targets):
        return _own_name(armed_targets[0]) or unidentified[0], [], 2
    return side2


def code_event(e: Event, country: str, doc: Optional[Doc] = None) -> Optional[AcledActors]:
    """ACLED's actors of ``e`` (None for types outside ACLED's scope); ``country`` is the event's."""
    names = taxonomy().get(e.type, {})
    if not names.get("acled_event_type"):
        return None
    convention = conventions()["types"].get(e.type, "as_found")
    where = country or "International"
    unidentified = _generic("unidentified_armed_group", where)
    agents = [a for a in e.agents if inter_of(a)]
    targets = [t for t in e.targets if inter_of(t)]  # one group on both sides: "between rival gangs"
    armed_agents = [a for a in agents if inter_of(a) in STATE | ARMED]
    armed_targets = [t for t in targets if inter_of(t) in STATE | ARMED]
    side1, side2 = _side(doc, agents, country), _side(doc, targets, country)
    civilians = (*_civilians(doc, targets, country), 7)
    if convention in ("civilian_target", "property", "remote", "battle"):
        side1 = _side(doc, armed_agents, country) if armed_agents else unidentified
    if convention == "civilian_target":
        side2 = civilians
    elif convention == "property":
        side2 = _side(doc, armed_targets, country) if armed_targets else civilians
    elif convention == "remote":
        if armed_targets:
            side2 = _side(doc, armed_targets, country)
        else:
            side2 = civilians if _harmed(e) else ("", [], NONE)
        side2 = _not_itself(side1, side2, armed_agents, armed_targets, unidentified)
    elif convention == "battle":
        if armed_targets:
            side2 = _side(doc, armed_targets, country)
        else:
            side2 = unidentified if side1[2] == 1 else _generic("military", where)
        side2 = _not_itself(side1, side2, armed_agents, armed_targets, unidentified)
        if e.type == "GOV_REGAINS_TERIT" and side1[2] != 1 and side2[2] == 1:
            side1, side2 = side2, side1
    elif convention == "arrest":
        side1 = _state_side(doc, agents, country, where)
        if not armed_targets:
            side2 = civilians
    elif convention == "crowd":
        crowd = _generic("rioters" if e.type in ("VIOL_DEMONSTR", "MOB_VIOL") else "protesters", where)
        side1 = (crowd[0], [n for n in (_name(doc, a, country) for a in agents if inter_of(a) not in (5, 6)) if n],
                 crowd[2])
        others = [t for t in targets if inter_of(t) not in (5, 6)]
        if e.type == "PROTEST_WITH_INTER":
            side2 = _state_side(doc, [*e.agents, *e.targets], country, where)
        else:
            side2 = _side(doc, others, country) if others else ("", [], NONE)
    elif convention == "against_crowd":
        side1 = _state_side(doc, [*e.agents, *e.targets], country, where)
        side2 = _generic("protesters", where)
    (a1, as1, i1), (a2, as2, i2) = side1, side2
    interaction = int("".join(str(c) for c in sorted(x for x in (i1, i2) if x)) or 0)
    violent = names.get("acled_event_type") in ("Battles", "Explosions/Remote violence",
                                                "Violence against civilians", "Riots")
    return AcledActors(actor1=a1, assoc_actor_1="; ".join(as1), inter1=i1, actor2=a2,
                       assoc_actor_2="; ".join(as2), inter2=i2, interaction=interaction,
                       civilian_targeting=violent and i2 == 7)


def code_events(doc: Doc, events: list[Event], article_country: Optional[str]) -> None:
    """Set ``acled`` on every event of the doc."""
    for e in events:
        country = (e.location.country if e.location and e.location.country else None) or article_country or ""
        e.acled = code_event(e, country, doc)


def code_contract(event: dict) -> Optional[AcledActors]:
    """ACLED's actors of a stored event in its contract form (``store.export``): the same
    conventions, the country from the event's place."""
    from ..schema import Count, Span

    def actors(key: str) -> list[Actor]:
        fields = set(Actor.model_fields)
        return [Actor(**{k: v for k, v in a.items() if k in fields}) for a in event.get(key) or []]

    def count(key: str) -> Optional[Count]:
        c = event.get(key)
        return Count(min=c.get("min"), max=c.get("max")) if isinstance(c, dict) else None

    e = Event(id=str(event.get("id") or ""), type=event["type"], trigger=Span(), sentence=Span(),
              agents=actors("agents"), targets=actors("targets"),
              fatalities=count("fatalities"), injuries=count("injuries"))
    return code_event(e, (event.get("location") or {}).get("country") or "")
