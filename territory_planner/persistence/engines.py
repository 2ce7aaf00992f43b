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
from sqlalchemy.pool import NullPool

from .errors import PlanFileError
from .target import PlanTarget

SqliteMode = Literal["ro", "rw", "rwc"]

#: How long a SQLite connection waits for another program's lock before giving up, in seconds.
_SQLITE_BUSY_SECONDS = 5.0


def sqlite_engine(
    path: Path,
    mode: SqliteMode,
    *,
    journal_mode: str = "DELETE",
    synchronous: str = "FULL",
    page_size: int | None = None,
) -> Engine:
    """An engine on one SQLite file.

    ``mode`` is SQLite's open mode: ``ro`` never writes (nor creates) the file, ``rw`` needs it to exist, ``rwc``
    creates it. Transactions are real SQLite transactions (DDL included), started with ``BEGIN`` by SQLAlchemy's
    ``begin`` event rather than by the sqlite3 module's implicit handling, which leaves DDL outside transactions.
    ``page_size`` only takes effect on a file that has no tables yet.
    """
    uri = f"{path.resolve().as_uri()}?mode={mode}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=_SQLITE_BUSY_SECONDS
        )

    engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            if page_size is not None:
                cursor.execute(f"PRAGMA page_size={int(page_size)}")
            if mode != "ro":
                cursor.execute(f"PRAGMA journal_mode={journal_mode}")
                cursor.execute(f"PRAGMA synchronous={synchronous}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front, so it fails fast instead of deadlocking against another writer.
        connection.exec_driver_sql("BEGIN" if mode == "ro" else "BEGIN IMMEDIATE")

    return engine


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
    return create_engine(url, **options)


@contextmanager
def database_errors(target: PlanTarget, doing: str) -> Iterator[None]:
    """Turn driver errors into a :class:`PlanFileError` naming the target and what was being done."""
    try:
        yield
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if target.is_file:
            advice = "Check the disk has space and the file is not open in another program, then try again."
        else:
            advice = "Check the server is running, the URL and password are right, and you may write there."
        raise PlanFileError(f"Could not {doing} {target}: {detail}. {advice}") from exc


__all__ = ["database_engine", "database_errors", "sqlite_engine"]
