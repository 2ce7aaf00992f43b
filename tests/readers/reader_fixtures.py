"""Builders shared by the reader tests: small plans with real shapes, the bundled county layer, plan snapshots."""

from __future__ import annotations

import copy
import functools
import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territory_planner.domain import BASELINE, Allocation, Layer, Plan, Region, Scenario, Seller, Territory
from tests.plan_builders import assert_layers_equal


def square_layer(name: str = "Test counties", unit_noun: str = "county") -> Layer:
    """Four units around Boston split at longitude -71.1 and latitude 42 (lon -72..-70, lat 41..43).

    Ids 25001 (south-west), 25003 (south-east), 25005 (north-west), 25007 (north-east). Downtown Boston's ZIP
    02108 (lon -71.068) lies in 25007; Allston 02134 (lon -71.133, lat 42.354) in 25005.
    """
    ids = ["25001", "25003", "25005", "25007"]
    boxes = [
        shapely.box(-72, 41, -71.1, 42),
        shapely.box(-71.1, 41, -70, 42),
        shapely.box(-72, 42, -71.1, 43),
        shapely.box(-71.1, 42, -70, 43),
    ]
    units = pd.DataFrame(
        {"name": ["South West", "South East", "North West", "North East"], "population": [100.0, 200.0, 300.0, 400.0]},
        index=pd.Index(ids, name="unit_id"),
    )
    geometry = gpd.GeoSeries(boxes, index=units.index, crs="EPSG:4326")
    return Layer(name, units, unit_noun=unit_noun, geometry=geometry)


def zip_layer() -> Layer:
    """A ZIP code layer without shapes: units 02134, 02135, 10001 and 98101."""
    ids = ["02134", "02135", "10001", "98101"]
    units = pd.DataFrame({"name": ids}, index=pd.Index(ids, name="unit_id"))
    return Layer("us-zips", units, unit_noun="ZIP code")


def small_plan(layer: Layer | None = None) -> Plan:
    """A plan on :func:`square_layer` with one region, two territories, a seller, an allocation and assignments."""
    layer = layer if layer is not None else square_layer()
    scenario = Scenario(
        BASELINE,
        regions={"East": Region("East")},
        territories={"Boston": Territory("Boston", "East", "#4e79a7"), "Cape": Territory("Cape", None, "#f28e2b")},
        assignment={"25007": "Boston", "25003": "Cape"},
        sellers={"Ann": Seller("Ann", "Boston", "existing", annual_quota=1_000_000.0)},
        allocations={("territory", "Boston"): Allocation("territory", "Boston", 100_000.0)},
    )
    return Plan("Small plan", layer, {BASELINE: scenario})


@functools.cache
def _county_frame() -> gpd.GeoDataFrame:
    from territory_planner.geo.catalogue import load_bundled_layer

    return load_bundled_layer("us-counties")


def county_layer() -> Layer:
    """The bundled US county layer (loaded once per test session, a fresh attribute table per call)."""
    frame = _county_frame()
    units = pd.DataFrame(frame.drop(columns="geometry")).copy()
    return Layer("us-counties", units, unit_noun="county", geometry=frame.geometry)


def snapshot(plan: Plan) -> tuple[Layer, dict[str, Scenario], list[str]]:
    """What must not change when an import fails or is undone: the whole layer (a copy: attributes with their
    dtypes and column order, the potential column, geometry, adjacency) and every scenario's content."""
    layer = copy.copy(plan.layer)  # no __post_init__: the potential column stays as it is
    layer.units = plan.layer.units.copy(deep=True)
    layer.adjacency = None if plan.layer.adjacency is None else plan.layer.adjacency.copy()
    return layer, {k: v.clone(k) for k, v in plan.scenarios.items()}, list(plan.scenarios)


def assert_unchanged(plan: Plan, before: tuple[Layer, dict[str, Scenario], list[str]]) -> None:
    layer, scenarios, order = before
    assert_layers_equal(plan.layer, layer)
    assert list(plan.scenarios) == order
    for name, scenario in scenarios.items():
        assert plan.scenarios[name].content_equals(scenario), f"scenario {name} changed"
        assert list(plan.scenarios[name].territories) == list(scenario.territories)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unit_values(command: object, column: str) -> dict[str, float]:
    """The non-zero values a SetUnitAttributes command sets for one column."""
    columns = dict(command.columns)  # type: ignore[attr-defined]
    return {u: v for u, v in columns[column] if v}


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Accounts") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def rng(seed: int = 7) -> np.random.Generator:
    return np.random.default_rng(seed)
