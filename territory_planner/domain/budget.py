"""The budget story in numbers: where the plan's marketing budget goes, and why the headline adds up.

Two equations, exact to the cent, behind every headline (the app's summary, the PDF cover, the HTML panel, the PNG
caption, ``check``):

    plan budget   = allocated + unallocated budget
    spend needed  = allocated − allocated to no territory + short in N territories − surplus in M territories

"Short" is the sum of the negative territory gaps (as a positive amount), "surplus" the sum of the positive ones. A
territory judged in a region pool has the gap of its share (the pool's budget in proportion to its requirement), so
the members of a pool all have the pool's sign and their gaps add up to the pool's gap (docs/ARCHITECTURE.md).

Every amount here is counted in whole cents first (:func:`territory_amounts`), so the figures a reader adds up add
up exactly. Also here: the waterfall those equations draw, the region rollup, investment parity (sales spend per
head beside marketing's) and the hiring timeline. Plain Python, no Qt: the GUI and the exporters draw these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .formatting import count, hours, money, percent, to_cents
from .funnel import PERIOD_MONTHS, counts_as_hire_in_period
from .months import Month
from .status import STATUS_RANK, Status

if TYPE_CHECKING:  # checks imports this module; the types are only for annotations
    from .checks import Report, TerritoryResult
    from .model import Scenario


# --- territory amounts in cents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TerritoryAmounts:
    """One territory's allocation, requirement and gap, each a whole number of cents (as floats of currency)."""

    allocated: float
    required: float

    @property
    def gap(self) -> float:
        return _c(to_cents(self.allocated) - to_cents(self.required))


