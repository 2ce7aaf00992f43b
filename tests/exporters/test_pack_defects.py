"""Defects of the leadership pack found in the workshop trial (issue 16 §3 items 9, 10, 12 and 13)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyogrio
import pytest
from PySide6.QtGui import QImage

from territory_planner.domain import Plan
from territory_planner.exporters.gis import GPKG_APPLICATION_ID, GPKG_USER_VERSION
from territory_planner.exporters.png_map import png_paths, scenario_slug
from territory_planner.exporters.workbook import ALL_SCENARIO_SHEETS
from territory_planner.readers.workbook import read_workbook
from territory_planner.services.export import export_pack

# --- item 13: a GeoPackage that older GDAL opens without a warning -------------------------------------------------


def test_geopackage_is_written_as_version_1_2(demo_plan: Plan, tmp_path: Path) -> None:
    """GDAL 3.7+ writes GeoPackage 1.4 by default, which GDAL 3.6 (Debian 12) opens with a warning every time."""
    path = tmp_path / "plan.gpkg"
    export_pack(demo_plan, list(demo_plan.scenarios), gpkg=path)
    header = path.read_bytes()[:100]
    assert header[:16] == b"SQLite format 3\x00"
    assert header[68:72] == b"GPKG"  # application_id, big-endian, at offset 68 of the SQLite header
    assert int.from_bytes(header[68:72], "big") == GPKG_APPLICATION_ID
    assert int.from_bytes(header[60:64], "big") == GPKG_USER_VERSION == 10200  # user_version: 1.2.0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
        # a 1.2 file has no 1.4-only parts a 1.2 reader would not know
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys"} <= tables
    assert {name for name, _ in pyogrio.list_layers(path)} == {"territories", "units", "hires"}


# --- item 9: --all-scenarios gives every scenario's map image and detail -------------------------------------------


@pytest.fixture(scope="module")
def all_scenarios_pack(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("all-scenarios")
    png, xlsx = folder / "map.png", folder / "plan.xlsx"
    written = export_pack(demo_plan, list(demo_plan.scenarios), png=png, xlsx=xlsx)
    return {"folder": folder, "written": written, "png": png, "xlsx": xlsx}


def test_every_scenario_gets_its_map_image(demo_plan: Plan, all_scenarios_pack: dict[str, object]) -> None:
    names = list(demo_plan.scenarios)
    assert len(names) >= 2
    expected = png_paths(all_scenarios_pack["png"], names)  # type: ignore[arg-type]
    assert [p.name for p in expected] == ["map.png", *(f"map-{scenario_slug(n)}.png" for n in names[1:])]
    written = all_scenarios_pack["written"]
    assert all(path in written for path in expected)  # type: ignore[operator]
    images = [QImage(str(path)) for path in expected]
    assert all(not image.isNull() for image in images)
    assert len({path.read_bytes() for path in expected}) == len(expected)  # each map is its own scenario's
    folder: Path = all_scenarios_pack["folder"]  # type: ignore[assignment]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp file left


def test_scenario_slugs_are_file_names_and_unique(tmp_path: Path) -> None:
    assert scenario_slug("Hire 4, fund Texas and New England") == "hire-4-fund-texas-and-new-england"
    assert scenario_slug("<img src=x onerror=alert(1)>/../..") == "img-src-x-onerror-alert-1"
    assert scenario_slug("Zürich été") == "zurich-ete" and scenario_slug("???") == "scenario"
    paths = png_paths(tmp_path / "map.png", ["baseline", "What if", "what-if", "?", "!"])
    assert [p.name for p in paths] == ["map.png", "map-what-if.png", "map-what-if-2.png", "map-scenario.png",
                                       "map-scenario-2.png"]  # fmt: skip


def test_workbook_lists_every_scenario_and_still_imports_back(
    demo_plan: Plan, all_scenarios_pack: dict[str, object]
) -> None:
    from openpyxl import load_workbook

    path: Path = all_scenarios_pack["xlsx"]  # type: ignore[assignment]
    wb = load_workbook(path, read_only=True)
    assert set(ALL_SCENARIO_SHEETS) <= set(wb.sheetnames)
    rows = list(wb["All territories"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Scenario", "territory", "region")
    listed = {(r[0], r[1]) for r in rows[1:]}
    expected = {(name, t) for name, s in demo_plan.scenarios.items() for t in s.territories}
    assert listed == expected
    sellers = {(r[0], r[1]) for r in list(wb["All sellers"].iter_rows(values_only=True))[1:]}
    assert sellers == {(name, seller) for name, s in demo_plan.scenarios.items() for seller in s.sellers}
    allocations = {(r[0], r[2]) for r in list(wb["All allocations"].iter_rows(values_only=True))[1:]}
    assert allocations == {(name, a.name) for name, s in demo_plan.scenarios.items() for a in s.allocations.values()}
    wb.close()
    # the plan sheets still hold the first scenario and import back into a copy of it unchanged
    plan = demo_plan.deepcopy()
    first = next(iter(plan.scenarios))
    before = plan.scenario(first).clone(first)
    read_workbook(plan, first, path).apply(plan)
    assert plan.scenario(first).content_equals(before)


def test_cli_export_all_scenarios_names_every_map(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from territory_planner.cli import cli

    plan = tmp_path / "demo.tplan"
    assert CliRunner().invoke(cli, ["demo", str(plan)]).exit_code == 0
    result = CliRunner().invoke(cli, ["export", str(plan), "--all-scenarios", "--png", str(tmp_path / "map.png")])
    assert result.exit_code == 0, result.output
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(pngs) == 2 and "map.png" in pngs
    assert all(f"Wrote {tmp_path / name}" in result.output for name in pngs)
