"""Stage 4: find the places an article names and resolve them in the gazetteer.

Candidates are the model's GPE/LOC/FAC entities; names before a place noun ("Korangi area",
"Orangi Town"); names after a preposition that the model took for a person or organisation, or
did not tag ("in Liaquatabd"), when the gazetteer knows them; names listed before a plural place
noun ("Clay and Grant counties"); the place an unknown organisation, facility, event or
office is named after ("Shreveport" in "Shreveport Police Department", "Kentucky" in
"University of Kentucky", "Tulsa" in "Tulsa Mayor Ann Lee" or "Tulsa Regional Airport", but no
street: "Wichita Street"); each place of a hyphenated pair ("Dallas-Fort Worth"); a town before
a noun for its people ("a Tulsa man", "Salem police"); a legislator's home town ("R-Tulsa",
"DFL-Duluth") and a dateline in capitals inside the text ("SPRINGFIELD, Ill. —", "March 3,
2010 CANTON --"); a bare county name where the text says it is a place ("D-Monongalia"); other
proper names the gazetteer knows well (a smaller town of the article's country when the name
is part of a longer name). A name that is the surname of a person named in the article ("Clark
said"), whatever the model's label, is that person unless the words around it say it is a place
("in Clark"); so is the small town a close spelling of a person's name or the subject of a verb
of speaking would be ("Altom said"), and a person's first name alone, or a province inside a
longer name, is a place only of a country the article otherwise names. Nothing inside the
name of an organisation of the lexicon ("MQM-London") is a place.
Demonyms ("Pakistani", "American" of "(the) American Electric Power", "Ohioans") are reported
apart, with kind "demonym", resolved to their country (or province); the dateline with kind
"dateline".

A name followed by the regions it lies in ("Alexandria, Louisiana", "Seyhan (Adana)") is
narrowed to the places inside them, and those regions to the ones containing it; a bracketed
region (or a name that can only be a province) that holds no place of the name leaves the name
out. A list of names ("Michigan, Oregon, Utah and Washington") is no such chain: where most of
its names are provinces (or countries), each is taken as one. A designator chooses the kind
("Washington state", "the province of Quebec"). Each name is then resolved to the
gazetteer place that best fits the article: its population and kind, the dateline's country and
province, the regions and countries the article names, the countries its other places lie in
(those that are reported, each by the share of its candidates in them) and how near they are,
whether a district holds a town the article names ("Lebanon and Laclede County"), whether the
name is the place's own (abbreviations spelled out: "St." is "Saint") or only another name of
it ("Vienne" is a French town, not Vienna), and whether the name matched exactly or only by
spelling. A misspelling, and a bare direction or common word ("East", "Northern", "Capital"),
is kept only as a place of a country the article otherwise names.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import doc_text, per_doc
from ..gazetteer import Candidate, Gazetteer, get_gazetteer, normalise
from ..knowledge import organization_index, tsv
from ..schema import PlaceMention

PLACE_LABELS = {"GPE", "LOC", "FAC"}
NAME_LABELS = {"PERSON", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT"}
FUZZY_MIN_LENGTH = 5
FUZZY_MIN_SCORE = 88.0
#: a bare proper name is reported as a place if its best match ranks at least this high
#: (log10 population + 1 for the place's own name: 5 ≈ 10,000 people, 7 ≈ 1 million)
WEAK_MIN_PRIOR_HOME = 5.0
WEAK_MIN_PRIOR = 7.0
#: the same for a name that is part of an organisation's name or a name the model took for a
#: person's (≈ 1,000 people), in the article's main country
RELAXED_MIN_PRIOR = 4.0
_POSSESSIVE = re.compile(r"(?:'s|’s|')$")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


@lru_cache(maxsize=1)
def place_words() -> dict[str, set[str]]:
    """role → words, from data/place_words.tsv (roles: noun, preposition)."""
    out: dict[str, set[str]] = {}
    for word, role in tsv("place_words.tsv", 2):
        out.setdefault(role, set()).add(word)
    return out


@dataclass
class _Mention:
    """A stretch of text that may name a place, and the places it may name."""

    start: int  # character offsets
    end: int
    text: str
    key: str  # the name looked up
    strong: bool  # the text itself says it is a place (entity label, place noun, preposition)
    fuzzy_ok: bool
    candidates: list[tuple[Candidate, float]] = field(default_factory=list)  # (place, match 0..1)
    relaxed: bool = False  # part of a name ("Byesville" of "Byesville Fire Company"): a smaller
    # place of the article's country is enough
    resident: bool = False  # followed by a noun for its people ("a Rockford man", "Salem police")
    #: the words around the name say it is a place, whatever the model's label: a place
    #: preposition before it, a place noun or list after it, a region or designator with it
    cued: bool = False
    part: bool = False  # a strict part of a longer entity ("Byesville" of "Byesville Fire Company")
    #: each candidate with its softmax share (``_resolve``), the likeliest first
    shares: list[tuple[Candidate, float]] = field(default_factory=list)

    @property
    def fuzzy(self) -> bool:
        """Whether the candidates are close spellings, none spelled as written (exact matches
        have match 1.0, close ones less; a name has one sort or the other)."""
        return bool(self.candidates) and self.candidates[0][1] < 1.0

    @property
    def best(self) -> Optional[Candidate]:
        """The chosen place (None before ``_resolve``)."""
        return self.shares[0][0] if self.shares else None

    @property
    def score(self) -> float:
        """The chosen place's share, rounded."""
        return round(self.shares[0][1], 3) if self.shares else 0.0


def _clean(text: str) -> str:
    """The name inside an entity's text: no leading "the", possessive or edge punctuation."""
    text = _EDGE.sub("", _POSSESSIVE.sub("", text.strip()))
    return text[4:] if text.lower().startswith("the ") else text


def _is_org_alias(text: str) -> bool:
    return normalise(text) in _org_keys()


@lru_cache(maxsize=1)
def _org_keys() -> frozenset[str]:
    keys = set()
    for name, org in organization_index().items():
        keys.update(normalise(n) for n in (name, *org.get("aliases", [])))
    return frozenset(keys)


def _capitalised(span: Span) -> bool:
    return any(t.text[:1].isupper() for t in span) and span[0].text[:1].isupper()


def _after_preposition(doc: Doc, i: int) -> bool:
    """Whether the word before token ``i`` is a place preposition ("in", "near")."""
    return i > 0 and doc[i - 1].lower_ in place_words().get("preposition", set())


def _blocked(doc: Doc, ents: tuple[Span, ...], dateline: Optional[tuple[int, int]]) -> set[int]:
    """Token indices that cannot be part of a place: organisations and the dateline. An
    organisation entity that runs across a bracket or comma is places the model ran together
    ("Eastville (Rio Verde"), no organisation: it blocks nothing."""
    out = {i for e in ents if e.label_ == "ORG" and not any(t.text in _CUTS for t in e)
           for i in range(e.start, e.end)}
    if dateline:
        span = doc.char_span(dateline[0], dateline[1], alignment_mode="expand")
        if span is not None:
            out.update(range(span.start, span.end))
    return out


