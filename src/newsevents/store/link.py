"""Linking across articles: one person across spellings, one event across reports.

- People: the people an article names (event actors and person mentions) are matched to
  stored people by spelling key (store/names.py); close spellings are merged only when an
  affiliation, role or region agrees and none conflicts.
- Events: a new event joins the cluster of a stored event of the same type family that
  names the same person within a few days, or — with no named person — has the same type,
  overlapping dates, a place within ``same_place_km`` (or the same admin2) and compatible
  actors. Each cluster keeps every source; its canonical record is its best-attested member.
- Contradictions: members of a cluster that give different dates, places or types are recorded
  on the cluster (``field``, ``values``, ``articles``), never overwritten.

Linking runs inside the ingest transaction of each article and can be rebuilt from scratch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from rapidfuzz import fuzz
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from ..gazetteer import km_between
from .db import Store
from .names import ascii_fold, is_full_name, linking_config, name_key, name_similarity, name_tokens
from .schema import (EventActor, EventCluster, Mention, Person, PersonAlias, StoredArticle,
                     StoredEvent, StoredPlace)

log = logging.getLogger(__name__)

FUZZY_NAME = 88.0  # rapidfuzz ratio of two name keys that may be one person
NEAR_KM = 2.0  # two places this close are one place when comparing sources
REPORTED_DATE = ("text", "sentence", "paragraph", "review")
REPORTED_PLACE = ("text", "actor", "review")
PRECISION_RANK = {"day": 6, "week": 5, "month": 4, "quarter": 3, "season": 3, "year": 2,
                  "decade": 1, "unknown": 0}


def family_of(event_type: str) -> list[str]:
    """The event types that may report the same happening as ``event_type``."""
    for types in linking_config()["families"].values():
        if event_type in types:
            return list(types)
    return [event_type]


def _letters(text: Optional[str]) -> str:
    return "".join(c for c in ascii_fold(text or "") if c.isalnum())


def same_organization(a: Optional[str], b: Optional[str]) -> bool:
    """Whether two affiliation strings name one organisation ("MQM-London" / "MQM-L")."""
    fa, fb = _letters(a), _letters(b)
    if not fa or not fb:
        return False
    return fa == fb or fa in fb or fb in fa or fuzz.ratio(fa, fb) >= 85


# -- people ----------------------------------------------------------------------------------

@dataclass
class PersonMention:
    """Everything one article says about one person, under one or more spellings."""

    names: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    affiliations: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)  # admin1 of their events and datelines
    actors: list[EventActor] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def key(self) -> str:
        return name_key(max(self.names, key=lambda n: len(name_tokens(n))))


_JOINED_LEFT = re.compile(r"(?:[A-Z][a-z]*|[a-z]{1,3})-$")
_JOINED_RIGHT = re.compile(r"-(?:[A-Z][a-z]*|[a-z]{1,3})")


def full_name(text: str, start: Optional[int], end: Optional[int], name: str) -> str:
    """The name widened over hyphen-joined parts the text attaches to it ("Hameed-ul-" + "Hassan")."""
    if start is None or end is None or text[start:end] != name:
        return name
    while m := _JOINED_LEFT.search(text, max(0, start - 20), start):
        start = m.start()
    while m := _JOINED_RIGHT.match(text, end, min(len(text), end + 20)):
        end = m.end()
    return text[start:end]


def _event_regions(event: StoredEvent) -> set[str]:
    """The province (admin1) an event happened in, as context for the people it names."""
    p = event.place
    return {p.admin1} if p is not None and p.admin1 else set()


def _dateline_regions(article: StoredArticle) -> set[str]:
    """The province of the article's dateline, as context for the people it mentions."""
    return {m.data["admin1"] for m in article.mentions
            if m.kind == "place" and (m.data or {}).get("kind") == "dateline" and m.data.get("admin1")}


