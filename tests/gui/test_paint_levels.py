"""Painting at any level (issue 15 §3): in a ZIP plan the paint, lasso and select tools take whole counties or
states, as one undo entry, with locks and the repaint filter still applied; a plan without parents has no switch."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from territory_planner.gui.document import PlanDocument
from tests.parent_layers import COLS, ROWS, zip_grid_plan, zip_id
from tests.plan_builders import grid_layer, make_plan


@pytest.fixture
def zip_window(window: Any, qtbot: Any) -> Any:
    window.set_document(PlanDocument(zip_grid_plan(), None))
    window.refresh_now()
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.map.zoom_to_fit()
    window.map.set_brush_radius(0)  # the stroke takes only the cells under the pointer's path
    return window


def _at(win: Any, unit: str) -> QPoint:
    return win.map.view_point(unit)


def _stroke(qtbot: Any, win: Any, units: list[str], release: bool = True) -> None:
    viewport = win.map.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=_at(win, units[0]))
    for unit in units[1:]:
        qtbot.mouseMove(viewport, pos=_at(win, unit))
    if release:
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=_at(win, units[-1]))


def _block(rows: range | tuple[int, ...], cols: range | tuple[int, ...]) -> set[str]:
    return {zip_id(r, c) for r in rows for c in cols}


def _units_of(win: Any, territory: str) -> set[str]:
    return set(win.document.scenario.units_of(territory))


def test_a_zip_plan_offers_zip_codes_counties_and_states(zip_window: Any) -> None:
    paint = zip_window.paint
    combo = paint.level_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["ZIP codes", "Counties", "States"]
    assert paint.level_action is not None and paint.level_action.isVisible()
    assert combo.isEnabled()
    assert paint.level() == "unit"


def test_a_plan_without_parents_hides_the_level_switch(window: Any) -> None:
    window.set_document(PlanDocument(make_plan(grid_layer()), None))
    window.refresh_now()
    paint = window.paint
    assert not paint.level_action.isVisible()
    assert not paint.level_combo.isEnabled()
    assert paint.level_combo.count() == 1
    with pytest.raises(ValueError, match="no 'county' level"):
        paint.set_level("county")


def test_a_county_stroke_assigns_every_zip_of_the_counties_it_crosses_as_one_undo_entry(
    zip_window: Any, qtbot: Any
) -> None:
    win = zip_window
    win.paint.set_paint_target("North")
    win.paint.set_level("county")
    win.paint.set_mode("paint")
    before = dict(win.document.scenario.assignment)
    entries = win.document.undo_stack.count()
    # row 2, west to east across two counties (each 2 x 2 cells: rows 2-3, columns 0-1 and 2-3)
    _stroke(qtbot, win, [zip_id(2, 0), zip_id(2, 1), zip_id(2, 2)], release=False)
    assert set(win.map.stroke_preview_ids()) == _block((2, 3), range(4))  # the preview shows whole counties
    qtbot.mouseRelease(win.map.viewport(), Qt.MouseButton.LeftButton, pos=_at(win, zip_id(2, 2)))
    assert _units_of(win, "North") == _block((2, 3), range(4))
    assert win.document.undo_stack.count() == entries + 1
    assert "8 ZIP codes" in win.document.undo_stack.undoText()
    win.refresh_now()
    assert "2 counties" in win.statusBar().currentMessage()
    win.document.undo_stack.undo()
    assert win.document.scenario.assignment == before


def test_a_county_stroke_leaves_a_locked_territorys_zip_and_obeys_the_repaint_filter(
    zip_window: Any, qtbot: Any
) -> None:
    win = zip_window
    win.paint.set_paint_target("North")
    win.paint.set_level("county")
    win.paint.set_mode("paint")
    win.paint.set_paint_source("unassigned")
    # the two south-west counties: (0, 0) is South's, (0, 2) is in the locked territory
    _stroke(qtbot, win, [zip_id(1, 1), zip_id(1, 2)])
    assert _units_of(win, "North") == _block((0, 1), range(4)) - {zip_id(0, 0), zip_id(0, 2)}
    assert _units_of(win, "Locked") == {zip_id(0, 2)}
    assert _units_of(win, "South") == {zip_id(0, 0)}
    win.paint.set_paint_source("all")
    _stroke(qtbot, win, [zip_id(1, 1)])
    assert zip_id(0, 0) in _units_of(win, "North")  # any unit may be taken now, the locked one still not
    assert _units_of(win, "Locked") == {zip_id(0, 2)}


def test_state_level_takes_the_whole_state(zip_window: Any, qtbot: Any) -> None:
    win = zip_window
    win.paint.set_paint_target("North")
    win.paint.set_level("state")
    win.paint.set_mode("paint")
    entries = win.document.undo_stack.count()
    _stroke(qtbot, win, [zip_id(3, 5)])
    assert _units_of(win, "North") == _block(range(ROWS), range(COLS // 2, COLS))
    assert win.document.undo_stack.count() == entries + 1


def test_select_and_lasso_take_whole_counties(zip_window: Any, qtbot: Any) -> None:
    win = zip_window
    win.paint.set_level("county")
    win.paint.set_mode("select")
    viewport = win.map.viewport()
    with qtbot.waitSignal(win.map.selection_changed, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_at(win, zip_id(3, 5)))
    assert set(blocker.args[0]) == _block((2, 3), (4, 5))
    win.paint.set_paint_target("South")
    win.paint.assign_selection()  # Ctrl+Enter
    assert _units_of(win, "South") == _block((2, 3), (4, 5)) | {zip_id(0, 0)}
    win.map.clear_selection()
    # a lasso in paint mode around one cell's inside point assigns its whole county
    win.paint.set_paint_target("North")
    win.paint.set_mode("lasso")
    centre = _at(win, zip_id(1, 5))
    corners = [centre + QPoint(dx, dy) for dx, dy in ((-6, -6), (6, -6), (6, 6), (-6, 6))]
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=corners[0])
    for corner in corners[1:]:
        qtbot.mouseMove(viewport, pos=corner)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=corners[-1])
    assert _units_of(win, "North") == _block((0, 1), (4, 5))


def test_back_at_zip_level_a_stroke_takes_only_the_zips_it_crosses(zip_window: Any, qtbot: Any) -> None:
    win = zip_window
    win.paint.set_paint_target("North")
    win.paint.set_level("county")
    win.paint.set_level("unit")
    win.paint.set_mode("paint")
    _stroke(qtbot, win, [zip_id(2, 0), zip_id(2, 1)])
    assert _units_of(win, "North") == {zip_id(2, 0), zip_id(2, 1)}
