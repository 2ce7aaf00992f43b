"""The main window: the map in the middle, the summary strip across the top, the panels as docks.

The window assembles controllers that each own one concern and get their collaborators in the constructor:
:mod:`.document_controller` (open, save, autosave, recent plans), :mod:`.paint_controller` (tools, paint target,
repaint filter, locks, selection), :mod:`.colour_modes`, :mod:`.scenario_controller`, :mod:`.flag_navigation`,
:mod:`.workshop_mode`, :mod:`.seller_drop`, and :mod:`.actions` (actions, toolbars, menus). What stays here is the
open document and the refresh after each edit: all edits go through the open :class:`PlanDocument` (one undo
stack per plan); after an edit the map is updated for the moved units only (or its territory table, for structural
edits), and the tables, flags and summary are refreshed once per event-loop turn, however many commands arrived.
"""

from __future__ import annotations

import logging
from typing import cast

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QGraphicsView, QMainWindow, QToolBar, QWidget

from ..domain import Report
from ..domain.commands import AssignUnits, SetUnitAttributes
from ..services import heap
from ..services.autosave import RecoveryStore
from ..services.workspace import Workspace
from .actions import EditSlots, StatusBar, WindowActions, make_action
from .assumptions_panel import AssumptionsPanel
from .budget_panel import BudgetPanel
from .colour_modes import ColourModes
from .comments_panel import CommentsPanel
from .conflict_dialog import handle_save_conflict
from .docks import DockedPanels, bottom_dock_height, make_dock
from .document import PlanDocument
from .document_controller import DocumentController
from .flag_navigation import FlagNavigation
from .flags_panel import FlagsPanel
from .handshake_panel import HandshakePanel
from .history_panel import HistoryPanel
from .import_export import ImportExport
from .map_look import unit_tooltip
from .map_markers import SellerMarkers, scenario_markers
from .marketing_panel import MarketingPanel
from .messages import Messenger
from .paint_controller import PaintController
from .planning_actions import PlanningActions
from .protocols import MapFactory, MapWidget, as_widget
from .risk_run import RiskResults, open_risk_dialog
from .scenario_controller import ScenarioController
from .search import FindMap, SearchBox
from .seller_drop import SellerDrop
from .sellers_panel import SellersPanel
from .settings import LAYOUT_VERSION, app_settings
from .sharing_controller import SharingController
from .signoff_controller import SignOffController
from .summary_strip import SummaryStrip
from .territories_panel import TerritoriesPanel
from .territory_state import TerritoryState, only_assignments
from .workers import Task, TaskRunner
from .workshop_mode import WorkshopMode

log = logging.getLogger(__name__)

#: Milliseconds after a large plan opened before what the opening left is given back (services/heap.release).
HEAP_COLLECT_DELAY_MS = 1500


def default_map_factory(parent: QWidget | None = None) -> MapWidget:
    from .map_view import MapView

    return MapView(parent)


