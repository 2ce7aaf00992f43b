"""File → Import → Plan sheet… (issue 16 §3 item 2): the dialog preselects the kind the file's header says, and an
import that fails leaves the dialog open with the choice as it was and says which sheet the file is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox

from territory_planner.gui.sheet_import_dialog import SheetImportDialog

SLOW = 120_000


def _allocations(folder: Path) -> Path:
    path = folder / "money.csv"
    path.write_text("level,name,budget,hours\nregion,West,150000,0\n", encoding="utf-8")
    return path


def test_choosing_an_allocations_file_preselects_marketing_allocations(opened: Any, tmp_path: Path) -> None:
    dialog = opened.import_export.ask_import_sheet()
    assert isinstance(dialog, SheetImportDialog)
    assert dialog.kind_combo.currentData() == "territories"  # nothing chosen yet
    dialog.file_edit.setText(str(_allocations(tmp_path)))
    assert dialog.kind_combo.currentData() == "allocations"
    assert "marketing allocations sheet" in dialog.hint_label.text()
    dialog.reject()


def test_a_failed_import_keeps_the_dialog_open_with_the_choice_and_names_the_sheet(
    opened: Any, qtbot: Any, tmp_path: Path
) -> None:
    win = opened
    before = {name: a.budget for name, a in win.document.scenario.allocations.items()}
    path = _allocations(tmp_path)
    dialog = win.import_export.ask_import_sheet()
    dialog.file_edit.setText(str(path))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("territories"))  # the wrong kind, on purpose

    with qtbot.waitSignal(dialog.problem_shown, timeout=SLOW) as blocker:
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    message = blocker.args[0]
    assert "missing column 'territory'" in message
    assert "“Marketing allocations”" in message  # says which sheet to choose
    assert dialog.isVisible()
    assert dialog.file_edit.text() == str(path)
    assert dialog.kind_combo.currentData() == "territories"
    assert dialog.import_button.isEnabled()
    assert win.document.undo_stack.count() == 0
    assert {name: a.budget for name, a in win.document.scenario.allocations.items()} == before

    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("allocations"))  # corrected: it goes in, closes
    with qtbot.waitSignal(dialog.finished, timeout=SLOW):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    win.import_export.dialog.replace_button.click()  # the sheet replaces the 7 allocations: asked first (G5)
    assert win.document.undo_stack.count() == 1
