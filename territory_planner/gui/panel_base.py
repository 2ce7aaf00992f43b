"""Shared parts of the dock panels: the panel base class and button, note and table helpers."""

from __future__ import annotations

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from .document import PlanDocument


def panel_button(text: str, tip: str, slot: object, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


def panel_note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("PanelNote")
    label.setWordWrap(True)
    return label


def panel_table(model: QSortFilterProxyModel | object, sortable: bool = True) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(sortable)
    if sortable:
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the model's own order first
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setHighlightSections(False)
    view.setShowGrid(False)
    view.setWordWrap(False)
    return view


class Panel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: PlanDocument | None = None

    def set_document(self, document: PlanDocument | None) -> None:
        self.document = document
        self.setEnabled(document is not None)

    def refresh(self) -> None:
        """Bring the panel up to date with the document's current scenario."""
