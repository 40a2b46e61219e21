"""The Python API: articles in, contract-v1 results out. The CLI is a thin layer over this."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from itertools import chain, islice
from typing import Iterable, Iterator, Optional

from .errors import BadDate
from .extract.actors import people_and_organizations
from .nlp import get_pipeline, make_doc, run_pipeline
from .read import article_from_text
from .schema import Article, ArticleResult, Mentions
from .settings import Settings, default_settings
from .streams import batched


def result_from_doc(doc) -> ArticleResult:
    """Collect what the stages left on ``doc`` into one ``ArticleResult``."""
    people, orgs = people_and_organizations(doc)
    mentions = Mentions(
        people=people,
        organizations=orgs,
        places=list(doc._.places or []),
        times=list(doc._.times or []),
        quantities=list(doc._.quantities or []),
    )
    return ArticleResult(article=doc._.article, events=list(doc._.events or []), mentions=mentions)


def extract_articles(articles: Iterable[Article], settings: Optional[Settings] = None,
                     batch_size: Optional[int] = None, workers: int = 1) -> Iterator[ArticleResult]:
    """Extract events from many articles, in input order, streaming.

    ``workers`` > 1 runs that many processes, each loading the pipeline once; results still
    come back in input order. Starting a worker costs about as much as extracting ten
    articles, so an input of fewer than ``PARALLEL_MIN_ARTICLES`` articles is extracted in
    this process whatever ``workers`` says (the first articles are read ahead to decide).
    """
    settings = settings or default_settings()
    size = batch_size or settings.batch_size
    if workers > 1:
        stream = iter(articles)
        head = list(islice(stream, PARALLEL_MIN_ARTICLES))
        if len(head) >= PARALLEL_MIN_ARTICLES:
            yield from _extract_parallel(chain(head, stream), settings, size, workers)
            return
        articles = head
    nlp = get_pipeline(settings)
    docs = (make_doc(nlp, a) for a in articles)
    for doc in run_pipeline(nlp, docs, size):
        yield result_from_doc(doc)


# Fewer articles than this are not worth starting worker processes for (see extract_articles).
PARALLEL_MIN_ARTICLES = 24
# Articles per task sent to a worker: small enough that the workers finish together, large
# enough that spaCy still batches (the worker's pipeline runs them as one batch).
PARALLEL_TASK_ARTICLES = 8


def default_workers() -> int:
    """Worker processes to use by default: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _extract_batch(batch: list[Article]) -> list[ArticleResult]:
    """Worker side: the pipeline was built by ``_init_worker``."""
    if "error" in _WORKER:
        raise _WORKER["error"]
    return list(extract_articles(batch, _WORKER["settings"], batch_size=len(batch) or 1))


_WORKER: dict = {}


def _init_worker(settings: Settings, parent: Optional[int] = None) -> None:
    """Worker set-up: the pipeline, built once. A failure is kept and raised by the first
    batch, so that it reaches the caller (a pool whose initializer raises starts new workers
    forever)."""
    _WORKER["settings"] = settings
    threading.Thread(target=_exit_with_parent, args=(parent or os.getppid(),), daemon=True).start()
    try:
        get_pipeline(settings)
    except Exception as exc:  # noqa: BLE001 - re-raised in _extract_batch
        _WORKER["error"] = exc
        return
    # one core per worker: the numeric libraries the pipeline loaded must not start threads
    # of their own on the cores the other workers use
    from threadpoolctl import threadpool_limits
    _WORKER["limits"] = threadpool_limits(limits=1)


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed (kill -9: no chance to stop its pool) ends too, also
    when the parent died while the worker was still starting."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _extract_parallel(articles: Iterable[Article], settings: Settings, size: int,
                      workers: int) -> Iterator[ArticleResult]:
    """Batches of articles spread over worker processes ("spawn": no state is inherited, so
    no open database handle or model crosses a fork); at most two batches per worker wait."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(settings, os.getpid())) as pool:
        pending: deque = deque()
        for batch in batched(articles, max(1, min(size, PARALLEL_TASK_ARTICLES))):
            pending.append(pool.apply_async(_extract_batch, (batch,)))
            while len(pending) >= 2 * workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def extract(text: str, date: Optional[str] = None, *, id: Optional[str] = None,
            title: Optional[str] = None, url: Optional[str] = None, source: Optional[str] = None,
            settings: Optional[Settings] = None) -> ArticleResult:
    """Extract the events of one article.

    ``text`` may start with header lines (``date 2017-01-20``, ``title ...``) and a dateline;
    ``date`` (YYYY-MM-DD or YYYY-MM), when given, overrides a date found in the text.
    """
    if date is not None:
        from .read import parse_date
        if parse_date(date) is None:
            raise BadDate(date)
    settings = settings or default_settings()
    article = article_from_text(text, origin="<api>", id=id, date=date, title=title, url=url,
                                source=source, max_chars=settings.max_article_chars)
    return next(extract_articles([article], settings))
