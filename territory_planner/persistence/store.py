"""Saving and loading whole plans, atomically, to a ``.tplan`` file or a PostgreSQL database.

A save first turns the whole plan into rows (checking everything before anything is written), then writes them:

- to a file: into a brand-new SQLite file beside the target, which replaces the target with ``os.replace`` once it
  is complete and on disk. A crash or kill at any moment leaves either the old file or the new one, never a mix;
- to a database: in one transaction that replaces the plan's rows, so other readers see the old plan or the new one.

Bulk rows (units, geometry, adjacency, assignments) go through Core ``insert`` executemany in chunks; loading reads
plain tuples. No ORM objects are involved.
"""

from __future__ import annotations

import errno
import itertools
import json
import logging
import math
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pandas.api.types import infer_dtype
from sqlalchemy import Table, UniqueConstraint, bindparam, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

import territory_planner
from territory_planner.domain import (
    Allocation,
    Assumptions,
    Layer,
    Month,
    Plan,
    PlanError,
    Region,
    Scenario,
    Seller,
    Territory,
)
from territory_planner.domain.assumptions import range_key, split_range_key
from territory_planner.domain.governance import Approval, Change, Comment, Governance, SignOff
from territory_planner.domain.handshake import Handshake, Kpi
from territory_planner.domain.model import Deferred

from . import files
from . import tables as t
from .columns import TEXT, ColumnSpec, decode_column, describe_columns, encode_column
from .engines import (
    damaged_text,
    database_engine,
    database_error,
    database_errors,
    memory_copy_engine,
    sqlite_engine,
)
from .errors import PlanDamagedError, PlanExistsError, PlanFileError, PlanReadOnlyError
from .origin import (
    Fingerprints,
    PlanOrigin,
    StoredRevision,
    check_revision,
    current_user,
    fingerprints,
    origin_for,
    place_of,
)
from .schema import SchemaState, schema_state, upgrade
from .target import PlanTarget, plan_target

log = logging.getLogger(__name__)

Row = dict[str, Any]
Where = PlanTarget | str | os.PathLike[str]

#: Rows per executemany call: bounds the memory of one batch without costing speed.
_CHUNK_ROWS = 10_000
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Files SQLite keeps beside a database while it is in use (or after a crash).
_COMPANIONS = ("-wal", "-shm", "-journal")
_ENCODE_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
#: The PostgreSQL NOTIFY channel of committed changes; the payload names the plan key, sequence and revision.
CHANGES_CHANNEL = "tp_plan_changes"


# --- public API --------------------------------------------------------------------------------------------------


def save_plan(plan: Plan, target: Where, *, new_only: bool = False) -> None:
    """Save the whole plan, replacing what the target held before, atomically.

    ``target`` is a ``.tplan`` path, a ``sqlite:///`` URL or a PostgreSQL URL (see :func:`plan_target`). Raises
    :class:`~territory_planner.domain.PlanError` when the plan holds something a plan cannot store (nothing is
    written then) and :class:`PlanFileError` when the file or database cannot be written; in both cases the
    target still holds what it held before.

    When the plan was loaded from (or last saved to) this target, the save succeeds only while the target still
    holds the revision it was loaded at; otherwise :class:`PlanConflictError` says who saved it since, and nothing
    is written. On success ``plan.origin`` records the new revision, so the next save checks against it.

    ``new_only`` (a new plan: ``demo``, ``new``) refuses with :class:`PlanExistsError` when the target already
    holds a plan, checked inside the save's own lock or transaction, so two programs cannot both create it.
    """
    where = plan_target(target)
    base = origin_for(plan.origin, where)
    rows = _plan_rows(plan, where.plan_key)
    changes = plan.governance.log
    if where.path is not None:
        plan.origin, saved = _save_file(rows, where, where.path, base, changes, new_only=new_only)
    else:
        plan.origin, saved = _save_database(rows, where, base, changes, new_only=new_only)
    plan.governance.log = saved


def load_plan(target: Where) -> Plan:
    """Load a whole plan; ``plan.origin`` remembers where from and at which revision (see :func:`save_plan`).

    Opening never changes a plan file: a plan saved by an older Territory Planner is migrated in memory (the
    file is migrated by its next save); a plan on a server is migrated in place.
    """
    where = plan_target(target)
    with _open_plan(where, write=False) as connection:
        return _read_plan(connection, where)


def plan_exists(target: Where) -> StoredRevision | None:
    """Whether ``target`` already holds a plan: its stored revision (who saved it, when), or None.

    For a file, any existing file counts (a file that is not a plan is not replaced either)."""
    where = plan_target(target)
    if where.path is not None:
        return StoredRevision(0, "", "") if where.path.exists() else None
    engine = database_engine(where, snapshot=True)
    try:
        with database_errors(where, "open"), engine.connect() as connection:
            if schema_state(connection, where) is SchemaState.MISSING:
                return None
            found = connection.execute(
                select(t.plan.c.revision, t.plan.c.saved_by, t.plan.c.saved_at).where(
                    t.plan.c.plan_key == where.plan_key
                )
            ).first()
    finally:
        engine.dispose()
    return None if found is None else StoredRevision(int(found[0]), str(found[1]), str(found[2]))


def already_there(where: PlanTarget, stored: StoredRevision | None) -> str:
    """The message for a new plan that would replace an existing one."""
    if where.path is not None:
        return f"{where.path} already exists. Choose another file name, or add --force to replace it."
    by = f" (saved by {stored.saved_by} at {stored.saved_at})" if stored and stored.saved_by else ""
    return (
        f"{str(where)[0].upper()}{str(where)[1:]} already exists{by}. Choose another plan name (?plan=...), "
        "or add --force to replace it."
    )


def save_display_cache(target: Where, key: str, blob: bytes) -> None:
    """Store a small cached blob (e.g. simplified outlines) with a saved plan, replacing any blob under ``key``.

    Entries survive later saves of the plan, so ``key`` should name what the blob was made from (for example
    include a fingerprint of the layer's geometry) rather than just what it is.
    """
    where = plan_target(target)
    with _open_plan(where, write=True) as connection:
        _require_plan_row(connection, where)
        connection.execute(
            delete(t.display_cache).where(t.display_cache.c.plan_key == where.plan_key, t.display_cache.c.key == key)
        )
        connection.execute(
            insert(t.display_cache),
            {"plan_key": where.plan_key, "key": key, "blob": bytes(blob), "saved_at": _now()},
        )


