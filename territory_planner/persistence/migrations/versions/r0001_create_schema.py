"""Schema 1: the first release's plan schema (every table).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _plan_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name=f"fk_{table}_plan")


def _scenario_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["plan_key", "scenario"], ["tp_scenario.plan_key", "tp_scenario.name"], name=f"fk_{table}_scenario"
    )


def upgrade() -> None:
    op.create_table(
        "tp_plan",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("layer_name", sa.Text(), nullable=False),
        sa.Column("crs", sa.Text(), nullable=True),
        sa.Column("unit_noun", sa.Text(), nullable=False),
        sa.Column("potential_column", sa.Text(), nullable=True),
        sa.Column("unit_index_name", sa.Text(), nullable=True),
        sa.Column("unit_index_dtype", sa.Text(), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("has_geometry", sa.Boolean(), nullable=False),
        sa.Column("adjacency_dtype", sa.Text(), nullable=True),
        sa.Column("saved_at", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("plan_key", name="pk_tp_plan"),
    )
    op.create_table(
        "tp_unit_column",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("dtype", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("plan_key", "position", name="pk_tp_unit_column"),
        sa.UniqueConstraint("plan_key", "name", name="uq_tp_unit_column_name"),
        _plan_fk("tp_unit_column"),
    )
    op.create_table(
        "tp_unit",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("attributes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("plan_key", "position", name="pk_tp_unit"),
        sa.UniqueConstraint("plan_key", "unit_id", name="uq_tp_unit_id"),
        _plan_fk("tp_unit"),
    )
    op.create_table(
        "tp_unit_geometry",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("wkb", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("plan_key", "position", name="pk_tp_unit_geometry"),
        _plan_fk("tp_unit_geometry"),
    )
    op.create_table(
        "tp_adjacency",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit_a", sa.Integer(), nullable=False),
        sa.Column("unit_b", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_key", "position", name="pk_tp_adjacency"),
        _plan_fk("tp_adjacency"),
    )
    op.create_table(
        "tp_scenario",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("plan_key", "name", name="pk_tp_scenario"),
        _plan_fk("tp_scenario"),
    )
    op.create_table(
        "tp_region",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_key", "scenario", "name", name="pk_tp_region"),
        _scenario_fk("tp_region"),
    )
    op.create_table(
        "tp_territory",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("color", sa.Text(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("plan_key", "scenario", "name", name="pk_tp_territory"),
        _scenario_fk("tp_territory"),
    )
    op.create_table(
        "tp_assignment",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Text(), nullable=False),
        sa.Column("territory", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("plan_key", "scenario", "unit_id", name="pk_tp_assignment"),
        _scenario_fk("tp_assignment"),
    )
    op.create_table(
        "tp_seller",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("territory", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("start_month", sa.Text(), nullable=True),
        sa.Column("ramp_months", sa.Integer(), nullable=False),
        sa.Column("annual_quota", sa.Double(), nullable=False),
        sa.Column("annual_cost", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("plan_key", "scenario", "name", name="pk_tp_seller"),
        _scenario_fk("tp_seller"),
    )
    op.create_table(
        "tp_allocation",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("budget", sa.Double(), nullable=False),
        sa.Column("hours", sa.Double(), nullable=False),
        sa.Column("start_month", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("plan_key", "scenario", "level", "name", name="pk_tp_allocation"),
        _scenario_fk("tp_allocation"),
    )
    op.create_table(
        "tp_assumption",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("plan_key", "scenario", "position", name="pk_tp_assumption"),
        _scenario_fk("tp_assumption"),
    )
    op.create_table(
        "tp_display_cache",
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("saved_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("plan_key", "key", name="pk_tp_display_cache"),
        _plan_fk("tp_display_cache"),
    )


def downgrade() -> None:
    for table in (
        "tp_display_cache",
        "tp_assumption",
        "tp_allocation",
        "tp_seller",
        "tp_assignment",
        "tp_territory",
        "tp_region",
        "tp_scenario",
        "tp_adjacency",
        "tp_unit_geometry",
        "tp_unit",
        "tp_unit_column",
        "tp_plan",
    ):
        op.drop_table(table)
