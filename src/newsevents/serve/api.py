"""The JSON API under ``/api/v1``: articles, events, people, clusters, search, exports, the map
and timeline data, and review actions (docs/serve.md).

Reads need a login only when the server runs with ``--auth-reads``; reviews always need a
reviewer (cookie + ``X-CSRF-Token``, or an API token). Filters are those of
``newsevents events`` and go through the store's own query functions (bound parameters only).
Errors are JSON ``{"error": {"code": "E...", "message": "..."}}``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from starlette.background import BackgroundTask

from .. import __version__
from ..errors import CsrfFailed, NotAuthenticated, RecordNotFound
from ..store import review
from ..store.convert import event_contract
from ..store.db import Store
from ..store.query import (EventFilter, _sources, count_rows, event_select, matching_articles,
                           people_named, person_record)
from ..store.schema import (EventActor, EventCluster, Mention, Person, PersonAlias, StoredArticle,
                            StoredEvent, StoredPlace)
from . import auth
from .auth import User

router = APIRouter(prefix="/api/v1")

MAX_PK = 2**62
Pk = Annotated[int, Path(ge=1, le=MAX_PK, description="The record's number (pk).")]
Words = Annotated[Optional[str], Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=500, description="At most this many items (1-500).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Skip this many items.")]
SORTS = {"date": StoredEvent.date_start, "type": StoredEvent.type, "place": StoredPlace.name,
         "confidence": StoredEvent.confidence, "salience": StoredEvent.salience,
         "review_status": StoredEvent.review_status, "claim": StoredEvent.claim_status,
         "article": StoredEvent.article_pk, "pk": StoredEvent.pk}
EXPORT_TYPES = {"acled-csv": ("text/csv", "csv"), "csv": ("text/csv", "csv"),
                "jsonl": ("application/x-ndjson", "jsonl"),
                "geojson": ("application/geo+json", "geojson"),
                "parquet": ("application/vnd.apache.parquet", "parquet")}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Login(Body):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class Decision(Body):
    version: int = Field(ge=1, le=2**31, description="The event's version you reviewed.")
    reason: Optional[str] = Field(None, max_length=2000)


class Edit(Body):
    version: int = Field(ge=1, le=2**31, description="The event's version you edited.")
    changes: dict[Annotated[str, Field(max_length=80)], Any] = Field(
        min_length=1, max_length=50,
        description="field -> new value; fields: " + ", ".join(review.EDITABLE))
    reason: Optional[str] = Field(None, max_length=2000)


class Merge(Body):
    into: int = Field(ge=1, le=MAX_PK, description="The record that stays.")
    others: list[Annotated[int, Field(ge=1, le=MAX_PK)]] = Field(min_length=1, max_length=100)
    reason: Optional[str] = Field(None, max_length=2000)


class Split(Body):
    events: list[Annotated[int, Field(ge=1, le=MAX_PK)]] = Field(min_length=1, max_length=500)
    reason: Optional[str] = Field(None, max_length=2000)


class Me(BaseModel):
    username: str
    role: str
    csrf_token: str


def _store(request: Request) -> Store:
    return request.app.state.store


Reader = Annotated[Optional[User], Depends(auth.reader)]
Reviewer = Annotated[User, Depends(auth.reviewer)]


# -- session -------------------------------------------------------------------------------------

@router.post("/session", response_model=Me, tags=["session"])
def log_in(body: Login, request: Request, response: Response):
    """Log in: sets the session cookie and returns the CSRF token to send with changes."""
    if not auth.same_origin(request):
        raise CsrfFailed("POST /api/v1/session from another site")
    user = auth.login_user(request, response, body.username, body.password)
    if user is None:
        raise NotAuthenticated("Wrong username or password.")
    return Me(username=user.username, role=user.role, csrf_token=user.csrf or "")


@router.delete("/session", tags=["session"])
def log_out(request: Request, response: Response) -> dict:
    """Log out: ends the session and clears the cookie."""
    user = auth.current_user(request)
    if user is not None and user.via == "cookie":
        auth.require(request, "reader", write=True)
    auth.logout_user(request, response)
    return {"ok": True}


@router.get("/me", response_model=Me, tags=["session"])
def me(request: Request):
    """Who is logged in (401 if nobody)."""
    user = auth.current_user(request)
    if user is None:
        raise NotAuthenticated("Not logged in.")
    return Me(username=user.username, role=user.role, csrf_token=user.csrf or "")


@router.get("/health", tags=["session"])
def health(request: Request) -> dict:
    """The server is up and reaches its store."""
    with _store(request).session() as s:
        s.execute(select(1))
    return {"status": "ok", "version": __version__}


# -- events --------------------------------------------------------------------------------------

def event_filter(
    type: Annotated[Optional[list[Annotated[str, Field(max_length=40)]]], Query(max_length=50, description="Event types (CASE codes); repeat for several.")] = None,
    since: Annotated[Optional[str], Query(max_length=10, description="YYYY-MM-DD or YYYY-MM")] = None,
    until: Annotated[Optional[str], Query(max_length=10, description="YYYY-MM-DD or YYYY-MM")] = None,
    place: Words = None,
    actor: Words = None,
    person: Words = None,
    claim: Annotated[Optional[list[Annotated[str, Field(max_length=20)]]], Query(max_length=20)] = None,
    background: Optional[bool] = None,
    q: Annotated[Optional[str], Query(max_length=200, description="Full-text search of the articles.")] = None,
    article: Words = None,
    review_status: Annotated[Optional[list[Annotated[str, Field(max_length=20)]]], Query(max_length=10)] = None,
) -> EventFilter:
    """The filters of ``newsevents events`` as query parameters."""
    return EventFilter(type=type or None, since=since or None, until=until or None,
                       place=place or None, actor=actor or None, person=person or None,
                       claim=claim or None, background=background, text=q or None,
                       article=article or None, review_status=review_status or None)


Filters = Annotated[EventFilter, Depends(event_filter)]


def _actors(event: dict) -> list[dict]:
    return [dict(a, part=part[:-1], field=f"{part}[{i}]")
            for part in ("agents", "targets") for i, a in enumerate(event[part])]


def event_items(s: Session, rows: list[StoredEvent]) -> list[dict]:
    """Stored events as API items: store contract v1 plus pk, version and review status."""
    sources = _sources(s, {e.cluster_pk for e in rows if e.cluster_pk})
    items = []
    for e in rows:
        cid, srcs = sources.get(e.cluster_pk, (None, [e.article.id]))
        item = event_contract(e, e.article.id, cid, srcs)
        item.update(pk=e.pk, version=e.version, review_status=e.review_status,
                    cluster_pk=e.cluster_pk, article_title=e.article.title,
                    article_date=e.article.date, actors=_actors(item))
        items.append(item)
    return items


def _loaded(q):
    # the articles' texts are not needed for event items
    return q.options(selectinload(StoredEvent.actors).selectinload(EventActor.person),
                     selectinload(StoredEvent.place),
                     selectinload(StoredEvent.article).defer(StoredArticle.text))


def _event_item(s: Session, pk: int) -> dict:
    e = s.scalar(_loaded(select(StoredEvent).where(StoredEvent.pk == pk)))
    if e is None:
        raise RecordNotFound(f"event {pk}")
    return event_items(s, [e])[0]


@router.get("/events", tags=["events"])
def list_events(request: Request, user: Reader, f: Filters, limit: Limit = 50,
                offset: Offset = 0,
                sort: Literal["date", "type", "place", "confidence", "salience", "review_status",
                              "claim", "article", "pk"] = "date",
                order: Literal["asc", "desc"] = "asc") -> dict:
    """Stored events matching the filters, sorted and paginated: {total, items}."""
    with _store(request).session() as s:
        base = event_select(s, f)
        total = count_rows(s, base)
        key = SORTS[sort]
        q = base.order_by(None)
        if sort == "place":
            q = q.outerjoin(StoredPlace, StoredPlace.pk == StoredEvent.place_pk)
        direction = key.desc() if order == "desc" else key.asc()
        tie = StoredEvent.pk.desc() if order == "desc" else StoredEvent.pk.asc()
        q = _loaded(q.order_by(direction, tie).limit(limit).offset(offset))
        rows = list(s.scalars(q))
        return {"total": total, "limit": limit, "offset": offset, "items": event_items(s, rows)}


@router.get("/events/{pk}", tags=["events"])
def get_event(pk: Pk, request: Request, user: Reader) -> dict:
    """One stored event with its pk, version and review status."""
    with _store(request).session() as s:
        return _event_item(s, pk)


def _after(request: Request, pk: int) -> dict:
    with _store(request).session() as s:
        return _event_item(s, pk)


@router.post("/events/{pk}/accept", tags=["review"])
def accept(pk: Pk, body: Decision, request: Request, user: Reviewer) -> dict:
    """Accept an event as right (409 if it changed since ``version``). Returns the event."""
    review.accept_event(_store(request), pk, body.version, user.username, body.reason)
    return _after(request, pk)


@router.post("/events/{pk}/reject", tags=["review"])
def reject(pk: Pk, body: Decision, request: Request, user: Reviewer) -> dict:
    """Reject an event: kept in the store and trail, left out of exports. Returns the event."""
    review.reject_event(_store(request), pk, body.version, user.username, body.reason)
    return _after(request, pk)


@router.patch("/events/{pk}", tags=["review"])
def edit(pk: Pk, body: Edit, request: Request, user: Reviewer) -> dict:
    """Correct fields of an event ({version, changes: {field: value}, reason}); returns the
    event with its new version. 409 if it changed since ``version``, 422 for a bad change."""
    review.edit_event(_store(request), pk, body.version, body.changes, user.username, body.reason)
    return _after(request, pk)


@router.get("/events/{pk}/reviews", tags=["review"])
def event_reviews(pk: Pk, request: Request, user: Reader, limit: Limit = 100,
                  offset: Offset = 0) -> dict:
    """The review trail of one event, newest first."""
    with _store(request).session() as s:
        if s.get(StoredEvent, pk) is None:
            raise RecordNotFound(f"event {pk}")
    items = review.reviews(_store(request), "events", pk, limit=limit, offset=offset)
    return {"items": items}


@router.get("/reviews", tags=["review"])
def all_reviews(request: Request, user: Reader, limit: Limit = 100, offset: Offset = 0,
                reviewer: Annotated[Optional[str], Query(max_length=80)] = None,
                table: Optional[Literal["events", "event_clusters", "people"]] = None) -> dict:
    """The whole review trail (who, when, what, before, after, why), newest first."""
    return {"items": review.reviews(_store(request), table, None, reviewer, limit, offset)}


# -- articles and search -------------------------------------------------------------------------

def _article_summary(a: StoredArticle, n_events: int) -> dict:
    return {"id": a.id, "pk": a.pk, "date": a.date, "title": a.title, "source": a.source,
            "url": a.url, "dateline": a.dateline, "events": n_events}


def _articles(s: Session, words: Optional[str], limit: int, offset: int) -> tuple[int, list]:
    n_events = select(func.count()).where(StoredEvent.article_pk == StoredArticle.pk) \
        .scalar_subquery()
    q = select(StoredArticle, n_events)
    if words:
        q = q.where(StoredArticle.pk.in_(matching_articles(s, words)))
    total = count_rows(s, q.with_only_columns(StoredArticle.pk))
    rows = s.execute(q.order_by(StoredArticle.date.desc(), StoredArticle.pk.desc())
                     .limit(limit).offset(offset)).all()
    return total, [(a, n) for a, n in rows]


@router.get("/articles", tags=["articles"])
def list_articles(request: Request, user: Reader, q: Words = None, limit: Limit = 50,
                  offset: Offset = 0) -> dict:
    """Stored articles, newest first (``q``: full-text search): {total, items}."""
    with _store(request).session() as s:
        total, rows = _articles(s, q, limit, offset)
        return {"total": total, "limit": limit, "offset": offset,
                "items": [_article_summary(a, n) for a, n in rows]}


def _span(text: str, start: Any, end: Any, kind: str, label: str, e: StoredEvent,
          field: str) -> Optional[dict]:
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        return None
    return {"start": start, "end": end, "kind": kind, "label": label[:200], "event_id": e.id,
            "event_pk": e.pk, "field": field}


def event_spans(text: str, events: list[StoredEvent]) -> list[dict]:
    """The spans of an article's text that feed its events' fields, in text order."""
    spans = []
    for e in events:
        found = [_span(text, e.trigger_start, e.trigger_end, "trigger", f"{e.type} (trigger)", e, "type"),
                 _span(text, e.date_text_start, e.date_text_end, "time",
                       f"date: {e.date_value or 'unknown'}", e, "date"),
                 _span(text, e.claim_cue_start, e.claim_cue_end, "claim_cue",
                       f"claim: {e.claim_status}", e, "claim.cue")]
        if e.location_start is not None:
            name = e.place.name if e.place else e.location_text
            found.append(_span(text, e.location_start, e.location_end, "place",
                               f"location: {name or 'unresolved'}", e, "location"))
        for part in ("agent", "target"):
            for i, a in enumerate(x for x in e.actors if x.part == part):
                found.append(_span(text, a.start, a.end, "actor",
                                   f"{part}: {a.name or a.text or ''} ({a.kind})", e, f"{part}s[{i}]"))
        for name in ("count", "fatalities", "injuries"):
            c = getattr(e, name) or {}
            label = f"{name}: {c.get('min')}" + (f"-{c.get('max')}" if c.get("max") not in (None, c.get("min")) else "")
            found.append(_span(text, c.get("start"), c.get("end"), "count", label, e, name))
        spans.extend(x for x in found if x)
    return sorted(spans, key=lambda x: (x["start"], -x["end"]))


@router.get("/articles/{article_id}", tags=["articles"])
def get_article(request: Request, user: Reader,
                article_id: Annotated[str, Path(max_length=200)]) -> dict:
    """One article: metadata, text, its events, and the spans that feed their fields."""
    with _store(request).session() as s:
        a = s.scalar(select(StoredArticle).where(StoredArticle.id == article_id))
        if a is None:
            raise RecordNotFound(f"article {article_id!r}")
        events = list(s.scalars(_loaded(select(StoredEvent).where(StoredEvent.article_pk == a.pk)
                                        .order_by(StoredEvent.position, StoredEvent.pk))))
        out = _article_summary(a, len(events))
        out.update(text=a.text, origin=a.origin, content_hash=a.content_hash,
                   extractor_version=a.extractor_version,
                   ingested_at=a.ingested_at.isoformat(timespec="seconds"),
                   event_items=event_items(s, events), spans=event_spans(a.text, events))
        return out


def _snippet(text: str, words: str, width: int = 90) -> str:
    tokens = re.findall(r"\w+", words)
    lower = text.lower()
    at = min((i for i in (lower.find(t.lower()) for t in tokens) if i >= 0), default=0)
    start = max(0, at - width)
    return ("…" if start else "") + text[start:at + width].replace("\n", " ") + \
        ("…" if at + width < len(text) else "")


@router.get("/search", tags=["articles"])
def search(request: Request, user: Reader, q: Annotated[str, Query(min_length=1, max_length=200)],
           limit: Limit = 20, offset: Offset = 0) -> dict:
    """Full-text search over the articles' titles and texts: {total, items with a snippet}."""
    with _store(request).session() as s:
        total, rows = _articles(s, q, limit, offset)
        items = []
        for a, n in rows:
            item = _article_summary(a, n)
            item["snippet"] = _snippet(a.text, q)
            items.append(item)
        return {"total": total, "limit": limit, "offset": offset, "items": items}


