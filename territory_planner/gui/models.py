"""Item models over the open plan's current scenario and its report.

Models never change the plan themselves: an edit in a cell becomes a domain command pushed through the document
(so it is undoable), and a refused value shows the domain's message through ``PlanDocument.error_raised``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from ..domain import FUNNEL_KEYS, PLAN_KEYS, Allocation, Flag, InvalidAssumption, PlanError
from ..domain.assumptions import KeySpec
from ..domain.checks import HireResult, TerritoryResult
from ..domain.commands import RenameTerritory, SetAllocation, SetAssumption
from ..domain.formatting import hours, money, plural_noun
from ..domain.model import Seller, Territory
from ..domain.months import parse_optional_month
from .document import PlanDocument
from .parsing import edit_text, format_assumption, parse_assumption, parse_number
from .theme import (
    SEVERITY_COLOR,
    SEVERITY_LABEL,
    STATUS_COLOR,
    STATUS_LABEL,
    STATUS_TINT,
    dot_icon,
    lock_icon,
    swatch_icon,
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2
FLAG_ROLE = Qt.ItemDataRole.UserRole + 3
KEY_ROLE = Qt.ItemDataRole.UserRole + 4

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)
NEGATIVE = QColor("#b00020")


def plural(noun: str) -> str:
    return plural_noun(noun)


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


# --- territories -------------------------------------------------------------------------------------------


class DocumentRowsModel(QAbstractTableModel):
    """A table of rows built from the open document; subclasses give ``_build`` (the rows) and ``_key`` (a row's
    identity). ``refresh`` repaints only the rows whose content changed, and resets when the set of rows changed."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, document: PlanDocument | None = None) -> None:
        super().__init__()
        self.document: PlanDocument | None = None
        self._rows: list[Any] = []
        if document is not None:
            self.set_document(document)

    def set_document(self, document: PlanDocument | None) -> None:
        self.beginResetModel()
        self.document = document
        self._rows = self._build()
        self.endResetModel()

    def _build(self) -> list[Any]:
        raise NotImplementedError

    def _key(self, row: Any) -> Any:
        raise NotImplementedError

    def refresh(self) -> None:
        """Bring the rows up to date; only rows whose numbers changed are repainted."""
        new_rows = self._build()
        if [self._key(r) for r in new_rows] != [self._key(r) for r in self._rows]:
            self.beginResetModel()
            self._rows = new_rows
            self.endResetModel()
            return
        old_rows, self._rows = self._rows, new_rows
        last = self.columnCount() - 1
        for i, (old, new) in enumerate(zip(old_rows, new_rows, strict=True)):
            if old != new:
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)


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
                return dot_icon(STATUS_COLOR[r.status])
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("name", "region", "status"):
                return None
            return CENTER if key == "color" else RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and key == "gap" and r is not None and r.short:
            return QBrush(NEGATIVE)
        if role == Qt.ItemDataRole.BackgroundRole and key == "status" and r is not None:
            return QBrush(QColor(STATUS_TINT[r.status]))
        if role == Qt.ItemDataRole.FontRole and key in ("name", "status"):
            return _bold()
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
            return STATUS_LABEL[r.status]
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
            "status": {"unfunded": 0, "at_risk": 1, "funded": 2}[r.status],
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


# --- sellers and hires -------------------------------------------------------------------------------------


SELLER_MIME = "application/x-territory-planner-seller"


