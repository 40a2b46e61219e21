"""Writing query results (events, articles, people) as table, json, jsonl or csv."""

from __future__ import annotations

import csv
import json
from typing import Any, Callable, Iterable, TextIO

from rich.console import Console
from rich.table import Table

from ..errors import BadOption

FORMATS = ("table", "json", "jsonl", "csv")


def flat_event(e: dict[str, Any]) -> dict[str, Any]:
    """One stored event as a flat row (CSV, table)."""
    loc, date = e.get("location") or {}, e.get("date") or {}
    return {
        "event_id": e["id"], "article_id": e["article_id"], "cluster_id": e["cluster_id"],
        "sources": "; ".join(e["sources"]), "type": e["type"], "trigger": e["trigger"]["text"],
        "date": date.get("value"), "date_precision": date.get("precision"),
        "location": loc.get("name"), "admin2": loc.get("admin2"), "admin1": loc.get("admin1"),
        "country": loc.get("country"), "lat": loc.get("lat"), "lon": loc.get("lon"),
        "agents": "; ".join(a["name"] or a["text"] or "" for a in e["agents"]),
        "targets": "; ".join(a["name"] or a["text"] or "" for a in e["targets"]),
        "count_min": (e.get("count") or {}).get("min"), "count_max": (e.get("count") or {}).get("max"),
        "claim_status": e["claim"]["status"], "claim_source": e["claim"]["source"],
        "background": e["background"], "sentence": " ".join((e["sentence"]["text"] or "").split()),
    }


def flat_person(p: dict[str, Any]) -> dict[str, Any]:
    """One person as a flat row."""
    return {"id": p["id"], "name": p["name"], "aliases": "; ".join(p["aliases"]),
            "roles": "; ".join(p["roles"]), "affiliations": "; ".join(p["affiliations"]),
            "status": p["status"], "since": p["since"], "articles": "; ".join(p["articles"]),
            "timeline": "; ".join(f"{t['date'] or '?'} {t['status']}" for t in p["timeline"]),
            "contradictions": "; ".join(f"{c['field']}: {' / '.join(map(str, c['values']))}"
                                        for c in p["contradictions"])}


TABLE_COLUMNS = {
    "events": ["date", "type", "location", "admin1", "targets", "claim_status", "article_id", "sources"],
    "people": ["name", "aliases", "status", "since", "timeline", "contradictions"],
    "articles": ["id", "date", "source", "title", "events"],
}
FLATTEN: dict[str, Callable[[dict], dict]] = {"events": flat_event, "people": flat_person,
                                              "articles": lambda a: a}


def write_records(records: Iterable[dict[str, Any]], fmt: str, out: TextIO, kind: str) -> int:
    """Write ``records`` of ``kind`` (events, people, articles) in ``fmt``; returns the count."""
    if fmt not in FORMATS:
        raise BadOption(f"Unknown format '{fmt}': use one of {', '.join(FORMATS)}.")
    n = 0
    if fmt == "jsonl":
        for n, r in enumerate(records, 1):
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "json":
        items = list(records)
        out.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        n = len(items)
    elif fmt == "csv":
        writer = None
        for n, r in enumerate(records, 1):
            row = FLATTEN[kind](r)
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
    else:
        n = _table(records, out, kind)
    return n


def _table(records: Iterable[dict[str, Any]], out: TextIO, kind: str) -> int:
    columns = TABLE_COLUMNS[kind]
    table = Table(*columns, show_lines=False)
    n = 0
    for n, r in enumerate(records, 1):
        row = FLATTEN[kind](r)
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    Console(file=out, width=160, highlight=False).print(table)
    return n
