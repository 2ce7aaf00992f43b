"""Evaluate a scenario: per-territory funnel and funding, per-hire marginal funding, and the flags of the checks.

The evaluation runs in three steps, each a small function: the funding pools (:func:`funding_pools`), the
territory and hire results, and then every registered flag rule (:data:`FLAG_RULES`) over the finished results.
A flag rule is one function decorated with :func:`flag_rule`; adding a flag means adding one such function (and
its tests) — see docs/ARCHITECTURE.md "Add a flag".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np

from .aggregates import TerritoryAggregates
from .assumptions import FunnelAssumptions
from .budget import gap_split
from .formatting import count, hours, money, percent, plural_noun, to_cents
from .funnel import (
    FunnelResult,
    break_even_cpl,
    counts_as_hire_in_period,
    fund_by_month,
    period_quota,
    reverse_funnel,
)
from .model import Allocation, Layer, Scenario, Seller
from .months import Month
from .status import Status

Severity = Literal["blocking", "warning"]

#: Money and hours are compared to the cent / the minute: two amounts closer than this are equal. Every view,
#: export and comparison asks :func:`exceeds` / :func:`same_amount` instead of retyping the number.
EPS = 0.005
#: Ratios (the spend ratio against its band) are compared with this slack, so a band edge typed as 4 % holds 4 %.
RATIO_EPS = 1e-9


def exceeds(amount: float, limit: float) -> bool:
    """``amount`` is more than ``limit`` by at least a cent (or a minute): the rule behind every "short"/"over"."""
    return amount > limit + EPS


def same_amount(a: float, b: float) -> bool:
    """Two money or hour amounts that differ by less than a cent / a minute."""
    return abs(a - b) < EPS


def spend_ratio_side(ratio: float, band_min: float, band_max: float) -> Literal["below", "above"] | None:
    """Where the marketing-budget-to-revenue ratio lies against its band: ``None`` inside, else the side."""
    if ratio < band_min - RATIO_EPS:
        return "below"
    if ratio > band_max + RATIO_EPS:
        return "above"
    return None


@dataclass(frozen=True)
class Flag:
    code: str
    severity: Severity
    subject_type: str  # territory, seller, region or plan
    subject: str
    message: str
    numbers: dict[str, float | int | str | None] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"


@dataclass(frozen=True)
class TerritoryResult:
    """One territory's funnel (:class:`FunnelResult`, reachable as ``result.funnel`` or by its field names) and its
    funding."""

    territory: str
    region: str | None
    units: int
    potential: float
    existing_sellers: int
    planned_hires: int
    funnel: FunnelResult
    allocated_budget: float
    allocated_hours: float
    status: Status
    funding: str | None  # "territory", "region" or None (no allocation)
    pieces: int | None
    #: The sum of its units' market attribute (annual revenue potential); ``None`` when the plan has none.
    market: float | None = None

    # The funnel's figures, read through (one definition of each, in FunnelResult).
    @property
    def target(self) -> float:
        return self.funnel.target

    @property
    def deals(self) -> float:
        return self.funnel.deals

    @property
    def opportunities(self) -> float:
        return self.funnel.opportunities

    @property
    def sqls(self) -> float:
        return self.funnel.sqls

    @property
    def marketing_sqls(self) -> float:
        return self.funnel.marketing_sqls

    @property
    def mqls(self) -> float:
        return self.funnel.mqls

    @property
    def leads(self) -> float:
        return self.funnel.leads

    @property
    def required_spend(self) -> float:
        return self.funnel.required_spend

    @property
    def required_hours(self) -> float:
        return self.funnel.required_hours

    # Derived figures.
    @property
    def headcount(self) -> int:
        """Existing sellers plus planned hires."""
        return self.existing_sellers + self.planned_hires

    @property
    def gap(self) -> float:
        """Allocated budget minus required spend (negative = short)."""
        return self.allocated_budget - self.funnel.required_spend

    @property
    def break_even_cpl(self) -> float | None:
        return break_even_cpl(self.allocated_budget, self.funnel.leads)

    @property
    def short(self) -> bool:
        """The allocation is at least a cent below the required spend."""
        return exceeds(self.funnel.required_spend, self.allocated_budget)

    @property
    def penetration(self) -> float | None:
        """Target as a share of the market; ``None`` without a market attribute or with no market at all."""
        if self.market is None or self.market <= 0:
            return None
        return self.funnel.target / self.market

    @property
    def potential_per_seller(self) -> float | None:
        """Market potential per seller (existing and planned); ``None`` for a territory with no seller."""
        return self.potential / self.headcount if self.headcount > 0 else None


@dataclass(frozen=True)
class HireResult:
    seller: str
    territory: str | None
    start_month: Month | None
    ramp_months: int
    annual_quota: float
    annual_cost: float
    period_quota: float
    marginal_spend: float
    fund_by_month: Month | None
    status: Status
    reason: str


@dataclass(frozen=True)
class Totals:
    """The plan's figures summed. Money is counted in whole cents, so the budget story adds up exactly:
    ``marketing_budget = allocated_budget + unallocated_budget`` and ``required_spend = allocated_budget −
    unused_allocation + spend_shortfall − spend_surplus`` (``domain/budget.py``)."""

    territories: int
    funded: int
    at_risk: int
    unfunded: int
    hires: int
    hires_funded: int
    hires_at_risk: int
    hires_unfunded: int
    revenue_target: float
    required_spend: float
    allocated_budget: float
    marketing_budget: float
    spend_shortfall: float  # sum of the negative territory gaps, as a positive amount
    required_hours: float
    marketing_hours: float
    hours_shortfall: float
    spend_ratio: float | None
    blocking_flags: int
    warning_flags: int
    unallocated_budget: float  # marketing budget − allocated (negative: allocations exceed the budget)
    spend_surplus: float  # sum of the positive territory gaps
    territories_short: int
    territories_with_surplus: int
    unused_allocation: float  # allocated to a pool no territory draws on (e.g. a region whose territories all
    # have allocations of their own)


@dataclass(frozen=True)
class Report:
    scenario: str
    currency: str
    period_start: Month
    territories: list[TerritoryResult]
    hires: list[HireResult]
    flags: list[Flag]
    totals: Totals

    def territory(self, name: str) -> TerritoryResult:
        for t in self.territories:
            if t.territory == name:
                return t
        raise KeyError(name)

    def hire(self, name: str) -> HireResult:
        for h in self.hires:
            if h.seller == name:
                return h
        raise KeyError(name)

    @property
    def has_blocking(self) -> bool:
        return any(f.blocking for f in self.flags)

    def potential_per_seller(self) -> dict[str, float]:
        """Market potential per seller of every territory that has a seller or planned hire."""
        return potential_per_seller(self.territories)

    def verdict(self) -> str:
        """The one-line verdict for the room and the report cover."""
        t = self.totals
        short_t = t.at_risk + t.unfunded
        short_h = t.hires_at_risk + t.hires_unfunded
        if short_t == 0 and short_h == 0 and t.blocking_flags == 0:
            return (
                f"All {count(t.territories, 'territory', 'territories')} and "
                f"{count(t.hires, 'planned hire')} are funded."
            )
        parts = [
            f"{short_t} of {count(t.territories, 'territory', 'territories')} and "
            f"{short_h} of {count(t.hires, 'planned hire')} are not fully funded"
        ]
        if exceeds(t.spend_shortfall, 0.0):
            parts.append(
                f"short in {count(t.territories_short, 'territory', 'territories')}: "
                f"{money(t.spend_shortfall, self.currency)}"
            )
        if to_cents(t.unallocated_budget) > 0:
            parts.append(f"unallocated budget: {money(t.unallocated_budget, self.currency)}")
        elif to_cents(t.unallocated_budget) < 0:
            parts.append(f"allocations exceed the budget by {money(-t.unallocated_budget, self.currency)}")
        if exceeds(t.hours_shortfall, 0.0):
            parts.append(f"marketing hours short: {hours(t.hours_shortfall)}")
        return "; ".join(parts) + "."


def judge(available: float, required: float, tolerance: float) -> Status:
    """Funded when ``available`` covers ``required``, at risk within ``tolerance`` short, else unfunded."""
    if available + EPS >= required:
        return "funded"
    if available + EPS >= required * (1 - tolerance):
        return "at_risk"
    return "unfunded"


# --- funding pools --------------------------------------------------------------------------------------------

PoolKey = tuple[str, str]  # ("territory", name) or ("region", name)


@dataclass(frozen=True)
class Pool:
    """A funding pool: one territory's own allocation, or a region's allocation shared by its territories that
    have none of their own. Its members are judged together against the sum of their requirements."""

    key: PoolKey
    allocation: Allocation
    members: tuple[str, ...]
    tolerance: float
    required_spend: float
    required_hours: float

    @property
    def status(self) -> Status:
        return judge(self.allocation.budget, self.required_spend, self.tolerance)


def funding_pools(
    scenario: Scenario, funnels: dict[str, FunnelResult], resolved: dict[str, FunnelAssumptions]
) -> dict[PoolKey, Pool]:
    """Every territory's pool, in territory order: its own allocation first, else its region's shared one."""
    members: dict[PoolKey, list[str]] = {}
    tolerance: dict[PoolKey, float] = {}
    for name, t in scenario.territories.items():
        if ("territory", name) in scenario.allocations:
            key: PoolKey = ("territory", name)
            tolerance[key] = resolved[name].at_risk_tolerance
        elif t.region is not None and ("region", t.region) in scenario.allocations:
            key = ("region", t.region)
            if key not in tolerance:
                tolerance[key] = scenario.assumptions.resolve(None, t.region).at_risk_tolerance
        else:
            continue
        members.setdefault(key, []).append(name)
    return {
        key: Pool(
            key,
            scenario.allocations[key],
            tuple(names),
            tolerance[key],
            sum(funnels[m].required_spend for m in names),
            sum(funnels[m].required_hours for m in names),
        )
        for key, names in members.items()
    }


# --- territory and hire results -------------------------------------------------------------------------------


def _territory_results(
    scenario: Scenario,
    agg: TerritoryAggregates,
    sellers_of: dict[str, list[Seller]],
    funnels: dict[str, FunnelResult],
    pools: dict[PoolKey, Pool],
) -> list[TerritoryResult]:
    """Each territory's funnel, its share of its pool (in proportion to its requirement) and its status."""
    alloc_budget: dict[str, float] = {}
    alloc_hours: dict[str, float] = {}
    status: dict[str, Status] = {}
    funding: dict[str, str] = {}
    for (level, _), pool in pools.items():
        verdict = pool.status
        n = len(pool.members)
        for m in pool.members:
            f = funnels[m]
            share = f.required_spend / pool.required_spend if pool.required_spend > 0 else 1.0 / n
            share_h = f.required_hours / pool.required_hours if pool.required_hours > 0 else 1.0 / n
            alloc_budget[m] = pool.allocation.budget * share
            alloc_hours[m] = pool.allocation.hours * share_h
            status[m] = verdict if f.required_spend > EPS else "funded"
            funding[m] = level
    results = []
    for name, t in scenario.territories.items():
        f = funnels[name]
        sellers = sellers_of[name]
        results.append(
            TerritoryResult(
                territory=name,
                region=t.region,
                units=agg.units(name),
                potential=agg.potential(name),
                existing_sellers=sum(1 for s in sellers if not s.is_hire),
                planned_hires=sum(1 for s in sellers if s.is_hire),
                funnel=f,
                allocated_budget=alloc_budget.get(name, 0.0),
                allocated_hours=alloc_hours.get(name, 0.0),
                status=status.get(name, "funded" if f.required_spend <= EPS else "unfunded"),
                funding=funding.get(name),
                pieces=agg.pieces(name),
                market=agg.market(name),
            )
        )
    return results


