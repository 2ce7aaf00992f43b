"""User text as data: what a name may hold, and how any text is made safe to print on a terminal or in a cell."""

from __future__ import annotations

import re

#: C0 and C1 control characters (tab, newline and carriage return included) and DEL. A name is one line of
#: printable text; other text (messages, notes) keeps tab and newline but never the rest.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: The longest name a plan accepts (territory, region, seller, scenario, plan).
MAX_NAME_LENGTH = 120


def control_characters(text: str) -> list[str]:
    """The control characters in ``text``, as ``U+0007``-style codes, in order of appearance (unique)."""
    seen: list[str] = []
    for char in _CONTROL.findall(text):
        code = f"U+{ord(char):04X}"
        if code not in seen:
            seen.append(code)
    return seen


def printable(text: object, *, keep_lines: bool = False) -> str:
    """``text`` with every control character shown as a visible ``\\x07``-style escape (never sent raw).

    Used wherever text reaches a terminal or a spreadsheet cell: a BEL or an ANSI escape sequence in a name from an
    old plan or a CRM export must print as characters, not ring, recolour or move the cursor.
    """
    pattern = _CONTROL_BUT_LINES if keep_lines else _CONTROL
    return pattern.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))


# --- spreadsheet formulas -------------------------------------------------------------------------------------
# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula (some also after a tab or a
# carriage return). Exports put one quote in front of such text (OWASP's advice); readers take exactly that one
# quote off again, so every name round-trips through export-data and import.

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The mark an export puts in front of formula-like text.
FORMULA_GUARD = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def needs_formula_guard(text: str) -> bool:
    """Whether ``text`` must be written with a quote in front to be read as text and to read back exactly.

    Plain numbers (``-5``, ``+1.5e3``) are numbers, not formulas. Text that already starts with quotes followed by a
    formula character (``'=x``) gets one more quote, so that removing one on import gives it back exactly.
    """
    if text.startswith(FORMULA_GUARD):
        return text.lstrip(FORMULA_GUARD).startswith(FORMULA_START)
    return text.startswith(FORMULA_START) and _PLAIN_NUMBER.fullmatch(text) is None


def guard_formula(text: str) -> str:
    """``text`` as a spreadsheet will show it and never run it: ``=1+1`` → ``'=1+1``; ``-5`` and ``North`` stay."""
    return FORMULA_GUARD + text if needs_formula_guard(text) else text


def unguard_formula(text: str) -> str:
    """``text`` without the one quote :func:`guard_formula` put in front: ``'=1+1`` → ``=1+1``; others unchanged."""
    if text.startswith(FORMULA_GUARD) and text.lstrip(FORMULA_GUARD).startswith(FORMULA_START):
        return text[1:]
    return text
