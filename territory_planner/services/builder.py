"""The territory builder: balanced, contiguous territories written as a new what-if (issue 12).

``build_territories(plan, options)`` reads the source scenario, runs the partition engine
(:mod:`territory_planner.geo.partition`) on the units in scope and returns a :class:`BuildResult`: one
:class:`~territory_planner.domain.commands.Batch` that copies the source into the new what-if and reshapes it there
(the source never changes), plus the figures of the report (balance, deviation, pieces, Polsby–Popper, units moved)
and plain-language notes. Nothing is applied: the CLI applies the batch and saves; the GUI can push it on its undo
stack.

Scope is the whole layer, or the units of one region's territories. Locked territories, their units and every unit
out of scope stay exactly as they are.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from ..domain import BASELINE, PALETTE, Plan, PlanError, Scenario, Seller, Territory
from ..domain.commands import AssignUnits, Batch, Command, CopyScenario, CreateTerritory, DeleteTerritory, EditSeller
from ..domain.formatting import plural_noun
from ..geo.partition import Graph, PartitionCancelled, PartitionProblem, partition, pieces_per_label
from .homes import placer_for
from .progress import Cancelled, Progress, ReportFn

SeedMode = Literal["auto", "sellers", "hires"]
SEED_MODES: tuple[str, ...] = ("auto", "sellers", "hires")


class BuildCancelled(Cancelled):
    """The user cancelled the build; nothing was changed."""


@dataclass(frozen=True)
class BuildOptions:
    """What to build. ``territories`` may be left out with ``seeds`` sellers/hires or ``from_current``.

    ``homes`` maps a seller's name to the unit id of their home base, over the sellers' own home bases (the
    sellers sheet's ``home`` column, placed by ``services/homes.py``); a seeded seller's home unit always ends in
    their territory.
    """

    into: str
    territories: int | None = None
    scenario: str = BASELINE
    region: str | None = None
    balance: tuple[tuple[str, float], ...] = ()
    tolerance: float = 0.05
    from_current: bool = False
    seeds: str = "auto"
    seconds: float = 5.0
    homes: Mapping[str, str] = field(default_factory=dict)


@dataclass
class BuiltTerritory:
    territory: str
    units: int
    balance: dict[str, float]
    deviation: float
    pieces: int
    polsby_popper: float | None
    moved_units: int
    moved_potential: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "territory": self.territory,
            "units": self.units,
            "balance": {k: _round(v) for k, v in self.balance.items()},
            "deviation": round(self.deviation, 6),
            "pieces": self.pieces,
            "polsby_popper": None if self.polsby_popper is None else round(self.polsby_popper, 4),
            "moved_units": self.moved_units,
        }


@dataclass
class BuildResult:
    command: Batch
    scenario: str
    seconds: float
    territories: list[BuiltTerritory]
    max_deviation: float
    unassigned_units: int
    notes: list[str]
    tolerance: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``territory-planner build --json`` (keys as issue 12 lists them)."""
        return {
            "scenario": self.scenario,
            "seconds": round(self.seconds, 3),
            "territories": [t.to_dict() for t in self.territories],
            "max_deviation": round(self.max_deviation, 6),
            "unassigned_units": self.unassigned_units,
            "notes": list(self.notes),
        }

    def to_text(self) -> str:
        width = max([len(t.territory) for t in self.territories] + [9])
        attrs = list(self.territories[0].balance) if self.territories else []
        head = f"{'territory':<{width}}  {'units':>6}  " + "  ".join(f"{a:>14}" for a in attrs)
        head += f"  {'deviation':>9}  {'pieces':>6}  {'compact':>7}  {'moved':>6}"
        lines = [
            f"Built {len(self.territories)} territories into what-if '{self.scenario}' in {self.seconds:.1f} s "
            f"(furthest from the mean: {self.max_deviation:+.1%}; tolerance ±{self.tolerance:.0%}).",
            "",
            head,
        ]
        for t in self.territories:
            pp = "" if t.polsby_popper is None else f"{t.polsby_popper:.2f}"
            values = "  ".join(f"{t.balance[a]:>14,.0f}" for a in attrs)
            lines.append(
                f"{t.territory:<{width}}  {t.units:>6,}  {values}  {t.deviation:>+9.1%}  {t.pieces:>6}  {pp:>7}  "
                f"{t.moved_units:>6,}"
            )
        if self.unassigned_units:
            lines.append(f"\n{self.unassigned_units:,} units of the layer have no territory (outside the scope).")
        if self.notes:
            lines.append("")
            lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)


