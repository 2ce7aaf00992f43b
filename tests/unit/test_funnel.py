"""The reverse funnel (docs/ARCHITECTURE.md), checked against hand-computed numbers.

Every expected value below is worked out in the comment next to it; none is computed by the code under test.
The handshake (plan_builders.HANDSHAKE) is: deal $50,000, win 0.25, SQL->opp 0.5, MQL->SQL 0.4, lead->MQL 0.25,
marketing share 0.5, $200 per lead, 0.5 h per MQL, 40 h onboarding per hire, 90-day cycle. The plan period is
Jan 2027 - Dec 2027.
"""

from __future__ import annotations

import pytest

from territory_planner.domain import (
    FunnelAssumptions,
    InvalidAssumption,
    Month,
    Seller,
    Territory,
    evaluate,
    fund_by_month,
    monthly_quotas,
    period_quota,
    ramp,
    reverse_funnel,
)
from territory_planner.domain.commands import SetAssumption
from territory_planner.domain.funnel import break_even_cpl, counts_as_hire_in_period
from tests.plan_builders import (
    HANDSHAKE,
    PERIOD_START,
    existing,
    hire,
    make_layer,
    make_plan,
    make_scenario,
    region_alloc,
    territory_alloc,
)

A = FunnelAssumptions.from_mapping(HANDSHAKE)


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-6)


# --- ramp ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "ramp_months", "expected"),
    [
        (0, 0, 1.0),  # ramp_months 0: fully productive from the first month
        (5, 0, 1.0),
        (0, 1, 1.0),  # (0+1)/1
        (0, 4, 0.25),  # (0+1)/4
        (1, 4, 0.5),  # (1+1)/4
        (2, 4, 0.75),  # (2+1)/4
        (3, 4, 1.0),  # (3+1)/4
        (10, 4, 1.0),  # capped at 1
        (2, 6, 0.5),  # (2+1)/6
        (-1, 4, 0.0),  # before the start month
        (-1, 0, 0.0),
    ],
)
def test_ramp(k: int, ramp_months: int, expected: float) -> None:
    assert ramp(k, ramp_months) == approx(expected)


# --- monthly and period quota ------------------------------------------------------------------------------


def test_existing_seller_without_start_month_carries_full_quota_every_month() -> None:
    s = existing("Ann", "Boston", 120_000)
    # 120,000 / 12 = 10,000 a month, 12 months = 120,000
    assert monthly_quotas(s, PERIOD_START) == [approx(10_000)] * 12
    assert period_quota(s, PERIOD_START) == approx(120_000)


def test_ramp_across_the_period_boundary() -> None:
    # Started Nov 2026 (2 months before the Jan 2027 period) with a 6-month ramp and $120,000 a year.
    # Jan 2027: k=2 -> 3/6 * 10,000 = 5,000; Feb: k=3 -> 4/6 -> 6,666.67; Mar: k=4 -> 5/6 -> 8,333.33;
    # Apr..Dec: k>=5 -> 1 -> 9 * 10,000 = 90,000. Total 5,000 + 6,666.67 + 8,333.33 + 90,000 = 110,000.
    s = Seller("Ann", "Boston", "existing", Month(2026, 11), ramp_months=6, annual_quota=120_000)
    quotas = monthly_quotas(s, PERIOD_START)
    assert quotas[:4] == [approx(5_000), approx(20_000 / 3), approx(25_000 / 3), approx(10_000)]
    assert quotas[3:] == [approx(10_000)] * 9
    assert period_quota(s, PERIOD_START) == approx(110_000)


def test_hire_starting_mid_year_with_ramp() -> None:
    # Starts Jul 2027, 3-month ramp, $120,000: Jan..Jun 0; Jul 1/3 * 10,000 = 3,333.33; Aug 2/3 -> 6,666.67;
    # Sep..Dec 4 * 10,000 = 40,000. Total 3,333.33 + 6,666.67 + 40,000 = 50,000.
    s = hire("Hal", "Boston", "2027-07", 120_000, ramp=3)
    quotas = monthly_quotas(s, PERIOD_START)
    assert quotas[:6] == [0.0] * 6
    assert quotas[6:9] == [approx(10_000 / 3), approx(20_000 / 3), approx(10_000)]
    assert period_quota(s, PERIOD_START) == approx(50_000)


