"""The tornado of one territory: its funding gap with each funnel key at the low and at the high end of its range.

Plain domain code (the budget panel draws it). Every figure comes from the domain: the territory's pool
(``checks.funding_pools``), how spend moves with a key (``sensitivity.SPEND_EXPONENT``: required spend is
proportional to a key or to its inverse), the territory's range of a key (``Assumptions.scaled_range``: the plan's
range scaled by its value). As for flip points (docs/ARCHITECTURE.md), the key changes in this territory only, every
other key stays at its value, and a territory judged in a region pool is judged by the pool's gap (the pool's budget
minus all its members' requirement). ``hours_per_mql`` moves hours, not money, so it has no bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from .assumptions import RANGE_KEYS
from .checks import Report, funding_pools
from .model import Scenario
from .sensitivity import KEY_WORDS, SPEND_EXPONENT


@dataclass(frozen=True)
class TornadoBar:
    """One key of the tornado: the territory's value and range of it, and the gap at each end."""

    key: str
    words: str  # "win rate"
    value: float
    low: float
    high: float
    gap_low: float  # the gap with the key at its low end
    gap_high: float

    @property
    def swing(self) -> float:
        return abs(self.gap_high - self.gap_low)


@dataclass(frozen=True)
class Tornado:
    """A territory's gap now and how far each key's range moves it, widest swing first."""

    territory: str
    basis: str  # what the gap is measured against, in words
    gap: float  # now, every key at its value
    bars: tuple[TornadoBar, ...]


def tornado(scenario: Scenario, report: Report, territory: str) -> Tornado:
    """The tornado of ``territory`` (a territory of ``report``, the evaluation of ``scenario``)."""
    a = scenario.assumptions
    result = report.territory(territory)
    resolved = {name: a.resolve(name, t.region) for name, t in scenario.territories.items()}
    funnels = {r.territory: r.funnel for r in report.territories}
    pools = funding_pools(scenario, funnels, resolved)
    pool = next((p for p in pools.values() if territory in p.members), None)
    own = result.funnel.required_spend
    if pool is None:
        budget, need, basis = 0.0, own, "no allocation"
    else:
        budget, need = pool.allocation.budget, pool.required_spend
        basis = "its own allocation" if pool.key[0] == "territory" else f"region {pool.key[1]}'s pool"
    others = need - own
    bars = []
    mine = resolved[territory]
    for key in RANGE_KEYS:
        exponent = SPEND_EXPONENT[key]
        value = float(getattr(mine, key))
        ends = a.scaled_range(key, value)
        if exponent == 0 or ends is None:
            continue
        gaps = []
        for end in ends:
            spend = own if value <= 0 else own * (end / value) ** exponent
            gaps.append(budget - others - spend)
        bars.append(TornadoBar(key, KEY_WORDS[key], value, ends[0], ends[1], gaps[0], gaps[1]))
    bars.sort(key=lambda b: -b.swing)
    return Tornado(territory, basis, budget - need, tuple(bars))


__all__ = ["Tornado", "TornadoBar", "tornado"]
