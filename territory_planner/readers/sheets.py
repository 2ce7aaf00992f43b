"""The plan sheets (CSV or XLSX): territories, assignments, sellers, allocations, assumptions, attributes.

Each reader checks the whole file against the plan first, collects every problem with its row and column, and
returns the commands that make the change; nothing touches the plan until all of it is known to be good. The
column formats are documented in the README.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..domain import PALETTE, Allocation, Month, Plan, PlanError, Seller, Territory
from ..domain.assumptions import (
    ALL_KEYS,
    FUNNEL_KEYS,
    RANGE_ENDS,
    RANGE_KEYS,
    TEXT_PLAN_KEYS,
    check_amount,
    check_market_attribute,
    check_range,
    check_spend_band,
    range_key,
    validate_value,
)
from ..domain.commands import (
    AddSeller,
    AssignUnits,
    Batch,
    Command,
    CreateRegion,
    CreateTerritory,
    DeleteRegion,
    DeleteTerritory,
    LockTerritory,
    MoveTerritoryToRegion,
    RecolourTerritory,
    RemoveSeller,
    SetAllocation,
    SetAssumption,
    SetUnitAttributes,
    lock_refusal,
)
from ..domain.formatting import plural_noun
from ..domain.model import Layer, check_color, check_name
from ..domain.parents import UnitParents
from .errors import InputFileError, Problem
from .homes import check_home
from .table import Table, parse_amount, parse_rate, read_table

SHEETS = ("territories", "assignments", "sellers", "allocations", "assumptions", "attributes")

COLUMNS = {
    "assignments": ("unit_id", "territory"),
    "territories": ("territory", "region", "color"),
    "sellers": ("seller", "territory", "status", "start_month", "ramp_months", "annual_quota", "annual_cost", "home"),
    "allocations": ("level", "name", "budget", "hours", "start_month", "locked"),
    "assumptions": ("level", "name", "key", "value", "low", "high"),
    "attributes": ("unit_id",),
}


#: The largest attribute value (population, accounts, market potential) a unit may have: sums over any number
#: of units stay finite and printable.
MAX_ATTRIBUTE = 1e15


#: The words a yes/no column (``locked``) accepts, compared in lower case; an empty cell is "no" (or "unchanged").
_YES = ("yes", "true", "1")
_NO = ("no", "false", "0")


class _Collector:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.problems: list[Problem] = []

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.table.file, row, column, message))

    def amount(
        self, row: int, values: dict[str, str], column: str, required: bool = True, bounded: str | None = None
    ) -> float | None:
        """The column's amount, or None with a problem recorded; ``bounded`` names the amount whose bounds apply
        (``budget``, ``hours``, ``annual_quota``, ``annual_cost``: see ``domain.assumptions.AMOUNT_SPECS``)."""
        text = values.get(column, "")
        if not text:
            if required:
                self.add(row, column, "is empty; enter an amount (0 if none).")
            return None
        try:
            value = parse_amount(text)
        except ValueError:
            self.add(row, column, f"'{text}' is not a number; write an amount such as 120000.")
            return None
        if value < 0:
            self.add(row, column, f"{text} is negative; amounts must be 0 or more.")
            return None
        if bounded is not None:
            try:
                check_amount(bounded, value)
            except PlanError as exc:
                self.add(row, column, str(exc))
                return None
        return value

    def yes_no(self, row: int, values: dict[str, str], column: str) -> bool:
        """Whether the column is empty, yes or no (true/false, 1/0, any case); else a problem is recorded."""
        text = values.get(column, "").lower()
        if text in ("", *_YES, *_NO):
            return True
        self.add(row, column, f"'{values.get(column)}' should be yes or no.")
        return False

    def name(self, row: int, values: dict[str, str], column: str, kind: str) -> str | None:
        """The column's name checked as the plan checks names (length, control characters), or None with a problem
        recorded; an empty cell gives None without a problem."""
        text = values.get(column, "")
        if not text:
            return None
        try:
            return check_name(kind, text)
        except PlanError as exc:
            self.add(row, column, str(exc))
            return None

    def repeated_unit(
        self, row: int, unit: str, seen: dict[str, tuple[int, dict[str, str]]], values: dict[str, str]
    ) -> bool:
        """Record a problem (and return True) when the unit already has a row; else remember this row.

        One row per unit in every sheet keyed by unit id (assignments, attributes): a second row is refused even
        with the same values, naming both rows and the values that differ.
        """
        if unit not in seen:
            seen[unit] = (row, values)
            return False
        first, earlier = seen[unit]
        differ = [
            f"{column} {earlier.get(column, '') or '(empty)'} and {values.get(column, '') or '(empty)'}"
            for column in self.table.columns
            if column and column != "unit_id" and earlier.get(column, "") != values.get(column, "")
        ]
        what = f" with different values ({'; '.join(differ[:3])})" if differ else ""
        self.add(
            row,
            "unit_id",
            f"unit {unit} is listed twice (rows {first} and {row}){what}; keep one row per unit.",
        )
        return True

    def month(self, row: int, values: dict[str, str], column: str) -> Month | None:
        text = values.get(column, "")
        if not text:
            return None
        try:
            return Month.parse(text)
        except PlanError:
            self.add(row, column, f"'{text}' is not a month; write it as YYYY-MM, for example 2027-04.")
            return None

    def unknown_territory(self, row: int, territory: str | None, known: set[str], scenario: str) -> bool:
        """Record a problem (and return True) when the row names a territory the scenario does not have."""
        if territory is None or territory in known:
            return False
        self.add(
            row,
            "territory",
            f"'{territory}' is not a territory of scenario '{scenario}'. "
            "Import the territories sheet first or fix the name.",
        )
        return True

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputFileError(self.table.file, self.problems)


def _unit_ids(plan: Plan, c: _Collector, table: Table) -> list[tuple[int, str]]:
    """Unit ids of the rows, with leading zeros restored when the layer's ids all have one length."""
    ids = plan.layer.unit_ids
    lengths = {len(str(u)) for u in ids[:1000]}
    width = lengths.pop() if len(lengths) == 1 else None
    out = []
    for row, values in table.rows:
        raw = values.get("unit_id", "")
        if not raw:
            c.add(row, "unit_id", "is empty; every row needs the id of a unit of the plan's layer.")
            continue
        unit = raw
        if not plan.layer.has_unit(unit) and width and raw.isdigit() and len(raw) < width:
            unit = raw.zfill(width)  # a spreadsheet dropped the leading zero
        if not plan.layer.has_unit(unit):
            example = ", ".join(map(str, ids[:3]))
            c.add(row, "unit_id", f"'{raw}' is not a unit of layer '{plan.layer.name}' (ids look like {example}).")
            continue
        out.append((row, unit))
    return out


