"""US ZIP codes: clean what spreadsheets do to them, and find their centroids offline.

The ZIP list (point, state, county, city per ZIP code) comes from the PyPI package ``zipcodes``; ``maps/build_maps.py``
writes it as ``maps/us-zip-points.csv`` (:data:`ZIP_POINTS_FILE`), which reads in about 0.1 s where the package takes
0.7 s and keeps ~90 MB of dictionaries alive. :func:`zip_centroids` builds lookup arrays once per process and keeps
them (the list never changes while the program runs). Lookups are then numpy indexing: a million accounts cost
milliseconds.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..resources import maps_dir

#: ZIP normalisation outcomes (values of :func:`normalize_zip_codes`'s ``status`` array).
ZIP_OK, ZIP_BLANK, ZIP_INVALID = 0, 1, 2
#: Repairs, reported as warnings: a leading zero restored (``2134`` → ``02134``), ZIP+4 read by its ZIP part.
ZIP_ZERO_RESTORED, ZIP_PLUS4 = 3, 4

_ZIP5 = re.compile(r"^(\d{5})(?:[-\s]?\d{4})?$")
_ZIP_DROPPED = re.compile(r"^(\d{3,4})(?:-(\d{4}))?$")
_ZIP9_DROPPED = re.compile(r"^\d{7,8}$")
_FLOAT_TAIL = re.compile(r"\.0+$")

#: The bundled ZIP list in ``maps/`` and its columns (text except ``lon``/``lat``, which are empty where unknown).
ZIP_POINTS_FILE = "us-zip-points.csv"
ZIP_POINT_COLUMNS = ("zip", "lon", "lat", "state", "county", "city", "kind")


@dataclass(frozen=True)
class ZipCentroids:
    """The ZIP list as arrays. ``row_of[zip as int]`` is the ZIP's row in the other arrays, or -1 if unknown.

    ``lon``/``lat`` are NaN for ZIP codes the list gives no location (military APO/FPO codes and a few others).
    """

    row_of: NDArray[np.int32]
    codes: NDArray[np.str_]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    state: NDArray[np.object_]
    county: NDArray[np.object_]
    city: NDArray[np.object_]
    kind: NDArray[np.object_]

    def rows(self, zip_numbers: NDArray[np.integer]) -> NDArray[np.int64]:
        """Rows of ZIP codes given as integers (``2134`` for 02134); -1 for unknown or out-of-range numbers."""
        z = np.asarray(zip_numbers, dtype=np.int64)
        ok = (z >= 0) & (z < len(self.row_of))
        out = np.full(len(z), -1, dtype=np.int64)
        out[ok] = self.row_of[z[ok]]
        return out

    @functools.cached_property
    def city_points(self) -> dict[tuple[str, str], tuple[float, float]]:
        """(state, CITY) → the median longitude/latitude of the city's located ZIP codes."""
        frame = pd.DataFrame({"state": self.state, "city": self.city, "lon": self.lon, "lat": self.lat}).dropna()
        frame["city"] = frame["city"].map(_city_key)
        medians = frame.groupby(["state", "city"])[["lon", "lat"]].median()
        index = medians.index
        keys = zip(index.get_level_values(0).tolist(), index.get_level_values(1).tolist(), strict=True)
        points = zip(medians["lon"].tolist(), medians["lat"].tolist(), strict=True)
        return dict(zip(keys, points, strict=True))


def _city_key(city: object) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", str(city).upper()).strip().replace("SAINT ", "ST ")


def city_key(city: str) -> str:
    """A city name as :attr:`ZipCentroids.city_points` keys it (upper case, punctuation and "Saint" folded)."""
    return _city_key(city)


def zip_points_from_package() -> pd.DataFrame:
    """The ZIP list of the installed ``zipcodes`` package as a table of :data:`ZIP_POINT_COLUMNS`, sorted by ZIP code.

    ``lon``/``lat`` are NaN where the list gives no location (it writes 0, 0 for those). The build script writes this
    table to ``maps/``; the app reads it from the package only when the bundled file is missing."""
    import zipcodes

    records = zipcodes.list_all()

    def column(key: str) -> list[str]:
        return [str(r.get(key) or "") for r in records]

    lat = pd.to_numeric(pd.Series(column("lat")), errors="coerce").to_numpy(dtype=np.float64, copy=True)
    lon = pd.to_numeric(pd.Series(column("long")), errors="coerce").to_numpy(dtype=np.float64, copy=True)
    nowhere = (lat == 0) & (lon == 0)  # the list's placeholder for "no location"
    lat[nowhere] = np.nan
    lon[nowhere] = np.nan
    table = pd.DataFrame(
        {
            "zip": column("zip_code"),
            "lon": lon,
            "lat": lat,
            "state": column("state"),
            "county": column("county"),
            "city": column("city"),
            "kind": column("zip_code_type"),
        }
    )
    return table.sort_values("zip", kind="stable").reset_index(drop=True)


