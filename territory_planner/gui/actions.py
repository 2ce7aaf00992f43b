"""The main window's actions, toolbars, menus and status bar, built from the controllers that do the work.

Every action is added to the window too, so its shortcut works while the toolbar or menu bar is hidden (workshop
mode). Actions that need an open plan are listed in :meth:`WindowActions.document_actions`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QStatusBar,
    QToolBar,
    QToolButton,
    QWidget,
)

from .colour_modes import ColourModes
from .document_controller import DocumentController
from .flag_navigation import FlagNavigation
from .import_export import ImportExport
from .paint_controller import PaintController
from .scenario_controller import ScenarioController
from .workshop_mode import WorkshopMode

#: Pixels between the end of a status message and the first label on the right of the status bar.
MESSAGE_GAP = 16


class StatusBar(QStatusBar):
    """The window's status bar: a message that does not fit beside the labels on the right (units selected,
    progress) ends in "…" a gap before them, with the whole message as the tooltip, instead of running into them.

    ``currentMessage()`` is the whole message as shown by ``showMessage``; the base class holds the shortened one.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clearMessage)

    def showMessage(self, text: str, /, timeout: int | None = 0) -> None:
        self._full = text
        if timeout:
            self._timer.start(timeout)
        else:
            self._timer.stop()
        self._show_fitted()

    def clearMessage(self) -> None:
        self._full = ""
        self._timer.stop()
        self.setToolTip("")
        super().clearMessage()

    def currentMessage(self) -> str:
        return self._full if super().currentMessage() else ""

    def message_width(self) -> int:
        """The pixels a message may take: up to the first visible label on the right, less the gap."""
        right = self.width() - 12
        for child in self.children():
            if isinstance(child, QWidget) and child.isVisible() and child.x() > self.width() // 3:
                right = min(right, child.x())
        return max(0, right - MESSAGE_GAP - 6)

    def _show_fitted(self) -> None:
        if not self._full:
            super().clearMessage()
            return
        first_line = self._full.splitlines()[0]
        shown = self.fontMetrics().elidedText(first_line, Qt.TextElideMode.ElideRight, self.message_width())
        self.setToolTip(self._full if shown != self._full else "")
        super().showMessage(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._full:
            QTimer.singleShot(0, self._show_fitted)  # after the layout has placed the labels


@dataclass(frozen=True)
class EditSlots:
    """The window's own commands the actions call."""

    undo: Callable[[], None]
    redo: Callable[[], None]
    zoom_to_fit: Callable[[], None]


def make_action(
    window: QWidget,
    text: str,
    slot: Callable[..., Any],
    shortcut: QKeySequence | str | QKeySequence.StandardKey | None = None,
    tip: str = "",
) -> QAction:
    """An action of ``window`` that calls ``slot()``; the tool tip shows the shortcut."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


class WindowActions:
    """Builds and holds the File, Edit, Map and View actions, and lays out every control of the window."""

    def __init__(
        self,
        window: QMainWindow,
        documents: DocumentController,
        import_export: ImportExport,
        paint: PaintController,
        flags: FlagNavigation,
        workshop: WorkshopMode,
        edits: EditSlots,
    ) -> None:
        self._window = window
        ks = QKeySequence.StandardKey

        def act(*args: Any) -> QAction:
            return make_action(window, *args)

        self.new_action = act("&New plan…", documents.ask_new_plan, ks.New, "Start a plan on a map")
        self.open_action = act("&Open…", documents.ask_open, ks.Open, "Open a plan file")
        self.save_action = act("&Save", documents.save, ks.Save, "Save the plan")
        self.save_as_action = act("Save &as…", documents.ask_save_as, "Ctrl+Shift+S", "Save under another name")
        self.quit_action = act("&Quit", window.close, ks.Quit)
        ie = import_export
        self.export_action = act(
            "&Export…", ie.ask_export, "Ctrl+E", "Write the map, report, GIS files or workbook of some scenarios"
        )
        self.import_sheet_action = act(
            "Plan &sheet…", ie.ask_import_sheet, None, "Import territories, assignments, sellers… from CSV or XLSX"
        )
        self.import_workbook_action = act(
            "&Workbook…", ie.ask_import_workbook, None, "Import a workbook exported by Territory Planner"
        )
        self.import_accounts_action = act(
            "CRM &accounts…", ie.ask_import_accounts, None, "Count and sum CRM accounts per unit"
        )
        self.undo_action = act("&Undo", edits.undo, ks.Undo, "Undo the last change")
        self.redo_action = act("&Redo", edits.redo, "Ctrl+Shift+Z", "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.zoom_fit_action = act("&Zoom to fit", edits.zoom_to_fit, "Ctrl+0", "Show the whole map")
        self.next_problem_action = act("&Next problem", flags.next_problem, "F8", "Show the next flag on the map")
        self.workshop_action = act(
            "&Workshop mode", workshop.toggle, "F11", "Full-screen presentation view for the room"
        )
        self.workshop_action.setCheckable(True)
        workshop.changed.connect(self.workshop_action.setChecked)
        self.assign_selection_action = act(
            "Assign selection to territory",
            paint.assign_selection,
            "Ctrl+Return",
            "Put the selected units into the territory chosen for painting",
        )
        self.recent_menu: QMenu | None = None
        self.map_menu = QMenu(window)  # replaced by the menu bar's Map menu in build_menus
        self.import_menu: QMenu | None = None

    def document_actions(self) -> list[QAction]:
        """The actions that need an open plan."""
        return [
            self.save_action,
            self.save_as_action,
            self.export_action,
            self.import_sheet_action,
            self.import_workbook_action,
            self.import_accounts_action,
            self.undo_action,
            self.redo_action,
            self.next_problem_action,
            self.assign_selection_action,
            self.zoom_fit_action,
        ]

    # -- layout ----------------------------------------------------------------------------------------------------
    def fill_main_toolbar(
        self,
        tb: QToolBar,
        paint_tb: QToolBar,
        scenarios: ScenarioController,
        paint: PaintController,
        colours: ColourModes,
    ) -> None:
        """Scenario box and menu, compare, colouring, zoom; then, in a tool bar of their own (which goes onto a
        second row when the window is too narrow for both), the map tools, brush, paint target and repaint filter."""
        window = self._window
        for bar, name in ((tb, "MainToolBar"), (paint_tb, "PaintToolBar")):
            bar.setObjectName(name)
            bar.setMovable(False)
            bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        tb.addWidget(QLabel("Scenario"))
        tb.addWidget(scenarios.combo)
        scenario_menu = QMenu(window)
        scenario_menu.addAction(scenarios.copy_action)
        scenario_menu.addAction(scenarios.rename_action)
        scenario_menu.addAction(scenarios.delete_action)
        copy_button = QToolButton(window)
        copy_button.setDefaultAction(scenarios.copy_action)
        copy_button.setMenu(scenario_menu)
        copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.addWidget(copy_button)
        tb.addAction(scenarios.compare_action)
        tb.addSeparator()
        tb.addWidget(QLabel("Colour by"))
        tb.addWidget(colours.combo)
        tb.addAction(self.zoom_fit_action)
        for action in paint.mode_actions.values():
            paint_tb.addAction(action)
        paint.level_action = paint_tb.addWidget(paint.level_box)  # "Paint by" ZIP codes / counties / states
        paint.level_action.setVisible(paint.level_combo.count() > 1)
        paint_tb.addWidget(QLabel("Brush"))
        paint_tb.addWidget(paint.brush_spin)
        paint_tb.addWidget(QLabel("Paint into"))
        paint_tb.addWidget(paint.paint_combo)
        paint_tb.addWidget(QLabel("Repaint"))
        paint_tb.addWidget(paint.source_combo)

    def add_summary_toolbar(self, summary: QWidget) -> QToolBar:
        """The summary strip, on its own row under the main toolbar."""
        window = self._window
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        strip = QToolBar("Summary", window)
        strip.setObjectName("SummaryToolBar")
        strip.setMovable(False)
        strip.setFloatable(False)
        strip.addWidget(summary)
        strip.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        strip.setStyleSheet("QToolBar { padding: 0px; border: none; }")
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, strip)
        return strip

    def build_menus(
        self,
        documents: DocumentController,
        scenarios: ScenarioController,
        paint: PaintController,
        docks: Sequence[QDockWidget],
        planning: Sequence[QAction] = (),
        signoff: Sequence[QAction] = (),
    ) -> None:
        bar = self._window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        recent_menu = self.recent_menu = file_menu.addMenu("Open &recent")
        recent_menu.aboutToShow.connect(lambda: documents.fill_recent_menu(recent_menu))
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        self.import_menu = file_menu.addMenu("&Import")
        self.import_menu.addAction(self.import_sheet_action)
        self.import_menu.addAction(self.import_workbook_action)
        self.import_menu.addAction(self.import_accounts_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.assign_selection_action)
        scenario_menu = bar.addMenu("&Scenario")
        scenario_menu.addAction(scenarios.copy_action)
        scenario_menu.addAction(scenarios.rename_action)
        scenario_menu.addAction(scenarios.delete_action)
        scenario_menu.addSeparator()
        scenario_menu.addAction(scenarios.next_action)
        scenario_menu.addAction(scenarios.previous_action)
        scenario_menu.addSeparator()
        scenario_menu.addAction(scenarios.compare_action)
        if planning:
            scenario_menu.addSeparator()
            for action in planning:  # Optimise budget…, Build territories…
                scenario_menu.addAction(action)
        if signoff:
            scenario_menu.addSeparator()
            for action in signoff:  # Propose, Sign off as sales / marketing, Withdraw, Your name…
                scenario_menu.addAction(action)
        map_menu = self.map_menu = bar.addMenu("&Map")
        for action in paint.mode_actions.values():
            map_menu.addAction(action)
        map_menu.addSeparator()
        map_menu.addAction(self.zoom_fit_action)
        map_menu.addAction(self.next_problem_action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.workshop_action)
        view_menu.addSeparator()
        for dock in docks:
            view_menu.addAction(dock.toggleViewAction())

    def build_status_bar(self, paint: PaintController, documents: DocumentController) -> None:
        bar = self._window.statusBar()
        paint.units_label.setTextFormat(Qt.TextFormat.PlainText)
        bar.addPermanentWidget(paint.units_label)
        bar.addPermanentWidget(documents.progress_bar)
        bar.addPermanentWidget(documents.cancel_button)


__all__ = ["EditSlots", "StatusBar", "WindowActions", "make_action"]
