"""Calendar periods for TIMEX3 values, and the choice among candidate dates.

A ``Period`` is a stretch of the calendar with its TIMEX3 value ("2017-01", 2017-01-01..2017-01-31).
``choose`` picks which occurrence of a yearless date ("December 17", "Wednesday") a clause means,
from its tense; ``Ctx`` is what an expression is read against (the article date, the date last
mentioned in the paragraph, the tense of the clause).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from ..errors import BadDate

FAR_DAYS = 183  # a date chosen by tense this far from the anchor ...
NEAR_DAYS = 92  # ... yields to a candidate this near


@dataclass(frozen=True)
class Period:
    """A stretch of the calendar with its TIMEX3 value ("2017-01", 2017-01-01..2017-01-31)."""

    start: date
    end: date
    value: str
    precision: str


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` calendar months, the day clamped to the month's length."""
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def day_period(d: date) -> Period:
    """One day: 2017-01-18."""
    return Period(d, d, d.isoformat(), "day")


def week_period(d: date) -> Period:
    """The ISO week holding ``d``: 2017-W03."""
    monday = d - timedelta(days=d.isoweekday() - 1)
    year, week, _ = d.isocalendar()
    return Period(monday, monday + timedelta(days=6), f"{year:04d}-W{week:02d}", "week")


def weekend_period(d: date) -> Period:
    """The weekend of the ISO week holding ``d``: 2017-W03-WE."""
    week = week_period(d)
    return Period(week.start + timedelta(days=5), week.end, week.value + "-WE", "week")


def month_period(year: int, month: int) -> Period:
    """A calendar month: 2017-01."""
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), f"{year:04d}-{month:02d}", "month")


def quarter_period(year: int, q: int) -> Period:
    """A calendar quarter: 2017-Q3."""
    end = add_months(date(year, 3 * q, 1), 0)
    return Period(date(year, 3 * q - 2, 1), end.replace(day=calendar.monthrange(year, 3 * q)[1]),
                  f"{year:04d}-Q{q}", "quarter")


def half_period(year: int, h: int) -> Period:
    """A half year: 2017-H2."""
    return Period(date(year, 6 * h - 5, 1), date(year, 6 * h, 30 if h == 1 else 31),
                  f"{year:04d}-H{h}", "quarter")


def year_period(year: int) -> Period:
    """A calendar year: 2017."""
    return Period(date(year, 1, 1), date(year, 12, 31), f"{year:04d}", "year")


def decade_period(year: int) -> Period:
    """The decade holding ``year``: 199 for the 1990s."""
    first = year // 10 * 10
    return Period(date(max(first, 1), 1, 1), date(first + 9, 12, 31), f"{first // 10:03d}", "decade")


_VALUE = re.compile(r"^(?P<y>\d{4})(?:-(?:(?P<m>\d{2})(?:-(?P<d>\d{2}))?|W(?P<w>\d{2})|Q(?P<q>[1-4])))?"
                    r"|^(?P<decade>\d{3})X?$")


def period_of(value: Optional[str]) -> Optional[Period]:
    """The calendar period a TIMEX3 date value names ("2017-01" → 2017-01-01..2017-01-31;
    also days, ISO weeks, quarters, years, decades), or None (PAST_REF, P2M, XXXX-12-17...)."""
    m = _VALUE.match(value or "")
    if m is None:
        return None
    try:
        if m["decade"]:
            return decade_period(int(m["decade"]) * 10)
        year = int(m["y"])
        if m["d"]:
            return day_period(date(year, int(m["m"]), int(m["d"])))
        if m["m"]:
            return month_period(year, int(m["m"]))
        if m["w"]:
            return week_period(date.fromisocalendar(year, max(1, int(m["w"])), 1))
        if m["q"]:
            return quarter_period(year, int(m["q"]))
        return year_period(year)
    except ValueError:
        return None


def century_period(year: int) -> Period:
    """The century holding ``year``: 19 for 1900-1999."""
    first = year // 100 * 100
    return Period(date(max(first, 1), 1, 1), date(first + 99, 12, 31), f"{first // 100:02d}", "unknown")


def season_period(year: int, code: str, first_month: int) -> Period:
    """A season starting in ``first_month`` of ``year``: 2017-SU."""
    start = date(year, first_month, 1)
    end = add_months(start, 3) - timedelta(days=1)
    return Period(start, end, f"{year:04d}-{code}", "season")


