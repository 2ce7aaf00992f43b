"""The map's level of detail: vector items when few units are in view, a cached whole-map image otherwise.

The image is rendered on a worker (:mod:`.map_raster`), patched in place after edits (at once while it is shown,
lazily while the vector items are shown), and rendered again when a resize makes it too coarse. Renders are
numbered; a render of an older state or an older layer is never shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import shapely
from PySide6.QtCore import QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QApplication, QGraphicsScene

from ..exporters import qtmap
from .map_items import RASTER, RasterItem
from .map_raster import RasterImage, RasterRenderer, RasterRequest

if TYPE_CHECKING:
    from .map_view import MapView


class LevelOfDetail(QObject):
    """Decides between vector items and the cached map image for a :class:`MapView`, and keeps the image current."""

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self._view = view
        self._renderer = RasterRenderer(self)
        self._renderer.finished.connect(self._on_renderer_finished)
        self._display_timer = _single_shot(self, 100, self._on_display_timer)
        self._render_timer = _single_shot(self, 0, self._start_render)
        self._resize_timer = _single_shot(self, 300, self._on_resize_timer)
        # render generations keep counting across layers, so a late render of an old layer is never taken
        self._generation = 0
        self._unit_borders_shown = True
        self.raster_mode = False
        self._image: RasterImage | None = None
        self._pending = False
        self._dirty: list[QRectF] = []  # changes not yet in the shown image (lazy patching)
        self._dirty_inflight: list[QRectF] = []  # changes after the pending render's snapshot
        self._item: RasterItem | None = None

    # -- layer ---------------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """A new layer is coming: drop renders of the previous one and forget its image."""
        self._generation += 1
        self._renderer.latest_generation = self._generation
        self._render_timer.stop()
        self._unit_borders_shown = True
        self.raster_mode = False
        self._image = None
        self._pending = False
        self._dirty = []
        self._dirty_inflight = []
        self._item = None

    def attach(self, scene: QGraphicsScene) -> None:
        """Add the (hidden) image item for the new layer to the scene."""
        self._item = RasterItem(RASTER)
        self._item.setVisible(False)
        scene.addItem(self._item)

    # -- rendering -----------------------------------------------------------------------------------------------
    def needs_raster(self) -> bool:
        geometry = self._view.map_geometry()
        return geometry is not None and geometry.n > self._view.VECTOR_BUDGET

    def request(self) -> None:
        """Schedule a render of the map image; requests made in one event-loop pass become one render."""
        if not self.needs_raster():
            return
        self._pending = True
        self._render_timer.start()

    def full_change(self) -> None:
        """Every unit may look different: render the image again and re-decide the level of detail."""
        self._dirty.clear()
        self.request()
        self.update()

    def _start_render(self) -> None:
        self._render_timer.stop()
        geometry = self._view.map_geometry()
        if geometry is None or not self.needs_raster():
            self._pending = False
            return
        view = self._view
        items = view.unit_items()
        rect = qtmap.padded(geometry.extent)
        fit = self._fit_scale(geometry)
        scale = self._raster_scale(geometry)
        self._generation += 1
        request = RasterRequest(
            generation=self._generation,
            geometry=geometry,
            rect=rect,
            width=max(1, round(rect.width() * scale)),
            height=max(1, round(rect.height() * scale)),
            fill=items.fill.copy(),
            hatch=items.hatch.copy(),
            codes=view.codes().copy(),
            border_kind=items.border_kind.copy(),
            style=view.map_style(),
            min_level_scale=fit * 0.7,
            pixel_scale=max(1.0, scale / fit),
        )
        self._dirty_inflight = []  # edits from now on are not in this render's snapshot
        self._renderer.request(request)

    def _fit_scale(self, geometry: qtmap.MapGeometry) -> float:
        """Device pixels per scene unit when the whole layer fits the viewport."""
        rect = qtmap.padded(geometry.extent)
        vp = self._view.viewport().size()
        fit = min(max(vp.width(), 400) / rect.width(), max(vp.height(), 300) / rect.height())
        return fit * self._view.devicePixelRatioF()

    def _raster_scale(self, geometry: qtmap.MapGeometry) -> float:
        """Scale of the map image: fine enough for zooming in until few enough units are in view for items."""
        rect = qtmap.padded(geometry.extent)
        budget = self._view.VECTOR_BUDGET
        side = self._view.RASTER_MAX_SIDE
        zoom = max(1.0, math.sqrt(geometry.n / budget) * 1.25)
        return min(self._fit_scale(geometry) * zoom, side / rect.width(), side / rect.height())

    def _on_renderer_finished(self, image: RasterImage) -> None:
        if image.generation != self._generation or self._view.map_geometry() is None or self._item is None:
            return
        self._pending = False
        self._image = image
        for rect in merge_rects(self._dirty_inflight):
            self._patch(rect)
        self._dirty_inflight = []
        self._dirty = []
        self._item.set_images(image.rect, image.levels)
        self.update()
        self._on_display_timer()
        self._view.raster_updated.emit()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the cached map image is current; True when it is."""
        if not self._pending:
            return True
        if self._render_timer.isActive():
            self._start_render()
        self._renderer.wait(msecs)
        QApplication.sendPostedEvents(self._renderer.bridge)
        QApplication.processEvents()
        return not self._pending

    # -- edits ---------------------------------------------------------------------------------------------------
    def mark_dirty(self, rect: QRectF) -> None:
        """The units inside ``rect`` (scene units) changed look."""
        if not self.needs_raster() or rect.isEmpty():
            return
        if self._pending:
            self._dirty_inflight.append(rect)
        if self._image is None:
            return
        if self.raster_mode and self._item is not None:
            self._patch(rect)
            self._item.update(rect.adjusted(-rect.width(), -rect.height(), rect.width(), rect.height()))
        else:
            self._dirty.append(rect)

    def _patch(self, rect: QRectF) -> None:
        view = self._view
        geometry = view.map_geometry()
        if self._image is None or geometry is None:
            return
        items = view.unit_items()
        pixels = self._image.repaint(
            rect, geometry, items.fill, items.hatch, items.border_paths, items.border_kind, view.map_style()
        )
        if self._item is not None:
            self._item.patch_display(pixels)

    def _flush_dirty(self) -> bool:
        """Bring the shown image up to date before switching to it; False when a full render is needed."""
        geometry = self._view.map_geometry()
        if not self._dirty or geometry is None:
            return True
        rects = merge_rects(self._dirty)
        area = sum(r.width() * r.height() for r in rects)
        extent = geometry.extent
        if area > 0.3 * extent.width() * extent.height():
            self._dirty = []
            self.request()
            return False
        for rect in rects:
            self._patch(rect)
        self._dirty = []
        return True

    # -- choosing the level of detail ----------------------------------------------------------------------------
    def update(self) -> None:
        """Show the image or the vector items, whichever suits the current zoom."""
        view = self._view
        geometry = view.map_geometry()
        if geometry is None:
            return
        item = self._item
        want = False
        if self.needs_raster() and self._image is not None and item is not None:
            rect = view.visible_scene_rect()
            visible = len(geometry.tree.query(shapely.box(rect.left(), rect.top(), rect.right(), rect.bottom())))
            limit = view.VECTOR_BUDGET * (0.9 if self.raster_mode else 1.1)
            sharp = view.current_scale() <= item.pixels_per_unit() * 1.6
            want = visible > limit and sharp
        if want and not self.raster_mode and not self._flush_dirty():
            want = False
        if want != self.raster_mode and item is not None:
            self.raster_mode = want
            view.unit_items().set_vector_visible(not want)
            item.setVisible(want)
        if want and item is not None:
            scale = view.current_scale() * view.devicePixelRatioF()
            if abs(item.display_scale() - scale) > 1e-9 * scale:
                self._display_timer.start()
        else:
            self._apply_unit_border_lod(geometry)

    def _apply_unit_border_lod(self, geometry: qtmap.MapGeometry) -> None:
        view = self._view
        style = view.map_style()
        show = qtmap.unit_borders_visible(geometry, view.current_scale(), style)
        if show == self._unit_borders_shown:
            return
        self._unit_borders_shown = show
        view.unit_items().set_unit_pen(qtmap.unit_border_pen(style) if show else QPen(Qt.PenStyle.NoPen))

    def _on_display_timer(self) -> None:
        """The zoom has settled: make the 1:1 display copy of the map image for it."""
        if self.raster_mode and self._item is not None:
            self._item.build_display(self._view.current_scale() * self._view.devicePixelRatioF())

    def resized(self) -> None:
        """The view was resized: check (a little later) whether the image is still fine enough."""
        if self.needs_raster():
            self._resize_timer.start()

    def _on_resize_timer(self) -> None:
        """After a resize: render the map image again when it has become too coarse for the window."""
        geometry = self._view.map_geometry()
        if self._item is None or geometry is None or not self.needs_raster():
            return
        have = self._item.pixels_per_unit()
        if not self._pending and (have == 0 or have < self._raster_scale(geometry) * 0.8):
            self.request()


def merge_rects(rects: list[QRectF]) -> list[QRectF]:
    """A few rectangles covering ``rects`` (many small edits become their bounding rectangle)."""
    rects = [r for r in rects if not r.isEmpty()]
    if len(rects) <= 8:
        return rects
    total = QRectF(rects[0])
    for r in rects[1:]:
        total = total.united(r)
    return [total]


def _single_shot(parent: QObject, msecs: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(msecs)
    timer.timeout.connect(slot)
    return timer


__all__ = ["LevelOfDetail", "merge_rects"]
