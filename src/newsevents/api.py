"""The Python API: articles in, contract-v1 results out. The CLI is a thin layer over this."""

from __future__ import annotations

import multiprocessing
from collections import deque
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
    come back in input order.
    """
    settings = settings or default_settings()
    size = batch_size or settings.batch_size
    if workers > 1:
        yield from _extract_parallel(articles, settings, size, workers)
        return
    nlp = get_pipeline(settings)
    docs = (make_doc(nlp, a) for a in articles)
    for doc in run_pipeline(nlp, docs, size):
        yield result_from_doc(doc)


def _extract_batch(batch: list[Article]) -> list[ArticleResult]:
    """Worker side: the pipeline was built by ``_init_worker``."""
    return list(extract_articles(batch, _WORKER["settings"], batch_size=len(batch) or 1))


_WORKER: dict = {}


def _init_worker(settings: Settings) -> None:
    _WORKER["settings"] = settings
    get_pipeline(settings)


def _extract_parallel(articles: Iterable[Article], settings: Settings, size: int,
                      workers: int) -> Iterator[ArticleResult]:
    """Batches of articles spread over worker processes ("spawn": no state is inherited, so
    no open database handle or model crosses a fork); at most two batches per worker wait."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        pending: deque = deque()
        for batch in batched(articles, size):
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
    article = article_from_text(text, origin="<api>", id=id, date=date, title=title, url=url,
                                source=source)
    return next(extract_articles([article], settings))
