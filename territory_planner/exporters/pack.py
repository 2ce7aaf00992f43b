"""What every leadership-pack exporter draws from, computed once per export.

For each exported scenario: its report, the facts of each territory (sellers, planned hires, flags), the territory
shapes simplified for display and, for GIS files, exact. For the whole pack: the land and the state outlines drawn
for orientation, and the extent worth showing.

Display shapes come from one coverage simplification of "atoms": the units dissolved by (state, territory in each
scenario). Territories, states and land are then unions of simplified atoms, so their borders stay exactly shared
and the simplification only works on the borders that are ever drawn (far fewer vertices than all units).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from ..domain import (
    FUNNEL_KEYS,
    PLAN_KEYS,
    Flag,
    HireResult,
    Month,
    Plan,
    PlanError,
    Report,
    Scenario,
    TerritoryResult,
)
from ..domain.assumptions import format_assumption
from ..domain.budget import reconcile
from ..domain.checks import evaluate
from ..domain.formatting import plural_noun
from ..domain.governance import at_text
from ..domain.handshake import SECTIONS, handshake_rates
from ..domain.signoff import approval_note, sign_off_lines, status_line
from ..domain.status import STATUS_COLOR, STATUS_LABEL, STATUS_SYMBOL, status_text
from ..geo import simplified_for_display, territory_outlines

#: ``progress(fraction, message)``: fraction from 0 to 1, message in plain language. The export use case passes the
#: report of its ``services.progress.Progress`` (which also owns the cancel and the slicing into parts).
Progress = Callable[[float, str], None]

#: Status words, symbols and colours come from the one table in domain/status.py (re-exported for the exporters).
STATUS_TEXT = STATUS_LABEL
#: Outline colour of a funded territory; at-risk and unfunded ones take their status colour.
OUTLINE_COLOR = "#263238"
SEVERITY_TEXT = {"blocking": "Blocking", "warning": "Warning"}


class ExportError(PlanError):
    """An export could not be written; the message says which file and why. No partial file was left behind."""


def no_progress(fraction: float, message: str) -> None:
    """A progress callback that ignores everything."""


@dataclass(frozen=True)
class TerritoryFacts:
    """One territory of one scenario: its figures and the people and flags behind them."""

    result: TerritoryResult
    color: str
    sellers: tuple[str, ...]
    hires: tuple[HireResult, ...]
    flags: tuple[Flag, ...]

    @property
    def name(self) -> str:
        return self.result.territory

    @property
    def status(self) -> str:
        return self.result.status


@dataclass
class ScenarioPack:
    """One exported scenario."""

    scenario: Scenario
    report: Report
    territories: list[TerritoryFacts]
    #: Simplified outline of each territory that has units (for maps), in EPSG:4326.
    display: dict[str, BaseGeometry] = field(default_factory=dict)
    #: Where a territory's label and its planned hires go (a point well inside its largest piece).
    anchors: dict[str, BaseGeometry] = field(default_factory=dict)
    #: Exact dissolved outline of each territory that has units (for GIS files), in EPSG:4326.
    outlines: dict[str, BaseGeometry] = field(default_factory=dict)
    #: The territory of each of the pack's atoms (``None`` = unassigned), aligned with ``Pack.atoms``.
    atom_territories: list[str | None] = field(default_factory=list)
    #: Where each seller with a home base on the map works from: seller name -> (longitude, latitude).
    homes: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def currency(self) -> str:
        return self.report.currency

    def facts(self, territory: str) -> TerritoryFacts:
        for facts in self.territories:
            if facts.name == territory:
                return facts
        raise KeyError(territory)


@dataclass
class Pack:
    """Everything the exporters of one leadership pack need."""

    plan: Plan
    scenarios: list[ScenarioPack]
    created: dt.date
    #: Simplified display pieces: the units dissolved by state and by territory in every scenario, so that each
    #: territory, state and the land are unions of whole atoms (EPSG:4326). Static maps paint these as units.
    atoms: gpd.GeoSeries | None = None
    #: Simplified land (the whole layer dissolved), drawn as the plain background.
    land: BaseGeometry | None = None
    #: Simplified state outlines (when the layer has a ``state`` column), for orientation.
    states: list[BaseGeometry] = field(default_factory=list)
    #: (min lon, min lat, max lon, max lat) worth showing: the territories, or the whole layer without any.
    extent: tuple[float, float, float, float] = (-180.0, -60.0, 180.0, 80.0)

    @property
    def plan_name(self) -> str:
        return self.plan.name

    @property
    def has_maps(self) -> bool:
        return self.land is not None


# --- plain-language helpers shared by the exporters ------------------------------------------------------------


def status_label(status: str) -> str:
    """``✗ Unfunded``: the symbol and the word, so that status never relies on colour."""
    return status_text(status)


def date_label(day: dt.date) -> str:
    """``25 Nov 2026``: a date nobody misreads, whatever their locale."""
    return f"{day.day} {Month(day.year, day.month).label()}"


def month_label(month: Month | None) -> str:
    """``Apr 2027``, or a dash when there is no month."""
    return "—" if month is None else month.label()


def assumption_rows(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(what, value, note) rows of the agreed handshake: plan values first, then each override."""
    a = scenario.assumptions
    cur = a.currency
    rows: list[tuple[str, str, str]] = [
        ("First month of the plan period", a.period_start.label(), "12 months from here"),
        ("Currency", cur, ""),
    ]
    for key, spec in (*FUNNEL_KEYS.items(), *PLAN_KEYS.items()):
        rows.append((spec.label, format_assumption(key, a.values[key], cur), spec.hint))
    for level, table in (("Region", a.region_overrides), ("Territory", a.territory_overrides)):
        for name, overrides in table.items():
            for key, value in overrides.items():
                spec = FUNNEL_KEYS[key]
                plan_value = format_assumption(key, a.values[key], cur)
                rows.append(
                    (f"{level} {name}: {spec.label}", format_assumption(key, value, cur), f"plan value {plan_value}")
                )
    return rows


