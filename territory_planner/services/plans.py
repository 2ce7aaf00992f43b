"""Use cases: open, save and create a plan (a ``.tplan`` file or a plan on a database server), for GUI and CLI.

The persistence layer does the work (see docs/persistence.md); this module is what the GUI and the CLI call, so
both get the same rules:

- a save onto the place a plan was opened from succeeds only while that place still holds the revision it was
  opened at; otherwise :class:`PlanConflictError` says who saved it since, and nothing is written;
- :func:`create_plan` never replaces an existing plan file unless asked to (``force``);
- a plan opened from a crash-recovery copy (:func:`open_recovered`) saves back to the plan it came from with the
  same revision check as if it had been opened from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain import Plan
from ..persistence import PlanConflictError, is_database_url
from ..persistence.origin import when_text
from .progress import Progress, ReportFn
from .workspace import display_name


@dataclass(frozen=True)
class BaseRevision:
    """The revision of a stored plan that an unsaved copy started from (kept with a crash-recovery copy)."""

    revision: int
    saved_by: str
    saved_at: str


def open_plan(target: str, progress: Progress | ReportFn | None = None) -> Plan:
    """Open a plan from a ``.tplan`` file or a database URL; it remembers the revision it was opened at."""
    from ..persistence import load_plan

    report = Progress.of(progress)
    report(0.05, f"Opening {display_name(target)}…")
    plan = load_plan(target)
    report(1.0, "Opened")
    return plan


def save_plan(plan: Plan, target: str, progress: Progress | ReportFn | None = None) -> None:
    """Save ``plan`` to ``target`` atomically (see the module docstring for the revision check).

    Raises :class:`PlanConflictError` when someone saved ``target`` since ``plan`` was opened from it, other
    :class:`PlanError` subclasses when it cannot be written; in every case ``target`` holds what it held before.
    """
    from ..persistence import save_plan as store

    report = Progress.of(progress)
    report(0.05, f"Saving {display_name(target)}…")
    report.check("The save was cancelled; nothing was written.")
    store(plan, target)
    report(1.0, "Saved")


def check_new_target(target: str, *, force: bool = False) -> None:
    """Raise PlanExistsError when ``target`` already holds a plan (an existing file, or a plan of that name in
    the database) and ``force`` is not given. Call it before building a plan, so nothing is built in vain; the
    save itself checks again (:func:`create_plan`), so a plan made meanwhile by someone else is not replaced."""
    if force:
        return
    from ..persistence import PlanExistsError, plan_exists, plan_target
    from ..persistence.store import already_there

    stored = plan_exists(target)
    if stored is not None:
        raise PlanExistsError(already_there(plan_target(target), stored))


def create_plan(plan: Plan, target: str, *, force: bool = False) -> None:
    """Save a new plan (or a copy) to ``target``. An existing plan (file or database plan) is replaced only with
    ``force``."""
    from ..persistence import save_plan as store

    check_new_target(target, force=force)
    store(plan, target, new_only=not force)


# --- crash recovery -----------------------------------------------------------------------------------------------


def base_revision(plan: Plan, target: str | None) -> BaseRevision | None:
    """The revision of ``target`` that ``plan`` was opened at or last saved as; None when it did not come from
    there (a new plan, or one saved elsewhere since)."""
    if not target:
        return None
    from ..persistence import plan_target
    from ..persistence.origin import origin_for

    origin = origin_for(plan.origin, plan_target(target))
    if origin is None:
        return None
    return BaseRevision(origin.stored.revision, origin.stored.saved_by, origin.stored.saved_at)


def open_recovered(
    copy: str | Path,
    target: str | None,
    based_on: BaseRevision | None,
    progress: Progress | ReportFn | None = None,
) -> Plan:
    """Open a crash-recovery copy as the plan it was made from (``target``; None = never saved).

    Saving it to ``target`` then succeeds only while ``target`` still holds ``based_on`` (the revision the lost
    session had opened); if someone saved since, the save raises :class:`PlanConflictError` instead of silently
    replacing their work. A copy with no known base revision saves like a plan opened from nowhere.
    """
    from ..persistence import plan_target
    from ..persistence.origin import PlanOrigin, StoredRevision, place_of

    plan = open_plan(str(copy), progress)
    plan.origin = None
    if target and based_on is not None:
        stored = StoredRevision(based_on.revision, based_on.saved_by, based_on.saved_at)
        plan.origin = PlanOrigin(place_of(plan_target(target)), stored)
    return plan


__all__ = [
    "BaseRevision",
    "PlanConflictError",
    "base_revision",
    "check_new_target",
    "create_plan",
    "display_name",
    "is_database_url",
    "open_plan",
    "open_recovered",
    "save_plan",
    "when_text",
]
