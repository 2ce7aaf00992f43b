"""What changed between two scenarios, in the order a reader needs it: money first, then hires and statuses.

A what-if works because allocations moved (Texas $190k → $270k, New England $0 → $190k, the West pool −$20k); a
comparison leads with those moves, then the hires and territories whose status changed. A territory whose status,
sellers and units stayed and whose figures moved by less than :data:`ROUND_OFF` (its share of a region pool shifted
by a few hundred dollars) is a round-off change: it belongs in a detail table, not in the story. The PDF comparison
page, ``scenario compare`` and its JSON all ask this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from .checks import EPS, Report, TerritoryResult
from .model import Allocation, Scenario

#: A territory whose money figures all moved by less than this (same status, sellers and units) changed by round-off.
ROUND_OFF = 1_000.0
#: The same for its marketing hours.
ROUND_OFF_HOURS = 10.0

_MONEY = ("target", "required_spend", "allocated_budget", "gap")
_HOURS = ("required_hours", "allocated_hours")
_COUNTS = ("units", "existing_sellers", "planned_hires")


@dataclass(frozen=True)
class AllocationMove:
    """One allocation whose budget or hours differ between scenario A and B (``None``: it is not in that one)."""

    level: str
    name: str
    a: Allocation | None
    b: Allocation | None

    @property
    def budget_a(self) -> float:
        return self.a.budget if self.a else 0.0

    @property
    def budget_b(self) -> float:
        return self.b.budget if self.b else 0.0

    @property
    def change(self) -> float:
        """B's budget minus A's (positive: more money in B)."""
        return self.budget_b - self.budget_a

    @property
    def hours_a(self) -> float:
        return self.a.hours if self.a else 0.0

    @property
    def hours_b(self) -> float:
        return self.b.hours if self.b else 0.0

    @property
    def label(self) -> str:
        """ "Texas" for a territory's own allocation, "West (region pool)" for a region's."""
        return f"{self.name} (region pool)" if self.level == "region" else self.name


def allocation_moves(a: Scenario, b: Scenario) -> list[AllocationMove]:
    """Every allocation that differs between ``a`` and ``b`` (budget, hours or start), largest money move first."""
    keys = list(dict.fromkeys([*a.allocations, *b.allocations]))
    moves = []
    for level, name in keys:
        x, y = a.allocations.get((level, name)), b.allocations.get((level, name))
        if x != y:
            moves.append(AllocationMove(level, name, x, y))
    return sorted(moves, key=lambda m: -abs(m.change))


def is_round_off(x: TerritoryResult, y: TerritoryResult) -> bool:
    """True when a territory changed only by round-off: same status, region, sellers, hires and units, and every
    money figure within :data:`ROUND_OFF` (hours within :data:`ROUND_OFF_HOURS`)."""
    if x.status != y.status or x.region != y.region:
        return False
    if any(getattr(x, key) != getattr(y, key) for key in _COUNTS):
        return False
    if any(abs(getattr(x, key) - getattr(y, key)) >= ROUND_OFF for key in _MONEY):
        return False
    return all(abs(getattr(x, key) - getattr(y, key)) < ROUND_OFF_HOURS for key in _HOURS)


@dataclass(frozen=True)
class TerritoryChange:
    """A territory whose result differs between A and B (``None``: not in that scenario)."""

    name: str
    a: TerritoryResult | None
    b: TerritoryResult | None

    @property
    def status_changed(self) -> bool:
        return self.a is None or self.b is None or self.a.status != self.b.status

    @property
    def round_off(self) -> bool:
        return self.a is not None and self.b is not None and is_round_off(self.a, self.b)


def territory_changes(a: Report, b: Report) -> list[TerritoryChange]:
    """Every territory whose figures or status differ (to the cent), in A's order then B's new ones."""
    ra = {t.territory: t for t in a.territories}
    rb = {t.territory: t for t in b.territories}
    out = []
    for name in dict.fromkeys([*ra, *rb]):
        x, y = ra.get(name), rb.get(name)
        if x is not None and y is not None and not _differs(x, y):
            continue
        out.append(TerritoryChange(name, x, y))
    return out


def _differs(x: TerritoryResult, y: TerritoryResult) -> bool:
    if x.status != y.status or x.region != y.region or any(getattr(x, k) != getattr(y, k) for k in _COUNTS):
        return True
    return any(abs(getattr(x, k) - getattr(y, k)) > EPS for k in (*_MONEY, *_HOURS))


__all__ = [
    "ROUND_OFF",
    "ROUND_OFF_HOURS",
    "AllocationMove",
    "TerritoryChange",
    "allocation_moves",
    "is_round_off",
    "territory_changes",
]
