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


__all__ = ["NewerSchemaError", "PlanFileError"]
