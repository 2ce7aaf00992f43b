"""The bundled layers in maps/: ids, counts, attributes and geometry quality, read through the catalogue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely

from territory_planner.geo import CatalogueError, available_layers, layer_info, load_bundled_layer
from territory_planner.resources import maps_dir

#: 50 states + DC, plus Puerto Rico.
US_STATE_FIPS = {
    "01", "02", "04", "05", "06", "08", "09", "10", "11", "12", "13", "15", "16", "17", "18", "19", "20", "21",
    "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39",
    "40", "41", "42", "44", "45", "46", "47", "48", "49", "50", "51", "53", "54", "55", "56", "72",
}  # fmt: skip


@pytest.fixture(scope="module")
def counties():
    return load_bundled_layer("us-counties")


@pytest.fixture(scope="module")
def states():
    return load_bundled_layer("us-states")


@pytest.fixture(scope="module")
def world():
    return load_bundled_layer("world-countries")


def test_catalogue_lists_the_phase_one_layers_with_their_descriptions():
    layers = {info.name: info for info in available_layers()}
    assert {"us-states", "us-counties", "world-countries"} <= set(layers)
    counties = layers["us-counties"]
    assert counties.unit_noun == "county"
    assert counties.unit_noun_plural == "counties"
    assert counties.crs == "EPSG:4326"
    assert counties.id_column == "unit_id"
    assert counties.file.is_file() and counties.file.suffix == ".gpkg"
    assert "Census" in counties.source and "public domain" in counties.licence
    assert "population" in counties.numeric_attributes
    for info in layers.values():
        assert info.licence and info.vintage and info.source
        assert info.coverage_valid


def test_manifest_unit_counts_match_the_files(counties, states, world):
    info = {i.name: i for i in available_layers()}
    assert info["us-counties"].unit_count == len(counties)
    assert info["us-states"].unit_count == len(states)
    assert info["world-countries"].unit_count == len(world)


def test_unknown_layer_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="us-counties") as caught:
        load_bundled_layer("us-countys")
    assert "us-countys" in str(caught.value)
    assert "world-countries" in str(caught.value)


def test_county_ids_are_five_digit_fips_text_with_leading_zeros(counties):
    assert counties.index.name == "unit_id"
    assert counties.index.is_unique
    assert all(re.fullmatch(r"\d{5}", uid) for uid in counties.index)
    la = counties.loc["06037"]
    assert la["name"] == "Los Angeles County"
    assert la["state"] == "CA"
    assert la["state_fips"] == "06"
    assert 10_000 < la["land_area_km2"] < 11_000  # Census ALAND: 10,510 km²
    assert counties.loc["51760", "name"] == "Richmond city"  # independent city, not Richmond County (51159)
    assert counties.loc["22071", "name"] == "Orleans Parish"


def test_counties_cover_all_fifty_states_dc_and_puerto_rico(counties):
    assert 3_100 <= len(counties) <= 3_300
    assert set(counties.index.str[:2]) == US_STATE_FIPS
    assert "11001" in counties.index  # District of Columbia
    assert (counties.index.str[:2] == counties["state_fips"]).all()
    assert counties.crs.to_epsg() == 4326


def test_county_geometry_is_a_valid_coverage(counties):
    geoms = np.asarray(counties.geometry.array)
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert set(counties.geom_type) <= {"Polygon", "MultiPolygon"}
    assert shapely.coverage_is_valid(geoms)


def test_alaska_stays_in_one_piece_across_the_antimeridian(counties):
    # The western Aleutians are stored west of -180 so the layer does not span the whole globe.
    minx, _, maxx, _ = counties.total_bounds
    assert -190 < minx < -180
    assert maxx < -60


def test_states_match_their_counties(states, counties):
    assert set(states.index) == US_STATE_FIPS
    assert states.loc["06", "abbrev"] == "CA"
    assert states.loc["06", "name"] == "California"
    assert states.loc["11", "abbrev"] == "DC"
    # State population is the sum of its counties' (census figures: tests/unit/test_census_figures.py), and state
    # shapes are their counties dissolved.
    by_state = counties.groupby("state_fips")["population"].sum()
    assert (states["population"] == by_state.reindex(states.index)).all()
    ca_counties = shapely.union_all(np.asarray(counties.geometry[counties.state_fips == "06"].array))
    assert shapely.symmetric_difference(ca_counties, states.geometry["06"]).area < 1e-9
    assert shapely.coverage_is_valid(np.asarray(states.geometry.array))


def test_world_ids_are_iso_alpha3(world):
    assert "USA" in world.index
    assert world.loc["USA", "iso_numeric"] == "840"
    assert world.loc["USA", "iso_a2"] == "US"
    assert world.index.is_unique
    assert all(re.fullmatch(r"[A-Z]{3}", uid) for uid in world.index)
    assert 200 <= len(world) <= 260
    official = world[world.iso_status == "ISO 3166-1"]
    assert all(re.fullmatch(r"\d{3}", n) for n in official.iso_numeric)
    # Documented fallbacks for units without an ISO 3166-1 code come from the user-assigned X.. range.
    fallback = world[world.iso_status != "ISO 3166-1"]
    assert set(fallback.index) == {"XKX", "XSL", "XNC", "XSG"}
    # Natural Earth's "Indian Ocean Ter." is split into its two ISO territories.
    assert {"CXR", "CCK"} <= set(world.index)
    assert shapely.coverage_is_valid(np.asarray(world.geometry.array))


def test_world_polygons_crossing_the_antimeridian_are_cut_not_wrapped(world):
    # A ring read across 180° would become a band around the globe, hundreds of square degrees large.
    assert world.geometry["FJI"].area < 3
    assert world.geometry["RUS"].area < 4_000
    # Antarctica is drawn (closed along the pole), not lost as an inside-out ring.
    assert world.geometry["ATA"].area > 4_000
    assert world.geometry["ATA"].bounds[1] == pytest.approx(-90)


def test_catalogue_skips_layers_whose_file_is_missing(tmp_path: Path):
    manifest = json.loads((maps_dir() / "manifest.json").read_text(encoding="utf-8"))
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert available_layers(tmp_path) == []
    with pytest.raises(CatalogueError, match="Known layers: none"):
        layer_info("us-counties", tmp_path)


def test_damaged_manifest_names_the_file_and_the_fix(tmp_path: Path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        available_layers(tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "manifest.json") in message
    assert "build_maps.py" in message
