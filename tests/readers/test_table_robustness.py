"""read_table and parse_amount on the files people really send: every dialect, encoding and mistake."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from reader_fixtures import digest, write_xlsx

from territory_planner.domain import PlanError
from territory_planner.readers.errors import InputFileError
from territory_planner.readers.table import (
    decimal_mark_evidence,
    detect_delimiter,
    open_records,
    parse_amount,
    parse_rate,
    read_table,
)

EXPECTED = [
    {"territory": "Café Nord", "region": "East", "budget": "1,234.50"},
    {"territory": "Süd", "region": "", "budget": "7"},
]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _values(path: Path) -> list[dict[str, str]]:
    return [values for _, values in read_table(path).rows]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.csv", 'territory,region,budget\nCafé Nord,East,"1,234.50"\nSüd,,7\n'.encode()),
        ("bom.csv", codecs.BOM_UTF8 + 'Territory,Region,Budget\r\nCafé Nord,East,"1,234.50"\r\nSüd,,7\r\n'.encode()),
        ("latin1.csv", "territory;region;budget\nCafé Nord;East;1,234.50\nSüd;;7\n".encode("latin-1")),
        ("cp1252.csv", "territory\tregion\tbudget\r\nCafé Nord\tEast\t1,234.50\r\nSüd\t\t7\r\n".encode("cp1252")),
        ("utf16.txt", "territory\tregion\tbudget\r\nCafé Nord\tEast\t1,234.50\r\nSüd\t\t7\r\n".encode("utf-16")),
        ("pipes.csv", "territory|region|budget\nCafé Nord|East|1,234.50\nSüd||7\n".encode()),
        (
            "messy.csv",
            b"\r\n\r\n  Territory , Region ,Budget  \r\n\r\n"
            b'  Caf\xc3\xa9 Nord , East , "1,234.50" \r\n, ,\r\nS\xc3\xbcd,,7,,\r\n\r\n',
        ),
    ],
)
def test_dialects_and_encodings_read_the_same(tmp_path: Path, name: str, data: bytes) -> None:
    path = _write(tmp_path, name, data)
    before = digest(path)
    table = read_table(path)
    assert table.columns == ["territory", "region", "budget"]
    assert [v for _, v in table.rows] == EXPECTED
    assert digest(path) == before  # the source file is never written


def test_row_numbers_count_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    path = _write(tmp_path, "rows.csv", b'name,note\n\nA,"two\nlines"\nB,x\n')
    assert [row for row, _ in read_table(path).rows] == [3, 4]


def test_quoted_separators_and_quotes_survive(tmp_path: Path) -> None:
    path = _write(tmp_path, "q.csv", b'name;note\n"Smith; Jones";"He said ""hi"""\n')
    assert _values(path) == [{"name": "Smith; Jones", "note": 'He said "hi"'}]


def test_excel_workbook_even_when_named_csv(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Territory", "Budget"], ["North", 1200.0], [None, None], ["South", 80000]]
    for name in ("book.xlsx", "book.csv"):
        path = write_xlsx(tmp_path / name, rows)
        table = read_table(path)
        assert table.columns == ["territory", "budget"]
        assert [v for _, v in table.rows] == [
            {"territory": "North", "budget": "1200"},
            {"territory": "South", "budget": "80000"},
        ]
        assert [r for r, _ in table.rows] == [2, 4]
        assert "[Accounts]" in table.file


def test_excel_sheet_by_name_and_unknown_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", [["a"], ["1"]], title="Data")
    assert read_table(path, sheet="Data").rows == [(2, {"a": "1"})]
    with pytest.raises(InputFileError, match=r"no sheet named 'Other'\. Its sheets: Data"):
        read_table(path, sheet="Other")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"\r\n \r\n\t\n", "the file is empty"),
        ("garbage.csv", bytes(range(256)) * 40, "not a text (CSV) file"),
        ("control.csv", bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15]) * 100, "control characters"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003"),
        ("doc.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "is a PDF"),
        ("archive.csv", b"PK\x03\x04" + b"\x00" * 100, "ZIP archive"),
        ("broken.xlsx", b"this is not a workbook", "is named like an Excel workbook but is not one"),
        ("damaged.xlsx", b"PK\x03\x04" + b"\x00" * 100, "is named like an Excel workbook but is not one"),
        ("unclosed.csv", b'name,note\nA,"never closed\n' + b"x" * 140_000 + b"\n", "never closed"),
    ],
)
def test_unreadable_files_name_the_file_the_problem_and_the_fix(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(InputFileError) as info:
        read_table(path)
    text = str(info.value)
    assert name in text
    assert message in text
    assert "nothing was imported" in text
    assert any(word in text for word in ("Save", "save", "needs", "Close", "Unpack")), text  # says what to do


def test_damaged_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really a workbook")
    with pytest.raises(
        InputFileError, match=r"damaged\.xlsx: cannot open it as an Excel workbook .*Save it again as \.xlsx"
    ):
        read_table(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="folder"):
        read_table(tmp_path)


def test_every_bad_row_is_listed_with_its_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "rows.csv", b"a,b\n1,2\n1,2,3\nok,ok\n4,5,6,7\n")
    with pytest.raises(InputFileError) as info:
        read_table(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(3, None), (5, None)]
    assert "put quotes around that value" in str(info.value)


