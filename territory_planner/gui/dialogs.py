"""Dialogs: a seller or planned hire, a new plan, and recovery after a crash."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain import Month, PlanError, Seller
from ..domain.formatting import money
from ..domain.model import Scenario
from ..services.autosave import RecoveryEntry
from ..services.homes import check_home
from .parsing import parse_number


class SellerDialog(QDialog):
    """Add or edit a seller or planned hire. ``seller()`` gives the result (raises PlanError when invalid)."""

    def __init__(
        self,
        scenario: Scenario,
        seller: Seller | None = None,
        planned: bool = True,
        territory: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        editing = seller is not None
        self.setWindowTitle("Edit seller" if editing else ("Add a planned hire" if planned else "Add a seller"))
        self.setMinimumWidth(420)
        self._scenario = scenario
        self._original = seller
        currency = scenario.assumptions.currency
        self._currency = currency

        self.name_edit = QLineEdit(seller.name if seller else "")
        self.name_edit.setPlaceholderText("e.g. Denver AE (hire)")
        self.existing_radio = QRadioButton("Existing seller")
        self.planned_radio = QRadioButton("Planned hire")
        group = QButtonGroup(self)
        group.addButton(self.existing_radio)
        group.addButton(self.planned_radio)
        is_hire = seller.is_hire if seller else planned
        (self.planned_radio if is_hire else self.existing_radio).setChecked(True)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.existing_radio)
        kind_row.addWidget(self.planned_radio)
        kind_row.addStretch(1)

        self.territory_combo = QComboBox()
        self.territory_combo.addItem("— no territory —", None)
        for name in scenario.territories:
            self.territory_combo.addItem(name, name)
        chosen = seller.territory if seller else territory
        if chosen is not None:
            self.territory_combo.setCurrentIndex(max(0, self.territory_combo.findData(chosen)))

        self.start_combo = QComboBox()
        start0 = scenario.assumptions.period_start
        self.start_combo.addItem("Already in the team", None)
        for m in range(-6, 18):
            month = start0.plus(m)
            self.start_combo.addItem(month.label(), str(month))
        if seller is not None and seller.start_month is not None:
            idx = self.start_combo.findData(str(seller.start_month))
            if idx < 0:
                self.start_combo.addItem(seller.start_month.label(), str(seller.start_month))
                idx = self.start_combo.count() - 1
            self.start_combo.setCurrentIndex(idx)
        elif is_hire and seller is None:
            self.start_combo.setCurrentIndex(self.start_combo.findData(str(start0.plus(3))))

        self.ramp_spin = QSpinBox()
        self.ramp_spin.setRange(0, 60)
        self.ramp_spin.setSuffix(" months")
        self.ramp_spin.setValue(seller.ramp_months if seller else (5 if is_hire else 0))
        self.ramp_spin.setToolTip("Months until full productivity (median about 5)")
        self.quota_edit = QLineEdit(f"{seller.annual_quota:,.0f}" if seller else "1,200,000")
        self.quota_edit.setToolTip("Annual quota when fully ramped, e.g. 1.2M")
        self.cost_edit = QLineEdit(f"{seller.annual_cost:,.0f}" if seller else "")
        self.cost_edit.setPlaceholderText("e.g. 230k")
        self.home_edit = QLineEdit(seller.home or "" if seller else "")
        self.home_edit.setPlaceholderText("ZIP code, City, ST or lat,lon — e.g. 78701")
        self.home_edit.setToolTip(
            "Where the seller works from: shown on the map, and kept inside their territory by the territory builder"
        )

        self.error_label = QLabel("")
        self.error_label.setObjectName("ErrorNote")
        self.error_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Kind", kind_row)
        form.addRow("Territory", self.territory_combo)
        form.addRow("Starts", self.start_combo)
        form.addRow("Ramp", self.ramp_spin)
        form.addRow(f"Annual quota ({currency})", self.quota_edit)
        form.addRow(f"Annual cost ({currency})", self.cost_edit)
        form.addRow("Home base", self.home_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def seller(self) -> Seller:
        name = self.name_edit.text().strip()
        if not name:
            raise PlanError("Give the seller a name.")
        start_text = self.start_combo.currentData()
        status = "planned" if self.planned_radio.isChecked() else "existing"
        quota = parse_number(self.quota_edit.text() or "0", "Annual quota")
        cost = parse_number(self.cost_edit.text() or "0", "Annual cost")
        home_text = self.home_edit.text().strip()
        home = check_home(home_text, f"seller '{name}'") if home_text else None
        seller = Seller(
            name,
            self.territory_combo.currentData(),
            status,  # type: ignore[arg-type]
            Month.parse(start_text) if start_text else None,
            self.ramp_spin.value(),
            quota,
            cost,
            home,
        )
        if seller.is_hire and seller.start_month is None:
            raise PlanError(f"A planned hire needs a start month: when does {name} start?")
        return seller

    def _on_buttons_accepted(self) -> None:
        try:
            seller = self.seller()
        except PlanError as exc:
            self.error_label.setText(str(exc))
            return
        if seller.annual_quota <= 0:
            self.error_label.setText(
                f"{seller.name} has no quota: enter the annual quota, e.g. {money(1_200_000, self._currency)}."
            )
            return
        self.accept()


class NewPlanDialog(QDialog):
    """Choose the geography of a new plan: a bundled layer or the user's own boundary file."""

    def __init__(self, bundled: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New plan")
        self.setMinimumWidth(480)
        self.name_edit = QLineEdit("New territory plan")
        self.bundled_radio = QRadioButton("A bundled map")
        self.file_radio = QRadioButton("My own boundary file (GeoPackage, Shapefile, GeoJSON)")
        self.bundled_radio.setChecked(True)
        self.layer_combo = QComboBox()
        for name, title in bundled:
            self.layer_combo.addItem(title, name)
        counties = self.layer_combo.findData("us-counties")
        if counties >= 0:
            self.layer_combo.setCurrentIndex(counties)
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("Boundary file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("column with each area's id, e.g. GEOID")
        self.name_column_edit = QLineEdit()
        self.name_column_edit.setPlaceholderText("column with each area's name (optional)")
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Plan name", self.name_edit)
        form.addRow(self.bundled_radio)
        form.addRow("Map", self.layer_combo)
        form.addRow(self.file_radio)
        form.addRow("File", file_row)
        form.addRow("Id column", self.id_edit)
        form.addRow("Name column", self.name_column_edit)
        self.error_label = QLabel("")
        self.error_label.setObjectName("ErrorNote")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Boundary file", "", "Boundary files (*.gpkg *.shp *.geojson *.json);;All files (*)"
        )
        if path:
            self.file_edit.setText(path)
            self.file_radio.setChecked(True)

    def choice(self) -> dict[str, str | None]:
        if self.bundled_radio.isChecked():
            return {"name": self.name_edit.text().strip() or "New plan", "layer": self.layer_combo.currentData()}
        return {
            "name": self.name_edit.text().strip() or Path(self.file_edit.text()).stem,
            "file": self.file_edit.text().strip(),
            "id_column": self.id_edit.text().strip(),
            "name_column": self.name_column_edit.text().strip() or None,
        }

    def _on_buttons_accepted(self) -> None:
        if self.file_radio.isChecked():
            path = self.file_edit.text().strip()
            if not path or not Path(path).exists():
                self.error_label.setText("Choose a boundary file that exists.")
                return
            if not self.id_edit.text().strip():
                self.error_label.setText("Name the column that holds each area's id.")
                return
        self.accept()


class RecoveryDialog(QDialog):
    """After a crash: which autosaved plans to recover."""

    def __init__(self, entries: list[RecoveryEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recover unsaved changes")
        self.setMinimumWidth(520)
        label = QLabel(
            "Territory Planner closed before these changes were saved. Recover one to keep working on it, "
            "or discard them."
        )
        label.setWordWrap(True)
        self.list = QListWidget()
        for entry in entries:
            item = QListWidgetItem(entry.describe())
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox()
        self.recover_button = buttons.addButton("Recover", QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard_button = buttons.addButton("Discard all", QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton("Later", QDialogButtonBox.ButtonRole.RejectRole)
        self.discard_all = False
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.discard_button.clicked.connect(self._on_discard_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def _on_discard_clicked(self) -> None:
        self.discard_all = True
        self.reject()

    def chosen(self) -> RecoveryEntry | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


__all__ = ["NewPlanDialog", "RecoveryDialog", "SellerDialog"]
