"""Seller and planned-hire markers on the in-app map: a status symbol per hire (as in the PNG export), a dot per
existing seller, at the seller's home base when the plan has one, else spread around the territory's label."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from ..domain import Layer, Report
from ..domain.model import Scenario, Seller
from ..domain.status import STATUS_LABEL
from ..exporters.png_map import draw_status_icon
from ..services.homes import placer_for

MARKER_Z = 60.0  # above the territory labels
EXISTING = "existing"
#: Marker size in device pixels at scale 1 (workshop mode multiplies it).
MARKER_PX = 14.0


@dataclass(frozen=True)
class Marker:
    """One seller on the map: ``status`` is a hire's funding status, or ``"existing"`` for a seller in post."""

    seller: str
    territory: str | None
    status: str
    home: tuple[float, float] | None = None  # scene point of the seller's home base, when known


def spread_offsets(count: int, spacing: float) -> list[tuple[float, float]]:
    """Device-pixel offsets for ``count`` markers sharing one point, so that no two land on one spot: a row
    under the point for up to four, then rings around it."""
    if count <= 0:
        return []
    if count <= 4:
        return [((i - (count - 1) / 2) * spacing, spacing * 1.2) for i in range(count)]
    offsets: list[tuple[float, float]] = []
    ring, left = 1, count
    while left > 0:
        on_ring = min(left, 6 * ring)
        radius = spacing * (ring + 0.6)
        for k in range(on_ring):
            angle = 2 * math.pi * k / on_ring + math.pi / 2
            offsets.append((radius * math.cos(angle), radius * math.sin(angle)))
        left -= on_ring
        ring += 1
    return offsets


def marker_points(
    markers: Sequence[Marker], anchors: Mapping[str, tuple[float, float]], spacing: float
) -> list[tuple[Marker, tuple[float, float], tuple[float, float]]]:
    """(marker, scene point, device offset) for each marker that has a place: its home base, else its territory's
    label point. Markers on one point are spread apart (a hire in Austin and one in Dallas never on one spot)."""
    groups: dict[tuple[float, float], list[Marker]] = {}
    for marker in markers:
        point = marker.home
        if point is None and marker.territory is not None:
            point = anchors.get(marker.territory)
        if point is None:
            continue
        groups.setdefault(point, []).append(marker)
    placed = []
    for point, members in groups.items():
        for marker, offset in zip(members, spread_offsets(len(members), spacing), strict=True):
            placed.append((marker, point, offset))
    return placed


class MarkerItem(QGraphicsItem):
    """One marker at a constant screen size, ``offset`` device pixels from its scene point."""

    def __init__(self, marker: Marker, offset: tuple[float, float], size: float) -> None:
        super().__init__()
        self.marker = marker
        self._offset = QPointF(*offset)
        self._size = size
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setZValue(MARKER_Z)
        word = "seller" if marker.status == EXISTING else f"planned hire · {STATUS_LABEL.get(marker.status, '')}"
        self.setToolTip(f"{marker.seller} — {word}" + (f" in {marker.territory}" if marker.territory else ""))

    def offset(self) -> QPointF:
        return self._offset

    def size(self) -> float:
        return self._size

    def boundingRect(self) -> QRectF:
        r = self._size * 0.7
        return QRectF(self._offset.x() - r, self._offset.y() - r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.marker.status == EXISTING:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor("#ffffff"), max(self._size * 0.14, 1.2)))
            painter.setBrush(QColor("#1c2430"))
            r = self._size * 0.36
            painter.drawEllipse(self._offset, r, r)
            painter.restore()
        else:
            draw_status_icon(painter, self._offset, self._size, self.marker.status)


class SellerMarkers:
    """The markers of the shown scenario's sellers on one map scene."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self._scene = scene
        self._items: list[MarkerItem] = []
        self._scale = 1.0
        self._last: tuple[list[Marker], dict[str, tuple[float, float]]] = ([], {})

    def items(self) -> list[MarkerItem]:
        return list(self._items)

    def set_scale(self, scale: float) -> None:
        """1.0 in the window; larger in workshop mode."""
        if scale != self._scale:
            self._scale = scale
            last, self._last = self._last, ([], {})
            self.show(*last)

    def show(self, markers: Sequence[Marker], anchors: Mapping[str, tuple[float, float]]) -> None:
        """Show ``markers``: ``anchors`` maps territory names to their label point (scene coordinates).

        Markers that stay as they were are left alone and a marker whose territory's label point moved is only
        moved: after a stroke, only the markers of the two territories it changed repaint (removing and adding
        every marker repainted a band across the map on each stroke)."""
        wanted = (list(markers), dict(anchors))
        items_valid = all(shiboken6.isValid(i) and i.scene() is self._scene for i in self._items)
        if wanted == self._last and items_valid:
            return
        self._last = wanted
        size = MARKER_PX * self._scale
        kept: dict[tuple[Marker, tuple[float, float]], list[MarkerItem]] = {}
        for item in self._items:
            if not (shiboken6.isValid(item) and item.scene() is self._scene):
                continue  # a new layer cleared the scene
            if item.size() == size:
                kept.setdefault((item.marker, (item.offset().x(), item.offset().y())), []).append(item)
            else:
                self._scene.removeItem(item)
        self._items = []
        for marker, point, offset in marker_points(markers, anchors, size * 1.35):
            reusable = kept.get((marker, (float(offset[0]), float(offset[1]))))
            if reusable:
                item = reusable.pop()
            else:
                item = MarkerItem(marker, offset, size)
                self._scene.addItem(item)
            if item.pos() != QPointF(*point):
                item.setPos(QPointF(*point))
            self._items.append(item)
        for left in kept.values():
            for item in left:
                self._scene.removeItem(item)


def scenario_markers(
    scenario: Scenario,
    report: Report,
    layer: Layer,
    unit_point: Callable[[str], tuple[float, float] | None] | None,
) -> list[Marker]:
    """Every seller and planned hire of ``scenario`` (hires with their funding status), each at the point of its
    home base's unit when ``unit_point`` (the map's) places it, else left to its territory's label point."""
    hires = {h.seller: h.status for h in report.hires}
    placer = placer_for(layer)

    def home_point(seller: Seller) -> tuple[float, float] | None:
        unit = placer.unit_of(seller.home) if unit_point is not None else None
        return unit_point(unit) if unit is not None and unit_point is not None else None

    return [
        Marker(s.name, s.territory, hires.get(s.name, "unfunded") if s.is_hire else EXISTING, home_point(s))
        for s in scenario.sellers.values()
    ]


__all__ = [
    "EXISTING",
    "MARKER_PX",
    "Marker",
    "MarkerItem",
    "SellerMarkers",
    "marker_points",
    "scenario_markers",
    "spread_offsets",
]
