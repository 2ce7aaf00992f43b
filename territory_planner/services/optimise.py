"""The budget optimiser: allocate marketing's budget so that as much of the sales plan as possible is funded.

The funnel is linear in quota, so a territory's required spend is its existing sellers' requirement plus, for every
planned hire it keeps, that hire's period quota times the territory's spend per unit of quota; required hours add
the hire's MQL hours and onboarding. A delay only changes a hire's period quota (the ramp starts later), so every
candidate start month is precomputed and the choice is one binary per hire and month. That makes the plan a small
mixed-integer programme, solved with HiGHS (``highspy``, one model warm-started from stage to stage) in
lexicographic stages:

1. every territory's existing sellers funded (checked in closed form; if impossible, say by how much and stop);
2. the most planned hires funded;
3. the most funded period quota;
4. the least money moved from the source allocations;
5. with delays allowed, the fewest months of delay in total.

Each stage fixes the optimum of the stages before it. Money moved is modelled as the territories' shortfalls
(what each requires beyond what it had), from which the least money moved follows in closed form. The result is
applied to a copy of the plan and checked with the real checks (every kept territory and hire must end
``funded``, not at risk) before anybody sees it.
See docs/optimiser.md.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction
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
        self.s0 = col  # then one column per variable territory: its shortfall, max(0, required - before)
        self.n = self.s0 + len(self.variable)
        self.var_index = {t: i for i, t in enumerate(self.variable)}
        #: The budget the variable territories share: the plan's budget less what locked allocations keep.
        self.free_budget = self.budget - sum(g.allocation.budget for g in self.groups)

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
        """The rows of the programme. Money moved is not modelled allocation by allocation: once the hires are
        chosen, each variable territory requires ``need_t``, and the least money that funds them all is, in closed
        form, the total shortfall ``S = sum max(0, need_t - before_t)`` plus ``max(0, S - spare)``, where ``spare``
        is the free budget the source left unallocated (:meth:`moved`). That is increasing in ``S``, so the
        programme minimises the shortfall columns ``s_t >= need_t - before_t`` and :func:`_allocate` sets the
        allocations afterwards."""
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
        budget_row: dict[int, float] = {}
        for t in self.variable:
            # s_t >= need_t - before_t, i.e. hires' spend - s_t <= before_t - existing_t (the room before a shortfall)
            room = (self.before[t] - self.existing_spend[t]) / _MONEY_UNIT
            row = dict(spend_rows[t])
            budget_row.update(spend_rows[t])
            row[self.s0 + self.var_index[t]] = -1.0
            add(row, -np.inf, room)
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
        # the variable territories' requirements add up to at most the free budget
        add(budget_row, -np.inf, (self.free_budget - sum(self.existing_spend[t] for t in self.variable)) / _MONEY_UNIT)
        add(hours_row, -np.inf, self.team_hours - sum(self.existing_hours.values()))
        return rows, lo, hi

    def shortfall_cuts(self) -> tuple[list[dict[int, float]], list[float], list[float]]:
        """Tighter shortfall rows for the stages after the money one, hire option by hire option: with ``room`` the
        money a territory has beyond its existing sellers, ``s_t >= sum_k (spend_k - room)+ z_k``. Valid for every
        choice (one hire chosen: exactly the shortfall; several: the sum of their (spend - room)+ is at most their
        total - room), and exact for a territory with one candidate hire, where the plain row is weak in the
        relaxation (a fractional hire fills the room for nothing). They slow the money stage, whose relaxation is
        already tight, and shrink the delay stage's gap by a factor of about ten (docs/optimiser.md)."""
        rows: list[dict[int, float]] = []
        spend: dict[str, dict[int, float]] = {}
        for h in self.hires:
            if h.territory in self.var_index:
                for k, o in enumerate(h.options):
                    spend.setdefault(h.territory, {})[h.column + k] = o.spend / _MONEY_UNIT
        for t, by_option in spend.items():
            room = (self.before[t] - self.existing_spend[t]) / _MONEY_UNIT
            if room <= 0:
                continue  # the plain row is already exact
            over = {j: a - room for j, a in by_option.items() if a - room > 1e-12}
            if over:
                over[self.s0 + self.var_index[t]] = -1.0
                rows.append(over)
        return rows, [-np.inf] * len(rows), [0.0] * len(rows)

    def spare(self) -> float:
        """The free budget the source leaves unallocated (negative when the source is over budget)."""
        return self.free_budget - sum(self.before.values())

    def moved(self, shortfall: float) -> float:
        """The least money moved when the territories' shortfalls add up to ``shortfall``: each shortfall is moved
        in, and what the unallocated budget cannot cover is taken from territories with more than they need."""
        return shortfall + max(0.0, shortfall - self.spare())

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

    def shortfall_vector(self) -> np.ndarray:
        c = np.zeros(self.n)
        c[self.s0 :] = 1.0
        return c

    def delay_vector(self) -> np.ndarray:
        c = np.zeros(self.n)
        for h in self.hires:
            for k, o in enumerate(h.options):
                c[h.column + k] = o.delay
        return c


