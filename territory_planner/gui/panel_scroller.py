"""A dock's panel in a scroll area that scrolls only when the dock is smaller than the panel's minimum size.

Without it, a docked panel's minimum size adds up into the window's: the Budget panel's controls alone made the
main window 838 px tall, so at 1280×720 its bottom docks' tabs and the status bar fell off the screen (issue 16 §1).
Qt's ``QScrollArea`` with ``widgetResizable`` is not enough: for a panel with word-wrapped labels it sizes the panel
to its preferred height for the width, and shows a second scroll bar beside the panel's own table or tree whenever
the dock is shorter than that. Here the panel fills the dock and only grows past it down to its minimum size.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QStyle, QWidget

#: The smallest a dock's scroll area asks to be (the panel scrolls inside it below its own minimum).
SCROLLER_MINIMUM = QSize(80, 60)


class PanelScroller(QScrollArea):
    """Holds one panel: the panel is the viewport's size, or its own minimum size where that is larger."""

    def __init__(self, panel: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setWidget(panel)
        panel.installEventFilter(self)  # the panel's minimum changes (rows of controls shown or hidden): fit again

    def panel(self) -> QWidget:
        widget = self.widget()
        assert widget is not None
        return widget

    def sizeHint(self) -> QSize:
        return self.panel().sizeHint()

    def minimumSizeHint(self) -> QSize:
        return SCROLLER_MINIMUM

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(watched, event)

    def fit(self) -> None:
        """Size the panel to the room there is (the area less any scroll bar its minimum size makes necessary)."""
        panel = self.panel()
        minimum = panel.minimumSizeHint().expandedTo(panel.minimumSize())
        room = self.contentsRect().size()  # the whole area (no frame), whichever bars show now
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width, height = room.width(), room.height()
        vertical = minimum.height() > height
        horizontal = minimum.width() > width - (bar if vertical else 0)
        vertical = vertical or (horizontal and minimum.height() > height - bar)
        size = QSize(
            max(width - (bar if vertical else 0), minimum.width()),
            max(height - (bar if horizontal else 0), minimum.height()),
        )
        # Decided here, not by Qt: once shown, a bar shrinks the viewport below a panel sized to the whole area,
        # and Qt's "as needed" would then keep it for good.
        self.setVerticalScrollBarPolicy(_policy(vertical))
        self.setHorizontalScrollBarPolicy(_policy(horizontal))
        if panel.size() != size:
            panel.resize(size)


def _policy(needed: bool) -> Qt.ScrollBarPolicy:
    return Qt.ScrollBarPolicy.ScrollBarAlwaysOn if needed else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
