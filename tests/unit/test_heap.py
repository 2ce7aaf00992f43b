"""The garbage collector around opening a large plan (services/heap.py, issue 16 §4)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from territory_planner.services import heap


class Node:
    """An object that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture(autouse=True)
def clean_collector() -> Iterator[None]:
    gc.unfreeze()
    was = gc.isenabled()
    gc.enable()
    heap._waiting = False
    yield
    gc.unfreeze()
    heap._waiting = False
    if not was:
        gc.disable()


def test_a_small_plan_leaves_the_collector_alone() -> None:
    with heap.opening(heap.LARGE_LAYER_UNITS - 1):
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_large_plan_pauses_the_collector_then_freezes_what_survives() -> None:
    with heap.opening(heap.LARGE_LAYER_UNITS):
        assert not gc.isenabled()
        with heap.opening(heap.LARGE_LAYER_UNITS):  # a nested (or concurrent) opening
            assert not gc.isenabled()
        assert not gc.isenabled()  # resumed only when the last opening ends
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    assert not heap.garbage_waiting()  # nothing was frozen before: no earlier plan's garbage


def test_a_paused_collector_stays_paused_after_opening() -> None:
    gc.disable()
    with heap.opening(heap.LARGE_LAYER_UNITS):
        pass
    assert not gc.isenabled()


def test_the_previous_plans_cycles_are_freed_by_collect_after_the_next_opening() -> None:
    with heap.opening(heap.LARGE_LAYER_UNITS):
        old_plan = cycle()  # alive while the first plan is shown
    node = old_plan()
    assert node is not None
    node = None
    with heap.opening(heap.LARGE_LAYER_UNITS):  # the next plan replaces it: its cycle is garbage now
        pass
    assert heap.garbage_waiting()
    gc.collect()
    assert old_plan() is not None  # frozen with the survivors: an ordinary collection skips it
    heap.collect()
    assert old_plan() is None
    assert not heap.garbage_waiting()
    assert gc.get_freeze_count() > 0  # what is alive is frozen again


def test_an_exception_while_opening_still_resumes_the_collector() -> None:
    with pytest.raises(RuntimeError), heap.opening(heap.LARGE_LAYER_UNITS):
        raise RuntimeError("the file is damaged")
    assert gc.isenabled()


def test_release_frees_the_old_plans_cycles_and_the_module_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    import linecache

    with heap.opening(heap.LARGE_LAYER_UNITS):
        old_plan = cycle()
    with heap.opening(heap.LARGE_LAYER_UNITS):
        pass
    linecache.getlines(heap.__file__)  # what PySide6's import hook leaves behind for every module
    assert heap.__file__ in linecache.cache
    trimmed: list[int] = []
    monkeypatch.setattr(heap, "_trim", trimmed.append)
    heap.release()
    assert old_plan() is None
    assert heap.__file__ not in linecache.cache
    assert trimmed == [0]


def test_an_opening_starts_with_the_module_sources_dropped() -> None:
    import linecache

    linecache.getlines(heap.__file__)
    with heap.opening(heap.LARGE_LAYER_UNITS - 1):
        assert heap.__file__ in linecache.cache  # a small plan: nothing to make room for
    with heap.opening(heap.LARGE_LAYER_UNITS):
        assert heap.__file__ not in linecache.cache


def test_malloc_trim_is_looked_up_once_and_only_where_it_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_trim", None)
    monkeypatch.setattr(heap.sys, "platform", "darwin")
    assert heap._malloc_trim() is None
    assert heap._trim is False  # not looked up again
    heap.release()  # nothing to call: no error