def _plural(n: int, noun: str) -> str:
    if n == 1:
        return f"1 {noun}"
    return f"{n:,} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def _round(value: float) -> float:
    return float(round(value, 6))


def parse_balance(texts: Iterable[str]) -> tuple[tuple[str, float], ...]:
    """``ATTR`` or ``ATTR=WEIGHT`` items (``--balance population=2 --balance accounts``)."""
    out: list[tuple[str, float]] = []
    for text in texts:
        name, sep, weight = text.partition("=")
        name = name.strip()
        if not name:
            raise PlanError(f"--balance '{text}' names no attribute: write ATTR or ATTR=WEIGHT, e.g. population=2.")
        value = 1.0
        if sep:
            try:
                value = float(weight)
            except ValueError:
                raise PlanError(
                    f"--balance '{text}': the weight '{weight}' is not a number; write ATTR=WEIGHT, e.g. population=2."
                ) from None
            if not math.isfinite(value) or value <= 0:
                raise PlanError(f"--balance '{text}': the weight must be a positive number.")
        out.append((name, value))
    return tuple(out)


# --- the build ---------------------------------------------------------------------------------------------------


@dataclass
class _Scope:
    positions: np.ndarray  # layer positions of the units in scope
    unit_ids: list[str]
    territories: list[str]  # unlocked territories in scope, in scenario order


