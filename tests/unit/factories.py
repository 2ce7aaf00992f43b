"""Small, explicit builders for unit tests of the planning core (no Qt, no files).

Every builder returns plain domain objects so a test reads as data: a layer of a few units, a scenario with the
territories, sellers and allocations the test names, and a funnel handshake chosen so the hand arithmetic stays in
round numbers.
"""

from __future__ import annotations

import copy as _copy
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from territory_planner.domain import (
    BASELINE,
    Allocation,
    Assumptions,
    Flag,
    Layer,
    Month,
    Plan,
    Region,
    Report,
    Scenario,
    Seller,
    Territory,
)
from tests.persistence.plan_builders import assert_layers_equal

PERIOD_START = Month(2027, 1)

#: A funnel handshake with round numbers. Per 1 of revenue target:
#:   deals = 1/50,000; opportunities = deals / 0.25 = 1/12,500; sqls = opps / 0.5 = 1/6,250;
#:   marketing sqls = sqls * 0.5 = 1/12,500; mqls = msqls / 0.4 = 1/5,000; leads = mqls / 0.25 = 1/1,250
#:   spend = leads * 200 = 0.16; hours = mqls * 0.5 = 0.0001 (+ 40 per planned hire)
#: so a target of 1,200,000 needs 24 deals, 96 opps, 192 sqls, 96 msqls, 240 mqls, 960 leads, $192,000, 120 h.
HANDSHAKE: dict[str, float] = {
    "avg_deal_size": 50_000.0,
    "win_rate": 0.25,
    "sql_to_opp": 0.5,
    "mql_to_sql": 0.4,
    "lead_to_mql": 0.25,
    "marketing_share": 0.5,
    "cost_per_lead": 200.0,
    "hours_per_mql": 0.5,
    "onboarding_hours_per_hire": 40.0,
    "sales_cycle_days": 90.0,
    "at_risk_tolerance": 0.10,
}


def make_layer(
    n: int = 8,
    *,
    populations: Iterable[float] | None = None,
    adjacency: np.ndarray | list[list[int]] | str | None = "chain",
    potential: bool = True,
    unit_noun: str = "unit",
) -> Layer:
    """A layer of ``n`` units; by default a chain ``0-1-2-...-(n-1)`` of neighbours with a population column.

    Unit ids keep leading zeros like FIPS codes (``01001``, ``01003``, ...); populations default to
    100, 200, 300, ... (whole numbers, so incremental sums are exact).
    """
    ids = [f"01{2 * i + 1:03d}" for i in range(n)]
    data: dict[str, object] = {"name": [f"Unit {i}" for i in range(n)]}
    if potential:
        pops = list(populations) if populations is not None else [100 * (i + 1) for i in range(n)]
        data["population"] = pops
    units = pd.DataFrame(data, index=pd.Index(ids, name="unit_id"))
    if isinstance(adjacency, str):
        adj: np.ndarray | None = np.array([[i, i + 1] for i in range(n - 1)], dtype=np.int64).reshape(-1, 2)
    elif adjacency is None:
        adj = None
    else:
        adj = np.asarray(adjacency, dtype=np.int64).reshape(-1, 2)
    return Layer("Test counties", units, adjacency=adj, unit_noun=unit_noun)


def handshake_assumptions(**plan_values: float) -> Assumptions:
    """Assumptions with :data:`HANDSHAKE` and quiet plan settings (big budget and hours, wide spend band)."""
    assumptions = Assumptions()
    assumptions.values.update(HANDSHAKE)
    assumptions.values.update(
        {"marketing_budget": 0.0, "marketing_hours": 1e9, "spend_ratio_min": 0.0, "spend_ratio_max": 1.0}
    )
    assumptions.values.update(plan_values)
    assumptions.period_start = PERIOD_START
    return assumptions


def make_scenario(
    *,
    regions: Iterable[str] = (),
    territories: Iterable[Territory] = (),
    assignment: dict[str, str] | None = None,
    sellers: Iterable[Seller] = (),
    allocations: Iterable[Allocation] = (),
    assumptions: Assumptions | None = None,
    name: str = BASELINE,
    **plan_values: float,
) -> Scenario:
    """A scenario built from plain values (no commands involved)."""
    allocs = list(allocations)
    if assumptions is None:
        # Enough marketing budget for every allocation so OVER_BUDGET stays quiet unless a test asks for it.
        plan_values.setdefault("marketing_budget", sum(a.budget for a in allocs))
        assumptions = handshake_assumptions(**plan_values)
    return Scenario(
        name=name,
        regions={r: Region(r) for r in regions},
        territories={t.name: t for t in territories},
        assignment=dict(assignment or {}),
        sellers={s.name: s for s in sellers},
        allocations={(a.level, a.name): a for a in allocs},
        assumptions=assumptions,
    )


