"""Shared parts of the dock panels: the panel base class and button, note and table helpers."""

from __future__ import annotations

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
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


#: How long the table must rest after a change before its columns are fitted to their contents again.
FIT_COLUMNS_AFTER_MS = 400


def fit_columns_when_idle(view: QTableView, first: int = 0) -> QTimer:
    """Fit columns ``first``.. to their contents when the model is reset, and once edits rest.

    Qt's ``ResizeToContents`` measures every cell of every column on each ``dataChanged``: at ZIP scale that was
    a third of a paint stroke's time (1,800 ``data()`` calls for a 20-row table). Here the measuring waits until
    strokes pause, and a column only grows, so a width the person chose by dragging is kept.
    """
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    timer = QTimer(view)
    timer.setSingleShot(True)
    timer.setInterval(FIT_COLUMNS_AFTER_MS)

    def fit() -> None:
        model = view.model()
        if model is None:
            return
        last = model.columnCount() - (1 if header.stretchLastSection() else 0)
        for column in range(first, last):
            wanted = view.sizeHintForColumn(column)
            wanted = max(wanted, header.sectionSizeHint(column))
            if wanted > header.sectionSize(column):
                header.resizeSection(column, wanted)

    timer.timeout.connect(fit)
    model = view.model()
    model.dataChanged.connect(lambda *_: timer.start())
    model.layoutChanged.connect(lambda *_: timer.start())
    model.rowsInserted.connect(lambda *_: timer.start())
    model.modelReset.connect(fit)
    fit()
    return timer


class Panel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: PlanDocument | None = None

    def set_document(self, document: PlanDocument | None) -> None:
        self.document = document
        self.setEnabled(document is not None)

    def refresh(self) -> None:
        """Bring the panel up to date with the document's current scenario."""
