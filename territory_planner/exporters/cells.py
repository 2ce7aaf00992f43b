"""Text cells that a spreadsheet cannot run: the CSV/formula-injection guard of the CSV and XLSX exports.

A spreadsheet opening a CSV file runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
a carriage return first) as a formula: a territory named ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` would run.
As OWASP recommends, such a text cell is written with a single quote ``'`` in front, which every spreadsheet shows
as text. Plain numbers (``-5``, ``+1.5e3``) are left alone: they are numbers, not formulas.

The rule lives in ``domain/text.py`` (``guard_formula``/``unguard_formula``): the table reader removes exactly
that one quote again, so names round-trip
through ``export-data`` and ``import``. To keep that exact, text that already starts with quotes followed by a
formula character (``'=x``) gets one more quote.
"""

from __future__ import annotations

from ..domain.text import FORMULA_START, guard_formula, needs_formula_guard, printable

__all__ = ["FORMULA_START", "guard_cell", "guard_formula", "needs_guard", "xlsx_text"]

#: Kept under its old name for the exporters and their tests; the rule itself lives in ``domain/text.py``.
needs_guard = needs_formula_guard


def guard_cell(value: object) -> object:
    """A CSV cell: text guarded against formulas; numbers and empty cells as they are."""
    return guard_formula(value) if isinstance(value, str) else value


def xlsx_text(text: str) -> str:
    """Text for an XLSX cell: control characters XLSX cannot hold (BEL, from old plans) shown as ``\\x07``
    escapes, then guarded against formulas."""
    return guard_formula(printable(text, keep_lines=True))
