"""Timings and peak memory of the accounts import into the US county layer (a report, not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_accounts.py [--sizes 100000 1000000] [--wide]

For each size it writes a synthetic CRM export (realistic mess: ZIP+4, dropped leading zeros, blanks, bad and
unknown ZIP codes, currency strings in three measure columns) once placed by ZIP code and once by latitude/longitude,
then imports each file in a fresh process and prints the wall time of ``import_accounts`` and the process's peak
resident memory (``resource.getrusage``), next to the memory the process had before the import (Python, numpy,
geopandas and the county layer). ``--wide`` adds a 1,000,000-row file of about 500 MB (a long description column)
placed by ZIP code.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from benchmarks.common import Record
    from territory_planner.domain import Plan

GOALS = {100_000: 5.0, 1_000_000: 30.0}


def _zip_pool() -> pd.DataFrame:
    import pandas as pd
    import zipcodes

    frame = pd.DataFrame(zipcodes.list_all())[["zip_code", "state", "lat", "long"]]
    frame["lat"] = frame["lat"].astype(float)
    frame["long"] = frame["long"].astype(float)
    return frame[(frame["lat"] != 0) & (frame["long"] != 0)].reset_index(drop=True)


def write_export(path: Path, rows: int, mode: str, description_bytes: int = 0, seed: int = 1) -> None:
    """A CRM export of ``rows`` accounts placed by ``zip`` or by ``coordinates``, written in chunks."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    pool = _zip_pool()
    chunk = 200_000
    first = True
    frames: list[pd.DataFrame] = []
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        pick = pool.iloc[rng.integers(0, len(pool), n)].reset_index(drop=True)
        zips = pick["zip_code"].to_numpy(dtype=object).copy()
        kind = rng.random(n)
        plus4 = rng.integers(0, 10_000, n)
        dropped = kind < 0.08
        zips[dropped] = [z.lstrip("0") for z in zips[dropped]]
        with_plus4 = (kind >= 0.08) & (kind < 0.15)
        zips[with_plus4] = [f"{z}-{p:04d}" for z, p in zip(zips[with_plus4], plus4[with_plus4], strict=True)]
        zips[(kind >= 0.15) & (kind < 0.19)] = ""
        zips[(kind >= 0.19) & (kind < 0.21)] = "N/A"
        zips[(kind >= 0.21) & (kind < 0.23)] = "99999"
        revenue = rng.uniform(0, 5e6, n)
        frame = pd.DataFrame(
            {
                "Account ID": [f"001{i:012d}" for i in range(start, start + n)],
                "Account Name": [f"Account {i}, Inc." for i in range(start, start + n)],
                "Billing City": "",
                "Billing State/Province": pick["state"],
                "Annual Revenue": [f"${v:,.2f}" for v in revenue],
                "Open Pipeline": rng.integers(0, 500_000, n),
                "Potential": np.round(rng.uniform(0, 1e6, n), 2),
            }
        )
        if mode == "zip":
            frame.insert(3, "Billing Zip/Postal Code", zips)
        else:
            lat = pick["lat"].to_numpy() + rng.normal(0, 0.01, n)
            lon = pick["long"].to_numpy() + rng.normal(0, 0.01, n)
            blank = kind < 0.03
            frame.insert(3, "Latitude", np.where(blank, "", np.round(lat, 6).astype(str)))
            frame.insert(4, "Longitude", np.where(blank, "", np.round(lon, 6).astype(str)))
        if description_bytes:
            frame["Description"] = "Notes about the account; " * (description_bytes // 25)
        if path.suffix == ".xlsx":
            frames.append(frame)
            continue
        frame.to_csv(path, mode="w" if first else "a", header=first, index=False, lineterminator="\r\n")
        first = False
    if path.suffix == ".xlsx":
        _write_workbook(path, pd.concat(frames))


def _write_workbook(path: Path, frame: pd.DataFrame) -> None:
    """As Excel keeps a CRM export: ZIP codes that look like numbers are numbers (so their zeros are gone)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Accounts")
    sheet.append(list(frame.columns))
    zip_at = list(frame.columns).index("Billing Zip/Postal Code") if "Billing Zip/Postal Code" in frame else -1
    for row in frame.itertuples(index=False, name=None):
        cells = list(row)
        if zip_at >= 0 and str(cells[zip_at]).isdigit():
            cells[zip_at] = int(cells[zip_at])
        sheet.append(cells)
    workbook.save(path)


def run_import(path: str, mode: str) -> None:
    """The measured part, in its own process: prints one JSON line."""
    import pandas as pd

    from territory_planner.domain import Layer, Plan
    from territory_planner.geo.catalogue import load_bundled_layer
    from territory_planner.readers.accounts import ColumnMapping
    from territory_planner.readers.zipcodes_index import zip_centroids
    from territory_planner.services.accounts import import_accounts

    frame = load_bundled_layer("us-counties")
    layer = Layer(
        "us-counties", pd.DataFrame(frame.drop(columns="geometry")), unit_noun="county", geometry=frame.geometry
    )
    start = time.perf_counter()
    zip_centroids()
    zip_list = time.perf_counter() - start
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    measures = ("Annual Revenue", "Open Pipeline", "Potential")
    mapping = (
        ColumnMapping(zip="Billing Zip/Postal Code", measures=measures)
        if mode == "zip"
        else ColumnMapping(lat="Latitude", measures=measures)
    )
    result = import_accounts(Plan("bench", layer), path, mapping, report=Path(path).with_suffix(".unplaced.csv"))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    hwm = _vm_hwm()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "zip_list_seconds": zip_list,
                "rss_before_mb": before,
                "peak_rss_mb": peak,
                "vm_hwm_mb": hwm,
                "placed": result.placed,
                "unplaced": result.unplaced,
            }
        )
    )


def suite_section(plan: Plan, layer_name: str, runs: int) -> list[Record]:
    """Records for the performance suite (``python -m benchmarks``): 100,000 accounts by ZIP and by coordinates.

    For ``benchmarks/sections.optional_sections``; the runs are capped at 3 (each import takes about a second).
    """
    from benchmarks.common import record, time_runs
    from territory_planner.domain import Plan as PlanType
    from territory_planner.readers.accounts import ColumnMapping
    from territory_planner.services.accounts import import_accounts

    records = []
    with tempfile.TemporaryDirectory() as folder:
        measures = ("Annual Revenue", "Open Pipeline")
        for mode, mapping in (
            ("zip", ColumnMapping(zip="Billing Zip/Postal Code", measures=measures)),
            ("coordinates", ColumnMapping(measures=measures)),
        ):
            path = Path(folder) / f"accounts-{mode}.csv"
            write_export(path, 100_000, mode)
            fresh = PlanType(plan.name, plan.layer)  # the import reads the layer only; no scenario is needed

            def run(path: Path = path, mapping: ColumnMapping = mapping, fresh: PlanType = fresh) -> None:
                import_accounts(fresh, path, mapping)

            times = time_runs(run, min(runs, 3))
            records.append(record(f"import 100k accounts by {mode}", layer_name, len(plan.layer), 0, times))
    return records


def _vm_hwm() -> float | None:
    """Peak resident memory of this process image in MB from /proc (Linux), None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--wide", action="store_true", help="also a 1,000,000-row file of about 500 MB")
    parser.add_argument("--xlsx", type=int, metavar="ROWS", help="also an Excel workbook of ROWS accounts")
    parser.add_argument("--run", nargs=2, metavar=("FILE", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--write", nargs=4, metavar=("FILE", "ROWS", "MODE", "DESCRIPTION"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_import(*args.run)
        return
    if args.write:
        write_export(Path(args.write[0]), int(args.write[1]), args.write[2], int(args.write[3]))
        return
    cases = [(size, mode, 0, ".csv") for size in args.sizes for mode in ("zip", "coordinates")]
    if args.wide:
        cases.append((1_000_000, "zip", 450, ".csv"))
    if args.xlsx:
        cases.append((args.xlsx, "zip", 0, ".xlsx"))
    print(f"{'accounts':>10} {'placed by':<12} {'file':<5} {'MB':>5} {'import s':>9} {'goal s':>7} "
          f"{'RSS before':>11} {'peak RSS':>9} {'VmHWM':>7} {'placed':>9} {'unplaced':>9}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for size, mode, description, suffix in cases:
            path = Path(folder) / f"accounts-{size}-{mode}-{description}{suffix}"
            # Both steps in child processes: a big parent would leave its memory peak in the child's getrusage.
            subprocess.run(
                [sys.executable, __file__, "--write", str(path), str(size), mode, str(description)], check=True
            )
            out = subprocess.run(
                [sys.executable, __file__, "--run", str(path), mode], check=True, capture_output=True, text=True
            )
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            goal = GOALS.get(size) if suffix == ".csv" else None
            hwm = f"{figures['vm_hwm_mb']:.0f}MB" if figures["vm_hwm_mb"] else "-"
            print(
                f"{size:>10,} {mode:<12} {suffix[1:]:<5} {path.stat().st_size / 1e6:>5.0f} {figures['seconds']:>9.2f} "
                f"{goal if goal else '':>7} {figures['rss_before_mb']:>9.0f}MB {figures['peak_rss_mb']:>7.0f}MB "
                f"{hwm:>7} {figures['placed']:>9,} {figures['unplaced']:>9,}"
            )
            path.unlink()
    print("The ZIP code list is read once per process (not counted above): about 0.5-1 s.")


if __name__ == "__main__":
    main()
