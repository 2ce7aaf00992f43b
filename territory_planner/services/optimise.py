"""The budget optimiser: allocate marketing's budget so that as much of the sales plan as possible is funded.

The funnel is linear in quota, so a territory's required spend is its existing sellers' requirement plus, for every
planned hire it keeps, that hire's period quota times the territory's spend per unit of quota; required hours add
the hire's MQL hours and onboarding. A delay only changes a hire's period quota (the ramp starts later), so every
candidate start month is precomputed and the choice is one binary per hire and month. That makes the plan a small
mixed-integer programme, solved with HiGHS (``scipy.optimize.milp``) in lexicographic stages:

1. every territory's existing sellers funded (checked in closed form; if impossible, say by how much and stop);
2. the most planned hires funded;
3. the most funded period quota;
4. the least money moved from the source allocations;
5. with delays allowed, the fewest months of delay in total.

Each stage fixes the optimum of the stages before it. The result is applied to a copy of the plan and checked with
the real checks (every kept territory and hire must end ``funded``, not at risk) before anybody sees it.
See docs/optimiser.md.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..domain import BASELINE, Allocation, Month, Plan, Scenario, Seller, TerritoryAggregates, evaluate
from ..domain.checks import EPS
from ..domain.commands import Batch, Command, CopyScenario, EditSeller, RemoveSeller, SetAllocation
from ..domain.errors import PlanError
from ..domain.formatting import money
from ..domain.funnel import PERIOD_MONTHS, counts_as_hire_in_period, period_quota, reverse_funnel
from .progress import Cancelled, Progress, ReportFn

PoolKey = tuple[str, str]

#: Quota and money are scaled to these units inside the solver so the objective coefficients stay moderate.
_QUOTA_UNIT = 1e3
_MONEY_UNIT = 1e3
#: The money and hours a marginal value is asked for.
MARGINAL_MONEY = 10_000.0
MARGINAL_HOURS = 100.0
_MAX_COMBINATIONS = 4096
#: Money moved is optimised to within this fraction (0.01 %: $100 on $1M moved) ; hires and quota exactly.
MONEY_GAP = 1e-4


class InfeasiblePlan(PlanError):
    """Even with every planned hire dropped, the budget or hours cannot fund the existing sellers."""

    def __init__(self, message: str, budget_short: float, hours_short: float, locked_short: dict[str, float]):
        super().__init__(message)
        self.budget_short = budget_short
        self.hours_short = hours_short
        self.locked_short = locked_short


class SolveCancelled(Cancelled):
    """The person asked to stop; nothing was written."""


@dataclass(frozen=True)
class _Option:
    start: Month | None
    quota: float
    spend: float
    hours: float
    delay: int


@dataclass
class _Hire:
    seller: Seller
    territory: str
    options: list[_Option]
    column: int = 0  # first solver column of its options


@dataclass
class _Group:
    """A locked allocation kept exactly, and the territories it funds."""

    key: PoolKey
    allocation: Allocation
    members: list[str]


@dataclass(frozen=True)
class Stage:
    name: str
    status: str  # optimal, time limit, fallback
    gap: float | None
    seconds: float


@dataclass(frozen=True)
class DelayedHire:
    seller: str
    before: Month | None
    after: Month


@dataclass(frozen=True)
class AllocationChange:
    level: str
    name: str
    before: float | None
    after: float | None
    hours_before: float | None = None
    hours_after: float | None = None


@dataclass(frozen=True)
class Marginal:
    territory: str
    next_money_quota: float  # extra period quota funded by the next $10k to this territory
    next_hours_quota: float  # extra period quota funded by 100 more marketing hours, spent here
    quota_per_money: float  # the funnel rate: period quota $10k of program spend supports here


@dataclass
class SolveResult:
    scenario: str
    source: str
    optimal: bool
    gap: float | None
    seconds: float
    hires_total: int
    funded_hires: int
    funded_quota: float
    dropped_hires: list[str]
    delayed_hires: list[DelayedHire]
    allocations: list[AllocationChange]
    unallocated_budget: float
    money_moved: float
    explanation: list[str]
    marginal: list[Marginal]
    stages: list[Stage]
    command: Batch
    currency: str = "USD"
    problems: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "scenario": self.scenario,
            "source": self.source,
            "optimal": self.optimal,
            "gap": None if self.gap is None else round(self.gap, 6),
            "seconds": round(self.seconds, 3),
            "funded_hires": self.funded_hires,
            "hires": self.hires_total,
            "funded_quota": r(self.funded_quota),
            "dropped_hires": list(self.dropped_hires),
            "delayed_hires": [
                {"seller": d.seller, "from": str(d.before) if d.before else None, "to": str(d.after)}
                for d in self.delayed_hires
            ],
            "allocations": [
                {"level": a.level, "name": a.name, "before": r(a.before), "after": r(a.after)}
                | (
                    {"hours_before": r(a.hours_before), "hours_after": r(a.hours_after)}
                    if (a.hours_before or 0.0) > 0 or (a.hours_after or 0.0) > 0
                    else {}
                )
                for a in self.allocations
            ],
            "unallocated_budget": r(self.unallocated_budget),
            "money_moved": r(self.money_moved),
            "explanation": list(self.explanation),
            "marginal": [
                {
                    "territory": m.territory,
                    "next_10k_quota": r(m.next_money_quota),
                    "next_100_hours_quota": r(m.next_hours_quota),
                    "quota_per_10k": r(m.quota_per_money),
                }
                for m in self.marginal
            ],
            "stages": [
                {"name": s.name, "status": s.status, "gap": s.gap, "seconds": round(s.seconds, 3)} for s in self.stages
            ],
            "verified": self.verified,
        }


# --- the model ----------------------------------------------------------------------------------------------------


class _Model:
    """The data of the programme: decision hires with their start options, variable territories, locked groups."""

    def __init__(self, scenario: Scenario, allow_delays: bool, locked: frozenset[PoolKey], layer: Any) -> None:
        self.s = scenario
        a = scenario.assumptions
        self.period_start = a.period_start
        self.budget = a.values["marketing_budget"]
        self.team_hours = a.values["marketing_hours"]
        unknown = [k for k in locked if k not in scenario.allocations]
        if unknown:
            shown = ", ".join(f"{lvl} {name}" for lvl, name in unknown)
            raise PlanError(f"Cannot lock {shown}: scenario {scenario.name} has no such allocation.")
        self.report = evaluate(scenario, layer, TerritoryAggregates(layer, scenario))
        self.resolved = {t: a.resolve(t, terr.region) for t, terr in scenario.territories.items()}

        self.groups: list[_Group] = []
        in_group: dict[str, int] = {}
        for key in [k for k in scenario.allocations if k in locked]:
            if key[0] == "territory":
                members = [key[1]]
            else:
                members = [
                    t.name for t in scenario.territories_of(key[1]) if ("territory", t.name) not in scenario.allocations
                ]
            for m in members:
                in_group[m] = len(self.groups)
            self.groups.append(_Group(key, scenario.allocations[key], members))
        self.group_of = in_group

        self.existing_spend: dict[str, float] = {}
        self.existing_hours: dict[str, float] = {}
        for t in scenario.territories:
            target = sum(period_quota(x, self.period_start) for x in scenario.sellers_of(t) if not x.is_hire)
            f = reverse_funnel(target, 0, self.resolved[t])
            self.existing_spend[t] = f.required_spend
            self.existing_hours[t] = f.required_hours

        self.hires: list[_Hire] = []
        self.forced_drops: list[str] = []
        last = self.period_start.plus(PERIOD_MONTHS - 1)
        for seller in scenario.sellers.values():
            if not seller.is_hire:
                continue
            if seller.territory is None or seller.territory not in scenario.territories:
                self.forced_drops.append(seller.name)
                continue
            starts: list[Month | None] = [seller.start_month]
            if allow_delays:
                first = (seller.start_month or self.period_start).plus(1)
                first = max(first, self.period_start.plus(1 - max(seller.ramp_months, 1)))
                month = first
                while month <= last:
                    starts.append(month)
                    month = month.plus(1)
            options = []
            for start in starts:
                moved = replace(seller, start_month=start)
                quota = period_quota(moved, self.period_start)
                onboarding = 1 if counts_as_hire_in_period(moved, self.period_start) else 0
                f = reverse_funnel(quota, onboarding, self.resolved[seller.territory])
                delay = (
                    0
                    if start == seller.start_month or start is None
                    else start.minus(seller.start_month or self.period_start)
                )
                options.append(_Option(start, quota, f.required_spend, f.required_hours, delay))
            self.hires.append(_Hire(seller, seller.territory, options))

        hire_territories = {h.territory for h in self.hires}
        self.variable: list[str] = []
        for t in scenario.territories:
            if t in self.group_of:
                continue
            has_sellers = bool(scenario.sellers_of(t)) or t in hire_territories
            before = self.report.territory(t).allocated_budget
            if has_sellers or before > 0 or ("territory", t) in scenario.allocations:
                self.variable.append(t)
        self.before = {t: self.report.territory(t).allocated_budget for t in self.variable}
        self.before_hours = {t: self.report.territory(t).allocated_hours for t in self.variable}

        col = 0
        for h in self.hires:
            h.column = col
            col += len(h.options)
        self.n_z = col
        self.x0 = col
        self.d0 = col + len(self.variable)
        self.n = self.d0 + len(self.variable)
        self.var_index = {t: i for i, t in enumerate(self.variable)}

    def pool_key(self, territory: str) -> PoolKey | None:
        """The allocation that funds ``territory`` in the source scenario."""
        if ("territory", territory) in self.s.allocations:
            return ("territory", territory)
        region = self.s.territories[territory].region
        if region is not None and ("region", region) in self.s.allocations:
            return ("region", region)
        return None

    # --- closed-form check of rule (1) -------------------------------------------------------------------------
    def existing_shortfalls(self) -> tuple[float, float, dict[str, float]]:
        locked_budget = sum(g.allocation.budget for g in self.groups)
        need = sum(self.existing_spend[t] for t in self.variable) + locked_budget
        budget_short = max(0.0, need - self.budget)
        hours_short = max(0.0, sum(self.existing_hours.values()) - self.team_hours)
        locked_short: dict[str, float] = {}
        for g in self.groups:
            short = sum(self.existing_spend[m] for m in g.members) - g.allocation.budget
            if short > EPS:
                locked_short[f"{g.key[0]} {g.key[1]}"] = short
            if g.allocation.hours > 0:
                short_h = sum(self.existing_hours[m] for m in g.members) - g.allocation.hours
                if short_h > EPS:
                    locked_short[f"{g.key[0]} {g.key[1]} (hours)"] = short_h
        return budget_short, hours_short, locked_short

    # --- rows ----------------------------------------------------------------------------------------------------
    def constraint_rows(self) -> tuple[list[dict[int, float]], list[float], list[float]]:
        rows: list[dict[int, float]] = []
        lo: list[float] = []
        hi: list[float] = []

        def add(row: dict[int, float], low: float, high: float) -> None:
            rows.append(row)
            lo.append(low)
            hi.append(high)

        for h in self.hires:  # at most one start month per hire
            add({h.column + k: 1.0 for k in range(len(h.options))}, -np.inf, 1.0)
        spend_rows: dict[str, dict[int, float]] = {t: {} for t in self.s.territories}
        hours_row: dict[int, float] = {}
        hours_by_t: dict[str, dict[int, float]] = {t: {} for t in self.s.territories}
        for h in self.hires:
            for k, o in enumerate(h.options):
                spend_rows[h.territory][h.column + k] = o.spend / _MONEY_UNIT
                hours_row[h.column + k] = o.hours
                hours_by_t[h.territory][h.column + k] = o.hours
        for t in self.variable:  # x_t covers the territory's requirement
            row = dict(spend_rows[t])
            row[self.x0 + self.var_index[t]] = -1.0
            add(row, -np.inf, -self.existing_spend[t] / _MONEY_UNIT)
        for g in self.groups:  # locked allocations cover their territories
            row = {}
            for m in g.members:
                row.update(spend_rows[m])
            add(row, -np.inf, (g.allocation.budget - sum(self.existing_spend[m] for m in g.members)) / _MONEY_UNIT)
            if g.allocation.hours > 0:
                row_h = {}
                for m in g.members:
                    row_h.update(hours_by_t[m])
                add(row_h, -np.inf, g.allocation.hours - sum(self.existing_hours[m] for m in g.members))
        locked_budget = sum(g.allocation.budget for g in self.groups)
        add(
            {self.x0 + i: 1.0 for i in range(len(self.variable))},
            -np.inf,
            (self.budget - locked_budget) / _MONEY_UNIT,
        )
        add(hours_row, -np.inf, self.team_hours - sum(self.existing_hours.values()))
        for t, i in self.var_index.items():  # d_t >= |x_t - before_t|
            b = self.before[t] / _MONEY_UNIT
            add({self.d0 + i: 1.0, self.x0 + i: -1.0}, -b, np.inf)
            add({self.d0 + i: 1.0, self.x0 + i: 1.0}, b, np.inf)
        return rows, lo, hi

    def hires_vector(self) -> np.ndarray:
        c = np.zeros(self.n)
        c[: self.n_z] = 1.0
        return c

    def quota_vector(self) -> np.ndarray:
        c = np.zeros(self.n)
        for h in self.hires:
            for k, o in enumerate(h.options):
                c[h.column + k] = o.quota / _QUOTA_UNIT
        return c

    def moved_vector(self) -> np.ndarray:
        c = np.zeros(self.n)
        c[self.d0 :] = 1.0
        return c

    def delay_vector(self) -> np.ndarray:
        c = np.zeros(self.n)
        for h in self.hires:
            for k, o in enumerate(h.options):
                c[h.column + k] = o.delay
        return c


class _Solver:
    """Sequential solves: each stage optimises one objective with the optimum of the earlier ones fixed."""

    def __init__(self, model: _Model, deadline: float) -> None:
        from scipy.sparse import csr_array

        self.m = model
        self.deadline = deadline
        rows, lo, hi = model.constraint_rows()
        self.rows, self.lo, self.hi = rows, lo, hi
        self._csr = csr_array
        self.integrality = np.zeros(model.n)
        self.integrality[: model.n_z] = 1
        upper = np.full(model.n, np.inf)
        upper[: model.n_z] = 1.0
        self.upper = upper
        self.stages: list[Stage] = []

    def _matrix(self) -> Any:
        data, indices, indptr = [], [], [0]
        for row in self.rows:
            for j, v in row.items():
                indices.append(j)
                data.append(v)
            indptr.append(len(indices))
        return self._csr((data, indices, indptr), shape=(len(self.rows), self.m.n))

    def fix(self, c: np.ndarray, value: float, sense: str) -> None:
        """Add the row ``c @ x >= value`` (``sense`` "at_least") or ``c @ x <= value`` ("at_most")."""
        row = {int(j): float(c[j]) for j in np.flatnonzero(c)}
        if sense == "at_least":
            self.rows.append(row)
            self.lo.append(value)
            self.hi.append(np.inf)
        else:
            self.rows.append(row)
            self.lo.append(-np.inf)
            self.hi.append(value)

    def keep_incumbent(self, c: np.ndarray, x: np.ndarray) -> None:
        """The last stage found nothing in time, so the answer of the stage before stands: record how far it may be
        from this stage's optimum, measured against the LP relaxation's bound (an honest, if loose, gap)."""
        last = self.stages[-1]
        value = float(c @ x)
        bound = self._relaxed_bound(c)
        gap = None if bound is None else (0.0 if value <= 0 else max(0.0, (value - bound) / abs(value)))
        self.stages[-1] = replace(last, status="time limit (the previous stage's answer kept)", gap=gap)

    def _relaxed_bound(self, c: np.ndarray) -> float | None:
        from scipy.optimize import Bounds, LinearConstraint, milp

        constraints = LinearConstraint(self._matrix(), np.array(self.lo), np.array(self.hi))
        res = milp(c, constraints=constraints, bounds=Bounds(np.zeros(self.m.n), self.upper), options={"time_limit": 2})
        return float(res.fun) if res.x is not None else None

    def stage(
        self, name: str, c: np.ndarray, integral: bool = True, rel_gap: float = 1e-9, share: float = 1.0
    ) -> np.ndarray | None:
        """Optimise ``c`` within ``share`` of the time left (so that a later stage keeps time of its own)."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        started = time.perf_counter()
        left = max(0.05, (self.deadline - started) * share)
        if not self.rows:
            return None
        constraints = LinearConstraint(self._matrix(), np.array(self.lo), np.array(self.hi))
        res = milp(
            c,
            constraints=constraints,
            integrality=self.integrality if integral else np.zeros(self.m.n),
            bounds=Bounds(np.zeros(self.m.n), self.upper),
            options={"time_limit": left, "mip_rel_gap": rel_gap, "presolve": True},
        )
        seconds = time.perf_counter() - started
        found_gap = getattr(res, "mip_gap", None)
        gap = None if found_gap is None or not np.isfinite(found_gap) else max(0.0, float(found_gap))
        if res.x is None:
            self.stages.append(Stage(name, "no solution in time" if res.status == 1 else res.message, gap, seconds))
            return None
        status = "optimal" if res.status == 0 else "time limit"
        self.stages.append(Stage(name, status, gap if gap is not None else (0.0 if res.status == 0 else None), seconds))
        x = np.asarray(res.x, dtype=float)
        return x


