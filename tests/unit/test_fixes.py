"""The fix finder: exact amounts, the options each flag gets, their ranking, and that every option, applied,
clears what it says and creates only what it says (judged by the real checks).

Hand arithmetic uses the handshake of tests/plan_builders.py: program spend is 0.16 per unit of period quota,
hours 0.0001 per unit plus 40 onboarding hours per hire.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from territory_planner.domain import BASELINE, Plan, PlanError, Territory, evaluate
from territory_planner.services.fixes import FlagFixes, blocking_flags, find_fixes, fix_command, flag_key
from tests.plan_builders import (
    command_plan,
    existing,
    hire,
    make_plan,
    make_scenario,
    only_flag,
    region_alloc,
    territory_alloc,
)


def fixes_of(plan: Plan, code: str, subject: str) -> FlagFixes:
    for fixes in find_fixes(plan, BASELINE):
        if fixes.flag.code == code and fixes.flag.subject == subject:
            return fixes
    raise AssertionError(f"no blocking {code} {subject}")


def kinds(fixes: FlagFixes) -> list[str]:
    return [o.kind for o in fixes.options]


def applied(plan: Plan, option) -> Plan:
    copy = plan.deepcopy()
    option.command.apply(copy)
    return copy


def assert_every_option_is_honest(plan: Plan) -> int:
    """Each option, applied to a copy, clears its flag and exactly the flags it lists, and creates exactly the
    flags it lists; applying its inverse gives the plan back."""
    before = {flag_key(f) for f in evaluate(plan.scenario(), plan.layer).flags}
    checked = 0
    for fixes in find_fixes(plan, BASELINE):
        for option in fixes.options:
            copy = plan.deepcopy()
            inverse = option.command.apply(copy)
            after = {flag_key(f) for f in evaluate(copy.scenario(), copy.layer).flags}
            assert flag_key(fixes.flag) in option.clears, option.description
            assert set(option.clears) == before - after, option.description
            assert set(option.creates) == after - before, option.description
            if option.kind in ("move_budget", "move_hours"):
                assert option.weakens == (), option.description  # a source is never left short
            inverse.apply(copy)
            assert copy.scenario().content_equals(plan.scenario())
            checked += 1
    return checked


# --- an unfunded territory ----------------------------------------------------------------------------------------


def short_territory() -> Plan:
    """A needs 192,000 and has 150,000; B needs 96,000 and has 120,000 (24,000 spare); C has no seller and 30,000;
    10,000 of the 310,000 budget is unallocated."""
    scenario = make_scenario(
        territories=[Territory("A"), Territory("B"), Territory("C")],
        sellers=[existing("Ann", "A", 1_200_000), existing("Bob", "B", 600_000)],
        allocations=[territory_alloc("A", 150_000), territory_alloc("B", 120_000), territory_alloc("C", 30_000)],
        marketing_budget=310_000.0,
    )
    return make_plan(scenario=scenario)


def test_unfunded_territory_gets_exact_add_and_move_options_ranked_by_side_effects() -> None:
    plan = short_territory()
    fixes = fixes_of(plan, "UNFUNDED_TERRITORY", "A")
    assert kinds(fixes) == ["move_budget", "add_budget"]  # the move creates nothing; the add goes over budget
    move, add = fixes.options
    assert move.amount == add.amount == 42_000
    assert move.description == "Move $42,000 to A from C ($30,000) and B ($12,000)"
    assert [c.as_dict() for c in move.changes] == [
        {"level": "territory", "name": "A", "field": "budget", "before": 150_000, "after": 192_000},
        {"level": "territory", "name": "C", "field": "budget", "before": 30_000, "after": 0},
        {"level": "territory", "name": "B", "field": "budget", "before": 120_000, "after": 108_000},
    ]
    assert move.creates == ()
    assert [k[0] for k in add.creates] == ["OVER_BUDGET"]
    assert "only $10,000 is unallocated" in add.description
    report = evaluate(applied(plan, move).scenario(), plan.layer)
    assert report.territory("A").status == "funded" and report.territory("B").status == "funded"


def test_the_amount_is_the_smallest_whole_dollar() -> None:
    plan = short_territory()
    add = next(o for o in fixes_of(plan, "UNFUNDED_TERRITORY", "A").options if o.kind == "add_budget")
    one_less = plan.deepcopy()
    a = one_less.scenario().allocations[("territory", "A")]
    one_less.scenario().allocations[("territory", "A")] = type(a)("territory", "A", a.budget + add.amount - 1)
    assert evaluate(one_less.scenario(), plan.layer).territory("A").status != "funded"
    assert evaluate(applied(plan, add).scenario(), plan.layer).territory("A").status == "funded"


def test_no_move_when_other_allocations_have_too_little_spare() -> None:
    plan = short_territory()
    plan.scenario().allocations[("territory", "C")] = territory_alloc("C", 5_000)
    fixes = fixes_of(plan, "UNFUNDED_TERRITORY", "A")
    assert kinds(fixes) == ["add_budget"]
    assert any("$29,000" in note and "$13,000 less" in note for note in fixes.notes)


def test_a_region_pool_gets_the_money_and_sources_stay_funded() -> None:
    scenario = make_scenario(
        regions=["East"],
        territories=[Territory("E1", "East"), Territory("E2", "East"), Territory("W")],
        sellers=[existing("Ann", "E1", 1_200_000), existing("Bob", "E2", 600_000), existing("Wes", "W", 600_000)],
        allocations=[region_alloc("East", 250_000), territory_alloc("W", 150_000)],
        marketing_budget=400_000.0,
    )
    plan = make_plan(scenario=scenario)
    fixes = fixes_of(plan, "UNFUNDED_TERRITORY", "E1")
    move = fixes.options[0]
    assert move.kind == "move_budget" and move.amount == 38_000  # the pool needs 288,000
    assert move.description == "Move $38,000 to region East from W ($38,000)"
    report = evaluate(applied(plan, move).scenario(), plan.layer)
    assert {t.territory: t.status for t in report.territories} == {"E1": "funded", "E2": "funded", "W": "funded"}
    assert assert_every_option_is_honest(plan) >= 2


# --- unfunded hires ----------------------------------------------------------------------------------------------


def short_hire(left: float = 48_000.0, start: str = "2027-07") -> Plan:
    """A has 192,000 for Ann plus ``left``; hire H (1.2M a year) needs 16,000 for every month of the period."""
    scenario = make_scenario(
        territories=[Territory("A"), Territory("B")],
        sellers=[existing("Ann", "A", 1_200_000), hire("H", "A", start, 1_200_000), existing("Bob", "B", 600_000)],
        allocations=[territory_alloc("A", 192_000 + left), territory_alloc("B", 146_000)],
        marketing_budget=192_000 + left + 146_000 + 100_000,
    )
    return make_plan(scenario=scenario)


def test_unfunded_hire_options_add_move_delay_drop() -> None:
    plan = short_hire()
    fixes = fixes_of(plan, "UNFUNDED_HIRE", "H")
    by_kind = {o.kind: o for o in fixes.options}
    assert set(by_kind) == {"add_budget", "move_budget", "delay_hire", "drop_hire"}
    assert by_kind["add_budget"].amount == 48_000  # H needs 96,000 from July; 48,000 is left
    assert by_kind["move_budget"].description == "Move $48,000 to A from B ($48,000)"
    delay = by_kind["delay_hire"]
    assert delay.description == "Delay H from 2027-07 to 2027-10"  # 3 months: 300k of quota, 48,000
    assert [c.as_dict() for c in delay.changes] == [
        {"level": "seller", "name": "H", "field": "start_month", "before": "2027-07", "after": "2027-10"}
    ]
    assert delay.quota_lost == pytest.approx(300_000)
    assert by_kind["drop_hire"].quota_lost == pytest.approx(600_000)
    # Money options keep the sales plan, so they rank first; then the delay loses less quota than the drop.
    assert kinds(fixes) == ["add_budget", "move_budget", "delay_hire", "drop_hire"]
    assert assert_every_option_is_honest(plan) >= 4


def test_a_delay_must_leave_the_pipeline_on_time() -> None:
    # 170,000 left: from January H needs 192,000; from March 160,000 fits, but March pipeline had to start in
    # December 2026, before the plan period; April (144,000) is the earliest start that is funded and on time.
    plan = short_hire(left=170_000.0, start="2027-01")
    delay = next(o for o in fixes_of(plan, "UNFUNDED_HIRE", "H").options if o.kind == "delay_hire")
    assert delay.description == "Delay H from 2027-01 to 2027-04"
    assert ("PIPELINE_LATE", "seller", "H") in delay.clears


def test_no_delay_in_the_period_says_so() -> None:
    plan = short_hire(left=8_000.0)
    fixes = fixes_of(plan, "UNFUNDED_HIRE", "H")
    assert "delay_hire" not in kinds(fixes)
    assert any("No start month for H up to Dec 2027" in note for note in fixes.notes)


def test_a_hire_in_a_territory_without_allocation_gets_a_new_allocation() -> None:
    scenario = make_scenario(
        territories=[Territory("A"), Territory("N")],
        sellers=[existing("Ann", "A", 1_200_000), existing("Ned", "N", 600_000), hire("H", "N", "2027-01", 600_000)],
        allocations=[territory_alloc("A", 192_000)],
        marketing_budget=500_000.0,
    )
    plan = make_plan(scenario=scenario)
    hire_fix = fixes_of(plan, "UNFUNDED_HIRE", "H").options[0]
    assert hire_fix.kind == "new_allocation" and hire_fix.amount == 192_000
    assert hire_fix.description == "Give N its own allocation of $192,000 from the unallocated budget"
    assert hire_fix.changes[0].as_dict() == {
        "level": "territory",
        "name": "N",
        "field": "budget",
        "before": None,
        "after": 192_000,
    }
    region_fix = fixes_of(plan, "UNPLANNED_REGION", "N").options[0]
    assert region_fix.kind == "new_allocation" and region_fix.amount == 192_000
    assert {k[0] for k in region_fix.clears} == {"UNPLANNED_REGION", "UNFUNDED_HIRE"}
    assert assert_every_option_is_honest(plan) >= 2


# --- plan-wide flags -------------------------------------------------------------------------------------------------


def test_over_budget_cuts_money_nobody_needs_first() -> None:
    plan = short_territory()
    plan.scenario().allocations[("territory", "A")] = territory_alloc("A", 192_000)
    plan.scenario().assumptions.values["marketing_budget"] = 330_000.0  # allocations add up to 342,000
    fixes = fixes_of(plan, "OVER_BUDGET", "plan")
    first = fixes.options[0]
    assert first.kind == "cut_allocation" and first.amount == 12_000
    assert first.description == "Cut $12,000 from C ($12,000) (money they do not need)"
    assert first.creates == ()
    assert all(o.kind == "cut_allocation" for o in fixes.options)
    cut_a = next(o for o in fixes.options if o.description == "Cut $12,000 from A")
    assert cut_a.weakens == ("A",)  # A would be at risk: no flag, but the option says so and ranks later
    assert assert_every_option_is_honest(plan) >= 2


def test_over_capacity_of_an_allocation_moves_spare_hours() -> None:
    scenario = make_scenario(
        territories=[Territory("A"), Territory("B")],
        sellers=[existing("Ann", "A", 1_200_000), existing("Bob", "B", 600_000)],
        allocations=[territory_alloc("A", 192_000, hours=100), territory_alloc("B", 96_000, hours=200)],
        marketing_hours=300.0,  # all of it allocated; A needs 120 hours, B 60
    )
    plan = make_plan(scenario=scenario)
    fixes = fixes_of(plan, "OVER_CAPACITY", "A")
    assert [(o.kind, o.amount, o.description) for o in fixes.options] == [
        ("move_hours", 20, "Move 20 hours to A from B (20 hours)")
    ]
    assert assert_every_option_is_honest(plan) == 1


def test_plan_wide_over_capacity_adds_team_hours_or_drops_a_hire() -> None:
    scenario = make_scenario(
        territories=[Territory("A")],
        sellers=[existing("Ann", "A", 1_200_000), hire("H", "A", "2027-01", 1_200_000)],
        allocations=[territory_alloc("A", 400_000)],
        marketing_hours=250.0,  # Ann 120 h, H 120 h + 40 onboarding
    )
    plan = make_plan(scenario=scenario)
    fixes = fixes_of(plan, "OVER_CAPACITY", "plan")
    assert fixes.options[0].kind == "move_hours" and fixes.options[0].amount == 30
    assert "drop_hire" in kinds(fixes)
    assert assert_every_option_is_honest(plan) >= 2


# --- every option on a plan with everything ----------------------------------------------------------------------


def test_every_option_of_a_rich_plan_is_honest() -> None:
    plan = command_plan()
    assert assert_every_option_is_honest(plan) >= 5


def test_fix_command_numbers_blocking_flags_like_check_json() -> None:
    plan = short_hire()
    report = evaluate(plan.scenario(), plan.layer)
    flags = blocking_flags(report)
    assert [f.code for f in flags] == [f.code for f in report.flags if f.severity == "blocking"]
    index = next(i for i, f in enumerate(flags) if f.code == "UNFUNDED_HIRE")
    with pytest.raises(PlanError, match="there is no flag 9"):
        fix_command(plan, BASELINE, 9, 0)
    with pytest.raises(PlanError, match="there is no option 99"):
        fix_command(plan, BASELINE, index, 99)
    option = fix_command(plan, BASELINE, index, 0)
    option.command.apply(plan)
    after = evaluate(plan.scenario(), plan.layer)
    assert only_flag(report, "UNFUNDED_HIRE", "H") and not [f for f in after.flags if f.code == "UNFUNDED_HIRE"]


def test_fix_command_refuses_a_plan_with_nothing_to_fix() -> None:
    scenario = make_scenario(
        territories=[Territory("A")],
        sellers=[existing("Ann", "A", 1_200_000)],
        allocations=[territory_alloc("A", 192_000)],
    )
    with pytest.raises(PlanError, match="nothing to fix"):
        fix_command(make_plan(scenario=scenario), BASELINE, 0, 0)


# --- locked allocations (issue 11): never a source, never a cut, never topped up ---------------------------------


def test_a_locked_allocation_is_never_a_source_of_a_move() -> None:
    plan = short_territory()
    s = plan.scenario()
    s.allocations[("territory", "C")] = replace(s.allocations[("territory", "C")], locked=True)
    fixes = fixes_of(plan, "UNFUNDED_TERRITORY", "A")
    move = next(o for o in fixes.options if o.kind == "move_budget") if "move_budget" in kinds(fixes) else None
    assert move is None  # B alone has only 24,000 spare of the 42,000 needed, and C is locked
    assert any("$24,000" in note and "no move covers it" in note for note in fixes.notes)
    assert assert_every_option_is_honest(plan) >= 1


def test_a_locked_allocation_is_not_topped_up_and_says_why() -> None:
    plan = short_territory()
    s = plan.scenario()
    s.allocations[("territory", "A")] = replace(s.allocations[("territory", "A")], locked=True)
    fixes = fixes_of(plan, "UNFUNDED_TERRITORY", "A")
    assert not {"add_budget", "move_budget"} & set(kinds(fixes))
    assert any("locked" in note for note in fixes.notes)


def test_over_budget_never_cuts_a_locked_allocation() -> None:
    plan = short_territory()
    s = plan.scenario()
    s.allocations[("territory", "A")] = territory_alloc("A", 192_000)
    s.allocations[("territory", "C")] = replace(territory_alloc("C", 30_000), locked=True)
    s.assumptions.values["marketing_budget"] = 330_000.0
    fixes = fixes_of(plan, "OVER_BUDGET", "plan")
    assert fixes.options
    for option in fixes.options:
        assert all(c.name != "C" for c in option.changes), option.description
    assert assert_every_option_is_honest(plan) >= 1
