"""Map tools: one class per way of using the mouse on the map (select, lasso, paint, pan), driven by the view.

The :class:`MapView` keeps one instance of each tool and hands mouse events to the active one (or, for a
middle-button drag or a held space bar, to the pan tool) instead of switching on a mode string. A tool owns the
state and the scene items of its gesture (the stroke so far, the lasso outline, the rubber band, the brush circle)
and reports results through the view (``stroke_finished``, the selection).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QApplication, QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem

from .. import render
from .map_items import GESTURE, PREVIEW, translucent
from .map_scene import SELECTION_COLOR

if TYPE_CHECKING:
    from .map_view import MapView

#: ``fn(positions) -> sorted positions``: what a tool takes for the units it hits (painting by county: every unit of
#: the counties hit; see domain/parents.py).
UnitExpander = Callable[[np.ndarray], np.ndarray]


class MapTool:
    """What one map mode does with the mouse. Subclasses override the gesture steps they use."""

    #: The name the window and :meth:`MapView.set_mode` use for this tool.
    name: ClassVar[str] = ""
    #: Cursor shown over the map while the tool is active (and no gesture overrides it).
    cursor: ClassVar[Qt.CursorShape] = Qt.CursorShape.ArrowCursor
    #: Cursor during a gesture of this tool; None keeps :attr:`cursor`.
    gesture_cursor: ClassVar[Qt.CursorShape | None] = None

    def __init__(self, view: MapView) -> None:
        self.view = view
        self.expander: UnitExpander | None = None

    def expanded(self, positions: np.ndarray) -> np.ndarray:
        """The units the tool takes for the units it hit: themselves, or every unit of their parents (by county)."""
        if self.expander is None or not len(positions):
            return positions
        return np.asarray(self.expander(np.asarray(positions, dtype=np.int64)), dtype=np.int64)

    def tool_for_press(self, modifiers: Qt.KeyboardModifier) -> MapTool:
        """The tool that handles a left-button press with these modifiers (usually this one)."""
        return self

    def press(self, pos: QPointF, scene: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        """A gesture starts at ``pos`` (viewport pixels) / ``scene``."""

    def move(self, pos: QPointF, scene: QPointF) -> None:
        """The pointer moved during this tool's gesture."""

    def release(self, scene: QPointF) -> None:
        """The gesture's button was released; the tool must end the gesture (``view.end_gesture()``)."""
        self.view.end_gesture()

    def cancel(self) -> None:
        """Esc or a mode change: forget the gesture in progress without reporting anything."""

    def clear(self) -> None:
        """Hide the gesture's scene items (called whenever a gesture ends)."""

    def pointer_moved(self, scene: QPointF) -> None:
        """The pointer moved over the map while this tool is active (with or without a gesture)."""

    def deactivate(self) -> None:
        """Another tool becomes active."""

    def layer_changed(self) -> None:
        """The scene was cleared for a new layer: scene items of this tool are gone."""

    def _geometry(self) -> render.MapGeometry:
        geometry = self.view.map_geometry()
        if geometry is None:  # the view only starts gestures on a shown layer
            raise RuntimeError("The map tool was used without a layer on the map.")
        return geometry

    def _add_gesture_item(self, item: QGraphicsItem) -> None:
        item.setZValue(GESTURE)
        self.view.scene().addItem(item)


