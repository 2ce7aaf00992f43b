"""Parent levels of a layer's units: a ZIP code's county and state, a county's state.

A fine layer names each unit's parents in text columns (``county_fips``, ``state_fips``: which columns, and what
they mean, is the map catalogue's knowledge, ``geo/catalogue.py`` ``parents_in``). :class:`UnitParents` turns those
columns into integer codes once per layer, so that "the units touched by a stroke" becomes "every unit of the
counties they are in" with numpy indexing (no per-unit Python), for the app's paint, lasso and select tools and for
an assignments sheet that names counties or states. A unit whose parent cell is empty has no parent at that level:
it stands for itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from .errors import UnknownName

#: The level of the units themselves (no parent): what a stroke takes when no coarser level is chosen.
UNIT_LEVEL = "unit"


class ParentColumn(Protocol):
    """A parent level as the catalogue describes it (``geo.catalogue.ParentInfo`` is one)."""

    @property
    def level(self) -> str: ...

    @property
    def column(self) -> str: ...


@dataclass(frozen=True)
class ParentCodes:
    """One parent level of a layer: each unit's parent as an integer code into :attr:`ids`."""

    level: str
    column: str
    codes: np.ndarray
    """Per unit position: the index of its parent in :attr:`ids`, or -1 when the unit names none."""
    ids: np.ndarray
    """The distinct parent ids (text, e.g. county FIPS codes), in order of first appearance."""
    sizes: np.ndarray
    """Per parent: how many units of the layer it holds."""

    def code_of(self, parent_id: str) -> int:
        """The code of a parent id, or -1 when no unit of the layer names it."""
        hits = np.flatnonzero(self.ids == parent_id)
        return int(hits[0]) if len(hits) else -1


class UnitParents:
    """The parent levels of one layer, finest first, with their codes computed once.

    ``units`` is the layer's unit table (``Layer.units``); ``levels`` the parent columns it holds, finest first
    (``geo.catalogue.parents_in(layer.units.columns)``). Columns that are not in the table are skipped.
    """

    def __init__(self, units: pd.DataFrame, levels: Iterable[ParentColumn]) -> None:
        self.n = len(units)
        self._levels: dict[str, ParentCodes] = {}
        for parent in levels:
            if parent.column not in units.columns:
                continue
            text = units[parent.column].astype(object).where(units[parent.column].notna(), "").astype(str).str.strip()
            codes, ids = pd.factorize(text.to_numpy(dtype=object))
            codes = codes.astype(np.int64)
            ids = np.asarray(ids, dtype=object)
            blank = np.flatnonzero(ids == "")
            if len(blank):  # an empty cell names no parent
                b = int(blank[0])
                codes[codes == b] = -1
                codes[codes > b] -= 1
                ids = np.delete(ids, b)
            sizes = np.bincount(codes[codes >= 0], minlength=len(ids)).astype(np.int64)
            self._levels[parent.level] = ParentCodes(parent.level, parent.column, codes, ids, sizes)

    @property
    def levels(self) -> tuple[str, ...]:
        """The parent levels present, finest first (empty for a layer without parents)."""
        return tuple(self._levels)

    def __bool__(self) -> bool:
        return bool(self._levels)

    def level(self, name: str) -> ParentCodes:
        """The codes of one level (``county``, ``state``); an unknown level raises :class:`UnknownName`."""
        try:
            return self._levels[name]
        except KeyError:
            known = ", ".join(self._levels) or "none"
            raise UnknownName(f"This layer's units have no '{name}' level (levels: {known}).") from None

    def expand(self, positions: Sequence[int] | np.ndarray, level: str) -> np.ndarray:
        """Every unit (sorted positions) of the parents at ``level`` that the given unit positions belong to.

        ``level`` :data:`UNIT_LEVEL` returns the positions themselves (sorted, distinct); a unit without a parent at
        that level is kept as itself.
        """
        pos = np.unique(np.asarray(positions, dtype=np.int64))
        if level == UNIT_LEVEL or not len(pos):
            return pos
        parent = self.level(level)
        codes = parent.codes[pos]
        touched = np.zeros(len(parent.ids) + 1, dtype=bool)  # the last slot is code -1: no parent
        touched[codes[codes >= 0]] = True
        members = np.flatnonzero(touched[parent.codes])
        orphans = pos[codes < 0]
        return np.union1d(members, orphans) if len(orphans) else members

    def units_of(self, level: str, parent_ids: Iterable[str]) -> np.ndarray:
        """Sorted positions of every unit of the named parents; an id no unit names raises :class:`UnknownName`."""
        parent = self.level(level)
        wanted = [str(p).strip() for p in parent_ids]
        index = pd.Index(parent.ids)
        found = index.get_indexer(wanted)
        if (found < 0).any():
            missing = [w for w, f in zip(wanted, found, strict=True) if f < 0][:5]
            raise UnknownName(f"No unit of this layer is in {level} {', '.join(missing)}.")
        touched = np.zeros(len(parent.ids) + 1, dtype=bool)
        touched[found] = True
        return np.flatnonzero(touched[parent.codes])

    def parents_of(self, level: str, positions: Sequence[int] | np.ndarray) -> list[str]:
        """The distinct parent ids at ``level`` of the given unit positions, in code order (units without one are
        left out)."""
        parent = self.level(level)
        codes = np.unique(parent.codes[np.asarray(positions, dtype=np.int64)])
        return [str(parent.ids[c]) for c in codes if c >= 0]

    def breakdown(self, level: str, positions: Sequence[int] | np.ndarray, values: np.ndarray | None) -> pd.DataFrame:
        """The given units (a territory's) grouped by their parent at ``level``, largest value first.

        Columns: ``parent`` (id; "" for units without one), ``units`` (how many of the given units), ``of_units``
        (how many units the parent holds in the whole layer), ``value`` (the sum of ``values`` over the given units
        of that parent; 0 without values) and ``share`` (of the given units' total value, 0..1; by unit count when
        the values sum to 0).
        """
        parent = self.level(level)
        pos = np.asarray(positions, dtype=np.int64)
        n = len(parent.ids)
        slots = np.where(parent.codes[pos] >= 0, parent.codes[pos], n)  # slot n: units without a parent
        counts = np.bincount(slots, minlength=n + 1)
        vals = np.zeros(len(pos)) if values is None else np.nan_to_num(np.asarray(values, dtype=float)[pos])
        sums = np.bincount(slots, weights=vals, minlength=n + 1)
        used = np.flatnonzero(counts)
        total = float(sums[used].sum())
        basis = sums[used] / total if total > 0 else counts[used] / max(1, len(pos))
        ids = np.append(parent.ids, "")
        sizes = np.append(parent.sizes, counts[n])
        frame = pd.DataFrame(
            {
                "parent": [str(ids[i]) for i in used],
                "units": counts[used].astype(np.int64),
                "of_units": sizes[used].astype(np.int64),
                "value": sums[used],
                "share": basis,
            }
        )
        return frame.sort_values(["value", "units", "parent"], ascending=[False, False, True], ignore_index=True)


__all__ = ["UNIT_LEVEL", "ParentCodes", "ParentColumn", "UnitParents"]
