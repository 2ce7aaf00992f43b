"""Export timings on the demo county plan (3,220 counties, 11 territories, baseline + one what-if).

Run from the repository root: ``.venv/bin/python benchmarks/bench_export.py [--repeat N]`` (with the package
installed, or ``PYTHONPATH=.``). Prints the median wall time and the file size of each output of the leadership
pack, exporting both scenarios, each output on its own (so each time includes evaluating the scenarios and preparing
the shapes that output needs), then of the whole pack.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from territory_planner.exporters.pack import build_pack
from territory_planner.services.demo import build_demo_plan
from territory_planner.services.export import export_pack

OUTPUTS = {
    "html": "map.html",
    "pdf": "report.pdf",
    "png": "map.png",
    "gpkg": "plan.gpkg",
    "geojson": "territories.geojson",
    "shp": "territories.zip",
    "xlsx": "plan.xlsx",
}


def _median(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    plan = build_demo_plan()
    print(f"demo plan built in {time.perf_counter() - start:.2f} s ({len(plan.layer):,} units)")
    scenarios = list(plan.scenarios)
    rows = [
        ("pack: figures only", _median(lambda: build_pack(plan, scenarios, maps=False), args.repeat), None),
        ("pack: display shapes", _median(lambda: build_pack(plan, scenarios), args.repeat), None),
        (
            "pack: exact outlines",
            _median(lambda: build_pack(plan, scenarios, maps=False, exact_outlines=True), args.repeat),
            None,
        ),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for kind, name in OUTPUTS.items():
            target = Path(folder) / name
            seconds = _median(
                lambda kind=kind, target=target: export_pack(plan, scenarios, **{kind: target}), args.repeat
            )
            rows.append((kind, seconds, target.stat().st_size))
        targets = {kind: Path(folder) / f"all-{name}" for kind, name in OUTPUTS.items()}
        rows.append(("whole pack", _median(lambda: export_pack(plan, scenarios, **targets), args.repeat), None))
    print(f"{'output':<22}{'median s':>10}{'size':>12}")
    for label, seconds, size in rows:
        shown = f"{size / 1e6:.2f} MB" if size is not None else ""
        print(f"{label:<22}{seconds:>10.3f}{shown:>12}")


if __name__ == "__main__":
    main()
