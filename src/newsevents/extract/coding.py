"""ACLED's coding rules over the whole report, applied after the events stage has typed each event.

ACLED codes an event by what the report tells as a whole, not by its main verb alone: a
demonstration by its most severe form anywhere in its paragraph, violence by its target and its
weapon, a change of territory by who takes it. Each rule here is a transparent test over the
parse, the actor kinds and small word lists, and says why it changed a type (``Event.rule`` gets
``+acled:<reason>``). The codebook's public definitions are the reference; the word lists are the
project's own.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..errors import DataFileError
from ..extensions import sent_of, sentences
from ..schema import Event
from .events import (ARMED_KINDS, KILL, PERSON_KINDS, EventCandidate, _agent_phrase, _children,
                     _subject, match_trigger, type_names)


@lru_cache(maxsize=None)
def _word_lists() -> dict[str, list[str]]:
    name = "coding_rules.toml"
    try:
        return tomllib.loads(resources.files("newsevents").joinpath(f"data/{name}").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(name, reason=str(exc)) from exc


def _words(key: str) -> list[str]:
    """One word list of ``data/coding_rules.toml``."""
    try:
        return _word_lists()[key]
    except KeyError as exc:
        raise DataFileError("coding_rules.toml", reason=f"the list '{key}' is missing") from exc


# -- ACLED's coding of protests and crowd violence, from the whole report ---------------------
# A demonstration is coded by its most severe form, told anywhere in its paragraph: demonstrators
# who burn tyres, throw stones, vandalise or clash make it a violent demonstration; lethal force,
# live fire or beatings against demonstrators who were not violent are excessive force; arrests,
# tear gas or dispersal by the authorities are an intervention. Crowd violence with no
# demonstration is mob violence. What the demonstrators protest about ("demanding the release of
# those arrested") is not what happened at the demonstration.
PROTEST_FAMILY = {"PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST", "VIOL_DEMONSTR"}
DEMONSTRATION_WORDS = frozenset(_words("demonstration_words"))
# demonstrators' violence (lemmas); stones and the like only when thrown or used
CROWD_VIOLENCE = frozenset(_words("crowd_violence"))
SYMMETRIC = frozenset(_words("symmetric"))  # either side may be named first
THROWN = frozenset(_words("thrown"))
THROW_VERBS = frozenset(_words("throw_verbs"))
BURN_VERBS = frozenset(_words("burn_verbs"))
BURNED_THINGS = frozenset(_words("burned_things"))
PEACEFUL_BURNING = frozenset(_words("peaceful_burning"))
INTERVENTION = frozenset(_words("intervention"))
AUTHORITY_ACTS = frozenset(_words("authority_acts"))
MODIFIER_CUES = frozenset(_words("modifier_cues"))  # cues that modify a noun
EXCESSIVE = frozenset(_words("excessive"))
FORCE_VERBS = frozenset(_words("force_verbs"))
LIVE_FIRE = frozenset(_words("live_fire"))  # "live ammunition", "live rounds", "live bullets"
AUTHORITY_KINDS = {"police", "state_forces", "military", "intelligence"}
UNREALISED = {"planned", "postponed", "cancelled", "negated", "hypothetical"}
ACCUSING = frozenset(_words("accusing"))  # "accusing them of organising the protests"
CLAUSE_EDGES = {"advcl", "conj", "parataxis", "ROOT", "ccomp"}
CAUSE_HEADS = frozenset(_words("cause_heads"))


def _unrealised(doc: Doc, e: Event, head: int) -> bool:
    """An event only planned, called off, denied or imagined has no form to code; a "planned"
    event told in the past tense ("held a demonstration") did take place."""
    if e.claim.status not in UNREALISED:
        return False
    if e.claim.status != "planned":
        return True
    tok = doc[head]
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    return verb.tag_ not in ("VBD",) or any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "has", "have")
                                            for c in verb.children)


def _paragraph(doc: Doc, head: int, before: int = 2, after: int = 4) -> list[Span]:
    """The sentences of the paragraph around token ``head`` (a few before, a few after)."""
    sents = sentences(doc)
    starts = [s.start for s in sents]
    i = starts.index(sent_of(doc[head]).start)

    def joined(k: int) -> bool:  # sentences k and k + 1 are in one paragraph
        return "\n\n" not in doc[sents[k].end - 1:sents[k + 1].start + 1].text_with_ws
    lo = i
    while lo > 0 and i - lo < before and joined(lo - 1):
        lo -= 1
    hi = i
    while hi + 1 < len(sents) and hi - i < after and joined(hi):
        hi += 1
    return sents[lo:hi + 1]


def _negated(tok: Token) -> bool:
    """"no clashes were reported", "without violence", "did not clash"."""
    if any(c.dep_ == "neg" or c.lower_ in ("no", "without") for t in (tok, tok.head) for c in t.children):
        return True
    return any(t.lower_ in ("no", "without", "not") for t in tok.doc[max(0, tok.i - 3):tok.i])


def _about_cause(tok: Token) -> bool:
    """Whether ``tok`` is inside what a demonstration is about: under a word of demanding or
    protesting within its own clause ("demanding the release of those arrested")."""
    if tok.ent_type_ in ("GPE", "LOC", "ORG", "FAC", "PERSON", "EVENT", "WORK_OF_ART", "NORP"):
        return True
    t = tok
    while t.head.i != t.i and t.dep_ not in CLAUSE_EDGES:
        t = t.head
        if t.lemma_.lower() in CAUSE_HEADS or t.lower_ in CAUSE_HEADS:
            return True
    return False


def _actor_kind(doc: Doc, tok: Optional[Token]) -> Optional[str]:
    if tok is None:
        return None
    for m in doc._.actors or []:
        if m.start <= tok.i < m.end:
            return m.kind
    return None


def _doer(tok: Token) -> Optional[Token]:
    """Who does what ``tok`` says: a verb's subject (the by-phrase of a passive), or the
    subject of the verb over a noun."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    subj, passive = _subject(verb)
    return _agent_phrase(verb) if passive else subj


