"""Opening stores: URLs, migrations applied once, full-text search, clear errors."""

import pytest
from sqlalchemy import inspect

from newsevents.errors import StoreUnavailable
from newsevents.store import open_store, resolve_url
from newsevents.store.db import current_revision, upgrade

TABLES = {"articles", "events", "event_actors", "mentions", "places", "people", "person_aliases",
          "event_clusters", "reviews", "users", "sessions", "api_tokens", "login_failures"}


@pytest.mark.parametrize("given, expected", [
    ("cases.db", "sqlite:///cases.db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
])
def test_resolve_url(given, expected):
    assert resolve_url(given) == expected


def test_default_url_from_environment(monkeypatch):
    monkeypatch.setenv("NEWSEVENTS_DB", "elsewhere.db")
    assert resolve_url(None) == "sqlite:///elsewhere.db"
    monkeypatch.delenv("NEWSEVENTS_DB")
    assert resolve_url(None) == "sqlite:///newsevents.db"


def test_schema_created_and_migrations_idempotent(store, db_url):
    assert TABLES <= set(inspect(store.engine).get_table_names())
    revision = current_revision(store)
    assert revision == "0003"
    assert upgrade(store) == revision
    again = open_store(db_url)
    assert current_revision(again) == revision
    again.close()


def test_sqlite_uses_wal_and_fts5(tmp_path):
    store = open_store(str(tmp_path / "w.db"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name='articles_fts'").scalar() == "articles_fts"
    store.close()


def test_unreachable_server_is_a_store_error():
    with pytest.raises(StoreUnavailable) as info:
        open_store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert info.value.code == "E501"


def test_migrations_match_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from newsevents.store.schema import Base
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    drift = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("articles_fts"))
             and not (d[0] == "remove_index" and d[1].name == "ix_articles_fts")]
    assert drift == []


def _unavailable(message: str) -> StoreUnavailable:
    from sqlalchemy.exc import OperationalError
    cause = OperationalError("PRAGMA journal_mode=WAL", {}, Exception(message))
    try:
        raise StoreUnavailable("sqlite:///x.db", reason=message) from cause
    except StoreUnavailable as exc:
        return exc


def test_a_lock_held_by_another_opener_is_waited_for(monkeypatch, tmp_path):
    from newsevents.store import db
    real, tries = db._open, []

    def flaky(url, migrate):
        tries.append(url)
        if len(tries) < 3:
            raise _unavailable("database is locked")
        return real(url, migrate)
    monkeypatch.setattr(db, "_open", flaky)
    monkeypatch.setattr(db.time, "sleep", lambda s: None)
    with open_store(str(tmp_path / "new.db")) as store:
        assert current_revision(store) and len(tries) == 3


def test_other_open_errors_are_not_retried(monkeypatch):
    from newsevents.store import db
    tries = []

    def broken(url, migrate):
        tries.append(url)
        raise _unavailable("unable to open database file")
    monkeypatch.setattr(db, "_open", broken)
    with pytest.raises(StoreUnavailable):
        open_store("sqlite:////nonexistent/dir/x.db")
    assert len(tries) == 1
