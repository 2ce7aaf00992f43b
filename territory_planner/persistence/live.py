"""A shared plan on PostgreSQL: commit changes, catch up by sequence, listen for others' commits, and presence.

The change log (``tp_change``) is the truth every client follows: a commit appends its commands with the next
sequence numbers and writes the changed rows, in one transaction guarded by the plan revision, and ``NOTIFY``s the
other clients (payload: plan key, sequence, revision and the committing client). A client catches up by reading the
log after the last sequence it has, and applies those commands as remote edits.

Before a commit (and whenever remote changes arrive while the client has unsaved ones) the client rebases: its
unsaved commands are undone, the remote ones applied, and its own applied again. Rows both sides changed (the same
column of the same territory, seller, assignment, assumption...) are conflicts: the later save is refused with
:class:`FieldConflictError`, which names each field with both values. Anything else merges, so two people editing
different territories never conflict.
"""

from __future__ import annotations

import json
import logging
import select as select_module
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from territory_planner.domain import Plan, PlanError
from territory_planner.domain.changelog import ChangeNotReplayable, check_editable, from_json, is_replayable, to_json
from territory_planner.domain.commands import SetUnitAttributes, undo_label
from territory_planner.domain.governance import Change

from . import tables as t
from .engines import database_engine, database_errors
from .errors import FieldConflict, FieldConflictError, PlanFileError
from .origin import PlanOrigin, StoredRevision, check_revision, fingerprints, origin_for, place_of
from .schema import SchemaState, schema_state, upgrade
from .store import (
    CHANGES_CHANNEL,
    _change_rows,
    _governance_rows,
    _numbered,
    _plan_rows,
    _PlanRows,
    _scenario_rows,
    _write_changes,
    last_sequence,
    notify_changes,
    read_changes,
)
from .target import PlanTarget, plan_target

log = logging.getLogger(__name__)

#: Tables a commit compares (the layer's tables too when a change touched unit attributes).
_SHARED_TABLES = (*t.GOVERNANCE_TABLES, t.assumption, t.allocation, t.seller, t.assignment, t.territory, t.region,
                  t.scenario)  # fmt: skip
_IGNORED_COLUMNS = {"plan_key", "position"}


@dataclass
class Absorbed:
    """What catching up did: the remote changes applied, and own unsaved changes that no longer apply."""

    remote: list[Change] = field(default_factory=list)
    dropped: list[tuple[Change, str]] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)


@dataclass(frozen=True)
class Presence:
    client: str
    author: str
    started_at: str
    seen_at: str


