"""Between contract objects (schema.py) and store rows, both ways, spans included."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import __version__
from ..extract.timex_periods import period_of
from ..schema import Actor, ArticleResult, Event, PlaceFields
from .schema import EventActor, Mention, StoredArticle, StoredEvent, StoredPlace



def _parse_bound(value: Optional[str], last: bool) -> Optional[dt.date]:
    if not value:
        return None
    interval = date_interval(value)
    return interval[1] if last else interval[0]


def date_interval(value: Optional[str], earliest: Optional[str] = None,
                  latest: Optional[str] = None) -> tuple[Optional[dt.date], Optional[dt.date]]:
    """The first and last day a TIMEX3-style date can mean ("2017-01" → Jan 1..Jan 31).

    ``earliest``/``latest`` (an approximate date's interval) win over the value's own span.
    """
    period = period_of(value)
    start, end = (period.start, period.end) if period else (None, None)
    start = _parse_bound(earliest, last=False) or start
    end = _parse_bound(latest, last=True) or end
    return start, end


def place_key(p: PlaceFields) -> Optional[str]:
    """A stable key of a resolved place (None when nothing is known of it)."""
    if not (p.name or p.admin1 or p.country_code):
        return None
    coords = f"{p.lat:.3f},{p.lon:.3f}" if p.lat is not None and p.lon is not None else ""
    return "|".join(str(x or "") for x in (p.name, p.admin2, p.admin1, p.country_code,
                                           p.precision, coords))


def get_place(session: Session, p: PlaceFields, cache: dict[str, int]) -> Optional[int]:
    """The pk of the stored place ``p``, inserting it the first time it is seen."""
    key = place_key(p)
    if key is None:
        return None
    if key in cache:
        return cache[key]
    pk = session.scalar(select(StoredPlace.pk).where(StoredPlace.key == key))
    if pk is None:
        row = StoredPlace(key=key, name=p.name, admin2=p.admin2, admin1=p.admin1, country=p.country,
                          country_code=p.country_code, lat=p.lat, lon=p.lon, precision=p.precision,
                          geonames_id=p.geonames_id)
        session.add(row)
        session.flush()
        pk = row.pk
    cache[key] = pk
    return pk


def article_row(result: ArticleResult, article_id: str, content_hash: str) -> StoredArticle:
    """The articles row of one extraction result."""
    a = result.article
    span = a.dateline_span or (None, None)
    return StoredArticle(id=article_id, content_hash=content_hash, date=a.date, dateline=a.dateline,
                         dateline_text=a.dateline_text, dateline_start=span[0], dateline_end=span[1],
                         title=a.title, url=a.url, source=a.source, origin=a.origin, text=a.text,
                         extractor_version=__version__)


def _dump(model: Any) -> Optional[dict]:
    return model.model_dump(mode="json") if model is not None else None


def event_row(e: Event, position: int, text: str, place_pk: Optional[int]) -> StoredEvent:
    """The events row (and its actor rows) of one contract event; ``text`` is the article body."""
    d, loc, tn = e.date, e.location, e.type_names
    start, end = date_interval(d.value, d.earliest, d.latest) if d else (None, None)
    sentence = text[e.sentence.start:e.sentence.end] if e.sentence.start is not None else None
    row = StoredEvent(
        id=e.id, position=position, type=e.type, acled_event_type=tn.acled_event_type,
        acled_sub_event_type=tn.acled_sub_event_type, plover=tn.plover, cameo=tn.cameo,
        trigger_text=e.trigger.text, trigger_start=e.trigger.start, trigger_end=e.trigger.end,
        sentence_text=e.sentence.text or sentence, sentence_start=e.sentence.start,
        sentence_end=e.sentence.end, date_value=d and d.value, date_precision=d and d.precision,
        date_text=d and d.text, date_text_start=d and d.start, date_text_end=d and d.end,
        date_approx=bool(d and d.approx), date_earliest=d and d.earliest,
        date_latest=d and d.latest, date_basis=d and d.basis, date_start=start, date_end=end,
        place_pk=place_pk, location_text=loc and loc.text, location_start=loc and loc.start,
        location_end=loc and loc.end, location_basis=loc and loc.basis,
        location_sublocality=loc and loc.sublocality, count=_dump(e.count),
        fatalities=_dump(e.fatalities), injuries=_dump(e.injuries), claim_status=e.claim.status,
        claim_source=e.claim.source, claim_cue=e.claim.cue, claim_cue_start=e.claim.cue_start,
        claim_cue_end=e.claim.cue_end, background=e.background, confidence=e.confidence,
        salience=e.salience, rule=e.rule, other_mentions=[_dump(m) for m in e.mentions])
    row.actors = [_actor_row(a, part, i) for part, actors in (("agent", e.agents), ("target", e.targets))
                  for i, a in enumerate(actors)]
    return row


def _actor_row(a: Actor, part: str, position: int) -> EventActor:
    return EventActor(part=part, position=position, text=a.text, start=a.start, end=a.end,
                      name=a.name, kind=a.kind, role=a.role, affiliation=a.affiliation,
                      aliases=list(a.aliases))


def mention_rows(result: ArticleResult, session: Session, places: dict[str, int]) -> list[Mention]:
    """The mentions rows of one article: people, organisations, places, times, quantities."""
    m = result.mentions
    rows: list[Mention] = []
    for kind, items in (("person", m.people), ("organization", m.organizations)):
        for a in items:
            rows.append(Mention(kind=kind, text=a.text, start=a.start, end=a.end, value=a.name,
                                data=a.model_dump(mode="json", exclude={"text", "start", "end"})))
    for p in m.places:
        rows.append(Mention(kind="place", text=p.text, start=p.start, end=p.end, value=p.name,
                            place_pk=get_place(session, p, places),
                            data=p.model_dump(mode="json", exclude={"text", "start", "end"})))
    for t in m.times:
        rows.append(Mention(kind="time", text=t.text, start=t.start, end=t.end, value=t.value,
                            data=t.model_dump(mode="json", exclude={"text", "start", "end"})))
    for q in m.quantities:
        rows.append(Mention(kind="quantity", text=q.text, start=q.start, end=q.end,
                            value=None if q.min is None and q.max is None else f"{q.min}..{q.max}",
                            data=q.model_dump(mode="json", exclude={"text", "start", "end"})))
    return rows


def event_contract(e: StoredEvent, article_id: str, cluster_id: Optional[str],
                   sources: list[str]) -> dict[str, Any]:
    """A stored event as store output contract v1: the event of contract v1 plus
    ``article_id``, ``cluster_id`` and ``sources``."""
    p = e.place
    location = None
    if p is not None or e.location_text is not None:
        location = {"name": p and p.name, "admin2": p and p.admin2, "admin1": p and p.admin1,
                    "country": p and p.country, "country_code": p and p.country_code,
                    "lat": p and p.lat, "lon": p and p.lon,
                    "precision": p.precision if p else "unknown",
                    "geonames_id": p and p.geonames_id, "text": e.location_text,
                    "sublocality": e.location_sublocality, "start": e.location_start,
                    "end": e.location_end, "basis": e.location_basis or "text"}
    date = None
    if e.date_value is not None or e.date_text is not None:
        date = {"text": e.date_text, "start": e.date_text_start, "end": e.date_text_end,
                "value": e.date_value, "precision": e.date_precision or "unknown",
                "approx": e.date_approx, "earliest": e.date_earliest, "latest": e.date_latest,
                "basis": e.date_basis or "text"}
    actors = {"agent": [], "target": []}
    for a in e.actors:
        actors[a.part].append({"text": a.text, "start": a.start, "end": a.end, "name": a.name,
                               "kind": a.kind, "role": a.role, "affiliation": a.affiliation,
                               "aliases": list(a.aliases or []),
                               "person_id": a.person.id if a.person_pk is not None else None})
    return {
        "id": e.id, "type": e.type,
        "type_names": {"acled_event_type": e.acled_event_type,
                       "acled_sub_event_type": e.acled_sub_event_type,
                       "plover": e.plover, "cameo": e.cameo},
        "trigger": {"text": e.trigger_text, "start": e.trigger_start, "end": e.trigger_end},
        "sentence": {"text": e.sentence_text, "start": e.sentence_start, "end": e.sentence_end},
        "date": date, "location": location, "agents": actors["agent"], "targets": actors["target"],
        "count": e.count, "fatalities": e.fatalities, "injuries": e.injuries,
        "claim": {"status": e.claim_status, "source": e.claim_source, "cue": e.claim_cue,
                  "cue_start": e.claim_cue_start, "cue_end": e.claim_cue_end},
        "background": e.background, "confidence": e.confidence, "rule": e.rule,
        "mentions": list(e.other_mentions or []), "salience": e.salience,
        "article_id": article_id, "cluster_id": cluster_id, "sources": sources,
    }
