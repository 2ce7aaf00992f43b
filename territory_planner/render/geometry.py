"""A layer's geometry prepared for painting and hit testing: one QPainterPath per unit from shapely's buffers,
bounds, an STRtree and the territory borders built from the shared-edge topology (geo/topology.py).

Coordinates are *scene coordinates* (geo/projection.py): the display CRS with y flipped, north up. QtGui only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import numpy as np
import shapely
import shiboken6
from PySide6.QtCore import QRectF
from PySide6.QtGui import (
    QPainterPath,
    QPolygonF,
)

from ..geo import topology
from ..geo.projection import to_scene


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


def _shapes_from_rings(rings: topology.Rings, n: int) -> list[QPolygonF | QPainterPath]:
    """Per unit a QPolygonF when it is one ring (most units), else a QPainterPath of its rings.

    A QPainterPath drawn by a raster paint engine keeps a converted copy of itself (about 3 KB even for a small
    path) for as long as it lives; a QPolygonF is converted on the stack and kept as its points only. At ZIP scale
    that is about 100 MB less for the worker's copy of the map (issue 16 §4).
    """
    coords, offsets = rings.coords, rings.ring_offsets
    ring_unit = np.asarray(rings.ring_unit, dtype=np.int64)
    counts = np.bincount(ring_unit, minlength=n)
    shapes: list[QPolygonF | QPainterPath] = [QPolygonF() if c <= 1 else QPainterPath() for c in counts.tolist()]
    for ring, unit in enumerate(ring_unit.tolist()):
        polygon = polygon_from_array(coords[offsets[ring] : offsets[ring + 1]])
        shape = shapes[unit]
        if isinstance(shape, QPainterPath):
            shape.addPolygon(polygon)
        else:
            shapes[unit] = polygon
    return shapes


def _paths_from_rings(rings: topology.Rings, n: int) -> list[QPainterPath]:
    paths = [QPainterPath() for _ in range(n)]
    coords, offsets = rings.coords, rings.ring_offsets
    for ring, unit in enumerate(rings.ring_unit.tolist()):
        paths[unit].addPolygon(polygon_from_array(coords[offsets[ring] : offsets[ring + 1]]))
    return paths


def _inside_points(geoms: np.ndarray) -> np.ndarray:
    """(n, 2) points inside each geometry (0, 0 for an empty one)."""
    points = shapely.point_on_surface(geoms)
    out = np.zeros((len(geoms), 2))
    if len(geoms):
        xy, idx = shapely.get_coordinates(points, return_index=True)
        out[idx] = np.nan_to_num(xy)
    return out


class UnitPaths:
    """One QPainterPath per unit, each built from the rings the first time it is asked for (a list to its users).

    At ZIP scale building all 33,000 paths takes about half a second; the window shows a large layer zoomed out as
    an image rendered from paths of its own, so most units never need theirs (issue 16 §4). Not thread-safe: the
    paths of one geometry are used on one thread.
    """

    def __init__(self, rings: topology.Rings, n: int) -> None:
        self._coords, self._offsets = rings.coords, rings.ring_offsets
        ring_unit = np.asarray(rings.ring_unit, dtype=np.int64)
        self._order = np.argsort(ring_unit, kind="stable")
        self._starts = np.searchsorted(ring_unit[self._order], np.arange(n + 1))
        self._paths: list[QPainterPath | None] = [None] * n

    def __len__(self) -> int:
        return len(self._paths)

    def __getitem__(self, unit: int) -> QPainterPath:
        path = self._paths[unit]
        if path is None:
            path = QPainterPath()
            coords, offsets = self._coords, self._offsets
            for ring in self._order[self._starts[unit] : self._starts[unit + 1]].tolist():
                path.addPolygon(polygon_from_array(coords[offsets[ring] : offsets[ring + 1]]))
            self._paths[unit] = path
        return path

    def __iter__(self) -> Iterator[QPainterPath]:
        return (self[i] for i in range(len(self._paths)))


def paths_from_geometry(geoms, flip_y: bool = True) -> list[QPainterPath]:
    """One QPainterPath per (multi)polygon, built from shapely's coordinate buffers.

    ``geoms`` is a GeoSeries or array of planar geometries (geo/projection.py); with ``flip_y`` the
    paths are in scene coordinates (north up). Holes draw as holes (odd-even fill); empty geometries give empty
    paths.
    """
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    scene = to_scene(values) if flip_y else values
    return _paths_from_rings(topology.rings_of(scene), len(values))


def _edge_field(name: str) -> Any:
    """A read-only attribute of :class:`MapGeometry` that reads one array of its shared-edge topology."""
    return property(lambda self: getattr(self.edges, name), doc=f"``SharedEdges.{name}`` (geo/topology.py).")


class MapGeometry:
    """A layer's geometry prepared for drawing and hit testing, in scene coordinates.

    Holds one fill path per unit, unit bounds, an STRtree, representative points, and the shared-edge topology:
    every ring segment knows the unit on its other side (or none on the layer's outer edge), so territory borders
    can be drawn per unit as only the edges facing another territory (:mod:`territory_planner.geo.topology`).
    """

    def __init__(self, planar_geometry) -> None:
        values = np.asarray(getattr(planar_geometry, "values", planar_geometry), dtype=object)
        self.n = len(values)
        self.geoms = to_scene(values)
        rings = topology.rings_of(self.geoms)
        self._rings = rings
        self.paths = UnitPaths(rings, self.n)
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
        sizes = np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
        self.median_size = float(np.median(sizes[~empty])) if (~empty).any() else 1.0
        self.tree = shapely.STRtree(self.geoms)
        self._build_topology()

    def build_paths(self) -> list[QPainterPath]:
        """A fresh set of unit paths (for another thread: QPainterPath's lazy caches are not thread-safe)."""
        return _paths_from_rings(self._rings, self.n)

    def build_shapes(self) -> list[QPolygonF | QPainterPath]:
        """A fresh set of unit shapes for painting (:func:`paint_units` draws both kinds), lighter than paths once
        drawn; for another thread, like :meth:`build_paths`."""
        return _shapes_from_rings(self._rings, self.n)

    # -- topology -----------------------------------------------------------------------------------------------

    def _build_topology(self) -> None:
        # Sets only ``edges`` and ``anchors`` (gui/map_scene.py builds them on a thread by calling this on a copy of
        # the attributes).
        span = max(self.extent.width(), self.extent.height())
        origin = (self.extent.left(), self.extent.top())
        self.edges = topology.shared_edges(self._rings, self.n, origin, span)
        self.anchors = _inside_points(self.geoms)

    def anchor_of(self, unit: int) -> tuple[float, float]:
        """A point inside one unit (the same as ``anchors[unit]``), without waiting for all of them."""
        anchors = self.__dict__.get("anchors")
        if anchors is not None:
            return float(anchors[unit, 0]), float(anchors[unit, 1])
        xy = _inside_points(self.geoms[unit : unit + 1])
        return float(xy[0, 0]), float(xy[0, 1])

    seg_coord = _edge_field("seg_coord")
    seg_unit = _edge_field("seg_unit")
    seg_nb = _edge_field("seg_nb")
    unit_seg_offsets = _edge_field("unit_seg_offsets")
    neighbor_pairs = _edge_field("neighbor_pairs")
    nb_offsets = _edge_field("nb_offsets")
    nb_index = _edge_field("nb_index")

    def neighbors(self, positions: np.ndarray) -> np.ndarray:
        """Positions of the units sharing an edge with any of ``positions`` (may repeat)."""
        return topology.neighbors(self.edges, positions)

    def boundary_paths(self, positions: np.ndarray, keys: np.ndarray) -> list[QPainterPath | None]:
        """Per unit of ``positions``: the path of its edges facing a different key, or None.

        ``keys`` holds one integer per unit (e.g. territory codes, -1 = none). A unit with a negative key draws
        nothing; a unit with a key draws its edges towards units of another key and the layer's outer edge.
        """
        positions = np.asarray(positions, dtype=np.int64)
        out: list[QPainterPath | None] = [None] * len(positions)
        slot = {int(p): i for i, p in enumerate(positions.tolist())}
        coords = self._rings.coords
        for unit, a, b in topology.border_runs(self.edges, positions, keys):
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
