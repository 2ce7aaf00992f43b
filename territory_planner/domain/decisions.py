"""Decisions recorded with a scenario: what the optimiser or a fix changed in it, and why, in plain sentences.

A decision is kept as a comment on the scenario (the plan's comments are stored with it and follow undo like any
other command), written by :data:`DECISION_AUTHOR`, whose first line names the decision ("Optimise budget from
Baseline") and whose further lines are its sentences. The leadership pack's Decisions page reads them back with
:func:`decisions_of`. Recording one is part of the same undo entry as the change it explains.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .commands import AddComment, Batch, Command
from .governance import Comment
from .handshake import MAX_TEXT_LENGTH
from .model import Plan

#: The author of recorded decisions (a person's comments are never read as decisions).
DECISION_AUTHOR = "Territory Planner"
_PREFIX = "Decision: "


@dataclass(frozen=True)
class Decision:
    scenario: str
    title: str
    sentences: tuple[str, ...]
    at: str


def decision_comment(scenario: str, title: str, sentences: Iterable[str], at: str | None = None) -> AddComment:
    """The command that records a decision on ``scenario`` (the text is cut to the comments' length limit)."""
    lines = [f"{_PREFIX}{title.strip()}", *(s.strip() for s in sentences if s.strip())]
    text, kept = lines[0], 1
    for line in lines[1:]:
        if len(text) + 1 + len(line) > MAX_TEXT_LENGTH:
            break
        text, kept = f"{text}\n{line}", kept + 1
    when = at or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    comment = Comment(f"decision-{uuid.uuid4().hex}", "scenario", scenario, scenario, DECISION_AUTHOR, when, text)
    return AddComment(comment)


def with_decision(command: Command, scenario: str, title: str, sentences: Sequence[str]) -> Batch:
    """``command`` and the record of its decision, as one undo entry with ``command``'s label."""
    return Batch(command.label, (command, decision_comment(scenario, title, sentences)))


def decisions_of(plan: Plan, scenario: str) -> list[Decision]:
    """The decisions recorded on ``scenario``, oldest first."""
    found = []
    for comment in plan.governance.comments.values():
        if (
            comment.author == DECISION_AUTHOR
            and comment.subject_type == "scenario"
            and comment.scenario == scenario
            and comment.text.startswith(_PREFIX)
        ):
            first, *rest = comment.text.split("\n")
            found.append(Decision(scenario, first.removeprefix(_PREFIX), tuple(rest), comment.at))
    return sorted(found, key=lambda d: d.at)


__all__ = ["DECISION_AUTHOR", "Decision", "decision_comment", "decisions_of", "with_decision"]
