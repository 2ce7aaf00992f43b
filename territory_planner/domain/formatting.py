"""Plain-language number formatting for messages and tables."""

from __future__ import annotations

import math
import re

from .errors import PlanError

_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CAD": "C$",
    "AUD": "A$",
    "CHF": "CHF ",
    "INR": "₹",
}


def currency_symbol(currency: str) -> str:
    return _SYMBOLS.get(currency.upper(), currency.upper() + " ")


def money(value: float | None, currency: str = "USD") -> str:
    """Short money figure such as ``$356k``, ``$1.2M``, ``-$45k``, ``$950``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "-" if value < 0 else ""
    amount = abs(value)
    symbol = currency_symbol(currency)
    if amount >= 1e9:
        text = f"{amount / 1e9:.1f}B"
    elif amount >= 1e6:
        text = f"{amount / 1e6:.2f}M" if amount < 1e7 else f"{amount / 1e6:.1f}M"
    elif amount >= 1e4:
        text = f"{amount / 1e3:.0f}k"
    elif amount >= 1e3:
        text = f"{amount / 1e3:.1f}k"
    else:
        text = f"{amount:.0f}"
    return f"{sign}{symbol}{text}"


def hours(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f} h"


def plural_noun(noun: str) -> str:
    """English plural of a unit noun: county -> counties, area -> areas, ZIP code -> ZIP codes."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def count(value: float, noun: str, plural: str | None = None) -> str:
    n = round(value)
    return f"{n:,} {noun if n == 1 else (plural or plural_noun(noun))}"


def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:.{digits}f} %"


_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9}
_NUMBER_RE = re.compile(r"^([-+]?\d*\.?\d+(?:e[-+]?\d+)?)\s*([kmb])?$", re.IGNORECASE)


def parse_number(text: str, what: str = "This value") -> float:
    """What people type into a cell: ``$180``, ``2.4M``, ``240k``, ``2,600``, ``0.5 h``; ``25 %`` gives 0.25.

    Only turns text into a number (PlanError when it is not one); whether the number is acceptable is for the
    caller's rule (``validate_value``, the model's checks).
    """
    raw = str(text).strip()
    cleaned = raw.replace(",", "").replace("_", "").replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
    for symbol in ("C$", "A$", "CHF", "$", "€", "£", "¥", "₹"):
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
    if math.isinf(value):
        raise PlanError(f"{what}: '{raw}' is too large a number.")
    return value / 100.0 if is_percent else value
