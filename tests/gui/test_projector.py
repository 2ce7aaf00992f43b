"""The window on projector screens (1280x720, 1366x768, and 1920x1080 at 150 % scaling, i.e. 1280x720 logical
pixels): summary badges and figures read in full, the painting controls stay reachable, a long scenario name is
elided with a tooltip, and the verdict shows whole. Asserts on geometry and font metrics, as a person would see."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from territory_planner.domain.commands import CopyScenario, RenameScenario

# (width, height) in logical pixels; 1920x1080 at QT_SCALE_FACTOR=1.5 lays out as 1280x720.
SCREENS = {"1280x720": (1280, 720), "1366x768": (1366, 768), "1920x1080@150%": (1280, 720)}
LONG_NAME = "Hire 4, fund Texas and New England"


def _show_at(qtbot: Any, win: Any, size: tuple[int, int]) -> None:
    win.show()
    qtbot.waitExposed(win)
    win.resize(*size)
    qtbot.waitUntil(lambda: win.width() == size[0])
    for _ in range(3):  # let tool bars and the strip settle their rows
        QApplication.processEvents()


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _plain_width(label: QLabel) -> int:
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setHtml(label.text())
    return int(QFontMetrics(label.font()).horizontalAdvance(doc.toPlainText()))


def _fully_shown(label: QLabel, strip: QWidget) -> None:
    assert label.isVisible(), label.text()
    assert label.contentsRect().width() >= _plain_width(label), f"{label.text()!r} is cut off"
    assert strip.rect().contains(_rect_in(label, strip)), f"{label.text()!r} lies outside the strip"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_summary_strip_reads_in_full(qtbot: Any, opened: Any, screen: str) -> None:
    win = opened
    _show_at(qtbot, win, SCREENS[screen])
    strip = win.summary
    qtbot.waitUntil(lambda: strip.height() >= strip.heightForWidth(strip.width()))
    for chip in strip.chips.values():
        if chip.isVisibleTo(strip):
            _fully_shown(chip, strip)
            assert chip.width() >= chip.sizeHint().width()
    for label in (strip.scenario_label, strip.hires_label, strip.spend_label, strip.hours_label):
        _fully_shown(label, strip)
    verdict = strip.verdict_label
    assert verdict.height() >= verdict.heightForWidth(verdict.width()), "the verdict is cut off"
    assert strip.rect().contains(_rect_in(verdict, strip))


@pytest.mark.parametrize("screen", list(SCREENS))
def test_paint_into_and_repaint_stay_reachable(qtbot: Any, opened: Any, screen: str) -> None:
    win = opened
    _show_at(qtbot, win, SCREENS[screen])
    for control in (win.paint.paint_combo, win.paint.source_combo, win.scenarios.combo, win.colours.combo):
        assert control.isVisible()
        assert win.rect().contains(_rect_in(control, win)), "a tool bar control is off the window's edge"
        assert control.width() >= control.minimumSizeHint().width()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_territory_table_headers_are_readable(qtbot: Any, opened: Any, screen: str) -> None:
    win = opened
    _show_at(qtbot, win, SCREENS[screen])
    view = win.territories.view
    header = view.horizontalHeader()
    metrics = QFontMetrics(header.font())
    model = view.model()
    for column in range(model.columnCount()):
        if header.isSectionHidden(column):
            continue
        text = str(model.headerData(column, header.orientation()) or "")
        assert header.sectionSize(column) >= metrics.horizontalAdvance(text), f"column {text!r} is too narrow"


def test_long_scenario_name_is_elided_with_a_tooltip_not_the_numbers(qtbot: Any, opened: Any) -> None:
    win = opened
    if LONG_NAME not in win.document.plan.scenarios:  # the demo plan has it; build it otherwise
        assert win.document.execute(CopyScenario("baseline", LONG_NAME))
    win.document.switch_scenario(LONG_NAME)
    win.refresh_now()
    _show_at(qtbot, win, SCREENS["1280x720"])
    strip = win.summary
    label = strip.scenario_label
    metrics = QFontMetrics(label.font())
    if metrics.horizontalAdvance(LONG_NAME) > strip.name_limit(metrics):
        assert label.text() != LONG_NAME and label.text().endswith("…")
        assert label.toolTip() == LONG_NAME
    else:
        assert label.text() == LONG_NAME
    for widget in (*[c for c in strip.chips.values() if c.isVisibleTo(strip)], strip.spend_label):
        _fully_shown(widget, strip)
    # A name too long for any strip is elided, with the whole name in the tooltip, and the numbers still show.
    longer = f"{LONG_NAME}, then hire 6 more in the Midwest and the South-East before Q3"
    assert win.document.execute(RenameScenario(LONG_NAME, longer))
    win.refresh_now()
    assert strip.scenario_name == longer
    assert label.text() != longer and label.text().endswith("…")
    assert label.toolTip() == longer
    assert QFontMetrics(label.font()).horizontalAdvance(label.text()) <= strip.name_limit(metrics)
    for widget in (*[c for c in strip.chips.values() if c.isVisibleTo(strip)], strip.spend_label):
        _fully_shown(widget, strip)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_whole_window_fits_the_screen_and_tall_panels_scroll(qtbot: Any, opened: Any, screen: str) -> None:
    from PySide6.QtWidgets import QTabBar

    win = opened
    width, height = SCREENS[screen]
    minimum = win.minimumSizeHint()
    assert minimum.height() <= height and minimum.width() <= width  # the docked panels' minimums did not add up
    _show_at(qtbot, win, (width, height))
    qtbot.waitUntil(lambda: win.height() == height)
    window = win.rect()
    assert window.contains(_rect_in(win.statusBar(), win)), "the status bar is off the screen"
    tabs = [bar for bar in win.findChildren(QTabBar) if "Budget" in [bar.tabText(i) for i in range(bar.count())]]
    assert tabs and window.contains(_rect_in(tabs[0], win)), "the bottom docks' tabs are off the screen"
    for dock in (win.budget_dock, win.territories_dock, win.marketing_dock, win.flags_dock, win.comments_dock):
        dock.raise_()
        qtbot.waitUntil(lambda dock=dock: not dock.visibleRegion().isEmpty())
        assert window.contains(_rect_in(dock, win))
        scroller = dock.widget()
        panel = scroller.widget()
        panel_minimum = panel.minimumSizeHint()
        room = scroller.contentsRect().size()

        def settled(scroller: Any = scroller, panel: Any = panel, minimum: Any = panel_minimum) -> bool:
            view = scroller.viewport().size()
            return panel.width() == max(view.width(), minimum.width()) and panel.height() == max(
                view.height(), minimum.height()
            )

        qtbot.waitUntil(settled)  # never squeezed below its minimum, and filling the dock otherwise
        view = scroller.viewport().size()
        for bar, excess in (
            (scroller.verticalScrollBar(), panel.height() - view.height()),
            (scroller.horizontalScrollBar(), panel.width() - view.width()),
        ):
            assert bar.isVisible() == (excess > 0) and bar.maximum() == max(0, excess)  # all of it reachable
        if panel_minimum.width() <= room.width() and panel_minimum.height() <= room.height():
            assert panel.size() == room, f"{dock.windowTitle()} shows a scroll bar it does not need"
