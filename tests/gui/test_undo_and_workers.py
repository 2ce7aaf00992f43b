"""The undo adapter (apply first, push without re-applying) and the background worker wrapper."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from PySide6.QtCore import QThread

from territory_planner.domain import Plan, Territory
from territory_planner.domain.commands import AssignUnits, CreateTerritory, RenameTerritory
from territory_planner.gui.document import PlanDocument
from territory_planner.gui.workers import Cancelled, Progress, TaskRunner, run_inline


class CountingCommand:
    """Wraps a domain command and counts how often it is applied."""

    def __init__(self, inner: Any, counter: list[int]) -> None:
        self.inner = inner
        self.counter = counter

    @property
    def label(self) -> str:
        return self.inner.label

    def apply(self, plan: Plan) -> Any:
        self.counter.append(1)
        return self.inner.apply(plan)


def test_execute_applies_once_and_push_does_not_apply_again(qtbot: Any, demo_plan: Plan) -> None:
    doc = PlanDocument(demo_plan)
    counter: list[int] = []
    command = CountingCommand(CreateTerritory("baseline", Territory("Alaska", "West", "#123456")), counter)

    assert doc.execute(command)  # type: ignore[arg-type]

    assert len(counter) == 1
    assert doc.undo_stack.count() == 1
    assert doc.undo_stack.undoText() == "Create territory Alaska"
    assert "Alaska" in demo_plan.scenario().territories


def test_undo_and_redo_round_trip(qtbot: Any, demo_plan: Plan) -> None:
    doc = PlanDocument(demo_plan)
    before = demo_plan.scenario().clone("copy")
    texas = list(demo_plan.scenario().units_of("Texas"))[:5]
    assert doc.execute(AssignUnits.to("baseline", texas, "Mountain", "county"))
    assert doc.execute(RenameTerritory("baseline", "Mountain", "Rockies"))
    assert demo_plan.scenario().assignment[texas[0]] == "Rockies"

    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert demo_plan.scenario().content_equals(before)

    doc.undo_stack.redo()
    doc.undo_stack.redo()
    assert demo_plan.scenario().assignment[texas[0]] == "Rockies"
    assert doc.undo_stack.undoText() == "Rename territory Mountain to Rockies"


def test_invalid_command_pushes_nothing_and_reports_its_message(qtbot: Any, demo_plan: Plan) -> None:
    doc = PlanDocument(demo_plan)
    with qtbot.waitSignal(doc.error_raised) as blocker:
        ok = doc.execute(RenameTerritory("baseline", "Texas", "Mountain"))
    assert not ok
    assert doc.undo_stack.count() == 0
    assert "already a territory named 'Mountain'" in blocker.args[0]


def test_clean_state_follows_the_undo_stack(qtbot: Any, demo_plan: Plan) -> None:
    doc = PlanDocument(demo_plan)
    assert not doc.is_modified
    doc.execute(RenameTerritory("baseline", "Texas", "Lone Star"))
    assert doc.is_modified
    doc.undo_stack.undo()
    assert not doc.is_modified


def test_undo_of_an_edit_in_another_scenario_shows_that_scenario(qtbot: Any, demo_plan: Plan) -> None:
    doc = PlanDocument(demo_plan)
    whatif = next(n for n in demo_plan.scenarios if n != "baseline")
    doc.switch_scenario(whatif)
    doc.execute(RenameTerritory(whatif, "Texas", "Lone Star"))
    doc.switch_scenario("baseline")
    with qtbot.waitSignal(doc.scenario_switched):
        doc.undo_stack.undo()
    assert doc.scenario_name == whatif
    assert "Texas" in demo_plan.scenario(whatif).territories


# --- workers -----------------------------------------------------------------------------------------------


def test_task_runs_off_the_gui_thread_and_reports_on_it(qtbot: Any) -> None:
    runner = TaskRunner()
    seen: dict[str, Any] = {}

    def work(inputs: int, progress: Progress) -> int:
        seen["thread"] = threading.current_thread()
        progress(0.5, "half way")
        return inputs * 2

    task = runner.start("double", work, 21)
    progress_events: list[tuple[float, str]] = []
    task.progressed.connect(lambda f, m: progress_events.append((f, m)))
    with qtbot.waitSignal(task.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [42]
    assert seen["thread"] is not threading.main_thread()
    assert task.thread() is QThread.currentThread()


def test_task_failure_carries_the_exception(qtbot: Any) -> None:
    runner = TaskRunner()

    def broken(inputs: Any, progress: Progress) -> None:
        raise ValueError("the file is not a plan")

    task = runner.start("broken", broken)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], ValueError)
    assert "not a plan" in blocker.args[1]


def test_cancel_stops_at_the_next_progress_report(qtbot: Any) -> None:
    runner = TaskRunner()
    started = threading.Event()
    release = threading.Event()

    def slow(inputs: Any, progress: Progress) -> str:
        started.set()
        release.wait(5)
        progress(0.9, "almost")  # raises Cancelled
        return "finished anyway"

    task = runner.start("slow", slow)
    assert started.wait(5)
    task.cancel()
    release.set()
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        pass
    assert task.result is None


def test_an_error_after_a_cancel_counts_as_cancelled_and_services_see_the_same_progress(qtbot: Any) -> None:
    from territory_planner.services import progress as services_progress

    runner = TaskRunner()
    started = threading.Event()
    release = threading.Event()
    seen: dict[str, Any] = {}

    def reader(inputs: Any, progress: Progress) -> str:
        seen["progress"] = progress
        started.set()
        release.wait(5)
        if progress.is_cancelled():  # a lower layer stops its own way (closing its file, raising its own error)
            raise OSError("stopped half-way through the file")
        return "read"

    task = runner.start("read", reader)
    assert started.wait(5)
    task.cancel()
    release.set()
    failures: list[Any] = []
    task.failed.connect(lambda exc, tb: failures.append(exc))
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        pass
    assert failures == []
    assert isinstance(seen["progress"], services_progress.Progress)  # one progress object, not a Qt-side copy
    assert Cancelled is services_progress.Cancelled


def test_progress_without_qt_and_inline_run() -> None:
    reports: list[tuple[float, str]] = []
    progress = Progress(lambda f, m: reports.append((f, m)))
    progress(2.0, "over")
    assert reports == [(1.0, "over")]
    progress.cancel()
    with pytest.raises(Cancelled):
        progress(0.1)
    assert run_inline(lambda x, p: x + 1, 1) == 2


@pytest.mark.parametrize("ending", ["succeeds", "fails"])
def test_a_task_that_ends_after_its_window_closed_is_only_logged(
    qtbot: Any, caplog: pytest.LogCaptureFixture, ending: str
) -> None:
    import shiboken6

    runner = TaskRunner()
    release = threading.Event()

    def slow(inputs: Any, progress: Progress) -> int:
        release.wait(5)
        if ending == "fails":
            raise ValueError("too late")
        return 1

    task = runner.start("slow", slow)
    shiboken6.delete(task._relay)  # what the worker reports to is gone, as when the window that asked has closed
    with caplog.at_level(logging.INFO, logger="territory_planner"):
        release.set()
        assert runner.pool.waitForDone(5000)
    # no "Signal source has been deleted" from the worker thread: the outcome is logged instead
    assert any("after the window that started it closed" in r.getMessage() for r in caplog.records)
