"""File → Export…: the dialog that chooses the scenarios, the kinds of file and where they go (:class:`ExportDialog`).

The controller (:class:`~.import_export.ImportExport`) opens it and runs the export on a worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from ..domain import Plan, PlanError
from ..domain.model import scenario_label
from ..services.export import DEFAULT_EXPORT_KINDS, EXPORT_KINDS


@dataclass(frozen=True)
class ExportRequest:
    """Which scenarios (the first leads the pack) go into which files (export kind → path)."""

    scenarios: tuple[str, ...]
    targets: dict[str, Path]


def _safe_name(name: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name).strip(" .-")
    return cleaned[:80] or "Plan"


class ExportDialog(QDialog):
    """Choose the scenarios, the files and where they go. ``request()`` gives the choice (raises PlanError when it
    is incomplete)."""

    def __init__(
        self, plan: Plan, current: str, folder: Path, kinds: tuple[str, ...] = DEFAULT_EXPORT_KINDS, parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the plan")
        self.setMinimumWidth(520)
        self._current = current

        self.scenario_list = QListWidget()
        self.scenario_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for name in plan.scenarios:
            item = QListWidgetItem(scenario_label(name))  # shown as the app shows it; the name is the data
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name == current else Qt.CheckState.Unchecked)
            self.scenario_list.addItem(item)
        self.scenario_list.setMaximumHeight(110)
        scenarios_box = QGroupBox("Scenarios (the one shown leads; two or more add a comparison to the report)")
        QVBoxLayout(scenarios_box).addWidget(self.scenario_list)

        self.kind_boxes: dict[str, QCheckBox] = {}
        files_box = QGroupBox("Files")
        grid = QGridLayout(files_box)
        for i, kind in enumerate(EXPORT_KINDS):
            box = QCheckBox(kind.label)
            box.setChecked(kind.key in kinds)
            box.toggled.connect(self._update_files_label)
            self.kind_boxes[kind.key] = box
            grid.addWidget(box, i // 2, i % 2)

        self.folder_edit = QLineEdit(str(folder))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.name_edit = QLineEdit(_safe_name(plan.name))
        self.folder_edit.textChanged.connect(self._update_files_label)
        self.name_edit.textChanged.connect(self._update_files_label)
        form = QFormLayout()
        form.addRow("Folder", folder_row)
        form.addRow("File name", self.name_edit)

        self.files_label = QLabel()
        self.files_label.setWordWrap(True)
        self.files_label.setStyleSheet("color: palette(mid);")
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b3261e;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(scenarios_box)
        layout.addWidget(files_box)
        layout.addLayout(form)
        layout.addWidget(self.files_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self._update_files_label()

    def set_kinds(self, kinds: tuple[str, ...] | list[str]) -> None:
        for kind, box in self.kind_boxes.items():
            box.setChecked(kind in kinds)

    def set_scenarios(self, names: list[str]) -> None:
        for i in range(self.scenario_list.count()):
            item = self.scenario_list.item(i)
            item.setCheckState(
                Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in names else Qt.CheckState.Unchecked
            )

    def _targets(self) -> dict[str, Path]:
        folder = Path(self.folder_edit.text().strip()).expanduser()
        base = self.name_edit.text().strip()
        return {
            kind.key: folder / f"{base}{kind.ending}" for kind in EXPORT_KINDS if self.kind_boxes[kind.key].isChecked()
        }

    def _update_files_label(self, *_: object) -> None:
        names = [p.name for p in self._targets().values()] if self.name_edit.text().strip() else []
        self.files_label.setText("Writes: " + ", ".join(names) if names else "")

    def request(self) -> ExportRequest:
        checked = [
            self.scenario_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.scenario_list.count())
            if self.scenario_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        if not checked:
            raise PlanError("Tick at least one scenario to export.")
        if self._current in checked:
            checked.remove(self._current)
            checked.insert(0, self._current)
        if not any(box.isChecked() for box in self.kind_boxes.values()):
            raise PlanError("Tick at least one kind of file to export.")
        name = self.name_edit.text().strip()
        if not name or _safe_name(name) != name:
            raise PlanError('Give a file name without / \\ : * ? " < > | (for example the plan name).')
        folder_text = self.folder_edit.text().strip()
        if not folder_text or not Path(folder_text).expanduser().is_dir():
            raise PlanError(f"The folder “{folder_text}” does not exist; choose one with Browse….")
        return ExportRequest(tuple(checked), self._targets())

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export into folder", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def _on_buttons_accepted(self) -> None:
        try:
            request = self.request()
        except PlanError as exc:
            self.problem_label.setText(str(exc))
            return
        existing = [p.name for p in request.targets.values() if p.exists()]
        if existing:
            answer = QMessageBox.question(
                self,
                "Replace files?",
                f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''} in that folder. Replace?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.accept()


__all__ = ["ExportDialog", "ExportRequest"]
