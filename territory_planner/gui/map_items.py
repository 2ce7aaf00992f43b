"""Graphics items and the legend overlay used by :class:`~territory_planner.gui.map_view.MapView`."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from .. import render

_ARGB = QImage.Format.Format_ARGB32_Premultiplied

# Item groups of the map scene, each with its own grid of tiles; the number is the z value (drawing order).
FILL, HATCH, BORDER, ALERT, RASTER, SELECT, PREVIEW, HIGHLIGHT, HOVER, LABEL, GESTURE = range(11)
#: The groups drawn as vector items (hidden while the cached map image is shown).
VECTOR_GROUPS = (FILL, HATCH, BORDER, ALERT)


def tile_item(z: float) -> QGraphicsRectItem:
    """An invisible parent for the items of one grid tile.

    Grouping thousands of unit items under a few hundred tiles keeps the scene's dirty processing (which walks the
    top-level items) cheap, so an edit repaints only what changed (docs/ARCHITECTURE.md).
    """
    item = QGraphicsRectItem()
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
    item.setPen(Qt.PenStyle.NoPen)
    item.setZValue(z)
    return item


class HatchTileItem(QGraphicsItem):
    """Diagonal hatching over the at-risk and unfunded units of one tile.

    One item per tile (rather than one per unit) so the hatch brush can follow the zoom at paint time: the hatch
    stays anchored to the map and keeps a constant spacing on screen.
    """

    def __init__(self, geometry: render.MapGeometry, style: render.MapStyle, z: float) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(z)
        self._geometry = geometry
        self._style = style
        self._kinds: dict[int, int] = {}
        self._rect = QRectF()

    def set_kind(self, unit: int, kind: int) -> None:
        """Hatch ``unit`` with ``kind`` (0 removes its hatching) and schedule a repaint of its area."""
        old = self._kinds.get(unit, 0)
        if old == kind:
            return
        b = self._geometry.bounds[unit]
        unit_rect = QRectF(b[0], b[1], b[2] - b[0], b[3] - b[1])
        if kind:
            self._kinds[unit] = kind
            if not self._rect.contains(unit_rect):
                self.prepareGeometryChange()
                self._rect = self._rect.united(unit_rect) if not self._rect.isNull() else unit_rect
        else:
            del self._kinds[unit]
        self.update(unit_rect)

    def is_empty(self) -> bool:
        return not self._kinds

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self._kinds:
            return
        exposed = option.exposedRect
        units = np.fromiter(self._kinds.keys(), dtype=np.int64, count=len(self._kinds))
        kinds = np.fromiter(self._kinds.values(), dtype=np.int8, count=len(self._kinds))
        b = self._geometry.bounds[units]
        visible = (
            (b[:, 2] >= exposed.left())
            & (b[:, 0] <= exposed.right())
            & (b[:, 3] >= exposed.top())
            & (b[:, 1] <= exposed.bottom())
        )
        paths = self._geometry.paths
        # Unit and territory borders are drawn over the hatch edges, so anti-aliasing them buys nothing but time.
        antialiased = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        for kind in (render.STATUS_AT_RISK, render.STATUS_UNFUNDED):
            chosen = units[visible & (kinds == kind)]
            if not len(chosen):
                continue
            painter.setBrush(render.hatch_brush(kind, painter, self._style))
            for unit in chosen.tolist():
                painter.drawPath(paths[unit])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialiased)


class RasterItem(QGraphicsItem):
    """Draws the cached image of the whole map: the zoomed-out level of detail.

    The image (and its halved copies) is rendered finer than the screen. For the current zoom the view asks for a
    display copy, shrunk with Qt's area-averaging scaler to exactly the screen's scale, which is then blitted 1:1
    (about a millisecond a frame, and a smooth supersampled look); while the zoom is changing the nearest copy is
    drawn scaled instead.
    """

    def __init__(self, z: float) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(z)
        self._rect = QRectF()
        self._levels: list[QImage] = []
        self._display: QImage | None = None
        self._display_scale = 0.0

    def set_images(self, rect: QRectF, levels: list[QImage]) -> None:
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = QRectF(rect)
        self._levels = levels
        self._display = None
        self.update()

    def pixels_per_unit(self) -> float:
        if not self._levels or self._rect.isEmpty():
            return 0.0
        return self._levels[0].width() / self._rect.width()

    def display_scale(self) -> float:
        return self._display_scale if self._display is not None else 0.0

    def build_display(self, scale: float) -> None:
        """Make the display copy for ``scale`` device pixels per scene unit (no copy when zoomed in past the image)."""
        if not self._levels or scale <= 0 or scale > self.pixels_per_unit() * 1.0001:
            self._display = None
            return
        if self._display is not None and abs(self._display_scale - scale) <= 1e-9 * scale:
            return
        source = self._level_for(scale)
        width = max(1, round(self._rect.width() * scale))
        height = max(1, round(self._rect.height() * scale))
        self._display = source.scaled(
            width, height, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self._display_scale = scale
        self.update()

    def patch_display(self, pixels: QRect) -> None:
        """Redo the display copy over ``pixels`` (level-0 image pixels) after the image was patched."""
        if self._display is None or pixels.isEmpty():
            return
        base = self._levels[0]
        f = self._display_scale / self.pixels_per_unit()
        target = (
            QRectF(pixels.left() * f, pixels.top() * f, pixels.width() * f, pixels.height() * f)
            .toAlignedRect()
            .adjusted(-1, -1, 1, 1)
            .intersected(self._display.rect())
        )
        if target.isEmpty():
            return
        margin = int(2 / f) + 2
        source = (
            QRectF(target.left() / f, target.top() / f, target.width() / f, target.height() / f)
            .toAlignedRect()
            .adjusted(-margin, -margin, margin, margin)
            .intersected(base.rect())
        )
        small = base.copy(source).scaled(
            max(1, round(source.width() * f)),
            max(1, round(source.height() * f)),
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        ox, oy = round(source.left() * f), round(source.top() * f)
        painter = QPainter(self._display)
        painter.drawImage(
            target.topLeft(), small, QRect(target.left() - ox, target.top() - oy, target.width(), target.height())
        )
        painter.end()

    def _level_for(self, scale: float) -> QImage:
        image = self._levels[0]
        for level in self._levels:
            if level.width() / self._rect.width() >= scale * 0.999:
                image = level
        return image

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self._levels:
            return
        exposed = option.exposedRect.intersected(self._rect)
        if exposed.isEmpty():
            return
        device = painter.deviceTransform()
        scale = math.hypot(device.m11(), device.m12())
        display = self._display
        if display is not None and abs(self._display_scale - scale) <= 1e-9 * scale and device.m12() == 0:
            world = painter.worldTransform()
            dpr = device.m11() / world.m11() if world.m11() else 1.0
            origin = device.map(self._rect.topLeft())
            ox, oy = round(origin.x()), round(origin.y())
            source = device.mapRect(exposed).toAlignedRect().adjusted(-1, -1, 1, 1).translated(-ox, -oy)
            source = source.intersected(display.rect())
            if source.isEmpty():
                return
            display.setDevicePixelRatio(dpr)
            # The device transform includes the viewport's offset inside the window's backing store, and
            # resetTransform() keeps that offset: take it out so it is not applied twice.
            offset = device.map(QPointF(0, 0)) - world.map(QPointF(0, 0)) * dpr
            painter.save()
            painter.resetTransform()
            painter.drawImage(
                QPointF((ox + source.left() - offset.x()) / dpr, (oy + source.top() - offset.y()) / dpr),
                display,
                QRectF(source),
            )
            painter.restore()
            return
        image = self._level_for(scale)
        fx = image.width() / self._rect.width()
        fy = image.height() / self._rect.height()
        source_rect = QRectF(
            (exposed.left() - self._rect.left()) * fx,
            (exposed.top() - self._rect.top()) * fy,
            exposed.width() * fx,
            exposed.height() * fy,
        )
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(exposed, image, source_rect)


#: Rendered label images by what they show (text, caption, lock, size, style, font, pixel ratio): labels are
#: rebuilt after every status change, and drawing a text outline with its halo costs ~2 ms a label.
_LABEL_IMAGES: dict[tuple, QImage] = {}
_LABEL_IMAGES_MAX = 512


def _label_image(layout: render.LabelLayout, style: render.MapStyle, font: QFont, rect: QRectF, dpr: float) -> QImage:
    key = (
        layout.name,
        layout.caption,
        layout.caption_color,
        layout.locked,
        rect.width(),
        rect.height(),
        style,
        font.key(),
        dpr,
    )
    image = _LABEL_IMAGES.get(key)
    if image is None:
        size = rect.size() * dpr
        image = QImage(max(1, math.ceil(size.width())), max(1, math.ceil(size.height())), _ARGB)
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.GlobalColor.transparent)
        p = QPainter(image)
        render.draw_label(p, QPointF(rect.width() / 2, rect.height() / 2), layout, style, font)
        p.end()
        if len(_LABEL_IMAGES) >= _LABEL_IMAGES_MAX:
            del _LABEL_IMAGES[next(iter(_LABEL_IMAGES))]  # the oldest
        _LABEL_IMAGES[key] = image
    return image


class LabelItem(QGraphicsItem):
    """A territory name (and funding caption) at constant screen size, wherever the map is zoomed."""

    def __init__(self, layout: render.LabelLayout, style: render.MapStyle, font: QFont, z: float) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(z)
        self._layout = layout
        self._style = style
        self._font = font
        w, h = round(layout.size.width() + 8), round(layout.size.height() + 8)
        self._rect = QRectF(-w / 2, -h / 2, w, h)
        self._image: QImage | None = None

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # Drawn once into an image (shared by every label showing the same), then blitted.
        world = painter.worldTransform()
        device = painter.deviceTransform()
        dpr = device.m11() / world.m11() if world.m11() else 1.0
        if self._image is None or self._image.devicePixelRatio() != dpr:
            self._image = _label_image(self._layout, self._style, self._font, self._rect, dpr)
        painter.drawImage(self._rect.topLeft(), self._image)


class LegendWidget(QWidget):
    """The legend card drawn over the map's corner (a child of the view, so it does not scroll with the map)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self._legend = render.legend_for("territory")
        self._resize()

    def legend(self) -> render.Legend:
        return self._legend

    def set_scale(self, scale: float) -> None:
        """Type size of the legend: 1.0 in the window, larger in workshop mode."""
        if not hasattr(self, "_base_point_size"):
            self._base_point_size = self.font().pointSizeF()
        font = self.font()
        font.setPointSizeF(self._base_point_size * scale)
        self.setFont(font)
        self._resize()
        self.update()

    def set_legend(self, legend: render.Legend) -> None:
        self._legend = legend
        self._resize()
        self.update()

    def _resize(self) -> None:
        size = render.legend_size(self._legend, self.font())
        self.setFixedSize(QSize(int(size.width()) + 2, int(size.height()) + 2))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        render.paint_legend(painter, QPointF(0, 0), self._legend, self.font())
        painter.end()


def translucent(color: str | QColor, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c