# --- the public entry point ----------------------------------------------------------------------------------------


def solve(
    plan: Plan,
    scenario: str | None,
    into: str,
    *,
    allow_delays: bool = False,
    time_limit: float = 10.0,
    locked: frozenset[PoolKey] | set[PoolKey] | None = None,
    progress: Progress | ReportFn | None = None,
) -> SolveResult:
    """Optimise the budget of ``scenario`` into a new what-if ``into`` (returned as a command; nothing is applied).

    Allocations marked ``locked`` in the scenario are kept exactly, and so are those named in ``locked``.

    Raises :class:`InfeasiblePlan` when the existing sellers alone cannot be funded, saying by how much, and
    :class:`SolveCancelled` (a :class:`Cancelled`) when ``progress`` is cancelled between stages.
    """
    started = time.perf_counter()
    tracker = Progress.of(progress)
    report_progress = tracker.quiet()  # the cancel is honoured between stages (check_cancel)

    def check_cancel() -> None:
        if tracker.cancelled:
            raise SolveCancelled("The optimisation was cancelled; no scenario was written.")

    source = plan.scenario(scenario)
    if into in plan.scenarios:
        raise PlanError(f"There is already a scenario named '{into}'. Choose another name for the result.")
    if time_limit <= 0:
        raise PlanError(f"The time limit must be more than 0 seconds, not {time_limit:g}.")
    report_progress(0.0, "Reading the plan")
    exact = frozenset(locked or ()) | {key for key, a in source.allocations.items() if a.locked}
    model = _Model(source, allow_delays, exact, plan.layer)
    cur = model.report.currency
    budget_short, hours_short, locked_short = model.existing_shortfalls()
    if budget_short > EPS or hours_short > EPS or locked_short:
        raise InfeasiblePlan(_infeasible_message(budget_short, hours_short, locked_short, cur), budget_short,
                             hours_short, locked_short)  # fmt: skip

    solver = _Solver(model, started + time_limit)
    n_hires_vec, quota_vec, moved_vec, delay_vec = (
        model.hires_vector(),
        model.quota_vector(),
        model.moved_vector(),
        model.delay_vector(),
    )
    x: np.ndarray | None = None
    if model.n_z:
        check_cancel()
        report_progress(0.1, "Funding the most hires")
        x = solver.stage("most hires funded", -n_hires_vec)
        if x is None:
            x = _greedy(model)
            solver.stages[-1] = replace(solver.stages[-1], status="fallback (cheapest hires first)")
        kept = round(float(n_hires_vec @ x))
        solver.fix(n_hires_vec, kept - 0.5, "at_least")
        check_cancel()
        report_progress(0.35, "Funding the most quota")
        y = solver.stage("most funded quota", -quota_vec)
        if y is not None:
            x = y
    check_cancel()
    report_progress(0.6, "Moving the least money")
    if x is not None:
        q = float(quota_vec @ x)
        solver.fix(quota_vec, q - max(1e-6, 1e-9 * abs(q)), "at_least")
    # With delays the fewest-months stage still follows: it keeps half of the time left.
    y = solver.stage("least money moved", moved_vec, rel_gap=MONEY_GAP, share=0.5 if allow_delays else 1.0)
    if y is None and x is not None:  # keep the hires chosen so far; the allocations are then a plain LP
        for j in range(model.n_z):
            solver.fix(np.eye(1, model.n, j).ravel(), float(round(x[j])), "at_least")
            solver.fix(np.eye(1, model.n, j).ravel(), float(round(x[j])), "at_most")
        y = solver.stage("least money moved (hires fixed)", moved_vec, integral=False)
    if y is None:
        raise PlanError("The optimiser found no allocation in the time given; allow it more time (--time-limit).")
    x = y
    if allow_delays and model.n_z:
        moved = float(moved_vec @ x)
        solver.fix(moved_vec, moved + max(1e-6, 1e-9 * abs(moved)), "at_most")
        check_cancel()
        report_progress(0.8, "Delaying the fewest months")
        y = solver.stage("fewest months of delay", delay_vec)
        if y is not None:
            x = y
        else:
            solver.keep_incumbent(delay_vec, x)
    report_progress(0.9, "Checking the result with the plan's checks")
    result = _result(plan, source, into, model, x, solver.stages, started)
    report_progress(1.0, "Done")
    return result


