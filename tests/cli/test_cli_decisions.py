"""`solve` and `fix` record their decision with the what-if they write (the pack's Decisions page reads it)."""

from __future__ import annotations

from pathlib import Path

from territory_planner.domain.decisions import decisions_of
from territory_planner.services.plans import open_plan


def test_solve_records_its_decision(run, demo_plan: Path) -> None:
    result = run("solve", demo_plan, "--into", "Optimised", "--allow-delays")
    assert result.exit_code == 0, result.output
    [decision] = decisions_of(open_plan(str(demo_plan)), "Optimised")
    assert decision.title == "Optimise budget from Baseline"
    assert any(s.startswith("Funds ") for s in decision.sentences)
    assert decisions_of(open_plan(str(demo_plan)), "baseline") == []


def test_fix_records_its_decision_in_place_and_into_a_what_if(run, demo_plan: Path) -> None:
    result = run("fix", demo_plan, "--flag", 1, "--option", 1, "--into", "Moved")
    assert result.exit_code == 0, result.output
    plan = open_plan(str(demo_plan))
    [decision] = decisions_of(plan, "Moved")
    assert decision.title == "Fix UNFUNDED_HIRE Austin AE (hire)"
    assert decision.sentences[0].startswith("Why: Planned hire Austin AE (hire)")
    assert decision.sentences[1].startswith("Move $")
    result = run("fix", demo_plan, "--flag", 0, "--option", 0)
    assert result.exit_code == 0, result.output
    [in_place] = decisions_of(open_plan(str(demo_plan)), "baseline")
    assert in_place.title.startswith("Fix UNFUNDED_TERRITORY Texas")
