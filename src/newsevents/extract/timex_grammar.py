"""The TIMEX3 grammar: reading one time expression's text against an anchor.

``read(text, ctx)`` tries the whole expression against an ordered list of rules (regex templates
whose ``<NAME>`` parts are alternations from ``data/time_lexicon.toml``), then as a day with a
time of day ("Tuesday morning"), then with its modifiers removed one by one ("about", "the end
of", "or so"). Each rule's handler turns the match into a ``Reading``: value, precision, type.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable, Optional

from ..knowledge import toml
from .timex_periods import (NEAR_DAYS, Ctx, Period, Reading, century_period, choose,
                            day_period, decade_period, easter, half_period, month_period,
                            nth_weekday, quarter_period, season_period, shift, shift_years,
                            unit_period, week_period, weekend_period, year_period)

log = logging.getLogger(__name__)

LEXICON_FILE = "time_lexicon.toml"
# how fine a precision is; a reference date is used for a unit only if it is at least as fine
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "year": 4,
                  "decade": 5, "unknown": 6}
UNIT_RANK = {"D": 0, "W": 1, "WE": 1, "2W": 1, "M": 2, "Q": 3, "HY": 3, "SE": 3, "Y": 4,
             "E": 5, "C": 6, "L": 6, "TH": 0, "TM": 0, "TS": 0}
UNIT_PRECISION = {"D": "day", "W": "week", "WE": "week", "2W": "week", "M": "month",
                  "Q": "quarter", "HY": "quarter", "SE": "season", "Y": "year", "E": "decade",
                  "C": "unknown", "L": "unknown", "TH": "day", "TM": "day", "TS": "day"}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The parsed time lexicon (data/time_lexicon.toml)."""
    return toml(LEXICON_FILE)


_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "`": "'", "–": "-", "—": "-", "\u00a0": " "})
_POSSESSIVE = re.compile(r"(?<=[a-z0-9])'s\b|(?<=s)'(?=\s|$)")
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z0-9'])|(?<=[0-9])-(?=[a-z])")
_AMPM = re.compile(r"\b([ap])\.?\s?m\b\.?")
_DOT = re.compile(r"\.(?!\d)|(?<!\d)\.")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_JUNK = re.compile(r"[\"()\[\]{},;:!?*/\\]+(?![0-9])")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """The expression as the grammar reads it: lower case, no possessives, dots or hyphens
    between words ("Party's Jan. 21" → "party jan 21", "third-quarter" → "third quarter")."""
    t = text.translate(_TRANSLATE).lower()
    t = _POSSESSIVE.sub("", t)
    t = _HYPHEN.sub(" ", t)
    t = _AMPM.sub(r" \1m", t)
    t = _THOUSANDS.sub("", t)
    t = _DOT.sub(" ", t)
    t = t.replace(":", "\x00")  # keep clock colons through the junk filter
    t = _JUNK.sub(" ", t).replace("\x00", ":")
    t = re.sub(r"(?<!\d):|:(?!\d)", " ", t)
    return _SPACES.sub(" ", t).strip(" -'")


def alternation(words: object) -> str:
    """A regex alternation of ``words``, longest first so the longest phrase wins."""
    return "|".join(re.escape(w) for w in sorted({str(w) for w in words}, key=len, reverse=True))


def _keys(table: dict) -> list[str]:
    return [clean(k) for k in table]


@dataclass(frozen=True)
class Grammar:
    """Lexicon tables keyed by cleaned words, and the compiled rules of the grammar."""

    lex: dict
    months: dict[str, int]
    weekdays: dict[str, int]
    units: dict[str, str]
    parts: dict[str, str]
    seasons: dict[str, tuple[str, int]]
    holidays: dict[str, tuple]
    relatives: dict[str, tuple[int, str]]
    refs: dict[str, str]
    deictic: dict[str, tuple[int, str]]
    set_words: dict[str, str]
    vague_durations: frozenset[str]
    rules: tuple[tuple[re.Pattern, Callable], ...]
    modifiers: re.Pattern
    trailing: re.Pattern
    approx_mods: frozenset[str]
    clock: re.Pattern
    tod_hint: re.Pattern
    age: re.Pattern


def _holiday_table(lex: dict) -> dict[str, tuple]:
    table: dict[str, tuple] = {}
    for name, mmdd in lex["holidays_fixed"].items():
        table[clean(name)] = ("fixed", int(mmdd[:2]), int(mmdd[3:]))
    for name, (month, weekday, nth) in lex["holidays_weekday"].items():
        table[clean(name)] = ("weekday", month, weekday, nth)
    for name, offset in lex["holidays_easter"].items():
        table[clean(name)] = ("easter", offset)
    for name in lex["holidays_movable"]["names"]:
        table[clean(name)] = ("movable",)
    return table


def _alternations(lex: dict, g: dict) -> dict[str, str]:
    numbers = {**lex["numbers"], **lex["approx_numbers"], **lex["vague_counts"]}
    plain = [w for w in lex["numbers"] if w not in ("a", "an", "single") and " " not in w]
    ords = lex["ordinals"]
    tens = [w[:-1] + "ies" for w, v in lex["numbers"].items() if v in range(20, 100, 10)]
    return {
        "MONTH": alternation(g["months"]), "WD": alternation(g["weekdays"]), "UNIT": alternation(g["units"]),
        "NUMW": alternation(_keys(numbers)), "NUMP": alternation(plain),
        "NUM": rf"(?:\d{{1,3}}(?:\.\d+| 1/2)?|(?:{alternation(_keys(numbers))})(?: (?:and )?(?:{alternation(plain)}))*)",
        "YEAR": rf"(?:1\d{{3}}|20\d{{2}}|'\d\d|nineteen (?:hundred )?(?:and )?(?:{alternation(plain)})(?: (?:{alternation(plain)}))?"
                rf"|two thousand(?: and)?(?: (?:{alternation(plain)})(?: (?:{alternation(plain)}))?)?)",
        "DAY": rf"(?:(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|{alternation(k for k, v in ords.items() if v <= 31)})",
        "ORD": rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{alternation(_keys(ords))})",
        "ORDQ": r"(?:first|second|third|fourth|1st|2nd|3rd|4th|last|final)",
        "REL": alternation(g["relatives"]), "SEASON": alternation(g["seasons"]), "PART": alternation(g["parts"]),
        "HOL": alternation(g["holidays"]), "TENS": alternation(tens),
        "TZ": r"(?:[ecmpa][sd]?t|gmt|utc|pkt|ist|bst|cet|cest|eet|msk|jst|local time|local)",
    }


