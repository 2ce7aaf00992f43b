"""Start-up: the one place where the desktop app is wired together (workspace, settings, task runner, recovery
store -> window -> plan).

``run(plan)`` is what ``territory-planner gui [PLAN]`` calls. With no plan it opens the last plan used, or on the
first run a writable copy of the demo plan in the user's data folder. Unsaved work left by a crash is offered back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from ..services.autosave import RecoveryEntry, RecoveryStore
from ..services.workspace import Workspace
from .dialogs import RecoveryDialog
from .main_window import MainWindow, default_map_factory
from .settings import APPLICATION, ORGANISATION, app_settings
from .theme import STYLE_SHEET
from .workers import TaskRunner

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the app's names (used by QSettings), style and fonts."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    style_application(app)
    return app


def style_application(app: QApplication) -> None:
    """The app's look: the Fusion style, a font of at least 10 pt and the style sheet (benchmarks use it too)."""
    app.setStyle("Fusion")
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)


def choose_recovery(
    store: RecoveryStore, parent: QWidget | None = None, dialog_factory: type[RecoveryDialog] | None = None
) -> RecoveryEntry | None:
    """Offer the recovery copies a crash left behind; returns the one to open (or None)."""
    orphans = store.orphans()
    if not orphans:
        return None
    dialog = (dialog_factory or RecoveryDialog)(orphans, parent)
    if dialog.exec():
        return dialog.chosen()
    if dialog.discard_all:
        for entry in orphans:
            store.discard(entry.key)
    return None


def build_window(workspace: Workspace) -> MainWindow:
    """The window and everything it works with: settings, the task runner, the recovery store, the map."""
    runner = TaskRunner()
    window = MainWindow(
        workspace,
        map_factory=default_map_factory,
        settings=app_settings(),
        runner=runner,
        recovery=RecoveryStore(workspace.recovery_dir),
    )
    runner.setParent(window)  # the runner lives as long as the window
    return window


def start(plan: str | None, workspace: Workspace | None = None, window: MainWindow | None = None) -> MainWindow:
    """Build the window, offer crash recovery, and start opening the right plan (on a worker)."""
    workspace = workspace or Workspace()
    workspace.ensure()
    window = window or build_window(workspace)
    entry = choose_recovery(window.recovery, window)
    documents = window.documents
    if entry is not None:
        documents.open_recovered(entry)
    else:
        documents.open_initial(plan)
    return window


def leave(status: int) -> int:
    """End the process with ``status`` once the window has closed, without tearing down every object.

    By then the window has saved what the person chose to save, stored its layout, waited for the task runner's
    workers and discarded its crash-recovery copy (``MainWindow.closeEvent``). Freeing the plan, the map's items
    and Qt's objects one by one at interpreter exit took 2-4 s with a plan open, with nothing left to write; so
    the logs and the standard streams are flushed and the process ends here.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed or missing (pythonw): nothing to do
            stream.flush()
    os._exit(status)


def run(plan: str | None = None, exit_process: bool = True) -> int:
    """Run the desktop app until its window closes; ends the process with the exit status (see :func:`leave`),
    or returns it when ``exit_process`` is False."""
    app = create_application()
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    window = start(plan)
    if window.settings.contains("window/geometry"):
        window.show()
    else:
        screen = window.screen() or app.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.availableGeometry())
        window.showMaximized()  # first run: the whole screen, for the room
    status = int(app.exec())
    return leave(status) if exit_process else status


__all__ = ["build_window", "choose_recovery", "create_application", "leave", "run", "start", "style_application"]
