"""Read a user's boundary file (GeoJSON, GeoPackage, Shapefile) into units ready for a plan's layer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from territory_planner.domain.errors import PlanError
from territory_planner.geo._polygons import POLYGONAL_TYPES, as_geometry_array, repair_polygons

SUPPORTED_SUFFIXES = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
}
_MAX_LISTED = 20


class BoundaryFileError(PlanError):
    """A boundary file cannot be imported. The message names the file, every problem found and the fix."""

    def __init__(self, path: Path, problems: Sequence[str], fix: str) -> None:
        self.path = path
        self.problems = list(problems)
        self.fix = fix
        lines = [f"Cannot import boundaries from {path}:"]
        lines += [f"  - {problem}" for problem in self.problems]
        lines.append(f"To fix: {fix}")
        super().__init__("\n".join(lines))


def _rows(positions: Sequence[int] | np.ndarray) -> str:
    """'rows 3, 7 and 9' for 0-based positions, shown 1-based in file order, cut after a few."""
    numbers = [str(int(p) + 1) for p in positions]
    shown = numbers[:_MAX_LISTED]
    more = len(numbers) - len(shown)
    text = ", ".join(shown)
    if more:
        text += f" and {more} more"
    return ("row " if len(numbers) == 1 else "rows ") + text


def _verb(count: int, singular: str, plural: str) -> str:
    return singular if count == 1 else plural


def _ids_as_text(values: pd.Series) -> tuple[pd.Series, bool]:
    """Unit ids as text (None where missing), and whether the column held numbers rather than text."""
    if pd.api.types.is_bool_dtype(values):
        return values.map(lambda v: None if pd.isna(v) else str(v)), True
    if pd.api.types.is_integer_dtype(values):
        return values.map(lambda v: None if pd.isna(v) else str(int(v))), True
    if pd.api.types.is_float_dtype(values):

        def number_text(v: float) -> str | None:
            if not np.isfinite(v):
                return None
            return str(int(v)) if float(v).is_integer() else repr(float(v))

        return values.map(number_text), True

    def text(v: Any) -> str | None:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        stripped = str(v).strip()
        return stripped or None

    return values.map(text), False


def _list_layers(path: Path) -> list[str]:
    import pyogrio  # GDAL: ~33 MB, loaded only when a file is read (issue 16 §4)

    try:
        return [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except pyogrio.errors.DataSourceError as exc:
        raise BoundaryFileError(
            path,
            [f"the file cannot be opened as {SUPPORTED_SUFFIXES[path.suffix.lower()]}: {exc}"],
            "check that the file is complete (a Shapefile needs its .shp, .shx and .dbf side by side, or zipped "
            "together) and export it again from your GIS if needed.",
        ) from exc


def _choose_layer(path: Path, layer: str | None) -> str:
    layers = _list_layers(path)
    if not layers:
        raise BoundaryFileError(path, ["the file contains no layers"], "export the boundaries again.")
    if layer is None:
        if len(layers) > 1:
            raise BoundaryFileError(
                path,
                [f"the file holds {len(layers)} layers: {', '.join(layers)}"],
                "choose the layer that holds the boundaries.",
            )
        return layers[0]
    if layer not in layers:
        raise BoundaryFileError(
            path,
            [f"the file has no layer named {layer!r}; its layers are: {', '.join(layers)}"],
            "choose one of the listed layers.",
        )
    return layer


def _check_coordinates(path: Path, geometry: np.ndarray, crs: CRS) -> None:
    """Refuse degree CRSs on coordinates that are clearly metres (a wrong or default CRS)."""
    if not crs.is_geographic or len(geometry) == 0:
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(geometry)
    if max(abs(xmin), abs(xmax)) > 540.0 or max(abs(ymin), abs(ymax)) > 90.5:
        raise BoundaryFileError(
            path,
            [
                f"the file says its coordinates are longitude/latitude ({crs.name}), but they run from "
                f"({xmin:.0f}, {ymin:.0f}) to ({xmax:.0f}, {ymax:.0f}), which looks like metres or feet"
            ],
            "give the coordinate reference system the file was really made in (for example EPSG:3857 or the "
            "EPSG code of its state plane) as the source CRS, or export the file again with its projection.",
        )


def read_boundary_file(
    path: str | Path,
    id_column: str,
    name_column: str | None = None,
    layer: str | None = None,
    target_crs: str = "EPSG:4326",
    source_crs: str | None = None,
    repair_coverage: bool = True,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read boundaries from a GeoJSON, GeoPackage or Shapefile (``.shp`` or a ``.zip`` holding one).

    Returns the units as a GeoDataFrame indexed by ``unit_id`` (text; leading zeros kept when the file stores ids as
    text), with a ``name`` column (from ``name_column``, else the id), the file's numeric columns as attributes,
    and polygon geometry in ``target_crs`` - together with a list of warnings to show the user (repairs made,
    ids that were numbers).

    ``layer`` picks a layer of a multi-layer file (a GeoPackage, or a zip holding several shapefiles).
    ``source_crs`` is the coordinate reference system to assume when the file declares none; when given for a
    file that declares another one, it replaces the declared one (with a warning).

    Invalid polygons are repaired with ``make_valid``. With ``repair_coverage`` (the default) units whose borders
    overlap or do not match their neighbours' exactly are adjusted with ``shapely.coverage_clean``, since territory
    outlines and adjacency rely on a valid coverage.

    Raises :class:`BoundaryFileError` naming the file, every problem found and the fix: unsupported or unreadable
    file, missing layer, missing columns, missing or duplicate ids, missing or non-polygon geometry, no CRS.
    The file itself is never written.
    """
    import pyogrio  # GDAL: ~33 MB, loaded only when a file is read (issue 16 §4)

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise BoundaryFileError(
            path,
            [f"files ending in {suffix or '(no extension)'!r} are not supported"],
            "export the boundaries as GeoJSON (.geojson), GeoPackage (.gpkg) or Shapefile (.shp, or a .zip "
            "holding the .shp, .shx, .dbf and .prj).",
        )
    if not path.exists():
        raise BoundaryFileError(path, ["the file does not exist"], "check the file name and folder.")
    chosen = _choose_layer(path, layer)
    try:
        frame = pyogrio.read_dataframe(path, layer=chosen)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise BoundaryFileError(
            path, [f"layer {chosen!r} cannot be read: {exc}"], "export the boundaries again from your GIS."
        ) from exc

    problems: list[str] = []
    warnings: list[str] = []
    columns = [str(c) for c in frame.columns if c != "geometry"]
    for role, column in (("id", id_column), ("name", name_column)):
        if column is not None and column not in frame.columns:
            close = [c for c in columns if c.lower() == column.lower()]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                f"there is no {role} column {column!r}{hint}; the columns are: {', '.join(columns) or 'none'}"
            )
    if problems:
        raise BoundaryFileError(path, problems, "choose the columns that hold each unit's id and name.")

    # Ids
    ids, numeric_ids = _ids_as_text(frame[id_column])
    if numeric_ids:
        warnings.append(
            f"The id column {id_column!r} holds numbers, not text; ids were turned into text (e.g. "
            f"{next((i for i in ids if i is not None), '?')!r}). If ids should have leading zeros (FIPS '06037', "
            "ZIP '02134'), store the column as text in the file."
        )
    missing_ids = np.flatnonzero(ids.isna().to_numpy())
    if len(missing_ids):
        problems.append(f"{_rows(missing_ids)} {_verb(len(missing_ids), 'has', 'have')} no id in column {id_column!r}")
    duplicated = ids.notna() & ids.duplicated(keep=False)
    if duplicated.any():
        groups = pd.Series(np.arange(len(ids)))[duplicated.to_numpy()].groupby(ids[duplicated].to_numpy())
        listed = [f"{uid!r} in {_rows(positions.to_numpy())}" for uid, positions in list(groups)[:_MAX_LISTED]]
        more = groups.ngroups - len(listed)
        problems.append(
            f"{groups.ngroups} {_verb(groups.ngroups, 'id occurs', 'ids occur')} more than once: "
            + "; ".join(listed)
            + (f"; and {more} more" if more else "")
        )

    # Geometry
    geometry = shapely.force_2d(as_geometry_array(frame.geometry))
    absent = np.flatnonzero(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    if len(absent):
        problems.append(f"{_rows(absent)} {_verb(len(absent), 'has', 'have')} no geometry")
    type_ids = shapely.get_type_id(geometry)
    wrong_type = np.flatnonzero((type_ids >= 0) & ~np.isin(type_ids, POLYGONAL_TYPES))
    if len(wrong_type):
        kinds = sorted({geometry[i].geom_type for i in wrong_type})
        problems.append(
            f"{_rows(wrong_type)} {_verb(len(wrong_type), 'holds', 'hold')} {' and '.join(kinds)} geometry "
            "rather than polygons"
        )

    # CRS
    declared = frame.crs
    crs: CRS | None = None
    if source_crs is not None:
        try:
            crs = CRS.from_user_input(source_crs)
        except CRSError as exc:
            raise BoundaryFileError(
                path,
                [f"the source CRS {source_crs!r} is not a coordinate reference system: {exc}"],
                "give an EPSG code such as EPSG:4326 or EPSG:3857.",
            ) from exc
        if declared is not None and not CRS.from_user_input(declared).equals(crs):
            warnings.append(
                f"The file declares its coordinates as {CRS.from_user_input(declared).name}; they were read as "
                f"{crs.name} as you asked."
            )
    elif declared is not None:
        crs = CRS.from_user_input(declared)
    else:
        problems.append("the file does not say which coordinate reference system its coordinates are in")

    if problems or crs is None:
        fixes = []
        if len(missing_ids) or duplicated.any():
            fixes.append(f"give every row its own id in column {id_column!r}")
        if len(absent) or len(wrong_type):
            fixes.append("remove or redraw the rows without polygon geometry")
        if crs is None:
            fixes.append(
                "give the coordinate reference system the file was made in as the source CRS (for example "
                "EPSG:4326 for longitude/latitude), or add the missing .prj file next to the .shp"
            )
        raise BoundaryFileError(path, problems, "; ".join(fixes) + ".")

    _check_coordinates(path, geometry, crs)
    geometry, repaired = repair_polygons(geometry)
    if repaired:
        warnings.append(f"{repaired} invalid polygon{'s were' if repaired != 1 else ' was'} repaired (make_valid).")
    collapsed = np.flatnonzero(shapely.is_empty(geometry))
    if len(collapsed):
        raise BoundaryFileError(
            path,
            [f"{_rows(collapsed)} {_verb(len(collapsed), 'has', 'have')} polygons with no area left once repaired"],
            "redraw those units or remove them from the file.",
        )

    attributes = {
        str(c): frame[c].to_numpy()
        for c in frame.columns
        if c not in ("geometry", id_column, name_column, "name")
        and pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])
    }
    names = ids if name_column is None else _ids_as_text(frame[name_column])[0].fillna("")
    units = gpd.GeoDataFrame(
        {"name": names.to_numpy(dtype=object), **attributes},
        geometry=geometry,
        crs=crs,
        index=pd.Index(ids.to_numpy(dtype=object), name="unit_id"),
    )
    units = units.to_crs(target_crs)
    projected = as_geometry_array(units.geometry)
    if not np.isfinite(shapely.get_coordinates(projected)).all():
        raise BoundaryFileError(
            path,
            [f"some coordinates cannot be converted from {crs.name} to {target_crs}"],
            "check the file's coordinate reference system.",
        )
    if repair_coverage and len(projected) and not shapely.coverage_is_valid(projected):
        cleaned = shapely.coverage_clean(projected)
        changed = int((~shapely.equals_exact(projected, cleaned, tolerance=0.0)).sum())
        units = units.set_geometry(gpd.GeoSeries(cleaned, index=units.index, crs=units.crs))
        if shapely.coverage_is_valid(cleaned):
            warnings.append(
                f"{changed} of the units overlapped their neighbours or did not meet them exactly; their borders "
                "were adjusted so that neighbouring units share them."
            )
        else:
            warnings.append(
                "Some units overlap or leave gaps that could not be repaired; territory outlines may show slivers."
            )
    return units, warnings
