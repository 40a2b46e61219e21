"""Shared helpers for the store tests."""

from sqlalchemy import func, select

from newsevents.store.ingest import store_result
from newsevents.store.schema import (EventActor, EventCluster, Mention, Person, PersonAlias,
                                     StoredArticle, StoredEvent, StoredPlace)

ARRESTS = ["arrest_a", "arrest_b", "arrest_c", "arrest_d", "arrest_e"]
SAMPLE_IDS = ["01_nairobi_fuel_protest", "02_peshawar_journalist_abducted",
              "03_cauca_army_rebel_clash", "04_dhaka_court_orders_release",
              "05_patna_rally_cancelled"]
TABLES = [StoredArticle, StoredEvent, EventActor, Mention, StoredPlace, Person, PersonAlias,
          EventCluster]


def counts(store) -> dict[str, int]:
    """Rows in every store table."""
    with store.session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


def store_all(store, extracted, ids) -> list[str]:
    """Store the extraction results of ``ids`` in order; returns the outcomes."""
    return [store_result(store, extracted[i]) for i in ids]