def _object_words(tok: Token) -> set[str]:
    return {c.lemma_.lower() for c in tok.subtree if c.i != tok.i} \
        | ({tok.head.lemma_.lower()} if tok.dep_ in ("acl", "amod") else set())


def protest_cues(doc: Doc, sents: list[Span]) -> dict[str, bool]:
    """Which signs of a demonstration's form the sentences hold."""
    cues = {"demonstration": False, "violence": False, "intervention": False, "excessive": False}
    for sent in sents:
        for tok in sent:
            lemma = tok.lemma_.lower()
            if lemma in DEMONSTRATION_WORDS and not (lemma == "strike" and tok.pos_ == "VERB") \
                    and tok.ent_type_ not in ("DATE", "GPE", "ORG", "PERSON") \
                    and not any(a.lemma_.lower() in ACCUSING for a in tok.ancestors):
                cues["demonstration"] = True
            if _negated(tok) or _about_cause(tok):
                continue
            doer = _actor_kind(doc, _doer(tok))
            authority = doer in AUTHORITY_KINDS
            if lemma in CROWD_VIOLENCE and (not authority or lemma in SYMMETRIC):
                cues["violence"] = True
            elif lemma in THROWN and not authority and any(
                    a.lemma_.lower() in THROW_VERBS or a.lower_ == "with" for a in (tok.head, tok.head.head)):
                cues["violence"] = True
            elif lemma in THROW_VERBS - {"use"} and tok.pos_ == "VERB" and not authority \
                    and _children(tok, "dobj", "nsubjpass"):
                cues["violence"] = True
            elif lemma in BURN_VERBS | {"ablaze", "blaze", "fire"} and not authority:
                things = _object_words(tok) | ({lemma} if lemma in BURNED_THINGS else set())
                if things & BURNED_THINGS and not things & PEACEFUL_BURNING:
                    cues["violence"] = True
            if lemma in INTERVENTION and (tok.dep_ not in ("amod", "compound") or lemma in MODIFIER_CUES) \
                    and tok.dep_ not in ("relcl", "acl") and not (tok.dep_ == "pobj" and tok.pos_ == "NOUN") \
                    and (lemma != "charge" or any(c.lower_ in ("baton", "lathi") for c in tok.children)) \
                    and (lemma != "break" or any(c.lower_ == "up" for c in tok.children)) \
                    and not (lemma == "disperse" and not authority and not _children(tok, "dobj", "nsubjpass")):
                cues["intervention"] = True
            if lemma == "cannon" and any(c.lower_ == "water" for c in tok.children):
                cues["intervention"] = True
            if lemma in AUTHORITY_ACTS and authority and tok.pos_ == "VERB":
                cues["intervention"] = True  # "police removed the activists"
            if lemma in LIVE_FIRE and tok.head.lemma_.lower() in ("ammunition", "round", "bullet", "fire"):
                cues["excessive"] = True
            if lemma in EXCESSIVE and (tok.head.lemma_.lower() in INTERVENTION | FORCE_VERBS | {"force"}
                                       or lemma == "excessive"):
                cues["excessive"] = True
            if lemma in FORCE_VERBS and authority and tok.pos_ == "VERB":
                cues["excessive"] = True
    return cues


