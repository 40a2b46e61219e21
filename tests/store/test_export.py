"""Exports: ACLED CSV columns, one record per happening, pseudonymised people, Parquet, GeoJSON."""

import csv
import json

import pytest

from newsevents.errors import BadOption, ExportError
from newsevents.store import export
from newsevents.store.export import ACLED_COLUMNS, EXTRA_COLUMNS
from newsevents.store.query import EventFilter, count_events

from .helpers import ARRESTS, store_all


@pytest.fixture
def arrests(store, extracted):
    store_all(store, extracted, ARRESTS)
    return store


def _csv(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_acled_csv_one_row_per_happening_with_all_sources(arrests, tmp_path):
    out = tmp_path / "acled.csv"
    n = export(arrests, "acled-csv", out, EventFilter(type=["ARREST"]))
    rows = _csv(out)
    assert n == len(rows) == 2  # two arrests, reported five times
    assert list(rows[0]) == ACLED_COLUMNS + EXTRA_COLUMNS
    hamid = next(r for r in rows if "arrest_a" in r["article_ids"])
    assert hamid["article_ids"] == "arrest_a; arrest_b; arrest_c"
    assert hamid["sub_event_type"] == "Arrests" and hamid["event_type"] == "Strategic developments"
    assert (hamid["country"], hamid["admin1"], hamid["iso"]) == ("Pakistan", "Punjab", "586")
    assert hamid["event_date"] == "2023-06-13" and hamid["time_precision"] == "1"
    assert hamid["source"] == "Daily Example; Evening Sample; Weekly Example"
    assert hamid["inter1"] == "1" and hamid["claim_status"] == "claimed"
    # ACLED's actor conventions, as the extraction codes them
    assert (hamid["actor1"], hamid["actor2"], hamid["inter2"]) == ("Police Forces of Pakistan", "Civilians (Pakistan)", "7")
    assert hamid["interaction"] == "17" and hamid["civilian_targeting"] == ""
    # the sentence of a source giving the date most sources agree on
    assert "Tuesday" in hamid["source_sentence"] and "Hassan" in hamid["source_sentence"]


def test_redacted_export_names_nobody(arrests, tmp_path):
    out = tmp_path / "public.csv"
    export(arrests, "acled-csv", out, redact_people=True)
    text = out.read_text("utf-8")
    for spelling in ("Hamid", "Hameed", "Ishaq", "Sathi", "Saathi"):
        assert spelling not in text
    assert "Person-" in text
    jsonl = tmp_path / "public.jsonl"
    assert export(arrests, "jsonl", jsonl, redact_people=True) == count_events(arrests)
    assert "Hassan" not in jsonl.read_text("utf-8")


def test_parquet_and_geojson(arrests, tmp_path):
    import pyarrow.parquet as pq
    n = export(arrests, "parquet", tmp_path / "e.parquet")
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.num_rows == n and table.column_names == ACLED_COLUMNS + EXTRA_COLUMNS
    assert str(table.schema.field("latitude").type) == "double"
    export(arrests, "geojson", tmp_path / "e.geojson")
    geo = json.loads((tmp_path / "e.geojson").read_text("utf-8"))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == n
    point = next(f for f in geo["features"] if f["geometry"])
    assert len(point["geometry"]["coordinates"]) == 2


def test_export_errors(arrests, tmp_path):
    with pytest.raises(BadOption):
        export(arrests, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(ExportError):
        export(arrests, "jsonl", tmp_path / "missing" / "x.jsonl")


@pytest.mark.parametrize("fmt", ["acled-csv", "jsonl", "geojson"])
def test_progress_gets_the_total_first_then_one_call_per_record(arrests, tmp_path, fmt):
    calls = []
    n = export(arrests, fmt, tmp_path / "out", EventFilter(type=["ARREST"]),
               progress=lambda k=1, total=None: calls.append((k, total)))
    assert calls[0][0] == 0 and calls[0][1] == n
    assert calls[1:] == [(1, None)] * n


def test_redaction_covers_the_whole_hyphenated_name() -> None:
    from newsevents.store.export import _redact_text
    text = "Police held Saad-ul-Karim and Ali Noor's brother."
    start = text.index("Karim")
    spans = [(100 + start, 100 + start + 5, "Person-1"), (100 + text.index("Noor"), 100 + text.index("Noor") + 4, "Person-2")]
    assert _redact_text(text, 100, spans) == "Police held Person-1 and Ali Person-2's brother."
