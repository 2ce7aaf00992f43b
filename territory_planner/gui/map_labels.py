"""Territory name labels on the map: where each goes, which fit on screen, and drawing them into an image."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsScene

from .. import render
from .map_items import LABEL, LabelItem


class TerritoryLabels:
    """One label per territory, at the centre of its largest piece; only labels that do not collide are shown."""

    def __init__(self, scene: QGraphicsScene, style: render.MapStyle) -> None:
        self._scene = scene
        self._style = style
        self._font = render.label_font(style)
        self._anchors: list[render.LabelAnchor] = []
        self._layouts: dict[int, render.LabelLayout] = {}
        self._items: dict[int, LabelItem] = {}
        self._scale = 1.0

    def set_scale(self, scale: float) -> None:
        """Type size of names and status words: 1.0 in the window, larger in workshop mode (rebuild next)."""
        self._scale = scale
        self._font = render.label_font(replace(self._style, label_point_size=self._style.label_point_size * scale))

    def font(self) -> QFont:
        return QFont(self._font)

    def anchors(self) -> dict[int, tuple[float, float]]:
        """Each labelled territory's label point (scene coordinates), by territory code."""
        return {a.code: (a.x, a.y) for a in self._anchors}

    def rebuild(
        self,
        geometry: render.MapGeometry | None,
        codes: np.ndarray,
        names: Sequence[str],
        kinds: np.ndarray,
        locked: Sequence[bool],
    ) -> None:
        """New labels for the current territories (placed hidden; call :meth:`place` next)."""
        for item in self._items.values():
            self._scene.removeItem(item)
        self._items = {}
        if geometry is None or not len(names):
            self._anchors = []
            return
        self._anchors = render.territory_label_anchors(geometry, codes)
        self._layouts = {
            a.code: render.label_layout(names[a.code], int(kinds[a.code]), locked[a.code], self._style, self._font)
            for a in self._anchors
        }
        for anchor in self._anchors:
            item = LabelItem(self._layouts[anchor.code], self._style, self._font, LABEL)
            item.setPos(anchor.x, anchor.y)
            item.setVisible(False)
            self._scene.addItem(item)
            self._items[anchor.code] = item

    def place(self, transform: QTransform, viewport: QRectF, avoid: list[QRectF]) -> None:
        """Show the labels that fit the viewport without overlapping each other or the ``avoid`` rectangles."""
        if not self._items:
            return
        shown = {
            anchor.code for anchor, _ in render.place_labels(self._anchors, self._layouts, transform, viewport, avoid)
        }
        for code, item in self._items.items():
            visible = code in shown
            if item.isVisible() != visible:
                item.setVisible(visible)

    def visible_codes(self) -> list[int]:
        """Territory codes whose label is currently shown."""
        return [code for code, item in self._items.items() if item.isVisible()]

    def paint(self, painter: QPainter, transform: QTransform, rect: QRectF) -> None:
        """Draw the labels that fit ``rect`` (device coordinates of ``painter``, scene mapped by ``transform``)."""
        if not self._anchors:
            return
        for anchor, center in render.place_labels(self._anchors, self._layouts, transform, rect):
            render.draw_label(painter, center, self._layouts[anchor.code], self._style, self._font)


__all__ = ["TerritoryLabels"]
