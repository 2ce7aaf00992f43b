"""From flags to decisions on the command line: `check --fixes`, `fix` and `solve` on the demo plan."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

FIX_KEYS = {"kind", "description", "amount", "changes", "clears", "creates"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check(run, plan: Path, scenario: str = "baseline", *extra: str) -> tuple[int, dict]:
    result = run("check", plan, "--scenario", scenario, "--json", *extra)
    return result.exit_code, json.loads(result.stdout)


def test_check_fixes_adds_options_to_every_blocking_flag_only(run, demo_plan: Path) -> None:
    code, doc = _check(run, demo_plan, "baseline", "--fixes")
    assert code == 1
    blocking = [f for f in doc["flags"] if f["severity"] == "blocking"]
    assert blocking and all("fixes" in f for f in blocking)
    assert not any("fixes" in f for f in doc["flags"] if f["severity"] == "warning")
    texas = next(f for f in blocking if f["code"] == "UNFUNDED_TERRITORY" and f["subject"] == "Texas")
    first = texas["fixes"][0]
    assert set(first) >= FIX_KEYS
    assert first["kind"] == "add_budget" and first["amount"] == round(first["amount"])
    assert "UNFUNDED_TERRITORY" in first["clears"]
    for change in first["changes"]:
        assert set(change) == {"level", "name", "field", "before", "after"}
    # Without --fixes the document is unchanged.
    _, plain = _check(run, demo_plan)
    assert not any("fixes" in f for f in plain["flags"])


def test_check_fixes_text_numbers_flags_and_options(run, demo_plan: Path) -> None:
    result = run("check", demo_plan, "--fixes")
    assert result.exit_code == 1
    assert "flag 0: UNFUNDED_TERRITORY Texas" in result.stdout
    assert "option 0: Add $" in result.stdout


def test_fix_into_a_new_whatif_clears_the_flag_and_leaves_the_source(run, demo_plan: Path) -> None:
    _, doc = _check(run, demo_plan, "baseline", "--fixes")
    blocking = [f for f in doc["flags"] if f["severity"] == "blocking"]
    n = next(i for i, f in enumerate(blocking) if f["code"] == "UNFUNDED_HIRE" and f["subject"] == "Austin AE (hire)")
    k = next(i for i, o in enumerate(blocking[n]["fixes"]) if o["kind"] == "move_budget")
    option = blocking[n]["fixes"][k]
    result = run("fix", demo_plan, "--flag", n, "--option", k, "--into", "Fund Austin", "--json")
    assert result.exit_code == 0, result.output
    applied = json.loads(result.stdout)
    assert applied["description"] == option["description"] and applied["scenario"] == "Fund Austin"
    _, after = _check(run, demo_plan, "Fund Austin")
    hires = {h["seller"]: h["status"] for h in after["hires"]}
    assert hires["Austin AE (hire)"] == "funded"
    before_codes = sorted((f["code"], f["subject"]) for f in doc["flags"])
    after_codes = sorted((f["code"], f["subject"]) for f in after["flags"])
    cleared = [c for c in before_codes if c not in after_codes]
    created = [c for c in after_codes if c not in before_codes]
    assert [c for c, _ in cleared] == sorted(option["clears"]) and [c for c, _ in created] == option["creates"]
    _, source = _check(run, demo_plan)
    assert [(f["code"], f["subject"], f["message"]) for f in source["flags"]] == [
        (f["code"], f["subject"], f["message"]) for f in doc["flags"]
    ]  # the source scenario is untouched


def test_fix_in_place_and_bad_numbers(run, demo_plan: Path) -> None:
    result = run("fix", demo_plan, "--flag", 0, "--option", 0)
    assert result.exit_code == 0, result.output
    _, doc = _check(run, demo_plan)
    assert not [f for f in doc["flags"] if f["code"] == "UNFUNDED_TERRITORY" and f["subject"] == "Texas"]
    digest = _digest(demo_plan)
    bad = run("fix", demo_plan, "--flag", 42, "--option", 0)
    assert bad.exit_code == 2 and "there is no flag 42" in bad.stderr
    assert _digest(demo_plan) == digest  # nothing written


def test_solve_writes_a_verified_whatif_and_never_changes_the_source(run, demo_plan: Path) -> None:
    _, source_before = _check(run, demo_plan)
    result = run("solve", demo_plan, "--into", "Optimised", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for key in (
        "scenario",
        "source",
        "optimal",
        "gap",
        "seconds",
        "funded_hires",
        "dropped_hires",
        "delayed_hires",
        "allocations",
        "unallocated_budget",
        "explanation",
        "marginal",
    ):
        assert key in doc
    assert doc["scenario"] == "Optimised" and doc["source"] == "baseline" and doc["optimal"] is True
    _, after = _check(run, demo_plan, "Optimised")
    kept = {h["seller"] for h in after["hires"]}
    assert doc["funded_hires"] == len(kept) and not kept & set(doc["dropped_hires"])
    assert all(h["status"] == "funded" for h in after["hires"])
    assert all(t["status"] == "funded" for t in after["territories"] if t["sellers"] + t["planned_hires"] > 0)
    assert not [f for f in after["flags"] if f["code"] in ("OVER_BUDGET", "OVER_CAPACITY", "UNPLANNED_REGION")]
    _, source_after = _check(run, demo_plan)
    assert source_after == source_before


def test_solve_plain_output_is_business_language(run, demo_plan: Path) -> None:
    result = run("solve", demo_plan, "--into", "Optimised", "--allow-delays", "--time-limit", 5)
    assert result.exit_code == 0, result.output
    assert "Wrote what-if Optimised from baseline (proven optimal" in result.stdout
    assert "Funds 5 of 5 planned hires." in result.stdout
    assert "territory Texas: $190k -> $292k" in result.stdout


def test_solve_infeasible_plan_says_by_how_much_and_writes_nothing(run, demo_plan: Path) -> None:
    assert run("import", "assumptions", demo_plan, _assumptions(demo_plan.parent, 1_000_000)).exit_code == 0
    digest = _digest(demo_plan)
    result = run("solve", demo_plan, "--into", "Optimised")
    assert result.exit_code == 1
    assert "cannot all be funded" in result.stderr and "short" in result.stderr
    assert _digest(demo_plan) == digest
    as_json = run("solve", demo_plan, "--into", "Optimised", "--json")
    doc = json.loads(as_json.stdout)
    assert doc["feasible"] is False and doc["budget_short"] > 0


def test_solve_refuses_an_existing_name_and_a_bad_lock(run, demo_plan: Path) -> None:
    taken = run("solve", demo_plan, "--into", "baseline")
    assert taken.exit_code == 2 and "already a scenario" in taken.stderr
    lock = run("solve", demo_plan, "--into", "x", "--lock", "Texas")
    assert lock.exit_code == 2 and "region:NAME or territory:NAME" in lock.stderr


def test_solve_with_a_locked_allocation_keeps_it(run, demo_plan: Path) -> None:
    result = run("solve", demo_plan, "--into", "Locked", "--lock", "region:West", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert not [a for a in doc["allocations"] if a["name"] in ("West", "Mountain", "Pacific Northwest")]
    _, after = _check(run, demo_plan, "Locked")
    west = [t for t in after["territories"] if t["region"] == "West"]
    assert west and all(t["status"] == "funded" for t in west)
    # Texas's existing sellers need $10k more than its $190k: locked, that cannot be funded at all.
    stuck = run("solve", demo_plan, "--into", "Stuck", "--lock", "territory:Texas")
    assert stuck.exit_code == 1 and "locked allocation of territory Texas is $10k short" in stuck.stderr


def _assumptions(folder: Path, budget: float) -> Path:
    path = folder / "assumptions.csv"
    path.write_text(f"level,name,key,value\nplan,,marketing_budget,{budget}\n", encoding="utf-8")
    return path
