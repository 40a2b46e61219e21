"""Stage 8: claims — who says each event happened, how it is framed, and whether it is background.

Status comes from cues on each mention of the event (data/claims.toml):
hedges ("allegedly", "alleged"), reporting verbs over the clause ("MQM has claimed that ...",
"Sources said ..."), "according to X", plans and changes of plan ("would stage a rally",
"has been postponed"), modality ("may"), negation. A sentence with no cue of its own that follows
a reporting sentence in the same paragraph carries that report on ("Sources said ... Those found
active ... were picked up again"). Background: past perfect, "earlier", dates long before the
article, and what follows a background event about the same person.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Optional

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc, Token

from ..schema import Claim
from .timex_periods import period_of
from .events import EventCandidate, attached_time, build_events
from ..extensions import per_doc, sent_of

PRIORITY = {"cancelled": 6, "postponed": 6, "denied": 5, "negated": 4, "hypothetical": 3,
            "claimed": 2, "alleged": 2, "planned": 1, "asserted": 0}
FUTURE_AUX = {"will", "would", "shall", "'ll", "wo"}
PLAN_BLOCKERS = {"refuse", "decline", "fail"}  # "refused to postpone": the plan stands
#: verbs of carrying out an event ("stage", "hold"): planned only when not in the past tense
HELD_VERBS = {"stage", "hold", "organise", "organize"}
REPORT_OPENERS = {"it"}  # "It has been reported that ..."
BACKGROUND_DAYS = 180


@lru_cache(maxsize=1)
def cues() -> dict:
    return tomllib.loads(resources.files("newsevents").joinpath("data/claims.toml").read_text("utf-8"))


def _source_text(verb: Token, actors) -> Optional[str]:
    """Who reports: the subject of a reporting verb, as an actor name or its noun phrase."""
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None and verb.dep_ == "conj":
        # "X denied that ... and said ...": the subject of the reporting verb it is joined to,
        # even when the parser hangs it on a verb of the first complement
        reporting = cues()["reporting"]
        up = verb.head
        while up.head.i != up.i and up.lemma_.lower() not in reporting:
            up = up.head
        if up.lemma_.lower() in reporting:
            subj = next((c for c in up.children if c.dep_ == "nsubj"), None)
    if subj is None:
        if verb.dep_ in ("ccomp", "conj") and verb.head.pos_ in ("VERB", "AUX", "ADJ"):
            subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        if subj is None:
            return None
    if subj.lower_ in REPORT_OPENERS:
        return None
    for m in actors:
        if m.start <= subj.i < m.end and (m.name or m.head == subj.i):
            return m.name or m.text
    end = subj.right_edge.i
    relcl = [c for c in subj.children if c.dep_ in ("relcl", "acl") and c.i > subj.i]
    if relcl:
        end = relcl[0].left_edge.i - 1
    text = subj.doc[subj.left_edge.i:end + 1].text.strip(" ,")
    return text or None


def _clause_chain(tok: Token) -> list[Token]:
    """The trigger and the verbs/nouns above it, up to the sentence root."""
    chain, t = [tok], tok
    while t.head.i != t.i and len(chain) < 8:
        t = t.head
        chain.append(t)
    return chain


def mention_claim(doc: Doc, head: Token, c: EventCandidate) -> Claim:
    """The claim one mention carries, from the cues around its trigger."""
    hedges, reporting, plans, modals = (cues()[k] for k in ("hedges", "reporting", "plans", "modals"))
    chain = _clause_chain(head)
    actors = doc._.actors or []
    status, source, cue = "asserted", None, None
    for i, t in enumerate(chain):
        lemma = t.lemma_.lower()
        # a reporting verb governs the clause it takes as complement, also when it is itself
        # conjoined ("denied that X and said that Y": Y is said, not denied)
        conj_ok = t.dep_ != "conj" or chain[i - 1].dep_ in ("ccomp", "xcomp")
        if i > 0 and conj_ok and lemma in reporting and chain[i - 1].dep_ in ("ccomp", "xcomp", "conj", "advcl", "parataxis"):
            if c.type != "ATTRIB":
                return _reported(t, reporting[lemma], status, cue, actors)
        prt = next((ch.lower_ for ch in t.children if ch.dep_ == "prt"), None)
        lemma = f"{lemma} {prt}" if prt and f"{lemma} {prt}" in plans else lemma
        if 0 < i <= 2 and lemma in plans and chain[i - 1].dep_ in ("dobj", "nsubjpass", "xcomp", "ccomp") \
                and (i == 1 or chain[1].pos_ in ("VERB", "AUX")):
            done = lemma in HELD_VERBS and t.tag_ in ("VBD", "VBN")  # "held a rally": it happened
            if not done and not any(a.lemma_ in PLAN_BLOCKERS for a in chain[i + 1:i + 2]):
                status, cue = _stronger(status, plans[lemma]), t
        if i == 0 and lemma in plans and plans[lemma] in ("postponed", "cancelled") and c.type.endswith("PROTEST"):
            status, cue = _stronger(status, plans[lemma]), t
        for ch in t.children:
            word = ch.lower_
            if ch.dep_ in ("advmod", "amod") and word in hedges and i <= 2:
                status, cue = _stronger(status, hedges[word]), ch
            elif ch.dep_ == "aux" and word in FUTURE_AUX and i <= 2 and t.pos_ in ("VERB", "AUX"):
                status, cue = _stronger(status, "planned"), ch
            elif ch.dep_ == "aux" and word in modals and i <= 1:
                status, cue = _stronger(status, modals[word]), ch
            elif ch.dep_ == "neg" and i == 0:
                status, cue = _stronger(status, "negated"), ch
    according = _according_to(sent_of(head), actors)
    if according and status in ("asserted", "alleged"):
        return Claim(status="claimed", source=according, cue="according to")
    if cue is None:
        return Claim(status=status)
    return Claim(status=status, source=source, cue=cue.text, cue_start=cue.idx, cue_end=cue.idx + len(cue))


def _reported(verb: Token, reported: str, inner: str, inner_cue: Optional[Token], actors) -> Claim:
    """A report: who says it, and the status of what is said ("said it would hold a protest":
    planned, according to the speaker)."""
    source = _source_text(verb, actors)
    if inner not in ("asserted", "alleged") and reported != "denied":
        status, cue = inner, inner_cue or verb
    else:
        status = reported if source or reported != "claimed" else "alleged"
        cue = verb
    return Claim(status=status, source=source, cue=cue.text, cue_start=cue.idx, cue_end=cue.idx + len(cue))


def _stronger(a: str, b: str) -> str:
    return b if PRIORITY[b] > PRIORITY[a] else a


def _according_positions(doc: Doc) -> list[int]:
    """Tokens "according" followed by "to" in the doc, found once per doc."""
    def find() -> list[int]:
        lower = doc.to_array(LOWER).tolist() if len(doc) else []
        according, to = doc.vocab.strings["according"], doc.vocab.strings["to"]
        return [i for i in range(len(lower) - 1) if lower[i] == according and lower[i + 1] == to]
    return per_doc(doc, "newsevents_according", len(doc), find)


def _according_to(sent, actors) -> Optional[str]:
    for i in _according_positions(sent.doc):
        if not sent.start <= i < sent.end:
            continue
        pobj = next((c for c in sent.doc[i + 1].children if c.dep_ == "pobj"), None)
        if pobj is not None and pobj.lower_ not in ("details", "reports", "report"):
            for m in actors:
                if m.start <= pobj.i < m.end:
                    return m.name or m.text
            return " ".join(x.text for x in pobj.subtree)
    return None


def report_carried_over(doc: Doc, head: Token) -> Optional[Claim]:
    """A cue-less sentence right after "Sources said ..." in the same paragraph continues the report."""
    sent = sent_of(head)
    if sent.start == 0 or "\n" in doc[sent.start - 1].text or doc[sent.start - 1].is_space:
        return None
    prev = sent_of(doc[sent.start - 1])
    if "\n" in prev.text.strip():
        return None
    reporting = cues()["reporting"]
    anonymous = cues()["anonymous_sources"]
    for t in prev:
        if t.lemma_.lower() in reporting and t.pos_ == "VERB":
            subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.lower_ in anonymous:
                return Claim(status=reporting[t.lemma_.lower()], source=_source_text(t, doc._.actors or []),
                             cue=t.text, cue_start=t.idx, cue_end=t.idx + len(t))
    return None


def event_claim(doc: Doc, c: EventCandidate, when=None) -> Claim:
    """One claim for the event from all its mentions: a change of plan wins, then the main mention."""
    per = [(i, mention_claim(doc, doc[i], c)) for i in sorted(c.mentions)]
    changes = [cl for _, cl in per if cl.status in ("postponed", "cancelled")]
    if changes:
        return changes[-1]
    main = next(cl for i, cl in per if i == c.head)
    if main.status != "asserted":
        return main
    other = next((cl for _, cl in per if cl.status not in ("asserted", "negated")), None)
    if other is not None:
        return other
    if c.type == "ATTRIB":
        return attribution_claim(doc, c)
    if _in_future(doc, c, when):
        return Claim(status="planned", cue="date after publication")
    return report_carried_over(doc, doc[c.head]) or main


def _in_future(doc: Doc, c: EventCandidate, when=None) -> bool:
    """An event dated after the article's publication has not happened yet."""
    art = doc._.article
    tm = (when or attached_time)(doc, c)
    if art is None or not art.date or tm is None or not re.match(r"\d{4}-\d{2}(-\d{2})?$", tm.value or ""):
        return False
    n = min(len(tm.value), len(art.date))
    return tm.value[:n] > art.date[:n]


