"""The handshake in writing: what both teams agree a lead, an MQL, an SQL and an opportunity are, the handoff
criteria and SLA, the lead-quality standard and the joint KPIs. One document per plan, edited by commands.

The conversion rates of the handshake are not stored here: they are the plan's assumptions (one rule, one place),
shown beside the text with their benchmark ranges by :func:`handshake_rates`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .assumptions import FUNNEL_KEYS, Assumptions, format_assumption
from .errors import PlanError
from .text import control_characters, printable

#: The sections of the document, in the order they are shown, with their headings.
SECTIONS: dict[str, str] = {
    "lead": "What counts as a lead",
    "mql": "What counts as a marketing-qualified lead (MQL)",
    "sql": "What counts as a sales-qualified lead (SQL)",
    "opportunity": "What counts as an opportunity",
    "handoff": "Handoff criteria",
    "sla": "Service level (SLA)",
    "lead_quality": "Lead-quality standard",
}
#: The rate keys of the funnel the handshake agrees on, stage by stage.
RATE_KEYS = ("lead_to_mql", "mql_to_sql", "sql_to_opp", "win_rate")
#: Who owns a KPI.
KPI_OWNERS = ("sales", "marketing", "joint")
MAX_TEXT_LENGTH = 4000


def check_text(what: str, text: str, *, limit: int = MAX_TEXT_LENGTH) -> str:
    """Free text of the plan (a definition, a comment): any printable text with line breaks, within a limit."""
    value = (text or "").strip()
    if len(value) > limit:
        raise PlanError(f"The {what} is too long ({len(value)} characters): keep it to {limit} characters or fewer.")
    codes = [c for c in control_characters(value) if c not in ("U+0009", "U+000A", "U+000D")]
    if codes:
        raise PlanError(
            f"The {what} '{printable(value[:40])}' contains a control character ({', '.join(codes)}). Remove it and "
            "try again."
        )
    return value


@dataclass(frozen=True)
class Kpi:
    """One joint KPI: its name, the agreed target (as written) and who owns it."""

    name: str
    target: str = ""
    owner: str = "joint"

    def __post_init__(self) -> None:
        if self.owner not in KPI_OWNERS:
            raise PlanError(f"KPI '{self.name}' has owner '{self.owner}': use sales, marketing or joint.")


@dataclass
class Handshake:
    """The written agreement: text per section (see :data:`SECTIONS`) and the joint KPIs, in order."""

    texts: dict[str, str] = field(default_factory=dict)
    kpis: dict[str, Kpi] = field(default_factory=dict)

    def text(self, section: str) -> str:
        check_section(section)
        return self.texts.get(section, "")

    def copy(self) -> Handshake:
        return Handshake(dict(self.texts), dict(self.kpis))

    def is_empty(self) -> bool:
        return not any(self.texts.values()) and not self.kpis


def check_section(section: str) -> str:
    if section not in SECTIONS:
        raise PlanError(f"The handshake has no section '{section}'. Sections: {', '.join(SECTIONS)}.")
    return section


@dataclass(frozen=True)
class AgreedRate:
    """A conversion rate of the handshake: the plan's value and the benchmark range beside it."""

    key: str
    label: str
    value: float
    shown: str
    benchmark: str
    #: The plan's own low–high range of the rate ("18 % – 30 %"), empty when none is set.
    plan_range: str = ""


def handshake_rates(assumptions: Assumptions) -> list[AgreedRate]:
    """The conversion rates the handshake agrees on, taken from the scenario's assumptions (plan level)."""
    out = []
    cur = assumptions.currency
    for key in RATE_KEYS:
        spec = FUNNEL_KEYS[key]
        value = assumptions.plan_value(key)
        ends = assumptions.ranges.get(key, {})
        low, high = ends.get("low"), ends.get("high")
        own = (
            f"{format_assumption(key, low, cur)} – {format_assumption(key, high, cur)}"
            if low is not None and high is not None
            else ""
        )
        out.append(AgreedRate(key, spec.label, value, format_assumption(key, value, cur), spec.hint, own))
    return out


__all__ = [
    "KPI_OWNERS",
    "RATE_KEYS",
    "SECTIONS",
    "AgreedRate",
    "Handshake",
    "Kpi",
    "check_section",
    "check_text",
    "handshake_rates",
]
