"""The dock panels: territories, sellers and hires, marketing, assumptions, flags; and the summary strip."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..domain import BASELINE, Flag, PlanError, Report
from ..domain.checks import exceeds, spend_ratio_side
from ..domain.commands import (
    AddSeller,
    CreateRegion,
    CreateTerritory,
    DeleteRegion,
    DeleteTerritory,
    EditSeller,
    LockTerritory,
    MoveTerritoryToRegion,
    RecolourTerritory,
    RemoveSeller,
    RenameRegion,
    SetAllocation,
)
from ..domain.formatting import hours, money, percent
from ..domain.model import Seller, Territory
from .dialogs import SellerDialog
from .document import PlanDocument
from .models import (
    FLAG_ROLE,
    NAME_ROLE,
    SORT_ROLE,
    AllocationTableModel,
    AssumptionTableModel,
    FlagsModel,
    SellerTableModel,
    TerritoryTableModel,
)
from .parsing import edit_text, parse_assumption
from .theme import STATUS_COLOR, STATUS_LABEL


def _button(text: str, tip: str, slot: object, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("PanelNote")
    label.setWordWrap(True)
    return label


def _table(model: QSortFilterProxyModel | object, sortable: bool = True) -> QTableView:
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


class _Panel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: PlanDocument | None = None

    def set_document(self, document: PlanDocument | None) -> None:
        self.document = document
        self.setEnabled(document is not None)

    def refresh(self) -> None:
        """Bring the panel up to date with the document's current scenario."""


# --- territories -------------------------------------------------------------------------------------------


class TerritoriesPanel(_Panel):
    """The territories of the shown scenario; the selected row is the territory painting assigns to."""

    active_territory_changed = Signal(object)  # territory name or None
    territory_activated = Signal(str)  # double-clicked: zoom to it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TerritoryTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = _table(self.proxy)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(0, 190)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.model.modelReset.connect(self._on_model_reset)

        self.region_menu = QMenu(self)
        self.region_menu.aboutToShow.connect(self._on_region_menu_about_to_show)
        region_button = QToolButton(self)
        region_button.setText("Region")
        region_button.setToolTip("Move the territory to a region; create, rename or delete regions")
        region_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        region_button.setMenu(self.region_menu)
        self.lock_button = _button("Lock", "Locked territories are never repainted", self._on_lock_clicked, self)
        self.lock_button.setCheckable(True)
        bar = QHBoxLayout()
        bar.addWidget(_button("New…", "Create a territory (then paint its counties)", self.ask_create, self))
        bar.addWidget(_button("Rename…", "Rename the selected territory (F2)", self.ask_rename, self))
        bar.addWidget(_button("Colour…", "Change the selected territory's colour", self.ask_recolour, self))
        bar.addWidget(region_button)
        bar.addWidget(self.lock_button)
        bar.addWidget(
            _button("Delete", "Delete the selected territory (its units become unassigned)", self.delete_selected, self)
        )
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self._pending_select: str | None = None

    def set_document(self, document: PlanDocument | None) -> None:
        super().set_document(document)
        self.model.set_document(document)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)

    def refresh(self) -> None:
        selected = self.selected_name()
        self.model.refresh()
        if selected and self.selected_name() != selected and selected in self.model.names():
            self.select(selected)

    # --- selection -----------------------------------------------------------------------------------------
    def selected_name(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return rows[0].data(NAME_ROLE)

    def select(self, name: str | None) -> None:
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

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        key = self.model.COLUMNS[self.proxy.mapToSource(index).column()]
        if key == "color":
            self.ask_recolour()
        elif key != "name":
            self.territory_activated.emit(index.data(NAME_ROLE))

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
        if t is not None and self.document is not None:
            self.document.execute(DeleteTerritory(self.document.scenario_name, t.name))

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


# --- sellers and hires -------------------------------------------------------------------------------------


class SellersPanel(_Panel):
    """Existing sellers and planned hires: add, edit, remove; each hire shows whether marketing funds them."""

    seller_selected = Signal(object)  # seller name or None
    seller_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SellerTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = _table(self.proxy)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setToolTip("Drag a seller or hire onto the map to put them into that territory")
        self.view.doubleClicked.connect(lambda _i: self.ask_edit())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.seller_selected.emit(self.selected_name()))
        bar = QHBoxLayout()
        bar.addWidget(
            _button(
                "Add hire…",
                "Plan a new hire: start month, ramp, quota, cost, territory",
                lambda: self.ask_add(True),
                self,
            )
        )
        bar.addWidget(_button("Add seller…", "Add an existing seller", lambda: self.ask_add(False), self))
        bar.addWidget(_button("Edit…", "Edit the selected seller or hire", self.ask_edit, self))
        bar.addWidget(_button("Remove", "Remove the selected seller or hire", self.remove_selected, self))
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