def _hire_results(
    scenario: Scenario,
    quota: dict[str, float],
    sellers_of: dict[str, list[Seller]],
    resolved: dict[str, FunnelAssumptions],
    pools: dict[PoolKey, Pool],
) -> list[HireResult]:
    """Each planned hire's marginal requirement against what is left of its pool once the existing sellers (and the
    hires starting before them) are covered. Hires are judged in order of start month."""
    period_start = scenario.assumptions.period_start
    currency = scenario.assumptions.currency
    pool_of = {m: key for key, pool in pools.items() for m in pool.members}
    remaining: dict[PoolKey, float] = {}
    for key, pool in pools.items():
        existing_req = 0.0
        for m in pool.members:
            existing_target = sum(quota[s.name] for s in sellers_of[m] if not s.is_hire)
            existing_req += reverse_funnel(existing_target, 0, resolved[m]).required_spend
        remaining[key] = pool.allocation.budget - existing_req
    planned = [s for s in scenario.sellers.values() if s.is_hire]
    planned.sort(key=lambda s: ((s.start_month or period_start).index, s.name))
    hires = []
    for s in planned:
        fund_by = None
        marginal = 0.0
        if s.territory is None or s.territory not in scenario.territories:
            hire_status: Status = "unfunded"
            reason = "has no territory, so no marketing allocation funds their pipeline"
        else:
            a = resolved[s.territory]
            marginal = reverse_funnel(quota[s.name], 0, a).required_spend
            if s.start_month is not None:
                fund_by = fund_by_month(s.start_month, a.sales_cycle_days)
            hire_pool = pool_of.get(s.territory)
            if hire_pool is None:
                hire_status = "unfunded" if marginal > EPS else "funded"
                reason = f"territory {s.territory} has no marketing allocation"
            else:
                left = remaining[hire_pool]
                hire_status = "funded" if marginal <= EPS else judge(left, marginal, pools[hire_pool].tolerance)
                reason = (
                    f"needs {money(marginal, currency)} of extra program spend; "
                    f"{money(max(left, 0.0), currency)} is left after the sellers before them are covered"
                )
                remaining[hire_pool] = left - marginal
        hires.append(
            HireResult(
                seller=s.name,
                territory=s.territory,
                start_month=s.start_month,
                ramp_months=s.ramp_months,
                annual_quota=s.annual_quota,
                annual_cost=s.annual_cost,
                period_quota=quota[s.name],
                marginal_spend=marginal,
                fund_by_month=fund_by,
                status=hire_status,
                reason=reason,
            )
        )
    return hires


