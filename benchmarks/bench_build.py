"""The territory builder at county and ZIP scale (a report, not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_build.py [--layers us-counties us-zips] [--k 10 50 200]
                               [--seconds 5] [--reference-k 10 20] [--reference-steps 200] [--no-reference]

Each run builds K territories on the whole demo plan (the service end to end: scope, projection, engine, names,
report) and prints seconds, the furthest deviation, territories in more than one piece (islands) and the mean
Polsby–Popper. In the suite (``python -m benchmarks``) the section runs the county layer at K = 10 and 50 and the
ZIP layer at K = 50.

Reference: on the county layer the same run times gerrychain's ReCom (``pip install -e .[bench]``; skipped with a
printed line when gerrychain is not installed). It balances the builder's own weight (the composite of the balance
attributes) on the layer's stored adjacency within the builder's tolerance: a seed plan by gerrychain's recursive
spanning-tree split, then a fixed number of ReCom steps. Components without a land neighbour are tied to the nearest
unit of another component by one extra edge (ReCom needs a connected graph; the builder joins them to the nearest
territory instead), and each unit heavier than the target keeps a district of its own, as in the builder. The plan
is measured exactly as the builder's (deviation from the mean of the other territories, pieces on the stored
adjacency, Polsby–Popper on the same equal-area projection).
"""

from __future__ import annotations

import argparse
import importlib.util
import time
import warnings
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from territory_planner.domain import Plan

from benchmarks.common import Record


@dataclass
class BuildRecord(Record):
    max_deviation: float | None = None
    multi_piece_territories: int | None = None
    mean_polsby_popper: float | None = None


def run_build(plan: Plan, layer_name: str, k: int, seconds: float) -> BuildRecord:
    from territory_planner.services.builder import BuildOptions, build_territories

    _ = plan.layer.geometry  # load the shapes before timing (a plan file defers them)
    start = time.perf_counter()
    result = build_territories(plan, BuildOptions(into=f"Bench {k}", territories=k, seconds=seconds))
    ms = (time.perf_counter() - start) * 1000
    pps = [t.polsby_popper for t in result.territories if t.polsby_popper is not None]
    rec = BuildRecord(f"build {k} territories", layer_name, len(plan.layer), k, ms, ms, ms, 1)
    rec.max_deviation = result.max_deviation
    rec.multi_piece_territories = sum(1 for t in result.territories if t.pieces > 1)
    rec.mean_polsby_popper = sum(pps) / len(pps) if pps else None
    return rec


#: ReCom steps of the reference run (5-9 s per K, seed plan included, on the county layer on a shared 2-core machine).
REFERENCE_STEPS = 200


def _default_tolerance() -> float:
    from territory_planner.services.builder import BuildOptions

    return BuildOptions(into="").tolerance


#: ReCom's epsilon: the builder's default tolerance (±5 %).
REFERENCE_TOLERANCE = _default_tolerance()


def reference_available() -> bool:
    return importlib.util.find_spec("gerrychain") is not None


