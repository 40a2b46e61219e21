"""Stage 3: times — find time expressions and normalise them to TimeML TIMEX3 values.

Detection joins the model's DATE/TIME entities (boundaries fixed the TimeML way: no leading
preposition, "the wee hours on Wednesday" split into a TIME and a DATE, ages dropped) with
patterns for what the model misses ("till date", "some days ago", "recently", "soon", weekdays);
neighbours that name one day together become one expression ("noon Thursday", "Friday, Oct.
13", "Saturday night").

Normalisation (``timex_grammar``, over ``timex_periods``) is a small grammar over the
expression text; the words it knows are in ``data/time_lexicon.toml``. Absolute expressions keep
their value ("January 21, 2017"); relative ones count from the article date ("last week" →
``2017-W02``); "two days later" and "the previous day" count from the date last mentioned in the
same paragraph, or in the paragraph just before when this one has named none. A calendar
position without a year ("December 17", "Wednesday", "October") takes its year or week from
the tense of the clause that governs it (``placement``): past → the latest such date not after
the article date, future → the earliest not before it, unknown → the one holding the article
date, else the past one unless the future one is less than half as far. Cue words ("ahead
of", "since") override the verb; a past perfect ("had been due to expire Friday") makes it
past. A weekday may be the article date itself ("the company said Friday" in a Friday paper);
"last Friday" / "next Friday" exclude it. A past-tense choice more than half a year away
yields to a date within three months ("declared a dividend payable Nov. 10" in late October)
unless a cue word fixes the direction or the date hangs directly on a past-tense verb ("brought
in a new chief in January").

Reporting periods: "the quarter", "the latest period" are the quarter the article reports on
(the latest one it named that has ended: "after a flat second quarter" in a report on the
third does not change it); "a year earlier" next to a figure compares with it and does not
move the reference date.

Without an article date, absolute expressions still normalise and relative ones get
``anchored=False``: a calendar position keeps a TIMEX3 X-pattern ("December 17" →
``XXXX-12-17``, "Wednesday" → ``XXXX-WXX-3``, "summer" → ``XXXX-SU``); an expression that only
counts from the article date ("yesterday", "last week", "two days ago") gets no value.
Durations, sets and absolute dates never need an anchor.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .. import extensions  # noqa: F401  (declares doc._.times)
from ..errors import BadOption
from ..schema import TimeMention
from .timex_grammar import alternation, clean, grammar, lexicon, read_text
from .timex_periods import Ctx, Period, Reading, add_months, parse_anchor, quarter_period
from ..extensions import doc_text, sent_of

log = logging.getLogger(__name__)

ENT_LABELS = ("DATE", "TIME")
TENSES = ("past", "future", "present", None)


def _to_mention(text: str, start: int, end: int, r: Reading) -> TimeMention:
    return TimeMention(text=text, start=start, end=end, value=r.value, precision=r.precision,
                       type=r.type, approx=r.approx, anchored=r.anchored, tense=r.tense,
                       earliest=r.earliest.isoformat() if r.earliest else None,
                       latest=r.latest.isoformat() if r.latest else None)


def normalise(text: str, anchor: str | None, tense: str | None = None) -> TimeMention | None:
    """The TIMEX3 reading of the time expression ``text`` (just the expression) written on the
    article date ``anchor`` ("YYYY-MM-DD", "YYYY-MM" or None) in a clause of ``tense``
    (past|future|present|None); None when ``text`` is not a time expression.

    >>> normalise("last week", "2017-01-20").value
    '2017-W02'
    """
    if tense not in TENSES:
        raise BadOption(f"tense {tense!r} is not one of past, future, present or None.")
    ctx = replace(parse_anchor(anchor), tense=tense)
    reading = read_text(text, ctx)
    return None if reading is None else _to_mention(text, 0, len(text), reading)


# --------------------------------------------------------------------------- tense of the clause

def _cues(kind: str) -> frozenset[str]:
    return frozenset(lexicon()["tense_cues"][kind])


def verb_tense(verb: Token, depth: int = 0) -> Optional[str]:
    """Past, future or present of a verb from its auxiliaries and tag; None when it has no tense
    of its own and the verb it depends on does not settle it (a gerund or infinitive takes the
    tense of the verb or adjective it hangs on: "were to meet", "due to expire", "departing")."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & _cues("future_aux") or words & _cues("modal_aux"):
        return "past" if "have" in words else "future"
    if "to" in words:
        head = _verb_above(verb)
        if head is not None and head.lemma_.lower() in _cues("future_verbs"):
            return "future"
        return verb_tense(head, depth + 1) if head is not None and depth < 2 else None
    for aux in auxes:
        if aux.lemma_ == "have" or aux.tag_ == "VBD":
            return "past"
        if aux.tag_ in ("VBZ", "VBP"):
            return "present"
    if auxes and depth < 2 and all(a.tag_ in ("VB", "VBG", "VBN") for a in auxes):
        head = _verb_above(verb)  # a passive without tense of its own ("start getting beaten")
        return verb_tense(head, depth + 1) if head is not None else None
    if verb.tag_ in ("VBD", "VBN"):
        return "past"
    if verb.tag_ in ("VBZ", "VBP"):
        return "present"
    if not auxes and depth < 2 and (verb.tag_ == "VBG" or verb.tag_ == "VB" and verb.dep_ in ("ccomp", "xcomp")):
        head = _verb_above(verb)  # a gerund, or a bare infinitive ("let the offensive begin")
        return verb_tense(head, depth + 1) if head is not None else None
    return None


