"""Colours, words and the style sheet shared by every view (readable on a projector: high contrast, large type)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from ..domain.checks import TerritoryResult, exceeds
from ..domain.status import STATUS_COLOR, STATUS_LABEL, STATUS_TINT

SEVERITY_LABEL = {"blocking": "Blocking", "warning": "Warnings"}
SEVERITY_COLOR = {"blocking": "#c62828", "warning": "#e69500"}
UNASSIGNED_COLOR = "#e6e6e6"

ACCENT = "#1f4e79"
TEXT = "#1d2733"
MUTED = "#5f6b7a"

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: #f4f6f9; }}
QToolBar {{ background: #ffffff; border: none; border-bottom: 1px solid #d5dbe3; spacing: 6px; padding: 4px 6px; }}
QToolBar QToolButton {{ padding: 4px 8px; border-radius: 4px; color: {TEXT}; }}
QToolBar QToolButton:checked {{ background: {ACCENT}; color: white; }}
QToolBar QToolButton:hover:!checked {{ background: #e6ecf3; }}
QToolBar QLabel {{ color: {MUTED}; padding-left: 6px; }}
QDockWidget {{ font-weight: 600; color: {TEXT}; }}
QDockWidget::title {{ background: #e9edf2; padding: 5px 8px; border-bottom: 1px solid #d5dbe3; }}
QTabBar::tab {{ padding: 6px 14px; background: #e9edf2; border: 1px solid #d5dbe3; border-bottom: none;
    color: {MUTED}; }}
QTabBar::tab:selected {{ background: #ffffff; color: {TEXT}; font-weight: 600; }}
QTableView, QTreeView {{ background: #ffffff; alternate-background-color: #f7f9fb; gridline-color: #e3e7ec;
    selection-background-color: #cfe0f3; selection-color: {TEXT}; border: 1px solid #d5dbe3; }}
QHeaderView::section {{ background: #f0f3f6; color: {MUTED}; padding: 4px 6px; border: none;
    border-right: 1px solid #e0e5eb; border-bottom: 1px solid #d5dbe3; font-weight: 600; }}
QPushButton {{ padding: 5px 12px; border: 1px solid #b9c3cf; border-radius: 4px; background: #ffffff; }}
QPushButton:hover {{ background: #eef3f8; }}
QPushButton:default {{ border-color: {ACCENT}; }}
QStatusBar {{ background: #ffffff; border-top: 1px solid #d5dbe3; color: {MUTED}; }}
#SummaryStrip {{ background: #ffffff; border-bottom: 1px solid #d5dbe3; }}
#SummaryStrip QLabel {{ color: {TEXT}; }}
#SummaryStrip QLabel[role="caption"] {{ color: {MUTED}; }}
#SummaryStrip QLabel[role="verdict"] {{ color: {TEXT}; font-weight: 600; }}
#PanelNote {{ color: {MUTED}; }}
#ErrorNote {{ color: #b00020; }}
"""


#: A territory with no units and no sellers is "empty": nothing to fund, so it is neither funded nor short.
EMPTY_LABEL = "Empty"
EMPTY_COLOR = "#9aa5b1"


def is_empty(result: TerritoryResult) -> bool:
    """No units, no seller or hire and nothing required: shown as "Empty", not counted as funded."""
    return result.units == 0 and result.headcount == 0 and not exceeds(result.required_spend, 0.0)


def display_status(result: TerritoryResult) -> str:
    """The status a view shows for a territory: its funding status, or ``"empty"``."""
    return "empty" if is_empty(result) else result.status


def display_status_label(status: str) -> str:
    return EMPTY_LABEL if status == "empty" else STATUS_LABEL[status]


def status_color(status: str) -> QColor:
    return QColor(STATUS_COLOR.get(status, "#888888"))