def potential_per_seller(territories: Iterable[TerritoryResult]) -> dict[str, float]:
    """Market potential per seller (existing and planned) of every territory that has one; the measure the
    IMBALANCED flag and the map's "per seller" colouring share."""
    return {r.territory: r.potential / r.headcount for r in territories if r.headcount > 0}


# --- what the flag rules read ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """Everything computed about one scenario before its flags: what every flag rule reads."""

    scenario: Scenario
    layer: Layer
    aggregates: TerritoryAggregates
    quota: dict[str, float]  # period quota per seller
    funnels: dict[str, FunnelResult]  # per territory
    pools: dict[PoolKey, Pool]
    territories: list[TerritoryResult]
    hires: list[HireResult]
    by_name: dict[str, TerritoryResult] = field(init=False, repr=False)
    pool_of: dict[str, PoolKey] = field(init=False, repr=False)  # territories with no allocation are absent

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {r.territory: r for r in self.territories})
        object.__setattr__(self, "pool_of", {m: key for key, pool in self.pools.items() for m in pool.members})

    @property
    def currency(self) -> str:
        return self.scenario.assumptions.currency

    @property
    def period_start(self) -> Month:
        return self.scenario.assumptions.period_start

    @property
    def values(self) -> dict[str, float]:
        return self.scenario.assumptions.values

    @property
    def revenue_target(self) -> float:
        return sum(self.quota.values())

    @property
    def allocated_budget(self) -> float:
        return sum(al.budget for al in self.scenario.allocations.values())

    @property
    def required_hours(self) -> float:
        return sum(f.required_hours for f in self.funnels.values())

    @property
    def spend_ratio(self) -> float | None:
        target = self.revenue_target
        return self.values["marketing_budget"] / target if target > 0 else None