def read_assignments(plan: Plan, scenario: str, path: str | Path, known_territories: set[str] | None = None) -> Batch:
    """The assignments sheet: ``unit_id,territory``, with an optional ``level`` column (``unit`` by default,
    ``county`` or ``state``) whose rows name a county or state code in ``unit_id`` and assign all its units. A finer
    row wins over a coarser one (a ZIP code's row over its county's, a county's over its state's)."""
    table = read_table(path)
    table.require(*COLUMNS["assignments"])
    c = _Collector(table)
    s = plan.scenario(scenario)
    territories = set(s.territories) if known_territories is None else known_territories
    seen: dict[str, tuple[int, dict[str, str]]] = {}
    noun = plan.layer.unit_noun
    any_locked = any(t.locked for t in s.territories.values())
    unit_rows, level_rows = _level_rows(plan, c, table)
    units = dict(_unit_ids(plan, c, Table(table.file, table.columns, unit_rows)))
    wanted: dict[str, str | None] = {}
    for row, values, units_of_row in level_rows:  # coarsest first: finer rows overwrite
        territory = values.get("territory", "") or None
        if c.unknown_territory(row, territory, territories, scenario):
            continue
        refused = lock_refusal(s, ((territory, units_of_row),), noun) if any_locked else None
        if refused:
            c.add(row, "territory", f"{refused} (or list this {values['level']}'s other {plural_noun(noun)} by unit)")
            continue
        wanted.update(dict.fromkeys(units_of_row, territory))
    for row, values in unit_rows:
        if row not in units:
            continue
        unit = units[row]
        territory = values.get("territory", "") or None
        if c.unknown_territory(row, territory, territories, scenario):
            continue
        if c.repeated_unit(row, unit, seen, values):
            continue
        refused = lock_refusal(s, ((territory, (unit,)),), noun) if any_locked else None
        if refused:
            c.add(row, "territory", refused)
            continue
        wanted[unit] = territory
    c.raise_if_any()
    groups: dict[str | None, list[str]] = {}
    for unit, territory in wanted.items():
        groups.setdefault(territory, []).append(unit)
    commands = tuple(AssignUnits(scenario, ((t, tuple(u)),), noun) for t, u in groups.items())
    return Batch(f"Import {len(wanted):,} assignments from {Path(path).name}", commands)


