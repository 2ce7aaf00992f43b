"""File → Export… and File → Import: the dialogs, the plain task functions they run on a worker, and the
:class:`ImportExport` controller the main window owns.

Every import reads its file on a worker against a snapshot of the plan and comes back as one command, which the GUI
thread applies through :meth:`PlanDocument.execute` (so one import is one undo entry). A file with problems changes
nothing: its :class:`InputFileError` is shown, with every problem in the Details section when the list is long.
Exports write the whole pack or nothing (the export service guarantees that).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import Plan, PlanError
from ..domain.commands import Command
from ..services import imports
from ..services.export import DEFAULT_EXPORT_KINDS, EXPORT_KINDS, export_pack
from ..services.imports import COLUMNS, SHEETS, ColumnMapping, InputFileError, Preview, preview_table
from ..services.plans import is_database_url
from ..services.progress import Progress
from .workers import Task

log = logging.getLogger(__name__)

#: An InputFileError with more problems than this shows the first ones and puts the whole list under Details.
SHOWN_PROBLEMS = 8
TABLE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx);;All files (*)"
WORKBOOK_FILTER = "Excel workbooks (*.xlsx);;All files (*)"
REPORT_FILTER = "CSV files (*.csv)"

SHEET_LABELS = {
    "territories": "Territories",
    "assignments": "Assignments (which territory each unit is in)",
    "sellers": "Sellers and planned hires",
    "allocations": "Marketing allocations",
    "assumptions": "Assumptions",
    "attributes": "Unit attributes (numbers per unit)",
}


# --- plain task functions (run on workers; no Qt, no live plan) ------------------------------------------------


@dataclass(frozen=True)
class ExportRequest:
    """Which scenarios (the first leads the pack) go into which files (export kind → path)."""

    scenarios: tuple[str, ...]
    targets: dict[str, Path]


@dataclass(frozen=True)
class AccountsRequest:
    """An accounts import as the user set it up: the file, its column mapping and the optional report file."""

    path: Path
    columns: ColumnMapping = field(default_factory=ColumnMapping)
    report: Path | None = None


def export_task(inputs: tuple[Plan, ExportRequest], progress: Progress) -> list[Path]:
    """Write the pack of a plan snapshot; returns the files written."""
    plan, request = inputs
    return export_pack(plan, list(request.scenarios), request.targets, progress=progress)


def sheet_task(inputs: tuple[Plan, str, str, Path], progress: Progress) -> Command:
    """Read one plan sheet (kind, scenario, path) against a plan snapshot; returns the batch to apply."""
    plan, kind, scenario, path = inputs
    return imports.import_sheet(plan, kind, scenario, path, progress).command


def workbook_task(inputs: tuple[Plan, str, Path], progress: Progress) -> Command:
    """Read an exported workbook (scenario, path) against a plan snapshot; returns the batch to apply."""
    plan, scenario, path = inputs
    return imports.import_workbook(plan, scenario, path, progress).command


def accounts_task(inputs: tuple[Plan, AccountsRequest], progress: Progress) -> imports.AccountsImportResult:
    """Place the accounts of a CRM export in the plan's units; returns the AccountsImportResult (not applied)."""
    plan, request = inputs
    return imports.import_accounts(plan, request.path, request.columns, report=request.report, progress=progress)


def preview_task(path: Path, progress: Progress) -> Preview:
    """The header row and the first rows of a CSV or XLSX file (the rest of the file is not parsed)."""
    return preview_table(path, progress)


# --- messages ----------------------------------------------------------------------------------------------------


def error_text(exc: BaseException) -> tuple[str, str | None]:
    """What to show for a failed import or export: the message, and the Details text (None when it fits)."""
    if isinstance(exc, InputFileError) and len(exc.problems) > SHOWN_PROBLEMS:
        count = len(exc.problems)
        shown = "\n".join(f"  - {p}" for p in exc.problems[:SHOWN_PROBLEMS])
        message = (
            f"{Path(exc.file).name}: {count} problems; nothing was imported.\n{shown}\n"
            f"  … and {count - SHOWN_PROBLEMS} more: see Details for the full list. Fix them and import again."
        )
        return message, "\n".join(str(p) for p in exc.problems)
    return str(exc), None


