"""Every custom attribute newsevents sets on spaCy objects, declared in one place.

Stages write their results to ``doc._.<name>``; read them through these names only.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Callable, TypeVar

from spacy.tokens import Doc

T = TypeVar("T")

DOC_EXTENSIONS = {
    "article": None,  # newsevents.schema.Article being processed
    "times": None,  # list[TimeMention]
    "places": None,  # list[PlaceMention]
    "actors": None,  # list[ActorMention] (newsevents.extract.actors)
    "quantities": None,  # list[Quantity]
    "event_candidates": None,  # list[EventCandidate] (newsevents.extract.events)
    # (agents, targets) the role model finds around the root of the first sentence, for an event
    # the classifier finds there with no trigger of its own (newsevents.extract.events)
    "lead_arguments": None,
    "events": None,  # list[Event]
}


def register_extensions(force: bool = False) -> None:
    """Declare the Doc extensions (idempotent; ``force`` re-creates them, for tests)."""
    for name, default in DOC_EXTENSIONS.items():
        if force or not Doc.has_extension(name):
            Doc.set_extension(name, default=default, force=True)


register_extensions()


def sentences(doc: Doc) -> list:
    """The doc's sentences, computed once per doc (``doc.sents`` walks every token each time)."""
    cached = doc.user_data.get("newsevents_sents")
    if cached is None or cached[0] != len(doc):
        sents = list(doc.sents) if len(doc) else []
        starts = [s.start for s in sents]
        cached = (len(doc), sents, starts)
        doc.user_data["newsevents_sents"] = cached
    return cached[1]


def sent_of(item):
    """The sentence of a token or span, in O(log n) (``Token.sent`` scans the whole doc)."""
    sentences(item.doc)
    _, sents, starts = item.doc.user_data["newsevents_sents"]
    i = item.i if hasattr(item, "i") else item.start
    return sents[bisect_right(starts, i) - 1]


def per_doc(doc: Doc, key: str, stamp: Any, compute: Callable[[], T]) -> T:
    """``compute()``, worked out once per doc and kept in ``doc.user_data[key]`` until ``stamp``
    (what the value derives from: the doc's length, a stage's output list) changes."""
    cached = doc.user_data.get(key)
    if cached is None or not (cached[0] is stamp or cached[0] == stamp):
        cached = (stamp, compute())
        doc.user_data[key] = cached
    return cached[1]


def doc_text(doc: Doc) -> str:
    """The doc's text, built once per doc (``doc.text`` joins every token's text on each
    access: about 0.7 ms for a 750-word article, every time)."""
    return per_doc(doc, "newsevents_text", len(doc), lambda: doc.text)
