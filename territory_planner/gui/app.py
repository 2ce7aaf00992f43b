"""Start-up: the one place where the desktop app is wired together (workspace -> recovery -> window -> plan).

``run(plan)`` is what ``territory-planner gui [PLAN]`` calls. With no plan it opens the last plan used, or on the
first run a writable copy of the demo plan in the user's data folder. Unsaved work left by a crash is offered back.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from ..services.autosave import RecoveryEntry, RecoveryStore
from ..services.workspace import Workspace
from .dialogs import RecoveryDialog
from .main_window import MainWindow
from .settings import APPLICATION, ORGANISATION
from .theme import STYLE_SHEET

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the app's names (used by QSettings), style and fonts."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
    return app


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


def start(plan: str | None, workspace: Workspace | None = None, window: MainWindow | None = None) -> MainWindow:
    """Build the window, offer crash recovery, and start opening the right plan (on a worker)."""
    workspace = workspace or Workspace()
    workspace.ensure()
    window = window or MainWindow(workspace)
    entry = choose_recovery(window.recovery, window)
    if entry is not None:
        window.open_plan(str(entry.path), recovery_key=entry.key, as_target=entry.target or "", modified=True)
    else:
        window.open_initial(plan)
    return window


def run(plan: str | None = None) -> int:
    """Run the desktop app until its window closes; returns the exit status."""
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
    return int(app.exec())


__all__ = ["choose_recovery", "create_application", "run", "start"]
