"""A paint stroke repaints only what it changed (issue 16 §4): the window's views are updated in place.

Each test pins one of the costs the ZIP-scale profile found on every stroke: the territories table measuring every
cell, the flags tree rebuilt and re-expanded, the paint lists refilled, every seller marker removed and re-added, the
highlight outline of the whole territory redrawn. The figures are in benchmarks/ ("window: ..." records).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QHeaderView

from territory_planner.domain.commands import RecolourTerritory
from territory_planner.gui.map_scene import HIGHLIGHT
from territory_planner.gui.map_view import MapView
from territory_planner.gui.model_base import KEY_ROLE
from territory_planner.gui.panel_base import FIT_COLUMNS_AFTER_MS
from tests.plan_builders import grid_layer


def _border_moves(win: Any) -> list[tuple[str, str, str]]:
    """Units of the demo's Texas that border another territory: (unit, that territory, "Texas")."""
    scenario = win.document.scenario
    layer = win.document.plan.layer
    texas = set(scenario.units_of("Texas"))
    moves = []
    for a, b in layer.adjacency.tolist():
        for inside, outside in ((layer.unit_ids[a], layer.unit_ids[b]), (layer.unit_ids[b], layer.unit_ids[a])):
            if inside in texas and scenario.assignment.get(outside) not in (None, "Texas"):
                moves.append((inside, scenario.assignment[outside], "Texas"))
    assert moves, "the demo's Texas borders no other territory"
    return moves


def _moved_unit(win: Any) -> tuple[str, str, str]:
    return _border_moves(win)[0]


def _count(signal: Any) -> list[int]:
    seen = [0]
    signal.connect(lambda *_: seen.__setitem__(0, seen[0] + 1))
    return seen


def test_a_stroke_rewrites_flag_texts_in_place_and_keeps_the_paint_lists(opened: Any) -> None:
    win = opened
    flags_model = win.flags.model
    before = [(f.code, f.subject) for f in flags_model.all_flags()]
    for unit, other, texas in _border_moves(win):  # noqa: B007 (texas is used below) — one that leaves the same problems (their figures may change)
        assert win.document.assign_units([unit], other)
        win.refresh_now()
        if [(f.code, f.subject) for f in flags_model.all_flags()] == before:
            break
        win.document.undo_stack.undo()
        win.refresh_now()
    else:
        raise AssertionError("every move of a Texas border county changes the problems")
    win.document.undo_stack.undo()
    win.refresh_now()
    resets = _count(flags_model.modelReset)
    rows_removed = _count(flags_model.rowsRemoved)
    combo_removed = _count(win.paint.paint_combo.model().rowsRemoved)
    win.document.undo_stack.redo()
    win.refresh_now()
    after = [(f.code, f.subject) for f in flags_model.all_flags()]
    assert after == before, "this stroke should leave the same problems (the test needs it)"
    assert resets == [0] and rows_removed == [0]  # the same problems: no row removed or re-added
    for group in range(flags_model.rowCount()):
        parent = flags_model.item(group)
        texts = [parent.child(i).text() for i in range(parent.rowCount())]
        severity = parent.data(KEY_ROLE)
        assert texts == [f.message for f in flags_model.all_flags() if f.severity == severity]  # texts current
    assert combo_removed == [0]  # no territory was renamed, recoloured or locked: the list is as it was
    # A change that does alter the list refills it.
    win.document.execute(RecolourTerritory(win.document.scenario_name, texas, "#123456"))
    win.refresh_now()
    assert combo_removed[0] > 0


def test_seller_markers_stay_put_unless_their_territory_moved(opened: Any) -> None:
    win = opened
    markers = win.markers
    before = {item.marker.seller: item for item in markers.items()}
    positions = {name: item.pos() for name, item in before.items()}
    assert before, "the demo plan has sellers on the map"
    unit, other, texas = _moved_unit(win)
    assert win.document.assign_units([unit], other)
    win.refresh_now()
    after = {item.marker.seller: item for item in markers.items()}
    assert set(after) == set(before)
    for name, item in after.items():
        assert item is before[name]  # the same item, moved at most
        if item.marker.territory not in (other, texas):
            assert item.pos() == positions[name]


