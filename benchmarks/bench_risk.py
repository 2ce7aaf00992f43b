"""Funding confidence (``check --risk``) on the demo plan (11 territories) and a synthetic 1,000-territory plan.

Run from the repository root:  .venv/bin/python -m benchmarks.bench_risk [--draws 20000] [--runs 3]

Each case has ranges on four funnel keys (win rate, cost per lead, marketing share, average deal size) and times
``check --risk`` without loading the file: the evaluation, the flip points and the Monte Carlo
(``services.risk.run_risk``). The naive baseline runs in the same process on the same draws: a Python loop over
the draws, each one the reverse funnel of every territory (numpy over territories), the pools summed and compared,
the hires judged in order. Both must give the same shares; the figures print side by side. Goal 0.3 s, floor 2 s.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.common import Record, print_table, record, with_baseline

if TYPE_CHECKING:
    from territory_planner.domain import Plan, Report, Scenario

#: Ranges as fractions of the plan value; rates are kept at most 100 %.
RANGES = {
    "win_rate": (0.7, 1.3),
    "cost_per_lead": (0.8, 1.5),
    "marketing_share": (0.8, 1.2),
    "avg_deal_size": (0.8, 1.1),
}
_RATES = ("win_rate", "marketing_share")


def with_ranges(plan: Plan) -> Plan:
    """The plan's baseline with a range on four keys (fractions of the plan value)."""
    a = plan.scenario().assumptions
    for key, (low, high) in RANGES.items():
        value = a.values[key]
        cap = 1.0 if key in _RATES else np.inf
        a.set("plan", None, f"{key}.low", value * low)
        a.set("plan", None, f"{key}.high", min(value * high, cap))
    return plan


def check_risk(scenario: Scenario, layer: object, draws: int, seed: int) -> object:
    from territory_planner.domain import evaluate
    from territory_planner.services.risk import sensitivity

    report = evaluate(scenario, layer)  # type: ignore[arg-type]
    return sensitivity(scenario, report, True, draws, seed)


