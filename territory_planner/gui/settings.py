"""Where the window keeps its layout and preferences (QSettings under one organisation and application name)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ..services.session import current_user

ORGANISATION = "TerritoryPlanner"
APPLICATION = "Territory Planner"
LAYOUT_VERSION = 3  # bump when docks are added or renamed, so an old saved layout is not applied
AUTHOR_KEY = "sharing/author"


def app_settings() -> QSettings:
    """The app's settings store (tests point QSettings at a temporary folder with ``QSettings.setPath``)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def author_name(settings: QSettings) -> str:
    """The name stored with this person's changes, sign-offs and comments: set once, the OS user by default."""
    value = str(settings.value(AUTHOR_KEY, "") or "").strip()
    return value or current_user()


def set_author_name(settings: QSettings, name: str) -> None:
    """Remember the person's name (an empty name goes back to the OS user)."""
    settings.setValue(AUTHOR_KEY, name.strip())
    settings.sync()


__all__ = [
    "APPLICATION",
    "AUTHOR_KEY",
    "LAYOUT_VERSION",
    "ORGANISATION",
    "app_settings",
    "author_name",
    "set_author_name",
]
