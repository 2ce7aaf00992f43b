"""The summary strip under the map: status badges, money and hours, and the verdict."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..domain import Report
from ..domain.checks import exceeds
from ..domain.formatting import money
from ..domain.model import scenario_label
from .flow_layout import FlowLayout
from .theme import MUTED, STATUS_COLOR, display_status_label, is_empty


class _Chip(QLabel):
    """A coloured count ("3 Unfunded"); grey when the count is zero so only real problems catch the eye."""

    def __init__(self, color: str) -> None:
        super().__init__()
        self._color = color
        self._scale = 1.0
        self._zero = False
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._restyle()

    def set_scale(self, scale: float) -> None:
        self._scale = scale
        self._restyle()

    def set_count(self, n: int, word: str) -> None:
        self.setText(f"{n} {word}")
        if self._zero != (n == 0):
            self._zero = n == 0
            self._restyle()

    def _restyle(self) -> None:
        scale = self._scale
        pad_v, pad_h = int(3 * scale), int(10 * scale)
        background, color = ("#e9edf2", "#5f6b7a") if self._zero else (self._color, "white")
        self.setStyleSheet(
            f"QLabel {{ background: {background}; color: {color}; border-radius: {int(11 * scale)}px; "
            f"padding: {pad_v}px {pad_h}px; font-weight: 700; font-size: {int(15 * scale)}px; }}"
        )


class SummaryStrip(QFrame):
    """The large-type bar for the room: funded / at risk / unfunded, hires, spend and hours, and the verdict.

    Each group (scenario, territories, hires, spend, hours) keeps its full width and wraps onto another row when the
    window is narrow (a 1280 px projector), so no badge or figure is ever clipped; a long scenario name is elided
    with the whole name in its tooltip; the verdict wraps under the groups.
    """

    #: The widest the scenario name may take before it is elided: this many font heights, and at most this share
    #: of the strip's width (never under MIN_NAME_EMS font heights).
    NAME_EMS = 28
    MIN_NAME_EMS = 8
    NAME_SHARE = 0.45

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SummaryStrip")
        self.scenario_label = QLabel()
        self.scenario_name = ""
        self.chips = {s: _Chip(STATUS_COLOR[s]) for s in ("funded", "at_risk", "unfunded")}
        self.chips["empty"] = _Chip(MUTED)
        self.chips["empty"].setToolTip("Territories with no units and no sellers: nothing to fund yet")
        self.chips["empty"].hide()
        self.hires_label = QLabel()
        self.spend_label = QLabel()
        self.hours_label = QLabel()
        self.verdict_label = QLabel()
        self.verdict_label.setProperty("role", "verdict")
        self.verdict_label.setWordWrap(True)
        self._captions: list[QLabel] = []

        def caption(text: str) -> QLabel:
            label = QLabel(text)
            label.setProperty("role", "caption")
            self._captions.append(label)
            return label

        def group(*widgets: QWidget) -> QWidget:
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(8)
            for widget in widgets:
                row.addWidget(widget)
            box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            return box

        self.groups = [
            group(self.scenario_label),
            group(caption("Territories"), *self.chips.values()),
            group(caption("Hires"), self.hires_label),
            group(caption("Spend"), self.spend_label),
            group(caption("Hours"), self.hours_label),
        ]
        self._flow = FlowLayout(spacing=24, row_spacing=4)
        for box in self.groups:
            self._flow.addWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(4)
        layout.addLayout(self._flow)
        layout.addWidget(self.verdict_label)
        # Never force the window wider than the screen: the groups wrap instead.
        # Expanding: the tool bar holding the strip gives it the whole row, whatever its (small) size hint says.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(200)
        self._scale = 1.0
        self.set_scale(1.0)

    # The strip sits in a tool bar, which asks for sizeHint only: answer with the height the current width needs.
    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 200 else super().sizeHint().width()
        return QSize(200, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._show_scenario_name()
            if self.heightForWidth(self.width()) != self.height():
                self.updateGeometry()  # the tool bar gives the strip the rows its new width needs

    def set_scale(self, scale: float) -> None:
        """1.0 in the normal window; larger for workshop mode on a projector."""
        self._scale = scale
        self._flow.set_spacing(int(24 * scale), int(4 * scale))
        base = int(15 * scale)
        for chip in self.chips.values():
            chip.set_scale(scale)
        for label in (self.hires_label, self.spend_label, self.hours_label):
            label.setStyleSheet(f"font-size: {base}px; font-weight: 600;")
        for label in self._captions:
            label.setStyleSheet(f"font-size: {int(13 * scale)}px; color: #5f6b7a;")
        self.scenario_label.setStyleSheet(f"font-size: {int(16 * scale)}px; font-weight: 700; color: #1f4e79;")
        self.verdict_label.setStyleSheet(f"font-size: {int(16 * scale)}px; font-weight: 600;")
        self._show_scenario_name()
        self.updateGeometry()

    def name_limit(self, metrics: QFontMetrics) -> int:
        """The widest the scenario name is shown, in pixels, for the strip's current width."""
        em = metrics.height()
        share = int(self.width() * self.NAME_SHARE) if self.width() > 200 else self.NAME_EMS * em
        return max(self.MIN_NAME_EMS * em, min(self.NAME_EMS * em, share))

    def _show_scenario_name(self) -> None:
        label = self.scenario_label
        label.ensurePolished()
        metrics = QFontMetrics(label.font())
        limit = self.name_limit(metrics)
        shown = metrics.elidedText(self.scenario_name, Qt.TextElideMode.ElideRight, limit)
        label.setText(shown)
        label.setToolTip(self.scenario_name if shown != self.scenario_name else "")

    def set_report(self, report: Report | None, currency: str = "USD") -> None:
        if report is None:
            self.scenario_name = ""
            self._show_scenario_name()
            for chip in self.chips.values():
                chip.setText("–")
            self.chips["empty"].hide()
            for label in (self.hires_label, self.spend_label, self.hours_label, self.verdict_label):
                label.setText("")
            return
        t = report.totals
        self.scenario_name = scenario_label(report.scenario)
        self._show_scenario_name()
        empty = sum(1 for r in report.territories if is_empty(r))
        counts = {"funded": t.funded - empty, "at_risk": t.at_risk, "unfunded": t.unfunded, "empty": empty}
        for status, n in counts.items():
            self.chips[status].set_count(n, display_status_label(status))
        self.chips["empty"].setVisible(empty > 0)
        hires_short = t.hires_at_risk + t.hires_unfunded
        hires_text = f"{t.hires_funded} funded"
        if t.hires_at_risk:
            hires_text += f" · {t.hires_at_risk} at risk"
        hires_text += (
            f" · <span style='color:{STATUS_COLOR['unfunded'] if hires_short else '#1d2733'}'>"
            f"{t.hires_unfunded} unfunded</span>"
        )
        self.hires_label.setText(hires_text)
        short = exceeds(t.required_spend, t.allocated_budget)
        color = STATUS_COLOR["unfunded"] if short else "#1d2733"
        self.spend_label.setText(
            f"needs {money(t.required_spend, currency)} · allocated "
            f"<span style='color:{color}'>{money(t.allocated_budget, currency)}</span>"
        )
        h_short = exceeds(t.required_hours, t.marketing_hours)
        h_color = STATUS_COLOR["unfunded"] if h_short else "#1d2733"
        self.hours_label.setText(
            f"needs {t.required_hours:,.0f} · has <span style='color:{h_color}'>{t.marketing_hours:,.0f}</span>"
        )
        self.verdict_label.setText(report.verdict())
        if self.heightForWidth(self.width()) != self.height():
            # only when the strip needs more or fewer rows: asking the window to lay itself out again costs
            # about a millisecond, and most edits change no figure's width enough to wrap (issue 16 §4)
            self.updateGeometry()


__all__ = ["SummaryStrip"]
