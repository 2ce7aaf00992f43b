"""Funding statuses, allocation semantics and every flag (docs/ARCHITECTURE.md): where it fires and a near miss.

Handshake (HANDSHAKE in tests/plan_builders.py): required spend = 0.16 x target, leads = target / 1,250, MQL
hours = target / 10,000, plus 40 h per planned hire. So one existing seller on $1,200,000 needs $192,000, 960 leads
and 120 h; one on $600,000 needs $96,000, 480 leads and 60 h. The plan period is Jan 2027 - Dec 2027.
"""

from __future__ import annotations

from typing import Any

import pytest

from territory_planner.domain import (
    FLAG_CODES,
    Layer,
    Month,
    Region,
    Report,
    Scenario,
    Seller,
    Territory,
    TerritoryAggregates,
    evaluate,
)
from territory_planner.domain.commands import SetAssumption
from tests.plan_builders import (
    existing,
    flags_of,
    hire,
    make_layer,
    make_plan,
    make_scenario,
    only_flag,
    region_alloc,
    territory_alloc,
)

LAYER = make_layer()
U = list(LAYER.unit_ids)  # populations 100, 200, ..., 800; neighbours in a chain U0-U1-...-U7


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-6)


def run(scenario: Scenario, layer: Layer = LAYER) -> Report:
    return evaluate(scenario, layer)


def set_plan_value(scenario: Scenario, key: str, value: float) -> None:
    """Change a plan setting the way the app does: through the command."""
    plan = make_plan(LAYER, scenario)
    SetAssumption(scenario.name, "plan", None, key, value).apply(plan)


def boston(budget: float | None, *sellers: Seller, **plan_values: Any) -> Scenario:
    """Boston (own allocation ``budget``, or none) with Ann on $1,200,000 -> needs $192,000, plus extra sellers."""
    return make_scenario(
        territories=[Territory("Boston")],
        assignment={U[0]: "Boston", U[1]: "Boston"},
        sellers=[existing("Ann", "Boston", 1_200_000), *sellers],
        allocations=[] if budget is None else [territory_alloc("Boston", budget)],
        **plan_values,
    )


def east(
    pool: float, *, extra_sellers: tuple[Seller, ...] = (), hours: float = 0.0, start: str | None = None
) -> Scenario:
    """Region East with a shared pool for Boston (Ann $1.2M -> $192,000) and New York (Bob $600k -> $96,000)."""
    return make_scenario(
        regions=["East"],
        territories=[Territory("Boston", "East"), Territory("New York", "East")],
        assignment={U[0]: "Boston", U[1]: "New York"},
        sellers=[existing("Ann", "Boston", 1_200_000), existing("Bob", "New York", 600_000), *extra_sellers],
        allocations=[region_alloc("East", pool, hours, start)],
    )


# --- the flag catalogue --------------------------------------------------------------------------------------


def test_flag_codes_and_severities_are_the_documented_ones() -> None:
    assert FLAG_CODES == {
        "UNFUNDED_TERRITORY": "blocking",
        "UNFUNDED_HIRE": "blocking",
        "UNPLANNED_REGION": "blocking",
        "OVER_CAPACITY": "blocking",
        "OVER_BUDGET": "blocking",
        "PIPELINE_LATE": "warning",
        "SPEND_RATIO": "warning",
        "UNASSIGNED_UNITS": "warning",
        "NO_SELLER": "warning",
        "EMPTY_TERRITORY": "warning",
        "NON_CONTIGUOUS": "warning",
        "IMBALANCED": "warning",
        "MARKET_TOO_SMALL": "warning",
        "NO_TERRITORY": "warning",
    }


def test_every_flag_uses_its_catalogue_severity_and_blocking_flags_come_first() -> None:
    # A scenario that raises many flags at once.
    s = make_scenario(
        regions=["East", "West"],
        territories=[Territory("Boston", "East"), Territory("Denver", "West"), Territory("Empty")],
        assignment={U[0]: "Boston", U[2]: "Boston", U[4]: "Denver"},
        sellers=[
            existing("Ann", "Boston", 1_200_000),
            existing("Dan", "Denver", 1_200_000),
            hire("Hal", "Boston", "2027-02", 1_200_000),
            existing("Zed", None, 100_000),
        ],
        allocations=[territory_alloc("Boston", 100_000, hours=10)],
        marketing_budget=50_000,
        marketing_hours=10,
        spend_ratio_min=0.04,
        spend_ratio_max=0.08,
    )
    report = run(s)
    codes = {f.code for f in report.flags}
    assert codes >= {
        "UNFUNDED_TERRITORY",
        "UNFUNDED_HIRE",
        "UNPLANNED_REGION",
        "OVER_CAPACITY",
        "OVER_BUDGET",
        "PIPELINE_LATE",
        "SPEND_RATIO",
        "UNASSIGNED_UNITS",
        "EMPTY_TERRITORY",
        "NON_CONTIGUOUS",
        "NO_TERRITORY",
    }
    for flag in report.flags:
        assert flag.severity == FLAG_CODES[flag.code]
        assert flag.blocking == (flag.severity == "blocking")
        assert flag.subject_type in ("territory", "seller", "region", "plan")
        assert flag.message and "\n" not in flag.message
    severities = [f.severity for f in report.flags]
    assert severities == sorted(severities, key=lambda sev: sev != "blocking")
    assert report.has_blocking
    assert report.totals.blocking_flags == sum(f.blocking for f in report.flags)
    assert report.totals.warning_flags == sum(not f.blocking for f in report.flags)


# --- funding status of a territory with its own allocation ------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "status"),
    [
        (250_000, "funded"),
        (192_000, "funded"),  # exactly covered
        (180_000, "at_risk"),  # 12,000 short of 192,000 = 6.25 % <= 10 %
        (172_800, "at_risk"),  # 192,000 * 0.9 = 172,800: exactly 10 % short, still within tolerance
        (172_700, "unfunded"),  # 19,300 short = 10.05 %
        (0, "unfunded"),
    ],
)
def test_status_against_own_allocation_with_default_tolerance(budget: float, status: str) -> None:
    r = run(boston(budget)).territory("Boston")
    assert r.required_spend == approx(192_000)
    assert r.status == status
    assert r.funding == "territory"
    assert r.allocated_budget == approx(budget)
    assert r.gap == approx(budget - 192_000)


