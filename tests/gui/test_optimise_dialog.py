"""The Optimise budget… dialog on the demo plan: a new what-if as one undo entry beside the source, locks kept,
cancel writes nothing, an infeasible plan is a message."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from territory_planner.domain import BASELINE, Plan
from territory_planner.domain.commands import SetAssumption
from territory_planner.domain.decisions import decisions_of
from territory_planner.gui.document import PlanDocument
from territory_planner.gui.optimise_dialog import OptimiseDialog
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


def _dialog(qtbot: Any, document: PlanDocument, runner: TaskRunner, shown: list[tuple[str, str]]) -> OptimiseDialog:
    dialog = OptimiseDialog(document, runner, show_compare=lambda a, b: shown.append((a, b)))
    qtbot.addWidget(dialog)
    return dialog


def test_optimise_writes_a_what_if_beside_the_source_as_one_undo_entry(qtbot: Any, document: PlanDocument, runner: Any):
    before = document.plan.scenario(BASELINE).clone(BASELINE)
    blocking_before = document.report().totals.blocking_flags
    shown: list[tuple[str, str]] = []
    dialog = _dialog(qtbot, document, runner, shown)
    dialog.into.setText("Optimised")
    dialog.allow_delays.setChecked(True)
    with qtbot.waitSignal(dialog.solved, timeout=120_000) as solved:
        assert dialog.run() is not None
    result = solved.args[0]
    assert "Optimised" in document.plan.scenarios
    assert shown == [(BASELINE, "Optimised")]
    assert document.undo_stack.count() == 1
    source = document.plan.scenario(BASELINE)
    assert source.allocations == before.allocations and source.sellers == before.sellers  # source unchanged
    text = dialog.outcome.text()
    assert ("Proven optimal" in text) == result.optimal
    assert result.explanation and all(sentence in text for sentence in result.explanation)
    assert document.report("Optimised").totals.blocking_flags < blocking_before
    [decision] = decisions_of(document.plan, "Optimised")
    assert decision.title == "Optimise budget from Baseline"
    document.undo_stack.undo()
    assert "Optimised" not in document.plan.scenarios
    assert decisions_of(document.plan, "Optimised") == []


def test_a_locked_allocation_is_kept_exactly(qtbot: Any, document: PlanDocument, runner: Any):
    key = next(k for k in document.scenario.allocations if k[0] == "region")
    kept = document.scenario.allocations[key]
    dialog = _dialog(qtbot, document, runner, [])
    dialog.set_locked({key})
    assert dialog.locked() == frozenset({key})
    with qtbot.waitSignal(dialog.solved, timeout=120_000) as solved:
        dialog.run()
    assert document.plan.scenario(solved.args[0].scenario).allocations[key] == kept


def test_cancel_writes_nothing(qtbot: Any, document: PlanDocument, runner: Any):
    names = list(document.plan.scenarios)
    dialog = _dialog(qtbot, document, runner, [])
    task = dialog.run()
    assert task is not None
    with qtbot.waitSignal(dialog.stopped, timeout=120_000):
        dialog.cancel_button.click()
    assert list(document.plan.scenarios) == names
    assert document.undo_stack.count() == 0
    assert dialog.status.text() == "Cancelled; nothing was written."
    assert dialog.run_button.isEnabled() and dialog.result_ is None


def test_an_infeasible_plan_is_a_message_and_writes_nothing(qtbot: Any, document: PlanDocument, runner: Any):
    assert document.execute(SetAssumption(BASELINE, "plan", None, "marketing_budget", 1000.0))
    names = list(document.plan.scenarios)
    dialog = _dialog(qtbot, document, runner, [])
    with qtbot.waitSignal(dialog.failed, timeout=120_000) as failed:
        dialog.run()
    assert "Traceback" not in failed.args[0] and failed.args[0] == dialog.error.text()
    assert failed.args[0].startswith("The existing sellers cannot all be funded")
    assert "marketing budget is" in failed.args[0]
    assert list(document.plan.scenarios) == names
    assert document.undo_stack.count() == 1  # only the budget edit of the test
    # a name that is taken is refused before anything runs
    dialog.into.setText(BASELINE)
    assert dialog.run() is None
    assert "already a scenario" in dialog.error.text()


@pytest.mark.skipif(not os.environ.get("TP_SHOTS"), reason="screenshots only when TP_SHOTS=1")
def test_screenshot(qtbot: Any, document: PlanDocument, runner: Any):
    dialog = _dialog(qtbot, document, runner, [])
    dialog.allow_delays.setChecked(True)
    with qtbot.waitSignal(dialog.solved, timeout=120_000):
        dialog.run()
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(DOCS / "optimise-dialog.png"))
