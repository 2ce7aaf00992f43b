"""Map view performance at county and ZIP scale (offscreen, shown view). Prints median/min/max in ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_map.py [--layers counties,zips,synthetic-33000]

Layers: ``counties`` and ``zips`` are the bundled GeoPackages in maps/ (skipped when missing);
``synthetic-N`` is a Voronoi tessellation of N random cells with about 70 vertices each (the docs/ARCHITECTURE.md test
shape). For each layer: building the scene, a full territory refresh, the background render of the zoomed-out map
image, a frame at fit-to-window, and the time from an edit of 1 and 200 units to the end of the repaint it causes,
both at fit-to-window and zoomed in.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from territory_planner.domain import PALETTE, Layer  # noqa: E402
from territory_planner.gui.map_view import MapView  # noqa: E402

REPEATS = 7


def synthetic_layer(n: int, seed: int = 1, vertices: int = 70) -> Layer:
    """``n`` Voronoi cells over the lower 48's lon/lat box, shared edges densified to ~``vertices`` per cell."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = -120.0, 30.0, -75.0, 48.0
    points = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
    box = shapely.box(x0, y0, x1, y1)
    cells = np.asarray(shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box)))
    cells = shapely.intersection(cells, box)
    hit = shapely.STRtree(cells).query(shapely.points(points), predicate="within")
    order = np.empty(n, dtype=np.int64)
    order[hit[0]] = hit[1]
    side = np.sqrt((x1 - x0) * (y1 - y0) / n)
    cells = shapely.segmentize(cells[order], side * 6 / vertices)
    index = pd.Index([f"S{i:05d}" for i in range(n)], name="unit_id")
    units = pd.DataFrame({"name": [f"Cell {i}" for i in range(n)], "population": rng.integers(100, 10**5, n)}, index)
    return Layer(name=f"synthetic-{n}", units=units, geometry=gpd.GeoSeries(cells, index=index, crs="EPSG:4326"))


def bundled_layer(file: str) -> Layer | None:
    path = ROOT / "maps" / file
    if not path.exists():
        return None
    frame = gpd.read_file(path).set_index("unit_id")
    return Layer(name=path.stem, units=pd.DataFrame(frame.drop(columns="geometry")), geometry=frame.geometry)


def stats(label: str, samples: list[float]) -> None:
    ms = [s * 1000 for s in samples]
    print(f"  {label:<46} median {statistics.median(ms):8.1f}   min {min(ms):8.1f}   max {max(ms):8.1f}")


