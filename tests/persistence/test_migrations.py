"""Schema versions: old plans open (and are migrated), newer plans and files that are not plans are refused clearly."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import pytest
import shapely
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from territory_planner.domain import (
    BASELINE,
    Allocation,
    Assumptions,
    Layer,
    Month,
    Plan,
    Region,
    Scenario,
    Seller,
    Territory,
)
from territory_planner.persistence import (
    NewerSchemaError,
    PlanFileError,
    PlanTarget,
    load_plan,
    save_plan,
    schema,
    schema_version,
)
from territory_planner.persistence import tables as t
from tests.plan_builders import assert_plans_equal, rich_plan

FIXTURES = Path(__file__).parent / "fixtures"


def schema_0001_plan() -> Plan:
    """The plan inside ``fixtures/plan-schema-0001.sql`` (a dump of a file written by schema 1). Never change it."""
    index = pd.Index(["01001", "01003", "007"], name="fips")
    units = pd.DataFrame(
        {
            "name": ["Autauga", "Baldwin", "Zip 007"],
            "population": np.array([58_805, 231_767, 12], dtype=np.int64),
            "potential": [1.5, np.nan, 7.25],
            "state": pd.Series(["AL", "AL", None], index=index),
        },
        index=index,
    )
    geometry = geopandas.GeoSeries(
        shapely.box(np.array([0.0, 1, 2]), 0.0, np.array([1.0, 2, 3]), 1.0), index=index, crs="EPSG:4326"
    )
    layer = Layer("US counties", units, "EPSG:4326", "county", geometry, np.array([[0, 1], [1, 2]]), "potential")
    base = Scenario(BASELINE)
    base.regions = {"South": Region("South")}
    base.territories = {
        "Gulf": Territory("Gulf", "South", "#f28e2b", locked=True),
        "Inland": Territory("Inland", "South", "#4e79a7"),
    }
    base.assignment = {"01001": "Inland", "01003": "Gulf"}
    base.sellers = {
        "Ana": Seller("Ana", "Gulf", "existing", None, 0, 1_000_000.0, 120_000.0),
        "New hire": Seller("New hire", "Inland", "planned", Month(2027, 4), 3, 800_000.0, 110_000.0),
    }
    base.allocations = {("territory", "Inland"): Allocation("territory", "Inland", 50_000.0, 200.0, Month(2027, 4))}
    assumptions = Assumptions(period_start=Month(2027, 1), currency="USD")
    assumptions.set("plan", None, "win_rate", 0.3)
    assumptions.set("region", "South", "cost_per_lead", 180.0)
    assumptions.set("territory", "Gulf", "win_rate", 0.2)
    base.assumptions = assumptions
    delayed = base.clone("Delay the hire")
    delayed.put_seller("New hire", Seller("New hire", "Inland", "planned", Month(2027, 9), 3, 800_000.0, 110_000.0))
    return Plan("Schema 1 plan", layer, {BASELINE: base, delayed.name: delayed})


def restore_dump(dump: Path, path: Path) -> Path:
    connection = sqlite3.connect(path)
    try:
        connection.executescript(dump.read_text(encoding="utf-8"))
    finally:
        connection.close()
    return path


def stamp(path: Path, revision: str) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute(f"UPDATE {t.VERSION_TABLE} SET version_num = ?", (revision,))
    finally:
        connection.close()


def stored_revision(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute(f"SELECT version_num FROM {t.VERSION_TABLE}").fetchone()[0])
    finally:
        connection.close()


def test_schema_version_is_the_newest_migration() -> None:
    scripts = list((schema.MIGRATIONS_DIR / "versions").glob("r0*.py"))
    assert schema_version() == 4 == len(scripts)


def test_plan_file_written_by_schema_0001_opens(tmp_path: Path) -> None:
    path = restore_dump(FIXTURES / "plan-schema-0001.sql", tmp_path / "old.tplan")
    assert stored_revision(path) == "0001"
    assert_plans_equal(load_plan(path), schema_0001_plan())


def test_older_plan_opens_unchanged_and_its_next_save_migrates_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a newer schema N in the app, opening a schema-1 file migrates it in memory only (reading never changes
    a plan file: it may be read-only, or still be used by an older app); the next save writes schema N."""
    newest = schema_version()
    new, previous = f"{newest + 1:04d}", f"{newest:04d}"
    migrations = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / f"r{new}_plan_note.py").write_text(
        textwrap.dedent(
            f'''
            """Schema {new} (test only): a note on the plan."""
            import sqlalchemy as sa
            from alembic import op

            revision = "{new}"
            down_revision = "{previous}"
            branch_labels = None
            depends_on = None


            def upgrade() -> None:
                with op.batch_alter_table("tp_plan") as batch:
                    batch.add_column(sa.Column("note", sa.Text(), nullable=True))


            def downgrade() -> None:
                with op.batch_alter_table("tp_plan") as batch:
                    batch.drop_column("note")
            '''
        ),
        encoding="utf-8",
    )
    path = restore_dump(FIXTURES / "plan-schema-0001.sql", tmp_path / "old.tplan")
    before = path.read_bytes()
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", migrations)
    assert schema_version() == newest + 1

    loaded = load_plan(path)
    assert_plans_equal(loaded, schema_0001_plan())
    assert path.read_bytes() == before
    assert stored_revision(path) == "0001"

    save_plan(loaded, path)
    assert stored_revision(path) == new
    connection = sqlite3.connect(path)
    try:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(tp_plan)")]
    finally:
        connection.close()
    assert "note" in columns
    assert_plans_equal(load_plan(path), schema_0001_plan())

    # The app without schema N now meets a newer plan.
    monkeypatch.undo()
    with pytest.raises(NewerSchemaError, match=rf"newer Territory Planner \(schema {newest + 1}\); update the app"):
        load_plan(path)