def test_at_risk_tolerance_is_a_plan_setting() -> None:
    # 180,000 is 6.25 % short: at risk with 10 %, unfunded with 5 %; 182,400 is exactly 5 % short -> at risk.
    s = boston(180_000)
    assert run(s).territory("Boston").status == "at_risk"
    set_plan_value(s, "at_risk_tolerance", 0.05)
    assert run(s).territory("Boston").status == "unfunded"
    assert run(boston(182_400, at_risk_tolerance=0.05)).territory("Boston").status == "at_risk"
    # 172,000 is 10.4 % short: unfunded at 10 %, at risk at 15 %
    s = boston(172_000)
    assert run(s).territory("Boston").status == "unfunded"
    set_plan_value(s, "at_risk_tolerance", 0.15)
    assert run(s).territory("Boston").status == "at_risk"
    # tolerance 0: any shortfall is unfunded
    assert run(boston(191_000, at_risk_tolerance=0.0)).territory("Boston").status == "unfunded"


def test_no_allocation_and_no_requirement_is_funded_but_a_requirement_without_money_is_unfunded() -> None:
    s = make_scenario(
        territories=[Territory("Boston"), Territory("Quiet")],
        assignment={U[0]: "Boston", U[1]: "Quiet"},
        sellers=[existing("Ann", "Boston", 1_200_000)],
    )
    report = run(s)
    assert report.territory("Boston").status == "unfunded"
    assert report.territory("Boston").funding is None
    assert report.territory("Boston").allocated_budget == 0
    assert report.territory("Boston").break_even_cpl == 0  # 0 / 960 leads
    assert report.territory("Quiet").status == "funded"
    assert report.territory("Quiet").break_even_cpl is None  # no leads


# --- a region's allocation is a shared pool ---------------------------------------------------------------------


def test_region_pool_funded_with_shares_in_proportion_to_requirement() -> None:
    # requirements 192,000 + 96,000 = 288,000 <= pool 300,000 -> both funded.
    # shares: Boston 300,000 * 192/288 = 200,000; New York 300,000 * 96/288 = 100,000.
    # gaps 8,000 and 4,000; break-even cpl: 200,000 / 960 = 208.33 and 100,000 / 480 = 208.33.
    report = run(east(300_000))
    b, n = report.territory("Boston"), report.territory("New York")
    assert (b.status, n.status) == ("funded", "funded")
    assert (b.funding, n.funding) == ("region", "region")
    assert b.allocated_budget == approx(200_000)
    assert n.allocated_budget == approx(100_000)
    assert b.gap == approx(8_000) and n.gap == approx(4_000)
    assert b.break_even_cpl == approx(200_000 / 960)
    assert n.break_even_cpl == approx(100_000 / 480)


def test_region_pool_within_tolerance_is_at_risk_for_every_member() -> None:
    # pool 270,000 against 288,000: 18,000 short = 6.25 % -> at risk; shares 180,000 and 90,000.
    report = run(east(270_000))
    assert report.territory("Boston").status == "at_risk"
    assert report.territory("New York").status == "at_risk"
    assert report.territory("Boston").allocated_budget == approx(180_000)
    assert report.territory("New York").allocated_budget == approx(90_000)
    assert not flags_of(report, "UNFUNDED_TERRITORY")


def test_region_pool_is_judged_together_not_per_territory() -> None:
    # pool 250,000 would cover Boston's 192,000 alone, but the pool is judged against 288,000: 38,000 short =
    # 13.2 % -> both unfunded. Shares: 250,000 * 2/3 = 166,666.67 and 250,000 * 1/3 = 83,333.33.
    report = run(east(250_000))
    assert report.territory("Boston").status == "unfunded"
    assert report.territory("New York").status == "unfunded"
    assert report.territory("Boston").allocated_budget == approx(250_000 * 2 / 3)
    assert report.territory("New York").allocated_budget == approx(250_000 / 3)
    flag = only_flag(report, "UNFUNDED_TERRITORY", "New York")
    assert "its share of region East's shared budget" in flag.message
    assert flag.numbers["pool_required_spend"] == approx(288_000)
    assert flag.numbers["pool_budget"] == approx(250_000)
    # New York: needs $96k, has $83k, $13k short
    assert "$96k" in flag.message and "$83k" in flag.message and "$13k short" in flag.message
    assert len(flags_of(report, "UNFUNDED_TERRITORY")) == 2


def test_an_unfunded_pool_flags_its_members_even_when_the_first_one_needs_nothing() -> None:
    # Region East: "Annex" (first, no seller, needs $0) and Boston (Ann, needs $192,000) share a pool of $50,000.
    # The pool is unfunded; Boston must be flagged although the pool's first member needs nothing (a first member
    # with no requirement used to hide the whole pool's flags).
    s = make_scenario(
        regions=["East"],
        territories=[Territory("Annex", "East"), Territory("Boston", "East")],
        assignment={U[0]: "Annex", U[1]: "Boston"},
        sellers=[existing("Ann", "Boston", 1_200_000)],
        allocations=[region_alloc("East", 50_000)],
    )
    report = run(s)
    assert report.territory("Annex").status == "funded"  # needs nothing
    assert report.territory("Boston").status == "unfunded"
    flag = only_flag(report, "UNFUNDED_TERRITORY", "Boston")
    assert flag.numbers["pool_budget"] == approx(50_000)
    assert not flags_of(report, "UNFUNDED_TERRITORY", "Annex")


