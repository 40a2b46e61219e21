"""Stage 7: events — triggers, type, agents and targets, date, place, counts, salience.

Transparent rules over the dependency parse:
1. triggers from data/triggers.tsv (lemma + particles: "picked up", "took him away", "went missing");
2. agents and targets from the syntax (active/passive voice, conjunctions, relative clauses,
   pronouns resolved to the nearest fitting actor, "along with two other workers");
3. mentions of one event in a sentence are merged ("intercepted ... and took him away"), and so
   are later mentions of the same event ("He is still missing", "the rally");
4. each event gets the time and place attached to its trigger by syntax, else the sentence's,
   else the article's (with ``basis`` saying so); counts from quantities on its targets.
5. the main event's type combines the trigger's with the learned classifier's (``combined_type``);
   a report with no trigger is typed by the classifier alone;
6. ACLED's coding rules then look at the whole report (``coding.apply_coding_rules``): a demonstration
   by its most severe form, violence by its target and weapon, territory by who takes it. An
   event keeps in ``rule`` which trigger or model typed it and which coding rule changed it.
Claims and background flags are added by stage 8 (``claims``), which also orders the events.
Figurative uses of trigger words are in ``figurative``, each event's confidence in ``confidence``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import takewhile
from typing import Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..knowledge import taxonomy, tsv
from ..schema import Claim, Count, Event, EventDate, Location, PlaceMention, Quantity, TypeNames
from ..schema import Span as TextSpan
from ..gazetteer import normalise
from .actors import ActorMention, span_mention
from .acled_actors import code_events
from .coref import PERSON_NOUNS, PRONOUN_GENDER, mention_gender
from .places import person_surnames, place_words
from .classify import MODEL_RULE, classify
from .confidence import calibrate, confidence, trigger_features
from .figurative import figurative, lead_confidence
from ..extensions import doc_text, per_doc, sent_of, sentences

PERSON_KINDS = {"person", "party_members", "activists", "civilians", "students", "journalists",
                "lawyers", "farmers", "traders", "protesters"}
FAMILIES = {"ARREST": "custody", "ABDUCT_DISSAP": "custody", "PEACE_PROTEST": "protest",
            "PROTEST_WITH_INTER": "protest", "FORCE_AGAINST_PROTEST": "protest",
            "VIOL_DEMONSTR": "protest"}
VIOLENT = {"ATTACK", "ARMED_CLASH", "AIR_STRIKE", "ART_MISS_ATTACK", "REM_EXPLOS", "SUIC_BOMB",
           "GRENADE", "MOB_VIOL", "CHEM_WEAP"}
# events that can have fatalities and injuries of their own
HARMFUL = VIOLENT | set(FAMILIES) | {"SEX_VIOL", "NATURAL_DISASTER", "MAN_MADE_DISASTER"}
# types whose agents are the people taking part (their count is the event's count)
PARTICIPATION = {"PEACE_PROTEST", "VIOL_DEMONSTR"}
# triggers that only say people were harmed: they join a more specific event in their sentence
HARM_RULES = {"trigger:kill/VERB", "trigger:shoot dead/VERB", "trigger:killing/NOUN",
              "trigger:shoot/VERB", "trigger:murder/VERB"}
ARMED_KINDS = {"military", "state_forces", "police", "rebels", "militant_group", "intelligence"}
# verbs whose object is a planned or held event ("stage a rally", "conduct a raid")
LIGHT_VERBS = {"stage", "hold", "organise", "organize", "conduct", "carry", "launch", "call",
               "announce", "plan", "postpone", "cancel", "lead"}
# triggers whose grammatical subject is the person it happens to ("Kazmi went missing")
UNACCUSATIVE = {"go missing", "disappear", "missing", "be missing", "die", "return home"}
# when two mentions of one custody event differ in type, the more specific one wins
TYPE_PRECEDENCE = {"ABDUCT_DISSAP": 2, "ARREST": 1, "FORCE_AGAINST_PROTEST": 3,
                   "PROTEST_WITH_INTER": 2, "VIOL_DEMONSTR": 1, "PEACE_PROTEST": 0,
                   "PROPERTY_DISTRUCT": -1}
# nouns under these verbs are talk about responsibility, not an event report
RESPONSIBILITY_VERBS = {"claim", "deny", "own"}
PRONOUNS_ONE = {"he", "him", "his", "she", "her"}
PRONOUNS_MANY = {"they", "them", "their"}
RELATIVE = {"who", "whom", "that", "which"}
KILL = {"kill", "die", "dead", "death", "murder", "behead", "execute", "slay", "martyr", "fatality",
        "shoot dead", "gun down"}
INJURE = {"injure", "wound", "hurt", "injured", "wounded"}
PASS_THROUGH = {"pobj", "prep", "appos", "compound", "amod", "det", "nmod", "poss", "npadvmod",
                "nummod", "acl"}


@dataclass(frozen=True)
class TriggerDef:
    words: tuple[str, ...]
    pos: str
    type: str
    weight: float
    needs: str


@dataclass
class EventCandidate:
    """An event under construction; ``mentions`` are its trigger heads (token indices)."""

    type: str
    weight: float
    rule: str
    trigger: tuple[int, int]  # token span of the main trigger
    head: int
    mentions: list[int] = field(default_factory=list)
    agents: list[ActorMention] = field(default_factory=list)
    targets: list[ActorMention] = field(default_factory=list)
    extra: list[Quantity] = field(default_factory=list)  # "along with two other workers"
    claim: Claim = field(default_factory=Claim)
    background: bool = False
    armed_nearby: bool = False  # armed forces named in the sentence besides the agents

    def tokens(self) -> set[int]:
        return {self.head, *self.mentions}


@lru_cache(maxsize=1)
def triggers() -> dict[str, list[TriggerDef]]:
    """First word → trigger definitions, longest and strongest first."""
    table: dict[str, list[TriggerDef]] = {}
    seen = set()
    for phrase, pos, type_, weight, needs in tsv("triggers.tsv", 5):
        # a hyphenated word is also matched as the tokenizer splits it ("sit-in": sit - in)
        for words in {phrase.lower(), phrase.lower().replace("-", " - ")}:
            d = TriggerDef(tuple(words.split()), pos, type_, float(weight), needs)
            if (d.words, pos, type_) not in seen:
                seen.add((d.words, pos, type_))
                table.setdefault(d.words[0], []).append(d)
    for defs in table.values():
        defs.sort(key=lambda d: (-len(d.words), -d.weight))
    return table


def _pos_ok(tok: Token, pos: str) -> bool:
    return {"VERB": tok.pos_ in ("VERB", "AUX"), "NOUN": tok.pos_ in ("NOUN", "PROPN"),
            "ADJ": tok.pos_ in ("ADJ", "VERB")}[pos]


def _match_rest(doc: Doc, tok: Token, words: tuple[str, ...]) -> Optional[list[int]]:
    """Token indices of the remaining words of a phrase, within the next four tokens."""
    found, j = [tok.i], tok.i + 1
    for w in words[1:]:
        k = next((k for k in range(j, min(len(doc), j + 4))
                  if doc[k].lower_ == w or doc[k].pos_ == "NOUN" and doc[k].lemma_.lower() == w), None)
        if k is None or sent_of(doc[k]).start != sent_of(tok).start:
            return None
        found.append(k)
        j = k + 1
    return found


def _phrase_head(doc: Doc, idx: list[int]) -> Token:
    inside = set(idx)
    return next((doc[i] for i in idx if doc[i].head.i not in inside or doc[i].head.i == i), doc[idx[0]])


def match_trigger(doc: Doc, tok: Token) -> Optional[tuple[TriggerDef, list[int]]]:
    for key in {tok.lemma_.lower(), tok.lower_}:
        for d in triggers().get(key, []):
            idx = _match_rest(doc, tok, d.words)
            if idx is not None and _pos_ok(_phrase_head(doc, idx) if len(idx) > 1 else tok, d.pos):
                return d, idx
    return None


def is_reportable(tok: Token, d: TriggerDef) -> bool:
    """Excludes modifiers ("arrested workers", "arrest warrant") and responsibility talk."""
    if d.pos != "ADJ" and tok.dep_ == "amod" and len(d.words) == 1:
        return False
    if tok.dep_ == "compound" and d.pos == "NOUN":  # "arrest warrant", "tear gas canisters"
        return False
    if d.pos == "NOUN" and tok.dep_ == "dobj" and tok.head.lemma_ in RESPONSIBILITY_VERBS:
        return False
    if d.pos == "NOUN" and _demanded(tok):  # "demanding the arrest of ...": wanted, not done
        return False
    if d.pos == "VERB" and tok.dep_ in ("acl", "xcomp", "relcl") and tok.head.pos_ in ("NOUN", "ADJ") \
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        return False  # "a right to protest", "time to disperse": not a report of an event
    if figurative(tok, d):  # "a 50-year title drought", "the market crashed", "shot to fame"
        return False
    return tok.ent_type_ not in ("ORG", "PERSON", "GPE", "DATE", "TIME")


DEMAND_VERBS = {"demand", "seek", "urge", "want", "request", "press"}


def _demanded(tok: Token) -> bool:
    """A noun event that someone demands or calls for ("demanding the arrest of the killers",
    "calling for the release of the detainees")."""
    gov = tok.head
    if tok.dep_ == "dobj" and gov.lemma_.lower() in DEMAND_VERBS:
        return True
    return tok.dep_ == "pobj" and gov.lower_ == "for" and gov.head.lemma_.lower() in ("call", "press", "appeal", "ask")


# -- arguments -----------------------------------------------------------------------------

class ActorIndex:
    """Actor mentions by token, with pronoun resolution."""

    def __init__(self, doc: Doc, actors: Iterable[ActorMention]):
        self.doc = doc
        self.actors = sorted(actors, key=lambda m: m.start)
        self.by_token: dict[int, ActorMention] = {}
        for m in sorted(self.actors, key=lambda m: m.start - m.end):  # inner mentions win
            for i in range(m.start, m.end):
                self.by_token[i] = m

    def at(self, tok: Token, exclude: Iterable[ActorMention] = ()) -> list[ActorMention]:
        """The actor(s) a token stands for, following conjunctions, pronouns and
        quantities ("150 of its activists", "a large number of party workers")."""
        out: list[ActorMention] = []
        for t in [tok, *[c for c in tok.conjuncts if c.i > tok.i]]:
            m = self.by_token.get(t.i)
            if m is None and t.lower_ in PRONOUNS_ONE | PRONOUNS_MANY:
                out.extend(x for x in self.resolve(t, list(exclude)) if x not in out)
            elif m is None:
                of = [p for p in t.children if p.dep_ == "prep" and p.lower_ == "of"]
                pobj = [c for p in of for c in p.children if c.dep_ == "pobj"]
                out.extend(x for x in (self.at(pobj[0]) if pobj else []) if x not in out)
            elif m not in out:
                out.append(m)
        return out

    def resolve(self, tok: Token, exclude: list[ActorMention] = ()) -> list[ActorMention]:
        """The nearest earlier actor a pronoun can refer to (a subject if there is one)."""
        many = tok.lower_ in PRONOUNS_MANY
        sent_start = sent_of(tok).start
        prev_sents = [s for s in sentences(self.doc) if s.end <= sent_start][-2:]
        floor = prev_sents[0].start if prev_sents else sent_start
        cands = [m for m in self.actors if floor <= m.start and m.end <= tok.i
                 and all(m is not x for x in exclude)]
        if many and (tok.dep_ in ("dobj", "pobj", "dative") or tok.dep_ == "poss" and tok.head.pos_ == "NOUN"):
            # "picked them up", "their release": people, not the doers
            people = [m for m in cands if m.kind in PERSON_KINDS and m.label == "NOUN"]
            return people[-1:] if people else []
        if many:
            cands = [m for m in cands if m.label == "ORG" or m.kind not in ("person",)]
            subj = [m for m in cands if self.doc[m.head].dep_ in ("nsubj", "nsubjpass")
                    and m.start >= sent_start]
            if subj:
                head = self.doc[subj[-1].head]
                return [subj[-1], *[self.by_token[c.i] for c in head.conjuncts
                                    if c.i in self.by_token and c.i > head.i]]
        else:
            want = PRONOUN_GENDER.get(tok.lower_)
            told = [(m, mention_gender(self.doc, m)) for m in cands
                    if m.kind == "person" and m.label in ("PERSON", "ROLE") or _person_description(self.doc, m)]
            cands = [m for m, g in told if g in (None, want)]
            # one whose gender is known to agree goes before one nothing is known of
            cands = [m for m, g in told if g == want] or cands
        return cands[-1:] if cands else []


def _person_description(doc: Doc, m: ActorMention) -> bool:
    """A noun mention describing one person ("her brother", "the activist"), which a singular
    pronoun may refer to."""
    head = doc[m.head]
    return m.label == "NOUN" and head.tag_ == "NN" and head.lemma_.lower() in PERSON_NOUNS


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _subject(tok: Token) -> tuple[Optional[Token], bool]:
    """(subject token, passive?) of a verb, inherited through conjunction and clauses."""
    t = tok
    for _ in range(4):
        subj = _children(t, "nsubj", "nsubjpass", "csubj")
        if subj:
            s = max(subj, key=lambda x: (x.i < t.i, x.i))  # the subject nearest the verb
            passive = s.dep_ == "nsubjpass" or bool(_children(t, "auxpass"))
            if s.lower_ in RELATIVE and t.dep_ == "relcl":
                return t.head, passive
            return s, passive
        if t.dep_ == "conj" and t.head.pos_ in ("VERB", "AUX"):
            t = t.head
            if _pronoun_clash(tok, t):  # "when he was going ... and took him away"
                t = t.head if t.dep_ in ("advcl", "ccomp") else t
                return _subject(t)
            continue
        if t.dep_ in ("acl", "relcl") and t.tag_ == "VBN":
            return t.head, True
        break
    return None, bool(_children(tok, "auxpass"))


def _pronoun_clash(verb: Token, head: Token) -> bool:
    """A conjoined verb whose object pronoun cannot share the inherited subject pronoun."""
    subj = _children(head, "nsubj")
    obj = _children(verb, "dobj")
    return bool(subj and obj) and subj[0].lower_ in PRONOUNS_ONE and obj[0].lower_ in PRONOUNS_ONE


def _agent_phrase(tok: Token) -> Optional[Token]:
    for c in _children(tok, "agent", "prep"):
        if c.lower_ == "by":
            pobj = _children(c, "pobj")
            if pobj:
                return pobj[0]
    return None


def verb_arguments(tok: Token, idx: ActorIndex, unaccusative: bool = False) -> tuple[list[ActorMention], list[ActorMention]]:
    subj, passive = _subject(tok)
    agents, targets = [], []
    by = _agent_phrase(tok)
    if unaccusative and not _children(tok, "dobj"):
        targets = idx.at(subj) if subj is not None else []
    elif passive:
        targets = idx.at(subj) if subj is not None else []
        agents = idx.at(by) if by is not None else []
    else:
        subjects = [s for s in _children(tok, "nsubj") if s.i in idx.by_token] or ([subj] if subj is not None else [])
        agents = [m for s in subjects for m in idx.at(s)]
        objs = _children(tok, "dobj")
        if not objs and tok.dep_ == "conj":  # "picked them up ... and took them away"
            objs = _children(tok.head, "dobj")
        for o in objs:
            targets.extend(idx.at(o, exclude=agents))
    return agents, targets


def noun_arguments(tok: Token, idx: ActorIndex, protest: bool) -> tuple[list[ActorMention], list[ActorMention]]:
    agents, targets = [], []
    for c in _children(tok, "prep"):
        pobj = _children(c, "pobj")
        if pobj and c.lower_ in ("of", "on", "against"):
            targets.extend(idx.at(pobj[0]))
        elif pobj and c.lower_ == "by":
            agents.extend(idx.at(pobj[0]))
    for c in _children(tok, "poss", "compound", "nmod"):
        (agents if protest else targets).extend(idx.at(c))
    gov = tok.head
    if tok.dep_ in ("dobj", "nsubjpass") and gov.pos_ in ("VERB", "AUX"):
        if tok.dep_ == "dobj" and not agents and (gov.lemma_.lower() in LIGHT_VERBS or not protest):
            subj, _ = _subject(gov)
            agents.extend(idx.at(subj) if subj is not None else [])
        by = _agent_phrase(gov)
        if by is not None and not agents:
            agents.extend(idx.at(by))
    if protest and not agents:
        agents.extend(_possessor_before(tok, idx))
    return _named_over_generic(agents), targets


def _named_over_generic(agents: list[ActorMention]) -> list[ActorMention]:
    """"the party's rally ... MQM-London and PQM": named parties replace "the party"."""
    if any(a.label == "ORG" for a in agents):
        return [a for a in agents if a.label == "ORG" or a.kind != "political_party"]
    return agents


def _possessor_before(tok: Token, idx: ActorIndex) -> list[ActorMention]:
    """"the rival faction's January 29 gathering": the actor before a possessive 's."""
    for k in range(tok.i - 1, max(sent_of(tok).start, tok.i - 5) - 1, -1):
        t = tok.doc[k]
        if t.tag_ == "POS" and k > 0:
            return idx.at(tok.doc[k - 1])
    return []


