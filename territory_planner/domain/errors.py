"""Typed errors of the planning core. Messages are written for the people in the room, not for developers."""

from __future__ import annotations


class PlanError(ValueError):
    """Something about a plan, a command or a value is not acceptable; the message says what and how to fix it."""


class InvalidAssumption(PlanError):
    """An assumption value outside its allowed range (a rate of 0 or above 1, a negative cost...)."""


class UnknownName(PlanError):
    """A command or file names a territory, region, seller, scenario or unit that does not exist."""


class DuplicateName(PlanError):
    """A new territory, region, seller or scenario would take a name that is already used."""


class TerritoryLocked(PlanError):
    """A change would add units to, or take units from, a locked territory (unlock it first)."""