def test_ramp_months_zero_hire_mid_year() -> None:
    # Starts Jul 2027, no ramp: Jul..Dec 6 * 10,000 = 60,000.
    s = hire("Hal", "Boston", "2027-07", 120_000, ramp=0)
    assert monthly_quotas(s, PERIOD_START) == [0.0] * 6 + [approx(10_000)] * 6
    assert period_quota(s, PERIOD_START) == approx(60_000)


def test_ramp_starting_exactly_at_period_start() -> None:
    # Starts Jan 2027, 12-month ramp: (1 + 2 + ... + 12) / 12 * 10,000 = 78 / 12 * 10,000 = 65,000.
    s = hire("Hal", "Boston", "2027-01", 120_000, ramp=12)
    assert period_quota(s, PERIOD_START) == approx(65_000)


def test_long_ramp_still_running_past_the_period_end() -> None:
    # Starts Oct 2027, 24-month ramp: Oct 1/24, Nov 2/24, Dec 3/24 -> 6/24 * 10,000 = 2,500.
    s = hire("Hal", "Boston", "2027-10", 120_000, ramp=24)
    assert period_quota(s, PERIOD_START) == approx(2_500)


def test_seller_fully_ramped_before_the_period() -> None:
    # Started Jan 2026 with a 6-month ramp: k = 12 in Jan 2027, fully ramped all year: 120,000.
    s = Seller("Ann", "Boston", "existing", Month(2026, 1), ramp_months=6, annual_quota=120_000)
    assert period_quota(s, PERIOD_START) == approx(120_000)


def test_hire_starting_after_the_period_has_no_quota_in_it() -> None:
    s = hire("Late", "Boston", "2028-01", 120_000)
    assert period_quota(s, PERIOD_START) == 0.0
    assert not counts_as_hire_in_period(s, PERIOD_START)
    assert counts_as_hire_in_period(hire("Dec", "Boston", "2027-12", 120_000), PERIOD_START)
    assert not counts_as_hire_in_period(existing("Ann", "Boston", 1), PERIOD_START)


def test_period_follows_the_plan_period_start() -> None:
    # Same Jul 2027 no-ramp hire, but the period is Apr 2027 - Mar 2028: Jul 2027..Mar 2028 = 9 months = 90,000.
    s = hire("Hal", "Boston", "2027-07", 120_000)
    assert period_quota(s, Month(2027, 4)) == approx(90_000)


# --- the reverse funnel --------------------------------------------------------------------------------------


def test_reverse_funnel_step_by_step() -> None:
    # target 1,200,000: deals = 1,200,000 / 50,000 = 24; opportunities = 24 / 0.25 = 96; sqls = 96 / 0.5 = 192;
    # marketing sqls = 192 * 0.5 = 96; mqls = 96 / 0.4 = 240; leads = 240 / 0.25 = 960;
    # spend = 960 * 200 = 192,000; hours = 240 * 0.5 + 2 hires * 40 = 120 + 80 = 200.
    f = reverse_funnel(1_200_000, 2, A)
    assert f.target == 1_200_000
    assert f.deals == approx(24)
    assert f.opportunities == approx(96)
    assert f.sqls == approx(192)
    assert f.marketing_sqls == approx(96)
    assert f.mqls == approx(240)
    assert f.leads == approx(960)
    assert f.required_spend == approx(192_000)
    assert f.required_hours == approx(200)


def test_reverse_funnel_with_default_style_numbers() -> None:
    # target 600,000 with deal 40,000, win 0.2, SQL->opp 0.6, MQL->SQL 0.3, lead->MQL 0.4, share 0.6, $150/lead,
    # 1.5 h/MQL, no hires: deals = 15; opps = 15 / 0.2 = 75; sqls = 75 / 0.6 = 125; msqls = 125 * 0.6 = 75;
    # mqls = 75 / 0.3 = 250; leads = 250 / 0.4 = 625; spend = 625 * 150 = 93,750; hours = 250 * 1.5 = 375.
    a = FunnelAssumptions.from_mapping(
        {
            **HANDSHAKE,
            "avg_deal_size": 40_000,
            "win_rate": 0.2,
            "sql_to_opp": 0.6,
            "mql_to_sql": 0.3,
            "lead_to_mql": 0.4,
            "marketing_share": 0.6,
            "cost_per_lead": 150,
            "hours_per_mql": 1.5,
        }
    )
    f = reverse_funnel(600_000, 0, a)
    assert (f.deals, f.opportunities, f.sqls, f.marketing_sqls) == (approx(15), approx(75), approx(125), approx(75))
    assert (f.mqls, f.leads) == (approx(250), approx(625))
    assert f.required_spend == approx(93_750)
    assert f.required_hours == approx(375)


