"""Schema 2: a revision number on every plan, and who saved it (the OS user) apart from which app version did.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tp_plan") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("saved_with", sa.Text(), nullable=True))
    # Schema 1 kept the app version in saved_by; schema 2 keeps it in saved_with and the person in saved_by.
    op.execute("UPDATE tp_plan SET saved_with = saved_by, saved_by = 'someone'")


def downgrade() -> None:
    op.execute("UPDATE tp_plan SET saved_by = COALESCE(saved_with, saved_by)")
    with op.batch_alter_table("tp_plan") as batch:
        batch.drop_column("saved_with")
        batch.drop_column("revision")
