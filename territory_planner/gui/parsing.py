"""Read what people type into cells: ``$180``, ``2.4M``, ``240k``, ``2,600``, ``25 %``, ``2027-04``.

Parsing only turns text into a number; whether the number is acceptable is the domain's business
(``validate_value``, the model's checks), so the messages people see come from one place.
"""

from __future__ import annotations

import re

from ..domain import PlanError
from ..domain.formatting import currency_symbol, percent

_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9}
_NUMBER_RE = re.compile(r"^([-+]?\d*\.?\d+(?:e[-+]?\d+)?)\s*([kmb])?$", re.IGNORECASE)

PERCENT_KINDS = ("rate", "share", "tolerance")


def parse_number(text: str, what: str = "This value") -> float:
    """A number with optional currency sign, thousands separators and k/M/B suffix. ``25 %`` gives 0.25."""
    raw = str(text).strip()
    cleaned = raw.replace(",", "").replace("_", "").replace(" ", "").replace("\u202f", "")
    for symbol in ("$", "€", "£", "¥", "C$", "A$", "CHF", "₹"):
        cleaned = cleaned.replace(symbol, "")
    is_percent = cleaned.endswith("%")
    if is_percent:
        cleaned = cleaned[:-1]
    if cleaned.lower().endswith("h"):
        cleaned = cleaned[:-1]
    match = _NUMBER_RE.match(cleaned)
    if not match:
        raise PlanError(f"{what}: '{raw}' is not a number. Type for example 180, 2,400, 240k, 2.4M or 25 %.")
    value = float(match.group(1)) * _SUFFIX.get((match.group(2) or "").lower(), 1.0)
    return value / 100.0 if is_percent else value


def edit_text(value: float, kind: str, currency: str = "USD", money_key: bool = False) -> str:
    """The text put in an editor for a value (what people would type back)."""
    if kind in PERCENT_KINDS:
        return f"{value * 100:g} %"
    if money_key:
        return f"{currency_symbol(currency)}{value:,.0f}"
    return f"{value:,.10g}"


def display_percent(value: float) -> str:
    digits = 0 if abs(value * 100 - round(value * 100)) < 1e-9 else 1
    return percent(value, digits)


__all__ = ["PERCENT_KINDS", "display_percent", "edit_text", "parse_number"]
