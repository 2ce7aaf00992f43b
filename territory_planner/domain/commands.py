"""Every change to a plan is a small immutable command that applies itself and returns its inverse.

The GUI wraps these in one QUndoStack per plan; the CLI and imports apply the same values, so everything the GUI can
undo is scriptable and testable without Qt. A command validates before it changes anything: when ``apply`` raises,
the plan is exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from .errors import DuplicateName, PlanError, TerritoryLocked, UnknownName
from .formatting import count, plural_noun
from .governance import Approval, Comment
from .handshake import Kpi
from .model import Allocation, Plan, Region, Scenario, Seller, Territory


class Command(Protocol):
    @property
    def label(self) -> str: ...

    def apply(self, plan: Plan) -> Command: ...


def _plural(n: int, noun: str) -> str:
    return count(n, noun)


# --- assignments -------------------------------------------------------------------------------------------


def lock_refusal(
    scenario: Scenario, groups: Iterable[tuple[str | None, Iterable[str]]], noun: str = "unit"
) -> str | None:
    """Why moving these units is refused, or None: a locked territory neither gains nor loses units.

    The one place this rule lives: :class:`AssignUnits` enforces it (so the CLI, imports, the builder and shared
    changes obey it), and the app asks it first to explain a refused stroke. Units that stay where they are do
    not count, so painting over a locked territory with its own name, or re-importing its rows, is fine.
    """
    locked = {name for name, t in scenario.territories.items() if t.locked}
    if not locked:
        return None
    for territory, group in groups:
        units = tuple(group)
        moving = [u for u in units if scenario.assignment.get(u) != territory]
        if territory in locked and (moving or not units):
            return f"{territory} is locked. Unlock it to add or remove its {plural_noun(noun)}."
        taken = [(u, scenario.assignment[u]) for u in moving if scenario.assignment.get(u) in locked]
        if taken:
            unit, owner = taken[0]
            more = f" (and {len(taken) - 1:,} more)" if len(taken) > 1 else ""
            return (
                f"{noun.capitalize()} {unit}{more} belongs to locked territory '{owner}'. "
                f"Unlock {owner} to move its {plural_noun(noun)}."
            )
    return None


@dataclass(frozen=True)
class AssignUnits:
    """Put units into territories; each group is ``(territory or None, unit ids)``."""

    scenario: str
    groups: tuple[tuple[str | None, tuple[str, ...]], ...]
    noun: str = "unit"
    text: str = ""

    @classmethod
    def to(cls, scenario: str, unit_ids: Iterable[str], territory: str | None, noun: str = "unit") -> AssignUnits:
        return cls(scenario, ((territory, tuple(dict.fromkeys(unit_ids))),), noun)

    @property
    def label(self) -> str:
        if self.text:
            return self.text
        n = sum(len(units) for _, units in self.groups)
        if len(self.groups) == 1:
            territory = self.groups[0][0]
            if territory is None:
                return f"Unassign {_plural(n, self.noun)}"
            return f"Assign {_plural(n, self.noun)} to {territory}"
        return f"Reassign {_plural(n, self.noun)}"

    def apply(self, plan: Plan) -> AssignUnits:
        scenario = plan.scenario(self.scenario)
        for territory, units in self.groups:
            if territory is not None:
                scenario.territory(territory)
            unknown = [u for u in units if not plan.layer.has_unit(u)]
            if unknown:
                shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
                raise UnknownName(f"Layer '{plan.layer.name}' has no unit with id {shown}.")
        refused = lock_refusal(scenario, self.groups, self.noun)
        if refused:
            raise TerritoryLocked(refused)
        first_old: dict[str, str | None] = {}
        for territory, units in self.groups:
            old = scenario.set_assignments(units, territory)
            for unit, previous in zip(units, old, strict=True):
                first_old.setdefault(unit, previous)
        inverse: dict[str | None, list[str]] = {}
        for unit, previous in first_old.items():
            inverse.setdefault(previous, []).append(unit)
        groups = tuple((t, tuple(u)) for t, u in inverse.items())
        return AssignUnits(self.scenario, tuple(reversed(groups)), self.noun, self.text and f"Undo {self.text}")


# --- territories -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateTerritory:
    scenario: str
    territory: Territory

    @property
    def label(self) -> str:
        return f"Create territory {self.territory.name}"

    def apply(self, plan: Plan) -> DeleteTerritory:
        plan.scenario(self.scenario).add_territory(self.territory)
        return DeleteTerritory(self.scenario, self.territory.name.strip())


@dataclass(frozen=True)
class DeleteTerritory:
    """Delete a territory: its units become unassigned, its sellers lose their territory, its allocation and
    overrides go. The inverse puts everything back."""

    scenario: str
    name: str

    @property
    def label(self) -> str:
        return f"Delete territory {self.name}"

    def apply(self, plan: Plan) -> RestoreTerritory:
        s = plan.scenario(self.scenario)
        territory = s.territory(self.name)
        position = list(s.territories).index(self.name)
        units = tuple(s.units_of(self.name))
        sellers = tuple(x for x in s.sellers.values() if x.territory == self.name)
        allocation = s.allocations.get(("territory", self.name))
        overrides = dict(s.assumptions.territory_overrides.get(self.name, {}))
        if units:
            s.set_assignments(units, None)
        for seller in sellers:
            s.put_seller(seller.name, replace(seller, territory=None))
        if allocation is not None:
            s.put_allocation("territory", self.name, None)
        s.assumptions.territory_overrides.pop(self.name, None)
        s.remove_territory(self.name)
        return RestoreTerritory(self.scenario, territory, position, units, sellers, allocation, overrides)


@dataclass(frozen=True)
class RestoreTerritory:
    """Inverse of DeleteTerritory: the territory with its units, sellers, allocation and overrides."""

    scenario: str
    territory: Territory
    position: int
    units: tuple[str, ...]
    sellers: tuple[Seller, ...]
    allocation: Allocation | None
    overrides: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"Restore territory {self.territory.name}"

    def apply(self, plan: Plan) -> DeleteTerritory:
        s = plan.scenario(self.scenario)
        s.add_territory(self.territory)
        items = list(s.territories.items())
        moved = items.pop()
        items.insert(min(self.position, len(items)), moved)
        s.territories = dict(items)
        if self.units:
            s.set_assignments(self.units, self.territory.name)
        for seller in self.sellers:
            s.put_seller(seller.name, seller)
        if self.allocation is not None:
            s.put_allocation("territory", self.territory.name, self.allocation)
        if self.overrides:
            s.assumptions.territory_overrides[self.territory.name] = dict(self.overrides)
        return DeleteTerritory(self.scenario, self.territory.name)


@dataclass(frozen=True)
class _EditTerritoryField:
    scenario: str
    name: str

    def _change(self, plan: Plan, **changes: Any) -> Territory:
        s = plan.scenario(self.scenario)
        old = s.territory(self.name)
        s.replace_territory(self.name, replace(old, **changes))
        return old


@dataclass(frozen=True)
class RenameTerritory(_EditTerritoryField):
    new_name: str = ""

    @property
    def label(self) -> str:
        return f"Rename territory {self.name} to {self.new_name}"

    def apply(self, plan: Plan) -> RenameTerritory:
        self._change(plan, name=self.new_name.strip())
        return RenameTerritory(self.scenario, self.new_name.strip(), self.name)


@dataclass(frozen=True)
class RecolourTerritory(_EditTerritoryField):
    color: str = "#000000"

    @property
    def label(self) -> str:
        return f"Recolour territory {self.name}"

    def apply(self, plan: Plan) -> RecolourTerritory:
        old = self._change(plan, color=self.color.lower())
        return RecolourTerritory(self.scenario, self.name, old.color)


@dataclass(frozen=True)
class MoveTerritoryToRegion(_EditTerritoryField):
    region: str | None = None

    @property
    def label(self) -> str:
        if self.region is None:
            return f"Take territory {self.name} out of its region"
        return f"Move territory {self.name} to region {self.region}"

    def apply(self, plan: Plan) -> MoveTerritoryToRegion:
        old = self._change(plan, region=self.region)
        return MoveTerritoryToRegion(self.scenario, self.name, old.region)


@dataclass(frozen=True)
class LockTerritory(_EditTerritoryField):
    locked: bool = True

    @property
    def label(self) -> str:
        return f"{'Lock' if self.locked else 'Unlock'} territory {self.name}"

    def apply(self, plan: Plan) -> LockTerritory:
        old = self._change(plan, locked=self.locked)
        return LockTerritory(self.scenario, self.name, old.locked)


# --- regions -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateRegion:
    scenario: str
    name: str

    @property
    def label(self) -> str:
        return f"Create region {self.name}"

    def apply(self, plan: Plan) -> DeleteRegion:
        plan.scenario(self.scenario).add_region(Region(self.name.strip()))
        return DeleteRegion(self.scenario, self.name.strip())


@dataclass(frozen=True)
class DeleteRegion:
    """Delete a region; its territories stay, in no region. The inverse restores all of it."""

    scenario: str
    name: str

    @property
    def label(self) -> str:
        return f"Delete region {self.name}"

    def apply(self, plan: Plan) -> RestoreRegion:
        s = plan.scenario(self.scenario)
        s.region(self.name)
        members = tuple(t.name for t in s.territories_of(self.name))
        allocation = s.allocations.get(("region", self.name))
        overrides = dict(s.assumptions.region_overrides.get(self.name, {}))
        position = list(s.regions).index(self.name)
        for t in members:
            s.replace_territory(t, replace(s.territories[t], region=None))
        if allocation is not None:
            s.put_allocation("region", self.name, None)
        s.assumptions.region_overrides.pop(self.name, None)
        s.remove_region(self.name)
        return RestoreRegion(self.scenario, self.name, position, members, allocation, overrides)


@dataclass(frozen=True)
class RestoreRegion:
    scenario: str
    name: str
    position: int
    members: tuple[str, ...]
    allocation: Allocation | None
    overrides: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"Restore region {self.name}"

    def apply(self, plan: Plan) -> DeleteRegion:
        s = plan.scenario(self.scenario)
        s.add_region(Region(self.name))
        items = list(s.regions.items())
        moved = items.pop()
        items.insert(min(self.position, len(items)), moved)
        s.regions = dict(items)
        for t in self.members:
            s.replace_territory(t, replace(s.territory(t), region=self.name))
        if self.allocation is not None:
            s.put_allocation("region", self.name, self.allocation)
        if self.overrides:
            s.assumptions.region_overrides[self.name] = dict(self.overrides)
        return DeleteRegion(self.scenario, self.name)


@dataclass(frozen=True)
class RenameRegion:
    scenario: str
    name: str
    new_name: str

    @property
    def label(self) -> str:
        return f"Rename region {self.name} to {self.new_name}"

    def apply(self, plan: Plan) -> RenameRegion:
        plan.scenario(self.scenario).rename_region(self.name, self.new_name.strip())
        return RenameRegion(self.scenario, self.new_name.strip(), self.name)


# --- sellers -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddSeller:
    scenario: str
    seller: Seller

    @property
    def label(self) -> str:
        kind = "planned hire" if self.seller.is_hire else "seller"
        where = f" to {self.seller.territory}" if self.seller.territory else ""
        return f"Add {kind} {self.seller.name}{where}"

    def apply(self, plan: Plan) -> RemoveSeller:
        plan.scenario(self.scenario).put_seller(None, self.seller)
        return RemoveSeller(self.scenario, self.seller.name)


@dataclass(frozen=True)
class RemoveSeller:
    scenario: str
    name: str

    @property
    def label(self) -> str:
        return f"Remove seller {self.name}"

    def apply(self, plan: Plan) -> AddSeller:
        previous = plan.scenario(self.scenario).put_seller(self.name, None)
        if previous is None:  # put_seller raises for unknown names; this keeps mypy honest
            raise UnknownName(f"There is no seller named '{self.name}'.")
        return AddSeller(self.scenario, previous)


@dataclass(frozen=True)
class EditSeller:
    """Replace a seller's details (name, territory, status, start, ramp, quota, cost)."""

    scenario: str
    name: str
    seller: Seller

    @property
    def label(self) -> str:
        if self.seller.name != self.name:
            return f"Rename seller {self.name} to {self.seller.name}"
        return f"Edit seller {self.name}"

    def describe(self, previous: Seller) -> str:
        """A label naming what changed, e.g. "Move Ana Morales to Plains" (the GUI shows it in Undo)."""
        if self.seller.name != previous.name:
            return f"Rename seller {previous.name} to {self.seller.name}"
        if self.seller.territory != previous.territory:
            return f"Move {self.seller.name} to {self.seller.territory or 'no territory'}"
        if self.seller.start_month != previous.start_month:
            return f"Change the start of {self.seller.name} to {self.seller.start_month or 'already productive'}"
        return f"Edit seller {self.seller.name}"

    def apply(self, plan: Plan) -> EditSeller:
        previous = plan.scenario(self.scenario).put_seller(self.name, self.seller)
        if previous is None:
            raise UnknownName(f"There is no seller named '{self.name}'.")
        return EditSeller(self.scenario, self.seller.name, previous)


