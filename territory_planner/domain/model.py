"""What a plan is: a shared layer of units and one or more scenarios of territories, sellers and allocations."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from .assumptions import Assumptions, check_amount
from .errors import DuplicateName, PlanError, UnknownName
from .governance import Governance
from .homes import parse_home
from .months import Month
from .text import MAX_NAME_LENGTH, control_characters, printable

BASELINE = "baseline"


def scenario_label(name: str) -> str:
    """A scenario's name as every view shows it (app, dialogs, reports): "Baseline" for the baseline."""
    return "Baseline" if name == BASELINE else name


SellerStatus = Literal["existing", "planned"]
AllocationLevel = Literal["region", "territory"]

_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")

#: A palette of 20 distinguishable fills, used for new territories in order.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f77b4",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#aec7e8",
    "#ffbb78",
)


def check_color(color: str) -> str:
    if not _COLOR_RE.match(color or ""):
        raise PlanError(f"Colour '{color}' is not a colour: write it as #rrggbb, for example #4e79a7.")
    return color.lower()


def check_name(kind: str, name: str) -> str:
    """A name is one line of printable text of at most :data:`MAX_NAME_LENGTH` characters."""
    text = (name or "").strip()
    if not text:
        raise PlanError(f"A {kind} needs a name.")
    if len(text) > MAX_NAME_LENGTH:
        raise PlanError(
            f"The {kind} name '{printable(text[:40])}…' is too long ({len(text)} characters): "
            f"keep it to {MAX_NAME_LENGTH} characters or fewer."
        )
    codes = control_characters(name)  # the name as given: strip() would hide a leading "\r=2"
    if codes:
        raise PlanError(
            f"The {kind} name '{printable(text)}' contains a control character ({', '.join(codes)}): a name is one "
            "line of printable text. Remove it (tabs and line breaks too) and try again."
        )
    return text


class Deferred:
    """A value computed on first use (e.g. a layer's geometry, which ``check`` never needs)."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute = compute


class _DeferredAttribute:
    """Data descriptor that resolves a :class:`Deferred` value the first time it is read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = "_" + name

    def __get__(self, obj: object, objtype: type | None = None) -> Any:
        if obj is None:
            return None  # the dataclass default
        value = obj.__dict__.get(self._slot)
        if isinstance(value, Deferred):
            value = value.compute()
            obj.__dict__[self._slot] = value
        return value

    def __set__(self, obj: object, value: Any) -> None:
        obj.__dict__[self._slot] = value


