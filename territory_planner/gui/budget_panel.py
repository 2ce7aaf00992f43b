"""The Budget dock panel: where the marketing budget goes and how sure the verdicts are (issue 13 §2–3).

Five tabs, every figure from the domain (``domain/budget.py``'s budget story of the shown scenario, the last
funding-confidence run of :mod:`.risk_run`): the budget waterfall with the two equations to the cent, the region
rollup, investment parity in plain words with the band gauge, the hiring timeline, and the confidence of the
selected territory (its tornado).

The story is recomputed once edits rest (:data:`REFRESH_AFTER_MS`) and only while the panel is on screen, so a paint
stroke never waits for it; a hidden panel catches up when it is shown.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.budget import BudgetStory, RegionRollup, allocated_hours_text, budget_story
from ..domain.checks import exceeds, same_amount
from ..domain.formatting import hours, money, percent
from ..domain.sensitivity import KEY_WORDS
from .charts import GaugeChart, TimelineChart, TornadoChart, WaterfallChart
from .document import PlanDocument
from .model_base import RIGHT, SORT_ROLE, Index, bold_font
from .panel_base import Panel, fit_columns_when_idle, panel_note, panel_table
from .risk_run import RiskResults, run_summary
from .theme import STATUS_LABEL, STATUS_TINT

#: How long edits must rest before the budget story is drawn again.
REFRESH_AFTER_MS = 250


def _plain(text: str = "") -> QLabel:
    """A label that shows text as text (territory and region names are user data, never markup)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setContentsMargins(8, 2, 8, 2)
    return label


