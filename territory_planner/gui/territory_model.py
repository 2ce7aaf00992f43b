"""The territories table model: one row per territory with its funding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ..domain.checks import TerritoryResult
from ..domain.commands import RenameTerritory
from ..domain.formatting import hours, money
from ..domain.model import Territory
from .document import PlanDocument
from .model_base import (
    CENTER,
    NAME_ROLE,
    NEGATIVE,
    RIGHT,
    SORT_ROLE,
    DocumentRowsModel,
    Index,
    bold_font,
    plural,
)
from .theme import (
    EMPTY_COLOR,
    STATUS_COLOR,
    STATUS_LABEL,
    STATUS_TINT,
    display_status,
    display_status_label,
    dot_icon,
    is_empty,
    lock_icon,
    swatch_icon,
)


@dataclass(frozen=True)
class TerritoryRow:
    territory: Territory
    result: TerritoryResult | None
    budget_note: str


class TerritoryTableModel(DocumentRowsModel):
    """One row per territory of the shown scenario, with its funding from the report."""

    COLUMNS = (
        "name",
        "region",
        "color",
        "units",
        "sellers",
        "potential",
        "target",
        "required",
        "allocated",
        "gap",
        "hours",
        "status",
    )

    def __init__(self, document: PlanDocument | None = None) -> None:
        super().__init__()
        self._lock = lock_icon()
        self._icons: dict[str, Any] = {}
        if document is not None:
            self.set_document(document)

    def _key(self, row: TerritoryRow) -> str:
        return row.territory.name

    # --- refreshing ----------------------------------------------------------------------------------------
    def _build(self) -> list[TerritoryRow]:
        if self.document is None:
            return []
        scenario = self.document.scenario
        report = self.document.report()
        results = {r.territory: r for r in report.territories}
        rows = []
        for t in scenario.territories.values():
            r = results.get(t.name)
            note = ""
            if r is not None and r.funding == "region":
                note = f"share of region {t.region}'s pool"
            rows.append(TerritoryRow(t, r, note))
        return rows

    def names(self) -> list[str]:
        return [r.territory.name for r in self._rows]

    def row_of(self, name: str) -> int:
        for i, r in enumerate(self._rows):
            if r.territory.name == name:
                return i
        return -1

    def territory_at(self, row: int) -> Territory | None:
        return self._rows[row].territory if 0 <= row < len(self._rows) else None

    # --- Qt model ------------------------------------------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        key = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            layer = self.document.plan.layer if self.document else None
            nouns = plural(layer.unit_noun) if layer else "units"
            noun = nouns[:1].upper() + nouns[1:]  # "ZIP codes", not "Zip codes"
            potential = (layer.potential_column or "potential").replace("_", " ").capitalize() if layer else "Potential"
            return {
                "name": "Territory",
                "region": "Region",
                "color": "Colour",
                "units": noun,
                "sellers": "Sellers + hires",
                "potential": potential,
                "target": "Revenue target",
                "required": "Needs",
                "allocated": "Allocated",
                "gap": "Gap",
                "hours": "Hours",
                "status": "Status",
            }[key]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                "sellers": "Existing sellers + planned hires",
                "target": "Sum of the sellers' quota in the plan period (hires ramped)",
                "required": "Program spend marketing must provide (reverse funnel)",
                "allocated": "Marketing budget given to the territory (or its share of its region's pool)",
                "gap": "Allocated minus needed: negative means short",
                "hours": "Marketing hours needed (of the hours allocated, when hours are allocated to it)",
            }.get(key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key not in ("name", "region", "status", "color"):
            return RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.COLUMNS[index.column()] == "name":
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.document is None:
            return None
        row = self._rows[index.row()]
        t, r = row.territory, row.result
        key = self.COLUMNS[index.column()]
        cur = self.document.currency
        if role == NAME_ROLE:
            return t.name
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(key, t, r, cur)
        if role == Qt.ItemDataRole.EditRole and key == "name":
            return t.name
        if role == SORT_ROLE:
            return self._sort_value(key, t, r)
        if role == Qt.ItemDataRole.DecorationRole:
            if key == "color":
                return self._icon(t.color)
            if key == "name" and t.locked:
                return self._lock
            if key == "status" and r is not None:
                return dot_icon(EMPTY_COLOR if is_empty(r) else STATUS_COLOR[r.status])
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("name", "region", "status"):
                return None
            return CENTER if key == "color" else RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and key == "gap" and r is not None and r.short:
            return QBrush(NEGATIVE)
        if role == Qt.ItemDataRole.BackgroundRole and key == "status" and r is not None and not is_empty(r):
            return QBrush(QColor(STATUS_TINT[r.status]))
        if role == Qt.ItemDataRole.FontRole and key in ("name", "status"):
            return bold_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(key, t, r, row.budget_note, cur)
        return None

    def _icon(self, color: str) -> Any:
        icon = self._icons.get(color)
        if icon is None:
            icon = self._icons[color] = swatch_icon(color)
        return icon

    @staticmethod
    def _display(key: str, t: Territory, r: TerritoryResult | None, cur: str) -> str:
        if key == "name":
            return t.name
        if key == "region":
            return t.region or "—"
        if key == "color":
            return ""
        if r is None:
            return ""
        if key == "units":
            return f"{r.units:,}"
        if key == "sellers":
            return f"{r.existing_sellers} + {r.planned_hires}"
        if key == "potential":
            return f"{r.potential:,.0f}"
        if key == "target":
            return money(r.target, cur)
        if key == "required":
            return money(r.required_spend, cur)
        if key == "allocated":
            return money(r.allocated_budget, cur) if r.funding else "none"
        if key == "gap":
            return money(r.gap, cur)
        if key == "hours":
            if r.allocated_hours > 0:
                return f"{r.required_hours:,.0f} of {r.allocated_hours:,.0f}"
            return f"{r.required_hours:,.0f}"
        if key == "status":
            return display_status_label(display_status(r))
        return ""

    @staticmethod
    def _sort_value(key: str, t: Territory, r: TerritoryResult | None) -> Any:
        if key == "name":
            return t.name.lower()
        if key == "region":
            return (t.region or "").lower()
        if key == "color":
            return t.color
        if r is None:
            return 0
        return {
            "units": r.units,
            "sellers": r.headcount,
            "potential": r.potential,
            "target": r.target,
            "required": r.required_spend,
            "allocated": r.allocated_budget,
            "gap": r.gap,
            "hours": r.required_hours,
            "status": {"unfunded": 0, "at_risk": 1, "funded": 2, "empty": 3}[display_status(r)],
        }[key]

    @staticmethod
    def _tooltip(key: str, t: Territory, r: TerritoryResult | None, note: str, cur: str) -> str | None:
        if key == "name" and t.locked:
            return f"{t.name} is locked: painting never changes its units."
        if key == "color":
            return f"{t.color} — double-click to change"
        if r is None:
            return None
        if key == "status":
            if is_empty(r):
                return "Empty: no units and no sellers yet, so nothing to fund."
            if r.funding is None:
                return f"No marketing allocation: needs {money(r.required_spend, cur)}."
            if r.status == "funded":
                return f"Funded: needs {money(r.required_spend, cur)}, has {money(r.allocated_budget, cur)}."
            word = STATUS_LABEL[r.status]
            text = (
                f"{word}: needs {money(r.required_spend, cur)} of program spend, has {money(r.allocated_budget, cur)}"
            )
            if r.break_even_cpl is not None:
                text += f". Funded at a cost per lead of {money(r.break_even_cpl, cur)}"
            return text + "."
        if key == "allocated" and note:
            return f"{money(r.allocated_budget, cur)} — {note}"
        if key == "hours":
            if r.allocated_hours > 0:
                return f"Needs {hours(r.required_hours)}, allocated {hours(r.allocated_hours)}"
            return f"Needs {hours(r.required_hours)}, drawn from the marketing team's hours for the whole plan"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.document is None or role != Qt.ItemDataRole.EditRole:
            return False
        if self.COLUMNS[index.column()] != "name":
            return False
        old = self._rows[index.row()].territory.name
        new = str(value).strip()
        if new == old:
            return False
        return self.document.execute(RenameTerritory(self.document.scenario_name, old, new))