def test_region_tolerance_override_judges_the_pool() -> None:
    # pool 250,000 is 13.2 % short: unfunded at the plan's 10 %, at risk with region East's 20 %.
    s = east(250_000)
    s.assumptions.set("region", "East", "at_risk_tolerance", 0.2)
    assert run(s).territory("Boston").status == "at_risk"


def test_own_allocation_takes_a_territory_out_of_its_regions_pool() -> None:
    # Boston has its own 10,000 (vs 192,000 -> unfunded); the East pool of 96,000 funds New York alone
    # (96,000 vs 96,000 -> funded, all of the pool as its share).
    s = east(96_000)
    s.allocations[("territory", "Boston")] = territory_alloc("Boston", 10_000)
    report = run(s)
    assert report.territory("Boston").funding == "territory"
    assert report.territory("Boston").status == "unfunded"
    assert report.territory("Boston").allocated_budget == approx(10_000)
    assert report.territory("New York").funding == "region"
    assert report.territory("New York").status == "funded"
    assert report.territory("New York").allocated_budget == approx(96_000)
    assert only_flag(report, "UNFUNDED_TERRITORY", "Boston").numbers["pool_budget"] == approx(10_000)
    assert not flags_of(report, "UNFUNDED_TERRITORY", "New York")


def test_territory_outside_the_region_is_not_in_the_pool() -> None:
    s = east(300_000)
    s.territories["Austin"] = Territory("Austin")
    s.sellers["Cy"] = existing("Cy", "Austin", 600_000)
    report = run(s)
    assert report.territory("Austin").funding is None
    assert report.territory("Austin").allocated_budget == 0
    assert report.territory("Boston").allocated_budget == approx(200_000)  # pool shares unchanged


def test_pool_with_no_requirement_is_shared_equally() -> None:
    s = make_scenario(
        regions=["East"],
        territories=[Territory("Boston", "East"), Territory("Salem", "East")],
        allocations=[region_alloc("East", 100_000, hours=30)],
    )
    report = run(s)
    for name in ("Boston", "Salem"):
        assert report.territory(name).allocated_budget == approx(50_000)
        assert report.territory(name).allocated_hours == approx(15)
        assert report.territory(name).status == "funded"


def test_unfunded_pool_does_not_flag_a_member_that_needs_nothing() -> None:
    # UNFUNDED_TERRITORY fires when required spend exceeds the territory's allocation beyond tolerance.
    # Cape needs 0 and has a 0 share of the pool, so nothing exceeds anything; Boston is the one short.
    s = make_scenario(
        regions=["East"],
        territories=[Territory("Boston", "East"), Territory("Cape", "East")],
        assignment={U[0]: "Boston", U[1]: "Cape"},
        sellers=[existing("Ann", "Boston", 1_200_000)],
        allocations=[region_alloc("East", 100_000)],
    )
    report = run(s)
    assert flags_of(report, "UNFUNDED_TERRITORY", "Boston")
    assert not flags_of(report, "UNFUNDED_TERRITORY", "Cape")


# --- hires: marginal requirement against what is left ------------------------------------------------------------


def test_hires_are_taken_in_start_month_order_against_what_is_left() -> None:
    # Ann (existing) needs 192,000. Zoe starts Apr 2027 (no ramp, $1.2M): Apr..Dec 9 * 100,000 = 900,000 -> 144,000.
    # Abe starts Jul 2027 (no ramp, $1.2M): 6 * 100,000 = 600,000 -> 96,000.
    # Allocation 336,000: left after Ann = 144,000. Zoe first (Apr): 144,000 vs 144,000 -> funded, 0 left.
    # Abe: 0 vs 96,000 -> unfunded. (In name order Abe would have been funded and Zoe not.)
    s = boston(
        336_000,
        hire("Abe", "Boston", "2027-07", 1_200_000),
        hire("Zoe", "Boston", "2027-04", 1_200_000),
    )
    report = run(s)
    assert [h.seller for h in report.hires] == ["Zoe", "Abe"]
    zoe, abe = report.hire("Zoe"), report.hire("Abe")
    assert zoe.marginal_spend == approx(144_000)
    assert abe.marginal_spend == approx(96_000)
    assert zoe.status == "funded"
    assert abe.status == "unfunded"
    assert "$96k" in abe.reason and "$0 is left" in abe.reason
    # territory: 192,000 + 144,000 + 96,000 = 432,000 vs 336,000 -> 22 % short -> unfunded
    assert report.territory("Boston").required_spend == approx(432_000)
    assert report.territory("Boston").status == "unfunded"
    flag = only_flag(report, "UNFUNDED_HIRE", "Abe")
    assert flag.severity == "blocking" and flag.subject_type == "seller"
    assert "Abe" in flag.message and "Boston" in flag.message and "Jul 2027" in flag.message
    assert "$96k" in flag.message
    assert flag.numbers["marginal_spend"] == approx(96_000)
    assert flag.numbers["period_quota"] == approx(600_000)
    assert not flags_of(report, "UNFUNDED_HIRE", "Zoe")


@pytest.mark.parametrize(
    ("budget", "status"),
    [
        (288_000, "funded"),  # 96,000 left vs 96,000
        (282_000, "at_risk"),  # 90,000 left vs 96,000: 6.25 % short
        (278_400, "at_risk"),  # 86,400 = 96,000 * 0.9
        (278_000, "unfunded"),  # 86,000 left: 10.4 % short
        (150_000, "unfunded"),  # existing seller not even covered: -42,000 left
    ],
)
def test_hire_status_on_marginal_requirement(budget: float, status: str) -> None:
    report = run(boston(budget, hire("Abe", "Boston", "2027-07", 1_200_000)))
    assert report.hire("Abe").status == status
    assert bool(flags_of(report, "UNFUNDED_HIRE", "Abe")) == (status == "unfunded")


def test_hire_tolerance_follows_the_plan_setting() -> None:
    # 90,000 left vs 96,000 is 6.25 % short: at risk with 10 %, unfunded with 5 %.
    s = boston(282_000, hire("Abe", "Boston", "2027-07", 1_200_000))
    assert run(s).hire("Abe").status == "at_risk"
    set_plan_value(s, "at_risk_tolerance", 0.05)
    assert run(s).hire("Abe").status == "unfunded"