def load_display_cache(target: Where, key: str) -> bytes | None:
    """The cached blob stored under ``key`` with the plan, or None when there is none."""
    where = plan_target(target)
    with _open_plan(where, write=False) as connection:
        _require_plan_row(connection, where)
        blob = connection.execute(
            select(t.display_cache.c.blob).where(
                t.display_cache.c.plan_key == where.plan_key, t.display_cache.c.key == key
            )
        ).scalar()
        return None if blob is None else bytes(blob)


# --- plan -> rows ------------------------------------------------------------------------------------------------


@dataclass
class _PlanRows:
    """Everything a save writes, built and checked before anything is written."""

    plan: Row
    tables: list[tuple[Table, list[Row]]] = field(default_factory=list)


def _plan_rows(plan: Plan, key: str, *, stored_wkb: Sequence[bytes | None] | None = None) -> _PlanRows:
    """The rows of a save. ``stored_wkb`` gives the geometry as loaded (to fingerprint a plan without decoding it)."""
    layer = plan.layer
    problems: list[str] = []
    specs = describe_columns(layer.units, layer.name, problems)
    name_spec = next((s for s in specs if s.name == "name"), None)
    if name_spec is None:
        problems.append(f"the units of layer '{layer.name}' need a 'name' column")
    elif name_spec.kind != TEXT:
        problems.append(f"the unit names of layer '{layer.name}' must be text")
    index = layer.units.index
    if len(index) and infer_dtype(index, skipna=False) != "string":
        problems.append(f"the unit ids of layer '{layer.name}' must all be text (found {infer_dtype(index)})")
    wkb = list(stored_wkb) if stored_wkb is not None else _geometry_wkb(layer, problems)
    pairs, adjacency_dtype = _adjacency_pairs(layer, problems)
    for name, scenario in plan.scenarios.items():
        problems.extend(_scenario_problems(name, scenario))
    if problems:
        raise PlanError(f"Plan '{plan.name}' cannot be saved: " + "; ".join(problems) + ".")

    plan_row: Row = {
        "plan_key": key,
        "name": plan.name,
        "layer_name": layer.name,
        "crs": None if layer.crs is None else str(layer.crs),
        "unit_noun": layer.unit_noun,
        "potential_column": layer.potential_column,
        "unit_index_name": None if index.name is None else str(index.name),
        "unit_index_dtype": str(index.dtype),
        "unit_count": len(index),
        "has_geometry": wkb is not None,
        "adjacency_dtype": adjacency_dtype,
        "saved_at": _now(),
        "saved_by": current_user(),
        "saved_with": f"Territory Planner {territory_planner.__version__}",
        "revision": 0,  # set by the save, from the revision it replaces
    }
    out = _PlanRows(plan_row)
    out.tables.append(
        (
            t.unit_column,
            [
                {"plan_key": key, "position": i, "name": s.name, "kind": s.kind, "dtype": s.dtype,
                 "categories": s.categories}
                for i, s in enumerate(specs)
            ],
        )
    )  # fmt: skip
    out.tables.append((t.unit, _unit_rows(layer, specs, key)))
    if wkb is not None:
        out.tables.append((t.unit_geometry, [{"plan_key": key, "position": i, "wkb": b} for i, b in enumerate(wkb)]))
    if pairs is not None:
        out.tables.append(
            (
                t.adjacency,
                [{"plan_key": key, "position": i, "unit_a": a, "unit_b": b} for i, (a, b) in enumerate(pairs)],
            )
        )
    out.tables.extend(_scenario_rows(plan, key))
    out.tables.extend(_governance_rows(plan, key))
    return out


def _unit_rows(layer: Layer, specs: list[ColumnSpec], key: str) -> list[Row]:
    units = layer.units
    ids = units.index.tolist()
    names = encode_column(units["name"], next(s for s in specs if s.name == "name"))
    others = [s for s in specs if s.name != "name"]
    if others:
        columns = [encode_column(units[s.name], s) for s in others]
        attributes: Iterable[str | None] = map(_ENCODE_JSON, map(list, zip(*columns, strict=True)))
    else:
        attributes = itertools.repeat(None, len(ids))
    return [
        {"plan_key": key, "position": i, "unit_id": u, "name": n, "attributes": a}
        for i, (u, n, a) in enumerate(zip(ids, names, attributes, strict=False))
    ]


def _geometry_wkb(layer: Layer, problems: list[str]) -> list[bytes | None] | None:
    geometry = layer.geometry
    if geometry is None:
        return None
    index = getattr(geometry, "index", None)
    if isinstance(index, pd.Index) and not index.equals(layer.units.index):
        if len(index) == len(layer.units) and index.is_unique and index.isin(layer.units.index).all():
            geometry = geometry.reindex(layer.units.index)
        else:
            problems.append(f"the geometry of layer '{layer.name}' is not aligned with its units")
            return None
    try:
        geoms = np.asarray(geometry, dtype=object)
        if geoms.shape != (len(layer.units),):
            problems.append(
                f"layer '{layer.name}' has {len(layer.units)} units but {geoms.size} geometries; they must match"
            )
            return None
        wkb = shapely.to_wkb(geoms, output_dimension=4)
    except (TypeError, ValueError, shapely.errors.ShapelyError) as exc:
        problems.append(f"the geometry of layer '{layer.name}' cannot be stored ({exc})")
        return None
    return list(wkb.tolist())


def _adjacency_pairs(layer: Layer, problems: list[str]) -> tuple[list[list[int]] | None, str | None]:
    if layer.adjacency is None:
        return None, None
    pairs = np.asarray(layer.adjacency)
    if pairs.size == 0:
        pairs = pairs.reshape(0, 2)
    if pairs.ndim != 2 or pairs.shape[1] != 2 or not np.issubdtype(pairs.dtype, np.integer):
        problems.append(
            f"the adjacency of layer '{layer.name}' must be an (n, 2) array of whole numbers, "
            f"not {pairs.dtype} of shape {pairs.shape}"
        )
        return None, None
    return pairs.tolist(), str(pairs.dtype)


