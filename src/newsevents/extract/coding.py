"""ACLED's coding rules over the whole report, applied after the events stage has typed each event.

ACLED codes an event by what the report tells as a whole, not by its main verb alone: a
demonstration by its most severe form anywhere in its paragraph, violence by its target and its
weapon, a change of territory by who takes it. Each rule here is a transparent test over the
parse, the actor kinds and small word lists, and says why it changed a type (``Event.rule`` gets
``+acled:<reason>``). The codebook's public definitions are the reference; the word lists are the
project's own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from spacy.tokens import Doc, Span, Token

from ..errors import DataFileError
from ..extensions import sent_of, sentences
from ..knowledge import taxonomy, toml
from ..schema import Event
from .classify import MODEL_RULE
from .events import (ARMED_KINDS, KILL, PERSON_KINDS, EventCandidate, _agent_phrase, _children,
                     _subject, match_trigger, model_event, model_sentences, refine_type,
                     type_names)
from .events import VIOLENT as VIOLENT_TYPES


@lru_cache(maxsize=None)
def _word_lists() -> dict[str, list[str]]:
    return toml("coding_rules.toml")


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
SERIOUS_HARM = frozenset(_words("serious_harm"))  # lethal force or force that seriously injures
SEVERE = frozenset(_words("severe"))
AUTHORITY_KINDS = {"police", "state_forces", "military", "intelligence"}
FORCE_NOUNS = frozenset(_words("force_nouns"))  # "police forces", "security personnel"
UNREALISED = {"planned", "postponed", "cancelled", "negated", "hypothetical"}
ACCUSING = frozenset(_words("accusing"))  # "accusing them of organising the protests"
ALLEGING = frozenset(_words("alleging"))
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


CAUSE_OPENERS = frozenset(_words("cause_openers"))


def _demanded_before(noun: Token) -> bool:
    """"demanding justice and the arrest of ...", "against the new laws and the arrest of ...": a
    noun a few words after a word of demanding or opposing, with no verb between (the parse may
    not attach a long list to it)."""
    start = sent_of(noun).start
    for t in reversed(noun.doc[max(start, noun.i - 10):noun.i]):
        if t.lemma_.lower() in CAUSE_OPENERS:
            return True
        if t.pos_ in ("VERB", "AUX"):
            return False
    return False


def _about_cause(tok: Token) -> bool:
    """Whether ``tok`` is inside what a demonstration is about: under a word of demanding or
    protesting within its own clause ("demanding the release of those arrested")."""
    if tok.ent_type_ in ("GPE", "LOC", "ORG", "FAC", "PERSON", "EVENT", "WORK_OF_ART", "NORP"):
        return True
    if tok.pos_ == "NOUN" and _demanded_before(tok):
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


AUTHORITY_PEOPLE = {"policeman", "policemen", "guard", "gendarme"}


def _injured(tok: Token) -> set[str]:
    """Lemmas of who an injury word says was hurt: a verb's passive subject or object, a noun's
    "among"/"to"/"of" object or possessor ("injuries among the marchers")."""
    heads = _acted_on(tok, ("among", "to", "of"), "nsubjpass", "dobj", "poss")
    return {t.lemma_.lower() for h in heads for t in h.subtree}


#: every lemma a cue of violence, intervention or excessive force is keyed on: other words skip
#: the costly checks of negation, cause and doer (a new cue keyed on a lemma goes here too)
BURNING = BURN_VERBS | {"ablaze", "blaze", "fire"}  # "set ablaze", "a blaze", "set fire to"
FORM_CUE_LEMMAS = CROWD_VIOLENCE | THROWN | THROW_VERBS | BURNING | INTERVENTION | {"cannon"} \
    | AUTHORITY_ACTS | LIVE_FIRE | EXCESSIVE | FORCE_VERBS | SERIOUS_HARM


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
            if lemma not in FORM_CUE_LEMMAS:
                continue
            if _negated(tok) or _about_cause(tok) \
                    or any(a.lemma_.lower() in ALLEGING for a in tok.ancestors):
                continue  # "they accused that he was killed by police": what they allege
            who = _doer(tok)
            # "Police forces removed them": the actor's kind, or the words naming it
            authority = _actor_kind(doc, who) in AUTHORITY_KINDS or who is not None and (
                who.lemma_.lower() in STATE_WORDS or who.lemma_.lower() in FORCE_NOUNS and any(
                    c.lemma_.lower() in STATE_WORDS for c in _children(who, "compound", "amod")))
            if lemma in CROWD_VIOLENCE and (not authority or lemma in SYMMETRIC):
                cues["violence"] = True
            elif lemma in THROWN and not authority and any(
                    a.lemma_.lower() in THROW_VERBS or a.lower_ == "with" for a in (tok.head, tok.head.head)):
                cues["violence"] = True
            elif lemma in THROW_VERBS - {"use"} and tok.pos_ == "VERB" and not authority \
                    and _children(tok, "dobj", "nsubjpass"):
                cues["violence"] = True
            elif lemma in BURNING and not authority \
                    and (lemma != "set" or any(t.lower_ in ("fire", "ablaze", "alight", "afire")
                                               for t in doc[tok.i + 1:tok.i + 6])):  # not "set up a camp"
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
            if lemma in SERIOUS_HARM and any(c.lemma_.lower() in SEVERE or c.lower_ in SEVERE
                                             for c in _children(tok, "amod", "advmod")) \
                    and not _injured(tok) & (STATE_WORDS | FORCE_NOUNS | AUTHORITY_PEOPLE):
                cues["excessive"] = True  # "protesters were seriously injured", not "officers were"
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


def _demonstration_act(doc: Doc, head: int) -> bool:
    """Whether the event's own trigger tells a form of demonstration ("blocked the highway",
    "gathered"), which needs no word for demonstration besides it."""
    hit = match_trigger(doc, doc[head])
    return hit is not None and hit[0].type in ("PEACE_PROTEST", "PROTEST_WITH_INTER")


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
    elif cues["violence"] and not cues["demonstration"] and not _demonstration_act(doc, head):
        return "MOB_VIOL", "crowd_violence_without_demonstration"  # "rioters hurled stones at police"
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


def _acted_on(tok: Token, preps: tuple[str, ...], *deps: str) -> list[Token]:
    """The heads of what ``tok`` acts on: its children of relation ``deps`` (its object and
    passive subject by default) and the objects of its prepositions ``preps``."""
    heads = _children(tok, *(deps or ("dobj", "nsubjpass")))
    for p in _children(tok, "prep"):
        if p.lower_ in preps:
            heads += _children(p, "pobj")
    return heads


def _target_words(tok: Token) -> set[str]:
    """Lemmas of what a violent trigger is aimed at: its object, passive subject, or the object
    of "on"/"at"/"against"."""
    heads = _acted_on(tok, ("on", "at", "against", "of"))
    return {t.lemma_.lower() for h in heads for t in h.subtree} | {t.lower_ for h in heads for t in h.subtree}


def _target_heads(tok: Token) -> set[str]:
    """Lemmas of the heads of what a violent trigger is aimed at, with their modifiers ("an army
    position", "militia commander X"), not what is said of them further ("the son of a soldier")."""
    heads = _acted_on(tok, ("on", "at", "against"))
    return {t.lemma_.lower() for h in heads for t in (h, *_children(h, "compound", "amod", "nmod"))}


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
    return _people_taken(verb)


def _people_taken(verb: Token, names: bool = True) -> bool:
    """Whether a verb of taking territory takes people ("captured a robber"); ``names``: whether
    a person's name counts (the statistical NER may take a town for a person)."""
    subj, passive = _subject(verb)
    t = verb
    while subj is None and t.dep_ in ("conj", "advcl") and t.head.pos_ == "VERB":
        t = t.head  # "five militants were killed, injured or captured"
        subj, passive = _subject(t)
    if subj is not None and (passive or subj.dep_ == "nsubjpass") \
            and (names and subj.ent_type_ == "PERSON" or subj.lemma_.lower() in CAPTIVES):
        return True
    # conjoined verbs share their object: "captured and beat up a robber"
    partners = [verb, *(c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB")]
    if verb.dep_ == "conj" and verb.head.pos_ == "VERB":
        partners.append(verb.head)
    return any(names and o.ent_type_ == "PERSON" or o.lemma_.lower() in CAPTIVES
               or o.lower_ in ("others", "two", "three")
               for v in partners for o in _children(v, "dobj", "nsubjpass"))


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
    if e.type in ("REM_EXPLOS", "GRENADE") and c is not None and not killed and _disrupted(doc[c.head]):
        return "DISR_WEAP", "explosive_disrupted"  # "police defused a bomb": no explosion
    if e.type == "REM_EXPLOS" and c is not None:  # "a mortar shell exploded": the explosion's weapon
        weapon = _weapon_named(doc, sent_of(doc[c.head]))
        if weapon is not None and weapon != e.type:
            return weapon, "weapon_named"
    if c is not None and e.type in ("ATTACK", "ARREST", "ABDUCT_DISSAP", "ARMED_CLASH"):
        named = _types_named(doc, sent_of(doc[c.head]))
        if "SEX_VIOL" in named and e.type != "ARMED_CLASH":
            return "SEX_VIOL", "sexual_violence_named"
        if e.type == "ARREST" and "ATTACK" in named and any(
                t.lemma_.lower() in DETAINEE_HARM for t in sent_of(doc[c.head]) if not _negated(t)):
            return "ATTACK", "detainee_harmed"
        if e.type == "ARREST" and _taker(doc, doc[c.head]) == "non_state":
            return "ABDUCT_DISSAP", "detained_by_armed_group"  # only the state arrests
        if e.type == "ABDUCT_DISSAP" and "ATTACK" in named and any(
                t.lemma_.lower() in KILL for t in sent_of(doc[c.head]) if not _negated(t)):
            return "ATTACK", "abductee_killed"
        territory = next((t for t in ("GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER") if t in named), None)
        # a change of territory needs a place whose control changed ("took the camp"), not
        # ground won in the course of the fighting
        if territory is not None and e.type == "ARMED_CLASH" and _place_taken(doc, sent_of(doc[c.head])):
            return territory, "territory_taken_in_the_fighting"
    if e.type not in ("ATTACK", "ARMED_CLASH") or c is None:
        return None
    tok = doc[c.head]
    sent = sent_of(tok)
    words = _target_words(tok)
    mutual = _mutual(sent)
    armed_head = bool(_target_heads(tok) & ARMED_TARGETS)  # "killed militia commander X"
    armed = bool(words & ARMED_TARGETS) or any(t.kind in ARMED_KINDS for t in c.targets)
    civilian = bool(words & CIVILIAN_TARGETS) \
        or not armed_head and any(t.kind in PERSON_KINDS for t in c.targets)
    off_duty = bool(words & OFF_DUTY)
    if e.type == "ATTACK" and not mutual and _crowd_doer(tok):
        return "MOB_VIOL", "crowd_not_an_armed_group"
    if e.type == "ATTACK" and (mutual or armed and not civilian and not off_duty):
        return "ARMED_CLASH", "armed_on_both_sides"
    if e.type == "ARMED_CLASH" and not mutual and (civilian and not armed or off_duty) \
            and not _armed_aimed_after(doc, c.head):
        return "ATTACK", "civilians_targeted"
    return None


ATTACK_VERBS = frozenset(_words("attack_verbs"))


def _armed_aimed_after(doc: Doc, head: int) -> bool:
    """Whether the event's sentence or the next tells its violence aimed at armed men or their
    posts ("they attacked the village and targeted the militia's bases"): a raid on a village
    held by an armed group is fighting, not an attack on civilians."""
    return any(t.i != head and t.lemma_.lower() in ATTACK_VERBS and t.pos_ == "VERB" and not _negated(t)
               and (_target_heads(t) | _target_forms(t)) & ARMED_TARGETS
               for s in _paragraph(doc, head, before=0, after=1) for t in s)


def _target_forms(tok: Token) -> set[str]:
    """The words of what a violent verb aims at as written ("bases", which the lemmatizer may
    read as "basis")."""
    return {h.lower_ for h in _children(tok, "dobj", "nsubjpass")}


# -- ACLED's coding of territory changes by who takes it ---------------------------------------
# Territory taken by state forces is "government regains territory", by anyone else "non-state
# actor overtakes territory"; taken after the holder withdrew, with no fighting told, it is a
# non-violent transfer.
TERRITORY = {"GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER", "NON_VIOL_TERRIT_TRANSFER"}
STATE_WORDS = frozenset(_words("state_words"))
NON_STATE_WORDS = frozenset(_words("non_state_words"))
WITHDRAWAL = frozenset(_words("withdrawal"))
FIGHT_WORDS = frozenset(_words("fight_words"))


UNOPPOSED = frozenset(_words("unopposed"))
RESISTANCE = frozenset(_words("resistance"))


def _unopposed(sent: Span) -> bool:
    """"without confrontation", "without a fight", "met no resistance", "unopposed"."""
    for t in sent:
        lemma = t.lemma_.lower()
        if lemma in UNOPPOSED:
            return True
        if lemma in RESISTANCE and _negated(t):
            return True
    return False


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
    if e.rule == MODEL_RULE and tok.dep_ == "acl":
        return None  # "the town, seized by rebels last year": who held it before, not who took it now
    if _people_taken(tok, names=False):  # people captured are not territory: the fighting, or custody
        if "ARMED_CLASH" in _types_named(doc, sent):
            return "ARMED_CLASH", "people_captured_in_fighting"
        taker = _taker(doc, tok)
        if taker:
            return ("ARREST", "people_captured_by_state_forces") if taker == "state" \
                else ("ABDUCT_DISSAP", "people_captured_by_armed_group")
        return None
    # the withdrawal may be told in the next sentence ("... following the pull-out of the troops")
    told = [t for s in _paragraph(doc, head, before=0, after=1) for t in s]
    lemmas = {t.lemma_.lower() for t in told if not _negated(t)}
    # the holder's act of leaving, not a participle describing things left ("cars lying abandoned")
    withdrawn = any(t.lemma_.lower() in WITHDRAWAL and (t.lemma_.lower() not in ("hand", "pull") or any(
        c.lower_ in ("over", "out") for c in t.children)) and t.i != tok.i
        and t.dep_ not in ("amod", "acl", "oprd", "acomp") for t in told)
    if withdrawn and not lemmas & FIGHT_WORDS:
        return "NON_VIOL_TERRIT_TRANSFER", "holder_withdrew"
    if _unopposed(sent):
        return "NON_VIOL_TERRIT_TRANSFER", "taken_unopposed"
    taker = _taker(doc, tok)
    if taker == "state":
        return "GOV_REGAINS_TERIT", "taken_by_state_forces"
    if taker == "non_state":
        return "NON_STATE_ACTOR_OVERTAKES_TER", "taken_by_non_state_group"
    return None


# -- Looting and property destruction: only outside the context of other violence -------------
# ACLED codes looting and destruction as such only when nothing else violent happened: destruction
# by explosives is coded by the weapon, destruction that goes with violence against people is that
# violence (an attack, or mob violence when a crowd does it), and a crowd's destruction with no
# organised armed group is mob violence (a riot).
HARM_TO_PEOPLE = frozenset(_words("harm_to_people"))
PEOPLE_WORDS = frozenset(_words("people_words"))
GROUP_WORDS = frozenset(_words("group_words"))


def _crowd_doer(tok: Token) -> bool:
    """Whether who does what ``tok`` says is a crowd or an unorganised group of people ("a group
    of men", "residents", "students"), not armed men."""
    who = _doer(tok)
    if who is None:
        return False
    words = {t.lemma_.lower() for t in who.subtree} | {t.lower_ for t in who.subtree}
    group = who.lemma_.lower() in GROUP_WORDS and bool(words & PEOPLE_WORDS)
    return (bool(words & CROWD_DOERS) or group) and not words & ARMED_DOERS


def _aimed_at(doc: Doc, c: EventCandidate) -> set[str]:
    """Lemmas of the heads of what a verb phrase acts on: its object or passive subject (not the
    trigger's own words: "set fire"), or the object of "to"/"on"/"at"/"against"."""
    own = set(range(*c.trigger))
    tok = doc[c.head]
    heads = [h for h in _children(tok, "dobj", "nsubjpass") if h.i not in own]
    for x in (tok, *(h for h in _children(tok, "dobj") if h.i in own)):
        for p in _children(x, "prep"):
            if p.lower_ in ("to", "on", "at", "against"):
                heads += _children(p, "pobj")
    return {h.lemma_.lower() for h in heads} | {h.lower_ for h in heads} \
        | ({"person"} if any(h.ent_type_ == "PERSON" for h in heads) else set())


def code_property(doc: Doc, e: Event, c: Optional[EventCandidate]) -> Optional[tuple[str, str]]:
    """ACLED's sub-event type for looting or destruction told at ``c``, with the reason."""
    if e.type != "PROPERTY_DISTRUCT" or c is None or _unrealised(doc, e, c.head):
        return None
    tok = doc[c.head]
    sent = sent_of(tok)
    weapon = _weapon_named(doc, sent)
    if weapon is not None:
        return weapon, "weapon_named"
    crowd = _crowd_doer(tok)
    if _aimed_at(doc, c) & PEOPLE_WORDS:
        return ("MOB_VIOL" if crowd else "ATTACK"), "people_targeted"  # "set fire to a woman"
    harmed = any(t.lemma_.lower() in HARM_TO_PEOPLE and not _negated(t) and not _about_cause(t)
                 for s in _paragraph(doc, c.head, before=1, after=1) for t in s)
    if harmed:
        return ("MOB_VIOL" if crowd else "ATTACK"), "violence_against_people_told"
    if crowd:
        return "MOB_VIOL", "crowd_destruction"
    return None


# -- Organised crime's violence is political violence ------------------------------------------
# ACLED codes what criminal groups do to people by its form: a shoot-out between gangs is an armed
# clash, a killing by traffickers an attack. Crime is the event only when no violence is told.
def code_crime(doc: Doc, e: Event, c: Optional[EventCandidate]) -> Optional[tuple[str, str]]:
    """The violent type named in an organised-crime event's sentence, with the reason."""
    if e.type != "ORG_CRIME" or c is None or _unrealised(doc, e, c.head):
        return None
    named = _types_named(doc, sent_of(doc[c.head])) & (VIOLENT_TYPES | {"ABDUCT_DISSAP"})
    if not named:
        return None
    hit = match_trigger(doc, doc[c.trigger[0]])
    own = hit[0].type if hit is not None and hit[0].type in named else None
    return own or next(t for t in [*WEAPON_ORDER, "ARMED_CLASH", "ATTACK", "ABDUCT_DISSAP", "MOB_VIOL"]
                       if t in named), "violence_of_organised_crime"


# -- The classifier's type needs the report to name it -------------------------------------------
# The classifier may retype an event whose trigger said something else. For the types ACLED
# defines by a named thing (a weapon, a seizure or defusal, an agreement, an arrest, a claim of
# responsibility, a base, a change of territory...) the event's sentence must name it with a
# trigger of that type told as happening; otherwise the trigger's own type stands. The violence
# and protest families are told apart by context, not words, and keep the classifier's choice.
# Disasters are told by what happened ("an explosion ripped through a warehouse"): one needs only
# that no weapon is named. The three changes of territory are told apart by who takes it, not by
# the verb.
DISASTERS = {"NATURAL_DISASTER", "MAN_MADE_DISASTER"}
TOLD_BY_CONTEXT = PROTEST_FAMILY | {"ATTACK", "ARMED_CLASH", "MOB_VIOL", "OTHER"}
TAKE_VERBS = frozenset(_words("take_verbs"))
PLACES_TAKEN = frozenset(_words("places_taken"))


def _is_place(o: Token) -> bool:
    return o.ent_type_ in ("GPE", "LOC", "FAC") or o.lemma_.lower() in PLACES_TAKEN


def _place_taken(doc: Doc, sent: Span) -> bool:
    """"seized the town", "took the village", "took control of two towns": a verb of taking with
    a place as its object."""
    def objects(t: Token) -> list[Token]:
        found = _children(t, "dobj", "nsubjpass")
        if not any(c.lemma_.lower() == "control" for c in found):
            return found
        return found + [o for x in (t, *found) for p in _children(x, "prep") if p.lower_ == "of"
                        for o in _children(p, "pobj")]  # "of" may hang on the verb or on "control"
    return any(t.lemma_.lower() in TAKE_VERBS and not _negated(t) and any(map(_is_place, objects(t)))
               for t in sent)


AGREEMENT_NOUNS = frozenset(_words("agreement_nouns"))
DISRUPT_VERBS = frozenset(_words("disrupt_verbs"))
WEAPON_NOUNS = frozenset(_words("weapon_nouns"))


def _agreement_told(sent: Span) -> bool:
    """"a prisoner swap", "a ceasefire deal", "peace talks": a noun naming an agreement."""
    return any(t.pos_ == "NOUN" and not _negated(t) and (
        t.lemma_.lower() in AGREEMENT_NOUNS
        or t.lower_ == "talks" and any(c.lower_ == "peace" for c in t.children)) for t in sent)


def _disrupted(tok: Token) -> bool:
    """Whether ``tok`` is inside what a verb of finding, seizing or defusing acts on ("police
    found a device", "explosives were discovered in a car")."""
    for a in tok.ancestors:
        if a.pos_ == "VERB" and a.lemma_.lower() in DISRUPT_VERBS and not _negated(a):
            return any(tok.i in {x.i for x in o.subtree} for o in _children(a, "dobj", "nsubjpass"))
    return False


def _weapons_disrupted(sent: Span) -> bool:
    """A weapon found, seized or defused in the sentence ("troops defused a bomb")."""
    return any(t.lemma_.lower() in WEAPON_NOUNS and _disrupted(t) for t in sent)


def _named_in(doc: Doc, sents: list[Span], type_: str) -> bool:
    if type_ == "AGREEMENT" and any(map(_agreement_told, sents)):
        return True
    if type_ == "DISR_WEAP" and any(map(_weapons_disrupted, sents)):
        return True
    named = set().union(*(_types_named(doc, s) for s in sents))
    if type_ in DISASTERS:  # an exploding shell is no accident; an explosion alone may be one
        return not any(w in named for w in WEAPON_ORDER if w != "REM_EXPLOS")
    if type_ in TERRITORY:
        return bool(named & TERRITORY) or any(_place_taken(doc, s) for s in sents)
    return type_ in named


def code_unnamed_model_type(doc: Doc, e: Event, c: Optional[EventCandidate]) -> Optional[tuple[str, str]]:
    """The trigger's type back for a classifier type the text it read does not name."""
    if c is None or e.rule != MODEL_RULE or e.type in TOLD_BY_CONTEXT:
        return None
    hit = match_trigger(doc, doc[c.trigger[0]])
    # a claim of responsibility told in another sentence is an event of its own
    read = [sent_of(doc[c.head])] if e.type == "ATTRIB" else model_sentences(doc, c.head)
    # a weapon found before use harmed no one: with deaths told, the weapon went off
    harmed = e.fatalities is not None and (e.fatalities.min or 0) > 0
    if hit is None or hit[0].type == e.type or _named_in(doc, read, e.type) \
            and not (e.type == "DISR_WEAP" and harmed):
        return None
    d = hit[0]
    c.type, c.weight, c.rule = d.type, d.weight, f"trigger:{' '.join(d.words)}/{d.pos}"
    e.rule = c.rule
    return refine_type(c, e.fatalities), f"classifier_{e.type.lower()}_not_named"


# -- Which event is the report's main one -----------------------------------------------------
# ACLED codes the event itself, never the talk about it: a claim or denial of responsibility
# told after the event, or a denial that anyone claimed it, gives way to the event. What a
# demonstration is for ("blocked the road to get the killer arrested", "demanding the arrest of")
# did not happen at it: the demonstration is the event.
def _purpose(tok: Token) -> bool:
    """Whether ``tok`` is inside a purpose clause ("to get the killer arrested") or what a
    protest is about."""
    t = tok
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX") and t.dep_ in ("advcl", "xcomp", "acl") \
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
            return True
        if t.head.i == t.i or t.dep_ in ("ROOT", "ccomp", "parataxis"):
            break
        t = t.head
    return _about_cause(tok)


def _first(events: list[Event], pick) -> Optional[Event]:
    return next((x for x in events[1:] if pick(x)), None)


def main_event(doc: Doc, events: list[Event], cands: dict[str, EventCandidate]) -> None:
    """Put the event the report is about first (see above)."""
    if len(events) < 2 or events[0].id not in cands:
        return
    main, c = events[0], cands[events[0].id]
    tok = doc[c.head]
    told = None
    if main.type == "ATTRIB":  # a claim after the lead sentence is about an event told by then
        later = sent_of(tok).start > sentences(doc)[0].start
        earlier = _first(events, lambda x: x.type != "ATTRIB" and not x.background and later
                         and x.sentence.start <= main.sentence.start and x.claim.status not in UNREALISED)
        denied = any(_negated(t) for t in (tok, *(t for t in tok.subtree if t.dep_ == "nsubj")))
        anything = _first(events, lambda x: x.type != "ATTRIB" and not x.background)
        told = earlier or (anything if denied else None)
    elif _purpose(tok):
        told = _first(events, lambda x: x.type in PROTEST_FAMILY and x.sentence.start == main.sentence.start
                      and x.id in cands and not _purpose(doc[cands[x.id].head]))
    if told is not None:
        events.remove(told)
        events.insert(0, told)
        told.rule = f"{told.rule}+acled:main_event"


# -- A report that names its own category ------------------------------------------------------
# Event notes written to ACLED's conventions open strategic developments and some other events
# with a tag naming what kind of development they record ("Looting: On 3 May ...", "Security
# measures: ..."). The tag is the coder's own word on the type, so it decides the main event's
# type over anything a verb suggests. Tags are ACLED's sub-event names (taxonomy.csv) and the
# codebook's words for what each sub-event covers (coding_rules.toml, ``note_tags``).
NOTE_TAG = re.compile(r"\s*([A-Za-z][A-Za-z /&'-]{1,50}?)\s*:\s")


@lru_cache(maxsize=None)
def _note_tags() -> dict[str, str]:
    tags: dict[str, str] = {}
    for code, row in taxonomy().items():  # the first code of a sub-event name is its own (OTHER)
        name = (row.get("acled_sub_event_type") or "").strip().lower()
        if name:
            tags.setdefault(name, code)
    listed = _word_lists().get("note_tags")
    if not isinstance(listed, dict):
        raise DataFileError("coding_rules.toml", reason="the table 'note_tags' is missing")
    for code, names in listed.items():
        if code not in taxonomy():
            raise DataFileError("coding_rules.toml", reason=f"note_tags: unknown type '{code}'")
        tags.update({n.lower(): code for n in names})
    return tags


def note_tag(doc: Doc) -> Optional[str]:
    """The type a report's opening tag names ("Property destruction: On 4 May ..."), if any."""
    m = NOTE_TAG.match(doc[:16].text)
    if m is None:
        return None
    label = " ".join(m.group(1).lower().split())
    tags = _note_tags()
    if label in tags:
        return tags[label]
    parts = {tags.get(p.strip()) for p in re.split(r"/|,| and | & ", label) if p.strip()}
    return parts.pop() if len(parts) == 1 and None not in parts else None  # "Looting and arson"


def code_by_tag(doc: Doc, events: list[Event]) -> None:
    """The main event takes the type the report's tag names: an event of that type already found
    becomes the main one, else the main event is recoded (or, with none, the lead is the event)."""
    code = note_tag(doc)
    if code is None or not len(doc):
        return
    told = next((e for e in events if e.type == code), None)
    if told is not None:
        events.remove(told)
        events.insert(0, told)
        return
    if not events:
        events.append(model_event(doc, code, 1.0))
        events[0].rule = "acled:note_tag"
        return
    main = events[0]
    main.type, main.type_names = code, type_names(code)
    main.rule = f"{main.rule}+acled:note_tag"


def apply_coding_rules(doc: Doc, events: list[Event], cands: dict[str, EventCandidate]) -> None:
    """Apply ACLED's coding rules (``code_protest``, ``code_violence``, ``code_territory``) to
    every event, then let a report's opening tag decide the main event's type (``code_by_tag``);
    ``rule`` says which rule changed the type and why."""
    for e in events:
        head = cands[e.id].head if e.id in cands else sentences(doc)[0].root.i
        c = cands.get(e.id)
        for rule in (code_unnamed_model_type, code_crime, code_property):  # these feed the rules below
            _recode(e, rule(doc, e, c))
        _recode(e, code_protest(doc, e, head) or code_violence(doc, e, c) or code_territory(doc, e, head))
    main_event(doc, events, cands)
    code_by_tag(doc, events)


def _recode(e: Event, coded: Optional[tuple[str, str]]) -> None:
    if coded is not None and coded[0] != e.type:
        e.type, e.type_names = coded[0], type_names(coded[0])
        e.rule = f"{e.rule}+acled:{coded[1]}"
