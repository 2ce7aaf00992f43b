"""Which plan sheet a file is, told from its header row alone (the Import dialog preselects it).

A plan sheet's kind is decided by the columns its reader requires (``readers/sheets.py``): an allocations sheet
has ``level``, ``name`` and ``budget``; a sellers sheet ``seller``; an assignments sheet ``unit_id`` and
``territory``. Only the header row is read, so a large file costs nothing to look at.
"""

from __future__ import annotations

from pathlib import Path

from ..domain.text import unguard_formula
from ..readers.errors import InputFileError
from ..readers.table import open_records

#: The columns that mark each kind, most specific first: the first kind whose columns the header has wins.
SHEET_MARKS: tuple[tuple[str, frozenset[str]], ...] = (
    ("sellers", frozenset({"seller", "territory"})),
    ("assumptions", frozenset({"level", "key", "value"})),
    ("allocations", frozenset({"level", "name", "budget"})),
    ("assignments", frozenset({"unit_id", "territory"})),
    ("attributes", frozenset({"unit_id"})),
    ("territories", frozenset({"territory"})),
)


def kind_of_columns(columns: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """The plan sheet kind a header of these column names is (case and spaces ignored), or None."""
    have = {c.strip().lower() for c in columns if c}
    for kind, marks in SHEET_MARKS:
        if marks <= have:
            return kind
    return None


def read_header(path: str | Path) -> list[str]:
    """The first non-blank row of a CSV or XLSX file, lower-cased and stripped. Raises InputFileError."""
    with open_records(path) as source:
        for _row, cells in source:
            names = [unguard_formula(str(c or "").strip()).strip("\ufeff").lower() for c in cells]
            if any(names):
                return names
    return []


def detect_sheet_kind(path: str | Path) -> str | None:
    """The kind of plan sheet (one of ``readers.sheets.SHEETS``) the file's header says it is; None when the
    header fits none of them or the file cannot be read (the import itself then says why)."""
    try:
        return kind_of_columns(read_header(path))
    except (InputFileError, OSError):
        return None


__all__ = ["SHEET_MARKS", "detect_sheet_kind", "kind_of_columns", "read_header"]
