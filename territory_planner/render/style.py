"""Colours and sizes of a territory map: status kinds, fills per colour mode, measure classes, pens and hatching.

QtGui only (no QtWidgets), shared by the map view (gui/) and the static maps (exporters/).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPen,
    QTransform,
)

#: Funding status words as the planning core reports them, in legend order.
STATUS_WORDS = ("funded", "at_risk", "unfunded")
STATUS_NONE, STATUS_FUNDED, STATUS_AT_RISK, STATUS_UNFUNDED = 0, 1, 2, 3
_STATUS_KIND = {None: STATUS_NONE, "funded": STATUS_FUNDED, "at_risk": STATUS_AT_RISK, "unfunded": STATUS_UNFUNDED}

COLOR_MODES = ("territory", "status", "measure")


@dataclass(frozen=True)
class MapStyle:
    """Colours and sizes of a territory map (pixel sizes are device pixels at 96 dpi)."""

    background: str = "#f4f6f9"
    unassigned: str = "#dfe3e8"
    no_data: str = "#d4d4d4"
    unit_border: str = "#ffffff"
    unit_border_alpha: int = 150
    unit_border_width: float = 0.0  # 0 = one-pixel hairline (cheapest bounding rects for scene items)
    unit_border_min_px: float = 5.0  # hide unit borders where a typical unit is smaller than this on screen
    territory_border: str = "#2b313b"
    territory_border_width: float = 1.5
    funded: str = "#4f9d69"
    at_risk: str = "#e69500"
    unfunded: str = "#d7263d"
    no_status: str = "#a7b3c2"
    unfunded_border_width: float = 2.6
    hatch_spacing: float = 7.0
    hatch_width: float = 1.6
    hatch_alpha: int = 215
    label_color: str = "#1c2430"
    label_halo: str = "#ffffff"
    label_point_size: float = 9.5
    measure_ramp: tuple[str, ...] = (
        "#f7fcf0",
        "#ccebc5",
        "#a8ddb5",
        "#7bccc4",
        "#4eb3d3",
        "#2b8cbe",
        "#08589e",
    )

    def status_color(self, kind: int) -> str:
        return {
            STATUS_FUNDED: self.funded,
            STATUS_AT_RISK: self.at_risk,
            STATUS_UNFUNDED: self.unfunded,
        }.get(kind, self.no_status)


DEFAULT_STYLE = MapStyle()


def status_kinds(status: Sequence[str | None] | None, count: int) -> np.ndarray:
    """Per territory code: 0 no status, 1 funded, 2 at risk, 3 unfunded."""
    kinds = np.zeros(count, dtype=np.int8)
    for code, word in enumerate(list(status or [])[:count]):
        kinds[code] = _STATUS_KIND.get(word, STATUS_NONE)
    return kinds


def rgb(color: str | QColor) -> int:
    return QColor(color).rgb() & 0xFFFFFF


@dataclass(frozen=True)
class MeasureClasses:
    """Quantile classes of a numeric attribute for a choropleth: ``breaks`` has one more entry than colours."""

    breaks: np.ndarray
    colors: tuple[str, ...]
    label: str = ""
    #: the legend's words for each class ("7.5–10 % (the cap)"); empty: the breaks as numbers
    texts: tuple[str, ...] = ()

    def classify(self, values: np.ndarray) -> np.ndarray:
        """Class index per value (-1 for missing)."""
        values = np.asarray(values, dtype=float)
        idx = np.searchsorted(self.breaks[1:-1], values, side="right")
        idx = np.minimum(idx, len(self.colors) - 1)
        return np.where(np.isfinite(values), idx, -1)


def measure_classes(values: np.ndarray, label: str = "", style: MapStyle = DEFAULT_STYLE) -> MeasureClasses:
    """Quantile classes (up to 7) of ``values``; skewed figures such as population read best by quantile."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    ramp = style.measure_ramp
    if not len(finite):
        return MeasureClasses(np.array([0.0, 1.0]), (ramp[len(ramp) // 2],), label)
    qs = np.quantile(finite, np.linspace(0, 1, len(ramp) + 1))
    breaks = np.unique(qs)
    if len(breaks) < 2:
        breaks = np.array([breaks[0], breaks[0]])
    classes = len(breaks) - 1
    pick = np.linspace(0, len(ramp) - 1, classes).round().astype(int) if classes > 1 else np.array([len(ramp) // 2])
    return MeasureClasses(breaks, tuple(ramp[i] for i in pick), label)


def banded_classes(
    breaks: Sequence[float], texts: Sequence[str], label: str = "", style: MapStyle = DEFAULT_STYLE
) -> MeasureClasses:
    """Fixed classes (``len(breaks) - 1`` of them, each named by ``texts``) coloured along the measure ramp: for a
    figure whose bands mean something of their own (penetration against its cap), unlike quantiles."""
    ramp = style.measure_ramp
    classes = len(breaks) - 1
    pick = np.linspace(0, len(ramp) - 1, classes).round().astype(int) if classes > 1 else np.array([len(ramp) // 2])
    return MeasureClasses(np.asarray(breaks, dtype=float), tuple(ramp[i] for i in pick), label, tuple(texts))


def unit_fill_rgb(
    codes: np.ndarray,
    colors: Sequence[str],
    status: Sequence[str | None] | None = None,
    *,
    mode: str = "territory",
    values: np.ndarray | None = None,
    classes: MeasureClasses | None = None,
    style: MapStyle = DEFAULT_STYLE,
) -> np.ndarray:
    """Fill colour (0xRRGGBB) of every unit for a colour mode."""
    codes = np.asarray(codes, dtype=np.int64)
    if mode == "measure" and values is not None:
        classes = classes or measure_classes(values, style=style)
        table = np.array([rgb(c) for c in classes.colors] + [rgb(style.no_data)], dtype=np.int64)
        return table[classes.classify(values)]
    if mode == "status":
        kinds = status_kinds(status, len(colors))
        table = np.array([rgb(style.status_color(int(k))) for k in kinds] + [rgb(style.unassigned)], dtype=np.int64)
    else:
        table = np.array([rgb(c) for c in colors] + [rgb(style.unassigned)], dtype=np.int64)
    return table[np.where(codes >= 0, codes, len(colors))]


def hatch_kinds(codes: np.ndarray, status: Sequence[str | None] | None, ncodes: int, mode: str) -> np.ndarray:
    """Per unit: the status kind to hatch (2 at risk, 3 unfunded) or 0; hatching is for the territory colours."""
    codes = np.asarray(codes, dtype=np.int64)
    if mode != "territory" or not ncodes:
        return np.zeros(len(codes), dtype=np.int8)
    kinds = status_kinds(status, ncodes)
    kinds = np.where(kinds >= STATUS_AT_RISK, kinds, 0).astype(np.int8)
    return np.where(codes >= 0, kinds[np.maximum(codes, 0)], 0).astype(np.int8)


# --------------------------------------------------------------------------------------------------------------------
# Pens and brushes


def unit_border_pen(style: MapStyle = DEFAULT_STYLE) -> QPen:
    color = QColor(style.unit_border)
    color.setAlpha(style.unit_border_alpha)
    pen = QPen(color, style.unit_border_width)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def territory_border_pen(kind: int = STATUS_NONE, style: MapStyle = DEFAULT_STYLE) -> QPen:
    """The outline of a territory; unfunded territories get a bold red outline."""
    if kind == STATUS_UNFUNDED:
        pen = QPen(QColor(style.unfunded), style.unfunded_border_width)
    else:
        pen = QPen(QColor(style.territory_border), style.territory_border_width)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


_HATCH_TEXTURES: dict[tuple[str, int, float, int, bool], QImage] = {}


def _hatch_texture(color: str, size: int, width: float, alpha: int, backward: bool) -> QImage:
    """One tile of diagonal lines, ``size`` device pixels square, seamless when repeated."""
    key = (color, size, width, alpha, backward)
    image = _HATCH_TEXTURES.get(key)
    if image is not None:
        return image
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    line_color = QColor(color)
    line_color.setAlpha(alpha)
    # A pale edge on each side keeps the lines visible on fills of a similar colour (a red territory).
    edge = QColor(255, 255, 255, 130)
    for pen_color, pen_width in ((edge, width + 1.4), (line_color, width)):
        pen = QPen(pen_color, pen_width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        for shift in (-size, 0, size):
            if backward:
                painter.drawLine(QPointF(shift - 1, -1), QPointF(shift + size + 1, size + 1))
            else:
                painter.drawLine(QPointF(shift - 1, size + 1), QPointF(shift + size + 1, -1))
    painter.end()
    _HATCH_TEXTURES[key] = image
    return image


def hatch_brush(
    kind: int, painter: QPainter | None = None, style: MapStyle = DEFAULT_STYLE, pixel_scale: float = 1.0
) -> QBrush:
    """Diagonal hatch brush for at-risk (amber) or unfunded (red) territories, for the painter's current transform.

    The hatch keeps ``style.hatch_spacing`` device pixels between lines at any zoom and is anchored to the map's
    origin, so it moves with the map when panning. Its texels map one-to-one to device pixels, which keeps Qt's
    raster engine on its fast untransformed-texture path (a scaled texture fill is about ten times slower).
    ``pixel_scale`` enlarges the hatch for an image that will be shown shrunk by that factor.
    """
    dpr = 1.0
    scale = 1.0
    if painter is not None:
        t = painter.deviceTransform()
        scale = math.hypot(t.m11(), t.m12()) or 1.0
        device = painter.device()
        if device is not None:  # device pixels per 96-dpi pixel: HiDPI screens, print resolutions
            dpr = device.devicePixelRatioF() * max(1.0, device.logicalDpiX() / 96.0)
    dpr *= pixel_scale
    size = max(4, round(style.hatch_spacing * dpr))
    color = style.unfunded if kind == STATUS_UNFUNDED else style.at_risk
    texture = _hatch_texture(color, size, style.hatch_width * dpr, style.hatch_alpha, kind != STATUS_UNFUNDED)
    brush = QBrush(texture)
    if painter is not None:
        # Brush coordinates are logical; undo the device scale so that one texel is one device pixel.
        brush.setTransform(QTransform.fromScale(1 / scale, 1 / scale))
    return brush


def world_scale(painter: QPainter) -> float:
    """Device pixels per scene unit of the painter's current transform."""
    t = painter.worldTransform()
    return math.hypot(t.m11(), t.m12()) or 1.0