class MainWindow(QMainWindow):
    """One window, one open plan.

    The collaborators are built by the app's start-up (:func:`territory_planner.gui.app.start`) and handed in;
    the defaults serve tests and benchmarks that need only some of them.
    """

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
        self._map_factory: MapFactory = map_factory or default_map_factory
        self.messages = Messenger(self)
        self.setStatusBar(StatusBar(self))  # long messages end in … before the labels on the right
        self.document: PlanDocument | None = None
        self.state: TerritoryState | None = None
        self._closing_ok = False
        self._shown_once = False

        self.setObjectName("MainWindow")
        self.setWindowTitle("Territory Planner")
        self.setDockNestingEnabled(True)
        self.map: MapWidget = self._map_factory(self)
        map_widget = as_widget(self.map)
        map_widget.setObjectName("Map")
        self.setCentralWidget(map_widget)
        self.map.set_tooltip_provider(self._unit_tooltip)
        scene = map_widget.scene() if isinstance(map_widget, QGraphicsView) else None
        self.markers = SellerMarkers(scene) if scene is not None else None
        labels_changed = getattr(self.map, "labels_changed", None)
        if labels_changed is not None:
            labels_changed.connect(self._on_labels_changed)
        map_widget.setAcceptDrops(True)  # sellers and hires can be dropped into the territory under the pointer

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._refresh_views)

        self._build_panels()
        self.import_export = ImportExport(self)
        self.documents = DocumentController(
            self,
            self.workspace,
            self.runner,
            self.recovery,
            self.messages,
            self.settings,
            self,
            on_save_conflict=lambda document, error: handle_save_conflict(self, document, error),
        )
        self.documents.document_ready.connect(self.set_document)
        self.documents.plan_opened.connect(self._update_title)
        self.documents.plan_opened.connect(self.plan_opened)
        self.documents.plan_saved.connect(self._update_title)
        self.documents.plan_saved.connect(self.plan_saved)
        self.paint = PaintController(
            self, self.map, self.territories, self.sellers, self.assumptions, self.messages, self.settings, self
        )
        self.colours = ColourModes(self, self.map, self)
        self.scenarios = ScenarioController(self, self._map_factory, self)
        self.planning = PlanningActions(self, self.runner, self.scenarios, self)
        self.flags.fix_requested.connect(self.planning.ask_fix)
        self.territories.build_requested.connect(self.planning.ask_build)
        self.seller_drop = SellerDrop(self, self.map, self.messages, self)
        self.main_toolbar = QToolBar("Main", self)
        self.paint_toolbar = QToolBar("Painting", self)
        self.workshop = WorkshopMode(
            self,
            [
                self.territories_dock,
                self.sellers_dock,
                self.marketing_dock,
                self.assumptions_dock,
                self.budget_dock,
                self.history_dock,
                self.handshake_dock,
                self.comments_dock,
            ],
            self.flags_dock,
            self.flags,
            self.summary,
            [self.main_toolbar, self.paint_toolbar, self.menuBar(), self.statusBar()],
            self._zoom_to_fit,
            self._set_map_scale,
        )
        self.flag_navigation = FlagNavigation(
            self,
            self.map,
            self.flags,
            self.territories,
            self.territories_dock,
            self.sellers,
            self.sellers_dock,
            lambda: self.workshop.on,
            self,
        )
        self.menu_actions = WindowActions(
            self,
            self.documents,
            self.import_export,
            self.paint,
            self.flag_navigation,
            self.workshop,
            EditSlots(self._undo, self._redo, self._zoom_to_fit),
        )
        self.menu_actions.fill_main_toolbar(
            self.main_toolbar, self.paint_toolbar, self.scenarios, self.paint, self.colours
        )
        self.summary_toolbar = self.menu_actions.add_summary_toolbar(self.summary)
        self.signoff = SignOffController(self, self.settings)
        self.signoff.reported.connect(lambda text: self.show_status(text, 8000))
        self.sharing = SharingController(self, self.settings, self.show_status)  # live plans on a plan server
        self.main_toolbar.insertWidget(self.scenarios.compare_action, self.signoff.status_label)
        self.risk_action = make_action(
            self,
            "Run &confidence (Monte Carlo)…",
            self.ask_risk,
            None,
            "Sample the assumption ranges and show how often each territory is funded",
        )
        self.menu_actions.build_menus(
            self.documents,
            self.scenarios,
            self.paint,
            self._docks(),
            [*self.planning.actions(), self.risk_action],
            [*self.signoff.actions(), self.signoff.name_action],
        )
        self.menu_actions.build_status_bar(self.paint, self.documents)
        self.statusBar().addPermanentWidget(self.sharing.presence_label)
        self.search = SearchBox(self, cast("FindMap", self.map), self.runner, self)  # Find (Ctrl+F): gui/search.py
        self.main_toolbar.addSeparator()
        self.main_toolbar.addWidget(self.search)
        self.find_action = make_action(
            self, "&Find…", self.search.start, QKeySequence.StandardKey.Find, "Find a ZIP, county, territory or city"
        )
        self.menu_actions.map_menu.addAction(self.find_action)
        self.messages.error_shown.connect(lambda text: self.show_status(text, 8000))
        self._restore_layout()
        self._set_document_actions_enabled(False)

    # ================================================================================================ building
    def _build_panels(self) -> None:
        self.summary = SummaryStrip()
        self.territories = TerritoriesPanel()
        self.sellers = SellersPanel()
        self.marketing = MarketingPanel()
        self.assumptions = AssumptionsPanel()
        self.flags = FlagsPanel()
        self.budget = BudgetPanel()
        self.risk_results = RiskResults(self)
        self.territories.model.set_risk(self.risk_results)
        self.budget.set_risk(self.risk_results)
        self.territories.active_territory_changed.connect(self.budget.show_territory)
        self.budget.run_requested.connect(self.ask_risk)
        self.history = HistoryPanel()  # the change log, with the undo list in its Undo tab
        self.handshake = HandshakePanel()
        self.comments = CommentsPanel()
        self.territories.active_territory_changed.connect(lambda name: self.comments.show_subject("territory", name))
        self.sellers.seller_selected.connect(lambda name: self.comments.show_subject("seller", name))
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.flags_dock = make_dock(self, "Flags", "FlagsDock", self.flags, right)
        self.territories_dock = make_dock(self, "Territories", "TerritoriesDock", self.territories, bottom)
        self.sellers_dock = make_dock(self, "Sellers and hires", "SellersDock", self.sellers, bottom)
        self.marketing_dock = make_dock(self, "Marketing", "MarketingDock", self.marketing, bottom)
        self.assumptions_dock = make_dock(self, "Assumptions", "AssumptionsDock", self.assumptions, bottom)
        self.budget_dock = make_dock(self, "Budget", "BudgetDock", self.budget, bottom)
        self.history_dock = make_dock(self, "History", "HistoryDock", self.history, right)
        self.handshake_dock = make_dock(self, "Handshake", "HandshakeDock", self.handshake, bottom)
        self.comments_dock = make_dock(self, "Comments", "CommentsDock", self.comments, right)
        self.comments.open_count_changed.connect(
            lambda n: self.comments_dock.setWindowTitle(f"Comments ({n} open)" if n else "Comments")
        )
        self.tabifyDockWidget(self.territories_dock, self.sellers_dock)
        self.tabifyDockWidget(self.sellers_dock, self.marketing_dock)
        self.tabifyDockWidget(self.marketing_dock, self.assumptions_dock)
        self.tabifyDockWidget(self.assumptions_dock, self.budget_dock)
        self.tabifyDockWidget(self.budget_dock, self.handshake_dock)
        self.territories_dock.raise_()
        self.tabifyDockWidget(self.flags_dock, self.history_dock)
        self.tabifyDockWidget(self.history_dock, self.comments_dock)
        self.flags_dock.raise_()
        self.resizeDocks([self.flags_dock], [430], Qt.Orientation.Horizontal)
        self.resizeDocks([self.territories_dock], [bottom_dock_height(self.screen())], Qt.Orientation.Vertical)
        self.territories.territory_activated.connect(self.zoom_to_territory)
        self.territories.units_requested.connect(self.zoom_to_units)  # a county of a territory's by-county list
        # panels an edit refreshes (in this order) while in view; the others when they come into view
        self._edit_panels = DockedPanels(self, [self.sellers, self.marketing, self.assumptions, self.budget])

    def _docks(self) -> list[QDockWidget]:
        return [
            self.territories_dock,
            self.sellers_dock,
            self.marketing_dock,
            self.assumptions_dock,
            self.budget_dock,
            self.flags_dock,
            self.history_dock,
            self.handshake_dock,
            self.comments_dock,
        ]

    def save(self) -> Task | None:
        """Save the plan (see :meth:`DocumentController.save`)."""
        return self.documents.save()

    def ask_save_as(self) -> None:
        self.documents.ask_save_as()

    def show_status(self, text: str, msecs: int = 0) -> None:
        """A message in the status line (hidden in workshop mode)."""
        self.statusBar().showMessage(text, msecs)

    # ================================================================================================ layout
    def _restore_layout(self) -> None:
        if int(str(self.settings.value("window/layout_version", 0))) != LAYOUT_VERSION:
            screen = self.screen()
            available = screen.availableGeometry() if screen is not None else None
            if available is None or available.isEmpty():
                self.resize(1500, 940)
            else:  # never larger than the screen (a 1280x720 projector)
                self.resize(min(1500, available.width()), min(940, available.height()))
            return
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        self.settings.setValue("window/layout_version", LAYOUT_VERSION)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.workshop.layout_to_save())
        self.settings.setValue("map/brush", self.paint.brush_spin.value())
        self.settings.sync()

    # ================================================================================================ documents
    def set_document(self, document: PlanDocument | None) -> None:
        """Show a plan (or none). The previous document is closed."""
        units = len(document.plan.layer) if document is not None else 0
        with heap.opening(units):
            self._set_document(document)
        if heap.garbage_waiting() or units >= heap.LARGE_LAYER_UNITS:
            QTimer.singleShot(HEAP_COLLECT_DELAY_MS, heap.release)  # what the opening left, once idle

    def _set_document(self, document: PlanDocument | None) -> None:
        old = self.document
        if old is not None:
            old.changed.disconnect(self._on_document_changed)
            old.scenario_switched.disconnect(self._on_document_scenario_switched)
            old.scenarios_changed.disconnect(self.scenarios.fill_combo)
            old.error_raised.disconnect(self.messages.error)
            old.undo_stack.cleanChanged.disconnect(self._update_title)
            old.target_changed.disconnect(self._update_title)
            old.undo_stack.indexChanged.disconnect(self._name_undo_actions)
            old.close()
            old.deleteLater()
        self.document = document
        for governance_panel in (self.history, self.handshake, self.comments):
            governance_panel.set_document(document)
        self.paint.reset()
        self.documents.adopt(document)
        if document is not None:
            document.setParent(self)
            document.changed.connect(self._on_document_changed)
            document.scenario_switched.connect(self._on_document_scenario_switched)
            document.scenarios_changed.connect(self.scenarios.fill_combo)
            document.error_raised.connect(self.messages.error)
            document.undo_stack.cleanChanged.connect(self._update_title)
            document.target_changed.connect(self._update_title)
            document.undo_stack.indexChanged.connect(self._name_undo_actions)
            self.map.set_layer(document.plan.layer)
        self.risk_results.set_document(document)
        if document is None:  # with a document, _show_scenario below gives the panels theirs (once)
            for panel in (self.territories, self.sellers, self.marketing, self.assumptions, self.budget):
                panel.set_document(document)
        self.flags.set_document(document)
        self.signoff.set_document(document)
        self.sharing.attach(document)
        self.scenarios.fill_combo()
        self.colours.fill()
        self._show_scenario()
        self._set_document_actions_enabled(document is not None)
        self._name_undo_actions()
        self._update_title()
        if document is not None:
            self.map.zoom_to_fit()
            QTimer.singleShot(0, self._zoom_to_fit)  # again once the docks have their final sizes
        self.document_changed.emit(document)

    def _name_undo_actions(self, *_: object) -> None:
        """Edit > Undo and Redo name what they undo ("Undo Assign 14 counties to Texas")."""
        stack = self.document.undo_stack if self.document is not None else None
        actions = self.menu_actions
        for action, verb, text, can in (
            (actions.undo_action, "&Undo", stack.undoText() if stack else "", bool(stack and stack.canUndo())),
            (actions.redo_action, "&Redo", stack.redoText() if stack else "", bool(stack and stack.canRedo())),
        ):
            action.setText(f"{verb} {text}" if text else verb)
            action.setEnabled(can)

    def _set_document_actions_enabled(self, enabled: bool) -> None:
        for action in self.menu_actions.document_actions():
            action.setEnabled(enabled)
        self.scenarios.set_enabled(enabled)
        self.planning.set_enabled(enabled)
        self.risk_action.setEnabled(enabled)
        self.paint.set_enabled(enabled)
        self.colours.combo.setEnabled(enabled)

    def _update_title(self, *_: object) -> None:
        doc = self.document
        if doc is None:
            self.setWindowTitle("Territory Planner")
            self.setWindowModified(False)
            return
        self.setWindowTitle(f"{doc.title()}[*] — Territory Planner")
        self.setWindowModified(doc.is_modified)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_ok and not self.documents.maybe_save():
            event.ignore()
            return
        self.runner.cancel_all()
        self.runner.wait(10_000)
        self.sharing.shutdown()
        self.save_layout()
        self.documents.discard_recovery()
        self.scenarios.close_compare()
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
        self.paint.note_command(command)
        if only_assignments(command) and isinstance(command, AssignUnits) and scenario == doc.scenario_name:
            positions, codes = self.state.moved(command)
            if len(positions):
                self.map.update_units(positions, codes)
        elif only_assignments(command) and scenario not in (None, doc.scenario_name):
            pass  # another scenario's units moved: nothing on screen changes
        else:
            self._rebuild_map_state()
            if isinstance(command, SetUnitAttributes):
                self.colours.fill()
                self.colours.apply()
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh_now(self, *, hidden_panels: bool = True) -> None:
        """Run a pending refresh at once (tests and callers that need the views current). With ``hidden_panels``
        False, panels hidden behind another dock's tab wait until shown, as after an edit."""
        self._refresh_timer.stop()
        self._refresh_views(hidden_may_wait=not hidden_panels)

    def _refresh_views(self, hidden_may_wait: bool = True) -> None:
        doc = self.document
        if doc is None:
            self.summary.set_report(None)
            self.flags.set_report(None)
            return
        report = doc.report()
        self.territories.refresh()
        reselect = self.paint.take_reselect()
        if reselect is not None:
            self.territories.select(reselect)
        self._edit_panels.refresh(hidden_may_wait=hidden_may_wait)
        self.flags.set_report(report)
        self.summary.set_report(report, doc.currency)
        if self.state is not None and self.state.set_report(report):
            self.map.set_territory_status(self.state.status)
        self.colours.report_changed()
        self._show_markers(report)
        self.paint.fill_paint_combo()
        self.paint.update_units_label()
        self._update_title()

    def _set_map_scale(self, scale: float) -> None:
        set_text_scale = getattr(self.map, "set_text_scale", None)
        if set_text_scale is not None:
            set_text_scale(scale)
        if self.markers is not None:
            self.markers.set_scale(scale)
        if self.document is not None:
            self._show_markers(self.document.report())

    def _on_labels_changed(self) -> None:
        if self.document is not None:
            self._show_markers(self.document.report())

    def _show_markers(self, report: Report) -> None:
        """Sellers and planned hires on the map, each with its status symbol (gui/map_markers.py)."""
        doc = self.document
        points = getattr(self.map, "label_points", None)
        if self.markers is None or doc is None or points is None:
            return
        markers = scenario_markers(doc.scenario, report, doc.plan.layer, getattr(self.map, "unit_point", None))
        self.markers.show(markers, points())

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
        self.paint.update_paint_filter()

    def _show_scenario(self) -> None:
        """Everything for the document's current scenario (after opening or switching).

        The map goes first and its image starts rendering on its worker at once: the panels are filled meanwhile,
        so at ZIP scale opening waits for the slower of the two, not for their sum (issue 16 §4)."""
        self._rebuild_map_state()
        self.colours.apply()
        self.map.start_pending_render()
        self.scenarios.show_current()
        for panel in (self.territories, self.sellers, self.marketing, self.assumptions, self.budget):
            panel.set_document(self.document)
        self._refresh_views()

    def _on_document_scenario_switched(self, name: str) -> None:
        self.scenarios.fill_combo()
        self._show_scenario()
        self.show_status(f"Showing scenario {name}", 4000)

    # ================================================================================================ map
    def _unit_tooltip(self, position: int) -> str:
        doc = self.document
        if doc is None or self.state is None:
            return ""
        return unit_tooltip(doc.plan.layer, doc.scenario, self.state, int(position))

    def ask_risk(self) -> QWidget | None:
        """Scenario > Run confidence (Monte Carlo)…: the dialog that runs it on a worker (gui/risk_run.py)."""
        if self.document is None:
            return None
        return open_risk_dialog(self.document, self.runner, self.risk_results, self)

    def _zoom_to_fit(self) -> None:
        if self.document is not None:
            self.map.zoom_to_fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._wrap_toolbars()

    def _wrap_toolbars(self) -> None:
        """The painting tool bar beside the main one when both fit, on a row of its own when they do not (a 1280 px
        projector): Paint into and Repaint stay reachable at every width."""
        needed = self.main_toolbar.sizeHint().width() + self.paint_toolbar.sizeHint().width() + 16
        wrap = needed > self.width()
        if wrap != self.toolBarBreak(self.paint_toolbar):
            if wrap:
                self.insertToolBarBreak(self.paint_toolbar)
            else:
                self.removeToolBarBreak(self.paint_toolbar)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self._zoom_to_fit)

    def zoom_to_units(self, unit_ids: list[str]) -> None:
        if unit_ids:
            self.map.zoom_to_units(unit_ids)
            self.map.highlight_units(unit_ids)

    def zoom_to_territory(self, name: str) -> None:
        if self.state is None:
            return
        ids = self.state.unit_ids_of(name)
        if ids:
            self.map.zoom_to_units(ids)
            self.map.highlight_units(ids)


__all__ = ["MainWindow", "default_map_factory"]
