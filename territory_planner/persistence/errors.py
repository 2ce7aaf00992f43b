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


class PlanExistsError(PlanFileError):
    """A new plan (``demo``, ``new``, a copy) was about to replace a plan that is already there, and replacing
    was not asked for (``--force``)."""


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


class FieldConflictError(PlanConflictError):
    """The same field was changed by someone else and by you since you last saw the plan: your save is refused
    and ``conflicts`` lists each field with both values (the app lets you choose)."""

    def __init__(self, message: str, *, conflicts: list[FieldConflict], saved_by: str, saved_at: str, revision: int,
                 loaded_revision: int) -> None:  # fmt: skip
        super().__init__(
            message, saved_by=saved_by, saved_at=saved_at, revision=revision, loaded_revision=loaded_revision
        )
        self.conflicts = conflicts


class FieldConflict:
    """One field changed on both sides: what it is (in words), your value, theirs, and who changed it."""

    def __init__(self, what: str, mine: object, theirs: object, author: str, key: tuple[object, ...] = ()) -> None:
        self.key = key
        self.what = what
        self.mine = mine
        self.theirs = theirs
        self.author = author

    def __repr__(self) -> str:
        return f"FieldConflict({self.what!r}, mine={self.mine!r}, theirs={self.theirs!r}, author={self.author!r})"

    def __str__(self) -> str:
        return f"{self.what}: yours {_shown(self.mine)}, {self.author}'s {_shown(self.theirs)}"


def _shown(value: object) -> str:
    return "(none)" if value is None else f"'{value}'" if isinstance(value, str) else str(value)


__all__ = [
    "FieldConflict",
    "FieldConflictError",
    "NewerSchemaError",
    "PlanConflictError",
    "PlanDamagedError",
    "PlanExistsError",
    "PlanFileError",
    "PlanReadOnlyError",
]
