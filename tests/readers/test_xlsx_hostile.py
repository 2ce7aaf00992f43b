"""Hostile and half-made workbooks: zip bombs are refused before memory grows; formulas without a saved result and
error cells are named by sheet and cell with what to do (issue 9 §4)."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from reader_fixtures import small_plan

from territory_planner.readers import table
from territory_planner.readers.accounts import AccountsReader
from territory_planner.readers.errors import InputFileError
from territory_planner.readers.table import open_records, read_table
from territory_planner.readers.workbook import read_workbook

SHEET = "xl/worksheets/sheet1.xml"


def _workbook(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _rewrite_sheet(path: Path, change: object) -> None:
    """Rewrite the first sheet's XML with ``change(xml) -> xml`` (every other part copied as it is)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[SHEET] = change(parts[SHEET].decode()).encode()  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


# --- zip bombs ------------------------------------------------------------------------------------------------


def test_a_declared_size_of_thirty_million_rows_is_refused_at_once(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bomb.xlsx", [["unit_id", "territory"], ["25007", "Boston"]])
    _rewrite_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B30000000"', xml))
    assert path.stat().st_size < 10_000
    started = time.perf_counter()
    with pytest.raises(InputFileError) as info:
        read_table(path)
    assert time.perf_counter() - started < 5  # refused before reading rows (measured ~0.01 s)
    message = str(info.value)
    assert "bomb.xlsx [Sheet1]" in message
    assert "30,000,000 rows" in message and "1,100,000 rows" in message


def test_a_last_row_numbered_thirty_million_stops_at_the_row_limit(tmp_path: Path) -> None:
    # No dimension and one far-away row: openpyxl would hand out 30 million empty rows, one after another.
    path = _workbook(tmp_path / "far.xlsx", [["unit_id", "territory"], ["25007", "Boston"]])

    def far_row(xml: str) -> str:
        xml = re.sub(r"<dimension [^>]*/>", "", xml)
        return xml.replace("</sheetData>", '<row r="30000000"><c r="A30000000" t="n"><v>1</v></c></row></sheetData>')

    _rewrite_sheet(path, far_row)
    with pytest.raises(InputFileError) as info:
        read_table(path)
    message = str(info.value)
    assert "far.xlsx [Sheet1]" in message
    assert "at row 1,100,001 it passes the limit of 1,100,000 rows" in message


def test_rows_and_cells_are_counted_while_streaming(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows: list[list[object]] = [["a", "b", "c"]] + [[i, i, i] for i in range(150)]
    path = _workbook(tmp_path / "long.xlsx", rows)
    _rewrite_sheet(path, lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))
    assert len(read_table(path).rows) == 150
    monkeypatch.setattr(table, "MAX_XLSX_ROWS", 100)
    with pytest.raises(InputFileError, match="at row 101 it passes the limit of 100 rows"):
        read_table(path)
    monkeypatch.setattr(table, "MAX_XLSX_ROWS", 1_000)
    monkeypatch.setattr(table, "MAX_XLSX_CELLS", 300)
    with pytest.raises(InputFileError, match="300 cells"), open_records(path) as source:
        for _ in source:
            pass


def test_a_workbook_unpacking_to_more_than_a_gigabyte_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1.07 GB of spaces packs into under 5 MB; the declared sizes give it away before any XML is parsed.
    path = tmp_path / "inflate.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open(SHEET, "w", force_zip64=True) as part:
            block = b" " * (16 << 20)
            for _ in range(64):
                part.write(block)
    assert path.stat().st_size < 10_000_000

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not be asked to parse this file")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    for read in (read_table, lambda p: AccountsReader(p)):
        with pytest.raises(InputFileError) as info:
            read(path)
        message = str(info.value)
        assert "unpacks to 1,074 MB" in message and SHEET in message and "1,000 MB" in message


def test_a_part_packed_far_tighter_than_real_sheets_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "tight.xlsx", [["unit_id", "territory"], ["25007", "Boston"]])
    _rewrite_sheet(path, lambda xml: xml.replace("</sheetData>", "</sheetData>" + " " * 2_000_000))
    assert len(read_table(path).rows) == 1  # under the limits: read as usual
    monkeypatch.setattr(table, "_RATIO_FROM", 1_000_000)
    with pytest.raises(InputFileError, match=rf"its part {SHEET} unpacks [\d,]+ times larger than it is packed"):
        read_table(path)


