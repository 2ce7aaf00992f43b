"""The Build territories… dialog: balanced, contiguous territories built on a worker, as a what-if or in place.

It offers the options of ``territory-planner build`` (how many territories, one region, the attributes to balance
and their weights, the tolerance, starting from the current territories, seeding on sellers or hires, the time box)
and runs :func:`territory_planner.services.builder.build_territories` on a snapshot of the plan, with live progress
and cancel. The result is one command: a new what-if beside the source (shown in the compare view), or the same
changes made to the shown scenario itself — either way one undo entry.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ..domain import Plan, PlanError
from ..domain.commands import Batch, Command, CopyScenario
from ..services.builder import SEED_MODES, BuildOptions, BuildResult, build_territories
from ..services.progress import Progress
from .document import PlanDocument
from .fix_dialog import check_new_name, execute_reporting, free_name, retarget, scenario_label
from .task_dialog import ShowCompare, TaskDialogMixin
from .workers import Task, TaskRunner

#: The what-if a build in place is made in on the worker's snapshot (never in the live plan).
_SCRATCH = "__build in place__"
SEED_LABELS = {
    "auto": "Automatic (no seeds)",
    "sellers": "One territory per seller",
    "hires": "Current territories plus one per hire",
}


def build_task(inputs: tuple[Plan, BuildOptions], progress: Progress) -> BuildResult:
    """Build on a snapshot of the plan (runs on a worker)."""
    plan, options = inputs
    return build_territories(plan, options, progress)


def in_place_command(result: BuildResult, source: str) -> Command:
    """The build's changes made to ``source`` itself: its batch without the copy, aimed at ``source``."""
    commands = result.command.commands
    if not commands or not isinstance(commands[0], CopyScenario):
        raise PlanError("This build cannot be applied in place.")
    k = len(result.territories)
    label = f"Build {k} territories in {scenario_label(source)}"
    return Batch(label, tuple(retarget(c, source) for c in commands[1:]))