class SharedStore:
    """The database side of one shared plan (a PostgreSQL plan key). Thread-safe: every call opens its own
    connection from a pool-less engine."""

    def __init__(self, target: PlanTarget | str) -> None:
        self.where = plan_target(target)
        if self.where.is_file:
            raise PlanFileError(
                f"Live sharing needs a plan server: {self.where} is a file. Save the plan to a PostgreSQL database "
                "(postgresql+psycopg://user:password@host/dbname?plan=NAME) and open it from there."
            )
        self.key = self.where.plan_key
        self.engine: Engine = database_engine(self.where)
        #: Fields changed here and by someone else since; a commit is refused until each is resolved.
        self.conflicts: list[FieldConflict] = []

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _transaction(self, doing: str) -> Iterator[Connection]:
        with database_errors(self.where, doing), self.engine.begin() as connection:
            yield connection

    # --- reading -----------------------------------------------------------------------------------------
    def fetch(self, since: int) -> list[Change]:
        """The committed changes after sequence ``since``, in order."""
        with self._transaction("read") as connection:
            return read_changes(connection, self.key, since)

    def stored_revision(self) -> StoredRevision | None:
        with self._transaction("read") as connection:
            found = connection.execute(
                select(t.plan.c.revision, t.plan.c.saved_by, t.plan.c.saved_at).where(t.plan.c.plan_key == self.key)
            ).first()
        return None if found is None else StoredRevision(int(found[0]), str(found[1]), str(found[2]))

    # --- catching up ---------------------------------------------------------------------------------------
    def absorb(self, plan: Plan, remote: Sequence[Change]) -> Absorbed:
        """Apply committed remote changes to ``plan`` (which may hold unsaved changes of its own, rebased on top).

        Unsaved changes that touch the same field as a remote one are reported as conflicts (they stay applied,
        so the person still sees their value until they choose); unsaved changes that no longer apply at all
        (their territory was deleted, their scenario approved) are dropped and reported.
        """
        out = Absorbed()
        fresh = [c for c in remote if c.sequence is not None and c.sequence > plan.governance.last_sequence()]
        if not fresh:
            return out
        pending = plan.governance.pending()
        for entry in (*fresh, *pending):
            if not (is_replayable(entry.command) and is_replayable(entry.inverse)):
                # Checked before anything changes: the caller reloads the plan instead.
                raise ChangeNotReplayable(
                    f"The change “{entry.description}” by {entry.author} cannot be replayed: the plan must be "
                    "loaded again."
                )
        layer = any(_touches_layer(c) for c in (*fresh, *pending))
        if pending:
            before = self._keyed(plan, layer)
            for entry in reversed(pending):
                from_json(entry.inverse).apply(plan)
            seen = self._keyed(plan, layer)
        for entry in fresh:
            try:
                from_json(entry.command).apply(plan)
            except PlanError as exc:  # the log and this copy disagree (a change saved outside the log): reload
                raise ChangeNotReplayable(
                    f"The change “{entry.description}” by {entry.author} does not apply to this copy of the plan "
                    f"({exc}); the plan must be loaded again."
                ) from exc
        saved = [c for c in plan.governance.log if c.sequence is not None]
        plan.governance.log = [*saved, *fresh]
        rows = self._rows(plan, layer)
        self._set_origin(plan, rows, fresh[-1])
        kept: list[Change] = []
        for entry in pending:
            command = from_json(entry.command)
            try:
                check_editable(plan, command)
                inverse = command.apply(plan)
            except PlanError as exc:
                out.dropped.append((entry, str(exc)))
                continue
            kept.append(replace(entry, inverse=to_json(inverse), description=undo_label(command, inverse)))
        plan.governance.log.extend(kept)
        if pending:
            theirs = _keyed(rows)
            out.conflicts = _conflicts(plan, seen, before, theirs, fresh)
            self.conflicts.extend(out.conflicts)
        out.remote = fresh
        return out

    def keep_mine(self) -> None:
        """Resolve every conflict by keeping this side's values (the next commit writes them over theirs)."""
        self.conflicts.clear()

    def take_theirs(self, plan: Plan) -> list[Change]:
        """Resolve every conflict by taking the other side's values: the unsaved changes that touch a conflicting
        field are taken out (the others stay). Returns the changes taken out."""
        keys = {c.key for c in self.conflicts}
        pending = plan.governance.pending()
        layer = any(_touches_layer(c) for c in pending)
        for entry in reversed(pending):
            from_json(entry.inverse).apply(plan)
        plan.governance.log = [c for c in plan.governance.log if c.sequence is not None]
        dropped: list[Change] = []
        for entry in pending:
            before = self._keyed(plan, layer)
            command = from_json(entry.command)
            inverse = command.apply(plan)
            after = self._keyed(plan, layer)
            touched = {k for k in set(before) | set(after) if _changed(before.get(k), after.get(k))}
            if touched & keys:
                inverse.apply(plan)
                dropped.append(entry)
            else:
                plan.governance.log.append(replace(entry, inverse=to_json(inverse)))
        self.conflicts.clear()
        return dropped

    def _rows(self, plan: Plan, layer: bool) -> list[tuple[Table, list[dict[str, Any]]]]:
        if layer:
            return _plan_rows(plan, self.key).tables
        return [*_scenario_rows(plan, self.key), *_governance_rows(plan, self.key)]

    def _keyed(self, plan: Plan, layer: bool) -> dict[tuple[Any, ...], dict[str, Any]]:
        return _keyed(self._rows(plan, layer))

    def _set_origin(self, plan: Plan, rows: list[tuple[Table, list[dict[str, Any]]]], last: Change) -> None:
        old = plan.origin if isinstance(plan.origin, PlanOrigin) else None
        prints = dict(old.rows) if old is not None and old.rows is not None else {}
        prints.update(fingerprints(rows))
        stored = StoredRevision(int(last.revision or 0), last.author, last.at)
        plan.origin = PlanOrigin(place_of(self.where), stored, prints)

    # --- committing ----------------------------------------------------------------------------------------
    def commit(self, plan: Plan, author: str) -> tuple[list[Change], Absorbed]:
        """Commit the plan's unsaved changes: catch up first (inside the transaction, under the plan's row lock),
        refuse on a conflict, then write the changed rows and the log entries and notify the other clients.

        Returns the entries committed (numbered) and what catching up did. On any error nothing is written and
        the plan keeps its unsaved changes (rebased on what others committed).
        """
        absorbed = Absorbed()
        with self._transaction("save") as connection:
            if schema_state(connection, self.where) is not SchemaState.CURRENT:
                upgrade(connection)
            found = connection.execute(
                select(t.plan.c.revision, t.plan.c.saved_by, t.plan.c.saved_at)
                .where(t.plan.c.plan_key == self.key)
                .with_for_update()
            ).first()
            if found is None:
                raise PlanFileError(f"There is no plan '{self.key}' on {self.where} any more: save it there again.")
            stored = StoredRevision(int(found[0]), str(found[1]), str(found[2]))
            remote = read_changes(connection, self.key, plan.governance.last_sequence())
            if remote:
                absorbed = self.absorb(plan, remote)
            base = origin_for(plan.origin, self.where)
            check_revision(base, stored, str(self.where))  # a save that wrote no log entries: reload
            if self.conflicts:
                raise _conflict_error(self.conflicts, stored, base)
            pending = plan.governance.pending()
            if not pending:
                return [], absorbed
            layer = any(_touches_layer(c) for c in pending)
            revision = stored.revision + 1
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            rows = _PlanRows({}, self._rows(plan, layer))
            assert base is not None and base.rows is not None
            tables = t.PLAN_TABLES if layer else _SHARED_TABLES
            _write_changes(connection, base.rows, rows, [x for x in t.PLAN_TABLES if x in tables])
            values: dict[str, Any] = {"revision": revision, "saved_by": author, "saved_at": now}
            if layer:
                full = _plan_rows(plan, self.key)
                values = {**full.plan, **values}
            connection.execute(update(t.plan).where(t.plan.c.plan_key == self.key).values(values))
            start = last_sequence(connection, self.key)
            numbered = _numbered(pending, start, revision)
            connection.execute(t.change.insert(), _change_rows(self.key, numbered))
            notify_changes(connection, self.key, numbered[-1].sequence or start, revision, numbered[-1].client)
        saved = [c for c in plan.governance.log if c.sequence is not None]
        plan.governance.log = [*saved, *numbered]
        prints = dict(base.rows)
        prints.update(fingerprints(rows.tables))
        plan.origin = PlanOrigin(place_of(self.where), StoredRevision(revision, author, now), prints)
        return numbered, absorbed

    # --- presence ------------------------------------------------------------------------------------------
    def heartbeat(self, client: str, author: str, started_at: str) -> None:
        now = _now()
        statement = pg_insert(t.presence).values(
            plan_key=self.key, client=client, author=author, started_at=started_at, seen_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=["plan_key", "client"], set_={"seen_at": now, "author": author}
        )
        with self._transaction("write to") as connection:
            connection.execute(statement)

    def leave(self, client: str) -> None:
        with self._transaction("write to") as connection:
            connection.execute(
                delete(t.presence).where(t.presence.c.plan_key == self.key, t.presence.c.client == client)
            )

    def present(self, max_age_seconds: float) -> list[Presence]:
        """Who has the plan open: sessions whose heartbeat is younger than ``max_age_seconds``."""
        oldest = (datetime.now(timezone.utc) - timedelta(seconds=max_age_seconds)).isoformat(timespec="milliseconds")
        p = t.presence.c
        with self._transaction("read") as connection:
            found = connection.execute(
                select(p.client, p.author, p.started_at, p.seen_at)
                .where(p.plan_key == self.key, p.seen_at >= oldest)
                .order_by(p.started_at)
            ).all()
        return [Presence(*r) for r in found]

    # --- listening -----------------------------------------------------------------------------------------
    def listen(self) -> Listener:
        return Listener(self.where)


