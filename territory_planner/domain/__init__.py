"""The planning core: plain Python, numpy and pandas only (no Qt, no SQLAlchemy, no folium)."""

from .aggregates import TerritoryAggregates, count_pieces
from .assumptions import FUNNEL_KEYS, PLAN_KEYS, TEXT_PLAN_KEYS, Assumptions, FunnelAssumptions, validate_value
from .checks import FLAG_CODES, Flag, HireResult, Report, TerritoryResult, Totals, evaluate
from .errors import DuplicateName, InvalidAssumption, PlanError, TerritoryLocked, UnknownName
from .funnel import FunnelResult, fund_by_month, monthly_quotas, period_quota, ramp, reverse_funnel
from .model import (
    BASELINE,
    PALETTE,
    Allocation,
    Layer,
    Plan,
    Region,
    Scenario,
    Seller,
    Territory,
)
from .months import Month

__all__ = [
    "BASELINE",
    "FLAG_CODES",
    "FUNNEL_KEYS",
    "PALETTE",
    "PLAN_KEYS",
    "TEXT_PLAN_KEYS",
    "Allocation",
    "Assumptions",
    "DuplicateName",
    "Flag",
    "FunnelAssumptions",
    "FunnelResult",
    "HireResult",
    "InvalidAssumption",
    "Layer",
    "Month",
    "Plan",
    "PlanError",
    "Region",
    "Report",
    "Scenario",
    "Seller",
    "Territory",
    "TerritoryAggregates",
    "TerritoryLocked",
    "TerritoryResult",
    "Totals",
    "UnknownName",
    "count_pieces",
    "evaluate",
    "fund_by_month",
    "monthly_quotas",
    "period_quota",
    "ramp",
    "reverse_funnel",
    "validate_value",
]
