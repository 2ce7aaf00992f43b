"""The bundled ZIP list (maps/us-zip-points.csv) is the zipcodes package's list, read fast."""

from __future__ import annotations

from importlib.metadata import version

import numpy as np
import pandas as pd
import pytest

from territory_planner.readers import zipcodes_index
from territory_planner.readers.zipcodes_index import (
    ZIP_POINT_COLUMNS,
    ZIP_POINTS_FILE,
    centroids_of,
    read_zip_points,
    zip_points_from_package,
)
from territory_planner.resources import maps_dir


@pytest.fixture(scope="module")
def package_table() -> pd.DataFrame:
    return zip_points_from_package()


#: The zipcodes release maps/us-zip-points.csv was written from (maps/README.md); a later release may list new codes.
BUILT_FROM = "3.0.0"


def test_bundled_table_is_the_installed_package_list(package_table):
    if version("zipcodes") != BUILT_FROM:
        pytest.skip(f"maps/us-zip-points.csv was written from zipcodes {BUILT_FROM}; rebuild it for this release")
    bundled = read_zip_points(maps_dir() / ZIP_POINTS_FILE)
    assert tuple(bundled.columns) == ZIP_POINT_COLUMNS
    # Exact: the same ZIP codes in the same order, coordinates to the last bit, blanks where the package has none.
    pd.testing.assert_frame_equal(bundled, package_table)


def test_package_table_keeps_leading_zeros_and_blanks_unknown_points(package_table):
    assert package_table["zip"].str.fullmatch(r"\d{5}").all()
    assert package_table["zip"].is_monotonic_increasing
    holtsville = package_table.set_index("zip").loc["00501"]
    assert (holtsville.state, holtsville.city) == ("NY", "Holtsville")
    # Military APO/FPO codes are listed at 0, 0 by the package: no location, not a point off Africa.
    assert package_table["lon"].isna().any()
    assert not ((package_table["lon"] == 0) & (package_table["lat"] == 0)).any()


def test_lookup_arrays_find_rows_by_zip_number(package_table):
    table = centroids_of(package_table)
    rows = table.rows(np.array([501, 2134, 99_999_999, -5]))
    assert table.codes[rows[0]] == "00501"
    assert table.codes[rows[1]] == "02134"
    assert list(rows[2:]) == [-1, -1]


def test_city_points_are_medians_of_the_citys_zip_points(package_table):
    points = centroids_of(package_table).city_points
    located = package_table.dropna(subset=["lon"])
    austin = located[(located.state == "TX") & (located.city == "Austin")]
    assert points[("TX", "AUSTIN")] == (float(austin.lon.median()), float(austin.lat.median()))
    # "Saint" folds to "ST" and punctuation to spaces, as home bases are typed.
    assert ("MN", "ST PAUL") in points


def test_missing_bundled_file_falls_back_to_the_package(tmp_path, monkeypatch, package_table):
    monkeypatch.setattr(zipcodes_index, "maps_dir", lambda: tmp_path)
    zipcodes_index.zip_centroids.cache_clear()
    try:
        table = zipcodes_index.zip_centroids()
        assert len(table.codes) == len(package_table)
    finally:
        zipcodes_index.zip_centroids.cache_clear()
