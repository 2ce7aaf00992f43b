"""Flip points: for each territory and funnel key, the value of the key at which the territory's verdict changes.

Closed form, no search. A territory's required spend is proportional to ``cost_per_lead`` and ``marketing_share``
and inversely proportional to ``avg_deal_size``, ``win_rate``, ``sql_to_opp``, ``mql_to_sql`` and ``lead_to_mql``
(docs/ARCHITECTURE.md, the planning maths). With every other key at its value, the spend as a function of one key
``x`` is ``a × x`` or ``a / x``, where ``a`` is the spend with that key set to 1. The territory flips where its
pool's requirement equals the pool's budget: ``S_others + S_T(x) = B``, changing the key in that territory only
(territories judged together in a region pool keep their own values). ``hours_per_mql`` moves hours, not spend: its
flip point is where the pool's required hours equal the pool's allocated hours (``None`` when the pool gives no
hours, as hours are then not judged against it).

A flip point is ``None`` when no value in the key's valid range (:class:`~.assumptions.Bounds`) reaches the
allocation: a territory with no target, no allocation, or a pool the other members already overspend.
"""

from __future__ import annotations

from dataclasses import dataclass

from .assumptions import FUNNEL_KEYS, RANGE_KEYS, FunnelAssumptions, format_assumption
from .checks import Pool, PoolKey, Report, exceeds, funding_pools
from .funnel import FunnelResult
from .model import Scenario

#: How required spend moves with each funnel key: +1 proportional, -1 inversely proportional (hours_per_mql: 0).
SPEND_EXPONENT: dict[str, int] = {
    "avg_deal_size": -1,
    "win_rate": -1,
    "sql_to_opp": -1,
    "mql_to_sql": -1,
    "lead_to_mql": -1,
    "marketing_share": 1,
    "cost_per_lead": 1,
    "hours_per_mql": 0,
}

#: The keys with a flip point, in the order of the JSON document.
FLIP_KEYS = RANGE_KEYS

#: The words for a key in a sentence ("stays funded unless win rate falls below 18 %").
KEY_WORDS = {
    "avg_deal_size": "average deal size",
    "win_rate": "win rate",
    "sql_to_opp": "SQL → opportunity rate",
    "mql_to_sql": "MQL → SQL rate",
    "lead_to_mql": "lead → MQL rate",
    "marketing_share": "marketing-sourced share",
    "cost_per_lead": "cost per lead",
    "hours_per_mql": "hours per MQL",
}


@dataclass(frozen=True)
class TerritoryFlips:
    """A territory's flip points (key -> value or ``None``) and whether it now meets its spend and its hours."""

    territory: str
    values: dict[str, float]  # the territory's resolved value of every flip key
    flips: dict[str, float | None]
    spend_covered: bool
    hours_covered: bool

    def sentence(self, key: str, currency: str = "USD") -> str | None:
        """The flip point of ``key`` in words, or ``None`` when it has none."""
        return flip_sentence(key, self.flips.get(key), self.spend_covered, self.hours_covered, currency)

    def nearest(self) -> str | None:
        """The key whose flip point is closest to its value (relative change), among those with one."""
        best: tuple[float, str] | None = None
        for key, flip in self.flips.items():
            value = self.values[key]
            if flip is None or value <= 0:
                continue
            distance = abs(flip / value - 1.0)
            if best is None or distance < best[0]:
                best = (distance, key)
        return None if best is None else best[1]


def flip_sentence(
    key: str, flip: float | None, spend_covered: bool, hours_covered: bool, currency: str = "USD"
) -> str | None:
    """``stays funded unless win rate falls below 18 %`` / ``would be funded if cost per lead fell below $150``."""
    if flip is None:
        return None
    shown = format_assumption(key, flip, currency)
    word = KEY_WORDS[key]
    exponent = SPEND_EXPONENT[key]
    if exponent == 0:  # hours: more hours per MQL, more hours needed
        if hours_covered:
            return f"stays within its hours unless {word} rises above {shown}"
        return f"would fit its hours if {word} fell below {shown}"
    worse_when_up = exponent > 0
    if spend_covered:
        move = "rises above" if worse_when_up else "falls below"
        return f"stays funded unless {word} {move} {shown}"
    move = "fell below" if worse_when_up else "rose above"
    return f"would be funded if {word} {move} {shown}"


