"""Interactive editing of one scenario: every edit recomputes only what it touched.

A reassignment updates the per-unit aggregates by delta (domain.TerritoryAggregates), patches the outlines of the
two or three territories involved (geo.patch_outlines: difference/union against the cached outlines), and re-runs
the funnel and flags, which cost a handful of numbers per territory. ``naive_recompute`` is the from-scratch path
the benchmarks compare against, and ``exact_outlines`` the full recompute done when idle or on save.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from ..domain import Report, TerritoryAggregates, evaluate
from ..domain.commands import AssignUnits, Command
from ..geo.outlines import patch_outlines, territory_outlines
from .session import PlanSession


def _labels(session: PlanSession, scenario: str) -> pd.Series:
    s = session.plan.scenario(scenario)
    units = session.plan.layer.unit_ids
    return pd.Series([s.assignment.get(u) for u in units], index=units, dtype=object)


def exact_outlines(session: PlanSession, scenario: str) -> dict[str, shapely.Geometry]:
    """Outlines of every territory by coverage union of its units (the exact, from-scratch result)."""
    geometry = session.plan.layer.geometry
    if geometry is None:
        return {}
    outlines = territory_outlines(geometry, _labels(session, scenario))
    return {str(k): v for k, v in outlines.items()}


@dataclass
class LiveScenario:
    """Edits on one scenario with outlines, aggregates, funnel and flags kept current incrementally."""

    session: PlanSession
    scenario: str
    outlines: dict[str, shapely.Geometry] = field(default_factory=dict)
    dirty_outlines: bool = True

    def __post_init__(self) -> None:
        self.outlines = exact_outlines(self.session, self.scenario)
        self.dirty_outlines = False

    def reassign(self, unit_ids: list[str] | tuple[str, ...], territory: str | None) -> tuple[Command, Report]:
        """Move units to a territory (or unassign them): one command; returns its inverse and the new report."""
        plan = self.session.plan
        s = plan.scenario(self.scenario)
        old = [s.assignment.get(u) for u in unit_ids]
        command = AssignUnits.to(self.scenario, unit_ids, territory, plan.layer.unit_noun)
        inverse = self.session.apply(command)
        geometry = plan.layer.geometry
        if geometry is not None:
            positions = plan.layer.positions(unit_ids)
            moved = geometry.values[positions]
            self.outlines = patch_outlines(self.outlines, moved, old, territory)
        return inverse, self.session.report(self.scenario)

    def refresh_exact(self) -> None:
        """Recompute every outline exactly (when idle, or before a save or an export)."""
        self.outlines = exact_outlines(self.session, self.scenario)


def naive_recompute(session: PlanSession, scenario: str) -> tuple[gpd.GeoDataFrame, Report]:
    """The from-scratch way: dissolve every unit with the default union and evaluate with fresh aggregates."""
    plan = session.plan
    s = plan.scenario(scenario)
    frame = gpd.GeoDataFrame({"territory": _labels(session, scenario)}, geometry=plan.layer.geometry)
    dissolved = frame.dropna(subset=["territory"]).dissolve(by="territory")
    report = evaluate(s, plan.layer, TerritoryAggregates(plan.layer, s))
    return dissolved, report


__all__: list[Any] = ["LiveScenario", "exact_outlines", "naive_recompute"]
