"""The plan schema as SQLAlchemy Core tables (the shape the latest migration produces).

Every row carries ``plan_key`` so one PostgreSQL database can hold several plans; a plan file holds one plan under
the key ``"default"``. Tables are prefixed ``tp_`` so a shared database can hold other applications' tables too.
Ordered things (units, scenarios, territories, ...) keep a ``position`` so a plan loads in the order it was saved.

The migrations in ``migrations/versions`` must produce exactly these tables; a test compares the two.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Double,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

#: Alembic's version table: one row holding the schema revision ("0001" = schema 1).
VERSION_TABLE = "tp_schema_version"

metadata = MetaData()

#: One row per plan: the plan's name, the layer's scalar properties and the plan's revision.
plan = Table(
    "tp_plan",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("layer_name", Text, nullable=False),
    Column("crs", Text, nullable=True),
    Column("unit_noun", Text, nullable=False),
    Column("potential_column", Text, nullable=True),
    Column("unit_index_name", Text, nullable=True),
    Column("unit_index_dtype", Text, nullable=False),
    Column("unit_count", Integer, nullable=False),
    Column("has_geometry", Boolean, nullable=False),
    # NULL when the layer has no adjacency; otherwise the numpy dtype of the (n, 2) pair array.
    Column("adjacency_dtype", Text, nullable=True),
    Column("saved_at", Text, nullable=False),  # UTC, ISO 8601
    Column("saved_by", Text, nullable=False),  # the OS user who saved ("someone" when unknown)
    # Bumped by every save; a save only succeeds onto the revision it was loaded from (no lost updates).
    Column("revision", Integer, nullable=False, server_default="0"),
    Column("saved_with", Text, nullable=True),  # "Territory Planner <version>"
    PrimaryKeyConstraint("plan_key", name="pk_tp_plan"),
)

#: The columns of the layer's unit table, in order (``name`` included), with how to restore each one's dtype.
unit_column = Table(
    "tp_unit_column",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),  # text, float, integer, bool, category
    Column("dtype", Text, nullable=False),  # the pandas dtype as text, e.g. float64, Int64, str, object
    Column("categories", Text, nullable=True),  # JSON {"categories": [...], "ordered": bool} for kind category
    PrimaryKeyConstraint("plan_key", "position", name="pk_tp_unit_column"),
    UniqueConstraint("plan_key", "name", name="uq_tp_unit_column_name"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_unit_column_plan"),
)

#: One row per unit: id (text, leading zeros kept), name, and the other attribute values as a JSON array in the
#: order of ``tp_unit_column`` (NULL when the layer has no attributes besides the name).
unit = Table(
    "tp_unit",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("unit_id", Text, nullable=False),
    Column("name", Text, nullable=True),
    Column("attributes", Text, nullable=True),
    PrimaryKeyConstraint("plan_key", "position", name="pk_tp_unit"),
    UniqueConstraint("plan_key", "unit_id", name="uq_tp_unit_id"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_unit_plan"),
)

#: The unit's geometry as WKB (NULL for a unit without geometry), by unit position.
unit_geometry = Table(
    "tp_unit_geometry",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("wkb", LargeBinary, nullable=True),
    PrimaryKeyConstraint("plan_key", "position", name="pk_tp_unit_geometry"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_unit_geometry_plan"),
)

#: Neighbouring units as positional pairs, in the order of the layer's adjacency array.
adjacency = Table(
    "tp_adjacency",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("unit_a", Integer, nullable=False),
    Column("unit_b", Integer, nullable=False),
    PrimaryKeyConstraint("plan_key", "position", name="pk_tp_adjacency"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_adjacency_plan"),
)

scenario = Table(
    "tp_scenario",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("period_start", Text, nullable=False),  # YYYY-MM
    Column("currency", Text, nullable=False),
    PrimaryKeyConstraint("plan_key", "name", name="pk_tp_scenario"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_scenario_plan"),
)


def _scenario_fk(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["plan_key", "scenario"], ["tp_scenario.plan_key", "tp_scenario.name"], name=f"fk_{table}_scenario"
    )


region = Table(
    "tp_region",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("plan_key", "scenario", "name", name="pk_tp_region"),
    _scenario_fk("tp_region"),
)

territory = Table(
    "tp_territory",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("region", Text, nullable=True),
    Column("color", Text, nullable=False),
    Column("locked", Boolean, nullable=False),
    PrimaryKeyConstraint("plan_key", "scenario", "name", name="pk_tp_territory"),
    _scenario_fk("tp_territory"),
)

#: Which territory each assigned unit belongs to (unassigned units have no row).
assignment = Table(
    "tp_assignment",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("unit_id", Text, nullable=False),
    Column("territory", Text, nullable=False),
    PrimaryKeyConstraint("plan_key", "scenario", "unit_id", name="pk_tp_assignment"),
    _scenario_fk("tp_assignment"),
)

seller = Table(
    "tp_seller",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("territory", Text, nullable=True),
    Column("status", Text, nullable=False),  # existing | planned
    Column("start_month", Text, nullable=True),  # YYYY-MM
    Column("ramp_months", Integer, nullable=False),
    Column("annual_quota", Double, nullable=False),
    Column("annual_cost", Double, nullable=False),
    Column("home", Text, nullable=True),  # the home base as written: a ZIP code, "City, ST" or "lat,lon" (schema 4)
    PrimaryKeyConstraint("plan_key", "scenario", "name", name="pk_tp_seller"),
    _scenario_fk("tp_seller"),
)

allocation = Table(
    "tp_allocation",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("level", Text, nullable=False),  # region | territory
    Column("name", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("budget", Double, nullable=False),
    Column("hours", Double, nullable=False),
    Column("start_month", Text, nullable=True),  # YYYY-MM
    Column("locked", Boolean, nullable=False),  # kept exactly by the optimiser (schema 4)
    PrimaryKeyConstraint("plan_key", "scenario", "level", "name", name="pk_tp_allocation"),
    _scenario_fk("tp_allocation"),
)

#: Numeric assumption values: the plan's (level "plan", subject "") and the region and territory overrides.
#: A row with a NULL key records an override entry that has no keys.
assumption = Table(
    "tp_assumption",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("level", Text, nullable=False),  # plan | region | territory
    Column("subject", Text, nullable=False),
    Column("key", Text, nullable=True),
    Column("value", Double, nullable=True),
    PrimaryKeyConstraint("plan_key", "scenario", "position", name="pk_tp_assumption"),
    _scenario_fk("tp_assumption"),
)

#: Small cached blobs (e.g. simplified outlines for drawing at ZIP scale), kept across saves of the plan.
display_cache = Table(
    "tp_display_cache",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("blob", LargeBinary, nullable=False),
    Column("saved_at", Text, nullable=False),
    PrimaryKeyConstraint("plan_key", "key", name="pk_tp_display_cache"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_display_cache_plan"),
)

# --- schema 3: sign-off, comments, the handshake, the change log and presence (issue 14) -----------------------

#: Who signs for which team (sales | marketing).
person = Table(
    "tp_person",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("role", Text, nullable=False),
    PrimaryKeyConstraint("plan_key", "name", name="pk_tp_person"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_person_plan"),
)

#: The status of a scenario that is not a plain draft (no row = draft).
scenario_status = Table(
    "tp_scenario_status",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("status", Text, nullable=False),  # draft | proposed | approved
    Column("proposed_by", Text, nullable=False),
    Column("proposed_at", Text, nullable=False),
    PrimaryKeyConstraint("plan_key", "scenario", name="pk_tp_scenario_status"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_scenario_status_plan"),
)

#: One lead's sign-off of a scenario (at most one per role).
sign_off = Table(
    "tp_sign_off",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("signed_at", Text, nullable=False),  # UTC, ISO 8601
    Column("reason", Text, nullable=False),
    PrimaryKeyConstraint("plan_key", "scenario", "role", name="pk_tp_sign_off"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_sign_off_plan"),
)

comment = Table(
    "tp_comment",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("id", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("subject_type", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("scenario", Text, nullable=True),
    Column("author", Text, nullable=False),
    Column("written_at", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("resolved", Boolean, nullable=False),
    PrimaryKeyConstraint("plan_key", "id", name="pk_tp_comment"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_comment_plan"),
)

#: The text of each section of the handshake (stage definitions, handoff, SLA, lead quality).
handshake = Table(
    "tp_handshake",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("section", Text, nullable=False),
    Column("text", Text, nullable=False),
    PrimaryKeyConstraint("plan_key", "section", name="pk_tp_handshake"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_handshake_plan"),
)

kpi = Table(
    "tp_kpi",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("target", Text, nullable=False),
    Column("owner", Text, nullable=False),  # sales | marketing | joint
    PrimaryKeyConstraint("plan_key", "name", name="pk_tp_kpi"),
    ForeignKeyConstraint(["plan_key"], ["tp_plan.plan_key"], name="fk_tp_kpi_plan"),
)

#: The append-only change log: every saved command with its inverse, as JSON (see domain/changelog.py). No foreign
#: key: the log of a plan outlives a save that replaces the plan's rows.
change = Table(
    "tp_change",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("revision", Integer, nullable=False),  # the plan revision the save of this change wrote
    Column("scenario", Text, nullable=True),
    Column("author", Text, nullable=False),
    Column("changed_at", Text, nullable=False),  # UTC, ISO 8601
    Column("description", Text, nullable=False),
    Column("command", Text, nullable=False),
    Column("inverse", Text, nullable=False),
    Column("client", Text, nullable=False),
    PrimaryKeyConstraint("plan_key", "sequence", name="pk_tp_change"),
)

#: Who has a shared plan open now: one row per open session, its heartbeat refreshed every few seconds.
presence = Table(
    "tp_presence",
    metadata,
    Column("plan_key", Text, nullable=False),
    Column("client", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("started_at", Text, nullable=False),
    Column("seen_at", Text, nullable=False),  # UTC, ISO 8601: the last heartbeat
    PrimaryKeyConstraint("plan_key", "client", name="pk_tp_presence"),
)

#: The plan's records beside its scenarios (written like the scenario tables: only what changed).
GOVERNANCE_TABLES = (person, scenario_status, sign_off, comment, handshake, kpi)

#: Tables holding one plan's rows, children before parents (the order to delete in).
PLAN_TABLES = (
    *GOVERNANCE_TABLES,
    assumption,
    allocation,
    seller,
    assignment,
    territory,
    region,
    scenario,
    adjacency,
    unit_geometry,
    unit,
    unit_column,
)