def _solve(key: str, unit_spend: float, room: float) -> float | None:
    """The value ``x`` of ``key`` at which ``unit_spend × x`` (or ``unit_spend / x``) equals ``room``."""
    if unit_spend <= 0 or room <= 0:
        return None
    x = room / unit_spend if SPEND_EXPONENT[key] > 0 else unit_spend / room
    return x if FUNNEL_KEYS[key].bounds.contains(x) else None


def _spend_with_key_at_one(target: float, a: FunnelAssumptions, key: str) -> float:
    """The required spend with ``key`` set to 1 and every other key at its value: the reverse funnel's product
    (``funnel.reverse_funnel``), written as one product so a zero value of the key itself does no harm."""
    values = {k: float(getattr(a, k)) for k in SPEND_EXPONENT if SPEND_EXPONENT[k] != 0}
    values[key] = 1.0
    spend = target
    for k, v in values.items():
        spend = spend * v if SPEND_EXPONENT[k] > 0 else spend / v
    return spend


def _hours_flip(funnel: FunnelResult, a: FunnelAssumptions, pool: Pool | None) -> float | None:
    if pool is None or pool.allocation.hours <= 0 or funnel.mqls <= 0:
        return None
    onboarding = funnel.required_hours - funnel.mqls * a.hours_per_mql
    others = pool.required_hours - funnel.required_hours
    x = (pool.allocation.hours - others - onboarding) / funnel.mqls
    return x if FUNNEL_KEYS["hours_per_mql"].bounds.contains(x) else None


def territory_flips(name: str, funnel: FunnelResult, a: FunnelAssumptions, pool: Pool | None) -> TerritoryFlips:
    """The flip points of one territory judged in ``pool`` (``None``: it has no allocation)."""
    budget = pool.allocation.budget if pool is not None else 0.0
    others = (pool.required_spend if pool is not None else funnel.required_spend) - funnel.required_spend
    room = budget - others
    flips: dict[str, float | None] = {}
    for key in FLIP_KEYS:
        if SPEND_EXPONENT[key] == 0:
            flips[key] = _hours_flip(funnel, a, pool)
            continue
        unit_spend = _spend_with_key_at_one(funnel.target, a, key)
        flips[key] = _solve(key, unit_spend, room)
    spend_total = pool.required_spend if pool is not None else funnel.required_spend
    hours_given = pool.allocation.hours if pool is not None else 0.0
    hours_needed = pool.required_hours if pool is not None else funnel.required_hours
    return TerritoryFlips(
        territory=name,
        values={key: float(getattr(a, key)) for key in FLIP_KEYS},
        flips=flips,
        spend_covered=not exceeds(spend_total, budget),
        hours_covered=hours_given <= 0 or not exceeds(hours_needed, hours_given),
    )


def flip_points(scenario: Scenario, report: Report) -> dict[str, TerritoryFlips]:
    """Every territory's flip points, from the scenario and its evaluation (``checks.evaluate``)."""
    assumptions = scenario.assumptions
    resolved = {name: assumptions.resolve(name, t.region) for name, t in scenario.territories.items()}
    funnels = {r.territory: r.funnel for r in report.territories}
    pools = funding_pools(scenario, funnels, resolved)
    pool_of: dict[str, PoolKey] = {m: key for key, pool in pools.items() for m in pool.members}
    out = {}
    for r in report.territories:
        key = pool_of.get(r.territory)
        pool = pools[key] if key is not None else None
        out[r.territory] = territory_flips(r.territory, r.funnel, resolved[r.territory], pool)
    return out
