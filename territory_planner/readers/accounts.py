"""Accounts from a CRM export (CSV in any common dialect, or XLSX), streamed in batches of columns.

The reader maps the file's columns (account name, postal code, city, state, country, latitude/longitude and numeric
measures such as annual revenue or open pipeline), turns their text into numbers, and hands out
:class:`AccountBatch` values of numpy arrays, a batch at a time, so a file of millions of rows never sits in memory
whole. It does not place accounts in units: ``services.accounts`` does that.

Problems that make the file unusable as mapped (a missing column, a measure that is not a number, a row with more
values than the header) are collected with their row and column and raised together as one
:class:`~territory_planner.readers.errors.InputFileError` once the whole file has been read; accounts that merely
cannot be located (an unknown ZIP code, no coordinates) are not problems of the file but of the account, and are
left for the caller to report.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..domain.errors import PlanError
from .errors import InputFileError, Problem, file_problem
from .table import RecordSource, decimal_mark_evidence, open_records, parse_amount

#: At most this many problems are kept (and counted beyond); a file with a million bad cells needs one fix, not
#: a million lines.
MAX_PROBLEMS = 1000
BATCH_ROWS = 50_000

#: Coordinate outcomes per account (values of :attr:`AccountBatch.coord_status`).
COORD_OK, COORD_BLANK, COORD_INVALID, COORD_RANGE, COORD_ZERO = 0, 1, 2, 3, 4
#: ``COORD_BLANK`` < ``COORD_INVALID`` < ``COORD_RANGE``: of a latitude and a longitude, the worse one counts.

ROLES = ("name", "zip", "lat", "lon", "city", "state", "country")
ROLE_LABELS = {
    "name": "account name",
    "zip": "postal code",
    "lat": "latitude",
    "lon": "longitude",
    "city": "city",
    "state": "state",
    "country": "country",
}
#: Header names (lower case, letters and digits only) recognised when a column is not named, best first.
_KNOWN_HEADERS = {
    "name": (
        "accountname",
        "account",
        "name",
        "companyname",
        "company",
        "customername",
        "customer",
        "organizationname",
        "organization",
        "organisation",
    ),
    "zip": (
        "billingzippostalcode",
        "billingpostalcode",
        "billingzipcode",
        "billingzip",
        "zippostalcode",
        "postalcode",
        "zipcode",
        "zip",
        "zip5",
        "postcode",
        "shippingzippostalcode",
        "shippingpostalcode",
        "mailingzippostalcode",
        "mailingpostalcode",
    ),
    "lat": ("latitude", "lat", "billinglatitude", "shippinglatitude", "mailinglatitude"),
    "lon": ("longitude", "lon", "lng", "long", "billinglongitude", "shippinglongitude", "mailinglongitude"),
    "city": ("billingcity", "city", "shippingcity", "mailingcity"),
    "state": (
        "billingstateprovince",
        "billingstate",
        "billingstatecode",
        "stateprovince",
        "state",
        "statecode",
        "shippingstateprovince",
        "mailingstateprovince",
    ),
    "country": ("billingcountry", "billingcountrycode", "country", "countrycode", "shippingcountry", "mailingcountry"),
}

_COORD_JUNK = re.compile(r"[\s°º'\"]")
_HEMISPHERE = re.compile(r"^([NSEWnsew])?(.*?)([NSEWnsew])?$")
_ATTRIBUTE = re.compile(r"[^0-9a-z]+")
#: Amounts parse_amount reads the same way once currency and spaces are gone: -1,234,567.50 (or -1.234.567,50).
_COMMON_AMOUNT = {
    ".": re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+|-?\d+"),
    ",": re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+,\d+|-?\d+"),
}
_DECIMAL_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class ImportCancelled(PlanError):
    """The user cancelled an import; nothing was changed."""


@dataclass(frozen=True)
class Measure:
    """A numeric column of the file summed per unit into the layer attribute ``attribute``."""

    column: str
    attribute: str


def attribute_name(column: str) -> str:
    """The unit attribute a measure column becomes: ``Open Pipeline ($)`` → ``open_pipeline``."""
    name = _ATTRIBUTE.sub("_", column.lower()).strip("_")
    if not name:
        return "measure"
    return name if not name[0].isdigit() else f"m_{name}"


def parse_measure(spec: str | tuple[str, str] | Measure) -> Measure:
    """A measure from ``"Open Pipeline"``, ``"Open Pipeline=pipeline"`` or ``("Open Pipeline", "pipeline")``."""
    if isinstance(spec, Measure):
        return spec
    if isinstance(spec, tuple):
        column, attribute = spec
        return Measure(column.strip(), attribute_name(attribute))
    column, sep, attribute = str(spec).rpartition("=") if "=" in str(spec) else (str(spec), "", "")
    return Measure(column.strip(), attribute_name(attribute if sep and attribute.strip() else column))


MeasureSpec = str | tuple[str, str] | Measure


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns of a CRM export to read for what, as the user named them (None = look for the usual CRM
    names; the location columns ZIP, latitude and longitude only when none of them is named).

    ``measures`` are numeric columns to sum per unit: ``"Column"`` (attribute ``column``, snake_case),
    ``"Column=attribute"`` or ``("Column", "attribute")``. ``sheet`` picks the sheet of an XLSX file.
    The one description of an accounts import's columns used by the reader, the service, the CLI and the GUI.
    """

    zip: str | None = None
    lat: str | None = None
    lon: str | None = None
    name: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    measures: tuple[MeasureSpec, ...] = ()
    sheet: str | None = None

    def parsed_measures(self) -> list[Measure]:
        return [parse_measure(m) for m in self.measures]

    def named(self) -> dict[str, str | None]:
        """Role → the column named for it (None = look for it), for every role of :data:`ROLES`."""
        return {role: getattr(self, role) for role in ROLES}