def build_territories(
    plan: Plan,
    options: BuildOptions,
    progress: Progress | ReportFn | None = None,
) -> BuildResult:
    """Build territories as a new what-if ``options.into`` (not applied: apply ``result.command``).

    Cancelling ``progress`` stops the build with :class:`BuildCancelled` (a :class:`Cancelled`)."""
    started = time.perf_counter()
    tracker = Progress.of(progress)
    engine_report = tracker.scaled(0.1, 0.9).quiet()
    source = plan.scenario(options.scenario)
    into = options.into.strip()
    if into in plan.scenarios:
        raise PlanError(f"There is already a scenario named '{into}'. Choose another name for the built what-if.")
    if not 0 < options.tolerance < 1:
        raise PlanError(f"The tolerance must be between 0 and 1 (0.05 means ±5 %), not {options.tolerance}.")
    if options.seeds not in SEED_MODES:
        raise PlanError(f"Seeds '{options.seeds}' is unknown: use {', '.join(SEED_MODES)}.")
    if options.from_current and options.seeds != "auto":
        raise PlanError(
            "--from-current keeps the current territories and their sellers: leave out --seeds (or build afresh)."
        )
    layer = plan.layer
    attrs = _balance_attributes(plan, options.balance)
    weights = _composite(plan, attrs)
    scope = _scope(plan, source, options.region)
    seeds = _seed_sellers(source, scope, options.seeds)
    k = _territory_count(options, scope, seeds)
    if len(seeds) > k:
        raise PlanError(
            f"There are {len(seeds)} sellers to seed but only {k} territories: ask for at least {len(seeds)} "
            "territories, or use --seeds auto."
        )

    geo = _geometry(plan, scope)
    notes: list[str] = []
    graph = _scope_graph(plan, scope)
    w = weights[scope.positions]
    if float(w.sum()) <= 0:
        raise PlanError(
            f"The units in scope have no {', '.join(a for a, _ in attrs)} to balance on (all zero or missing): "
            "import the attribute or name another one with --balance."
        )
    homes = {**placer_for(plan.layer).units_of(source.sellers.values()), **options.homes}
    seed_points, seed_units = _seed_points(plan, source, scope, seeds, geo.points, w, homes, notes)
    initial = _initial_labels(source, scope) if options.from_current else None

    def engine_progress(fraction: float, message: str) -> bool:
        engine_report(fraction, message)
        return tracker.cancelled  # the engine stops itself when asked

    problem = PartitionProblem(
        graph,
        w,
        geo.points,
        k,
        options.tolerance,
        initial=initial,
        seed_points=seed_points,
        seed_units=seed_units,
        seconds=options.seconds,
        progress=engine_progress,
    )
    try:
        result = partition(problem)
    except PartitionCancelled:
        raise BuildCancelled("The build was cancelled; nothing was changed.") from None
    labels = result.labels

    names, territories, commands, seller_edits, dropped = _name_territories(
        plan, source, scope, labels, k, w, seeds, options, into
    )
    # --- assignments ---
    groups: dict[str, list[str]] = {}
    for unit, label in zip(scope.unit_ids, labels.tolist(), strict=True):
        name = names[label]
        if source.assignment.get(unit) != name:
            groups.setdefault(name, []).append(unit)
    batch_commands: list[Command] = [CopyScenario(options.scenario, into)]
    batch_commands += commands
    if groups:
        batch_commands.append(
            AssignUnits(into, tuple((t, tuple(u)) for t, u in groups.items()), layer.unit_noun, "Assign built units")
        )
    batch_commands += seller_edits
    batch_commands += [DeleteTerritory(into, name) for name in dropped]
    command = Batch(f"Build {k} territories into {into}", tuple(batch_commands))

    # --- report ---
    tracker.report(0.92, "Measuring compactness")
    pieces = pieces_per_label(graph, labels, k)
    pp = _polsby_popper(geo.projected, labels, k)
    potential = layer.potential()[scope.positions]
    raw = {a: plan.layer.units[a].fillna(0).to_numpy(dtype=float)[scope.positions] for a, _ in attrs}
    totals = np.bincount(labels, weights=w, minlength=k)
    giant_labels = {int(labels[g]) for g in result.giants}
    rest = [t for t in range(k) if t not in giant_labels]
    mean = float(totals[rest].mean()) if rest else float(totals.mean())
    old_names = [source.assignment.get(u) for u in scope.unit_ids]
    built: list[BuiltTerritory] = []
    for t in range(k):
        member = labels == t
        moved = member & np.array([o != names[t] for o in old_names], dtype=bool)
        built.append(
            BuiltTerritory(
                territory=names[t],
                units=int(member.sum()),
                balance={a: float(raw[a][member].sum()) for a, _ in attrs},
                deviation=float(totals[t] / mean - 1) if mean > 0 else 0.0,
                pieces=int(pieces[t]),
                polsby_popper=pp[t],
                moved_units=int(moved.sum()),
                moved_potential=float(potential[moved].sum()),
            )
        )
    notes += _notes(plan, scope, result, labels, names, built, attrs, options, dropped, w, mean)
    assigned_after = set(source.assignment) | set(scope.unit_ids)
    unassigned = int(sum(1 for u in layer.unit_ids if u not in assigned_after))
    del territories
    tracker.report(1.0, "Built")
    return BuildResult(
        command=command,
        scenario=into,
        seconds=time.perf_counter() - started,
        territories=built,
        max_deviation=float(max((abs(b.deviation) for b in built), default=0.0)),
        unassigned_units=unassigned,
        notes=notes,
        tolerance=options.tolerance,
    )


# --- inputs ------------------------------------------------------------------------------------------------------