class Listener:
    """A connection of its own that ``LISTEN``s for committed changes of any plan in the database."""

    def __init__(self, where: PlanTarget) -> None:
        import psycopg

        url = where.sqlalchemy_url().set(drivername="postgresql")
        try:
            self._connection = psycopg.connect(
                url.render_as_string(hide_password=False), autocommit=True, connect_timeout=10,
                application_name="territory-planner listener",
            )  # fmt: skip
            self._connection.execute(f"LISTEN {CHANGES_CHANNEL}")
        except psycopg.Error as exc:
            raise PlanFileError(f"Could not listen for changes of {where}: {exc}".strip()) from exc
        self.where = where

    @property
    def backend_pid(self) -> int:
        return int(self._connection.info.backend_pid)

    def wait(self, timeout: float) -> list[dict[str, Any]]:
        """The notifications that arrive within ``timeout`` seconds (an empty list when none did)."""
        import psycopg

        try:
            ready, _, _ = select_module.select([self._connection.fileno()], [], [], timeout)
            if not ready:
                return []
            out = []
            for notify in self._connection.notifies(timeout=0, stop_after=None):
                try:
                    out.append(json.loads(notify.payload))
                except ValueError:
                    log.warning("Ignoring a change notice that is not JSON: %r", notify.payload[:200])
            return out
        except (psycopg.Error, OSError, ValueError) as exc:
            raise PlanFileError(f"Lost the connection listening for changes of {self.where}: {exc}") from exc

    def close(self) -> None:
        try:
            self._connection.close()
        except Exception:  # closing a broken connection must never raise
            log.debug("Closing the listener failed", exc_info=True)