def test_unnamed_columns_are_left_out_of_rows(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, "blank.csv", b",,Name,\nx,y,Acme,\n"))
    assert table.columns == ["", "", "name"]
    assert table.rows == [(2, {"name": "Acme"})]


def test_repeated_header_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.csv", b"a,B,b\n1,2,3\n")
    with pytest.raises(InputFileError, match=r"row 1: the header repeats column\(s\) b"):
        read_table(path)


def test_require_names_missing_columns_and_what_the_file_has(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, "t.csv", b"territory,colour\nA,#fff\n"))
    with pytest.raises(InputFileError) as info:
        table.require("territory", "region")
    assert "missing column 'region'" in str(info.value)
    assert "The file has: territory, colour" in str(info.value)


def test_open_records_streams_and_reports_progress(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.csv", b"a;b\n" + b"1;2\n" * 200_000)
    with open_records(path) as source:
        assert source.delimiter == ";"
        assert source.encoding == "utf-8-sig"
        seen = [source.fraction_done()]
        rows = 0
        for row, cells in source:
            rows += cells == ["1", "2"]
            if row % 50_000 == 0:
                seen.append(source.fraction_done())
        assert rows == 200_000
        assert row == 200_001
    assert seen == sorted(seen) and seen[-1] > 0.5


def test_latin1_is_reported_as_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, "l.csv", "name\nRenée\n".encode("latin-1"))
    with open_records(path) as source:
        assert source.encoding == "cp1252"
        assert any("Windows-1252" in w for w in source.warnings)


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1,5;2,5;3\n", ";"),
        ('name;note\n"x, y";1\n"p, q";2\n', ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("single\nvalue\n", ","),
        ('a,b\n"1;2;3;4",x\n', ","),
    ],
)
def test_detect_delimiter(sample: str, delimiter: str) -> None:
    assert detect_delimiter(sample) == delimiter


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234", 1234.0),
        ("1,234", 1234.0),
        ("1,234.50", 1234.5),
        ("1.234,50", 1234.5),
        ("1.234.567", 1234567.0),
        ("1,234,567.50", 1234567.5),
        ("1.234.567,50", 1234567.5),
        ("1,5", 1.5),
        ("$1,234.50", 1234.5),
        ("US$ 1,234", 1234.0),
        ("USD 2,000", 2000.0),
        ("€ 1.234,50", 1234.5),
        ("1 234,50 €", 1234.5),
        ("1\u00a0234,50", 1234.5),
        ("£80k", 80000.0),
        ("1.5M", 1_500_000.0),
        ("(500)", -500.0),
        ("-1,234", -1234.0),
        ("500-", -500.0),
        ("+7", 7.0),
        ("1'234.50", 1234.5),
        ("1.23E+06", 1_230_000.0),
        (".5", 0.5),
    ],
)
def test_parse_amount_reads_both_styles_and_currency(text: str, value: float) -> None:
    assert parse_amount(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text", ["", "abc", "1,2,3", "12,34,567", "1.2.3,4.5", "inf", "nan", "1e999", "k", "--5", "1,234.5.6"]
)
def test_parse_amount_refuses_non_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parse_amount_with_a_known_decimal_mark() -> None:
    assert parse_amount("1.234", ",") == 1234.0
    assert parse_amount("1,234", ",") == pytest.approx(1.234)
    assert parse_amount("1,234", ".") == 1234.0
    with pytest.raises(ValueError):
        parse_amount("1,234.50", ",")  # contradicts the column's decimal comma


def test_decimal_mark_evidence() -> None:
    assert decimal_mark_evidence("1.234,5") == ","
    assert decimal_mark_evidence("3,14") == ","
    assert decimal_mark_evidence("1,234.5") == "."
    assert decimal_mark_evidence("3.14") == "."
    assert decimal_mark_evidence("1,234") is None
    assert decimal_mark_evidence("1.234") is None
    assert decimal_mark_evidence("100") is None


def test_parse_rate() -> None:
    assert parse_rate("25%") == pytest.approx(0.25)
    assert parse_rate("25 %") == pytest.approx(0.25)
    assert parse_rate("0,25") == pytest.approx(0.25)
    with pytest.raises(ValueError):
        parse_rate("%")


def test_reader_errors_are_plan_errors(tmp_path: Path) -> None:
    with pytest.raises(PlanError):
        read_table(_write(tmp_path, "e.csv", b""))
