"""Plans for the persistence tests, and one strict comparison of two plans.

Also imported by the subprocess of the kill-during-save test, so it depends on nothing but the app and its libraries.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas
import numpy as np
import pandas as pd
import shapely

from territory_planner.domain import (
    BASELINE,
    Allocation,
    Assumptions,
    Layer,
    Month,
    Plan,
    Region,
    Scenario,
    Seller,
    Territory,
)

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
        "Ana Ruiz": Seller("Ana Ruiz", "South-East", "existing", None, 0, 1_200_000.0, 150_000.0),
        "Ben Okafor": Seller("Ben Okafor", "Pacific", "planned", Month(2027, 4), 3, 900_000.0, 140_000.0),
        "TBD hire": Seller("TBD hire", None, "planned", Month(2027, 10), 6, 750_000.5, 0.0),
    }
    base.allocations = {
        ("region", "East"): Allocation("region", "East", 250_000.0, 1_200.0),
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


def assert_plans_equal(loaded: Plan, expected: Plan) -> None:
    """Strict equality: every scenario's content and order, and the layer with dtypes, geometry and adjacency."""
    assert loaded.name == expected.name
    assert list(loaded.scenarios) == list(expected.scenarios)
    for key, scenario in expected.scenarios.items():
        got = loaded.scenarios[key]
        assert got.name == key
        assert got.content_equals(scenario), f"scenario {key} differs"
        assert list(got.territories) == list(scenario.territories)
        assert list(got.regions) == list(scenario.regions)
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