_CUTS = ("(", ")", ",", "[", "]")


def _entity_parts(doc: Doc, ents: tuple[Span, ...]) -> list[Span]:
    """The model's entities, those that run across a bracket or comma cut there ("Eibar (Basque
    Country" → "Eibar", "Basque Country"), each part keeping the entity's label."""
    out = []
    for ent in ents:
        cuts = [t.i for t in ent if t.text in _CUTS]
        if not cuts:
            out.append(ent)
            continue
        start = ent.start
        for i in [*cuts, ent.end]:
            if i > start:
                out.append(Span(doc, start, i, label=ent.label_, span_id=ent.ent_id))
            start = i + 1
    return out


def person_surnames(doc: Doc) -> frozenset[str]:
    """Last words of the people's full names in the article ("Jackson" of "Peter Jackson"):
    such a word alone is the person again, though many surnames are towns too."""
    return per_doc(doc, "newsevents_surnames", len(doc), lambda: frozenset(
        e[-1].lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) > 1))


def _entity_spans(doc: Doc, ents: tuple[Span, ...], blocked: set[int],
                  relaxed: set) -> list[tuple[Span, bool, bool]]:
    """(span, strong, fuzzy_ok) for place entities, and for person/organisation names after a
    preposition ("in Liaquatabd") or elsewhere (relaxed: kept only if the gazetteer is sure)."""
    surnames = person_surnames(doc)
    bodies = place_words().get("body", set())
    out = []
    for ent in _entity_parts(doc, ents):
        if len(ent) == 1 and ent[0].lower_ in bodies:
            continue  # "to Congress": the institution, not the town of that name
        if ent.label_ in PLACE_LABELS and not blocked.intersection(range(ent.start, ent.end)):
            out.append((ent, True, True))
        elif ent.label_ in NAME_LABELS and ent.label_ != "ORG" or (
                ent.label_ == "ORG" and not ent.ent_id_ and not _is_org_alias(ent.text)):
            after_prep = _after_preposition(doc, ent.start)
            if not after_prep and ent.label_ == "PERSON" and ent.text.lower() in surnames:
                continue  # "Clark said" after "Jane Clark": the person again
            out.append((ent, after_prep, after_prep))
            if not after_prep:
                relaxed.add((ent.start, ent.end))
    return out


@lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    """Every word of place_words.tsv: "City", "University", "Junior" alone are no place."""
    return frozenset(w for words in place_words().values() for w in words)


def _leading_place(span: Span, gazetteer: Gazetteer) -> Optional[tuple[Span, Optional[str]]]:
    """The longest leading run (up to four words, "the" and a qualifier such as "Western" left
    out) of a longer name that the gazetteer knows, and the role of the word after it:
    "institution" ("Shreveport" + "Police" in "Shreveport Police Department"), "facility"
    ("Salem" + "High" in "Salem High School") or None ("Pennsylvania" in "Western Pennsylvania
    Kennel Association"). A street named after a place ("Wichita Street") or a generic word
    ("City" of "City Hall") is none."""
    words = place_words()
    first = 1 if span[0].lower_ == "the" else 0
    if len(span) > first + 2 and span[first].lower_ in words.get("qualifier", set()):
        first += 1
    for end in range(min(len(span) - 1, first + 4), first, -1):
        head = span[first:end]
        if not _capitalised(head) or head[-1].text in ("-", "&") or head[-1].lower_ in ("of", "and"):
            continue
        if len(head) == 1 and head[0].lower_ in _generic_words():
            continue
        if gazetteer.candidates(_clean(head.text)):
            after = span[end].lower_
            if after in words.get("street", set()):
                return None
            role = next((r for r in ("institution", "facility") if after in words.get(r, set())), None)
            return head, role
    return None


def _leading_entry(head: Span, role: Optional[str], relaxed: set) -> tuple[Span, bool, bool]:
    """A longer name's leading place (``_leading_place``) as a candidate: strong before an
    institution word, otherwise relaxed (added to ``relaxed``)."""
    strong = role == "institution"
    if not strong:
        relaxed.add((head.start, head.end))
    return head, strong, False


#: entity labels whose names may hold a place ("Cookville Regional Medical Center", "the Battle
#: of Richmond", "Metro Nashville", "Dayton Art Festival")
_NAMED_LABELS = ("ORG", "PERSON", "FAC", "LOC", "EVENT", "WORK_OF_ART", "PRODUCT", "NORP")
#: entity labels whose names may be a compound of place names ("Fargo-Moorhead")
_COMPOUND_LABELS = PLACE_LABELS | set(_NAMED_LABELS)


def _institution_spans(doc: Doc, ents: tuple[Span, ...], gazetteer: Gazetteer,
                       relaxed: set) -> list[tuple[Span, bool, bool]]:
    """Places inside the name of an organisation the lexicon does not know, of a facility or
    event, or inside a name the model took for a person's. Strong: the leading place of the name
    followed by an institution word ("Shreveport" in "Shreveport Police Department", "Douglas
    County" in "Douglas County Board of Education", "Cookville" in "Cookville Fire Chief John
    Smith", "Dayton" in "Dayton Mayor Ann Lee"), and the name after an organisation's or
    facility's last "of", "in" or "at", or its leading place ("Kentucky" in "University of
    Kentucky Medical Center", "Elgin" in "St. Mary's School in Elgin"). Relaxed (added to
    ``relaxed``): the leading place of any of these names but a person's followed by another
    word ("Mansfield" in "Mansfield Law Enforcement Center"). A country or province ending an
    organisation's name ("Environment Canada") is a bare name. Organisations of the lexicon
    ("MQM-London") are left whole."""
    out = []
    for ent in ents:
        if ent.label_ not in _NAMED_LABELS or ent.ent_id_ or _is_org_alias(ent.text) or len(ent) < 2:
            continue
        if ent[0].lower_ == "the" and len(ent) < 3:
            continue
        found = _leading_place(ent, gazetteer)
        if found is not None and (found[1] or ent.label_ != "PERSON"):
            out.append(_leading_entry(*found, relaxed))
        if ent.label_ == "PERSON":
            continue
        ofs = [t.i for t in ent if t.lower_ in ("of", "in", "at")]
        if ofs and ofs[-1] + 1 < ent.end and ent.end - ofs[-1] - 1 <= 4:
            tail = doc[ofs[-1] + 1:ent.end]
            if tail[0].lower_ == "the" and len(tail) > 1:
                tail = tail[1:]
            if _capitalised(tail) and tail.start > ent.start + 1:
                found = None if gazetteer.candidates(_clean(tail.text)) else _leading_place(tail, gazetteer)
                out.append((found[0] if found else tail, True, False))
        elif ent.label_ == "ORG":
            for size in (3, 2, 1):
                tail = ent[len(ent) - size:]
                if size < len(ent) and _capitalised(tail) and any(
                        c.kind in ("country", "admin1") for c in gazetteer.candidates(_clean(tail.text))):
                    out.append((tail, False, False))
                    break
    return out


def _compound_spans(doc: Doc, ents: tuple[Span, ...], gazetteer: Gazetteer,
                    relaxed: set) -> list[tuple[Span, bool, bool]]:
    """The places of a hyphenated compound of place names ("Fargo-Moorhead", "the
    Dallas-Fort Worth airport", "University of Wisconsin-Madison"): each part's leading run
    the gazetteer knows, when at least two parts have one (relaxed)."""
    out = []
    for ent in ents:
        if ent.label_ not in _COMPOUND_LABELS or ent.ent_id_ or _is_org_alias(ent.text):
            continue
        cuts = [t.i for t in ent if t.text == "-" and t.i > ent.start and t.i + 1 < ent.end]
        if not cuts:
            continue
        found = []
        for a, b in zip([ent.start, *(c + 1 for c in cuts)], [*cuts, ent.end]):
            part = doc[a:b]
            if part[0].lower_ in ("the", "of"):
                part = part[1:]
            for stop in range(len(part), 0, -1):
                head = part[:stop]
                if len(head.text) > 3 and _capitalised(head) and (
                        gazetteer.candidates(_clean(head.text)) or gazetteer.demonym(head.text)):
                    found.append(head)
                    break
        if len(found) >= 2:
            out += [(span, False, False) for span in found]
            relaxed.update((span.start, span.end) for span in found)
    return out


#: a name whose capitalised words are joined by lower-case particles ("Santiago de Compostela",
#: "Châlons-en-Champagne", "Bandar-e Anzali", "Ras al Khaimah"), which the model and the
#: proper-noun runs cut at the particle ("of" is not one: "City of Leeds" is a town's other
#: name as often as a place's own)
_NAME_WORD = r"[A-Z][\w'’]*"
_PARTICLES = ("do|dos|da|das|de|del|della|di|du|des|la|le|les|los|las|en|sur|sous|au|aux|lès|e|el|"
              "al|ad|an|ar|as|ash|at|az|y|i|na|on|upon|am|im|bei|ben|bin|bou")
_JOINED = re.compile(r"\b%(w)s(?:[ -]%(w)s)*(?:[ -](?:%(p)s)(?:[ -](?:%(p)s))?[ -]%(w)s(?:[ -]%(w)s)*)+"
                     % {"w": _NAME_WORD, "p": _PARTICLES})


def _joined_spans(doc: Doc, blocked: set[int], gazetteer: Gazetteer) -> list[tuple[Span, bool, bool]]:
    """Names joined by lower-case particles that the gazetteer knows, the longest it knows
    from the run's first word ("Castellón de la Plana" of a longer run); strong after a place
    preposition or before a bracket ("in Santiago de Compostela (Galicia)"), as bare
    proper names otherwise, and as strong as the model's place that opens them ("the city of
    Mazar-i-Sharif", where the model took "Mazar" alone)."""
    text = doc_text(doc)
    out = []
    for match in _JOINED.finditer(text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="contract")
        if span is None or len(span) < 3 or blocked.intersection(range(span.start, span.end)):
            continue
        span = next((span[:end] for end in range(len(span), 2, -1) if span[end - 1].text[:1].isupper()
                     and any(t.text[:1].islower() for t in span[1:end - 1])
                     and gazetteer.candidates(_clean(span[:end].text))), None)
        if span is None:
            continue
        first = doc[span.start]
        strong = _after_preposition(doc, span.start) \
            or text[span.end_char:span.end_char + 2].lstrip().startswith("(") \
            or first.ent_iob_ == "B" and first.ent_type_ in PLACE_LABELS
        out.append((span, strong, False))
    return out


#: "R-Tulsa", "D-McDowell", "DFL-Duluth" (Minnesota's Democratic-Farmer-Labor party)
_PARTY_HOME = re.compile(r"\b(?:[RDI]|DFL)-((?:Mc|Mac|O')?[A-Z][a-z]+(?:\.? [A-Z][a-z]+){0,2})")
_CAPS_DATELINE = re.compile(r"(?:^|\n|[.!?\"”]\s+|\b(?:19|20)\d\d\s+)([A-Z][A-Z.'’ ]{1,30}[A-Z.])"
                            r"(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?"
                            r"\s*(?:\(\w+\)\s*)?(?:[—–:]|--?|”)\s")


def _pattern_spans(doc: Doc, blocked: set[int]) -> list[tuple[Span, bool, bool]]:
    """Places shown by the layout of the text: a legislator's home town after the party letter
    ("Sen. Tom Jensen, R-London"), and a dateline in capitals opening a story inside the text
    ("MIDDLETOWN — The town council ...", "CLINTON, Iowa — ", "Staff Writer March 3, 2010
    CANTON --")."""
    out = []
    text = doc_text(doc)
    for match in _PARTY_HOME.finditer(text):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if span is not None and len(span):
            out.append((span, True, False))
    for match in _CAPS_DATELINE.finditer(text):
        name = match.group(1)
        if len(name.replace(".", "").strip()) < 3 or not any(c.isalpha() for c in name):
            continue
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if span is not None and len(span) and not blocked.intersection(range(span.start, span.end)):
            out.append((span, True, False))
    return out


def _singular(noun: str) -> str:
    """"counties" → "county", "parishes" → "parish", "districts" → "district"."""
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    return noun[:-2] if noun.endswith(("shes", "ches", "ses")) else noun[:-1]


def _list_spans(doc: Doc) -> dict[int, tuple[Span, str]]:
    """"Clay, Douglas and Grant counties": each name of the list by its first token, with the
    name to look up first ("Clay County")."""
    plurals = place_words().get("plural", set())
    out: dict[int, tuple[Span, str]] = {}
    for tok in doc[1:]:
        if tok.lower_ not in plurals:
            continue
        kind, end = _singular(tok.lower_).title(), tok.i
        while True:
            start = end
            while start > 0 and doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha:
                start -= 1
            if start == end:
                break
            out[start] = (doc[start:end], f"{doc[start:end].text} {kind}")
            j, seps = start - 1, 0
            while j >= 0 and doc[j].lower_ in (",", "and", "or") and seps < 2:
                j, seps = j - 1, seps + 1
            if not seps:
                break
            end = j + 1
    return out


def _noun_spans(doc: Doc, taken: set[int]) -> list[tuple[Span, bool, bool]]:
    """"Korangi area" → Korangi; "Orangi Town", "Nagan Chowrangi" → the whole name."""
    nouns = place_words().get("noun", set())
    out = []
    for tok in doc[1:]:
        if tok.lower_ not in nouns:
            continue
        start = tok.i
        while start > 0 and doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha \
                and start - 1 not in taken:
            start -= 1
        if start == tok.i:
            continue
        end = tok.i + 1 if tok.text[:1].isupper() else tok.i
        out.append((doc[start:end], True, not doc[start].is_sent_start))
    return out


def _propn_spans(doc: Doc, taken: set[int], gazetteer: Gazetteer,
                 relaxed: set) -> list[tuple[Span, bool, bool]]:
    """Runs of proper nouns no entity covers (weak candidates), and the leading place of a run
    the gazetteer does not know ("Dublin" of "Dublin Recreation Services Director"; relaxed).
    A run right after a place preposition ("protested in Fougeres") is strong."""
    out, i = [], 0
    while i < len(doc):
        if doc[i].pos_ == "PROPN" and doc[i].text[:1].isupper() and i not in taken:
            j = i
            while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN" and j + 1 not in taken:
                j += 1
            run = doc[i:j + 1]
            out.append((run, _after_preposition(doc, i) or _region_after(doc, run), False))
            if len(run) > 1 and not gazetteer.candidates(_clean(run.text)):
                found = _leading_place(run, gazetteer)
                if found is not None:
                    out.append(_leading_entry(*found, relaxed))
            i = j + 1
        else:
            i += 1
    return out


def _region_after(doc: Doc, run: Span) -> bool:
    """Whether a name stands alone after a place entity and a comma or bracket, as the larger
    place it lies in is written ("shelled Eastville, Northshire, at dawn", "Eastville
    (Northshire)"): set off by punctuation on both sides, it is no speaker or subject."""
    i = run.start
    return i >= 2 and doc[i - 1].text in (",", "(") and doc[i - 2].ent_type_ in ("GPE", "LOC") \
        and (run.end == len(doc) or doc[run.end].text in (",", ")", ".", ";"))


def _resident_spans(doc: Doc, taken: set[int], relaxed: set) -> list[tuple[Span, bool, bool]]:
    """A capitalised word the tagger did not take for a proper noun, before a noun for the
    people of a place ("Grovetown police", "Sycamore family" in a headline): relaxed."""
    residents = place_words().get("resident", set())
    out = []
    for tok in doc[:-1]:
        if tok.i in taken or tok.pos_ == "PROPN" or not tok.is_alpha or not tok.text[:1].isupper() \
                or tok.is_stop or tok.lower_ in _generic_words() or doc[tok.i + 1].lower_ not in residents:
            continue
        out.append((doc[tok.i:tok.i + 1], False, False))
        relaxed.add((tok.i, tok.i + 1))
    return out


def _demonym(gazetteer: Gazetteer, span: Span) -> Optional[PlaceMention]:
    """"Pakistani", "Turks": a demonym mention resolved to its country."""
    if len(span) > 2 or not span.text[:1].isupper():
        return None
    code = gazetteer.demonym(span.text)
    country = gazetteer.country(code) if code else None
    if country is None:
        return None
    return PlaceMention(text=span.text, start=span.start_char, end=span.end_char, name=country.name,
                        country=country.country, country_code=code, lat=country.lat,
                        lon=country.lon, precision="country", geonames_id=country.geonames_id,
                        kind="demonym", score=1.0)


#: endings of the names of a region's people: Ohio-ans, Iowa-ns, Californian, Texa(s)-ns
_PEOPLE_ENDINGS = ("ans", "an", "ns", "n")


def _region_demonym(gazetteer: Gazetteer, span: Span) -> Optional[PlaceMention]:
    """"Ohioans", "Texan", "South Ossetians": the people of a province or region, named after
    it by an English ending, resolved to it (the likeliest such region)."""
    word = span.text
    for ending in _PEOPLE_ENDINGS:
        if not word.endswith(ending) or len(word) - len(ending) < 4:
            continue
        base = word[:-len(ending)]
        found = [c for name in (base, base + "s") for c in gazetteer.candidates(name)
                 if c.main and c.kind in ("admin1", "region")]
        if found:
            best = max(found, key=lambda c: c.prior)
            return _place_mention(word, span.start_char, span.end_char, best, 1.0, kind="demonym")
    return None


def _candidates(doc: Doc, gazetteer: Gazetteer, dateline: Optional[tuple[int, int]],
                country_code: Optional[str]) -> tuple[list[_Mention], list[PlaceMention]]:
    """Every stretch of text that may name a place, and the demonyms, without overlaps."""
    ents = tuple(doc.ents)  # (doc.ents walks every token each time)
    blocked = _blocked(doc, ents, dateline)
    relaxed: set = set()
    patterns = _pattern_spans(doc, blocked)
    spans = patterns + _joined_spans(doc, blocked, gazetteer) \
        + _compound_spans(doc, ents, gazetteer, relaxed) \
        + _institution_spans(doc, ents, gazetteer, relaxed) + _entity_spans(doc, ents, blocked, relaxed)
    # "American" of "(the) American Electric Power", "Brazilian" of "the Brazilian Grand Prix":
    # looked at as a demonym only
    heads = [ent[first:first + 1] for ent in ents if ent.label_ in ("ORG", "EVENT", "WORK_OF_ART")
             for first in (int(ent[0].lower_ == "the"),)
             if len(ent) > first + 1 and ent[first].text[:1].isupper()]
    demonym_only = {id(h) for h in heads}
    spans += [(h, False, False) for h in heads]
    taken = blocked | {i for e in ents for i in range(e.start, e.end)}
    listed = _list_spans(doc)
    spans += [(span, True, False) for span, _ in listed.values()]
    nouns = _noun_spans(doc, blocked)
    spans += nouns
    cued = {(s.start, s.end) for s, _, _ in [*patterns, *nouns]} \
        | {(s.start, s.end) for s, _ in listed.values()}
    spans += _propn_spans(doc, taken, gazetteer, relaxed)
    spans += _resident_spans(doc, taken, relaxed)
    residents = place_words().get("resident", set())
    peoples = {(e.start, e.end) for e in ents if e.label_ == "NORP"}
    ent_at = {i: e for e in ents for i in range(e.start, e.end)}  # (the model's entities never overlap)
    mentions: list[_Mention] = []
    demonyms: list[PlaceMention] = []
    used: set[int] = set()
    for span, strong, fuzzy_ok in sorted(spans, key=lambda s: (not s[1], s[0].start, -len(s[0]))):
        if used.intersection(range(span.start, span.end)):
            continue
        dem = _demonym(gazetteer, span)
        if dem is None and (span.start, span.end) in peoples:
            dem = _region_demonym(gazetteer, span)
        if dem is None and id(span) in demonym_only:
            continue
        if dem is not None:
            demonyms.append(dem)
            used.update(range(span.start, span.end))
            continue
        key = _clean(span.text)
        if len(key) < 2 or not key[:1].isupper():
            continue
        mention = _Mention(span.start_char, span.end_char, span.text, key, strong,
                           fuzzy_ok and len(key) >= FUZZY_MIN_LENGTH and not any(c.isdigit() for c in key),
                           relaxed=(span.start, span.end) in relaxed,
                           cued=(span.start, span.end) in cued
                           or _after_preposition(doc, span.start),
                           part=(owner := ent_at.get(span.start)) is not None
                           and span.end <= owner.end and len(owner) > len(span),
                           resident=span.end < len(doc) and doc[span.end].lower_ in residents)
        if _listed(gazetteer, mention, listed.get(span.start)) or _lookup(gazetteer, mention, country_code) \
                or (strong and _lookup_core(gazetteer, span, mention)):
            mentions.append(mention)
            used.update(range(span.start, span.end))
    return mentions, demonyms


def _listed(gazetteer: Gazetteer, mention: _Mention, listed: Optional[tuple[Span, str]]) -> bool:
    """Candidates of a name listed before a plural place noun, looked up with that noun
    ("Clay" of "Clay and Grant counties" as "Clay County")."""
    if listed is None or normalise(listed[0].text) != normalise(mention.text):
        return False
    mention.candidates = [(c, 1.0) for c in gazetteer.candidates(listed[1])]
    return bool(mention.candidates)


def _lookup_core(gazetteer: Gazetteer, span: Span, mention: _Mention) -> bool:
    """"South Los Angeles" → Los Angeles, "Hamilton Township" → Hamilton: a place entity the
    gazetteer lacks as written, looked up without its qualifier or feature word (exactly)."""
    words = place_words()
    core = span
    if len(core) > 1 and core[0].lower_ in words.get("qualifier", set()):
        core = core[1:]
    if len(core) > 1 and core[-1].lower_ in words.get("feature", set()):
        core = core[:-1]
    if len(core) == len(span):
        return False
    mention.key = _clean(core.text)
    mention.candidates = [(c, 1.0) for c in gazetteer.candidates(mention.key)]
    return bool(mention.candidates)


#: a short capitalised word without a dot, which abbreviations ("La.", "Pa.") must not match
_SHORT = re.compile(r"[A-Z][a-z]{1,2}")
#: words that end the names of second-level divisions, which the news often leaves out
_ADMIN_SUFFIXES = ("County", "Parish")


#: abbreviations of English place names, spelled out ("St." is "Saint")
_ABBREVIATED = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}


def _spelled_out(name: str) -> str:
    return " ".join(_ABBREVIATED.get(w, w) for w in normalise(name).split())


def _own_name(cand: Candidate, key: str) -> Candidate:
    """The candidate with the rank of its own name when the key is its name abbreviated or
    spelled out ("St. Petersburg" is Saint Petersburg's own name, not an alternate)."""
    if cand.main or _spelled_out(cand.place.name) != _spelled_out(key):
        return cand
    return dataclasses.replace(cand, prior=cand.prior + 1.0, main=True)


def _lookup(gazetteer: Gazetteer, mention: _Mention, country_code: Optional[str]) -> bool:
    """Fill the mention's candidates: exact matches, else (where allowed) close spellings,
    searched in the article's country first and then anywhere."""
    exact = gazetteer.candidates(mention.key)
    if not exact and mention.strong and len(mention.key.split()) <= 3:  # "D-Monongalia": a county
        exact = [c for suffix in _ADMIN_SUFFIXES for c in gazetteer.candidates(f"{mention.key} {suffix}")
                 if c.kind in ("admin2", "district")]
    if _SHORT.fullmatch(mention.text):  # "La" is not "La." (Louisiana): own names only
        exact = [c for c in exact if c.main]
    if exact:
        mention.candidates = [(_own_name(c, mention.key), 1.0) for c in exact]
    elif mention.fuzzy_ok:
        close = gazetteer.fuzzy_candidates(mention.key, None, limit=8, cutoff=FUZZY_MIN_SCORE)
        if country_code:
            close += gazetteer.fuzzy_candidates(mention.key, country_code, limit=4,
                                                cutoff=FUZZY_MIN_SCORE)
        seen: set = set()
        for cand, score in sorted(close, key=lambda cs: -cs[1]):
            ident = (cand.place.name, cand.place.lat, cand.place.lon)
            if ident not in seen:
                seen.add(ident)
                mention.candidates.append((cand, score / 100))
    return bool(mention.candidates)


_REGION_KINDS = ("country", "admin1", "admin2", "district")
_GAP_WORDS = re.compile(r"[\w-]+")


def _chained(text: str, gap_nouns: set[str]) -> bool:
    """Whether the text between two names makes the second contain the first ("Tucson,
    Arizona", "Seyhan town, Adana", "Razm village (Kirkuk", "Saw township, Gangaw district")."""
    if not re.fullmatch(r"[\s,()\[\]\w-]*", text) or not re.search(r"[,(\[]", text):
        return False
    return all(w.lower() in gap_nouns for w in _GAP_WORDS.findall(text))


def _inside(cand: Candidate, region: Candidate) -> bool:
    """Whether ``cand`` lies in the country, province or district ``region``."""
    p, r = cand.place, region.place
    if p.country_code != r.country_code or cand is region:
        return False
    if region.kind == "country":
        return cand.kind != "country"
    if region.kind == "admin1":
        return bool(p.admin1) and p.admin1 == r.admin1 and cand.kind != "admin1"
    return bool(p.admin2) and p.admin2 == r.admin2 and cand.kind not in _REGION_KINDS


def _chains(text: str, mentions: list[_Mention]) -> list[tuple[list[_Mention], bool]]:
    """Runs of names where each is followed by the region it lies in ("X, Y, Z", "X (Y, Z)"),
    and whether the run is bracketed ("X (Y, Z)"), which leaves no doubt that Y contains X."""
    nouns = place_words().get("noun", set()) | {"of", "the", "in"}
    ordered = sorted(mentions, key=lambda m: m.start)
    chains, current, bracketed = [], ordered[:1], False
    for prev, nxt in zip(ordered, ordered[1:]):
        gap = text[prev.end:nxt.start]
        if _chained(gap, nouns):
            current.append(nxt)
            bracketed = bracketed or "(" in gap or "[" in gap
        else:
            chains.append((current, bracketed))
            current, bracketed = [nxt], False
    chains.append((current, bracketed))
    return [(c, b) for c, b in chains if len(c) > 1]


_LIST_END = re.compile(r"\s*,?\s*(?:and|or|&)\s+(?:the\s+)?[A-Z]")


def _level(mention: _Mention) -> Optional[str]:
    """The kind of the mention's likeliest place when that is a country or province."""
    if not mention.candidates:
        return None
    kind = max(mention.candidates, key=lambda cm: cm[0].prior)[0].kind
    return kind if kind in ("country", "admin1") else None


def _enumeration(text: str, chain: list[_Mention]) -> bool:
    """Whether names joined by commas are a list rather than a place and its regions: the run
    has three names or more and goes on with "and"/"or" and another name ("Ohio, Oregon, Utah and
    Wisconsin"), or its first two names are both countries or both provinces ("Michigan, Oregon")."""
    if len(chain) > 2 and _LIST_END.match(text, chain[-1].end):
        return True
    first, second = _level(chain[0]), _level(chain[1])
    if first is None or first != second:
        return False
    regions = [c for c, _ in chain[1].candidates if c.kind in _REGION_KINDS]
    return not any(_inside(c, r) for c, _ in chain[0].candidates for r in regions)


#: a word before ("the state of X") or after ("X state", lower case) a name, and the kinds of
#: place it makes the name
_DESIGNATORS = {"state": ("admin1",), "province": ("admin1",), "city": ("city", "capital"),
                "town": ("city",), "county": ("admin2",), "district": ("admin2", "district"),
                "country": ("country",), "republic": ("country",), "kingdom": ("country",)}
_BEFORE = re.compile(r"\b(%s) of\s+(?:the\s+)?$" % "|".join(_DESIGNATORS), re.I)
_AFTER = re.compile(r"(?:\s+|-)(state|province|city|county|district)\b")


def _apply_designators(text: str, mentions: list[_Mention]) -> None:
    """"the state of Washington", "Washington state", "the province of Ontario", "the city of
    Mexico": only the places of that kind, when the name has one."""
    for mention in mentions:
        before = _BEFORE.search(text, max(0, mention.start - 30), mention.start)
        after = _AFTER.match(text, mention.end)
        word = before.group(1).lower() if before else after.group(1) if after else None
        if word is None:
            continue
        kinds = _DESIGNATORS[word]
        same = [cm for cm in mention.candidates if cm[0].kind in kinds]
        if same:
            mention.candidates = same
            mention.strong = mention.cued = True


def _same_level(chain: list[_Mention]) -> None:
    """In a list of names most of which are countries (or provinces), each name that may be a
    country (or province) is taken as one ("Michigan, Oregon, Washington and Wisconsin")."""
    levels = Counter(_level(m) for m in chain)
    level, n = levels.most_common(1)[0]
    if level is None or n * 2 <= len(chain):
        return
    for mention in chain:
        same = [cm for cm in mention.candidates if cm[0].kind == level]
        if same:
            mention.candidates = same


def _region_only(original: list[list[tuple[Candidate, float]]], i: int) -> bool:
    """Whether the name after the i-th of a chain can only be a country or province, and the i-th
    cannot be a region: then no place of the i-th name in that region means the gazetteer lacks
    it ("Paso Canoas, Chiriqui"), rather than the chain being a list."""
    nxt = original[i + 1] if i + 1 < len(original) else []
    return bool(nxt) and all(c.kind in ("country", "admin1") for c, _ in nxt) \
        and not any(c.kind in _REGION_KINDS for c, _ in original[i])


def _apply_hierarchy(text: str, mentions: list[_Mention]) -> None:
    """Narrow each name of a chain to the places inside the regions named after it, and each
    region to the ones that contain a place named before it ("Alexandria, Louisiana": the
    Louisiana town; "Seyhan, Adana": Adana province, not the city)."""
    for chain, bracketed in _chains(text, mentions):
        if not bracketed and _enumeration(text, chain):
            _same_level(chain)
            continue
        original = [list(m.candidates) for m in chain]
        for i, mention in enumerate(chain):
            after = [c for cands in original[i + 1:] for c, _ in cands if c.kind in _REGION_KINDS]
            before = [c for cands in original[:i] for c, _ in cands]
            inside = [(c, m) for c, m in original[i] if any(_inside(c, r) for r in after)]
            holding = [(c, m) for c, m in original[i] if c.kind in _REGION_KINDS
                       and any(_inside(b, c) for b in before)]
            if inside or holding:
                mention.candidates = inside + [cm for cm in holding if cm not in inside]
                mention.strong = mention.cued = True
            elif after and (bracketed or _region_only(original, i)):
                mention.candidates = []  # a place of that name in that region is unknown


@dataclass
class _Context:
    """What the article says about where it is, used to choose between same-named places."""

    country: Optional[str] = None  # the dateline's country
    admin1: Optional[str] = None  # the dateline's province/state
    home: Optional[str] = None  # the dateline place's name, normalised
    names: Counter = field(default_factory=Counter)  # normalised names of the candidate mentions
    demonym_countries: set = field(default_factory=set)
    votes: dict = field(default_factory=dict)  # mention key → Counter of countries and regions
    points: dict = field(default_factory=dict)  # mention key → [(point, confidence)] of towns
    #: keys of the names reported on their own evidence, not only as part of a longer name or a
    #: name the model took for a person's or an organisation's, and spelled as written
    firm: set = field(default_factory=set)
    #: (country, province, district) → keys of the mentions that may name a town in it
    districts: dict = field(default_factory=dict)


def _score(mention: _Mention, cand: Candidate, match: float, ctx: _Context, votes: Counter) -> float:
    """How well a candidate place fits the mention and the rest of the article (log-odds-like):
    size and kind, the dateline's country and province, regions named in the text, the countries
    and provinces of the article's other places (``votes``), exact or close spelling."""
    p = cand.place
    own = normalise(mention.key)
    score = PRIOR_WEIGHT * cand.prior
    if match < 1.0:
        score -= 1.0 + (1.0 - match) * 10
    same_country = bool(ctx.country) and p.country_code == ctx.country
    score += 2.0 if same_country else 0.0
    score += 1.0 if same_country and p.admin1 and p.admin1 == ctx.admin1 else 0.0
    if p.parent and normalise(p.parent) in (ctx.home, *(k for k in ctx.names if k != own)):
        score += 2.0
    for value, kinds, bonus in ((p.admin1, ("admin1",), 1.5), (p.admin2, ("admin2", "district"), 1.0),
                                (p.country, ("country",), 0.5)):
        key = normalise(value) if value else ""
        if key and key != own and cand.kind not in kinds and ctx.names[key]:
            score += bonus
    if cand.kind in ("admin2", "district") and p.admin2:  # "Paris and Henry County": the one
        here = (p.country_code, p.admin1, p.admin2)      # holding a town of that name
        if any(k != mention.key for k in ctx.districts.get(here, ())):
            score += 1.0
    score += 0.5 if p.country_code in ctx.demonym_countries else 0.0
    total = sum(v for k, v in votes.items() if len(k) == 2)
    if total:
        score += 1.5 * votes[p.country_code] / total
        score += 1.0 * votes[f"{p.country_code}/{p.admin1}"] / total
    return score


_LOCAL = ("city", "neighbourhood", "landmark", "admin2")
#: weight of a candidate's prior (log10 population + kind bonus) against the context's evidence
PRIOR_WEIGHT = 0.5
#: (distance in km, bonus) for a candidate lying near the article's other places
_NEARBY = ((50.0, 1.5), (150.0, 1.0), (400.0, 0.5))


def _nearby(cands: list[Candidate], others: "_Points") -> np.ndarray:
    """Bonus for each town or district of ``cands`` close to the other towns and districts the
    article names (0 for other places), all candidates against all points at once."""
    out = np.zeros(len(cands))
    local = [i for i, c in enumerate(cands) if c.place.lat is not None and c.place.precision in _LOCAL]
    if not local or not len(others.weights):
        return out
    lat = np.radians([cands[i].place.lat for i in local])[:, None]
    lon = np.radians([cands[i].place.lon for i in local])[:, None]
    h = (np.sin((others.lat - lat) / 2) ** 2
         + np.cos(lat) * np.cos(others.lat) * np.sin((others.lon - lon) / 2) ** 2)
    d = 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(h)))  # candidates × points
    best = np.zeros(len(local))
    for limit, bonus in _NEARBY:
        best = np.maximum(best, np.where(d <= limit, others.weights, 0.0).max(axis=1) * bonus)
    out[local] = best
    return out


@dataclass
class _Points:
    """Other places' coordinates (radians) and weights, as arrays."""

    lat: np.ndarray
    lon: np.ndarray
    weights: np.ndarray

    @classmethod
    def of(cls, points: list[tuple[tuple[float, float], float]]) -> "_Points":
        arr = np.array([(a, b, w) for (a, b), w in points], dtype=float).reshape(-1, 3)
        return cls(np.radians(arr[:, 0]), np.radians(arr[:, 1]), arr[:, 2])


