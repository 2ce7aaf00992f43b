"""What the planning dialogs that run one worker task share: the error line, failure, cancel and close."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from .fix_dialog import ERROR_STYLE, error_text
from .workers import Task, TaskRunner

if TYPE_CHECKING:
    from .document import PlanDocument

#: Opens the comparison of two scenarios (source, result) side by side.
ShowCompare = Callable[[str, str], None]


class TaskDialogMixin:
    """Mixed into a ``QDialog`` that runs one :class:`Task` at a time (Build territories…, Optimise budget…).

    The dialog provides the widgets and signals named below; ``NOTHING_DONE`` says what a stopped or failed run
    left alone ("changed", "written").
    """

    NOTHING_DONE = "changed"
    task: Task | None
    _cancelled: bool
    progress: QProgressBar
    run_button: QPushButton
    status: QLabel
    error: QLabel
    failed: Any
    stopped: Any
    document: PlanDocument
    runner: TaskRunner
    show_compare: ShowCompare | None
    source: str

    def _take_collaborators(self, document: PlanDocument, runner: TaskRunner, show_compare: ShowCompare | None) -> None:
        """What both dialogs keep: the plan document, the task runner, the comparison opener, the source scenario."""
        self.document = document
        self.runner = runner
        self.show_compare = show_compare
        self.source = document.scenario_name
        self.task = None
        self._cancelled = False

    def _make_task_widgets(self, run_text: str, outcome: bool = True) -> None:
        """What every task dialog shows under its options: a progress bar, the status, the outcome and the error
        lines, and the Run / Cancel / Close buttons (Close once the task has run)."""
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.outcome = QLabel()  # what the run found (a dialog without one keeps it hidden)
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.setVisible(outcome)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.run_button = QPushButton(run_text)
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)  # type: ignore[attr-defined]
        self.buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.accept)  # type: ignore[attr-defined]
        self.close_button.setVisible(False)

    def _lay_out_task(self, intro: QWidget, form: QLayout) -> QVBoxLayout:
        """The dialog's layout: the intro, the options, then the widgets of :meth:`_make_task_widgets`."""
        layout = QVBoxLayout(cast(QWidget, self))
        layout.addWidget(intro)
        layout.addLayout(form)
        for widget in (self.progress, self.status, self.outcome, self.error, self.buttons):
            layout.addWidget(widget)
        return layout

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _on_task_failed(self, error: BaseException, _text: str) -> None:
        self._on_failed(error_text(error))

    def _on_failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.run_button.setEnabled(True)
        self.status.setText(f"Nothing was {self.NOTHING_DONE}.")
        self._show_error(message)
        self.failed.emit(message)

    def _on_stopped(self) -> None:
        self.progress.setVisible(False)
        self.run_button.setEnabled(True)
        self.status.setText(f"Cancelled; nothing was {self.NOTHING_DONE}.")
        self.stopped.emit()

    def _running(self) -> bool:
        return self.task is not None and not self.task.is_done

    def cancel(self) -> None:
        """Stop a running task (nothing is changed), or close the dialog when none runs."""
        if self._running():
            assert self.task is not None
            self._cancelled = True
            self.status.setText("Cancelling…")
            self.task.cancel()
            return
        self.reject()

    def reject(self) -> None:
        if self._running():
            assert self.task is not None
            self._cancelled = True
            self.task.cancel()
        super().reject()  # type: ignore[misc]  # QDialog.reject, next in the MRO
