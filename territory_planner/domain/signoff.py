"""Dual sign-off: a scenario goes draft -> proposed -> approved, and approval needs one sales and one marketing lead.

The rules live here, once; the commands at the end of :mod:`.commands` call them and :mod:`.changelog` refuses every
other change to a proposed or approved scenario (it is read-only until it is withdrawn, which makes it a draft again
and withdraws its sign-offs).
"""

from __future__ import annotations

from dataclasses import replace

from .checks import evaluate
from .errors import PlanError
from .formatting import count
from .governance import ROLES, Approval, ScenarioStatus, SignOff, at_text, check_role
from .handshake import check_text
from .model import Plan, check_name


class ScenarioReadOnly(PlanError):
    """A change to a proposed or approved scenario: it must be withdrawn (back to draft) before it changes."""


class SignOffRefused(PlanError):
    """A proposal, sign-off or withdrawal that the rules do not allow (wrong status, role, or no reason)."""


def sign_offs_text(approval: Approval) -> str:
    """'Dana (sales) and Lee (marketing)' — the sign-offs of a scenario in words."""
    names = [f"{s.name} ({s.role})" for s in approval.sign_offs]
    return " and ".join(names) if names else "nobody yet"


def read_only_message(plan: Plan, scenario: str, doing: str) -> str:
    approval = plan.governance.approval(scenario)
    who = f", signed off by {sign_offs_text(approval)}" if approval.sign_offs else ""
    return (
        f"Scenario '{scenario}' is {approval.status}{who}, so it is read-only: {doing} was not applied. To change it, "
        f"withdraw it first (territory-planner scenario withdraw PLAN '{scenario}' --as NAME --role sales|marketing; "
        "it becomes a draft again and its sign-offs are withdrawn), or copy it into a what-if and change the copy."
    )


def check_person(plan: Plan, name: str, role: str) -> str:
    """The person signing, checked against the roles stored in the plan (a new person takes the role given)."""
    name = check_name("person", name)
    check_role(role)
    stored = plan.governance.people.get(name)
    if stored is not None and stored != role:
        raise SignOffRefused(
            f"{name} is recorded as the {stored} lead of this plan, not the {role} lead: sign off with --role "
            f"{stored}, or ask someone who leads {role} to sign."
        )
    return name


def proposed(plan: Plan, scenario: str, author: str, at: str) -> Approval:
    """The approval record after proposing a draft scenario."""
    plan.scenario(scenario)
    current = plan.governance.approval(scenario)
    if current.status != "draft":
        raise SignOffRefused(f"Scenario '{scenario}' is already {current.status}; only a draft can be proposed.")
    return Approval("proposed", check_name("person", author), at)


def signed_off(plan: Plan, scenario: str, name: str, role: str, at: str, reason: str) -> Approval:
    """The approval record after one lead's sign-off (approved once both roles have signed).

    A scenario with blocking flags cannot be signed off without a written reason, which is kept with the sign-off
    (and printed on the cover of the pack).
    """
    s = plan.scenario(scenario)
    name = check_person(plan, name, role)
    reason = check_text("reason", reason, limit=1000)
    current = plan.governance.approval(scenario)
    if current.status == "draft":
        raise SignOffRefused(
            f"Scenario '{scenario}' is a draft: propose it first (territory-planner scenario propose PLAN "
            f"'{scenario}' --as NAME --role sales|marketing), then both leads sign it off."
        )
    if current.status == "approved":
        raise SignOffRefused(f"Scenario '{scenario}' is already approved by {sign_offs_text(current)}.")
    earlier = current.signed(role)
    if earlier is not None:
        raise SignOffRefused(
            f"Scenario '{scenario}' already has the {role} sign-off of {earlier.name}; it needs the other lead's."
        )
    blocking = [f for f in evaluate(s, plan.layer).flags if f.blocking]
    if blocking and not reason:
        first = blocking[0].message
        raise SignOffRefused(
            f"Scenario '{scenario}' has {count(len(blocking), 'blocking flag')} ({first}"
            f'{" …" if len(blocking) > 1 else ""}): a sign-off needs a written reason. Add --reason "…" saying '
            "why it is approved anyway, e.g. who funds the gap."
        )
    sign_offs = (*current.sign_offs, SignOff(name, role, at, reason))  # type: ignore[arg-type]
    status: ScenarioStatus = "approved" if {x.role for x in sign_offs} == {"sales", "marketing"} else "proposed"
    return replace(current, status=status, sign_offs=sign_offs)


