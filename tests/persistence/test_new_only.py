"""A new plan never replaces one that is already there unless asked (``--force``): on a file and on a server."""

from __future__ import annotations

import pytest

from territory_planner.persistence import PlanExistsError, PlanTarget, load_plan, plan_exists, save_plan
from territory_planner.services import plans
from tests.plan_builders import make_plan, make_scenario


def _where(target: PlanTarget) -> str:
    return str(target.path) if target.path is not None else f"{target.url}?plan={target.plan_key}"


def test_a_new_plan_does_not_replace_an_existing_one(any_target: PlanTarget) -> None:
    where = _where(any_target)
    assert plan_exists(where) is None
    first = make_plan()
    first.scenarios["Kept what-if"] = make_scenario(name="Kept what-if")
    plans.create_plan(first, where)
    stored = plan_exists(where)
    assert stored is not None
    loaded = load_plan(where)
    kept, revision = sorted(loaded.scenarios), loaded.origin.stored.revision
    assert "Kept what-if" in kept

    second = make_plan()
    with pytest.raises(PlanExistsError, match=r"already exists.*--force"):
        plans.create_plan(second, where)
    assert sorted(load_plan(where).scenarios) == kept
    assert load_plan(where).origin.stored.revision == revision  # not even a new revision

    plans.create_plan(second, where, force=True)
    assert load_plan(where).origin.stored.revision == revision + 1
    assert "Kept what-if" not in load_plan(where).scenarios


def test_the_save_itself_refuses_when_the_plan_appeared_after_the_check(any_target: PlanTarget) -> None:
    """The pre-check can race with another program creating the plan; the save's own lock or transaction
    decides."""
    where = _where(any_target)
    plans.check_new_target(where)  # nothing there yet
    save_plan(make_plan(), where)  # someone else creates it meanwhile
    with pytest.raises(PlanExistsError):
        save_plan(make_plan(), where, new_only=True)
