"""A seller's home base: where they work from, written as a US ZIP code ("02134"), a city and state ("Austin, TX")
or a latitude and longitude ("30.27,-97.74").

This module only reads the text (one definition of what a home base may look like, for the sellers sheet, the
Sellers panel and the plan file). Placing it on the map needs the bundled ZIP index and the layer's geometry:
``services/homes.py`` does that.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from .errors import PlanError
from .text import control_characters, printable

HomeKind = Literal["zip", "city", "point"]

#: The longest home base text kept (a city name with its state fits easily).
MAX_HOME_LENGTH = 80

_ZIP = re.compile(r"^(\d{3,5})(?:-\d{4})?$")
_CITY = re.compile(r"^([^,]*[^\s,][^,]*),\s*([A-Za-z]{2})$")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_POINT = re.compile(rf"^({_NUMBER})\s*[,;\s]\s*({_NUMBER})$")

HOME_HELP = "write a US ZIP code (02134), a city and state (Austin, TX) or latitude,longitude (30.27,-97.74)"


@dataclass(frozen=True)
class HomeBase:
    """A home base as read: ``text`` is its tidy form (the ZIP with its leading zeros, "Austin, TX", "30.27,-97.74"),
    the one the plan stores."""

    kind: HomeKind
    text: str
    zip_code: str | None = None
    city: str | None = None
    state: str | None = None
    lat: float | None = None
    lon: float | None = None


def parse_home(text: str, whose: str = "") -> HomeBase:
    """The home base written in ``text``; raises :class:`PlanError` naming ``whose`` ("of seller 'Ana'") and the
    forms accepted. A ZIP code a spreadsheet shortened (2134) gets its leading zero back; ZIP+4 keeps its ZIP."""
    raw = " ".join(str(text).split())
    where = f" of {whose}" if whose else ""
    if bad := control_characters(raw):
        raise PlanError(
            f"The home base{where} '{printable(raw)}' holds control characters ({', '.join(bad)}); {HOME_HELP}."
        )
    if not raw:
        raise PlanError(f"The home base{where} is empty; {HOME_HELP}, or leave it out.")
    if len(raw) > MAX_HOME_LENGTH:
        raise PlanError(f"The home base{where} is {len(raw)} characters long; {HOME_HELP}.")
    if m := _ZIP.match(raw):
        return HomeBase("zip", m.group(1).zfill(5), zip_code=m.group(1).zfill(5))
    if m := _POINT.match(raw):
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise PlanError(
                f"The home base{where} '{raw}' is not a place on Earth: latitude comes first (-90 to 90), "
                "then longitude (-180 to 180), e.g. 30.27,-97.74."
            )
        return HomeBase("point", f"{_short(lat)},{_short(lon)}", lat=lat, lon=lon)
    if m := _CITY.match(raw):
        city, state = m.group(1).strip(), m.group(2).upper()
        return HomeBase("city", f"{city}, {state}", city=city, state=state)
    raise PlanError(f"The home base{where} '{raw}' is not a place this app can find; {HOME_HELP}.")


def _short(value: float) -> str:
    """A coordinate to 5 decimals (about a metre), without trailing zeros."""
    return f"{value:.5f}".rstrip("0").rstrip(".")
