"""The static map (PNG, and the map pages of the PDF report), painted with QtGui only.

The map engineer's ``render.paint_map`` paints territories, hatching, borders, labels and the funding legend; this
module feeds it the pack's simplified "atoms" (units dissolved by state and territory, so state borders show as
thin lines) and adds what a leadership map needs on top: planned-hire markers with a symbol per status (a circle
with a tick, a triangle with "!", a square with a cross, so status does not depend on colour), their legend, and
a title band with the verdict.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)

from .. import render
from ..render.application import running_gui_application
from .atomic import export_file, write_bytes
from .pack import STATUS_COLOR, ExportError, Pack, Progress, ScenarioPack, budget_lines, date_label, no_progress

MAX_PNG_SIDE = 16000


def ensure_gui_application() -> QGuiApplication:
    """The running Qt GUI application that painting text needs; the caller makes it (the desktop app at start-up,
    the command line with :func:`territory_planner.render.application.headless_application`)."""
    app = running_gui_application()
    if app is None:
        raise ExportError(
            "Maps and reports are painted with Qt, but no Qt GUI application is running in this process: "
            "create one first (territory_planner.render.application.headless_application())."
        )
    return app


def base_font(point_size: float = 10.0, bold: bool = False) -> QFont:
    """The system's general font (no hard-coded family) at a point size."""
    font = QFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
    font.setPointSizeF(point_size)
    # No "fi"/"fl" ligatures: in a PDF they make "Pacific" unsearchable and copy out as "Paciﬁc".
    font.setFeature(QFont.Tag("liga"), 0)
    if bold:
        font.setWeight(QFont.Weight.Bold)
    return font


# --- status symbols ---------------------------------------------------------------------------------------------


