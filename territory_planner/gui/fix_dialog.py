"""The Fix… dialog: the options that clear one blocking flag, each with its consequences, applied as one undo entry.

The options are found by :mod:`territory_planner.services.fixes` on a worker, on a snapshot of the plan (every
option is tried on a copy and re-evaluated there). Choosing one applies its commands to the scenario shown, or to a
new what-if copied from it, as one entry on the plan's undo stack labelled with the option's description.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import BASELINE, Flag, Plan, PlanError
from ..domain.commands import Batch, Command, CopyScenario
from ..domain.formatting import money
from ..services.decisions import fix_with_decision
from ..services.fixes import Change, FixFinder, FixOption, FlagFixes, exact_hours, exact_money, flag_key
from ..services.progress import Progress
from .document import PlanDocument
from .workers import Task, TaskRunner

ERROR_STYLE = "color: #b3261e;"


# --- helpers shared by the planning dialogs -------------------------------------------------------------------------


def retarget(command: Command, scenario: str) -> Command:
    """The same command aimed at another scenario (batches are retargeted command by command)."""
    if isinstance(command, Batch):
        return Batch(command.text, tuple(retarget(c, scenario) for c in command.commands))
    if dataclasses.is_dataclass(command) and any(f.name == "scenario" for f in dataclasses.fields(command)):
        return dataclasses.replace(command, scenario=scenario)
    raise PlanError(f"“{command.label}” cannot be applied to another scenario.")


def free_name(plan: Plan, base: str) -> str:
    """``base``, or ``base 2``, ``base 3``… : the first name no scenario of ``plan`` has."""
    candidate, n = base, 2
    while candidate in plan.scenarios:
        candidate, n = f"{base} {n}", n + 1
    return candidate


def check_new_name(plan: Plan, text: str) -> str:
    """The what-if name typed by the user, stripped; a PlanError saying what to do when it cannot be used."""
    name = text.strip()
    if not name:
        raise PlanError("Give the new what-if a name.")
    if name in plan.scenarios:
        raise PlanError(f"There is already a scenario named '{name}'. Choose another name for the new what-if.")
    return name


def scenario_label(name: str) -> str:
    return "Baseline" if name == BASELINE else name


def error_text(error: BaseException) -> str:
    """What a person reads when a task failed: the message of a plan error, one line for anything else."""
    if isinstance(error, PlanError):
        return str(error)
    return f"Something went wrong ({type(error).__name__}: {error}). Nothing was changed."


def execute_reporting(document: PlanDocument, command: Command) -> str | None:
    """Execute ``command`` on ``document`` as one undo entry; the error message when it was refused, else None."""
    errors: list[str] = []
    document.error_raised.connect(errors.append)
    try:
        ok = document.execute(command)
    finally:
        document.error_raised.disconnect(errors.append)
    if ok:
        return None
    return errors[0] if errors else f"“{command.label}” could not be applied."


# --- the task -------------------------------------------------------------------------------------------------------


def fixes_task(inputs: tuple[Plan, str, Flag], progress: Progress) -> FlagFixes:
    """The fix options of one flag, found on a snapshot of the plan (runs on a worker)."""
    plan, scenario, flag = inputs
    progress.report(0.05, "Reading the scenario")
    finder = FixFinder(plan, scenario)
    wanted = flag_key(flag)
    current = next((f for f in finder.report.flags if flag_key(f) == wanted), None)
    if current is None:
        raise PlanError(f"“{flag.message}” is no longer flagged in {scenario_label(scenario)}: nothing to fix.")
    if not current.blocking:
        raise PlanError(f"“{flag.message}” is a warning; fixes are found for blocking flags only.")
    progress.report(0.2, "Trying every option on a copy of the scenario")
    found = finder.fixes_for(current)
    progress.report(1.0, "Done")
    return found


def _change_text(change: Change, currency: str) -> str:
    def fmt(value: Any) -> str:
        if value is None:
            return "none"
        if isinstance(value, (int, float)) and change.field in ("budget", "annual_quota", "cost"):
            return exact_money(float(value), currency)
        if isinstance(value, float):
            return f"{value:,.0f}"
        return str(value)

    where = change.name if change.level in ("territory", "seller") else f"{change.level} {change.name}"
    return f"{where} {change.field.replace('_', ' ')}: {fmt(change.before)} → {fmt(change.after)}"


def _flag_names(keys: tuple[tuple[str, str, str], ...]) -> str:
    return ", ".join(f"{code} {subject}" for code, _, subject in keys) or "nothing"


def option_consequences(option: FixOption, currency: str) -> str:
    """One line under an option: what it clears and creates, and the money or hours it moves."""
    parts = [f"Clears {_flag_names(option.clears)}", f"creates {_flag_names(option.creates)}"]
    if option.amount > 0:
        moved = exact_hours(option.amount) if option.kind == "move_hours" else exact_money(option.amount, currency)
        verb = {"add_budget": "added", "new_allocation": "allocated", "cut_allocation": "cut"}.get(option.kind, "moved")
        parts.append(f"{moved} {verb}")
    if option.weakens:
        parts.append(f"no longer funded: {', '.join(option.weakens)}")
    return "; ".join(parts) + "."


# --- the dialog -----------------------------------------------------------------------------------------------------


class FixDialog(QDialog):
    """The options of one blocking flag. ``options_ready`` once they are found; ``applied(label)`` after a choice."""

    options_ready = Signal()
    failed = Signal(str)
    applied = Signal(str)

    def __init__(self, document: PlanDocument, flag: Flag, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.flag = flag
        self.runner = runner
        self.scenario = document.scenario_name
        self.fixes: FlagFixes | None = None
        self.task: Task | None = None
        self.setWindowTitle("Fix a blocking problem")
        self.setMinimumSize(760, 460)

        heading = QLabel(flag.message)
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: 600;")
        self.status = QLabel("Finding the options…")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.options = QListWidget()
        self.options.setWordWrap(True)
        self.options.setAlternatingRowColors(True)
        self.options.setSpacing(2)
        self.options.setResizeMode(QListView.ResizeMode.Adjust)
        self.options.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.options.itemSelectionChanged.connect(self._on_selection_changed)
        self.options.itemDoubleClicked.connect(lambda _item: self.apply_selected())
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setObjectName("PanelNote")

        self.in_place = QRadioButton(f"Apply in {scenario_label(self.scenario)}")
        self.into_new = QRadioButton("Apply into a new what-if:")
        self.in_place.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.in_place)
        group.addButton(self.into_new)
        self.new_name = QLineEdit(free_name(document.plan, f"{scenario_label(self.scenario)} fixed"))
        self.new_name.setEnabled(False)
        self.into_new.toggled.connect(self.new_name.setEnabled)
        where = QHBoxLayout()
        where.addWidget(self.in_place)
        where.addSpacing(16)
        where.addWidget(self.into_new)
        where.addWidget(self.new_name, 1)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        buttons = QDialogButtonBox()
        self.apply_button = QPushButton("Apply")
        self.apply_button.setDefault(True)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply_selected)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.options, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.notes)
        layout.addLayout(where)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    # --- finding the options ---------------------------------------------------------------------------------
    def start(self) -> Task:
        """Find the options on a worker (the dialog shows progress meanwhile)."""
        snapshot = self.document.plan.deepcopy()
        self.task = task = self.runner.start("Finding fixes", fixes_task, (snapshot, self.scenario, self.flag))
        task.progressed.connect(self._on_progress)
        task.finished.connect(self._on_found)
        # bound methods, not lambdas: Qt drops the connections when the dialog is deleted (closed while running)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_task_cancelled)
        return task

    def _on_task_failed(self, error: BaseException, _text: str) -> None:
        self._on_failed(error)

    def _on_task_cancelled(self) -> None:
        self.status.setText("Cancelled.")

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.status.setText(message)

    def _on_found(self, fixes: FlagFixes) -> None:
        self.fixes = fixes
        self.progress.setVisible(False)
        cur = self.document.currency
        self.options.clear()
        for option in fixes.options:
            item = QListWidgetItem(f"{option.description}.\n{option_consequences(option, cur)}")
            item.setToolTip(option.description)
            self.options.addItem(item)
        n = len(fixes.options)
        if n:
            self.status.setText(
                f"{n} option{'s' if n != 1 else ''}, best first (those that change nothing else come first, then "
                "the least money moved). Each was tried on a copy of the scenario."
            )
            self.select(0)
        else:
            self.status.setText("No option clears this flag on its own.")
        self.notes.setText("\n".join(f"Note: {note}" for note in fixes.notes))
        self.options_ready.emit()

    def _on_failed(self, error: BaseException) -> None:
        self.progress.setVisible(False)
        self.status.setText("No options could be found.")
        self._show_error(error_text(error))
        self.failed.emit(error_text(error))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # --- choosing ------------------------------------------------------------------------------------------------
    def selected_option(self) -> FixOption | None:
        if self.fixes is None:
            return None
        row = self.options.currentRow()
        return self.fixes.options[row] if 0 <= row < len(self.fixes.options) else None

    def _on_selection_changed(self) -> None:
        option = self.selected_option()
        self.apply_button.setEnabled(option is not None)
        if option is None:
            self.details.setText("")
            return
        cur = self.document.currency
        lines = [f"Selected: {'; '.join(_change_text(c, cur) for c in option.changes) or 'no change'}."]
        if option.quota_lost > 0:
            lines.append(f"Period quota given up: {money(option.quota_lost, cur)}.")
        self.details.setText("\n".join(lines))

    def select(self, index: int) -> None:
        self.options.setCurrentRow(index)

    def command_for(self, option: FixOption) -> tuple[Command, str]:
        """The one command that applies ``option`` (in place or into the new what-if) and the scenario it changes."""
        if not self.into_new.isChecked():
            return option.command, self.scenario
        name = check_new_name(self.document.plan, self.new_name.text())
        label = f"{option.description} (into the new what-if {name})"
        return Batch(label, (CopyScenario(self.scenario, name), retarget(option.command, name))), name

    def apply_selected(self) -> bool:
        """Apply the chosen option as one undo entry; the dialog closes when it was applied."""
        option = self.selected_option()
        if option is None:
            return False
        if self.document.scenario_name != self.scenario and not self.into_new.isChecked():
            self._show_error("The scenario shown changed since the options were found; open Fix… again.")
            return False
        try:
            command, target = self.command_for(option)
        except PlanError as exc:
            self._show_error(str(exc))
            return False
        # the decision is recorded with the scenario (the pack's Decisions page), in the same undo entry
        refused = execute_reporting(self.document, fix_with_decision(command, target, option, self.flag))
        if refused is not None:
            self._show_error(refused)
            return False
        if target != self.document.scenario_name:
            self.document.switch_scenario(target)
        self.applied.emit(command.label)
        self.accept()
        return True

    def reject(self) -> None:
        if self.task is not None and not self.task.is_done:
            self.task.cancel()
        super().reject()


def open_fix_dialog(document: PlanDocument, flag: Flag, runner: TaskRunner, parent: QWidget | None) -> FixDialog:
    """Open the Fix… dialog of ``flag`` (window-modal) and start finding its options."""
    dialog = FixDialog(document, flag, runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.start()
    return dialog


__all__ = [
    "FixDialog",
    "check_new_name",
    "error_text",
    "execute_reporting",
    "fixes_task",
    "free_name",
    "open_fix_dialog",
    "retarget",
]
