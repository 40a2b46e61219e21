"""Writers for ``extract`` results: table, json, jsonl, csv.

Each writer takes an iterable of ``ArticleResult`` and a text stream and writes as results come,
so large batches stream. Writers are registered as ``newsevents.formats`` entry points
(pyproject.toml); plugins can add formats the same way.
"""

from __future__ import annotations

import csv
import json
from importlib.metadata import entry_points
from typing import Callable, Iterable, TextIO

from rich.console import Console
from rich.text import Text
from rich.table import Table

from .errors import BadOption
from .schema import ArticleResult, Event

Writer = Callable[[Iterable[ArticleResult], TextIO], int]

CSV_COLUMNS = [
    "article_id", "article_date", "dateline", "event_id", "type", "trigger", "trigger_start",
    "date", "date_precision", "date_basis", "location", "admin2", "admin1", "country",
    "country_code", "lat", "lon", "location_precision", "agents", "targets", "count_min",
    "count_max", "fatalities", "injuries", "claim_status", "claim_source", "background",
    "confidence", "rule", "sentence",
]


def _names(actors) -> str:
    return "; ".join(a.name or a.text or "" for a in actors)


def event_row(result: ArticleResult, e: Event) -> dict:
    """One flat row per event (CSV, table)."""
    art, loc, date = result.article, e.location, e.date
    sentence = art.text[e.sentence.start:e.sentence.end] if e.sentence.start is not None else ""
    return {
        "article_id": art.id, "article_date": art.date, "dateline": art.dateline,
        "event_id": e.id, "type": e.type, "trigger": e.trigger.text, "trigger_start": e.trigger.start,
        "date": date.value if date else None, "date_precision": date.precision if date else None,
        "date_basis": date.basis if date else None,
        "location": loc.name if loc else None, "admin2": loc.admin2 if loc else None,
        "admin1": loc.admin1 if loc else None, "country": loc.country if loc else None,
        "country_code": loc.country_code if loc else None, "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None, "location_precision": loc.precision if loc else None,
        "agents": _names(e.agents), "targets": _names(e.targets),
        "count_min": e.count.min if e.count else None, "count_max": e.count.max if e.count else None,
        "fatalities": e.fatalities.min if e.fatalities else None,
        "injuries": e.injuries.min if e.injuries else None,
        "claim_status": e.claim.status, "claim_source": e.claim.source, "background": e.background,
        "confidence": e.confidence, "rule": e.rule, "sentence": " ".join(sentence.split()),
    }


def write_jsonl(results: Iterable[ArticleResult], out: TextIO, include_text: bool = False) -> int:
    n = 0
    for r in results:
        out.write(json.dumps(r.contract(include_text), ensure_ascii=False) + "\n")
        out.flush()
        n += 1
    return n


def write_json(results: Iterable[ArticleResult], out: TextIO, include_text: bool = False) -> int:
    """A JSON array, written element by element."""
    n = 0
    out.write("[")
    for r in results:
        out.write(("," if n else "") + "\n" + json.dumps(r.contract(include_text), ensure_ascii=False, indent=2))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def write_csv(results: Iterable[ArticleResult], out: TextIO, include_text: bool = False) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for r in results:
        for e in r.events:
            writer.writerow(event_row(r, e))
        n += 1
    return n


def _when(e: Event) -> str:
    if not e.date or not e.date.value:
        return ""
    return e.date.value + ("~" if e.date.approx or e.date.basis == "article_date" else "")


def _where(e: Event) -> str:
    loc = e.location
    if not loc or not loc.name:
        return ""
    parts = [loc.name] + [p for p in (loc.admin2, loc.country_code) if p and p != loc.name]
    return ", ".join(parts) + (" (dateline)" if loc.basis == "dateline" else "")


def _count(e: Event) -> str:
    c = e.count
    if not c or (c.min is None and c.max is None):
        return ""
    if c.min == c.max:
        return str(c.min)
    return f"{c.min if c.min is not None else ''}..{c.max if c.max is not None else ''}"


def write_table(results: Iterable[ArticleResult], out: TextIO, include_text: bool = False) -> int:
    """A readable table per article: one row per event, main event first."""
    probe = Console(file=out)
    console = Console(file=out, width=probe.width if probe.is_terminal else 160, soft_wrap=False)
    n = 0
    for r in results:
        art = r.article
        title = f"{art.id}  {art.date or 'no date'}  {art.dateline or ''}  {art.title or ''}".strip()
        # Text cells: article content is never read as console markup ("[red]" stays literal)
        table = Table(title=Text(title), title_justify="left", show_lines=False, expand=True)
        for col in ("#", "type", "trigger", "when", "where", "who (agents)", "whom (targets)", "n",
                    "claim", "bg"):
            fixed = col in ("#", "type", "when", "n", "bg")
            table.add_column(col, overflow="fold", no_wrap=fixed, min_width=None if fixed else 8)
        for i, e in enumerate(r.events, 1):
            claim = e.claim.status + (f" ({e.claim.source})" if e.claim.source else "")
            cells = (str(i), e.type, e.trigger.text or "", _when(e), _where(e), _names(e.agents),
                     _names(e.targets), _count(e), claim, "yes" if e.background else "")
            table.add_row(*(Text(cell) for cell in cells))
        console.print(table)
        if not r.events:
            console.print("  (no events found)")
        n += 1
    return n


def get_writer(fmt: str) -> Writer:
    """The writer registered for ``fmt`` (built-in or plugin)."""
    builtin = {"table": write_table, "json": write_json, "jsonl": write_jsonl, "csv": write_csv}
    if fmt in builtin:
        return builtin[fmt]
    for ep in entry_points(group="newsevents.formats"):
        if ep.name == fmt:
            return ep.load()
    raise BadOption(f"Unknown format '{fmt}': use table, json, jsonl or csv.")
