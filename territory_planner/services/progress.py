"""The one progress-and-cancel object of long use cases (open, save, import, export, build, solve): Qt-free.

A use case takes ``progress: Progress | None`` and calls ``progress.report(fraction, message)`` between steps; the
report raises :class:`Cancelled` once someone called :meth:`Progress.cancel` (the GUI's Cancel button, through
``gui/workers.py``), and ``progress.check()`` does the same without a message. Parts of a use case get a
:meth:`Progress.scaled` child that maps their 0..1 onto a slice of the whole and shares the parent's cancel.

Lower layers (readers, exporters, geo) cannot import ``services``: they take the plain callables
:meth:`Progress.report` and :attr:`Progress.is_cancelled` (a ``ReportFn`` and a ``() -> bool``), which a
``Progress`` hands out. ``Progress.of(fn)`` wraps a plain ``fn(fraction, message)`` (a script, a test) into one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..domain import PlanError

#: What lower layers accept for progress: ``report(fraction, message)``.
ReportFn = Callable[[float, str], None]


class Cancelled(PlanError):
    """Long work was cancelled by the user; nothing was changed or written."""

    def __init__(self, message: str = "The work was cancelled; nothing was changed.") -> None:
        super().__init__(message)


class Progress:
    """Report how far long work is, and ask whether it should stop.

    ``on_report(fraction, message)`` receives every report, with the fraction clamped to 0..1 and never going
    backwards. Safe to share between a worker thread (which reports and checks) and the GUI thread (which
    cancels).
    """

    def __init__(self, on_report: ReportFn | None = None) -> None:
        self._on_report = on_report
        self._event = threading.Event()
        self._parent: Progress | None = None
        self._start, self._end = 0.0, 1.0
        self._last = 0.0

    @classmethod
    def of(cls, progress: Progress | ReportFn | None) -> Progress:
        """``progress`` itself, a Progress that forwards to a plain ``fn(fraction, message)``, or a silent one."""
        if isinstance(progress, Progress):
            return progress
        return cls(progress)

    # --- reporting -----------------------------------------------------------------------------------------
    def report(self, fraction: float, message: str = "") -> None:
        """Say how far the work is (0..1). Raises :class:`Cancelled` when the work should stop."""
        self.check()
        value = self._start + (self._end - self._start) * max(0.0, min(1.0, float(fraction)))
        if self._parent is not None:
            self._parent.report(value, message)
            return
        self._last = max(self._last, value)
        if self._on_report is not None:
            self._on_report(self._last, message)

    __call__ = report

    def quiet(self) -> ReportFn:
        """A report function that never raises (for code that must not be interrupted half-way, such as a
        reader that closes its file itself); it stops reporting once cancelled. Pair it with :attr:`is_cancelled`."""

        def report(fraction: float, message: str = "") -> None:
            if not self.cancelled:
                self.report(fraction, message)

        return report

    def scaled(self, start: float, end: float) -> Progress:
        """A child for one part of the work: its 0..1 is ``start``..``end`` of this one; it shares the cancel."""
        child = Progress()
        child._parent = self
        child._start, child._end = start, end
        return child

    # --- cancelling ----------------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Ask the work to stop at its next report or check (any thread)."""
        if self._parent is not None:
            self._parent.cancel()
        else:
            self._event.set()

    @property
    def cancelled(self) -> bool:
        if self._parent is not None:
            return self._parent.cancelled
        return self._event.is_set()

    def is_cancelled(self) -> bool:
        """:attr:`cancelled` as a function, for lower layers that take a ``cancel() -> bool`` callback."""
        return self.cancelled

    def check(self, message: str | None = None) -> None:
        """Raise :class:`Cancelled` (with ``message``, if given) when the work should stop."""
        if self.cancelled:
            raise Cancelled(message) if message else Cancelled()


__all__ = ["Cancelled", "Progress", "ReportFn"]
