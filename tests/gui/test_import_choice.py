"""Issue 16 §3 items 1 and 12, GUI side: a plan sheet that would replace what the scenario holds asks first
(Replace, Merge or Cancel), and the compare window leads with the allocations that moved.

Driven on the real main window with the demo plan: the sheet is read on the window's task runner, the choice dialog
is answered with its buttons, and the asserts are on the plan, the undo stack and what the dialog says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from territory_planner.gui.import_choice import MERGE_TEXT, ImportChoiceDialog
from territory_planner.readers.import_effect import ImportEffect, KindEffect

BASE = "baseline"
SLOW = 120_000  # ms

#: Two rows: Texas gets more, New England gets its first money. The demo's baseline holds 7 allocations.
TWO_ROWS = "level,name,budget,hours,start_month\nterritory,Texas,270000,,\nterritory,New England,190000,,\n"


def _sheet(folder: Path, text: str = TWO_ROWS) -> Path:
    path = folder / "money.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _budgets(win: Any) -> dict[tuple[str, str], float]:
    return {key: a.budget for key, a in win.document.scenario.allocations.items()}


def _read_and_ask(win: Any, qtbot: Any, path: Path) -> ImportChoiceDialog:
    """Import the sheet as allocations; the read comes back and the choice dialog is open."""
    task = win.import_export.import_sheet("allocations", path)
    with qtbot.waitSignal(task.finished, timeout=SLOW):
        pass
    dialog = win.import_export.dialog
    assert isinstance(dialog, ImportChoiceDialog)
    assert dialog.isVisible()
    return dialog


def test_a_replacing_sheet_says_what_it_replaces_and_cancel_changes_nothing(
    opened: Any, qtbot: Any, tmp_path: Path
) -> None:
    win = opened
    before = _budgets(win)
    assert len(before) == 7

    dialog = _read_and_ask(win, qtbot, _sheet(tmp_path))

    text = dialog.effect_label.text()
    assert text.startswith("Replaces 7 allocations with 2: removes 6 ")
    assert "changes 1 (Texas)" in text and "adds 1 (New England)" in text
    assert "keeps the 6 allocations the file does not list" in dialog.note_label.text()
    assert dialog.merge_button is not None and dialog.merge_button.text() == MERGE_TEXT
    assert dialog.merge_button.isDefault() and not dialog.replace_button.isDefault()  # Enter never replaces
    assert _budgets(win) == before  # nothing is applied while the dialog asks

    dialog.cancel_button.click()

    assert not dialog.isVisible()
    assert _budgets(win) == before
    assert win.document.undo_stack.count() == 0
    assert win.statusBar().currentMessage() == "Nothing imported from money.csv."


def test_merge_changes_only_the_rows_listed_and_keeps_the_other_allocations(
    opened: Any, qtbot: Any, tmp_path: Path
) -> None:
    win = opened
    before = _budgets(win)
    dialog = _read_and_ask(win, qtbot, _sheet(tmp_path))
    assert dialog.merge_button is not None

    with qtbot.waitSignal(win.messages.note_shown, timeout=SLOW) as blocker:
        dialog.merge_button.click()  # the sheet is read again with merge=True, then applied

    after = _budgets(win)
    assert after[("territory", "Texas")] == 270_000
    assert after[("territory", "New England")] == 190_000
    kept = {key: value for key, value in before.items() if key != ("territory", "Texas")}
    assert {key: after[key] for key in kept} == kept  # the 6 the file does not list stay as they were
    assert len(after) == 8
    stack = win.document.undo_stack
    assert stack.count() == 1
    assert blocker.args[0] == stack.undoText() == "Merge 2 allocations from money.csv"
    stack.undo()
    assert _budgets(win) == before


def test_replace_removes_the_other_allocations_and_the_undo_entry_says_so(
    opened: Any, qtbot: Any, tmp_path: Path
) -> None:
    win = opened
    before = _budgets(win)
    dialog = _read_and_ask(win, qtbot, _sheet(tmp_path))

    with qtbot.waitSignal(win.messages.note_shown, timeout=SLOW) as blocker:
        dialog.replace_button.click()

    assert _budgets(win) == {("territory", "Texas"): 270_000, ("territory", "New England"): 190_000}
    stack = win.document.undo_stack
    assert stack.count() == 1
    label = "Import 2 allocations from money.csv (replaces 7 allocations with 2)"
    assert blocker.args[0] == stack.undoText() == label
    stack.undo()
    assert _budgets(win) == before


def test_a_sheet_that_replaces_nothing_goes_in_without_asking(opened: Any, qtbot: Any, tmp_path: Path) -> None:
    win = opened
    rows = "".join(
        f"{level},{name},{270000 if name == 'Texas' else a.budget},{a.hours or ''},{a.start_month or ''}\n"
        for (level, name), a in win.document.scenario.allocations.items()
    )
    path = _sheet(tmp_path, "level,name,budget,hours,start_month\n" + rows)

    with qtbot.waitSignal(win.messages.note_shown, timeout=SLOW):
        win.import_export.import_sheet("allocations", path)

    assert not isinstance(win.import_export.dialog, ImportChoiceDialog)
    assert win.document.scenario.allocations[("territory", "Texas")].budget == 270_000
    assert win.document.undo_stack.count() == 1


def test_a_sheet_that_cannot_merge_offers_only_replace_and_cancel(qtbot: Any) -> None:
    effect = ImportEffect(BASE, (KindEffect("assumption", 3, 1, removed=("win_rate", "cycle")),))
    dialog = ImportChoiceDialog("assumptions.csv", "assumptions", effect)
    qtbot.addWidget(dialog)
    assert dialog.merge_button is None
    assert dialog.cancel_button.isDefault()
    assert [b.text() for b in dialog.buttons.buttons()].count(MERGE_TEXT) == 0
    with qtbot.waitSignal(dialog.replace_chosen, timeout=1000):
        dialog.replace_button.click()
    assert dialog.choice == "replace"


def test_compare_window_leads_with_the_allocations_that_moved(opened: Any, qtbot: Any) -> None:
    win = opened
    win.scenarios.show_compare()
    cmp = win.scenarios.compare_window
    qtbot.addWidget(cmp)
    cmp.compare(BASE, "Hire 4, fund Texas and New England")

    table = cmp.changes
    rows = [tuple(table.item(r, c).text() for c in range(4)) for r in range(table.rowCount())]
    moves = [r for r in rows if r[0].startswith("Allocation: ")]
    assert rows[: len(moves)] == moves  # the money first, before any territory or hire
    details = [r[3] for r in moves]
    assert details == ["New England $0 → $190k", "Texas $190k → $270k", "West (region pool) $820k → $800k"]
    assert ("Allocation: Texas", "$190k", "$270k", "Texas $190k → $270k") in moves
    assert ("Allocation: New England", "—", "$190k", "New England $0 → $190k") in moves
    assert "3 allocations move" in cmp.headline.text()
