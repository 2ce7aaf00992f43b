"""The History panel: the plan's change log (who changed what, when), filtered by scenario, territory or seller,
with "Restore this scenario as it was…" (a new what-if from that point); and the undo list in a tab of its own.

The log is the plan's (stored in the .tplan file and on the server), so this works for files too. Filtering and
rebuilding an old scenario are the domain's (:mod:`territory_planner.domain.history`); the restore is one
``RestoreScenario`` command through the document, so it is undoable.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QTabWidget,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from ..domain import PlanError
from ..domain.commands import RestoreScenario
from ..domain.governance import Change, at_text
from ..domain.history import history, scenario_as_of
from .document import PlanDocument
from .panel_base import RestingRefresh, follow_document, panel_button, panel_note, read_only_table

ALL = "All"
#: Asks for the name of the restored what-if (suggested name) -> name, or None when cancelled.
AskName = Callable[[str], str | None]
COLUMNS = ("When", "Who", "Scenario", "Change")


class HistoryPanel(QWidget):
    """Two tabs: Changes (the decision log) and Undo (this session's undo list)."""

    restored = Signal(str)  # the name of the what-if made by a restore

    def __init__(self, parent: QWidget | None = None, ask_name: AskName | None = None) -> None:
        super().__init__(parent)
        self.document: PlanDocument | None = None
        self._ask_name = ask_name or self._name_dialog
        self.entries: list[Change] = []
        self.last_error = ""

        self.tabs = QTabWidget()
        changes = QWidget()
        layout = QVBoxLayout(changes)
        filters = QHBoxLayout()
        self.scenario_filter = QComboBox()
        self.territory_filter = QComboBox()
        self.seller_filter = QComboBox()
        for label, box in (
            ("Scenario", self.scenario_filter),
            ("Territory", self.territory_filter),
            ("Seller", self.seller_filter),
        ):
            filters.addWidget(QLabel(label))
            box.setMinimumContentsLength(10)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.activated.connect(lambda _i: self.refresh_rows())
            filters.addWidget(box, 1)
        layout.addLayout(filters)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.table = read_only_table(self.model)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.restore_button = panel_button(
            "Restore this scenario as it was…",
            "Make a new what-if: the selected change's scenario as it was right after that change",
            self.restore_selected,
            self,
        )
        self.note = panel_note("")
        layout.addWidget(self.restore_button)
        layout.addWidget(self.note)
        self.tabs.addTab(changes, "Changes")
        self.undo_view = QUndoView()
        self.undo_view.setEmptyLabel("Opened plan")
        self.tabs.addTab(self.undo_view, "Undo")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)

        self._resting = RestingRefresh(self, self.refresh)  # once edits rest, and only while shown
        self.setEnabled(False)

    # --- document ------------------------------------------------------------------------------------------
    def set_document(self, document: PlanDocument | None) -> None:
        follow_document(self.document, document, self._on_changed, switches=False)
        self.document = document
        self.undo_view.setStack(document.undo_stack if document is not None else None)  # type: ignore[arg-type]
        self.setEnabled(document is not None)
        self.refresh()

    def _on_changed(self, command: object = None, *_: object) -> None:
        self._resting.on_command(command)  # once per event-loop turn, however many commands arrived

    def refresh(self) -> None:
        """Fill the filters (keeping what was chosen) and the rows."""
        doc = self.document
        scenarios = list(doc.plan.scenarios) if doc is not None else []
        territories: list[str] = []
        sellers: list[str] = []
        if doc is not None:
            for s in doc.plan.scenarios.values():
                territories += [t for t in s.territories if t not in territories]
                sellers += [n for n in s.sellers if n not in sellers]
        for box, names in (
            (self.scenario_filter, scenarios),
            (self.territory_filter, sorted(territories)),
            (self.seller_filter, sorted(sellers)),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(ALL, None)
            for name in names:
                box.addItem(name, name)
            box.setCurrentIndex(max(0, box.findData(chosen)) if chosen is not None else 0)
            box.blockSignals(False)
        self.refresh_rows()

    def set_filters(self, scenario: str | None = None, territory: str | None = None, seller: str | None = None) -> None:
        for box, value in ((self.scenario_filter, scenario), (self.territory_filter, territory),
                           (self.seller_filter, seller)):  # fmt: skip
            index = box.findData(value) if value is not None else 0
            box.setCurrentIndex(max(0, index))
        self.refresh_rows()

    def refresh_rows(self) -> None:
        doc = self.document
        self.model.removeRows(0, self.model.rowCount())
        self.entries = []
        if doc is not None:
            found = history(
                doc.plan,
                scenario=self.scenario_filter.currentData(),
                territory=self.territory_filter.currentData(),
                seller=self.seller_filter.currentData(),
            )
            self.entries = list(reversed(found))  # newest first
        for entry in self.entries:
            when = at_text(entry.at) + ("" if entry.sequence is not None else " (not saved)")
            row = [QStandardItem(text) for text in (when, entry.author, entry.scenario or "—", entry.description)]
            for item in row:
                item.setToolTip(entry.description)
            self.model.appendRow(row)
        self.table.resizeColumnsToContents()
        total = len(doc.plan.governance.log) if doc is not None else 0
        self.note.setText(
            f"{len(self.entries)} of {total} changes shown, newest first." if total else "No changes recorded yet."
        )
        self._update_buttons()

    # --- restore -------------------------------------------------------------------------------------------
    def selected(self) -> Change | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows and rows[0].row() < len(self.entries) else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _update_buttons(self) -> None:
        entry = self.selected()
        ok = entry is not None and entry.sequence is not None and entry.scenario is not None
        self.restore_button.setEnabled(ok)
        if entry is not None and entry.sequence is None:
            self.restore_button.setToolTip("Save the plan first: only saved changes can be restored to")
        else:
            self.restore_button.setToolTip(
                "Make a new what-if: the selected change's scenario as it was right after that change"
            )

    def restore_selected(self) -> bool:
        """A new what-if: the selected change's scenario as it was right after that change (one undo entry)."""
        doc = self.document
        entry = self.selected()
        if doc is None or entry is None or entry.sequence is None or entry.scenario is None:
            return False
        base = f"{entry.scenario} as of {at_text(entry.at)}"
        suggestion, n = base, 2
        while suggestion in doc.plan.scenarios:
            suggestion, n = f"{base} ({n})", n + 1
        name = self._ask_name(suggestion)
        if name is None or not name.strip():
            return False
        try:
            scenario = scenario_as_of(doc.plan, entry.scenario, entry.sequence, name.strip())
        except PlanError as exc:
            self.last_error = str(exc)
            doc.error_raised.emit(str(exc))
            return False
        if not doc.execute(RestoreScenario(scenario, len(doc.plan.scenarios))):
            return False
        doc.switch_scenario(scenario.name)
        self.restored.emit(scenario.name)
        return True

    def _name_dialog(self, suggestion: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Restore as a what-if", "Name of the new what-if:", text=suggestion)
        return text if ok else None


__all__ = ["HistoryPanel"]
