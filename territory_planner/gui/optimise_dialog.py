"""The Optimise budget… dialog: fund the most of the sales plan, on a worker, into a new what-if beside the source.

The optimiser (:func:`territory_planner.services.optimise.solve`) runs on a snapshot of the plan with the options of
``territory-planner solve`` (delays allowed, time limit, allocations kept exactly). Its result is one command (copy
the source into the new what-if and change it there), applied as one undo entry; the source never changes. The
dialog then says what it did in plain sentences, whether the result is proven optimal (or the gap), and where the
next money would fund the most quota, and the compare view shows the source and the result side by side.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from ..domain import Plan, PlanError
from ..domain.formatting import money
from ..services.decisions import solve_command
from ..services.optimise import SolveResult, solve
from ..services.progress import Progress
from .document import PlanDocument
from .fix_dialog import check_new_name, execute_reporting, free_name, scenario_label
from .task_dialog import ShowCompare, TaskDialogMixin
from .workers import Task, TaskRunner

LOCK_ROLE = Qt.ItemDataRole.UserRole + 1


def solve_task(
    inputs: tuple[Plan, str, str, bool, float, frozenset[tuple[str, str]]], progress: Progress
) -> SolveResult:
    """Optimise on a snapshot (runs on a worker); a result the checks do not confirm is refused."""
    plan, source, into, allow_delays, time_limit, locked = inputs
    result = solve(
        plan, source, into, allow_delays=allow_delays, time_limit=time_limit, locked=locked, progress=progress
    )
    if not result.verified:
        raise PlanError(
            "The optimiser's result did not pass the plan's checks, so nothing was written: "
            + "; ".join(result.problems)
        )
    return result


def describe_result(result: SolveResult) -> list[str]:
    """The lines the dialog shows after a solve: proof, what it did, where the next money helps most."""
    if result.optimal:
        proof = f"Proven optimal ({result.seconds:.2f} s)."
    elif result.gap is not None:
        proof = f"Stopped at the time limit: not proven optimal, within {result.gap:.2%} of the best possible."
    else:
        proof = "Stopped at the time limit: not proven optimal (the gap is unknown)."
    lines = [proof, *result.explanation]
    best = [m for m in result.marginal if m.next_money_quota > 0][1:3]  # the explanation names the first
    if best:
        parts = [f"{m.territory} ({money(m.next_money_quota, result.currency)} more quota)" for m in best]
        lines.append(f"Next best places for it: {', '.join(parts)}.")
    return lines


class OptimiseDialog(TaskDialogMixin, QDialog):
    """Options, progress and cancel; ``solved(result)`` once the what-if is written, ``failed(message)``."""

    NOTHING_DONE = "written"

    solved = Signal(object)
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
        self.result_: SolveResult | None = None
        self.setWindowTitle("Optimise budget")
        self.setMinimumWidth(620)

        intro = QLabel(
            f"Allocate marketing's budget and hours so that {scenario_label(self.source)}'s sales plan is funded as "
            "far as it can be: every existing seller first, then the most planned hires, the most quota, and the "
            "least money moved. The result is a new what-if; the source is not changed."
        )
        intro.setWordWrap(True)
        self.into = QLineEdit(free_name(document.plan, f"{scenario_label(self.source)} optimised"))
        self.allow_delays = QCheckBox("Delay a hire that cannot be funded instead of dropping it")
        self.time_limit = QDoubleSpinBox()
        self.time_limit.setRange(0.5, 600.0)
        self.time_limit.setDecimals(1)
        self.time_limit.setValue(10.0)
        self.time_limit.setSuffix(" s")
        self.locks = QListWidget()
        self.locks.setMaximumHeight(130)
        for (level, name), allocation in self.document.scenario.allocations.items():
            where = name if level == "territory" else f"region {name}"
            item = QListWidgetItem(f"{where}: {money(allocation.budget, document.currency)}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(LOCK_ROLE, (level, name))
            self.locks.addItem(item)
        form = QFormLayout()
        form.addRow("New what-if", self.into)
        form.addRow("Hires", self.allow_delays)
        form.addRow("Time limit", self.time_limit)
        form.addRow("Keep exactly", self.locks)

        self._make_task_widgets("Optimise")
        self._lay_out_task(intro, form)

    def locked(self) -> frozenset[tuple[str, str]]:
        keys = []
        for row in range(self.locks.count()):
            item = self.locks.item(row)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                keys.append(item.data(LOCK_ROLE))
        return frozenset(keys)

    def set_locked(self, keys: set[tuple[str, str]]) -> None:
        for row in range(self.locks.count()):
            item = self.locks.item(row)
            if item is not None:
                checked = item.data(LOCK_ROLE) in keys
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    # --- running ----------------------------------------------------------------------------------------------
    def run(self) -> Task | None:
        """Start the optimiser on a worker; None (and a message) when the options cannot be used."""
        self._show_error("")
        try:
            into = check_new_name(self.document.plan, self.into.text())
        except PlanError as exc:
            self._show_error(str(exc))
            return None
        inputs = (
            self.document.plan.deepcopy(),
            self.source,
            into,
            self.allow_delays.isChecked(),
            float(self.time_limit.value()),
            self.locked(),
        )
        self._cancelled = False
        self.run_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText("Optimising…")
        self.task = task = self.runner.start("Optimising the budget", solve_task, inputs)
        task.progressed.connect(self._on_progress)
        task.finished.connect(self._on_solved)
        task.failed.connect(self._on_task_failed)  # bound methods: dropped when the dialog is deleted
        task.cancelled.connect(self._on_stopped)
        return task

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.status.setText(message)

    def _on_solved(self, result: SolveResult) -> None:
        self.progress.setVisible(False)
        if self._cancelled:  # finished just as the person cancelled: keep their word, write nothing
            self._on_stopped()
            return
        refused = execute_reporting(self.document, solve_command(result))  # with the record of the decision
        if refused is not None:
            self._on_failed(refused)
            return
        self.result_ = result
        self.status.setText(f"Wrote the what-if {result.scenario} from {scenario_label(result.source)}.")
        self.outcome.setText("\n".join(describe_result(result)))
        self.run_button.setVisible(False)
        self.cancel_button.setVisible(False)
        self.close_button.setVisible(True)
        if self.show_compare is not None:
            self.show_compare(result.source, result.scenario)
        self.solved.emit(result)


def open_optimise_dialog(
    document: PlanDocument, runner: TaskRunner, parent: QWidget | None, show_compare: ShowCompare | None
) -> OptimiseDialog:
    dialog = OptimiseDialog(document, runner, parent, show_compare)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["OptimiseDialog", "describe_result", "open_optimise_dialog", "solve_task"]