ARMED_DOERS = frozenset(_words("armed_doers"))
CROWD_DOERS = frozenset(_words("crowd_doers"))


def _armed_doers(doc: Doc, head: int) -> bool:
    """Whether the subjects of the sentence's verbs name armed men and no crowd: violence by
    them is an attack, not mob violence."""
    doers = [t for t in sent_of(doc[head]) if t.dep_ in ("nsubj", "agent", "pobj") and (
        t.dep_ != "pobj" or t.head.lower_ == "by")]
    words = {t.lemma_.lower() for d in doers for t in d.subtree} | {t.lower_ for d in doers for t in d.subtree}
    return bool(words & ARMED_DOERS) and not words & CROWD_DOERS


def code_protest(doc: Doc, e: Event, head: int) -> Optional[tuple[str, str]]:
    """ACLED's sub-event type for a protest or crowd-violence event told at token ``head``,
    with the reason."""
    if e.type not in PROTEST_FAMILY | {"MOB_VIOL"} or _unrealised(doc, e, head):
        return None  # a rally that was only planned has no form yet
    cues = protest_cues(doc, _paragraph(doc, head))
    if e.type == "FORCE_AGAINST_PROTEST" and not cues["demonstration"]:
        return "ATTACK", "violence_against_civilians_outside_a_protest"
    if e.type == "MOB_VIOL" and _armed_doers(doc, head):
        return "ATTACK", "armed_group_not_a_mob"
    if e.type in ("VIOL_DEMONSTR", "MOB_VIOL"):
        if not cues["demonstration"]:
            return ("MOB_VIOL", "crowd_violence_without_demonstration") if e.type == "VIOL_DEMONSTR" else None
        if e.type == "MOB_VIOL" and not cues["violence"]:
            return None
    if cues["violence"]:
        return "VIOL_DEMONSTR", "demonstrators_violent"
    killed = e.fatalities is not None and (e.fatalities.min or 0) > 0 and cues["intervention"]
    if not cues["demonstration"] and e.type in ("PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST") \
            and (cues["excessive"] or killed):
        return "ATTACK", "violence_against_civilians_outside_a_protest"
    if cues["excessive"] or killed:
        return "FORCE_AGAINST_PROTEST", "excessive_force"
    if cues["intervention"]:
        return "PROTEST_WITH_INTER", "intervention"
    return "PEACE_PROTEST", "no_violence_or_intervention"


# -- ACLED's coding of political violence by who was targeted ----------------------------------
# An attack is one-sided violence against people who cannot fight back (civilians, off-duty
# soldiers and police); an armed clash is organised armed groups fighting each other (an attack
# on a patrol, a base or members of another armed group, a shoot-out). An abduction whose victim
# is killed is coded as the killing; a mob is a crowd, not an armed group.
MUTUAL_FIGHTING = frozenset(_words("mutual_fighting"))
MUTUAL_PHRASES = tuple(_words("mutual_phrases"))
ARMED_TARGETS = frozenset(_words("armed_targets"))
CIVILIAN_TARGETS = frozenset(_words("civilian_targets"))
OFF_DUTY = frozenset(_words("off_duty"))


def _target_words(tok: Token) -> set[str]:
    """Lemmas of what a violent trigger is aimed at: its object, passive subject, or the object
    of "on"/"at"/"against"."""
    heads = _children(tok, "dobj", "nsubjpass")
    for p in _children(tok, "prep"):
        if p.lower_ in ("on", "at", "against", "of"):
            heads += _children(p, "pobj")
    return {t.lemma_.lower() for h in heads for t in h.subtree} | {t.lower_ for h in heads for t in h.subtree}


