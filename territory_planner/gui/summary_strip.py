"""The summary strip under the map: status badges, money and hours, and the verdict."""

from __future__ import annotations

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..domain import BASELINE, Report
from ..domain.checks import exceeds
from ..domain.formatting import money
from .theme import STATUS_COLOR, STATUS_LABEL


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
    """The large-type bar for the room: funded / at risk / unfunded, hires, spend and hours, and the verdict."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SummaryStrip")
        self.scenario_label = QLabel()
        self.chips = {s: _Chip(STATUS_COLOR[s]) for s in ("funded", "at_risk", "unfunded")}
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

        # Two groups side by side in the window, one above the other in workshop mode (large type).
        people = QHBoxLayout()
        people.setSpacing(10)
        people.addWidget(self.scenario_label)
        people.addSpacing(16)
        people.addWidget(caption("Territories"))
        for chip in self.chips.values():
            people.addWidget(chip)
        people.addSpacing(16)
        people.addWidget(caption("Hires"))
        people.addWidget(self.hires_label)
        people.addStretch(1)
        money_row = QHBoxLayout()
        money_row.setSpacing(10)
        money_row.addWidget(caption("Spend"))
        money_row.addWidget(self.spend_label)
        money_row.addSpacing(16)
        money_row.addWidget(caption("Hours"))
        money_row.addWidget(self.hours_label)
        money_row.addStretch(1)
        self._groups = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._groups.setSpacing(16)
        self._groups.addLayout(people)
        self._groups.addLayout(money_row)
        self._groups.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(4)
        layout.addLayout(self._groups)
        layout.addWidget(self.verdict_label)
        # Never force the window wider than the screen: long figures are clipped, not pushed off the edge.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(200)
        self._scale = 1.0
        self.set_scale(1.0)

    def set_scale(self, scale: float) -> None:
        """1.0 in the normal window; larger for workshop mode on a projector."""
        self._scale = scale
        stacked = scale > 1.2
        self._groups.setDirection(QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight)
        last = self._groups.itemAt(self._groups.count() - 1)
        has_spacer = last is not None and last.spacerItem() is not None
        if stacked and has_spacer:
            self._groups.takeAt(self._groups.count() - 1)  # no empty band under the stacked rows
        elif not stacked and not has_spacer:
            self._groups.addStretch(1)
        base = int(15 * scale)
        for chip in self.chips.values():
            chip.set_scale(scale)
        for label in (self.hires_label, self.spend_label, self.hours_label):
            label.setStyleSheet(f"font-size: {base}px; font-weight: 600;")
        for label in self._captions:
            label.setStyleSheet(f"font-size: {int(13 * scale)}px; color: #5f6b7a;")
        self.scenario_label.setStyleSheet(f"font-size: {int(16 * scale)}px; font-weight: 700; color: #1f4e79;")
        self.verdict_label.setStyleSheet(f"font-size: {int(16 * scale)}px; font-weight: 600;")

    def set_report(self, report: Report | None, currency: str = "USD") -> None:
        if report is None:
            self.scenario_label.setText("")
            for chip in self.chips.values():
                chip.setText("–")
            for label in (self.hires_label, self.spend_label, self.hours_label, self.verdict_label):
                label.setText("")
            return
        t = report.totals
        scenario = "Baseline" if report.scenario == BASELINE else report.scenario
        self.scenario_label.setText(scenario)
        for status, n in (("funded", t.funded), ("at_risk", t.at_risk), ("unfunded", t.unfunded)):
            self.chips[status].set_count(n, STATUS_LABEL[status])
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
