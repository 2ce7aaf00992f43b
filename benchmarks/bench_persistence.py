"""Save and load times of whole plans (median milliseconds), on a .tplan file and optionally on PostgreSQL.

    .venv/bin/python benchmarks/bench_persistence.py [--repeat 5] [--postgres URL]

Synthetic county-scale (3,200 units) and ZIP-scale (33,000 units) plans: square units with ~100 vertices each (like
real boundaries), four attribute columns, grid adjacency, 50 territories in 5 regions, 50 sellers, and two scenarios
(so twice the assignment rows). PostgreSQL runs when ``--postgres`` or ``TP_TEST_POSTGRES_URL`` gives a database.
Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from territory_planner.domain import BASELINE, Layer, Plan, Region, Scenario, Seller, Territory
from territory_planner.persistence import load_plan, plan_target, save_plan


def synthetic_plan(n: int) -> Plan:
    columns = int(np.ceil(np.sqrt(n)))
    pos = np.arange(n)
    x, y = (pos % columns).astype(float), (pos // columns).astype(float)
    geometry = shapely.segmentize(shapely.box(x, y, x + 1, y + 1), 0.04)  # 101 vertices a unit
    ids = [f"{i:05d}" for i in range(n)]
    index = pd.Index(ids, name="unit_id")
    rng = np.random.default_rng(0)
    units = pd.DataFrame(
        {
            "name": [f"Unit {u}" for u in ids],
            "population": rng.integers(0, 100_000, n),
            "accounts": rng.integers(0, 500, n),
            "potential": rng.random(n) * 1e6,
            "state": pd.Series(np.array(["CA", "NV", "OR", "WA", "AZ"])[pos % 5], index=index),
        },
        index=index,
    )
    right = pos[(pos % columns < columns - 1) & (pos + 1 < n)]
    up = pos[pos + columns < n]
    adjacency = np.concatenate([np.column_stack([right, right + 1]), np.column_stack([up, up + columns])])
    layer = Layer(
        name="Synthetic",
        units=units,
        geometry=geopandas.GeoSeries(geometry, index=index, crs="EPSG:4326"),
        adjacency=adjacency.astype(np.int64),
        potential_column="potential",
    )
    base = Scenario(BASELINE)
    base.regions = {f"R{r}": Region(f"R{r}") for r in range(5)}
    base.territories = {f"T{k:02d}": Territory(f"T{k:02d}", f"R{k % 5}") for k in range(50)}
    base.assignment = {u: f"T{(i * 50) // n:02d}" for i, u in enumerate(ids)}
    base.sellers = {f"S{k}": Seller(f"S{k}", f"T{k:02d}", annual_quota=1e6) for k in range(50)}
    return Plan(f"Synthetic {n}", layer, {BASELINE: base, "What-if": base.clone("What-if")})


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", default=os.environ.get("TP_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()

    print(f"{'plan':<18}{'target':<12}{'save ms':>10}{'load ms':>10}{'size MB':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for n in (3_200, 33_000):
            plan = synthetic_plan(n)
            targets = [("sqlite file", Path(folder) / f"bench-{n}.tplan")]
            if args.postgres:
                targets.append(("postgresql", plan_target(args.postgres, plan_key=f"bench-{n}")))
            for label, target in targets:
                save_plan(plan, target)  # warm-up (and the file to load)
                save = median_ms(lambda plan=plan, target=target: save_plan(plan, target), args.repeat)
                load = median_ms(lambda target=target: load_plan(target), args.repeat)
                size = f"{target.stat().st_size / 1e6:.1f}" if isinstance(target, Path) else "-"
                print(f"{n:>6,} units{'':<6}{label:<12}{save:>10.0f}{load:>10.0f}{size:>10}")


if __name__ == "__main__":
    main()
