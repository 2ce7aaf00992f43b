"""Connected components of a graph given as edge arrays, in numpy alone (territory pieces, label anchors).

SciPy's ``connected_components`` gives the same answer, but importing ``scipy.sparse`` costs a third of a second,
which the app paid while opening its first plan. Here roots hook onto the smallest root they touch and every
pointer then jumps to its root, repeated until no edge joins two roots: a few rounds of whole-array operations.
"""

from __future__ import annotations

import numpy as np


def component_labels(n: int, a: np.ndarray, b: np.ndarray) -> tuple[int, np.ndarray]:
    """The number of connected components of nodes ``0..n-1`` joined by edges ``a[i]–b[i]``, and each node's
    component (numbered ``0..k-1`` in the order of each component's smallest node). Edge direction, repeats and
    self-loops do not matter."""
    parent = np.arange(n, dtype=np.int64)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while len(a):
        ra, rb = parent[a], parent[b]
        apart = ra != rb
        if not apart.any():
            break
        a, b, ra, rb = a[apart], b[apart], ra[apart], rb[apart]  # edges inside one tree never matter again
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))  # every root hooks onto a smaller one
        while True:  # and every node points at its root again
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
    roots, labels = np.unique(parent, return_inverse=True)
    return len(roots), labels.astype(np.int64).reshape(-1)


__all__ = ["component_labels"]
