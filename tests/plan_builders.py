"""The plans of the test suite, built from plain values, and one strict comparison of two plans.

Small builders for the planning core's unit tests (a layer of a few units, a scenario with the territories, sellers
and allocations a test names, a funnel handshake in round numbers), the richer plans of the persistence tests (a
layer with geometry, every kind of content, ZIP-scale plans), and :func:`assert_plans_equal`. Used by tests/unit,
tests/persistence and tests/readers; also imported by the subprocess of the kill-during-save test, so it depends on
nothing but the app and its libraries (no pytest, no Qt).
"""

from __future__ import annotations

import copy as _copy
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import geopandas
import numpy as np
import pandas as pd
import shapely

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

# --- unit-test builders: plain domain objects, round numbers ---------------------------------------------------

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


def command_plan() -> Plan:
    """A plan touching every kind of content: regions, territories with units, sellers, hires, allocations,
    region and territory overrides, and a second scenario, on a layer without geometry. Used by the command
    round-trip tests (:func:`rich_plan` is the stored-file counterpart, with geometry)."""
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


# --- persistence plans: a layer with geometry, every kind of content, ZIP scale ----------------------------------

#: Unit ids as text, leading zeros and all (FIPS-like and ZIP-like).
UNIT_IDS = ["01001", "01003", "02010", "06037", "0600", "007"]


