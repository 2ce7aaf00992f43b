"""The change log, roles, sign-offs, comments and the handshake are stored with the plan (file and server), and
plans of schema 2 open and gain the new tables."""

from __future__ import annotations

import copy
import sqlite3
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from territory_planner.domain import BASELINE, Plan
from territory_planner.domain import commands as c
from territory_planner.domain.changelog import apply_command, from_json
from territory_planner.domain.governance import Comment
from territory_planner.domain.handshake import Kpi
from territory_planner.persistence import PlanTarget, load_plan, plan_target, save_plan, schema_version
from territory_planner.persistence import tables as t
from tests.plan_builders import assert_plans_equal, rich_plan

AT = "2027-02-01T10:00:00+00:00"
NEW_TABLES = ("tp_person", "tp_scenario_status", "tp_sign_off", "tp_comment", "tp_handshake", "tp_kpi", "tp_change",
              "tp_presence")  # fmt: skip


def _governed(plan: Plan) -> Plan:
    # rich_plan's potential of 1e300 makes the checks a sign-off runs fail in money formatting (a domain bug
    # reported apart); a large but printable potential keeps this test about storage.
    units = plan.layer.units
    units["potential"] = units["potential"].clip(upper=1e9)
    what_if = list(plan.scenarios)[1]
    for command in (
        c.SetPersonRole("Lee", "marketing"),
        c.ProposeScenario(what_if, "Dana", AT),
        c.SignOffScenario(what_if, "Dana", "sales", AT, "Marketing funds Boston from Q3 events"),
        c.AddComment(Comment("c1", "territory", "Pacific", BASELINE, "Dana", AT, "Check the coast\nline")),
        c.SetHandshakeText("mql", "Two assets downloaded and an ICP fit"),
        c.SetHandshakeText("sla", "Sales follows up an MQL within 2 working days"),
        c.SetKpi("Pipeline", Kpi("Pipeline", "3x coverage", "joint")),
        c.SetKpi("MQLs", Kpi("MQLs", "1,200 a quarter", "marketing")),
    ):
        apply_command(plan, command, author="Dana", client="test")
    return plan


def _same_governance(a: Plan, b: Plan) -> None:
    ga, gb = a.governance, b.governance
    assert ga.people == gb.people
    assert ga.approvals == gb.approvals
    assert ga.comments == gb.comments
    assert ga.handshake == gb.handshake
    assert list(ga.handshake.kpis) == list(gb.handshake.kpis)


def test_roles_sign_offs_comments_handshake_and_log_round_trip(any_target: PlanTarget) -> None:
    plan = _governed(rich_plan())
    save_plan(plan, any_target)
    assert [e.sequence for e in plan.governance.log] == list(range(1, 9))
    loaded = load_plan(any_target)
    assert_plans_equal(loaded, plan)
    _same_governance(loaded, plan)
    log = loaded.governance.log
    assert [e.sequence for e in log] == list(range(1, 9))
    assert {e.revision for e in log} == {1}
    assert [e.description for e in log[:2]] == [
        "Record Lee as the marketing lead",
        f"Propose scenario {list(plan.scenarios)[1]} for approval",
    ]
    assert from_json(log[3].command) == c.AddComment(
        Comment("c1", "territory", "Pacific", BASELINE, "Dana", AT, "Check the coast\nline")
    )


def test_the_log_only_grows_and_later_saves_append_after_the_last_sequence(any_target: PlanTarget) -> None:
    plan = _governed(rich_plan())
    save_plan(plan, any_target)
    loaded = load_plan(any_target)
    apply_command(loaded, c.RecolourTerritory(BASELINE, "Pacific", "#123456"), author="Lee")
    apply_command(loaded, c.ResolveComment("c1"), author="Lee")
    save_plan(loaded, any_target)
    again = load_plan(any_target)
    log = again.governance.log
    assert [e.sequence for e in log] == list(range(1, 11))
    assert [(e.author, e.revision, e.scenario) for e in log[8:]] == [("Lee", 2, BASELINE), ("Lee", 2, None)]
    assert again.governance.comments["c1"].resolved
    # Withdrawing removes the status and sign-off rows (a draft has none).
    what_if = list(again.scenarios)[1]
    apply_command(again, c.WithdrawScenario(what_if, "Lee", "marketing", AT), author="Lee")
    save_plan(again, any_target)
    final = load_plan(any_target)
    assert final.governance.status(what_if) == "draft" and final.governance.approvals == {}
    assert len(final.governance.log) == 11