def _balance_attributes(plan: Plan, balance: tuple[tuple[str, float], ...]) -> list[tuple[str, float]]:
    layer = plan.layer
    numeric = layer.numeric_columns()
    if not balance:
        if layer.potential_column is None or layer.potential_column not in numeric:
            raise PlanError(
                f"Layer '{layer.name}' has no potential or population attribute to balance on: name one with "
                f"--balance ATTR (numeric attributes: {', '.join(numeric) or 'none'})."
            )
        return [(layer.potential_column, 1.0)]
    for name, _ in balance:
        if name not in layer.units.columns or name == "name":
            raise PlanError(
                f"--balance: layer '{layer.name}' has no attribute '{name}'. Numeric attributes: "
                f"{', '.join(numeric) or 'none'}."
            )
        if name not in numeric:
            raise PlanError(f"--balance: attribute '{name}' is not numeric; balance on a numeric attribute.")
        values = layer.units[name].to_numpy(dtype=float)
        bad = np.flatnonzero(values < 0)
        if len(bad):
            unit = layer.unit_ids[bad[0]]
            raise PlanError(
                f"--balance: attribute '{name}' is negative for unit {unit} ({values[bad[0]]:g}) and {len(bad) - 1} "
                "more: balance needs amounts of zero or more. Fix the attribute and try again."
            )
    return list(balance)


def _composite(plan: Plan, attrs: list[tuple[str, float]]) -> np.ndarray:
    """One weight per unit: each attribute as a share of its layer total, times its weight, summed."""
    total = np.zeros(len(plan.layer))
    for name, weight in attrs:
        values = plan.layer.units[name].fillna(0).to_numpy(dtype=float)
        values = np.maximum(values, 0)
        s = float(values.sum())
        if s > 0:
            total += weight * values / s
    return total


def _scope(plan: Plan, source: Scenario, region: str | None) -> _Scope:
    locked = {t.name for t in source.territories.values() if t.locked}
    if region is None:
        territories = [t.name for t in source.territories.values() if not t.locked]
        mask = np.array([source.assignment.get(u) not in locked for u in plan.layer.unit_ids], dtype=bool)
    else:
        source.region(region)
        territories = [t.name for t in source.territories_of(region) if not t.locked]
        if not territories:
            raise PlanError(f"Region '{region}' has no unlocked territory: there is nothing to build in it.")
        wanted = set(territories)
        mask = np.array([source.assignment.get(u) in wanted for u in plan.layer.unit_ids], dtype=bool)
        if not mask.any():
            raise PlanError(f"The territories of region '{region}' have no units: assign some first.")
    positions = np.flatnonzero(mask)
    # territories with no unit in scope are left as they are (there is nothing of theirs to rebuild)
    holding = {source.assignment.get(str(u)) for u in plan.layer.unit_ids[positions]}
    territories = [t for t in territories if t in holding]
    return _Scope(positions, [str(u) for u in plan.layer.unit_ids[positions]], territories)


def _seed_sellers(source: Scenario, scope: _Scope, mode: str) -> list[Seller]:
    if mode == "auto":
        return []
    in_scope = set(scope.territories)
    sellers = [s for s in source.sellers.values() if s.territory in in_scope]
    if mode == "hires":
        sellers = [s for s in sellers if s.is_hire]
    if not sellers:
        what = "hires" if mode == "hires" else "sellers"
        raise PlanError(f"--seeds {mode}: there are no {what} in the territories being rebuilt.")
    return sorted(sellers, key=lambda s: (s.is_hire, -s.annual_quota, s.name))


def _territory_count(options: BuildOptions, scope: _Scope, seeds: list[Seller]) -> int:
    k = options.territories
    if k is None:
        if options.seeds == "sellers":
            k = len(seeds)
        elif options.seeds == "hires":
            k = len(scope.territories) + len(seeds)
        elif options.from_current:
            k = len(scope.territories)
        else:
            raise PlanError("Say how many territories to build with --territories K.")
    if k < 1:
        raise PlanError(f"--territories must be 1 or more, not {k}.")
    if k > len(scope.positions):
        raise PlanError(
            f"There are only {len(scope.positions):,} units in scope: {k} territories cannot each have one."
        )
    if options.from_current and k < len(scope.territories):
        raise PlanError(
            f"--from-current keeps the {len(scope.territories)} territories in scope: ask for at least that many "
            "(or build afresh without --from-current)."
        )
    return k


@dataclass
class _Geometry:
    projected: np.ndarray  # shapely geometries of the scope units on an equal-area projection
    points: np.ndarray  # (n, 2) a point inside each unit, metres


