"""A small plan for the live-sharing tests and benchmark, and helpers to wait on other clients.

Imported by the test subprocess that is killed mid-commit, so it depends on nothing but the app and its libraries.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import shapely

from territory_planner.domain import BASELINE, Allocation, Layer, Plan, Scenario, Seller, Territory

TERRITORIES = [f"T{i}" for i in range(10)]


def sharing_plan(units: int = 200, name: str = "Shared plan") -> Plan:
    """``units`` squares, ten territories of ``units / 10`` units each, a seller and an allocation per territory,
    and a what-if copy of the baseline."""
    ids = [f"{i:05d}" for i in range(units)]
    x = np.arange(units) % 20
    y = np.arange(units) // 20
    index = pd.Index(ids, name="unit_id")
    frame = pd.DataFrame({"name": [f"Unit {i}" for i in ids], "potential": np.full(units, 1000.0)}, index=index)
    import geopandas

    geometry = geopandas.GeoSeries(shapely.box(x, y, x + 1.0, y + 1.0), index=index, crs="EPSG:4326")
    layer = Layer("Squares", frame, "EPSG:4326", "square", geometry, None, "potential")
    base = Scenario(BASELINE)
    for i, t in enumerate(TERRITORIES):
        base.territories[t] = Territory(t, None, f"#0000{i:02d}")
        base.sellers[f"Seller {t}"] = Seller(f"Seller {t}", t, "existing", None, 0, 500_000.0, 100_000.0)
        base.allocations[("territory", t)] = Allocation("territory", t, 1_000_000.0, 10_000.0)
    per = units // len(TERRITORIES)
    base.assignment = {u: TERRITORIES[min(i // per, len(TERRITORIES) - 1)] for i, u in enumerate(ids)}
    return Plan(name, layer, {BASELINE: base, "What-if": base.clone("What-if")})


def wait_for(condition: Callable[[], bool], timeout: float, step: float = 0.005) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass (other clients run on their own threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
