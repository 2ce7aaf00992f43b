"""File → Export… and File → Import on the real main window: the dialogs are driven as a person would (their OK
button), the work runs on the window's task runner, and the asserts are on the plan, the undo stack, the files
written and the messages shown."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from territory_planner.domain import Plan
from territory_planner.gui.document import PlanDocument
from territory_planner.gui.import_export import (
    SHOWN_PROBLEMS,
    AccountsImportDialog,
    ExportDialog,
    ExportRequest,
    SheetImportDialog,
    error_text,
)
from territory_planner.readers.errors import InputFileError, Problem

BASE = "baseline"
SLOW = 120_000  # ms; exports of the whole demo plan take seconds on small machines


def _ok(dialog: Any) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def _csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- export ------------------------------------------------------------------------------------------------------


def test_export_dialog_checks_the_shown_scenario_and_names_files_after_the_plan(opened: Any, tmp_path: Path) -> None:
    win = opened
    dialog = win.import_export.ask_export()
    assert isinstance(dialog, ExportDialog)
    checked = [
        dialog.scenario_list.item(i)
        for i in range(dialog.scenario_list.count())
        if dialog.scenario_list.item(i).checkState().value
    ]
    assert [item.data(Qt.ItemDataRole.UserRole) for item in checked] == [BASE]
    assert [item.text() for item in checked] == ["Baseline"]  # shown as the app shows it
    assert dialog.name_edit.text().startswith("Acme Analytics")
    dialog.set_kinds([])
    _ok(dialog)
    assert dialog.isVisible()
    assert "at least one kind of file" in dialog.problem_label.text()
    dialog.reject()


def test_export_geopackage_and_workbook_writes_both(opened: Any, qtbot: Any, tmp_path: Path) -> None:
    win = opened
    out = tmp_path / "out"
    out.mkdir()
    dialog = win.import_export.ask_export()
    dialog.folder_edit.setText(str(out))
    dialog.name_edit.setText("pack")
    dialog.set_kinds(["gpkg", "xlsx"])

    with qtbot.waitSignal(win.messages.note_shown, timeout=SLOW) as blocker:
        _ok(dialog)

    assert sorted(p.name for p in out.iterdir()) == ["pack.gpkg", "pack.xlsx"]
    assert "Exported 2 files" in blocker.args[0]
    assert "pack.gpkg" in blocker.args[0] and "pack.xlsx" in blocker.args[0]
    assert win.document.undo_stack.count() == 0  # an export changes nothing


def test_a_failed_export_shows_why_and_writes_nothing(opened: Any, qtbot: Any, tmp_path: Path) -> None:
    win = opened
    request = ExportRequest((BASE,), {"gpkg": tmp_path / "pack.gpkg", "xlsx": tmp_path / "pack.csv"})

    with qtbot.waitSignal(win.messages.error_shown, timeout=SLOW) as blocker:
        win.import_export.export(request)

    assert "workbook must be an .xlsx file" in blocker.args[0]
    assert list(tmp_path.glob("pack*")) == []


# --- plan sheets -------------------------------------------------------------------------------------------------


def test_importing_an_assignments_sheet_is_one_undo_entry(opened: Any, qtbot: Any, tmp_path: Path) -> None:
    win = opened
    scenario = win.document.scenario
    before = scenario.clone(BASE)
    texas = scenario.units_of("Texas")[:5]
    path = _csv(tmp_path, "moves.csv", "unit_id,territory\n" + "".join(f"{u},Mountain\n" for u in texas))

    dialog = win.import_export.ask_import_sheet()
    assert isinstance(dialog, SheetImportDialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("assignments"))
    dialog.file_edit.setText(str(path))
    with qtbot.waitSignal(win.messages.note_shown, timeout=SLOW) as blocker:
        _ok(dialog)

    assert blocker.args[0] == "Import 5 assignments from moves.csv"
    assert all(scenario.assignment[u] == "Mountain" for u in texas)
    stack = win.document.undo_stack
    assert stack.count() == 1
    stack.undo()
    assert scenario.content_equals(before)


def test_importing_a_territories_sheet_adds_a_territory_and_undo_removes_it(
    opened: Any, qtbot: Any, tmp_path: Path
) -> None:
    win = opened
    scenario = win.document.scenario
    before = scenario.clone(BASE)
    rows = [f"{name},{t.region or ''},{t.color}" for name, t in scenario.territories.items()]
    path = _csv(tmp_path, "territories.csv", "territory,region,color\n" + "\n".join(rows) + "\nGulf Coast,,#4e79a7\n")

    with qtbot.waitSignal(win.messages.note_shown, timeout=SLOW):
        win.import_export.import_sheet("territories", path)

    assert "Gulf Coast" in scenario.territories
    assert win.document.undo_stack.count() == 1
    win.refresh_now()
    win.document.undo_stack.undo()
    assert "Gulf Coast" not in scenario.territories
    assert scenario.content_equals(before)


def test_a_broken_sheet_shows_every_problem_and_leaves_the_plan_unchanged(
    opened: Any, qtbot: Any, tmp_path: Path
) -> None:
    win = opened
    scenario = win.document.scenario
    before = dict(scenario.assignment)
    first = scenario.units_of("Texas")[0]
    path = _csv(tmp_path, "broken.csv", f"unit_id,territory\n{first},Mountain\n99999,Mountain\n{first},Atlantis\n")

    with qtbot.waitSignal(win.messages.error_shown, timeout=SLOW) as blocker:
        win.import_export.import_sheet("assignments", path)

    message = blocker.args[0]
    assert "broken.csv" in message and "nothing was imported" in message
    assert "row 3" in message and "'Atlantis'" in message
    assert scenario.assignment == before
    assert win.document.undo_stack.count() == 0


def test_a_long_list_of_problems_goes_to_details() -> None:
    problems = [Problem("big.csv", row, "territory", "'X' is not a territory.") for row in range(2, 42)]
    message, details = error_text(InputFileError("big.csv", problems))
    assert message.count("  - ") == SHOWN_PROBLEMS
    assert "32 more" in message and "Details" in message
    assert details is not None and details.count("\n") == 39 and "row 41" in details
    short, none = error_text(InputFileError("small.csv", problems[:2]))
    assert none is None and "row 3" in short


# --- CRM accounts ------------------------------------------------------------------------------------------------


@pytest.fixture
def own_layer(window: Any, demo_plan: Plan, tmp_path: Path) -> Any:
    """The main window on a demo plan with its own copy of the layer (accounts imports change unit attributes)."""
    layer = copy.copy(demo_plan.layer)
    layer.units = demo_plan.layer.units.copy()
    plan = Plan(demo_plan.name, layer, demo_plan.scenarios)
    window.set_document(PlanDocument(plan, str(tmp_path / "plan.tplan")))
    window.refresh_now()
    return window


def test_accounts_import_previews_maps_columns_and_undo_removes_the_counts(
    own_layer: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = own_layer
    path = _csv(
        tmp_path,
        "crm.csv",
        "Account Name,Billing Zip,Annual Revenue,Owner\n"
        "Acme,02108,1000,Ann\nBeta,02108,2500,Bob\nGamma,78701,300,Ann\nNowhere,99999,5,Bob\n",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    units = win.document.plan.layer.units

    win.import_export.ask_import_accounts()
    qtbot.waitUntil(lambda: isinstance(win.import_export.dialog, AccountsImportDialog), timeout=SLOW)
    dialog = win.import_export.dialog
    assert dialog.table.rowCount() == 4
    assert dialog.table.item(0, 0).text() == "Acme"
    assert dialog.zip_radio.isChecked() and dialog.zip_combo.currentText() == "Billing Zip"
    assert dialog.name_combo.currentData() == "Account Name"
    assert dialog.preview.numeric == ["Billing Zip", "Annual Revenue"]
    assert [dialog.measure_list.item(i).text() for i in range(dialog.measure_list.count())] == ["Annual Revenue"]
    dialog.set_measures(["Annual Revenue"])
    with qtbot.waitSignal(win.messages.note_shown, timeout=SLOW) as blocker:
        _ok(dialog)

    assert blocker.args[0].startswith("Placed 3 of 4 accounts")
    units = win.document.plan.layer.units
    assert units["accounts"].sum() == 3
    assert units["annual_revenue"].sum() == 3800
    stack = win.document.undo_stack
    assert stack.count() == 1
    stack.undo()
    assert "accounts" not in win.document.plan.layer.units.columns
    assert "annual_revenue" not in win.document.plan.layer.units.columns


def test_accounts_dialog_needs_two_different_coordinate_columns(tmp_path: Path, qtbot: Any) -> None:
    from territory_planner.gui.import_export import preview_task
    from territory_planner.services.progress import Progress

    path = _csv(tmp_path, "geo.csv", "Name,Lat,Lng\nA,41.5,-71.5\n")
    dialog = AccountsImportDialog(path, preview_task(path, Progress()))
    qtbot.addWidget(dialog)
    assert dialog.coords_radio.isChecked()
    assert (dialog.lat_combo.currentText(), dialog.lon_combo.currentText()) == ("Lat", "Lng")
    assert dialog.request().columns.lat == "Lat"
    dialog.lon_combo.setCurrentText("Lat")
    _ok(dialog)
    assert "both “Lat”" in dialog.problem_label.text()


def test_a_bad_accounts_file_shows_the_problem_and_changes_nothing(own_layer: Any, qtbot: Any, tmp_path: Path) -> None:
    win = own_layer
    path = _csv(tmp_path, "empty.csv", "")
    columns = list(win.document.plan.layer.units.columns)

    with qtbot.waitSignal(win.messages.error_shown, timeout=SLOW) as blocker:
        win.import_export.preview_accounts(path)

    assert "empty.csv" in blocker.args[0] and "empty" in blocker.args[0]
    assert list(win.document.plan.layer.units.columns) == columns
    assert win.document.undo_stack.count() == 0


def test_cancelling_an_export_writes_nothing(opened: Any, qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    win = opened
    request = ExportRequest((BASE,), {"gpkg": tmp_path / "pack.gpkg", "xlsx": tmp_path / "pack.xlsx"})
    task = win.import_export.export(request)
    (progress,) = win.findChildren(QProgressDialog)

    with qtbot.waitSignal(task.cancelled, timeout=SLOW):
        progress.findChild(QPushButton).click()  # the dialog's Cancel button

    assert list(tmp_path.glob("pack*")) == []
    assert task.result is None


def test_file_menu_has_import_and_export_enabled_only_with_a_plan(window: Any, demo_plan: Plan) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "&Import" in texts and "&Export…" in texts
    assert [a.text() for a in window.menu_actions.import_menu.actions()] == [
        "Plan &sheet…",
        "&Workbook…",
        "CRM &accounts…",
    ]
    assert window.menu_actions.export_action.shortcut().toString() == "Ctrl+E"
    assert (
        not window.menu_actions.export_action.isEnabled() and not window.menu_actions.import_accounts_action.isEnabled()
    )
    window.set_document(PlanDocument(demo_plan, None))
    assert window.menu_actions.export_action.isEnabled() and window.menu_actions.import_sheet_action.isEnabled()
