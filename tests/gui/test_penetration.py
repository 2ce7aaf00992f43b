"""The map coloured by penetration (target ÷ market), the Penetration column, and the live update of market,
penetration and the MARKET_TOO_SMALL flag when a stroke moves units (issue 13 §1).

The demo plan has no market attribute; :func:`market_plan` gives a copy its own layer with one, ``revenue`` =
$1.50 per resident. Pacific Northwest then has a market of about $20.7M for a $2.3M target (11 %, above the 10 %
cap), Great Lakes about $70.9M for $2.3M (3 %).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from territory_planner.domain import Plan
from territory_planner.domain.formatting import percent
from territory_planner.gui.colour_modes import NO_MARKET
from territory_planner.gui.document import PlanDocument
from territory_planner.gui.territory_model import TerritoryTableModel

REVENUE_PER_RESIDENT = 1.5


def market_plan(plan: Plan) -> Plan:
    """``plan`` on its own copy of the layer with a ``revenue`` attribute named as the plan's market attribute."""
    layer = plan.layer
    own = dataclasses.replace(layer, units=layer.units.copy())
    market = (own.units["population"].astype(float) * REVENUE_PER_RESIDENT).to_dict()
    own.set_attribute_values("revenue", market)
    plan.layer = own
    for scenario in plan.scenarios.values():
        scenario.assumptions.set("plan", None, "market_attribute", "revenue")
    return plan


def open_plan(window: Any, plan: Plan, tmp_path: Any) -> Any:
    window.set_document(PlanDocument(plan, str(tmp_path / "plan.tplan")))
    window.refresh_now()
    return window


def _stroke(window: Any, unit_ids: list[str], into: str) -> None:
    """One paint stroke into ``into``: choose it as the paint target, then the map's end-of-stroke signal."""
    panel = window.territories
    panel.view.selectRow(panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(into), 0)).row())
    assert window.paint.paint_target() == (True, into)
    window.map.stroke_finished.emit(list(unit_ids))


def _cell(window: Any, territory: str, column: str, role: Any = None) -> Any:
    model = window.territories.model
    index = model.index(model.row_of(territory), TerritoryTableModel.COLUMNS.index(column))
    return index.data() if role is None else index.data(role)


def _small(window: Any) -> set[str]:
    return {f.subject for f in window.document.report().flags if f.code == "MARKET_TOO_SMALL"}


def test_penetration_colouring_and_column_follow_a_stroke_live(
    window: Any, demo_plan: Plan, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = open_plan(window, market_plan(demo_plan), tmp_path)
    handed: list[tuple[str, Any, str]] = []
    real = win.map.set_color_mode

    def spy(mode: str, values: Any = None, label: str = "", classes: Any = None) -> None:
        handed.append((mode, None if values is None else np.array(values), label))
        real(mode, values, label, classes)

    monkeypatch.setattr(win.map, "set_color_mode", spy)
    assert win.colours.combo.findData("penetration") >= 0
    win.colours.set_mode("penetration")
    mode, values, label = handed[-1]
    assert mode == "measure" and label.startswith("Penetration, % of market")
    assert win.map.legend_widget().legend().title == label
    entries = [e.label for e in win.map.legend_widget().legend().entries]
    assert any(text.endswith("(the cap)") for text in entries)  # fixed bands around max_penetration

    scenario, layer = win.document.scenario, win.document.plan.layer
    pnw = win.document.report().territory("Pacific Northwest")
    assert pnw.penetration == pytest.approx(pnw.target / pnw.market)
    assert pnw.penetration > 0.10
    assert "Pacific Northwest" in _small(win)
    assert _cell(win, "Pacific Northwest", "penetration") == percent(pnw.penetration)
    pnw_units = layer.positions(scenario.units_of("Pacific Northwest"))
    assert values[pnw_units] == pytest.approx(pnw.penetration * 100)

    # Paint the 25 largest counties of Great Lakes into Pacific Northwest: its market grows by exactly theirs.
    revenue = layer.units["revenue"]
    moved = sorted(scenario.units_of("Great Lakes"), key=lambda u: -revenue[u])[:25]
    _stroke(win, moved, "Pacific Northwest")
    assert win.document.undo_stack.count() == 1
    win.refresh_now()  # what the window's refresh timer runs once the stroke's command is applied

    after = win.document.report().territory("Pacific Northwest")
    assert after.market == pytest.approx(pnw.market + revenue[moved].sum())
    assert after.penetration == pytest.approx(after.target / after.market)
    assert after.penetration < pnw.penetration
    assert after.penetration <= 0.10
    assert "Pacific Northwest" not in _small(win)  # the flag cleared with the stroke
    assert _cell(win, "Pacific Northwest", "penetration") == percent(after.penetration)
    colourings = len(handed)
    assert win.map.color_mode() == "measure"
    values = win.map.measure_values()  # updated in place: only the units whose value changed are restyled
    grown = layer.positions(win.document.scenario.units_of("Pacific Northwest"))
    assert values[grown] == pytest.approx(after.penetration * 100)  # the moved units too
    lakes = win.document.report().territory("Great Lakes")
    assert values[layer.positions(moved)] == pytest.approx(after.penetration * 100)
    assert values[layer.positions(win.document.scenario.units_of("Great Lakes"))] == pytest.approx(
        lakes.penetration * 100
    )

    win.document.undo_stack.undo()
    win.refresh_now()
    assert win.document.report().territory("Pacific Northwest").market == pytest.approx(pnw.market)
    assert "Pacific Northwest" in _small(win)
    assert win.map.measure_values()[pnw_units] == pytest.approx(pnw.penetration * 100)
    assert len(handed) == colourings  # the stroke and its undo never coloured the whole map afresh
    fills = win.map.unit_items().fill
    assert len(set(fills[pnw_units].tolist())) == 1  # the territory's units share one colour again


def test_penetration_tooltip_names_the_numbers_and_the_cap(window: Any, demo_plan: Plan, tmp_path: Any) -> None:
    from PySide6.QtCore import Qt

    win = open_plan(window, market_plan(demo_plan), tmp_path)
    r = win.document.report().territory("Northern California")
    tip = _cell(win, "Northern California", "penetration", Qt.ItemDataRole.ToolTipRole)
    assert percent(r.penetration) in tip and "at most 10 %" in tip
    assert "too small" in tip  # 11.9 % of its market


def test_without_a_market_attribute_the_map_says_no_market_data(opened: Any) -> None:
    win = opened
    win.colours.set_mode("penetration")
    assert win.map.legend_widget().legend().title == NO_MARKET
    assert _cell(win, "Texas", "penetration") == "—"
    assert win.colours.mode() == "penetration"


def test_penetration_bands_are_fixed_around_the_cap() -> None:
    """The bands mean the same in every plan and after every stroke: quarters of the cap, the cap, then over it."""
    from territory_planner.gui.colour_modes import penetration_classes

    classes = penetration_classes(0.10, "Penetration")
    at = classes.classify(np.array([1.0, 2.5, 9.99, 10.0, 10.01, 14.9, 19.0, 45.0, np.nan]))
    assert at.tolist() == [0, 1, 3, 3, 4, 4, 5, 6, -1]
    assert classes.texts[3].endswith("(the cap)") and "10.0 %" in classes.texts[3]
    assert all("over the cap" in t for t in classes.texts[4:6]) and classes.texts[-1] == "over 20.0 %"
    assert penetration_classes(0.05, "").classify(np.array([5.0, 6.0])).tolist() == [3, 4]
