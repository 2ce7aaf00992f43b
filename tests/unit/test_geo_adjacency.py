"""Unit adjacency: positional neighbour pairs built from shared borders and touching corners."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from territory_planner.geo import load_bundled_layer, unit_adjacency


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_bundled_layer("us-counties")


@pytest.fixture(scope="module")
def county_pairs(counties) -> set[tuple[str, str]]:
    pairs = unit_adjacency(counties.geometry)
    ids = counties.index.to_numpy()
    return {(ids[i], ids[j]) for i, j in pairs}


def neighbours(pairs: set[tuple[str, str]], a: str, b: str) -> bool:
    return (a, b) in pairs or (b, a) in pairs


def test_three_by_three_grid_has_rook_and_corner_neighbours():
    cells = [box(i, j, i + 1, j + 1) for j in range(3) for i in range(3)]  # position = 3 * row + col

    pairs = unit_adjacency(gpd.GeoSeries(cells))

    assert pairs.dtype == np.int32
    assert pairs.shape == (20, 2)  # 12 shared edges + 8 shared corners
    found = {tuple(p) for p in pairs.tolist()}
    assert (0, 1) in found and (0, 3) in found and (0, 4) in found  # edge, edge, corner
    assert (0, 2) not in found and (0, 8) not in found
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert pairs.tolist() == sorted(pairs.tolist())


def test_separate_units_and_empty_input_have_no_pairs():
    assert unit_adjacency(gpd.GeoSeries([box(0, 0, 1, 1), box(5, 5, 6, 6)])).shape == (0, 2)
    assert unit_adjacency(gpd.GeoSeries([], dtype="geometry")).shape == (0, 2)


def test_county_pairs_are_unique_ordered_positions(counties):
    pairs = unit_adjacency(counties.geometry)
    assert pairs.dtype == np.int32 and pairs.ndim == 2 and pairs.shape[1] == 2
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert len(np.unique(pairs, axis=0)) == len(pairs)
    assert pairs.max() < len(counties)
    # Counties have about six neighbours each on average.
    assert 8_000 < len(pairs) < 11_000


def test_known_county_neighbours(county_pairs):
    assert neighbours(county_pairs, "06037", "06059")  # Los Angeles - Orange
    assert neighbours(county_pairs, "06037", "06111")  # Los Angeles - Ventura
    assert neighbours(county_pairs, "36061", "36005")  # Manhattan - the Bronx
    assert neighbours(county_pairs, "11001", "24033")  # DC - Prince George's, MD
    # Four Corners: Apache County AZ and Montezuma County CO touch only at a point.
    assert neighbours(county_pairs, "04001", "08083")


def test_known_county_non_neighbours(county_pairs):
    assert not neighbours(county_pairs, "06037", "06073")  # Los Angeles - San Diego (Orange in between)
    assert not neighbours(county_pairs, "06037", "36061")
    assert not any("15001" in pair for pair in county_pairs)  # Hawaii County is an island
