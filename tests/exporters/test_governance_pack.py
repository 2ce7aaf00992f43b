"""The pack carries the governance of the plan: the cover shows each scenario's status, sign-offs with their dates
and the written reason of an approval despite blocking flags; a Handshake page in the PDF and a Handshake sheet in
the workbook (benchmark ranges beside each agreed rate); the comments listed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from territory_planner.domain import BASELINE, Plan, evaluate
from territory_planner.domain import commands as c
from territory_planner.domain.changelog import apply_command
from territory_planner.domain.governance import Comment
from territory_planner.domain.handshake import Kpi
from territory_planner.services.demo import build_demo_plan
from territory_planner.services.export import export_pack

AT = "2027-02-01T10:00:00+00:00"
REASON = "marketing to fund from Q3 events budget"
HOSTILE_COMMENT = '<b>bold</b> =HYPERLINK("http://x") check the Texas border'


@pytest.fixture(scope="module")
def governed() -> Plan:
    """The demo plan with a written handshake, comments and an approved baseline (which has blocking flags)."""
    plan = build_demo_plan()
    what_if = next(n for n in plan.scenarios if n != BASELINE)
    for command in (
        c.SetHandshakeText("mql", "Downloaded two assets and fits the ideal customer profile"),
        c.SetHandshakeText("sla", "Sales follows up an MQL within 2 working days"),
        c.SetKpi("Pipeline coverage", Kpi("Pipeline coverage", "3x by Q2", "joint")),
        c.AddComment(Comment("c1", "territory", "Texas", BASELINE, "Dana", AT, HOSTILE_COMMENT)),
        c.AddComment(Comment("c2", "scenario", what_if, what_if, "Lee", AT, "Only if Q3 events land", True)),
        c.ProposeScenario(BASELINE, "Dana", AT),
        c.SignOffScenario(BASELINE, "Dana", "sales", AT, REASON),
        c.SignOffScenario(BASELINE, "Lee", "marketing", "2027-02-02T09:30:00+00:00", REASON),
    ):
        apply_command(plan, command, author="Dana")
    assert plan.governance.status(BASELINE) == "approved"
    return plan


def _pdf_text(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_cover_handshake_page_and_comments(governed: Plan, tmp_path: Path) -> None:
    path = tmp_path / "pack.pdf"
    export_pack(governed, list(governed.scenarios), pdf=path)
    pages = _pdf_text(path)
    cover = pages[0]
    assert "Status: Approved: signed off by Dana (sales) and Lee (marketing)" in cover
    assert "Signed off by Dana (sales), 2027-02-01 10:00 UTC" in cover
    assert "Signed off by Lee (marketing), 2027-02-02 09:30 UTC" in cover
    flags = [f for f in evaluate(governed.scenario(BASELINE), governed.layer).flags if f.blocking]
    assert flags
    first = re.escape(flags[0].subject)
    assert re.search(rf"Approved with {len(flags)} blocking flags? \({first}, .+\): {REASON}", cover)
    assert "Status: Draft" in cover  # the what-if

    handshake = next(p for p in pages if "The handshake" in p and "Agreed conversion rates" in p)
    assert "Sales follows up an MQL within 2 working days" in handshake
    assert "What counts as a lead Not written yet." in handshake
    assert "Pipeline coverage 3x by Q2 joint" in handshake
    # each agreed rate with its benchmark range beside it
    assert re.search(r"Lead → MQL \d+(\.\d+)? ?% typical 20–40 %", handshake), handshake

    flat = " ".join(pages)
    assert "Comments — scenario baseline" in flat
    assert HOSTILE_COMMENT in flat  # drawn as text, never as markup
    assert "Only if Q3 events land" in flat and "Resolved" in flat


def test_the_workbook_has_a_handshake_and_a_comments_sheet(governed: Plan, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "pack.xlsx"
    export_pack(governed, list(governed.scenarios), xlsx=path)
    wb = load_workbook(path)
    assert {"Handshake", "Comments"} <= set(wb.sheetnames)
    rows = [tuple("" if v is None else str(v) for v in row) for row in wb["Handshake"].iter_rows(values_only=True)]
    as_text = {r[0]: r for r in rows}
    assert as_text["Service level (SLA)"][1] == "Sales follows up an MQL within 2 working days"
    assert as_text["Pipeline coverage"][1:3] == ("3x by Q2", "joint")
    rate_rows = [r for r in rows if r[0] == "Lead → MQL"]
    assert len(rate_rows) == len(governed.scenarios)
    assert rate_rows[0][2] == "typical 20–40 %"
    baseline = next(r for r in rows if r[0] == BASELINE)
    assert baseline[1] == "Approved: signed off by Dana (sales) and Lee (marketing)"
    assert "Signed off by Lee (marketing), 2027-02-02 09:30 UTC" in baseline[2] and REASON in baseline[3]

    comments = list(wb["Comments"].iter_rows(values_only=True))
    assert comments[0] == ("Scenario", "About", "Author", "When", "Comment", "State")
    texts = {row[4]: row for row in comments[1:]}
    # the hostile text is stored as text, never as a formula
    hostile = next(v for k, v in texts.items() if "check the Texas border" in str(k))
    assert hostile[1] == "Territory Texas" and hostile[5] == "open"
    assert not str(hostile[4]).startswith("=")
    assert texts["Only if Q3 events land"][5] == "resolved"


def test_a_plan_without_comments_has_no_comments_sheet_and_a_draft_cover(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    plan = build_demo_plan()
    path = tmp_path / "plain.xlsx"
    export_pack(plan, [BASELINE], xlsx=path)
    wb = load_workbook(path)
    assert "Comments" not in wb.sheetnames and "Handshake" in wb.sheetnames
    rows = {r[0]: r for r in wb["Handshake"].iter_rows(values_only=True)}
    assert rows[BASELINE][1] == "Draft"
