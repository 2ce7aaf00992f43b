"""The bundled demo plan: a realistic FY plan on US counties that shows every kind of funding problem."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from ..domain import BASELINE, Allocation, Layer, Month, Plan, Scenario, Seller, Territory
from ..domain.commands import (
    AddSeller,
    AssignUnits,
    Batch,
    Command,
    CopyScenario,
    CreateRegion,
    CreateTerritory,
    EditSeller,
    RemoveSeller,
    SetAllocation,
    SetAssumption,
)
from ..resources import resources_dir
from .layers import bundled_layer


def demo_definition() -> dict[str, Any]:
    with open(resources_dir() / "demo" / "plan.json", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _allocation(entry: dict[str, Any]) -> Allocation:
    start = entry.get("start_month")
    return Allocation(
        entry["level"],
        entry["name"],
        float(entry["budget"]),
        float(entry.get("hours", 0)),
        Month.parse(start) if start else None,
    )


def _units_for(layer: Layer, entry: dict[str, Any]) -> list[str]:
    units = layer.units
    counties = set(entry.get("counties", []))
    excluded = set(entry.get("exclude_counties", []))
    states = set(entry.get("states", []))
    if "county_fips" in units.columns:  # a ZIP layer: counties are matched through each ZIP's county
        county = units["county_fips"].astype(str)
        mask = (units["state"].isin(states) & ~county.isin(excluded)) | county.isin(counties)
        return list(units.index[mask])
    chosen = set(counties)
    if states:
        chosen |= set(units.index[units["state"].isin(states)])
    chosen -= excluded
    return [u for u in units.index if u in chosen]


def build_demo_plan(layer: Layer | None = None, layer_name: str | None = None) -> Plan:
    """Build the demo plan from ``resources/demo/plan.json``, with every change made through commands."""
    data = demo_definition()
    layer = layer if layer is not None else bundled_layer(layer_name or data["layer"])
    plan = Plan(data["name"], layer, {BASELINE: Scenario(BASELINE)})
    s = BASELINE
    commands: list[Command] = []
    for key, value in data["assumptions"].items():
        commands.append(SetAssumption(s, "plan", None, key, value))
    commands += [CreateRegion(s, r) for r in data["regions"]]
    for t in data["territories"]:
        commands.append(CreateTerritory(s, Territory(t["name"], t.get("region"), t["color"])))
        commands.append(AssignUnits.to(s, _units_for(layer, t), t["name"], layer.unit_noun))
    for entry in data["sellers"]:
        start = entry.get("start_month")
        seller = Seller(
            entry["seller"],
            entry.get("territory"),
            entry.get("status", "existing"),
            Month.parse(start) if start else None,
            int(entry.get("ramp_months", 0)),
            float(entry["annual_quota"]),
            float(entry.get("annual_cost", 0)),
            entry.get("home"),
        )
        commands.append(AddSeller(s, seller))
    for entry in data["allocations"]:
        commands.append(SetAllocation(s, entry["level"], entry["name"], _allocation(entry)))
    for o in data.get("overrides", []):
        commands.append(SetAssumption(s, o["level"], o["name"], o["key"], o["value"]))
    Batch("Build demo plan", tuple(commands)).apply(plan)

    whatif = data.get("whatif")
    if whatif:
        w = whatif["name"]
        changes: list[Command] = [CopyScenario(BASELINE, w)]
        changes += [RemoveSeller(w, name) for name in whatif.get("remove_sellers", [])]
        base = plan.scenario(BASELINE)
        for edit in whatif.get("edit_sellers", []):
            old = base.sellers[edit["seller"]]
            new = replace(
                old, start_month=Month.parse(edit["start_month"]) if "start_month" in edit else old.start_month
            )
            changes.append(EditSeller(w, old.name, new))
        changes += [SetAllocation(w, e["level"], e["name"], _allocation(e)) for e in whatif.get("allocations", [])]
        Batch(f"Create what-if {w}", tuple(changes)).apply(plan)
    return plan
