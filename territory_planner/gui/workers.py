"""Run a plain function ``fn(inputs, progress) -> result`` on a QThreadPool, with progress, cancel, and the result
handed back on the GUI thread.

The function never sees Qt: it gets the services' :class:`~territory_planner.services.progress.Progress` (which
raises :class:`Cancelled` once the user cancelled). This module is the one adapter between that object and Qt:
reports become ``Task.progressed`` signals on the GUI thread, ``Task.cancel()`` cancels the Progress, and a task
that ends in any error after a cancel counts as cancelled. Workers never touch widgets or the live plan: give them
a snapshot.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from ..services.progress import Cancelled, Progress

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits on it, so connected slots run on the GUI thread."""

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object, str)
    stopped = Signal()


class Task(QObject):
    """A running (or finished) background task. Connect to its signals; they arrive on the GUI thread.

    ``finished(result)`` on success, ``failed(exception, traceback_text)`` on error, ``cancelled()`` after a cancel,
    and ``done()`` after any of the three.
    """

    progressed = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.progress_state = Progress(self._emit_progress)
        self.result: Any = None
        self.error: BaseException | None = None
        self.is_done = False
        self._relay = _Relay()
        self._relay.progressed.connect(self._on_relay_progressed)
        self._relay.succeeded.connect(self._on_relay_succeeded)
        self._relay.failed.connect(self._on_relay_failed)
        self._relay.stopped.connect(self._on_relay_stopped)

    def _emit_progress(self, fraction: float, message: str) -> None:
        self._relay.progressed.emit(fraction, message)

    def cancel(self) -> None:
        self.progress_state.cancel()

    @Slot(float, str)
    def _on_relay_progressed(self, fraction: float, message: str) -> None:
        self.progressed.emit(fraction, message)

    @Slot(object)
    def _on_relay_succeeded(self, result: Any) -> None:
        self.result = result
        self.is_done = True
        self.finished.emit(result)
        self.done.emit()

    @Slot(object, str)
    def _on_relay_failed(self, error: BaseException, text: str) -> None:
        self.error = error
        self.is_done = True
        self.failed.emit(error, text)
        self.done.emit()

    @Slot()
    def _on_relay_stopped(self) -> None:
        self.is_done = True
        self.cancelled.emit()
        self.done.emit()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Any, Progress], Any], inputs: Any, task: Task) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._inputs = inputs
        self._relay = task._relay
        self._progress = task.progress_state

    def run(self) -> None:
        try:
            self._progress.check()
            result = self._fn(self._inputs, self._progress)
        except Cancelled:
            self._report("stopped")
        except BaseException as exc:
            if self._progress.cancelled:  # stopped by the cancel in its own way (a reader's or solver's error)
                log.info("Task ended after a cancel: %s", exc)
                self._report("stopped")
                return
            text = traceback.format_exc()
            log.error("Background task failed:\n%s", text)
            self._report("failed", exc, text)
        else:
            self._report("stopped" if self._progress.cancelled else "succeeded", result)

    def _report(self, outcome: str, *args: Any) -> None:
        """Tell the task how it ended, unless what asked for it is gone (its window closed, the process ending):
        then there is nobody to tell, and the outcome is only logged."""
        if outcome == "stopped":
            args = ()
        try:
            if shiboken6.isValid(self._relay):
                getattr(self._relay, outcome).emit(*args)
                return
        except RuntimeError:  # deleted between the check and the emit
            pass
        log.info("A background task %s after the window that started it closed.", outcome)


class TaskRunner(QObject):
    """Starts tasks on a thread pool and keeps them alive until they are done."""

    task_started = Signal(object)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._running: set[Task] = set()

    def start(self, title: str, fn: Callable[[Any, Progress], Any], inputs: Any = None) -> Task:
        task = Task(title, self)
        self._running.add(task)
        task.done.connect(lambda: self._running.discard(task))
        self.pool.start(_Runnable(fn, inputs, task))
        self.task_started.emit(task)
        return task

    @property
    def running(self) -> list[Task]:
        return [t for t in self._running if not t.is_done]

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every started task's function returned (their signals still need the event loop)."""
        return bool(self.pool.waitForDone(msecs))


def run_inline(fn: Callable[[Any, Progress], Any], inputs: Any = None) -> Any:
    """Run a task function on the calling thread (for a save on close, where the answer is needed now)."""
    return fn(inputs, Progress())


__all__ = ["Cancelled", "Progress", "Task", "TaskRunner", "run_inline"]
