"""Import accounts from a CRM export: place each account in a unit, then count and sum them per unit.

An account is placed by its latitude/longitude when it has usable ones, else by its US ZIP code (the ZIP's centroid
from the ``zipcodes`` package, so no network is needed), else by its city and state. On a ZIP-code layer a ZIP goes
straight to the unit with that id. The result carries a ``SetUnitAttributes`` command (an ``accounts`` count and one
column per measure, for every unit of the layer) that the caller applies, so the import is one undoable edit; the
plan itself is not touched here. Accounts that cannot be placed are written to a report CSV with the reason.

This is heavy work (docs/ARCHITECTURE.md): a plain function that reports to a :class:`~.progress.Progress` (and
stops when it is cancelled), safe to run on a worker thread (it only reads the plan's layer).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..domain import Layer, Plan, PlanError
from ..domain.commands import SetUnitAttributes
from ..domain.formatting import count as plural_count
from ..exporters.atomic import atomic_path
from ..readers.accounts import (
    COORD_BLANK,
    COORD_INVALID,
    COORD_OK,
    COORD_RANGE,
    COORD_ZERO,
    AccountBatch,
    AccountsReader,
    ColumnMapping,
    ImportCancelled,
    Measure,
)
from ..readers.errors import InputFileError, Problem
from ..readers.zipcodes_index import (
    ZIP_BLANK,
    ZIP_INVALID,
    ZIP_PLUS4,
    ZIP_ZERO_RESTORED,
    ZipCentroids,
    city_key,
    normalize_zip_codes,
    zip_centroids,
)
from .progress import Cancelled, Progress, ReportFn

__all__ = ["AccountsImportResult", "Cancelled", "ColumnMapping", "UnplacedAccount", "import_accounts"]

_CANCELLED = "The import was cancelled; nothing was changed."

#: Accounts whose point lies just outside every unit (a coast simplified by the map, a ZIP centroid on a pier) go
#: to the nearest unit nearby: ``geo.points.NEAREST_DEGREES`` / ``NEAREST_METRES``.
EXAMPLES = 20

# Why an account could not be placed, per location kind (0 = not tried / nothing to say).
_Z_NONE, _Z_BLANK, _Z_INVALID, _Z_FOREIGN, _Z_UNKNOWN, _Z_NOWHERE, _Z_OUTSIDE, _Z_NOT_UNIT = range(8)
_ZIP_REASONS = {
    _Z_INVALID: "postal code '{zip}' is not a US ZIP code (five digits such as 02134, or ZIP+4 such as 02134-1234)",
    _Z_FOREIGN: "country '{country}' is outside the US, and postal codes are looked up only for US ZIP codes",
    _Z_UNKNOWN: "ZIP code {zip5} does not exist (it is not in the US ZIP code list)",
    _Z_NOWHERE: "ZIP code {zip5} has no location in the US ZIP code list (military APO/FPO and some special codes)",
    _Z_OUTSIDE: "ZIP code {zip5} lies outside every {noun} of layer '{layer}'",
    _Z_NOT_UNIT: "ZIP code {zip5} is not a {noun} of layer '{layer}'",
}
_COORD_REASONS = {
    COORD_INVALID: "latitude/longitude '{lat}', '{lon}' are not both numbers",
    COORD_RANGE: "latitude/longitude '{lat}', '{lon}' are out of range (latitude -90 to 90, longitude -180 to 180)",
    COORD_ZERO: "latitude/longitude 0, 0 is not a real place (a failed geocode)",
    -1: "the point at latitude {lat}, longitude {lon} lies outside every {noun} of layer '{layer}'",
}
_SUMMARY = {
    "no location": "no location",
    "zip-invalid": "postal code not a US ZIP code",
    "zip-foreign": "outside the US",
    "zip-unknown": "unknown ZIP code",
    "zip-nowhere": "ZIP code without a location",
    "zip-outside": "ZIP code outside the layer",
    "zip-not-unit": "ZIP code not in the layer",
    "coordinates-bad": "unusable coordinates",
    "coordinates-outside": "coordinates outside the layer",
    "city-unknown": "unknown city",
}
_Z_KEYS = {
    _Z_INVALID: "zip-invalid",
    _Z_FOREIGN: "zip-foreign",
    _Z_UNKNOWN: "zip-unknown",
    _Z_NOWHERE: "zip-nowhere",
    _Z_OUTSIDE: "zip-outside",
    _Z_NOT_UNIT: "zip-not-unit",
}

_US_NAMES = {
    "",
    "us",
    "usa",
    "unitedstates",
    "unitedstatesofamerica",
    "theunitedstates",
    "america",
    "pr",
    "puertorico",
    "gu",
    "guam",
    "vi",
    "usvi",
    "virginislands",
    "usvirginislands",
    "virginislandsus",
    "as",
    "americansamoa",
    "mp",
    "northernmarianaislands",
}
_STATES = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "districtofcolumbia": "DC",
    "washingtondc": "DC",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "newhampshire": "NH",
    "newjersey": "NJ",
    "newmexico": "NM",
    "newyork": "NY",
    "northcarolina": "NC",
    "northdakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhodeisland": "RI",
    "southcarolina": "SC",
    "southdakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "westvirginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "puertorico": "PR",
    "guam": "GU",
    "virginislands": "VI",
    "usvirginislands": "VI",
    "americansamoa": "AS",
    "northernmarianaislands": "MP",
}
_KEY = re.compile(r"[^a-z]+")


@dataclass(frozen=True)
class UnplacedAccount:
    """One account that could not be placed: its row in the file, its name and why."""

    row: int
    account: str
    reason: str


@dataclass(frozen=True)
class AccountsImportResult:
    """What an accounts import found. Apply ``command`` to change the plan; nothing has been changed yet.

    ``attributes`` are the unit attributes the command sets (``accounts`` first, then one per measure); ``columns``
    tells which file column was read for what (role → column); ``unplaced_by_reason`` counts the unplaced
    accounts by short reason; ``examples`` are the first unplaced accounts; ``report_path`` is the report CSV
    listing every unplaced account (None when no report was asked for).
    """

    command: SetUnitAttributes
    placed: int
    unplaced: int
    report_path: Path | None
    warnings: tuple[str, ...]
    attributes: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    unplaced_by_reason: dict[str, int] = field(default_factory=dict)
    examples: tuple[UnplacedAccount, ...] = ()

    def summary(self) -> str:
        """One line for a status bar or the command line."""
        total = self.placed + self.unplaced
        text = f"Placed {self.placed:,} of {total:,} accounts"
        if self.unplaced:
            reasons = ", ".join(f"{n:,} {k}" for k, n in sorted(self.unplaced_by_reason.items(), key=lambda i: -i[1]))
            text += f"; {self.unplaced:,} could not be placed ({reasons})"
            if self.report_path is not None:
                text += f" and are listed in {self.report_path.name}"
        return text + "."


def import_accounts(
    plan: Plan,
    path: str | Path,
    columns: ColumnMapping | None = None,
    *,
    report: str | Path | None = None,
    progress: Progress | ReportFn | None = None,
) -> AccountsImportResult:
    """Read a CRM export, place its accounts in the plan's layer and count and sum them per unit.

    ``columns`` says which file columns hold what and which numbers to sum per unit (see :class:`ColumnMapping`;
    columns not named are looked for under their usual CRM names). ``report`` is a CSV file to list unplaced
    accounts in (written whole or not at all; never the input file). ``progress`` is told how much of the file
    has been read; cancelling it stops the import with :class:`Cancelled` and nothing written.

    Raises InputFileError (listing every problem with its row and column) when the file cannot be used, and
    PlanError when the layer cannot take the result. The plan is never changed: apply ``result.command``.
    """
    mapping = columns or ColumnMapping()
    tracker = Progress.of(progress)
    source = Path(path)
    report_path = Path(report) if report is not None else None
    if report_path is not None and _same_file(report_path, source):
        raise PlanError(
            f"The report file {report_path.name} is the accounts file itself; choose another name for the report."
        )
    parsed = mapping.parsed_measures()
    _check_attributes(plan.layer, parsed, report_path)
    tracker.report(0.0, f"Reading {source.name}")
    try:
        result = _import(plan, source, mapping, parsed, report_path, tracker)
    except ImportCancelled as exc:  # the reader noticed the cancel while reading a row
        raise Cancelled(_CANCELLED) from exc
    except OSError as exc:  # the reader turns its own OSErrors into InputFileError: this one is the report's
        if report_path is None:
            raise
        raise PlanError(
            f"The report file {report_path} cannot be written ({exc.strerror or exc}). Choose another folder."
        ) from exc
    tracker.report(1.0, result.summary())
    return result


def _import(
    plan: Plan,
    source: Path,
    mapping: ColumnMapping,
    parsed: list[Measure],
    report_path: Path | None,
    progress: Progress,
) -> AccountsImportResult:
    with contextlib.ExitStack() as stack:
        mapping = dataclasses.replace(mapping, measures=tuple(parsed))
        reader = stack.enter_context(AccountsReader(source, mapping, cancel=progress.is_cancelled))
        placer = _Placer(plan.layer, reader)
        writer = None
        if report_path is not None:
            tmp = stack.enter_context(atomic_path(report_path, suffix=".csv"))
            handle: IO[str] = stack.enter_context(tmp.open("w", encoding="utf-8-sig", newline=""))
            writer = csv.writer(handle)
            writer.writerow(["row", "account", "reason", "postal_code", "latitude", "longitude"])
        tally = _Tally(len(plan.layer), len(reader.columns.measures))
        for batch in reader.batches():
            progress.check(_CANCELLED)
            tally.add(batch, placer.place(batch), placer, writer)
            progress.report(min(0.99, reader.fraction_done()), f"Placed {tally.placed:,} of {tally.read:,} accounts")
        if tally.placed == 0:
            raise _nothing_placed(reader, placer, tally)
        _check_finite(reader, tally)
        return _result(plan.layer, reader, placer, tally, report_path)


# --- checks before reading -----------------------------------------------------------------------------------


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _check_attributes(layer: Layer, measures: list[Measure], report: Path | None) -> None:
    if report is not None and not (report.parent if str(report.parent) else Path(".")).is_dir():
        raise PlanError(f"The folder of the report file {report} does not exist; create it or choose another place.")
    if _is_text_attribute(layer, "accounts"):
        raise PlanError(
            f"Layer '{layer.name}' has a text attribute 'accounts', where the import would put the number of "
            "accounts per unit. Rename that attribute first."
        )
    for measure in measures:
        name = measure.attribute
        if _is_text_attribute(layer, name):
            raise PlanError(
                f"The measure '{measure.column}' would become the unit attribute '{name}', which layer "
                f"'{layer.name}' uses for text. Give it another name, e.g. '{measure.column}={name}_total'."
            )


def _is_text_attribute(layer: Layer, name: str) -> bool:
    return name == "name" or (
        name in layer.units.columns and not pd.api.types.is_numeric_dtype(layer.units[name].dtype)
    )


# --- placing ------------------------------------------------------------------------------------------------


def is_zip_layer(layer: Layer) -> bool:
    """Whether the layer's units are ZIP codes (their ids are the codes)."""
    words = f"{layer.name} {layer.unit_noun}".lower()
    return "zip" in words or "zcta" in words