def test_zero_target_needs_only_onboarding_hours() -> None:
    # target 0 with 1 hire: deals, leads and spend are 0; hours = 0 * 0.5 + 1 * 40 = 40.
    f = reverse_funnel(0, 1, A)
    assert f.leads == 0 and f.required_spend == 0
    assert f.required_hours == approx(40)


def test_marketing_share_zero_means_marketing_sources_nothing() -> None:
    a = FunnelAssumptions.from_mapping({**HANDSHAKE, "marketing_share": 0.0})
    f = reverse_funnel(1_200_000, 0, a)
    assert f.sqls == approx(192)  # the sales pipeline still exists
    assert f.marketing_sqls == 0 and f.leads == 0 and f.required_spend == 0


# --- fund-by month and break-even ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "cycle_days", "expected"),
    [
        ("2027-04", 90, "2027-01"),  # ceil(90/30) = 3 months earlier
        ("2027-04", 91, "2026-12"),  # ceil(91/30) = 4
        ("2027-04", 60, "2027-02"),  # ceil(60/30) = 2
        ("2027-04", 1, "2027-03"),  # ceil(1/30) = 1
        ("2027-04", 0, "2027-04"),  # no cycle: pipeline in the start month itself
        ("2027-02", 180, "2026-08"),  # ceil(180/30) = 6, across the year boundary
    ],
)
def test_fund_by_month(start: str, cycle_days: float, expected: str) -> None:
    assert fund_by_month(Month.parse(start), cycle_days) == Month.parse(expected)


def test_break_even_cpl() -> None:
    # 180,000 budget for 960 leads: 180,000 / 960 = 187.5 per lead.
    assert break_even_cpl(180_000, 960) == approx(187.5)
    assert break_even_cpl(180_000, 0) is None


# --- the funnel inside a scenario evaluation -----------------------------------------------------------------


def test_territory_results_carry_every_funnel_step() -> None:
    # Boston: Ann $1,200,000 (no start month, full year) + Hal hire Jul 2027 ramp 3 on $1,200,000.
    # Hal: Jul 1/3 * 100,000 = 33,333.33; Aug 2/3 -> 66,666.67; Sep..Dec 4 * 100,000 -> period 500,000.
    # target = 1,700,000; deals = 34; opps = 136; sqls = 272; msqls = 136; mqls = 340; leads = 1,360;
    # spend = 1,360 * 200 = 272,000; hours = 340 * 0.5 + 1 hire * 40 = 170 + 40 = 210.
    # own allocation 238,000: gap = 238,000 - 272,000 = -34,000; break-even cpl = 238,000 / 1,360 = 175.
    layer = make_layer()
    scenario = make_scenario(
        territories=[Territory("Boston")],
        sellers=[existing("Ann", "Boston", 1_200_000), hire("Hal", "Boston", "2027-07", 1_200_000, ramp=3)],
        allocations=[territory_alloc("Boston", 238_000, hours=500)],
    )
    r = evaluate(scenario, layer).territory("Boston")
    assert (r.existing_sellers, r.planned_hires) == (1, 1)
    assert r.target == approx(1_700_000)
    assert r.deals == approx(34)
    assert r.opportunities == approx(136)
    assert r.sqls == approx(272)
    assert r.marketing_sqls == approx(136)
    assert r.mqls == approx(340)
    assert r.leads == approx(1_360)
    assert r.required_spend == approx(272_000)
    assert r.required_hours == approx(210)
    assert r.allocated_budget == approx(238_000)
    assert r.allocated_hours == approx(500)
    assert r.gap == approx(-34_000)
    assert r.break_even_cpl == approx(175)
    assert r.funding == "territory"


