"""The assumptions table model: the funnel handshake at one level (plan, region, territory)."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..domain import FUNNEL_KEYS, PLAN_KEYS, InvalidAssumption, PlanError
from ..domain.assumptions import KeySpec
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