def read_zip_points(path: Path) -> pd.DataFrame:
    """The bundled ZIP list (``maps/us-zip-points.csv``) as :func:`zip_points_from_package` gives it."""
    text = {name: str for name in ZIP_POINT_COLUMNS if name not in ("lon", "lat")}
    return pd.read_csv(
        path,
        dtype={**text, "lon": np.float64, "lat": np.float64},
        keep_default_na=False,
        na_values={"lon": [""], "lat": [""]},
        encoding="utf-8",
    )


def centroids_of(table: pd.DataFrame) -> ZipCentroids:
    """Lookup arrays of a ZIP list table (:data:`ZIP_POINT_COLUMNS`)."""
    codes = table["zip"].to_numpy(dtype=str)
    numbers = codes.astype(np.int64)
    row_of = np.full(100_000, -1, dtype=np.int32)
    row_of[numbers] = np.arange(len(numbers), dtype=np.int32)
    return ZipCentroids(
        row_of=row_of,
        codes=codes,
        lon=table["lon"].to_numpy(dtype=np.float64, copy=True),
        lat=table["lat"].to_numpy(dtype=np.float64, copy=True),
        state=table["state"].to_numpy(dtype=object),
        county=table["county"].to_numpy(dtype=object),
        city=table["city"].to_numpy(dtype=object),
        kind=table["kind"].to_numpy(dtype=object),
    )


@functools.cache
def zip_centroids() -> ZipCentroids:
    """The bundled ZIP list as lookup arrays, built on first use and kept for the process.

    Read from ``maps/us-zip-points.csv``; from the ``zipcodes`` package (slower) if that file is missing."""
    try:
        table = read_zip_points(maps_dir() / ZIP_POINTS_FILE)
    except FileNotFoundError:
        table = zip_points_from_package()
    return centroids_of(table)


def normalize_zip_code(text: str) -> tuple[int, int]:
    """One postal code as ``(ZIP as int or -1, status)``; see :func:`normalize_zip_codes`."""
    t = _FLOAT_TAIL.sub("", text.strip())
    if not t:
        return -1, ZIP_BLANK
    match = _ZIP5.match(t)
    if match:
        return int(match.group(1)), ZIP_PLUS4 if len(t) > 5 else ZIP_OK
    match = _ZIP_DROPPED.match(t)
    if match:
        return int(match.group(1)), ZIP_ZERO_RESTORED
    if _ZIP9_DROPPED.match(t):  # ZIP+4 written without its dash, then stored as a number: 021341234 -> 21341234
        return int(t.zfill(9)[:5]), ZIP_ZERO_RESTORED
    return -1, ZIP_INVALID


def normalize_zip_codes(texts: NDArray[np.object_] | pd.Series) -> tuple[NDArray[np.int64], NDArray[np.int8]]:
    """Clean postal codes as a CRM or spreadsheet exports them; returns (ZIP as int or -1, status) per value.

    Accepted: ``02134``, ZIP+4 ``02134-1234``, ``02134 1234`` and ``021341234``; codes that lost their leading
    zeros in a spreadsheet (``2134``, ``501``, ``2134-1234``, ``21341234``) get them back; ``2134.0`` (a number
    that went through a float) counts as ``2134``. Status is one of ``ZIP_OK``, ``ZIP_BLANK``, ``ZIP_INVALID``,
    ``ZIP_ZERO_RESTORED`` or ``ZIP_PLUS4``. Each distinct value is parsed once.
    """
    values = np.asarray(texts, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    parsed = [normalize_zip_code("" if u is None else str(u)) for u in uniques]
    numbers = np.fromiter((p[0] for p in parsed), dtype=np.int64, count=len(parsed))
    status = np.fromiter((p[1] for p in parsed), dtype=np.int8, count=len(parsed))
    return numbers[codes], status[codes]