# --- the flag rules -------------------------------------------------------------------------------------------


class Finding(NamedTuple):
    """What a flag rule reports; the rule's code and severity make it a :class:`Flag`."""

    subject_type: str
    subject: str
    message: str
    numbers: dict[str, float | int | str | None]


FlagCheck = Callable[[Evaluation], Iterator[Finding]]


@dataclass(frozen=True)
class FlagRule:
    code: str
    severity: Severity
    check: FlagCheck


#: Every flag rule, in catalogue order (blocking first); flags of one code and subject keep this order.
FLAG_RULES: list[FlagRule] = []


def flag_rule(code: str, severity: Severity) -> Callable[[FlagCheck], FlagCheck]:
    """Register ``check`` as the rule that raises flag ``code``."""

    def register(check: FlagCheck) -> FlagCheck:
        if any(rule.code == code for rule in FLAG_RULES):
            raise ValueError(f"flag code {code} is registered twice")
        FLAG_RULES.append(FlagRule(code, severity, check))
        return check

    return register


@flag_rule("UNFUNDED_TERRITORY", "blocking")
def unfunded_territory(ev: Evaluation) -> Iterator[Finding]:
    cur = ev.currency
    for key, pool in ev.pools.items():
        if pool.status != "unfunded":
            continue
        for m in pool.members:
            r = ev.by_name[m]
            if r.required_spend <= EPS:
                continue
            share = "" if key[0] == "territory" else f" (its share of region {key[1]}'s shared budget)"
            yield Finding(
                "territory",
                m,
                f"{m} needs {money(r.required_spend, cur)} of program spend, has "
                f"{money(r.allocated_budget, cur)}{share}: {money(-r.gap, cur)} short. "
                f"It would be funded at a cost per lead of {money(r.break_even_cpl, cur)}.",
                {
                    "required_spend": r.required_spend,
                    "allocated_budget": r.allocated_budget,
                    "gap": r.gap,
                    "break_even_cpl": r.break_even_cpl,
                    "pool_required_spend": pool.required_spend,
                    "pool_budget": pool.allocation.budget,
                },
            )