def _infeasible_message(budget_short: float, hours_short: float, locked_short: dict[str, float], cur: str) -> str:
    parts = []
    if budget_short > EPS:
        parts.append(f"the marketing budget is {money(budget_short, cur)} ({budget_short:,.0f}) short")
    if hours_short > EPS:
        parts.append(f"the marketing team is {hours_short:,.0f} hours short")
    for name, short in locked_short.items():
        unit = f"{short:,.0f} hours" if name.endswith("(hours)") else money(short, cur)
        parts.append(f"the locked allocation of {name.removesuffix(' (hours)')} is {unit} short")
    return (
        "The existing sellers cannot all be funded, even with every planned hire dropped: "
        + "; ".join(parts)
        + ". Raise the marketing budget or hours (or unlock the allocation), then solve again."
    )


def _greedy(model: _Model) -> np.ndarray:
    """A feasible choice when the solver found none in time: cheapest hires first, at their planned start."""
    x = np.zeros(model.n)
    spare = model.budget - sum(g.allocation.budget for g in model.groups)
    spare -= sum(model.existing_spend[t] for t in model.variable)
    hours = model.team_hours - sum(model.existing_hours.values())
    group_spare = {
        i: g.allocation.budget - sum(model.existing_spend[m] for m in g.members) for i, g in enumerate(model.groups)
    }
    for h in sorted(model.hires, key=lambda h: (h.options[0].spend, h.seller.name)):
        o = h.options[0]
        g = model.group_of.get(h.territory)
        room = group_spare[g] if g is not None else spare
        if o.spend <= room + 1e-9 and o.hours <= hours + 1e-9:
            x[h.column] = 1.0
            hours -= o.hours
            if g is not None:
                group_spare[g] -= o.spend
            else:
                spare -= o.spend
    for t, i in model.var_index.items():
        need = model.existing_spend[t] + sum(h.options[0].spend * x[h.column] for h in model.hires if h.territory == t)
        x[model.x0 + i] = need / _MONEY_UNIT
    return x


