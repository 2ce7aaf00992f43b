"""Defects of the leadership pack found in the workshop trial (issue 16 §3 items 9, 10, 12 and 13)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyogrio

from territory_planner.domain import Plan
from territory_planner.exporters.gis import GPKG_APPLICATION_ID, GPKG_USER_VERSION
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