# ACLED codes violence by its weapon when one is named: explosions and remote violence before
# attacks and clashes, the most specific weapon first
DETAINEE_HARM = frozenset(_words("detainee_harm"))
UNIT_WORDS = frozenset(_words("unit_words"))
WEAPON_ORDER = ["CHEM_WEAP", "SUIC_BOMB", "AIR_STRIKE", "ART_MISS_ATTACK", "GRENADE", "REM_EXPLOS"]


def _mutual(sent: Span) -> bool:
    """Whether the sentence tells of both sides fighting ("clashed", "exchanged fire")."""
    return any(t.lemma_.lower() in MUTUAL_FIGHTING or t.lower_ in MUTUAL_FIGHTING
               for t in sent if not _negated(t)) or any(p in sent.text.lower() for p in MUTUAL_PHRASES)


def _types_named(doc: Doc, sent: Span) -> set[str]:
    """The types of the triggers in the sentence that report something (not negated, not what a
    protest is about, not a unit's name: "artillery unit")."""
    found = set()
    for tok in sent:
        hit = match_trigger(doc, tok)
        if hit and not _negated(tok) and not _about_cause(tok) \
                and not (tok.dep_ == "compound" and tok.head.lemma_.lower() in UNIT_WORDS) \
                and not (hit[0].type in TERRITORY and _takes_people(tok)):
            found.add(hit[0].type)
    return found


CAPTIVES = frozenset(_words("captives"))


def _takes_people(verb: Token) -> bool:
    """"captured a robber": a verb of taking territory used of people (also "were killed or
    captured"); "efforts to take control": a purpose, not a change."""
    if verb.dep_ == "xcomp" or any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return True
    subj, passive = _subject(verb)
    if passive and subj is not None and (subj.ent_type_ == "PERSON" or subj.lemma_.lower() in CAPTIVES):
        return True
    return any(o.ent_type_ == "PERSON" or o.lemma_.lower() in CAPTIVES or o.lower_ in ("others", "two", "three")
               for o in _children(verb, "dobj", "nsubjpass"))


def _weapon_named(doc: Doc, sent: Span) -> Optional[str]:
    """The most specific weapon type a trigger in the sentence names, if any."""
    found = _types_named(doc, sent)
    return next((w for w in WEAPON_ORDER if w in found), None)


def code_violence(doc: Doc, e: Event, c: Optional[EventCandidate]) -> Optional[tuple[str, str]]:
    """ACLED's sub-event type for an attack, a clash, an abduction or mob violence, with the reason."""
    if c is not None and _unrealised(doc, e, c.head):
        return None
    killed = e.fatalities is not None and (e.fatalities.min or 0) > 0
    if e.type == "ABDUCT_DISSAP" and killed:
        return "ATTACK", "abductee_killed"
    agents = c.agents if c is not None else []
    if e.type == "MOB_VIOL" and agents and all(a.kind in ARMED_KINDS | {"unidentified_armed_group"} for a in agents):
        return "ATTACK", "armed_group_not_a_mob"
    if e.type in ("ATTACK", "ARMED_CLASH", "AIR_STRIKE", "ART_MISS_ATTACK") and c is not None \
            and not (e.type == "ARMED_CLASH" and _mutual(sent_of(doc[c.head]))):  # a clash fought with many weapons stays a clash
        weapon = _weapon_named(doc, sent_of(doc[c.head]))
        if weapon is not None and weapon != e.type and (e.type in ("ATTACK", "ARMED_CLASH") or weapon == "CHEM_WEAP"):
            return weapon, "weapon_named"
    if c is not None and e.type in ("ATTACK", "ARREST", "ABDUCT_DISSAP", "ARMED_CLASH"):
        named = _types_named(doc, sent_of(doc[c.head]))
        if "SEX_VIOL" in named and e.type != "ARMED_CLASH":
            return "SEX_VIOL", "sexual_violence_named"
        if e.type == "ARREST" and "ATTACK" in named and any(
                t.lemma_.lower() in DETAINEE_HARM for t in sent_of(doc[c.head]) if not _negated(t)):
            return "ATTACK", "detainee_harmed"
        if e.type == "ABDUCT_DISSAP" and "ATTACK" in named and any(
                t.lemma_.lower() in KILL for t in sent_of(doc[c.head]) if not _negated(t)):
            return "ATTACK", "abductee_killed"
        territory = next((t for t in ("GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER") if t in named), None)
        if territory is not None and e.type == "ARMED_CLASH":
            return territory, "territory_taken_in_the_fighting"
    if e.type not in ("ATTACK", "ARMED_CLASH") or c is None:
        return None
    tok = doc[c.head]
    sent = sent_of(tok)
    words = _target_words(tok)
    mutual = _mutual(sent)
    armed = bool(words & ARMED_TARGETS) or any(t.kind in ARMED_KINDS for t in c.targets)
    civilian = bool(words & CIVILIAN_TARGETS) or any(t.kind in PERSON_KINDS for t in c.targets)
    off_duty = bool(words & OFF_DUTY)
    if e.type == "ATTACK" and (mutual or armed and not civilian and not off_duty):
        return "ARMED_CLASH", "armed_on_both_sides"
    if e.type == "ARMED_CLASH" and not mutual and (civilian and not armed or off_duty):
        return "ATTACK", "civilians_targeted"
    return None