#: Words of the assignments sheet's ``level`` column that mean the plan's own units.
_UNIT_LEVEL_WORDS = ("", "unit", "units")


def _level_rows(
    plan: Plan, c: _Collector, table: Table
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, dict[str, str], tuple[str, ...]]]]:
    """The rows of plain units, and the county or state rows with the units they stand for (coarsest level first);
    a bad level or an unknown county or state code is recorded as a problem naming the row."""
    if "level" not in table.columns:
        return table.rows, []
    from ..geo.parents import layer_parents  # only a sheet with levels needs the map's parent codes

    layer = plan.layer
    parents = layer_parents(layer)
    unit_words = (*_UNIT_LEVEL_WORDS, layer.unit_noun.lower(), plural_noun(layer.unit_noun).lower())
    plain: list[tuple[int, dict[str, str]]] = []
    found: list[tuple[int, int, dict[str, str], tuple[str, ...]]] = []
    listed: dict[tuple[str, str], int] = {}
    for row, values in table.rows:
        level = values.get("level", "").strip().lower()
        if level in unit_words:
            plain.append((row, values))
            continue
        if level not in parents.levels:
            known = ", ".join(("unit", *parents.levels))
            why = (
                f"the units of layer '{layer.name}' carry no {level} code"
                if level in ("county", "state")
                else f"'{values.get('level')}' is not a level"
            )
            c.add(row, "level", f"{why}; write one of: {known} (or leave it empty for a {layer.unit_noun}).")
            continue
        code = _parent_code(layer, parents, level, values.get("unit_id", ""))
        codes = parents.level(level)
        if codes.code_of(code) < 0:
            example = ", ".join(map(str, codes.ids[:3]))
            c.add(
                row,
                "unit_id",
                f"'{values.get('unit_id', '')}' is not a {level} of layer '{layer.name}' ({level} codes look like "
                f"{example}); write the {level}'s code, or set level to unit for a {layer.unit_noun}.",
            )
            continue
        if (level, code) in listed:
            c.add(row, "unit_id", f"{level} {code} is listed twice (rows {listed[level, code]} and {row}); keep one.")
            continue
        listed[level, code] = row
        members = tuple(str(u) for u in layer.unit_ids[parents.units_of(level, [code])])
        found.append((parents.levels.index(level), row, {**values, "level": level}, members))
    found.sort(key=lambda f: (-f[0], f[1]))  # states, then counties, each in file order
    return plain, [(row, values, members) for _, row, values, members in found]


def _parent_code(layer: Layer, parents: UnitParents, level: str, text: str) -> str:
    """A county or state code as written in a sheet, with its leading zeros back (``6`` -> ``06``) and, for a
    state, its postal abbreviation read as its code (``TX`` -> ``48``) when the layer has a ``state`` column."""
    code = text.strip()
    ids = parents.level(level).ids
    widths = {len(str(i)) for i in ids[:1000]}
    if code.isdigit() and len(widths) == 1 and len(code) < (width := widths.pop()):
        code = code.zfill(width)
    if level == "state" and not code.isdigit() and "state" in layer.units.columns:
        column = parents.level("state").column
        pairs = layer.units[["state", column]].drop_duplicates()
        by_abbrev = dict(zip(pairs["state"].astype(str).str.upper(), pairs[column].astype(str), strict=True))
        code = by_abbrev.get(code.upper(), code)
    return code


