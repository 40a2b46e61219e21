"""Distributed runs on Dask: articles read here, extracted on a cluster's workers, results
gathered back in input order.

    >>> from newsevents.distributed import dask_extractor
    >>> with dask_extractor("tcp://10.0.0.5:8786") as extract:      # or None: a LocalCluster
    ...     for result in extract(articles):
    ...         ...

Each worker builds the pipeline once (a worker plugin loads it when the worker joins, and the
task function finds it in the per-process cache): only articles and settings travel to the
workers, only results travel back, never the spaCy model. Results can be written to a store
from this process (one transaction per article, through ``store.ingest``) or to Parquet files
of contract-v1 results that ``load_results`` later imports into a store.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin

from .api import extract_articles
from .streams import batched
from .errors import (ClusterUnavailable, NewsEventsError, ResultFileError, Unreadable,
                     WorkerFailed)
from .nlp import get_pipeline
from .read import Limits, read_paths, record_article
from .schema import Article, ArticleResult, ReadProblem
from .settings import Settings, default_settings

__all__ = [
    "PipelinePlugin", "dask_client", "dask_extractor", "extract_on_cluster", "extract_to_parquet",
    "ingest_with", "load_results", "read_inputs", "read_results", "write_results",
]

log = logging.getLogger(__name__)

Extractor = Callable[[Iterable[Article]], Iterator[ArticleResult]]
CONNECT_TIMEOUT_S = 20
RESULT_PREFIX = "results-"
CONTRACT_VERSION = "1"
ROWS_PER_FILE = 5000


# -- the workers ------------------------------------------------------------------------------

class PipelinePlugin(WorkerPlugin):
    """Builds the newsevents pipeline in a worker process as soon as the worker joins."""

    name = "newsevents-pipeline"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self, worker) -> None:  # noqa: ARG002 (the Dask plugin interface)
        get_pipeline(self.settings)


def extract_batch(batch: list[Article], settings: Settings) -> list[ArticleResult]:
    """Worker side: one batch of articles through the worker's cached pipeline."""
    return list(extract_articles(batch, settings, batch_size=max(1, len(batch))))


# -- the client -------------------------------------------------------------------------------

@contextmanager
def dask_client(scheduler: Optional[str] = None, workers: int = 2,
                settings: Optional[Settings] = None) -> Iterator[Client]:
    """A Dask client whose workers hold the pipeline for ``settings``.

    ``scheduler`` (``tcp://HOST:PORT``) joins a running cluster; without it a LocalCluster of
    ``workers`` single-threaded processes is started here and closed on exit.
    """
    settings = settings or default_settings()
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterUnavailable(scheduler or "(local cluster)", reason=str(exc)) from exc
    try:
        try:
            client.register_plugin(PipelinePlugin(settings))
        except (ImportError, OSError) as exc:  # newsevents or a data file missing on a worker
            raise WorkerFailed("(pipeline set-up)", reason=f"{type(exc).__name__}: {exc}") from exc
        log.info("Dask cluster at %s: %d worker thread(s)", client.scheduler.address,
                 sum(client.nthreads().values()))
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def extract_on_cluster(client: Client, articles: Iterable[Article], settings: Optional[Settings] = None,
                       batch_size: Optional[int] = None) -> Iterator[ArticleResult]:
    """Extract ``articles`` on the cluster's workers; results come back in input order.

    Batches are submitted as they are read, with at most two per worker thread waiting (counted
    again as workers join or leave), so a long input is streamed, never held whole in memory.
    """
    settings = settings or default_settings()
    size = batch_size or settings.batch_size
    pending: deque = deque()
    for batch in batched(articles, size):
        future = client.submit(extract_batch, batch, settings, pure=False, retries=1)
        pending.append((future, batch[0].id))
        in_flight = max(2, 2 * sum(client.nthreads().values()))  # workers may join or leave
        while len(pending) >= in_flight:
            yield from _gathered(*pending.popleft())
    while pending:
        yield from _gathered(*pending.popleft())


def _gathered(future, first_id: str) -> list[ArticleResult]:
    try:
        return future.result()
    except NewsEventsError:
        raise
    except (KilledWorker, ImportError, OSError) as exc:
        raise WorkerFailed(first_id, reason=f"{type(exc).__name__}: {exc}") from exc
    finally:
        future.release()


@contextmanager
def dask_extractor(scheduler: Optional[str] = None, workers: int = 2,
                   settings: Optional[Settings] = None,
                   batch_size: Optional[int] = None) -> Iterator[Extractor]:
    """A function articles → results (input order) running on a Dask cluster while open."""
    settings = settings or default_settings()
    with dask_client(scheduler, workers, settings) as client:
        yield lambda articles: extract_on_cluster(client, articles, settings, batch_size)


# -- inputs: everything ``newsevents.read`` reads, plus Parquet files of articles --------------

def read_inputs(paths: Iterable[str], max_bytes: int = 2_000_000,
                max_chars: Optional[int] = None) -> Iterator[Article | ReadProblem]:
    """Like ``read_paths`` (same order, same problems, same limits), with ``.parquet`` files
    read as tables of articles: a ``text`` column plus optional id, date, title, url, source."""
    for item in read_paths(list(paths), max_bytes=max_bytes, max_chars=max_chars):
        if isinstance(item, ReadProblem) and _is_parquet(item.origin):
            yield from _parquet_articles(Path(item.origin), Limits(max_bytes, max_chars))
        else:
            yield item


def _is_parquet(origin: str) -> bool:
    return origin.lower().endswith(".parquet") and Path(origin).is_file()