def _names_after(targets: list[ActorMention], idx: ActorIndex) -> list[ActorMention]:
    """"two workers Arshad and Sharukh": the names right after a people noun are targets too."""
    out = []
    for m in targets:
        after = [a for a in idx.actors if a.label == "PERSON" and m.end <= a.start <= m.end + 1]
        for a in after:
            out.append(a)
            out.extend(x for x in idx.at(idx.doc[a.head]) if x not in out and x is not a)
    return out


def _along_with(tok: Token, idx: ActorIndex) -> list[ActorMention]:
    """"along with two other workers" anywhere in the trigger's clause (parsers attach it loosely)."""
    out = []
    for t in tok.subtree:
        if t.lower_ in ("along", "together") and t.i + 1 < len(tok.doc) and tok.doc[t.i + 1].lower_ == "with":
            for pobj in _children(tok.doc[t.i + 1], "pobj") or _children(t, "pobj"):
                out.extend(idx.at(pobj))
            for q in _children(t, "prep"):
                for pobj in _children(q, "pobj"):
                    out.extend(m for m in idx.at(pobj) if m not in out)
    return out


def _dedupe(ms: list[ActorMention]) -> list[ActorMention]:
    """One mention per referent: the same person (by surname) or organisation (by canonical name)."""
    out: list[ActorMention] = []
    for m in ms:
        same = next((x for x in out if x is m or _same_referent(x, m)
                     or (x.canonical and x.canonical == m.canonical)), None)
        if same is None:
            out.append(m)
        elif m.label == "PERSON" and len(m.name or "") > len(same.name or ""):
            out[out.index(same)] = m
    return out


# -- candidates ------------------------------------------------------------------------------

def trigger_hits(doc: Doc) -> Iterator[tuple[Token, TriggerDef, list[int], Token]]:
    """(token, trigger line, the indices of the trigger's tokens, the phrase's head) for every trigger the
    lexicon matches in ``doc``, in text order."""
    for tok in doc:
        hit = match_trigger(doc, tok)
        if hit:
            d, tokens = hit
            yield tok, d, tokens, _phrase_head(doc, tokens) if len(tokens) > 1 else tok


def find_event_candidates(doc: Doc, role_model=None, role_policy: str = "model") -> list[EventCandidate]:
    """Event mentions from triggers, with arguments, merged into events. With a ``role_model``
    (``roles.RoleModel``) the learned argument roles give each trigger its agents and targets
    (``role_policy``: how the two combine, ``learned_arguments``)."""
    idx = ActorIndex(doc, doc._.actors or [])
    cands = []
    for tok, d, tokens, head in trigger_hits(doc):
        if not is_reportable(head, d):
            if _responsibility_object(head, d):
                cands.append(responsibility_claim(doc, head, d, idx))
            continue
        cand = _candidate(doc, tok, d, tokens, idx)
        if cand is not None:
            cands.append(cand)
    if role_model is not None:
        doc._.lead_arguments = learned_arguments(doc, cands, idx, role_model, role_policy)
    cands += protesters_acting(doc, idx, cands)
    cands.sort(key=lambda c: c.head)
    cands = merge_in_sentences(doc, cands)
    cands = merge_headline(doc, cands)
    cands = merge_across_sentences(doc, cands)
    return [c for c in cands if c.weight >= 0.4]