def read_territories(plan: Plan, scenario: str, path: str | Path, merge: bool = False) -> Batch:
    """The territories of the sheet: by default they replace the scenario's territories (one not listed is deleted,
    its units left unassigned; a region no territory names is deleted); with ``merge`` the territories and regions
    not listed stay, and the listed ones are created or updated."""
    table = read_table(path)
    table.require("territory")
    c = _Collector(table)
    s = plan.scenario(scenario)
    wanted: dict[str, tuple[str | None, str | None, bool | None]] = {}
    for row, values in table.rows:
        if not values.get("territory", ""):
            c.add(row, "territory", "is empty; every territory needs a name.")
            continue
        name = c.name(row, values, "territory", "territory")
        region_text = values.get("region", "")
        region = c.name(row, values, "region", "region")
        if name is None or (region_text and region is None):
            continue
        if name in wanted:
            c.add(row, "territory", f"'{name}' is listed twice; territory names must be unique.")
            continue
        color = values.get("color", "") or None
        if color is not None:
            try:
                color = check_color(color if color.startswith("#") else "#" + color)
            except PlanError:
                c.add(row, "color", f"'{color}' is not a colour; write it as #rrggbb, for example #4e79a7.")
                continue
        locked_text = values.get("locked", "").lower()
        if not c.yes_no(row, values, "locked"):
            continue
        locked = None if not locked_text else locked_text in _YES
        wanted[name] = (region, color, locked)
    c.raise_if_any()
    commands: list[Command] = []
    regions_wanted = list(dict.fromkeys(r for r, _, _ in wanted.values() if r))
    for region in regions_wanted:
        if region not in s.regions:
            commands.append(CreateRegion(scenario, region))
    for name in s.territories:
        if name not in wanted and not merge:
            commands.append(DeleteTerritory(scenario, name))
    used_colors = {t.color for n, t in s.territories.items() if n in wanted}
    palette = iter([p for p in PALETTE if p not in used_colors] + list(PALETTE) * 10)
    for name, (t_region, color, locked) in wanted.items():
        if name not in s.territories:
            commands.append(CreateTerritory(scenario, Territory(name, t_region, color or next(palette), bool(locked))))
            continue
        current = s.territories[name]
        if current.region != t_region:
            commands.append(MoveTerritoryToRegion(scenario, name, t_region))
        if color is not None and current.color != color:
            commands.append(RecolourTerritory(scenario, name, color))
        if locked is not None and current.locked != locked:
            commands.append(LockTerritory(scenario, name, locked))
    for region in s.regions:
        if region not in regions_wanted and not merge:
            commands.append(DeleteRegion(scenario, region))
    how = "Merge" if merge else "Import"
    return Batch(f"{how} {len(wanted)} territories from {Path(path).name}", tuple(commands))


def read_sellers(
    plan: Plan, scenario: str, path: str | Path, known_territories: set[str] | None = None, merge: bool = False
) -> Batch:
    """The sellers of the sheet: by default they replace the scenario's sellers; with ``merge`` a seller not
    listed stays and a listed one is added or replaced."""
    table = read_table(path)
    table.require("seller", "territory", "status", "annual_quota")
    c = _Collector(table)
    s = plan.scenario(scenario)
    territories = set(s.territories) if known_territories is None else known_territories
    sellers: dict[str, Seller] = {}
    for row, values in table.rows:
        if not values.get("seller", ""):
            c.add(row, "seller", "is empty; every seller needs a name.")
            continue
        name = c.name(row, values, "seller", "seller")
        if name is None:
            continue
        if name in sellers:
            c.add(row, "seller", f"'{name}' is listed twice; seller names must be unique.")
            continue
        territory = values.get("territory", "") or None
        if c.unknown_territory(row, territory, territories, scenario):
            continue
        status = values.get("status", "").lower() or "existing"
        if status in ("hire", "planned hire", "tbh"):
            status = "planned"
        if status not in ("existing", "planned"):
            c.add(row, "status", f"'{values.get('status')}' should be existing or planned.")
            continue
        start = c.month(row, values, "start_month")
        if values.get("start_month") and start is None:
            continue
        ramp_text = values.get("ramp_months", "") or "0"
        try:
            ramp_months = int(float(ramp_text))
            if not 0 <= ramp_months <= 60 or float(ramp_text) != ramp_months:
                raise ValueError
        except (ValueError, OverflowError):
            c.add(row, "ramp_months", f"'{ramp_text}' should be a whole number of months from 0 to 60.")
            continue
        quota = c.amount(row, values, "annual_quota", bounded="annual_quota")
        cost = c.amount(row, values, "annual_cost", required=False, bounded="annual_cost")
        home: str | None = None
        if values.get("home", ""):
            try:
                home = check_home(values["home"], f"seller '{name}'")
            except PlanError as exc:
                c.add(row, "home", str(exc))
                continue
        if quota is None or (values.get("annual_cost") and cost is None):
            continue
        sellers[name] = Seller(
            name,
            territory,
            status,  # type: ignore[arg-type]
            start,
            ramp_months,
            quota,
            cost or 0.0,
            home,
        )
    c.raise_if_any()
    gone = [n for n in s.sellers if n in sellers] if merge else list(s.sellers)
    commands: list[Command] = [RemoveSeller(scenario, n) for n in gone]
    commands += [AddSeller(scenario, seller) for seller in sellers.values()]
    how = "Merge" if merge else "Import"
    return Batch(f"{how} {len(sellers)} sellers from {Path(path).name}", tuple(commands))


