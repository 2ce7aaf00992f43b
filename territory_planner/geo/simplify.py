"""Simplified unit shapes for drawing, with shared borders kept shared."""

from __future__ import annotations

import geopandas as gpd
import shapely

from territory_planner.geo._polygons import as_geometry_array


def simplified_for_display(
    geometry: gpd.GeoSeries, tolerance: float, *, simplify_boundary: bool = True
) -> gpd.GeoSeries:
    """Coverage-simplified copy of ``geometry`` (same index and CRS), for drawing only.

    Uses ``shapely.coverage_simplify`` (Visvalingam-Whyatt): ``tolerance`` is in the units of the CRS (degrees for
    EPSG:4326), roughly the square root of the area of the triangles removed. Neighbours keep one identical border,
    so no gaps or overlaps appear, which per-polygon ``simplify`` cannot promise. ``simplify_boundary=False`` keeps
    the outer edge of the whole layer (coasts, national borders) as it is. Small units keep at least a triangle.

    The input must be a valid coverage with no missing geometries. At 33,000 units this takes seconds: run it once
    in the background, never per edit.
    """
    if len(geometry) == 0:
        return geometry.copy()
    simplified = shapely.coverage_simplify(as_geometry_array(geometry), tolerance, simplify_boundary=simplify_boundary)
    return gpd.GeoSeries(simplified, index=geometry.index, crs=geometry.crs, name=geometry.name)
