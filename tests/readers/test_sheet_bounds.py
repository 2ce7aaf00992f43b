"""Plan sheets refuse values beyond their bounds, upside-down bands, repeated units and over-long names, naming the
file, the row, the column and what is allowed (issue 9 §4, issue 16 §3.3)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from reader_fixtures import assert_unchanged, small_plan, snapshot

from territory_planner.domain import BASELINE, Plan
from territory_planner.readers.errors import InputFileError
from territory_planner.readers.sheets import read_sheet


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _refused(plan: Plan, kind: str, path: Path) -> str:
    before = snapshot(plan)
    with pytest.raises(InputFileError) as info:
        read_sheet(kind, plan, BASELINE, path).apply(plan)
    assert_unchanged(plan, before)  # nothing half-changed
    return str(info.value)


# --- amounts and assumptions beyond their bounds --------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("avg_deal_size", "1e-300", "Allowed: 1 to 1,000,000,000 (plan currency)."),
        ("cost_per_lead", "1e308", "Allowed: 0.01 to 1,000,000 (plan currency)."),
        ("cost_per_lead", "0", "it must be greater than 0"),
        ("cost_per_lead", "-5", "it must be greater than 0"),
        ("win_rate", "1e-300", "Allowed: 0.0001 (0.01 %) to 1 (100 %)."),
        ("sales_cycle_days", "1e12", "Allowed: 1 day to 3,650 days."),
        ("marketing_budget", "1e308", "Allowed: 0 to 1,000,000,000,000 (plan currency)."),
    ],
)
def test_assumptions_out_of_bounds_name_row_column_and_range(
    tmp_path: Path, key: str, value: str, allowed: str
) -> None:
    path = _csv(
        tmp_path / "assumptions.csv",
        [["level", "name", "key", "value"], ["plan", "", "lead_to_mql", "0.3"], ["plan", "", key, value]],
    )
    message = _refused(small_plan(), "assumptions", path)
    assert "assumptions.csv, row 3, column 'value': " in message
    assert f"({key})" in message and allowed in message


@pytest.mark.parametrize(
    ("columns", "row", "column"),
    [
        (["territory", "Boston", "1e308", "", ""], 2, "budget"),
        (["territory", "Boston", "1000", "1e308", ""], 2, "hours"),
        (["territory", "Boston", "1e13", "", ""], 2, "budget"),
    ],
)
def test_allocations_beyond_their_bounds_are_refused(tmp_path: Path, columns: list[str], row: int, column: str) -> None:
    path = _csv(tmp_path / "allocations.csv", [["level", "name", "budget", "hours", "start_month"], columns])
    message = _refused(small_plan(), "allocations", path)
    assert f"allocations.csv, row {row}, column '{column}': " in message
    assert "Allowed: 0" in message and "larger than any real plan needs" in message


def test_seller_quota_beyond_its_bound_is_refused(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "sellers.csv",
        [["seller", "territory", "status", "annual_quota", "annual_cost"], ["Ann", "Boston", "existing", "1e308", ""]],
    )
    message = _refused(small_plan(), "sellers", path)
    assert "sellers.csv, row 2, column 'annual_quota': Annual quota (annual_quota) is 1e+308" in message


def test_attribute_values_that_would_overflow_a_total_are_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path / "attributes.csv", [["unit_id", "accounts"], ["25007", "1e308"], ["25005", "12"]])
    message = _refused(small_plan(), "attributes", path)
    assert "attributes.csv, row 2, column 'accounts': 1e308 is larger than any real figure" in message


# --- the spend-ratio band -------------------------------------------------------------------------------------


def test_a_sheet_that_turns_the_band_upside_down_is_refused(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "assumptions.csv", [["level", "name", "key", "value"], ["plan", "", "spend_ratio_min", "10 %"]]
    )
    message = _refused(small_plan(), "assumptions", path)
    assert "assumptions.csv, row 2, column 'value': The budget / revenue band is upside down" in message
    assert "is 10 %" in message and "is 8 %" in message


def test_a_sheet_moving_both_ends_above_the_old_band_applies(tmp_path: Path) -> None:
    # The low end 10 % is above today's high end 8 %: the high end must move first, whatever the row order.
    path = _csv(
        tmp_path / "assumptions.csv",
        [
            ["level", "name", "key", "value"],
            ["plan", "", "spend_ratio_min", "0.10"],
            ["plan", "", "spend_ratio_max", "0.2"],
        ],
    )
    plan = small_plan()
    read_sheet("assumptions", plan, BASELINE, path).apply(plan)
    values = plan.scenario().assumptions.values
    assert (values["spend_ratio_min"], values["spend_ratio_max"]) == (0.10, 0.2)


# --- one row per unit -----------------------------------------------------------------------------------------


def test_attributes_with_a_unit_listed_twice_name_both_rows_and_the_values(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "attributes.csv",
        [["unit_id", "accounts", "potential"], ["25007", "10", "5"], ["25005", "3", "1"], ["25007", "12", "5"]],
    )
    message = _refused(small_plan(), "attributes", path)
    assert "attributes.csv, row 4, column 'unit_id': unit 25007 is listed twice (rows 2 and 4)" in message
    assert "with different values (accounts 10 and 12)" in message


def test_assignments_with_a_unit_listed_twice_say_the_same(tmp_path: Path) -> None:
    path = _csv(tmp_path / "assignments.csv", [["unit_id", "territory"], ["25007", "Boston"], ["25007", "Cape"]])
    message = _refused(small_plan(), "assignments", path)
    assert "row 3, column 'unit_id': unit 25007 is listed twice (rows 2 and 3)" in message
    assert "territory Boston and Cape" in message


# --- names over 120 characters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rows", "column"),
    [
        ("territories", [["territory", "region"], ["T" * 121, "East"]], "territory"),
        ("territories", [["territory", "region"], ["Boston", "R" * 130]], "region"),
        (
            "sellers",
            [["seller", "territory", "status", "annual_quota"], ["S" * 121, "Boston", "existing", "1"]],
            "seller",
        ),
    ],
)
def test_a_name_over_120_characters_names_file_row_and_column(
    tmp_path: Path, kind: str, rows: list[list[str]], column: str
) -> None:
    path = _csv(tmp_path / f"{kind}.csv", rows)
    message = _refused(small_plan(), kind, path)
    assert f"{kind}.csv, row 2, column '{column}': " in message
    assert "is too long" in message and "120 characters" in message
