"""Shared helpers of the benchmark suite: timing, records and the results table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Record:
    name: str
    layer: str
    units: int
    territories: int
    median_ms: float
    min_ms: float
    max_ms: float
    runs: int
    baseline_name: str | None = None
    baseline_median_ms: float | None = None
    speedup: float | None = None
    #: What the figures measure: milliseconds unless a record says otherwise (e.g. "MB" of resident memory).
    unit: str = "ms"

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def time_runs(action: Callable[[], object], runs: int, setup: Callable[[], object] | None = None) -> list[float]:
    """Milliseconds of ``runs`` calls of ``action`` (``setup`` runs before each, untimed)."""
    times = []
    for _ in range(runs):
        if setup is not None:
            setup()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def record(name: str, layer: str, units: int, territories: int, times: list[float], unit: str = "ms") -> Record:
    if not times:
        raise ValueError(f"No runs of {name!r}")
    return Record(
        name, layer, units, territories, statistics.median(times), min(times), max(times), len(times), unit=unit
    )


def with_baseline(rec: Record, baseline: Record) -> Record:
    rec.baseline_name = baseline.name
    rec.baseline_median_ms = baseline.median_ms
    rec.speedup = baseline.median_ms / rec.median_ms if rec.median_ms > 0 else None
    return rec


def print_table(records: list[Record]) -> None:
    header = f"{'benchmark':<52} {'layer':<12} {'units':>6} {'terr':>4} {'median ms':>10} {'min':>9} {'max':>9} " \
        f"{'runs':>4}  {'vs baseline':>22}"  # fmt: skip
    print(header)
    print("-" * len(header))
    for r in records:
        base = ""
        if r.baseline_median_ms is not None and r.speedup is not None:
            base = f"{r.speedup:7.1f}x vs {r.baseline_median_ms:8.1f}"
        print(
            f"{r.name:<52} {r.layer:<12} {r.units:>6} {r.territories:>4} {r.median_ms:>10.2f} {r.min_ms:>9.2f} "
            f"{r.max_ms:>9.2f} {r.runs:>4}  {base:>22}" + ("" if r.unit == "ms" else f"  ({r.unit})")
        )