class RegionRollupModel(QAbstractTableModel):
    """One row per region (and "No region"): target, what its territories need and have, gap and status."""

    COLUMNS = ("region", "territories", "target", "required", "hours", "pool", "own", "gap", "status")
    HEADERS: ClassVar[dict[str, str]] = {
        "region": "Region",
        "territories": "Territories",
        "target": "Revenue target",
        "required": "Needs",
        "hours": "Hours needed",
        "pool": "Region pool",
        "own": "Own allocations",
        "gap": "Gap",
        "status": "Status",
    }

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RegionRollup] = []
        self.currency = "USD"

    def set_rows(self, rows: list[RegionRollup], currency: str) -> None:
        self.beginResetModel()
        self.rows, self.currency = rows, currency
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[self.COLUMNS[section]]
        return None

    def text(self, r: RegionRollup, key: str) -> str:
        cur = self.currency
        if key == "region":
            return r.label
        if key == "territories":
            return f"{r.territories:,}"
        if key == "target":
            return money(r.target, cur)
        if key == "required":
            return money(r.required_spend, cur)
        if key == "hours":
            return hours(r.required_hours)
        if key == "pool":
            if not r.pool_budget:
                return "—"
            drawn = "" if same_amount(r.pool_drawn, r.pool_budget) else f" ({money(r.pool_drawn, cur)} drawn)"
            return money(r.pool_budget, cur) + drawn
        if key == "own":
            return money(r.own_budget, cur) if r.own_budget else "—"
        if key == "gap":
            return money(r.gap, cur)
        if key == "status":
            return STATUS_LABEL[r.status] if r.status is not None else "—"
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        key = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, key)
        if role == SORT_ROLE:
            return r.gap if key == "gap" else self.text(r, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key not in ("region", "status"):
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and key == "gap" and exceeds(0.0, r.gap):
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.BackgroundRole and key == "status" and r.status is not None:
            return QBrush(QColor(STATUS_TINT[r.status]))
        if role == Qt.ItemDataRole.FontRole and key in ("region", "status"):
            return bold_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "status":
                return f"{r.funded} funded, {r.at_risk} at risk, {r.unfunded} unfunded"
            if key == "pool" and r.pool_budget:
                return f"Hours of the pool: {allocated_hours_text(r.pool_hours)}"
            if key == "own":
                return f"Hours of the territories' own allocations: {allocated_hours_text(r.own_hours)}"
            if key == "gap":
                return "What its territories draw minus what they need (the sum of their gaps)"
        return None


class BudgetPanel(Panel):
    """The budget story of the shown scenario, and the funding confidence of the selected territory."""

    run_requested = Signal()  # Run confidence (Monte Carlo)… from the Confidence tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.risk: RiskResults | None = None
        self.story: BudgetStory | None = None
        self.territory: str | None = None
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_AFTER_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)

        self.waterfall = WaterfallChart()
        self.waterfall.empty_text = "Open a plan to see where its budget goes."
        self.reconciliation = _plain()
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 4, 0, 0)
        box.addWidget(self.waterfall, 1)
        box.addWidget(self.reconciliation)
        self.tabs.addTab(page, "Waterfall")

        self.regions = RegionRollupModel()
        self.region_view = panel_table(self.regions, sortable=False)
        self.region_view.horizontalHeader().setStretchLastSection(True)
        self._fit_regions = fit_columns_when_idle(self.region_view)
        self.tabs.addTab(self.region_view, "Regions")

        self.parity_headline = _plain()
        self.parity_headline.setFont(bold_font())
        self.parity_lines = _plain()
        self.gauge = GaugeChart()
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self.parity_headline)
        box.addWidget(self.parity_lines)
        box.addWidget(QLabel("Marketing budget as a share of the revenue target"))
        box.addWidget(self.gauge)
        box.addStretch(1)
        self.tabs.addTab(page, "Parity")

        self.timeline = TimelineChart()
        self.timeline.empty_text = "This scenario has no planned hires."
        self.timeline_note = panel_note(
            "For each planned hire: when pipeline must start (one sales cycle before the start), the start, the ramp "
            "to full quota, and the month the territory's marketing money starts (◆). Crossed red: pipeline that "
            "would have to start before the money does."
        )
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 4, 0, 0)
        box.addWidget(self.timeline, 1)
        box.addWidget(self.timeline_note)
        self.tabs.addTab(page, "Hiring timeline")

        self.territory_combo = QComboBox()
        self.territory_combo.setMinimumWidth(180)
        self.territory_combo.activated.connect(self._on_territory_combo_activated)
        self.run_button = QPushButton("Run confidence…")
        self.run_button.setToolTip("Monte Carlo over the assumption ranges, on a worker (Scenario menu)")
        self.run_button.clicked.connect(self.run_requested)
        self.confidence = _plain()
        self.tornado = TornadoChart()
        self.tornado.empty_text = "Run confidence to see which assumption moves this territory's gap the most."
        self.flip_text = _plain()
        top = QHBoxLayout()
        top.addWidget(QLabel("Territory"))
        top.addWidget(self.territory_combo)
        top.addStretch(1)
        top.addWidget(self.run_button)
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(6, 6, 6, 0)
        box.addLayout(top)
        box.addWidget(self.confidence)
        box.addWidget(self.tornado, 1)
        box.addWidget(self.flip_text)
        self.tabs.addTab(page, "Confidence")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)

    # --- wiring ---------------------------------------------------------------------------------------------------
    def set_risk(self, results: RiskResults) -> None:
        self.risk = results
        results.updated.connect(self._show_confidence)

    def set_document(self, document: PlanDocument | None) -> None:
        super().set_document(document)
        self.territory = None
        self._dirty = True
        self.update_now()

    def refresh(self) -> None:
        """The plan changed: draw the story again once edits rest (and only while the panel is shown)."""
        self._dirty = True
        self._timer.start()

    def show_territory(self, name: str | None) -> None:
        """Show the confidence of ``name`` (the territory selected in the Territories panel)."""
        if name and name != self.territory:
            self.territory = name
            self._show_confidence()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        if self.isVisible():
            self.update_now()

    # --- drawing ----------------------------------------------------------------------------------------------
    def update_now(self) -> None:
        """Recompute the budget story of the shown scenario and fill every tab."""
        self._timer.stop()
        self._dirty = False
        doc = self.document
        if doc is None:
            self.story = None
            self.waterfall.set_steps([], "USD")
            self.reconciliation.setText("")
            self.regions.set_rows([], "USD")
            self.parity_headline.setText("")
            self.parity_lines.setText("")
            self.gauge.set_ratio(None, 0.04, 0.08)
            self.timeline.set_rows([], self.timeline.period_start)
            self._show_confidence()
            return
        report = doc.report()
        story = self.story = budget_story(report, doc.scenario)
        cur = doc.currency
        rec = story.reconciliation
        self.waterfall.set_steps(rec.steps(), cur)
        self.reconciliation.setText("\n".join([*rec.lines(), rec.hours_line()]))
        self.regions.set_rows(story.regions, cur)
        par = story.parity
        self.parity_headline.setText(par.headline())
        self.parity_lines.setText("\n".join(f"• {line}" for line in par.lines()))
        self.gauge.set_ratio(par.spend_ratio, par.band_min, par.band_max)
        self.timeline.set_rows(story.timeline, report.period_start)
        self._fill_territories()
        self._show_confidence()

    def _fill_territories(self) -> None:
        doc = self.document
        names = list(doc.scenario.territories) if doc is not None else []
        if self.territory not in names:
            self.territory = names[0] if names else None
        combo = self.territory_combo
        combo.blockSignals(True)
        if [combo.itemText(i) for i in range(combo.count())] != names:
            combo.clear()
            combo.addItems(names)
        combo.setCurrentIndex(max(0, combo.findText(self.territory or "")))
        combo.blockSignals(False)

    def _on_territory_combo_activated(self, index: int) -> None:
        self.territory = self.territory_combo.itemText(index) or None
        self._show_confidence()

    def _show_confidence(self) -> None:
        """The selected territory's confidence, its tornado and its nearest flip point."""
        doc, risk, name = self.document, self.risk, self.territory
        has_ranges = doc is not None and doc.scenario.assumptions.has_ranges
        self.run_button.setEnabled(has_ranges)
        if doc is None or name is None or name not in doc.scenario.territories:
            self.confidence.setText("")
            self.tornado.set_tornado(None, "USD")
            self.flip_text.setText("")
            return
        self.territory_combo.setCurrentIndex(max(0, self.territory_combo.findText(name)))
        cur = doc.currency
        run = risk.run() if risk is not None else None
        if not has_ranges:
            self.confidence.setText(
                "No assumption has a range yet: give funnel assumptions a Low and a High in the Assumptions panel "
                "(the whole plan), then run confidence."
            )
            self.tornado.empty_text = "No ranges, no tornado."
        elif run is None:
            self.confidence.setText("Not run yet for this scenario.")
            self.tornado.empty_text = "Run confidence to see which assumption moves this territory's gap the most."
        else:
            t = run.risk.territory(name) if name in run.tornados else None
            current = risk is not None and risk.is_current(run)
            stale = "" if current else " These figures are from before the last change: run again."
            if t is None:
                self.confidence.setText(f"{name} is new since the last run.{stale}")
            else:
                self.confidence.setText(
                    f"{name} is funded in {percent(t.p_funded, 0)} of draws; it needs {money(t.spend_p50, cur)} "
                    f"(P10 {money(t.spend_p10, cur)}, P90 {money(t.spend_p90, cur)}). {run_summary(run)}{stale}"
                )
        tornado = run.tornados.get(name) if run is not None and has_ranges else None
        self.tornado.set_tornado(tornado, cur)
        flips = risk.flips(name) if risk is not None else None
        lines = []
        if tornado is not None:
            widest = tornado.bars[0] if tornado.bars else None
            lines.append(
                f"Gap now {money(tornado.gap, cur)}, measured against {tornado.basis}"
                + (f"; {KEY_WORDS[widest.key]} moves it the most." if widest is not None else ".")
            )
        key = flips.nearest() if flips is not None else None
        if flips is not None and key is not None:
            lines.append(f"{name} {flips.sentence(key, cur)}.")
        self.flip_text.setText("\n".join(lines))


__all__ = ["REFRESH_AFTER_MS", "BudgetPanel", "RegionRollupModel"]
