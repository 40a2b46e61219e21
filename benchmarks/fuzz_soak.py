#!/usr/bin/env python3
"""Fuzz soak: many hostile inputs through every reader and the extractor; counts crashes.

    .venv/bin/python benchmarks/fuzz_soak.py [--inputs 100000] [--workers 2] [--seed 1]
                                             [--crashes crashes.jsonl]

Inputs are generated, never taken from benchmark texts: mutations of the bundled sample
articles (``src/newsevents/data/samples``: bit flips, cut multi-byte characters, inserted
control, zero-width and right-to-left characters, other encodings, spliced samples, bad header
lines) and synthetic junk (random bytes, broken JSON, CSV with broken quoting, hostile HTML,
texts in other languages, oversized inputs). Each input is one file (or standard input)
given to ``newsevents.read.read_paths``, or one string given to ``article_from_text``; every
article read is then extracted with ``newsevents.extract_articles`` in batches.

A crash is an exception escaping ``read_paths``/``article_from_text`` other than the
project's coded errors, or escaping ``extract_articles``; a hang is a reader taking longer than
``--timeout`` seconds on one input. Stage failures caught and logged by the pipeline (the
article keeps what earlier stages found) are counted apart. Prints per input family: inputs,
articles read, problems (coded errors), warnings, extracted, crashes, hangs, stage failures
and the slowest input; then the totals, elapsed time and the command, as text and (with
``--json``) as JSON. Exits 1 when there was a crash or a hang. The input of every crash is
written to ``--crashes`` (JSONL, base64) so that it can be replayed.
"""

from __future__ import annotations

import argparse
import base64
import codecs
import io
import json
import logging
import multiprocessing
import os
import random
import shlex
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "newsevents" / "data" / "samples"
TASK = 100  # inputs per task given to a worker process

# -- building blocks ------------------------------------------------------------------------

SPECIALS = ["\u200f", "\u200e", "\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200c",
            "\u200d", "\u2060", "\ufeff", "\x00", "\x07", "\x1b[31m", "\x1b]0;title\x07", "\x7f",
            "\x85", "\x9b", "\u2028", "\u2029", "\ufffd", "\U0001f525", "\u0301" * 50,
            "\u00ad", "\r", "\r\n", "\t", "\x0b", "\x0c", "\ud7ff", "\U0010ffff", "\uffff"]
BAD_BYTES = [b"\xff", b"\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\xf4\x90\x80\x80",
             b"\x80", b"\xe9", b"\x93\x94", b"\x00", b"\xef\xbb\xbf"]
HEADERS = ["date 2017-13-45", "date 2017-02-30", "date 0000-00-00", "Date: 99999-01-01",
           "date 2017-01-20T25:61:00", "date 2017-1-2", "date -2017-01-01", "Date: yesterday",
           "date 2017-01-20", "date 2017-01", "title <script>alert(1)</script>",
           "url javascript:alert(1)", "source \u202eevil", "title " + "x" * 5000,
           "date 2017-01-20 KARACHI - Police", "DATE 2017-01-20", "date\t2017-01-20",
           "date 2017-01-20\u200b", "date ２０１７-０１-２０", "date 1e9999-01-01"]
DATELINES = ["KARACHI -", "LONDON:", "QUETTA, Pakistan —", "Lahore, July 10:", "NEW YORK (Reuters) -",
             "Islamabad [Pakistan], July 10 (ANI):", "X:", "ÀÉÎ Õ -", "A" * 300 + " -",
             "SAN " * 40 + "-", "\u202eKARACHI -", "KARA\u200bCHI -"]
# short texts in other languages, written for this script
FOREIGN = [
    "La police a arrêté dix manifestants lundi devant le palais de justice, selon des témoins.",
    "La policía detuvo a doce estudiantes el martes durante una marcha en el centro de la ciudad.",
    "Die Polizei nahm am Mittwoch zwanzig Demonstranten vor dem Rathaus fest, sagten Zeugen.",
    "A polícia prendeu quinze trabalhadores na quinta-feira durante uma greve no porto.",
    "Polisi iliwakamata watu kumi siku ya Jumatatu wakati wa maandamano mjini.",
    "اعتقلت الشرطة عشرة متظاهرين يوم الاثنين أمام مبنى المحكمة في المدينة.",
    "警方周一在法院外逮捕了十名抗议者，目击者说。",
    "Полиция задержала десять демонстрантов в понедельник у здания суда.",
    "पुलिस ने सोमवार को अदालत के बाहर दस प्रदर्शनकारियों को गिरफ्तार किया।",
    "Polis Pazartesi günü adliye önünde on göstericiyi gözaltına aldı.",
]
FAMILY_WEIGHTS = {  # share of the inputs
    "text": 20, "noext": 5, "junk": 8, "jsonl": 14, "json": 5, "csv": 10, "tsv": 3,
    "html": 9, "headers": 8, "foreign": 4, "stdin": 4, "api": 10, "large": 0.02,
}


