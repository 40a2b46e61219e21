"""Store fixtures: the same tests run on SQLite and, when it can be reached, on PostgreSQL.

PostgreSQL is looked for at 127.0.0.1:5432, database ``test`` (trust auth, user postgres or
root, or $NEWSEVENTS_TEST_PG as a full URL). Each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from newsevents.store import open_store

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).resolve().parents[2] / "src" / "newsevents" / "data" / "samples"
PG_URLS = [os.environ["NEWSEVENTS_TEST_PG"]] if os.environ.get("NEWSEVENTS_TEST_PG") else [
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
]


def _postgres_url() -> tuple[str | None, str]:
    """A PostgreSQL URL that accepts connections, or None and why not."""
    try:
        import psycopg
    except ImportError as exc:
        return None, f"psycopg is not installed ({exc})"
    reasons = []
    for url in PG_URLS:
        try:
            psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3).close()
            return url, ""
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            reasons.append(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return None, "; ".join(reasons)


_PG = None


def postgres_url() -> tuple[str | None, str]:
    global _PG
    if _PG is None:
        _PG = _postgres_url()
    return _PG


@contextmanager
def temporary_url(engine: str, tmp_dir: Path) -> Iterator[str]:
    """A URL for a fresh store on ``engine``: a SQLite file in ``tmp_dir``, or a new
    PostgreSQL schema dropped afterwards (skips the test when PostgreSQL is unreachable)."""
    if engine == "sqlite":
        yield f"sqlite:///{tmp_dir / f'store-{uuid.uuid4().hex[:8]}.db'}"
        return
    url, why = postgres_url()
    if url is None:
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432/test: {why}")
    import psycopg
    schema = f"newsevents_test_{uuid.uuid4().hex[:12]}"
    plain = url.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def db_url(request, tmp_path):
    """A store URL for each engine (PostgreSQL skipped with the reason when unreachable)."""
    with temporary_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url):
    """An empty, migrated store on each engine."""
    s = open_store(db_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def extracted():
    """Extraction results of the bundled samples and the test reports, computed once."""
    from newsevents.api import extract_articles
    from newsevents.read import read_paths
    results = list(extract_articles(a for a in read_paths([str(SAMPLES), str(DATA)])
                                    if not hasattr(a, "code")))
    return {r.article.id: r for r in results}
