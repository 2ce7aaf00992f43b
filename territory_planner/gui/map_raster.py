"""The cached whole-map image behind the zoomed-out level of detail of the map view.

At ZIP scale (33,000 units) painting every unit takes about a second, far over a frame's budget, so the zoomed-out
view blits an image of the whole map instead (docs/ARCHITECTURE.md). The image is rendered on a worker thread with
its own copy of the unit paths (QPainterPath caches are not safe to share between threads), and edits patch only
the changed region of it on the GUI thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, QPoint, QRect, QRectF, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from .. import render


@dataclass
class RasterRequest:
    """Everything a worker needs to paint the map: copies of the per-unit state, never live view objects."""

    generation: int
    geometry: render.MapGeometry
    rect: QRectF  # scene rectangle covered by the image
    width: int
    height: int
    fill: np.ndarray
    hatch: np.ndarray
    codes: np.ndarray
    border_kind: np.ndarray
    style: render.MapStyle
    min_level_scale: float  # stop making smaller copies below this many pixels per scene unit
    pixel_scale: float = 1.0  # how much finer than at fit-to-window the image is drawn
    #: ``map``: the whole map, shown shrunk; ``view``: the region in view drawn at the screen's exact scale.
    kind: str = "map"
    units: np.ndarray | None = None  # the units to paint (None: all)
    aliased: bool = False  # fills without anti-aliasing (their unit borders hide the steps; twice as fast)


@dataclass
class RasterImage:
    """A rendered map: full-size image plus halved copies (``levels``), covering ``rect`` in scene coordinates."""

    generation: int
    rect: QRectF
    levels: list[QImage]
    pixel_scale: float = 1.0
    kind: str = "map"
    aliased: bool = False

    @property
    def transform(self) -> QTransform:
        """Scene to level-0 pixel coordinates."""
        sx = self.levels[0].width() / self.rect.width()
        sy = self.levels[0].height() / self.rect.height()
        return QTransform(sx, 0, 0, sy, -self.rect.left() * sx, -self.rect.top() * sy)

    def pixel_rect(self, scene_rect: QRectF, margin: int = 3) -> QRect:
        """The level-0 pixel rectangle covering ``scene_rect`` (plus a margin for pens), aligned for the levels."""
        r = self.transform.mapRect(scene_rect)
        align = 1 << max(len(self.levels) - 1, 0)
        x0 = (math.floor(r.left()) - margin) // align * align
        y0 = (math.floor(r.top()) - margin) // align * align
        x1 = -(-(math.ceil(r.right()) + margin) // align) * align
        y1 = -(-(math.ceil(r.bottom()) + margin) // align) * align
        full = QRect(0, 0, self.levels[0].width(), self.levels[0].height())
        return QRect(QPoint(x0, y0), QPoint(x1 - 1, y1 - 1)).intersected(full)

    def repaint(
        self,
        scene_rect: QRectF,
        geometry: render.MapGeometry,
        fill: np.ndarray,
        hatch: np.ndarray,
        borders: Callable[[np.ndarray], list],
        border_kind: np.ndarray,
        style: render.MapStyle,
    ) -> QRect:
        """Repaint the region around ``scene_rect`` with the current state (GUI thread, GUI-owned paths).

        ``borders`` gives the territory border paths of the units to repaint (worked out then if not yet).

        Returns the level-0 pixel rectangle repainted.
        """
        pixels = self.pixel_rect(scene_rect)
        if pixels.isEmpty():
            return pixels
        transform = self.transform
        inverse, _ = transform.inverted()
        pad = 4.0 / transform.m11()
        region = inverse.mapRect(QRectF(pixels)).adjusted(-pad, -pad, pad, pad)
        units = geometry.units_in_rect(region)
        base = self.levels[0]
        painter = QPainter(base)
        painter.setClipRect(pixels)
        painter.fillRect(pixels, QColor(style.background))
        painter.setTransform(transform)
        render.paint_units(
            painter,
            geometry,
            fill,
            hatch,
            borders(units),
            border_kind,
            units,
            style,
            antialias_fills=False if self.aliased else _antialias(self.pixel_scale),
            pixel_scale=self.pixel_scale,
        )
        painter.end()
        for level in range(1, len(self.levels)):
            factor = 1 << level
            target = QRect(
                pixels.left() // factor,
                pixels.top() // factor,
                max(1, pixels.width() // factor),
                max(1, pixels.height() // factor),
            )
            source = QRect(
                target.left() * factor, target.top() * factor, target.width() * factor, target.height() * factor
            )
            small = base.copy(source).scaled(target.size(), mode=_SMOOTH)
            p = QPainter(self.levels[level])
            p.drawImage(target.topLeft(), small)
            p.end()
        return pixels


_SMOOTH = Qt.TransformationMode.SmoothTransformation


def _antialias(pixel_scale: float) -> bool | None:
    """Images drawn at twice the screen's scale or more are smoothed enough by shrinking: skip anti-aliasing
    (half the painting time); finer ones anti-alias like the vector items (None: when unit borders show)."""
    return None if pixel_scale < 2.0 else False


def render_levels(request: RasterRequest, paths: list, borders: list) -> list[QImage]:
    """Paint the whole map into an image and its halved copies (any thread, with thread-owned paths)."""
    image = QImage(request.width, request.height, QImage.Format.Format_RGB32)
    image.fill(QColor(request.style.background))
    painter = QPainter(image)
    sx = request.width / request.rect.width()
    sy = request.height / request.rect.height()
    painter.setTransform(QTransform(sx, 0, 0, sy, -request.rect.left() * sx, -request.rect.top() * sy))
    geometry = _PathsView(request.geometry, paths)
    render.paint_units(
        painter,
        geometry,  # type: ignore[arg-type]
        request.fill,
        request.hatch,
        borders,
        request.border_kind,
        request.units,
        request.style,
        antialias_fills=False if request.aliased else _antialias(request.pixel_scale),
        pixel_scale=request.pixel_scale,
    )
    painter.end()
    levels = [image]
    scale = sx
    while scale / 2 >= request.min_level_scale and levels[-1].width() > 256:
        last = levels[-1]
        levels.append(last.scaled(last.width() // 2, last.height() // 2, mode=_SMOOTH))
        scale /= 2
    return levels


class _PathsView:
    """A MapGeometry seen with another set of paths (the worker's own copies)."""

    def __init__(self, geometry: render.MapGeometry, paths: list) -> None:
        self._geometry = geometry
        self.paths = paths

    def __getattr__(self, name: str):
        return getattr(self._geometry, name)


class _Bridge(QObject):
    finished = Signal(object)


class _RenderJob(QRunnable):
    def __init__(self, renderer: RasterRenderer, request: RasterRequest) -> None:
        super().__init__()
        self._renderer = renderer
        self._request = request

    def run(self) -> None:
        renderer, request = self._renderer, self._request
        if renderer.superseded(request.generation, request.kind):
            return  # superseded before it started
        geometry = request.geometry
        paths = renderer.worker_paths(geometry)
        units = np.arange(geometry.n) if request.units is None else request.units
        borders: list = [None] * geometry.n
        for unit, path in zip(units.tolist(), geometry.boundary_paths(units, request.codes), strict=True):
            borders[unit] = path
        levels = render_levels(request, paths, borders)
        if not shiboken6.isValid(renderer.bridge):
            return  # the view was closed while this render ran
        renderer.bridge.finished.emit(
            RasterImage(
                request.generation, QRectF(request.rect), levels, request.pixel_scale, request.kind, request.aliased
            )
        )


class _PrepareJob(QRunnable):
    def __init__(self, renderer: RasterRenderer, geometry: render.MapGeometry) -> None:
        super().__init__()
        self._renderer = renderer
        self._geometry = geometry

    def run(self) -> None:
        self._renderer.worker_paths(self._geometry)


class RasterRenderer(QObject):
    """Renders map images on one worker thread; ``finished(RasterImage)`` arrives on the GUI thread.

    Each kind of image (``map``, ``view``) is superseded by the next request of its kind; :meth:`forget` drops
    every render numbered before a generation (those of a previous layer).
    """

    finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.bridge = _Bridge(self)
        self.bridge.finished.connect(self._on_bridge_finished)
        self._latest: dict[str, int] = {}
        self._floor = 0
        self._worker_paths: tuple[render.MapGeometry, list] | None = None  # touched only by the worker thread

    def request(self, request: RasterRequest) -> None:
        self._latest[request.kind] = request.generation
        # the view image is what the user is looking at: it goes before a queued whole-map render
        self._pool.start(_RenderJob(self, request), 1 if request.kind == "view" else 0)

    def prepare(self, geometry: render.MapGeometry) -> None:
        """Make the worker's unit paths for ``geometry`` now, before the first render asks for them."""
        self._pool.start(_PrepareJob(self, geometry))

    def forget(self, generation: int) -> None:
        """Renders numbered before ``generation`` are never delivered."""
        self._floor = generation
        self._latest.clear()

    def superseded(self, generation: int, kind: str) -> bool:
        return generation < max(self._floor, self._latest.get(kind, 0))

    def worker_paths(self, geometry: render.MapGeometry) -> list:
        cached = self._worker_paths
        if cached is None or cached[0] is not geometry:
            paths = geometry.build_shapes()
            self._worker_paths = (geometry, paths)
            return paths
        return cached[1]

    def wait(self, msecs: int = -1) -> bool:
        """Block until queued renders are done (tests, benchmarks and shutdown)."""
        return self._pool.waitForDone(msecs)

    def _on_bridge_finished(self, image: RasterImage) -> None:
        if not self.superseded(image.generation, image.kind):
            self.finished.emit(image)
