"""The store: ingested articles and their events in SQLite or PostgreSQL, linked across articles.

    >>> from newsevents.store import open_store, ingest_paths, query_events
    >>> store = open_store("sqlite:///cases.db")      # or "postgresql://user@host/db"
    >>> report = ingest_paths(store, ["reports/"])
    >>> events = query_events(store, EventFilter(type=["ARREST"], admin="Sindh"))
"""

from .db import Store, open_store, resolve_url, upgrade
from .export import export
from .ingest import IngestReport, ingest, ingest_paths, store_result
from .link import link_pending, rebuild
from .query import ArticleFilter, EventFilter, PersonFilter, query_articles, query_events, query_people

__all__ = [
    "ArticleFilter",
    "EventFilter",
    "IngestReport",
    "PersonFilter",
    "Store",
    "export",
    "ingest",
    "ingest_paths",
    "link_pending",
    "open_store",
    "query_articles",
    "query_events",
    "query_people",
    "rebuild",
    "resolve_url",
    "store_result",
    "upgrade",
]
