"""Articles from files, directories and standard input, in every supported format.

A bad input is a ReadProblem in the stream, never an exception: the batch goes on.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import os
import stat
import sys
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Optional, Sequence, Union

from ..errors import (BadRecord, BinaryInput, DateIgnored, EmptyInput, EncodingFallback,
                      EncodingProblem, NewsEventsError, NotFound, TooLarge, Unreadable)
from ..schema import Article, Notice, ReadProblem
from .article import _notice, article_from_text, parse_date

log = logging.getLogger(__name__)

Item = Union[Article, ReadProblem]

STDIN = "-"
_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv",
            ".tsv": "tsv", ".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text"}
_DOCUMENTATION = (".md", ".rst")  # a folder's README is not an article
_FIELDS = ("id", "date", "title", "url", "source")
_HEAD = 8192  # bytes looked at to tell binary files from text
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class Limits(NamedTuple):
    """Size limits of one article: ``bytes`` of input (larger is refused) and ``chars`` of
    body (longer is cut; None: the ``max_article_chars`` setting)."""

    bytes: int = 2_000_000
    chars: Optional[int] = None


def read_paths(paths: Iterable[str], max_bytes: int = 2_000_000,
               max_chars: Optional[int] = None) -> Iterator[Item]:
    """Every article in ``paths`` (files, directories read recursively, ``-`` for standard
    input), in input order, with a ReadProblem in place of each input that cannot be read.

    ``max_bytes`` bounds one article: a text or HTML file, or one JSONL/CSV record; a body
    longer than ``max_chars`` characters (default: the ``max_article_chars`` setting) is cut.
    """
    limits = Limits(max_bytes, max_chars)
    for given in paths:
        target = os.fspath(given)
        if target == STDIN:
            yield from _caught(_read_stdin(limits), "stdin")
        else:
            yield from _caught(_read_target(Path(target), limits), target)


def _problem(origin: str, exc: NewsEventsError) -> ReadProblem:
    log.info("skipped %s: %s", origin, exc)
    return ReadProblem(origin=origin, code=exc.code, message=str(exc))


def _caught(items: Iterator[Item], origin: str) -> Iterator[Item]:
    """``items`` with an error that ends them reported as a ReadProblem for ``origin``."""
    try:
        yield from items
    except NewsEventsError as exc:
        yield _problem(origin, exc)


def _read_target(path: Path, limits: Limits) -> Iterator[Item]:
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise NotFound(str(path)) from exc
    except PermissionError as exc:
        raise Unreadable(str(path), reason="permission denied") from exc
    except (OSError, ValueError) as exc:
        raise Unreadable(str(path), reason=str(exc)) from exc
    if stat.S_ISDIR(mode):
        yield from _read_directory(path, limits)
    elif stat.S_ISREG(mode):
        yield from _read_file(path, limits)
    else:
        raise Unreadable(str(path), reason="not a regular file")


def _read_directory(top: Path, limits: Limits) -> Iterator[Item]:
    """The articles of every file under ``top``, sorted; hidden files and folders and
    documentation files (README.md) are left out."""
    failures: list[OSError] = []
    found = False
    for folder, subfolders, names in os.walk(top, onerror=failures.append):
        yield from _walk_problems(failures)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name.lower().endswith(_DOCUMENTATION):
                log.debug("not an article, left out: %s", os.path.join(folder, name))
                continue
            found = True
            path = Path(folder, name)
            yield from _caught(_read_target(path, limits), str(path))
    yield from _walk_problems(failures)
    if not found:
        yield _problem(str(top), EmptyInput(f"{top} (a directory with no article files)"))


def _walk_problems(failures: list[OSError]) -> Iterator[ReadProblem]:
    while failures:
        exc = failures.pop(0)
        reason = "permission denied" if isinstance(exc, PermissionError) else str(exc)
        where = str(exc.filename or "directory")
        yield _problem(where, Unreadable(where, reason=reason))


def _read_file(path: Path, limits: Limits) -> Iterator[Item]:
    origin = str(path)
    kind = _FORMATS.get(path.suffix.lower(), "sniff")
    if kind == "jsonl":
        yield from _jsonl_file(path, limits)
    elif kind in ("csv", "tsv"):
        yield from _csv_file(path, "\t" if kind == "tsv" else ",", limits)
    elif kind == "json":
        notes: list[Notice] = []
        text = decode(_file_bytes(path, None), origin, notes)
        yield from _json_records(text, origin, limits, notes)
    else:
        notes = []
        text = decode(_file_bytes(path, limits.bytes), origin, notes)
        yield from _from_text(text, origin, kind, path.stem, limits, notes)


def _read_stdin(limits: Limits) -> Iterator[Item]:
    """Articles piped on standard input: JSONL, HTML or plain text, told apart by content."""
    stream = sys.stdin
    if stream is None:
        raise EmptyInput("stdin")
    data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    notes: list[Notice] = []
    text = decode(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data,
                  "stdin", notes)
    if _sniff(text) != "jsonl" and len(text.encode("utf-8", "surrogatepass")) > limits.bytes:
        raise TooLarge("stdin", limit=limits.bytes)
    yield from _from_text(text, "stdin", "sniff", None, limits, notes)


def _from_text(text: str, origin: str, kind: str, id: Optional[str],
               limits: Limits, notes: Sequence[Notice] = ()) -> Iterator[Item]:
    """The articles in decoded ``text``: one text or HTML article, or JSONL records;
    ``notes`` (how the text was decoded) go with each of them."""
    if kind == "sniff":
        kind = _sniff(text)
    elif kind == "text" and _looks_like_html(text):
        kind = "html"
    if kind == "jsonl":
        yield from _jsonl_records(text.splitlines(), origin, limits, notes)
    elif kind == "html":
        from .html import article_from_html
        yield article_from_html(text, origin, id=id, warnings=notes, max_chars=limits.chars)
    else:
        yield article_from_text(text, origin, id=id, warnings=notes, max_chars=limits.chars)


# -- bytes and text -------------------------------------------------------------------------

def _open(path: Path) -> io.BufferedReader:
    try:
        return path.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(str(path)) from exc
    except PermissionError as exc:
        raise Unreadable(str(path), reason="permission denied") from exc
    except OSError as exc:
        raise Unreadable(str(path), reason=exc.strerror or str(exc)) from exc


def _file_bytes(path: Path, max_bytes: Optional[int]) -> bytes:
    """The content of ``path``; BinaryInput if it holds NUL bytes near the start, TooLarge
    beyond ``max_bytes``."""
    with _open(path) as fh:
        try:
            head = fh.read(_HEAD)
            _check_not_binary(head, str(path))
            rest = fh.read(-1 if max_bytes is None else max(max_bytes + 1 - len(head), 0))
        except OSError as exc:
            raise Unreadable(str(path), reason=exc.strerror or str(exc)) from exc
    data = head + rest
    if max_bytes is not None and len(data) > max_bytes:
        raise TooLarge(str(path), limit=max_bytes)
    return data


def _check_not_binary(head: bytes, origin: str) -> None:
    if b"\x00" in head and not head.startswith(tuple(bom for bom, _ in _BOMS)):
        raise BinaryInput(origin)


def decode(data: bytes, origin: str, notes: Optional[list[Notice]] = None) -> str:
    """``data`` as text: UTF-8 (a byte order mark is dropped) or UTF-16/32 with a byte order
    mark. Bytes that are not UTF-8 (a Windows-1252 or Latin-1 file, or one mixing encodings)
    are read as Windows-1252, each on its own (Latin-1 for the five bytes Windows-1252 leaves
    undefined), with an EncodingFallback warning appended to ``notes``. Raises EmptyInput,
    BinaryInput, or EncodingProblem for a UTF-16/32 text with invalid bytes."""
    if not data.strip():
        raise EmptyInput(origin)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise EncodingProblem(f"{origin} ({codec} with invalid bytes)") from exc
            break
    else:
        if b"\x00" in data:
            raise BinaryInput(origin)
        text = _utf8_or_fallback(data, origin, notes).lstrip("\ufeff")
    if _control_share(text) > 0.05:
        raise BinaryInput(origin)
    if not text.strip():
        raise EmptyInput(origin)
    return text


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the bytes that are not UTF-8 read as Windows-1252, one by one."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(_CP1252[b] for b in bad), exc.end


_CP1252 = [bytes([b]).decode("cp1252", errors="strict") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
           else chr(b) for b in range(256)]
_FALLBACK = "newsevents-cp1252"
codecs.register_error(_FALLBACK, _cp1252_fallback)


def _utf8_or_fallback(data: bytes, origin: str, notes: Optional[list[Notice]]) -> str:
    """``data`` decoded as UTF-8, falling back byte by byte to Windows-1252 with a warning."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first = exc.start
    notice = _notice(EncodingFallback(f"{origin} (first at byte offset {first}: "
                                      f"0x{data[first]:02x})"))
    if notes is not None:
        notes.append(notice)
    return data.decode("utf-8", errors=_FALLBACK)


