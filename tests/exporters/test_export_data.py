"""``export-data``: CSV plan sheets that a spreadsheet cannot run, that read back exactly, written all or nothing."""

from __future__ import annotations

import csv
import errno
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from territory_planner.cli import cli
from territory_planner.domain import BASELINE, Plan, evaluate
from territory_planner.domain.commands import Batch, CopyScenario, EditSeller, RenameRegion, RenameTerritory
from territory_planner.domain.text import unguard_formula
from territory_planner.exporters import sheets
from territory_planner.exporters.atomic import TEMP_TAG
from territory_planner.exporters.cells import FORMULA_START, guard_formula, needs_guard
from territory_planner.exporters.pack import ExportError
from territory_planner.persistence import load_plan, save_plan
from territory_planner.services.export import export_pack, import_workbook
from territory_planner.services.reporting import report_to_dict

#: Names a spreadsheet would run, or that break naive CSV writing. Each is a valid name (a tab or carriage return in
#: front is a control character, which names refuse; the cell-level tests below still cover them); they go into
#: every name field: territory, region, seller, scenario, plan.
FORMULA_NAMES = [
    "==1",
    "=A1*2",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+SUM(A1)",
    "-2+3",
    "@SUM(1)",
    "=cmd|' /C calc'!A0",
    "-5",
    "+1.5e3",
    "=",
    "-",
    "'=3",
    "''+x",
    "'quoted'",
    'say "hi", then go',
    "a,b;c|d",
    "Zürich – Ost 東京 🙂",
    '=DDE("cmd";"/C calc";"A1")',
    "@@@ -- ==",
]
HOSTILE_SCENARIO = "=cmd|' /C calc'!A0 what-if"
HOSTILE_PLAN = '=HYPERLINK("http://evil.invalid","Plan")'
SHEET_KINDS = ["territories", "assumptions", "sellers", "allocations", "assignments", "attributes"]
_PLAIN_NUMBER = ("-5", "+1.5e3")


def _formula_plan(demo_plan: Plan) -> Plan:
    """The demo plan with the corpus in every territory, region and seller name, and hostile scenario/plan names."""
    plan = demo_plan.deepcopy()
    scenario = plan.scenario(BASELINE)
    territories = list(scenario.territories)
    regions = sorted({t.region for t in scenario.territories.values() if t.region})
    commands: list[Any] = [
        RenameTerritory(BASELINE, old, FORMULA_NAMES[i % len(FORMULA_NAMES)]) for i, old in enumerate(territories)
    ]
    commands += [RenameRegion(BASELINE, old, FORMULA_NAMES[-1 - i]) for i, old in enumerate(regions)]
    Batch("Hostile territories and regions", tuple(commands)).apply(plan)
    sellers = list(plan.scenario(BASELINE).sellers.values())
    for i, seller in enumerate(sellers[: len(FORMULA_NAMES)]):
        new = FORMULA_NAMES[(i + 5) % len(FORMULA_NAMES)]
        EditSeller(BASELINE, seller.name, replace(seller, name=new)).apply(plan)
    CopyScenario(BASELINE, HOSTILE_SCENARIO).apply(plan)
    plan.name = HOSTILE_PLAN
    return plan


@pytest.fixture(scope="module")
def formula_plan(demo_plan: Plan) -> Plan:
    return _formula_plan(demo_plan)


def _names(plan: Plan, scenario: str) -> dict[str, Any]:
    s = plan.scenario(scenario)
    return {
        "territories": {t.name: t.region for t in s.territories.values()},
        "sellers": {x.name: x.territory for x in s.sellers.values()},
        "allocations": sorted((a.level, a.name) for a in s.allocations.values()),
        "overrides": (sorted(s.assumptions.region_overrides), sorted(s.assumptions.territory_overrides)),
    }


def _report(plan: Plan, scenario: str) -> dict[str, Any]:
    """The check of a scenario, without the scenario's own name."""
    report = report_to_dict(evaluate(plan.scenario(scenario), plan.layer))
    report.pop("scenario")
    return report


def _is_plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return not needs_guard(text)


def _run(*args: object) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_the_corpus_reaches_every_name_field(formula_plan: Plan) -> None:
    names = _names(formula_plan, HOSTILE_SCENARIO)
    assert {"==1", "=A1*2", "=1+1", "-2+3", "=cmd|' /C calc'!A0"} <= set(names["territories"])
    assert any(r and r.startswith(("=", "@", "+", "-")) for r in names["territories"].values())
    assert sum(1 for s in names["sellers"] if s.startswith(FORMULA_START)) >= 8
    assert formula_plan.name.startswith("=")


