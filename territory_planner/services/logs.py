"""The log file: where unexpected errors leave their traceback, so the user sees one line and a bug report has it."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from .workspace import APP_NAME

#: Set to a folder to keep the log somewhere else (tests, a locked-down laptop).
LOG_DIR_ENV = "TP_LOG_DIR"
LOG_FILE_NAME = "territory-planner.log"


def log_file() -> Path:
    """``platformdirs.user_log_dir("TerritoryPlanner")/territory-planner.log``, or under ``$TP_LOG_DIR``."""
    folder = os.environ.get(LOG_DIR_ENV) or platformdirs.user_log_dir(APP_NAME)
    return Path(folder) / LOG_FILE_NAME


def log_exception(message: str, exc: BaseException) -> Path | None:
    """Append ``message`` and ``exc``'s traceback to the log file; returns the file, or None when it cannot be written.

    A handler is attached only for this one record, so importing the package or running a command that succeeds
    never creates the file.
    """
    path = log_file()
    logger = logging.getLogger("territory_planner.errors")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    try:
        logger.error(message, exc_info=(type(exc), exc, exc.__traceback__))
    finally:
        logger.removeHandler(handler)
        handler.close()
    return path
