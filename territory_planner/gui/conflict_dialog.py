"""When a save finds that someone else saved the plan since it was opened: ask what to do, never overwrite.

The choices: reload the plan and apply my unsaved edits again (the undo stack holds them as commands), keep mine as
a new what-if in the reloaded plan, save mine as another file, or cancel (nothing is saved, my edits stay).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ..domain import PlanError
from ..services.plans import PlanConflictError, when_text
from .document import PlanDocument, reload_and_reapply, reload_with_mine_as_what_if

log = logging.getLogger(__name__)

RELOAD, WHAT_IF, SAVE_AS, CANCEL = "reload", "what_if", "save_as", "cancel"


class ConflictHost(Protocol):
    """What the dialog needs from the main window."""

    document: PlanDocument | None
    messages: Any

    def set_document(self, document: PlanDocument | None) -> None: ...
    def save(self) -> Any: ...
    def ask_save_as(self) -> None: ...


class ConflictDialog(QDialog):
    """ "This plan was changed by <who> at <when> since you opened it", with the four choices."""

    chosen = Signal(str)

    def __init__(self, error: PlanConflictError, can_reapply: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The plan was changed by someone else")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        text = QLabel(
            f"This plan was changed by {error.saved_by} at {when_text(error.saved_at)} since you opened it.\n\n"
            "Your changes are not saved yet, and saving now would throw theirs away. What should happen?"
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)  # a user name is data, never markup
        layout.addWidget(text)
        self.message = text
        buttons = QDialogButtonBox(Qt.Orientation.Vertical)
        self.buttons: dict[str, QPushButton] = {}
        for key, label, role in (
            (RELOAD, "Reload and re-apply my changes", QDialogButtonBox.ButtonRole.AcceptRole),
            (WHAT_IF, "Save mine as a new what-if", QDialogButtonBox.ButtonRole.AcceptRole),
            (SAVE_AS, "Save as another file…", QDialogButtonBox.ButtonRole.AcceptRole),
            (CANCEL, "Cancel", QDialogButtonBox.ButtonRole.RejectRole),
        ):
            button = buttons.addButton(label, role)
            button.clicked.connect(lambda _checked=False, k=key: self._choose(k))
            self.buttons[key] = button
        if not can_reapply:
            self.buttons[RELOAD].setEnabled(False)
            self.buttons[RELOAD].setToolTip("Your edits since the last save cannot be replayed one by one.")
        layout.addWidget(buttons)

    def _choose(self, key: str) -> None:
        self.chosen.emit(key)
        if key == CANCEL:
            self.reject()
        else:
            self.accept()


def handle_save_conflict(window: ConflictHost, document: PlanDocument, error: BaseException) -> bool:
    """Show the conflict dialog when ``error`` is a :class:`PlanConflictError`; False (nothing done) otherwise."""
    if not isinstance(error, PlanConflictError):
        return False
    parent = window if isinstance(window, QWidget) else None
    dialog = ConflictDialog(error, document.unsaved_commands() is not None, parent)
    dialog.chosen.connect(lambda key: _on_choice(window, document, key))
    dialog.open()
    return True


def _on_choice(window: ConflictHost, document: PlanDocument, key: str) -> None:
    if key == CANCEL or window.document is not document:
        return
    if key == SAVE_AS:
        window.ask_save_as()
        return
    try:
        if key == RELOAD:
            fresh, skipped = reload_and_reapply(document)
        else:
            fresh, skipped = reload_with_mine_as_what_if(document), []
    except PlanError as exc:
        window.messages.error(f"Could not reload the plan: {exc}", "Not saved")
        return
    window.set_document(fresh)
    window.save()
    if skipped:
        window.messages.error(
            "Some of your changes no longer fit the plan as the other person saved it, so they were left out: "
            + "; ".join(skipped),
            "Some changes left out",
        )


# --- live sharing: the same field changed here and by someone else ------------------------------------------

MINE, THEIRS = "mine", "theirs"


class FieldConflictDialog(QDialog):
    """ "You and Dana both changed …": each field with both values, and the choice of whose values to keep."""

    chosen = Signal(str)

    def __init__(self, conflicts: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("You and someone else changed the same thing")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        authors = sorted({str(c.author) for c in conflicts})
        lines = [f"• {c}" for c in conflicts]  # "Colour of territory T0: yours '#aa0000', Dana's '#00bb00'"
        text = QLabel(
            f"{' and '.join(authors)} changed the same {'field' if len(conflicts) == 1 else 'fields'} as you since "
            "you last saw the plan:\n\n" + "\n".join(lines) + "\n\nWhose values should the plan keep?"
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)  # names and values are data, never markup
        layout.addWidget(text)
        self.message = text
        buttons = QDialogButtonBox(Qt.Orientation.Horizontal)
        self.buttons: dict[str, QPushButton] = {}
        theirs = f"Take {authors[0]}'s" if len(authors) == 1 else "Take theirs"
        for key, label in ((MINE, "Keep mine"), (THEIRS, theirs)):
            button = buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
            button.clicked.connect(lambda _checked=False, k=key: self._choose(k))
            self.buttons[key] = button
        layout.addWidget(buttons)

    def _choose(self, key: str) -> None:
        self.chosen.emit(key)
        self.accept()


__all__ = [
    "CANCEL",
    "MINE",
    "RELOAD",
    "SAVE_AS",
    "THEIRS",
    "WHAT_IF",
    "ConflictDialog",
    "FieldConflictDialog",
    "handle_save_conflict",
]
