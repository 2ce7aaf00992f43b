"""Text cells that a spreadsheet cannot run: the CSV/formula-injection guard of the CSV and XLSX exports.

A spreadsheet opening a CSV file runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
a carriage return first) as a formula: a territory named ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` would run.
As OWASP recommends, such a text cell is written with a single quote ``'`` in front, which every spreadsheet shows
as text. Plain numbers (``-5``, ``+1.5e3``) are left alone: they are numbers, not formulas.

The table reader (``readers.table.unguard_formula``) removes exactly that one quote again, so names round-trip
through ``export-data`` and ``import``. To keep that exact, text that already starts with quotes followed by a
formula character (``'=x``) gets one more quote. Both sides use the same characters; a test checks they agree.
"""

from __future__ import annotations

import re

from ..domain.text import printable

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The mark put in front of such text.
GUARD = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def needs_guard(text: str) -> bool:
    """Whether ``text`` must be written with a quote in front to be read as text and to read back exactly."""
    if text.startswith(GUARD):
        return text.lstrip(GUARD).startswith(FORMULA_START)
    return text.startswith(FORMULA_START) and _PLAIN_NUMBER.fullmatch(text) is None


def guard_formula(text: str) -> str:
    """``text`` as a spreadsheet will show it and never run it: ``=1+1`` → ``'=1+1``; ``-5`` and ``North`` stay."""
    return GUARD + text if needs_guard(text) else text


def guard_cell(value: object) -> object:
    """A CSV cell: text guarded against formulas; numbers and empty cells as they are."""
    return guard_formula(value) if isinstance(value, str) else value


def xlsx_text(text: str) -> str:
    """Text for an XLSX cell: control characters XLSX cannot hold (BEL, from old plans) shown as ``\\x07``
    escapes, then guarded against formulas."""
    return guard_formula(printable(text, keep_lines=True))
