"""The market in the funnel (issue 13 §1): market, penetration and the MARKET_TOO_SMALL flag, by hand.

Boston covers units U0 and U1 with Ann on $1,200,000 (full period). The layer's ``potential`` attribute holds
$4,000,000 and $6,000,000 for them, so Boston's market is $10,000,000 and its penetration 1.2M / 10M = 12 %,
above the default cap of 10 %: it needs a market of 1.2M / 0.10 = $12,000,000, $2,000,000 more. Its one neighbour
outside it (the layer is a chain) is U2 with $500,000, so the fix says "add about 4 units" (2M / 500k).
"""

from __future__ import annotations

from typing import Any

import pytest

from territory_planner.domain import Assumptions, Layer, Scenario, Territory, evaluate
from territory_planner.domain.commands import AssignUnits, SetAssumption
from territory_planner.domain.errors import InvalidAssumption
from territory_planner.services.reporting import report_to_dict
from territory_planner.services.session import PlanSession
from tests.plan_builders import existing, flags_of, make_layer, make_plan, make_scenario, territory_alloc

POTENTIAL = [4_000_000.0, 6_000_000.0, 500_000.0, 700_000.0, 0.0, 0.0, 0.0, 0.0]


def market_layer(adjacency: str | None = "chain", column: str = "potential") -> Layer:
    layer = make_layer(adjacency=adjacency)
    layer.set_attribute_values(column, dict(zip(layer.unit_ids, POTENTIAL, strict=True)))
    return layer


LAYER = market_layer()
U = list(LAYER.unit_ids)


def boston(**plan_values: Any) -> Scenario:
    return make_scenario(
        territories=[Territory("Boston")],
        assignment={U[0]: "Boston", U[1]: "Boston"},
        sellers=[existing("Ann", "Boston", 1_200_000)],
        allocations=[territory_alloc("Boston", 500_000)],
        **plan_values,
    )


def test_market_is_the_sum_of_the_units_attribute_and_penetration_is_target_over_market() -> None:
    r = evaluate(boston(), LAYER).territory("Boston")
    assert r.market == pytest.approx(10_000_000.0)
    assert r.penetration == pytest.approx(0.12)
    doc = report_to_dict(evaluate(boston(), LAYER))
    entry = doc["territories"][0]
    assert entry["market"] == 10_000_000.0
    assert entry["penetration"] == 0.12


def test_market_too_small_fires_with_its_numbers_and_the_fix() -> None:
    report = evaluate(boston(), LAYER)
    (flag,) = flags_of(report, "MARKET_TOO_SMALL", "Boston")
    assert flag.severity == "warning"
    n = flag.numbers
    assert n["target"] == pytest.approx(1_200_000)
    assert n["market"] == pytest.approx(10_000_000)
    assert n["penetration"] == pytest.approx(0.12)
    assert n["market_needed"] == pytest.approx(12_000_000)
    assert n["market_missing"] == pytest.approx(2_000_000)
    assert n["market_per_unit"] == pytest.approx(500_000)
    assert n["units_to_add"] == 4
    assert "target of $1.20M is 12.0 % of its market of $10.0M, above the 10 % a territory can take" in flag.message
    assert "needs a market of $12.0M" in flag.message
    assert "Add about 4 units of market ($500k a unit, the mean of its neighbouring units)" in flag.message
    assert "or lower the quota" in flag.message


def test_market_too_small_near_miss_at_exactly_the_cap() -> None:
    report = evaluate(boston(max_penetration=0.12), LAYER)
    assert not flags_of(report, "MARKET_TOO_SMALL")
    report = evaluate(boston(max_penetration=0.1199), LAYER)
    assert flags_of(report, "MARKET_TOO_SMALL", "Boston")


def test_without_adjacency_the_fix_uses_the_units_in_no_territory() -> None:
    layer = market_layer(adjacency=None)
    (flag,) = flags_of(evaluate(boston(), layer), "MARKET_TOO_SMALL")
    # Unassigned U2..U7: (500k + 700k + 0 * 4) / 6 = 200k a unit -> 2M / 200k = 10 units.
    assert flag.numbers["market_per_unit"] == pytest.approx(200_000)
    assert flag.numbers["units_to_add"] == 10
    assert "the mean of the units in no territory" in flag.message


