"""Crash recovery: periodic copies of an open plan with unsaved changes, offered back after a crash.

Each running window writes ``<id>.tplan`` plus ``<id>.json`` (which plan it is, when, which process) into the
workspace's recovery folder. A clean save or close deletes them; files left behind by a process that is no longer
running are what the app offers to recover at the next start. The write is a plain function, so it runs on a worker
thread on a snapshot of the plan (never the live one).

The note also keeps the revision of the plan the copy was made from, so that a recovered copy saved back to that
plan is checked against it like any other save (someone else's newer save is never silently replaced).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..domain import Plan
from .plans import BaseRevision, base_revision, open_recovered
from .progress import Progress

log = logging.getLogger(__name__)

SaveFn = Callable[[Plan, str], None]


def _default_save(plan: Plan, target: str) -> None:
    from .plans import save_plan

    save_plan(plan, target)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        # os.kill on Windows terminates processes; without a safe probe, treat other processes as gone.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class RecoveryEntry:
    """One recovery copy: the copy itself, the plan it came from, and when it was written."""

    path: Path
    target: str | None
    plan_name: str
    saved_at: datetime
    pid: int
    key: str
    based_on: BaseRevision | None = None

    def describe(self) -> str:
        where = f" ({self.target})" if self.target else " (never saved)"
        return f"{self.plan_name}{where}, autosaved {self.saved_at:%d %b %Y %H:%M}"


def _based_on(note: object) -> BaseRevision | None:
    if not isinstance(note, dict):
        return None  # a note from an older version, or of a plan never saved
    try:
        return BaseRevision(int(note["revision"]), str(note["saved_by"]), str(note["saved_at"]))
    except (KeyError, TypeError, ValueError):
        log.warning("The recovery note's base revision is unreadable: %r", note)
        return None


class RecoveryStore:
    """The recovery folder. One ``key`` per open plan window (see :meth:`new_key`)."""

    def __init__(self, folder: Path | str, save: SaveFn | None = None) -> None:
        self.folder = Path(folder)
        self._save = save or _default_save

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex[:12]

    def plan_path(self, key: str) -> Path:
        return self.folder / f"{key}.tplan"

    def _meta_path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def write(self, key: str, plan: Plan, target: str | None) -> RecoveryEntry:
        """Write a recovery copy of ``plan`` (a snapshot the caller no longer changes). Safe to run on a worker."""
        self.folder.mkdir(parents=True, exist_ok=True)
        based_on = base_revision(plan, target)  # before the save below moves the snapshot's origin to the copy
        final = self.plan_path(key)
        partial = self.folder / f"{key}.partial.tplan"
        if partial.exists():
            partial.unlink()
        self._save(plan, str(partial))
        os.replace(partial, final)
        saved_at = datetime.now()
        meta: dict[str, Any] = {
            "target": target,
            "plan_name": plan.name,
            "saved_at": saved_at.isoformat(timespec="seconds"),
            "pid": os.getpid(),
            "based_on": None if based_on is None else asdict(based_on),
        }
        tmp = self.folder / f"{key}.json.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=2)
        os.replace(tmp, self._meta_path(key))
        return RecoveryEntry(final, target, plan.name, saved_at, os.getpid(), key, based_on)

    def open(self, entry: RecoveryEntry, progress: Progress | None = None) -> Plan:
        """The plan in a recovery copy, as the plan it came from: saving it back checks that plan's revision."""
        return open_recovered(entry.path, entry.target, entry.based_on, progress)

    def discard(self, key: str) -> None:
        """Delete a recovery copy (after a save, a clean close, or when the user declines it)."""
        for path in (self.plan_path(key), self._meta_path(key), self.folder / f"{key}.partial.tplan"):
            try:
                path.unlink()
            except FileNotFoundError:
                continue

    def entries(self) -> list[RecoveryEntry]:
        """Every complete recovery copy, newest first."""
        if not self.folder.is_dir():
            return []
        found: list[RecoveryEntry] = []
        for meta_path in self.folder.glob("*.json"):
            key = meta_path.stem
            plan_path = self.plan_path(key)
            if not plan_path.exists():
                continue
            try:
                with open(meta_path, encoding="utf-8") as handle:
                    meta = json.load(handle)
                saved_at = datetime.fromisoformat(str(meta["saved_at"]))
                entry = RecoveryEntry(
                    plan_path,
                    meta.get("target"),
                    str(meta.get("plan_name") or plan_path.stem),
                    saved_at,
                    int(meta.get("pid", 0)),
                    key,
                    _based_on(meta.get("based_on")),
                )
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("Ignoring the unreadable recovery note %s: %s", meta_path, exc)
                continue
            found.append(entry)
        found.sort(key=lambda e: e.saved_at, reverse=True)
        return found

    def orphans(self) -> list[RecoveryEntry]:
        """Recovery copies whose process is no longer running: left behind by a crash."""
        return [e for e in self.entries() if not _process_alive(e.pid)]


__all__ = ["RecoveryEntry", "RecoveryStore"]
