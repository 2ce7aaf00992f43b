"""Funding confidence: Monte Carlo over the assumption ranges, vectorised with numpy and seeded.

Each funnel key with a range is drawn from a triangular distribution (low, value, high) at plan level; one draw per
key per iteration is shared by every territory. A region's or territory's override moves with the plan's draw in
proportion (``value_T × draw / value_plan``: its range is the plan's scaled, docs/ARCHITECTURE.md), kept inside the
key's bounds. Hours per MQL moves hours only, so it does not change whether money covers spend.

Because required spend is a product of the keys (proportional to ``cost_per_lead`` and ``marketing_share``,
inversely proportional to the other five), a territory's spend in draw ``d`` is its spend at the agreed values
times one factor ``F_d``; every territory whose overrides stay inside the bounds shares the same factor vector. So
no loop runs over draws or over territories × draws: a pool is funded in draw ``d`` when ``F_d`` is below one
threshold, counted with one sorted search, and percentiles of spend are percentiles of ``F`` scaled. Territories
whose scaled range is clipped by a bound get their own factor vector (one per distinct clipping).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..domain import Report, Scenario
from ..domain.assumptions import FUNNEL_KEYS, FunnelAssumptions, format_assumption
from ..domain.checks import EPS, Pool, PoolKey, funding_pools
from ..domain.formatting import count, money, percent
from ..domain.funnel import period_quota, reverse_funnel
from ..domain.sensitivity import SPEND_EXPONENT, TerritoryFlips, flip_points

#: Defaults of ``check --risk``.
DEFAULT_DRAWS = 20_000
DEFAULT_SEED = 1
#: A hire counts as safely funded when funded in at least this share of draws.
CONFIDENT_SHARE = 0.80

_SPEND_KEYS = tuple(k for k, e in SPEND_EXPONENT.items() if e != 0)

#: Per drawn key, the (low, high) ratio at which a territory's value meets a bound of the key, or ``None``.
Clip = tuple[float | None, float | None]
Signature = tuple[Clip | None, ...]


@dataclass(frozen=True)
class TerritoryRisk:
    territory: str
    p_funded: float
    spend_p10: float
    spend_p50: float
    spend_p90: float


@dataclass(frozen=True)
class HireRisk:
    seller: str
    territory: str | None
    p_funded: float


@dataclass(frozen=True)
class RiskReport:
    """Funding confidence of one scenario: per territory and per planned hire, and the plan's confident hires."""

    scenario: str
    draws: int
    seed: int
    keys: tuple[str, ...]  # the keys that were drawn
    territories: list[TerritoryRisk]
    hires: list[HireRisk]

    @property
    def hires_funded_80(self) -> int:
        """Planned hires funded in at least 80 % of draws."""
        return sum(1 for h in self.hires if h.p_funded >= CONFIDENT_SHARE - 1e-12)

    def territory(self, name: str) -> TerritoryRisk:
        for t in self.territories:
            if t.territory == name:
                return t
        raise KeyError(name)

    def hire(self, name: str) -> HireRisk:
        for h in self.hires:
            if h.seller == name:
                return h
        raise KeyError(name)


def draw_ratios(scenario: Scenario, draws: int, seed: int) -> dict[str, np.ndarray]:
    """For each spend key with a range: ``draws`` triangular draws divided by the plan value (the ratio every
    territory's value is scaled by). Keys are drawn in the fixed order of ``RANGE_KEYS`` from one generator."""
    a = scenario.assumptions
    rng = np.random.default_rng(seed)
    ratios = {}
    for key in _SPEND_KEYS:
        ends = a.plan_range(key)
        if ends is None:
            continue
        value = a.values[key]
        low, high = ends
        sample = np.full(draws, value) if high <= low else rng.triangular(low, value, high, draws)
        ratios[key] = sample / value
    return ratios


