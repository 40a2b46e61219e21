"""The gazetteer: building, importing, exact and fuzzy look-ups."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from newsevents import gazetteer as gz
from newsevents.errors import GazetteerImportError, GazetteerMissing
from newsevents.gazetteer import Gazetteer, build, import_geonames, import_places_csv, normalise


@pytest.fixture(scope="module")
def real(gazetteer_path: Path) -> Gazetteer:
    return Gazetteer.open(gazetteer_path)


# -- a tiny gazetteer built from fixture sources ----------------------------------------------------

def _city(gid: int, name: str, lat: float, lon: float, pop: int, cc: str = "XA", admin1: str = "01",
          alternates: tuple = ()) -> dict:
    return {"geonameid": gid, "name": name, "latitude": lat, "longitude": lon, "countrycode": cc,
            "population": pop, "admin1code": admin1, "alternatenames": list(alternates)}


def _tiny_sources() -> gz._Sources:
    cities = [_city(1, "Alphaville", 10.0, 20.0, 90_000, alternates=("Alfaville", "ALV", "アルファ")),
              _city(2, "Betatown", 10.5, 20.5, 2_000),
              _city(3, "Tinyplace", 11.0, 21.0, 100)]
    subdivisions = [["North Province", "XA-01", "XA.01", "101", "Province", "Northland", "1", "", "1"],
                    ["Alpha District", "", "XA.01.7", "102", "", "", "2", "1", "1"]]
    countries = {"XA": {"name": "Examplia", "geonameid": 100, "population": 1_000_000,
                        "capital": "Alphaville", "alternates": ["Republic of Examplia"]}}
    return gz._Sources(cities, subdivisions, {1: [1, 2], 2: [1]}, countries)


@pytest.fixture()
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(gz, "_read_sources", _tiny_sources)
    monkeypatch.setattr(gz, "_countryinfo", dict)
    path = tmp_path / "tiny.sqlite"
    build(path)
    return path


def test_build_tiny_sources(tiny: Path) -> None:
    g = Gazetteer.open(tiny)
    alpha = g.lookup("Alphaville")[0]
    assert (alpha.country, alpha.admin1, alpha.admin2, alpha.precision) == (
        "Examplia", "North Province", "Alpha District", "city")
    assert g.lookup("Alfaville")[0].geonames_id == 1
    assert g.lookup("ALV") == []  # short codes are not names
    assert g.lookup("Tinyplace") == []  # under the population threshold
    province = g.lookup("Northland")[0]
    assert province.precision == "admin1"
    assert (province.lat, province.lon) == (10.5, 20.5)  # centre of all its places
    assert g.lookup("Republic of Examplia")[0].precision == "country"


def test_build_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn, min_population, say):
        conn.execute("INSERT INTO meta VALUES ('partial', '1')")
        raise RuntimeError("interrupted")

    monkeypatch.setattr(gz, "_fill", broken)
    path = tmp_path / "g.sqlite"
    with pytest.raises(RuntimeError):
        build(path)
    assert list(tmp_path.iterdir()) == []


def test_get_gazetteer_builds_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gz, "_read_sources", _tiny_sources)
    monkeypatch.setattr(gz, "_countryinfo", dict)
    path = tmp_path / "cache" / "g.sqlite"
    first = gz.get_gazetteer(path)
    assert path.is_file() and first.count() > 0
    assert gz.get_gazetteer(path) is first


@pytest.mark.parametrize("content", [None, b"not a database at all"])
def test_open_missing_or_broken(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "g.sqlite"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(GazetteerMissing):
        Gazetteer.open(path)


# -- imports ---------------------------------------------------------------------------------------

CSV_HEADER = "# local places\nname,alternate_names,kind,parent,lat,lon,country_code\n"


def test_import_places_csv(tiny: Path, tmp_path: Path) -> None:
    src = tmp_path / "local.csv"
    src.write_text(CSV_HEADER + "Old Quarter,Vieux Quartier|Old Town Quarter,neighbourhood,Alphaville,10.01,20.02,\n"
                   "Central Market,,landmark,Alphaville,,,\n", "utf-8")
    assert import_places_csv(tiny, src) == 2
    g = Gazetteer.open(tiny)
    quarter = g.lookup("Vieux Quartier")[0]
    assert (quarter.name, quarter.parent, quarter.admin1, quarter.country_code, quarter.precision) == (
        "Old Quarter", "Alphaville", "North Province", "XA", "neighbourhood")
    market = g.lookup("Central Market")[0]
    assert (market.lat, market.lon) == (10.0, 20.0)  # no point given: its parent's


@pytest.mark.parametrize("row, problem", [
    ("Somewhere,,volcano,Alphaville,1,2,", "kind 'volcano'"),
    ("Somewhere,,neighbourhood,Alphaville,95,2,", "bad coordinate"),
    ("Somewhere,,neighbourhood,Alphaville,north,2,", "bad coordinate"),
    (",,neighbourhood,Alphaville,1,2,", "name is empty"),
    ("Somewhere,,neighbourhood,Nowhere City,,,", "parent place"),
    ("Somewhere,,neighbourhood,Alphaville,1,2,XA,extra", "more fields"),
])
def test_import_places_csv_bad_rows(tiny: Path, tmp_path: Path, row: str, problem: str) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(CSV_HEADER + "Good Place,,neighbourhood,Alphaville,10,20,\n" + row + "\n", "utf-8")
    before = Gazetteer.open(tiny).count()
    with pytest.raises(GazetteerImportError) as err:
        import_places_csv(tiny, src)
    assert err.value.code == "E204"
    assert problem in str(err.value) and "line 4" in str(err.value)
    assert Gazetteer.open(tiny).count() == before  # all or nothing


def test_import_places_csv_needs_columns(tiny: Path, tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("title,lat,lon\nX,1,2\n", "utf-8")
    with pytest.raises(GazetteerImportError, match="lacks column.s. kind, name"):
        import_places_csv(tiny, src)


def _dump_line(gid: int, name: str, fclass: str, fcode: str, lat: str = "10.2", pop: str = "5000",
               alternates: str = "") -> str:
    fields = [str(gid), name, name, alternates, lat, "20.2", fclass, fcode, "XA", "", "01", "7",
              "", "", pop, "", "12", "Etc/UTC", "2024-01-01"]
    return "\t".join(fields)


def test_import_geonames(tiny: Path, tmp_path: Path) -> None:
    dump = tmp_path / "XA.txt"
    dump.write_text("\n".join([
        _dump_line(500, "Gammaburg", "P", "PPL", alternates="Gamma,GMB"),
        _dump_line(501, "Old Fort", "S", "CSTL", pop="0"),
        _dump_line(502, "Some Stream", "V", "FRST"),  # vegetation: not kept
        _dump_line(2, "Betatown Renamed", "P", "PPL"),  # replaces place 2
    ]) + "\n", "utf-8")
    assert import_geonames(tiny, dump) == 3
    g = Gazetteer.open(tiny)
    gamma = g.lookup("Gamma")[0]
    assert (gamma.name, gamma.admin1, gamma.admin2, gamma.country) == (
        "Gammaburg", "North Province", "Alpha District", "Examplia")
    assert g.lookup("Old Fort")[0].precision == "landmark"
    assert g.lookup("Some Stream") == [] and g.lookup("Betatown") == []
    assert g.lookup("Betatown Renamed")[0].geonames_id == 2


def test_import_geonames_reports_progress_in_lines(tiny: Path, tmp_path: Path) -> None:
    dump = tmp_path / "XB.txt"
    dump.write_text("\n".join(_dump_line(600 + i, f"Town {i}", "P", "PPL") for i in range(2500)) + "\n",
                    "utf-8")
    calls = []
    assert import_geonames(tiny, dump, progress=lambda n=1, total=None: calls.append((n, total))) == 2500
    assert calls == [(0, 2500), (1000, None), (1000, None)]


@pytest.mark.parametrize("line, problem", [
    ("500\tShort\tline", "3 tab-separated fields"),
    (_dump_line(501, "Bad Lat", "P", "PPL", lat="north"), "bad number"),
    (_dump_line(502, "Bad Pop", "P", "PPL", pop="many"), "bad number"),
])
def test_import_geonames_bad_lines(tiny: Path, tmp_path: Path, line: str, problem: str) -> None:
    dump = tmp_path / "XA.txt"
    dump.write_text(_dump_line(499, "Fine Town", "P", "PPL") + "\n" + line + "\n", "utf-8")
    with pytest.raises(GazetteerImportError) as err:
        import_geonames(tiny, dump)
    assert problem in str(err.value) and "line 2" in str(err.value)
    assert Gazetteer.open(tiny).lookup("Fine Town") == []


def test_imports_survive_a_rebuild(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "local.csv"
    src.write_text(CSV_HEADER + "Old Quarter,Vieux Quartier,neighbourhood,Alphaville,10.01,20.02,\n", "utf-8")
    dump = tmp_path / "XA.txt"
    dump.write_text(_dump_line(2, "Betatown Renamed", "P", "PPL") + "\n", "utf-8")
    import_places_csv(tiny, src)
    import_geonames(tiny, dump)
    monkeypatch.setattr(gz, "sources_fingerprint", lambda min_population=500: "changed sources")
    gz._open_or_build.cache_clear()
    g = gz.get_gazetteer(tiny)  # out of date: rebuilt from the bundled sources
    assert g.meta("sources") == "changed sources"
    quarter = g.lookup("Vieux Quartier")[0]
    assert (quarter.name, quarter.admin1, quarter.lat) == ("Old Quarter", "North Province", 10.01)
    assert g.lookup("Betatown") == [] and g.lookup("Betatown Renamed")[0].geonames_id == 2
    assert [(i["kind"], i["places"]) for i in gz.imports(tiny)] == [("csv", 1), ("geonames", 1)]
    g.close()
    gz._open_or_build.cache_clear()
    build(tiny, keep_imports=False)
    assert Gazetteer.open(tiny).lookup("Vieux Quartier") == [] and gz.imports(tiny) == []


@pytest.mark.parametrize("name, alternates, english", [
    ("Ḩalab", ["Aleppo", "Aleppo Governorate", "حلب"], "Aleppo"),
    ("Donetska oblast", ["Donetsk", "Donetsk Oblast"], "Donetsk"),
    ("Ningxia Huizu Zizhiqu", ["Ningxia", "Ningxia Hui Autonomous Region"], "Ningxia"),
    ("Rājasthān", ["State of Rājasthān"], "Rajasthan"),
    ("Ma’rib", ["Marib Governorate"], "Marib"),
    ("Khyber Pakhtunkhwa", ["North-West Frontier Province"], "Khyber Pakhtunkhwa"),
    ("Provence-Alpes-Côte-d’Azur", [], "Provence-Alpes-Cote-d'Azur"),
])
def test_english_region_name(name: str, alternates: list[str], english: str) -> None:
    assert gz.english_region_name(name, alternates) == english


@pytest.mark.parametrize("name, alternates, english, cities, expected", [
    # an exonym GeoNames also lists, for a name with a designator
    ("Kralovehradecký kraj", ["Hradec Králové Region"], ["Hradec Králové", "Land of Castles"], {},
     "Hradec Kralove"),
    # the English form without its designator, spelt like the local name
    ("Smolenskaja oblast'", [], ["Smolensk"], {}, "Smolensk"),
    ("Tatarstan, Respublika", [], ["Republic of Tatarstan"], {}, "Tatarstan"),
    # the name of the province's own city, as GeoNames names that city
    ("Toshkent", ["Tashkent"], ["Tashkent City"], {"toshkent": "Tashkent"}, "Tashkent"),
    # an exonym of a name with transliteration marks, but not a respelling of it
    ("Kríti", ["Crete"], ["Crete"], {}, "Crete"),
    ("Parwān", ["Parvan"], ["Parvan"], {}, None),
    # a local suffix
    ("Tartumaa", ["Tartu"], ["Tartu"], {}, "Tartu"),
    # a plain name stays; nicknames, generic translations and longer forms are not taken
    ("Tirol", ["Tyrol"], ["Tyrol"], {}, None),
    ("Yobe", [], ["Pride of the Sahel"], {}, None),
    ("Töv", ["Central"], ["Central"], {}, None),
    ("Northshire", ["State of Northshire"], ["State of Northshire"], {}, None),
])
def test_iso_english_name(name: str, alternates: list[str], english: list[str], cities: dict,
                          expected: str | None) -> None:
    assert gz.iso_english_name(name, alternates, english, cities) == expected


def test_iso_english_name_not_another_province() -> None:
    # "Nortia" is the province around the capital city's own division
    assert gz.iso_english_name("Ciudad Autónoma de Nortia", ["Nortia"],
                               ["Autonomous City of Nortia"], {}, frozenset({"nortia"})) is None


@pytest.mark.parametrize("name, country_code, admin1", [
    ("Donetsk Oblast", "UA", "Donetsk"), ("Ḩalab", "SY", "Aleppo"), ("Gyeonggi-do", "KR", "Gyeonggi"),
    ("KPK", "PK", "Khyber Pakhtunkhwa"),
])
def test_provinces_have_english_names(real: Gazetteer, name: str, country_code: str, admin1: str) -> None:
    region = next(c for c in real.candidates(name) if c.kind == "admin1")
    assert (region.place.country_code, region.place.admin1, region.place.name) == (country_code, admin1, admin1)


def test_import_needs_a_gazetteer(tmp_path: Path) -> None:
    csv_file = tmp_path / "p.csv"
    csv_file.write_text(CSV_HEADER, "utf-8")
    with pytest.raises(GazetteerMissing):
        import_places_csv(tmp_path / "none.sqlite", csv_file)


# -- names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, key", [
    ("Gulistan-e-Jauhar", "gulistan e jauhar"),
    ("U.S.", "us"),
    ("the United States", "united states"),
    ("São Paulo", "sao paulo"),
    ("Karachi's", "karachis"),
    ("  W. Va. ", "w va"),
])
def test_normalise(name: str, key: str) -> None:
    assert normalise(name) == key


@pytest.mark.parametrize("name, usable", [
    ("Karatschi", True), ("KHI", False), ("karachi", False), ("Карачи", False), ("Route 66", False),
    ("Ka", False),
])
def test_usable_alternate(name: str, usable: bool) -> None:
    assert gz.usable_alternate(name) is usable


# -- the bundled gazetteer ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, country_code, admin1", [
    ("Karachi", "PK", "Sindh"), ("Lahore", "PK", "Punjab"), ("Paris", "FR", "Ile-de-France"),
])
def test_lookup_cities(real: Gazetteer, name: str, country_code: str, admin1: str) -> None:
    best = real.lookup(name)[0]
    assert (best.name, best.country_code, best.admin1, best.precision) == (name, country_code, admin1, "city")
    assert best.population > 1_000_000 and best.lat is not None


@pytest.mark.parametrize("name, expected, precision", [
    ("U.S.", "United States", "country"), ("the United States", "United States", "country"),
    ("UK", "United Kingdom", "country"), ("Britain", "United Kingdom", "country"),
    ("W.Va.", "West Virginia", "admin1"), ("Sindh", "Sindh", "admin1"),
    ("Federal B Area", "Federal B Area", "neighbourhood"), ("Europe", "Europe", "unknown"),
])
def test_lookup_names(real: Gazetteer, name: str, expected: str, precision: str) -> None:
    best = real.lookup(name)[0]
    assert (best.name, best.precision) == (expected, precision)


def test_additions_inherit_their_city(real: Gazetteer) -> None:
    place = real.lookup("Federal B Area")[0]
    assert (place.parent, place.admin2, place.admin1, place.country, place.country_code) == (
        "Karachi", "Karachi", "Sindh", "Pakistan", "PK")


def test_city_outranks_region_of_same_name(real: Gazetteer) -> None:
    assert real.lookup("Alexandria")[0].country_code == "EG"
    assert real.lookup("Alexandria")[0].precision == "city"
    assert real.lookup("Alexandria", country_code="US")[0].admin1 == "Virginia"


def test_fuzzy(real: Gazetteer) -> None:
    place, score = real.fuzzy("Liaquatabd", country_code="PK")[0]
    assert (place.name, place.admin1) == ("Liaquatabad", "Sindh") and score >= 88
    assert real.fuzzy("Liaquatabd")[0][0].name == "Liaquatabad"
    assert real.fuzzy("Zq") == []


def _fuzzy_by_sql(g: Gazetteer, key: str, country_code: str | None, limit: int, cutoff: float) -> tuple:
    """The fuzzy look-up done the plain way: every name of the prefix (in the country) read
    from the file and scored, the best ``limit`` names' candidates kept."""
    from rapidfuzz import fuzz, process
    prefix = key[:1] if country_code else key[:2]
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    sql = "SELECT DISTINCT n.norm FROM names n JOIN places p ON p.id = n.place_id WHERE n.norm >= ? " \
          "AND n.norm < ? AND length(n.norm) BETWEEN ? AND ?" + (" AND p.country_code = ?" if country_code else "")
    args = (prefix, upper, len(key) - 3, len(key) + 3) + ((country_code,) if country_code else ())
    choices = [r[0] for r in g._rows(sql, args) if r[0] != key]
    close = process.extract(key, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
    found = [(c, round(score, 1)) for other, score, _ in close for c in g.candidates(other, country_code, 3)]
    found.sort(key=lambda cs: (-cs[1], -cs[0].prior))
    return tuple(found[:limit])


@pytest.mark.parametrize("name, code", [
    ("Karachii", "PK"), ("Peshawr", None), ("Montreall", "CA"), ("Nairobbi", None), ("Springfeld", "US"),
    ("Alexandra", "EG"), ("Sao Paolo", "BR"), ("Qwertyville", None)])
@pytest.mark.parametrize("limit, cutoff", [(8, 88.0), (2, 80.0)])
def test_fuzzy_scores_in_memory_as_by_sql(real: Gazetteer, name: str, code: str | None, limit: int,
                                          cutoff: float) -> None:
    """Names read once per initial and scored in memory give what scoring the names read from
    the file for each look-up gives, ties and the country's names alike."""
    key = normalise(name)
    assert real.fuzzy_candidates(name, code, limit, cutoff) == list(_fuzzy_by_sql(real, key, code, limit, cutoff))


@pytest.mark.parametrize("word, code", [
    ("Pakistani", "PK"), ("Pakistanis", "PK"), ("Turkish", "TR"), ("American", "US"), ("British", "GB"),
    ("Karachi", None),
])
def test_demonyms(real: Gazetteer, word: str, code: str | None) -> None:
    assert real.demonym(word) == code


def test_bundled_gazetteer_is_fast_and_complete(gazetteer_path: Path) -> None:
    started = time.perf_counter()
    g = Gazetteer.open(gazetteer_path)
    g.lookup("Quetta")
    assert time.perf_counter() - started < 0.5
    assert g.count() > 200_000
    assert g.meta("sources") == gz.sources_fingerprint(int(g.meta("min_population")))
    with sqlite3.connect(gazetteer_path) as conn:
        plans = " ".join(r[-1] for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM names WHERE norm = 'karachi'"))
    assert "USING PRIMARY KEY" in plans or "USING INDEX" in plans
