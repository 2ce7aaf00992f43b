"""The marketing allocations table model: the plan, each region and each territory."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ..domain import Allocation, PlanError
from ..domain.commands import SetAllocation
from ..domain.formatting import money
from ..domain.months import parse_optional_month
from .model_base import (
    RIGHT,
    DocumentRowsModel,
    Index,
    bold_font,
)
from .parsing import parse_number


@dataclass(frozen=True)
class AllocationRow:
    level: str
    name: str
    allocation: Allocation | None
    needs: float
    covers: str


class AllocationTableModel(DocumentRowsModel):
    """Every region and territory with its allocation (budget, hours, start month); empty rows have none."""

    COLUMNS = ("funds", "budget", "hours", "start", "locked", "needs", "covers")
    HEADERS: ClassVar[dict[str, str]] = {
        "funds": "Allocated to",
        "budget": "Budget",
        "hours": "Hours",
        "start": "Money from",
        "locked": "Locked",
        "needs": "Needs",
        "covers": "Funds",
    }
    EDITABLE = ("budget", "hours", "start")

    def _key(self, row: AllocationRow) -> tuple[str, str]:
        return (row.level, row.name)

    def _build(self) -> list[AllocationRow]:
        if self.document is None:
            return []
        s = self.document.scenario
        report = self.document.report()
        results = {r.territory: r for r in report.territories}
        rows: list[AllocationRow] = []
        for region in s.regions:
            pool = [
                t.name
                for t in s.territories_of(region)
                if ("territory", t.name) not in s.allocations and t.name in results
            ]
            needs = sum(results[n].required_spend for n in pool)
            covers = f"shared pool of {len(pool)} territories" if pool else "no territory draws on it"
            rows.append(AllocationRow("region", region, s.allocations.get(("region", region)), needs, covers))
            for t in s.territories_of(region):
                r = results.get(t.name)
                rows.append(
                    AllocationRow(
                        "territory",
                        t.name,
                        s.allocations.get(("territory", t.name)),
                        r.required_spend if r else 0.0,
                        "this territory only",
                    )
                )
        for t in s.territories.values():
            if t.region is None:
                r = results.get(t.name)
                rows.append(
                    AllocationRow(
                        "territory",
                        t.name,
                        s.allocations.get(("territory", t.name)),
                        r.required_spend if r else 0.0,
                        "this territory only",
                    )
                )
        return rows

    def row_at(self, row: int) -> AllocationRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, level: str, name: str) -> int:
        for i, r in enumerate(self._rows):
            if (r.level, r.name) == (level, name):
                return i
        return -1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[self.COLUMNS[section]]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.COLUMNS[index.column()] in self.EDITABLE:
            base |= Qt.ItemFlag.ItemIsEditable
        if index.isValid() and self.COLUMNS[index.column()] == "locked" and self._rows[index.row()].allocation:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.document is None:
            return None
        row = self._rows[index.row()]
        key = self.COLUMNS[index.column()]
        a = row.allocation
        cur = self.document.currency
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "funds":
                return f"Region {row.name}" if row.level == "region" else f"    {row.name}"
            if key == "budget":
                return money(a.budget, cur) if a else "—"
            if key == "hours":
                return f"{a.hours:,.0f}" if a else "—"
            if key == "start":
                return (a.start_month.label() if a.start_month else "plan start") if a else "—"
            if key == "needs":
                return money(row.needs, cur)
            if key == "covers":
                return row.covers if a else ("" if row.level == "territory" else "no allocation")
        if role == Qt.ItemDataRole.CheckStateRole and key == "locked" and a is not None:
            return Qt.CheckState.Checked if a.locked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.EditRole:
            if key == "budget":
                return f"{a.budget:,.0f}" if a else ""
            if key == "hours":
                return f"{a.hours:,.0f}" if a else ""
            if key == "start":
                return str(a.start_month) if a and a.start_month else ""
        if role == Qt.ItemDataRole.FontRole and row.level == "region":
            return bold_font()
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("budget", "hours", "needs"):
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and key != "funds" and a is None:
            return QBrush(QColor("#8a94a3"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "start":
                return "First month the money can be spent (YYYY-MM); empty = the plan's first month"
            if key in ("budget", "hours"):
                return "Type an amount such as 240k, 1.2M or 2,400"
            if key == "locked":
                return (
                    "Locked: the budget optimiser keeps this allocation exactly and no fix moves money from it"
                    if a is not None
                    else "Give it an allocation first to lock it"
                )
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.document is None:
            return False
        row = self._rows[index.row()]
        key = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and key == "locked" and row.allocation is not None:
            locked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            if locked == row.allocation.locked:
                return False
            new_lock = replace(row.allocation, locked=locked)
            return self.document.execute(SetAllocation(self.document.scenario_name, row.level, row.name, new_lock))
        if role != Qt.ItemDataRole.EditRole:
            return False
        text = str(value).strip()
        current = row.allocation or Allocation(row.level, row.name)
        try:
            if key == "budget":
                new = replace(current, budget=parse_number(text or "0", "Budget"))
            elif key == "hours":
                new = replace(current, hours=parse_number(text or "0", "Hours"))
            elif key == "start":
                new = replace(current, start_month=parse_optional_month(text))
            else:
                return False
        except PlanError as exc:
            self.document.error_raised.emit(str(exc))
            return False
        if new == row.allocation:
            return False
        return self.document.execute(SetAllocation(self.document.scenario_name, row.level, row.name, new))
