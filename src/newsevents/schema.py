"""The data model: every object the library returns, in one place.

These models *are* output contract v1 (docs/contract.md). Field names used there are
never renamed; new fields may be added. Offsets are character offsets into
``Article.text`` (the body after header lines are removed).
"""

from __future__ import annotations

import unicodedata
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

Precision = Literal["day", "week", "month", "quarter", "season", "year", "decade", "unknown"]
PlacePrecision = Literal[
    "country", "admin1", "admin2", "city", "neighbourhood", "landmark", "unknown"
]
ClaimStatus = Literal[
    "asserted", "alleged", "claimed", "denied", "planned", "postponed", "cancelled",
    "negated", "hypothetical",
]


class Model(BaseModel):
    """Base for all contract objects: unknown fields are an error, values are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Span(Model):
    text: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None


class Notice(Model):
    """A read warning about an article that was kept (``W1xx`` codes, docs/errors.md)."""

    code: str
    message: str


class Article(Model):
    """One input article after reading (stage 1)."""

    id: str
    text: str = Field(repr=False)
    date: Optional[str] = None  # "YYYY-MM-DD" or "YYYY-MM" (publication month only)
    dateline: Optional[str] = None  # normalised place name of the dateline ("Karachi")
    dateline_text: Optional[str] = None  # as written ("KARACHI")
    dateline_span: Optional[tuple[int, int]] = None  # offsets of the whole dateline ("KARACHI -")
    title: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None
    origin: Optional[str] = None  # file path / "stdin" / "file.jsonl:12"
    content_hash: Optional[str] = None  # sha256 of the body text, for de-duplication
    language: Optional[str] = None  # ISO 639-1 code detected from the body ("en"), if sure
    warnings: list[Notice] = Field(default_factory=list)  # what reading repaired (W1xx)

    def contract(self) -> dict:
        return {"id": self.id, "date": self.date, "dateline": self.dateline,
                "title": self.title, "url": self.url, "source": self.source}


class TimeMention(Span):
    """A time expression with a TIMEX3-style value (stage 3)."""

    value: Optional[str] = None  # TIMEX3 value: 2017-01-18, 2017-W03, 2016-11, PAST_REF, P2M...
    precision: Precision = "unknown"
    type: Literal["DATE", "TIME", "DURATION", "SET"] = "DATE"
    approx: bool = False
    earliest: Optional[str] = None
    latest: Optional[str] = None
    anchored: bool = True  # False when a relative expression had no article date to anchor to
    tense: Optional[Literal["past", "future", "present"]] = None


class PlaceFields(Model):
    """Where a place is: the fields every resolved place carries."""

    name: Optional[str] = None
    admin2: Optional[str] = None
    admin1: Optional[str] = None
    country: Optional[str] = None
    country_code: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    precision: PlacePrecision = "unknown"
    geonames_id: Optional[int] = None


class Place(PlaceFields):
    """A resolved gazetteer entry."""

    name: str
    population: Optional[int] = None
    parent: Optional[str] = None  # for neighbourhoods/landmarks: the city they belong to


class PlaceMention(Span, PlaceFields):
    """A toponym in the text and, where resolved, where it is (stage 4)."""

    parent: Optional[str] = None
    kind: Literal["place", "demonym", "dateline"] = "place"
    score: Optional[float] = None  # resolution confidence 0..1


def _visible(value: object) -> object:
    """A name without control, zero-width and bidirectional formatting characters (they
    stay in the article text, which span offsets quote)."""
    if isinstance(value, str):
        return " ".join("".join(ch for ch in value if unicodedata.category(ch) not in
                                ("Cc", "Cf")).split())
    if isinstance(value, list):
        return [_visible(v) for v in value]
    return value


class Actor(Span):
    """A person, organisation or group in an event role, or a mention (stage 5)."""

    name: Optional[str] = None
    kind: str = "unknown"  # person, state_forces, police, military, political_party, ...
    role: Optional[str] = None
    affiliation: Optional[str] = None
    aliases: list[str] = Field(default_factory=list)

    _clean_names = field_validator("name", "affiliation", "aliases", mode="before")(
        lambda value: _visible(value))


class Quantity(Span):
    """A count of people with bounds (stage 6)."""

    min: Optional[int] = None
    max: Optional[int] = None
    head: Optional[str] = None  # the noun counted ("workers")
    head_i: Optional[int] = Field(default=None, exclude=True)  # token index of that noun


class EventDate(Span):
    value: Optional[str] = None
    precision: Precision = "unknown"
    approx: bool = False
    earliest: Optional[str] = None
    latest: Optional[str] = None
    basis: str = "text"  # text | sentence | paragraph | article_date | none


class Location(PlaceFields):
    """Where an event happened, and on what ``basis`` (text, actor, dateline, article)."""

    text: Optional[str] = None
    sublocality: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None
    basis: str = "text"  # text | actor | dateline | article


class Count(Model):
    min: Optional[int] = None
    max: Optional[int] = None
    text: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None


class Claim(Model):
    status: ClaimStatus = "asserted"
    source: Optional[str] = None
    cue: Optional[str] = None
    cue_start: Optional[int] = None
    cue_end: Optional[int] = None


class TypeNames(Model):
    """The event type in other coding schemes (data/taxonomy.csv)."""

    acled_event_type: Optional[str] = None
    acled_sub_event_type: Optional[str] = None
    plover: Optional[str] = None
    cameo: Optional[str] = None


class AcledActors(Model):
    """The event's actors as ACLED codes them (extract/acled_actors.py): generic names such as
    "Police Forces of Nigeria" or "Civilians (Pakistan)", associated actors joined by "; ",
    interaction codes 1-8 (0: no such actor) and their two-digit combination."""

    actor1: str = ""
    assoc_actor_1: str = ""
    inter1: int = 0
    actor2: str = ""
    assoc_actor_2: str = ""
    inter2: int = 0
    interaction: int = 0
    civilian_targeting: bool = False


class Event(Model):
    id: str
    type: str
    type_names: TypeNames = Field(default_factory=TypeNames)
    trigger: Span
    sentence: Span
    date: Optional[EventDate] = None
    location: Optional[Location] = None
    agents: list[Actor] = Field(default_factory=list)
    targets: list[Actor] = Field(default_factory=list)
    count: Optional[Count] = None
    fatalities: Optional[Count] = None
    injuries: Optional[Count] = None
    claim: Claim = Field(default_factory=Claim)
    background: bool = False
    confidence: float = 0.5
    rule: Optional[str] = None  # which rule or model produced the event
    mentions: list[Span] = Field(default_factory=list)  # other spans reporting the same event
    salience: float = 0.0
    acled: Optional[AcledActors] = None  # None for types outside ACLED's scope


class Mentions(Model):
    people: list[Actor] = Field(default_factory=list)
    organizations: list[Actor] = Field(default_factory=list)
    places: list[PlaceMention] = Field(default_factory=list)
    times: list[TimeMention] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)


class ArticleResult(Model):
    """Everything extracted from one article: output contract v1, one JSONL line."""

    article: Article
    events: list[Event] = Field(default_factory=list)
    mentions: Mentions = Field(default_factory=Mentions)

    def contract(self, include_text: bool = False) -> dict:
        """The JSON-ready dict of output contract v1."""
        art = self.article.contract()
        if include_text:
            art["text"] = self.article.text
        return {
            "article": art,
            "events": [e.model_dump(mode="json") for e in self.events],
            "mentions": self.mentions.model_dump(mode="json"),
        }


class ReadProblem(Model):
    """An input that could not be read; reported and skipped, never fatal to the batch."""

    origin: str
    code: str
    message: str
