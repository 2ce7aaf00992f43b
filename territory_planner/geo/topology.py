"""Shared-edge topology of a layer: its polygon rings as flat coordinate buffers, and across every ring segment the unit
on the other side, so that borders can be drawn as only the edges facing another territory.

Plain numpy/shapely, no Qt: render/geometry.py turns the rings and border runs into painter paths. Shared edges are
matched by their vertices, which a valid coverage guarantees (docs/ARCHITECTURE.md, coverage repair).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass
class Rings:
    """Every polygon ring of a layer, ring by ring and grouped by unit, in one coordinate buffer."""

    coords: np.ndarray  # (m, 2) coordinates, grouped by unit, ring by ring
    ring_offsets: np.ndarray  # (r + 1,) into coords
    ring_unit: np.ndarray  # (r,) unit position of each ring
    unit_ring_offsets: np.ndarray  # (n + 1,) into rings


def rings_of(geoms: np.ndarray) -> Rings:
    """The rings of an array of (multi)polygons; points and lines of geometry collections are left out."""
    n = len(geoms)
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == 3  # polygons only (drop stray points/lines of collections)
    parts, part_owner = parts[keep], part_owner[keep]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    ring_unit = part_owner[ring_part]
    ring_sizes = np.bincount(coord_ring, minlength=len(rings))
    ring_offsets = np.zeros(len(rings) + 1, dtype=np.int64)
    np.cumsum(ring_sizes, out=ring_offsets[1:])
    unit_ring_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ring_unit, minlength=n), out=unit_ring_offsets[1:])
    return Rings(coords, ring_offsets, ring_unit.astype(np.int64), unit_ring_offsets)


@dataclass
class SharedEdges:
    """For every ring segment, its unit and the unit across it (-1 on the layer's outer edge), plus the neighbour graph.

    Segment ``s`` runs from ``coords[seg_coord[s]]`` to the next vertex of its ring; segments are grouped by unit
    (``unit_seg_offsets``). ``neighbor_pairs`` lists each ordered pair of units sharing an edge once; ``nb_offsets``
    and ``nb_index`` hold the same graph in CSR form.
    """

    seg_coord: np.ndarray
    seg_unit: np.ndarray
    seg_nb: np.ndarray
    unit_seg_offsets: np.ndarray
    neighbor_pairs: np.ndarray
    nb_offsets: np.ndarray
    nb_index: np.ndarray


def shared_edges(rings: Rings, n: int, origin: tuple[float, float], span: float) -> SharedEdges:
    """The shared-edge topology of ``n`` units' rings; ``origin`` and ``span`` are the layer's corner and extent.

    Vertices are matched on a grid of ``span * 1e-9`` so that projection round-off does not split shared edges.
    """
    coords = rings.coords
    m = len(coords)
    coord_ring = np.repeat(np.arange(len(rings.ring_unit)), np.diff(rings.ring_offsets))
    coord_unit = rings.ring_unit[coord_ring] if m else np.zeros(0, dtype=np.int64)
    is_last = np.zeros(m, dtype=bool)
    if m:
        is_last[rings.ring_offsets[1:] - 1] = True
    seg_coord = np.flatnonzero(~is_last)
    seg_unit = coord_unit[seg_coord]
    unit_seg_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(seg_unit, minlength=n), out=unit_seg_offsets[1:])
    seg_nb = np.full(len(seg_coord), -1, dtype=np.int64)
    if len(seg_coord):
        quantum = span * 1e-9
        ix = np.rint((coords[:, 0] - origin[0]) / quantum).astype(np.int64)
        iy = np.rint((coords[:, 1] - origin[1]) / quantum).astype(np.int64)
        _, point_id = np.unique(ix * (1 << 31) + iy, return_inverse=True)
        point_id = point_id.ravel().astype(np.int64)
        a = point_id[seg_coord]
        b = point_id[seg_coord + 1]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        key = lo * (int(point_id.max()) + 1) + hi
        key[lo == hi] = -1 - np.arange(int((lo == hi).sum()))  # degenerate segments match nothing
        order = np.argsort(key)
        sorted_key = key[order]
        same = np.flatnonzero(sorted_key[1:] == sorted_key[:-1])
        first, second = order[same], order[same + 1]
        differ = seg_unit[first] != seg_unit[second]
        first, second = first[differ], second[differ]
        seg_nb[first] = seg_unit[second]
        seg_nb[second] = seg_unit[first]
    has_nb = seg_nb >= 0
    pair_key = np.unique(seg_unit[has_nb] * max(n, 1) + seg_nb[has_nb])
    pairs = np.column_stack([pair_key // max(n, 1), pair_key % max(n, 1)]).astype(np.int64)
    nb_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(pairs[:, 0], minlength=n), out=nb_offsets[1:])
    return SharedEdges(seg_coord, seg_unit, seg_nb, unit_seg_offsets, pairs, nb_offsets, pairs[:, 1].copy())


def ranges(offsets: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(offsets[p], offsets[p + 1])`` for every p in ``positions``."""
    starts = offsets[positions]
    lengths = offsets[positions + 1] - starts
    heads = np.zeros(len(positions), dtype=np.int64)
    if len(positions) > 1:
        np.cumsum(lengths[:-1], out=heads[1:])
    return np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - heads, lengths)


def neighbors(edges: SharedEdges, positions: np.ndarray) -> np.ndarray:
    """Positions of the units sharing an edge with any of ``positions`` (may repeat)."""
    positions = np.asarray(positions, dtype=np.int64)
    return edges.nb_index[ranges(edges.nb_offsets, positions)]


def border_runs(edges: SharedEdges, positions: np.ndarray, keys: np.ndarray) -> list[tuple[int, int, int]]:
    """The border of each unit of ``positions`` as runs ``(unit, first, stop)`` of the ring coordinates
    ``coords[first:stop]``: its edges facing a unit of a different key, and the layer's outer edge.

    ``keys`` holds one integer per unit (e.g. territory codes, -1 = none); a unit with a negative key has no border.
    """
    positions = np.asarray(positions, dtype=np.int64)
    if not len(positions):
        return []
    segs = ranges(edges.unit_seg_offsets, positions)
    owner = edges.seg_unit[segs]
    nb = edges.seg_nb[segs]
    own_key = keys[owner]
    nb_key = np.where(nb >= 0, keys[np.maximum(nb, 0)], -2)
    sel = segs[(own_key >= 0) & (nb_key != own_key)]
    if not len(sel):
        return []
    sel_coord = edges.seg_coord[sel]
    cont = np.zeros(len(sel), dtype=bool)
    cont[1:] = (sel[1:] == sel[:-1] + 1) & (sel_coord[1:] == sel_coord[:-1] + 1)
    run_start = np.flatnonzero(~cont)
    run_end = np.r_[run_start[1:], len(sel)] - 1
    starts = sel_coord[run_start].tolist()
    stops = (sel_coord[run_end] + 2).tolist()
    owners = edges.seg_unit[sel][run_start].tolist()
    return list(zip(owners, starts, stops, strict=True))


__all__ = ["Rings", "SharedEdges", "border_runs", "neighbors", "ranges", "rings_of", "shared_edges"]