# --- money and assumptions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetAllocation:
    """Set (or with ``allocation=None`` remove) the allocation of a region or territory."""

    scenario: str
    level: str
    name: str
    allocation: Allocation | None

    @property
    def label(self) -> str:
        if self.allocation is None:
            return f"Remove the allocation of {self.level} {self.name}"
        return f"Set the allocation of {self.level} {self.name}"

    def apply(self, plan: Plan) -> SetAllocation:
        previous = plan.scenario(self.scenario).put_allocation(self.level, self.name, self.allocation)
        return SetAllocation(self.scenario, self.level, self.name, previous)


@dataclass(frozen=True)
class SetAssumption:
    """Set one assumption at plan, region or territory level (``None`` removes a region/territory override)."""

    scenario: str
    level: str
    name: str | None
    key: str
    value: Any

    @property
    def label(self) -> str:
        from .assumptions import FUNNEL_KEYS, PLAN_KEYS, format_assumption

        spec = FUNNEL_KEYS.get(self.key) or PLAN_KEYS.get(self.key)
        what = spec.label.lower() if spec else self.key.replace("_", " ")
        where = "the plan" if self.level == "plan" else f"{self.level} {self.name}"
        if self.value is None:
            return f"Remove the {what} override of {where}"
        value = self.value
        if spec is not None and isinstance(value, int | float):
            value = format_assumption(self.key, value, "USD") if spec.unit != "money" else f"{value:,.10g}"
        return f"Set {what} of {where} to {value}"

    def apply(self, plan: Plan) -> SetAssumption:
        previous = plan.scenario(self.scenario).set_assumption(self.level, self.name, self.key, self.value)
        return SetAssumption(self.scenario, self.level, self.name, self.key, previous)


