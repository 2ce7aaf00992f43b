"""Read-only, damaged and oddly named plan files: a clear message naming the user's file, never a changed file."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from territory_planner.cli import cli
from territory_planner.domain.commands import CopyScenario
from territory_planner.persistence import (
    PlanDamagedError,
    PlanFileError,
    PlanReadOnlyError,
    files,
    load_plan,
    plan_target,
    save_plan,
    store,
)
from tests.plan_builders import assert_plans_equal, rich_plan


def _invoke(*args: object) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- read-only plans ---------------------------------------------------------------------------------------------


def test_read_only_plan_is_not_replaced_by_import_or_scenario_copy(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    path.chmod(0o444)
    before = path.read_bytes()
    sheet = tmp_path / "sellers.csv"
    sheet.write_text("seller,territory,status,start_month,ramp_months,annual_quota\nZed,Pacific,existing,,0,1000\n")

    for args in (("scenario", "copy", path, "baseline", "Copy"), ("import", "sellers", path, sheet)):
        result = _invoke(*args)
        assert result.exit_code == 2, result.output
        assert f"'{path}' is read-only" in result.output and "save to another file" in result.output
        assert path.read_bytes() == before
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.tplan", "sellers.csv"]
    with pytest.raises(PlanReadOnlyError):
        save_plan(load_plan(path), path)


def test_check_leaves_a_wal_mode_plan_exactly_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    before = path.read_bytes()
    assert before[18:20] == b"\x02\x02"  # WAL mode in the header

    result = _invoke("check", path)

    assert result.exit_code in (0, 1), result.output
    assert path.read_bytes() == before


def test_wal_plan_that_cannot_keep_its_shared_memory_file_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On read-only media SQLite cannot create the -shm file a WAL plan needs; it then opens immutable."""
    path = tmp_path / "plan.tplan"
    plan = rich_plan()
    save_plan(plan, path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    real_engine = store.sqlite_engine
    tried: list[bool] = []

    def read_only_media(file: Path, mode: Any, **options: Any) -> Any:
        tried.append(bool(options.get("immutable")))
        if mode == "ro" and not options.get("immutable"):
            return real_engine(tmp_path / "missing" / "no.tplan", "ro")  # fails to open, as on read-only media
        return real_engine(file, mode, **options)

    monkeypatch.setattr(store, "sqlite_engine", read_only_media)
    assert_plans_equal(load_plan(path), plan)
    assert tried == [False, True]


# --- damaged plans -----------------------------------------------------------------------------------------------


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _drop_table(path: Path) -> None:
    _sql(path, "PRAGMA foreign_keys=OFF", "DROP TABLE tp_seller")


def _bad_adjacency(path: Path) -> None:
    _sql(path, "UPDATE tp_adjacency SET unit_b = 99999 WHERE position = 0")


def _odd_dtype(path: Path) -> None:
    _sql(path, "UPDATE tp_unit_column SET dtype = 'no-such-dtype', kind = 'float' WHERE name = 'population'")


def _odd_index_dtype(path: Path) -> None:
    _sql(path, "UPDATE tp_plan SET unit_index_dtype = 'complex weird'")


def _bad_wkb(path: Path) -> None:
    _sql(path, "UPDATE tp_unit_geometry SET wkb = x'00010203'")


def _text_in_numbers(path: Path) -> None:
    _sql(path, "UPDATE tp_seller SET ramp_months = 'three'")


@pytest.mark.parametrize(
    "damage",
    [_truncate, _drop_table, _bad_adjacency, _odd_dtype, _odd_index_dtype, _text_in_numbers],
    ids=lambda f: f.__name__.strip("_"),
)
def test_damaged_plan_says_damaged_names_the_file_and_offers_recovery(tmp_path: Path, damage: Any) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    damage(path)
    before = path.read_bytes()

    with pytest.raises(PlanDamagedError) as caught:
        load_plan(path)
    message = str(caught.value)
    assert f"'{path}' is damaged" in message
    assert "recovered copy" in message and "backup" in message
    assert "disk has space" not in message

    result = _invoke("check", path)
    assert result.exit_code == 2 and "is damaged" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before


def test_broken_unit_shapes_are_reported_as_damage_when_first_drawn(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    _bad_wkb(path)
    plan = load_plan(path)  # shapes are decoded on first use
    with pytest.raises(PlanDamagedError, match=r"is damaged.*unit shapes"):
        _ = plan.layer.geometry


def test_flipped_bytes_give_a_damage_message_or_the_plan_never_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    good = path.read_bytes()
    rng = random.Random(9)
    damaged = 0
    for _ in range(40):
        data = bytearray(good)
        for _ in range(8):
            at = rng.randrange(100, len(data))  # past the header, which a plain check already covers
            data[at] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
        try:
            load_plan(path)
        except PlanFileError as exc:
            damaged += 1
            assert str(path) in str(exc) and "disk has space" not in str(exc)
    assert damaged > 0


# --- leftovers of killed saves, long names -----------------------------------------------------------------------


def test_leftovers_of_killed_saves_are_removed_on_the_next_open_and_save(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    plan = rich_plan()
    save_plan(plan, path)
    temp = files.temp_path(path)
    old_style = tmp_path / ".plan.tplan.0badf00d.saving"
    young_old_style = tmp_path / ".plan.tplan.1234abcd.saving"
    other_program = tmp_path / ".plan.tplan.mine"
    for leftover in (temp, Path(f"{temp}-journal"), old_style, young_old_style, other_program):
        leftover.write_bytes(b"half a save")
    an_hour_ago = time.time() - 3600
    os.utime(old_style, (an_hour_ago, an_hour_ago))

    assert_plans_equal(load_plan(path), plan)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".plan.tplan.1234abcd.saving",
        ".plan.tplan.mine",
        "plan.tplan",
    ]

    temp.write_bytes(b"another killed save")
    save_plan(load_plan(path), path)
    assert not temp.exists()


def test_open_does_not_remove_the_file_of_a_save_in_progress(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    temp = files.temp_path(path)
    with files.plan_lock(path, str(path)):
        temp.write_bytes(b"being written")
        load_plan(path)
        assert temp.exists()
    temp.unlink()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows limits whole paths, not names")
@pytest.mark.parametrize("length", [239, 250, 255])
def test_plan_with_a_name_as_long_as_the_file_system_allows_saves(tmp_path: Path, length: int) -> None:
    path = tmp_path / ("p" * (length - len(".tplan")) + ".tplan")
    plan = rich_plan()
    save_plan(plan, path)
    loaded = load_plan(path)
    CopyScenario("baseline", "Copy").apply(loaded)
    save_plan(loaded, path)
    assert "Copy" in load_plan(path).scenarios
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert all(len(p.name) <= 255 for p in (files.temp_path(path), files.lock_path(path)))


def test_save_errors_name_the_users_file_not_the_hidden_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / ("q" * 240 + ".tplan")
    save_plan(rich_plan(), path)

    def disk_full(*_args: Any) -> None:
        raise OSError(28, "No space left on device", str(files.temp_path(path)))

    monkeypatch.setattr(store, "_fsync", disk_full)
    with pytest.raises(PlanFileError) as caught:
        save_plan(load_plan(path), path)
    assert str(path) in str(caught.value)
    assert files.temp_path(path).name not in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# --- PostgreSQL URLs without the driver ----------------------------------------------------------------------------


@pytest.mark.parametrize("driver", ["psycopg2", "asyncpg", "pg8000"])
def test_other_postgres_drivers_are_refused_with_the_url_to_use(driver: str) -> None:
    with pytest.raises(PlanFileError) as caught:
        plan_target(f"postgresql+{driver}://me:secret@db.example.com/plans")
    message = str(caught.value)
    assert f"not '{driver}'" in message and "postgresql+psycopg://me:***@db.example.com/plans" in message
    assert "secret" not in message
    result = _invoke("check", f"postgresql+{driver}://me:secret@db.example.com/plans")
    assert result.exit_code == 2 and "postgresql+psycopg://" in result.output


def test_postgres_url_without_psycopg_installed_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails as on an install without it
    with pytest.raises(PlanFileError, match=r'pip install "territory-planner\[postgres\]"'):
        load_plan("postgresql+psycopg://me:secret@127.0.0.1:1/plans")
    result = _invoke("check", "postgresql://me:secret@127.0.0.1:1/plans")
    assert result.exit_code == 2 and 'pip install "territory-planner[postgres]"' in result.output
    assert "Traceback" not in result.output
