"""The XLSX workbook: formatted for people, and imported back into a new plan it gives the same check."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from territory_planner.domain import BASELINE, Plan, PlanError, evaluate
from territory_planner.domain.commands import CopyScenario
from territory_planner.readers.errors import InputFileError
from territory_planner.readers.workbook import read_workbook
from territory_planner.services.export import export_pack, import_workbook
from territory_planner.services.reporting import report_to_dict


@pytest.fixture(scope="module")
def workbook(demo_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    export_pack(demo_plan, [BASELINE], xlsx=path)
    return path


def test_sheets_are_formatted_for_people(workbook: Path) -> None:
    wb = load_workbook(workbook)
    assert wb.sheetnames[:6] == ["Territories", "Sellers", "Allocations", "Assumptions", "Assignments", "Flags"]
    for name in wb.sheetnames[:6]:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1] if cell.value)
        assert ws.column_dimensions["A"].width >= 8
    territories = wb["Territories"]
    headers = [c.value for c in territories[1]]
    assert headers[:4] == ["territory", "region", "color", "locked"]
    target = territories.cell(row=2, column=headers.index("Revenue target") + 1)
    assert isinstance(target.value, int | float) and "$" in target.number_format
    assumptions = wb["Assumptions"]
    rates = {row[2].value: row[3] for row in assumptions.iter_rows(min_row=2)}
    assert rates["win_rate"].number_format.endswith("%")
    assert rates["period_start"].value == "2027-01"
    assignments = wb["Assignments"]
    assert all(len(str(row[0].value)) == 5 for row in assignments.iter_rows(min_row=2)), "ids keep leading zeros"
    flags = wb["Flags"]
    assert flags.max_row > 2 and flags.cell(row=2, column=1).value == "Blocking"


@pytest.mark.parametrize("which", ["baseline", "what-if"])
def test_round_trip_into_a_new_plan_gives_the_same_check(demo_plan: Plan, which: str, tmp_path: Path) -> None:
    name = BASELINE if which == "baseline" else next(n for n in demo_plan.scenarios if n != BASELINE)
    path = tmp_path / "plan.xlsx"
    export_pack(demo_plan, [name], xlsx=path)
    fresh = Plan("Imported", demo_plan.layer)
    if name != BASELINE:
        CopyScenario(BASELINE, name).apply(fresh)
    batch = import_workbook(fresh, path, name)
    assert fresh.scenario(name).territories == {}, "reading changes nothing"
    batch.apply(fresh)
    original = report_to_dict(evaluate(demo_plan.scenario(name), demo_plan.layer))
    imported = report_to_dict(evaluate(fresh.scenario(name), fresh.layer))
    assert imported == original
    assert fresh.scenario(name).content_equals(demo_plan.scenario(name))


def test_import_replaces_an_edited_scenario_and_undoes(demo_plan: Plan, workbook: Path) -> None:
    plan = demo_plan.deepcopy()
    what_if = next(n for n in plan.scenarios if n != BASELINE)
    before = plan.scenario(what_if).clone(what_if)
    inverse = read_workbook(plan, what_if, workbook).apply(plan)
    assert plan.scenario(what_if).sellers == demo_plan.scenario(BASELINE).sellers
    inverse.apply(plan)
    assert plan.scenario(what_if).content_equals(before)


def test_missing_sheet_is_named(workbook: Path, demo_plan: Plan, tmp_path: Path) -> None:
    wb = load_workbook(workbook)
    del wb["Allocations"]
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    with pytest.raises(InputFileError, match=r"broken\.xlsx.*Allocations"):
        read_workbook(Plan("x", demo_plan.layer), BASELINE, broken)


def test_bad_cells_are_reported_with_sheet_row_and_column(workbook: Path, demo_plan: Plan, tmp_path: Path) -> None:
    wb = load_workbook(workbook)
    sellers = wb["Sellers"]
    sellers.cell(row=4, column=6).value = "lots"  # annual_quota
    sellers.cell(row=6, column=4).value = "next spring"  # start_month
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    plan = Plan("x", demo_plan.layer)
    with pytest.raises(InputFileError) as caught:
        read_workbook(plan, BASELINE, broken)
    message = str(caught.value)
    assert "broken.xlsx [Sellers], row 4, column 'annual_quota'" in message
    assert "broken.xlsx [Sellers], row 6, column 'start_month'" in message
    assert "nothing was imported" in message
    assert plan.scenario(BASELINE).territories == {}, "a failed import leaves the plan as it was"


def test_not_a_workbook(tmp_path: Path, demo_plan: Plan) -> None:
    fake = tmp_path / "notes.xlsx"
    fake.write_text("just text", encoding="utf-8")
    with pytest.raises(PlanError, match=r"notes\.xlsx"):
        read_workbook(Plan("x", demo_plan.layer), BASELINE, fake)


def test_names_that_look_like_formulas_stay_text(demo_plan: Plan, tmp_path: Path) -> None:
    from territory_planner.domain.commands import RenameRegion, RenameTerritory

    plan = demo_plan.deepcopy()
    risky = '=HYPERLINK("http://example.invalid","click")'
    RenameTerritory(BASELINE, "Texas", risky).apply(plan)
    RenameRegion(BASELINE, "East", "=1+1").apply(plan)
    path = tmp_path / "plan.xlsx"
    export_pack(plan, [BASELINE], xlsx=path)
    sheet = load_workbook(path)["Territories"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)] + [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for cell in cells), "no user text is written as a formula"
    fresh = Plan("Imported", plan.layer)
    import_workbook(fresh, path, BASELINE).apply(fresh)
    assert risky in fresh.scenario(BASELINE).territories
    assert report_to_dict(evaluate(fresh.scenario(BASELINE), fresh.layer)) == report_to_dict(
        evaluate(plan.scenario(BASELINE), plan.layer)
    )


def test_locks_and_home_bases_survive_the_workbook(demo_plan: Plan, tmp_path: Path) -> None:
    from dataclasses import replace

    plan = demo_plan.deepcopy()
    s = plan.scenario(BASELINE)
    key = next(iter(s.allocations))
    s.allocations[key] = replace(s.allocations[key], locked=True)
    path = tmp_path / "plan.xlsx"
    export_pack(plan, [BASELINE], xlsx=path)
    fresh = Plan("Imported", plan.layer)
    import_workbook(fresh, path, BASELINE).apply(fresh)
    got = fresh.scenario(BASELINE)
    assert [k for k, a in got.allocations.items() if a.locked] == [key]
    assert {n: x.home for n, x in got.sellers.items()} == {n: x.home for n, x in s.sellers.items()}
    assert all(x.home for x in got.sellers.values())