class _Solver:
    """Sequential solves on one HiGHS model (``highspy``): each stage optimises one objective with the optimum of
    the earlier ones fixed as a row, starting from the answer of the stage before (a feasible start, so every stage
    has an answer and a proper gap however little time it gets)."""

    def __init__(self, model: _Model, deadline: float) -> None:
        import highspy

        self._hs = highspy
        self.m = model
        self.deadline = deadline
        # The core class: highspy.Highs installs Python callbacks whose first use prints a banner on stdout.
        self.h = highspy._Highs()  # type: ignore[attr-defined]
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("presolve", "on")
        n = model.n
        inf = highspy.kHighsInf
        upper = np.full(n, inf)
        upper[: model.n_z] = 1.0
        self.h.addVars(n, np.zeros(n), upper)
        if model.n_z:
            self.h.changeColsIntegrality(
                model.n_z, np.arange(model.n_z, dtype=np.int32), np.full(model.n_z, highspy.HighsVarType.kInteger)
            )
        self.add_rows(*model.constraint_rows())
        self.stages: list[Stage] = []

    def _add(self, row: dict[int, float], low: float, high: float) -> None:
        inf = self._hs.kHighsInf
        index = np.fromiter(row.keys(), dtype=np.int32, count=len(row))
        value = np.fromiter(row.values(), dtype=float, count=len(row))
        self.h.addRow(max(low, -inf), min(high, inf), len(row), index, value)

    def add_rows(self, rows: list[dict[int, float]], lo: list[float], hi: list[float]) -> None:
        for row, low, high in zip(rows, lo, hi, strict=True):
            self._add(row, low, high)

    def fix(self, c: np.ndarray, value: float, sense: str) -> None:
        """Add the row ``c @ x >= value`` (``sense`` "at_least") or ``c @ x <= value`` ("at_most")."""
        row = {int(j): float(c[j]) for j in np.flatnonzero(c)}
        if sense == "at_least":
            self._add(row, value, np.inf)
        else:
            self._add(row, -np.inf, value)

    def stage(
        self,
        name: str,
        c: np.ndarray,
        start: np.ndarray,
        rel_gap: float = 1e-9,
        share: float = 1.0,
        gap_of: Any = None,
    ) -> np.ndarray:
        """Minimise ``c`` from the feasible ``start`` within ``share`` of the time left (so that a later stage keeps
        time of its own). Returns the best answer found (``start`` when the solver improved on nothing).
        ``gap_of(value, bound)`` turns the solver's objective and bound into the gap reported (default: HiGHS's)."""
        hs, h = self._hs, self.h
        began = time.perf_counter()
        left = max(0.05, (self.deadline - began) * share)
        h.changeColsCost(self.m.n, np.arange(self.m.n, dtype=np.int32), np.asarray(c, dtype=float))
        h.setOptionValue("time_limit", float(left))
        h.setOptionValue("mip_rel_gap", float(rel_gap))
        solution = hs.HighsSolution()
        solution.col_value = [float(v) for v in start]
        solution.value_valid = True
        h.setSolution(solution)
        h.run()
        seconds = time.perf_counter() - began
        status = h.getModelStatus()
        info = h.getInfo()
        found = info.primal_solution_status == hs.SolutionStatus.kSolutionStatusFeasible
        x = np.asarray(h.getSolution().col_value, dtype=float) if found else np.asarray(start, dtype=float)
        if found and float(c @ x) > float(c @ start) + 1e-9 * max(1.0, abs(float(c @ start))):
            x = np.asarray(start, dtype=float)  # never worse than the start (it stays feasible)
        value = float(c @ x)
        bound = float(info.mip_dual_bound) if self.m.n_z else value
        if not np.isfinite(bound):
            bound = None  # type: ignore[assignment]
        if status == hs.HighsModelStatus.kOptimal:
            state = "optimal"
        elif status == hs.HighsModelStatus.kTimeLimit:
            state = "time limit" if found else "time limit (the previous stage's answer kept)"
        else:
            state = f"stopped: {h.modelStatusToString(status)} (the previous stage's answer kept)"
            x = np.asarray(start, dtype=float)
            value = float(c @ x)
        if bound is None:
            gap: float | None = 0.0 if state == "optimal" else None
        elif gap_of is not None:
            gap = gap_of(value, bound)
        else:
            gap = 0.0 if abs(value) < 1e-12 else max(0.0, (value - bound) / abs(value))
        self.stages.append(Stage(name, state, gap, seconds))
        return x


