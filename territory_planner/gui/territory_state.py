"""What the map needs to draw one scenario: a territory code per unit and per-code colours, names, status, locks.

Codes are positions in the scenario's territory order (``-1`` = unassigned). A full build is one numpy pass per
territory; an assignment only changes the codes of the moved units (:meth:`TerritoryState.moved`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain import Layer, Report
from ..domain.aggregates import TerritoryAggregates
from ..domain.commands import AssignUnits, Batch
from ..domain.model import Scenario
from .model_base import plural

UNASSIGNED = -1


@dataclass
class TerritoryState:
    layer: Layer
    names: list[str] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)
    locked: list[bool] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    @classmethod
    def build(cls, layer: Layer, scenario: Scenario, aggregates: TerritoryAggregates, report: Report | None) -> Any:
        state = cls(layer)
        state.rebuild(scenario, aggregates, report)
        return state

    def rebuild(self, scenario: Scenario, aggregates: TerritoryAggregates, report: Report | None) -> None:
        self.names = list(scenario.territories)
        self.colors = [t.color for t in scenario.territories.values()]
        self.locked = [t.locked for t in scenario.territories.values()]
        codes = np.full(len(self.layer), UNASSIGNED, dtype=np.int32)
        for i, name in enumerate(self.names):
            codes[aggregates.positions_of(name)] = i
        self.codes = codes
        self.set_report(report)

    def set_report(self, report: Report | None) -> bool:
        """Take the funding status of each territory; True when it changed."""
        if report is None:
            status = ["funded"] * len(self.names)
        else:
            by_name = {r.territory: r.status for r in report.territories}
            status = [by_name.get(n, "funded") for n in self.names]
        changed = status != self.status
        self.status = status
        return changed

    def code_of(self, territory: str | None) -> int:
        if territory is None:
            return UNASSIGNED
        try:
            return self.names.index(territory)
        except ValueError:
            return UNASSIGNED

    def moved(self, command: AssignUnits | Batch) -> tuple[np.ndarray, np.ndarray]:
        """Apply an assignment to the codes; returns the positions that moved and their new codes."""
        groups = _assign_groups(command)
        all_pos: list[np.ndarray] = []
        all_codes: list[np.ndarray] = []
        for territory, unit_ids in groups:
            if not unit_ids:
                continue
            positions = self.layer.positions(unit_ids)
            code = self.code_of(territory)
            self.codes[positions] = code
            all_pos.append(positions)
            all_codes.append(np.full(len(positions), code, dtype=np.int32))
        if not all_pos:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        return np.concatenate(all_pos), np.concatenate(all_codes)

    # --- questions the window asks -------------------------------------------------------------------------
    def locked_mask(self) -> np.ndarray:
        """Per unit: True when its territory is locked."""
        locked_codes = np.asarray([*self.locked, False], dtype=bool)  # index -1 -> the trailing False
        return locked_codes[self.codes]

    def unit_ids_of(self, territory: str) -> list[str]:
        code = self.code_of(territory)
        if code == UNASSIGNED:
            return []
        return list(self.layer.unit_ids[np.flatnonzero(self.codes == code)])

    def unassigned_ids(self) -> list[str]:
        return list(self.layer.unit_ids[np.flatnonzero(self.codes == UNASSIGNED)])

    def per_unit(self, per_territory: dict[str, float]) -> np.ndarray:
        """Spread one number per territory onto its units (NaN for unassigned units)."""
        table = np.array([per_territory.get(n, np.nan) for n in self.names] + [np.nan], dtype=float)
        return table[self.codes]

    def paint_filter(self, source: str | None = None, only_from: str | None = None) -> Callable[[Any], np.ndarray]:
        """A function the map calls with unit positions: which of them a stroke may repaint.

        Locked territories are never repainted; ``source`` "unassigned" limits to unassigned units and
        "territory" to units of ``only_from``.
        """

        def allowed(positions: Any) -> np.ndarray:
            pos = np.asarray(positions, dtype=np.int64)
            codes = self.codes[pos]
            ok = ~self.locked_mask()[pos]
            if source == "unassigned":
                ok &= codes == UNASSIGNED
            elif source == "territory":
                ok &= codes == self.code_of(only_from)
            return ok

        return allowed

    def noun(self, n: int) -> str:
        noun = self.layer.unit_noun
        return f"{n:,} {noun if n == 1 else plural(noun)}"


def _assign_groups(command: AssignUnits | Batch) -> list[tuple[str | None, tuple[str, ...]]]:
    if isinstance(command, AssignUnits):
        return list(command.groups)
    groups: list[tuple[str | None, tuple[str, ...]]] = []
    for c in command.commands:
        if isinstance(c, AssignUnits | Batch):
            groups += _assign_groups(c)
    return groups


def only_assignments(command: Any) -> bool:
    """True when a command does nothing but move units (so the map can update just those units)."""
    if isinstance(command, AssignUnits):
        return True
    if isinstance(command, Batch):
        return all(only_assignments(c) for c in command.commands)
    return False


__all__ = ["UNASSIGNED", "TerritoryState", "only_assignments"]
