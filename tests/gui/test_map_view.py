"""The map view on a small synthetic grid layer: strokes, selection, refreshes, navigation, level of detail."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from territory_planner import render as qtmap
from territory_planner.domain import Layer
from territory_planner.gui.map_view import MapView
from tests.plan_builders import grid_layer

RED, BLUE, GREEN = "#d62728", "#1f77b4", "#2ca02c"


@pytest.fixture
def layer() -> Layer:
    return grid_layer()


@pytest.fixture
def view(qtbot, layer: Layer) -> MapView:
    widget = MapView()
    qtbot.addWidget(widget)
    widget.resize(640, 480)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_layer(layer)
    widget.set_territory_state(np.full(len(layer), -1), [RED, BLUE], ["North", "South"], [None, None], [False, False])
    return widget


def at(view: MapView, unit_id: str) -> QPoint:
    return view.view_point(unit_id)


def pixel(image, view: MapView, unit_id: str, dy: float = 0.3) -> QColor:
    """Colour of ``render_image`` inside a unit, a little off its centre (labels sit on the centre)."""
    transform = view.image_transform(image.width(), image.height())
    b = view._geometry.bounds[view.layer().positions([unit_id])[0]]
    point = transform.map(QPointF((b[0] + b[2]) / 2, b[1] + (b[3] - b[1]) * (0.5 + dy)))
    return image.pixelColor(round(point.x()), round(point.y()))


def paint_stroke(qtbot, view: MapView, ids: list[str], release: bool = True) -> None:
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=at(view, ids[0]))
    for unit_id in ids[1:]:
        qtbot.mouseMove(viewport, pos=at(view, unit_id))
    if release:
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at(view, ids[-1]))


def test_set_layer_builds_one_item_per_unit_and_fits_the_layer(view: MapView, layer: Layer) -> None:
    assert view.layer() is layer
    assert len(view.unit_items().unit_items) == len(layer)
    visible = view.visible_scene_rect()
    assert visible.contains(view._geometry.extent)
    assert not view.is_showing_raster()  # 30 units: always vector items


def test_display_projection_for_us_layers_is_albers() -> None:
    assert qtmap.display_crs(grid_layer().geometry) == "EPSG:5070"
    world = gpd.GeoSeries([shapely.box(-170, -50, 170, 70)], crs="EPSG:4326")
    assert qtmap.display_crs(world) == "EPSG:8857"


def test_paths_from_geometry_keep_holes_and_flip_y() -> None:
    ring = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(4, 4), (6, 4), (6, 6), (4, 6)]])
    (path,) = qtmap.paths_from_geometry([ring])
    assert path.contains(QPointF(1, -1))
    assert not path.contains(QPointF(5, -5))  # the hole
    assert path.boundingRect().top() == pytest.approx(-10)


def test_paint_stroke_emits_crossed_units_once(qtbot, view: MapView) -> None:
    view.set_mode("paint")
    view.set_brush_radius(0)
    received: list[list[str]] = []
    view.stroke_finished.connect(received.append)
    crossed = ["r2c0", "r2c1", "r2c2", "r2c3"]
    with qtbot.waitSignal(view.stroke_finished, timeout=2000) as blocker:
        paint_stroke(qtbot, view, crossed)
    assert blocker.args[0] == crossed
    assert received == [crossed]
    assert view.stroke_preview_ids() == []


def test_paint_preview_shows_active_colour_without_changing_the_plan(qtbot, view: MapView) -> None:
    view.set_mode("paint")
    view.set_brush_radius(0)
    view.set_active_color(GREEN)
    paint_stroke(qtbot, view, ["r1c1", "r1c2"], release=False)
    assert view.stroke_preview_ids() == ["r1c1", "r1c2"]
    assert view.codes().max() == -1  # the plan's state is untouched while dragging
    shot = view.grab().toImage()
    point = at(view, "r1c2") + QPoint(0, 12)
    assert shot.pixelColor(point).green() > shot.pixelColor(point).red()


def test_escape_cancels_a_stroke(qtbot, view: MapView) -> None:
    view.set_mode("paint")
    view.set_brush_radius(0)
    with qtbot.assertNotEmitted(view.stroke_finished):
        paint_stroke(qtbot, view, ["r3c0", "r3c1", "r3c2"], release=False)
        assert view.stroke_in_progress()
        qtbot.keyClick(view, Qt.Key.Key_Escape)
        assert not view.stroke_in_progress()
        assert view.stroke_preview_ids() == []
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, "r3c2"))
    assert not any(item.isVisible() for (group, _), item in view.unit_items().overlay_items.items())


def test_paint_filter_excludes_units(qtbot, view: MapView, layer: Layer) -> None:
    view.set_mode("paint")
    view.set_brush_radius(0)
    excluded = layer.positions(["r2c1"])
    seen: list[np.ndarray] = []

    def allow(positions: np.ndarray) -> np.ndarray:
        seen.append(positions)
        return ~np.isin(positions, excluded)

    view.set_paint_filter(allow)
    with qtbot.waitSignal(view.stroke_finished, timeout=2000) as blocker:
        paint_stroke(qtbot, view, ["r2c0", "r2c1", "r2c2"])
    assert blocker.args[0] == ["r2c0", "r2c2"]
    assert all(isinstance(p, np.ndarray) for p in seen)


def test_wide_brush_takes_neighbouring_rows(qtbot, view: MapView) -> None:
    view.set_mode("paint")
    row_height = abs(at(view, "r3c2").y() - at(view, "r2c2").y())
    view.set_brush_radius(row_height * 0.6)  # reaches the four neighbours (0.5 away), not the diagonals (0.71)
    with qtbot.waitSignal(view.stroke_finished, timeout=2000) as blocker:
        paint_stroke(qtbot, view, ["r2c2"])
    assert set(blocker.args[0]) == {"r2c2", "r1c2", "r3c2", "r2c1", "r2c3"}


def test_click_selects_and_shift_click_adds(qtbot, view: MapView) -> None:
    viewport = view.viewport()
    with qtbot.waitSignal(view.selection_changed, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=at(view, "r1c1"))
    assert blocker.args[0] == ["r1c1"]
    with qtbot.waitSignal(view.selection_changed, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, at(view, "r3c4"))
    assert sorted(blocker.args[0]) == ["r1c1", "r3c4"]
    with qtbot.waitSignal(view.selection_changed, timeout=2000):
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, at(view, "r1c1"))
    assert view.selected_unit_ids() == ["r3c4"]
    with qtbot.waitSignal(view.selection_changed, timeout=2000):
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=at(view, "r0c0"))
    assert view.selected_unit_ids() == ["r0c0"]


def test_rectangle_selection(qtbot, view: MapView) -> None:
    viewport = view.viewport()
    with qtbot.waitSignal(view.selection_changed, timeout=2000) as blocker:
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=at(view, "r1c1"))
        qtbot.mouseMove(viewport, pos=at(view, "r2c2"))
        qtbot.mouseMove(viewport, pos=at(view, "r2c3"))
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at(view, "r2c3"))
    assert sorted(blocker.args[0]) == sorted(f"r{r}c{c}" for r in (1, 2) for c in (1, 2, 3))


def test_lasso_selects_units_whose_inside_lies_within(qtbot, view: MapView) -> None:
    view.set_mode("lasso")
    viewport = view.viewport()
    a, b = at(view, "r1c1"), at(view, "r3c3")
    pad = 12
    corners = [
        QPoint(a.x() - pad, b.y() - pad),
        QPoint(b.x() + pad, b.y() - pad),
        QPoint(b.x() + pad, a.y() + pad),
        QPoint(a.x() - pad, a.y() + pad),
    ]
    with qtbot.waitSignal(view.selection_changed, timeout=2000) as blocker:
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=corners[0])
        for corner in corners[1:]:
            qtbot.mouseMove(viewport, pos=corner)
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=corners[-1])
    assert sorted(blocker.args[0]) == sorted(f"r{r}c{c}" for r in (1, 2, 3) for c in (1, 2, 3))


def test_update_units_recolours_the_rendered_map(view: MapView, layer: Layer) -> None:
    before = view.render_image(480, 360)
    assert pixel(before, view, "r2c2") == QColor(qtmap.DEFAULT_STYLE.unassigned)
    view.update_units(layer.positions(["r2c2", "r2c3"]), np.array([0, 1]))
    after = view.render_image(480, 360)
    assert pixel(after, view, "r2c2") == QColor(RED)
    assert pixel(after, view, "r2c3") == QColor(BLUE)
    assert pixel(after, view, "r1c1") == QColor(qtmap.DEFAULT_STYLE.unassigned)
    # the territory border between them: r2c2 draws its edge to r2c3 and to the unassigned neighbours
    assert view.unit_items().border_paths[layer.positions(["r2c2"])[0]] is not None
    view.update_units(layer.positions(["r2c2", "r2c3"]), np.array([-1, -1]))
    assert view.unit_items().border_paths[layer.positions(["r2c2"])[0]] is None
    assert pixel(view.render_image(480, 360), view, "r2c2") == QColor(qtmap.DEFAULT_STYLE.unassigned)


def test_status_colour_mode_and_legend(view: MapView, layer: Layer) -> None:
    codes = np.where(np.arange(len(layer)) < 15, 0, 1)
    view.set_territory_state(codes, [RED, BLUE], ["North", "South"], ["funded", "unfunded"], [False, True])
    view.set_color_mode("status")
    image = view.render_image(480, 360)
    assert pixel(image, view, "r0c0") == QColor(qtmap.DEFAULT_STYLE.funded)
    assert view.legend_widget().legend().title == "Marketing funding"
    view.set_color_mode("measure", layer.units["population"].to_numpy(float), "Population")
    assert view.legend_widget().legend().title == "Population"
    ramp = qtmap.DEFAULT_STYLE.measure_ramp
    image = view.render_image(480, 360)
    assert pixel(image, view, "r0c0") == QColor(ramp[0])
    assert pixel(image, view, "r4c5") == QColor(ramp[-1])
    view.set_color_mode("territory")
    assert pixel(view.render_image(480, 360), view, "r0c0") == QColor(RED)


def test_unfunded_territory_is_hatched_and_outlined(view: MapView, layer: Layer) -> None:
    codes = np.where(np.arange(len(layer)) < 15, 0, 1)
    view.set_territory_state(codes, [BLUE, BLUE], ["North", "South"], ["funded", "funded"], [False, False])
    plain = view.render_image(480, 360)
    view.set_territory_status(["funded", "unfunded"])
    hatched = view.render_image(480, 360)
    transform = view.image_transform(480, 360)
    b = view._geometry.bounds[layer.positions(["r4c2"])[0]]
    box = (
        transform.mapRect(view._geometry.extent.__class__(b[0], b[1], b[2] - b[0], b[3] - b[1]))
        .toAlignedRect()
        .adjusted(4, 4, -4, -4)
    )
    reds = sum(
        1
        for x in range(box.left(), box.right())
        for y in range(box.top(), box.bottom())
        if hatched.pixelColor(x, y).red() > 150 and hatched.pixelColor(x, y).blue() < 120
    )
    assert reds > box.width() * box.height() * 0.05  # red hatch lines over the blue fill
    assert plain.pixelColor(box.center()) == QColor(BLUE)
    south = [i for i in range(len(layer)) if i >= 15]
    assert all(view.unit_items().border_kind[south] == qtmap.STATUS_UNFUNDED)


def test_labels_show_territory_names(view: MapView, layer: Layer) -> None:
    codes = np.where(np.arange(len(layer)) < 15, 0, 1)
    view.set_territory_state(codes, [RED, BLUE], ["North", "South"], [None, "at_risk"], [False, False])
    assert sorted(view.visible_label_names()) == ["North", "South"]


def test_zoom_to_units_shows_them(view: MapView, layer: Layer) -> None:
    full = view.visible_scene_rect()
    view.zoom_to_units(["r3c4"])
    visible = view.visible_scene_rect()
    target = view._geometry.union_bounds(layer.positions(["r3c4"]))
    assert visible.contains(target)
    assert visible.width() < full.width() / 2
    view.zoom_to_fit()
    assert view.visible_scene_rect().contains(view._geometry.extent)


def test_keyboard_zoom_and_middle_button_pan(qtbot, view: MapView) -> None:
    scale = view.current_scale()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.current_scale() == pytest.approx(scale * 1.25)
    before = view.visible_scene_rect().center()
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.MiddleButton, pos=QPoint(300, 200))
    qtbot.mouseMove(viewport, pos=QPoint(340, 200))
    qtbot.mouseRelease(viewport, Qt.MouseButton.MiddleButton, pos=QPoint(340, 200))
    after = view.visible_scene_rect().center()
    assert after.x() < before.x()  # dragging right moves the map right: the view looks further west
    assert after.y() == pytest.approx(before.y())


def test_highlight_outlines_the_boundary_of_the_units(view: MapView, layer: Layer) -> None:
    block = [f"r{r}c{c}" for r in (1, 2, 3) for c in (1, 2, 3)]
    view.highlight_units(block)
    assert view.highlighted_unit_count() == 8  # every cell but the middle one touches the outside
    view.highlight_units([])
    assert view.highlighted_unit_count() == 0


def test_default_tooltip_names_unit_and_territory(view: MapView, layer: Layer) -> None:
    view.update_units(layer.positions(["r0c0"]), np.array([1]))
    text = view.default_tooltip(int(layer.positions(["r0c0"])[0]))
    assert "Cell r0c0" in text and "South" in text and "Population: 500" in text


def test_zoomed_out_level_of_detail_uses_patched_map_image(qtbot) -> None:
    layer = grid_layer(24, 16, 0.5)
    view = MapView()
    qtbot.addWidget(view)
    view.VECTOR_BUDGET = 50  # force the cached-image level of detail on a small layer
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.raster_updated, timeout=20000):
        view.set_layer(layer)
        view.set_territory_state(np.full(len(layer), -1), [RED], ["North"], [None], [False])
    assert view.is_showing_raster()
    target = "r8c12"
    with qtbot.waitSignal(view.painted, timeout=5000):
        view.update_units(layer.positions([target]), np.array([0]))
    shot = view.grab().toImage()
    assert shot.pixelColor(at(view, target) + QPoint(0, 4)) == QColor(RED)
    assert shot.pixelColor(at(view, "r12c20")) == QColor(qtmap.DEFAULT_STYLE.unassigned)
    view.zoom_to_units([target])
    assert not view.is_showing_raster()  # zoomed in: few units in view, drawn as items


def test_each_mode_is_its_own_tool_and_unknown_modes_are_refused(view: MapView) -> None:
    from territory_planner.gui.map_tools import LassoTool, PaintTool, PanTool, SelectTool

    for name, cls in (("select", SelectTool), ("lasso", LassoTool), ("paint", PaintTool), ("pan", PanTool)):
        view.set_mode(name)
        assert isinstance(view.active_tool(), cls)
        assert view.mode() == name
        assert view.viewport().cursor().shape() == cls.cursor
    with pytest.raises(ValueError, match="Unknown map mode 'erase'"):
        view.set_mode("erase")
    assert view.mode() == "pan"


def test_alt_drag_in_select_mode_draws_a_lasso(qtbot, view: MapView) -> None:
    view.set_mode("select")
    viewport = view.viewport()
    a, b = at(view, "r1c1"), at(view, "r2c2")
    pad = 12
    corners = [
        QPoint(a.x() - pad, b.y() - pad),
        QPoint(b.x() + pad, b.y() - pad),
        QPoint(b.x() + pad, a.y() + pad),
        QPoint(a.x() - pad, a.y() + pad),
    ]
    alt = Qt.KeyboardModifier.AltModifier
    with qtbot.waitSignal(view.selection_changed, timeout=2000) as blocker:
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, alt, pos=corners[0])
        for corner in corners[1:]:
            qtbot.mouseMove(viewport, pos=corner)
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, alt, pos=corners[-1])
    # a rectangle from the first to the last corner would take one column only; the lasso takes the 2 x 2 block
    assert sorted(blocker.args[0]) == ["r1c1", "r1c2", "r2c1", "r2c2"]
    assert view.mode() == "select"


def test_space_drag_pans_in_paint_mode_without_painting(qtbot, view: MapView) -> None:
    view.set_mode("paint")
    view.set_brush_radius(0)
    viewport = view.viewport()
    qtbot.keyPress(view, Qt.Key.Key_Space)
    assert viewport.cursor().shape() == Qt.CursorShape.OpenHandCursor
    before = view.visible_scene_rect().center()
    with qtbot.assertNotEmitted(view.stroke_finished):
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=at(view, "r2c1"))
        assert viewport.cursor().shape() == Qt.CursorShape.ClosedHandCursor
        assert not view.stroke_in_progress()
        qtbot.mouseMove(viewport, pos=at(view, "r2c3"))
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at(view, "r2c3"))
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    assert view.visible_scene_rect().center().x() < before.x()
    assert viewport.cursor().shape() == Qt.CursorShape.CrossCursor
