"""The map scene's unit items: fills, hatching, territory borders and overlays, grouped in tiles (docs/ARCHITECTURE.md).

Every unit is a path item parented under a grid of tile items; territory borders are small per-unit items holding
only the unit's edges that face another territory, so an edit repaints just the touched units and their
neighbours. :class:`UnitItems` changes only what differs from what is shown.
"""

from __future__ import annotations

import math
import threading
import types
from typing import Any

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene

from .. import render
from .map_items import (
    ALERT,
    BORDER,
    FILL,
    HATCH,
    HIGHLIGHT,
    HOVER,
    SELECT,
    VECTOR_GROUPS,
    HatchTileItem,
    tile_item,
    translucent,
)

SELECTION_COLOR = "#1e6feb"
HIGHLIGHT_COLOR = "#0b1220"


class BackgroundTopologyGeometry(render.MapGeometry):
    """A :class:`~territory_planner.render.geometry.MapGeometry` whose shared-edge topology is built on a thread.

    The topology (which unit lies across each ring segment) takes about a second at ZIP scale; built on a thread
    it overlaps with making the map's items on the GUI thread (issue 16 §4). The first use of any topology
    attribute, on any thread, waits for it; an error while building is raised there.
    """

    def _build_topology(self) -> None:
        self._topology: dict[str, Any] | None = None
        self._topology_error: BaseException | None = None
        self._topology_thread = threading.Thread(target=self._topology_job, name="map topology", daemon=True)
        self._topology_thread.start()

    def _topology_job(self) -> None:
        scratch = types.SimpleNamespace(**self.__dict__)  # built apart, then published whole
        try:
            render.MapGeometry._build_topology(scratch)  # type: ignore[arg-type]
        except BaseException as exc:  # re-raised on first use, on the thread that needs it
            self._topology_error = exc
            return
        self._topology = {k: v for k, v in vars(scratch).items() if k not in self.__dict__}

    def wait_for_topology(self) -> None:
        self._topology_thread.join()
        if self._topology_error is not None:
            raise RuntimeError("Could not prepare the map's shared borders.") from self._topology_error
        if self._topology is not None:
            self.__dict__.update(self._topology)

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not set yet: the topology's, before the thread has published them.
        thread = self.__dict__.get("_topology_thread")
        if thread is None or name.startswith("__"):
            raise AttributeError(name)
        self.wait_for_topology()
        if name in self.__dict__:
            return self.__dict__[name]
        raise AttributeError(name)