def _scenario_problems(key: str, scenario: Scenario) -> list[str]:
    problems = []
    if key != scenario.name:
        problems.append(f"scenario '{scenario.name}' is filed under the name '{key}'")
    label = f"scenario '{key}'"
    for mapping, kind, attr in (
        (scenario.regions, "region", "name"),
        (scenario.territories, "territory", "name"),
        (scenario.sellers, "seller", "name"),
    ):
        for name, item in mapping.items():
            if getattr(item, attr) != name:
                problems.append(f"{label}: {kind} '{getattr(item, attr)}' is filed under the name '{name}'")
    for (level, name), alloc in scenario.allocations.items():
        if (alloc.level, alloc.name) != (level, name):
            problems.append(f"{label}: the allocation to {alloc.level} '{alloc.name}' is filed under {level} '{name}'")
    a = scenario.assumptions
    values = [("the plan", k, v) for k, v in a.values.items()]
    for level, table in (("region", a.region_overrides), ("territory", a.territory_overrides)):
        values.extend((f"{level} '{subject}'", k, v) for subject, entry in table.items() for k, v in entry.items())
    for where, k, v in values:
        if not _finite(v):
            problems.append(f"{label}: assumption '{k}' of {where} is {v!r}, not a finite number")
    return problems


def _scenario_rows(plan: Plan, key: str) -> list[tuple[Table, list[Row]]]:
    scenarios: list[Row] = []
    regions: list[Row] = []
    territories: list[Row] = []
    assignments: list[Row] = []
    sellers: list[Row] = []
    allocations: list[Row] = []
    assumptions: list[Row] = []
    for position, (name, s) in enumerate(plan.scenarios.items()):
        a = s.assumptions
        scenarios.append(
            {"plan_key": key, "name": name, "position": position, "period_start": str(a.period_start),
             "currency": a.currency}
        )  # fmt: skip
        regions.extend({"plan_key": key, "scenario": name, "name": r, "position": i} for i, r in enumerate(s.regions))
        territories.extend(
            {"plan_key": key, "scenario": name, "name": tr.name, "position": i, "region": tr.region,
             "color": tr.color, "locked": bool(tr.locked)}
            for i, tr in enumerate(s.territories.values())
        )  # fmt: skip
        assignments.extend(
            {"plan_key": key, "scenario": name, "unit_id": u, "territory": tr} for u, tr in s.assignment.items()
        )
        sellers.extend(
            {"plan_key": key, "scenario": name, "name": x.name, "position": i, "territory": x.territory,
             "status": x.status, "start_month": _month_text(x.start_month), "ramp_months": int(x.ramp_months),
             "annual_quota": float(x.annual_quota), "annual_cost": float(x.annual_cost), "home": x.home}
            for i, x in enumerate(s.sellers.values())
        )  # fmt: skip
        allocations.extend(
            {"plan_key": key, "scenario": name, "level": al.level, "name": al.name, "position": i,
             "budget": float(al.budget), "hours": float(al.hours), "start_month": _month_text(al.start_month),
             "locked": bool(al.locked)}
            for i, al in enumerate(s.allocations.values())
        )  # fmt: skip
        assumptions.extend(_assumption_rows(key, name, a))
    return [
        (t.scenario, scenarios),
        (t.region, regions),
        (t.territory, territories),
        (t.assignment, assignments),
        (t.seller, sellers),
        (t.allocation, allocations),
        (t.assumption, assumptions),
    ]


def _governance_rows(plan: Plan, key: str) -> list[tuple[Table, list[Row]]]:
    """Roles, statuses, sign-offs, comments and the handshake (the change log is written apart: it only grows)."""
    g = plan.governance
    statuses: list[Row] = []
    sign_offs: list[Row] = []
    for name, approval in g.approvals.items():
        if name not in plan.scenarios:
            continue  # the scenario went (it was a draft, or the record is stale): nothing to keep
        statuses.append(
            {"plan_key": key, "scenario": name, "status": approval.status, "proposed_by": approval.proposed_by,
             "proposed_at": approval.proposed_at}
        )  # fmt: skip
        sign_offs.extend(
            {"plan_key": key, "scenario": name, "role": x.role, "position": i, "name": x.name, "signed_at": x.at,
             "reason": x.reason}
            for i, x in enumerate(approval.sign_offs)
        )  # fmt: skip
    return [
        (
            t.person,
            [{"plan_key": key, "name": n, "position": i, "role": r} for i, (n, r) in enumerate(g.people.items())],
        ),
        (t.scenario_status, statuses),
        (t.sign_off, sign_offs),
        (
            t.comment,
            [
                {
                    "plan_key": key,
                    "id": c.id,
                    "position": i,
                    "subject_type": c.subject_type,
                    "subject": c.subject,
                    "scenario": c.scenario,
                    "author": c.author,
                    "written_at": c.at,
                    "text": c.text,
                    "resolved": bool(c.resolved),
                }
                for i, c in enumerate(g.comments.values())
            ],
        ),
        (t.handshake, [{"plan_key": key, "section": k, "text": v} for k, v in g.handshake.texts.items()]),
        (
            t.kpi,
            [
                {"plan_key": key, "name": k.name, "position": i, "target": k.target, "owner": k.owner}
                for i, k in enumerate(g.handshake.kpis.values())
            ],
        ),
    ]


def _numbered(log: list[Change], start: int, revision: int, *, renumber_all: bool = False) -> list[Change]:
    """The log with its unsaved entries (or, with ``renumber_all``, every entry) numbered from ``start + 1``."""
    out = []
    sequence = start
    for entry in log:
        if entry.sequence is None or renumber_all:
            sequence += 1
            out.append(replace(entry, sequence=sequence, revision=revision))
        else:
            out.append(entry)
    return out


def _change_rows(key: str, entries: Iterable[Change]) -> list[Row]:
    return [
        {"plan_key": key, "sequence": c.sequence, "revision": c.revision if c.revision is not None else 0,
         "scenario": c.scenario, "author": c.author, "changed_at": c.at, "description": c.description,
         "command": c.command, "inverse": c.inverse, "client": c.client}
        for c in entries
    ]  # fmt: skip


def notify_changes(connection: Connection, key: str, sequence: int, revision: int, client: str) -> None:
    """Tell every listening client (PostgreSQL ``NOTIFY``, delivered when the transaction commits)."""
    if connection.dialect.name != "postgresql":
        return
    payload = json.dumps({"plan": key, "sequence": sequence, "revision": revision, "client": client})
    connection.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANGES_CHANNEL, "payload": payload})


