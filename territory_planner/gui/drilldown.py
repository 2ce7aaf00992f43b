"""A territory by county (or state): which counties its units are in, how many of each county's units it holds,
their population or market potential and their share of the territory's. Opened from the Territories panel's
context menu; the figures come from :meth:`territory_planner.domain.parents.UnitParents.breakdown`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import Layer
from ..domain.formatting import count, percent, plural_noun
from ..domain.model import Scenario
from ..domain.parents import UnitParents
from ..geo.parents import layer_parents, parent_info, parent_names
from .model_base import SORT_ROLE


class _Item(QTableWidgetItem):
    """A plain-text cell that sorts by its number when it has one."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if isinstance(mine, int | float) and isinstance(theirs, int | float):
            return mine < theirs
        return str(mine) < str(theirs)


def _cell(text: str, sort: float | str | None = None, right: bool = False) -> QTableWidgetItem:
    item = _Item(text)
    item.setData(SORT_ROLE, sort if sort is not None else text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _text(item: QTableWidgetItem | None) -> str:
    return item.text() if item is not None else ""


class DrilldownDialog(QDialog):
    """The counties (or states) of one territory. ``units_chosen(list[str])``: a row was double-clicked (the window
    shows those units on the map)."""

    units_chosen = Signal(list)

    def __init__(
        self, layer: Layer, scenario: Scenario, territory: str, level: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._layer = layer
        self._scenario = scenario
        self._territory = territory
        self._parents: UnitParents = layer_parents(layer)
        self._names: dict[str, dict[str, str]] = {}
        self.setWindowTitle(f"{territory} by county")
        self.resize(640, 460)
        self.level_combo = QComboBox()
        for lv in self._parents.levels:
            self.level_combo.addItem(f"by {lv}", lv)
        self.level_combo.activated.connect(lambda _i: self.show_level(self.level_combo.currentData()))
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, 5)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self._on_row_chosen(index.row()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.level_combo)
        self.level_combo.setVisible(len(self._parents.levels) > 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        note = QLabel("Double-click a row to show its units on the map.")
        note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(note)
        layout.addWidget(buttons)
        if self._parents.levels:
            self.show_level(level if level in self._parents.levels else self._parents.levels[0])

    def level(self) -> str:
        return str(self.level_combo.currentData())

    def show_level(self, level: str) -> None:
        """List the territory's units grouped by ``level`` (``county``, ``state``)."""
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(level)))
        layer = self._layer
        if level not in self._names:
            info = parent_info(layer, level)
            self._names[level] = parent_names(info) if info is not None else {}
        names = self._names[level]
        unit_ids = self._scenario.units_of(self._territory)
        positions = layer.positions(unit_ids)
        values = layer.potential() if layer.potential_column else None
        table = self._parents.breakdown(level, positions, values)
        self.setWindowTitle(f"{self._territory} by {level}")
        noun = layer.unit_noun
        what = (layer.potential_column or "").replace("_", " ")
        headers = [level.capitalize(), plural_noun(noun).capitalize(), f"of the {level}'s", what.capitalize(), "Share"]
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setColumnCount(5 if values is not None else 3)
        self.table.setHorizontalHeaderLabels(headers[: self.table.columnCount()])
        self.table.setRowCount(len(table))
        for row, record in enumerate(table.itertuples(index=False)):
            parent = str(record.parent)
            title = f"{names[parent]} ({parent})" if parent in names else (parent or f"no {level}")
            codes = self._parents.level(level)
            members = (
                positions[codes.codes[positions] == codes.code_of(parent)]
                if parent
                else positions[codes.codes[positions] < 0]
            )
            first = _cell(title)
            first.setData(Qt.ItemDataRole.UserRole, [str(u) for u in layer.unit_ids[members]])
            self.table.setItem(row, 0, first)
            self.table.setItem(row, 1, _cell(f"{int(record.units):,}", int(record.units), right=True))
            whole = "all" if record.units == record.of_units else f"{int(record.of_units):,}"
            self.table.setItem(row, 2, _cell(whole, int(record.of_units), right=True))
            if values is not None:
                self.table.setItem(row, 3, _cell(f"{float(record.value):,.0f}", float(record.value), right=True))
                self.table.setItem(row, 4, _cell(percent(float(record.share)), float(record.share), right=True))
        self.table.setSortingEnabled(True)
        self.table.sortItems(3 if values is not None else 1, Qt.SortOrder.DescendingOrder)  # largest first
        self.summary.setText(
            f"{self._territory}: {count(len(unit_ids), noun)} in {count(len(table), level, plural_noun(level))}"
        )

    def row_texts(self) -> list[list[str]]:
        """The table as shown (tests)."""
        columns = range(self.table.columnCount())
        return [[_text(self.table.item(r, c)) for c in columns] for r in range(self.table.rowCount())]

    def _on_row_chosen(self, row: int) -> None:
        item = self.table.item(row, 0)
        units = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if units:
            self.units_chosen.emit(list(units))


__all__ = ["DrilldownDialog"]
