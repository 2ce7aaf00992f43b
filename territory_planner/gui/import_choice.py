"""Ask before a plan sheet replaces what a scenario holds (issue 16 §3 item 1).

An allocations, sellers or territories sheet replaces the scenario's by default: a sheet of 2 allocations leaves 2
where there were 12. Before such an import is applied, :class:`ImportChoiceDialog` says what it will remove, change
and add (the engine's :class:`~..services.imports.ImportEffect` words it) and offers Replace, Merge (change only
the rows the file lists; offered for the sheets that can merge) or Cancel, which applies nothing. The controller in
``import_export.py`` applies the answer; :func:`replacing_label` names the undo entry of a replace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ..domain.commands import Batch, Command
from ..domain.formatting import count
from ..services.imports import MERGEABLE, ImportEffect
from .fix_dialog import scenario_label

#: The answers: the dialog's ``choice`` after it closed (None while open or when cancelled).
REPLACE = "replace"
MERGE = "merge"
MERGE_TEXT = "Merge (change only the rows listed)"


def replacing_label(command: Command, effect: ImportEffect) -> str:
    """The undo entry of a replacing import names what it replaced: "Import 2 allocations from money.csv
    (replaces 7 allocations with 2)"."""
    said = [f"replaces {count(k.before, k.noun)} with {k.after:,}" for k in effect.kinds if k.replaces]
    return f"{command.label} ({'; '.join(said)})" if said else command.label


def relabelled(command: Command, label: str) -> Command:
    """``command`` under another undo label (an import's batch; any other command is returned as it is)."""
    return replace(command, text=label) if isinstance(command, Batch) else command


def merge_note(effect: ImportEffect) -> str:
    """What Merge keeps, in one sentence: "Merge keeps the 6 allocations the file does not list.\""""
    kept = [count(len(k.removed), k.noun) for k in effect.kinds if k.replaces]
    return f"Merge keeps the {' and the '.join(kept)} the file does not list and changes only the rows it lists."


class ImportChoiceDialog(QDialog):
    """The file will replace what the scenario holds: Replace, Merge or Cancel. ``replace_chosen`` or
    ``merge_chosen`` is emitted when the person chooses; Cancel (or closing the window) rejects and emits neither."""

    replace_chosen = Signal()
    merge_chosen = Signal()

    def __init__(self, file_name: str, kind: str, effect: ImportEffect, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Replace or merge?")
        self.setMinimumWidth(460)
        self.choice: str | None = None
        self.mergeable = kind in MERGEABLE
        title = QLabel(f"{file_name} replaces what {scenario_label(effect.scenario)} holds.")
        title.setWordWrap(True)
        title.setStyleSheet("font-weight: 600;")
        self.effect_label = QLabel(effect.text())
        self.effect_label.setWordWrap(True)
        self.effect_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_label = QLabel(
            (merge_note(effect) + " " if self.mergeable else "") + "Either way, Undo takes the import back."
        )
        self.note_label.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.replace_button = self.buttons.addButton("Replace", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.merge_button: QPushButton | None = None
        if self.mergeable:
            self.merge_button = self.buttons.addButton(MERGE_TEXT, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Enter never replaces: it merges when it can, else cancels.
        (self.merge_button or self.cancel_button).setDefault(True)
        self.replace_button.setAutoDefault(False)
        self.replace_button.clicked.connect(lambda: self._choose(REPLACE))
        if self.merge_button is not None:
            self.merge_button.clicked.connect(lambda: self._choose(MERGE))
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.effect_label)
        layout.addWidget(self.note_label)
        layout.addWidget(self.buttons)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        (self.replace_chosen if choice == REPLACE else self.merge_chosen).emit()
        self.accept()


def ask_import_choice(
    parent: QWidget,
    file_name: str,
    kind: str,
    effect: ImportEffect,
    on_replace: Callable[[], object],
    on_merge: Callable[[], object],
    on_cancel: Callable[[], object],
) -> ImportChoiceDialog:
    """Open the dialog (``open()``: no nested event loop) and call back with the answer."""
    dialog = ImportChoiceDialog(file_name, kind, effect, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.replace_chosen.connect(on_replace)
    dialog.merge_chosen.connect(on_merge)
    dialog.rejected.connect(on_cancel)
    dialog.open()
    return dialog


__all__ = [
    "MERGE",
    "MERGE_TEXT",
    "REPLACE",
    "ImportChoiceDialog",
    "ask_import_choice",
    "merge_note",
    "relabelled",
    "replacing_label",
]
