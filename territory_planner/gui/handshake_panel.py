"""The Handshake panel: the written agreement of sales and marketing, one document per plan.

The stage definitions (lead, MQL, SQL, opportunity), the handoff criteria and SLA, the lead-quality standard and
the joint KPIs are edited here; each edit is a command (``SetHandshakeText``, ``SetKpi``) through the document, so
it is undoable and stored with the plan. The conversion rates are the assumptions' (edited in the Assumptions
panel) and are shown beside their benchmark ranges. Every widget is plain text: what people write is data.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.commands import SetHandshakeText, SetKpi
from ..domain.handshake import KPI_OWNERS, SECTIONS, Kpi, handshake_rates
from .document import PlanDocument
from .panel_base import Panel, RestingRefresh, follow_document, panel_button, panel_note


class _SectionEditor(QPlainTextEdit):
    """A plain-text box for one section; its text is applied as one command when the box loses focus."""

    def __init__(self, key: str, panel: HandshakePanel) -> None:
        super().__init__()
        self.key = key
        self._panel = panel
        self.setObjectName(f"handshake-{key}")
        self.setTabChangesFocus(True)
        self.setPlaceholderText("Not written yet")
        self.setFixedHeight(48)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._panel.commit_section(self.key)


class HandshakePanel(Panel):
    """Stages, handoff, SLA and lead quality as text; joint KPIs as a table; the agreed rates read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, _SectionEditor] = {}
        self._filling = False
        self._resting = RestingRefresh(self, self.refresh)  # once edits rest, and only while shown

        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        intro = panel_note(
            "What both teams agree, in writing: document it, share it, reinforce it. Each change is undoable and "
            "saved with the plan; the pack prints it as its Handshake page."
        )
        form.addRow(intro)
        for key, heading in SECTIONS.items():
            editor = self.editors[key] = _SectionEditor(key, self)
            label = QLabel(heading)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow(label, editor)

        kpi_box = QGroupBox("Joint KPIs")
        kpi_layout = QVBoxLayout(kpi_box)
        self.kpi_table = QTableWidget(0, 3)
        self.kpi_table.setHorizontalHeaderLabels(["KPI", "Target", "Owner"])
        self.kpi_table.verticalHeader().setVisible(False)
        self.kpi_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.kpi_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.kpi_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.kpi_table.itemChanged.connect(self._on_kpi_item_changed)
        kpi_layout.addWidget(self.kpi_table)
        buttons = QHBoxLayout()
        self.add_kpi_button = panel_button("Add KPI", "Add a joint KPI to the handshake", self.add_kpi, self)
        self.remove_kpi_button = panel_button("Remove KPI", "Remove the selected KPI", self.remove_selected_kpi, self)
        buttons.addWidget(self.add_kpi_button)
        buttons.addWidget(self.remove_kpi_button)
        buttons.addStretch(1)
        kpi_layout.addLayout(buttons)
        form.addRow(kpi_box)

        rate_box = QGroupBox("Agreed conversion rates (from the assumptions of the shown scenario)")
        rate_layout = QVBoxLayout(rate_box)
        self.rate_table = QTableWidget(0, 4)
        self.rate_table.setHorizontalHeaderLabels(["Stage", "Agreed", "Benchmark", "Plan's range"])
        self.rate_table.verticalHeader().setVisible(False)
        self.rate_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rate_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        rate_layout.addWidget(self.rate_table)
        rate_layout.addWidget(panel_note("Change a rate in the Assumptions panel; the handshake follows."))
        form.addRow(rate_box)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.setEnabled(False)

    # --- document ------------------------------------------------------------------------------------------
    def set_document(self, document: PlanDocument | None) -> None:
        follow_document(self.document, document, self._on_changed)
        super().set_document(document)
        self.refresh()

    def _on_changed(self, command: object = None, *_: object) -> None:
        self._resting.on_command(command)

    def refresh(self) -> None:
        doc = self.document
        self._filling = True
        try:
            handshake = doc.plan.governance.handshake if doc is not None else None
            for key, editor in self.editors.items():
                text = handshake.texts.get(key, "") if handshake is not None else ""
                if editor.toPlainText() != text and not (editor.hasFocus() and editor.document().isModified()):
                    editor.setPlainText(text)
                    editor.document().setModified(False)
            kpis = list(handshake.kpis.values()) if handshake is not None else []
            self.kpi_table.setRowCount(len(kpis))
            for row, kpi in enumerate(kpis):
                for column, value in enumerate((kpi.name, kpi.target)):
                    item = QTableWidgetItem(value)
                    item.setData(Qt.ItemDataRole.UserRole, kpi.name)
                    self.kpi_table.setItem(row, column, item)
                owner = QComboBox()
                owner.addItems(list(KPI_OWNERS))
                owner.setCurrentText(kpi.owner)
                owner.currentTextChanged.connect(lambda text, row=row: self._set_owner(row, text))
                self.kpi_table.setCellWidget(row, 2, owner)
            self.remove_kpi_button.setEnabled(bool(kpis))
            rates = handshake_rates(doc.scenario.assumptions) if doc is not None else []
            self.rate_table.setRowCount(len(rates))
            for row, rate in enumerate(rates):
                for column, value in enumerate((rate.label, rate.shown, rate.benchmark, rate.plan_range or "—")):
                    self.rate_table.setItem(row, column, QTableWidgetItem(value))
            self.rate_table.resizeColumnsToContents()
        finally:
            self._filling = False

    # --- edits ---------------------------------------------------------------------------------------------
    def commit_section(self, key: str) -> bool:
        """Apply the text of a section's box as one undoable change (nothing when it did not change)."""
        doc = self.document
        if doc is None or self._filling:
            return False
        editor = self.editors[key]
        text = editor.toPlainText()
        if text.strip() == doc.plan.governance.handshake.texts.get(key, ""):
            return False
        done = doc.execute(SetHandshakeText(key, text))
        editor.document().setModified(False)
        if not done:
            self.refresh()  # refused (too long, control characters): show what the plan holds
        return done

    def add_kpi(self, name: str | None = None, target: str = "", owner: str = "joint") -> bool:
        doc = self.document
        if doc is None:
            return False
        kpis = doc.plan.governance.handshake.kpis
        if name is None:
            name, n = "New KPI", 2
            while name in kpis:
                name, n = f"New KPI {n}", n + 1
        return doc.execute(SetKpi(name, Kpi(name, target, owner)))

    def remove_selected_kpi(self) -> bool:
        doc = self.document
        row = self.kpi_table.currentRow()
        item = self.kpi_table.item(row, 0) if row >= 0 else None
        if doc is None or item is None:
            return False
        return doc.execute(SetKpi(str(item.data(Qt.ItemDataRole.UserRole)), None))

    def _kpi(self, name: str) -> Kpi | None:
        doc = self.document
        return doc.plan.governance.handshake.kpis.get(name) if doc is not None else None

    def _on_kpi_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or self.document is None:
            return
        name = str(item.data(Qt.ItemDataRole.UserRole))
        kpi = self._kpi(name)
        if kpi is None:
            return
        text = item.text()
        changed = Kpi(text, kpi.target, kpi.owner) if item.column() == 0 else Kpi(kpi.name, text, kpi.owner)
        if changed == kpi:
            return
        if not self.document.execute(SetKpi(name, changed)):
            self.refresh()
            return
        self._filling = True
        try:  # the row now stands for the new name (the table is refilled only once the event loop turns)
            for column in (0, 1):
                cell = self.kpi_table.item(item.row(), column)
                if cell is not None:
                    cell.setData(Qt.ItemDataRole.UserRole, changed.name.strip())
        finally:
            self._filling = False

    def _set_owner(self, row: int, owner: str) -> None:
        item = self.kpi_table.item(row, 0)
        if item is None:
            return
        name = str(item.data(Qt.ItemDataRole.UserRole))
        kpi = self._kpi(name)
        if self._filling or kpi is None or self.document is None or kpi.owner == owner:
            return
        self.document.execute(SetKpi(name, Kpi(kpi.name, kpi.target, owner)))


__all__ = ["HandshakePanel"]
