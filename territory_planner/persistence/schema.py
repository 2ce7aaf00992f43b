"""Schema versions: what a database holds, and bringing it up to date with the Alembic migrations.

Revision ids are zero-padded schema numbers ("0001" is schema 1). Alembic is configured in code (no alembic.ini):
the migrations run on the caller's connection, inside the caller's transaction.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from .errors import NewerSchemaError, PlanFileError
from .tables import VERSION_TABLE
from .tables import plan as plan_table
from .target import PlanTarget

#: Where the migration scripts live (tests point this at a copy with extra revisions).
if TYPE_CHECKING:  # alembic costs ~0.3 s to import: only migrations and unusual files need it
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")


class SchemaState(enum.Enum):
    """How a database's schema compares with the one this version of Territory Planner writes."""

    MISSING = "missing"  # no plan tables at all (a new file, an empty database)
    OLDER = "older"  # an earlier schema: run the migrations before use
    CURRENT = "current"


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def _newest_revision_file() -> str | None:
    """The newest revision by its file name (``r0003_*.py`` -> "0003"), without importing alembic."""
    numbers = [p.name[1:5] for p in (MIGRATIONS_DIR / "versions").glob("r[0-9][0-9][0-9][0-9]_*.py")]
    return max(numbers) if numbers else None


def schema_number(revision: str) -> int | None:
    """The schema number of a revision id ("0003" -> 3), or None when it is not one of ours."""
    return int(revision) if revision.isdigit() else None


def schema_version() -> int:
    """The schema version this Territory Planner writes (the newest migration)."""
    head = _scripts().get_current_head()
    number = schema_number(head or "")
    if number is None:
        raise RuntimeError(f"The newest plan migration has revision '{head}', which is not a schema number.")
    return number


def schema_state(connection: Connection, target: PlanTarget) -> SchemaState:
    """Check the database holds a plan schema this version can use; raise a clear error when it does not."""
    tables = set(inspect(connection).get_table_names())
    if VERSION_TABLE not in tables:
        if not target.is_file and plan_table.name not in tables:
            return SchemaState.MISSING
        if target.is_file and not tables:
            return SchemaState.MISSING
        raise PlanFileError(
            f"{_capital(target)} is not a Territory Planner plan: it is a database made by another program. "
            "Choose a .tplan file saved by Territory Planner."
        )
    stored = [row[0] for row in connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))]
    if len(stored) == 1 and stored[0] == _newest_revision_file():
        return SchemaState.CURRENT  # the common case, decided without alembic
    from alembic.runtime.migration import MigrationContext

    heads = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_heads()
    if len(heads) != 1:
        raise PlanFileError(
            f"{_capital(target)} is damaged: its schema version record is missing or ambiguous ({len(heads)} "
            "entries). Open a backup copy of the plan."
        )
    revision = heads[0]
    scripts = _scripts()
    known = {script.revision for script in scripts.walk_revisions()}
    head = scripts.get_current_head()
    if revision == head:
        return SchemaState.CURRENT
    if revision in known:
        return SchemaState.OLDER
    number = schema_number(revision)
    if number is not None and number > schema_version():
        raise NewerSchemaError(
            f"This plan was saved by a newer Territory Planner (schema {number}); update the app. "
            f"({_capital(target)} needs schema {number}; this version reads schema {schema_version()} and older.)",
            number,
        )
    raise PlanFileError(
        f"{_capital(target)} has schema version '{revision}', which no Territory Planner release wrote. "
        "Open a backup copy of the plan."
    )


def upgrade(connection: Connection) -> None:
    """Create the schema, or migrate an older one, up to the newest version (in the caller's transaction)."""
    from alembic import command

    command.upgrade(_config(connection), "head")


def _capital(target: PlanTarget) -> str:
    text = str(target)
    return text[:1].upper() + text[1:]


__all__ = ["MIGRATIONS_DIR", "SchemaState", "schema_number", "schema_state", "schema_version", "upgrade"]