# --- helpers -----------------------------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _touches_layer(change: Change) -> bool:
    return '"$type":"SetUnitAttributes"' in change.command or SetUnitAttributes.__name__ in change.command


def _key_columns(table: Table) -> list[str]:
    """The columns that name the same thing on both sides (assumption rows are stored by position)."""
    if table is t.assumption:
        return ["scenario", "level", "subject", "key"]
    if table is t.unit:
        return ["unit_id"]
    if table is t.unit_column:
        return ["name"]
    return [c.name for c in table.primary_key.columns if c.name != "plan_key"]


def _keyed(rows: Sequence[tuple[Table, list[dict[str, Any]]]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for table, table_rows in rows:
        if table is t.unit_geometry or table is t.adjacency:
            continue
        name = table.name
        keys = _key_columns(table)
        for row in table_rows:
            out[(name, *[row[k] for k in keys])] = row
    return out


def _changed(a: dict[str, Any] | None, b: dict[str, Any] | None) -> set[str]:
    if a is None and b is None:
        return set()
    if a is None or b is None:
        return {"*"}
    return {k for k in a if k not in _IGNORED_COLUMNS and a.get(k) != b.get(k)}


def _conflicts(
    plan: Plan,
    seen: dict[tuple[Any, ...], dict[str, Any]],
    before: dict[tuple[Any, ...], dict[str, Any]],
    theirs: dict[tuple[Any, ...], dict[str, Any]],
    fresh: Sequence[Change],
) -> list[FieldConflict]:
    """Fields both sides changed from what was seen, to different values."""
    out = []
    author = fresh[-1].author if len({c.author for c in fresh}) == 1 else "someone else"
    for key in set(seen) | set(before) | set(theirs):
        old, my, their = seen.get(key), before.get(key), theirs.get(key)
        mine_changed, theirs_changed = _changed(old, my), _changed(old, their)
        if not mine_changed or not theirs_changed:
            continue
        both = mine_changed & theirs_changed
        if "*" in mine_changed or "*" in theirs_changed:
            both = {"*"}
        for column in sorted(both):
            if column == "*":
                if not _changed(my, their):
                    continue
                out.append(FieldConflict(_what(plan, key, None), _row_text(my), _row_text(their), author, key))
            elif my is not None and their is not None and my.get(column) != their.get(column):
                out.append(FieldConflict(_what(plan, key, column), my.get(column), their.get(column), author, key))
    return sorted(out, key=lambda c: c.what)


def _what(plan: Plan, key: tuple[Any, ...], column: str | None) -> str:
    """A field in words: 'the colour of territory Texas in scenario baseline'."""
    table, *rest = key
    field_words = column.replace("_", " ") if column else None
    if table == t.assignment.name:
        scenario, unit = rest
        return f"the territory of {plan.layer.unit_noun} {unit} in scenario {scenario}"
    if table == t.assumption.name:
        scenario, level, name, k = rest
        where = "the plan" if level == "plan" else f"{level} {name}"
        return f"assumption {k} of {where} in scenario {scenario}"
    nouns = {t.territory.name: "territory", t.seller.name: "seller", t.region.name: "region"}
    if table in nouns:
        scenario, name = rest
        subject = f"{nouns[table]} {name}"
    elif table == t.allocation.name:
        scenario, level, name = rest
        subject = f"the allocation of {level} {name}"
    else:
        scenario = None
        subject = table.removeprefix("tp_").replace("_", " ") + " " + ", ".join(str(x) for x in rest)
    what = f"the {field_words} of {subject}" if field_words else subject
    return what + (f" in scenario {scenario}" if scenario is not None else "")


def _row_text(row: dict[str, Any] | None) -> str | None:
    if row is None:
        return None
    skip = {"scenario", "name", "unit_id", *_IGNORED_COLUMNS}
    return ", ".join(f"{k} {v}" for k, v in row.items() if k not in skip)


def _conflict_error(
    conflicts: list[FieldConflict], stored: StoredRevision, base: PlanOrigin | None
) -> FieldConflictError:
    shown = "; ".join(str(c) for c in conflicts[:5])
    if len(conflicts) > 5:
        shown += f"; and {len(conflicts) - 5} more"
    fields_word = "field" if len(conflicts) == 1 else "fields"
    return FieldConflictError(
        f"{conflicts[0].author} changed the same {fields_word} as you since you last saw the plan: {shown}. Your "
        "changes were not saved. Choose which value to keep (yours or theirs), then save again.",
        conflicts=conflicts,
        saved_by=stored.saved_by,
        saved_at=stored.saved_at,
        revision=stored.revision,
        loaded_revision=base.revision if base is not None else 0,
    )


__all__ = [
    "Absorbed",
    "Listener",
    "Presence",
    "SharedStore",
]
