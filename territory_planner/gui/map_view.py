"""The territory map: units coloured by territory, funding marks, selection and paint strokes, in native Qt.

Scene layout (DESIGN section 7): every unit is a path item parented under a grid of tile items; territory borders
are small per-unit items holding only the unit's edges that face another territory, so an edit repaints just the
touched units and their neighbours. When the view shows more units than can be painted within a frame (ZIP scale,
zoomed out), the vector items are hidden and a cached image of the whole map is shown instead; that image is
rendered on a worker thread and patched in place after edits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import shapely
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QKeyEvent, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QToolTip,
    QWidget,
)

from ..exporters import qtmap
from .map_items import HatchTileItem, LabelItem, LegendWidget, RasterItem, tile_item, translucent
from .map_raster import RasterImage, RasterRenderer, RasterRequest

MODES = ("select", "lasso", "paint", "pan")

# Item groups, each with its own grid of tiles; the number is the z value (drawing order).
_FILL, _HATCH, _BORDER, _ALERT, _RASTER, _SELECT, _PREVIEW, _HIGHLIGHT, _HOVER, _LABEL, _GESTURE = range(11)
_VECTOR_GROUPS = (_FILL, _HATCH, _BORDER, _ALERT)

_SELECTION_COLOR = "#1e6feb"
_HIGHLIGHT_COLOR = "#0b1220"

TooltipProvider = Callable[[int], str]
PaintFilter = Callable[[np.ndarray], np.ndarray]


class MapView(QGraphicsView):
    """Interactive map of a layer's units painted into territories.

    Signals: ``selection_changed(list[str])`` with the selected unit ids after any change of the selection;
    ``stroke_finished(list[str])`` once per completed paint stroke with the units it crossed (in crossing order,
    after the paint filter); ``raster_updated()`` when the zoomed-out map image has been re-rendered; ``painted()``
    after every repaint of the viewport (tests and benchmarks wait on it).
    """

    selection_changed = Signal(list)
    stroke_finished = Signal(list)
    raster_updated = Signal()
    painted = Signal()

    #: Most units painted as vector items in one frame; beyond it the cached whole-map image is shown.
    VECTOR_BUDGET = 2500
    #: Largest side of the cached whole-map image, in pixels.
    RASTER_MAX_SIDE = 4096

    def __init__(self, parent: QWidget | None = None, style: qtmap.MapStyle = qtmap.DEFAULT_STYLE) -> None:
        super().__init__(parent)
        self._style = style
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setBackgroundBrush(QColor(style.background))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)

        self._legend = LegendWidget(self)
        self._renderer = RasterRenderer(self)
        self._renderer.finished.connect(self._on_renderer_finished)
        self._label_timer = QTimer(self)
        self._label_timer.setSingleShot(True)
        self._label_timer.setInterval(120)
        self._label_timer.timeout.connect(self._relabel)
        self._display_timer = QTimer(self)
        self._display_timer.setSingleShot(True)
        self._display_timer.setInterval(100)
        self._display_timer.timeout.connect(self._on_display_timer)
        self._raster_timer = QTimer(self)
        self._raster_timer.setSingleShot(True)
        self._raster_timer.setInterval(0)
        self._raster_timer.timeout.connect(self._start_raster_render)
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(300)
        self._resize_timer.timeout.connect(self._on_resize_timer)
        self._auto_fit = True

        self._mode = "select"
        self._brush_radius = 12.0
        self._active_color = QColor("#4e79a7")
        self._paint_filter: PaintFilter | None = None
        self._tooltip_provider: TooltipProvider | None = None
        self._space_down = False
        self._gesture: str | None = None
        self._gesture_button = Qt.MouseButton.NoButton
        self._reset_layer_state()

    # ================================================================================================================
    # Layer and territory state

    def _reset_layer_state(self) -> None:
        self._layer = None
        self._geometry: qtmap.MapGeometry | None = None
        self._ids: list[str] = []
        self._id_index: dict[str, int] = {}
        self._codes = np.zeros(0, dtype=np.int64)
        self._colors: list[str] = []
        self._names: list[str] = []
        self._status: list[str | None] = []
        self._locked: list[bool] = []
        self._kinds = np.zeros(0, dtype=np.int8)
        self._color_mode = "territory"
        self._values: np.ndarray | None = None
        self._value_label = ""
        self._classes: qtmap.MeasureClasses | None = None
        self._fill = np.zeros(0, dtype=np.int64)
        self._hatch = np.zeros(0, dtype=np.int8)
        self._border_kind = np.zeros(0, dtype=np.int8)
        self._unit_items: list[QGraphicsPathItem] = []
        self._border_items: list[QGraphicsPathItem | None] = []
        self._border_paths: list[QPainterPath | None] = []
        self._border_group = np.zeros(0, dtype=np.int8)
        self._tile_of = np.zeros(0, dtype=np.int64)
        self._tiles: dict[tuple[int, int], QGraphicsRectItem] = {}
        self._hatch_tiles: dict[int, HatchTileItem] = {}
        self._brushes: dict[int, QBrush] = {}
        self._selected = np.zeros(0, dtype=bool)
        self._overlay_items: dict[tuple[int, int], QGraphicsPathItem] = {}
        self._highlighted: np.ndarray = np.zeros(0, dtype=np.int64)
        self._stroke_mask = np.zeros(0, dtype=bool)
        self._stroke_order: list[int] = []
        self._stroke_last: QPointF | None = None
        self._preview_units: list[int] = []
        self._anchors: list[qtmap.LabelAnchor] = []
        self._label_items: dict[int, LabelItem] = {}
        self._layouts: dict[int, qtmap.LabelLayout] = {}
        self._label_font = qtmap.label_font(self._style)
        self._unit_borders_shown = True
        self._raster: RasterImage | None = None
        self._raster_mode = False
        self._raster_pending = False
        # render generations keep counting across layers, so a late render of an old layer is never taken
        self._raster_generation = getattr(self, "_raster_generation", 0)
        self._raster_dirty: list[QRectF] = []  # changes not yet in the shown image (lazy patching)
        self._raster_dirty_inflight: list[QRectF] = []  # changes after the pending render's snapshot
        self._raster_item: RasterItem | None = None
        self._hover_item: QGraphicsPathItem | None = None
        self._hover_unit = -1
        self._rubber_item: QGraphicsRectItem | None = None
        self._lasso_item: QGraphicsPathItem | None = None
        self._lasso_points: list[QPointF] = []
        self._brush_item: QGraphicsEllipseItem | None = None
        self._fit_scale = 1.0
        self._press_pos = QPointF()
        self._press_scene = QPointF()
        self._press_modifiers = Qt.KeyboardModifier.NoModifier
        self._pan_last = QPointF()

    def layer(self):
        return self._layer

    def set_layer(self, layer) -> None:
        """Show ``layer`` (a :class:`territory_planner.domain.Layer`) with every unit unassigned."""
        self._cancel_gesture()
        self._raster_generation += 1  # drop renders of the previous layer
        self._renderer.latest_generation = self._raster_generation
        self._raster_timer.stop()
        self._scene.clear()
        had_selection = bool(self._selected.any()) if len(self._selected) else False
        self._reset_layer_state()
        if layer is None or layer.geometry is None:
            self._scene.setSceneRect(QRectF(0, 0, 1, 1))
            if had_selection:
                self.selection_changed.emit([])
            return
        self._layer = layer
        geometry = qtmap.MapGeometry(qtmap.project_for_display(layer.geometry))
        self._geometry = geometry
        n = geometry.n
        self._ids = [str(u) for u in layer.units.index]
        self._id_index = {u: i for i, u in enumerate(self._ids)}
        self._codes = np.full(n, -1, dtype=np.int64)
        self._fill = np.full(n, qtmap.rgb(self._style.unassigned), dtype=np.int64)
        self._hatch = np.zeros(n, dtype=np.int8)
        self._border_kind = np.zeros(n, dtype=np.int8)
        self._border_items = [None] * n
        self._border_paths = [None] * n
        self._border_group = np.full(n, -1, dtype=np.int8)
        self._selected = np.zeros(n, dtype=bool)
        self._stroke_mask = np.zeros(n, dtype=bool)

        extent = geometry.extent
        self._scene.setSceneRect(
            extent.adjusted(-extent.width() * 2, -extent.height() * 2, extent.width() * 2, extent.height() * 2)
        )
        grid = int(min(13, max(4, round(math.sqrt(n / 25)))))
        centres_x = (geometry.bounds[:, 0] + geometry.bounds[:, 2]) / 2
        centres_y = (geometry.bounds[:, 1] + geometry.bounds[:, 3]) / 2
        tx = np.clip(((centres_x - extent.left()) / extent.width() * grid).astype(np.int64), 0, grid - 1)
        ty = np.clip(((centres_y - extent.top()) / extent.height() * grid).astype(np.int64), 0, grid - 1)
        self._tile_of = ty * grid + tx

        brush = self._brush(int(self._fill[0]) if n else 0)
        pen = qtmap.unit_border_pen(self._style)
        paths = geometry.paths
        tiles: dict[int, QGraphicsRectItem] = {}
        items: list[QGraphicsPathItem] = []
        for unit, tile in enumerate(self._tile_of.tolist()):
            parent = tiles.get(tile)
            if parent is None:
                parent = tiles[tile] = tile_item(_FILL)
            item = QGraphicsPathItem(paths[unit], parent)
            item.setBrush(brush)
            item.setPen(pen)
            items.append(item)
        for tile, parent in tiles.items():
            self._tiles[(_FILL, tile)] = parent
            self._scene.addItem(parent)
        self._unit_items = items

        self._raster_item = RasterItem(_RASTER)
        self._raster_item.setVisible(False)
        self._scene.addItem(self._raster_item)
        self._update_legend()
        self.zoom_to_fit()
        self._request_raster()
        if had_selection:
            self.selection_changed.emit([])

    def set_territory_state(
        self,
        codes: np.ndarray,
        colors: Sequence[str],
        names: Sequence[str],
        status: Sequence[str | None],
        locked: Sequence[bool],
    ) -> None:
        """Full refresh: territory code per unit position (-1 unassigned) and colour/name/status/lock per code."""
        if self._geometry is None:
            return
        codes = np.asarray(codes, dtype=np.int64)
        if codes.shape != (self._geometry.n,):
            raise ValueError(f"Expected one territory code per unit ({self._geometry.n}), got {codes.shape}.")
        ncodes = len(colors)
        if codes.size and codes.max(initial=-1) >= ncodes:
            raise ValueError(f"Territory code {int(codes.max())} has no colour ({ncodes} colours given).")
        self._codes = codes.copy()
        self._colors = list(colors)
        self._names = [str(n) for n in names] + [f"Territory {i + 1}" for i in range(len(names), ncodes)]
        self._status = list(status) + [None] * (ncodes - len(status))
        self._locked = [bool(x) for x in locked] + [False] * (ncodes - len(locked))
        self._kinds = qtmap.status_kinds(self._status, ncodes)
        everything = np.arange(self._geometry.n)
        self._apply_styles(everything)
        self._apply_borders(everything)
        self._after_full_change()
        self._relabel()

    def update_units(self, positions: np.ndarray, codes: np.ndarray) -> None:
        """Incremental refresh after an edit: ``positions`` now belong to ``codes`` (same length, -1 unassigned)."""
        if self._geometry is None:
            return
        positions = np.asarray(positions, dtype=np.int64).ravel()
        codes = np.broadcast_to(np.asarray(codes, dtype=np.int64), positions.shape)
        if not len(positions):
            return
        if codes.max(initial=-1) >= len(self._colors):
            raise ValueError(f"Territory code {int(codes.max())} has no colour; call set_territory_state first.")
        self._codes[positions] = codes
        self._apply_styles(positions)
        touched = np.unique(np.concatenate([positions, self._geometry.neighbors(positions)]))
        self._apply_borders(touched)
        self._mark_raster_dirty(self._geometry.union_bounds(positions))
        self._label_timer.start()

    def set_territory_status(self, status: Sequence[str | None]) -> None:
        """Restyle the funding marks (hatching, outlines, status colours, label captions) only."""
        if self._geometry is None:
            return
        self._status = list(status) + [None] * (len(self._colors) - len(status))
        self._kinds = qtmap.status_kinds(self._status, len(self._colors))
        self._apply_styles(np.arange(self._geometry.n))
        self._after_full_change()
        self._relabel()

    def set_color_mode(self, mode: str, values: np.ndarray | None = None, label: str = "") -> None:
        """Colour units by ``territory``, funding ``status`` (green/amber/red) or a ``measure`` (values per unit)."""
        if mode not in qtmap.COLOR_MODES:
            raise ValueError(f"Unknown colour mode '{mode}': use one of {', '.join(qtmap.COLOR_MODES)}.")
        if mode == "measure":
            if values is None:
                raise ValueError("The measure colour mode needs one value per unit.")
            values = np.asarray(values, dtype=float)
            if self._geometry is not None and values.shape != (self._geometry.n,):
                raise ValueError(f"Expected one value per unit ({self._geometry.n}), got {values.shape}.")
            self._values = values.copy()
            self._value_label = label
            self._classes = qtmap.measure_classes(values, label, self._style)
        else:
            self._values, self._value_label, self._classes = None, "", None
        self._color_mode = mode
        if self._geometry is None:
            self._update_legend()
            return
        self._apply_styles(np.arange(self._geometry.n))
        self._after_full_change()

    def color_mode(self) -> str:
        return self._color_mode

    def _after_full_change(self) -> None:
        self._update_legend()
        self._raster_dirty.clear()
        self._request_raster()
        self._update_lod()

    # -- styling ------------------------------------------------------------------------------------------------------

    def _brush(self, color: int) -> QBrush:
        brush = self._brushes.get(color)
        if brush is None:
            brush = self._brushes[color] = QBrush(QColor.fromRgb(color))
        return brush

    def _styles_for(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        codes = self._codes[positions]
        values = self._values[positions] if self._values is not None else None
        fill = qtmap.unit_fill_rgb(
            codes,
            self._colors,
            self._status,
            mode=self._color_mode,
            values=values,
            classes=self._classes,
            style=self._style,
        )
        hatch = qtmap.hatch_kinds(codes, self._status, len(self._colors), self._color_mode)
        kinds = self._kinds
        border_kind = (
            np.where(codes >= 0, kinds[np.maximum(codes, 0)], 0).astype(np.int8)
            if len(kinds)
            else np.zeros(len(codes), dtype=np.int8)
        )
        return fill, hatch, border_kind

    def _apply_styles(self, positions: np.ndarray) -> None:
        """Fill colours, hatching and border styles of ``positions`` from the current state (changes only)."""
        fill, hatch, border_kind = self._styles_for(positions)
        changed = fill != self._fill[positions]
        items = self._unit_items
        for unit, color in zip(positions[changed].tolist(), fill[changed].tolist(), strict=True):
            items[unit].setBrush(self._brush(color))
        self._fill[positions] = fill
        changed = hatch != self._hatch[positions]
        for unit, kind in zip(positions[changed].tolist(), hatch[changed].tolist(), strict=True):
            self._hatch_tile(int(self._tile_of[unit])).set_kind(unit, kind)
        self._hatch[positions] = hatch
        changed = border_kind != self._border_kind[positions]
        self._border_kind[positions] = border_kind
        for unit in positions[changed].tolist():
            if self._border_items[unit] is not None:
                self._restyle_border_item(unit)

    def _hatch_tile(self, tile: int) -> HatchTileItem:
        item = self._hatch_tiles.get(tile)
        if item is None:
            item = self._hatch_tiles[tile] = HatchTileItem(self._geometry, self._style, _HATCH)
            item.setVisible(not self._raster_mode)
            self._scene.addItem(item)
        return item

    def _tile(self, group: int, tile: int) -> QGraphicsRectItem:
        item = self._tiles.get((group, tile))
        if item is None:
            item = self._tiles[(group, tile)] = tile_item(group)
            if group in _VECTOR_GROUPS and self._raster_mode:
                item.setVisible(False)
            self._scene.addItem(item)
        return item

    def _apply_borders(self, positions: np.ndarray) -> None:
        """Recompute the territory border items of ``positions`` (edges facing another territory)."""
        paths = self._geometry.boundary_paths(positions, self._codes)
        for unit, path in zip(positions.tolist(), paths, strict=True):
            item = self._border_items[unit]
            self._border_paths[unit] = path
            if path is None:
                if item is not None and item.isVisible():
                    item.setVisible(False)  # hiding is cheap; emptying a path item is not (DESIGN section 7)
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

    def _border_group_for(self, unit: int) -> int:
        return _ALERT if self._border_kind[unit] == qtmap.STATUS_UNFUNDED else _BORDER

    def _create_border_item(self, unit: int, path: QPainterPath) -> None:
        group = self._border_group_for(unit)
        item = QGraphicsPathItem(path, self._tile(group, int(self._tile_of[unit])))
        item.setPen(qtmap.territory_border_pen(int(self._border_kind[unit]), self._style))
        item.setBrush(Qt.BrushStyle.NoBrush)
        self._border_items[unit] = item
        self._border_group[unit] = group

    def _restyle_border_item(self, unit: int) -> None:
        item = self._border_items[unit]
        group = self._border_group_for(unit)
        if self._border_group[unit] != group:
            item.setParentItem(self._tile(group, int(self._tile_of[unit])))
            self._border_group[unit] = group
        item.setPen(qtmap.territory_border_pen(int(self._border_kind[unit]), self._style))

    # -- legend and labels --------------------------------------------------------------------------------------------

    def _update_legend(self) -> None:
        missing = bool(self._values is not None and (~np.isfinite(self._values)).any())
        self._legend.set_legend(
            qtmap.legend_for(self._color_mode, self._status or None, self._classes, missing, self._style)
        )
        self._place_legend()

    def _place_legend(self) -> None:
        vp = self.viewport().geometry()
        self._legend.move(vp.left() + 12, vp.bottom() - self._legend.height() - 12)
        self._legend.raise_()

    def legend_widget(self) -> LegendWidget:
        return self._legend

    def _relabel(self) -> None:
        """Rebuild territory labels at the centre of each territory's largest piece."""
        self._label_timer.stop()
        for item in self._label_items.values():
            self._scene.removeItem(item)
        self._label_items = {}
        if self._geometry is None or not self._colors:
            self._anchors = []
            return
        self._anchors = qtmap.territory_label_anchors(self._geometry, self._codes)
        self._layouts = {
            a.code: qtmap.label_layout(
                self._names[a.code], int(self._kinds[a.code]), self._locked[a.code], self._style, self._label_font
            )
            for a in self._anchors
        }
        for anchor in self._anchors:
            item = LabelItem(self._layouts[anchor.code], self._style, self._label_font, _LABEL)
            item.setPos(anchor.x, anchor.y)
            item.setVisible(False)
            self._scene.addItem(item)
            self._label_items[anchor.code] = item
        self._place_labels()

    def _place_labels(self) -> None:
        if not self._label_items:
            return
        legend = QRectF(self._legend.geometry()).translated(-QPointF(self.viewport().geometry().topLeft()))
        shown = {
            anchor.code
            for anchor, _ in qtmap.place_labels(
                self._anchors, self._layouts, self.viewportTransform(), QRectF(self.viewport().rect()), [legend]
            )
        }
        for code, item in self._label_items.items():
            visible = code in shown
            if item.isVisible() != visible:
                item.setVisible(visible)

    def visible_label_names(self) -> list[str]:
        """Names of the territory labels currently shown (for tests and accessibility)."""
        return [self._names[c] for c, item in self._label_items.items() if item.isVisible()]

    # ================================================================================================================
    # Level of detail: vector items when few units are in view, the cached whole-map image otherwise

    def _needs_raster(self) -> bool:
        return self._geometry is not None and self._geometry.n > self.VECTOR_BUDGET

    def _request_raster(self) -> None:
        """Schedule a render of the map image; requests made in one event-loop pass become one render."""
        if not self._needs_raster():
            return
        self._raster_pending = True
        self._raster_timer.start()

    def _start_raster_render(self) -> None:
        self._raster_timer.stop()
        if not self._needs_raster():
            self._raster_pending = False
            return
        geometry = self._geometry
        rect = qtmap.padded(geometry.extent)
        fit = self._fit_scale_for_viewport()
        scale = self._raster_scale_for_viewport()
        self._raster_generation += 1
        request = RasterRequest(
            generation=self._raster_generation,
            geometry=geometry,
            rect=rect,
            width=max(1, round(rect.width() * scale)),
            height=max(1, round(rect.height() * scale)),
            fill=self._fill.copy(),
            hatch=self._hatch.copy(),
            codes=self._codes.copy(),
            border_kind=self._border_kind.copy(),
            style=self._style,
            min_level_scale=fit * 0.7,
            pixel_scale=max(1.0, scale / fit),
        )
        self._raster_dirty_inflight = []  # edits from now on are not in this render's snapshot
        self._renderer.request(request)

    def _fit_scale_for_viewport(self) -> float:
        """Device pixels per scene unit when the whole layer fits the viewport."""
        rect = qtmap.padded(self._geometry.extent)
        vp = self.viewport().size()
        fit = min(max(vp.width(), 400) / rect.width(), max(vp.height(), 300) / rect.height())
        return fit * self.devicePixelRatioF()

    def _raster_scale_for_viewport(self) -> float:
        """Scale of the map image: fine enough for zooming in until few enough units are in view for items."""
        rect = qtmap.padded(self._geometry.extent)
        zoom = max(1.0, math.sqrt(self._geometry.n / self.VECTOR_BUDGET) * 1.25)
        return min(
            self._fit_scale_for_viewport() * zoom,
            self.RASTER_MAX_SIDE / rect.width(),
            self.RASTER_MAX_SIDE / rect.height(),
        )

    def _on_renderer_finished(self, image: RasterImage) -> None:
        if image.generation != self._raster_generation or self._geometry is None:
            return
        self._raster_pending = False
        self._raster = image
        for rect in _merge_rects(self._raster_dirty_inflight):
            self._patch_raster(rect)
        self._raster_dirty_inflight = []
        self._raster_dirty = []
        self._raster_item.set_images(image.rect, image.levels)
        self._update_lod()
        self._on_display_timer()
        self.raster_updated.emit()

    def wait_for_raster(self, msecs: int = 30000) -> bool:
        """Block until the cached map image is current (benchmarks, tests, export); True when it is."""
        if not self._raster_pending:
            return True
        if self._raster_timer.isActive():
            self._start_raster_render()
        self._renderer.wait(msecs)
        QApplication.sendPostedEvents(self._renderer.bridge)
        QApplication.processEvents()
        return not self._raster_pending

    def _mark_raster_dirty(self, rect: QRectF) -> None:
        if not self._needs_raster() or rect.isEmpty():
            return
        if self._raster_pending:
            self._raster_dirty_inflight.append(rect)
        if self._raster is None:
            return
        if self._raster_mode:
            self._patch_raster(rect)
            self._raster_item.update(rect.adjusted(-rect.width(), -rect.height(), rect.width(), rect.height()))
        else:
            self._raster_dirty.append(rect)

    def _patch_raster(self, rect: QRectF) -> None:
        pixels = self._raster.repaint(
            rect, self._geometry, self._fill, self._hatch, self._border_paths, self._border_kind, self._style
        )
        if self._raster_item is not None:
            self._raster_item.patch_display(pixels)

    def _on_display_timer(self) -> None:
        """The zoom has settled: make the 1:1 display copy of the map image for it."""
        if self._raster_mode and self._raster_item is not None:
            self._raster_item.build_display(self.current_scale() * self.devicePixelRatioF())

    def _flush_raster_dirty(self) -> bool:
        """Bring the shown image up to date before switching to it; False when a full render is needed."""
        if not self._raster_dirty:
            return True
        rects = _merge_rects(self._raster_dirty)
        area = sum(r.width() * r.height() for r in rects)
        extent = self._geometry.extent
        if area > 0.3 * extent.width() * extent.height():
            self._raster_dirty = []
            self._request_raster()
            return False
        for rect in rects:
            self._patch_raster(rect)
        self._raster_dirty = []
        return True

    def _update_lod(self) -> None:
        if self._geometry is None:
            return
        want = False
        if self._needs_raster() and self._raster is not None and self._raster_item is not None:
            view = self.visible_scene_rect()
            visible = len(self._geometry.tree.query(shapely.box(view.left(), view.top(), view.right(), view.bottom())))
            limit = self.VECTOR_BUDGET * (0.9 if self._raster_mode else 1.1)
            sharp = self.current_scale() <= self._raster_item.pixels_per_unit() * 1.6
            want = visible > limit and sharp
        if want and not self._raster_mode and not self._flush_raster_dirty():
            want = False
        if want != self._raster_mode:
            self._raster_mode = want
            for (group, _), tile in self._tiles.items():
                if group in _VECTOR_GROUPS:
                    tile.setVisible(not want)
            for item in self._hatch_tiles.values():
                item.setVisible(not want)
            self._raster_item.setVisible(want)
        if want:
            scale = self.current_scale() * self.devicePixelRatioF()
            if abs(self._raster_item.display_scale() - scale) > 1e-9 * scale:
                self._display_timer.start()
        else:
            self._apply_unit_border_lod()

    def _apply_unit_border_lod(self) -> None:
        show = qtmap.unit_borders_visible(self._geometry, self.current_scale(), self._style)
        if show == self._unit_borders_shown:
            return
        self._unit_borders_shown = show
        pen = qtmap.unit_border_pen(self._style) if show else QPen(Qt.PenStyle.NoPen)
        for item in self._unit_items:
            item.setPen(pen)

    def is_showing_raster(self) -> bool:
        """True while the zoomed-out level of detail (the cached map image) is shown."""
        return self._raster_mode

    # ================================================================================================================
    # Navigation

    def current_scale(self) -> float:
        """Device pixels per scene unit."""
        t = self.transform()
        return math.hypot(t.m11(), t.m12()) or 1.0

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def zoom_to_fit(self) -> None:
        if self._geometry is None:
            return
        self.resetTransform()
        self.fitInView(qtmap.padded(self._geometry.extent), Qt.AspectRatioMode.KeepAspectRatio)
        self._fit_scale = self.current_scale()
        self._auto_fit = True
        self._view_changed()

    def zoom_to_units(self, unit_ids: Iterable[str]) -> None:
        """Show the given units, with a margin (unknown ids are ignored)."""
        if self._geometry is None:
            return
        positions = self._positions(unit_ids)
        rect = self._geometry.union_bounds(positions)
        if rect.isEmpty() and not len(positions):
            return
        extent = self._geometry.extent
        min_side = max(extent.width(), extent.height()) / 400
        if rect.width() < min_side or rect.height() < min_side:
            c = rect.center()
            side = max(rect.width(), rect.height(), min_side)
            rect = QRectF(c.x() - side / 2, c.y() - side / 2, side, side)
        self.resetTransform()
        self.fitInView(qtmap.padded(rect, 0.12), Qt.AspectRatioMode.KeepAspectRatio)
        self._auto_fit = False
        self._view_changed()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the scene point under ``anchor`` (viewport pixels; default centre) in place."""
        if self._geometry is None:
            return
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        scale = self.current_scale()
        factor = min(max(factor, self._fit_scale / 4 / scale), self._fit_scale * 3000 / scale)
        if abs(factor - 1) < 1e-9:
            return
        self._auto_fit = False
        before = self.mapToScene(anchor.toPoint())
        self.scale(factor, factor)
        after = self.mapToScene(anchor.toPoint())
        delta = after - before
        self.translate(delta.x(), delta.y())
        self._view_changed()

    def _view_changed(self) -> None:
        if self._geometry is None:
            return
        self._update_lod()
        self._place_labels()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self._view_changed()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_legend()
        if self._auto_fit:
            self.zoom_to_fit()  # a map nobody has zoomed yet keeps filling the window
        else:
            self._view_changed()
        if self._needs_raster():
            self._resize_timer.start()

    def _on_resize_timer(self) -> None:
        """After a resize: render the map image again when it has become too coarse for the window."""
        if self._raster_item is None or not self._needs_raster():
            return
        have = self._raster_item.pixels_per_unit()
        if not self._raster_pending and (have == 0 or have < self._raster_scale_for_viewport() * 0.8):
            self._request_raster()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.painted.emit()

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            event.ignore()
            return
        self.zoom_by(1.0015**delta, event.position())
        event.accept()

    # ================================================================================================================
    # Modes, brush, filters

    def set_mode(self, mode: str) -> None:
        """``select`` (click/rectangle), ``lasso``, ``paint`` (brush strokes) or ``pan``."""
        if mode not in MODES:
            raise ValueError(f"Unknown map mode '{mode}': use one of {', '.join(MODES)}.")
        self._cancel_gesture()
        self._mode = mode
        self._update_cursor()
        if self._brush_item is not None:
            self._brush_item.setVisible(False)

    def mode(self) -> str:
        return self._mode

    def set_brush_radius(self, px: float) -> None:
        """Radius of the paint brush in screen pixels (0 paints only the units under the pointer's path)."""
        self._brush_radius = max(0.0, float(px))
        if self._brush_item is not None:
            r = self._brush_radius
            self._brush_item.setRect(QRectF(-r, -r, 2 * r, 2 * r))

    def brush_radius(self) -> float:
        return self._brush_radius

    def set_active_color(self, color: str) -> None:
        """Colour of the paint preview (the territory being painted)."""
        self._active_color = QColor(color)
        if self._brush_item is not None:
            self._brush_item.setBrush(translucent(self._active_color, 60))

    def set_paint_filter(self, fn: PaintFilter | None) -> None:
        """``fn(positions) -> bool mask`` of units a stroke may take (e.g. excluding locked territories)."""
        self._paint_filter = fn

    def set_tooltip_provider(self, fn: TooltipProvider | None) -> None:
        """``fn(position) -> str`` (rich text) shown when hovering a unit; None restores the default."""
        self._tooltip_provider = fn

    def _update_cursor(self) -> None:
        if self._gesture == "pan":
            shape = Qt.CursorShape.ClosedHandCursor
        elif self._mode == "pan" or self._space_down:
            shape = Qt.CursorShape.OpenHandCursor
        elif self._mode in ("paint", "lasso"):
            shape = Qt.CursorShape.CrossCursor
        else:
            shape = Qt.CursorShape.ArrowCursor
        self.viewport().setCursor(shape)

    # ================================================================================================================
    # Selection and highlight

    def selected_unit_ids(self) -> list[str]:
        return [self._ids[i] for i in np.flatnonzero(self._selected).tolist()]

    def select_units(self, unit_ids: Iterable[str]) -> None:
        """Replace the selection (emits ``selection_changed`` when it changes)."""
        mask = np.zeros(len(self._selected), dtype=bool)
        mask[self._positions(unit_ids)] = True
        self._set_selection(mask)

    def clear_selection(self) -> None:
        self._set_selection(np.zeros(len(self._selected), dtype=bool))

    def _combine_selection(self, positions: np.ndarray, modifiers) -> None:
        mask = np.zeros(len(self._selected), dtype=bool)
        mask[positions] = True
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            mask |= self._selected
        elif modifiers & Qt.KeyboardModifier.ControlModifier:
            mask ^= self._selected
        self._set_selection(mask)

    def _set_selection(self, mask: np.ndarray) -> None:
        if self._geometry is None:
            return
        added = np.flatnonzero(mask & ~self._selected)
        removed = np.flatnonzero(~mask & self._selected)
        if not len(added) and not len(removed):
            return
        self._selected = mask
        brush = QBrush(translucent(_SELECTION_COLOR, 80))
        pen = QPen(QColor(_SELECTION_COLOR), 0)
        pen.setCosmetic(True)
        for unit in added.tolist():
            self._show_overlay(_SELECT, unit, pen, brush)
        for unit in removed.tolist():
            self._hide_overlay(_SELECT, unit)
        self.selection_changed.emit(self.selected_unit_ids())

    def _show_overlay(
        self, group: int, unit: int, pen: QPen, brush: QBrush | Qt.BrushStyle, path: QPainterPath | None = None
    ) -> None:
        item = self._overlay_items.get((group, unit))
        path = path if path is not None else self._geometry.paths[unit]
        if item is None:
            item = QGraphicsPathItem(path, self._tile(group, int(self._tile_of[unit])))
            self._overlay_items[(group, unit)] = item
        elif item.path() != path:
            item.setPath(path)
        item.setPen(pen)
        item.setBrush(brush)
        if not item.isVisible():
            item.setVisible(True)

    def _hide_overlay(self, group: int, unit: int) -> None:
        item = self._overlay_items.get((group, unit))
        if item is not None and item.isVisible():
            item.setVisible(False)

    def highlight_units(self, unit_ids: Iterable[str]) -> None:
        """Outline a set of units (e.g. the territory chosen in a table); an empty list removes the outline."""
        if self._geometry is None:
            return
        for unit in self._highlighted.tolist():
            self._hide_overlay(_HIGHLIGHT, unit)
        positions = np.unique(self._positions(unit_ids))
        keys = np.full(self._geometry.n, -1, dtype=np.int64)
        keys[positions] = 0
        pen = QPen(QColor(_HIGHLIGHT_COLOR), 3.2)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        shown = []
        for unit, path in zip(positions.tolist(), self._geometry.boundary_paths(positions, keys), strict=True):
            if path is not None:
                self._show_overlay(_HIGHLIGHT, unit, pen, Qt.BrushStyle.NoBrush, path)
                shown.append(unit)
        self._highlighted = np.asarray(shown, dtype=np.int64)

    def highlighted_unit_count(self) -> int:
        """How many units draw part of the highlight outline (its boundary units)."""
        return len(self._highlighted)

    def _positions(self, unit_ids: Iterable[str]) -> np.ndarray:
        index = self._id_index
        return np.asarray([index[u] for u in (str(x) for x in unit_ids) if u in index], dtype=np.int64)

    # ================================================================================================================
    # Hit testing

    def unit_at(self, scene_point: QPointF) -> int:
        """Position of the unit under a scene point, or -1."""
        if self._geometry is None:
            return -1
        hits = self._geometry.tree.query(shapely.points(scene_point.x(), scene_point.y()), predicate="intersects")
        if not len(hits):
            return -1
        if len(hits) > 1:
            return int(hits[np.argmin(self._geometry.areas[hits])])
        return int(hits[0])

    def scene_point(self, unit_id: str) -> QPointF:
        """A point inside the unit, in scene coordinates."""
        x, y = self._geometry.anchors[self._id_index[str(unit_id)]]
        return QPointF(float(x), float(y))

    def view_point(self, unit_id: str) -> QPoint:
        """A point inside the unit, in viewport pixels (where a click selects it)."""
        return self.mapFromScene(self.scene_point(unit_id))

    def image_transform(self, width: int, height: int) -> QTransform:
        """Scene-to-pixel transform of :meth:`render_image` for that size."""
        return qtmap.fit_transform(qtmap.padded(self._geometry.extent), QRectF(0, 0, width, height))

    # ================================================================================================================
    # Mouse and keyboard

    def mousePressEvent(self, event) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if self._geometry is None or self._gesture is not None:
            event.accept()
            return
        button = event.button()
        pos = event.position()
        scene = QPointF(self.mapToScene(pos.toPoint()))
        modifiers = event.modifiers()
        left = button == Qt.MouseButton.LeftButton
        if button == Qt.MouseButton.MiddleButton or (left and (self._mode == "pan" or self._space_down)):
            self._start_gesture("pan", button)
            self._pan_last = QPointF(pos)
        elif left and self._mode == "paint":
            self._start_gesture("paint", button)
            self._stroke_mask[:] = False
            self._stroke_order = []
            self._stroke_last = scene
            self._stroke_add(scene, None)
        elif left and (self._mode == "lasso" or modifiers & Qt.KeyboardModifier.AltModifier):
            self._start_gesture("lasso", button)
            self._press_modifiers = modifiers
            self._lasso_points = [scene]
            self._update_lasso_item()
        elif left:
            self._start_gesture("press", button)
            self._press_pos = QPointF(pos)
            self._press_scene = scene
            self._press_modifiers = modifiers
        else:
            super().mousePressEvent(event)
            return
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        if self._geometry is None:
            return
        pos = event.position()
        scene = QPointF(self.mapToScene(pos.toPoint()))
        gesture = self._gesture
        if gesture == "pan":
            self._auto_fit = False
            delta = pos - self._pan_last
            self._pan_last = QPointF(pos)
            hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
            hbar.setValue(hbar.value() - round(delta.x()))
            vbar.setValue(vbar.value() - round(delta.y()))
        elif gesture == "paint":
            self._stroke_add(scene, self._stroke_last)
            self._stroke_last = scene
        elif gesture == "press":
            if (pos - self._press_pos).manhattanLength() >= QApplication.startDragDistance():
                self._gesture = "rect"
                self._update_rubber_band(scene)
        elif gesture == "rect":
            self._update_rubber_band(scene)
        elif gesture == "lasso":
            last = self._lasso_points[-1]
            if (self.mapFromScene(last) - pos.toPoint()).manhattanLength() >= 3:
                self._lasso_points.append(scene)
                self._update_lasso_item()
        else:
            self._update_hover(scene)
        if self._mode == "paint":
            self._move_brush_cursor(scene)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if self._gesture is None or event.button() != self._gesture_button:
            event.accept()
            return
        gesture = self._gesture
        scene = QPointF(self.mapToScene(event.position().toPoint()))
        if gesture == "paint":
            self._stroke_add(scene, self._stroke_last)
            units = self._stroke_order
            self._stroke_order = []
            self._end_gesture()
            if units:
                self.stroke_finished.emit([self._ids[u] for u in units])
            self._clear_preview()
        elif gesture == "press":
            self._end_gesture()
            unit = self.unit_at(scene)
            positions = np.asarray([unit] if unit >= 0 else [], dtype=np.int64)
            self._combine_selection(positions, self._press_modifiers)
        elif gesture == "rect":
            rect = QRectF(self._press_scene, scene).normalized()
            self._end_gesture()
            box = shapely.box(rect.left(), rect.top(), rect.right(), rect.bottom())
            self._combine_selection(
                np.sort(self._geometry.tree.query(box, predicate="intersects")), self._press_modifiers
            )
        elif gesture == "lasso":
            self._lasso_points.append(scene)
            positions = self._lasso_units(self._lasso_points)
            self._end_gesture()
            self._combine_selection(positions, self._press_modifiers)
        else:
            self._end_gesture()
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:
        self.mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self._gesture is not None:
                self._cancel_gesture()
                event.accept()
                return
            if len(self._selected) and self._selected.any():
                self.clear_selection()
                event.accept()
                return
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
            event.accept()
            return
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
            event.accept()
            return
        elif key == Qt.Key.Key_Home:
            self.zoom_to_fit()
            event.accept()
            return
        elif key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self._update_cursor()
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self._update_cursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        self._space_down = False
        super().focusOutEvent(event)

    def leaveEvent(self, event) -> None:
        if self._brush_item is not None:
            self._brush_item.setVisible(False)
        self._set_hover(-1)
        super().leaveEvent(event)

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._geometry is not None:
            unit = self.unit_at(QPointF(self.mapToScene(event.pos())))
            text = self._tooltip_text(unit) if unit >= 0 else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def _tooltip_text(self, unit: int) -> str:
        if self._tooltip_provider is not None:
            return self._tooltip_provider(unit)
        return self.default_tooltip(unit)

    def default_tooltip(self, unit: int) -> str:
        """Unit name and id, its territory and funding status, and its main attributes."""
        row = self._layer.units.iloc[unit]
        lines = [
            f"<b>{_escape(row.get('name', self._ids[unit]))}</b> <span style='color:#667'>{self._ids[unit]}</span>"
        ]
        code = int(self._codes[unit])
        if code >= 0:
            status = {"funded": "funded", "at_risk": "at risk", "unfunded": "unfunded"}.get(
                self._status[code] or "", ""
            )
            lines.append(f"Territory: {_escape(self._names[code])}" + (f" ({status})" if status else ""))
        else:
            lines.append("Territory: unassigned")
        for column in ("state", "population", "potential", "accounts"):
            if column in row.index and row[column] == row[column]:
                value = row[column]
                text = f"{value:,.0f}" if isinstance(value, int | float | np.integer | np.floating) else str(value)
                lines.append(f"{column.capitalize()}: {_escape(text)}")
        if self._color_mode == "measure" and self._values is not None:
            label = self._value_label or "Value"
            lines.append(f"{_escape(label)}: {qtmap.compact_number(float(self._values[unit]))}")
        return "<br>".join(lines)

    # -- gestures ----------------------------------------------------------------------------------------------------

    def _start_gesture(self, gesture: str, button) -> None:
        self._gesture = gesture
        self._gesture_button = button
        self._update_cursor()

    def _end_gesture(self) -> None:
        self._gesture = None
        self._gesture_button = Qt.MouseButton.NoButton
        if self._rubber_item is not None:
            self._rubber_item.setVisible(False)
        if self._lasso_item is not None:
            self._lasso_item.setVisible(False)
        self._lasso_points = []
        self._update_cursor()

    def _cancel_gesture(self) -> None:
        """Esc: drop a stroke, rectangle or lasso in progress; nothing is emitted."""
        if self._gesture == "paint":
            self._stroke_order = []
            if len(self._stroke_mask):
                self._stroke_mask[:] = False
            self._clear_preview()
        if self._gesture is not None:
            self._end_gesture()

    def stroke_in_progress(self) -> bool:
        return self._gesture == "paint"

    def _stroke_add(self, point: QPointF, previous: QPointF | None) -> None:
        radius = self._brush_radius / self.current_scale()
        if previous is None or previous == point:
            shape = shapely.points(point.x(), point.y())
        else:
            shape = shapely.linestrings([[previous.x(), previous.y()], [point.x(), point.y()]])
        if radius > 0:
            shape = shapely.buffer(shape, radius, quad_segs=6)
        hits = self._geometry.tree.query(shape, predicate="intersects")
        new = np.sort(hits[~self._stroke_mask[hits]])
        if len(new) and self._paint_filter is not None:
            new = new[np.asarray(self._paint_filter(new), dtype=bool)]
        if not len(new):
            return
        if previous is not None and len(new) > 1:
            # Keep crossing order along the stroke, so the emitted list reads like the gesture.
            d = np.hypot(self._geometry.anchors[new, 0] - previous.x(), self._geometry.anchors[new, 1] - previous.y())
            new = new[np.argsort(d, kind="stable")]
        self._stroke_mask[new] = True
        self._stroke_order.extend(new.tolist())
        brush = QBrush(translucent(self._active_color, 235))
        pen = qtmap.unit_border_pen(self._style)
        for unit in new.tolist():
            self._show_overlay(_PREVIEW, unit, pen, brush)
        self._preview_units.extend(new.tolist())

    def _clear_preview(self) -> None:
        for unit in self._preview_units:
            self._hide_overlay(_PREVIEW, unit)
        self._preview_units = []

    def stroke_preview_ids(self) -> list[str]:
        """Units the stroke in progress would paint (empty when no stroke is in progress)."""
        return [self._ids[u] for u in self._stroke_order]

    def _update_rubber_band(self, scene: QPointF) -> None:
        if self._rubber_item is None:
            self._rubber_item = QGraphicsRectItem()
            pen = QPen(QColor(_SELECTION_COLOR), 1.2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._rubber_item.setPen(pen)
            self._rubber_item.setBrush(translucent(_SELECTION_COLOR, 35))
            self._rubber_item.setZValue(_GESTURE)
            self._scene.addItem(self._rubber_item)
        self._rubber_item.setRect(QRectF(self._press_scene, scene).normalized())
        self._rubber_item.setVisible(True)

    def _update_lasso_item(self) -> None:
        if self._lasso_item is None:
            self._lasso_item = QGraphicsPathItem()
            pen = QPen(QColor(_SELECTION_COLOR), 1.4, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._lasso_item.setPen(pen)
            self._lasso_item.setBrush(translucent(_SELECTION_COLOR, 30))
            self._lasso_item.setZValue(_GESTURE)
            self._scene.addItem(self._lasso_item)
        path = QPainterPath()
        if self._lasso_points:
            path.addPolygon(qtmap.polygon_from_array(np.array([[p.x(), p.y()] for p in self._lasso_points])))
        self._lasso_item.setPath(path)
        self._lasso_item.setVisible(True)

    def _lasso_units(self, points: list[QPointF]) -> np.ndarray:
        """Units whose inside point lies within the lasso (a sloppy lasso edge does not grab neighbours)."""
        if len(points) < 3:
            return np.zeros(0, dtype=np.int64)
        polygon = shapely.make_valid(shapely.polygons([[p.x(), p.y()] for p in points]))
        candidates = self._geometry.tree.query(polygon)
        anchors = self._geometry.anchors[candidates]
        inside = shapely.contains_xy(polygon, anchors[:, 0], anchors[:, 1])
        return np.sort(candidates[inside])

    def _move_brush_cursor(self, scene: QPointF) -> None:
        if self._brush_item is None:
            r = self._brush_radius
            self._brush_item = QGraphicsEllipseItem(QRectF(-r, -r, 2 * r, 2 * r))
            self._brush_item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            pen = QPen(QColor(20, 24, 32, 210), 1.2)
            pen.setCosmetic(True)
            self._brush_item.setPen(pen)
            self._brush_item.setBrush(translucent(self._active_color, 60))
            self._brush_item.setZValue(_GESTURE)
            self._scene.addItem(self._brush_item)
        self._brush_item.setPos(scene)
        if not self._brush_item.isVisible():
            self._brush_item.setVisible(True)

    def _update_hover(self, scene: QPointF) -> None:
        self._set_hover(self.unit_at(scene))

    def _set_hover(self, unit: int) -> None:
        if unit == self._hover_unit or self._geometry is None:
            return
        self._hover_unit = unit
        if self._hover_item is None:
            self._hover_item = QGraphicsPathItem()
            pen = QPen(QColor(12, 18, 28, 200), 1.6)
            pen.setCosmetic(True)
            self._hover_item.setPen(pen)
            self._hover_item.setZValue(_HOVER)
            self._hover_item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._scene.addItem(self._hover_item)
        if unit < 0:
            self._hover_item.setVisible(False)
            return
        self._hover_item.setPath(self._geometry.paths[unit])
        self._hover_item.setVisible(True)

    # ================================================================================================================
    # Export

    def render_image(self, width: int, height: int) -> QImage:
        """The whole map (fills, hatching, borders, labels; no selection) as an image of the given size."""
        image = QImage(max(1, width), max(1, height), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor(self._style.background))
        if self._geometry is None:
            return image
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        transform = self.image_transform(image.width(), image.height())
        painter.setTransform(transform)
        qtmap.paint_units(
            painter, self._geometry, self._fill, self._hatch, self._border_paths, self._border_kind, None, self._style
        )
        painter.resetTransform()
        if self._anchors:
            placed = qtmap.place_labels(self._anchors, self._layouts, transform, QRectF(image.rect()))
            for anchor, center in placed:
                qtmap.draw_label(painter, center, self._layouts[anchor.code], self._style, self._label_font)
        painter.end()
        return image


def _merge_rects(rects: list[QRectF]) -> list[QRectF]:
    """A few rectangles covering ``rects`` (many small edits become their bounding rectangle)."""
    rects = [r for r in rects if not r.isEmpty()]
    if len(rects) <= 8:
        return rects
    total = QRectF(rects[0])
    for r in rects[1:]:
        total = total.united(r)
    return [total]


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
