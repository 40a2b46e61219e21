"""Local parallelism: worker processes by default, one process for small inputs, order kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsevents import api
from newsevents.cli import app
from newsevents.progress import estimate_articles
from newsevents.read import article_from_text

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "newsevents" / "data" / "samples"


def _articles(n: int):
    return [article_from_text(f"Police arrested {i + 2} protesters in the capital on Monday.",
                              origin=f"t{i}", id=f"a{i}", date="2021-03-0%d" % (1 + i % 9))
            for i in range(n)]


def test_small_inputs_never_start_workers(monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started for a small input")

    monkeypatch.setattr(api, "_extract_parallel", no_pool)
    arts = _articles(api.PARALLEL_MIN_ARTICLES - 1)
    results = list(api.extract_articles(arts, workers=4))
    assert [r.article.id for r in results] == [a.id for a in arts]


def test_large_inputs_go_to_the_workers_in_order(monkeypatch):
    seen = {}

    def fake_parallel(articles, settings, size, workers):
        items = list(articles)
        seen["n"], seen["workers"] = len(items), workers
        return iter(api.extract_articles(items, settings, workers=1))

    monkeypatch.setattr(api, "_extract_parallel", fake_parallel)
    arts = _articles(api.PARALLEL_MIN_ARTICLES + 3)
    results = list(api.extract_articles(iter(arts), workers=2))
    assert seen == {"n": len(arts), "workers": 2}  # the articles read ahead are not lost
    assert [r.article.id for r in results] == [a.id for a in arts]


def test_worker_processes_give_the_same_results_in_order(monkeypatch):
    monkeypatch.setattr(api, "PARALLEL_MIN_ARTICLES", 2)
    monkeypatch.setattr(api, "PARALLEL_TASK_ARTICLES", 2)
    arts = _articles(7)
    one = [r.model_dump() for r in api.extract_articles(arts, workers=1)]
    two = [r.model_dump() for r in api.extract_articles(arts, workers=2)]
    assert one == two and [r["article"]["id"] for r in two] == [a.id for a in arts]


def test_default_workers_is_the_number_of_usable_cores():
    assert api.default_workers() >= 1


def test_estimate_counts_records_and_files(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n\n{"text": "y"}\n{"text": "z"}', "utf-8")
    (tmp_path / "b.csv").write_text("text,date\nx,2020-01-01\ny,2020-01-02\n", "utf-8")
    (tmp_path / "c.txt").write_text("One article.", "utf-8")
    (tmp_path / "README.md").write_text("not an article", "utf-8")
    (tmp_path / ".hidden.txt").write_text("left out", "utf-8")
    assert estimate_articles([str(tmp_path)]) == 3 + 2 + 1
    assert estimate_articles([str(tmp_path / "c.txt"), str(tmp_path / "c.txt")]) == 2
    assert estimate_articles(["-"]) is None
    assert estimate_articles([str(SAMPLES)]) == 5


@pytest.mark.parametrize("args", [["--workers", "2"], []])
def test_ingest_takes_workers_locally(tmp_path, args):
    db = tmp_path / "s.db"
    res = CliRunner().invoke(app, ["ingest", str(SAMPLES), "--db", str(db), "-q", *args])
    assert res.exit_code == 0, res.output
    listed = CliRunner().invoke(app, ["articles", "--db", str(db), "-f", "json"])
    assert len(json.loads(listed.stdout)) == 5


@pytest.mark.parametrize("command", [
    ["link", "--db", "{db}", "-q"],
    ["export", "--db", "{db}", "-f", "jsonl", "-o", "{out}", "-q"],
])
def test_long_commands_take_quiet(tmp_path, command):
    db, out = tmp_path / "s.db", tmp_path / "out.jsonl"
    assert CliRunner().invoke(app, ["ingest", str(SAMPLES), "--db", str(db), "-q"]).exit_code == 0
    res = CliRunner().invoke(app, [c.format(db=db, out=out) for c in command])
    assert res.exit_code == 0, res.output
    assert "written" not in res.stderr


def test_a_worker_that_cannot_load_the_model_reports_it(monkeypatch):
    from newsevents.errors import ModelMissing
    from newsevents.settings import default_settings

    monkeypatch.setattr(api, "PARALLEL_MIN_ARTICLES", 2)
    broken = default_settings().model_copy(update={"model": "no_such_model_installed"})
    with pytest.raises(ModelMissing, match="E201.*no_such_model_installed"):
        list(api.extract_articles(_articles(4), broken, workers=2))