# --- the exact dynamic programme (all stages at once, when the budget is the only coupling) -------------------------

#: The dynamic programme is used when its work (budget states times territory spend levels) is at most this.
_DP_MAX_WORK = 4e8
#: and when it has at most this many budget states, and a choice table (one entry per state and territory with
#: hires) of at most this many entries.
_DP_MAX_STATES = 2_000_000
_DP_MAX_TABLE = 5e7
#: Measured: 3-4e-9 s per unit of work on the project's 2-core machine; it must fit in half the time limit.
_DP_SECONDS_PER_WORK = 5e-9
_NEG = -(2**61)
_BIG = 2**62


def _grid(values: list[float]) -> Fraction | None:
    """The largest ``u`` of which every value is a whole multiple (as exact rationals), or ``None`` when a value is
    not a rational with a denominator up to 10^7 (to 1e-9 relative)."""
    g, d = 0, 1
    for v in set(values):
        if v < 0 or not math.isfinite(v):
            return None
        f = Fraction(v).limit_denominator(10**7)
        if abs(float(f) - v) > 1e-9 * max(1.0, abs(v)):
            return None
        if f:
            g, d = math.gcd(g, f.numerator), math.lcm(d, f.denominator)
    return Fraction(g, d) if g else Fraction(1)


@dataclass
class _Level:
    """The best choice of one territory's hires that spends exactly ``units`` budget units."""

    units: int
    count: int
    quota: int  # quota units
    delay: int
    spend: float
    picks: tuple[int, ...]  # per hire of the territory: its option, or -1 when dropped


