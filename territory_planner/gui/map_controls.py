"""The map view's tools, brush, paint filter, tooltips, selection and highlight: the controls half of MapView,
kept apart (like map_navigation.py) so the view stays readable. Each method hands the work to the view's tool box
(map_tools.py) or its unit items (map_scene.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPainterPath, QPen

from .. import render
from .map_scene import UnitItems
from .map_tools import MapTool, ToolBox

if TYPE_CHECKING:
    from PySide6.QtWidgets import QGraphicsView

    _ViewBase = QGraphicsView
else:
    _ViewBase = object

TooltipProvider = Callable[[int], str]
PaintFilter = Callable[[np.ndarray], np.ndarray]


class MapControls(_ViewBase):
    """Mixed into :class:`~territory_planner.gui.map_view.MapView`, which provides the state named here."""

    _geometry: render.MapGeometry | None
    _tools: ToolBox
    _items: UnitItems
    _paint_filter: PaintFilter | None
    _tooltip_provider: TooltipProvider | None
    selection_changed: Any

    if TYPE_CHECKING:

        def _positions(self, unit_ids: Iterable[str]) -> np.ndarray: ...

        def unit_ids_at(self, positions: Iterable[int]) -> list[str]: ...

    # ================================================================================================================
    # Tools, brush, filters

    def set_mode(self, mode: str) -> None:
        """Make the ``select`` (click/rectangle), ``lasso``, ``paint`` (brush strokes) or ``pan`` tool active."""
        self._tools.activate(mode)

    def mode(self) -> str:
        return self._tools.active.name

    def tool(self, name: str) -> MapTool:
        """The map's tool of that name (``select``, ``lasso``, ``paint``, ``pan``)."""
        return self._tools.tools[name]

    def active_tool(self) -> MapTool:
        return self._tools.active

    def set_brush_radius(self, px: float) -> None:
        """Radius of the paint brush in screen pixels (0 paints only the units under the pointer's path)."""
        self._tools.paint.set_radius(px)

    def brush_radius(self) -> float:
        return self._tools.paint.radius

    def set_active_color(self, color: str) -> None:
        """Colour of the paint preview (the territory being painted)."""
        self._tools.paint.set_color(color)

    def set_paint_filter(self, fn: PaintFilter | None) -> None:
        """``fn(positions) -> bool mask`` of units a stroke may take (e.g. excluding locked territories)."""
        self._paint_filter = fn

    def paint_filter(self) -> PaintFilter | None:
        return self._paint_filter

    def set_unit_expander(self, fn: Callable[[np.ndarray], np.ndarray] | None) -> None:
        """``fn(positions) -> positions`` the select, lasso and paint tools take for the units they hit (painting
        by county: every unit of the counties hit, gui/paint_controller.py); None takes the units themselves."""
        self._tools.set_expander(fn)

    def set_tooltip_provider(self, fn: TooltipProvider | None) -> None:
        """``fn(position) -> str`` (rich text) shown when hovering a unit; None restores the default."""
        self._tooltip_provider = fn

    # ================================================================================================================
    # Selection and highlight

    def selected_unit_ids(self) -> list[str]:
        return self.unit_ids_at(np.flatnonzero(self._items.selected).tolist())

    def select_units(self, unit_ids: Iterable[str]) -> None:
        """Replace the selection (emits ``selection_changed`` when it changes)."""
        self.combine_selection(self._positions(unit_ids), Qt.KeyboardModifier.NoModifier)

    def clear_selection(self) -> None:
        self.combine_selection(np.zeros(0, dtype=np.int64), Qt.KeyboardModifier.NoModifier)

    def combine_selection(self, positions: np.ndarray, modifiers: Qt.KeyboardModifier) -> None:
        """Select ``positions``: replacing the selection, adding to it (Shift) or toggling (Ctrl)."""
        if self._geometry is not None and self._items.select(positions, modifiers):
            self.selection_changed.emit(self.selected_unit_ids())

    def show_overlay(
        self, group: int, unit: int, pen: QPen, brush: QBrush | Qt.BrushStyle, path: QPainterPath | None = None
    ) -> None:
        """Draw ``unit`` in an overlay group (the tools' previews)."""
        self._items.show_overlay(group, unit, pen, brush, path)

    def hide_overlay(self, group: int, unit: int) -> None:
        self._items.hide_overlay(group, unit)

    def highlight_units(self, unit_ids: Iterable[str]) -> None:
        """Outline a set of units (e.g. the territory chosen in a table); an empty list removes the outline."""
        if self._geometry is None:
            return
        self._items.highlight(np.unique(self._positions(unit_ids)))

    def highlighted_unit_count(self) -> int:
        """How many units draw part of the highlight outline (its boundary units)."""
        return len(self._items.highlighted)