@flag_rule("UNFUNDED_HIRE", "blocking")
def unfunded_hire(ev: Evaluation) -> Iterator[Finding]:
    for h in ev.hires:
        if h.status != "unfunded":
            continue
        where = f" in {h.territory}" if h.territory else ""
        start = f" starting {h.start_month.label()}" if h.start_month else ""
        yield Finding(
            "seller",
            h.seller,
            f"Planned hire {h.seller}{where}{start} is not funded: {h.reason}.",
            {"marginal_spend": h.marginal_spend, "period_quota": h.period_quota, "territory": h.territory},
        )


@flag_rule("UNPLANNED_REGION", "blocking")
def unplanned_region(ev: Evaluation) -> Iterator[Finding]:
    for r in ev.territories:
        if r.funding is not None or r.headcount == 0:
            continue
        where = f"neither its own nor region {r.region}'s" if r.region else "it is in no region"
        yield Finding(
            "territory",
            r.territory,
            f"{r.territory} has {count(r.headcount, 'seller')} but no marketing "
            f"allocation ({where}); it needs {money(r.required_spend, ev.currency)}.",
            {"required_spend": r.required_spend, "sellers": r.existing_sellers, "planned_hires": r.planned_hires},
        )


@flag_rule("OVER_CAPACITY", "blocking")
def over_capacity(ev: Evaluation) -> Iterator[Finding]:
    for (level, name), pool in ev.pools.items():
        given, needed = pool.allocation.hours, pool.required_hours
        if given > 0 and exceeds(needed, given):
            yield Finding(
                level,
                name,
                f"{name} needs {hours(needed)} of marketing time but its allocation gives "
                f"{hours(given)} ({hours(needed - given)} short).",
                {"required_hours": needed, "allocated_hours": given},
            )
    needed, team = ev.required_hours, ev.values["marketing_hours"]
    if exceeds(needed, team):
        yield Finding(
            "plan",
            "plan",
            f"The plan needs {hours(needed)} of marketing time; the team has "
            f"{hours(team)} ({hours(needed - team)} short).",
            {"required_hours": needed, "marketing_hours": team},
        )


