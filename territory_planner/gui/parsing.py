"""Read what people type into cells: ``$180``, ``2.4M``, ``240k``, ``2,600``, ``25 %``, ``2027-04``.

The parsing and the formats live in the domain (``domain.formatting.parse_number``, ``domain.assumptions``:
``parse_assumption``, ``format_assumption``) so the app, the PDF and the workbook agree; this module gives the
GUI the few names it uses.
"""

from __future__ import annotations

from ..domain.assumptions import format_assumption, parse_assumption
from ..domain.formatting import parse_number


def edit_text(key: str, value: float, currency: str = "USD") -> str:
    """The text put in an editor for an assumption value (what people would type back, nothing rounded)."""
    return format_assumption(key, value, currency, exact=True)


__all__ = ["edit_text", "format_assumption", "parse_assumption", "parse_number"]