@dataclass(frozen=True)
class SignOffFacts:
    """A scenario's status for the pack's cover: the status line, who proposed and signed when, and the written
    reason when it was signed off despite blocking flags (all worded by domain/signoff.py)."""

    status: str
    line: str
    sign_offs: list[str]
    note: str


def sign_off_facts(pack: Pack, sp: ScenarioPack) -> SignOffFacts:
    plan = pack.plan
    if sp.name not in plan.scenarios:  # a scenario exported from elsewhere (tests, scratch plans)
        return SignOffFacts("draft", "Draft", [], "")
    return SignOffFacts(
        plan.governance.status(sp.name),
        status_line(plan, sp.name),
        sign_off_lines(plan, sp.name),
        approval_note(plan, sp.name),
    )


@dataclass(frozen=True)
class HandshakeFacts:
    """The written handshake of the plan, for a page of the PDF and a sheet of the workbook."""

    #: (heading, text) of every section, in order; the text is empty when nothing is agreed yet.
    sections: list[tuple[str, str]]
    #: (name, target, owner) of the joint KPIs.
    kpis: list[tuple[str, str, str]]
    #: (stage, agreed value, benchmark range, the plan's own low–high range or "") of each conversion rate.
    rates: list[tuple[str, str, str, str]]


def handshake_facts(pack: Pack, sp: ScenarioPack) -> HandshakeFacts:
    """The handshake document beside the conversion rates of ``sp``'s assumptions (the rates live there)."""
    h = pack.plan.governance.handshake
    a = sp.scenario.assumptions
    rates = [(rate.label, rate.shown, rate.benchmark, rate.plan_range) for rate in handshake_rates(a)]
    return HandshakeFacts(
        [(heading, h.texts.get(key, "")) for key, heading in SECTIONS.items()],
        [(k.name, k.target, k.owner) for k in h.kpis.values()],
        rates,
    )


@dataclass(frozen=True)
class CommentFacts:
    """One comment of the plan as the pack lists it."""

    about: str
    author: str
    at: str
    text: str
    resolved: bool


def comment_facts(pack: Pack, sp: ScenarioPack) -> list[CommentFacts]:
    """The comments on ``sp`` and on things in it (and plan-wide ones), open ones first, oldest first."""
    found = [c for c in pack.plan.governance.comments.values() if c.scenario is None or c.scenario == sp.name]
    found.sort(key=lambda c: (c.resolved, c.at))
    return [
        CommentFacts(f"{c.subject_type.capitalize()} {c.subject}", c.author, at_text(c.at), c.text, c.resolved)
        for c in found
    ]


def budget_lines(report: Report) -> list[str]:
    """Target and budget, the budget reconciliation (plan budget → allocated → unallocated → short → surplus, in
    sums a reader can check) and the hours: what every headline (cover, HTML panel, PNG caption) shows under it."""
    return reconcile(report).summary_lines()


def totals_lines(report: Report) -> list[str]:
    """The plan totals in a few plain sentences (verdict box, report cover): the budget lines, then the counts."""
    t = report.totals
    return [
        *budget_lines(report),
        f"Territories: {t.funded} funded, {t.at_risk} at risk, {t.unfunded} unfunded. "
        f"Planned hires: {t.hires_funded} funded, {t.hires_at_risk} at risk, {t.hires_unfunded} unfunded.",
        f"{t.blocking_flags} blocking flag{'s' if t.blocking_flags != 1 else ''}, "
        f"{t.warning_flags} warning{'s' if t.warning_flags != 1 else ''}.",
    ]


