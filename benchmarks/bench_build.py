"""The territory builder at county and ZIP scale (a report, not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_build.py [--layers us-counties us-zips] [--k 10 50 200]
                               [--seconds 5]

Each run builds K territories on the whole demo plan (the service end to end: scope, projection, engine, names,
report) and prints seconds, the furthest deviation, territories in more than one piece (islands) and the mean
Polsby–Popper. (A gerrychain/spopt reference run is not part of it yet.) In the suite (``python -m benchmarks``)
the section runs the county layer at K = 10 and 50 and the ZIP layer at K = 50.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from territory_planner.domain import Plan

from benchmarks.common import Record


@dataclass
class BuildRecord(Record):
    max_deviation: float | None = None
    multi_piece_territories: int | None = None
    mean_polsby_popper: float | None = None


def run_build(plan: Plan, layer_name: str, k: int, seconds: float) -> BuildRecord:
    from territory_planner.services.builder import BuildOptions, build_territories

    _ = plan.layer.geometry  # load the shapes before timing (a plan file defers them)
    start = time.perf_counter()
    result = build_territories(plan, BuildOptions(into=f"Bench {k}", territories=k, seconds=seconds))
    ms = (time.perf_counter() - start) * 1000
    pps = [t.polsby_popper for t in result.territories if t.polsby_popper is not None]
    rec = BuildRecord(f"build {k} territories", layer_name, len(plan.layer), k, ms, ms, ms, 1)
    rec.max_deviation = result.max_deviation
    rec.multi_piece_territories = sum(1 for t in result.territories if t.pieces > 1)
    rec.mean_polsby_popper = sum(pps) / len(pps) if pps else None
    return rec


def describe(rec: BuildRecord) -> str:
    pp = "n/a" if rec.mean_polsby_popper is None else f"{rec.mean_polsby_popper:.3f}"
    return (
        f"  {rec.layer:<12} K={rec.territories:<4} {rec.median_ms / 1000:7.2f} s  max deviation "
        f"{(rec.max_deviation or 0):6.1%}  in pieces {rec.multi_piece_territories:>3}  mean Polsby-Popper {pp}"
    )


def suite_section(plan: Plan, layer_name: str, runs: int) -> list[Record]:
    """For ``benchmarks/sections.optional_sections``: one build per K (they take seconds each)."""
    ks = (10, 50) if layer_name == "us-counties" else (50,)
    out: list[Record] = []
    for k in ks:
        rec = run_build(plan, layer_name, k, 5.0)
        print(describe(rec), flush=True)
        out.append(rec)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--layers", nargs="+", default=["us-counties", "us-zips"])
    parser.add_argument("--k", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--seconds", type=float, default=5.0, help="time box of the refinement")
    args = parser.parse_args()
    from territory_planner.services.demo import build_demo_plan

    for layer_name in args.layers:
        plan = build_demo_plan(layer_name=layer_name)
        for k in args.k:
            print(describe(run_build(plan, layer_name, k, args.seconds)), flush=True)


if __name__ == "__main__":
    main()