@dataclass
class Layer:
    """The geographic building blocks shared by every scenario of a plan.

    ``units`` is indexed by unit id (text, leading zeros kept) with a ``name`` column and attribute columns;
    ``geometry`` is an opaque object owned by the geo package (a GeoSeries aligned with ``units``), possibly given
    as a :class:`Deferred` that builds it on first use;
    ``adjacency`` holds positional index pairs of neighbouring units.
    """

    name: str
    units: pd.DataFrame
    crs: str = "EPSG:4326"
    unit_noun: str = "unit"
    geometry: Any = _DeferredAttribute()
    adjacency: np.ndarray | None = None
    potential_column: str | None = None

    def __post_init__(self) -> None:
        if not self.units.index.is_unique:
            dupes = self.units.index[self.units.index.duplicated()].unique()[:5]
            raise PlanError(f"Layer '{self.name}' has duplicate unit ids: {', '.join(map(str, dupes))}.")
        if "name" not in self.units.columns:
            self.units = self.units.assign(name=self.units.index.astype(str))
        if self.potential_column is None:
            for candidate in ("potential", "population"):
                if candidate in self.units.columns:
                    self.potential_column = candidate
                    break
        self._positions: pd.Index = pd.Index(self.units.index)

    def __len__(self) -> int:
        return len(self.units)

    @property
    def unit_ids(self) -> pd.Index:
        return self._positions

    def has_unit(self, unit_id: str) -> bool:
        return unit_id in self._positions

    def positions(self, unit_ids: Iterable[str]) -> np.ndarray:
        """Positional indexes of the given unit ids (raises for unknown ids)."""
        ids = list(unit_ids)
        if len(ids) <= 32:  # a click or a short stroke: the index's own hash table, without pandas' array set-up
            try:
                return np.asarray([self._positions.get_loc(u) for u in ids], dtype=np.int64)
            except (KeyError, TypeError):
                pass  # reported below, with every unknown id
        pos = self._positions.get_indexer(ids)
        if (pos < 0).any():
            missing = [u for u, p in zip(ids, pos, strict=True) if p < 0][:5]
            raise UnknownName(f"Unknown unit id(s) in layer '{self.name}': {', '.join(missing)}.")
        return np.asarray(pos, dtype=np.int64)

    def known_positions(self, unit_ids: Iterable[str]) -> np.ndarray:
        """Positional indexes of those of the given unit ids the layer has (unknown ids are left out)."""
        ids = list(unit_ids)
        if len(ids) <= 32:  # as in positions(): a short stroke skips pandas' array set-up (0.3 ms a stroke)
            index = self._positions
            return np.asarray([index.get_loc(u) for u in ids if u in index], dtype=np.int64)
        pos = np.asarray(self._positions.get_indexer(ids), dtype=np.int64)
        return pos[pos >= 0]

    def set_attribute_values(self, column: str, values: dict[str, float | None]) -> None:
        """Set one numeric attribute for some units (``None`` = missing); a new column starts as missing."""
        if column == "name":
            raise PlanError("'name' is the unit name, not a numeric attribute.")
        if column not in self.units.columns:
            self.units[column] = np.nan
        elif self.units[column].dtype != np.float64:
            self.units[column] = self.units[column].astype(np.float64)
        positions = self.positions(values.keys())
        self.units.iloc[positions, self.units.columns.get_loc(column)] = [
            np.nan if v is None else float(v) for v in values.values()
        ]
        if self.potential_column is None and column in ("potential", "population"):
            self.potential_column = column

    def drop_attribute(self, column: str) -> None:
        self.units = self.units.drop(columns=[column])
        if self.potential_column == column:
            self.potential_column = None

    def numeric_columns(self) -> list[str]:
        return [c for c in self.units.columns if pd.api.types.is_numeric_dtype(self.units[c])]

    def potential(self) -> np.ndarray:
        """Market potential per unit (zeros when the layer has no potential attribute)."""
        if self.potential_column and self.potential_column in self.units.columns:
            return self.units[self.potential_column].fillna(0).to_numpy(dtype=float)
        return np.zeros(len(self.units))


@dataclass(frozen=True)
class Region:
    name: str


@dataclass(frozen=True)
class Territory:
    name: str
    region: str | None = None
    color: str = PALETTE[0]
    locked: bool = False


@dataclass(frozen=True)
class Seller:
    """A quota-carrying person; ``planned`` sellers are hires."""

    name: str
    territory: str | None = None
    status: SellerStatus = "existing"
    start_month: Month | None = None
    ramp_months: int = 0
    annual_quota: float = 0.0
    annual_cost: float = 0.0
    #: where the seller works from, as :func:`domain.homes.parse_home` tidies it ("02134", "Austin, TX",
    #: "30.27,-97.74"); None when not given
    home: str | None = None

    def __post_init__(self) -> None:
        if self.home is not None:
            tidy = parse_home(self.home, f"seller '{self.name}'").text
            if tidy != self.home:
                object.__setattr__(self, "home", tidy)
        if self.status not in ("existing", "planned"):
            raise PlanError(f"Seller '{self.name}' has status '{self.status}': use existing or planned.")
        if self.ramp_months < 0 or self.ramp_months > 60:
            raise PlanError(f"Seller '{self.name}': ramp months must be between 0 and 60, not {self.ramp_months}.")
        check_amount("annual_quota", self.annual_quota, f" of seller '{self.name}'")
        check_amount("annual_cost", self.annual_cost, f" of seller '{self.name}'")

    @property
    def is_hire(self) -> bool:
        return self.status == "planned"


@dataclass(frozen=True)
class Allocation:
    """Marketing money and hours given to a region (a shared pool) or to one territory for the plan period."""

    level: AllocationLevel
    name: str
    budget: float = 0.0
    hours: float = 0.0
    start_month: Month | None = None
    #: kept exactly by the budget optimiser and never a source or a cut of a fix (issue 11); the user may still
    #: edit it by hand
    locked: bool = False

    def __post_init__(self) -> None:
        if self.level not in ("region", "territory"):
            raise PlanError(f"Allocation level '{self.level}' is unknown: use region or territory.")
        check_amount("budget", self.budget, f" of {self.level} '{self.name}'")
        check_amount("hours", self.hours, f" of {self.level} '{self.name}'")


