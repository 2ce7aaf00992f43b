"""A save is all or nothing: a failure or a kill at any moment leaves the previous plan (or the new one), intact."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from territory_planner.persistence import PlanFileError, PlanTarget, engines, load_plan, save_plan, store
from tests.plan_builders import assert_plans_equal, big_plan, rich_plan

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def _fail_halfway(monkeypatch: pytest.MonkeyPatch, total_rows: int) -> list[int]:
    """Make the save raise once about half of its rows are written; returns the running count of written rows."""
    written = [0]
    real_insert = store._insert_chunk

    def insert_then_crash(connection: object, table: object, chunk: list[dict[str, object]]) -> None:
        if written[0] + len(chunk) > total_rows // 2:
            raise RuntimeError("simulated crash in the middle of a save")
        real_insert(connection, table, chunk)  # type: ignore[arg-type]
        written[0] += len(chunk)

    monkeypatch.setattr(store, "_CHUNK_ROWS", 250)
    monkeypatch.setattr(store, "_insert_chunk", insert_then_crash)
    return written


def test_failure_mid_save_keeps_the_previous_plan(any_target: PlanTarget, monkeypatch: pytest.MonkeyPatch) -> None:
    old = rich_plan()
    save_plan(old, any_target)
    before = any_target.path.read_bytes() if any_target.path else None
    new = big_plan(2_000, variant=1, name="Half-written")
    total = sum(len(rows) for _, rows in store._plan_rows(new, any_target.plan_key).tables)
    written = _fail_halfway(monkeypatch, total)

    with pytest.raises(RuntimeError, match="simulated crash"):
        save_plan(new, any_target)

    assert written[0] >= total // 4, "the failure must come after many rows were written"
    monkeypatch.undo()
    assert_plans_equal(load_plan(any_target), old)
    if any_target.path is not None:
        assert any_target.path.read_bytes() == before
        assert sorted(p.name for p in any_target.path.parent.iterdir()) == ["plan.tplan"]


def test_failure_during_the_first_save_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = big_plan(2_000)
    total = sum(len(rows) for _, rows in store._plan_rows(new, "default").tables)
    _fail_halfway(monkeypatch, total)

    with pytest.raises(RuntimeError, match="simulated crash"):
        save_plan(new, tmp_path / "plan.tplan")

    assert list(tmp_path.iterdir()) == []


def test_leftover_wal_of_the_old_file_does_not_touch_the_new_one(tmp_path: Path) -> None:
    """SQLite applies a ``-wal`` it finds beside a database; the old file's must not end up beside the new file."""
    path = tmp_path / "plan.tplan"
    save_plan(rich_plan(), path)
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    # Another session worked on the file in WAL mode and crashed: its committed edit is still only in the WAL.
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    with connection:
        connection.execute("UPDATE tp_unit SET name = 'Edited' || name")
    crashed = (wal.read_bytes(), shm.read_bytes())
    connection.close()
    wal.write_bytes(crashed[0])
    shm.write_bytes(crashed[1])
    new = big_plan(400, name="New plan")

    save_plan(new, path)

    assert not wal.exists() and not shm.exists()
    assert_plans_equal(load_plan(path), new)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def test_loading_a_crashed_wal_session_sees_its_committed_edits(tmp_path: Path) -> None:
    path = tmp_path / "plan.tplan"
    plan = rich_plan()
    save_plan(plan, path)
    wal = Path(f"{path}-wal")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    with connection:
        connection.execute("UPDATE tp_plan SET name = 'Edited after saving'")
    crashed = wal.read_bytes()
    connection.close()
    wal.write_bytes(crashed)

    loaded = load_plan(path)

    assert loaded.name == "Edited after saving"


# The child saves two different big plans in turn, for ever, until it is killed.
_CHILD = """
import sys
from tests.plan_builders import big_plan
from territory_planner.persistence import save_plan

target, n = sys.argv[1], int(sys.argv[2])
plans = [big_plan(n, variant=1, name="new-1"), big_plan(n, variant=2, name="new-2")]
print("ready", flush=True)
round = 0
while True:
    print("saving", round, flush=True)
    save_plan(plans[round % 2], target)
    print("saved", round, flush=True)
    round += 1
"""


@pytest.mark.skipif(sys.platform == "win32", reason="kills with SIGKILL semantics")
def test_killing_a_save_at_a_random_moment_never_corrupts_the_plan(tmp_path: Path) -> None:
    units = 30_000
    path = tmp_path / "plan.tplan"
    old = rich_plan()
    save_plan(old, path)
    expected = {p.name: p for p in (old, big_plan(units, 1, "new-1"), big_plan(units, 2, "new-2"))}
    seed = int.from_bytes(os.urandom(4), "little")
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE), os.environ.get("PYTHONPATH", "")])}
    killed_mid_save = 0

    for _ in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(path), str(units)],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert child.stdout is not None
        try:
            assert child.stdout.readline().strip() == "ready"
            delay = rng.uniform(0.05, 2.5)
            time.sleep(delay)  # the random moment of the kill is what this test is about
        finally:
            child.kill()
            child.wait()
        lines = child.stdout.read().split("\n")
        child.stdout.close()
        last = [line for line in lines if line][-1:] or ["ready"]
        killed_mid_save += last[0].startswith("saving")

        loaded = load_plan(path)
        note = f"seed {seed}, killed {delay:.2f}s in, last output {last[0]!r}"
        assert loaded.name in expected, note
        assert_plans_equal(loaded, expected[loaded.name])
        # Opening the plan removed what the killed save left (its temporary file, its lock file).
        assert os.listdir(tmp_path) == ["plan.tplan"], note

    assert killed_mid_save >= 1, f"no kill landed inside a save (seed {seed})"
    # The target still takes normal saves afterwards (of a plan not loaded from it, as --force writes).
    old.origin = None
    save_plan(old, path)
    assert_plans_equal(load_plan(path), old)


@pytest.mark.parametrize("journal_mode", ["WAL", "DELETE"])
def test_replacing_a_file_that_another_program_is_writing_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal_mode: str
) -> None:
    monkeypatch.setattr(engines, "_SQLITE_BUSY_SECONDS", 0.2)
    path = tmp_path / "plan.tplan"
    old = rich_plan()
    save_plan(old, path)
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    other.execute(f"PRAGMA journal_mode={journal_mode}")
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE tp_plan SET name = 'Being edited elsewhere'")
    try:
        with pytest.raises(PlanFileError, match="open in another program"):
            save_plan(big_plan(200, name="New"), path)
        # The other program's transaction is untouched and can still finish.
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert_plans_equal(load_plan(path), old)
    # Reading leaves a WAL-mode plan in WAL mode: SQLite's own companion files of it may stay beside it.
    allowed = {"plan.tplan", "plan.tplan-wal", "plan.tplan-shm"} if journal_mode == "WAL" else {"plan.tplan"}
    assert {p.name for p in tmp_path.iterdir()} <= allowed