def protesters_acting(doc: Doc, idx: ActorIndex, cands: list[EventCandidate]) -> list[EventCandidate]:
    """"Protesters demanded ...", "demonstrators marched ...": protesters doing something are a
    protest even when no protest word is used, in a sentence that reports no other event."""
    told = {sent_of(doc[c.head]).start for c in cands}
    out = []
    for m in idx.actors:
        subj = doc[m.head]
        if subj.dep_ == "pobj" and subj.head.lower_ == "of":  # "hundreds of demonstrators"
            subj = subj.head.head
        verb, sent = subj.head, sent_of(subj)
        if m.kind != "protesters" or subj.dep_ != "nsubj" or verb.pos_ != "VERB" or sent.start in told:
            continue
        told.add(sent.start)
        out.append(EventCandidate(type="PEACE_PROTEST", weight=0.9, rule="actor:protesters",
                                  trigger=(verb.i, verb.i + 1), head=verb.i, mentions=[verb.i],
                                  agents=[m]))
    return out


def _responsibility_object(tok: Token, d: TriggerDef) -> bool:
    return d.pos == "NOUN" and d.type != "ATTRIB" and tok.dep_ == "dobj" \
        and tok.head.lemma_ in RESPONSIBILITY_VERBS


def responsibility_claim(doc: Doc, noun: Token, d: TriggerDef, idx: ActorIndex) -> EventCandidate:
    """"No law enforcement agency has claimed the arrest of MQM workers": a claim (or denial)
    of responsibility for an event is an ATTRIB event; the event's targets are its targets."""
    verb = noun.head
    subj, _ = _subject(verb)
    _, targets = noun_arguments(noun, idx, protest=False)
    return EventCandidate(type="ATTRIB", weight=0.8, rule=f"responsibility:{verb.lemma_}+{noun.lemma_}",
                          trigger=(verb.i, noun.i + 1), head=verb.i, mentions=[verb.i],
                          agents=idx.at(subj) if subj is not None else [], targets=targets)


def _candidate(doc: Doc, tok: Token, d: TriggerDef, tokens: list[int],
               idx: ActorIndex) -> Optional[EventCandidate]:
    head = _phrase_head(doc, tokens) if len(tokens) > 1 else tok
    if d.pos == "NOUN":
        agents, targets = noun_arguments(head, idx, protest=d.type in PARTICIPATION)
    else:
        agents, targets = verb_arguments(head, idx, " ".join(d.words) in UNACCUSATIVE)
    agents = [a for a in agents if a not in targets]
    targets = _dedupe(targets + _names_after(targets, idx))
    agents = _dedupe(agents)
    extra = _along_with(head, idx)
    if d.needs == "person" and not any(t.kind in PERSON_KINDS for t in targets):
        return None
    return EventCandidate(type=d.type, weight=d.weight, rule=f"trigger:{' '.join(d.words)}/{d.pos}",
                          trigger=(min(tokens), max(tokens) + 1), head=head.i, mentions=[head.i],
                          agents=_dedupe(agents), targets=targets,
                          extra=[q for q in _quantities_for(doc, extra)])


def _phrase_mentions(doc: Doc, p, idx: ActorIndex, kind: str, exclude=()) -> list[ActorMention]:
    """The actor mention(s) a learned argument phrase stands for: a pronoun's antecedent, the
    known actor mention at its head, or a new mention of the phrase with the learned kind."""
    root = doc[p.root]
    if root.pos_ == "PRON":
        return idx.resolve(root, list(exclude)) if root.lower_ in PRONOUNS_ONE | PRONOUNS_MANY else []
    known = idx.by_token.get(p.root)
    if known is not None:
        return [known]
    if _names_a_town(doc, p):
        return []
    # a person named in the phrase or right after it ("its district organiser Hameed Khan"):
    # the named person, with the role and affiliation the actors stage gave them
    named = [m for m in idx.actors if m.label == "PERSON" and (
        p.start <= m.start < p.end or doc[m.head].dep_ == "appos" and doc[m.head].head.i == p.root)]
    if named:
        return named
    return [span_mention(doc, p.start, p.end, p.root, kind=kind)]


RECIPROCAL = {"between", "among", "amongst"}


def reciprocal_sides(doc: Doc, trigger: Token, idx: ActorIndex,
                     kinds: dict[int, str]) -> Optional[tuple[list[ActorMention], list[ActorMention]]]:
    """The two sides of a reciprocal event told with "between" ("fighting broke out between the
    army and the rebels", "a clash between rival gangs"): the first named side acts, the others
    are acted on; one plural side ("between rival gangs") is on both sides. The preposition may
    hang on the trigger or on the verb the trigger is the subject of ("broke out", "erupted")."""
    holders = [trigger]
    if trigger.dep_ in ("nsubj", "nsubjpass", "dobj") and trigger.head.pos_ in ("VERB", "AUX"):
        holders.append(trigger.head)
    for h in holders:
        for prep in _children(h, "prep"):
            if prep.lower_ not in RECIPROCAL:
                continue
            pobj = _children(prep, "pobj")
            if not pobj:
                continue
            first = pobj[0]
            sides = [first, *[c for c in first.conjuncts if c.i > first.i]]
            mentions = []
            for tok in sides:
                found = idx.at(tok) if tok.i in idx.by_token else []
                if not found and tok.pos_ in ("NOUN", "PROPN"):
                    lo = min(t.i for t in tok.subtree if t.i <= tok.i and t.dep_ not in ("cc", "punct", "conj"))
                    found = [span_mention(doc, lo, tok.i + 1, tok.i, kind=kinds.get(tok.i, "unknown"))]
                mentions.append(found[:1])
            mentions = [m for m in mentions if m]
            if not mentions:
                continue
            if len(mentions) == 1:
                plural = doc[mentions[0][0].head].tag_ in ("NNS", "NNPS")
                return mentions[0], (mentions[0] if plural else [])
            return mentions[0], [m for ms in mentions[1:] for m in ms]
    return None


def _names_a_town(doc: Doc, p) -> bool:
    """A phrase that is the name of a place below a country ("shelled Pokrovske"): where the
    event happened, not who took part (a country can be an actor: its government)."""
    start, end = doc[p.start].idx, doc[p.end - 1].idx + len(doc[p.end - 1])
    root = doc[p.root]
    return any(pm.kind == "place" and pm.precision not in ("country", "unknown")
               and pm.start is not None and pm.start <= root.idx < pm.end and start <= pm.start and pm.end <= end
               and (pm.end - pm.start) >= (end - start) - 4
               for pm in doc._.places or [])


def learned_arguments(doc: Doc, cands: list[EventCandidate], idx: ActorIndex, model,
                      policy: str) -> tuple[list[ActorMention], list[ActorMention]]:
    """Agents and targets of the candidates from the learned role model (``roles``), combined
    with the rules' by ``policy``; returns the learned arguments of the first sentence's root
    (its main verb, most often the event's word when the lexicon has none for it), for an event
    the classifier finds there."""
    from . import roles

    sents = sentences(doc)
    lead = [sents[0].root.i] if sents else []
    found, kinds = roles.doc_arguments(model, doc, [c.head for c in cands] + lead)

    def mentions(head: int) -> tuple[list[ActorMention], list[ActorMention]]:
        ag, tg = found[head]
        agents = _dedupe([m for p in ag for m in _phrase_mentions(doc, p, idx, kinds[p.root])])
        targets = _dedupe([m for p in tg for m in _phrase_mentions(doc, p, idx, kinds[p.root], agents)
                           if m not in agents])
        sent = doc[head].sent  # names after a people noun of this sentence, not after an antecedent
        here = [m for m in targets if sent.start <= m.start < sent.end]
        return agents, _dedupe(targets + [m for m in _names_after(here, idx) if m not in agents])

    for c in cands:
        agents, targets = mentions(c.head)
        sides = reciprocal_sides(doc, doc[c.head], idx, kinds)
        if sides is not None:
            agents, targets = sides
        if policy == "union":
            c.agents = _dedupe(agents + [m for m in c.agents if m not in targets])
            c.targets = _dedupe(targets + [m for m in c.targets if m not in c.agents])
        elif policy == "model":
            c.agents = agents or c.agents
            c.targets = targets or c.targets
        else:
            c.agents = c.agents or agents
            c.targets = c.targets or targets
    return mentions(lead[0]) if lead else ([], [])


def _quantities_for(doc: Doc, mentions: list[ActorMention]) -> list[Quantity]:
    out = []
    for m in mentions:
        out.extend(q for q in doc._.quantities or [] if q.head_i is not None and m.start <= q.head_i < m.end)
    return out


def _family(t: str) -> str:
    return FAMILIES.get(t, "violence" if t in VIOLENT else t)


def _named(c: EventCandidate) -> set[str]:
    return {m.name for m in c.targets if m.label == "PERSON" and m.name}


def _absorb(a: EventCandidate, b: EventCandidate) -> EventCandidate:
    """One event from two mentions; the stronger trigger gives type and trigger span."""
    rank = lambda c: (c.rule not in HARM_RULES, TYPE_PRECEDENCE.get(c.type, 0), c.weight, -c.head)  # noqa: E731
    main, other = (a, b) if rank(a) >= rank(b) else (b, a)
    main.mentions = sorted(set(a.mentions) | set(b.mentions))
    if main.type in ("PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST") and other.type in PARTICIPATION:
        other.targets, other.agents = other.agents + other.targets, []  # the protesters it met
    main.agents = _named_over_generic(_dedupe(main.agents + other.agents))
    main.targets = _dedupe(main.targets + other.targets)
    main.extra = main.extra + [q for q in other.extra if q not in main.extra]
    return main


def _linked(doc: Doc, a: EventCandidate, b: EventCandidate) -> bool:
    """Two mentions in one sentence tell one event: clauses of one action, or shared people."""
    if any(x is y or _same_referent(x, y) for x in a.targets for y in b.targets):
        return True
    if not a.targets or not b.targets:
        return True
    heads_a = {doc[i] for i in a.mentions}
    for t in (doc[i] for i in b.mentions):
        for h in heads_a:
            near = {h.i, h.head.i, *(x.i for x in h.children)}
            if t.i in near or t.head.i in near:
                return True
    return False


def _merge(cands: list[EventCandidate], same) -> list[EventCandidate]:
    """Fold each candidate into the latest earlier one that ``same(earlier, later)`` accepts."""
    out: list[EventCandidate] = []
    for c in cands:
        prev = next((p for p in reversed(out) if same(p, c)), None)
        if prev is None:
            out.append(c)
        else:
            out[out.index(prev)] = _absorb(prev, c)
    return out


def _joinable(a: str, b: str) -> bool:
    """Same family, or property destroyed in the course of violence ("killed two men and set
    their bodies ablaze")."""
    if _family(a) == _family(b):
        return True
    harm = {"violence", "protest"}
    return "PROPERTY_DISTRUCT" in (a, b) and {_family(a), _family(b)} - {"PROPERTY_DISTRUCT"} <= harm


