"""Write files so that a failure never leaves a half-written target, and a crash leaves at most one temp file.

Every exporter writes through :func:`atomic_path`: the content goes to one hidden temporary file beside the target,
``.<name>.tp-export-tmp<suffix>``, which replaces the target with ``os.replace`` only once it is complete. The temp
name is the same on every try, so a killed export leaves at most one temp file per target, and the next export to
that target removes it (and any other leftover of our naming, such as the randomly named temps of older versions).
On any failure the temp file is removed and the target is left exactly as it was.

:func:`write_bytes` writes content and checks every write (a full disk raises instead of leaving a short file);
:func:`export_file` wraps it all into one call that raises ExportError naming the user's file, never the temp file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

#: What marks a temporary file as ours: ``.<target name>.tp-export-tmp<suffix>``.
TEMP_TAG = ".tp-export-tmp"
#: Longest file name most file systems allow, in bytes (ext4, APFS, NTFS in UTF-16 units: 255).
_NAME_MAX = 255
#: The random temp names of older versions: ``.<target name>.<8 letters of mkstemp><suffix>``.
_LEGACY_RANDOM = r"[a-z0-9_]{8}"
_LEGACY_SUFFIXES = (".tmp", ".pdf", ".png", ".csv", ".html", ".gpkg", ".geojson", ".zip", ".xlsx")


def temp_stem(target: Path) -> str:
    """The start of every temp name of ``target`` (``.<name>.tp-export-tmp``), shortened when the name is long.

    A long name keeps its start and gets a short hash of the whole name, so the temp name stays within the file
    system's limit and is still the same on every try.
    """
    stem = f".{target.name}{TEMP_TAG}"
    if len(stem.encode("utf-8")) + 16 <= _NAME_MAX:
        return stem
    digest = hashlib.sha1(target.name.encode("utf-8")).hexdigest()[:10]
    room = _NAME_MAX - 16 - len(f".~{digest}{TEMP_TAG}".encode())
    start = target.name.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return f".{start}~{digest}{TEMP_TAG}"


def temp_path(target: str | Path, suffix: str = "") -> Path:
    """The hidden temp file beside ``target`` (same folder, so ``os.replace`` is a rename on one file system)."""
    final = Path(target)
    return final.with_name(temp_stem(final) + suffix[:15])


def _is_ours(name: str, target: Path) -> bool:
    stem = temp_stem(target)
    if name == stem or (name.startswith(stem) and name[len(stem)] in ".-" and TEMP_TAG not in name[len(stem) :]):
        return True
    legacy = rf"\.{re.escape(target.name)}\.{_LEGACY_RANDOM}(?:{'|'.join(re.escape(s) for s in _LEGACY_SUFFIXES)})"
    return re.fullmatch(legacy, name) is not None


def clean_stale(target: str | Path) -> list[Path]:
    """Remove the temp files (and temp folders) of our naming that an interrupted export left beside ``target``.

    Returns what was removed. Files of other names are never touched.
    """
    final = Path(target)
    folder = final.parent if str(final.parent) else Path(".")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _is_ours(entry.name, final):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _name_the_target(exc: BaseException, tmp: Path, final: Path) -> None:
    """An OSError about the temp file is reported as being about the user's file."""
    if isinstance(exc, OSError):
        for attribute in ("filename", "filename2"):
            value = getattr(exc, attribute, None)
            if value is not None and Path(os.fsdecode(value)).name.startswith(temp_stem(final)):
                setattr(exc, attribute, str(final))


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield the temp path beside the target; on success it replaces the target, on failure it is removed.

    Leftovers of earlier interrupted exports to the same target are removed first. The writer must create the
    file; a missing or empty file after the writer returns is a failure (the target is kept).
    """
    final = Path(target)
    folder = final.parent if str(final.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"The folder {folder} does not exist; create it or choose another place to save.")
    clean_stale(final)
    tmp = temp_path(final, suffix or final.suffix or ".tmp")
    try:
        yield tmp
        check_written(tmp, final)
        os.chmod(tmp, permissions_for(final))
        os.replace(tmp, final)
    except BaseException as exc:
        _remove(tmp)
        clean_stale(final)  # what the writer made beside its temp file (journals, scratch folders)
        _name_the_target(exc, tmp, final)
        raise


def check_written(tmp: Path, final: Path) -> None:
    """Raise OSError (naming ``final``) unless the writer left a non-empty file at ``tmp``."""
    try:
        size = tmp.stat().st_size
    except FileNotFoundError:
        raise OSError(errno.EIO, "the file was not written", str(final)) from None
    if size == 0:
        raise OSError(errno.EIO, "the file came out empty (is the disk full?)", str(final))


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a new file at ``path``, checking every write; raises OSError (ENOSPC...) on any shortfall.

    The data is flushed to the disk before returning, so a full disk or a failing device is reported here rather
    than after the file has replaced a good one.
    """
    target = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(target, flags, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = _write_some(fd, view)
            if written <= 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    if os.stat(target).st_size != len(data):
        raise OSError(errno.EIO, f"only part of the file was written ({len(data):,} bytes expected)", str(target))


def _write_some(fd: int, data: memoryview) -> int:
    """One ``os.write`` (tests replace it to fill the disk)."""
    return os.write(fd, data)


def user_reason(exc: BaseException, tmp: Path, target: Path) -> str:
    """The reason of a failed write in words for the user: about their file, never about our temp file."""
    text = (str(exc) or type(exc).__name__).rstrip(".")
    text = text.replace(str(tmp), str(target)).replace(tmp.name, target.name)
    stem = temp_stem(target)
    return re.sub(rf"{re.escape(stem)}[^\s'\"]*", target.name, text)


def export_file(target: str | Path, what: str, write: Callable[[Path], None], suffix: str | None = None) -> Path:
    """Write ``what`` (e.g. "PDF report") to ``target`` with ``write(temp_path)``, atomically.

    Raises ExportError naming ``target`` and the reason; the target is then exactly as it was and no temp file is
    left. Returns the target.
    """
    from .pack import ExportError

    final = Path(target)
    tmp = temp_path(final, suffix or final.suffix or ".tmp")
    try:
        with atomic_path(final, suffix) as path:
            write(path)
    except Exception as exc:
        raise ExportError(
            f"The {what} could not be written to {final}: {user_reason(exc, tmp, final)}. "
            f"{'The previous file was kept' if final.exists() else 'No file was written'}."
        ) from exc
    return final


def permissions_for(final: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (the temp file is owner-only)."""
    try:
        return final.stat().st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
