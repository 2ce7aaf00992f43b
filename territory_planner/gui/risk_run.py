"""Funding confidence in the app: the Run confidence (Monte Carlo)… dialog, its worker task, and the last run.

The task (:func:`risk_task`) is a plain function on a snapshot of the shown scenario and its report: the flip
points (``domain.sensitivity``), the Monte Carlo draws (``services.risk.run_risk``) and each territory's tornado
(``domain/tornado.py``). :class:`RiskResults` keeps the last run per scenario; the territories table shows its
``p_funded`` as the Confidence column and the Budget panel draws its tornado. A run belongs to the report it was
made from: after any edit the report is a new one, and the figures show as from before the last change until the
next run.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from ..domain import Report
from ..domain.formatting import count, percent
from ..domain.model import Scenario
from ..domain.sensitivity import TerritoryFlips, flip_points
from ..domain.tornado import Tornado, tornado
from ..services.progress import Progress
from ..services.risk import CONFIDENT_SHARE, DEFAULT_DRAWS, DEFAULT_SEED, RiskReport, TerritoryRisk, run_risk
from .document import PlanDocument
from .fix_dialog import scenario_label
from .task_dialog import TaskDialogMixin
from .workers import Task, TaskRunner

#: The draws a person may ask for (``check --risk --draws``).
MIN_DRAWS, MAX_DRAWS = 1_000, 500_000


@dataclass(frozen=True)
class RiskRun:
    """One finished run: for which scenario and report, its flip points, its confidence and the tornados."""

    scenario: str
    report: Report
    flips: dict[str, TerritoryFlips]
    risk: RiskReport
    tornados: dict[str, Tornado]


def risk_task(inputs: tuple[Scenario, Report, int, int], progress: Progress) -> RiskRun:
    """Flip points, Monte Carlo and tornados of a scenario snapshot (runs on a worker; no Qt, no live plan)."""
    scenario, report, draws, seed = inputs
    progress(0.05, "Finding each territory's flip points…")
    flips = flip_points(scenario, report)
    progress(0.15, f"Drawing {draws:,} samples of the ranges…")
    risk = run_risk(scenario, report, draws, seed)
    progress(0.85, "Measuring each assumption's swing…")
    tornados = {r.territory: tornado(scenario, report, r.territory) for r in report.territories}
    progress(1.0, "Done")
    return RiskRun(scenario.name, report, flips, risk, tornados)


class RiskResults(QObject):
    """The last funding-confidence run of each scenario of the open plan."""

    updated = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document: PlanDocument | None = None
        self._runs: dict[str, RiskRun] = {}
        self._flips: tuple[Report, dict[str, TerritoryFlips]] | None = None

    def set_document(self, document: PlanDocument | None) -> None:
        self.document = document
        self._runs.clear()
        self._flips = None
        self.updated.emit()

    def add(self, run: RiskRun) -> None:
        self._runs[run.scenario] = run
        self.updated.emit()

    def run(self) -> RiskRun | None:
        """The last run of the shown scenario, current or not."""
        if self.document is None:
            return None
        return self._runs.get(self.document.scenario_name)

    def is_current(self, run: RiskRun | None = None) -> bool:
        """The run was made from the report the scenario has now (nothing changed since)."""
        run = run or self.run()
        return run is not None and self.document is not None and run.report is self.document.report(run.scenario)

    def territory_risk(self, territory: str) -> TerritoryRisk | None:
        run = self.run()
        if run is None:
            return None
        try:
            return run.risk.territory(territory)
        except KeyError:
            return None

    def flips(self, territory: str) -> TerritoryFlips | None:
        """The territory's flip points for the report shown now (computed on first asking, kept per report)."""
        if self.document is None:
            return None
        report = self.document.report()
        if self._flips is None or self._flips[0] is not report:
            self._flips = (report, flip_points(self.document.scenario, report))
        return self._flips[1].get(territory)


def run_summary(run: RiskRun) -> str:
    """What a run found, in one sentence for the dialog and the panel."""
    risk = run.risk
    keys = ", ".join(risk.keys) if risk.keys else "none"
    return (
        f"{risk.draws:,} draws (seed {risk.seed}; ranges of {keys}): {risk.hires_funded_80} of "
        f"{count(len(risk.hires), 'planned hire')} funded in at least {percent(CONFIDENT_SHARE, 0)} of draws."
    )


class RiskDialog(TaskDialogMixin, QDialog):
    """Draws, seed, progress and cancel; ``ran(run)`` once the confidence of the shown scenario is known."""

    ran = Signal(object)
    failed = Signal(str)
    stopped = Signal()

    def __init__(
        self, document: PlanDocument, runner: TaskRunner, results: RiskResults, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._take_collaborators(document, runner, None)
        self.results = results
        self.run_: RiskRun | None = None
        self.setWindowTitle("Run confidence (Monte Carlo)")
        self.setMinimumWidth(520)
        has_ranges = document.scenario.assumptions.has_ranges
        intro = QLabel(
            f"Draw every assumption that has a low and a high from a triangular distribution (low, value, high) and "
            f"count, for each territory of {scenario_label(self.source)}, the share of draws in which its allocation "
            "covers the spend it needs."
        )
        intro.setWordWrap(True)
        self.draws = QSpinBox()
        self.draws.setRange(MIN_DRAWS, MAX_DRAWS)
        self.draws.setSingleStep(5_000)
        self.draws.setGroupSeparatorShown(True)
        self.draws.setValue(DEFAULT_DRAWS)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2_000_000_000)
        self.seed.setValue(DEFAULT_SEED)
        self.seed.setToolTip("The same seed gives the same draws (as check --risk --seed)")
        form = QFormLayout()
        form.addRow("Draws", self.draws)
        form.addRow("Seed", self.seed)
        self._make_task_widgets("Run", outcome=False)
        self._lay_out_task(intro, form)
        if not has_ranges:
            self.run_button.setEnabled(False)
            self._show_error(
                "No assumption has a range yet, so every draw would be the same. Give some funnel assumptions a "
                "low and a high in the Assumptions panel (the Low and High columns of the whole plan)."
            )

    def run(self) -> Task | None:
        """Start the run on a worker, on a copy of the shown scenario and its report."""
        self._show_error("")
        document = self.document
        if not document.scenario.assumptions.has_ranges:
            return None
        inputs = (
            document.scenario.clone(document.scenario_name),
            document.report(),
            int(self.draws.value()),
            int(self.seed.value()),
        )
        self._cancelled = False
        self.run_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText("Starting…")
        self.task = task = self.runner.start("Funding confidence", risk_task, inputs)
        task.progressed.connect(self._on_progress)
        task.finished.connect(self._on_ran)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_stopped)
        return task

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.status.setText(message)

    def _on_ran(self, run: RiskRun) -> None:
        self.progress.setVisible(False)
        if self._cancelled:
            self._on_stopped()
            return
        self.run_ = run
        self.results.add(run)
        self.status.setText(run_summary(run) + " The Confidence column and the Budget panel show the figures.")
        self.run_button.setText("Run again")
        self.run_button.setEnabled(True)
        self.cancel_button.setVisible(False)
        self.close_button.setVisible(True)
        self.ran.emit(run)


def open_risk_dialog(
    document: PlanDocument, runner: TaskRunner, results: RiskResults, parent: QWidget | None
) -> RiskDialog:
    dialog = RiskDialog(document, runner, results, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["RiskDialog", "RiskResults", "RiskRun", "open_risk_dialog", "risk_task", "run_summary"]