@dataclass(frozen=True)
class AccountColumns:
    """Which column of the file holds what: header names as the file spells them (None = not in the file)."""

    name: str | None = None
    zip: str | None = None
    lat: str | None = None
    lon: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    measures: tuple[Measure, ...] = ()

    def used(self) -> dict[str, str]:
        """Role label → column, for telling the user what was read (``{"postal code": "Billing Zip"}``)."""
        out = {ROLE_LABELS[r]: c for r in ROLES if (c := getattr(self, r)) is not None}
        out.update({f"measure {m.attribute}": m.column for m in self.measures})
        return out


@dataclass
class AccountBatch:
    """Up to ``BATCH_ROWS`` accounts as columns; absent roles are None.

    City, state and country are stripped; name, ZIP and coordinate texts are as in the file (strip them to show).

    ``lat``/``lon`` are NaN unless ``coord_status`` is ``COORD_OK``; ``measures`` has one column per measure, with 0
    for a blank cell.
    """

    rows: NDArray[np.int64]
    name: NDArray[np.object_]
    zip: NDArray[np.object_] | None
    lat_text: NDArray[np.object_] | None
    lon_text: NDArray[np.object_] | None
    lat: NDArray[np.float64] | None
    lon: NDArray[np.float64] | None
    coord_status: NDArray[np.int8] | None
    city: NDArray[np.object_] | None
    state: NDArray[np.object_] | None
    country: NDArray[np.object_] | None
    measures: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class _Problems:
    file: str
    items: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.file, row, column, message))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def error(self) -> InputFileError:
        items = list(self.items)
        if self.dropped:
            items.append(
                Problem(
                    self.file,
                    None,
                    None,
                    f"and {self.dropped:,} more problems not listed; fix the ones above (often a whole column has "
                    "the same mistake) and import again.",
                )
            )
        return InputFileError(self.file, items)


def _header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


