"""The command line refuses every change to a proposed scenario with the domain's message, imports included
(a workbook import applies its sheets to a staging copy of the plan: the rule holds there too)."""

from __future__ import annotations

from pathlib import Path

WHATIF = "Hire 4, fund Texas and New England"


def test_an_import_into_a_proposed_scenario_is_refused_and_writes_nothing(run, demo_plan: Path, tmp_path) -> None:
    workbook = tmp_path / "plan.xlsx"
    result = run("export", demo_plan, "--scenario", WHATIF, "--xlsx", workbook)
    assert result.exit_code == 0, result.output
    run("scenario", "propose", demo_plan, WHATIF, "--as", "Dana", "--role", "sales")
    before = demo_plan.read_bytes()
    result = run("import", "workbook", demo_plan, workbook, "--scenario", WHATIF)
    assert result.exit_code == 2
    assert f"Scenario '{WHATIF}' is proposed" in result.output and "read-only" in result.output
    assert demo_plan.read_bytes() == before
    # The baseline stays a draft: the same workbook goes in there.
    result = run("import", "workbook", demo_plan, workbook, "--scenario", "baseline")
    assert result.exit_code == 0, result.output


def test_deleting_a_proposed_scenario_is_refused(run, demo_plan: Path) -> None:
    run("scenario", "propose", demo_plan, WHATIF, "--as", "Dana", "--role", "sales")
    before = demo_plan.read_bytes()
    result = run("scenario", "delete", demo_plan, WHATIF)
    assert result.exit_code == 2 and "withdraw it first" in result.output
    assert demo_plan.read_bytes() == before