def test_export_data_cells_never_start_a_formula_and_import_gives_the_same_names(
    formula_plan: Plan, tmp_path: Path
) -> None:
    source = tmp_path / "hostile.tplan"
    save_plan(formula_plan, source)
    out = tmp_path / "sheets"
    result = _run("export-data", source, out, "--scenario", HOSTILE_SCENARIO)
    assert result.exit_code == 0, result.output
    guarded = 0
    for kind in SHEET_KINDS:
        with open(out / f"{kind}.csv", encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell.startswith(FORMULA_START):
                        assert _is_plain_number(cell), f"{kind}.csv has a formula cell {cell!r}"
                    guarded += cell.startswith("'")
    assert guarded >= 20, "the hostile names were written with the guard"
    fresh = tmp_path / "fresh.tplan"
    assert _run("new", fresh, "--layer", "us-counties").exit_code == 0
    for kind in SHEET_KINDS:
        result = _run("import", kind, fresh, out / f"{kind}.csv")
        assert result.exit_code == 0, result.output
    imported = load_plan(fresh)
    assert _names(imported, BASELINE) == _names(formula_plan, HOSTILE_SCENARIO)
    assert _report(imported, BASELINE) == _report(formula_plan, HOSTILE_SCENARIO)


def test_workbook_has_no_formula_cell_and_imports_back(formula_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    export_pack(formula_plan, [HOSTILE_SCENARIO, BASELINE], xlsx=path)
    book = load_workbook(path)
    seen: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not cell.value.startswith(FORMULA_START) or _is_plain_number(cell.value), (
                        f"{sheet.title}!{cell.coordinate} = {cell.value!r}"
                    )
                    seen.add(cell.value)
    assert guard_formula(HOSTILE_PLAN) in seen and guard_formula(HOSTILE_SCENARIO) in seen
    fresh = Plan("Imported", formula_plan.layer)
    import_workbook(fresh, path, BASELINE).apply(fresh)
    assert _names(fresh, BASELINE) == _names(formula_plan, HOSTILE_SCENARIO)


@given(st.text(max_size=12))
def test_guard_and_unguard_are_inverse(text: str) -> None:
    written = guard_formula(text)
    assert unguard_formula(written) == text
    assert not written.startswith(FORMULA_START) or _is_plain_number(written)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("-2+3", "'-2+3"),
        ("-5", "-5"),
        ("+1.5e3", "+1.5e3"),
        ("North", "North"),
        ("'=x", "''=x"),
        ("'North", "'North"),
    ],
)
def test_guard_examples(text: str, written: str) -> None:
    assert guard_formula(text) == written
    assert unguard_formula(written) == text


# --- all or nothing -----------------------------------------------------------------------------------------


def _old_sheets(folder: Path) -> dict[str, bytes]:
    folder.mkdir(exist_ok=True)
    old = {}
    for kind in SHEET_KINDS:
        data = f"last week's {kind}\n".encode()
        (folder / f"{kind}.csv").write_bytes(data)
        old[f"{kind}.csv"] = data
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    return old


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_full_disk_midway_changes_none_of_the_sheets(
    demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sheets"
    old = _old_sheets(out)
    before = _contents(out)
    real = sheets.write_bytes
    calls: list[Path] = []

    def write(path: str | os.PathLike[str], data: bytes) -> None:
        calls.append(Path(path))
        if len(calls) == 3:
            Path(path).write_bytes(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(sheets, "write_bytes", write)
    with pytest.raises(ExportError) as caught:
        sheets.export_sheets(demo_plan, BASELINE, out)
    message = str(caught.value)
    assert "No space left on device" in message and str(out / calls[2].name) in message
    assert TEMP_TAG not in message, "the message names the user's file, not our scratch folder"
    assert _contents(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted([*old, "notes.txt"]), "no scratch folder is left"


def test_a_failed_move_puts_every_old_sheet_back(
    demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sheets"
    _old_sheets(out)
    before = _contents(out)
    real = os.replace
    moves: list[str] = []

    def flaky_replace(src: Any, dst: Any) -> None:
        moves.append(str(dst))
        if len(moves) == 7:  # after three sheets were moved in (old out + new in each)
            raise OSError(errno.EIO, "Input/output error", str(dst))
        real(src, dst)

    monkeypatch.setattr(sheets.os, "replace", flaky_replace)
    with pytest.raises(ExportError, match="Input/output error"):
        sheets.export_sheets(demo_plan, BASELINE, out)
    monkeypatch.setattr(sheets.os, "replace", real)
    assert _contents(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


def test_a_new_folder_is_removed_again_on_failure(
    demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(path: Any, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(sheets, "write_bytes", full)
    with pytest.raises(ExportError, match="No space left"):
        sheets.export_sheets(demo_plan, BASELINE, tmp_path / "new" / "sheets")
    assert list(tmp_path.iterdir()) == [] or list((tmp_path / "new").iterdir()) == []
    assert not (tmp_path / "new" / "sheets").exists()


def test_success_replaces_all_sheets_and_keeps_other_files(demo_plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    _old_sheets(out)
    (out / f".plan-sheets{TEMP_TAG}.d").mkdir()  # left by an export that was killed
    (out / f".plan-sheets{TEMP_TAG}.d" / "territories.csv").write_text("half", encoding="utf-8")
    written = sheets.export_sheets(demo_plan, BASELINE, out)
    assert sorted(p.name for p in written) == sorted(f"{k}.csv" for k in SHEET_KINDS)
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.name for p in written), "notes.txt"])
    assert all(not p.read_bytes().startswith(b"last week") for p in written)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_cli_export_data_on_a_full_disk_exits_2_naming_the_file(
    demo_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "p.tplan"
    save_plan(demo_plan, plan)
    out = tmp_path / "sheets"
    before = _contents(out) if _old_sheets(out) else {}

    def full(path: Any, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(sheets, "write_bytes", full)
    result = CliRunner().invoke(cli, ["export-data", str(plan), str(out)])
    assert result.exit_code == 2
    assert "territories.csv" in result.stderr and "No space left" in result.stderr
    assert TEMP_TAG not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _contents(out) == before