def _geometry(plan: Plan, scope: _Scope) -> _Geometry:
    import geopandas as gpd
    import shapely

    geometry = plan.layer.geometry
    if geometry is None:
        raise PlanError(f"Layer '{plan.layer.name}' has no unit shapes: the builder needs them.")
    series = gpd.GeoSeries(np.asarray(getattr(geometry, "array", geometry), dtype=object), crs=plan.layer.crs)
    series = series.iloc[scope.positions]
    lonlat = series if series.crs is None or series.crs.to_epsg() == 4326 else series.to_crs("EPSG:4326")
    x0, y0, x1, y1 = lonlat.total_bounds
    if not np.all(np.isfinite([x0, y0, x1, y1])):
        raise PlanError(f"Layer '{plan.layer.name}': the units in scope have no usable shapes.")
    # Lambert azimuthal equal-area centred on the scope: areas are true, so Polsby–Popper is comparable anywhere.
    laea = f"+proj=laea +lat_0={(y0 + y1) / 2:.6f} +lon_0={(x0 + x1) / 2:.6f} +datum=WGS84 +units=m"
    projected = lonlat.to_crs(laea).to_numpy()
    empty = shapely.is_empty(projected) | shapely.is_missing(projected)
    points = np.zeros((len(projected), 2))
    if (~empty).any():
        points[~empty] = shapely.get_coordinates(shapely.point_on_surface(projected[~empty]))
    return _Geometry(projected, points)


def _scope_graph(plan: Plan, scope: _Scope) -> Graph:
    adjacency = plan.layer.adjacency
    if adjacency is None:
        from ..geo.adjacency import unit_adjacency

        adjacency = unit_adjacency(plan.layer.geometry)
    local = np.full(len(plan.layer), -1, dtype=np.int64)
    local[scope.positions] = np.arange(len(scope.positions))
    pairs = local[np.asarray(adjacency, dtype=np.int64).reshape(-1, 2)]
    pairs = pairs[(pairs >= 0).all(axis=1)]
    return Graph.from_pairs(len(scope.positions), pairs)


def _seed_points(
    plan: Plan,
    source: Scenario,
    scope: _Scope,
    seeds: list[Seller],
    points: np.ndarray,
    w: np.ndarray,
    homes: Mapping[str, str],
    notes: list[str],
) -> tuple[np.ndarray | None, np.ndarray | None]:
    if not seeds:
        return None, None
    local = {u: i for i, u in enumerate(scope.unit_ids)}
    labels = np.array([source.assignment.get(u) for u in scope.unit_ids], dtype=object)
    xy = np.zeros((len(seeds), 2))
    units = np.full(len(seeds), -1, dtype=np.int64)
    fallback: list[str] = []
    outside: list[str] = []
    for j, seller in enumerate(seeds):
        home = homes.get(seller.name)
        if home is not None and home in local and local[home] not in set(units.tolist()):
            units[j] = local[home]
            xy[j] = points[local[home]]
            continue
        if home is not None:
            outside.append(seller.name)
        member = np.flatnonzero(labels == seller.territory)
        weight = w[member] + 1e-12
        centre = (points[member] * weight[:, None]).sum(axis=0) / weight.sum()
        xy[j] = points[member[np.argmin(np.sum((points[member] - centre) ** 2, axis=1))]]
        fallback.append(seller.name)
    if outside:
        notes.append(
            f"The home base of {', '.join(outside)} is not in a unit being rebuilt (or is shared): "
            "their territory's centre stands in for it."
        )
    if fallback and len(fallback) == len(seeds):
        notes.append(
            "No seller has a home base yet: each seller's current territory centre stands in for their home "
            f"({len(fallback)} seed{'s' if len(fallback) != 1 else ''})."
        )
    elif fallback and not outside:
        notes.append(f"{', '.join(fallback)} have no home base: their territory's centre stands in for it.")
    return xy, (units if (units >= 0).any() else None)


def _initial_labels(source: Scenario, scope: _Scope) -> np.ndarray:
    code = {name: i for i, name in enumerate(scope.territories)}
    return np.array([code.get(source.assignment.get(u, ""), -1) for u in scope.unit_ids], dtype=np.int64)


