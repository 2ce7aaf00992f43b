"""Calendar months (``YYYY-MM``), the time grain of a plan."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import PlanError

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month. Ordered, hashable, and printed as ``YYYY-MM``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PlanError(f"Month {self.year}-{self.month:02d} does not exist: the month must be 01 to 12.")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read ``YYYY-MM`` (``2026-3`` is accepted too)."""
        match = _MONTH_RE.match(str(text))
        if not match:
            raise PlanError(f"'{text}' is not a month: write it as YYYY-MM, for example 2026-04.")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def index(self) -> int:
        """Months since year 0; differences of indexes count months."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def plus(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def minus(self, other: Month) -> int:
        """Number of months from ``other`` to ``self``."""
        return self.index - other.index

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def label(self) -> str:
        """Human label such as ``Apr 2026``."""
        names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return f"{names[self.month - 1]} {self.year}"


def parse_optional_month(text: str | None) -> Month | None:
    if text is None or str(text).strip() == "":
        return None
    return Month.parse(str(text))
