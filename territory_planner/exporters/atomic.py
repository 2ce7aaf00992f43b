"""Write files so that a failure never leaves a half-written target: temp file beside it, then ``os.replace``."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces the target, on failure it is removed."""
    final = Path(target)
    folder = final.parent if str(final.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"The folder {folder} does not exist; create it or choose another place to save.")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=suffix or final.suffix or ".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, _permissions_for(final))
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _permissions_for(final: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (mkstemp makes it owner-only)."""
    try:
        return final.stat().st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