def test_hires_in_a_region_pool_share_what_the_pool_has_left() -> None:
    # Existing: Boston 192,000 + New York 96,000 = 288,000; pool 400,000 -> 112,000 left.
    # Hana (New York, Jul 2027, $1.2M, no ramp): 600,000 -> 96,000 -> funded, 16,000 left.
    # Gus (Boston, Oct 2027, $1.2M, no ramp): 3 * 100,000 = 300,000 -> 48,000 vs 16,000 -> unfunded.
    # Territories: 288,000 + 96,000 + 48,000 = 432,000 vs 400,000 -> 7.4 % short -> at risk.
    # Shares: Boston (192,000 + 48,000 = 240,000) -> 400,000 * 240/432 = 222,222.22; New York 177,777.78.
    s = east(
        400_000,
        extra_sellers=(
            hire("Gus", "Boston", "2027-10", 1_200_000),
            hire("Hana", "New York", "2027-07", 1_200_000),
        ),
    )
    report = run(s)
    assert report.hire("Hana").status == "funded"
    assert report.hire("Gus").marginal_spend == approx(48_000)
    assert report.hire("Gus").status == "unfunded"
    assert report.territory("Boston").status == "at_risk"
    assert report.territory("New York").status == "at_risk"
    assert report.territory("Boston").allocated_budget == approx(400_000 * 240 / 432)
    assert report.territory("New York").allocated_budget == approx(400_000 * 192 / 432)


def test_hire_in_a_territory_without_allocation_is_unfunded() -> None:
    report = run(boston(None, hire("Abe", "Boston", "2027-07", 1_200_000)))
    assert report.hire("Abe").status == "unfunded"
    assert "no marketing allocation" in report.hire("Abe").reason


def test_hire_with_no_requirement_in_the_period_is_not_unfunded() -> None:
    # Boston has 150,000 for Ann's 192,000 (existing short). Next starts Feb 2028: period quota 0, marginal 0.
    # A marginal requirement of 0 is covered; the same hire in a territory with no allocation is already 'funded'.
    report = run(boston(150_000, hire("Next", "Boston", "2028-02", 1_200_000)))
    assert report.hire("Next").marginal_spend == 0
    assert report.hire("Next").status == "funded"
    assert not flags_of(report, "UNFUNDED_HIRE", "Next")


def test_unfunded_hire_near_miss() -> None:
    report = run(boston(500_000, hire("Abe", "Boston", "2027-07", 1_200_000)))
    assert report.hire("Abe").status == "funded"
    assert not flags_of(report, "UNFUNDED_HIRE")


def test_hire_without_territory_is_an_unfunded_hire_not_no_territory() -> None:
    report = run(boston(500_000, hire("Nomad", None, "2027-07", 1_200_000)))
    flag = only_flag(report, "UNFUNDED_HIRE", "Nomad")
    assert "no territory" in flag.message
    assert not flags_of(report, "NO_TERRITORY")


# --- PIPELINE_LATE ------------------------------------------------------------------------------------------


def test_pipeline_late_when_fund_by_month_is_before_the_period() -> None:
    # cycle 90 days -> 3 months. Start Mar 2027 -> fund by Dec 2026, before the Jan 2027 period start.
    report = run(boston(1e6, hire("Mae", "Boston", "2027-03", 1_200_000)))
    flag = only_flag(report, "PIPELINE_LATE", "Mae")
    assert flag.severity == "warning" and flag.subject_type == "seller"
    assert "Mar 2027" in flag.message and "Dec 2026" in flag.message and "Jan 2027" in flag.message
    assert flag.numbers == {"start_month": "2027-03", "fund_by_month": "2026-12", "allocation_start": "2027-01"}


def test_pipeline_late_near_miss_and_sales_cycle_setting() -> None:
    # Start Apr 2027 -> fund by Jan 2027 = the period start: not late.
    s = boston(1e6, hire("Apr", "Boston", "2027-04", 1_200_000))
    assert not flags_of(run(s), "PIPELINE_LATE")
    # A 91-day cycle needs ceil(91/30) = 4 months -> fund by Dec 2026: late.
    set_plan_value(s, "sales_cycle_days", 91)
    assert only_flag(run(s), "PIPELINE_LATE", "Apr").numbers["fund_by_month"] == "2026-12"


def test_pipeline_late_against_the_allocations_start_month() -> None:
    # Boston's money starts Mar 2027. June starts Jun 2027 -> fund by Mar 2027: fine.
    # May starts May 2027 -> fund by Feb 2027, before the money: late.
    s = make_scenario(
        territories=[Territory("Boston")],
        sellers=[hire("June", "Boston", "2027-06", 1_200_000), hire("May", "Boston", "2027-05", 1_200_000)],
        allocations=[territory_alloc("Boston", 1e6, start="2027-03")],
    )
    report = run(s)
    assert not flags_of(report, "PIPELINE_LATE", "June")
    flag = only_flag(report, "PIPELINE_LATE", "May")
    assert flag.numbers["allocation_start"] == "2027-03"
    assert "Mar 2027" in flag.message and "Feb 2027" in flag.message


def test_allocation_starting_before_the_period_gives_earlier_money() -> None:
    # Money from Oct 2026. A Jan 2027 hire needs pipeline from Oct 2026: fine (not before Oct 2026).
    s = make_scenario(
        territories=[Territory("Boston")],
        sellers=[hire("Jan", "Boston", "2027-01", 1_200_000)],
        allocations=[territory_alloc("Boston", 1e6, start="2026-10")],
    )
    assert not flags_of(run(s), "PIPELINE_LATE")
    # With a 120-day cycle (4 months) the Jan hire needs Sep 2026: late.
    set_plan_value(s, "sales_cycle_days", 120)
    assert only_flag(run(s), "PIPELINE_LATE", "Jan").numbers["fund_by_month"] == "2026-09"