def squares(n: int, columns: int) -> np.ndarray:
    """``n`` unit squares in a grid ``columns`` wide."""
    positions = np.arange(n)
    x = (positions % columns).astype(float)
    y = (positions // columns).astype(float)
    return shapely.box(x, y, x + 1, y + 1)


def grid_adjacency(n: int, columns: int) -> np.ndarray:
    """Positional pairs of squares sharing an edge (right and upper neighbours)."""
    positions = np.arange(n)
    right = positions[(positions % columns < columns - 1) & (positions + 1 < n)]
    up = positions[positions + columns < n]
    pairs = np.concatenate([np.column_stack([right, right + 1]), np.column_stack([up, up + columns])])
    return pairs.astype(np.int64)


def grid_layer(
    cols: int = 6, rows: int = 5, size: float = 1.0, *, west: float = -101.0, south: float = 37.0,
    population: bool = True,
) -> Layer:  # fmt: skip
    """``cols`` x ``rows`` square lon/lat cells (over Kansas by default); unit ids ``r{row}c{col}``, row 0 in the
    south; with ``population`` each cell holds 1,000 more people than the one before (500 in the first)."""
    cells, ids = [], []
    for row in range(rows):
        for col in range(cols):
            x0, y0 = west + col * size, south + row * size
            cells.append(shapely.box(x0, y0, x0 + size, y0 + size))
            ids.append(f"r{row}c{col}")
    index = pd.Index(ids, name="unit_id")
    columns: dict[str, Any] = {"name": [f"Cell {i}" for i in ids]}
    if population:
        columns["population"] = np.arange(len(ids)) * 1000 + 500
    units = pd.DataFrame(columns, index=index)
    return Layer(name="grid", units=units, geometry=geopandas.GeoSeries(cells, index=index, crs="EPSG:4326"))


def small_layer() -> Layer:
    index = pd.Index(UNIT_IDS, name="fips")
    units = pd.DataFrame(
        {
            "name": ["Autauga", "Baldwin", "Aleutians", "Los Angeles", "Zip 0600", "Zip 007"],
            "population": np.array([58_805, 231_767, 5_000, 10_014_009, 0, 12], dtype=np.int64),
            "potential": [1.5, np.nan, 0.1 + 0.2, 1e300, -0.0, 7.25],
            "state": pd.Series(["AL", "AL", "AK", "CA", None, "PR"], index=index),
            "coastal": [False, True, True, True, False, True],
        },
        index=index,
    )
    geometry = geopandas.GeoSeries(squares(len(index), 3), index=index, crs="EPSG:4326")
    return Layer(
        name="US counties",
        units=units,
        crs="EPSG:4326",
        unit_noun="county",
        geometry=geometry,
        adjacency=grid_adjacency(len(index), 3),
        potential_column="potential",
    )


def rich_plan() -> Plan:
    """Two scenarios with everything a scenario can hold."""
    base = Scenario(BASELINE)
    base.regions = {"East": Region("East"), "West": Region("West")}
    # Deliberately not alphabetical: the territory order must survive.
    base.territories = {
        "South-East": Territory("South-East", "East", "#f28e2b", locked=True),
        "North-East": Territory("North-East", "East", "#4e79a7"),
        "Pacific": Territory("Pacific", "West", "#59a14f"),
        "Unplaced": Territory("Unplaced", None, "#e15759"),
    }
    base.assignment = {"01001": "South-East", "01003": "South-East", "02010": "Pacific", "007": "North-East"}
    base.sellers = {
        "Ana Ruiz": Seller("Ana Ruiz", "South-East", "existing", None, 0, 1_200_000.0, 150_000.0, home="Atlanta, GA"),
        "Ben Okafor": Seller("Ben Okafor", "Pacific", "planned", Month(2027, 4), 3, 900_000.0, 140_000.0),
        "TBD hire": Seller("TBD hire", None, "planned", Month(2027, 10), 6, 750_000.5, 0.0),
    }
    base.allocations = {
        ("region", "East"): Allocation("region", "East", 250_000.0, 1_200.0, locked=True),
        ("territory", "Pacific"): Allocation("territory", "Pacific", 80_000.0, 300.5, Month(2027, 7)),
    }
    assumptions = Assumptions()
    assumptions.set("plan", None, "win_rate", 0.3)
    assumptions.set("plan", None, "marketing_budget", 1_000_000)
    assumptions.set("plan", None, "period_start", Month(2027, 2))
    assumptions.set("plan", None, "currency", "EUR")
    assumptions.set("region", "East", "win_rate", 0.2)
    assumptions.set("region", "East", "cost_per_lead", 180.0)
    assumptions.set("territory", "Pacific", "avg_deal_size", 65_000.0)
    base.assumptions = assumptions

    what_if = base.clone("Hire 3 instead of 5")
    what_if.put_seller("Ben Okafor", replace(base.sellers["Ben Okafor"], start_month=Month(2027, 9), ramp_months=4))
    what_if.set_assignments(("06037", "0600"), "Pacific")
    what_if.set_assumption("territory", "South-East", "win_rate", 0.22)
    what_if.territories = {"Unplaced": what_if.territories["Unplaced"], **what_if.territories}
    return Plan("West expansion 2027", small_layer(), {BASELINE: base, what_if.name: what_if})


def big_plan(n: int, variant: int = 0, name: str = "Big plan") -> Plan:
    """A ZIP-scale plan: ``n`` square units with geometry and adjacency, 50 territories in 5 regions.

    ``variant`` changes the assignment, so two variants differ in 20% of their assignment rows.
    """
    columns = 200
    ids = [f"{i:05d}" for i in range(n)]
    index = pd.Index(ids, name="zip")
    rng = np.random.default_rng(1234)
    units = pd.DataFrame(
        {
            "name": [f"ZIP {u}" for u in ids],
            "population": rng.integers(0, 100_000, n),
            "potential": rng.random(n) * 1e6,
            "state": pd.Series(np.array(["CA", "NV", "OR", "WA", "AZ"])[np.arange(n) % 5], index=index),
        },
        index=index,
    )
    layer = Layer(
        name="ZIP codes",
        units=units,
        crs="EPSG:4326",
        unit_noun="ZIP code",
        geometry=geopandas.GeoSeries(squares(n, columns), index=index, crs="EPSG:4326"),
        adjacency=grid_adjacency(n, columns),
        potential_column="potential",
    )
    scenario = Scenario(BASELINE)
    scenario.regions = {f"Region {r}": Region(f"Region {r}") for r in range(5)}
    scenario.territories = {
        f"T{k:02d}": Territory(f"T{k:02d}", f"Region {k % 5}", "#4e79a7", locked=k % 7 == 0) for k in range(50)
    }
    shift = (np.arange(n) % 5 == 0) * variant
    territory_of = (np.arange(n) // max(1, n // 50) + shift) % 50
    scenario.assignment = {u: f"T{k:02d}" for u, k in zip(ids, territory_of.tolist(), strict=True)}
    scenario.sellers = {
        f"Seller {k}": Seller(f"Seller {k}", f"T{k:02d}", "existing", None, 0, 1_000_000.0 + k, 120_000.0)
        for k in range(50)
    }
    what_if = scenario.clone("What-if")
    return Plan(name, layer, {BASELINE: scenario, "What-if": what_if})


def assert_same_plan(actual: Plan, expected: Plan) -> None:
    """:func:`assert_plans_equal` for a plan edited and put back by commands (undo): the same content, territory and
    region order and layer, but sellers, allocations and assumptions may come back in another order."""
    assert_plans_equal(actual, expected, exact_order=False)


def assert_plans_equal(loaded: Plan, expected: Plan, *, exact_order: bool = True) -> None:
    """Strict equality: every scenario's content and order, and the layer with dtypes, geometry and adjacency.

    Without ``exact_order`` the order of sellers, allocations and assumption values is not compared.
    """
    assert loaded.name == expected.name
    assert list(loaded.scenarios) == list(expected.scenarios)
    for key, scenario in expected.scenarios.items():
        got = loaded.scenarios[key]
        assert got.name == key
        assert got.content_equals(scenario), f"scenario {key} differs"
        assert list(got.territories) == list(scenario.territories)
        assert list(got.regions) == list(scenario.regions)
        if exact_order:
            assert list(got.sellers) == list(scenario.sellers)
            assert list(got.allocations) == list(scenario.allocations)
            assert list(got.assumptions.values) == list(scenario.assumptions.values)
    assert_layers_equal(loaded.layer, expected.layer)


def assert_layers_equal(loaded: Layer, expected: Layer) -> None:
    assert (loaded.name, loaded.crs, loaded.unit_noun, loaded.potential_column) == (
        expected.name,
        expected.crs,
        expected.unit_noun,
        expected.potential_column,
    )
    pd.testing.assert_frame_equal(loaded.units, expected.units, check_exact=True)
    pd.testing.assert_index_equal(loaded.units.index, expected.units.index, exact=True)
    if expected.geometry is None:
        assert loaded.geometry is None
    else:
        assert isinstance(loaded.geometry, geopandas.GeoSeries)
        pd.testing.assert_index_equal(loaded.geometry.index, expected.geometry.index)
        assert loaded.geometry.crs == expected.geometry.crs
        assert shapely.to_wkb(np.asarray(loaded.geometry)).tolist() == (
            shapely.to_wkb(np.asarray(expected.geometry)).tolist()
        )
    if expected.adjacency is None:
        assert loaded.adjacency is None
    else:
        assert loaded.adjacency is not None
        assert loaded.adjacency.dtype == expected.adjacency.dtype
        np.testing.assert_array_equal(loaded.adjacency, expected.adjacency)
