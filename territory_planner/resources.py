"""The one place that knows where the bundled `maps/` and `resources/` folders are.

In a wheel they are installed as package data under ``territory_planner/_data``; in a source checkout (or an
editable install) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"The bundled '{name}' folder is missing (looked in {_PACKAGE / '_data'} and {_PACKAGE.parent}). "
        "Reinstall Territory Planner."
    )


def maps_dir() -> Path:
    """Folder of the bundled geographic layers."""
    return _find("maps")


def resources_dir() -> Path:
    """Folder of icons, style sheets and the demo plan definition."""
    return _find("resources")