def unplaced_hires(sp: ScenarioPack, noun: str = "unit") -> list[str]:
    """Planned hires the map cannot show, each with why: ``Hire B (no territory)``."""
    out = []
    plural = plural_noun(noun)
    for hire in sp.report.hires:
        if hire.territory is None:
            out.append(f"{hire.seller} (no territory)")
        elif hire.territory not in sp.anchors:
            out.append(f"{hire.seller} ({hire.territory} has no {plural} yet)")
    return out


# --- building -------------------------------------------------------------------------------------------------


def _territory_facts(scenario: Scenario, report: Report) -> list[TerritoryFacts]:
    hires_by_territory: dict[str | None, list[HireResult]] = {}
    for hire in report.hires:
        hires_by_territory.setdefault(hire.territory, []).append(hire)
    facts = []
    for result in report.territories:
        name = result.territory
        hires = tuple(hires_by_territory.get(name, []))
        hire_names = {h.seller for h in hires}
        flags = tuple(
            f
            for f in report.flags
            if (f.subject_type == "territory" and f.subject == name)
            or (f.subject_type == "seller" and f.subject in hire_names)
            or (f.subject_type == "region" and result.region is not None and f.subject == result.region)
        )
        sellers = tuple(s.name for s in scenario.sellers.values() if s.territory == name and not s.is_hire)
        facts.append(TerritoryFacts(result, scenario.territories[name].color, sellers, hires, flags))
    return facts


def _anchor(geometry: BaseGeometry) -> BaseGeometry:
    """A point well inside the largest piece of a territory (pole of inaccessibility)."""
    parts = shapely.get_parts(geometry)
    if len(parts) == 0:
        return shapely.Point()
    largest = parts[int(np.argmax(shapely.area(parts)))]
    if shapely.get_type_id(largest) != shapely.GeometryType.POLYGON or largest.is_empty:
        return shapely.point_on_surface(geometry)
    tolerance = max(math.sqrt(largest.area) / 50.0, 1e-6)
    try:
        point = polylabel(largest, tolerance)
    except Exception:  # polylabel rejects some degenerate rings; any inside point will do
        point = shapely.point_on_surface(largest)
    return point if largest.contains(point) else shapely.point_on_surface(largest)


def _geometry_4326(plan: Plan) -> gpd.GeoSeries:
    geometry = plan.layer.geometry
    if geometry is None or len(geometry) == 0:
        raise ExportError(
            f"The plan's layer '{plan.layer.name}' has no shapes, so no map can be drawn. "
            "Export the workbook or the CSV sheets instead, or create the plan on a map layer."
        )
    series = geometry if isinstance(geometry, gpd.GeoSeries) else gpd.GeoSeries(geometry)
    if series.crs is None:
        series = series.set_crs(plan.layer.crs or "EPSG:4326")
    if not series.crs.equals("EPSG:4326"):
        series = series.to_crs("EPSG:4326")
    return series


def _labels(geometry: gpd.GeoSeries, scenario: Scenario) -> pd.Series:
    labels = pd.Series(scenario.assignment, dtype=object).reindex(geometry.index)
    return labels.astype(object).where(labels.notna(), None)


def display_tolerance(bounds: Sequence[float]) -> float:
    """Simplification for drawing: about 1/8000 of the layer's width (≈ 1.5 km on US counties)."""
    width = max(float(bounds[2]) - float(bounds[0]), float(bounds[3]) - float(bounds[1]), 1e-9)
    return width / 8000.0


