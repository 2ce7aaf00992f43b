"""The map's level of detail: vector items when few units are in view, cached images otherwise.

Two images stand in for the vector items when too many units are in view (issue 16 §3 item 6):

- the *map image*, the whole map rendered once on a worker (:mod:`.map_raster`) finer than the screen and shown
  shrunk to the current zoom; it is exact only while shown shrunk (or 1:1) and while unit borders are hidden at
  the current zoom, as they are in it;
- the *view image*, the region in view (plus a margin) rendered on the worker at the screen's exact scale, with
  unit borders as the vector items would draw them; it is shown over the map image once ready, whenever the map
  image is not exact (zoomed in past its resolution, or far enough in for unit borders), and rendered again when
  the zoom changes or the view pans past it.

Both are patched in place after edits (at once while shown, lazily otherwise) and rendered again after a full
change. Renders are numbered; a render of an older state or an older layer is never shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import shapely
from PySide6.QtCore import QObject, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QApplication, QGraphicsScene

from .. import render
from .map_items import RASTER, RasterItem
from .map_raster import RasterImage, RasterRenderer, RasterRequest

if TYPE_CHECKING:
    from .map_view import MapView


class LevelOfDetail(QObject):
    """Decides between vector items and the cached images for a :class:`MapView`, and keeps the images current."""

    #: Margin rendered around the view image, as a fraction of the view's size on each side (room to pan).
    VIEW_MARGIN = 0.15
    #: Milliseconds the zoom or pan must rest before the view image is rendered again.
    VIEW_DELAY = 40
    #: How far past its own zoom (fit-to-window) the map image may be shown.
    MAP_IMAGE_ZOOM = 1.3

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self._view = view
        self._renderer = RasterRenderer(self)
        self._renderer.finished.connect(self._on_renderer_finished)
        self._display_timer = _single_shot(self, 100, self._on_display_timer)
        self._render_timer = _single_shot(self, 0, self._start_render)
        self._resize_timer = _single_shot(self, 300, self._on_resize_timer)
        self._view_timer = _single_shot(self, self.VIEW_DELAY, self._start_view_render)
        # render generations keep counting across layers, so a late render of an old layer is never taken
        self._generation = 0
        self._unit_borders_shown = True
        self.raster_mode = False
        self._image: RasterImage | None = None
        self._pending = False
        self._dirty: list[QRectF] = []  # changes not yet in the map image (lazy patching)
        self._dirty_inflight: list[QRectF] = []  # changes after the pending render's snapshot
        self._item: RasterItem | None = None
        self._view_image: RasterImage | None = None
        self._view_pending: int | None = None  # generation of the view render in flight
        self._view_dirty_inflight: list[QRectF] = []
        self._view_item: RasterItem | None = None

    # -- layer ---------------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """A new layer is coming: drop renders of the previous one and forget its images."""
        self._generation += 1
        self._renderer.forget(self._generation)
        self._render_timer.stop()
        self._view_timer.stop()
        self._unit_borders_shown = True
        self.raster_mode = False
        self._image = None
        self._pending = False
        self._dirty = []
        self._dirty_inflight = []
        self._item = None
        self._view_image = None
        self._view_pending = None
        self._view_dirty_inflight = []
        self._view_item = None

    def attach(self, scene: QGraphicsScene) -> None:
        """Add the (hidden) image items for the new layer to the scene."""
        self._item = RasterItem(RASTER)
        self._item.setVisible(False)
        scene.addItem(self._item)
        self._view_item = RasterItem(RASTER + 0.5)
        self._view_item.setVisible(False)
        scene.addItem(self._view_item)

    # -- rendering -----------------------------------------------------------------------------------------------
    def prepare(self, geometry: render.MapGeometry) -> None:
        """A layer needing the map image is coming: let the worker make its unit paths while the GUI makes items."""
        if geometry.n > self._view.VECTOR_BUDGET:
            self._renderer.prepare(geometry)

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
        """Every unit may look different: render the images again and re-decide the level of detail."""
        self._dirty.clear()
        self.request()
        if self._view_image is not None or self._view_pending is not None:
            self._view_timer.start()  # the shown view image stays until the new one is ready
        self.update()

    def start_pending(self) -> None:
        """Start the render requested in this event-loop pass at once (the requests so far become one render)."""
        if self._render_timer.isActive():
            self._start_render()

    def _start_render(self) -> None:
        self._render_timer.stop()
        geometry = self._view.map_geometry()
        if geometry is None or not self.needs_raster():
            self._pending = False
            return
        rect = render.padded(geometry.extent)
        fit = self._fit_scale(geometry)
        scale = self._raster_scale(geometry)
        request = self._request(
            geometry,
            rect,
            max(1, round(rect.width() * scale)),
            max(1, round(rect.height() * scale)),
            min_level_scale=fit * 0.7,
            pixel_scale=max(1.0, scale / fit),
        )
        self._dirty_inflight = []  # edits from now on are not in this render's snapshot
        self._renderer.request(request)

    def _request(
        self,
        geometry: render.MapGeometry,
        rect: QRectF,
        width: int,
        height: int,
        *,
        min_level_scale: float,
        pixel_scale: float,
        kind: str = "map",
        units: np.ndarray | None = None,
        aliased: bool = False,
    ) -> RasterRequest:
        """A numbered render request with copies of the current per-unit state."""
        view = self._view
        items = view.unit_items()
        self._generation += 1
        return RasterRequest(
            generation=self._generation,
            geometry=geometry,
            rect=rect,
            width=width,
            height=height,
            fill=items.fill.copy(),
            hatch=items.hatch.copy(),
            codes=view.codes().copy(),
            border_kind=items.border_kind.copy(),
            style=view.map_style(),
            min_level_scale=min_level_scale,
            pixel_scale=pixel_scale,
            kind=kind,
            units=units,
            aliased=aliased,
        )

    def _fit_scale(self, geometry: render.MapGeometry) -> float:
        """Device pixels per scene unit when the whole layer fits the viewport."""
        rect = render.padded(geometry.extent)
        vp = self._view.viewport().size()
        fit = min(max(vp.width(), 400) / rect.width(), max(vp.height(), 300) / rect.height())
        return fit * self._view.devicePixelRatioF()

    def _raster_scale(self, geometry: render.MapGeometry) -> float:
        """Scale of the map image: fine enough for zooming in until few enough units are in view for items."""
        rect = render.padded(geometry.extent)
        budget = self._view.VECTOR_BUDGET
        side = self._view.RASTER_MAX_SIDE
        zoom = max(1.0, math.sqrt(geometry.n / budget) * 1.25)
        return min(self._fit_scale(geometry) * zoom, side / rect.width(), side / rect.height())

    def _device_scale(self) -> float:
        return self._view.current_scale() * self._view.devicePixelRatioF()

    def _on_renderer_finished(self, image: RasterImage) -> None:
        if self._view.map_geometry() is None:
            return
        if image.kind == "view":
            self._on_view_rendered(image)
            return
        if not self._is_latest_map(image) or self._item is None:
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

    def _is_latest_map(self, image: RasterImage) -> bool:
        """True when no newer map render was requested (view renders may have been numbered since)."""
        return not self._renderer.superseded(image.generation, "map")

    def _on_view_rendered(self, image: RasterImage) -> None:
        if image.generation != self._view_pending or self._view_item is None:
            return
        self._view_pending = None
        self._view_image = image
        for rect in merge_rects(self._view_dirty_inflight):
            self._patch_view(rect)
        self._view_dirty_inflight = []
        self._view_item.set_images(image.rect, image.levels)
        self._view_item.build_display(self._view_item.pixels_per_unit())
        self.update()
        self._view.raster_updated.emit()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the cached images are current; True when they are."""
        if not self._pending and self._view_pending is None and not self._view_timer.isActive():
            return True
        if self._render_timer.isActive():
            self._start_render()
        if self._view_timer.isActive():
            self._start_view_render()
        self._renderer.wait(msecs)
        QApplication.sendPostedEvents(self._renderer.bridge)
        QApplication.processEvents()
        return not self._pending and self._view_pending is None

    # -- the view image --------------------------------------------------------------------------------------------
    def _map_image_exact(self, geometry: render.MapGeometry) -> bool:
        """True when the map image, shown at the current zoom, looks (nearly) as the vector items would.

        Its pens are sized for fit-to-window: zoomed in further, its territory borders grow with the zoom (the
        "8 px black bands") and its units show no borders, so beyond :attr:`MAP_IMAGE_ZOOM` times its own zoom,
        or when it would be magnified, the view image takes over.
        """
        item = self._item
        if self._image is None or item is None:
            return False
        have = item.pixels_per_unit()
        scale = self._device_scale()
        if scale > have * 1.0001:
            return False
        return scale <= have / self._image.pixel_scale * self.MAP_IMAGE_ZOOM

    def _view_image_fits(self) -> bool:
        """True when the view image is at the current zoom (so it can be shown 1:1)."""
        item = self._view_item
        if self._view_image is None or item is None:
            return False
        scale = self._device_scale()
        return abs(item.pixels_per_unit() - scale) <= 1e-6 * scale

    def _update_view_image(self, geometry: render.MapGeometry) -> None:
        """In raster mode: show the view image when the map image is not exact, and keep it current."""
        item = self._view_item
        if item is None or self._image is None:
            return  # the first map image comes first
        if self._map_image_exact(geometry):
            self._view_timer.stop()
            self._set_view_item_visible(False)
            return
        fits = self._view_image_fits()
        self._set_view_item_visible(fits)
        image = self._view_image
        if fits and image is not None and image.rect.contains(self._view.visible_scene_rect()):
            return
        self._view_timer.start()  # (again): render once the zoom or pan rests

    def _set_view_item_visible(self, visible: bool) -> None:
        item = self._view_item
        if item is None or item.isVisible() == visible:
            return
        if not visible and self.raster_mode and self._item is not None and self._item.isVisible():
            self._flush_dirty()  # the map image shows again: bring it up to date first
        item.setVisible(visible)

    def _start_view_render(self) -> None:
        self._view_timer.stop()
        geometry = self._view.map_geometry()
        if geometry is None or not self.raster_mode or self._map_image_exact(geometry):
            return
        scale = self._device_scale()
        visible = self._view.visible_scene_rect()
        mx, my = visible.width() * self.VIEW_MARGIN, visible.height() * self.VIEW_MARGIN
        rect = visible.adjusted(-mx, -my, mx, my).intersected(render.padded(geometry.extent))
        if rect.isEmpty():
            return
        width, height = max(1, math.ceil(rect.width() * scale)), max(1, math.ceil(rect.height() * scale))
        rect = QRectF(rect.left(), rect.top(), width / scale, height / scale)  # exactly ``scale`` pixels a unit
        request = self._request(
            geometry,
            rect,
            width,
            height,
            min_level_scale=scale,  # no halved copies
            pixel_scale=self._view.devicePixelRatioF(),
            kind="view",
            units=geometry.units_in_rect(rect),
            aliased=True,
        )
        self._view_pending = request.generation
        self._view_dirty_inflight = []
        self._renderer.request(request)

    def drawn(self) -> bool:
        """False while the map waits for its first image (nothing of the layer is shown yet)."""
        return not (self.raster_mode and self._image is None)

    def is_showing_view_image(self) -> bool:
        return self.raster_mode and self._view_item is not None and self._view_item.isVisible()

    # -- edits ---------------------------------------------------------------------------------------------------
    def mark_dirty(self, rect: QRectF) -> None:
        """The units inside ``rect`` (scene units) changed look."""
        if not self.needs_raster() or rect.isEmpty():
            return
        if self._pending:
            self._dirty_inflight.append(rect)
        if self._view_pending is not None:
            self._view_dirty_inflight.append(rect)
        grown = rect.adjusted(-rect.width(), -rect.height(), rect.width(), rect.height())
        view_shown = self.is_showing_view_image()
        if self._view_image is not None and self._view_item is not None:
            if view_shown:
                self._patch_view(rect)
                self._view_item.update(grown)
            else:
                self._view_image = None  # not shown, so not kept current: never show it again
                self._view_item.setVisible(False)
        if self._image is None:
            return
        if self.raster_mode and not view_shown and self._item is not None:
            self._patch(rect)
            self._item.update(grown)
        else:
            self._dirty.append(rect)

    def _repaint_image(self, image: RasterImage, rect: QRectF) -> QRect:
        view = self._view
        geometry = view.map_geometry()
        if geometry is None:
            return QRect()
        items = view.unit_items()
        return image.repaint(
            rect, geometry, items.fill, items.hatch, items.border_paths_of, items.border_kind, view.map_style()
        )

    def _patch(self, rect: QRectF) -> None:
        if self._image is None:
            return
        pixels = self._repaint_image(self._image, rect)
        if self._item is not None:
            self._item.patch_display(pixels)

    def _patch_view(self, rect: QRectF) -> None:
        if self._view_image is None:
            return
        pixels = self._repaint_image(self._view_image, rect)
        if self._view_item is not None:
            self._view_item.patch_display(pixels)

    def _flush_dirty(self) -> bool:
        """Bring the map image up to date before showing it; False when a full render is needed."""
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
    def visible_units(self) -> int:
        """How many units are (at least partly) in view."""
        geometry = self._view.map_geometry()
        if geometry is None:
            return 0
        rect = self._view.visible_scene_rect()
        return len(geometry.tree.query(shapely.box(rect.left(), rect.top(), rect.right(), rect.bottom())))

    def update(self) -> None:
        """Show the images or the vector items, whichever suits the current zoom.

        Too many units in view for items: the map image, with the view image over it when the map image is not
        exact at this zoom. Few enough: the vector items, with unit borders when units are large enough on screen.
        """
        view = self._view
        geometry = view.map_geometry()
        if geometry is None:
            return
        item = self._item
        want = False
        if self.needs_raster() and item is not None:
            limit = view.VECTOR_BUDGET * (0.9 if self.raster_mode else 1.1)
            # Before the first map image is ready nothing stands in for the items: painting them all would block
            # the window for about a second at ZIP scale, so the map stays empty until the image arrives.
            want = self.visible_units() > limit and (self._image is not None or self._pending)
        if want and not self.raster_mode and not self._flush_dirty():
            want = False
        if want != self.raster_mode and item is not None:
            self.raster_mode = want
            view.unit_items().set_vector_visible(not want)
            item.setVisible(want)
            if not want and self._view_item is not None:
                self._view_item.setVisible(False)
        if want and item is not None:
            scale = self._device_scale()
            if abs(item.display_scale() - scale) > 1e-9 * scale:
                self._display_timer.start()
            self._update_view_image(geometry)
        else:
            self._view_timer.stop()
            # The items of the region in view (and a margin to pan into), made the first time they are needed; not
            # while too many units are in view for items (a large layer before its first map image: it stays empty
            # until the image arrives rather than making and painting every item).
            if not self.needs_raster() or self.visible_units() <= view.VECTOR_BUDGET * 1.1:
                rect = view.visible_scene_rect()
                view.unit_items().ensure_items(
                    rect.adjusted(-rect.width() / 2, -rect.height() / 2, rect.width() / 2, rect.height() / 2)
                )
            self._apply_unit_border_lod(geometry)

    def _apply_unit_border_lod(self, geometry: render.MapGeometry) -> None:
        view = self._view
        style = view.map_style()
        show = render.unit_borders_visible(geometry, view.current_scale(), style)
        if show == self._unit_borders_shown:
            return
        self._unit_borders_shown = show
        view.unit_items().set_unit_pen(render.unit_border_pen(style) if show else QPen(Qt.PenStyle.NoPen))

    def _on_display_timer(self) -> None:
        """The zoom has settled: make the 1:1 display copy of the map image for it."""
        if self.raster_mode and self._item is not None:
            self._item.build_display(self._device_scale())

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
