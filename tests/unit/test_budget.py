"""The budget story (domain/budget.py): the reconciliation to the cent, the waterfall, the region rollup, investment
parity, the hiring timeline, and money that rounds one way everywhere.

Handshake (plan_builders.HANDSHAKE): required spend = 0.16 x target, so an existing seller on $1,200,000 needs $192,000,
one on $600,000 needs $96,000 and one on $300,000 needs $48,000. The plan period is Jan 2027 - Dec 2027; a sales
cycle of 90 days means pipeline starts 3 months before a hire does.
"""

from __future__ import annotations

import pytest

from territory_planner.domain import Scenario, Territory, evaluate
from territory_planner.domain.budget import (
    allocated_hours_text,
    budget_story,
    hiring_timeline,
    investment_parity,
    reconcile,
    region_rollup,
    territory_amounts,
)
from territory_planner.domain.formatting import hours, money, money_cents, percent, to_cents
from tests.plan_builders import existing, hire, make_layer, make_scenario, region_alloc, territory_alloc

LAYER = make_layer()
U = list(LAYER.unit_ids)


def mixed() -> Scenario:
    """East pools $270,000 for Boston ($192,000) and New York ($96,000): shares $180,000 / $90,000, gaps -$12,000 and
    -$6,000. Denver (West) has its own $150,000 for $96,000 (+$54,000); Austin (no region) $100,000 for $48,000
    (+$52,000). West's pool of $40,000 funds nobody (Denver has its own). Budget $700,000."""
    return make_scenario(
        regions=["East", "West"],
        territories=[
            Territory("Boston", "East"),
            Territory("New York", "East"),
            Territory("Denver", "West"),
            Territory("Austin", None),
        ],
        assignment={U[0]: "Boston", U[1]: "New York", U[2]: "Denver", U[3]: "Austin"},
        sellers=[
            existing("Ann", "Boston", 1_200_000, annual_cost=200_000),
            existing("Bob", "New York", 600_000, annual_cost=150_000),
            existing("Dee", "Denver", 600_000, annual_cost=150_000),
            existing("Al", "Austin", 300_000, annual_cost=100_000),
        ],
        allocations=[
            region_alloc("East", 270_000, start="2027-03"),
            territory_alloc("Denver", 150_000, hours=90),
            territory_alloc("Austin", 100_000),
            region_alloc("West", 40_000),
        ],
        marketing_budget=700_000,
    )


def test_reconciliation_adds_up_by_hand() -> None:
    report = evaluate(mixed(), LAYER)
    t = report.totals
    assert (t.marketing_budget, t.allocated_budget, t.unallocated_budget) == (700_000, 560_000, 140_000)
    assert t.unused_allocation == 40_000  # West's pool: Denver has its own allocation
    assert (t.spend_shortfall, t.territories_short) == (18_000, 2)  # 12,000 + 6,000
    assert (t.spend_surplus, t.territories_with_surplus) == (106_000, 2)  # 54,000 + 52,000
    assert t.required_spend == 432_000
    rec = reconcile(report)
    assert rec.drawn == 520_000 and rec.net_gap == -18_000 + 106_000
    assert [(s.label, s.amount) for s in rec.by_region] == [
        ("East", 270_000),
        ("West", 150_000),
        ("No region", 100_000),
    ]
    lines = rec.lines()
    assert lines[0] == "Plan budget $700k = allocated $560k + unallocated budget $140k."
    assert lines[1] == (
        "Program spend needed $432k = allocated $560k − allocated to no territory $40k + short in 2 territories: "
        "$18k − surplus in 2 territories: $106k."
    )
    assert "The unallocated $140k is more than the $18k the short territories lack." in lines
    assert report.verdict().endswith("; short in 2 territories: $18k; unallocated budget: $140k.")


def test_exact_rows_add_up_to_the_cent() -> None:
    scenario = mixed()
    scenario.assumptions.values["marketing_budget"] = 700_000.37
    rows = reconcile(evaluate(scenario, LAYER)).exact_rows()
    assert [(sign, what) for sign, what, _ in rows] == [
        ("", "Plan budget"),
        ("−", "Unallocated budget"),
        ("=", "Allocated"),
        ("−", "Allocated to no territory"),
        ("+", "Short in 2 territories"),
        ("−", "Surplus in 2 territories"),
        ("=", "Program spend needed"),
    ]
    cents = [to_cents(amount) for _, _, amount in rows]
    assert cents[0] - cents[1] == cents[2] == 56_000_000
    assert cents[2] - cents[3] + cents[4] - cents[5] == cents[6] == 43_200_000
    assert cents[1] == 14_000_037