class BuildDialog(TaskDialogMixin, QDialog):
    """The builder's options, live progress and cancel; ``built(result)`` once it is applied, ``failed(message)``."""

    NOTHING_DONE = "changed"

    built = Signal(object)
    failed = Signal(str)
    stopped = Signal()

    def __init__(
        self,
        document: PlanDocument,
        runner: TaskRunner,
        parent: QWidget | None = None,
        show_compare: ShowCompare | None = None,
    ) -> None:
        super().__init__(parent)
        self._take_collaborators(document, runner, show_compare)
        self.result_: BuildResult | None = None
        self._in_place = False
        scenario = document.scenario
        layer = document.plan.layer
        self.setWindowTitle("Build territories")
        self.setMinimumWidth(640)

        intro = QLabel(
            f"Build balanced, contiguous territories from {scenario_label(self.source)}. Locked territories and "
            "units outside the region chosen stay exactly as they are."
        )
        intro.setWordWrap(True)
        self.territories = QSpinBox()
        self.territories.setRange(0, max(1, len(layer)))
        self.territories.setSpecialValueText("as many as there are now (or one per seed)")
        self.territories.setValue(max(1, sum(1 for t in scenario.territories.values() if not t.locked)))
        self.region = QComboBox()
        self.region.addItem("The whole map", None)
        for name in scenario.regions:
            self.region.addItem(name, name)
        self.balance = QTableWidget(0, 2)
        self.balance.setHorizontalHeaderLabels(["Balance on", "Weight"])
        self.balance.verticalHeader().setVisible(False)
        self.balance.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.balance.setMaximumHeight(150)
        self._weights: dict[str, QDoubleSpinBox] = {}
        for column in layer.numeric_columns():
            row = self.balance.rowCount()
            self.balance.insertRow(row)
            item = QTableWidgetItem(column)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            checked = column == layer.potential_column
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.balance.setItem(row, 0, item)
            weight = QDoubleSpinBox()
            weight.setRange(0.1, 100.0)
            weight.setDecimals(1)
            weight.setValue(1.0)
            self.balance.setCellWidget(row, 1, weight)
            self._weights[column] = weight
        self.tolerance = QDoubleSpinBox()
        self.tolerance.setRange(0.5, 50.0)
        self.tolerance.setDecimals(1)
        self.tolerance.setValue(5.0)
        self.tolerance.setPrefix("± ")
        self.tolerance.setSuffix(" %")
        self.from_current = QCheckBox("Start from the current territories and move as little as possible")
        self.seeds = QComboBox()
        for mode in SEED_MODES:
            self.seeds.addItem(SEED_LABELS.get(mode, mode), mode)
        self.from_current.toggled.connect(lambda on: self.seeds.setEnabled(not on))
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(0.5, 120.0)
        self.seconds.setDecimals(1)
        self.seconds.setValue(5.0)
        self.seconds.setSuffix(" s")

        self.into_new = QRadioButton("Into a new what-if:")
        self.in_place = QRadioButton(f"In {scenario_label(self.source)} itself")
        self.into_new.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.into_new)
        group.addButton(self.in_place)
        self.into = QLineEdit(free_name(document.plan, f"{scenario_label(self.source)} built"))
        self.into_new.toggled.connect(self.into.setEnabled)
        where = QHBoxLayout()
        where.addWidget(self.into_new)
        where.addWidget(self.into, 1)
        where.addWidget(self.in_place)

        form = QFormLayout()
        form.addRow("Territories", self.territories)
        form.addRow("Region", self.region)
        form.addRow("Balance", self.balance)
        form.addRow("Tolerance", self.tolerance)
        form.addRow("", self.from_current)
        form.addRow("Seeds", self.seeds)
        form.addRow("Refine for", self.seconds)
        form.addRow("Write", where)

        self._make_task_widgets("Build")
        self._lay_out_task(intro, form)

    # --- options --------------------------------------------------------------------------------------------------
    def set_balance(self, weights: dict[str, float]) -> None:
        """Balance on exactly these attributes with these weights (for scripts and tests)."""
        for row in range(self.balance.rowCount()):
            item = self.balance.item(row, 0)
            if item is None:
                continue
            name = item.text()
            item.setCheckState(Qt.CheckState.Checked if name in weights else Qt.CheckState.Unchecked)
            if name in weights:
                self._weights[name].setValue(weights[name])

    def balance_attributes(self) -> tuple[tuple[str, float], ...]:
        chosen = []
        for row in range(self.balance.rowCount()):
            item = self.balance.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                chosen.append((item.text(), float(self._weights[item.text()].value())))
        return tuple(chosen)

    def options(self) -> BuildOptions:
        """The options chosen; a PlanError saying what to change when they cannot be used."""
        if self.in_place.isChecked():
            into = free_name(self.document.plan, _SCRATCH)
        else:
            into = check_new_name(self.document.plan, self.into.text())
        k = self.territories.value()
        return BuildOptions(
            into=into,
            territories=k or None,
            scenario=self.source,
            region=self.region.currentData(),
            balance=self.balance_attributes(),
            tolerance=self.tolerance.value() / 100.0,
            from_current=self.from_current.isChecked(),
            seeds="auto" if self.from_current.isChecked() else str(self.seeds.currentData()),
            seconds=float(self.seconds.value()),
        )

    # --- running --------------------------------------------------------------------------------------------------
    def run(self) -> Task | None:
        """Start the build on a worker; None (and a message) when the options cannot be used."""
        self._show_error("")
        try:
            options = self.options()
        except PlanError as exc:
            self._show_error(str(exc))
            return None
        self._in_place = self.in_place.isChecked()
        self._cancelled = False
        self.run_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText("Building…")
        self.task = task = self.runner.start(
            "Building territories", build_task, (self.document.plan.deepcopy(), options)
        )
        task.progressed.connect(self._on_progress)
        task.finished.connect(self._on_built)
        task.failed.connect(self._on_task_failed)  # bound methods: dropped when the dialog is deleted
        task.cancelled.connect(self._on_stopped)
        return task

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.status.setText(message)

    def _on_built(self, result: BuildResult) -> None:
        self.progress.setVisible(False)
        if self._cancelled:  # finished just as the person cancelled: write nothing
            self._on_stopped()
            return
        try:
            command = in_place_command(result, self.source) if self._in_place else result.command
        except PlanError as exc:
            self._on_failed(str(exc))
            return
        refused = execute_reporting(self.document, command)
        if refused is not None:
            self._on_failed(refused)
            return
        self.result_ = result
        k = len(result.territories)
        where = scenario_label(self.source) if self._in_place else f"the what-if {result.scenario}"
        self.status.setText(
            f"Built {k} territories in {where} in {result.seconds:.1f} s; furthest from the mean "
            f"{result.max_deviation:+.1%} (tolerance ±{result.tolerance:.0%})."
        )
        pieces = sum(1 for t in result.territories if t.pieces > 1)
        lines = [f"{pieces} territories are in more than one piece." if pieces else "Every territory is one piece."]
        lines += [f"Note: {note}" for note in result.notes]
        self.outcome.setText("\n".join(lines))
        self.run_button.setVisible(False)
        self.cancel_button.setVisible(False)
        self.close_button.setVisible(True)
        if not self._in_place and self.show_compare is not None:
            self.show_compare(self.source, result.scenario)
        self.built.emit(result)


def open_build_dialog(
    document: PlanDocument, runner: TaskRunner, parent: QWidget | None, show_compare: ShowCompare | None
) -> BuildDialog:
    dialog = BuildDialog(document, runner, parent, show_compare)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["BuildDialog", "build_task", "in_place_command", "open_build_dialog"]
