"""The territory builder (issue 12): balance, contiguity, locks, scope, --from-current, giants, islands, seeds."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from territory_planner.domain import BASELINE, Layer, Plan, PlanError, Scenario, Seller, Territory
from territory_planner.domain.aggregates import count_pieces
from territory_planner.domain.model import Region
from territory_planner.geo.adjacency import unit_adjacency
from territory_planner.geo.partition import Graph, PartitionProblem, partition, pieces_per_label
from territory_planner.services.builder import (
    BuildCancelled,
    BuildOptions,
    BuildResult,
    build_territories,
    parse_balance,
)
from territory_planner.services.progress import Progress
from tests.plan_builders import assert_same_plan


def grid_layer(
    rows: int,
    cols: int,
    *,
    population: np.ndarray | None = None,
    extra_boxes: list[tuple[float, float]] = (),  # type: ignore[assignment]
    seed: int = 1,
) -> Layer:
    """A rows x cols grid of 0.1 degree boxes (ids ``r03c07``), optional far-away single boxes (islands)."""
    cell = 0.1
    boxes, ids = [], []
    for r in range(rows):
        for c in range(cols):
            boxes.append(shapely.box(-100 + c * cell, 40 + r * cell, -100 + (c + 1) * cell, 40 + (r + 1) * cell))
            ids.append(f"r{r:02d}c{c:02d}")
    for i, (x, y) in enumerate(extra_boxes):
        boxes.append(shapely.box(x, y, x + cell, y + cell))
        ids.append(f"island{i}")
    rng = np.random.default_rng(seed)
    pop = population if population is not None else rng.integers(500, 1500, len(ids)).astype(float)
    units = pd.DataFrame(
        {"name": [f"Unit {u}" for u in ids], "population": pop, "accounts": rng.integers(0, 20, len(ids))},
        index=pd.Index(ids, name="unit_id"),
    )
    geometry = gpd.GeoSeries(boxes, index=units.index, crs="EPSG:4326")
    return Layer("Grid", units, geometry=geometry, adjacency=unit_adjacency(geometry), unit_noun="cell")


def apply(plan: Plan, result: BuildResult) -> Plan:
    result.command.apply(plan)
    return plan


def pieces_of(plan: Plan, scenario: str, territory: str) -> int:
    layer = plan.layer
    units = plan.scenario(scenario).units_of(territory)
    assert layer.adjacency is not None
    return count_pieces(layer.positions(units), layer.adjacency, len(layer))


def test_grid_build_is_balanced_contiguous_complete_and_leaves_the_source_alone() -> None:
    plan = Plan("Grid plan", grid_layer(16, 16))
    before = plan.deepcopy()
    result = build_territories(plan, BuildOptions(into="Six", territories=6))
    assert len(plan.scenarios) == 1  # nothing is applied by the service
    apply(plan, result)
    built = plan.scenario("Six")
    assert len(built.territories) == 6
    assert set(built.assignment) == set(plan.layer.unit_ids)  # every unit of scope assigned
    assert all(pieces_of(plan, "Six", t) == 1 for t in built.territories)
    pop = plan.layer.units["population"]
    totals = np.array([pop[built.units_of(t)].sum() for t in built.territories])
    assert np.abs(totals / totals.mean() - 1).max() <= 0.05
    assert result.max_deviation <= 0.05
    assert [t.pieces for t in result.territories] == [1] * 6
    assert all(t.polsby_popper is not None and 0 < t.polsby_popper <= 1 for t in result.territories)
    # the report's figures are the scenario's
    for row in result.territories:
        assert row.units == len(built.units_of(row.territory))
        assert row.balance["population"] == pytest.approx(pop[built.units_of(row.territory)].sum())
    assert plan.scenario(BASELINE).content_equals(before.scenario(BASELINE))
    # names are readable and colours distinct
    assert sorted(built.territories) == [f"Territory {i}" for i in range(1, 7)]
    assert len({t.color for t in built.territories.values()}) == 6


def test_build_is_one_command_whose_inverse_restores_the_plan() -> None:
    plan = Plan("Grid plan", grid_layer(10, 10))
    before = plan.deepcopy()
    inverse = build_territories(plan, BuildOptions(into="Four", territories=4)).command.apply(plan)
    assert "Four" in plan.scenarios
    inverse.apply(plan)
    assert_same_plan(plan, before)


def region_plan() -> Plan:
    """A 12 x 12 grid: West (columns 0-5: Locked in rows 0-5, A rows 6-8, B rows 9-11), East (columns 6-9: D),
    columns 10-11 unassigned; sellers in A and B."""
    layer = grid_layer(12, 12)
    assignment: dict[str, str] = {}
    for r in range(12):
        for c in range(12):
            unit = f"r{r:02d}c{c:02d}"
            if c < 6:
                assignment[unit] = "Locked" if r < 6 else ("A" if r < 9 else "B")
            elif c < 10:
                assignment[unit] = "D"
    scenario = Scenario(
        BASELINE,
        regions={"West": Region("West"), "East": Region("East")},
        territories={
            "Locked": Territory("Locked", "West", "#4e79a7", locked=True),
            "A": Territory("A", "West", "#f28e2b"),
            "B": Territory("B", "West", "#59a14f"),
            "D": Territory("D", "East", "#e15759"),
        },
        assignment=assignment,
        sellers={
            "Ann": Seller("Ann", "A", annual_quota=1_000_000),
            "Bo": Seller("Bo", "B", annual_quota=900_000),
            "Hal": Seller("Hal", "B", "planned", annual_quota=800_000),
        },
    )
    return Plan("Regions", layer, {BASELINE: scenario})


def test_region_build_keeps_locked_and_out_of_scope_units_exactly() -> None:
    plan = region_plan()
    source = plan.scenario()
    result = build_territories(plan, BuildOptions(into="West x3", territories=3, region="West"))
    apply(plan, result)
    built = plan.scenario("West x3")
    scope = {u for u, t in source.assignment.items() if t in ("A", "B")}
    for unit in plan.layer.unit_ids:
        if unit not in scope:
            assert built.assignment.get(unit) == source.assignment.get(unit), unit
    assert built.territories["Locked"] == source.territories["Locked"]
    assert built.territories["D"] == source.territories["D"]
    new = {built.assignment[u] for u in scope}
    assert len(new) == 3 and not new & {"Locked", "D"}
    assert all(built.territories[t].region == "West" for t in new)
    assert all(pieces_of(plan, "West x3", t) == 1 for t in new)
    # the old names stay on the built territories that overlap them most; the third one is "West 1"
    assert new == {"A", "B", "West 1"}
    assert result.unassigned_units == 24  # columns 10-11 were unassigned and are out of scope
    assert {s.name: s.territory for s in built.sellers.values()} == {"Ann": "A", "Bo": "B", "Hal": "B"}


def test_whole_layer_build_assigns_unassigned_units_but_not_locked_ones() -> None:
    plan = region_plan()
    apply(plan, build_territories(plan, BuildOptions(into="All", territories=4)))
    built, source = plan.scenario("All"), plan.scenario()
    assert set(built.assignment) == set(plan.layer.unit_ids)
    assert set(built.units_of("Locked")) == set(source.units_of("Locked"))
    assert len([t for t in built.territories if t != "Locked"]) == 4


def quadrant_plan(rows: int = 12, cols: int = 12, weights: np.ndarray | None = None) -> Plan:
    layer = grid_layer(rows, cols, population=weights if weights is not None else np.full(rows * cols, 100.0))
    assignment = {
        f"r{r:02d}c{c:02d}": ("North" if r < rows // 2 else "South") + ("west" if c < cols // 2 else "east")
        for r in range(rows)
        for c in range(cols)
    }
    territories = {name: Territory(name) for name in dict.fromkeys(assignment.values())}
    return Plan("Quadrants", layer, {BASELINE: Scenario(BASELINE, territories=territories, assignment=assignment)})


def test_from_current_on_a_balanced_plan_moves_nothing() -> None:
    plan = quadrant_plan()
    result = build_territories(plan, BuildOptions(into="Again", from_current=True))
    assert [t.moved_units for t in result.territories] == [0, 0, 0, 0]
    apply(plan, result)
    assert plan.scenario("Again").assignment == plan.scenario().assignment
    assert list(plan.scenario("Again").territories) == list(plan.scenario().territories)


def test_from_current_moves_few_units_to_reach_the_tolerance() -> None:
    weights = np.full(144, 100.0)
    weights[:6] = 400.0  # the first six cells of the bottom row, all in Northwest, are heavy
    plan = quadrant_plan(weights=weights)
    result = build_territories(plan, BuildOptions(into="Rebalanced", from_current=True, tolerance=0.05))
    apply(plan, result)
    assert result.max_deviation <= 0.05
    moved = sum(t.moved_units for t in result.territories)
    fresh = build_territories(plan, BuildOptions(into="Fresh", territories=4))
    assert 0 < moved < sum(t.moved_units for t in fresh.territories)
    assert moved < 40  # Northwest is 18 cells over: about that many move, not a redraw
    built = plan.scenario("Rebalanced")
    assert all(pieces_of(plan, "Rebalanced", t) == 1 for t in built.territories)
    assert set(built.territories) == set(plan.scenario().territories)
    assert any("moved" in note for note in result.notes)


def test_a_unit_heavier_than_the_target_is_reported_and_the_rest_balanced() -> None:
    weights = np.full(100, 100.0)
    weights[55] = 50_000.0  # r05c05: more than the whole rest of the layer
    plan = Plan("Giant", grid_layer(10, 10, population=weights))
    result = build_territories(plan, BuildOptions(into="Five", territories=5))
    apply(plan, result)
    built = plan.scenario("Five")
    giant_territory = built.assignment["r05c05"]
    assert built.units_of(giant_territory) == ["r05c05"]
    assert any("Unit r05c05" in note and "cannot be balanced" in note for note in result.notes)
    others = [t for t in result.territories if t.territory != giant_territory]
    assert max(abs(t.deviation) for t in others) <= 0.05
    assert result.max_deviation > 1  # the giant's territory is far over the mean and the figure says so
    assert all(t.pieces == 1 for t in result.territories)


def test_islands_join_the_nearest_territory_and_are_reported() -> None:
    layer = grid_layer(8, 8, extra_boxes=[(-98.5, 40.3)])  # east of the grid, touching nothing
    plan = Plan("Islands", layer)
    result = build_territories(plan, BuildOptions(into="Two", territories=2))
    apply(plan, result)
    built = plan.scenario("Two")
    island_territory = built.assignment["island0"]
    east_cell = built.assignment["r03c07"]
    assert island_territory == east_cell  # nearest: the eastern edge of the grid
    assert any("Islands" in note and "Unit island0" in note and island_territory in note for note in result.notes)
    row = next(t for t in result.territories if t.territory == island_territory)
    assert row.pieces == 2


def test_seller_home_units_end_in_their_sellers_territories() -> None:
    plan = region_plan()
    homes = {"Ann": "r06c00", "Bo": "r11c05", "Hal": "r09c00"}
    result = build_territories(plan, BuildOptions(into="Homes", region="West", seeds="sellers", homes=homes))
    apply(plan, result)
    built = plan.scenario("Homes")
    territory_of = {s.name: s.territory for s in built.sellers.values()}
    assert len({territory_of[n] for n in homes}) == 3
    for seller, unit in homes.items():
        assert built.assignment[unit] == territory_of[seller]
    # Ann was A's only seller: she keeps A; B had two sellers: each gets a territory named after them
    assert territory_of["Ann"] == "A"
    assert {territory_of["Bo"], territory_of["Hal"]} == {"B", "Hal"} or {territory_of["Bo"], territory_of["Hal"]} == {
        "Bo",
        "Hal",
    }
    assert all(pieces_of(plan, "Homes", territory_of[n]) == 1 for n in homes)


def test_seeds_without_home_bases_fall_back_and_say_so() -> None:
    plan = region_plan()
    result = build_territories(plan, BuildOptions(into="Seeded", region="West", seeds="sellers"))
    assert len(result.territories) == 3
    assert any("home base" in note for note in result.notes)


def test_bad_options_raise_plan_errors_naming_the_problem() -> None:
    plan = region_plan()
    with pytest.raises(PlanError, match="no attribute 'revenue'"):
        build_territories(plan, BuildOptions(into="X", territories=2, balance=(("revenue", 1.0),)))
    with pytest.raises(PlanError, match="already a scenario named 'baseline'"):
        build_territories(plan, BuildOptions(into="baseline", territories=2))
    with pytest.raises(PlanError, match="only 108 units in scope"):
        build_territories(plan, BuildOptions(into="X", territories=500))
    with pytest.raises(PlanError, match="--territories"):
        build_territories(plan, BuildOptions(into="X"))
    with pytest.raises(PlanError, match="no region named 'North'"):
        build_territories(plan, BuildOptions(into="X", territories=2, region="North"))
    with pytest.raises(PlanError, match="tolerance"):
        build_territories(plan, BuildOptions(into="X", territories=2, tolerance=1.5))
    assert list(plan.scenarios) == [BASELINE]


def test_composite_balance_uses_every_attribute() -> None:
    plan = Plan("Grid plan", grid_layer(12, 12))
    result = build_territories(
        plan, BuildOptions(into="Mix", territories=3, balance=parse_balance(["population=2", "accounts"]))
    )
    assert set(result.territories[0].balance) == {"population", "accounts"}
    assert result.max_deviation <= 0.05


def test_parse_balance() -> None:
    assert parse_balance(["population", "accounts=2.5"]) == (("population", 1.0), ("accounts", 2.5))
    with pytest.raises(PlanError, match="not a number"):
        parse_balance(["population=lots"])
    with pytest.raises(PlanError, match="positive"):
        parse_balance(["population=0"])


def _cancelled() -> Progress:
    progress = Progress()
    progress.cancel()
    return progress


def test_cancel_stops_the_build_and_changes_nothing() -> None:
    plan = Plan("Grid plan", grid_layer(10, 10))
    with pytest.raises(BuildCancelled):
        build_territories(plan, BuildOptions(into="X", territories=3), progress=_cancelled())
    assert list(plan.scenarios) == [BASELINE]


def test_engine_keeps_every_part_connected_on_an_irregular_graph() -> None:
    """A grid with holes (a lake) and a thin corridor: the refinement never splits a territory."""
    rows = cols = 20
    keep = [(r, c) for r in range(rows) for c in range(cols) if not (5 <= r < 15 and 5 <= c < 15 and c != 10)]
    index = {rc: i for i, rc in enumerate(keep)}
    pairs = [
        (index[(r, c)], index[(r + dr, c + dc)])
        for (r, c) in keep
        for dr, dc in ((0, 1), (1, 0))
        if (r + dr, c + dc) in index
    ]
    graph = Graph.from_pairs(len(keep), np.array(pairs))
    rng = np.random.default_rng(4)
    weights = rng.gamma(2.0, 50.0, len(keep))
    points = np.array(keep, dtype=float)[:, ::-1] * 1000
    result = partition(PartitionProblem(graph, weights, points, 7, 0.05, seconds=3))
    assert pieces_per_label(graph, result.labels, 7).tolist() == [1] * 7
    totals = np.bincount(result.labels, weights=weights, minlength=7)
    assert np.abs(totals / totals.mean() - 1).max() <= 0.05


@pytest.fixture(scope="module")
def county_plan() -> Plan:
    from territory_planner.services.demo import build_demo_plan

    return build_demo_plan()


def test_county_build_is_balanced_and_contiguous_on_the_demo_plan(county_plan: Plan) -> None:
    plan = county_plan.deepcopy()
    result = build_territories(plan, BuildOptions(into="Twelve", territories=12, tolerance=0.05))
    assert result.max_deviation <= 0.05
    apply(plan, result)
    built = plan.scenario("Twelve")
    assert set(built.assignment) == set(plan.layer.unit_ids)
    # territories in several pieces are exactly those that took islands, and the notes say which
    islands_note = next(n for n in result.notes if n.startswith("Islands"))
    for row in result.territories:
        assert row.pieces == pieces_of(plan, "Twelve", row.territory)
        if row.pieces > 1:
            assert f"{row.territory} took" in islands_note
    mainland = [r for r in result.territories if f"{r.territory} took" not in islands_note]
    assert mainland and all(r.pieces == 1 for r in mainland)


def test_county_region_rebuild_from_current_moves_little(county_plan: Plan) -> None:
    plan = county_plan.deepcopy()
    result = build_territories(plan, BuildOptions(into="Central", region="Central", from_current=True))
    apply(plan, result)
    source, built = plan.scenario(), plan.scenario("Central")
    outside = [u for u, t in source.assignment.items() if source.territories[t].region != "Central"]
    assert all(built.assignment.get(u) == source.assignment[u] for u in outside)
    assert [r.territory for r in result.territories] == [t.name for t in source.territories_of("Central")]
    assert result.max_deviation <= 0.05 or any("outside" in n for n in result.notes)


def test_engine_never_moves_a_unit_that_holds_its_territory_together() -> None:
    """Territory 0 is a hub with five leaves; territory 1 touches only the hub. Moving the hub would balance the
    weights but leave five separate leaves, so it must stay."""
    pairs = [(0, leaf) for leaf in range(1, 6)] + [(0, 6), (6, 7), (7, 8)]
    graph = Graph.from_pairs(9, np.array(pairs))
    weights = np.ones(9)
    points = np.array([[0, 0], [-1, 1], [-1, 0], [-1, -1], [0, 1], [0, -1], [1, 0], [2, 0], [3, 0]], dtype=float)
    initial = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1])
    result = partition(PartitionProblem(graph, weights, points, 2, 0.05, initial=initial, seconds=2))
    assert result.labels[0] == 0
    assert pieces_per_label(graph, result.labels, 2).tolist() == [1, 1]


def test_a_balance_the_geography_cannot_reach_is_reported_in_plain_plurals() -> None:
    """Three unequal counties in a row cannot make two equal halves: the note says so, in the layer's plural."""
    layer = grid_layer(3, 1)
    layer.unit_noun = "county"
    layer.units["population"] = [1_000, 2_000, 1_500]  # halves of 2,250: 3,000 / 1,500 at best
    plan = Plan("Uneven", layer)
    result = build_territories(plan, BuildOptions(into="Two", territories=2, tolerance=0.05))
    note = next(n for n in result.notes if "outside ±5%" in n)
    assert "whole contiguous counties" in note and "countys" not in note
    assert result.max_deviation > 0.05


def test_sellers_own_home_bases_seed_the_build_and_stay_in_their_territories() -> None:
    """Home bases written on the sellers ("lat,lon", placed by services/homes.py) do what ``homes=`` does."""
    plan = region_plan()
    s = plan.scenario()
    wanted = {"Ann": "r06c00", "Bo": "r11c05", "Hal": "r09c00"}
    geometry = plan.layer.geometry
    assert geometry is not None
    for name, unit in wanted.items():
        centre = geometry[unit].centroid
        s.sellers[name] = replace(s.sellers[name], home=f"{centre.y:.5f},{centre.x:.5f}")
    result = build_territories(plan, BuildOptions(into="Homes", region="West", seeds="sellers"))
    apply(plan, result)
    built = plan.scenario("Homes")
    for name, unit in wanted.items():
        assert built.assignment[unit] == built.sellers[name].territory
    assert not any("home base" in note for note in result.notes)
