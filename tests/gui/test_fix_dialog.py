"""The Fix… dialog on the demo plan: options with their consequences, one undo entry, undo restores, errors shown."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from territory_planner.domain import BASELINE, Flag, Plan
from territory_planner.domain.commands import Batch, SetAllocation
from territory_planner.domain.decisions import decisions_of
from territory_planner.gui.document import PlanDocument
from territory_planner.gui.fix_dialog import FixDialog, retarget
from territory_planner.gui.workers import TaskRunner

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _allocations(plan: Plan, scenario: str = BASELINE) -> dict[Any, Any]:
    return dict(plan.scenario(scenario).allocations)


def _blocking(document: PlanDocument, code: str, subject: str) -> Flag:
    return next(f for f in document.report().flags if f.blocking and f.code == code and f.subject == subject)


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
    r.wait(10_000)


def _open(qtbot: Any, document: PlanDocument, runner: TaskRunner, flag: Flag) -> FixDialog:
    dialog = FixDialog(document, flag, runner)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.options_ready, timeout=60_000):
        dialog.start()
    return dialog


def test_options_list_consequences_and_apply_is_one_undo_entry(qtbot: Any, document: PlanDocument, runner: Any):
    flag = _blocking(document, "UNFUNDED_HIRE", "Austin AE (hire)")
    before = _allocations(document.plan)
    dialog = _open(qtbot, document, runner, flag)
    assert dialog.fixes is not None and dialog.options.count() == len(dialog.fixes.options) >= 2
    move = next(i for i, o in enumerate(dialog.fixes.options) if o.kind == "move_budget")
    dialog.select(move)
    option = dialog.fixes.options[move]
    row = dialog.options.item(move)
    assert row is not None and row.text().startswith(option_text := dialog.fixes.options[move].description)
    assert "\nClears UNFUNDED_HIRE Austin AE (hire); creates nothing; $" in row.text()[len(option_text) :]
    assert row.text().rstrip(".").endswith("moved")
    assert dialog.details.text().startswith("Selected: Texas budget: $")
    with qtbot.waitSignal(dialog.applied) as applied:
        assert dialog.apply_selected()
    assert applied.args == [option.description]
    assert document.undo_stack.count() == 1
    assert document.undo_stack.text(0) == option.description
    assert option.description.startswith("Move $")
    codes = {(f.code, f.subject) for f in document.report().flags}
    assert ("UNFUNDED_HIRE", "Austin AE (hire)") not in codes
    assert _allocations(document.plan) != before
    [decision] = decisions_of(document.plan, BASELINE)  # recorded for the pack, in the same undo entry
    assert decision.title == "Fix UNFUNDED_HIRE Austin AE (hire)" and f"{option.description}." in decision.sentences
    document.undo_stack.undo()
    assert _allocations(document.plan) == before
    assert decisions_of(document.plan, BASELINE) == []
    assert ("UNFUNDED_HIRE", "Austin AE (hire)") in {(f.code, f.subject) for f in document.report().flags}


def test_apply_into_a_new_what_if_leaves_the_source(qtbot: Any, document: PlanDocument, runner: Any):
    flag = _blocking(document, "UNFUNDED_TERRITORY", "Texas")
    before = _allocations(document.plan)
    dialog = _open(qtbot, document, runner, flag)
    dialog.select(0)
    dialog.into_new.setChecked(True)
    dialog.new_name.setText("Texas funded")
    assert dialog.apply_selected()
    assert "Texas funded" in document.plan.scenarios
    assert _allocations(document.plan) == before  # the source is untouched
    assert document.scenario_name == "Texas funded"
    assert not any(
        f.code == "UNFUNDED_TERRITORY" and f.subject == "Texas" for f in document.report("Texas funded").flags
    )
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert "Texas funded" not in document.plan.scenarios


def test_cancel_leaves_the_plan_unchanged(qtbot: Any, document: PlanDocument, runner: Any):
    flag = _blocking(document, "UNFUNDED_HIRE", "Austin AE (hire)")
    before = _allocations(document.plan)
    dialog = _open(qtbot, document, runner, flag)
    dialog.select(0)
    dialog.cancel_button.click()
    assert dialog.result() == FixDialog.DialogCode.Rejected
    assert document.undo_stack.count() == 0
    assert _allocations(document.plan) == before


def test_errors_show_a_message_not_a_traceback(qtbot: Any, document: PlanDocument, runner: Any):
    stale = Flag("UNFUNDED_HIRE", "blocking", "seller", "Nobody (hire)", "Nobody (hire) is not funded.")
    dialog = FixDialog(document, stale, runner)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.failed, timeout=60_000) as failed:
        dialog.start()
    assert "no longer flagged" in failed.args[0]
    assert "Traceback" not in dialog.error.text() and dialog.error.text() == failed.args[0]
    assert not dialog.apply_button.isEnabled()
    # A what-if name that is taken is refused with a message; nothing is applied.
    dialog2 = _open(qtbot, document, runner, _blocking(document, "UNFUNDED_TERRITORY", "Texas"))
    dialog2.into_new.setChecked(True)
    dialog2.new_name.setText(BASELINE)
    assert not dialog2.apply_selected()
    assert "already a scenario" in dialog2.error.text()
    assert document.undo_stack.count() == 0


def test_retarget_aims_every_command_at_the_new_scenario():
    from territory_planner.domain import Allocation, PlanError
    from territory_planner.domain.commands import CopyScenario

    allocation = Allocation("territory", "Texas", budget=1.0)
    batch = Batch("x", (Batch("y", (SetAllocation(BASELINE, "territory", "Texas", allocation),)),))
    moved = retarget(batch, "W")
    assert isinstance(moved, Batch) and moved.text == "x"
    inner = moved.commands[0]
    assert isinstance(inner, Batch) and inner.commands[0] == SetAllocation("W", "territory", "Texas", allocation)
    with pytest.raises(PlanError, match="cannot be applied to another scenario"):
        retarget(CopyScenario(BASELINE, "Z"), "W")


@pytest.mark.skipif(not os.environ.get("TP_SHOTS"), reason="screenshots only when TP_SHOTS=1")
def test_screenshot(qtbot: Any, document: PlanDocument, runner: Any):
    dialog = _open(qtbot, document, runner, _blocking(document, "UNFUNDED_HIRE", "Austin AE (hire)"))
    dialog.resize(900, 520)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(DOCS / "fix-dialog.png"))


def test_the_window_opens_fix_optimise_and_build(qtbot: Any, opened: Any):
    """Fix… in the Flags panel acts on the selected blocking flag; the Scenario menu and the Territories panel
    open the optimiser and the builder; an optimised what-if is shown beside its source in the compare view."""
    from territory_planner.gui.build_dialog import BuildDialog
    from territory_planner.gui.optimise_dialog import OptimiseDialog

    flags = opened.flags
    warning = next(f for f in flags.model.all_flags() if not f.blocking)
    flags.select_flag(warning)
    assert not flags.fix_button.isEnabled()
    blocking = next(f for f in flags.model.all_flags() if f.blocking)
    flags.select_flag(blocking)
    assert flags.fix_button.isEnabled()
    assert flags.context_menu(flags.model.index_of(flags.model.all_flags().index(warning))) is None
    menu = flags.context_menu(flags.view.currentIndex())
    assert menu is not None and [a.text() for a in menu.actions()] == ["Fix…"]
    with qtbot.waitSignal(flags.fix_requested) as requested:
        menu.actions()[0].trigger()
    assert requested.args == [blocking]
    opened.planning.dialog.reject()
    flags.fix_button.click()
    dialog = opened.planning.dialog
    assert isinstance(dialog, FixDialog) and dialog.flag == blocking and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.fixes is not None, timeout=60_000)
    dialog.reject()

    scenario_menu = next(a.menu() for a in opened.menuBar().actions() if a.text() == "&Scenario")
    texts = [a.text() for a in scenario_menu.actions()]
    assert "Optimise budget…" in texts and "Build territories…" in texts
    opened.planning.optimise_action.trigger()
    optimise = opened.planning.dialog
    assert isinstance(optimise, OptimiseDialog)
    optimise.into.setText("Best")
    with qtbot.waitSignal(optimise.solved, timeout=120_000):
        optimise.run()
    compare = opened.scenarios.compare_window
    assert compare is not None and compare.isVisible()
    assert (compare.left.scenario(), compare.right.scenario()) == (BASELINE, "Best")
    optimise.accept()

    opened.territories.build_button.click()
    assert isinstance(opened.planning.dialog, BuildDialog)
    opened.planning.dialog.reject()
