"""Review: people accept, reject and correct stored events, and merge or split what linking
joined; every change is recorded in ``reviews`` (who, when, before, after, why).

Corrections are applied to the stored rows themselves, so every query and export shows the
reviewed values; the value before each change stays in the review trail. Rejected events stay
in the store (and in the trail) but exports leave them out.

Events carry a ``version``: a review names the version its reviewer saw, and the change is
written only if the row still has that version (one conditional UPDATE in the review's
transaction). Two reviewers working on the same event cannot overwrite each other: the second
gets ``ReviewConflict`` (E505) and reloads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from pydantic import ValidationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..errors import InvalidChange, RecordNotFound, ReviewConflict
from ..extract.timex_periods import period_of
from ..schema import PlaceFields
from .convert import date_interval, get_place
from .db import Store
from .query import CLAIM_STATUSES
from .schema import (EventActor, EventCluster, Mention, Person, PersonAlias, Review, StoredEvent,
                     StoredPlace)

REVIEW_STATUSES = ("unreviewed", "accepted", "rejected", "edited")
PRECISIONS = ("day", "week", "month", "quarter", "season", "year", "decade", "unknown")
ACTOR_FIELDS = ("name", "kind", "role", "affiliation")
COUNT_FIELDS = ("count", "fatalities", "injuries")
MAX_TEXT = 500
# the fields ``edit_event`` accepts (actors: agents[i].name, targets[i].kind, ...)
EDITABLE = ("type", "date.value", "date.precision", "date.approx", "location",
            "location.sublocality", "count", "count.min", "count.max", "fatalities",
            "fatalities.min", "fatalities.max", "injuries", "injuries.min", "injuries.max",
            "claim.status", "claim.source", "background",
            *(f"{part}[i].{f}" for part in ("agents", "targets") for f in ACTOR_FIELDS))
_ACTOR = re.compile(r"(agents|targets)\[(\d{1,3})\]\.(name|kind|role|affiliation)")


@dataclass
class Outcome:
    """What a review did to an event: its new status and version."""

    pk: int
    review_status: str
    version: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _event(s: Session, pk: int) -> StoredEvent:
    e = s.get(StoredEvent, pk)
    if e is None:
        raise RecordNotFound(f"event {pk}")
    return e


def _apply(s: Session, e: StoredEvent, expected: int, values: dict[str, Any]) -> int:
    """Write ``values`` to event ``e`` if it still has version ``expected``; the new version."""
    if e.version != expected:
        raise ReviewConflict(f"event {e.pk}", expected=expected, actual=e.version)
    result = s.execute(update(StoredEvent).where(StoredEvent.pk == e.pk,
                                                 StoredEvent.version == expected)
                       .values(version=expected + 1, **values)
                       .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        actual = s.scalar(select(StoredEvent.version).where(StoredEvent.pk == e.pk))
        raise ReviewConflict(f"event {e.pk}", expected=expected, actual=actual)
    return expected + 1


def _trail(s: Session, table: str, pk: int, action: str, field: str, old: Any, new: Any,
           reviewer: str, reason: Optional[str], when: dt.datetime) -> None:
    s.add(Review(table_name=table, row_pk=pk, action=action, field=field, old_value=old,
                 new_value=new, reviewer=reviewer, reason=reason, created_at=when))


def _refresh(s: Session, cluster_pks: Iterable[Optional[int]]) -> None:
    from .link import refresh_clusters
    s.flush()
    refresh_clusters(s, {pk for pk in cluster_pks if pk is not None})


def _set_status(store: Store, pk: int, version: int, status: str, action: str, reviewer: str,
                reason: Optional[str]) -> Outcome:
    with store.session() as s:
        e = _event(s, pk)
        old = e.review_status
        new_version = _apply(s, e, version, {"review_status": status})
        _trail(s, "events", pk, action, "review_status", old, status, reviewer, reason, _now())
        s.expire(e)
        _refresh(s, [e.cluster_pk])
        return Outcome(pk, status, new_version)


def accept_event(store: Store, pk: int, version: int, reviewer: str,
                 reason: Optional[str] = None) -> Outcome:
    """Mark event ``pk`` as checked and right (also undoes a rejection)."""
    return _set_status(store, pk, version, "accepted", "accept", reviewer, reason)


def reject_event(store: Store, pk: int, version: int, reviewer: str,
                 reason: Optional[str] = None) -> Outcome:
    """Mark event ``pk`` as wrong: it stays stored and in the trail, exports leave it out."""
    return _set_status(store, pk, version, "rejected", "reject", reviewer, reason)


def edit_event(store: Store, pk: int, version: int, changes: dict[str, Any], reviewer: str,
               reason: Optional[str] = None) -> Outcome:
    """Correct fields of event ``pk`` (names in ``EDITABLE``); the event becomes ``edited``.

    Raises ``InvalidChange`` (E506) for an unknown field or a bad value, ``ReviewConflict``
    (E505) when the event's version is not ``version`` any more.
    """
    if not isinstance(changes, dict) or not changes:
        raise InvalidChange("Give at least one change as {field: value}. Fields: "
                            + ", ".join(EDITABLE) + ".")
    with store.session() as s:
        e = _event(s, pk)
        values: dict[str, Any] = {}
        audit: list[tuple[str, Any, Any]] = []
        actor_updates: list[tuple[EventActor, str, Any]] = []
        for field, value in changes.items():
            _change(s, e, str(field), value, values, audit, actor_updates)
        # a precision follows a new date value unless it is given too
        if "date.value" in changes and "date.precision" not in changes:
            period = period_of(values.get("date_value"))
            values["date_precision"] = period.precision if period else "unknown"
        if values.get("review_status") is None and e.review_status != "edited":
            values["review_status"] = "edited"
            audit.append(("review_status", e.review_status, "edited"))
        clusters_before = e.cluster_pk
        new_version = _apply(s, e, version, values)
        for actor, name, value in actor_updates:
            setattr(actor, name, value)
        when = _now()
        for field, old, new in audit:
            _trail(s, "events", pk, "edit", field, old, new, reviewer, reason, when)
        s.expire(e)
        _refresh(s, [clusters_before])
        return Outcome(pk, values.get("review_status", e.review_status), new_version)


def _bad(field: str, why: str) -> InvalidChange:
    return InvalidChange(f"{field}: {why}")


def _text(field: str, value: Any, nullable: bool = True) -> Optional[str]:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _bad(field, "give a non-empty text" + (" or null" if nullable else "") + ".")
    if len(value) > MAX_TEXT:
        raise _bad(field, f"longer than {MAX_TEXT} characters.")
    return value.strip()


def _count_value(field: str, value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000_000:
        raise _bad(field, "give a whole number from 0 to 10,000,000, or null.")
    return value


def _place_dict(p: Optional[StoredPlace]) -> Optional[dict]:
    if p is None:
        return None
    return {"name": p.name, "admin1": p.admin1, "country": p.country, "lat": p.lat, "lon": p.lon}


def _place(s: Session, value: Any) -> Optional[int]:
    """The pk of the place a reviewer named: a stored place's name, or place fields."""
    if value is None:
        return None
    if isinstance(value, str):
        name = _text("location", value, nullable=False)
        pk = s.scalar(select(StoredPlace.pk).where(func.lower(StoredPlace.name) == name.lower())
                      .order_by(StoredPlace.pk).limit(1))
        if pk is None:
            raise _bad("location", f"no stored place is named {name!r}; give the place as "
                       "{name, admin1, country, country_code, lat, lon}.")
        return pk
    if not isinstance(value, dict):
        raise _bad("location", "give a place name, place fields {name, lat, lon, ...} or null.")
    try:
        fields = PlaceFields(**value)
    except (ValidationError, TypeError) as exc:
        raise _bad("location", _first_error(exc)) from exc
    if fields.lat is not None and not -90 <= fields.lat <= 90 or \
            fields.lon is not None and not -180 <= fields.lon <= 180:
        raise _bad("location", "lat must be within -90..90 and lon within -180..180.")
    if not (fields.name or fields.admin1 or fields.country_code):
        raise _bad("location", "give at least a name, admin1 or country_code.")
    return get_place(s, fields, {})


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err.get("loc", ()))
        return f"{where}: {err.get('msg')}" if where else str(err.get("msg"))
    return str(exc)