@flag_rule("OVER_BUDGET", "blocking")
def over_budget(ev: Evaluation) -> Iterator[Finding]:
    total, budget, cur = ev.allocated_budget, ev.values["marketing_budget"], ev.currency
    if exceeds(total, budget):
        yield Finding(
            "plan",
            "plan",
            f"Allocations add up to {money(total, cur)}, more than the marketing budget of "
            f"{money(budget, cur)} ({money(total - budget, cur)} over).",
            {"allocated_budget": total, "marketing_budget": budget},
        )


@flag_rule("PIPELINE_LATE", "warning")
def pipeline_late(ev: Evaluation) -> Iterator[Finding]:
    for h in ev.hires:
        if h.start_month is None or h.fund_by_month is None:
            continue
        key = ev.pool_of.get(h.territory or "")
        money_from = ev.period_start
        if key is not None:
            money_from = ev.pools[key].allocation.start_month or ev.period_start
        if h.fund_by_month < money_from:
            yield Finding(
                "seller",
                h.seller,
                f"{h.seller} starts {h.start_month.label()}, so pipeline must be built from "
                f"{h.fund_by_month.label()}, but marketing money for {h.territory} starts "
                f"{money_from.label()}. Start the hire later or fund pipeline earlier.",
                {
                    "start_month": str(h.start_month),
                    "fund_by_month": str(h.fund_by_month),
                    "allocation_start": str(money_from),
                },
            )


@flag_rule("SPEND_RATIO", "warning")
def spend_ratio(ev: Evaluation) -> Iterator[Finding]:
    ratio, target = ev.spend_ratio, ev.revenue_target
    lo, hi = ev.values["spend_ratio_min"], ev.values["spend_ratio_max"]
    side = None if ratio is None else spend_ratio_side(ratio, lo, hi)
    if ratio is None or side is None:
        return
    yield Finding(
        "plan",
        "plan",
        f"The marketing budget is {percent(ratio)} of the {money(target, ev.currency)} revenue "
        f"target, {side} the {percent(lo, 0)}–{percent(hi, 0)} band.",
        {"spend_ratio": ratio, "revenue_target": target, "band_min": lo, "band_max": hi},
    )


@flag_rule("UNASSIGNED_UNITS", "warning")
def unassigned_units(ev: Evaluation) -> Iterator[Finding]:
    if not ev.scenario.territories:
        return  # before the first territory, every unit is open: no news
    layer = ev.layer
    unassigned = ev.aggregates.unassigned_positions()
    if layer.potential_column:
        pot = layer.potential()[unassigned]
        n_open = int((pot > 0).sum())
        open_potential = float(pot.sum())
    else:
        n_open, open_potential = len(unassigned), 0.0
    if n_open:
        yield Finding(
            "plan",
            "plan",
            f"{count(n_open, layer.unit_noun)} with market potential are in no territory"
            + (f" ({open_potential:,.0f} {layer.potential_column})." if layer.potential_column else "."),
            {"units": n_open, "potential": open_potential},
        )


@flag_rule("NO_SELLER", "warning")
def no_seller(ev: Evaluation) -> Iterator[Finding]:
    for r in ev.territories:
        if r.units > 0 and r.headcount == 0:
            yield Finding(
                "territory",
                r.territory,
                f"{r.territory} covers {count(r.units, ev.layer.unit_noun)} but has no seller or planned hire.",
                {"units": r.units, "potential": r.potential},
            )


@flag_rule("EMPTY_TERRITORY", "warning")
def empty_territory(ev: Evaluation) -> Iterator[Finding]:
    for r in ev.territories:
        if r.units == 0:
            yield Finding(
                "territory",
                r.territory,
                f"{r.territory} has no {plural_noun(ev.layer.unit_noun)} yet; paint some onto the map.",
                {"units": 0},
            )


