"""Geographic work on layers: bundled map catalogue, boundary files, territory outlines, adjacency,
simplification for display and placing points in units.

Plain geopandas/shapely; no Qt, no SQLAlchemy, no folium.
"""

from territory_planner.geo.adjacency import unit_adjacency
from territory_planner.geo.boundary import BoundaryFileError, read_boundary_file
from territory_planner.geo.catalogue import (
    AttributeInfo,
    CatalogueError,
    LayerInfo,
    available_layers,
    layer_info,
    load_bundled_layer,
)
from territory_planner.geo.outlines import patch_outlines, recompute_outlines_for, territory_outlines
from territory_planner.geo.points import place_points
from territory_planner.geo.simplify import simplified_for_display

__all__ = [
    "AttributeInfo",
    "BoundaryFileError",
    "CatalogueError",
    "LayerInfo",
    "available_layers",
    "layer_info",
    "load_bundled_layer",
    "patch_outlines",
    "place_points",
    "read_boundary_file",
    "recompute_outlines_for",
    "simplified_for_display",
    "territory_outlines",
    "unit_adjacency",
]