def _verb_above(tok: Token) -> Optional[Token]:
    """The verb ``tok`` depends on, looking through an adjective or preposition ("due to
    expire" → "been", "with the third departing" → "leave"); None at the root."""
    head = tok.head
    for _ in range(3):
        if head.i == tok.i:
            return None
        if head.pos_ in ("VERB", "AUX"):
            return head
        if head.pos_ not in ("ADJ", "ADP", "SCONJ"):
            return None
        tok, head = head, head.head
    return None


def _past_perfect(verb: Token) -> bool:
    """Whether the clause is in the past perfect ("had been due to expire", "had planned to
    meet"): what it placed ahead was then still ahead, but is behind the article date."""
    for _ in range(3):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "'d") and c.tag_ == "VBD"
               for c in verb.children):
            return True
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return False
        head = _verb_above(verb)
        if head is None:
            return False
        verb = head
    return False


def _cue_tense(span: Span) -> Optional[str]:
    """A word just before the expression or on the noun it modifies that places it ahead
    ("ahead of party's January 21 rally", "the upcoming March 3 vote"), behind ("since"),
    either way ("effective Feb. 1") or as the verb does ("from August 6"): future, past,
    neutral, follow_verb or None. A cue separated from the
    expression by a number or time word belongs to another expression ("expired last
    Thursday, to Nov. 6")."""
    doc = span.doc
    lo = max(sent_of(span).start if doc.has_annotation("SENT_START") else 0, span.start - 6)
    for k in range(span.start - 1, lo - 1, -1):
        if doc[k].like_num or _time_word(doc[k]):
            lo = k + 1
            break
    before = " " + " ".join(t.lower_ for t in doc[lo:span.start]) + " "
    for kind in ("neutral", "follow_verb"):
        if any(before.endswith(f" {cue} ") for cue in _cues(kind)):
            return kind
    for kind in ("future", "past"):
        if any(f" {cue} " in before for cue in _cues(kind)):
            return kind
    head = span.root.head
    if head.i != span.root.i and head.pos_ in ("NOUN", "PROPN") and not span.start <= head.i < span.end:
        mods = {c.lower_ for c in head.children if c.dep_ in ("amod", "compound", "advmod")}
        for kind in ("future", "past"):
            if mods & _cues(kind):
                return kind
    return None


def _governing_verb(span: Span) -> tuple[Optional[Token], bool]:
    """The first verb up the chain of syntactic heads of ``span``, and whether the expression
    hangs on it directly (through prepositions only: "met on Monday") rather than through a
    noun or adjective ("declared a dividend payable Nov. 10") or through a preposition that
    points ahead of the verb's time ("gave them until mid-November")."""
    root = span.root
    tok, direct = root, True
    for _ in range(12):
        if tok.head.i == tok.i:
            return None, False
        if tok.i != root.i and (tok.pos_ not in ("ADP", "SCONJ") or tok.lower_ in _FORWARD):
            direct = False
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX") and not span.start <= tok.i < span.end:
            return tok, direct
    return None, False