def test_plan_region_territory_overrides_reach_the_funnel() -> None:
    # Plan: cpl 200. Region East overrides cpl 250 and lead_to_mql 0.5. Territory Boston overrides cpl 300.
    # Each territory has one existing seller at $1,200,000 -> 240 MQLs everywhere (the MQL side is unchanged).
    # Boston (East, own cpl):   leads = 240 / 0.5 = 480;  spend = 480 * 300 = 144,000
    # New York (East):          leads = 240 / 0.5 = 480;  spend = 480 * 250 = 120,000
    # Denver (West, no override): leads = 240 / 0.25 = 960; spend = 960 * 200 = 192,000
    # Austin (no region, own win_rate 0.5): opps = 24 / 0.5 = 48; sqls = 96; msqls = 48; mqls = 120;
    #                           leads = 480; spend = 96,000; hours = 60
    layer = make_layer()
    scenario = make_scenario(
        regions=["East", "West"],
        territories=[
            Territory("Boston", "East"),
            Territory("New York", "East"),
            Territory("Denver", "West"),
            Territory("Austin"),
        ],
        sellers=[existing(n, t, 1_200_000) for n, t in [("A", "Boston"), ("B", "New York"), ("C", "Denver")]]
        + [existing("D", "Austin", 1_200_000)],
    )
    scenario.assumptions.set("region", "East", "cost_per_lead", 250)
    scenario.assumptions.set("region", "East", "lead_to_mql", 0.5)
    scenario.assumptions.set("territory", "Boston", "cost_per_lead", 300)
    scenario.assumptions.set("territory", "Austin", "win_rate", 0.5)
    report = evaluate(scenario, layer)
    assert report.territory("Boston").leads == approx(480)
    assert report.territory("Boston").required_spend == approx(144_000)
    assert report.territory("New York").leads == approx(480)
    assert report.territory("New York").required_spend == approx(120_000)
    assert report.territory("Denver").leads == approx(960)
    assert report.territory("Denver").required_spend == approx(192_000)
    austin = report.territory("Austin")
    assert (austin.opportunities, austin.mqls, austin.leads) == (approx(48), approx(120), approx(480))
    assert austin.required_spend == approx(96_000)
    assert austin.required_hours == approx(60)
    # totals: 144,000 + 120,000 + 192,000 + 96,000 = 552,000
    assert report.totals.required_spend == approx(552_000)


def test_territory_override_on_a_region_override_key_wins_and_removing_it_falls_back() -> None:
    # Region East cpl 250, Boston cpl 300 -> 960 leads * 300 = 288,000; remove Boston's -> 960 * 250 = 240,000;
    # remove East's -> 960 * 200 = 192,000.
    layer = make_layer()
    scenario = make_scenario(
        regions=["East"], territories=[Territory("Boston", "East")], sellers=[existing("A", "Boston", 1_200_000)]
    )
    scenario.assumptions.set("region", "East", "cost_per_lead", 250)
    scenario.assumptions.set("territory", "Boston", "cost_per_lead", 300)
    assert evaluate(scenario, layer).territory("Boston").required_spend == approx(288_000)
    scenario.assumptions.set("territory", "Boston", "cost_per_lead", None)
    assert evaluate(scenario, layer).territory("Boston").required_spend == approx(240_000)
    scenario.assumptions.set("region", "East", "cost_per_lead", None)
    assert evaluate(scenario, layer).territory("Boston").required_spend == approx(192_000)


def test_seller_ramping_across_the_boundary_inside_a_territory() -> None:
    # Ann started Nov 2026, 6-month ramp, $1,200,000: period quota 1,100,000 (see the monthly test, times 10).
    # deals = 22; opps = 88; sqls = 176; msqls = 88; mqls = 220; leads = 880; spend = 176,000; hours = 110.
    layer = make_layer()
    ann = Seller("Ann", "Boston", "existing", Month(2026, 11), ramp_months=6, annual_quota=1_200_000)
    scenario = make_scenario(territories=[Territory("Boston")], sellers=[ann])
    r = evaluate(scenario, layer).territory("Boston")
    assert r.target == approx(1_100_000)
    assert r.leads == approx(880)
    assert r.required_spend == approx(176_000)
    assert r.required_hours == approx(110)
    assert r.planned_hires == 0


def test_onboarding_hours_count_hires_starting_in_the_period_only() -> None:
    # Boston: Ann $1,200,000 (240 mqls -> 120 h) + Hal (Jul 2027, ramp 0, $1,200,000 -> 600,000 -> 120 mqls -> 60 h,
    # + 40 h onboarding) + Late (starts Jan 2028: no quota, no onboarding in this period).
    # hours = 120 + 60 + 40 = 220; target = 1,800,000; spend = 0.16 * 1,800,000 = 288,000.
    layer = make_layer()
    scenario = make_scenario(
        territories=[Territory("Boston")],
        sellers=[
            existing("Ann", "Boston", 1_200_000),
            hire("Hal", "Boston", "2027-07", 1_200_000),
            hire("Late", "Boston", "2028-01", 1_200_000),
        ],
    )
    r = evaluate(scenario, layer).territory("Boston")
    assert r.target == approx(1_800_000)
    assert r.required_spend == approx(288_000)
    assert r.required_hours == approx(220)
    assert r.planned_hires == 2  # both are planned sellers of the territory