def _whole_dollars(values: dict[str, float], before: dict[str, float], limit: float) -> dict[str, float]:
    """Round allocations up to whole dollars (cents if dollars would break the budget); unchanged ones stay exact."""
    for step in (1.0, 0.01):
        rounded = {
            t: before[t] if abs(v - before[t]) < 0.01 else math.ceil(v / step - 1e-6) * step for t, v in values.items()
        }
        if sum(rounded.values()) <= limit + EPS:
            return rounded
    return {t: before[t] if abs(v - before[t]) < 0.01 else v for t, v in values.items()}


def _result(
    plan: Plan,
    source: Scenario,
    into: str,
    model: _Model,
    x: np.ndarray,
    stages: list[Stage],
    started: float,
) -> SolveResult:
    s = source
    cur = model.report.currency
    chosen: dict[str, _Option | None] = {}
    for h in model.hires:
        picked = [o for k, o in enumerate(h.options) if x[h.column + k] > 0.5]
        chosen[h.seller.name] = picked[0] if picked else None
    dropped = [name for name, o in chosen.items() if o is None] + model.forced_drops
    delayed = []
    for h in model.hires:
        pick = chosen[h.seller.name]
        if pick is not None and pick.delay > 0 and pick.start is not None:
            delayed.append(DelayedHire(h.seller.name, h.seller.start_month, pick.start))
    raw = {t: float(x[model.x0 + i]) * _MONEY_UNIT for t, i in model.var_index.items()}
    for t in raw:  # never below the requirement, whatever the solver's tolerance
        raw[t] = max(raw[t], model.existing_spend[t] + _chosen_spend(model, chosen, {t}))
    locked_budget = sum(g.allocation.budget for g in model.groups)
    after = _whole_dollars(raw, model.before, model.budget - locked_budget)
    hours_need = {t: model.existing_hours[t] for t in s.territories}
    for h in model.hires:
        pick = chosen[h.seller.name]
        if pick is not None:
            hours_need[h.territory] += pick.hours

    commands: list[Command] = [CopyScenario(s.name, into)]
    for name in dropped:
        commands.append(RemoveSeller(into, name))
    for d in delayed:
        commands.append(EditSeller(into, d.seller, replace(s.sellers[d.seller], start_month=d.after)))
    locked_keys = {g.key for g in model.groups}
    changes: list[AllocationChange] = []
    for key, allocation in s.allocations.items():
        if key[0] == "region" and key not in locked_keys:
            commands.append(SetAllocation(into, "region", key[1], None))
            changes.append(AllocationChange("region", key[1], allocation.budget, None, allocation.hours, None))
    remaining = {x.territory for x in s.sellers.values() if x.name not in dropped and x.territory}
    for t in model.variable:
        own = s.allocations.get(("territory", t))
        pool = own
        region = s.territories[t].region
        if pool is None and region is not None:
            pool = s.allocations.get(("region", region))
        hours_before = model.before_hours[t]
        hours_after = 0.0
        if pool is not None and pool.hours > 0:
            hours_after = max(hours_before, float(math.ceil(hours_need[t] - 1e-6)))
            if abs(hours_after - hours_before) < 0.01:
                hours_after = hours_before
        budget = after[t]
        if own is not None and abs(own.budget - budget) < EPS and abs(own.hours - hours_after) < EPS:
            continue
        if own is None and budget < EPS and t not in remaining:
            continue
        start = pool.start_month if pool is not None else None
        commands.append(SetAllocation(into, "territory", t, Allocation("territory", t, budget, hours_after, start)))
        changes.append(
            AllocationChange(
                "territory",
                t,
                own.budget if own is not None else None,
                budget,
                own.hours if own is not None else None,
                hours_after,
            )
        )
    description = f"Optimise the budget of {s.name} into {into}"
    batch = Batch(description, tuple(commands))

    funded_quota = sum(o.quota for o in chosen.values() if o is not None)
    unallocated = model.budget - locked_budget - sum(after.values())
    moved = sum(abs(after[t] - model.before[t]) for t in model.variable)
    funded_by = {model.pool_key(t) for t in s.territories}
    moved += sum(
        a.budget for k, a in s.allocations.items() if k[0] == "region" and k not in locked_keys and k not in funded_by
    )  # a shared budget that funded no territory goes wherever it is needed
    problems = _verify(plan, s, into, batch)
    optimal = all(st.status == "optimal" for st in stages)
    gaps = [st.gap for st in stages if st.status != "optimal"]
    known = [st.gap for st in stages if st.gap is not None]
    gap = (
        max(known, default=0.0)
        if optimal
        else (max(g for g in gaps if g is not None) if any(g is not None for g in gaps) else None)
    )
    marginal = _marginal(model, chosen, after, hours_need)
    seconds = time.perf_counter() - started
    hires_total = len(model.hires) + len(model.forced_drops)
    result = SolveResult(
        scenario=into,
        source=s.name,
        optimal=optimal,
        gap=gap,
        seconds=seconds,
        hires_total=hires_total,
        funded_hires=hires_total - len(dropped),
        funded_quota=funded_quota,
        dropped_hires=dropped,
        delayed_hires=delayed,
        allocations=changes,
        unallocated_budget=unallocated,
        money_moved=moved,
        explanation=[],
        marginal=marginal,
        stages=stages,
        command=batch,
        currency=cur,
        problems=problems,
    )
    result.explanation = _explain(result, model, after)
    return result