def test_pipeline_late_uses_the_region_pools_start() -> None:
    # East's pool starts Apr 2027: Hana (Jul) needs Apr -> fine; Gus (Jun) needs Mar -> late.
    s = east(
        1e6,
        start="2027-04",
        extra_sellers=(
            hire("Gus", "Boston", "2027-06", 1_200_000),
            hire("Hana", "New York", "2027-07", 1_200_000),
        ),
    )
    report = run(s)
    assert not flags_of(report, "PIPELINE_LATE", "Hana")
    assert only_flag(report, "PIPELINE_LATE", "Gus").numbers["allocation_start"] == "2027-04"


def test_pipeline_late_without_allocation_is_judged_against_the_period_start() -> None:
    report = run(boston(None, hire("Mae", "Boston", "2027-03", 1_200_000), hire("Apr", "Boston", "2027-04", 1)))
    assert only_flag(report, "PIPELINE_LATE", "Mae").numbers["allocation_start"] == "2027-01"
    assert not flags_of(report, "PIPELINE_LATE", "Apr")


def test_existing_sellers_are_never_pipeline_late() -> None:
    s = boston(1e6)
    # an existing seller joining in Mar 2027 (pipeline would be "late") is not a hire: only hires are protected
    s.sellers["Old"] = existing("Old", "Boston", 1_200_000, start_month=Month(2027, 3))
    assert not flags_of(run(s), "PIPELINE_LATE")


# --- UNFUNDED_TERRITORY ---------------------------------------------------------------------------------------


def test_unfunded_territory_message_has_the_numbers() -> None:
    # needs 192,000, has 172,000: 20,000 short (10.4 %); break-even cpl 172,000 / 960 = 179.17.
    report = run(boston(172_000))
    flag = only_flag(report, "UNFUNDED_TERRITORY", "Boston")
    assert flag.severity == "blocking" and flag.subject_type == "territory"
    assert "Boston needs $192k of program spend, has $172k: $20k short" in flag.message
    assert "cost per lead of $179" in flag.message
    assert "share of region" not in flag.message
    assert flag.numbers["required_spend"] == approx(192_000)
    assert flag.numbers["allocated_budget"] == approx(172_000)
    assert flag.numbers["gap"] == approx(-20_000)
    assert flag.numbers["break_even_cpl"] == approx(172_000 / 960)


def test_unfunded_territory_near_miss_at_risk_is_not_flagged() -> None:
    report = run(boston(180_000))
    assert report.territory("Boston").status == "at_risk"
    assert not flags_of(report, "UNFUNDED_TERRITORY")


def test_unfunded_territory_appears_when_the_tolerance_shrinks() -> None:
    s = boston(180_000)
    set_plan_value(s, "at_risk_tolerance", 0.05)
    assert only_flag(run(s), "UNFUNDED_TERRITORY", "Boston")


# --- UNPLANNED_REGION ------------------------------------------------------------------------------------------


def test_unplanned_region_for_a_staffed_territory_with_no_allocation_anywhere() -> None:
    s = make_scenario(
        regions=["West"],
        territories=[Territory("Denver", "West"), Territory("Austin")],
        assignment={U[0]: "Denver", U[1]: "Austin"},
        sellers=[existing("Dan", "Denver", 1_200_000), hire("Ava", "Austin", "2027-07", 1_200_000)],
    )
    report = run(s)
    denver = only_flag(report, "UNPLANNED_REGION", "Denver")
    assert denver.severity == "blocking" and denver.subject_type == "territory"
    assert "neither its own nor region West's" in denver.message
    assert "1 seller" in denver.message and "$192k" in denver.message
    assert denver.numbers == {"required_spend": approx(192_000), "sellers": 1, "planned_hires": 0}
    austin = only_flag(report, "UNPLANNED_REGION", "Austin")
    assert "it is in no region" in austin.message
    assert "$96k" in austin.message  # Ava: 600,000 in the period -> 96,000
    assert austin.numbers["planned_hires"] == 1


def test_unplanned_region_near_misses() -> None:
    # The region has an allocation: Denver is funded from the pool, no flag.
    s = make_scenario(
        regions=["West"],
        territories=[Territory("Denver", "West"), Territory("Vacant", "West"), Territory("Nobody")],
        assignment={U[0]: "Denver", U[1]: "Vacant", U[2]: "Nobody"},
        sellers=[existing("Dan", "Denver", 1_200_000)],
        allocations=[region_alloc("West", 1)],
    )
    assert not flags_of(run(s), "UNPLANNED_REGION")
    # Without the region's allocation Denver is flagged, but the territory with no seller never is.
    del s.allocations[("region", "West")]
    report = run(s)
    assert [f.subject for f in flags_of(report, "UNPLANNED_REGION")] == ["Denver"]


# --- OVER_CAPACITY ---------------------------------------------------------------------------------------------


def test_over_capacity_plan_wide() -> None:
    # Ann's 1,200,000 -> 240 mqls * 0.5 h = 120 h; the team has 119 h.
    report = run(boston(1e6, marketing_hours=119))
    flag = only_flag(report, "OVER_CAPACITY", "plan")
    assert flag.severity == "blocking" and flag.subject_type == "plan"
    assert "120 h" in flag.message and "119 h" in flag.message and "1 h short" in flag.message
    assert flag.numbers == {"required_hours": approx(120), "marketing_hours": approx(119)}
    assert report.totals.hours_shortfall == approx(1)


def test_over_capacity_plan_wide_near_miss_and_hours_setting() -> None:
    s = boston(1e6, marketing_hours=120)
    assert not flags_of(run(s), "OVER_CAPACITY")
    set_plan_value(s, "marketing_hours", 100)
    assert flags_of(run(s), "OVER_CAPACITY")


