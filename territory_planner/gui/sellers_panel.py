"""The Sellers dock panel: existing sellers and planned hires, add, edit, remove."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelectionModel,
    QSortFilterProxyModel,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QVBoxLayout,
    QWidget,
)

from ..domain import PlanError
from ..domain.commands import (
    AddSeller,
    EditSeller,
    RemoveSeller,
)
from ..domain.model import Seller
from .dialogs import SellerDialog
from .document import PlanDocument
from .model_base import NAME_ROLE
from .panel_base import Panel, panel_button, panel_table
from .seller_model import SellerTableModel


class SellersPanel(Panel):
    """Existing sellers and planned hires: add, edit, remove; each hire shows whether marketing funds them."""

    seller_selected = Signal(object)  # seller name or None
    seller_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SellerTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = panel_table(self.proxy)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setToolTip("Drag a seller or hire onto the map to put them into that territory")
        self.view.doubleClicked.connect(lambda _i: self.ask_edit())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.seller_selected.emit(self.selected_name()))
        bar = QHBoxLayout()
        bar.addWidget(
            panel_button(
                "Add hire…",
                "Plan a new hire: start month, ramp, quota, cost, territory",
                lambda: self.ask_add(True),
                self,
            )
        )
        bar.addWidget(panel_button("Add seller…", "Add an existing seller", lambda: self.ask_add(False), self))
        bar.addWidget(panel_button("Edit…", "Edit the selected seller or hire", self.ask_edit, self))
        bar.addWidget(panel_button("Remove", "Remove the selected seller or hire", self.remove_selected, self))
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self.default_territory: str | None = None

    def set_document(self, document: PlanDocument | None) -> None:
        super().set_document(document)
        self.model.set_document(document)

    def refresh(self) -> None:
        self.model.refresh()

    def selected_name(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(NAME_ROLE) if rows else None

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.view.selectionModel().select(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            self.view.scrollTo(index)

    def add_seller(self, seller: Seller) -> bool:
        if self.document is None:
            return False
        return self.document.execute(AddSeller(self.document.scenario_name, seller))

    def edit_seller(self, name: str, seller: Seller) -> bool:
        if self.document is None:
            return False
        return self.document.execute(EditSeller(self.document.scenario_name, name, seller))

    def ask_add(self, planned: bool) -> None:
        if self.document is None:
            return
        dialog = SellerDialog(self.document.scenario, None, planned, self.default_territory, self)
        if dialog.exec():
            try:
                self.add_seller(dialog.seller())
            except PlanError as exc:
                self.document.error_raised.emit(str(exc))

    def ask_edit(self) -> None:
        name = self.selected_name()
        if self.document is None or name is None:
            return
        seller = self.document.scenario.sellers.get(name)
        if seller is None:
            return
        dialog = SellerDialog(self.document.scenario, seller, seller.is_hire, None, self)
        if dialog.exec():
            try:
                new = dialog.seller()
            except PlanError as exc:
                self.document.error_raised.emit(str(exc))
                return
            if new != seller:
                self.edit_seller(name, new)

    def remove_selected(self) -> None:
        name = self.selected_name()
        if self.document is not None and name is not None:
            self.document.execute(RemoveSeller(self.document.scenario_name, name))