# --- marketing ---------------------------------------------------------------------------------------------


class MarketingPanel(_Panel):
    """The plan's marketing budget and hours, allocations per region and territory, and totals against plan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.budget_edit = QLineEdit()
        self.budget_edit.setToolTip("The marketing budget of the plan period, e.g. 2.4M")
        self.budget_edit.editingFinished.connect(lambda: self._set_plan_value("marketing_budget", self.budget_edit))
        self.hours_edit = QLineEdit()
        self.hours_edit.setToolTip("Hours the marketing team can give in the plan period")
        self.hours_edit.editingFinished.connect(lambda: self._set_plan_value("marketing_hours", self.hours_edit))
        form = QFormLayout()
        form.addRow("Marketing budget", self.budget_edit)
        form.addRow("Marketing team hours", self.hours_edit)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addLayout(form)
        top.addWidget(self.totals, 1)
        self.model = AllocationTableModel()
        self.view = _table(self.model, sortable=False)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        remove = _button("Remove allocation", "Take away the selected row's allocation", self.remove_selected, self)
        bar = QHBoxLayout()
        bar.addWidget(
            _note(
                "Double-click a budget, hours or start month to change it. A region's budget is a "
                "shared pool for its territories that have none of their own."
            ),
            1,
        )
        bar.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.view)

    def set_document(self, document: PlanDocument | None) -> None:
        super().set_document(document)
        self.model.set_document(document)
        self.refresh()

    def refresh(self) -> None:
        self.model.refresh()
        if self.document is None:
            return
        values = self.document.scenario.assumptions.values
        cur = self.document.currency
        if not self.budget_edit.hasFocus():
            self.budget_edit.setText(edit_text("marketing_budget", values["marketing_budget"], cur))
        if not self.hours_edit.hasFocus():
            self.hours_edit.setText(edit_text("marketing_hours", values["marketing_hours"], cur))
        t = self.document.report().totals
        over = t.allocated_budget - t.marketing_budget
        alloc = f"<b>{money(t.allocated_budget, cur)}</b> allocated of the {money(t.marketing_budget, cur)} budget" + (
            f" <span style='color:#b00020'>({money(over, cur)} over)</span>"
            if exceeds(over, 0.0)
            else f" ({money(-over, cur)} not yet allocated)"
        )
        need = f"territories need <b>{money(t.required_spend, cur)}</b> of program spend"
        hrs = f"hours: <b>{hours(t.required_hours)}</b> needed of {hours(t.marketing_hours)}"
        if t.spend_ratio is None:
            ratio = "no revenue target yet"
        else:
            lo, hi = (
                self.document.scenario.assumptions.values["spend_ratio_min"],
                self.document.scenario.assumptions.values["spend_ratio_max"],
            )
            inside = spend_ratio_side(t.spend_ratio, lo, hi) is None
            color = "#1d2733" if inside else "#b00020"
            ratio = (
                f"budget is <b style='color:{color}'>{percent(t.spend_ratio)}</b> of the "
                f"{money(t.revenue_target, cur)} revenue target (benchmark {percent(lo, 0)}–{percent(hi, 0)})"
            )
        self.totals.setText(f"{alloc}<br>{need}; {hrs}<br>{ratio}")

    def _set_plan_value(self, key: str, edit: QLineEdit) -> None:
        if self.document is None:
            return
        from ..domain.commands import SetAssumption

        try:
            value = parse_assumption(key, edit.text())
        except PlanError as exc:
            self.document.error_raised.emit(str(exc))
            self.refresh()
            return
        if abs(self.document.scenario.assumptions.values[key] - value) > 1e-9:
            self.document.execute(SetAssumption(self.document.scenario_name, "plan", None, key, value))

    def set_allocation(self, level: str, name: str, budget: float, hours_: float = 0.0) -> bool:
        if self.document is None:
            return False
        from ..domain import Allocation

        current = self.document.scenario.allocations.get((level, name))
        start = current.start_month if current else None
        allocation = Allocation(level, name, budget, hours_, start)  # type: ignore[arg-type]
        return self.document.execute(SetAllocation(self.document.scenario_name, level, name, allocation))

    def remove_selected(self) -> None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None or row.allocation is None or self.document is None:
            return
        self.document.execute(SetAllocation(self.document.scenario_name, row.level, row.name, None))


# --- assumptions -------------------------------------------------------------------------------------------


class AssumptionsPanel(_Panel):
    """The funnel handshake, for the whole plan or as overrides of one region or territory."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level_combo = QComboBox()
        self.level_combo.currentIndexChanged.connect(self._on_level_combo_changed)
        self.model = AssumptionTableModel()
        self.view = _table(self.model, sortable=False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.clear_button = _button(
            "Use inherited value", "Remove this level's override of the selected value", self.clear_selected, self
        )
        self.period_edit = QLineEdit()
        self.period_edit.setMaximumWidth(90)
        self.period_edit.setToolTip("First month of the 12-month plan period, as YYYY-MM")
        self.period_edit.editingFinished.connect(lambda: self._set_text_value("period_start", self.period_edit))
        self.currency_edit = QLineEdit()
        self.currency_edit.setMaximumWidth(60)
        self.currency_edit.setToolTip("Plan currency, a 3-letter code such as USD, EUR or GBP")
        self.currency_edit.editingFinished.connect(lambda: self._set_text_value("currency", self.currency_edit))
        top = QHBoxLayout()
        top.addWidget(QLabel("Values for"))
        top.addWidget(self.level_combo, 1)
        top.addWidget(self.clear_button)
        top.addSpacing(12)
        top.addWidget(QLabel("Plan starts"))
        top.addWidget(self.period_edit)
        top.addWidget(QLabel("Currency"))
        top.addWidget(self.currency_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(
            _note(
                "Type rates as 25 % or 0.25, money as 180, 60k or 1.2M. Grey values are inherited; "
                "typing one sets an override for this region or territory."
            )
        )

    def set_document(self, document: PlanDocument | None) -> None:
        super().set_document(document)
        self.model.set_document(document)
        self._fill_levels()
        self._show_text_values()

    def _fill_levels(self) -> None:
        current = self._key(self.model.level, self.model.name)
        self.level_combo.blockSignals(True)
        self.level_combo.clear()
        self.level_combo.addItem("The whole plan", "plan")
        if self.document is not None:
            s = self.document.scenario
            for region in s.regions:
                self.level_combo.addItem(f"Region {region}", self._key("region", region))
            for name in s.territories:
                self.level_combo.addItem(f"Territory {name}", self._key("territory", name))
        idx = max(0, self.level_combo.findData(current))
        self.level_combo.setCurrentIndex(idx)
        self.level_combo.blockSignals(False)
        self.clear_button.setEnabled(self.model.level != "plan")

    def refresh(self) -> None:
        self.model.refresh()
        self._fill_levels()
        self._show_text_values()

    def _show_text_values(self) -> None:
        if self.document is None:
            return
        a = self.document.scenario.assumptions
        if not self.period_edit.hasFocus():
            self.period_edit.setText(str(a.period_start))
        if not self.currency_edit.hasFocus():
            self.currency_edit.setText(a.currency)

    def _set_text_value(self, key: str, edit: QLineEdit) -> None:
        """The plan's first month or currency (text values; the domain checks them)."""
        if self.document is None:
            return
        text = edit.text().strip()
        current = self.document.scenario.assumptions.get("plan", None, key)
        if text == str(current) or (key == "currency" and text.upper() == str(current)):
            return
        from ..domain.commands import SetAssumption

        if not self.document.execute(SetAssumption(self.document.scenario_name, "plan", None, key, text)):
            edit.setText(str(current))

    @staticmethod
    def _key(level: str, name: str | None) -> str:
        return level if name is None else f"{level}:{name}"

    def show_level(self, level: str, name: str | None) -> None:
        idx = self.level_combo.findData(self._key(level, name))
        if idx >= 0:
            self.level_combo.setCurrentIndex(idx)

    def _on_level_combo_changed(self, _index: int) -> None:
        data = self.level_combo.currentData()
        if not data:
            return
        level, _, name = str(data).partition(":")
        self.model.set_level(level, name or None)
        self.clear_button.setEnabled(level != "plan")

    def clear_selected(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.model.clear_override(self.model.key_at(index.row()))


# --- flags -------------------------------------------------------------------------------------------------


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


class FlagsPanel(_Panel):
    """Every finding of the checks, blocking first, in plain words. Double-click shows the subject on the map."""

    flag_activated = Signal(object)  # Flag

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
        self.next_button = _button("Next problem  (F8)", "Show the next flag on the map", self.next_problem, self)
        self.caption = _note()
        bar = QHBoxLayout()
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self.keys_hint = _note("F8 next problem · Ctrl+PgDown next scenario · F11 leave workshop mode")
        self.keys_hint.setVisible(False)
        layout.addWidget(self.keys_hint)
        self._position = -1

    def set_report(self, report: Report | None) -> None:
        flags = report.flags if report is not None else []
        before = self.model.all_flags()
        self.model.set_flags(flags)
        if before != self.model.all_flags():
            self._position = -1
        self.view.expandAll()
        if report is None:
            self.caption.setText("")
        elif not flags:
            self.caption.setText("No problems found.")
        else:
            t = report.totals
            self.caption.setText(f"{t.blocking_flags} blocking, {t.warning_flags} warnings")

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


# --- summary strip -----------------------------------------------------------------------------------------


class _Chip(QLabel):
    """A coloured count ("3 Unfunded"); grey when the count is zero so only real problems catch the eye."""

    def __init__(self, color: str) -> None:
        super().__init__()
        self._color = color
        self._scale = 1.0
        self._zero = False
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._restyle()

    def set_scale(self, scale: float) -> None:
        self._scale = scale
        self._restyle()

    def set_count(self, n: int, word: str) -> None:
        self.setText(f"{n} {word}")
        if self._zero != (n == 0):
            self._zero = n == 0
            self._restyle()

    def _restyle(self) -> None:
        scale = self._scale
        pad_v, pad_h = int(3 * scale), int(10 * scale)
        background, color = ("#e9edf2", "#5f6b7a") if self._zero else (self._color, "white")
        self.setStyleSheet(
            f"QLabel {{ background: {background}; color: {color}; border-radius: {int(11 * scale)}px; "
            f"padding: {pad_v}px {pad_h}px; font-weight: 700; font-size: {int(15 * scale)}px; }}"
        )


class SummaryStrip(QFrame):
    """The large-type bar for the room: funded / at risk / unfunded, hires, spend and hours, and the verdict."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SummaryStrip")
        self.scenario_label = QLabel()
        self.chips = {s: _Chip(STATUS_COLOR[s]) for s in ("funded", "at_risk", "unfunded")}
        self.hires_label = QLabel()
        self.spend_label = QLabel()
        self.hours_label = QLabel()
        self.verdict_label = QLabel()
        self.verdict_label.setProperty("role", "verdict")
        self.verdict_label.setWordWrap(True)
        self._captions: list[QLabel] = []

        def caption(text: str) -> QLabel:
            label = QLabel(text)
            label.setProperty("role", "caption")
            self._captions.append(label)
            return label

        # Two groups side by side in the window, one above the other in workshop mode (large type).
        people = QHBoxLayout()
        people.setSpacing(10)
        people.addWidget(self.scenario_label)
        people.addSpacing(16)
        people.addWidget(caption("Territories"))
        for chip in self.chips.values():
            people.addWidget(chip)
        people.addSpacing(16)
        people.addWidget(caption("Hires"))
        people.addWidget(self.hires_label)
        people.addStretch(1)
        money_row = QHBoxLayout()
        money_row.setSpacing(10)
        money_row.addWidget(caption("Spend"))
        money_row.addWidget(self.spend_label)
        money_row.addSpacing(16)
        money_row.addWidget(caption("Hours"))
        money_row.addWidget(self.hours_label)
        money_row.addStretch(1)
        self._groups = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._groups.setSpacing(16)
        self._groups.addLayout(people)
        self._groups.addLayout(money_row)
        self._groups.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(4)
        layout.addLayout(self._groups)
        layout.addWidget(self.verdict_label)
        # Never force the window wider than the screen: long figures are clipped, not pushed off the edge.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(200)
        self._scale = 1.0
        self.set_scale(1.0)

    def set_scale(self, scale: float) -> None:
        """1.0 in the normal window; larger for workshop mode on a projector."""
        self._scale = scale
        stacked = scale > 1.2
        self._groups.setDirection(QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight)
        last = self._groups.itemAt(self._groups.count() - 1)
        has_spacer = last is not None and last.spacerItem() is not None
        if stacked and has_spacer:
            self._groups.takeAt(self._groups.count() - 1)  # no empty band under the stacked rows
        elif not stacked and not has_spacer:
            self._groups.addStretch(1)
        base = int(15 * scale)
        for chip in self.chips.values():
            chip.set_scale(scale)
        for label in (self.hires_label, self.spend_label, self.hours_label):
            label.setStyleSheet(f"font-size: {base}px; font-weight: 600;")
        for label in self._captions:
            label.setStyleSheet(f"font-size: {int(13 * scale)}px; color: #5f6b7a;")
        self.scenario_label.setStyleSheet(f"font-size: {int(16 * scale)}px; font-weight: 700; color: #1f4e79;")
        self.verdict_label.setStyleSheet(f"font-size: {int(16 * scale)}px; font-weight: 600;")

    def set_report(self, report: Report | None, currency: str = "USD") -> None:
        if report is None:
            self.scenario_label.setText("")
            for chip in self.chips.values():
                chip.setText("–")
            for label in (self.hires_label, self.spend_label, self.hours_label, self.verdict_label):
                label.setText("")
            return
        t = report.totals
        scenario = "Baseline" if report.scenario == BASELINE else report.scenario
        self.scenario_label.setText(scenario)
        for status, n in (("funded", t.funded), ("at_risk", t.at_risk), ("unfunded", t.unfunded)):
            self.chips[status].set_count(n, STATUS_LABEL[status])
        hires_short = t.hires_at_risk + t.hires_unfunded
        hires_text = f"{t.hires_funded} funded"
        if t.hires_at_risk:
            hires_text += f" · {t.hires_at_risk} at risk"
        hires_text += (
            f" · <span style='color:{STATUS_COLOR['unfunded'] if hires_short else '#1d2733'}'>"
            f"{t.hires_unfunded} unfunded</span>"
        )
        self.hires_label.setText(hires_text)
        short = exceeds(t.required_spend, t.allocated_budget)
        color = STATUS_COLOR["unfunded"] if short else "#1d2733"
        self.spend_label.setText(
            f"needs {money(t.required_spend, currency)} · allocated "
            f"<span style='color:{color}'>{money(t.allocated_budget, currency)}</span>"
        )
        h_short = exceeds(t.required_hours, t.marketing_hours)
        h_color = STATUS_COLOR["unfunded"] if h_short else "#1d2733"
        self.hours_label.setText(
            f"needs {t.required_hours:,.0f} · has <span style='color:{h_color}'>{t.marketing_hours:,.0f}</span>"
        )
        self.verdict_label.setText(report.verdict())


__all__ = [
    "AssumptionsPanel",
    "FlagsPanel",
    "MarketingPanel",
    "SellersPanel",
    "SummaryStrip",
    "TerritoriesPanel",
]
