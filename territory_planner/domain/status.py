"""The one table of funding statuses: the word, the symbol and the colours every view and export shows for each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["funded", "at_risk", "unfunded"]


@dataclass(frozen=True)
class StatusLook:
    """How one funding status is shown.

    ``color`` marks the status on a map or a dot; ``ink`` is the same hue dark enough to read as text on white
    (amber text in ``color`` fails contrast); ``tint`` is the light row background of tables; ``symbol`` keeps the
    status readable without colour (printouts, colour-blind readers).
    """

    label: str
    symbol: str
    color: str
    ink: str
    tint: str


#: Worst first is the order tables sort by; this dict is in reading order (funded, at risk, unfunded).
STATUSES: dict[Status, StatusLook] = {
    "funded": StatusLook("Funded", "✓", "#2e7d32", "#2e7d32", "#e3f1e4"),
    "at_risk": StatusLook("At risk", "!", "#e69500", "#a86a00", "#fff1d6"),
    "unfunded": StatusLook("Unfunded", "✗", "#c62828", "#c62828", "#fbe2e2"),
}

STATUS_LABEL: dict[str, str] = {s: look.label for s, look in STATUSES.items()}
STATUS_SYMBOL: dict[str, str] = {s: look.symbol for s, look in STATUSES.items()}
STATUS_COLOR: dict[str, str] = {s: look.color for s, look in STATUSES.items()}
STATUS_INK: dict[str, str] = {s: look.ink for s, look in STATUSES.items()}
STATUS_TINT: dict[str, str] = {s: look.tint for s, look in STATUSES.items()}
#: Sort rank, worst first: unfunded 0, at risk 1, funded 2.
STATUS_RANK: dict[str, int] = {"unfunded": 0, "at_risk": 1, "funded": 2}


def status_text(status: str) -> str:
    """The status with its symbol, e.g. ``✗ Unfunded``, for places where colour may be lost."""
    return f"{STATUS_SYMBOL[status]} {STATUS_LABEL[status]}"


__all__ = [
    "STATUSES",
    "STATUS_COLOR",
    "STATUS_INK",
    "STATUS_LABEL",
    "STATUS_RANK",
    "STATUS_SYMBOL",
    "STATUS_TINT",
    "Status",
    "StatusLook",
    "status_text",
]