def test_a_huge_table_of_texts_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "texts.xlsx"
    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.append(["name"])
    wb.save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>x</t></si>" * 10_000 + "</sst>")
    monkeypatch.setattr(table, "MAX_XLSX_SHARED_STRINGS", 100_000)
    with pytest.raises(InputFileError, match=r"its table of texts \(xl/sharedStrings.xml\) unpacks to"):
        read_table(path)


def test_the_workbook_import_checks_the_size_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "plan.xlsx", [["territory"], ["Boston"]])
    monkeypatch.setattr(table, "MAX_XLSX_UNCOMPRESSED", 1_000)
    with pytest.raises(InputFileError, match="unpacks to 0 MB"):
        read_workbook(small_plan(), "baseline", path)


# --- formulas and errors --------------------------------------------------------------------------------------


def test_a_formula_without_a_saved_result_names_the_cell_and_what_to_do(tmp_path: Path) -> None:
    # openpyxl (and other programs that write but do not calculate) saves formulas with no result.
    path = _workbook(tmp_path / "calc.xlsx", [["unit_id", "potential"], ["25007", 5], ["25005", "=B2*2"]])
    with pytest.raises(InputFileError) as info:
        read_table(path)
    message = str(info.value)
    assert "calc.xlsx [Sheet1]: cell Sheet1!B3 holds a formula (=B2*2) but no saved result" in message
    assert "Paste Special > Values only, then save" in message


@pytest.mark.parametrize("error", ["#DIV/0!", "#REF!", "#N/A"])
def test_error_cells_are_named_with_the_error(tmp_path: Path, error: str) -> None:
    path = _workbook(tmp_path / "errors.xlsx", [["unit_id", "potential"], ["25007", 5], ["25005", 1]], "Data")

    def with_error(xml: str) -> str:
        cell = re.search(r'<c r="B3"[^>]*>.*?</c>', xml)
        assert cell
        return xml.replace(cell.group(0), f'<c r="B3" t="e"><f>A3/0</f><v>{error}</v></c>')

    _rewrite_sheet(path, with_error)
    with pytest.raises(InputFileError) as info:
        read_table(path)
    message = str(info.value)
    assert f"cell Data!B3 shows the error {error} (=A3/0)" in message
    assert "Values only" in message


def test_formulas_with_saved_results_read_as_their_values(tmp_path: Path) -> None:
    # What Excel writes: the formula and its result. Text formulas with an empty result are fine too.
    path = _workbook(tmp_path / "cached.xlsx", [["unit_id", "potential", "note"], ["25007", 5, "x"]])

    def cached(xml: str) -> str:
        xml = re.sub(r'<c r="B2"[^>]*>.*?</c>', '<c r="B2"><f>2+3</f><v>5</v></c>', xml)
        return re.sub(r'<c r="C2"[^>]*>.*?</c>', '<c r="C2" t="str"><f>""</f><v></v></c>', xml)

    _rewrite_sheet(path, cached)
    assert read_table(path).rows == [(2, {"unit_id": "25007", "potential": "5", "note": ""})]


def test_many_bad_cells_are_listed_once_with_a_count(tmp_path: Path) -> None:
    rows: list[list[object]] = [["a"]] + [[f"=1/{i}"] for i in range(1_200)]
    path = _workbook(tmp_path / "many.xlsx", rows)
    with pytest.raises(InputFileError) as info:
        read_table(path)
    assert len(info.value.problems) == 1_001
    assert "200 more cells like these" in info.value.problems[-1].message
