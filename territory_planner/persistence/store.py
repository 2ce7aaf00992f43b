"""Saving and loading whole plans, atomically, to a ``.tplan`` file or a PostgreSQL database.

A save first turns the whole plan into rows (checking everything before anything is written), then writes them:

- to a file: into a brand-new SQLite file beside the target, which replaces the target with ``os.replace`` once it
  is complete and on disk. A crash or kill at any moment leaves either the old file or the new one, never a mix;
- to a database: in one transaction that replaces the plan's rows, so other readers see the old plan or the new one.

Bulk rows (units, geometry, adjacency, assignments) go through Core ``insert`` executemany in chunks; loading reads
plain tuples. No ORM objects are involved.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pandas.api.types import infer_dtype
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import SQLAlchemyError

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
from territory_planner.domain.model import Deferred

from . import tables as t
from .columns import TEXT, ColumnSpec, decode_column, describe_columns, encode_column
from .engines import SqliteMode, database_engine, database_errors, sqlite_engine
from .errors import PlanFileError
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
_TEMP_SUFFIX = ".saving"
_ENCODE_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


# --- public API --------------------------------------------------------------------------------------------------


def save_plan(plan: Plan, target: Where) -> None:
    """Save the whole plan, replacing what the target held before, atomically.

    ``target`` is a ``.tplan`` path, a ``sqlite:///`` URL or a PostgreSQL URL (see :func:`plan_target`). Raises
    :class:`~territory_planner.domain.PlanError` when the plan holds something a plan cannot store (nothing is
    written then) and :class:`PlanFileError` when the file or database cannot be written; in both cases the
    target still holds what it held before.
    """
    where = plan_target(target)
    rows = _plan_rows(plan, where.plan_key)
    if where.path is not None:
        _save_file(rows, where, where.path)
    else:
        _save_database(rows, where)


def load_plan(target: Where) -> Plan:
    """Load a whole plan. A plan saved by an older Territory Planner is migrated to the current schema first."""
    where = plan_target(target)
    with _open_plan(where, write=False) as connection:
        return _read_plan(connection, where)


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


def _plan_rows(plan: Plan, key: str) -> _PlanRows:
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
    wkb = _geometry_wkb(layer, problems)
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
        "saved_by": f"Territory Planner {territory_planner.__version__}",
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
             "annual_quota": float(x.annual_quota), "annual_cost": float(x.annual_cost)}
            for i, x in enumerate(s.sellers.values())
        )  # fmt: skip
        allocations.extend(
            {"plan_key": key, "scenario": name, "level": al.level, "name": al.name, "position": i,
             "budget": float(al.budget), "hours": float(al.hours), "start_month": _month_text(al.start_month)}
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


def _assumption_rows(key: str, scenario: str, a: Assumptions) -> list[Row]:
    entries: list[tuple[str, str, str | None, float | None]] = [("plan", "", k, float(v)) for k, v in a.values.items()]
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


def _save_database(rows: _PlanRows, where: PlanTarget) -> None:
    engine = database_engine(where)
    try:
        with database_errors(where, "save"), engine.begin() as connection:
            if schema_state(connection, where) is not SchemaState.CURRENT:
                upgrade(connection)
            key = where.plan_key
            # Lock the plan's row so concurrent saves of the same plan take turns (the last one wins).
            exists = connection.execute(
                select(t.plan.c.plan_key).where(t.plan.c.plan_key == key).with_for_update()
            ).first()
            if exists is None:
                connection.execute(insert(t.plan), rows.plan)
            else:
                connection.execute(update(t.plan).where(t.plan.c.plan_key == key).values(rows.plan))
                for table in t.PLAN_TABLES:
                    connection.execute(delete(table).where(table.c.plan_key == key))
            _write_rows(connection, rows)
    finally:
        engine.dispose()


def _save_file(rows: _PlanRows, where: PlanTarget, path: Path) -> None:
    path = path.absolute()
    folder = path.parent
    if not folder.is_dir():
        raise PlanFileError(f"Cannot save {where}: the folder '{folder}' does not exist. Choose an existing folder.")
    if path.is_dir():
        raise PlanFileError(f"Cannot save to '{path}': it is a folder. Choose a file name ending in .tplan.")
    cache = _old_display_cache(path, where)
    temp: Path | None = None
    try:
        temp = _new_temp_file(path)
        # A fresh file needs no crash safety of its own (a failed save just deletes it), so SQLite skips fsyncs;
        # the finished file is fsynced once before it replaces the target. DELETE journal: one self-contained file.
        # 16 KiB pages pack ~1.6 KB unit outlines with less slack than the default 4 KiB (about 10% smaller files).
        engine = sqlite_engine(temp, "rw", journal_mode="DELETE", synchronous="OFF", page_size=16_384)
        try:
            with database_errors(where, "save"), engine.begin() as connection:
                upgrade(connection)
                connection.execute(insert(t.plan), rows.plan)
                _write_rows(connection, rows)
                if cache:
                    connection.execute(insert(t.display_cache), cache)
        finally:
            engine.dispose()
        _fsync(temp)
        if path.exists():
            shutil.copymode(path, temp)
            _settle_old_file(path, where)
        os.replace(temp, path)
        temp = None
        for suffix in _COMPANIONS:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        _fsync_folder(folder)
    except OSError as exc:
        raise PlanFileError(
            f"Could not save {where}: {exc.strerror or exc}. Check the disk has space and you may write in "
            f"'{folder}', or save to another folder."
        ) from exc
    finally:
        if temp is not None:
            for leftover in (temp, Path(f"{temp}-journal")):
                try:
                    leftover.unlink(missing_ok=True)
                except OSError:
                    log.warning("Could not remove the unfinished save %s", leftover, exc_info=True)


def _new_temp_file(path: Path) -> Path:
    """A new empty file beside ``path`` (same folder, so ``os.replace`` is an atomic rename)."""
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{_TEMP_SUFFIX}")
        try:
            fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return temp


def _settle_old_file(path: Path, where: PlanTarget) -> None:
    """Fold the old file's WAL or hot journal back into it so no companion file outlives the replace.

    SQLite applies a ``-wal`` or hot ``-journal`` it finds beside a database to that database, so companions of the
    old file left beside the new one would corrupt it. Opening the old file read-write recovers a hot journal, and
    switching it to the DELETE journal checkpoints and removes its WAL.
    """
    if not any(Path(f"{path}{suffix}").exists() for suffix in _COMPANIONS):
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
    if is_database and any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal")):
        raise PlanFileError(in_use)
    for suffix in _COMPANIONS:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _old_display_cache(path: Path, where: PlanTarget) -> list[Row]:
    """The display-cache entries of the file about to be replaced (a cache: any problem just drops it)."""
    if not path.is_file() or not _is_sqlite_file(path):
        return []
    try:
        with _open_plan(where, write=False, upgrade_older=False) as connection:
            result = connection.execute(select(t.display_cache).where(t.display_cache.c.plan_key == where.plan_key))
            return [dict(row) for row in result.mappings()]
    except PlanError as exc:
        log.info("Not keeping the display cache of %s: %s", path, exc)
        return []


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
def _open_plan(where: PlanTarget, *, write: bool, upgrade_older: bool = True) -> Iterator[Connection]:
    """A connection, inside one transaction, to an existing plan store at the current schema.

    An older schema is migrated first (in its own transaction); a newer one, a missing file or something that is
    not a plan raises :class:`PlanFileError`.
    """
    if where.path is not None:
        mode: SqliteMode = "rw" if _needs_recovery(where.path) or write else "ro"
        engine = sqlite_engine(where.path, mode)
    else:
        engine = database_engine(where, snapshot=not write)
    try:
        with database_errors(where, "open"):
            with engine.connect() as connection:
                state = schema_state(connection, where)
            if state is SchemaState.MISSING:
                if where.is_file:
                    raise PlanFileError(
                        f"{_capital(where)} is not a Territory Planner plan: it is an empty database. "
                        "Choose a .tplan file saved by Territory Planner."
                    )
                raise PlanFileError(
                    f"There is no plan '{where.plan_key}' in {_database_text(where)}: it holds no plans yet."
                )
            if state is SchemaState.OLDER:
                if not upgrade_older:
                    raise PlanFileError(f"{_capital(where)} has an older schema.")
                _upgrade_in_place(where)
        with (
            database_errors(where, "write to" if write else "read"),
            engine.connect() as connection,
            connection.begin(),
        ):
            yield connection
    finally:
        engine.dispose()


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


def _needs_recovery(path: Path) -> bool:
    """Check the file looks like a plan; True when it must be opened read-write (WAL mode or a journal beside it)."""
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
    wal_mode = len(header) > 18 and header[18] == 2
    return wal_mode or any(Path(f"{path}{suffix}").exists() for suffix in _COMPANIONS)


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
        layer = _read_layer(connection, where.plan_key, row)
        scenarios = _read_scenarios(connection, where.plan_key)
        return Plan(name=row["name"], layer=layer, scenarios=scenarios)
    except PlanFileError:
        raise
    except (PlanError, ValueError, KeyError, ImportError) as exc:
        raise PlanFileError(
            f"{_capital(where)} is damaged and cannot be opened ({exc}). Open a backup copy of the plan."
        ) from exc


def _read_layer(connection: Connection, key: str, row: RowMapping) -> Layer:
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
    if row["has_geometry"]:
        wkb = (
            connection.execute(
                select(t.unit_geometry.c.wkb)
                .where(t.unit_geometry.c.plan_key == key)
                .order_by(t.unit_geometry.c.position)
            )
            .scalars()
            .all()
        )
        _check_count("unit geometries", len(wkb), count)
        crs = row["crs"]
        geometry = Deferred(lambda: _geo_series(wkb, index, crs))  # decoded on first use; `check` never needs it

    adjacency = None
    if row["adjacency_dtype"] is not None:
        pairs = connection.execute(
            select(t.adjacency.c.unit_a, t.adjacency.c.unit_b)
            .where(t.adjacency.c.plan_key == key)
            .order_by(t.adjacency.c.position)
        ).all()
        flat = np.fromiter(itertools.chain.from_iterable(pairs), dtype=np.int64, count=2 * len(pairs))
        adjacency = flat.reshape(len(pairs), 2).astype(row["adjacency_dtype"], copy=False)

    return Layer(
        name=row["layer_name"],
        units=units,
        crs=row["crs"],
        unit_noun=row["unit_noun"],
        geometry=geometry,
        adjacency=adjacency,
        potential_column=row["potential_column"],
    )


def _geo_series(wkb: Sequence[Any], index: pd.Index, crs: str | None) -> Any:
    import geopandas  # only loading a plan with geometry needs it

    blobs = np.empty(len(wkb), dtype=object)
    blobs[:] = [b if b is None or isinstance(b, bytes) else bytes(b) for b in wkb]
    return geopandas.GeoSeries(shapely.from_wkb(blobs), index=index, crs=crs)


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
        )
    for r in rows(t.allocation, t.allocation.c.scenario, t.allocation.c.position):
        allocations[r.scenario][(r.level, r.name)] = Allocation(
            r.level, r.name, float(r.budget), float(r.hours), _month(r.start_month)
        )
    for r in rows(t.assumption, t.assumption.c.scenario, t.assumption.c.position):
        if r.level == "plan":
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