def _verify(plan: Plan, source: Scenario, into: str, batch: Batch) -> list[str]:
    """Apply the result to a copy and run the real checks: every kept territory and hire must be funded."""
    scenarios = {source.name: source.clone(source.name)}
    if source.name != BASELINE:
        scenarios = {BASELINE: Scenario(BASELINE), **scenarios}
    scratch = Plan(plan.name, plan.layer, scenarios)
    batch.apply(scratch)
    report = evaluate(scratch.scenario(into), plan.layer)
    problems = []
    for t in report.territories:
        if t.headcount > 0 and t.status != "funded":
            problems.append(f"territory {t.territory} ends {t.status}")
    for h in report.hires:
        if h.status != "funded":
            problems.append(f"hire {h.seller} ends {h.status}")
    for f in report.flags:
        if f.code in ("OVER_BUDGET", "OVER_CAPACITY", "UNPLANNED_REGION"):
            problems.append(f.message)
    return problems


def _marginal(
    model: _Model, chosen: dict[str, _Option | None], after: dict[str, float], hours_need: dict[str, float]
) -> list[Marginal]:
    """For each territory with a dropped or delayed hire: the extra period quota the next $10k (or the next 100
    hours) would fund there, on top of the budget still unallocated and the territory's own spare money, by
    re-solving that territory's choice with everything else kept."""
    hours_slack = model.team_hours - sum(hours_need.values())
    unallocated = model.budget - sum(g.allocation.budget for g in model.groups) - sum(after.values())
    out = []
    for t in model.s.territories:
        waiting = [h for h in model.hires if h.territory == t and _waits(chosen[h.seller.name])]
        if not waiting:
            continue
        spend_now = model.existing_spend[t] + _chosen_spend(model, chosen, {t})
        g = model.group_of.get(t)
        if g is not None:
            group = model.groups[g]
            members = set(group.members)
            have = group.allocation.budget - sum(model.existing_spend[m] for m in members)
            have -= _chosen_spend(model, chosen, members)
            surplus = max(0.0, have)
        else:
            surplus = max(0.0, after[t] - spend_now)
        next_money = _best_local(waiting, chosen, surplus + max(0.0, unallocated) + MARGINAL_MONEY, hours_slack)
        next_hours = _best_local(waiting, chosen, surplus + max(0.0, unallocated), hours_slack + MARGINAL_HOURS)
        unit = reverse_funnel(1.0, 0, model.resolved[t]).required_spend
        out.append(Marginal(t, next_money, next_hours, MARGINAL_MONEY / unit if unit > 0 else 0.0))
    out.sort(key=lambda m: (-m.next_money_quota, -m.next_hours_quota, m.territory))
    return out


