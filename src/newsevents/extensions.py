"""Every custom attribute newsevents sets on spaCy objects, declared in one place.

Stages write their results to ``doc._.<name>``; read them through these names only.
"""

from __future__ import annotations

from spacy.tokens import Doc

DOC_EXTENSIONS = {
    "article": None,  # newsevents.schema.Article being processed
    "times": None,  # list[TimeMention]
    "places": None,  # list[PlaceMention]
    "actors": None,  # list[ActorMention] (newsevents.extract.actors)
    "quantities": None,  # list[Quantity]
    "event_candidates": None,  # list[EventCandidate] (newsevents.extract.events)
    "events": None,  # list[Event]
}


def register_extensions(force: bool = False) -> None:
    """Declare the Doc extensions (idempotent; ``force`` re-creates them, for tests)."""
    for name, default in DOC_EXTENSIONS.items():
        if force or not Doc.has_extension(name):
            Doc.set_extension(name, default=default, force=True)


register_extensions()