class UnitItems:
    """The scene items of one layer's units, and the fill/hatch/border style each currently shows."""

    def __init__(
        self,
        scene: QGraphicsScene,
        style: render.MapStyle,
        geometry: render.MapGeometry | None,
        lazy: bool = False,
    ) -> None:
        """``lazy``: make a tile's unit and border items only when the vector level of detail first shows it
        (:meth:`ensure_items`); a large layer is shown zoomed out as the cached map image, so most tiles never need
        items and opening the plan does not wait for tens of thousands of them (issue 16 §4)."""
        self._scene = scene
        self._style = style
        self.geometry = geometry
        n = geometry.n if geometry is not None else 0
        self.fill = np.full(n, render.rgb(style.unassigned), dtype=np.int64)
        self.hatch = np.zeros(n, dtype=np.int8)
        self.border_kind = np.zeros(n, dtype=np.int8)
        self.border_items: list[QGraphicsPathItem | None] = [None] * n
        self.border_paths: list[QPainterPath | None] = [None] * n
        # Units of tiles not made yet whose border path is not worked out yet (lazy layers): their paths are worked
        # out when a tile is made, an image patched over them or the map exported (``border_paths_of``).
        self._border_stale = np.zeros(n, dtype=bool)
        self._codes = np.full(n, -1, dtype=np.int64)
        self._border_group = np.full(n, -1, dtype=np.int8)
        self.tiles: dict[tuple[int, int], QGraphicsRectItem] = {}
        self.hatch_tiles: dict[int, HatchTileItem] = {}
        self.overlay_items: dict[tuple[int, int], QGraphicsPathItem] = {}
        self.unit_items: list[QGraphicsPathItem | None] = [None] * n  # None until the unit's tile is made
        self._lazy = lazy
        self._tile_units: list[np.ndarray] = []
        self._tile_bounds = np.zeros((0, 4))
        self._made = np.zeros(0, dtype=bool)  # per tile: its unit and border items exist
        self._unit_pen = render.unit_border_pen(style)
        self._brushes: dict[int, QBrush] = {}
        self._vector_visible = True
        self._hover_item: QGraphicsPathItem | None = None
        self._hover_unit = -1
        self._tile_of = np.zeros(n, dtype=np.int64)
        self.selected = np.zeros(n, dtype=bool)
        self.highlighted = np.zeros(0, dtype=np.int64)  # the units drawing part of the highlight outline
        self._highlight_set = np.zeros(n, dtype=bool)  # the units the outline goes around
        if geometry is not None:
            self._build(geometry)

    def _build(self, geometry: render.MapGeometry) -> None:
        n = geometry.n
        extent = geometry.extent
        grid = int(min(13, max(4, round(math.sqrt(n / 25)))))
        centres_x = (geometry.bounds[:, 0] + geometry.bounds[:, 2]) / 2
        centres_y = (geometry.bounds[:, 1] + geometry.bounds[:, 3]) / 2
        tx = np.clip(((centres_x - extent.left()) / extent.width() * grid).astype(np.int64), 0, grid - 1)
        ty = np.clip(((centres_y - extent.top()) / extent.height() * grid).astype(np.int64), 0, grid - 1)
        self._tile_of = ty * grid + tx
        tiles = grid * grid
        order = np.argsort(self._tile_of, kind="stable")
        starts = np.searchsorted(self._tile_of[order], np.arange(tiles + 1))
        self._tile_units = [order[starts[t] : starts[t + 1]] for t in range(tiles)]
        bounds = np.tile(np.array([np.inf, np.inf, -np.inf, -np.inf]), (tiles, 1))
        np.minimum.at(bounds[:, 0], self._tile_of, geometry.bounds[:, 0])
        np.minimum.at(bounds[:, 1], self._tile_of, geometry.bounds[:, 1])
        np.maximum.at(bounds[:, 2], self._tile_of, geometry.bounds[:, 2])
        np.maximum.at(bounds[:, 3], self._tile_of, geometry.bounds[:, 3])
        self._tile_bounds = bounds
        self._made = np.zeros(tiles, dtype=bool)
        if not self._lazy:
            for tile in range(tiles):
                self._make_tile(tile)

    def _make_tile(self, tile: int) -> None:
        """Make the unit items (and territory border items) of one tile, in the styles the units show now."""
        self._made[tile] = True
        units = self._tile_units[tile]
        if not len(units):
            return
        paths = self._geometry().paths
        parent = tile_item(FILL)  # filled before it joins the scene: one index update, not one per unit
        parent.setVisible(self._vector_visible)
        pen = self._unit_pen
        items = self.unit_items
        for unit, color in zip(units.tolist(), self.fill[units].tolist(), strict=True):
            item = QGraphicsPathItem(paths[unit], parent)
            item.setBrush(self._brush(color))
            item.setPen(pen)
            items[unit] = item
        self.tiles[(FILL, tile)] = parent
        self._scene.addItem(parent)
        paths_now = self.border_paths_of(units)
        for unit in units.tolist():
            path = paths_now[unit]
            if path is not None:
                self._create_border_item(unit, path)

    def ensure_items(self, rect: QRectF) -> int:
        """Make the items of every tile that reaches into ``rect`` (scene coordinates) and has none yet; returns
        how many tiles were made. A layer built without ``lazy`` has all of them from the start."""
        if not self._lazy or self._made.all():
            return 0
        b = self._tile_bounds
        wanted = (
            ~self._made
            & (b[:, 0] <= rect.right())
            & (b[:, 2] >= rect.left())
            & (b[:, 1] <= rect.bottom())
            & (b[:, 3] >= rect.top())
        )
        made = np.flatnonzero(wanted)
        for tile in made.tolist():
            self._make_tile(tile)
        return len(made)

    def tiles_made(self) -> int:
        return int(self._made.sum())

    def _geometry(self) -> render.MapGeometry:
        if self.geometry is None:  # only reachable through a programming error: no layer, no units to style
            raise RuntimeError("The map has no layer.")
        return self.geometry

    # -- styles --------------------------------------------------------------------------------------------------
    def _brush(self, color: int) -> QBrush:
        brush = self._brushes.get(color)
        if brush is None:
            brush = self._brushes[color] = QBrush(QColor.fromRgb(color))
        return brush

    def apply_styles(self, positions: np.ndarray, fill: np.ndarray, hatch: np.ndarray, border_kind: np.ndarray) -> None:
        """Show these fill colours, hatching and border styles for ``positions`` (changes only)."""
        changed = fill != self.fill[positions]
        items = self.unit_items
        for unit, color in zip(positions[changed].tolist(), fill[changed].tolist(), strict=True):
            item = items[unit]
            if item is not None:  # a tile not made yet takes the colour from ``fill`` when it is
                item.setBrush(self._brush(color))
        self.fill[positions] = fill
        changed = hatch != self.hatch[positions]
        for unit, kind in zip(positions[changed].tolist(), hatch[changed].tolist(), strict=True):
            self._hatch_tile(int(self._tile_of[unit])).set_kind(unit, kind)
        self.hatch[positions] = hatch
        changed = border_kind != self.border_kind[positions]
        self.border_kind[positions] = border_kind
        for unit in positions[changed].tolist():
            if self.border_items[unit] is not None:
                self._restyle_border_item(unit)

    def _hatch_tile(self, tile: int) -> HatchTileItem:
        item = self.hatch_tiles.get(tile)
        if item is None:
            item = self.hatch_tiles[tile] = HatchTileItem(self._geometry(), self._style, HATCH)
            item.setVisible(self._vector_visible)
            self._scene.addItem(item)
        return item

    def _tile(self, group: int, tile: int) -> QGraphicsRectItem:
        item = self.tiles.get((group, tile))
        if item is None:
            item = self.tiles[(group, tile)] = tile_item(group)
            if group in VECTOR_GROUPS and not self._vector_visible:
                item.setVisible(False)
            self._scene.addItem(item)
        return item

    def set_vector_visible(self, visible: bool) -> None:
        """Show or hide the vector items (fills, hatching, borders) while the cached map image stands in."""
        self._vector_visible = visible
        for (group, _), tile in self.tiles.items():
            if group in VECTOR_GROUPS:
                tile.setVisible(visible)
        for item in self.hatch_tiles.values():
            item.setVisible(visible)

    def set_unit_pen(self, pen: QPen) -> None:
        self._unit_pen = pen
        for item in self.unit_items:
            if item is not None:
                item.setPen(pen)

    # -- territory borders ---------------------------------------------------------------------------------------
    def apply_borders(self, positions: np.ndarray, codes: np.ndarray) -> None:
        """Recompute the territory border items of ``positions`` (edges facing another territory)."""
        self._codes = codes
        if self._lazy:
            later = ~self._made[self._tile_of[positions]]
            self._border_stale[positions[later]] = True
            positions = positions[~later]
            if not len(positions):
                return
        paths = self._geometry().boundary_paths(positions, codes)
        self._border_stale[positions] = False
        for unit, path in zip(positions.tolist(), paths, strict=True):
            item = self.border_items[unit]
            self.border_paths[unit] = path
            if path is None:
                if item is not None and item.isVisible():
                    item.setVisible(False)  # hiding is cheap; emptying a path item is not (docs/ARCHITECTURE.md)
                continue
            if item is None:
                self._create_border_item(unit, path)
                continue
            if item.path() != path:
                item.setPath(path)
            if not item.isVisible():
                item.setVisible(True)
            if self._border_group[unit] != self._border_group_for(unit):
                self._restyle_border_item(unit)

    def border_paths_of(self, units: np.ndarray | None = None) -> list[QPainterPath | None]:
        """``border_paths`` with the paths of ``units`` (all, with None) worked out first where they are stale."""
        stale = self._border_stale if units is None else np.zeros_like(self._border_stale)
        if units is not None:
            stale[units] = self._border_stale[units]
        todo = np.flatnonzero(stale)
        if len(todo):
            for unit, path in zip(todo.tolist(), self._geometry().boundary_paths(todo, self._codes), strict=True):
                self.border_paths[unit] = path
            self._border_stale[todo] = False
        return self.border_paths

    def _border_group_for(self, unit: int) -> int:
        return ALERT if self.border_kind[unit] == render.STATUS_UNFUNDED else BORDER

    def _create_border_item(self, unit: int, path: QPainterPath) -> None:
        group = self._border_group_for(unit)
        item = QGraphicsPathItem(path, self._tile(group, int(self._tile_of[unit])))
        item.setPen(render.territory_border_pen(int(self.border_kind[unit]), self._style))
        item.setBrush(Qt.BrushStyle.NoBrush)
        self.border_items[unit] = item
        self._border_group[unit] = group

    def _restyle_border_item(self, unit: int) -> None:
        item = self.border_items[unit]
        if item is None:
            return
        group = self._border_group_for(unit)
        if self._border_group[unit] != group:
            item.setParentItem(self._tile(group, int(self._tile_of[unit])))
            self._border_group[unit] = group
        item.setPen(render.territory_border_pen(int(self.border_kind[unit]), self._style))

    # -- overlays ------------------------------------------------------------------------------------------------
    def show_overlay(
        self, group: int, unit: int, pen: QPen, brush: QBrush | Qt.BrushStyle, path: QPainterPath | None = None
    ) -> None:
        """Draw ``unit`` (or ``path``) in the overlay ``group`` (selection, paint preview, highlight)."""
        item = self.overlay_items.get((group, unit))
        path = path if path is not None else self._geometry().paths[unit]
        if item is None:
            item = QGraphicsPathItem(path, self._tile(group, int(self._tile_of[unit])))
            self.overlay_items[(group, unit)] = item
        elif item.path() != path:
            item.setPath(path)
        if item.pen() != pen:  # setting an equal pen or brush still repaints the item
            item.setPen(pen)
        brush = QBrush(brush) if not isinstance(brush, QBrush) else brush
        if item.brush() != brush:
            item.setBrush(brush)
        if not item.isVisible():
            item.setVisible(True)

    def hide_overlay(self, group: int, unit: int) -> None:
        item = self.overlay_items.get((group, unit))
        if item is not None and item.isVisible():
            item.setVisible(False)

    def select(self, positions: np.ndarray, modifiers: Qt.KeyboardModifier) -> bool:
        """Select ``positions``, replacing the selection, adding to it (Shift) or toggling (Ctrl); False when the
        selection did not change."""
        mask = np.zeros(len(self.selected), dtype=bool)
        mask[positions] = True
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            mask |= self.selected
        elif modifiers & Qt.KeyboardModifier.ControlModifier:
            mask ^= self.selected
        added = np.flatnonzero(mask & ~self.selected)
        removed = np.flatnonzero(~mask & self.selected)
        if not len(added) and not len(removed):
            return False
        self.selected = mask
        brush = QBrush(translucent(SELECTION_COLOR, 80))
        pen = QPen(QColor(SELECTION_COLOR), 0)
        pen.setCosmetic(True)
        for unit in added.tolist():
            self.show_overlay(SELECT, unit, pen, brush)
        for unit in removed.tolist():
            self.hide_overlay(SELECT, unit)
        return True

    def highlight(self, positions: np.ndarray) -> None:
        """Outline the units at ``positions`` as one shape (replacing the previous outline).

        Only the units that joined or left the set, and their neighbours, can change their part of the outline:
        after a stroke into the outlined territory those few are redrawn, not the whole territory's outline."""
        geometry = self._geometry()
        wanted = np.zeros(geometry.n, dtype=bool)
        wanted[np.asarray(positions, dtype=np.int64)] = True
        changed = np.flatnonzero(wanted != self._highlight_set)
        if not len(changed):
            return
        if len(changed) * 4 < geometry.n:
            redo = np.unique(np.concatenate([changed, geometry.neighbors(changed)]))
        else:
            redo = np.flatnonzero(wanted | self._highlight_set)
        self._highlight_set = wanted
        shown = np.zeros(geometry.n, dtype=bool)
        shown[self.highlighted] = True
        keys = np.where(wanted, 0, -1).astype(np.int64)
        members = redo[wanted[redo]]
        for unit in redo[~wanted[redo]].tolist():
            self.hide_overlay(HIGHLIGHT, unit)
            shown[unit] = False
        pen = QPen(QColor(HIGHLIGHT_COLOR), 3.2)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        for unit, path in zip(members.tolist(), geometry.boundary_paths(members, keys), strict=True):
            if path is None:
                self.hide_overlay(HIGHLIGHT, unit)
                shown[unit] = False
            else:
                self.show_overlay(HIGHLIGHT, unit, pen, Qt.BrushStyle.NoBrush, path)
                shown[unit] = True
        self.highlighted = np.flatnonzero(shown)

    def set_hover(self, unit: int) -> None:
        """Outline the unit under the pointer (-1: none)."""
        if unit == self._hover_unit or self.geometry is None:
            return
        self._hover_unit = unit
        if self._hover_item is None:
            self._hover_item = QGraphicsPathItem()
            pen = QPen(QColor(12, 18, 28, 200), 1.6)
            pen.setCosmetic(True)
            self._hover_item.setPen(pen)
            self._hover_item.setZValue(HOVER)
            self._hover_item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._scene.addItem(self._hover_item)
        if unit < 0:
            self._hover_item.setVisible(False)
            return
        self._hover_item.setPath(self.geometry.paths[unit])
        self._hover_item.setVisible(True)

    # -- export --------------------------------------------------------------------------------------------------
    def paint(self, painter: QPainter) -> None:
        """Draw fills, hatching and borders with ``painter`` (already transformed to scene coordinates)."""
        render.paint_units(
            painter,
            self._geometry(),
            self.fill,
            self.hatch,
            self.border_paths_of(),
            self.border_kind,
            None,
            self._style,
        )


__all__ = ["HIGHLIGHT_COLOR", "SELECTION_COLOR", "UnitItems"]