# -- people --------------------------------------------------------------------------------------

def _person_summary(p: Person, n_aliases: int = 0) -> dict:
    return {"pk": p.pk, "id": p.id, "name": p.name, "roles": list(p.roles or []),
            "affiliations": list(p.affiliations or []), "aliases": n_aliases}


@router.get("/people", tags=["people"])
def list_people(request: Request, user: Reader, q: Words = None, limit: Limit = 50,
                offset: Offset = 0) -> dict:
    """People resolved across articles (``q``: a spelling of the name or part of it)."""
    with _store(request).session() as s:
        n_aliases = select(func.count()).where(PersonAlias.person_pk == Person.pk).scalar_subquery()
        query = select(Person, n_aliases)
        if q:
            query = query.where((Person.pk.in_(people_named(q))) |
                                func.lower(Person.name).contains(q.lower(), autoescape=True))
        total = count_rows(s, query.with_only_columns(Person.pk))
        rows = s.execute(query.order_by(Person.name, Person.pk).limit(limit).offset(offset)).all()
        return {"total": total, "limit": limit, "offset": offset,
                "items": [_person_summary(p, n) for p, n in rows]}


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s|\n")


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for m in _SENTENCE_END.finditer(text, max(0, start - 1000), start):
        left = m.end()
    m = _SENTENCE_END.search(text, end)
    return left, (m.start() + 1 if m else len(text))