def draw_status_icon(painter: QPainter, center: QPointF, size: float, status: str) -> None:
    """A status symbol that reads in black and white: ✓ in a circle, ! in a triangle, ✗ in a square."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    r = size / 2
    x, y = center.x(), center.y()
    outline = QPen(QColor("#1c2430"), max(size * 0.08, 0.8))
    painter.setPen(outline)
    painter.setBrush(QColor(STATUS_COLOR.get(status, "#9e9e9e")))
    mark = QPen(QColor("#ffffff"), max(size * 0.16, 1.2))
    mark.setCapStyle(Qt.PenCapStyle.RoundCap)
    mark.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if status == "funded":
        painter.drawEllipse(center, r, r)
        painter.setPen(mark)
        tick = QPainterPath(QPointF(x - r * 0.45, y + r * 0.02))
        tick.lineTo(x - r * 0.1, y + r * 0.38)
        tick.lineTo(x + r * 0.5, y - r * 0.35)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(tick)
    elif status == "at_risk":
        triangle = QPolygonF(
            [QPointF(x, y - r * 1.05), QPointF(x + r * 1.1, y + r * 0.85), QPointF(x - r * 1.1, y + r * 0.85)]
        )
        painter.drawPolygon(triangle)
        painter.setPen(mark)
        painter.drawLine(QPointF(x, y - r * 0.4), QPointF(x, y + r * 0.2))
        painter.drawPoint(QPointF(x, y + r * 0.55))
    else:
        painter.drawRect(QRectF(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8))
        painter.setPen(mark)
        d = r * 0.45
        painter.drawLine(QPointF(x - d, y - d), QPointF(x + d, y + d))
        painter.drawLine(QPointF(x - d, y + d), QPointF(x + d, y - d))
    painter.restore()


# --- the map ----------------------------------------------------------------------------------------------------


@dataclass
class _ScenarioCodes:
    codes: np.ndarray
    colors: list[str]
    status: list[str]
    names: list[str]


class StaticMap:
    """The pack's map prepared once for painting any of its scenarios on any paint device."""

    def __init__(self, pack: Pack) -> None:
        if pack.atoms is None:
            raise ExportError("The pack was prepared without map shapes; build it with maps=True.")
        self.pack = pack
        planar, self._homes = self._project(pack)
        self.geometry = render.MapGeometry(planar)
        self._codes = [self._scenario_codes(sp) for sp in pack.scenarios]
        assigned = np.zeros(self.geometry.n, dtype=bool)
        for data in self._codes:
            assigned |= data.codes >= 0
        extent = self.geometry.union_bounds(np.flatnonzero(assigned)) if assigned.any() else QRectF()
        self.source = render.padded(extent if not extent.isEmpty() else self.geometry.extent, 0.04)

    @staticmethod
    def _project(pack: Pack) -> tuple[Any, list[dict[str, QPointF]]]:
        """The atoms in display coordinates, and each scenario's home bases (seller -> point) projected with them
        (one projection, so a home in Alaska moves with the Alaska inset)."""
        import geopandas as gpd
        import pandas as pd
        import shapely

        atoms = pack.atoms
        assert atoms is not None
        keys = [(i, name) for i, sp in enumerate(pack.scenarios) for name in sp.homes]
        if not keys:
            return render.project_for_display(atoms), [{} for _ in pack.scenarios]
        lon = [pack.scenarios[i].homes[n][0] for i, n in keys]
        lat = [pack.scenarios[i].homes[n][1] for i, n in keys]
        points = gpd.GeoSeries(shapely.points(lon, lat), crs="EPSG:4326")
        if atoms.crs is not None and not atoms.crs.equals(points.crs):
            points = points.to_crs(atoms.crs)
        both = gpd.GeoSeries(
            pd.concat([pd.Series(atoms.array, dtype=object), pd.Series(points.array, dtype=object)], ignore_index=True),
            crs=atoms.crs,
        )
        projected = render.project_for_display(both)
        planar = projected.iloc[: len(atoms)]
        planar.index = atoms.index
        homes: list[dict[str, QPointF]] = [{} for _ in pack.scenarios]
        for (i, name), point in zip(keys, projected.iloc[len(atoms) :], strict=True):
            if point is not None and not point.is_empty:
                homes[i][name] = QPointF(point.x, -point.y)  # scene coordinates: y down (geo.projection.to_scene)
        return planar, homes

    @staticmethod
    def _scenario_codes(sp: ScenarioPack) -> _ScenarioCodes:
        names = [f.name for f in sp.territories]
        index = {name: i for i, name in enumerate(names)}
        codes = np.array([index.get(t, -1) if t is not None else -1 for t in sp.atom_territories], dtype=np.int64)
        return _ScenarioCodes(codes, [f.color for f in sp.territories], [f.status for f in sp.territories], names)

    def paint(
        self,
        painter: QPainter,
        rect: QRectF,
        scenario: int = 0,
        *,
        legend: bool = True,
        style: render.MapStyle = render.DEFAULT_STYLE,
    ) -> None:
        """Paint one scenario's map into ``rect`` (device coordinates) with labels, hires and legends."""
        data = self._codes[scenario]
        transform = render.paint_map(
            painter,
            rect,
            self.geometry,
            data.codes,
            data.colors,
            data.status,
            data.names,
            source=self.source,
            legend=legend,
            style=style,
            avoid=[self._hire_legend_card(rect)] if legend else [],
        )
        self._paint_hires(painter, rect, scenario, data, transform)
        if legend:
            self._paint_hire_legend(painter, rect)

    def _paint_hires(
        self, painter: QPainter, rect: QRectF, scenario: int, data: _ScenarioCodes, transform: QTransform
    ) -> None:
        sp = self.pack.scenarios[scenario]
        anchors = {a.code: a for a in render.territory_label_anchors(self.geometry, data.codes)}
        font = render.label_font()
        painter.save()
        painter.setClipRect(rect)
        full = transform * painter.transform()
        painter.resetTransform()
        size = max(QFontMetricsF(font).height() * 0.95, 10.0)
        homes = self._homes[scenario]
        for code, facts in enumerate(sp.territories):
            for hire in facts.hires:  # a hire with a home base on the map is drawn where they work from
                if hire.seller in homes:
                    draw_status_icon(painter, full.map(homes[hire.seller]), size, hire.status)
            away = [h for h in facts.hires if h.seller not in homes]
            anchor = anchors.get(code)
            if anchor is None or not away:
                continue
            center = full.map(QPointF(anchor.x, anchor.y))
            layout = render.label_layout(facts.name, int(render.status_kinds([facts.status], 1)[0]), False, font=font)
            y = center.y() + layout.size.height() / 2 + size * 0.75
            for i, hire in enumerate(away):
                x = center.x() + (i - (len(away) - 1) / 2) * size * 1.35
                draw_status_icon(painter, QPointF(x, y), size, hire.status)
        painter.restore()

    _HIRE_ROWS = (("funded", "Funded"), ("at_risk", "At risk"), ("unfunded", "Not funded"))

    def _hire_legend_card(self, rect: QRectF) -> QRectF:
        """Where the planned-hire legend goes: the bottom right of the map (labels keep clear of it)."""
        font = QFont()
        metrics = QFontMetricsF(font)
        title = QFont(font)
        title.setWeight(QFont.Weight.DemiBold)
        row_h = max(metrics.height(), 14.0) + 5
        width = max(
            QFontMetricsF(title).horizontalAdvance("Planned hires"),
            *(metrics.horizontalAdvance(t) for _, t in self._HIRE_ROWS),
        )
        card = QRectF(0, 0, width + 24 + 26, QFontMetricsF(title).height() + 8 + row_h * len(self._HIRE_ROWS) + 14)
        card.moveBottomRight(QPointF(rect.right() - 12, rect.bottom() - 12))
        return card

    def _paint_hire_legend(self, painter: QPainter, rect: QRectF) -> None:
        font = QFont()
        metrics = QFontMetricsF(font)
        title = QFont(font)
        title.setWeight(QFont.Weight.DemiBold)
        rows = self._HIRE_ROWS
        row_h = max(metrics.height(), 14.0) + 5
        card = self._hire_legend_card(rect)
        painter.save()
        render.draw_card(painter, card)
        painter.setFont(title)
        painter.drawText(QPointF(card.left() + 12, card.top() + 8 + QFontMetricsF(title).ascent()), "Planned hires")
        painter.setFont(font)
        y = card.top() + 8 + QFontMetricsF(title).height() + 6
        for status, text in rows:
            draw_status_icon(painter, QPointF(card.left() + 21, y + row_h / 2), 13, status)
            painter.setPen(QColor("#2b313b"))
            painter.drawText(QPointF(card.left() + 38, y + (row_h - metrics.height()) / 2 + metrics.ascent()), text)
            y += row_h
        painter.restore()


