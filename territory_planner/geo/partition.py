"""Balanced, contiguous partition of a unit graph: the engine of the territory builder.

Works on positional indexes only (no plan, no names): a graph of the units in scope, one non-negative weight per
unit (the composite of the balance attributes), projected unit centres and the number of territories ``k``.

1. First cut: METIS k-way (``pymetis``, contiguous) on each connected component that gets territories, or, when
   territories have fixed home units, a balanced growth from those units. ``--from-current`` starts from the given
   labels instead (and splits the heaviest territories in two when more are asked for).
2. Components too light to carry a territory of their own (islands) join the territory of the nearest unit.
3. Repair: every piece of a territory other than its main one moves to the neighbouring territory it shares most
   borders with (a piece with no neighbour at all is an island and stays).
4. Refinement, time-boxed: boundary units move from heavier to lighter neighbouring territories while that lowers
   the sum of squared relative deviations, preferring units nearer the receiving territory's centre (or its seed);
   a donor never loses its connection (the unit's neighbours in the donor stay connected without it). When no
   such move is left, adjacent pairs of territories are merged and cut again in two (METIS bisection).

Units heavier than the target (Los Angeles County at K = 50) cannot be balanced: each keeps a territory of its own
and the others are balanced to the target of the rest.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
#: Called now and then with (fraction done, message); returning True asks the engine to stop (cancel).
Progress = Callable[[float, str], bool]

_METIS_TOTAL = 100_000_000  # integer weights for METIS add up to about this (well inside its 32-bit counters)


class PartitionCancelled(Exception):
    """The progress callback asked the engine to stop."""


@dataclass(frozen=True)
class Graph:
    """An undirected graph in compressed sparse row form (both directions of every edge stored)."""

    starts: IntArray
    neighbours: IntArray

    @classmethod
    def from_pairs(cls, n: int, pairs: NDArray[np.integer] | None) -> Graph:
        """From positional pairs ``(i, j)`` (each edge once or twice; self pairs and duplicates are dropped)."""
        if pairs is None or len(pairs) == 0:
            return cls(np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64))
        p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        p = p[p[:, 0] != p[:, 1]]
        src = np.concatenate([p[:, 0], p[:, 1]])
        dst = np.concatenate([p[:, 1], p[:, 0]])
        key = np.unique(src * n + dst)
        src, dst = key // n, key % n
        starts = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))]).astype(np.int64)
        return cls(starts, dst.astype(np.int64))

    @property
    def n(self) -> int:
        return len(self.starts) - 1

    def edges(self) -> tuple[IntArray, IntArray]:
        """Every directed edge as (source, target) arrays."""
        src = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.starts))
        return src, self.neighbours

    def subgraph(self, nodes: IntArray) -> Graph:
        """The graph induced by ``nodes`` (renumbered 0..len(nodes)-1 in the given order)."""
        local = np.full(self.n, -1, dtype=np.int64)
        local[nodes] = np.arange(len(nodes))
        src, dst = self.edges()
        keep = (local[src] >= 0) & (local[dst] >= 0)
        return Graph.from_pairs(len(nodes), np.column_stack([local[src[keep]], local[dst[keep]]]))

    def components(self) -> tuple[int, IntArray]:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import connected_components

        matrix = csr_matrix((np.ones(len(self.neighbours), dtype=np.int8), self.neighbours, self.starts), (self.n,) * 2)
        count, labels = connected_components(matrix, directed=False)
        return int(count), labels.astype(np.int64)


def pieces_per_label(graph: Graph, labels: IntArray, k: int) -> IntArray:
    """Number of connected pieces of each label 0..k-1 (edges between units of the same label only)."""
    src, dst = graph.edges()
    same = labels[src] == labels[dst]
    inner = Graph.from_pairs(graph.n, np.column_stack([src[same], dst[same]]))
    _, comp = inner.components()
    assigned = labels >= 0
    pairs = np.unique(np.column_stack([labels[assigned], comp[assigned]]), axis=0)
    return np.bincount(pairs[:, 0], minlength=k).astype(np.int64)


@dataclass
class PartitionResult:
    labels: IntArray
    targets: FloatArray
    #: Units heavier than the target of the rest: each has a territory of its own, over the mean.
    giants: list[int] = field(default_factory=list)
    #: Units of components that got no territory of their own, with the label they joined.
    islands: list[tuple[IntArray, int]] = field(default_factory=list)
    #: Seed ``j`` ended in territory ``j`` (labels are permuted so); seeds whose unit could not be honoured.
    stopped: str = "balanced"
    rounds: int = 0
    moves: int = 0
    resplits: int = 0
    seconds: float = 0.0


@dataclass
class PartitionProblem:
    """What to partition. ``seed_points`` (S <= k rows) pull territories 0..S-1 towards them; ``seed_units`` (-1 =
    none) fixes a unit inside its seed's territory. ``initial`` (labels, -1 = unassigned) starts from a given
    assignment (``--from-current``): then the refinement only moves units while some territory is out of tolerance
    and stops as soon as all are within it."""

    graph: Graph
    weights: FloatArray
    points: FloatArray
    k: int
    tolerance: float = 0.05
    initial: IntArray | None = None
    seed_points: FloatArray | None = None
    seed_units: IntArray | None = None
    seconds: float = 3.0
    progress: Progress | None = None
    metis_seed: int = 7


def partition(problem: PartitionProblem) -> PartitionResult:
    """Run the builder engine (see the module docstring); raises :class:`PartitionCancelled` on cancel."""
    return _Engine(problem).run()


# --------------------------------------------------------------------------------------------------------------


def _apportion(shares: FloatArray, k: int, capacity: IntArray) -> IntArray:
    """Whole territories per component: components with a share below one get none (they become islands), the
    others their floor plus the largest remainders (never more than they have units)."""
    counts = np.zeros(len(shares), dtype=np.int64)
    eligible = shares >= 1.0
    if not eligible.any():
        eligible[int(np.argmax(shares))] = True
    counts[eligible] = np.minimum(np.floor(shares[eligible]).astype(np.int64), capacity[eligible])
    counts[eligible] = np.maximum(counts[eligible], 1)
    while counts.sum() > k:  # only when k is smaller than the number of eligible components
        big = np.flatnonzero(counts > 0)
        counts[big[np.argmin(shares[big])]] -= 1
    while counts.sum() < k:
        room = eligible & (counts < capacity)
        if not room.any():
            room = counts < capacity
            if not room.any():
                break
        remainder = np.where(room, shares - counts, -np.inf)
        counts[int(np.argmax(remainder))] += 1
    return counts


def metis_cut(graph: Graph, weights: IntArray, k: int, seed: int, targets: FloatArray | None = None) -> IntArray:
    """METIS k-way partition asking for contiguous parts (falls back to a plain cut if METIS refuses)."""
    if k <= 1 or graph.n <= 1:
        return np.zeros(graph.n, dtype=np.int64)
    import pymetis

    adjacency = pymetis.CSRAdjacency(graph.starts, graph.neighbours)
    tpwgts = None if targets is None else list(np.asarray(targets, dtype=float) / float(np.sum(targets)))
    for contiguous in (True, False):
        options = pymetis.Options(seed=seed, ufactor=5)
        if contiguous:
            options.contig = 1
        try:
            _, parts = pymetis.part_graph(k, adjacency, vweights=weights, tpwgts=tpwgts, options=options)
        except RuntimeError:
            continue
        return np.asarray(parts, dtype=np.int64)
    return np.zeros(graph.n, dtype=np.int64)


def metis_weights(weights: FloatArray) -> IntArray:
    total = float(weights.sum())
    if total <= 0:
        return np.ones(len(weights), dtype=np.int64)
    return np.maximum(1, np.rint(weights * (_METIS_TOTAL / total))).astype(np.int64)


class _Engine:
    def __init__(self, problem: PartitionProblem) -> None:
        self.p = problem
        self.graph = problem.graph
        self.n = problem.graph.n
        self.k = problem.k
        weights = np.asarray(problem.weights, dtype=np.float64)
        if weights.sum() <= 0:  # nothing to balance on: balance unit counts
            weights = np.ones(self.n)
        self.w = weights
        self.xy = np.asarray(problem.points, dtype=np.float64).reshape(self.n, 2)
        self.started = time.perf_counter()
        self.deadline = self.started + max(0.0, problem.seconds)
        self.nbrs: list[list[int]] = [
            problem.graph.neighbours[problem.graph.starts[i] : problem.graph.starts[i + 1]].tolist()
            for i in range(self.n)
        ]
        self.movable = np.ones(self.n, dtype=bool)
        self.result = PartitionResult(np.zeros(self.n, dtype=np.int64), np.zeros(self.k))
        #: Territories the refinement leaves alone: a giant unit's own, or (from the current assignment) one holding
        #: a giant unit.
        self.frozen = np.zeros(self.k, dtype=bool)

    # --- helpers -------------------------------------------------------------------------------------------
    def _tick(self, fraction: float, message: str) -> None:
        if self.p.progress is not None and self.p.progress(fraction, message):
            raise PartitionCancelled()

    def _totals(self, labels: IntArray) -> FloatArray:
        return np.bincount(labels, weights=self.w, minlength=self.k).astype(np.float64)

    # --- the whole run -------------------------------------------------------------------------------------
    def run(self) -> PartitionResult:
        self._tick(0.0, "First cut")
        self._find_giants()
        if self.p.initial is not None:
            labels = self._from_current(np.asarray(self.p.initial, dtype=np.int64).copy())
        elif self.p.seed_units is not None and (np.asarray(self.p.seed_units) >= 0).any():
            labels = self._grow_from_seeds()
        else:
            labels = self._first_cut()
        self.frozen[labels[np.asarray(self.result.giants, dtype=np.int64)]] = True
        labels = self._join_islands(labels)
        labels = self._repair(labels)
        if self.p.seed_points is not None and self.p.initial is None and self.p.seed_units is None:
            labels = self._match_seeds(labels)
        if self.p.seed_units is not None:
            for unit in np.asarray(self.p.seed_units):
                if unit >= 0:
                    self.movable[unit] = False
        self.movable &= ~self.frozen[labels]
        self._tick(0.2, "Balancing")
        labels = self._refine(labels)
        self.result.labels = labels
        self.result.seconds = time.perf_counter() - self.started
        return self.result

    def _find_giants(self) -> None:
        """Units heavier than the mean of what is left once the heavier ones have a territory each."""
        order = np.argsort(-self.w, kind="stable")
        total, k = float(self.w.sum()), self.k
        giants: list[int] = []
        for unit in order[: max(0, self.k - 1)]:
            rest = (total - sum(self.w[g] for g in giants)) / (k - len(giants))
            if self.w[unit] > rest * (1 + self.p.tolerance):
                giants.append(int(unit))
            else:
                break
        self.result.giants = giants

    def _targets(self, labels: IntArray) -> FloatArray:
        """Each territory's target: a frozen territory keeps what it has, the others share the rest equally."""
        totals = self._totals(labels)
        free = ~self.frozen
        rest = float(totals[free].sum()) / max(1, int(free.sum()))
        targets = np.where(self.frozen, totals, rest)
        return np.maximum(targets, 1e-12)

    # --- first cuts ----------------------------------------------------------------------------------------
    def _first_cut(self) -> IntArray:
        """METIS on each component that carries territories; giant units get a territory each (the last labels)."""
        labels = np.full(self.n, -1, dtype=np.int64)
        giants = np.asarray(self.result.giants, dtype=np.int64)
        k = self.k - len(giants)
        labels[giants] = np.arange(k, self.k)
        rest = np.flatnonzero(labels < 0)
        if k <= 0 or len(rest) == 0:
            return labels
        sub = self.graph.subgraph(rest)
        n_comp, comp = sub.components()
        weights = self.w[rest]
        total = float(weights.sum())
        comp_weight = np.bincount(comp, weights=weights, minlength=n_comp)
        capacity = np.bincount(comp, minlength=n_comp)
        counts = _apportion(comp_weight / total * k, k, capacity)
        next_label = 0
        for c in np.flatnonzero(counts > 0).tolist():
            local = np.flatnonzero(comp == c)
            kc = int(counts[c])
            parts = metis_cut(sub.subgraph(local), metis_weights(weights[local]), kc, self.p.metis_seed)
            labels[rest[local]] = parts + next_label
            next_label += kc
        return self._fill_empty(labels)

    def _fill_empty(self, labels: IntArray) -> IntArray:
        """Give any label METIS left empty one unit: the lightest unit on the border of the largest territory."""
        counts = np.bincount(labels[labels >= 0], minlength=self.k)
        for empty in np.flatnonzero(counts == 0):
            donor = int(np.argmax(np.bincount(labels[labels >= 0], minlength=self.k)))
            members = np.flatnonzero(labels == donor)
            if len(members) < 2:
                break
            unit = members[np.argmin(self.w[members])]
            labels[unit] = empty
        return labels

    def _grow_from_seeds(self) -> IntArray:
        """Balanced growth: territories with fixed units grow from them (the lightest grows next, by the unassigned
        neighbour nearest its seed); territories without a seed unit start at units far from every start."""
        seed_units = np.asarray(self.p.seed_units, dtype=np.int64)
        starts = [int(u) for u in seed_units if u >= 0]
        while len(starts) < self.k:
            d = np.min(np.linalg.norm(self.xy[:, None, :] - self.xy[starts][None, :, :], axis=2), axis=1)
            d[starts] = -1
            starts.append(int(np.argmax(d * np.sqrt(self.w + 1e-9))))
        labels = np.full(self.n, -1, dtype=np.int64)
        weight = np.zeros(self.k)
        frontier: list[list[tuple[float, int]]] = [[] for _ in range(self.k)]
        for label, unit in enumerate(starts):
            labels[unit] = label
            weight[label] += self.w[unit]
        for label, unit in enumerate(starts):
            for v in self.nbrs[unit]:
                heapq.heappush(frontier[label], (float(np.hypot(*(self.xy[v] - self.xy[unit]))), v))
        order = [(weight[t], t) for t in range(self.k)]
        heapq.heapify(order)
        while order:
            _, t = heapq.heappop(order)
            heap = frontier[t]
            while heap and labels[heap[0][1]] >= 0:
                heapq.heappop(heap)
            if not heap:
                continue  # this territory is enclosed; it stops growing
            _, unit = heapq.heappop(heap)
            labels[unit] = t
            weight[t] += self.w[unit]
            origin = self.xy[starts[t]]
            for v in self.nbrs[unit]:
                if labels[v] < 0:
                    heapq.heappush(heap, (float(np.hypot(*(self.xy[v] - origin))), v))
            heapq.heappush(order, (weight[t], t))
        return labels

    def _from_current(self, labels: IntArray) -> IntArray:
        """Start from the given labels: unassigned units join a labelled neighbour (the lightest), and while there
        are fewer labels than ``k`` the heaviest territory is cut in two."""
        labels = self._flood(labels)
        present = int(labels.max()) + 1 if (labels >= 0).any() else 0
        while present < self.k:
            totals = self._totals(np.where(labels >= 0, labels, 0))
            heavy = int(np.argmax(totals[:present]))
            nodes = np.flatnonzero(labels == heavy)
            if len(nodes) < 2:
                break
            parts = metis_cut(self.graph.subgraph(nodes), metis_weights(self.w[nodes]), 2, self.p.metis_seed)
            labels[nodes[parts == 1]] = present
            present += 1
        return labels

    def _flood(self, labels: IntArray) -> IntArray:
        totals = np.bincount(labels[labels >= 0], weights=self.w[labels >= 0], minlength=self.k)
        queue = deque(int(u) for u in np.flatnonzero(labels >= 0))
        while queue:
            u = queue.popleft()
            for v in self.nbrs[u]:
                if labels[v] < 0:
                    labels[v] = labels[u]
                    totals[labels[u]] += self.w[v]
                    queue.append(v)
        return labels

    def _join_islands(self, labels: IntArray) -> IntArray:
        """Units still unlabelled sit in components with no territory: each component joins the territory of the
        nearest labelled unit."""
        missing = labels < 0
        if not missing.any():
            return labels
        from scipy.spatial import cKDTree

        labelled = np.flatnonzero(~missing & ~self.frozen[np.maximum(labels, 0)])
        if len(labelled) == 0:
            labelled = np.flatnonzero(~missing)
        if len(labelled) == 0:
            labels[:] = 0
            return labels
        tree = cKDTree(self.xy[labelled])
        missing_nodes = np.flatnonzero(missing)
        _, comp = self.graph.subgraph(missing_nodes).components()
        for c in np.unique(comp).tolist():
            nodes = missing_nodes[comp == c]
            distance, index = tree.query(self.xy[nodes])
            label = int(labels[labelled[index[int(np.argmin(distance))]]])
            labels[nodes] = label
            self.result.islands.append((nodes, label))
        return labels

    def _repair(self, labels: IntArray, rounds: int = 60) -> IntArray:
        """Move every piece other than a territory's heaviest to the neighbouring territory sharing most borders;
        pieces with no neighbour in another territory (islands) stay."""
        for _ in range(rounds):
            src, dst = self.graph.edges()
            same = labels[src] == labels[dst]
            inner = Graph.from_pairs(self.n, np.column_stack([src[same], dst[same]]))
            _, piece = inner.components()
            piece_weight = np.bincount(piece, weights=self.w + 1e-9)
            owner = np.full(len(piece_weight), -1, dtype=np.int64)
            owner[piece] = labels
            main: dict[int, int] = {}
            for p in np.argsort(-piece_weight, kind="stable").tolist():
                main.setdefault(int(owner[p]), p)
            stray = np.ones(len(piece_weight), dtype=bool)
            stray[list(main.values())] = False
            cross = ~same & stray[piece[src]]
            if not cross.any():
                return labels
            # each stray piece goes to the neighbouring territory it shares most border edges with
            key, count = np.unique(piece[src[cross]] * self.k + labels[dst[cross]], return_counts=True)
            chosen: dict[int, tuple[int, int]] = {}
            for kk, cc in zip(key.tolist(), count.tolist(), strict=True):
                p, lab = divmod(kk, self.k)
                if p not in chosen or cc > chosen[p][1]:
                    chosen[p] = (lab, cc)
            new_label = owner.copy()
            for p, (lab, _) in chosen.items():
                if not self.frozen[lab]:
                    new_label[p] = lab
            labels = new_label[piece]
        return labels

    def _match_seeds(self, labels: IntArray) -> IntArray:
        """Permute labels so that territory j is the one nearest seed j (linear sum assignment on distance)."""
        from scipy.optimize import linear_sum_assignment

        seeds = np.asarray(self.p.seed_points, dtype=np.float64).reshape(-1, 2)
        counts = np.bincount(labels, minlength=self.k).astype(float)
        centres = np.column_stack(
            [np.bincount(labels, weights=self.xy[:, d], minlength=self.k) / np.maximum(counts, 1) for d in (0, 1)]
        )
        cost = np.linalg.norm(seeds[:, None, :] - centres[None, :, :], axis=2)
        rows, cols = linear_sum_assignment(cost)
        order = list(cols) + [t for t in range(self.k) if t not in set(cols.tolist())]
        mapping = np.empty(self.k, dtype=np.int64)
        mapping[np.asarray(order)] = np.arange(self.k)
        del rows
        return mapping[labels]

    # --- refinement ----------------------------------------------------------------------------------------
    def _stays_connected(self, labels: IntArray, u: int, budget: int = 4000) -> bool:
        """True when the neighbours of ``u`` in its territory remain connected to each other without ``u``."""
        own = labels[u]
        inside = [v for v in self.nbrs[u] if labels[v] == own]
        if len(inside) <= 1:
            return True
        wanted = set(inside[1:])
        seen = {u, inside[0]}
        queue = deque([inside[0]])
        while queue and len(seen) < budget:
            x = queue.popleft()
            for v in self.nbrs[x]:
                if v not in seen and labels[v] == own:
                    if v in wanted:
                        wanted.discard(v)
                        if not wanted:
                            return True
                    seen.add(v)
                    queue.append(v)
        return False

    def _refine(self, labels: IntArray) -> IntArray:
        tol = self.p.tolerance
        minimal = self.p.initial is not None
        goal = tol if minimal else tol / 2
        targets = self._targets(labels)
        self.result.targets = targets
        totals = self._totals(labels)
        counts = np.bincount(labels, minlength=self.k)
        src, dst = self.graph.edges()
        w = self.w
        labels = self._flow_phase(labels, totals, counts, targets, goal)
        phase_strict = minimal
        tried_pairs: set[tuple[int, int]] = set()
        cap = max(64, 4 * self.k)
        while True:
            dev = totals / targets - 1
            worst = float(np.max(np.abs(dev)))
            if worst <= goal:
                self.result.stopped = "balanced"
                break
            now = time.perf_counter()
            if now > self.deadline:
                self.result.stopped = "time"
                break
            if self.result.rounds % 10 == 0:
                spent = (now - self.started) / max(1e-9, self.deadline - self.started)
                self._tick(0.2 + 0.8 * min(1.0, spent), f"Balancing: furthest territory {worst:+.1%} off")
            self.result.rounds += 1
            a, b = labels[src], labels[dst]
            cand = (a != b) & self.movable[src] & ~self.frozen[b] & (dev[a] > dev[b])
            if phase_strict:
                cand &= (dev[a] > tol) | (dev[b] < -tol)
            es, ea, eb = src[cand], a[cand], b[cand]
            wu = w[es]
            ta, tb = targets[ea], targets[eb]
            before = ((totals[ea] - ta) / ta) ** 2 + ((totals[eb] - tb) / tb) ** 2
            after = ((totals[ea] - wu - ta) / ta) ** 2 + ((totals[eb] + wu - tb) / tb) ** 2
            gain = before - after
            good = gain > 1e-15
            es, ea, eb, gain = es[good], ea[good], eb[good], gain[good]
            moved = 0
            if len(es):
                centres = self._centres(labels, counts)
                da = np.sum((self.xy[es] - centres[ea]) ** 2, axis=1)
                db = np.sum((self.xy[es] - centres[eb]) ** 2, axis=1)
                score = gain * (da + 1.0) / (db + 1.0)
                order = np.argsort(-score, kind="stable")
                seen_units: set[int] = set()
                for idx in order[: cap * 4].tolist():
                    u, ta_, tb_ = int(es[idx]), int(ea[idx]), int(eb[idx])
                    if u in seen_units or labels[u] != ta_ or counts[ta_] <= 1:
                        continue
                    seen_units.add(u)
                    wa, wb, tga, tgb = totals[ta_], totals[tb_], targets[ta_], targets[tb_]
                    g = ((wa - tga) / tga) ** 2 + ((wb - tgb) / tgb) ** 2
                    g -= ((wa - w[u] - tga) / tga) ** 2 + ((wb + w[u] - tgb) / tgb) ** 2
                    if g <= 1e-15:
                        continue
                    if phase_strict and not (wa / tga - 1 > tol or wb / tgb - 1 < -tol):
                        continue
                    if not self._stays_connected(labels, u):
                        continue
                    labels[u] = tb_
                    totals[ta_] -= w[u]
                    totals[tb_] += w[u]
                    counts[ta_] -= 1
                    counts[tb_] += 1
                    moved += 1
                    if moved >= cap:
                        break
            self.result.moves += moved
            if moved:
                continue
            if phase_strict:
                phase_strict = False
                continue
            if not minimal and self._resplit(labels, totals, counts, targets, tried_pairs):
                continue
            self.result.stopped = "stuck"
            break
        return labels

    def _flows(
        self, labels: IntArray, totals: FloatArray, targets: FloatArray, band: float
    ) -> dict[tuple[int, int], float]:
        """The least total weight to move between neighbouring territories so each lands within ``band`` of its
        target (a linear programme; unreachable bands are allowed at a high price per unit of shortfall)."""
        from scipy.optimize import linprog
        from scipy.sparse import coo_matrix

        src, dst = self.graph.edges()
        a, b = labels[src], labels[dst]
        cross = (a != b) & self.movable[src] & ~self.frozen[b]
        pairs = np.unique(np.column_stack([a[cross], b[cross]]), axis=0)
        if len(pairs) == 0:
            return {}
        k, m = self.k, len(pairs)
        scale = float(np.mean(targets[~self.frozen])) if (~self.frozen).any() else 1.0
        lo = targets * (1 - band) / scale
        hi = targets * (1 + band) / scale
        t = totals / scale
        # variables: flows (m), shortfall below lo (k), excess above hi (k); net = t - out + in
        rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
        cols = np.concatenate([np.arange(m), np.arange(m)])
        vals = np.concatenate([-np.ones(m), np.ones(m)])
        net = coo_matrix((vals, (rows, cols)), shape=(k, m)).tocsr()
        eye = coo_matrix((np.ones(k), (np.arange(k), np.arange(k))), shape=(k, k)).tocsr()
        zero = coo_matrix((k, k)).tocsr()
        from scipy.sparse import hstack, vstack

        # net - excess <= hi - t ;  -(net + shortfall) <= t - lo
        a_ub = vstack([hstack([net, zero, -eye]), hstack([-net, -eye, zero])]).tocsr()
        b_ub = np.concatenate([hi - t, t - lo])
        cost = np.concatenate([np.ones(m), np.full(2 * k, 1000.0)])
        frozen = np.flatnonzero(self.frozen)
        bounds = [(0, None)] * (m + 2 * k)
        for f in frozen.tolist():
            bounds[m + f] = (0, None)
        solution = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if solution.status != 0 or solution.x is None:
            return {}
        flows = solution.x[:m] * scale
        return {(int(p[0]), int(p[1])): float(f) for p, f in zip(pairs, flows, strict=True) if f > 1e-9 * scale}

    def _flow_phase(
        self, labels: IntArray, totals: FloatArray, counts: IntArray, targets: FloatArray, goal: float
    ) -> IntArray:
        """Move units along the flows of :meth:`_flows` round after round; keep the best state seen."""
        minimal = self.p.initial is not None
        band = goal * (0.8 if minimal else 0.5)
        w = self.w

        def quality(tot: FloatArray) -> tuple[float, float]:
            dev = tot / targets - 1
            return float(np.max(np.abs(dev))), float(np.sum(dev**2))

        best = (quality(totals), labels.copy(), totals.copy(), counts.copy())
        stale = 0
        while stale < 6 and time.perf_counter() < self.deadline:
            if quality(totals)[0] <= goal:
                break
            flows = self._flows(labels, totals, targets, band)
            if not flows:
                break
            self.result.rounds += 1
            moved = 0
            centres = self._centres(labels, counts)
            for (ta, tb), amount in sorted(flows.items(), key=lambda item: -item[1]):
                members = np.flatnonzero(labels == ta)
                border = [u for u in members.tolist() if self.movable[u] and any(labels[v] == tb for v in self.nbrs[u])]
                if not border:
                    continue
                bu = np.asarray(border)
                da = np.sum((self.xy[bu] - centres[ta]) ** 2, axis=1)
                db = np.sum((self.xy[bu] - centres[tb]) ** 2, axis=1)
                remaining = amount
                for u in bu[np.argsort(db - da, kind="stable")].tolist():
                    if remaining <= 0:
                        break
                    if w[u] > 2 * remaining or counts[ta] <= 1 or labels[u] != ta:
                        continue
                    if not self._stays_connected(labels, u):
                        continue
                    labels[u] = tb
                    totals[ta] -= w[u]
                    totals[tb] += w[u]
                    counts[ta] -= 1
                    counts[tb] += 1
                    remaining -= w[u]
                    moved += 1
            self.result.moves += moved
            now = quality(totals)
            if now < best[0]:
                best = (now, labels.copy(), totals.copy(), counts.copy())
                stale = 0
            else:
                stale += 1
            if not moved:
                break
            if self.result.rounds % 5 == 0:
                self._tick(
                    0.2 + 0.6 * min(1.0, (time.perf_counter() - self.started) / max(1e-9, self.p.seconds)),
                    f"Balancing: furthest territory {now[0]:.1%} off",
                )
        _, best_labels, best_totals, best_counts = best
        totals[:] = best_totals
        counts[:] = best_counts
        return best_labels

    def _centres(self, labels: IntArray, counts: IntArray) -> FloatArray:
        safe = np.maximum(counts, 1).astype(float)
        centres = np.column_stack([np.bincount(labels, weights=self.xy[:, d], minlength=self.k) / safe for d in (0, 1)])
        if self.p.seed_points is not None:
            seeds = np.asarray(self.p.seed_points, dtype=np.float64).reshape(-1, 2)
            centres[: len(seeds)] = seeds
        return centres

    def _resplit(
        self,
        labels: IntArray,
        totals: FloatArray,
        counts: IntArray,
        targets: FloatArray,
        tried: set[tuple[int, int]],
    ) -> bool:
        """Merge the worst territory with a neighbour and cut the pair again in two, keeping the better cut."""
        dev = totals / targets - 1
        src, dst = self.graph.edges()
        a, b = labels[src], labels[dst]
        for worst in np.argsort(-np.abs(dev)).tolist():
            if abs(dev[worst]) <= self.p.tolerance / 2:
                return False
            if self.frozen[worst]:
                continue
            partners = np.unique(b[(a == worst) & (b != worst)])
            partners = partners[~self.frozen[partners]]
            if len(partners) == 0:
                continue
            # the partner that most offsets the worst territory's deviation first
            for partner in partners[np.argsort(dev[partners] * np.sign(dev[worst]))].tolist():
                pair = (min(worst, partner), max(worst, partner))
                if pair in tried:
                    continue
                tried.add(pair)
                if time.perf_counter() > self.deadline:
                    return False
                nodes = np.flatnonzero((labels == worst) | (labels == partner))
                if not self.movable[nodes].all():
                    continue
                sub = self.graph.subgraph(nodes)
                if sub.components()[0] != 1:
                    continue
                pair_targets = np.array([targets[worst], targets[partner]])
                parts = metis_cut(sub, metis_weights(self.w[nodes]), 2, self.p.metis_seed, pair_targets)
                if len(np.unique(parts)) != 2 or pieces_per_label(sub, parts, 2).max() != 1:
                    continue
                new = np.bincount(parts, weights=self.w[nodes], minlength=2)
                # orient the cut so each part stays with the territory it overlaps most
                keep = np.sum((parts == 0) & (labels[nodes] == worst)) + np.sum(
                    (parts == 1) & (labels[nodes] == partner)
                )
                flip = keep < len(nodes) / 2
                first, second = (partner, worst) if flip else (worst, partner)
                new_dev = max(abs(new[0] / targets[first] - 1), abs(new[1] / targets[second] - 1))
                if new_dev >= max(abs(dev[worst]), abs(dev[partner])) - 1e-9:
                    continue
                labels[nodes[parts == 0]] = first
                labels[nodes[parts == 1]] = second
                totals[first], totals[second] = new[0], new[1]
                counts[first] = int(np.sum(parts == 0))
                counts[second] = int(np.sum(parts == 1))
                self.result.resplits += 1
                tried.clear()
                return True
        return False


__all__ = [
    "Graph",
    "PartitionCancelled",
    "PartitionProblem",
    "PartitionResult",
    "metis_cut",
    "partition",
    "pieces_per_label",
]
