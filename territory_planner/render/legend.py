"""The funding/measure legend card of a map: its entries, size and painting. QtGui only."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
)

from .style import DEFAULT_STYLE, STATUS_AT_RISK, STATUS_UNFUNDED, STATUS_WORDS, MapStyle, MeasureClasses, hatch_brush


@dataclass(frozen=True)
class LegendEntry:
    label: str
    fill: str
    hatch: int = 0
    outline: str | None = None
    outline_width: float = 1.0


@dataclass(frozen=True)
class Legend:
    title: str
    entries: tuple[LegendEntry, ...] = field(default_factory=tuple)


def compact_number(value: float) -> str:
    """``1.2k``, ``35k``, ``1.1M``; plain for small values."""
    if not math.isfinite(value):
        return "n/a"
    a = abs(value)
    sign = "-" if value < 0 else ""
    if a >= 1e9:
        return f"{sign}{a / 1e9:.1f}B"
    if a >= 1e6:
        return f"{sign}{a / 1e6:.1f}M"
    if a >= 1e4:
        return f"{sign}{a / 1e3:.0f}k"
    if a >= 1e3:
        return f"{sign}{a / 1e3:.1f}k"
    if a >= 10 or a == round(a):
        return f"{sign}{a:.0f}"
    return f"{sign}{a:.2g}"


def legend_for(
    mode: str,
    status: Sequence[str | None] | None = None,
    classes: MeasureClasses | None = None,
    has_missing: bool = False,
    style: MapStyle = DEFAULT_STYLE,
) -> Legend:
    """The legend of a colour mode: funding status for territories, quantile classes for a measure."""
    if mode == "measure" and classes is not None:
        entries = []
        b = classes.breaks
        for i, color in enumerate(classes.colors):
            text = (
                classes.texts[i] if i < len(classes.texts) else f"{compact_number(b[i])} – {compact_number(b[i + 1])}"
            )
            entries.append(LegendEntry(text, color))
        if has_missing:
            entries.append(LegendEntry("No data", style.no_data))
        return Legend(classes.label or "Measure", tuple(entries))
    if mode == "status":
        entries = [
            LegendEntry("Funded", style.funded),
            LegendEntry("At risk", style.at_risk),
            LegendEntry("Unfunded", style.unfunded, outline=style.unfunded, outline_width=2.0),
        ]
        if status is not None and any(s not in STATUS_WORDS for s in status):
            entries.append(LegendEntry("No funding status", style.no_status))
        entries.append(LegendEntry("Unassigned", style.unassigned))
        return Legend("Marketing funding", tuple(entries))
    neutral = "#c9d3de"
    return Legend(
        "Marketing funding",
        (
            LegendEntry("Funded", neutral, outline=style.territory_border),
            LegendEntry("At risk", neutral, hatch=STATUS_AT_RISK, outline=style.territory_border),
            LegendEntry("Unfunded", neutral, hatch=STATUS_UNFUNDED, outline=style.unfunded, outline_width=2.0),
            LegendEntry("Unassigned", style.unassigned),
        ),
    )


def legend_size(legend: Legend, font: QFont | None = None) -> QSizeF:
    font = font or QFont()
    metrics = QFontMetricsF(font)
    title_font = QFont(font)
    title_font.setWeight(QFont.Weight.DemiBold)
    tm = QFontMetricsF(title_font)
    row = max(metrics.height(), 14.0) + 5
    width = max(
        [tm.horizontalAdvance(legend.title)] + [metrics.horizontalAdvance(e.label) + 26 for e in legend.entries]
    )
    return QSizeF(width + 24, tm.height() + 8 + row * len(legend.entries) + 14)


def paint_legend(painter: QPainter, top_left: QPointF, legend: Legend, font: QFont | None = None) -> QRectF:
    """Draw a legend card (device coordinates) and return its rectangle."""
    font = font or QFont()
    size = legend_size(legend, font)
    rect = QRectF(top_left, size)
    metrics = QFontMetricsF(font)
    title_font = QFont(font)
    title_font.setWeight(QFont.Weight.DemiBold)
    tm = QFontMetricsF(title_font)
    painter.save()
    draw_card(painter, rect)
    painter.setFont(title_font)
    painter.drawText(QPointF(rect.left() + 12, rect.top() + 8 + tm.ascent()), legend.title)
    painter.setFont(font)
    row = max(metrics.height(), 14.0) + 5
    y = rect.top() + 8 + tm.height() + 6
    for entry in legend.entries:
        swatch = QRectF(rect.left() + 12, y + (row - 14) / 2, 18, 13)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(entry.fill))
        painter.drawRect(swatch)
        if entry.hatch:
            painter.setBrush(hatch_brush(entry.hatch, painter))
            painter.drawRect(swatch)
        if entry.outline:
            pen = QPen(QColor(entry.outline), entry.outline_width)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
        else:
            painter.setPen(QPen(QColor(0, 0, 0, 50), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(swatch)
        painter.setPen(QColor("#2b313b"))
        painter.drawText(QPointF(swatch.right() + 8, y + (row - metrics.height()) / 2 + metrics.ascent()), entry.label)
        y += row
    painter.restore()
    return rect


def legend_origin(rect: QRectF, legend: Legend) -> QPointF:
    """Where :func:`paint_map` puts its legend card: the bottom left of the map."""
    return QPointF(rect.left() + 12, rect.bottom() - legend_size(legend).height() - 12)


def draw_card(painter: QPainter, rect: QRectF) -> None:
    """The white rounded card behind a legend; leaves the pen set for the card's dark text."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor("#ffffff")
    fill.setAlpha(235)
    painter.setPen(QPen(QColor(0, 0, 0, 40), 1))
    painter.setBrush(fill)
    painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
    painter.setPen(QColor("#1c2430"))
