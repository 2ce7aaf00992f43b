"""The bundled map catalogue: the ready layers in ``maps/`` and their descriptions in ``maps/manifest.json``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd

from territory_planner.domain.errors import PlanError
from territory_planner.resources import maps_dir

MANIFEST_NAME = "manifest.json"
SUPPORTED_MANIFEST_FORMAT = 1


class CatalogueError(PlanError):
    """The bundled map catalogue cannot give the layer asked for (unknown name, missing or damaged file)."""


@dataclass(frozen=True)
class AttributeInfo:
    """One attribute column of a bundled layer."""

    name: str
    kind: str
    """``"integer"``, ``"real"`` or ``"text"``."""
    description: str


@dataclass(frozen=True)
class ParentInfo:
    """A coarser level the units of a layer belong to: each unit names its parent's unit id in ``column``.

    In ``us-zips`` a ZIP code's county is ``county_fips`` (a unit id of ``us-counties``) and its state ``state_fips``
    (a unit id of ``us-states``); in ``us-counties`` a county's state is ``state_fips``.
    """

    level: str
    """What the parent is, e.g. ``county`` or ``state``."""
    column: str
    """The unit attribute (text) holding the parent's unit id."""
    layer: str
    """The bundled layer whose unit ids the column holds, e.g. ``us-counties``."""


#: The parent columns of the US layers, finest first. A layer built by ``territory-planner layers build-zcta`` has
#: the same columns as ``us-zips``; :func:`parents_in` finds them in any layer's columns.
US_PARENTS = (
    ParentInfo("county", "county_fips", "us-counties"),
    ParentInfo("state", "state_fips", "us-states"),
)


def parents_in(columns: Iterable[str]) -> tuple[ParentInfo, ...]:
    """The US parent levels whose columns are among ``columns`` (a plan layer's unit attributes), finest first."""
    present = set(columns)
    return tuple(parent for parent in US_PARENTS if parent.column in present)


@dataclass(frozen=True)
class LayerInfo:
    """What the manifest says about one bundled layer."""

    name: str
    """Stable layer name used in plans and on the command line, e.g. ``us-counties``."""
    title: str
    """Human title, e.g. "US counties"."""
    file: Path
    """Absolute path of the layer's GeoPackage."""
    table: str
    """Name of the table inside the GeoPackage."""
    id_column: str
    """Column holding the unit id (text)."""
    unit_noun: str
    """What one unit is called, e.g. "county"."""
    unit_noun_plural: str
    source: str
    licence: str
    vintage: str
    crs: str
    unit_count: int
    bounds: tuple[float, float, float, float]
    """(min lon, min lat, max lon, max lat) of the layer."""
    coverage_valid: bool
    """True when the units form a valid polygonal coverage (no overlaps, identical shared borders)."""
    attributes: tuple[AttributeInfo, ...]
    notes: tuple[str, ...]
    parents: tuple[ParentInfo, ...] = ()
    """The coarser levels each unit belongs to (a ZIP code's county and state), finest first."""

    @property
    def numeric_attributes(self) -> tuple[str, ...]:
        """Names of the attributes holding numbers (population, areas), in manifest order."""
        return tuple(a.name for a in self.attributes if a.kind in ("integer", "real"))


def _layer_info(entry: dict[str, Any], folder: Path) -> LayerInfo:
    return LayerInfo(
        name=str(entry["name"]),
        title=str(entry["title"]),
        file=folder / str(entry["file"]),
        table=str(entry.get("table", "units")),
        id_column=str(entry["id_column"]),
        unit_noun=str(entry["unit_noun"]),
        unit_noun_plural=str(entry.get("unit_noun_plural", entry["unit_noun"] + "s")),
        source=str(entry["source"]),
        licence=str(entry["licence"]),
        vintage=str(entry["vintage"]),
        crs=str(entry["crs"]),
        unit_count=int(entry["unit_count"]),
        bounds=(
            float(entry["bounds"][0]),
            float(entry["bounds"][1]),
            float(entry["bounds"][2]),
            float(entry["bounds"][3]),
        ),
        coverage_valid=bool(entry.get("coverage_valid", False)),
        attributes=tuple(
            AttributeInfo(name=str(a["name"]), kind=str(a["type"]), description=str(a["description"]))
            for a in entry.get("attributes", [])
        ),
        notes=tuple(str(n) for n in entry.get("notes", [])),
        parents=tuple(
            ParentInfo(level=str(p["level"]), column=str(p["column"]), layer=str(p["layer"]))
            for p in entry.get("parents", [])
        ),
    )