def _change(s: Session, e: StoredEvent, field: str, value: Any, values: dict[str, Any],
            audit: list, actor_updates: list) -> None:
    """Validate one change and add its column values and audit entry."""
    from ..knowledge import taxonomy
    if field == "type":
        types = taxonomy()
        code = value.upper() if isinstance(value, str) else None
        if code not in types:
            raise _bad(field, "use one of " + ", ".join(sorted(types)) + ".")
        row = types[code]
        values.update(type=code, acled_event_type=row.get("acled_event_type") or None,
                      acled_sub_event_type=row.get("acled_sub_event_type") or None,
                      plover=row.get("plover") or None, cameo=row.get("cameo") or None)
        audit.append((field, e.type, code))
    elif field == "date.value":
        text = _text(field, value)
        start, end = date_interval(text) if text else (None, None)
        if text and start is None:
            raise _bad(field, "not a date: use YYYY-MM-DD, YYYY-MM, YYYY, YYYY-Www or YYYY-Qn.")
        values.update(date_value=text, date_start=start, date_end=end, date_earliest=None,
                      date_latest=None, date_basis="review")
        audit.append((field, e.date_value, text))
    elif field == "date.precision":
        if value not in PRECISIONS:
            raise _bad(field, "use one of " + ", ".join(PRECISIONS) + ".")
        values["date_precision"] = value
        audit.append((field, e.date_precision, value))
    elif field == "date.approx":
        if not isinstance(value, bool):
            raise _bad(field, "give true or false.")
        values["date_approx"] = value
        audit.append((field, e.date_approx, value))
    elif field == "location":
        pk = _place(s, value)
        # the words that named the old place and its sublocality do not name the new one
        values.update(place_pk=pk, location_basis="review", location_text=None,
                      location_start=None, location_end=None, location_sublocality=None)
        old = _place_dict(e.place)
        if old is not None or e.location_text:
            old = dict(old or {}, text=e.location_text, sublocality=e.location_sublocality)
        audit.append((field, old, _place_dict(s.get(StoredPlace, pk)) if pk else None))
    elif field == "location.sublocality":
        text = _text(field, value)
        values["location_sublocality"] = text
        audit.append((field, e.location_sublocality, text))
    elif field in COUNT_FIELDS:
        if value is not None and not isinstance(value, dict):
            raise _bad(field, "give {min, max} or null.")
        new = None
        if value is not None:
            unknown = set(value) - {"min", "max"}
            if unknown:
                raise _bad(field, f"unknown key {sorted(unknown)[0]!r}: give min and max.")
            new = dict(getattr(e, field) or {}, min=_count_value(field + ".min", value.get("min")),
                       max=_count_value(field + ".max", value.get("max")))
        _check_bounds(field, new)
        values[field] = new
        audit.append((field, getattr(e, field), new))
    elif field.split(".")[0] in COUNT_FIELDS and field.split(".")[-1] in ("min", "max") \
            and field.count(".") == 1:
        name, bound = field.split(".")
        current = values.get(name, getattr(e, name))
        new = dict(current or {}, **{bound: _count_value(field, value)})
        _check_bounds(name, new)
        values[name] = new
        audit.append((field, (getattr(e, name) or {}).get(bound), new[bound]))
    elif field == "claim.status":
        if value not in CLAIM_STATUSES:
            raise _bad(field, "use one of " + ", ".join(CLAIM_STATUSES) + ".")
        values["claim_status"] = value
        audit.append((field, e.claim_status, value))
    elif field == "claim.source":
        text = _text(field, value)
        values["claim_source"] = text
        audit.append((field, e.claim_source, text))
    elif field == "background":
        if not isinstance(value, bool):
            raise _bad(field, "give true or false.")
        values["background"] = value
        audit.append((field, e.background, value))
    elif (m := _ACTOR.fullmatch(field)):
        part, index, name = m[1][:-1], int(m[2]), m[3]
        actors = [a for a in e.actors if a.part == part]
        if index >= len(actors):
            raise _bad(field, f"the event has {len(actors)} {part}(s).")
        actor = actors[index]
        text = _text(field, value, nullable=name != "kind")
        actor_updates.append((actor, name, text))
        audit.append((field, getattr(actor, name), text))
    else:
        raise InvalidChange(f"{field!r} cannot be edited. Fields: " + ", ".join(EDITABLE) + ".")


