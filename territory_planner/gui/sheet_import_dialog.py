"""File → Import → Plan sheet…: the dialog that chooses the file and which plan sheet it is
(:class:`SheetImportDialog`).

The controller (:class:`~.import_export.ImportExport`) opens it and runs the import on a worker.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import PlanError
from ..services.imports import COLUMNS, SHEETS
from ..services.sheet_kinds import detect_sheet_kind

TABLE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx);;All files (*)"

SHEET_LABELS = {
    "territories": "Territories",
    "assignments": "Assignments (which territory each unit is in)",
    "sellers": "Sellers and planned hires",
    "allocations": "Marketing allocations",
    "assumptions": "Assumptions",
    "attributes": "Unit attributes (numbers per unit)",
}


class SheetImportDialog(QDialog):
    """Choose the file and which plan sheet it is. The kind is preselected from the file's header
    (:func:`~..services.sheet_kinds.detect_sheet_kind`); the person can still change it.

    Import emits ``chosen(kind, path)`` and keeps the dialog open while the file is read: the controller calls
    :meth:`finish` when the import went in, or :meth:`show_problem` when it did not, which leaves the dialog open
    with the file and the kind as they were, so the person can correct the choice and try again.
    """

    chosen = Signal(str, object)
    problem_shown = Signal(str)

    def __init__(self, scenario: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a plan sheet")
        self.setMinimumWidth(480)
        self._folder = folder
        self.detected: str | None = None  # the kind the chosen file's header says it is
        self.kind_combo = QComboBox()
        for kind in SHEETS:
            self.kind_combo.addItem(SHEET_LABELS.get(kind, kind), kind)
        self.kind_combo.currentIndexChanged.connect(self._update_hint)
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("A CSV file or an Excel workbook (.xlsx)")
        self.file_edit.textChanged.connect(self._on_file_changed)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        form.addRow("File", file_row)
        form.addRow("Sheet", self.kind_combo)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Imported into the scenario “{scenario}” as one change you can undo."))
        layout.addLayout(form)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self._update_hint()

    def _update_hint(self, *_: object) -> None:
        kind = self.kind_combo.currentData()
        hint = "Columns: " + ", ".join(COLUMNS.get(kind, ()))
        if self.detected is not None:
            if self.detected == kind:
                hint += f"\nThe file's header is that of a {label_of(kind)} sheet."
            else:
                hint += f"\nThe file's header is that of a {label_of(self.detected)} sheet, not {label_of(kind)}."
        self.hint_label.setText(hint)

    def _on_file_changed(self, text: str) -> None:
        path = Path(text.strip()).expanduser() if text.strip() else None
        self.detected = detect_sheet_kind(path) if path is not None and path.is_file() else None
        if self.detected is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(self.detected))
        self._update_hint()

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a plan sheet", str(self._folder), TABLE_FILTER)
        if path:
            self.file_edit.setText(path)

    def choice(self) -> tuple[str, Path]:
        text = self.file_edit.text().strip()
        if not text:
            raise PlanError("Choose the file to import.")
        path = Path(text).expanduser()
        if not path.is_file():
            raise PlanError(f"There is no file {path}; choose it with Browse….")
        return str(self.kind_combo.currentData()), path

    def _on_buttons_accepted(self) -> None:
        try:
            kind, path = self.choice()
        except PlanError as exc:
            self.show_problem(str(exc))
            return
        self.problem_label.clear()
        self.import_button.setEnabled(False)
        self.chosen.emit(kind, path)

    def show_problem(self, message: str) -> None:
        """Say why the import did not go in, under the choice, which stays as it was (Import is enabled again).
        When the chosen kind is not the one the header says, say which to choose."""
        kind = self.kind_combo.currentData()
        if self.detected is not None and self.detected != kind:
            message = (
                f"{message}\nThe file's header is that of a {label_of(self.detected)} sheet: choose "
                f"“{SHEET_LABELS[self.detected]}” under Sheet and import again."
            )
        self.problem_label.setText(message)
        self.import_button.setEnabled(True)
        self.problem_shown.emit(message)

    def finish(self) -> None:
        """The import went in: close the dialog."""
        self.accept()


def label_of(kind: str) -> str:
    """A sheet kind as a sentence names it ("Marketing allocations" → "marketing allocations")."""
    label = SHEET_LABELS.get(kind, kind).split(" (")[0]
    return label[0].lower() + label[1:]


__all__ = ["SHEET_LABELS", "TABLE_FILTER", "SheetImportDialog", "label_of"]
