"""The command line speaks the domain's words: nouns pluralised by the one pluraliser (county -> counties)."""

from __future__ import annotations

from pathlib import Path


def test_new_plan_message_names_the_units_in_plain_english(run, tmp_path: Path) -> None:
    result = run("new", tmp_path / "fresh.tplan", "--layer", "us-counties")
    assert result.exit_code == 0, result.output
    assert "counties)" in result.output
    assert "countys" not in result.output