def _gather_people(s: Session, article: StoredArticle) -> list[PersonMention]:
    """Group the article's person actors and mentions by spelling key."""
    groups: dict[str, PersonMention] = {}
    singles: list[tuple[str, object, set[str]]] = []

    def add(name: str, item: object, role: Optional[str], aff: Optional[str], regions: set[str]):
        if not is_full_name(name):
            singles.append((name, item, regions))
            return
        pm = groups.setdefault(name_key(name), PersonMention())
        pm.names.append(name)
        pm.roles.update({role} if role else set())
        pm.affiliations.update({aff} if aff else set())
        pm.regions.update(regions)
        (pm.actors if isinstance(item, EventActor) else pm.mentions).append(item)

    for event in article.events:
        for actor in event.actors:
            if actor.kind == "person" and actor.name:
                name = full_name(article.text, actor.start, actor.end, actor.name)
                add(name, actor, actor.role, actor.affiliation, _event_regions(event))
    dateline = _dateline_regions(article)
    for m in article.mentions:
        if m.kind == "person" and m.value:
            add(full_name(article.text, m.start, m.end, m.value), m, (m.data or {}).get("role"),
                (m.data or {}).get("affiliation"), dateline)
    for name, item, regions in singles:  # "Ishaq" after "Sathi Ishaq" in the same article
        token = name_key(name)
        owners = [pm for k, pm in groups.items() if token and token in
                  {name_key(t) for n in pm.names for t in n.split()}]
        if len(owners) == 1:
            owners[0].regions.update(regions)
            (owners[0].actors if isinstance(item, EventActor) else owners[0].mentions).append(item)
    return list(groups.values())


def _agrees(person: Person, pm: PersonMention) -> tuple[bool, bool]:
    """(some context agrees, some context conflicts) between a stored person and a mention."""
    aff_known = bool(person.affiliations) and bool(pm.affiliations)
    aff_same = any(same_organization(a, b) for a in person.affiliations for b in pm.affiliations)
    role_same = bool({_letters(r) for r in person.roles} & {_letters(r) for r in pm.roles})
    region_same = bool(set(person.regions) & pm.regions)
    return aff_same or role_same or region_same, aff_known and not aff_same


def _find_person(s: Session, pm: PersonMention) -> Optional[Person]:
    """The stored person this article's person is, if any (exact key first, then fuzzy)."""
    key = pm.key
    exact = s.scalars(select(Person).where(Person.pk.in_(
        select(PersonAlias.person_pk).where(PersonAlias.key == key))).order_by(Person.pk)).all()
    for person in exact:
        if not _agrees(person, pm)[1]:
            return person
    if len(key) < 6:
        return None
    nearby = s.execute(select(PersonAlias.person_pk, PersonAlias.alias).where(
        PersonAlias.key >= key[0], PersonAlias.key < chr(ord(key[0]) + 1))).all()
    name = max(pm.names, key=lambda n: len(name_tokens(n)))
    scored = sorted(((name_similarity(name, alias), pk) for pk, alias in nearby), reverse=True)
    tried: set[int] = set()
    for score, pk in scored:
        if score < FUZZY_NAME:
            break
        if pk in tried:
            continue
        tried.add(pk)
        person = s.get(Person, pk)
        agree, conflict = _agrees(person, pm)
        if agree and not conflict:
            return person
    return None


def _new_person_id(key: str, article: StoredArticle) -> str:
    return "p-" + hashlib.sha1(f"{key}|{article.content_hash}".encode()).hexdigest()[:12]


def resolve_people(s: Session, article: StoredArticle) -> list[Person]:
    """Link the people an article names to stored people, creating those not seen before."""
    resolved = []
    for pm in _gather_people(s, article):
        person = _find_person(s, pm)
        if person is None:
            name = max(pm.names, key=len)
            person = Person(id=_new_person_id(pm.key, article), name=name, key=pm.key,
                            roles=[], affiliations=[], regions=[])
            s.add(person)
            s.flush()
        known = set(s.scalars(select(PersonAlias.alias).where(PersonAlias.person_pk == person.pk)))
        for alias in dict.fromkeys(pm.names):
            if alias not in known:
                s.add(PersonAlias(person_pk=person.pk, alias=alias, key=name_key(alias)))
        person.roles = sorted(set(person.roles) | pm.roles)
        person.affiliations = sorted(set(person.affiliations) | pm.affiliations)
        person.regions = sorted(set(person.regions) | pm.regions)
        for item in pm.actors + pm.mentions:
            item.person_pk = person.pk
        resolved.append(person)
    s.flush()
    return resolved


def people_of_article(s: Session, article_pk: int) -> set[int]:
    """Pks of the people an article's actors and mentions are linked to."""
    actors = select(EventActor.person_pk).join(StoredEvent).where(
        StoredEvent.article_pk == article_pk, EventActor.person_pk.is_not(None))
    mentions = select(Mention.person_pk).where(Mention.article_pk == article_pk,
                                               Mention.person_pk.is_not(None))
    return set(s.scalars(actors)) | set(s.scalars(mentions))


def prune_people(s: Session, person_pks: Iterable[int]) -> None:
    """Delete people no actor or mention refers to any more."""
    for pk in person_pks:
        used = s.scalar(select(EventActor.pk).where(EventActor.person_pk == pk).limit(1)) or \
            s.scalar(select(Mention.pk).where(Mention.person_pk == pk).limit(1))
        if not used:
            s.execute(delete(Person).where(Person.pk == pk))


