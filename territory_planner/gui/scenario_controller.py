"""Scenarios in the main window: the one shown, switching, copying into a what-if, renaming, deleting, comparing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QInputDialog, QWidget

from ..domain import BASELINE
from ..domain.commands import CopyScenario, DeleteScenario, RenameScenario
from ..domain.model import scenario_label
from .protocols import MapFactory, WindowHost

if TYPE_CHECKING:
    from .compare import CompareWindow


class ScenarioController(QObject):
    """The scenario box and the Scenario menu's actions of one window."""

    def __init__(self, host: WindowHost, map_factory: MapFactory, window: QWidget) -> None:
        super().__init__(window)
        self._host = host
        self._map_factory = map_factory
        self._window = window
        self.compare_window: CompareWindow | None = None
        self.combo = QComboBox()
        self.combo.setMinimumWidth(200)
        self.combo.setToolTip("The scenario shown and edited")
        self.combo.activated.connect(self._on_combo_activated)

        def action(text: str, slot: Callable[[], Any], shortcut: str | None = None, tip: str = "") -> QAction:
            act = QAction(text, window)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            if tip:
                act.setStatusTip(tip)
                act.setToolTip(f"{tip} ({act.shortcut().toString()})" if shortcut else tip)
            act.triggered.connect(lambda _checked=False: slot())
            window.addAction(act)
            return act

        self.copy_action = action("Copy as what-if…", self.ask_copy, None, "Copy this scenario into a new what-if")
        self.rename_action = action("Rename scenario…", self.ask_rename)
        self.delete_action = action("Delete scenario", self.delete)
        self.next_action = action("Next scenario", lambda: self.step(1), "Ctrl+PgDown", "Show the next scenario")
        self.previous_action = action(
            "Previous scenario", lambda: self.step(-1), "Ctrl+PgUp", "Show the previous scenario"
        )
        self.compare_action = action(
            "Compare…", self.show_compare, "Ctrl+K", "Two scenarios side by side: maps, totals and what changed"
        )

    def actions(self) -> list[QAction]:
        """The actions that need an open plan."""
        return [
            self.copy_action,
            self.rename_action,
            self.delete_action,
            self.compare_action,
            self.next_action,
            self.previous_action,
        ]

    def set_enabled(self, enabled: bool) -> None:
        for act in self.actions():
            act.setEnabled(enabled)
        self.combo.setEnabled(enabled)

    def fill_combo(self) -> None:
        combo = self.combo
        doc = self._host.document
        combo.blockSignals(True)
        combo.clear()
        if doc is not None:
            for name in doc.plan.scenarios:
                combo.addItem(scenario_label(name), name)
            combo.setCurrentIndex(max(0, combo.findData(doc.scenario_name)))
            self.delete_action.setEnabled(doc.scenario_name != BASELINE)
            self.rename_action.setEnabled(doc.scenario_name != BASELINE)
        combo.blockSignals(False)
        if self.compare_window is not None:
            self.compare_window.refresh_scenarios()

    def show_current(self) -> None:
        """Point the box at the document's current scenario."""
        doc = self._host.document
        if doc is not None:
            idx = self.combo.findData(doc.scenario_name)
            if idx >= 0:
                self.combo.setCurrentIndex(idx)

    def _on_combo_activated(self, index: int) -> None:
        name = self.combo.itemData(index)
        if self._host.document is not None and name:
            self.switch(name)

    def step(self, step: int) -> None:
        """Cycle through the scenarios (also in workshop mode, where the toolbar is hidden)."""
        doc = self._host.document
        if doc is None:
            return
        names = list(doc.plan.scenarios)
        index = names.index(doc.scenario_name) if doc.scenario_name in names else 0
        self.switch(names[(index + step) % len(names)])

    def switch(self, name: str) -> None:
        doc = self._host.document
        if doc is not None:
            doc.switch_scenario(name)

    def copy(self, new_name: str) -> bool:
        """Copy the shown scenario into a new what-if and show it."""
        doc = self._host.document
        if doc is None:
            return False
        if doc.execute(CopyScenario(doc.scenario_name, new_name.strip())):
            self.switch(new_name.strip())
            return True
        return False

    def ask_copy(self) -> None:
        doc = self._host.document
        if doc is None:
            return
        name, ok = QInputDialog.getText(
            self._window, "New what-if", "Name of the what-if scenario:", text=f"What-if {len(doc.plan.scenarios)}"
        )
        if ok and name.strip():
            self.copy(name)

    def ask_rename(self) -> None:
        doc = self._host.document
        if doc is None or doc.scenario_name == BASELINE:
            return
        name, ok = QInputDialog.getText(self._window, "Rename scenario", "New name:", text=doc.scenario_name)
        if ok and name.strip() and name.strip() != doc.scenario_name:
            doc.execute(RenameScenario(doc.scenario_name, name.strip()))

    def delete(self) -> None:
        doc = self._host.document
        if doc is None or doc.scenario_name == BASELINE:
            return
        doc.execute(DeleteScenario(doc.scenario_name))

    def show_compare(self) -> None:
        doc = self._host.document
        if doc is None:
            return
        from .compare import CompareWindow

        if self.compare_window is None:
            self.compare_window = CompareWindow(self._window, self._map_factory)
        self.compare_window.set_document(doc)
        self.compare_window.show()
        self.compare_window.raise_()

    def close_compare(self) -> None:
        if self.compare_window is not None:
            self.compare_window.close()


__all__ = ["ScenarioController"]
