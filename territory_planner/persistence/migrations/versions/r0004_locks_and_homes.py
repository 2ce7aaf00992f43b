"""Schema 4: a ``locked`` flag on every allocation (kept exactly by the budget optimiser, issue 11) and a seller's
home base (issue 12). Plans of schema 3 open with every allocation unlocked and no home bases.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tp_allocation") as batch:
        batch.add_column(sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("tp_seller") as batch:
        batch.add_column(sa.Column("home", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tp_seller") as batch:
        batch.drop_column("home")
    with op.batch_alter_table("tp_allocation") as batch:
        batch.drop_column("locked")
