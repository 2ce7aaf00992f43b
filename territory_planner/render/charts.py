"""Budget charts painted with QPainter on any paint device: the budget waterfall, a tornado of funding gaps, the
hiring timeline (Gantt) and the budget / revenue band gauge. QtGui only (no QtWidgets), so the app's Budget panel
and a static export can draw the same pictures.

Every figure comes from the domain (``domain/budget.py`` steps and timeline rows, tornado bars made of domain
figures); these functions only place and label them. Bars carry a pattern as well as a colour (additions hatched,
subtractions dotted, late pipeline crossed), so the charts read in black and white.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from ..domain.budget import HireTimeline, WaterfallStep
from ..domain.formatting import money
from ..domain.months import Month
from ..domain.status import STATUS_COLOR
from .style import DEFAULT_STYLE

INK = QColor("#1c2430")
MUTED = QColor("#5f6b7a")
RULE = QColor("#c9d1da")
TOTAL = QColor("#37474f")
PARTS = (QColor("#78909c"), QColor("#b0bec5"), QColor("#546e7a"), QColor("#cfd8dc"), QColor("#90a4ae"))
SHORT = QColor(DEFAULT_STYLE.unfunded)
GOOD = QColor(DEFAULT_STYLE.funded)
DOWN = QColor("#8d9aa6")

_CENTER = Qt.AlignmentFlag.AlignCenter
_RIGHT_V = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT_V = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × a power of ten) that cuts ``span`` into about ``ticks`` parts."""
    raw = max(abs(span), 1e-9) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _small(font: QFont) -> QFont:
    small = QFont(font)
    size = font.pointSizeF()
    if size > 0:
        small.setPointSizeF(max(size * 0.88, 6.0))
    return small


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


# --- the budget waterfall -----------------------------------------------------------------------------------------


def waterfall_columns(steps: Sequence[WaterfallStep]) -> list[tuple[WaterfallStep, list[WaterfallStep]]]:
    """Each bar with the parts stacked in it (the region slices make up the "Allocated" bar)."""
    out: list[tuple[WaterfallStep, list[WaterfallStep]]] = []
    parts: list[WaterfallStep] = []
    for step in steps:
        if step.kind == "part":
            parts.append(step)
            continue
        out.append((step, parts if step.kind == "total" else []))
        if step.kind == "total":
            parts = []
    return out


def paint_waterfall(
    painter: QPainter, rect: QRectF, steps: Sequence[WaterfallStep], currency: str, font: QFont | None = None
) -> list[QRectF]:
    """The waterfall in ``rect``: totals solid, additions hatched red, subtractions dotted, region slices stacked
    and labelled in the Allocated bar. Returns each column's bar (in column order) for hit tests."""
    font = font or QFont()
    small = _small(font)
    metrics = QFontMetricsF(small)
    columns = waterfall_columns(steps)
    bars: list[QRectF] = []
    if not columns:
        return bars
    top = max(max(s.start, s.end) for s in steps) * 1.12 or 1.0
    axis_w = metrics.horizontalAdvance(money(top, currency)) + 10
    label_h = metrics.height() * 3 + 6
    plot = QRectF(rect.left() + axis_w, rect.top() + metrics.height() + 6, rect.width() - axis_w, 0)
    plot.setBottom(rect.bottom() - label_h)
    if plot.height() < 20 or plot.width() < 40:
        return bars

    def y(value: float) -> float:
        return plot.bottom() - plot.height() * value / top

    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setFont(small)
    tick = nice_step(top)
    value = 0.0
    while value <= top:
        painter.setPen(QPen(RULE, 1, Qt.PenStyle.DotLine if value else Qt.PenStyle.SolidLine))
        painter.drawLine(QPointF(plot.left(), y(value)), QPointF(plot.right(), y(value)))
        painter.setPen(MUTED)
        painter.drawText(QRectF(rect.left(), y(value) - 8, axis_w - 6, 16), _RIGHT_V, money(value, currency))
        value += tick
    slot = plot.width() / len(columns)
    bar_w = slot * 0.62
    previous: float | None = None
    for i, (step, parts) in enumerate(columns):
        x = plot.left() + slot * i + (slot - bar_w) / 2
        low, high = sorted((step.start, step.end))
        bar = QRectF(x, y(high), bar_w, max(y(low) - y(high), 1.0))
        bars.append(bar)
        if previous is not None:  # the connector from the bar before, at the running level
            painter.setPen(QPen(INK, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x - (slot - bar_w), y(previous)), QPointF(x, y(previous)))
        _waterfall_bar(painter, bar, step, parts, y, currency, metrics)
        sign = {"up": "+", "down": "−"}.get(step.kind, "")
        painter.setFont(_bold(small))
        painter.setPen(INK)
        painter.drawText(
            QRectF(x - slot * 0.19, bar.top() - metrics.height() - 3, bar_w + slot * 0.38, metrics.height() + 2),
            _CENTER,
            f"{sign}{money(step.amount, currency)}",
        )
        painter.setFont(small)
        caption = step.label + (f"\n{step.note}" if step.note else "")
        painter.drawText(
            QRectF(plot.left() + slot * i + 2, plot.bottom() + 4, slot - 4, label_h - 4),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            caption,
        )
        previous = step.end
    painter.restore()
    return bars


