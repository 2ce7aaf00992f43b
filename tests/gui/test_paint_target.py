"""Only the person changes the paint target (issue 16, item 7), and deleting a territory removes it from the map
and asks first when it holds sellers or money (item 8)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox


def _click_row(win: Any, name: str) -> None:
    panel = win.territories
    panel.view.selectRow(panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(name), 0)).row())


def test_a_click_on_a_row_sets_the_target_and_a_programmatic_selection_does_not(opened: Any) -> None:
    win = opened
    _click_row(win, "Mountain")
    assert win.paint.paint_target() == (True, "Mountain")
    win.territories.select("Texas")  # what F8 and the flags panel do
    assert win.territories.selected_name() == "Texas"
    assert win.paint.paint_target() == (True, "Mountain")


def test_walking_flags_with_f8_keeps_the_paint_target(opened: Any) -> None:
    win = opened
    _click_row(win, "Plains")
    for _ in range(4):
        win.flag_navigation.next_problem()
    assert win.paint.paint_target() == (True, "Plains")
    units = win.document.scenario.units_of("Texas")[:2]
    win.paint.assign_units(list(units))
    assert all(win.document.scenario.assignment[u] == "Plains" for u in units)


def test_undoing_a_delete_does_not_move_the_target(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = opened
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    _click_row(win, "Plains")
    win.territories.select("South-East")
    win.territories.delete_selected()
    win.refresh_now()
    assert "South-East" not in win.document.scenario.territories
    win.document.undo_stack.undo()
    win.refresh_now()
    assert "South-East" in win.document.scenario.territories
    assert win.paint.paint_target() == (True, "Plains")


def test_deleting_the_target_leaves_no_target_and_the_next_stroke_asks(
    opened: Any, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    win = opened
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    _click_row(win, "Plains")
    win.territories.delete_selected()
    win.refresh_now()
    assert win.paint.paint_target() == (False, None)
    before = win.document.undo_stack.count()
    with qtbot.waitSignal(win.messages.error_shown):
        assert not win.paint.assign_units(list(win.document.scenario.units_of("Texas")[:2]))
    assert win.document.undo_stack.count() == before


def test_a_deleted_territory_leaves_no_outline_on_the_map(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = opened
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    _click_row(win, "Texas")
    assert win.map.highlighted_unit_count() > 0
    win.territories.delete_selected()
    win.refresh_now()
    assert "Texas" not in win.document.scenario.territories
    assert win.map.highlighted_unit_count() == 0


def test_deleting_a_territory_with_sellers_or_money_asks_first(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = opened
    asked: list[str] = []

    def answer_no(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer_no))
    win.territories.select("Texas")
    win.territories.delete_selected()
    assert "Texas" in win.document.scenario.territories
    assert len(asked) == 1 and "2 sellers" in asked[0] and "2 planned hires" in asked[0] and "$190k" in asked[0]


def test_deleting_an_empty_territory_does_not_ask(opened: Any) -> None:
    win = opened
    assert win.territories.create_territory("Scratch")
    win.territories.delete_selected()  # the fixture fails the test if a question box opens
    assert "Scratch" not in win.document.scenario.territories


def test_renaming_the_target_keeps_painting_into_it(opened: Any) -> None:
    from territory_planner.domain.commands import RenameTerritory

    win = opened
    _click_row(win, "Plains")
    win.territories.select("Texas")
    win.document.execute(RenameTerritory(win.document.scenario_name, "Plains", "Great Plains"))
    win.refresh_now()
    assert win.paint.paint_target() == (True, "Great Plains")
