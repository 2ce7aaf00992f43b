"""A ZIP plan keeps each unit's county and state codes when it is saved and opened again (issue 15 §3: painting by
county needs them), on a plan file and on PostgreSQL."""

from __future__ import annotations

from territory_planner.geo.parents import layer_parents
from territory_planner.persistence import PlanTarget, load_plan, save_plan
from tests.parent_layers import county_of, zip_grid_plan, zip_id


def test_parent_codes_survive_save_and_load(any_target: PlanTarget) -> None:
    plan = zip_grid_plan()
    save_plan(plan, any_target)
    loaded = load_plan(any_target)
    units = loaded.layer.units
    assert list(units["county_fips"]) == list(plan.layer.units["county_fips"])
    assert list(units["state_fips"]) == list(plan.layer.units["state_fips"])
    assert units.loc[zip_id(0, 0), "county_fips"] == county_of(0, 0)  # text with its leading digits kept
    parents = layer_parents(loaded.layer)
    assert parents.levels == ("county", "state")
    members = parents.expand(loaded.layer.positions([zip_id(0, 0)]), "county")
    assert {str(loaded.layer.unit_ids[p]) for p in members} == {zip_id(r, c) for r in (0, 1) for c in (0, 1)}
