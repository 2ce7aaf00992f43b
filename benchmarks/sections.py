"""Benchmarks of the exports, the accounts import and the map (each section runs only if its parts import)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from territory_planner.domain import Plan

from .common import Record, record, time_runs


def bench_exports(plan: Plan, layer_name: str, runs: int) -> list[Record]:
    """HTML map, PDF report and GeoPackage of the baseline, each written on its own."""
    from territory_planner.services.export import export_pack

    n_units, n_terr = len(plan.layer), len(plan.scenario().territories)
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, name in (("html", "map.html"), ("pdf", "report.pdf"), ("gpkg", "pack.gpkg")):
            target = Path(folder) / name
            action = partial(export_pack, plan, ["baseline"], **{kind: target})
            times = time_runs(action, min(runs, 3))
            rec = record(f"export {kind}", layer_name, n_units, n_terr, times)
            out.append(rec)
            if kind == "html":
                print(f"   (HTML file {target.stat().st_size / 1e6:.1f} MB)")
    return out


def bench_map_view(plan: Plan, layer_name: str, runs: int) -> list[Record]:
    """The desktop map: building it, a full frame at fit-to-window, and edit-to-repaint of 1 and 200 units."""
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from territory_planner.gui.map_view import MapView

    from .bench_map import blob, settle, until_painted

    app = QApplication.instance() or QApplication([])
    layer, scenario = plan.layer, plan.scenario()
    names = list(scenario.territories)
    codes = np.array([names.index(scenario.assignment[u]) if u in scenario.assignment else -1 for u in layer.unit_ids])
    n_units, n_terr = len(layer), len(names)
    view = MapView()
    view.resize(1400, 860)
    view.show()
    app.processEvents()
    build = time_runs(lambda: view.set_layer(layer), min(runs, 2))
    view.set_territory_state(
        codes, [t.color for t in scenario.territories.values()], names, ["funded"] * n_terr, [False] * n_terr
    )
    view.wait_for_raster()
    view.zoom_to_fit()
    settle(app, 0.5)
    frame = time_runs(view.viewport().repaint, runs)
    out = [
        record("map: build from layer", layer_name, n_units, n_terr, build),
        record("map: full frame at fit-to-window", layer_name, n_units, n_terr, frame),
    ]
    rng = np.random.default_rng(3)
    for size in (1, 200):
        times = []
        for i in range(runs):
            seed = int(rng.integers(0, n_units))
            units = blob(view, seed, size)
            new = np.full(len(units), (i + 1) % n_terr)
            times.append(until_painted(app, view, lambda u=units, c=new: view.update_units(u, c))[1] * 1000)
        out.append(record(f"map: repaint after {size}-unit edit", layer_name, n_units, n_terr, times))
    view.close()
    view.deleteLater()
    app.processEvents()
    return out


def bench_window(plan: Plan, layer_name: str, runs: int) -> list[Record]:
    """The whole desktop window: opening the plan to a drawn map, and a 50-unit paint stroke to updated views
    (map, tables, summary and flags), on the GUI thread."""
    import time

    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication

    from territory_planner.gui.document import PlanDocument
    from territory_planner.gui.main_window import MainWindow
    from territory_planner.services.autosave import RecoveryStore
    from territory_planner.services.workspace import Workspace

    from .core import SOURCE, TARGET, border_units

    app = QApplication.instance() or QApplication([])
    n_units, n_terr = len(plan.layer), len(plan.scenario().territories)
    opened, strokes = [], []
    painted: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
        workspace = Workspace(Path(folder) / "user")
        for _ in range(min(runs, 3)):
            copy = plan.deepcopy()
            window = MainWindow(workspace, recovery=RecoveryStore(workspace.recovery_dir))
            window._closing_ok = True
            window.resize(1600, 1000)
            painted.clear()
            window.map.painted.connect(lambda: painted.append(time.perf_counter()))
            start = time.perf_counter()
            window.set_document(PlanDocument(copy, None))
            window.refresh_now()
            window.show()
            while not painted and time.perf_counter() - start < 30:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            opened.append((time.perf_counter() - start) * 1000)
            window.map.wait_for_raster()
            units = border_units(copy, SOURCE, TARGET, 50)
            window.territories.select(TARGET)
            for forward in (True, False):
                window.territories.select(TARGET if forward else SOURCE)
                painted.clear()
                start = time.perf_counter()
                window.map.stroke_finished.emit(units)
                window.refresh_now()
                while not painted and time.perf_counter() - start < 10:
                    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
                strokes.append((time.perf_counter() - start) * 1000)
            window.close()
            window.deleteLater()
            app.processEvents()
    return [
        record("window: open plan to drawn map", layer_name, n_units, n_terr, opened),
        record("window: 50-unit stroke to updated views", layer_name, n_units, n_terr, strokes),
    ]


def optional_sections(plan: Plan, layer_name: str, runs: int) -> list[tuple[str, Callable[[], list[Record]]]]:
    from . import bench_accounts

    sections: list[tuple[str, Callable[[], list[Record]]]] = [
        ("exports", partial(bench_exports, plan, layer_name, runs)),
        ("accounts", partial(bench_accounts.suite_section, plan, layer_name, runs)),
    ]
    from . import bench_build

    sections.append(("build", partial(bench_build.suite_section, plan, layer_name, runs)))
    from . import bench_solve

    sections.append(("solve", partial(bench_solve.suite_section, plan, layer_name, runs)))
    from . import bench_risk

    sections.append(("risk", partial(bench_risk.suite_section, plan, layer_name, runs)))
    if layer_name == "us-zips":  # a layer-independent build: once per suite run
        from . import bench_zcta

        sections.append(("build-zcta", partial(bench_zcta.suite_section, runs, layer_name)))
    sections.append(("map", partial(bench_map_view, plan, layer_name, runs)))
    sections.append(("window", partial(bench_window, plan, layer_name, runs)))
    return sections
