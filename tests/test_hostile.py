"""Hostile input: readers and extractor never crash, and say what they did (docs/errors.md).

Random bytes, invalid and mixed encodings, oversized articles, malicious HTML, malformed JSONL
and CSV, impossible dates, other languages, control and bidirectional characters; and the
command line's codes, exit statuses and --debug.
"""

from __future__ import annotations

import codecs
import io
import json
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsevents import extract
from newsevents.api import extract_articles
from newsevents.cli import app
from newsevents.errors import NewsEventsError
from newsevents.read import (Limits, article_from_html, article_from_text, read_paths,
                             record_article)
from newsevents.schema import Article, ReadProblem
from newsevents.settings import default_settings

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "newsevents" / "data" / "samples"
SUFFIXES = [".txt", ".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".html", ".md", ""]
runner = CliRunner()


def read_all(*paths: object, **kwargs: object) -> list:
    return list(read_paths([str(p) for p in paths], **kwargs))


def only(items: list, kind: type) -> list:
    return [i for i in items if isinstance(i, kind)]


def codes(article: Article) -> list[str]:
    return [w.code for w in article.warnings]


def spans(result) -> list:
    """Every (text, start, end) span of an extraction result."""
    data = result.contract()
    found = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("start"), int) and isinstance(value.get("text"), str):
                found.append((value["text"], value["start"], value["end"]))
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(data)
    return found


# -- properties: nothing but coded errors, whatever the input ---------------------------------

@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_bytes_in_any_file_kind_are_read_or_reported(tmp_path_factory, data, suffix):
    path = tmp_path_factory.getbasetemp() / f"hostile{suffix}"
    path.write_bytes(data)
    items = read_all(path)
    assert items and all(isinstance(i, (Article, ReadProblem)) for i in items)
    for item in only(items, ReadProblem):
        assert item.code.startswith("E1") and item.message.startswith(f"[{item.code}]")


@given(st.binary(max_size=2000))
@settings(max_examples=150, deadline=None)
def test_random_bytes_on_standard_input(monkeypatch_session, data):
    monkeypatch_session.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    items = list(read_paths(["-"]))
    assert items and all(isinstance(i, (Article, ReadProblem)) for i in items)


@pytest.fixture(scope="module")
def monkeypatch_session():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                        st.text(max_size=8), inner, max_size=4), max_leaves=12)
FIELDS = st.sampled_from(["text", "id", "date", "title", "url", "source", "other"])


@given(st.dictionaries(FIELDS, JSON, max_size=7) | JSON)
@settings(max_examples=400, deadline=None)
def test_records_with_missing_or_wrong_typed_fields(record):
    try:
        article = record_article(record, "in.jsonl:1", Limits(bytes=10_000))
    except NewsEventsError as exc:
        assert exc.code in ("E102", "E104", "E105", "E108"), exc
        return
    assert isinstance(record, dict) and isinstance(record["text"], str)
    assert article.text and article.date in (None, record.get("date"))


@given(st.text(alphabet=st.sampled_from('ab,"\n\r\t\x00é\u202e'), max_size=200))
@settings(max_examples=300, deadline=None)
def test_csv_with_broken_quoting(tmp_path_factory, body):
    path = tmp_path_factory.getbasetemp() / "broken.csv"
    path.write_text("id,text\n" + body, "utf-8", newline="")
    items = read_all(path)
    assert items and all(isinstance(i, (Article, ReadProblem)) for i in items)


TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=400)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_any_text_is_an_article_or_a_coded_error(raw):
    try:
        art = article_from_text(raw, "random")
    except NewsEventsError as exc:
        assert exc.code in ("E102", "E104")
        return
    assert art.text == art.text.strip() and not any(
        ch in art.text for ch in "\x00\x1b\x7f\x9b\r")
    for field in (art.id, art.title, art.url, art.source):
        assert field is None or not any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in field)


def test_extractor_on_hostile_texts_keeps_offsets():
    rng_texts = [
        "KARACHI - Police arrested Ali\u200f Khan\u202e and Zainab\u200b Bibi\x1b[31m on Monday.",
        "LAHORE: \u2066Police\u2069 detained 12 workers\x00 of the Awami Party near the court.",
        "\u202eQUETTA - Gunmen killed three soldiers in Quetta on Tuesday, officials said.",
        "Police " * 2000 + "arrested people.",
        "\U0001f525" * 50 + " Protesters marched in Nairobi on Friday.",
        "a\u0301" * 300 + " Soldiers fired at protesters.",
        "x",
        "..!!??" * 100,
    ]
    articles = [article_from_text(t, f"t{i}") for i, t in enumerate(rng_texts)]
    results = list(extract_articles(articles))
    assert len(results) == len(articles)
    for result in results:
        text = result.article.text
        for span_text, start, end in spans(result):
            assert text[start:end] == span_text
        for actor in [a for e in result.events for a in e.agents + e.targets] + \
                result.mentions.people + result.mentions.organizations:
            for value in [actor.name or "", *actor.aliases]:
                assert not any(ch in value for ch in "\u200f\u202e\u200b\u2066\u2069\x1b\x00")