def _parquet_articles(path: Path, limits: Limits) -> Iterator[Article | ReadProblem]:
    import pyarrow.parquet as pq
    try:
        table = pq.ParquetFile(path)
        row = 0
        for record_batch in table.iter_batches(batch_size=1000):
            for record in record_batch.to_pylist():
                row += 1
                where = f"{path}:{row}"
                try:
                    yield record_article(_plain(record), where, limits)
                except NewsEventsError as exc:
                    yield ReadProblem(origin=where, code=exc.code, message=str(exc))
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        problem = Unreadable(str(path), reason=f"not a readable Parquet table: {exc}")
        yield ReadProblem(origin=str(path), code=problem.code, message=str(problem))


def _plain(record: dict) -> dict:
    """Parquet date/timestamp cells as the ISO strings a record carries."""
    return {k: v.date().isoformat() if isinstance(v, dt.datetime)
            else v.isoformat() if isinstance(v, dt.date) else v for k, v in record.items()}


# -- results as Parquet files -----------------------------------------------------------------

def write_results(results: Iterable[ArticleResult], directory: Path,
                  rows_per_file: int = ROWS_PER_FILE) -> int:
    """Write results as ``results-NNNNN.parquet`` files in ``directory`` (input order);
    returns how many were written. Each row is one article: its contract-v1 fields as
    columns, ``contract`` (the contract-v1 JSON with the text) and ``article`` (the article
    as read, with its origin and content hash) for ``load_results``."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ResultFileError(str(directory), reason=f"cannot create the directory ({exc})") from exc
    if any(directory.glob(f"{RESULT_PREFIX}*.parquet")):
        raise ResultFileError(str(directory), reason="already holds result files; write to an "
                              "empty directory (or `newsevents load` it first and remove them)")
    written, rows, part = 0, [], 0
    for result in results:
        rows.append(_result_row(result))
        if len(rows) >= rows_per_file:
            _write_part(directory, part, rows)
            written, rows, part = written + len(rows), [], part + 1
    if rows or not written:
        _write_part(directory, part, rows)
        written += len(rows)
    return written


_COLUMNS = ("id", "date", "dateline", "title", "url", "source", "origin", "content_hash")


def _result_row(result: ArticleResult) -> dict:
    a = result.article
    row = {name: getattr(a, name) for name in _COLUMNS}
    row["events"] = len(result.events)
    row["contract"] = json.dumps(result.contract(include_text=True), ensure_ascii=False)
    row["article"] = a.model_dump_json()
    return row


def _write_part(directory: Path, part: int, rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    fields = [pa.field(name, pa.string()) for name in _COLUMNS]
    fields += [pa.field("events", pa.int32()), pa.field("contract", pa.string()),
               pa.field("article", pa.string())]
    schema = pa.schema(fields, metadata={"newsevents.contract": CONTRACT_VERSION})
    path = directory / f"{RESULT_PREFIX}{part:05d}.parquet"
    try:
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    except OSError as exc:
        raise ResultFileError(str(path), reason=f"cannot be written ({exc})") from exc


def read_results(directory: Path) -> Iterator[ArticleResult]:
    """The results in a directory written by ``write_results``, in the order written."""
    import pyarrow.parquet as pq
    files = sorted(Path(directory).glob(f"{RESULT_PREFIX}*.parquet"))
    if not files:
        raise ResultFileError(str(directory), reason="no results-*.parquet files here; write "
                              "them with `newsevents ingest --to-parquet DIR`")
    for path in files:
        try:
            parquet = pq.ParquetFile(path)
            version = (parquet.schema_arrow.metadata or {}).get(b"newsevents.contract", b"")
            if version.decode() != CONTRACT_VERSION:
                raise ResultFileError(str(path), reason=f"not contract-v{CONTRACT_VERSION} results")
            for batch in parquet.iter_batches(batch_size=500, columns=["contract", "article"]):
                for row in batch.to_pylist():
                    yield _result_from_row(row)
        except (OSError, ValueError) as exc:
            raise ResultFileError(str(path), reason=f"cannot be read ({exc})") from exc


def _result_from_row(row: dict) -> ArticleResult:
    contract = json.loads(row["contract"])
    return ArticleResult(article=Article.model_validate_json(row["article"]),
                         events=contract["events"], mentions=contract["mentions"])


# -- into a store -----------------------------------------------------------------------------

def ingest_with(store, items: Iterable[Article | ReadProblem], extract: Extractor, *,
                reextract: bool = False, link: bool = True, progress=None):
    """``store.ingest`` with extraction done by ``extract`` (e.g. on a Dask cluster): articles
    already stored are skipped before extraction, each result is committed on its own."""
    from .store.ingest import ingest
    return ingest(store, items, reextract=reextract, link=link, progress=progress, extract=extract)


def extract_to_parquet(items: Iterable[Article | ReadProblem], extract: Extractor,
                       directory: Path, *, progress=None):
    """Extract articles with ``extract`` and write the results as Parquet in ``directory``
    (see ``write_results``); the report's ``stored`` counts the results written."""
    from .store.ingest import STORED, IngestReport, readable
    report = IngestReport()
    notify = progress or (lambda outcome, origin: None)

    def written() -> Iterator[ArticleResult]:
        for result in extract(readable(items, report, notify)):
            notify(STORED, result.article.origin or result.article.id)
            yield result

    report.stored = write_results(written(), directory)
    return report


def load_results(store, directory: Path, *, replace: bool = False, link: bool = True,
                 progress=None):
    """Import the Parquet results in ``directory`` into ``store`` (idempotent: articles
    already stored are left alone unless ``replace``)."""
    from .store.ingest import IngestReport, store_all
    report = IngestReport()
    notify = progress or (lambda outcome, origin: None)

    def counted() -> Iterator[ArticleResult]:
        for result in read_results(directory):
            report.read += 1
            yield result

    store_all(store, counted(), report, notify, replace=replace, link=link)
    return report