def swatch_icon(color: str, size: int = 14, outline: str = "#5f6b7a") -> QIcon:
    """A filled square of a colour (territory colours in tables and combos)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(outline), 1))
    painter.setBrush(QBrush(QColor(color)))
    painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 2, 2)
    painter.end()
    return QIcon(pix)


def dot_icon(color: str, size: int = 12) -> QIcon:
    """A round dot (funding status, flag severity)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(color)))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.end()
    return QIcon(pix)


def lock_icon(size: int = 14, color: str = "#5f6b7a") -> QIcon:
    """A small padlock (locked territories are never repainted)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(color), max(1.0, size / 9))
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    w = float(size)
    shackle = QPainterPath()
    shackle.moveTo(QPointF(w * 0.3, w * 0.48))
    shackle.lineTo(QPointF(w * 0.3, w * 0.32))
    shackle.arcTo(QRectF(w * 0.3, w * 0.1, w * 0.4, w * 0.4), 180, -180)
    shackle.lineTo(QPointF(w * 0.7, w * 0.48))
    painter.drawPath(shackle)
    painter.setBrush(QBrush(QColor(color)))
    painter.drawRoundedRect(QRectF(w * 0.18, w * 0.45, w * 0.64, w * 0.48), 1.5, 1.5)
    painter.end()
    return QIcon(pix)


def mode_icon(mode: str, size: int = 22, color: str = "#1d2733") -> QIcon:
    """Simple drawn icons for the map tools (no image files needed)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    w = float(size)
    pen = QPen(QColor(color), max(1.5, w / 12))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    if mode == "select":
        path = QPainterPath()
        path.moveTo(w * 0.25, w * 0.12)
        path.lineTo(w * 0.25, w * 0.82)
        path.lineTo(w * 0.42, w * 0.64)
        path.lineTo(w * 0.58, w * 0.9)
        path.lineTo(w * 0.68, w * 0.84)
        path.lineTo(w * 0.53, w * 0.6)
        path.lineTo(w * 0.78, w * 0.58)
        path.closeSubpath()
        painter.setBrush(QColor("#ffffff"))
        painter.drawPath(path)
    elif mode == "lasso":
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawEllipse(QRectF(w * 0.12, w * 0.15, w * 0.76, w * 0.5))
        pen.setStyle(Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(w * 0.35, w * 0.62), QPointF(w * 0.28, w * 0.9))
    elif mode == "paint":
        painter.setBrush(QColor("#4e79a7"))
        painter.drawEllipse(QRectF(w * 0.12, w * 0.52, w * 0.36, w * 0.36))
        painter.drawLine(QPointF(w * 0.4, w * 0.6), QPointF(w * 0.86, w * 0.14))
    elif mode == "pan":
        painter.drawLine(QPointF(w * 0.5, w * 0.1), QPointF(w * 0.5, w * 0.9))
        painter.drawLine(QPointF(w * 0.1, w * 0.5), QPointF(w * 0.9, w * 0.5))
        for a, b, c in (
            ((0.38, 0.22), (0.5, 0.1), (0.62, 0.22)),
            ((0.38, 0.78), (0.5, 0.9), (0.62, 0.78)),
            ((0.22, 0.38), (0.1, 0.5), (0.22, 0.62)),
            ((0.78, 0.38), (0.9, 0.5), (0.78, 0.62)),
        ):
            path = QPainterPath()
            path.moveTo(w * a[0], w * a[1])
            path.lineTo(w * b[0], w * b[1])
            path.lineTo(w * c[0], w * c[1])
            painter.drawPath(path)
    painter.end()
    return QIcon(pix)


__all__ = [
    "EMPTY_COLOR",
    "EMPTY_LABEL",
    "SEVERITY_COLOR",
    "SEVERITY_LABEL",
    "STATUS_COLOR",
    "STATUS_LABEL",
    "STATUS_TINT",
    "STYLE_SHEET",
    "display_status",
    "display_status_label",
    "dot_icon",
    "is_empty",
    "lock_icon",
    "mode_icon",
    "status_color",
    "swatch_icon",
]
