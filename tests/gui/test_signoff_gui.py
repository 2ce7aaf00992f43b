"""Dual sign-off in the window: Scenario menu actions, the status beside the scenario name, read-only refusals."""

from __future__ import annotations

from typing import Any

import pytest

from territory_planner.domain.commands import CopyScenario
from territory_planner.domain.signoff import read_only_message
from territory_planner.gui.settings import author_name, set_author_name

WHATIF = "Hire 4, fund Texas and New England"


@pytest.fixture
def whatif(opened: Any) -> Any:
    opened.document.switch_scenario(WHATIF)
    opened.refresh_now()
    return opened


def _menu_texts(window: Any, title: str) -> list[str]:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            return [a.text().replace("&", "") for a in action.menu().actions() if a.text()]
    raise AssertionError(f"no {title} menu")


def test_the_scenario_menu_offers_the_sign_off_steps(opened: Any) -> None:
    texts = _menu_texts(opened, "Scenario")
    for wanted in ("Propose for sign-off", "Sign off as sales", "Sign off as marketing", "Withdraw to draft"):
        assert wanted in texts
    s = opened.signoff
    assert s.propose_action.isEnabled() and not s.sign_sales_action.isEnabled()
    assert not s.withdraw_action.isEnabled()
    assert s.status_label.text() == "Draft"


def test_propose_then_both_sign_offs_approve_and_the_status_follows(whatif: Any) -> None:
    set_author_name(whatif.settings, "Dana")
    s = whatif.signoff
    reasons: list[str] = []
    s._ask_reason = lambda title, prompt: reasons.append(prompt) or "Marketing funds Boston from Q3 events"
    assert s.propose()
    assert whatif.document.plan.governance.status(WHATIF) == "proposed"
    assert s.status_label.text() == "Proposed by Dana, awaiting sign-off"
    assert not s.propose_action.isEnabled() and s.sign_sales_action.isEnabled() and s.withdraw_action.isEnabled()

    assert s.sign_off("sales")
    assert s.status_label.text() == "Proposed by Dana, signed off by Dana (sales)"
    assert not s.sign_sales_action.isEnabled() and s.sign_marketing_action.isEnabled()

    set_author_name(whatif.settings, "Lee")
    assert s.sign_off("marketing")
    approval = whatif.document.plan.governance.approval(WHATIF)
    assert approval.status == "approved"
    assert [(x.name, x.role) for x in approval.sign_offs] == [("Dana", "sales"), ("Lee", "marketing")]
    assert s.status_label.text() == "Approved: signed off by Dana (sales) and Lee (marketing)"
    assert whatif.statusBar().currentMessage().startswith(f"Scenario {WHATIF} is approved")
    # The funded what-if has no blocking flags: nobody was asked for a reason.
    assert not [f for f in whatif.document.report().flags if f.blocking] and reasons == []
    # Each step is one undo entry: undo takes the approval back to proposed.
    whatif.document.undo_stack.undo()
    assert whatif.document.plan.governance.status(WHATIF) == "proposed"
    assert s.status_label.text() == "Proposed by Dana, signed off by Dana (sales)"


def test_blocking_flags_ask_for_the_written_reason_which_is_kept(opened: Any) -> None:
    s = opened.signoff  # the demo baseline has unfunded hires (blocking flags)
    blocking = [f for f in opened.document.report().flags if f.blocking]
    assert blocking
    prompts: list[str] = []
    s._ask_reason = lambda title, prompt: prompts.append(prompt) or "Marketing funds Boston from Q3 events"
    s.propose()
    assert s.sign_off("sales")
    assert len(prompts) == 1 and blocking[0].message in prompts[0]
    approval = opened.document.plan.governance.approval("baseline")
    assert approval.sign_offs[0].reason == "Marketing funds Boston from Q3 events"
    assert "Marketing funds Boston from Q3 events" in s.status_label.toolTip()


def test_a_cancelled_reason_signs_nothing(opened: Any) -> None:
    s = opened.signoff
    s._ask_reason = lambda title, prompt: None
    s.propose()
    entries = opened.document.undo_stack.count()
    assert not s.sign_off("sales")
    assert opened.document.plan.governance.approval("baseline").sign_offs == ()
    assert opened.document.undo_stack.count() == entries


def test_an_empty_reason_is_refused_with_the_domain_message(opened: Any) -> None:
    s = opened.signoff
    s._ask_reason = lambda title, prompt: "  "
    s.propose()
    assert not s.sign_off("sales")
    assert "needs a written reason" in opened.messages.last_error


def test_a_proposed_scenario_refuses_edits_with_the_domain_message(whatif: Any) -> None:
    doc = whatif.document
    whatif.signoff.propose()
    territory = next(iter(doc.scenario.territories))
    unit = next(u for u in doc.plan.layer.unit_ids if doc.scenario.assignment.get(u) != territory)
    before = dict(doc.scenario.assignment)
    entries = doc.undo_stack.count()
    assert not doc.assign_units([unit], territory)
    assert dict(doc.scenario.assignment) == before and doc.undo_stack.count() == entries
    label = f"Assign 1 {doc.plan.layer.unit_noun} to {territory}"
    assert whatif.messages.last_error == read_only_message(doc.plan, WHATIF, f"“{label}”")
    # Another scenario stays editable.
    whatif.document.switch_scenario("baseline")
    assert doc.assign_units([unit], territory)


def test_withdraw_makes_a_draft_again_and_edits_work(whatif: Any) -> None:
    s = whatif.signoff
    s._ask_reason = lambda title, prompt: "agreed"
    set_author_name(whatif.settings, "Dana")
    s.propose()
    s.sign_off("sales")
    assert s.withdraw()
    assert whatif.document.plan.governance.status(WHATIF) == "draft"
    assert s.status_label.text() == "Draft"
    assert "the sign-offs of Dana (sales) were withdrawn" in whatif.statusBar().currentMessage()
    territory = next(iter(whatif.document.scenario.territories))
    unit = next(
        u for u in whatif.document.plan.layer.unit_ids if whatif.document.scenario.assignment.get(u) != territory
    )
    assert whatif.document.assign_units([unit], territory)


def test_the_author_is_a_setting_set_once_and_used_for_changes(opened: Any) -> None:
    from territory_planner.services.session import current_user

    assert author_name(opened.settings) == current_user()
    opened.signoff._ask_name = lambda current: "Dana Whitfield"
    opened.signoff.ask_name()
    assert author_name(opened.settings) == "Dana Whitfield"
    assert opened.document.session.author == "Dana Whitfield"
    opened.document.execute(CopyScenario("baseline", "Copy"))
    assert opened.document.plan.governance.log[-1].author == "Dana Whitfield"
