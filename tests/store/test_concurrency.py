"""Concurrency: two `newsevents ingest` processes on the same store over overlapping inputs
duplicate nothing and lose nothing (SQLite file, and PostgreSQL when it can be reached)."""

from __future__ import annotations

import subprocess

import pytest

from .conftest import temporary_url
from .integrity import check_store, ingest_command, write_articles

FIRST, SECOND = range(0, 40), range(20, 60)  # 20 articles in both inputs


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_two_ingests_on_one_store_over_overlapping_inputs(engine, tmp_path):
    one = write_articles(tmp_path / "one", FIRST)
    two = write_articles(tmp_path / "two", SECOND, reverse=True)  # met in the other order
    with temporary_url(engine, tmp_path) as url:
        procs = [subprocess.Popen(ingest_command([folder], url), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for folder in (one, two)]
        outputs = [proc.communicate(timeout=600) for proc in procs]
        for proc, (_, err) in zip(procs, outputs):
            assert proc.returncode == 0, err
        check_store(url, set(FIRST) | set(SECOND))