def merge_in_sentences(doc: Doc, cands: list[EventCandidate]) -> list[EventCandidate]:
    """Mentions of one family in one sentence are one event when they are linked."""
    return _merge(cands, lambda p, c: sent_of(doc[p.head]).start == sent_of(doc[c.head]).start
                  and _joinable(p.type, c.type)
                  and not (_named(p) and _named(c) and not _named(p) & _named(c))
                  and _linked(doc, p, c))


def _of_a_kind(a: EventCandidate, b: EventCandidate) -> bool:
    """Whether two mentions can tell one event: joinable families (``_joinable``), or one only
    telling harm ("seven killed") that the other, a harmful event, may have done."""
    return _joinable(a.type, b.type) or any(x.rule in HARM_RULES and y.type in HARMFUL
                                            for x, y in ((a, b), (b, a)))


def _headline_only(doc: Doc, c: EventCandidate, end: int) -> bool:
    """Whether all of ``c``'s mentions are in the headline, which ends at ``end``."""
    return all(doc[i].idx < end for i in c.mentions)


def merge_headline(doc: Doc, cands: list[EventCandidate]) -> list[EventCandidate]:
    """A headline announces the event its lead tells: an event told only in the headline is one
    with the first event of the lead's first sentence (``lead_sentence``) of a joinable family,
    or whose harm it tells ("Seven killed in tram crash" / "... a tram derailed ..."), unless
    the two name different people or the lead's is told as earlier ("had ..."). The record keeps
    both mentions, so it has the lead's date, place and people, and still ranks as told in the
    headline (``salience``)."""
    lead = lead_sentence(doc)
    if lead is None:
        return cands
    end = headline_end(doc)
    out = list(cands)
    for h in [c for c in cands if _headline_only(doc, c, end)]:
        told = next((c for c in out if lead.start <= c.head < lead.end
                     and _of_a_kind(h, c)
                     and not (_named(h) and _named(c) and not _named(h) & _named(c))
                     and not _pluperfect(doc[c.head])), None)
        if told is not None:
            merged = _absorb(h, told)
            out = sorted([c for c in out if c is not h and c is not told] + [merged], key=lambda c: c.head)
    return out


def _same_referent(a: ActorMention, b: ActorMention) -> bool:
    if a is b:
        return True
    if a.label == "PERSON" and b.label == "PERSON" and a.name and b.name:
        return a.name.split()[-1].lower() == b.name.split()[-1].lower()
    return False


def merge_across_sentences(doc: Doc, cands: list[EventCandidate]) -> list[EventCandidate]:
    """Later mentions of an event already reported: the same person, "the rally", or people
    killed right after a violent event is told ("... opened fire. Two people were killed.")."""
    return _merge(cands, lambda p, c: (_family(p.type) == _family(c.type) and _refers_back(doc, p, c))
                  or _harm_follows(doc, p, c))


def _harm_follows(doc: Doc, p: EventCandidate, c: EventCandidate) -> bool:
    if c.rule not in HARM_RULES or _family(p.type) not in ("violence", "protest", "custody") \
            or _own_time(doc, c):
        return False
    between = doc[max(p.mentions) + 1:c.head]
    return "\n\n" not in between.text_with_ws and len(list(sentences_between(doc, p, c))) <= 2


def sentences_between(doc: Doc, p: EventCandidate, c: EventCandidate):
    start, end = sent_of(doc[max(p.mentions)]).start, sent_of(doc[c.head]).start
    return [s for s in sentences(doc) if start < s.start <= end]


def _refers_back(doc: Doc, p: EventCandidate, c: EventCandidate) -> bool:
    if _pluperfect(doc[p.head]) != _pluperfect(doc[c.head]):
        return False
    tp, tc = attached_time(doc, p), attached_time(doc, c)
    if tp is not None and tc is not None:
        return tp.value == tc.value and p.type == c.type
    named_p = [t for t in p.targets if t.label in ("PERSON", "ROLE")]
    named_c = [t for t in c.targets if t.label in ("PERSON", "ROLE")]
    if named_p and named_c and all(any(_same_referent(x, y) for y in named_p) for x in named_c):
        return _pronoun_or_definite(doc, c) and not _own_time(doc, c)
    head = doc[c.head]
    definite = any(ch.lower_ in DEFINITE for ch in head.children) and head.pos_ == "NOUN"
    same_kind = p.type == c.type or head.lemma_.lower() in GENERIC_EVENT_NOUNS
    return definite and same_kind and not _own_time(doc, c)


#: determiners of a mention that refers to an event already told ("the attack", "this blast")
DEFINITE = {"the", "this", "that", "these", "those"}
#: nouns that name any event of their family: "the attack" after a grenade was thrown
GENERIC_EVENT_NOUNS = {"attack", "assault", "incident", "violence", "blast", "explosion", "clash",
                       "clashes", "shooting", "raid", "operation", "crackdown", "unrest", "fighting"}


def _pluperfect(tok: Token) -> bool:
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    return any(a.lower_ == "had" for a in verb.children if a.dep_ == "aux")


def _pronoun_or_definite(doc: Doc, c: EventCandidate) -> bool:
    """Whether a repeated mention talks about an event already told (pronoun targets, state verbs)."""
    toks = [doc[m.head] for m in c.targets]
    return any(t.lower_ in PRONOUNS_ONE | PRONOUNS_MANY for t in toks) or doc[c.head].lower_ == "missing" \
        or all(doc[m.start].lower_ not in ("a", "an") for m in c.targets)


def _own_time(doc: Doc, c: EventCandidate) -> bool:
    return attached_time(doc, c) is not None


# -- attachment: time, place, counts ---------------------------------------------------------

def governing(doc: Doc, c: EventCandidate) -> set[int]:
    """Tokens whose modifiers describe the event: trigger heads and the verbs over trigger nouns."""
    out = set()
    for i in c.mentions:
        t = doc[i]
        out.add(i)
        if t.pos_ in ("NOUN", "PROPN") and t.dep_ in ("dobj", "nsubjpass", "nsubj"):
            out.add(t.head.i)
        if t.dep_ == "conj" and t.head.pos_ in ("VERB", "AUX"):
            out.add(t.head.i)
        if t.dep_ == "advcl" and t.head.i in c.mentions:
            out.add(t.head.i)
    return out


def _reaches(doc: Doc, tok: Token, targets: set[int], through: Optional[set[str]] = None) -> bool:
    """Whether ``tok`` modifies one of ``targets`` within its clause (no other verb in between)."""
    t = tok
    for step in range(12):
        if t.i in targets:
            return True
        if t.head.i == t.i or (through is not None and t.dep_ not in through):
            return False
        if step and t.pos_ in ("VERB", "AUX") and t.dep_ != "conj":
            return False
        t = t.head
    return False