def _c(cents: int) -> float:
    return cents / 100.0


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` cents split in proportion to ``weights`` so the parts add up to ``total`` (largest remainder)."""
    whole = sum(weights)
    if not weights:
        return []
    if whole <= 0:
        weights = [1.0] * len(weights)
        whole = float(len(weights))
    exact = [total * w / whole for w in weights]
    parts = [int(e // 1) for e in exact]
    left = total - sum(parts)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: max(left, 0)]:
        parts[i] += 1
    return parts


def territory_amounts(territories: Iterable[TerritoryResult]) -> dict[str, TerritoryAmounts]:
    """Every territory's allocation and requirement to the cent; the shares of one region pool add up to the pool
    to the cent (largest remainder), so no cent is lost or made between the pool and its members."""
    results = list(territories)
    out: dict[str, TerritoryAmounts] = {}
    pools: dict[str, list[TerritoryResult]] = {}
    for r in results:
        if r.funding == "region" and r.region is not None:
            pools.setdefault(r.region, []).append(r)
    shares: dict[str, int] = {}
    for members in pools.values():
        pool = to_cents(sum(m.allocated_budget for m in members))
        for m, part in zip(members, _apportion(pool, [m.allocated_budget for m in members]), strict=True):
            shares[m.territory] = part
    for r in results:
        allocated = shares.get(r.territory, to_cents(r.allocated_budget))
        out[r.territory] = TerritoryAmounts(_c(allocated), _c(to_cents(r.required_spend)))
    return out


@dataclass(frozen=True)
class GapSplit:
    """The territories' gaps summed apart: what the short ones lack and what the others have over."""

    allocated: float  # what territories draw (own allocations and shares of region pools)
    required: float
    shortfall: float  # sum of the negative gaps, as a positive amount
    short_territories: int
    surplus: float  # sum of the positive gaps
    surplus_territories: int


def gap_split(territories: Iterable[TerritoryResult]) -> GapSplit:
    amounts = territory_amounts(territories).values()
    gaps = [to_cents(a.gap) for a in amounts]
    return GapSplit(
        allocated=_c(sum(to_cents(a.allocated) for a in amounts)),
        required=_c(sum(to_cents(a.required) for a in amounts)),
        shortfall=_c(-sum(g for g in gaps if g < 0)),
        short_territories=sum(1 for g in gaps if g < 0),
        surplus=_c(sum(g for g in gaps if g > 0)),
        surplus_territories=sum(1 for g in gaps if g > 0),
    )


def allocated_hours_text(value: float) -> str:
    """Allocated hours as a table prints them: 0 means "not allocated at this level" (the plan's team hours are
    the pool that applies), never "0 h"."""
    return "plan pool" if to_cents(value) == 0 else hours(value)


# --- the reconciliation -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionSlice:
    """What the territories of one region draw from the allocations (own ones and the region's pool)."""

    region: str | None  # None: territories in no region
    amount: float

    @property
    def label(self) -> str:
        return self.region if self.region is not None else "No region"


StepKind = Literal["total", "up", "down", "part"]


@dataclass(frozen=True)
class WaterfallStep:
    """One bar of the budget waterfall: it runs from ``start`` to ``end`` (totals and parts start at 0 or stack)."""

    label: str
    amount: float  # the bar's size, positive
    kind: StepKind
    start: float
    end: float
    note: str = ""


@dataclass(frozen=True)
class BudgetReconciliation:
    """The plan budget, where it goes and how far it is from the spend needed, to the cent."""

    currency: str
    marketing_budget: float
    allocated: float  # every allocation, drawn or not
    unallocated: float  # marketing budget − allocated (negative: allocations exceed the budget)
    unused_allocation: float  # allocated to a pool no territory draws on
    by_region: tuple[RegionSlice, ...]
    shortfall: float
    short_territories: int
    surplus: float
    surplus_territories: int
    required: float
    required_hours: float
    marketing_hours: float
    allocated_hours: float
    revenue_target: float
    spend_ratio: float | None

    @property
    def drawn(self) -> float:
        """What the territories draw: allocated minus what funds no territory."""
        return _c(to_cents(self.allocated) - to_cents(self.unused_allocation))

    @property
    def net_gap(self) -> float:
        """Drawn − needed = surplus − shortfall (the sum of the territories' gaps)."""
        return _c(to_cents(self.surplus) - to_cents(self.shortfall))

    def short_text(self) -> str:
        return f"short in {count(self.short_territories, 'territory', 'territories')}: {self.m(self.shortfall)}"

    def surplus_text(self) -> str:
        return f"surplus in {count(self.surplus_territories, 'territory', 'territories')}: {self.m(self.surplus)}"

    def unallocated_text(self) -> str:
        if to_cents(self.unallocated) < 0:
            return f"allocations exceed the budget by {self.m(-self.unallocated)}"
        return f"unallocated budget: {self.m(self.unallocated)}"

    def m(self, value: float) -> str:
        return money(value, self.currency)

    def lines(self) -> list[str]:
        """The reconciliation in plain sentences a reader can add up."""
        m = self.m
        if to_cents(self.unallocated) >= 0:
            first = (
                f"Plan budget {m(self.marketing_budget)} = allocated {m(self.allocated)} + unallocated budget "
                f"{m(self.unallocated)}."
            )
        else:
            first = (
                f"Allocations of {m(self.allocated)} exceed the plan budget of {m(self.marketing_budget)} by "
                f"{m(-self.unallocated)}."
            )
        unused = f" − allocated to no territory {m(self.unused_allocation)}" if to_cents(self.unused_allocation) else ""
        second = (
            f"Program spend needed {m(self.required)} = allocated {m(self.allocated)}{unused} + "
            f"{self.short_text()} − {self.surplus_text()}."
        )
        out = [first, second]
        if to_cents(self.shortfall) > 0 and to_cents(self.unallocated) > 0:
            if to_cents(self.unallocated) >= to_cents(self.shortfall):
                out.append(
                    f"The unallocated {m(self.unallocated)} is more than the {m(self.shortfall)} the short "
                    "territories lack."
                )
            else:
                out.append(
                    f"The unallocated {m(self.unallocated)} would cover {m(self.unallocated)} of the "
                    f"{m(self.shortfall)} the short territories lack."
                )
        return out

    def summary_lines(self) -> list[str]:
        """Target and budget, the reconciliation, and the hours: the totals every headline view prints."""
        ratio = f" ({percent(self.spend_ratio)} of the target)" if self.spend_ratio is not None else ""
        first = (
            f"Revenue target {self.m(self.revenue_target)}; marketing budget {self.m(self.marketing_budget)}{ratio}."
        )
        return [first, *self.lines(), self.hours_line()]

    def exact_rows(self) -> list[tuple[str, str, float]]:
        """(sign, what, amount) rows of the two equations, for a table to the cent: ``=`` rows are results."""
        rows: list[tuple[str, str, float]] = [("", "Plan budget", self.marketing_budget)]
        if to_cents(self.unallocated) >= 0:
            rows.append(("−", "Unallocated budget", self.unallocated))
        else:
            rows.append(("+", "Allocated beyond the budget", -self.unallocated))
        rows.append(("=", "Allocated", self.allocated))
        if to_cents(self.unused_allocation):
            rows.append(("−", "Allocated to no territory", self.unused_allocation))
        rows += [
            ("+", f"Short in {count(self.short_territories, 'territory', 'territories')}", self.shortfall),
            ("−", f"Surplus in {count(self.surplus_territories, 'territory', 'territories')}", self.surplus),
            ("=", "Program spend needed", self.required),
        ]
        return rows

    def hours_line(self) -> str:
        """Where marketing hours are checked: the plan's team hours (the pool), and what allocations give."""
        given = (
            f"allocations give {hours(self.allocated_hours)} of them to their territories"
            if to_cents(self.allocated_hours)
            else "no allocation gives hours of its own, so every territory draws on this plan pool"
        )
        return (
            f"Marketing hours: {hours(self.required_hours)} needed of the team's {hours(self.marketing_hours)} "
            f"(the plan pool); {given}."
        )

    def steps(self) -> list[WaterfallStep]:
        """The waterfall: plan budget − unallocated = allocated (by region) [− allocated to no territory]
        + shortfall − surplus = program spend needed."""
        out = [WaterfallStep("Plan budget", self.marketing_budget, "total", 0.0, self.marketing_budget)]
        if to_cents(self.unallocated) >= 0:
            out.append(
                WaterfallStep("Unallocated budget", self.unallocated, "down", self.marketing_budget, self.allocated)
            )
        else:
            out.append(
                WaterfallStep(
                    "Allocated beyond the budget", -self.unallocated, "up", self.marketing_budget, self.allocated
                )
            )
        level = 0.0
        for part in self.by_region:
            top = _c(to_cents(level) + to_cents(part.amount))
            out.append(WaterfallStep(part.label, part.amount, "part", level, top))
            level = top
        if to_cents(self.unused_allocation):
            top = _c(to_cents(level) + to_cents(self.unused_allocation))
            out.append(WaterfallStep("Allocated to no territory", self.unused_allocation, "part", level, top))
        out.append(WaterfallStep("Allocated", self.allocated, "total", 0.0, self.allocated))
        level = self.allocated
        if to_cents(self.unused_allocation):
            out.append(WaterfallStep("Allocated to no territory", self.unused_allocation, "down", level, self.drawn))
            level = self.drawn
        high = _c(to_cents(level) + to_cents(self.shortfall))
        out.append(
            WaterfallStep(
                "Short", self.shortfall, "up", level, high, count(self.short_territories, "territory", "territories")
            )
        )
        out.append(
            WaterfallStep(
                "Surplus",
                self.surplus,
                "down",
                high,
                self.required,
                count(self.surplus_territories, "territory", "territories"),
            )
        )
        out.append(WaterfallStep("Spend needed", self.required, "total", 0.0, self.required))
        return out


def reconcile(report: Report) -> BudgetReconciliation:
    """The budget reconciliation of one evaluated scenario (its report's totals and territories)."""
    t = report.totals
    amounts = territory_amounts(report.territories)
    regions: dict[str | None, int] = {}
    for r in report.territories:
        regions[r.region] = regions.get(r.region, 0) + to_cents(amounts[r.territory].allocated)
    slices = tuple(RegionSlice(name, _c(c)) for name, c in regions.items() if c)
    return BudgetReconciliation(
        currency=report.currency,
        marketing_budget=t.marketing_budget,
        allocated=t.allocated_budget,
        unallocated=t.unallocated_budget,
        unused_allocation=t.unused_allocation,
        by_region=slices,
        shortfall=t.spend_shortfall,
        short_territories=t.territories_short,
        surplus=t.spend_surplus,
        surplus_territories=t.territories_with_surplus,
        required=t.required_spend,
        required_hours=t.required_hours,
        marketing_hours=t.marketing_hours,
        allocated_hours=sum(r.allocated_hours for r in report.territories),
        revenue_target=t.revenue_target,
        spend_ratio=t.spend_ratio,
    )


# --- region rollup ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionRollup:
    """One region's territories summed: what they need, what they have (the region's pool and own allocations)."""

    region: str | None
    territories: int
    target: float
    required_spend: float
    required_hours: float
    pool_budget: float  # the region's shared allocation (what its members draw, or all of it when unused)
    pool_drawn: float  # the part of the pool its territories draw
    own_budget: float  # the territories' own allocations
    pool_hours: float
    own_hours: float
    gap: float  # drawn − required = the sum of its territories' gaps
    status: Status | None  # the worst of its territories' (None for a region with no territory)
    funded: int
    at_risk: int
    unfunded: int

    @property
    def label(self) -> str:
        return self.region if self.region is not None else "No region"

    @property
    def allocated(self) -> float:
        return _c(to_cents(self.pool_drawn) + to_cents(self.own_budget))


def region_rollup(report: Report, scenario: Scenario) -> list[RegionRollup]:
    """Every region of the scenario (and "No region" when some territory has none), in the scenario's order."""
    amounts = territory_amounts(report.territories)
    names: list[str | None] = list(scenario.regions)
    if any(r.region is None for r in report.territories):
        names.append(None)
    out = []
    for name in names:
        members = [r for r in report.territories if r.region == name]
        pooled = [r for r in members if r.funding == "region"]
        own = [r for r in members if r.funding == "territory"]
        allocation = scenario.allocations.get(("region", name)) if name is not None else None
        drawn = sum(to_cents(amounts[r.territory].allocated) for r in pooled)
        statuses: list[Status] = [r.status for r in members]
        worst: Status | None = None
        if statuses:
            worst = sorted(statuses, key=STATUS_RANK.__getitem__)[0]
        out.append(
            RegionRollup(
                region=name,
                territories=len(members),
                target=sum(r.target for r in members),
                required_spend=_c(sum(to_cents(amounts[r.territory].required) for r in members)),
                required_hours=sum(r.required_hours for r in members),
                pool_budget=allocation.budget if allocation is not None else 0.0,
                pool_drawn=_c(drawn),
                own_budget=_c(sum(to_cents(amounts[r.territory].allocated) for r in own)),
                pool_hours=allocation.hours if allocation is not None else 0.0,
                own_hours=sum(r.allocated_hours for r in own),
                gap=_c(sum(to_cents(amounts[r.territory].gap) for r in members)),
                status=worst,
                funded=statuses.count("funded"),
                at_risk=statuses.count("at_risk"),
                unfunded=statuses.count("unfunded"),
            )
        )
    return out


# --- investment parity ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvestmentParity:
    """Sales spend per head beside marketing spend per head, and the marketing budget against its band."""

    currency: str
    existing_sellers: int
    existing_cost: float  # annual cost of the existing sellers
    hires: int  # planned hires starting in the period
    hires_cost: float  # their annual cost
    hires_cost_in_period: float  # their cost for the months of the period they are employed
    marketing_budget: float
    marketing_team_cost: float
    marketing_headcount: float
    revenue_target: float
    band_min: float
    band_max: float

    @property
    def sales_headcount(self) -> int:
        return self.existing_sellers + self.hires

    @property
    def sales_cost(self) -> float:
        return self.existing_cost + self.hires_cost

    @property
    def sales_per_head(self) -> float | None:
        return self.sales_cost / self.sales_headcount if self.sales_headcount else None

    @property
    def marketing_spend(self) -> float:
        return self.marketing_budget + self.marketing_team_cost

    @property
    def marketing_per_head(self) -> float | None:
        return self.marketing_spend / self.marketing_headcount if self.marketing_headcount > 0 else None

    @property
    def spend_ratio(self) -> float | None:
        return self.marketing_budget / self.revenue_target if self.revenue_target > 0 else None

    @property
    def band_side(self) -> Literal["below", "above"] | None:
        from .checks import spend_ratio_side  # one band rule, in checks

        ratio = self.spend_ratio
        return None if ratio is None else spend_ratio_side(ratio, self.band_min, self.band_max)

    def headline(self) -> str:
        """``Sales: $1.16M of new hires; marketing: $2.40M of programs, 9.5 % of target.``"""
        m = self.currency
        ratio = f", {percent(self.spend_ratio)} of target" if self.spend_ratio is not None else ""
        return (
            f"Sales: {money(self.hires_cost, m)} of new hires; marketing: {money(self.marketing_budget, m)} "
            f"of programs{ratio}."
        )

    def lines(self) -> list[str]:
        """Investment parity in plain words."""
        m = self.currency
        out = [
            f"Sales team: {count(self.existing_sellers, 'existing seller')} costing "
            f"{money(self.existing_cost, m)} a year, and {count(self.hires, 'planned hire')} in the period costing "
            f"{money(self.hires_cost, m)} a year ({money(self.hires_cost_in_period, m)} in the months of the "
            "period they are employed).",
        ]
        if self.sales_per_head is not None:
            out.append(
                f"Sales spend per head: {money(self.sales_per_head, m)} a year across "
                f"{count(self.sales_headcount, 'seller')}."
            )
        team = (
            f" plus {money(self.marketing_team_cost, m)} for the marketing team"
            if to_cents(self.marketing_team_cost)
            else " (the marketing team's own cost is not set: plan setting marketing_team_cost)"
        )
        out.append(f"Marketing: {money(self.marketing_budget, m)} of programs{team}.")
        if self.marketing_per_head is not None:
            out.append(
                f"Marketing spend per head: {money(self.marketing_per_head, m)} across "
                f"{count(self.marketing_headcount, 'marketer')}."
            )
        else:
            out.append("Marketing spend per head: set the plan setting marketing_headcount to compare per head.")
        ratio = self.spend_ratio
        if ratio is not None:
            side = self.band_side
            where = "inside" if side is None else side
            out.append(
                f"The marketing budget is {percent(ratio)} of the {money(self.revenue_target, m)} revenue target, "
                f"{where} the {percent(self.band_min, 0)}–{percent(self.band_max, 0)} band."
            )
        return out


def _months_in_period(start: Month | None, period_start: Month) -> int:
    if start is None:
        return PERIOD_MONTHS
    return max(0, min(PERIOD_MONTHS, PERIOD_MONTHS - start.minus(period_start)))


def investment_parity(report: Report, scenario: Scenario) -> InvestmentParity:
    """Sales and marketing spend of one scenario, with the optional marketing team settings."""
    values = scenario.assumptions.values
    period_start = scenario.assumptions.period_start
    existing = [s for s in scenario.sellers.values() if not s.is_hire]
    hires = [s for s in scenario.sellers.values() if counts_as_hire_in_period(s, period_start)]
    return InvestmentParity(
        currency=report.currency,
        existing_sellers=len(existing),
        existing_cost=sum(s.annual_cost for s in existing),
        hires=len(hires),
        hires_cost=sum(s.annual_cost for s in hires),
        hires_cost_in_period=sum(
            s.annual_cost * _months_in_period(s.start_month, period_start) / PERIOD_MONTHS for s in hires
        ),
        marketing_budget=values["marketing_budget"],
        marketing_team_cost=values.get("marketing_team_cost", 0.0),
        marketing_headcount=values.get("marketing_headcount", 0.0),
        revenue_target=report.totals.revenue_target,
        band_min=values["spend_ratio_min"],
        band_max=values["spend_ratio_max"],
    )


# --- hiring timeline --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HireTimeline:
    """One planned hire on the calendar: when pipeline must start, when they start and reach full quota, and when
    their territory's marketing money starts."""

    seller: str
    territory: str | None
    status: Status
    fund_by: Month | None
    start: Month | None
    full_quota: Month | None  # the first month at full quota (the start month when there is no ramp)
    money_from: Month | None  # None: the territory has no allocation
    late: bool  # pipeline would have to start before the money does (the PIPELINE_LATE flag)


def hiring_timeline(report: Report, scenario: Scenario) -> list[HireTimeline]:
    """Every planned hire of the report, in its order (by start month), with the months of the timeline."""
    late = {f.subject for f in report.flags if f.code == "PIPELINE_LATE"}
    period_start = report.period_start
    funding = {r.territory: (r.funding, r.region) for r in report.territories}
    out = []
    for h in report.hires:
        money_from: Month | None = None
        level, region = funding.get(h.territory or "", (None, None))
        key = ("territory", h.territory) if level == "territory" else ("region", region) if level else None
        if key is not None and key[1] is not None:
            allocation = scenario.allocations.get((key[0], key[1]))
            if allocation is not None:
                money_from = allocation.start_month or period_start
        full = h.start_month.plus(max(h.ramp_months - 1, 0)) if h.start_month is not None else None
        out.append(
            HireTimeline(
                seller=h.seller,
                territory=h.territory,
                status=h.status,
                fund_by=h.fund_by_month,
                start=h.start_month,
                full_quota=full,
                money_from=money_from,
                late=h.seller in late,
            )
        )
    return out


# --- all of it --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetStory:
    """Everything a budget view draws for one scenario: the reconciliation (and its waterfall), the region rollup,
    investment parity and the hiring timeline."""

    reconciliation: BudgetReconciliation
    regions: list[RegionRollup]
    parity: InvestmentParity
    timeline: list[HireTimeline]


def budget_story(report: Report, scenario: Scenario) -> BudgetStory:
    """The budget story of one evaluated scenario (``report`` is ``evaluate(scenario, ...)``)."""
    return BudgetStory(
        reconcile(report),
        region_rollup(report, scenario),
        investment_parity(report, scenario),
        hiring_timeline(report, scenario),
    )


__all__ = [
    "BudgetReconciliation",
    "BudgetStory",
    "GapSplit",
    "HireTimeline",
    "InvestmentParity",
    "RegionRollup",
    "RegionSlice",
    "TerritoryAmounts",
    "WaterfallStep",
    "allocated_hours_text",
    "budget_story",
    "gap_split",
    "hiring_timeline",
    "investment_parity",
    "reconcile",
    "region_rollup",
    "territory_amounts",
]
