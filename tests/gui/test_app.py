"""Start-up, open, save, recent plans, autosave and crash recovery, on real persistence in temporary folders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from territory_planner.domain import Plan
from territory_planner.gui import app as app_module
from territory_planner.gui.document import PlanDocument
from territory_planner.persistence import load_plan, save_plan
from territory_planner.services.autosave import RecoveryStore
from territory_planner.services.workspace import Workspace, default_data_dir


def _same_plan(a: Plan, b: Plan) -> None:
    assert a.name == b.name
    assert list(a.scenarios) == list(b.scenarios)
    for name in a.scenarios:
        assert a.scenario(name).content_equals(b.scenario(name)), name
        assert list(a.scenario(name).territories) == list(b.scenario(name).territories)
    assert list(a.layer.unit_ids) == list(b.layer.unit_ids)


def _wait_opened(qtbot: Any, window: Any, task: Any) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=30_000):
        pass
    assert task.error is None


def test_user_data_folder_is_isolated(isolated_user_folders: Path) -> None:
    assert str(default_data_dir()).startswith(str(isolated_user_folders))


def test_first_run_builds_a_writable_demo_copy_and_opens_it(qtbot: Any, window: Any, workspace: Workspace) -> None:
    assert workspace.last_plan() is None
    task = window.documents.open_initial(None)
    _wait_opened(qtbot, window, task)

    demo = workspace.demo_plan_path
    assert demo.exists() and os.access(demo, os.W_OK)
    assert window.document.target == str(demo)
    assert window.document.plan.name.startswith("Acme Analytics")
    assert workspace.last_plan() == str(demo.resolve())
    assert not window.isWindowModified()


def test_next_start_opens_the_last_plan(
    qtbot: Any, window: Any, workspace: Workspace, demo_plan: Plan, tmp_path: Path
) -> None:
    target = tmp_path / "west.tplan"
    demo_plan.name = "West plan"
    save_plan(demo_plan, target)
    workspace.add_recent(str(target))

    task = window.documents.open_initial(None)
    _wait_opened(qtbot, window, task)

    assert window.document.plan.name == "West plan"
    assert window.document.target == str(target.resolve())


def test_save_then_reopen_gives_the_same_plan(qtbot: Any, opened: Any, tmp_path: Path) -> None:
    win = opened
    doc = win.document
    win.territories.select("Texas")
    win.document.assign_units(doc.scenario.units_of("Plains")[:3], "Texas")
    win.scenarios.copy("Delay Denver")
    assert win.isWindowModified()

    task = win.save()
    with qtbot.waitSignal(win.plan_saved, timeout=30_000):
        pass
    assert task is not None and task.error is None
    assert not win.isWindowModified()

    reopened = load_plan(doc.target)
    _same_plan(reopened, doc.plan)

    task = win.documents.open_plan(doc.target)
    _wait_opened(qtbot, win, task)
    _same_plan(win.document.plan, reopened)


def test_save_failure_keeps_the_changes_and_says_so(qtbot: Any, opened: Any, tmp_path: Path) -> None:
    win = opened
    win.document.assign_units(win.document.scenario.units_of("Plains")[:1], None)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where a folder should be")
    with qtbot.waitSignal(win.messages.error_shown, timeout=30_000) as blocker:
        win.documents.save_to(str(blocked / "plan.tplan"))
    assert "Could not save" in blocker.args[0]
    assert win.isWindowModified()


def test_open_failure_is_a_clear_message(qtbot: Any, window: Any, tmp_path: Path) -> None:
    bad = tmp_path / "notes.tplan"
    bad.write_text("this is not a plan")
    with qtbot.waitSignal(window.messages.error_shown, timeout=30_000) as blocker:
        window.documents.open_plan(str(bad))
    assert "Could not open notes.tplan" in blocker.args[0]
    assert window.document is None


def test_closing_with_save_answer_saves(qtbot: Any, opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    win = opened
    win.show()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Save))
    win.document.assign_units(win.document.scenario.units_of("Texas")[:2], None)
    target = win.document.target
    assert win.close()
    saved = load_plan(target)
    assert all(u not in saved.scenario().assignment for u in win.document.scenario.units_of("Texas")[:0])
    assert len(saved.scenario().assignment) == len(win.document.scenario.assignment)


def test_recent_plans_list(workspace: Workspace, tmp_path: Path) -> None:
    files = []
    for i in range(3):
        f = tmp_path / f"p{i}.tplan"
        f.write_text("x")
        files.append(f)
        workspace.add_recent(str(f))
    workspace.add_recent(str(files[0]))
    assert workspace.recent_plans() == [str(files[0]), str(files[2]), str(files[1])]
    files[2].unlink()
    assert workspace.recent_plans() == [str(files[0]), str(files[1])]
    workspace.forget(str(files[0]))
    assert workspace.last_plan() == str(files[1])


def test_autosave_writes_a_recovery_copy_and_a_clean_close_removes_it(
    qtbot: Any, opened: Any, workspace: Workspace
) -> None:
    win = opened
    assert win.documents.autosave() is None  # nothing changed yet
    win.document.assign_units(win.document.scenario.units_of("Texas")[:2], None)
    task = win.documents.autosave()
    assert task is not None
    with qtbot.waitSignal(task.done, timeout=30_000):
        pass
    assert task.error is None
    store = RecoveryStore(workspace.recovery_dir)
    entries = store.entries()
    assert len(entries) == 1
    assert entries[0].target == win.document.target
    recovered = load_plan(entries[0].path)
    assert recovered.scenario().content_equals(win.document.scenario)
    assert store.orphans() == []  # this process is still running: not a crash

    win._closing_ok = True
    win.close()
    assert store.entries() == []


def test_recovery_is_offered_after_a_crash(
    qtbot: Any, window: Any, workspace: Workspace, demo_plan: Plan, tmp_path: Path, accept_recovery: None
) -> None:
    store = window.recovery
    target = str(tmp_path / "plan.tplan")
    save_plan(demo_plan, target)
    changed = demo_plan.deepcopy()
    changed.scenario().assignment.pop(next(iter(changed.scenario().assignment)))
    entry = store.write("crashed01", changed, target)
    # Pretend the process that wrote it is gone.
    meta = entry.path.with_suffix(".json")
    meta.write_text(meta.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999'))
    assert [e.key for e in store.orphans()] == ["crashed01"]

    app_module.start(None, workspace, window)
    with qtbot.waitSignal(window.document_changed, timeout=30_000):
        pass
    doc = window.document
    assert doc.target == target
    assert doc.recovery_key == "crashed01"
    assert doc.is_modified and window.isWindowModified()
    assert doc.scenario.content_equals(changed.scenario())


def test_declining_recovery_can_discard_it(qtbot: Any, window: Any, demo_plan: Plan) -> None:
    store = window.recovery
    entry = store.write("old", demo_plan.deepcopy(), None)
    meta = entry.path.with_suffix(".json")
    meta.write_text(meta.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999'))

    class Discarding:
        def __init__(self, entries: list[Any], parent: Any) -> None:
            self.discard_all = True

        def exec(self) -> int:
            return 0

    assert app_module.choose_recovery(store, None, Discarding) is None  # type: ignore[arg-type]
    assert store.entries() == []


def test_new_plan_on_a_bundled_layer(qtbot: Any, window: Any) -> None:
    task = window.documents.new_plan({"name": "States plan", "layer": "us-states"})
    _wait_opened(qtbot, window, task)
    doc = window.document
    assert doc.plan.name == "States plan"
    assert doc.target is None
    assert len(doc.plan.layer) > 50
    assert "not saved yet" in window.windowTitle()


def test_document_title_for_database_urls_hides_the_password(demo_plan: Plan) -> None:
    doc = PlanDocument(demo_plan, "postgresql+psycopg://me:secret@plans.example.com/territory")
    assert "secret" not in doc.title()
    assert "me@plans.example.com" in doc.title()


def test_start_up_builds_the_window_with_its_collaborators(qtbot: Any, workspace: Workspace, demo_plan: Plan) -> None:
    from territory_planner.gui.map_view import MapView
    from territory_planner.gui.workers import TaskRunner

    window = app_module.build_window(workspace)
    qtbot.addWidget(window)
    window._closing_ok = True
    assert isinstance(window.runner, TaskRunner) and window.runner.parent() is window
    assert isinstance(window.map, MapView) and window.centralWidget() is window.map
    # the controllers share the window's collaborators, not copies of them
    window.set_document(PlanDocument(demo_plan, None))
    key = window.document.recovery_key
    assert key is not None
    task = window.documents.autosave()
    assert task is None  # nothing changed yet
    window.document.assign_units(window.document.scenario.units_of("Texas")[:1], None)
    task = window.documents.autosave()
    assert task is not None
    with qtbot.waitSignal(task.done, timeout=30_000):
        pass
    assert [e.key for e in RecoveryStore(workspace.recovery_dir).entries()] == [key]
    window.runner.wait(10_000)


def test_a_map_factory_must_make_a_widget(workspace: Workspace) -> None:
    from territory_planner.gui.main_window import MainWindow

    with pytest.raises(TypeError, match="made a object, not a widget"):
        MainWindow(workspace, map_factory=lambda parent: object())
