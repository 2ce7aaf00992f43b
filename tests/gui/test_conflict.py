"""Saving a plan that someone else saved meanwhile: a dialog with choices, never a silent overwrite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from territory_planner.domain import Plan
from territory_planner.domain.commands import CopyScenario
from territory_planner.gui.conflict_dialog import RELOAD, SAVE_AS, WHAT_IF, ConflictDialog
from territory_planner.gui.document import PlanDocument
from territory_planner.persistence import load_plan, save_plan


def _open_saved(window: Any, demo_plan: Plan, tmp_path: Path) -> tuple[Path, PlanDocument]:
    path = tmp_path / "plan.tplan"
    save_plan(demo_plan, path)
    document = PlanDocument(load_plan(path), str(path))
    window.set_document(document)
    return path, document


def _someone_else_saves(path: Path) -> None:
    theirs = load_plan(path)
    CopyScenario("baseline", "Theirs").apply(theirs)
    save_plan(theirs, path)


def _my_edit(document: PlanDocument) -> tuple[str, str]:
    unit = next(iter(document.plan.layer.units.index))
    territory = next(t for t in document.scenario.territories if document.scenario.assignment.get(unit) != t)
    assert document.assign_units([unit], territory)
    return unit, territory


def _save_and_get_dialog(qtbot: Any, window: Any) -> ConflictDialog:
    task = window.save()
    with qtbot.waitSignal(task.failed, timeout=20_000):
        pass
    dialogs = [d for d in window.findChildren(ConflictDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def test_conflict_shows_who_and_when_and_save_as_new_what_if_keeps_both(
    qtbot: Any, window: Any, demo_plan: Plan, tmp_path: Path
) -> None:
    path, document = _open_saved(window, demo_plan, tmp_path)
    unit, territory = _my_edit(document)
    _someone_else_saves(path)

    dialog = _save_and_get_dialog(qtbot, window)
    assert "This plan was changed by " in dialog.message.text() and "since you opened it" in dialog.message.text()
    assert {RELOAD, WHAT_IF, SAVE_AS} <= set(dialog.buttons)
    assert "Theirs" in load_plan(path).scenarios  # nothing was overwritten

    with qtbot.waitSignal(window.plan_saved, timeout=20_000):
        dialog.buttons[WHAT_IF].click()

    stored = load_plan(path)
    assert "Theirs" in stored.scenarios
    assert stored.scenario("baseline (mine)").assignment.get(unit) == territory
    assert stored.scenario("baseline").assignment.get(unit) != territory
    assert window.document is not document and not window.document.is_modified
    assert window.document.scenario_name == "baseline (mine)"


def test_reload_and_reapply_keeps_their_change_and_mine(
    qtbot: Any, window: Any, demo_plan: Plan, tmp_path: Path
) -> None:
    path, document = _open_saved(window, demo_plan, tmp_path)
    unit, territory = _my_edit(document)
    _someone_else_saves(path)

    dialog = _save_and_get_dialog(qtbot, window)
    with qtbot.waitSignal(window.plan_saved, timeout=20_000):
        dialog.buttons[RELOAD].click()

    stored = load_plan(path)
    assert "Theirs" in stored.scenarios
    assert stored.scenario("baseline").assignment.get(unit) == territory
    assert window.document.undo_stack.count() == 1  # my edit, undoable in the reloaded plan
    # The app now holds the revision it wrote: the next save is no conflict.
    window.document.execute(CopyScenario("baseline", "Later"))
    with qtbot.waitSignal(window.plan_saved, timeout=20_000):
        window.save()
    assert {"Theirs", "Later"} <= set(load_plan(path).scenarios)


def test_saving_twice_without_anyone_else_is_no_conflict(
    qtbot: Any, window: Any, demo_plan: Plan, tmp_path: Path
) -> None:
    path, document = _open_saved(window, demo_plan, tmp_path)
    for name in ("One", "Two"):
        document.execute(CopyScenario("baseline", name))
        with qtbot.waitSignal(window.plan_saved, timeout=20_000):
            window.save()
    assert {"One", "Two"} <= set(load_plan(path).scenarios)
