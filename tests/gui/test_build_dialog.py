"""The Build territories… dialog on the demo plan: a what-if beside the source or the shown scenario changed, each
as one undo entry that undo restores; cancel changes nothing; bad options are messages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from territory_planner.domain import BASELINE, Plan
from territory_planner.gui.build_dialog import BuildDialog
from territory_planner.gui.document import PlanDocument
from territory_planner.gui.workers import TaskRunner

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def document(qtbot: Any, demo_plan: Plan) -> Any:
    doc = PlanDocument(demo_plan)
    yield doc
    doc.close()


@pytest.fixture
def runner(qtbot: Any) -> Any:
    r = TaskRunner()
    yield r
    r.cancel_all()
    r.wait(30_000)


def _dialog(qtbot: Any, document: PlanDocument, runner: TaskRunner, shown: list[tuple[str, str]]) -> BuildDialog:
    dialog = BuildDialog(document, runner, show_compare=lambda a, b: shown.append((a, b)))
    qtbot.addWidget(dialog)
    dialog.seconds.setValue(0.5)
    return dialog


def test_build_into_a_what_if_beside_the_source(qtbot: Any, document: PlanDocument, runner: Any):
    before = dict(document.scenario.assignment)
    shown: list[tuple[str, str]] = []
    dialog = _dialog(qtbot, document, runner, shown)
    dialog.territories.setValue(6)
    dialog.into.setText("Six")
    progress: list[float] = []
    with qtbot.waitSignal(dialog.built, timeout=120_000) as built:
        task = dialog.run()
        assert task is not None
        task.progressed.connect(lambda f, _m: progress.append(f))
    result = built.args[0]
    assert len(result.territories) == 6 and progress
    assert shown == [(BASELINE, "Six")]
    assert document.plan.scenario(BASELINE).assignment == before  # the source is not changed
    built_names = set(document.plan.scenario("Six").assignment.values())
    assert {t.territory for t in result.territories} <= built_names
    assert document.undo_stack.count() == 1
    assert "Built 6 territories in the what-if Six" in dialog.status.text()
    document.undo_stack.undo()
    assert "Six" not in document.plan.scenarios


def test_build_in_place_is_one_undo_entry_that_undo_restores(qtbot: Any, document: PlanDocument, runner: Any):
    before = document.scenario.clone(BASELINE)
    names = list(document.plan.scenarios)
    dialog = _dialog(qtbot, document, runner, [])
    dialog.territories.setValue(5)
    dialog.in_place.setChecked(True)
    dialog.set_balance({"population": 1.0})
    assert dialog.balance_attributes() == (("population", 1.0),)
    with qtbot.waitSignal(dialog.built, timeout=120_000):
        dialog.run()
    assert list(document.plan.scenarios) == names  # no scratch what-if left behind
    after = document.scenario
    assert after.assignment != before.assignment
    assert len({t for t in after.assignment.values()} - {t.name for t in after.territories.values() if t.locked}) <= 5
    assert document.undo_stack.count() == 1
    assert document.undo_stack.text(0) == "Build 5 territories in Baseline"
    document.undo_stack.undo()
    assert document.scenario.assignment == before.assignment
    assert set(document.scenario.territories) == set(before.territories)
    assert document.scenario.sellers == before.sellers


def test_cancel_changes_nothing(qtbot: Any, document: PlanDocument, runner: Any):
    before = dict(document.scenario.assignment)
    names = list(document.plan.scenarios)
    dialog = _dialog(qtbot, document, runner, [])
    dialog.seconds.setValue(20.0)
    assert dialog.run() is not None
    with qtbot.waitSignal(dialog.stopped, timeout=120_000):
        dialog.cancel_button.click()
    assert list(document.plan.scenarios) == names
    assert document.scenario.assignment == before
    assert document.undo_stack.count() == 0
    assert dialog.status.text() == "Cancelled; nothing was changed."


def test_bad_options_are_messages_and_change_nothing(qtbot: Any, document: PlanDocument, runner: Any):
    dialog = _dialog(qtbot, document, runner, [])
    dialog.from_current.setChecked(True)
    dialog.territories.setValue(1)
    with qtbot.waitSignal(dialog.failed, timeout=120_000) as failed:
        dialog.run()
    assert failed.args[0].startswith("--from-current keeps the") and "Traceback" not in dialog.error.text()
    assert dialog.error.text() == failed.args[0]
    assert document.undo_stack.count() == 0
    dialog.into.setText(BASELINE)
    assert dialog.run() is None
    assert "already a scenario" in dialog.error.text()


@pytest.mark.skipif(not os.environ.get("TP_SHOTS"), reason="screenshots only when TP_SHOTS=1")
def test_screenshot(qtbot: Any, document: PlanDocument, runner: Any):
    dialog = _dialog(qtbot, document, runner, [])
    dialog.territories.setValue(8)
    with qtbot.waitSignal(dialog.built, timeout=120_000):
        dialog.run()
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(DOCS / "build-dialog.png"))


def test_closing_the_dialog_while_it_builds_changes_nothing(qtbot: Any, document: PlanDocument, runner: Any):
    """The dialog deletes itself on close; the task's late signals must not reach its deleted widgets."""
    from territory_planner.gui.build_dialog import open_build_dialog

    before = dict(document.scenario.assignment)
    names = list(document.plan.scenarios)
    dialog = open_build_dialog(document, runner, None, None)
    dialog.seconds.setValue(20.0)
    task = dialog.run()
    assert task is not None
    with qtbot.waitSignal(task.done, timeout=120_000):
        dialog.reject()
    assert task.result is None
    assert list(document.plan.scenarios) == names and document.scenario.assignment == before
    assert document.undo_stack.count() == 0
