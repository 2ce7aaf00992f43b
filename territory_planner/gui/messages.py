"""Messages to the people at the laptop, in one testable place.

Errors are shown in a message box opened with ``open()`` (window-modal, but it never blocks the caller in a nested
event loop) and also announced through ``error_shown``, which tests wait on instead of clicking a box. Questions
use ``QMessageBox.question`` (tests monkeypatch it).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


class Messenger(QObject):
    """Shows errors and notes for one window."""

    error_shown = Signal(str)
    note_shown = Signal(str)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._box: QMessageBox | None = None
        self.last_error: str | None = None

    def error(self, message: str, title: str = "That did not work", details: str | None = None) -> None:
        self.last_error = message
        log.info("Shown to the user: %s", message)
        box = self._box
        if box is None:
            box = self._box = QMessageBox(self._window)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setWindowTitle(title)
        box.setText(message)
        box.setDetailedText(details or "")
        box.open()
        self.error_shown.emit(message)

    def note(self, message: str) -> None:
        self.note_shown.emit(message)

    def ask(self, title: str, text: str, buttons: QMessageBox.StandardButton, default: QMessageBox.StandardButton):
        """A yes/no/cancel style question (``QMessageBox.question``, which tests replace)."""
        return QMessageBox.question(self._window, title, text, buttons, default)


__all__ = ["Messenger"]
