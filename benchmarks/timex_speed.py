#!/usr/bin/env python3
"""Normalisation speed: CPU seconds for ``newsevents.extract.times.normalise`` on 10,000 time
expressions (the budget is under 1 s).

    .venv/bin/python benchmarks/timex_speed.py [--count N] [--seed N]

The expressions are built here from templates covering what the grammar reads: calendar dates
in several spellings, weekdays, months, years, quarters, seasons, holidays, relative
expressions ("three days ago", "last week", "the following month"), clock times and parts of
day, durations, sets and vague references. Each is read against one of a few article dates
(or none) and one of the clause tenses. The grammar is built once before timing (it is loaded
once per process in use too). Reports the count, CPU seconds, expressions per CPU second and
how many got a value, as JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time

from newsevents.extract.times import normalise

MONTHS = ["January", "Feb.", "March", "Apr", "May", "June", "Jul.", "August", "Sept.", "October", "Nov.", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
COUNTS = ["two", "three", "a few", "several", "10", "twenty four", "a couple of", "some", "5"]
UNITS = ["days", "weeks", "months", "years", "hours", "minutes", "decades", "quarters"]
ANCHORS = ["2017-01-20", "1998-02-13", "2021-07-04", "2017-04", None]
TENSES = ["past", "future", "present", None]


def expressions() -> list[str]:
    """A varied list of time expressions, built from templates (about 1,600 distinct)."""
    out: list[str] = []
    for month, day in itertools.product(MONTHS, range(1, 29, 3)):
        out += [f"{month} {day}", f"{day} {month}", f"{month} {day}, 2016", f"the {day}th of {month}"]
    for month in MONTHS:
        out += [month, f"last {month}", f"early {month}", f"{month} 1998", f"{month} last year", f"every {month}"]
    for wd in WEEKDAYS:
        out += [wd, f"last {wd}", f"next {wd}", f"on {wd}", f"{wd} morning", f"{wd} night", f"every {wd}",
                f"{wd}s", f"noon {wd}", f"{wd} of next week", f"the previous {wd}"]
    for count, unit in itertools.product(COUNTS, UNITS):
        out += [f"{count} {unit} ago", f"{count} {unit} later", f"{count} {unit}", f"the past {count} {unit}",
                f"the next {count} {unit}", f"about {count} {unit}", f"every {count} {unit}"]
    for unit in ["day", "week", "month", "quarter", "year", "decade", "weekend"]:
        out += [f"last {unit}", f"this {unit}", f"next {unit}", f"the following {unit}", f"the previous {unit}",
                f"the {unit} before", f"the same {unit}", f"a {unit} earlier", f"the past {unit}", f"each {unit}"]
    for year in range(1985, 2025):
        out += [str(year), f"fiscal {year}", f"the {year} period", f"summer {year}", f"the first quarter of {year}",
                f"Q3 {year}", f"the second half of {year}", f"Christmas {year}", f"1/{year % 28 + 1}/{year}"]
    for h in range(1, 13):
        out += [f"{h} p.m.", f"{h}:30 a.m. EST", f"{h} o'clock", f"{h}:15 p.m. on March 3"]
    out += ["today", "yesterday", "tomorrow", "tonight", "last night", "this morning", "the wee hours",
            "recently", "now", "currently", "soon", "in the future", "some days ago", "a couple of months ago",
            "earlier this year", "later this month", "till date", "the 1990s", "the '80s", "the 20th century",
            "the third quarter", "fourth-quarter", "the year-ago quarter", "a year earlier", "daily", "weekly",
            "twice a year", "an hour and a half", "2 1/2 years", "a while", "the end of next year", "Easter",
            "New Year's Day", "Thanksgiving", "last summer", "the spring of 1995", "mid-1980s", "overnight",
            "current", "recent", "then current", "at the time", "this crucial moment", "a fairly long time",
            "the first two quarters of 1990", "the year-earlier third quarter", "the same period last year",
            "the past three summers", "20 more years", "over a week"]
    return out


def workload(count: int, seed: int) -> list[tuple[str, str | None, str | None]]:
    """``count`` (expression, article date, tense) triples drawn from ``expressions()``."""
    rng = random.Random(seed)
    exprs = expressions()
    rng.shuffle(exprs)
    picks = list(itertools.islice(itertools.cycle(exprs), count))
    return [(e, rng.choice(ANCHORS), rng.choice(TENSES)) for e in picks]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="how many expressions to normalise")
    parser.add_argument("--seed", type=int, default=0, help="seed for drawing anchors and tenses")
    args = parser.parse_args(argv)
    work = workload(args.count, args.seed)
    normalise("January 21", "2017-01-20")  # build the grammar and lexicon outside the timing
    start = time.process_time()
    readings = [normalise(text, anchor, tense) for text, anchor, tense in work]
    cpu = time.process_time() - start
    report = {
        "expressions": len(work),
        "distinct": len({w[0] for w in work}),
        "cpu_seconds": round(cpu, 3),
        "per_cpu_second": round(len(work) / cpu) if cpu else None,
        "with_value": sum(1 for r in readings if r is not None and r.value is not None),
        "not_read": sum(1 for r in readings if r is None),
        "budget_seconds": 1.0,
        "within_budget": cpu < 1.0,
    }
    print(json.dumps(report, indent=2))
    return 0 if cpu < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