def _safe_name(name: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name).strip(" .-")
    return cleaned[:80] or "Plan"


# --- dialogs -----------------------------------------------------------------------------------------------------


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
            item = QListWidgetItem(name)
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
            item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)

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
            self.scenario_list.item(i).text()
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


def _key(text: str) -> str:
    return re.sub(r"[^a-z]+", "", text.lower())


def _guess_column(columns: list[str], exact: tuple[str, ...], ending: tuple[str, ...] = ()) -> str | None:
    keys = [(_key(c), c) for c in columns if c]
    for wanted in exact:
        for key, column in keys:
            if key == wanted:
                return column
    for wanted in ending:
        for key, column in keys:
            if key.endswith(wanted):
                return column
    return None


class AccountsImportDialog(QDialog):
    """Map the columns of a CRM export: the first rows are shown, the user picks where the accounts are (ZIP code,
    or latitude and longitude), their name, the numbers to add up per unit and an optional report file."""

    def __init__(self, path: Path, preview: Preview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import CRM accounts — {path.name}")
        self.resize(900, 640)
        self._path = path
        self.preview = preview
        columns = [c for c in preview.columns if c]

        self.table = QTableWidget(len(preview.rows), len(preview.columns))
        self.table.setHorizontalHeaderLabels(preview.columns)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(22)
        for r, row in enumerate(preview.rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.zip_radio = QRadioButton("ZIP code column")
        self.coords_radio = QRadioButton("Latitude and longitude columns")
        group = QButtonGroup(self)
        group.addButton(self.zip_radio)
        group.addButton(self.coords_radio)
        self.zip_combo = QComboBox()
        self.lat_combo = QComboBox()
        self.lon_combo = QComboBox()
        for combo in (self.zip_combo, self.lat_combo, self.lon_combo):
            combo.addItems(columns)
        self.name_combo = QComboBox()
        self.name_combo.addItem("(find it under its usual name)", None)
        for column in columns:
            self.name_combo.addItem(column, column)

        zip_guess = _guess_column(
            columns, ("zip", "zipcode", "postalcode", "postcode"), ("zip", "postalcode", "zipcode")
        )
        lat_guess = _guess_column(columns, ("lat", "latitude", "y"), ("latitude",))
        lon_guess = _guess_column(columns, ("lon", "lng", "long", "longitude", "x"), ("longitude",))
        name_guess = _guess_column(columns, ("accountname", "account", "company", "companyname", "name"))
        for combo, guess in ((self.zip_combo, zip_guess), (self.lat_combo, lat_guess), (self.lon_combo, lon_guess)):
            if guess is not None:
                combo.setCurrentText(guess)
        if name_guess is not None:
            self.name_combo.setCurrentIndex(self.name_combo.findData(name_guess))
        by_coords = zip_guess is None and lat_guess is not None and lon_guess is not None
        (self.coords_radio if by_coords else self.zip_radio).setChecked(True)
        self.zip_radio.toggled.connect(self._update_enabled)

        place_box = QGroupBox("Where each account is")
        place = QGridLayout(place_box)
        place.addWidget(self.zip_radio, 0, 0)
        place.addWidget(self.zip_combo, 0, 1, 1, 3)
        place.addWidget(self.coords_radio, 1, 0)
        place.addWidget(QLabel("Latitude"), 1, 1)
        place.addWidget(self.lat_combo, 1, 2)
        place.addWidget(self.lon_combo, 2, 2)
        place.addWidget(QLabel("Longitude"), 2, 1)
        place.addWidget(QLabel("Account name"), 3, 0)
        place.addWidget(self.name_combo, 3, 1, 1, 3)
        place.setColumnStretch(2, 1)

        self.measure_list = QListWidget()
        self.measure_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        located = {zip_guess, lat_guess, lon_guess}
        summable = [c for c in preview.numeric if c not in located]  # ZIP codes and coordinates are not sums
        for column in summable:
            item = QListWidgetItem(column)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.measure_list.addItem(item)
        measures_box = QGroupBox("Numbers to add up per unit (besides the count of accounts)")
        measures_layout = QVBoxLayout(measures_box)
        if summable:
            measures_layout.addWidget(self.measure_list)
        else:
            measures_layout.addWidget(QLabel("No column of the first rows holds only numbers."))

        self.report_edit = QLineEdit()
        self.report_edit.setPlaceholderText("Optional: a CSV file listing the accounts that could not be placed")
        report_browse = QPushButton("Browse…")
        report_browse.clicked.connect(self._on_report_browse_clicked)
        report_row = QHBoxLayout()
        report_row.addWidget(QLabel("Report"))
        report_row.addWidget(self.report_edit, 1)
        report_row.addWidget(report_browse)

        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b3261e;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        shown = f"The first {len(preview.rows)} rows of {path.name}" if preview.rows else f"{path.name} has no rows"
        notes = "\n".join(preview.warnings)
        lower = QHBoxLayout()
        lower.addWidget(place_box, 3)
        lower.addWidget(measures_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(shown + (f"\n{notes}" if notes else "")))
        layout.addWidget(self.table, 1)
        layout.addLayout(lower)
        layout.addLayout(report_row)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self._update_enabled()

    def _update_enabled(self, *_: object) -> None:
        by_zip = self.zip_radio.isChecked()
        self.zip_combo.setEnabled(by_zip)
        self.lat_combo.setEnabled(not by_zip)
        self.lon_combo.setEnabled(not by_zip)

    def set_measures(self, names: list[str]) -> None:
        for i in range(self.measure_list.count()):
            item = self.measure_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)

    def request(self) -> AccountsRequest:
        measures = tuple(
            self.measure_list.item(i).text()
            for i in range(self.measure_list.count())
            if self.measure_list.item(i).checkState() == Qt.CheckState.Checked
        )
        report_text = self.report_edit.text().strip()
        report = Path(report_text).expanduser() if report_text else None
        if report is not None and report.suffix.lower() != ".csv":
            report = report.with_name(report.name + ".csv")
        name = self.name_combo.currentData()
        if self.zip_radio.isChecked():
            zip_column = self.zip_combo.currentText()
            if not zip_column:
                raise PlanError("Choose the column that holds the ZIP codes.")
            return AccountsRequest(self._path, ColumnMapping(zip=zip_column, name=name, measures=measures), report)
        lat, lon = self.lat_combo.currentText(), self.lon_combo.currentText()
        if not lat or not lon:
            raise PlanError("Choose the latitude and the longitude columns.")
        if lat == lon:
            raise PlanError(f"Latitude and longitude are both “{lat}”; choose two different columns.")
        return AccountsRequest(self._path, ColumnMapping(lat=lat, lon=lon, name=name, measures=measures), report)

    def _on_report_browse_clicked(self) -> None:
        suggested = self._path.with_name(self._path.stem + "-unplaced.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Report of unplaced accounts", str(suggested), REPORT_FILTER)
        if path:
            self.report_edit.setText(path)

    def _on_buttons_accepted(self) -> None:
        try:
            self.request()
        except PlanError as exc:
            self.problem_label.setText(str(exc))
            return
        self.accept()


# --- the controller ----------------------------------------------------------------------------------------------


class ImportExport(QObject):
    """The File → Export… and File → Import actions of one main window.

    ``ask_*`` methods ask the user (file pickers, then a dialog opened with ``open()``, never a nested event loop);
    the other public methods do the work on the window's task runner and return the task.
    """

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: QDialog | None = None  # the dialog opened last (tests reach it here)
        self._progress_dialogs: dict[Task, QProgressDialog] = {}

    # --- helpers -------------------------------------------------------------------------------------------
    def _folder(self) -> Path:
        saved = self.window.settings.value("import_export/folder", "")
        if saved and Path(str(saved)).is_dir():
            return Path(str(saved))
        target = self.window.document.target if self.window.document else None
        if target and not is_database_url(target):
            return Path(target).parent
        return Path.home()

    def _remember_folder(self, folder: Path) -> None:
        self.window.settings.setValue("import_export/folder", str(folder))

    def _start(self, title: str, fn: Callable[[Any, Progress], Any], inputs: Any, show_progress: bool = True) -> Task:
        task: Task = self.window.runner.start(title, fn, inputs)
        busy = f"{title}…"
        self.window.statusBar().showMessage(busy)

        def clear_busy() -> None:
            if self.window.statusBar().currentMessage() == busy:
                self.window.statusBar().clearMessage()

        task.done.connect(clear_busy)
        task.cancelled.connect(lambda: self.window.statusBar().showMessage(f"{title}: cancelled", 5000))
        if show_progress:
            dialog = QProgressDialog(f"{title}…", "Cancel", 0, 100, self.window)
            dialog.setWindowTitle(title)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(400)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setValue(0)
            dialog.canceled.connect(task.cancel)
            self._progress_dialogs[task] = dialog

            def on_progress(fraction: float, message: str) -> None:
                dialog.setValue(int(fraction * 100))
                if message:
                    dialog.setLabelText(message)

            task.progressed.connect(on_progress)
            task.done.connect(lambda: self._close_progress(task))
        return task

    def _close_progress(self, task: Task) -> None:
        dialog = self._progress_dialogs.pop(task, None)
        if dialog is not None:
            dialog.canceled.disconnect(task.cancel)  # closing a progress dialog emits canceled
            dialog.close()
            dialog.deleteLater()

    def _fail(self, title: str, exc: BaseException, details: str) -> None:
        message, more = error_text(exc)
        if not isinstance(exc, PlanError):  # not a problem with the user's input: say so, keep the traceback
            message = f"{title} failed unexpectedly: {exc}"
            more = details
        self.window.messages.error(message, title, more)

    def _inform(self, title: str, text: str, details: str | None = None) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self.window)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.window.statusBar().showMessage(text.splitlines()[0], 8000)
        self.window.messages.note(text)

    def _apply(self, doc: Any, command: Command) -> bool:
        if self.window.document is not doc:
            self.window.statusBar().showMessage("The plan was closed; the import was not applied.", 8000)
            return False
        return bool(doc.execute(command))

    # --- export --------------------------------------------------------------------------------------------
    def ask_export(self) -> ExportDialog | None:
        doc = self.window.document
        if doc is None:
            return None
        dialog = ExportDialog(doc.plan, doc.scenario_name, self._folder(), parent=self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.export(dialog.request()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def export(self, request: ExportRequest) -> Task | None:
        """Write the files of ``request`` for the shown plan on a worker (a snapshot: editing can go on)."""
        doc = self.window.document
        if doc is None:
            return None
        if request.targets:
            self._remember_folder(next(iter(request.targets.values())).parent)
        task = self._start("Exporting the plan", export_task, (doc.plan.deepcopy(), request))

        def on_written(paths: list[Path]) -> None:
            folder = paths[0].parent if paths else ""
            names = "\n".join(f"  - {p.name}" for p in paths)
            self._inform(
                "Exported", f"Exported {len(paths)} file{'s' if len(paths) != 1 else ''} to {folder}:\n{names}"
            )

        task.finished.connect(on_written)
        task.failed.connect(lambda exc, tb: self._fail("Export", exc, tb))
        return task

    # --- plan sheets and workbooks -------------------------------------------------------------------------
    def ask_import_sheet(self) -> SheetImportDialog | None:
        doc = self.window.document
        if doc is None:
            return None
        dialog = SheetImportDialog(doc.scenario_name, self._folder(), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.import_sheet(*dialog.choice()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def import_sheet(self, kind: str, path: str | Path) -> Task | None:
        """Read a plan sheet into the shown scenario on a worker, then apply it as one undo entry."""
        doc = self.window.document
        if doc is None:
            return None
        path = Path(path)
        self._remember_folder(path.parent)
        task = self._start(
            f"Importing {path.name}", sheet_task, (doc.plan.deepcopy(), kind, doc.scenario_name, path), False
        )
        task.finished.connect(lambda batch: self._applied(doc, batch))
        task.failed.connect(lambda exc, tb: self._fail("Import", exc, tb))
        return task

    def ask_import_workbook(self) -> Task | None:
        if self.window.document is None:
            return None
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import a Territory Planner workbook", str(self._folder()), WORKBOOK_FILTER
        )
        return self.import_workbook(path) if path else None

    def import_workbook(self, path: str | Path) -> Task | None:
        """Read an exported workbook into the shown scenario on a worker, then apply it as one undo entry."""
        doc = self.window.document
        if doc is None:
            return None
        path = Path(path)
        self._remember_folder(path.parent)
        task = self._start(f"Importing {path.name}", workbook_task, (doc.plan.deepcopy(), doc.scenario_name, path))
        task.finished.connect(lambda batch: self._applied(doc, batch))
        task.failed.connect(lambda exc, tb: self._fail("Import", exc, tb))
        return task

    def _applied(self, doc: Any, command: Command) -> None:
        if self._apply(doc, command):
            self.window.statusBar().showMessage(f"{command.label} — Undo takes it back", 8000)
            self.window.messages.note(command.label)

    # --- CRM accounts --------------------------------------------------------------------------------------
    def ask_import_accounts(self) -> Task | None:
        if self.window.document is None:
            return None
        path, _ = QFileDialog.getOpenFileName(self.window, "Import CRM accounts", str(self._folder()), TABLE_FILTER)
        if not path:
            return None
        return self.preview_accounts(path)

    def preview_accounts(self, path: str | Path) -> Task:
        """Read the first rows of an accounts file on a worker, then open the column-mapping dialog."""
        path = Path(path)
        self._remember_folder(path.parent)
        task = self._start(f"Reading {path.name}", preview_task, path, False)
        task.finished.connect(lambda preview: self.show_accounts_dialog(path, preview))
        task.failed.connect(lambda exc, tb: self._fail("Import", exc, tb))
        return task

    def show_accounts_dialog(self, path: Path, preview: Preview) -> AccountsImportDialog | None:
        if self.window.document is None:
            return None
        dialog = AccountsImportDialog(path, preview, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.import_accounts(dialog.request()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def import_accounts(self, request: AccountsRequest) -> Task | None:
        """Place the accounts on a worker, then set the unit attributes as one undo entry and say what happened."""
        doc = self.window.document
        if doc is None:
            return None
        task = self._start(
            f"Importing accounts from {request.path.name}", accounts_task, (doc.plan.deepcopy(), request)
        )

        def on_result(result: Any) -> None:
            if not self._apply(doc, result.command):
                return
            text = result.summary()
            warnings = list(result.warnings)
            if warnings:
                text += "\n\n" + "\n".join(f"- {w}" for w in warnings[:3])
                if len(warnings) > 3:
                    text += f"\n… and {len(warnings) - 3} more notes under Details."
            self._inform("Accounts imported", text, "\n".join(warnings) if len(warnings) > 3 else None)

        task.finished.connect(on_result)
        task.failed.connect(lambda exc, tb: self._fail("Import", exc, tb))
        return task


__all__ = [
    "AccountsImportDialog",
    "AccountsRequest",
    "ExportDialog",
    "ExportRequest",
    "ImportExport",
    "Preview",
    "SheetImportDialog",
    "accounts_task",
    "error_text",
    "export_task",
    "preview_task",
    "sheet_task",
    "workbook_task",
]
