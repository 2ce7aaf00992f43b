"""GeoPackage, GeoJSON and zipped Shapefile read back with pyogrio."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyogrio
import pytest
import shapely

from territory_planner.domain import BASELINE, Plan, evaluate
from territory_planner.services.export import export_pack


@pytest.fixture(scope="module")
def gis_files(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("gis")
    files = {"gpkg": folder / "plan.gpkg", "geojson": folder / "territories.geojson", "shp": folder / "territories.zip"}
    export_pack(demo_plan, list(demo_plan.scenarios), **files)
    return files


def test_geopackage_layers_counts_fields_crs(gis_files: dict[str, Path], demo_plan: Plan) -> None:
    path = gis_files["gpkg"]
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"territories": "MultiPolygon", "units": "MultiPolygon", "hires": "Point"}
    scenarios = list(demo_plan.scenarios.values())
    info = pyogrio.read_info(path, layer="territories")
    assert info["features"] == sum(len(s.territories) for s in scenarios)
    assert info["crs"] == "EPSG:4326"
    for field in (
        "scenario",
        "territory",
        "region",
        "status",
        "target",
        "required_spend",
        "allocated_budget",
        "gap",
        "break_even_cpl",
        "required_hours",
        "allocated_hours",
        "seller_names",
        "hire_names",
        "flags",
    ):
        assert field in info["fields"]
    units = pyogrio.read_info(path, layer="units")
    assert units["features"] == len(demo_plan.layer) * len(scenarios)
    assert {"unit_id", "name", "territory", "scenario"} <= set(units["fields"])
    assert units["crs"] == "EPSG:4326"
    hires = pyogrio.read_info(path, layer="hires")
    assert hires["features"] == sum(1 for s in scenarios for x in s.sellers.values() if x.is_hire)
    assert {"seller", "start_month", "ramp_months", "annual_quota", "fund_by_month", "status"} <= set(hires["fields"])


def test_geopackage_content_matches_the_plan(gis_files: dict[str, Path], demo_plan: Plan) -> None:
    territories = pyogrio.read_dataframe(gis_files["gpkg"], layer="territories")
    texas = territories[(territories.scenario == BASELINE) & (territories.territory == "Texas")].iloc[0]
    report = evaluate(demo_plan.scenario(BASELINE), demo_plan.layer)
    expected = report.territory("Texas")
    assert texas.status == expected.status
    assert texas.gap == pytest.approx(expected.gap)
    sellers = [s.name for s in demo_plan.scenario(BASELINE).sellers_of("Texas") if not s.is_hire]
    assert texas.seller_names == "; ".join(sellers)
    codes = sorted(f.code for f in report.flags if f.subject == "Texas")
    assert all(code in texas["flags"] for code in codes)
    assert texas.geometry.is_valid and 60 < shapely.area(texas.geometry) < 70  # square degrees, exact outline
    units = pyogrio.read_dataframe(gis_files["gpkg"], layer="units", where="scenario = 'baseline'")
    assert units.unit_id.str.len().eq(5).all(), "FIPS ids keep their leading zeros"
    assigned = units.dropna(subset=["territory"])
    assert len(assigned) == len(demo_plan.scenario(BASELINE).assignment)
    hires = pyogrio.read_dataframe(gis_files["gpkg"], layer="hires", where="scenario = 'baseline'")
    denver = hires[hires.seller == "Denver AE (hire)"].iloc[0]
    assert denver.start_month == "2027-02" and denver.territory == "Mountain"
    mountain = territories[(territories.scenario == BASELINE) & (territories.territory == "Mountain")].iloc[0]
    assert mountain.geometry.contains(denver.geometry), "a hire's point lies in their territory"


def test_geojson_territories(gis_files: dict[str, Path], demo_plan: Plan) -> None:
    info = pyogrio.read_info(gis_files["geojson"])
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == sum(len(s.territories) for s in demo_plan.scenarios.values())
    assert {"scenario", "territory", "status", "gap"} <= set(info["fields"])


def test_zipped_shapefile(gis_files: dict[str, Path], demo_plan: Plan) -> None:
    path = gis_files["shp"]
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    assert {"territories.shp", "territories.shx", "territories.dbf", "territories.prj", "territories.cpg"} <= names
    info = pyogrio.read_info(f"zip://{path}")
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == sum(len(s.territories) for s in demo_plan.scenarios.values())
    assert all(len(field) <= 10 for field in info["fields"])
    frame = pyogrio.read_dataframe(f"zip://{path}")
    assert set(frame.territory) == set(demo_plan.scenario(BASELINE).territories)
    assert frame.flag_text.map(lambda t: len(str(t).encode())).max() <= 254


def test_gis_only_export_does_not_need_qt_or_folium(demo_plan: Plan, tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from territory_planner.services.demo import build_demo_plan\n"
        "from territory_planner.services.export import export_pack\n"
        f"export_pack(build_demo_plan(), ['baseline'], geojson={str(tmp_path / 't.geojson')!r})\n"
        "assert 'PySide6.QtGui' not in sys.modules and 'folium' not in sys.modules, sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