def test_over_capacity_per_territory_allocation() -> None:
    # Boston needs 120 h; its allocation gives 100 h.
    s = boston(None)
    s.allocations[("territory", "Boston")] = territory_alloc("Boston", 1e6, hours=100)
    s.assumptions.values["marketing_budget"] = 1e6
    flag = only_flag(run(s), "OVER_CAPACITY", "Boston")
    assert flag.subject_type == "territory"
    assert "Boston needs 120 h" in flag.message and "gives 100 h (20 h short)" in flag.message
    assert flag.numbers == {"required_hours": approx(120), "allocated_hours": approx(100)}


@pytest.mark.parametrize("hours", [120, 0])
def test_over_capacity_per_allocation_near_miss(hours: float) -> None:
    # 120 h covers the need; 0 h means the allocation gives no hours to judge (money only).
    s = boston(None)
    s.allocations[("territory", "Boston")] = territory_alloc("Boston", 1e6, hours=hours)
    s.assumptions.values["marketing_budget"] = 1e6
    assert not flags_of(run(s), "OVER_CAPACITY")


def test_over_capacity_per_region_pool() -> None:
    # Boston 120 h + New York 60 h = 180 h against the East pool's 150 h.
    flag = only_flag(run(east(1e6, hours=150)), "OVER_CAPACITY", "East")
    assert flag.subject_type == "region"
    assert "180 h" in flag.message and "150 h" in flag.message and "30 h short" in flag.message
    assert not flags_of(run(east(1e6, hours=180)), "OVER_CAPACITY")


# --- OVER_BUDGET ---------------------------------------------------------------------------------------------


def test_over_budget() -> None:
    # 192,000 (Boston) + 96,000 (West) = 288,000 allocated against a 287,000 budget: 1,000 over.
    s = boston(192_000, marketing_budget=287_000)
    s.regions["West"] = Region("West")
    s.allocations[("region", "West")] = region_alloc("West", 96_000)
    flag = only_flag(run(s), "OVER_BUDGET")
    assert flag.severity == "blocking" and flag.subject_type == "plan" and flag.subject == "plan"
    assert "$288k" in flag.message and "$287k" in flag.message and "$1.0k over" in flag.message
    assert flag.numbers == {"allocated_budget": approx(288_000), "marketing_budget": approx(287_000)}
    set_plan_value(s, "marketing_budget", 288_000)
    assert not flags_of(run(s), "OVER_BUDGET")


# --- SPEND_RATIO --------------------------------------------------------------------------------------------


def band(budget: float) -> Scenario:
    # revenue target: Ann's 1,200,000; default band 4-8 %.
    return boston(budget, marketing_budget=budget, spend_ratio_min=0.04, spend_ratio_max=0.08)


def test_spend_ratio_inside_the_band_is_quiet() -> None:
    # 60,000 / 1,200,000 = 5 %; the band edges 48,000 (4 %) and 96,000 (8 %) are inside too.
    for budget in (60_000, 48_000, 96_000):
        assert not flags_of(run(band(budget)), "SPEND_RATIO")


def test_spend_ratio_below_and_above_the_band() -> None:
    # 36,000 / 1,200,000 = 3 % (below); 120,000 / 1,200,000 = 10 % (above)
    low = only_flag(run(band(36_000)), "SPEND_RATIO")
    assert low.severity == "warning" and low.subject_type == "plan"
    assert "3.0 %" in low.message and "$1.20M" in low.message and "below the 4 %–8 % band" in low.message
    assert low.numbers == {
        "spend_ratio": approx(0.03),
        "revenue_target": approx(1_200_000),
        "band_min": 0.04,
        "band_max": 0.08,
    }
    high = only_flag(run(band(120_000)), "SPEND_RATIO")
    assert "10.0 %" in high.message and "above" in high.message


def test_spend_ratio_band_is_a_plan_setting() -> None:
    s = band(36_000)
    set_plan_value(s, "spend_ratio_min", 0.02)
    assert not flags_of(run(s), "SPEND_RATIO")
    s = band(120_000)
    set_plan_value(s, "spend_ratio_max", 0.12)
    assert not flags_of(run(s), "SPEND_RATIO")


def test_spend_ratio_needs_a_revenue_target() -> None:
    s = make_scenario(territories=[Territory("Boston")], marketing_budget=50_000, spend_ratio_min=0.04)
    report = run(s)
    assert report.totals.spend_ratio is None
    assert not flags_of(report, "SPEND_RATIO")


# --- UNASSIGNED_UNITS ---------------------------------------------------------------------------------------


def test_unassigned_units_with_potential() -> None:
    # U6 (700) and U7 (800) are in no territory: 2 units, 1,500 population.
    s = make_scenario(territories=[Territory("Boston")], assignment={u: "Boston" for u in U[:6]})
    flag = only_flag(run(s), "UNASSIGNED_UNITS")
    assert flag.severity == "warning" and flag.subject_type == "plan"
    assert "2 units" in flag.message and "1,500 population" in flag.message
    assert flag.numbers == {"units": 2, "potential": approx(1_500)}


def test_unassigned_units_near_misses() -> None:
    everything = make_scenario(territories=[Territory("Boston")], assignment={u: "Boston" for u in U})
    assert not flags_of(run(everything), "UNASSIGNED_UNITS")
    # units left over have no market potential
    zero_tail = make_layer(populations=[100, 200, 300, 400, 500, 600, 0, 0])
    s = make_scenario(territories=[Territory("Boston")], assignment={u: "Boston" for u in U[:6]})
    assert not flags_of(run(s, zero_tail), "UNASSIGNED_UNITS")
    # a plan with no territories yet is not nagged about all of its units
    assert not flags_of(run(make_scenario()), "UNASSIGNED_UNITS")


def test_unassigned_units_without_a_potential_column_counts_every_open_unit() -> None:
    layer = make_layer(potential=False, unit_noun="county")
    s = make_scenario(territories=[Territory("Boston")], assignment={u: "Boston" for u in U[:5]})
    flag = only_flag(run(s, layer), "UNASSIGNED_UNITS")
    assert flag.numbers["units"] == 3
    assert "3 counties" in flag.message


