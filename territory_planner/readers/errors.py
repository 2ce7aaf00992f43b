"""Errors of the readers: every problem found in a file, each with its place, raised together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import PlanError


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, with where it is and what to do about it."""

    file: str
    row: int | None  # 1-based line number as shown in a spreadsheet (header = 1); None for the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        where = Path(self.file).name
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class InputFileError(PlanError):
    """A file could not be read or has problems; ``problems`` lists every one. The plan was not changed."""

    def __init__(self, file: str | Path, problems: list[Problem], limit: int = 20) -> None:
        self.file = str(file)
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:limit])
        more = f"\n  … and {len(problems) - limit} more problems" if len(problems) > limit else ""
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        super().__init__(f"{Path(self.file).name}: {count}; nothing was imported.\n{shown}{more}")


def file_problem(file: str | Path, message: str) -> InputFileError:
    return InputFileError(file, [Problem(str(file), None, None, message)])
