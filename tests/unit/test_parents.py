"""The parent mapping (domain/parents.py, geo/parents.py): units touched -> every unit of their counties or states."""

from __future__ import annotations

import numpy as np
import pytest

from territory_planner.domain.errors import UnknownName
from territory_planner.domain.parents import UNIT_LEVEL, UnitParents
from territory_planner.geo.catalogue import US_PARENTS
from territory_planner.geo.parents import layer_parents, parent_info, parent_names
from tests.parent_layers import COLS, county_of, zip_grid_layer, zip_id
from tests.plan_builders import make_layer


def _ids(layer, positions) -> set[str]:
    return {str(layer.unit_ids[p]) for p in positions}


def test_a_zip_layer_has_county_and_state_levels_finest_first() -> None:
    parents = layer_parents(zip_grid_layer())
    assert parents.levels == ("county", "state")
    assert bool(parents)


def test_a_layer_without_parent_columns_has_no_levels() -> None:
    parents = layer_parents(make_layer())
    assert parents.levels == ()
    assert not parents
    with pytest.raises(UnknownName, match="no 'county' level"):
        parents.expand([0], "county")


def test_touching_one_zip_takes_every_zip_of_its_county() -> None:
    layer = zip_grid_layer()
    parents = layer_parents(layer)
    touched = layer.positions([zip_id(1, 3)])
    got = _ids(layer, parents.expand(touched, "county"))
    assert got == {zip_id(r, c) for r in (0, 1) for c in (2, 3)}
    assert got == {u for u in layer.unit_ids if layer.units.loc[u, "county_fips"] == county_of(1, 3)}


def test_touching_zips_of_two_counties_takes_both_counties_sorted_and_once() -> None:
    layer = zip_grid_layer()
    parents = layer_parents(layer)
    touched = layer.positions([zip_id(0, 1), zip_id(0, 2), zip_id(0, 1), zip_id(1, 2)])
    got = parents.expand(touched, "county")
    assert list(got) == sorted(set(got.tolist()))
    assert _ids(layer, got) == {zip_id(r, c) for r in (0, 1) for c in range(4)}


def test_state_level_takes_the_whole_state() -> None:
    layer = zip_grid_layer()
    parents = layer_parents(layer)
    got = _ids(layer, parents.expand(layer.positions([zip_id(2, 6)]), "state"))
    assert got == {zip_id(r, c) for r in range(4) for c in range(COLS // 2, COLS)}


def test_a_unit_without_a_parent_stands_for_itself() -> None:
    layer = zip_grid_layer()
    parents = layer_parents(layer)
    last = zip_id(3, COLS - 1)  # its county cell is empty
    assert _ids(layer, parents.expand(layer.positions([last]), "county")) == {last}
    others = {zip_id(3, 6), zip_id(2, 6), zip_id(2, 7)}
    assert _ids(layer, parents.units_of("county", [county_of(3, COLS - 1)])) == others


def test_unit_level_is_the_positions_themselves() -> None:
    parents = layer_parents(zip_grid_layer())
    assert list(parents.expand([5, 3, 5], UNIT_LEVEL)) == [3, 5]


def test_units_of_named_parents_and_an_unknown_code() -> None:
    layer = zip_grid_layer()
    parents = layer_parents(layer)
    assert _ids(layer, parents.units_of("county", [county_of(0, 0), county_of(2, 0)])) == {
        zip_id(r, c) for r in range(4) for c in (0, 1)
    }
    with pytest.raises(UnknownName, match="county 99999"):
        parents.units_of("county", ["99999"])


def test_parents_of_and_sizes() -> None:
    layer = zip_grid_layer()
    parents = layer_parents(layer)
    assert parents.parents_of("state", layer.positions([zip_id(0, 0), zip_id(0, 7)])) == ["20", "29"]
    county = parents.level("county")
    assert int(county.sizes[county.code_of(county_of(0, 0))]) == 4
    assert county.code_of("nope") == -1


def test_breakdown_groups_a_territorys_units_by_county_with_shares() -> None:
    layer = zip_grid_layer()
    parents = layer_parents(layer)
    chosen = layer.positions([zip_id(0, 0), zip_id(0, 1), zip_id(1, 0), zip_id(0, 2)])
    population = layer.units["population"].to_numpy()
    table = parents.breakdown("county", chosen, population)
    assert list(table["parent"]) == [county_of(0, 0), county_of(0, 2)]
    first = table.iloc[0]
    assert (first["units"], first["of_units"]) == (3, 4)
    expected = population[chosen[:3]].sum()
    assert first["value"] == pytest.approx(expected)
    assert table["share"].sum() == pytest.approx(1.0)
    assert first["share"] == pytest.approx(expected / population[chosen].sum())


def test_blank_and_missing_parent_cells_name_no_parent() -> None:
    layer = make_layer(4)
    layer.units["county_fips"] = ["001", None, "", " 001 "]
    parents = UnitParents(layer.units, [p for p in US_PARENTS if p.level == "county"])
    county = parents.level("county")
    assert list(county.ids) == ["001"]
    assert list(county.codes) == [0, -1, -1, 0]


def test_at_zip_scale_expand_matches_a_plain_membership_test() -> None:
    """30,000 units in 3,000 counties: the numpy mapping agrees with pandas isin."""
    rng = np.random.default_rng(1)
    n = 30_000
    layer = make_layer(n, adjacency=None)
    layer.units["county_fips"] = [f"{c:05d}" for c in rng.integers(0, 3000, n)]
    layer.units["state_fips"] = [f"{c:02d}" for c in rng.integers(0, 50, n)]
    parents = layer_parents(layer)
    touched = rng.integers(0, n, 40)
    got = parents.expand(touched, "county")
    counties = set(layer.units["county_fips"].iloc[touched])
    assert set(got.tolist()) == set(np.flatnonzero(layer.units["county_fips"].isin(counties)).tolist())


def test_bundled_county_and_state_names() -> None:
    from territory_planner.geo.catalogue import ParentInfo

    counties = parent_names(ParentInfo("county", "county_fips", "us-counties"))
    assert counties["48453"] == "Travis County, TX"
    states = parent_names(ParentInfo("state", "state_fips", "us-states"))
    assert states["48"] == "Texas"
    assert parent_names(ParentInfo("county", "county_fips", "no-such-layer")) == {}
    assert parent_info(zip_grid_layer(), "state") is not None
    assert parent_info(make_layer(), "state") is None