def _check_bounds(field: str, count: Optional[dict]) -> None:
    if count and count.get("min") is not None and count.get("max") is not None \
            and count["min"] > count["max"]:
        raise _bad(field, "min is larger than max.")


# -- clusters and people -----------------------------------------------------------------------

def _cluster(s: Session, pk: int) -> EventCluster:
    c = s.get(EventCluster, pk, with_for_update=True)
    if c is None:
        raise RecordNotFound(f"cluster {pk}")
    return c


def merge_clusters(store: Store, into: int, others: list[int], reviewer: str,
                   reason: Optional[str] = None) -> int:
    """Move every event of clusters ``others`` into cluster ``into`` (they report one
    happening); the emptied clusters are deleted. Returns ``into``."""
    others = [pk for pk in dict.fromkeys(others) if pk != into]
    if not others:
        raise InvalidChange("Name at least one other cluster to merge into this one.")
    with store.session() as s:
        target = _cluster(s, into)
        sources = [_cluster(s, pk) for pk in others]
        when = _now()
        for c in sources:
            kept = _members(s, target.pk)
            moved = _move_cluster(s, c, target)
            for pk in moved:
                _trail(s, "events", pk, "merge", "cluster", c.id, target.id, reviewer, reason, when)
            # both sides' events, so that ``replay`` can merge them again after a rebuild
            _trail(s, "event_clusters", target.pk, "merge", "members",
                   {"cluster": c.id, "events": moved}, {"cluster": target.id, "events": kept},
                   reviewer, reason, when)
        s.expire_all()
        _refresh(s, [target.pk])
        return into


