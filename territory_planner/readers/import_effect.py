"""What an import will do to a scenario, in words, before anything is applied.

A plan sheet can *replace* what a scenario holds (an allocations sheet of 2 rows leaves 2 allocations where there
were 12) or *merge* into it (only the rows listed change). :func:`describe_import` reads the command an import
returns against the plan as it is now and counts, per kind of thing, what the command removes, changes and adds,
so the GUI can ask before a replacing import ("Replaces 12 allocations with 2: removes 10 …") and the CLI can say
what it did. Nothing here changes the plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..domain import Plan
from ..domain.assumptions import Assumptions, range_key
from ..domain.commands import (
    AddSeller,
    AssignUnits,
    Batch,
    CreateRegion,
    CreateTerritory,
    DeleteRegion,
    DeleteTerritory,
    LockTerritory,
    MoveTerritoryToRegion,
    RecolourTerritory,
    RemoveSeller,
    RenameTerritory,
    SetAllocation,
    SetAssumption,
    SetUnitAttributes,
)
from ..domain.formatting import count, plural_noun

#: Names listed in a sentence before "and N more".
NAMES_SHOWN = 5

_GONE = object()  # the final state of something the command removes


@dataclass(frozen=True)
class KindEffect:
    """What an import does to one kind of thing (allocations, sellers, …) of one scenario."""

    noun: str
    before: int
    after: int
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def replaces(self) -> bool:
        """True when things not in the file are removed (a replacing import)."""
        return bool(self.removed)

    @property
    def kept(self) -> int:
        """Things the import leaves as they are."""
        return self.before - len(self.removed) - len(self.changed)

    def text(self) -> str:
        """One sentence: "Replaces 12 allocations with 2: removes 10 (…), changes 2 (…)." for a replacing import,
        "Changes 2 allocations (…), adds 1 (…); the other 10 stay as they are." for a merging one."""
        plural = plural_noun(self.noun)
        if self.replaces:
            parts = [_part(v, names) for v, names in self._verbs()]
            return f"Replaces {count(self.before, self.noun)} with {self.after:,}: {', '.join(p for p in parts if p)}."
        parts = [_part(v, names) for v, names in self._verbs() if names]
        if not parts:
            return f"Changes no {plural}."
        first, *rest = parts
        verb, _, tail = first.partition(" ")
        number, _, names = tail.partition(" ")
        said = ", ".join([f"{verb.capitalize()} {number} {self.noun if number == '1' else plural} {names}", *rest])
        stay = {0: "", 1: "; the other one stays as it is"}.get(
            self.kept, f"; the other {self.kept:,} stay as they are"
        )
        return f"{said}{stay}."

    def _verbs(self) -> list[tuple[str, tuple[str, ...]]]:
        return [("removes", self.removed), ("changes", self.changed), ("adds", self.added)]


@dataclass(frozen=True)
class ImportEffect:
    """What an import does to a scenario, kind by kind (in the order the command first touches them)."""

    scenario: str
    kinds: tuple[KindEffect, ...]

    @property
    def replaces(self) -> bool:
        """True when the import removes anything the file does not list: the GUI asks first."""
        return any(k.replaces for k in self.kinds)

    def kind(self, noun: str) -> KindEffect | None:
        return next((k for k in self.kinds if k.noun == noun), None)

    def text(self) -> str:
        """The effect in a few sentences (empty kinds left out); "Changes nothing." when nothing changes."""
        lines = [k.text() for k in self.kinds if k.removed or k.changed or k.added]
        return " ".join(lines) if lines else "Changes nothing."


def describe_import(plan: Plan, scenario: str, command: Any) -> ImportEffect:
    """What ``command`` (an import's batch, not yet applied) would remove, change and add in ``scenario``."""
    s = plan.scenario(scenario)
    start: dict[str, dict[Any, Any]] = {
        "allocation": dict(s.allocations),
        "seller": dict(s.sellers),
        "territory": dict(s.territories),
        "region": dict(s.regions),
        "assumption": dict(_assumption_items(s.assumptions)),
    }
    final: dict[str, dict[Any, Any]] = {noun: dict(items) for noun, items in start.items()}
    order: list[str] = []
    units_moved: dict[str, str | None] = {}
    columns: list[str] = []

    def touch(noun: str, key: Any, value: Any) -> None:
        if noun not in order:
            order.append(noun)
        final[noun][key] = value

    for inner in _flatten(command):
        if getattr(inner, "scenario", scenario) != scenario:
            continue
        if isinstance(inner, SetAllocation):
            touch("allocation", (inner.level, inner.name), inner.allocation if inner.allocation else _GONE)
        elif isinstance(inner, AddSeller):
            touch("seller", inner.seller.name, inner.seller)
        elif isinstance(inner, RemoveSeller):
            touch("seller", inner.name, _GONE)
        elif isinstance(inner, CreateTerritory):
            touch("territory", inner.territory.name, inner.territory)
        elif isinstance(inner, DeleteTerritory):
            touch("territory", inner.name, _GONE)
        elif isinstance(inner, MoveTerritoryToRegion | RecolourTerritory | LockTerritory):
            current = final["territory"].get(inner.name)
            if current is not None and current is not _GONE:
                field = {MoveTerritoryToRegion: "region", RecolourTerritory: "color", LockTerritory: "locked"}
                name = field[type(inner)]
                touch("territory", inner.name, replace(current, **{name: getattr(inner, name)}))
        elif isinstance(inner, RenameTerritory):
            current = final["territory"].get(inner.name)
            touch("territory", inner.name, _GONE)
            touch("territory", inner.new_name, current)
        elif isinstance(inner, CreateRegion):
            touch("region", inner.name, inner.name)
        elif isinstance(inner, DeleteRegion):
            touch("region", inner.name, _GONE)
        elif isinstance(inner, SetAssumption):
            touch("assumption", (inner.level, inner.name, inner.key), _GONE if inner.value is None else inner.value)
        elif isinstance(inner, AssignUnits):
            for territory, unit_ids in inner.groups:
                for unit in unit_ids:
                    units_moved[unit] = territory
            if "unit" not in order:
                order.append("unit")
        elif isinstance(inner, SetUnitAttributes):
            columns += [c for c, _ in inner.columns if c not in columns]
            if "attribute" not in order:
                order.append("attribute")

    kinds: list[KindEffect] = []
    for noun in order:
        if noun == "unit":
            moved = sorted(u for u, t in units_moved.items() if s.assignment.get(u) != t)
            kinds.append(KindEffect(plan.layer.unit_noun, len(plan.layer), len(plan.layer), changed=tuple(moved)))
        elif noun == "attribute":
            known = set(plan.layer.units.columns)
            kinds.append(
                KindEffect(
                    "unit attribute",
                    len(known),
                    len(known | set(columns)),
                    changed=tuple(c for c in columns if c in known),
                    added=tuple(c for c in columns if c not in known),
                )
            )
        else:
            kinds.append(_compare(noun, start[noun], final[noun]))
    return ImportEffect(scenario, tuple(kinds))


def _compare(noun: str, before: dict[Any, Any], after: dict[Any, Any]) -> KindEffect:
    removed = [k for k in before if after.get(k, _GONE) is _GONE]
    changed = [k for k in before if after.get(k, _GONE) is not _GONE and after[k] != before[k]]
    added = [k for k, v in after.items() if k not in before and v is not _GONE]
    remaining = sum(1 for v in after.values() if v is not _GONE)
    return KindEffect(
        noun,
        len(before),
        remaining,
        tuple(map(_label, removed)),
        tuple(map(_label, changed)),
        tuple(map(_label, added)),
    )


def _assumption_items(assumptions: Assumptions) -> Iterable[tuple[tuple[str, str | None, str], Any]]:
    """Every value stored, as ``((level, name, key), value)``: plan values and the overrides that are set."""
    for key, value in assumptions.values.items():
        yield ("plan", None, key), value
    yield ("plan", None, "period_start"), assumptions.period_start
    yield ("plan", None, "currency"), assumptions.currency
    if assumptions.market_attribute is not None:
        yield ("plan", None, "market_attribute"), assumptions.market_attribute
    for key, ends in assumptions.ranges.items():
        for end, value in ends.items():
            yield ("plan", None, range_key(key, end)), value
    for level, table in (("region", assumptions.region_overrides), ("territory", assumptions.territory_overrides)):
        for name, values in table.items():
            for key, value in values.items():
                yield (level, name, key), value


def _label(key: Any) -> str:
    """How a thing is named in the sentence: a region's allocation says so; an override names its place."""
    if isinstance(key, tuple) and len(key) == 2:  # an allocation: (level, name)
        level, name = key
        return f"{name} (region)" if level == "region" else str(name)
    if isinstance(key, tuple) and len(key) == 3:  # an assumption: (level, name, key)
        level, name, what = key
        return what if level == "plan" else f"{what} ({level} {name})"
    return str(key)


def _part(verb: str, names: tuple[str, ...]) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:NAMES_SHOWN])
    more = f" and {len(names) - NAMES_SHOWN:,} more" if len(names) > NAMES_SHOWN else ""
    return f"{verb} {len(names):,} ({shown}{more})"


def _flatten(command: Any) -> Iterable[Any]:
    if isinstance(command, Batch):
        for inner in command.commands:
            yield from _flatten(inner)
    else:
        yield command


__all__ = ["NAMES_SHOWN", "ImportEffect", "KindEffect", "describe_import"]
