"""Schema 3: people and their sign-off roles, scenario statuses and sign-offs, comments, the handshake, the change
log and presence (issue 14). Plans of schema 2 gain the tables empty: every scenario is a draft.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _plan_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name=f"fk_{table}_plan")


def _text(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "tp_person",
        _text("plan_key"),
        _text("name"),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("role"),
        sa.PrimaryKeyConstraint("plan_key", "name", name="pk_tp_person"),
        _plan_fk("tp_person"),
    )
    op.create_table(
        "tp_scenario_status",
        _text("plan_key"),
        _text("scenario"),
        _text("status"),
        _text("proposed_by"),
        _text("proposed_at"),
        sa.PrimaryKeyConstraint("plan_key", "scenario", name="pk_tp_scenario_status"),
        _plan_fk("tp_scenario_status"),
    )
    op.create_table(
        "tp_sign_off",
        _text("plan_key"),
        _text("scenario"),
        _text("role"),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("name"),
        _text("signed_at"),
        _text("reason"),
        sa.PrimaryKeyConstraint("plan_key", "scenario", "role", name="pk_tp_sign_off"),
        _plan_fk("tp_sign_off"),
    )
    op.create_table(
        "tp_comment",
        _text("plan_key"),
        _text("id"),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("subject_type"),
        _text("subject"),
        _text("scenario", nullable=True),
        _text("author"),
        _text("written_at"),
        _text("text"),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("plan_key", "id", name="pk_tp_comment"),
        _plan_fk("tp_comment"),
    )
    op.create_table(
        "tp_handshake",
        _text("plan_key"),
        _text("section"),
        _text("text"),
        sa.PrimaryKeyConstraint("plan_key", "section", name="pk_tp_handshake"),
        _plan_fk("tp_handshake"),
    )
    op.create_table(
        "tp_kpi",
        _text("plan_key"),
        _text("name"),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("target"),
        _text("owner"),
        sa.PrimaryKeyConstraint("plan_key", "name", name="pk_tp_kpi"),
        _plan_fk("tp_kpi"),
    )
    op.create_table(
        "tp_change",
        _text("plan_key"),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _text("scenario", nullable=True),
        _text("author"),
        _text("changed_at"),
        _text("description"),
        _text("command"),
        _text("inverse"),
        _text("client"),
        sa.PrimaryKeyConstraint("plan_key", "sequence", name="pk_tp_change"),
    )
    op.create_table(
        "tp_presence",
        _text("plan_key"),
        _text("client"),
        _text("author"),
        _text("started_at"),
        _text("seen_at"),
        sa.PrimaryKeyConstraint("plan_key", "client", name="pk_tp_presence"),
    )


def downgrade() -> None:
    for table in (
        "tp_presence",
        "tp_change",
        "tp_kpi",
        "tp_handshake",
        "tp_comment",
        "tp_sign_off",
        "tp_scenario_status",
        "tp_person",
    ):
        op.drop_table(table)