def _members(s: Session, cluster_pk: int) -> list[int]:
    return sorted(s.scalars(select(StoredEvent.pk).where(StoredEvent.cluster_pk == cluster_pk)))


def _move_cluster(s: Session, source: EventCluster, target: EventCluster) -> list[int]:
    """Every event of ``source`` moved into ``target``; ``source`` deleted. The moved pks."""
    moved = _members(s, source.pk)
    s.execute(update(StoredEvent).where(StoredEvent.cluster_pk == source.pk)
              .values(cluster_pk=target.pk).execution_options(synchronize_session=False))
    s.execute(delete(EventCluster).where(EventCluster.pk == source.pk))
    return moved


def split_cluster(store: Store, cluster_pk: int, event_pks: list[int], reviewer: str,
                  reason: Optional[str] = None) -> int:
    """Take events ``event_pks`` out of a cluster into a new one (they report another
    happening). Returns the new cluster's pk."""
    event_pks = list(dict.fromkeys(event_pks))
    if not event_pks:
        raise InvalidChange("Name the events to split off.")
    with store.session() as s:
        cluster = _cluster(s, cluster_pk)
        members = set(_members(s, cluster.pk))
        strangers = [pk for pk in event_pks if pk not in members]
        if strangers:
            raise InvalidChange(f"event {strangers[0]} is not in cluster {cluster.id}.")
        if set(event_pks) >= members:
            raise InvalidChange("Splitting off every event leaves the cluster empty: keep at least one.")
        new = _split_off(s, cluster, event_pks)
        when = _now()
        for pk in event_pks:
            _trail(s, "events", pk, "split", "cluster", cluster.id, new.id, reviewer, reason, when)
        _trail(s, "event_clusters", cluster.pk, "split", "members", {"events": sorted(members)},
               {"cluster": new.id, "events": event_pks}, reviewer, reason, when)
        s.expire_all()
        _refresh(s, [cluster.pk, new.pk])
        return new.pk