# --- NO_SELLER / EMPTY_TERRITORY ------------------------------------------------------------------------------


def test_no_seller_and_empty_territory() -> None:
    s = make_scenario(
        territories=[Territory("Boston"), Territory("Cape"), Territory("Ghost"), Territory("Hired")],
        assignment={U[0]: "Boston", U[1]: "Cape", U[2]: "Cape", U[3]: "Hired"},
        sellers=[existing("Ann", "Boston", 1), hire("Hal", "Hired", "2027-04", 1)],
    )
    report = run(s)
    no_seller = only_flag(report, "NO_SELLER", "Cape")
    assert no_seller.severity == "warning" and no_seller.subject_type == "territory"
    assert "Cape covers 2 units but has no seller or planned hire" in no_seller.message
    assert no_seller.numbers == {"units": 2, "potential": approx(200 + 300)}
    empty = only_flag(report, "EMPTY_TERRITORY", "Ghost")
    assert empty.subject_type == "territory"
    assert "Ghost has no units yet" in empty.message
    # near misses: staffed territories (an existing seller or a planned hire) and the empty one is not NO_SELLER
    assert [f.subject for f in flags_of(report, "NO_SELLER")] == ["Cape"]
    assert [f.subject for f in flags_of(report, "EMPTY_TERRITORY")] == ["Ghost"]


def test_empty_territory_with_a_seller_is_still_empty() -> None:
    s = make_scenario(territories=[Territory("Boston")], sellers=[existing("Ann", "Boston", 1)])
    report = run(s)
    assert only_flag(report, "EMPTY_TERRITORY", "Boston")
    assert not flags_of(report, "NO_SELLER")


def test_territory_messages_pluralise_the_unit_noun() -> None:
    layer = make_layer(unit_noun="county")
    s = make_scenario(
        territories=[Territory("Cape"), Territory("Ghost")],
        assignment={U[0]: "Cape", U[1]: "Cape"},
    )
    report = run(s, layer)
    assert "Ghost has no counties yet" in only_flag(report, "EMPTY_TERRITORY", "Ghost").message
    assert "covers 2 counties" in only_flag(report, "NO_SELLER", "Cape").message


# --- NON_CONTIGUOUS ------------------------------------------------------------------------------------------


def test_non_contiguous_territory() -> None:
    # chain U0-U1-U2-...: {U0, U2} are two pieces; {U4, U6, U7} are two pieces (U6-U7 touch).
    s = make_scenario(
        territories=[Territory("Split"), Territory("Whole"), Territory("Three")],
        assignment={U[0]: "Split", U[2]: "Split", U[3]: "Whole", U[4]: "Three", U[6]: "Three", U[7]: "Three"},
    )
    report = run(s)
    split = only_flag(report, "NON_CONTIGUOUS", "Split")
    assert split.severity == "warning" and split.subject_type == "territory"
    assert "Split is in 2 separate pieces" in split.message
    assert split.numbers == {"pieces": 2}
    assert only_flag(report, "NON_CONTIGUOUS", "Three").numbers == {"pieces": 2}
    assert report.territory("Whole").pieces == 1
    assert not flags_of(report, "NON_CONTIGUOUS", "Whole")


def test_non_contiguous_needs_the_layer_adjacency() -> None:
    layer = make_layer(adjacency=None)
    s = make_scenario(territories=[Territory("Split")], assignment={U[0]: "Split", U[2]: "Split"})
    report = run(s, layer)
    assert report.territory("Split").pieces is None
    assert not flags_of(report, "NON_CONTIGUOUS")


def test_non_contiguous_near_miss_connected_through_its_own_units() -> None:
    s = make_scenario(territories=[Territory("Line")], assignment={U[0]: "Line", U[1]: "Line", U[2]: "Line"})
    assert not flags_of(run(s), "NON_CONTIGUOUS")


# --- IMBALANCED --------------------------------------------------------------------------------------------


def imbalance(pop_a: list[str], pop_b: list[str], hires_b: int = 0, **plan_values: Any) -> Scenario:
    """A with one seller, B with one seller plus ``hires_b`` planned hires."""
    sellers = [existing("A1", "A", 1), existing("B0", "B", 1)]
    sellers += [hire(f"B{i + 1}", "B", "2027-04", 1) for i in range(hires_b)]
    assignment = {u: "A" for u in pop_a} | {u: "B" for u in pop_b}
    return make_scenario(
        territories=[Territory("A"), Territory("B")], assignment=assignment, sellers=sellers, **plan_values
    )


def test_imbalanced_fires_beyond_the_tolerance() -> None:
    # A: U0 = 100 per seller; B: U2 = 300 per seller; mean 200; deviations -50 % and +50 % > 35 %.
    report = run(imbalance([U[0]], [U[2]]))
    a = only_flag(report, "IMBALANCED", "A")
    b = only_flag(report, "IMBALANCED", "B")
    assert a.severity == "warning" and a.subject_type == "territory"
    assert "A has 50 % less population per seller than the plan average (100 against 200)" in a.message
    assert "B has 50 % more population per seller" in b.message
    assert a.numbers == {"potential_per_seller": approx(100), "mean": approx(200), "deviation": approx(-0.5)}


def test_imbalanced_near_miss_and_tolerance_setting() -> None:
    # A: 100, B: 200; mean 150; deviations -33.3 % / +33.3 %: inside 35 %, outside 30 %.
    s = imbalance([U[0]], [U[1]])
    assert not flags_of(run(s), "IMBALANCED")
    set_plan_value(s, "imbalance_tolerance", 0.30)
    assert {f.subject for f in flags_of(run(s), "IMBALANCED")} == {"A", "B"}


def test_imbalanced_divides_potential_by_sellers_including_hires() -> None:
    # A: U0 100 / 1 = 100; B: U3 400 / (1 seller + 3 hires) = 100 -> balanced.
    assert not flags_of(run(imbalance([U[0]], [U[3]], hires_b=3)), "IMBALANCED")
    # without counting the hires B would have 400 per seller: mean 250, +-60 % -> flagged
    assert flags_of(run(imbalance([U[0]], [U[3]])), "IMBALANCED")


