"""A damaged unit index type is named as damage, never read as a plan whose every unit is unassigned."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from territory_planner.cli import cli


@pytest.mark.parametrize("dtype", ["complex128", "float64"])
def test_a_wrong_unit_index_type_is_reported_as_damage(tmp_path: Path, dtype: str) -> None:
    plan = tmp_path / "p.tplan"
    assert CliRunner().invoke(cli, ["demo", str(plan)]).exit_code == 0
    with sqlite3.connect(plan) as db:
        db.execute("UPDATE tp_plan SET unit_index_dtype = ?", (dtype,))
    before = plan.read_bytes()
    result = CliRunner().invoke(cli, ["check", str(plan)])
    assert result.exit_code == 2, result.output
    assert "damaged" in result.stderr and "p.tplan" in result.stderr
    assert plan.read_bytes() == before
