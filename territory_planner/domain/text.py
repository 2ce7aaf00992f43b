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
