"""Linking reports written for these tests: one arrest told three ways, one person spelled
three ways, a second person whose arrest and release come from two reports."""

import pytest

from newsevents.store import query_events, query_people, rebuild
from newsevents.store.link import link_counts
from newsevents.store.query import EventFilter, PersonFilter

from .helpers import ARRESTS, counts, store_all


@pytest.fixture
def linked(store, extracted):
    store_all(store, extracted, ARRESTS)
    return store


def _arrest_cluster(store, article_id):
    events = list(query_events(store, EventFilter(type=["ARREST"], article=article_id)))
    assert len(events) == 1
    return events[0]


def test_one_arrest_reported_three_times_is_one_cluster(linked):
    a, b, c = (_arrest_cluster(linked, x) for x in ("arrest_a", "arrest_b", "arrest_c"))
    assert a["cluster_id"] == b["cluster_id"] == c["cluster_id"]
    assert a["sources"] == ["arrest_a", "arrest_b", "arrest_c"]


def test_other_persons_arrest_is_another_cluster(linked):
    a, e = _arrest_cluster(linked, "arrest_a"), _arrest_cluster(linked, "arrest_e")
    assert a["cluster_id"] != e["cluster_id"]
    assert e["sources"] == ["arrest_d", "arrest_e"]


def test_person_merged_across_spellings(linked):
    [person] = query_people(linked, PersonFilter(name="Hameed ul Hassan"))
    assert set(person["aliases"]) >= {"Hamid ul Hassan", "Hameed-ul-Hassan", "Hamid-ul-Hasan"}
    assert person["affiliations"] == ["Awami Rights Party"]
    assert person["articles"] == ["arrest_a", "arrest_b", "arrest_c"]
    assert [t["status"] for t in person["timeline"]] == ["arrested"]


def test_contradiction_recorded_not_overwritten(linked):
    [person] = query_people(linked, PersonFilter(name="Hamid-ul-Hasan"))
    by_field = {c["field"]: c for c in person["contradictions"]}
    assert by_field["place"]["values"][0].startswith("Lahore")
    assert by_field["place"]["values"][1].startswith("Gujranwala")
    assert by_field["place"]["articles"] == [["arrest_a", "arrest_b"], ["arrest_c"]]
    assert by_field["date"]["values"] == ["2023-06-13", "2023-06-12"]
    # each source keeps its own value
    assert _arrest_cluster(linked, "arrest_c")["location"]["name"] == "Gujranwala"
    assert _arrest_cluster(linked, "arrest_a")["location"]["name"] == "Lahore"


def test_timeline_oldest_first_across_reports(linked):
    [person] = query_people(linked, PersonFilter(name="Saathi Ishaq"))
    assert set(person["aliases"]) == {"Sathi Ishaq", "Saathi Ishaq"}
    assert [(t["date"], t["status"]) for t in person["timeline"]] == [
        ("2023-06-12", "arrested"), ("2023-06-19", "released")]
    assert person["status"] == "released" and person["contradictions"] == []


def test_order_of_arrival_does_not_change_the_links(store, extracted):
    store_all(store, extracted, list(reversed(ARRESTS)))
    a, b, c = (_arrest_cluster(store, x) for x in ("arrest_a", "arrest_b", "arrest_c"))
    assert a["cluster_id"] == b["cluster_id"] == c["cluster_id"]
    assert len(list(query_people(store))) == 2


def test_rebuild_gives_the_same_links(linked):
    before = (counts(linked), link_counts(linked), list(query_events(linked)))
    rebuild(linked)
    assert (counts(linked), link_counts(linked), list(query_events(linked))) == before


def test_rebuild_reports_progress_per_article(linked):
    calls = []
    counts_after = rebuild(linked, progress=lambda k=1, total=None: calls.append((k, total)))
    assert calls[0] == (0, counts_after["articles"])
    assert len(calls) == counts_after["articles"] + 1


# -- reviewers' decisions outlive a rebuild --------------------------------------------------

def _cluster_pk(store, article_id):
    from sqlalchemy import select

    from newsevents.store.schema import StoredArticle, StoredEvent
    with store.session() as s:
        return s.scalar(select(StoredEvent.cluster_pk).join(StoredArticle).where(
            StoredArticle.id == article_id, StoredEvent.type == "ARREST"))


def _event_pks(store, article_id):
    from sqlalchemy import select

    from newsevents.store.schema import StoredArticle, StoredEvent
    with store.session() as s:
        return list(s.scalars(select(StoredEvent.pk).join(StoredArticle).where(
            StoredArticle.id == article_id, StoredEvent.type == "ARREST")))


def _same(store, x, y):
    return _arrest_cluster(store, x)["cluster_id"] == _arrest_cluster(store, y)["cluster_id"]


def test_rebuild_keeps_a_manual_cluster_merge(linked):
    from newsevents.store import review
    review.merge_clusters(linked, _cluster_pk(linked, "arrest_a"), [_cluster_pk(linked, "arrest_e")],
                          "rita", "one crackdown")
    assert _same(linked, "arrest_a", "arrest_e")
    counts_after = rebuild(linked)
    assert _same(linked, "arrest_a", "arrest_e") and _same(linked, "arrest_d", "arrest_b")
    assert (counts_after["reviews_replayed"], counts_after["reviews_not_replayed"]) == (1, 0)
    rebuild(linked, keep_reviews=False)
    assert not _same(linked, "arrest_a", "arrest_e")


def test_rebuild_keeps_a_manual_split(linked):
    from newsevents.store import review
    review.split_cluster(linked, _cluster_pk(linked, "arrest_a"), _event_pks(linked, "arrest_c"),
                         "rita", "another day")
    rebuild(linked)
    assert _same(linked, "arrest_a", "arrest_b") and not _same(linked, "arrest_a", "arrest_c")
    assert _arrest_cluster(linked, "arrest_a")["sources"] == ["arrest_a", "arrest_b"]


def test_rebuild_keeps_a_manual_person_merge(linked):
    from newsevents.store import review
    [a] = query_people(linked, PersonFilter(name="Hameed ul Hassan"))
    [b] = query_people(linked, PersonFilter(name="Saathi Ishaq"))
    with linked.session() as s:
        from sqlalchemy import select

        from newsevents.store.schema import Person
        pk = {p.id: p.pk for p in s.scalars(select(Person))}
    review.merge_people(linked, pk[a["id"]], [pk[b["id"]]], "rita", "one man")
    rebuild(linked)
    assert len(list(query_people(linked))) == 1
    [person] = query_people(linked)
    assert {"Saathi Ishaq", "Hamid ul Hassan"} <= set(person["aliases"])
    rebuild(linked, keep_reviews=False)
    assert len(list(query_people(linked))) == 2
