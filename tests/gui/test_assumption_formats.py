"""Every assumption key prints the same in the app's table, the PDF's table and the workbook's cell (issue 16 §3.4).

The workbook cell is a number with an Excel number format; it is rendered here the way Excel and LibreOffice
render the few formats the workbook uses (a quoted prefix or suffix, ``#,##0`` with 0 to 2 decimals, `` %``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from territory_planner.domain import BASELINE, FUNNEL_KEYS, PLAN_KEYS, Plan
from territory_planner.domain.commands import SetAssumption
from territory_planner.exporters.pack import assumption_rows, build_pack
from territory_planner.exporters.workbook import build_workbook

_FORMAT = re.compile(r'^(?:"(?P<prefix>[^"]*)")?#,##0(?:\.(?P<decimals>0+))?(?P<percent> %)?(?:"(?P<suffix>[^"]*)")?$')

#: Values that printed differently before: 0.5 h showed "0 h" in the app, 35 % showed 0.35 in the app.
ODD_VALUES = {
    "hours_per_mql": 0.5,
    "imbalance_tolerance": 0.35,
    "cost_per_lead": 220.5,
    "win_rate": 0.125,
    "marketing_hours": 12_345.5,
    "sales_cycle_days": 1.0,
    "at_risk_tolerance": 0.075,
}


def excel_text(value: float, number_format: str) -> str:
    """What a spreadsheet shows for ``value`` in ``number_format`` (only the formats the workbook writes)."""
    match = _FORMAT.match(number_format)
    assert match, f"unexpected number format {number_format!r}"
    decimals = len(match["decimals"] or "")
    number = Decimal(repr(value)) * (100 if match["percent"] else 1)
    shown = f"{number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):,.{decimals}f}"
    return f"{match['prefix'] or ''}{shown}{match['percent'] or ''}{match['suffix'] or ''}"


def app_texts(plan: Plan, level: str, name: str | None) -> dict[str, str]:
    from territory_planner.gui.assumption_model import AssumptionTableModel
    from territory_planner.gui.document import PlanDocument

    model = AssumptionTableModel(PlanDocument(plan))
    model.set_level(level, name)
    column = model.COLUMNS.index("value")
    return {
        model.key_at(row): model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
        for row in range(model.rowCount())
    }


@pytest.fixture
def odd_plan(demo_plan: Plan) -> Plan:
    for key, value in ODD_VALUES.items():
        SetAssumption(BASELINE, "plan", None, key, value).apply(demo_plan)
    SetAssumption(BASELINE, "plan", None, "currency", "EUR").apply(demo_plan)
    territory = next(iter(demo_plan.scenario().territories))
    SetAssumption(BASELINE, "territory", territory, "hours_per_mql", 0.25).apply(demo_plan)
    SetAssumption(BASELINE, "territory", territory, "cost_per_lead", 99.99).apply(demo_plan)
    return demo_plan


def test_app_pdf_and_workbook_agree_for_every_key(odd_plan: Plan, qapp: Any) -> None:
    scenario = odd_plan.scenario()
    territory = next(iter(scenario.territories))
    app_plan = app_texts(odd_plan, "plan", None)
    app_territory = app_texts(odd_plan, "territory", territory)

    pdf = {what: value for what, value, _ in assumption_rows(scenario)}

    workbook = build_workbook(build_pack(odd_plan, [BASELINE], maps=False))
    sheet = workbook["Assumptions"]
    cells: dict[tuple[str, str, str], str] = {}
    for row in sheet.iter_rows(min_row=2):
        level, name, key, value = (c.value for c in row[:4])
        if key in FUNNEL_KEYS or key in PLAN_KEYS:
            cells[(str(level), str(name or ""), str(key))] = excel_text(float(value), row[3].number_format)

    for key, spec in (*FUNNEL_KEYS.items(), *PLAN_KEYS.items()):
        assert app_plan[key] == pdf[spec.label] == cells[("plan", "", key)], key
    for key in ("hours_per_mql", "cost_per_lead"):
        label = f"Territory {territory}: {FUNNEL_KEYS[key].label}"
        assert app_territory[key] == pdf[label] == cells[("territory", territory, key)], key

    # the values that disagreed or rounded to nothing before
    assert app_plan["hours_per_mql"] == "0.5 h"
    assert app_plan["imbalance_tolerance"] == "35 %"
    assert app_plan["cost_per_lead"] == "€220.50"
    assert app_plan["at_risk_tolerance"] == "7.5 %"
    assert app_plan["sales_cycle_days"] == "1 day"
    assert app_territory["hours_per_mql"] == "0.25 h"


def test_the_editor_text_reads_back_unchanged(odd_plan: Plan, qapp: Any) -> None:
    from territory_planner.gui.assumption_model import AssumptionTableModel
    from territory_planner.gui.document import PlanDocument

    document = PlanDocument(odd_plan)
    model = AssumptionTableModel(document)
    column = model.COLUMNS.index("value")
    before = dict(odd_plan.scenario().assumptions.values)
    for row in range(model.rowCount()):
        key = model.key_at(row)
        text = model.data(model.index(row, column), Qt.ItemDataRole.EditRole)
        assert not model.set_value(key, text), f"{key}: editing '{text}' back changed the value"
    assert odd_plan.scenario().assumptions.values == before
    assert document.undo_stack.count() == 0
