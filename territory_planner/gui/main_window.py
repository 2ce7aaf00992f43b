"""The main window: the map in the middle, the summary strip across the top, the panels as docks.

All edits go through the open :class:`PlanDocument` (one undo stack per plan). After an edit the map is updated
for the moved units only (or its territory table, for structural edits), and the tables, flags and summary are
refreshed once per event-loop turn, however many commands arrived.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDropEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolBar,
    QToolButton,
    QUndoView,
    QWidget,
)

from ..domain import BASELINE, Flag, Plan
from ..domain.commands import (
    AssignUnits,
    CopyScenario,
    DeleteScenario,
    EditSeller,
    RenameScenario,
    RenameTerritory,
    SetUnitAttributes,
)
from ..domain.formatting import money
from ..services.autosave import RecoveryStore
from ..services.workspace import Workspace, display_name, is_url
from .conflict_dialog import handle_save_conflict
from .document import PlanDocument, build_demo_task, load_plan_task, save_plan_task
from .import_export import ImportExport
from .messages import Messenger
from .models import SELLER_MIME, plural
from .panels import AssumptionsPanel, FlagsPanel, MarketingPanel, SellersPanel, SummaryStrip, TerritoriesPanel
from .settings import LAYOUT_VERSION, app_settings
from .territory_state import UNASSIGNED, TerritoryState, only_assignments
from .theme import STATUS_LABEL, mode_icon, swatch_icon
from .workers import Progress, Task, TaskRunner, run_inline

log = logging.getLogger(__name__)

MapFactory = Callable[[QWidget | None], Any]
PLAN_FILTER = "Territory plans (*.tplan);;All files (*)"
MODES = (("select", "Select", "1"), ("lasso", "Lasso", "2"), ("paint", "Paint", "3"), ("pan", "Pan", "4"))
ERASER = "\x00unassign"


def default_map_factory(parent: QWidget | None = None) -> Any:
    from .map_view import MapView

    return MapView(parent)


class MainWindow(QMainWindow):
    """One window, one open plan."""

    document_changed = Signal(object)  # PlanDocument or None
    plan_saved = Signal(str)
    plan_opened = Signal(str)

    def __init__(
        self,
        workspace: Workspace | None = None,
        map_factory: MapFactory | None = None,
        settings: QSettings | None = None,
        runner: TaskRunner | None = None,
        recovery: RecoveryStore | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace or Workspace()
        self.settings = settings or app_settings()
        self.runner = runner or TaskRunner(self)
        self.recovery = recovery or RecoveryStore(self.workspace.recovery_dir)
        self._map_factory = map_factory or default_map_factory
        self.messages = Messenger(self)
        self.import_export = ImportExport(self)
        self.document: PlanDocument | None = None
        self.state: TerritoryState | None = None
        self.compare_window: Any = None
        self._active_territory: str | None = None
        self._color_mode = "territory"
        self._workshop = False
        self._pre_workshop: tuple[QByteArray, bool] | None = None
        self._last_autosave_index = -1
        self._selection: list[str] = []
        self._closing_ok = False
        self._shown_once = False
        self._reselect: str | None = None

        self.setObjectName("MainWindow")
        self.setWindowTitle("Territory Planner")
        self.setDockNestingEnabled(True)
        self.map = self._map_factory(self)
        self.map.setObjectName("Map")
        self.setCentralWidget(self.map)
        self.map.stroke_finished.connect(self._on_map_stroke_finished)
        self.map.selection_changed.connect(self._on_map_selection_changed)
        self.map.set_tooltip_provider(self._unit_tooltip)
        # Sellers and hires can be dropped onto the map (into the territory under the drop point).
        self.map.setAcceptDrops(True)
        self.map.viewport().setAcceptDrops(True)
        self.map.viewport().installEventFilter(self)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._refresh_views)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.timeout.connect(self.autosave)
        seconds = int(self.settings.value("autosave/seconds", 120))
        self._autosave_timer.start(max(10, seconds) * 1000)

        self._build_panels()
        self._build_actions()
        self._build_toolbars()
        self._build_menus()
        self._build_status_bar()
        self.messages.error_shown.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._restore_layout()
        self._set_document_actions_enabled(False)

    # ================================================================================================ building
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_panels(self) -> None:
        self.summary = SummaryStrip()
        self.territories = TerritoriesPanel()
        self.sellers = SellersPanel()
        self.marketing = MarketingPanel()
        self.assumptions = AssumptionsPanel()
        self.flags = FlagsPanel()
        self.history = QUndoView()
        self.history.setEmptyLabel("Opened plan")
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.flags_dock = self._dock("Flags", "FlagsDock", self.flags, right)
        self.territories_dock = self._dock("Territories", "TerritoriesDock", self.territories, bottom)
        self.sellers_dock = self._dock("Sellers and hires", "SellersDock", self.sellers, bottom)
        self.marketing_dock = self._dock("Marketing", "MarketingDock", self.marketing, bottom)
        self.assumptions_dock = self._dock("Assumptions", "AssumptionsDock", self.assumptions, bottom)
        self.history_dock = self._dock("History", "HistoryDock", self.history, right)
        self.tabifyDockWidget(self.territories_dock, self.sellers_dock)
        self.tabifyDockWidget(self.sellers_dock, self.marketing_dock)
        self.tabifyDockWidget(self.marketing_dock, self.assumptions_dock)
        self.territories_dock.raise_()
        self.tabifyDockWidget(self.flags_dock, self.history_dock)
        self.flags_dock.raise_()
        self.resizeDocks([self.flags_dock], [430], Qt.Orientation.Horizontal)
        self.resizeDocks([self.territories_dock], [300], Qt.Orientation.Vertical)

        self.territories.active_territory_changed.connect(self._on_territories_active_changed)
        self.territories.territory_activated.connect(self.zoom_to_territory)
        self.sellers.seller_selected.connect(self._on_sellers_selected)
        self.flags.flag_activated.connect(self.show_flag)

    def _action(
        self,
        text: str,
        slot: Callable[..., Any],
        shortcut: QKeySequence | str | QKeySequence.StandardKey | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        ks = QKeySequence.StandardKey
        self.new_action = self._action("&New plan…", self.ask_new_plan, ks.New, "Start a plan on a map")
        self.open_action = self._action("&Open…", self.ask_open, ks.Open, "Open a plan file")
        self.save_action = self._action("&Save", self.save, ks.Save, "Save the plan")
        self.save_as_action = self._action("Save &as…", self.ask_save_as, "Ctrl+Shift+S", "Save under another name")
        self.quit_action = self._action("&Quit", self.close, ks.Quit)
        ie = self.import_export
        self.export_action = self._action(
            "&Export…", ie.ask_export, "Ctrl+E", "Write the map, report, GIS files or workbook of some scenarios"
        )
        self.import_sheet_action = self._action(
            "Plan &sheet…", ie.ask_import_sheet, None, "Import territories, assignments, sellers… from CSV or XLSX"
        )
        self.import_workbook_action = self._action(
            "&Workbook…", ie.ask_import_workbook, None, "Import a workbook exported by Territory Planner"
        )
        self.import_accounts_action = self._action(
            "CRM &accounts…", ie.ask_import_accounts, None, "Count and sum CRM accounts per unit"
        )
        self.undo_action = self._action("&Undo", self._undo, ks.Undo, "Undo the last change")
        self.redo_action = self._action("&Redo", self._redo, "Ctrl+Shift+Z", "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.zoom_fit_action = self._action("&Zoom to fit", self._zoom_to_fit, "Ctrl+0", "Show the whole map")
        self.next_problem_action = self._action(
            "&Next problem", self.next_problem, "F8", "Show the next flag on the map"
        )
        self.workshop_action = self._action(
            "&Workshop mode", self.toggle_workshop, "F11", "Full-screen presentation view for the room"
        )
        self.workshop_action.setCheckable(True)
        self.assign_selection_action = self._action(
            "Assign selection to territory",
            self.assign_selection,
            "Ctrl+Return",
            "Put the selected units into the territory chosen for painting",
        )
        self.copy_scenario_action = self._action(
            "Copy as what-if…", self.ask_copy_scenario, None, "Copy this scenario into a new what-if"
        )
        self.rename_scenario_action = self._action("Rename scenario…", self.ask_rename_scenario)
        self.delete_scenario_action = self._action("Delete scenario", self.delete_scenario)
        self.next_scenario_action = self._action(
            "Next scenario", lambda: self.step_scenario(1), "Ctrl+PgDown", "Show the next scenario"
        )
        self.previous_scenario_action = self._action(
            "Previous scenario", lambda: self.step_scenario(-1), "Ctrl+PgUp", "Show the previous scenario"
        )
        self.compare_action = self._action(
            "Compare…", self.show_compare, "Ctrl+K", "Two scenarios side by side: maps, totals and what changed"
        )
        self.mode_group = QActionGroup(self)
        self.mode_actions: dict[str, QAction] = {}
        for mode, text, key in MODES:
            action = QAction(mode_icon(mode), text, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(key))
            action.setToolTip(f"{text} ({key})")
            action.triggered.connect(lambda _c=False, m=mode: self.set_mode(m))
            self.mode_group.addAction(action)
            self.addAction(action)
            self.mode_actions[mode] = action
        self.mode_actions["select"].setChecked(True)

    def _build_toolbars(self) -> None:
        tb = QToolBar("Main", self)
        tb.setObjectName("MainToolBar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        self.main_toolbar = tb
        tb.addWidget(QLabel("Scenario"))
        self.scenario_combo = QComboBox()
        self.scenario_combo.setMinimumWidth(200)
        self.scenario_combo.setToolTip("The scenario shown and edited")
        self.scenario_combo.activated.connect(self._on_scenario_combo_activated)
        tb.addWidget(self.scenario_combo)
        scenario_menu = QMenu(self)
        scenario_menu.addAction(self.copy_scenario_action)
        scenario_menu.addAction(self.rename_scenario_action)
        scenario_menu.addAction(self.delete_scenario_action)
        copy_button = QToolButton(self)
        copy_button.setDefaultAction(self.copy_scenario_action)
        copy_button.setMenu(scenario_menu)
        copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.addWidget(copy_button)
        tb.addAction(self.compare_action)
        tb.addSeparator()
        for action in self.mode_actions.values():
            tb.addAction(action)
        tb.addWidget(QLabel("Brush"))
        self.brush_spin = QSpinBox()
        self.brush_spin.setRange(2, 120)
        self.brush_spin.setSuffix(" px")
        self.brush_spin.setValue(int(self.settings.value("map/brush", 18)))
        self.brush_spin.setToolTip("Brush size for painting")
        self.brush_spin.valueChanged.connect(self._on_brush_spin_changed)
        tb.addWidget(self.brush_spin)
        tb.addWidget(QLabel("Paint into"))
        self.paint_combo = QComboBox()
        self.paint_combo.setMinimumWidth(190)
        self.paint_combo.setPlaceholderText("select a territory")
        self.paint_combo.setToolTip("The territory painting and lasso assign to (the selected territory)")
        self.paint_combo.activated.connect(self._on_paint_combo_activated)
        tb.addWidget(self.paint_combo)
        tb.addWidget(QLabel("Repaint"))
        self.source_combo = QComboBox()
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.source_combo.setToolTip("Which units a stroke may take; locked territories are never repainted")
        self.source_combo.activated.connect(lambda _i: self._update_paint_filter())
        tb.addWidget(self.source_combo)
        tb.addSeparator()
        tb.addWidget(QLabel("Colour by"))
        self.color_combo = QComboBox()
        self.color_combo.setMinimumWidth(160)
        self.color_combo.activated.connect(self._on_color_combo_activated)
        tb.addWidget(self.color_combo)
        tb.addAction(self.zoom_fit_action)

        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        strip = QToolBar("Summary", self)
        strip.setObjectName("SummaryToolBar")
        strip.setMovable(False)
        strip.setFloatable(False)
        strip.addWidget(self.summary)
        strip.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        strip.setStyleSheet("QToolBar { padding: 0px; border: none; }")
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, strip)
        self.summary_toolbar = strip

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
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
        scenario_menu.addAction(self.copy_scenario_action)
        scenario_menu.addAction(self.rename_scenario_action)
        scenario_menu.addAction(self.delete_scenario_action)
        scenario_menu.addSeparator()
        scenario_menu.addAction(self.next_scenario_action)
        scenario_menu.addAction(self.previous_scenario_action)
        scenario_menu.addSeparator()
        scenario_menu.addAction(self.compare_action)
        map_menu = bar.addMenu("&Map")
        for action in self.mode_actions.values():
            map_menu.addAction(action)
        map_menu.addSeparator()
        map_menu.addAction(self.zoom_fit_action)
        map_menu.addAction(self.next_problem_action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.workshop_action)
        view_menu.addSeparator()
        for dock in (
            self.territories_dock,
            self.sellers_dock,
            self.marketing_dock,
            self.assumptions_dock,
            self.flags_dock,
            self.history_dock,
        ):
            view_menu.addAction(dock.toggleViewAction())

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.units_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setRange(0, 100)
        self.progress_bar.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.runner.cancel_all)
        bar.addPermanentWidget(self.units_label)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.cancel_button)

    # ================================================================================================ layout
    def _restore_layout(self) -> None:
        if int(self.settings.value("window/layout_version", 0)) != LAYOUT_VERSION:
            self.resize(1500, 940)
            return
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        if self._workshop and self._pre_workshop is not None:
            state = self._pre_workshop[0]
        else:
            state = self.saveState(LAYOUT_VERSION)
        self.settings.setValue("window/layout_version", LAYOUT_VERSION)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", state)
        self.settings.setValue("map/brush", self.brush_spin.value())
        self.settings.sync()

    # ================================================================================================ documents
    def set_document(self, document: PlanDocument | None) -> None:
        """Show a plan (or none). The previous document is closed."""
        old = self.document
        if old is not None:
            old.changed.disconnect(self._on_document_changed)
            old.scenario_switched.disconnect(self._on_document_scenario_switched)
            old.scenarios_changed.disconnect(self._fill_scenario_combo)
            old.error_raised.disconnect(self.messages.error)
            old.undo_stack.cleanChanged.disconnect(self._update_title)
            old.target_changed.disconnect(self._update_title)
            old.close()
            old.deleteLater()
        self.document = document
        self.history.setStack(document.undo_stack if document else None)  # type: ignore[arg-type]
        self._active_territory = None
        self._last_autosave_index = -1
        if document is not None:
            document.setParent(self)
            document.changed.connect(self._on_document_changed)
            document.scenario_switched.connect(self._on_document_scenario_switched)
            document.scenarios_changed.connect(self._fill_scenario_combo)
            document.error_raised.connect(self.messages.error)
            document.undo_stack.cleanChanged.connect(self._update_title)
            document.target_changed.connect(self._update_title)
            if document.recovery_key is None:
                document.recovery_key = self.recovery.new_key()
            self.map.set_layer(document.plan.layer)
        for panel in (self.territories, self.sellers, self.marketing, self.assumptions):
            panel.set_document(document)
        self.flags.set_document(document)
        self._fill_scenario_combo()
        self._fill_color_combo()
        self._show_scenario()
        self._set_document_actions_enabled(document is not None)
        self._update_title()
        if document is not None:
            self.map.zoom_to_fit()
            QTimer.singleShot(0, self._zoom_to_fit)  # again once the docks have their final sizes
        self.document_changed.emit(document)

    def _set_document_actions_enabled(self, enabled: bool) -> None:
        for action in (
            self.save_action,
            self.save_as_action,
            self.export_action,
            self.import_sheet_action,
            self.import_workbook_action,
            self.import_accounts_action,
            self.undo_action,
            self.redo_action,
            self.copy_scenario_action,
            self.rename_scenario_action,
            self.delete_scenario_action,
            self.compare_action,
            self.next_scenario_action,
            self.previous_scenario_action,
            self.next_problem_action,
            self.assign_selection_action,
            self.zoom_fit_action,
        ):
            action.setEnabled(enabled)
        for widget in (self.scenario_combo, self.paint_combo, self.source_combo, self.color_combo):
            widget.setEnabled(enabled)

    def _update_title(self, *_: object) -> None:
        doc = self.document
        if doc is None:
            self.setWindowTitle("Territory Planner")
            self.setWindowModified(False)
            return
        self.setWindowTitle(f"{doc.title()}[*] — Territory Planner")
        self.setWindowModified(doc.is_modified)

    # --- opening -------------------------------------------------------------------------------------------
    def _track(self, task: Task, busy_text: str) -> None:
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.cancel_button.show()
        self.statusBar().showMessage(busy_text)

        def on_progress(fraction: float, message: str) -> None:
            self.progress_bar.setValue(int(fraction * 100))
            if message:
                self.statusBar().showMessage(message)

        def on_done() -> None:
            if not self.runner.running:
                self.progress_bar.hide()
                self.cancel_button.hide()

        task.progressed.connect(on_progress)
        task.done.connect(on_done)
        task.cancelled.connect(lambda: self.statusBar().showMessage(f"{task.title}: cancelled", 5000))

    def open_plan(
        self, target: str, *, recovery_key: str | None = None, as_target: str | None = None, modified: bool = False
    ) -> Task:
        """Open a plan on a worker; it replaces the shown plan when loaded. ``as_target`` keeps another location
        (a recovered copy opens as the plan it came from)."""
        task = self.runner.start(f"Opening {display_name(target)}", load_plan_task, target)
        self._track(task, f"Opening {display_name(target)}…")
        final = as_target if as_target is not None else target

        def on_loaded(plan: Plan) -> None:
            document = PlanDocument(plan, final or None)
            document.recovery_key = recovery_key
            self.set_document(document)
            if modified:
                document.undo_stack.resetClean()
                self._update_title()
            if final:
                self.workspace.add_recent(final)
            self.statusBar().showMessage(f"Opened {display_name(final or target)}", 5000)
            self.plan_opened.emit(final or target)

        task.finished.connect(on_loaded)
        task.failed.connect(
            lambda exc, tb: self.messages.error(
                f"Could not open {display_name(target)}: {exc}", "Could not open the plan", tb
            )
        )
        return task

    def open_demo_copy(self) -> Task:
        """First run: build the demo plan, save the user's own copy in their data folder, and show it."""
        target = str(self.workspace.demo_plan_path)
        task = self.runner.start("Preparing the demo plan", build_demo_task, target)
        self._track(task, "Preparing the demo plan…")

        def on_built(plan: Plan) -> None:
            self.set_document(PlanDocument(plan, target))
            self.workspace.add_recent(target)
            self.plan_opened.emit(target)

        task.finished.connect(on_built)
        task.failed.connect(
            lambda exc, tb: self.messages.error(f"Could not prepare the demo plan: {exc}", "Demo plan", tb)
        )
        return task

    def open_initial(self, plan: str | None) -> Task:
        """What start-up shows: the given plan, else the last plan used, else the user's copy of the demo."""
        if plan:
            return self.open_plan(plan)
        last = self.workspace.last_plan()
        if last:
            return self.open_plan(last)
        demo = self.workspace.demo_plan_path
        if demo.exists():
            return self.open_plan(str(demo))
        return self.open_demo_copy()

    def maybe_save(self) -> bool:
        """Before the plan goes away: ask to save unsaved changes. False = the user cancelled."""
        doc = self.document
        if doc is None or not doc.is_modified:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to “{doc.plan.name}” before closing it?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save_now()
        return True

    def ask_open(self) -> None:
        if not self.maybe_save():
            return
        start = (
            str(Path(self.document.target).parent)
            if self.document and self.document.target and not is_url(self.document.target)
            else str(Path.home())
        )
        path, _ = QFileDialog.getOpenFileName(self, "Open a plan", start, PLAN_FILTER)
        if path:
            self.open_plan(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.workspace.recent_plans()
        if not recent:
            self.recent_menu.addAction("No recent plans").setEnabled(False)
            return
        for i, target in enumerate(recent):
            action = self.recent_menu.addAction(f"&{i + 1}  {display_name(target)}")
            action.setToolTip(target)
            action.triggered.connect(lambda _c=False, t=target: self.maybe_save() and self.open_plan(t))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear the list", self.workspace.clear_recent)

    def ask_new_plan(self) -> None:
        if not self.maybe_save():
            return
        from ..services.layers import bundled_layer_names
        from .dialogs import NewPlanDialog

        try:
            names = bundled_layer_names()
        except Exception as exc:  # the bundled catalogue is optional at run time; say why it is missing
            log.exception("Bundled maps unavailable")
            names = []
            self.messages.error(f"The bundled maps could not be listed: {exc}")
        titles = {"us-counties": "US counties", "us-states": "US states", "world-countries": "World countries"}
        dialog = NewPlanDialog([(n, titles.get(n, n)) for n in names], self)
        if dialog.exec():
            self.new_plan(dialog.choice())

    def new_plan(self, choice: dict[str, str | None]) -> Task:
        def build(inputs: dict[str, str | None], progress: Progress) -> Plan:
            from ..services.layers import bundled_layer, layer_from_file

            progress(0.1, "Reading the map…")
            if inputs.get("layer"):
                layer = bundled_layer(str(inputs["layer"]))
            else:
                layer, _warnings = layer_from_file(
                    str(inputs["file"]), str(inputs["id_column"]), inputs.get("name_column")
                )
            progress(1.0, "Ready")
            return Plan(str(inputs["name"]), layer)

        task = self.runner.start("New plan", build, choice)
        self._track(task, "Preparing the map for the new plan…")
        task.finished.connect(lambda plan: self.set_document(PlanDocument(plan, None)))
        task.failed.connect(lambda exc, tb: self.messages.error(f"Could not start the plan: {exc}", "New plan", tb))
        return task

    # --- saving --------------------------------------------------------------------------------------------
    def save(self) -> Task | None:
        """Save on a worker (the plan is snapshotted first; editing can go on)."""
        doc = self.document
        if doc is None:
            return None
        if doc.target is None:
            self.ask_save_as()
            return None
        return self.save_to(doc.target)

    def save_to(self, target: str) -> Task:
        doc = self.document
        assert doc is not None
        snapshot = doc.plan.deepcopy()
        index = doc.undo_stack.index()
        task = self.runner.start(f"Saving {display_name(target)}", save_plan_task, (snapshot, target))
        self._track(task, f"Saving {display_name(target)}…")

        def on_saved(_result: object) -> None:
            if self.document is not doc:
                return
            doc.note_saved(snapshot)
            self._after_save(doc, target, index)

        task.finished.connect(on_saved)
        task.failed.connect(
            lambda exc, tb: (
                handle_save_conflict(self, doc, exc)
                or self.messages.error(
                    f"Could not save {display_name(target)}: {exc}. Your changes are still here; try Save as…",
                    "Not saved",
                    tb,
                )
            )
        )
        return task

    def save_now(self) -> bool:
        """Save on this thread (when closing, the answer is needed before going on)."""
        doc = self.document
        if doc is None:
            return True
        target = doc.target
        if target is None:
            target = self._ask_save_path()
            if target is None:
                return False
        try:
            run_inline(save_plan_task, (snapshot := doc.plan.deepcopy(), target))
            doc.note_saved(snapshot)
        except Exception as exc:
            log.exception("Save failed")
            self.messages.error(f"Could not save {display_name(target)}: {exc}", "Not saved")
            return False
        self._after_save(doc, target, doc.undo_stack.index())
        return True

    def _after_save(self, doc: PlanDocument, target: str, index: int) -> None:
        if doc.target != target:
            doc.set_target(target)
        if doc.undo_stack.index() == index:
            doc.undo_stack.setClean()
        if doc.recovery_key:
            self.recovery.discard(doc.recovery_key)
        self.workspace.add_recent(target)
        self._update_title()
        self.statusBar().showMessage(f"Saved {display_name(target)}", 5000)
        self.plan_saved.emit(target)

    def _ask_save_path(self) -> str | None:
        doc = self.document
        suggested = (doc.plan.name if doc else "Plan").replace("/", "-")[:60] + ".tplan"
        path, _ = QFileDialog.getSaveFileName(self, "Save the plan as", str(Path.home() / suggested), PLAN_FILTER)
        if not path:
            return None
        if "://" not in path and not path.endswith(".tplan"):
            path += ".tplan"
        return path

    def ask_save_as(self) -> None:
        path = self._ask_save_path()
        if path:
            self.save_to(path)

    def autosave(self) -> Task | None:
        """Write a recovery copy when there are changes since the last save or autosave."""
        doc = self.document
        if doc is None or not doc.is_modified or doc.recovery_key is None:
            return None
        index = doc.undo_stack.index()
        if index == self._last_autosave_index:
            return None
        self._last_autosave_index = index
        snapshot = doc.plan.deepcopy()
        key, target = doc.recovery_key, doc.target
        task = self.runner.start(
            "Autosave", lambda inputs, progress: self.recovery.write(*inputs), (key, snapshot, target)
        )
        task.failed.connect(lambda exc, tb: log.warning("Autosave failed: %s", exc))
        return task

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_ok and not self.maybe_save():
            event.ignore()
            return
        self.runner.cancel_all()
        self.runner.wait(10_000)
        self.save_layout()
        if self.document is not None and self.document.recovery_key:
            self.recovery.discard(self.document.recovery_key)
        if self.compare_window is not None:
            self.compare_window.close()
        event.accept()

    # ================================================================================================ edits
    def _undo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.undo()

    def _redo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.redo()

    def _on_document_changed(self, command: object) -> None:
        doc = self.document
        if doc is None or self.state is None:
            return
        scenario = getattr(command, "scenario", None)
        if isinstance(command, RenameTerritory) and command.name == self._active_territory:
            self._reselect = command.new_name.strip()
        if only_assignments(command) and isinstance(command, AssignUnits) and scenario == doc.scenario_name:
            positions, codes = self.state.moved(command)
            if len(positions):
                self.map.update_units(positions, codes)
        elif only_assignments(command) and scenario not in (None, doc.scenario_name):
            pass  # another scenario's units moved: nothing on screen changes
        else:
            self._rebuild_map_state()
            if isinstance(command, SetUnitAttributes):
                self._fill_color_combo()
                self._apply_color_mode()
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh_now(self) -> None:
        """Run a pending refresh at once (tests and callers that need the views current)."""
        self._refresh_timer.stop()
        self._refresh_views()

    def _refresh_views(self) -> None:
        doc = self.document
        if doc is None:
            self.summary.set_report(None)
            self.flags.set_report(None)
            return
        report = doc.report()
        self.territories.refresh()
        if self._reselect is not None:
            name, self._reselect = self._reselect, None
            self.territories.select(name)
        self.sellers.refresh()
        self.marketing.refresh()
        self.assumptions.refresh()
        self.flags.set_report(report)
        self.summary.set_report(report, doc.currency)
        if self.state is not None and self.state.set_report(report):
            self.map.set_territory_status(self.state.status)
        if self._color_mode == "per_seller":
            self._apply_color_mode()
        self._fill_paint_combo()
        self._update_units_label()
        self._update_title()

    def _rebuild_map_state(self) -> None:
        doc = self.document
        if doc is None:
            self.state = None
            return
        agg = doc.session.aggregates(doc.scenario_name)
        report = doc.report()
        self.state = TerritoryState.build(doc.plan.layer, doc.scenario, agg, report)
        s = self.state
        self.map.set_territory_state(s.codes, s.colors, s.names, s.status, s.locked)
        self._update_paint_filter()

    def _show_scenario(self) -> None:
        """Everything for the document's current scenario (after opening or switching)."""
        self._rebuild_map_state()
        if self.document is not None:
            idx = self.scenario_combo.findData(self.document.scenario_name)
            if idx >= 0:
                self.scenario_combo.setCurrentIndex(idx)
        for panel in (self.territories, self.sellers, self.marketing, self.assumptions):
            panel.set_document(self.document)
        self._apply_color_mode()
        self._refresh_views()

    # ================================================================================================ scenarios
    def _fill_scenario_combo(self) -> None:
        combo = self.scenario_combo
        combo.blockSignals(True)
        combo.clear()
        if self.document is not None:
            for name in self.document.plan.scenarios:
                combo.addItem("Baseline" if name == BASELINE else name, name)
            combo.setCurrentIndex(max(0, combo.findData(self.document.scenario_name)))
            self.delete_scenario_action.setEnabled(self.document.scenario_name != BASELINE)
            self.rename_scenario_action.setEnabled(self.document.scenario_name != BASELINE)
        combo.blockSignals(False)
        if self.compare_window is not None:
            self.compare_window.refresh_scenarios()

    def _on_scenario_combo_activated(self, index: int) -> None:
        name = self.scenario_combo.itemData(index)
        if self.document is not None and name:
            self.switch_scenario(name)

    def step_scenario(self, step: int) -> None:
        """Cycle through the scenarios (also in workshop mode, where the toolbar is hidden)."""
        doc = self.document
        if doc is None:
            return
        names = list(doc.plan.scenarios)
        index = names.index(doc.scenario_name) if doc.scenario_name in names else 0
        self.switch_scenario(names[(index + step) % len(names)])

    def switch_scenario(self, name: str) -> None:
        if self.document is not None:
            self.document.switch_scenario(name)

    def _on_document_scenario_switched(self, name: str) -> None:
        self._fill_scenario_combo()
        self._show_scenario()
        self.statusBar().showMessage(f"Showing scenario {name}", 4000)

    def copy_scenario(self, new_name: str) -> bool:
        doc = self.document
        if doc is None:
            return False
        if doc.execute(CopyScenario(doc.scenario_name, new_name.strip())):
            self.switch_scenario(new_name.strip())
            return True
        return False

    def ask_copy_scenario(self) -> None:
        doc = self.document
        if doc is None:
            return
        name, ok = QInputDialog.getText(
            self, "New what-if", "Name of the what-if scenario:", text=f"What-if {len(doc.plan.scenarios)}"
        )
        if ok and name.strip():
            self.copy_scenario(name)

    def ask_rename_scenario(self) -> None:
        doc = self.document
        if doc is None or doc.scenario_name == BASELINE:
            return
        name, ok = QInputDialog.getText(self, "Rename scenario", "New name:", text=doc.scenario_name)
        if ok and name.strip() and name.strip() != doc.scenario_name:
            doc.execute(RenameScenario(doc.scenario_name, name.strip()))

    def delete_scenario(self) -> None:
        doc = self.document
        if doc is None or doc.scenario_name == BASELINE:
            return
        doc.execute(DeleteScenario(doc.scenario_name))

    def show_compare(self) -> None:
        if self.document is None:
            return
        from .compare import CompareWindow

        if self.compare_window is None:
            self.compare_window = CompareWindow(self, self._map_factory)
        self.compare_window.set_document(self.document)
        self.compare_window.show()
        self.compare_window.raise_()

    # ================================================================================================ map
    def set_mode(self, mode: str) -> None:
        self.mode_actions[mode].setChecked(True)
        self.map.set_mode(mode)
        if mode in ("paint", "lasso") and self._active_territory is None and self.paint_combo.currentData() is None:
            self.statusBar().showMessage("Choose the territory to paint into (select its row).", 6000)

    def _on_brush_spin_changed(self, value: int) -> None:
        self.map.set_brush_radius(value)

    def _fill_paint_combo(self) -> None:
        combo = self.paint_combo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        doc = self.document
        if doc is not None:
            for t in doc.scenario.territories.values():
                combo.addItem(swatch_icon(t.color), t.name + ("  (locked)" if t.locked else ""), t.name)
            combo.addItem("Unassigned (eraser)", ERASER)
        wanted = self._active_territory if self._active_territory is not None else current
        idx = combo.findData(wanted) if wanted is not None else -1
        combo.setCurrentIndex(idx)
        combo.blockSignals(False)
        self._fill_source_combo()

    def _fill_source_combo(self) -> None:
        combo = self.source_combo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        noun = plural(self.document.plan.layer.unit_noun) if self.document else "units"
        combo.addItem(f"any {noun}", "all")
        combo.addItem(f"unassigned {noun} only", "unassigned")
        if self.document is not None:
            for name in self.document.scenario.territories:
                combo.addItem(f"only from {name}", f"territory:{name}")
        idx = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, idx))
        combo.blockSignals(False)

    def _on_paint_combo_activated(self, index: int) -> None:
        data = self.paint_combo.itemData(index)
        if data == ERASER:
            self._active_territory = None
            self.map.set_active_color("#ffffff")
            return
        if data:
            self.territories.select(data)

    def paint_target(self) -> tuple[bool, str | None]:
        """(is there a target, the territory or None for the eraser)."""
        data = self.paint_combo.currentData()
        if data == ERASER:
            return True, None
        if data:
            return True, data
        return False, None

    def paint_source(self) -> tuple[str, str | None]:
        """Which units a stroke may take: ("all" | "unassigned" | "territory", territory name)."""
        data = self.source_combo.currentData() or "all"
        if data.startswith("territory:"):
            return "territory", data[len("territory:") :]
        return data, None

    def set_paint_source(self, source: str, territory: str | None = None) -> None:
        key = f"territory:{territory}" if source == "territory" else source
        self.source_combo.setCurrentIndex(max(0, self.source_combo.findData(key)))
        self._update_paint_filter()

    def _update_paint_filter(self) -> None:
        if self.state is None:
            return
        self.map.set_paint_filter(self.state.paint_filter(*self.paint_source()))

    def _on_territories_active_changed(self, name: object) -> None:
        self._active_territory = name if isinstance(name, str) else None
        doc = self.document
        if doc is None:
            return
        self.sellers.default_territory = self._active_territory
        idx = self.paint_combo.findData(self._active_territory) if self._active_territory else -1
        if idx >= 0:
            self.paint_combo.setCurrentIndex(idx)
        elif self._active_territory:
            self._fill_paint_combo()
        if self._active_territory and self.state is not None:
            t = doc.scenario.territories.get(self._active_territory)
            if t is not None:
                self.map.set_active_color(t.color)
            self.map.highlight_units(self.state.unit_ids_of(self._active_territory))
            self.assumptions.show_level("territory", self._active_territory)
        else:
            self.map.highlight_units([])

    def _on_sellers_selected(self, name: object) -> None:
        doc = self.document
        if doc is None or not isinstance(name, str) or self.state is None:
            return
        seller = doc.scenario.sellers.get(name)
        if seller is not None and seller.territory:
            self.map.highlight_units(self.state.unit_ids_of(seller.territory))

    def _to_unit_ids(self, items: list[Any]) -> list[str]:
        """The map reports unit ids; accept positions too (ints), to be robust to either."""
        if self.document is None or not items:
            return []
        ids = self.document.plan.layer.unit_ids
        if isinstance(items[0], int | np.integer):
            return [str(ids[int(p)]) for p in items]
        return [str(u) for u in items]

    def _on_map_stroke_finished(self, items: list[Any]) -> None:
        unit_ids = self._to_unit_ids(list(items))
        self.assign_units(unit_ids)

    def assign_units(self, unit_ids: list[str]) -> bool:
        """Assign units (a stroke, a lasso or the selection) to the paint target as one undo entry."""
        doc = self.document
        if doc is None or self.state is None or not unit_ids:
            return False
        has_target, territory = self.paint_target()
        if not has_target:
            self.messages.error("Choose the territory to paint into first: select its row in Territories.")
            return False
        if territory is not None and doc.scenario.territories[territory].locked:
            self.messages.error(
                f"{territory} is locked. Unlock it to add or remove its {plural(doc.plan.layer.unit_noun)}."
            )
            return False
        layer = doc.plan.layer
        positions = layer.positions(unit_ids)
        allowed = self.state.paint_filter(*self.paint_source())(positions)
        target_code = self.state.code_of(territory)
        moving = allowed & (self.state.codes[positions] != target_code)
        chosen = [unit_ids[i] for i in np.flatnonzero(moving)]
        if not chosen:
            skipped = int((~allowed).sum())
            if skipped:
                self.statusBar().showMessage(
                    f"Nothing repainted: {self.state.noun(skipped)} are locked or outside the repaint filter.", 6000
                )
            return False
        return doc.assign_units(chosen, territory)

    def assign_selection(self) -> None:
        if self._selection:
            self.assign_units(self._selection)

    def _on_map_selection_changed(self, items: list[Any]) -> None:
        self._selection = self._to_unit_ids(list(items))
        doc = self.document
        if doc is None:
            return
        if self._selection and self.mode_actions["lasso"].isChecked() and self.paint_target()[0]:
            # A lasso is a paint gesture: what it encloses goes straight into the paint territory.
            selection, self._selection = self._selection, []
            self.assign_units(selection)
            clear = getattr(self.map, "clear_selection", None)
            if clear is not None:
                clear()
            return
        if not self._selection:
            self._update_units_label()
            return
        layer = doc.plan.layer
        n = len(self._selection)
        text = f"{self.state.noun(n) if self.state else n} selected"
        if layer.potential_column:
            total = float(layer.units.loc[self._selection, layer.potential_column].fillna(0).sum())
            text += f" · {layer.potential_column.replace('_', ' ')} {total:,.0f}"
        self.units_label.setText(text + "  —  Ctrl+Enter assigns them to the paint territory")

    def _update_units_label(self) -> None:
        if self.state is None:
            self.units_label.setText("")
            return
        n_open = int((self.state.codes == UNASSIGNED).sum())
        self.units_label.setText(f"{self.state.noun(len(self.state.codes))} · {n_open:,} not in a territory")

    def _unit_tooltip(self, position: int) -> str:
        doc = self.document
        if doc is None or self.state is None:
            return ""
        layer = doc.plan.layer
        position = int(position)
        uid = layer.unit_ids[position]
        row = layer.units.iloc[position]
        parts = [f"<b>{row.get('name', uid)}</b>"]
        if "state" in layer.units.columns:
            parts[0] += f", {row['state']}"
        code = int(self.state.codes[position])
        if code == UNASSIGNED:
            parts.append("Not in a territory")
        else:
            name = self.state.names[code]
            t = doc.scenario.territories.get(name)
            region = f" ({t.region})" if t and t.region else ""
            parts.append(f"{name}{region} — {STATUS_LABEL.get(self.state.status[code], '')}")
        if layer.potential_column:
            value = row.get(layer.potential_column)
            if value == value and value is not None:
                parts.append(f"{layer.potential_column.replace('_', ' ').capitalize()}: {float(value):,.0f}")
        return "<br>".join(parts)

    def _fill_color_combo(self) -> None:
        combo = self.color_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Territory", "territory")
        combo.addItem("Funding status", "status")
        doc = self.document
        if doc is not None:
            layer = doc.plan.layer
            if layer.potential_column:
                combo.addItem(f"{layer.potential_column.replace('_', ' ').capitalize()} per seller", "per_seller")
            for column in layer.numeric_columns():
                combo.addItem(column.replace("_", " ").capitalize(), f"attr:{column}")
        combo.setCurrentIndex(max(0, combo.findData(self._color_mode)))
        combo.blockSignals(False)

    def _on_color_combo_activated(self, index: int) -> None:
        self.set_color_mode(self.color_combo.itemData(index))

    def set_color_mode(self, mode: str) -> None:
        self._color_mode = mode
        idx = self.color_combo.findData(mode)
        if idx >= 0:
            self.color_combo.setCurrentIndex(idx)
        self._apply_color_mode()

    def _apply_color_mode(self) -> None:
        doc = self.document
        mode = self._color_mode
        if doc is None or self.state is None:
            return
        layer = doc.plan.layer
        if mode == "status":
            self.map.set_color_mode("status")
        elif mode == "per_seller":
            report = doc.report()
            per = report.potential_per_seller()
            label = f"{(layer.potential_column or 'potential').replace('_', ' ')} per seller"
            self.map.set_color_mode("measure", self.state.per_unit(per), label.capitalize())
        elif mode.startswith("attr:") and mode[5:] in layer.units.columns:
            column = mode[5:]
            values = layer.units[column].to_numpy(dtype=float, na_value=np.nan)
            self.map.set_color_mode("measure", values, column.replace("_", " ").capitalize())
        else:
            self._color_mode = "territory"
            self.map.set_color_mode("territory")

    def _zoom_to_fit(self) -> None:
        if self.document is not None:
            self.map.zoom_to_fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self._zoom_to_fit)

    def zoom_to_territory(self, name: str) -> None:
        if self.state is None:
            return
        ids = self.state.unit_ids_of(name)
        if ids:
            self.map.zoom_to_units(ids)
            self.map.highlight_units(ids)

    # --- dropping a seller onto the map ---------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.map.viewport() and event.type() in (
            QEvent.Type.DragEnter,
            QEvent.Type.DragMove,
            QEvent.Type.Drop,
        ):
            return self._on_map_drag_event(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _unit_under(self, point: Any) -> int:
        unit_at = getattr(self.map, "unit_at", None)
        if unit_at is None:
            return -1
        return int(unit_at(self.map.mapToScene(point)))

    def _on_map_drag_event(self, event: QDropEvent) -> bool:
        mime = event.mimeData()
        if self.document is None or not mime.hasFormat(SELLER_MIME):
            return False
        position = self._unit_under(event.position().toPoint())
        if event.type() != QEvent.Type.Drop:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            if position >= 0 and self.state is not None:
                code = int(self.state.codes[position])
                where = self.state.names[code] if code >= 0 else "no territory"
                self.statusBar().showMessage(
                    f"Drop to put {bytes(mime.data(SELLER_MIME).data()).decode()} into {where}", 2000
                )
            return True
        name = bytes(mime.data(SELLER_MIME).data()).decode("utf-8")
        event.acceptProposedAction()
        self.drop_seller_on_unit(name, position)
        return True

    def drop_seller_on_unit(self, seller_name: str, position: int) -> bool:
        """Put a seller or hire into the territory of the unit at ``position`` (one undoable edit)."""
        doc = self.document
        if doc is None or self.state is None:
            return False
        seller = doc.scenario.sellers.get(seller_name)
        if seller is None:
            return False
        if position < 0:
            self.messages.error(f"Drop {seller_name} onto a territory on the map.")
            return False
        code = int(self.state.codes[position])
        if code == UNASSIGNED:
            noun = doc.plan.layer.unit_noun
            self.messages.error(f"That {noun} is in no territory: drop {seller_name} onto a territory.")
            return False
        territory = self.state.names[code]
        if seller.territory == territory:
            return False
        return doc.execute(EditSeller(doc.scenario_name, seller_name, replace(seller, territory=territory)))

    # ================================================================================================ flags
    def units_of_flag(self, flag: Flag) -> list[str]:
        """The units a flag is about: its territory, a seller's territory, a region, or the unassigned units."""
        doc = self.document
        if doc is None or self.state is None:
            return []
        s = doc.scenario
        if flag.subject_type == "territory":
            return self.state.unit_ids_of(flag.subject)
        if flag.subject_type == "seller":
            seller = s.sellers.get(flag.subject)
            return self.state.unit_ids_of(seller.territory) if seller and seller.territory else []
        if flag.subject_type == "region":
            return [u for t in s.territories_of(flag.subject) for u in self.state.unit_ids_of(t.name)]
        if flag.code == "UNASSIGNED_UNITS":
            return self.state.unassigned_ids()
        return []

    def show_flag(self, flag: Flag) -> None:
        """Zoom the map to a flag's subject and select it in its table."""
        doc = self.document
        if doc is None:
            return
        ids = self.units_of_flag(flag)
        if ids:
            self.map.zoom_to_units(ids)
            self.map.highlight_units(ids)
        else:
            self.map.zoom_to_fit()
        if flag.subject_type == "territory" and flag.subject in doc.scenario.territories:
            self.territories.select(flag.subject)
            self.territories_dock.raise_()
        elif flag.subject_type == "seller":
            self.sellers.select(flag.subject)
            if not self._workshop:
                self.sellers_dock.raise_()
        self.statusBar().showMessage(flag.message, 10000)

    def next_problem(self) -> Flag | None:
        return self.flags.next_problem()

    # ================================================================================================ workshop
    def toggle_workshop(self) -> None:
        self.set_workshop(not self._workshop)

    def set_workshop(self, on: bool) -> None:
        """Workshop mode: full screen, map + summary strip + flags, in large type for a projector."""
        if on == self._workshop:
            return
        if on:
            self._pre_workshop = (self.saveState(LAYOUT_VERSION), self.isMaximized())
            for dock in (
                self.territories_dock,
                self.sellers_dock,
                self.marketing_dock,
                self.assumptions_dock,
                self.history_dock,
            ):
                dock.hide()
            self.flags_dock.show()
            self.flags_dock.raise_()
            self.main_toolbar.hide()
            self.menuBar().hide()
            self.statusBar().hide()
            self.summary.set_scale(1.6)
            self.flags.set_large(True)
            self.resizeDocks([self.flags_dock], [520], Qt.Orientation.Horizontal)
            self._workshop = True
            self.showFullScreen()
            QTimer.singleShot(150, self._zoom_to_fit)
        else:
            self._workshop = False
            self.summary.set_scale(1.0)
            self.flags.set_large(False)
            self.menuBar().show()
            self.statusBar().show()
            self.main_toolbar.show()
            if self._pre_workshop is not None:
                state, maximized = self._pre_workshop
                self.restoreState(state, LAYOUT_VERSION)
                self.showMaximized() if maximized else self.showNormal()
            else:
                self.showNormal()
            QTimer.singleShot(150, self._zoom_to_fit)
        self.workshop_action.setChecked(self._workshop)

    @property
    def in_workshop(self) -> bool:
        return self._workshop

    def color_mode(self) -> str:
        return self._color_mode

    def describe_money(self, value: float) -> str:
        return money(value, self.document.currency if self.document else "USD")


__all__ = ["MainWindow", "default_map_factory"]