def load_samples() -> list[bytes]:
    return [p.read_bytes() for p in sorted(SAMPLES.glob("*.txt"))]


def rand_text(rng: random.Random, n: int) -> str:
    """Random code points, some of them hostile (surrogates, controls, marks)."""
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.6:
            out.append(chr(rng.randint(32, 126)))
        elif r < 0.75:
            out.append(rng.choice(SPECIALS))
        elif r < 0.8:
            out.append(chr(rng.randint(0xD800, 0xDFFF)))  # lone surrogate
        else:
            out.append(chr(rng.choice([rng.randint(0, 0x2FFF), rng.randint(0, 0x10FFFF)])))
    return "".join(out)


def mutate(rng: random.Random, data: bytes, samples: list[bytes]) -> bytes:
    """``data`` with 1-4 random mutations."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(12)
        pos = rng.randint(0, len(b)) if b else 0
        if op == 0 and b:  # bit flips
            for _ in range(rng.randint(1, 20)):
                i = rng.randrange(len(b))
                b[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # random bytes
            b[pos:pos] = os.urandom(rng.randint(1, 64))
        elif op == 2 and b:  # delete a range
            end = min(len(b), pos + rng.randint(1, 500))
            del b[pos:end]
        elif op == 3 and b:  # repeat a range
            end = min(len(b), pos + rng.randint(1, 80))
            b[pos:pos] = b[pos:end] * rng.randint(2, 60)
        elif op == 4:  # splice another sample
            other = rng.choice(samples)
            cut = rng.randint(0, len(other))
            b = b[:pos] + bytearray(other[cut:cut + rng.randint(1, 2000)]) + b[pos:]
        elif op == 5:  # hostile characters
            b[pos:pos] = "".join(rng.choice(SPECIALS) for _ in range(rng.randint(1, 8))).encode(
                "utf-8", "surrogatepass")
        elif op == 6:  # invalid UTF-8
            b[pos:pos] = rng.choice(BAD_BYTES)
        elif op == 7:  # another encoding, whole or in part
            text = bytes(b).decode("utf-8", "replace")
            codec = rng.choice(["cp1252", "latin-1", "utf-16", "utf-16-le", "utf-32", "mac_roman",
                                "cp1251", "shift_jis"])
            enc = text.encode(codec, "replace")
            b = bytearray(enc if rng.random() < 0.5 else bytes(b[:pos]) + enc[pos:])
        elif op == 8 and b:  # cut, possibly in the middle of a character
            del b[rng.randint(0, len(b)):]
        elif op == 9:  # a header line
            b[0:0] = (rng.choice(HEADERS) + rng.choice(["\n", "\n\n", " ", "\r\n"])).encode("utf-8")
        elif op == 10:  # a dateline
            b[0:0] = (rng.choice(DATELINES) + " ").encode("utf-8")
        else:  # random text
            b[pos:pos] = rand_text(rng, rng.randint(1, 200)).encode("utf-8", "surrogatepass")
    return bytes(b[:20000])


def excerpt(rng: random.Random, samples: list[bytes]) -> bytes:
    """A piece of a sample: short (the extractor is the slow part), now and then all of it."""
    sample = rng.choice(samples)
    if rng.random() < 0.01:
        return sample
    start = rng.choice([0, 0, rng.randrange(len(sample))])
    return sample[start:start + rng.randint(30, 300)]


def sample_text(rng: random.Random, samples: list[bytes]) -> str:
    return mutate(rng, excerpt(rng, samples), samples).decode("utf-8", "replace")


def json_value(rng: random.Random, samples: list[bytes], key: str):
    """A value for a JSONL/CSV field: right or wrongly typed."""
    r = rng.random()
    if r < 0.55:
        if key == "text":
            return sample_text(rng, samples)[:3000]
        if key == "date":
            return rng.choice(["2017-01-20", "2017-13-45", "2017-02", "", "yesterday", "0001-01-01",
                               "2017-01-20T08:30:00Z", "2017-01-20T99:00"])
        return rand_text(rng, rng.randint(0, 40))
    return rng.choice([None, 0, -1, 2 ** 70, 1.5, float("inf"), True, [], ["a"], {}, {"x": 1},
                       "", " ", "\x00", "\ud800"])


def jsonl_line(rng: random.Random, samples: list[bytes]) -> str:
    r = rng.random()
    if r < 0.7:
        record = {}
        for key in ("text", "id", "date", "title", "url", "source", "extra"):
            if rng.random() < (0.9 if key == "text" else 0.5):
                record[key] = json_value(rng, samples, key)
        line = json.dumps(record, ensure_ascii=rng.random() < 0.5, allow_nan=True)
        if rng.random() < 0.15:
            line = line[:rng.randint(0, len(line))]  # cut
        return line
    return rng.choice([
        lambda: "[" * rng.randint(1000, 200000) + "]" * rng.randint(0, 10),
        lambda: '{"text": ' + "[" * rng.randint(1000, 100000) + "}",
        lambda: '{"text": "a", "date": ' + "9" * rng.randint(10, 5000) + "}",
        lambda: '{"text": "\\ud800\\udc00\\ud800 x"}',
        lambda: '{"text": 1e999999}',
        lambda: '{"text": NaN, "id": Infinity}',
        lambda: '"just a string"',
        lambda: "null",
        lambda: '{"text": "a"' + ', "k": 1' * rng.randint(1, 3000) + "}",
        lambda: rand_text(rng, rng.randint(0, 300)),
    ])()


def csv_doc(rng: random.Random, samples: list[bytes], sep: str) -> str:
    cols = rng.sample(["text", "id", "date", "title", "url", "source", "extra", "TEXT", "text"],
                      rng.randint(1, 5))
    lines = [sep.join(cols)]
    for _ in range(rng.randint(0, 5)):
        cells = []
        for col in cols:
            value = json_value(rng, samples, col.lower())
            value = value if isinstance(value, str) else json.dumps(value)
            q = rng.random()
            if q < 0.4:
                value = '"' + value.replace('"', '""') + '"'
            elif q < 0.55:
                value = '"' + value  # unclosed quote
            elif q < 0.65:
                value = value + '"x"y'  # stray quotes
            cells.append(value)
        if rng.random() < 0.2:
            cells = cells[:rng.randint(0, len(cells))] + (["extra"] if rng.random() < 0.5 else [])
        lines.append(sep.join(cells))
    return rng.choice(["\n", "\r\n", "\r"]).join(lines) + rng.choice(["", "\n"])


def html_doc(rng: random.Random, samples: list[bytes]) -> str:
    body = sample_text(rng, samples)[:3000].replace("\n", "</p><p>")
    r = rng.random()
    if r < 0.3:
        return (f"<!DOCTYPE html><html><head><title>{rand_text(rng, 30)}</title>"
                f'<meta property="article:published_time" content="{json_value(rng, samples, "date")}">'
                f'<link rel="canonical" href="{rand_text(rng, 20)}"></head>'
                f"<body><article><p>{body}</p></article></body></html>")
    if r < 0.4:
        depth = rng.randint(100, 5000)
        tag = rng.choice(["div", "b", "span", "table", "p", "li", "blockquote"])
        return f"<html><body>{f'<{tag}>' * depth}<p>{body}</p>{f'</{tag}>' * rng.randint(0, depth)}</body></html>"
    if r < 0.5:
        n = rng.randint(2, 9)
        ents = "".join(f'<!ENTITY e{i} "{"&e%d;" % (i - 1) * 10 if i else "lol"}">' for i in range(n))
        return (f'<?xml version="1.0"?><!DOCTYPE html [{ents}<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                f"<html><body><p>&e{n - 1}; &x; {body}</p></body></html>")
    if r < 0.6:
        attr = rng.choice(["a" * rng.randint(1000, 300000), " ".join(f"a{i}=x" for i in range(rng.randint(10, 3000)))])
        return f'<html><body><p title="{attr}">{body}</p><p {attr}>x</p></body></html>'
    if r < 0.7:
        return (f"<html><body><script>{body}</script><style>{body}</style><!-- {body}"
                f"<p>{body}<![CDATA[{body}]]></p><img src=x onerror=alert(1)><svg onload=alert(1)>"
                f"&#0;&#x110000;&#99999999999;&#xD800;&nbsp;&bogus;</body></html>")
    if r < 0.8:
        return "<html>" + mutate(rng, f"<body><p>{body}</p></body>".encode(), samples).decode("utf-8", "replace")
    return "<" + rand_text(rng, rng.randint(0, 2000)) + ">" + body


def make_input(i: int, seed: int, samples: list[bytes]) -> tuple[str, str, bytes]:
    """Input ``i``: (family, suffix, content)."""
    rng = random.Random(seed * 10_000_019 + i)
    families, weights = zip(*FAMILY_WEIGHTS.items())
    family = rng.choices(families, weights)[0]
    if family in ("text", "noext", "stdin"):
        data = mutate(rng, excerpt(rng, samples), samples)
        return family, ".txt" if family == "text" else "", data
    if family == "junk":
        n = rng.choice([0, 1, 2, 16, 300, 4096])
        data = bytes(rng.randrange(256) for _ in range(n)) if rng.random() < 0.5 else \
            bytes(rng.randrange(32, 127) for _ in range(n))
        return family, rng.choice([".txt", ".jsonl", ".json", ".csv", ".tsv", ".html", ".md", ""]), data
    if family == "jsonl":
        text = "\n".join(jsonl_line(rng, samples) for _ in range(rng.randint(1, 4)))
        return family, rng.choice([".jsonl", ".ndjson"]), text.encode("utf-8", "surrogatepass")
    if family == "json":
        body = rng.choice([
            lambda: json.dumps([{"text": sample_text(rng, samples)[:2000]} for _ in range(rng.randint(0, 3))]),
            lambda: json.dumps({"text": json_value(rng, samples, "text"), "date": json_value(rng, samples, "date")}),
            lambda: jsonl_line(rng, samples),
            lambda: "[" + jsonl_line(rng, samples) + ", 5, null, []]",
        ])()
        return family, ".json", body.encode("utf-8", "surrogatepass")
    if family in ("csv", "tsv"):
        doc = csv_doc(rng, samples, "," if family == "csv" else "\t")
        data = doc.encode("utf-8", "surrogatepass")
        if rng.random() < 0.15:
            data = mutate(rng, data, samples)
        return family, "." + family, data
    if family == "html":
        return family, rng.choice([".html", ".htm", ".txt"]), html_doc(rng, samples).encode("utf-8", "surrogatepass")
    if family == "headers":
        head = "".join(rng.choice(HEADERS) + rng.choice(["\n", "\r\n", "\n\n"]) for _ in range(rng.randint(1, 4)))
        body = excerpt(rng, samples).decode("utf-8", "replace")
        return family, ".txt", (head + rng.choice(DATELINES) + " " + body).encode("utf-8")
    if family == "foreign":
        text = " ".join([rng.choice(FOREIGN)] * rng.randint(1, 6))  # one language
        if rng.random() < 0.3:  # with some English
            text = excerpt(rng, samples).decode("utf-8", "replace") + "\n\n" + text
        return family, ".txt", text.encode(rng.choice(["utf-8", "utf-8", "utf-16"]), "replace")
    if family == "api":
        r = rng.random()
        text = rand_text(rng, rng.randint(0, 400)) if r < 0.5 else sample_text(rng, samples)
        return family, "", text.encode("utf-8", "surrogatepass")
    # large: beyond the byte limit, or within it and beyond the character limit
    if rng.random() < 0.5:
        return family, ".txt", b"word " * 600_000  # 3 MB: refused unread (E108)
    unit = rng.choice(samples) + b"\n\n"  # beyond max_article_chars: cut (W102)
    return family, ".txt", unit * (60_000 // len(unit) + 1)


# -- running ----------------------------------------------------------------------------------

class Hang(Exception):
    """A reader took longer than the time limit on one input."""


def _alarm(_signum, _frame):
    raise Hang()


class StageFailures(logging.Handler):
    """Counts the stage failures the pipeline catches and logs (newsevents.nlp)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.kinds: Counter = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("stage "):
            self.count += 1
            # "stage times failed on article 1a2b: ValueError: ..." without the article id
            words = message.split()
            self.kinds[" ".join(words[:2] + words[5:])[:160]] += 1


