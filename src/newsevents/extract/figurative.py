"""Stage 7: figurative, sporting and business uses of event words ("ended a 50-year title
drought", "stocks crashed", "captured the title"), read from ``data/figurative.toml``.

``events.is_reportable`` skips a trigger that ``figurative`` finds used in such a sense: news
streams mix sport and business with politics, and an event word there is read in its literal
sense only when the text supports it. The rules look at the trigger's parse (``figurative_frame``)
and its sentence; the word lists and rules are data, with the file's header describing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from spacy.tokens import Token

from ..errors import DataFileError
from ..extensions import sent_of
from ..knowledge import toml

if TYPE_CHECKING:
    from .events import TriggerDef


@dataclass(frozen=True)
class FigurativeRule:
    """One rule of ``data/figurative.toml``: where in a trigger's parse which words give it a
    figurative sense (``relations``: place → lemmas), or a sport word in its sentence."""

    triggers: frozenset[str]  # "phrase" or "phrase/POS"
    relations: tuple[tuple[str, frozenset[str]], ...]
    sentence: frozenset[str]  # nouns of which one in the sentence is enough
    unless: frozenset[str]


FIGURATIVE_PLACES = ("subject", "object", "object_modifier", "prep", "modifier", "head")


@lru_cache(maxsize=1)
def _table() -> dict:
    """``data/figurative.toml``, read once."""
    return toml("figurative.toml")


@lru_cache(maxsize=1)
def figurative_rules() -> tuple[frozenset[str], frozenset[str], frozenset[str], tuple[FigurativeRule, ...]]:
    """(literal words, crowd nouns, sport nouns, rules) of ``data/figurative.toml``."""
    try:
        data = _table()
        sport = frozenset(data["sport"]["words"])
        rules = tuple(FigurativeRule(
            triggers=frozenset(r["triggers"]),
            relations=tuple((k, frozenset(r[k])) for k in FIGURATIVE_PLACES if k in r),
            sentence=sport if r.get("sentence") is True else frozenset(r.get("sentence") or ()),
            unless=frozenset(r.get("unless", ())))
            for r in data["rule"])
        return (frozenset(data["literal"]["words"]), frozenset(data["literal"]["crowds"]), sport, rules)
    except (KeyError, TypeError) as exc:
        raise DataFileError("figurative.toml", reason=f"missing or malformed: {exc}") from exc


def _lemmas(toks: Iterable[Token], *deps: str) -> set[str]:
    """The lemmas of ``toks`` and, when ``deps`` are given, of their children with those relations."""
    out = set()
    for t in toks:
        out.add(t.lemma_.lower())
        out.update(c.lemma_.lower() for c in t.children if c.dep_ in deps)
    return out


def _of_phrase(tok: Token) -> list[Token]:
    return [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
            for g in c.children if g.dep_ == "pobj"]


def figurative_frame(tok: Token) -> dict[str, set[str]]:
    """The words around trigger ``tok`` that the rules of ``figurative.toml`` look at, by place
    (see the file's header): its subject, object, prepositional objects, modifiers and head."""
    kids = list(tok.children)
    subj = [c for c in kids if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj and tok.dep_ in ("conj", "xcomp") and tok.pos_ in ("VERB", "AUX"):
        subj = [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    obj = [c for c in kids if c.dep_ in ("dobj", "attr", "oprd", "dative")]
    if tok.pos_ in ("NOUN", "PROPN"):
        subj += [c for c in kids if c.dep_ == "poss"] + _of_phrase(tok)
        if tok.dep_ in ("dobj", "attr", "oprd"):  # "prices staged a rally", "the tie was a massacre"
            subj += [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    subj += [g for s in subj for g in _of_phrase(s)]  # "a number of people", "shares of the firm"
    obj += [g for o in obj for g in _of_phrase(o)]
    holders = [tok, *obj, *(c for c in kids if c.dep_ == "prt")]
    preps = [g for h in holders for c in h.children if c.dep_ in ("prep", "agent", "dative")
             for g in c.children if g.dep_ == "pobj"]
    head = [tok.head] if tok.head.i != tok.i else []
    if tok.dep_ == "pobj" and tok.head.head.i != tok.head.i:  # "won by a landslide"
        head.append(tok.head.head)
    mods = [c for c in kids if c.dep_ in ("compound", "amod", "nmod", "poss", "npadvmod", "nummod")] \
        if tok.pos_ in ("NOUN", "PROPN") else []
    return {"subject": _lemmas(subj), "object": _lemmas(obj, "poss"),
            "object_modifier": {m.lemma_.lower() for o in obj for m in o.children
                                if m.dep_ in ("compound", "amod", "nmod")},
            "prep": _lemmas(preps, "compound", "poss"), "modifier": _lemmas(mods),
            "head": _lemmas(head)}


@lru_cache(maxsize=None)
def _rules_for(words: tuple[str, ...], pos: str) -> tuple[FigurativeRule, ...]:
    """The rules of ``figurative.toml`` for a trigger's words and part of speech."""
    phrase = " ".join(words).replace(" - ", "-")
    return tuple(r for r in figurative_rules()[3] if phrase in r.triggers or f"{phrase}/{pos}" in r.triggers)


def figurative(tok: Token, d: TriggerDef) -> bool:
    """Trigger ``tok`` used in a figurative, sporting or business sense ("ended a 50-year title
    drought", "stocks crashed", "captured the title", "won by a landslide"): a rule of
    ``data/figurative.toml`` for the trigger matches its parse, or the sentence speaks of a game,
    and nothing in the sentence tells of a real event (harm, weapons, armed forces, a crowd as
    the trigger's subject, object or prepositional object, or anywhere when only the sentence's
    sport words speak for the figurative sense, a rule's own ``unless`` words). News streams mix
    sport and business with politics; an event word there is read in its literal sense only when
    the text supports it."""
    rules = _rules_for(d.words, d.pos)
    if not rules:
        return False
    literal, crowds, _, _ = figurative_rules()
    sent = sent_of(tok)
    own = set(d.words)  # the trigger's own words ("threw a bomb") are no sign of a real event
    words = {t.lemma_.lower() for t in sent} | {t.lower_ for t in sent}
    words -= own
    frame = figurative_frame(tok)
    if words & literal or (frame["subject"] | frame["object"] | frame["prep"]) & crowds:
        return False
    nouns = {t.lemma_.lower() for t in sent if t.pos_ in ("NOUN", "PROPN") and t.i != tok.i}
    for r in rules:
        if words & r.unless:
            continue
        if any(frame[place] & lemmas for place, lemmas in r.relations):
            return True
        if nouns & r.sentence and not words & crowds:  # "rival supporters clashed after the match"
            return True
    return False


@lru_cache(maxsize=1)
def lead_confidence() -> float:
    """The confidence given to a report typed OTHER because its lead is figurative
    (``events.figurative_lead``): the measured share of such leads that are no political event,
    from ``[lead]`` of data/figurative.toml, where its provenance is."""
    try:
        value = _table()["lead"]["confidence"]
    except (KeyError, TypeError) as exc:
        raise DataFileError("figurative.toml", reason=f"missing or malformed: {exc}") from exc
    if not isinstance(value, (int, float)) or not 0 < value < 1:
        raise DataFileError("figurative.toml", reason="[lead] confidence must be a number between 0 and 1")
    return float(value)
