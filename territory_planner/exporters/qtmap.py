"""Qt painting helpers for maps: display projection, QPainterPaths from numpy buffers, static map painting.

This module uses QtGui only (no QtWidgets), so the PDF/PNG exporters can paint a map onto any QPaintDevice
(``QImage``, ``QPdfWriter``) without the GUI package; the interactive map view builds on the same pieces.

Coordinates: geometry is projected to a planar CRS for display (:func:`project_for_display`), then flipped in y
so that north is up in Qt's y-down device space. These flipped planar coordinates are called *scene coordinates*.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import shapely
import shiboken6
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)

#: Funding status words as the planning core reports them, in legend order.
STATUS_WORDS = ("funded", "at_risk", "unfunded")
STATUS_NONE, STATUS_FUNDED, STATUS_AT_RISK, STATUS_UNFUNDED = 0, 1, 2, 3
_STATUS_KIND = {None: STATUS_NONE, "funded": STATUS_FUNDED, "at_risk": STATUS_AT_RISK, "unfunded": STATUS_UNFUNDED}

COLOR_MODES = ("territory", "status", "measure")


# --------------------------------------------------------------------------------------------------------------------
# Projection


_CONUS = (-125.0, 24.0, -66.0, 50.0)
_US_INSETS = {
    # name: (test box on a unit's inside point (lon0, lat0, lon1, lat1), own projection, scale, clip box)
    "alaska": ((-190.0, 50.0, -129.0, 72.0), "EPSG:3338", 0.35, None),
    "hawaii": (
        (-179.0, 15.0, -154.0, 29.0),
        "+proj=aea +lat_1=8 +lat_2=18 +lat_0=13 +lon_0=-157 +datum=WGS84 +units=m",
        1.0,
        (-160.6, 18.5, -154.5, 22.5),
    ),
    "puerto_rico": ((-68.2, 17.5, -64.3, 18.8), "EPSG:32161", 1.0, None),
}


def _inside_points(geoseries) -> tuple[np.ndarray, np.ndarray]:
    points = shapely.point_on_surface(np.asarray(geoseries.values, dtype=object))
    return shapely.get_x(points), shapely.get_y(points)


def _in_box(x: np.ndarray, y: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])


def display_crs(geoseries) -> str:
    """The planar CRS used to draw a lon/lat layer, chosen from where its units are (the one place this is decided).

    Layers with units in the lower 48 US states use the Conus Albers equal-area projection EPSG:5070 (Alaska,
    Hawaii and Puerto Rico then go to insets, see :func:`project_for_display`); layers spanning much of the globe
    use Equal Earth (EPSG:8857); anything else uses a Lambert azimuthal equal-area projection centred on the layer,
    which keeps a region's shapes and areas right wherever it is. Planar layers keep their own CRS.
    """
    if geoseries.crs is not None and not geoseries.crs.is_geographic:
        return geoseries.crs.to_string()
    minx, miny, maxx, maxy = (float(v) for v in geoseries.total_bounds)
    if not len(geoseries) or not np.isfinite([minx, miny, maxx, maxy]).all():
        return "EPSG:8857"
    x, y = _inside_points(geoseries)
    conus = _in_box(x, y, _CONUS)
    us = conus.copy()
    for box, *_ in _US_INSETS.values():
        us |= _in_box(x, y, box)
    if conus.any() and us.mean() > 0.9:
        return "EPSG:5070"
    if maxx - minx > 90 or maxy - miny > 60:
        return "EPSG:8857"
    lon0 = (minx + maxx) / 2
    lat0 = (miny + maxy) / 2
    return f"+proj=laea +lat_0={lat0:.4f} +lon_0={lon0:.4f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"


def project_for_display(geoseries):
    """The layer's geometry in its display CRS (see :func:`display_crs`); planar, y up, index kept.

    For US layers (EPSG:5070) units in Alaska, Hawaii and Puerto Rico are drawn as insets below the lower 48, as on
    printed US maps: each is projected on its own, scaled (Alaska to 35 %) and moved next to the mainland; the
    remote north-western Hawaiian islands are left out of the drawing. The result is for drawing only.
    """
    if geoseries.crs is None:
        geoseries = geoseries.set_crs("EPSG:4326")
    target = display_crs(geoseries)
    if geoseries.crs.to_string() == target:
        return geoseries
    projected = geoseries.to_crs(target)
    if target != "EPSG:5070" or not geoseries.crs.is_geographic:
        return projected
    lonlat = geoseries.to_crs("EPSG:4326")
    x, y = _inside_points(lonlat)
    conus = _in_box(x, y, _CONUS)
    if not conus.any():
        return projected
    cx0, cy0, cx1, cy1 = (float(v) for v in projected[conus].total_bounds)
    width, height = cx1 - cx0, cy1 - cy0
    values = np.asarray(projected.values, dtype=object).copy()
    left = cx0
    for box, crs, scale, clip in _US_INSETS.values():
        members = _in_box(x, y, box) & ~conus
        if not members.any():
            continue
        part = lonlat[members]
        if clip is not None:
            part = part.clip_by_rect(*clip).set_crs("EPSG:4326", allow_override=True)
        own = np.asarray(part.to_crs(crs).values, dtype=object)
        bx0, by0, bx1, _ = shapely.total_bounds(own)
        if crs == "EPSG:32161":  # Puerto Rico sits east of Florida's tip
            dx, dy = cx0 + width * 0.88 - bx0 * scale, cy0 + height * 0.02 - by0 * scale
        else:
            dx, dy = left - bx0 * scale, cy0 - height * 0.06 - by0 * scale
            left += (bx1 - bx0) * scale + width * 0.03
        values[members] = shapely.transform(own, lambda xy, s=scale, dx=dx, dy=dy: xy * s + np.array([dx, dy]))
    return projected.__class__(values, index=projected.index, crs=projected.crs)


def to_scene(geoms) -> np.ndarray:
    """Planar geometries with y flipped (scene coordinates)."""
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    return shapely.transform(values, lambda xy: xy * np.array([1.0, -1.0]))


# --------------------------------------------------------------------------------------------------------------------
# Paths from numpy buffers


def polygon_from_array(xy: np.ndarray) -> QPolygonF:
    """A QPolygonF filled straight from an (n, 2) float array (one memcpy, no QPointF per vertex)."""
    count = len(xy)
    poly = QPolygonF()
    if count == 0:
        return poly
    poly.resize(count)
    # QPolygonF.data() is the address of its QPointF array (two doubles a point); PySide's stubs say QPointF.
    buffer: Any = shiboken6.VoidPtr(cast(Any, poly.data()), count * 16, True)  # type: ignore[call-arg]
    np.frombuffer(buffer, dtype=np.float64)[:] = np.ascontiguousarray(xy, dtype=np.float64).ravel()
    return poly


@dataclass
class _Rings:
    coords: np.ndarray  # (m, 2) scene coordinates, grouped by unit, ring by ring
    ring_offsets: np.ndarray  # (r + 1,) into coords
    ring_unit: np.ndarray  # (r,) unit position of each ring
    unit_ring_offsets: np.ndarray  # (n + 1,) into rings


def _rings(scene_geoms: np.ndarray) -> _Rings:
    n = len(scene_geoms)
    parts, part_owner = shapely.get_parts(scene_geoms, return_index=True)
    keep = shapely.get_type_id(parts) == 3  # polygons only (drop stray points/lines of collections)
    parts, part_owner = parts[keep], part_owner[keep]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    ring_unit = part_owner[ring_part]
    ring_sizes = np.bincount(coord_ring, minlength=len(rings))
    ring_offsets = np.zeros(len(rings) + 1, dtype=np.int64)
    np.cumsum(ring_sizes, out=ring_offsets[1:])
    unit_ring_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ring_unit, minlength=n), out=unit_ring_offsets[1:])
    return _Rings(coords, ring_offsets, ring_unit.astype(np.int64), unit_ring_offsets)


def _paths_from_rings(rings: _Rings, n: int) -> list[QPainterPath]:
    paths = [QPainterPath() for _ in range(n)]
    coords, offsets = rings.coords, rings.ring_offsets
    for ring, unit in enumerate(rings.ring_unit.tolist()):
        paths[unit].addPolygon(polygon_from_array(coords[offsets[ring] : offsets[ring + 1]]))
    return paths


def paths_from_geometry(geoms, flip_y: bool = True) -> list[QPainterPath]:
    """One QPainterPath per (multi)polygon, built from shapely's coordinate buffers.

    ``geoms`` is a GeoSeries or array of planar geometries (see :func:`project_for_display`); with ``flip_y`` the
    paths are in scene coordinates (north up). Holes draw as holes (odd-even fill); empty geometries give empty
    paths.
    """
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    scene = to_scene(values) if flip_y else values
    return _paths_from_rings(_rings(scene), len(values))


# --------------------------------------------------------------------------------------------------------------------
# Layer geometry prepared for drawing: paths, bounds, spatial index and shared-edge topology


class MapGeometry:
    """A layer's geometry prepared for drawing and hit testing, in scene coordinates.

    Holds one fill path per unit, unit bounds, an STRtree, representative points, and the shared-edge topology:
    every ring segment knows the unit on its other side (or none on the layer's outer edge), so territory borders
    can be drawn per unit as only the edges facing another territory. Shared edges are matched by their vertices,
    which a valid coverage guarantees (docs/ARCHITECTURE.md, coverage repair).
    """

    def __init__(self, planar_geometry) -> None:
        values = np.asarray(getattr(planar_geometry, "values", planar_geometry), dtype=object)
        self.n = len(values)
        self.geoms = to_scene(values)
        rings = _rings(self.geoms)
        self._rings = rings
        self.paths = _paths_from_rings(rings, self.n)
        bounds = shapely.bounds(self.geoms)
        empty = ~np.isfinite(bounds).all(axis=1)
        bounds[empty] = 0.0
        self.bounds = bounds
        self.empty = empty
        if self.n and not empty.all():
            valid = bounds[~empty]
            x0, y0 = valid[:, 0].min(), valid[:, 1].min()
            x1, y1 = valid[:, 2].max(), valid[:, 3].max()
        else:
            x0, y0, x1, y1 = 0.0, 0.0, 1.0, 1.0
        self.extent = QRectF(x0, y0, max(x1 - x0, 1e-9), max(y1 - y0, 1e-9))
        self.areas = shapely.area(self.geoms)
        points = shapely.point_on_surface(self.geoms)
        self.anchors = np.nan_to_num(shapely.get_coordinates(points, include_z=False)) if self.n else np.zeros((0, 2))
        if len(self.anchors) != self.n:  # empty geometries give no coordinates
            anchors = np.zeros((self.n, 2))
            xy, idx = shapely.get_coordinates(points, return_index=True)
            anchors[idx] = xy
            self.anchors = anchors
        sizes = np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
        self.median_size = float(np.median(sizes[~empty])) if (~empty).any() else 1.0
        self.tree = shapely.STRtree(self.geoms)
        self._build_topology()

    def build_paths(self) -> list[QPainterPath]:
        """A fresh set of unit paths (for another thread: QPainterPath's lazy caches are not thread-safe)."""
        return _paths_from_rings(self._rings, self.n)

    # -- topology -----------------------------------------------------------------------------------------------

    def _build_topology(self) -> None:
        rings = self._rings
        coords = rings.coords
        m = len(coords)
        coord_ring = np.repeat(np.arange(len(rings.ring_unit)), np.diff(rings.ring_offsets))
        coord_unit = rings.ring_unit[coord_ring] if m else np.zeros(0, dtype=np.int64)
        is_last = np.zeros(m, dtype=bool)
        if m:
            is_last[rings.ring_offsets[1:] - 1] = True
        seg_coord = np.flatnonzero(~is_last)  # segment s runs from coords[seg_coord[s]] to the next vertex
        self.seg_coord = seg_coord
        seg_unit = coord_unit[seg_coord]
        self.unit_seg_offsets = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(seg_unit, minlength=self.n), out=self.unit_seg_offsets[1:])
        seg_nb = np.full(len(seg_coord), -1, dtype=np.int64)
        if len(seg_coord):
            # Vertices are matched on a fine grid so that projection round-off does not split shared edges.
            span = max(self.extent.width(), self.extent.height())
            quantum = span * 1e-9
            ix = np.rint((coords[:, 0] - self.extent.left()) / quantum).astype(np.int64)
            iy = np.rint((coords[:, 1] - self.extent.top()) / quantum).astype(np.int64)
            _, point_id = np.unique(ix * (1 << 31) + iy, return_inverse=True)
            point_id = point_id.ravel().astype(np.int64)
            a = point_id[seg_coord]
            b = point_id[seg_coord + 1]
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            key = lo * (int(point_id.max()) + 1) + hi
            key[lo == hi] = -1 - np.arange(int((lo == hi).sum()))  # degenerate segments match nothing
            order = np.argsort(key)
            sorted_key = key[order]
            same = np.flatnonzero(sorted_key[1:] == sorted_key[:-1])
            first, second = order[same], order[same + 1]
            differ = seg_unit[first] != seg_unit[second]
            first, second = first[differ], second[differ]
            seg_nb[first] = seg_unit[second]
            seg_nb[second] = seg_unit[first]
        self.seg_unit = seg_unit
        self.seg_nb = seg_nb
        # Neighbours sharing an edge (CSR), used for border refreshes and territory pieces.
        has_nb = seg_nb >= 0
        pair_key = np.unique(seg_unit[has_nb] * max(self.n, 1) + seg_nb[has_nb])
        pairs = np.column_stack([pair_key // max(self.n, 1), pair_key % max(self.n, 1)]).astype(np.int64)
        self.neighbor_pairs = pairs
        self.nb_offsets = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(pairs[:, 0], minlength=self.n), out=self.nb_offsets[1:])
        self.nb_index = pairs[:, 1].copy()

    def neighbors(self, positions: np.ndarray) -> np.ndarray:
        """Positions of the units sharing an edge with any of ``positions`` (may repeat)."""
        positions = np.asarray(positions, dtype=np.int64)
        return self.nb_index[_ranges(self.nb_offsets, positions)]

    def boundary_paths(self, positions: np.ndarray, keys: np.ndarray) -> list[QPainterPath | None]:
        """Per unit of ``positions``: the path of its edges facing a different key, or None.

        ``keys`` holds one integer per unit (e.g. territory codes, -1 = none). A unit with a negative key draws
        nothing; a unit with a key draws its edges towards units of another key and the layer's outer edge.
        """
        positions = np.asarray(positions, dtype=np.int64)
        out: list[QPainterPath | None] = [None] * len(positions)
        if not len(positions):
            return out
        segs = _ranges(self.unit_seg_offsets, positions)
        owner = self.seg_unit[segs]
        nb = self.seg_nb[segs]
        own_key = keys[owner]
        nb_key = np.where(nb >= 0, keys[np.maximum(nb, 0)], -2)
        draw = (own_key >= 0) & (nb_key != own_key)
        sel = segs[draw]
        if not len(sel):
            return out
        sel_coord = self.seg_coord[sel]
        sel_owner = self.seg_unit[sel]
        cont = np.zeros(len(sel), dtype=bool)
        cont[1:] = (sel[1:] == sel[:-1] + 1) & (sel_coord[1:] == sel_coord[:-1] + 1)
        run_start = np.flatnonzero(~cont)
        run_end = np.r_[run_start[1:], len(sel)] - 1
        start_coord = sel_coord[run_start]
        stop_coord = sel_coord[run_end] + 2
        run_owner = sel_owner[run_start]
        slot = {int(p): i for i, p in enumerate(positions.tolist())}
        coords = self._rings.coords
        for a, b, unit in zip(start_coord.tolist(), stop_coord.tolist(), run_owner.tolist(), strict=True):
            i = slot[unit]
            path = out[i]
            if path is None:
                path = out[i] = QPainterPath()
            path.addPolygon(polygon_from_array(coords[a:b]))
        return out

    # -- queries --------------------------------------------------------------------------------------------------

    def units_in_rect(self, rect: QRectF) -> np.ndarray:
        """Positions of units whose bounds intersect ``rect`` (scene coordinates), sorted."""
        box = shapely.box(rect.left(), rect.top(), rect.right(), rect.bottom())
        return np.sort(self.tree.query(box))

    def union_bounds(self, positions: np.ndarray) -> QRectF:
        positions = np.asarray(positions, dtype=np.int64)
        positions = positions[~self.empty[positions]]
        if not len(positions):
            return QRectF()
        b = self.bounds[positions]
        x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
        return QRectF(x0, y0, x1 - x0, y1 - y0)


def _ranges(offsets: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(offsets[p], offsets[p + 1])`` for every p in ``positions``."""
    starts = offsets[positions]
    lengths = offsets[positions + 1] - starts
    heads = np.zeros(len(positions), dtype=np.int64)
    if len(positions) > 1:
        np.cumsum(lengths[:-1], out=heads[1:])
    return np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - heads, lengths)


# --------------------------------------------------------------------------------------------------------------------
# Style and colours


@dataclass(frozen=True)
class MapStyle:
    """Colours and sizes of a territory map (pixel sizes are device pixels at 96 dpi)."""

    background: str = "#f4f6f9"
    unassigned: str = "#dfe3e8"
    no_data: str = "#d4d4d4"
    unit_border: str = "#ffffff"
    unit_border_alpha: int = 150
    unit_border_width: float = 0.0  # 0 = one-pixel hairline (cheapest bounding rects for scene items)
    unit_border_min_px: float = 5.0  # hide unit borders where a typical unit is smaller than this on screen
    territory_border: str = "#2b313b"
    territory_border_width: float = 1.5
    funded: str = "#4f9d69"
    at_risk: str = "#e69500"
    unfunded: str = "#d7263d"
    no_status: str = "#a7b3c2"
    unfunded_border_width: float = 2.6
    hatch_spacing: float = 7.0
    hatch_width: float = 1.6
    hatch_alpha: int = 215
    label_color: str = "#1c2430"
    label_halo: str = "#ffffff"
    label_point_size: float = 9.5
    measure_ramp: tuple[str, ...] = (
        "#f7fcf0",
        "#ccebc5",
        "#a8ddb5",
        "#7bccc4",
        "#4eb3d3",
        "#2b8cbe",
        "#08589e",
    )

    def status_color(self, kind: int) -> str:
        return {
            STATUS_FUNDED: self.funded,
            STATUS_AT_RISK: self.at_risk,
            STATUS_UNFUNDED: self.unfunded,
        }.get(kind, self.no_status)


DEFAULT_STYLE = MapStyle()


def status_kinds(status: Sequence[str | None] | None, count: int) -> np.ndarray:
    """Per territory code: 0 no status, 1 funded, 2 at risk, 3 unfunded."""
    kinds = np.zeros(count, dtype=np.int8)
    for code, word in enumerate(list(status or [])[:count]):
        kinds[code] = _STATUS_KIND.get(word, STATUS_NONE)
    return kinds


def rgb(color: str | QColor) -> int:
    return QColor(color).rgb() & 0xFFFFFF


@dataclass(frozen=True)
class MeasureClasses:
    """Quantile classes of a numeric attribute for a choropleth: ``breaks`` has one more entry than colours."""

    breaks: np.ndarray
    colors: tuple[str, ...]
    label: str = ""

    def classify(self, values: np.ndarray) -> np.ndarray:
        """Class index per value (-1 for missing)."""
        values = np.asarray(values, dtype=float)
        idx = np.searchsorted(self.breaks[1:-1], values, side="right")
        idx = np.minimum(idx, len(self.colors) - 1)
        return np.where(np.isfinite(values), idx, -1)


def measure_classes(values: np.ndarray, label: str = "", style: MapStyle = DEFAULT_STYLE) -> MeasureClasses:
    """Quantile classes (up to 7) of ``values``; skewed figures such as population read best by quantile."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    ramp = style.measure_ramp
    if not len(finite):
        return MeasureClasses(np.array([0.0, 1.0]), (ramp[len(ramp) // 2],), label)
    qs = np.quantile(finite, np.linspace(0, 1, len(ramp) + 1))
    breaks = np.unique(qs)
    if len(breaks) < 2:
        breaks = np.array([breaks[0], breaks[0]])
    classes = len(breaks) - 1
    pick = np.linspace(0, len(ramp) - 1, classes).round().astype(int) if classes > 1 else np.array([len(ramp) // 2])
    return MeasureClasses(breaks, tuple(ramp[i] for i in pick), label)


def unit_fill_rgb(
    codes: np.ndarray,
    colors: Sequence[str],
    status: Sequence[str | None] | None = None,
    *,
    mode: str = "territory",
    values: np.ndarray | None = None,
    classes: MeasureClasses | None = None,
    style: MapStyle = DEFAULT_STYLE,
) -> np.ndarray:
    """Fill colour (0xRRGGBB) of every unit for a colour mode."""
    codes = np.asarray(codes, dtype=np.int64)
    if mode == "measure" and values is not None:
        classes = classes or measure_classes(values, style=style)
        table = np.array([rgb(c) for c in classes.colors] + [rgb(style.no_data)], dtype=np.int64)
        return table[classes.classify(values)]
    if mode == "status":
        kinds = status_kinds(status, len(colors))
        table = np.array([rgb(style.status_color(int(k))) for k in kinds] + [rgb(style.unassigned)], dtype=np.int64)
    else:
        table = np.array([rgb(c) for c in colors] + [rgb(style.unassigned)], dtype=np.int64)
    return table[np.where(codes >= 0, codes, len(colors))]


def hatch_kinds(codes: np.ndarray, status: Sequence[str | None] | None, ncodes: int, mode: str) -> np.ndarray:
    """Per unit: the status kind to hatch (2 at risk, 3 unfunded) or 0; hatching is for the territory colours."""
    codes = np.asarray(codes, dtype=np.int64)
    if mode != "territory" or not ncodes:
        return np.zeros(len(codes), dtype=np.int8)
    kinds = status_kinds(status, ncodes)
    kinds = np.where(kinds >= STATUS_AT_RISK, kinds, 0).astype(np.int8)
    return np.where(codes >= 0, kinds[np.maximum(codes, 0)], 0).astype(np.int8)


# --------------------------------------------------------------------------------------------------------------------
# Pens and brushes


def unit_border_pen(style: MapStyle = DEFAULT_STYLE) -> QPen:
    color = QColor(style.unit_border)
    color.setAlpha(style.unit_border_alpha)
    pen = QPen(color, style.unit_border_width)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def territory_border_pen(kind: int = STATUS_NONE, style: MapStyle = DEFAULT_STYLE) -> QPen:
    """The outline of a territory; unfunded territories get a bold red outline."""
    if kind == STATUS_UNFUNDED:
        pen = QPen(QColor(style.unfunded), style.unfunded_border_width)
    else:
        pen = QPen(QColor(style.territory_border), style.territory_border_width)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


_HATCH_TEXTURES: dict[tuple[str, int, float, int, bool], QImage] = {}


def _hatch_texture(color: str, size: int, width: float, alpha: int, backward: bool) -> QImage:
    """One tile of diagonal lines, ``size`` device pixels square, seamless when repeated."""
    key = (color, size, width, alpha, backward)
    image = _HATCH_TEXTURES.get(key)
    if image is not None:
        return image
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    line_color = QColor(color)
    line_color.setAlpha(alpha)
    # A pale edge on each side keeps the lines visible on fills of a similar colour (a red territory).
    edge = QColor(255, 255, 255, 130)
    for pen_color, pen_width in ((edge, width + 1.4), (line_color, width)):
        pen = QPen(pen_color, pen_width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        for shift in (-size, 0, size):
            if backward:
                painter.drawLine(QPointF(shift - 1, -1), QPointF(shift + size + 1, size + 1))
            else:
                painter.drawLine(QPointF(shift - 1, size + 1), QPointF(shift + size + 1, -1))
    painter.end()
    _HATCH_TEXTURES[key] = image
    return image


def hatch_brush(
    kind: int, painter: QPainter | None = None, style: MapStyle = DEFAULT_STYLE, pixel_scale: float = 1.0
) -> QBrush:
    """Diagonal hatch brush for at-risk (amber) or unfunded (red) territories, for the painter's current transform.

    The hatch keeps ``style.hatch_spacing`` device pixels between lines at any zoom and is anchored to the map's
    origin, so it moves with the map when panning. Its texels map one-to-one to device pixels, which keeps Qt's
    raster engine on its fast untransformed-texture path (a scaled texture fill is about ten times slower).
    ``pixel_scale`` enlarges the hatch for an image that will be shown shrunk by that factor.
    """
    dpr = 1.0
    scale = 1.0
    if painter is not None:
        t = painter.deviceTransform()
        scale = math.hypot(t.m11(), t.m12()) or 1.0
        device = painter.device()
        if device is not None:  # device pixels per 96-dpi pixel: HiDPI screens, print resolutions
            dpr = device.devicePixelRatioF() * max(1.0, device.logicalDpiX() / 96.0)
    dpr *= pixel_scale
    size = max(4, round(style.hatch_spacing * dpr))
    color = style.unfunded if kind == STATUS_UNFUNDED else style.at_risk
    texture = _hatch_texture(color, size, style.hatch_width * dpr, style.hatch_alpha, kind != STATUS_UNFUNDED)
    brush = QBrush(texture)
    if painter is not None:
        # Brush coordinates are logical; undo the device scale so that one texel is one device pixel.
        brush.setTransform(QTransform.fromScale(1 / scale, 1 / scale))
    return brush


def world_scale(painter: QPainter) -> float:
    """Device pixels per scene unit of the painter's current transform."""
    t = painter.worldTransform()
    return math.hypot(t.m11(), t.m12()) or 1.0


# --------------------------------------------------------------------------------------------------------------------
# Territory labels


@dataclass(frozen=True)
class LabelAnchor:
    """Where a territory's name goes: a point inside its largest piece, and that piece's size (scene units)."""

    code: int
    x: float
    y: float
    area: float
    width: float
    height: float


def territory_label_anchors(geometry: MapGeometry, codes: np.ndarray) -> list[LabelAnchor]:
    """One anchor per territory with units: near the area-weighted centre of its largest connected piece."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    codes = np.asarray(codes, dtype=np.int64)
    n = geometry.n
    if not n or not (codes >= 0).any():
        return []
    pairs = geometry.neighbor_pairs
    same = (codes[pairs[:, 0]] == codes[pairs[:, 1]]) & (codes[pairs[:, 0]] >= 0)
    a, b = pairs[same, 0], pairs[same, 1]
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    assigned = np.flatnonzero((codes >= 0) & ~geometry.empty)
    if not len(assigned):
        return []
    ncomp = int(comp.max()) + 1
    area = np.maximum(geometry.areas, 0.0)
    weight = area[assigned] + 1e-12
    comp_area = np.bincount(comp[assigned], weights=area[assigned], minlength=ncomp)
    comp_code = np.full(ncomp, -1, dtype=np.int64)
    comp_code[comp[assigned]] = codes[assigned]
    used = np.flatnonzero(comp_code >= 0)
    order = used[np.lexsort((-comp_area[used], comp_code[used]))]
    first = np.r_[True, comp_code[order][1:] != comp_code[order][:-1]]
    best = order[first]
    wx = np.bincount(comp[assigned], weights=geometry.anchors[assigned, 0] * weight, minlength=ncomp)
    wy = np.bincount(comp[assigned], weights=geometry.anchors[assigned, 1] * weight, minlength=ncomp)
    ws = np.bincount(comp[assigned], weights=weight, minlength=ncomp)
    bounds = geometry.bounds
    anchors: list[LabelAnchor] = []
    member_comp = comp[assigned]
    by_comp = np.argsort(member_comp, kind="stable")
    sorted_comp = member_comp[by_comp]
    for c in best.tolist():
        lo, hi = np.searchsorted(sorted_comp, [c, c + 1])
        members = assigned[by_comp[lo:hi]]
        cx, cy = wx[c] / ws[c], wy[c] / ws[c]
        hits = geometry.tree.query(shapely.points(cx, cy), predicate="intersects")
        if not any(comp[h] == c for h in hits.tolist()):
            d = np.hypot(geometry.anchors[members, 0] - cx, geometry.anchors[members, 1] - cy)
            cx, cy = geometry.anchors[members[int(np.argmin(d))]]
        b = bounds[members]
        anchors.append(
            LabelAnchor(
                code=int(comp_code[c]),
                x=float(cx),
                y=float(cy),
                area=float(comp_area[c]),
                width=float(b[:, 2].max() - b[:, 0].min()),
                height=float(b[:, 3].max() - b[:, 1].min()),
            )
        )
    anchors.sort(key=lambda anchor: -anchor.area)
    return anchors


def label_font(style: MapStyle = DEFAULT_STYLE) -> QFont:
    font = QFont()
    font.setPointSizeF(style.label_point_size)
    font.setWeight(QFont.Weight.DemiBold)
    # No ligatures: a PDF map's names then read back as typed ("Pacific", not "Paci\ufb01c") in search and copy.
    font.setFeature(QFont.Tag("liga"), 0)
    return font


def status_caption(kind: int) -> str:
    return {STATUS_UNFUNDED: "UNFUNDED", STATUS_AT_RISK: "AT RISK"}.get(kind, "")


@dataclass
class LabelLayout:
    """Text of one territory label and its size in device pixels."""

    name: str
    caption: str
    caption_color: str
    locked: bool
    size: QSizeF


def label_layout(
    name: str, kind: int, locked: bool, style: MapStyle = DEFAULT_STYLE, font: QFont | None = None
) -> LabelLayout:
    font = font or label_font(style)
    metrics = QFontMetricsF(font)
    caption = status_caption(kind)
    text = name
    width = metrics.horizontalAdvance(text) + (metrics.height() * 0.9 if locked else 0)
    height = metrics.height()
    if caption:
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.78)
        small.setWeight(QFont.Weight.Bold)
        small_metrics = QFontMetricsF(small)
        width = max(width, small_metrics.horizontalAdvance(caption) * 1.08)
        height += small_metrics.height()
    color = style.unfunded if kind == STATUS_UNFUNDED else style.at_risk
    return LabelLayout(text, caption, color, locked, QSizeF(width + 6, height + 4))


def draw_label(
    painter: QPainter, center: QPointF, layout: LabelLayout, style: MapStyle = DEFAULT_STYLE, font: QFont | None = None
) -> None:
    """Draw a territory label centred on ``center`` (device coordinates), with a white halo for legibility."""
    font = font or label_font(style)
    metrics = QFontMetricsF(font)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    top = center.y() - layout.size.height() / 2 + 2
    name_width = metrics.horizontalAdvance(layout.name)
    lock_width = metrics.height() * 0.9 if layout.locked else 0.0
    x = center.x() - (name_width + lock_width) / 2
    path = QPainterPath()
    path.addText(QPointF(x, top + metrics.ascent()), font, layout.name)
    small = QFont(font)
    small.setPointSizeF(font.pointSizeF() * 0.78)
    small.setWeight(QFont.Weight.Bold)
    small.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    caption_path = QPainterPath()
    caption_origin = QPointF()
    if layout.caption:
        sm = QFontMetricsF(small)
        cw = sm.horizontalAdvance(layout.caption) * 1.08
        caption_origin = QPointF(center.x() - cw / 2, top + metrics.height() + sm.ascent())
        caption_path.addText(caption_origin, small, layout.caption)
    halo = QPen(QColor(style.label_halo), 3.2)
    halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    halo_color = QColor(style.label_halo)
    halo_color.setAlpha(235)
    halo.setColor(halo_color)
    painter.setPen(halo)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    if layout.caption:
        painter.drawPath(caption_path)
    # The glyphs are drawn as text over the halo, so a PDF map holds the names as text (search, copy, pdftotext).
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QColor(style.label_color))
    painter.setFont(font)
    painter.drawText(QPointF(x, top + metrics.ascent()), layout.name)
    if layout.caption:
        painter.setPen(QColor(layout.caption_color).darker(135))
        painter.setFont(small)
        painter.drawText(caption_origin, layout.caption)
    if layout.locked:
        _draw_lock(painter, QPointF(x + name_width + lock_width * 0.55, top + metrics.ascent() * 0.55), lock_width)
    painter.restore()


def _draw_lock(painter: QPainter, center: QPointF, size: float) -> None:
    """A small padlock glyph (fonts differ in whether they have one)."""
    s = size * 0.55
    body = QRectF(center.x() - s / 2, center.y() - s * 0.1, s, s * 0.7)
    shackle = QRectF(center.x() - s * 0.3, center.y() - s * 0.55, s * 0.6, s * 0.8)
    pen = QPen(QColor(DEFAULT_STYLE.label_color), max(1.0, s * 0.16))
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawArc(shackle, 0, 180 * 16)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(DEFAULT_STYLE.label_color))
    painter.drawRoundedRect(body, s * 0.12, s * 0.12)


def place_labels(
    anchors: Sequence[LabelAnchor],
    layouts: dict[int, LabelLayout],
    transform: QTransform,
    bounds: QRectF | None = None,
    avoid: Sequence[QRectF] = (),
) -> list[tuple[LabelAnchor, QPointF]]:
    """Labels that fit: the piece must be big enough on screen, labels must not overlap each other (largest
    first) nor the ``avoid`` rectangles (e.g. a legend), and must lie within ``bounds``."""
    placed: list[QRectF] = list(avoid)
    out: list[tuple[LabelAnchor, QPointF]] = []
    scale = math.hypot(transform.m11(), transform.m12()) or 1.0
    for anchor in anchors:
        layout = layouts.get(anchor.code)
        if layout is None:
            continue
        w_px, h_px = anchor.width * scale, anchor.height * scale
        if w_px < max(28.0, layout.size.width() * 0.55) or h_px < max(16.0, layout.size.height() * 0.8):
            continue
        center = transform.map(QPointF(anchor.x, anchor.y))
        box = QRectF(
            center.x() - layout.size.width() / 2,
            center.y() - layout.size.height() / 2,
            layout.size.width(),
            layout.size.height(),
        )
        if bounds is not None and not bounds.contains(box):
            continue
        if any(box.intersects(other) for other in placed):
            continue
        placed.append(box)
        out.append((anchor, center))
    return out


@dataclass(frozen=True)
class PlacedLabel:
    """Where one territory is named on a static map: its label centred at ``center``; ``leader`` is the point in
    the territory a leader line joins when the label had to move away from it; ``number`` is set instead when no
    place was free: a numbered marker at the anchor, and the name in the map's key."""

    anchor: LabelAnchor
    center: QPointF
    leader: QPointF | None = None
    number: int | None = None


#: How far a moved label may go from its territory, in label heights, and in which directions (right and left first).
_LEADER_STEPS = (1.4, 2.4, 3.6, 5.0)
_LEADER_DIRECTIONS = ((1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1), (0, -1), (0, 1))


def place_all_labels(
    anchors: Sequence[LabelAnchor],
    layouts: dict[int, LabelLayout],
    transform: QTransform,
    bounds: QRectF,
    avoid: Sequence[QRectF] = (),
) -> list[PlacedLabel]:
    """Every territory named: labels that fit at their anchor (:func:`place_labels`), then each of the others
    beside its territory with a leader line where a free place is near, and the rest numbered for a key."""
    placed = [
        PlacedLabel(anchor, center) for anchor, center in place_labels(anchors, layouts, transform, bounds, avoid)
    ]
    taken = [*avoid, *(_box(p.center, layouts[p.anchor.code]) for p in placed)]
    done = {p.anchor.code for p in placed}
    left = [a for a in anchors if a.code in layouts and a.code not in done]
    numbered: list[LabelAnchor] = []
    for anchor in left:
        layout = layouts[anchor.code]
        point = transform.map(QPointF(anchor.x, anchor.y))
        spot = _free_spot(point, layout, bounds, taken)
        if spot is None:
            numbered.append(anchor)
            continue
        taken.append(_box(spot, layout))
        placed.append(PlacedLabel(anchor, spot, leader=point))
    for number, anchor in enumerate(sorted(numbered, key=lambda a: a.code), start=1):
        placed.append(PlacedLabel(anchor, transform.map(QPointF(anchor.x, anchor.y)), number=number))
    return placed


def _box(center: QPointF, layout: LabelLayout) -> QRectF:
    w, h = layout.size.width(), layout.size.height()
    return QRectF(center.x() - w / 2, center.y() - h / 2, w, h)


def _free_spot(point: QPointF, layout: LabelLayout, bounds: QRectF, taken: Sequence[QRectF]) -> QPointF | None:
    w, h = layout.size.width(), layout.size.height()
    for step in _LEADER_STEPS:
        for dx, dy in _LEADER_DIRECTIONS:
            center = QPointF(point.x() + dx * (w / 2 + h * step * 0.6), point.y() + dy * h * step)
            box = _box(center, layout)
            if bounds.contains(box) and not any(box.intersects(other) for other in taken):
                return center
    return None


def draw_leader(painter: QPainter, start: QPointF, label_center: QPointF, layout: LabelLayout) -> None:
    """A thin leader line from the point in the territory to the edge of its moved label, with a dot at the point."""
    box = _box(label_center, layout)
    end = QPointF(min(max(start.x(), box.left()), box.right()), min(max(start.y(), box.top()), box.bottom()))
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for color, width in (("#ffffff", 3.0), (DEFAULT_STYLE.label_color, 1.1)):
        painter.setPen(QPen(QColor(color), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(start, end)
    painter.setPen(QPen(QColor("#ffffff"), 1.2))
    painter.setBrush(QColor(DEFAULT_STYLE.label_color))
    painter.drawEllipse(start, 2.6, 2.6)
    painter.restore()


def draw_number(painter: QPainter, center: QPointF, number: int, font: QFont) -> QRectF:
    """A numbered marker (white disc, dark number) for a territory named in the key; returns its rectangle."""
    small = QFont(font)
    small.setPointSizeF(font.pointSizeF() * 0.85)
    small.setWeight(QFont.Weight.Bold)
    metrics = QFontMetricsF(small)
    text = str(number)
    radius = max(metrics.height(), metrics.horizontalAdvance(text) + 4) / 2 + 1
    rect = QRectF(center.x() - radius, center.y() - radius, radius * 2, radius * 2)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(DEFAULT_STYLE.label_color), 1.2))
    painter.setBrush(QColor("#ffffff"))
    painter.drawEllipse(rect)
    painter.setFont(small)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
    painter.restore()
    return rect


def key_lines(placed: Sequence[PlacedLabel], names: Sequence[str], without_units: Sequence[str]) -> list[str]:
    """The lines of a map's key: "3  Rhode Island" for each numbered territory, then the territories that have
    no units (so are not on the map) by name."""
    lines = [
        f"{p.number}  {names[p.anchor.code]}"
        for p in sorted((p for p in placed if p.number is not None), key=lambda p: p.number or 0)
    ]
    if without_units:
        lines.append("No units, not on the map: " + ", ".join(without_units))
    return lines


def paint_key(painter: QPainter, rect: QRectF, lines: Sequence[str], avoid: Sequence[QRectF], font: QFont) -> QRectF:
    """The key card in the first corner of ``rect`` that overlaps nothing in ``avoid`` (top left otherwise)."""
    title = QFont(font)
    title.setWeight(QFont.Weight.DemiBold)
    tm, metrics = QFontMetricsF(title), QFontMetricsF(font)
    width = max(tm.horizontalAdvance("Map key"), *(metrics.horizontalAdvance(t) for t in lines)) + 24
    width = min(width, rect.width() * 0.45)
    heights = [metrics.boundingRect(QRectF(0, 0, width - 24, 1e6), int(Qt.TextFlag.TextWordWrap), t).height()
               for t in lines]  # fmt: skip
    size = QSizeF(width, tm.height() + 14 + sum(heights) + 4 * len(lines) + 6)
    corners = [
        QPointF(rect.left() + 12, rect.top() + 12),
        QPointF(rect.right() - 12 - size.width(), rect.top() + 12),
        QPointF(rect.left() + 12, rect.center().y() - size.height() / 2),
        QPointF(rect.right() - 12 - size.width(), rect.center().y() - size.height() / 2),
    ]
    card = QRectF(corners[0], size)
    for corner in corners:
        candidate = QRectF(corner, size)
        if not any(candidate.intersects(other) for other in avoid):
            card = candidate
            break
    painter.save()
    draw_card(painter, card)
    painter.setFont(title)
    painter.drawText(QPointF(card.left() + 12, card.top() + 8 + tm.ascent()), "Map key")
    painter.setFont(font)
    y = card.top() + 8 + tm.height() + 6
    for text, height in zip(lines, heights, strict=True):
        painter.drawText(QRectF(card.left() + 12, y, width - 24, height + 2), int(Qt.TextFlag.TextWordWrap), text)
        y += height + 4
    painter.restore()
    return card


# --------------------------------------------------------------------------------------------------------------------
# Legend


@dataclass(frozen=True)
class LegendEntry:
    label: str
    fill: str
    hatch: int = 0
    outline: str | None = None
    outline_width: float = 1.0


@dataclass(frozen=True)
class Legend:
    title: str
    entries: tuple[LegendEntry, ...] = field(default_factory=tuple)


def compact_number(value: float) -> str:
    """``1.2k``, ``35k``, ``1.1M``; plain for small values."""
    if not math.isfinite(value):
        return "n/a"
    a = abs(value)
    sign = "-" if value < 0 else ""
    if a >= 1e9:
        return f"{sign}{a / 1e9:.1f}B"
    if a >= 1e6:
        return f"{sign}{a / 1e6:.1f}M"
    if a >= 1e4:
        return f"{sign}{a / 1e3:.0f}k"
    if a >= 1e3:
        return f"{sign}{a / 1e3:.1f}k"
    if a >= 10 or a == round(a):
        return f"{sign}{a:.0f}"
    return f"{sign}{a:.2g}"


def legend_for(
    mode: str,
    status: Sequence[str | None] | None = None,
    classes: MeasureClasses | None = None,
    has_missing: bool = False,
    style: MapStyle = DEFAULT_STYLE,
) -> Legend:
    """The legend of a colour mode: funding status for territories, quantile classes for a measure."""
    if mode == "measure" and classes is not None:
        entries = []
        b = classes.breaks
        for i, color in enumerate(classes.colors):
            entries.append(LegendEntry(f"{compact_number(b[i])} – {compact_number(b[i + 1])}", color))
        if has_missing:
            entries.append(LegendEntry("No data", style.no_data))
        return Legend(classes.label or "Measure", tuple(entries))
    if mode == "status":
        entries = [
            LegendEntry("Funded", style.funded),
            LegendEntry("At risk", style.at_risk),
            LegendEntry("Unfunded", style.unfunded, outline=style.unfunded, outline_width=2.0),
        ]
        if status is not None and any(s not in STATUS_WORDS for s in status):
            entries.append(LegendEntry("No funding status", style.no_status))
        entries.append(LegendEntry("Unassigned", style.unassigned))
        return Legend("Marketing funding", tuple(entries))
    neutral = "#c9d3de"
    return Legend(
        "Marketing funding",
        (
            LegendEntry("Funded", neutral, outline=style.territory_border),
            LegendEntry("At risk", neutral, hatch=STATUS_AT_RISK, outline=style.territory_border),
            LegendEntry("Unfunded", neutral, hatch=STATUS_UNFUNDED, outline=style.unfunded, outline_width=2.0),
            LegendEntry("Unassigned", style.unassigned),
        ),
    )


def legend_size(legend: Legend, font: QFont | None = None) -> QSizeF:
    font = font or QFont()
    metrics = QFontMetricsF(font)
    title_font = QFont(font)
    title_font.setWeight(QFont.Weight.DemiBold)
    tm = QFontMetricsF(title_font)
    row = max(metrics.height(), 14.0) + 5
    width = max(
        [tm.horizontalAdvance(legend.title)] + [metrics.horizontalAdvance(e.label) + 26 for e in legend.entries]
    )
    return QSizeF(width + 24, tm.height() + 8 + row * len(legend.entries) + 14)


def paint_legend(painter: QPainter, top_left: QPointF, legend: Legend, font: QFont | None = None) -> QRectF:
    """Draw a legend card (device coordinates) and return its rectangle."""
    font = font or QFont()
    size = legend_size(legend, font)
    rect = QRectF(top_left, size)
    metrics = QFontMetricsF(font)
    title_font = QFont(font)
    title_font.setWeight(QFont.Weight.DemiBold)
    tm = QFontMetricsF(title_font)
    painter.save()
    draw_card(painter, rect)
    painter.setFont(title_font)
    painter.drawText(QPointF(rect.left() + 12, rect.top() + 8 + tm.ascent()), legend.title)
    painter.setFont(font)
    row = max(metrics.height(), 14.0) + 5
    y = rect.top() + 8 + tm.height() + 6
    for entry in legend.entries:
        swatch = QRectF(rect.left() + 12, y + (row - 14) / 2, 18, 13)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(entry.fill))
        painter.drawRect(swatch)
        if entry.hatch:
            painter.setBrush(hatch_brush(entry.hatch, painter))
            painter.drawRect(swatch)
        if entry.outline:
            pen = QPen(QColor(entry.outline), entry.outline_width)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
        else:
            painter.setPen(QPen(QColor(0, 0, 0, 50), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(swatch)
        painter.setPen(QColor("#2b313b"))
        painter.drawText(QPointF(swatch.right() + 8, y + (row - metrics.height()) / 2 + metrics.ascent()), entry.label)
        y += row
    painter.restore()
    return rect


# --------------------------------------------------------------------------------------------------------------------
# Static map painting


def fit_transform(source: QRectF, target: QRectF) -> QTransform:
    """Scene-to-device transform showing all of ``source`` centred in ``target`` with the aspect ratio kept."""
    scale = min(target.width() / max(source.width(), 1e-12), target.height() / max(source.height(), 1e-12))
    dx = target.left() + (target.width() - source.width() * scale) / 2 - source.left() * scale
    dy = target.top() + (target.height() - source.height() * scale) / 2 - source.top() * scale
    return QTransform(scale, 0, 0, scale, dx, dy)


def padded(rect: QRectF, fraction: float = 0.03) -> QRectF:
    mx, my = rect.width() * fraction, rect.height() * fraction
    return rect.adjusted(-mx, -my, mx, my)


def unit_borders_visible(geometry: MapGeometry, pixels_per_unit: float, style: MapStyle = DEFAULT_STYLE) -> bool:
    return geometry.median_size * pixels_per_unit >= style.unit_border_min_px


def paint_units(
    painter: QPainter,
    geometry: MapGeometry,
    fill_rgb: np.ndarray,
    hatch: np.ndarray,
    border_paths: Sequence[QPainterPath | None],
    border_kind: np.ndarray,
    subset: np.ndarray | None = None,
    style: MapStyle = DEFAULT_STYLE,
    antialias_fills: bool | None = None,
    pixel_scale: float = 1.0,
) -> None:
    """Draw fills, unit borders, hatching and territory borders of units (all, or ``subset``) in scene coordinates.

    The painter's transform maps scene coordinates to the device. ``border_paths`` holds per unit the path of its
    territory border edges (:meth:`MapGeometry.boundary_paths`) and ``border_kind`` the status kind of its
    territory (unfunded borders are drawn last, in red). Fills are anti-aliased when unit borders are drawn (they
    hide the seams anti-aliasing leaves between neighbours) unless ``antialias_fills`` says otherwise.
    ``pixel_scale`` is how much larger than on screen the device's pixels are drawn (an image shown shrunk).
    """
    units = np.arange(geometry.n) if subset is None else np.asarray(subset, dtype=np.int64)
    units = units[~geometry.empty[units]]
    scale = world_scale(painter)
    paths = geometry.paths
    painter.save()
    show_unit_borders = unit_borders_visible(geometry, scale / pixel_scale, style)
    painter.setRenderHint(
        QPainter.RenderHint.Antialiasing, show_unit_borders if antialias_fills is None else antialias_fills
    )
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    # Unit borders stay hairlines even in a finer image (a wide pen goes through Qt's stroker: ten times slower);
    # shrunk, they just read lighter, which suits a zoomed-out map.
    painter.setPen(unit_border_pen(style) if show_unit_borders else Qt.PenStyle.NoPen)
    order = units[np.argsort(fill_rgb[units], kind="stable")]
    colors = fill_rgb[order]
    current = -1
    for unit, color in zip(order.tolist(), colors.tolist(), strict=True):
        if color != current:
            painter.setBrush(QColor.fromRgb(color))
            current = color
        painter.drawPath(paths[unit])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # borders cover the hatch edges
    for kind in (STATUS_AT_RISK, STATUS_UNFUNDED):
        hatched = units[hatch[units] == kind]
        if len(hatched):
            painter.setBrush(hatch_brush(kind, painter, style, pixel_scale))
            for unit in hatched.tolist():
                painter.drawPath(paths[unit])
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for alert in (False, True):
        pen = territory_border_pen(STATUS_UNFUNDED if alert else STATUS_NONE, style)
        painter.setPen(_scaled_pen(pen, pixel_scale))
        for unit in units[(border_kind[units] == STATUS_UNFUNDED) == alert].tolist():
            path = border_paths[unit]
            if path is not None:
                painter.drawPath(path)
    painter.restore()


def _scaled_pen(pen: QPen, factor: float) -> QPen:
    if factor == 1.0:
        return pen
    pen = QPen(pen)
    pen.setWidthF((pen.widthF() or 1.0) * factor)
    return pen


def paint_map(
    painter: QPainter,
    rect: QRectF,
    layer_geometry_planar,
    codes: np.ndarray,
    colors: Sequence[str],
    status: Sequence[str | None] | None = None,
    labels: Sequence[str] | None = None,
    *,
    locked: Sequence[bool] | None = None,
    mode: str = "territory",
    values: np.ndarray | None = None,
    style: MapStyle = DEFAULT_STYLE,
    source: QRectF | None = None,
    background: bool = True,
    legend: bool = False,
    avoid: Sequence[QRectF] = (),
) -> QTransform:
    """Paint a static territory map into ``rect`` of any paint device and return the scene-to-device transform.

    ``layer_geometry_planar`` is the layer geometry from :func:`project_for_display` (or a prepared
    :class:`MapGeometry`, which saves rebuilding paths when painting several maps). ``codes`` holds the territory
    code per unit (-1 unassigned); ``colors``, ``status``, ``labels`` (names) and ``locked`` are per code. ``mode``
    is ``territory`` (territory colours, unfunded/at-risk hatching), ``status`` (green/amber/red) or ``measure``
    (``values`` per unit in quantile classes). ``source`` is the scene rectangle to show (default: everything).
    With ``labels`` every territory is named: at its label point, beside it with a leader line, or by a number
    with a key (:func:`place_all_labels`); ``avoid`` are device rectangles labels keep clear of (other legends).
    """
    geometry = (
        layer_geometry_planar if isinstance(layer_geometry_planar, MapGeometry) else MapGeometry(layer_geometry_planar)
    )
    codes = np.asarray(codes, dtype=np.int64)
    colors = list(colors)
    classes = measure_classes(values, style=style) if mode == "measure" and values is not None else None
    fill = unit_fill_rgb(codes, colors, status, mode=mode, values=values, classes=classes, style=style)
    hatch = hatch_kinds(codes, status, len(colors), mode)
    kinds = status_kinds(status, len(colors))
    border_kind = np.where(codes >= 0, kinds[np.maximum(codes, 0)] if len(colors) else 0, 0)
    borders = geometry.boundary_paths(np.arange(geometry.n), codes)
    source = source or padded(geometry.extent)
    transform = fit_transform(source, rect)
    painter.save()
    painter.setClipRect(rect)
    if background:
        painter.fillRect(rect, QColor(style.background))
    painter.setTransform(transform, True)
    paint_units(painter, geometry, fill, hatch, borders, border_kind, style=style)
    painter.restore()
    lg = None
    if legend:
        lg = legend_for(mode, status, classes, bool(values is not None and (~np.isfinite(values)).any()), style)
    if labels is not None:
        painter.save()
        painter.setClipRect(rect)
        device = painter.transform()
        full = transform * device
        painter.resetTransform()
        font = label_font(style)
        layouts = {
            code: label_layout(
                str(labels[code]), int(kinds[code]), bool(locked[code]) if locked else False, style, font
            )
            for code in range(min(len(labels), len(colors)))
        }
        anchors = territory_label_anchors(geometry, codes)
        device_rect = device.mapRect(rect)
        keep_clear = [device.mapRect(r) for r in avoid]
        if lg is not None:
            keep_clear.append(device.mapRect(QRectF(legend_origin(rect, lg), legend_size(lg))))
        placed = place_all_labels(anchors, layouts, full, device_rect, keep_clear)
        for label in placed:
            if label.leader is not None:
                draw_leader(painter, label.leader, label.center, layouts[label.anchor.code])
        boxes = list(keep_clear)
        for label in placed:
            layout = layouts[label.anchor.code]
            if label.number is None:
                draw_label(painter, label.center, layout, style, font)
                boxes.append(_box(label.center, layout))
            else:
                boxes.append(draw_number(painter, label.center, label.number, font))
        with_units = {a.code for a in anchors}
        names = [str(n) for n in labels]
        missing = [names[c] for c in range(min(len(names), len(colors))) if c not in with_units]
        lines = key_lines(placed, names, missing)
        if lines:
            paint_key(painter, device_rect, lines, boxes, QFont(font))
        painter.restore()
    if lg is not None:
        paint_legend(painter, legend_origin(rect, lg), lg)
    return transform


def legend_origin(rect: QRectF, legend: Legend) -> QPointF:
    """Where :func:`paint_map` puts its legend card: the bottom left of the map."""
    return QPointF(rect.left() + 12, rect.bottom() - legend_size(legend).height() - 12)


def draw_card(painter: QPainter, rect: QRectF) -> None:
    """The white rounded card behind a legend; leaves the pen set for the card's dark text."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor("#ffffff")
    fill.setAlpha(235)
    painter.setPen(QPen(QColor(0, 0, 0, 40), 1))
    painter.setBrush(fill)
    painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
    painter.setPen(QColor("#1c2430"))
