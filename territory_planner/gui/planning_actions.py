"""The planning engines in the window: Fix… on a blocking flag, Optimise budget… and Build territories….

One small controller opens the three dialogs on the window's open plan and task runner, and shows a what-if they
wrote beside its source in the compare view.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from ..domain import Flag
from .build_dialog import open_build_dialog
from .fix_dialog import open_fix_dialog
from .optimise_dialog import open_optimise_dialog
from .protocols import WindowHost
from .scenario_controller import ScenarioController
from .workers import TaskRunner


class PlanningActions(QObject):
    """The Scenario menu's Optimise budget… and Build territories…, and the Flags panel's Fix…."""

    def __init__(self, host: WindowHost, runner: TaskRunner, scenarios: ScenarioController, window: QWidget) -> None:
        super().__init__(window)
        self._host = host
        self._runner = runner
        self._scenarios = scenarios
        self._window = window
        self.dialog: QDialog | None = None
        self.optimise_action = self._action(
            "Optimise budget…", self.ask_optimise, "Allocate the budget to fund the most hires, into a new what-if"
        )
        self.build_action = self._action(
            "Build territories…", self.ask_build, "Build balanced, contiguous territories, as a what-if or in place"
        )

    def _action(self, text: str, slot: object, tip: str) -> QAction:
        action = QAction(text, self._window)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self._window.addAction(action)
        return action

    def actions(self) -> list[QAction]:
        return [self.optimise_action, self.build_action]

    def set_enabled(self, enabled: bool) -> None:
        for action in self.actions():
            action.setEnabled(enabled)

    def show_compare(self, a: str, b: str) -> None:
        """Scenarios ``a`` and ``b`` side by side in the compare window."""
        self._scenarios.show_compare()
        if self._scenarios.compare_window is not None:
            self._scenarios.compare_window.compare(a, b)

    def ask_fix(self, flag: Flag) -> QDialog | None:
        document = self._host.document
        if document is None or not flag.blocking:
            return None
        self.dialog = open_fix_dialog(document, flag, self._runner, self._window)
        return self.dialog

    def ask_optimise(self) -> QDialog | None:
        document = self._host.document
        if document is None:
            return None
        self.dialog = open_optimise_dialog(document, self._runner, self._window, self.show_compare)
        return self.dialog

    def ask_build(self) -> QDialog | None:
        document = self._host.document
        if document is None:
            return None
        self.dialog = open_build_dialog(document, self._runner, self._window, self.show_compare)
        return self.dialog


__all__ = ["PlanningActions"]