def test_no_market_attribute_means_no_market_no_penetration_and_no_flag() -> None:
    layer = make_layer()  # population only: not revenue potential
    report = evaluate(boston(), layer)
    r = report.territory("Boston")
    assert r.market is None and r.penetration is None
    assert not flags_of(report, "MARKET_TOO_SMALL")
    entry = report_to_dict(report)["territories"][0]
    assert entry["market"] is None and entry["penetration"] is None


def test_market_attribute_names_another_attribute_and_an_unknown_one_gives_no_market() -> None:
    layer = market_layer(column="revenue_potential")
    scenario = boston()
    assert evaluate(scenario, layer).territory("Boston").market is None  # no `potential` column
    scenario.assumptions.set("plan", None, "market_attribute", "revenue_potential")
    assert evaluate(scenario, layer).territory("Boston").market == pytest.approx(10_000_000)
    scenario.assumptions.set("plan", None, "market_attribute", "missing")
    assert evaluate(scenario, layer).territory("Boston").market is None
    scenario.assumptions.set("plan", None, "market_attribute", "  ")
    assert scenario.assumptions.market_attribute is None
    with pytest.raises(InvalidAssumption, match="market attribute"):
        scenario.assumptions.set("plan", None, "market_attribute", "bad\x1bname")


def test_a_target_with_an_empty_market_is_flagged_without_a_penetration() -> None:
    scenario = make_scenario(
        territories=[Territory("Boston")],
        assignment={U[4]: "Boston"},  # no potential
        sellers=[existing("Ann", "Boston", 1_200_000)],
    )
    report = evaluate(scenario, LAYER)
    r = report.territory("Boston")
    assert r.market == 0.0 and r.penetration is None
    (flag,) = flags_of(report, "MARKET_TOO_SMALL")
    assert flag.numbers["market_needed"] == pytest.approx(12_000_000)
    assert "its market is $0" in flag.message


def test_painting_updates_market_penetration_and_the_flag_through_the_incremental_path() -> None:
    scenario = boston()
    plan = make_plan(LAYER, scenario)
    session = PlanSession(plan)
    before = session.report()
    assert flags_of(before, "MARKET_TOO_SMALL", "Boston")
    aggregates = session.aggregates()
    # Paint U2 and U3 in: 10M + 0.5M + 0.7M = 11.2M -> penetration 10.71 %, still short.
    session.apply(AssignUnits.to(scenario.name, [U[2], U[3]], "Boston", "unit"))
    assert session.aggregates() is aggregates  # the same cache, moved by delta, not rebuilt
    r = session.report().territory("Boston")
    assert r.market == pytest.approx(11_200_000)
    assert r.penetration == pytest.approx(1_200_000 / 11_200_000)
    # A smaller quota clears the flag; painting U0 out brings it back with 7.2M of market.
    session.apply(SetAssumption(scenario.name, "plan", None, "max_penetration", 0.11))
    assert not flags_of(session.report(), "MARKET_TOO_SMALL")
    session.apply(AssignUnits.to(scenario.name, [U[0]], None, "unit"))
    r = session.report().territory("Boston")
    assert r.market == pytest.approx(7_200_000)
    assert flags_of(session.report(), "MARKET_TOO_SMALL", "Boston")
    # Same figures as a fresh evaluation from scratch.
    fresh = evaluate(scenario, LAYER).territory("Boston")
    assert fresh.market == pytest.approx(r.market)


def test_changing_the_market_attribute_recounts_the_cached_market() -> None:
    layer = market_layer()
    layer.set_attribute_values("other", {u: 1.0 for u in layer.unit_ids})
    scenario = boston()
    session = PlanSession(make_plan(layer, scenario))
    assert session.report().territory("Boston").market == pytest.approx(10_000_000)
    session.apply(SetAssumption(scenario.name, "plan", None, "market_attribute", "other"))
    assert session.report().territory("Boston").market == pytest.approx(2.0)
    session.apply(SetAssumption(scenario.name, "plan", None, "market_attribute", None))
    assert session.report().territory("Boston").market == pytest.approx(10_000_000)


def test_a_plan_saved_before_max_penetration_existed_gets_the_default() -> None:
    values = dict(Assumptions().values)
    del values["max_penetration"]
    assert Assumptions(values=values).values["max_penetration"] == 0.10
