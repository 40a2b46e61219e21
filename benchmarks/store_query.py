"""How fast the store answers "events of type T, between two dates, in admin1 A" over 1M events.

Generates synthetic events (bulk inserts, no extraction) into a fresh SQLite file and, when it
can be reached, a fresh PostgreSQL schema, then times ``newsevents.store.query_events`` with
a type + date range + admin1 filter (full contract records, as ``newsevents events`` returns).

    .venv/bin/python benchmarks/store_query.py                      # 1,000,000 events
    .venv/bin/python benchmarks/store_query.py --events 100000 --no-postgresql
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, text

from newsevents.store import open_store, query_events
from newsevents.store.query import EventFilter, count_events
from newsevents.store.schema import StoredArticle, StoredEvent, StoredPlace

TYPES = ["ARREST", "ABDUCT_DISSAP", "ATTACK", "PEACE_PROTEST", "PROTEST_WITH_INTER", "RELEASE",
         "ARMED_CLASH", "AIR_STRIKE", "MOB_VIOL", "VIOL_DEMONSTR", "PROPERTY_DISTRUCT", "GRENADE",
         "REM_EXPLOS", "SEX_VIOL", "FORCE_AGAINST_PROTEST", "AGREEMENT", "OTHER", "ATTRIB",
         "DIPLO", "ORG_CRIME"]
N_ADMIN1, PLACES_PER_ADMIN1, EVENTS_PER_ARTICLE = 50, 40, 10
START = dt.date(2015, 1, 1)
DAYS = 3650
BATCH = 20_000


def synthetic_places() -> list[dict]:
    return [{"pk": a * PLACES_PER_ADMIN1 + p + 1, "key": f"place-{a}-{p}", "name": f"Town {a}-{p}",
             "admin2": f"District {a}-{p % 5}", "admin1": f"Province {a}", "country": "Testland",
             "country_code": "TL", "lat": 10 + a * 0.1, "lon": 20 + p * 0.01, "precision": "city"}
            for a in range(N_ADMIN1) for p in range(PLACES_PER_ADMIN1)]


def synthetic_events(n: int, rng: random.Random):
    """Batches of event rows: random type, day-precision date over ten years, random place."""
    n_places = N_ADMIN1 * PLACES_PER_ADMIN1
    batch = []
    for i in range(n):
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        batch.append({"id": f"e{i:07d}", "article_pk": i // EVENTS_PER_ARTICLE + 1, "position": i % 10,
                      "type": rng.choice(TYPES), "trigger_text": "arrested", "trigger_start": 0,
                      "trigger_end": 8, "sentence_start": 0, "sentence_end": 40,
                      "date_value": day.isoformat(), "date_precision": "day", "date_basis": "text",
                      "date_start": day, "date_end": day, "place_pk": rng.randrange(n_places) + 1,
                      "location_basis": "text", "claim_status": "asserted", "background": False,
                      "confidence": 0.9, "salience": 1.0, "date_approx": False,
                      "other_mentions": []})
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(store, n: int, analyze: bool = True) -> float:
    """Insert ``n`` synthetic events (and their articles and places); returns seconds taken."""
    t0 = time.perf_counter()
    rng = random.Random(7)
    n_articles = (n + EVENTS_PER_ARTICLE - 1) // EVENTS_PER_ARTICLE
    with store.engine.begin() as conn:
        conn.execute(insert(StoredPlace), synthetic_places())
        for lo in range(0, n_articles, BATCH):
            conn.execute(insert(StoredArticle), [
                {"pk": k + 1, "id": f"a{k}", "content_hash": f"{k:064d}", "date": "2020-01-01",
                 "text": f"Synthetic article {k}.", "extractor_version": "bench",
                 "ingested_at": dt.datetime(2024, 1, 1)}
                for k in range(lo, min(n_articles, lo + BATCH))])
        for batch in synthetic_events(n, rng):
            conn.execute(insert(StoredEvent), batch)
        if analyze:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - t0


def time_query(store, runs: int) -> dict:
    f = EventFilter(type=["ARREST"], since="2020-01-01", until="2020-12-31", place="Province 7")
    timings, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = len(list(query_events(store, f)))
        timings.append((time.perf_counter() - t0) * 1000)
    return {"rows": rows, "first_ms": round(timings[0], 1),
            "median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1),
            "events": count_events(store)}


def bench(url: str, n: int, runs: int, analyze: bool = True) -> dict:
    store = open_store(url)
    load = fill(store, n, analyze)
    figures = time_query(store, runs) | {"load_s": round(load, 1), "engine": store.dialect}
    store.close()
    return figures


def _postgres(n: int, runs: int, url: str, analyze: bool) -> dict | None:
    import psycopg
    plain = url.replace("+psycopg", "")
    try:
        psycopg.connect(plain, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - report and go on without PostgreSQL
        print(f"PostgreSQL not reachable ({exc}); skipped")
        return None
    schema = f"newsevents_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        return bench(f"{url}?options=-csearch_path%3D{schema}", n, runs, analyze)
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--postgresql", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--no-postgresql", action="store_true")
    ap.add_argument("--no-analyze", action="store_true",
                    help="Do not gather planner statistics after loading (as a store fresh from ingest)")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(bench(f"sqlite:///{Path(tmp) / 'bench.db'}", args.events, args.runs,
                             not args.no_analyze))
        print(json.dumps(results[-1]))
    if not args.no_postgresql:
        pg = _postgres(args.events, args.runs, args.postgresql, not args.no_analyze)
        if pg:
            results.append(pg)
            print(json.dumps(pg))


if __name__ == "__main__":
    main()