def existing(name: str, territory: str | None, quota: float, **kw: Any) -> Seller:
    """An existing seller; without a start month they are fully ramped for the whole period."""
    return Seller(name, territory, "existing", annual_quota=quota, **kw)


def hire(name: str, territory: str | None, start: str, quota: float, ramp: int = 0, **kw: Any) -> Seller:
    """A planned seller starting in ``start`` (``YYYY-MM``)."""
    return Seller(
        name,
        territory,
        "planned",
        start_month=Month.parse(start),
        ramp_months=ramp,
        annual_quota=quota,
        **kw,
    )


def territory_alloc(name: str, budget: float, hours: float = 0.0, start: str | None = None) -> Allocation:
    return Allocation("territory", name, budget, hours, Month.parse(start) if start else None)


def region_alloc(name: str, budget: float, hours: float = 0.0, start: str | None = None) -> Allocation:
    return Allocation("region", name, budget, hours, Month.parse(start) if start else None)


def flags_of(report: Report, code: str, subject: str | None = None) -> list[Flag]:
    return [f for f in report.flags if f.code == code and (subject is None or f.subject == subject)]


def only_flag(report: Report, code: str, subject: str | None = None) -> Flag:
    found = flags_of(report, code, subject)
    assert len(found) == 1, f"expected one {code} flag for {subject}, got {found}"
    return found[0]


def make_plan(layer: Layer | None = None, scenario: Scenario | None = None) -> Plan:
    layer = layer if layer is not None else make_layer()
    scenario = scenario if scenario is not None else make_scenario()
    return Plan("Test plan", layer, {BASELINE: scenario})


def rich_plan() -> Plan:
    """A plan touching every kind of content: regions, territories with units, sellers, hires, allocations,
    region and territory overrides, and a second scenario. Used by the command round-trip tests."""
    layer = make_layer()
    u = list(layer.unit_ids)
    scenario = make_scenario(
        regions=["East", "West", "North"],
        territories=[
            Territory("Boston", "East", "#4e79a7"),
            Territory("New York", "East", "#f28e2b"),
            Territory("Denver", "West", "#59a14f", locked=True),
            Territory("Austin", None, "#e15759"),
        ],
        assignment={u[0]: "Boston", u[1]: "Boston", u[2]: "New York", u[4]: "Denver", u[5]: "Denver"},
        sellers=[
            existing("Ann", "Boston", 1_200_000),
            existing("Bob", "New York", 600_000),
            hire("Hal", "Boston", "2027-07", 1_200_000, ramp=3),
            hire("Dee", "Denver", "2027-04", 900_000, ramp=6),
            existing("Zed", None, 300_000),
        ],
        allocations=[
            region_alloc("East", 300_000, 500, "2026-11"),
            territory_alloc("Boston", 250_000, 300),
            territory_alloc("Denver", 100_000),
            region_alloc("West", 50_000),
        ],
    )
    scenario.assumptions.set("region", "East", "cost_per_lead", 250.0)
    scenario.assumptions.set("region", "West", "win_rate", 0.2)
    scenario.assumptions.set("territory", "Boston", "lead_to_mql", 0.3)
    scenario.assumptions.set("territory", "Denver", "sales_cycle_days", 120.0)
    plan = make_plan(layer, scenario)
    plan.add_scenario(scenario.clone("Hire 3 instead of 5"))
    return plan


def snapshot(plan: Plan) -> Plan:
    """A copy of the plan for a later :func:`assert_same_plan`: independent scenarios *and* its own copy of the layer
    (``Plan.deepcopy`` shares the layer, so a command that changes the layer would compare equal to itself)."""
    copy = plan.deepcopy()
    layer = _copy.copy(plan.layer)  # no __post_init__: the potential column stays as it is
    layer.units = plan.layer.units.copy(deep=True)
    layer.adjacency = None if plan.layer.adjacency is None else plan.layer.adjacency.copy()
    copy.layer = layer
    return copy


def assert_same_plan(actual: Plan, expected: Plan) -> None:
    """Same scenarios in the same order, each with equal content and the same territory and region order, and the
    same layer (attributes with their dtypes and column order, potential column, geometry and adjacency)."""
    assert_layers_equal(actual.layer, expected.layer)
    assert list(actual.scenarios) == list(expected.scenarios)
    for name, scenario in expected.scenarios.items():
        got = actual.scenarios[name]
        assert got.name == name
        assert got.content_equals(scenario), f"scenario {name} differs"
        assert list(got.territories) == list(scenario.territories), f"territory order of {name} differs"
        assert list(got.regions) == list(scenario.regions), f"region order of {name} differs"
