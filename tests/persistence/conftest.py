"""Fixtures for the persistence tests: plan targets on SQLite files and, when a server is given, on PostgreSQL.

PostgreSQL tests run when ``TP_TEST_POSTGRES_URL`` names a database the tests may write to, for example
``postgresql+psycopg://postgres:postgres@127.0.0.1:5432/tp_test`` (``.ci/start-postgres`` starts one and prints
it). Each test saves under its own plan key and removes its rows afterwards, so the database can be shared.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from territory_planner.persistence import PlanTarget, plan_target
from territory_planner.persistence import tables as t

POSTGRES_ENV = "TP_TEST_POSTGRES_URL"
SKIP_REASON = (
    f"PostgreSQL tests need a server: set {POSTGRES_ENV}=postgresql+psycopg://USER:PASSWORD@HOST:5432/DBNAME "
    "(as root on Debian, `.ci/start-postgres` starts one and prints the URL)"
)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        pytest.skip(SKIP_REASON)
    if make_url(url).get_backend_name() != "postgresql":
        pytest.fail(f"{POSTGRES_ENV} must be a postgresql URL, not {make_url(url).render_as_string()}")
    return url


@pytest.fixture
def new_postgres_target(postgres_url: str) -> Iterator[Callable[[], PlanTarget]]:
    """Makes plan keys of their own in the test database; their rows are removed after the test."""
    made: list[PlanTarget] = []

    def make() -> PlanTarget:
        made.append(plan_target(postgres_url, plan_key=f"test-{uuid.uuid4().hex[:12]}"))
        return made[-1]

    yield make
    for target in made:
        _remove_postgres_plan(target)


@pytest.fixture
def postgres_target(new_postgres_target: Callable[[], PlanTarget]) -> PlanTarget:
    return new_postgres_target()


def _remove_postgres_plan(target: PlanTarget) -> None:
    engine = create_engine(target.sqlalchemy_url(), poolclass=NullPool)
    try:
        with engine.begin() as connection:
            if not connection.dialect.has_table(connection, t.plan.name):
                return
            for table in (t.display_cache, *t.PLAN_TABLES, t.plan):
                connection.execute(delete(table).where(table.c.plan_key == target.plan_key))
    finally:
        engine.dispose()


@pytest.fixture
def file_target(tmp_path: Path) -> PlanTarget:
    return plan_target(tmp_path / "plan.tplan")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_target(request: pytest.FixtureRequest, tmp_path: Path) -> PlanTarget:
    """The same test on a plan file and on a PostgreSQL database (skipped without a server)."""
    if request.param == "sqlite":
        return plan_target(tmp_path / "plan.tplan")
    target: PlanTarget = request.getfixturevalue("postgres_target")
    return target