def _dynamic(model: _Model, time_limit: float, check_cancel: Any) -> np.ndarray | None:
    """The lexicographic optimum (most hires, most quota, least shortfall, fewest months of delay), found exactly
    by a dynamic programme over the budget, or ``None`` when it does not apply (then the MIP solves it).

    It applies when the budget row is the only constraint that couples territories: no locked allocation funds a
    hire, the team's hours cover every hire at its most demanding option, and every option's spend and period
    quota are whole multiples of a common unit (exact rationals), with few enough budget states. Then every
    territory's hires are combined into *levels* (for each exact spend, the best choice there: most hires, then
    most quota, then fewest months; its shortfall is a function of the spend alone), and the levels of the
    territories are combined over the budget (states 0..N units, N the budget the hires can share). The value of a
    state is the lexicographic tuple (hires, quota, shortfall, months), which adds up over territories and whose
    order is kept by addition, so the best of each state is the best of its best parts. Quota and months are exact
    integers; the shortfall is compared in thousandths of a dollar (per territory, so to a cent or so in all)."""
    if not model.hires or any(h.territory not in model.var_index for h in model.hires):
        return None
    hours_left = model.team_hours - sum(model.existing_hours.values())
    if sum(max(o.hours for o in h.options) for h in model.hires) > hours_left - 1e-6:
        return None
    options = [o for h in model.hires for o in h.options]
    unit_s = _grid([o.spend for o in options])
    unit_q = _grid([o.quota for o in options])
    if unit_s is None or unit_q is None or unit_s <= 0:
        return None
    us, uq = float(unit_s), float(unit_q)
    spend_units = {id(o): round(o.spend / us) for o in options}  # whole multiples (checked by _grid)
    quota_units = {id(o): round(o.quota / uq) for o in options}
    room = model.free_budget - sum(model.existing_spend[t] for t in model.variable)
    most = sum(max(spend_units[id(o)] for o in h.options) for h in model.hires)
    n = min(most, math.floor((room + 1e-6) / us + 1e-9))
    if n < 0 or n > _DP_MAX_STATES:
        return None
    q_base = sum(max(quota_units[id(o)] for o in h.options) for h in model.hires) + 1
    d_base = sum(max(o.delay for o in h.options) for h in model.hires) + 1
    if (len(model.hires) + 1) * q_base >= 2**60:
        return None

    by_t: dict[str, list[_Hire]] = {}
    for h in model.hires:
        by_t.setdefault(h.territory, []).append(h)
    if len(by_t) * (n + 1) > _DP_MAX_TABLE or sum(len(h.options) + 1 for h in model.hires) * (n + 1) > _DP_MAX_WORK:
        return None  # too big, known before the levels are built (a hire adds about one level per option)
    territories: list[tuple[str, list[_Hire], list[_Level]]] = []
    for t, hires in by_t.items():
        combos = {0: _Level(0, 0, 0, 0, 0.0, ())}
        for h in hires:
            grown: dict[int, _Level] = {}
            for base in combos.values():
                steps = [(-1, 0, 0, 0, 0, 0.0)] + [
                    (k, spend_units[id(o)], 1, quota_units[id(o)], o.delay, o.spend) for k, o in enumerate(h.options)
                ]
                for k, su, c, q, d, sp in steps:
                    units = base.units + su
                    if units > n:
                        continue
                    cand = _Level(
                        units, base.count + c, base.quota + q, base.delay + d, base.spend + sp, (*base.picks, k)
                    )
                    old = grown.get(units)
                    if old is None or (cand.count, cand.quota, -cand.delay) > (old.count, old.quota, -old.delay):
                        grown[units] = cand
            combos = grown
        territories.append((t, hires, sorted(combos.values(), key=lambda c: c.units)))
    work = sum(len(levels) for _, _, levels in territories) * (n + 1)
    if work > _DP_MAX_WORK or len(territories) * (n + 1) > _DP_MAX_TABLE:
        return None
    if work * _DP_SECONDS_PER_WORK > 0.5 * time_limit:
        return None
    scale = max(1, math.ceil(us * 1000))  # a thousandth of a dollar or finer
    s_worst = sum(
        max(0.0, model.existing_spend[t] + max(lv.spend for lv in levels) - model.before[t])
        for t, _, levels in territories
    )
    if (s_worst / us * scale + len(territories) + 1) * d_base >= 2**60:
        return None

    # The value of a state as two integer keys: p = hires * q_base + quota units (the larger the better) and
    # t = shortfall * d_base + months (the smaller the better), the shortfall max(0, spend - room) in 1/scale of a
    # budget unit with the room rounded once per territory, so that choices with the same territories short and the
    # same spend get exactly the same key. When they fit, the two are one key, -p * t_base + t (one pass fewer).
    rooms = {t: round((model.before[t] - model.existing_spend[t]) / us * scale) for t, _, _ in territories}
    t_base = int(s_worst / us * scale + len(territories) + 2) * d_base
    p_top = (len(model.hires) + 1) * q_base
    keys = [
        [(lv.count * q_base + lv.quota, max(0, lv.units * scale - rooms[t]) * d_base + lv.delay) for lv in levels]
        for t, _, levels in territories
    ]
    tables = []
    if p_top * t_base < 2**60:  # one key, smaller is better
        best = np.full(n + 1, _BIG, dtype=np.int64)
        best[0] = 0
        for i, (_t, _hires, levels) in enumerate(territories):
            if i % 8 == 0:
                check_cancel()
            new = np.full(n + 1, _BIG, dtype=np.int64)
            table = np.full(n + 1, -1, dtype=np.int16 if len(levels) < 2**15 else np.int32)
            for j, (lv, (p, tk)) in enumerate(zip(levels, keys[i], strict=True)):
                value = best[: n + 1 - lv.units] + (tk - p * t_base)
                at = new[lv.units :]
                better = value < at
                np.copyto(at, value, where=better)
                table[lv.units :][better] = j
            best = new
            tables.append(table)
        state = int(np.argmin(best))
        if best[state] >= 2**60:
            return None
    else:
        best_p = np.full(n + 1, _NEG, dtype=np.int64)
        best_t = np.full(n + 1, _BIG, dtype=np.int64)
        best_p[0] = 0
        best_t[0] = 0
        for i, (_t, _hires, levels) in enumerate(territories):
            if i % 8 == 0:
                check_cancel()
            new_p = np.full(n + 1, _NEG, dtype=np.int64)
            new_t = np.full(n + 1, _BIG, dtype=np.int64)
            table = np.full(n + 1, -1, dtype=np.int16 if len(levels) < 2**15 else np.int32)
            for j, (lv, (p, tk)) in enumerate(zip(levels, keys[i], strict=True)):
                cand_p = best_p[: n + 1 - lv.units] + p
                cand_t = best_t[: n + 1 - lv.units] + tk
                at_p, at_t = new_p[lv.units :], new_t[lv.units :]
                better = (cand_p > at_p) | ((cand_p == at_p) & (cand_t < at_t))
                np.copyto(at_p, cand_p, where=better)
                np.copyto(at_t, cand_t, where=better)
                table[lv.units :][better] = j
            best_p, best_t = new_p, new_t
            tables.append(table)
        top = best_p.max()
        if top < 0:
            return None
        states = np.flatnonzero(best_p == top)
        state = int(states[np.argmin(best_t[states])])
    x = np.zeros(model.n)
    for (t, hires, levels), table in zip(reversed(territories), reversed(tables), strict=True):
        lv = levels[int(table[state])]
        state -= lv.units
        for h, k in zip(hires, lv.picks, strict=True):
            if k >= 0:
                x[h.column + k] = 1.0
        x[model.s0 + model.var_index[t]] = max(0.0, model.existing_spend[t] + lv.spend - model.before[t]) / _MONEY_UNIT
    if state != 0:
        return None  # cannot happen: the states add up
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
    n_hires_vec, quota_vec, short_vec, delay_vec = (
        model.hires_vector(),
        model.quota_vector(),
        model.shortfall_vector(),
        model.delay_vector(),
    )

    def moved_gap(value: float, bound: float) -> float:  # the gap in money moved, not in shortfall
        worst, best = model.moved(value * _MONEY_UNIT), model.moved(max(bound, 0.0) * _MONEY_UNIT)
        return 0.0 if worst <= 0 else max(0.0, (worst - best) / worst)

    if model.n_z:
        check_cancel()
        report_progress(0.1, "Funding the most hires")
        began = time.perf_counter()
        programme = _dynamic(model, time_limit, check_cancel)
        if programme is not None:  # proven: the dynamic programme enumerates every choice (see _dynamic)
            seconds = time.perf_counter() - began
            names = ["most hires funded", "most funded quota", "least money moved"]
            names += ["fewest months of delay"] if allow_delays else []
            stages = [Stage(name, "optimal", 0.0, seconds if i == 0 else 0.0) for i, name in enumerate(names)]
            report_progress(0.9, "Checking the result with the plan's checks")
            result = _result(plan, source, into, model, programme, stages, started)
            report_progress(1.0, "Done")
            return result

    x = _greedy(model)  # feasible: the existing sellers are funded (checked above), hires added while they fit
    if model.n_z:
        check_cancel()
        report_progress(0.1, "Funding the most hires")
        x = solver.stage("most hires funded", -n_hires_vec, x)
        kept = round(float(n_hires_vec @ x))
        solver.fix(n_hires_vec, kept - 0.5, "at_least")
        check_cancel()
        report_progress(0.35, "Funding the most quota")
        x = solver.stage("most funded quota", -quota_vec, x)
        q = float(quota_vec @ x)
        solver.fix(quota_vec, q - max(1e-6, 1e-9 * abs(q)), "at_least")
    check_cancel()
    report_progress(0.6, "Moving the least money")
    # With delays the fewest-months stage still follows: it keeps half of the time left. The shortfall is solved
    # to MONEY_GAP / 2, which keeps money moved (at most twice the shortfall's change) within MONEY_GAP.
    x = solver.stage("least money moved", short_vec, x, rel_gap=MONEY_GAP / 2, share=0.5 if allow_delays else 1.0,
                     gap_of=moved_gap)  # fmt: skip
    if allow_delays and model.n_z:
        short = float(short_vec @ x)
        solver.fix(short_vec, short + max(1e-6, 1e-9 * abs(short)), "at_most")
        solver.add_rows(*model.shortfall_cuts())
        check_cancel()
        report_progress(0.8, "Delaying the fewest months")
        x = solver.stage("fewest months of delay", delay_vec, x)
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
    """A feasible start for the first stage: cheapest hires first, at their planned start, while they fit."""
    x = np.zeros(model.n)
    spare = model.free_budget - sum(model.existing_spend[t] for t in model.variable)
    hours = model.team_hours - sum(model.existing_hours.values())
    group_spare = {
        i: g.allocation.budget - sum(model.existing_spend[m] for m in g.members) for i, g in enumerate(model.groups)
    }
    group_hours = {
        i: g.allocation.hours - sum(model.existing_hours[m] for m in g.members)
        for i, g in enumerate(model.groups)
        if g.allocation.hours > 0
    }
    for h in sorted(model.hires, key=lambda h: (h.options[0].spend, h.seller.name)):
        o = h.options[0]
        g = model.group_of.get(h.territory)
        room = group_spare[g] if g is not None else spare
        room_hours = min(hours, group_hours.get(g, math.inf) if g is not None else math.inf)
        if o.spend <= room - 1e-6 and o.hours <= room_hours - 1e-6:
            x[h.column] = 1.0
            hours -= o.hours
            if g is not None:
                group_spare[g] -= o.spend
                if g in group_hours:
                    group_hours[g] -= o.hours
            else:
                spare -= o.spend
    chosen = {h.seller.name: (h.options[0] if x[h.column] > 0.5 else None) for h in model.hires}
    for t, i in model.var_index.items():
        need = model.existing_spend[t] + _chosen_spend(model, chosen, {t})
        x[model.s0 + i] = max(0.0, need - model.before[t]) / _MONEY_UNIT
    return x


def _allocate(model: _Model, chosen: dict[str, _Option | None]) -> dict[str, float]:
    """The allocations that fund ``chosen`` moving the least money: every territory keeps what it had or gets what
    it requires, whichever is more; if that breaks the budget, territories with more than they require give up
    their spare money, largest spare first."""
    need = {t: model.existing_spend[t] + _chosen_spend(model, chosen, {t}) for t in model.variable}
    after = {t: max(need[t], model.before[t]) for t in model.variable}
    excess = sum(after.values()) - model.free_budget
    for t in sorted(model.variable, key=lambda t: (-(model.before[t] - need[t]), t)):
        if excess <= 0:
            break
        cut = min(excess, max(0.0, model.before[t] - need[t]))
        after[t] -= cut
        excess -= cut
    return after


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
    raw = _allocate(model, chosen)
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
