"""Painting a territory map onto any QPaintDevice (QImage, QPdfWriter, a view's viewport): units, hatching,
territory borders, and a whole static map with labels and legend. QtGui only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)

from .geometry import MapGeometry
from .labels import (
    draw_label,
    draw_leader,
    draw_number,
    key_lines,
    label_box,
    label_font,
    label_layout,
    paint_key,
    place_all_labels,
    territory_label_anchors,
)
from .legend import legend_for, legend_origin, legend_size, paint_legend
from .style import (
    DEFAULT_STYLE,
    STATUS_AT_RISK,
    STATUS_NONE,
    STATUS_UNFUNDED,
    MapStyle,
    hatch_brush,
    hatch_kinds,
    measure_classes,
    status_kinds,
    territory_border_pen,
    unit_border_pen,
    unit_fill_rgb,
    world_scale,
)


def fit_transform(source: QRectF, target: QRectF) -> QTransform:
    """Scene-to-device transform showing all of ``source`` centred in ``target`` with the aspect ratio kept."""
    scale = min(target.width() / max(source.width(), 1e-12), target.height() / max(source.height(), 1e-12))
    dx = target.left() + (target.width() - source.width() * scale) / 2 - source.left() * scale
    dy = target.top() + (target.height() - source.height() * scale) / 2 - source.top() * scale
    return QTransform(scale, 0, 0, scale, dx, dy)


def padded(rect: QRectF, fraction: float = 0.03) -> QRectF:
    mx, my = rect.width() * fraction, rect.height() * fraction
    return rect.adjusted(-mx, -my, mx, my)


def unit_borders_visible(geometry: MapGeometry, pixels_per_unit: float, style: MapStyle = DEFAULT_STYLE) -> bool:
    return geometry.median_size * pixels_per_unit >= style.unit_border_min_px


def paint_units(
    painter: QPainter,
    geometry: MapGeometry,
    fill_rgb: np.ndarray,
    hatch: np.ndarray,
    border_paths: Sequence[QPainterPath | None],
    border_kind: np.ndarray,
    subset: np.ndarray | None = None,
    style: MapStyle = DEFAULT_STYLE,
    antialias_fills: bool | None = None,
    pixel_scale: float = 1.0,
) -> None:
    """Draw fills, unit borders, hatching and territory borders of units (all, or ``subset``) in scene coordinates.

    The painter's transform maps scene coordinates to the device. ``border_paths`` holds per unit the path of its
    territory border edges (:meth:`MapGeometry.boundary_paths`) and ``border_kind`` the status kind of its
    territory (unfunded borders are drawn last, in red). Fills are anti-aliased when unit borders are drawn (they
    hide the seams anti-aliasing leaves between neighbours) unless ``antialias_fills`` says otherwise.
    ``pixel_scale`` is how much larger than on screen the device's pixels are drawn (an image shown shrunk).
    """
    units = np.arange(geometry.n) if subset is None else np.asarray(subset, dtype=np.int64)
    units = units[~geometry.empty[units]]
    scale = world_scale(painter)
    paths = geometry.paths
    painter.save()
    show_unit_borders = unit_borders_visible(geometry, scale / pixel_scale, style)
    painter.setRenderHint(
        QPainter.RenderHint.Antialiasing, show_unit_borders if antialias_fills is None else antialias_fills
    )
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    # Unit borders stay hairlines even in a finer image (a wide pen goes through Qt's stroker: ten times slower);
    # shrunk, they just read lighter, which suits a zoomed-out map.
    painter.setPen(unit_border_pen(style) if show_unit_borders else Qt.PenStyle.NoPen)
    order = units[np.argsort(fill_rgb[units], kind="stable")]
    colors = fill_rgb[order]
    current = -1
    draw_path, draw_polygon = painter.drawPath, painter.drawPolygon
    for unit, color in zip(order.tolist(), colors.tolist(), strict=True):
        if color != current:
            painter.setBrush(QColor.fromRgb(color))
            current = color
        shape = paths[unit]
        (draw_polygon if type(shape) is QPolygonF else draw_path)(shape)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # borders cover the hatch edges
    for kind in (STATUS_AT_RISK, STATUS_UNFUNDED):
        hatched = units[hatch[units] == kind]
        if len(hatched):
            painter.setBrush(hatch_brush(kind, painter, style, pixel_scale))
            for unit in hatched.tolist():
                shape = paths[unit]
                (draw_polygon if type(shape) is QPolygonF else draw_path)(shape)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for alert in (False, True):
        pen = territory_border_pen(STATUS_UNFUNDED if alert else STATUS_NONE, style)
        painter.setPen(_scaled_pen(pen, pixel_scale))
        for unit in units[(border_kind[units] == STATUS_UNFUNDED) == alert].tolist():
            path = border_paths[unit]
            if path is not None:
                painter.drawPath(path)
    painter.restore()


def _scaled_pen(pen: QPen, factor: float) -> QPen:
    if factor == 1.0:
        return pen
    pen = QPen(pen)
    pen.setWidthF((pen.widthF() or 1.0) * factor)
    return pen


def paint_map(
    painter: QPainter,
    rect: QRectF,
    layer_geometry_planar,
    codes: np.ndarray,
    colors: Sequence[str],
    status: Sequence[str | None] | None = None,
    labels: Sequence[str] | None = None,
    *,
    locked: Sequence[bool] | None = None,
    mode: str = "territory",
    values: np.ndarray | None = None,
    style: MapStyle = DEFAULT_STYLE,
    source: QRectF | None = None,
    background: bool = True,
    legend: bool = False,
    avoid: Sequence[QRectF] = (),
) -> QTransform:
    """Paint a static territory map into ``rect`` of any paint device and return the scene-to-device transform.

    ``layer_geometry_planar`` is the layer geometry from :func:`project_for_display` (or a prepared
    :class:`MapGeometry`, which saves rebuilding paths when painting several maps). ``codes`` holds the territory
    code per unit (-1 unassigned); ``colors``, ``status``, ``labels`` (names) and ``locked`` are per code. ``mode``
    is ``territory`` (territory colours, unfunded/at-risk hatching), ``status`` (green/amber/red) or ``measure``
    (``values`` per unit in quantile classes). ``source`` is the scene rectangle to show (default: everything).
    With ``labels`` every territory is named: at its label point, beside it with a leader line, or by a number
    with a key (:func:`place_all_labels`); ``avoid`` are device rectangles labels keep clear of (other legends).
    """
    geometry = (
        layer_geometry_planar if isinstance(layer_geometry_planar, MapGeometry) else MapGeometry(layer_geometry_planar)
    )
    codes = np.asarray(codes, dtype=np.int64)
    colors = list(colors)
    classes = measure_classes(values, style=style) if mode == "measure" and values is not None else None
    fill = unit_fill_rgb(codes, colors, status, mode=mode, values=values, classes=classes, style=style)
    hatch = hatch_kinds(codes, status, len(colors), mode)
    kinds = status_kinds(status, len(colors))
    border_kind = np.where(codes >= 0, kinds[np.maximum(codes, 0)] if len(colors) else 0, 0)
    borders = geometry.boundary_paths(np.arange(geometry.n), codes)
    source = source or padded(geometry.extent)
    transform = fit_transform(source, rect)
    painter.save()
    painter.setClipRect(rect)
    if background:
        painter.fillRect(rect, QColor(style.background))
    painter.setTransform(transform, True)
    paint_units(painter, geometry, fill, hatch, borders, border_kind, style=style)
    painter.restore()
    lg = None
    if legend:
        lg = legend_for(mode, status, classes, bool(values is not None and (~np.isfinite(values)).any()), style)
    if labels is not None:
        painter.save()
        painter.setClipRect(rect)
        device = painter.transform()
        full = transform * device
        painter.resetTransform()
        font = label_font(style)
        layouts = {
            code: label_layout(
                str(labels[code]), int(kinds[code]), bool(locked[code]) if locked else False, style, font
            )
            for code in range(min(len(labels), len(colors)))
        }
        anchors = territory_label_anchors(geometry, codes)
        device_rect = device.mapRect(rect)
        keep_clear = [device.mapRect(r) for r in avoid]
        if lg is not None:
            keep_clear.append(device.mapRect(QRectF(legend_origin(rect, lg), legend_size(lg))))
        placed = place_all_labels(anchors, layouts, full, device_rect, keep_clear)
        for label in placed:
            if label.leader is not None:
                draw_leader(painter, label.leader, label.center, layouts[label.anchor.code])
        boxes = list(keep_clear)
        for label in placed:
            layout = layouts[label.anchor.code]
            if label.number is None:
                draw_label(painter, label.center, layout, style, font)
                boxes.append(label_box(label.center, layout))
            else:
                boxes.append(draw_number(painter, label.center, label.number, font))
        with_units = {a.code for a in anchors}
        names = [str(n) for n in labels]
        missing = [names[c] for c in range(min(len(names), len(colors))) if c not in with_units]
        lines = key_lines(placed, names, missing)
        if lines:
            paint_key(painter, device_rect, lines, boxes, QFont(font))
        painter.restore()
    if lg is not None:
        paint_legend(painter, legend_origin(rect, lg), lg)
    return transform