# --- scenarios ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyScenario:
    source: str
    name: str

    @property
    def label(self) -> str:
        return f"Copy scenario {self.source} to {self.name}"

    def apply(self, plan: Plan) -> DeleteScenario:
        plan.add_scenario(plan.scenario(self.source).clone(self.name.strip()))
        return DeleteScenario(self.name.strip())


@dataclass(frozen=True)
class DeleteScenario:
    name: str

    @property
    def label(self) -> str:
        return f"Delete scenario {self.name}"

    def apply(self, plan: Plan) -> RestoreScenario:
        scenario, position = plan.remove_scenario(self.name)
        return RestoreScenario(scenario.clone(scenario.name), position)


@dataclass(frozen=True)
class RestoreScenario:
    scenario: Scenario
    position: int

    @property
    def label(self) -> str:
        return f"Restore scenario {self.scenario.name}"

    def apply(self, plan: Plan) -> DeleteScenario:
        plan.add_scenario(self.scenario.clone(self.scenario.name), self.position)
        return DeleteScenario(self.scenario.name)


@dataclass(frozen=True)
class RenameScenario:
    name: str
    new_name: str

    @property
    def label(self) -> str:
        return f"Rename scenario {self.name} to {self.new_name}"

    def apply(self, plan: Plan) -> RenameScenario:
        plan.rename_scenario(self.name, self.new_name.strip())
        return RenameScenario(self.new_name.strip(), self.name)


