"""Python's cyclic garbage collector around opening a large plan (issue 16 §4).

Opening a ZIP-scale plan makes a few million long-lived objects (geometry, paths, map items). While they are made,
the collector runs a full collection every time the heap has grown by a quarter, each one walking every object:
about half a second of the 1.9 s a ZIP plan took to open. Once open, any full collection walks them all again,
some 100-300 ms in the middle of a stroke.

So the collector is paused while a large plan is opened, and what is alive afterwards is frozen (``gc.freeze``:
later collections skip it). Reference counting frees memory as always; only garbage in reference cycles waits.
Cycles left by the previous plan are collected by :func:`collect`, which the window runs a moment after it opened
a plan in place of another. Small plans (tests, the demo at county scale) take the ordinary path.

Two more things hold memory nobody uses once a large plan is open (:func:`release`, run by the window a moment after
the opening):

- PySide6's import hook reads the source of every Python module imported after it (``inspect.getsource``, to look
  for ``from __feature__ import``), and the text stays in :mod:`linecache`: ~900 files, 50 MB of strings. Tracebacks
  read what they need again. The cache is also emptied when an opening starts, so that the plan reuses that memory.
- The C allocator keeps pages freed by the opening's temporaries (~75 MB at ZIP scale); with glibc,
  ``malloc_trim`` returns them to the system (~7 ms). Other C libraries have no such call and are left alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import linecache
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Layers with at least this many units are opened with the collector paused.
LARGE_LAYER_UNITS = 5_000

_lock = threading.Lock()
_paused = 0  # how many openings are under way (on any thread)
_resume = False  # whether the collector was running when the first of them began
_waiting = False  # the previous plan's objects are frozen with the survivors of the last opening


@contextmanager
def opening(units: int) -> Iterator[None]:
    """Open a plan of ``units`` units inside this: for a large one the collector is paused and the survivors
    frozen afterwards; nested or concurrent openings resume it once, when the last ends."""
    if units < LARGE_LAYER_UNITS:
        yield
        return
    global _paused, _resume, _waiting
    linecache.clearcache()
    with _lock:
        if _paused == 0:
            if gc.get_freeze_count():
                gc.unfreeze()
                _waiting = True  # the previous plan's survivors: garbage among them once it is closed
            _resume = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0:
                gc.freeze()
                if _resume:
                    gc.enable()


def garbage_waiting() -> bool:
    """True when a plan opened after another left the other's reference cycles frozen (see :func:`collect`)."""
    return _waiting


def collect() -> None:
    """Free what a closed plan left in reference cycles: one full collection (about a quarter of a second with a
    ZIP plan open), then the survivors frozen again. The window runs it a moment after opening a plan in place of
    another, so that the opening itself does not wait for it."""
    global _waiting
    with _lock:
        if _paused or not _waiting:
            return
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _waiting = False


def release() -> None:
    """Give back what a large plan's opening no longer needs: the previous plan's cycles (:func:`collect`), the
    module sources PySide6's import hook left in :mod:`linecache`, and (with glibc) the allocator's free pages."""
    collect()
    linecache.clearcache()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_trim: object = None  # not looked up yet; then glibc's malloc_trim, or False where the C library has none


def _malloc_trim() -> Callable[[int], int] | None:
    global _trim
    if _trim is None:
        _trim = False
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError):
                _trim = getattr(ctypes.CDLL(None), "malloc_trim", False)  # absent from musl
    return _trim or None  # type: ignore[return-value]


__all__ = ["LARGE_LAYER_UNITS", "collect", "garbage_waiting", "opening", "release"]