class SellerTableModel(DocumentRowsModel):
    """Existing sellers and planned hires of the shown scenario, hires with their funding status.

    Rows can be dragged (as the seller's name) onto the map to put the seller into the territory dropped on.
    """

    COLUMNS = ("name", "kind", "territory", "start", "ramp", "quota", "cost", "needs", "fund_by", "status")
    HEADERS: ClassVar[dict[str, str]] = {
        "name": "Name",
        "kind": "Kind",
        "territory": "Territory",
        "start": "Starts",
        "ramp": "Ramp",
        "quota": "Annual quota",
        "cost": "Cost",
        "needs": "Extra spend needed",
        "fund_by": "Pipeline from",
        "status": "Funding",
    }

    def _key(self, row: tuple[Seller, HireResult | None]) -> str:
        return row[0].name

    def _build(self) -> list[tuple[Seller, HireResult | None]]:
        if self.document is None:
            return []
        report = self.document.report()
        hires = {h.seller: h for h in report.hires}
        sellers = list(self.document.scenario.sellers.values())
        # Planned hires first (earliest start first): they are what the plan protects.
        sellers.sort(
            key=lambda s: (not s.is_hire, s.start_month.index if s.start_month else 0, s.territory or "~", s.name)
        )
        return [(s, hires.get(s.name)) for s in sellers]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return [SELLER_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            name = self._rows[rows[0]][0].name
            data.setData(SELLER_MIME, QByteArray(name.encode("utf-8")))
            data.setText(name)
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def seller_at(self, row: int) -> Seller | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, name: str) -> int:
        for i, (s, _) in enumerate(self._rows):
            if s.name == name:
                return i
        return -1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[self.COLUMNS[section]]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.document is None:
            return None
        seller, hire = self._rows[index.row()]
        key = self.COLUMNS[index.column()]
        cur = self.document.currency
        if role == NAME_ROLE:
            return seller.name
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "name":
                return seller.name
            if key == "kind":
                return "Planned hire" if seller.is_hire else "Seller"
            if key == "territory":
                return seller.territory or "—"
            if key == "start":
                return seller.start_month.label() if seller.start_month else "—"
            if key == "ramp":
                return f"{seller.ramp_months} mo" if seller.ramp_months else "—"
            if key == "quota":
                return money(seller.annual_quota, cur)
            if key == "cost":
                return money(seller.annual_cost, cur) if seller.annual_cost else "—"
            if hire is None:
                return ""
            if key == "needs":
                return money(hire.marginal_spend, cur)
            if key == "fund_by":
                return hire.fund_by_month.label() if hire.fund_by_month else "—"
            if key == "status":
                return STATUS_LABEL[hire.status]
        if role == Qt.ItemDataRole.DecorationRole and key == "status" and hire is not None:
            return dot_icon(STATUS_COLOR[hire.status])
        if role == Qt.ItemDataRole.BackgroundRole and key == "status" and hire is not None:
            return QBrush(QColor(STATUS_TINT[hire.status]))
        if role == Qt.ItemDataRole.FontRole and (key == "status" or (key == "name" and seller.is_hire)):
            return _bold()
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("ramp", "quota", "cost", "needs"):
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and hire is not None:
            return f"{seller.name}: {STATUS_LABEL[hire.status]} — {hire.reason}."
        return None


# --- marketing allocations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationRow:
    level: str
    name: str
    allocation: Allocation | None
    needs: float
    covers: str