def unit_period(d: date, unit: str) -> Period:
    """The calendar period of kind ``unit`` (D, W, WE, M, Q, HY, Y, E, C) that contains ``d``."""
    if unit in ("W", "2W"):
        return week_period(d)
    if unit == "WE":
        return weekend_period(d)
    if unit == "M":
        return month_period(d.year, d.month)
    if unit == "Q":
        return quarter_period(d.year, (d.month - 1) // 3 + 1)
    if unit == "HY":
        return half_period(d.year, 1 if d.month <= 6 else 2)
    if unit == "Y":
        return year_period(d.year)
    if unit == "E":
        return decade_period(d.year)
    if unit in ("C", "L"):
        return century_period(d.year)
    return day_period(d)


def shift(d: date, unit: str, n: float) -> date:
    """``d`` moved by ``n`` units (fractions of a month or more move by whole days)."""
    days = {"D": 1, "W": 7, "WE": 7, "2W": 14, "TH": 1 / 24, "TM": 1 / 1440, "TS": 1 / 86400}
    if unit in days:
        return d + timedelta(days=int(n * days[unit]))
    months = {"M": 1, "Q": 3, "HY": 6, "SE": 3, "Y": 12, "E": 120, "C": 1200, "L": 12000}[unit] * n
    if months == int(months):
        return add_months(d, int(months))
    return d + timedelta(days=int(months * 30.44))


def easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` ISO ``weekday`` of a month (``nth`` -1: the last one)."""
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.isoweekday() - weekday) % 7)


def shift_years(p: Period, n: int) -> Period:
    """The same period ``n`` years later: 1989-Q3 → 1988-Q3 for n = -1, 2017-W02 → 2016-W02."""
    year = p.start.year + n
    if re.fullmatch(r"\d{4}-Q\d", p.value):
        return quarter_period(year, int(p.value[-1]))
    if re.fullmatch(r"\d{4}-H\d", p.value):
        return half_period(year, int(p.value[-1]))
    if p.precision == "season":
        return season_period(year, p.value[5:], p.start.month)
    if p.precision == "month":
        return month_period(year, p.start.month)
    if p.precision == "week":
        return week_period(add_months(p.start, 12 * n))
    if p.precision == "day":
        return day_period(add_months(p.start, 12 * n))
    return year_period(year)


@dataclass(frozen=True)
class Ctx:
    """What an expression is read against.

    ``window`` is the article date as an interval (one day, or the publication month);
    ``day`` is set only when the article date is a day; ``ref`` is the period last mentioned
    in the paragraph ("two days later" counts from it); ``tense`` is the governing clause's.
    """

    window: Optional[tuple[date, date]] = None
    day: Optional[date] = None
    ref: Optional[Period] = None
    tense: Optional[str] = None
    last_quarter: Optional[Period] = None
    firm: bool = False  # the tense comes from a cue word ("ahead of", "since"), not a distant verb


@dataclass
class Reading:
    """The interpretation of one expression, before it becomes a ``TimeMention``."""

    value: Optional[str]
    precision: str = "unknown"
    type: str = "DATE"
    approx: bool = False
    earliest: Optional[date] = None
    latest: Optional[date] = None
    anchored: bool = True
    tense: Optional[str] = None
    period: Optional[Period] = None
    from_anchor_day: bool = False  # a part of day/clock time put by default on the article or last-mentioned day
    comparison: bool = False  # "a year earlier", "the year-ago quarter": does not move the reference


def parse_anchor(anchor: Optional[str]) -> Ctx:
    """The reading context of an article date "YYYY-MM-DD", "YYYY-MM" or None."""
    if not anchor:
        return Ctx()
    m = re.fullmatch(r"(\d{4})-(\d\d)(?:-(\d\d))?", anchor.strip())
    try:
        if m and m.group(3):
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return Ctx(window=(d, d), day=d)
        if m:
            p = month_period(int(m.group(1)), int(m.group(2)))
            return Ctx(window=(p.start, p.end))
    except ValueError:
        pass
    raise BadDate(anchor)


def _distance(p: Period, a0: date, a1: date) -> int:
    if p.end < a0:
        return (a0 - p.end).days
    if p.start > a1:
        return (p.start - a1).days
    return 0


def choose(cands: list[Period], ctx: Ctx, strict: bool = False,
           window: Optional[tuple[date, date]] = None, explicit: bool = False) -> Period:
    """The candidate the tense points to: past → the latest not after the anchor, future → the
    earliest not before it (``strict``: the anchor itself excluded); unknown → the one holding
    the anchor, else the past one unless the future one is less than half as far. A past-tense
    choice more than half a year away yields to a day or month within three months ("payable
    Nov. 10" in a late-October article is this November) unless the direction is ``explicit``
    ("last December", "since March")."""
    a0, a1 = window or ctx.window  # type: ignore[misc]
    explicit = explicit or ctx.firm

    def dist(p: Period) -> int:
        return _distance(p, a0, a1)

    past = [p for p in cands if (p.end < a0 if strict else p.start <= a1)]
    future = [p for p in cands if (p.start > a1 if strict else p.end >= a0)]
    latest = max(past, key=lambda p: p.start) if past else None
    earliest = min(future, key=lambda p: p.start) if future else None
    if ctx.tense == "past" and latest is not None:
        pick = latest
    elif ctx.tense == "future" and earliest is not None:
        pick = earliest
    else:
        inside = [p for p in cands if dist(p) == 0]
        if inside and not strict:
            return inside[0]
        if latest is None or earliest is None:
            return latest or earliest or cands[0]
        return earliest if 2 * dist(earliest) < dist(latest) else latest
    if ctx.tense == "past" and dist(pick) > FAR_DAYS and not explicit and pick.precision in ("day", "month"):
        near = [p for p in cands if dist(p) <= NEAR_DAYS]
        if near:
            return min(near, key=dist)
    return pick


