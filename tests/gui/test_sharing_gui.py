"""Live sharing in the window, against the local PostgreSQL: the window and a second real client (its own
connections) on one server plan. A remote edit reaches the window within a second as a non-undoable edit with a
quiet notice; the window's edits reach the other client; presence; the same field changed by both gives the
choice with both values."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from territory_planner.domain import BASELINE
from territory_planner.domain import commands as c
from territory_planner.gui.conflict_dialog import MINE, THEIRS, FieldConflictDialog
from territory_planner.gui.document import PlanDocument
from territory_planner.gui.settings import set_author_name
from territory_planner.services.plans import open_plan
from territory_planner.services.sharing import SharedSession

pytestmark = pytest.mark.postgres
URL = os.environ.get("TP_TEST_POSTGRES_URL")
SEEN_WITHIN_MS = 1000  # the "within a second"


@pytest.fixture
def server_plan() -> Iterator[str]:
    """A sharing test plan saved on the local PostgreSQL; its rows are removed afterwards."""
    if not URL:
        pytest.skip("TP_TEST_POSTGRES_URL is not set")
    from sqlalchemy import create_engine, delete
    from sqlalchemy.pool import NullPool

    from territory_planner.persistence import plan_target, save_plan
    from territory_planner.persistence import tables as t
    from tests.persistence.sharing_plans import sharing_plan

    target = f"{URL}?plan=gui-{uuid.uuid4().hex[:12]}"
    save_plan(sharing_plan(), target)
    yield target
    where = plan_target(target)
    engine = create_engine(where.sqlalchemy_url(), poolclass=NullPool)
    with engine.begin() as connection:
        for table in (t.display_cache, t.change, t.presence, *t.PLAN_TABLES, t.plan):
            connection.execute(delete(table).where(table.c.plan_key == where.plan_key))
    engine.dispose()


@pytest.fixture
def other(server_plan: str) -> Iterator[Callable[[str], SharedSession]]:
    """``other(name)``: a second client on the plan (threads and connections of its own)."""
    sessions: list[SharedSession] = []

    def make(author: str) -> SharedSession:
        session = SharedSession(server_plan, author, heartbeat_seconds=0.2).start()
        assert session.wait_connected(10)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


@pytest.fixture
def live(window: Any, server_plan: str) -> Iterator[Any]:
    """The window showing the server plan, live, as Sam."""
    set_author_name(window.settings, "Sam")
    window.sharing.heartbeat_seconds = 0.2
    window.set_document(PlanDocument(open_plan(server_plan), server_plan))
    window.refresh_now()
    link = window.sharing.link
    assert link is not None and link.session.wait_connected(10)
    yield window
    window.set_document(None)  # ends the link (threads, presence row)


def _unit_of(plan: Any, territory: str) -> list[str]:
    scenario = plan.scenario(BASELINE)
    return [u for u, t in scenario.assignment.items() if t == territory]


def test_a_remote_edit_reaches_the_window_within_a_second(live: Any, other: Any, qtbot: Any) -> None:
    dana = other("Dana")
    doc = live.document
    units = _unit_of(doc.plan, "T0")[:14]
    dana.apply(c.AssignUnits.to(BASELINE, units, "T1", "square"))
    dana.commit()
    scenario = doc.plan.scenario(BASELINE)
    qtbot.waitUntil(lambda: all(scenario.assignment[u] == "T1" for u in units), timeout=SEEN_WITHIN_MS)
    assert doc.undo_stack.count() == 0  # someone else's edit is not on my undo stack
    qtbot.waitUntil(lambda: "Dana assigned 14 squares to T1" in live.statusBar().currentMessage(), timeout=1000)
    live.refresh_now()
    t1 = next(r for r in doc.report().territories if r.territory == "T1")
    assert t1.units == len(_unit_of(doc.plan, "T1"))  # the views read the changed plan


def test_the_windows_edits_reach_the_other_client_and_stay_undoable(live: Any, other: Any, qtbot: Any) -> None:
    dana = other("Dana")
    doc = live.document
    assert doc.execute(c.RecolourTerritory(BASELINE, "T2", "#123456"))
    assert doc.undo_stack.count() == 1

    def seen() -> bool:
        with dana.lock:
            return dana.plan.scenario(BASELINE).territories["T2"].color == "#123456"

    qtbot.waitUntil(seen, timeout=3000)  # committed a moment after the edit
    assert dana.plan.governance.log[-1].author == "Sam"
    assert doc.undo_stack.isClean()
    doc.undo_stack.undo()  # the undo is a change like any other: shared too
    qtbot.waitUntil(lambda: not seen(), timeout=3000)


def test_presence_shows_who_is_in_the_plan(live: Any, other: Any, qtbot: Any) -> None:
    other("Dana")
    label = live.sharing.presence_label
    qtbot.waitUntil(lambda: "Dana" in label.text() and "Sam" in label.text(), timeout=5000)
    assert label.text().startswith("In this plan: ")


def _conflict(live: Any, other: Any, qtbot: Any) -> tuple[Any, SharedSession, list[Any], list[Callable[[str], None]]]:
    link = live.sharing.link
    link.auto_commit = False
    asked: list[Any] = []
    answer: list[Callable[[str], None]] = []
    live.sharing.ask_conflict = lambda conflicts, done: (asked.append(conflicts), answer.append(done))
    dana = other("Dana")
    doc = live.document
    assert doc.execute(c.RecolourTerritory(BASELINE, "T0", "#aa0000"))
    dana.apply(c.RecolourTerritory(BASELINE, "T0", "#00bb00"))
    dana.commit()
    qtbot.waitUntil(lambda: bool(asked), timeout=3000)
    return doc, dana, asked, answer


def test_the_same_field_changed_by_both_shows_both_values_and_theirs_can_be_taken(
    live: Any, other: Any, qtbot: Any
) -> None:
    doc, _dana, asked, answer = _conflict(live, other, qtbot)
    (conflict,) = asked[0]
    assert (conflict.mine, conflict.theirs, conflict.author) == ("#aa0000", "#00bb00", "Dana")
    dialog = FieldConflictDialog(asked[0], live)
    text = dialog.message.text()
    assert "Dana changed the same field as you" in text and "#aa0000" in text and "#00bb00" in text
    assert dialog.buttons[THEIRS].text() == "Take Dana's"
    dialog.close()
    answer[0](THEIRS)
    assert doc.plan.scenario(BASELINE).territories["T0"].color == "#00bb00"
    assert not live.sharing.link.session.conflicts


def test_keeping_mine_commits_my_value_for_everybody(live: Any, other: Any, qtbot: Any) -> None:
    doc, dana, _asked, answer = _conflict(live, other, qtbot)
    answer[0](MINE)

    def dana_sees_mine() -> bool:
        with dana.lock:
            return dana.plan.scenario(BASELINE).territories["T0"].color == "#aa0000"

    qtbot.waitUntil(dana_sees_mine, timeout=3000)
    assert doc.plan.scenario(BASELINE).territories["T0"].color == "#aa0000"


def test_a_plan_file_is_not_shared_live(opened: Any) -> None:
    assert opened.sharing.link is None and opened.document.sharing is None
    assert not opened.sharing.presence_label.isVisible()