def placement(span: Span) -> tuple[Optional[str], bool]:
    """The tense that places ``span`` in time and whether it is firm: a clause in the past
    perfect (past, whatever cue words say, but a date within three months may still lie
    ahead: "had been set to expire Nov. 6"), else cue words (firm; "effective" points either
    way, "from" leaves it to the verb, not firmly), else the tense of the
    governing verb — firm when the expression hangs on a past-tense verb directly, so that "in
    January" in "the company brought in a new chief in January" stays in the past. A day or
    month hanging directly on a verb in the simple present is a schedule ("the leaders meet
    Monday", "the season opens in April"): future, unless the verb reports speech."""
    if not span.doc.has_annotation("DEP"):
        return None, False
    verb, direct = _governing_verb(span)
    if verb is not None and _past_perfect(verb):
        return "past", False
    cue = _cue_tense(span)
    if cue == "neutral":
        return None, False
    if cue in ("future", "past"):
        return cue, True
    if verb is None:
        return None, False
    tense = verb_tense(verb)
    if cue == "follow_verb":
        return tense, False
    if tense == "present" and direct and verb.lemma_.lower() not in _cues("reporting_verbs") \
            and verb.lower_ not in _cues("same_past_form"):
        return "future", False
    return tense, direct and tense == "past" and verb.tag_ == "VBD"


def clause_tense(span: Span) -> Optional[str]:
    """past, future, present or None: how the clause around ``span`` places it in time."""
    return placement(span)[0]


# --------------------------------------------------------------------------- detection

_LEAD_DROP = frozenset({"in", "on", "at", "for", "since", "until", "till", "from", "during", "by", "of",
                        "to", "through", "throughout", "within", "between", "after", "before", "and",
                        "or", "as", "than", "'s", "’s", "into", "per", "with"})
_TRAIL_DROP = frozenset({"'s", "’s", "and", "or", "to", "of", "on", "in", "at", "from", "'", "’"})
_SPLIT_AT = frozenset({"on", "to", "through", "until", "till", "and", "-", "–", "or", "from", "between",
                       "ended", "ending", "ends", "of"})
_FORWARD = frozenset({"until", "till", "by", "before", "to", "through", "pending", "for"})
_PARAGRAPH = re.compile(r"\n\s*\n")
_NUM_RAW = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|a couple of|a few|few|several|some|many)"
_CARDINAL_RAW = (r"(?:\d{1,3}(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                 r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
                 r"eighty|ninety|hundred)")


def _raw_phrase(phrase: str) -> str:
    """A regex for a lexicon phrase in running text ("new year day" also matches "New Year's Day")."""
    words = [re.escape(w) for w in phrase.replace("-", " ").split()]
    return r"[\s-]+".join(w + r"(?:['’]s|['’])?" for w in words)


