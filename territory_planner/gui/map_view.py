"""The territory map view: units coloured by territory, funding marks, selection, in native Qt.

Scene layout (docs/ARCHITECTURE.md): every unit is a path item parented under a grid of tile items; territory borders
are small per-unit items holding only the unit's edges that face another territory, so an edit repaints just the
touched units and their neighbours. Collaborators own the rest: :mod:`.map_tools` (one class per mouse tool),
:mod:`.map_lod` (the cached whole-map image shown when too many units are in view) and :mod:`.map_labels`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import shapely
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QToolTip, QWidget

from .. import render
from ..domain import Layer
from .map_controls import MapControls, PaintFilter, TooltipProvider
from .map_items import LegendWidget
from .map_labels import TerritoryLabels
from .map_lod import LevelOfDetail
from .map_look import MapLook
from .map_navigation import MapNavigation
from .map_scene import BackgroundTopologyGeometry, UnitItems
from .map_tools import TOOL_CLASSES, ToolBox

MODES = tuple(cls.name for cls in TOOL_CLASSES)


class MapView(MapNavigation, MapControls, QGraphicsView):
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
    labels_changed = Signal()  # territory labels were placed anew (markers of sellers without a home follow them)

    #: Most units painted as vector items in one frame; beyond it the cached whole-map image is shown.
    VECTOR_BUDGET = 2500
    #: Largest side of the cached whole-map image, in pixels.
    RASTER_MAX_SIDE = 4096

    def __init__(self, parent: QWidget | None = None, style: render.MapStyle = render.DEFAULT_STYLE) -> None:
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
        self._lod = LevelOfDetail(self)
        self._label_timer = QTimer(self)
        self._label_timer.setSingleShot(True)
        self._label_timer.setInterval(120)
        self._label_timer.timeout.connect(self._relabel)
        # While the event loop is idle after a large layer opens, its unit and border paths are built a slice at a
        # time, so the first strokes do not pay for the paths of the region they repaint (issue 16 §4).
        self._warm_timer = QTimer(self)
        self._warm_timer.setInterval(30)
        self._warm_timer.timeout.connect(self._warm_step)
        self._warm_next = 0
        self._auto_fit = True

        self._tools = ToolBox(self)
        self._paint_filter: PaintFilter | None = None
        self._tooltip_provider: TooltipProvider | None = None
        self._reset_layer_state()

    # ================================================================================================================
    # Layer and territory state

    def _reset_layer_state(self) -> None:
        self._layer: Layer | None = None
        self._geometry: render.MapGeometry | None = None
        self._ids: list[str] = []
        self._id_index: dict[str, int] = {}
        self._look = MapLook(self._style)
        self._items = UnitItems(self._scene, self._style, None)
        self._labels = TerritoryLabels(self._scene, self._style)
        self._fit_scale = 1.0
        self._tools.layer_changed()

    def layer(self) -> Layer | None:
        return self._layer

    def map_geometry(self) -> render.MapGeometry | None:
        """The shown layer's geometry in scene coordinates (None before a layer is shown)."""
        return self._geometry

    def map_style(self) -> render.MapStyle:
        return self._style

    def unit_items(self) -> UnitItems:
        """The scene items of the shown layer's units (fills, hatching, borders, overlays)."""
        return self._items

    def codes(self) -> np.ndarray:
        """Territory code per unit position (-1 unassigned), as shown."""
        return self._look.codes

    def set_layer(self, layer: Layer | None) -> None:
        """Show ``layer`` (a :class:`territory_planner.domain.Layer`) with every unit unassigned."""
        self._tools.cancel()
        self._lod.reset()  # drop renders of the previous layer
        self._scene.clear()
        had_selection = bool(self._items.selected.any())
        self._reset_layer_state()
        if layer is None or layer.geometry is None:
            self._scene.setSceneRect(QRectF(0, 0, 1, 1))
            if had_selection:
                self.selection_changed.emit([])
            return
        self._layer = layer
        geometry = BackgroundTopologyGeometry(render.project_for_display(layer.geometry))
        self._lod.prepare(geometry)  # the worker makes its own unit paths meanwhile
        self._geometry = geometry
        n = geometry.n
        self._ids = layer.units.index.astype(str).tolist()
        self._id_index = {u: i for i, u in enumerate(self._ids)}
        self._look = MapLook(self._style, n)
        extent = geometry.extent
        self._scene.setSceneRect(
            extent.adjusted(-extent.width() * 2, -extent.height() * 2, extent.width() * 2, extent.height() * 2)
        )
        # A layer too large to draw as items at once is shown zoomed out as the map image: its items are made per
        # tile as the view first needs them (map_lod.py), not all while the plan opens.
        self._items = UnitItems(self._scene, self._style, geometry, lazy=n > self.VECTOR_BUDGET)
        self._lod.attach(self._scene)
        self._update_legend()
        self.zoom_to_fit()
        self._lod.request()
        self._warm_next = 0
        if n > self.VECTOR_BUDGET:
            self._warm_timer.start()
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
        self._look.set_territories(codes, colors, names, status, locked)
        everything = np.arange(self._geometry.n)
        self._apply_styles(everything)
        self._apply_borders(everything)
        self._after_full_change()
        if self._needs_raster() and not self._labels.anchors():
            # opening a large layer: its labels need the neighbour graph, built on a thread, so they are placed
            # once the event loop is free (while the map image renders) instead of waiting for it here
            self._label_timer.start()
        else:
            self._relabel()

    def update_units(self, positions: np.ndarray, codes: np.ndarray) -> None:
        """Incremental refresh after an edit: ``positions`` now belong to ``codes`` (same length, -1 unassigned)."""
        if self._geometry is None:
            return
        positions = np.asarray(positions, dtype=np.int64).ravel()
        codes = np.broadcast_to(np.asarray(codes, dtype=np.int64), positions.shape)
        if not len(positions):
            return
        self._look.move_units(positions, codes)
        self._apply_styles(positions)
        touched = np.unique(np.concatenate([positions, self._geometry.neighbors(positions)]))
        self._apply_borders(touched)
        self._lod.mark_dirty(self._geometry.union_bounds(positions))
        self._label_timer.start()

    def set_territory_status(self, status: Sequence[str | None]) -> None:
        """Restyle the funding marks (hatching, outlines, status colours, label captions) only."""
        if self._geometry is None:
            return
        self._look.set_status(status)
        self._apply_styles(np.arange(self._geometry.n))
        self._after_full_change()
        if not self._label_timer.isActive():  # after an edit the labels are redone shortly anyway: once is enough
            self._relabel()

    def set_color_mode(
        self,
        mode: str,
        values: np.ndarray | None = None,
        label: str = "",
        classes: render.MeasureClasses | None = None,
    ) -> None:
        """Colour units by ``territory``, funding ``status`` (green/amber/red) or a ``measure`` (values per unit, in
        ``classes`` when given, else in quantile classes)."""
        self._look.set_color_mode(mode, values, label, check_length=self._geometry is not None, classes=classes)
        if self._geometry is None:
            self._update_legend()
            return
        self._apply_styles(np.arange(self._geometry.n))
        self._after_full_change()

    def measure_values(self) -> np.ndarray | None:
        """The value per unit of the measure shown (a copy), or None in another colour mode."""
        values = self._look.values
        return None if values is None or self._look.color_mode != "measure" else values.copy()

    def update_measure(self, values: np.ndarray) -> bool:
        """New values of the measure shown, restyling only the units whose value changed (the legend's classes are
        kept until the next full colouring, so a stroke never reshuffles every colour); False when no measure is
        shown, so the caller colours afresh."""
        look = self._look
        if self._geometry is None or look.color_mode != "measure" or look.values is None:
            return False
        values = np.asarray(values, dtype=float)
        if values.shape != look.values.shape:
            return False
        old = look.values
        changed = np.flatnonzero(~((values == old) | (np.isnan(values) & np.isnan(old))))
        if not len(changed):
            return True
        old[changed] = values[changed]
        self._apply_styles(changed)
        self._lod.mark_dirty(self._geometry.union_bounds(changed))
        return True

    def color_mode(self) -> str:
        return self._look.color_mode

    def _after_full_change(self) -> None:
        self._update_legend()
        self._lod.full_change()

    # -- styling ------------------------------------------------------------------------------------------------------

    def _apply_styles(self, positions: np.ndarray) -> None:
        """Fill colours, hatching and border styles of ``positions`` from the current state (changes only)."""
        self._items.apply_styles(positions, *self._look.styles_for(positions))

    def _apply_borders(self, positions: np.ndarray) -> None:
        """Recompute the territory border items of ``positions`` (edges facing another territory)."""
        self._items.apply_borders(positions, self._look.codes)

    # -- legend and labels --------------------------------------------------------------------------------------------

    def _update_legend(self) -> None:
        self._legend.set_legend(self._look.legend())
        self._place_legend()

    def _place_legend(self) -> None:
        vp = self.viewport().geometry()
        self._legend.move(vp.left() + 12, vp.bottom() - self._legend.height() - 12)
        self._legend.raise_()

    def legend_widget(self) -> LegendWidget:
        return self._legend

    #: Units whose paths one idle step builds (a few milliseconds).
    WARM_STEP = 600

    def _warm_step(self) -> None:
        geometry = self._geometry
        if geometry is None or self._warm_next >= geometry.n:
            self._warm_timer.stop()
            return
        if not self._lod.drawn():
            return  # the first map image goes first
        end = min(self._warm_next + self.WARM_STEP, geometry.n)
        units = np.arange(self._warm_next, end)
        paths = geometry.paths
        for unit in units.tolist():
            paths[unit]
        self._items.border_paths_of(units)
        self._warm_next = end

    def labels_pending(self) -> bool:
        """True while the territory labels wait to be placed anew (after an edit, or while a large plan opens)."""
        return self._label_timer.isActive()

    def _relabel(self) -> None:
        """Rebuild territory labels at the centre of each territory's largest piece."""
        self._label_timer.stop()
        look = self._look
        self._labels.rebuild(self._geometry, look.codes, look.names, look.kinds, look.locked)
        self._place_labels()
        self.labels_changed.emit()

    def _place_labels(self) -> None:
        legend = QRectF(self._legend.geometry()).translated(-QPointF(self.viewport().geometry().topLeft()))
        self._labels.place(self.viewportTransform(), QRectF(self.viewport().rect()), [legend])

    def set_text_scale(self, scale: float) -> None:
        """Workshop mode (gui/workshop_mode.py): territory names, status words and the legend in larger type."""
        self._labels.set_scale(scale)
        self._legend.set_scale(scale)
        self._relabel()
        self._place_legend()

    def label_points(self) -> dict[str, tuple[float, float]]:
        """Each labelled territory's label point (scene coordinates), by name: where gui/map_markers.py spreads
        the sellers of a territory without a home base."""
        names = self._look.names
        return {names[c]: point for c, point in self._labels.anchors().items() if c < len(names)}

    def unit_point(self, unit_id: str) -> tuple[float, float] | None:
        """A point inside a unit (scene coordinates): where a seller whose home base is that unit is drawn."""
        positions = self._positions([unit_id]) if self._geometry is not None else None
        if self._geometry is None or positions is None or not len(positions):
            return None
        return self._geometry.anchor_of(int(positions[0]))

    def label_point_size(self) -> float:
        return self._labels.font().pointSizeF()

    def visible_label_names(self) -> list[str]:
        """Names of the territory labels currently shown (for tests and accessibility)."""
        return [self._look.names[c] for c in self._labels.visible_codes()]

    # ================================================================================================================
    # Level of detail (see map_lod.py)

    def _needs_raster(self) -> bool:
        return self._lod.needs_raster()

    def _update_lod(self) -> None:
        self._lod.update()

    def start_pending_render(self) -> None:
        """Start the map image render asked for in this event-loop pass now, not at the next pass."""
        self._lod.start_pending()

    def wait_for_raster(self, msecs: int = 30000) -> bool:
        """Block until the cached map image is current (benchmarks, tests, export); True when it is."""
        return self._lod.wait(msecs)

    def is_showing_raster(self) -> bool:
        """True while the zoomed-out level of detail (the cached map image) is shown."""
        return self._lod.raster_mode

    def is_map_drawn(self) -> bool:
        """False while a large layer waits for its first map image (the view shows no units until then)."""
        return self._lod.drawn()

    def is_showing_view_image(self) -> bool:
        """True while the image of the region in view, drawn at the screen's exact scale, covers the map image."""
        return self._lod.is_showing_view_image()

    # ================================================================================================================
    # Navigation: zoom and fit come from MapNavigation (map_navigation.py)

    def _view_changed(self) -> None:
        if QToolTip.isVisible():
            QToolTip.hideText()  # a unit's tooltip never stays over a map that moved under it (Ctrl+0, zoom, pan)
        if self._geometry is None:
            return
        self._update_lod()
        self._place_labels()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self._view_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_legend()
        if self._auto_fit:
            self.zoom_to_fit()  # a map nobody has zoomed yet keeps filling the window
        else:
            self._view_changed()
        self._lod.resized()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            event.ignore()
            return
        self.zoom_by(1.0015**delta, event.position())
        event.accept()

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
        """A point inside the unit, in scene coordinates (KeyError for a unit not on the map)."""
        if self._geometry is None:
            raise KeyError(unit_id)
        x, y = self._geometry.anchor_of(self._id_index[str(unit_id)])
        return QPointF(x, y)

    def view_point(self, unit_id: str) -> QPoint:
        """A point inside the unit, in viewport pixels (where a click selects it)."""
        return self.mapFromScene(self.scene_point(unit_id))

    def image_transform(self, width: int, height: int) -> QTransform:
        """Scene-to-pixel transform of :meth:`render_image` for that size (identity with no layer shown)."""
        if self._geometry is None:
            return QTransform()
        return render.fit_transform(render.padded(self._geometry.extent), QRectF(0, 0, width, height))

    # ================================================================================================================
    # Mouse and keyboard: events go to the active tool (the pan tool for a middle-button or space-bar drag)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if self._geometry is None or self._tools.gesture is not None:
            event.accept()
            return
        pos = event.position()
        scene = QPointF(self.mapToScene(pos.toPoint()))
        if not self._tools.press(event.button(), pos, scene, event.modifiers()):
            super().mousePressEvent(event)
            return
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._geometry is None:
            return
        pos = event.position()
        scene = QPointF(self.mapToScene(pos.toPoint()))
        if not self._tools.move(pos, scene):
            self._items.set_hover(self.unit_at(scene))
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._tools.release(event.button(), QPointF(self.mapToScene(event.position().toPoint())))
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self._tools.cancel():
                event.accept()
                return
            if self._items.selected.any():
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
            self._tools.set_space_down(True)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._tools.set_space_down(False)
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._tools.set_space_down(False)
        super().focusOutEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._tools.paint.hide_brush()
        self._items.set_hover(-1)
        super().leaveEvent(event)

    # -- gestures (called by the tools) ------------------------------------------------------------------------------

    def end_gesture(self) -> None:
        """The gesture in progress is over (its tool hides its items)."""
        self._tools.end_gesture()

    def stroke_in_progress(self) -> bool:
        return self._tools.gesture is self._tools.paint

    def stroke_preview_ids(self) -> list[str]:
        """Units the stroke in progress would paint (empty when no stroke is in progress)."""
        return self.unit_ids_at(self._tools.paint.preview_units())

    def pan_by(self, delta: QPointF) -> None:
        """Move the map by ``delta`` viewport pixels (a pan drag)."""
        self._auto_fit = False
        hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
        hbar.setValue(hbar.value() - round(delta.x()))
        vbar.setValue(vbar.value() - round(delta.y()))

    def unit_ids_at(self, positions: Iterable[int]) -> list[str]:
        """Unit ids of unit positions."""
        return [self._ids[u] for u in positions]

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._geometry is not None and isinstance(event, QHelpEvent):
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
        if self._layer is None:
            return ""
        return self._look.tooltip(self._layer, self._ids[unit], unit)

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
        self._items.paint(painter)
        painter.resetTransform()
        self._labels.paint(painter, transform, QRectF(image.rect()))
        painter.end()
        return image
