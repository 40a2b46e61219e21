"""Stage 6: quantities — counts of people with bounds.

"two workers" → 2..2, "as many as 30" → ..30, "more than 150" → 151.., "over two dozen" → 25..,
"several" → 3..9, "dozens of people" → 24... Number words, vague quantifiers and comparative
cues are knowledge in data/quantities.toml. Each quantity keeps the noun it counts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.attrs import LIKE_NUM, LOWER
from spacy.tokens import Doc, Token

from ..knowledge import actor_terms, toml
from ..schema import Quantity

NON_COUNT_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"}
# nouns that count people even though they are not actor nouns
PEOPLE_WORDS = {"people", "person", "persons", "individual", "individuals", "dead", "injured",
                "wounded", "casualty", "casualties", "body", "bodies", "victim", "victims",
                "detainee", "detainees", "prisoner", "prisoners", "hostage", "hostages",
                "suspect", "suspects", "family", "families", "others", "other", "fatality",
                "fatalities", "death", "deaths", "militia", "militiamen", "gangster", "gangsters"}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    return toml("quantities.toml")


def number_value(tok: Token) -> Optional[int]:
    """The integer a single token means ("30", "1,200", "two", "dozen"), else None."""
    text = tok.lower_.replace(",", "")
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return int(float(text))
    return lexicon()["numbers"].get(text) if tok.lower_ not in ("a", "an") else None


def _number_run(doc: Doc, i: int) -> tuple[int, int, Optional[int]]:
    """The number phrase starting at token i ("two dozen", "two hundred", "1,200"): (start, end, value)."""
    mult = lexicon()["multipliers"]
    value = number_value(doc[i])
    j = i + 1
    while value is not None and j < len(doc):
        w = doc[j].lower_
        if w in mult:
            value *= mult[w]
        elif doc[j].like_num and number_value(doc[j]) is not None and doc[j - 1].lower_ in mult:
            value += number_value(doc[j])
        elif w == "-" and j + 1 < len(doc) and number_value(doc[j + 1]) is not None and doc[j + 1].lower_ not in mult:
            value += number_value(doc[j + 1])
            j += 1
        else:
            break
        j += 1
    return i, j, value


@lru_cache(maxsize=2)
def _phrases(section: str) -> dict[str, list[tuple[list[str], object]]]:
    """First word → (words, value) of a lexicon section's phrases, longest first."""
    out: dict[str, list[tuple[list[str], object]]] = {}
    for phrase, value in lexicon()[section].items():
        words = phrase.split()
        out.setdefault(words[0], []).append((words, value))
    for entries in out.values():
        entries.sort(key=lambda e: -len(e[0]))
    return out


def _phrase_at(doc: Doc, i: int, section: str) -> Optional[tuple[int, object]]:
    for words, value in _phrases(section).get(doc[i].lower_, ()):
        if all(i + k < len(doc) and doc[i + k].lower_ == w for k, w in enumerate(words)):
            return i + len(words), value
    return None


def _cue_at(doc: Doc, i: int) -> tuple[int, Optional[str]]:
    """A comparative cue starting at token i ("as many as", "more than"): (end, kind)."""
    found = _phrase_at(doc, i, "cues")
    return found if found else (i, None)


def _is_number(tok: Token) -> bool:
    """A counting number: digits or a number word ("a"/"an" only count inside a phrase)."""
    if tok.lower_ in ("a", "an"):
        return False
    if tok.lower_ == "one" and tok.dep_ != "nummod":
        return False
    return (tok.like_num or tok.lower_ in lexicon()["numbers"]) and number_value(tok) is not None


def bounds(value: int, cue: Optional[str]) -> tuple[Optional[int], Optional[int]]:
    return {
        None: (value, value), "approx": (value, value), "gt": (value + 1, None),
        "ge": (value, None), "le": (None, value), "approx_le": (None, value),
        "lt": (None, value - 1),
    }.get(cue, (value, value))


