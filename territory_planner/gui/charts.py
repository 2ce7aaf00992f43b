"""Chart widgets of the Budget panel: each holds its figures and paints them with :mod:`territory_planner.render.charts`
(the waterfall, the tornado, the hiring timeline and the band gauge), so what the app draws can be drawn the same way
on any paint device."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..domain.assumptions import format_assumption
from ..domain.budget import HireTimeline, WaterfallStep
from ..domain.months import Month
from ..domain.tornado import Tornado
from ..render import charts


class ChartWidget(QWidget):
    """A white canvas that paints one chart, or a grey sentence when there is nothing to draw."""

    MIN_SIZE = QSize(320, 150)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(self.MIN_SIZE)

    def has_data(self) -> bool:
        return False

    def paint_chart(self, painter: QPainter, rect: QRectF) -> None:
        raise NotImplementedError

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        rect = QRectF(self.rect()).adjusted(12, 10, -12, -10)
        if self.has_data():
            self.paint_chart(painter, rect)
        elif self.empty_text:
            painter.setPen(QColor("#5f6b7a"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)
        painter.end()


class WaterfallChart(ChartWidget):
    """Plan budget → allocated (by region) → unallocated → short → surplus → spend needed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: list[WaterfallStep] = []
        self.currency = "USD"
        self.bars: list[QRectF] = []

    def set_steps(self, steps: Sequence[WaterfallStep], currency: str) -> None:
        self.steps, self.currency = list(steps), currency
        self.update()

    def has_data(self) -> bool:
        return bool(self.steps)

    def paint_chart(self, painter: QPainter, rect: QRectF) -> None:
        self.bars = charts.paint_waterfall(painter, rect, self.steps, self.currency, self.font())


class TornadoChart(ChartWidget):
    """One territory's gap with each funnel key at the low and at the high end of its range."""

    MIN_SIZE = QSize(320, 120)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tornado: Tornado | None = None
        self.currency = "USD"

    def set_tornado(self, tornado: Tornado | None, currency: str) -> None:
        self.tornado, self.currency = tornado, currency
        self.update()

    def rows(self) -> list[charts.TornadoRow]:
        """The bars as the chart labels them: the key in words and its value, each end's value."""
        t = self.tornado
        if t is None:
            return []
        cur = self.currency
        return [
            charts.TornadoRow(
                f"{b.words} ({format_assumption(b.key, b.value, cur)})",
                b.gap_low,
                b.gap_high,
                format_assumption(b.key, b.low, cur),
                format_assumption(b.key, b.high, cur),
            )
            for b in t.bars
        ]

    def has_data(self) -> bool:
        return self.tornado is not None and bool(self.tornado.bars)

    def paint_chart(self, painter: QPainter, rect: QRectF) -> None:
        assert self.tornado is not None
        charts.paint_tornado(painter, rect, self.rows(), self.tornado.gap, self.currency, self.font())


class TimelineChart(ChartWidget):
    """Every planned hire: fund-by, start, ramp, full quota and the month the territory's money starts."""

    KEY_HEIGHT = 26

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[HireTimeline] = []
        self.period_start = Month(2027, 1)

    def set_rows(self, rows: Sequence[HireTimeline], period_start: Month) -> None:
        self.rows, self.period_start = list(rows), period_start
        self.update()

    def has_data(self) -> bool:
        return bool(self.rows)

    def paint_chart(self, painter: QPainter, rect: QRectF) -> None:
        body = rect.adjusted(0, 0, 0, -self.KEY_HEIGHT)
        charts.paint_timeline(painter, body, self.rows, self.period_start, self.font())
        charts.paint_timeline_key(painter, QPointF(rect.left(), rect.bottom() - self.KEY_HEIGHT + 10), self.font())


class GaugeChart(ChartWidget):
    """The marketing budget as a share of the revenue target, against the benchmark band."""

    MIN_SIZE = QSize(300, 64)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ratio: float | None = None
        self.band = (0.04, 0.08)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(72)

    def set_ratio(self, ratio: float | None, low: float, high: float) -> None:
        self.ratio, self.band = ratio, (low, high)
        self.update()

    def has_data(self) -> bool:
        return self.ratio is not None

    def paint_chart(self, painter: QPainter, rect: QRectF) -> None:
        assert self.ratio is not None
        charts.paint_band_gauge(painter, rect, self.ratio, *self.band, font=self.font())


__all__ = ["ChartWidget", "GaugeChart", "TimelineChart", "TornadoChart", "WaterfallChart"]
