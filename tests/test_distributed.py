"""Distributed runs on a Dask LocalCluster of 2 worker processes: same results as one process,
Parquet results that load into a store like a direct ingest, clean errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newsevents import distributed
from newsevents.api import extract_articles
from newsevents.cli import app
from newsevents.errors import ClusterUnavailable, ResultFileError
from newsevents.schema import Article
from newsevents.store import ingest_paths, open_store
from newsevents.store.ingest import ALREADY

from .store.helpers import counts

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "newsevents" / "data" / "samples"


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes, closed after the module's tests."""
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster):
    from newsevents.settings import default_settings
    with distributed.dask_client(cluster.scheduler_address, settings=default_settings()) as c:
        yield c


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return [a for a in distributed.read_inputs([str(SAMPLES)]) if isinstance(a, Article)]


@pytest.fixture(scope="module")
def single_process(articles) -> list[dict]:
    return [r.contract(include_text=True) for r in extract_articles(articles)]


def _pipeline_cached() -> int:
    from newsevents.nlp import _cached
    return _cached.cache_info().currsize


def test_every_worker_holds_the_pipeline(client):
    built = client.run(_pipeline_cached)
    assert len(built) == 2 and all(n == 1 for n in built.values())


def test_cluster_results_identical_to_one_process(client, articles, single_process):
    results = list(distributed.extract_on_cluster(client, articles, batch_size=1))
    assert [r.contract(include_text=True) for r in results] == single_process
    assert [r.article.id for r in results] == [a.id for a in articles]


def test_parquet_round_trip_stores_what_a_direct_ingest_stores(client, articles, tmp_path):
    run = lambda items: distributed.extract_on_cluster(client, items, batch_size=2)  # noqa: E731
    report = distributed.extract_to_parquet(distributed.read_inputs([str(SAMPLES)]), run,
                                            tmp_path / "results")
    assert (report.read, report.stored, report.skipped) == (5, 5, [])
    loaded = [r.contract(include_text=True) for r in distributed.read_results(tmp_path / "results")]
    assert loaded == [r.contract(include_text=True) for r in extract_articles(articles)]

    with open_store(str(tmp_path / "loaded.db")) as via_parquet, \
            open_store(str(tmp_path / "direct.db")) as direct, \
            open_store(str(tmp_path / "dask.db")) as via_dask:
        assert distributed.load_results(via_parquet, tmp_path / "results").stored == 5
        assert ingest_paths(direct, [str(SAMPLES)]).stored == 5
        assert distributed.ingest_with(via_dask, distributed.read_inputs([str(SAMPLES)]),
                                       run).stored == 5
        assert counts(via_parquet) == counts(direct) == counts(via_dask)
        again = distributed.load_results(via_parquet, tmp_path / "results")
        assert (again.stored, again.already_stored) == (0, 5)
        assert counts(via_parquet) == counts(direct)


def test_cli_extract_on_a_scheduler_matches_local(cluster):
    runner = CliRunner()
    local = runner.invoke(app, ["extract", str(SAMPLES), "-f", "jsonl", "-q"])
    remote = runner.invoke(app, ["extract", str(SAMPLES), "-f", "jsonl", "-q", "--engine", "dask",
                                 "--scheduler", cluster.scheduler_address])
    assert local.exit_code == remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout and len(local.stdout.splitlines()) == 5


def test_cli_ingest_to_parquet_then_load(cluster, tmp_path):
    runner = CliRunner()
    out, db = tmp_path / "out", str(tmp_path / "s.db")
    made = runner.invoke(app, ["ingest", str(SAMPLES), "--engine", "dask", "--scheduler",
                               cluster.scheduler_address, "--to-parquet", str(out), "-q"])
    assert made.exit_code == 0, made.output
    loaded = runner.invoke(app, ["load", str(out), "--db", db])
    assert loaded.exit_code == 0, loaded.output
    assert "5 stored" in loaded.output


@pytest.mark.parametrize("args", [
    ["extract", str(SAMPLES), "--engine", "spark"],
    ["extract", str(SAMPLES), "--scheduler", "tcp://127.0.0.1:1"],
    ["ingest", str(SAMPLES), "--workers", "0"],
    ["ingest", str(SAMPLES), "--db", "x.db", "--to-parquet", "out", "--engine", "dask"],
])
def test_cli_rejects_wrong_engine_options(args):
    assert CliRunner().invoke(app, args).exit_code == 2


def test_unreachable_scheduler_is_a_clean_error(monkeypatch):
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT_S", 1)
    with pytest.raises(ClusterUnavailable, match="E601"):
        with distributed.dask_client("tcp://127.0.0.1:9"):
            pass


def test_parquet_articles_are_read_in_place_with_problems_named(tmp_path):
    table = pa.table({"id": ["a", "b", "c"], "text": ["Police arrested two men.", None, "Rally."],
                      "date": [dt.date(2020, 5, 1), None, dt.date(2020, 5, 3)]})
    pq.write_table(table, tmp_path / "articles.parquet")
    (tmp_path / "z.txt").write_text("A protest took place.", "utf-8")
    items = list(distributed.read_inputs([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Article", "ReadProblem", "Article", "Article"]
    assert items[0].date == "2020-05-01" and items[0].id == "a"
    assert items[1].code == "E105" and items[1].origin.endswith("articles.parquet:2")


def test_result_files_are_never_overwritten_or_guessed(tmp_path, articles):
    results = list(extract_articles(articles[:1]))
    assert distributed.write_results(results, tmp_path / "r") == 1
    with pytest.raises(ResultFileError, match="already holds"):
        distributed.write_results(results, tmp_path / "r")
    with pytest.raises(ResultFileError, match="no results"):
        list(distributed.read_results(tmp_path / "empty"))
    row = json.loads(pq.read_table(tmp_path / "r" / "results-00000.parquet")
                     .column("contract")[0].as_py())
    assert set(row) == {"article", "events", "mentions"} and "text" in row["article"]


def test_loading_twice_is_idempotent(tmp_path, articles):
    distributed.write_results(extract_articles(articles[:2]), tmp_path / "r")
    with open_store(str(tmp_path / "s.db")) as store:
        seen = []
        distributed.load_results(store, tmp_path / "r", progress=lambda o, _: seen.append(o))
        distributed.load_results(store, tmp_path / "r", progress=lambda o, _: seen.append(o))
    assert seen[2:] == [ALREADY, ALREADY]
