"""The change log: every applied command, with its inverse, stored as data; and the one gate every edit passes.

Commands (and the values inside them: territories, sellers, allocations, months, whole scenarios) are written as
JSON through a registry of the types a command may hold. Reading a change builds only registered types from their
field names, so a change log is data, never code (no pickle, no eval). ``apply_command`` is where the read-only
rule of proposed and approved scenarios is enforced, and where each applied command gets its log entry.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import datetime, timezone
from typing import Any

from . import commands as c
from .assumptions import Assumptions
from .errors import PlanError
from .governance import Approval, Change, Comment, SignOff
from .handshake import Kpi
from .model import Allocation, Plan, Region, Scenario, Seller, Territory
from .months import Month
from .signoff import ScenarioReadOnly, read_only_message

#: Every type a stored change may contain, by the name it is stored under. Add a new command here.
REGISTRY: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        c.AssignUnits,
        c.CreateTerritory,
        c.DeleteTerritory,
        c.RestoreTerritory,
        c.RenameTerritory,
        c.RecolourTerritory,
        c.MoveTerritoryToRegion,
        c.LockTerritory,
        c.CreateRegion,
        c.DeleteRegion,
        c.RestoreRegion,
        c.RenameRegion,
        c.AddSeller,
        c.RemoveSeller,
        c.EditSeller,
        c.SetAllocation,
        c.SetAssumption,
        c.CopyScenario,
        c.DeleteScenario,
        c.RestoreScenario,
        c.RenameScenario,
        c.SetUnitAttributes,
        c.Batch,
        *c.GOVERNANCE_COMMANDS,
        Territory,
        Seller,
        Allocation,
        Region,
        Month,
        Scenario,
        Assumptions,
        Approval,
        SignOff,
        Comment,
        Kpi,
    )
}
#: Fields never stored (runtime wiring, not content).
_SKIPPED = {"listeners"}


class ChangeLogError(PlanError):
    """A stored change cannot be read (it names a type or field this version does not know, or is not JSON)."""


class ChangeNotReplayable(ChangeLogError):
    """A logged change whose command could not be stored as data (a command type outside the registry): the log
    keeps its description, but nobody can apply it again, so other clients must reload the plan instead."""


#: The stored form of a command that is not in the registry.
UNRECORDED = "Unrecorded"


def is_replayable(text: str) -> bool:
    return f'"$type":"{UNRECORDED}"' not in text[:80]


def encode(value: Any) -> Any:
    """A command or value as JSON-ready data: tuples are lists, other containers and types are tagged."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return {"$float": repr(value)}
        return value
    if isinstance(value, tuple):
        return [encode(v) for v in value]
    if isinstance(value, list):
        return {"$list": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"$dict": [[encode(k), encode(v)] for k, v in value.items()]}
    name = type(value).__name__
    if is_dataclass(value) and REGISTRY.get(name) is type(value):
        data = {f.name: encode(getattr(value, f.name)) for f in fields(value) if f.name not in _SKIPPED}
        return {"$type": name, **data}
    if hasattr(value, "item") and callable(value.item):  # a numpy scalar
        return encode(value.item())
    raise PlanError(f"A change holding a {name} cannot be stored in the change log.")


