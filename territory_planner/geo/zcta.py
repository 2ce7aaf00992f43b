"""Real ZIP boundaries: the Census Bureau's ZIP Code Tabulation Areas (ZCTAs) made ready for a plan's layer.

The Census Bureau publishes ZCTAs as a cartographic boundary file (``cb_2020_us_zcta520_500k.zip``) and as a
full-resolution TIGER/Line file (``tl_2020_us_zcta520.zip``); both hold one shapefile whose ZCTA code is in
``ZCTA5CE20`` and ``GEOID20`` (``ZCTA5CE10``/``GEOID10`` in the 2010 files). This module reads such a file, checks
it, makes the polygons valid, cleans and simplifies them as a coverage (so neighbouring ZCTAs share identical borders
and territory outlines dissolve without slivers) and gives every ZCTA a county. Joining figures and writing the
layer are done by ``territory_planner.services.layers.build_zcta_layer``.

Plain functions with a ``progress(fraction, message)`` callback; no Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import CRS

from territory_planner.domain.errors import PlanError
from territory_planner.geo._polygons import POLYGONAL_TYPES, as_geometry_array, repair_polygons
from territory_planner.geo.points import place_points

Progress = Callable[[float, str], None]

#: Columns that hold the ZCTA code, in the order they are looked for (2020 files first).
ZCTA_ID_COLUMNS = ("ZCTA5CE20", "GEOID20", "ZCTA5CE10", "GEOID10")
#: Land area columns (square metres), by the same vintages.
LAND_AREA_COLUMNS = ("ALAND20", "ALAND10")
#: Census files are in NAD83 longitude/latitude; used (with a warning) when a file comes without its .prj.
CENSUS_CRS = "EPSG:4269"
#: Visvalingam-Whyatt tolerance in degrees (roughly the square root of the area of the triangles removed, here
#: about 200 m). ZCTAs in cities are 1-2 km across (0.01-0.02°), so they keep their shape; the plan, which stores
#: the geometry, stays small enough to e-mail. ``--tolerance`` trades detail for size.
DEFAULT_TOLERANCE = 0.002
#: A ZCTA whose point lies in no bundled county (a coast simplified differently) takes the nearest county within
#: this distance in degrees; farther away it is outside the 50 states, DC and Puerto Rico and is left out.
NEAREST_COUNTY_DEGREES = 0.1
EXPECTED = (
    "a Census ZIP Code Tabulation Area file such as cb_2020_us_zcta520_500k.zip (cartographic boundary file) or "
    "tl_2020_us_zcta520.zip (TIGER/Line), a zipped shapefile with a ZCTA5CE20 or GEOID20 column"
)
_SUFFIXES = (".zip", ".shp")
_MAX_LISTED = 10


class ZctaFileError(PlanError):
    """The file given to ``build-zcta`` is not a usable ZCTA file. The message names the file, what is wrong and
    what was expected."""

    def __init__(self, path: Path, problem: str, fix: str = "") -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"Cannot build a ZIP layer from {path}: {problem}. Expected {EXPECTED}. {fix}".strip())


def _listed(values: list[str]) -> str:
    shown = ", ".join(values[:_MAX_LISTED])
    more = len(values) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _zcta_layer(path: Path) -> tuple[str, str, list[str]]:
    """The layer of ``path`` holding ZCTAs, its id column and its columns; raises ZctaFileError otherwise."""
    import pyogrio  # GDAL: ~33 MB, loaded only when a file is read (issue 16 §4)

    try:
        layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise ZctaFileError(
            path,
            f"it cannot be opened as a shapefile ({exc})",
            "Download the file again; a zip must hold the .shp, .shx, .dbf and .prj together.",
        ) from exc
    seen: list[str] = []
    for layer in layers:
        try:
            fields = [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
            continue
        for column in ZCTA_ID_COLUMNS:
            if column in fields:
                return layer, column, fields
        seen += fields
    if not layers:
        raise ZctaFileError(path, "it holds no shapefile")
    columns = ", ".join(dict.fromkeys(seen)) or "none"
    raise ZctaFileError(path, f"it has no ZCTA code column (its columns are: {columns})")


def read_zcta_file(path: str | Path) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read and check a Census ZCTA file: returns the ZCTAs (index: code as text; columns ``land_area_km2`` and
    ``geometry``, EPSG:4326, sorted by code) and warnings to show.

    Raises :class:`ZctaFileError` for anything that is not such a file: another kind of file, a shapefile without a
    ZCTA code column, codes that are not five digits, repeated codes, rows without polygons. The file is only read.
    """
    import pyogrio  # GDAL: ~33 MB, loaded only when a file is read (issue 16 §4)

    path = Path(path)
    if path.suffix.lower() not in _SUFFIXES:
        raise ZctaFileError(path, f"files ending in {path.suffix.lower() or '(no extension)'!r} are not ZCTA files")
    if not path.is_file():
        raise ZctaFileError(path, "the file does not exist", "Check the file name and folder.")
    layer, id_column, fields = _zcta_layer(path)
    land_column = next((c for c in LAND_AREA_COLUMNS if c in fields), None)
    columns = [id_column] + ([land_column] if land_column else [])
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, columns=columns)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise ZctaFileError(path, f"layer {layer!r} cannot be read ({exc})", "Download the file again.") from exc

    warnings: list[str] = []
    codes = frame[id_column].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    codes = codes.str.strip()
    bad = np.flatnonzero(~codes.str.fullmatch(r"\d{5}").to_numpy(dtype=bool))
    if len(bad):
        examples = [f"row {i + 1} ({codes.iloc[i]!r})" for i in bad]
        raise ZctaFileError(path, f"column {id_column} holds codes that are not five digits: {_listed(examples)}")
    repeated = sorted(set(codes[codes.duplicated()]))
    if repeated:
        raise ZctaFileError(path, f"ZCTA codes occur more than once in column {id_column}: {_listed(repeated)}")
    geometry = shapely.force_2d(as_geometry_array(frame.geometry))
    type_ids = shapely.get_type_id(geometry)
    no_polygon = np.flatnonzero(~np.isin(type_ids, POLYGONAL_TYPES) | shapely.is_empty(geometry))
    if len(no_polygon):
        examples = [f"{codes.iloc[i]} (row {i + 1})" for i in no_polygon]
        raise ZctaFileError(path, f"these ZCTAs have no polygon: {_listed(examples)}")

    crs = frame.crs
    if crs is None:
        crs = CRS.from_user_input(CENSUS_CRS)
        warnings.append(f"{path.name} does not say its coordinate system (no .prj); read as NAD83 ({CENSUS_CRS}).")
    land = (
        pd.to_numeric(frame[land_column], errors="coerce").to_numpy(dtype=np.float64) / 1e6
        if land_column
        else np.full(len(frame), np.nan)
    )
    units = gpd.GeoDataFrame(
        {"land_area_km2": np.round(land, 3)},
        geometry=geometry,
        crs=crs,
        index=pd.Index(codes.to_numpy(dtype=object), name="unit_id"),
    ).to_crs("EPSG:4326")
    # US longitudes are negative apart from the western Aleutians east of 180°: those are stored below -180, as in
    # the bundled layers, so Alaska stays in one piece.
    shifted = shapely.transform(
        as_geometry_array(units.geometry), lambda xy: np.where(xy[:, [0]] > 0, xy - [360.0, 0.0], xy)
    )
    units = units.set_geometry(gpd.GeoSeries(shifted, index=units.index, crs=units.crs))
    return units.sort_index(), warnings


