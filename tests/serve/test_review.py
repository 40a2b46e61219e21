"""Review library (store/review.py): accept, reject, edit, merge and split, with the review trail,
optimistic locking and exports that show reviewed values; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import threading

import pytest
from sqlalchemy import select

from newsevents.errors import InvalidChange, RecordNotFound, ReviewConflict
from newsevents.store import open_store
from newsevents.store import review
from newsevents.store.export import export
from newsevents.store.query import EventFilter, query_events
from newsevents.store.schema import EventCluster, Person, StoredEvent


@pytest.fixture
def rstore(any_serve_db):
    s = open_store(any_serve_db)
    yield s
    s.close()


@pytest.fixture
def sstore(serve_db):
    s = open_store(serve_db)
    yield s
    s.close()


def _dated_event(store) -> StoredEvent:
    with store.session() as s:
        return s.scalars(select(StoredEvent).where(StoredEvent.date_value.is_not(None))
                         .order_by(StoredEvent.pk)).first()


def test_new_events_are_unreviewed_at_version_1(rstore):
    with rstore.session() as s:
        rows = s.execute(select(StoredEvent.review_status, StoredEvent.version)).all()
    assert rows and set(rows) == {("unreviewed", 1)}


def test_accept_and_reject_write_the_trail(rstore):
    e = _dated_event(rstore)
    out = review.accept_event(rstore, e.pk, 1, "rita", "checked")
    assert (out.review_status, out.version) == ("accepted", 2)
    out = review.reject_event(rstore, e.pk, 2, "rita", "not an event")
    assert (out.review_status, out.version) == ("rejected", 3)
    trail = review.reviews(rstore, "events", e.pk)
    assert [(t["action"], t["old_value"], t["new_value"], t["reviewer"]) for t in trail] == [
        ("reject", "accepted", "rejected", "rita"), ("accept", "unreviewed", "accepted", "rita")]
    assert trail[0]["reason"] == "not an event" and trail[0]["created_at"].endswith("Z")


def test_edit_applies_values_and_keeps_the_old_ones(rstore):
    e = _dated_event(rstore)
    out = review.edit_event(rstore, e.pk, 1, {"date.value": "2016-12-31", "claim.status": "denied",
                                               "count": {"min": 3, "max": 5}, "background": True}, "rita")
    assert (out.review_status, out.version) == ("edited", 2)
    with rstore.session() as s:
        row = s.get(StoredEvent, e.pk)
        assert (row.date_value, row.date_precision, str(row.date_start), str(row.date_end)) == \
            ("2016-12-31", "day", "2016-12-31", "2016-12-31")
        assert row.claim_status == "denied" and row.count["min"] == 3 and row.background is True
    trail = {t["field"]: t for t in review.reviews(rstore, "events", e.pk)}
    assert trail["date.value"]["old_value"] == e.date_value
    assert trail["date.value"]["new_value"] == "2016-12-31"
    assert trail["claim.status"]["old_value"] == e.claim_status
    assert trail["review_status"]["new_value"] == "edited"
    # queries see the reviewed value
    got = [x for x in query_events(rstore, EventFilter(since="2016-12-31", until="2016-12-31"))]
    assert any(x["id"] == e.id and x["date"]["value"] == "2016-12-31" for x in got)


@pytest.mark.parametrize("changes", [
    {"date.value": "2017-13-45"}, {"date.precision": "fortnight"}, {"type": "NOT_A_TYPE"},
    {"count.min": -1}, {"count.min": "many"}, {"count": {"min": 5, "max": 2}}, {"background": "yes"},
    {"claim.status": "rumoured"}, {"location": "Atlantis-that-is-not-stored"},
    {"location": {"name": "X", "lat": 95.0, "lon": 0}}, {"location": {"bogus": 1}},
    {"agents[99].name": "x"}, {"trigger.text": "x"}, {}, {"claim.source": "x" * 600},
])
def test_bad_changes_are_refused_and_nothing_changes(sstore, changes):
    e = _dated_event(sstore)
    with pytest.raises(InvalidChange) as info:
        review.edit_event(sstore, e.pk, 1, changes, "rita")
    assert info.value.code == "E506"
    with sstore.session() as s:
        assert s.get(StoredEvent, e.pk).version == 1
    assert review.reviews(sstore, "events", e.pk) == []


def test_type_and_location_edits(rstore):
    e = _dated_event(rstore)
    review.edit_event(rstore, e.pk, 1, {"type": "arrest", "location": {
        "name": "Testville", "admin1": "Test Province", "country": "Testland", "country_code": "TL",
        "lat": 10.5, "lon": 20.25, "precision": "city"}}, "rita")
    with rstore.session() as s:
        row = s.get(StoredEvent, e.pk)
        assert row.type == "ARREST" and row.acled_event_type
        assert (row.place.name, row.place.lat, row.location_basis) == ("Testville", 10.5, "review")
    out = review.edit_event(rstore, e.pk, 2, {"location": "testville"}, "rita")
    assert out.version == 3


def test_stale_version_is_a_conflict(rstore):
    e = _dated_event(rstore)
    review.accept_event(rstore, e.pk, 1, "rita")
    with pytest.raises(ReviewConflict) as info:
        review.edit_event(rstore, e.pk, 1, {"date.value": "2017-01-01"}, "reed")
    assert info.value.code == "E505"
    with rstore.session() as s:
        assert s.get(StoredEvent, e.pk).date_value == e.date_value


def test_unknown_records(rstore):
    with pytest.raises(RecordNotFound):
        review.accept_event(rstore, 10**9, 1, "rita")
    with pytest.raises(RecordNotFound):
        review.merge_clusters(rstore, 10**9, [1], "rita")
    with pytest.raises(RecordNotFound):
        review.merge_people(rstore, 10**9, [1], "rita")


def test_concurrent_reviewers_lose_no_update(rstore, any_serve_db):
    """Many reviewers edit one event at once from their own connections, each with the version
    they read: exactly one edit per version wins, the others get a conflict, and the trail
    has one entry per winning edit."""
    e = _dated_event(rstore)
    stores = [open_store(any_serve_db) for _ in range(6)]
    barrier = threading.Barrier(len(stores))
    outcomes: list[object] = []

    def work(i, store):
        barrier.wait()
        try:
            outcomes.append(review.edit_event(store, e.pk, 1, {"count": {"min": i + 1, "max": 100}}, f"user{i}"))
        except ReviewConflict as exc:
            outcomes.append(exc)
    threads = [threading.Thread(target=work, args=(i, st)) for i, st in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for st in stores:
        st.close()
    won = [o for o in outcomes if isinstance(o, review.Outcome)]
    assert len(won) == 1 and len(outcomes) == len(stores)
    trail = [t for t in review.reviews(rstore, "events", e.pk) if t["field"] == "count"]
    assert len(trail) == 1
    with rstore.session() as s:
        row = s.get(StoredEvent, e.pk)
        assert row.version == 2 and row.count["min"] == trail[0]["new_value"]["min"]


def test_sequential_reviewers_each_reload(rstore):
    e = _dated_event(rstore)
    version = 1
    for i in range(5):
        version = review.edit_event(rstore, e.pk, version, {"count.max": 1000 + i}, f"u{i}").version
    assert version == 6
    assert len([t for t in review.reviews(rstore, "events", e.pk) if t["field"] == "count.max"]) == 5


def test_exports_show_reviewed_values_and_leave_out_rejected(rstore, tmp_path):
    with rstore.session() as s:
        events = s.scalars(select(StoredEvent).order_by(StoredEvent.pk)).all()
    first, second = events[0], events[1]
    review.edit_event(rstore, first.pk, 1, {"date.value": "2015-05-05"}, "rita")
    review.reject_event(rstore, second.pk, 1, "rita")
    out = tmp_path / "e.jsonl"
    export(rstore, "jsonl", out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    ids = [(r["article_id"], r["id"]) for r in rows]
    with rstore.session() as s:
        def key(e):
            return (s.get(StoredEvent, e.pk).article.id, e.id)
        assert key(second) not in ids
        assert [r["date"]["value"] for r in rows if (r["article_id"], r["id"]) == key(first)] == ["2015-05-05"]
    csv_out = tmp_path / "e.csv"
    export(rstore, "acled-csv", csv_out)
    dates = {r["event_date"] for r in csv.DictReader(csv_out.open())}
    assert "2015-05-05" in dates  # a reviewed event stands for its cluster


def test_rejected_canonical_hands_over_to_another_member(rstore):
    with rstore.session() as s:
        cluster = s.scalars(select(EventCluster).where(EventCluster.n_sources > 1)).first()
        if cluster is None:
            cluster = s.scalars(select(EventCluster)).first()
        members = s.scalars(select(StoredEvent).where(StoredEvent.cluster_pk == cluster.pk)).all()
    if len(members) < 2:
        other = _other_cluster(rstore, cluster.pk)
        review.merge_clusters(rstore, cluster.pk, [other], "rita")
    with rstore.session() as s:
        canonical = s.get(EventCluster, cluster.pk).canonical_event_pk
    review.reject_event(rstore, canonical, 1, "rita")
    with rstore.session() as s:
        assert s.get(EventCluster, cluster.pk).canonical_event_pk != canonical


def _other_cluster(store, pk):
    with store.session() as s:
        return s.scalars(select(EventCluster.pk).where(EventCluster.pk != pk)).first()


def test_merge_and_split_clusters(rstore):
    with rstore.session() as s:
        a, b = s.scalars(select(EventCluster.pk).order_by(EventCluster.pk).limit(2)).all()
        b_members = s.scalars(select(StoredEvent.pk).where(StoredEvent.cluster_pk == b)).all()
        b_id = s.get(EventCluster, b).id
    review.merge_clusters(rstore, a, [b], "rita", "same protest")
    with rstore.session() as s:
        assert s.get(EventCluster, b) is None
        assert set(b_members) <= set(s.scalars(select(StoredEvent.pk).where(StoredEvent.cluster_pk == a)))
    trail = review.reviews(rstore, "events", b_members[0])
    assert trail[0]["action"] == "merge" and trail[0]["old_value"] == b_id
    new = review.split_cluster(rstore, a, b_members, "rita", "different days")
    with rstore.session() as s:
        assert set(s.scalars(select(StoredEvent.pk).where(StoredEvent.cluster_pk == new))) == set(b_members)
        assert s.scalars(select(StoredEvent.pk).where(StoredEvent.cluster_pk == a)).first() is not None
    with pytest.raises(InvalidChange):
        review.split_cluster(rstore, a, [b_members[0]], "rita")  # not a member any more
    with rstore.session() as s:
        all_of_a = s.scalars(select(StoredEvent.pk).where(StoredEvent.cluster_pk == a)).all()
    with pytest.raises(InvalidChange):
        review.split_cluster(rstore, a, all_of_a, "rita")
    with pytest.raises(InvalidChange):
        review.merge_clusters(rstore, a, [a], "rita")


def test_merge_people(rstore):
    with rstore.session() as s:
        people = s.scalars(select(Person).order_by(Person.pk).limit(2)).all()
    if len(people) < 2:
        pytest.skip("the test store has fewer than two people")
    a, b = people
    review.merge_people(rstore, a.pk, [b.pk], "rita", "same man")
    with rstore.session() as s:
        assert s.get(Person, b.pk) is None
        merged = s.get(Person, a.pk)
        assert b.name in {x.alias for x in merged.aliases}
    trail = review.reviews(rstore, "people", a.pk)
    assert trail[0]["action"] == "merge" and trail[0]["old_value"]["id"] == b.id


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_migration_0002_keeps_existing_rows(engine, tmp_path):
    """A store made by the first schema, with events and actors, upgrades in place: every row is
    kept and the events start unreviewed at version 1."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from newsevents.store.db import MIGRATIONS, current_revision

    from .conftest import temporary_url
    with temporary_url(engine, tmp_path) as url:
        old = open_store(url, migrate=False)
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with old.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001")
            conn.execute(text("INSERT INTO articles (pk, id, content_hash, text, extractor_version, "
                              "ingested_at) VALUES (1, 'a1', 'h1', 'Police arrested two men.', 'x', "
                              "'2024-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO events (pk, id, article_pk, position, type, date_approx, "
                              "claim_status, background, confidence, salience, other_mentions) "
                              "VALUES (1, 'e1', 1, 0, 'ARREST', false, 'asserted', false, 0.9, 1.0, '[]')"))
            conn.execute(text("INSERT INTO event_actors (event_pk, part, position, kind, aliases) "
                              "VALUES (1, 'agent', 0, 'police', '[]')"))
        assert current_revision(old) == "0001"
        old.close()
        store = open_store(url)
        assert current_revision(store) == "0003"
        with store.session() as s:
            row = s.get(StoredEvent, 1)
            assert (row.review_status, row.version, len(row.actors)) == ("unreviewed", 1, 1)
        assert review.accept_event(store, 1, 1, "rita").version == 2
        store.close()
