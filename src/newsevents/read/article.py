"""One article from its text: header metadata, publication date, dateline, id.

The body is what remains after the header lines are removed (leading and trailing blank space
dropped, line ends normalised to ``\\n``); every character offset in the project refers to it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass
from datetime import date as Date, datetime
from functools import lru_cache
from importlib import resources
from typing import Optional

from ..errors import BadDate, BadHeader, DataFileError, EmptyInput, EncodingProblem
from ..schema import Article

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

def split_header(raw: str, origin: str) -> tuple[dict[str, str], str]:
    """Split ``raw`` into header metadata (date, title, url, source) and the body.

    Header lines (``date 2017-01-20``, ``title ...``; ``Title: ...`` with a colon) open the
    text in any order; a date line may also carry the start of the body after the date
    (`` date 2017-01-20 KARACHI - ...``). Raises BadHeader for a date header that is not a date.
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
        taken = _header_date(value, bool(m["colon"]), origin)
        if taken is None:
            break
        meta["date"], rest = taken
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
    if parsed is None:
        raise BadHeader(f"{origin}: the date header '{token}' is not a calendar date written "
                        "YYYY-MM-DD or YYYY-MM; correct it (e.g. 'date 2017-01-20').")
    body_at = len(value) - len(rest.lstrip()) if rest.strip() else 0
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
def _dateline_terms() -> tuple[frozenset[str], frozenset[str]]:
    """(words that are not places, lower-case place-name particles) from data/datelines.toml."""
    name = "datelines.toml"
    try:
        text = resources.files("newsevents").joinpath(f"data/{name}").read_text("utf-8")
        data = tomllib.loads(text)
        return frozenset(data["not_places"]), frozenset(data["particles"])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise DataFileError(name, reason=str(exc)) from exc


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
    """The dateline at the very start of ``body``, or None when the body opens with a sentence.

    Forms: ``KARACHI -``, ``LONDON:``, ``QUETTA, Pakistan —``, ``Lahore, July 10:``,
    ``NEW YORK (Reuters) -``, ``Islamabad [Pakistan], July 10 (ANI):``, and ``_`` for the dash
    in older wire copy. A place written in mixed case needs a region, date or agency after it
    ("Lahore, July 10:"); a place alone must be written in capitals and have 4 letters or more.
    """
    m = _dateline_pattern().match(body)
    if m is None:
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
                      url: Optional[str] = None, source: Optional[str] = None) -> Article:
    """The Article for one news report given as text, possibly opening with header lines.

    Keyword values, when given, override header values; an agency named in the dateline
    ("(Reuters)") is the source when none is given. The id is ``id`` or the first 16 hex
    digits of the sha256 of the body. Raises EmptyInput for a text without a body, BadHeader
    for a bad date header, BadDate for a bad ``date`` argument, EncodingProblem for text that
    cannot be written as UTF-8.
    """
    if date and parse_date(date) is None:
        raise BadDate(date)
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    meta, body = split_header(text, origin)
    body = body.strip()
    if not body:
        raise EmptyInput(origin)
    try:
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    except UnicodeEncodeError as exc:
        raise EncodingProblem(f"{origin} (unpaired surrogate at character {exc.start})") from exc
    given = {"date": parse_date(date) if date else None, "title": title, "url": url,
             "source": source}
    fields = {key: (value.strip() if isinstance(value, str) else "") or meta.get(key) or None
              for key, value in given.items()}
    line = find_dateline(body)
    if line is not None and fields["source"] is None:
        fields["source"] = line.agency
    article = Article(id=id or digest[:16], text=body, origin=origin, content_hash=digest,
                      dateline=line.place if line else None,
                      dateline_text=line.text if line else None,
                      dateline_span=(line.start, line.end) if line else None, **fields)
    log.debug("read %s: id=%s date=%s dateline=%s", origin, article.id, article.date,
              article.dateline)
    return article
