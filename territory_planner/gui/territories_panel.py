"""The Territories dock panel: the territories of the shown scenario, regions, lock and colour."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.commands import (
    CreateRegion,
    CreateTerritory,
    DeleteRegion,
    DeleteTerritory,
    LockTerritory,
    MoveTerritoryToRegion,
    RecolourTerritory,
    RenameRegion,
)
from ..domain.formatting import count, money
from ..domain.model import Territory
from ..geo.parents import layer_parents
from .document import PlanDocument
from .drilldown import DrilldownDialog
from .model_base import NAME_ROLE, SORT_ROLE
from .panel_base import Panel, fit_columns_when_idle, panel_button, panel_table
from .territory_model import TerritoryTableModel


class TerritoriesPanel(Panel):
    """The territories of the shown scenario; the selected row is the territory painting assigns to."""

    active_territory_changed = Signal(object)  # territory name or None
    #: The person picked a row (click or keys) or created a territory: painting goes into it. Never emitted for a
    #: selection the program makes (F8 walking flags, a refresh after undo), so only the person moves the target.
    territory_chosen = Signal(str)
    territory_activated = Signal(str)  # double-clicked: zoom to it
    build_requested = Signal()  # "Build territories…" (the window opens the builder)
    units_requested = Signal(list)  # a row of a territory's by-county list was double-clicked: show those units

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TerritoryTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = panel_table(self.proxy)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setColumnWidth(0, 190)
        self._fit_columns = fit_columns_when_idle(self.view, first=1)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu)
        self.drilldown: DrilldownDialog | None = None
        self.model.modelReset.connect(self._on_model_reset)

        self.region_menu = QMenu(self)
        self.region_menu.aboutToShow.connect(self._on_region_menu_about_to_show)
        region_button = QToolButton(self)
        region_button.setText("Region")
        region_button.setToolTip("Move the territory to a region; create, rename or delete regions")
        region_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        region_button.setMenu(self.region_menu)
        self.lock_button = panel_button("Lock", "Locked territories are never repainted", self._on_lock_clicked, self)
        self.lock_button.setCheckable(True)
        bar = QHBoxLayout()
        bar.addWidget(panel_button("New…", "Create a territory (then paint its counties)", self.ask_create, self))
        bar.addWidget(panel_button("Rename…", "Rename the selected territory (F2)", self.ask_rename, self))
        bar.addWidget(panel_button("Colour…", "Change the selected territory's colour", self.ask_recolour, self))
        bar.addWidget(region_button)
        bar.addWidget(self.lock_button)
        bar.addWidget(
            panel_button(
                "Delete", "Delete the selected territory (its units become unassigned)", self.delete_selected, self
            )
        )
        bar.addStretch(1)
        self.build_button = panel_button(
            "Build territories…", "Build balanced, contiguous territories", self.build_requested.emit, self
        )
        bar.addWidget(self.build_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self._pending_select: str | None = None
        self._quiet = 0  # > 0 while the panel itself changes the selection

    def set_document(self, document: PlanDocument | None) -> None:
        super().set_document(document)
        self.model.set_document(document)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)

    def refresh(self) -> None:
        selected = self.selected_name()
        self._quiet += 1
        try:
            if not self.model.refresh() or not selected:
                return  # same rows (a stroke): the selection stands
            if self.selected_name() != selected and selected in self.model.names():
                self.select(selected)
            if self.selected_name() is None:
                self._on_view_selection_changed()  # a reset drops the selection without a signal: tell the map
        finally:
            self._quiet -= 1

    # --- selection -----------------------------------------------------------------------------------------
    def selected_name(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return rows[0].data(NAME_ROLE)

    def select(self, name: str | None) -> None:
        """Select a territory's row for the person to see; the paint target stays as it is."""
        self._quiet += 1
        try:
            self._select(name)
        finally:
            self._quiet -= 1

    def _select(self, name: str | None) -> None:
        if name is None:
            self.view.clearSelection()
            return
        row = self.model.row_of(name)
        if row < 0 and self.document is not None and name in self.document.scenario.territories:
            self.model.refresh()  # a command just added or renamed it; the scheduled refresh has not run yet
            row = self.model.row_of(name)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.scrollTo(index)

    def _on_model_reset(self) -> None:
        if self._pending_select:
            name, self._pending_select = self._pending_select, None
            self.select(name)

    def _on_view_selection_changed(self, *_: object) -> None:
        name = self.selected_name()
        territory = self.document.scenario.territories.get(name) if self.document and name else None
        self.lock_button.setChecked(bool(territory and territory.locked))
        self.active_territory_changed.emit(name)
        if name and not self._quiet:
            self.territory_chosen.emit(name)

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        key = self.model.COLUMNS[self.proxy.mapToSource(index).column()]
        if key == "color":
            self.ask_recolour()
        elif key != "name":
            self.territory_activated.emit(index.data(NAME_ROLE))

    # --- by county ----------------------------------------------------------------------------------------
    def _on_view_context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        name = index.data(NAME_ROLE) if index.isValid() else None
        if not isinstance(name, str) or self.document is None:
            return
        menu = QMenu(self)
        for level in layer_parents(self.document.plan.layer).levels:
            menu.addAction(f"{name} by {level}…", partial(self.show_drilldown, name, level))
        menu.addAction("Rename…", self.ask_rename)
        menu.addAction("Colour…", self.ask_recolour)
        self.select(name)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def show_drilldown(self, name: str, level: str | None = None) -> DrilldownDialog | None:
        """Open the list of a territory's counties (or states); None for a layer whose units have no parents."""
        if self.document is None or not layer_parents(self.document.plan.layer).levels:
            return None
        if self.drilldown is not None:
            self.drilldown.close()
        dialog = DrilldownDialog(self.document.plan.layer, self.document.scenario, name, level, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.units_chosen.connect(self.units_requested)
        dialog.destroyed.connect(lambda *_: setattr(self, "drilldown", None))
        self.drilldown = dialog
        dialog.show()
        return dialog

    # --- commands ------------------------------------------------------------------------------------------
    def _territory(self) -> Territory | None:
        name = self.selected_name()
        if self.document is None or name is None:
            return None
        return self.document.scenario.territories.get(name)

    def create_territory(self, name: str, region: str | None = None, color: str | None = None) -> bool:
        if self.document is None:
            return False
        s = self.document.scenario
        territory = Territory(name.strip(), region, color or s.next_color())
        self._pending_select = territory.name
        ok = self.document.execute(CreateTerritory(self.document.scenario_name, territory))
        if ok:
            self.refresh()
            self.select(territory.name)
            self.territory_chosen.emit(territory.name)  # a new territory is painted into next
        self._pending_select = None
        return ok

    def ask_create(self) -> None:
        if self.document is None:
            return
        n = len(self.document.scenario.territories) + 1
        name, ok = QInputDialog.getText(self, "New territory", "Name of the new territory:", text=f"Territory {n}")
        if ok and name.strip():
            current = self._territory()
            self.create_territory(name, current.region if current else None)

    def ask_rename(self) -> None:
        t = self._territory()
        if t is None or self.document is None:
            return
        name, ok = QInputDialog.getText(self, "Rename territory", f"New name for {t.name}:", text=t.name)
        if ok and name.strip() and name.strip() != t.name:
            from ..domain.commands import RenameTerritory

            self.document.execute(RenameTerritory(self.document.scenario_name, t.name, name.strip()))
            self.refresh()
            self.select(name.strip())

    def recolour(self, name: str, color: str) -> bool:
        if self.document is None:
            return False
        return self.document.execute(RecolourTerritory(self.document.scenario_name, name, color))

    def ask_recolour(self) -> None:
        t = self._territory()
        if t is None:
            return
        color = QColorDialog.getColor(QColor(t.color), self, f"Colour of {t.name}")
        if color.isValid():
            self.recolour(t.name, color.name())

    def delete_selected(self) -> None:
        t = self._territory()
        if t is None or self.document is None:
            return
        what = self.what_deleting_loses(t.name)
        if what:
            answer = QMessageBox.question(
                self,
                "Delete territory",
                f"{t.name} has {what}. Delete it? (Edit > Undo brings it back.)",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.document.execute(DeleteTerritory(self.document.scenario_name, t.name))

    def what_deleting_loses(self, name: str) -> str:
        """The sellers and money a territory holds, in words ("" when it holds neither)."""
        if self.document is None:
            return ""
        s = self.document.scenario
        sellers = [x for x in s.sellers.values() if x.territory == name]
        hires = sum(1 for x in sellers if x.is_hire)
        parts = []
        if len(sellers) - hires:
            parts.append(count(len(sellers) - hires, "seller"))
        if hires:
            parts.append(count(hires, "planned hire"))
        alloc = s.allocation("territory", name)
        if alloc is not None and (alloc.budget > 0 or alloc.hours > 0):
            money_text = money(alloc.budget, s.assumptions.currency)
            parts.append(f"a marketing allocation of {money_text} and {alloc.hours:,.0f} hours")
        return " and ".join(parts)

    def _on_lock_clicked(self) -> None:
        t = self._territory()
        if t is None or self.document is None:
            self.lock_button.setChecked(False)
            return
        self.document.execute(LockTerritory(self.document.scenario_name, t.name, not t.locked))

    def move_to_region(self, territory: str, region: str | None) -> bool:
        if self.document is None:
            return False
        return self.document.execute(MoveTerritoryToRegion(self.document.scenario_name, territory, region))

    def _on_region_menu_about_to_show(self) -> None:
        menu = self.region_menu
        menu.clear()
        if self.document is None:
            return
        t = self._territory()
        s = self.document.scenario
        move = menu.addMenu("Move selected territory to")
        move.setEnabled(t is not None)
        for region in [*s.regions, None]:
            action = move.addAction(region or "No region")
            action.setCheckable(True)
            action.setChecked(t is not None and t.region == region)
            action.triggered.connect(lambda _=False, r=region: t and self.move_to_region(t.name, r))
        menu.addSeparator()
        menu.addAction("New region…", self._ask_new_region)
        rename = menu.addMenu("Rename region")
        delete = menu.addMenu("Delete region")
        for region in s.regions:
            rename.addAction(region, partial(self._ask_rename_region, region))
            delete.addAction(region, partial(self._delete_region, region))
        rename.setEnabled(bool(s.regions))
        delete.setEnabled(bool(s.regions))

    def _ask_new_region(self) -> None:
        if self.document is None:
            return
        name, ok = QInputDialog.getText(self, "New region", "Name of the new region:")
        if ok and name.strip() and self.document.execute(CreateRegion(self.document.scenario_name, name.strip())):
            t = self._territory()
            if t is not None and t.region is None:
                self.move_to_region(t.name, name.strip())

    def _ask_rename_region(self, region: str) -> None:
        if self.document is None:
            return
        name, ok = QInputDialog.getText(self, "Rename region", f"New name for region {region}:", text=region)
        if ok and name.strip() and name.strip() != region:
            self.document.execute(RenameRegion(self.document.scenario_name, region, name.strip()))

    def _delete_region(self, region: str) -> None:
        if self.document is not None:
            self.document.execute(DeleteRegion(self.document.scenario_name, region))
