"""Durability of writes: a database error rolls the article back and is reported with a code;
a full disk is E509; locks and races with another writer are retried; text longer than its
column is cut rather than failing the article (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

import errno
import importlib
import sqlite3

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError, OperationalError
from typer.testing import CliRunner

from newsevents.cli import app
from newsevents.errors import StoreFull, StoreWriteError
from newsevents.read import article_from_text
from newsevents.store.ingest import ALREADY, STORED, ingest, store_result

from .helpers import ARRESTS, counts
from .integrity import ORPHANS

runner = CliRunner()
ingest_module = importlib.import_module("newsevents.store.ingest")


def orphans(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {what: conn.execute(text(sql)).scalar_one() for what, sql in ORPHANS.items()
                if what not in ("unlinked events", "articles without events")}


def failing(exc: Exception, on_call: int = 1):
    """A link_article replacement raising ``exc`` on call ``on_call`` (after inserting rows)."""
    from newsevents.store import link
    real = link.link_article
    calls = {"n": 0}

    def link_article(session, article):
        calls["n"] += 1
        if calls["n"] == on_call:
            raise exc
        return real(session, article)
    return link_article


def test_database_error_rolls_back_the_article_and_is_reported(store, extracted, monkeypatch):
    results = [extracted[i] for i in ARRESTS]
    injected = OperationalError("INSERT INTO events ...", {}, Exception("injected failure"))
    monkeypatch.setattr(ingest_module.linking, "link_article", failing(injected, on_call=2))
    assert store_result(store, results[0]) == STORED
    with pytest.raises(StoreWriteError) as caught:
        store_result(store, results[1])
    assert caught.value.code == "E503" and "injected failure" in str(caught.value)
    assert "rolled back" in str(caught.value) and "run the same command again" in str(caught.value)
    after = counts(store)
    assert after["articles"] == 1  # the second article left nothing behind
    assert set(orphans(store).values()) == {0}
    monkeypatch.undo()
    assert [store_result(store, r) for r in results] == [ALREADY] + [STORED] * 4
    assert counts(store)["articles"] == 5 and set(orphans(store).values()) == {0}


def test_full_sqlite_disk_is_reported_cleanly(tmp_path, extracted):
    from newsevents.store import open_store
    store = open_store(f"sqlite:///{tmp_path / 'full.db'}")
    try:
        assert store_result(store, extracted[ARRESTS[0]]) == STORED
        with store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        store.engine.dispose()
        # no room for one more page: what a full disk looks like to SQLite
        event.listen(store.engine, "connect", lambda c, _r: c.execute(
            f"PRAGMA max_page_count={pages}"))
        big = article_from_text("LAHORE: Police arrested protesters. " * 300, "big.txt")
        from newsevents.api import extract_articles
        (result,) = extract_articles([big])
        with pytest.raises(StoreFull) as caught:
            store_result(store, result)
        assert caught.value.code == "E509" and "full" in str(caught.value)
        assert "free some space" in str(caught.value)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        assert counts(store)["articles"] == 1 and set(orphans(store).values()) == {0}
    finally:
        store.close()


@pytest.mark.parametrize("orig", [
    sqlite3.OperationalError("database or disk is full"),
    OSError(errno.ENOSPC, "No space left on device"),
])
def test_disk_full_is_e505(store, extracted, monkeypatch, orig):
    exc = orig if isinstance(orig, OSError) else OperationalError("INSERT", {}, orig)
    monkeypatch.setattr(ingest_module.linking, "link_article", failing(exc))
    with pytest.raises(StoreFull):
        store_result(store, extracted[ARRESTS[0]])
    assert counts(store)["articles"] == 0


def test_postgresql_disk_full_is_e505(store, extracted, monkeypatch):
    psycopg = pytest.importorskip("psycopg")
    exc = OperationalError("INSERT", {}, psycopg.errors.DiskFull("could not extend file"))
    monkeypatch.setattr(ingest_module.linking, "link_article", failing(exc))
    with pytest.raises(StoreFull):
        store_result(store, extracted[ARRESTS[0]])


def test_cli_reports_a_full_disk_with_its_code_and_no_traceback(tmp_path, monkeypatch):
    full = OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
    monkeypatch.setattr(ingest_module.linking, "link_article", failing(full))
    article = tmp_path / "a.txt"
    article.write_text("KARACHI - Police arrested 12 party workers on Monday.")
    result = runner.invoke(app, ["ingest", str(article), "--db", str(tmp_path / "s.db"), "-q"])
    assert result.exit_code == 1
    assert "[E509]" in result.output and "Traceback" not in result.output


def test_locks_held_by_another_writer_are_retried(store, extracted, monkeypatch):
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    real = ingest_module._store_once
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise locked
        return real(*args, **kwargs)
    monkeypatch.setattr(ingest_module, "_store_once", flaky)
    assert store_result(store, extracted[ARRESTS[0]]) == STORED and calls["n"] == 3


def test_a_unique_row_taken_by_a_concurrent_run_is_retried_not_lost(store, extracted, monkeypatch):
    """An IntegrityError for another reason than this very text being stored (a place or id
    inserted by the other process at the same moment) must not count the article as stored."""
    race = IntegrityError("INSERT INTO places", {}, Exception("UNIQUE constraint failed: places.key"))
    real = ingest_module._store_once
    calls = {"n": 0}

    def racing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise race
        return real(*args, **kwargs)
    monkeypatch.setattr(ingest_module, "_store_once", racing)
    assert store_result(store, extracted[ARRESTS[0]]) == STORED
    assert counts(store)["articles"] == 1


def test_text_longer_than_its_column_is_cut_not_fatal(store):
    name = " ".join(["Mohammad Ali Khan Jamali"] * 12)
    article = article_from_text(
        f"KARACHI - Police arrested {name} on Monday. Lawyer {name} said {name} was beaten.",
        "long-names.txt", source="S" * 500, title="T" * 5000)
    report = ingest(store, [article])
    assert report.stored == 1
    with store.engine.connect() as conn:
        longest = conn.execute(text("SELECT max(length(name)) FROM event_actors")).scalar_one()
        source = conn.execute(text("SELECT source FROM articles")).scalar_one()
    assert longest is None or longest <= 200
    assert len(source) == 200