def _chosen_spend(model: _Model, chosen: dict[str, _Option | None], territories: set[str]) -> float:
    """Program spend of the hires the result keeps in ``territories``."""
    total = 0.0
    for h in model.hires:
        o = chosen[h.seller.name]
        if o is not None and h.territory in territories:
            total += o.spend
    return total


def _waits(option: _Option | None) -> bool:
    """A hire the result dropped or delayed (more money or hours could bring it back or forward)."""
    return option is None or option.delay > 0


def _best_local(waiting: list[_Hire], chosen: dict[str, _Option | None], money_left: float, hours_left: float) -> float:
    """The most extra quota from better choices for ``waiting`` hires within the money and hours given."""
    choices = []
    for h in waiting:
        now = chosen[h.seller.name]
        q0 = now.quota if now else 0.0
        s0 = now.spend if now else 0.0
        h0 = now.hours if now else 0.0
        alts = [(0.0, 0.0, 0.0)] + [(o.quota - q0, o.spend - s0, o.hours - h0) for o in h.options if o.quota > q0]
        choices.append(alts)
    best = 0.0
    if math.prod(len(c) for c in choices) > _MAX_COMBINATIONS:  # greedy: the best single improvement per hire
        for alts in choices:
            fit = [a for a in alts if a[1] <= money_left + 1e-6 and a[2] <= hours_left + 1e-6]
            pick = max(fit, key=lambda a: a[0])
            best += pick[0]
            money_left -= pick[1]
            hours_left -= pick[2]
        return best
    for combo in itertools.product(*choices):
        quota = sum(c[0] for c in combo)
        fits = sum(c[1] for c in combo) <= money_left + 1e-6 and sum(c[2] for c in combo) <= hours_left + 1e-6
        if quota > best and fits:
            best = quota
    return best


