"""Painting in the main window: the map tool, the territory painted into, the repaint filter, locks, the selection.

Owns the toolbar's tool buttons, brush size, "Paint by" level, "Paint into" and "Repaint" choices and the status
line's unit count, and turns a finished stroke, lasso or selection into one undoable assignment (refusing locked
territories). In a layer whose units carry parents (a ZIP code's county and state) the level switch makes the
tools take every unit of the counties or states they touch (domain/parents.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from ..domain.commands import RenameTerritory, lock_refusal
from ..domain.formatting import count, plural_noun
from ..domain.parents import UNIT_LEVEL, UnitParents
from ..geo.parents import layer_parents
from .assumptions_panel import AssumptionsPanel
from .messages import Messenger
from .model_base import plural
from .protocols import MapWidget, WindowHost
from .sellers_panel import SellersPanel
from .territories_panel import TerritoriesPanel
from .territory_state import UNASSIGNED
from .theme import mode_icon, swatch_icon

#: The map tools offered: (tool name, button text, shortcut).
MODES = (("select", "Select", "1"), ("lasso", "Lasso", "2"), ("paint", "Paint", "3"), ("pan", "Pan", "4"))
#: The "Paint into" entry that unassigns units.
ERASER = "\x00unassign"


class PaintController(QObject):
    """The paint target, the repaint filter and the selection of one window's map."""

    def __init__(
        self,
        host: WindowHost,
        map_widget: MapWidget,
        territories: TerritoriesPanel,
        sellers: SellersPanel,
        assumptions: AssumptionsPanel,
        messages: Messenger,
        settings: QSettings,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._host = host
        self._map = map_widget
        self._territories = territories
        self._sellers = sellers
        self._assumptions = assumptions
        self._messages = messages
        self._active_territory: str | None = None
        self._selection: list[str] = []
        self._reselect: str | None = None
        self._target_renamed: str | None = None
        self._combo_entries: tuple[str, tuple[tuple[str, str, bool], ...]] | None = (
            None  # what the paint lists were last filled from
        )

        self.mode_group = QActionGroup(window)
        self.mode_actions: dict[str, QAction] = {}
        for mode, text, key in MODES:
            action = QAction(mode_icon(mode), text, window)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(key))
            action.setToolTip(f"{text} ({key})")
            action.triggered.connect(lambda _c=False, m=mode: self.set_mode(m))
            self.mode_group.addAction(action)
            window.addAction(action)
            self.mode_actions[mode] = action
        self.mode_actions["select"].setChecked(True)

        self.brush_spin = QSpinBox()
        self.brush_spin.setRange(2, 120)
        self.brush_spin.setSuffix(" px")
        self.brush_spin.setValue(int(str(settings.value("map/brush", 18))))
        self.brush_spin.setToolTip("Brush size for painting")
        self.brush_spin.valueChanged.connect(self._on_brush_spin_changed)
        self.paint_combo = QComboBox()
        self.paint_combo.setMinimumWidth(190)
        self.paint_combo.setPlaceholderText("select a territory")
        self.paint_combo.setToolTip("The territory painting and lasso assign to (the selected territory)")
        self.paint_combo.activated.connect(self._on_paint_combo_activated)
        self.source_combo = QComboBox()
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.source_combo.setToolTip("Which units a stroke may take; locked territories are never repainted")
        self.source_combo.activated.connect(lambda _i: self.update_paint_filter())
        self.units_label = QLabel()

        # "Paint by": the level the paint, lasso and select tools work at (ZIP codes, counties, states).
        self._parents: UnitParents | None = None
        self._parents_of: object = None  # the layer the parent codes were computed for
        self.level_combo = QComboBox()
        self.level_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.level_combo.setToolTip("Paint, lasso and select whole counties or states: every unit of each one touched")
        self.level_combo.activated.connect(lambda _i: self.set_level(self.level_combo.currentData() or UNIT_LEVEL))
        self.level_box = QWidget()
        level_layout = QHBoxLayout(self.level_box)
        level_layout.setContentsMargins(0, 0, 0, 0)
        level_layout.addWidget(QLabel("Paint by"))
        level_layout.addWidget(self.level_combo)
        #: The tool bar's action holding :attr:`level_box` (set by gui/actions.py): hidden for a layer without parents.
        self.level_action: QAction | None = None

        map_widget.stroke_finished.connect(self._on_map_stroke_finished)
        map_widget.selection_changed.connect(self._on_map_selection_changed)
        territories.active_territory_changed.connect(self._on_territories_active_changed)
        territories.territory_chosen.connect(self._on_territory_chosen)
        sellers.seller_selected.connect(self._on_sellers_selected)

    # -- the window's document -------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Another plan is shown: no territory is active; the levels are those of its layer."""
        self._active_territory = None
        self._fill_level_combo()

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.paint_combo, self.source_combo):
            widget.setEnabled(enabled)
        self.level_combo.setEnabled(enabled and bool(self.parents()))

    # -- level: units, counties or states ---------------------------------------------------------------------------
    def parents(self) -> UnitParents | None:
        """The parent levels of the shown layer (computed once per layer), or None without a plan."""
        doc = self._host.document
        if doc is None:
            self._parents, self._parents_of = None, None
            return None
        layer = doc.plan.layer
        if self._parents is None or self._parents_of is not layer or self._parents.n != len(layer):
            self._parents, self._parents_of = layer_parents(layer), layer
        return self._parents

    def _fill_level_combo(self) -> None:
        combo = self.level_combo
        current = combo.currentData() or UNIT_LEVEL
        combo.blockSignals(True)
        combo.clear()
        parents = self.parents()
        doc = self._host.document
        noun = plural_noun(doc.plan.layer.unit_noun) if doc is not None else "units"
        combo.addItem(noun[:1].upper() + noun[1:], UNIT_LEVEL)
        for level in parents.levels if parents else ():
            combo.addItem(plural_noun(level).capitalize(), level)
        combo.blockSignals(False)
        has_levels = bool(parents)
        combo.setEnabled(has_levels)
        if self.level_action is not None:
            self.level_action.setVisible(has_levels)
        self.set_level(current if combo.findData(current) >= 0 else UNIT_LEVEL)

    def level(self) -> str:
        """The level the tools work at: ``unit`` or a parent level (``county``, ``state``)."""
        return str(self.level_combo.currentData() or UNIT_LEVEL)

    def set_level(self, level: str) -> None:
        """Make the paint, lasso and select tools take whole counties or states (``unit``: the units themselves)."""
        idx = self.level_combo.findData(level)
        if idx < 0:
            raise ValueError(f"This plan's map has no '{level}' level.")
        self.level_combo.setCurrentIndex(idx)
        parents = self.parents()
        set_expander = getattr(self._map, "set_unit_expander", None)
        if set_expander is None:
            return
        if level == UNIT_LEVEL or parents is None:
            set_expander(None)
        else:
            set_expander(lambda positions, p=parents, lv=level: p.expand(positions, lv))

    def note_command(self, command: object) -> None:
        """Keep the active territory selected when a command renames it."""
        if isinstance(command, RenameTerritory):
            if command.name == self._active_territory:
                self._reselect = command.new_name.strip()
            if command.name == self.paint_combo.currentData():
                self._target_renamed = command.new_name.strip()  # the target follows its rename

    def take_reselect(self) -> str | None:
        """The territory to select again after a refresh (once)."""
        name, self._reselect = self._reselect, None
        return name

    # -- tools -----------------------------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.mode_actions[mode].setChecked(True)
        self._map.set_mode(mode)
        if mode in ("paint", "lasso") and self._active_territory is None and self.paint_combo.currentData() is None:
            self._host.show_status("Choose the territory to paint into (select its row).", 6000)

    def _on_brush_spin_changed(self, value: int) -> None:
        self._map.set_brush_radius(value)

    # -- paint target and repaint filter ---------------------------------------------------------------------------
    def fill_paint_combo(self) -> None:
        doc = self._host.document
        entries = (
            None
            if doc is None
            else (
                doc.plan.layer.unit_noun,
                tuple((t.name, t.color, t.locked) for t in doc.scenario.territories.values()),
            )
        )
        if entries == self._combo_entries and self._target_renamed is None and self.paint_combo.count():
            return  # an edit that changed no territory's name, colour or lock: the lists are as they were
        self._combo_entries = entries
        combo = self.paint_combo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        doc = self._host.document
        if doc is not None:
            for t in doc.scenario.territories.values():
                combo.addItem(swatch_icon(t.color), t.name + ("  (locked)" if t.locked else ""), t.name)
            combo.addItem("Unassigned (eraser)", ERASER)
        # Only the person changes the target: it stays what it was (renamed with its territory, or none once its
        # territory is deleted, so the next stroke asks instead of painting into another one).
        wanted, self._target_renamed = self._target_renamed or current, None
        idx = combo.findData(wanted) if wanted is not None else -1
        combo.setCurrentIndex(idx)
        combo.blockSignals(False)
        if current not in (None, ERASER) and idx < 0:
            self._host.show_status(f"{current} is gone: choose the territory to paint into.", 6000)
        self._fill_source_combo()

    def _fill_source_combo(self) -> None:
        combo = self.source_combo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        doc = self._host.document
        noun = plural(doc.plan.layer.unit_noun) if doc else "units"
        combo.addItem(f"any {noun}", "all")
        combo.addItem(f"unassigned {noun} only", "unassigned")
        if doc is not None:
            for name in doc.scenario.territories:
                combo.addItem(f"only from {name}", f"territory:{name}")
        idx = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, idx))
        combo.blockSignals(False)

    def _on_paint_combo_activated(self, index: int) -> None:
        data = self.paint_combo.itemData(index)
        if data == ERASER:
            self._map.set_active_color("#ffffff")
            return
        if data:
            self.set_paint_target(data)
            self._territories.select(data)

    def set_paint_target(self, territory: str | None) -> None:
        """The person's choice of where painting goes (a territory, or None for the eraser)."""
        combo = self.paint_combo
        idx = combo.findData(ERASER if territory is None else territory)
        if idx < 0 and territory is not None:
            self.fill_paint_combo()
            idx = combo.findData(territory)
        if idx < 0:
            return
        combo.setCurrentIndex(idx)
        doc = self._host.document
        t = doc.scenario.territories.get(territory) if doc is not None and territory else None
        self._map.set_active_color(t.color if t is not None else "#ffffff")

    def _on_territory_chosen(self, name: str) -> None:
        if name != self.paint_combo.currentData():
            self.set_paint_target(name)
            self._host.show_status(f"Painting into {name}", 3000)

    def paint_target(self) -> tuple[bool, str | None]:
        """(is there a target, the territory or None for the eraser)."""
        data = self.paint_combo.currentData()
        if data == ERASER:
            return True, None
        if data:
            return True, data
        return False, None

    def paint_source(self) -> tuple[str, str | None]:
        """Which units a stroke may take: ("all" | "unassigned" | "territory", territory name)."""
        data = self.source_combo.currentData() or "all"
        if data.startswith("territory:"):
            return "territory", data[len("territory:") :]
        return data, None

    def set_paint_source(self, source: str, territory: str | None = None) -> None:
        key = f"territory:{territory}" if source == "territory" else source
        self.source_combo.setCurrentIndex(max(0, self.source_combo.findData(key)))
        self.update_paint_filter()

    def update_paint_filter(self) -> None:
        state = self._host.state
        if state is None:
            return
        self._map.set_paint_filter(state.paint_filter(*self.paint_source()))

    def _on_territories_active_changed(self, name: object) -> None:
        self._active_territory = name if isinstance(name, str) else None
        doc = self._host.document
        if doc is None:
            return
        self._sellers.default_territory = self._active_territory
        state = self._host.state
        if self._active_territory and state is not None:
            self._map.highlight_units(state.unit_ids_of(self._active_territory))
            self._assumptions.show_level("territory", self._active_territory)
        else:
            self._map.highlight_units([])

    def _on_sellers_selected(self, name: object) -> None:
        doc = self._host.document
        state = self._host.state
        if doc is None or not isinstance(name, str) or state is None:
            return
        seller = doc.scenario.sellers.get(name)
        if seller is not None and seller.territory:
            self._map.highlight_units(state.unit_ids_of(seller.territory))

    # -- strokes, lassos and the selection -------------------------------------------------------------------------
    def _to_unit_ids(self, items: list[Any]) -> list[str]:
        """The map reports unit ids; accept positions too (ints), to be robust to either."""
        doc = self._host.document
        if doc is None or not items:
            return []
        ids = doc.plan.layer.unit_ids
        if isinstance(items[0], int | np.integer):
            return [str(ids[int(p)]) for p in items]
        return [str(u) for u in items]

    def _on_map_stroke_finished(self, items: list[Any]) -> None:
        self.assign_units(self._to_unit_ids(list(items)))

    def assign_units(self, unit_ids: list[str]) -> bool:
        """Assign units (a stroke, a lasso or the selection) to the paint target as one undo entry.

        At a county or state level every unit of the counties or states the units are in goes (the map's tools
        already hand over whole counties; the selection and direct calls are widened here, by the same rule).
        """
        doc = self._host.document
        state = self._host.state
        if doc is None or state is None or not unit_ids:
            return False
        has_target, territory = self.paint_target()
        if not has_target:
            self._messages.error("Choose the territory to paint into first: select its row in Territories.")
            return False
        refused = lock_refusal(doc.scenario, ((territory, ()),), doc.plan.layer.unit_noun)
        if territory is not None and refused:
            self._messages.error(refused)
            return False
        layer = doc.plan.layer
        positions = layer.positions(unit_ids)
        level, parents = self.level(), self.parents()
        if level != UNIT_LEVEL and parents is not None:
            positions = parents.expand(positions, level)
        allowed = state.paint_filter(*self.paint_source())(positions)
        target_code = state.code_of(territory)
        moving = allowed & (state.codes[positions] != target_code)
        chosen = [str(u) for u in layer.unit_ids[positions[moving]]]
        if chosen and level != UNIT_LEVEL and parents is not None:
            n_parents = len(parents.parents_of(level, positions[moving]))
            where = "the eraser" if territory is None else territory
            self._host.show_status(
                f"{count(n_parents, level, plural_noun(level))}: {state.noun(len(chosen))} into {where}", 4000
            )
        if not chosen:
            skipped = int((~allowed).sum())
            if skipped:
                self._host.show_status(
                    f"Nothing repainted: {state.noun(skipped)} are locked or outside the repaint filter.", 6000
                )
            return False
        return doc.assign_units(chosen, territory)

    def assign_selection(self) -> None:
        if self._selection:
            self.assign_units(self._selection)

    def _on_map_selection_changed(self, items: list[Any]) -> None:
        self._selection = self._to_unit_ids(list(items))
        doc = self._host.document
        if doc is None:
            return
        if self._selection and self.mode_actions["lasso"].isChecked() and self.paint_target()[0]:
            # A lasso is a paint gesture: what it encloses goes straight into the paint territory.
            selection, self._selection = self._selection, []
            self.assign_units(selection)
            self._map.clear_selection()
            return
        if not self._selection:
            self.update_units_label()
            return
        layer = doc.plan.layer
        n = len(self._selection)
        state = self._host.state
        text = f"{state.noun(n) if state else n} selected"
        if layer.potential_column:
            total = float(layer.units.loc[self._selection, layer.potential_column].fillna(0).sum())
            text += f" · {layer.potential_column.replace('_', ' ')} {total:,.0f}"
        self.units_label.setText(text + "  —  Ctrl+Enter assigns them to the paint territory")

    def update_units_label(self) -> None:
        state = self._host.state
        if state is None:
            self.units_label.setText("")
            return
        n_open = int((state.codes == UNASSIGNED).sum())
        self.units_label.setText(f"{state.noun(len(state.codes))} · {n_open:,} not in a territory")


__all__ = ["ERASER", "MODES", "PaintController"]
