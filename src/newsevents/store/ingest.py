"""Extract articles and store them: one transaction per article, idempotent, resumable.

An article is identified by the hash of its text: the same text ingested twice is stored
once. Each article (its events, actors, mentions and links) is committed on its own, so a
run that is killed loses nothing it committed and the next run skips what is already there.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import StoreWriteError
from ..schema import Article, ArticleResult, ReadProblem
from ..settings import Settings
from . import link as linking
from .convert import article_row, event_row, get_place, mention_rows
from .db import Store
from .schema import StoredArticle, StoredEvent

log = logging.getLogger(__name__)

STORED, ALREADY, REEXTRACTED, SKIPPED = "stored", "already stored", "re-extracted", "skipped"


@dataclass
class IngestReport:
    """What an ingest run did: articles read, stored, found already stored, skipped (why)."""

    read: int = 0
    stored: int = 0
    already_stored: int = 0
    reextracted: int = 0
    skipped: list[ReadProblem] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The report as JSON-ready data."""
        return {"read": self.read, "stored": self.stored, "already_stored": self.already_stored,
                "reextracted": self.reextracted,
                "skipped": [p.model_dump() for p in self.skipped]}


Progress = Callable[[str, str], None]  # (outcome, origin)


def content_hash(article: Article) -> str:
    """The sha256 of the article body: what makes two inputs the same article."""
    return article.content_hash or hashlib.sha256(article.text.encode("utf-8")).hexdigest()


def ingest_paths(store: Store, paths: Iterable[str], settings: Optional[Settings] = None, *,
                 reextract: bool = False, link: bool = True,
                 progress: Optional[Progress] = None) -> IngestReport:
    """Read files/directories (as ``newsevents extract`` does), extract and store them."""
    from ..read import read_paths
    from ..settings import default_settings
    settings = settings or default_settings()
    items = read_paths(list(paths), max_bytes=settings.max_article_bytes)
    return ingest(store, items, settings, reextract=reextract, link=link, progress=progress)


def ingest(store: Store, items: Iterable[Article | ReadProblem], settings: Optional[Settings] = None,
           *, reextract: bool = False, link: bool = True,
           progress: Optional[Progress] = None, extract=None) -> IngestReport:
    """Extract and store articles; already stored ones are skipped unless ``reextract``.

    Read problems in ``items`` are recorded in the report and skipped, never fatal.
    ``extract`` (articles → results, in order) replaces local extraction, e.g. on a Dask cluster.
    """
    from ..api import extract_articles
    extract = extract or (lambda articles: extract_articles(articles, settings))
    report = IngestReport()
    notify = progress or (lambda outcome, origin: None)

    def pending() -> Iterator[Article]:
        for item in readable(items, report, notify):
            if not reextract and is_stored(store, content_hash(item)):
                report.already_stored += 1
                notify(ALREADY, item.origin or item.id)
                continue
            yield item

    store_all(store, extract(pending()), report, notify, replace=reextract, link=link)
    return report


def readable(items: Iterable[Article | ReadProblem], report: IngestReport, notify) -> Iterator[Article]:
    """The articles of a read stream; its problems are recorded in ``report`` and skipped."""
    for item in items:
        if isinstance(item, ReadProblem):
            report.skipped.append(item)
            notify(SKIPPED, item.origin)
        else:
            report.read += 1
            yield item


def store_all(store: Store, results: Iterable[ArticleResult], report: IngestReport, notify, *,
              replace: bool, link: bool) -> None:
    """Store results one transaction each, counting what was done in ``report``."""
    for result in results:
        outcome = store_result(store, result, replace=replace, link=link)
        if outcome == STORED:
            report.stored += 1
        elif outcome == REEXTRACTED:
            report.reextracted += 1
        else:
            report.already_stored += 1
        notify(outcome, result.article.origin or result.article.id)


def is_stored(store: Store, digest: str) -> bool:
    """Whether an article with this content hash is in the store."""
    with store.session() as s:
        return s.scalar(select(StoredArticle.pk).where(StoredArticle.content_hash == digest)) is not None


def store_result(store: Store, result: ArticleResult, *, replace: bool = False,
                 link: bool = True) -> str:
    """Store one extraction result in its own transaction; returns what was done.

    ``replace`` re-stores an article already there (after a new extractor version).
    """
    digest = content_hash(result.article)
    try:
        with store.session() as s:
            existing = s.scalar(select(StoredArticle).where(StoredArticle.content_hash == digest))
            if existing is not None and not replace:
                return ALREADY
            outcome = STORED
            if existing is not None:
                _remove_article(s, existing)
                outcome = REEXTRACTED
            article = _insert(s, result, digest)
            if link:
                linking.link_article(s, article)
            return outcome
    except IntegrityError:
        # the same text was committed by a concurrent run between our check and our insert
        log.info("article %s stored concurrently; skipped", result.article.id)
        return ALREADY
    except SQLAlchemyError as exc:
        raise StoreWriteError(result.article.id, reason=str(getattr(exc, "orig", exc))) from exc


def _unique_id(s: Session, wanted: str, digest: str) -> str:
    """The article's id, made unique when another text already holds it."""
    if s.scalar(select(StoredArticle.pk).where(StoredArticle.id == wanted)) is None:
        return wanted
    return f"{wanted}-{digest[:8]}"


def _insert(s: Session, result: ArticleResult, digest: str) -> StoredArticle:
    article = article_row(result, _unique_id(s, result.article.id, digest), digest)
    s.add(article)
    s.flush()
    places: dict[str, int] = {}
    for position, event in enumerate(result.events):
        place_pk = get_place(s, event.location, places) if event.location else None
        row = event_row(event, position, result.article.text, place_pk)
        row.article_pk = article.pk
        s.add(row)
    for mention in mention_rows(result, s, places):
        mention.article_pk = article.pk
        s.add(mention)
    s.flush()
    return article


def _remove_article(s: Session, article: StoredArticle) -> None:
    """Delete an article with its rows, then repair the clusters and people it touched."""
    clusters = set(s.scalars(select(StoredEvent.cluster_pk).where(
        StoredEvent.article_pk == article.pk, StoredEvent.cluster_pk.is_not(None))))
    people = linking.people_of_article(s, article.pk)
    s.delete(article)
    s.flush()
    linking.refresh_clusters(s, clusters)
    linking.prune_people(s, people)