def _names(names: list[str], most: int = 4) -> str:
    if len(names) > most:
        names = [*names[:most], f"{len(names) - most} more"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _explain(result: SolveResult, model: _Model, after: dict[str, float]) -> list[str]:
    cur = result.currency
    lines = []
    if result.hires_total:
        lines.append(f"Funds {result.funded_hires} of {result.hires_total} planned hires.")
    else:
        lines.append("The scenario has no planned hires; the budget funds the existing sellers.")
    for name in result.dropped_hires:
        seller = model.s.sellers[name]
        if seller.territory is None or name in model.forced_drops:
            lines.append(f"Drops {name}: they have no territory, so no allocation can fund their pipeline.")
        else:
            lines.append(f"Drops {name} ({seller.territory}): the budget and hours cannot also fund their pipeline.")
    for d in result.delayed_hires:
        lines.append(f"Delays {d.seller} to {d.after}" + (f" (planned for {d.before})." if d.before else "."))
    gains = sorted(((after[t] - model.before[t], t) for t in model.variable if after[t] - model.before[t] >= 0.5),
                   reverse=True)  # fmt: skip
    losses = sorted(((model.before[t] - after[t], t) for t in model.variable if model.before[t] - after[t] >= 0.5),
                    reverse=True)  # fmt: skip
    if gains and losses:
        amount = min(sum(g for g, _ in gains), sum(v for v, _ in losses))
        lines.append(
            f"Moves {money(amount, cur)} from {_names([t for _, t in losses])} to {_names([t for _, t in gains])}."
        )
    extra = sum(g for g, _ in gains) - sum(v for v, _ in losses)
    if extra >= 0.5:
        lines.append(f"Allocates {money(extra, cur)} more of the marketing budget than before.")
    elif extra <= -0.5:
        lines.append(f"Frees {money(-extra, cur)} that no territory needs.")
    pooled = [a.name for a in result.allocations if a.level == "region" and a.after is None]
    if pooled:
        lines.append(f"Replaces the shared budget of region {_names(pooled)} with allocations to its territories.")
    lines.append(f"Leaves {money(max(result.unallocated_budget, 0.0), cur)} of the marketing budget unallocated.")
    if result.marginal and result.marginal[0].next_money_quota > 0:
        m = result.marginal[0]
        lines.append(
            f"The next {money(MARGINAL_MONEY, cur)} would fund the most in {m.territory} "
            f"({money(m.next_money_quota, cur)} more period quota)."
        )
    if not result.optimal:
        gap = f" (within {result.gap * 100:.2f} % of the best)" if result.gap is not None else ""
        lines.append(f"The solver stopped at the time limit: this is a good plan, not proven the best{gap}.")
    return lines


__all__ = [
    "MARGINAL_HOURS",
    "MARGINAL_MONEY",
    "AllocationChange",
    "DelayedHire",
    "InfeasiblePlan",
    "Marginal",
    "SolveCancelled",
    "SolveResult",
    "Stage",
    "solve",
]