class AccountsReader:
    """Read a CRM export in batches. Use as a context manager; iterate :meth:`batches`.

    Columns left as None are looked for under their usual CRM names (``Billing Zip/Postal Code``, ``Latitude``,
    ``Account Name``...); :attr:`columns` tells what was found once the reader is open. Opening raises
    InputFileError when the file cannot be read or a named column is missing; :meth:`batches` raises it at the end
    when any row had problems, listing them all.
    """

    def __init__(
        self,
        path: str | Path,
        columns: ColumnMapping | None = None,
        *,
        batch_rows: int = BATCH_ROWS,
        cancel: Callable[[], bool] | None = None,
    ) -> None:
        mapping = columns or ColumnMapping()
        self.path = Path(path)
        self.batch_rows = max(1, batch_rows)
        self._cancel = cancel
        self._wanted: dict[str, str | None] = mapping.named()
        self._measures = mapping.parsed_measures()
        self._source: RecordSource = open_records(self.path, mapping.sheet, cancel)
        self.file = self._source.file
        self.warnings: list[str] = list(self._source.warnings)
        self.columns = AccountColumns()
        self.accounts_read = 0
        self._problems = _Problems(self.file)
        self._rows = iter(self._source)
        self._header_row = 0
        self._index: dict[str, int] = {}
        self._measure_index: list[int] = []
        self._decimal: list[str | None] = []
        try:
            self._read_header()
        except BaseException:
            self.close()
            raise

    # --- context manager ------------------------------------------------------------------------------------
    def __enter__(self) -> AccountsReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._source.close()

    def fraction_done(self) -> float:
        """How much of the file has been read (0..1)."""
        return self._source.fraction_done()

    # --- header and column mapping --------------------------------------------------------------------------
    def _read_header(self) -> None:
        header: list[str] | None = None
        for row_no, cells in self._rows:
            if any(c.strip() for c in cells):
                header = [c.strip().strip("\ufeff").strip() for c in cells]
                self._header_row = row_no
                break
        if header is None:
            raise file_problem(self.file, "the file is empty. It needs a header row and one row per account.")
        while header and not header[-1]:
            header.pop()
        self._header = header
        problems = _Problems(self.file)
        found: dict[str, str | None] = {}
        for role in ROLES:
            wanted = self._wanted[role]
            found[role] = self._find(wanted, role, problems) if wanted else None
        # Location columns are looked for only when the user named none: naming the ZIP column means "place by
        # ZIP", and coordinates found on their own would otherwise take precedence.
        location_named = any(self._wanted[r] for r in ("zip", "lat", "lon"))
        for role in ROLES:
            if self._wanted[role] is None and (role not in ("zip", "lat", "lon") or not location_named):
                found[role] = self._guess(role, taken={c for c in found.values() if c})
        if self._wanted["lat"] and not self._wanted["lon"] and found["lon"] is None:
            found["lon"] = self._guess("lon", taken={c for c in found.values() if c})
        if self._wanted["lon"] and not self._wanted["lat"] and found["lat"] is None:
            found["lat"] = self._guess("lat", taken={c for c in found.values() if c})
        if (found["lat"] is None) != (found["lon"] is None):
            if self._wanted["lat"] or self._wanted["lon"]:
                missing = "longitude" if found["lon"] is None else "latitude"
                problems.add(
                    self._header_row,
                    None,
                    f"a latitude column needs a longitude column and the other way round; name the {missing} "
                    "column too, or neither.",
                )
            found["lat"] = found["lon"] = None
        if found["zip"] is None and found["lat"] is None and not problems:
            problems.add(
                self._header_row,
                None,
                "no postal code column and no latitude/longitude columns were found, so no account can be placed. "
                f"Name the postal code column (e.g. 'Billing Zip/Postal Code') or the latitude and longitude columns. "
                f"The file has: {self._have()}.",
            )
        measures: list[Measure] = []
        attributes: dict[str, str] = {}
        for measure in self._measures:
            column = self._find(measure.column, "measure", problems)
            if column is None:
                continue
            if measure.attribute in attributes:
                problems.add(
                    self._header_row,
                    column,
                    f"becomes the attribute '{measure.attribute}', like the measure '{attributes[measure.attribute]}'."
                    " Give one of them another name, e.g. 'Column=attribute_name'.",
                )
                continue
            if measure.attribute == "accounts":
                problems.add(
                    self._header_row,
                    column,
                    "would become the attribute 'accounts', which holds the number of accounts. Give it another "
                    "name, e.g. 'Accounts=account_measure'.",
                )
                continue
            attributes[measure.attribute] = column
            measures.append(Measure(column, measure.attribute))
        if problems:
            raise problems.error()
        self.columns = AccountColumns(**{r: found[r] for r in ROLES}, measures=tuple(measures))
        positions = {name: i for i, name in reversed(list(enumerate(header)))}
        self._index = {role: positions[c] for role in ROLES if (c := found[role]) is not None}
        self._measure_index = [positions[m.column] for m in measures]

    def _have(self) -> str:
        return ", ".join(f"'{h}'" for h in self._header if h) or "no column names at all"

    def _find(self, wanted: str, role: str, problems: _Problems) -> str | None:
        """The header name matching what the user named: exactly, then ignoring case, spaces and punctuation."""
        text = wanted.strip()
        for match in (
            lambda h: h == text,
            lambda h: h.lower() == text.lower(),
            lambda h: _header_key(h) == _header_key(text) and _header_key(text) != "",
        ):
            hits = [h for h in self._header if match(h)]
            if len(set(hits)) == 1 and len(hits) > 1:
                problems.add(
                    self._header_row,
                    hits[0],
                    f"the header has the column '{hits[0]}' {len(hits)} times; rename or delete the repeated ones.",
                )
                return None
            if hits:
                return hits[0]
        label = "measure" if role == "measure" else ROLE_LABELS[role]
        close = difflib.get_close_matches(text, [h for h in self._header if h], n=1, cutoff=0.6)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        problems.add(
            self._header_row,
            text,
            f"the {label} column '{text}' is not in the header row.{hint} The file has: {self._have()}.",
        )
        return None

    def _guess(self, role: str, taken: set[str]) -> str | None:
        keys: dict[str, str] = {}
        for h in self._header:
            keys.setdefault(_header_key(h), h)
        for candidate in _KNOWN_HEADERS[role]:
            header = keys.get(candidate)
            if header is not None and header not in taken:
                return header
        return None

    # --- rows -----------------------------------------------------------------------------------------------
    def batches(self) -> Iterator[AccountBatch]:
        """Batches of accounts in file order; raises InputFileError at the end if any row had problems."""
        roles = list(self._index)
        indexes = [self._index[r] for r in roles] + self._measure_index
        getter = operator.itemgetter(*indexes)
        single = len(indexes) == 1
        need = max(indexes) + 1
        width = max(len(self._header), need)
        row_numbers: list[int] = []
        values: list[tuple[str, ...]] = []
        problems = self._problems
        for row_no, cells in self._rows:
            n = len(cells)
            if n == 0:
                continue
            if n > width and any(c.strip() for c in cells[width:]):
                problems.add(
                    row_no,
                    None,
                    f"has {len(cells) - sum(1 for c in cells[width:] if not c.strip())} values but the header has "
                    f"{width} columns. A value probably holds the separator without quotes around it: put the value "
                    "in double quotes, or save the file again from the spreadsheet.",
                )
                continue
            if n < need:
                cells = cells + [""] * (need - n)
            picked = (getter(cells),) if single else getter(cells)
            if not any(picked) and not "".join(cells).strip():
                continue  # a blank row
            row_numbers.append(row_no)
            values.append(picked)
            if len(values) >= self.batch_rows:
                yield self._batch(roles, row_numbers, values)
                row_numbers, values = [], []
                if self._cancel is not None and self._cancel():
                    raise ImportCancelled("The import was cancelled; nothing was changed.")
        if values:
            yield self._batch(roles, row_numbers, values)
        if self.accounts_read == 0 and not problems:
            problems.add(
                None,
                None,
                f"has a header row (row {self._header_row}) but no accounts below it. Export the accounts again.",
            )
        if problems:
            raise problems.error()

    def _batch(self, roles: list[str], row_numbers: list[int], values: list[tuple[str, ...]]) -> AccountBatch:
        columns = [np.array(c, dtype=object) for c in zip(*values, strict=True)]
        text = dict(zip(roles, columns, strict=False))
        for role in ("city", "state", "country"):  # few distinct values: strip each once
            if role in text:
                text[role] = _stripped(text[role])
        rows = np.asarray(row_numbers, dtype=np.int64)
        n = len(rows)
        self.accounts_read += n
        measures = np.zeros((n, len(self._measure_index)), dtype=np.float64)
        for j, measure in enumerate(self.columns.measures):
            raw = columns[len(roles) + j]
            if len(self._decimal) <= j:
                self._decimal.append(self._decimal_mark(raw))
            numbers, bad = parse_amounts(raw, self._decimal[j])
            measures[:, j] = numbers
            bad_rows = np.flatnonzero(bad)
            room = max(0, MAX_PROBLEMS - len(self._problems.items))
            for k in bad_rows[:room]:
                self._problems.add(
                    int(rows[k]),
                    measure.column,
                    f"'{str(raw[k]).strip()}' is not an amount. Write a number such as 125000, $125,000.50 or "
                    "125.000,50 €, or leave the cell empty.",
                )
            self._problems.dropped += max(0, len(bad_rows) - room)
        lat = lon = None
        status = None
        if "lat" in text:
            lat, lat_status = parse_coordinates(text["lat"], 90.0)
            lon, lon_status = parse_coordinates(text["lon"], 180.0)
            lat_blank, lon_blank = lat_status == COORD_BLANK, lon_status == COORD_BLANK
            status = np.maximum(lat_status, lon_status)  # INVALID (2) and RANGE (3) win over OK (0)
            status[lat_blank != lon_blank] = COORD_INVALID  # one of the two is missing
            status[lat_blank & lon_blank] = COORD_BLANK
            status[(status == COORD_OK) & (lat == 0) & (lon == 0)] = COORD_ZERO
            lat[status != COORD_OK] = np.nan
            lon[status != COORD_OK] = np.nan
        empty = np.full(n, "", dtype=object)
        return AccountBatch(
            rows=rows,
            name=text.get("name", empty),
            zip=text.get("zip"),
            lat_text=text.get("lat"),
            lon_text=text.get("lon"),
            lat=lat,
            lon=lon,
            coord_status=status,
            city=text.get("city"),
            state=text.get("state"),
            country=text.get("country"),
            measures=measures,
        )

    def _decimal_mark(self, values: NDArray[np.object_]) -> str | None:
        """A measure column's decimal mark from the values that show it; a semicolon file defaults to a comma."""
        votes = {".": 0, ",": 0}
        for text in pd.unique(values)[:5000]:
            mark = decimal_mark_evidence(str(text))
            if mark is not None:
                votes[mark] += 1
        if votes["."] != votes[","]:
            return "." if votes["."] > votes[","] else ","
        return "," if self._source.delimiter == ";" else None


