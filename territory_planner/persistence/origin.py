"""Where a loaded plan came from and at which revision: what a save checks so that no update is silently lost.

A plan object carries a :class:`PlanOrigin` in ``Plan.origin`` (opaque to the domain). ``load_plan`` sets it and a
successful ``save_plan`` replaces it. A save onto the place the plan came from succeeds only while that place still
holds the revision in the origin; otherwise it raises :class:`PlanConflictError` and writes nothing. A plan with no
origin, or one from another place (a save as another file), is written as before: the CLI's ``--force`` and the
app's "replace?" question guard that case.

For databases the origin also keeps a fingerprint of every stored row, keyed by primary key, so a save writes only
the rows that differ.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Table

from .errors import PlanConflictError
from .target import PlanTarget

#: Per table name: primary key values -> a hash of the whole row.
Fingerprints = dict[str, dict[tuple[Any, ...], int]]


@dataclass(frozen=True)
class StoredRevision:
    """The revision a plan store holds now, with who saved it and when."""

    revision: int
    saved_by: str
    saved_at: str


@dataclass(frozen=True)
class PlanOrigin:
    """The place a plan was loaded from (or last saved to) and the revision it had there."""

    place: str
    stored: StoredRevision
    rows: Fingerprints | None = field(default=None, repr=False, compare=False)

    @property
    def revision(self) -> int:
        return self.stored.revision


def place_of(where: PlanTarget) -> str:
    """One text per plan store, the same however the path or URL was written (no password in it)."""
    if where.path is not None:
        return "file:" + os.path.normcase(os.path.realpath(where.path))
    url = where.sqlalchemy_url()
    return f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}#{where.plan_key}"


def origin_for(origin: object, where: PlanTarget) -> PlanOrigin | None:
    """The origin a save onto ``where`` must respect, or None when the plan did not come from there."""
    if isinstance(origin, PlanOrigin) and origin.place == place_of(where):
        return origin
    return None


def current_user() -> str:
    """The OS user saving the plan ("someone" when the system cannot say)."""
    try:
        name = getpass.getuser().strip()
    except (OSError, KeyError, ImportError):  # no login name (services, containers without a passwd entry)
        return "someone"
    return name or "someone"


def when_text(saved_at: str) -> str:
    """A stored UTC time in words for a message: '2027-03-01 14:05 UTC'."""
    try:
        moment = datetime.fromisoformat(saved_at)
    except ValueError:
        return saved_at or "an unknown time"
    return (
        moment.strftime("%Y-%m-%d %H:%M UTC") if moment.utcoffset() is not None else moment.strftime("%Y-%m-%d %H:%M")
    )


def check_revision(base: PlanOrigin | None, stored: StoredRevision | None, shown: str) -> None:
    """Raise :class:`PlanConflictError` when the store moved on from the revision the plan was loaded at."""
    if base is None or stored is None or stored.revision == base.revision:
        return
    raise PlanConflictError(
        f"This plan was changed by {stored.saved_by} at {when_text(stored.saved_at)} since you opened it "
        f"({shown}). Your changes were not saved. Run the command again: it re-reads the plan and applies your "
        "change to the new version (in the app: reload and re-apply your changes, or save them as a new what-if "
        "or another file).",
        saved_by=stored.saved_by,
        saved_at=stored.saved_at,
        revision=stored.revision,
        loaded_revision=base.revision,
    )


def fingerprints(tables: Iterable[tuple[Table, Sequence[Mapping[str, Any]]]]) -> Fingerprints:
    """Fingerprints of rows as a save writes them (see the module docstring)."""
    out: Fingerprints = {}
    for table, rows in tables:
        key_columns = [c.name for c in table.primary_key.columns]
        columns = [c.name for c in table.columns]
        # itemgetter of two or more names returns a tuple; rows hold every column, so no row.get is needed.
        key_of = itemgetter(*key_columns) if len(key_columns) > 1 else (lambda r, k=key_columns[0]: (r[k],))
        values_of = itemgetter(*columns)
        out[table.name] = {key_of(row): hash(values_of(row)) for row in rows}
    return out


__all__ = [
    "Fingerprints",
    "PlanOrigin",
    "StoredRevision",
    "check_revision",
    "current_user",
    "fingerprints",
    "origin_for",
    "place_of",
    "when_text",
]
