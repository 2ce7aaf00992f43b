"""Plain-language number formatting for messages and tables."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal

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


#: Enough digits for any finite float to the cent (the default 28 would refuse 1e34 quantized to cents).
_EXACT = Context(prec=400)


def rounded(value: float, digits: int = 0) -> Decimal:
    """``value`` to ``digits`` decimals, halves rounded away from zero (as Excel and people do: 220.5 -> 221).

    The decimal text of the float is rounded, not its binary value: 1.925 is 1.93, as it reads.
    """
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_EXACT)


def to_cents(value: float) -> int:
    """An amount in whole cents (halves away from zero): the grain in which budget figures add up exactly."""
    return int(rounded(value, 2).scaleb(2, _EXACT))


#: (smallest amount, divisor, decimals, suffix) of the short money scales, largest first.
_SCALES = (
    (1e12, 1e12, 1, "T"),
    (1e9, 1e9, 1, "B"),
    (1e7, 1e6, 1, "M"),
    (1e6, 1e6, 2, "M"),
    (1e4, 1e3, 0, "k"),
    (1e3, 1e3, 1, "k"),
    (0.0, 1.0, 0, ""),
)


def _short_amount(amount: float) -> str:
    """A non-negative amount on its scale; an amount that rounds up into the next scale moves there (999,999 is
    1.00M, not 1000k)."""
    if amount >= 1e15:  # beyond any real plan (values are bounded on entry); shown, never a crash or 300 digits
        return f"{amount:.2e}"
    for i, (limit, divisor, digits, suffix) in enumerate(_SCALES):
        if amount < limit:
            continue
        shown = rounded(amount / divisor, digits)
        if i > 0 and float(shown) * divisor >= _SCALES[i - 1][0]:
            return _short_amount(float(shown) * divisor)
        return f"{shown:.{digits}f}{suffix}"
    return "0"


def money(value: float | None, currency: str = "USD") -> str:
    """Short money figure such as ``$356k``, ``$1.93M``, ``-$45k``, ``$950``; halves round away from zero, so the
    app, the PDF and the workbook (Excel's formats) show the same figure."""
    if value is None or not math.isfinite(value):
        return "n/a"
    text = _short_amount(abs(value))
    sign = "-" if value < 0 and text.strip("0.kMB") else ""
    return f"{sign}{currency_symbol(currency)}{text}"


def money_cents(value: float, currency: str = "USD") -> str:
    """An exact money figure to the cent, ``$2,400,000.00`` or ``-$133,869.05``: the figures a reader adds up."""
    if not math.isfinite(value):
        return "n/a"
    cents = to_cents(value)
    sign = "-" if cents < 0 else ""
    return f"{sign}{currency_symbol(currency)}{Decimal(abs(cents)).scaleb(-2, _EXACT):,.2f}"


def hours(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{rounded(value):,.0f} h"


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
    if value is None or not math.isfinite(value):
        return "n/a"
    shown = Decimal(repr(float(value))).scaleb(2).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP, _EXACT)
    return f"{shown:.{digits}f} %"


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
