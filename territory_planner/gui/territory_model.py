"""The territories table model: one row per territory with its funding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ..domain.assumptions import format_assumption
from ..domain.checks import TerritoryResult
from ..domain.commands import RenameTerritory
from ..domain.formatting import hours, money, percent
from ..domain.model import Territory
from ..services.risk import TerritoryRisk
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

if TYPE_CHECKING:
    from .risk_run import RiskResults

#: Grey for a figure from a confidence run made before the last change.
STALE = QColor("#8a94a3")


@dataclass(frozen=True)
class TerritoryRow:
    territory: Territory
    result: TerritoryResult | None
    budget_note: str
    market_too_small: bool = False  # the MARKET_TOO_SMALL flag is raised for it
    risk: TerritoryRisk | None = None  # from the last confidence run of the scenario
    risk_current: bool = False  # that run was made from the report shown now


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
        "penetration",
        "required",
        "allocated",
        "gap",
        "hours",
        "status",
        "confidence",
    )

    def __init__(self, document: PlanDocument | None = None) -> None:
        super().__init__()
        self._lock = lock_icon()
        self._icons: dict[str, Any] = {}
        self.risk: RiskResults | None = None
        if document is not None:
            self.set_document(document)

    def set_risk(self, results: RiskResults | None) -> None:
        """Where the Confidence column reads the last funding-confidence run (:mod:`.risk_run`)."""
        self.risk = results
        if results is not None:
            results.updated.connect(self.refresh)
        self.refresh()

    def _key(self, row: TerritoryRow) -> str:
        return row.territory.name

    # --- refreshing ----------------------------------------------------------------------------------------
    def _build(self) -> list[TerritoryRow]:
        if self.document is None:
            return []
        scenario = self.document.scenario
        report = self.document.report()
        results = {r.territory: r for r in report.territories}
        small = {f.subject for f in report.flags if f.code == "MARKET_TOO_SMALL"}
        current = self.risk is not None and self.risk.is_current()
        rows = []
        for t in scenario.territories.values():
            r = results.get(t.name)
            note = ""
            if r is not None and r.funding == "region":
                note = f"share of region {t.region}'s pool"
            risk = self.risk.territory_risk(t.name) if self.risk is not None else None
            rows.append(TerritoryRow(t, r, note, t.name in small, risk, current))
        return rows

    def _cells(self, row: TerritoryRow) -> tuple[Any, ...]:
        """Per column, what its cell shows: the text and whatever sets its icon, colour or font (``data``)."""
        t, r = row.territory, row.result
        cur = self.document.currency if self.document is not None else ""
        styled = {
            "name": t.locked,
            "color": t.color,
            "gap": r is not None and r.short,
            "penetration": row.market_too_small,
            "status": None if r is None else (r.status, is_empty(r)),
            "confidence": (row.risk.p_funded if row.risk is not None else None, row.risk_current),
        }
        return tuple((self._display(key, t, r, cur), styled.get(key)) for key in self.COLUMNS)

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
                "penetration": "Penetration",
                "required": "Needs",
                "allocated": "Allocated",
                "gap": "Gap",
                "hours": "Hours",
                "status": "Status",
                "confidence": "Confidence",
            }[key]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                "sellers": "Existing sellers + planned hires",
                "target": "Sum of the sellers' quota in the plan period (hires ramped)",
                "required": "Program spend marketing must provide (reverse funnel)",
                "allocated": "Marketing budget given to the territory (or its share of its region's pool)",
                "gap": "Allocated minus needed: negative means short",
                "hours": "Marketing hours needed (of the hours allocated, when hours are allocated to it)",
                "penetration": "Revenue target as a share of the territory's market (the plan's market attribute)",
                "confidence": "Share of Monte Carlo draws of the assumption ranges in which the allocation covers "
                "the spend (Scenario > Run confidence)",
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
            if key == "confidence":
                return percent(row.risk.p_funded, 0) if row.risk is not None else ""
            return self._display(key, t, r, cur)
        if role == Qt.ItemDataRole.EditRole and key == "name":
            return t.name
        if role == SORT_ROLE:
            if key == "confidence":
                return row.risk.p_funded if row.risk is not None else -1.0
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
        if role == Qt.ItemDataRole.ForegroundRole and key == "penetration" and row.market_too_small:
            return QBrush(NEGATIVE)
        if role == Qt.ItemDataRole.ForegroundRole and key == "confidence" and not row.risk_current:
            return QBrush(STALE)
        if role == Qt.ItemDataRole.BackgroundRole and key == "status" and r is not None and not is_empty(r):
            return QBrush(QColor(STATUS_TINT[r.status]))
        if role == Qt.ItemDataRole.FontRole and key in ("name", "status"):
            return bold_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "penetration":
                return self._penetration_tooltip(row, cur)
            if key == "confidence":
                return self._confidence_tooltip(row, cur)
            return self._tooltip(key, t, r, row.budget_note, cur)
        return None

    def _penetration_tooltip(self, row: TerritoryRow, cur: str) -> str | None:
        r = row.result
        if r is None or self.document is None:
            return None
        if r.market is None:
            return "No market data: name the unit attribute of revenue potential in the plan setting market_attribute."
        if r.penetration is None:
            return f"Its units have no market ({money(r.market, cur)}): penetration cannot be measured."
        cap = self.document.scenario.assumptions.values["max_penetration"]
        text = (
            f"The target of {money(r.target, cur)} is {percent(r.penetration)} of its market of "
            f"{money(r.market, cur)}; a territory can take at most {percent(cap, 0)}."
        )
        if row.market_too_small:
            text += " The market is too small: see the flag for how many units to add."
        return text

    def _confidence_tooltip(self, row: TerritoryRow, cur: str) -> str | None:
        """The run's figures (or how to get them) and the territory's nearest flip point in words."""
        lines = []
        risk = row.risk
        if risk is not None:
            lines.append(
                f"Funded in {percent(risk.p_funded, 0)} of draws; needs {money(risk.spend_p50, cur)} "
                f"(P10 {money(risk.spend_p10, cur)}, P90 {money(risk.spend_p90, cur)})."
            )
            if not row.risk_current:
                lines.append("From a run before the last change: run the confidence again.")
        else:
            lines.append("Not run yet: Scenario > Run confidence (Monte Carlo)….")
        flips = self.risk.flips(row.territory.name) if self.risk is not None else None
        key = flips.nearest() if flips is not None else None
        if flips is not None and key is not None:
            now = format_assumption(key, flips.values[key], cur)
            lines.append(f"{row.territory.name} {flips.sentence(key, cur)} (now {now}).")
        elif flips is not None:
            lines.append("No assumption in its valid range changes its verdict.")
        return "\n".join(lines)

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
        if key == "penetration":
            return percent(r.penetration) if r.penetration is not None else "—"
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
            "penetration": r.penetration if r.penetration is not None else -1.0,
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