# --- layer attributes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetUnitAttributes:
    """Set numeric unit attributes of the plan's layer (shared by every scenario).

    ``columns`` is ``((column, ((unit_id, value or None), ...)), ...)``; a column the layer lacks is added.
    An inverse also carries ``layout`` (the columns in order with their dtypes) and ``potential`` (the potential
    column) of the layer before the change, so undo gives back an integer column as integers, a dropped column in
    its place and the potential column it was.
    """

    columns: tuple[tuple[str, tuple[tuple[str, float | None], ...]], ...]
    drop: tuple[str, ...] = ()
    layout: tuple[tuple[str, str], ...] = ()
    potential: str | None = None

    @property
    def label(self) -> str:
        names = ", ".join(c for c, _ in self.columns) or ", ".join(self.drop)
        return f"Set unit attributes {names}"

    def apply(self, plan: Plan) -> SetUnitAttributes:
        layer = plan.layer
        for _, pairs in self.columns:
            layer.positions(u for u, _ in pairs)  # raises before anything changes
        layout = tuple((str(name), str(dtype)) for name, dtype in layer.units.dtypes.items())
        potential = layer.potential_column
        inverse_cols: list[tuple[str, tuple[tuple[str, float | None], ...]]] = []
        inverse_drop: list[str] = []
        restored = []
        for column in self.drop:
            if column in layer.units.columns:
                series = layer.units[column]
                restored.append((column, tuple((str(u), None if v != v else float(v)) for u, v in series.items())))
                layer.drop_attribute(column)
        for column, pairs in self.columns:
            if column in layer.units.columns:
                old = layer.units[column]
                inverse_cols.append((column, tuple((u, None if old[u] != old[u] else float(old[u])) for u, _ in pairs)))
            else:
                inverse_drop.append(column)
            layer.set_attribute_values(column, dict(pairs))
        if self.layout:
            _restore_layout(plan, self.layout, self.potential)
        plan.notify("attributes")
        return SetUnitAttributes(tuple(restored) + tuple(inverse_cols), tuple(inverse_drop), layout, potential)