def _stripped(values: NDArray[np.object_]) -> NDArray[np.object_]:
    """Stripped text of a column with few distinct values (each distinct value is stripped once)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    stripped = np.array([("" if u is None else str(u)).strip() for u in uniques], dtype=object)
    return stripped[codes] if len(uniques) else np.array([], dtype=object)


def _fast_amount_pattern(group: str, mark: str) -> re.Pattern[str]:
    """An amount in its everyday forms: (1,234.50), -$1,234.50, USD 1,234, 1.234,50 € (for group "." mark ",")."""
    g, m = re.escape(group), re.escape(mark)
    return re.compile(
        rf"\s*(\()?(-)?\s*(?:US\$|[$€£]|USD|EUR|GBP)?\s*(-)?(\d{{1,3}}(?:{g}\d{{3}})+|\d+)({m}\d+)?"
        rf"\s*(?:[$€£]|USD|EUR|GBP)?\s*(\))?\s*"
    )


_FAST_AMOUNT = {".": _fast_amount_pattern(",", "."), ",": _fast_amount_pattern(".", ",")}


def parse_amounts(values: NDArray[np.object_], decimal: str | None) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Amounts of a column of text (see :func:`~territory_planner.readers.table.parse_amount`); blank is 0.

    Returns the numbers and a mask of the values that are not amounts (their number is 0). Plain numbers are read
    in one vectorised pass, everyday currency forms by one regular expression, and only the rest go through
    ``parse_amount``; all three agree on every value the faster ones accept.
    """
    n = len(values)
    numbers = np.zeros(n, dtype=np.float64)
    bad = np.zeros(n, dtype=bool)
    if n == 0:
        return numbers, bad
    series = pd.Series(values, dtype=object)
    blank = (series == "").to_numpy()
    sample = series.iloc[:200]
    plain = pd.to_numeric(sample, errors="coerce").notna().sum() >= 0.5 * max(1, int((sample != "").sum()))
    if plain:  # mostly plain numbers: convert them all at once, the others below
        fast = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, copy=True)
        ok = np.isfinite(fast) & ~blank
        if decimal == ",":  # to_numeric reads 1.234 as one point two; with decimal commas it is a thousand and more
            ok &= ~series.str.contains(".", regex=False).fillna(False).to_numpy(dtype=bool)
        numbers[ok] = fast[ok]
        slow = np.flatnonzero(~ok & ~blank)
    else:
        slow = np.flatnonzero(~blank)
    if len(slow) == 0:
        return numbers, bad
    group, mark = (".", ",") if decimal == "," else (",", ".")
    match = _FAST_AMOUNT[mark].fullmatch
    out = np.zeros(len(slow), dtype=np.float64)
    failed = np.zeros(len(slow), dtype=bool)
    for i, raw in enumerate(values[slow].tolist()):
        text = "" if raw is None else str(raw)
        found = match(text)
        if found is not None and bool(found[1]) == bool(found[6]) and not (found[2] and found[3]):
            fraction = found[5]
            value = float(found[4].replace(group, "") + ("." + fraction[1:] if fraction else ""))
            out[i] = -value if bool(found[1]) ^ bool(found[2]) ^ bool(found[3]) else value
            continue
        if not text.strip():
            continue  # a blank cell with spaces in it
        try:
            out[i] = parse_amount(text, decimal)
        except ValueError:
            failed[i] = True
    numbers[slow] = out
    bad[slow] = failed
    return numbers, bad


