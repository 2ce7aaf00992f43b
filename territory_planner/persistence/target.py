"""Where a plan lives: a ``.tplan`` SQLite file or a PostgreSQL database (one of several plans in it)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from .errors import PlanFileError

#: The plan key used for plan files and when a database URL names no plan.
DEFAULT_PLAN_KEY = "default"

_MAX_KEY = 120
#: How to get the PostgreSQL driver (psycopg 3) when it is missing.
POSTGRES_EXTRA_HINT = 'pip install "territory-planner[postgres]"'


@dataclass(frozen=True)
class PlanTarget:
    """A plan file (``path``) or a plan database (``url`` plus ``plan_key``).

    A file holds exactly one plan. A database holds any number of plans, one per ``plan_key``. Build targets with
    :func:`plan_target`; ``str(target)`` is safe to show (database passwords are hidden).
    """

    path: Path | None = None
    url: str | None = field(default=None, repr=False)
    plan_key: str = DEFAULT_PLAN_KEY

    @property
    def is_file(self) -> bool:
        return self.path is not None

    def sqlalchemy_url(self) -> URL:
        """The database URL to connect with (only for database targets)."""
        if self.url is None:
            raise PlanFileError(f"{self} is a plan file, not a database.")
        return make_url(self.url)

    def __str__(self) -> str:
        if self.path is not None:
            return f"plan file '{self.path}'"
        shown = self.sqlalchemy_url().render_as_string(hide_password=True)
        return f"plan '{self.plan_key}' in database {shown}"


def is_database_url(target: str | os.PathLike[str]) -> bool:
    """True for a database URL (``postgresql+psycopg://...``, ``sqlite:///...``), False for a plan file's path.

    The one place that decides it (GUI, CLI and services ask here, through ``services.plans``)."""
    return not isinstance(target, os.PathLike) and "://" in str(target)


def plan_target(where: PlanTarget | str | os.PathLike[str], plan_key: str | None = None) -> PlanTarget:
    """Read where a plan lives from a path or a URL.

    Accepted forms:

    - a file path such as ``plans/west.tplan`` (the usual case; the file holds one plan);
    - ``sqlite:///plans/west.tplan`` (the same file, written as a URL);
    - ``postgresql+psycopg://user:password@host:5432/dbname`` for a shared plan server; ``postgresql://`` means the
      same. A database holds several plans: choose one with ``?plan=NAME`` in the URL or with ``plan_key``
      (default ``"default"``).
    """
    if isinstance(where, PlanTarget):
        if plan_key is not None and plan_key != where.plan_key:
            if where.is_file:
                raise PlanFileError(f"A plan file holds one plan; it cannot select plan '{plan_key}'.")
            return PlanTarget(url=where.url, plan_key=_check_key(plan_key))
        return where
    if isinstance(where, os.PathLike):
        return _file_target(Path(os.fspath(where)), plan_key)
    text = str(where).strip()
    if not text:
        raise PlanFileError("No plan file or database was given: choose a .tplan file or enter a database URL.")
    if not is_database_url(text):
        return _file_target(Path(text), plan_key)
    try:
        url = make_url(text)
    except ArgumentError:
        raise PlanFileError(
            f"'{text}' is not a database URL Territory Planner can read. Write it like "
            "postgresql+psycopg://user:password@host:5432/dbname, or give the path of a .tplan file."
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_url_target(url, text, plan_key)
    if backend == "postgresql":
        return _postgres_target(url, plan_key)
    raise PlanFileError(
        f"Territory Planner cannot keep plans in a '{backend}' database ({url.render_as_string(hide_password=True)}). "
        "Use a .tplan file or a PostgreSQL URL (postgresql+psycopg://user:password@host:5432/dbname)."
    )


def _file_target(path: Path, plan_key: str | None) -> PlanTarget:
    if plan_key not in (None, DEFAULT_PLAN_KEY):
        raise PlanFileError(
            f"Plan file '{path}' holds one plan; it cannot select plan '{plan_key}'. "
            "Several plans can share a PostgreSQL database instead."
        )
    return PlanTarget(path=path.expanduser())


def _sqlite_url_target(url: URL, text: str, plan_key: str | None) -> PlanTarget:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise PlanFileError(
            f"'{text}' does not name a plan file. Write sqlite:///path/to/plan.tplan, or just give the file's path."
        )
    if url.query:
        options = ", ".join(sorted(url.query))
        raise PlanFileError(
            f"'{text}' has options ({options}) that a plan file does not take: a plan file holds one plan. "
            "Remove everything after '?'."
        )
    return _file_target(Path(url.database), plan_key)


def _postgres_target(url: URL, plan_key: str | None) -> PlanTarget:
    in_url = url.query.get("plan")
    if isinstance(in_url, tuple):
        raise PlanFileError("The database URL names more than one plan (?plan=...): keep one.")
    if in_url is not None and plan_key is not None and in_url != plan_key:
        raise PlanFileError(f"The database URL selects plan '{in_url}' but plan '{plan_key}' was asked for.")
    key = _check_key(plan_key if plan_key is not None else in_url if in_url is not None else DEFAULT_PLAN_KEY)
    url = url.difference_update_query(["plan"])
    if url.drivername == "postgresql":
        # The bare scheme would pick psycopg2, which Territory Planner does not ship; psycopg 3 is the driver.
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername != "postgresql+psycopg":
        driver = url.drivername.partition("+")[2]
        raise PlanFileError(
            f"Territory Planner talks to PostgreSQL through psycopg 3, not '{driver}': write the URL as "
            f"{url.set(drivername='postgresql+psycopg').render_as_string(hide_password=True)} "
            f"(with {POSTGRES_EXTRA_HINT} installed)."
        )
    if not url.database:
        raise PlanFileError(
            f"The database URL {url.render_as_string(hide_password=True)} names no database: add /dbname at the end."
        )
    return PlanTarget(url=url.render_as_string(hide_password=False), plan_key=key)


def _check_key(key: str) -> str:
    text = key.strip()
    if not text or len(text) > _MAX_KEY:
        raise PlanFileError(f"'{key}' cannot name a plan in a database: use 1 to {_MAX_KEY} characters.")
    return text


__all__ = ["DEFAULT_PLAN_KEY", "POSTGRES_EXTRA_HINT", "PlanTarget", "is_database_url", "plan_target"]
