"""Where a plan lives: file paths, sqlite URLs and PostgreSQL URLs with a plan key."""

from __future__ import annotations

from pathlib import Path

import pytest

from territory_planner.persistence import DEFAULT_PLAN_KEY, PlanFileError, plan_target


def test_a_path_is_a_plan_file() -> None:
    target = plan_target("plans/west.tplan")

    assert target.path == Path("plans/west.tplan")
    assert target.url is None and target.plan_key == DEFAULT_PLAN_KEY
    assert plan_target(Path("plans/west.tplan")) == target
    assert plan_target(target) is target
    assert str(target) == "plan file 'plans/west.tplan'"


@pytest.mark.parametrize(
    ("url", "path"),
    [("sqlite:///plans/west.tplan", "plans/west.tplan"), ("sqlite:////srv/plans/west.tplan", "/srv/plans/west.tplan")],
)
def test_a_sqlite_url_is_the_same_plan_file(url: str, path: str) -> None:
    assert plan_target(url).path == Path(path)


def test_a_postgres_url_selects_a_plan_and_hides_the_password() -> None:
    target = plan_target("postgresql://planner:s3cret@db.example.com:5432/territory?plan=west-2027")

    assert target.path is None and target.plan_key == "west-2027"
    url = target.sqlalchemy_url()
    assert url.drivername == "postgresql+psycopg"
    assert url.password == "s3cret"
    assert "plan" not in url.query
    assert "s3cret" not in str(target) and "s3cret" not in repr(target)
    assert "west-2027" in str(target)


def test_plan_key_argument_and_default() -> None:
    url = "postgresql+psycopg://planner@db.example.com/territory"

    assert plan_target(url).plan_key == DEFAULT_PLAN_KEY
    assert plan_target(url, plan_key="east").plan_key == "east"
    assert plan_target(plan_target(url), plan_key="east").plan_key == "east"


@pytest.mark.parametrize(
    ("where", "plan_key", "words"),
    [
        ("", None, "No plan file"),
        ("mysql://u:p@host/db", None, "cannot keep plans in a 'mysql' database"),
        ("sqlite://", None, "does not name a plan file"),
        ("sqlite:///x.tplan?mode=ro", None, "options (mode)"),
        ("x.tplan", "other", "holds one plan"),
        ("postgresql://u@host/db?plan=a", "b", "selects plan 'a'"),
        ("postgresql://u@host", None, "names no database"),
        ("postgresql://u@host/db", "  ", "cannot name a plan"),
    ],
)
def test_unusable_targets_are_explained(where: str, plan_key: str | None, words: str) -> None:
    with pytest.raises(PlanFileError, match=words.replace("(", r"\(").replace(")", r"\)")):
        plan_target(where, plan_key=plan_key)
