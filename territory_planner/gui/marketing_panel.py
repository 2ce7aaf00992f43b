"""The Marketing dock panel: budget, hours and allocations against plan."""

from __future__ import annotations

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain import PlanError
from ..domain.checks import exceeds, spend_ratio_side
from ..domain.commands import (
    SetAllocation,
)
from ..domain.formatting import hours, money, percent
from .allocation_model import AllocationTableModel
from .document import PlanDocument
from .panel_base import Panel, fit_columns_when_idle, panel_button, panel_note, panel_table
from .parsing import edit_text, parse_assumption


class MarketingPanel(Panel):
    """The plan's marketing budget and hours, allocations per region and territory, and totals against plan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.budget_edit = QLineEdit()
        self.budget_edit.setToolTip("The marketing budget of the plan period, e.g. 2.4M")
        self.budget_edit.editingFinished.connect(lambda: self._set_plan_value("marketing_budget", self.budget_edit))
        self.hours_edit = QLineEdit()
        self.hours_edit.setToolTip("Hours the marketing team can give in the plan period")
        self.hours_edit.editingFinished.connect(lambda: self._set_plan_value("marketing_hours", self.hours_edit))
        form = QFormLayout()
        form.addRow("Marketing budget", self.budget_edit)
        form.addRow("Marketing team hours", self.hours_edit)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addLayout(form)
        top.addWidget(self.totals, 1)
        self.model = AllocationTableModel()
        self.view = panel_table(self.model, sortable=False)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.horizontalHeader().setStretchLastSection(True)
        self._fit_columns = fit_columns_when_idle(self.view)
        remove = panel_button(
            "Remove allocation", "Take away the selected row's allocation", self.remove_selected, self
        )
        bar = QHBoxLayout()
        bar.addWidget(
            panel_note(
                "Double-click a budget, hours or start month to change it. A region's budget is a "
                "shared pool for its territories that have none of their own."
            ),
            1,
        )
        bar.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.view)

    def set_document(self, document: PlanDocument | None) -> None:
        super().set_document(document)
        self.model.set_document(document)
        self.refresh()

    def refresh(self) -> None:
        self.model.refresh()
        if self.document is None:
            return
        values = self.document.scenario.assumptions.values
        cur = self.document.currency
        if not self.budget_edit.hasFocus():
            self.budget_edit.setText(edit_text("marketing_budget", values["marketing_budget"], cur))
        if not self.hours_edit.hasFocus():
            self.hours_edit.setText(edit_text("marketing_hours", values["marketing_hours"], cur))
        t = self.document.report().totals
        over = t.allocated_budget - t.marketing_budget
        alloc = f"<b>{money(t.allocated_budget, cur)}</b> allocated of the {money(t.marketing_budget, cur)} budget" + (
            f" <span style='color:#b00020'>({money(over, cur)} over)</span>"
            if exceeds(over, 0.0)
            else f" ({money(-over, cur)} not yet allocated)"
        )
        need = f"territories need <b>{money(t.required_spend, cur)}</b> of program spend"
        hrs = f"hours: <b>{hours(t.required_hours)}</b> needed of {hours(t.marketing_hours)}"
        if t.spend_ratio is None:
            ratio = "no revenue target yet"
        else:
            lo, hi = (
                self.document.scenario.assumptions.values["spend_ratio_min"],
                self.document.scenario.assumptions.values["spend_ratio_max"],
            )
            inside = spend_ratio_side(t.spend_ratio, lo, hi) is None
            color = "#1d2733" if inside else "#b00020"
            ratio = (
                f"budget is <b style='color:{color}'>{percent(t.spend_ratio)}</b> of the "
                f"{money(t.revenue_target, cur)} revenue target (benchmark {percent(lo, 0)}–{percent(hi, 0)})"
            )
        self.totals.setText(f"{alloc}<br>{need}; {hrs}<br>{ratio}")

    def _set_plan_value(self, key: str, edit: QLineEdit) -> None:
        if self.document is None:
            return
        from ..domain.commands import SetAssumption

        try:
            value = parse_assumption(key, edit.text())
        except PlanError as exc:
            self.document.error_raised.emit(str(exc))
            self.refresh()
            return
        if abs(self.document.scenario.assumptions.values[key] - value) > 1e-9:
            self.document.execute(SetAssumption(self.document.scenario_name, "plan", None, key, value))

    def set_allocation(self, level: str, name: str, budget: float, hours_: float = 0.0) -> bool:
        if self.document is None:
            return False
        from ..domain import Allocation

        current = self.document.scenario.allocations.get((level, name))
        start = current.start_month if current else None
        allocation = Allocation(level, name, budget, hours_, start)  # type: ignore[arg-type]
        return self.document.execute(SetAllocation(self.document.scenario_name, level, name, allocation))

    def remove_selected(self) -> None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None or row.allocation is None or self.document is None:
            return
        self.document.execute(SetAllocation(self.document.scenario_name, row.level, row.name, None))
