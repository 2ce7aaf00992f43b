"""The Handshake panel: the written agreement edited through undoable commands, stored with the plan; KPIs; the
agreed rates beside their benchmarks; text is data (plain-text widgets)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QPlainTextEdit

from territory_planner.domain.handshake import SECTIONS, handshake_rates
from territory_planner.persistence import load_plan, save_plan


def test_every_section_has_a_plain_text_box_and_edits_are_undoable(opened: Any, qtbot: Any) -> None:
    panel = opened.handshake
    assert set(panel.editors) == set(SECTIONS)
    assert all(isinstance(e, QPlainTextEdit) for e in panel.editors.values())
    doc = opened.document
    panel.editors["sla"].setPlainText("Sales follows up an MQL within 2 working days")
    assert panel.commit_section("sla")
    assert doc.plan.governance.handshake.text("sla") == "Sales follows up an MQL within 2 working days"
    assert doc.undo_stack.undoText().startswith("Edit the handshake")
    assert not panel.commit_section("sla")  # unchanged text is not a change
    doc.undo_stack.undo()
    assert doc.plan.governance.handshake.text("sla") == ""
    qtbot.waitUntil(lambda: panel.editors["sla"].toPlainText() == "", timeout=1000)


def test_leaving_a_box_applies_its_text(opened: Any, qtbot: Any) -> None:
    panel = opened.handshake
    opened.show()
    qtbot.waitExposed(opened)
    opened.handshake_dock.show()
    opened.handshake_dock.raise_()
    editor = panel.editors["mql"]
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus, timeout=2000)
    editor.setPlainText("Downloaded two assets and fits the ideal customer profile")
    panel.editors["sql"].setFocus()
    qtbot.waitUntil(
        lambda: opened.document.plan.governance.handshake.text("mql").startswith("Downloaded"), timeout=2000
    )


def test_markup_is_kept_as_text(opened: Any) -> None:
    panel = opened.handshake
    text = '<b>not bold</b> <img src=x onerror=alert(1)> =HYPERLINK("x")'
    panel.editors["lead"].setPlainText(text)
    panel.commit_section("lead")
    assert opened.document.plan.governance.handshake.text("lead") == text
    panel.refresh()
    assert panel.editors["lead"].toPlainText() == text


def test_a_refused_text_changes_nothing_and_shows_the_message(opened: Any) -> None:
    panel = opened.handshake
    panel.editors["handoff"].setPlainText("bad\x07bell")
    assert not panel.commit_section("handoff")
    assert "control character" in opened.messages.last_error
    assert opened.document.plan.governance.handshake.text("handoff") == ""
    assert panel.editors["handoff"].toPlainText() == ""


def test_kpis_are_added_edited_and_removed_through_commands(opened: Any, qtbot: Any) -> None:
    panel = opened.handshake
    kpis = opened.document.plan.governance.handshake.kpis
    assert panel.add_kpi()
    qtbot.waitUntil(lambda: panel.kpi_table.rowCount() == 1, timeout=1000)
    panel.kpi_table.item(0, 0).setText("Pipeline coverage")
    qtbot.waitUntil(lambda: list(kpis) == ["Pipeline coverage"], timeout=1000)
    qtbot.waitUntil(lambda: panel.kpi_table.item(0, 1) is not None, timeout=1000)
    panel.kpi_table.item(0, 1).setText("3x by Q2")
    qtbot.waitUntil(lambda: kpis["Pipeline coverage"].target == "3x by Q2", timeout=1000)
    qtbot.waitUntil(lambda: panel.kpi_table.cellWidget(0, 2) is not None, timeout=1000)
    panel.kpi_table.cellWidget(0, 2).setCurrentText("marketing")
    assert kpis["Pipeline coverage"].owner == "marketing"
    qtbot.waitUntil(lambda: panel.kpi_table.item(0, 0) is not None, timeout=1000)
    panel.kpi_table.setCurrentCell(0, 0)
    assert panel.remove_selected_kpi()
    assert not kpis
    for _ in range(4):
        opened.document.undo_stack.undo()
    assert list(kpis) == ["New KPI"]


def test_the_rates_are_the_assumptions_with_their_benchmarks(opened: Any) -> None:
    panel = opened.handshake
    rates = handshake_rates(opened.document.scenario.assumptions)
    assert panel.rate_table.rowCount() == len(rates)
    for row, rate in enumerate(rates):
        assert panel.rate_table.item(row, 0).text() == rate.label
        assert panel.rate_table.item(row, 1).text() == rate.shown
        assert panel.rate_table.item(row, 2).text() == rate.benchmark


def test_the_handshake_is_stored_in_the_plan_file(opened: Any, tmp_path: Path) -> None:
    panel = opened.handshake
    panel.editors["lead_quality"].setPlainText("Every MQL has a title, a company and a phone number")
    panel.commit_section("lead_quality")
    path = tmp_path / "saved.tplan"
    save_plan(opened.document.plan.deepcopy(), str(path))
    again = load_plan(str(path))
    assert again.governance.handshake.text("lead_quality") == "Every MQL has a title, a company and a phone number"