def timed(fn: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def settle(app: QApplication, seconds: float = 0.4) -> None:
    """Let queued repaints and timers (labels, display copy) run, so they are not counted against the next edit."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)


def until_painted(app: QApplication, view: MapView, edit: Callable[[], object]) -> tuple[float, float]:
    """Seconds spent in ``edit`` and from its start to the end of the repaint it causes."""
    settle(app)
    painted: list[float] = []

    def on_painted() -> None:
        painted.append(time.perf_counter())

    view.painted.connect(on_painted)
    start = time.perf_counter()
    edit()
    done = time.perf_counter()
    deadline = start + 10
    while not painted and time.perf_counter() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    view.painted.disconnect(on_painted)
    return done - start, (painted[0] if painted else float("nan")) - start


def territories(view: MapView, count: int = 48) -> np.ndarray:
    """Blocky fake territories: a grid over the map, a few cells unassigned."""
    anchors = view._geometry.anchors
    x, y = anchors[:, 0], anchors[:, 1]
    cols = 8
    rows = count // cols
    codes = ((x - x.min()) / (np.ptp(x) + 1) * cols).astype(np.int64) * rows
    codes += ((y - y.min()) / (np.ptp(y) + 1) * rows).astype(np.int64)
    codes[codes % 11 == 5] = -1
    return codes


def blob(view: MapView, seed_unit: int, size: int) -> np.ndarray:
    """``size`` connected units around ``seed_unit`` (what a lasso or brush stroke takes)."""
    geometry = view._geometry
    units = np.array([seed_unit])
    while len(units) < size:
        grown = np.unique(np.concatenate([units, geometry.neighbors(units)]))
        if len(grown) == len(units):
            break
        units = grown
    return units[:size]


def bench_layer(app: QApplication, layer: Layer) -> None:
    print(
        f"\n{layer.name}: {len(layer):,} units, {shapely.get_num_coordinates(layer.geometry.values).sum():,} vertices"
    )
    view = MapView()
    view.resize(1400, 860)
    view.show()
    app.processEvents()
    stats("set_layer", timed(lambda: view.set_layer(layer), 3))
    view.wait_for_raster()
    codes = territories(view)
    count = int(codes.max()) + 1
    colors = [PALETTE[i % len(PALETTE)] for i in range(count)]
    names = [f"Territory {i + 1}" for i in range(count)]
    status = [("funded", "at_risk", "unfunded", None)[i % 4] for i in range(count)]

    def full_refresh() -> None:
        view.set_territory_state(codes, colors, names, status, [False] * count)

    stats("set_territory_state (full refresh)", timed(full_refresh, 3))
    if view._needs_raster():
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            view.set_territory_status(status)
            view.wait_for_raster(120_000)
            samples.append(time.perf_counter() - start)
        stats("cached map image (background render)", samples)
    view.zoom_to_fit()
    settle(app, 0.5)
    lod = "cached image" if view.is_showing_raster() else "vector items"
    stats(f"frame at fit-to-window ({lod})", timed(view.viewport().repaint))
    if view.is_showing_raster():
        budget = view.VECTOR_BUDGET
        view.VECTOR_BUDGET = 10**9
        view._update_lod()
        stats("frame at fit-to-window (all vector items)", timed(view.viewport().repaint, 3))
        view.VECTOR_BUDGET = budget
        view._update_lod()
    rng = np.random.default_rng(7)
    for where in ("fit", "zoomed in"):
        if where == "zoomed in":
            centre = int(np.argsort(view._geometry.areas)[len(layer) // 2])
            view.zoom_to_units(layer.units.index[blob(view, centre, 300)])
            settle(app, 0.5)
            lod = "cached image" if view.is_showing_raster() else "vector items"
            stats(f"frame zoomed in ({lod})", timed(view.viewport().repaint))
        for size in (1, 200):
            calls, frames = [], []
            for i in range(REPEATS):
                if where == "fit":
                    seed = int(rng.integers(0, len(layer)))
                else:
                    seed = view.unit_at(view.visible_scene_rect().center())
                units = blob(view, seed, size)
                new = np.full(len(units), (int(codes[seed]) + 1 + i) % count)
                call, frame = until_painted(app, view, lambda u=units, c=new: view.update_units(u, c))
                calls.append(call)
                frames.append(frame)
            stats(f"update_units {size:>3} unit(s) at {where}: call", calls)
            stats(f"update_units {size:>3} unit(s) at {where}: to repainted", frames)
    stats("territory labels (redone 120 ms after edits stop)", timed(view._relabel, 5))
    stats("render_image(1600, 1000)", timed(lambda: view.render_image(1600, 1000), 3))
    view.close()
    view.deleteLater()
    app.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", default="counties,zips,synthetic-33000")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    print(f"MapView benchmark, {REPEATS} repeats unless noted, view 1400x860, {os.cpu_count()} cores")
    for name in args.layers.split(","):
        if name == "counties":
            layer = bundled_layer("us-counties.gpkg")
        elif name == "zips":
            layer = bundled_layer("us-zips.gpkg")
        elif name.startswith("synthetic-"):
            layer = synthetic_layer(int(name.split("-", 1)[1]))
        else:
            raise SystemExit(f"Unknown layer '{name}': use counties, zips or synthetic-N.")
        if layer is None:
            print(f"\n{name}: not built (maps/), skipped")
            continue
        bench_layer(app, layer)


if __name__ == "__main__":
    main()
