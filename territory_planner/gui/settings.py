"""Where the window keeps its layout and preferences (QSettings under one organisation and application name)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANISATION = "TerritoryPlanner"
APPLICATION = "Territory Planner"
LAYOUT_VERSION = 2  # bump when docks are added or renamed, so an old saved layout is not applied


def app_settings() -> QSettings:
    """The app's settings store (tests point QSettings at a temporary folder with ``QSettings.setPath``)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


__all__ = ["APPLICATION", "LAYOUT_VERSION", "ORGANISATION", "app_settings"]