def test_plan_from_a_newer_app_is_refused_with_the_schema_number(tmp_path: Path) -> None:
    path = tmp_path / "future.tplan"
    save_plan(rich_plan(), path)
    stamp(path, "0007")
    before = path.read_bytes()

    with pytest.raises(NewerSchemaError) as caught:
        load_plan(path)

    message = str(caught.value)
    assert "This plan was saved by a newer Territory Planner (schema 7); update the app" in message
    assert str(path) in message
    assert caught.value.schema == 7
    assert path.read_bytes() == before


def test_unknown_schema_revision_is_reported_as_damage(tmp_path: Path) -> None:
    path = tmp_path / "odd.tplan"
    save_plan(rich_plan(), path)
    stamp(path, "feature-branch")

    with pytest.raises(PlanFileError, match="feature-branch") as caught:
        load_plan(path)
    assert not isinstance(caught.value, NewerSchemaError)
    assert str(path) in str(caught.value)


def test_other_programs_sqlite_database_is_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "contacts.tplan"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
        connection.execute("INSERT INTO contacts VALUES ('Ana')")
    connection.close()
    before = path.read_bytes()

    with pytest.raises(PlanFileError, match="not a Territory Planner plan") as caught:
        load_plan(path)

    assert str(path) in str(caught.value)
    assert "another program" in str(caught.value)
    assert path.read_bytes() == before


def test_random_bytes_are_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "noise.tplan"
    path.write_bytes(np.random.default_rng(7).bytes(8192))

    with pytest.raises(PlanFileError, match="not a Territory Planner plan") as caught:
        load_plan(path)
    assert str(path) in str(caught.value)


def test_empty_file_is_not_a_plan_and_stays_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.tplan"
    path.touch()

    with pytest.raises(PlanFileError, match="is empty") as caught:
        load_plan(path)
    assert str(path) in str(caught.value)
    # SQLite would happily turn an empty file into a database; opening must not write anything.
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.tplan"]


def test_missing_file_names_the_file_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "plan.tplan"

    with pytest.raises(PlanFileError) as caught:
        load_plan(path)

    message = str(caught.value)
    assert str(path) in message
    assert "does not exist" in message
    assert "choose another plan" in message
    assert not path.parent.exists()


def test_a_folder_is_not_a_plan(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="is a folder"):
        load_plan(tmp_path)


def _compare_with_migrated_schema(url: str, tmp_path: Path | None) -> list[object]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            schema.upgrade(connection)
            context = MigrationContext.configure(
                connection, opts={"version_table": t.VERSION_TABLE, "compare_type": True}
            )
            diffs: list[object] = compare_metadata(context, t.metadata)
            # Only our tables: a shared test database may hold other applications' tables.
            return [d for d in diffs if "tp_" in repr(d)]
    finally:
        engine.dispose()


def test_migrations_build_exactly_the_tables_the_code_uses(tmp_path: Path) -> None:
    assert _compare_with_migrated_schema(f"sqlite:///{tmp_path / 'schema.db'}", tmp_path) == []


@pytest.mark.postgres
def test_migrations_build_exactly_the_tables_the_code_uses_on_postgres(postgres_target: PlanTarget) -> None:
    url = postgres_target.sqlalchemy_url().render_as_string(hide_password=False)
    assert _compare_with_migrated_schema(url, None) == []
