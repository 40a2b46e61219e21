"""Where the gazetteer puts places that are areas: countries, provinces, natural features."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsevents import gazetteer as gz
from newsevents.gazetteer import Gazetteer, km_between


@pytest.fixture(scope="module")
def real(gazetteer_path: Path) -> Gazetteer:
    return Gazetteer.open(gazetteer_path)


def test_hull_centre_is_not_pulled_by_a_crowded_corner() -> None:
    # a square province, its towns crowded into the south-west corner
    corner = [(0.1 * i, 0.1 * j) for i in range(5) for j in range(5)]
    points = [*corner, (0.0, 10.0), (10.0, 0.0), (10.0, 10.0)]
    lat, lon = gz._hull_centre(points)
    assert abs(lat - 5.0) < 0.3 and abs(lon - 5.0) < 0.3
    mean_lat = sum(p[0] for p in points) / len(points)
    assert mean_lat < 2.0  # what the places' mean would have said


def test_hull_centre_across_the_antimeridian() -> None:
    lat, lon = gz._hull_centre([(50.0, 179.0), (52.0, 179.0), (50.0, -179.0), (52.0, -179.0)])
    assert lat == pytest.approx(51.0) and abs(abs(lon) - 180.0) < 0.01


def test_hull_centre_of_a_line_is_its_box_centre() -> None:
    assert gz._hull_centre([(10.0, 20.0), (11.0, 21.0), (12.0, 22.0)]) == (11.0, 21.0)


def test_country_points_file_is_valid() -> None:
    points = gz._country_overrides()
    assert points and all(len(code) == 2 and code.isupper() for code in points)


@pytest.mark.parametrize("name, lat, lon, within", [
    ("United States", 39.8, -98.6, 30),  # the contiguous states' centre, not the Factbook's 38N 97W
    ("Canada", 60.0, -95.0, 30),  # the Factbook's: its mainland's centroid lies too far south
    ("China", 35.0, 105.0, 150), ("Russia", 60.0, 100.0, 150),  # halfway to the mainland's centroid
])
def test_country_points(real: Gazetteer, name: str, lat: float, lon: float, within: float) -> None:
    country = real.lookup(name)[0]
    assert country.precision == "country"
    assert km_between(country.lat, country.lon, lat, lon) < within


def test_province_point_lies_near_its_middle(real: Gazetteer) -> None:
    # Texas's geographic centre is near Brady (31.1N 99.3W); its towns crowd to the east
    texas = real.lookup("Texas", country_code="US")[0]
    assert texas.precision == "admin1" and km_between(texas.lat, texas.lon, 31.1, -99.3) < 100


@pytest.mark.parametrize("name, code", [("Zaire", "CD"), ("Ceylon", "LK"), ("Upper Volta", "BF")])
def test_former_country_names(real: Gazetteer, name: str, code: str) -> None:
    best = real.lookup(name)[0]
    assert (best.precision, best.country_code) == ("country", code)


@pytest.mark.parametrize("name, lat, lon", [
    ("Strait of Hormuz", 26.5, 56.5), ("Black Sea", 43.5, 34.0), ("Sumatra", 0.0, 101.5),
    ("Himalayas", 28.5, 84.0), ("Lake Victoria", -1.0, 33.0),
])
def test_natural_features(real: Gazetteer, name: str, lat: float, lon: float) -> None:
    best = real.lookup(name)[0]
    assert best.name == name and best.precision == "unknown"
    assert (best.lat, best.lon) == (lat, lon)


def test_province_points_file_is_valid() -> None:
    points = gz._iso_points()
    assert len(points) > 3000
    assert all(code[:2].isupper() and "-" in code and -90 <= lat <= 90 and -180 <= lon <= 180
               for code, (lat, lon) in points.items())


def test_iso_point_used_only_inside_the_area_of_its_places() -> None:
    towns = [(30.0, 70.0), (31.0, 71.0), (29.5, 70.5)]
    assert gz._within((30.2, 70.4), towns)
    assert gz._within((29.2, 69.6), towns)  # within the half-degree margin
    assert not gz._within((45.0, 70.0), towns)  # another province's point

