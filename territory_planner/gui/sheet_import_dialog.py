"""File → Import → Plan sheet…: the dialog that chooses the file and which plan sheet it is
(:class:`SheetImportDialog`).

The controller (:class:`~.import_export.ImportExport`) opens it and runs the import on a worker.
"""

from __future__ import annotations

from pathlib import Path

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
    """Choose which plan sheet a file is and the file. ``choice()`` gives ``(kind, path)``."""

    def __init__(self, scenario: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a plan sheet")
        self.setMinimumWidth(480)
        self._folder = folder
        self.kind_combo = QComboBox()
        for kind in SHEETS:
            self.kind_combo.addItem(SHEET_LABELS.get(kind, kind), kind)
        self.kind_combo.currentIndexChanged.connect(self._update_hint)
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("A CSV file or an Excel workbook (.xlsx)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        form.addRow("Sheet", self.kind_combo)
        form.addRow("File", file_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Imported into the scenario “{scenario}” as one change you can undo."))
        layout.addLayout(form)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self._update_hint()

    def _update_hint(self, *_: object) -> None:
        kind = self.kind_combo.currentData()
        self.hint_label.setText("Columns: " + ", ".join(COLUMNS.get(kind, ())))

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
            self.choice()
        except PlanError as exc:
            self.problem_label.setText(str(exc))
            return
        self.accept()


__all__ = ["SHEET_LABELS", "TABLE_FILTER", "SheetImportDialog"]
