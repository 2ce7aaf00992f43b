"""Compare two scenarios side by side: two maps, the totals, and every territory or hire whose status changed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import BASELINE
from ..domain.checks import same_amount
from ..domain.formatting import hours, money
from ..domain.model import scenario_label
from ..services.reporting import compare_reports
from .document import PlanDocument
from .protocols import MapFactory, as_widget
from .territory_state import TerritoryState
from .theme import STATUS_COLOR, STATUS_LABEL, dot_icon

TOTAL_ROWS = (
    ("funded", "Territories funded", "count", True),
    ("at_risk", "Territories at risk", "count", False),
    ("unfunded", "Territories unfunded", "count", False),
    ("hires_funded", "Hires funded", "count", True),
    ("hires_unfunded", "Hires unfunded", "count", False),
    ("revenue_target", "Revenue target", "money", True),
    ("required_spend", "Program spend needed", "money", False),
    ("allocated_budget", "Marketing allocated", "money", None),
    ("spend_shortfall", "Spend short", "money", False),
    ("required_hours", "Marketing hours needed", "hours", False),
    ("hours_shortfall", "Hours short", "hours", False),
    ("blocking_flags", "Blocking problems", "count", False),
)


_label = scenario_label


class _ScenarioPane(QWidget):
    def __init__(self, map_factory: MapFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setMinimumWidth(220)
        self.combo.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet("font-size: 14px;")
        self.map = map_factory(self)
        self.map.set_mode("pan")
        top = QHBoxLayout()
        top.addWidget(self.combo)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addWidget(as_widget(self.map), 1)
        self.layer_set: object = None

    def scenario(self) -> str | None:
        return self.combo.currentData()


class CompareWindow(QWidget):
    """A separate window: scenario A on the left, B on the right, what changed below."""

    def __init__(self, parent: QWidget | None, map_factory: MapFactory) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("CompareWindow")
        self.setWindowTitle("Compare scenarios — Territory Planner")
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        if available is not None and not available.isEmpty():  # 1400x900 at most, never beyond the screen
            self.resize(min(1400, int(available.width() * 0.95)), min(900, int(available.height() * 0.9)))
        else:
            self.resize(1400, 900)
        self.document: PlanDocument | None = None
        self.left = _ScenarioPane(map_factory, self)
        self.right = _ScenarioPane(map_factory, self)
        for pane in (self.left, self.right):
            pane.combo.activated.connect(lambda _i: self.refresh())
        self.color_combo = QComboBox()
        self.color_combo.addItem("Funding status", "status")
        self.color_combo.addItem("Territory", "territory")
        self.color_combo.activated.connect(lambda _i: self._apply_color_mode())
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-size: 17px; font-weight: 600; color: #1d2733;")

        maps = QSplitter(Qt.Orientation.Horizontal)
        maps.addWidget(self.left)
        maps.addWidget(self.right)

        self.totals = QTableWidget(0, 4)
        self.totals.setHorizontalHeaderLabels(["", "A", "B", "Change"])
        self.changes = QTableWidget(0, 4)
        self.changes.setHorizontalHeaderLabels(["Territory or hire", "A", "B", "What changed"])
        for table in (self.totals, self.changes):
            table.verticalHeader().setVisible(False)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setAlternatingRowColors(True)
            table.setShowGrid(False)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
        self.changes.itemSelectionChanged.connect(self._on_changes_selection_changed)

        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.totals)
        bottom.addWidget(self.changes)
        bottom.setSizes([560, 840])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(maps)
        body.addWidget(bottom)
        body.setSizes([560, 340])

        bar = QHBoxLayout()
        bar.addWidget(self.headline, 1)
        bar.addWidget(QLabel("Colour by"))
        bar.addWidget(self.color_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(body, 1)
        QShortcut(QKeySequence("Esc"), self, self.close)

        header = self.totals.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self.result: dict[str, Any] | None = None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._zoom_to_fit)  # once the maps have their real size

    def _zoom_to_fit(self) -> None:
        if self.document is not None:
            for pane in (self.left, self.right):
                pane.map.zoom_to_fit()

    def set_document(self, document: PlanDocument) -> None:
        if self.document is not None and self.document is not document:
            self.document.changed.disconnect(self._on_document_changed)
        if self.document is not document:
            document.changed.connect(self._on_document_changed)
        self.document = document
        for pane in (self.left, self.right):
            if pane.layer_set is not document.plan.layer:
                pane.map.set_layer(document.plan.layer)
                pane.layer_set = document.plan.layer
        self.refresh_scenarios(prefer_current=True)
        self.refresh()
        for pane in (self.left, self.right):
            pane.map.zoom_to_fit()

    def refresh_scenarios(self, prefer_current: bool = False) -> None:
        doc = self.document
        if doc is None:
            return
        names = list(doc.plan.scenarios)
        a, b = self.left.scenario(), self.right.scenario()
        if prefer_current or a not in names or b not in names:
            current = doc.scenario_name
            if current != BASELINE:
                a, b = BASELINE, current
            else:
                a = BASELINE
                b = next((n for n in names if n != BASELINE), BASELINE)
        for pane, chosen in ((self.left, a), (self.right, b)):
            pane.combo.blockSignals(True)
            pane.combo.clear()
            for name in names:
                pane.combo.addItem(_label(name), name)
            pane.combo.setCurrentIndex(max(0, pane.combo.findData(chosen)))
            pane.combo.blockSignals(False)

    def compare(self, a: str, b: str) -> None:
        """Show scenarios ``a`` and ``b``."""
        self.left.combo.setCurrentIndex(max(0, self.left.combo.findData(a)))
        self.right.combo.setCurrentIndex(max(0, self.right.combo.findData(b)))
        self.refresh()

    def _on_document_changed(self, _command: object) -> None:
        if self.isVisible():
            self._timer.start()

    def refresh(self) -> None:
        doc = self.document
        if doc is None:
            return
        a, b = self.left.scenario(), self.right.scenario()
        if a is None or b is None or a not in doc.plan.scenarios or b not in doc.plan.scenarios:
            self.refresh_scenarios()
            a, b = self.left.scenario(), self.right.scenario()
            if a is None or b is None:
                return
        ra, rb = doc.session.report(a), doc.session.report(b)
        for pane, name, report in ((self.left, a, ra), (self.right, b, rb)):
            state = TerritoryState.build(doc.plan.layer, doc.plan.scenario(name), doc.session.aggregates(name), report)
            pane.map.set_territory_state(state.codes, state.colors, state.names, state.status, state.locked)
            pane.verdict.setText(report.verdict())
            pane.state = state  # type: ignore[attr-defined]
        self._apply_color_mode()
        result = compare_reports(ra, rb, doc.plan.scenario(a), doc.plan.scenario(b))
        self.result = result
        self._fill_totals(result, ra.currency, _label(a), _label(b))
        self._fill_changes(result, ra.currency, _label(a), _label(b))
        n_t, n_h = len(result["territories"]), len(result["hires"])
        status_changes = sum(1 for t in result["territories"] if t["status_a"] != t["status_b"])
        hire_changes = sum(1 for h in result["hires"] if h["status_a"] != h["status_b"])
        n_moves = len(result.get("allocations", []))
        moved = f"{n_moves} allocation{'s' if n_moves != 1 else ''} move; " if n_moves else ""
        if a == b:
            self.headline.setText("Choose two different scenarios to compare.")
        else:
            self.headline.setText(
                f"{_label(b)} against {_label(a)}: {moved}{status_changes} territories and {hire_changes} hires "
                f"change funding status ({n_t} territories and {n_h} hires differ in some way)."
            )

    def _apply_color_mode(self) -> None:
        mode = self.color_combo.currentData() or "status"
        for pane in (self.left, self.right):
            pane.map.set_color_mode(mode)

    def _fill_totals(self, result: dict[str, Any], currency: str, a: str, b: str) -> None:
        table = self.totals

        def short(name: str) -> str:
            return name if len(name) <= 18 else name[:17].rstrip() + "…"

        table.setHorizontalHeaderLabels(["", short(a), short(b), "Change"])
        table.setRowCount(len(TOTAL_ROWS))
        for row, (key, label, kind, higher_is_better) in enumerate(TOTAL_ROWS):
            va, vb = result["totals"][key]["a"], result["totals"][key]["b"]

            def fmt(v: Any, k: str = kind) -> str:
                if v is None:
                    return "—"
                if k == "money":
                    return money(v, currency)
                if k == "hours":
                    return hours(v)
                return f"{v:,.0f}"

            diff = (vb or 0) - (va or 0)
            if same_amount(diff, 0.0):
                change = "same"
            else:
                sign = "+" if diff > 0 else "−"
                change = f"{sign}{fmt(abs(diff))}"
            items = [
                QTableWidgetItem(label),
                QTableWidgetItem(fmt(va)),
                QTableWidgetItem(fmt(vb)),
                QTableWidgetItem(change),
            ]
            for col in (1, 2, 3):
                items[col].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not same_amount(diff, 0.0) and higher_is_better is not None:
                good = (diff > 0) == higher_is_better
                items[3].setForeground(QBrush(QColor(STATUS_COLOR["funded"] if good else STATUS_COLOR["unfunded"])))
                font = QFont()
                font.setBold(True)
                items[3].setFont(font)
            for col, item in enumerate(items):
                table.setItem(row, col, item)

    def _fill_changes(self, result: dict[str, Any], currency: str, a: str, b: str) -> None:
        table = self.changes
        table.setHorizontalHeaderLabels(["Territory or hire", a, b, "What changed"])
        rows: list[tuple[str, str | None, str | None, str, str | None]] = []
        for t in result["territories"]:
            parts = []
            for k, v in t.get("changes", {}).items():
                if k in ("required_spend", "allocated_budget", "gap", "target"):
                    nice = {
                        "required_spend": "needs",
                        "allocated_budget": "allocated",
                        "gap": "gap",
                        "target": "target",
                    }[k]
                    parts.append(f"{nice} {money(v['a'], currency)} → {money(v['b'], currency)}")
                elif k in ("sellers", "planned_hires", "units"):
                    parts.append(f"{k.replace('_', ' ')} {v['a']} → {v['b']}")
            if "only_in" in t:
                parts.append(f"only in {_label(t['only_in'])}")
            rows.append((t["territory"], t.get("status_a"), t.get("status_b"), "; ".join(parts), "territory"))
        for h in result["hires"]:
            if h["status_a"] is None:
                note = f"added in {b}"
            elif h["status_b"] is None:
                note = f"not in {b}"
            elif h["start_a"] != h["start_b"]:
                note = f"start {h['start_a'] or '—'} → {h['start_b'] or '—'}"
            else:
                note = ""
            rows.append((f"Hire: {h['seller']}", h["status_a"], h["status_b"], note, "hire"))
        # Status changes first: they are what the room cares about; round-off changes last.
        round_off = {t["territory"] for t in result["territories"] if t.get("round_off")}
        rows.sort(key=lambda r: (r[0] in round_off, r[1] == r[2], r[4] != "hire"))
        # Before them, the money that moved: it is what made the what-if work (Texas $190k → $270k).
        moves: list[tuple[str, str | None, str | None, str, str | None]] = []
        for m in result.get("allocations", []):
            label = f"{m['name']} (region pool)" if m["level"] == "region" else m["name"]
            ma, mb = m["budget_a"], m["budget_b"]
            said = f"{label} {money(ma or 0.0, currency)} → {money(mb or 0.0, currency)}"
            if same_amount(m["change"], 0.0):
                said = f"{label} hours {hours(m['hours_a'] or 0.0)} → {hours(m['hours_b'] or 0.0)}"
            cells = (money(ma, currency) if ma is not None else "—", money(mb, currency) if mb is not None else "—")
            moves.append((f"Allocation: {label}", *cells, said, "allocation"))
        rows = moves + rows
        table.setRowCount(len(rows))
        for i, (name, sa, sb, detail, kind) in enumerate(rows):
            name_item = QTableWidgetItem(name)
            name_item.setData(
                Qt.ItemDataRole.UserRole, name.removeprefix("Allocation: ") if kind == "allocation" else name
            )
            if sa != sb:
                font = QFont()
                font.setBold(True)
                name_item.setFont(font)
            table.setItem(i, 0, name_item)
            for col, status in ((1, sa), (2, sb)):
                item = QTableWidgetItem(
                    (status or "—") if kind == "allocation" else STATUS_LABEL.get(status or "", "—")
                )
                if status in STATUS_COLOR:
                    item.setIcon(dot_icon(STATUS_COLOR[status]))
                table.setItem(i, col, item)
            detail_item = QTableWidgetItem(detail)
            detail_item.setToolTip(detail)
            table.setItem(i, 3, detail_item)
        if not rows:
            table.setRowCount(1)
            table.setItem(0, 0, QTableWidgetItem("No territory or hire differs."))

    def _on_changes_selection_changed(self) -> None:
        items = self.changes.selectedItems()
        if not items or self.document is None:
            return
        first = self.changes.item(items[0].row(), 0)
        name = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
        if not isinstance(name, str):
            return
        for pane in (self.left, self.right):
            state = getattr(pane, "state", None)
            if state is None:
                continue
            territory = name
            if name.startswith("Hire: "):
                scenario = self.document.plan.scenarios.get(pane.scenario() or "")
                seller = scenario.sellers.get(name[6:]) if scenario else None
                territory = seller.territory if seller and seller.territory else ""
            ids = state.unit_ids_of(territory) if territory else []
            pane.map.highlight_units(ids)
            if ids:
                pane.map.zoom_to_units(ids)


__all__ = ["CompareWindow"]