class AllocationTableModel(DocumentRowsModel):
    """Every region and territory with its allocation (budget, hours, start month); empty rows have none."""

    COLUMNS = ("funds", "budget", "hours", "start", "needs", "covers")
    HEADERS: ClassVar[dict[str, str]] = {
        "funds": "Allocated to",
        "budget": "Budget",
        "hours": "Hours",
        "start": "Money from",
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
        if role == Qt.ItemDataRole.EditRole:
            if key == "budget":
                return f"{a.budget:,.0f}" if a else ""
            if key == "hours":
                return f"{a.hours:,.0f}" if a else ""
            if key == "start":
                return str(a.start_month) if a and a.start_month else ""
        if role == Qt.ItemDataRole.FontRole and row.level == "region":
            return _bold()
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("budget", "hours", "needs"):
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and key != "funds" and a is None:
            return QBrush(QColor("#8a94a3"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "start":
                return "First month the money can be spent (YYYY-MM); empty = the plan's first month"
            if key in ("budget", "hours"):
                return "Type an amount such as 240k, 1.2M or 2,400"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.document is None or role != Qt.ItemDataRole.EditRole:
            return False
        row = self._rows[index.row()]
        key = self.COLUMNS[index.column()]
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


# --- assumptions -------------------------------------------------------------------------------------------


class AssumptionTableModel(QAbstractTableModel):
    """The funnel handshake at one level: the whole plan, one region, or one territory.

    At region and territory level a value is either an override (bold) or inherited (grey, with its source).
    """

    COLUMNS = ("label", "value", "source", "benchmark")
    HEADERS: ClassVar[dict[str, str]] = {
        "label": "Assumption",
        "value": "Value",
        "source": "Set for",
        "benchmark": "Benchmark",
    }

    def __init__(self, document: PlanDocument | None = None) -> None:
        super().__init__()
        self.document: PlanDocument | None = None
        self.level = "plan"
        self.name: str | None = None
        self._keys: list[KeySpec] = []
        if document is not None:
            self.set_document(document)

    def set_document(self, document: PlanDocument | None) -> None:
        self.beginResetModel()
        self.document = document
        self.level, self.name = "plan", None
        self._keys = self._build_keys()
        self.endResetModel()

    def set_level(self, level: str, name: str | None) -> None:
        self.beginResetModel()
        self.level, self.name = level, name
        self._keys = self._build_keys()
        self.endResetModel()

    def _build_keys(self) -> list[KeySpec]:
        keys = list(FUNNEL_KEYS.values())
        if self.level == "plan":
            keys += list(PLAN_KEYS.values())
        return keys

    def refresh(self) -> None:
        if self.document is None:
            return
        s = self.document.scenario
        if (self.level == "region" and self.name not in s.regions) or (
            self.level == "territory" and self.name not in s.territories
        ):
            self.set_level("plan", None)
            return
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def key_at(self, row: int) -> str:
        return self._keys[row].key

    def row_of(self, key: str) -> int:
        for i, spec in enumerate(self._keys):
            if spec.key == key:
                return i
        return -1

    def value_and_source(self, key: str) -> tuple[float, str, bool]:
        """The value that applies at this level, where it is set, and whether it is set at this very level."""
        assert self.document is not None
        a = self.document.scenario.assumptions
        s = self.document.scenario
        if self.level == "territory" and self.name is not None:
            own = a.territory_overrides.get(self.name, {})
            if key in own:
                return own[key], "this territory", True
            region = s.territories[self.name].region if self.name in s.territories else None
            if region is not None and key in a.region_overrides.get(region, {}):
                return a.region_overrides[region][key], f"region {region}", False
            return a.values[key], "whole plan", False
        if self.level == "region" and self.name is not None:
            own = a.region_overrides.get(self.name, {})
            if key in own:
                return own[key], "this region", True
            return a.values[key], "whole plan", False
        return a.values[key], "whole plan", True

    def _format(self, spec: KeySpec, value: float) -> str:
        assert self.document is not None
        return format_assumption(spec.key, value, self.document.currency)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.document is None else len(self._keys)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[self.COLUMNS[section]]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.COLUMNS[index.column()] == "value":
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.document is None:
            return None
        spec = self._keys[index.row()]
        key = self.COLUMNS[index.column()]
        value, source, own = self.value_and_source(spec.key)
        if role == KEY_ROLE:
            return spec.key
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "label":
                return spec.label
            if key == "value":
                return self._format(spec, value)
            if key == "source":
                return source
            if key == "benchmark":
                return spec.hint
        if role == Qt.ItemDataRole.EditRole and key == "value":
            return edit_text(spec.key, value, self.document.currency)
        if role == Qt.ItemDataRole.FontRole and key == "value" and own and self.level != "plan":
            return _bold()
        if role == Qt.ItemDataRole.ForegroundRole and key in ("value", "source") and not own:
            return QBrush(QColor("#8a94a3"))
        if role == Qt.ItemDataRole.ForegroundRole and key == "benchmark":
            return QBrush(QColor("#5f6b7a"))
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "value":
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{spec.label} ({spec.key}): {spec.hint}"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.document is None or role != Qt.ItemDataRole.EditRole:
            return False
        spec = self._keys[index.row()]
        return self.set_value(spec.key, str(value))

    def set_value(self, key: str, text: str) -> bool:
        """Check typed text and push a SetAssumption; a refused value shows its message and pushes nothing."""
        assert self.document is not None
        where = "" if self.level == "plan" else f" for {self.level} '{self.name}'"
        try:
            checked = parse_assumption(key, text, where)
        except InvalidAssumption as exc:
            typed = text.strip()
            self.document.error_raised.emit(f"{exc} You typed “{typed}”." if "%" in typed else str(exc))
            return False
        except PlanError as exc:
            self.document.error_raised.emit(str(exc))
            return False
        current, _, own = self.value_and_source(key)
        if own and abs(current - checked) < 1e-12:
            return False
        name = None if self.level == "plan" else self.name
        return self.document.execute(SetAssumption(self.document.scenario_name, self.level, name, key, checked))

    def clear_override(self, key: str) -> bool:
        if self.document is None or self.level == "plan":
            return False
        _, _, own = self.value_and_source(key)
        if not own:
            return False
        return self.document.execute(SetAssumption(self.document.scenario_name, self.level, self.name, key, None))


# --- flags -------------------------------------------------------------------------------------------------


class FlagsModel(QStandardItemModel):
    """The report's flags, grouped under "Blocking" and "Warnings" (in the checks' order)."""

    def __init__(self) -> None:
        super().__init__()
        self.setHorizontalHeaderLabels(["Problem"])
        self._flags: list[Flag] = []

    def set_flags(self, flags: list[Flag]) -> None:
        if flags == self._flags:
            return
        self._flags = list(flags)
        self.clear()
        self.setHorizontalHeaderLabels(["Problem"])
        for severity in ("blocking", "warning"):
            group = [f for f in flags if f.severity == severity]
            if not group:
                continue
            parent = QStandardItem(f"{SEVERITY_LABEL[severity]} ({len(group)})")
            parent.setEditable(False)
            parent.setSelectable(False)
            parent.setFont(_bold())
            parent.setForeground(QBrush(QColor(SEVERITY_COLOR[severity])))
            parent.setData(severity, KEY_ROLE)
            for flag in group:
                item = QStandardItem(flag.message)
                item.setEditable(False)
                item.setIcon(dot_icon(SEVERITY_COLOR[severity]))
                item.setData(flag, FLAG_ROLE)
                item.setToolTip(f"{flag.code} — {flag.message}")
                parent.appendRow(item)
            self.appendRow(parent)

    def all_flags(self) -> list[Flag]:
        """Flags in the order they are shown (blocking first)."""
        return [f for sev in ("blocking", "warning") for f in self._flags if f.severity == sev]

    def codes(self) -> list[tuple[str, str]]:
        return [(f.code, f.subject) for f in self.all_flags()]

    def index_of(self, position: int) -> QModelIndex:
        """The model index of the ``position``-th shown flag."""
        n = 0
        for r in range(self.rowCount()):
            parent = self.index(r, 0)
            count = self.rowCount(parent)
            if position < n + count:
                return self.index(position - n, 0, parent)
            n += count
        return QModelIndex()


__all__ = [
    "FLAG_ROLE",
    "KEY_ROLE",
    "NAME_ROLE",
    "SELLER_MIME",
    "SORT_ROLE",
    "AllocationTableModel",
    "AssumptionTableModel",
    "FlagsModel",
    "SellerTableModel",
    "TerritoryTableModel",
    "plural",
]