def _split_off(s: Session, cluster: EventCluster, event_pks: list[int]) -> EventCluster:
    """A new cluster holding events ``event_pks`` of ``cluster``."""
    digest = hashlib.sha1(f"{cluster.id}|split|{sorted(event_pks)}".encode()).hexdigest()
    new = EventCluster(id="c-" + digest[:12], type=cluster.type, n_sources=1, contradictions=[])
    s.add(new)
    s.flush()
    s.execute(update(StoredEvent).where(StoredEvent.pk.in_(event_pks))
              .values(cluster_pk=new.pk).execution_options(synchronize_session=False))
    return new


def merge_people(store: Store, into: int, others: list[int], reviewer: str,
                 reason: Optional[str] = None) -> int:
    """Make people ``others`` the same person as ``into``: their spellings, roles, actors and
    mentions move to ``into`` and they are deleted. Returns ``into``."""
    others = [pk for pk in dict.fromkeys(others) if pk != into]
    if not others:
        raise InvalidChange("Name at least one other person to merge into this one.")
    with store.session() as s:
        target = s.get(Person, into, with_for_update=True)
        if target is None:
            raise RecordNotFound(f"person {into}")
        sources = []
        for pk in others:
            p = s.get(Person, pk, with_for_update=True)
            if p is None:
                raise RecordNotFound(f"person {pk}")
            sources.append(p)
        when = _now()
        for p in sources:
            _trail(s, "people", target.pk, "merge", "person",
                   {"id": p.id, "name": p.name, "aliases": sorted(a.alias for a in p.aliases)},
                   {"id": target.id, "name": target.name}, reviewer, reason, when)
            _fold_person(s, p, target)
        s.flush()
        return into


def _fold_person(s: Session, p: Person, target: Person) -> None:
    """Person ``p``'s spellings, roles, affiliations, regions, actors and mentions given to
    ``target``; ``p`` deleted."""
    known = set(s.scalars(select(PersonAlias.alias).where(PersonAlias.person_pk == target.pk)))
    for alias in s.scalars(select(PersonAlias).where(PersonAlias.person_pk == p.pk)).all():
        if alias.alias not in known:
            s.add(PersonAlias(person_pk=target.pk, alias=alias.alias, key=alias.key))
            known.add(alias.alias)
    for table in (EventActor, Mention):
        s.execute(update(table).where(table.person_pk == p.pk).values(person_pk=target.pk)
                  .execution_options(synchronize_session=False))
    target.roles = sorted(set(target.roles or []) | set(p.roles or []))
    target.affiliations = sorted(set(target.affiliations or []) | set(p.affiliations or []))
    target.regions = sorted(set(target.regions or []) | set(p.regions or []))
    s.delete(p)


# -- replaying manual decisions after links are rebuilt ------------------------------------------

def replay(s: Session) -> dict[str, int]:
    """Apply the trail's cluster merges and splits and person merges again, oldest first, to
    links just rebuilt from scratch (``link.rebuild``), so that a reviewer's decisions outlive
    the rebuild. Nothing is added to the trail. Returns how many decisions were applied again
    and how many could not be (their events or people are gone, or the trail row predates
    what replaying needs)."""
    applied = skipped = 0
    rows = s.scalars(select(Review).where(
        ((Review.table_name == "event_clusters") & Review.action.in_(("merge", "split")))
        | ((Review.table_name == "people") & (Review.action == "merge")))
        .order_by(Review.created_at, Review.pk)).all()
    for row in rows:
        if row.table_name == "people":
            done = _replay_person_merge(s, row.old_value or {}, row.new_value or {})
        elif row.action == "merge":
            done = _replay_cluster_merge(s, row.old_value or {}, row.new_value or {})
        else:
            done = _replay_split(s, row.old_value or {}, row.new_value or {})
        if done is None:
            skipped += 1
        else:
            applied += done
    s.flush()
    return {"reviews_replayed": applied, "reviews_not_replayed": skipped}


