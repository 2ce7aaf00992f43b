"""The fix finder: for every blocking flag, the concrete changes that would clear it, each one tried for real.

Every option is a batch of ordinary domain commands. It is applied to a copy of the scenario and the copy is
re-evaluated with the real checks, so what an option says it clears (and any flag it creates) is what the checks
say, never an estimate. Amounts are whole dollars: the smallest one that works, found from the funnel arithmetic and
then verified (with a bisection when the arithmetic and the checks disagree by a rounding).

Ranking: options that create no new flag come first, then those that keep the sales plan (no period quota lost),
then the least money (or hours) moved. See docs/optimiser.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..domain import BASELINE, Allocation, Flag, Plan, Report, Scenario, TerritoryAggregates, evaluate
from ..domain.checks import EPS
from ..domain.commands import Batch, Command, EditSeller, RemoveSeller, SetAllocation, SetAssumption
from ..domain.errors import PlanError
from ..domain.formatting import currency_symbol, money
from ..domain.funnel import PERIOD_MONTHS

FIX_KINDS = (
    "add_budget",
    "move_budget",
    "new_allocation",
    "cut_allocation",
    "move_hours",
    "delay_hire",
    "drop_hire",
)
#: Money and hours are judged to the cent (the checks' tolerance); whole-dollar amounts stay clear of it.
_CENT = EPS  # a cent: the checks' money tolerance
#: At most this many single-allocation cuts are tried for an over-budget plan (each is a full evaluation).
_MAX_SINGLE_CUTS = 5

FlagKey = tuple[str, str, str]  # code, subject type, subject
PoolKey = tuple[str, str]  # ("territory" | "region", name)


def flag_key(flag: Flag) -> FlagKey:
    return (flag.code, flag.subject_type, flag.subject)


def blocking_flags(report: Report) -> list[Flag]:
    """The blocking flags in the order ``check --json`` lists them (the numbering of ``fix --flag N``)."""
    return [f for f in report.flags if f.blocking]


def exact_money(value: float, currency: str) -> str:
    """A whole-currency figure such as ``$58,123`` (fix amounts are exact, not rounded to $58k)."""
    sign = "-" if value < 0 else ""
    return f"{sign}{currency_symbol(currency)}{abs(value):,.0f}"


def exact_hours(value: float) -> str:
    return f"{value:,.0f} hours" if value != 1 else "1 hour"


@dataclass(frozen=True)
class Change:
    """One field an option changes: ``level`` is territory, region, seller or plan."""

    level: str
    name: str
    field: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "name": self.name, "field": self.field, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class FixOption:
    """One way to clear a blocking flag, with what it does to every other flag (found by re-evaluation)."""

    kind: str
    description: str
    amount: float  # money moved (add, move, new, cut), hours moved (move_hours), 0 for delays and drops
    changes: tuple[Change, ...]
    command: Batch
    clears: tuple[FlagKey, ...] = ()
    creates: tuple[FlagKey, ...] = ()
    quota_lost: float = 0.0
    creates_blocking: int = 0
    #: Territories and hires that were funded and no longer are (at risk raises no flag, so it is listed here).
    weakens: tuple[str, ...] = ()

    def rank(self) -> tuple[bool, bool, bool, float, float, int]:
        money_amount = 0.0 if self.kind == "move_hours" else self.amount
        return (
            self.creates_blocking > 0,
            bool(self.creates) or bool(self.weakens),
            self.quota_lost > _CENT,
            money_amount,
            self.quota_lost,
            FIX_KINDS.index(self.kind),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "description": self.description,
            "amount": round(self.amount, 2),
            "changes": [c.as_dict() for c in self.changes],
            "clears": [k[0] for k in self.clears],
            "creates": [k[0] for k in self.creates],
            "clears_flags": [{"code": k[0], "subject_type": k[1], "subject": k[2]} for k in self.clears],
            "creates_flags": [{"code": k[0], "subject_type": k[1], "subject": k[2]} for k in self.creates],
            "quota_lost": round(self.quota_lost, 2),
            "weakens": list(self.weakens),
        }


@dataclass
class FlagFixes:
    """The options found for one blocking flag, best first, and notes on options that do not exist."""

    flag: Flag
    options: list[FixOption] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- trying a change on a copy ------------------------------------------------------------------------------------


class _Trials:
    """Apply commands to a fresh copy of one scenario and evaluate it with the real checks."""

    def __init__(self, plan: Plan, scenario: str, aggregates: TerritoryAggregates | None = None) -> None:
        self.plan = plan
        self.scenario = plan.scenario(scenario)
        self.name = self.scenario.name
        # Fix commands never move units, so the per-unit aggregates of the source serve every copy.
        self.aggregates = aggregates if aggregates is not None else TerritoryAggregates(plan.layer, self.scenario)
        self.report = evaluate(self.scenario, plan.layer, self.aggregates)
        self.flags = {flag_key(f): f for f in self.report.flags}
        self.evaluations = 0

    def scratch(self) -> Plan:
        scenarios = {self.name: self.scenario.clone(self.name)}
        if self.name != BASELINE:
            scenarios = {BASELINE: Scenario(BASELINE), **scenarios}
        return Plan(self.plan.name, self.plan.layer, scenarios)

    def run(self, commands: Iterable[Command]) -> Report:
        scratch = self.scratch()
        Batch("trial", tuple(commands)).apply(scratch)
        self.evaluations += 1
        return evaluate(scratch.scenario(self.name), scratch.layer, self.aggregates)


def smallest_whole(works: Callable[[float], bool], guess: float, ceiling: float) -> float | None:
    """The smallest whole amount ``x >= 1`` for which ``works(x)``: the closed-form ``guess`` first (checked on both
    sides), else a bisection between 0 and a doubling bound (at most ``ceiling``); ``None`` when nothing up to the
    ceiling works."""
    x = max(1.0, float(math.ceil(guess - 1e-9)))
    if works(x) and (x <= 1 or not works(x - 1)):
        return x
    lo, hi = 0.0, max(x, 1.0)
    while not works(hi):
        lo = hi
        if hi >= ceiling:
            return None
        hi = min(ceiling, hi * 2)
    while hi - lo > 1:
        mid = float(math.floor((lo + hi) / 2))
        if works(mid):
            hi = mid
        else:
            lo = mid
    return hi


# --- the finder ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    key: PoolKey
    allocation: Allocation
    surplus: float  # whole currency units that can go without the source becoming short


class FixFinder:
    """Find the fix options of every blocking flag of one scenario."""

    def __init__(self, plan: Plan, scenario: str | None = None, aggregates: TerritoryAggregates | None = None):
        self.trials = _Trials(plan, scenario or BASELINE, aggregates)
        self.s = self.trials.scenario
        self.report = self.trials.report
        self.cur = self.report.currency
        self.values = self.s.assumptions.values
        self.period_start = self.report.period_start

    # --- facts about the scenario ------------------------------------------------------------------------------
    def pool_of(self, territory: str) -> PoolKey | None:
        if ("territory", territory) in self.s.allocations:
            return ("territory", territory)
        region = self.s.territories[territory].region
        if region is not None and ("region", region) in self.s.allocations:
            return ("region", region)
        return None

    def members(self, key: PoolKey) -> list[str]:
        return [t for t in self.s.territories if self.pool_of(t) == key]

    def pool_required(self, key: PoolKey) -> float:
        return sum(self.report.territory(t).required_spend for t in self.members(key))

    def pool_required_hours(self, key: PoolKey) -> float:
        return sum(self.report.territory(t).required_hours for t in self.members(key))

    def unallocated(self) -> float:
        return self.values["marketing_budget"] - sum(a.budget for a in self.s.allocations.values())

    def sources(self, exclude: PoolKey | None) -> list[_Source]:
        """Allocations with money they do not need: their budget above what their territories require (so taking
        it leaves them funded), largest first; never a locked one."""
        found = []
        for key, allocation in self.s.allocations.items():
            if key == exclude or allocation.locked:
                continue
            surplus = math.floor(allocation.budget - self.pool_required(key) + 1e-9)
            if surplus >= 1:
                found.append(_Source(key, allocation, float(surplus)))
        found.sort(key=lambda src: (-src.surplus, src.key))
        return found

    def hours_sources(self, exclude: PoolKey | None) -> list[tuple[PoolKey, Allocation, float]]:
        found = []
        for key, allocation in self.s.allocations.items():
            if key == exclude or allocation.hours <= 0 or allocation.locked:
                continue
            surplus = math.floor(allocation.hours - self.pool_required_hours(key) + 1e-9)
            if surplus >= 1:
                found.append((key, allocation, float(surplus)))
        found.sort(key=lambda item: (-item[2], item[0]))
        return found

    # --- building options ----------------------------------------------------------------------------------------
    def _finish(self, kind: str, description: str, amount: float, changes: list[Change], commands: list[Command]):
        command = Batch(description, tuple(commands))
        after = self.trials.run(commands)
        keys_after = {flag_key(f): f for f in after.flags}
        clears = tuple(k for k in self.trials.flags if k not in keys_after)
        creates = tuple(k for k in keys_after if k not in self.trials.flags)
        lost = max(0.0, self.report.totals.revenue_target - after.totals.revenue_target)
        blocking = sum(1 for k in creates if keys_after[k].blocking)
        weakens = self._weakened(after)
        option = FixOption(kind, description, amount, tuple(changes), command, clears, creates, lost, blocking, weakens)
        return option, after

    def _weakened(self, after: Report) -> tuple[str, ...]:
        """Territories and hires funded before and at risk or unfunded after (dropped hires are not listed)."""
        now_t = {t.territory: t.status for t in after.territories}
        now_h = {h.seller: h.status for h in after.hires}
        names = [
            t.territory
            for t in self.report.territories
            if t.status == "funded" and now_t.get(t.territory, "funded") != "funded"
        ]
        names += [
            h.seller for h in self.report.hires if h.status == "funded" and now_h.get(h.seller, "funded") != "funded"
        ]
        return tuple(names)

    def _budget_change(self, key: PoolKey, delta: float) -> tuple[Change, Command]:
        allocation = self.s.allocations[key]
        new = replace(allocation, budget=allocation.budget + delta)
        return (
            Change(key[0], key[1], "budget", round(allocation.budget, 2), round(new.budget, 2)),
            SetAllocation(self.trials.name, key[0], key[1], new),
        )

    def _take_from_sources(self, amount: float, exclude: PoolKey | None) -> tuple[list[tuple[_Source, float]], float]:
        taken: list[tuple[_Source, float]] = []
        left = amount
        for src in self.sources(exclude):
            if left <= 0:
                break
            part = min(src.surplus, left)
            taken.append((src, part))
            left -= part
        return taken, left

    def _source_text(self, taken: list[tuple[_Source, float]]) -> str:
        parts = [f"{_place(src.key)} ({exact_money(part, self.cur)})" for src, part in taken]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    def money_options(
        self,
        fixes: FlagFixes,
        target: PoolKey | None,
        territory: str,
        works: Callable[[Report], bool],
        guess: float,
    ) -> None:
        """Add-from-unallocated and move-from-surplus options for money that ``target`` (or, with ``None``, a new
        allocation of ``territory``) needs so that ``works``. A locked allocation gets no money: it is kept exactly."""
        name = self.trials.name
        if target is not None and self.s.allocations[target].locked:
            where = target[1] if target[0] == "territory" else f"region {target[1]}'s shared budget"
            fixes.notes.append(f"The allocation of {where} is locked: unlock it to add money to it.")
            return

        def commands_for(x: float) -> list[Command]:
            if target is None:
                start = None
                return [SetAllocation(name, "territory", territory, Allocation("territory", territory, x, 0.0, start))]
            return [self._budget_change(target, x)[1]]

        ceiling = max(1e6, 4 * (guess + self.report.totals.required_spend + self.values["marketing_budget"]))
        x = smallest_whole(lambda v: works(self.trials.run(commands_for(v))), guess, ceiling)
        if x is None:
            fixes.notes.append("No amount of money clears it.")
            return
        unallocated = self.unallocated()
        over = (
            ""
            if unallocated + _CENT >= x
            else (
                f" (only {exact_money(max(unallocated, 0.0), self.cur)} is unallocated, so the plan goes over budget)"
            )
        )
        if target is None:
            change = Change("territory", territory, "budget", None, x)
            description = (
                f"Give {territory} its own allocation of {exact_money(x, self.cur)} from the unallocated budget{over}"
            )
            kind = "new_allocation"
        else:
            change = self._budget_change(target, x)[0]
            where = target[1] if target[0] == "territory" else f"region {target[1]}'s shared budget"
            description = f"Add {exact_money(x, self.cur)} to {where} from the unallocated budget{over}"
            kind = "add_budget"
        option, _ = self._finish(kind, description, x, [change], commands_for(x))
        fixes.options.append(option)

        taken, left = self._take_from_sources(x, target)
        if left > 0:
            available = x - left
            fixes.notes.append(
                f"Other allocations have only {exact_money(available, self.cur)} they do not need, "
                f"{exact_money(left, self.cur)} less than the {exact_money(x, self.cur)} needed: no move covers it."
            )
            return
        changes = [change]
        commands = commands_for(x)
        for src, part in taken:
            c, cmd = self._budget_change(src.key, -part)
            changes.append(c)
            commands.append(cmd)
        to = territory if target is None or target[0] == "territory" else f"region {target[1]}"
        description = f"Move {exact_money(x, self.cur)} to {to} from {self._source_text(taken)}"
        kind = "new_allocation" if target is None else "move_budget"
        option, _ = self._finish(kind, description, x, changes, commands)
        fixes.options.append(option)

    def hire_options(self, fixes: FlagFixes, hires: list[str], works: Callable[[Report, str], bool]) -> None:
        """Delay (earliest start in the period that works with pipeline on time) and drop options of ``hires``."""
        name = self.trials.name
        last = self.period_start.plus(PERIOD_MONTHS - 1)
        for hire_name in hires:
            seller = self.s.sellers[hire_name]
            start = seller.start_month or self.period_start
            month = start.plus(1)
            found = None
            while month <= last:
                moved = replace(seller, start_month=month)
                report = self.trials.run([EditSeller(name, hire_name, moved)])
                if works(report, hire_name) and not self._pipeline_late(report, hire_name):
                    found = month
                    break
                month = month.plus(1)
            if found is None:
                fixes.notes.append(
                    f"No start month for {hire_name} up to {last.label()} is funded with the money there is "
                    "and has its pipeline on time."
                )
            else:
                before = str(seller.start_month) if seller.start_month else None
                option, _ = self._finish(
                    "delay_hire",
                    f"Delay {hire_name} from {before or 'the start of the period'} to {found}",
                    0.0,
                    [Change("seller", hire_name, "start_month", before, str(found))],
                    [EditSeller(name, hire_name, replace(seller, start_month=found))],
                )
                fixes.options.append(option)
            report = self.trials.run([RemoveSeller(name, hire_name)])
            if works(report, hire_name):
                quota = self.report.hire(hire_name).period_quota
                option, _ = self._finish(
                    "drop_hire",
                    f"Drop the planned hire {hire_name} ({money(quota, self.cur)} of period quota)",
                    0.0,
                    [Change("seller", hire_name, "seller", "planned hire", None)],
                    [RemoveSeller(name, hire_name)],
                )
                fixes.options.append(option)

    def _pipeline_late(self, report: Report, hire_name: str) -> bool:
        return any(f.code == "PIPELINE_LATE" and f.subject == hire_name for f in report.flags)

    # --- per flag --------------------------------------------------------------------------------------------------
    def fixes_for(self, flag: Flag) -> FlagFixes:
        fixes = FlagFixes(flag)
        handler = getattr(self, f"_fix_{flag.code.lower()}", None)
        if handler is None:
            fixes.notes.append("The fix finder has no options for this kind of flag yet.")
        else:
            handler(fixes)
        fixes.options.sort(key=FixOption.rank)
        return fixes

    def _territory_funded(self, territory: str) -> Callable[[Report], bool]:
        return lambda report: report.territory(territory).status == "funded"

    def _fix_unfunded_territory(self, fixes: FlagFixes) -> None:
        t = fixes.flag.subject
        key = self.pool_of(t)
        if key is None:  # the checks raise UNPLANNED_REGION for these; nothing to add to
            return
        needed = self.pool_required(key) - self.s.allocations[key].budget
        self.money_options(fixes, key, t, self._territory_funded(t), needed)
        hires = [s.name for s in self.s.sellers_of(t) if s.is_hire]
        self.hire_options(fixes, hires, lambda report, _h: report.territory(t).status == "funded")

    def _hire_funded(self, report: Report, hire_name: str) -> bool:
        try:
            return report.hire(hire_name).status == "funded"
        except KeyError:
            return True  # dropped: nobody is left unfunded

    def _fix_unfunded_hire(self, fixes: FlagFixes) -> None:
        h = fixes.flag.subject
        seller = self.s.sellers[h]
        t = seller.territory
        if t is None or t not in self.s.territories:
            fixes.notes.append(
                f"{h} has no territory: put them in one first (no allocation can fund them as they are)."
            )
            option, _ = self._finish(
                "drop_hire",
                f"Drop the planned hire {h}",
                0.0,
                [Change("seller", h, "seller", "planned hire", None)],
                [RemoveSeller(self.trials.name, h)],
            )
            fixes.options.append(option)
            return
        key = self.pool_of(t)
        # What the hire needs: the pool's existing sellers plus every hire up to this one in start order.
        through = 0.0
        pool_members = set(self.members(key)) if key is not None else {t}
        for result in self.report.hires:
            if result.territory in pool_members:
                through += result.marginal_spend
            if result.seller == h:
                break
        pool_hires = sum(r.marginal_spend for r in self.report.hires if r.territory in pool_members)
        existing = sum(self.report.territory(m).required_spend for m in pool_members) - pool_hires
        budget = self.s.allocations[key].budget if key is not None else 0.0
        self.money_options(fixes, key, t, lambda report: self._hire_funded(report, h), existing + through - budget)
        self.hire_options(fixes, [h], self._hire_funded)

    def _fix_unplanned_region(self, fixes: FlagFixes) -> None:
        t = fixes.flag.subject
        needed = self.report.territory(t).required_spend
        self.money_options(fixes, None, t, self._territory_funded(t), needed)

    def _fix_over_budget(self, fixes: FlagFixes) -> None:
        over = sum(a.budget for a in self.s.allocations.values()) - self.values["marketing_budget"]
        cut = float(math.ceil(over - _CENT))

        def clears(report: Report) -> bool:
            return not any(f.code == "OVER_BUDGET" for f in report.flags)

        taken, left = self._take_from_sources(cut, None)
        if left <= 0:
            changes, commands = [], []
            for src, part in taken:
                c, cmd = self._budget_change(src.key, -part)
                changes.append(c)
                commands.append(cmd)
            option, report = self._finish(
                "cut_allocation",
                f"Cut {exact_money(cut, self.cur)} from {self._source_text(taken)} (money they do not need)",
                cut,
                changes,
                commands,
            )
            if clears(report):
                fixes.options.append(option)
        else:
            fixes.notes.append(
                f"Allocations have only {exact_money(cut - left, self.cur)} they do not need; cutting "
                f"{exact_money(cut, self.cur)} leaves some territory short."
            )
        candidates = sorted(
            (k for k, a in self.s.allocations.items() if a.budget + _CENT >= cut and not a.locked),
            key=lambda k: (-(self.s.allocations[k].budget - self.pool_required(k)), k),
        )[:_MAX_SINGLE_CUTS]
        for key in candidates:
            c, cmd = self._budget_change(key, -cut)
            option, report = self._finish(
                "cut_allocation", f"Cut {exact_money(cut, self.cur)} from {key[1]}", cut, [c], [cmd]
            )
            if clears(report) and not (len(taken) == 1 and taken[0][0].key == key and left <= 0):
                fixes.options.append(option)

    def _fix_over_capacity(self, fixes: FlagFixes) -> None:
        flag = fixes.flag
        name = self.trials.name
        short = float(math.ceil(float(flag.numbers["required_hours"] or 0) - self._given_hours(flag) - _CENT))

        def clears(report: Report) -> bool:
            return not any(flag_key(f) == flag_key(flag) for f in report.flags)

        if flag.subject_type == "plan":
            team = self.values["marketing_hours"]
            option, report = self._finish(
                "move_hours",
                f"Give the marketing team {exact_hours(short)} more (from {team:,.0f} to {team + short:,.0f})",
                short,
                [Change("plan", "plan", "marketing_hours", team, team + short)],
                [SetAssumption(name, "plan", None, "marketing_hours", team + short)],
            )
            if clears(report):
                fixes.options.append(option)
            hires = [h.seller for h in self.report.hires]
            self.hire_options(fixes, hires, lambda report, _h: clears(report))
            return
        key: PoolKey = (flag.subject_type, flag.subject)
        if key in self.s.allocations and self.s.allocations[key].locked:
            fixes.notes.append(f"The allocation of {key[1]} is locked: unlock it to give it more hours.")
            return

        def hours_change(k: PoolKey, delta: float) -> tuple[Change, Command]:
            a = self.s.allocations[k]
            return (
                Change(k[0], k[1], "hours", round(a.hours, 2), round(a.hours + delta, 2)),
                SetAllocation(name, k[0], k[1], replace(a, hours=a.hours + delta)),
            )

        free = self.values["marketing_hours"] - sum(a.hours for a in self.s.allocations.values())
        c, cmd = hours_change(key, short)
        if free + _CENT >= short:
            option, report = self._finish(
                "move_hours",
                f"Give {key[1]} {exact_hours(short)} more from the team's unallocated hours",
                short,
                [c],
                [cmd],
            )
            if clears(report):
                fixes.options.append(option)
        changes, commands, left, named = [c], [cmd], short, []
        for k, _a, surplus in self.hours_sources(key):
            if left <= 0:
                break
            part = min(surplus, left)
            hc, hcmd = hours_change(k, -part)
            changes.append(hc)
            commands.append(hcmd)
            named.append(f"{k[1]} ({exact_hours(part)})")
            left -= part
        if left <= 0 and named:
            sources = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
            option, report = self._finish(
                "move_hours", f"Move {exact_hours(short)} to {key[1]} from {sources}", short, changes, commands
            )
            if clears(report):
                fixes.options.append(option)
        elif not fixes.options:
            fixes.notes.append(f"No allocation has {exact_hours(short)} of marketing time it does not need.")

    def _given_hours(self, flag: Flag) -> float:
        if flag.subject_type == "plan":
            return float(flag.numbers["marketing_hours"] or 0)
        return float(flag.numbers["allocated_hours"] or 0)


def find_fixes(
    plan: Plan, scenario: str | None = None, aggregates: TerritoryAggregates | None = None
) -> list[FlagFixes]:
    """The fix options of every blocking flag of ``scenario``, in the order ``check --json`` lists the flags."""
    finder = FixFinder(plan, scenario, aggregates)
    return [finder.fixes_for(flag) for flag in blocking_flags(finder.report)]


def fix_command(plan: Plan, scenario: str, flag_index: int, option_index: int) -> FixOption:
    """Option ``option_index`` of blocking flag ``flag_index`` (both 0-based, in ``check --json`` order)."""
    finder = FixFinder(plan, scenario)
    flags = blocking_flags(finder.report)
    if not flags:
        raise PlanError(f"Scenario {finder.trials.name} has no blocking flag: there is nothing to fix.")
    if not 0 <= flag_index < len(flags):
        raise PlanError(
            f"Scenario {finder.trials.name} has {len(flags)} blocking flag(s), numbered 0 to {len(flags) - 1}; "
            f"there is no flag {flag_index}. Run `check --fixes` to see them."
        )
    fixes = finder.fixes_for(flags[flag_index])
    if not fixes.options:
        raise PlanError(f"Flag {flag_index} ({flags[flag_index].code} {flags[flag_index].subject}) has no fix option.")
    if not 0 <= option_index < len(fixes.options):
        raise PlanError(
            f"Flag {flag_index} has {len(fixes.options)} option(s), numbered 0 to {len(fixes.options) - 1}; "
            f"there is no option {option_index}."
        )
    return fixes.options[option_index]


__all__ = [
    "FIX_KINDS",
    "Change",
    "FixFinder",
    "FixOption",
    "FlagFixes",
    "blocking_flags",
    "find_fixes",
    "fix_command",
]


def _place(key: PoolKey) -> str:
    return key[1] if key[0] == "territory" else f"region {key[1]}"
