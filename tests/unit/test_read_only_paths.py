"""The read-only rule of proposed and approved scenarios holds on every path, not only through apply_command.

A command's own ``apply`` checks it (``domain.commands.CONTENT_COMMANDS``), so code that applies a command
directly (a plan session, a batch, a reader's staging copy, a replay of the change log) is refused the same way,
with the domain's message, and the plan is left unchanged.
"""

from __future__ import annotations

import dataclasses

import pytest

from territory_planner.domain import BASELINE, Month, Plan, Seller, Territory
from territory_planner.domain import commands as c
from territory_planner.domain.signoff import ScenarioReadOnly, read_only_message
from territory_planner.services.session import PlanSession
from tests.plan_builders import assert_same_plan, command_plan

WHAT_IF = "Hire 3 instead of 5"
AT = "2027-02-01T10:00:00+00:00"

CHANGES = [
    c.AssignUnits.to(WHAT_IF, ["01001"], "Boston"),
    c.RecolourTerritory(WHAT_IF, "Boston", "#123456"),
    c.CreateTerritory(WHAT_IF, Territory("Miami")),
    c.DeleteTerritory(WHAT_IF, "Austin"),
    c.AddSeller(WHAT_IF, Seller("Ivy", "Boston", "planned", Month(2027, 9), 3, 1_000_000)),
    c.SetAllocation(WHAT_IF, "territory", "Boston", None),
    c.SetAssumption(WHAT_IF, "plan", None, "win_rate", 0.3),
    c.RenameScenario(WHAT_IF, "Other"),
    c.DeleteScenario(WHAT_IF),
    c.SetUnitAttributes((("potential", (("01001", 5.0),)),)),
    c.Batch("inner", (c.RecolourTerritory(BASELINE, "Boston", "#123456"), c.DeleteTerritory(WHAT_IF, "Austin"))),
]


@pytest.fixture
def proposed() -> Plan:
    plan = command_plan()
    c.ProposeScenario(WHAT_IF, "Dana", AT).apply(plan)
    return plan


@pytest.mark.parametrize("command", CHANGES, ids=lambda cmd: type(cmd).__name__)
def test_calling_apply_directly_is_refused_with_the_domain_message(proposed: Plan, command: c.Command) -> None:
    before = proposed.deepcopy()
    with pytest.raises(ScenarioReadOnly) as refused:
        command.apply(proposed)
    assert str(refused.value).startswith(f"Scenario '{WHAT_IF}' is proposed")
    assert "withdraw it first" in str(refused.value)
    assert_same_plan(proposed, before)
    assert proposed.governance.log == before.governance.log


def test_the_message_is_the_one_of_signoff_read_only_message(proposed: Plan) -> None:
    command = c.RecolourTerritory(WHAT_IF, "Boston", "#123456")
    with pytest.raises(ScenarioReadOnly) as refused:
        command.apply(proposed)
    assert str(refused.value) == read_only_message(proposed, WHAT_IF, f"“{command.label}”")


def test_a_batch_that_only_wraps_a_read_only_change_half_way_changes_nothing(proposed: Plan) -> None:
    before = proposed.deepcopy()
    inner = c.Batch("deep", (c.RecolourTerritory(BASELINE, "Boston", "#abcdef"),))
    nested = c.Batch("outer", (inner, c.Batch("x", (c.RecolourTerritory(WHAT_IF, "Boston", "#123456"),))))
    with pytest.raises(ScenarioReadOnly):
        nested.apply(proposed)
    assert_same_plan(proposed, before)


def test_the_plan_session_path_is_refused_and_logs_nothing(proposed: Plan) -> None:
    session = PlanSession(proposed, author="Sam")
    entries = len(proposed.governance.log)
    with pytest.raises(ScenarioReadOnly):
        session.apply(c.RecolourTerritory(WHAT_IF, "Boston", "#123456"))
    assert len(proposed.governance.log) == entries and session.revision == 0


def test_drafts_stay_editable_and_withdraw_opens_the_scenario_again(proposed: Plan) -> None:
    c.RecolourTerritory(BASELINE, "Boston", "#123456").apply(proposed)  # another scenario: a draft
    c.CopyScenario(WHAT_IF, "Copy").apply(proposed)
    c.RecolourTerritory("Copy", "Boston", "#123456").apply(proposed)
    c.WithdrawScenario(WHAT_IF, "Dana", "sales", AT).apply(proposed)
    inverse = c.RecolourTerritory(WHAT_IF, "Boston", "#654321").apply(proposed)
    assert proposed.scenario(WHAT_IF).territories["Boston"].color == "#654321"
    inverse.apply(proposed)


def test_every_domain_command_is_either_a_content_or_a_governance_command() -> None:
    """A new command must say which it is, or it would slip past the read-only rule."""
    found = {
        value
        for value in vars(c).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and callable(getattr(value, "apply", None))
        and not value.__name__.startswith("_")
    }
    assert found == set(c.CONTENT_COMMANDS) | set(c.GOVERNANCE_COMMANDS)
    for cls in c.CONTENT_COMMANDS:
        assert hasattr(vars(cls)["apply"], "__wrapped__"), cls.__name__
