"""The Qt application that painting needs, for a process without a window (the command line, a script).

Painting text needs a GUI application object and Qt allows one per process: the desktop app makes its own at
start-up, and the command line calls :func:`headless_application` before an export that paints (PDF, PNG). The
exporters only check that one runs (:func:`running_gui_application`); they never make one.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication


def running_gui_application() -> QGuiApplication | None:
    """The process's Qt GUI application, or None when none runs or the one running cannot paint text."""
    app = QCoreApplication.instance()
    return app if isinstance(app, QGuiApplication) else None


def headless_application() -> QCoreApplication:
    """The running Qt application, or a new GUI application that needs no display.

    Where no display is known (no ``DISPLAY``/``WAYLAND_DISPLAY`` outside Windows, e.g. the command line
    on a server) and no platform is chosen (``QT_QPA_PLATFORM``), Qt's ``offscreen`` platform is asked for on the
    application's command line; the environment is left as it is. Qt keeps the application until the process ends.
    """
    app = QCoreApplication.instance()
    if app is not None:
        return app
    argv = ["territory-planner"]
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.name == "nt"
    if not os.environ.get("QT_QPA_PLATFORM") and not has_display:
        argv += ["-platform", "offscreen"]
    return QGuiApplication(argv)


__all__ = ["headless_application", "running_gui_application"]
