"""Territory names on a map: label points, the name/status/lock label, placing every label (at its territory, beside
it with a leader line, or as a numbered marker with a map key). QtGui only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
)

from ..domain.graph import component_labels
from .geometry import MapGeometry
from .legend import draw_card
from .style import DEFAULT_STYLE, STATUS_AT_RISK, STATUS_UNFUNDED, MapStyle


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
    codes = np.asarray(codes, dtype=np.int64)
    n = geometry.n
    if not n or not (codes >= 0).any():
        return []
    pairs = geometry.neighbor_pairs
    same = (codes[pairs[:, 0]] == codes[pairs[:, 1]]) & (codes[pairs[:, 0]] >= 0)
    a, b = pairs[same, 0], pairs[same, 1]
    _, comp = component_labels(n, a, b)
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
    taken = [*avoid, *(label_box(p.center, layouts[p.anchor.code]) for p in placed)]
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
        taken.append(label_box(spot, layout))
        placed.append(PlacedLabel(anchor, spot, leader=point))
    for number, anchor in enumerate(sorted(numbered, key=lambda a: a.code), start=1):
        placed.append(PlacedLabel(anchor, transform.map(QPointF(anchor.x, anchor.y)), number=number))
    return placed


def label_box(center: QPointF, layout: LabelLayout) -> QRectF:
    """The device rectangle a label of ``layout`` covers when centred on ``center``."""
    w, h = layout.size.width(), layout.size.height()
    return QRectF(center.x() - w / 2, center.y() - h / 2, w, h)


def _free_spot(point: QPointF, layout: LabelLayout, bounds: QRectF, taken: Sequence[QRectF]) -> QPointF | None:
    w, h = layout.size.width(), layout.size.height()
    for step in _LEADER_STEPS:
        for dx, dy in _LEADER_DIRECTIONS:
            center = QPointF(point.x() + dx * (w / 2 + h * step * 0.6), point.y() + dy * h * step)
            box = label_box(center, layout)
            if bounds.contains(box) and not any(box.intersects(other) for other in taken):
                return center
    return None


def draw_leader(painter: QPainter, start: QPointF, label_center: QPointF, layout: LabelLayout) -> None:
    """A thin leader line from the point in the territory to the edge of its moved label, with a dot at the point."""
    box = label_box(label_center, layout)
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