# --- names, colours, sellers -------------------------------------------------------------------------------------


def _name_territories(
    plan: Plan,
    source: Scenario,
    scope: _Scope,
    labels: np.ndarray,
    k: int,
    w: np.ndarray,
    seeds: list[Seller],
    options: BuildOptions,
    into: str,
) -> tuple[list[str], list[Territory], list[Command], list[Command], list[str]]:
    """Names of labels 0..k-1, the territories to create, the seller moves and the old territories to drop."""
    from scipy.optimize import linear_sum_assignment

    old = scope.territories
    old_index = {name: i for i, name in enumerate(old)}
    overlap = np.zeros((k, max(1, len(old))))
    current = np.array([old_index.get(source.assignment.get(u, ""), -1) for u in scope.unit_ids])
    known = current >= 0
    np.add.at(overlap, (labels[known], current[known]), w[known] + 1e-9)
    names: list[str | None] = [None] * k
    regions: list[str | None] = [options.region] * k
    claimed: set[str] = set()
    seeded_names: dict[int, Seller] = {}
    if options.from_current:
        for i, name in enumerate(old):
            names[i] = name
            claimed.add(name)
    seed_set = {s.name for s in seeds}
    for j, seller in enumerate(seeds):
        seeded_names[j] = seller
        home = seller.territory
        members = [s.name for s in source.sellers_of(home)] if home else []
        first = next((s for s in seeds if s.territory == home), None)
        if home in old_index and home not in claimed and all(m in seed_set for m in members) and first is seller:
            names[j] = home
            claimed.add(home)
        regions[j] = source.territories[home].region if home in source.territories else options.region
    free_labels = [t for t in range(k) if names[t] is None and t not in seeded_names]
    free_old = [i for i, name in enumerate(old) if name not in claimed]
    if free_labels and free_old:
        cost = -overlap[np.ix_(free_labels, free_old)]
        rows, cols = linear_sum_assignment(cost)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if -cost[r, c] > 0:
                names[free_labels[r]] = old[free_old[c]]
                claimed.add(old[free_old[c]])
    # the region of a new territory: the region of the old territories it overlaps most
    if options.region is None and old:
        for t in range(k):
            if names[t] is None and t not in seeded_names:
                best = int(np.argmax(overlap[t]))
                if overlap[t, best] > 0:
                    regions[t] = source.territories[old[best]].region
    taken = set(source.territories) - (set(old) - claimed)
    new_territories: list[Territory] = []
    used_colors = {source.territories[n].color for n in taken if n in source.territories}
    palette = [c for c in PALETTE if c not in used_colors] or list(PALETTE)
    counters: dict[str, int] = {}
    for t in range(k):
        if names[t] is not None:
            continue
        if t in seeded_names:
            base = seeded_names[t].name
            name = base
            n = 2
            while name in taken:
                name = f"{base} {n}"
                n += 1
        else:
            stem = regions[t] or "Territory"
            n = counters.get(stem, 0) + 1
            while f"{stem} {n}" in taken:
                n += 1
            counters[stem] = n
            name = f"{stem} {n}"
        taken.add(name)
        names[t] = name
        color = palette[len(new_territories) % len(palette)]
        new_territories.append(Territory(name, regions[t], color))
    final = [str(n) for n in names]
    creates: list[Command] = [CreateTerritory(into, t) for t in new_territories]
    dropped = [name for name in old if name not in claimed]
    # sellers: a seeded seller goes to their own territory; the sellers of a dropped territory to the built
    # territory that took most of it
    edits: list[Command] = []
    label_of_seller = {s.name: j for j, s in seeded_names.items()}
    for seller in source.sellers.values():
        target: str | None = None
        if seller.name in label_of_seller:
            target = final[label_of_seller[seller.name]]
        elif seller.territory in dropped:
            column = old_index[str(seller.territory)]
            target = final[int(np.argmax(overlap[:, column]))]
        if target is not None and target != seller.territory:
            edits.append(EditSeller(into, seller.name, replace(seller, territory=target)))
    return final, new_territories, creates, edits, dropped