def _waterfall_bar(
    painter: QPainter,
    bar: QRectF,
    step: WaterfallStep,
    parts: list[WaterfallStep],
    y: Callable[[float], float],
    currency: str,
    metrics: QFontMetricsF,
) -> None:
    if step.kind == "total" and parts:
        for j, part in enumerate(parts):
            seg = QRectF(bar.left(), y(part.end), bar.width(), max(y(part.start) - y(part.end), 0.5))
            color = PARTS[j % len(PARTS)]
            painter.fillRect(seg, color)
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawLine(seg.topLeft(), seg.topRight())
            if seg.height() >= metrics.height() + 2:
                painter.setPen(QColor("#ffffff") if color.lightness() < 140 else INK)
                text = f"{part.label} {money(part.amount, currency)}"
                if metrics.horizontalAdvance(text) > seg.width() - 4:
                    text = part.label
                painter.drawText(seg.adjusted(2, 1, -2, -1), _CENTER | Qt.TextFlag.TextWordWrap, text)
        painter.setPen(QPen(INK, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)
    elif step.kind == "total":
        painter.fillRect(bar, TOTAL)
    elif step.kind == "up":
        painter.fillRect(bar, QColor("#ffffff"))
        painter.fillRect(bar, QBrush(SHORT, Qt.BrushStyle.BDiagPattern))
        painter.setPen(QPen(SHORT, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)
    else:
        painter.fillRect(bar, QColor("#eceff1"))
        painter.fillRect(bar, QBrush(DOWN, Qt.BrushStyle.Dense6Pattern))
        painter.setPen(QPen(INK, 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)


# --- the tornado --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TornadoRow:
    """One bar of a tornado: a label, the gap at each end of the key's range, and the two ends in words."""

    label: str
    gap_low: float
    gap_high: float
    low_text: str
    high_text: str


def paint_tornado(
    painter: QPainter,
    rect: QRectF,
    rows: Sequence[TornadoRow],
    gap_now: float,
    currency: str,
    font: QFont | None = None,
) -> None:
    """Horizontal bars from the gap now to the gap at each end of a key's range, widest first as given; the zero
    line (where the verdict flips) is drawn bold, the part of a bar past it (short) red and hatched, the rest green."""
    font = font or QFont()
    small = _small(font)
    metrics = QFontMetricsF(small)
    if not rows:
        return
    values = [gap_now, 0.0] + [v for r in rows for v in (r.gap_low, r.gap_high)]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or max(abs(hi), 1.0) * 0.1
    lo, hi = lo - pad, hi + pad
    label_w = min(max(metrics.horizontalAdvance(r.label) for r in rows) + 12, rect.width() * 0.32)
    plot = QRectF(rect.left() + label_w, rect.top() + metrics.height() + 8, rect.width() - label_w - 8, 0)
    plot.setBottom(rect.bottom() - metrics.height() - 8)
    if plot.height() < 20 or plot.width() < 60:
        return

    def x(value: float) -> float:
        return plot.left() + plot.width() * (value - lo) / (hi - lo)

    painter.save()
    painter.setFont(small)
    tick = nice_step(hi - lo, 4)
    v = math.ceil(lo / tick) * tick
    while v <= hi:
        painter.setPen(QPen(RULE, 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(x(v), plot.top()), QPointF(x(v), plot.bottom()))
        painter.setPen(MUTED)
        painter.drawText(QRectF(x(v) - 50, plot.bottom() + 3, 100, metrics.height()), _CENTER, money(v, currency))
        v += tick
    row_h = plot.height() / len(rows)
    bar_h = min(row_h * 0.56, 26.0)
    for i, row in enumerate(rows):
        mid = plot.top() + row_h * (i + 0.5)
        painter.setPen(INK)
        painter.drawText(QRectF(rect.left(), mid - row_h / 2, label_w - 8, row_h), _RIGHT_V, row.label)
        for gap, text in ((row.gap_low, row.low_text), (row.gap_high, row.high_text)):
            left, right = sorted((x(gap_now), x(gap)))
            bar = QRectF(left, mid - bar_h / 2, max(right - left, 1.0), bar_h)
            # The part of a bar past the zero line is short (red, hatched); the rest still covers (green).
            zero = x(0.0)
            short_part = QRectF(bar.left(), bar.top(), max(min(bar.right(), zero) - bar.left(), 0.0), bar_h)
            covered_part = QRectF(
                max(bar.left(), zero), bar.top(), max(bar.right() - max(bar.left(), zero), 0.0), bar_h
            )
            for part, short in ((short_part, True), (covered_part, False)):
                if part.width() <= 0:
                    continue
                painter.fillRect(part, QColor("#fdecea") if short else QColor("#e6f2ea"))
                if short:
                    painter.fillRect(part, QBrush(SHORT, Qt.BrushStyle.BDiagPattern))
                painter.setPen(QPen(SHORT if short else GOOD, 1.2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(part)
            painter.setPen(INK)
            width = metrics.horizontalAdvance(text) + 6
            at_left = x(gap) < x(gap_now)
            box = (
                QRectF(bar.left() - width, bar.top(), width - 2, bar_h)
                if at_left
                else QRectF(bar.right() + 3, bar.top(), width, bar_h)
            )
            painter.drawText(box, _RIGHT_V if at_left else _LEFT_V, text)
    painter.setPen(QPen(INK, 2.2))
    painter.drawLine(QPointF(x(0.0), plot.top() - 4), QPointF(x(0.0), plot.bottom()))
    painter.setFont(_bold(small))
    painter.drawText(QRectF(x(0.0) - 80, rect.top(), 160, metrics.height() + 2), _CENTER, "flips here (gap 0)")
    painter.setPen(QPen(MUTED, 1.2, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(x(gap_now), plot.top()), QPointF(x(gap_now), plot.bottom()))
    painter.restore()


# --- the hiring timeline ------------------------------------------------------------------------------------------


def short_month(m: Month) -> str:
    """``Jan 27`` for January, ``Feb`` for the other months."""
    return m.label()[:3] + (f" {m.year % 100:02d}" if m.month == 1 else "")


def timeline_span(rows: Sequence[HireTimeline], period_start: Month) -> tuple[Month, Month]:
    """The first and last month a timeline shows: the plan period and every month of its rows."""
    months = [period_start, period_start.plus(11)]
    for h in rows:
        months += [m for m in (h.fund_by, h.start, h.full_quota, h.money_from) if m is not None]
    return min(months), max(months)


def paint_timeline(
    painter: QPainter,
    rect: QRectF,
    rows: Sequence[HireTimeline],
    period_start: Month,
    font: QFont | None = None,
    status_colors: dict[str, str] | None = None,
) -> None:
    """One row per hire: pipeline from fund-by to start (hatched; crossed red where it is late), ramp to full
    quota (dotted), full quota (solid) to the end, and a diamond at the month the territory's money starts."""
    font = font or QFont()
    small = _small(font)
    metrics = QFontMetricsF(small)
    colors = status_colors or STATUS_COLOR
    if not rows:
        return
    first, last = timeline_span(rows, period_start)
    n = last.minus(first) + 1
    name_w = min(
        max(metrics.horizontalAdvance(f"{h.seller} — {h.territory or '—'} (no money)") for h in rows) + 24, 300.0
    )
    name_w = min(name_w, rect.width() * 0.34)
    head = metrics.height() + 6
    chart = QRectF(rect.left() + name_w, rect.top() + head, rect.width() - name_w, 0)
    chart.setBottom(rect.bottom())
    if chart.width() < 60 or chart.height() < 10:
        return
    col = chart.width() / n
    row_h = min(32.0, chart.height() / len(rows))
    chart.setHeight(row_h * len(rows))

    def xm(m: Month) -> float:
        return chart.left() + m.minus(first) * col

    painter.save()
    painter.setFont(small)
    step = max(1, math.ceil(metrics.horizontalAdvance("Jan 27 ") / col))
    for k in range(n):
        m = first.plus(k)
        xx = chart.left() + k * col
        in_period = 0 <= m.minus(period_start) < 12
        if in_period:
            painter.fillRect(QRectF(xx, chart.top(), col, chart.height()), QColor("#f3f6f9"))
        painter.setPen(QPen(RULE, 1))
        painter.drawLine(QPointF(xx, chart.top()), QPointF(xx, chart.bottom()))
        if k % step == 0:
            painter.setPen(INK if in_period else MUTED)
            painter.drawText(QRectF(xx, rect.top(), col * step, head - 2), _LEFT_V, short_month(m))
    for edge in (period_start, period_start.plus(12)):
        painter.setPen(QPen(INK, 1.5))
        painter.drawLine(QPointF(xm(edge), chart.top() - 2), QPointF(xm(edge), chart.bottom() + 2))
    for i, h in enumerate(rows):
        top = chart.top() + i * row_h
        painter.setPen(QPen(RULE, 1))
        painter.drawLine(QPointF(rect.left(), top + row_h), QPointF(chart.right(), top + row_h))
        dot = QRectF(rect.left() + 2, top + row_h / 2 - 5, 10, 10)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colors.get(h.status, DEFAULT_STYLE.no_status)))
        painter.drawEllipse(dot)
        painter.setPen(INK)
        money_note = " (no money)" if h.money_from is None else ""
        name = metrics.elidedText(
            f"{h.seller} — {h.territory or '—'}{money_note}", Qt.TextElideMode.ElideRight, name_w - 22
        )
        painter.drawText(QRectF(rect.left() + 16, top, name_w - 18, row_h), _LEFT_V, name)
        paint_hire_bars(painter, h, top, row_h, xm, col, chart.right(), metrics)
    painter.restore()


def paint_hire_bars(
    painter: QPainter,
    h: HireTimeline,
    top: float,
    row_h: float,
    xm: Callable[[Month], float],
    col: float,
    right: float,
    metrics: QFontMetricsF,
) -> None:
    bar_h = min(12.0, row_h * 0.42)
    y = top + (row_h - bar_h) / 2
    if h.fund_by is not None and h.start is not None:
        pipe = QRectF(xm(h.fund_by), y + bar_h * 0.2, xm(h.start) - xm(h.fund_by), bar_h * 0.6)
        painter.fillRect(pipe, QColor("#ffffff"))
        painter.fillRect(pipe, QBrush(QColor("#455a64"), Qt.BrushStyle.BDiagPattern))
        painter.setPen(QPen(INK, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(pipe)
        if h.late:
            until = h.money_from or h.start
            late = QRectF(xm(h.fund_by), y - 2, max(xm(until) - xm(h.fund_by), col * 0.5), bar_h + 4)
            painter.fillRect(late, QBrush(SHORT, Qt.BrushStyle.DiagCrossPattern))
            painter.setPen(QPen(SHORT, 1.5))
            painter.drawRect(late)
            word = QRectF(late.left() + 2, late.top() + 1, metrics.horizontalAdvance("late") + 6, late.height() - 2)
            if word.width() < late.width() - 2:
                painter.fillRect(word, QColor("#ffffff"))
                painter.drawText(word, _CENTER, "late")
    if h.start is not None:
        full = h.full_quota or h.start
        ramp = QRectF(xm(h.start), y, xm(full) - xm(h.start) + col, bar_h)
        painter.fillRect(ramp, QColor("#b0bec5"))
        painter.fillRect(ramp, QBrush(QColor("#37474f"), Qt.BrushStyle.Dense5Pattern))
        painter.setPen(QPen(INK, 1))
        painter.drawRect(ramp)
        quota = QRectF(ramp.right(), y, max(right - ramp.right(), 0.0), bar_h)
        if quota.width() > 0:
            painter.fillRect(quota, TOTAL)
    if h.money_from is not None:
        mx = xm(h.money_from)
        diamond = QPainterPath()
        diamond.moveTo(mx, y - 4)
        diamond.lineTo(mx + 6, y + bar_h / 2)
        diamond.lineTo(mx, y + bar_h + 4)
        diamond.lineTo(mx - 6, y + bar_h / 2)
        diamond.closeSubpath()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#ffffff"), 1.0))
        painter.setBrush(INK)
        painter.drawPath(diamond)


TIMELINE_KEY = (
    ("pipeline", "pipeline must be built"),
    ("late", "before the money starts (late)"),
    ("ramp", "ramping to full quota"),
    ("quota", "at full quota"),
    ("money", "territory's money starts"),
)


def paint_timeline_key(painter: QPainter, origin: QPointF, font: QFont | None = None) -> float:
    """The timeline's key on one line from ``origin``; returns its width."""
    font = font or QFont()
    small = _small(font)
    metrics = QFontMetricsF(small)
    painter.save()
    painter.setFont(small)
    x, yy = origin.x(), origin.y()
    for item, text in TIMELINE_KEY:
        sw = QRectF(x, yy, 26, 10)
        if item == "pipeline":
            painter.fillRect(sw, QBrush(QColor("#455a64"), Qt.BrushStyle.BDiagPattern))
            painter.setPen(QPen(INK, 1))
            painter.drawRect(sw)
        elif item == "late":
            painter.fillRect(sw, QBrush(SHORT, Qt.BrushStyle.DiagCrossPattern))
            painter.setPen(QPen(SHORT, 1.2))
            painter.drawRect(sw)
        elif item == "ramp":
            painter.fillRect(sw, QColor("#b0bec5"))
            painter.fillRect(sw, QBrush(QColor("#37474f"), Qt.BrushStyle.Dense5Pattern))
        elif item == "quota":
            painter.fillRect(sw, TOTAL)
        else:
            d = QPainterPath()
            cx, cy = x + 13, yy + 5
            d.moveTo(cx, cy - 7)
            d.lineTo(cx + 6, cy)
            d.lineTo(cx, cy + 7)
            d.lineTo(cx - 6, cy)
            d.closeSubpath()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(INK)
            painter.drawPath(d)
        painter.setPen(INK)
        painter.drawText(QPointF(x + 32, yy + 9), text)
        x += 32 + metrics.horizontalAdvance(text) + 22
    painter.restore()
    return x - origin.x()


# --- the band gauge -----------------------------------------------------------------------------------------------


def paint_band_gauge(
    painter: QPainter, rect: QRectF, ratio: float, low: float, high: float, font: QFont | None = None
) -> None:
    """A 0–N % scale with the benchmark band hatched green and the plan's ratio marked by a triangle."""
    font = font or QFont()
    small = _small(font)
    metrics = QFontMetricsF(small)
    top = max(0.12, ratio * 1.25, high * 1.25)

    def x(v: float) -> float:
        return rect.left() + rect.width() * min(v, top) / top

    painter.save()
    painter.setFont(small)
    bar = QRectF(rect.left(), rect.top() + metrics.height() + 8, rect.width(), 16)
    painter.setPen(QPen(INK, 1))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRect(bar)
    band = QRectF(x(low), bar.top(), x(high) - x(low), bar.height())
    painter.fillRect(band, QColor("#c8e6c9"))
    painter.fillRect(band, QBrush(QColor("#2e7d32"), Qt.BrushStyle.FDiagPattern))
    painter.setPen(INK)
    painter.drawText(
        QRectF(band.left() - 60, rect.top(), band.width() + 120, metrics.height() + 2),
        _CENTER,
        f"benchmark band {low * 100:g}–{high * 100:g} %",
    )
    step = 0.02 if top <= 0.2 else nice_step(top)
    v = 0.0
    while v <= top + 1e-9:
        painter.drawLine(QPointF(x(v), bar.bottom()), QPointF(x(v), bar.bottom() + 4))
        painter.drawText(QRectF(x(v) - 24, bar.bottom() + 5, 48, metrics.height()), _CENTER, f"{v * 100:g} %")
        v += step
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    marker = QPainterPath()
    mx = x(ratio)
    marker.moveTo(mx, bar.top() - 1)
    marker.lineTo(mx - 6, bar.top() - 11)
    marker.lineTo(mx + 6, bar.top() - 11)
    marker.closeSubpath()
    painter.setBrush(INK)
    painter.drawPath(marker)
    painter.setPen(QPen(INK, 2.0))
    painter.drawLine(QPointF(mx, bar.top()), QPointF(mx, bar.bottom()))
    painter.restore()


__all__ = [
    "TIMELINE_KEY",
    "TornadoRow",
    "nice_step",
    "paint_band_gauge",
    "paint_hire_bars",
    "paint_timeline",
    "paint_timeline_key",
    "paint_tornado",
    "paint_waterfall",
    "short_month",
    "timeline_span",
    "waterfall_columns",
]