# -- events ----------------------------------------------------------------------------------

def _km(a: StoredPlace, b: StoredPlace) -> Optional[float]:
    """Great-circle distance between two places, if both have coordinates."""
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    return km_between(a.lat, a.lon, b.lat, b.lon)


def _nested(a: StoredPlace, b: StoredPlace) -> bool:
    """One place lies in the other (a neighbourhood in its city, a city in its province)."""
    if a.pk == b.pk or (a.name and a.name == b.name and a.country_code == b.country_code):
        return True
    return bool(a.name and a.name in (b.admin2, b.admin1, b.country)) or \
        bool(b.name and b.name in (a.admin2, a.admin1, a.country))


def places_compatible(a: Optional[StoredPlace], b: Optional[StoredPlace], km: float) -> Optional[bool]:
    """Whether two reported places can be where one event happened (None: one is unknown)."""
    if a is None or b is None:
        return None
    if _nested(a, b) or (a.admin2 and a.admin2 == b.admin2):
        return True
    distance = _km(a, b)
    return distance is not None and distance <= km


def _interval(e: StoredEvent, article_date: Optional[dt.date]) -> Optional[tuple[dt.date, dt.date]]:
    """When an event may have happened: its date's interval, else shortly before its article."""
    if e.date_start and e.date_end:
        return e.date_start, e.date_end
    if article_date is None:
        return None
    back = linking_config()["distance"]["undated_lookback_days"]
    return article_date - dt.timedelta(days=back), article_date


def _article_date(article: StoredArticle) -> Optional[dt.date]:
    from .convert import date_interval
    return date_interval(article.date)[1] if article.date else None


