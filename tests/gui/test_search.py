"""Find (Ctrl+F, issue 15 §4): a ZIP code, a county by name, a territory, a seller or a city is zoomed to and
selected on the map."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QKeySequence

from territory_planner.domain import BASELINE, Plan
from territory_planner.domain.commands import AddSeller
from territory_planner.gui.document import PlanDocument
from tests.parent_layers import county_of, zip_grid_plan, zip_id
from tests.plan_builders import existing


def _show(window: Any, qtbot: Any, plan: Plan) -> Any:
    window.set_document(PlanDocument(plan, None))
    window.refresh_now()
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.map.zoom_to_fit()
    return window


@pytest.fixture
def zip_window(window: Any, qtbot: Any) -> Any:
    return _show(window, qtbot, zip_grid_plan())


def _centred_on(win: Any, unit_ids: list[str]) -> bool:
    """Every unit's inside point is in view, and the view is closer than the whole map."""
    view = win.map
    rect = view.visible_scene_rect()
    return (
        all(rect.contains(view.scene_point(u)) for u in unit_ids) and rect.width() < view._geometry.extent.width() * 3
    )


def _zoomed_in(win: Any, fit_width: float) -> bool:
    return win.map.visible_scene_rect().width() < fit_width


def test_find_a_zip_code_zooms_to_it_and_selects_it(zip_window: Any, qtbot: Any) -> None:
    win = zip_window
    fit_width = win.map.visible_scene_rect().width()
    with qtbot.waitSignal(win.search.found, timeout=2000) as blocker:
        assert win.search.find_text(zip_id(2, 5))
    assert blocker.args[2] == [zip_id(2, 5)]
    assert win.map.selected_unit_ids() == [zip_id(2, 5)]
    assert _centred_on(win, [zip_id(2, 5)]) and _zoomed_in(win, fit_width)
    assert "1 ZIP code" in win.statusBar().currentMessage()


def test_find_a_county_by_name_selects_its_zips(zip_window: Any) -> None:
    win = zip_window
    win.search.refresh_index()
    county = county_of(0, 0)  # 20001: Allen County, Kansas in the bundled county layer
    labels = [label for label in win.search.labels() if f"({county})" in label]
    assert labels == [f"Allen County, KS ({county})  ·  county"]
    assert win.search.find_text("allen county")
    assert sorted(win.map.selected_unit_ids()) == sorted(zip_id(r, c) for r in (0, 1) for c in (0, 1))
    assert _centred_on(win, win.map.selected_unit_ids())


def test_find_a_state_a_territory_and_a_seller(zip_window: Any) -> None:
    win = zip_window
    doc = win.document
    doc.execute(AddSeller(BASELINE, existing("Ann Lee", "South", 900_000)))
    doc.assign_units([zip_id(3, 3)], "South")
    win.refresh_now()
    assert win.search.find_text("Kansas")
    assert len(win.map.selected_unit_ids()) == 16  # the west half of the grid is state 20
    assert win.search.find_text("South  ·  territory")
    assert sorted(win.map.selected_unit_ids()) == sorted([zip_id(0, 0), zip_id(3, 3)])
    win.map.clear_selection()
    assert win.search.find_text("ann lee")
    assert sorted(win.map.selected_unit_ids()) == sorted([zip_id(0, 0), zip_id(3, 3)])


def test_find_a_city_of_the_zip_list(zip_window: Any, qtbot: Any) -> None:
    from territory_planner.readers.zipcodes_index import zip_centroids

    win = zip_window
    with qtbot.waitSignal(win.search.index_ready, timeout=60_000):
        win.search.refresh_index()
    assert win.search.has_cities()
    table = zip_centroids()
    layer_ids = set(win.document.plan.layer.unit_ids)
    expected = sorted(
        str(code)
        for code, city, state in zip(table.codes, table.city, table.state, strict=True)
        if city == "New York" and state == "NY" and str(code) in layer_ids
    )
    assert expected  # the grid's ids 10000-10031 are Manhattan's ZIP codes
    assert win.search.find_text("New York, NY  ·  city")
    assert sorted(win.map.selected_unit_ids()) == expected


def test_in_a_county_plan_a_city_selects_the_county_holding_it(window: Any, qtbot: Any, demo_plan: Plan) -> None:
    win = _show(window, qtbot, demo_plan)
    with qtbot.waitSignal(win.search.index_ready, timeout=60_000):
        win.search.refresh_index()
    assert win.search.find_text("Austin, TX")
    assert "48453" in win.map.selected_unit_ids()  # Travis County
    assert win.search.find_text("Travis County")
    assert win.map.selected_unit_ids() == ["48453"]


def test_nothing_found_says_so_and_ctrl_f_is_find(zip_window: Any) -> None:
    win = zip_window
    win.map.clear_selection()
    assert not win.search.find_text("no such place 123")
    assert "Nothing found for 'no such place 123'" in win.statusBar().currentMessage()
    assert win.map.selected_unit_ids() == []
    assert win.find_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert win.find_action in win.menu_actions.map_menu.actions()
    win.search.setText("old")
    win.find_action.trigger()
    assert win.search.selectedText() == "old"  # Ctrl+F selects what was typed, ready to be replaced
