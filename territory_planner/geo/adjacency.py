"""Which units neighbour which: the adjacency a plan stores for contiguity checks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from territory_planner.geo._polygons import as_geometry_array


def unit_adjacency(geometry: gpd.GeoSeries | NDArray[np.object_]) -> NDArray[np.int32]:
    """Positional index pairs ``(i, j)``, ``i < j``, of units that share a border or touch at a point.

    Shape ``(n_pairs, 2)``, dtype int32, sorted by ``i`` then ``j``. Units touching only at a corner count as
    neighbours (queen contiguity), so a territory joined through such a corner counts as one piece. Built with one
    ``STRtree`` ``intersects`` query (about a second for 33,000 units): compute it once per layer and store it.
    Missing or empty geometries have no neighbours.
    """
    geoms = as_geometry_array(geometry)
    if len(geoms) == 0:
        return np.empty((0, 2), dtype=np.int32)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    pairs = np.column_stack([left[keep], right[keep]]).astype(np.int32)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return np.ascontiguousarray(pairs[order])
