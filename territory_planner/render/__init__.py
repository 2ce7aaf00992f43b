"""Painting territory maps with QtGui (no QtWidgets), shared by the map view (gui/) and the PDF/PNG exports.

- ``style``: status kinds, colours per colour mode, measure classes, pens and hatching;
- ``geometry``: a layer's unit paths, bounds, spatial index and territory borders (:class:`MapGeometry`);
- ``labels``: territory labels, their placement, leader lines and the map key;
- ``legend``: the legend card;
- ``painting``: units and whole static maps onto any paint device;
- ``application``: the headless Qt application a process without a window paints with.

Projection and shared-edge topology are plain numpy/shapely and live in ``geo/`` (geo/projection.py,
geo/topology.py); the names below re-export the projection so a map can be drawn from this package alone.
"""

from territory_planner.geo.projection import display_crs, project_for_display, to_scene
from territory_planner.render.geometry import MapGeometry, paths_from_geometry, polygon_from_array
from territory_planner.render.labels import (
    LabelAnchor,
    LabelLayout,
    PlacedLabel,
    draw_label,
    draw_leader,
    draw_number,
    key_lines,
    label_box,
    label_font,
    label_layout,
    paint_key,
    place_all_labels,
    place_labels,
    status_caption,
    territory_label_anchors,
)
from territory_planner.render.legend import (
    Legend,
    LegendEntry,
    compact_number,
    draw_card,
    legend_for,
    legend_origin,
    legend_size,
    paint_legend,
)
from territory_planner.render.painting import fit_transform, padded, paint_map, paint_units, unit_borders_visible
from territory_planner.render.style import (
    COLOR_MODES,
    DEFAULT_STYLE,
    STATUS_AT_RISK,
    STATUS_FUNDED,
    STATUS_NONE,
    STATUS_UNFUNDED,
    STATUS_WORDS,
    MapStyle,
    MeasureClasses,
    banded_classes,
    hatch_brush,
    hatch_kinds,
    measure_classes,
    rgb,
    status_kinds,
    territory_border_pen,
    unit_border_pen,
    unit_fill_rgb,
    world_scale,
)

__all__ = [
    "COLOR_MODES",
    "DEFAULT_STYLE",
    "STATUS_AT_RISK",
    "STATUS_FUNDED",
    "STATUS_NONE",
    "STATUS_UNFUNDED",
    "STATUS_WORDS",
    "LabelAnchor",
    "LabelLayout",
    "Legend",
    "LegendEntry",
    "MapGeometry",
    "MapStyle",
    "MeasureClasses",
    "PlacedLabel",
    "banded_classes",
    "compact_number",
    "display_crs",
    "draw_card",
    "draw_label",
    "draw_leader",
    "draw_number",
    "fit_transform",
    "hatch_brush",
    "hatch_kinds",
    "key_lines",
    "label_box",
    "label_font",
    "label_layout",
    "legend_for",
    "legend_origin",
    "legend_size",
    "measure_classes",
    "padded",
    "paint_key",
    "paint_legend",
    "paint_map",
    "paint_units",
    "paths_from_geometry",
    "place_all_labels",
    "place_labels",
    "polygon_from_array",
    "project_for_display",
    "rgb",
    "status_caption",
    "status_kinds",
    "territory_border_pen",
    "territory_label_anchors",
    "to_scene",
    "unit_border_pen",
    "unit_borders_visible",
    "unit_fill_rgb",
    "world_scale",
]
