"""The History panel: the change log (who, what, when), filters by scenario, territory and seller, restoring a
scenario as it was after a saved change (a new what-if, one undo entry), and the undo list in its Undo tab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QUndoView

from territory_planner.domain.commands import RecolourTerritory
from territory_planner.gui.document import PlanDocument
from territory_planner.gui.settings import set_author_name
from territory_planner.persistence import load_plan, save_plan

WHATIF = "Hire 4, fund Texas and New England"


def _rows(panel: Any) -> list[list[str]]:
    m = panel.model
    return [[m.item(r, c).text() for c in range(m.columnCount())] for r in range(m.rowCount())]


def _saved_window(window: Any, demo_plan: Any, tmp_path: Path) -> tuple[Any, Path, str]:
    """A window on a .tplan whose log holds: recolour Texas (saved), then assign units to another territory."""
    path = tmp_path / "plan.tplan"
    set_author_name(window.settings, "Dana")
    window.set_document(PlanDocument(demo_plan, str(path)))
    doc = window.document
    texas_before = doc.scenario.territories["Texas"].color
    assert doc.execute(RecolourTerritory("baseline", "Texas", "#111111"))
    other = next(t for t in doc.scenario.territories if t != "Texas")
    unit = next(u for u, t in doc.scenario.assignment.items() if t == "Texas")
    assert doc.assign_units([unit], other)
    save_plan(doc.plan.deepcopy(), str(path))
    window.set_document(PlanDocument(load_plan(str(path)), str(path)))
    window.refresh_now()
    return window, path, texas_before


def test_the_log_shows_who_changed_what_newest_first(window: Any, demo_plan: Any, tmp_path: Path) -> None:
    win, _, _ = _saved_window(window, demo_plan, tmp_path)
    panel = win.history
    rows = _rows(panel)
    assert len(rows) == 2
    assert rows[0][1:3] == ["Dana", "baseline"] and rows[0][3].startswith("Assign 1 ")
    assert rows[1][3].startswith("Recolour") and "Texas" in rows[1][3]
    assert rows[0][0].endswith("UTC")


def test_filters_by_territory_seller_and_scenario(window: Any, demo_plan: Any, tmp_path: Path, qtbot: Any) -> None:
    win, _, _ = _saved_window(window, demo_plan, tmp_path)
    panel = win.history
    panel.set_filters(territory="Texas")
    assert len(_rows(panel)) == 2  # both name Texas (the unit left it)
    other = next(t for t in win.document.scenario.territories if t != "Texas")
    panel.set_filters(territory=other)
    assert len(_rows(panel)) == 1 and _rows(panel)[0][3].startswith("Assign")
    panel.set_filters(scenario=WHATIF)
    assert _rows(panel) == []
    seller = next(iter(win.document.scenario.sellers))
    panel.set_filters(seller=seller)
    assert _rows(panel) == []
    panel.set_filters()
    assert len(_rows(panel)) == 2
    # a new change shows up once the event loop turns
    win.document.execute(RecolourTerritory(WHATIF, "Texas", "#222222"))
    qtbot.waitUntil(lambda: len(_rows(panel)) == 3, timeout=1000)
    assert _rows(panel)[0][0].endswith("(not saved)")


def test_restore_a_scenario_as_it_was_makes_a_what_if(window: Any, demo_plan: Any, tmp_path: Path) -> None:
    win, _, texas_before = _saved_window(window, demo_plan, tmp_path)
    panel = win.history
    doc = win.document
    panel._ask_name = lambda suggestion: suggestion
    oldest = len(panel.entries) - 1
    panel.select_row(oldest)  # the recolour: right after it, the unit was still in Texas
    assert panel.restore_button.isEnabled()
    recolour = panel.entries[oldest]
    assert panel.restore_selected()
    name = doc.scenario_name
    assert name.startswith("baseline as of ") and name in doc.plan.scenarios
    restored = doc.plan.scenario(name)
    baseline = doc.plan.scenario("baseline")
    assert restored.territories["Texas"].color == "#111111" != texas_before
    moved = [u for u in restored.assignment if restored.assignment.get(u) != baseline.assignment.get(u)]
    assert len(moved) == 1 and restored.assignment[moved[0]] == "Texas"
    assert doc.undo_stack.undoText() == f"Restore scenario {name}"
    doc.undo_stack.undo()
    assert name not in doc.plan.scenarios
    assert recolour.sequence == 1


def test_unsaved_changes_cannot_be_restored_to(opened: Any) -> None:
    doc = opened.document
    doc.execute(RecolourTerritory("baseline", "Texas", "#111111"))
    opened.history.refresh()
    opened.history.select_row(0)
    assert opened.history.selected() is not None
    assert not opened.history.restore_button.isEnabled()
    assert "Save the plan first" in opened.history.restore_button.toolTip()


def test_the_undo_list_is_a_tab_of_the_panel(opened: Any) -> None:
    panel = opened.history
    tabs = [panel.tabs.tabText(i) for i in range(panel.tabs.count())]
    assert tabs == ["Changes", "Undo"]
    assert isinstance(panel.undo_view, QUndoView)
    assert panel.undo_view.stack() is opened.document.undo_stack
    opened.document.execute(RecolourTerritory("baseline", "Texas", "#111111"))
    assert opened.document.undo_stack.count() == 1
