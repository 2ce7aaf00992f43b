"""The main window on a copy of the demo plan: painting, hires and funding, scenarios, assumptions, flags,
closing, workshop mode and layout. Asserts on the models and on what a person would see."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from territory_planner.domain import Allocation, Month, Seller
from territory_planner.domain.commands import RenameScenario, SetAllocation
from territory_planner.gui.model_base import SORT_ROLE
from territory_planner.gui.territory_model import TerritoryTableModel

BASE = "baseline"


def _stroke(window: Any, unit_ids: list[str]) -> None:
    """What the map does at the end of one paint stroke: the paint filter, then one signal."""
    ids = list(unit_ids)
    layer = window.document.plan.layer
    allowed = window.state.paint_filter(*window.paint.paint_source())(layer.positions(ids))
    ids = [u for u, ok in zip(ids, allowed, strict=True) if ok]
    window.map.stroke_finished.emit(ids)


def _select_territory(window: Any, name: str) -> None:
    """What a click on the territory's row does (the view's selection, not the panel's programmatic select)."""
    panel = window.territories
    panel.view.selectRow(panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(name), 0)).row())
    assert window.territories.selected_name() == name
    assert window.paint.paint_target() == (True, name)


# --- painting ----------------------------------------------------------------------------------------------


def test_paint_stroke_assigns_units_as_one_undo_entry(opened: Any) -> None:
    win = opened
    scenario = win.document.scenario
    texas = scenario.units_of("Texas")[:14]
    _select_territory(win, "Mountain")
    win.paint.set_mode("paint")

    _stroke(win, texas)

    stack = win.document.undo_stack
    assert stack.count() == 1
    assert stack.undoText() == "Assign 14 counties to Mountain"
    assert all(scenario.assignment[u] == "Mountain" for u in texas)
    mountain = win.state.code_of("Mountain")
    assert (win.state.codes[win.document.plan.layer.positions(texas)] == mountain).all()
    win.refresh_now()
    assert win.isWindowModified()

    stack.undo()

    assert all(scenario.assignment[u] == "Texas" for u in texas)
    assert (win.state.codes[win.document.plan.layer.positions(texas)] == win.state.code_of("Texas")).all()
    assert stack.isClean()


