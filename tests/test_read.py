"""Stage 1, read: header metadata, datelines, ids and every input format, good and bad."""

from __future__ import annotations

import codecs
import hashlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsevents.errors import BadDate, BadHeader, EmptyInput, NewsEventsError
from newsevents.read import article_from_text, find_dateline, parse_date, read_paths, split_header
from newsevents.schema import Article, ReadProblem

GOLDEN = Path(__file__).parent / "golden"
SAMPLES = Path(__file__).parent.parent / "src" / "newsevents" / "data" / "samples"


def read_all(*paths: object, **kwargs: object) -> list:
    return list(read_paths([str(p) for p in paths], **kwargs))


def problems(items: list) -> list[ReadProblem]:
    return [i for i in items if isinstance(i, ReadProblem)]


def articles(items: list) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


# -- dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2017-01-20", "2017-01-20"), ("2017-04", "2017-04"), (" 2016-02-29 ", "2016-02-29"),
    ("2017-01-20T08:30:00Z", "2017-01-20"), ("2017-01-20 08:30:00+05:00", "2017-01-20"),
    ("2017-13-45", None), ("2017-02-30", None), ("2017-13", None), ("2017-1-5", None),
    ("20 January 2017", None), ("2017-01-20x", None), ("", None), (None, None), (20170120, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


# -- the seed and header lines ----------------------------------------------------------------

def test_seed_prefix_header_and_dateline():
    raw = (GOLDEN / "000_d442ccff8fdceaa2.txt").read_text("utf-8")
    art = article_from_text(raw, "seed")
    assert art.date == "2017-01-20"
    assert art.text.startswith("KARACHI - Security agencies")
    assert (art.dateline, art.dateline_text, art.dateline_span) == ("Karachi", "KARACHI", (0, 9))
    assert art.text[0:9] == "KARACHI -"
    assert art.content_hash == hashlib.sha256(art.text.encode("utf-8")).hexdigest()
    assert art.id == art.content_hash[:16]


def test_header_lines_in_any_order_are_removed():
    raw = ("source Daily Example\ntitle Workers picked up\nurl https://example.org/a\n"
           "date 2017-01-20\n\nKARACHI - Two workers were picked up.\n")
    art = article_from_text(raw, "t")
    assert (art.date, art.title, art.url, art.source) == (
        "2017-01-20", "Workers picked up", "https://example.org/a", "Daily Example")
    assert art.text == "KARACHI - Two workers were picked up."


def test_month_prefix_and_colon_headers():
    assert article_from_text(" date 2017-04 LONDON: Text.", "t").date == "2017-04"
    art = article_from_text("Title: A rally\nDate: 2017-01-20\nBody here.", "t")
    assert (art.title, art.date, art.text) == ("A rally", "2017-01-20", "Body here.")


def test_keyword_arguments_override_headers():
    art = article_from_text("date 2017-01-20\ntitle Old\nBody.", "t", date="2018-02",
                            title="New", id="x1")
    assert (art.date, art.title, art.id) == ("2018-02", "New", "x1")


@pytest.mark.parametrize("raw", ["date 2017-13-45\nBody.", " date 2017-02-30 KARACHI - Body.",
                                 "Date: yesterday\nBody."])
def test_invalid_header_date_is_bad_header(raw):
    with pytest.raises(BadHeader, match="not a calendar date"):
        split_header(raw, "file.txt")
    # an article is kept without a date, with warning W103
    art = article_from_text(raw, "file.txt")
    assert art.date is None and art.text.endswith("Body.")
    assert [w.code for w in art.warnings] == ["W103"] and "not a calendar date" in art.warnings[0].message


def test_body_starting_with_a_header_word_is_body():
    art = article_from_text("date palms were burnt in the riot.", "t")
    assert art.date is None and art.text == "date palms were burnt in the riot."


@pytest.mark.parametrize("raw", ["", "   \n\t ", "date 2017-01-20\ntitle Only headers\n"])
def test_empty_body_is_empty_input(raw):
    with pytest.raises(EmptyInput):
        article_from_text(raw, "t")


def test_bad_date_argument():
    with pytest.raises(BadDate):
        article_from_text("Body.", "t", date="2017-13-45")


def test_same_body_same_id_and_line_ends_normalised():
    a = article_from_text("LONDON: One.\r\nTwo.", "a")
    b = article_from_text("\ufeffdate 2017-01-01\nLONDON: One.\nTwo.\n", "b")
    assert a.text == "LONDON: One.\nTwo." and a.id == b.id


# -- datelines ------------------------------------------------------------------------------

@pytest.mark.parametrize("body, place, text, dateline", [
    ("KARACHI - Police said.", "Karachi", "KARACHI", "KARACHI -"),
    ("KARACHI — Police said.", "Karachi", "KARACHI", "KARACHI —"),
    ("LONDON: Police said.", "London", "LONDON", "LONDON:"),
    ("Islamabad [Pakistan], July 10 (ANI): Police said.", "Islamabad", "Islamabad",
     "Islamabad [Pakistan], July 10 (ANI):"),
    ("NEW YORK (Reuters) - Police said.", "New York", "NEW YORK", "NEW YORK (Reuters) -"),
    ("WASHINGTON, Jan 5 (AP) — Police said.", "Washington", "WASHINGTON",
     "WASHINGTON, Jan 5 (AP) —"),
    ("Lahore, July 10: Police said.", "Lahore", "Lahore", "Lahore, July 10:"),
    ("QUETTA, Pakistan — Police said.", "Quetta", "QUETTA", "QUETTA, Pakistan —"),
    ("RIO DE JANEIRO - Police said.", "Rio de Janeiro", "RIO DE JANEIRO", "RIO DE JANEIRO -"),
    ("BOGOTÁ: Police said.", "Bogotá", "BOGOTÁ", "BOGOTÁ:"),
    ("D.I. KHAN: Police said.", "D.I. Khan", "D.I. KHAN", "D.I. KHAN:"),
    ("NEW DELHI (AP)_ Police said.", "New Delhi", "NEW DELHI", "NEW DELHI (AP)_"),
    ("Peshawar, Pakistan - Police said.", "Peshawar", "Peshawar", "Peshawar, Pakistan -"),
])
def test_dateline_forms(body, place, text, dateline):
    art = article_from_text(body, "t")
    assert (art.dateline, art.dateline_text) == (place, text)
    start, end = art.dateline_span
    assert art.text == body and art.text[start:end] == dateline


@pytest.mark.parametrize("body", [
    "Security agencies have intensified the crackdown.",
    "According to details, the rally was postponed.",
    "Police said: the workers were released.",
    "UPDATE: the rally was postponed.",
    "Breaking News - two workers arrested.",
    "On Monday, July 10: a rally.",
    "The rally - which was postponed - will be held later.",
    "Farhan Hashmi, a worker, was taken away.",
    "UN: the council met.",
    "Protesters Monday - they gathered.",
    "Karachi-based workers said 10:30 was the time.",
    "Reaction: the party condemned the arrests.",
    "Hashmi: I was taken away at night.",
    "Peshawar - a city on edge.",
    "PTI - the party said its workers were detained.",
])
def test_no_dateline_in_ordinary_openings(body):
    art = article_from_text(body, "t")
    assert (art.dateline, art.dateline_text, art.dateline_span) == (None, None, None)


@pytest.mark.parametrize("body, given, expected", [
    ("NEW YORK (Reuters) - Text.", None, "Reuters"),
    ("Islamabad [Pakistan], July 10 (ANI): Text.", None, "ANI"),
    ("WASHINGTON, Jan 5 (AP) — Text.", "Daily Example", "Daily Example"),
    ("KARACHI - Text.", None, None),
])
def test_dateline_agency_fills_source(body, given, expected):
    assert article_from_text(body, "t", source=given).source == expected


def test_dateline_only_at_the_start():
    assert find_dateline("Text first.\nKARACHI - later") is None


@pytest.mark.parametrize("body, place, text", [
    ("Flood Hits Coast\n\nA summary of the story.\n\nPhoto MOMBASA -- Rains fell.", "Mombasa",
     "MOMBASA --"),
    ("A caption for a picture. (Jane Roe/AP) KANDAHAR, Afghanistan -- Fighters struck.",
     "Kandahar", "KANDAHAR, Afghanistan --"),
    ("Candidate Jane Roe (Photo: John Doe, Wire Images) NAIROBI — In a statement", "Nairobi",
     "NAIROBI —"),
    ("The summary.\n\nLAGOS (AP) -- Police said.", "Lagos", "LAGOS (AP) --"),
])
def test_dateline_after_a_summary_or_photo_caption(body, place, text):
    line = find_dateline(body)
    assert line is not None and line.place == place and body[line.start:line.end] == text


@pytest.mark.parametrize("body", [
    "The summary.\n\nUPDATE -- The council voted.",     # a label, not a place
    "The summary.\n\nLagos -- a city on edge.",         # mixed case needs a region or date
    "The summary.\n\nLAGOS: Police said.",              # late ones need a wire dash
    "The summary." + " Words go on." * 90 + "\n\nLAGOS -- Police said.",  # too far in
])
def test_no_late_dateline_without_its_signs(body):
    assert find_dateline(body) is None


# -- plain text, JSONL, JSON, CSV, HTML files -------------------------------------------------

def test_text_file_id_is_stem(tmp_path):
    path = tmp_path / "000_d442ccff8fdceaa2.txt"
    path.write_bytes((GOLDEN / "000_d442ccff8fdceaa2.txt").read_bytes())
    (art,) = read_all(path)
    assert (art.id, art.origin, art.date, art.dateline) == (
        "000_d442ccff8fdceaa2", str(path), "2017-01-20", "Karachi")


def test_jsonl_good_and_bad_lines(tmp_path):
    lines = [
        json.dumps({"text": "KARACHI - One.", "id": "a", "date": "2017-01-20", "title": "T"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": 5}),
        json.dumps({"text": "Two.", "title": ["a"]}),
        json.dumps({"text": "Three.", "date": "2017-13-45"}),
        "",
        json.dumps({"text": "Four.", "date": None, "id": 7, "extra": 1}),
        json.dumps(["text"]),
        json.dumps({"text": "   "}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    items = read_all(path)
    good = articles(items)
    assert [(a.id, a.origin, a.date) for a in good] == [
        ("a", f"{path}:1", "2017-01-20"), (good[1].id, f"{path}:6", None), ("7", f"{path}:8", None)]
    assert [w.code for w in good[1].warnings] == ["W103"] and "'2017-13-45'" in good[1].warnings[0].message
    assert good[0].dateline == "Karachi" and good[0].title == "T"
    bad = {p.origin.rsplit(":", 1)[1]: p for p in problems(items)}
    assert sorted(bad, key=int) == ["2", "3", "4", "5", "9", "10"]
    assert "not valid JSON" in bad["2"].message and bad["2"].code == "E105"
    assert "'text'" in bad["3"].message and "must be a string" in bad["4"].message
    assert "'title'" in bad["5"].message
    assert bad["10"].code == EmptyInput.code
    assert [i.origin.rsplit(":", 1)[1] for i in items] == [str(n) for n in range(1, 11) if n != 7]


def test_jsonl_invalid_utf8_line_and_binary_file(tmp_path):
    path = tmp_path / "mixed.ndjson"
    path.write_bytes(b'{"text": "caf\xe9"}\n{"text": "Fine."}\n')
    items = read_all(path)
    assert not problems(items)  # the Latin-1 line is read as Windows-1252, with a warning
    assert [a.text for a in articles(items)] == ["café", "Fine."]
    assert [w.code for w in articles(items)[0].warnings] == ["W101"] and not articles(items)[1].warnings
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    assert [p.code for p in read_all(binary)] == ["E103"]


def test_json_file_array(tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{"text": "One."}, {"id": 3}]), "utf-8")
    items = read_all(path)
    assert articles(items)[0].origin == f"{path}:1" and problems(items)[0].origin == f"{path}:2"


def test_csv_rows_and_broken_quoting(tmp_path):
    path = tmp_path / "batch.csv"
    path.write_text('id,Text,date,title\n1,"LONDON: One, two.",2017-01-02,T\n'
                    '2,"bro"ken",,\n3,"Multi\nline",,\n4,Short\n5,"unterminated,,\n', "utf-8")
    items = read_all(path)
    assert [(a.id, a.origin, a.date) for a in articles(items)] == [
        ("1", f"{path}:2", "2017-01-02"), ("3", f"{path}:4", None)]
    assert articles(items)[1].text == "Multi\nline"
    assert [(p.origin, p.code) for p in problems(items)] == [
        (f"{path}:3", "E105"), (f"{path}:6", "E105"), (f"{path}:7", "E105")]
    assert "quot" in problems(items)[0].message


def test_csv_without_text_column_reported_once(tmp_path):
    path = tmp_path / "notext.csv"
    path.write_text("title,body\na,b\nc,d\n", "utf-8")
    (problem,) = read_all(path)
    assert problem.origin == str(path) and "'text' column" in problem.message


def test_tsv_and_csv_bad_values(tmp_path):
    path = tmp_path / "batch.tsv"
    path.write_text("text\tdate\nLahore, July 10: Body.\t\nOther.\t2017-02-30\n", "utf-8")
    items = read_all(path)
    assert articles(items)[0].dateline == "Lahore"
    assert not problems(items) and articles(items)[1].date is None
    (warning,) = articles(items)[1].warnings
    assert warning.code == "W103" and f"{path}:3" in warning.message and "'date'" in warning.message


HTML = """<!DOCTYPE html><html><head><title>Police disperse rally</title>
<link rel="canonical" href="https://example.org/news/rally">
<meta property="article:published_time" content="2019-03-04T10:00:00+05:00"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Police disperse rally</h1>
<p>LAHORE: Police fired tear gas at more than two hundred protesters near the assembly
building on Monday, witnesses said. The protesters had gathered in the morning.</p>
<p>At least twelve people were injured, hospital officials said, and several were taken to
the city hospital for treatment.</p></article><footer>Copyright Example News</footer>
</body></html>"""


def test_html_file(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML, "utf-8")
    (art,) = read_all(path)
    assert (art.id, art.title, art.url, art.date) == (
        "page", "Police disperse rally", "https://example.org/news/rally", "2019-03-04")
    assert art.text.startswith("LAHORE: Police fired tear gas") and art.dateline == "Lahore"
    assert "Copyright" not in art.text and "Home" not in art.text


def test_html_sniffed_in_txt_and_html_without_text(tmp_path):
    sniffed = tmp_path / "saved.txt"
    sniffed.write_text(HTML, "utf-8")
    assert read_all(sniffed)[0].title == "Police disperse rally"
    empty = tmp_path / "empty.htm"
    empty.write_text("<html><head><title>x</title></head><body></body></html>", "utf-8")
    (problem,) = read_all(empty)
    assert problem.origin == str(empty) and problem.code == "E102"


# -- bad files ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content, code", [
    ("empty.txt", b"", "E102"),
    ("blank.txt", b"  \n\n ", "E102"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "E103"),
    ("controls.txt", bytes(range(1, 32)) * 4, "E103"),
    ("empty.jsonl", b"\n\n", "E102"),
    ("empty.csv", b"", "E102"),
    ("header_only.csv", b"id,text\n", "E102"),
    ("utf16_invalid.txt", codecs.BOM_UTF16_LE + b"\x00\xd8", "E104"),
])
def test_bad_file(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    (problem,) = read_all(path)
    assert (problem.origin, problem.code) == (str(path), code)
    assert problem.message.startswith(f"[{code}] {path}")


def test_encodings_with_byte_order_marks(tmp_path):
    for name, data in [("bom8.txt", codecs.BOM_UTF8 + "LONDON: Text.".encode("utf-8")),
                       ("bom16.txt", "LONDON: Text.".encode("utf-16")),
                       ("bom16.csv", "text\nLONDON: Text.\n".encode("utf-8-sig"))]:
        (tmp_path / name).write_bytes(data)
        (art,) = read_all(tmp_path / name)
        assert art.text == "LONDON: Text." and art.dateline == "London"


def test_missing_path_and_too_large(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("word " * 100, "utf-8")
    records = tmp_path / "big.jsonl"
    records.write_text(json.dumps({"text": "word " * 100}) + "\n" + '{"text": "ok"}\n', "utf-8")
    items = read_all(tmp_path / "nope.txt", big, records, max_bytes=100)
    assert [(i.origin, i.code) for i in problems(items)] == [
        (str(tmp_path / "nope.txt"), "E101"), (str(big), "E108"), (f"{records}:1", "E108")]
    assert articles(items)[0].text == "ok"


def test_unreadable_file(tmp_path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text("Text.", "utf-8")
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    (problem,) = read_all(locked)
    assert problem.code == "E107" and "permission denied" in problem.message


def test_directory_mix(tmp_path):
    (tmp_path / "b_sub").mkdir()
    (tmp_path / "b_sub" / "c.txt").write_text("QUETTA, Pakistan — C.", "utf-8")
    (tmp_path / "a.txt").write_text("KARACHI - A.", "utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "B1."}\n{bad\n', "utf-8")
    (tmp_path / "d.bin").write_bytes(b"\x00\xff" * 20)
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / ".hidden.txt").write_text("Hidden.", "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Hidden.", "utf-8")
    (tmp_path / "README.md").write_text("# About these files", "utf-8")
    items = read_all(tmp_path)
    got = [(Path(i.origin.split(":")[0]).name, type(i).__name__) for i in items]
    assert got == [("a.txt", "Article"), ("b.jsonl", "Article"), ("b.jsonl", "ReadProblem"),
                   ("d.bin", "ReadProblem"), ("e.txt", "ReadProblem"), ("c.txt", "Article")]
    assert read_all(tmp_path) == items


def test_empty_directory(tmp_path):
    (problem,) = read_all(tmp_path)
    assert problem.code == "E102"


@pytest.mark.parametrize("data, expected", [
    ('{"text": "LONDON: One."}\n{"text": 1}\n', ["Article", "ReadProblem"]),
    ("KARACHI - Plain text from a pipe.\n", ["Article"]),
    (HTML, ["Article"]),
    ("", ["ReadProblem"]),
])
def test_stdin(monkeypatch, data, expected):
    monkeypatch.setattr("sys.stdin", io.StringIO(data))
    items = read_all("-")
    assert [type(i).__name__ for i in items] == expected
    assert all(i.origin.startswith("stdin") for i in items)


def test_stdin_bytes(monkeypatch):
    stream = io.TextIOWrapper(io.BytesIO("LONDON: caf\u00e9.".encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stream)
    (art,) = read_all("-")
    assert (art.origin, art.text, art.id) == ("stdin", "LONDON: café.", art.content_hash[:16])


# -- bundled samples ------------------------------------------------------------------------

def test_bundled_samples():
    items = read_all(SAMPLES)
    assert len(items) == 5 and not problems(items)
    for art in items:
        assert art.date and art.title and art.source == "newsevents sample"
        assert art.dateline and art.dateline_span[0] == 0
        assert 150 <= len(art.text.split()) <= 350


# -- robustness -----------------------------------------------------------------------------

@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_article_from_text_raises_only_project_errors(raw):
    try:
        art = article_from_text(raw, "random")
    except NewsEventsError:
        return
    assert art.text and art.text == art.text.strip()
    if art.dateline_span:
        assert 0 <= art.dateline_span[0] < art.dateline_span[1] <= len(art.text)


@given(data=st.binary(max_size=300), suffix=st.sampled_from([".txt", ".jsonl", ".csv", ".html",
                                                             ".json", ""]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_read_paths_never_raises(tmp_path_factory, data, suffix):
    path = tmp_path_factory.getbasetemp() / f"random{suffix}"
    path.write_bytes(data)
    items = read_all(path)
    assert items and all(isinstance(i, (Article, ReadProblem)) for i in items)
