"""The map's level of detail while zooming in (issue 16 §3 item 6).

At ZIP scale, zooming in from fit-to-window showed the whole-map image magnified: territory borders drawn for
fit-to-window grew into thick bands and units showed no borders until few enough were in view for vector items. A
small layer with a small vector budget has the same levels of detail: these tests walk wheel notches in and check
at each zoom what is shown and how a territory border looks on screen.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent

from territory_planner import render
from territory_planner.domain import Layer
from territory_planner.gui.map_view import MapView
from tests.plan_builders import grid_layer as square_grid

RED, BLUE = "#d62728", "#1f77b4"

COLS, ROWS = 48, 32  # 1,536 square cells of 0.25 degrees; left half North (red), right half South (blue)
BUDGET = 60  # vector items only with fewer than ~60 cells in view
NOTCH = 120  # one wheel notch (angleDelta)


def grid_layer(cols: int, rows: int, size: float) -> Layer:
    """``cols`` x ``rows`` square cells from 104° W, 35° N, without attributes (tests/plan_builders.py)."""
    return square_grid(cols, rows, size, west=-104.0, south=35.0, population=False)


@pytest.fixture
def view(qtbot) -> MapView:
    layer = grid_layer(COLS, ROWS, 0.25)
    widget = MapView()
    qtbot.addWidget(widget)
    widget.VECTOR_BUDGET = BUDGET
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    codes = np.array([0 if int(u.split("c")[1]) < COLS // 2 else 1 for u in layer.unit_ids])
    with qtbot.waitSignal(widget.raster_updated, timeout=20000):
        widget.set_layer(layer)
        widget.set_territory_state(codes, [RED, BLUE], ["North", "South"], [None, None], [False, False])
    widget.zoom_to_fit()
    return widget


def wheel(view: MapView, notches: int, at: QPointF) -> None:
    """Turn the mouse wheel ``notches`` notches at a viewport point, as a user does."""
    event = QWheelEvent(
        at,
        QPointF(view.viewport().mapToGlobal(at.toPoint())),
        QPoint(0, 0),
        QPoint(0, NOTCH * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    view.wheelEvent(event)


def settle(qtbot, view: MapView) -> None:
    """Wait until the images the current zoom asks for are rendered, and a frame is painted."""
    if view._lod._view_timer.isActive() or view._lod._view_pending is not None or view._lod._pending:
        with qtbot.waitSignal(view.raster_updated, timeout=20000):
            pass
    view.wait_for_raster()
    with qtbot.waitSignal(view.painted, timeout=5000):
        view.viewport().update()


def border_point(view: MapView) -> QPointF:
    """A viewport point on the North/South border, near the middle of the map."""
    west = view.view_point(f"r{ROWS // 2}c{COLS // 2 - 1}")
    east = view.view_point(f"r{ROWS // 2}c{COLS // 2}")
    return QPointF((west.x() + east.x()) / 2, (west.y() + east.y()) / 2)


def dark_run(shot: QImage, y: int, x0: int, x1: int) -> int:
    """Longest run of border-dark pixels on row ``y`` between ``x0`` and ``x1`` (the border's width on screen)."""
    border = QColor(render.DEFAULT_STYLE.territory_border)
    best = run = 0
    for x in range(max(0, x0), min(shot.width(), x1)):
        c = shot.pixelColor(x, y)
        dark = abs(c.red() - border.red()) + abs(c.green() - border.green()) + abs(c.blue() - border.blue()) < 150
        run = run + 1 if dark else 0
        best = max(best, run)
    return best


def test_every_wheel_notch_in_shows_a_level_of_detail_drawn_for_that_zoom(qtbot, view: MapView) -> None:
    assert view.is_showing_raster()  # 1,536 cells in view: the cached whole-map image
    fit = view.current_scale()
    lod = view._lod
    seen = set()
    for _ in range(14):
        at = border_point(view)
        wheel(view, 1, at)
        settle(qtbot, view)
        zoom = view.current_scale() / fit
        visible = lod.visible_units()
        if not view.is_showing_raster():
            kind = "items"
            assert visible <= BUDGET * 1.1
            assert all(tile.isVisible() for tile in view.unit_items().tiles.values())
            rect = view.visible_scene_rect()
            in_view = view.map_geometry().units_in_rect(rect)
            items = view.unit_items().unit_items
            assert all(items[u] is not None for u in in_view.tolist())  # the region in view has its items
            pen = items[int(in_view[0])].pen()
            shows_borders = render.unit_borders_visible(view.map_geometry(), view.current_scale())
            assert (pen.style() != Qt.PenStyle.NoPen) == shows_borders
        elif view.is_showing_view_image():
            kind = "view image"
            assert visible > BUDGET * 0.9
            assert lod._view_item.pixels_per_unit() == pytest.approx(view.current_scale() * view.devicePixelRatioF())
            assert lod._view_image.rect.contains(view.visible_scene_rect())
        else:
            kind = "map image"
            assert visible > BUDGET * 0.9
            design = lod._item.pixels_per_unit() / lod._image.pixel_scale
            assert view.current_scale() * view.devicePixelRatioF() <= design * lod.MAP_IMAGE_ZOOM * 1.0001
        seen.add(kind)
        shot = view.grab().toImage()
        point = border_point(view).toPoint()
        width = dark_run(shot, point.y() + 3, point.x() - 20, point.x() + 20)
        assert 1 <= width <= 3, f"territory border {width} px wide at {zoom:.2f}x fit ({kind})"
    assert seen == {"map image", "view image", "items"}


def test_an_edit_while_the_view_image_is_shown_appears_at_once(qtbot, view: MapView) -> None:
    at = border_point(view)
    while not view.is_showing_view_image():
        wheel(view, 1, at)
        settle(qtbot, view)
        assert view.is_showing_raster(), "zoomed past the image levels without showing the view image"
    target = f"r{ROWS // 2}c{COLS // 2 - 3}"  # a North cell near the border, now painted South
    with qtbot.waitSignal(view.painted, timeout=5000):
        view.update_units(view.layer().positions([target]), np.array([1]))
    shot = view.grab().toImage()
    assert shot.pixelColor(view.view_point(target) + QPoint(0, 3)) == QColor(BLUE)
    assert view.is_showing_view_image()


def test_the_view_image_is_not_shown_at_another_zoom(qtbot, view: MapView) -> None:
    at = border_point(view)
    while not view.is_showing_view_image():
        wheel(view, 1, at)
        settle(qtbot, view)
    wheel(view, -1, at)  # one notch out: until the new view image is ready, the map image shows
    assert not view.is_showing_view_image() or view._lod._view_image_fits()
    settle(qtbot, view)
    assert view.is_showing_view_image() or view._lod._map_image_exact(view.map_geometry())


def test_a_status_change_redraws_only_the_labels_whose_text_changed(qtbot, view: MapView, monkeypatch) -> None:
    """Labels are rebuilt after every status change; drawing a label's text costs milliseconds, so an unchanged
    label reuses its image (the stroke budget, issue 16 §4)."""
    from territory_planner.gui import map_items

    drawn: list[str] = []
    real = render.draw_label

    def counting(painter, center, layout, *args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append(layout.name)
        return real(painter, center, layout, *args, **kwargs)

    monkeypatch.setattr(map_items.render, "draw_label", counting)
    monkeypatch.setattr(map_items, "_LABEL_IMAGES", {})  # nothing drawn by earlier tests
    with qtbot.waitSignal(view.painted, timeout=5000):
        view.set_territory_status(["unfunded", None])
    first = list(drawn)
    assert "North" in first
    drawn.clear()
    with qtbot.waitSignal(view.painted, timeout=5000):
        view.set_territory_status(["unfunded", "at_risk"])
    assert drawn == ["South"]  # North's label shows the same as before: its image is reused


def test_a_large_layer_paints_no_items_while_its_first_map_image_renders(qtbot) -> None:
    """Painting every unit item of a ZIP layer blocks the window for about a second at open (issue 16 §4): until
    the first map image is ready the map shows no units, then the image."""
    layer = grid_layer(COLS, ROWS, 0.25)
    view = MapView()
    qtbot.addWidget(view)
    view.VECTOR_BUDGET = BUDGET
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.raster_updated, timeout=20000):
        view.set_layer(layer)
        view.set_territory_state(np.zeros(len(layer), dtype=int), [RED], ["North"], [None], [False])
        assert not view.is_map_drawn()
        assert not any(tile.isVisible() for tile in view.unit_items().tiles.values())
    assert view.is_map_drawn() and view.is_showing_raster()
    with qtbot.waitSignal(view.painted, timeout=5000):
        view.viewport().update()
    shot = view.grab().toImage()
    assert shot.pixelColor(view.view_point("r3c3") + QPoint(0, 2)) == QColor(RED)


def test_topology_built_on_a_thread_equals_the_one_built_in_place() -> None:
    from territory_planner.gui.map_scene import BackgroundTopologyGeometry

    layer = grid_layer(12, 9, 0.25)
    planar = render.project_for_display(layer.geometry)
    here = render.MapGeometry(planar)
    threaded = BackgroundTopologyGeometry(planar)
    positions = np.arange(0, 12 * 9, 7)
    assert np.array_equal(threaded.neighbors(positions), here.neighbors(positions))  # waits for the thread
    for name in ("seg_coord", "seg_unit", "seg_nb", "unit_seg_offsets", "neighbor_pairs", "nb_offsets", "nb_index"):
        assert np.array_equal(getattr(threaded, name), getattr(here, name)), name
    keys = np.array([0 if int(u.split("c")[1]) < 6 else 1 for u in layer.unit_ids])
    mine = threaded.boundary_paths(np.arange(len(layer)), keys)
    theirs = here.boundary_paths(np.arange(len(layer)), keys)
    assert [p is None for p in mine] == [p is None for p in theirs]
    assert all(a is None or a == b for a, b in zip(mine, theirs, strict=True))


def test_a_topology_that_cannot_be_built_says_so_where_it_is_used(monkeypatch) -> None:
    from territory_planner.gui.map_scene import BackgroundTopologyGeometry

    def broken(self) -> None:  # type: ignore[no-untyped-def]
        raise MemoryError("no room")

    monkeypatch.setattr(render.MapGeometry, "_build_topology", broken)
    geometry = BackgroundTopologyGeometry(render.project_for_display(grid_layer(3, 3, 1.0).geometry))
    with pytest.raises(RuntimeError, match="shared borders") as caught:
        geometry.neighbors(np.array([0]))
    assert isinstance(caught.value.__cause__, MemoryError)


def test_labels_are_rebuilt_once_after_an_edit_that_changes_a_status(qtbot, view: MapView, monkeypatch) -> None:
    """An edit schedules the labels' rebuild (their places move); the status change it causes joins that rebuild
    instead of placing every label again at once (about 30 ms at ZIP scale, issue 16 §4)."""
    labels = view._labels
    rebuilt: list[list[str]] = []
    real = labels.rebuild

    def counting(geometry, codes, names, kinds, locked):  # type: ignore[no-untyped-def]
        real(geometry, codes, names, kinds, locked)
        rebuilt.append([labels._layouts[c].caption for c in sorted(labels._layouts)])

    monkeypatch.setattr(labels, "rebuild", counting)
    view.update_units(view.layer().positions(["r0c0"]), np.array([1]))
    view.set_territory_status(["unfunded", None])
    assert rebuilt == []
    with qtbot.waitSignal(view._label_timer.timeout, timeout=5000):
        pass
    assert rebuilt == [["UNFUNDED", ""]]
    assert view.visible_label_names()


def test_a_queued_view_image_renders_before_a_queued_whole_map_image(qtbot, view: MapView) -> None:
    import threading

    from PySide6.QtCore import QRunnable
    from PySide6.QtWidgets import QApplication

    from territory_planner.gui.map_raster import RasterRequest

    renderer = view._lod._renderer
    release = threading.Event()

    class Busy(QRunnable):
        def run(self) -> None:
            release.wait(10)

    renderer._pool.start(Busy())  # the worker is busy with something else while both are queued
    geometry = view.map_geometry()
    arrived: list[str] = []
    renderer.finished.connect(lambda image: arrived.append(image.kind))
    state = dict(
        geometry=geometry,
        rect=render.padded(geometry.extent),
        width=200,
        height=150,
        fill=view.unit_items().fill.copy(),
        hatch=view.unit_items().hatch.copy(),
        codes=view.codes().copy(),
        border_kind=view.unit_items().border_kind.copy(),
        style=view.map_style(),
        min_level_scale=1e9,
    )
    renderer.request(RasterRequest(generation=10_001, kind="map", **state))
    renderer.request(RasterRequest(generation=10_002, kind="view", **state))
    release.set()
    assert renderer.wait(20000)
    QApplication.sendPostedEvents()  # deliver the finished renders now
    assert arrived == ["view", "map"]


def test_a_large_layer_makes_items_only_for_the_tiles_it_shows_as_items(qtbot, view: MapView) -> None:
    """Opened zoomed out, the map image stands in and no unit item exists; zoomed in, the tiles around the view get
    their items (in the colours and borders the units show) and the rest of the map still has none."""
    items = view.unit_items()
    assert view.is_showing_raster() and items.tiles_made() == 0
    assert all(item is None for item in items.unit_items)
    for _ in range(14):
        wheel(view, 1, border_point(view))
        settle(qtbot, view)
        if not view.is_showing_raster():
            break
    assert not view.is_showing_raster()
    total = len(items._tile_units)
    assert 0 < items.tiles_made() < total
    in_view = view.map_geometry().units_in_rect(view.visible_scene_rect())
    for unit in in_view.tolist():
        item = items.unit_items[unit]
        assert item is not None and item.brush().color().rgb() & 0xFFFFFF == int(items.fill[unit]) & 0xFFFFFF
    made = [u for u, item in enumerate(items.unit_items) if item is not None]
    assert len(made) < len(items.unit_items)


def test_the_workers_light_unit_shapes_paint_exactly_as_the_unit_paths(qtbot) -> None:
    """The worker paints from ``build_shapes`` (a polygon per one-ring unit, which keeps no converted copy once
    drawn, issue 16 §4): every pixel must match painting from the unit paths, holes and multi-part units included."""
    import shapely
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter, QPainterPath, QPolygonF

    from territory_planner.gui.map_raster import _PathsView

    geoms = [
        shapely.box(0, 0, 1, 1),
        shapely.box(1, 0, 2, 1).difference(shapely.box(1.3, 0.3, 1.7, 0.7)),  # a hole
        shapely.MultiPolygon([shapely.box(2, 0, 3, 1), shapely.box(3.2, 0, 3.8, 0.5)]),  # two parts
        shapely.box(1.3, 0.3, 1.7, 0.7),  # the island in the hole
    ]
    geometry = render.MapGeometry(np.array(geoms, dtype=object))
    shapes = geometry.build_shapes()
    assert [type(s) for s in shapes] == [QPolygonF, QPainterPath, QPainterPath, QPolygonF]
    codes = np.array([0, 1, 0, 1])
    borders = geometry.boundary_paths(np.arange(4), codes)
    fill = np.array([0xD62728, 0x1F77B4, 0x2CA02C, 0xFF7F0E])
    hatch = np.array([0, 2, 1, 0])
    kind = np.array([0, 2, 0, 1])
    images = []
    for paths in (geometry.build_paths(), shapes):
        image = QImage(400, 120, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setTransform(render.fit_transform(render.padded(geometry.extent), QRectF(0, 0, 400, 120)))
        render.paint_units(painter, _PathsView(geometry, paths), fill, hatch, borders, kind)  # type: ignore[arg-type]
        painter.end()
        images.append(image)
    assert images[0] == images[1]
    assert images[1].pixelColor(200, 60) != QColor("white")  # something was painted
