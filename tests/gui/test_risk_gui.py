"""Ranges and funding confidence in the app (issue 13 §3): Low and High in the Assumptions panel (one undo entry
each, scaled at region level), Run confidence (Monte Carlo)… on a worker with progress and cancel, the Confidence
column, the flip sentence, and the tornado of the selected territory (checked against the checks re-run with the
key moved)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from territory_planner.domain import Plan, evaluate
from territory_planner.domain.formatting import percent
from territory_planner.domain.tornado import tornado
from territory_planner.gui.assumption_model import AssumptionTableModel
from territory_planner.gui.document import PlanDocument
from territory_planner.gui.risk_run import RiskDialog
from territory_planner.gui.territory_model import STALE, TerritoryTableModel
from territory_planner.services.risk import run_risk

RANGES = {
    "win_rate": (0.18, 0.30),
    "cost_per_lead": (150.0, 260.0),
    "avg_deal_size": (45_000.0, 70_000.0),
    "lead_to_mql": (0.22, 0.35),
}


def with_ranges(plan: Plan) -> Plan:
    for scenario in plan.scenarios.values():
        for key, (low, high) in RANGES.items():
            scenario.assumptions.set("plan", None, f"{key}.low", low)
            scenario.assumptions.set("plan", None, f"{key}.high", high)
    return plan


@pytest.fixture
def ranged(window: Any, demo_plan: Plan, tmp_path: Any) -> Any:
    window.set_document(PlanDocument(with_ranges(demo_plan), str(tmp_path / "plan.tplan")))
    window.refresh_now()
    return window


def _cell(win: Any, territory: str, column: str) -> Any:
    model = win.territories.model
    return model.index(model.row_of(territory), TerritoryTableModel.COLUMNS.index(column))


def _run(win: Any, qtbot: Any) -> Any:
    dialog = win.ask_risk()
    assert isinstance(dialog, RiskDialog)
    dialog.draws.setValue(5_000)
    with qtbot.waitSignal(dialog.ran, timeout=20_000) as blocker:
        task = dialog.run()
        assert task is not None
    return dialog, blocker.args[0]


# --- the run -----------------------------------------------------------------------------------------------


def test_run_confidence_fills_the_confidence_column_with_the_services_figures(ranged: Any, qtbot: Any) -> None:
    win = ranged
    assert _cell(win, "Texas", "confidence").data() == ""  # blank until run
    assert "Not run yet" in _cell(win, "Texas", "confidence").data(Qt.ItemDataRole.ToolTipRole)
    dialog, run = _run(win, qtbot)
    expected = run_risk(win.document.scenario, win.document.report(), 5_000, 1)
    for t in expected.territories:
        assert _cell(win, t.territory, "confidence").data() == percent(t.p_funded, 0)
    assert run.risk.territories == expected.territories
    assert "5,000 draws" in dialog.status.text()
    tip = _cell(win, "Texas", "confidence").data(Qt.ItemDataRole.ToolTipRole)
    flips = win.risk_results.flips("Texas")
    key = flips.nearest()
    assert key is not None and flips.sentence(key, "USD") in tip  # "would be funded if … rose above …"
    assert _cell(win, "Texas", "confidence").data(Qt.ItemDataRole.ForegroundRole) is None

    # Any change makes the figures stale: still shown, grey, and the tooltip says to run again.
    model = AssumptionTableModel(win.document)
    assert model.set_value("cost_per_lead", "170")
    win.refresh_now()
    assert _cell(win, "Texas", "confidence").data() == percent(expected.territory("Texas").p_funded, 0)
    assert _cell(win, "Texas", "confidence").data(Qt.ItemDataRole.ForegroundRole).color() == STALE
    assert "before the last change" in _cell(win, "Texas", "confidence").data(Qt.ItemDataRole.ToolTipRole)
    win.budget.show_territory("Texas")
    assert "before the last change" in win.budget.confidence.text()
    dialog.close()


def test_cancel_leaves_no_result(ranged: Any, qtbot: Any) -> None:
    win = ranged
    dialog = win.ask_risk()
    with qtbot.waitSignal(dialog.stopped, timeout=20_000):
        dialog.run()
        dialog.cancel()
    assert win.risk_results.run() is None
    assert "Cancelled" in dialog.status.text()
    assert _cell(win, "Texas", "confidence").data() == ""
    dialog.close()


def test_without_ranges_the_run_is_refused_with_a_way_forward(opened: Any) -> None:
    dialog = opened.ask_risk()
    assert not dialog.run_button.isEnabled()
    assert "Low and High" in dialog.error.text()
    assert dialog.run() is None
    assert not opened.budget.run_button.isEnabled()
    dialog.close()


# --- the tornado -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("territory", ["Texas", "Pacific Northwest", "Great Lakes"])
def test_tornado_gaps_are_the_checks_rerun_with_the_key_at_each_end(demo_plan: Plan, territory: str) -> None:
    """Own allocation (Texas, Great Lakes) and region pool (Pacific Northwest, judged with West's pool)."""
    plan = with_ranges(demo_plan)
    scenario = plan.scenarios["baseline"]
    report = evaluate(scenario, plan.layer)
    t = tornado(scenario, report, territory)
    assert {b.key for b in t.bars} == set(RANGES)  # hours_per_mql has no range here, and moves no money
    swings = [b.swing for b in t.bars]
    assert swings == sorted(swings, reverse=True)
    members = [r.territory for r in report.territories if r.funding == "region" and r.region == "West"]
    pooled = territory in members
    for bar in t.bars:
        for end, gap in ((bar.low, bar.gap_low), (bar.high, bar.gap_high)):
            moved = scenario.clone("moved")
            moved.assumptions.set("territory", territory, bar.key, end)
            again = evaluate(moved, plan.layer)
            if pooled:
                pool = moved.allocations[("region", "West")].budget
                expected = pool - sum(again.territory(m).required_spend for m in members)
            else:
                expected = again.territory(territory).gap
            assert gap == pytest.approx(expected, abs=0.01), (bar.key, end)


def test_the_budget_panel_draws_the_tornado_of_the_selected_territory(ranged: Any, qtbot: Any) -> None:
    win = ranged
    dialog, run = _run(win, qtbot)
    panel = win.territories
    panel.view.selectRow(panel.proxy.mapFromSource(panel.model.index(panel.model.row_of("Mountain"), 0)).row())
    budget = win.budget
    assert budget.territory == "Mountain"
    assert budget.tornado.tornado == run.tornados["Mountain"]
    assert budget.tornado.has_data()
    labels = [r.label for r in budget.tornado.rows()]
    assert labels[0].startswith(run.tornados["Mountain"].bars[0].words)
    assert "funded in" in budget.confidence.text()
    assert "region West's pool" in budget.flip_text.text()
    dialog.close()


# --- ranges in the Assumptions panel ---------------------------------------------------------------------


def test_low_and_high_are_typed_at_plan_level_with_undo_and_scaled_at_region_level(opened: Any) -> None:
    doc = opened.document
    a = doc.scenario.assumptions
    model = AssumptionTableModel(doc)
    row = model.row_of("win_rate")
    low = model.index(row, AssumptionTableModel.COLUMNS.index("low"))
    high = model.index(row, AssumptionTableModel.COLUMNS.index("high"))
    assert low.data() == "" and bool(low.flags() & Qt.ItemFlag.ItemIsEditable)
    budget_row = model.row_of("marketing_budget")
    assert not model.index(budget_row, low.column()).flags() & Qt.ItemFlag.ItemIsEditable

    assert model.setData(low, "18 %")
    assert a.get("plan", None, "win_rate.low") == pytest.approx(0.18)
    assert doc.undo_stack.count() == 1
    assert low.data() == "18 %"
    assert high.data() == "25 %"  # an end not typed is the value itself, shown grey
    assert high.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.setData(high, "0.3")
    assert a.plan_range("win_rate") == pytest.approx((0.18, 0.30))

    errors: list[str] = []
    doc.error_raised.connect(errors.append)
    assert not model.setData(low, "40 %")  # above the value of 25 %: refused, nothing pushed
    assert errors and "low end" in errors[0]
    assert doc.undo_stack.count() == 2

    # A region override of 20 % shows the plan's range scaled: 18 % × 20/25 = 14.4 %, 30 % × 20/25 = 24 %.
    assert model.set_value("win_rate", "25 %") is False  # unchanged value: nothing pushed
    model.set_level("region", "West")
    assert model.set_value("win_rate", "20 %")
    assert model.index(row, low.column()).data() == "14.4 %"
    assert model.index(row, high.column()).data() == "24 %"
    assert not model.index(row, low.column()).flags() & Qt.ItemFlag.ItemIsEditable

    for _ in range(3):
        doc.undo_stack.undo()
    assert a.plan_range("win_rate") is None and not a.has_ranges
    model.set_level("plan", None)
    assert model.setData(low, "18 %") and model.setData(low, "")  # clearing the cell removes the end
    assert a.plan_range("win_rate") is None