def _restore_layout(plan: Plan, layout: tuple[tuple[str, str], ...], potential: str | None) -> None:
    """Put the layer's columns back in ``layout``'s order and dtypes (a cast only when it loses nothing)."""
    units = plan.layer.units
    order = [name for name, _ in layout if name in units.columns]
    units = units[order + [name for name in units.columns if name not in order]].copy()
    for name, dtype in layout:
        if name not in units.columns or str(units[name].dtype) == dtype:
            continue
        column = units[name]
        try:
            cast = column.astype(dtype)
        except (TypeError, ValueError):  # e.g. a missing value now in a column that was integer: it stays float
            continue
        if cast.astype(column.dtype).equals(column):
            units[name] = cast
    plan.layer.units = units
    if potential is None or potential in units.columns:
        plan.layer.potential_column = potential


# --- grouping ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """Several commands as one undo entry. All-or-nothing: if one fails, the ones before it are undone."""

    text: str
    commands: tuple[Command, ...]

    @property
    def label(self) -> str:
        return self.text

    def apply(self, plan: Plan) -> Batch:
        inverses: list[Command] = []
        try:
            for command in self.commands:
                inverses.append(command.apply(plan))
        except Exception:
            for inverse in reversed(inverses):
                inverse.apply(plan)
            raise
        return Batch(f"Undo {self.text}", tuple(reversed(inverses)))