def parse_coordinate(text: str) -> float:
    """A latitude or longitude: ``42.3535``, ``42,3535``, ``-71.13``, ``71.13 W``, ``42.35°N``. Raises ValueError."""
    t = _COORD_JUNK.sub("", text)
    match = _HEMISPHERE.match(t)
    negative = False
    if match and (match.group(1) or match.group(3)):
        hemisphere = (match.group(1) or match.group(3)).upper()
        t = match.group(2)
        negative = hemisphere in ("S", "W")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")  # a decimal comma: coordinates never group thousands
    if not _DECIMAL_NUMBER.fullmatch(t):
        raise ValueError("not a number")
    value = float(t)
    return -abs(value) if negative else value


def parse_coordinates(values: NDArray[np.object_], limit: float) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """Coordinates of a column of text: numbers (NaN when unusable) and a ``COORD_*`` status per value.

    ``limit`` is 90 for latitudes and 180 for longitudes; beyond it a value is ``COORD_RANGE``.
    """
    series = pd.Series(values, dtype=object)
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, copy=True)
    status = np.zeros(len(values), dtype=np.int8)
    status[(series == "").to_numpy()] = COORD_BLANK
    slow = np.flatnonzero(~np.isfinite(numbers) & (status != COORD_BLANK))
    if len(slow):  # decimal commas, a whole column of them at a time
        commas = pd.to_numeric(series.iloc[slow].str.replace(",", ".", regex=False), errors="coerce").to_numpy()
        numbers[slow] = commas
        slow = slow[~np.isfinite(commas)]
    for k in slow:
        text = str(values[k])
        if not text.strip():
            numbers[k], status[k] = np.nan, COORD_BLANK
            continue
        try:
            numbers[k] = parse_coordinate(text)
        except ValueError:
            numbers[k], status[k] = np.nan, COORD_INVALID
    with np.errstate(invalid="ignore"):
        out_of_range = np.abs(numbers) > limit
    status[out_of_range] = COORD_RANGE
    numbers[status != COORD_OK] = np.nan
    return numbers, status