@dataclass(frozen=True)
class UnitsMoved:
    """Change event: units moved between territories (``None`` = unassigned)."""

    unit_ids: tuple[str, ...]
    old: tuple[str | None, ...]
    new: str | None


@dataclass(frozen=True)
class StructureChanged:
    """Change event: something other than assignments changed (names, sellers, allocations, assumptions)."""

    what: str
    territories: tuple[str, ...] = ()


@dataclass(frozen=True)
class TerritoryRenamed:
    """Change event: a territory took a new name (every reference was carried over)."""

    old: str
    new: str


ChangeEvent = UnitsMoved | StructureChanged | TerritoryRenamed
Listener = Callable[["Scenario", ChangeEvent], None]


@dataclass
class Scenario:
    """One complete variant of territories, sellers, allocations and assumptions on the plan's layer."""

    name: str
    regions: dict[str, Region] = field(default_factory=dict)
    territories: dict[str, Territory] = field(default_factory=dict)
    assignment: dict[str, str] = field(default_factory=dict)
    sellers: dict[str, Seller] = field(default_factory=dict)
    allocations: dict[tuple[str, str], Allocation] = field(default_factory=dict)
    assumptions: Assumptions = field(default_factory=Assumptions)
    listeners: list[Listener] = field(default_factory=list, repr=False, compare=False)

    # --- queries -------------------------------------------------------------------------------------------
    def territory(self, name: str) -> Territory:
        try:
            return self.territories[name]
        except KeyError:
            raise UnknownName(self._unknown("territory", name, self.territories)) from None

    def region(self, name: str) -> Region:
        try:
            return self.regions[name]
        except KeyError:
            raise UnknownName(self._unknown("region", name, self.regions)) from None

    def seller(self, name: str) -> Seller:
        try:
            return self.sellers[name]
        except KeyError:
            raise UnknownName(self._unknown("seller", name, self.sellers)) from None

    def units_of(self, territory: str) -> list[str]:
        return [u for u, t in self.assignment.items() if t == territory]

    def sellers_of(self, territory: str) -> list[Seller]:
        return [s for s in self.sellers.values() if s.territory == territory]

    def territories_of(self, region: str) -> list[Territory]:
        return [t for t in self.territories.values() if t.region == region]

    def allocation(self, level: str, name: str) -> Allocation | None:
        return self.allocations.get((level, name))

    def next_color(self) -> str:
        used = {t.color for t in self.territories.values()}
        for color in PALETTE:
            if color not in used:
                return color
        return PALETTE[len(self.territories) % len(PALETTE)]

    @staticmethod
    def _unknown(kind: str, name: str, known: dict[str, Any]) -> str:
        names = ", ".join(sorted(known)[:12]) or "none yet"
        return f"There is no {kind} named '{name}'. Known {kind} names: {names}."

    # --- mutations (used by commands; each notifies listeners) ---------------------------------------------
    def _emit(self, event: ChangeEvent) -> None:
        for listener in list(self.listeners):
            listener(self, event)

    def set_assignments(self, unit_ids: tuple[str, ...], territory: str | None) -> tuple[str | None, ...]:
        """Assign (or with ``None`` unassign) units; returns each unit's previous territory."""
        if territory is not None and territory not in self.territories:
            raise UnknownName(self._unknown("territory", territory, self.territories))
        old = tuple(self.assignment.get(u) for u in unit_ids)
        if territory is None:
            for u in unit_ids:
                self.assignment.pop(u, None)
        else:
            for u in unit_ids:
                self.assignment[u] = territory
        self._emit(UnitsMoved(unit_ids, old, territory))
        return old

    def add_territory(self, territory: Territory) -> None:
        territory = replace(territory, name=check_name("territory", territory.name), color=check_color(territory.color))
        if territory.name in self.territories:
            raise DuplicateName(f"There is already a territory named '{territory.name}'. Choose another name.")
        if territory.region is not None and territory.region not in self.regions:
            raise UnknownName(self._unknown("region", territory.region, self.regions))
        self.territories[territory.name] = territory
        self._emit(StructureChanged("territory added", (territory.name,)))

    def remove_territory(self, name: str) -> Territory:
        """Remove a territory that no unit, seller, allocation or override refers to any more."""
        territory = self.territory(name)
        if any(t == name for t in self.assignment.values()):
            raise PlanError(f"Territory '{name}' still has units; unassign them first.")
        if any(s.territory == name for s in self.sellers.values()):
            raise PlanError(f"Territory '{name}' still has sellers; move or remove them first.")
        del self.territories[name]
        self._emit(StructureChanged("territory removed", (name,)))
        return territory

    def replace_territory(self, old_name: str, territory: Territory) -> Territory:
        """Replace a territory's properties; a changed name is carried through every reference."""
        old = self.territory(old_name)
        territory = replace(territory, color=check_color(territory.color))
        if territory.region is not None and territory.region not in self.regions:
            raise UnknownName(self._unknown("region", territory.region, self.regions))
        if territory.name != old_name:
            check_name("territory", territory.name)
            if territory.name in self.territories:
                raise DuplicateName(f"There is already a territory named '{territory.name}'. Choose another name.")
            new_territories: dict[str, Territory] = {}
            for key, value in self.territories.items():
                if key == old_name:
                    new_territories[territory.name] = territory
                else:
                    new_territories[key] = value
            self.territories = new_territories
            for unit, t in self.assignment.items():
                if t == old_name:
                    self.assignment[unit] = territory.name
            for sname, seller in list(self.sellers.items()):
                if seller.territory == old_name:
                    self.sellers[sname] = replace(seller, territory=territory.name)
            if ("territory", old_name) in self.allocations:
                alloc = self.allocations.pop(("territory", old_name))
                self.allocations[("territory", territory.name)] = replace(alloc, name=territory.name)
            self.assumptions.rename("territory", old_name, territory.name)
            self._emit(TerritoryRenamed(old_name, territory.name))
        else:
            self.territories[old_name] = territory
        self._emit(StructureChanged("territory changed", (old_name, territory.name)))
        return old

    def add_region(self, region: Region) -> None:
        check_name("region", region.name)
        if region.name in self.regions:
            raise DuplicateName(f"There is already a region named '{region.name}'. Choose another name.")
        self.regions[region.name] = region
        self._emit(StructureChanged("region added"))

    def remove_region(self, name: str) -> Region:
        region = self.region(name)
        if any(t.region == name for t in self.territories.values()):
            raise PlanError(f"Region '{name}' still has territories; move them to another region first.")
        del self.regions[name]
        self._emit(StructureChanged("region removed"))
        return region

    def rename_region(self, old: str, new: str) -> None:
        self.region(old)
        check_name("region", new)
        if new in self.regions:
            raise DuplicateName(f"There is already a region named '{new}'. Choose another name.")
        self.regions = {(new if k == old else k): (Region(new) if k == old else v) for k, v in self.regions.items()}
        touched = []
        for tname, t in list(self.territories.items()):
            if t.region == old:
                self.territories[tname] = replace(t, region=new)
                touched.append(tname)
        if ("region", old) in self.allocations:
            alloc = self.allocations.pop(("region", old))
            self.allocations[("region", new)] = replace(alloc, name=new)
        self.assumptions.rename("region", old, new)
        self._emit(StructureChanged("region renamed", tuple(touched)))

    def put_seller(self, old_name: str | None, seller: Seller | None) -> Seller | None:
        """Add (old_name None), replace or (seller None) remove a seller; returns the previous one."""
        previous = self.sellers.get(old_name) if old_name is not None else None
        if old_name is not None and previous is None:
            raise UnknownName(self._unknown("seller", old_name, self.sellers))
        if seller is not None:
            check_name("seller", seller.name)
            if seller.name in self.sellers and seller.name != old_name:
                raise DuplicateName(f"There is already a seller named '{seller.name}'. Choose another name.")
            if seller.territory is not None and seller.territory not in self.territories:
                raise UnknownName(self._unknown("territory", seller.territory, self.territories))
        touched = tuple(t for t in {previous and previous.territory, seller and seller.territory} if t)
        if old_name is not None:
            if seller is not None and seller.name == old_name:
                self.sellers[old_name] = seller
            else:
                self.sellers = {k: v for k, v in self.sellers.items() if k != old_name}
                if seller is not None:
                    self.sellers[seller.name] = seller
        elif seller is not None:
            self.sellers[seller.name] = seller
        self._emit(StructureChanged("seller changed", touched))
        return previous

    def put_allocation(self, level: str, name: str, allocation: Allocation | None) -> Allocation | None:
        if level == "region":
            self.region(name)
        elif level == "territory":
            self.territory(name)
        else:
            raise PlanError(f"Allocation level '{level}' is unknown: use region or territory.")
        previous = self.allocations.get((level, name))
        if allocation is None:
            self.allocations.pop((level, name), None)
        else:
            if (allocation.level, allocation.name) != (level, name):
                raise PlanError("An allocation must keep its level and name.")
            self.allocations[(level, name)] = allocation
        self._emit(StructureChanged("allocation changed"))
        return previous

    def set_assumption(self, level: str, name: str | None, key: str, value: Any) -> Any:
        if level == "region" and name is not None:
            self.region(name)
        if level == "territory" and name is not None:
            self.territory(name)
        previous = self.assumptions.get(level, name, key)
        self.assumptions.set(level, name, key, value)
        self._emit(StructureChanged("assumption changed"))
        return previous

    def clone(self, name: str) -> Scenario:
        """A deep copy under another name, with no listeners."""
        return Scenario(
            name=name,
            regions=dict(self.regions),
            territories=dict(self.territories),
            assignment=dict(self.assignment),
            sellers=dict(self.sellers),
            allocations=dict(self.allocations),
            assumptions=self.assumptions.copy(),
        )

    def content_equals(self, other: Scenario) -> bool:
        """Same content: territories in the same order; other collections compared as sets (listeners ignored)."""
        return (
            self.regions == other.regions
            and list(self.territories.items()) == list(other.territories.items())
            and self.assignment == other.assignment
            and self.sellers == other.sellers
            and self.allocations == other.allocations
            and self.assumptions == other.assumptions
        )