class SelectTool(MapTool):
    """Click selects a unit, a drag draws a selection rectangle; Shift adds, Ctrl toggles, Alt drags a lasso."""

    name = "select"

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self._press_pos = QPointF()
        self._press_scene = QPointF()
        self._modifiers = Qt.KeyboardModifier.NoModifier
        self._dragging = False
        self._rubber_item: QGraphicsRectItem | None = None

    def tool_for_press(self, modifiers: Qt.KeyboardModifier) -> MapTool:
        if modifiers & Qt.KeyboardModifier.AltModifier:
            return self.view.tool("lasso")
        return self

    def press(self, pos: QPointF, scene: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self._press_pos = QPointF(pos)
        self._press_scene = scene
        self._modifiers = modifiers
        self._dragging = False

    def move(self, pos: QPointF, scene: QPointF) -> None:
        if not self._dragging and (pos - self._press_pos).manhattanLength() >= QApplication.startDragDistance():
            self._dragging = True
        if self._dragging:
            self._update_rubber_band(scene)

    def release(self, scene: QPointF) -> None:
        view = self.view
        if self._dragging:
            rect = QRectF(self._press_scene, scene).normalized()
            view.end_gesture()
            box = shapely.box(rect.left(), rect.top(), rect.right(), rect.bottom())
            hits = self._geometry().tree.query(box, predicate="intersects")
            view.combine_selection(self.expanded(np.sort(hits)), self._modifiers)
        else:
            view.end_gesture()
            unit = view.unit_at(scene)
            hit = np.asarray([unit] if unit >= 0 else [], dtype=np.int64)
            view.combine_selection(self.expanded(hit), self._modifiers)

    def clear(self) -> None:
        self._dragging = False
        if self._rubber_item is not None:
            self._rubber_item.setVisible(False)

    def layer_changed(self) -> None:
        self._rubber_item = None

    def _update_rubber_band(self, scene: QPointF) -> None:
        if self._rubber_item is None:
            self._rubber_item = QGraphicsRectItem()
            pen = QPen(QColor(SELECTION_COLOR), 1.2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._rubber_item.setPen(pen)
            self._rubber_item.setBrush(translucent(SELECTION_COLOR, 35))
            self._add_gesture_item(self._rubber_item)
        self._rubber_item.setRect(QRectF(self._press_scene, scene).normalized())
        self._rubber_item.setVisible(True)


class LassoTool(MapTool):
    """A free-hand outline selects the units whose inside point it encloses (Shift adds, Ctrl toggles)."""

    name = "lasso"
    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self._points: list[QPointF] = []
        self._modifiers = Qt.KeyboardModifier.NoModifier
        self._item: QGraphicsPathItem | None = None

    def press(self, pos: QPointF, scene: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self._modifiers = modifiers
        self._points = [scene]
        self._update_item()

    def move(self, pos: QPointF, scene: QPointF) -> None:
        last = self._points[-1]
        if (self.view.mapFromScene(last) - pos.toPoint()).manhattanLength() >= 3:
            self._points.append(scene)
            self._update_item()

    def release(self, scene: QPointF) -> None:
        self._points.append(scene)
        positions = self.expanded(self.enclosed_units(self._points))
        self.view.end_gesture()
        self.view.combine_selection(positions, self._modifiers)

    def clear(self) -> None:
        if self._item is not None:
            self._item.setVisible(False)
        self._points = []

    def layer_changed(self) -> None:
        self._item = None
        self._points = []

    def enclosed_units(self, points: list[QPointF]) -> np.ndarray:
        """Units whose inside point lies within the lasso (a sloppy lasso edge does not grab neighbours)."""
        if len(points) < 3:
            return np.zeros(0, dtype=np.int64)
        geometry = self._geometry()
        polygon = shapely.make_valid(shapely.polygons([[p.x(), p.y()] for p in points]))
        candidates = geometry.tree.query(polygon)
        anchors = geometry.anchors[candidates]
        inside = shapely.contains_xy(polygon, anchors[:, 0], anchors[:, 1])
        return np.sort(candidates[inside])

    def _update_item(self) -> None:
        if self._item is None:
            self._item = QGraphicsPathItem()
            pen = QPen(QColor(SELECTION_COLOR), 1.4, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._item.setPen(pen)
            self._item.setBrush(translucent(SELECTION_COLOR, 30))
            self._add_gesture_item(self._item)
        path = QPainterPath()
        if self._points:
            path.addPolygon(render.polygon_from_array(np.array([[p.x(), p.y()] for p in self._points])))
        self._item.setPath(path)
        self._item.setVisible(True)


class PaintTool(MapTool):
    """Brush strokes: every unit the brush crosses (and the paint filter allows) is previewed in the paint colour,
    and the whole stroke is reported once, in crossing order, when the button is released."""

    name = "paint"
    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self.radius = 12.0
        self.color = QColor("#4e79a7")
        self._mask = np.zeros(0, dtype=bool)
        self._order: list[int] = []
        self._last: QPointF | None = None
        self._preview: list[int] = []
        self._brush_item: QGraphicsEllipseItem | None = None

    # -- brush -------------------------------------------------------------------------------------------------------
    def set_radius(self, px: float) -> None:
        self.radius = max(0.0, float(px))
        if self._brush_item is not None:
            r = self.radius
            self._brush_item.setRect(QRectF(-r, -r, 2 * r, 2 * r))

    def set_color(self, color: str) -> None:
        self.color = QColor(color)
        if self._brush_item is not None:
            self._brush_item.setBrush(translucent(self.color, 60))

    def hide_brush(self) -> None:
        if self._brush_item is not None:
            self._brush_item.setVisible(False)

    def pointer_moved(self, scene: QPointF) -> None:
        if self._brush_item is None:
            r = self.radius
            self._brush_item = QGraphicsEllipseItem(QRectF(-r, -r, 2 * r, 2 * r))
            self._brush_item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            pen = QPen(QColor(20, 24, 32, 210), 1.2)
            pen.setCosmetic(True)
            self._brush_item.setPen(pen)
            self._brush_item.setBrush(translucent(self.color, 60))
            self._add_gesture_item(self._brush_item)
        self._brush_item.setPos(scene)
        if not self._brush_item.isVisible():
            self._brush_item.setVisible(True)

    def deactivate(self) -> None:
        self.hide_brush()

    def layer_changed(self) -> None:
        self._brush_item = None
        self._mask = np.zeros(0, dtype=bool)
        self._order = []
        self._preview = []

    # -- stroke ------------------------------------------------------------------------------------------------------
    def press(self, pos: QPointF, scene: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self._mask = np.zeros(self._geometry().n, dtype=bool)
        self._order = []
        self._last = scene
        self._add(scene, None)

    def move(self, pos: QPointF, scene: QPointF) -> None:
        self._add(scene, self._last)
        self._last = scene

    def release(self, scene: QPointF) -> None:
        self._add(scene, self._last)
        units, self._order = self._order, []
        self.view.end_gesture()
        if units:
            self.view.stroke_finished.emit(self.view.unit_ids_at(units))
        self._clear_preview()

    def cancel(self) -> None:
        self._order = []
        self._mask[:] = False
        self._clear_preview()

    def preview_units(self) -> list[int]:
        """Positions the stroke in progress would paint, in crossing order."""
        return list(self._order)

    def _add(self, point: QPointF, previous: QPointF | None) -> None:
        view = self.view
        geometry = self._geometry()
        radius = self.radius / view.current_scale()
        if previous is None or previous == point:
            shape = shapely.points(point.x(), point.y())
        else:
            shape = shapely.linestrings([[previous.x(), previous.y()], [point.x(), point.y()]])
        if radius > 0:
            shape = shapely.buffer(shape, radius, quad_segs=6)
        hits = geometry.tree.query(shape, predicate="intersects")
        new = np.sort(hits[~self._mask[hits]])
        if self.expander is not None and len(new):  # by county: the whole of every county the brush touches
            new = self.expanded(new)
            new = new[~self._mask[new]]
        paint_filter = view.paint_filter()
        if len(new) and paint_filter is not None:
            new = new[np.asarray(paint_filter(new), dtype=bool)]
        if not len(new):
            return
        if previous is not None and len(new) > 1:
            # Keep crossing order along the stroke, so the emitted list reads like the gesture.
            d = np.hypot(geometry.anchors[new, 0] - previous.x(), geometry.anchors[new, 1] - previous.y())
            new = new[np.argsort(d, kind="stable")]
        self._mask[new] = True
        self._order.extend(new.tolist())
        brush = QBrush(translucent(self.color, 235))
        pen = render.unit_border_pen(view.map_style())
        for unit in new.tolist():
            view.show_overlay(PREVIEW, unit, pen, brush)
        self._preview.extend(new.tolist())

    def _clear_preview(self) -> None:
        for unit in self._preview:
            self.view.hide_overlay(PREVIEW, unit)
        self._preview = []


class PanTool(MapTool):
    """Dragging moves the map (also the middle button, or the left button with the space bar held, in any mode)."""

    name = "pan"
    cursor = Qt.CursorShape.OpenHandCursor
    gesture_cursor = Qt.CursorShape.ClosedHandCursor

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self._last = QPointF()

    def press(self, pos: QPointF, scene: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self._last = QPointF(pos)

    def move(self, pos: QPointF, scene: QPointF) -> None:
        delta = pos - self._last
        self._last = QPointF(pos)
        self.view.pan_by(delta)


TOOL_CLASSES: tuple[type[MapTool], ...] = (SelectTool, LassoTool, PaintTool, PanTool)


class ToolBox:
    """The map's tools, the active one and the gesture in progress: the view hands it its mouse events.

    A middle-button drag, or a left-button drag while the space bar is held, pans in any mode.
    """

    def __init__(self, view: MapView) -> None:
        self._view = view
        self.paint = PaintTool(view)
        self.tools: dict[str, MapTool] = {"select": SelectTool(view), "lasso": LassoTool(view), "paint": self.paint}
        self.tools["pan"] = PanTool(view)
        self.active: MapTool = self.tools["select"]
        self.expander: UnitExpander | None = None
        self.gesture: MapTool | None = None  # the tool whose gesture is in progress
        self._button = Qt.MouseButton.NoButton
        self._space_down = False

    def activate(self, name: str) -> None:
        if name not in self.tools:
            raise ValueError(f"Unknown map mode '{name}': use one of {', '.join(self.tools)}.")
        self.cancel()
        self.active.deactivate()
        self.active = self.tools[name]
        self.update_cursor()
        self.paint.hide_brush()

    def layer_changed(self) -> None:
        for tool in self.tools.values():
            tool.layer_changed()

    def set_expander(self, fn: UnitExpander | None) -> None:
        """What the select, lasso and paint tools take for the units they hit (None: the units themselves)."""
        self.expander = fn
        for tool in self.tools.values():
            tool.expander = fn

    def press(self, button: Qt.MouseButton, pos: QPointF, scene: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        """Start a gesture; False when no tool takes this button."""
        left = button == Qt.MouseButton.LeftButton
        if button == Qt.MouseButton.MiddleButton or (left and self._space_down):
            tool = self.tools["pan"]
        elif left:
            tool = self.active.tool_for_press(modifiers)
        else:
            return False
        self.gesture = tool
        self._button = button
        self.update_cursor()
        tool.press(pos, scene, modifiers)
        return True

    def move(self, pos: QPointF, scene: QPointF) -> bool:
        """The pointer moved; False when no gesture is in progress (the view shows hover instead)."""
        taken = self.gesture is not None
        if self.gesture is not None:
            self.gesture.move(pos, scene)
        self.active.pointer_moved(scene)
        return taken

    def release(self, button: Qt.MouseButton, scene: QPointF) -> None:
        tool = self.gesture
        if tool is None or button != self._button:
            return
        tool.release(scene)
        if self.gesture is tool:  # a tool that did not end its gesture
            self.end_gesture()

    def end_gesture(self) -> None:
        """The gesture in progress is over: its tool hides its items."""
        tool, self.gesture = self.gesture, None
        self._button = Qt.MouseButton.NoButton
        if tool is not None:
            tool.clear()
        self.update_cursor()

    def cancel(self) -> bool:
        """Esc: drop a stroke, rectangle or lasso in progress (nothing is reported); False when there was none."""
        if self.gesture is None:
            return False
        self.gesture.cancel()
        self.end_gesture()
        return True

    def set_space_down(self, down: bool) -> None:
        self._space_down = down
        self.update_cursor()

    def update_cursor(self) -> None:
        gesture = self.gesture
        if gesture is not None and gesture.gesture_cursor is not None:
            shape = gesture.gesture_cursor
        elif self._space_down:
            shape = Qt.CursorShape.OpenHandCursor
        else:
            shape = self.active.cursor
        self._view.viewport().setCursor(shape)


__all__ = ["TOOL_CLASSES", "LassoTool", "MapTool", "PaintTool", "PanTool", "SelectTool", "ToolBox", "UnitExpander"]