def naive_risk(scenario: Scenario, report: Report, draws: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The baseline: one iteration per draw. Returns the territories' and the hires' funded shares."""
    from territory_planner.domain.assumptions import FUNNEL_KEYS
    from territory_planner.domain.checks import EPS, funding_pools
    from territory_planner.domain.funnel import period_quota
    from territory_planner.services.risk import draw_ratios

    a = scenario.assumptions
    names = [r.territory for r in report.territories]
    resolved = {n: a.resolve(n, scenario.territories[n].region) for n in names}
    keys = ("avg_deal_size", "win_rate", "sql_to_opp", "mql_to_sql", "lead_to_mql", "marketing_share", "cost_per_lead")
    value = {k: np.array([getattr(resolved[n], k) for n in names]) for k in keys}
    target = np.array([r.target for r in report.territories])
    funnels = {r.territory: r.funnel for r in report.territories}
    pools = funding_pools(scenario, funnels, resolved)
    pool_keys = list(pools)
    pool_index = {m: i for i, key in enumerate(pool_keys) for m in pools[key].members}
    member_pool = np.array([pool_index.get(n, -1) for n in names])
    budget = np.array([pools[k].allocation.budget for k in pool_keys] or [0.0])
    in_pool = member_pool >= 0
    start = a.period_start
    index = {n: i for i, n in enumerate(names)}
    existing_quota = np.zeros(len(names))
    for s in scenario.sellers.values():
        if not s.is_hire and s.territory in index:
            existing_quota[index[s.territory]] += period_quota(s, start)
    planned = sorted(
        (s for s in scenario.sellers.values() if s.is_hire), key=lambda s: ((s.start_month or start).index, s.name)
    )
    hire_t = np.array([index.get(s.territory or "", -1) for s in planned])
    hire_quota = np.array([period_quota(s, start) for s in planned])
    hire_pool = np.where(hire_t >= 0, member_pool[np.maximum(hire_t, 0)], -1)
    safe_t, safe_pool = np.maximum(hire_t, 0), np.maximum(hire_pool, 0)
    order = np.lexsort((np.arange(len(planned)), hire_pool))  # by pool, then hire order
    _, group_start, group_size = np.unique(hire_pool[order], return_index=True, return_counts=True)
    ratios = draw_ratios(scenario, draws, seed)
    funded = np.zeros(len(names))
    hires_funded = np.zeros(len(planned))
    spends = np.empty((draws, len(names)))

    def spend_of(quota: np.ndarray, v: dict[str, np.ndarray]) -> np.ndarray:
        leads = quota / v["avg_deal_size"] / v["win_rate"] / v["sql_to_opp"] * v["marketing_share"]
        return leads / v["mql_to_sql"] / v["lead_to_mql"] * v["cost_per_lead"]

    for d in range(draws):
        v = dict(value)
        for key, r in ratios.items():
            bounds = FUNNEL_KEYS[key].bounds
            v[key] = np.clip(value[key] * r[d], bounds.low, bounds.high)
        spend = spend_of(target, v)
        spends[d] = spend
        pool_spend = np.bincount(member_pool[in_pool], weights=spend[in_pool], minlength=len(pool_keys))
        pool_ok = pool_spend <= budget + EPS
        ok = spend <= EPS
        ok[in_pool] |= pool_ok[member_pool[in_pool]]
        funded += ok
        used = np.bincount(member_pool[in_pool], weights=spend_of(existing_quota, v)[in_pool], minlength=len(pool_keys))
        # Hires in order: each takes from what its pool has left (a running sum per pool, in hire order).
        marginal = spend_of(hire_quota, {k: v[k][safe_t] for k in keys})
        running = np.cumsum(marginal[order])
        running -= np.repeat(np.concatenate([[0.0], running])[group_start], group_size)
        cum = np.empty(len(planned))
        cum[order] = running
        covered = np.where(hire_pool >= 0, used[safe_pool] + cum <= budget[safe_pool] + EPS, False)
        hires_funded += (hire_t >= 0) & ((marginal <= EPS) | covered)
    np.quantile(spends, (0.1, 0.5, 0.9), axis=0)
    return funded / draws, hires_funded / draws


def run_case(label: str, plan: Plan, draws: int, runs: int, layer_name: str = "us-counties") -> list[Record]:
    from territory_planner.domain import evaluate
    from territory_planner.services.risk import run_risk

    scenario, layer = plan.scenario(), plan.layer
    n_units, n_terr = len(layer), len(scenario.territories)
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        check_risk(scenario, layer, draws, 1)
        times.append((time.perf_counter() - begin) * 1000)
    report = evaluate(scenario, layer)
    begin = time.perf_counter()
    fast = run_risk(scenario, report, draws, 1)
    engine_ms = (time.perf_counter() - begin) * 1000
    naive_times = []
    for _ in range(max(1, min(runs, 2))):
        begin = time.perf_counter()
        territories, hires = naive_risk(scenario, report, draws, 1)
        naive_times.append((time.perf_counter() - begin) * 1000)
    same = np.allclose([t.p_funded for t in fast.territories], territories, atol=1e-12) and np.allclose(
        [h.p_funded for h in fast.hires], hires, atol=1e-12
    )
    base = record(f"naive loop over draws, {label}", "synthetic" if n_terr > 11 else layer_name, n_units, n_terr,
                  naive_times)  # fmt: skip
    rec = with_baseline(record(f"check --risk {label}", base.layer, n_units, n_terr, times), base)
    print(
        f"   {label}: check --risk {rec.median_ms / 1000:.3f} s (Monte Carlo alone {engine_ms / 1000:.3f} s), naive "
        f"{base.median_ms / 1000:.3f} s, {rec.speedup or 0:.0f}x; same shares: {'yes' if same else 'NO'}; "
        f"{fast.hires_funded_80} of {len(fast.hires)} hires funded in >= 80 % of {draws:,} draws",
        flush=True,
    )
    return [base, rec]


def cases(plan: Plan | None) -> list[tuple[str, Plan]]:
    from benchmarks.bench_solve import synthetic_plan

    out = []
    if plan is not None:
        out.append(("demo plan (11 territories)", with_ranges(plan.deepcopy())))
    big = synthetic_plan(1000, 300)
    big.scenario().assumptions.set("region", "R1", "win_rate", 0.8)  # an override clipped at 100 %
    out.append(("1,000 territories x 300 hires", with_ranges(big)))
    return out


def suite_section(plan: Plan, layer_name: str, runs: int, draws: int = 20_000) -> list[Record]:
    out: list[Record] = []
    for label, case in cases(plan if len(plan.scenario().territories) <= 50 else None):
        out += run_case(label, case, draws, min(runs, 3), layer_name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks/bench_risk.py")
    parser.add_argument("--draws", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from territory_planner.services.demo import build_demo_plan

    plan = build_demo_plan(layer_name="us-counties")
    records = []
    for label, case in cases(plan):
        records += run_case(label, case, args.draws, args.runs)
    print_table(records)


if __name__ == "__main__":
    main()
