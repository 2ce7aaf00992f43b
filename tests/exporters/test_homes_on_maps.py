"""Hires are drawn where they work from (their home base) on the pack's PNG/PDF map and the HTML map; a hire
without a home base is spread under the territory's label as before (issues 12 and 16 §3 item 11)."""

from __future__ import annotations

from dataclasses import replace

import shapely

from territory_planner.domain import BASELINE, Plan
from territory_planner.exporters.html_map import page_data
from territory_planner.exporters.pack import build_pack
from territory_planner.exporters.png_map import StaticMap
from territory_planner.services.export import home_points


def _pack(plan: Plan):  # type: ignore[no-untyped-def]
    return build_pack(plan, [BASELINE], home_points=home_points(plan, [BASELINE]))


def test_austin_and_dallas_hires_are_drawn_at_their_homes_not_on_one_spot(demo_plan: Plan) -> None:
    pack = _pack(demo_plan)
    sp = pack.scenarios[0]
    austin, dallas = sp.homes["Austin AE (hire)"], sp.homes["Dallas AE (hire)"]
    assert abs(austin[0] - -97.74) < 0.1 and abs(austin[1] - 30.3) < 0.1
    assert abs(dallas[0] - -96.80) < 0.1 and abs(dallas[1] - 32.79) < 0.1

    static = StaticMap(pack)
    homes = static._homes[0]
    texas = [i for i, t in enumerate(sp.atom_territories) if t == "Texas"]
    outline = shapely.union_all(static.geometry.geoms[texas])
    for hire in ("Austin AE (hire)", "Dallas AE (hire)"):
        point = homes[hire]
        assert outline.contains(shapely.Point(point.x(), point.y())), hire
    assert homes["Austin AE (hire)"] != homes["Dallas AE (hire)"]

    page = page_data(pack)
    markers = {h["tooltip"].split("</b>")[0].removeprefix("<b>"): h for h in page["scenarios"][0]["hires"]}
    assert (markers["Austin AE (hire)"]["lon"], markers["Austin AE (hire)"]["lat"]) == (
        round(austin[0], 5),
        round(austin[1], 5),
    )
    assert markers["Austin AE (hire)"]["dx"] == 0 and markers["Austin AE (hire)"]["dy"] == 0


def test_a_hire_without_a_home_base_stays_under_the_label(demo_plan: Plan) -> None:
    plan = demo_plan.deepcopy()
    s = plan.scenario(BASELINE)
    s.sellers["Dallas AE (hire)"] = replace(s.sellers["Dallas AE (hire)"], home=None)
    pack = _pack(plan)
    sp = pack.scenarios[0]
    assert "Dallas AE (hire)" not in sp.homes and "Austin AE (hire)" in sp.homes
    markers = {h["tooltip"].split("</b>")[0].removeprefix("<b>"): h for h in page_data(pack)["scenarios"][0]["hires"]}
    anchor = sp.anchors["Texas"]
    dallas = markers["Dallas AE (hire)"]
    assert (dallas["lon"], dallas["lat"]) == (round(anchor.x, 5), round(anchor.y, 5)) and dallas["dy"] == 28