def _root(doc: Doc, start: int, end: int) -> Optional[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None else None


def _place_span(doc: Doc, pm: PlaceMention) -> Optional[Span]:
    """The tokens of a place mention (None for one not in the text, such as a dateline given
    apart)."""
    return doc.char_span(pm.start, pm.end, alignment_mode="expand") if pm.start is not None else None


def _compound_head(tok: Token) -> Token:
    """The noun a chain of compounds ends in ("Grand" → "Prix" in "Brazilian Grand Prix")."""
    while tok.dep_ == "compound" and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _calendar_times(doc: Doc) -> list:
    """The article's calendar times with their syntactic roots, worked out once per doc."""
    found = doc._.times or []
    return per_doc(doc, "newsevents_calendar_times", found, lambda: [
        (tm, _root(doc, tm.start, tm.end)) for tm in found
        if tm.type in ("DATE", "TIME") and tm.value and tm.value[:1].isdigit()])


def attached_time(doc: Doc, c: EventCandidate):
    """The time expression attached to the event's trigger by syntax: first one on the trigger
    itself (or in a clause on a trigger noun: "a rally it had planned for February 10"), then one
    on the verb governing it."""
    # a time reaches a trigger through the parse, so only times in the triggers' sentences count
    sents = {sent_of(doc[i]).start for i in c.mentions}
    own = set(c.mentions)
    # a possessive time dates the noun it qualifies: "met ... following Monday's vote"
    times = [(tm, root) for tm, root in _calendar_times(doc)
             if root is not None and sent_of(root).start in sents
             and not (root.dep_ == "poss" and root.head.i not in own)]
    clauses = {v.i for i in c.mentions for v in doc[i].children
               if doc[i].pos_ == "NOUN" and v.dep_ == "relcl"}
    found = [tm for tm, root in times if root is not None
             and (_reaches(doc, root, own) or _reaches(doc, root, clauses))]
    if not found:
        gov = governing(doc, c)
        found = [tm for tm, root in times if root is not None and _reaches(doc, root, gov)]
    # a calendar date before a part of day ("in the wee hours on Wednesday")
    return min(found, key=lambda tm: tm.type != "DATE") if found else None


def event_date(doc: Doc, c: EventCandidate, taken: frozenset[int] = frozenset()) -> Optional[EventDate]:
    """The event's date: its own time expression, else its sentence's (``taken``: start offsets of
    times that other events' triggers own by syntax)."""
    tm = attached_time(doc, c)
    basis = "text"
    if tm is None:
        tm = _sentence_time(doc, c, taken)
        basis = "sentence"
    if tm is None:
        tm = _paragraph_time(doc, c, taken)
        basis = "paragraph"
    if tm is not None:
        return EventDate(text=tm.text, start=tm.start, end=tm.end, value=tm.value[:10],
                         precision=tm.precision, approx=tm.approx, earliest=tm.earliest,
                         latest=tm.latest, basis=basis)
    return None


def _sentence_time(doc: Doc, c: EventCandidate, taken: frozenset[int] = frozenset()):
    """The sentence's only time, unless it belongs to another event or to a clause the trigger
    is not in ("the crackdown was aimed at making the rival's January 29 gathering successful")."""
    sent = sent_of(doc[c.head])
    times = [t for t in doc._.times or [] if sent.start_char <= t.start < sent.end_char
             and t.type in ("DATE", "TIME") and t.value and t.value[:1].isdigit()]
    fronted = [t for t in times if _fronted(doc, sent, t) and t.start not in taken]
    if fronted:  # "On 7 May 2022, ...": a scene-setting time covers the whole sentence
        return fronted[0]
    if len(times) != 1 or times[0].start in taken:
        return None
    root = _root(doc, times[0].start, times[0].end)
    verb = next((a for a in root.ancestors if a.pos_ in ("VERB", "AUX")), None) if root is not None else None
    return times[0] if verb is None or doc[c.head] in verb.subtree else None


def _fronted(doc: Doc, sent: Span, tm) -> bool:
    """Whether a time opens its sentence and so sets the scene for all of it: "On 7 May 2022,
    ...", also after a short label ("Looting: On 5 June 2022, ...")."""
    if tm.start - sent.start_char <= 4:
        return True
    head = sent.text[:tm.start - sent.start_char].rstrip()
    label = head[:-1].rstrip() if head.endswith(":") else None
    if label is None:
        head = head[:-2].rstrip() if head.endswith(" On") or head.endswith(" on") else head
        label = head[:-1] if head.endswith(":") else None
    return label is not None and 0 < len(label.split()) <= 4 and not any(
        t.pos_ in ("VERB", "AUX") for t in doc.char_span(sent.start_char, tm.start, alignment_mode="contract") or [])


def _paragraph_time(doc: Doc, c: EventCandidate, taken: frozenset[int] = frozenset()):
    """The scene-setting date that opens an earlier sentence of the same paragraph and belongs to
    no other event ("On 19 May 2022, in Eastville, ... Both were killed.")."""
    sent = sent_of(doc[c.head])
    best = None
    for t in doc._.times or []:
        if t.start >= sent.start_char:
            break
        opener = sent_of(doc.char_span(t.start, t.end, alignment_mode="expand"))
        if t.type == "DATE" and t.precision == "day" and t.value and t.value[:1].isdigit() \
                and t.start not in taken \
                and _fronted(doc, opener, t):
            best = t
    if best is None or "\n\n" in doc[doc.char_span(best.start, best.end, alignment_mode="expand").start:sent.start].text_with_ws:
        return None
    return best


def article_month(doc: Doc) -> Optional[EventDate]:
    """No time in the text: the publication month, as an approximate estimate."""
    art = doc._.article
    if art is None or not art.date:
        return None
    month = art.date[:7]
    return EventDate(value=month, precision="month", approx=True, earliest=None, latest=art.date,
                     basis="article_date")


def _location(pm: PlaceMention, basis: str) -> Location:
    sub = pm.name if pm.precision in ("neighbourhood", "landmark") else None
    return Location(text=pm.text, name=pm.name, sublocality=sub, admin2=pm.admin2, admin1=pm.admin1,
                    country=pm.country, country_code=pm.country_code, lat=pm.lat, lon=pm.lon,
                    precision=pm.precision, geonames_id=pm.geonames_id, start=pm.start, end=pm.end,
                    basis=basis)


def _in_longer_name(doc: Doc, pm: PlaceMention) -> bool:
    """Whether a place is part of a longer name that is not a place's ("Lansing" in "Lansing
    State Journal", "Massachusetts" in "University of Massachusetts", "Iowa" in "the Iowa
    Capitol"): such a place names the organisation or building, not where the event happened."""
    span = _place_span(doc, pm)
    if span is None or not span[0].ent_type_:
        return False
    # the entity around the place's first token, from the IOB tags (no scan of doc.ents), up to
    # a bracket, comma or spaced dash: an entity that runs across one is a list the model ran
    # together ("Kisumu (Kisumu, Kisumu County"), not a name
    start = span.start
    while start > 0 and doc[start].ent_iob_ == "I" and not _name_break(doc[start - 1]):
        start -= 1
    end = span.start + 1
    while end < len(doc) and doc[end].ent_iob_ == "I" and not _name_break(doc[end]):
        end += 1
    return span[0].ent_type_ not in ("GPE", "LOC") and (start < span.start or end > span.end)


def _name_break(tok: Token) -> bool:
    return tok.text in ("(", ")", ",", "[", "]") or tok.text in ("-", "–", "—") and tok.i > 0 \
        and bool(tok.doc[tok.i - 1].whitespace_)


LOCATIVE = {"in", "near"}


def _names_a_person(doc: Doc, pm: PlaceMention) -> bool:
    """Whether a toponym is the surname of someone the article names (many surnames, "Jackson"
    or "Lincoln", are towns too) and is not used as a place: the model did not tag it as one and
    it does not follow "in" or "near" (a person's name follows them as a possessive: "a twist in
    Jackson's case")."""
    span = _place_span(doc, pm)
    if span is None or span[0].ent_type_ in ("GPE", "LOC", "FAC") or span.text.lower() not in person_surnames(doc):
        return False
    possessive = span.end < len(doc) and doc[span.end].lower_ in ("'s", "’s")
    return possessive or span.start == 0 or doc[span.start - 1].lower_ not in LOCATIVE


def _event_places(doc: Doc) -> list[PlaceMention]:
    """The article's located places where an event can happen, worked out once per doc."""
    found = doc._.places or []
    return per_doc(doc, "newsevents_event_places", found, lambda: [
        p for p in found if p.kind == "place" and p.lat is not None and not _in_longer_name(doc, p)
        and not _names_a_person(doc, p)])


def event_location(doc: Doc, c: EventCandidate) -> Optional[Location]:
    places = _event_places(doc)
    gov = governing(doc, c)
    attached = [p for p in places if (root := _root(doc, p.start, p.end)) is not None
                and root.i not in gov and _reaches(doc, root, gov)]
    if attached:  # attached to the trigger, told as where it happened rather than what about
        told = [_how_told(doc, p) for p in attached]
        lowest = min(told)
        attached = [p for p, how in zip(attached, told) if how == lowest]
        chosen = _narrowed(doc, c, in_named_region(doc, places, _most_precise(attached)))
        return _location(_finest_named(doc, c, chosen), "text")
    held = _occasion_country(doc, gov)
    if held is not None:
        return _location(held, "text")
    heads = {m.head for m in c.agents + c.targets}
    for p in places:  # inside an agent's or target's phrase ("security agencies in Liaquatabd")
        root = _root(doc, p.start, p.end)
        if root is not None and _reaches(doc, root, heads, PASS_THROUGH):
            return _location(_finest_named(doc, c, in_named_region(doc, places, p)), "actor")
    return dateline_location(doc)


def _occasions(doc: Doc) -> list[tuple[PlaceMention, Token]]:
    """Demonyms naming an occasion, with the occasion's noun ("the Brazilian Grand Prix", "the
    Kenyan elections"): such occasions are held in the country they are named after. Other
    demonyms say who, not where ("Turkish troops")."""
    found = doc._.places or []
    return per_doc(doc, "newsevents_occasions", found, lambda: _find_occasions(doc, found))


def _find_occasions(doc: Doc, places: list[PlaceMention]) -> list[tuple[PlaceMention, Token]]:
    occasions = place_words().get("occasion", set())
    out = []
    for p in places:
        if p.kind != "demonym" or p.lat is None or (root := _root(doc, p.start, p.end)) is None:
            continue
        if root.dep_ not in ("amod", "compound", "nmod"):
            continue
        # the occasion's word up the chain of compounds ("Brazilian" → "Grand" → "Prix") or
        # among the compounds of the noun it ends in ("the Kenyan election campaign")
        chain = [root.head]
        while chain[-1].dep_ == "compound" and chain[-1].head.i != chain[-1].i:
            chain.append(chain[-1].head)
        chain += [t for t in chain[-1].lefts if t.dep_ == "compound"]
        noun = next((t for t in chain if t.lower_ in occasions), None)
        if noun is not None:
            out.append((p, noun))
    return out


def _occasion_country(doc: Doc, gov: set[int]) -> Optional[PlaceMention]:
    """The country of an occasion attached to the event ("crashed at the Brazilian Grand Prix",
    "clashes during the Kenyan elections")."""
    return next((p for p, noun in _occasions(doc) if noun.i not in gov and _reaches(doc, noun, gov)), None)


#: prepositions after which a place is what an event is about or aimed at, not where it is
#: ("the invasion of Ruritania", "a protest against Ruritania", "talks with Ruritania")
_THEMATIC = frozenset({"of", "against", "for", "with", "over", "about"})
#: prepositions of where a movement ends ("a motorcade from Eastville to Bigcity")
_DESTINATION = frozenset({"to", "until", "till", "towards", "toward"})


@lru_cache(maxsize=1)
def _unit_nouns() -> frozenset[str]:
    """Nouns that make a place name before them (or after "of") the place itself: place nouns
    ("X district", "the town of X") and administrative units ("X municipality")."""
    words = place_words()
    return frozenset(words.get("noun", set()) | words.get("unit", set()))


def _how_told(doc: Doc, p: PlaceMention) -> int:
    """How a place attached to an event is told, the lower the likelier it is where the event
    happened: 0 where (or nothing says otherwise), 1 what the event is about ("a protest against
    the invasion of Ruritania held in Bigcity", the start of a march "from Eastville to Bigcity"),
    2 the name of a thing ("outside the Riverton hotel in Bigcity", "the Riverton community", "an
    anti-Ruritania march"): a facility, road or group named after a place (or a namesake of one)
    usually stands in the town named with it."""
    root = _root(doc, p.start, p.end)
    if root is None:
        return 0
    head = _compound_head(root.head)
    if root.dep_ in ("compound", "amod", "nmod") and head.i > root.i and head.pos_ in ("NOUN", "PROPN") \
            and head.lower_ not in _unit_nouns() and (head.text.islower() or head.ent_type_ not in ("GPE", "LOC")) \
            and not any(_name_break(t) for t in doc[root.i + 1:head.i]) \
            and not any(q.start is not None and q.start <= head.idx < q.end for q in _event_places(doc)):
        # also a name's ("the Riverton High School", "a Liberty Rally"), not a place and its part
        # ("Bigcity - Old Town")
        return 2
    if root.dep_ == "pobj" and head.lower_ in _THEMATIC and head.head.lower_ not in _unit_nouns() \
            and head.head.pos_ in ("NOUN", "PROPN", "VERB"):
        return 1
    if root.dep_ == "pobj" and head.lower_ == "from" \
            and any(t.lower_ in _DESTINATION for t in head.head.children if t.i > head.i):
        return 1  # a march "from Eastville to Bigcity" is held where it ends
    return 0


#: words that may stand between a place and the larger place it lies in ("Greenfield town,
#: Northshire", "Mill Park in Bigcity", "the Old Town district of Bigcity")
_CHAIN_WORDS = frozenset({",", "(", ")", "in", "of", "the"})
#: of these, the ones that say the next place contains the one before ("Mill Road in
#: Bigcity"), where a comma may also separate places of a list
_CONTAINING_WORDS = frozenset({"(", "in", "of"})
_LIST_END = re.compile(r"\s*,?\s*(?:and|or|&)\s")


def in_named_region(doc: Doc, places: list[PlaceMention], chosen: PlaceMention) -> PlaceMention:
    """``chosen``, made to agree with the places the text names around it as the larger places
    it lies in ("Bigcity (Northshire)", "Greenfield town, Northshire", "the town hall in
    Bigcity"): a more precise place named just before it inside it ("Bigcity, Northshire" with
    Northshire chosen: Bigcity); and if ``chosen`` was resolved outside the larger places named
    after it (a namesake elsewhere: the gazetteer lacks the small place meant), the most
    precise of those that agree with one another ("Greenfield, Northshire" with a Greenfield
    known only in another province: Northshire)."""
    i = places.index(chosen)
    before = i
    while before > 0 and _chained(doc, places[before - 1], places[before]) is not None:
        before -= 1
    chain, containing = [chosen], []
    for nxt in places[i + 1:]:
        cue = _chained(doc, chain[-1], nxt)
        if cue is None:
            break
        chain.append(nxt)
        containing.append(cue)
    for n in range(before, i):  # "Bigcity, Northshire" with Northshire chosen: Bigcity
        p = places[n]
        rank = _rank(p)
        larger = [r for r in places[n + 1:i] + chain if _rank(r) > rank]
        if chosen in larger and all(_within(p, r) for r in larger):
            return p
    rank = _rank(chosen)
    # a town named like its province after a comma stands for the province ("Greenfield,
    # Eastshire" where Eastshire is also the province's main town)
    # and a place of another country after a comma is where the namesake lies ("Eastville,
    # Bigcity" with Eastville known only abroad), unless the names are a list ("Paris, Rome
    # and Vienna")
    listed = chain[-1].end is not None and _LIST_END.match(doc_text(doc), chain[-1].end) is not None
    larger = [r for r, cue in zip(chain[1:], containing) if cue or _rank(r) > rank
              or r.admin1 and r.name and normalise(r.admin1) == normalise(r.name)
              or not listed and r.country_code != chosen.country_code]
    if not larger or all(_within(chosen, r) for r in larger):
        return chosen
    context = normalise(" ".join(r.text or "" for r in chain[1:]))
    if any(v and f" {normalise(v)} " in f" {context} " for v in (chosen.admin1, chosen.admin2)):
        return chosen  # its own province is named, in words the model split into other places
    for n, r in enumerate(larger):
        if all(_within(r, o) for o in larger[n + 1:]):
            return r
    return chosen


def _within(place: PlaceMention, region: PlaceMention) -> bool:
    """Whether ``place`` may lie in ``region`` (same country, and same province unless
    ``region`` is a country)."""
    return place.country_code == region.country_code and (
        region.precision == "country" or place.admin1 == region.admin1)


def _chained(doc: Doc, a: PlaceMention, b: PlaceMention) -> Optional[bool]:
    """None unless place ``b`` follows ``a`` with only commas, brackets, "in", "of" and place
    nouns between them; then whether those words say ``b`` contains ``a`` ("in", "of", "(")."""
    if a.end is None or b.start is None or b.start < a.end:
        return None
    gap = doc.char_span(a.end, b.start, alignment_mode="expand")
    if gap is None or len(gap) > 3:
        return None
    nouns = place_words().get("noun", set())
    if not all(t.lower_ in _CHAIN_WORDS or t.lower_ in nouns for t in gap):
        return None
    # "Eastville town, Northshire": a place noun after the first name says a place and its region
    return any(t.lower_ in _CONTAINING_WORDS or t.lower_ in nouns for t in gap)


def _most_precise(places: list[PlaceMention]) -> PlaceMention:
    """Of the places told for one event, the most precise one inside the first ("in the town of
    Garissa in eastern Kenya" is Garissa); a place outside it is a misreading."""
    best = places[0]
    for p in places[1:]:
        if _inside(p, best):
            best = p
    return best


def _narrowed(doc: Doc, c: EventCandidate, place: PlaceMention) -> PlaceMention:
    """A country the event is told in, narrowed to the one place inside it that the next
    sentence of its paragraph names ("... a bomb went off in a market in northern Nigeria. The
    market in Maiduguri ..." is Maiduguri)."""
    sents = sentences(doc)
    i = [s.start for s in sents].index(sent_of(doc[c.head]).start)
    if place.precision != "country" or i + 1 == len(sents):
        return place
    told = doc_text(doc)[sents[i].start_char:sents[i + 1].start_char]
    if "\n\n" in told[len(told.rstrip()):]:  # a new paragraph
        return place
    start, end = sents[i + 1].start_char, sents[i + 1].end_char
    inside = {(p.name, p.country_code): p for p in _event_places(doc)
              if p.start is not None and start <= p.start < end and _inside(p, place)}
    return next(iter(inside.values())) if len(inside) == 1 else place


def _finest_named(doc: Doc, c: EventCandidate, place: PlaceMention) -> PlaceMention:
    """A country or province given as the event's place, made the one more precise place
    inside it that the paragraph names, as analysts code an event at the most precise place
    told: "fired at a post in Eastville town (Northshire)" with the country chosen from "a
    Ruritania soldier was killed" is Eastville. The paragraph's places inside the region must
    all be that place or contain it (one place told at several levels); several towns (a
    protest "across the state, in Eastville and Westville") leave the region."""
    if place.precision not in ("country", "admin1"):
        return place
    text = doc_text(doc)
    head = doc[c.head].idx
    inside = [p for p in _event_places(doc) if _inside(p, place) and p.start is not None
              and "\n\n" not in text[min(p.start, head):max(p.start, head)]]
    if not inside:
        return place
    finest = min(inside, key=_rank)
    rank = _rank(finest)
    if all((p.name, p.country_code) == (finest.name, finest.country_code)
           or _rank(p) > rank and _within(finest, p) for p in inside):
        return finest
    return place


def dateline_location(doc: Doc) -> Optional[Location]:
    """The dateline's place, else the article's main place (``main_place``)."""
    for p in doc._.places or []:
        if p.kind == "dateline" and p.lat is not None:
            return _location(p, "dateline")
    best = main_place(doc)
    return _location(best, "article") if best is not None else None


PRECISION_RANK = {"landmark": 0, "neighbourhood": 1, "city": 2, "admin2": 3, "admin1": 4, "country": 5}
REGION_SHARE = 0.5  # what naming a region adds to each place the article names inside it


def _rank(p: PlaceMention) -> int:
    """How coarse a place is (``PRECISION_RANK``; 6 for a precision it does not list)."""
    return PRECISION_RANK.get(p.precision, 6)


def _inside(place: PlaceMention, region: PlaceMention) -> bool:
    """Whether ``place`` lies in ``region``, a country or a first-level division."""
    if region.country_code is None or place.country_code != region.country_code \
            or _rank(place) >= _rank(region):
        return False
    return region.precision == "country" or region.precision == "admin1" and place.admin1 == region.name


def main_place(doc: Doc) -> Optional[PlaceMention]:
    """The place the article is about: the one named most, where each mention of a country or
    region also counts REGION_SHARE for every place the article names inside it, so that
    "Kenya ... Garissa County ... in Garissa town" is Garissa (the most precise place, as
    analysts code it) while a city named once in passing does not outweigh a country named
    throughout. Ties: the more precise place, then the one named first. A place named only
    inside a longer name ("near the Kisumu water works") is the last resort. An occasion named
    after a country ("the Brazilian Grand Prix") counts as a mention of that country."""
    places = _event_places(doc) or [p for p in doc._.places or [] if p.kind == "place" and p.lat is not None
                                    and not _names_a_person(doc, p)]
    places = places + [p for p, _ in _occasions(doc)]
    if not places:
        return None
    first: dict[tuple, PlaceMention] = {}
    for p in places:
        first.setdefault((p.name, p.country_code), p)
    counts = Counter((p.name, p.country_code) for p in places)
    score = {k: n + REGION_SHARE * sum(m for r, m in counts.items() if _inside(first[k], first[r]))
             for k, n in counts.items()}
    best = min(first, key=lambda k: (-score[k], _rank(first[k]), first[k].start or 0))
    return first[best]


def event_count(doc: Doc, c: EventCandidate) -> Optional[Count]:
    """People targeted (or taking part, for protests), with bounds."""
    protest = c.type in PARTICIPATION
    people = c.agents if protest else c.targets
    named = [] if protest else [m for m in people if m.label in ("PERSON",) or m.label == "ROLE"
             and doc[m.start].lower_ in ("a", "an")]
    quants = _quantities_for(doc, [m for m in people if m.label == "NOUN"])
    extra = sum(q.min or 0 for q in c.extra)
    if named:
        n = len({m.name or m.text for m in named})
        if quants and quants[0].min == quants[0].max and (quants[0].min or 0) >= n:
            n = quants[0].min
        q = quants[0] if quants else (c.extra[0] if c.extra else None)
        return Count(min=n + extra, max=n + extra, text=q.text if q else None,
                     start=q.start if q else None, end=q.end if q else None)
    if quants:
        q = quants[0]
        return Count(min=q.min, max=q.max, text=q.text, start=q.start, end=q.end)
    return None


def _harm_window(doc: Doc, c: EventCandidate, busy: set[int]) -> list[Span]:
    """Sentences that report the event's harm: each mention's sentence and the sentences after the
    first one, in its paragraph, up to the next sentence with another event of its own."""
    sents = {sent_of(doc[i]).start: sent_of(doc[i]) for i in c.mentions}
    own = set(sents)
    sent = sent_of(doc[c.head])
    while sent.end < len(doc):
        nxt = sent_of(doc[sent.end])
        if nxt.start in busy and nxt.start not in own or "\n\n" in doc[sent.end - 1:nxt.start + 1].text_with_ws \
                and sent.start_char >= headline_end(doc):  # a headline goes on in its lead
            break
        sents[nxt.start] = sent = nxt
    return [sents[k] for k in sorted(sents)]


def harm_counts(doc: Doc, c: EventCandidate, busy: set[int]) -> tuple[Optional[Count], Optional[Count]]:
    """Fatalities and injuries: "killing 6 civilians", "At least 12 were injured" in the next
    sentence, "2 fatalities"; a single person killed counts 1. The largest figure reported wins
    (the same deaths are often repeated, never summed)."""
    out: dict[str, Optional[Count]] = {"kill": None, "injure": None}
    for sent in _harm_window(doc, c, busy):
        for key, lemmas in (("kill", KILL), ("injure", INJURE)):
            found = _harm_in(doc, sent, lemmas)
            if found is not None and (out[key] is None or (found.min or 0) > (out[key].min or 0)):
                out[key] = found
    return out["kill"], out["injure"]


def _harm_in(doc: Doc, sent: Span, lemmas: set[str]) -> Optional[Count]:
    for q in doc._.quantities or []:
        if not (sent.start_char <= q.start < sent.end_char) or q.head_i is None:
            continue
        noun = doc[q.head_i]
        if any(a.lower_ == "including" for a in noun.ancestors if a.i > sent.start):
            continue
        if _harmed(noun, lemmas):
            return Count(min=q.min, max=q.max, text=q.text, start=q.start, end=q.end)
    for tok in sent:  # "a man was shot dead", "killed an informant", "Yusuf al Awni was killed"
        if tok.dep_ in ("dobj", "nsubjpass") and tok.tag_ in ("NN", "NNP") and _harmed(tok, lemmas) \
                and not any(c.dep_ == "nummod" for c in tok.children) \
                and tok.ent_type_ not in ("ORG", "GPE", "LOC", "FAC", "DATE", "TIME"):
            return Count(min=1, max=1, text=tok.text, start=tok.idx, end=tok.idx + len(tok))
    return None


INTRANSITIVE_HARM = {"die", "dead"}


def _harm_verb(verb: Token, lemmas: set[str], shared_subject: bool = False) -> bool:
    """A verb of killing (or injuring), alone or with its particle ("shot dead"), or, for a
    subject the verbs share, conjoined with one ("was shot two times and killed")."""
    for v in (verb, *(verb.conjuncts if shared_subject else ())):
        lemma = v.lemma_.lower()
        if lemma in lemmas or any(f"{lemma} {c.lower_}" in lemmas for c in v.children
                                  if c.dep_ in ("prt", "acomp", "oprd", "advmod", "xcomp")):
            return True
    return False


def _harm_word(tok: Token, lemmas: set[str]) -> bool:
    return tok.lemma_.lower() in lemmas or tok.lower_ in lemmas


def _harmed(noun: Token, lemmas: set[str]) -> bool:
    """Whether people named by ``noun`` were killed (injured): objects of killing, subjects of
    dying or of passive killing, "the bodies of twelve civilians"."""
    h = noun.head
    if noun.dep_ in ("dobj", "nsubjpass") and _harm_verb(h, lemmas, noun.dep_ == "nsubjpass"):
        return True
    if noun.dep_ == "nsubj" and h.lemma_.lower() in INTRANSITIVE_HARM & lemmas:
        return True
    # resultatives: "left two people dead", "left five wounded"
    if noun.dep_ == "dobj" and any(c.dep_ in ("oprd", "acomp", "ccomp", "xcomp") and _harm_word(c, lemmas)
                                   for c in h.children):
        return True
    # a bare count before a participle: "... and at least nine injured"
    if noun.dep_ in ("npadvmod", "nsubj") and noun.like_num and h.tag_ in ("VBN", "JJ") and _harm_word(h, lemmas):
        return True
    if lemmas is KILL and h.dep_ == "prep" and h.lower_ == "of" and h.head.lemma_.lower() in ("body", "corpse", "remains"):
        return True
    return any(c.lemma_.lower() in lemmas and c.dep_ in ("amod", "acl", "appos") for c in noun.children) \
        or (noun.lemma_.lower() in lemmas)


# -- building the contract objects -----------------------------------------------------------

def _span(doc: Doc, start: int, end: int) -> TextSpan:
    s = doc[start:end]
    return TextSpan(text=s.text, start=s.start_char, end=s.end_char)


def event_id(doc: Doc, c: EventCandidate) -> str:
    art = doc._.article
    key = f"{art.id if art else ''}:{doc[c.trigger[0]].idx}:{c.type}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def refine_type(c: EventCandidate, fatalities: Optional[Count]) -> str:
    """ACLED's rules for edge cases: violence between armed groups is a clash, violence against
    protesters is force against them, excessive (lethal) force is not mere intervention."""
    if c.type == "ATTACK" and c.targets and all(t.kind in ARMED_KINDS for t in c.targets):
        return "ARMED_CLASH"
    if c.type == "ATTACK" and any(t.kind == "protesters" for t in c.targets):
        return "FORCE_AGAINST_PROTEST"
    if c.type == "PROTEST_WITH_INTER" and fatalities is not None and (fatalities.min or 0) > 0:
        return "FORCE_AGAINST_PROTEST"
    crowd = ("rioters", "protesters")
    if c.type in ("PROPERTY_DISTRUCT", "ARMED_CLASH", "ATTACK") and any(a.kind in crowd for a in c.agents):
        return "VIOL_DEMONSTR"
    if c.type == "ATTACK" and not c.targets and c.agents \
            and all(a.kind in ARMED_KINDS | {"unidentified_armed_group"} for a in c.agents) \
            and c.armed_nearby:
        return "ARMED_CLASH"  # armed men attacking a police post or an army patrol
    return c.type


def _armed_nearby(doc: Doc, c: EventCandidate) -> bool:
    """Whether the trigger's sentence names armed forces besides the event's agents."""
    sent = sent_of(doc[c.head])
    agents = {id(a) for a in c.agents}
    return any(m.kind in ARMED_KINDS and id(m) not in agents and sent.start <= m.start < sent.end
               for m in doc._.actors or [])


def violent_protests(events: list[Event]) -> None:
    """A protest told in the same sentence as violence by protesters or a crowd is a violent
    demonstration (ACLED: the demonstration is coded by its most violent form)."""
    violent = {e.sentence.start for e in events if e.type == "VIOL_DEMONSTR"
               or e.type == "PROPERTY_DISTRUCT" and not e.agents}
    for e in events:
        if e.type == "PEACE_PROTEST" and e.sentence.start in violent:
            e.type, e.type_names = "VIOL_DEMONSTR", type_names("VIOL_DEMONSTR")


def build_event(doc: Doc, c: EventCandidate, busy: set[int] = frozenset(),
                taken: frozenset[int] = frozenset()) -> Event:
    sent = sent_of(doc[c.head])
    date = event_date(doc, c, taken) or (None if c.background else article_month(doc))
    fatalities, injuries = harm_counts(doc, c, busy) if c.type in HARMFUL else (None, None)
    c.armed_nearby = _armed_nearby(doc, c)
    c.type = refine_type(c, fatalities)
    others = [_span(doc, i, i + 1) for i in c.mentions if i != c.head]
    return Event(
        id=event_id(doc, c), type=c.type, type_names=type_names(c.type), trigger=_span(doc, *c.trigger),
        sentence=TextSpan(start=sent.start_char, end=sent.end_char),
        date=date, location=event_location(doc, c),
        agents=[m.to_actor() for m in c.agents], targets=[m.to_actor() for m in c.targets],
        count=event_count(doc, c), fatalities=fatalities, injuries=injuries,
        claim=c.claim, background=c.background,
        confidence=confidence("trigger_alone", trigger_features(c)),
        rule=c.rule, mentions=others,
    )


def type_names(code: str) -> TypeNames:
    row = taxonomy().get(code, {})
    return TypeNames(**{k: row.get(k) or None for k in TypeNames.model_fields})


def salience(doc: Doc, e: Event, c: EventCandidate) -> float:
    """How central an event is to the article: specific, early, new and told as fact ranks first."""
    score = c.weight
    score += 0.5 * any(t.kind == "person" and t.name for t in e.targets)
    score += 0.3 * bool(e.date and e.date.basis in ("text", "sentence"))
    score += 0.2 * bool(e.location and e.location.basis in ("text", "actor"))
    score += 0.2 * bool(e.agents) + 0.1 * len(c.mentions)
    score -= 1.0 * e.background
    score -= 0.3 * (e.claim.status not in ("asserted", "claimed"))
    score -= 0.5 * (e.type == "ATTRIB")
    position = [s.start for s in sentences(doc)].index(sent_of(doc[c.head]).start)
    position = max(0, position - headline_sentences(doc))  # counted in the lead, under the headline
    score += 0.4 if position < 2 else -0.02 * position  # news puts the main event in its lead
    end = headline_end(doc)
    score += HEADLINE_BONUS * any(doc[i].idx < end for i in c.mentions)  # and names it in the headline
    return round(score, 3)


HEADLINE_BONUS = 1.0
HEADLINE_MAX_WORDS = 25


def headline_end(doc: Doc) -> int:
    """Where the headline that opens the text ends (a character offset), 0 when there is none: a
    first line that reads as a heading (``_heading``), with more text after that does not go on
    in lower case (a sentence broken across lines)."""
    def compute() -> int:
        text = doc_text(doc)
        line, sep, rest = text.partition("\n")
        line, rest = line.rstrip(), rest.lstrip()
        return len(line) if sep and rest and not rest[0].islower() and _heading(line) else 0
    return per_doc(doc, "newsevents_headline", len(doc), compute)


def _heading(line: str) -> bool:
    """Whether a line reads as a heading: at most HEADLINE_MAX_WORDS words, not closed by a full
    stop."""
    closed = line.rstrip().rstrip("\"'”’)")
    return 0 < len(line.split()) <= HEADLINE_MAX_WORDS and not (closed.endswith(".") and not closed.endswith("..."))


def headline_sentences(doc: Doc) -> int:
    """How many of the doc's first sentences make up its headline (0 when it has none; one when
    the doc was made by ``nlp.make_doc``, which starts a sentence after the headline)."""
    end = headline_end(doc)
    n = 0
    for s in sentences(doc) if end else ():
        if s.start_char >= end:
            break
        n += 1
    return n


def lead_sentence(doc: Doc) -> Optional[Span]:
    """The first sentence of the lead under a headline (None when there is no headline): the
    first sentence after it, past further heading lines (a subtitle or standfirst)."""
    def compute() -> Optional[Span]:
        sents = sentences(doc)
        i = headline_sentences(doc)
        while 0 < i < len(sents) - 1 and _heading(sents[i].text) and _ends_line(doc, sents[i]):
            i += 1
        return sents[i] if 0 < i < len(sents) else None
    return per_doc(doc, "newsevents_lead_sentence", len(doc), compute)


def _ends_line(doc: Doc, sent: Span) -> bool:
    """Whether a line break follows the sentence."""
    after = doc[sent.end].text_with_ws if sent.end < len(doc) else ""
    return "\n" in sent[-1].text_with_ws + after


# Combining the rules with the learned classifier (measured in docs/benchmarks.md). The main
# event's type is the one with the best combined score: the classifier's calibrated probability
# of a type, plus RULE_BONUS times the trigger's reliability for the type the rules gave. A
# classifier type that another event of the main sentence already has makes that event the main
# one. With no trigger at all, or only triggers of earlier events the story recalls
# (background), the classifier types the article's lead when it is at least MODEL_ALONE sure.
RULE_BONUS = 0.5
MODEL_ALONE = 0.15
MODEL_KEEPS = 0.9  # a trigger this reliable keeps its type when it names the person it happened to


def model_sentences(doc: Doc, head: Optional[int] = None) -> list[Span]:
    """The sentences the classifier reads for the event at token ``head``: the article's lead
    (its headline, then the lead's first two sentences) when the event is told there (news gives
    the main event's type in its first sentences), else the event's own sentence and the next.
    With no ``head``, the lead. The ACLED coding rules read the same."""
    sents = sentences(doc)
    lead = sents[:2 + headline_sentences(doc)]
    if head is None:
        return lead
    start = sent_of(doc[head]).start
    if any(s.start == start for s in lead):
        return lead
    i = next(n for n, s in enumerate(sents) if s.start == start)
    return sents[i:i + 2]


def _lead(doc: Doc) -> str:
    return " ".join(s.text for s in model_sentences(doc))


def _model_text(doc: Doc, head: int) -> str:
    """What the classifier reads for the event at token ``head`` (``model_sentences``)."""
    return " ".join(s.text for s in model_sentences(doc, head))


CAUSE_WORDS = {"because", "due", "owing"}


def told_as_cause(tok: Token) -> bool:
    """"because of attacks", "due to fighting": a trigger that is the cause of another happening."""
    return tok.dep_ == "pobj" and tok.head.lower_ in CAUSE_WORDS and tok.head.head.pos_ in ("VERB", "AUX")


def combined_type(rule_type: str, weight: float, ranked: list[tuple[str, float]]) -> tuple[str, float]:
    """The type with the best combined score and its score (see RULE_BONUS)."""
    probs = dict(ranked)
    best, score = rule_type, probs.get(rule_type, 0.0) + RULE_BONUS * weight
    for t, p in ranked:
        if p > score:
            best, score = t, p
        break  # only the classifier's first choice competes with the rules'
    return best, score


def apply_type_model(doc: Doc, events: list[Event], cands: dict[str, EventCandidate]) -> list[Event]:
    """The classifier's word on the main event's type, or a model-typed event for the lead."""
    if not len(doc):
        return events
    if all(e.background for e in events):  # no event, or only earlier ones the story recalls
        top, p_top = classify([_lead(doc)])[0][0]
        if top != "OTHER" and figurative_lead(doc):  # a match, a market, a film: no political event
            return [model_event(doc, "OTHER", lead_confidence(), FIGURATIVE_LEAD_RULE), *events]
        return [model_event(doc, top, p_top), *events] if p_top >= MODEL_ALONE else events
    main = events[0]
    c = cands[main.id]
    ranked = classify([_model_text(doc, c.head)])[0]
    named = any(t.label == "PERSON" for t in c.targets)
    if c.weight >= MODEL_KEEPS and named:
        return events
    best, _ = combined_type(main.type, c.weight, ranked)
    # the catch-all type never overrides a trigger, save one told only as the cause of what
    # happened ("fled because of attacks"): the report is about its consequence
    if best == main.type or best == "OTHER" and not told_as_cause(doc[c.head]):
        return events
    told = next((e for e in events[1:] if e.type == best and e.sentence.start == main.sentence.start), None)
    if told is not None:  # the sentence's other event is the one the classifier reads
        return [told, *[e for e in events if e is not told]]
    p = dict(ranked)[best]
    c.type, c.rule = best, MODEL_RULE
    main.type, main.rule = refine_type(c, main.fatalities), MODEL_RULE
    main.type_names = type_names(main.type)
    main.confidence = round(p, 2)
    if main.type in HARMFUL and main.fatalities is None and main.injuries is None:
        busy = {sent_of(doc[i]).start for x in cands.values() for i in x.mentions}
        main.fatalities, main.injuries = harm_counts(doc, c, busy)
    return events


FIGURATIVE_LEAD_RULE = "figurative_lead"


def figurative_lead(doc: Doc) -> bool:
    """Whether the article's lead (``model_sentences``) uses an event word in a figurative sense
    (``figurative``: "ended a 52-year title drought", "shares crashed"). Called when the lead
    reports no event: the report is then about sport, business or entertainment, and its
    happening is typed OTHER rather than whatever political type the classifier likes best for
    its words (the classifier learnt from reports of events only)."""
    lead = model_sentences(doc)
    end = lead[-1].end if lead else 0
    hits = takewhile(lambda hit: hit[0].i < end, trigger_hits(doc))  # (in text order)
    return any(figurative(head, d) for _, d, _, head in hits)


def model_event(doc: Doc, type_: str, p: float, rule: str = MODEL_RULE) -> Event:
    """An event the classifier found in the article's lead, with no trigger of its own."""
    first = sentences(doc)[0]
    agents, targets = doc._.lead_arguments or ([], [])
    c = EventCandidate(type=type_, weight=p, rule=rule, trigger=(first.start, first.start),
                       head=first.root.i, mentions=[first.root.i], agents=list(agents), targets=list(targets))
    art = doc._.article
    key = f"{art.id if art else ''}:model:{type_}"
    fatalities, injuries = harm_counts(doc, c, set()) if type_ in HARMFUL else (None, None)
    e = Event(id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16], type=type_,
              type_names=type_names(type_), trigger=TextSpan(),
              sentence=TextSpan(start=first.start_char, end=first.end_char),
              date=event_date(doc, c) or article_month(doc), location=dateline_location(doc),
              agents=[m.to_actor() for m in c.agents], targets=[m.to_actor() for m in c.targets],
              fatalities=fatalities, injuries=injuries, confidence=round(p, 2), rule=rule)
    # with no trigger, nothing says which of the lead's times is the event's: only its place
    borrow_from_partner(doc, e, headline_partner(doc, c, [c]), dated=False)
    return e


