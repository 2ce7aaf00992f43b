"""The allocations sheet's ``locked`` column and the sellers sheet's ``home`` column (issues 11 and 12): read,
refused with the row and the fix when wrong, written back by the sheet and workbook exports, kept by undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader_fixtures import assert_unchanged, county_layer, small_plan, snapshot

from territory_planner.domain import BASELINE, PlanError
from territory_planner.exporters.sheets import export_sheets
from territory_planner.readers.sheets import read_sheet


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")  # as Excel writes CSV: with a BOM
    return path


def test_locked_column_reads_yes_no_true_false_and_blank(tmp_path: Path) -> None:
    plan = small_plan()
    path = _csv(
        tmp_path,
        "allocations.csv",
        "level,name,budget,hours,start_month,locked\n"
        "territory,Boston,100000,,,YES\nterritory,Cape,5000,,,\nregion,East,20000,,,false\n",
    )
    read_sheet("allocations", plan, BASELINE, path).apply(plan)
    got = {k: a.locked for k, a in plan.scenario().allocations.items()}
    assert got == {("territory", "Boston"): True, ("territory", "Cape"): False, ("region", "East"): False}


def test_a_bad_locked_value_names_the_row_and_changes_nothing(tmp_path: Path) -> None:
    plan = small_plan()
    before = snapshot(plan)
    path = _csv(tmp_path, "allocations.csv", "level,name,budget,locked\nterritory,Boston,100000,maybe\n")
    with pytest.raises(PlanError) as caught:
        read_sheet("allocations", plan, BASELINE, path)
    text = str(caught.value)
    assert "allocations.csv" in text and "row 2" in text and "locked" in text and "yes or no" in text
    assert_unchanged(plan, before)


def test_homes_are_tidied_and_unknown_places_are_refused_with_the_row(tmp_path: Path) -> None:
    plan = small_plan()
    path = _csv(
        tmp_path,
        "sellers.csv",
        "seller,territory,status,annual_quota,home\n"
        "Ann,Boston,existing,1000000,2108\n"
        'Cy,Cape,existing,900000,"hyannis, ma"\n'
        "Di,,planned,800000,41.7,-70.3\n",
    )
    # "41.7,-70.3" unquoted splits into two cells: the row has one cell too many, and says so.
    with pytest.raises(PlanError):
        read_sheet("sellers", plan, BASELINE, path)
    path.write_text(
        "seller,territory,status,annual_quota,start_month,home\n"
        "Ann,Boston,existing,1000000,,2108\n"
        'Cy,Cape,existing,900000,,"hyannis, ma"\n'
        'Di,,planned,800000,2027-03,"41.7,-70.3"\n',
        encoding="utf-8",
    )
    read_sheet("sellers", plan, BASELINE, path).apply(plan)
    homes = {n: s.home for n, s in plan.scenario().sellers.items()}
    assert homes == {"Ann": "02108", "Cy": "hyannis, MA", "Di": "41.7,-70.3"}

    bad = _csv(tmp_path, "bad.csv", "seller,territory,status,annual_quota,home\nAnn,Boston,existing,1,00000\n")
    before = snapshot(plan)
    with pytest.raises(PlanError) as caught:
        read_sheet("sellers", plan, BASELINE, bad)
    text = str(caught.value)
    assert "bad.csv" in text and "row 2" in text and "home" in text and "00000" in text and "ZIP code" in text
    assert_unchanged(plan, before)


def test_exported_sheets_carry_locks_and_homes_back_in(tmp_path: Path) -> None:
    plan = small_plan()
    s = plan.scenario()
    from dataclasses import replace

    s.allocations[("territory", "Boston")] = replace(s.allocations[("territory", "Boston")], locked=True)
    s.sellers["Ann"] = replace(s.sellers["Ann"], home="Boston, MA")
    folder = tmp_path / "sheets"
    export_sheets(plan, BASELINE, folder)
    fresh = small_plan()
    for kind in ("allocations", "sellers"):
        read_sheet(kind, fresh, BASELINE, next(folder.glob(f"*{kind}*.csv"))).apply(fresh)
    assert fresh.scenario().allocations[("territory", "Boston")].locked is True
    assert fresh.scenario().sellers["Ann"].home == "Boston, MA"


def test_a_home_base_lands_in_the_unit_that_holds_it() -> None:
    from territory_planner.services.homes import HomePlacer

    placer = HomePlacer(county_layer())
    assert placer.unit_of("78701") == "48453"  # Travis County, TX
    assert placer.unit_of("Austin, TX") == "48453"
    assert placer.unit_of("30.2672,-97.7431") == "48453"
    assert placer.unit_of("10001") == "36061"  # a ZIP code is not read as a county id (10001 is Kent, DE)
    assert placer.unit_of("99501") == "02020"  # Anchorage
    assert placer.unit_of(None) is None and placer.unit_of("96799") is None  # American Samoa: not on this map
