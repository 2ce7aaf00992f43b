"""Accounts from CRM exports: column mapping, ZIP repairs, placing, the report, and every broken-file case.

The small plan's layer has four rectangles around Boston (see reader_fixtures.square_layer): ZIP 02108
(downtown Boston) lies in 25007, 02134/02135/02139 in 25005, 02601 (Hyannis) in 25003, 02871 (Portsmouth RI) in
25001; 01002 (Amherst), 10001 (New York) and London lie outside every unit.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import pytest
from reader_fixtures import (
    assert_unchanged,
    digest,
    small_plan,
    snapshot,
    square_layer,
    unit_values,
    write_xlsx,
    zip_layer,
)

from territory_planner.domain import PlanError
from territory_planner.readers.accounts import MAX_PROBLEMS, AccountsReader, attribute_name, parse_measure
from territory_planner.readers.errors import InputFileError
from territory_planner.services.accounts import ColumnMapping, import_accounts
from territory_planner.services.progress import Cancelled, Progress

HEADER = "Account Name,Billing Zip/Postal Code,Annual Revenue,Open Pipeline\n"


def _csv(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _failed_import(
    plan, path: Path, columns: ColumnMapping | None = None, report: Path | None = None
) -> InputFileError:
    """Import expecting failure; checks the plan and the source file are untouched and returns the error."""
    before, source = snapshot(plan), digest(path)
    with pytest.raises(InputFileError) as info:
        import_accounts(plan, path, columns, report=report)
    assert_unchanged(plan, before)
    assert digest(path) == source
    assert path.name in str(info.value)
    assert "nothing was imported" in str(info.value)
    return info.value


# --- placing by ZIP code ---------------------------------------------------------------------------------------


def test_counts_and_sums_per_unit_by_zip(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "crm.csv",
        HEADER
        + 'Acme,02108,"$1,200,000.00",50000\n'
        + "Beta,02134,800000,\n"
        + "Gamma,02135,,25000\n"
        + "Delta,02601,300000,1000\n"
        + "Eps,02871,1,2\n",
    )
    plan = small_plan()
    before = snapshot(plan)
    result = import_accounts(plan, path, ColumnMapping(measures=("Annual Revenue", "Open Pipeline")))
    assert_unchanged(plan, before)  # the service never changes the plan
    assert (result.placed, result.unplaced, result.report_path) == (5, 0, None)
    assert result.attributes == ("accounts", "annual_revenue", "open_pipeline")
    assert unit_values(result.command, "accounts") == {"25007": 1, "25005": 2, "25003": 1, "25001": 1}
    assert unit_values(result.command, "annual_revenue") == {
        "25007": 1_200_000,
        "25005": 800_000,
        "25003": 300_000,
        "25001": 1,
    }
    assert unit_values(result.command, "open_pipeline") == {"25007": 50_000, "25005": 25_000, "25003": 1000, "25001": 2}
    assert result.columns["postal code"] == "Billing Zip/Postal Code"
    assert result.columns["account name"] == "Account Name"


def test_command_sets_every_unit_and_undoes_to_the_original_layer(tmp_path: Path) -> None:
    path = _csv(tmp_path, "crm.csv", HEADER + "Acme,02108,10,20\n")
    plan = small_plan()
    before = snapshot(plan)
    result = import_accounts(plan, path, ColumnMapping(measures=("Annual Revenue", "Open Pipeline=pipeline")))
    inverse = result.command.apply(plan)
    units = plan.layer.units
    assert units["accounts"].tolist() == [0, 0, 0, 1]
    assert units["annual_revenue"].tolist() == [0, 0, 0, 10]
    assert units["pipeline"].tolist() == [0, 0, 0, 20]
    inverse.apply(plan)
    assert_unchanged(plan, before)


def test_dropped_leading_zeros_and_zip_plus_4_are_repaired(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "zips.csv",
        HEADER
        + "A,2108,,\n"  # Excel dropped the zero
        + "B,02134-1234,,\n"  # ZIP+4
        + "C,021341234,,\n"  # ZIP+4 without the dash
        + "D,21341234,,\n"  # ... and Excel dropped its zero
        + "E,2134-1234,,\n"
        + "F,2108.0,,\n"  # went through a float
        + "G,02135 0001,,\n",
    )
    result = import_accounts(small_plan(), path)
    assert result.unplaced == 0
    assert unit_values(result.command, "accounts") == {"25007": 2, "25005": 5}
    warning = next(w for w in result.warnings if "leading zero" in w)
    assert warning.startswith("4 ZIP codes had lost their leading zero")
    assert "row 2: 2108" in warning
    assert "Format the column as text" in warning


def test_unplaced_accounts_are_reported_with_row_account_and_reason(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "mixed.csv",
        HEADER
        + "Placed,02108,100,\n"
        + "Unknown ZIP,99999,200,\n"
        + "Not a ZIP,ABC12,300,\n"
        + "Outside,01002,400,\n"
        + "No ZIP,,500,\n"
        + "Military,09001,,\n",
    )
    report = tmp_path / "out" / "unplaced.csv"
    report.parent.mkdir()
    result = import_accounts(small_plan(), path, ColumnMapping(measures=("Annual Revenue",)), report=report)
    assert (result.placed, result.unplaced, result.report_path) == (1, 5, report)
    rows = _report(report)
    assert [(r["row"], r["account"]) for r in rows] == [
        ("3", "Unknown ZIP"),
        ("4", "Not a ZIP"),
        ("5", "Outside"),
        ("6", "No ZIP"),
        ("7", "Military"),
    ]
    reasons = [r["reason"] for r in rows]
    assert reasons[0].startswith("ZIP code 99999 does not exist") and "correct the ZIP code" in reasons[0]
    assert "'ABC12' is not a US ZIP code" in reasons[1]
    assert "ZIP code 01002 lies outside every county of layer 'Test counties'" in reasons[2]
    assert "no location" in reasons[3]
    assert "no location in the US ZIP code list" in reasons[4]
    assert [r["postal_code"] for r in rows] == ["99999", "ABC12", "01002", "", "09001"]
    assert result.unplaced_by_reason == {
        "unknown ZIP code": 1,
        "postal code not a US ZIP code": 1,
        "ZIP code outside the layer": 1,
        "no location": 1,
        "ZIP code without a location": 1,
    }
    assert "5 of 6 accounts could not be placed; they are listed in unplaced.csv." in result.warnings
    assert any("The unplaced accounts hold 1,400 of annual_revenue (93.3%" in w for w in result.warnings)
    assert result.summary().startswith("Placed 1 of 6 accounts; 5 could not be placed (")
    assert [e.account for e in result.examples] == [r["account"] for r in rows]


def test_an_empty_report_is_still_written(tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    report.write_text("stale content\n")
    import_accounts(small_plan(), _csv(tmp_path, "ok.csv", HEADER + "A,02108,,\n"), report=report)
    assert report.read_text(encoding="utf-8-sig").splitlines() == ["row,account,reason,postal_code,latitude,longitude"]


def test_foreign_accounts_are_not_looked_up_as_us_zip_codes(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "world.csv",
        "Name,Zip,Country\nUS,02108,United States\nUSA,02108,U.S.A.\nBlank,02108,\nCanada,K1A 0B6,Canada\n"
        "Germany,02108,DE\n",
    )
    result = import_accounts(small_plan(), path)
    assert result.placed == 3
    assert [e.account for e in result.examples] == ["Canada", "Germany"]
    assert "country 'Canada' is outside the US" in result.examples[0].reason


def test_city_and_state_place_accounts_without_a_zip(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "city.csv",
        "Name,Zip,City,State\nA,,Boston,MA\nB,,Hyannis,Massachusetts\nC,,Nowhereville,MA\nD,02134,Boston,NY\n",
    )
    result = import_accounts(small_plan(), path)
    assert unit_values(result.command, "accounts") == {"25007": 1, "25003": 1, "25005": 1}
    assert [e.account for e in result.examples] == ["C"]
    assert "the city 'Nowhereville, MA' is not in the US ZIP code list" in result.examples[0].reason
    assert any("placed by city and state" in w for w in result.warnings)
    mismatch = next(w for w in result.warnings if "of another state" in w)
    assert mismatch.startswith("1 account with a ZIP code of another state")
    assert "row 5: ZIP 02134 is in MA, the row says NY" in mismatch


# --- placing by coordinates ----------------------------------------------------------------------------------


def test_coordinates_come_first_and_fall_back_to_the_zip(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "geo.csv",
        "Account,Zip,Latitude,Longitude\n"
        "By point,02108,41.5,-71.5\n"  # the point (SW) wins over the ZIP (NE)
        'Point with comma,,"41,5","-70,5"\n'
        "Hemispheres,,41.5 N,71.5 W\n"
        "Bad point good ZIP,02108,abc,def\n"
        "Null island,02601,0,0\n"
        "London,,51.5074,-0.1278\n"
        "London with bad ZIP,99999,51.5074,-0.1278\n"
        "Out of range,,95,-71\n"
        "Half,,42.5,\n",
    )
    report = tmp_path / "r.csv"
    result = import_accounts(small_plan(), path, report=report)
    assert unit_values(result.command, "accounts") == {"25001": 2, "25003": 2, "25007": 1}
    reasons = {r["account"]: r["reason"] for r in _report(report)}
    assert set(reasons) == {"London", "London with bad ZIP", "Out of range", "Half"}
    assert "latitude 51.5074, longitude -0.1278 lies outside every county" in reasons["London"]
    assert "latitude and longitude may be swapped" in reasons["London"]
    assert "ZIP code 99999 does not exist" in reasons["London with bad ZIP"]
    assert "out of range" in reasons["Out of range"]
    assert "not both numbers" in reasons["Half"]
    assert _report(report)[0]["latitude"] == "51.5074"


def test_naming_the_zip_column_turns_coordinate_guessing_off(tmp_path: Path) -> None:
    path = _csv(tmp_path, "geo.csv", "Account,Zip,Latitude,Longitude\nA,02108,41.5,-71.5\n")
    result = import_accounts(small_plan(), path, ColumnMapping(zip="zip"))
    assert unit_values(result.command, "accounts") == {"25007": 1}
    assert "latitude" not in result.columns


def test_named_coordinate_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path, "geo.csv", "Account,Y,X\nA,41.5,-71.5\n")
    result = import_accounts(small_plan(), path, ColumnMapping(lat="Y", lon="X"))
    assert unit_values(result.command, "accounts") == {"25001": 1}


def test_points_just_off_the_coast_go_to_the_nearest_unit(tmp_path: Path) -> None:
    path = _csv(tmp_path, "coast.csv", "Account,Latitude,Longitude\nPier,42.5,-69.98\nSea,42.5,-69.0\n")
    result = import_accounts(small_plan(), path)
    assert unit_values(result.command, "accounts") == {"25007": 1}
    assert any("1 account just outside every county" in w for w in result.warnings)


def test_zip_layer_places_by_id(tmp_path: Path) -> None:
    path = _csv(tmp_path, "z.csv", "Name,Zip\nA,2134\nB,02134-0001\nC,10001\nD,02108\nE,98101\n")
    plan = small_plan(zip_layer())
    result = import_accounts(plan, path)
    assert unit_values(result.command, "accounts") == {"02134": 2, "10001": 1, "98101": 1}
    assert "ZIP code 02108 is not a ZIP code of layer 'us-zips'" in result.examples[0].reason


def test_a_layer_without_shapes_cannot_place_coordinates(tmp_path: Path) -> None:
    path = _csv(tmp_path, "g.csv", "Name,Latitude,Longitude\nA,42,-71\n")
    with pytest.raises(PlanError, match="has no shapes"):
        import_accounts(small_plan(zip_layer()), path)


# --- encodings and dialects --------------------------------------------------------------------------------------


def test_bom_windows_line_ends_and_quoted_names(tmp_path: Path) -> None:
    text = '\ufeffAccount Name,ZIP\r\n"Smith, Jones & Co",02108\r\n\r\n  Trailing  ,  02134  \r\n'
    result = import_accounts(small_plan(), _csv(tmp_path, "bom.csv", text))
    assert unit_values(result.command, "accounts") == {"25007": 1, "25005": 1}


def test_latin1_names_are_read_and_reported(tmp_path: Path) -> None:
    path = _csv(tmp_path, "latin.csv", "Account Name,Zip\nCafé Olé,99999\nNaïve,02108\n", encoding="latin-1")
    report = tmp_path / "r.csv"
    result = import_accounts(small_plan(), path, report=report)
    assert result.unplaced == 1
    assert _report(report)[0]["account"] == "Café Olé"
    assert any("Windows-1252" in w for w in result.warnings)


def test_semicolons_with_decimal_commas(tmp_path: Path) -> None:
    text = (
        "Account;Zip;Annual Revenue;Open Pipeline\n"
        "A;02108;1.234.567,50 €;1.234\n"  # 1.234 is a thousand and more in a decimal-comma file
        "B;02108;10,5;2,5\n"
        "C;02134;;\n"
    )
    result = import_accounts(
        small_plan(), _csv(tmp_path, "eu.csv", text), ColumnMapping(measures=("Annual Revenue", "Open Pipeline"))
    )
    assert unit_values(result.command, "annual_revenue") == {"25007": pytest.approx(1_234_578.0)}
    assert unit_values(result.command, "open_pipeline") == {"25007": pytest.approx(1236.5)}


def test_tab_separated_utf16_from_excel(tmp_path: Path) -> None:
    text = "Account\tZip\tRevenue\r\nA\t02108\t1,234.50\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = import_accounts(small_plan(), path, ColumnMapping(measures=("Revenue",)))
    assert unit_values(result.command, "revenue") == {"25007": 1234.5}


def test_xlsx_with_numeric_zip_codes(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "crm.xlsx",
        [["Account Name", "Zip", "Revenue"], ["A", 2108, 1200.5], [None, None, None], ["B", "02134-1234", "$5"]],
    )
    result = import_accounts(small_plan(), path, ColumnMapping(measures=("Revenue",)))
    assert unit_values(result.command, "accounts") == {"25007": 1, "25005": 1}
    assert unit_values(result.command, "revenue") == {"25007": 1200.5, "25005": 5}


# --- broken files: one error listing every problem, plan and file untouched ------------------------------------


def test_missing_named_column_suggests_the_closest(tmp_path: Path) -> None:
    path = _csv(tmp_path, "crm.csv", HEADER + "A,02108,1,2\n")
    error = _failed_import(small_plan(), path, ColumnMapping(zip="Zip Code", measures=("Annual Revenu",)))
    text = str(error)
    assert "row 1, column 'Zip Code': the postal code column 'Zip Code' is not in the header row" in text
    assert "Did you mean 'Annual Revenue'?" in text
    assert "The file has: 'Account Name', 'Billing Zip/Postal Code'" in text
    assert [(p.row, p.column) for p in error.problems] == [(1, "Zip Code"), (1, "Annual Revenu")]


def test_no_location_column_at_all(tmp_path: Path) -> None:
    error = _failed_import(small_plan(), _csv(tmp_path, "names.csv", "Account,Phone\nA,555\n"))
    assert "no postal code column and no latitude/longitude columns were found" in str(error)
    assert "Name the postal code column" in str(error)


def test_latitude_without_longitude(tmp_path: Path) -> None:
    error = _failed_import(small_plan(), _csv(tmp_path, "lat.csv", "Account,Lat\nA,42\n"), ColumnMapping(lat="Lat"))
    assert "name the longitude column too" in str(error)


def test_non_numeric_measures_are_all_listed_with_row_and_column(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "bad.csv",
        HEADER + "A,02108,n/a,5\nB,02108,1000,lots\nC,99999,TBD,\nD,02108,12,3\n",
    )
    error = _failed_import(small_plan(), path, ColumnMapping(measures=("Annual Revenue", "Open Pipeline")))
    assert [(p.row, p.column) for p in error.problems] == [
        (2, "Annual Revenue"),
        (4, "Annual Revenue"),
        (3, "Open Pipeline"),
    ]
    text = str(error)
    assert "bad.csv, row 2, column 'Annual Revenue': 'n/a' is not an amount" in text
    assert "Write a number such as 125000" in text  # the fix
    assert "3 problems" in text


def test_rows_with_too_many_values(tmp_path: Path) -> None:
    path = _csv(tmp_path, "shift.csv", "Account,Zip\nSmith, Jones,02108\nOK,02108\n")
    error = _failed_import(small_plan(), path)
    assert error.problems[0].row == 2
    assert "put the value in double quotes" in str(error)


def test_problems_are_capped_but_counted(tmp_path: Path) -> None:
    rows = "".join(f"A{i},02108,bad,\n" for i in range(MAX_PROBLEMS + 50))
    error = _failed_import(
        small_plan(), _csv(tmp_path, "many.csv", HEADER + rows), ColumnMapping(measures=("Annual Revenue",))
    )
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert "and 50 more problems not listed" in error.problems[-1].message


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"\n\n\r\n", "the file is empty"),
        ("header_only.csv", HEADER.encode(), "has a header row (row 1) but no accounts below it"),
        ("garbage.csv", bytes(range(256)) * 50, "not a text (CSV) file"),
        ("fake.xlsx", b"Account,Zip\nA,02108\n", "is named like an Excel workbook but is not one"),
        ("unclosed.csv", b'Account,Zip\n"A,02108\n' + b"x" * 140_000, "never closed"),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    error = _failed_import(small_plan(), path)
    assert message in str(error)


def test_sums_too_large_to_hold(tmp_path: Path) -> None:
    path = _csv(tmp_path, "huge.csv", "Account,Zip,Revenue\nA,02108,1e308\nB,02108,1e308\n")
    error = _failed_import(small_plan(), path, ColumnMapping(measures=("Revenue",)))
    assert "column 'Revenue': the amounts add up to more than the largest number" in str(error)


def test_nothing_placed_means_the_mapping_is_wrong(tmp_path: Path) -> None:
    path = _csv(tmp_path, "phones.csv", "Account,Zip\nA,555-1234-99\nB,call me\n")
    report = tmp_path / "r.csv"
    error = _failed_import(small_plan(), path, report=report)
    assert "none of the 2 accounts could be placed in layer 'Test counties' (2 postal code not a US ZIP code)" in str(
        error
    )
    assert "Columns read: account name 'Account', postal code 'Zip'" in str(error)
    assert not report.exists()  # all or nothing: no half report either
    assert list(tmp_path.iterdir()) == [path]


def test_report_must_not_be_the_source(tmp_path: Path) -> None:
    path = _csv(tmp_path, "crm.csv", HEADER + "A,02108,,\n")
    before = digest(path)
    with pytest.raises(PlanError, match="is the accounts file itself"):
        import_accounts(small_plan(), path, report=tmp_path / "." / "crm.csv")
    assert digest(path) == before


def test_report_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="does not exist"):
        import_accounts(small_plan(), _csv(tmp_path, "a.csv", HEADER), report=tmp_path / "no" / "r.csv")


def test_report_that_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    plan = small_plan()
    before = snapshot(plan)
    with pytest.raises(PlanError, match=r"The report file .*taken cannot be written"):
        import_accounts(plan, _csv(tmp_path, "a.csv", HEADER + "A,02108,,\n"), report=tmp_path / "taken")
    assert_unchanged(plan, before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "taken"]


def test_measure_names_must_not_clash_with_text_attributes(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a.csv", "Account,Zip,Name\nA,02108,1\n")
    with pytest.raises(PlanError, match="would become the unit attribute 'name'"):
        import_accounts(small_plan(), path, ColumnMapping(measures=("Name",)))
    error = _failed_import(small_plan(), path, ColumnMapping(measures=("Name=revenue", "Account=revenue")))
    assert "becomes the attribute 'revenue'" in str(error)


# --- progress, cancel, reader pieces ------------------------------------------------------------------------------


def test_progress_rises_to_one_and_cancel_stops_with_nothing_changed(tmp_path: Path) -> None:
    rows = "".join(f"A{i},02108,{i},\n" for i in range(120_000))
    path = _csv(tmp_path, "big.csv", HEADER + rows)
    seen: list[float] = []
    result = import_accounts(small_plan(), path, progress=lambda f, m: seen.append(f))
    assert result.placed == 120_000
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen) and len(seen) >= 4

    plan = small_plan()
    before = snapshot(plan)
    report = tmp_path / "r.csv"
    progress = Progress(lambda f, m: progress.cancel() if f > 0 else None)  # cancel once reading is under way
    with pytest.raises(Cancelled, match="cancelled"):
        import_accounts(plan, path, report=report, progress=progress)
    assert_unchanged(plan, before)
    assert not report.exists()


def test_reader_batches_and_columns(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "a.csv",
        "Company,Postal Code,State,Revenue\n" + "".join(f"A{i},0210{i % 10},MA,{i}\n" for i in range(25)),
    )
    with AccountsReader(path, ColumnMapping(measures=("Revenue",)), batch_rows=10) as reader:
        assert reader.columns.name == "Company"
        assert reader.columns.zip == "Postal Code"
        assert reader.columns.state == "State"
        batches = list(reader.batches())
    assert [len(b) for b in batches] == [10, 10, 5]
    assert batches[0].rows[0] == 2 and batches[-1].rows[-1] == 26
    assert batches[1].measures[:, 0].tolist() == list(range(10, 20))


def test_measure_specs() -> None:
    assert attribute_name("Open Pipeline ($)") == "open_pipeline"
    assert attribute_name("2024 Revenue") == "m_2024_revenue"
    assert parse_measure("Annual Revenue=revenue").attribute == "revenue"
    assert parse_measure(("ARR", "Recurring Revenue")).attribute == "recurring_revenue"
    assert parse_measure("a=b=c").column == "a=b"


def test_square_layer_is_what_the_docstring_says() -> None:
    layer = square_layer()
    assert list(layer.unit_ids) == ["25001", "25003", "25005", "25007"]