def test_territory_columns_fit_their_contents_once_edits_rest(opened: Any, qtbot: Any) -> None:
    panel = opened.territories
    header = panel.view.horizontalHeader()
    assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Interactive  # not measured on every change
    narrow = header.minimumSectionSize()
    header.resizeSection(1, narrow)
    assert header.sectionSize(1) == narrow
    model = panel.model
    model.dataChanged.emit(model.index(0, 0), model.index(0, model.columnCount() - 1))
    assert header.sectionSize(1) == narrow  # nothing measured at once
    qtbot.waitUntil(lambda: header.sectionSize(1) > narrow, timeout=FIT_COLUMNS_AFTER_MS * 5)
    wide = header.sectionSize(1) + 60
    header.resizeSection(1, wide)  # a width the person chose by dragging is kept
    model.dataChanged.emit(model.index(0, 0), model.index(0, model.columnCount() - 1))
    qtbot.wait(FIT_COLUMNS_AFTER_MS * 2)
    assert header.sectionSize(1) == wide


@pytest.fixture
def grid_view(qtbot: Any) -> MapView:
    view = MapView()
    qtbot.addWidget(view)
    view.resize(640, 480)
    view.show()
    qtbot.waitExposed(view)
    layer = grid_layer(8, 8)
    view.set_layer(layer)
    view.set_territory_state(np.full(len(layer), -1), ["#e15759"], ["North"], [None], [False])
    return view


def _outline(view: MapView) -> dict[int, tuple[float, float, float, float]]:
    items = view.unit_items().overlay_items
    shown = {}
    for (group, unit), item in items.items():
        if group == HIGHLIGHT and item.isVisible():
            r = item.path().boundingRect()
            shown[unit] = (round(r.x(), 6), round(r.y(), 6), round(r.width(), 6), round(r.height(), 6))
    return shown


def test_an_outline_redrawn_after_a_change_is_the_outline_drawn_afresh(grid_view: MapView, qtbot: Any) -> None:
    rng = np.random.default_rng(5)
    ids = [f"r{r}c{c}" for r in range(8) for c in range(8)]
    members = set(ids[:20])
    grid_view.highlight_units(sorted(members))
    for _ in range(12):
        flip = ids[int(rng.integers(0, len(ids)))]
        members ^= {flip}
        grid_view.highlight_units(sorted(members))
        fresh = MapView()
        qtbot.addWidget(fresh)
        fresh.set_layer(grid_layer(8, 8))
        fresh.set_territory_state(np.full(64, -1), ["#e15759"], ["North"], [None], [False])
        fresh.highlight_units(sorted(members))
        assert _outline(grid_view) == _outline(fresh)
        assert grid_view.highlighted_unit_count() == fresh.highlighted_unit_count()


def test_an_edit_repaints_only_the_territory_cells_it_changed(opened: Any) -> None:
    """A unit moved between two territories changes their unit counts and potential, not their names, colours,
    targets or allocations: only those cells are repainted (a styled cell costs about 0.2 ms to paint)."""
    win = opened
    model = win.territories.model
    unit, other, texas = _moved_unit(win)
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), a.column(), b.row(), b.column())))
    assert win.document.assign_units([unit], other)
    win.refresh_now()
    columns = model.COLUMNS
    rows = {model.row_of(texas), model.row_of(other)}
    assert changed and {r for r, _, r2, _ in changed} <= rows and all(r == r2 for r, _, r2, _ in changed)
    repainted = {columns[c] for _, first, _, last in changed for c in range(first, last + 1)}
    assert "units" in repainted and "potential" in repainted
    assert not repainted & {"name", "region", "color", "target", "allocated"}, repainted
    # every cell that shows something new was repainted: the rows' cells before and after differ only there
    win.document.undo_stack.undo()
    win.refresh_now()
    before = {name: model._cells(model._rows[model.row_of(name)]) for name in (texas, other)}
    changed.clear()
    win.document.undo_stack.redo()
    win.refresh_now()
    for name in (texas, other):
        row = model.row_of(name)
        after = model._cells(model._rows[row])
        differs = {c for c, (a, b) in enumerate(zip(before[name], after, strict=True)) if a != b}
        painted = {c for r, first, _, last in changed if r == row for c in range(first, last + 1)}
        assert differs <= painted, (name, differs, painted)


def test_a_status_change_repaints_the_status_cell(opened: Any) -> None:
    """Cells whose text stays but whose colour or icon changes (status, gap) are repainted too."""
    from territory_planner.gui.model_base import changed_runs

    assert changed_runs((1, 2, 3, 4), (1, 9, 9, 4)) == [(1, 3)]
    assert changed_runs((1, 2, 3, 4), (0, 2, 3, 5)) == [(0, 1), (3, 4)]
    assert changed_runs((1, 2), (1, 2)) == []
    win = opened
    model = win.territories.model
    row = model._rows[0]
    cells = model._cells(row)
    status = model.COLUMNS.index("status")
    result = row.result
    assert result is not None
    other = "funded" if result.status != "funded" else "unfunded"
    from dataclasses import replace

    moved = replace(row, result=replace(result, status=other))
    assert model._cells(moved)[status] != cells[status]


