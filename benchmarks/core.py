"""Core benchmarks: a reassignment on the app's engine path against the naive recompute, opening a plan, `check`.

The engine path is the one the window and the CLI take: one ``AssignUnits`` command applied through
``PlanSession.apply`` (aggregates follow by delta) and the session's report (funnel and flags on the aggregates).
The naive path applies the same command, dissolves every territory with the default union and evaluates with
freshly counted aggregates. The window's own path (territory state, map items, repaint, panels) is timed in
``sections.bench_window``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections import deque
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from territory_planner.domain import Plan, Report, TerritoryAggregates, evaluate
from territory_planner.domain.commands import AssignUnits
from territory_planner.persistence import load_plan, save_plan
from territory_planner.services.session import PlanSession

from .common import Record, record, time_runs, with_baseline

# Texas borders Mountain (New Mexico) in the demo plan; moving units across that border and back.
SOURCE, TARGET = "Texas", "Mountain"


def border_units(plan: Plan, source: str, target: str, count: int) -> list[str]:
    """``count`` units of ``source`` reached first by a breadth-first walk from its border with ``target``."""
    layer = plan.layer
    s = plan.scenario()
    ids = layer.unit_ids
    label = np.array([s.assignment.get(u, "") for u in ids], dtype=object)
    adjacency = layer.adjacency
    assert adjacency is not None
    neighbours: list[list[int]] = [[] for _ in range(len(ids))]
    for a, b in adjacency:
        neighbours[a].append(b)
        neighbours[b].append(a)
    start = [i for i in range(len(ids)) if label[i] == source and any(label[j] == target for j in neighbours[i])]
    seen, order = set(start), []
    queue = deque(start)
    while queue and len(order) < count:
        i = queue.popleft()
        order.append(i)
        for j in neighbours[i]:
            if j not in seen and label[j] == source:
                seen.add(j)
                queue.append(j)
    return [str(ids[i]) for i in order[:count]]


def naive_recompute(session: PlanSession, scenario: str) -> tuple[gpd.GeoDataFrame, Report]:
    """The from-scratch way: dissolve every unit with the default union and evaluate with fresh aggregates."""
    plan = session.plan
    s = plan.scenario(scenario)
    units = plan.layer.unit_ids
    labels = pd.Series([s.assignment.get(u) for u in units], index=units, dtype=object)
    frame = gpd.GeoDataFrame({"territory": labels}, geometry=plan.layer.geometry)
    dissolved = frame.dropna(subset=["territory"]).dissolve(by="territory")
    report = evaluate(s, plan.layer, TerritoryAggregates(plan.layer, s))
    return dissolved, report


class _Mover:
    """Moves a fixed set of units across the border and back, on the engine path or the naive way."""

    def __init__(self, session: PlanSession, units: list[str]) -> None:
        self.session, self.units, self.forward = session, units, True

    def _command(self) -> AssignUnits:
        target = TARGET if self.forward else SOURCE
        self.forward = not self.forward
        return AssignUnits.to("baseline", self.units, target)

    def incremental(self) -> None:
        self.session.apply(self._command())
        self.session.report("baseline")

    def naive(self) -> None:
        self.session.apply(self._command())
        naive_recompute(self.session, "baseline")


def bench_reassign(plan: Plan, layer_name: str, runs: int, naive_runs: int) -> list[Record]:
    """``reassign N unit(s) incremental``: the command through the session and its report (the app's engine)."""
    session = PlanSession(plan)
    session.report("baseline")
    n_units, n_terr = len(plan.layer), len(plan.scenario().territories)
    out = []
    for size in (1, 50, 200):
        units = border_units(plan, SOURCE, TARGET, size)
        if len(units) < size:
            continue
        mover = _Mover(session, units)
        fast = record(
            f"reassign {size} unit(s) incremental", layer_name, n_units, n_terr, time_runs(mover.incremental, runs)
        )
        slow = record(f"reassign {size} unit(s) naive", layer_name, n_units, n_terr, time_runs(mover.naive, naive_runs))
        out += [with_baseline(fast, slow), slow]
        if not mover.forward:
            mover.incremental()  # leave the plan as it was
    session.close()
    return out


def bench_open_and_check(plan: Plan, layer_name: str, runs: int) -> list[Record]:
    n_units, n_terr = len(plan.layer), len(plan.scenario().territories)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.tplan"
        save_plan(plan, path)

        def open_ready() -> None:
            PlanSession(load_plan(path)).report()

        def check() -> None:
            subprocess.run(
                [sys.executable, "-m", "territory_planner", "check", str(path), "--json"],
                capture_output=True,
                check=False,
            )

        return [
            record("open plan file to ready report", layer_name, n_units, n_terr, time_runs(open_ready, runs)),
            record("check --json end to end (process)", layer_name, n_units, n_terr, time_runs(check, runs)),
        ]
