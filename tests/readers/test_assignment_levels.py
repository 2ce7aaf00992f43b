"""An assignments sheet may name counties or states (issue 15 §3): a ``level`` column assigns all their units;
a bad level or an unknown code is refused with the file, the row and the fix, and nothing changes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from territory_planner.cli import cli
from territory_planner.domain import BASELINE, Plan
from territory_planner.readers.errors import InputFileError
from territory_planner.readers.sheets import read_sheet
from tests.parent_layers import COLS, ROWS, county_of, zip_grid_plan, zip_id
from tests.plan_builders import make_plan


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _apply(plan: Plan, path: Path) -> Plan:
    read_sheet("assignments", plan, BASELINE, path).apply(plan)
    return plan


def _units_of(plan: Plan, territory: str) -> set[str]:
    return set(plan.scenario(BASELINE).units_of(territory))


def _refused(plan: Plan, path: Path) -> str:
    before = dict(plan.scenario(BASELINE).assignment)
    with pytest.raises(InputFileError) as caught:
        read_sheet("assignments", plan, BASELINE, path)
    assert plan.scenario(BASELINE).assignment == before
    return str(caught.value)


def test_a_county_row_assigns_every_zip_of_the_county(tmp_path: Path) -> None:
    rows = [["unit_id", "territory", "level"], [county_of(2, 0), "North", "county"], [zip_id(3, 7), "North", ""]]
    plan = _apply(zip_grid_plan(), _csv(tmp_path / "a.csv", rows))
    assert _units_of(plan, "North") == {zip_id(r, c) for r in (2, 3) for c in (0, 1)} | {zip_id(3, 7)}


def test_a_state_row_by_code_and_finer_rows_win(tmp_path: Path) -> None:
    rows = [
        ["unit_id", "territory", "level"],
        [zip_id(3, 5), "", "unit"],  # a ZIP row wins over its county's and its state's
        [county_of(0, 4), "South", "county"],  # a county row wins over its state's, whatever the order
        ["29", "North", "state"],
    ]
    plan = _apply(zip_grid_plan(), _csv(tmp_path / "a.csv", rows))
    east = {zip_id(r, c) for r in range(ROWS) for c in range(COLS // 2, COLS)}
    south_county = {zip_id(r, c) for r in (0, 1) for c in (4, 5)}
    assert _units_of(plan, "North") == east - south_county - {zip_id(3, 5)}
    assert _units_of(plan, "South") == south_county | {zip_id(0, 0)}
    assert zip_id(3, 5) not in plan.scenario(BASELINE).assignment


def test_a_code_that_lost_its_leading_zero_is_read(tmp_path: Path) -> None:
    plan = make_plan()
    plan.layer.units["state_fips"] = ["06", "06", "06", "08", "08", "08", "08", "08"]
    plan.layer.units["state"] = ["CA", "CA", "CA", "CO", "CO", "CO", "CO", "CO"]
    scenario = plan.scenario(BASELINE)
    from territory_planner.domain import Territory

    scenario.territories["West"] = Territory("West", None, "#4e79a7")
    rows = [["unit_id", "territory", "level"], ["6", "West", "state"], ["co", "West", "State"]]
    _apply(plan, _csv(tmp_path / "a.csv", rows))
    assert _units_of(plan, "West") == set(plan.layer.unit_ids)


def test_an_unknown_county_code_names_file_row_and_fix(tmp_path: Path) -> None:
    path = _csv(tmp_path / "levels.csv", [["unit_id", "territory", "level"], ["99999", "North", "county"]])
    message = _refused(zip_grid_plan(), path)
    assert "levels.csv, row 2, column 'unit_id'" in message
    assert "'99999' is not a county of layer 'zip grid'" in message
    assert "county codes look like 20001" in message
    assert "nothing was imported" in message


def test_a_bad_level_word_and_a_missing_level_are_named(tmp_path: Path) -> None:
    path = _csv(tmp_path / "levels.csv", [["unit_id", "territory", "level"], ["20001", "North", "region"]])
    message = _refused(zip_grid_plan(), path)
    assert "row 2, column 'level'" in message
    assert "'region' is not a level; write one of: unit, county, state" in message
    no_parents = make_plan()
    path = _csv(tmp_path / "county.csv", [["unit_id", "territory", "level"], ["01001", "T", "county"]])
    message = _refused(no_parents, path)
    assert "carry no county code" in message


def test_a_county_listed_twice_and_a_locked_zip_are_refused(tmp_path: Path) -> None:
    rows = [
        ["unit_id", "territory", "level"],
        [county_of(2, 0), "North", "county"],
        [county_of(2, 0), "South", "county"],
    ]
    message = _refused(zip_grid_plan(), _csv(tmp_path / "twice.csv", rows))
    assert f"county {county_of(2, 0)} is listed twice (rows 2 and 3)" in message
    # county (0, 2) holds the locked territory's ZIP: the row is refused, naming the lock and the way out
    rows = [["unit_id", "territory", "level"], [county_of(0, 2), "North", "county"]]
    message = _refused(zip_grid_plan(), _csv(tmp_path / "locked.csv", rows))
    assert "row 2, column 'territory'" in message
    assert "Locked" in message and "by unit" in message


def test_without_a_level_column_a_sheet_reads_as_before(tmp_path: Path) -> None:
    plan = _apply(zip_grid_plan(), _csv(tmp_path / "a.csv", [["unit_id", "territory"], [zip_id(1, 1), "North"]]))
    assert _units_of(plan, "North") == {zip_id(1, 1)}


def test_the_cli_imports_a_sheet_with_levels(tmp_path: Path) -> None:
    from territory_planner.persistence import save_plan
    from territory_planner.services.plans import open_plan

    target = tmp_path / "zip.tplan"
    save_plan(zip_grid_plan(), target)
    sheet = _csv(tmp_path / "a.csv", [["unit_id", "territory", "level"], [county_of(2, 4), "North", "county"]])
    result = CliRunner().invoke(cli, ["import", "assignments", str(target), str(sheet)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert _units_of(open_plan(str(target)), "North") == {zip_id(r, c) for r in (2, 3) for c in (4, 5)}
    bad = _csv(tmp_path / "b.csv", [["unit_id", "territory", "level"], ["TX", "North", "county"]])
    result = CliRunner().invoke(cli, ["import", "assignments", str(target), str(bad)])
    assert result.exit_code == 2
    assert "b.csv, row 2, column 'unit_id'" in result.output + (result.stderr or "")