def _gap_days(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> int:
    """Days between two intervals (0 when they overlap)."""
    return max(0, (b[0] - a[1]).days, (a[0] - b[1]).days)


def people_by_event(s: Session, event_pks: Iterable[int]) -> dict[int, set[int]]:
    """Event pk → the people it names: its person actors or, when it has none, the people
    named in its sentence ("police had arrested its organiser Hameed-ul-Hassan")."""
    pks = list(event_pks)
    out: dict[int, set[int]] = {}
    if not pks:
        return out
    for epk, ppk in s.execute(select(EventActor.event_pk, EventActor.person_pk).where(
            EventActor.event_pk.in_(pks), EventActor.person_pk.is_not(None))):
        out.setdefault(epk, set()).add(ppk)
    missing = [pk for pk in pks if pk not in out]
    if missing:
        rows = s.execute(select(StoredEvent.pk, Mention.person_pk)
                         .join(Mention, Mention.article_pk == StoredEvent.article_pk)
                         .where(StoredEvent.pk.in_(missing), Mention.person_pk.is_not(None),
                                Mention.start >= StoredEvent.sentence_start,
                                Mention.end <= StoredEvent.sentence_end))
        for epk, ppk in rows:
            out.setdefault(epk, set()).add(ppk)
    return out


def _actor_terms(e: StoredEvent) -> set[str]:
    return {t for a in e.actors for t in (a.kind if a.kind != "unknown" else None,
                                          _letters(a.name) or None) if t}


def _match_score(e: StoredEvent, e_when, pe: set[int], c: StoredEvent, c_when, pc: set[int],
                 cluster_people: set[int]) -> float:
    """How surely candidate ``c`` (another article) reports the same happening as ``e`` (0: no).

    ``pe``/``pc`` are the people each names; ``cluster_people`` those any member of ``c``'s
    cluster names.
    """
    dist = linking_config()["distance"]
    if e_when is None or c_when is None:
        return 0.0
    gap = _gap_days(e_when, c_when)
    place = places_compatible(e.place, c.place, dist["same_place_km"])
    if pe and cluster_people and not pe & cluster_people:
        return 0.0  # the cluster is about other people
    if pe & pc:
        if gap > dist["same_person_days"]:
            return 0.0
        return 3.0 + (place is True) + (gap == 0) + (e.type == c.type)
    if pe and pc:  # both name people, and not the same ones
        return 0.0
    if e.type != c.type or gap > dist["date_slack_days"] or place is not True:
        return 0.0
    if not _actor_terms(e) & _actor_terms(c):
        return 0.0
    return 1.0 + (gap == 0)


def _candidates(s: Session, e: StoredEvent, when: tuple[dt.date, dt.date]) -> list[StoredEvent]:
    """Clustered events of other articles that could report the same happening as ``e``."""
    reach = dt.timedelta(days=linking_config()["distance"]["same_person_days"])
    lo, hi = when[0] - reach, when[1] + reach
    base = (select(StoredEvent).where(StoredEvent.type.in_(family_of(e.type)),
                                      StoredEvent.article_pk != e.article_pk,
                                      StoredEvent.cluster_pk.is_not(None))
            .options(selectinload(StoredEvent.actors), selectinload(StoredEvent.place),
                     selectinload(StoredEvent.article)))
    dated = base.where(StoredEvent.date_start <= hi, StoredEvent.date_end >= lo)
    undated = base.join(StoredArticle).where(
        StoredEvent.date_start.is_(None), StoredArticle.date >= lo.isoformat(),
        StoredArticle.date <= (hi + reach).isoformat())
    return list(s.scalars(dated.limit(2000))) + list(s.scalars(undated.limit(2000)))


def _cluster_people(s: Session, cluster_pks: set[int]) -> dict[int, set[int]]:
    """Cluster pk → the people any of its members names."""
    out: dict[int, set[int]] = {}
    if cluster_pks:
        members = s.execute(select(StoredEvent.pk, StoredEvent.cluster_pk).where(
            StoredEvent.cluster_pk.in_(cluster_pks))).all()
        named = people_by_event(s, [pk for pk, _ in members])
        for pk, cluster_pk in members:
            out.setdefault(cluster_pk, set()).update(named.get(pk, set()))
    return out


def _new_cluster(s: Session, e: StoredEvent) -> EventCluster:
    digest = hashlib.sha1(f"{e.article.content_hash}|{e.id}|{e.position}".encode()).hexdigest()
    cluster = EventCluster(id="c-" + digest[:12], type=e.type, canonical_event_pk=e.pk,
                           n_sources=1, contradictions=[])
    s.add(cluster)
    s.flush()
    return cluster


def cluster_event(s: Session, e: StoredEvent) -> int:
    """Put ``e`` in the cluster of the stored event reporting the same happening, or a new one.

    Returns the cluster's pk.
    """
    when = _interval(e, _article_date(e.article))
    best, best_score = None, 0.0
    if when is not None:
        candidates = _candidates(s, e, when)
        people = _cluster_people(s, {c.cluster_pk for c in candidates})
        named = people_by_event(s, [e.pk] + [c.pk for c in candidates])
        pe = named.get(e.pk, set())
        for c in candidates:
            score = _match_score(e, when, pe, c, _interval(c, _article_date(c.article)),
                                 named.get(c.pk, set()), people.get(c.cluster_pk, set()))
            if score > 0 and (score > best_score or (score == best_score and c.pk < best.pk)):
                best, best_score = c, score
    e.cluster_pk = best.cluster_pk if best is not None else _new_cluster(s, e).pk
    s.flush()
    return e.cluster_pk


def link_article(s: Session, article: StoredArticle) -> None:
    """Resolve an article's people, cluster its events, and update the clusters' records."""
    resolve_people(s, article)
    touched = {cluster_event(s, e) for e in sorted(article.events, key=lambda e: e.position)}
    refresh_clusters(s, touched)


# -- clusters: canonical record and contradictions -------------------------------------------

def _canonical_rank(e: StoredEvent, dates: Counter) -> tuple:
    """Higher is a better record of the happening: not rejected by a reviewer, checked by one,
    asserted, dated and placed from the text, then giving the date most of the cluster's
    members give (``dates``: one report's "Monday" against two reports' "Tuesday"), then the
    surest typing."""
    return (e.review_status != "rejected", e.review_status in ("accepted", "edited"),
            not e.background, e.date_basis in REPORTED_DATE,
            PRECISION_RANK.get(e.date_precision or "unknown", 0),
            e.location_basis in REPORTED_PLACE, e.claim_status == "asserted",
            dates[e.date_start, e.date_end], e.confidence, -e.pk)


def _place_label(p: StoredPlace) -> str:
    return ", ".join(x for x in (p.name, p.admin1 if p.admin1 != p.name else None, p.country) if x)


def _group_values(pairs: list[tuple[str, str]]) -> tuple[list[str], list[list[str]]]:
    values: dict[str, list[str]] = {}
    for value, article_id in pairs:
        values.setdefault(value, [])
        if article_id not in values[value]:
            values[value].append(article_id)
    return list(values), list(values.values())


def _date_conflict(members: list[StoredEvent]) -> Optional[dict]:
    dated = [m for m in members if m.date_basis in REPORTED_DATE and m.date_start and m.date_end]
    clash = any(_gap_days((a.date_start, a.date_end), (b.date_start, b.date_end)) > 0
                for i, a in enumerate(dated) for b in dated[i + 1:])
    if not clash:
        return None
    values, articles = _group_values([(m.date_value, m.article.id) for m in dated])
    return {"field": "date", "values": values, "articles": articles}


def _place_conflict(members: list[StoredEvent]) -> Optional[dict]:
    placed = [m for m in members if m.place is not None and m.location_basis in REPORTED_PLACE]

    def differ(a: StoredPlace, b: StoredPlace) -> bool:
        distance = _km(a, b)
        return not _nested(a, b) and (distance is None or distance > NEAR_KM)
    if not any(differ(a.place, b.place) for i, a in enumerate(placed) for b in placed[i + 1:]):
        return None
    values, articles = _group_values([(_place_label(m.place), m.article.id) for m in placed])
    return {"field": "place", "values": values, "articles": articles}


def _type_conflict(members: list[StoredEvent]) -> Optional[dict]:
    if len({m.type for m in members}) < 2:
        return None
    values, articles = _group_values([(m.type, m.article.id) for m in members])
    return {"field": "type", "values": values, "articles": articles}


def contradictions(members: list[StoredEvent]) -> list[dict]:
    """Where the sources of one happening disagree: date, place, type."""
    found = (_date_conflict(members), _place_conflict(members), _type_conflict(members))
    return [c for c in found if c is not None]


def refresh_clusters(s: Session, cluster_pks: Iterable[int]) -> None:
    """Recompute the canonical record, source count and contradictions of clusters."""
    for pk in cluster_pks:
        cluster = s.get(EventCluster, pk)
        if cluster is None:
            continue
        members = list(s.scalars(select(StoredEvent).where(StoredEvent.cluster_pk == pk).options(
            selectinload(StoredEvent.place), selectinload(StoredEvent.article))))
        if not members:
            s.delete(cluster)
            continue
        dates = Counter((m.date_start, m.date_end) for m in members)
        canonical = max(members, key=lambda e: _canonical_rank(e, dates))
        cluster.canonical_event_pk = canonical.pk
        cluster.type = canonical.type
        cluster.n_sources = len({m.article_pk for m in members})
        cluster.contradictions = contradictions(members)
    s.flush()


def link_pending(store: Store, progress: Optional[Callable[..., None]] = None) -> int:
    """Link every stored article that has unlinked events (ingested with linking off).
    ``progress`` is called as ``progress(0, total=N)`` once, then ``progress()`` per article."""
    with store.session() as s:
        pks = sorted(set(s.scalars(select(StoredEvent.article_pk).where(
            StoredEvent.cluster_pk.is_(None)))))
    if progress is not None:
        progress(0, total=len(pks))
    for pk in pks:
        with store.session() as s:
            link_article(s, s.get(StoredArticle, pk))
        if progress is not None:
            progress()
    return len(pks)


def rebuild(store: Store, progress: Optional[Callable[..., None]] = None,
            keep_reviews: bool = True) -> dict[str, int]:
    """Drop every link and link all articles again, oldest first, in one transaction
    (``progress`` as for ``link_pending``); then, unless ``keep_reviews`` is false, apply the
    reviewers' cluster merges and splits and person merges again (``review.replay``)."""
    with store.session() as s:
        s.execute(update(StoredEvent).values(cluster_pk=None))
        s.execute(update(EventActor).values(person_pk=None))
        s.execute(update(Mention).values(person_pk=None))
        s.execute(delete(EventCluster))
        s.execute(delete(PersonAlias))
        s.execute(delete(Person))
        s.flush()
        n = 0
        pks = s.scalars(select(StoredArticle.pk).order_by(StoredArticle.pk)).all()
        if progress is not None:
            progress(0, total=len(pks))
        for pk in pks:
            link_article(s, s.get(StoredArticle, pk))
            n += 1
            if progress is not None:
                progress()
        replayed = {}
        if keep_reviews:
            from .review import replay  # review builds on linking
            replayed = replay(s)
        s.expunge_all()
    return link_counts(store) | {"articles": n} | replayed


def link_counts(store: Store) -> dict[str, int]:
    """How many clusters, multi-source clusters, contradicting clusters and people are stored."""
    from sqlalchemy import func
    with store.session() as s:
        clusters = s.scalars(select(EventCluster)).all()
        return {"clusters": len(clusters),
                "multi_source_clusters": sum(c.n_sources > 1 for c in clusters),
                "contradictions": sum(bool(c.contradictions) for c in clusters),
                "people": s.scalar(select(func.count()).select_from(Person)) or 0}