def bridge_components(n: int, pairs: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Extra edges that make the graph of ``pairs`` connected: each component other than the largest gets one edge
    from its unit nearest to a unit outside it (the largest component is joined first, then the rest in turn)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    matrix = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    count, comp = connected_components(matrix, directed=False)
    if count <= 1:
        return np.zeros((0, 2), dtype=np.int64)
    sizes = np.bincount(comp, minlength=count)
    joined = comp == int(np.argmax(sizes))
    extra: list[tuple[int, int]] = []
    while not joined.all():
        inside = np.flatnonzero(joined)
        tree = cKDTree(points[inside])
        outside = np.flatnonzero(~joined)
        distance, index = tree.query(points[outside])
        nearest = int(np.argmin(distance))
        unit = int(outside[nearest])
        extra.append((unit, int(inside[index[nearest]])))
        joined |= comp == comp[unit]  # the whole component of that unit is now connected
    return np.array(extra, dtype=np.int64)


def plan_figures(
    weights: np.ndarray, labels: np.ndarray, k: int, own: list[int], pieces: np.ndarray, pps: list[float | None]
) -> tuple[float, int, float | None]:
    """Furthest deviation (from the mean of the territories that are not a single heavy unit), territories in more
    than one piece and mean Polsby–Popper, the way the builder reports them."""
    totals = np.bincount(labels, weights=weights, minlength=k)
    heavy = {int(labels[u]) for u in own}
    rest = [t for t in range(k) if t not in heavy]
    mean = float(totals[rest].mean()) if rest else float(totals.mean())
    deviation = max(abs(float(totals[t]) / mean - 1) for t in range(k)) if mean > 0 else 0.0
    known = [p for p in pps if p is not None]
    return deviation, int((pieces > 1).sum()), (sum(known) / len(known) if known else None)


def run_reference(plan: Plan, layer_name: str, k: int, steps: int, seed: int = 12) -> tuple[BuildRecord, float]:
    """gerrychain ReCom on the whole layer: seed plan plus ``steps`` steps, timed together (the figures of the
    last plan) and the milliseconds of the seed plan alone. Geometry, weights and adjacency are prepared untimed,
    as the builder's shapes are loaded untimed. Raises RuntimeError when gerrychain finds no seed plan within the
    tolerance (its bipartition gives up after 100,000 spanning trees: counties at K = 50)."""
    import networkx as nx
    from gerrychain import Graph as ChainGraph
    from gerrychain import MarkovChain, Partition
    from gerrychain.partition import recursive_tree_part
    from gerrychain.proposals import recom
    from gerrychain.updaters import Tally

    from territory_planner.geo.partition import PartitionProblem, _Engine, pieces_per_label
    from territory_planner.services import builder

    source = plan.scenario()
    scope = builder._scope(plan, source, None)
    weights = builder._composite(plan, builder._balance_attributes(plan, ()))[scope.positions]
    geo = builder._geometry(plan, scope)
    graph = builder._scope_graph(plan, scope)
    src, dst = graph.edges()
    pairs = np.column_stack([src, dst])
    pairs = np.unique(np.sort(pairs[pairs[:, 0] != pairs[:, 1]], axis=1), axis=0)
    engine = _Engine(PartitionProblem(graph, weights, geo.points, k, REFERENCE_TOLERANCE))
    engine._find_giants()  # the builder's own rule for units heavier than the target
    own = engine.result.giants
    free = np.ones(len(weights), dtype=bool)
    free[own] = False
    nodes = np.flatnonzero(free)
    local = np.full(len(weights), -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    inner = local[pairs]
    inner = inner[(inner >= 0).all(axis=1)]
    edges = np.concatenate([inner, bridge_components(len(nodes), inner, geo.points[nodes])])
    districts = k - len(own)

    start = time.perf_counter()
    nx_graph: Any = nx.Graph()
    nx_graph.add_nodes_from((i, {"weight": float(weights[u])}) for i, u in enumerate(nodes.tolist()))
    nx_graph.add_edges_from(map(tuple, edges.tolist()))
    chain_graph = ChainGraph.from_networkx(nx_graph)
    target = float(weights[nodes].sum()) / districts
    first = recursive_tree_part(chain_graph, range(districts), target, "weight", REFERENCE_TOLERANCE, rng=seed)
    seed_ms = (time.perf_counter() - start) * 1000
    partition = Partition(chain_graph, first, {"weight": Tally("weight", alias="weight")})
    proposal = partial(recom, pop_col="weight", pop_target=target, epsilon=REFERENCE_TOLERANCE)
    chain = MarkovChain(proposal, (), initial_partition=partition, total_steps=steps, rng=seed)
    last = partition
    for state in chain:
        last = state
    ms = (time.perf_counter() - start) * 1000

    labels = np.full(len(weights), -1, dtype=np.int64)
    ids = last.graph.original_nx_node_id_for_internal_node_id
    for node, part in last.assignment.items():
        labels[nodes[int(ids(node))]] = int(part)
    labels[own] = np.arange(districts, k)
    pieces = pieces_per_label(graph, labels, k)
    pps = builder._polsby_popper(geo.projected, labels, k)
    name = f"gerrychain ReCom {steps} steps, {k} territories"
    rec = BuildRecord(name, layer_name, len(plan.layer), k, ms, ms, ms, 1)
    rec.max_deviation, rec.multi_piece_territories, rec.mean_polsby_popper = plan_figures(
        weights, labels, k, own, pieces, pps
    )
    return rec, seed_ms


def reference_rows(plan: Plan, layer_name: str, ks: list[int], steps: int) -> list[BuildRecord]:
    """The reference records (county layer only), or none with a printed line saying why."""
    if layer_name != "us-counties":
        return []
    if not reference_available():
        print("  reference: gerrychain is not installed (pip install -e .[bench]): ReCom rows skipped", flush=True)
        return []
    out: list[BuildRecord] = []
    for k in ks:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():  # gerrychain warns after each 1,000 spanning trees without a cut
                warnings.simplefilter("ignore")
                rec, seed_ms = run_reference(plan, layer_name, k, steps)
        except RuntimeError as error:
            print(
                f"  ReCom   {layer_name:<12} K={k:<4} no plan within ±{REFERENCE_TOLERANCE:.0%} after "
                f"{time.perf_counter() - start:.1f} s ({error})",
                flush=True,
            )
            continue
        print(describe(rec) + f"  (seed plan {seed_ms / 1000:.2f} s, then {steps} steps)", flush=True)
        out.append(rec)
    return out


def describe(rec: BuildRecord) -> str:
    pp = "n/a" if rec.mean_polsby_popper is None else f"{rec.mean_polsby_popper:.3f}"
    who = "ReCom  " if rec.name.startswith("gerrychain") else "builder"
    return (
        f"  {who} {rec.layer:<12} K={rec.territories:<4} {rec.median_ms / 1000:7.2f} s  max deviation "
        f"{(rec.max_deviation or 0):6.1%}  in pieces {rec.multi_piece_territories:>3}  mean Polsby-Popper {pp}"
    )


def suite_section(plan: Plan, layer_name: str, runs: int) -> list[Record]:
    """For ``benchmarks/sections.optional_sections``: one build per K (they take seconds each)."""
    ks = (10, 50) if layer_name == "us-counties" else (50,)
    out: list[Record] = []
    for k in ks:
        rec = run_build(plan, layer_name, k, 5.0)
        print(describe(rec), flush=True)
        out.append(rec)
    out += reference_rows(plan, layer_name, [10, 20], REFERENCE_STEPS)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--layers", nargs="+", default=["us-counties", "us-zips"])
    parser.add_argument("--k", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--seconds", type=float, default=5.0, help="time box of the refinement")
    parser.add_argument(
        "--reference-k", type=int, nargs="+", default=[10, 20], help="K of the ReCom runs (county layer only)"
    )
    parser.add_argument("--reference-steps", type=int, default=REFERENCE_STEPS, help="ReCom steps per run")
    parser.add_argument("--no-reference", action="store_true", help="leave out the gerrychain ReCom rows")
    args = parser.parse_args()
    from territory_planner.services.demo import build_demo_plan

    for layer_name in args.layers:
        plan = build_demo_plan(layer_name=layer_name)
        for k in args.k:
            print(describe(run_build(plan, layer_name, k, args.seconds)), flush=True)
        if not args.no_reference:
            reference_rows(plan, layer_name, args.reference_k, args.reference_steps)


if __name__ == "__main__":
    main()