def _control_share(text: str) -> float:
    """Share of control characters (other than line breaks and tabs) at the start of ``text``."""
    sample = text[:_HEAD]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v" or ch == "\x7f")
    return controls / max(len(sample), 1)


def _looks_like_html(text: str) -> bool:
    start = text.lstrip()[:1024].lower()
    if start.startswith(("<!doctype html", "<html")):
        return True
    return start.startswith("<") and any(tag in start for tag in ("<head", "<body", "<html"))


def _sniff(text: str) -> str:
    """"jsonl" when every non-empty line is a JSON object (a broken line is reported later),
    "html" for an HTML document, else "text"."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines and all(ln.startswith("{") for ln in lines):
        try:
            if isinstance(json.loads(lines[0]), dict):
                return "jsonl"
        except (ValueError, RecursionError):
            pass  # the first line is not JSON: not a JSONL stream
    return "html" if _looks_like_html(text) else "text"


# -- records: JSONL, JSON, CSV ----------------------------------------------------------------

def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def record_article(record: object, where: str, limits: Limits,
                   warnings: Sequence[Notice] = ()) -> Article:
    """The article of one JSONL/CSV record: ``text`` plus optional id, date, title, url,
    source (strings or null; other fields are ignored). Raises BadRecord for a wrong field;
    a ``date`` that is not a calendar date is dropped with a DateIgnored warning."""
    if not isinstance(record, dict):
        raise BadRecord(f"{where}: expected an object with a 'text' field, found "
                        f"{_json_type(record)}.")
    text = record.get("text")
    if text is None:
        raise BadRecord(f"{where}: no 'text' field; each record needs the article text in 'text'.")
    if not isinstance(text, str):
        raise BadRecord(f"{where}: 'text' must be a string, found {_json_type(text)}.")
    fields: dict[str, str] = {}
    notes = list(warnings)
    for key in _FIELDS:
        value = record.get(key)
        if key == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise BadRecord(f"{where}: '{key}' must be a string or null, "
                            f"found {_json_type(value)}.")
        if key == "date" and parse_date(value) is None:
            notes.append(_notice(DateIgnored(
                f"{where}: 'date' is '{value[:40]}', not a calendar date; the article is kept "
                "without a date. Write it as YYYY-MM-DD or YYYY-MM, or leave it null.")))
            continue
        fields[key] = value
    if len(text.encode("utf-8", "surrogatepass")) > limits.bytes:
        raise TooLarge(where, limit=limits.bytes)
    return article_from_text(text, where, warnings=notes, max_chars=limits.chars, **fields)


def _jsonl_file(path: Path, limits: Limits) -> Iterator[Item]:
    with _open(path) as fh:
        try:
            head = fh.peek(_HEAD)[:_HEAD]
            _check_not_binary(head, str(path))
            yield from _jsonl_records(fh, str(path), limits)
        except OSError as exc:
            raise Unreadable(str(path), reason=exc.strerror or str(exc)) from exc


def _jsonl_records(lines: Iterable[Union[str, bytes]], origin: str,
                   limits: Limits, notes: Sequence[Notice] = ()) -> Iterator[Item]:
    """One article per JSON line; a bad line is a ReadProblem naming ``origin:line``."""
    empty = True
    for number, line in enumerate(lines, 1):
        where = f"{origin}:{number}"
        line_notes = list(notes)
        try:
            if isinstance(line, bytes):
                if len(line) > limits.bytes * 6 + 1024:  # beyond any article, even \u-escaped
                    raise TooLarge(where, limit=limits.bytes)
                line = _decode_line(line, where, line_notes)
            if not line.strip():
                continue
            empty = False
            yield record_article(_json_value(line, where), where, limits, line_notes)
        except NewsEventsError as exc:
            yield _problem(where, exc)
    if empty:
        yield _problem(origin, EmptyInput(origin))


def _decode_line(line: bytes, where: str, notes: list[Notice]) -> str:
    return _utf8_or_fallback(line, where, notes).lstrip("\ufeff")


def _json_value(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRecord(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}).") from exc
    except (ValueError, RecursionError) as exc:
        raise BadRecord(f"{where}: not valid JSON ({exc}).") from exc


def _json_records(text: str, origin: str, limits: Limits,
                  notes: Sequence[Notice] = ()) -> Iterator[Item]:
    """A .json file: one article object or an array of them (``origin:N`` is the N-th)."""
    value = _json_value(text, origin)
    records = value if isinstance(value, list) else [value]
    if not records:
        raise EmptyInput(origin)
    for number, record in enumerate(records, 1):
        where = f"{origin}:{number}" if isinstance(value, list) else origin
        try:
            yield record_article(record, where, limits, notes)
        except NewsEventsError as exc:
            yield _problem(where, exc)


def _csv_file(path: Path, delimiter: str, limits: Limits) -> Iterator[Item]:
    with _open(path) as raw:
        try:
            _check_not_binary(raw.peek(_HEAD)[:_HEAD], str(path))
            fallbacks: list[int] = []  # lines that were not UTF-8
            yield from _csv_records(_csv_lines(raw, str(path), fallbacks), str(path), delimiter,
                                    limits, fallbacks)
        except OSError as exc:
            raise Unreadable(str(path), reason=exc.strerror or str(exc)) from exc


def _csv_lines(raw: io.BufferedReader, origin: str, fallbacks: list[int]) -> Iterator[str]:
    """The lines of a CSV file as text, line ends kept; the numbers of the lines that are not
    UTF-8 (read as Windows-1252) are appended to ``fallbacks``."""
    for number, line in enumerate(raw, 1):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8):]
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            fallbacks.append(number)
            yield line.decode("utf-8", errors=_FALLBACK)


def _csv_records(lines: Iterable[str], origin: str, delimiter: str,
                 limits: Limits, fallbacks: Sequence[int] = ()) -> Iterator[Item]:
    """One article per row under a header row naming a ``text`` column; a broken row is a
    ReadProblem naming ``origin:line``, a missing ``text`` column one problem for the file.
    A row on a line listed in ``fallbacks`` (not UTF-8) carries an EncodingFallback warning."""
    # a field may be as long as the longest article (the csv module stops at 128 KiB)
    csv.field_size_limit(max(csv.field_size_limit(), limits.bytes + 1))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise EmptyInput(origin) from None
    except csv.Error as exc:
        raise BadRecord(f"{origin}:1: the header row cannot be read ({exc}).") from exc
    if "text" not in header:
        raise BadRecord(f"{origin}: the header row has no 'text' column (columns: "
                        f"{', '.join(header) or 'none'}); name the article text column 'text'.")
    rows = 0
    while True:
        where = f"{origin}:{reader.line_num + 1}"
        try:
            row = next(reader)
        except StopIteration:
            if not rows:
                yield _problem(origin, EmptyInput(f"{origin} (a header row and no records)"))
            return
        except csv.Error as exc:
            rows += 1
            if "field limit" in str(exc):  # a field longer than any article may be
                yield _problem(where, TooLarge(where, limit=limits.bytes))
            else:
                yield _problem(where, BadRecord(f"{where}: broken CSV row ({exc}); check the "
                                                "quotes around this field."))
            continue
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        first = int(where.rsplit(":", 1)[1])
        notes = []
        if any(first <= n <= reader.line_num for n in fallbacks):
            notes.append(_notice(EncodingFallback(f"{where} (a line of this row)")))
        try:
            if len(row) != len(header):
                raise BadRecord(f"{where}: {len(row)} fields where the header row has "
                                f"{len(header)}; check the quoting of this row.")
            yield record_article(dict(zip(header, row)), where, limits, notes)
        except NewsEventsError as exc:
            yield _problem(where, exc)
