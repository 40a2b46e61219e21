"""Durability: `newsevents ingest` killed with SIGKILL again and again at random points, then
resumed until done, leaves every article exactly once and no orphan rows (SQLite, and
PostgreSQL when it can be reached)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time

import pytest
from sqlalchemy import create_engine, text

from .conftest import temporary_url
from .integrity import check_store, ingest_command, write_articles

# (tests/store/test_cli.py also kills a 1,000-article run once, on SQLite)
SIZES = {"sqlite": 400, "postgresql": 300}
KILLS = 4


class Counter:
    """Counts stored articles with one open connection (0 while the store does not exist)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def __call__(self) -> int:
        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
        except Exception:  # noqa: BLE001 - the table does not exist yet, or is locked
            return 0

    def close(self) -> None:
        self.engine.dispose()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_ingest_killed_repeatedly_resumes_without_loss_or_duplicates(engine, tmp_path):
    n = SIZES[engine]
    rng = random.Random(20261124)
    folder = write_articles(tmp_path / "articles", range(n))
    with temporary_url(engine, tmp_path) as url:
        cmd = ingest_command([folder], url)
        stored = Counter(url)
        kills, runs, progress = 0, 0, []
        try:
            while kills < KILLS and runs < KILLS * 3:
                before = stored()
                if before >= n:
                    break
                runs += 1
                proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                # wait for a random amount of progress, then kill at a random moment after it
                target = min(before + rng.randint(1, n // (KILLS + 2)), n - 1)
                deadline = time.monotonic() + 300  # model loading is slow on a busy machine
                while stored() < target and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.02)
                time.sleep(rng.random() * 0.2)
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    kills += 1
                proc.wait()
                progress.append(stored())
            assert kills >= 2, f"the run was not killed mid-way (stored after each run: {progress})"
            assert 0 < progress[0] < n
            final = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
            assert final.returncode == 0, final.stderr
        finally:
            stored.close()
        check_store(url, range(n))