def clean_zcta_coverage(
    geometry: NDArray[np.object_], tolerance: float = DEFAULT_TOLERANCE, progress: Progress | None = None
) -> tuple[NDArray[np.object_], list[str]]:
    """Valid polygons, a clean coverage and a coverage-simplified one: neighbours share identical borders.

    ``make_valid`` repairs invalid polygons; ``shapely.coverage_clean`` removes overlaps and snaps nearly matching
    borders together (gaps, i.e. land in no ZCTA, are kept); ``shapely.coverage_simplify`` simplifies every shared
    border once, so both sides stay identical. Returns the geometry and warnings (repairs made).
    """
    report = progress or (lambda _f, _m: None)
    warnings: list[str] = []
    report(0.0, "Repairing invalid polygons")
    geometry, repaired = repair_polygons(np.asarray(geometry, dtype=object))
    if repaired:
        warnings.append(f"{repaired} invalid ZCTA polygon{'s were' if repaired != 1 else ' was'} repaired.")
    report(0.2, "Cleaning the coverage (overlaps, borders that nearly match)")
    geometry = shapely.coverage_clean(geometry)
    report(0.6, "Simplifying shared borders")
    geometry = shapely.coverage_simplify(geometry, tolerance)
    report(0.9, "Checking the coverage")
    geometry, repaired = repair_polygons(np.asarray(geometry, dtype=object))
    if repaired:  # coverage_simplify keeps rings valid in practice; guard the rest of the build anyway
        warnings.append(f"{repaired} ZCTA polygon{'s' if repaired != 1 else ''} needed repair after simplifying.")
    report(1.0, "Coverage ready")
    return geometry, warnings


def counties_of(
    codes: NDArray[np.object_],
    geometry: NDArray[np.object_],
    known: pd.Series,
    counties: gpd.GeoDataFrame,
) -> NDArray[np.object_]:
    """The county (a unit id of ``counties``) of each ZCTA, or ``""`` when it lies outside every county.

    ``known`` maps ZCTA codes to a county (the dominant county of the bundled census figures); codes it lacks, or
    whose county ``counties`` does not have, take the county holding a point inside the ZCTA (the nearest county
    within :data:`NEAREST_COUNTY_DEGREES` for a point off a simplified coast).
    """
    county_ids = counties.index.astype(str)
    given = pd.Series(codes, dtype=object).map(known).fillna("").astype(str).to_numpy(dtype=object)
    missing = np.flatnonzero(~np.isin(given, county_ids))
    if len(missing):
        points = shapely.point_on_surface(geometry[missing])
        xy = shapely.get_coordinates(points)
        at = place_points(xy[:, 0], xy[:, 1], counties, nearest_within=NEAREST_COUNTY_DEGREES)
        given[missing] = np.where(at >= 0, county_ids.to_numpy(dtype=object)[np.maximum(at, 0)], "")
    return given
