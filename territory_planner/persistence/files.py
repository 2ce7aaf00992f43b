"""The hidden files a plan file's saves keep beside it: one lock file and one temporary file, both of our own naming.

- ``.<name>.lock`` is held (an OS lock: ``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows) for the whole of a
  save, so two programs saving one plan take turns and each re-reads the stored revision under the lock. The OS
  drops the lock when its process dies, so a killed save never leaves a lock that blocks the next one.
- ``.<name>.saving`` is the new file being written. Only the lock holder writes it, so its name is fixed: a save
  killed at any moment leaves at most one (plus SQLite's ``-journal`` of it), and the next save or open removes it.

Names too long for the file system (a plan named with 239-255 characters) are shortened with a hash of the full name,
so they stay unique per plan and within ``NAME_MAX``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import PlanFileError

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"
TEMP_SUFFIX = ".saving"
#: What SQLite appends to a database's name for its rollback journal (the temp file gets one while it is written).
JOURNAL_SUFFIX = "-journal"
#: How long a save waits for another program's save of the same plan to finish, in seconds.
LOCK_WAIT_SECONDS = 60.0
#: Temporary files of older versions had a random part; they are removed once this old (no lock protected them).
_OLD_TEMP_AGE_SECONDS = 60.0
_POLL_SECONDS = 0.02
_DEFAULT_NAME_MAX = 255


def _name_max(folder: Path) -> int:
    if hasattr(os, "pathconf"):
        try:
            return min(_DEFAULT_NAME_MAX, int(os.pathconf(folder, "PC_NAME_MAX")))
        except (OSError, ValueError):
            return _DEFAULT_NAME_MAX
    return _DEFAULT_NAME_MAX


def _length(name: str) -> int:
    # POSIX limits bytes, Windows UTF-16 units; the UTF-8 byte count is the larger of the two for any name.
    return len(os.fsencode(name)) if os.name == "posix" else len(name.encode("utf-8"))


def companions(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """SQLite's companion files of ``path`` (``<name>-wal`` ...) that can exist: names past NAME_MAX cannot."""
    budget = _name_max(path.parent)
    return [path.with_name(path.name + s) for s in suffixes if _length(path.name + s) <= budget]


def sidecar(path: Path, suffix: str, *, reserve: int = 0) -> Path:
    """The hidden file ``.<name><suffix>`` beside ``path``, shortened (with a hash of the name) to fit NAME_MAX.

    ``reserve`` keeps room for what another program appends to the name (SQLite's ``-journal``).
    """
    budget = _name_max(path.parent) - reserve
    name = f".{path.name}{suffix}"
    if _length(name) <= budget:
        return path.with_name(name)
    digest = hashlib.sha1(os.fsencode(path.name)).hexdigest()[:12]
    tail = f"~{digest}{suffix}"
    head = path.name
    while head and _length(f".{head}{tail}") > budget:
        head = head[:-1]
    return path.with_name(f".{head}{tail}")


def temp_path(path: Path) -> Path:
    """Where a save of ``path`` writes the new file (fixed per plan; see the module docstring)."""
    return sidecar(path, TEMP_SUFFIX, reserve=len(JOURNAL_SUFFIX))


def lock_path(path: Path) -> Path:
    return sidecar(path, LOCK_SUFFIX)


# --- the OS lock -------------------------------------------------------------------------------------------------

if sys.platform == "win32":  # pragma: no cover - exercised on Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def _acquire(path: Path, wait: float) -> int | None:
    """An open descriptor of ``path`` holding its lock, or None when another program kept it for ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return None
                time.sleep(_POLL_SECONDS)
        except BaseException:
            os.close(fd)
            raise
        # The holder before us may have removed the lock file as it finished: then we locked a file nobody else
        # will look at, and must lock the one now at the path instead.
        if _same_file(fd, path):
            if os.name == "nt":  # pragma: no cover - msvcrt.locking needs a byte to lock
                os.write(fd, b"\0")
            return fd
        _unlock(fd)
        os.close(fd)


@contextmanager
def plan_lock(path: Path, shown: str, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the save lock of the plan file ``path`` (``shown`` names it in messages)."""
    where = lock_path(path)
    try:
        fd = _acquire(where, wait)
    except OSError as exc:
        raise PlanFileError(
            f"Could not save {shown}: {exc.strerror or exc}. Check you may write in '{path.parent}', or save to "
            "another folder."
        ) from exc
    if fd is None:
        raise PlanFileError(
            f"Could not save {shown}: another program has been saving it for over {wait:.0f} seconds. "
            "Wait for it to finish, then save again."
        )
    try:
        yield
    finally:
        # Windows keeps a file another program has open; the next save reuses it then.
        with contextlib.suppress(OSError):
            where.unlink()
        _unlock(fd)
        os.close(fd)


# --- leftovers of killed saves -----------------------------------------------------------------------------------


def _old_temp_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(f".{path.name}.") + r"[0-9a-f]{8}" + re.escape(TEMP_SUFFIX) + f"({JOURNAL_SUFFIX})?$")


def remove_temp(path: Path) -> None:
    """Remove this plan's temporary file and its journal (call with the lock held)."""
    temp = temp_path(path)
    for leftover in (temp, Path(f"{temp}{JOURNAL_SUFFIX}")):
        leftover.unlink(missing_ok=True)


def leftovers(path: Path) -> list[Path]:
    """Temporary files of killed saves of ``path`` (of our own naming only)."""
    temp = temp_path(path)
    ours = {temp.name, f"{temp.name}{JOURNAL_SUFFIX}"}
    pattern = _old_temp_pattern(path)
    found: list[Path] = []
    now = time.time()
    try:
        with os.scandir(path.parent) as entries:
            for entry in entries:
                if entry.name in ours:
                    found.append(Path(entry.path))
                elif pattern.match(entry.name):
                    try:
                        if now - entry.stat().st_mtime > _OLD_TEMP_AGE_SECONDS:
                            found.append(Path(entry.path))
                    except OSError:
                        continue
    except OSError:
        return []
    return found


def clean_leftovers(path: Path) -> None:
    """Remove what killed saves of ``path`` left beside it, unless a save is running now. Never raises."""
    if not leftovers(path) and not lock_path(path).exists():
        return
    try:
        with plan_lock(path, str(path), wait=0.0):
            for leftover in leftovers(path):
                log.info("Removing %s, left by an unfinished save", leftover)
                leftover.unlink(missing_ok=True)
    except (PlanFileError, OSError) as exc:
        # A read-only folder, or a save in progress: the files stay until a save can remove them.
        log.info("Left the unfinished saves beside %s: %s", path, exc)


__all__ = [
    "clean_leftovers",
    "companions",
    "leftovers",
    "lock_path",
    "plan_lock",
    "remove_temp",
    "sidecar",
    "temp_path",
]