# --- PNG ----------------------------------------------------------------------------------------------------------


def _title_band(painter: QPainter, rect: QRectF, pack: Pack, sp: ScenarioPack) -> float:
    """Plan, scenario, date and verdict above the map; returns the band's height."""
    title_font = base_font(15, bold=True)
    small = base_font(10)
    verdict_font = base_font(11, bold=True)
    x, y = rect.left() + 14, rect.top() + 10
    painter.save()
    painter.setPen(QColor("#1c2430"))
    lines = [
        (title_font, pack.plan_name),
        (
            small,
            f"Scenario: {sp.name} · plan period from {sp.report.period_start.label()} · "
            f"exported {date_label(pack.created)}",
        ),
        (verdict_font, sp.report.verdict()),
        # The reconciliation under the headline, so its figures can be checked on the picture alone.
        *((small, line) for line in budget_lines(sp.report)[1:3]),
    ]
    for font, text in lines:
        painter.setFont(font)
        bounds = painter.boundingRect(QRectF(x, y, rect.width() - 28, 1000), Qt.TextFlag.TextWordWrap, text)
        painter.drawText(bounds, Qt.TextFlag.TextWordWrap, text)
        y = bounds.bottom() + 4
    painter.restore()
    return y + 6 - rect.top()


def render_png(pack: Pack, size: tuple[int, int], scenario: int = 0, static_map: StaticMap | None = None) -> QImage:
    """The map of one scenario as an image of ``size`` pixels, with a title band and legends.

    Text and lines are scaled with the image (device pixel ratio), so a large image is a sharper version of a
    normal one rather than a tiny map with tiny text.
    """
    ensure_gui_application()
    width, height = size
    if not (100 <= width <= MAX_PNG_SIDE and 100 <= height <= MAX_PNG_SIDE):
        raise ExportError(f"A map image must be between 100 and {MAX_PNG_SIDE} pixels a side, not {width}x{height}.")
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise ExportError(f"There is not enough memory for a {width}x{height} image; choose a smaller size.")
    ratio = max(1.0, min(width / 1400.0, height / 900.0))
    image.setDevicePixelRatio(ratio)
    image.fill(QColor(render.DEFAULT_STYLE.background))
    static = static_map or StaticMap(pack)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        logical = QRectF(0, 0, width / ratio, height / ratio)
        band = _title_band(painter, logical, pack, pack.scenarios[scenario])
        static.paint(painter, logical.adjusted(0, band, 0, 0), scenario)
    finally:
        painter.end()
    return image