def test_the_summary_strip_asks_for_a_new_layout_only_when_its_rows_change(opened: Any, qtbot: Any) -> None:
    """Re-laying out the window costs about a millisecond a stroke; the strip still takes another row when a
    longer figure no longer fits beside the others."""
    win = opened
    win.show()
    qtbot.waitExposed(win)
    win.resize(1280, 720)
    strip = win.summary
    qtbot.waitUntil(lambda: win.height() == 720)
    strip.updateGeometry()  # the window's resizes can leave the strip a row taller than it needs until a relayout
    qtbot.waitUntil(lambda: strip.height() == strip.heightForWidth(strip.width()))
    unit, other, _ = _moved_unit(win)
    requests = [0]
    original = strip.updateGeometry

    def counted() -> None:
        requests[0] += 1
        original()

    strip.updateGeometry = counted  # type: ignore[method-assign]
    assert win.document.assign_units([unit], other)
    win.refresh_now()
    assert requests[0] == 0
    # a verdict long enough to need another row: the strip grows to show it whole
    report = win.document.report()
    long_verdict = report.verdict() + " " + "Every territory needs another look before the board meets." * 3

    class LongerVerdict:
        def __getattr__(self, name: str) -> Any:
            return getattr(report, name)

        def verdict(self) -> str:
            return long_verdict

    strip.set_report(LongerVerdict(), win.document.currency)  # type: ignore[arg-type]
    assert requests[0] == 1
    verdict = strip.verdict_label
    qtbot.waitUntil(lambda: verdict.height() >= verdict.heightForWidth(verdict.width()))
    assert strip.height() >= strip.heightForWidth(strip.width())


def test_panels_behind_another_docks_tab_refresh_when_shown_not_on_every_stroke(
    opened: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = opened
    win.show()
    qtbot.waitExposed(win)
    win.territories_dock.raise_()  # Sellers, Marketing, Assumptions and Budget sit behind its tab
    qtbot.waitUntil(lambda: win.marketing.visibleRegion().isEmpty())
    calls: list[str] = []
    for name in ("sellers", "marketing", "assumptions", "budget"):
        panel = getattr(win, name)
        real = panel.refresh
        monkeypatch.setattr(panel, "refresh", lambda real=real, name=name: (calls.append(name), real())[1])
    unit, other, _texas = _moved_unit(win)
    assert win.document.assign_units([unit], other)
    qtbot.waitUntil(lambda: not win._refresh_timer.isActive())  # the stroke's own refresh has run
    assert calls == []
    win.marketing_dock.raise_()
    qtbot.waitUntil(lambda: calls == ["marketing"])
    model = win.marketing.model
    assert model._rows == model._build()  # what it shows is the plan after the stroke
    win.refresh_now()  # tests and callers that ask for every view current get the hidden ones too
    assert sorted(calls[1:]) == ["assumptions", "budget", "marketing", "sellers"]


def test_a_flags_retext_signals_each_changed_row_once() -> None:
    from territory_planner.domain.checks import Flag
    from territory_planner.gui.flags_model import FlagsModel

    model = FlagsModel()
    first = [Flag("UNFUNDED", "blocking", "territory", t, f"{t} is $1k short") for t in ("Texas", "Ohio", "Utah")]
    model.set_flags(first)
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: changes.append((top.row(), bottom.row())))
    second = [first[0], Flag("UNFUNDED", "blocking", "territory", "Ohio", "Ohio is $2k short"), first[2]]
    assert model.set_flags(second) is False  # same rows: rewritten in place
    assert changes == [(1, 1)]
    ohio = model.item(0).child(1)
    assert (ohio.text(), ohio.toolTip()) == ("Ohio is $2k short", "UNFUNDED — Ohio is $2k short")


def test_a_resting_panel_behind_another_docks_tab_waits_until_its_tab_is_picked(opened: Any, qtbot: Any) -> None:
    from territory_planner.gui.panel_base import REFRESH_AFTER_MS

    win = opened
    win.show()
    qtbot.waitExposed(win)
    win.flags_dock.raise_()  # History and Comments sit behind the Flags tab
    qtbot.waitUntil(lambda: win.history.visibleRegion().isEmpty())
    resting = win.history._resting
    calls: list[int] = []
    real = resting._refresh
    resting._refresh = lambda: (calls.append(1), real())[1]
    unit, other, _texas = _moved_unit(win)
    assert win.document.assign_units([unit], other)
    qtbot.wait(REFRESH_AFTER_MS * 2)  # edits have rested: a panel in view would have refreshed by now
    assert calls == [] and resting.dirty
    win.history_dock.raise_()
    qtbot.waitUntil(lambda: calls == [1])
    assert not resting.dirty
