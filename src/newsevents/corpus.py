"""The team-written event corpus (``data/training/events/*.jsonl``): schema, loader and check.

Each record is a sentence, a headline or a short report, with every event it tells annotated:
the trigger, the ACLED-style type (``data/taxonomy.csv``), the PLOVER type and mode, the agents
and targets with their kinds, counts of dead, injured and detained, and the claim status. Spans
are written as the exact text they cover (``"nth"`` picks a later occurrence); the loader turns
them into character offsets and rejects a span that is not in the text, so a record that cannot
be located is an error at load, not a silently wrong training example.

``python -m newsevents.corpus check FILE...`` validates files and prints their counts.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import DataFileError
from .knowledge import taxonomy
from .schema import ClaimStatus

CORPUS_DIR = "training/events"

# Actor kinds: the product's kinds (data/actor_terms.tsv, organizations.jsonl) and ACLED's classes.
ActorKind = Literal[
    "state_forces", "police", "military", "intelligence", "government", "court",
    "rebels", "militant_group", "political_militia", "identity_militia", "unidentified_armed_group",
    "rioters", "protesters", "civilians", "person", "journalists", "lawyers", "farmers", "traders",
    "students", "activists", "political_party", "party_members", "ngo", "international",
    "foreign_government", "business", "criminal_group", "unknown",
]
# CAMEO/PLOVER actor sectors
Sector = Literal[
    "GOV", "MIL", "COP", "JUD", "LEG", "OPP", "PTY", "REB", "INS", "SEP", "CVL", "MED", "BUS",
    "EDU", "HLH", "LAB", "REF", "CRM", "NGO", "IGO", "UAF", "SPY", "REL", "ELI",
]
PloverType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "INVESTIGATE",
    "DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "SANCTION", "PROTEST", "CRIME", "MOBILIZE",
    "COERCE", "ASSAULT",
]
Style = Literal["wire", "local_press", "ngo_report", "acled_note", "headline", "report",
                "sports", "business", "entertainment", "science", "weather", "opinion", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpanText(_Model):
    text: str = Field(min_length=1)
    nth: int = Field(default=1, ge=1)  # which occurrence of ``text`` in the record's text
    start: Optional[int] = None  # filled by the loader
    end: Optional[int] = None


class Argument(SpanText):
    kind: ActorKind
    sector: Optional[Sector] = None
    country: Optional[str] = None  # the actor's country when the text says it
    refers_to: Optional[str] = None  # a pronoun's or description's antecedent, as it is written


class Tally(SpanText):
    n: int = Field(ge=0)  # the count (a lower bound for "at least 9", the minimum of a range)


class AnnotatedEvent(_Model):
    trigger: SpanText
    type: str  # a code of data/taxonomy.csv
    plover: Optional[PloverType] = None
    mode: Optional[str] = None
    acled: bool = True  # whether ACLED would code this event
    agents: list[Argument] = Field(default_factory=list)
    targets: list[Argument] = Field(default_factory=list)
    fatalities: Optional[Tally] = None
    injuries: Optional[Tally] = None
    detained: Optional[Tally] = None
    claim: ClaimStatus = "asserted"
    claim_source: Optional[SpanText] = None
    main: bool = False


class CorpusRecord(_Model):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    style: Style
    country: Optional[str] = None
    events: list[AnnotatedEvent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _locate(self) -> "CorpusRecord":
        codes = taxonomy()
        mains = sum(e.main for e in self.events)
        if self.events and mains != 1:
            raise ValueError(f"a record with events marks exactly one main event, not {mains}")
        for ev in self.events:
            if ev.type not in codes:
                raise ValueError(f"unknown type {ev.type!r}")
            spans: list[SpanText] = [ev.trigger, *ev.agents, *ev.targets]
            spans += [s for s in (ev.fatalities, ev.injuries, ev.detained, ev.claim_source) if s]
            for span in spans:
                at = -1
                for _ in range(span.nth):
                    at = self.text.find(span.text, at + 1)
                    if at < 0:
                        raise ValueError(f"span {span.text!r} (occurrence {span.nth}) not in the text")
                span.start, span.end = at, at + len(span.text)
            for arg in (*ev.agents, *ev.targets):
                if arg.refers_to is not None and arg.refers_to not in self.text:
                    raise ValueError(f"antecedent {arg.refers_to!r} not in the text")
        return self


def parse_lines(lines: list[str], origin: str) -> list[CorpusRecord]:
    """Records of JSONL ``lines`` (``#`` lines are comments); a bad record is a DataFileError."""
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            out.append(CorpusRecord.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()
            raise DataFileError(origin, reason=f"line {n}: {' '.join(first[:3])}") from exc
    return out


def corpus_files() -> list[str]:
    """The corpus parts shipped with the package, by name."""
    folder = resources.files("newsevents").joinpath(f"data/{CORPUS_DIR}")
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".jsonl"))


@lru_cache(maxsize=1)
def load() -> tuple[CorpusRecord, ...]:
    """Every record of the shipped corpus, validated; ids must be unique."""
    records: list[CorpusRecord] = []
    for name in corpus_files():
        text = resources.files("newsevents").joinpath(f"data/{CORPUS_DIR}/{name}").read_text("utf-8")
        records += parse_lines(text.splitlines(), f"{CORPUS_DIR}/{name}")
    dup = [i for i, c in Counter(r.id for r in records).items() if c > 1]
    if dup:
        raise DataFileError(CORPUS_DIR, reason=f"duplicate ids: {', '.join(sorted(dup)[:5])}")
    return tuple(records)


def summary(records: list[CorpusRecord] | tuple[CorpusRecord, ...]) -> dict:
    events = [e for r in records for e in r.events]
    return {
        "records": len(records),
        "negatives": sum(not r.events for r in records),
        "events": len(events),
        "countries": len({r.country for r in records if r.country}),
        "styles": dict(Counter(r.style for r in records).most_common()),
        "types": dict(Counter(e.type for e in events).most_common()),
        "plover": dict(Counter(e.plover for e in events).most_common()),
        "with_agent": sum(bool(e.agents) for e in events),
        "with_target": sum(bool(e.targets) for e in events),
    }


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "check":
        print("usage: python -m newsevents.corpus check FILE...", file=sys.stderr)
        return 2
    records: list[CorpusRecord] = []
    for path in argv[1:]:
        try:
            records += parse_lines(Path(path).read_text("utf-8").splitlines(), path)
        except DataFileError as exc:
            print(exc, file=sys.stderr)
            return 1
    dup = [i for i, c in Counter(r.id for r in records).items() if c > 1]
    if dup:
        print(f"duplicate ids: {', '.join(sorted(dup)[:10])}", file=sys.stderr)
        return 1
    print(json.dumps(summary(records), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