def person_sentences(s: Session, person_pk: int) -> list[dict]:
    """Every sentence that names a person: in their events and in the mentions of them."""
    out: dict[tuple, dict] = {}
    rows = s.execute(select(EventActor, StoredEvent, StoredArticle.id)
                     .join(StoredEvent, StoredEvent.pk == EventActor.event_pk)
                     .join(StoredArticle, StoredArticle.pk == StoredEvent.article_pk)
                     .where(EventActor.person_pk == person_pk)).all()
    for actor, e, article_id in rows:
        key = (article_id, e.sentence_start)
        out.setdefault(key, {"article_id": article_id, "event_pk": e.pk, "event_id": e.id,
                             "text": e.sentence_text, "start": e.sentence_start,
                             "end": e.sentence_end, "mention": {"text": actor.text,
                                                                "start": actor.start, "end": actor.end}})
    mentions = s.execute(select(Mention, StoredArticle).join(StoredArticle)
                         .where(Mention.person_pk == person_pk)).all()
    for m, a in mentions:
        if m.start is None or m.end is None or not 0 <= m.start < m.end <= len(a.text):
            continue
        start, end = _sentence_around(a.text, m.start, m.end)
        if any(k[0] == a.id and v["start"] is not None and v["start"] <= m.start < (v["end"] or 0)
               for k, v in out.items()):
            continue
        out.setdefault((a.id, start), {"article_id": a.id, "event_pk": None, "event_id": None,
                                       "text": a.text[start:end].strip(), "start": start, "end": end,
                                       "mention": {"text": m.text, "start": m.start, "end": m.end}})
    return sorted(out.values(), key=lambda x: (x["article_id"], x["start"] or 0))