def _assumption_rows(key: str, scenario: str, a: Assumptions) -> list[Row]:
    entries: list[tuple[str, str, str | None, float | None]] = [("plan", "", k, float(v)) for k, v in a.values.items()]
    # Ranges are plan rows keyed <key>.low / <key>.high; the market attribute is a plan row whose subject holds
    # the attribute's name (docs/persistence.md).
    entries.extend(("plan", "", range_key(k, end), float(v)) for k, ends in a.ranges.items() for end, v in ends.items())
    if a.market_attribute is not None:
        entries.append(("plan", a.market_attribute, "market_attribute", None))
    for level, table in (("region", a.region_overrides), ("territory", a.territory_overrides)):
        for subject, overrides in table.items():
            if not overrides:
                entries.append((level, subject, None, None))
            entries.extend((level, subject, k, float(v)) for k, v in overrides.items())
    return [
        {"plan_key": key, "scenario": scenario, "position": i, "level": level, "subject": subject, "key": k,
         "value": v}
        for i, (level, subject, k, v) in enumerate(entries)
    ]  # fmt: skip


# --- writing -----------------------------------------------------------------------------------------------------


def _write_rows(connection: Connection, rows: _PlanRows) -> None:
    for table, table_rows in rows.tables:
        for start in range(0, len(table_rows), _CHUNK_ROWS):
            _insert_chunk(connection, table, table_rows[start : start + _CHUNK_ROWS])


def _insert_chunk(connection: Connection, table: Table, chunk: Sequence[Row]) -> None:
    connection.execute(insert(table), list(chunk))


def _save_database(
    rows: _PlanRows, where: PlanTarget, base: PlanOrigin | None, changes: list[Change], *, new_only: bool = False
) -> tuple[PlanOrigin, list[Change]]:
    engine = database_engine(where)
    try:
        with database_errors(where, "save"), engine.begin() as connection:
            if schema_state(connection, where) is not SchemaState.CURRENT:
                upgrade(connection)
            key = where.plan_key
            # Lock the plan's row: concurrent saves of one plan take turns, and each sees the revision the one
            # before it wrote (compare-and-update inside this transaction).
            found = connection.execute(
                select(t.plan.c.revision, t.plan.c.saved_by, t.plan.c.saved_at)
                .where(t.plan.c.plan_key == key)
                .with_for_update()
            ).first()
            stored = None if found is None else StoredRevision(int(found[0]), str(found[1]), str(found[2]))
            if new_only and stored is not None:
                raise PlanExistsError(already_there(where, stored))
            check_revision(base, stored, str(where))
            rows.plan["revision"] = (stored.revision if stored else 0) + 1
            if stored is None:
                _insert_new_plan_row(connection, rows, where)
                _write_rows(connection, rows)
            else:
                connection.execute(update(t.plan).where(t.plan.c.plan_key == key).values(rows.plan))
                if base is not None and base.rows is not None:
                    _write_changes(connection, base.rows, rows)
                else:  # not loaded from here (a save as, or --force): replace everything
                    for table in t.PLAN_TABLES:
                        connection.execute(delete(table).where(table.c.plan_key == key))
                    _write_rows(connection, rows)
            saved = _append_log(connection, key, changes, int(rows.plan["revision"]), renumber_all=base is None)
    finally:
        engine.dispose()
    return _origin_after_save(rows, where, with_rows=True), saved


def last_sequence(connection: Connection, key: str) -> int:
    found = connection.execute(select(func.max(t.change.c.sequence)).where(t.change.c.plan_key == key)).scalar()
    return int(found or 0)


def _append_log(
    connection: Connection, key: str, changes: list[Change], revision: int, *, renumber_all: bool
) -> list[Change]:
    """Append the unsaved entries of ``log`` (all of it for a plan not loaded from here) to the stored change log,
    and tell listening clients. Returns the log with the entries numbered."""
    start = last_sequence(connection, key)
    saved = _numbered(changes, start, revision, renumber_all=renumber_all)
    fresh = [c for c in saved if c.sequence is not None and c.sequence > start]
    if fresh:
        connection.execute(insert(t.change), _change_rows(key, fresh))
    last = fresh[-1] if fresh else None
    notify_changes(connection, key, last.sequence or start if last else start, revision, last.client if last else "")
    return saved


def _insert_new_plan_row(connection: Connection, rows: _PlanRows, where: PlanTarget) -> None:
    try:
        with connection.begin_nested():
            connection.execute(insert(t.plan), rows.plan)
    except IntegrityError as exc:  # another program created the same plan at the same moment
        stored = connection.execute(
            select(t.plan.c.revision, t.plan.c.saved_by, t.plan.c.saved_at).where(t.plan.c.plan_key == where.plan_key)
        ).first()
        if stored is None:
            raise
        check_revision(
            PlanOrigin(place_of(where), StoredRevision(0, "", "")),
            StoredRevision(int(stored[0]), str(stored[1]), str(stored[2])),
            str(where),
        )
        raise PlanFileError(f"Could not save {where}: {exc.orig}. Try again.") from exc


def _origin_after_save(rows: _PlanRows, where: PlanTarget, *, with_rows: bool) -> PlanOrigin:
    stored = StoredRevision(int(rows.plan["revision"]), str(rows.plan["saved_by"]), str(rows.plan["saved_at"]))
    return PlanOrigin(place_of(where), stored, fingerprints(rows.tables) if with_rows else None)


def _write_changes(
    connection: Connection, old: Fingerprints, rows: _PlanRows, tables: Sequence[Table] = t.PLAN_TABLES
) -> None:
    """Write only the rows that differ from the stored ones (``old``): deletes, updates and inserts.

    Deletes go children first and inserts parents first, so foreign keys hold at every statement. A changed row
    of a table with a unique column besides its key (units, unit columns) is deleted and inserted again rather
    than updated, so two rows swapping a unique value never collide half-way. Only ``tables`` are compared
    (in the order of :data:`tables.PLAN_TABLES`), so a shared plan's commit can leave the layer's rows alone.
    """
    new_rows = {table.name: table_rows for table, table_rows in rows.tables}
    new_prints = fingerprints((table, new_rows.get(table.name, [])) for table in tables)
    plans: dict[str, tuple[list[Row], list[Row], list[Row]]] = {}
    for table in tables:
        before = old.get(table.name, {})
        after = new_prints[table.name]
        key_columns = [c.name for c in table.primary_key.columns]
        by_key = {tuple(r[c] for c in key_columns): r for r in new_rows.get(table.name, [])}
        changed = [k for k, h in after.items() if k in before and before[k] != h]
        gone = [dict(zip(key_columns, k, strict=True)) for k in before if k not in after]
        added = [by_key[k] for k in after if k not in before]
        if _has_unique_columns(table):
            gone.extend(dict(zip(key_columns, k, strict=True)) for k in changed)
            added.extend(by_key[k] for k in changed)
            updated: list[Row] = []
        else:
            updated = [by_key[k] for k in changed]
        plans[table.name] = (gone, updated, added)
    for table in tables:  # children before parents
        gone = plans[table.name][0]
        if gone:
            deleting = delete(table).where(*(table.c[c] == bindparam(f"k_{c}") for c in gone[0]))
            for chunk in _chunks(gone):
                connection.execute(deleting, [{f"k_{c}": v for c, v in r.items()} for r in chunk])
    for table in tables:
        updated = plans[table.name][1]
        if updated:
            keys = {c.name for c in table.primary_key.columns}
            updating = (
                update(table)
                .where(*(table.c[c] == bindparam(f"k_{c}") for c in keys))
                .values({c.name: bindparam(f"v_{c.name}") for c in table.columns if c.name not in keys})
            )
            for chunk in _chunks(updated):
                connection.execute(
                    updating, [{(f"k_{c}" if c in keys else f"v_{c}"): v for c, v in r.items()} for r in chunk]
                )
    for table in reversed(tables):  # parents before children
        added = plans[table.name][2]
        for chunk in _chunks(added):
            _insert_chunk(connection, table, chunk)