@flag_rule("NON_CONTIGUOUS", "warning")
def non_contiguous(ev: Evaluation) -> Iterator[Finding]:
    for r in ev.territories:
        if r.pieces is not None and r.pieces > 1:
            yield Finding(
                "territory", r.territory, f"{r.territory} is in {r.pieces} separate pieces.", {"pieces": r.pieces}
            )


@flag_rule("IMBALANCED", "warning")
def imbalanced(ev: Evaluation) -> Iterator[Finding]:
    column = ev.layer.potential_column
    per_seller = potential_per_seller(ev.territories)
    if not column or len(per_seller) < 2:
        return
    mean = sum(per_seller.values()) / len(per_seller)
    if mean <= 0:
        return
    tolerance = ev.values["imbalance_tolerance"]
    for name, value in per_seller.items():
        deviation = (value - mean) / mean
        if abs(deviation) > tolerance:
            more_less = "more" if deviation > 0 else "less"
            yield Finding(
                "territory",
                name,
                f"{name} has {abs(deviation) * 100:.0f} % {more_less} {column} per "
                f"seller than the plan average ({value:,.0f} against {mean:,.0f}).",
                {"potential_per_seller": value, "mean": mean, "deviation": deviation},
            )


@flag_rule("MARKET_TOO_SMALL", "warning")
def market_too_small(ev: Evaluation) -> Iterator[Finding]:
    cap, cur = ev.values["max_penetration"], ev.currency
    for r in ev.territories:
        if r.market is None or not exceeds(r.target, cap * r.market):
            continue
        needed = r.target / cap
        missing = needed - r.market
        per_unit, basis = market_per_unit_nearby(ev.aggregates, r.territory)
        noun = ev.layer.unit_noun
        if per_unit is not None and per_unit > 0:
            n_units = math.ceil(missing / per_unit)
            fix = (
                f"Add about {count(n_units, noun)} of market ({money(per_unit, cur)} a {noun}, the mean of "
                f"{basis}), or lower the quota."
            )
        else:
            n_units = None
            fix = "Add units with market to it, or lower the quota."
        share = f"{percent(r.penetration)} of its market of " if r.penetration is not None else "its market is "
        yield Finding(
            "territory",
            r.territory,
            f"{r.territory}'s target of {money(r.target, cur)} is {share}{money(r.market, cur)}, above the "
            f"{percent(cap, 0)} a territory can take: it needs a market of {money(needed, cur)}. {fix}",
            {
                "target": r.target,
                "market": r.market,
                "penetration": r.penetration,
                "max_penetration": cap,
                "market_needed": needed,
                "market_missing": missing,
                "market_per_unit": per_unit,
                "units_to_add": n_units,
            },
        )


def market_per_unit_nearby(agg: TerritoryAggregates, territory: str) -> tuple[float | None, str]:
    """The mean market per unit a territory could grow by, and which units it is the mean of: its neighbours
    outside it (when the layer has adjacency), else the units in no territory, else every unit outside it."""
    noun = plural_noun(agg.layer.unit_noun)
    neighbours = agg.neighbour_positions(territory)
    if len(neighbours):
        return agg.market_per_unit(neighbours), f"its neighbouring {noun}"
    unassigned = agg.unassigned_positions()
    if len(unassigned):
        return agg.market_per_unit(unassigned), f"the {noun} in no territory"
    outside = np.flatnonzero(agg.codes != agg.code_of(territory))
    return agg.market_per_unit(outside), f"the {noun} of the other territories"


@flag_rule("NO_TERRITORY", "warning")
def no_territory(ev: Evaluation) -> Iterator[Finding]:
    for s in ev.scenario.sellers.values():
        if not s.is_hire and s.territory is None:
            yield Finding(
                "seller",
                s.name,
                f"Seller {s.name} has no territory; their quota counts in the revenue target but no "
                f"territory plans their pipeline.",
                {"period_quota": ev.quota[s.name]},
            )


