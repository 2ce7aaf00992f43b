"""One open plan in the GUI: the plan session, its undo stack, where it is stored and which scenario is shown.

Every edit goes through :meth:`PlanDocument.execute`: the command is applied through the session (an invalid one
raises, nothing is pushed, and ``error_raised`` carries its message), then pushed on the one undo stack of the plan.
Views listen to ``changed`` (the applied command, also on undo and redo) and ``scenario_switched``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..domain import BASELINE, Plan, PlanError, Report
from ..domain.commands import AssignUnits, Command, RenameScenario, RestoreScenario, touches_scenario_list
from ..domain.model import Scenario
from ..services import plans
from ..services.plans import BaseRevision
from ..services.progress import Progress
from ..services.session import PlanSession
from ..services.workspace import display_name
from .undo import DomainUndoCommand

log = logging.getLogger(__name__)


class Closable(Protocol):
    def close(self) -> None: ...


# --- plain task functions (run on workers; no Qt, no live plan) ------------------------------------------------


def load_plan_task(target: str, progress: Progress) -> Plan:
    """Open a plan from a .tplan file or a database URL."""
    return plans.open_plan(target, progress)


def load_recovered_task(inputs: tuple[str, str | None, BaseRevision | None], progress: Progress) -> Plan:
    """Open a crash-recovery copy (copy, the plan it came from, that plan's revision) as the plan it came from."""
    copy, target, based_on = inputs
    return plans.open_recovered(copy, target, based_on, progress)


def save_plan_task(inputs: tuple[Plan, str], progress: Progress) -> str:
    """Save a snapshot of a plan to a target; returns the target."""
    plan, target = inputs
    plans.save_plan(plan, target, progress)
    return target


def build_demo_task(target: str, progress: Progress) -> Plan:
    """Build the demo plan on the bundled US counties and save it as the user's own copy."""
    from ..services.demo import build_demo_plan

    progress(0.05, "Building the demo plan on US counties…")
    plan = build_demo_plan()
    progress(0.7, "Saving your copy of the demo plan…")
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    plans.save_plan(plan.deepcopy(), target)
    progress(1.0, "Ready")
    return plan


class PlanDocument(QObject):
    """An open plan with its undo stack. ``target`` is the .tplan path or database URL (None = never saved)."""

    changed = Signal(object)  # the domain command just applied (on execute, undo and redo)
    scenario_switched = Signal(str)
    scenarios_changed = Signal()
    target_changed = Signal(str)
    error_raised = Signal(str)

    def __init__(self, plan: Plan, target: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = PlanSession(plan, target)
        self.undo_stack = QUndoStack(self)
        self._scenario = BASELINE if BASELINE in plan.scenarios else next(iter(plan.scenarios))
        self._replaying = False
        self.recovery_key: str | None = None
        #: The live-sharing link of a plan opened from a plan server (gui/sharing_controller.py), else None.
        self.sharing: Closable | None = None
        self.session.changed.append(self._on_session_changed)

    # --- properties ----------------------------------------------------------------------------------------
    @property
    def plan(self) -> Plan:
        return self.session.plan

    @property
    def target(self) -> str | None:
        return self.session.target

    def set_target(self, target: str) -> None:
        self.session.target = target
        self.target_changed.emit(target)

    @property
    def scenario_name(self) -> str:
        return self._scenario

    @property
    def scenario(self) -> Scenario:
        return self.plan.scenario(self._scenario)

    def report(self, scenario: str | None = None) -> Report:
        return self.session.report(scenario or self._scenario)

    @property
    def currency(self) -> str:
        return self.scenario.assumptions.currency

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def close(self) -> None:
        if self.sharing is not None:
            self.sharing.close()
            self.sharing = None
        self.session.changed.remove(self._on_session_changed)
        self.session.close()

    # --- scenarios -----------------------------------------------------------------------------------------
    def switch_scenario(self, name: str) -> None:
        if name == self._scenario or name not in self.plan.scenarios:
            return
        self._scenario = name
        self.scenario_switched.emit(name)

    # --- edits ---------------------------------------------------------------------------------------------
    def execute(self, command: Command) -> bool:
        """Apply a command and push it on the undo stack. An invalid command changes nothing: its message goes
        to ``error_raised`` and False is returned."""
        try:
            inverse = self.session.apply(command)
        except PlanError as exc:
            self.error_raised.emit(str(exc))
            return False
        self.undo_stack.push(DomainUndoCommand(self._apply_from_stack, command, inverse))
        return True

    def _apply_from_stack(self, command: Command) -> Command:
        self._replaying = True
        try:
            return self.session.apply(command)
        except PlanError as exc:
            log.exception("Undo/redo of '%s' failed", command.label)
            self.error_raised.emit(f"Could not undo or redo “{command.label}”: {exc}")
            raise
        finally:
            self._replaying = False

    def _on_session_changed(self, command: Command | None) -> None:
        if command is not None and touches_scenario_list(command):
            if isinstance(command, RenameScenario) and command.name == self._scenario:
                self._scenario = command.new_name.strip()
            if self._scenario not in self.plan.scenarios:
                self._scenario = BASELINE
                self.scenarios_changed.emit()
                self.scenario_switched.emit(self._scenario)
            else:
                self.scenarios_changed.emit()
        elif self._replaying and command is not None:
            # Undo/redo of an edit in another scenario: show the scenario where the change happens.
            target = getattr(command, "scenario", None)
            if isinstance(target, str) and target in self.plan.scenarios and target != self._scenario:
                self._scenario = target
                self.scenario_switched.emit(target)
        self.changed.emit(command)

    def remote_applied(self, commands: list[Command]) -> None:
        """Someone else's committed changes were applied to this plan (not undoable here): refresh the views."""
        if any(touches_scenario_list(command) for command in commands):
            if self._scenario not in self.plan.scenarios:
                self._scenario = BASELINE if BASELINE in self.plan.scenarios else next(iter(self.plan.scenarios))
                self.scenarios_changed.emit()
                self.scenario_switched.emit(self._scenario)
            else:
                self.scenarios_changed.emit()
        self.changed.emit(None)

    def assign_units(self, unit_ids: list[str], territory: str | None) -> bool:
        """Assign units of the shown scenario to a territory (``None`` = unassign) as one undo entry."""
        if not unit_ids:
            return False
        noun = self.plan.layer.unit_noun
        return self.execute(AssignUnits.to(self._scenario, unit_ids, territory, noun))

    # --- saving and conflicts -----------------------------------------------------------------------------
    def note_saved(self, snapshot: Plan) -> None:
        """A snapshot of this plan was saved: the next save checks against the revision it wrote."""
        self.plan.origin = snapshot.origin

    def unsaved_commands(self) -> list[Command] | None:
        """The commands applied since the last save, oldest first; None when the undo history cannot say
        (the plan was never saved from here, or edits were undone past the save)."""
        clean, index = self.undo_stack.cleanIndex(), self.undo_stack.index()
        if clean < 0 or clean > index:
            return None
        commands = []
        for i in range(clean, index):
            entry = self.undo_stack.command(i)
            if not isinstance(entry, DomainUndoCommand):
                return None
            commands.append(entry.command)
        return commands

    def title(self) -> str:
        name = self.plan.name or "Untitled plan"
        where = display_name(self.target) if self.target else "not saved yet"
        return f"{name} — {where}"


def reload_and_reapply(document: PlanDocument) -> tuple[PlanDocument, list[str]]:
    """The plan as stored now, with this document's unsaved commands applied again on top (each one undo entry).

    Returns the new document and the messages of commands that no longer apply (e.g. their territory was
    deleted by the other person); those are left out, everything else is kept.
    """
    if document.target is None:
        raise PlanError("This plan was never saved, so there is nothing to reload.")
    commands = document.unsaved_commands()
    if commands is None:
        raise PlanError(
            "Your changes cannot be re-applied one by one (the plan was recovered, or edits were undone past the "
            "last save). Save yours as a new what-if or as another file instead."
        )
    fresh = PlanDocument(plans.open_plan(document.target), document.target)
    skipped: list[str] = []
    fresh.error_raised.connect(skipped.append)
    for command in commands:
        fresh.execute(command)
    fresh.error_raised.disconnect(skipped.append)
    if document.scenario_name in fresh.plan.scenarios:
        fresh.switch_scenario(document.scenario_name)
    return fresh, skipped


def reload_with_mine_as_what_if(document: PlanDocument, name: str | None = None) -> PlanDocument:
    """The plan as stored now, plus the scenario shown here (with all my changes) as a new what-if."""
    if document.target is None:
        raise PlanError("This plan was never saved, so there is nothing to reload.")
    fresh = PlanDocument(plans.open_plan(document.target), document.target)
    base = name or f"{document.scenario_name} (mine)"
    candidate, n = base, 2
    while candidate in fresh.plan.scenarios:
        candidate, n = f"{base} {n}", n + 1
    mine = document.scenario.clone(candidate)
    if fresh.execute(RestoreScenario(mine, len(fresh.plan.scenarios))):
        fresh.switch_scenario(candidate)
    return fresh


__all__ = [
    "PlanDocument",
    "build_demo_task",
    "load_plan_task",
    "load_recovered_task",
    "reload_and_reapply",
    "reload_with_mine_as_what_if",
    "save_plan_task",
]
