"""The app's editing path equals a from-scratch recompute: commands through the session keep its aggregates,
funnel and flags equal to a fresh evaluation, and undo restores the report."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from territory_planner.domain import (
    Allocation,
    Layer,
    Plan,
    Seller,
    Territory,
    TerritoryAggregates,
    evaluate,
)
from territory_planner.domain.commands import AddSeller, AssignUnits, CreateTerritory, SetAllocation
from territory_planner.geo.adjacency import unit_adjacency
from territory_planner.services.session import PlanSession

SIDE = 6
NAMES = ("North", "South", "East")


def grid_plan() -> Plan:
    ids = [f"{i:03d}" for i in range(SIDE * SIDE)]
    geometry = gpd.GeoSeries(
        [box(i % SIDE, i // SIDE, i % SIDE + 1, i // SIDE + 1) for i in range(SIDE * SIDE)],
        index=pd.Index(ids, name="unit_id"),
        crs="EPSG:4326",
    )
    units = pd.DataFrame(
        {"name": [f"Cell {u}" for u in ids], "population": np.arange(1, SIDE * SIDE + 1) * 100.0},
        index=geometry.index,
    )
    layer = Layer("grid", units, geometry=geometry, adjacency=unit_adjacency(geometry), unit_noun="cell")
    plan = Plan("grid plan", layer)
    for k, name in enumerate(NAMES):
        CreateTerritory("baseline", Territory(name, None, ["#4e79a7", "#f28e2b", "#59a14f"][k])).apply(plan)
        AddSeller("baseline", Seller(f"Seller {k}", name, "existing", None, 0, 1_000_000.0)).apply(plan)
        SetAllocation("baseline", "territory", name, Allocation("territory", name, 60_000.0 + 10_000 * k)).apply(plan)
    return plan


moves = st.lists(
    st.tuples(
        st.lists(st.integers(0, SIDE * SIDE - 1), min_size=1, max_size=8, unique=True),
        st.sampled_from((*NAMES, None)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moves)
def test_incremental_edits_equal_from_scratch(sequence: list[tuple[list[int], str | None]]) -> None:
    plan = grid_plan()
    session = PlanSession(plan)
    session.report("baseline")  # the cached aggregates exist before the edits, as in the app
    ids = list(plan.layer.unit_ids)
    for positions, territory in sequence:
        session.apply(AssignUnits.to("baseline", [ids[p] for p in positions], territory, "cell"))
        scenario = plan.scenario()
        fresh = TerritoryAggregates(plan.layer, scenario)
        cached = session.aggregates("baseline")
        for name in NAMES:
            assert cached.units(name) == fresh.units(name)
            assert cached.potential(name) == fresh.potential(name)
            assert cached.pieces(name) == fresh.pieces(name)
        assert session.report("baseline") == evaluate(scenario, plan.layer, fresh)


def test_undo_through_the_session_restores_the_report() -> None:
    plan = grid_plan()
    session = PlanSession(plan)
    AssignUnits.to("baseline", [f"{i:03d}" for i in range(12)], "North").apply(plan)
    before_report = session.report("baseline")
    inverse = session.apply(AssignUnits.to("baseline", ["000", "001", "013"], "South"))
    after = session.report("baseline")
    assert after.territory("South").units == 3 and after.territory("North").units == 10
    session.apply(inverse)
    assert session.report("baseline") == before_report
