"""Live sharing on PostgreSQL with two and three real clients (threads, each with its own connections): edits of
different territories merge and reach every client, the same field edited on both sides is a conflict naming both
values, sign-off rules hold across clients, and faults (a killed connection, a client killed mid-commit, a server
restart) lose or duplicate nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sharing_plans import TERRITORIES, sharing_plan, wait_for
from sqlalchemy import create_engine, delete, func, select, text
from sqlalchemy.pool import NullPool

from territory_planner.domain import BASELINE, evaluate
from territory_planner.domain import commands as c
from territory_planner.domain.signoff import ScenarioReadOnly
from territory_planner.persistence import PlanTarget, load_plan, save_plan
from territory_planner.persistence import tables as t
from territory_planner.persistence.errors import FieldConflictError
from territory_planner.services.reporting import report_to_dict
from territory_planner.services.sharing import SharedSession, SharingCallbacks

pytestmark = pytest.mark.postgres
AT = "2027-02-01T10:00:00+00:00"
SEEN_WITHIN = 1.0  # seconds: the "within a second"


class Recorder:
    """Callbacks that remember what a session was told."""

    def __init__(self) -> None:
        self.notices: list[str] = []
        self.status: list[str] = []
        self.dropped: list[str] = []
        self.present: list[list[str]] = []

    def callbacks(self) -> SharingCallbacks:
        return SharingCallbacks(
            on_remote=lambda changes, notices: self.notices.extend(notices),
            on_status=self.status.append,
            on_dropped=lambda dropped: self.dropped.extend(message for _, message in dropped),
            on_presence=lambda present: self.present.append(sorted(p.author for p in present)),
        )


@pytest.fixture
def shared(postgres_target: PlanTarget) -> Iterator[Callable[..., tuple[SharedSession, Recorder]]]:
    """Saves the sharing plan on the server; ``open(author)`` starts a connected client on it."""
    save_plan(sharing_plan(), postgres_target)
    sessions: list[SharedSession] = []

    def open_session(author: str, **options: object) -> tuple[SharedSession, Recorder]:
        recorder = Recorder()
        session = SharedSession(postgres_target, author, recorder.callbacks(), **options)  # type: ignore[arg-type]
        session.start()
        assert session.wait_connected(10)
        sessions.append(session)
        return session, recorder

    yield open_session
    for session in sessions:
        session.close()
    engine = create_engine(postgres_target.sqlalchemy_url(), poolclass=NullPool)
    with engine.begin() as connection:
        for table in (t.change, t.presence):
            connection.execute(delete(table).where(table.c.plan_key == postgres_target.plan_key))
    engine.dispose()


def _check_json(session: SharedSession, scenario: str = BASELINE) -> dict[str, object]:
    with session.lock:
        return report_to_dict(evaluate(session.plan.scenario(scenario), session.plan.layer))


def _colour(session: SharedSession, territory: str, scenario: str = BASELINE) -> str:
    with session.lock:
        return session.plan.scenario(scenario).territories[territory].color


def test_two_clients_editing_different_territories_both_survive_and_each_sees_the_other(shared) -> None:
    a, a_heard = shared("Dana")
    b, b_heard = shared("Lee")
    a.apply(c.RecolourTerritory(BASELINE, "T0", "#aa0000"))
    a.apply(c.AssignUnits.to(BASELINE, ["00100", "00101"], "T0", "square"))
    b.apply(c.RecolourTerritory(BASELINE, "T1", "#00bb00"))
    a.commit()
    b.commit()  # B had not seen A's commit when it edited: its commit rebases, no conflict
    assert wait_for(lambda: _colour(a, "T1") == "#00bb00", SEEN_WITHIN)
    assert wait_for(lambda: b.plan.scenario().assignment["00100"] == "T0", SEEN_WITHIN)
    assert _colour(b, "T0") == "#aa0000"
    assert "Dana assigned 2 squares to T0" in b_heard.notices
    assert "Lee recoloured territory T1" in a_heard.notices
    fresh = load_plan(a.store.where)
    assert fresh.scenario().territories["T0"].color == "#aa0000"
    assert fresh.scenario().territories["T1"].color == "#00bb00"
    assert _check_json(a) == _check_json(b) == report_to_dict(evaluate(fresh.scenario(), fresh.layer))
    assert [e.sequence for e in fresh.governance.log] == [1, 2, 3]
    assert [e.author for e in fresh.governance.log] == ["Dana", "Dana", "Lee"]


def test_three_clients_committing_at_once_all_converge(shared) -> None:
    clients = [shared(name)[0] for name in ("Dana", "Lee", "Ravi")]
    barrier = threading.Barrier(len(clients))
    errors: list[BaseException] = []

    def work(i: int, session: SharedSession) -> None:
        try:
            barrier.wait()
            for k in range(5):
                session.apply(c.RecolourTerritory(BASELINE, TERRITORIES[i], f"#{i:02d}{k:02d}00"))
                session.apply(c.AssignUnits.to(BASELINE, [f"{190 + i * 3 + k % 3:05d}"], TERRITORIES[i], "square"))
                session.commit()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    expected = {TERRITORIES[i]: f"#{i:02d}0400" for i in range(3)}
    for session in clients:
        assert wait_for(lambda s=session: all(_colour(s, k) == v for k, v in expected.items()), SEEN_WITHIN)
        assert wait_for(lambda s=session: s.plan.governance.last_sequence() == 30, SEEN_WITHIN)
    reports = [_check_json(s) for s in clients]
    assert reports[0] == reports[1] == reports[2]
    fresh = load_plan(clients[0].store.where)
    assert [e.sequence for e in fresh.governance.log] == list(range(1, 31))
    for i in range(3):
        assert fresh.scenario().territories[TERRITORIES[i]].color == expected[TERRITORIES[i]]
        assert fresh.scenario().assignment[f"{190 + i * 3:05d}"] == TERRITORIES[i]


def test_the_same_field_changed_by_both_is_refused_to_the_later_save_with_both_values(shared) -> None:
    a, _ = shared("Dana")
    b, _ = shared("Lee")
    a.apply(c.RecolourTerritory(BASELINE, "T0", "#111111"))
    b.apply(c.RecolourTerritory(BASELINE, "T0", "#222222"))
    b.apply(c.RecolourTerritory(BASELINE, "T5", "#555555"))  # not in conflict: kept whatever is chosen
    a.commit()
    with pytest.raises(FieldConflictError) as caught:
        b.commit()
    [conflict] = caught.value.conflicts
    assert (conflict.mine, conflict.theirs, conflict.author) == ("#222222", "#111111", "Dana")
    assert conflict.what == "the color of territory T0 in scenario baseline"
    assert "Dana changed the same field as you" in str(caught.value) and "'#222222'" in str(caught.value)
    assert _colour(b, "T0") == "#222222"  # B still sees its own value until it chooses
    assert load_plan(a.store.where).scenario().territories["T5"].color != "#555555"  # nothing of B was written

    b.take_theirs()
    assert _colour(b, "T0") == "#111111" and _colour(b, "T5") == "#555555"
    b.commit()
    assert wait_for(lambda: _colour(a, "T5") == "#555555", SEEN_WITHIN)
    assert _colour(a, "T0") == "#111111"


def test_keeping_mine_writes_my_value_over_theirs(shared) -> None:
    a, _ = shared("Dana")
    b, _ = shared("Lee")
    a.apply(c.SetAssumption(BASELINE, "plan", None, "win_rate", 0.3))
    b.apply(c.SetAssumption(BASELINE, "plan", None, "win_rate", 0.2))
    a.commit()
    with pytest.raises(FieldConflictError) as caught:
        b.commit()
    assert caught.value.conflicts[0].what == "assumption win_rate of the plan in scenario baseline"
    b.keep_mine()
    b.commit()
    assert wait_for(lambda: a.plan.scenario().assumptions.values["win_rate"] == 0.2, SEEN_WITHIN)


def test_sign_off_across_clients_and_a_change_after_approval(shared) -> None:
    a, _ = shared("Dana")
    b, b_heard = shared("Lee")
    b.apply(c.RecolourTerritory("What-if", "T3", "#333333"))  # B edits, unsaved, while A proposes
    a.apply(c.ProposeScenario("What-if", "Dana", AT))
    a.apply(c.SignOffScenario("What-if", "Dana", "sales", AT, "Marketing hours come from the agency"))
    a.commit()
    b.commit()  # B's edit of a scenario that is now proposed cannot be saved: it is dropped, and B is told
    assert wait_for(lambda: bool(b_heard.dropped), SEEN_WITHIN)
    assert "is proposed, signed off by Dana (sales), so it is read-only" in b_heard.dropped[0]
    assert _colour(b, "T3", "What-if") != "#333333"
    with pytest.raises(ScenarioReadOnly):
        b.apply(c.RecolourTerritory("What-if", "T3", "#333333"))
    b.apply(c.SignOffScenario("What-if", "Lee", "marketing", AT, "Agency hours agreed"))
    b.commit()
    assert wait_for(lambda: a.plan.governance.status("What-if") == "approved", SEEN_WITHIN)
    assert [s.name for s in a.plan.governance.approval("What-if").sign_offs] == ["Dana", "Lee"]
    # A change after approval: withdraw (a draft again, both sign-offs withdrawn), then change.
    a.apply(c.WithdrawScenario("What-if", "Dana", "sales", AT))
    a.apply(c.RecolourTerritory("What-if", "T3", "#444444"))
    a.commit()
    assert wait_for(lambda: _colour(b, "T3", "What-if") == "#444444", SEEN_WITHIN)
    assert b.plan.governance.status("What-if") == "draft"
    assert b.plan.governance.approval("What-if").sign_offs == ()
    assert "Dana withdrew scenario What-if to draft" in b_heard.notices


def test_presence_shows_who_is_in_the_plan(shared) -> None:
    _, a_heard = shared("Dana", heartbeat_seconds=0.1)
    b, _ = shared("Lee", heartbeat_seconds=0.1)
    assert wait_for(lambda: ["Dana", "Lee"] in a_heard.present, 5)
    b.close()
    assert wait_for(lambda: bool(a_heard.present) and a_heard.present[-1] == ["Dana"], 5)


def test_a_plain_save_by_the_cli_reaches_live_clients(shared, postgres_target: PlanTarget) -> None:
    from territory_planner.domain.changelog import apply_command

    a, a_heard = shared("Dana")
    other = load_plan(postgres_target)  # what `territory-planner` commands do: load, apply, save
    apply_command(other, c.RecolourTerritory(BASELINE, "T4", "#444444"), author="Ravi")
    save_plan(other, postgres_target)
    assert wait_for(lambda: _colour(a, "T4") == "#444444", SEEN_WITHIN)
    assert a_heard.notices == ["Ravi recoloured territory T4"]


def test_a_save_without_the_change_log_makes_live_clients_reload(shared, postgres_target: PlanTarget) -> None:
    a, a_heard = shared("Dana")
    reloaded: list[object] = []
    a.callbacks.on_reloaded = reloaded.append
    other = load_plan(postgres_target)
    c.RecolourTerritory(BASELINE, "T6", "#666666").apply(other)  # not logged (an older app would do this)
    save_plan(other, postgres_target)
    assert wait_for(lambda: _colour(a, "T6") == "#666666", 5)
    assert reloaded == [a.plan]
    assert any("reloaded" in s for s in a_heard.status)
    a.apply(c.RecolourTerritory(BASELINE, "T7", "#777777"))
    a.commit()  # the reloaded plan saves onto the revision it read
    assert load_plan(postgres_target).scenario().territories["T7"].color == "#777777"


def test_a_change_that_cannot_be_replayed_makes_live_clients_reload(shared, postgres_target: PlanTarget) -> None:
    from territory_planner.domain.changelog import apply_command

    class Plugin:  # a command type outside the change-log registry
        label = "Plug-in recolour"

        def apply(self, plan):
            return c.RecolourTerritory(BASELINE, "T9", "#999999").apply(plan)

    a, _ = shared("Dana")
    other = load_plan(postgres_target)
    apply_command(other, Plugin(), author="Ravi")
    save_plan(other, postgres_target)
    assert wait_for(lambda: _colour(a, "T9") == "#999999", 5)
    assert a.plan.governance.log[-1].description == "Plug-in recolour"


def test_a_logged_change_that_does_not_fit_the_live_copy_makes_it_reload(shared, postgres_target: PlanTarget) -> None:
    from territory_planner.domain import Territory
    from territory_planner.domain.changelog import apply_command

    a, _ = shared("Dana")
    a.apply(c.RecolourTerritory(BASELINE, "T1", "#010101"))  # unsaved; re-applied after the reload
    other = load_plan(postgres_target)
    c.DeleteTerritory(BASELINE, "T3").apply(other)  # outside the log
    apply_command(other, c.CreateTerritory(BASELINE, Territory("T3", None, "#333333")), author="Ravi")  # logged
    save_plan(other, postgres_target)
    assert wait_for(lambda: _colour(a, "T3") == "#333333", 5)
    assert _colour(a, "T1") == "#010101"
    assert a.plan.scenario().units_of("T3") == []  # the fresh plan, not the replay onto the old copy
    a.commit()
    assert load_plan(postgres_target).scenario().territories["T1"].color == "#010101"


# --- faults ------------------------------------------------------------------------------------------------------


def _admin(target: PlanTarget):
    return create_engine(target.sqlalchemy_url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")


def test_a_killed_listener_connection_reconnects_catches_up_and_tells_the_user_once(
    shared, postgres_target: PlanTarget
) -> None:
    a, _ = shared("Dana")
    b, b_heard = shared("Lee")
    engine = _admin(postgres_target)
    with engine.connect() as connection:
        for outage in range(2):
            pid = b._listener.backend_pid
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            colour = f"#22222{outage}"
            a.apply(c.RecolourTerritory(BASELINE, "T2", colour))
            a.commit()  # committed while B's listener is gone
            assert wait_for(lambda v=colour: _colour(b, "T2") == v, 10)
            assert wait_for(lambda old=pid: _listening_again(b, old), 10)
    engine.dispose()
    lost = [s for s in b_heard.status if s.startswith("Lost")]
    back = [s for s in b_heard.status if s.startswith("Reconnected")]
    assert len(lost) == len(back) == 2  # once per outage
    assert [e.sequence for e in b.plan.governance.log] == [1, 2]


def _listening_again(session: SharedSession, old_pid: int) -> bool:
    listener = session._listener
    return session.wait_connected(0) and listener is not None and listener.backend_pid != old_pid


_KILLED_CLIENT = textwrap.dedent(
    """
    import sys, time
    from territory_planner.domain import BASELINE
    from territory_planner.domain import commands as c
    from territory_planner.persistence import live
    from territory_planner.services.sharing import SharedSession

    def stuck(*args, **kwargs):
        print("IN COMMIT", flush=True)
        time.sleep(60)

    live.notify_changes = stuck  # the commit has written its rows and log entries, but not committed
    session = SharedSession(sys.argv[1], "Killed")
    session.apply(c.RecolourTerritory(BASELINE, "T7", "#777777"))
    session.apply(c.AssignUnits.to(BASELINE, ["00000"], "T7", "square"))
    session.commit()
    """
)


def test_a_client_killed_mid_commit_loses_nothing_and_duplicates_nothing(
    shared, postgres_target: PlanTarget, tmp_path: Path
) -> None:
    a, _ = shared("Dana")
    script = tmp_path / "killed_client.py"
    script.write_text(_KILLED_CLIENT, encoding="utf-8")
    url = f"{postgres_target.url}?plan={postgres_target.plan_key}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}
    process = subprocess.Popen([sys.executable, str(script), url], stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "IN COMMIT"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    # The server rolls the killed transaction back and lets go of the plan's lock: A commits at once.
    a.apply(c.RecolourTerritory(BASELINE, "T8", "#888888"))
    started = time.monotonic()
    a.commit()
    assert time.monotonic() - started < 30
    fresh = load_plan(postgres_target)
    assert [(e.sequence, e.author) for e in fresh.governance.log] == [(1, "Dana")]
    assert fresh.scenario().territories["T7"].color != "#777777"
    assert fresh.scenario().assignment["00000"] != "T7"
    assert fresh.scenario().territories["T8"].color == "#888888"
    engine = _admin(postgres_target)
    with engine.connect() as connection:
        count = connection.execute(
            select(func.count()).select_from(t.change).where(t.change.c.plan_key == postgres_target.plan_key)
        ).scalar()
    engine.dispose()
    assert count == 1


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="restarting the server needs root")
def test_a_server_restart_mid_session_is_survived(shared, postgres_target: PlanTarget) -> None:
    a, a_heard = shared("Dana")
    b, b_heard = shared("Lee")
    a.apply(c.RecolourTerritory(BASELINE, "T1", "#101010"))
    a.commit()
    assert wait_for(lambda: _colour(b, "T1") == "#101010", 5)
    b.apply(c.RecolourTerritory(BASELINE, "T2", "#202020"))  # unsaved across the restart
    subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True, timeout=120)
    assert wait_for(lambda: a.wait_connected(0) and b.wait_connected(0) and a._listener is not None, 60)
    b.commit()
    a.apply(c.RecolourTerritory(BASELINE, "T3", "#303030"))
    a.commit()
    assert wait_for(lambda: _colour(a, "T2") == "#202020" and _colour(b, "T3") == "#303030", 10)
    fresh = load_plan(postgres_target)
    assert [e.sequence for e in fresh.governance.log] == [1, 2, 3]
    for heard in (a_heard, b_heard):
        assert len([s for s in heard.status if s.startswith("Lost")]) == 1
        assert len([s for s in heard.status if s.startswith("Reconnected")]) == 1


def test_load_in_small_every_client_converges_and_no_edit_is_lost(postgres_url: str) -> None:
    """benchmarks/bench_sharing.py in small (the full run is 10 clients x 200 edits): asserts, never times."""
    from benchmarks.bench_sharing import remove_plan, run_load

    key = f"test-load-{os.getpid()}-{time.monotonic_ns()}"
    try:
        figures = run_load(postgres_url, clients=4, edits=15, units=120, plan_key=key)
    finally:
        remove_plan(postgres_url, key)
    assert figures["errors"] == []
    assert figures["log_entries"] == 60 and figures["log_is_1_to_n"]
    assert figures["lost_edits"] == 0
    assert figures["all_clients_equal"] and figures["clients_equal_server"]
    assert figures["seen_samples"] == 60 * 3  # every change reached every other client
