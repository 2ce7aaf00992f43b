"""Property-based tests: whatever bytes or CSV shapes come in, readers raise only the project's typed errors.

Every reader (read_table, each plan sheet reader, the accounts import) gets random bytes and random CSV shapes
(any separator, quoting, line end and encoding; cells drawn from tricky values). It may return a result or raise a
PlanError subclass, nothing else, and the plan must be unchanged either way; a returned command must apply and
undo back to the original plan.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from reader_fixtures import assert_unchanged, small_plan, snapshot, square_layer

from territory_planner.domain import BASELINE, PlanError
from territory_planner.readers.accounts import parse_amounts
from territory_planner.readers.sheets import COLUMNS, SHEETS, read_sheet
from territory_planner.readers.table import parse_amount, read_table
from territory_planner.services.accounts import ColumnMapping, import_accounts

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)

TRICKY = [
    "", " ", '"', '""', "'", "a,b", "a;b", "a\tb", "line\nbreak", "\r\n", "\ufeff", "é", "Zürich", "☃", "\x00", "\x1a",
    "1", "0", "-1", "1,234.50", "1.234,50", "$5", "(5)", "80k", "1.5M", "inf", "-inf", "nan", "NaN", "1e400", "1e-400",
    "9" * 40, "25%", "%", "2027-01", "2027-13", "0000-00", "12/2027", "yes", "no", "true", "TBD", "#4e79a7", "#zzz",
    "4e79a7", "x" * 130, "existing", "planned", "hire", "region", "territory", "plan", "avg_deal_size", "win_rate",
    "currency", "USD", "period_start", "marketing_budget",
]  # fmt: skip
PLAN_NAMES = ["Boston", "Cape", "East", "West", "Ann", "Bob", "25001", "25007", "2501", "99999", "baseline"]
ACCOUNT_VALUES = ["02108", "2108", "02134-1234", "021341234", "99999", "09001", "K1A 0B6", "42.35", "-71.06", "91",
                  "0", "United States", "Canada", "MA", "Boston", "Hyannis", "NY"]  # fmt: skip
ACCOUNT_HEADERS = ["Account Name", "Zip", "Postal Code", "Latitude", "Longitude", "Revenue", "City", "State",
                   "Country", "Lat", "Long"]  # fmt: skip

cells = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from(PLAN_NAMES),
    st.sampled_from(ACCOUNT_VALUES),
    st.text(max_size=10),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])

_NUMBERS = ["0", "1", "2.5", "-1", "100000", "1,200,000", "$80k", "1e308", "1e400", "inf", "nan", "(5)", ""]
#: Plausible values per plan-sheet column, so random rows often get deep into the readers' checks.
COLUMN_VALUES: dict[str, list[str]] = {
    "unit_id": ["25001", "25003", "25007", "2501", "25001.0", "99999", ""],
    "territory": ["Boston", "Cape", "New", "North", "", " Boston "],
    "name": ["Boston", "Cape", "East", "West", "New", ""],
    "region": ["East", "West", ""],
    "color": ["#4e79a7", "4e79a7", "#FFFFFF", "#zzz", ""],
    "locked": ["yes", "no", "true", "1", "maybe", ""],
    "seller": ["Ann", "Bob", "Cy", ""],
    "status": ["existing", "planned", "hire", "TBH", "", "fired"],
    "start_month": ["2027-01", "2027-1", "2027-13", "0000-01", "9999-12", "Jan 2027", ""],
    "ramp_months": ["0", "3", "60", "61", "-1", "2.5", "inf", "nan", "1e400", ""],
    "annual_quota": _NUMBERS,
    "annual_cost": _NUMBERS,
    "budget": _NUMBERS,
    "hours": _NUMBERS,
    "population": _NUMBERS,
    "level": ["plan", "region", "territory", "Region", "x", ""],
    "key": ["avg_deal_size", "win_rate", "currency", "period_start", "marketing_budget", "at_risk_tolerance", "x"],
    "value": ["0.25", "25%", "0", "1.5", "USD", "usd", "2027-01", "inf", "nan", "-5", "50000", ""],
    "Account Name": ["Acme", "Café Olé", "Smith, Jones", ""],
    "Zip": ["02108", "2108", "02134-1234", "021341234", "99999", "09001", "K1A 0B6", "01002", "2134.0", ""],
    "Latitude": ["42.35", "42,35", "41.5 N", "0", "91", "abc", ""],
    "Longitude": ["-71.06", "-71,06", "71.5 W", "0", "181", "-69.98", ""],
    "City": ["Boston", "Hyannis", "Nowhere", ""],
    "State": ["MA", "Massachusetts", "NY", "ZZ", ""],
    "Country": ["US", "USA", "Canada", ""],
}
COLUMN_VALUES["Postal Code"] = COLUMN_VALUES["Zip"]
COLUMN_VALUES["Lat"] = COLUMN_VALUES["Latitude"]
COLUMN_VALUES["Long"] = COLUMN_VALUES["Longitude"]


SHEET_EXTRAS = ("locked", "hours", "start_month", "annual_cost", "ramp_months", "name", "color", "population", "",
                "unit_id")  # fmt: skip
ACCOUNT_EXTRAS = ("", "Description", "Zip", "ZIP", "Account Name")
account_files = st.lists(st.sampled_from(ACCOUNT_HEADERS), min_size=1, max_size=6, unique=True).flatmap(
    lambda header: csv_files(header=header, extras=ACCOUNT_EXTRAS)
)


def _fitting(column: str) -> st.SearchStrategy[str]:
    """Mostly a value that fits the column, one time in ten a tricky one."""
    values = st.sampled_from(COLUMN_VALUES.get(column, _NUMBERS))
    return st.integers(0, 9).flatmap(lambda i: cells if i == 0 else values)


@st.composite
def csv_files(draw: st.DrawFn, header: list[str] | None = None, extras: tuple[str, ...] = SHEET_EXTRAS) -> bytes:
    """A CSV file of random shape: a header (given, shuffled, or random), rows of tricky cells, any dialect."""
    if header is None:
        header = draw(st.lists(st.one_of(st.sampled_from(ACCOUNT_HEADERS), cells), max_size=8))
    else:
        extra = draw(st.lists(st.sampled_from(extras), max_size=3, unique=True))
        extra = [e for e in extra if e not in header]
        header = draw(st.permutations(header + extra)) if draw(st.booleans()) else header + extra
    width = max(1, len(header))
    if draw(st.booleans()):  # rows of values that fit their columns, with now and then a tricky one
        column = [_fitting(h) for h in header] or [cells]
        rows = draw(st.lists(st.tuples(*column).map(list), max_size=8))
    else:
        rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 2), max_size=10))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    terminator = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    buffer = io.StringIO()
    if draw(st.booleans()):
        quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=terminator, quoting=quoting)
        for row in [header, *rows]:
            writer.writerow(row)
    else:  # written by hand, as broken exports are: no quoting at all
        buffer.write(terminator.join(delimiter.join(row) for row in [header, *rows]))
    if draw(st.booleans()):
        buffer.write(terminator * draw(st.integers(0, 3)))
    encoding = draw(encodings)
    return buffer.getvalue().encode(encoding, errors="replace")


def _write(tmp_path: Path, data: bytes, suffix: str = ".csv") -> Path:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    return path


def _only_plan_errors(call) -> object | None:
    try:
        return call()
    except PlanError:
        return None


# --- read_table ---------------------------------------------------------------------------------------------------


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".txt", ".xlsx"]))
@example(data=b'a,b\n"' + b"x" * 140_000, suffix=".csv")
@example(data=b"\xff\xfe" + b"a\x00,\x00b\x00\n\x00\x00\xd8", suffix=".csv")
@example(data=b"PK\x03\x04garbage", suffix=".csv")
def test_read_table_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = _write(tmp_path, data, suffix)
    table = _only_plan_errors(lambda: read_table(path))
    if table is not None:
        assert all(isinstance(c, str) for c in table.columns)  # type: ignore[attr-defined]
    assert path.read_bytes() == data


@SETTINGS
@given(data=csv_files())
def test_read_table_random_csv_shapes(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, data)
    table = _only_plan_errors(lambda: read_table(path))
    if table is not None:
        for row, values in table.rows:  # type: ignore[attr-defined]
            assert row >= 2
            assert list(values) == [c for c in table.columns if c]  # type: ignore[attr-defined]
            assert all(v == v.strip() for v in values.values())


@SETTINGS
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.sampled_from(TRICKY[:3] + TRICKY[16:]),
                st.integers(),
                st.floats(allow_nan=False, allow_infinity=False),
                st.none(),
            ),
            max_size=5,
        ),
        max_size=6,
    )
)
def test_read_table_random_workbooks(tmp_path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    _only_plan_errors(lambda: read_table(path))


@given(text=st.one_of(st.text(max_size=20), st.sampled_from(TRICKY)), decimal=st.sampled_from([None, ".", ","]))
@settings(max_examples=300, deadline=None)
def test_parse_amount_raises_only_value_error(text: str, decimal: str | None) -> None:
    try:
        value = parse_amount(text, decimal)
    except ValueError:
        return
    assert math.isfinite(value)


def _european(value: float) -> str:
    return f"{value:,.2f} €".replace(",", "_").replace(".", ",").replace("_", ".")


amount_texts = st.one_of(
    st.text(alphabet="0123456789,.$€£ ()-+USDEURkM", max_size=14),
    st.sampled_from(TRICKY),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda v: f"${v:,.2f}"),
    st.floats(allow_nan=False, allow_infinity=False).map(_european),
)


@given(texts=st.lists(amount_texts, max_size=30), decimal=st.sampled_from([None, ".", ","]))
@settings(max_examples=300, deadline=None)
def test_vectorised_amounts_agree_with_parse_amount(texts: list[str], decimal: str | None) -> None:
    numbers, bad = parse_amounts(np.array(texts, dtype=object), decimal)
    for text, number, failed in zip(texts, numbers, bad, strict=True):
        if not text.strip():
            assert (number, failed) == (0.0, False)
            continue
        try:
            expected = parse_amount(text, decimal)
        except ValueError:
            assert failed, text
            continue
        assert not failed, text
        assert number == pytest.approx(expected, rel=1e-12), text


# --- plan sheets ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SHEETS)
def test_sheet_readers_random_csv_shapes(tmp_path: Path, kind: str) -> None:
    @SETTINGS
    @given(data=csv_files(header=list(COLUMNS[kind])))
    @example(data=b"seller,territory,status,annual_quota,ramp_months\nX,Boston,planned,100,inf\n")
    def check(data: bytes) -> None:
        plan = small_plan()
        before = snapshot(plan)
        path = _write(tmp_path, data)
        batch = _only_plan_errors(lambda: read_sheet(kind, plan, BASELINE, path))
        assert_unchanged(plan, before)
        if batch is None:
            return
        try:
            inverse = batch.apply(plan)  # type: ignore[attr-defined]
        except PlanError:
            assert_unchanged(plan, before)  # Batch is all-or-nothing
            return
        inverse.apply(plan)
        assert_unchanged(plan, before)

    check()


def _integer_layer_plan():  # type: ignore[no-untyped-def]
    """A plan whose layer has an integer column, a text column and a potential column that is not the first."""
    layer = square_layer()
    layer.units = layer.units.assign(
        population=np.array([100, 200, 300, 400], dtype=np.int64),
        state=["MA", "MA", "MA", "MA"],
        accounts=[1.0, 2.0, 3.0, 4.0],
    )
    layer.potential_column = "accounts"
    return small_plan(layer)


@SETTINGS
@given(
    population=st.lists(st.sampled_from(["", "5", "7.5", "1200", "0"]), min_size=4, max_size=4),
    accounts=st.lists(st.sampled_from(["", "3", "2.25"]), min_size=4, max_size=4),
)
@example(population=["5", "", "", ""], accounts=["", "", "", ""])
def test_attribute_import_undoes_to_the_exact_layer(tmp_path: Path, population: list[str], accounts: list[str]) -> None:
    """Undo of an attributes import gives back the layer as it was: an integer column as integers, the columns in
    their order, the potential column; redo gives back the imported layer (issue 16 §3 item 15: the plan-equality
    helpers compared scenarios only, so this went unseen)."""
    plan = _integer_layer_plan()
    before = snapshot(plan)
    rows = [f"{u},{p},{a},1" for u, p, a in zip(plan.layer.unit_ids, population, accounts, strict=True)]
    path = _write(tmp_path, ("unit_id,population,accounts,new_figure\n" + "\n".join(rows) + "\n").encode())
    batch = read_sheet("attributes", plan, BASELINE, path)
    undo = batch.apply(plan)
    applied = snapshot(plan)
    redo = undo.apply(plan)
    assert_unchanged(plan, before)
    assert plan.layer.units["population"].dtype == np.int64
    redo.apply(plan)
    assert_unchanged(plan, applied)


@pytest.mark.parametrize("ramp", ["inf", "1e400", "-inf"])
def test_sellers_sheet_with_infinite_ramp_months(tmp_path: Path, ramp: str) -> None:
    path = _write(tmp_path, f"seller,territory,status,annual_quota,ramp_months\nX,Boston,planned,100,{ramp}\n".encode())
    with pytest.raises(PlanError):
        read_sheet("sellers", small_plan(), BASELINE, path)


# --- accounts -----------------------------------------------------------------------------------------------------


def _import_keeps_plan_whole(tmp_path: Path, data: bytes, suffix: str = ".csv", **kwargs: object) -> None:
    plan = small_plan()
    before = snapshot(plan)
    path = _write(tmp_path, data, suffix)
    # A folder of its own per example: a report left by an earlier example must not hide one written by this one.
    report = Path(tempfile.mkdtemp(dir=tmp_path)) / "report.csv"
    result = _only_plan_errors(lambda: import_accounts(plan, path, report=report, **kwargs))  # type: ignore[arg-type]
    assert_unchanged(plan, before)
    assert path.read_bytes() == data
    if result is None:
        assert not report.exists(), "a failed import left a report behind"
        assert list(report.parent.iterdir()) == [], "a failed import left a temporary file behind"
        return
    inverse = result.command.apply(plan)  # type: ignore[attr-defined]
    inverse.apply(plan)
    assert_unchanged(plan, before)


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_accounts_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    _import_keeps_plan_whole(tmp_path, data, suffix)


@SETTINGS
@given(
    data=st.one_of(csv_files(), account_files),
    measures=st.lists(st.sampled_from(["Revenue", "Zip", "Account Name", "missing", "Revenue=zip"]), max_size=2),
    zip_column=st.sampled_from([None, None, "Zip", "Postal Code", "nope"]),
    lat_column=st.sampled_from([None, None, "Latitude", "Lat"]),
)
def test_accounts_random_csv_shapes(
    tmp_path: Path, data: bytes, measures: list[str], zip_column: str | None, lat_column: str | None
) -> None:
    columns = ColumnMapping(zip=zip_column, lat=lat_column, measures=tuple(measures))
    _import_keeps_plan_whole(tmp_path, data, columns=columns)
