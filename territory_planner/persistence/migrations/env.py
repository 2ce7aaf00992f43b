"""Alembic environment: runs on the connection that ``persistence.schema`` hands over, inside its transaction."""

from __future__ import annotations

from alembic import context

from territory_planner.persistence.tables import VERSION_TABLE

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Territory Planner runs its migrations itself (territory_planner.persistence.schema.upgrade); "
        "there is no alembic.ini to run them from the command line."
    )

context.configure(
    connection=connection,
    version_table=VERSION_TABLE,
    # SQLite can only change most things by copying a table; batch mode does that and is a no-op on PostgreSQL.
    render_as_batch=True,
)

with context.begin_transaction():
    context.run_migrations()
