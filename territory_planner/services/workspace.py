"""The user's workspace: where their own copy of the demo plan lives, which plans they opened recently, and the
folder for crash-recovery files. Plain files in the user's data folder (no Qt), shared by the GUI and tests."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from ..persistence.target import is_database_url

log = logging.getLogger(__name__)

APP_NAME = "TerritoryPlanner"
DEMO_FILE_NAME = "Demo plan.tplan"
MAX_RECENT = 10


def default_data_dir() -> Path:
    """``platformdirs.user_data_dir("TerritoryPlanner")`` (honours XDG_DATA_HOME on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def display_name(target: str) -> str:
    """A short name for a plan location: the file name, or the URL without its password."""
    if is_database_url(target):
        scheme, _, rest = target.partition("://")
        if "@" in rest:
            creds, _, host = rest.rpartition("@")
            user = creds.split(":", 1)[0]
            rest = f"{user}@{host}"
        return f"{scheme}://{rest}"
    return Path(target).name


def normalise(target: str) -> str:
    """Absolute path for files (so one plan is one recent entry), URLs unchanged."""
    return target if is_database_url(target) else str(Path(target).expanduser().resolve())


@dataclass
class Workspace:
    """The per-user folder of Territory Planner.

    ``state.json`` keeps the recent plans (most recent first); ``recovery/`` keeps autosave files.
    """

    data_dir: Path = field(default_factory=default_data_dir)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)

    # --- locations -----------------------------------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        return self.data_dir / "state.json"

    @property
    def demo_plan_path(self) -> Path:
        """Where the user's writable copy of the demo plan lives."""
        return self.data_dir / DEMO_FILE_NAME

    @property
    def recovery_dir(self) -> Path:
        return self.data_dir / "recovery"

    def ensure(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)

    # --- recent plans --------------------------------------------------------------------------------------
    def _read_state(self) -> dict[str, object]:
        try:
            with open(self.state_file, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # A damaged state file only costs the recent list; say so in the log and start afresh.
            log.warning("Could not read %s (%s); the recent plans list starts empty.", self.state_file, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def _write_state(self, data: dict[str, object]) -> None:
        self.ensure()
        tmp = self.state_file.with_suffix(".json.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
        os.replace(tmp, self.state_file)

    def recent_plans(self, exists: Callable[[str], bool] | None = None) -> list[str]:
        """Recent plan locations, most recent first; files that no longer exist are left out."""
        check = exists or (lambda t: is_database_url(t) or Path(t).exists())
        raw = self._read_state().get("recent", [])
        items = [str(x) for x in raw] if isinstance(raw, list) else []
        return [t for t in items if check(t)]

    def add_recent(self, target: str) -> None:
        target = normalise(target)
        data = self._read_state()
        raw = data.get("recent", [])
        items = [str(x) for x in raw] if isinstance(raw, list) else []
        items = [target] + [t for t in items if t != target]
        data["recent"] = items[:MAX_RECENT]
        self._write_state(data)

    def forget(self, target: str) -> None:
        data = self._read_state()
        raw = data.get("recent", [])
        items = [str(x) for x in raw] if isinstance(raw, list) else []
        data["recent"] = [t for t in items if t != normalise(target)]
        self._write_state(data)

    def clear_recent(self) -> None:
        data = self._read_state()
        data["recent"] = []
        self._write_state(data)

    def last_plan(self) -> str | None:
        """The plan used last, if it still exists."""
        recent = self.recent_plans()
        return recent[0] if recent else None


__all__ = ["APP_NAME", "Workspace", "default_data_dir", "display_name", "normalise"]