SCENARIO_LEVEL_COMMANDS = (CopyScenario, DeleteScenario, RestoreScenario, RenameScenario)


def undo_label(command: Command, inverse: Command) -> str:
    """The label for the undo history once a command has been applied (it may name what actually changed)."""
    if isinstance(command, EditSeller) and isinstance(inverse, EditSeller):
        return command.describe(inverse.seller)
    return command.label


def touches_scenario_list(command: Command) -> bool:
    """True when a command adds, removes or renames scenarios (views of the scenario list must refresh)."""
    if isinstance(command, Batch):
        return any(touches_scenario_list(c) for c in command.commands)
    return isinstance(command, SCENARIO_LEVEL_COMMANDS)


# --- sign-off, comments and the handshake (issue 14) ---------------------------------------------------------


@dataclass(frozen=True)
class SetPersonRole:
    """Record which team a person signs for (``role=None`` forgets the person)."""

    name: str
    role: str | None

    @property
    def label(self) -> str:
        if self.role is None:
            return f"Forget the sign-off role of {self.name}"
        return f"Record {self.name} as the {self.role} lead"

    def apply(self, plan: Plan) -> SetPersonRole:
        from .governance import check_role
        from .model import check_name

        name = check_name("person", self.name)
        people = plan.governance.people
        previous = people.get(name)
        if self.role is None:
            people.pop(name, None)
        else:
            people[name] = check_role(self.role)
        plan.notify("governance")
        return SetPersonRole(name, previous)


@dataclass(frozen=True)
class RestoreApproval:
    """Put back a scenario's status and sign-offs exactly (the inverse of propose, sign off and withdraw)."""

    scenario: str
    approval: Approval
    people: tuple[tuple[str, str | None], ...] = ()

    @property
    def label(self) -> str:
        return f"Restore the status of scenario {self.scenario}"

    def apply(self, plan: Plan) -> RestoreApproval:
        plan.scenario(self.scenario)
        return _set_approval(plan, self.scenario, self.approval, dict(self.people))


def _set_approval(plan: Plan, scenario: str, approval: Approval, people: dict[str, str | None]) -> RestoreApproval:
    g = plan.governance
    previous = g.approval(scenario)
    previous_people = tuple((name, g.people.get(name)) for name in people)
    for name, role in people.items():
        if role is None:
            g.people.pop(name, None)
        else:
            g.people[name] = role  # type: ignore[assignment]
    if approval.status == "draft" and not approval.sign_offs:
        g.approvals.pop(scenario, None)
    else:
        g.approvals[scenario] = approval
    plan.notify("governance")
    return RestoreApproval(scenario, previous, previous_people)


@dataclass(frozen=True)
class ProposeScenario:
    """Propose a draft scenario for approval: it becomes read-only until it is approved or withdrawn."""

    scenario: str
    author: str
    at: str

    @property
    def label(self) -> str:
        return f"Propose scenario {self.scenario} for approval"

    def apply(self, plan: Plan) -> RestoreApproval:
        from .signoff import proposed

        return _set_approval(plan, self.scenario, proposed(plan, self.scenario, self.author, self.at), {})


@dataclass(frozen=True)
class SignOffScenario:
    """One lead's sign-off of a proposed scenario; with both a sales and a marketing sign-off it is approved.

    A person signing for the first time is recorded with the role given; a scenario with blocking flags needs a
    written ``reason``.
    """

    scenario: str
    name: str
    role: str
    at: str
    reason: str = ""

    @property
    def label(self) -> str:
        return f"Sign off scenario {self.scenario} for {self.role}"

    def apply(self, plan: Plan) -> RestoreApproval:
        from .signoff import signed_off

        approval = signed_off(plan, self.scenario, self.name, self.role, self.at, self.reason)
        name = self.name.strip()
        people: dict[str, str | None] = {} if name in plan.governance.people else {name: self.role}
        return _set_approval(plan, self.scenario, approval, people)


