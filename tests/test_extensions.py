"""The per-doc caches of newsevents.extensions give what spaCy gives, computed once."""

from __future__ import annotations

import spacy

from newsevents.extensions import doc_text, sent_of, sentences


def _doc():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp("Police arrested two men.  They were freed.\nA rally followed on Monday. ")


def test_doc_text_is_doc_text_once():
    doc = _doc()
    assert doc_text(doc) == doc.text
    assert doc_text(doc) is doc_text(doc)


def test_sentences_and_sent_of_agree_with_spacy():
    doc = _doc()
    assert [s.text for s in sentences(doc)] == [s.text for s in doc.sents]
    for tok in doc:
        assert sent_of(tok) == tok.sent
