"""An empty territory (no units, no sellers) is "Empty" in the summary badges and the territories table, never
counted as funded."""

from __future__ import annotations

from typing import Any

from territory_planner.domain.commands import CreateTerritory
from territory_planner.domain.model import Territory


def test_an_empty_territory_is_empty_not_funded(opened: Any) -> None:
    win = opened
    strip = win.summary
    before = win.document.report().totals
    assert not strip.chips["empty"].isVisibleTo(strip)
    assert win.document.execute(CreateTerritory(win.document.scenario_name, Territory("Nowhere yet")))
    win.refresh_now()

    assert strip.chips["funded"].text() == f"{before.funded} Funded"  # not one more
    assert strip.chips["empty"].text() == "1 Empty"
    assert strip.chips["empty"].isVisibleTo(strip)
    model = win.territories.model
    row = model.row_of("Nowhere yet")
    column = model.COLUMNS.index("status")
    assert model.index(row, column).data() == "Empty"
    assert "nothing to fund" in model.index(row, column).data(3)  # ToolTipRole


def test_a_territory_with_units_and_no_seller_keeps_its_funding_status(opened: Any) -> None:
    win = opened
    model = win.territories.model
    column = model.COLUMNS.index("status")
    for name in win.document.scenario.territories:
        text = model.index(model.row_of(name), column).data()
        assert text != "Empty", name  # every demo territory has units
