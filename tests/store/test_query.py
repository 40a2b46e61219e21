"""Queries over stored events and articles, the same on both engines."""

import pytest

from newsevents.errors import BadDate, BadOption
from newsevents.store import open_store, query_articles, query_events
from newsevents.store.query import ArticleFilter, EventFilter, count_events

from .conftest import ENGINES, temporary_url
from .helpers import ARRESTS, SAMPLE_IDS, store_all


@pytest.fixture(scope="module", params=ENGINES)
def filled(request, tmp_path_factory, extracted):
    """One store per engine with the samples and the arrest reports, shared by the module."""
    with temporary_url(request.param, tmp_path_factory.mktemp("query")) as url:
        store = open_store(url)
        store_all(store, extracted, SAMPLE_IDS + ARRESTS)
        yield store
        store.close()


def _articles(store, **kw):
    return {e["article_id"] for e in query_events(store, EventFilter(**kw))}


@pytest.mark.parametrize("kw, expected", [
    ({"type": ["ARREST"], "since": "2023-06-01", "until": "2023-06-30", "place": "Punjab"},
     {"arrest_a", "arrest_b", "arrest_c", "arrest_d", "arrest_e"}),
    ({"type": ["arrest"], "place": "Gujranwala"}, {"arrest_c"}),
    ({"place": "PK", "since": "2022-09", "until": "2022-09"}, {"02_peshawar_journalist_abducted"}),
    ({"person": "Hameed-ul-Hassan"}, {"arrest_a", "arrest_b", "arrest_c"}),
    ({"actor": "awami rights"}, {"arrest_c"}),
    ({"text": "bail"}, {"arrest_d"}),
    ({"text": "Gujranwala organiser"}, {"arrest_c"}),
    ({"type": ["RELEASE"], "claim": ["asserted"], "place": "Lahore"}, {"arrest_d"}),
])
def test_event_filters(filled, kw, expected):
    assert _articles(filled, **kw) == expected


def test_background_filter_splits_events(filled):
    total = count_events(filled)
    new = count_events(filled, EventFilter(background=False))
    old = count_events(filled, EventFilter(background=True))
    assert new + old == total and new > 0


def test_events_oldest_first_and_limited(filled):
    dates = [e["date"]["value"] for e in query_events(filled, EventFilter(type=["ARREST"]))]
    assert dates[0].startswith("2022") and len(dates) > 3
    assert len(list(query_events(filled, EventFilter(limit=2)))) == 2


def test_event_record_is_store_contract_v1(filled):
    e = next(query_events(filled, EventFilter(article="arrest_c")))
    assert {"id", "type", "trigger", "sentence", "date", "location", "agents", "targets", "count",
            "claim", "background", "article_id", "cluster_id", "sources"} <= set(e)
    assert "Police arrested Hamid-ul-Hasan" in e["sentence"]["text"]


@pytest.mark.parametrize("kw, error", [
    ({"since": "last week"}, BadDate),
    ({"claim": ["maybe"]}, BadOption),
    ({"text": "   "}, BadOption),
])
def test_bad_filters_are_usage_errors(filled, kw, error):
    with pytest.raises(error):
        list(query_events(filled, EventFilter(**kw)))


def test_articles_query(filled):
    rows = list(query_articles(filled, ArticleFilter(since="2023-06-14", until="2023-06-16")))
    assert [r["id"] for r in rows] == ["arrest_a", "arrest_b", "arrest_c"]
    assert all(r["events"] >= 1 for r in rows)
    assert [r["id"] for r in query_articles(filled, ArticleFilter(text="bail"))] == ["arrest_d"]
