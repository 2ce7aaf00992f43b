"""Plans on disk and on a server: SQLAlchemy 2.0 tables, Alembic migrations, atomic save and exact load.

A plan lives in a ``.tplan`` file (SQLite; one plan per file, e-mailable) or in a PostgreSQL database shared by a
team (several plans per database, one per plan key). Both use the same tables and the same code; only the URL
differs::

    save_plan(plan, "west.tplan")
    plan = load_plan("west.tplan")
    save_plan(plan, "postgresql+psycopg://me:secret@plans.example.com/territory?plan=west-2027")

Saves are atomic: a file is written complete beside the target and renamed over it; a database plan is changed in
one transaction. A loaded plan remembers its revision (``plan.origin``); saving it onto a target that someone saved
since raises :class:`PlanConflictError` instead of silently overwriting their change (see ``docs/persistence.md``).
Loading a plan saved by an older version migrates it to the current schema (in memory for a file, which opening
never changes); a plan saved by a newer version raises :class:`NewerSchemaError`. Everything returned is a domain
object; no database rows leave this package.
"""

from .errors import (
    NewerSchemaError,
    PlanConflictError,
    PlanDamagedError,
    PlanExistsError,
    PlanFileError,
    PlanReadOnlyError,
)
from .origin import PlanOrigin
from .schema import schema_version
from .store import load_display_cache, load_plan, plan_exists, save_display_cache, save_plan
from .target import DEFAULT_PLAN_KEY, PlanTarget, is_database_url, plan_target

__all__ = [
    "DEFAULT_PLAN_KEY",
    "NewerSchemaError",
    "PlanConflictError",
    "PlanDamagedError",
    "PlanExistsError",
    "PlanFileError",
    "PlanOrigin",
    "PlanReadOnlyError",
    "PlanTarget",
    "is_database_url",
    "load_display_cache",
    "load_plan",
    "plan_exists",
    "plan_target",
    "save_display_cache",
    "save_plan",
    "schema_version",
]
