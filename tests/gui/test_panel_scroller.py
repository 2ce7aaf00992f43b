"""A docked panel scrolls only below its minimum size (gui/panel_scroller.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QTreeWidget, QVBoxLayout, QWidget

from territory_planner.gui.panel_scroller import SCROLLER_MINIMUM, PanelScroller


def _panel() -> QWidget:
    """Like the Flags panel: a word-wrapped note over a tree (its preferred height is far above its minimum)."""
    panel = QWidget()
    layout = QVBoxLayout(panel)
    note = QLabel("A note long enough to wrap onto several lines when the dock is narrow, like a panel's caption. " * 3)
    note.setWordWrap(True)
    layout.addWidget(note)
    layout.addWidget(QTreeWidget())
    return panel


def test_the_panel_fills_the_room_when_its_minimum_fits(qtbot: Any) -> None:
    panel = _panel()
    scroller = PanelScroller(panel)
    qtbot.addWidget(scroller)
    minimum = panel.minimumSizeHint()
    scroller.resize(minimum.width() + 40, minimum.height() + 10)  # less than preferred, more than minimum
    scroller.show()
    qtbot.waitExposed(scroller)
    assert panel.size() == scroller.viewport().size()
    assert scroller.verticalScrollBar().maximum() == 0  # no second scroll bar beside the tree's own


def test_below_its_minimum_the_panel_keeps_it_and_scrolls(qtbot: Any) -> None:
    panel = _panel()
    scroller = PanelScroller(panel)
    qtbot.addWidget(scroller)
    minimum = panel.minimumSizeHint()
    scroller.resize(minimum.width() + 60, minimum.height() // 2)
    scroller.show()
    qtbot.waitExposed(scroller)
    assert panel.height() == minimum.height()
    assert scroller.verticalScrollBar().maximum() == minimum.height() - scroller.viewport().height()
    assert scroller.horizontalScrollBar().maximum() == 0


def test_a_scroller_asks_for_its_panels_size_but_needs_little() -> None:
    panel = _panel()
    scroller = PanelScroller(panel)
    assert scroller.sizeHint() == panel.sizeHint()
    assert scroller.minimumSizeHint() == SCROLLER_MINIMUM


def test_a_panel_whose_minimum_grows_is_fitted_again(qtbot: Any) -> None:
    panel = _panel()
    scroller = PanelScroller(panel)
    qtbot.addWidget(scroller)
    scroller.resize(400, 400)
    scroller.show()
    qtbot.waitExposed(scroller)
    panel.setMinimumHeight(900)
    qtbot.waitUntil(lambda: panel.height() == 900)
    assert scroller.verticalScrollBar().maximum() > 0