def test_imbalanced_needs_two_staffed_territories_and_potential() -> None:
    s = make_scenario(
        territories=[Territory("A"), Territory("Open")],
        assignment={U[0]: "A", U[7]: "Open"},
        sellers=[existing("A1", "A", 1)],
    )
    assert not flags_of(run(s), "IMBALANCED")  # Open has no seller, so only one staffed territory
    no_potential = make_layer(potential=False)
    assert not flags_of(run(imbalance([U[0]], [U[2]]), no_potential), "IMBALANCED")


# --- NO_TERRITORY --------------------------------------------------------------------------------------------


def test_no_territory_for_an_existing_seller() -> None:
    s = boston(1e6)
    s.sellers["Zed"] = existing("Zed", None, 600_000)
    flag = only_flag(run(s), "NO_TERRITORY", "Zed")
    assert flag.severity == "warning" and flag.subject_type == "seller"
    assert "Seller Zed has no territory" in flag.message
    assert flag.numbers == {"period_quota": approx(600_000)}


def test_no_territory_near_miss() -> None:
    assert not flags_of(run(boston(1e6)), "NO_TERRITORY")


# --- totals and verdict --------------------------------------------------------------------------------------


def test_totals_and_verdict() -> None:
    # Boston 172,000 for 192,000 (unfunded, 20,000 short); Abe's hire needs 96,000 with nothing left.
    s = boston(172_000, hire("Abe", "Boston", "2027-07", 1_200_000), marketing_budget=172_000)
    report = run(s)
    t = report.totals
    assert (t.territories, t.funded, t.at_risk, t.unfunded) == (1, 0, 0, 1)
    assert (t.hires, t.hires_funded, t.hires_at_risk, t.hires_unfunded) == (1, 0, 0, 1)
    assert t.revenue_target == approx(1_800_000)
    assert t.required_spend == approx(288_000)
    assert t.allocated_budget == approx(172_000)
    assert t.spend_shortfall == approx(116_000)  # 288,000 - 172,000
    assert report.verdict() == (
        "1 of 1 territory and 1 of 1 planned hire are not fully funded; short in 1 territory: $116k."
    )
    assert (t.unallocated_budget, t.spend_surplus, t.territories_short, t.unused_allocation) == (0, 0, 1, 0)
    funded = run(boston(1e6, marketing_budget=1e6))
    assert funded.verdict() == "All 1 territory and 0 planned hires are funded."


def test_aggregates_passed_in_give_the_same_report() -> None:
    s = make_scenario(
        territories=[Territory("Boston")],
        assignment={U[0]: "Boston", U[2]: "Boston"},
        sellers=[existing("Ann", "Boston", 1_200_000)],
    )
    assert evaluate(s, LAYER, TerritoryAggregates(LAYER, s)) == evaluate(s, LAYER)


# --- the shared rules the views ask (one home each) ----------------------------------------------------------


def test_every_registered_rule_raises_only_its_own_code_and_the_catalogue_follows_the_registry() -> None:
    from territory_planner.domain.checks import FLAG_RULES

    assert list(FLAG_CODES) == [rule.code for rule in FLAG_RULES]
    assert len({rule.code for rule in FLAG_RULES}) == len(FLAG_RULES)
    s = boston(10_000, hire("Hal", "Boston", "2027-02", 1_200_000), marketing_budget=5_000)
    report = run(s)
    assert {f.code for f in report.flags} >= {"UNFUNDED_TERRITORY", "UNFUNDED_HIRE", "OVER_BUDGET"}
    for flag in report.flags:
        assert flag.severity == FLAG_CODES[flag.code]


def test_a_territory_result_embeds_its_funnel_and_derives_gap_and_break_even_from_it() -> None:
    r = run(boston(150_000, hire("Hal", "Boston", "2027-01", 1_200_000, ramp=0))).territory("Boston")
    assert r.funnel.target == approx(2_400_000)
    assert (r.target, r.leads, r.required_spend) == (r.funnel.target, r.funnel.leads, r.funnel.required_spend)
    assert r.required_hours == approx(240 + 40)  # 2,400,000 / 10,000 + one planned hire
    assert (r.existing_sellers, r.planned_hires, r.headcount) == (1, 1, 2)
    assert r.gap == approx(150_000 - 384_000)
    assert r.break_even_cpl == approx(150_000 / 1_920)
    assert r.short
    assert r.potential_per_seller == approx(r.potential / 2)


def test_tolerance_helpers_treat_less_than_a_cent_as_equal() -> None:
    from territory_planner.domain.checks import EPS, exceeds, same_amount

    assert not exceeds(100.004, 100.0) and exceeds(100.006, 100.0)
    assert same_amount(100.0, 100.004) and not same_amount(100.0, 100.006)
    assert EPS == 0.005


def test_spend_ratio_band_edges_are_inside_and_the_side_is_named() -> None:
    from territory_planner.domain.checks import spend_ratio_side

    assert spend_ratio_side(0.04, 0.04, 0.08) is None
    assert spend_ratio_side(0.08, 0.04, 0.08) is None
    assert spend_ratio_side(0.0399, 0.04, 0.08) == "below"
    assert spend_ratio_side(0.0801, 0.04, 0.08) == "above"


def test_potential_per_seller_counts_hires_and_skips_territories_without_sellers() -> None:
    s = make_scenario(
        territories=[Territory("A"), Territory("B"), Territory("C")],
        assignment={U[0]: "A", U[1]: "B", U[2]: "C"},  # populations 100, 200, 300
        sellers=[existing("Ann", "A", 600_000), existing("Bob", "B", 600_000), hire("Hal", "B", "2027-03", 1)],
        allocations=[],
    )
    assert run(s).potential_per_seller() == {"A": approx(100), "B": approx(100)}
