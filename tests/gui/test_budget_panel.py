"""The Budget panel (issue 13 §2): the waterfall draws the same numbers as ``domain/budget.reconcile`` and they add
up to the cent, the region rollup, investment parity in plain words, the hiring timeline, and a refresh that waits
until edits rest."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from territory_planner.domain.budget import hiring_timeline, investment_parity, reconcile, region_rollup
from territory_planner.domain.commands import CreateTerritory
from territory_planner.domain.formatting import money, to_cents
from territory_planner.domain.model import Territory
from territory_planner.gui.budget_panel import REFRESH_AFTER_MS, RegionRollupModel
from territory_planner.render.charts import waterfall_columns


def _shown(win: Any, qtbot: Any) -> Any:
    """The window on screen with the Budget dock raised, its story current."""
    win.show()
    win.budget_dock.raise_()
    qtbot.waitExposed(win)
    win.budget.update_now()
    return win.budget


def test_waterfall_draws_the_reconciliation_and_it_adds_up_to_the_cent(opened: Any, qtbot: Any) -> None:
    panel = _shown(opened, qtbot)
    rec = reconcile(opened.document.report())
    steps = panel.waterfall.steps
    assert steps == rec.steps()
    by_label = {s.label: s for s in steps if s.kind != "part"}
    parts = [s for s in steps if s.kind == "part"]
    c = to_cents
    # plan budget − unallocated = allocated = the regions' slices (+ allocated to no territory)
    assert c(by_label["Plan budget"].amount) - c(by_label["Unallocated budget"].amount) == c(rec.allocated)
    assert sum(c(p.amount) for p in parts) == c(by_label["Allocated"].amount)
    # allocated − allocated to no territory + short − surplus = spend needed
    unused = c(rec.unused_allocation)
    assert c(rec.allocated) - unused + c(by_label["Short"].amount) - c(by_label["Surplus"].amount) == c(
        by_label["Spend needed"].amount
    )
    assert by_label["Spend needed"].amount == rec.required
    assert c(rec.unallocated) > 0  # the demo leaves part of its $2.40M unallocated: a bar of its own
    text = panel.reconciliation.text()
    assert rec.lines()[0] in text and rec.lines()[1] in text
    assert money(rec.unallocated, "USD") in text

    image = QImage(panel.waterfall.size(), QImage.Format.Format_ARGB32)
    panel.waterfall.render(image)
    assert len(panel.waterfall.bars) == len(waterfall_columns(steps))  # one bar per column was painted
    heights = [b.height() for b in panel.waterfall.bars]
    plan_bar = heights[0]
    assert heights[-1] / plan_bar == pytest.approx(rec.required / rec.marketing_budget, abs=0.02)


def test_region_rollup_parity_and_timeline_show_the_domain_figures(opened: Any, qtbot: Any) -> None:
    panel = _shown(opened, qtbot)
    doc = opened.document
    report, scenario = doc.report(), doc.scenario
    rows = region_rollup(report, scenario)
    model = panel.regions
    assert model.rowCount() == len(rows)
    gap = RegionRollupModel.COLUMNS.index("gap")
    status = RegionRollupModel.COLUMNS.index("status")
    for i, r in enumerate(rows):
        assert model.index(i, 0).data() == r.label
        assert model.index(i, gap).data() == money(r.gap, "USD")
        assert model.index(i, status).data(Qt.ItemDataRole.ToolTipRole).startswith(f"{r.funded} funded")
    assert sum(to_cents(r.gap) for r in rows) == to_cents(reconcile(report).net_gap)

    parity = investment_parity(report, scenario)
    assert panel.parity_headline.text() == parity.headline()
    for line in parity.lines():
        assert line in panel.parity_lines.text()
    assert panel.gauge.ratio == pytest.approx(parity.spend_ratio)

    timeline = hiring_timeline(report, scenario)
    assert panel.timeline.rows == timeline
    assert timeline and any(h.late for h in timeline) == any(f.code == "PIPELINE_LATE" for f in report.flags)


def test_the_panel_waits_for_edits_to_rest_and_shows_user_text_as_text(opened: Any, qtbot: Any) -> None:
    panel = _shown(opened, qtbot)
    before = panel.story
    doc = opened.document
    assert doc.execute(CreateTerritory(doc.scenario_name, Territory("<b>Bold</b> & co", "West")))
    opened.refresh_now()
    assert panel.story is before  # a stroke's refresh does not recompute the story
    assert panel._timer.isActive() and panel._timer.interval() == REFRESH_AFTER_MS
    with qtbot.waitSignal(panel._timer.timeout, timeout=5000):
        pass
    assert panel.story is not before
    assert "<b>Bold</b> & co" in [panel.territory_combo.itemText(i) for i in range(panel.territory_combo.count())]
    for label in (panel.reconciliation, panel.parity_lines, panel.confidence, panel.flip_text):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_a_hidden_panel_catches_up_when_shown(opened: Any, qtbot: Any) -> None:
    win = opened
    win.show()
    qtbot.waitExposed(win)
    win.budget_dock.hide()  # the person closed the Budget dock
    panel = win.budget
    assert not panel.isVisible()
    before = panel.story
    doc = win.document
    assert doc.execute(CreateTerritory(doc.scenario_name, Territory("Hidden", "West")))
    win.refresh_now()
    panel._on_timer_timeout()  # the timer fires while the panel is hidden: nothing is computed
    assert panel.story is before
    with qtbot.waitSignal(panel._timer.timeout, timeout=5000):
        win.budget_dock.show()  # View > Budget
    assert panel.story is not before
