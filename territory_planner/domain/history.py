"""The decision log over the change log: who changed what and when, filtered by scenario, territory or seller,
and a scenario as it was at an earlier point (to restore it as a new what-if)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import commands as c
from .changelog import from_json, is_replayable, scenarios_changed
from .errors import PlanError
from .governance import Change
from .model import Plan, Scenario


def subjects(command: Any) -> set[tuple[str, str]]:
    """The territories and sellers a command names, as ``("territory", name)`` and ``("seller", name)``."""
    out: set[tuple[str, str]] = set()
    if isinstance(command, c.Batch):
        for inner in command.commands:
            out |= subjects(inner)
    elif isinstance(command, c.AssignUnits):
        out |= {("territory", t) for t, _ in command.groups if t is not None}
    elif isinstance(command, c.CreateTerritory):
        out.add(("territory", command.territory.name))
    elif isinstance(command, c.RestoreTerritory):
        out.add(("territory", command.territory.name))
        out |= {("seller", s.name) for s in command.sellers}
    elif isinstance(command, c.DeleteTerritory | c._EditTerritoryField):
        out.add(("territory", command.name))
        if isinstance(command, c.RenameTerritory):
            out.add(("territory", command.new_name))
    elif isinstance(command, c.AddSeller):
        out.add(("seller", command.seller.name))
        if command.seller.territory:
            out.add(("territory", command.seller.territory))
    elif isinstance(command, c.RemoveSeller):
        out.add(("seller", command.name))
    elif isinstance(command, c.EditSeller):
        out |= {("seller", command.name), ("seller", command.seller.name)}
        if command.seller.territory:
            out.add(("territory", command.seller.territory))
    elif isinstance(command, c.SetAllocation | c.SetAssumption) and command.level == "territory" and command.name:
        out.add(("territory", command.name))
    return out


def history(
    plan: Plan, *, scenario: str | None = None, territory: str | None = None, seller: str | None = None
) -> list[Change]:
    """The change log, newest last, keeping the changes of ``scenario`` and naming ``territory`` / ``seller``."""
    out = []
    for entry in plan.governance.log:
        if scenario is not None and entry.scenario != scenario:
            continue
        if territory is not None or seller is not None:
            if not is_replayable(entry.command):
                continue
            named = subjects(from_json(entry.command)) | subjects(from_json(entry.inverse))
            if territory is not None and ("territory", territory) not in named:
                continue
            if seller is not None and ("seller", seller) not in named:
                continue
        out.append(entry)
    return out


def scenario_as_of(plan: Plan, scenario: str, sequence: int, name: str) -> Scenario:
    """Scenario ``scenario`` as it was right after the saved change ``sequence``, under a new ``name`` (give it to
    ``RestoreScenario`` to add it as a what-if). Built by undoing, on a copy, every later change to that scenario.

    Unit attribute changes are not undone (the layer is shared by every scenario); unsaved changes count as later.
    """
    later: Iterable[Change] = [e for e in plan.governance.log if (e.sequence is None or e.sequence > sequence)]
    copy = Plan(plan.name, plan.layer, {k: v.clone(k) for k, v in plan.scenarios.items()})
    current = scenario
    for entry in reversed(list(later)):
        if not is_replayable(entry.inverse):
            raise PlanError(
                f"The change “{entry.description}” of {entry.at} cannot be undone from the log, so scenario "
                f"'{scenario}' cannot be rebuilt as it was before it."
            )
        inverse = from_json(entry.inverse)
        touched = scenarios_changed(inverse) | scenarios_changed(from_json(entry.command))
        if "*" in touched or (current not in touched and not isinstance(inverse, c.RenameScenario)):
            continue
        if isinstance(inverse, c.RenameScenario) and inverse.name == current:
            current = inverse.new_name
        inverse.apply(copy)
    if current not in copy.scenarios:
        raise PlanError(f"Scenario '{scenario}' did not exist yet after change {sequence}.")
    return copy.scenarios[current].clone(name)


__all__ = ["history", "scenario_as_of", "subjects"]