def read_allocations(plan: Plan, scenario: str, path: str | Path, merge: bool = False) -> Batch:
    """The allocations of the sheet. By default they *replace* the scenario's allocations (one not listed is
    removed); with ``merge`` only the rows listed are set and every other allocation stays."""
    table = read_table(path)
    table.require("level", "name", "budget")
    c = _Collector(table)
    s = plan.scenario(scenario)
    allocations: dict[tuple[str, str], Allocation] = {}
    for row, values in table.rows:
        level = values.get("level", "").lower()
        name = values.get("name", "")
        if level not in ("region", "territory"):
            c.add(row, "level", f"'{values.get('level')}' should be region or territory.")
            continue
        known = s.regions if level == "region" else s.territories
        if name not in known:
            c.add(
                row,
                "name",
                f"'{name}' is not a {level} of scenario '{scenario}'. "
                "Import the territories sheet first or fix the name.",
            )
            continue
        if (level, name) in allocations:
            c.add(row, "name", f"{level} '{name}' has two allocations; keep one row per {level}.")
            continue
        budget = c.amount(row, values, "budget", bounded="budget")
        hours = c.amount(row, values, "hours", required=False, bounded="hours")
        start = c.month(row, values, "start_month")
        locked = values.get("locked", "").lower()
        if not c.yes_no(row, values, "locked"):
            continue
        if budget is None or (values.get("hours") and hours is None) or (values.get("start_month") and not start):
            continue
        allocations[(level, name)] = Allocation(
            level,  # type: ignore[arg-type]
            name,
            budget,
            hours or 0.0,
            start,
            locked=locked in _YES,
        )
    c.raise_if_any()
    removed = [] if merge else [key for key in s.allocations if key not in allocations]
    commands: list[Command] = [SetAllocation(scenario, lv, n, None) for (lv, n) in removed]
    commands += [SetAllocation(scenario, lv, n, a) for (lv, n), a in allocations.items()]
    how = "Merge" if merge else "Import"
    return Batch(f"{how} {len(allocations)} allocations from {Path(path).name}", tuple(commands))


