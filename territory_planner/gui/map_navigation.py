"""Zoom, fit and scale of the map view: the navigation half of MapView, kept apart so the view stays readable."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt

from .. import render

if TYPE_CHECKING:
    from PySide6.QtWidgets import QGraphicsView

    _ViewBase = QGraphicsView
else:
    _ViewBase = object


class MapNavigation(_ViewBase):
    """Mixed into :class:`~territory_planner.gui.map_view.MapView`, which provides the state named here."""

    _geometry: render.MapGeometry | None
    _fit_scale: float
    _auto_fit: bool

    if TYPE_CHECKING:

        def _positions(self, unit_ids: Iterable[str]) -> np.ndarray: ...

        def _view_changed(self) -> None: ...

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
        self.fitInView(render.padded(self._geometry.extent), Qt.AspectRatioMode.KeepAspectRatio)
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
        self.fitInView(render.padded(rect, 0.12), Qt.AspectRatioMode.KeepAspectRatio)
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
