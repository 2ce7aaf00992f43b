"""Shared parts of the dock panels: the panel base class and button, note and table helpers."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QObject,
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

from .docks import in_view, when_in_view
from .document import PlanDocument
from .territory_state import only_assignments


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


def follow_document(
    old: PlanDocument | None, new: PlanDocument | None, slot: Callable[..., None], *, switches: bool = True
) -> None:
    """Move ``slot`` from ``old``'s changes (and, with ``switches``, scenario switches) to ``new``'s."""
    if old is not None and old is not new:
        old.changed.disconnect(slot)
        if switches:
            old.scenario_switched.disconnect(slot)
    if new is not None and new is not old:
        new.changed.connect(slot)
        if switches:
            new.scenario_switched.connect(slot)


def read_only_table(model: object) -> QTableView:
    """A table of rows to read and pick one of (the change log, comments): no editing, whole rows selected."""
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
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


#: How long edits must rest before a panel that does not follow a paint stroke live refreshes (milliseconds).
REFRESH_AFTER_MS = 250


class RestingRefresh(QObject):
    """Refreshes a panel once edits rest, and only while it is in view (gui/docks.py: a dock behind another dock's
    tab is not); a panel out of view catches up when it comes into view.

    For the panels a paint stroke does not change on screen (history, comments, handshake): refreshing them on
    every stroke cost a stroke several milliseconds at ZIP scale (issue 16 §4).
    """

    def __init__(self, widget: QWidget, refresh: Callable[[], None], delay_ms: int = REFRESH_AFTER_MS) -> None:
        super().__init__(widget)
        self._widget = widget
        self._refresh = refresh
        self.dirty = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._on_timeout)
        widget.installEventFilter(self)  # shown again (undocked, or a window of its own)
        when_in_view(widget, self._on_shown)  # its dock's tab picked again

    def schedule(self, *_: object) -> None:
        self.dirty = True
        self.timer.start()

    def on_command(self, command: object = None, *_: object) -> None:
        """After a command: a paint stroke waits until edits rest (and the panel is shown); anything else (a
        comment, a handshake text, a rename) shows at the next event-loop turn, shown or not."""
        if command is not None and only_assignments(command):
            self.schedule()
        else:
            self.dirty = True
            QTimer.singleShot(0, self._refresh_if_dirty)

    def _refresh_if_dirty(self) -> None:
        if self.dirty:
            self.now()

    def now(self) -> None:
        """Refresh at once (after a change the panel itself made, or for a caller that needs it current)."""
        self.timer.stop()
        self.dirty = False
        self._refresh()

    def _on_timeout(self) -> None:
        if in_view(self._widget):
            self.now()

    def _on_shown(self) -> None:
        if self.dirty:
            QTimer.singleShot(0, self._on_timeout)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Show:
            self._on_shown()
        return False
