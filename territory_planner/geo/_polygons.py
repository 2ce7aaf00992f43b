"""Small polygon helpers shared by the geo modules."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

POLYGONAL_TYPES = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


def as_geometry_array(geometry: Any) -> NDArray[np.object_]:
    """A 1-D object array of shapely geometries from a GeoSeries, GeometryArray, list or array."""
    values = getattr(geometry, "array", geometry)
    return np.asarray(values, dtype=object).reshape(-1)


def polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygons of ``geometry`` (a collection may also hold lines or points left by a repair)."""
    type_id = shapely.get_type_id(geometry)
    if type_id in POLYGONAL_TYPES:
        return geometry
    parts = shapely.get_parts(shapely.get_parts(geometry))
    polygons = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    if len(polygons) == 0:
        return shapely.Polygon()
    if len(polygons) == 1:
        return polygons[0]
    return shapely.multipolygons(polygons)


def repair_polygons(geometry: NDArray[np.object_]) -> tuple[NDArray[np.object_], int]:
    """Make invalid polygons valid (keeping only their polygon parts); returns the result and how many changed."""
    invalid = np.flatnonzero(~shapely.is_valid(geometry))
    if len(invalid) == 0:
        return geometry, 0
    repaired = geometry.copy()
    fixed = shapely.make_valid(geometry[invalid], method="structure", keep_collapsed=False)
    repaired[invalid] = [polygonal_part(g) for g in fixed]
    return repaired, len(invalid)