def test_seller_without_territory_counts_in_revenue_but_in_no_territory() -> None:
    # Ann $1,200,000 in Boston, Zed $600,000 with no territory: revenue target 1,800,000; Boston needs only
    # Ann's 192,000; total required spend is Boston's alone.
    layer = make_layer()
    scenario = make_scenario(
        territories=[Territory("Boston")],
        sellers=[existing("Ann", "Boston", 1_200_000), existing("Zed", None, 600_000)],
    )
    report = evaluate(scenario, layer)
    assert report.totals.revenue_target == approx(1_800_000)
    assert report.territory("Boston").target == approx(1_200_000)
    assert report.totals.required_spend == approx(192_000)


def test_marginal_requirement_and_fund_by_month_of_each_hire() -> None:
    # Hal: Jul 2027, ramp 3, $1,200,000 -> period 500,000 -> marginal spend 0.16 * 500,000 = 80,000;
    #      fund by Jul - ceil(90/30)=3 -> Apr 2027.
    # Dee: Mar 2027, ramp 0, $600,000 -> Mar..Dec 10 * 50,000 = 500,000; Denver takes region West's cost per
    #      lead 250: leads = 500,000 / 1,250 = 400 -> 400 * 250 = 100,000; West's cycle 120 days -> ceil(120/30)
    #      = 4 -> fund by Mar 2027 - 4 = Nov 2026.
    layer = make_layer()
    scenario = make_scenario(
        regions=["West"],
        territories=[Territory("Boston"), Territory("Denver", "West")],
        sellers=[
            existing("Ann", "Boston", 1_200_000),
            hire("Hal", "Boston", "2027-07", 1_200_000, ramp=3),
            hire("Dee", "Denver", "2027-03", 600_000),
        ],
        allocations=[territory_alloc("Boston", 1e6), region_alloc("West", 1e6)],
    )
    scenario.assumptions.set("region", "West", "cost_per_lead", 250)
    scenario.assumptions.set("region", "West", "sales_cycle_days", 120)
    report = evaluate(scenario, layer)
    hal, dee = report.hire("Hal"), report.hire("Dee")
    assert hal.period_quota == approx(500_000)
    assert hal.marginal_spend == approx(80_000)
    assert hal.fund_by_month == Month(2027, 4)
    assert dee.period_quota == approx(500_000)
    assert dee.marginal_spend == approx(100_000)
    assert dee.fund_by_month == Month(2026, 11)
    # the marginal requirement is the territory's requirement with the hire minus without it:
    # Boston with Hal = 0.16 * 1,700,000 = 272,000; without = 192,000; difference 80,000.
    assert report.territory("Boston").required_spend - 192_000 == approx(hal.marginal_spend)
    # hires are listed in start-month order (Dee Mar before Hal Jul)
    assert [h.seller for h in report.hires] == ["Dee", "Hal"]


def test_hire_without_territory_has_no_marginal_requirement_and_is_unfunded() -> None:
    layer = make_layer()
    scenario = make_scenario(territories=[Territory("Boston")], sellers=[hire("Nomad", None, "2027-04", 600_000)])
    h = evaluate(scenario, layer).hire("Nomad")
    assert h.territory is None
    assert h.marginal_spend == 0.0
    assert h.fund_by_month is None
    assert h.status == "unfunded"
    assert "no territory" in h.reason
    # Nomad's quota still counts: Apr..Dec 9 * 50,000 = 450,000
    assert h.period_quota == approx(450_000)


def test_invalid_rate_is_rejected_when_set_through_a_command() -> None:
    plan = make_plan(scenario=make_scenario(territories=[Territory("Boston")]))
    for value in (0, 1.2):
        with pytest.raises(InvalidAssumption, match=r"sql_to_opp.*write 25 % as 0.25"):
            SetAssumption("baseline", "territory", "Boston", "sql_to_opp", value).apply(plan)
    assert plan.scenario().assumptions.territory_overrides == {}
