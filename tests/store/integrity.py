"""Helpers for the durability and concurrency tests: synthetic articles, running
``newsevents ingest`` as a process, and checking a store for duplicates and orphan rows."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

CITIES = ["Lahore", "Karachi", "Peshawar", "Quetta", "Multan", "Sukkur", "Hyderabad"]


def body(i: int) -> str:
    """The body of synthetic article ``i``: short, distinct, with an event in it."""
    city = CITIES[i % len(CITIES)]
    return (f"{city.upper()}: Police arrested {i + 3} party workers in {city} on Monday, "
            f"according to report number {i}.")


def write_articles(folder: Path, numbers, reverse: bool = False) -> Path:
    """Article files for ``numbers`` in ``folder`` (created), read in ascending order of
    ``i``, or descending with ``reverse``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in numbers:
        (folder / f"a{9999 - i if reverse else i:04d}.txt").write_text(
            f"date 2023-0{1 + i % 9}-1{i % 10}\n\n{body(i)}\n", encoding="utf-8")
    return folder


def expected_hashes(numbers) -> set[str]:
    return {hashlib.sha256(body(i).encode("utf-8")).hexdigest() for i in numbers}


def ingest_command(paths, url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "newsevents", "ingest", *map(str, paths), "--db", url, "-q",
            *extra]


def stored_count(url: str) -> int:
    """Articles in the store at ``url`` (0 while it does not exist yet)."""
    try:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                return conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
        finally:
            engine.dispose()
    except Exception:  # noqa: BLE001 - not created yet, or locked for a moment
        return 0


ORPHANS = {
    "events without their article":
        "SELECT count(*) FROM events WHERE article_pk NOT IN (SELECT pk FROM articles)",
    "event actors without their event":
        "SELECT count(*) FROM event_actors WHERE event_pk NOT IN (SELECT pk FROM events)",
    "mentions without their article":
        "SELECT count(*) FROM mentions WHERE article_pk NOT IN (SELECT pk FROM articles)",
    "aliases without their person":
        "SELECT count(*) FROM person_aliases WHERE person_pk NOT IN (SELECT pk FROM people)",
    "actors pointing to a missing person":
        "SELECT count(*) FROM event_actors WHERE person_pk IS NOT NULL AND person_pk NOT IN "
        "(SELECT pk FROM people)",
    "events pointing to a missing cluster":
        "SELECT count(*) FROM events WHERE cluster_pk IS NOT NULL AND cluster_pk NOT IN "
        "(SELECT pk FROM event_clusters)",
    "unlinked events":
        "SELECT count(*) FROM events WHERE cluster_pk IS NULL",
    "clusters without events":
        "SELECT count(*) FROM event_clusters WHERE pk NOT IN "
        "(SELECT cluster_pk FROM events WHERE cluster_pk IS NOT NULL)",
    "articles without events":
        "SELECT count(*) FROM articles WHERE pk NOT IN (SELECT article_pk FROM events)",
}


def check_store(url: str, numbers) -> None:
    """Every article of ``numbers`` stored exactly once, nothing else, no orphan rows."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            one = lambda sql: conn.execute(text(sql)).scalar_one()  # noqa: E731
            hashes = [row[0] for row in conn.execute(text("SELECT content_hash FROM articles"))]
            assert len(hashes) == len(set(hashes)), "an article is stored twice"
            assert set(hashes) == expected_hashes(numbers), "articles lost or unexpected"
            ids = [row[0] for row in conn.execute(text("SELECT id FROM articles"))]
            assert len(ids) == len(set(ids))
            found = {what: one(sql) for what, sql in ORPHANS.items()}
            assert found == dict.fromkeys(ORPHANS, 0), found
    finally:
        engine.dispose()


def run(cmd: list[str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
