"""One article from its text: header metadata, publication date, dateline, id.

The body is what remains after the header lines are removed (leading and trailing blank space
dropped, line ends normalised to ``\\n``); every character offset in the project refers to it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date as Date, datetime
from functools import lru_cache
from typing import Iterable, Iterator, Optional

from ..errors import (BadDate, BadHeader, BadRecord, DataFileError, DateIgnored, EmptyInput,
                      EncodingProblem, OtherLanguage, ReadWarning, Truncated)
from ..knowledge import toml
from ..schema import Article, Notice

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_DATE_SHAPE = re.compile(r"\d{4}-\d{1,2}(?:-\d{1,2})?(?:T\S*)?(?=\s|$)")
_UPPER = "[A-ZÀ-ÖØ-ÞĆČĐŁŃŐŘŚŞŠŰŹŻŽ]"  # a capital letter opening a place name
_LATIN = "À-ÖØ-öø-žȘșȚț"  # accented Latin letters inside place names
_HEADER_LINE = re.compile(
    r"[ \t]*(?P<key>date|title|url|source)(?P<colon>[ \t]*:)?[ \t]+(?P<value>\S[^\n]*?)[ \t]*",
    re.IGNORECASE)


def parse_date(value: object) -> Optional[str]:
    """The publication date ``value`` normalised to ``YYYY-MM-DD`` (a day) or ``YYYY-MM`` (a
    month), or None when it is not a real calendar date in one of those forms.

    ISO datetimes (``2017-01-20T08:30:00Z``) give their date part.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = _ISO_DATE.match(text)
    if m is None:
        return None
    year, month, day = m.groups()
    rest = text[m.end():]
    if rest:
        if day is None or rest[0] not in "T ":
            return None
        try:
            return datetime.fromisoformat(text).date().isoformat()
        except ValueError:
            return None
    try:
        when = Date(int(year), int(month), int(day or 1))
    except ValueError:
        return None
    return when.isoformat() if day else when.isoformat()[:7]


# -- header lines ---------------------------------------------------------------------------

def split_header(raw: str, origin: str,
                 notes: Optional[list[Notice]] = None) -> tuple[dict[str, str], str]:
    """Split ``raw`` into header metadata (date, title, url, source) and the body.

    Header lines (``date 2017-01-20``, ``title ...``; ``Title: ...`` with a colon) open the
    text in any order; a date line may also carry the start of the body after the date
    (`` date 2017-01-20 KARACHI - ...``). A date header that is not a date
    (``date 2017-13-45``) raises BadHeader, or, when ``notes`` is given, is dropped with a
    DateIgnored warning appended to ``notes``: the article is kept without a date.
    """
    meta: dict[str, str] = {}
    pos, end = 0, len(raw)
    while pos < end:
        eol = raw.find("\n", pos)
        eol = end if eol < 0 else eol
        line = raw[pos:eol]
        if not line.strip():
            pos = eol + 1
            continue
        m = _HEADER_LINE.fullmatch(line)
        if m is None or (not m["colon"] and m["key"] != m["key"].lower()):
            break
        key, value = m["key"].lower(), m["value"]
        if key != "date":
            meta[key] = value
            pos = eol + 1
            continue
        try:
            taken = _header_date(value, bool(m["colon"]), origin)
        except BadHeader as exc:
            if notes is None:
                raise
            notes.append(_notice(DateIgnored(
                f"{origin}: the date header '{exc.kwargs['token'][:40]}' is not a calendar date "
                "(YYYY-MM-DD or YYYY-MM); the article is kept without a date. Correct the "
                "header (e.g. 'date 2017-01-20') and read it again to date its events.")))
            taken = (None, exc.kwargs["body_at"])
        if taken is None:
            break
        date_value, rest = taken
        if date_value is not None:
            meta["date"] = date_value
        if rest:
            return meta, raw[pos + m.start("value") + rest:]
        pos = eol + 1
    return meta, raw[pos:]


