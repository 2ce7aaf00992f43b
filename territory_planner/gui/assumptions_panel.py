"""The Assumptions dock panel: the funnel handshake for the plan or one region or territory."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .assumption_model import AssumptionTableModel
from .document import PlanDocument
from .panel_base import Panel, fit_columns_when_idle, panel_button, panel_note, panel_table


class AssumptionsPanel(Panel):
    """The funnel handshake, for the whole plan or as overrides of one region or territory."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level_combo = QComboBox()
        self.level_combo.currentIndexChanged.connect(self._on_level_combo_changed)
        self.model = AssumptionTableModel()
        self.view = panel_table(self.model, sortable=False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.horizontalHeader().setStretchLastSection(True)
        self._fit_columns = fit_columns_when_idle(self.view)
        self.clear_button = panel_button(
            "Use inherited value", "Remove this level's override of the selected value", self.clear_selected, self
        )
        self.period_edit = QLineEdit()
        self.period_edit.setMaximumWidth(90)
        self.period_edit.setToolTip("First month of the 12-month plan period, as YYYY-MM")
        self.period_edit.editingFinished.connect(lambda: self._set_text_value("period_start", self.period_edit))
        self.currency_edit = QLineEdit()
        self.currency_edit.setMaximumWidth(60)
        self.currency_edit.setToolTip("Plan currency, a 3-letter code such as USD, EUR or GBP")
        self.currency_edit.editingFinished.connect(lambda: self._set_text_value("currency", self.currency_edit))
        top = QHBoxLayout()
        top.addWidget(QLabel("Values for"))
        top.addWidget(self.level_combo, 1)
        top.addWidget(self.clear_button)
        top.addSpacing(12)
        top.addWidget(QLabel("Plan starts"))
        top.addWidget(self.period_edit)
        top.addWidget(QLabel("Currency"))
        top.addWidget(self.currency_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(
            panel_note(
                "Type rates as 25 % or 0.25, money as 180, 60k or 1.2M. Grey values are inherited; "
                "typing one sets an override for this region or territory. Low and High give a funnel "
                "assumption a plausible range for the whole plan (the confidence run and the tornado use it); "
                "a region or territory shows the plan's range scaled by its value."
            )
        )

    def set_document(self, document: PlanDocument | None) -> None:
        super().set_document(document)
        self.model.set_document(document)
        self._fill_levels()
        self._show_text_values()

    def _fill_levels(self) -> None:
        current = self._key(self.model.level, self.model.name)
        self.level_combo.blockSignals(True)
        self.level_combo.clear()
        self.level_combo.addItem("The whole plan", "plan")
        if self.document is not None:
            s = self.document.scenario
            for region in s.regions:
                self.level_combo.addItem(f"Region {region}", self._key("region", region))
            for name in s.territories:
                self.level_combo.addItem(f"Territory {name}", self._key("territory", name))
        idx = max(0, self.level_combo.findData(current))
        self.level_combo.setCurrentIndex(idx)
        self.level_combo.blockSignals(False)
        self.clear_button.setEnabled(self.model.level != "plan")

    def refresh(self) -> None:
        self.model.refresh()
        self._fill_levels()
        self._show_text_values()

    def _show_text_values(self) -> None:
        if self.document is None:
            return
        a = self.document.scenario.assumptions
        if not self.period_edit.hasFocus():
            self.period_edit.setText(str(a.period_start))
        if not self.currency_edit.hasFocus():
            self.currency_edit.setText(a.currency)

    def _set_text_value(self, key: str, edit: QLineEdit) -> None:
        """The plan's first month or currency (text values; the domain checks them)."""
        if self.document is None:
            return
        text = edit.text().strip()
        current = self.document.scenario.assumptions.get("plan", None, key)
        if text == str(current) or (key == "currency" and text.upper() == str(current)):
            return
        from ..domain.commands import SetAssumption

        if not self.document.execute(SetAssumption(self.document.scenario_name, "plan", None, key, text)):
            edit.setText(str(current))

    @staticmethod
    def _key(level: str, name: str | None) -> str:
        return level if name is None else f"{level}:{name}"

    def show_level(self, level: str, name: str | None) -> None:
        idx = self.level_combo.findData(self._key(level, name))
        if idx >= 0:
            self.level_combo.setCurrentIndex(idx)

    def _on_level_combo_changed(self, _index: int) -> None:
        data = self.level_combo.currentData()
        if not data:
            return
        level, _, name = str(data).partition(":")
        self.model.set_level(level, name or None)
        self.clear_button.setEnabled(level != "plan")

    def clear_selected(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.model.clear_override(self.model.key_at(index.row()))
