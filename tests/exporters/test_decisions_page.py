"""The pack's Decisions page: a what-if made by the optimiser or a fix says what moved, what was dropped or
delayed, and why; a scenario without recorded decisions has no such page; people's comments are not decisions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from territory_planner.domain import BASELINE, Plan, evaluate
from territory_planner.domain.commands import AddComment, CopyScenario
from territory_planner.domain.decisions import DECISION_AUTHOR, decision_comment, decisions_of
from territory_planner.domain.governance import Comment
from territory_planner.exporters.pack import build_pack
from territory_planner.exporters.pdf_report import write_pdf
from territory_planner.services.decisions import fix_with_decision, solve_command
from territory_planner.services.fixes import blocking_flags, find_fixes
from territory_planner.services.optimise import solve


@pytest.fixture
def plan(demo_plan: Plan) -> Plan:
    return demo_plan.deepcopy()


def _pdf_text(plan: Plan, scenarios: list[str], path: Path) -> str:
    write_pdf(build_pack(plan, scenarios), path)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_solve_and_fix_record_their_decisions_and_undo_removes_them(plan: Plan):
    result = solve(plan, BASELINE, "Optimised", allow_delays=True)
    inverse = solve_command(result).apply(plan)
    [decision] = decisions_of(plan, "Optimised")
    assert decision.title == "Optimise budget from Baseline"
    assert decision.sentences[0] == "The solver proved this the best allocation under the plan's rules."
    assert list(decision.sentences[1 : 1 + len(result.explanation)]) == result.explanation
    assert decision.sentences[-1].startswith("Allocations: ") and "Texas $190k → " in decision.sentences[-1]
    assert decisions_of(plan, BASELINE) == []
    inverse.apply(plan)
    assert "Optimised" not in plan.scenarios and decisions_of(plan, "Optimised") == []

    CopyScenario(BASELINE, "Fixed").apply(plan)
    found = find_fixes(plan, "Fixed")
    flag = blocking_flags(evaluate(plan.scenario("Fixed"), plan.layer))[0]
    option = found[0].options[0]
    fix_with_decision(option.command, "Fixed", option, flag).apply(plan)
    [fixed] = decisions_of(plan, "Fixed")
    assert fixed.title == f"Fix {flag.code} {flag.subject}"
    assert fixed.sentences[0] == f"Why: {flag.message}" and fixed.sentences[1] == f"{option.description}."


def test_only_the_apps_own_decision_comments_count(plan: Plan):
    person = Comment("c1", "scenario", BASELINE, BASELINE, "Dana", "2026-01-01T00:00:00+00:00", "Decision: mine")
    AddComment(person).apply(plan)
    assert decisions_of(plan, BASELINE) == []
    decision_comment(BASELINE, "Check", ["One.", "Two."], at="2026-01-02T00:00:00+00:00").apply(plan)
    [d] = decisions_of(plan, BASELINE)
    assert (d.title, d.sentences) == ("Check", ("One.", "Two."))
    assert plan.governance.comments[next(k for k in plan.governance.comments if k != "c1")].author == DECISION_AUTHOR


def test_long_explanations_are_cut_to_the_comment_limit(plan: Plan):
    command = decision_comment(BASELINE, "Long", [f"Sentence {i} " + "x" * 200 for i in range(40)])
    command.apply(plan)  # a comment over the limit would be refused
    [d] = decisions_of(plan, BASELINE)
    assert 0 < len(d.sentences) < 40


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_pack_has_a_decisions_page_for_an_optimised_what_if(plan: Plan, tmp_path: Path):
    result = solve(plan, BASELINE, "Optimised", allow_delays=True)
    solve_command(result).apply(plan)
    text = " ".join(_pdf_text(plan, [BASELINE, "Optimised"], tmp_path / "pack.pdf").split())
    assert "Decisions — scenario Optimised" in text
    assert "Optimise budget from Baseline" in text
    assert " ".join(result.explanation[0].split()) in text
    assert "Decisions — scenario Baseline" not in text
