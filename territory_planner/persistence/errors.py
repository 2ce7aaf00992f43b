"""Typed errors of the persistence layer. Messages name the file or database, what is wrong and what to do."""

from __future__ import annotations

from territory_planner.domain import PlanError


class PlanFileError(PlanError):
    """A plan file or plan database cannot be opened, read or written."""


class NewerSchemaError(PlanFileError):
    """The plan was saved by a newer Territory Planner whose schema this version does not know."""

    def __init__(self, message: str, schema: int) -> None:
        super().__init__(message)
        self.schema = schema


class PlanReadOnlyError(PlanFileError):
    """The plan file is read-only, so a save will not replace it."""


class PlanDamagedError(PlanFileError):
    """The plan file exists and is a plan database, but its content is broken (truncated, overwritten, edited)."""


class PlanConflictError(PlanFileError):
    """Someone saved the plan after it was loaded: saving now would silently throw their changes away.

    ``saved_by`` and ``saved_at`` (UTC, ISO 8601) say who saved it and when; ``revision`` is the revision now
    stored, ``loaded_revision`` the one the plan was loaded from.
    """

    def __init__(self, message: str, *, saved_by: str, saved_at: str, revision: int, loaded_revision: int) -> None:
        super().__init__(message)
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.revision = revision
        self.loaded_revision = loaded_revision


__all__ = ["NewerSchemaError", "PlanConflictError", "PlanDamagedError", "PlanFileError", "PlanReadOnlyError"]