def test_waterfall_steps_chain_from_budget_to_spend_needed() -> None:
    steps = reconcile(evaluate(mixed(), LAYER)).steps()
    assert [(s.label, s.kind, s.start, s.end) for s in steps] == [
        ("Plan budget", "total", 0, 700_000),
        ("Unallocated budget", "down", 700_000, 560_000),
        ("East", "part", 0, 270_000),
        ("West", "part", 270_000, 420_000),
        ("No region", "part", 420_000, 520_000),
        ("Allocated to no territory", "part", 520_000, 560_000),
        ("Allocated", "total", 0, 560_000),
        ("Allocated to no territory", "down", 560_000, 520_000),
        ("Short", "up", 520_000, 538_000),
        ("Surplus", "down", 538_000, 432_000),
        ("Spend needed", "total", 0, 432_000),
    ]
    for s in steps:
        assert s.amount == pytest.approx(abs(s.end - s.start))


def test_over_allocated_budget_is_named_and_drawn_upwards() -> None:
    scenario = mixed()
    scenario.assumptions.values["marketing_budget"] = 500_000.0
    report = evaluate(scenario, LAYER)
    rec = reconcile(report)
    assert rec.unallocated == -60_000
    assert rec.lines()[0] == "Allocations of $560k exceed the plan budget of $500k by $60k."
    assert rec.steps()[1].kind == "up" and rec.steps()[1].label == "Allocated beyond the budget"
    assert "allocations exceed the budget by $60k" in report.verdict()


def test_pool_shares_add_up_to_the_pool_to_the_cent() -> None:
    # Three equal members of a $100,000.00 pool: 33,333.33... each; the cents must not lose or make one.
    scenario = make_scenario(
        regions=["East"],
        territories=[Territory(n, "East") for n in ("A", "B", "C")],
        assignment={U[0]: "A", U[1]: "B", U[2]: "C"},
        sellers=[existing(f"S{n}", n, 600_000) for n in ("A", "B", "C")],
        allocations=[region_alloc("East", 100_000)],
    )
    report = evaluate(scenario, LAYER)
    amounts = territory_amounts(report.territories)
    assert sorted(to_cents(a.allocated) for a in amounts.values()) == [3_333_333, 3_333_333, 3_333_334]
    assert sum(to_cents(a.gap) for a in amounts.values()) == to_cents(100_000 - 288_000)
    t = report.totals
    assert t.unused_allocation == 0 and t.spend_shortfall == 188_000 and t.territories_short == 3
    # The members of a pool share its sign: every gap is negative here.
    assert all(a.gap < 0 for a in amounts.values())


def test_region_rollup_by_hand() -> None:
    scenario = mixed()
    rows = {r.label: r for r in region_rollup(evaluate(scenario, LAYER), scenario)}
    assert list(rows) == ["East", "West", "No region"]
    east, west, none = rows["East"], rows["West"], rows["No region"]
    assert (east.territories, east.target, east.required_spend) == (2, 1_800_000, 288_000)
    assert (east.pool_budget, east.pool_drawn, east.own_budget, east.gap) == (270_000, 270_000, 0, -18_000)
    assert east.required_hours == pytest.approx(180)  # 120 + 60
    assert (east.status, east.at_risk) == ("at_risk", 2)
    assert (west.pool_budget, west.pool_drawn, west.own_budget, west.own_hours) == (40_000, 0, 150_000, 90)
    assert (west.gap, west.status, west.allocated) == (54_000, "funded", 150_000)
    assert (none.own_budget, none.gap, none.status) == (100_000, 52_000, "funded")