@router.get("/people/{pk}", tags=["people"])
def get_person(pk: Pk, request: Request, user: Reader) -> dict:
    """A person: spellings, roles, status timeline, contradictions and every source sentence."""
    with _store(request).session() as s:
        p = s.get(Person, pk)
        if p is None:
            raise RecordNotFound(f"person {pk}")
        record = person_record(s, p)
        record.update(pk=p.pk, sentences=person_sentences(s, p.pk))
        return record


@router.post("/people/merge", tags=["review"])
def merge_people(body: Merge, request: Request, user: Reviewer) -> dict:
    """Merge people ``others`` into person ``into`` (one person under several spellings)."""
    review.merge_people(_store(request), body.into, body.others, user.username, body.reason)
    return get_person(body.into, request, user)


# -- clusters ------------------------------------------------------------------------------------

def _cluster_summary(c: EventCluster) -> dict:
    return {"pk": c.pk, "id": c.id, "type": c.type, "n_sources": c.n_sources,
            "canonical_event_pk": c.canonical_event_pk,
            "contradictions": list(c.contradictions or [])}


@router.get("/clusters", tags=["clusters"])
def list_clusters(request: Request, user: Reader, limit: Limit = 50, offset: Offset = 0,
                  type: Annotated[Optional[str], Query(max_length=40)] = None,
                  min_sources: Annotated[int, Query(ge=1, le=10_000)] = 1) -> dict:
    """Clusters of events reporting one happening, most sources first."""
    with _store(request).session() as s:
        q = select(EventCluster).where(EventCluster.n_sources >= min_sources)
        if type:
            q = q.where(EventCluster.type == type.upper())
        total = count_rows(s, q)
        rows = s.scalars(q.order_by(EventCluster.n_sources.desc(), EventCluster.pk)
                         .limit(limit).offset(offset)).all()
        return {"total": total, "limit": limit, "offset": offset,
                "items": [_cluster_summary(c) for c in rows]}