class _Placer:
    """Places the accounts of one import in the units of one layer (positions into ``layer.units``, or -1)."""

    def __init__(self, layer: Layer, reader: AccountsReader) -> None:
        self.layer = layer
        self.columns = reader.columns
        self.noun = layer.unit_noun or "unit"
        self.zip_layer = is_zip_layer(layer)
        from ..geo.points import UnitLocator

        self.locator = UnitLocator(layer)
        self.units = self.locator.units
        self.nearest = 0
        self.zero_restored = 0
        self.zip_plus4 = 0
        self.by_city = 0
        self.state_mismatch = 0
        self.state_examples: list[str] = []
        self.zero_examples: list[str] = []
        self._zips: ZipCentroids | None = None
        self._zip_units: NDArray[np.int64] | None = None
        if self.columns.lat is not None and self.units is None:
            raise PlanError(
                f"Layer '{layer.name}' has no shapes, so accounts cannot be placed by latitude/longitude. "
                "Import the layer's boundaries first, or place the accounts by ZIP code on a ZIP code layer."
            )
        if self.columns.zip is not None and self.units is None and not self.zip_layer:
            raise PlanError(
                f"Layer '{layer.name}' has no shapes, so ZIP codes cannot be placed in its {self.noun} units. "
                "Import the layer's boundaries first."
            )

    def points(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.int64]:
        """Units containing the points; points just off the layer's edge go to the nearest unit nearby."""
        found, nearest = self.locator.place(lon, lat)
        self.nearest += nearest
        return found

    def zip_units(self, rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """Units of ZIP list rows: -1 outside every unit, -2 no location, -3 not a unit (ZIP layer), -4 unknown ZIP.

        Each ZIP code is placed once per import, when an account first needs it.
        """
        zips = self.zips
        if self._zip_units is None:
            self._zip_units = np.full(len(zips.codes), -5, dtype=np.int64)
        known = self._zip_units
        valid = rows >= 0
        wanted = np.unique(rows[valid])
        todo = wanted[known[wanted] == -5]
        if len(todo):
            located = np.isfinite(zips.lon[todo]) & np.isfinite(zips.lat[todo])
            units = np.full(len(todo), -2, dtype=np.int64)
            if self.zip_layer:
                units[:] = np.asarray(self.layer.unit_ids.get_indexer(zips.codes[todo].astype(object)))
                if self.units is None:
                    units[units < 0] = -3
            missing = np.flatnonzero((units < 0) & located)
            if len(missing) and self.units is not None:
                # ZIP centroids just off the coast are no news to the user: keep them out of the nearest count.
                nearest_before = self.nearest
                units[missing] = self.points(zips.lon[todo[missing]], zips.lat[todo[missing]])
                self.nearest = nearest_before
            known[todo] = units
        out = np.full(len(rows), -4, dtype=np.int64)
        out[valid] = known[rows[valid]]
        return out

    @property
    def zips(self) -> ZipCentroids:
        if self._zips is None:
            self._zips = zip_centroids()
        return self._zips

    def place(self, batch: AccountBatch) -> _Placement:
        n = len(batch)
        unit = np.full(n, -1, dtype=np.int64)
        coord = np.zeros(n, dtype=np.int8)  # COORD_* of tried coordinates, -1 = outside, 0 = placed / none
        zip_reason = np.zeros(n, dtype=np.int8)
        zip5 = np.full(n, -1, dtype=np.int64)
        city_tried = np.zeros(n, dtype=bool)
        if batch.lat is not None and batch.lon is not None and batch.coord_status is not None:
            status = batch.coord_status
            ok = np.flatnonzero(status == COORD_OK)
            unit[ok] = self.points(batch.lon[ok], batch.lat[ok])
            coord = np.where(status == COORD_BLANK, 0, status).astype(np.int8)
            coord[ok[unit[ok] < 0]] = -1
        if batch.zip is not None:
            todo = np.flatnonzero(unit < 0)
            numbers, zstatus = normalize_zip_codes(batch.zip[todo])
            zip5[todo] = numbers
            reason = np.zeros(len(todo), dtype=np.int8)
            reason[zstatus == ZIP_BLANK] = _Z_BLANK
            reason[zstatus == ZIP_INVALID] = _Z_INVALID
            usable = zstatus != ZIP_BLANK
            if batch.country is not None:
                foreign = ~_is_us(batch.country[todo]) & usable
                reason[foreign] = _Z_FOREIGN
            zips = self.zips
            look = np.flatnonzero(reason == 0)
            wanted = numbers[look]
            found = np.full(len(look), -4, dtype=np.int64)
            if self.zip_layer:  # straight to the unit with the ZIP code as its id
                ids = np.char.zfill(wanted.astype(str), 5).astype(object)
                direct = np.asarray(self.layer.unit_ids.get_indexer(ids), dtype=np.int64)
                found = np.where(direct >= 0, direct, found)
            rows = zips.rows(wanted)
            via_list = (found < 0) & (rows >= 0)
            found[via_list] = self.zip_units(rows[via_list])
            placed = found >= 0
            unit[todo[look[placed]]] = found[placed]
            reason[look[found == -4]] = _Z_UNKNOWN
            reason[look[found == -2]] = _Z_NOWHERE
            reason[look[found == -1]] = _Z_OUTSIDE
            reason[look[found == -3]] = _Z_NOT_UNIT
            zip_reason[todo] = reason
            done = todo[look[placed]]
            self._count_repairs(batch, done, zstatus[look[placed]])
            if batch.state is not None and len(done):
                known = rows[placed]
                zip_states = np.where(known >= 0, zips.state[np.maximum(known, 0)], "").astype(str)
                self._check_states(batch, done, zip_states)
        if batch.city is not None and batch.state is not None:
            todo = np.flatnonzero((unit < 0) & (coord <= 0) & (zip_reason != _Z_FOREIGN))
            todo = todo[(batch.city[todo] != "") & (batch.state[todo] != "")]
            if batch.country is not None:
                todo = todo[_is_us(batch.country[todo])]
            if len(todo):
                city_tried[todo] = True
                unit[todo] = self._by_city(batch.city[todo], batch.state[todo])
                self.by_city += int((unit[todo] >= 0).sum())
        return _Placement(unit, coord, zip_reason, zip5, city_tried)

    def _count_repairs(self, batch: AccountBatch, done: NDArray[np.int64], status: NDArray[np.int8]) -> None:
        self.zip_plus4 += int((status == ZIP_PLUS4).sum())
        restored = done[status == ZIP_ZERO_RESTORED]
        self.zero_restored += len(restored)
        if batch.zip is not None:
            for k in restored[: max(0, 3 - len(self.zero_examples))]:
                self.zero_examples.append(f"row {batch.rows[k]}: {_text(batch.zip, int(k))}")

    def _check_states(self, batch: AccountBatch, done: NDArray[np.int64], zip_states: NDArray[np.str_]) -> None:
        if batch.state is None or batch.zip is None:
            return
        given = _state_codes(batch.state[done])
        differs = np.flatnonzero((given != "") & (zip_states != "") & (given != zip_states))
        self.state_mismatch += len(differs)
        for i in differs[: max(0, 3 - len(self.state_examples))]:
            k = done[i]
            self.state_examples.append(
                f"row {batch.rows[k]}: ZIP {_text(batch.zip, int(k))} is in {zip_states[i]}, the row says {given[i]}"
            )

    def _by_city(self, cities: NDArray[np.object_], states: NDArray[np.object_]) -> NDArray[np.int64]:
        zips = zip_centroids()
        points = zips.city_points
        codes = _state_codes(states)
        lon = np.full(len(cities), np.nan)
        lat = np.full(len(cities), np.nan)
        for k, (city, state) in enumerate(zip(cities, codes, strict=True)):
            point = points.get((str(state), city_key(str(city))))
            if point is not None:
                lon[k], lat[k] = point
        found = np.full(len(cities), -1, dtype=np.int64)
        ok = np.flatnonzero(np.isfinite(lon))
        if self.zip_layer and self.units is None:
            return found
        found[ok] = self.points(lon[ok], lat[ok])
        return found


def _is_us(countries: NDArray[np.object_]) -> NDArray[np.bool_]:
    codes, uniques = pd.factorize(np.asarray(countries, dtype=object), use_na_sentinel=False)
    us = np.array([_KEY.sub("", str(u).lower()) in _US_NAMES for u in uniques], dtype=bool)
    return us[codes] if len(uniques) else np.zeros(len(countries), dtype=bool)


def _state_codes(states: NDArray[np.object_]) -> NDArray[np.str_]:
    """Two-letter state codes from codes or names ('' when not a state)."""
    codes, uniques = pd.factorize(np.asarray(states, dtype=object), use_na_sentinel=False)
    out = []
    for u in uniques:
        text = str(u).strip()
        if len(text) == 2 and text.isalpha():
            out.append(text.upper())
        else:
            out.append(_STATES.get(_KEY.sub("", text.lower()), ""))
    return np.array(out, dtype=str)[codes] if out else np.array([], dtype=str)


@dataclass
class _Placement:
    unit: NDArray[np.int64]
    coord: NDArray[np.int8]
    zip_reason: NDArray[np.int8]
    zip5: NDArray[np.int64]
    city_tried: NDArray[np.bool_]


# --- counting and reporting ----------------------------------------------------------------------------------


class _Tally:
    def __init__(self, units: int, measures: int) -> None:
        self.counts = np.zeros(units, dtype=np.int64)
        self.sums = np.zeros((units, measures), dtype=np.float64)
        self.unplaced_sums = np.zeros(measures, dtype=np.float64)
        self.read = 0
        self.placed = 0
        self.reasons: Counter[str] = Counter()
        self.examples: list[UnplacedAccount] = []

    @property
    def unplaced(self) -> int:
        return self.read - self.placed

    def add(self, batch: AccountBatch, placement: _Placement, placer: _Placer, writer: Any) -> None:
        unit = placement.unit
        ok = unit >= 0
        self.read += len(batch)
        self.placed += int(ok.sum())
        units = len(self.counts)
        self.counts += np.bincount(unit[ok], minlength=units)
        missed = np.flatnonzero(~ok)
        with np.errstate(over="ignore", invalid="ignore"):  # absurd amounts are caught by _check_finite
            for j in range(self.sums.shape[1]):
                self.sums[:, j] += np.bincount(unit[ok], weights=batch.measures[ok, j], minlength=units)
            if len(missed):
                self.unplaced_sums += batch.measures[missed].sum(axis=0)
        if len(missed) == 0:
            return
        for k in missed:
            key, reason = _reason(batch, placement, int(k), placer)
            self.reasons[key] += 1
            account = _text(batch.name, int(k))
            if len(self.examples) < EXAMPLES:
                self.examples.append(UnplacedAccount(int(batch.rows[k]), account, reason))
            if writer is not None:
                writer.writerow(
                    [
                        int(batch.rows[k]),
                        account,
                        reason,
                        _text(batch.zip, int(k)),
                        _text(batch.lat_text, int(k)),
                        _text(batch.lon_text, int(k)),
                    ]
                )


def _text(values: NDArray[np.object_] | None, k: int) -> str:
    return "" if values is None or values[k] is None else str(values[k]).strip()


def _reason(batch: AccountBatch, placement: _Placement, k: int, placer: _Placer) -> tuple[str, str]:
    """(short key, full sentence with what to do) for one unplaced account."""
    parts: list[str] = []
    key = ""
    values = {
        "lat": _text(batch.lat_text, k),
        "lon": _text(batch.lon_text, k),
        "zip": _text(batch.zip, k),
        "zip5": f"{placement.zip5[k]:05d}" if placement.zip5[k] >= 0 else "",
        "country": "" if batch.country is None else batch.country[k],
        "noun": placer.noun,
        "layer": placer.layer.name,
    }
    coord = int(placement.coord[k])
    if coord != 0:
        parts.append(_COORD_REASONS[coord].format(**values))
        key = "coordinates-outside" if coord == -1 else "coordinates-bad"
    zip_reason = int(placement.zip_reason[k])
    if zip_reason in _ZIP_REASONS:
        parts.append(_ZIP_REASONS[zip_reason].format(**values))
        key = key or _Z_KEYS[zip_reason]
    if placement.city_tried[k]:
        city = f"{batch.city[k] if batch.city is not None else ''}, {batch.state[k] if batch.state is not None else ''}"
        parts.append(f"the city '{city}' is not in the US ZIP code list")
        key = key or "city-unknown"
    if not parts:
        where = []
        if batch.zip is not None:
            where.append("a postal code")
        if batch.lat is not None:
            where.append("a latitude/longitude")
        return "no location", f"the account has no location: add {' or '.join(where) or 'a location'}."
    fixes = {
        "coordinates-outside": "check the coordinates (latitude and longitude may be swapped) or use a layer "
        "that covers this place",
        "coordinates-bad": "correct the coordinates or remove them",
        "zip-invalid": "correct the postal code, or add latitude/longitude",
        "zip-foreign": "add latitude/longitude for accounts outside the US",
        "zip-unknown": "correct the ZIP code, or add latitude/longitude",
        "zip-nowhere": "add latitude/longitude",
        "zip-outside": "use a layer that covers this place, or add latitude/longitude",
        "zip-not-unit": "add the ZIP code's boundary to the layer",
        "city-unknown": "add a ZIP code or latitude/longitude",
    }
    return key, f"{'; '.join(parts)}: {fixes[key]}."


def _check_finite(reader: AccountsReader, tally: _Tally) -> None:
    problems = [
        Problem(
            reader.file,
            None,
            measure.column,
            "the amounts add up to more than the largest number a computer can hold; check the column for "
            "absurdly large values (such as 1e308).",
        )
        for j, measure in enumerate(reader.columns.measures)
        if not (np.isfinite(tally.sums[:, j]).all() and np.isfinite(tally.unplaced_sums[j]))
    ]
    if problems:
        raise InputFileError(reader.file, problems)


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """``1 account``, ``2,000 accounts``."""
    return plural_count(count, singular, plural)


def _nothing_placed(reader: AccountsReader, placer: _Placer, tally: _Tally) -> InputFileError:
    used = ", ".join(f"{role} '{column}'" for role, column in reader.columns.used().items())
    reasons = ", ".join(f"{n:,} {_SUMMARY.get(k, k)}" for k, n in tally.reasons.most_common())
    problems = [
        Problem(
            reader.file,
            None,
            None,
            f"none of the {_n(tally.read, 'account')} could be placed in layer '{placer.layer.name}' ({reasons}). "
            f"Columns read: {used}. Check that these are the right columns, and that the layer covers the "
            "accounts' country.",
        )
    ]
    problems += [Problem(reader.file, e.row, None, f"'{e.account}': {e.reason}") for e in tally.examples[:5]]
    return InputFileError(reader.file, problems)


def _result(
    layer: Layer, reader: AccountsReader, placer: _Placer, tally: _Tally, report_path: Path | None
) -> AccountsImportResult:
    ids = [str(u) for u in layer.unit_ids]
    attributes = ("accounts", *(m.attribute for m in reader.columns.measures))
    columns: list[tuple[str, tuple[tuple[str, float | None], ...]]] = [
        ("accounts", tuple(zip(ids, tally.counts.astype(float).tolist(), strict=True)))
    ]
    for j, measure in enumerate(reader.columns.measures):
        columns.append((measure.attribute, tuple(zip(ids, tally.sums[:, j].tolist(), strict=True))))
    warnings = list(reader.warnings)
    if placer.zero_restored:
        warnings.append(
            f"{_n(placer.zero_restored, 'ZIP code')} had lost their leading zero (a spreadsheet stores them as "
            f"numbers) and got it back, e.g. {'; '.join(placer.zero_examples)}. Format the column as text to keep "
            "the zeros."
        )
    if placer.state_mismatch:
        warnings.append(
            f"{_n(placer.state_mismatch, 'account')} with a ZIP code of another state than their state column "
            f"were placed by the ZIP code ({'; '.join(placer.state_examples)})."
        )
    if placer.by_city:
        warnings.append(
            f"{_n(placer.by_city, 'account')} with no usable ZIP code or coordinates were placed by city and state, "
            f"at the middle of the city; a city spanning several {placer.noun} units may be placed in the wrong one."
        )
    if placer.nearest:
        warnings.append(
            f"{_n(placer.nearest, 'account')} just outside every {placer.noun} (on the coast or the edge of the "
            "map) were placed in the nearest one."
        )
    if tally.unplaced:
        where = f"; they are listed in {report_path.name}" if report_path is not None else ""
        warnings.append(f"{tally.unplaced:,} of {_n(tally.read, 'account')} could not be placed{where}.")
        for j, measure in enumerate(reader.columns.measures):
            missing = float(tally.unplaced_sums[j])
            total = missing + float(tally.sums[:, j].sum())
            if missing and total:
                warnings.append(
                    f"The unplaced accounts hold {missing:,.0f} of {measure.attribute} ({missing / total:.1%} of the "
                    "file's total), which no unit counts."
                )
    return AccountsImportResult(
        command=SetUnitAttributes(tuple(columns)),
        placed=tally.placed,
        unplaced=tally.unplaced,
        report_path=report_path,
        warnings=tuple(warnings),
        attributes=attributes,
        columns=reader.columns.used(),
        unplaced_by_reason={_SUMMARY.get(k, k): n for k, n in tally.reasons.most_common()},
        examples=tuple(tally.examples),
    )
