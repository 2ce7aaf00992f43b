"""The Comments panel: add, resolve and reopen comments on a territory, hire, assumption or the scenario, through
undoable commands; the list follows the selected object; the dock title counts the open ones."""

from __future__ import annotations

from typing import Any

from territory_planner.gui.settings import set_author_name


def test_add_resolve_and_reopen_a_comment_on_a_territory(opened: Any, qtbot: Any) -> None:
    set_author_name(opened.settings, "Lee")
    opened.documents.adopt(opened.document)
    panel = opened.comments
    panel.show_subject("territory", "Texas")
    assert panel.subject_box.currentData() == "territory:Texas"
    assert panel.add("Check the <b>border</b> with Oklahoma")
    comments = opened.document.plan.governance.comments
    (comment,) = comments.values()
    assert (comment.subject_type, comment.subject, comment.author) == ("territory", "Texas", "Lee")
    assert comment.scenario == "baseline"
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=1000)
    assert panel.model.item(0, 1).text() == "Check the <b>border</b> with Oklahoma"
    assert opened.comments_dock.windowTitle() == "Comments (1 open)"
    assert "(1 open)" in panel.subject_box.currentText()

    panel.select_row(0)
    assert panel.resolve_button.text() == "Resolve"
    assert panel.toggle_selected()
    assert next(iter(comments.values())).resolved
    qtbot.waitUntil(lambda: opened.comments_dock.windowTitle() == "Comments", timeout=1000)
    opened.document.undo_stack.undo()
    assert not next(iter(comments.values())).resolved
    opened.document.undo_stack.undo()
    assert not comments


def test_the_list_follows_the_selected_object(opened: Any, qtbot: Any) -> None:
    panel = opened.comments
    panel.show_subject("territory", "Texas")
    panel.add("About Texas")
    seller = next(iter(opened.document.scenario.sellers))
    panel.show_subject("seller", seller)
    panel.add("About the seller")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=1000)
    assert panel.model.item(0, 1).text() == "About the seller"
    opened.territories.active_territory_changed.emit("Texas")
    assert [panel.model.item(r, 1).text() for r in range(panel.model.rowCount())] == ["About Texas"]
    panel.all_box.setChecked(True)
    assert panel.model.rowCount() == 2


def test_an_empty_comment_is_refused(opened: Any) -> None:
    assert not opened.comments.add("   ")
    assert "needs some text" in opened.messages.last_error
    assert not opened.document.plan.governance.comments


def test_comments_on_a_proposed_scenario_are_allowed(opened: Any) -> None:
    opened.signoff.propose()
    opened.comments.show_subject("scenario", "baseline")
    assert opened.comments.add("Ready for marketing's sign-off?")