_STATE: dict = {}


def _init(seed: int, timeout: float, tmp: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    logging.getLogger("newsevents").setLevel(logging.ERROR)
    handler = StageFailures()
    logging.getLogger("newsevents").addHandler(handler)
    logging.getLogger("newsevents").propagate = False
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    logging.getLogger("courlan").setLevel(logging.CRITICAL)
    from newsevents.nlp import get_pipeline
    get_pipeline()
    _STATE.update(seed=seed, timeout=timeout, samples=load_samples(), stage=handler,
                  tmp=Path(tmp))
    signal.signal(signal.SIGALRM, _alarm)


def _read(family: str, suffix: str, data: bytes, path: Path) -> list:
    """Read one input the way its family is read; returns articles and problems."""
    from newsevents.errors import NewsEventsError
    from newsevents.read import article_from_text, read_paths
    if family == "api":
        try:
            return [article_from_text(data.decode("utf-8", "surrogatepass"), "<api>")]
        except NewsEventsError as exc:
            return [exc]
    if family == "stdin":
        saved = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="strict")
        try:
            return list(read_paths(["-"]))
        finally:
            sys.stdin = saved
    path.write_bytes(data)
    try:
        return list(read_paths([str(path)]))
    finally:
        path.unlink()


def run_task(span: tuple[int, int]) -> dict:
    """Inputs ``span[0]`` to ``span[1] - 1``: counters per family and crash records."""
    from newsevents.api import extract_articles
    from newsevents.errors import NewsEventsError
    from newsevents.schema import Article
    seed, timeout, samples = _STATE["seed"], _STATE["timeout"], _STATE["samples"]
    stats: dict[str, Counter] = {}
    slowest: dict[str, tuple[float, int]] = {}
    crashes: list[dict] = []
    batch: list[tuple[str, int, Article]] = []

    def crash(family: str, i: int, stage: str, exc: BaseException, data: bytes | None) -> None:
        stats[family]["crashes"] += 1
        crashes.append({"input": i, "family": family, "stage": stage,
                        "error": f"{type(exc).__name__}: {exc}"[:500],
                        "traceback": traceback.format_exc()[-3000:],
                        "data": base64.b64encode((data or b"")[:300_000]).decode("ascii")})

    for i in range(*span):
        family, suffix, data = make_input(i, seed, samples)
        counter = stats.setdefault(family, Counter())
        counter["inputs"] += 1
        path = _STATE["tmp"] / f"input-{i}{suffix}"
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            items = _read(family, suffix, data, path)
        except Hang:
            counter["hangs"] += 1
            crashes.append({"input": i, "family": family, "stage": "hang", "error": f"> {timeout} s",
                            "data": base64.b64encode(data[:300_000]).decode("ascii")})
            continue
        except Exception as exc:  # noqa: BLE001 - what we are looking for
            crash(family, i, "read", exc, data)
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            path.unlink(missing_ok=True)
        took = time.perf_counter() - started
        if took > slowest.get(family, (0.0, 0))[0]:
            slowest[family] = (took, i)
        for item in items:
            if isinstance(item, Article):
                counter["articles"] += 1
                counter["warnings"] += len(item.warnings)
                batch.append((family, i, item))
            elif isinstance(item, NewsEventsError):
                counter["problems"] += 1
            else:
                counter["problems"] += 1
    # extraction: in batches through the pipeline; a failing batch is retried one by one
    before = _STATE["stage"].count
    for start in range(0, len(batch), 64):
        part = batch[start:start + 64]
        try:
            results = list(extract_articles([a for _, _, a in part], batch_size=len(part)))
            assert len(results) == len(part), "results lost"
            for family, _, _ in part:
                stats[family]["extracted"] += 1
        except Exception:  # noqa: BLE001 - find the articles that fail
            for family, i, article in part:
                try:
                    list(extract_articles([article], batch_size=1))
                    stats[family]["extracted"] += 1
                except Exception as exc:  # noqa: BLE001
                    crash(family, i, "extract", exc, article.text.encode("utf-8", "surrogatepass"))
    stage_failures = _STATE["stage"].count - before
    if stage_failures:
        stats.setdefault("(stage failures)", Counter())["stage_failures"] += stage_failures
    kinds = dict(_STATE["stage"].kinds)
    _STATE["stage"].kinds.clear()
    return {"stats": {f: dict(c) for f, c in stats.items()}, "slowest": slowest,
            "crashes": crashes, "stage_kinds": kinds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 1)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds one reader call may take before it counts as a hang")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes.jsonl"))
    parser.add_argument("--json", action="store_true", help="print the summary as JSON too")
    parser.add_argument("--max-minutes", type=float, default=None,
                        help="stop after this long and report the inputs done so far")
    args = parser.parse_args()
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    started = time.perf_counter()
    spans = [(a, min(a + TASK, args.inputs)) for a in range(0, args.inputs, TASK)]
    totals: dict[str, Counter] = {}
    slowest: dict[str, tuple[float, int]] = {}
    crashes: list[dict] = []
    stage_kinds: Counter = Counter()
    ctx = multiprocessing.get_context("fork")
    done, stopped = 0, ""
    tmp = tempfile.mkdtemp(prefix="fuzz-soak-")

    def stop(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    pool = ctx.Pool(args.workers, initializer=_init, initargs=(args.seed, args.timeout, tmp))
    try:
        for result in pool.imap_unordered(run_task, spans):
            for family, counts in result["stats"].items():
                totals.setdefault(family, Counter()).update(counts)
            for family, (took, i) in result["slowest"].items():
                if took > slowest.get(family, (0.0, 0))[0]:
                    slowest[family] = (took, i)
            crashes.extend(result["crashes"])
            stage_kinds.update(result["stage_kinds"])
            done += 1
            if done % 10 == 0 or done == len(spans):
                n = sum(c["inputs"] for c in totals.values() if "inputs" in c)
                print(f"  {n} inputs, {sum(c['crashes'] for c in totals.values())} crashes, "
                      f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
            if args.max_minutes and time.perf_counter() - started > args.max_minutes * 60:
                stopped = f"stopped after {args.max_minutes:g} min (--max-minutes)"
                break
    except KeyboardInterrupt:
        stopped = "interrupted"
    finally:
        pool.terminate()
        pool.join()
        shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.perf_counter() - started
    if crashes:
        with args.crashes.open("w", encoding="utf-8") as out:
            for record in crashes:
                out.write(json.dumps(record) + "\n")
    fields = ["inputs", "articles", "problems", "warnings", "extracted", "crashes", "hangs"]
    print(f"{'family':<12}" + "".join(f"{f:>10}" for f in fields) + "   slowest read")
    for family in sorted(totals):
        counts = totals[family]
        if family.startswith("("):
            continue
        took, i = slowest.get(family, (0.0, -1))
        print(f"{family:<12}" + "".join(f"{counts.get(f, 0):>10}" for f in fields)
              + f"   {took:.2f} s (input {i})")
    total = Counter()
    for family, counts in totals.items():
        total.update(counts)
    print(f"{'total':<12}" + "".join(f"{total.get(f, 0):>10}" for f in fields))
    print(f"stage failures caught by the pipeline: {total.get('stage_failures', 0)}")
    for kind, n in stage_kinds.most_common(10):
        print(f"  {n:>6}  {ascii(kind)}")
    print(f"uncaught exceptions: {total.get('crashes', 0)}, hangs: {total.get('hangs', 0)}"
          + (f" (inputs in {args.crashes})" if crashes else ""))
    print(f"elapsed: {elapsed:.0f} s with {args.workers} worker(s)"
          + (f"; {stopped} after {total.get('inputs', 0)} of {args.inputs} inputs" if stopped else ""))
    print(f"command: {command}")
    if args.json:
        print(json.dumps({"inputs": total.get("inputs", 0), "crashes": total.get("crashes", 0),
                          "hangs": total.get("hangs", 0),
                          "stage_failures": total.get("stage_failures", 0),
                          "stage_failure_kinds": dict(stage_kinds),
                          "elapsed_s": round(elapsed, 1), "workers": args.workers,
                          "complete": not stopped,
                          "families": {f: dict(c) for f, c in totals.items()},
                          "command": command}))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
