"""File → Import → CRM accounts…: the column-mapping dialog over the first rows of the file
(:class:`AccountsImportDialog`) and the request it gives (:class:`AccountsRequest`).

The controller (:class:`~.import_export.ImportExport`) reads the preview on a worker, opens it and runs the import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import PlanError
from ..services.imports import ColumnMapping, Preview

REPORT_FILTER = "CSV files (*.csv)"


@dataclass(frozen=True)
class AccountsRequest:
    """An accounts import as the user set it up: the file, its column mapping and the optional report file."""

    path: Path
    columns: ColumnMapping = field(default_factory=ColumnMapping)
    report: Path | None = None


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


__all__ = ["REPORT_FILTER", "AccountsImportDialog", "AccountsRequest"]