def _clusters_of(s: Session, event_pks: Iterable[int]) -> dict[int, int]:
    """Event pk -> its cluster pk, for the events still stored and linked."""
    pks = list(event_pks)
    if not pks:
        return {}
    return dict(s.execute(select(StoredEvent.pk, StoredEvent.cluster_pk).where(
        StoredEvent.pk.in_(pks), StoredEvent.cluster_pk.is_not(None))).all())


def _replay_cluster_merge(s: Session, old: dict, new: dict) -> Optional[int]:
    """Merge again the clusters now holding both sides' events; None when the row lacks
    the target's events or no event of one side is left."""
    if "events" not in new:
        return None
    kept, moved = _clusters_of(s, new["events"]), _clusters_of(s, old.get("events", []))
    if not kept or not moved:
        return None
    into = s.get(EventCluster, kept[min(kept)])
    others = {pk for pk in (*kept.values(), *moved.values()) if pk != into.pk}
    for pk in sorted(others):
        _move_cluster(s, s.get(EventCluster, pk), into)
    s.expire_all()
    _refresh(s, [into.pk])
    return 1


def _replay_split(s: Session, old: dict, new: dict) -> Optional[int]:
    """Part again the split-off events from the cluster's other events wherever linking put
    them together; None when no event of one side is left."""
    off = _clusters_of(s, new.get("events", []))
    rest = _clusters_of(s, set(old.get("events", [])) - set(off))
    if not off or not rest:
        return None
    together = sorted(pk for pk, c in off.items() if c in set(rest.values()))
    if not together:
        return 1
    cluster = s.get(EventCluster, off[together[0]])
    new_cluster = _split_off(s, cluster, together)
    s.expire_all()
    _refresh(s, {cluster.pk, new_cluster.pk, *(off[pk] for pk in together)})
    return 1


def _replay_person_merge(s: Session, old: dict, new: dict) -> Optional[int]:
    """Merge again the person ``old`` into the person ``new`` (by their ids, which linking
    derives from the spelling and the first article naming them); None if either is gone."""
    target = s.scalar(select(Person).where(Person.id == new.get("id")))
    source = s.scalar(select(Person).where(Person.id == old.get("id")))
    if target is None or source is None:
        return None
    if target.pk != source.pk:
        _fold_person(s, source, target)
        s.flush()
    return 1


# -- the trail ---------------------------------------------------------------------------------

def review_record(r: Review) -> dict[str, Any]:
    """One review as JSON-ready data."""
    return {"pk": r.pk, "table": r.table_name, "row_pk": r.row_pk, "action": r.action,
            "field": r.field, "old_value": r.old_value, "new_value": r.new_value,
            "reviewer": r.reviewer, "reason": r.reason,
            "created_at": r.created_at.isoformat(timespec="seconds") + "Z"}


def reviews(store: Store, table: Optional[str] = None, row_pk: Optional[int] = None,
            reviewer: Optional[str] = None, limit: int = 100, offset: int = 0) -> list[dict]:
    """The review trail, newest first: all of it, or one row's (``table``, ``row_pk``)."""
    with store.session() as s:
        q = select(Review)
        if table is not None:
            q = q.where(Review.table_name == table)
        if row_pk is not None:
            q = q.where(Review.row_pk == row_pk)
        if reviewer is not None:
            q = q.where(Review.reviewer == reviewer)
        q = q.order_by(Review.created_at.desc(), Review.pk.desc()).limit(limit).offset(offset)
        return [review_record(r) for r in s.scalars(q)]
