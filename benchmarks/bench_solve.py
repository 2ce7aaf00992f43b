"""The budget optimiser (``solve``) on the demo plan and on synthetic plans (a report, not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_solve.py [--time-limit 10] [--runs 3]

Each case is solved without and with ``--allow-delays``: seconds (median of the runs, the whole service including
the check of the result), whether the optimum is proven and the gap. The synthetic plans have 100 territories and
50 planned hires, and 1,000 territories (ZIP scale) and 300 hires, in 10 regions with a mix of region pools and
territory allocations, and a budget that funds the existing sellers and about half of the hires. In the suite
(``python -m benchmarks``) the section runs the demo plan of the layer and the 100 x 50 plan.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from benchmarks.common import Record

if TYPE_CHECKING:
    from territory_planner.domain import Plan


@dataclass
class SolveRecord(Record):
    optimal: bool | None = None
    gap: float | None = None
    hires: int | None = None
    funded_hires: int | None = None


def synthetic_plan(territories: int, hires: int, seed: int = 11) -> Plan:
    """``territories`` territories of one unit each in 10 regions, two existing sellers each, ``hires`` hires."""
    from territory_planner.domain import (
        BASELINE,
        Allocation,
        Assumptions,
        Layer,
        Month,
        Plan,
        Region,
        Scenario,
        Seller,
        Territory,
    )
    from territory_planner.domain.funnel import period_quota, reverse_funnel

    rng = np.random.default_rng(seed)
    ids = [f"{i:05d}" for i in range(territories)]
    layer = Layer("Synthetic", pd.DataFrame({"name": ids}, index=pd.Index(ids, name="unit_id")))
    assumptions = Assumptions()
    start = assumptions.period_start
    regions = {f"R{r}": Region(f"R{r}") for r in range(10)}
    terr = {f"T{i}": Territory(f"T{i}", f"R{i % 10}") for i in range(territories)}
    sellers: dict[str, Seller] = {}
    for i in range(territories):
        for j in range(2):
            quota = float(rng.integers(6, 16)) * 100_000
            sellers[f"S{i}-{j}"] = Seller(f"S{i}-{j}", f"T{i}", "existing", annual_quota=quota)
    for h in range(hires):
        month = Month(start.year, int(rng.integers(1, 13)))
        quota = float(rng.integers(6, 16)) * 100_000
        t = f"T{int(rng.integers(0, territories))}"
        sellers[f"H{h}"] = Seller(f"H{h}", t, "planned", month, int(rng.integers(0, 7)), quota)
    funnel = assumptions.resolve(None, None)
    need = {t: 0.0 for t in terr}
    hire_need = 0.0
    for s in sellers.values():
        spend = reverse_funnel(period_quota(s, start), 0, funnel).required_spend
        if s.is_hire:
            hire_need += spend
        else:
            need[s.territory or ""] += spend
    allocations: dict[tuple[str, str], Allocation] = {}
    for r in range(0, 10, 2):  # half the regions share a pool
        members = [t for t in terr if terr[t].region == f"R{r}"]
        allocations[("region", f"R{r}")] = Allocation("region", f"R{r}", sum(need[t] for t in members) * 0.97)
    for t, territory in terr.items():
        if int(territory.region[1:]) % 2 == 1:  # type: ignore[index]
            allocations[("territory", t)] = Allocation("territory", t, need[t] * float(rng.uniform(0.9, 1.2)))
    assumptions.values["marketing_budget"] = sum(need.values()) + 0.5 * hire_need
    assumptions.values["marketing_hours"] = 1e9
    scenario = Scenario(BASELINE, regions, terr, {u: f"T{i}" for i, u in enumerate(ids)}, sellers, allocations,
                        assumptions)  # fmt: skip
    return Plan("Synthetic", layer, {BASELINE: scenario})


def run_solve(plan: Plan, label: str, layer: str, delays: bool, time_limit: float, runs: int) -> SolveRecord:
    from territory_planner.services.optimise import solve

    times, result = [], None
    for _ in range(runs):
        begin = time.perf_counter()
        result = solve(plan, "baseline", "Bench", allow_delays=delays, time_limit=time_limit)
        times.append((time.perf_counter() - begin) * 1000)
    assert result is not None
    name = f"solve {label}" + (" with delays" if delays else "")
    n_terr = len(plan.scenario().territories)
    return SolveRecord(name, layer, len(plan.layer), n_terr, statistics.median(times), min(times), max(times), runs,
                       optimal=result.optimal, gap=result.gap, hires=result.hires_total,
                       funded_hires=result.funded_hires)  # fmt: skip


def describe(rec: SolveRecord) -> str:
    gap = "unknown" if rec.gap is None else f"{rec.gap * 100:.2f} %"
    proof = "proven optimal" if rec.optimal else f"not proven, gap {gap}"
    return f"   {rec.name:<40} {rec.median_ms / 1000:8.3f} s  {proof}  ({rec.funded_hires} of {rec.hires} hires funded)"


def cases(plan: Plan | None, layer_name: str, scale: tuple[str, ...]) -> list[tuple[str, str, Plan]]:
    out = []
    if plan is not None:
        out.append(("demo plan", layer_name, plan))
    if "100x50" in scale:
        out.append(("100 territories x 50 hires", "synthetic", synthetic_plan(100, 50)))
    if "1000x300" in scale:
        out.append(("1,000 territories x 300 hires", "synthetic", synthetic_plan(1000, 300)))
    return out


def suite_section(plan: Plan, layer_name: str, runs: int) -> list[Record]:
    scale = ("100x50",) if layer_name == "us-counties" else ()
    out: list[Record] = []
    for label, layer, case in cases(plan, layer_name, scale):
        for delays in (False, True):
            rec = run_solve(case, label, layer, delays, 10.0, min(runs, 3))
            print(describe(rec), flush=True)
            out.append(rec)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks/bench_solve.py")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", nargs="*", default=["100x50", "1000x300"])
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    plan = None
    if not args.no_demo:
        from territory_planner.services.demo import build_demo_plan

        plan = build_demo_plan(layer_name="us-counties")
    for label, layer, case in cases(plan, "us-counties", tuple(args.scale)):
        for delays in (False, True):
            print(describe(run_solve(case, label, layer, delays, args.time_limit, args.runs)), flush=True)


if __name__ == "__main__":
    main()