def decode(data: Any) -> Any:
    """The inverse of :func:`encode`; builds only types in :data:`REGISTRY`."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return tuple(decode(v) for v in data)
    if isinstance(data, dict):
        if "$list" in data:
            return [decode(v) for v in data["$list"]]
        if "$dict" in data:
            return {decode(k): decode(v) for k, v in data["$dict"]}
        if "$float" in data:
            return float(data["$float"])
        name = data.get("$type")
        if name == UNRECORDED:
            raise ChangeNotReplayable(
                f"The change '{data.get('kind', '?')}' was logged without its data, so it cannot be applied again."
            )
        cls = REGISTRY.get(name) if isinstance(name, str) else None
        if cls is None:
            raise ChangeLogError(f"The change log names a kind of change this version does not know ('{name}').")
        known = {f.name for f in fields(cls)}
        values = {k: decode(v) for k, v in data.items() if k != "$type"}
        unknown = set(values) - known
        if unknown:
            raise ChangeLogError(
                f"A stored '{name}' has fields this version does not know: {', '.join(sorted(unknown))}."
            )
        return cls(**values)
    raise ChangeLogError(f"The change log holds a value of an unexpected kind ({type(data).__name__}).")


def to_json(command: Any) -> str:
    return json.dumps(encode(command), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def from_json(text: str) -> Any:
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise ChangeLogError(f"A stored change is not readable JSON ({exc}).") from exc
    return decode(data)


# --- the gate ------------------------------------------------------------------------------------------------


def scenarios_changed(command: Any) -> set[str]:
    """The scenarios whose content a command changes (a layer change counts for every scenario)."""
    if isinstance(command, c.Batch):
        out: set[str] = set()
        for inner in command.commands:
            out |= scenarios_changed(inner)
        return out
    if isinstance(command, (*c.GOVERNANCE_COMMANDS, c.CopyScenario, c.RestoreScenario)):
        return set()
    if isinstance(command, c.DeleteScenario | c.RenameScenario):
        return {command.name}
    if isinstance(command, c.SetUnitAttributes):
        return {"*"}
    scenario = getattr(command, "scenario", None)
    return {scenario} if isinstance(scenario, str) else set()


def check_editable(plan: Plan, command: Any) -> None:
    """Refuse a command that would change a proposed or approved scenario (they are read-only)."""
    changed = scenarios_changed(command)
    if "*" in changed:
        locked = [name for name in plan.scenarios if plan.governance.status(name) != "draft"]
        if locked:
            raise ScenarioReadOnly(read_only_message(plan, locked[0], f"“{command.label}” (it changes every scenario)"))
        return
    for name in sorted(changed):
        if name in plan.scenarios and plan.governance.status(name) != "draft":
            raise ScenarioReadOnly(read_only_message(plan, name, f"“{command.label}”"))


def now_text() -> str:
    """Now, in UTC, as ISO 8601 (the time stamp of changes, sign-offs and comments)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def log_scenario(command: Any) -> str | None:
    changed = scenarios_changed(command) - {"*"}
    if len(changed) == 1:
        return next(iter(changed))
    scenario = getattr(command, "scenario", None)
    return scenario if isinstance(scenario, str) else None


def apply_command(
    plan: Plan, command: Any, *, author: str, client: str = "", clock: Callable[[], str] = now_text
) -> Any:
    """Apply a command to a plan (GUI, CLI and sharing all come here): refuse changes to read-only scenarios,
    apply, and append the change to the plan's change log. Returns the inverse. Raises, changing nothing, when
    the command is not allowed or not valid."""
    check_editable(plan, command)
    inverse = command.apply(plan)
    entry = Change(
        None, log_scenario(command), author, clock(), c.undo_label(command, inverse), _stored(command),
        _stored(inverse), client,
    )  # fmt: skip
    plan.governance.log.append(entry)
    return inverse


def _stored(command: Any) -> str:
    """The command as JSON; a command outside the registry is logged by name only (see ChangeNotReplayable)."""
    try:
        return to_json(command)
    except PlanError:
        return json.dumps({"$type": UNRECORDED, "kind": type(command).__name__}, separators=(",", ":"))


_PAST = {
    "Assign": "assigned",
    "Unassign": "unassigned",
    "Reassign": "reassigned",
    "Create": "created",
    "Delete": "deleted",
    "Restore": "restored",
    "Rename": "renamed",
    "Recolour": "recoloured",
    "Move": "moved",
    "Take": "took",
    "Lock": "locked",
    "Unlock": "unlocked",
    "Add": "added",
    "Remove": "removed",
    "Edit": "edited",
    "Set": "set",
    "Copy": "copied",
    "Undo": "undid",
    "Propose": "proposed",
    "Sign": "signed",
    "Withdraw": "withdrew",
    "Comment": "commented",
    "Resolve": "resolved",
    "Reopen": "reopened",
    "Record": "recorded",
    "Forget": "forgot",
    "Change": "changed",
}


def notice(change: Change) -> str:
    """A quiet one-line notice of someone else's change: 'Dana assigned 14 counties to Texas'."""
    verb, _, rest = change.description.partition(" ")
    past = _PAST.get(verb)
    if past is None:
        return f"{change.author}: {change.description}"
    return f"{change.author} {past} {rest}".rstrip()


__all__ = [
    "REGISTRY",
    "UNRECORDED",
    "ChangeLogError",
    "ChangeNotReplayable",
    "apply_command",
    "check_editable",
    "decode",
    "encode",
    "from_json",
    "is_replayable",
    "notice",
    "now_text",
    "scenarios_changed",
    "to_json",
]
