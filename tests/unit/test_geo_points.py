"""Placing longitude/latitude points (accounts) into units, and coverage simplification for display."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from territory_planner.geo import load_bundled_layer, place_points, simplified_for_display


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_bundled_layer("us-counties")


def two_squares() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["West", "East"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")


def test_points_land_in_the_county_that_contains_them(counties):
    lon = [-118.2437, -73.9712, -87.6298, -157.8583, -66.1057]
    lat = [34.0522, 40.7831, 41.8781, 21.3069, 18.4655]

    placed = place_points(lon, lat, counties)

    assert placed.dtype == np.int64
    assert list(counties.index[placed]) == ["06037", "36061", "17031", "15003", "72127"]


def test_points_outside_every_unit_or_without_coordinates_get_minus_one(counties):
    placed = place_points([-40.0, np.nan, -100.0], [30.0, 40.0, np.nan], counties)
    assert placed.tolist() == [-1, -1, -1]


def test_point_on_a_shared_border_goes_to_the_first_unit():
    assert place_points([1.0, 0.5, 1.5], [0.5, 0.5, 0.5], two_squares()).tolist() == [0, 0, 1]


def test_nearest_within_places_points_just_off_the_coast():
    units = two_squares()
    assert place_points([2.01], [0.5], units).tolist() == [-1]
    assert place_points([2.01], [0.5], units, nearest_within=0.05).tolist() == [1]
    assert place_points([2.5], [0.5], units, nearest_within=0.05).tolist() == [-1]


def test_points_are_reprojected_to_the_units_crs():
    mercator = two_squares().to_crs("EPSG:3857")
    assert place_points([0.25, 1.75], [0.5, 0.5], mercator).tolist() == [0, 1]


def test_mismatched_coordinate_arrays_are_refused():
    with pytest.raises(ValueError, match="2 longitudes but 1 latitudes"):
        place_points([0.0, 1.0], [0.0], two_squares())


def test_many_points_match_a_direct_containment_check(counties):
    rng = np.random.default_rng(7)
    lon = rng.uniform(-125, -67, 5_000)
    lat = rng.uniform(25, 49, 5_000)

    placed = place_points(lon, lat, counties)

    inside = placed >= 0
    assert 0.4 < inside.mean() < 0.9  # the rest fall in the sea, Canada or Mexico
    geoms = np.asarray(counties.geometry.array)
    points = shapely.points(lon, lat)
    assert shapely.covers(geoms[placed[inside]], points[inside]).all()
    tree = shapely.STRtree(geoms)
    hits, _ = tree.query(points[~inside], predicate="intersects")
    assert len(hits) == 0


def test_coverage_simplify_keeps_shared_borders_shared():
    wiggle = [(1 + 0.01 * np.sin(k), k / 20) for k in range(21)]  # a wiggly shared border from y=0 to y=1
    west = Polygon([(0, 0), *wiggle, (0, 1)])
    east = Polygon([(2, 0), (2, 1), *reversed(wiggle)])
    shapes = gpd.GeoSeries([west, east], index=pd.Index(["W", "E"], name="unit_id"), crs="EPSG:4326")

    simplified = simplified_for_display(shapes, 0.05)

    assert list(simplified.index) == ["W", "E"]
    assert simplified.crs == shapes.crs
    assert shapely.get_num_coordinates(simplified.values).sum() < shapely.get_num_coordinates(shapes.values).sum()
    assert shapely.coverage_is_valid(np.asarray(simplified.array))
    # No gap and no overlap: the two halves still meet along one line.
    assert shapely.intersection(simplified["W"], simplified["E"]).area == 0
    assert shapely.union_all(simplified.values).area == pytest.approx(2.0, rel=1e-3)


def test_simplified_counties_stay_a_valid_coverage(counties):
    simplified = simplified_for_display(counties.geometry, 0.02)
    geoms = np.asarray(simplified.array)
    assert simplified.index.equals(counties.index)
    assert shapely.coverage_is_valid(geoms)
    assert not shapely.is_empty(geoms).any()
    assert shapely.get_num_coordinates(geoms).sum() < 0.5 * shapely.get_num_coordinates(counties.geometry.values).sum()