def _signature(a: FunnelAssumptions, spans: dict[str, tuple[float, float]]) -> Signature:
    """Which keys of this territory are clipped by a bound (and where): territories with the same one share a factor.

    A key of a territory is clipped when its scaled range ``value_T × ratio`` leaves the key's bounds."""
    out: list[Clip | None] = []
    for key, (r_min, r_max) in spans.items():
        value = float(getattr(a, key))
        if value <= 0:
            out.append(None)  # a zero value stays zero: the territory needs no spend whatever the draw
            continue
        bounds = FUNNEL_KEYS[key].bounds
        lo_cap, hi_cap = bounds.low / value, bounds.high / value
        clip: Clip = (lo_cap if r_min < lo_cap else None, hi_cap if r_max > hi_cap else None)
        out.append(None if clip == (None, None) else clip)
    return tuple(out)


def _factor(signature: Signature, ratios: dict[str, np.ndarray], draws: int) -> np.ndarray:
    """The spend factor of every draw: the product of each key's (clipped) ratio raised to its exponent."""
    log_factor = np.zeros(draws)
    for clip, (key, r) in zip(signature, ratios.items(), strict=True):
        if clip is not None:
            lo, hi = clip
            r = np.clip(r, lo if lo is not None else -np.inf, hi if hi is not None else np.inf)
        log_factor += SPEND_EXPONENT[key] * np.log(r)
    return np.exp(log_factor)


class _Groups:
    """Factor vectors by clipping signature, each with a sorted copy for threshold counts."""

    def __init__(self, ratios: dict[str, np.ndarray], draws: int) -> None:
        self.ratios, self.draws = ratios, draws
        self.index: dict[Signature, int] = {}
        self.factors: list[np.ndarray] = []
        self.sorted: list[np.ndarray] = []
        self._quantiles: list[np.ndarray] = []

    def of(self, signature: Signature) -> int:
        g = self.index.get(signature)
        if g is None:
            g = len(self.factors)
            self.index[signature] = g
            factor = np.ones(self.draws) if not self.ratios else _factor(signature, self.ratios, self.draws)
            self.factors.append(factor)
            self.sorted.append(np.sort(factor))
            self._quantiles.append(np.quantile(self.sorted[g], (0.1, 0.5, 0.9)))
        return g

    def quantiles(self, g: int) -> np.ndarray:
        """P10, P50 and P90 of the group's factor (a territory's spend percentiles are these times its spend)."""
        return self._quantiles[g]

    def share_at_most(self, g: int, threshold: float) -> float:
        """The share of draws whose factor is at most ``threshold``."""
        return float(np.searchsorted(self.sorted[g], threshold, side="right")) / self.draws


class _Requirement:
    """A spend that is a sum of per-group amounts times each group's factor (exact in every draw)."""

    def __init__(self) -> None:
        self.parts: dict[int, float] = {}

    def add(self, g: int, amount: float) -> None:
        self.parts[g] = self.parts.get(g, 0.0) + amount

    def share_covered(self, groups: _Groups, budget: float, alone: tuple[int, float] | None = None) -> float:
        """Share of draws in which ``budget`` covers this requirement (to the cent); ``alone`` = (group, amount) of
        a spend that counts as covered by itself when it is below a cent (a member needing nothing is funded)."""
        parts = {g: c for g, c in self.parts.items() if c > 0}
        alone_group, alone_amount = alone if alone is not None else (None, 0.0)
        involved = set(parts) | ({alone_group} if alone_amount > 0 else set())
        if len(involved) <= 1:  # one factor vector: covered exactly when it is below a threshold
            total = sum(parts.values())
            threshold = (budget + EPS) / total if total > 0 else np.inf
            if alone_amount > 0:
                threshold = max(threshold, EPS / alone_amount)
            if not np.isfinite(threshold):
                return 1.0
            return groups.share_at_most(next(g for g in involved if g is not None), threshold)
        spend = sum(c * groups.factors[g] for g, c in parts.items())
        covered = spend <= budget + EPS
        if alone_group is not None and alone_amount > 0:
            covered |= alone_amount * groups.factors[alone_group] <= EPS
        return float(np.count_nonzero(covered)) / groups.draws


