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


# -- sentence starts at paragraph breaks (``newsevents.nlp.mark_paragraph_starts``) ----------

def _marked(text):
    from newsevents.nlp import mark_paragraph_starts
    doc = spacy.blank("en").make_doc(text)
    mark_paragraph_starts(doc)
    return doc


def _starts(doc):
    return [t.text for t in doc if t.is_sent_start]


def test_a_headline_and_each_paragraph_start_a_sentence():
    doc = _marked("Floods cut off three villages in the north\n\nRescue teams reached the first "
                  "village on Monday. More rain is expected.\n\nThe governor asked for help.")
    assert _starts(doc)[1:] == ["Rescue", "The"]
    # the word after a marked start may not open a sentence of its own
    assert doc[[t.text for t in doc].index("teams")].is_sent_start is False


def test_a_single_line_break_after_the_headline_starts_the_lead():
    doc = _marked("Floods cut off three villages\nRescue teams reached them on Monday.")
    assert _starts(doc)[1:] == ["Rescue"]


def test_a_line_break_inside_a_paragraph_is_left_to_the_parser():
    doc = _marked("Rescue teams reached the first village\non Monday. More rain is expected.")
    assert _starts(doc)[1:] == []  # the first line is closed by no full stop, but it is no headline
    doc = _marked("Rescue teams reached the village.\nMore rain\nis expected on Tuesday.")
    assert _starts(doc)[1:] == []


def test_the_parser_keeps_the_headline_apart_from_its_lead(nlp):
    from newsevents.nlp import make_doc
    from newsevents.schema import Article
    text = ("Protesters block highway outside the capital\n\nHundreds of farmers blocked the main "
            "highway on Tuesday, demanding lower fuel prices.")
    doc = next(run_pipeline(nlp, [make_doc(nlp, Article(id="t", text=text))], batch_size=1))
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "Protesters block highway outside the capital"
    assert sents[1].startswith("Hundreds of farmers blocked")
