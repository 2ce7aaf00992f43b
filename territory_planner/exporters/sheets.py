"""Write a scenario as the plan sheets (CSV) that ``import`` reads back: a lossless round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..domain import FUNNEL_KEYS, PLAN_KEYS, Plan, Scenario
from .atomic import atomic_path


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _num(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def sheet_rows(plan: Plan, scenario: Scenario) -> dict[str, tuple[list[str], list[list[object]]]]:
    """Header and rows of every sheet, in import order."""
    a = scenario.assumptions
    sheets: dict[str, tuple[list[str], list[list[object]]]] = {}
    sheets["territories"] = (
        ["territory", "region", "color", "locked"],
        [[t.name, t.region or "", t.color, "yes" if t.locked else "no"] for t in scenario.territories.values()],
    )
    order = {u: i for i, u in enumerate(plan.layer.unit_ids)}
    sheets["assignments"] = (
        ["unit_id", "territory"],
        [[u, t] for u, t in sorted(scenario.assignment.items(), key=lambda kv: order.get(kv[0], 0))],
    )
    sheets["sellers"] = (
        ["seller", "territory", "status", "start_month", "ramp_months", "annual_quota", "annual_cost"],
        [
            [
                s.name,
                s.territory or "",
                s.status,
                str(s.start_month or ""),
                s.ramp_months,
                _num(s.annual_quota),
                _num(s.annual_cost),
            ]
            for s in scenario.sellers.values()
        ],
    )
    sheets["allocations"] = (
        ["level", "name", "budget", "hours", "start_month"],
        [
            [al.level, al.name, _num(al.budget), _num(al.hours), str(al.start_month or "")]
            for al in scenario.allocations.values()
        ],
    )
    rows: list[list[object]] = [["plan", "", "period_start", str(a.period_start)], ["plan", "", "currency", a.currency]]
    rows += [["plan", "", k, _num(a.values[k])] for k in (*FUNNEL_KEYS, *PLAN_KEYS)]
    for level, table in (("region", a.region_overrides), ("territory", a.territory_overrides)):
        for name, overrides in table.items():
            rows += [[level, name, k, _num(v)] for k, v in overrides.items()]
    sheets["assumptions"] = (["level", "name", "key", "value"], rows)
    numeric = plan.layer.numeric_columns()
    units = plan.layer.units
    attr_rows = []
    for unit_id, values in zip(units.index, units[numeric].itertuples(index=False, name=None), strict=True):
        attr_rows.append([unit_id, *("" if pd.isna(v) else _num(v) for v in values)])
    sheets["attributes"] = (["unit_id", *numeric], attr_rows)
    return sheets


def export_sheets(plan: Plan, scenario_name: str | None, folder: str | Path) -> list[Path]:
    """Write territories, assignments, sellers, allocations, assumptions and attributes CSV files into ``folder``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    scenario = plan.scenario(scenario_name)
    written = []
    for kind, (header, rows) in sheet_rows(plan, scenario).items():
        path = out / f"{kind}.csv"
        _write(path, header, rows)
        written.append(path)
    return written