def headline_partner(doc: Doc, c: EventCandidate, cands: list[EventCandidate]) -> Optional[EventCandidate]:
    """A headline and the first sentence of its lead tell one story: for an event told only in
    the headline, a stand-in at the root of the lead's first sentence (unless that sentence tells
    another event of its kind); for one told only there under a headline that tells no event, a
    stand-in at the headline's root (None otherwise)."""
    lead = lead_sentence(doc)
    if lead is None:
        return None
    end = headline_end(doc)
    if _headline_only(doc, c, end):
        if any(lead.start <= x.head < lead.end and _of_a_kind(c, x) for x in cands if x is not c):
            return None  # the lead tells another event of its kind (``merge_headline`` kept them apart)
        sent = lead
    elif all(lead.start <= i < lead.end for i in c.mentions) \
            and not any(doc[i].idx < end for x in cands for i in x.mentions):
        sent = sentences(doc)[0]
    else:
        return None
    root = sent.root
    # what a reporting sentence reports ("Soldiers fought ... on Saturday, the army said")
    root = next((t for t in root.children if t.dep_ == "ccomp" and t.pos_ in ("VERB", "AUX")), root)
    return EventCandidate(type=c.type, weight=c.weight, rule=c.rule, trigger=(root.i, root.i + 1),
                          head=root.i, mentions=[root.i])


