"""The assumptions table model: the funnel handshake at one level (plan, region, territory), with each funnel key's
range (low and high) beside its value: typed at plan level, the plan's range scaled by the value at a region or
territory (``Assumptions.scaled_range``)."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..domain import FUNNEL_KEYS, PLAN_KEYS, InvalidAssumption, PlanError
from ..domain.assumptions import RANGE_KEYS, KeySpec, range_key
from ..domain.commands import SetAssumption
from .document import PlanDocument
from .model_base import (
    KEY_ROLE,
    RIGHT,
    Index,
    bold_font,
)
from .parsing import edit_text, format_assumption, parse_assumption


class AssumptionTableModel(QAbstractTableModel):
    """The funnel handshake at one level: the whole plan, one region, or one territory.

    At region and territory level a value is either an override (bold) or inherited (grey, with its source).
    """

    COLUMNS = ("label", "value", "low", "high", "source", "benchmark")
    RANGE_COLUMNS = ("low", "high")
    HEADERS: ClassVar[dict[str, str]] = {
        "label": "Assumption",
        "value": "Value",
        "low": "Low",
        "high": "High",
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

    def range_ends(self, key: str) -> tuple[float, float] | None:
        """The range that applies at this level: the plan's ends, or the plan's range scaled by this level's value;
        ``None`` when the key has no range."""
        assert self.document is not None
        a = self.document.scenario.assumptions
        if key not in RANGE_KEYS:
            return None
        if self.level == "plan":
            return a.plan_range(key)
        value, _, _ = self.value_and_source(key)
        return a.scaled_range(key, value)

    def _range_end_set(self, key: str, end: str) -> bool:
        """The end is typed at plan level (an end not typed is the value itself)."""
        assert self.document is not None
        return self.document.scenario.assumptions.get("plan", None, range_key(key, end)) is not None

    def _range_tooltip(self, spec: KeySpec, end: str) -> str:
        if spec.key not in RANGE_KEYS:
            return f"{spec.label} has no range: only the funnel assumptions of the reverse funnel do."
        if self.level != "plan":
            return (
                f"The plan's {end} end of {spec.label.lower()}, scaled by this {self.level}'s value over the "
                "plan's (set ranges for the whole plan)."
            )
        return (
            f"The {end} end of a plausible range of {spec.label.lower()} (benchmark: {spec.hint}); used by the "
            "confidence run and the tornado. Empty: the value itself. Clear the cell to remove it."
        )

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
        if (
            index.isValid()
            and self.level == "plan"
            and self.COLUMNS[index.column()] in self.RANGE_COLUMNS
            and self._keys[index.row()].key in RANGE_KEYS
        ):
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
        if key in self.RANGE_COLUMNS:
            return self._range_data(spec, key, role)
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
            return bold_font()
        if role == Qt.ItemDataRole.ForegroundRole and key in ("value", "source") and not own:
            return QBrush(QColor("#8a94a3"))
        if role == Qt.ItemDataRole.ForegroundRole and key == "benchmark":
            return QBrush(QColor("#5f6b7a"))
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "value":
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{spec.label} ({spec.key}): {spec.hint}"
        return None

    def _range_data(self, spec: KeySpec, end: str, role: int) -> Any:
        assert self.document is not None
        ends = self.range_ends(spec.key)
        typed = self.level == "plan" and ends is not None and self._range_end_set(spec.key, end)
        if role == Qt.ItemDataRole.DisplayRole:
            if ends is None:
                return ""
            return self._format(spec, ends[0] if end == "low" else ends[1])
        if role == Qt.ItemDataRole.EditRole:
            if not typed or ends is None:
                return ""
            return edit_text(spec.key, ends[0] if end == "low" else ends[1], self.document.currency)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and ends is not None and not typed:
            return QBrush(QColor("#8a94a3"))  # scaled from the plan's range, or an end that is the value itself
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._range_tooltip(spec, end)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.document is None or role != Qt.ItemDataRole.EditRole:
            return False
        spec = self._keys[index.row()]
        column = self.COLUMNS[index.column()]
        if column in self.RANGE_COLUMNS:
            return self.set_range_end(spec.key, column, str(value))
        return self.set_value(spec.key, str(value))

    def set_range_end(self, key: str, end: str, text: str) -> bool:
        """Type one end of a key's plan-level range (empty text removes it) as one SetAssumption of ``<key>.<end>``;
        the domain refuses an end on the wrong side of the value, and the message is shown."""
        assert self.document is not None
        if self.level != "plan" or key not in RANGE_KEYS:
            return False
        name = range_key(key, end)
        current = self.document.scenario.assumptions.get("plan", None, name)
        checked: float | None = None
        if text.strip():
            try:
                checked = parse_assumption(key, text, f" ({end} end of its range)")
            except PlanError as exc:
                self.document.error_raised.emit(str(exc))
                return False
        if checked == current or (
            isinstance(current, float) and checked is not None and abs(current - checked) < 1e-12
        ):
            return False
        return self.document.execute(SetAssumption(self.document.scenario_name, "plan", None, name, checked))

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
