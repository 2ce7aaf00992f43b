"""Workshop mode enlarges the map's territory labels, status words and legend, and the map shows sellers and
planned hires as markers with the PNG export's status symbols, never two on one spot (issue 16 §1, item 11)."""

from __future__ import annotations

from typing import Any

import pytest

from territory_planner.gui.map_markers import EXISTING, Marker, marker_points, spread_offsets


def test_workshop_mode_enlarges_labels_status_words_and_legend(opened: Any) -> None:
    win = opened
    label_size = win.map.label_point_size()
    legend = win.map.legend_widget()
    legend_height = legend.height()
    win.workshop.set_on(True)
    try:
        assert win.map.label_point_size() >= label_size * 1.5
        assert legend.font().pointSizeF() > 0 and legend.height() >= legend_height * 1.3
        assert all(item.boundingRect().width() >= 14 * 1.5 for item in win.markers.items())
    finally:
        win.workshop.set_on(False)
    assert win.map.label_point_size() == label_size
    assert legend.height() == legend_height


def test_every_seller_and_hire_has_a_marker_with_its_status(opened: Any) -> None:
    win = opened
    doc = win.document
    items = win.markers.items()
    report = doc.report()
    placed = {s.name for s in doc.scenario.sellers.values() if s.territory in win.map.label_points()}
    assert {i.marker.seller for i in items} == placed and placed
    hires = {h.seller: h.status for h in report.hires}
    for item in items:
        seller = doc.scenario.sellers[item.marker.seller]
        assert item.marker.status == (hires[seller.name] if seller.is_hire else EXISTING)
        assert item.marker.seller in item.toolTip()
    assert {"unfunded", EXISTING} <= {i.marker.status for i in items}


def test_no_two_markers_on_one_spot(opened: Any) -> None:
    win = opened
    spots = [(i.pos().x(), i.pos().y(), i.offset().x(), i.offset().y()) for i in win.markers.items()]
    assert len(spots) == len(set(spots))
    texas = [i for i in win.markers.items() if i.marker.territory == "Texas"]
    assert len(texas) == 4  # 2 sellers + 2 hires (Austin and Dallas), each at their home base
    assert len({(i.pos().x(), i.pos().y()) for i in texas}) == 4
    map_view = win.map
    austin = next(i for i in texas if i.marker.seller == "Austin AE (hire)")
    travis = map_view.unit_point("48453")  # Austin's county: the marker stands on it
    assert (austin.pos().x(), austin.pos().y()) == pytest.approx(travis)


def test_markers_follow_a_new_hire(opened: Any, qtbot: Any) -> None:
    from territory_planner.domain import Month, Seller
    from territory_planner.domain.commands import AddSeller

    win = opened
    doc = win.document
    hire = Seller("Boise AE (hire)", "Mountain", "planned", Month(2027, 3), 3, 900_000, 150_000)
    assert doc.execute(AddSeller(doc.scenario_name, hire))
    win.refresh_now()
    qtbot.waitUntil(lambda: "Boise AE (hire)" in {i.marker.seller for i in win.markers.items()}, timeout=5000)


def test_home_base_wins_over_the_label_point_and_shared_points_spread() -> None:
    anchors = {"Texas": (10.0, 10.0)}
    markers = [
        Marker("Austin", "Texas", "unfunded"),
        Marker("Dallas", "Texas", "funded"),
        Marker("Houston", "Texas", EXISTING, home=(3.0, 4.0)),
        Marker("Nowhere", None, "unfunded"),
    ]
    placed = {m.seller: (point, offset) for m, point, offset in marker_points(markers, anchors, 20.0)}
    assert placed["Houston"][0] == (3.0, 4.0)
    assert placed["Austin"][0] == placed["Dallas"][0] == (10.0, 10.0)
    assert placed["Austin"][1] != placed["Dallas"][1]
    assert "Nowhere" not in placed
    many = spread_offsets(13, 10.0)
    assert len(set(many)) == 13
