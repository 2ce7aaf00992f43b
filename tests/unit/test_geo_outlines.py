"""Territory outlines: full coverage dissolve, incremental patching and partial recompute."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from territory_planner.geo import (
    load_bundled_layer,
    patch_outlines,
    recompute_outlines_for,
    territory_outlines,
)


def grid(nx: int, ny: int) -> gpd.GeoSeries:
    """Unit squares with ids 'r<row>c<col>', row-major from the bottom left."""
    cells = {f"r{j}c{i}": box(i, j, i + 1, j + 1) for j in range(ny) for i in range(nx)}
    return gpd.GeoSeries(list(cells.values()), index=pd.Index(list(cells), name="unit_id"), crs="EPSG:4326")


def same_shape(a: shapely.Geometry, b: shapely.Geometry, tolerance: float = 1e-9) -> bool:
    return shapely.symmetric_difference(a, b).area <= tolerance * max(a.area, b.area, 1.0)


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_bundled_layer("us-counties")


def test_outlines_dissolve_each_territory_and_leave_unassigned_units_out():
    cells = grid(4, 2)
    labels = pd.Series(
        {"r0c0": "West", "r0c1": "West", "r1c0": "West", "r0c2": "East", "r0c3": "East", "r1c3": "East"},
        name="territory",
    )

    outlines = territory_outlines(cells, labels)

    assert list(outlines.index) == ["West", "East"]
    assert outlines.index.name == "territory"
    assert outlines.crs == cells.crs
    assert shapely.equals(outlines["West"], shapely.union_all([box(0, 0, 2, 1), box(0, 1, 1, 2)]))
    assert outlines["East"].area == pytest.approx(3.0)
    # r1c1 and r1c2 are unassigned: they belong to no outline.
    assert shapely.union_all(outlines.values).area == pytest.approx(6.0)


def test_outline_of_a_non_contiguous_territory_has_several_pieces():
    cells = grid(3, 1)
    outlines = territory_outlines(cells, pd.Series({"r0c0": "T", "r0c2": "T", "r0c1": "U"}))
    assert outlines["T"].geom_type == "MultiPolygon"
    assert len(shapely.get_parts(outlines["T"])) == 2


def test_labels_for_units_not_in_the_layer_are_refused():
    with pytest.raises(ValueError, match="not in the layer: nowhere"):
        territory_outlines(grid(2, 1), pd.Series({"r0c0": "T", "nowhere": "T"}))


def test_two_neighbouring_counties_dissolve_into_one_piece_of_their_combined_area(counties):
    # Polk and Warren counties, Iowa: one piece each, sharing a border.
    pair = ["19153", "19181"]
    assert shapely.get_num_geometries(np.asarray(counties.geometry[pair].array)).tolist() == [1, 1]
    labels = pd.Series("Des Moines", index=pair)

    outline = territory_outlines(counties.geometry, labels)["Des Moines"]

    assert outline.geom_type == "Polygon"
    assert len(outline.interiors) == 0  # no sliver holes along the shared border
    assert outline.area == pytest.approx(shapely.area(np.asarray(counties.geometry[pair].array)).sum(), rel=1e-12)
    assert same_shape(outline, shapely.union_all(np.asarray(counties.geometry[pair].array)))


def test_state_outlines_from_counties_match_a_general_union(counties):
    labels = counties["state"].where(counties["state"].isin(["CA", "NV", "OR"]))
    outlines = territory_outlines(counties.geometry, labels)
    assert set(outlines.index) == {"CA", "NV", "OR"}
    for state, outline in outlines.items():
        members = np.asarray(counties.geometry[counties["state"] == state].array)
        assert same_shape(outline, shapely.union_all(members))


def test_patch_matches_a_full_recompute_on_a_grid():
    cells = grid(4, 4)
    before = pd.Series(["A"] * 8 + ["B"] * 8, index=cells.index, dtype=object)
    before["r3c3"] = None  # one unassigned unit
    outlines = territory_outlines(cells, before).to_dict()

    moved = ["r1c1", "r2c2", "r3c3"]  # from A, from B, from nowhere
    after = before.copy()
    after[moved] = "C"
    patched = patch_outlines(outlines, cells[moved], list(before[moved]), "C")
    expected = territory_outlines(cells, after)

    assert set(patched) == set(expected.index) == {"A", "B", "C"}
    for label in expected.index:
        assert shapely.equals(patched[label], expected[label]), label
    assert set(outlines) == {"A", "B"}  # the input dict is left alone


def test_patch_matches_a_full_recompute_on_counties(counties):
    labels = counties["state"].where(counties["state"].isin(["CA", "NV", "AZ", "OR"])).astype(object)
    outlines = territory_outlines(counties.geometry, labels).to_dict()
    # Inyo and Mono (CA) go to Nevada, Clark (NV) and Mohave (AZ) too, plus Curry County, Oregon.
    moved = ["06027", "06051", "32003", "04015", "41015"]
    from_labels = [labels[m] for m in moved]

    patched = patch_outlines(outlines, counties.geometry[moved], from_labels, "NV")

    after = labels.copy()
    after[moved] = "NV"
    expected = territory_outlines(counties.geometry, after)
    assert set(patched) == set(expected.index)
    for label in expected.index:
        assert same_shape(patched[label], expected[label]), label


def test_patch_unassigning_all_units_of_a_territory_drops_its_outline():
    cells = grid(2, 1)
    outlines = territory_outlines(cells, pd.Series({"r0c0": "A", "r0c1": "B"})).to_dict()

    patched = patch_outlines(outlines, cells[["r0c1"]], ["B"], None)

    assert set(patched) == {"A"}
    assert shapely.equals(patched["A"], outlines["A"])


def test_patch_ignores_units_already_in_the_target_territory():
    cells = grid(3, 1)
    outlines = territory_outlines(cells, pd.Series({"r0c0": "A", "r0c1": "A"})).to_dict()
    patched = patch_outlines(outlines, cells[["r0c1", "r0c2"]], ["A", None], "A")
    assert shapely.equals(patched["A"], box(0, 0, 3, 1))


def test_patch_needs_one_previous_label_per_moved_unit():
    cells = grid(2, 1)
    with pytest.raises(ValueError, match="2 moved units but 1 previous labels"):
        patch_outlines({}, cells, ["A"], "B")


def test_recompute_outlines_for_only_the_named_territories():
    cells = grid(3, 1)
    labels = pd.Series({"r0c0": "A", "r0c1": "B", "r0c2": "C"})

    result = recompute_outlines_for(cells, labels, ["A", "C", "Empty"])

    assert set(result) == {"A", "C"}  # 'Empty' has no units, so no outline
    assert shapely.equals(result["C"], box(2, 0, 3, 1))
