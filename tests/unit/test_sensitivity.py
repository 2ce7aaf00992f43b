"""Flip points (issue 13 §3), by hand, including null, and ranges of the assumptions.

Handshake (plan_builders.HANDSHAKE): required spend = 0.16 × target, so Ann on $1,200,000 needs $192,000 and Bob on
$600,000 needs $96,000. Spend is proportional to cost_per_lead and marketing_share and inversely proportional to
the five others: with an allocation B and a spend S, a key at value v flips at v × S / B (inverse keys) or
v × B / S (proportional keys).
"""

from __future__ import annotations

import pytest

from territory_planner.domain import Scenario, Territory, evaluate
from territory_planner.domain.assumptions import RANGE_KEYS, Assumptions
from territory_planner.domain.errors import InvalidAssumption, PlanError
from territory_planner.domain.sensitivity import FLIP_KEYS, flip_points
from tests.plan_builders import existing, make_layer, make_scenario, region_alloc, territory_alloc

LAYER = make_layer()
U = list(LAYER.unit_ids)


def boston(budget: float | None, hours: float = 0.0, quota: float = 1_200_000) -> Scenario:
    return make_scenario(
        territories=[Territory("Boston")],
        assignment={U[0]: "Boston"},
        sellers=[existing("Ann", "Boston", quota)] if quota else [],
        allocations=[] if budget is None else [territory_alloc("Boston", budget, hours)],
    )


def flips(scenario: Scenario) -> dict[str, dict[str, float | None]]:
    return {name: f.flips for name, f in flip_points(scenario, evaluate(scenario, LAYER)).items()}


def test_every_flip_point_of_a_funded_territory_by_hand() -> None:
    # S = 192,000 against B = 240,000: S / B = 0.8, B / S = 1.25.
    f = flips(boston(240_000))["Boston"]
    assert f["avg_deal_size"] == pytest.approx(40_000)
    assert f["win_rate"] == pytest.approx(0.20)
    assert f["sql_to_opp"] == pytest.approx(0.40)
    assert f["mql_to_sql"] == pytest.approx(0.32)
    assert f["lead_to_mql"] == pytest.approx(0.20)
    assert f["marketing_share"] == pytest.approx(0.625)
    assert f["cost_per_lead"] == pytest.approx(250)
    assert f["hours_per_mql"] is None  # the allocation gives no hours: hours are not judged against it
    assert list(f) == list(FLIP_KEYS)


def test_rates_that_would_have_to_exceed_100_percent_have_no_flip_point() -> None:
    # S / B = 192,000 / 40,000 = 4.8: the rates would have to reach 1.2, 2.4, 1.92 and 1.2.
    f = flips(boston(40_000))["Boston"]
    assert f["win_rate"] is None
    assert f["sql_to_opp"] is None
    assert f["mql_to_sql"] is None
    assert f["lead_to_mql"] is None
    assert f["avg_deal_size"] == pytest.approx(240_000)
    assert f["marketing_share"] == pytest.approx(0.5 / 4.8)
    assert f["cost_per_lead"] == pytest.approx(200 / 4.8)


def test_hours_per_mql_flips_the_hours() -> None:
    # 240 MQLs × 0.5 h = 120 h needed of 150 h given: flips at 150 / 240 = 0.625 h.
    f = flips(boston(240_000, hours=150))["Boston"]
    assert f["hours_per_mql"] == pytest.approx(0.625)


def test_no_allocation_or_no_target_has_no_flip_point() -> None:
    assert set(flips(boston(None))["Boston"].values()) == {None}
    assert set(flips(boston(240_000, quota=0))["Boston"].values()) == {None}


def test_a_region_pool_is_judged_together_changing_the_key_in_one_territory_only() -> None:
    scenario = make_scenario(
        regions=["East"],
        territories=[Territory("Boston", "East"), Territory("New York", "East")],
        assignment={U[0]: "Boston", U[1]: "New York"},
        sellers=[existing("Ann", "Boston", 1_200_000), existing("Bob", "New York", 600_000)],
        allocations=[region_alloc("East", 320_000)],
    )
    f = flips(scenario)
    # Boston: room = 320k - 96k = 224k -> 0.25 × 192 / 224; New York: room = 320k - 192k = 128k -> 0.25 × 96 / 128.
    assert f["Boston"]["win_rate"] == pytest.approx(0.25 * 192 / 224)
    assert f["New York"]["win_rate"] == pytest.approx(0.1875)
    assert f["New York"]["cost_per_lead"] == pytest.approx(200 * 128 / 96)
    # A pool the other member already overspends: nothing in Boston can fund it.
    scenario.allocations[("region", "East")] = region_alloc("East", 90_000)
    assert set(flips(scenario)["Boston"].values()) == {None}


