"""benchmarks/trigger_weights.py: trigger lines counted as stage 7 finds them, cautious proposals."""

import pytest

from newsevents.nlp import make_doc, run_pipeline
from newsevents.read import article_from_text


@pytest.fixture(scope="module")
def tw(benchmark_script):
    return benchmark_script("trigger_weights")


def test_proposal_moves_halfway_only_on_clear_evidence(tw):
    assert tw.proposal(0.8, 4, 0, 5, 0.15) is None  # too few examples: the hand weight stays
    assert tw.proposal(0.8, 20, 14, 5, 0.15) is None  # 0.68: within the margin
    assert tw.proposal(0.8, 18, 3, 5, 0.15) == 0.5  # 0.2 measured: halfway
    assert tw.proposal(0.5, 38, 38, 5, 0.15) == 0.75
    assert tw.proposal(0.6, 100, 0, 5, 0.15) == 0.4  # never below the floor that keeps the trigger


def test_fired_and_deciding_lines(tw, nlp):
    text = "Police arrested three traders in the market on Monday."
    doc = next(run_pipeline(nlp, [make_doc(nlp, article_from_text(text, "test"))], 8))
    assert ("arrest", "VERB", "ARREST") in tw.fired_lines(doc)
    assert tw.deciding_line(doc) == (("arrest", "VERB"), "ARREST")