def counted_noun(tok: Token) -> Optional[Token]:
    """The noun a number counts: its head ("30 workers"), or "150 of its activists"."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = [c for c in child.children if c.dep_ == "pobj"]
            if pobj:
                return pobj[0]
    if tok.dep_ in ("nummod", "amod", "quantmod", "det") and tok.head.pos_ in ("NOUN", "PROPN"):
        return tok.head
    if tok.head.dep_ in ("nummod", "quantmod") and tok.head.head.pos_ == "NOUN":
        return tok.head.head
    return None


def _nominal_head(tok: Token) -> Token:
    """"party workers" → workers."""
    while tok.dep_ == "compound" and tok.head.i > tok.i:
        tok = tok.head
    return tok


def _counted_after(doc: Doc, last: Token, end: int) -> Optional[Token]:
    """The noun counted by a quantity phrase ending with ``last`` (exclusive ``end``)."""
    if last.lower_ == "of":
        pobj = [c for c in last.children if c.dep_ == "pobj"]
        if pobj:
            return pobj[0]
    noun = counted_noun(last)
    if noun is None and end < len(doc) and doc[end].lower_ == "of":
        noun = counted_noun(last) or next((c for c in doc[end].children if c.dep_ == "pobj"), None)
    if noun is None and end < len(doc) and doc[end].pos_ in ("NOUN", "ADJ"):
        noun = _nominal_head(doc[end])
    return noun


#: participles a bare count of people stands before ("nine injured", "three dead")
PEOPLE_PARTICIPLES = {"injured", "wounded", "hurt", "dead", "killed", "arrested", "detained",
                      "abducted", "kidnapped", "missing", "displaced", "rescued", "released"}


def _before_participle(tok: Token) -> bool:
    return tok.like_num and tok.dep_ in ("npadvmod", "nsubj", "nsubjpass") \
        and tok.head.lower_ in PEOPLE_PARTICIPLES and tok.head.i == tok.i + 1


def is_people_noun(tok: Optional[Token]) -> bool:
    if tok is None:
        return False
    lemma = tok.lemma_.lower()
    return lemma in actor_terms() or tok.lower_ in actor_terms() or lemma in PEOPLE_WORDS \
        or tok.lower_ in PEOPLE_WORDS or tok.ent_type_ == "NORP"


def _vague_at(doc: Doc, i: int) -> Optional[tuple[int, int, int, int]]:
    """A vague quantifier starting at token i: (start, end, min, max)."""
    found = _phrase_at(doc, i, "vague")
    if not found:
        return None
    end, (lo, hi) = found
    return i, end, lo, hi


@lru_cache(maxsize=4)
def _first_words(vocab) -> frozenset:
    """Hashes (LOWER) of the words a quantity can start with: cue and vague phrases' first
    words and number words."""
    words = {*_phrases("cues"), *_phrases("vague"), *lexicon()["numbers"]}
    return frozenset(vocab.strings.add(w) for w in words)


def _starts(doc: Doc) -> list[int]:
    """Tokens where a quantity may start, found on the doc's arrays without making a Token
    object per position (most tokens of an article start nothing)."""
    if not len(doc):
        return []
    firsts = _first_words(doc.vocab)
    rows = doc.to_array([LOWER, LIKE_NUM]).tolist()
    return [i for i, (lower, like_num) in enumerate(rows) if like_num or lower in firsts]


def find_quantities(doc: Doc) -> list[Quantity]:
    """Counts of people in the doc, sorted by position."""
    out: list[Quantity] = []
    end_of_last = 0
    for i in _starts(doc):
        if i < end_of_last:
            continue
        found = None
        cue_end, cue = _cue_at(doc, i)
        n = cue_end if cue else i
        if n < len(doc) and doc[n].ent_type_ not in NON_COUNT_ENTS and _is_number(doc[n]):
            start, end, value = _number_run(doc, n)
            if value is not None:
                lo, hi = bounds(value, cue)
                found = (i, end, lo, hi, doc[end - 1])
        if found is None:
            vague = _vague_at(doc, i)
            if vague:
                s, e, lo, hi = vague
                found = (s, e, lo, hi or None, doc[e - 1])
        if found is None:
            continue
        start, end, lo, hi, last = found
        noun = _counted_after(doc, last, end)
        if noun is None and _before_participle(last):  # "two dead and at least nine injured"
            noun = last
        if noun is last or is_people_noun(noun):
            span = doc[start:end]
            out.append(Quantity(text=span.text, start=span.start_char, end=span.end_char, min=lo,
                                max=hi, head=noun.text, head_i=noun.i))
        end_of_last = end
    return out


@Language.factory("newsevents_quantities")
def make_quantities(nlp: Language, name: str):
    def quantities_component(doc: Doc) -> Doc:
        doc._.quantities = find_quantities(doc)
        return doc
    return quantities_component
