from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from territory_planner.cli import cli


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.tplan"
    result = CliRunner().invoke(cli, ["demo", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture()
def demo_plan(demo_master: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo plan for one test."""
    path = tmp_path / "demo.tplan"
    shutil.copy(demo_master, path)
    return path


@pytest.fixture()
def run():
    runner = CliRunner()

    def invoke(*args: object):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke
