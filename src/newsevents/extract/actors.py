"""Stage 5: actors — people, organisations and actor nouns, with kinds, roles and affiliations.

Sources of actor mentions, in order of trust:
- PERSON entities (with roles from appositions "Farhan Hashmi, sector in-charge for ..." and
  titles before the name "MQM London convener Nadeem Nusrat", "its Chairman Iqbal Kazmi");
- ORG entities, resolved to data/organizations.jsonl (canonical name, kind, short name);
- actor nouns from data/actor_terms.tsv ("security personnel in plainclothes", "Rangers",
  "two workers") and unnamed role holders ("a unit in-charge").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.attrs import ENT_TYPE, IS_TITLE, LEMMA, LOWER, POS
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc, Span, Token

from ..knowledge import actor_terms, organization_index, roles
from ..schema import Actor
from ..extensions import sent_of

# Right-hand modifiers that belong to an actor noun phrase ("security personnel in plainclothes").
ATTIRE = {"plainclothes", "plain", "uniform", "uniforms", "civvies", "civilian"}
PRONOUN_POSS = {"its", "their"}
ORG_KIND_HINTS = [
    (re.compile(r"\b(party|movement|league|front|congress|alliance)\b", re.I), "political_party"),
    (re.compile(r"\b(police|constabulary|ctd)\b", re.I), "police"),
    (re.compile(r"\b(army|military|navy|air force|armed forces|brigade|battalion)\b", re.I), "military"),
    (re.compile(r"\b(rangers|frontier corps|gendarmerie|security forces?|guard)\b", re.I), "state_forces"),
    (re.compile(r"\b(ministry|government|council|commission|authority|department)\b", re.I), "government"),
    (re.compile(r"\b(court|tribunal)\b", re.I), "court"),
    (re.compile(r"\b(union|association|federation|society)\b", re.I), "civil_society"),
]


@dataclass
class ActorMention:
    """An actor mention in the doc; token offsets ``start``/``end`` (exclusive), ``head`` index."""

    start: int
    end: int
    head: int
    text: str
    start_char: int
    end_char: int
    kind: str
    name: Optional[str] = None
    role: Optional[str] = None
    affiliation: Optional[str] = None
    canonical: Optional[str] = None  # for organisations: the canonical name
    label: str = "NOUN"  # PERSON | ORG | NOUN | ROLE
    aliases: list[str] = field(default_factory=list)

    def to_actor(self) -> Actor:
        return Actor(text=self.text, start=self.start_char, end=self.end_char, name=self.name,
                     kind=self.kind, role=self.role, affiliation=self.affiliation,
                     aliases=list(self.aliases))


def span_mention(doc: Doc, start: int, end: int, head: int, **kw) -> ActorMention:
    """The actor mention of tokens ``start``..``end`` (exclusive) with head ``head``."""
    span = doc[start:end]
    return ActorMention(start=start, end=end, head=head, text=span.text,
                        start_char=span.start_char, end_char=span.end_char, **kw)


@lru_cache(maxsize=1)
def _role_phrases() -> tuple[dict[str, list[tuple[str, ...]]], dict[str, list[tuple[str, ...]]]]:
    """Role phrases as lower-case token tuples ("sector in-charge"), indexed by first and by
    last word, longest first."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    by_last: dict[str, list[tuple[str, ...]]] = {}
    for role in roles():
        phrase = tuple(re.findall(r"[\w]+|[^\w\s]", role))
        by_first.setdefault(phrase[0], []).append(phrase)
        by_last.setdefault(phrase[-1], []).append(phrase)
    for table in (by_first, by_last):
        for phrases in table.values():
            phrases.sort(key=len, reverse=True)
    return by_first, by_last


def _matches(doc: Doc, start: int, phrase: tuple[str, ...]) -> bool:
    return 0 <= start and start + len(phrase) <= len(doc) and \
        all(doc[start + k].lower_ == w for k, w in enumerate(phrase))


def role_ending_at(doc: Doc, end: int, floor: int = 0) -> Optional[tuple[int, str]]:
    """A role phrase whose last token is ``end - 1``: (start token, role text)."""
    if end < 1:
        return None
    for phrase in _role_phrases()[1].get(doc[end - 1].lower_, ()):
        start = end - len(phrase)
        if start >= floor and _matches(doc, start, phrase):
            return start, doc[start:end].text
    return None


def role_starting_at(doc: Doc, start: int) -> Optional[tuple[int, str]]:
    """A role phrase starting at token ``start``: (end token, role text)."""
    if start >= len(doc):
        return None
    for phrase in _role_phrases()[0].get(doc[start].lower_, ()):
        if _matches(doc, start, phrase):
            return start + len(phrase), doc[start:start + len(phrase)].text
    return None


def org_kind(name: str, canonical: Optional[str]) -> str:
    rec = organization_index().get(canonical or "")
    if rec:
        return rec["kind"]
    for pattern, kind in ORG_KIND_HINTS:
        if pattern.search(name):
            return kind
    return "organization"


def org_display(ent: Span) -> tuple[str, Optional[str]]:
    """(display name, canonical name) of an ORG entity."""
    rec = organization_index().get(ent.ent_id_)
    if rec:
        return rec.get("short") or rec["name"], rec["name"]
    text = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
    return text, None


def _org_before(doc: Doc, i: int, orgs: list[ActorMention]) -> Optional[ActorMention]:
    """The organisation a possessive pronoun at token ``i`` refers to: the nearest one before."""
    before = [o for o in orgs if o.end <= i and sent_of(doc[o.start]).start >= sent_of(doc[i]).start - 200]
    return before[-1] if before else None


def _strip_det(doc: Doc, start: int, end: int) -> int:
    while start < end - 1 and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    return start


ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj", "dative"}


def unlabelled_names(doc: Doc, taken: set[int]) -> list[ActorMention]:
    """Names the NER missed in argument positions ("Police arrested Kamran Akmal"): a run of
    capitalised proper nouns with no entity label, not a place, filling a subject or object slot."""
    out, i = [], 0
    terms = actor_terms()
    # only capitalised proper nouns outside entities can be part of such a name
    rows = doc.to_array([POS, IS_TITLE, ENT_TYPE]).tolist() if len(doc) else []
    possible = [pos == PROPN and title and not ent for pos, title, ent in rows]
    while i < len(doc):
        if not possible[i]:
            i += 1
            continue
        j = i
        while j < len(doc) and possible[j] and j not in taken and j - i < 4 \
                and doc[j].lower_ not in terms and doc[j].lemma_.lower() not in terms:
            j += 1
        if j > i:
            span = doc[i:j]
            if span.root.dep_ in ARGUMENT_DEPS and not (j - i == 1 and doc[i].is_sent_start):
                out.append(span_mention(doc, i, j, span.root.i, kind="person", name=span.text, label="PERSON"))
            i = j
        else:
            i += 1
    return out


def place_tokens(doc: Doc) -> set[int]:
    """Tokens of resolved places: a name the NER took for a person or group is a place."""
    out: set[int] = set()
    for p in doc._.places or []:
        if p.kind in ("place", "dateline") and p.lat is not None and p.start is not None:
            span = doc.char_span(p.start, p.end, alignment_mode="expand")
            if span is not None:
                out.update(range(span.start, span.end))
    return out


def person_mentions(doc: Doc, orgs: list[ActorMention],
                    places: Optional[set[int]] = None) -> list[ActorMention]:
    """PERSON entities with their roles and affiliations (``places``: ``place_tokens(doc)``)."""
    out = []
    places = place_tokens(doc) if places is None else places
    for ent in doc.ents:
        if ent.label_ != "PERSON" or places.intersection(range(ent.start, ent.end)):
            continue
        m = span_mention(doc, ent.start, ent.end, ent.root.i, kind="person", name=ent.text,
                     label="PERSON")
        _role_before(doc, m, orgs)
        _role_after(doc, m, orgs)
        out.append(m)
    taken = places | {i for e in doc.ents for i in range(e.start, e.end)}
    for m in unlabelled_names(doc, taken):
        _role_before(doc, m, orgs)
        _role_after(doc, m, orgs)
        out.append(m)
    return sorted(out, key=lambda m: m.start)


def _role_before(doc: Doc, m: ActorMention, orgs: list[ActorMention]) -> None:
    """"MQM London convener Nadeem Nusrat", "its Chairman Iqbal Kazmi"."""
    found = role_ending_at(doc, m.start, floor=sent_of(doc[m.start]).start)
    if not found:
        return
    rstart, m.role = found
    prev = rstart - 1
    org = next((o for o in orgs if o.end == rstart), None)
    if org is not None:
        m.affiliation = org.name
    elif prev >= 0 and doc[prev].lower_ in PRONOUN_POSS:
        ref = _org_before(doc, prev, orgs)
        m.affiliation = ref.name if ref else None


def _role_after(doc: Doc, m: ActorMention, orgs: list[ActorMention]) -> None:
    """"Farhan Hashmi, sector in-charge for the Federal B Area" (apposition)."""
    i = m.end
    if i + 1 >= len(doc) or doc[i].text != ",":
        return
    j = _strip_det(doc, i + 1, min(len(doc), i + 4))
    found = role_starting_at(doc, j)
    if not found:
        return
    rend, role = found
    m.role = m.role or role
    if rend < len(doc) and doc[rend].lower_ in ("of", "for", "in") and not m.affiliation:
        org = next((o for o in orgs if o.start in (rend + 1, rend + 2)), None)
        if org is not None:
            m.affiliation = org.name


def org_mentions(doc: Doc, places: Optional[set[int]] = None) -> list[ActorMention]:
    out = []
    places = place_tokens(doc) if places is None else places
    for ent in doc.ents:
        if ent.label_ != "ORG" or (not ent.ent_id_ and places.intersection(range(ent.start, ent.end))):
            continue
        name, canonical = org_display(ent)
        start = _strip_det(doc, ent.start, ent.end)
        kind = org_kind(ent.text, canonical)
        out.append(span_mention(doc, start, ent.end, ent.root.i, kind=kind, name=name,
                            canonical=canonical, label="ORG"))
    return out


def _noun_phrase(doc: Doc, head: Token) -> tuple[int, int]:
    """Left modifiers of an actor noun plus an attire phrase on its right (never the dateline)."""
    start = head.i
    for child in head.lefts:
        if child.dep_ in ("compound", "amod", "nummod", "det", "quantmod", "poss", "nmod", "advmod"):
            start = min(start, child.left_edge.i)
    art = doc._.article
    if art is not None and art.dateline_span:
        dateline_end = doc.char_span(*art.dateline_span, alignment_mode="expand")
        if dateline_end is not None and start < dateline_end.end <= head.i:
            start = dateline_end.end
    end = head.i + 1
    for child in head.rights:
        pobj = [c for c in child.children if c.dep_ == "pobj"]
        if child.dep_ == "prep" and child.lower_ == "in" and pobj and pobj[0].lower_ in ATTIRE:
            end = pobj[0].i + 1
        elif child.dep_ == "prep" and child.lower_ == "of" and pobj and child.i == end:
            end = _edge(child) + 1  # "workers of the party"
        elif child.dep_ == "acl" and child.tag_ == "VBN" and child.i == end \
                and _edge(child) - child.i < 8 \
                and not any(c.dep_ in ("xcomp", "ccomp", "dobj") for c in child.children):
            end = _edge(child) + 1  # "workers associated with the MQM London"
    while end > head.i + 1 and head.doc[end - 1].is_punct:
        end -= 1
    return start, end


def _edge(tok: Token) -> int:
    """The last token of ``tok``'s phrase, leaving out coordinated phrases ("and unidentified gunmen")."""
    last = tok.i
    for c in tok.children:
        if c.i > tok.i and c.dep_ not in ("cc", "conj", "punct"):
            last = max(last, _edge(c))
    return last


@lru_cache(maxsize=1)
def _last_words() -> frozenset[str]:
    """The last word of every actor term."""
    return frozenset(term.split()[-1] for term in actor_terms())


def noun_mentions(doc: Doc, taken: set[int]) -> list[ActorMention]:
    """Actor nouns ("security agencies", "two other workers") not inside a named entity."""
    terms = actor_terms()
    last_words = _last_words()
    strings = doc.vocab.strings
    out = []
    rows = doc.to_array([POS, LOWER, LEMMA]).tolist() if len(doc) else []
    for i, (pos, lower, lemma) in enumerate(rows):
        # an actor term ends with this noun's form or lemma, or it is none
        if pos not in (NOUN, PROPN) or i in taken or (
                strings[lower] not in last_words and strings[lemma].lower() not in last_words):
            continue
        tok = doc[i]
        prev = doc[tok.i - 1] if tok.i else None
        kind = None
        for p in ({prev.lemma_.lower(), prev.lower_} if prev is not None else set()):
            kind = kind or terms.get(f"{p} {tok.lemma_.lower()}") or terms.get(f"{p} {tok.lower_}")
        kind = kind or terms.get(tok.lower_) or terms.get(tok.lemma_.lower())
        if not kind or tok.dep_ == "compound":
            continue
        start, end = _noun_phrase(doc, tok)
        start = _strip_det(doc, start, end) if doc[start].lower_ == "the" else start
        out.append(span_mention(doc, start, end, tok.i, kind=kind, label="NOUN"))
    return out


def role_mentions(doc: Doc, taken: set[int]) -> list[ActorMention]:
    """Unnamed role holders: "a unit in-charge" (a person, identified by role only)."""
    out = []
    dets = {doc.vocab.strings[w] for w in ("a", "an", "the")}
    lower = doc.to_array(LOWER).tolist() if len(doc) else []
    for i in (i for i, w in enumerate(lower) if w in dets and i not in taken):
        tok = doc[i]
        found = role_starting_at(doc, tok.i + 1)
        if found and found[0] - tok.i > 2 and not taken.intersection(range(tok.i, found[0])):
            end, role = found
            head = max(range(tok.i + 1, end), key=lambda i: doc[i].dep_ != "compound")
            out.append(span_mention(doc, tok.i, end, head, kind="person", role=role, label="ROLE"))
    return out


def find_actors(doc: Doc) -> list[ActorMention]:
    """Every actor mention in the doc, sorted by position."""
    places = place_tokens(doc)
    orgs = org_mentions(doc, places)
    people = person_mentions(doc, orgs, places)
    taken = {i for m in orgs + people for i in range(m.start, m.end)}
    roles_ = role_mentions(doc, taken)
    taken |= {i for m in roles_ for i in range(m.start, m.end)}
    nouns = noun_mentions(doc, taken)
    _fill_party_affiliations(doc, people + roles_ + nouns, orgs)
    _complete_surnames(people)
    _names_in_apposition(doc, people, nouns)
    _companions(doc, people, nouns)
    return sorted(orgs + people + roles_ + nouns, key=lambda m: (m.start, -m.end))


def _complete_surnames(people: list[ActorMention]) -> None:
    """"Hashmi" after "Farhan Hashmi": the full name, role and affiliation carry over."""
    for i, m in enumerate(people):
        if not m.name or len(m.name.split()) > 1:
            continue
        full = next((p for p in people[:i] if p.name and len(p.name.split()) > 1
                     and surname_key(p.name) == m.name.lower()), None)
        if full is not None:
            m.name = full.name
            m.role = m.role or full.role
            m.affiliation = m.affiliation or full.affiliation


def _companions(doc: Doc, people: list[ActorMention], nouns: list[ActorMention]) -> None:
    """"X was picked up along with two other workers": X is one of those workers."""
    cues = []
    if any(not m.affiliation for m in people) and len(doc) > 1:
        lower = doc.to_array(LOWER).tolist()
        along, together, with_ = (doc.vocab.strings[w] for w in ("along", "together", "with"))
        cues = [doc[i] for i in range(len(doc) - 1)
                if lower[i] in (along, together) and lower[i + 1] == with_]
    for m in people:
        if m.affiliation or not cues:
            continue
        clause = doc[m.head].head
        for t in cues:  # in text order, as in the clause's subtree
            if t.i == clause.i or clause.is_ancestor(t):
                other = next((n for n in nouns if n.start > t.i and n.start - t.i <= 4
                              and any(w.lower_ == "other" for w in doc[n.start:n.end])), None)
                if other is not None and other.affiliation:
                    m.affiliation = other.affiliation


def _names_in_apposition(doc: Doc, people: list[ActorMention], nouns: list[ActorMention]) -> None:
    """"two workers Arshad and Sharukh": the names share the noun's affiliation."""
    ends = {n.end: n for n in nouns}
    for m in people:
        k = m.start
        while k > 0 and (doc[k - 1].lower_ in ("and", ",") or doc[k - 1].ent_type_ == "PERSON"):
            k -= 1
        noun = ends.get(k)
        if noun is not None and noun.kind in ("party_members", "activists") and not m.affiliation:
            m.affiliation = noun.affiliation


def main_party(orgs: list[ActorMention]) -> Optional[str]:
    """The political party the article is mostly about (most mentions, specific before generic)."""
    counts = Counter(o.name for o in orgs if o.kind == "political_party")
    if not counts:
        return None
    best, n = counts.most_common(1)[0]
    return best if n >= 2 else None


def _fill_party_affiliations(doc: Doc, mentions: list[ActorMention], orgs: list[ActorMention]) -> None:
    """Party roles without an explicit organisation belong to the article's main party."""
    party = main_party(orgs)
    attached = _org_attachments(doc, orgs)
    for m in mentions:
        if m.affiliation:
            continue
        explicit = _of_org(doc, m, orgs, attached)
        if explicit:
            m.affiliation = explicit
        elif party and ((m.role and roles().get(m.role.lower()) == "party") or m.kind == "party_members"):
            m.affiliation = party


def _org_attachments(doc: Doc, orgs: list[ActorMention]) -> list[tuple[int, set[int], Optional[str]]]:
    """For each organisation: its first token, the tokens it is attached to by a preposition
    ("workers of the MQM", "workers associated with the MQM"), its name. Computed once per doc."""
    out = []
    for o in orgs:
        root = doc[o.head]
        heads: set[int] = set()
        if root.head.dep_ == "prep":
            gov = root.head.head
            heads.add(gov.i)
            if gov.dep_ == "acl":
                heads.add(gov.head.i)
        out.append((o.start, heads, o.name))
    return out


def _of_org(doc: Doc, m: ActorMention, orgs: list[ActorMention],
            attached: Optional[list[tuple[int, set[int], Optional[str]]]] = None) -> Optional[str]:
    """"workers of the MQM", "MQM workers", "workers associated with the MQM London"."""
    for start, heads, name in attached if attached is not None else _org_attachments(doc, orgs):
        if m.start <= start < m.end or m.head in heads:
            return name
    return None


def surname_key(name: str) -> str:
    return name.split()[-1].lower() if name.split() else name.lower()


def people_and_organizations(doc: Doc) -> tuple[list[Actor], list[Actor]]:
    """Distinct people (merged by full name / surname) and organisations with their aliases."""
    mentions = doc._.actors or []
    people: dict[str, ActorMention] = {}
    for m in (x for x in mentions if x.label == "PERSON"):
        key = next((k for k in people if surname_key(k) == surname_key(m.name)
                    and (len(m.name.split()) == 1 or len(k.split()) == 1)), m.name)
        if key in people:
            p = people[key]
            if len(m.name) > len(p.name):
                people[m.name] = people.pop(key)
                p.aliases.append(p.name)
                p.name = m.name
            elif m.name != p.name and m.name not in p.aliases:
                p.aliases.append(m.name)
            p.role = p.role or m.role
            p.affiliation = p.affiliation or m.affiliation
        else:
            people[key] = ActorMention(**{**m.__dict__, "aliases": []})
    orgs: dict[str, ActorMention] = {}
    for m in (x for x in mentions if x.label == "ORG"):
        o = orgs.setdefault(m.canonical or m.name, ActorMention(**{**m.__dict__, "aliases": []}))
        if m.text != o.text and m.text not in o.aliases:
            o.aliases.append(m.text)
    return [p.to_actor() for p in people.values()], [o.to_actor() for o in orgs.values()]


@Language.factory("newsevents_actors")
def make_actors(nlp: Language, name: str):
    def actors_component(doc: Doc) -> Doc:
        doc._.actors = find_actors(doc)
        return doc
    return actors_component
