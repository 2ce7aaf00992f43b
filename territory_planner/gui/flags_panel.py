"""The Flags dock panel: blocking flags and warnings with wrapped messages."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..domain import Flag, Report
from .flags_model import FlagsModel
from .model_base import FLAG_ROLE
from .panel_base import Panel, panel_button, panel_note


class _WrapDelegate(QStyledItemDelegate):
    """Row heights that fit a message wrapped to the width the tree gives it."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        base = super().sizeHint(option, index)
        depth = 0
        parent = index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        icon = option.decorationSize.width() + 8 if index.data(Qt.ItemDataRole.DecorationRole) is not None else 0
        width = self._view.viewport().width() - self._view.indentation() * (depth + 1) - icon - 12
        if width <= 40:
            return base
        font = index.data(Qt.ItemDataRole.FontRole) or option.font
        metrics = QFontMetrics(font)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        rect = metrics.boundingRect(QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), text)
        return QSize(base.width(), max(base.height(), rect.height() + 8))


class _WrappingTree(QTreeView):
    """A tree whose long messages wrap to the panel's width (row heights are recomputed on resize)."""

    def __init__(self) -> None:
        super().__init__()
        self.setItemDelegate(_WrapDelegate(self))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()


class FlagsPanel(Panel):
    """Every finding of the checks, blocking first, in plain words. Double-click shows the subject on the map."""

    flag_activated = Signal(object)  # Flag
    fix_requested = Signal(object)  # a blocking Flag: "Fix…" (the window opens the fix dialog)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FlagsModel()
        self.view = _WrappingTree()
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.header().setStretchLastSection(True)
        self.view.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # stable width for wrapping
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.view.setWordWrap(True)
        self.view.setUniformRowHeights(False)
        self.view.setIndentation(14)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.view.activated.connect(self._on_view_double_clicked)
        self.next_button = panel_button("Next problem  (F8)", "Show the next flag on the map", self.next_problem, self)
        self.fix_button = panel_button(
            "Fix…", "The changes that would clear the selected blocking problem", self.ask_fix, self
        )
        self.fix_button.setEnabled(False)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_fix_button())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.caption = panel_note()
        bar = QHBoxLayout()
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.fix_button)
        bar.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self.keys_hint = panel_note("F8 next problem · Ctrl+PgDown next scenario · F11 leave workshop mode")
        self.keys_hint.setVisible(False)
        layout.addWidget(self.keys_hint)
        self._position = -1

    def set_report(self, report: Report | None) -> None:
        flags = report.flags if report is not None else []
        rebuilt = self.model.set_flags(flags)
        if rebuilt:  # other problems now: F8 starts again from the first (same rows: it goes on from here)
            self._position = -1
            self.view.expandAll()
        self._update_fix_button()
        if report is None:
            self.caption.setText("")
        elif not flags:
            self.caption.setText("No problems found.")
        else:
            t = report.totals
            self.caption.setText(f"{t.blocking_flags} blocking, {t.warning_flags} warnings")

    def selected_flag(self) -> Flag | None:
        flag = self.view.currentIndex().data(FLAG_ROLE)
        return flag if isinstance(flag, Flag) else None

    def _update_fix_button(self) -> None:
        flag = self.selected_flag()
        self.fix_button.setEnabled(flag is not None and flag.blocking)

    def select_flag(self, flag: Flag) -> None:
        """Make ``flag`` the current row (Fix… then acts on it)."""
        flags = self.model.all_flags()
        if flag in flags:
            self._position = flags.index(flag)
            self.view.setCurrentIndex(self.model.index_of(self._position))

    def context_menu(self, index: QModelIndex) -> QMenu | None:
        """The right-click menu of a blocking flag's row: Fix… (None for other rows)."""
        flag = index.data(FLAG_ROLE)
        if not isinstance(flag, Flag) or not flag.blocking:
            return None
        menu = QMenu(self)
        menu.addAction("Fix…", lambda: self.fix_requested.emit(flag))
        return menu

    def _on_context_menu_requested(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        menu = self.context_menu(index)
        if menu is not None:
            self.view.setCurrentIndex(index)
            menu.exec(self.view.viewport().mapToGlobal(point))

    def ask_fix(self) -> None:
        flag = self.selected_flag()
        if flag is not None and flag.blocking:
            self.fix_requested.emit(flag)

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        flag = index.data(FLAG_ROLE)
        if isinstance(flag, Flag):
            self._position = self.model.all_flags().index(flag) if flag in self.model.all_flags() else -1
            self.flag_activated.emit(flag)

    def next_problem(self) -> Flag | None:
        flags = self.model.all_flags()
        if not flags:
            return None
        self._position = (self._position + 1) % len(flags)
        index = self.model.index_of(self._position)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        flag = flags[self._position]
        self.flag_activated.emit(flag)
        return flag

    def set_large(self, large: bool) -> None:
        """Large type for workshop mode, with the keys that drive the room's walk-through."""
        font = QFont(self.font())
        font.setPointSizeF(18 if large else QFont().pointSizeF())
        self.view.setFont(font)
        self.keys_hint.setVisible(large)