def _expand(template: str, alts: dict[str, str]) -> re.Pattern:
    return re.compile(re.sub(r"<([A-Z]+)>", lambda m: f"(?:{alts[m.group(1)]})", template))


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """The grammar, built once from the lexicon."""
    lex = lexicon()
    g = {
        "months": {clean(k): v for k, v in lex["months"].items()},
        "weekdays": {clean(k): v for k, v in lex["weekdays"].items()},
        "units": {clean(k): v for k, v in lex["units"].items()},
        "parts": {clean(k): v for k, v in lex["parts_of_day"].items()},
        "seasons": {clean(k): (v[0], v[1]) for k, v in lex["seasons"].items()},
        "holidays": _holiday_table(lex),
        "relatives": {clean(k): (v[0], v[1]) for k, v in lex["relatives"].items()},
    }
    alts = _alternations(lex, g)
    mods = lex["modifiers"]
    all_mods = [*mods["approx"], *mods["exact"], *mods["position"]]
    clock = (r"(?:(?P<h>\d{1,2})(?::(?P<mi>\d\d))? ?(?P<ap>am|pm)|(?P<h2>[01]?\d|2[0-4]):(?P<mi2>\d\d)"
             r"|(?P<cw>" + alternation(lex["clock_words"]) + r")|(?P<h3>\d{1,2}|<NUMP>) o'?clock)"
             r"(?: (?:<TZ>))?")
    return Grammar(
        lex=lex, rules=tuple((_expand(t, alts), h) for t, h in _RULES), **g,
        refs={clean(k): v for k, v in lex["refs"].items()},
        deictic={clean(k): (v[0], v[1]) for k, v in lex["deictic_days"].items()},
        set_words={clean(k): v for k, v in lex["set_words"].items()},
        vague_durations=frozenset(clean(k) for k in lex["vague_durations"]["names"]),
        modifiers=re.compile(rf"^(?P<the>the (?=(?:early|late|mid|middle|full) ))?(?:{alternation(all_mods)}) "),
        trailing=re.compile(rf" (?:{alternation(mods['trailing'])})$"),
        approx_mods=frozenset(mods["approx"]) | frozenset(mods["trailing"]),
        clock=_expand(clock, alts),
        tod_hint=_expand(rf"\b(?:<PART>|o'?clock|{alternation(lex['clock_words'])})\b|\d ?[ap]m\b|\d:\d\d", alts),
        age=_expand(r"(?:aged )?<NUM> (?:years?|months?|weeks?|days?) old|<NUM> (?:year|month|week|day) old"
                    r"|aged <NUM>", alts),
    )


def _dated(p: Period, ctx: Ctx, relative: bool = True, approx: bool = False) -> Reading:
    return Reading(p.value, p.precision, approx=approx, period=p,
                   tense=ctx.tense if relative else None,
                   earliest=p.start if approx else None, latest=p.end if approx else None)


def _unanchored(value: Optional[str], precision: str = "unknown", type_: str = "DATE") -> Reading:
    return Reading(value, precision, type=type_, anchored=False)


def _duration(value: str, approx: bool = False) -> Reading:
    return Reading(value, "unknown", type="DURATION", approx=approx)


def _set(value: str) -> Reading:
    return Reading(value, "unknown", type="SET")


def _ref_reading(value: str, ctx: Ctx) -> Reading:
    """PRESENT_REF / PAST_REF / FUTURE_REF, bounded by the article date when there is one."""
    if ctx.window is None:
        return _unanchored(value)
    a0, a1 = ctx.window
    bounds = {"PRESENT_REF": (a0, a1), "PAST_REF": (None, a0 - timedelta(days=1)),
              "FUTURE_REF": (a1 + timedelta(days=1), None)}.get(value, (None, None))
    return Reading(value, "unknown", earliest=bounds[0], latest=bounds[1])


def _years(ctx: Ctx) -> range:
    y = ctx.window[0].year  # type: ignore[index]
    return range(y - 1, y + 2)


def _ref_window(ctx: Ctx) -> Optional[tuple[date, date]]:
    """The reference day as a window, when the paragraph has mentioned one."""
    if ctx.ref is not None and ctx.ref.precision == "day":
        return ctx.ref.start, ctx.ref.end
    return None


def _pick_by_rel(cands: list[Period], ctx: Ctx, rel: Optional[str]) -> Period:
    """A calendar position with "last"/"next"/"this"/"the previous" or none: which occurrence."""
    direction, counts_from = grammar().relatives.get(rel or "", (None, ""))
    if direction is None:
        return choose(cands, ctx)
    if direction == 0:
        a0 = ctx.window[0]  # type: ignore[index]
        this = week_period(a0) if cands[0].precision == "day" and cands[1].start - cands[0].start == timedelta(days=7) \
            else year_period(a0.year)
        inside = [p for p in cands if p.start <= this.end and this.start <= p.end]
        return inside[0] if inside else choose(cands, replace(ctx, tense=None))
    window = _ref_window(ctx) if counts_from == "ref" else None
    return choose(cands, replace(ctx, tense="past" if direction < 0 else "future"), strict=True, window=window,
                  explicit=True)


# --------------------------------------------------------------------------- numbers

@dataclass(frozen=True)
class Count:
    """A count in an expression: ``n`` None when vague ("some days"), with bounds."""

    n: Optional[float]
    lo: float
    hi: float
    approx: bool = False


def parse_count(text: str) -> Optional[Count]:
    """"two" → 2, "twenty four" → 24, "a couple of" → 2 (approx 1..3), "some" → X (2..9)."""
    lex = lexicon()
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        n = float(text)
        return Count(n, n, n)
    if re.fullmatch(r"\d+ 1/2", text):
        n = int(text.split()[0]) + 0.5
        return Count(n, n, n)
    if text in lex["approx_numbers"]:
        n, lo, hi = lex["approx_numbers"][text]
        return Count(n, lo, hi, approx=True)
    if text in lex["vague_counts"]:
        lo, hi = lex["vague_counts"][text]
        return Count(None, lo, hi, approx=True)
    words = text.replace(" and ", " ").split()
    if len(words) > 1 and words[0] in ("a", "an"):
        words = words[1:]
    total = current = 0
    for word in words:
        value = lex["numbers"].get(word)
        if value is None:
            return None
        if value in (100, 1000):
            current = (current or 1) * value
            if value == 1000:
                total, current = total + current, 0
        else:
            current += value
    n = total + current
    return Count(n, n, n) if n else None


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