@dataclass(frozen=True)
class WithdrawScenario:
    """Take a proposed or approved scenario back to draft; its sign-offs are withdrawn."""

    scenario: str
    name: str
    role: str
    at: str

    @property
    def label(self) -> str:
        return f"Withdraw scenario {self.scenario} to draft"

    def apply(self, plan: Plan) -> RestoreApproval:
        from .signoff import withdrawn

        return _set_approval(plan, self.scenario, withdrawn(plan, self.scenario, self.name, self.role), {})


@dataclass(frozen=True)
class AddComment:
    comment: Comment

    @property
    def label(self) -> str:
        return f"Comment on {self.comment.subject_type} {self.comment.subject}"

    def apply(self, plan: Plan) -> RemoveComment:
        from .handshake import check_text

        c = self.comment
        if c.id in plan.governance.comments:
            raise PlanError(f"There is already a comment with id {c.id}.")
        if c.scenario is not None:
            plan.scenario(c.scenario)
        text = check_text("comment", c.text)
        if not text:
            raise PlanError("A comment needs some text.")
        plan.governance.comments[c.id] = replace(c, text=text)
        plan.notify("governance")
        return RemoveComment(c.id)


@dataclass(frozen=True)
class RemoveComment:
    id: str

    @property
    def label(self) -> str:
        return "Remove a comment"

    def apply(self, plan: Plan) -> AddComment:
        comment = plan.governance.comments.pop(self.id, None)
        if comment is None:
            raise UnknownName(f"There is no comment with id {self.id}.")
        plan.notify("governance")
        return AddComment(comment)


@dataclass(frozen=True)
class ResolveComment:
    id: str
    resolved: bool = True

    @property
    def label(self) -> str:
        return "Resolve a comment" if self.resolved else "Reopen a comment"

    def apply(self, plan: Plan) -> ResolveComment:
        comment = plan.governance.comments.get(self.id)
        if comment is None:
            raise UnknownName(f"There is no comment with id {self.id}.")
        plan.governance.comments[self.id] = replace(comment, resolved=self.resolved)
        plan.notify("governance")
        return ResolveComment(self.id, comment.resolved)


@dataclass(frozen=True)
class SetHandshakeText:
    """Set the text of one section of the handshake (a stage definition, the handoff criteria, the SLA...)."""

    section: str
    text: str

    @property
    def label(self) -> str:
        from .handshake import SECTIONS

        return f"Edit the handshake: {SECTIONS.get(self.section, self.section).lower()}"

    def apply(self, plan: Plan) -> SetHandshakeText:
        from .handshake import SECTIONS, check_section, check_text

        section = check_section(self.section)
        text = check_text(SECTIONS[section].lower(), self.text)
        texts = plan.governance.handshake.texts
        previous = texts.get(section, "")
        if text:
            texts[section] = text
        else:
            texts.pop(section, None)
        plan.notify("governance")
        return SetHandshakeText(section, previous)


