"""Opening a store: SQLite (default, WAL, FTS5) or PostgreSQL, migrated on open.

``open_store(url)`` is the one place that connects. A URL may be a SQLAlchemy URL
(``sqlite:///file.db``, ``postgresql://user@host/db``) or a plain file path. The schema is
brought to the newest migration every time a store is opened; that is a no-op when it is
already there, so opening is idempotent.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import StoreUnavailable, StoreVersionError

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///newsevents.db"
ENV_VAR = "NEWSEVENTS_DB"
MIGRATIONS = Path(__file__).parent / "migrations"


def resolve_url(url: Optional[str] = None) -> str:
    """The SQLAlchemy URL for ``url``: given, else $NEWSEVENTS_DB, else ./newsevents.db.

    Plain paths become SQLite URLs; ``postgresql://`` uses the psycopg (3) driver.
    """
    url = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@dataclass
class Store:
    """An open store: the engine and a session factory. Use ``with store.session() as s``."""

    engine: Engine
    sessions: sessionmaker

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the store's connection settings."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


OPEN_RETRY_SECONDS = 30.0


def open_store(url: Optional[str] = None, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the store at ``url`` and bring its schema up to date. A lock
    another process holds is waited for, up to OPEN_RETRY_SECONDS: two processes creating one
    new SQLite file at once can be told "database is locked" straight away, without SQLite's
    busy timeout, while the other switches the new file to WAL."""
    resolved = resolve_url(url)
    deadline = time.monotonic() + OPEN_RETRY_SECONDS
    while True:
        try:
            return _open(resolved, migrate)
        except StoreUnavailable as exc:
            if exc.__cause__ is None or not transient(exc.__cause__) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _open(resolved: str, migrate: bool) -> Store:
    try:
        engine = make_engine(resolved)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreUnavailable(_safe(resolved), reason=_reason(exc)) from exc
    store = Store(engine, sessionmaker(engine, expire_on_commit=False))
    if migrate:
        try:
            upgrade(store)
        except StoreUnavailable:
            store.close()
            raise
    return store


def transient(exc: BaseException) -> bool:
    """A lock or deadlock another writer caused: worth trying again."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in ("40001", "40P01", "55P03"):  # serialization failure, deadlock, lock timeout
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database table is locked" in message


def upgrade(store: Store) -> str:
    """Apply every migration not yet applied; returns the schema revision now in force."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with store.engine.begin() as conn:
            _migration_lock(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except (OperationalError, ProgrammingError) as exc:
        raise StoreUnavailable(_safe(str(store.engine.url)), reason=_reason(exc)) from exc
    except Exception as exc:  # alembic raises its own CommandError for unknown revisions
        if type(exc).__name__ in ("CommandError", "ResolutionError"):
            raise StoreVersionError(_safe(str(store.engine.url)), reason=str(exc)) from exc
        raise
    revision = current_revision(store)
    log.debug("store %s at schema revision %s", _safe(str(store.engine.url)), revision)
    return revision or ""


_MIGRATION_LOCK = 0x6E657773  # PostgreSQL advisory lock key ("news")


def _migration_lock(conn) -> None:
    """Make concurrent openings of one store migrate one after the other (two ``ingest``
    processes starting on a new store): the second waits, then finds the schema up to date."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, waiting busy_timeout for it


def current_revision(store: Store) -> Optional[str]:
    """The schema revision the store is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is shown as given
        return url


def _reason(exc: BaseException) -> str:
    msg = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return msg[0] if msg else type(exc).__name__