def _has_unique_columns(table: Table) -> bool:
    return any(isinstance(c, UniqueConstraint) for c in table.constraints)


def _chunks(rows: list[Row]) -> Iterator[list[Row]]:
    for start in range(0, len(rows), _CHUNK_ROWS):
        yield rows[start : start + _CHUNK_ROWS]


def _save_file(
    rows: _PlanRows,
    where: PlanTarget,
    path: Path,
    base: PlanOrigin | None,
    changes: list[Change],
    *,
    new_only: bool = False,
) -> tuple[PlanOrigin, list[Change]]:
    path = path.absolute()
    folder = path.parent
    if not folder.is_dir():
        raise PlanFileError(f"Cannot save {where}: the folder '{folder}' does not exist. Choose an existing folder.")
    if path.is_dir():
        raise PlanFileError(f"Cannot save to '{path}': it is a folder. Choose a file name ending in .tplan.")
    _refuse_read_only(path, where)
    with files.plan_lock(path, str(where)):
        if new_only and path.exists():
            raise PlanExistsError(already_there(where, None))
        temp = files.temp_path(path)
        try:
            for leftover in files.leftovers(path):  # of saves killed earlier; we hold the lock, so none is running
                leftover.unlink(missing_ok=True)
            stored, cache = _old_file_state(path, where, base)
            check_revision(base, stored, str(where))
            rows.plan["revision"] = (stored.revision if stored else 0) + 1
            start = max((c.sequence for c in changes if c.sequence is not None), default=0)
            saved = _numbered(changes, start, int(rows.plan["revision"]))
            _write_new_file(temp, rows, cache, where, _change_rows(where.plan_key, saved))
            _fsync(temp)
            if path.exists():
                # Last look before the replace: a program that does not take our lock may have saved meanwhile.
                now, _ = _old_file_state(path, where, base, cache=False)
                if now != stored:
                    check_revision(base if base is not None else _origin_of(where, stored), now, str(where))
                _refuse_read_only(path, where)
                shutil.copymode(path, temp)
                _settle_old_file(path, where)
            os.replace(temp, path)
            for companion in files.companions(path, _COMPANIONS):
                companion.unlink(missing_ok=True)
            _fsync_folder(folder)
        except OSError as exc:
            # exc.filename would be our hidden temporary file: the message names the user's file only.
            raise PlanFileError(f"Could not save {where}: {exc.strerror or exc}. {_advice(exc, folder)}") from exc
        finally:
            try:
                files.remove_temp(path)
            except OSError:
                log.warning("Could not remove the unfinished save %s", temp, exc_info=True)
    return _origin_after_save(rows, where, with_rows=False), saved


def _advice(exc: OSError, folder: Path) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"Free some space on the disk of '{folder}', or save to another disk."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Check you may write in '{folder}' (it may be read-only), or save to another folder."
    return f"Check the disk and the folder '{folder}', or save to another folder."


def _origin_of(where: PlanTarget, stored: StoredRevision | None) -> PlanOrigin:
    return PlanOrigin(place_of(where), stored or StoredRevision(0, "someone", ""))


def _write_new_file(temp: Path, rows: _PlanRows, cache: list[Row], where: PlanTarget, changes: list[Row]) -> None:
    # A fresh file needs no crash safety of its own (a failed save just deletes it), so SQLite skips fsyncs; the
    # finished file is fsynced once before it replaces the target. DELETE journal: one self-contained file.
    # 16 KiB pages pack ~1.6 KB unit outlines with less slack than the default 4 KiB (about 10% smaller files).
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    os.close(fd)
    engine = sqlite_engine(temp, "rw", journal_mode="DELETE", synchronous="OFF", page_size=16_384)
    try:
        with database_errors(where, "save"), engine.begin() as connection:
            upgrade(connection)
            connection.execute(insert(t.plan), rows.plan)
            _write_rows(connection, rows)
            if cache:
                connection.execute(insert(t.display_cache), cache)
            for chunk in _chunks(changes):
                connection.execute(insert(t.change), chunk)
    finally:
        engine.dispose()


