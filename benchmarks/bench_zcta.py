"""``layers build-zcta`` on a synthetic ZCTA file of the real size (33,791 ZCTAs), as a report, not a test.

Run from the repository root:  .venv/bin/python benchmarks/bench_zcta.py [--units 33791] [--vertices 160] [--runs 1]

The synthetic file is a zipped shapefile shaped like ``cb_2020_us_zcta520_500k.zip``: ``ZCTA5CE20``, ``GEOID20``,
``ALAND20``, ``AWATER20`` columns, NAD83, the real ZCTA codes of the bundled census table (so counties and figures
are joined as for the real file), and a tessellation of the continental US into units whose borders bend, with
about 160 vertices a unit. Neighbours share their borders exactly, except
that every 50th unit overlaps its eastern neighbour by a hair, for ``coverage_clean`` to snap.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from territory_planner.services.layers import build_zcta_layer, read_acs_table

REAL_ZCTA_COUNT = 33_791
RECORD_NAME = "build-zcta: 33,791 synthetic ZCTAs"


#: Detail below the simplification tolerance (degrees): a real border's small bends, which simplifying removes.
JITTER = 0.0001


def _edge(start: np.ndarray, end: np.ndarray, inner: int, amplitude: float, seed: int) -> np.ndarray:
    """A border from ``start`` to ``end`` (both included) with ``inner`` points: a seeded smooth bend of up to
    ``amplitude`` plus fine jitter, the same for both units that share it."""
    t = np.linspace(0.0, 1.0, inner + 2)
    points = start + (end - start) * t[:, None]
    direction = (end - start) / np.linalg.norm(end - start)
    normal = np.array([-direction[1], direction[0]])
    rng = np.random.default_rng(seed)
    bends = rng.uniform(-1.0, 1.0, 3)
    offsets = amplitude / 3 * (np.sin(np.outer(t, [1, 2, 3]) * np.pi) @ bends)
    offsets += rng.uniform(-JITTER, JITTER, inner + 2)
    offsets[[0, -1]] = 0.0
    return points + offsets[:, None] * normal


def synthetic_zctas(units: int = REAL_ZCTA_COUNT, vertices: int = 160) -> gpd.GeoDataFrame:
    """A grid tessellation of the continental US with ``units`` cells of about ``vertices`` vertices each."""
    side = int(np.ceil(np.sqrt(units)))
    xs = np.linspace(-124.0, -68.0, side + 1)
    ys = np.linspace(25.0, 49.0, side + 1)
    inner = max(vertices // 4 - 1, 0)
    amplitude = 0.1 * min(xs[1] - xs[0], ys[1] - ys[0])
    horizontal = {
        (i, j): _edge(np.array([xs[j], ys[i]]), np.array([xs[j + 1], ys[i]]), inner, amplitude, 2 * (i * side + j))
        for i in range(side + 1)
        for j in range(side)
    }
    vertical = {
        (i, j): _edge(np.array([xs[j], ys[i]]), np.array([xs[j], ys[i + 1]]), inner, amplitude, 2 * (i * side + j) + 1)
        for i in range(side)
        for j in range(side + 1)
    }
    shapes: list[Any] = []
    for n in range(units):
        i, j = divmod(n, side)
        ring = np.vstack(
            [
                horizontal[i, j][:-1],
                vertical[i, j + 1][:-1],
                horizontal[i + 1, j][::-1][:-1],
                vertical[i, j][::-1],
            ]
        )
        if n % 50 == 0:
            ring[(ring[:, 0] >= xs[j + 1] - amplitude - 1e-12), 0] += 2e-7  # a hair into the eastern neighbour
        shapes.append(shapely.Polygon(ring))
    known = list(read_acs_table().index)
    taken = set(known)
    extra = [f"{k:05d}" for k in range(100_000) if f"{k:05d}" not in taken][: max(units - len(known), 0)]
    codes = sorted(known + extra)[:units]
    return gpd.GeoDataFrame(
        {
            "ZCTA5CE20": codes,
            "GEOID20": codes,
            "ALAND20": np.full(units, 25_000_000, dtype=np.int64),
            "AWATER20": np.zeros(units, dtype=np.int64),
        },
        geometry=shapes,
        crs="EPSG:4269",
    )


def write_zipped(frame: gpd.GeoDataFrame, folder: Path, name: str = "cb_2020_us_zcta520_500k") -> Path:
    frame.to_file(folder / f"{name}.shp", driver="ESRI Shapefile")
    archive = folder / f"{name}.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for part in sorted(folder.glob(f"{name}.*")):
            if part.suffix != ".zip":
                zipped.write(part, part.name)
                part.unlink()
    return archive


def run_build(source: Path, out: Path) -> dict[str, float]:
    """Build once; returns seconds per step (from the progress messages) and in total."""
    marks: list[tuple[float, str]] = []
    start = time.perf_counter()
    build_zcta_layer(source, out, progress=lambda _f, message: marks.append((time.perf_counter(), message)))
    total = time.perf_counter() - start
    steps: dict[str, float] = {}
    for (at, message), (after, _) in zip(marks, [*marks[1:], (start + total, "")], strict=True):
        steps[message] = steps.get(message, 0.0) + after - at
    steps["total"] = total
    return steps


def suite_section(runs: int, layer_name: str = "us-zips") -> list[Any]:
    """The record for the performance suite (``python -m benchmarks``): one or two builds (each takes a minute)."""
    from benchmarks.common import record

    with tempfile.TemporaryDirectory() as folder:
        source = write_zipped(synthetic_zctas(), Path(folder))
        times = [run_build(source, Path(folder) / "zips.gpkg")["total"] * 1000 for _ in range(min(runs, 2))]
    return [record(RECORD_NAME, layer_name, REAL_ZCTA_COUNT, 0, times)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=REAL_ZCTA_COUNT)
    parser.add_argument("--vertices", type=int, default=160)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        frame = synthetic_zctas(args.units, args.vertices)
        source = write_zipped(frame, Path(folder))
        vertices = int(shapely.get_num_coordinates(np.asarray(frame.geometry.array)).sum())
        print(
            f"synthetic file: {args.units:,} ZCTAs, {vertices:,} vertices, {source.stat().st_size / 1e6:.1f} MB "
            f"zipped, made in {time.perf_counter() - started:.1f} s"
        )
        for run in range(args.runs):
            steps = run_build(source, Path(folder) / "zips.gpkg")
            print(f"run {run + 1}:")
            for message, seconds in steps.items():
                print(f"  {message:<66} {seconds:8.2f} s")
            size = (Path(folder) / "zips.gpkg").stat().st_size / 1e6
            print(f"  output {size:.1f} MB")


if __name__ == "__main__":
    main()
