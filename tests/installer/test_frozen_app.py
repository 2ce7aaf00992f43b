"""Smoke test of the frozen one-folder app (installer/territory-planner.spec), run as the real executable.

Skipped unless a bundle exists in dist/ or ``TP_BUILD_INSTALLER=1`` is set; with the variable the bundle is built
first (about four minutes on two cores), so what is tested is what the spec makes now. The frozen app gets no Python
from the machine: everything it reads (maps, demo plan, Leaflet, GDAL data, migrations) must be inside the bundle.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "territory-planner.spec"
BUNDLE = ROOT / "dist" / "territory-planner"
EXECUTABLE = BUNDLE / ("territory-planner.exe" if sys.platform == "win32" else "territory-planner")
BUILD_ENV = "TP_BUILD_INSTALLER"
FIXTURE_0001 = ROOT / "tests" / "persistence" / "fixtures" / "plan-schema-0001.sql"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get(BUILD_ENV) != "1" and not EXECUTABLE.exists(),
        reason=f"no frozen app in {BUNDLE} (build it, or set {BUILD_ENV}=1 to build it here)",
    ),
]


@pytest.fixture(scope="module")
def frozen() -> Path:
    if os.environ.get(BUILD_ENV) == "1":
        command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm"]
        command += ["--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build")]
        built = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        assert built.returncode == 0, built.stderr[-4000:]
    assert EXECUTABLE.is_file()
    return EXECUTABLE


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    """The user's folders (settings, log, autosave) under tmp_path, and Qt without a display."""
    home = tmp_path / "home"
    values = dict(os.environ)
    values.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        TP_LOG_DIR=str(tmp_path / "log"),
        QT_QPA_PLATFORM="offscreen",
    )
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):  # nothing of the build's Python may leak in
        values.pop(name, None)
    return values


def _run(executable: Path, *args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(executable), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def _demo(frozen: Path, env: dict[str, str], tmp_path: Path) -> Path:
    plan = tmp_path / "demo.tplan"
    result = _run(frozen, "demo", str(plan), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return plan


def test_version_is_the_package_version(frozen: Path, env: dict[str, str], tmp_path: Path) -> None:
    from territory_planner import __version__

    result = _run(frozen, "--version", env=env, cwd=tmp_path)  # click reads the installed distribution's metadata
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"territory-planner, version {__version__}"


def test_demo_and_check_match_the_source_app(frozen: Path, env: dict[str, str], tmp_path: Path) -> None:
    plan = _demo(frozen, env, tmp_path)
    frozen_check = _run(frozen, "check", str(plan), "--json", env=env, cwd=tmp_path)
    assert frozen_check.returncode in (0, 1), frozen_check.stderr
    source_check = subprocess.run(
        [sys.executable, "-m", "territory_planner", "check", str(plan), "--json"],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert json.loads(frozen_check.stdout) == json.loads(source_check.stdout)
    assert frozen_check.returncode == source_check.returncode


def test_a_schema_1_plan_is_migrated_by_the_bundled_migration_scripts(
    frozen: Path, env: dict[str, str], tmp_path: Path
) -> None:
    plan = tmp_path / "old.tplan"
    with sqlite3.connect(plan) as db:
        db.executescript(FIXTURE_0001.read_text(encoding="utf-8"))
    result = _run(frozen, "scenario", "copy", str(plan), "baseline", "Frozen copy", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # the save migrates the file (alembic reads the bundled scripts)
    newest = max(p.name[1:5] for p in (ROOT / "territory_planner/persistence/migrations/versions").glob("r0*.py"))
    with sqlite3.connect(plan) as db:
        assert db.execute("SELECT version_num FROM tp_schema_version").fetchall() == [(newest,)]
    listed = _run(frozen, "scenario", "list", str(plan), env=env, cwd=tmp_path)
    assert "Frozen copy" in listed.stdout


@pytest.mark.postgres
def test_team_server_plan_through_the_bundled_postgres_driver(
    frozen: Path, env: dict[str, str], tmp_path: Path
) -> None:
    server = os.environ.get("TP_TEST_POSTGRES_URL", "").strip()
    if not server:
        pytest.skip("needs TP_TEST_POSTGRES_URL (a PostgreSQL database the tests may write to)")
    from sqlalchemy import create_engine, delete
    from sqlalchemy.pool import NullPool

    from territory_planner.persistence import plan_target
    from territory_planner.persistence import tables as t

    target = plan_target(server, plan_key=f"frozen-{uuid.uuid4().hex[:12]}")
    url = f"{server}?plan={target.plan_key}"
    try:
        written = _run(frozen, "demo", url, env=env, cwd=tmp_path)
        assert written.returncode == 0, written.stderr  # psycopg and libpq come from the bundle
        listed = _run(frozen, "scenario", "list", url, env=env, cwd=tmp_path)
        assert listed.returncode == 0, listed.stderr
        assert "baseline" in listed.stdout
    finally:
        engine = create_engine(target.sqlalchemy_url(), poolclass=NullPool)
        with engine.begin() as connection:
            if connection.dialect.has_table(connection, t.plan.name):
                for table in (t.display_cache, *t.PLAN_TABLES, t.plan):
                    connection.execute(delete(table).where(table.c.plan_key == target.plan_key))
        engine.dispose()


def test_export_of_every_kind(frozen: Path, env: dict[str, str], tmp_path: Path) -> None:
    plan = _demo(frozen, env, tmp_path)
    out = tmp_path / "pack"
    out.mkdir()
    files = {
        "html": out / "map.html",
        "pdf": out / "report.pdf",
        "png": out / "map.png",
        "gpkg": out / "plan.gpkg",
        "geojson": out / "territories.geojson",
        "shp": out / "territories.zip",
        "xlsx": out / "plan.xlsx",
    }
    args = [arg for kind, path in files.items() for arg in (f"--{kind}", str(path))]
    result = _run(frozen, "export", str(plan), *args, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    html = files["html"].read_text(encoding="utf-8")
    assert "Leaflet" in html and "L.map" in html  # Leaflet inlined from the bundled xstatic package
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    assert files["png"].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    with sqlite3.connect(files["gpkg"]) as db:  # written by GDAL inside the bundle
        layers = {row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")}
    assert {"territories", "units"} <= layers
    territories = json.loads(files["geojson"].read_text(encoding="utf-8"))
    assert territories["type"] == "FeatureCollection"
    assert len(territories["features"]) == 11  # the demo plan's territories
    with zipfile.ZipFile(files["shp"]) as shp:
        suffixes = {Path(name).suffix for name in shp.namelist()}
    assert {".shp", ".shx", ".dbf", ".prj"} <= suffixes  # .prj: PROJ's data is in the bundle too
    with zipfile.ZipFile(files["xlsx"]) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()


def test_gui_starts_offscreen_and_keeps_running(frozen: Path, env: dict[str, str], tmp_path: Path) -> None:
    plan = _demo(frozen, env, tmp_path)
    process = subprocess.Popen(
        [str(frozen), "gui", str(plan)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=8)  # the window's event loop is running: the process has not ended
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr
    assert "Error" not in stderr, stderr
    log = tmp_path / "log" / "territory-planner.log"  # written only on an unexpected error
    assert not log.exists(), log.read_text(encoding="utf-8") if log.exists() else ""
