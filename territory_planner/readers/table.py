"""Read a spreadsheet-like file (CSV in any common dialect, or XLSX) into header + text rows.

Handles UTF-8 with or without BOM, Latin-1/cp1252, comma/semicolon/tab separators, quoted fields, blank lines,
trailing spaces and Windows line ends. Values stay text; ``parse_amount`` and friends turn them into numbers
with a clear problem when they cannot.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, file_problem

_MAX_BYTES_SNIFF = 64 * 1024


@dataclass
class Table:
    """A read table: file name, column names and rows of stripped text, each with its row number in the file."""

    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]

    def require(self, *columns: str) -> None:
        missing = [c for c in columns if c not in self.columns]
        if missing:
            have = ", ".join(self.columns) or "no columns at all"
            raise file_problem(
                self.file,
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(c) for c in missing)}. "
                f"The file has: {have}. Add the column to the header row (first line), spelled exactly.",
            )


def _decode(raw: bytes, file: str) -> str:
    if b"\x00" in raw[:_MAX_BYTES_SNIFF]:
        raise file_problem(file, "this is not a text (CSV) file. Save it from your spreadsheet as CSV (UTF-8) or XLSX.")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_problem(file, "cannot read the text encoding; save the file as CSV UTF-8.")  # pragma: no cover


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read a CSV/TSV/TXT or XLSX file. Raises InputFileError for unreadable files."""
    p = Path(path)
    file = str(p)
    if not p.exists():
        raise file_problem(file, "the file does not exist. Check the path and the file name.")
    if p.is_dir():
        raise file_problem(file, "this is a folder, not a file.")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(p, sheet)
    raw = p.read_bytes()
    text = _decode(raw, file)
    lines = text.splitlines()
    sample = "\n".join(lines[:50])
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(sample))
    return _table_from_rows(file, ((i + 1, row) for i, row in enumerate(reader)))


def _table_from_rows(file: str, numbered: Iterator[tuple[int, list[str]]]) -> Table:
    columns: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    for line_no, raw_row in numbered:
        cells = ["" if c is None else str(c).strip() for c in raw_row]
        if not any(cells):
            continue
        if columns is None:
            columns = [c.strip().strip("\ufeff").lower() for c in cells]
            while columns and not columns[-1]:
                columns.pop()
            dupes = sorted({c for c in columns if columns.count(c) > 1 and c})
            if dupes:
                problems.append(Problem(file, line_no, None, f"the header repeats column(s) {', '.join(dupes)}."))
            continue
        extra = cells[len(columns) :]
        if any(extra):
            problems.append(
                Problem(
                    file,
                    line_no,
                    None,
                    f"has {len(columns) + len([c for c in extra if c])} values but the header has {len(columns)} "
                    "columns. Check for a separator inside an unquoted value.",
                )
            )
            continue
        padded = cells[: len(columns)] + [""] * (len(columns) - len(cells))
        rows.append((line_no, dict(zip(columns, padded, strict=True))))
    if columns is None:
        raise file_problem(file, "the file is empty. It needs a header row and at least one data row.")
    if problems:
        from .errors import InputFileError

        raise InputFileError(file, problems)
    return Table(file, columns, rows)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    file = str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise file_problem(file, f"cannot open it as an Excel workbook ({exc}). Save it again as .xlsx.") from exc
    try:
        if sheet is None:
            ws = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            ws = workbook[sheet]
        else:
            raise file_problem(file, f"has no sheet named '{sheet}'. Its sheets: {', '.join(workbook.sheetnames)}.")
        numbered = ((i + 1, [_cell_text(v) for v in row]) for i, row in enumerate(ws.iter_rows(values_only=True)))
        return _table_from_rows(f"{file} [{ws.title}]", numbered)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m"))
    return str(value)


_AMOUNT_JUNK = re.compile(r"[\s$€£¥₹\u00a0'’]|(?i:usd|eur|gbp)")


def parse_amount(text: str) -> float:
    """Read an amount such as ``1,234,567``, ``$ 80k``-free text ``80000``, ``1.234.567,50`` or ``(500)``.

    Raises ValueError with a short reason when it is not a number.
    """
    t = _AMOUNT_JUNK.sub("", text)
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1]
    if t.startswith("-"):
        negative, t = not negative, t[1:]
    if not t:
        raise ValueError("empty")
    if "," in t and "." in t:
        if t.rfind(",") > t.rfind("."):  # 1.234.567,50
            t = t.replace(".", "").replace(",", ".")
        else:  # 1,234,567.50
            t = t.replace(",", "")
    elif "," in t:
        parts = t.split(",")
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3):
            t = t.replace(",", "")  # thousands separators
        else:
            t = t.replace(",", ".")  # decimal comma
    multiplier = 1.0
    if t[-1:].lower() == "k":
        multiplier, t = 1e3, t[:-1]
    elif t[-1:].lower() == "m":
        multiplier, t = 1e6, t[:-1]
    value = float(t) * multiplier
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not finite")
    return -value if negative else value


def parse_rate(text: str) -> float:
    """A rate or share: ``0.25``, ``25%`` or ``25 %`` all give 0.25."""
    t = text.strip()
    if t.endswith("%"):
        return parse_amount(t[:-1]) / 100.0
    return parse_amount(t)
