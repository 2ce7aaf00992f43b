"""``layers build-zcta``: a ready ZIP layer from a Census ZCTA file, tested on a small synthetic one made here."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from territory_planner.cli import cli
from territory_planner.domain import PlanError
from territory_planner.geo.zcta import ZctaFileError, clean_zcta_coverage, read_zcta_file
from territory_planner.persistence import load_plan
from territory_planner.services.layers import build_zcta_layer, layer_from_file, read_acs_table

#: A 3 x 2 grid of boxes over Allston, Brighton and the Back Bay (Boston, Suffolk County, 25025), west to east,
#: south row first. 02999 is no ZCTA of the census table: it takes the county around its point (Middlesex, 25017).
WEST, EAST, SOUTH, NORTH = -71.17, -71.05, 42.32, 42.38
GRID = [["02135", "02163", "02215"], ["02134", "02999", "02116"]]
#: A ZCTA of Guam, outside the 50 states, DC and Puerto Rico.
ISLAND = "96910"


def _box(x0: float, y0: float, x1: float, y1: float, steps: int = 25) -> shapely.Polygon:
    """A box with ``steps`` vertices a side (so simplification has something to remove)."""
    t = np.linspace(0.0, 1.0, steps, endpoint=False)
    ring = np.concatenate(
        [
            np.column_stack([x0 + (x1 - x0) * t, np.full(steps, y0)]),
            np.column_stack([np.full(steps, x1), y0 + (y1 - y0) * t]),
            np.column_stack([x1 - (x1 - x0) * t, np.full(steps, y1)]),
            np.column_stack([np.full(steps, x0), y1 - (y1 - y0) * t]),
        ]
    )
    return shapely.Polygon(ring)


def _grid_frame(id_column: str = "ZCTA5CE20") -> gpd.GeoDataFrame:
    xs = np.linspace(WEST, EAST, 4)
    ys = np.linspace(SOUTH, NORTH, 3)
    codes, shapes = [], []
    for row, names in enumerate(GRID):
        for col, code in enumerate(names):
            x0, x1, y0, y1 = xs[col], xs[col + 1], ys[row], ys[row + 1]
            if code == "02163":
                x1 += 2e-7  # overlaps its eastern neighbour by a hair: coverage_clean must snap the border
            shapes.append(_box(x0, y0, x1, y1))
            codes.append(code)
    # 02116 gets a spike on its southern edge, which makes its ring invalid (a self-intersection).
    spiked = np.asarray(shapes[-1].exterior.coords)[:-1]
    spike = np.array([[spiked[3, 0], spiked[3, 1]], [spiked[3, 0], spiked[3, 1] - 0.003]])
    shapes[-1] = shapely.Polygon(np.vstack([spiked[:4], spike[1:], spiked[3:]]))
    codes.append(ISLAND)
    shapes.append(_box(144.70, 13.40, 144.80, 13.50))
    frame = gpd.GeoDataFrame(
        {
            "ZCTA5CE20": codes,
            "GEOID20": codes,
            "ALAND20": np.full(len(codes), 12_500_000, dtype=np.int64),
            "AWATER20": np.zeros(len(codes), dtype=np.int64),
        },
        geometry=shapes,
        crs="EPSG:4269",
    )
    if id_column != "ZCTA5CE20":
        frame = frame.drop(columns=["ZCTA5CE20", "GEOID20"]).assign(**{id_column: codes})
    return frame


def _zipped_shapefile(frame: gpd.GeoDataFrame, folder: Path, name: str) -> Path:
    shp = folder / f"{name}.shp"
    frame.to_file(shp, driver="ESRI Shapefile")
    archive = folder / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in folder.glob(f"{name}.*"):
            if part.suffix != ".zip":
                zipped.write(part, part.name)
                part.unlink()
    return archive


@pytest.fixture(scope="module")
def zcta_zip(tmp_path_factory) -> Path:
    return _zipped_shapefile(_grid_frame(), tmp_path_factory.mktemp("census"), "cb_2020_us_zcta520_500k")


@pytest.fixture(scope="module")
def built(zcta_zip: Path, tmp_path_factory):
    calls: list[tuple[float, str]] = []
    out = tmp_path_factory.mktemp("out") / "zips.gpkg"
    result = build_zcta_layer(zcta_zip, out, progress=lambda f, m: calls.append((f, m)))
    layer, _warnings = layer_from_file(result.path, "unit_id")
    return result, layer, calls


def test_every_zcta_of_the_states_becomes_a_unit_and_island_areas_are_left_out(built):
    result, layer, _ = built
    assert sorted(layer.units.index) == sorted(code for row in GRID for code in row)
    assert result.left_out == (ISLAND,)
    assert any(ISLAND in w and "island areas" in w for w in result.warnings)
    assert layer.unit_noun == "ZIP code"


def test_units_carry_their_county_and_state_codes(built):
    _, layer, _ = built
    units = layer.units
    # Codes of the census table take its (dominant) county; 02999 the county holding its point (Cambridge).
    assert units.loc["02134", "county_fips"] == "25025"
    assert units.loc["02999", "county_fips"] == "25017"
    assert (units["state_fips"] == "25").all()
    assert (units["state"] == "MA").all()
    assert units.loc["02134", "name"] == "Allston"
    assert units.loc["02999", "name"] == "02999"  # not in the ZIP list: named by its code
    assert units.loc["02134", "zip_type"] == "STANDARD"


def test_census_figures_are_joined_from_the_bundled_table(built):
    _, layer, _ = built
    units = layer.units
    table = read_acs_table()
    for code in ("02134", "02135", "02116"):
        assert units.loc[code, "population"] == table.loc[code, "population"]
        assert units.loc[code, "households"] == table.loc[code, "households"]
        assert units.loc[code, "median_income"] == table.loc[code, "median_income"]
    assert units.loc["02999", "population"] == 0
    assert np.isnan(units.loc["02999", "median_income"])
    assert units.loc["02134", "land_area_km2"] == pytest.approx(12.5)  # ALAND20, m² -> km²
    assert layer.potential_column == "population"


def test_geometry_is_a_clean_simplified_coverage_that_dissolves_without_slivers(built):
    _, layer, _ = built
    geometry = np.asarray(layer.geometry.array)
    assert shapely.is_valid(geometry).all()
    assert shapely.coverage_is_valid(geometry)
    # The boxes had 100 vertices each; shared straight borders simplify down to their corners.
    assert shapely.get_num_coordinates(geometry).max() < 20
    # All six dissolve into one polygon without holes: no sliver where 02163 overlapped 02215.
    whole = shapely.coverage_union_all(geometry)
    assert whole.geom_type == "Polygon" and len(whole.interiors) == 0
    assert whole.area == pytest.approx((EAST - WEST) * (NORTH - SOUTH), rel=1e-3)
    # The overlapping border was snapped, so the two units are neighbours in the adjacency.
    positions = {uid: i for i, uid in enumerate(layer.units.index)}
    pairs = {tuple(sorted(p)) for p in layer.adjacency.tolist()}
    assert tuple(sorted((positions["02163"], positions["02215"]))) in pairs


def test_po_box_and_unique_zips_map_to_the_zcta_holding_their_point(built):
    result, layer, _ = built
    with result.other_zips_path.open(encoding="utf-8", newline="") as stream:
        rows = {row["zip"]: row for row in csv.DictReader(stream)}
    assert result.other_zips == len(rows)
    # 02238 (PO BOX, Cambridge) and 02239 (UNIQUE) lie in the middle box of the north row.
    assert rows["02238"]["unit_id"] == "02999"
    assert rows["02239"]["zip_type"] == "UNIQUE"
    assert rows["02239"]["unit_id"] == "02999"
    assert rows["02205"]["unit_id"] == "02116"  # PO BOX, Boston, in the north-east box
    assert not set(rows) & set(layer.units.index)
    assert {row["unit_id"] for row in rows.values()} <= set(layer.units.index)


def test_progress_runs_from_start_to_end(built):
    _, _, calls = built
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any("county" in m for _, m in calls)


def test_the_tiger_line_file_with_geoid_only_builds_too(tmp_path: Path):
    source = _zipped_shapefile(_grid_frame("GEOID20"), tmp_path, "tl_2020_us_zcta520")
    result = build_zcta_layer(source)
    assert result.path == tmp_path / "tl_2020_us_zcta520.gpkg"
    assert result.units == 6


def test_coverage_clean_snaps_an_overlap_and_repairs_an_invalid_ring():
    frame = _grid_frame().to_crs("EPSG:4326")
    geometry = np.asarray(frame.geometry.array)[:-1]
    assert not shapely.coverage_is_valid(geometry)
    assert not shapely.is_valid(geometry).all()
    cleaned, warnings = clean_zcta_coverage(geometry)
    assert shapely.coverage_is_valid(cleaned)
    assert shapely.is_valid(cleaned).all()
    assert any("repaired" in w for w in warnings)


def test_a_file_that_is_not_a_zcta_file_is_refused_with_what_was_expected(tmp_path: Path):
    counties = _grid_frame().rename(columns={"ZCTA5CE20": "COUNTYFP", "GEOID20": "NAME"})
    source = _zipped_shapefile(counties, tmp_path, "cb_2020_us_county_500k")
    with pytest.raises(ZctaFileError) as caught:
        read_zcta_file(source)
    message = str(caught.value)
    assert str(source) in message
    assert "ZCTA5CE20" in message and "cb_2020_us_zcta520_500k.zip" in message
    assert "COUNTYFP" in message  # lists the columns the file does have

    sheet = tmp_path / "zips.csv"
    sheet.write_text("zip\n02134\n", encoding="utf-8")
    with pytest.raises(ZctaFileError, match=r"zips\.csv.*'\.csv' are not ZCTA files"):
        read_zcta_file(sheet)
    with pytest.raises(ZctaFileError, match="does not exist"):
        read_zcta_file(tmp_path / "missing.zip")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip archive")
    with pytest.raises(ZctaFileError, match=r"broken\.zip"):
        read_zcta_file(broken)


def test_codes_that_are_not_five_digits_or_repeat_are_named(tmp_path: Path):
    frame = _grid_frame()
    frame.loc[1, "ZCTA5CE20"] = "2163"
    frame.loc[2, "ZCTA5CE20"] = "02135"
    source = _zipped_shapefile(frame, tmp_path, "cb_2020_us_zcta520_500k")
    with pytest.raises(ZctaFileError, match=r"not five digits: row 2 \('2163'\)"):
        read_zcta_file(source)
    frame.loc[1, "ZCTA5CE20"] = "02163"
    source = _zipped_shapefile(frame, tmp_path, "cb_2020_us_zcta520_500k")
    with pytest.raises(ZctaFileError, match=r"more than once.*02135"):
        read_zcta_file(source)


def test_the_command_builds_a_layer_that_new_accepts(zcta_zip: Path, tmp_path: Path):
    runner = CliRunner()
    out = tmp_path / "real-zips.gpkg"
    result = runner.invoke(cli, ["layers", "build-zcta", str(zcta_zip), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "100 %" in result.output  # progress on stderr (mixed into output by the runner)
    assert f"Wrote {out} (6 ZIP codes" in result.output
    plan = tmp_path / "plan.tplan"
    created = runner.invoke(cli, ["new", str(plan), "--layer", str(out), "--id-column", "unit_id"])
    assert created.exit_code == 0, created.output
    assert "6 ZIP codes" in created.output
    units = load_plan(str(plan)).layer.units
    assert units.loc["02999", "county_fips"] == "25017"  # the parent codes are stored in the plan, as text
    assert units.loc["02134", "state_fips"] == "25"
    assert units.loc["02134", "population"] == read_acs_table().loc["02134", "population"]


def test_the_command_names_a_wrong_file_and_exits_2(tmp_path: Path):
    sheet = tmp_path / "accounts.xlsx"
    sheet.write_bytes(b"PK")
    result = CliRunner().invoke(cli, ["layers", "build-zcta", str(sheet)])
    assert result.exit_code == 2
    assert "accounts.xlsx" in result.output and "ZCTA5CE20" in result.output
    assert not (tmp_path / "accounts.gpkg").exists()


def test_a_negative_tolerance_is_refused_before_anything_is_read(tmp_path: Path):
    with pytest.raises(PlanError, match="tolerance must be 0 or more"):
        build_zcta_layer(tmp_path / "missing.zip", tolerance=-0.01)
