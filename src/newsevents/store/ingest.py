"""Extract articles and store them: one transaction per article, idempotent, resumable.

An article is identified by the hash of its text: the same text ingested twice is stored
once. Each article (its events, actors, mentions and links) is committed on its own, so a
run that is killed loses nothing it committed and the next run skips what is already there.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional

from sqlalchemy import String, event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import StoreFull, StoreWriteError
from ..schema import Article, ArticleResult, ReadProblem
from ..settings import Settings
from . import link as linking
from .convert import article_row, event_row, get_place, mention_rows
from .db import Store, transient
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
    items = read_paths(list(paths), max_bytes=settings.max_article_bytes,
                       max_chars=settings.max_article_chars)
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
    try:
        with store.session() as s:
            return s.scalar(select(StoredArticle.pk).where(
                StoredArticle.content_hash == digest)) is not None
    except SQLAlchemyError as exc:
        raise _write_error(digest[:16], exc) from exc


RETRIES = 5  # attempts at one article when another writer holds a lock or won a race


def store_result(store: Store, result: ArticleResult, *, replace: bool = False,
                 link: bool = True) -> str:
    """Store one extraction result in its own transaction; returns what was done.

    ``replace`` re-stores an article already there (after a new extractor version). A database
    error rolls the article's transaction back and raises StoreWriteError (E503), or StoreFull
    (E509) when the disk is full. A lock held by another writer, a deadlock, or a unique row
    (article id, place) inserted by a concurrent run at the same moment is retried.
    """
    digest = content_hash(result.article)
    for attempt in range(1, RETRIES + 1):
        try:
            return _store_once(store, result, digest, replace=replace, link=link)
        except IntegrityError as exc:
            # the same text committed by a concurrent run between our check and our insert,
            # or another text taking the same id or a new place: look again, then retry
            if not replace and is_stored(store, digest):
                log.info("article %s stored concurrently; skipped", result.article.id)
                return ALREADY
            if attempt == RETRIES:
                raise _write_error(result.article.id, exc) from exc
        except (OperationalError, DBAPIError) as exc:
            if not transient(exc) or attempt == RETRIES:
                raise _write_error(result.article.id, exc) from exc
        except SQLAlchemyError as exc:
            raise _write_error(result.article.id, exc) from exc
        except OSError as exc:  # the journal or WAL file could not be written
            raise _write_error(result.article.id, exc) from exc
        log.info("article %s: concurrent write, attempt %d again", result.article.id, attempt)
        time.sleep(0.05 * attempt + random.random() * 0.1)
    raise AssertionError("unreachable")  # pragma: no cover


def _fit_strings(session: Session, _context, _instances) -> None:
    """Cut text longer than its column (a 300-letter "name" in a hostile article) before it is
    written: PostgreSQL would refuse the whole article, SQLite would keep it whole."""
    for obj in list(session.new) + list(session.dirty):
        mapper = sa_inspect(obj).mapper
        for column in mapper.columns:
            length = getattr(column.type, "length", None)
            if not length or not isinstance(column.type, String):
                continue
            key = mapper.get_property_by_column(column).key
            value = getattr(obj, key, None)
            if isinstance(value, str) and len(value) > length:
                setattr(obj, key, value[:length])


def _store_once(store: Store, result: ArticleResult, digest: str, *, replace: bool,
                link: bool) -> str:
    if not event.contains(store.sessions, "before_flush", _fit_strings):
        event.listen(store.sessions, "before_flush", _fit_strings)
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


def _disk_full(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, OSError) and orig.errno == errno.ENOSPC:
        return True
    if getattr(orig, "sqlite_errorcode", None) == 13:  # SQLITE_FULL
        return True
    if (getattr(orig, "sqlstate", None) or "") == "53100":  # PostgreSQL disk_full
        return True
    message = str(orig).lower()
    return "database or disk is full" in message or "no space left on device" in message


def _write_error(article_id: str, exc: BaseException) -> StoreWriteError:
    """The coded error for a failed write (the transaction is already rolled back)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    reason = reason[0] if reason else type(exc).__name__
    log.debug("writing article %s failed", article_id, exc_info=exc)
    if _disk_full(exc):
        return StoreFull(article_id, reason=reason)
    return StoreWriteError(article_id, reason=reason + ". The article's transaction was rolled "
                           "back and earlier articles are kept; fix the cause and run the same "
                           "command again to resume")


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