def _read_manifest(folder: Path) -> list[LayerInfo]:
    path = folder / MANIFEST_NAME
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogueError(
            f"The map catalogue {path} is missing. Reinstall Territory Planner, or rebuild the maps with "
            "'python maps/build_maps.py' in a source checkout."
        ) from exc
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            f"The map catalogue {path} is damaged ({exc}). Reinstall Territory Planner, or rebuild the maps with "
            "'python maps/build_maps.py' in a source checkout."
        ) from exc
    if document.get("format") != SUPPORTED_MANIFEST_FORMAT:
        raise CatalogueError(
            f"The map catalogue {path} has format {document.get('format')!r}; this version of Territory Planner "
            f"reads format {SUPPORTED_MANIFEST_FORMAT}. Install a matching version."
        )
    try:
        return [_layer_info(entry, folder) for entry in document["layers"]]
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise CatalogueError(
            f"The map catalogue {path} has an incomplete layer entry ({exc!r}). Rebuild the maps with "
            "'python maps/build_maps.py'."
        ) from exc


def available_layers(folder: Path | None = None) -> list[LayerInfo]:
    """The bundled layers whose files are present, in manifest order.

    ``folder`` defaults to the bundled ``maps/`` folder; pass another one to read a different catalogue.
    """
    folder = maps_dir() if folder is None else folder
    return [info for info in _read_manifest(folder) if info.file.is_file()]


def layer_info(name: str, folder: Path | None = None) -> LayerInfo:
    """The manifest entry of one bundled layer; an unknown name raises :class:`CatalogueError` (a ValueError)."""
    layers = available_layers(folder)
    for info in layers:
        if info.name == name:
            return info
    known = ", ".join(info.name for info in layers) or "none"
    raise CatalogueError(f"There is no bundled map layer named {name!r}. Known layers: {known}.")


def load_bundled_layer(name: str, folder: Path | None = None) -> gpd.GeoDataFrame:
    """Load a bundled layer as a GeoDataFrame indexed by ``unit_id`` (text), in the layer's CRS (EPSG:4326).

    Columns are ``name``, the other attributes listed in the manifest, and ``geometry``. Integer attributes with
    missing values come back as floats with NaN. The parent columns (:attr:`LayerInfo.parents`) are text.
    """
    import pyogrio  # GDAL: ~33 MB, loaded only when a file is read (issue 16 §4)

    info = layer_info(name, folder)
    try:
        frame = pyogrio.read_dataframe(info.file, layer=info.table)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise CatalogueError(
            f"The bundled layer file {info.file} cannot be read ({exc}). Reinstall Territory Planner, or rebuild "
            "the maps with 'python maps/build_maps.py'."
        ) from exc
    missing = [c for c in (info.id_column, *(a.name for a in info.attributes)) if c not in frame.columns]
    if missing:
        raise CatalogueError(
            f"The bundled layer file {info.file} lacks the columns {missing} that its manifest lists. Rebuild the "
            "maps with 'python maps/build_maps.py'."
        )
    for attribute in info.attributes:
        if attribute.kind == "text":
            frame[attribute.name] = frame[attribute.name].fillna("").astype(str)
    frame[info.id_column] = frame[info.id_column].astype(str)
    frame = frame.set_index(info.id_column)
    frame.index.name = "unit_id"
    if frame.crs is None:
        frame = frame.set_crs(info.crs)
    columns = [a.name for a in info.attributes]
    return frame[[*columns, "geometry"]]
