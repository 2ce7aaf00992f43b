"""The command line end to end: demo, check, scenarios, sheet round trip and bad input."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

WHATIF = "Hire 4, fund Texas and New England"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_json(run, plan: Path, scenario: str = "baseline") -> tuple[int, dict]:
    result = run("check", plan, "--scenario", scenario, "--json")
    return result.exit_code, json.loads(result.stdout)


def test_demo_baseline_shows_every_kind_of_funding_problem(run, demo_plan: Path) -> None:
    code, doc = _check_json(run, demo_plan)
    assert code == 1  # blocking flags present
    codes = {f["code"] for f in doc["flags"]}
    assert {"UNFUNDED_TERRITORY", "UNFUNDED_HIRE", "UNPLANNED_REGION", "PIPELINE_LATE"} <= codes
    assert doc["scenario"] == "baseline"
    assert len(doc["territories"]) == 11
    first = doc["territories"][0]
    for key in (
        "territory",
        "region",
        "units",
        "sellers",
        "planned_hires",
        "target",
        "leads",
        "mqls",
        "required_spend",
        "allocated_budget",
        "gap",
        "break_even_cpl",
        "required_hours",
        "allocated_hours",
        "status",
    ):
        assert key in first
    for key in ("code", "severity", "subject_type", "subject", "message", "numbers"):
        assert key in doc["flags"][0]
    statuses = {t["territory"]: t["status"] for t in doc["territories"]}
    assert statuses["Texas"] == "unfunded"
    assert statuses["New England"] == "unfunded"  # has sellers, no allocation at all
    unplanned = [f for f in doc["flags"] if f["code"] == "UNPLANNED_REGION"]
    assert [f["subject"] for f in unplanned] == ["New England"]
    late = [f["subject"] for f in doc["flags"] if f["code"] == "PIPELINE_LATE"]
    assert "Denver AE (hire)" in late
    # every territory has counties
    assert all(t["units"] > 0 for t in doc["territories"])


def test_check_text_output_names_territories_and_verdict(run, demo_plan: Path) -> None:
    result = run("check", demo_plan)
    assert result.exit_code == 1
    assert "Texas" in result.stdout and "Unfunded" in result.stdout
    assert "not fully funded" in result.stdout
    assert "UNFUNDED_HIRE" in result.stdout


def test_whatif_fixes_some_problems_and_compare_shows_them(run, demo_plan: Path) -> None:
    _, base = _check_json(run, demo_plan)
    _, whatif = _check_json(run, demo_plan, WHATIF)
    base_blocking = {(f["code"], f["subject"]) for f in base["flags"] if f["severity"] == "blocking"}
    what_blocking = {(f["code"], f["subject"]) for f in whatif["flags"] if f["severity"] == "blocking"}
    assert ("UNPLANNED_REGION", "New England") in base_blocking - what_blocking
    assert ("UNFUNDED_TERRITORY", "Texas") in base_blocking - what_blocking
    result = run("scenario", "compare", demo_plan, "baseline", WHATIF, "--json")
    assert result.exit_code == 0
    cmp = json.loads(result.stdout)
    changed = {t["territory"]: (t["status_a"], t["status_b"]) for t in cmp["territories"]}
    assert changed["Texas"] == ("unfunded", "funded")
    assert "UNPLANNED_REGION New England" in cmp["flags_resolved"]
    hires = {h["seller"]: (h["status_a"], h["status_b"]) for h in cmp["hires"]}
    assert hires["Dallas AE (hire)"][1] is None  # removed in the what-if
    text = run("scenario", "compare", demo_plan, "baseline", WHATIF).stdout
    assert "Texas: Unfunded → Funded" in text


def test_scenario_list_copy_rename_delete(run, demo_plan: Path) -> None:
    assert run("scenario", "copy", demo_plan, "baseline", "Lean").exit_code == 0
    assert run("scenario", "rename", demo_plan, "Lean", "Lean 2027").exit_code == 0
    listing = run("scenario", "list", demo_plan).stdout
    assert "Lean 2027:" in listing and "baseline:" in listing and "Lean:" not in listing
    assert run("scenario", "delete", demo_plan, "Lean 2027").exit_code == 0
    assert "Lean 2027" not in run("scenario", "list", demo_plan).stdout
    before = _digest(demo_plan)
    refused = run("scenario", "delete", demo_plan, "baseline")
    assert refused.exit_code == 2
    assert "baseline" in refused.stderr
    assert _digest(demo_plan) == before


def test_csv_round_trip_gives_identical_check(run, demo_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    assert run("export-data", demo_plan, out).exit_code == 0
    fresh = tmp_path / "fresh.tplan"
    assert run("new", fresh, "--layer", "us-counties").exit_code == 0
    for kind in ("territories", "assumptions", "sellers", "allocations", "assignments", "attributes"):
        result = run("import", kind, fresh, out / f"{kind}.csv")
        assert result.exit_code == 0, result.output
    code_a, a = _check_json(run, demo_plan)
    code_b, b = _check_json(run, fresh)
    assert code_a == code_b
    assert a == b
    # exporting again gives byte-identical sheets
    again = tmp_path / "again"
    run("export-data", fresh, again)
    for kind in ("territories", "assumptions", "sellers", "allocations", "assignments", "attributes"):
        assert (out / f"{kind}.csv").read_bytes() == (again / f"{kind}.csv").read_bytes(), kind


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


BAD_INPUTS = [
    ("assignments", [["unit_id", "territory"], ["06037", "Texas"], ["99999", "Texas"]], ["row 3", "unit_id", "99999"]),
    ("assignments", [["unit_id", "territory"], ["06037", "Atlantis"]], ["row 2", "territory", "Atlantis"]),
    ("assumptions", [["level", "name", "key", "value"], ["plan", "", "win_rate", "0"]], ["row 2", "value", "0.25"]),
    ("assumptions", [["level", "name", "key", "value"], ["plan", "", "lead_to_mql", "30"]], ["row 2", "above 0"]),
    (
        "sellers",
        [
            ["seller", "territory", "status", "start_month", "ramp_months", "annual_quota", "annual_cost"],
            ["X", "Texas", "planned", "2027-13", "3", "1000000", "0"],
        ],
        ["row 2", "start_month", "YYYY-MM"],
    ),
    ("allocations", [["level", "name", "hours"], ["region", "West", "10"]], ["missing column", "budget"]),
    (
        "allocations",
        [["level", "name", "budget", "hours", "start_month"], ["region", "West", "lots", "0", ""]],
        ["row 2", "budget", "not a number"],
    ),
]


@pytest.mark.parametrize(("kind", "rows", "expected"), BAD_INPUTS)
def test_bad_input_exits_2_names_the_place_and_leaves_plan_unchanged(
    run, demo_plan: Path, tmp_path: Path, kind: str, rows: list[list[str]], expected: list[str]
) -> None:
    bad = _write(tmp_path / f"bad-{kind}.csv", rows)
    before = _digest(demo_plan)
    result = run("import", kind, demo_plan, bad)
    assert result.exit_code == 2
    assert bad.name in result.stderr
    for fragment in expected:
        assert fragment in result.stderr
    assert "nothing was imported" in result.stderr
    assert _digest(demo_plan) == before


def test_file_that_is_not_csv_is_refused(run, demo_plan: Path, tmp_path: Path) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = run("import", "assignments", demo_plan, binary)
    assert result.exit_code == 2
    assert "photo.csv" in result.stderr and "not a text" in result.stderr


def test_assignments_with_excel_dropped_zero_and_bom(run, demo_plan: Path, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffunit_id;territory\r\n6037;Texas\r\n\r\n".encode())
    assert run("import", "assignments", demo_plan, path).exit_code == 0
    _, doc = _check_json(run, demo_plan)
    south = {t["territory"]: t["units"] for t in doc["territories"]}
    assert south["Southern California"] == 9  # Los Angeles (06037) moved to Texas
    assert south["Texas"] == 255


def test_new_refuses_to_overwrite_and_missing_plan_is_clear(run, demo_plan: Path, tmp_path: Path) -> None:
    result = run("new", demo_plan, "--layer", "us-states")
    assert result.exit_code == 2 and "--force" in result.stderr
    missing = run("check", tmp_path / "nope.tplan")
    assert missing.exit_code == 2
    assert "nope.tplan" in missing.stderr
    unknown = run("new", tmp_path / "x.tplan", "--layer", "mars-craters")
    assert unknown.exit_code == 2 and "us-counties" in unknown.stderr


def test_module_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "territory_planner", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "check" in result.stdout and "scenario" in result.stdout


def test_export_writes_requested_files_and_workbook_imports_back(run, demo_plan: Path, tmp_path: Path) -> None:
    gpkg, xlsx = tmp_path / "pack.gpkg", tmp_path / "pack.xlsx"
    result = run("export", demo_plan, "--gpkg", gpkg, "--xlsx", xlsx)
    assert result.exit_code == 0, result.output
    assert gpkg.stat().st_size > 0 and xlsx.stat().st_size > 0
    fresh = tmp_path / "fresh.tplan"
    assert run("new", fresh, "--layer", "us-counties").exit_code == 0
    assert run("import", "workbook", fresh, xlsx).exit_code == 0
    assert _check_json(run, fresh) == _check_json(run, demo_plan)


def test_export_failure_exits_2_and_leaves_nothing(run, demo_plan: Path, tmp_path: Path) -> None:
    missing_folder = tmp_path / "no-such-folder" / "map.html"
    result = run("export", demo_plan, "--html", missing_folder, "--scenario", "baseline")
    assert result.exit_code == 2
    assert "no-such-folder" in result.stderr
    unknown = run("export", demo_plan, "--gpkg", tmp_path / "x.gpkg", "--scenario", "Nope")
    assert unknown.exit_code == 2 and "Nope" in unknown.stderr
    assert list(tmp_path.iterdir()) == [demo_plan]


def test_import_accounts_sets_counts_and_reports_unplaced(run, demo_plan: Path, tmp_path: Path) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Account Name,Billing Zip,Open Pipeline\n"
        'Acme,2134,"$1,000"\n'  # Boston (Suffolk County, 25025), Excel dropped the zero
        "Beta,02134-1234,500\n"
        "Gamma,99999,7\n",  # no such ZIP
        encoding="utf-8",
    )
    report = tmp_path / "unplaced.csv"
    result = run(
        "import",
        "accounts",
        demo_plan,
        crm,
        "--zip-column",
        "Billing Zip",
        "--measure",
        "Open Pipeline",
        "--report",
        report,
    )
    assert result.exit_code == 0, result.output
    assert "Placed 2 of 3" in result.stdout
    assert "Gamma" in report.read_text(encoding="utf-8")
    sheets = tmp_path / "sheets"
    run("export-data", demo_plan, sheets)
    with open(sheets / "attributes.csv", encoding="utf-8") as handle:
        rows = {r["unit_id"]: r for r in csv.DictReader(handle)}
    assert rows["25025"]["accounts"] == "2"
    assert float(rows["25025"][next(k for k in rows["25025"] if "pipeline" in k)]) == 1500


def test_new_plan_from_a_users_boundary_file(run, tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    regions = gpd.GeoDataFrame(
        {"code": ["001", "002", "003"], "label": ["North", "Middle", "South"], "accounts": [5, 7, 9]},
        geometry=[box(0, 2, 1, 3), box(0, 1, 1, 2), box(0, 0, 1, 1)],
        crs="EPSG:4326",
    ).to_crs("EPSG:3857")
    source = tmp_path / "regions.geojson"
    regions.to_file(source, driver="GeoJSON")
    plan = tmp_path / "own.tplan"
    result = run("new", plan, "--layer", source, "--id-column", "code", "--name-column", "label")
    assert result.exit_code == 0, result.output
    assert "3 areas" in result.stdout
    out = tmp_path / "sheets"
    run("export-data", plan, out)
    with open(out / "attributes.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["unit_id"] for r in rows] == ["001", "002", "003"]  # leading zeros kept
    assert [r["accounts"] for r in rows] == ["5", "7", "9"]
    missing = run("new", tmp_path / "x.tplan", "--layer", source, "--id-column", "nope")
    assert missing.exit_code == 2
    assert "nope" in missing.stderr and "regions.geojson" in missing.stderr


@pytest.mark.postgres
def test_plan_on_a_postgresql_server(run, tmp_path: Path) -> None:
    import os

    url = os.environ.get("TP_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("set TP_TEST_POSTGRES_URL to run the PostgreSQL tests (.ci/start-postgres starts a server)")
    import uuid

    target = f"{url}?plan=cli-demo-{uuid.uuid4().hex[:10]}"
    assert run("demo", target).exit_code == 0
    code, doc = _check_json(run, target)
    assert code == 1 and {f["code"] for f in doc["flags"]} >= {"UNFUNDED_TERRITORY", "UNPLANNED_REGION"}
    assert run("scenario", "copy", target, "baseline", "Server what-if").exit_code == 0
    assert "Server what-if:" in run("scenario", "list", target).stdout
    # A second demo (or new) onto the same server plan is refused, as onto a file, and the plan keeps its what-if.
    again = run("demo", target)
    assert again.exit_code == 2
    assert "already exists" in again.stderr and "--force" in again.stderr and "secret" not in again.stderr
    assert "Server what-if:" in run("scenario", "list", target).stdout
    # --force replaces it.
    assert run("demo", target, "--force").exit_code == 0
    assert "Server what-if:" not in run("scenario", "list", target).stdout


def test_a_cli_assignment_into_or_out_of_a_locked_territory_is_refused(run, demo_plan: Path, tmp_path: Path) -> None:
    lock = _write(tmp_path / "lock.csv", [["territory", "locked"], ["Texas", "yes"]])
    assert run("import", "territories", demo_plan, lock, "--merge").exit_code == 0
    before = _digest(demo_plan)
    into = _write(
        tmp_path / "into.csv", [["unit_id", "territory"], ["06001", "Southern California"], ["06037", "Texas"]]
    )
    result = run("import", "assignments", demo_plan, into)
    assert result.exit_code == 2
    assert "into.csv" in result.stderr and "row 3" in result.stderr and "Texas is locked" in result.stderr
    assert "nothing was imported" in result.stderr
    out = _write(tmp_path / "out.csv", [["unit_id", "territory"], ["48201", ""]])  # Harris County, TX
    result = run("import", "assignments", demo_plan, out)
    assert result.exit_code == 2 and "locked territory 'Texas'" in result.stderr
    assert _digest(demo_plan) == before
    # Rows that leave Texas's counties where they are go through, and a whole-scenario workbook keeps the lock.
    same = _write(tmp_path / "same.csv", [["unit_id", "territory"], ["48201", "Texas"]])
    assert run("import", "assignments", demo_plan, same).exit_code == 0
    xlsx = tmp_path / "pack.xlsx"
    assert run("export", demo_plan, "--xlsx", xlsx).exit_code == 0
    fresh = tmp_path / "fresh.tplan"
    assert run("new", fresh, "--layer", "us-counties").exit_code == 0
    assert run("import", "workbook", fresh, xlsx).exit_code == 0
    assert _check_json(run, fresh) == _check_json(run, demo_plan)
    sheets = tmp_path / "sheets"
    assert run("export-data", fresh, sheets).exit_code == 0
    with open(sheets / "territories.csv", encoding="utf-8") as handle:
        locked = {r["territory"]: r["locked"] for r in csv.DictReader(handle)}
    assert locked["Texas"] == "yes" and locked["Southern California"] == "no"
