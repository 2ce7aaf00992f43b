"""Settings for every test: nothing a test does writes into the user's own folders."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _log_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Unexpected-error logs go to a temporary folder (``TP_LOG_DIR``), not the user's log folder."""
    folder = tmp_path_factory.getbasetemp() / "logs"
    monkeypatch.setenv("TP_LOG_DIR", str(folder))
    return folder
