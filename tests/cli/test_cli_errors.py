"""Unexpected errors exit 2 with one line (the traceback goes to the log, or to stderr with --debug), and text from a
plan never reaches the terminal with raw control characters."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from territory_planner.cli import cli


@pytest.fixture()
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv("TP_LOG_DIR", str(folder))
    return folder


def _boom(*_args: object, **_kwargs: object) -> str:
    raise RuntimeError("report exploded\nsecond line that must not be printed")


def test_unexpected_error_is_one_line_exit_2_and_logged(
    demo_plan: Path, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("territory_planner.services.reporting.report_to_text", _boom)
    result = CliRunner().invoke(cli, ["check", str(demo_plan)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "RuntimeError: report exploded" in lines[0] and "--debug" in lines[0]
    assert "Traceback" not in result.output and "second line" not in result.stderr
    log = (log_dir / "territory-planner.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "report exploded" in log
    assert str(log_dir / "territory-planner.log") in lines[0]


def test_debug_prints_the_traceback(demo_plan: Path, log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("territory_planner.services.reporting.report_to_text", _boom)
    result = CliRunner().invoke(cli, ["--debug", "check", str(demo_plan)])
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: something unexpected went wrong")


def test_broken_unit_geometry_in_html_export_is_not_a_traceback(demo_plan: Path, log_dir: Path) -> None:
    with sqlite3.connect(demo_plan) as db:
        db.execute("UPDATE tp_unit_geometry SET wkb = X'0102' WHERE position < 5")
    result = CliRunner().invoke(cli, ["export", str(demo_plan), "--html", str(demo_plan.with_suffix(".html"))])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert not demo_plan.with_suffix(".html").exists()


def _rename_everywhere(path: Path, old: str, new: str) -> None:
    """Rename a territory in every table, as a plan written by an older version that accepted any name would hold."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for column in [r[1] for r in db.execute(f"PRAGMA table_info({table})")]:
                db.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (new, old))


def test_control_characters_from_a_plan_print_escaped(demo_plan: Path) -> None:
    hostile = "Texas\x07 \x1b[31mRed\x9b"
    _rename_everywhere(demo_plan, "Texas", hostile)
    text = CliRunner().invoke(cli, ["check", str(demo_plan)])
    assert text.exit_code == 1, text.output
    assert "Texas\\x07 \\x1b[31mRed\\x9b" in text.output  # shown, as visible escapes
    assert "\x07" not in text.output and "\x1b" not in text.output and "\x9b" not in text.output
    shown = CliRunner().invoke(cli, ["check", str(demo_plan), "--json"])
    assert "\x07" not in shown.output and "\x1b" not in shown.output and "\x9b" not in shown.output
    data = json.loads(shown.output)
    names = {t["territory"] for t in data["territories"]}
    assert hostile in names  # JSON escapes keep the exact text


def test_control_characters_in_an_error_message_print_escaped(demo_plan: Path) -> None:
    result = CliRunner().invoke(cli, ["scenario", "copy", str(demo_plan), "baseline", "Bell\x07name"])
    assert result.exit_code == 2
    assert "\x07" not in result.stderr and "\\x07" in result.stderr


@pytest.mark.parametrize("name", ["Bell\x07plan", "Tab\tplan", "x" * 121])
def test_a_new_plan_name_follows_the_name_rule(tmp_path: Path, name: str) -> None:
    target = tmp_path / "p.tplan"
    result = CliRunner().invoke(cli, ["new", str(target), "--layer", "us-states", "--name", name])
    assert result.exit_code == 2, result.output
    assert "plan name" in result.stderr
    assert not target.exists()
