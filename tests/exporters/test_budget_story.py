"""The budget story in the pack: the PDF, the HTML map, the workbook and ``check`` show one reconciliation, and its
figures add up to the cent (plan budget − unallocated = allocated; allocated − allocated to no territory + short −
surplus = program spend needed). The demo baseline: $2.40M budget, $1.945M allocated, $455k unallocated, two
territories short by $233,214.29 together, nine with $99,345.22 over."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from territory_planner.domain import BASELINE, Plan
from territory_planner.domain.budget import reconcile
from territory_planner.exporters.pack import build_pack
from territory_planner.services.export import export_pack
from territory_planner.services.reporting import report_to_dict, report_to_text

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

MONEY = r"(-?)\$([\d,]+\.\d\d)(?![\dMk])"


def cents(sign: str, digits: str) -> int:
    return int(Decimal(digits.replace(",", "")) * 100) * (-1 if sign else 1)


def check_equations(figures: dict[str, int]) -> None:
    """The two equations of the reconciliation, in whole cents."""
    assert figures["Plan budget"] - figures["Unallocated budget"] == figures["Allocated"]
    assert (
        figures["Allocated"] - figures.get("Allocated to no territory", 0) + figures["Short"] - figures["Surplus"]
        == figures["Program spend needed"]
    )


@pytest.fixture(scope="module")
def pack_files(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("budget")
    files = {"pdf": folder / "report.pdf", "html": folder / "map.html", "xlsx": folder / "plan.xlsx"}
    export_pack(demo_plan, [BASELINE], **files)
    return files


@pytest.fixture(scope="module")
def baseline(demo_plan: Plan):  # type: ignore[no-untyped-def]
    return build_pack(demo_plan, [BASELINE], maps=False).scenarios[0].report


def test_demo_reconciliation_by_hand(baseline) -> None:  # type: ignore[no-untyped-def]
    t = baseline.totals
    assert (t.marketing_budget, t.allocated_budget, t.unallocated_budget) == (2_400_000, 1_945_000, 455_000)
    assert (t.territories_short, t.spend_shortfall) == (2, pytest.approx(233_214.29))
    assert (t.territories_with_surplus, t.spend_surplus) == (9, pytest.approx(99_345.22))
    doc = report_to_dict(baseline)["totals"]
    for key in ("unallocated_budget", "spend_surplus", "spend_shortfall"):
        assert key in doc
    assert round(doc["allocated_budget"] + doc["spend_shortfall"] - doc["spend_surplus"], 2) == doc["required_spend"]
    assert round(doc["allocated_budget"] + doc["unallocated_budget"], 2) == doc["marketing_budget"]
    assert "short in 2 territories: $233k; unallocated budget: $455k" in baseline.verdict()


def test_check_text_shows_the_reconciliation(baseline) -> None:  # type: ignore[no-untyped-def]
    text = report_to_text(baseline)
    assert "Plan budget $2.40M = allocated $1.95M + unallocated budget $455k." in text
    assert "short in 2 territories: $233k − surplus in 9 territories: $99k" in text
    assert "the team's 2,600 h (the plan pool)" in text


@needs_poppler
def test_pdf_reconciles_to_the_cent(pack_files: dict[str, Path], baseline) -> None:  # type: ignore[no-untyped-def]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pack_files["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    figures: dict[str, int] = {}
    for label in ("Plan budget", "Unallocated budget", "Allocated", "Program spend needed"):
        found = re.search(rf"(?:^|\s)[−=]?\s*{label}\s+{MONEY}", text, re.MULTILINE)
        assert found, label
        figures[label] = cents(found.group(1), found.group(2))
    for label in ("Short", "Surplus"):
        found = re.search(rf"{label} in \d+ territories\s+{MONEY}", text)
        assert found, label
        figures[label] = cents(found.group(1), found.group(2))
    check_equations(figures)
    assert figures["Short"] == 23_321_429 and figures["Unallocated budget"] == 45_500_000
    # The cover names both numbers; the totals row's Gap is the sum of its column (-$134k, not -$233k).
    assert "short in 2 territories: $233k; unallocated budget: $455k" in flat
    totals_row = next(line for line in text.splitlines() if line.strip().startswith("All territories"))
    assert "-$134k" in totals_row and "-$233k" not in totals_row
    assert "The Gap column sums to -$134k: short in 2 territories: $233k and surplus in 9 territories: $99k." in flat
    for title in ("Where the budget goes", "Regions — scenario", "Investment parity", "Hiring timeline"):
        assert title in flat
    assert "Sales: $1.16M of new hires; marketing: $2.40M of programs, 9.5 % of target." in flat


@needs_poppler
def test_pdf_hours_never_print_zero_hours(pack_files: dict[str, Path]) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pack_files["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    rows = [line for line in text.splitlines() if re.search(r"\d h / ", line)]
    assert len(rows) == 12  # 11 territories and the totals row
    assert all("/ plan pool" in line or line.strip().startswith("All territories") for line in rows)
    assert not re.search(r"(?<![\d,.])0 h\b", text)
    totals_row = next(line for line in rows if line.strip().startswith("All territories"))
    assert "1,873 h / 2,600 h" in totals_row  # the team's hours for the whole plan: the pool where hours are checked


def test_html_data_and_panel_reconcile(pack_files: dict[str, Path]) -> None:
    page = pack_files["html"].read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="tp-data-[^"]*">(.*?)</script>', page, re.DOTALL)
    assert block is not None
    scenario = json.loads(block.group(1))["scenarios"][0]
    b = scenario["budget"]
    c = {k: round(Decimal(str(v)) * 100) for k, v in b.items() if isinstance(v, float | int)}
    check_equations(
        {
            "Plan budget": c["marketing_budget"],
            "Unallocated budget": c["unallocated"],
            "Allocated": c["allocated"],
            "Allocated to no territory": c["unused_allocation"],
            "Short": c["shortfall"],
            "Surplus": c["surplus"],
            "Program spend needed": c["required"],
        }
    )
    assert sum(round(Decimal(str(amount)) * 100) for _, amount in b["by_region"]) == c["allocated"]
    panel = scenario["panel"]
    assert "unallocated budget $455k" in panel and "short in 2 territories: $233k" in panel
    assert "$2,078,869.07" in panel and "$455,000.00" in panel


def test_workbook_reconciles_to_the_cent(pack_files: dict[str, Path], baseline) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(pack_files["xlsx"])
    budget = {
        str(row[2]).split(" in ")[0]: round(Decimal(str(row[3])) * 100)
        for row in wb["Budget"].iter_rows(min_row=2, values_only=True)
    }
    check_equations(budget)
    ws = wb["Territories"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) for name in ("Allocated budget", "Program spend needed", "Gap")}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    gap = sum(round(Decimal(str(r[col["Gap"]])) * 100) for r in rows)
    allocated = sum(round(Decimal(str(r[col["Allocated budget"]])) * 100) for r in rows)
    needed = sum(round(Decimal(str(r[col["Program spend needed"]])) * 100) for r in rows)
    assert gap == budget["Surplus"] - budget["Short"]
    assert allocated == budget["Allocated"] - budget.get("Allocated to no territory", 0)
    assert needed == budget["Program spend needed"]
    hours_col = header.index("Marketing hours allocated")
    assert {r[hours_col] for r in rows} == {"plan pool"}
    regions = list(wb["Regions"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in regions] == ["West", "Central", "East"]
    assert sum(round(Decimal(str(r[11])) * 100) for r in regions) == gap
    assert reconcile(baseline).net_gap * 100 == pytest.approx(gap)