def test_an_approved_scenario_is_still_read_only_after_a_round_trip(file_target: PlanTarget) -> None:
    from territory_planner.domain.signoff import ScenarioReadOnly

    plan = _governed(rich_plan())
    what_if = list(plan.scenarios)[1]
    apply_command(plan, c.SignOffScenario(what_if, "Lee", "marketing", AT, "agreed"), author="Lee")
    save_plan(plan, file_target)
    loaded = load_plan(file_target)
    assert loaded.governance.status(what_if) == "approved"
    with pytest.raises(ScenarioReadOnly):
        apply_command(loaded, c.RecolourTerritory(what_if, "Pacific", "#123456"), author="Sam")


# --- schema 2 plans ------------------------------------------------------------------------------------------


#: The columns schema 4 added (allocation locks, sellers' home bases).
SCHEMA_4_COLUMNS = (("tp_allocation", "locked"), ("tp_seller", "home"))


def _without_schema_4(plan: Plan) -> Plan:
    """The plan as schema 2 stores it: no allocation is locked and no seller has a home base."""
    out = copy.deepcopy(plan)
    for scenario in out.scenarios.values():
        scenario.allocations = {k: replace(a, locked=False) for k, a in scenario.allocations.items()}
        scenario.sellers = {k: replace(x, home=None) for k, x in scenario.sellers.items()}
    return out


def _as_schema_2(path: Path) -> None:
    """Turn a file written now into exactly what schema 2 wrote: schema 3 only added tables, schema 4 two columns."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            for table in NEW_TABLES:
                connection.execute(f"DROP TABLE {table}")
            for table, column in SCHEMA_4_COLUMNS:
                connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
            connection.execute(f"UPDATE {t.VERSION_TABLE} SET version_num = '0002'")
    finally:
        connection.close()


def _tables(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()


def test_a_schema_2_plan_file_opens_and_its_next_save_gains_the_new_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.tplan"
    plan = rich_plan()
    save_plan(plan, path)
    _as_schema_2(path)
    before = path.read_bytes()
    assert not set(NEW_TABLES) & _tables(path)

    loaded = load_plan(path)
    assert_plans_equal(loaded, _without_schema_4(plan))
    assert loaded.governance.log == [] and loaded.governance.approvals == {}
    assert path.read_bytes() == before  # opening never changes the file

    apply_command(loaded, c.ProposeScenario(BASELINE, "Dana", AT), author="Dana")
    save_plan(loaded, path)
    assert set(NEW_TABLES) <= _tables(path)
    again = load_plan(path)
    assert again.governance.status(BASELINE) == "proposed"
    assert [e.description for e in again.governance.log] == ["Propose scenario baseline for approval"]


@pytest.mark.postgres
def test_a_schema_2_database_is_migrated_in_place_and_gains_the_new_tables(postgres_url: str) -> None:
    """In a database of its own (the shared test database already has schema 3)."""
    name = f"tp_h10_schema2_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(postgres_url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_url).set(database=name)
    try:
        target = plan_target(url.render_as_string(hide_password=False), plan_key="old")
        plan = rich_plan()
        save_plan(plan, target)
        engine = create_engine(url, poolclass=NullPool)
        with engine.begin() as connection:
            for table in NEW_TABLES:
                connection.execute(text(f"DROP TABLE {table}"))
            for table, column in SCHEMA_4_COLUMNS:
                connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
            connection.execute(text(f"UPDATE {t.VERSION_TABLE} SET version_num = '0002'"))
        loaded = load_plan(target)
        assert_plans_equal(loaded, _without_schema_4(plan))
        with engine.connect() as connection:
            present = set(connection.dialect.get_table_names(connection))
            version = connection.execute(text(f"SELECT version_num FROM {t.VERSION_TABLE}")).scalar()
        engine.dispose()
        assert set(NEW_TABLES) <= present and version == f"{schema_version():04d}"
        apply_command(loaded, c.SetHandshakeText("lead", "Any named contact"), author="Dana")
        save_plan(loaded, target)
        assert load_plan(target).governance.handshake.texts == {"lead": "Any named contact"}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
