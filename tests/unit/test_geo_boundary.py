"""Reading user boundary files: good files in every supported format, and one broken file per refusal."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from territory_planner.geo import BoundaryFileError, read_boundary_file


def grid(nx: int = 2, ny: int = 2, x0: float = -100.0, y0: float = 40.0, size: float = 1.0) -> list[Polygon]:
    return [
        box(x0 + i * size, y0 + j * size, x0 + (i + 1) * size, y0 + (j + 1) * size)
        for j in range(ny)
        for i in range(nx)
    ]


def frame(ids, geoms, crs="EPSG:4326", **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": ids, **columns}, geometry=geoms, crs=crs)


def feature_collection(features: list[tuple[dict, list]]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}
            for props, ring in features
        ],
    }


def test_geojson_ids_keep_leading_zeros_and_numeric_columns_become_attributes(tmp_path: Path):
    path = tmp_path / "areas.geojson"
    frame(
        ["06037", "06059", "02013", "36061"],
        grid(),
        label=["Los Angeles", "Orange", "Aleutians East", "New York"],
        accounts=[12, 7, 0, 30],
        potential=[1.5, 2.0, 0.25, 9.0],
        owner=["ann", "bob", "cy", "dee"],
    ).to_file(path)

    units, warnings = read_boundary_file(path, "code", name_column="label")

    assert warnings == []
    assert list(units.index) == ["06037", "06059", "02013", "36061"]
    assert units.index.name == "unit_id"
    assert units.loc["06037", "name"] == "Los Angeles"
    assert set(units.columns) == {"name", "accounts", "potential", "geometry"}  # text column 'owner' dropped
    assert units.loc["36061", "accounts"] == 30
    assert units.crs.to_epsg() == 4326
    assert shapely.equals(units.geometry["06037"], box(-100, 40, -99, 41))


def test_name_defaults_to_the_id(tmp_path: Path):
    path = tmp_path / "areas.gpkg"
    frame(["A", "B"], grid(2, 1)).to_file(path, layer="zones")
    units, _ = read_boundary_file(path, "code")
    assert list(units["name"]) == ["A", "B"]


def test_reprojects_from_web_mercator(tmp_path: Path):
    path = tmp_path / "mercator.gpkg"
    lonlat = gpd.GeoSeries(grid(2, 1, x0=-74.0, y0=40.0), crs="EPSG:4326")
    frame(["A", "B"], lonlat.to_crs("EPSG:3857").values, crs="EPSG:3857").to_file(path, layer="zones")

    units, _ = read_boundary_file(path, "code")

    assert units.crs.to_epsg() == 4326
    np.testing.assert_allclose(units.geometry["A"].bounds, (-74.0, 40.0, -73.0, 41.0), atol=1e-9)
    np.testing.assert_allclose(units.geometry["B"].bounds, (-73.0, 40.0, -72.0, 41.0), atol=1e-9)


def test_target_crs_can_be_projected(tmp_path: Path):
    path = tmp_path / "areas.geojson"
    frame(["A", "B"], grid(2, 1, x0=0.0, y0=0.0)).to_file(path)
    units, _ = read_boundary_file(path, "code", target_crs="EPSG:3857")
    assert units.crs.to_epsg() == 3857
    assert units.geometry["B"].bounds[2] == pytest.approx(2 * 111_319.49, rel=1e-6)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_shapefile_without_crs_is_refused_naming_the_file_and_the_fix(tmp_path: Path):
    path = tmp_path / "no_prj.shp"
    frame(["A", "B"], grid(2, 1), crs=None).to_file(path)
    assert not path.with_suffix(".prj").exists()

    with pytest.raises(BoundaryFileError) as caught:
        read_boundary_file(path, "code")

    message = str(caught.value)
    assert str(path) in message
    assert "does not say which coordinate reference system" in message
    assert "source CRS" in message and ".prj" in message and "EPSG:4326" in message
    assert caught.value.path == path


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_shapefile_without_crs_reads_with_a_source_crs(tmp_path: Path):
    path = tmp_path / "no_prj.shp"
    mercator = gpd.GeoSeries(grid(2, 1), crs="EPSG:4326").to_crs("EPSG:3857")
    frame(["A", "B"], mercator.values, crs=None).to_file(path)

    units, _ = read_boundary_file(path, "code", source_crs="EPSG:3857")

    np.testing.assert_allclose(units.geometry["A"].bounds, (-100, 40, -99, 41), atol=1e-9)


def test_zipped_shapefile(tmp_path: Path):
    folder = tmp_path / "shp"
    folder.mkdir()
    frame(["01", "02"], grid(2, 1)).to_file(folder / "zones.shp")
    archive = tmp_path / "zones.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in folder.iterdir():
            zipped.write(part, part.name)

    units, _ = read_boundary_file(archive, "code")

    assert list(units.index) == ["01", "02"]


def test_duplicate_ids_are_refused_listing_the_rows(tmp_path: Path):
    path = tmp_path / "dupes.geojson"
    frame(["A", "B", "A", "C", "C"], grid(5, 1)).to_file(path)

    with pytest.raises(BoundaryFileError) as caught:
        read_boundary_file(path, "code")

    message = str(caught.value)
    assert str(path) in message
    assert "2 ids occur more than once" in message
    assert "'A' in rows 1, 3" in message
    assert "'C' in rows 4, 5" in message
    assert "own id" in message


def test_empty_ids_are_refused_listing_the_rows(tmp_path: Path):
    path = tmp_path / "blank.geojson"
    frame(["A", "  ", None], grid(3, 1)).to_file(path)

    with pytest.raises(BoundaryFileError, match=r"rows 2, 3 have no id in column 'code'"):
        read_boundary_file(path, "code")


def test_missing_id_column_lists_the_available_columns(tmp_path: Path):
    path = tmp_path / "areas.geojson"
    frame(["A", "B"], grid(2, 1), GEOID=["1", "2"]).to_file(path)

    with pytest.raises(BoundaryFileError) as caught:
        read_boundary_file(path, "geoid", name_column="NAME")

    message = str(caught.value)
    assert str(path) in message
    assert "no id column 'geoid' (did you mean 'GEOID'?)" in message
    assert "no name column 'NAME'" in message  # both problems reported at once
    assert "the columns are: code, GEOID" in message
    assert "choose the columns" in message


def test_numeric_ids_become_text_with_a_warning(tmp_path: Path):
    path = tmp_path / "numbers.geojson"
    frame([6037, 6059], grid(2, 1)).to_file(path)

    units, warnings = read_boundary_file(path, "code")

    assert list(units.index) == ["6037", "6059"]
    assert len(warnings) == 1 and "leading zeros" in warnings[0]


def test_invalid_polygons_are_repaired_and_reported(tmp_path: Path):
    path = tmp_path / "bowtie.geojson"
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    frame(["A", "B"], [bowtie, box(2, 0, 3, 1)]).to_file(path)

    units, warnings = read_boundary_file(path, "code")

    assert "1 invalid polygon was repaired" in warnings[0]
    assert units.geometry.is_valid.all()
    assert units.geometry["A"].area == pytest.approx(0.5)


def test_overlapping_units_are_cleaned_into_a_coverage(tmp_path: Path):
    path = tmp_path / "overlap.geojson"
    frame(["A", "B"], [box(0, 0, 1.1, 1), box(1, 0, 2, 1)]).to_file(path)

    units, warnings = read_boundary_file(path, "code")

    assert shapely.coverage_is_valid(np.asarray(units.geometry.array))
    assert any("borders were adjusted" in w for w in warnings)
    assert shapely.area(np.asarray(units.geometry.array)).sum() == pytest.approx(2.0)


def test_points_and_missing_geometry_are_refused(tmp_path: Path):
    path = tmp_path / "mixed.gpkg"
    frame(["A", "B", "C"], [box(0, 0, 1, 1), Point(5, 5), None]).to_file(path, layer="zones")

    with pytest.raises(BoundaryFileError) as caught:
        read_boundary_file(path, "code")

    message = str(caught.value)
    assert "row 3 has no geometry" in message
    assert "row 2 holds Point geometry rather than polygons" in message


def test_geopackage_with_several_layers_needs_a_layer_choice(tmp_path: Path):
    path = tmp_path / "many.gpkg"
    frame(["A"], [box(0, 0, 1, 1)]).to_file(path, layer="counties")
    frame(["Z"], [box(0, 0, 1, 1)]).to_file(path, layer="zips")

    with pytest.raises(BoundaryFileError, match="2 layers: counties, zips") as caught:
        read_boundary_file(path, "code")
    assert str(path) in str(caught.value)
    with pytest.raises(BoundaryFileError, match="no layer named 'states'"):
        read_boundary_file(path, "code", layer="states")

    units, _ = read_boundary_file(path, "code", layer="zips")
    assert list(units.index) == ["Z"]


def test_metres_labelled_as_degrees_are_refused(tmp_path: Path):
    # GeoJSON readers assume longitude/latitude; these coordinates are Web Mercator metres.
    path = tmp_path / "metres.geojson"
    ring = [[-8237642.0, 4970241.0], [-8126322.0, 4970241.0], [-8126322.0, 5084270.0], [-8237642.0, 4970241.0]]
    path.write_text(json.dumps(feature_collection([({"code": "A"}, ring)])), encoding="utf-8")

    with pytest.raises(BoundaryFileError) as caught:
        read_boundary_file(path, "code")

    message = str(caught.value)
    assert "looks like metres" in message
    assert "source CRS" in message


def test_unsupported_and_missing_files(tmp_path: Path):
    csv = tmp_path / "areas.csv"
    csv.write_text("code\nA\n", encoding="utf-8")
    with pytest.raises(BoundaryFileError, match="GeoPackage") as caught:
        read_boundary_file(csv, "code")
    assert str(csv) in str(caught.value)
    with pytest.raises(BoundaryFileError, match="does not exist"):
        read_boundary_file(tmp_path / "gone.geojson", "code")


def test_truncated_shapefile_is_refused_with_advice(tmp_path: Path):
    path = tmp_path / "zones.shp"
    frame(["A"], [box(0, 0, 1, 1)]).to_file(path)
    path.with_suffix(".shx").unlink()
    path.with_suffix(".dbf").unlink()
    path.write_bytes(path.read_bytes()[:50])

    with pytest.raises(BoundaryFileError) as caught:
        read_boundary_file(path, "code")
    assert str(path) in str(caught.value)
    assert ".shx" in str(caught.value)
