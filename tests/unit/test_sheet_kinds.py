"""The kind of a plan sheet told from its header alone (services/sheet_kinds.py), without Qt."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from territory_planner.readers.sheets import COLUMNS, SHEETS
from territory_planner.services.sheet_kinds import detect_sheet_kind, kind_of_columns


@pytest.mark.parametrize("kind", SHEETS)
def test_every_sheet_kinds_own_header_is_told_apart(kind: str) -> None:
    columns = list(COLUMNS[kind]) + (["population"] if kind == "attributes" else [])
    assert kind_of_columns(columns) == kind


def test_header_case_spaces_order_and_extra_columns_do_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "money.csv"
    path.write_text("\ufeff Budget ;Name; LEVEL ;notes\nregion;West;100000;x\n", encoding="utf-8")
    assert detect_sheet_kind(path) == "allocations"


def test_blank_lines_before_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "sellers.csv"
    path.write_text("\n\nseller,territory,status,annual_quota\nAna,Texas,existing,900000\n", encoding="utf-8")
    assert detect_sheet_kind(path) == "sellers"


def test_an_xlsx_sheet_is_read_by_its_first_sheets_header(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["level", "name", "key", "value"])
    sheet.append(["plan", "", "win_rate", 0.25])
    path = tmp_path / "assumptions.xlsx"
    book.save(path)
    assert detect_sheet_kind(path) == "assumptions"


def test_units_with_a_territory_are_assignments_and_without_one_attributes(tmp_path: Path) -> None:
    moves = tmp_path / "moves.csv"
    moves.write_text("unit_id,territory\n48001,Texas\n", encoding="utf-8")
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("unit_id,accounts\n48001,3\n", encoding="utf-8")
    assert detect_sheet_kind(moves) == "assignments"
    assert detect_sheet_kind(numbers) == "attributes"


def test_an_unknown_header_an_empty_file_and_a_missing_file_give_none(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert detect_sheet_kind(other) is None
    assert detect_sheet_kind(empty) is None
    assert detect_sheet_kind(tmp_path / "gone.csv") is None
