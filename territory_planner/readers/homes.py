"""Where a seller's home base is: a ZIP code, "City, ST" or "lat,lon" (``domain/homes.py`` reads the text) as a
longitude and latitude, found offline in the bundled ZIP index. The sellers sheet and the Sellers panel refuse a
home base this cannot place (``check_home``), naming the seller and the forms accepted."""

from __future__ import annotations

import numpy as np

from ..domain import PlanError
from ..domain.homes import HOME_HELP, HomeBase, parse_home
from .zipcodes_index import city_key, zip_centroids


def home_location(home: HomeBase) -> tuple[float, float] | None:
    """(longitude, latitude) of a home base; None when the bundled ZIP index does not know the ZIP code or city
    (or knows the ZIP code without a location: military APO/FPO codes)."""
    if home.kind == "point":
        assert home.lon is not None and home.lat is not None
        return home.lon, home.lat
    zips = zip_centroids()
    if home.kind == "zip":
        assert home.zip_code is not None
        row = int(zips.rows(np.array([int(home.zip_code)]))[0])
        if row < 0 or not (np.isfinite(zips.lon[row]) and np.isfinite(zips.lat[row])):
            return None
        return float(zips.lon[row]), float(zips.lat[row])
    assert home.city is not None and home.state is not None
    return zips.city_points.get((home.state, city_key(home.city)))


def check_home(text: str, whose: str = "") -> str:
    """The tidy form of a home base that can be placed; raises :class:`PlanError` (naming ``whose``) for text
    that is not a home base, or a ZIP code or city the bundled index does not know."""
    home = parse_home(text, whose)
    if home_location(home) is None:
        where = f" of {whose}" if whose else ""
        what = f"ZIP code {home.zip_code}" if home.kind == "zip" else f"the city {home.text}"
        raise PlanError(f"The home base{where} is {what}, which the bundled US ZIP list does not place; {HOME_HELP}.")
    return home.text