def encode_png(image: QImage) -> bytes:
    """The image as PNG bytes; raises ExportError when Qt could not encode it."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide's stubs ask for bytes as the format, but the binding accepts only str.
    saved = image.save(buffer, "PNG")  # type: ignore[call-overload]
    data = bytes(buffer.data().data())
    buffer.close()
    if not saved or not data.startswith(b"\x89PNG\r\n\x1a\n") or b"IEND" not in data[-12:]:
        raise ExportError("Qt could not encode the map image as PNG.")
    return data


def scenario_slug(name: str) -> str:
    """A scenario name as a file-name part: lower-case letters, digits and hyphens ("Hire 4, fund Texas" ->
    "hire-4-fund-texas"); at most 60 characters; "scenario" when nothing is left."""
    slug = re.sub(r"[^0-9a-z]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())
    return slug.strip("-")[:60].strip("-") or "scenario"


def png_paths(target: str | Path, scenario_names: Sequence[str]) -> list[Path]:
    """Where the map of each scenario goes: the first at ``target`` (``map.png``), every further one beside it as
    ``map-<scenario-slug>.png`` (``-2``, ``-3``… when two names give the same slug or one is taken by the target)."""
    first = Path(target)
    paths = [first]
    taken = {first.name.lower()}
    for name in scenario_names[1:]:
        base = f"{first.stem}-{scenario_slug(name)}"
        candidate, n = f"{base}{first.suffix}", 2
        while candidate.lower() in taken:
            candidate, n = f"{base}-{n}{first.suffix}", n + 1
        taken.add(candidate.lower())
        paths.append(first.with_name(candidate))
    return paths


def write_png(
    pack: Pack,
    path: str | Path,
    size: tuple[int, int] = (1600, 1000),
    progress: Progress | None = None,
    scenario: int = 0,
) -> None:
    """Write the map of the pack's scenario number ``scenario`` (the first by default) to ``path`` as PNG (no temp
    file; see :func:`export_png`). Every write is checked, so a full disk raises instead of leaving a short image.
    ``export_pack`` writes one per scenario (:func:`png_paths`)."""
    report = progress or no_progress
    report(0.0, f"Painting the map image of {pack.scenarios[scenario].name}")
    image = render_png(pack, size, scenario)
    report(0.8, "Saving the map image")
    write_bytes(path, encode_png(image))
    report(1.0, "Map image written")


def export_png(
    pack: Pack, target: str | Path, size: tuple[int, int] = (1600, 1000), progress: Progress | None = None
) -> Path:
    """Write the map image atomically; raises ExportError (keeping the old file, leaving no temp) on failure."""
    return export_file(target, "map image", lambda tmp: write_png(pack, tmp, size, progress), ".png")