_SMALLER_UNIT = {"Y": (12, "M"), "E": (10, "Y"), "C": (100, "Y"), "M": (30, "D"), "W": (7, "D"),
                 "D": (24, "TH"), "TH": (60, "TM"), "TM": (60, "TS")}


def _duration_parts(n: float, unit: str) -> list[tuple[str, str]]:
    """(2.5, "Y") → [("2", "Y"), ("6", "M")]: a fraction carried into the next smaller unit."""
    whole = int(n)
    smaller = _SMALLER_UNIT.get(unit)
    if n == whole or smaller is None or (n - whole) * smaller[0] != int((n - whole) * smaller[0]):
        return [(_fmt(n), unit)]
    rest = [(str(int((n - whole) * smaller[0])), smaller[1])]
    return ([(str(whole), unit)] if whole else []) + rest


def duration_value(n: Optional[float], unit: str) -> str:
    """TIMEX3 duration: (3, "Y") → P3Y, (2, "TH") → PT2H, (2.5, "Y") → P2Y6M, (None, "W") → PXW."""
    if unit == "2W":
        n, unit = (None if n is None else n * 2), "W"
    parts = [("X", unit)] if n is None else _duration_parts(n, unit)
    date_part = "".join(c + u for c, u in parts if not u.startswith("T"))
    time_part = "".join(c + u[1] for c, u in parts if u.startswith("T"))
    return "P" + date_part + (f"T{time_part}" if time_part else "")


# --------------------------------------------------------------------------- rule handlers

Handler = Callable[[re.Match, Ctx], Optional[Reading]]


def _year_of(text: str, ctx: Ctx) -> int:
    """A written year: "1998" → 1998, "nineteen ninety six" → 1996, "'98" → the century that
    puts it nearest the anchor."""
    if text.startswith("nineteen "):
        rest = parse_count(text[9:].removeprefix("hundred ").removeprefix("and "))
        return 1900 + int(rest.n if rest and rest.n else 0)
    if text.startswith("two thousand"):
        rest = parse_count(text[12:].strip().removeprefix("and ")) if text[12:].strip() else None
        return 2000 + int(rest.n if rest and rest.n else 0)
    if not text.startswith("'"):
        return int(text)
    yy = int(text[1:])
    base = ctx.window[0].year if ctx.window else 2000
    century = base // 100 * 100
    return min((century - 100 + yy, century + yy), key=lambda y: (abs(y - base - 5), y))


def _day_number(text: str) -> int:
    digits = re.match(r"\d+", text)
    return int(digits.group()) if digits else int(lexicon()["ordinals"][text])


def _month_day(month: int, day: int, year: Optional[int], ctx: Ctx, wd: Optional[int] = None) -> Optional[Reading]:
    if year is not None:
        return _dated(day_period(date(year, month, day)), ctx, relative=False)
    if ctx.window is None:
        if day > calendar.monthrange(2000, month)[1]:
            return None
        return _unanchored(f"XXXX-{month:02d}-{day:02d}", "day")
    cands = [day_period(date(y, month, day)) for y in _years(ctx)
             if day <= calendar.monthrange(y, month)[1]]
    if wd is not None and any(p.start.isoweekday() == wd for p in cands):
        cands = [p for p in cands if p.start.isoweekday() == wd]
    return _dated(choose(cands, ctx), ctx) if cands else None