@lru_cache(maxsize=1)
def detectors() -> tuple[re.Pattern, re.Pattern]:
    """Patterns for what the statistical NER misses: (case-insensitive, capitalised names)."""
    lex = lexicon()
    units = alternation(w.lower() for w in lex["units"])
    words = alternation(w.lower() for w in lex["detect"]["phrases"])
    # all lower case, matched against lower-cased text: about twice as fast as IGNORECASE
    anywhere = re.compile(
        rf"\b(?:{_NUM_RAW}[\s-]+)?(?:{units})\s+(?:ago|earlier|later)\b"
        rf"|\b(?!one[\s-]+day\b){_CARDINAL_RAW}(?:[\s-]+{_CARDINAL_RAW})?[\s-]+(?:(?:more|additional|straight|consecutive)\s+)?"
        rf"(?:{units})\b(?![\s-]+old\b)"
        rf"|\b(?:fiscal[\s-]+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+(?:fiscal[\s-]+)?quarters?\b"
        rf"|\b(?:within|over|for|after|nearly|almost|barely|than)\s+an?\s+"
        rf"(?:hour|day|week|fortnight|month|year|decade)\b(?!\s+(?:ago|earlier|later|or|and|old)\b)"
        rf"|\b(?:the\s+)?(?:past|last|next|coming)\s+(?:\w+\s+)?(?:summers|winters|springs|autumns)\b"
        rf"|(?:(?<=until )|(?<=by )|(?<=since )|(?<=before )|(?<=after ))then\b(?!\s+(?:current|on)\b)"
        rf"|\bat the time\b(?!\s+(?:of|when|that)\b)|\bthis\s+(?:[a-z]+\s+)?(?:moment|juncture)\b"
        rf"|\ban?\s+(?:(?:fairly|very|quite|relatively|rather|extremely)\s+)?(?:long|lengthy|short|brief)\s+"
        rf"(?:while|time|period)\b"
        rf"|\b\d{{1,2}}(?::\d\d)?\s?[ap]\.?\s?m\b\.?|\b(?:noon|midnight)\b"
        rf"|\b(?:{words})\b")
    full_days = [w for w in lex["weekdays"] if len(w) > 4]
    holidays = [*lex["holidays_fixed"], *lex["holidays_weekday"], *lex["holidays_easter"],
                *lex["holidays_movable"]["names"]]
    capitalised = re.compile(
        rf"\b(?:{'|'.join(w.capitalize() for w in full_days)})s?\b"
        rf"|\b(?:{'|'.join(sorted((_raw_phrase(h) for h in holidays), key=len, reverse=True))})\b",
        re.IGNORECASE)
    return anywhere, capitalised


