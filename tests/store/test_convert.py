"""Dates as intervals of days, for date filters and for comparing sources."""

import datetime as dt

import pytest

from newsevents.store.convert import date_interval

D = dt.date


@pytest.mark.parametrize("value, earliest, latest, expected", [
    ("2017-01-18", None, None, (D(2017, 1, 18), D(2017, 1, 18))),
    ("2016-02", None, None, (D(2016, 2, 1), D(2016, 2, 29))),
    ("2017-W03", None, None, (D(2017, 1, 16), D(2017, 1, 22))),
    ("2017-Q2", None, None, (D(2017, 4, 1), D(2017, 6, 30))),
    ("2017", None, None, (D(2017, 1, 1), D(2017, 12, 31))),
    ("201", None, None, (D(2010, 1, 1), D(2019, 12, 31))),
    ("2016-11", "2016-10-15", "2016-12-15", (D(2016, 10, 15), D(2016, 12, 15))),
    ("PAST_REF", None, None, (None, None)),
    (None, None, None, (None, None)),
    ("2017-02-30", None, None, (None, None)),
])
def test_date_interval(value, earliest, latest, expected):
    assert date_interval(value, earliest, latest) == expected
