"""The performance suite: ``python -m benchmarks [--quick] [--scale county|zip|both]``.

Prints a table and writes ``benchmarks/results.json``. Figures, not pass/fail: tests never assert times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from .common import Record, print_table


def _machine() -> dict[str, object]:
    info: dict[str, object] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }
    if hasattr(os, "getloadavg"):  # other work on the machine skews every figure: say how busy it was
        info["load_average_1_5_15_min"] = [round(x, 2) for x in os.getloadavg()]
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as handle:
            info["memory"] = handle.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return info


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--scale", choices=("county", "zip", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke run)")
    parser.add_argument("--output", default=str(Path(__file__).with_name("results.json")))
    args = parser.parse_args()
    runs = 5 if args.quick else 21
    naive_runs = 2 if args.quick else 5

    from territory_planner.services.demo import build_demo_plan

    from . import core, sections

    records: list[Record] = []
    started = time.perf_counter()
    layers = {"county": ["us-counties"], "zip": ["us-zips"], "both": ["us-counties", "us-zips"]}[args.scale]
    for layer_name in layers:
        print(f"== {layer_name}", flush=True)
        plan = build_demo_plan(layer_name=layer_name)
        steps: list[tuple[str, Callable[[], list[Record]]]] = [
            ("reassignment", partial(core.bench_reassign, plan, layer_name, runs, naive_runs)),
            ("open and check", partial(core.bench_open_and_check, plan, layer_name, max(3, runs // 4))),
            *sections.optional_sections(plan, layer_name, runs),
        ]
        for label, step in steps:
            try:
                new = step()
            except Exception:  # one broken section must not hide the others' figures
                print(f"   {label}: FAILED", file=sys.stderr)
                traceback.print_exc()
                continue
            records += new
            for r in new:
                print(f"   {r.name:<40} {r.median_ms:9.2f} {r.unit} (median of {r.runs})", flush=True)
    print()
    print_table(records)
    document = {
        "machine": _machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.perf_counter() - started, 1),
        "records": [r.as_dict() for r in records],
    }
    Path(args.output).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nWrote {args.output} ({document['seconds']} s)")


if __name__ == "__main__":
    main()
