"""Evaluate a scenario: per-territory funnel and funding, per-hire marginal funding, and the flags of DESIGN §4."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .aggregates import TerritoryAggregates
from .assumptions import FunnelAssumptions
from .formatting import count, hours, money, percent, plural_noun
from .funnel import (
    break_even_cpl,
    counts_as_hire_in_period,
    fund_by_month,
    period_quota,
    reverse_funnel,
)
from .model import Allocation, Layer, Scenario, Seller
from .months import Month

Status = Literal["funded", "at_risk", "unfunded"]
Severity = Literal["blocking", "warning"]
EPS = 0.005  # money and hours are compared to the cent / the minute

FLAG_CODES: dict[str, Severity] = {
    "UNFUNDED_TERRITORY": "blocking",
    "UNFUNDED_HIRE": "blocking",
    "UNPLANNED_REGION": "blocking",
    "OVER_CAPACITY": "blocking",
    "OVER_BUDGET": "blocking",
    "PIPELINE_LATE": "warning",
    "SPEND_RATIO": "warning",
    "UNASSIGNED_UNITS": "warning",
    "NO_SELLER": "warning",
    "EMPTY_TERRITORY": "warning",
    "NON_CONTIGUOUS": "warning",
    "IMBALANCED": "warning",
    "NO_TERRITORY": "warning",
}


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
    territory: str
    region: str | None
    units: int
    potential: float
    sellers: int
    planned_hires: int
    target: float
    deals: float
    opportunities: float
    sqls: float
    marketing_sqls: float
    mqls: float
    leads: float
    required_spend: float
    allocated_budget: float
    gap: float
    break_even_cpl: float | None
    required_hours: float
    allocated_hours: float
    status: Status
    funding: str | None  # "territory", "region" or None (no allocation)
    pieces: int | None


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
    spend_shortfall: float
    required_hours: float
    marketing_hours: float
    hours_shortfall: float
    spend_ratio: float | None
    blocking_flags: int
    warning_flags: int


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
        gaps = []
        if t.spend_shortfall > EPS:
            gaps.append(f"{money(t.spend_shortfall, self.currency)}")
        if t.hours_shortfall > EPS:
            gaps.append(hours(t.hours_shortfall).replace(" h", " hours"))
        if gaps:
            parts.append(f"marketing is {' and '.join(gaps)} short")
        return "; ".join(parts) + "."


@dataclass
class _Group:
    """A funding pool: one territory's own allocation, or a region's allocation shared by its territories."""

    allocation: Allocation
    members: list[str]
    tolerance: float


def _judge(available: float, required: float, tolerance: float) -> Status:
    if available + EPS >= required:
        return "funded"
    if available + EPS >= required * (1 - tolerance):
        return "at_risk"
    return "unfunded"


def evaluate(scenario: Scenario, layer: Layer, aggregates: TerritoryAggregates | None = None) -> Report:
    """Compute every territory's requirement and funding, every hire's status, and all flags.

    ``aggregates`` (kept up to date by delta) avoids any per-unit work; without it they are built here.
    """
    agg = aggregates if aggregates is not None else TerritoryAggregates(layer, scenario)
    a_plan = scenario.assumptions
    a_plan.check()
    period_start = a_plan.period_start
    currency = a_plan.currency
    values = a_plan.values

    resolved: dict[str, FunnelAssumptions] = {
        name: a_plan.resolve(name, t.region) for name, t in scenario.territories.items()
    }
    quota = {s.name: period_quota(s, period_start) for s in scenario.sellers.values()}
    by_territory: dict[str, list[Seller]] = {name: [] for name in scenario.territories}
    for s in scenario.sellers.values():
        if s.territory in by_territory:
            by_territory[s.territory].append(s)

    funnels = {}
    for name in scenario.territories:
        sellers = by_territory[name]
        target = sum(quota[s.name] for s in sellers)
        hires_in_period = sum(1 for s in sellers if counts_as_hire_in_period(s, period_start))
        funnels[name] = reverse_funnel(target, hires_in_period, resolved[name])

    # Funding groups.
    groups: dict[tuple[str, str], _Group] = {}
    group_of: dict[str, tuple[str, str]] = {}
    for name, t in scenario.territories.items():
        own = scenario.allocations.get(("territory", name))
        if own is not None:
            groups[("territory", name)] = _Group(own, [name], resolved[name].at_risk_tolerance)
            group_of[name] = ("territory", name)
        elif t.region is not None and ("region", t.region) in scenario.allocations:
            key = ("region", t.region)
            if key not in groups:
                tol = a_plan.resolve(None, t.region).at_risk_tolerance
                groups[key] = _Group(scenario.allocations[key], [], tol)
            groups[key].members.append(name)
            group_of[name] = key

    alloc_budget: dict[str, float] = dict.fromkeys(scenario.territories, 0.0)
    alloc_hours: dict[str, float] = dict.fromkeys(scenario.territories, 0.0)
    status: dict[str, Status] = {}
    flags: list[Flag] = []
    for key, g in groups.items():
        req = sum(funnels[m].required_spend for m in g.members)
        req_h = sum(funnels[m].required_hours for m in g.members)
        for m in g.members:
            share = funnels[m].required_spend / req if req > 0 else 1.0 / len(g.members)
            share_h = funnels[m].required_hours / req_h if req_h > 0 else 1.0 / len(g.members)
            alloc_budget[m] = g.allocation.budget * share
            alloc_hours[m] = g.allocation.hours * share_h
        verdict = _judge(g.allocation.budget, req, g.tolerance)
        for m in g.members:
            status[m] = verdict if funnels[m].required_spend > EPS else "funded"
        if g.allocation.hours > 0 and req_h > g.allocation.hours + EPS:
            level, gname = key
            flags.append(
                Flag(
                    "OVER_CAPACITY",
                    "blocking",
                    level,
                    gname,
                    f"{gname} needs {hours(req_h)} of marketing time but its allocation gives "
                    f"{hours(g.allocation.hours)} ({hours(req_h - g.allocation.hours)} short).",
                    {"required_hours": req_h, "allocated_hours": g.allocation.hours},
                )
            )

    results: list[TerritoryResult] = []
    for name, t in scenario.territories.items():
        f = funnels[name]
        sellers = by_territory[name]
        if name not in status:
            status[name] = "funded" if f.required_spend <= EPS else "unfunded"
        budget = alloc_budget[name]
        results.append(
            TerritoryResult(
                territory=name,
                region=t.region,
                units=agg.units(name),
                potential=agg.potential(name),
                sellers=sum(1 for s in sellers if not s.is_hire),
                planned_hires=sum(1 for s in sellers if s.is_hire),
                target=f.target,
                deals=f.deals,
                opportunities=f.opportunities,
                sqls=f.sqls,
                marketing_sqls=f.marketing_sqls,
                mqls=f.mqls,
                leads=f.leads,
                required_spend=f.required_spend,
                allocated_budget=budget,
                gap=budget - f.required_spend,
                break_even_cpl=break_even_cpl(budget, f.leads),
                required_hours=f.required_hours,
                allocated_hours=alloc_hours[name],
                status=status[name],
                funding=group_of[name][0] if name in group_of else None,
                pieces=agg.pieces(name),
            )
        )
    by_name = {r.territory: r for r in results}

    # Territory-level flags.
    for key, g in groups.items():
        req = sum(funnels[m].required_spend for m in g.members)
        if status[g.members[0]] != "unfunded":
            continue
        for m in g.members:
            r = by_name[m]
            if r.required_spend <= EPS:
                continue
            pool = "" if key[0] == "territory" else f" (its share of region {key[1]}'s shared budget)"
            flags.append(
                Flag(
                    "UNFUNDED_TERRITORY",
                    "blocking",
                    "territory",
                    m,
                    f"{m} needs {money(r.required_spend, currency)} of program spend, has "
                    f"{money(r.allocated_budget, currency)}{pool}: {money(-r.gap, currency)} short. "
                    f"It would be funded at a cost per lead of "
                    f"{money(r.break_even_cpl, currency)}.",
                    {
                        "required_spend": r.required_spend,
                        "allocated_budget": r.allocated_budget,
                        "gap": r.gap,
                        "break_even_cpl": r.break_even_cpl,
                        "pool_required_spend": req,
                        "pool_budget": g.allocation.budget,
                    },
                )
            )
    for r in results:
        if r.funding is None and (r.sellers + r.planned_hires) > 0:
            where = f"neither its own nor region {r.region}'s" if r.region else "it is in no region"
            flags.append(
                Flag(
                    "UNPLANNED_REGION",
                    "blocking",
                    "territory",
                    r.territory,
                    f"{r.territory} has {count(r.sellers + r.planned_hires, 'seller')} but no marketing "
                    f"allocation ({where}); it needs {money(r.required_spend, currency)}.",
                    {
                        "required_spend": r.required_spend,
                        "sellers": r.sellers,
                        "planned_hires": r.planned_hires,
                    },
                )
            )

    # Hires: marginal requirement against what is left once existing sellers are covered.
    hires: list[HireResult] = []
    remaining: dict[tuple[str, str], float] = {}
    for key, g in groups.items():
        existing_req = 0.0
        for m in g.members:
            existing_target = sum(quota[s.name] for s in by_territory[m] if not s.is_hire)
            existing_req += reverse_funnel(existing_target, 0, resolved[m]).required_spend
        remaining[key] = g.allocation.budget - existing_req
    planned = [s for s in scenario.sellers.values() if s.is_hire]
    planned.sort(key=lambda s: ((s.start_month or period_start).index, s.name))
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
            hire_group = group_of.get(s.territory)
            if hire_group is None:
                hire_status = "unfunded" if marginal > EPS else "funded"
                reason = f"territory {s.territory} has no marketing allocation"
            else:
                left = remaining[hire_group]
                hire_status = "funded" if marginal <= EPS else _judge(left, marginal, groups[hire_group].tolerance)
                reason = (
                    f"needs {money(marginal, currency)} of extra program spend; "
                    f"{money(max(left, 0.0), currency)} is left after the sellers before them are covered"
                )
                remaining[hire_group] = left - marginal
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
        if hire_status == "unfunded":
            where = f" in {s.territory}" if s.territory else ""
            start = f" starting {s.start_month.label()}" if s.start_month else ""
            flags.append(
                Flag(
                    "UNFUNDED_HIRE",
                    "blocking",
                    "seller",
                    s.name,
                    f"Planned hire {s.name}{where}{start} is not funded: {reason}.",
                    {"marginal_spend": marginal, "period_quota": quota[s.name], "territory": s.territory},
                )
            )
        if s.start_month is not None and fund_by is not None:
            late_group = group_of.get(s.territory or "")
            alloc_start = period_start
            if late_group is not None:
                alloc_start = groups[late_group].allocation.start_month or period_start
            if fund_by < alloc_start:
                flags.append(
                    Flag(
                        "PIPELINE_LATE",
                        "warning",
                        "seller",
                        s.name,
                        f"{s.name} starts {s.start_month.label()}, so pipeline must be built from "
                        f"{fund_by.label()}, but marketing money for {s.territory} starts "
                        f"{alloc_start.label()}. Start the hire later or fund pipeline earlier.",
                        {
                            "start_month": str(s.start_month),
                            "fund_by_month": str(fund_by),
                            "allocation_start": str(alloc_start),
                        },
                    )
                )

    for s in scenario.sellers.values():
        if not s.is_hire and s.territory is None:
            flags.append(
                Flag(
                    "NO_TERRITORY",
                    "warning",
                    "seller",
                    s.name,
                    f"Seller {s.name} has no territory; their quota counts in the revenue target but no "
                    f"territory plans their pipeline.",
                    {"period_quota": quota[s.name]},
                )
            )

    # Plan-wide checks.
    revenue_target = sum(quota.values())
    total_alloc = sum(al.budget for al in scenario.allocations.values())
    marketing_budget = values["marketing_budget"]
    marketing_hours = values["marketing_hours"]
    required_hours = sum(f.required_hours for f in funnels.values())
    if total_alloc > marketing_budget + EPS:
        flags.append(
            Flag(
                "OVER_BUDGET",
                "blocking",
                "plan",
                "plan",
                f"Allocations add up to {money(total_alloc, currency)}, more than the marketing budget of "
                f"{money(marketing_budget, currency)} ({money(total_alloc - marketing_budget, currency)} over).",
                {"allocated_budget": total_alloc, "marketing_budget": marketing_budget},
            )
        )
    if required_hours > marketing_hours + EPS:
        flags.append(
            Flag(
                "OVER_CAPACITY",
                "blocking",
                "plan",
                "plan",
                f"The plan needs {hours(required_hours)} of marketing time; the team has "
                f"{hours(marketing_hours)} ({hours(required_hours - marketing_hours)} short).",
                {"required_hours": required_hours, "marketing_hours": marketing_hours},
            )
        )
    ratio = marketing_budget / revenue_target if revenue_target > 0 else None
    lo, hi = values["spend_ratio_min"], values["spend_ratio_max"]
    if ratio is not None and not lo - 1e-9 <= ratio <= hi + 1e-9:
        side = "below" if ratio < lo else "above"
        flags.append(
            Flag(
                "SPEND_RATIO",
                "warning",
                "plan",
                "plan",
                f"The marketing budget is {percent(ratio)} of the {money(revenue_target, currency)} revenue "
                f"target, {side} the {percent(lo, 0)}–{percent(hi, 0)} band.",
                {"spend_ratio": ratio, "revenue_target": revenue_target, "band_min": lo, "band_max": hi},
            )
        )
    if scenario.territories:
        unassigned = agg.unassigned_positions()
        if layer.potential_column:
            pot = layer.potential()[unassigned]
            n_open = int((pot > 0).sum())
            open_potential = float(pot.sum())
        else:
            n_open, open_potential = len(unassigned), 0.0
        if n_open:
            noun = layer.unit_noun
            flags.append(
                Flag(
                    "UNASSIGNED_UNITS",
                    "warning",
                    "plan",
                    "plan",
                    f"{count(n_open, noun)} with "
                    f"market potential are in no territory"
                    + (f" ({open_potential:,.0f} {layer.potential_column})." if layer.potential_column else "."),
                    {"units": n_open, "potential": open_potential},
                )
            )
    for r in results:
        if r.units == 0:
            flags.append(
                Flag(
                    "EMPTY_TERRITORY",
                    "warning",
                    "territory",
                    r.territory,
                    f"{r.territory} has no {plural_noun(layer.unit_noun)} yet; paint some onto the map.",
                    {"units": 0},
                )
            )
        elif r.sellers + r.planned_hires == 0:
            flags.append(
                Flag(
                    "NO_SELLER",
                    "warning",
                    "territory",
                    r.territory,
                    f"{r.territory} covers {count(r.units, layer.unit_noun)} but has no seller or planned hire.",
                    {"units": r.units, "potential": r.potential},
                )
            )
        if r.pieces is not None and r.pieces > 1:
            flags.append(
                Flag(
                    "NON_CONTIGUOUS",
                    "warning",
                    "territory",
                    r.territory,
                    f"{r.territory} is in {r.pieces} separate pieces.",
                    {"pieces": r.pieces},
                )
            )
    staffed = [r for r in results if r.sellers + r.planned_hires > 0]
    if layer.potential_column and len(staffed) >= 2:
        per_seller = {r.territory: r.potential / (r.sellers + r.planned_hires) for r in staffed}
        mean = sum(per_seller.values()) / len(per_seller)
        tol = values["imbalance_tolerance"]
        if mean > 0:
            for name, value in per_seller.items():
                deviation = (value - mean) / mean
                if abs(deviation) > tol:
                    more_less = "more" if deviation > 0 else "less"
                    flags.append(
                        Flag(
                            "IMBALANCED",
                            "warning",
                            "territory",
                            name,
                            f"{name} has {abs(deviation) * 100:.0f} % {more_less} {layer.potential_column} per "
                            f"seller than the plan average ({value:,.0f} against {mean:,.0f}).",
                            {"potential_per_seller": value, "mean": mean, "deviation": deviation},
                        )
                    )

    order = list(FLAG_CODES)
    flags.sort(key=lambda fl: (fl.severity != "blocking", order.index(fl.code), fl.subject))
    shortfall = sum(-g for g in (r.gap for r in results) if g < -EPS)
    hours_short = max(0.0, required_hours - marketing_hours)
    totals = Totals(
        territories=len(results),
        funded=sum(1 for r in results if r.status == "funded"),
        at_risk=sum(1 for r in results if r.status == "at_risk"),
        unfunded=sum(1 for r in results if r.status == "unfunded"),
        hires=len(hires),
        hires_funded=sum(1 for h in hires if h.status == "funded"),
        hires_at_risk=sum(1 for h in hires if h.status == "at_risk"),
        hires_unfunded=sum(1 for h in hires if h.status == "unfunded"),
        revenue_target=revenue_target,
        required_spend=sum(r.required_spend for r in results),
        allocated_budget=total_alloc,
        marketing_budget=marketing_budget,
        spend_shortfall=shortfall,
        required_hours=required_hours,
        marketing_hours=marketing_hours,
        hours_shortfall=hours_short,
        spend_ratio=ratio,
        blocking_flags=sum(1 for fl in flags if fl.blocking),
        warning_flags=sum(1 for fl in flags if not fl.blocking),
    )
    return Report(scenario.name, currency, period_start, results, hires, flags, totals)