@dataclass
class Plan:
    """One planning file: a layer, a baseline scenario and any number of what-if scenarios."""

    name: str
    layer: Layer
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    listeners: list[Callable[[Plan, str], None]] = field(default_factory=list, repr=False, compare=False)
    #: Where and at which revision the plan was loaded or last saved (opaque; set by the persistence layer).
    origin: object | None = field(default=None, repr=False, compare=False)
    #: Roles, scenario statuses and sign-offs, comments, the handshake and the change log (see governance.py).
    governance: Governance = field(default_factory=Governance, repr=False, compare=False)

    def notify(self, what: str) -> None:
        """Tell plan-level listeners that something outside one scenario changed (layer attributes, scenarios)."""
        for listener in list(self.listeners):
            listener(self, what)

    def __post_init__(self) -> None:
        if BASELINE not in self.scenarios:
            self.scenarios = {BASELINE: Scenario(BASELINE), **self.scenarios}

    def scenario(self, name: str | None = None) -> Scenario:
        key = name or BASELINE
        try:
            return self.scenarios[key]
        except KeyError:
            known = ", ".join(self.scenarios)
            raise UnknownName(f"There is no scenario named '{key}'. Scenarios in this plan: {known}.") from None

    def add_scenario(self, scenario: Scenario, position: int | None = None) -> None:
        check_name("scenario", scenario.name)
        if scenario.name in self.scenarios:
            raise DuplicateName(f"There is already a scenario named '{scenario.name}'. Choose another name.")
        items = list(self.scenarios.items())
        index = len(items) if position is None else position
        items.insert(index, (scenario.name, scenario))
        self.scenarios = dict(items)
        self.notify("scenarios")

    def remove_scenario(self, name: str) -> tuple[Scenario, int]:
        if name == BASELINE:
            raise PlanError("The baseline scenario cannot be deleted; copy it and change the copy instead.")
        scenario = self.scenario(name)
        position = list(self.scenarios).index(name)
        del self.scenarios[name]
        self.notify("scenarios")
        return scenario, position

    def rename_scenario(self, old: str, new: str) -> None:
        self.scenario(old)
        if old == BASELINE:
            raise PlanError("The baseline scenario keeps its name.")
        check_name("scenario", new)
        if new in self.scenarios:
            raise DuplicateName(f"There is already a scenario named '{new}'. Choose another name.")
        items = [(new if k == old else k, v) for k, v in self.scenarios.items()]
        self.scenarios = dict(items)
        self.scenarios[new].name = new
        self.notify("scenarios")

    def deepcopy(self) -> Plan:
        """A copy sharing the (read-only) layer but with independent scenarios."""
        return Plan(
            self.name,
            self.layer,
            {k: v.clone(k) for k, v in self.scenarios.items()},
            origin=self.origin,
            governance=self.governance.copy(),
        )


__all__ = [
    "BASELINE",
    "PALETTE",
    "Allocation",
    "ChangeEvent",
    "Layer",
    "Plan",
    "Region",
    "Scenario",
    "Seller",
    "StructureChanged",
    "Territory",
    "TerritoryRenamed",
    "UnitsMoved",
]