def _refuse_read_only(path: Path, where: PlanTarget) -> None:
    """A read-only plan file is not replaced (root may write anything, so the mode bits are checked too)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(path, os.W_OK):
        raise PlanReadOnlyError(
            f"'{path}' is read-only; Territory Planner does not replace a read-only plan. Make the file writable "
            "(in its properties, or chmod u+w) and save again, or save to another file."
        )


def _old_file_state(
    path: Path, where: PlanTarget, base: PlanOrigin | None, *, cache: bool = True
) -> tuple[StoredRevision | None, list[Row]]:
    """The revision stored in the file about to be replaced, and its display cache (a cache: problems drop it)."""
    if not path.is_file():
        return None, []
    if not _is_sqlite_file(path):
        if base is not None:
            raise PlanFileError(
                f"Cannot save {where}: since you opened it, it was replaced by a file that is not a plan. "
                "Save your plan as another file."
            )
        return None, []
    try:
        with _read_connection(path, where, allow_older=True) as connection:
            row = (
                connection.execute(text(f"SELECT * FROM {t.plan.name} WHERE plan_key = :key"), {"key": where.plan_key})
                .mappings()
                .first()
            )
            stored = None if row is None else _stored_revision(row)
            entries: list[Row] = []
            if cache and row is not None and stored is not None:
                result = connection.execute(select(t.display_cache).where(t.display_cache.c.plan_key == where.plan_key))
                entries = [dict(r) for r in result.mappings()]
            return stored, entries
    except (PlanError, SQLAlchemyError) as exc:
        if base is not None:
            raise PlanFileError(
                f"Cannot save {where}: since you opened it, it was changed into something that cannot be read "
                f"({exc}). Save your plan as another file."
            ) from exc
        log.info("Replacing %s without reading it: %s", path, exc)
        return None, []


def _stored_revision(row: RowMapping) -> StoredRevision:
    return StoredRevision(int(row.get("revision") or 0), str(row.get("saved_by") or "someone"), str(row["saved_at"]))


def _settle_old_file(path: Path, where: PlanTarget) -> None:
    """Fold the old file's WAL or hot journal back into it so no companion file outlives the replace.

    SQLite applies a ``-wal`` or hot ``-journal`` it finds beside a database to that database, so companions of the
    old file left beside the new one would corrupt it. Opening the old file read-write recovers a hot journal, and
    switching it to the DELETE journal checkpoints and removes its WAL.
    """
    if not any(companion.exists() for companion in files.companions(path, _COMPANIONS)):
        return
    in_use = f"Cannot replace {where}: it is open in another program. Close it there and save again."
    is_database = _is_sqlite_file(path)
    engine = sqlite_engine(path, "rw", journal_mode="DELETE")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").all()
    except SQLAlchemyError as exc:
        if is_database:
            raise PlanFileError(in_use) from exc
        # Not a database at all: whatever lies beside it cannot belong to it.
        log.warning("Removing SQLite companion files of %s, which is not a database", path)
    finally:
        engine.dispose()
    # A WAL or journal that survived a clean open and close belongs to a connection that is still working on it.
    if is_database and any(c.exists() for c in files.companions(path, ("-wal", "-journal"))):
        raise PlanFileError(in_use)
    for companion in files.companions(path, _COMPANIONS):
        companion.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- opening and reading -----------------------------------------------------------------------------------------


@contextmanager
def _open_plan(where: PlanTarget, *, write: bool) -> Iterator[Connection]:
    """A connection, inside one transaction, to an existing plan store at the current schema.

    Reading a plan file never changes it (see :func:`_read_connection`). Writing migrates an older schema in
    place first (in its own transaction), as does any use of a database; a newer schema, a missing file or
    something that is not a plan raises :class:`PlanFileError`.
    """
    if where.path is not None and not write:
        with _read_connection(where.path, where) as connection:
            yield connection
        return
    if where.path is not None:
        _check_plan_file(where.path)
        engine = sqlite_engine(where.path, "rw")
    else:
        engine = database_engine(where, snapshot=not write)
    try:
        with database_errors(where, "open"):
            with engine.connect() as connection:
                state = schema_state(connection, where)
            _refuse_missing(state, where)
            if state is SchemaState.OLDER:
                _upgrade_in_place(where)
        with (
            database_errors(where, "write to" if write else "read"),
            engine.connect() as connection,
            connection.begin(),
        ):
            yield connection
    finally:
        engine.dispose()


@contextmanager
def _read_connection(path: Path, where: PlanTarget, *, allow_older: bool = False) -> Iterator[Connection]:
    """A read transaction on a plan file that leaves the file as it was (journal mode, schema and all).

    The file is opened read-only. A plan in WAL mode on read-only media (or in a read-only folder) cannot keep
    its shared-memory file there, so it is then opened as immutable; a hot journal left by a crashed writer is
    rolled back by SQLite through a read-write connection, which is the only change reading may make. An older
    schema is migrated in a copy in memory (unless ``allow_older``), never in the file.
    """
    _check_plan_file(path)
    files.clean_leftovers(path)
    engine = _file_reader(path, where)
    try:
        with database_errors(where, "open"):
            with engine.connect() as connection:
                state = schema_state(connection, where)
            _refuse_missing(state, where)
            if state is SchemaState.OLDER and not allow_older:
                engine.dispose()
                engine = memory_copy_engine(path)
                with engine.begin() as connection:
                    upgrade(connection)
        with database_errors(where, "read"), engine.connect() as connection, connection.begin():
            yield connection
    finally:
        engine.dispose()


def _file_reader(path: Path, where: PlanTarget) -> Engine:
    """The first way of opening ``path`` for reading that works (see :func:`_read_connection`)."""
    ways: list[Callable[[], Engine]] = [lambda: sqlite_engine(path, "ro")]
    if any(journal.exists() for journal in files.companions(path, ("-journal",))):
        ways.append(lambda: sqlite_engine(path, "rw", journal_mode=None, synchronous=None))
    ways.append(lambda: sqlite_engine(path, "ro", immutable=True))
    first: SQLAlchemyError | None = None
    for way in ways:
        engine = way()
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").all()
            return engine
        except SQLAlchemyError as exc:
            engine.dispose()
            first = first or exc
        except UnicodeDecodeError as exc:  # the schema text itself is damaged
            engine.dispose()
            raise PlanDamagedError(damaged_text(where, "some of its text is not readable")) from exc
    assert first is not None
    raise database_error(where, "open", first) from first


def _refuse_missing(state: SchemaState, where: PlanTarget) -> None:
    if state is not SchemaState.MISSING:
        return
    if where.is_file:
        raise PlanFileError(
            f"{_capital(where)} is not a Territory Planner plan: it is an empty database. "
            "Choose a .tplan file saved by Territory Planner."
        )
    raise PlanFileError(f"There is no plan '{where.plan_key}' in {_database_text(where)}: it holds no plans yet.")


def _upgrade_in_place(where: PlanTarget) -> None:
    """Migrate an older plan to the current schema, in one transaction (all or nothing, files included)."""
    if where.path is not None:
        engine = sqlite_engine(where.path, "rw")
    else:
        engine = database_engine(where)
    try:
        with engine.begin() as connection:
            if schema_state(connection, where) is SchemaState.OLDER:
                log.info("Migrating %s to the current plan schema", where)
                upgrade(connection)
    finally:
        engine.dispose()


def _check_plan_file(path: Path) -> None:
    """Check the file exists and looks like a plan, with a clear message when it does not."""
    if not path.exists():
        raise PlanFileError(
            f"Plan file '{path}' does not exist. Check the folder and the file name, or choose another plan."
        )
    if path.is_dir():
        raise PlanFileError(f"'{path}' is a folder, not a plan file. Choose a .tplan file.")
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise PlanFileError(f"Cannot read plan file '{path}': {exc.strerror or exc}. Check you may read it.") from exc
    if not header:
        raise PlanFileError(
            f"Plan file '{path}' is empty, so it is not a Territory Planner plan. It may be the remains of a failed "
            "copy; open a backup copy of the plan."
        )
    if not header.startswith(_SQLITE_MAGIC):
        raise PlanFileError(
            f"'{path}' is not a Territory Planner plan (it is not a plan database file). "
            "Choose a .tplan file saved by Territory Planner."
        )


def _is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def _require_plan_row(connection: Connection, where: PlanTarget) -> RowMapping:
    row = connection.execute(select(t.plan).where(t.plan.c.plan_key == where.plan_key)).mappings().first()
    if row is not None:
        return row
    if where.is_file:
        raise PlanFileError(f"{_capital(where)} holds no plan. Open a backup copy of the plan.")
    known = connection.execute(select(t.plan.c.plan_key).order_by(t.plan.c.plan_key)).scalars().all()
    names = ", ".join(f"'{k}'" for k in known) if known else "none yet"
    raise PlanFileError(
        f"There is no plan '{where.plan_key}' in {_database_text(where)}. Plans there: {names}. "
        "Choose one with ?plan=NAME at the end of the URL."
    )


def _read_plan(connection: Connection, where: PlanTarget) -> Plan:
    row = _require_plan_row(connection, where)
    try:
        layer, wkb = _read_layer(connection, where.plan_key, row, where)
        scenarios = _read_scenarios(connection, where.plan_key)
        plan = Plan(name=row["name"], layer=layer, scenarios=scenarios)
        plan.governance = read_governance(connection, where.plan_key, plan)
    except (PlanFileError, SQLAlchemyError):
        raise
    except Exception as exc:  # any shape of broken content (rows of odd types, bad indexes): the file is damaged
        log.info("Plan %s is damaged", where, exc_info=True)
        raise PlanDamagedError(damaged_text(where, _short(exc))) from exc
    rows = None
    if not where.is_file:
        # What the database holds now, so the next save writes only what changed (see origin.py).
        try:
            rows = fingerprints(_plan_rows(plan, where.plan_key, stored_wkb=wkb).tables)
        except PlanError as exc:
            log.info("Saves of %s will rewrite the whole plan: %s", where, exc)
    plan.origin = PlanOrigin(place_of(where), _stored_revision(row), rows)
    return plan


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _read_layer(
    connection: Connection, key: str, row: RowMapping, where: PlanTarget
) -> tuple[Layer, list[bytes | None] | None]:
    count = int(row["unit_count"])
    specs = [
        ColumnSpec(r.name, r.kind, r.dtype, r.categories)
        for r in connection.execute(
            select(t.unit_column.c.name, t.unit_column.c.kind, t.unit_column.c.dtype, t.unit_column.c.categories)
            .where(t.unit_column.c.plan_key == key)
            .order_by(t.unit_column.c.position)
        )
    ]
    units_rows = connection.execute(
        select(t.unit.c.unit_id, t.unit.c.name, t.unit.c.attributes)
        .where(t.unit.c.plan_key == key)
        .order_by(t.unit.c.position)
    ).all()
    _check_count("units", len(units_rows), count)
    ids, names, attributes = (list(c) for c in zip(*units_rows, strict=True)) if units_rows else ([], [], [])
    index_dtype = row["unit_index_dtype"]
    index = pd.Index(ids, dtype=object if index_dtype == "object" else index_dtype, name=row["unit_index_name"])
    if [str(v) for v in index] != [str(i) for i in ids]:  # e.g. a damaged dtype turning "06037" into (6037+0j)
        raise ValueError(f"the unit index type {index_dtype!r} does not hold the stored unit ids")
    others = [s for s in specs if s.name != "name"]
    if others and count:
        values = json.loads("[" + ",".join(attributes) + "]")
        columns = list(zip(*values, strict=True))
        if len(columns) != len(others):
            raise ValueError(f"units hold {len(columns)} attribute values but {len(others)} columns are described")
    else:
        columns = [() for _ in others]
    by_name = dict(zip((s.name for s in others), columns, strict=True))
    data = {s.name: decode_column(names if s.name == "name" else by_name[s.name], s, index) for s in specs}
    units = pd.DataFrame(data, index=index) if data else pd.DataFrame(index=index)

    geometry = None
    wkb: list[bytes | None] | None = None
    if row["has_geometry"]:
        stored = (
            connection.execute(
                select(t.unit_geometry.c.wkb)
                .where(t.unit_geometry.c.plan_key == key)
                .order_by(t.unit_geometry.c.position)
            )
            .scalars()
            .all()
        )
        _check_count("unit geometries", len(stored), count)
        blobs = [b if b is None or isinstance(b, bytes) else bytes(b) for b in stored]
        crs = row["crs"]
        geometry = Deferred(lambda: _geo_series(blobs, index, crs, where))
        wkb = blobs  # decoded on first use; `check` never needs it

    adjacency = None
    if row["adjacency_dtype"] is not None:
        pairs = connection.execute(
            select(t.adjacency.c.unit_a, t.adjacency.c.unit_b)
            .where(t.adjacency.c.plan_key == key)
            .order_by(t.adjacency.c.position)
        ).all()
        flat = np.fromiter(itertools.chain.from_iterable(pairs), dtype=np.int64, count=2 * len(pairs))
        if len(flat) and (flat.min() < 0 or flat.max() >= count):
            raise ValueError(f"its adjacency names unit positions outside 0 to {count - 1}")
        dtype = np.dtype(row["adjacency_dtype"])
        if not np.issubdtype(dtype, np.integer):
            raise ValueError(f"its adjacency has the type '{dtype}', not whole numbers")
        adjacency = flat.reshape(len(pairs), 2).astype(dtype, copy=False)

    layer = Layer(
        name=row["layer_name"],
        units=units,
        crs=row["crs"],
        unit_noun=row["unit_noun"],
        geometry=geometry,
        adjacency=adjacency,
        potential_column=row["potential_column"],
    )
    return layer, wkb


def _geo_series(wkb: Sequence[bytes | None], index: pd.Index, crs: str | None, where: PlanTarget) -> Any:
    import geopandas  # only loading a plan with geometry needs it

    blobs = np.empty(len(wkb), dtype=object)
    blobs[:] = wkb
    try:
        return geopandas.GeoSeries(shapely.from_wkb(blobs), index=index, crs=crs)
    except (shapely.errors.ShapelyError, ValueError, TypeError) as exc:
        # Decoded on first use (drawing, exporting): the message still has to name the plan and the way out.
        raise PlanDamagedError(damaged_text(where, f"the unit shapes cannot be read: {_short(exc)}")) from exc


def read_changes(connection: Connection, key: str, since: int = 0) -> list[Change]:
    """The stored change log of a plan after sequence ``since``, in order."""
    c = t.change.c
    found = connection.execute(
        select(t.change).where(c.plan_key == key, c.sequence > since).order_by(c.sequence)
    ).mappings()
    return [
        Change(int(r["sequence"]), r["scenario"], r["author"], r["changed_at"], r["description"], r["command"],
               r["inverse"], r["client"], int(r["revision"]))
        for r in found
    ]  # fmt: skip


def read_governance(connection: Connection, key: str, plan: Plan) -> Governance:
    """Roles, statuses and sign-offs, comments, the handshake and the change log of a plan."""

    def rows(table: Table, *order: Any) -> Sequence[Any]:
        return connection.execute(select(table).where(table.c.plan_key == key).order_by(*order)).all()

    g = Governance()
    g.people = {r.name: r.role for r in rows(t.person, t.person.c.position)}
    signed: dict[str, list[SignOff]] = {}
    for r in rows(t.sign_off, t.sign_off.c.scenario, t.sign_off.c.position):
        signed.setdefault(r.scenario, []).append(SignOff(r.name, r.role, r.signed_at, r.reason))
    for r in rows(t.scenario_status, t.scenario_status.c.scenario):
        if r.scenario in plan.scenarios:
            g.approvals[r.scenario] = Approval(
                r.status, r.proposed_by, r.proposed_at, tuple(signed.get(r.scenario, ()))
            )
    g.comments = {
        r.id: Comment(r.id, r.subject_type, r.subject, r.scenario, r.author, r.written_at, r.text, bool(r.resolved))
        for r in rows(t.comment, t.comment.c.position)
    }
    g.handshake = Handshake(
        {r.section: r.text for r in rows(t.handshake, t.handshake.c.section)},
        {r.name: Kpi(r.name, r.target, r.owner) for r in rows(t.kpi, t.kpi.c.position)},
    )
    g.log = read_changes(connection, key)
    return g


def _read_scenarios(connection: Connection, key: str) -> dict[str, Scenario]:
    def rows(table: Table, *order: Any) -> Sequence[Any]:
        return connection.execute(select(table).where(table.c.plan_key == key).order_by(*order)).all()

    heads = rows(t.scenario, t.scenario.c.position)
    regions: dict[str, dict[str, Region]] = {s.name: {} for s in heads}
    territories: dict[str, dict[str, Territory]] = {s.name: {} for s in heads}
    assignment: dict[str, dict[str, str]] = {s.name: {} for s in heads}
    sellers: dict[str, dict[str, Seller]] = {s.name: {} for s in heads}
    allocations: dict[str, dict[tuple[str, str], Allocation]] = {s.name: {} for s in heads}
    values: dict[str, dict[str, float]] = {s.name: {} for s in heads}
    overrides: dict[str, dict[str, dict[str, dict[str, float]]]] = {
        s.name: {"region": {}, "territory": {}} for s in heads
    }

    for r in rows(t.region, t.region.c.scenario, t.region.c.position):
        regions[r.scenario][r.name] = Region(r.name)
    for r in rows(t.territory, t.territory.c.scenario, t.territory.c.position):
        territories[r.scenario][r.name] = Territory(r.name, r.region, r.color, bool(r.locked))
    a = t.assignment
    for name in assignment:
        # Rows come in primary-key order, so the database needs no sort; dict() of (unit, territory) pairs is the
        # fastest way from rows to the mapping.
        assignment[name] = dict(
            connection.execute(
                select(a.c.unit_id, a.c.territory)
                .where(a.c.plan_key == key, a.c.scenario == name)
                .order_by(a.c.plan_key, a.c.scenario, a.c.unit_id)
            ).all()
        )
    for r in rows(t.seller, t.seller.c.scenario, t.seller.c.position):
        sellers[r.scenario][r.name] = Seller(
            name=r.name,
            territory=r.territory,
            status=r.status,
            start_month=_month(r.start_month),
            ramp_months=int(r.ramp_months),
            annual_quota=float(r.annual_quota),
            annual_cost=float(r.annual_cost),
            home=r.home,
        )
    for r in rows(t.allocation, t.allocation.c.scenario, t.allocation.c.position):
        allocations[r.scenario][(r.level, r.name)] = Allocation(
            r.level, r.name, float(r.budget), float(r.hours), _month(r.start_month), bool(r.locked)
        )
    ranges: dict[str, dict[str, dict[str, float]]] = {s.name: {} for s in heads}
    market: dict[str, str | None] = {s.name: None for s in heads}
    for r in rows(t.assumption, t.assumption.c.scenario, t.assumption.c.position):
        if r.level == "plan" and r.key == "market_attribute":
            market[r.scenario] = r.subject
        elif r.level == "plan" and (end := split_range_key(r.key)) is not None:
            ranges[r.scenario].setdefault(end[0], {})[end[1]] = float(r.value)
        elif r.level == "plan":
            values[r.scenario][r.key] = float(r.value)
        else:
            entry = overrides[r.scenario][r.level].setdefault(r.subject, {})
            if r.key is not None:
                entry[r.key] = float(r.value)

    return {
        s.name: Scenario(
            name=s.name,
            regions=regions[s.name],
            territories=territories[s.name],
            assignment=assignment[s.name],
            sellers=sellers[s.name],
            allocations=allocations[s.name],
            assumptions=Assumptions(
                values=values[s.name],
                period_start=Month.parse(s.period_start),
                currency=s.currency,
                region_overrides=overrides[s.name]["region"],
                territory_overrides=overrides[s.name]["territory"],
                ranges=ranges[s.name],
                market_attribute=market[s.name],
            ),
        )
        for s in heads
    }


# --- small helpers -----------------------------------------------------------------------------------------------


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _check_count(what: str, found: int, expected: int) -> None:
    if found != expected:
        raise ValueError(f"it holds {found} {what} where {expected} were saved")


def _month(text: str | None) -> Month | None:
    return None if text is None else Month.parse(text)


def _month_text(month: Month | None) -> str | None:
    return None if month is None else str(month)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _capital(where: PlanTarget) -> str:
    text = str(where)
    return text[:1].upper() + text[1:]


def _database_text(where: PlanTarget) -> str:
    return f"database {where.sqlalchemy_url().render_as_string(hide_password=True)}"


__all__ = ["load_display_cache", "load_plan", "save_display_cache", "save_plan"]