def test_investment_parity_by_hand() -> None:
    scenario = mixed()
    scenario.sellers["Hal"] = hire("Hal", "Boston", "2027-07", 1_200_000, annual_cost=120_000)  # 6 months in period
    scenario.sellers["Late"] = hire("Late", "Boston", "2028-02", 1_200_000, annual_cost=999_000)  # after the period
    scenario.assumptions.values.update({"marketing_team_cost": 300_000.0, "marketing_headcount": 5.0})
    report = evaluate(scenario, LAYER)
    p = investment_parity(report, scenario)
    assert (p.existing_sellers, p.existing_cost, p.hires, p.hires_cost) == (4, 600_000, 1, 120_000)
    assert p.hires_cost_in_period == pytest.approx(60_000)
    assert p.sales_per_head == pytest.approx(720_000 / 5)
    assert p.marketing_spend == 1_000_000 and p.marketing_per_head == 200_000
    assert p.spend_ratio == pytest.approx(700_000 / 3_300_000)  # target 2.7M + Hal's 6 months of 1.2M
    assert p.headline() == "Sales: $120k of new hires; marketing: $700k of programs, 21.2 % of target."
    assert p.lines()[-1].endswith("inside the 0 %–100 % band.")
    assert "Marketing spend per head: $200k across 5 marketers." in p.lines()
    unset = investment_parity(evaluate(mixed(), LAYER), mixed())
    assert unset.marketing_per_head is None
    assert any("marketing_headcount" in line for line in unset.lines())


def test_parity_uses_the_spend_ratio_band() -> None:
    scenario = mixed()
    scenario.assumptions.values.update({"spend_ratio_min": 0.04, "spend_ratio_max": 0.08})
    p = investment_parity(evaluate(scenario, LAYER), scenario)
    assert p.band_side == "above"
    assert p.lines()[-1] == "The marketing budget is 25.9 % of the $2.70M revenue target, above the 4 %–8 % band."


def test_hiring_timeline_months_and_late_pipeline() -> None:
    scenario = mixed()
    scenario.sellers["Hal"] = hire("Hal", "Boston", "2027-05", 600_000, ramp=3)  # pipeline from Feb; money from Mar
    scenario.sellers["Ike"] = hire("Ike", "Denver", "2027-06", 600_000)  # Denver's money from the period start
    scenario.sellers["Nob"] = hire("Nob", None, "2027-06", 600_000)
    report = evaluate(scenario, LAYER)
    rows = {h.seller: h for h in hiring_timeline(report, scenario)}
    hal, ike, nob = rows["Hal"], rows["Ike"], rows["Nob"]
    assert (str(hal.fund_by), str(hal.start), str(hal.full_quota), str(hal.money_from)) == (
        "2027-02",
        "2027-05",
        "2027-07",
        "2027-03",
    )
    assert hal.late and {f.subject for f in report.flags if f.code == "PIPELINE_LATE"} == {"Hal"}
    assert (str(ike.full_quota), str(ike.money_from), ike.late) == ("2027-06", "2027-01", False)
    assert nob.money_from is None and nob.territory is None


def test_budget_story_bundles_the_four() -> None:
    scenario = mixed()
    story = budget_story(evaluate(scenario, LAYER), scenario)
    assert story.reconciliation.marketing_budget == 700_000
    assert [r.label for r in story.regions] == ["East", "West", "No region"]
    assert story.parity.existing_sellers == 4 and story.timeline == []


def test_zero_allocated_hours_print_as_the_plan_pool() -> None:
    assert allocated_hours_text(0.0) == "plan pool"
    assert allocated_hours_text(0.004) == "plan pool"
    assert allocated_hours_text(90.0) == "90 h"
    rec = reconcile(evaluate(mixed(), LAYER))
    assert "(the plan pool); allocations give 90 h of them to their territories." in rec.hours_line()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_925_000, "$1.93M"),  # 1.925 rounds up, as it reads (the float is 1.92499...)
        (220.5, "$221"),  # as Excel's "$"#,##0 shows it
        (-220.5, "-$221"),
        (2_500, "$2.5k"),
        (2_450, "$2.5k"),
        (12_500, "$13k"),
        (999_999, "$1.00M"),  # not "$1000k"
        (9_999_999, "$10.0M"),
        (999.5, "$1.0k"),
        (-0.004, "$0"),  # no "-$0"
        (455_000, "$455k"),
    ],
)
def test_money_rounds_half_away_from_zero(value: float, text: str) -> None:
    assert money(value) == text


def test_exact_money_hours_and_percent_round_the_same_way() -> None:
    assert money_cents(233_214.285) == "$233,214.29"
    assert money_cents(-133_869.05) == "-$133,869.05"
    assert to_cents(0.015) == 2 and to_cents(-0.005) == -1
    assert hours(0.5) == "1 h" and hours(2.5) == "3 h"
    assert percent(0.0945) == "9.5 %" and percent(0.125, 0) == "13 %"
