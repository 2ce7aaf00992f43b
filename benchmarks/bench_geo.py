"""Timings of the geo operations on the bundled layers (a report, not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_geo.py [--layers us-counties us-zips]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from territory_planner.geo import (
    available_layers,
    load_bundled_layer,
    patch_outlines,
    place_points,
    recompute_outlines_for,
    simplified_for_display,
    territory_outlines,
    unit_adjacency,
)


def timed(label: str, action: Callable[[], Any], repeat: int = 3) -> Any:
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<46} {best * 1000:9.1f} ms")
    return result


def bench_layer(name: str, territories: int, points: int) -> None:
    info = {i.name: i for i in available_layers()}[name]
    print(f"{name}: {info.unit_count:,} units, {info.file.stat().st_size / 1e6:.1f} MB")
    units = timed("load_bundled_layer", lambda: load_bundled_layer(name))
    geometry = units.geometry
    timed("unit_adjacency", lambda: unit_adjacency(geometry), repeat=1)

    # Territories: contiguous-ish bands of units by longitude.
    x = geometry.representative_point().x.to_numpy()
    bands = pd.Series(pd.qcut(x, territories, labels=False), index=units.index).map(lambda k: f"T{k:02d}")
    outlines = timed(f"territory_outlines ({territories} territories)", lambda: territory_outlines(geometry, bands))
    cache = outlines.to_dict()

    # One edit: move the unit of T00 nearest T01 into T01.
    members = np.flatnonzero(bands.to_numpy() == "T00")
    moved = units.index[[members[np.argmax(x[members])]]]
    timed("patch_outlines (1 unit)", lambda: patch_outlines(cache, geometry[moved], ["T00"], "T01"))
    after = bands.copy()
    after[moved] = "T01"
    timed("recompute_outlines_for (2 territories)", lambda: recompute_outlines_for(geometry, after, ["T00", "T01"]))
    timed("simplified_for_display (0.01°)", lambda: simplified_for_display(geometry, 0.01), repeat=1)

    rng = np.random.default_rng(1)
    lon = rng.uniform(-125, -67, points)
    lat = rng.uniform(25, 49, points)
    timed(f"place_points ({points:,} points)", lambda: place_points(lon, lat, units), repeat=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", nargs="+", default=["us-states", "us-counties", "us-zips"])
    parser.add_argument("--points", type=int, default=1_000_000)
    args = parser.parse_args()
    present = {i.name for i in available_layers()}
    for name in args.layers:
        if name in present:
            bench_layer(name, territories=min(50, max(2, len(load_bundled_layer(name)) // 4)), points=args.points)


if __name__ == "__main__":
    main()
