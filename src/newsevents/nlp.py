"""Stage 2: the spaCy pipeline, loaded once, lazily, in one place.

The packaged English model (a PyPI package, see pyproject.toml) plus our entity rules and
the extraction stages as spaCy components, so ``nlp(doc)`` runs everything in one pass and
no stage re-parses text.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401  (declares the Doc extensions)
from .extensions import doc_text
from .errors import ModelMissing
from .extract import actors, claims, entities, events, places, quantities, times  # noqa: F401
from .schema import Article
from .settings import Settings, default_settings

STAGES = [
    "newsevents_entities",
    "newsevents_times",
    "newsevents_places",
    "newsevents_actors",
    "newsevents_quantities",
    "newsevents_events",
    "newsevents_claims",
]

_lock = threading.Lock()
log = logging.getLogger(__name__)


def load_model(name: str) -> Language:
    """The bare spaCy model (also what throughput is compared against)."""
    try:
        return spacy.load(name)
    except OSError as exc:
        raise ModelMissing(name) from exc


def build_pipeline(settings: Settings) -> Language:
    nlp = load_model(settings.model)
    entities.add_entity_ruler(nlp)
    for stage in STAGES:
        config = {"gazetteer_path": str(settings.gazetteer_path())} if stage == "newsevents_places" else {}
        if stage == "newsevents_events":
            config = {"spacy_model": settings.model, "role_policy": settings.role_policy,
                      "role_model": settings.role_model}
        nlp.add_pipe(stage, config=config)
    return nlp


@lru_cache(maxsize=4)
def _cached(settings: Settings) -> Language:
    nlp = build_pipeline(settings)
    # The model, lexicons and caches just loaded live as long as the process. Left to the
    # garbage collector, its full passes walk all of them again and again while articles are
    # extracted (about 3 % of the time); frozen, they are never walked. Garbage is collected
    # first, so nothing unreachable is kept.
    gc.collect()
    gc.freeze()
    return nlp


def get_pipeline(settings: Settings | None = None) -> Language:
    """The full pipeline for ``settings``, built on first use and then shared."""
    with _lock:
        return _cached(settings or default_settings())


def make_doc(nlp: Language, article: Article) -> Doc:
    """A tokenised Doc carrying its article, ready for ``nlp(doc)`` / ``nlp.pipe(docs)``."""
    doc = nlp.make_doc(article.text)
    mark_paragraph_starts(doc)
    doc._.article = article
    return doc


def mark_paragraph_starts(doc: Doc) -> Doc:
    """A paragraph starts a sentence: the first word after a blank line, or after the headline's
    line (``events.headline_end``), is marked as a sentence start, which the parser keeps. Left
    to itself the parser often runs a headline on into its lead (the headline's last noun
    parsed as a compound of the lead's subject), which corrupts the arguments, places and
    dates of the headline's event. The word after each marked one is marked as not
    starting a sentence: given a start, the parser otherwise often makes the first word a
    sentence of its own ("President | Anna Berg said ...")."""
    text = doc_text(doc)
    headline = events.headline_end(doc)
    for gap in LINE_BREAK.finditer(text):
        after_headline = bool(headline) and gap.start() >= headline
        if after_headline:
            headline = 0
        elif gap.group().count("\n") < 2 or gap.end() == len(text):
            continue
        span = doc.char_span(gap.end(), gap.end() + 1, alignment_mode="expand")
        if span is None or span[0].idx != gap.end():
            continue
        first = span[0]
        first.is_sent_start = True
        if first.i + 1 < len(doc) and not doc[first.i + 1].is_space:
            doc[first.i + 1].is_sent_start = False
    return doc


LINE_BREAK = re.compile(r"\s*\n\s*")


def run_pipeline(nlp: Language, docs: Iterable[Doc], batch_size: int) -> Iterator[Doc]:
    """The model's components over batches, then our stages one article at a time, so that a
    stage failing on one article does not stop the batch: that article keeps what the earlier
    stages found, the failure is logged with its id and kept in ``doc.user_data``."""
    stream: Iterable[Doc] = docs
    stages = []
    for name, proc in nlp.pipeline:
        if name in STAGES:
            stages.append((name, proc))
        elif hasattr(proc, "pipe"):
            stream = proc.pipe(stream, batch_size=batch_size)
        else:
            stream = map(proc, stream)  # (a generator expression would call the last ``proc``)
    for doc in stream:
        for name, proc in stages:
            try:
                doc = proc(doc)
            except (KeyboardInterrupt, MemoryError):
                raise
            except Exception as exc:  # noqa: BLE001 - reported, the batch goes on
                art = doc._.article
                doc.user_data["newsevents_failed"] = f"{name}: {type(exc).__name__}: {exc}"
                log.error("stage %s failed on article %s: %s: %s", name, art.id if art else "?",
                          type(exc).__name__, exc)
        yield doc
