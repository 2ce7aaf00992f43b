"""Turn bundled or user-supplied boundaries into a plan's layer (units, attributes, geometry, adjacency)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..domain import Layer
from ..geo.adjacency import unit_adjacency
from ..geo.catalogue import available_layers, load_bundled_layer


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


def layer_from_file(
    path: str | Path,
    id_column: str,
    name_column: str | None = None,
    file_layer: str | None = None,
    source_crs: str | None = None,
) -> tuple[Layer, list[str]]:
    """A layer from the user's boundary file; returns it with the reader's warnings (e.g. repaired shapes)."""
    from ..geo.boundary import read_boundary_file

    frame, warnings = read_boundary_file(path, id_column, name_column, layer=file_layer, source_crs=source_crs)
    return _layer_from_frame(Path(path).stem, frame, "area"), warnings