#: score taken from a place the name is only another name of ("Vienne" for Vienna, "Mexico"
#: for Mexico City) when a place of about that rank bears the name as its own (``ALTERNATE_SPAN``)
ALTERNATE_PENALTY = 1.5
ALTERNATE_SPAN = 3.0


def _alternate_penalty(cand: Candidate, mains: float) -> float:
    return ALTERNATE_PENALTY if not cand.main and mains >= cand.prior - ALTERNATE_SPAN else 0.0


def _resolve(mention: _Mention, ctx: _Context, memo: dict) -> None:
    """Choose the mention's place; its score is the softmax share of the chosen candidate.
    ``memo`` holds the choices made in this round for a name and its candidates."""
    ident = (mention.key, tuple(id(c) for c, _ in mention.candidates))
    if ident in memo:
        mention.shares = memo[ident]
        return
    mains = max((c.prior for c, m in mention.candidates if c.main and m >= 1.0), default=-99.0)
    votes: Counter = Counter()
    for key, counter in ctx.votes.items():
        if key != mention.key:
            votes.update(counter)
    others = _Points.of([pt for key, pts in ctx.points.items() if key != mention.key for pt in pts])
    near = _nearby([c for c, _ in mention.candidates], others)
    scored = [(_score(mention, c, m, ctx, votes) + float(bonus) - _alternate_penalty(c, mains), c, m)
              for (c, m), bonus in zip(mention.candidates, near)]
    scored.sort(key=lambda t: -t[0])
    top = scored[0][0]
    weights = [math.exp(s - top) for s, _, _ in scored]
    total = sum(weights)
    mention.shares = memo[ident] = [(c, w / total * m) for (_, c, m), w in zip(scored, weights)]


def _points(mentions: list[_Mention]) -> dict:
    """Each name's chosen town or district, as (point, confidence), for nearness."""
    out: dict = {}
    for m in mentions:
        p = m.best.place if m.best else None
        if p is not None and p.lat is not None and p.precision in _LOCAL:
            out.setdefault(m.key, []).append(((p.lat, p.lon), m.score))
    return out


def _votes(mentions: list[_Mention]) -> dict:
    """Each name's vote for the countries and provinces its places may lie in, by the share of
    each candidate: a name whose every candidate is in one country ("Henderson County") votes
    for it fully even when it cannot tell which of them it is."""
    out: dict = {}
    for m in mentions:
        counter = out.setdefault(m.key, Counter())
        for cand, share in m.shares:
            p = cand.place
            if p.country_code is None:
                continue
            counter[p.country_code] += share
            if p.admin1:
                counter[f"{p.country_code}/{p.admin1}"] += share
    return out


def _accept(mention: _Mention, ctx: _Context, strong_keys: set[str]) -> bool:
    """Whether a mention is reported: always for place-like text; for a bare proper name only
    when it matched exactly and is a country or province, a town of 10,000+ in the article's
    main country, or a large city elsewhere. A relaxed name (part of a longer name, or a name
    the model took for a person's or an organisation's) that is the leading part of a longer
    name is a province only of a country the article otherwise names, when it names places in
    other countries (``_named_elsewhere``): "Manchester" of "Manchester City" is no parish of
    Jamaica in a story whose other places are all in England. (A whole name the model took for
    an organisation's is often a province: "Kirkuk" in a terse report.)"""
    if mention.strong or mention.key in strong_keys:
        return True
    best = mention.best
    if best is None or mention.fuzzy:
        return False
    if best.kind == "admin1" and mention.relaxed and mention.part:
        return _named_elsewhere(best.place.country_code, mention.key, ctx)
    if best.kind in ("country", "admin1"):
        return True
    if mention.relaxed and (mention.key.isupper() and len(mention.key) <= 4
                            or mention.key.lower() in place_words().get("qualifier", set())):
        return False  # "NGO", "East": an acronym or a bare direction in a name
    if mention.resident and best.main and best.kind in ("city", "capital", "admin2", "district"):
        return True  # "a Rockford man": a town's people
    home = ctx.country or _top_country(ctx)
    if mention.relaxed and best.kind in ("admin2", "district"):
        return best.place.country_code == home
    if not best.main:
        return False
    if best.place.country_code == home:
        return best.prior >= (RELAXED_MIN_PRIOR if mention.relaxed else WEAK_MIN_PRIOR_HOME)
    return best.prior >= WEAK_MIN_PRIOR


def _named_elsewhere(country: Optional[str], key: str, ctx: _Context) -> bool:
    """Whether the article places itself in ``country`` by more than the name ``key`` (the
    dateline, a demonym, or another name reported on its own evidence that lies there at least
    as likely as not), or places itself nowhere else (then nothing speaks against it: a
    demonym names who acts, not where, so it speaks only for its country)."""
    others = [counter for k, counter in ctx.votes.items() if k != key and k in ctx.firm and counter]
    if not (ctx.country or others):
        return True
    return country is not None and (country == ctx.country or country in ctx.demonym_countries or any(
        counter.get(country, 0.0) >= 0.5 for counter in others))


def _top_country(ctx: _Context) -> Optional[str]:
    votes = Counter()
    for counter in ctx.votes.values():
        votes.update({k: v for k, v in counter.items() if len(k) == 2})
    return votes.most_common(1)[0][0] if votes else None


def _dateline_mention(doc: Doc, gazetteer: Gazetteer, dateline: Optional[str]) -> Optional[PlaceMention]:
    """The dateline ("KARACHI -") as a place: the most likely place of that name, inside the
    region it names when it names one ("ALEXANDRIA, Va.")."""
    article = doc._.article
    if not dateline:
        return None
    name, _, region = (part.strip() for part in dateline.partition(","))
    candidates = gazetteer.candidates(name)
    if region:
        regions = {(c.place.country_code, c.place.admin1 if c.kind == "admin1" else None)
                   for c in gazetteer.candidates(region) if c.kind in ("country", "admin1")}
        inside = [c for c in candidates if (c.place.country_code, None) in regions
                  or (c.place.country_code, c.place.admin1) in regions]
        candidates = inside or candidates
    if not candidates:
        return None
    best = candidates[0]
    start = end = None
    if article is not None and article.dateline_span:
        start = article.dateline_span[0]
        end = start + len(article.dateline_text or "") if article.dateline_text else article.dateline_span[1]
    text = doc_text(doc)[start:end] if start is not None else dateline
    return _place_mention(text, start, end, best, 1.0, kind="dateline")


def _place_mention(text: str, start: Optional[int], end: Optional[int], cand: Candidate,
                   score: float, kind: str = "place") -> PlaceMention:
    p = cand.place
    return PlaceMention(text=text, start=start, end=end, name=p.name, admin2=p.admin2,
                        admin1=p.admin1, country=p.country, country_code=p.country_code,
                        lat=p.lat, lon=p.lon, precision=p.precision, geonames_id=p.geonames_id,
                        parent=p.parent, kind=kind, score=score)


