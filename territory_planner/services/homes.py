"""Sellers' home bases on the map: a ZIP code, "City, ST" or "lat,lon" (see ``domain/homes.py``) placed in the
unit of the plan's layer that holds it (``readers/homes.py`` finds the point offline with the bundled ZIP index).

Used by the Sellers panel, the map's markers, the exports and the territory builder's seeds.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

import numpy as np

from ..domain import Layer, PlanError, Seller
from ..domain.homes import parse_home
from ..readers.homes import check_home, home_location
from .accounts import is_zip_layer

__all__ = ["HomePlacer", "check_home", "home_location", "placer_for"]


class HomePlacer:
    """Home bases → unit ids of one layer, each text placed once (a ZIP layer's ZIP code is its own unit)."""

    def __init__(self, layer: Layer) -> None:
        from ..geo.points import UnitLocator

        self.layer = layer
        self._locator: UnitLocator | None = None
        self._done: dict[str, str | None] = {}
        self.zip_layer = is_zip_layer(layer)

    def unit_of(self, text: str | None) -> str | None:
        """The id of the unit holding the home base, or None (no home base, not placeable, off the map)."""
        if not text:
            return None
        if text not in self._done:
            self._done[text] = self._place(text)
        return self._done[text]

    def units_of(self, sellers: Iterable[Seller]) -> dict[str, str]:
        """Seller name → home unit id, for the sellers whose home base is on this layer."""
        out: dict[str, str] = {}
        for seller in sellers:
            unit = self.unit_of(seller.home)
            if unit is not None:
                out[seller.name] = unit
        return out

    def _place(self, text: str) -> str | None:
        try:
            home = parse_home(text)
        except PlanError:
            return None
        ids = self.layer.unit_ids
        if home.kind == "zip" and self.zip_layer and home.zip_code in ids:
            return str(home.zip_code)
        point = home_location(home)
        if point is None:
            return None
        if self._locator is None:
            from ..geo.points import UnitLocator

            self._locator = UnitLocator(self.layer)
        found, _ = self._locator.place(np.array([point[0]]), np.array([point[1]]))
        return str(ids[int(found[0])]) if found[0] >= 0 else None


_PLACERS: dict[int, HomePlacer] = {}  # by id(layer); a layer compares by value, so it cannot be a dict key itself


def placer_for(layer: Layer) -> HomePlacer:
    """The one :class:`HomePlacer` of a layer (kept while the layer lives, so each home base is placed once)."""
    key = id(layer)
    placer = _PLACERS.get(key)
    if placer is None or placer.layer is not layer:
        placer = _PLACERS[key] = HomePlacer(layer)
        weakref.finalize(layer, _PLACERS.pop, key, None)
    return placer
