"""Questions asked of the store: events, articles and people, with filters.

Results are plain dicts in store output contract v1 (docs/contract.md): events carry
``article_id``, ``cluster_id`` and ``sources``; people carry aliases, roles, affiliations,
articles, a timeline (oldest first) and the contradictions between sources.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Sequence

from sqlalchemy import Select, exists, func, or_, select, text
from sqlalchemy.orm import Session, selectinload

from ..errors import BadDate, BadOption
from .convert import date_interval, event_contract
from .db import Store
from .names import linking_config, name_key
from .schema import (EventActor, EventCluster, Mention, Person, PersonAlias, StoredArticle,
                     StoredEvent, StoredPlace)

CLAIM_STATUSES = ("asserted", "alleged", "claimed", "denied", "planned", "postponed",
                  "cancelled", "negated", "hypothetical")
PAGE = 500


@dataclass
class EventFilter:
    """Which events to return; every given condition must hold."""

    type: Optional[Sequence[str]] = None  # event types (CASE codes), any of
    since: Optional[str] = None  # YYYY-MM-DD or YYYY-MM: events that may have happened from then
    until: Optional[str] = None  # ... up to then
    place: Optional[str] = None  # a place name at any level: place, admin2, admin1, country, code
    actor: Optional[str] = None  # words in an agent's or target's text, name or affiliation
    person: Optional[str] = None  # a person's id or any spelling of their name
    claim: Optional[Sequence[str]] = None  # claim statuses, any of
    background: Optional[bool] = None  # True: only recalled earlier events; False: only new ones
    text: Optional[str] = None  # full-text search over the articles' title and text
    article: Optional[str] = None  # one article's id
    limit: Optional[int] = None
    review_status: Optional[Sequence[str]] = None  # unreviewed, accepted, rejected, edited; any of
    exclude_rejected: bool = False  # leave out events a reviewer rejected (exports do)


REVIEW_STATUSES = ("unreviewed", "accepted", "rejected", "edited")


@dataclass
class ArticleFilter:
    """Which articles to return."""

    since: Optional[str] = None
    until: Optional[str] = None
    text: Optional[str] = None
    source: Optional[str] = None
    limit: Optional[int] = None


@dataclass
class PersonFilter:
    """Which people to return: a name (any spelling) or id, or everyone."""

    name: Optional[str] = None
    limit: Optional[int] = None


def day_bounds(value: Optional[str], last: bool) -> Optional[dt.date]:
    """The first (or last) day of a user-given date ``YYYY-MM-DD`` / ``YYYY-MM``."""
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        raise BadDate(value)
    start, end = date_interval(value)
    if start is None:
        raise BadDate(value)
    return end if last else start


def _fts_query(words: str) -> str:
    tokens = re.findall(r"\w+", words)
    if not tokens:
        raise BadOption(f"--text '{words}' has no words to search for.")
    return " ".join(f'"{t}"' for t in tokens)


def matching_articles(session: Session, words: str) -> Select:
    """A subquery of article pks whose title or text contains every word of ``words``."""
    fts = _fts_query(words)
    if session.get_bind().dialect.name == "sqlite":
        return select(text("rowid")).select_from(text("articles_fts")).where(
            text("articles_fts MATCH :fts")).params(fts=fts)
    vector = func.to_tsvector("simple", func.coalesce(StoredArticle.title, "") + " " + StoredArticle.text)
    return select(StoredArticle.pk).where(vector.op("@@")(func.plainto_tsquery("simple", words)))


def _places_named(name: str) -> Select:
    n = name.lower()
    return select(StoredPlace.pk).where(or_(
        func.lower(StoredPlace.name) == n, func.lower(StoredPlace.admin2) == n,
        func.lower(StoredPlace.admin1) == n, func.lower(StoredPlace.country) == n,
        func.lower(StoredPlace.country_code) == n))


def people_named(name: str) -> Select:
    """Pks of people whose id is ``name`` or who have a spelling with its key."""
    key = name_key(name)
    return select(Person.pk).where(or_(Person.id == name, Person.pk.in_(
        select(PersonAlias.person_pk).where(PersonAlias.key == key))))


def event_select(session: Session, f: EventFilter) -> Select:
    """The SELECT of stored events matching ``f``, oldest first."""
    q = select(StoredEvent)
    if f.type:
        q = q.where(StoredEvent.type.in_([t.upper() for t in f.type]))
    if f.since:
        q = q.where(StoredEvent.date_end >= day_bounds(f.since, last=False))
    if f.until:
        q = q.where(StoredEvent.date_start <= day_bounds(f.until, last=True))
    if f.place:
        q = q.where(StoredEvent.place_pk.in_(_places_named(f.place)))
    if f.actor:
        like = f"%{f.actor.lower()}%"
        q = q.where(exists().where(EventActor.event_pk == StoredEvent.pk, or_(
            func.lower(EventActor.text).like(like), func.lower(EventActor.name).like(like),
            func.lower(EventActor.affiliation).like(like))))
    if f.person:
        q = q.where(exists().where(EventActor.event_pk == StoredEvent.pk,
                                   EventActor.person_pk.in_(people_named(f.person))))
    if f.claim:
        bad = [c for c in f.claim if c not in CLAIM_STATUSES]
        if bad:
            raise BadOption(f"--claim {bad[0]!r}: use one of {', '.join(CLAIM_STATUSES)}.")
        q = q.where(StoredEvent.claim_status.in_(list(f.claim)))
    if f.background is not None:
        q = q.where(StoredEvent.background.is_(f.background))
    if f.text:
        q = q.where(StoredEvent.article_pk.in_(matching_articles(session, f.text)))
    if f.article:
        q = q.where(StoredEvent.article_pk.in_(select(StoredArticle.pk).where(StoredArticle.id == f.article)))
    if f.review_status:
        bad = [r for r in f.review_status if r not in REVIEW_STATUSES]
        if bad:
            raise BadOption(f"review status {bad[0]!r}: use one of {', '.join(REVIEW_STATUSES)}.")
        q = q.where(StoredEvent.review_status.in_(list(f.review_status)))
    if f.exclude_rejected:
        q = q.where(StoredEvent.review_status != "rejected")
    q = q.order_by(StoredEvent.date_start, StoredEvent.pk)
    return q.limit(f.limit) if f.limit else q


def _sources(session: Session, cluster_pks: set[int]) -> dict[int, tuple[str, list[str]]]:
    """Cluster pk → (cluster id, ids of the articles reporting it)."""
    out: dict[int, tuple[str, list[str]]] = {}
    if not cluster_pks:
        return out
    rows = session.execute(
        select(EventCluster.pk, EventCluster.id, StoredArticle.id)
        .join(StoredEvent, StoredEvent.cluster_pk == EventCluster.pk)
        .join(StoredArticle, StoredArticle.pk == StoredEvent.article_pk)
        .where(EventCluster.pk.in_(cluster_pks)).order_by(StoredArticle.pk))
    for pk, cid, aid in rows:
        entry = out.setdefault(pk, (cid, []))
        if aid not in entry[1]:
            entry[1].append(aid)
    return out


def query_events(store: Store, f: Optional[EventFilter] = None) -> Iterator[dict[str, Any]]:
    """Stored events matching ``f`` as store contract v1 dicts, oldest first, streaming."""
    f = f or EventFilter()
    with store.session() as s:
        q = event_select(s, f).options(selectinload(StoredEvent.actors).selectinload(EventActor.person),
                                       selectinload(StoredEvent.place),
                                       selectinload(StoredEvent.article))
        for page in s.execute(q.execution_options(yield_per=PAGE)).scalars().partitions():
            sources = _sources(s, {e.cluster_pk for e in page if e.cluster_pk})
            for e in page:
                cid, srcs = sources.get(e.cluster_pk, (None, [e.article.id]))
                yield event_contract(e, e.article.id, cid, srcs)


def count_rows(session: Session, query: Select) -> int:
    """How many rows ``query`` returns (counted in the database, its ordering dropped)."""
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def count_events(store: Store, f: Optional[EventFilter] = None) -> int:
    """How many stored events match ``f``."""
    with store.session() as s:
        return count_rows(s, event_select(s, f or EventFilter()))


def query_articles(store: Store, f: Optional[ArticleFilter] = None) -> Iterator[dict[str, Any]]:
    """Stored articles matching ``f`` (metadata and event counts), oldest first."""
    f = f or ArticleFilter()
    with store.session() as s:
        n_events = select(func.count()).where(StoredEvent.article_pk == StoredArticle.pk).scalar_subquery()
        q = select(StoredArticle, n_events)
        if f.since:
            q = q.where(StoredArticle.date >= day_bounds(f.since, last=False).isoformat())
        if f.until:
            q = q.where(StoredArticle.date <= day_bounds(f.until, last=True).isoformat())
        if f.source:
            q = q.where(func.lower(StoredArticle.source) == f.source.lower())
        if f.text:
            q = q.where(StoredArticle.pk.in_(matching_articles(s, f.text)))
        q = q.order_by(StoredArticle.date, StoredArticle.pk)
        for a, n in s.execute(q.limit(f.limit) if f.limit else q):
            yield {"id": a.id, "date": a.date, "dateline": a.dateline, "title": a.title,
                   "url": a.url, "source": a.source, "origin": a.origin, "events": n,
                   "content_hash": a.content_hash, "extractor_version": a.extractor_version,
                   "ingested_at": a.ingested_at.isoformat(timespec="seconds")}


def _status(event_type: str, part: str) -> str:
    table = linking_config()["status"].get(part, {})
    return table.get(event_type, event_type.lower().replace("_", " "))


def _custody(timeline: list[dict]) -> None:
    """Mark a detention after a release as a re-detention ("re-arrested")."""
    custody = linking_config()["status"]["custody"]
    released = False
    for entry in timeline:
        if entry["status"] in custody["released"]:
            released = True
        elif entry["status"] in custody["taken"] and released:
            entry["status"] = "re-" + entry["status"]
            released = False


def person_timeline(s: Session, person_pk: int) -> tuple[list[dict], list[dict]]:
    """A person's timeline (one entry per happening, oldest first) and the contradictions
    between the sources of those happenings."""
    rows = s.execute(select(EventActor.part, StoredEvent).join(StoredEvent)
                     .where(EventActor.person_pk == person_pk)
                     .options(selectinload(StoredEvent.article))).all()
    clusters = _sources(s, {e.cluster_pk for _, e in rows if e.cluster_pk})
    seen: dict[object, dict] = {}
    conflicts: list[dict] = []
    for part, e in rows:
        key = e.cluster_pk or ("event", e.pk)
        if key in seen:
            continue
        cluster = s.get(EventCluster, e.cluster_pk) if e.cluster_pk else None
        canonical = s.get(StoredEvent, cluster.canonical_event_pk) if cluster and \
            cluster.canonical_event_pk else e
        cid, articles = clusters.get(e.cluster_pk, (None, [e.article.id]))
        seen[key] = {"date": canonical.date_value, "type": canonical.type,
                     "event_id": canonical.id, "status": _status(canonical.type, part),
                     "claim": canonical.claim_status, "cluster_id": cid, "articles": articles,
                     "_order": (canonical.date_start or dt.date.max, canonical.pk)}
        for c in (cluster.contradictions if cluster else []):
            conflicts.append(dict(c, event_id=canonical.id, cluster_id=cid))
    timeline = sorted(seen.values(), key=lambda t: t.pop("_order"))
    _custody(timeline)
    return timeline, conflicts


def person_record(s: Session, person: Person) -> dict[str, Any]:
    """One person in store output contract v1."""
    articles = s.scalars(select(StoredArticle.id).where(or_(
        StoredArticle.pk.in_(select(StoredEvent.article_pk).join(EventActor).where(
            EventActor.person_pk == person.pk)),
        StoredArticle.pk.in_(select(Mention.article_pk).where(Mention.person_pk == person.pk))))
        .order_by(StoredArticle.pk)).all()
    timeline, conflicts = person_timeline(s, person.pk)
    aliases = s.scalars(select(PersonAlias.alias).where(PersonAlias.person_pk == person.pk)
                        .order_by(PersonAlias.pk)).all()
    last = timeline[-1] if timeline else None
    return {"id": person.id, "name": person.name, "aliases": list(aliases),
            "roles": list(person.roles or []), "affiliations": list(person.affiliations or []),
            "articles": list(articles), "timeline": timeline, "contradictions": conflicts,
            "status": last and last["status"], "since": last and last["date"]}


def query_people(store: Store, f: Optional[PersonFilter] = None) -> Iterator[dict[str, Any]]:
    """Stored people (all, or those matching a name in any spelling) in contract v1."""
    f = f or PersonFilter()
    with store.session() as s:
        q = select(Person).order_by(Person.name, Person.pk)
        if f.name:
            q = q.where(Person.pk.in_(people_named(f.name)))
        for person in s.scalars(q.limit(f.limit) if f.limit else q).all():
            yield person_record(s, person)