def read_assumptions(plan: Plan, scenario: str, path: str | Path) -> Batch:
    table = read_table(path)
    table.require("level", "key", "value")
    c = _Collector(table)
    s = plan.scenario(scenario)
    values_out: dict[tuple[str, str | None, str], object] = {}
    rows_of: dict[str, int] = {}
    has_range_columns = "low" in table.columns or "high" in table.columns
    ranges_out: dict[str, dict[str, float]] = {}  # plan key -> its range ends in the sheet (empty: no range)
    for row, values in table.rows:
        level = values.get("level", "").lower()
        name = values.get("name", "") or None
        key = values.get("key", "").lower()
        text = values.get("value", "")
        range_text = {end: values.get(end, "").strip() for end in RANGE_ENDS}
        if level not in ("plan", "region", "territory"):
            c.add(row, "level", f"'{values.get('level')}' should be plan, region or territory.")
            continue
        if key not in ALL_KEYS:
            c.add(row, "key", f"'{key}' is not an assumption. Known keys: {', '.join(ALL_KEYS)}.")
            continue
        if level != "plan":
            known = s.regions if level == "region" else s.territories
            if name not in known:
                c.add(row, "name", f"'{name or ''}' is not a {level} of scenario '{scenario}'.")
                continue
            if key not in FUNNEL_KEYS:
                c.add(row, "key", f"'{key}' can only be set at plan level.")
                continue
        else:
            name = None
        where = f" (level {level}{', ' + name if name else ''})"
        if any(range_text.values()) and (level != "plan" or key not in RANGE_KEYS):
            column = "low" if range_text["low"] else "high"
            c.add(
                row,
                column,
                f"'{key}' cannot have a range here: ranges (low, high) are set at plan level for "
                f"{', '.join(RANGE_KEYS)}; region and territory overrides scale the plan's range.",
            )
            continue
        value: object
        if key in TEXT_PLAN_KEYS:
            value = text
            if key == "period_start":
                try:
                    value = Month.parse(text)
                except PlanError:
                    c.add(row, "value", f"'{text}' is not a month; write it as YYYY-MM, for example 2027-01.")
                    continue
            elif key == "market_attribute":
                try:
                    value = check_market_attribute(text)
                except PlanError as exc:
                    c.add(row, "value", str(exc))
                    continue
                numeric = plan.layer.numeric_columns()
                if value is not None and value not in numeric:
                    c.add(
                        row,
                        "value",
                        f"The layer has no numeric attribute '{value}' to count as market. Its attributes: "
                        f"{', '.join(numeric) or 'none'}; import an attributes sheet first, or leave it empty.",
                    )
                    continue
            elif not (len(text) == 3 and text.isalpha()):
                c.add(row, "value", f"'{text}' is not a 3-letter currency code such as USD.")
                continue
            value = text.upper() if key == "currency" else value
        else:
            try:
                number = parse_rate(text)
                value = validate_value(key, number, where)
            except ValueError as exc:
                msg = str(exc) if isinstance(exc, PlanError) else f"'{text}' is not a number."
                c.add(row, "value", msg)
                continue
        if (level, name, key) in values_out:
            c.add(row, "key", f"'{key}' is set twice for this {level}; keep one row.")
            continue
        if level == "plan" and key in RANGE_KEYS:
            ends = _range_ends(c, row, key, range_text)
            if ends is None:
                continue
            if not has_range_columns:  # an older sheet: the plan's range stays, so the value must fit it
                ends = dict(s.assumptions.ranges.get(key, {}))
            try:
                check_range(key, float(value), ends.get("low"), ends.get("high"))  # type: ignore[arg-type]
            except PlanError as exc:
                fix = "" if has_range_columns else " (the sheet has no low and high columns, so the range stays)"
                c.add(row, "low" if has_range_columns else "value", f"{exc}{fix}")
                continue
            if has_range_columns:
                ranges_out[key] = ends
        values_out[(level, name, key)] = value
        rows_of[key if level == "plan" else ""] = row
    current = s.assumptions.values
    low, high = (
        float(values_out.get(("plan", None, k), current[k]))  # type: ignore[arg-type]
        for k in ("spend_ratio_min", "spend_ratio_max")
    )
    try:
        check_spend_band(low, high)
    except PlanError as exc:
        c.add(
            rows_of.get("spend_ratio_min") or rows_of.get("spend_ratio_max"),
            "value",
            f"{exc} (These are the values after this import; a value the sheet does not set stays as it is.)",
        )
    c.raise_if_any()
    if low > current["spend_ratio_max"]:
        # Raise the high end first, so the band is never upside down between the two commands.
        values_out = dict(sorted(values_out.items(), key=lambda item: item[0] != ("plan", None, "spend_ratio_max")))
    commands: list[Command] = []
    for table_level, overrides in (
        ("region", s.assumptions.region_overrides),
        ("territory", s.assumptions.territory_overrides),
    ):
        for oname, keys in overrides.items():
            for key in keys:
                if (table_level, oname, key) not in values_out:
                    commands.append(SetAssumption(scenario, table_level, oname, key, None))
    # Ranges: remove the old ends first and set the new ones last, so no command sees a value outside its range.
    old_ranges = s.assumptions.ranges
    commands += [
        SetAssumption(scenario, "plan", None, range_key(key, end), None)
        for key in ranges_out
        for end in old_ranges.get(key, {})
    ]
    commands += [SetAssumption(scenario, lv, n, k, v) for (lv, n, k), v in values_out.items()]
    commands += [
        SetAssumption(scenario, "plan", None, range_key(key, end), v)
        for key, ends in ranges_out.items()
        for end, v in ends.items()
    ]
    return Batch(f"Import {len(values_out)} assumptions from {Path(path).name}", tuple(commands))


