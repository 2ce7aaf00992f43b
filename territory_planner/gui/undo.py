"""The thin QUndoCommand adapter around a domain command.

The pattern (one for the whole app): a command is applied *first*, through the plan session, so an invalid command
raises before anything is pushed; the adapter is then pushed with the inverse it returned. ``QUndoStack.push``
calls ``redo()`` at once: the adapter skips that first call, because the command is already applied. Later
``undo()`` applies the stored inverse (keeping the command it returns for the next redo) and ``redo()`` applies
the command again (keeping the fresh inverse).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from ..domain.commands import Command, undo_label

log = logging.getLogger(__name__)

Apply = Callable[[Command], Command]


class DomainUndoCommand(QUndoCommand):
    """An already-applied domain command on the undo stack."""

    def __init__(self, apply: Apply, command: Command, inverse: Command) -> None:
        super().__init__(undo_label(command, inverse))
        self._apply = apply
        self.command = command
        self.inverse = inverse
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            # push() calls redo() once; the command was applied before it was pushed.
            self._pushed = True
            return
        self.inverse = self._apply(self.command)

    def undo(self) -> None:
        self.command = self._apply(self.inverse)


__all__ = ["DomainUndoCommand"]