def test_paint_updates_only_the_moved_units_on_the_map(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = opened
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(win.map, "update_units", lambda pos, codes: calls.append(("update_units", len(pos))))
    monkeypatch.setattr(win.map, "set_territory_state", lambda *a: calls.append(("set_territory_state", None)))
    _select_territory(win, "Plains")
    _stroke(win, win.document.scenario.units_of("Texas")[:3])
    assert calls == [("update_units", 3)]


def test_locked_territories_are_never_repainted(opened: Any) -> None:
    win = opened
    win.territories.select("Texas")
    win.territories.lock_button.click()
    assert win.document.scenario.territory("Texas").locked
    texas = win.document.scenario.units_of("Texas")[:5]
    plains = win.document.scenario.units_of("Plains")[:2]
    _select_territory(win, "Mountain")
    count_before = win.document.undo_stack.count()

    win.paint.assign_units(texas + plains)  # the map's filter bypassed: the window still refuses locked units

    assert all(win.document.scenario.assignment[u] == "Texas" for u in texas)
    assert all(win.document.scenario.assignment[u] == "Mountain" for u in plains)
    assert win.document.undo_stack.count() == count_before + 1
    assert win.document.undo_stack.undoText() == "Assign 2 counties to Mountain"


def test_paint_source_filter_only_takes_unassigned_units(opened: Any) -> None:
    win = opened
    scenario = win.document.scenario
    texas = scenario.units_of("Texas")[:3]
    win.document.assign_units(texas[:1], None)  # one Texas county becomes unassigned
    win.refresh_now()
    _select_territory(win, "Plains")
    win.paint.set_paint_source("unassigned")

    _stroke(win, texas)

    assert scenario.assignment[texas[0]] == "Plains"
    assert scenario.assignment[texas[1]] == "Texas"
    assert win.document.undo_stack.undoText() == "Assign 1 county to Plains"


def test_eraser_unassigns(opened: Any) -> None:
    win = opened
    texas = win.document.scenario.units_of("Texas")[:4]
    win.paint.paint_combo.setCurrentIndex(win.paint.paint_combo.findData("\x00unassign"))
    _stroke(win, texas)
    assert not any(u in win.document.scenario.assignment for u in texas)
    assert win.document.undo_stack.undoText() == "Unassign 4 counties"


# --- hires and funding -------------------------------------------------------------------------------------


def test_adding_a_hire_makes_it_unfunded_and_raising_the_allocation_funds_it(opened: Any) -> None:
    win = opened
    doc = win.document
    # Great Lakes starts funded with its own $200k allocation.
    assert doc.report().territory("Great Lakes").status == "funded"
    hire = Seller("Chicago AE (hire)", "Great Lakes", "planned", Month(2027, 3), 5, 1_200_000, 230_000)

    assert win.sellers.add_seller(hire)
    win.refresh_now()

    report = doc.report()
    assert report.hire("Chicago AE (hire)").status == "unfunded"
    assert report.territory("Great Lakes").status == "unfunded"
    codes = win.flags.model.codes()
    assert ("UNFUNDED_HIRE", "Chicago AE (hire)") in codes
    assert ("UNFUNDED_TERRITORY", "Great Lakes") in codes
    row = win.sellers.model.row_of("Chicago AE (hire)")
    status_col = win.sellers.model.COLUMNS.index("status")
    assert win.sellers.model.index(row, status_col).data() == "Unfunded"
    territory_row = win.territories.model.row_of("Great Lakes")
    status = win.territories.model.index(territory_row, TerritoryTableModel.COLUMNS.index("status")).data()
    assert status == "Unfunded"
    assert win.state.status[win.state.code_of("Great Lakes")] == "unfunded"

    needed = report.territory("Great Lakes").required_spend
    allocations = win.marketing.model
    budget_col = allocations.COLUMNS.index("budget")
    index = allocations.index(allocations.row_of("territory", "Great Lakes"), budget_col)
    assert allocations.setData(index, f"{needed + 1000:,.0f}")
    win.refresh_now()

    codes = win.flags.model.codes()
    assert ("UNFUNDED_HIRE", "Chicago AE (hire)") not in codes
    assert ("UNFUNDED_TERRITORY", "Great Lakes") not in codes
    assert doc.report().hire("Chicago AE (hire)").status == "funded"
    assert win.state.status[win.state.code_of("Great Lakes")] == "funded"
    assert doc.undo_stack.undoText() == "Set the allocation of territory Great Lakes"


def test_summary_strip_shows_counts_and_the_verdict(opened: Any) -> None:
    win = opened
    t = win.document.report().totals
    assert win.summary.chips["funded"].text() == f"{t.funded} Funded"
    assert win.summary.chips["unfunded"].text() == f"{t.unfunded} Unfunded"
    assert win.summary.verdict_label.text() == win.document.report().verdict()
    assert "$" in win.summary.spend_label.text()


# --- scenarios ---------------------------------------------------------------------------------------------


def test_switching_scenario_changes_the_map(opened: Any) -> None:
    win = opened
    win.colours.set_mode("status")
    before_status = list(win.state.status)
    before_image = win.map.render_image(240, 160)
    whatif = next(n for n in win.document.plan.scenarios if n != BASE)

    win.scenarios.combo.setCurrentIndex(win.scenarios.combo.findData(whatif))
    win.scenarios.combo.activated.emit(win.scenarios.combo.currentIndex())
    win.refresh_now()

    assert win.document.scenario_name == whatif
    assert win.state.status != before_status
    after_image = win.map.render_image(240, 160)
    assert after_image != before_image
    assert win.summary.scenario_name == whatif
    label = win.summary.scenario_label  # the whole name, or elided with the whole name in the tooltip
    assert label.text() == whatif or (label.text().endswith("…") and label.toolTip() == whatif)


def test_copy_rename_and_delete_a_scenario(opened: Any) -> None:
    win = opened
    assert win.scenarios.copy("Delay Denver")
    assert win.document.scenario_name == "Delay Denver"
    assert win.scenarios.combo.currentData() == "Delay Denver"
    win.document.execute(RenameScenario("Delay Denver", "Denver in Q3"))
    assert win.document.scenario_name == "Denver in Q3"
    win.scenarios.delete()
    assert win.document.scenario_name == BASE
    assert "Denver in Q3" not in win.document.plan.scenarios
    win.document.undo_stack.undo()
    assert "Denver in Q3" in win.document.plan.scenarios


def test_compare_window_lists_status_changes(opened: Any, qtbot: Any) -> None:
    win = opened
    win.scenarios.show_compare()
    cmp = win.scenarios.compare_window
    qtbot.addWidget(cmp)
    assert cmp.result is not None
    assert cmp.left.scenario() == BASE
    assert cmp.right.scenario() != BASE
    names = [cmp.changes.item(r, 0).text() for r in range(cmp.changes.rowCount())]
    changed = [t["territory"] for t in cmp.result["territories"] if t["status_a"] != t["status_b"]]
    assert changed and all(name in names for name in changed)
    assert cmp.totals.rowCount() > 5
    assert cmp.left.state.status != cmp.right.state.status  # the two maps show different funding


# --- assumptions -------------------------------------------------------------------------------------------


def test_invalid_assumption_is_refused_with_a_message(opened: Any, qtbot: Any) -> None:
    win = opened
    model = win.assumptions.model
    row = model.row_of("win_rate")
    index = model.index(row, model.COLUMNS.index("value"))
    count = win.document.undo_stack.count()

    with qtbot.waitSignal(win.messages.error_shown) as blocker:
        assert not model.setData(index, "1.5")

    assert win.document.undo_stack.count() == count
    assert "conversion rate must be above 0 and at most 1" in blocker.args[0]
    assert win.document.scenario.assumptions.values["win_rate"] == 0.25
    assert win.messages._box is not None and win.messages._box.isVisible()
    assert "at most 1" in win.messages._box.text()


def test_valid_assumption_as_percent_is_one_command(opened: Any) -> None:
    win = opened
    model = win.assumptions.model
    index = model.index(model.row_of("win_rate"), model.COLUMNS.index("value"))
    assert model.setData(index, "20 %")
    assert win.document.scenario.assumptions.values["win_rate"] == pytest.approx(0.2)
    assert win.document.undo_stack.count() == 1
    assert index.data() == "20 %"


def test_territory_override_shows_inherited_and_own_values(opened: Any) -> None:
    win = opened
    win.assumptions.show_level("territory", "Texas")
    model = win.assumptions.model
    assert model.level == "territory" and model.name == "Texas"
    value_col, source_col = model.COLUMNS.index("value"), model.COLUMNS.index("source")
    row = model.row_of("cost_per_lead")
    assert model.index(row, source_col).data() in ("whole plan", "region Central")
    assert model.setData(model.index(row, value_col), "$250")
    assert win.document.scenario.assumptions.territory_overrides["Texas"]["cost_per_lead"] == 250
    assert model.index(row, source_col).data() == "this territory"
    assert model.index(model.row_of("win_rate"), model.COLUMNS.index("benchmark")).data().startswith("typical")
    assert model.clear_override("cost_per_lead")
    assert "Texas" not in win.document.scenario.assumptions.territory_overrides


# --- flags -------------------------------------------------------------------------------------------------


def test_flags_are_grouped_and_next_problem_zooms_to_the_subject(opened: Any) -> None:
    win = opened
    model = win.flags.model
    groups = [model.item(r).text() for r in range(model.rowCount())]
    assert groups[0].startswith("Blocking (")
    assert any(g.startswith("Warnings (") for g in groups)
    zoomed: list[list[str]] = []
    win.map.zoom_to_units = lambda ids: zoomed.append(list(ids))  # type: ignore[method-assign]

    first = win.flag_navigation.next_problem()

    assert first is not None and first.code == "UNFUNDED_TERRITORY"
    assert zoomed[-1] == win.state.unit_ids_of(first.subject)
    second = win.flag_navigation.next_problem()
    assert second is not None and second.code == "UNFUNDED_HIRE"
    seller = win.document.scenario.sellers[second.subject]
    assert zoomed[-1] == win.state.unit_ids_of(seller.territory)
    assert win.sellers.selected_name() == second.subject


def test_double_click_on_a_flag_zooms_the_map(opened: Any) -> None:
    win = opened
    zoomed: list[list[str]] = []
    win.map.zoom_to_units = lambda ids: zoomed.append(list(ids))  # type: ignore[method-assign]
    index = win.flags.model.index_of(0)
    win.flags.view.doubleClicked.emit(index)
    assert zoomed and zoomed[-1] == win.state.unit_ids_of(win.flags.model.all_flags()[0].subject)


# --- territories dock --------------------------------------------------------------------------------------


def test_territory_table_sorts_by_numbers_not_text(opened: Any) -> None:
    win = opened
    proxy = win.territories.proxy
    gap_col = TerritoryTableModel.COLUMNS.index("gap")
    win.territories.view.sortByColumn(gap_col, Qt.SortOrder.AscendingOrder)
    gaps = [proxy.index(r, gap_col).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert gaps == sorted(gaps)
    assert proxy.index(0, gap_col).data().startswith("-$")


def test_create_rename_recolour_move_and_delete_a_territory(opened: Any) -> None:
    win = opened
    panel = win.territories
    assert panel.create_territory("Alaska", "West")
    assert panel.selected_name() == "Alaska"
    assert win.paint.paint_target() == (True, "Alaska")
    model = panel.model
    row = model.row_of("Alaska")
    assert model.setData(model.index(row, 0), "Alaska & Hawaii")
    assert "Alaska & Hawaii" in win.document.scenario.territories
    assert panel.recolour("Alaska & Hawaii", "#abcdef")
    assert win.state.colors[win.state.code_of("Alaska & Hawaii")] == "#abcdef"
    assert panel.move_to_region("Alaska & Hawaii", "East")
    assert win.document.scenario.territory("Alaska & Hawaii").region == "East"
    panel.select("Alaska & Hawaii")
    panel.delete_selected()
    assert "Alaska & Hawaii" not in win.document.scenario.territories
    assert win.document.undo_stack.undoText() == "Delete territory Alaska & Hawaii"
    for _ in range(5):
        win.document.undo_stack.undo()
    assert "Alaska" not in win.document.scenario.territories
    assert win.document.undo_stack.isClean()


def test_selecting_a_territory_highlights_it_on_the_map(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = opened
    highlighted: list[list[str]] = []
    monkeypatch.setattr(win.map, "highlight_units", lambda ids: highlighted.append(list(ids)))
    win.territories.select("Plains")
    assert highlighted[-1] == win.document.scenario.units_of("Plains") or set(highlighted[-1]) == set(
        win.document.scenario.units_of("Plains")
    )


def test_colour_by_unit_attribute_and_potential_per_seller(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = opened
    seen: list[tuple[str, Any, str]] = []
    monkeypatch.setattr(
        win.map, "set_color_mode", lambda mode, values=None, label="": seen.append((mode, values, label))
    )
    win.colours.set_mode("per_seller")
    mode, values, label = seen[-1]
    assert mode == "measure" and label == "Population per seller"
    assert len(values) == len(win.document.plan.layer)
    win.colours.set_mode("attr:land_area_km2")
    assert seen[-1][0] == "measure" and seen[-1][2] == "Land area km2"


def test_tooltip_names_the_unit_and_its_territory(opened: Any) -> None:
    win = opened
    unit = win.document.scenario.units_of("Texas")[0]
    position = int(win.document.plan.layer.positions([unit])[0])
    text = win._unit_tooltip(position)
    assert "Texas (Central)" in text and ", TX" in text


# --- closing, title, layout, workshop ----------------------------------------------------------------------


def test_title_shows_plan_name_and_modified_marker(opened: Any) -> None:
    win = opened
    assert "Acme Analytics" in win.windowTitle() and "plan.tplan" in win.windowTitle()
    assert not win.isWindowModified()
    win.document.execute(SetAllocation(BASE, "territory", "Plains", Allocation("territory", "Plains", 120_000)))
    assert win.isWindowModified()
    win.document.undo_stack.undo()
    assert not win.isWindowModified()


def test_closing_with_changes_asks_and_cancel_keeps_the_window(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = opened
    win.show()
    asked: list[str] = []

    def answer(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    win.document.assign_units(win.document.scenario.units_of("Texas")[:2], None)

    assert not win.close()
    assert asked and "Save the changes" in asked[0]
    assert win.isVisible()

    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Discard))
    assert win.close()


def test_closing_without_changes_does_not_ask(opened: Any) -> None:
    opened.show()
    assert opened.close()  # the autouse guard fails the test if a question box appears


def test_window_remembers_its_layout(opened: Any, qtbot: Any, workspace: Any, map_class: Any) -> None:
    from territory_planner.gui.main_window import MainWindow
    from territory_planner.gui.settings import app_settings

    win = opened
    win.marketing_dock.hide()
    win.history_dock.hide()
    win.save_layout()
    assert "settings" in app_settings().fileName()  # the test's own folder (conftest), not the user's

    again = MainWindow(workspace, map_factory=map_class, settings=app_settings())
    qtbot.addWidget(again)
    assert again.marketing_dock.isHidden()
    assert not again.flags_dock.isHidden()


def test_workshop_mode_keeps_map_summary_and_flags(opened: Any) -> None:
    win = opened
    win.show()
    win.workshop.set_on(True)
    assert win.workshop.on
    assert win.isFullScreen()
    assert win.territories_dock.isHidden() and win.main_toolbar.isHidden()
    assert not win.flags_dock.isHidden() and not win.summary_toolbar.isHidden()
    assert "font-size: 24px" in win.summary.hires_label.styleSheet()
    win.workshop.toggle()
    assert not win.workshop.on
    assert not win.territories_dock.isHidden() and not win.main_toolbar.isHidden()


def test_keyboard_shortcuts(opened: Any) -> None:
    win = opened
    keys = {a.text().replace("&", ""): a.shortcut().toString() for a in win.actions()}
    assert keys["Undo"] == "Ctrl+Z"
    assert keys["Redo"] == "Ctrl+Shift+Z"
    assert keys["Save"] == "Ctrl+S"
    assert keys["Open…"] == "Ctrl+O"
    assert keys["New plan…"] == "Ctrl+N"
    assert keys["Next problem"] == "F8"
    assert keys["Workshop mode"] == "F11"
    assert keys["Zoom to fit"] == "Ctrl+0"
    assert [win.paint.mode_actions[m].shortcut().toString() for m in ("select", "lasso", "paint", "pan")] == [
        "1",
        "2",
        "3",
        "4",
    ]
    win.paint.mode_actions["paint"].trigger()
    assert win.paint.mode_actions["paint"].isChecked()


# --- dropping a hire onto the map --------------------------------------------------------------------------


def test_dropping_a_hire_on_the_map_moves_it_to_that_territory(opened: Any) -> None:
    from territory_planner.gui.seller_model import SELLER_MIME

    win = opened
    model = win.sellers.model
    row = model.row_of("Denver AE (hire)")
    mime = model.mimeData([model.index(row, 0)])
    assert bytes(mime.data(SELLER_MIME).data()).decode() == "Denver AE (hire)"

    plains_unit = win.document.scenario.units_of("Plains")[0]
    position = int(win.document.plan.layer.positions([plains_unit])[0])
    assert win.seller_drop.drop_seller_on_unit("Denver AE (hire)", position)

    assert win.document.scenario.sellers["Denver AE (hire)"].territory == "Plains"
    assert win.document.undo_stack.undoText() == "Move Denver AE (hire) to Plains"
    win.refresh_now()
    assert ("NO_SELLER", "Plains") not in win.flags.model.codes()


def test_dropping_on_an_unassigned_unit_explains(opened: Any, qtbot: Any) -> None:
    win = opened
    position = int(np.flatnonzero(win.state.codes == -1)[0])
    with qtbot.waitSignal(win.messages.error_shown) as blocker:
        assert not win.seller_drop.drop_seller_on_unit("Denver AE (hire)", position)
    assert "in no territory" in blocker.args[0]


def test_renaming_the_active_territory_keeps_it_selected(opened: Any) -> None:
    win = opened
    _select_territory(win, "Plains")
    from territory_planner.domain.commands import RenameTerritory

    win.document.execute(RenameTerritory(BASE, "Plains", "Great Plains"))
    win.refresh_now()
    assert win.territories.selected_name() == "Great Plains"
    assert win.paint.paint_target() == (True, "Great Plains")


def test_plan_first_month_and_currency_are_checked(opened: Any, qtbot: Any) -> None:
    win = opened
    panel = win.assumptions
    panel.period_edit.setText("2027-13")
    with qtbot.waitSignal(win.messages.error_shown) as blocker:
        panel.period_edit.editingFinished.emit()
    assert "does not exist" in blocker.args[0]
    assert str(win.document.scenario.assumptions.period_start) == "2027-01"
    panel.period_edit.setText("2027-04")
    panel.period_edit.editingFinished.emit()
    assert str(win.document.scenario.assumptions.period_start) == "2027-04"
    assert win.document.undo_stack.undoText().startswith("Set period start")


def test_compare_window_follows_edits(opened: Any, qtbot: Any) -> None:
    win = opened
    win.scenarios.show_compare()
    cmp = win.scenarios.compare_window
    cmp.show()
    whatif = cmp.right.scenario()
    before = len(cmp.result["territories"])
    win.document.execute(SetAllocation(whatif, "territory", "Plains", Allocation("territory", "Plains", 1_000)))
    qtbot.waitUntil(lambda: len(cmp.result["territories"]) != before, timeout=5000)
    assert any(t["territory"] == "Plains" for t in cmp.result["territories"])


def test_lasso_assigns_what_it_encloses(opened: Any) -> None:
    win = opened
    _select_territory(win, "Plains")
    win.paint.set_mode("lasso")
    texas = win.document.scenario.units_of("Texas")[:6]
    win.map.selection_changed.emit(texas)
    assert all(win.document.scenario.assignment[u] == "Plains" for u in texas)
    assert win.document.undo_stack.undoText() == "Assign 6 counties to Plains"


def test_select_mode_only_selects(opened: Any) -> None:
    win = opened
    _select_territory(win, "Plains")
    win.paint.set_mode("select")
    texas = win.document.scenario.units_of("Texas")[:3]
    win.map.selection_changed.emit(texas)
    assert win.document.undo_stack.count() == 0
    assert "3 counties selected" in win.paint.units_label.text()
    win.menu_actions.assign_selection_action.trigger()
    assert win.document.undo_stack.undoText() == "Assign 3 counties to Plains"


def test_next_scenario_cycles(opened: Any) -> None:
    win = opened
    names = list(win.document.plan.scenarios)
    win.scenarios.next_action.trigger()
    assert win.document.scenario_name == names[1]
    win.scenarios.next_action.trigger()
    assert win.document.scenario_name == names[0]
    assert win.scenarios.next_action.shortcut().toString() == "Ctrl+PgDown"


def test_region_menu_deletes_the_chosen_region_as_one_undo_entry(opened: Any) -> None:
    win = opened
    panel = win.territories
    regions = list(win.document.scenario.regions)
    assert len(regions) >= 2
    panel.region_menu.aboutToShow.emit()
    delete_menu = next(a.menu() for a in panel.region_menu.actions() if a.text() == "Delete region")
    assert [a.text() for a in delete_menu.actions()] == regions
    delete_menu.actions()[1].trigger()
    assert list(win.document.scenario.regions) == [regions[0], *regions[2:]]
    assert not [t for t in win.document.scenario.territories.values() if t.region == regions[1]]
    win.document.undo_stack.undo()
    assert list(win.document.scenario.regions) == regions