@dataclass(frozen=True)
class SetKpi:
    """Add, change (``kpi`` under the name ``name``) or with ``kpi=None`` remove a joint KPI of the handshake."""

    name: str
    kpi: Kpi | None
    position: int | None = None

    @property
    def label(self) -> str:
        if self.kpi is None:
            return f"Remove the KPI {self.name}"
        return f"Set the KPI {self.kpi.name}"

    def apply(self, plan: Plan) -> SetKpi:
        from .handshake import check_text
        from .model import check_name

        kpis = plan.governance.handshake.kpis
        previous = kpis.get(self.name)
        position = list(kpis).index(self.name) if previous is not None else None
        if self.kpi is None:
            if previous is None:
                raise UnknownName(f"The handshake has no KPI named '{self.name}'.")
            del kpis[self.name]
            plan.notify("governance")
            return SetKpi(self.name, previous, position)
        kpi = replace(self.kpi, name=check_name("KPI", self.kpi.name), target=check_text("KPI target", self.kpi.target))
        if kpi.name != self.name and kpi.name in kpis:
            raise DuplicateName(f"There is already a KPI named '{kpi.name}'. Choose another name.")
        items = [(k, v) for k, v in kpis.items() if k != self.name]
        at = position if position is not None else self.position if self.position is not None else len(items)
        items.insert(min(at, len(items)), (kpi.name, kpi))
        kpis.clear()
        kpis.update(items)
        plan.notify("governance")
        return SetKpi(kpi.name, previous, position)


#: Commands that change only the plan's records (roles, statuses, comments, handshake), never a scenario's content.
GOVERNANCE_COMMANDS = (
    SetPersonRole,
    RestoreApproval,
    ProposeScenario,
    SignOffScenario,
    WithdrawScenario,
    AddComment,
    RemoveComment,
    ResolveComment,
    SetHandshakeText,
    SetKpi,
)


# --- the read-only rule on every path (issue 14 §7) ----------------------------------------------------------


def _guarded(apply: Any) -> Any:
    """``apply`` that first refuses a change to a proposed or approved scenario (``changelog.check_editable``, the
    one home of the rule), so calling a command's ``apply`` directly cannot bypass it."""

    def guarded_apply(self: Any, plan: Plan) -> Any:
        from .changelog import check_editable

        check_editable(plan, self)
        return apply(self, plan)

    guarded_apply.__name__ = getattr(apply, "__name__", "apply")
    guarded_apply.__doc__ = getattr(apply, "__doc__", None)
    guarded_apply.__wrapped__ = apply  # type: ignore[attr-defined]
    return guarded_apply


#: Commands that change a scenario's content (or the layer every scenario shares): each checks the read-only rule.
CONTENT_COMMANDS = (
    AssignUnits,
    CreateTerritory,
    DeleteTerritory,
    RestoreTerritory,
    RenameTerritory,
    RecolourTerritory,
    MoveTerritoryToRegion,
    LockTerritory,
    CreateRegion,
    DeleteRegion,
    RestoreRegion,
    RenameRegion,
    AddSeller,
    RemoveSeller,
    EditSeller,
    SetAllocation,
    SetAssumption,
    CopyScenario,
    DeleteScenario,
    RestoreScenario,
    RenameScenario,
    SetUnitAttributes,
    Batch,
)
for _cls in CONTENT_COMMANDS:
    if "apply" in vars(_cls):
        setattr(_cls, "apply", _guarded(vars(_cls)["apply"]))  # noqa: B010 (a class attribute, on purpose)
del _cls

__all__ = [
    "CONTENT_COMMANDS",
    "GOVERNANCE_COMMANDS",
    "AddComment",
    "AddSeller",
    "AssignUnits",
    "Batch",
    "Command",
    "CopyScenario",
    "CreateRegion",
    "CreateTerritory",
    "DeleteRegion",
    "DeleteScenario",
    "DeleteTerritory",
    "EditSeller",
    "LockTerritory",
    "MoveTerritoryToRegion",
    "PlanError",
    "ProposeScenario",
    "RecolourTerritory",
    "RemoveComment",
    "RemoveSeller",
    "RenameRegion",
    "RenameScenario",
    "RenameTerritory",
    "ResolveComment",
    "RestoreApproval",
    "RestoreRegion",
    "RestoreScenario",
    "RestoreTerritory",
    "SetAllocation",
    "SetAssumption",
    "SetHandshakeText",
    "SetKpi",
    "SetPersonRole",
    "SetUnitAttributes",
    "SignOffScenario",
    "WithdrawScenario",
    "touches_scenario_list",
    "undo_label",
]
