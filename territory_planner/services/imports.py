"""Use cases: import a plan sheet, an exported workbook or a CRM accounts export into a plan (GUI and CLI).

Each import reads its file against the plan (a snapshot is fine: nothing here changes it) and returns what to
apply, never applying it: the GUI pushes the command on the undo stack (one import is one undo entry), the CLI
applies it and saves. A file with problems raises :class:`InputFileError` listing every problem with its place.
Long reads report to a :class:`~.progress.Progress` and stop when it is cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..domain import Plan
from ..domain.commands import Command
from ..readers.accounts import ColumnMapping
from ..readers.errors import InputFileError, file_problem
from ..readers.import_effect import ImportEffect, describe_import
from ..readers.sheets import COLUMNS, MERGEABLE, SHEETS, read_sheet
from ..readers.table import open_records, parse_amount
from ..readers.workbook import read_workbook
from .accounts import AccountsImportResult, import_accounts
from .progress import Progress, ReportFn

#: Rows a preview of a table file shows.
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Imported:
    """What an import of a plan sheet or workbook gives: the command to apply, and where it goes."""

    command: Command
    scenario: str
    #: What the command will remove, change and add, read before it is applied (readers/import_effect.py).
    effect: ImportEffect | None = None

    def summary(self) -> str:
        """One line for a status bar or the command line (with what it replaced, changed and added)."""
        said = f" {self.effect.text()}" if self.effect is not None else ""
        return f"{self.command.label} into scenario {self.scenario}.{said}"


def import_sheet(
    plan: Plan,
    kind: str,
    scenario: str,
    path: str | Path,
    progress: Progress | ReportFn | None = None,
    merge: bool = False,
) -> Imported:
    """Read one plan sheet (``kind`` is one of :data:`SHEETS`; CSV or XLSX) into ``scenario``. Territories,
    sellers and allocations replace the scenario's unless ``merge`` (only the rows listed change); the result's
    ``effect`` says what will be replaced and added (``effect.replaces``: ask before applying)."""
    report = Progress.of(progress)
    report(0.1, f"Reading {Path(path).name}…")
    batch = read_sheet(kind, plan, scenario, path, merge=merge)
    report(1.0, "Read")
    return Imported(batch, scenario, describe_import(plan, scenario, batch))


def import_workbook(
    plan: Plan, scenario: str, path: str | Path, progress: Progress | ReportFn | None = None
) -> Imported:
    """Read a workbook exported by Territory Planner (its plan sheets) into ``scenario``."""
    report = Progress.of(progress)
    report(0.1, f"Reading {Path(path).name}…")
    batch = read_workbook(plan, scenario, path)
    report(1.0, "Read")
    return Imported(batch, scenario, describe_import(plan, scenario, batch))


@dataclass(frozen=True)
class Preview:
    """The header and first rows of a table file, and which columns look numeric in them."""

    file: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _looks_numeric(values: list[str]) -> bool:
    filled = [v for v in values if v]
    if not filled:
        return False
    try:
        for value in filled:
            parse_amount(value)
    except ValueError:
        return False
    return True


def preview_table(path: str | Path, progress: Progress | ReportFn | None = None) -> Preview:
    """The header row and the first rows of a CSV or XLSX file (the rest of the file is not parsed), for choosing
    the :class:`ColumnMapping` of an accounts import."""
    report = Progress.of(progress)
    path = Path(path)
    report(0.1, f"Reading {path.name}…")
    with open_records(path, cancel=report.is_cancelled) as source:
        header: list[str] | None = None
        rows: list[list[str]] = []
        for _row_no, cells in source:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().strip("\ufeff").strip() for c in cells]
                continue
            rows.append([c.strip() for c in cells])
            if len(rows) >= PREVIEW_ROWS:
                break
        warnings = list(source.warnings)
    report.check()
    if header is None:
        raise file_problem(path, "has no header row. The first line must name the columns (e.g. Account, Zip).")
    rows = [(r + [""] * len(header))[: len(header)] for r in rows]
    numeric = [name for i, name in enumerate(header) if name and _looks_numeric([r[i] for r in rows])]
    return Preview(str(path), header, rows, numeric, warnings)


__all__ = [
    "COLUMNS",
    "MERGEABLE",
    "PREVIEW_ROWS",
    "SHEETS",
    "AccountsImportResult",
    "ColumnMapping",
    "ImportEffect",
    "Imported",
    "InputFileError",
    "Preview",
    "describe_import",
    "import_accounts",
    "import_sheet",
    "import_workbook",
    "preview_table",
]
