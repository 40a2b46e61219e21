"""Loaders for the knowledge files in ``newsevents/data/`` (lexicons, aliases, mappings).

Each file starts with ``#`` lines saying where its entries come from; loaders skip them.
Everything is read once and cached: the files are part of the installed package.
"""

from __future__ import annotations

import csv
import json
import tomllib
from functools import lru_cache
from importlib import resources

from .errors import DataFileError


def data_lines(name: str) -> list[str]:
    """The non-comment, non-blank lines of data file ``name``."""
    try:
        text = resources.files("newsevents").joinpath(f"data/{name}").read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(name, reason=str(exc)) from exc
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def toml(name: str) -> dict:
    """The table of TOML data file ``name``; an unreadable or malformed file is a DataFileError."""
    try:
        return tomllib.loads(resources.files("newsevents").joinpath(f"data/{name}").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(name, reason=str(exc)) from exc


def jsonl(name: str) -> list[dict]:
    out = []
    for n, line in enumerate(data_lines(name), 1):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFileError(name, reason=f"record {n}: {exc}") from exc
        if "#" not in rec:
            out.append(rec)
    return out


def tsv(name: str, columns: int) -> list[list[str]]:
    """Rows of a tab-separated file, each padded/validated to ``columns`` fields."""
    rows = []
    for n, line in enumerate(data_lines(name), 1):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < columns:
            raise DataFileError(name, reason=f"row {n} has {len(parts)} fields, expected {columns}")
        rows.append(parts[:columns])
    return rows


def csv_records(name: str) -> list[dict]:
    return list(csv.DictReader(data_lines(name)))


@lru_cache(maxsize=1)
def organizations() -> list[dict]:
    """Organisation records: name, aliases, kind, country, short (data/organizations.jsonl)."""
    return jsonl("organizations.jsonl")


@lru_cache(maxsize=1)
def organization_index() -> dict[str, dict]:
    """Canonical name → organisation record."""
    return {o["name"]: o for o in organizations()}


@lru_cache(maxsize=1)
def local_places() -> list[dict]:
    """Curated local places (data/places_additions.csv)."""
    return csv_records("places_additions.csv")


@lru_cache(maxsize=1)
def actor_terms() -> dict[str, str]:
    """Actor noun phrase (lower-case) → actor kind (data/actor_terms.tsv)."""
    return {phrase: kind for phrase, kind in tsv("actor_terms.tsv", 2)}


@lru_cache(maxsize=1)
def roles() -> dict[str, str]:
    """Role phrase (lower-case) → domain (data/roles.tsv)."""
    return {role: domain for role, domain in tsv("roles.tsv", 2)}


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, dict]:
    """Event type code → ACLED/PLOVER/CAMEO names (data/taxonomy.csv)."""
    return {row["code"]: row for row in csv_records("taxonomy.csv")}
