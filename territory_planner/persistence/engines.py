"""Database engines for plan targets: the only place that knows SQLite files from PostgreSQL servers.

Everything past the engine (schema checks, migrations, reading and writing rows) is one code path for both.
Engines here are short-lived: an operation opens one, uses it and disposes of it, so no connection to a plan file
stays open after a save or a load returns.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool, StaticPool

from .errors import PlanDamagedError, PlanFileError
from .target import POSTGRES_EXTRA_HINT, PlanTarget

SqliteMode = Literal["ro", "rw", "rwc"]

#: How long a SQLite connection waits for another program's lock before giving up, in seconds.
_SQLITE_BUSY_SECONDS = 5.0


def sqlite_engine(
    path: Path,
    mode: SqliteMode,
    *,
    journal_mode: str | None = "DELETE",
    synchronous: str | None = "FULL",
    page_size: int | None = None,
    immutable: bool = False,
) -> Engine:
    """An engine on one SQLite file.

    ``mode`` is SQLite's open mode: ``ro`` never writes (nor creates) the file, ``rw`` needs it to exist, ``rwc``
    creates it. Transactions are real SQLite transactions (DDL included), started with ``BEGIN`` by SQLAlchemy's
    ``begin`` event rather than by the sqlite3 module's implicit handling, which leaves DDL outside transactions.
    ``journal_mode`` and ``synchronous`` apply to writers (None leaves the file's own); ``page_size`` only takes
    effect on a file that has no tables yet. ``immutable`` reads a file on read-only media without the
    shared-memory file WAL mode needs (SQLite then assumes nobody changes the file while it is open).
    """
    uri = f"{path.resolve().as_uri()}?mode={mode}" + ("&immutable=1" if immutable else "")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=_SQLITE_BUSY_SECONDS
        )

    engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)
    pragmas = ["PRAGMA foreign_keys=ON"]
    if page_size is not None:
        pragmas.append(f"PRAGMA page_size={int(page_size)}")
    if mode != "ro" and journal_mode is not None:
        pragmas.append(f"PRAGMA journal_mode={journal_mode}")
    if mode != "ro" and synchronous is not None:
        pragmas.append(f"PRAGMA synchronous={synchronous}")
    _sqlite_events(engine, pragmas, write=mode != "ro")
    return engine


def memory_copy_engine(path: Path) -> Engine:
    """An engine on a copy in memory of a SQLite file (read without changing it); writes stay in memory."""
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=_SQLITE_BUSY_SECONDS)
    try:
        source.backup(memory)
    except sqlite3.Error:
        memory.close()
        raise
    finally:
        source.close()
    engine = create_engine("sqlite://", creator=lambda: memory, poolclass=StaticPool)
    _sqlite_events(engine, ["PRAGMA foreign_keys=ON"], write=True)
    return engine


def _sqlite_events(engine: Engine, pragmas: list[str], *, write: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front, so it fails fast instead of deadlocking against another writer.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def database_engine(target: PlanTarget, *, snapshot: bool = False) -> Engine:
    """An engine on a plan database server.

    ``snapshot`` gives every transaction one consistent view (REPEATABLE READ), so a load never sees half of a
    save that commits while it reads.
    """
    options: dict[str, Any] = {"poolclass": NullPool}
    url = target.sqlalchemy_url()
    if url.get_backend_name() == "postgresql":
        connect_args: dict[str, Any] = {"application_name": "territory-planner"}
        if "connect_timeout" not in url.query:
            connect_args["connect_timeout"] = 10
        options["connect_args"] = connect_args
        if snapshot:
            options["isolation_level"] = "REPEATABLE READ"
    try:
        return create_engine(url, **options)
    except ImportError as exc:
        raise PlanFileError(
            f"Cannot open {target}: this installation of Territory Planner has no PostgreSQL driver "
            f"({exc.name or 'psycopg'} is missing). Install it with {POSTGRES_EXTRA_HINT}, then try again."
        ) from exc


def database_error(target: PlanTarget, doing: str, exc: SQLAlchemyError) -> PlanFileError:
    """A :class:`PlanFileError` for a driver error: names the target, what was being done, and what to do."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if not target.is_file:
        advice = "Check the server is running, the URL and password are right, and you may write there."
        return PlanFileError(f"Could not {doing} {target}: {detail}. {advice}")
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return PlanFileError(
            f"Could not {doing} {target}: it is open in another program that is writing it. "
            "Close it there (or wait for it to finish) and try again."
        )
    if "full" in lowered or "disk i/o" in lowered or (doing in ("save", "write to") and "readonly" in lowered):
        return PlanFileError(
            f"Could not {doing} {target}: {detail}. Check the disk has space and you may write there, then try "
            "again, or save to another folder."
        )
    if doing in ("open", "read") and "unable to open" in lowered:
        return PlanFileError(f"Could not {doing} {target}: {detail}. Check you may read the file and its folder.")
    if doing in ("open", "read"):
        return PlanDamagedError(damaged_text(target, detail))
    return PlanFileError(f"Could not {doing} {target}: {detail}. Try again, or save to another file.")


def damaged_text(target: PlanTarget, detail: str) -> str:
    """The message for a plan file whose content is broken."""
    shown = str(target)
    return (
        f"{shown[:1].upper()}{shown[1:]} is damaged and cannot be opened ({detail}). Nothing was changed. If "
        "Territory Planner was autosaving it, restart the app and accept the recovered copy it offers; otherwise "
        "open a backup copy of the plan."
    )


@contextmanager
def database_errors(target: PlanTarget, doing: str) -> Iterator[None]:
    """Turn driver errors into a :class:`PlanFileError` naming the target and what was being done."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise database_error(target, doing, exc) from exc
    except UnicodeDecodeError as exc:  # SQLite hands back bytes of a damaged page as text
        raise PlanDamagedError(damaged_text(target, "some of its text is not readable")) from exc


__all__ = [
    "damaged_text",
    "database_engine",
    "database_error",
    "database_errors",
    "memory_copy_engine",
    "sqlite_engine",
]
