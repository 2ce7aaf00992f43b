"""The reverse funnel (docs/ARCHITECTURE.md, the planning maths): from quota back to leads, spend and hours."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .assumptions import FunnelAssumptions
from .model import Seller
from .months import Month

PERIOD_MONTHS = 12


def ramp(k: int, ramp_months: int) -> float:
    """Productivity in the ``k``-th month since start (0-based)."""
    if k < 0:
        return 0.0
    if ramp_months == 0:
        return 1.0
    return min(1.0, (k + 1) / ramp_months)


def monthly_quotas(seller: Seller, period_start: Month) -> list[float]:
    """The seller's quota in each of the 12 months of the period (0 before the start month)."""
    base = seller.annual_quota / 12.0
    quotas = []
    for m in range(PERIOD_MONTHS):
        if seller.start_month is None:
            quotas.append(base)
            continue
        k = period_start.plus(m).minus(seller.start_month)
        quotas.append(base * ramp(k, seller.ramp_months) if k >= 0 else 0.0)
    return quotas


def period_quota(seller: Seller, period_start: Month) -> float:
    return sum(monthly_quotas(seller, period_start))


@dataclass(frozen=True)
class FunnelResult:
    target: float
    deals: float
    opportunities: float
    sqls: float
    marketing_sqls: float
    mqls: float
    leads: float
    required_spend: float
    required_hours: float


def reverse_funnel(target: float, planned_hires: int, a: FunnelAssumptions) -> FunnelResult:
    """Walk the funnel back from a revenue target to the leads, spend and hours marketing must provide."""
    deals = target / a.avg_deal_size
    opportunities = deals / a.win_rate
    sqls = opportunities / a.sql_to_opp
    marketing_sqls = sqls * a.marketing_share
    mqls = marketing_sqls / a.mql_to_sql
    leads = mqls / a.lead_to_mql
    return FunnelResult(
        target=target,
        deals=deals,
        opportunities=opportunities,
        sqls=sqls,
        marketing_sqls=marketing_sqls,
        mqls=mqls,
        leads=leads,
        required_spend=leads * a.cost_per_lead,
        required_hours=mqls * a.hours_per_mql + planned_hires * a.onboarding_hours_per_hire,
    )


def fund_by_month(start_month: Month, sales_cycle_days: float) -> Month:
    """The month pipeline must start being created for a seller starting in ``start_month``."""
    return start_month.plus(-math.ceil(sales_cycle_days / 30.0))


def break_even_cpl(allocated_budget: float, leads: float) -> float | None:
    """The cost per lead at which the allocation would exactly fund the leads needed."""
    return allocated_budget / leads if leads > 0 else None


def counts_as_hire_in_period(seller: Seller, period_start: Month) -> bool:
    """A planned seller who starts before the period ends (and so needs onboarding in it)."""
    if not seller.is_hire:
        return False
    return seller.start_month is None or seller.start_month < period_start.plus(PERIOD_MONTHS)