def _alone(groups: _Groups, g: int, spend: float) -> float:
    """Share of draws in which a spend with no allocation is below a cent."""
    need = _Requirement()
    need.add(g, spend)
    return need.share_covered(groups, 0.0)


def run_risk(scenario: Scenario, report: Report, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> RiskReport:
    """Sample the ranges of ``scenario`` and report how often each territory and planned hire is funded.

    ``report`` is the scenario's evaluation at the agreed values (``checks.evaluate``); it gives each territory's
    spend, which every draw scales.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    a = scenario.assumptions
    ratios = draw_ratios(scenario, draws, seed)
    groups = _Groups(ratios, draws)
    resolved = {name: a.resolve(name, t.region) for name, t in scenario.territories.items()}
    spans = {key: (float(r.min()), float(r.max())) for key, r in ratios.items()}
    group_of = {name: groups.of(_signature(resolved[name], spans)) for name in scenario.territories}
    funnels = {r.territory: r.funnel for r in report.territories}
    pools = funding_pools(scenario, funnels, resolved)
    pool_of: dict[str, PoolKey] = {m: key for key, pool in pools.items() for m in pool.members}
    pool_need: dict[PoolKey, _Requirement] = {}
    for key, pool in pools.items():
        need = pool_need[key] = _Requirement()
        for m in pool.members:
            need.add(group_of[m], funnels[m].required_spend)

    territories = []
    for r in report.territories:
        g, spend = group_of[r.territory], r.required_spend
        pool_key = pool_of.get(r.territory)
        if pool_key is None:  # no allocation: funded only when it needs nothing
            p = _alone(groups, g, spend)
        else:
            p = pool_need[pool_key].share_covered(groups, pools[pool_key].allocation.budget, (g, spend))
        p10, p50, p90 = groups.quantiles(g) * spend
        territories.append(TerritoryRisk(r.territory, p, float(p10), float(p50), float(p90)))

    return RiskReport(
        scenario.name,
        draws,
        seed,
        tuple(ratios),
        territories,
        _hire_risks(scenario, report, resolved, groups, group_of, pools),
    )


def _hire_risks(
    scenario: Scenario,
    report: Report,
    resolved: dict[str, FunnelAssumptions],
    groups: _Groups,
    group_of: dict[str, int],
    pools: dict[PoolKey, Pool],
) -> list[HireRisk]:
    """Each hire as the checks judge it (``checks._hire_results``, whose order and marginal spend ``report.hires``
    keeps), in every draw: funded when what is left of its pool after the existing sellers and the hires before it
    covers its marginal spend."""
    start = scenario.assumptions.period_start
    pool_of = {m: key for key, pool in pools.items() for m in pool.members}
    existing_target: dict[str | None, float] = {}
    for s in scenario.sellers.values():
        if not s.is_hire:
            existing_target[s.territory] = existing_target.get(s.territory, 0.0) + period_quota(s, start)
    used: dict[PoolKey, _Requirement] = {}
    for key, pool in pools.items():
        need = used[key] = _Requirement()
        for m in pool.members:
            need.add(group_of[m], reverse_funnel(existing_target.get(m, 0.0), 0, resolved[m]).required_spend)
    out = []
    for h in report.hires:
        if h.territory is None or h.territory not in scenario.territories:
            out.append(HireRisk(h.seller, h.territory, 0.0))
            continue
        g, marginal = group_of[h.territory], h.marginal_spend
        pool_key = pool_of.get(h.territory)
        if pool_key is None:
            p = _alone(groups, g, marginal)
        else:
            need = used[pool_key]
            need.add(g, marginal)
            p = need.share_covered(groups, pools[pool_key].allocation.budget, (g, marginal))
        out.append(HireRisk(h.seller, h.territory, p))
    return out


# --- the figures as plain data and text ----------------------------------------------------------------------


def _significant(value: float | None, digits: int = 6) -> float | None:
    """A flip point or share kept to ``digits`` significant digits (a win rate of 18.34 % stays 0.1834)."""
    if value is None or not np.isfinite(value):
        return None
    return float(f"{value:.{digits}g}")


def add_confidence(doc: dict[str, Any], flips: dict[str, TerritoryFlips] | None, risk: RiskReport | None) -> None:
    """Add the sensitivity figures to a ``check --json`` document (``reporting.report_to_dict``): per territory
    ``flip_points`` (and with ``risk``: ``p_funded``, ``spend_p10/p50/p90``), per hire ``p_funded``, and ``risk``."""
    for entry in doc["territories"]:
        name = entry["territory"]
        if flips is not None and name in flips:
            entry["flip_points"] = {k: _significant(v) for k, v in flips[name].flips.items()}
        if risk is not None:
            t = risk.territory(name)
            entry["p_funded"] = _significant(t.p_funded, 4)
            entry["spend_p10"] = round(t.spend_p10, 2)
            entry["spend_p50"] = round(t.spend_p50, 2)
            entry["spend_p90"] = round(t.spend_p90, 2)
    if risk is None:
        return
    by_seller = {h.seller: h for h in risk.hires}
    for entry in doc["hires"]:
        hire = by_seller.get(entry["seller"])
        entry["p_funded"] = None if hire is None else _significant(hire.p_funded, 4)
    doc["risk"] = {
        "draws": risk.draws,
        "seed": risk.seed,
        "keys": list(risk.keys),
        "hires": len(risk.hires),
        "hires_funded_80": risk.hires_funded_80,
    }


def confidence_text(report: Report, flips: dict[str, TerritoryFlips] | None, risk: RiskReport | None) -> str:
    """The sensitivity section of ``check``: each territory's nearest flip point in words, and with ``risk`` the
    share of draws in which it is funded and its spend at P10/P50/P90."""
    cur = report.currency
    lines = []
    if flips is not None:
        lines.append("Sensitivity (the nearest flip point of each territory, every other assumption at its value):")
        for r in report.territories:
            f = flips.get(r.territory)
            key = f.nearest() if f is not None else None
            if f is None or key is None:
                lines.append(f"  {r.territory}: no assumption in its valid range changes its verdict.")
                continue
            now = format_assumption(key, f.values[key], cur)
            lines.append(f"  {r.territory} {f.sentence(key, cur)} (now {now}).")
    if risk is not None:
        lines += [
            "",
            f"Funding confidence ({risk.draws:,} draws, seed {risk.seed}; ranges of {', '.join(risk.keys) or 'none'}):",
        ]
        for r in report.territories:
            t = risk.territory(r.territory)
            lines.append(
                f"  {r.territory}: funded in {percent(t.p_funded, 0)} of draws; needs {money(t.spend_p50, cur)} "
                f"(P10 {money(t.spend_p10, cur)}, P90 {money(t.spend_p90, cur)}), has {money(r.allocated_budget, cur)}."
            )
        lines.append(
            f"  {risk.hires_funded_80} of {count(len(risk.hires), 'planned hire')} funded in at least "
            f"{percent(CONFIDENT_SHARE, 0)} of draws."
        )
    return "\n".join(lines)


def sensitivity(
    scenario: Scenario, report: Report, with_risk: bool, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> tuple[dict[str, TerritoryFlips] | None, RiskReport | None]:
    """The flip points (when the scenario has any range) and, with ``with_risk``, the funding confidence.

    Without any range both are ``None``: the check reads exactly as before ranges existed."""
    if not scenario.assumptions.has_ranges:
        return None, None
    flips = flip_points(scenario, report)
    return flips, run_risk(scenario, report, draws, seed) if with_risk else None