def r_iso(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "2017-01-08", "2017-01", "2017-01-08T15:30"."""
    y, mo = int(m["y"]), int(m["m"])
    if m["d"] is None:
        return _dated(month_period(y, mo), ctx, relative=False)
    reading = _dated(day_period(date(y, mo, int(m["d"]))), ctx, relative=False)
    if m["hh"]:
        reading.value, reading.type = f"{reading.value}T{m['hh']}:{m['mm']}", "TIME"
    return reading


def r_numeric(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "1/8/1998" (month first unless the first number cannot be a month)."""
    a, b = int(m["a"]), int(m["b"])
    month, day = (a, b) if a <= 12 else (b, a)
    year = int(m["y"])
    if year < 100:
        year = _year_of(f"'{year:02d}", ctx)
    return _dated(day_period(date(year, month, day)), ctx, relative=False)


def r_month_day(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "January 21", "Sat, 21 January 2017", "the 3rd of March": the year, if missing, from the tense."""
    g = grammar()
    year = _year_of(m["y"], ctx) if m["y"] else None
    wd = g.weekdays[m["wd"]] if m["wd"] else None
    return _month_day(g.months[m["mon"]], _day_number(m["d"]), year, ctx, wd)


def r_month_year(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"January 2017", "June last year"."""
    month = grammar().months[m["mon"]]
    year = _relative_year(m, ctx)
    if year is None:
        return _unanchored(f"XXXX-{month:02d}", "month")
    return _dated(month_period(year, month), ctx, relative=not m.groupdict().get("y"))


def r_month(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "October", "last March", "early June": the year from the relative word or the tense."""
    month = grammar().months[m["mon"]]
    if ctx.window is None:
        return _unanchored(f"XXXX-{month:02d}", "month")
    cands = [month_period(y, month) for y in _years(ctx)]
    return _dated(_pick_by_rel(cands, ctx, m["rel"]), ctx)


def r_year(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "1998", "fiscal 1998", "the year 2000", "'98"."""
    return _dated(year_period(_year_of(m["y"], ctx)), ctx, relative=False)


def r_decade(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "the 1990s", "the '80s", "the nineties"."""
    if m["dec"]:
        return _dated(decade_period(int(m["dec"])), ctx, relative=False)
    tens = int(m["dd"]) if m["dd"] else parse_count(m["w"][:-3] + "y").n  # "nineties" → ninety
    century = (ctx.window[0].year // 100 * 100) if ctx.window else 1900
    year = century + int(tens)
    if ctx.window and year > ctx.window[0].year:
        year -= 100
    return _dated(decade_period(year), ctx, relative=False)


def r_century(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "the 20th century" → 19."""
    n = _day_number(m["c"]) if m["c"][0].isdigit() else lexicon()["ordinals"].get(m["c"])
    if not n:
        return None
    return _dated(century_period((n - 1) * 100), ctx, relative=False)


def _part_period(year: int, unit: str, n: int) -> Period:
    return quarter_period(year, n) if unit == "Q" else half_period(year, n)


def r_quarter(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "the third quarter", "the first half of 1998", "fourth quarters" (a set)."""
    unit = "HY" if m["unit"].startswith("hal") else "Q"
    n = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}.get(
        m["ord"], 4 if unit == "Q" else 2)
    if unit == "HY" and n > 2:
        return None
    if m["unit"] in ("quarters", "halves"):
        return _set(f"XXXX-{'Q' if unit == 'Q' else 'H'}{n}")
    year = _relative_year(m, ctx)
    if year is not None:
        return _dated(_part_period(year, unit, n), ctx, relative=not m["y"])
    if ctx.window is None:
        return _unanchored(f"XXXX-{'Q' if unit == 'Q' else 'H'}{n}", "quarter")
    return _dated(_quarter_by_tense([_part_period(y, unit, n) for y in _years(ctx)], ctx), ctx)


def _quarter_by_tense(cands: list[Period], ctx: Ctx) -> Period:
    """The year of "the first quarter": past → the latest begun by the anchor, future → the
    earliest not ended a quarter before it (results of a just-ended quarter are still to come),
    otherwise the anchor's year."""
    a0, a1 = ctx.window  # type: ignore[misc]
    if ctx.tense == "past":
        begun = [p for p in cands if p.start <= a1]
        return max(begun, key=lambda p: p.start) if begun else cands[0]
    if ctx.tense == "future":
        pending = [p for p in cands if p.end >= a0 - timedelta(days=NEAR_DAYS)]
        return min(pending, key=lambda p: p.start) if pending else cands[-1]
    return next(p for p in cands if p.start.year == a0.year)


def _relative_year(m: re.Match, ctx: Ctx) -> Optional[int]:
    """The year named next to a quarter or season: "1998", "'98", "last year", "this year"."""
    if m.groupdict().get("y"):
        return _year_of(m["y"], ctx)
    yrel = m.groupdict().get("yrel")
    if yrel and yrel != "the" and yrel not in grammar().relatives:
        yrel = "the " + yrel
    if yrel and ctx.window:
        direction = grammar().relatives.get(yrel, (0, ""))[0]
        return ctx.window[0].year + (0 if yrel == "the" else direction)
    return None


def r_quarter_code(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "Q3 1998", "3Q"."""
    q = int(m["q"])
    if m["y"]:
        return _dated(quarter_period(_year_of(m["y"], ctx), q), ctx, relative=False)
    if ctx.window is None:
        return _unanchored(f"XXXX-Q{q}", "quarter")
    return _dated(quarter_period(ctx.window[0].year, q), ctx)


def r_season(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "last summer", "the spring of 1995", "summers" (a set)."""
    code, first = grammar().seasons[m["s"]]
    if m.groupdict().get("plural"):
        return _set(f"XXXX-{code}")
    if m["y"]:
        return _dated(season_period(_year_of(m["y"], ctx), code, first), ctx, relative=False)
    if ctx.window is None:
        return _unanchored(f"XXXX-{code}", "season")
    cands = [season_period(y, code, first) for y in _years(ctx)]
    return _dated(_pick_by_rel(cands, ctx, m["rel"]), ctx)


def r_weekend(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "the weekend", "last weekend": the week of the chosen Saturday with -WE."""
    if ctx.day is None:
        return _unanchored(None, "week")
    sat = ctx.day + timedelta(days=6 - ctx.day.isoweekday())
    cands = [weekend_period(sat + timedelta(days=7 * k)) for k in (-1, 0, 1)]
    return _dated(_pick_by_rel(cands, ctx, m["rel"]), ctx)


def _holiday_date(spec: tuple, year: int) -> date:
    if spec[0] == "fixed":
        return date(year, spec[1], spec[2])
    if spec[0] == "weekday":
        return nth_weekday(year, spec[1], spec[2], spec[3])
    return easter(year) + timedelta(days=spec[1])


def r_holiday(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "Christmas", "Easter 2017", "last Thanksgiving"; movable feasts are not dated."""
    spec = grammar().holidays[m["h"]]
    if spec[0] == "movable":
        year = _year_of(m["y"], ctx) if m["y"] else None
        return Reading(str(year) if year else None, "year" if year else "unknown",
                       anchored=year is not None or ctx.window is not None)
    if m["y"]:
        return _dated(day_period(_holiday_date(spec, _year_of(m["y"], ctx))), ctx, relative=False)
    if ctx.window is None:
        return _unanchored(f"XXXX-{spec[1]:02d}-{spec[2]:02d}" if spec[0] == "fixed" else None, "day")
    cands = [day_period(_holiday_date(spec, y)) for y in _years(ctx)]
    return _dated(_pick_by_rel(cands, ctx, m["rel"]), ctx)


def r_weekday(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "Wednesday", "last Tuesday", "Friday of next week"."""
    wd = grammar().weekdays[m["wd"]]
    week_rel = m.groupdict().get("wrel")
    if ctx.day is None:
        return _unanchored(f"XXXX-WXX-{wd}", "day")
    if week_rel:
        direction = grammar().relatives.get(week_rel, (0, ""))[0]
        monday = week_period(ctx.day).start + timedelta(days=7 * direction)
        return _dated(day_period(monday + timedelta(days=wd - 1)), ctx)
    cands = [day_period(ctx.day + timedelta(days=k)) for k in range(-7, 8)
             if (ctx.day + timedelta(days=k)).isoweekday() == wd]
    return _dated(_pick_by_rel(cands, ctx, m["rel"]), ctx)


def r_set_weekday(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "every Sunday", "Tuesday nights" → XXXX-WXX-2TNI."""
    wd = grammar().weekdays[m["wd"]]
    part = m.groupdict().get("part")
    code = grammar().parts.get(part, "") if part else ""
    return _set(f"XXXX-WXX-{wd}" + (f"T{code}" if code else ""))


def r_set_month(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "each July" → XXXX-07."""
    return _set(f"XXXX-{grammar().months[m['mon']]:02d}")


def r_set_part(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "every morning" → XXXX-XX-XXTMO."""
    return _set(f"XXXX-XX-XXT{grammar().parts[m['part']]}")


def r_set_unit(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "every month" → P1M, "every two years" → P2Y, "twice a year" → P1Y."""
    count = parse_count(m["num"]) if m.groupdict().get("num") else Count(1, 1, 1)
    if count is None:
        return None
    return _set(duration_value(count.n, grammar().units[m["unit"]]))


def _base(ctx: Ctx, unit: str, from_ref: bool) -> Optional[date]:
    """The day a relative expression counts from: the reference date when it is fine enough."""
    if from_ref and ctx.ref is not None and PRECISION_RANK[ctx.ref.precision] <= UNIT_RANK.get(unit, 6):
        return ctx.ref.start
    if ctx.day is not None:
        return ctx.day
    if ctx.window is not None and UNIT_RANK.get(unit, 6) >= 2 and not unit.startswith("T"):
        return ctx.window[0]
    return None


def r_ago(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"two days ago", "a couple of months ago", "a year earlier", "some days ago"; "two weeks
    ago" is the day that many weeks back (approximate, bounded by its week), as TimeBank values it."""
    unit = grammar().units[m["unit"]]
    singular = not m["unit"].endswith("s") or unit == "TS" and m["unit"] in ("second", "sec")
    count = parse_count(m["num"]) if m["num"] else Count(1 if singular else None, 1 if singular else 2,
                                                         1 if singular else 9, approx=not singular)
    if count is None:
        return None
    direction = m["dir"]
    sign = 1 if direction in ("later", "after", "hence", "from now", "on", "afterwards", "afterward",
                              "later on", "after that", "thereafter") else -1
    # "year-earlier results", "the year-ago quarter" (no count, no indefinite article): compared
    # with the period reported on, not with the date last mentioned
    text = m.group(0)
    attributive = m["num"] is None and singular and (
        not t_has_article(text) or text.startswith("the ") and unit == "Y" and direction in ("ago", "earlier"))
    from_ref = direction not in ("ago", "back", "hence", "from now") and not attributive
    base = _base(ctx, unit, from_ref)
    if base is None:
        return _unanchored(None, UNIT_PRECISION.get(unit, "unknown"))
    tense = "past" if sign < 0 else "future"
    if count.n is None:
        far, near = unit_period(shift(base, unit, sign * count.hi), unit), unit_period(shift(base, unit, sign * count.lo), unit)
        lo, hi = (far.start, near.end) if sign < 0 else (near.start, far.end)
        return Reading("PAST_REF" if sign < 0 else "FUTURE_REF", "unknown", approx=True,
                       earliest=lo, latest=hi, tense=tense)
    same_period = _year_shift_ref(ctx, from_ref)
    if unit == "Y" and count.n == int(count.n) and same_period is not None:
        reading = _dated(shift_years(same_period, int(sign * count.n)), ctx, approx=count.approx)
        reading.tense, reading.comparison = tense, True
        return reading
    if unit == "W" and direction == "ago" and not count.approx and count.n == int(count.n) \
            and ctx.day is not None:
        # "two weeks ago" points at a day (the same weekday that many weeks back), known to the week
        day = shift(base, unit, sign * count.n)
        week = unit_period(day, unit)
        return Reading(day.isoformat(), "day", approx=True, earliest=week.start, latest=week.end, tense=tense,
                       period=day_period(day))
    target = unit_period(shift(base, unit, sign * count.n), unit)
    reading = _dated(target, ctx, approx=count.approx)
    reading.tense = tense
    if count.approx:
        ends = [unit_period(shift(base, unit, sign * k), unit) for k in (count.lo, count.hi)]
        reading.earliest, reading.latest = min(p.start for p in ends), max(p.end for p in ends)
    return reading


def t_has_article(text: str) -> bool:
    """Whether an expression starts with an article ("the day after", "a year earlier")."""
    return text.startswith(("the ", "a ", "an "))


def _year_shift_ref(ctx: Ctx, from_ref: bool) -> Optional[Period]:
    """The period "a year earlier" shifts: the quarter (or month, season) the paragraph, else the
    article, is talking about — the article's first when the expression counts from the article
    date ("a year ago", "year-ago results"); None means a plain year shift."""
    ref = (ctx.ref or ctx.last_quarter) if from_ref else (ctx.last_quarter or ctx.ref)
    if ref is None:
        return None
    return ref if ref.precision in ("quarter", "month", "season") else None


def r_year_ago_period(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"the year-earlier quarter", "the same period last year", "the 1988 quarter": the period
    under discussion, a year back (or in the year named)."""
    what = m["what"]
    current: Optional[Period] = ctx.last_quarter if what in ("quarter", "period") else None
    if m.groupdict().get("ord"):
        n = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}.get(m["ord"], 4)
        current = quarter_period(ctx.window[0].year, n) if ctx.window else None
    if current is None and ctx.ref is not None and what == "period":
        current = ctx.ref if ctx.ref.precision in ("quarter", "month", "season") else None
    if m.groupdict().get("y"):
        year = _year_of(m["y"], ctx)
        if current is None:
            return _dated(year_period(year), ctx, relative=False)
        reading = _dated(shift_years(current, year - current.start.year), ctx)
        reading.comparison = year != current.start.year
        return reading
    if current is None:
        if ctx.window is None:
            return _unanchored(None, "year")
        reading = _dated(year_period(ctx.window[0].year - 1), ctx)
    else:
        reading = _dated(shift_years(current, -1), ctx)
    reading.comparison = True
    return reading


def r_latest_period(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"the latest period", "the latest quarter": the quarter the article reports on (the one it
    last named), else the last quarter ended before the article date."""
    if ctx.last_quarter is not None:
        return _dated(ctx.last_quarter, ctx)
    base = _base(ctx, "Q", False)
    if base is None:
        return _unanchored(None, "quarter")
    return _dated(unit_period(shift(base, "Q", -1), "Q"), ctx)


def r_rel_unit(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"last week", "this month", "next year", "the previous day"; "the past year" with no count
    is, as TimeBank values it, the year before the article's (a count makes it a duration:
    "the past three years" → P3Y)."""
    g = grammar()
    direction, counts_from = g.relatives[m["rel"]]
    unit = g.units[m["unit"]]
    if unit in ("WE", "SE"):
        return None
    if unit.startswith("T") or counts_from == "span" and unit in ("C", "L"):
        return _duration(duration_value(1, unit)) if direction <= 0 else None
    if unit == "Q" and direction == 0 and ctx.last_quarter is not None and ctx.tense != "future":
        return _dated(ctx.last_quarter, ctx)  # "this quarter's loss" in a report on the quarter just ended
    base = _base(ctx, unit, counts_from == "ref")
    if base is None:
        return _unanchored(None, UNIT_PRECISION[unit])
    if unit == "2W":
        unit, direction = "W", direction * 2
    return _dated(unit_period(shift(base, unit, direction), unit), ctx)


def r_same_unit(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"the same day", "that week": the period of the reference date."""
    unit = grammar().units[m["unit"]]
    if unit.startswith("T") or unit in ("SE", "2W"):
        return None
    base = _base(ctx, unit, True)
    return _dated(unit_period(base, unit), ctx) if base else _unanchored(None, UNIT_PRECISION[unit])


def r_the_unit(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"the year", "the month", "the quarter": the current one, or the quarter last talked of."""
    unit = grammar().units[m["unit"]]
    if unit not in ("D", "W", "M", "Q", "Y", "E", "C", "HY") or m["unit"].endswith("s") and unit != "C":
        return None
    if unit == "D":
        window = _ref_window(ctx)
        return _dated(day_period(window[0] if window else ctx.day), ctx) if window or ctx.day else None
    if unit == "Q" and ctx.last_quarter is not None:
        return _dated(ctx.last_quarter, ctx)
    base = _base(ctx, unit, False)
    if base is None:
        return _unanchored(None, UNIT_PRECISION[unit])
    if unit == "Q" and ctx.tense == "past":
        base = shift(base, "Q", -1)
    return _dated(unit_period(base, unit), ctx)


def r_unit_before(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"the day before", "the week after": one unit before or after the reference date."""
    unit = grammar().units[m["unit"]]
    if unit.startswith("T") or unit == "SE":
        return None
    base = _base(ctx, unit, True)
    if base is None:
        return _unanchored(None, UNIT_PRECISION[unit])
    sign = -1 if m["dir"] in ("before", "earlier", "prior") else 1
    return _dated(unit_period(shift(base, unit, sign), unit), ctx)


def r_span_n(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"the past three years", "the next few days", "recent years": durations."""
    count = parse_count(m["num"]) if m.groupdict().get("num") else Count(None, 2, 9, approx=True)
    if count is None:
        return None
    return _duration(duration_value(count.n, grammar().units[m["unit"]]), approx=count.approx)


def r_duration(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"three years", "two-hour", "an hour and a half", "several months"."""
    count = parse_count(m["num"])
    if count is None:
        return None
    n = count.n
    if n is not None and (m.groupdict().get("half") or m.groupdict().get("half2")):
        n += 0.5
    return _duration(duration_value(n, grammar().units[m["unit"]]), approx=count.approx)


def _approx(reading: Optional[Reading]) -> Optional[Reading]:
    if reading is not None:
        reading.approx = True
    return reading


def r_half_unit(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "half an hour" → PT30M."""
    return _duration(duration_value(0.5, grammar().units[m["unit"]]))


def r_bare_unit(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"years" → PXY, "week" → P1W."""
    word = m["unit"]
    unit = grammar().units[word]
    plural = word.endswith("s") and not word.endswith("ss") and unit != "TS" or word in ("centuries", "millennia")
    return _duration(duration_value(None if plural or unit == "TS" and word.endswith("s") else 1, unit))


def _clock_value(m: re.Match) -> Optional[str]:
    """"3:30 pm" → "15:30", "noon" → "12:00", "15:00" → "15:00"."""
    if m["cw"]:
        return lexicon()["clock_words"][m["cw"]]
    if m["h"]:
        h, mi = int(m["h"]), int(m["mi"] or 0)
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m["ap"] == "pm" else 0)
    elif m["h2"]:
        h, mi = int(m["h2"]), int(m["mi2"])
    else:
        word = m["h3"]
        h, mi = (int(word) if word.isdigit() else int(lexicon()["numbers"].get(word, 0))), 0
    if not (0 <= h <= 24 and 0 <= mi < 60):
        return None
    return f"{h:02d}:{mi:02d}"


def _time_of_day(text: str) -> Optional[str]:
    """The TIMEX3 time part of a clock time or part of day: "T15:00", "TMO"; else None."""
    g = grammar()
    m = g.clock.fullmatch(text)
    if m:
        value = _clock_value(m)
        return f"T{value}" if value else None
    core = text
    while core not in g.parts:
        rest = re.sub(r"^(?:the|this|that|early|late|mid|middle of the|the middle of the) ", "", core)
        if rest == core:
            return None
        core = rest
    return f"T{g.parts[core]}"


def r_time_of_day(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """A clock time or part of day alone: on the day last mentioned, else the article date (a
    day named right next to it takes over later: "the wee hours on Wednesday")."""
    tod = _time_of_day(m.group(0))
    if tod is None:
        return None
    window = _ref_window(ctx)
    if window is not None:
        return Reading(window[0].isoformat() + tod, "day", type="TIME", period=day_period(window[0]),
                       from_anchor_day=True)
    if ctx.day is None:
        return _unanchored(None, "day", "TIME")
    return Reading(ctx.day.isoformat() + tod, "day", type="TIME", period=day_period(ctx.day),
                   from_anchor_day=True)


def r_two_quarters(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"the first two quarters of 1990" is its first half (1990-H1), "the last two quarters" the second."""
    half = "second" if m["ord"] in ("last", "final") else "first"
    words = f"the {half} half" + (f" of {m['y']}" if m["y"] else f" of {m['yrel']} year" if m["yrel"] else "")
    return read(words, ctx)


def r_then(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """"then" in "until then", "by then": the time last mentioned; not an expression without one."""
    if ctx.ref is None:
        return None
    return _dated(ctx.ref, ctx)


# Each rule: a template (<NAME> is a lexicon alternation) matched against the whole cleaned
# expression, and its handler. Order matters: the first rule whose handler gives a reading wins.
_RULES: tuple[tuple[str, Handler], ...] = (
    (r"(?P<y>\d{4})-(?P<m>\d\d)(?:-(?P<d>\d\d)(?: ?t(?P<hh>\d\d):(?P<mm>\d\d)(?::\d\d)?)?)?", r_iso),
    (r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d\d)", r_numeric),
    (r"(?:(?:<REL>) )?(?:(?P<wd><WD>) )?(?:the )?(?P<mon><MONTH>) (?:the )?(?P<d><DAY>)(?: (?:of )?(?P<y><YEAR>))?", r_month_day),
    (r"(?:(?:<REL>) )?(?:(?P<wd><WD>) )?(?:the )?(?P<d><DAY>) (?:of |day of )?(?P<mon><MONTH>)(?: (?P<y><YEAR>))?", r_month_day),
    (r"(?:the )?(?:month of )?(?P<mon><MONTH>) (?:of )?(?P<y><YEAR>)", r_month_year),
    (r"(?:the )?(?:month of )?(?P<mon><MONTH>) (?:of )?(?P<yrel>this|last|next|the previous|the following) year", r_month_year),
    (r"(?:(?P<rel><REL>|early|late|mid) )?(?:the month of )?(?P<mon><MONTH>)", r_month),
    (r"(?:every|each) (?P<mon><MONTH>)", r_set_month),
    (r"(?:the )?(?:(?:fiscal|financial|calendar|fy|model|budget|school|academic|crop|tax)(?: year)? )?"
     r"(?:the )?(?:year )?(?P<y><YEAR>)(?: (?:fiscal |financial |calendar )?year)?", r_year),
    (r"fy ?(?P<y>\d\d|\d{4})", lambda m, c: r_year_short(m, c)),
    (r"(?:the )?(?:(?P<dec>\d{3}0) ?'?s|'?(?P<dd>\d0) ?'?s|(?P<w><TENS>))", r_decade),
    (r"(?:the )?(?P<c><ORD>) century", r_century),
    (r"(?:the )?(?:(?:fiscal|calendar) )?(?:year )?(?P<ord><ORDQ>) (?:(?:fiscal|calendar) )?"
     r"(?P<unit>quarters|quarter|halves|half year|half)(?: of (?:the )?(?:(?:fiscal|calendar) )?(?:year )?"
     r"(?:(?P<y><YEAR>)|(?P<yrel>this|next|last|the) (?:fiscal |calendar )?year))?", r_quarter),
    (r"(?:the )?(?:(?:fiscal|calendar) )?(?:(?P<y><YEAR>)|(?P<yrel>this|next|last) (?:fiscal )?year) "
     r"(?:fiscal )?(?P<ord><ORDQ>) (?:fiscal )?(?P<unit>quarter|half)", r_quarter),
    (r"(?:the )?(?:q(?P<q>[1-4])|(?P<q2>[1-4])q)(?: (?P<y><YEAR>))?", lambda m, c: r_quarter_code(_q2(m), c)),
    (r"(?:the )?(?P<ord>first|last|final|second) two (?:(?:fiscal|calendar) )?quarters(?: of (?:the )?(?:(?P<y><YEAR>)"
     r"|(?P<yrel>this|next|last|the) (?:fiscal |calendar )?year))?", r_two_quarters),
    (r"then", r_then),
    (r"(?:(?P<rel><REL>|early|late|mid) )?(?:the )?(?P<s><SEASON>)(?: (?:of )?(?P<y><YEAR>))?", r_season),
    (r"(?P<y><YEAR>) (?P<s><SEASON>)", r_season),
    (r"(?:the )?(?:past |last |every |each )?(?:\w+ )?(?P<s><SEASON>)(?P<plural>s)", r_season),
    (r"(?:the )?(?:(?P<rel><REL>) )?weekend", r_weekend),
    (r"(?:(?P<rel><REL>) )?(?P<h><HOL>)(?: (?P<y><YEAR>))?", r_holiday),
    (r"(?:(?P<rel><REL>|on|early|late) )?(?P<wd><WD>)(?: (?:of )?(?P<wrel>last|next|this|the previous|the following) week)?", r_weekday),
    (r"(?:every |each |on )?(?P<wd><WD>)s(?: (?P<part>mornings|afternoons|evenings|nights))?", r_set_weekday),
    (r"(?:every |each |on )?(?P<wd><WD>) (?P<part>mornings|afternoons|evenings|nights)", r_set_weekday),
    (r"(?:every|each) (?P<wd><WD>)(?: (?P<part><PART>))?", r_set_weekday),
    (r"(?:every|each) (?P<part><PART>)", r_set_part),
    (r"(?:every|each|per) (?:(?P<num><NUM>) )?(?P<unit><UNIT>)", r_set_unit),
    (r"(?:once|twice|thrice|<NUM> times) (?:a|an|per|every|each) (?P<unit><UNIT>)", r_set_unit),
    (r"(?:the )?(?:year ago|year earlier|prior year|previous year|last year|a year ago|a year earlier)"
     r"(?: (?:fiscal )?(?P<ord><ORDQ>))? (?P<what>quarter|period|month|half|week|season)", r_year_ago_period),
    (r"(?:the )?(?P<what>quarter|period) (?:a year ago|a year earlier|last year)", r_year_ago_period),
    (r"(?:the )?(?:latest|most recent) (?:fiscal )?(?:quarter|period)", r_latest_period),
    (r"(?:the )?(?:same|corresponding|comparable|like|year ago|year earlier) (?P<what>quarter|period|month|half|week)"
     r" (?:of |in )?(?:a year ago|a year earlier|last year|the previous year|the prior year|the year before)", r_year_ago_period),
    (r"(?:the )?(?P<y><YEAR>) (?:fiscal )?(?P<what>quarter|period|half)", r_year_ago_period),
    (r"(?:at )?(?:this|the present) (?:[a-z]+ )?(?:moment|juncture)", lambda m, c: _ref_reading("PRESENT_REF", c)),
    (r"future (?P<unit>\w+s)", lambda m, c: _ref_reading("FUTURE_REF", c) if m["unit"] in grammar().units else None),
    (r"(?P<num><NUM>) (?:to|or) <NUM> (?P<unit><UNIT>)", lambda m, c: _approx(r_duration(m, c))),
    (r"(?:the )?(?P<num><NUM>)? ?(?P<unit><UNIT>)(?: or so)? (?P<dir>ago|earlier|before|later|after|hence|from now|back|"
     r"previously|prior|on|afterwards|afterward|later on|after that|thereafter|before that)", r_ago),
    (r"(?:the )?(?P<rel>past|last|next|coming|previous|following|first|final|recent|ensuing|preceding|"
     r"prior|initial|remaining|latest|upcoming|succeeding|subsequent|other) (?P<num><NUM>) "
     r"(?:(?:calendar|business|working|full|straight|consecutive|trading) )?(?P<unit><UNIT>)", r_span_n),
    (r"(?:(?:the|this|that|early|late|mid) )*(?:<PART>)", r_time_of_day),
    (r"(?:the )?(?:(?P<past>recent|more recent)|(?P<future>coming|upcoming)) (?P<unit>\w+s)",
     lambda m, c: _ref_reading("PAST_REF" if m["past"] else "FUTURE_REF", c) if m["unit"] in grammar().units else None),
    (r"(?:the )?(?:recent|coming|past|last|next|previous|ensuing|following|upcoming|remaining|early|first|"
     r"final|intervening) (?P<unit>(?:\w+s))", lambda m, c: r_span_n(m, c) if m["unit"] in grammar().units else None),
    (r"(?:the )?(?P<unit>\w+s) (?:ahead|to come|that followed|since)", lambda m, c: r_span_n(m, c) if m["unit"] in grammar().units else None),
    (r"(?P<rel><REL>) (?:(?:fiscal|calendar) )?(?P<unit><UNIT>)", r_rel_unit),
    (r"(?:the )?(?:same|that|this very|that very|this same) (?P<unit><UNIT>)", r_same_unit),
    (r"the (?:(?:fiscal|calendar|current) )?(?P<unit><UNIT>)", r_the_unit),
    (r"(?:the )?(?:fiscal |calendar )?year end", lambda m, c: r_the_unit(re.fullmatch(r"(?P<unit>year)", "year"), c)),
    (r"the (?P<unit><UNIT>) (?P<dir>before|after|earlier|later|prior)", r_unit_before),
    (r"half (?:a|an) (?P<unit><UNIT>)", r_half_unit),
    (r"(?:the )?(?P<num><NUM>)(?P<half> and a half)? (?:(?:calendar|business|working|full|straight|"
     r"consecutive|more|additional|long|odd|trading) )?(?P<unit><UNIT>)(?P<half2> and a half)?"
     r"(?: (?:long|running|straight|in a row|more))?", r_duration),
    (r"(?:the )?(?P<unit><UNIT>)", r_bare_unit),
    (r".+", r_time_of_day),
)


def _q2(m: re.Match) -> re.Match:
    """Quarter codes written "3q": read as "q3"."""
    return m if m["q"] else re.fullmatch(r"q(?P<q>[1-4])(?: (?P<y>.+))?", f"q{m['q2']}" + (f" {m['y']}" if m["y"] else ""))  # type: ignore[return-value]


def r_year_short(m: re.Match, ctx: Ctx) -> Optional[Reading]:
    """Reads "FY98", "FY 1998"."""
    text = m["y"]
    year = int(text) if len(text) == 4 else _year_of("'" + text, ctx)
    return _dated(year_period(year), ctx, relative=False)


# --------------------------------------------------------------------------- reading an expression

def _lookup(t: str, ctx: Ctx) -> Optional[Reading]:
    """Whole-expression words: "now", "recently", "yesterday", "tonight", "weekly", "a while"."""
    g = grammar()
    if t in g.refs:
        return _ref_reading(g.refs[t], ctx)
    if t in g.deictic:
        offset, part = g.deictic[t]
        day = ctx.day
        if t == "overnight":  # the night before the day the paragraph is about, else before the article's
            window = _ref_window(ctx)
            day = window[0] if window else day
            offset = -1 if ctx.tense == "past" or window and ctx.tense != "future" else 0
        if day is None:
            return _unanchored(None, "day", "TIME" if part else "DATE")
        d = day + timedelta(days=offset)
        return Reading(d.isoformat() + (f"T{part}" if part else ""), "day", type="TIME" if part else "DATE",
                       period=day_period(d))
    if t in g.set_words:
        return _set(g.set_words[t])
    if _INTENSIFIER.sub("", t) in g.vague_durations:  # "a fairly long time"
        return _duration("PXX", approx=True)
    return None


_INTENSIFIER = re.compile(r"\b(?:fairly|very|quite|relatively|rather|extremely) ")


def _rules(t: str, ctx: Ctx) -> Optional[Reading]:
    if len(t) > 80 or not t:
        return None
    found = _lookup(t, ctx)
    if found is not None:
        return found
    for pattern, handler in grammar().rules:
        m = pattern.fullmatch(t)
        if m is not None:
            reading = handler(m, ctx)
            if reading is not None:
                return reading
    return None


def _combined(t: str, ctx: Ctx) -> Optional[Reading]:
    """A day with a time of day: "Tuesday morning", "3 pm yesterday", "noon on March 3"."""
    if not grammar().tod_hint.search(t):
        return None
    words = t.split()
    for i in range(1, len(words)):
        left, right = " ".join(words[:i]), " ".join(words[i:])
        for tod_text, day_text in ((left, right), (right, left)):
            day_text = re.sub(r"^(?:on|of|at|in the|in) |(?: at| on| in the| of)$", "", day_text)
            tod = _time_of_day(tod_text)
            if tod is None:
                continue
            day = _rules(day_text, ctx)
            if day is not None and day.value and day.precision == "day" and "T" not in day.value:
                day.value, day.type = day.value + tod, "TIME"
                return day
    return None


def _strip(t: str) -> tuple[str, bool]:
    """Remove one leading or trailing modifier ("about", "the end of", "or so"): (rest, approx)."""
    g = grammar()
    m = g.modifiers.match(t)
    if m:
        word = m.group(0)[len(m["the"] or ""):].strip()
        return (m["the"] or "") + t[m.end():], word in g.approx_mods
    m = g.trailing.search(t)
    if m:
        return t[:m.start()], True
    return t, False


def read(t: str, ctx: Ctx) -> Optional[Reading]:
    """The reading of a cleaned expression, trying it as it is, as a day with a time of day, and
    with its modifiers removed one by one; None if it is not a time expression."""
    if grammar().age.fullmatch(t):
        return None
    approx = False
    for _ in range(6):
        reading = _rules(t, ctx) or _combined(t, ctx)
        if reading is not None:
            reading.approx = reading.approx or approx
            return reading
        rest, was_approx = _strip(t)
        if rest == t or not rest:
            return None
        t, approx = rest, approx or was_approx
    return None


def read_text(text: str, ctx: Ctx) -> Optional[Reading]:
    """The reading of raw expression ``text`` against ``ctx``; None when it is not a time
    expression (errors from impossible dates such as "February 30" count as not one)."""
    try:
        return read(clean(text), ctx)
    except (ValueError, OverflowError, KeyError, TypeError, IndexError) as exc:
        log.debug("cannot normalise %r: %s", text, exc)
        return None