# -- encodings ---------------------------------------------------------------------------------

def test_windows_1252_file_is_read_with_a_warning(tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes("PESHAWAR: \u201cCaf\u00e9 owners\u201d protested \u2013 police said.".encode("cp1252"))
    (art,) = read_all(path)
    assert art.text == "PESHAWAR: \u201cCaf\u00e9 owners\u201d protested \u2013 police said."
    assert codes(art) == ["W101"] and "byte offset 10" in art.warnings[0].message


def test_mixed_utf8_and_windows_1252_bytes(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes("Caf\u00e9 ".encode("utf-8") + "na\u00efve ".encode("cp1252") + b"\x81 end")
    (art,) = read_all(path)
    assert art.text == "Caf\u00e9 na\u00efve \x81 end".replace("\x81", " ")  # C1 control → space
    assert codes(art) == ["W101"]


def test_mixed_encodings_in_csv_rows(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"id,text\n" + "a,caf\u00e9 one\n".encode("utf-8") + "b,caf\u00e9 two\n".encode("cp1252"))
    one, two = read_all(path)
    assert (one.text, two.text) == ("caf\u00e9 one", "caf\u00e9 two")
    assert codes(one) == [] and codes(two) == ["W101"]


def test_invalid_utf16_is_e104(tmp_path):
    path = tmp_path / "bad16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xdc")
    (problem,) = read_all(path)
    assert problem.code == "E104" and "iconv" in problem.message


# -- sizes -------------------------------------------------------------------------------------

FIFTY_MB = 50 * 1024 * 1024


def test_fifty_megabyte_article_is_refused_without_reading_it_whole(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as out:
        out.write(b"Police arrested protesters. " * (FIFTY_MB // 28 + 1))
    record = tmp_path / "big.jsonl"
    record.write_text(json.dumps({"text": "x" * FIFTY_MB}) + "\n" + '{"text": "Small."}\n')
    table = tmp_path / "big.csv"
    table.write_text("text\n\"" + "y" * FIFTY_MB + "\"\nSmall.\n")
    started = time.perf_counter()
    items = read_all(big, record, table)
    assert time.perf_counter() - started < 60
    assert [(p.origin, p.code) for p in only(items, ReadProblem)] == [
        (str(big), "E108"), (f"{record}:1", "E108"), (f"{table}:2", "E108")]
    assert [a.text for a in only(items, Article)] == ["Small.", "Small."]
    assert "2000000 byte limit" in only(items, ReadProblem)[0].message


def test_long_body_is_cut_at_a_break_with_a_warning():
    limit = default_settings().max_article_chars
    paragraph = "Police arrested ten protesters in Lahore on Monday. " * 40
    raw = "\n\n".join([paragraph.strip()] * (limit // len(paragraph) + 10))
    art = article_from_text(raw, "long.txt")
    assert len(art.text) <= limit and raw.startswith(art.text)
    assert art.text.endswith("Monday.") and codes(art) == ["W102"]
    assert f"{limit} character limit" in art.warnings[0].message
    small = article_from_text(raw, "long.txt", max_chars=1000)
    assert len(small.text) <= 1000 and small.text.endswith(".")


# -- HTML --------------------------------------------------------------------------------------

BODY = "<p>LAHORE: Police arrested ten protesters near the assembly on Monday, witnesses said.</p>"


def test_deeply_nested_html():
    for tag in ("div", "b", "table"):
        page = f"<html><body>{f'<{tag}>' * 50_000}{BODY}{f'</{tag}>' * 50_000}</body></html>"
        try:
            art = article_from_html(page, "nested.html")
        except NewsEventsError as exc:
            assert exc.code in ("E102", "E105")
        else:
            assert "Police arrested" in art.text


def test_entity_expansion_and_external_entities_are_not_resolved():
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    page = (f'<?xml version="1.0"?><!DOCTYPE html [{lol}<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            f"<html><body><p>&l9; &xxe;</p>{BODY}</body></html>")
    started = time.perf_counter()
    try:
        art = article_from_html(page, "laughs.html")
        assert "lollol" not in art.text and "root:" not in art.text
    except NewsEventsError as exc:
        assert exc.code in ("E102", "E105")
    assert time.perf_counter() - started < 30


def test_huge_attributes_and_attribute_floods():
    huge = f'<html><body><p title="{"a" * 10_000_000}">x</p>{BODY}</body></html>'
    try:
        article_from_html(huge, "huge.html")
    except NewsEventsError as exc:
        assert exc.code in ("E102", "E105")
    flood = "<html><body><p " + " ".join(f"a{i}=x" for i in range(100_000)) + f">x</p>{BODY}</body></html>"
    started = time.perf_counter()
    with pytest.raises(NewsEventsError, match="attributes") as caught:
        article_from_html(flood, "flood.html")
    assert caught.value.code == "E105" and time.perf_counter() - started < 10


def test_script_in_html_is_not_article_text():
    page = (f"<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt;</title></head><body>"
            f"<script>alert('x')</script>{BODY}<img src=x onerror=alert(1)></body></html>")
    art = article_from_html(page, "xss.html")
    assert "alert('x')" not in art.text and "onerror" not in art.text


# -- dates, languages, names -------------------------------------------------------------------

def test_impossible_header_date_is_reported_and_the_article_extracted():
    result = extract("date 2017-13-45\n\nKARACHI - Police arrested 12 party workers on Monday.")
    assert result.article.date is None and codes(result.article) == ["W103"]
    assert result.events and result.events[0].type == "ARREST"


@pytest.mark.parametrize("text, language", [
    ("La police a arrêté dix manifestants lundi devant le palais de justice de la ville, selon "
     "plusieurs témoins interrogés sur place.", "fr"),
    ("La policía detuvo a doce estudiantes el martes durante una marcha pacífica en el centro de "
     "la ciudad, según testigos.", "es"),
    ("Полиция задержала десять демонстрантов в понедельник у здания суда, сообщили очевидцы "
     "на месте событий.", "ru"),
])
def test_other_languages_are_detected_reported_and_still_extracted(text, language):
    result = extract(text)
    assert result.article.language == language and codes(result.article) == ["W104"]
    assert f"'{language}'" in result.article.warnings[0].message


def test_english_samples_are_english_without_warnings():
    for path in sorted(SAMPLES.glob("*.txt")):
        (art,) = read_all(path)
        assert art.language == "en" and art.warnings == [], path


def test_controls_become_spaces_so_offsets_hold():
    raw = "KARACHI - Police\x00 arrested\x1b[2J Ali Khan\x07 on Monday."
    art = article_from_text(raw, "c")
    assert art.text == raw.replace("\x00", " ").replace("\x1b", " ").replace("\x07", " ")


def test_bidi_and_zero_width_marks_stay_in_text_but_not_in_names():
    raw = ("KARACHI - Police arrested journalist Hamid\u200f Mir\u200b and activist "
           "Sara\u202e Khan on Monday.")
    result = extract(raw)
    assert result.article.text == raw  # kept as written: offsets quote it
    names = [p.name for p in result.mentions.people]
    assert names and all("\u200f" not in n and "\u200b" not in n and "\u202e" not in n for n in names)
    for person in result.mentions.people:
        assert raw[person.start:person.end] == person.text


# -- the command line: codes, exit statuses, --debug -------------------------------------------

def test_cli_reports_skips_and_warnings_with_exit_3(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes("date 2017-13-45\n\nLAHORE: Police arrested caf\u00e9 owners.".encode("cp1252"))
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01" * 100)
    result = runner.invoke(app, ["extract", str(good), str(bad), "-f", "jsonl", "-q"])
    assert result.exit_code == 3
    assert "E103" in result.output and "Traceback" not in result.output
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
    assert json.loads(line)["article"]["date"] is None


def test_unexpected_error_is_one_line_with_a_code_unless_debug(monkeypatch, tmp_path):
    import newsevents.read as read

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")
    monkeypatch.setattr(read, "read_paths", boom)
    path = tmp_path / "a.txt"
    path.write_text("Police arrested ten people.")
    result = runner.invoke(app, ["extract", str(path), "-q"])
    assert result.exit_code == 1
    assert "[E901]" in result.output and "simulated bug" in result.output and "--debug" in result.output
    assert "Traceback" not in result.output
    debug = runner.invoke(app, ["--debug", "extract", str(path), "-q"])
    assert isinstance(debug.exception, RuntimeError)


def test_markup_in_file_names_is_printed_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["extract", "[/red][bold]nope.txt", "-q"])
    assert result.exit_code == 3 and "[/red][bold]nope.txt" in result.output


def test_usage_error_is_exit_2():
    result = runner.invoke(app, ["extract", "x.txt", "--date", "2017-13-45"])
    assert result.exit_code == 2 and "E302" in result.output