def attribution_claim(doc: Doc, c: EventCandidate) -> Claim:
    """An accusation, claim or denial of responsibility: its status from the verb (negated when
    nobody makes it: "no agency has claimed the arrest"), its source the one who speaks."""
    head = doc[c.head]
    status = cues()["reporting"].get(head.lemma_.lower(), "alleged")
    subj = next((ch for ch in head.children if ch.dep_ in ("nsubj", "nsubjpass")), None)
    if any(ch.dep_ == "neg" for ch in head.children) or (
            subj is not None and any(d.lower_ in ("no", "none") for d in subj.children if d.dep_ == "det")):
        status = "negated"
    source = c.agents[0].name or c.agents[0].text if c.agents else None
    return Claim(status=status, source=source, cue=head.text, cue_start=head.idx, cue_end=head.idx + len(head))


def is_background(doc: Doc, c: EventCandidate, article_date: Optional[str], when=None) -> bool:
    head = doc[c.head]
    verb = head if head.pos_ in ("VERB", "AUX") else head.head
    auxes = [a.lower_ for a in verb.children if a.dep_ in ("aux", "auxpass")]
    if "had" in auxes and not _backshifted(verb):
        return True
    background = cues()["background"]
    if any(t.lower_ in background for t in _modifiers(head)):
        return True
    return _long_before((when or attached_time)(doc, c), article_date)


