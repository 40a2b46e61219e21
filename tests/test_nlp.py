"""The pipeline runner (``newsevents.nlp.run_pipeline``)."""

import spacy
from spacy.language import Language

from newsevents.nlp import run_pipeline


@Language.component("test_mark_first")
def _first(doc):
    doc.user_data.setdefault("order", []).append("first")
    return doc


@Language.component("test_mark_second")
def _second(doc):
    doc.user_data.setdefault("order", []).append("second")
    return doc


def test_plain_function_components_each_run_once_in_order():
    nlp = spacy.blank("en")
    nlp.add_pipe("test_mark_first")
    nlp.add_pipe("test_mark_second")
    docs = list(run_pipeline(nlp, (nlp.make_doc(t) for t in ("One.", "Two.")), batch_size=2))
    assert [d.user_data["order"] for d in docs] == [["first", "second"]] * 2