@router.get("/clusters/{pk}", tags=["clusters"])
def get_cluster(pk: Pk, request: Request, user: Reader) -> dict:
    """A cluster with every member event."""
    with _store(request).session() as s:
        c = s.get(EventCluster, pk)
        if c is None:
            raise RecordNotFound(f"cluster {pk}")
        members = list(s.scalars(_loaded(select(StoredEvent).where(StoredEvent.cluster_pk == pk)
                                         .order_by(StoredEvent.pk))))
        return dict(_cluster_summary(c), events=event_items(s, members))


@router.post("/clusters/merge", tags=["review"])
def merge_clusters(body: Merge, request: Request, user: Reviewer) -> dict:
    """Merge clusters ``others`` into cluster ``into`` (they report one happening)."""
    review.merge_clusters(_store(request), body.into, body.others, user.username, body.reason)
    return get_cluster(body.into, request, user)


@router.post("/clusters/{pk}/split", tags=["review"])
def split_cluster(pk: Pk, body: Split, request: Request, user: Reviewer) -> dict:
    """Move events out of a cluster into a new one; returns the new cluster."""
    new = review.split_cluster(_store(request), pk, body.events, user.username, body.reason)
    return get_cluster(new, request, user)


# -- exports, map, timeline ----------------------------------------------------------------------