# -- ACLED's coding of territory changes by who takes it ---------------------------------------
# Territory taken by state forces is "government regains territory", by anyone else "non-state
# actor overtakes territory"; taken after the holder withdrew, with no fighting told, it is a
# non-violent transfer.
TERRITORY = {"GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER", "NON_VIOL_TERRIT_TRANSFER"}
STATE_WORDS = frozenset(_words("state_words"))
NON_STATE_WORDS = frozenset(_words("non_state_words"))
WITHDRAWAL = frozenset(_words("withdrawal"))
FIGHT_WORDS = frozenset(_words("fight_words"))


def _taker(doc: Doc, tok: Token) -> str:
    """"state", "non_state" or "" for who does what verb ``tok`` (or the verb over it) says."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    subj, passive = _subject(verb)
    who = _agent_phrase(verb) if passive else subj
    if who is None:
        return ""
    kind = _actor_kind(doc, who)
    head = who.lemma_.lower()
    words = {t.lemma_.lower() for t in who.subtree if t.i <= who.i or t.dep_ in ("amod", "compound")}
    if kind in AUTHORITY_KINDS or head in STATE_WORDS:
        return "state"
    if kind in ("rebels", "militant_group", "unidentified_armed_group") or head in NON_STATE_WORDS:
        return "non_state"
    if words & NON_STATE_WORDS:
        return "non_state"
    if words & STATE_WORDS:
        return "state"
    return ""


def code_territory(doc: Doc, e: Event, head: int) -> Optional[tuple[str, str]]:
    """ACLED's sub-event type for a change of territory told at token ``head``, with the reason."""
    if e.type not in TERRITORY or _unrealised(doc, e, head):
        return None
    tok = doc[head]
    sent = sent_of(tok)
    lemmas = {t.lemma_.lower() for t in sent if not _negated(t)}
    withdrawn = any(t.lemma_.lower() in WITHDRAWAL and (t.lemma_.lower() not in ("hand", "pull") or any(
        c.lower_ in ("over", "out") for c in t.children)) and t.i != tok.i for t in sent)
    if withdrawn and not lemmas & FIGHT_WORDS:
        return "NON_VIOL_TERRIT_TRANSFER", "holder_withdrew"
    taker = _taker(doc, tok)
    if taker == "state":
        return "GOV_REGAINS_TERIT", "taken_by_state_forces"
    if taker == "non_state":
        return "NON_STATE_ACTOR_OVERTAKES_TER", "taken_by_non_state_group"
    return None


def apply_coding_rules(doc: Doc, events: list[Event], cands: dict[str, EventCandidate]) -> None:
    """Apply ACLED's coding rules (``code_protest``, ``code_violence``, ``code_territory``) to
    every event; ``rule`` says which rule changed the type and why."""
    for e in events:
        head = cands[e.id].head if e.id in cands else sentences(doc)[0].root.i
        coded = code_protest(doc, e, head) or code_violence(doc, e, cands.get(e.id)) \
            or code_territory(doc, e, head)
        if coded is not None and coded[0] != e.type:
            e.type, e.type_names = coded[0], type_names(coded[0])
            e.rule = f"{e.rule}+acled:{coded[1]}"
