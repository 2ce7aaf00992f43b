"""Import a Territory Planner workbook (XLSX) back into a scenario: the plan sheets of ``exporters.workbook``.

The sheets ``Territories``, ``Assignments``, ``Sellers``, ``Allocations`` and ``Assumptions`` carry the columns of
the CSV plan sheets, so each is read by the same reader as its CSV file (``readers.sheets``); other columns (the
figures of the check) are ignored. The sheets are read in that order against a private copy of the plan, each one
applied to the copy before the next is read (allocations name the territories the first sheet creates), so the
live plan is not touched until the returned batch is applied. Every problem names the workbook, the sheet, the row
and the column.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from ..domain import Plan
from ..domain.commands import Batch, Command, LockTerritory
from ..domain.text import unguard_formula
from .errors import InputFileError, Problem, file_problem
from .sheets import read_sheet
from .table import Table, check_workbook_size, read_table

#: Plan sheet kind -> sheet name in the workbook, in the order they are read.
WORKBOOK_SHEETS = {
    "territories": "Territories",
    "assignments": "Assignments",
    "sellers": "Sellers",
    "allocations": "Allocations",
    "assumptions": "Assumptions",
}


def _sheet_names(path: Path) -> list[str]:
    from openpyxl import load_workbook

    check_workbook_size(path, str(path))
    try:
        workbook = load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise file_problem(
            str(path),
            f"cannot be opened as an Excel workbook ({exc}). Export the workbook again from Territory Planner.",
        ) from exc
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _as_csv(table: Table, target: Path) -> None:
    """The table as a CSV file whose line numbers are the sheet's row numbers (so messages point at the sheet)."""
    last = max((row for row, _ in table.rows), default=1)
    lines: list[list[str]] = [[] for _ in range(last)]
    lines[0] = list(table.columns)
    for row, values in table.rows:
        # Values were read without the formula guard of our exports; put it back so the CSV copy reads the same.
        lines[row - 1] = [_guarded(values.get(column, "")) for column in table.columns]
    with open(target, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(lines)


def _guarded(value: str) -> str:
    return "'" + value if unguard_formula("'" + value) == value else value


def _in_sheet(error: InputFileError, workbook: Path, sheet: str) -> InputFileError:
    """The same problems, said of the workbook's sheet rather than of the private CSV copy."""
    where = f"{workbook} [{sheet}]"
    problems = [Problem(where, p.row, p.column, p.message) for p in error.problems]
    return InputFileError(where, problems)


def read_workbook(plan: Plan, scenario: str, path: str | Path) -> Batch:
    """Read an exported workbook into ``scenario``; returns the batch that applies it (nothing is changed yet).

    The scenario's territories, assignments, sellers, allocations and assumptions become the workbook's. Raises
    InputFileError (a PlanError) listing every problem with its sheet, row and column; UnknownName for a scenario
    the plan does not have.
    """
    source = Path(path)
    plan.scenario(scenario)
    if not source.is_file():
        raise file_problem(str(source), "the file does not exist. Check the path and the file name.")
    present = _sheet_names(source)
    missing = [name for name in WORKBOOK_SHEETS.values() if name not in present]
    if missing:
        raise file_problem(
            str(source),
            f"is not a Territory Planner workbook: it lacks the sheet(s) {', '.join(missing)}. "
            f"Its sheets: {', '.join(present) or 'none'}. Export a workbook from Territory Planner and edit that.",
        )
    staging = plan.deepcopy()
    batches: list[Command] = []
    relock: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tp-workbook-") as folder:
        for kind, sheet in WORKBOOK_SHEETS.items():
            table = read_table(source, sheet=sheet)
            copy = Path(folder) / f"{sheet}.csv"
            _as_csv(table, copy)
            try:
                batch = read_sheet(kind, staging, scenario, copy)
            except InputFileError as exc:
                raise _in_sheet(exc, source, sheet) from None
            batch.apply(staging)
            batches.append(Batch(f"{batch.label.replace(copy.name, sheet)}", batch.commands))
            if kind == "territories" and any(t.locked for t in staging.scenario(scenario).territories.values()):
                # The workbook is the whole scenario, its locked territories' units included: they are unlocked
                # while its assignments go in and locked again at the end (locks are checked in the domain).
                relock = [n for n, t in staging.scenario(scenario).territories.items() if t.locked]
                unlock = Batch("Unlock for the import", tuple(LockTerritory(scenario, n, False) for n in relock))
                unlock.apply(staging)
                batches.append(unlock)
    if relock:
        batches.append(Batch("Lock again", tuple(LockTerritory(scenario, n, True) for n in relock)))
    return Batch(f"Import workbook {source.name}", tuple(batches))
