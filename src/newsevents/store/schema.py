"""The store's tables (SQLAlchemy 2 declarative), one schema for SQLite and PostgreSQL.

Every extracted field keeps its character span (``*_start``/``*_end``, offsets into
``articles.text``) so exports and the review UI can quote the sentence that says it.
The schema is created and changed only by the migrations in ``store/migrations``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint, false)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every store table."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class StoredArticle(Base):
    """One ingested article: its metadata, its text, and which extractor version read it."""

    __tablename__ = "articles"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(200), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    date: Mapped[Optional[str]] = mapped_column(String(10))
    dateline: Mapped[Optional[str]] = mapped_column(String(200))
    dateline_text: Mapped[Optional[str]] = mapped_column(String(200))
    dateline_start: Mapped[Optional[int]] = mapped_column(Integer)
    dateline_end: Mapped[Optional[int]] = mapped_column(Integer)
    title: Mapped[Optional[str]] = mapped_column(Text)
    url: Mapped[Optional[str]] = mapped_column(Text)
    source: Mapped[Optional[str]] = mapped_column(String(200))
    origin: Mapped[Optional[str]] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    extractor_version: Mapped[str] = mapped_column(String(40))
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    events: Mapped[list["StoredEvent"]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True)
    mentions: Mapped[list["Mention"]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (Index("ix_articles_date", "date"),)


class StoredPlace(Base):
    """A resolved place (gazetteer entry), shared by every event and mention located there."""

    __tablename__ = "places"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    name: Mapped[Optional[str]] = mapped_column(String(200))
    admin2: Mapped[Optional[str]] = mapped_column(String(200))
    admin1: Mapped[Optional[str]] = mapped_column(String(200))
    country: Mapped[Optional[str]] = mapped_column(String(200))
    country_code: Mapped[Optional[str]] = mapped_column(String(2))
    lat: Mapped[Optional[float]] = mapped_column(Float)
    lon: Mapped[Optional[float]] = mapped_column(Float)
    precision: Mapped[str] = mapped_column(String(20), default="unknown")
    geonames_id: Mapped[Optional[int]] = mapped_column(Integer)

    __table_args__ = (Index("ix_places_name", "name"), Index("ix_places_admin2", "admin2"),
                      Index("ix_places_admin1", "admin1"), Index("ix_places_country", "country"),
                      Index("ix_places_country_code", "country_code"))


class EventCluster(Base):
    """Events from different articles that report the same happening, with a canonical record."""

    __tablename__ = "event_clusters"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    # the member event that stands for the cluster (kept by linking, not a foreign key: the
    # two tables refer to each other)
    canonical_event_pk: Mapped[Optional[int]] = mapped_column(Integer)
    type: Mapped[Optional[str]] = mapped_column(String(40))
    n_sources: Mapped[int] = mapped_column(Integer, default=1)
    contradictions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class StoredEvent(Base):
    """One event as one article reports it (output contract v1), with every span."""

    __tablename__ = "events"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(40))
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.pk", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)  # salience rank in the article
    type: Mapped[str] = mapped_column(String(40))
    acled_event_type: Mapped[Optional[str]] = mapped_column(String(80))
    acled_sub_event_type: Mapped[Optional[str]] = mapped_column(String(80))
    plover: Mapped[Optional[str]] = mapped_column(String(40))
    cameo: Mapped[Optional[str]] = mapped_column(String(10))
    trigger_text: Mapped[Optional[str]] = mapped_column(Text)
    trigger_start: Mapped[Optional[int]] = mapped_column(Integer)
    trigger_end: Mapped[Optional[int]] = mapped_column(Integer)
    sentence_text: Mapped[Optional[str]] = mapped_column(Text)
    sentence_start: Mapped[Optional[int]] = mapped_column(Integer)
    sentence_end: Mapped[Optional[int]] = mapped_column(Integer)
    date_value: Mapped[Optional[str]] = mapped_column(String(40))
    date_precision: Mapped[Optional[str]] = mapped_column(String(20))
    date_text: Mapped[Optional[str]] = mapped_column(Text)
    date_text_start: Mapped[Optional[int]] = mapped_column(Integer)
    date_text_end: Mapped[Optional[int]] = mapped_column(Integer)
    date_approx: Mapped[bool] = mapped_column(Boolean, default=False)
    date_earliest: Mapped[Optional[str]] = mapped_column(String(40))
    date_latest: Mapped[Optional[str]] = mapped_column(String(40))
    date_basis: Mapped[Optional[str]] = mapped_column(String(20))
    date_start: Mapped[Optional[dt.date]] = mapped_column(Date)  # first day the date can mean
    date_end: Mapped[Optional[dt.date]] = mapped_column(Date)  # last day the date can mean
    place_pk: Mapped[Optional[int]] = mapped_column(ForeignKey("places.pk"))
    location_text: Mapped[Optional[str]] = mapped_column(Text)
    location_start: Mapped[Optional[int]] = mapped_column(Integer)
    location_end: Mapped[Optional[int]] = mapped_column(Integer)
    location_basis: Mapped[Optional[str]] = mapped_column(String(20))
    location_sublocality: Mapped[Optional[str]] = mapped_column(String(200))
    count: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)  # {min,max,text,start,end}
    fatalities: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    injuries: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    claim_status: Mapped[str] = mapped_column(String(20), default="asserted")
    claim_source: Mapped[Optional[str]] = mapped_column(Text)
    claim_cue: Mapped[Optional[str]] = mapped_column(String(200))
    claim_cue_start: Mapped[Optional[int]] = mapped_column(Integer)
    claim_cue_end: Mapped[Optional[int]] = mapped_column(Integer)
    background: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    salience: Mapped[float] = mapped_column(Float, default=0.0)
    rule: Mapped[Optional[str]] = mapped_column(String(200))
    other_mentions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    cluster_pk: Mapped[Optional[int]] = mapped_column(
        ForeignKey("event_clusters.pk", ondelete="SET NULL"))
    # unreviewed | accepted | rejected | edited (store/review.py); version counts reviews
    # (optimistic locking: a review names the version it saw)
    review_status: Mapped[str] = mapped_column(String(20), default="unreviewed",
                                               server_default="unreviewed")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    article: Mapped[StoredArticle] = relationship(back_populates="events")
    place: Mapped[Optional[StoredPlace]] = relationship()
    actors: Mapped[list["EventActor"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True,
        order_by="EventActor.position")

    __table_args__ = (
        UniqueConstraint("article_pk", "id", name="uq_events_article_id"),
        Index("ix_events_type_date", "type", "date_start"),
        Index("ix_events_place_type_date", "place_pk", "type", "date_start"),
        Index("ix_events_date", "date_start"),
        Index("ix_events_cluster", "cluster_pk"),
        Index("ix_events_claim", "claim_status"),
        Index("ix_events_id", "id"),
        Index("ix_events_review_status", "review_status"),
    )


class Person(Base):
    """One person resolved across articles and spellings."""

    __tablename__ = "people"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))  # normalised spelling (store/names.py)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    affiliations: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)  # admin1 seen with them

    aliases: Mapped[list["PersonAlias"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (Index("ix_people_key", "key"),)


class PersonAlias(Base):
    """A spelling of a person's name as some article wrote it."""

    __tablename__ = "person_aliases"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_pk: Mapped[int] = mapped_column(ForeignKey("people.pk", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))

    person: Mapped[Person] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("person_pk", "alias", name="uq_person_alias"),
                      Index("ix_person_aliases_key", "key"))


