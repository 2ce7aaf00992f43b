"""The bundled us-zips layer: approximate ZIP areas that tile the counties exactly."""

from __future__ import annotations

import csv
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from territory_planner.geo import available_layers, load_bundled_layer, place_points, territory_outlines
from territory_planner.resources import maps_dir

#: Emporia city, VA has no ZIP code of its own; it is joined to 23847 (Emporia), whose county is Greensville.
MERGED_COUNTY = "51595"
ABSORBING_COUNTY = "51081"


@pytest.fixture(scope="module")
def zips() -> gpd.GeoDataFrame:
    return load_bundled_layer("us-zips")


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_bundled_layer("us-counties")


def test_zip_layer_is_described_as_approximate():
    info = {i.name: i for i in available_layers()}["us-zips"]
    assert info.unit_noun == "ZIP code"
    assert "APPROXIMATE" in info.source
    assert any("ZCTA" in note for note in info.notes)


def test_zip_ids_are_five_digit_text_with_leading_zeros(zips):
    assert zips.index.is_unique
    assert all(re.fullmatch(r"\d{5}", uid) for uid in zips.index)
    assert 29_000 <= len(zips) <= 34_000
    assert zips.loc["02134", "name"] == "Allston"
    assert zips.loc["02134", "state"] == "MA"
    assert zips.loc["02134", "county_fips"] == "25025"
    assert zips.loc["90210", "name"] == "Beverly Hills"
    assert zips.loc["00603", "state"] == "PR"
    assert set(zips["zip_type"]) <= {"STANDARD", "PO BOX", "UNIQUE"}


def test_zip_areas_form_a_valid_coverage_of_the_counties(zips, counties):
    geoms = np.asarray(zips.geometry.array)
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert shapely.coverage_is_valid(geoms)
    county_area = shapely.area(np.asarray(counties.geometry.array)).sum()
    assert shapely.area(geoms).sum() == pytest.approx(county_area, rel=1e-9)


def test_zip_areas_nest_inside_their_counties(zips, counties):
    by_county = territory_outlines(zips.geometry, zips["county_fips"])
    assert set(by_county.index) == set(counties.index) - {MERGED_COUNTY}
    expected = counties.geometry.reindex(by_county.index)
    expected[ABSORBING_COUNTY] = shapely.union(expected[ABSORBING_COUNTY], counties.geometry[MERGED_COUNTY])
    expected_geoms = np.asarray(expected.array)
    mismatch = shapely.area(shapely.symmetric_difference(np.asarray(by_county.array), expected_geoms))
    # Cleaning the coverage snaps vertices by fractions of a metre: a few square metres per county at most.
    assert (mismatch / shapely.area(expected_geoms)).max() < 1e-6


def test_points_land_in_the_zip_area_around_them(zips):
    # Points near the ZIP points of 90210 (Beverly Hills), 10001 (Manhattan) and 60614 (Chicago).
    placed = place_points([-118.4065, -73.9967, -87.6535], [34.0901, 40.7506, 41.9227], zips)
    assert list(zips.index[placed]) == ["90210", "10001", "60614"]


def test_other_zips_map_to_existing_units(zips):
    with (maps_dir() / "us-zips-other.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) > 5_000
    assert not {row["zip"] for row in rows} & set(zips.index)
    assigned = [row for row in rows if row["unit_id"]]
    assert len(assigned) > 0.99 * len(rows)
    assert {row["unit_id"] for row in assigned} <= set(zips.index)
    holtsville = next(row for row in rows if row["zip"] == "00501")  # the IRS's own ZIP on Long Island
    assert holtsville["zip_type"] == "UNIQUE"
    assert zips.loc[holtsville["unit_id"], "state"] == "NY"
