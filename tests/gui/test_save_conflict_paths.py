"""The two save paths that used to skip the conflict rules: saving on close, and a plan recovered after a crash."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from territory_planner.domain import Plan
from territory_planner.domain.commands import CopyScenario
from territory_planner.gui import app as app_module
from territory_planner.gui.conflict_dialog import RELOAD, ConflictDialog
from territory_planner.gui.document import PlanDocument
from territory_planner.services.plans import open_plan, save_plan


def _someone_else_saves(path: Path) -> None:
    theirs = open_plan(str(path))
    CopyScenario("baseline", "Theirs").apply(theirs)
    save_plan(theirs, str(path))


def _visible_conflict_dialogs(window: Any) -> list[ConflictDialog]:
    return [d for d in window.findChildren(ConflictDialog) if d.isVisible()]


def test_saving_on_close_meets_a_newer_save_with_the_conflict_dialog(
    qtbot: Any, window: Any, demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(demo_plan, str(path))
    window.set_document(PlanDocument(open_plan(str(path)), str(path)))
    window.show()
    window.document.execute(CopyScenario("baseline", "Mine"))
    _someone_else_saves(path)
    errors: list[str] = []
    window.messages.error_shown.connect(errors.append)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Save))

    assert not window.close()  # the window stays open: my changes are not saved yet

    (dialog,) = _visible_conflict_dialogs(window)
    assert "since you opened it" in dialog.message.text()
    assert errors == []  # not a plain "could not save" message
    assert "Theirs" in open_plan(str(path)).scenarios and "Mine" not in open_plan(str(path)).scenarios
    with qtbot.waitSignal(window.plan_saved, timeout=20_000):
        dialog.buttons[RELOAD].click()  # my edit is applied again on top of theirs
    stored = open_plan(str(path))
    assert {"Theirs", "Mine"} <= set(stored.scenarios)


def _recover(qtbot: Any, window: Any, workspace: Any) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=30_000):
        app_module.start(None, workspace, window)


def _crash_with_a_recovery_copy(window: Any, demo_plan: Plan, path: Path) -> None:
    save_plan(demo_plan, str(path))
    mine = open_plan(str(path))
    CopyScenario("baseline", "Mine").apply(mine)
    entry = window.recovery.write("crashed01", mine, str(path))
    meta = entry.path.with_suffix(".json")
    meta.write_text(meta.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999'))


def test_a_recovered_plan_does_not_overwrite_a_newer_save(
    qtbot: Any, window: Any, workspace: Any, demo_plan: Plan, tmp_path: Path, accept_recovery: None
) -> None:
    path = tmp_path / "plan.tplan"
    _crash_with_a_recovery_copy(window, demo_plan, path)
    _someone_else_saves(path)  # after my session crashed, someone else saved the plan
    _recover(qtbot, window, workspace)
    assert window.document.target == str(path) and "Mine" in window.document.plan.scenarios

    task = window.save()
    with qtbot.waitSignal(task.failed, timeout=20_000):
        pass
    assert len(_visible_conflict_dialogs(window)) == 1
    stored = open_plan(str(path))
    assert "Theirs" in stored.scenarios and "Mine" not in stored.scenarios  # their save was not thrown away


def test_a_recovered_plan_saves_back_when_nobody_saved_since(
    qtbot: Any, window: Any, workspace: Any, demo_plan: Plan, tmp_path: Path, accept_recovery: None
) -> None:
    path = tmp_path / "plan.tplan"
    _crash_with_a_recovery_copy(window, demo_plan, path)
    _recover(qtbot, window, workspace)

    with qtbot.waitSignal(window.plan_saved, timeout=20_000):
        window.save()
    assert "Mine" in open_plan(str(path)).scenarios
    assert not window.document.is_modified
    assert _visible_conflict_dialogs(window) == []