def _doubtful(mention: _Mention) -> bool:
    """Whether the name is a misspelling (``_Mention.fuzzy``) or a direction or common word
    alone ("East", "Central", "Capital"): such a name is kept only as a place of a country the
    article otherwise names, and says nothing about where the article is."""
    if mention.fuzzy:
        return True
    words = place_words()
    key = mention.key.lower()
    return key in words.get("qualifier", set()) or key in words.get("generic", set())


#: verbs of speaking whose subject is a person (or a body), not a town ("Hughes said")
SPEECH_VERBS = frozenset({"say", "tell", "add", "explain", "recall", "comment", "ask", "write"})
#: kinds of place that stand for their government or people as the subject of a verb
#: ("Tbilisi says", "Russia said"): a name of these kinds is no person's
_SPEAKING_KINDS = ("country", "admin1", "capital", "continent", "region")
#: ... and so does a city of about 100,000 people or more (prior: log10 population + 1 for its
#: own name): "Springfield says no to the plan"
SPEAKING_MIN_PRIOR = 6.0


def full_names(doc: Doc) -> tuple[frozenset[str], frozenset[str]]:
    """(first words, last words) of the people's full names in the article ("Maria", "Lopez" of
    "Maria Lopez"): the model's persons of two or three capitalised words, none of them a
    place word ("Village Mirpur" and "Apalache Lake" are places the model took for people)."""
    def names() -> tuple[frozenset[str], frozenset[str]]:
        people = [e for e in doc.ents if e.label_ == "PERSON" and 2 <= len(e) <= 3
                  and all(t.text[:1].isupper() and t.lower_ not in _generic_words() for t in e)]
        return frozenset(e[0].lower_ for e in people), frozenset(e[-1].lower_ for e in people)
    return per_doc(doc, "newsevents_full_names", len(doc), names)


def _person_name(doc: Doc, mention: _Mention, cued_keys: set[str], ctx: _Context) -> bool:
    """Whether a name found as a place is, by the rest of the article, a person's: a close
    spelling of a first or last name of a person the article names in full ("Hartmann" is no
    Hartman), or, unless the words around it say it is a place here or elsewhere in the article
    (``cued_keys``: "in Ripley"), the surname of such a person ("Ripley" after "coach Tom
    Ripley", which the model may tag as a place) or the subject of a verb of speaking ("Altom
    said"). Many surnames are towns too, and a small town rarely speaks; a country, province,
    capital or large city often does, for its government. The first name of such a person
    alone ("Victoria" after "Victoria Bell") is a place only in a country the article otherwise
    names (``_named_elsewhere``), whatever its kind."""
    if mention.best is None:
        return False
    key = mention.key.lower()
    firsts, lasts = full_names(doc)
    if key in firsts and not mention.cued and mention.key not in cued_keys \
            and not _named_elsewhere(mention.best.place.country_code, mention.key, ctx):
        return True
    if mention.best.kind in _SPEAKING_KINDS:
        return False
    if mention.fuzzy and (key in lasts or key in firsts):
        return True
    if mention.cued or mention.resident or mention.key in cued_keys:
        return False
    if key in lasts:
        return True
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    return root.dep_ == "nsubj" and root.head.lemma_ in SPEECH_VERBS \
        and mention.best.prior < SPEAKING_MIN_PRIOR


def find_places(doc: Doc, gazetteer: Gazetteer, dateline: Optional[str]) -> list[PlaceMention]:
    """The places ``doc`` names, resolved, sorted by start: the dateline (kind "dateline"),
    toponyms (kind "place") and demonyms (kind "demonym", resolved to their country)."""
    article = doc._.article
    span = article.dateline_span if article is not None else None
    home = _dateline_mention(doc, gazetteer, dateline)
    ctx = _Context(country=home.country_code if home else None, admin1=home.admin1 if home else None,
                   home=normalise(home.name) if home and home.name else None)
    mentions, demonyms = _candidates(doc, gazetteer, span, ctx.country)
    _apply_hierarchy(doc_text(doc), mentions)
    _apply_designators(doc_text(doc), mentions)
    mentions = [m for m in mentions if m.candidates]
    ctx.names = Counter(normalise(m.key) for m in mentions)
    for m in mentions:
        for c, _ in m.candidates:
            if c.kind in ("city", "capital") and c.place.admin2:
                ctx.districts.setdefault((c.place.country_code, c.place.admin1, c.place.admin2),
                                         set()).add(m.key)
    ctx.demonym_countries = {d.country_code for d in demonyms}
    strong_keys = {m.key for m in mentions if m.strong}
    cued_keys = {m.key for m in mentions if m.cued}
    for _ in range(2):  # once on its own, once knowing where the article's other places are
        memo: dict = {}
        for mention in mentions:
            _resolve(mention, ctx, memo)
        # bare proper names that will not be reported as places do not say where the article is
        kept = [m for m in mentions if m.best is not None
                and (m.relaxed or _accept(m, ctx, strong_keys))
                and not _person_name(doc, m, cued_keys, ctx)]
        ctx.votes, ctx.points = _votes(kept), _points(kept)
        ctx.firm = {m.key for m in kept if (m.strong or m.key in strong_keys or not m.relaxed)
                    and not _doubtful(m)}
    kept = [m for m in mentions if m.best is not None and _accept(m, ctx, strong_keys)
            and not _person_name(doc, m, cued_keys, ctx)]
    # a misspelling is read as a place of a country the article is about, never as a small
    # place abroad ("his Ferrari" is not Féres, Greece; "Liaquatabd" in a Karachi story is)
    # and a bare direction or common word ("East", "Northern", "Capital"), which names a region
    # in many countries, only as one of a country the article otherwise names
    countries = {ctx.country, *ctx.demonym_countries,
                 *(m.best.place.country_code for m in kept if not _doubtful(m))} - {None}
    out = [_place_mention(m.text, m.start, m.end, m.best, m.score) for m in kept
           if not _doubtful(m) or m.best.place.country_code in countries]
    out += demonyms
    if home is not None:
        out.append(home)
    return sorted(out, key=lambda p: (p.start if p.start is not None else -1))


class PlacesComponent:
    """The spaCy component: opens the gazetteer on first use and sets ``doc._.places``."""

    def __init__(self, gazetteer_path: str = "") -> None:
        self.gazetteer_path = gazetteer_path
        self._gazetteer: Optional[Gazetteer] = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            if self.gazetteer_path:
                path = Path(self.gazetteer_path)
            else:
                from ..settings import default_settings
                path = default_settings().gazetteer_path()
            self._gazetteer = get_gazetteer(path)
        return self._gazetteer

    def __call__(self, doc: Doc) -> Doc:
        article = doc._.article
        doc._.places = find_places(doc, self.gazetteer, article.dateline if article else None)
        return doc


@Language.factory("newsevents_places", default_config={"gazetteer_path": ""},
                  requires=["doc.ents"], assigns=["doc._.places"])
def make_places(nlp: Language, name: str, gazetteer_path: str) -> PlacesComponent:
    return PlacesComponent(gazetteer_path)
