"""A territory by county (issue 15 §3): the Territories panel lists a territory's counties or states with their units,
population and share, and a double-clicked county is shown on the map."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from territory_planner.domain import Plan
from territory_planner.gui.document import PlanDocument
from tests.parent_layers import county_of, zip_grid_plan, zip_id
from tests.plan_builders import grid_layer, make_plan


@pytest.fixture
def zip_window(window: Any) -> Any:
    window.set_document(PlanDocument(zip_grid_plan(), None))
    window.refresh_now()
    return window


def _population(plan: Plan, ids: list[str]) -> float:
    return float(plan.layer.units.loc[ids, "population"].sum())


def test_a_territory_by_county_lists_units_population_and_share(zip_window: Any) -> None:
    win = zip_window
    win.document.assign_units([zip_id(0, 1), zip_id(1, 0), zip_id(1, 1), zip_id(1, 4)], "South")
    win.refresh_now()
    dialog = win.territories.show_drilldown("South", "county")
    assert dialog is not None and dialog.windowTitle() == "South by county"
    plan = win.document.plan
    whole = [zip_id(0, 0), zip_id(0, 1), zip_id(1, 0), zip_id(1, 1)]
    total = _population(plan, [*whole, zip_id(1, 4)])
    rows = dialog.row_texts()
    assert [r[0] for r in rows] == [f"Allen County, KS ({county_of(0, 0)})", f"Anderson County, KS ({county_of(0, 4)})"]
    assert rows[0][1:3] == ["4", "all"]  # the whole county
    assert rows[1][1:3] == ["1", "4"]  # one of its four ZIP codes
    assert rows[0][3] == f"{_population(plan, whole):,.0f}"
    share = _population(plan, whole) / total * 100
    assert rows[0][4] == f"{share:.1f} %"
    assert dialog.summary.text() == "South: 5 ZIP codes in 2 counties"


def test_by_state_and_a_double_clicked_row_is_shown_on_the_map(zip_window: Any, qtbot: Any) -> None:
    win = zip_window
    win.document.assign_units([zip_id(2, 6)], "South")
    win.refresh_now()
    dialog = win.territories.show_drilldown("South")
    dialog.show_level("state")
    rows = dialog.row_texts()
    assert [r[0] for r in rows] == ["Missouri (29)", "Kansas (20)"]  # largest population first
    with qtbot.waitSignal(win.territories.units_requested, timeout=2000) as blocker:
        row = next(i for i in range(dialog.table.rowCount()) if dialog.table.item(i, 0).text() == "Missouri (29)")
        dialog.table.doubleClicked.emit(dialog.table.model().index(row, 1))
    assert blocker.args[0] == [zip_id(2, 6)]
    assert win.map.highlighted_unit_count() == 1


def test_the_context_menu_offers_the_levels(zip_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = zip_window
    panel = win.territories
    shown: list[list[str]] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, *_: shown.append([a.text() for a in menu.actions()]))
    panel.resize(600, 300)
    panel.show()
    index = panel.proxy.mapFromSource(panel.model.index(panel.model.row_of("South"), 1))
    panel.view.customContextMenuRequested.emit(panel.view.visualRect(index).center())
    assert shown and shown[0][:2] == ["South by county…", "South by state…"]
    assert panel.selected_name() == "South"
    panel.view.customContextMenuRequested.emit(QPoint(-5, -5))  # not on a row: no menu
    assert len(shown) == 1


def test_a_plan_without_parents_has_no_by_county_list(window: Any) -> None:
    window.set_document(PlanDocument(make_plan(grid_layer()), None))
    window.refresh_now()
    assert window.territories.show_drilldown("Anything") is None


def test_a_county_plan_drills_into_states(opened: Any) -> None:
    dialog = opened.territories.show_drilldown("Texas")
    assert dialog is not None
    assert dialog.level() == "state"
    assert [r[0] for r in dialog.row_texts()] == ["Texas (48)"]
    assert dialog.row_texts()[0][4] == "100.0 %"
    assert dialog.table.item(0, 0).flags() & Qt.ItemFlag.ItemIsEditable == Qt.ItemFlag.NoItemFlags