def withdrawn(plan: Plan, scenario: str, name: str, role: str) -> Approval:
    """The approval record after a withdrawal: a draft again, with no sign-offs."""
    plan.scenario(scenario)
    check_person(plan, name, role)
    current = plan.governance.approval(scenario)
    if current.status == "draft":
        raise SignOffRefused(f"Scenario '{scenario}' is a draft already; there is nothing to withdraw.")
    return Approval()


def withdrawal_text(scenario: str, previous: Approval) -> str:
    """What a withdrawal did, in words ('... is a draft again; the sign-offs of Dana (sales) were withdrawn')."""
    text = f"Scenario '{scenario}' is a draft again"
    if previous.sign_offs:
        text += f"; the sign-offs of {sign_offs_text(previous)} were withdrawn"
    return text + "."


def status_line(plan: Plan, scenario: str) -> str:
    """A scenario's status in words, shown beside its name in the app and on the pack's cover:
    'Draft', 'Proposed by Dana, signed off by Lee (marketing)', 'Approved: signed off by Dana (sales) and Lee
    (marketing)'."""
    approval = plan.governance.approval(scenario)
    if approval.status == "draft":
        return "Draft"
    if approval.status == "proposed":
        by = f" by {approval.proposed_by}" if approval.proposed_by else ""
        signed = f", signed off by {sign_offs_text(approval)}" if approval.sign_offs else ", awaiting sign-off"
        return f"Proposed{by}{signed}"
    return f"Approved: signed off by {sign_offs_text(approval)}"


def approval_note(plan: Plan, scenario: str) -> str:
    """What the pack's cover says of a scenario signed off despite blocking flags, with the written reasons:
    'Approved with 1 blocking flag (Boston AE): marketing to fund from Q3 events budget'. Empty when there is
    nothing to explain (a draft, or no blocking flags)."""
    approval = plan.governance.approval(scenario)
    if approval.status == "draft" or not approval.sign_offs:
        return ""
    blocking = [f for f in evaluate(plan.scenario(scenario), plan.layer).flags if f.blocking]
    if not blocking:
        return ""
    subjects = list(dict.fromkeys(f.subject for f in blocking if f.subject))
    shown = ", ".join(subjects[:4]) + (f" and {len(subjects) - 4} more" if len(subjects) > 4 else "")
    reasons = list(dict.fromkeys(s.reason for s in approval.sign_offs if s.reason))
    verb = "Approved" if approval.status == "approved" else "Signed off"
    head = f"{verb} with {count(len(blocking), 'blocking flag')}" + (f" ({shown})" if shown else "")
    return f"{head}: {'; '.join(reasons)}" if reasons else head


def sign_off_lines(plan: Plan, scenario: str) -> list[str]:
    """Each sign-off of a scenario in words, for the pack: 'Dana (sales), 2027-02-01 10:00 UTC: reason'."""
    approval = plan.governance.approval(scenario)
    lines = []
    if approval.proposed_by:
        lines.append(f"Proposed by {approval.proposed_by}, {at_text(approval.proposed_at)}")
    for s in approval.sign_offs:
        lines.append(f"Signed off by {s.name} ({s.role}), {at_text(s.at)}" + (f": {s.reason}" if s.reason else ""))
    return lines


def missing_roles(approval: Approval) -> list[str]:
    """The roles whose sign-off a proposed scenario still needs (none for a draft or an approved one)."""
    if approval.status != "proposed":
        return []
    return [role for role in ROLES if approval.signed(role) is None]


def status_document(plan: Plan, scenario: str | None = None) -> dict[str, object]:
    """``"status"`` and ``"sign_offs"`` (name, role, time, reason) of a scenario, for ``check --json``."""
    approval = plan.governance.approval(plan.scenario(scenario).name)
    return {
        "status": approval.status,
        "sign_offs": [{"name": s.name, "role": s.role, "time": s.at, "reason": s.reason} for s in approval.sign_offs],
    }


__all__ = [
    "ScenarioReadOnly",
    "SignOffRefused",
    "approval_note",
    "check_person",
    "missing_roles",
    "proposed",
    "read_only_message",
    "sign_off_lines",
    "sign_offs_text",
    "signed_off",
    "status_document",
    "status_line",
    "withdrawal_text",
    "withdrawn",
]