def _range_ends(c: _Collector, row: int, key: str, texts: dict[str, str]) -> dict[str, float] | None:
    """The low and high of a plan row (``{}`` when both are empty); ``None`` after recording a problem."""
    ends: dict[str, float] = {}
    for end, text in texts.items():
        if not text:
            continue
        try:
            ends[end] = validate_value(key, parse_rate(text), f" ({end} end of its range)")
        except ValueError as exc:
            c.add(row, end, str(exc) if isinstance(exc, PlanError) else f"'{text}' is not a number.")
            return None
    return ends


def read_attributes(plan: Plan, scenario: str, path: str | Path) -> Batch:
    table = read_table(path)
    table.require("unit_id")
    c = _Collector(table)
    columns = [col for col in table.columns if col not in ("unit_id", "name", "")]
    if not columns:
        c.add(None, None, "has no attribute columns; add one or more numeric columns after unit_id.")
        c.raise_if_any()
    data: dict[str, dict[str, float]] = {col: {} for col in columns}
    text_columns = {
        col
        for col in columns
        if col in plan.layer.units.columns and not pd.api.types.is_numeric_dtype(plan.layer.units[col])
    }
    units = dict(_unit_ids(plan, c, table))
    seen: dict[str, tuple[int, dict[str, str]]] = {}
    for row, values in table.rows:
        if row not in units or c.repeated_unit(row, units[row], seen, values):
            continue
        for col in columns:
            if col in text_columns:
                continue
            text = values.get(col, "")
            if not text:
                continue
            try:
                number = parse_amount(text)
            except ValueError:
                c.add(row, col, f"'{text}' is not a number; attribute columns must be numeric.")
                continue
            if abs(number) > MAX_ATTRIBUTE:
                c.add(
                    row,
                    col,
                    f"{text} is larger than any real figure (at most {MAX_ATTRIBUTE:,.0f} either way); "
                    "totals of it would overflow. Check the unit of the column.",
                )
                continue
            data[col][units[row]] = number
    c.raise_if_any()
    numeric = {col: vals for col, vals in data.items() if col not in text_columns}
    return Batch(
        f"Import {len(numeric)} attribute column(s) from {Path(path).name}",
        (SetUnitAttributes(tuple((col, tuple(vals.items())) for col, vals in numeric.items())),),
    )


READERS: dict[str, Callable[..., Batch]] = {
    "assignments": read_assignments,
    "territories": read_territories,
    "sellers": read_sellers,
    "allocations": read_allocations,
    "assumptions": read_assumptions,
    "attributes": read_attributes,
}


#: The sheets that replace what the scenario holds unless merged (``merge=True``): a row not in the file is removed.
MERGEABLE = ("territories", "sellers", "allocations")


def read_sheet(kind: str, plan: Plan, scenario: str, path: str | Path, merge: bool = False) -> Batch:
    """Read one plan sheet and return the batch of commands that would apply it (nothing is changed yet).

    Territories, sellers and allocations *replace* the scenario's by default; ``merge`` changes only the rows the
    sheet lists (:data:`MERGEABLE`). ``readers.import_effect.describe_import`` says what a batch will do.
    """
    if kind not in READERS:
        raise PlanError(f"Unknown sheet '{kind}'. Use one of: {', '.join(SHEETS)}.")
    plan.scenario(scenario)
    if merge:
        if kind not in MERGEABLE:
            raise PlanError(
                f"A {kind} sheet cannot be merged: merging works on the {', '.join(MERGEABLE)} sheets. "
                "Import it without merging."
            )
        return READERS[kind](plan, scenario, path, merge=True)
    return READERS[kind](plan, scenario, path)
