"""Smaller GUI defects of issue 16 (item 14): the Undo menu item names the action; the compare window fits the
screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication


def test_undo_and_redo_name_the_action(opened: Any) -> None:
    win = opened
    undo, redo = win.menu_actions.undo_action, win.menu_actions.redo_action
    assert undo.text() == "&Undo" and not undo.isEnabled()
    win.paint.set_paint_target("Mountain")
    assert win.paint.assign_units(list(win.document.scenario.units_of("Texas")[:14]))
    assert undo.text() == "&Undo Assign 14 counties to Mountain" and undo.isEnabled()
    win.document.undo_stack.undo()
    assert undo.text() == "&Undo" and redo.text() == "&Redo Assign 14 counties to Mountain"


def test_the_compare_window_fits_the_screen(opened: Any) -> None:
    from territory_planner.gui.compare import CompareWindow

    window = CompareWindow(opened, opened._map_factory)
    try:
        available = (opened.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        assert window.width() <= available.width() and window.height() <= available.height()
    finally:
        window.close()
        window.deleteLater()
