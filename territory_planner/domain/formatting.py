"""Plain-language number formatting for messages and tables."""

from __future__ import annotations

import math

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


def money_exact(value: float | None, currency: str = "USD") -> str:
    if value is None:
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}{currency_symbol(currency)}{abs(value):,.0f}"


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
