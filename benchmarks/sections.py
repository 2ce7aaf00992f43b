"""Benchmarks of the map, the exports and the accounts import (each skipped with a note if unavailable)."""

from __future__ import annotations

from collections.abc import Callable

from territory_planner.domain import Plan

from .common import Record


def optional_sections(plan: Plan, layer_name: str, runs: int) -> list[tuple[str, Callable[[], list[Record]]]]:
    return []
