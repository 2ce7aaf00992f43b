"""The plain sentences recorded with a what-if made by the optimiser or a fix (see :mod:`..domain.decisions`).

The GUI and the CLI both record them, in the same undo entry as the change, so the leadership pack's Decisions
page can say what moved, what was dropped or delayed, and why.
"""

from __future__ import annotations

from ..domain import BASELINE, Flag
from ..domain.commands import Batch, Command
from ..domain.decisions import with_decision
from ..domain.formatting import money
from .fixes import FixOption
from .optimise import SolveResult


def _label(name: str) -> str:
    return "Baseline" if name == BASELINE else name


def solve_decision(result: SolveResult) -> tuple[str, list[str]]:
    """The title and sentences of an optimised what-if: whether it is proven optimal, then the explanation."""
    title = f"Optimise budget from {_label(result.source)}"
    sentences = list(result.explanation)
    if result.optimal:
        sentences.insert(0, "The solver proved this the best allocation under the plan's rules.")
    moves = []
    for a in result.allocations:
        where = a.name if a.level == "territory" else f"region {a.name}"
        before = "none" if a.before is None else money(a.before, result.currency)
        after = "removed" if a.after is None else money(a.after, result.currency)
        moves.append(f"{where} {before} → {after}")
    if moves:
        sentences.append(f"Allocations: {'; '.join(moves)}.")
    return title, sentences


def fix_decision(option: FixOption, flag: Flag) -> tuple[str, list[str]]:
    """The title and sentences of an applied fix: the problem it answers, what it does, what it clears."""
    clears = ", ".join(f"{code} {subject}" for code, _, subject in option.clears) or "nothing"
    creates = ", ".join(f"{code} {subject}" for code, _, subject in option.creates) or "nothing"
    sentences = [f"Why: {flag.message}", f"{option.description}.", f"Clears {clears}; creates {creates}."]
    if option.weakens:
        sentences.append(f"No longer funded afterwards: {', '.join(option.weakens)}.")
    return f"Fix {flag.code} {flag.subject}", sentences


def solve_command(result: SolveResult) -> Batch:
    """The optimiser's what-if together with the record of its decision (one undo entry)."""
    title, sentences = solve_decision(result)
    return with_decision(result.command, result.scenario, title, sentences)


def fix_with_decision(command: Command, scenario: str, option: FixOption, flag: Flag) -> Batch:
    """A fix's command (in place or into a new what-if) with the record of its decision on ``scenario``."""
    title, sentences = fix_decision(option, flag)
    return with_decision(command, scenario, title, sentences)


__all__ = ["fix_decision", "fix_with_decision", "solve_command", "solve_decision"]
