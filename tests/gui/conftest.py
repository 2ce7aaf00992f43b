"""GUI test set-up: offscreen Qt, settings and user folders in a temporary directory, no network, and real
services on a copy of the demo plan (built once per session)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from territory_planner.domain import Plan
from territory_planner.services.autosave import RecoveryStore
from territory_planner.services.workspace import Workspace


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs and QSettings point into the test's temporary folder."""
    home = tmp_path / "home"
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        folder = home / sub
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(folder))
    settings_dir = tmp_path / "settings"
    settings_dir.mkdir()
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(settings_dir))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(settings_dir / "system"))
    return home


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """GUI tests never reach the network (loopback and local sockets stay allowed)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"GUI tests must not use the network (tried {address!r})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def no_modal_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question box that a test did not expect fails the test instead of hanging it."""

    def unexpected(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"Unexpected question box: {args[1:3]}")

    monkeypatch.setattr(QMessageBox, "question", staticmethod(unexpected))


@pytest.fixture
def accept_recovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """At start-up the crash-recovery dialog answers "recover the newest copy" without being shown."""
    from territory_planner.gui import app as app_module

    class Accepting:
        def __init__(self, entries: list[Any], parent: Any) -> None:
            self.entries = entries
            self.discard_all = False

        def exec(self) -> int:
            return 1

        def chosen(self) -> Any:
            return self.entries[0]

    monkeypatch.setattr(app_module, "RecoveryDialog", Accepting)


@pytest.fixture(scope="session")
def demo_master() -> Plan:
    from territory_planner.services.demo import build_demo_plan

    return build_demo_plan()


@pytest.fixture
def demo_plan(demo_master: Plan) -> Plan:
    """A fresh copy of the demo plan (scenarios copied; the read-only layer shared)."""
    return demo_master.deepcopy()


@pytest.fixture
def map_class() -> Any:
    from territory_planner.gui.map_view import MapView

    return MapView


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "userdata")


@pytest.fixture
def window(qtbot: Any, workspace: Workspace, map_class: Any, tmp_path: Path) -> Iterator[Any]:
    """A main window (not shown) with nothing open, settings in the test's folder."""
    from territory_planner.gui.main_window import MainWindow
    from territory_planner.gui.settings import app_settings

    win = MainWindow(
        workspace,
        map_factory=lambda parent: map_class(parent),
        settings=app_settings(),
        recovery=RecoveryStore(workspace.recovery_dir),
    )
    yield win
    win._closing_ok = True  # never ask about unsaved test edits when the test ends
    win.runner.wait(10_000)
    if win.scenarios.compare_window is not None:
        win.scenarios.compare_window.close()
    win.close()
    win.deleteLater()


@pytest.fixture
def opened(window: Any, demo_plan: Plan, tmp_path: Path, qtbot: Any) -> Any:
    """The main window showing a copy of the demo plan (stored at tmp_path/plan.tplan once saved), its territory
    labels placed (a large layer places them once the event loop is free)."""
    from territory_planner.gui.document import PlanDocument

    window.set_document(PlanDocument(demo_plan, str(tmp_path / "plan.tplan")))
    window.refresh_now()
    qtbot.waitUntil(lambda: not window.map.labels_pending(), timeout=10_000)
    return window