def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


@router.get("/export", tags=["export"], response_class=FileResponse,
            responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}})
def export(request: Request, user: Reader, f: Filters,
           format: Literal["acled-csv", "csv", "jsonl", "geojson", "parquet"] = "acled-csv",
           redact_people: bool = False):
    """Download the events matching the filters, with reviewed values, rejected events left
    out: acled-csv / geojson / parquet (one record per happening), jsonl / csv (every event)."""
    from ..store.export import export as export_to
    media, suffix = EXPORT_TYPES[format]
    handle, path = tempfile.mkstemp(prefix="newsevents-export-", suffix="." + suffix)
    os.close(handle)
    try:
        if format == "csv":
            _events_csv(_store(request), f, path)
        else:
            export_to(_store(request), format, path, f, redact_people=redact_people)
    except BaseException:
        _remove(path)
        raise
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    return FileResponse(path, media_type=media, filename=f"newsevents-{stamp}.{suffix}",
                        background=BackgroundTask(_remove, path))


def _events_csv(store: Store, f: EventFilter, path: str) -> None:
    import dataclasses

    from ..store.formats import write_records
    from ..store.query import query_events
    f = dataclasses.replace(f, exclude_rejected=True)
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_records(query_events(store, f), "csv", out, "events")


@router.get("/map", tags=["export"])
def event_map(request: Request, user: Reader, f: Filters,
              limit: Annotated[int, Query(ge=1, le=20_000)] = 5000) -> dict:
    """The placed events matching the filters as a GeoJSON FeatureCollection (newest first)."""
    with _store(request).session() as s:
        ids = event_select(s, f).order_by(None).with_only_columns(StoredEvent.pk)
        q = (select(StoredEvent.pk, StoredEvent.id, StoredEvent.type, StoredEvent.date_value,
                    StoredEvent.review_status, StoredArticle.id, StoredPlace.name,
                    StoredPlace.admin1, StoredPlace.country, StoredPlace.lat, StoredPlace.lon)
             .join(StoredPlace, StoredPlace.pk == StoredEvent.place_pk)
             .join(StoredArticle, StoredArticle.pk == StoredEvent.article_pk)
             .where(StoredEvent.pk.in_(ids), StoredPlace.lat.is_not(None),
                    StoredPlace.lon.is_not(None))
             .order_by(StoredEvent.date_start.desc(), StoredEvent.pk.desc()).limit(limit))
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                     "properties": {"pk": pk, "id": eid, "type": etype, "date": date,
                                    "review_status": status, "article_id": aid, "place": name,
                                    "admin1": admin1, "country": country}}
                    for pk, eid, etype, date, status, aid, name, admin1, country, lat, lon in s.execute(q)]
        return {"type": "FeatureCollection", "features": features}


def _bucket(day: dt.date, size: str) -> str:
    if size == "day":
        return day.isoformat()
    if size == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year:04d}-{day.month:02d}"


@router.get("/timeline", tags=["export"])
def timeline(request: Request, user: Reader, f: Filters,
             bucket: Literal["day", "week", "month"] = "month") -> dict:
    """Counts of the dated events matching the filters per period and type, oldest first."""
    with _store(request).session() as s:
        q = (event_select(s, f).order_by(None)
             .with_only_columns(StoredEvent.date_start, StoredEvent.type, func.count())
             .where(StoredEvent.date_start.is_not(None))
             .group_by(StoredEvent.date_start, StoredEvent.type))
        counts: dict[tuple[str, str], int] = {}
        for day, etype, n in s.execute(q):
            if isinstance(day, str):
                day = dt.date.fromisoformat(day)
            key = (_bucket(day, bucket), etype)
            counts[key] = counts.get(key, 0) + n
        items = [{"period": p, "type": t, "n": n} for (p, t), n in sorted(counts.items())]
        return {"bucket": bucket, "items": items}
