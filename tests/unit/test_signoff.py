"""Dual sign-off, read-only proposed/approved scenarios, the change log as data, comments and the handshake."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from territory_planner.domain import BASELINE, Month, Plan, PlanError, Seller, Territory, evaluate
from territory_planner.domain import commands as c
from territory_planner.domain.changelog import (
    REGISTRY,
    ChangeLogError,
    apply_command,
    check_editable,
    from_json,
    notice,
    to_json,
)
from territory_planner.domain.governance import Comment
from territory_planner.domain.handshake import Kpi, handshake_rates
from territory_planner.domain.signoff import ScenarioReadOnly, SignOffRefused
from tests.plan_builders import assert_same_plan, command_plan

WHAT_IF = "Hire 3 instead of 5"
AT = "2027-02-01T10:00:00+00:00"


def _blocking(plan: Plan, scenario: str) -> int:
    return sum(f.blocking for f in evaluate(plan.scenario(scenario), plan.layer).flags)


def _approve(plan: Plan, scenario: str, reason: str = "") -> None:
    apply_command(plan, c.ProposeScenario(scenario, "Dana", AT), author="Dana")
    apply_command(plan, c.SignOffScenario(scenario, "Dana", "sales", AT, reason), author="Dana")
    apply_command(plan, c.SignOffScenario(scenario, "Lee", "marketing", AT, reason), author="Lee")


@pytest.fixture
def plan() -> Plan:
    return command_plan()


def test_the_fixture_scenario_has_blocking_flags(plan: Plan) -> None:
    assert _blocking(plan, WHAT_IF) > 0  # the reason rule below depends on it


def test_approval_needs_one_sales_and_one_marketing_sign_off(plan: Plan) -> None:
    g = plan.governance
    assert g.status(WHAT_IF) == "draft"
    apply_command(plan, c.ProposeScenario(WHAT_IF, "Dana", AT), author="Dana")
    assert g.status(WHAT_IF) == "proposed"
    apply_command(
        plan, c.SignOffScenario(WHAT_IF, "Dana", "sales", AT, "Marketing funds Boston from Q3"), author="Dana"
    )
    assert g.status(WHAT_IF) == "proposed"  # one sign-off is not enough
    with pytest.raises(SignOffRefused, match="already has the sales sign-off of Dana"):
        apply_command(plan, c.SignOffScenario(WHAT_IF, "Sam", "sales", AT, "me too"), author="Sam")
    apply_command(plan, c.SignOffScenario(WHAT_IF, "Lee", "marketing", AT, "Q3 events budget"), author="Lee")
    approval = g.approval(WHAT_IF)
    assert approval.status == "approved"
    assert [(s.name, s.role, s.at, s.reason) for s in approval.sign_offs] == [
        ("Dana", "sales", AT, "Marketing funds Boston from Q3"),
        ("Lee", "marketing", AT, "Q3 events budget"),
    ]
    assert g.people == {"Dana": "sales", "Lee": "marketing"}


def test_a_person_signs_only_for_the_role_stored_for_them(plan: Plan) -> None:
    apply_command(plan, c.SetPersonRole("Lee", "marketing"), author="admin")
    apply_command(plan, c.ProposeScenario(WHAT_IF, "Dana", AT), author="Dana")
    with pytest.raises(SignOffRefused, match=r"Lee is recorded as the marketing lead.*--role marketing"):
        apply_command(plan, c.SignOffScenario(WHAT_IF, "Lee", "sales", AT, "why"), author="Lee")
    with pytest.raises(PlanError, match="'finance' is not a sign-off role"):
        apply_command(plan, c.SignOffScenario(WHAT_IF, "Fay", "finance", AT, "why"), author="Fay")


def test_blocking_flags_need_a_written_reason(plan: Plan) -> None:
    apply_command(plan, c.ProposeScenario(WHAT_IF, "Dana", AT), author="Dana")
    with pytest.raises(SignOffRefused, match=r"blocking flag.*needs a written reason.*--reason"):
        apply_command(plan, c.SignOffScenario(WHAT_IF, "Dana", "sales", AT), author="Dana")
    assert plan.governance.approval(WHAT_IF).sign_offs == ()


def test_a_scenario_without_blocking_flags_is_approved_without_reasons(plan: Plan) -> None:
    # Take the blocking causes away: no sellers means nothing needs funding.
    s = plan.scenario(WHAT_IF)
    for name in list(s.sellers):
        c.RemoveSeller(WHAT_IF, name).apply(plan)
    s.allocations.clear()
    assert _blocking(plan, WHAT_IF) == 0
    _approve(plan, WHAT_IF)
    assert plan.governance.status(WHAT_IF) == "approved"


def test_sign_off_of_a_draft_is_refused(plan: Plan) -> None:
    with pytest.raises(SignOffRefused, match="is a draft: propose it first"):
        apply_command(plan, c.SignOffScenario(WHAT_IF, "Dana", "sales", AT, "x"), author="Dana")


@pytest.mark.parametrize(
    "command",
    [
        c.AssignUnits.to(WHAT_IF, ["01001"], "Denver"),
        c.RecolourTerritory(WHAT_IF, "Boston", "#123456"),
        c.CreateTerritory(WHAT_IF, Territory("Miami")),
        c.DeleteTerritory(WHAT_IF, "Austin"),
        c.EditSeller(WHAT_IF, "Hal", Seller("Hal", "Boston", "planned", Month(2027, 9), 3, 1_200_000)),
        c.SetAssumption(WHAT_IF, "plan", None, "win_rate", 0.3),
        c.RenameScenario(WHAT_IF, "Other"),
        c.DeleteScenario(WHAT_IF),
        c.SetUnitAttributes((("potential", (("01001", 5.0),)),)),
        c.Batch("two", (c.RecolourTerritory(BASELINE, "Boston", "#123456"), c.DeleteTerritory(WHAT_IF, "Austin"))),
    ],
    ids=lambda cmd: type(cmd).__name__,
)
@pytest.mark.parametrize("status", ["proposed", "approved"])
def test_a_proposed_or_approved_scenario_is_read_only(plan: Plan, command: c.Command, status: str) -> None:
    if status == "proposed":
        apply_command(plan, c.ProposeScenario(WHAT_IF, "Dana", AT), author="Dana")
    else:
        _approve(plan, WHAT_IF, reason="agreed")
    before = plan.deepcopy()
    entries = len(plan.governance.log)
    with pytest.raises(ScenarioReadOnly, match=rf"Scenario '{WHAT_IF}' is {status}.*read-only.*withdraw it first"):
        apply_command(plan, command, author="Sam")
    assert_same_plan(plan, before)
    assert len(plan.governance.log) == entries


def test_other_scenarios_stay_editable_and_a_copy_is_a_draft(plan: Plan) -> None:
    _approve(plan, WHAT_IF, reason="agreed")
    apply_command(plan, c.RecolourTerritory(BASELINE, "Boston", "#123456"), author="Sam")
    apply_command(plan, c.CopyScenario(WHAT_IF, "Copy"), author="Sam")
    assert plan.governance.status("Copy") == "draft"
    apply_command(plan, c.RecolourTerritory("Copy", "Boston", "#123456"), author="Sam")
    # Comments are not changes of the scenario's content.
    apply_command(
        plan, c.AddComment(Comment("c1", "scenario", WHAT_IF, WHAT_IF, "Sam", AT, "Looks right")), author="Sam"
    )


def test_a_change_after_approval_goes_through_withdraw_which_withdraws_the_sign_offs(plan: Plan) -> None:
    from territory_planner.domain.signoff import withdrawal_text

    _approve(plan, WHAT_IF, reason="agreed")
    previous = plan.governance.approval(WHAT_IF)
    inverse = apply_command(plan, c.WithdrawScenario(WHAT_IF, "Lee", "marketing", AT), author="Lee")
    assert plan.governance.status(WHAT_IF) == "draft"
    assert plan.governance.approval(WHAT_IF).sign_offs == ()
    assert withdrawal_text(WHAT_IF, previous) == (
        f"Scenario '{WHAT_IF}' is a draft again; the sign-offs of Dana (sales) and Lee (marketing) were withdrawn."
    )
    apply_command(plan, c.RecolourTerritory(WHAT_IF, "Boston", "#123456"), author="Lee")
    # Undo of the change, then of the withdrawal, brings the approval back exactly.
    apply_command(plan, c.RecolourTerritory(WHAT_IF, "Boston", "#4e79a7"), author="Lee")
    inverse.apply(plan)
    assert plan.governance.approval(WHAT_IF) == previous


def test_governance_commands_round_trip(plan: Plan) -> None:
    before = plan.governance.copy()
    commands: list[c.Command] = [
        c.SetPersonRole("Lee", "marketing"),
        c.ProposeScenario(WHAT_IF, "Dana", AT),
        c.SignOffScenario(WHAT_IF, "Dana", "sales", AT, "because"),
        c.AddComment(Comment("c1", "territory", "Boston", BASELINE, "Dana", AT, "Check the\nboundary")),
        c.ResolveComment("c1"),
        c.SetHandshakeText("mql", "Downloaded two assets and fits the ICP"),
        c.SetHandshakeText("sla", "Sales follows up an MQL within 2 working days"),
        c.SetKpi("Pipeline coverage", Kpi("Pipeline coverage", "3x by Q2", "joint")),
        c.SetKpi("Pipeline coverage", Kpi("Coverage", "4x", "sales")),
    ]
    inverses = [cmd.apply(plan) for cmd in commands]
    h = plan.governance.handshake
    assert h.text("sla") == "Sales follows up an MQL within 2 working days"
    assert list(h.kpis) == ["Coverage"] and h.kpis["Coverage"].target == "4x"
    assert plan.governance.comments["c1"].resolved
    for inverse in reversed(inverses):
        inverse.apply(plan)
    g = plan.governance
    assert (g.people, g.approvals, g.comments, g.handshake) == (
        before.people,
        before.approvals,
        before.comments,
        before.handshake,
    )


def test_handshake_text_is_checked_and_rates_come_from_the_assumptions(plan: Plan) -> None:
    with pytest.raises(PlanError, match="no section 'pricing'"):
        c.SetHandshakeText("pricing", "x").apply(plan)
    with pytest.raises(PlanError, match="control character"):
        c.SetHandshakeText("lead", "a\x1b[31mred").apply(plan)
    plan.scenario().assumptions.set("plan", None, "mql_to_sql", 0.45)
    rates = {r.key: r for r in handshake_rates(plan.scenario().assumptions)}
    assert rates["mql_to_sql"].value == 0.45 and rates["mql_to_sql"].shown == "45 %"
    assert "30–60 %" in rates["mql_to_sql"].benchmark


# --- the change log as data -------------------------------------------------------------------------------


def _every_command(plan: Plan) -> list[c.Command]:
    """One command of every registered type, applied in turn with its inverse (so all of them get exercised)."""
    base = plan.scenario()
    return [
        c.AssignUnits.to(BASELINE, ["01001", "01007"], "Austin", "county"),
        c.CreateTerritory(BASELINE, Territory("Miami", "East", "#123456")),
        c.DeleteTerritory(BASELINE, "Boston"),
        c.RenameTerritory(BASELINE, "Denver", "Mile High"),
        c.RecolourTerritory(BASELINE, "Austin", "#abcdef"),
        c.MoveTerritoryToRegion(BASELINE, "Austin", "West"),
        c.LockTerritory(BASELINE, "Austin", True),
        c.CreateRegion(BASELINE, "South"),
        c.DeleteRegion(BASELINE, "East"),
        c.RenameRegion(BASELINE, "West", "Mountain"),
        c.AddSeller(BASELINE, Seller("Ivy", "Austin", "planned", Month(2027, 5), 2, 500_000, 90_000)),
        c.RemoveSeller(BASELINE, "Zed"),
        c.EditSeller(BASELINE, "Bob", replace(base.sellers["Bob"], annual_quota=1_300_000)),
        c.SetAllocation(BASELINE, "territory", "Austin", None),
        c.SetAssumption(BASELINE, "territory", "Austin", "win_rate", 0.22),
        c.CopyScenario(BASELINE, "Copy"),
        c.DeleteScenario("Copy"),
        c.RenameScenario(WHAT_IF, "Renamed"),
        c.SetUnitAttributes((("accounts", (("01001", 3.0), ("01003", None))),), ("population",)),
        c.Batch("two", (c.CreateRegion(BASELINE, "North-East"), c.RecolourTerritory(BASELINE, "Austin", "#000000"))),
        c.SetPersonRole("Lee", "marketing"),
        c.ProposeScenario(BASELINE, "Dana", AT),
        c.SignOffScenario(BASELINE, "Lee", "marketing", AT, "Q3 events budget"),
        c.WithdrawScenario(BASELINE, "Lee", "marketing", AT),
        c.AddComment(Comment("c9", "seller", "Ann", BASELINE, "Dana", AT, "ok")),
        c.ResolveComment("c9"),
        c.RemoveComment("c9"),
        c.SetHandshakeText("lead", "Any named contact"),
        c.SetKpi("MQLs", Kpi("MQLs", "1,200 a quarter", "marketing")),
    ]


def test_every_command_and_its_inverse_survive_json_and_replay_the_same(plan: Plan) -> None:
    replica = plan.deepcopy()
    seen: set[str] = set()
    for command in _every_command(plan):
        inverse = apply_command(plan, command, author="Dana")
        entry = plan.governance.log[-1]
        stored_command, stored_inverse = from_json(entry.command), from_json(entry.inverse)
        assert stored_command == command and stored_inverse == inverse, type(command).__name__
        json.loads(entry.command)  # plain JSON
        stored_command.apply(replica)  # another client replays the stored change
        assert_same_plan(replica, plan)
        seen |= {type(command).__name__, type(inverse).__name__}
    commands = {name for name, cls in REGISTRY.items() if hasattr(cls, "apply")}
    assert commands - seen == set()  # every registered command type was stored and read back


def test_a_stored_change_is_data_not_code() -> None:
    with pytest.raises(ChangeLogError, match=r"does not know \('os.system'\)"):
        from_json(json.dumps({"$type": "os.system", "command": "rm -rf /"}))
    with pytest.raises(ChangeLogError, match="fields this version does not know: __class__"):
        from_json(json.dumps({"$type": "RenameScenario", "name": "a", "new_name": "b", "__class__": "x"}))
    with pytest.raises(ChangeLogError, match="not readable JSON"):
        from_json("{not json")
    assert to_json(c.RenameScenario("a", "b")) == '{"$type":"RenameScenario","name":"a","new_name":"b"}'


def test_the_log_entry_names_author_scenario_and_a_readable_description(plan: Plan) -> None:
    apply_command(plan, c.AssignUnits.to(BASELINE, ["01001", "01007"], "Austin", "county"), author="Dana", client="x")
    entry = plan.governance.log[-1]
    assert (entry.sequence, entry.scenario, entry.author, entry.client) == (None, BASELINE, "Dana", "x")
    assert entry.description == "Assign 2 counties to Austin"
    assert notice(entry) == "Dana assigned 2 counties to Austin"


def test_a_refused_command_leaves_no_log_entry(plan: Plan) -> None:
    with pytest.raises(PlanError):
        apply_command(plan, c.RecolourTerritory(BASELINE, "Nowhere", "#123456"), author="Dana")
    assert plan.governance.log == []
    check_editable(plan, c.RecolourTerritory(BASELINE, "Nowhere", "#123456"))  # a draft: allowed (apply refuses)


def test_every_command_class_of_the_domain_is_registered_for_the_change_log() -> None:
    """A command missing from the registry could not be logged, so every edit of that kind would be refused."""
    import dataclasses

    found = {
        name
        for name, value in vars(c).items()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and callable(getattr(value, "apply", None))
    }
    assert found and found <= set(REGISTRY)


def test_a_command_outside_the_registry_still_applies_and_is_logged_by_name(plan: Plan) -> None:
    from territory_planner.domain.changelog import ChangeNotReplayable

    class Wrapped:  # e.g. a test double or a plug-in's command
        label = "Wrapped change"

        def apply(self, target: Plan) -> c.Command:
            return c.RecolourTerritory(BASELINE, "Boston", "#101010").apply(target)

    apply_command(plan, Wrapped(), author="Dana")
    entry = plan.governance.log[-1]
    assert plan.scenario().territories["Boston"].color == "#101010"
    assert entry.description == "Wrapped change" and entry.author == "Dana"
    with pytest.raises(ChangeNotReplayable, match="'Wrapped' was logged without its data"):
        from_json(entry.command)
    assert from_json(entry.inverse) == c.RecolourTerritory(BASELINE, "Boston", "#4e79a7")


def _numbered(plan: Plan) -> None:
    plan.governance.log = [replace(e, sequence=i + 1) for i, e in enumerate(plan.governance.log)]


def test_history_filters_by_scenario_territory_and_seller(plan: Plan) -> None:
    from territory_planner.domain.history import history

    apply_command(plan, c.RecolourTerritory(BASELINE, "Boston", "#111111"), author="Dana")
    apply_command(plan, c.AssignUnits.to(WHAT_IF, ["01001"], "Austin"), author="Lee")
    apply_command(
        plan, c.EditSeller(BASELINE, "Hal", replace(plan.scenario().sellers["Hal"], ramp_months=4)), author="Lee"
    )
    apply_command(plan, c.SetHandshakeText("sla", "2 days"), author="Dana")
    assert [e.author for e in history(plan, scenario=BASELINE)] == ["Dana", "Lee"]
    assert [e.description for e in history(plan, territory="Boston")] == [
        "Recolour territory Boston",
        "Assign 1 unit to Austin",  # the unit came out of Boston
        "Edit seller Hal",  # Hal sells in Boston
    ]
    assert [e.description for e in history(plan, territory="Austin")] == ["Assign 1 unit to Austin"]
    assert [e.description for e in history(plan, seller="Hal")] == ["Edit seller Hal"]
    assert len(history(plan)) == 4


def test_a_scenario_as_it_was_at_an_earlier_change(plan: Plan) -> None:
    from territory_planner.domain.history import scenario_as_of

    original = plan.scenario(WHAT_IF).clone("original")
    apply_command(plan, c.RecolourTerritory(WHAT_IF, "Boston", "#111111"), author="Dana")  # 1
    apply_command(plan, c.RecolourTerritory(BASELINE, "Boston", "#222222"), author="Dana")  # 2 (another scenario)
    apply_command(plan, c.DeleteTerritory(WHAT_IF, "Austin"), author="Lee")  # 3
    apply_command(plan, c.RenameScenario(WHAT_IF, "Renamed"), author="Lee")  # 4
    _numbered(plan)
    at_1 = scenario_as_of(plan, "Renamed", 1, "As at 1")
    assert at_1.name == "As at 1"
    assert at_1.territories["Boston"].color == "#111111" and "Austin" in at_1.territories
    assert at_1.content_equals(scenario_as_of(plan, "Renamed", 2, "x"))
    at_0 = scenario_as_of(plan, "Renamed", 0, "As at 0")
    assert at_0.content_equals(original)
    assert plan.scenario("Renamed").territories["Boston"].color == "#111111"  # the plan itself is untouched
    assert "Austin" not in plan.scenario("Renamed").territories
    apply_command(plan, c.RestoreScenario(at_0, 2), author="Dana")  # "restore as a new what-if"
    assert list(plan.scenarios) == [BASELINE, "Renamed", "As at 0"]