class EventActor(Base):
    """An agent or target of an event, with its span and, for people, who it is."""

    __tablename__ = "event_actors"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_pk: Mapped[int] = mapped_column(ForeignKey("events.pk", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(10))  # agent | target
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[Optional[str]] = mapped_column(Text)
    start: Mapped[Optional[int]] = mapped_column(Integer)
    end: Mapped[Optional[int]] = mapped_column(Integer)
    name: Mapped[Optional[str]] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="unknown")
    role: Mapped[Optional[str]] = mapped_column(String(200))
    affiliation: Mapped[Optional[str]] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    person_pk: Mapped[Optional[int]] = mapped_column(ForeignKey("people.pk", ondelete="SET NULL"))

    event: Mapped[StoredEvent] = relationship(back_populates="actors")
    person: Mapped[Optional[Person]] = relationship()

    __table_args__ = (Index("ix_event_actors_event", "event_pk"),
                      Index("ix_event_actors_person", "person_pk"),
                      Index("ix_event_actors_name", "name"))


class Mention(Base):
    """A person, organisation, place, time or quantity mentioned in an article, with its span."""

    __tablename__ = "mentions"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.pk", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # person|organization|place|time|quantity
    text: Mapped[Optional[str]] = mapped_column(Text)
    start: Mapped[Optional[int]] = mapped_column(Integer)
    end: Mapped[Optional[int]] = mapped_column(Integer)
    value: Mapped[Optional[str]] = mapped_column(String(200))  # name, TIMEX3 value, place name
    place_pk: Mapped[Optional[int]] = mapped_column(ForeignKey("places.pk"))
    person_pk: Mapped[Optional[int]] = mapped_column(ForeignKey("people.pk", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the rest of the mention

    article: Mapped[StoredArticle] = relationship(back_populates="mentions")
    person: Mapped[Optional[Person]] = relationship()

    __table_args__ = (Index("ix_mentions_article", "article_pk"),
                      Index("ix_mentions_person", "person_pk"),
                      Index("ix_mentions_kind_value", "kind", "value"))


class Review(Base):
    """Who changed which stored value, when and why (the review trail)."""

    __tablename__ = "reviews"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_pk: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20), default="edit", server_default="edit")
    field: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[Optional[Any]] = mapped_column(JSON)
    new_value: Mapped[Optional[Any]] = mapped_column(JSON)
    reviewer: Mapped[Optional[str]] = mapped_column(String(200))
    reason: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    __table_args__ = (Index("ix_reviews_row", "table_name", "row_pk"),
                      Index("ix_reviews_created", "created_at"))


class User(Base):
    """Someone who may log in to the server: reader, reviewer or admin (serve/auth.py)."""

    __tablename__ = "users"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    role: Mapped[str] = mapped_column(String(20))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class LoginSession(Base):
    """A logged-in browser: the sha256 of its cookie token and its CSRF token."""

    __tablename__ = "sessions"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.pk", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ApiToken(Base):
    """A token for scripts (``Authorization: Bearer``); only its sha256 is stored."""

    __tablename__ = "api_tokens"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.pk", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class LoginFailure(Base):
    """A failed login (name tried, client address, when), kept for the window of the login
    rate limit so that every server process sharing the store counts the same failures."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_address_at", "address", "at"),
                      Index("ix_login_failures_at", "at"))
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
