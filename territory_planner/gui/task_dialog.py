"""What the planning dialogs that run one worker task share: the error line, failure, cancel and close."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from .fix_dialog import error_text
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