#: Code -> severity of every flag, in catalogue order.
FLAG_CODES: dict[str, Severity] = {rule.code: rule.severity for rule in FLAG_RULES}


def raise_flags(ev: Evaluation) -> list[Flag]:
    """Run every flag rule; blocking flags first, then by catalogue order and subject."""
    flags = [Flag(rule.code, rule.severity, *finding) for rule in FLAG_RULES for finding in rule.check(ev)]
    order = list(FLAG_CODES)
    flags.sort(key=lambda fl: (fl.severity != "blocking", order.index(fl.code), fl.subject))
    return flags


# --- the whole evaluation -------------------------------------------------------------------------------------


def _totals(ev: Evaluation, flags: list[Flag]) -> Totals:
    results, hires = ev.territories, ev.hires
    required_hours = ev.required_hours
    marketing_hours = ev.values["marketing_hours"]
    split = gap_split(results)
    budget = to_cents(ev.values["marketing_budget"])
    allocated = sum(to_cents(al.budget) for al in ev.scenario.allocations.values())
    return Totals(
        territories=len(results),
        funded=sum(1 for r in results if r.status == "funded"),
        at_risk=sum(1 for r in results if r.status == "at_risk"),
        unfunded=sum(1 for r in results if r.status == "unfunded"),
        hires=len(hires),
        hires_funded=sum(1 for h in hires if h.status == "funded"),
        hires_at_risk=sum(1 for h in hires if h.status == "at_risk"),
        hires_unfunded=sum(1 for h in hires if h.status == "unfunded"),
        revenue_target=ev.revenue_target,
        required_spend=split.required,
        allocated_budget=allocated / 100.0,
        marketing_budget=budget / 100.0,
        spend_shortfall=split.shortfall,
        required_hours=required_hours,
        marketing_hours=marketing_hours,
        hours_shortfall=max(0.0, required_hours - marketing_hours),
        spend_ratio=ev.spend_ratio,
        blocking_flags=sum(1 for fl in flags if fl.blocking),
        warning_flags=sum(1 for fl in flags if not fl.blocking),
        unallocated_budget=(budget - allocated) / 100.0,
        spend_surplus=split.surplus,
        territories_short=split.short_territories,
        territories_with_surplus=split.surplus_territories,
        unused_allocation=(allocated - to_cents(split.allocated)) / 100.0,
    )


def evaluate(scenario: Scenario, layer: Layer, aggregates: TerritoryAggregates | None = None) -> Report:
    """Compute every territory's requirement and funding, every hire's status, and all flags.

    ``aggregates`` (kept up to date by delta) avoids any per-unit work; without it they are built here.
    """
    agg = aggregates if aggregates is not None else TerritoryAggregates(layer, scenario)
    plan_assumptions = scenario.assumptions
    plan_assumptions.check()
    period_start = plan_assumptions.period_start

    resolved = {name: plan_assumptions.resolve(name, t.region) for name, t in scenario.territories.items()}
    quota = {s.name: period_quota(s, period_start) for s in scenario.sellers.values()}
    sellers_of: dict[str, list[Seller]] = {name: [] for name in scenario.territories}
    for s in scenario.sellers.values():
        if s.territory in sellers_of:
            sellers_of[s.territory].append(s)
    funnels = {}
    for name, sellers in sellers_of.items():
        target = sum(quota[s.name] for s in sellers)
        hires_in_period = sum(1 for s in sellers if counts_as_hire_in_period(s, period_start))
        funnels[name] = reverse_funnel(target, hires_in_period, resolved[name])
    pools = funding_pools(scenario, funnels, resolved)
    territories = _territory_results(scenario, agg, sellers_of, funnels, pools)
    hires = _hire_results(scenario, quota, sellers_of, resolved, pools)
    ev = Evaluation(scenario, layer, agg, quota, funnels, pools, territories, hires)
    flags = raise_flags(ev)
    return Report(scenario.name, ev.currency, period_start, territories, hires, flags, _totals(ev, flags))
