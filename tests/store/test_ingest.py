"""Ingest: idempotent by content, re-extraction on request, read problems reported."""

from sqlalchemy import select

from newsevents.schema import Article, ReadProblem
from newsevents.store import ingest_paths
from newsevents.store.ingest import ALREADY, REEXTRACTED, STORED, ingest, store_result
from newsevents.store.schema import StoredArticle, StoredEvent

from .conftest import SAMPLES
from .helpers import SAMPLE_IDS, counts, store_all


def test_samples_twice_leave_identical_counts(store, extracted):
    assert store_all(store, extracted, SAMPLE_IDS) == [STORED] * 5
    first = counts(store)
    assert first["articles"] == 5 and first["events"] > 5 and first["mentions"] > 5
    assert store_all(store, extracted, SAMPLE_IDS) == [ALREADY] * 5
    assert counts(store) == first


def test_reextract_replaces_an_article_without_leftovers(store, extracted):
    store_all(store, extracted, SAMPLE_IDS)
    before = counts(store)
    assert store_result(store, extracted[SAMPLE_IDS[1]], replace=True) == REEXTRACTED
    assert counts(store) == before


def test_every_field_keeps_its_span(store, extracted):
    store_all(store, extracted, SAMPLE_IDS[1:2])
    with store.session() as s:
        article = s.scalars(select(StoredArticle)).one()
        for e in s.scalars(select(StoredEvent)):
            assert article.text[e.trigger_start:e.trigger_end] == e.trigger_text
            if e.date_text_start is not None:
                assert article.text[e.date_text_start:e.date_text_end] == e.date_text
            for a in e.actors:
                assert article.text[a.start:a.end] == a.text


def test_same_id_different_text_gets_its_own_id(store, extracted):
    original = extracted[SAMPLE_IDS[0]]
    changed = original.model_copy(update={"article": original.article.model_copy(
        update={"text": original.article.text + " Updated.", "content_hash": None})})
    assert store_result(store, original) == STORED
    assert store_result(store, changed) == STORED
    with store.session() as s:
        ids = s.scalars(select(StoredArticle.id).order_by(StoredArticle.pk)).all()
    assert ids[0] == SAMPLE_IDS[0] and ids[1].startswith(SAMPLE_IDS[0] + "-")


def test_read_problems_are_skipped_and_reported(tmp_path):
    from newsevents.store import open_store
    store = open_store(str(tmp_path / "s.db"))
    problem = ReadProblem(origin="bad.txt", code="E104", message="not UTF-8")
    seen = []
    report = ingest(store, [problem, Article(id="x", text="Nothing happened here today.")],
                    progress=lambda outcome, origin: seen.append(outcome))
    assert report.read == 1 and report.stored == 1 and report.skipped == [problem]
    assert seen == ["skipped", "stored"]
    again = ingest_paths(store, [str(SAMPLES / "01_nairobi_fuel_protest.txt")] * 2)
    assert (again.read, again.stored, again.already_stored) == (2, 1, 1)
    store.close()
