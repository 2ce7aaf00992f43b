"""`territory-planner build`: a new what-if with balanced, contiguous territories; the source never changes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from territory_planner.cli import cli
from territory_planner.persistence import load_plan

TERRITORY_KEYS = {"territory", "units", "balance", "deviation", "pieces", "polsby_popper", "moved_units"}
TOP_KEYS = {"scenario", "seconds", "territories", "max_deviation", "unassigned_units", "notes"}


def test_build_json_writes_a_new_what_if_and_leaves_the_source(demo_plan: Path, run) -> None:
    before = load_plan(demo_plan).scenario("baseline")
    result = run("build", demo_plan, "--into", "Ten", "--territories", 10, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == TOP_KEYS
    assert data["scenario"] == "Ten"
    assert len(data["territories"]) == 10
    assert all(set(t) == TERRITORY_KEYS for t in data["territories"])
    assert all(set(t["balance"]) == {"population"} for t in data["territories"])
    assert data["max_deviation"] <= 0.05
    assert data["unassigned_units"] == 0
    plan = load_plan(demo_plan)
    assert plan.scenario("baseline").content_equals(before)
    built = plan.scenario("Ten")
    assert sorted(t["territory"] for t in data["territories"]) == sorted(built.territories)
    assert sum(t["units"] for t in data["territories"]) == len(plan.layer)
    assert all(t["pieces"] == 1 for t in data["territories"] if t["territory"] not in " ".join(data["notes"]))


def test_build_region_text_output(demo_plan: Path, run) -> None:
    result = run("build", demo_plan, "--into", "West in 5", "--region", "West", "--territories", 5)
    assert result.exit_code == 0, result.output
    assert "Built 5 territories into what-if 'West in 5'" in result.output
    plan = load_plan(demo_plan)
    source, built = plan.scenario("baseline"), plan.scenario("West in 5")
    for unit, territory in source.assignment.items():
        if source.territories[territory].region != "West":
            assert built.assignment[unit] == territory
    west = {t.name for t in built.territories_of("West")}
    assert len(west) == 5


def test_build_from_current_reports_moves(demo_plan: Path, run) -> None:
    result = run("build", demo_plan, "--into", "Nudged", "--from-current", "--region", "East", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [t["territory"] for t in data["territories"]] == [
        "New England",
        "New York Metro",
        "Mid-Atlantic",
        "South-East",
    ]
    assert any(n.startswith("From the current assignment") for n in data["notes"])


def test_build_errors_exit_2_with_a_message_and_change_nothing(demo_plan: Path) -> None:
    runner = CliRunner()
    size = demo_plan.stat().st_size
    cases = [
        (["--into", "baseline", "--territories", "4"], "already a scenario named 'baseline'"),
        (["--into", "X", "--territories", "4", "--balance", "revenue"], "no attribute 'revenue'"),
        (["--into", "X", "--territories", "4", "--region", "Atlantis"], "no region named 'Atlantis'"),
        (["--into", "X"], "--territories K"),
    ]
    for args, message in cases:
        result = runner.invoke(cli, ["build", str(demo_plan), *args])
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert demo_plan.stat().st_size == size
    assert list(load_plan(demo_plan).scenarios) == ["baseline", "Hire 4, fund Texas and New England"]
