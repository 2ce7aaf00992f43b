"""`scenario propose|approve|withdraw` and the status and sign-offs in `check --json`."""

from __future__ import annotations

import json
from pathlib import Path

WHATIF = "Hire 4, fund Texas and New England"


def _doc(run, plan: Path, scenario: str = WHATIF) -> dict:
    return json.loads(run("check", plan, "--scenario", scenario, "--json").stdout)


def test_propose_approve_and_the_json_status(run, demo_plan: Path) -> None:
    assert (_doc(run, demo_plan)["status"], _doc(run, demo_plan)["sign_offs"]) == ("draft", [])
    result = run("scenario", "propose", demo_plan, WHATIF, "--as", "Dana", "--role", "sales")
    assert result.exit_code == 0, result.output
    assert "read-only until it is approved or withdrawn" in result.output
    assert _doc(run, demo_plan)["status"] == "proposed"

    result = run("scenario", "approve", demo_plan, WHATIF, "--as", "Dana", "--role", "sales", "--reason", "Q3 events")
    assert result.exit_code == 0, result.output
    assert "still needs the sign-off of a marketing lead" in result.output
    result = run("scenario", "approve", demo_plan, WHATIF, "--as", "Lee", "--role", "marketing", "--reason", "Agreed")
    assert result.exit_code == 0, result.output
    assert f"Scenario {WHATIF} is approved: signed off by Dana (sales) and Lee (marketing)." in result.output

    doc = _doc(run, demo_plan)
    assert doc["status"] == "approved"
    assert [(s["name"], s["role"], s["reason"]) for s in doc["sign_offs"]] == [
        ("Dana", "sales", "Q3 events"),
        ("Lee", "marketing", "Agreed"),
    ]
    assert all(s["time"].endswith("+00:00") for s in doc["sign_offs"])
    assert _doc(run, demo_plan, "baseline")["status"] == "draft"


def test_an_approved_scenario_refuses_changes_until_withdrawn(run, demo_plan: Path) -> None:
    run("scenario", "propose", demo_plan, WHATIF, "--as", "Dana", "--role", "sales")
    before = demo_plan.read_bytes()
    result = run("scenario", "rename", demo_plan, WHATIF, "Other")
    assert result.exit_code == 2
    assert f"Scenario '{WHATIF}' is proposed" in result.output and "withdraw it first" in result.output
    assert demo_plan.read_bytes() == before

    result = run("scenario", "withdraw", demo_plan, WHATIF, "--as", "Lee", "--role", "marketing")
    assert result.exit_code == 0, result.output
    assert f"Scenario '{WHATIF}' is a draft again" in result.output
    assert run("scenario", "rename", demo_plan, WHATIF, "Other").exit_code == 0


def test_a_change_after_approval_withdraws_the_sign_offs_saying_so(run, demo_plan: Path) -> None:
    run("scenario", "propose", demo_plan, WHATIF, "--as", "Dana", "--role", "sales")
    run("scenario", "approve", demo_plan, WHATIF, "--as", "Dana", "--role", "sales", "--reason", "ok")
    run("scenario", "approve", demo_plan, WHATIF, "--as", "Lee", "--role", "marketing", "--reason", "ok")
    result = run("scenario", "withdraw", demo_plan, WHATIF, "--as", "Dana", "--role", "sales")
    assert result.output.strip() == (
        f"Scenario '{WHATIF}' is a draft again; the sign-offs of Dana (sales) and Lee (marketing) were withdrawn."
    )
    assert (_doc(run, demo_plan)["status"], _doc(run, demo_plan)["sign_offs"]) == ("draft", [])


def test_blocking_flags_need_a_reason_and_roles_stick_to_people(run, demo_plan: Path) -> None:
    run("scenario", "propose", demo_plan, "baseline", "--as", "Dana", "--role", "sales")
    result = run("scenario", "approve", demo_plan, "baseline", "--as", "Dana", "--role", "sales")
    assert result.exit_code == 2 and "needs a written reason" in result.output and "--reason" in result.output
    result = run("scenario", "approve", demo_plan, "baseline", "--as", "Dana", "--role", "marketing", "--reason", "x")
    assert result.exit_code == 2 and "Dana is recorded as the sales lead of this plan" in result.output
    result = run("scenario", "approve", demo_plan, "baseline", "--as", "Lee", "--role", "finance")
    assert result.exit_code == 2 and "'finance' is not one of 'sales', 'marketing'" in result.output


def test_sign_off_of_a_draft_is_refused(run, demo_plan: Path) -> None:
    result = run("scenario", "approve", demo_plan, WHATIF, "--as", "Dana", "--role", "sales", "--reason", "x")
    assert result.exit_code == 2 and "is a draft: propose it first" in result.output


def test_cli_changes_are_logged_with_the_author(run, demo_plan: Path) -> None:
    from territory_planner.persistence import load_plan

    run("scenario", "copy", demo_plan, "baseline", "Copy")
    run("scenario", "propose", demo_plan, "Copy", "--as", "Dana", "--role", "sales")
    log = load_plan(demo_plan).governance.log
    assert [e.description for e in log] == ["Copy scenario baseline to Copy", "Propose scenario Copy for approval"]
    assert log[1].author == "Dana" and log[0].author  # the OS user (or "someone")
    assert [e.sequence for e in log] == [1, 2]