def _header_date(value: str, colon: bool, origin: str) -> Optional[tuple[str, int]]:
    """The date of a date header line and where the body starts in ``value`` (0: not on this
    line), or None when the line is body text that happens to start with "date"."""
    if colon:
        token, rest = value, ""
    else:
        shape = _DATE_SHAPE.match(value)
        if shape is None:
            return None
        token, rest = shape.group(), value[shape.end():]
    parsed = parse_date(token)
    body_at = len(value) - len(rest.lstrip()) if rest.strip() else 0
    if parsed is None:
        raise BadHeader(f"{origin}: the date header '{token}' is not a calendar date written "
                        "YYYY-MM-DD or YYYY-MM; correct it (e.g. 'date 2017-01-20').",
                        token=token, body_at=body_at)
    return parsed, body_at


# -- datelines ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dateline:
    """The place (and possibly agency) line opening a news report: ``KARACHI -``."""

    place: str  # normalised: "Karachi"
    text: str  # as written: "KARACHI"
    start: int
    end: int  # end of the whole dateline, trailing dash or colon included
    agency: Optional[str] = None  # "Reuters" in "NEW YORK (Reuters) -"


@lru_cache(maxsize=1)
def _dateline_terms() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(words that are not places, lower-case place-name particles, caption words) from
    data/datelines.toml."""
    name = "datelines.toml"
    data = toml(name)
    try:
        return (frozenset(data["not_places"]), frozenset(data["particles"]),
                frozenset(data["captions"]))
    except KeyError as exc:
        raise DataFileError(name, reason=f"missing {exc}") from exc


@lru_cache(maxsize=1)
def _dateline_pattern() -> re.Pattern[str]:
    particles = "|".join(sorted(_dateline_terms()[1], key=len, reverse=True))
    word = rf"{_UPPER}[A-Za-z{_LATIN}'’.\-]*"
    place = rf"{word}(?:[ ](?:(?:{particles})[ ])?{word}){{0,3}}"
    month = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
    day = rf"(?:{month}[ ]\d{{1,2}}(?:,?[ ]\d{{4}})?|\d{{1,2}}[ ]{month}(?:[ ]\d{{4}})?)"
    return re.compile(
        rf"(?P<place>{place})"
        r"(?:[ ]\[(?P<bracket>[^\]\n]{1,40})\])?"
        rf"(?:,[ ](?P<region>{word}(?:[ ]{word}){{0,2}}))?"
        rf"(?:,?[ ](?P<day>{day}))?"
        r"(?:[ ]?\((?P<agency>[A-Za-z][A-Za-z .&'\-]{0,30})\))?"
        r"(?P<sep>[ \t]?:(?=\s|$)|[ \t]+-{1,2}(?=[ \t])|[ \t]*[—–]|[ \t]?_(?=[ \t]))")


def find_dateline(body: str) -> Optional[Dateline]:
    """The dateline at the start of ``body``, or None when the body opens with a sentence.

    Forms: ``KARACHI -``, ``LONDON:``, ``QUETTA, Pakistan —``, ``Lahore, July 10:``,
    ``NEW YORK (Reuters) -``, ``Islamabad [Pakistan], July 10 (ANI):``, and ``_`` for the dash
    in older wire copy. A place written in mixed case needs a region, date or agency after it
    ("Lahore, July 10:"); a place alone must be written in capitals and have 4 letters or more.
    Pages saved from the web often put a summary or a photo caption first: then a dateline in
    capitals with a wire dash (``--``, ``—``) is taken where a paragraph starts, after a
    caption word ("Photo LONDON --") or after a caption's closing bracket ("(AP) KUNDUZ --"),
    within the first 1,000 characters.
    """
    return _dateline_at(body, _dateline_pattern().match(body[:400])) or _late_dateline(body)


_LATE_WINDOW = 1000  # characters of a web page's opening where a late dateline is looked for


def _late_dateline(body: str) -> Optional[Dateline]:
    captions = _dateline_terms()[2]
    pattern = _dateline_pattern()
    for start in _paragraph_starts(body[:_LATE_WINDOW], captions):
        m = pattern.match(body, start, start + 400)
        if m is None or any(ch.islower() for ch in m["place"]) \
                or m["sep"].strip() not in ("--", "—", "–"):
            continue
        line = _dateline_at(body, m)
        if line is not None:
            return line
    return None


def _paragraph_starts(head: str, captions: frozenset[str]) -> Iterator[int]:
    """Offsets in ``head`` where a late dateline may begin: after a line break, after a
    caption word opening its line, after a closing bracket and a space."""
    starts = {m.end() for m in _LINE_OR_BRACKET.finditer(head)}
    starts |= {m.end() for m in _CAPTION_WORD.finditer(head) if m[1].lower() in captions}
    yield from sorted(starts)


_LINE_OR_BRACKET = re.compile(r"\n[ \t]*(?=\S)|\)[ ](?=[A-Z])")
_CAPTION_WORD = re.compile(r"(?:^|\n)[ \t]*([A-Za-z]+)[ ](?=[A-Z])")


def _dateline_at(body: str, m: Optional[re.Match[str]]) -> Optional[Dateline]:
    """The dateline that ``m`` (a match of the dateline pattern) found, if it is one."""
    if m is None or len(m["place"]) > 100 or len(m["region"] or "") > 100:
        return None
    not_places = _dateline_terms()[0]
    words = m["place"].split() + (m["region"] or "").split()
    if any(w.lower().rstrip(",") in not_places for w in words):
        return None
    if not any(m[part] for part in ("bracket", "region", "day", "agency")):
        # a bare "Word:" is as often a label or a speaker as a place: only capitals will do
        if any(ch.islower() for ch in m["place"]) or sum(map(str.isalpha, m["place"])) < 4:
            return None
    agency = m["agency"].strip() if m["agency"] else None
    return Dateline(place=normalise_place(m["place"]), text=m["place"], start=m.start(),
                    end=m.end("sep"), agency=agency or None)


def normalise_place(text: str) -> str:
    """A place name as written in a dateline, in title case when written in capitals
    ("NEW YORK" → "New York", "D.I. KHAN" → "D.I. Khan"); mixed case is kept as written."""
    if any(ch.islower() for ch in text):
        return text
    particles = _dateline_terms()[1]
    words = []
    for word in text.split():
        if word.lower() in particles and words:
            words.append(word.lower())
        else:
            words.append(re.sub(r"[^\W\d_]+", _capitalise_run, word))
    return " ".join(words)


def _capitalise_run(m: re.Match[str]) -> str:
    run = m.group()
    if len(run) == 1 and m.start() > 0 and m.string[m.start() - 1] in "'’":
        return run.lower()  # JOHN'S → John's
    return run[0] + run[1:].lower()


# -- the article ----------------------------------------------------------------------------

def article_from_text(raw: str, origin: str, *, id: Optional[str] = None,
                      date: Optional[str] = None, title: Optional[str] = None,
                      url: Optional[str] = None, source: Optional[str] = None,
                      warnings: Iterable[Notice] = (),
                      max_chars: Optional[int] = None) -> Article:
    """The Article for one news report given as text, possibly opening with header lines.

    Keyword values, when given, override header values; an agency named in the dateline
    ("(Reuters)") is the source when none is given. The id is ``id`` or the first 16 hex
    digits of the sha256 of the body. Raises EmptyInput for a text without a body, BadDate for
    a bad ``date`` argument, EncodingProblem for text that cannot be written as UTF-8.

    Repairs are kept in ``Article.warnings`` (with ``warnings`` given by the reader) and
    logged: a date header that is not a date is dropped (W103), a body longer than
    ``max_chars`` (default: the ``max_article_chars`` setting) is cut (W102), a body in
    another language than English is flagged (W104) and its language recorded. Control
    characters other than tab and line feed become spaces, so offsets are kept.
    """
    if date and parse_date(date) is None:
        raise BadDate(date)
    notes = list(warnings)
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = blank_controls(text)
    meta, body = split_header(text, origin, notes)
    body = body.strip()
    if not body:
        raise EmptyInput(origin)
    body = _within_limit(body, origin, max_chars, notes)
    try:
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    except UnicodeEncodeError as exc:
        raise EncodingProblem(f"{origin} (unpaired surrogate at character {exc.start})") from exc
    given = {"date": parse_date(date) if date else None, "title": title, "url": url,
             "source": source}
    fields = {key: _field(value, key) or _field(meta.get(key), key) or None
              for key, value in given.items()}
    id = _field(id, "id")
    if id and len(id) > MAX_ID_CHARS:
        raise BadRecord(f"{origin}: the id '{id[:40]}...' is {len(id)} characters long; give "
                        f"an id of at most {MAX_ID_CHARS} characters.")
    line = find_dateline(body)
    if line is not None and fields["source"] is None:
        fields["source"] = line.agency
    language = detect_language(body)
    if language is not None and language != "en":
        notes.append(_notice(OtherLanguage(origin, language=language)))
    article = Article(id=id or digest[:16], text=body, origin=origin, content_hash=digest,
                      dateline=line.place if line else None,
                      dateline_text=line.text if line else None,
                      dateline_span=(line.start, line.end) if line else None,
                      language=language, warnings=notes, **fields)
    log.debug("read %s: id=%s date=%s dateline=%s", origin, article.id, article.date,
              article.dateline)
    return article


MAX_ID_CHARS = 190  # the store keeps 200, with room for a suffix telling equal ids apart
_FIELD_CHARS = {"source": 200, "date": 10}  # longest value kept of a metadata field


def _field(value: object, key: str) -> str:
    """A metadata value (id, title, url, source) made safe to show and store: control,
    surrogate and format characters removed, white space collapsed, cut to its column size."""
    if not isinstance(value, str):
        return ""
    clean = " ".join("".join(ch for ch in value if unicodedata.category(ch) not in
                             ("Cc", "Cs", "Cf") or ch in "\t\n").split())
    limit = _FIELD_CHARS.get(key)
    return clean[:limit] if limit else clean


# control characters other than tab and line feed (C0, DEL, C1): never text, and unsafe on a
# terminal; each becomes a space so that offsets into the body do not move
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def blank_controls(text: str) -> str:
    """Control characters other than tab and line feed as spaces (lengths, so offsets, kept)."""
    return _CONTROL.sub(" ", text)

_LANGUAGE_SAMPLE = 3000  # characters of the body looked at to tell its language
_LANGUAGE_MIN_LETTERS = 80  # shorter texts are not judged
_LANGUAGE_CONFIDENCE = 0.9


def _notice(warning: ReadWarning) -> Notice:
    """A read warning as kept on the article, logged once at WARNING level."""
    log.warning("%s", warning)
    return Notice(code=warning.code, message=str(warning))


def _within_limit(body: str, origin: str, max_chars: Optional[int], notes: list[Notice]) -> str:
    """``body`` cut at the last paragraph, line or sentence break (else space) before
    ``max_chars``, with a Truncated warning; unchanged when short enough."""
    if max_chars is None:
        from ..settings import default_settings
        max_chars = default_settings().max_article_chars
    if len(body) <= max_chars:
        return body
    head = body[:max_chars]
    floor = max_chars // 2  # never cut away more than half of what is allowed
    for mark in ("\n\n", "\n", ". ", " "):
        at = head.rfind(mark)
        if at >= floor:
            head = head[:at + (1 if mark == ". " else 0)]
            break
    head = head.rstrip()
    notes.append(_notice(Truncated(origin, limit=max_chars, kept=len(head))))
    return head


@lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # ships its model
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> Optional[str]:
    """The ISO 639-1 code of the language of ``text`` (py3langid, offline), or None when the
    text is too short or the guess is not confident."""
    sample = text[:_LANGUAGE_SAMPLE]
    if sum(ch.isalpha() for ch in sample) < _LANGUAGE_MIN_LETTERS:
        return None
    try:
        language, probability = _language_identifier().classify(sample)
    except (ValueError, IndexError, UnicodeError):  # pragma: no cover - defensive
        log.debug("language detection failed", exc_info=True)
        return None
    if probability < _LANGUAGE_CONFIDENCE or len(language) != 2:
        return None
    return language