def _pattern_spans(text: str) -> list[tuple[int, int]]:
    anywhere, capitalised = detectors()
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer ("İ"): keep offsets
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    spans = [(m.start(), m.end()) for m in anywhere.finditer(lowered)]
    spans += [(m.start(), m.end()) for m in capitalised.finditer(text) if text[m.start()].isupper()]
    return spans


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token bounds without leading prepositions and trailing punctuation or "'s"."""
    while start < end and (doc[start].lower_ in _LEAD_DROP or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].lower_ in _TRAIL_DROP or doc[end - 1].is_punct and doc[end - 1].text != "."
                           or doc[end - 1].is_space):
        end -= 1
    return start, end


def _time_word(tok: Token) -> bool:
    """A unit, part of day, season, weekday, month or year: a word only a time expression has."""
    g = grammar()
    word = tok.lower_
    return (word in g.units or word in g.parts or word in g.seasons or word.rstrip("s") in g.weekdays
            or word.rstrip(".") in g.months or len(word) == 4 and word.isdigit() and word[:2] in ("19", "20"))


def _extend(doc: Doc, start: int, end: int, ctx: Ctx) -> tuple[int, int]:
    """Take back words the NER left out when the longer span still reads: "This" of "This
    year's", "earlier" of "a year earlier", "period" of "the year-ago period"; not a word used
    as a preposition ("following" in "following Monday's vote" is "after")."""
    left, right = _cues_list("extend_left"), _cues_list("extend_right")
    if start < end and _time_word(doc[start]):
        s = start
        while s > 0 and doc[s - 1].lower_ in left and doc[s - 1].lower_ != doc[s].lower_ and start - s < 2 \
                and doc[s - 1].dep_ != "prep":
            s -= 1
            if read_text(doc[s:end].text, ctx) is not None:
                start = s
    if 0 < start < end and doc[start - 1].lower_ in _COMPARED:
        for s in range(max(0, start - 4), start - 1):  # "the corresponding period" + "last year"
            if doc[s].lower_ not in _LEAD_DROP and not any(t.is_punct for t in doc[s:start]) \
                    and read_text(doc[s:end].text, ctx) is not None:
                start = s
                break
    if start < end and end < len(doc) and doc[end].lower_ in right \
            and (_time_word(doc[end - 1]) or doc[end - 1].lower_ in right) \
            and read_text(doc[start:end + 1].text, ctx) is not None:
        end += 1
    return start, end


_COMPARED = frozenset({"period", "quarter", "month", "half", "week", "season"})


def _cues_list(name: str) -> frozenset[str]:
    return frozenset(lexicon()["detect"][name])


def _splits_here(word: str, a: Reading, b: Reading) -> bool:
    """Whether two readable halves joined by ``word`` are two expressions."""
    if word in ("ended", "ending", "ends", "end"):
        return True
    if word == "of":
        return a.type == "DURATION" and b.type != "DURATION"
    return a.type != "DURATION" and b.type != "DURATION" and bool(a.value and b.value)


def _split(doc: Doc, start: int, end: int, ctx: Ctx) -> list[tuple[int, int]]:
    """An entity that holds two expressions ("the wee hours on Wednesday", "Jan. 1 to March 31",
    "the six months ended Oct. 1") split at the word joining them, when both halves read."""
    for k in range(start + 1, end - 1):
        if doc[k].lower_ not in _SPLIT_AT or _compound_hyphen(doc, k):
            continue
        left, right = _trim(doc, start, k), _trim(doc, k + 1, end)
        if left[0] >= left[1] or right[0] >= right[1]:
            continue
        if doc[k].lower_ in ("ended", "ending", "ends"):
            left = _readable(doc, *left, ctx) or left
        a = read_text(doc[left[0]:left[1]].text, ctx)
        b = read_text(doc[right[0]:right[1]].text, ctx)
        if a and b and _splits_here(doc[k].lower_, a, b):
            return [left, *_split(doc, right[0], right[1], ctx)]
    return [(start, end)]


def _compound_hyphen(doc: Doc, k: int) -> bool:
    """Whether the hyphen at ``k`` joins a unit word into one modifier ("the year-earlier third
    quarter", "a year-ago period") rather than two expressions ("1989 - 1990")."""
    return doc[k].text in ("-", "–") and not doc[k - 1].whitespace_ and not doc[k].whitespace_ \
        and doc[k - 1].lower_ in grammar().units


def _readable(doc: Doc, start: int, end: int, ctx: Ctx) -> Optional[tuple[int, int]]:
    """The span shrunk from the left ("its fourth quarter", "both 1990") or the right until it
    reads as a time expression; None when no part of it reads (the words the patterns find in
    it, such as a weekday, are then taken on their own)."""
    if read_text(doc[start:end].text, ctx) is not None:
        return start, end
    for s in range(start + 1, min(end, start + 4)):
        if not _droppable(doc[s - 1]):
            break
        if read_text(doc[s:end].text, ctx) is not None:
            return s, end
    for e in range(end - 1, max(start, end - 4), -1):
        if not _droppable(doc[e]) or not doc[e - 1].whitespace_:
            break
        if read_text(doc[start:e].text, ctx) is not None:
            return start, e
    return None


def _droppable(tok: Token) -> bool:
    """A word at the edge of an entity that may go: a separate word that is not a number or a
    time word ("its", "both", "d'etat")."""
    return bool(tok.whitespace_) and not tok.like_num and not _time_word(tok)


def _entity_spans(doc: Doc, ent: Span, ctx: Ctx) -> list[tuple[int, int]]:
    """Token spans of the time expressions in one NER entity, boundaries fixed."""
    start, end = _trim(doc, ent.start, ent.end)
    if start >= end or grammar().age.fullmatch(clean(doc[start:end].text)):
        return []
    spans = []
    for s, e in _split(doc, start, end, ctx):
        readable = _readable(doc, s, e, ctx)
        if readable is not None:
            spans.append(_extend(doc, *readable, ctx))
    return spans


def candidate_spans(doc: Doc, ctx: Ctx, text: Optional[str] = None) -> list[tuple[int, int]]:
    """Character spans of likely time expressions: fixed NER entities and pattern matches,
    overlaps resolved in favour of the longer span, neighbours naming one day joined, in text
    order. ``text`` is ``doc.text`` when the caller already has it."""
    if text is None:
        text = doc_text(doc)
    found: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ in ENT_LABELS:
            found += [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for s, e in _entity_spans(doc, ent, ctx)]
    for s, e in _pattern_spans(text):
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            s, e = _trim(doc, span.start, span.end)
            if s >= e or read_text(doc[s:e].text, ctx) is None:
                s, e = span.start, span.end
            found.append((doc[s].idx, doc[e - 1].idx + len(doc[e - 1])))
    found += [(span.start_char, span.end_char) for span in _reference_adjectives(doc)]
    kept: list[tuple[int, int]] = []
    for s, e in sorted(set(found), key=lambda se: (se[0] - se[1], se[0])):
        if all(e <= ks or s >= ke for ks, ke in kept):
            kept.append((s, e))
    extended: list[tuple[int, int]] = []
    for s, e in sorted(kept):
        if extended and s < extended[-1][1]:
            continue  # taken in by the part of day added to the one before ("Tuesday" + "nights")
        extended.append(_with_part_of_day(doc, s, e, ctx))
    return _joined(text, extended, ctx)


def _reference_adjectives(doc: Doc) -> list[Span]:
    """"current" and "recent" modifying a noun ("current market conditions", "the recent
    sale", "the then current price"): TIMEX3 marks them as PRESENT_REF / PAST_REF (the past
    for "then current"). Not before a time unit (the whole
    phrase is the expression: "the current quarter") nor in fixed terms ("current account")."""
    words = _cues_list("reference_adjectives")
    lowered = doc_text(doc).lower()
    if not doc.has_annotation("DEP") or not any(w in lowered for w in words):
        return []
    fixed = _cues_list("reference_adjective_terms")
    return [doc[tok.i - 1:tok.i + 1] if tok.i and doc[tok.i - 1].lower_ == "then" else doc[tok.i:tok.i + 1]
            for tok in doc if tok.lower_ in words and tok.dep_ == "amod" and tok.head.i > tok.i
            and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.lower_ not in fixed and not _time_word(tok.head)
            and doc[tok.i + 1].lower_ not in fixed]


def _with_part_of_day(doc: Doc, start: int, end: int, ctx: Ctx) -> tuple[int, int]:
    """"Thursday" + "evening", "Tuesday" + "nights": a part of day right after a day belongs to
    the same expression (TIMEX3 marks "Thursday evening" as one TIME)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or span.end >= len(doc) or doc[span.end].lower_ not in grammar().parts \
            or not _time_word(doc[span.end - 1]):
        return start, end
    longer = doc[span.start:span.end + 1]
    reading = read_text(longer.text, ctx)
    if reading is None or reading.type not in ("TIME", "SET"):
        return start, end
    return start, longer.end_char


_JOIN_GAP = re.compile(r"[ \t]*,?[ \t]*")


def _joined(text: str, spans: list[tuple[int, int]], ctx: Ctx) -> list[tuple[int, int]]:
    """Neighbours that name one day or time together ("noon" + "Thursday", "Friday" + "Oct.
    13", "midnight" + "Friday") joined into one expression, as TIMEX3 marks them."""
    if len(spans) < 2:
        return spans
    out = [spans[0]]
    for s, e in spans[1:]:
        ps, pe = out[-1]
        if _JOIN_GAP.fullmatch(text, pe, s) and _names_a_day(text[ps:e], ctx) \
                and _names_a_day(text[ps:pe], ctx, clock=True) and _names_a_day(text[s:e], ctx, clock=True):
            out[-1] = (ps, e)
        else:
            out.append((s, e))
    return out


def _names_a_day(text: str, ctx: Ctx, clock: bool = False) -> bool:
    """Whether ``text`` reads as one day or a time on a day (``clock``: or a bare clock time)."""
    reading = read_text(text, ctx)
    if reading is None or reading.type not in ("DATE", "TIME"):
        return False
    if reading.precision == "day" or reading.value and re.match(r"XXXX-(?:\d\d-\d\d|WXX-\d)", reading.value):
        return clock or not reading.from_anchor_day
    return False


_FRACTION = re.compile(r"(?:^| )(?:a|one|two|three) (?:quarters?|thirds?)$")
_NOUN_ROLES = frozenset({"pobj", "dobj", "nsubj", "nsubjpass", "attr", "appos"})
_CONJUNCTION_SOON = frozenset({"after", "before", "afterwards", "afterward", "thereafter"})


def _keep(span: Span, reading: Reading) -> bool:
    """Drop words that look like time words but are not expressions here: a frequency adjective
    ("quarterly report"), a part of day naming a kind of thing ("morning talk show"), a fraction
    ("more than a quarter of the market"), "soon" in a conjunction ("as soon as the talks end",
    "soon after the vote"), a greeting ("good evening"), a generic "the cars of tomorrow"."""
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    core = [t for t in span if t.pos_ != "DET"]
    if len(core) == 1 and core[0].lower_ in grammar().parts and core[0].dep_ == "compound" \
            and core[0].head.i >= span.end and core[0].head.pos_ == "NOUN" and not _time_word(core[0].head):
        return False
    if len(span) == 1:
        tok = span[0]
        if reading.type == "SET" and (tok.pos_ in ("ADJ", "NOUN") or tok.dep_ in _NOUN_ROLES and span.start
                                      and doc[span.start - 1].pos_ in ("DET", "ADJ", "PROPN", "NOUN")):
            return False  # "quarterly report", "a local daily" (a newspaper), "its first quarterly"
        before_word = doc[span.start - 1].lower_ if span.start else ""
        if tok.lower_ in grammar().parts and before_word == "good":
            return False  # a greeting: "Good evening from Havana"
        if tok.lower_ == "tomorrow" and before_word == "of" and span.start > 1 \
                and doc[span.start - 2].pos_ in ("NOUN", "PROPN"):
            return False  # a kind of thing, not a day: "the leaders of tomorrow"
        if tok.lower_ == "soon" and after is not None:
            if after.lower_ in _CONJUNCTION_SOON:
                return False
            if before_word == "as" and after.lower_ == "as" and span.end + 1 < len(doc) \
                    and doc[span.end + 1].lower_ not in ("possible", "practicable", "feasible", "practical"):
                return False
    if after is not None and after.lower_ == "of" and _FRACTION.search(clean(span.text)) \
            and not any(_time_word(t) for t in doc[span.end + 1:span.end + 4]):
        return False
    return True


def _period_ending(span: Span, reading: Reading, ctx: Ctx) -> Reading:
    """"the fiscal year ended March 31" is a twelve-month stretch, not a calendar year; "the
    quarter ended July 31" is the three months up to that day, valued as the calendar quarter
    holding their middle month (May-July → Q2), unless the article has already named the
    quarter it reports on. A numbered quarter keeps its number ("the fourth quarter ended
    Sept. 30" is the company's fiscal fourth quarter)."""
    doc = span.doc
    if span.end >= len(doc) or doc[span.end].lower_ not in ("ended", "ending"):
        return reading
    words = clean(span.text)
    if reading.precision == "year" and re.fullmatch(r"(?:the )?(?:fiscal |financial )?year", words):
        return Reading("P1Y", "unknown", type="DURATION")
    if reading.precision == "quarter" and ctx.last_quarter is None \
            and re.fullmatch(r"(?:the|that|this|latest|the latest) (?:fiscal )?quarter", words):
        for n in (4, 3, 2):
            end_day = read_text(doc[span.end + 1:span.end + 1 + n].text, ctx) if span.end + n < len(doc) else None
            if end_day is not None and end_day.precision == "day" and end_day.period is not None:
                middle = add_months(end_day.period.start, -1)
                q = quarter_period(middle.year, (middle.month - 1) // 3 + 1)
                return Reading(q.value, "quarter", tense=reading.tense, period=q)
    return reading


def _attach_times_of_day(text: str, found: list[tuple[int, int, Reading]]) -> None:
    """"the wee hours on Wednesday", "Tuesday at 3 p.m.": a time of day put on the article date
    by default takes the day of the expression right next to it."""
    for i, (s, e, r) in enumerate(found):
        if not r.from_anchor_day or r.value is None:
            continue
        tod = r.value[10:]
        for j, gap in ((i + 1, text[e:found[i + 1][0]] if i + 1 < len(found) else None),
                       (i - 1, text[found[i - 1][1]:s] if i > 0 else None)):
            other = found[j][2] if gap is not None else None
            if other and other.precision == "day" and other.value and "T" not in other.value \
                    and re.fullmatch(r"\s*(?:on|of|at|in the|,)?\s*", gap):
                r.value, r.from_anchor_day = other.value + tod, False
                r.period, r.tense = other.period, other.tense
                break


def _compares(span: Span) -> bool:
    """"sales of $3 million a year earlier", "up from 7 a year ago": a point of comparison for a
    figure, not a new time the narrative moves to (it does not become the reference date)."""
    head = span.root.head
    return clean(span.text).endswith((" ago", " earlier")) and head.i != span.root.i \
        and head.pos_ in ("NUM", "NOUN", "PROPN", "ADJ", "SYM")


def find_times(doc: Doc, article_date: str | None) -> list[TimeMention]:
    """Every time expression in ``doc`` with its TIMEX3 value, anchored to ``article_date``
    ("YYYY-MM-DD", "YYYY-MM" or None), sorted by start.

    "Two days later", "the following month" count from the date last mentioned in the same
    paragraph, or in the paragraph just before when this one has mentioned none yet (news
    wires often give each sentence its own paragraph); otherwise from the article date."""
    base = parse_anchor(article_date)
    text = doc_text(doc)  # Doc.text is rebuilt from the tokens on every access
    breaks = [m.end() for m in _PARAGRAPH.finditer(text)]
    found: list[tuple[int, int, Reading]] = []
    ref: Optional[Period] = None
    ref_paragraph = 0
    last_quarter: Optional[Period] = None
    for start, end in candidate_spans(doc, base, text):
        paragraph = bisect_right(breaks, start)
        if paragraph - ref_paragraph > 1:
            ref = None
        span = doc.char_span(start, end, alignment_mode="expand")
        tense, firm = placement(span)
        ctx = replace(base, ref=ref, tense=tense, firm=firm, last_quarter=last_quarter)
        reading = read_text(text[start:end], ctx)
        if reading is None or not _keep(span, reading):
            continue
        reading = _period_ending(span, reading, ctx)
        found.append((start, end, reading))
        if reading.period is not None and reading.type in ("DATE", "TIME") and not reading.from_anchor_day \
                and not reading.comparison and not _compares(span):
            ref, ref_paragraph = reading.period, paragraph
            if reading.period.value[4:6] == "-Q" and (base.window is None or reading.period.end <= base.window[1]) \
                    and (last_quarter is None or reading.period.end >= last_quarter.end):
                last_quarter = reading.period  # the quarter reported on: the latest named that has ended
    _attach_times_of_day(text, found)
    _share_sets(text, found)
    return [_to_mention(text[s:e], s, e, r) for s, e, r in found]


_COORDINATION = re.compile(r"\s*(?:,|and|or|, and|, or)\s*")


def _share_sets(text: str, found: list[tuple[int, int, Reading]]) -> None:
    """"Monday and Tuesday nights": a weekday coordinated with a weekly set takes the set's part
    of day and is a set too (XXXX-WXX-1TNI)."""
    for i in range(len(found) - 2, -1, -1):
        s, e, r = found[i]
        s2, _, r2 = found[i + 1]
        if r2.type == "SET" and r2.value and r2.value.startswith("XXXX-WXX-") and r.type in ("DATE", "TIME") \
                and r.precision == "day" and _COORDINATION.fullmatch(text, e, s2):
            wd = _weekday_number(text[s:e])
            if wd is not None:
                part = r2.value.partition("T")[2]
                found[i] = (s, e, Reading(f"XXXX-WXX-{wd}" + (f"T{part}" if part else ""), "unknown", type="SET"))


def _weekday_number(text: str) -> Optional[int]:
    """The ISO number of a bare weekday name ("Monday" → 1), else None."""
    return grammar().weekdays.get(clean(text).removeprefix("on "))


def time_mention_for_span(doc: Doc, start_char: int, end_char: int) -> TimeMention | None:
    """The mention in ``doc._.times`` that covers the character span (one containing it, else
    the first overlapping it), or None."""
    times = doc._.times or []
    for t in times:
        if t.start <= start_char and end_char <= t.end:
            return t
    return next((t for t in times if t.start < end_char and start_char < t.end), None)


@Language.factory("newsevents_times", requires=["doc.ents"], assigns=["doc._.times"])
def make_times(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The times stage as a pipeline component: sets ``doc._.times``."""
    def times_component(doc: Doc) -> Doc:
        article = doc._.article
        doc._.times = find_times(doc, article.date if article else None)
        return doc
    return times_component
