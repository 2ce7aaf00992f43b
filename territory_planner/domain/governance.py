"""What a plan keeps beside its scenarios: who signs for which team, each scenario's status and sign-offs, the
comments, the written handshake and the change log.

Plain data only (no rules beyond checking values): the sign-off rules are in :mod:`.signoff`, the commands that
change these records at the end of :mod:`.commands`. Everything here is stored in the plan file and on the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .errors import PlanError
from .handshake import Handshake

Role = Literal["sales", "marketing"]
ScenarioStatus = Literal["draft", "proposed", "approved"]
ROLES: tuple[Role, ...] = ("sales", "marketing")
STATUSES: tuple[ScenarioStatus, ...] = ("draft", "proposed", "approved")
#: What a comment may be about.
COMMENT_SUBJECTS = ("territory", "seller", "assumption", "scenario", "region", "plan")


def at_text(at: str) -> str:
    """A stored UTC time stamp (ISO 8601) in words: '2027-02-01 10:00 UTC' (as written when it is not one)."""
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return at
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise PlanError(f"'{role}' is not a sign-off role: use sales or marketing.")
    return role


@dataclass(frozen=True)
class SignOff:
    """One lead's approval of a proposed scenario: who, for which team, when (UTC, ISO 8601) and why."""

    name: str
    role: Role
    at: str
    reason: str = ""


@dataclass(frozen=True)
class Approval:
    """A scenario's status: ``draft`` (editable), ``proposed`` or ``approved`` (both read-only)."""

    status: ScenarioStatus = "draft"
    proposed_by: str = ""
    proposed_at: str = ""
    sign_offs: tuple[SignOff, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise PlanError(f"Scenario status '{self.status}' is unknown: use draft, proposed or approved.")

    def signed(self, role: str) -> SignOff | None:
        return next((s for s in self.sign_offs if s.role == role), None)


DRAFT = Approval()


@dataclass(frozen=True)
class Comment:
    """A comment on a territory, seller (hire), assumption, region, scenario or the plan."""

    id: str
    subject_type: str
    subject: str
    scenario: str | None
    author: str
    at: str
    text: str
    resolved: bool = False

    def __post_init__(self) -> None:
        if self.subject_type not in COMMENT_SUBJECTS:
            raise PlanError(
                f"A comment cannot be about a '{self.subject_type}': use one of {', '.join(COMMENT_SUBJECTS)}."
            )


@dataclass(frozen=True)
class Change:
    """One entry of the append-only change log: an applied command and its inverse, as JSON data.

    ``sequence`` is the entry's place in the plan's log (None until the entry is saved); ``revision`` the plan
    revision its save wrote; ``client`` the session that made it (so a client can tell its own changes apart).
    """

    sequence: int | None
    scenario: str | None
    author: str
    at: str
    description: str
    command: str
    inverse: str
    client: str = ""
    revision: int | None = None


@dataclass
class Governance:
    """People and their roles, scenario statuses, comments, the handshake and the change log of one plan."""

    people: dict[str, Role] = field(default_factory=dict)
    approvals: dict[str, Approval] = field(default_factory=dict)
    comments: dict[str, Comment] = field(default_factory=dict)
    handshake: Handshake = field(default_factory=Handshake)
    log: list[Change] = field(default_factory=list)

    def approval(self, scenario: str) -> Approval:
        return self.approvals.get(scenario, DRAFT)

    def status(self, scenario: str) -> ScenarioStatus:
        return self.approval(scenario).status

    def pending(self) -> list[Change]:
        """Log entries not saved yet, in the order they were applied."""
        return [c for c in self.log if c.sequence is None]

    def last_sequence(self) -> int:
        return max((c.sequence for c in self.log if c.sequence is not None), default=0)

    def copy(self) -> Governance:
        return Governance(
            dict(self.people), dict(self.approvals), dict(self.comments), self.handshake.copy(), list(self.log)
        )


__all__ = [
    "COMMENT_SUBJECTS",
    "DRAFT",
    "ROLES",
    "STATUSES",
    "Approval",
    "Change",
    "Comment",
    "Governance",
    "Role",
    "ScenarioStatus",
    "SignOff",
    "at_text",
    "check_role",
]