# --- report ------------------------------------------------------------------------------------------------------


def _polsby_popper(projected: np.ndarray, labels: np.ndarray, k: int) -> list[float | None]:
    """4πA/P² of each territory's dissolved outline on the equal-area projection (1 = a disc)."""
    import shapely

    out: list[float | None] = []
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    for t in range(k):
        members = projected[order[bounds[t] : bounds[t + 1]]]
        if len(members) == 0:
            out.append(None)
            continue
        try:
            shape = shapely.coverage_union_all(members)
        except shapely.errors.GEOSException:
            shape = shapely.union_all(members)
        area, perimeter = float(shapely.area(shape)), float(shapely.length(shape))
        out.append(4 * math.pi * area / perimeter**2 if perimeter > 0 else None)
    return out


def _notes(
    plan: Plan,
    scope: _Scope,
    result: Any,
    labels: np.ndarray,
    names: list[str],
    built: list[BuiltTerritory],
    attrs: list[tuple[str, float]],
    options: BuildOptions,
    dropped: list[str],
    w: np.ndarray,
    mean: float,
) -> list[str]:
    units = plan.layer.units
    noun = plan.layer.unit_noun
    notes: list[str] = []
    what = " + ".join(a if weight == 1 else f"{weight:g}×{a}" for a, weight in attrs)
    for g in result.giants:
        unit_id = scope.unit_ids[g]
        t = int(labels[g])
        notes.append(
            f"{units.at[unit_id, 'name']} ({unit_id}) alone holds {w[g] / mean:.1f}× a territory's share of {what}: "
            f"it cannot be balanced, so it has a territory of its own ({names[t]}, {built[t].deviation:+.0%}) and "
            "the other territories are balanced on the rest."
        )
    joined: dict[int, list[int]] = {}
    for nodes, label in result.islands:
        joined.setdefault(int(label), []).extend(int(i) for i in nodes)
    if joined:
        parts = []
        for label, members in joined.items():
            shown = ", ".join(str(units.at[scope.unit_ids[i], "name"]) for i in members[:3])
            more = f" and {len(members) - 3} more" if len(members) > 3 else ""
            parts.append(f"{names[label]} took {_plural(len(members), noun)} ({shown}{more})")
        notes.append(
            "Islands (units with no land neighbour in the territories being built) joined the nearest territory: "
            + "; ".join(parts)
            + "."
        )
    giant_labels = {int(labels[g]) for g in result.giants}
    off = [b for i, b in enumerate(built) if i not in giant_labels and abs(b.deviation) > options.tolerance]
    if off:
        worst = max(off, key=lambda b: abs(b.deviation))
        notes.append(
            f"{len(off)} territor{'ies are' if len(off) != 1 else 'y is'} outside ±{options.tolerance:.0%} "
            f"(furthest: {worst.territory}, {worst.deviation:+.1%}): the geography does not allow closer with "
            f"whole contiguous {plural_noun(noun)} in the time given."
        )
    split = [b.territory for b in built if b.pieces > 1]
    if split:
        notes.append(f"In several pieces (islands or separated land): {', '.join(split)}.")
    if dropped:
        notes.append(
            f"Replaced by the built territories (their allocations and overrides are not carried over): "
            f"{', '.join(dropped)}."
        )
    if options.from_current:
        moved = sum(b.moved_units for b in built)
        potential = sum(b.moved_potential for b in built)
        column = plan.layer.potential_column or "potential"
        notes.append(
            f"From the current assignment: {_plural(moved, noun)} moved "
            f"({potential:,.0f} of {column})."
            + (
                " Per territory: "
                + "; ".join(
                    f"{b.territory} {b.moved_units:,} ({b.moved_potential:,.0f})" for b in built if b.moved_units
                )
                if moved
                else ""
            )
        )
    return notes


__all__ = [
    "SEED_MODES",
    "BuildCancelled",
    "BuildOptions",
    "BuildResult",
    "BuiltTerritory",
    "build_territories",
    "parse_balance",
]
