"""Funding confidence (issue 13 §3): the vectorised Monte Carlo against exact probabilities and against the checks
run draw by draw.

Boston (Ann $1,200,000, plan_builders.HANDSHAKE) needs 0.16 × target = $192,000 at a win rate of 25 %; with $240,000 it
is funded while 192,000 × 0.25 / w <= 240,000, i.e. w >= 20 %.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from territory_planner.domain import Scenario, Territory, evaluate
from territory_planner.services.risk import draw_ratios, run_risk, sensitivity
from tests.plan_builders import existing, hire, make_layer, make_scenario, region_alloc, territory_alloc

LAYER = make_layer()
U = list(LAYER.unit_ids)


def triangular_cdf(x: float, a: float, c: float, b: float) -> float:
    if x <= a:
        return 0.0
    if x <= c:
        return (x - a) ** 2 / ((b - a) * (c - a))
    if x < b:
        return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))
    return 1.0


def triangular_quantile(p: float, a: float, c: float, b: float) -> float:
    if p <= (c - a) / (b - a):
        return a + math.sqrt(p * (b - a) * (c - a))
    return b - math.sqrt((1 - p) * (b - a) * (b - c))


def boston(budget: float = 240_000) -> Scenario:
    scenario = make_scenario(
        territories=[Territory("Boston")],
        assignment={U[0]: "Boston"},
        sellers=[existing("Ann", "Boston", 1_200_000)],
        allocations=[territory_alloc("Boston", budget)],
    )
    scenario.assumptions.set("plan", None, "win_rate.low", 0.15)
    scenario.assumptions.set("plan", None, "win_rate.high", 0.35)
    return scenario


def test_one_key_triangular_matches_the_exact_probability() -> None:
    scenario = boston()
    draws = 20_000
    risk = run_risk(scenario, evaluate(scenario, LAYER), draws=draws, seed=1)
    exact = 1.0 - triangular_cdf(0.20, 0.15, 0.25, 0.35)  # 1 - 0.05² / (0.2 × 0.1) = 0.875
    assert exact == pytest.approx(0.875)
    # The share of 20,000 independent draws has a standard error of sqrt(p (1 - p) / n) = 0.0023; four of them
    # (0.0094) leave a false alarm once in ~16,000 seeds.
    tolerance = 4 * math.sqrt(exact * (1 - exact) / draws)
    t = risk.territory("Boston")
    assert abs(t.p_funded - exact) < tolerance
    # Spend = 192,000 × 0.25 / w: its P10 is at the win rate's P90, its P50 at the median (25 %).
    for spend, p in ((t.spend_p10, 0.9), (t.spend_p50, 0.5), (t.spend_p90, 0.1)):
        assert spend == pytest.approx(192_000 * 0.25 / triangular_quantile(p, 0.15, 0.25, 0.35), rel=0.01)


def test_two_keys_multiply_and_the_same_seed_gives_the_same_draws() -> None:
    scenario = boston()
    scenario.assumptions.set("plan", None, "cost_per_lead.high", 300)
    report = evaluate(scenario, LAYER)
    a = run_risk(scenario, report, draws=5_000, seed=7)
    b = run_risk(scenario, report, draws=5_000, seed=7)
    c = run_risk(scenario, report, draws=5_000, seed=8)
    assert a == b
    assert a != c
    ratios = draw_ratios(scenario, 5_000, 7)
    assert set(ratios) == {"win_rate", "cost_per_lead"}
    spend = 192_000 * ratios["cost_per_lead"] / ratios["win_rate"]
    assert a.territory("Boston").p_funded == np.count_nonzero(spend <= 240_000 + 0.005) / 5_000


def _by_draw(scenario: Scenario, draws: int, seed: int) -> tuple[dict[str, float], dict[str, float]]:
    """The checks run once per draw on a copy with every key (plan value and overrides) set to its draw."""
    ratios = draw_ratios(scenario, draws, seed)
    funded: dict[str, int] = {}
    hires: dict[str, int] = {}
    from territory_planner.domain.assumptions import FUNNEL_KEYS

    for d in range(draws):
        copy = scenario.clone("draw")
        a = copy.assumptions
        for key, r in ratios.items():
            bounds = FUNNEL_KEYS[key].bounds
            a.values[key] = scenario.assumptions.values[key] * r[d]
            for table in (a.region_overrides, a.territory_overrides):
                for entry in table.values():
                    if key in entry:
                        entry[key] = min(max(entry[key] * r[d], bounds.low), bounds.high)
        a.ranges = {}
        report = evaluate(copy, LAYER)
        for t in report.territories:
            funded[t.territory] = funded.get(t.territory, 0) + (t.status == "funded")
        for h in report.hires:
            hires[h.seller] = hires.get(h.seller, 0) + (h.status == "funded")
    return {k: v / draws for k, v in funded.items()}, {k: v / draws for k, v in hires.items()}


def rich() -> Scenario:
    """A region pool of two territories, one with overrides (one clipped at a win rate of 100 %), hires in a pool
    and in a territory with no allocation, and a territory of its own."""
    scenario = make_scenario(
        regions=["East"],
        territories=[
            Territory("Boston", "East"),
            Territory("New York", "East"),
            Territory("Austin"),
            Territory("Waco"),
        ],
        assignment={U[0]: "Boston", U[1]: "New York", U[2]: "Austin", U[3]: "Waco"},
        sellers=[
            existing("Ann", "Boston", 1_200_000),
            existing("Bob", "New York", 600_000),
            hire("Cat", "New York", "2027-04", 600_000, ramp=3),
            hire("Dan", "Boston", "2027-02", 400_000),
            existing("Eve", "Austin", 900_000),
            hire("Fay", "Waco", "2027-06", 300_000),
        ],
        allocations=[region_alloc("East", 420_000), territory_alloc("Austin", 150_000)],
    )
    a = scenario.assumptions
    a.set("territory", "New York", "win_rate", 0.8)  # scaled range 0.48 .. 1.12 -> clipped at 1
    a.set("region", "East", "cost_per_lead", 180)
    for key, low, high in (("win_rate", 0.15, 0.35), ("cost_per_lead", 150, 280), ("marketing_share", 0.4, 0.6)):
        a.set("plan", None, f"{key}.low", low)
        a.set("plan", None, f"{key}.high", high)
    return scenario


def test_the_vectorised_shares_equal_the_checks_run_draw_by_draw() -> None:
    scenario = rich()
    risk = run_risk(scenario, evaluate(scenario, LAYER), draws=300, seed=5)
    territories, hires = _by_draw(scenario, 300, 5)
    assert {t.territory: t.p_funded for t in risk.territories} == pytest.approx(territories, abs=1e-12)
    assert {h.seller: h.p_funded for h in risk.hires} == pytest.approx(hires, abs=1e-12)
    assert 0 < risk.territory("Boston").p_funded < 1  # the case is not trivial
    assert risk.hire("Fay").p_funded == 0.0  # Waco has no allocation
    assert risk.hires_funded_80 == sum(1 for p in hires.values() if p >= 0.8)


def test_without_ranges_there_is_nothing_to_sample_and_the_shares_are_the_verdicts() -> None:
    scenario = rich()
    scenario.assumptions.ranges = {}
    report = evaluate(scenario, LAYER)
    assert sensitivity(scenario, report, with_risk=True) == (None, None)
    risk = run_risk(scenario, report, draws=10, seed=1)
    assert risk.keys == ()
    for t in report.territories:
        assert risk.territory(t.territory).p_funded == (1.0 if t.status == "funded" else 0.0)
        assert risk.territory(t.territory).spend_p50 == pytest.approx(t.required_spend)
    for h in report.hires:
        assert risk.hire(h.seller).p_funded == (1.0 if h.status == "funded" else 0.0)


def test_draws_must_be_positive() -> None:
    scenario = boston()
    with pytest.raises(ValueError, match="draws"):
        run_risk(scenario, evaluate(scenario, LAYER), draws=0)