@pytest.mark.parametrize("budget", [240_000, 150_000, 100_000])
def test_at_each_flip_point_the_requirement_equals_the_allocation(budget: float) -> None:
    scenario = boston(budget)
    for key, value in flips(scenario)["Boston"].items():
        if value is None:
            continue
        moved = scenario.clone("moved")
        moved.assumptions.territory_overrides["Boston"] = {key: value}
        r = evaluate(moved, LAYER).territory("Boston")
        assert r.required_spend == pytest.approx(budget, rel=1e-9), key


def test_sentences_say_which_way_the_verdict_flips() -> None:
    scenario = boston(240_000)
    f = flip_points(scenario, evaluate(scenario, LAYER))["Boston"]
    assert f.sentence("win_rate") == "stays funded unless win rate falls below 20 %"
    assert f.sentence("cost_per_lead") == "stays funded unless cost per lead rises above $250"
    assert f.nearest() in ("avg_deal_size", "win_rate", "sql_to_opp", "mql_to_sql", "lead_to_mql")
    short = boston(40_000)
    g = flip_points(short, evaluate(short, LAYER))["Boston"]
    assert g.sentence("cost_per_lead") == "would be funded if cost per lead fell below $41.67"
    assert g.sentence("win_rate") is None


# --- ranges -------------------------------------------------------------------------------------------------


def test_a_range_is_set_for_the_plan_and_scales_to_overrides() -> None:
    a = Assumptions()
    a.set("plan", None, "win_rate", 0.25)
    a.set("plan", None, "win_rate.low", 0.15)
    a.set("plan", None, "win_rate.high", 0.35)
    assert a.plan_range("win_rate") == (0.15, 0.35)
    assert a.get("plan", None, "win_rate.low") == 0.15
    # An override of 0.5 gets 0.5 × 0.15 / 0.25 and 0.5 × 0.35 / 0.25.
    assert a.scaled_range("win_rate", 0.5) == pytest.approx((0.3, 0.7))
    # Kept inside the bounds: 0.8 × 1.4 = 1.12 becomes 1.
    assert a.scaled_range("win_rate", 0.8) == pytest.approx((0.48, 1.0))
    # Only one end: the other is the value.
    a.set("plan", None, "cost_per_lead.high", 260)
    assert a.plan_range("cost_per_lead") == (200, 260)
    a.set("plan", None, "cost_per_lead.high", None)
    assert a.plan_range("cost_per_lead") is None
    assert a.has_ranges


def test_a_range_on_the_wrong_side_of_its_value_or_out_of_bounds_is_refused() -> None:
    a = Assumptions()
    a.set("plan", None, "win_rate", 0.25)
    with pytest.raises(InvalidAssumption, match="low end 30 % is above the value 25 %"):
        a.set("plan", None, "win_rate.low", 0.3)
    with pytest.raises(InvalidAssumption, match="high end"):
        a.set("plan", None, "win_rate.high", 0.2)
    with pytest.raises(InvalidAssumption, match="Allowed"):
        a.set("plan", None, "win_rate.high", 1.5)
    a.set("plan", None, "win_rate.low", 0.2)
    with pytest.raises(InvalidAssumption, match="low end"):
        a.set("plan", None, "win_rate", 0.19)  # the value cannot leave its range
    with pytest.raises(PlanError, match="whole plan only"):
        a.set("region", "East", "win_rate.low", 0.2)
    a.set("plan", None, "marketing_share", 0.0)
    with pytest.raises(InvalidAssumption, match="needs a value above 0"):
        a.set("plan", None, "marketing_share.high", 0.5)
    assert a.plan_range("marketing_share") is None
    assert a.ranges == {"win_rate": {"low": 0.2}}


def test_every_range_key_is_a_funnel_key_with_a_flip_point() -> None:
    assert set(RANGE_KEYS) == set(FLIP_KEYS)