def build_pack(
    plan: Plan,
    scenario_names: Iterable[str],
    *,
    maps: bool = True,
    exact_outlines: bool = False,
    reports: dict[str, Report] | None = None,
    created: dt.date | None = None,
    progress: Progress | None = None,
    home_points: Mapping[str, tuple[float, float]] | None = None,
) -> Pack:
    """Evaluate the scenarios and prepare the shapes the exporters draw.

    ``maps`` prepares simplified display shapes (HTML, PDF, PNG); ``exact_outlines`` the exact dissolved outlines
    (GIS files). ``reports`` may pass evaluations already at hand (a session's cache). ``home_points`` places
    sellers' home bases: home base text -> (longitude, latitude), for those on the layer (``services/homes.py``).
    Raises UnknownName for a scenario the plan does not have, before any work.
    """
    report_progress = progress or no_progress
    names = list(dict.fromkeys(scenario_names))
    if not names:
        raise ExportError("Choose at least one scenario to export.")
    scenarios = [plan.scenario(name) for name in names]
    packs: list[ScenarioPack] = []
    for i, scenario in enumerate(scenarios):
        report_progress(0.3 * i / len(scenarios), f"Checking scenario {scenario.name}")
        report = (reports or {}).get(scenario.name) or evaluate(scenario, plan.layer)
        sp = ScenarioPack(scenario, report, _territory_facts(scenario, report))
        points = home_points or {}
        sp.homes = {x.name: points[x.home] for x in scenario.sellers.values() if x.home and x.home in points}
        packs.append(sp)
    pack = Pack(plan, packs, created or dt.date.today())
    if not (maps or exact_outlines):
        report_progress(1.0, "Figures ready")
        return pack

    geometry = _geometry_4326(plan)
    bounds = tuple(float(b) for b in geometry.total_bounds)
    if exact_outlines:
        for i, sp in enumerate(packs):
            report_progress(0.3 + 0.2 * i / len(packs), f"Dissolving the territories of {sp.name}")
            outlines = territory_outlines(geometry, _labels(geometry, sp.scenario))
            sp.outlines = {str(k): g for k, g in outlines.items() if not g.is_empty}
            if not maps:
                sp.anchors = {name: _anchor(g) for name, g in sp.outlines.items()}
    if maps:
        report_progress(0.5, "Simplifying the map for display")
        _prepare_display(pack, geometry, bounds)
    report_progress(1.0, "Map shapes ready")
    return pack


def _prepare_display(pack: Pack, geometry: gpd.GeoSeries, bounds: tuple[float, ...]) -> None:
    units = pack.plan.layer.units
    key_columns: dict[str, pd.Series] = {}
    has_states = "state" in units.columns
    if has_states:
        states = units["state"].reindex(geometry.index)
        key_columns["state"] = states.astype(object).where(states.notna() & (states.astype(str) != ""), None)
    for i, sp in enumerate(pack.scenarios):
        key_columns[f"s{i}"] = _labels(geometry, sp.scenario)
    keys = pd.DataFrame(key_columns, index=geometry.index).fillna("\x00none")
    atom_ids = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup()
    atoms = territory_outlines(geometry, atom_ids.rename("atom"))
    atom_keys = keys.groupby(atom_ids.to_numpy(), sort=False).first().reindex(atoms.index)
    simple = simplified_for_display(atoms, display_tolerance(bounds))
    simple = simple[~simple.is_empty]

    pack.atoms = simple
    pack.land = shapely.coverage_union_all(np.asarray(simple.array, dtype=object))
    if has_states:
        state_labels = atom_keys["state"].where(atom_keys["state"] != "\x00none", None).reindex(simple.index)
        pack.states = [g for g in territory_outlines(simple, state_labels).to_numpy() if not g.is_empty]
    extent: list[float] | None = None
    for i, sp in enumerate(pack.scenarios):
        labels = atom_keys[f"s{i}"].where(atom_keys[f"s{i}"] != "\x00none", None).reindex(simple.index)
        sp.atom_territories = [None if v is None else str(v) for v in labels.to_numpy(dtype=object)]
        outlines = territory_outlines(simple, labels)
        sp.display = {str(k): g for k, g in outlines.items() if not g.is_empty}
        sp.anchors = {name: _anchor(g) for name, g in sp.display.items()}
        for g in sp.display.values():
            b = g.bounds
            extent = (
                list(b)
                if extent is None
                else [min(extent[0], b[0]), min(extent[1], b[1]), max(extent[2], b[2]), max(extent[3], b[3])]
            )
    pack.extent = (
        (extent[0], extent[1], extent[2], extent[3]) if extent else (bounds[0], bounds[1], bounds[2], bounds[3])
    )


def round_coordinates(geometry: BaseGeometry, decimals: int) -> BaseGeometry:
    """Coordinates rounded (``decimals=4`` ≈ 11 m), with the repeated points that rounding makes removed."""
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, decimals))
    return shapely.remove_repeated_points(rounded)


__all__ = [
    "STATUS_COLOR",
    "STATUS_SYMBOL",
    "STATUS_TEXT",
    "CommentFacts",
    "ExportError",
    "HandshakeFacts",
    "Pack",
    "Progress",
    "ScenarioPack",
    "SignOffFacts",
    "TerritoryFacts",
    "assumption_rows",
    "budget_lines",
    "build_pack",
    "comment_facts",
    "format_assumption",
    "handshake_facts",
    "sign_off_facts",
    "status_label",
    "totals_lines",
]