def borrow_from_partner(doc: Doc, e: Event, partner: Optional[EventCandidate],
                        taken: frozenset[int] = frozenset(), busy: set[int] = frozenset(),
                        dated: bool = True) -> None:
    """An event with no date or place of its own takes those its partner sentence gives
    (``headline_partner``): the date as the sentence's, the place as told in the text; an event
    of the lead with no harm counted takes the headline's ("Nine dead as bus plunges ...")."""
    if partner is None:
        return
    if e.type in HARMFUL and e.fatalities is None and e.injuries is None \
            and doc[partner.head].idx < headline_end(doc):
        e.fatalities, e.injuries = harm_counts(doc, partner, busy)
    if dated and e.date is not None and e.date.basis == "article_date":
        date = event_date(doc, partner, taken)
        if date is not None and date.basis in ("text", "sentence"):
            e.date = date.model_copy(update={"basis": "sentence"})
    if e.location is None or e.location.basis in ("dateline", "article"):
        place = event_location(doc, partner)
        if place is not None and place.basis == "text":
            e.location = place


def build_events(doc: Doc, cands: list[EventCandidate], use_model: bool = True) -> list[Event]:
    """Contract events ordered by salience, the main event first."""
    built = []
    busy = {sent_of(doc[i]).start for c in cands for i in c.mentions}
    owned = {c.head: attached_time(doc, c) for c in cands}
    for c in cands:
        taken = frozenset(t.start for h, t in owned.items() if t is not None and h != c.head)
        e = build_event(doc, c, busy, taken)
        borrow_from_partner(doc, e, headline_partner(doc, c, cands), taken, busy)
        e.salience = salience(doc, e, c)
        built.append(e)
    violent_protests(built)
    events = sorted(built, key=lambda e: (-e.salience, e.trigger.start or 0))
    from .coding import apply_coding_rules  # it builds on this module's helpers

    by_id = {e.id: c for e, c in zip(built, cands)}
    if use_model:
        events = apply_type_model(doc, events, by_id)
    apply_coding_rules(doc, events, by_id)
    calibrate(doc, events, by_id, use_model)
    main = main_place(doc)
    code_events(doc, events, main.country if main is not None else None)
    return events


@Language.factory("newsevents_events", default_config={"spacy_model": "", "role_policy": "model",
                                                       "role_model": ""},
                  requires=["doc._.actors", "doc._.places", "doc._.times", "doc._.quantities"],
                  assigns=["doc._.event_candidates", "doc._.lead_arguments"])
def make_events(nlp: Language, name: str, spacy_model: str, role_policy: str, role_model: str):
    """``spacy_model``: the model package the argument-role model is trained with (none: rules
    only); ``role_policy``: how the model's and the rules' arguments combine
    (``find_event_candidates``); ``role_model``: a role-model file to use instead."""
    model = None
    if role_policy != "off" and (spacy_model or role_model):
        from . import roles
        model = roles.load_file(role_model) if role_model else roles.role_model(spacy_model)

    def events_component(doc: Doc) -> Doc:
        doc._.event_candidates = find_event_candidates(doc, model, role_policy)
        return doc
    return events_component
