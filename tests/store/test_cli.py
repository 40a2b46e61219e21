"""The store commands: a thin layer over the store package, with truthful exit codes."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from newsevents.cli import app

from .conftest import DATA, SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A SQLite store with the samples and the arrest reports, ingested through the CLI."""
    path = tmp_path_factory.mktemp("cli") / "cli.db"
    result = runner.invoke(app, ["ingest", str(SAMPLES), str(DATA), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "10 read, 10 stored" in result.output
    return str(path)


def test_ingest_again_stores_nothing_new(db):
    result = runner.invoke(app, ["ingest", str(SAMPLES), "--db", db])
    assert result.exit_code == 0
    assert "5 read, 0 stored, 0 re-extracted, 5 already stored, 0 skipped" in result.output


def test_ingest_reports_skipped_inputs_with_exit_3(db, tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", db])
    assert result.exit_code == 3
    assert "bad.txt" in result.output and "[E103]" in result.output


def test_events_jsonl_is_store_contract(db):
    result = runner.invoke(app, ["events", "--db", db, "--type", "ARREST", "--place", "Punjab",
                                 "--format", "jsonl"])
    assert result.exit_code == 0
    events = [json.loads(line) for line in result.output.splitlines()]
    assert len(events) == 5 and all(e["cluster_id"] and e["sources"] for e in events)
    assert len({e["cluster_id"] for e in events}) == 2


@pytest.mark.parametrize("args", [
    ["events", "--format", "csv", "--text", "bail"],
    ["events", "--no-background", "--claim", "asserted"],
    ["articles", "--format", "json"],
    ["people", "--name", "Saathi Ishaq", "--format", "table"],
])
def test_query_commands_run(db, args):
    result = runner.invoke(app, args + ["--db", db])
    assert result.exit_code == 0, result.output
    assert result.output.strip()


def test_people_json(db):
    result = runner.invoke(app, ["people", "--db", db, "--name", "Hamid ul Hassan", "--format", "json"])
    [person] = json.loads(result.output)
    assert {"id", "name", "aliases", "roles", "affiliations", "articles", "timeline",
            "contradictions"} <= set(person)


def test_export_and_link_commands(db, tmp_path):
    out = tmp_path / "acled.csv"
    result = runner.invoke(app, ["export", "--db", db, "--format", "acled-csv", "-o", str(out),
                                 "--redact-people"])
    assert result.exit_code == 0 and out.read_text("utf-8").startswith("event_id_cnty,")
    result = runner.invoke(app, ["link", "--db", db, "--rebuild"])
    assert result.exit_code == 0 and json.loads(result.output)["multi_source_clusters"] >= 2
    assert json.loads(result.output)["reviews_replayed"] == 0
    result = runner.invoke(app, ["link", "--db", db, "--ignore-reviews"])
    assert result.exit_code == 2 and "--ignore-reviews goes with --rebuild" in result.output
    result = runner.invoke(app, ["db", "upgrade", "--db", db])
    assert result.exit_code == 0 and "0003" in result.output


@pytest.mark.parametrize("args, code", [
    (["events", "--since", "yesterday"], 2),
    (["events", "--format", "xml"], 2),
    (["export", "--format", "xlsx", "-o", "x.xlsx"], 2),
])
def test_usage_errors(db, args, code):
    result = runner.invoke(app, args + ["--db", db])
    assert result.exit_code == code


def test_unreachable_store_is_exit_1():
    result = runner.invoke(app, ["events", "--db", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2"])
    assert result.exit_code == 1 and "E501" in result.output


def _stored(path) -> int:
    try:
        with sqlite3.connect(path, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


N_KILLED = 1000  # the figure: a 1,000-article ingest killed mid-way


def test_killed_ingest_resumes_without_loss_or_duplicates(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    cities = ["Lahore", "Karachi", "Peshawar", "Quetta", "Multan"]
    for i in range(N_KILLED):
        city = cities[i % 5]
        (articles / f"a{i:03d}.txt").write_text(
            f"date 2023-0{1 + i % 9}-1{i % 10}\n\n{city.upper()}: Police arrested {i + 3} party "
            f"workers in {city} on Monday, according to report number {i}.\n", encoding="utf-8")
    db = tmp_path / "kill.db"
    cmd = [sys.executable, "-m", "newsevents", "ingest", str(articles), "--db", str(db), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300  # model loading can be slow on a busy machine
    while _stored(db) < 100 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill = _stored(db)
    assert 0 < at_kill < N_KILLED, "the run was not killed mid-way"
    subprocess.run(cmd, check=True, timeout=600)
    with sqlite3.connect(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        assert one("SELECT count(*) FROM articles") == N_KILLED
        assert one("SELECT count(DISTINCT content_hash) FROM articles") == N_KILLED
        assert one("SELECT count(*) FROM events WHERE article_pk NOT IN (SELECT pk FROM articles)") == 0
        assert one("SELECT count(*) FROM event_actors WHERE event_pk NOT IN (SELECT pk FROM events)") == 0
        assert one("SELECT count(*) FROM mentions WHERE article_pk NOT IN (SELECT pk FROM articles)") == 0
        assert one("SELECT count(*) FROM events WHERE cluster_pk IS NULL") == 0
        assert one("SELECT count(*) FROM event_clusters WHERE pk NOT IN "
                   "(SELECT cluster_pk FROM events WHERE cluster_pk IS NOT NULL)") == 0
        assert one("SELECT count(*) FROM events") >= N_KILLED


def test_ingest_without_linking_then_link(tmp_path):
    db = str(tmp_path / "nolink.db")
    assert runner.invoke(app, ["ingest", str(DATA), "--db", db, "--no-link", "-q"]).exit_code == 0
    result = runner.invoke(app, ["events", "--db", db, "--format", "jsonl"])
    assert all(json.loads(line)["cluster_id"] is None for line in result.output.splitlines())
    result = runner.invoke(app, ["link", "--db", db])
    counts = json.loads(result.output)
    assert result.exit_code == 0 and counts["articles"] == 5 and counts["multi_source_clusters"] >= 2
    result = runner.invoke(app, ["events", "--db", db, "--type", "ARREST", "--format", "jsonl"])
    assert len({json.loads(line)["cluster_id"] for line in result.output.splitlines()}) == 2