def _long_before(tm, article_date: Optional[str]) -> bool:
    """Whether a time expression ends more than BACKGROUND_DAYS before the article's date."""
    period, published = period_of(tm.value if tm is not None else None), period_of(article_date)
    if period is None or published is None:
        return False
    return (published.start - period.end).days > BACKGROUND_DAYS


def _backshifted(verb: Token) -> bool:
    """"His wife said men had taken him away": past perfect inside reported speech is the
    reporter's past tense moved back, not an earlier event."""
    reporting = cues()["reporting"]
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ in ("ccomp", "parataxis") and verb.head.lemma_.lower() in reporting


def _modifiers(head: Token) -> list[Token]:
    """Adverbs and adjectives on the trigger and its prepositional phrases, not its arguments."""
    out = []
    for c in head.children:
        if c.dep_ in ("advmod", "amod", "npadvmod"):
            out.append(c)
        elif c.dep_ == "prep":
            for pobj in c.children:
                out.extend(x for x in pobj.children if x.dep_ in ("amod", "advmod"))
    return out


def follows_background(doc: Doc, c: EventCandidate, earlier: list[EventCandidate],
                       when=None) -> bool:
    """"He was released ..." right after a background arrest of the same person, with no date of its own."""
    if not earlier or (when or attached_time)(doc, c) is not None:
        return False
    prev = earlier[-1]
    if sent_of(doc[prev.head]).start == sent_of(doc[c.head]).start or doc[c.head].tag_ != "VBN" \
            or any(a.lower_ in ("have", "has") for a in doc[c.head].children):
        return False
    same_par = "\n" not in doc[sent_of(doc[prev.head]).start:sent_of(doc[c.head]).start].text.strip()
    shared = {id(t) for t in prev.targets} & {id(t) for t in c.targets} or \
        any(a.name and b.name and a.name.split()[-1] == b.name.split()[-1]
            for a in prev.targets for b in c.targets)
    return prev.background and same_par and bool(shared)


def assess(doc: Doc, cands: list[EventCandidate]) -> None:
    """Set ``claim`` and ``background`` on every candidate, in text order."""
    art = doc._.article
    article_date = art.date if art is not None else None
    done: list[EventCandidate] = []
    found: dict[int, object] = {}

    def when(doc: Doc, c: EventCandidate):
        """``attached_time``, looked up once per candidate (it scans every time expression)."""
        if id(c) not in found:
            found[id(c)] = attached_time(doc, c)
        return found[id(c)]

    for c in sorted(cands, key=lambda x: x.head):
        c.claim = event_claim(doc, c, when)
        c.background = is_background(doc, c, article_date, when) or \
            follows_background(doc, c, done, when)
        done.append(c)


@Language.factory("newsevents_claims")
def make_claims(nlp: Language, name: str):
    def claims_component(doc: Doc) -> Doc:
        cands = doc._.event_candidates or []
        assess(doc, cands)
        doc._.events = build_events(doc, cands)
        return doc
    return claims_component
