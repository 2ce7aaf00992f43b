"""Fixtures for the leadership-pack exporters: the demo plan, a plan full of hostile names, a headless browser."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from export_fixtures import (
    HOSTILE_PLAN,
    HOSTILE_REGION,
    HOSTILE_SCENARIO,
    HOSTILE_SELLER,
    HOSTILE_TERRITORY,
    Browser,
)

from territory_planner.domain import BASELINE, Plan
from territory_planner.domain.commands import (
    Batch,
    EditSeller,
    RenameRegion,
    RenameScenario,
    RenameTerritory,
)
from territory_planner.services.demo import build_demo_plan


@pytest.fixture(scope="session", autouse=True)
def _qt_application(qapp: object) -> object:
    """pytest-qt's QApplication, made before any export asks for one (one Qt application per process)."""
    return qapp


@pytest.fixture(scope="session")
def demo_plan() -> Plan:
    """The bundled demo plan (US counties, 11 territories, baseline and one what-if). Do not change it."""
    return build_demo_plan()


@pytest.fixture(scope="session")
def what_if(demo_plan: Plan) -> str:
    return next(name for name in demo_plan.scenarios if name != BASELINE)


@pytest.fixture(scope="session")
def hostile_plan() -> Plan:
    """The demo plan with hostile territory, region, seller, scenario and plan names."""
    plan = build_demo_plan()
    what_if = next(name for name in plan.scenarios if name != BASELINE)
    Batch(
        "Make it hostile",
        (
            RenameTerritory(BASELINE, "Texas", HOSTILE_TERRITORY),
            RenameRegion(BASELINE, "East", HOSTILE_REGION),
            RenameScenario(what_if, HOSTILE_SCENARIO),
        ),
    ).apply(plan)
    seller = plan.scenario(BASELINE).seller("Luis Ortega")
    EditSeller(BASELINE, seller.name, replace(seller, name=HOSTILE_SELLER)).apply(plan)
    plan.name = HOSTILE_PLAN
    return plan


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False).returncode == 0


@pytest.fixture(scope="session")
def browser() -> Browser:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium); the HTML map is not checked")
    return Browser(executable, _can_unshare())


@pytest.fixture()
def progress_log() -> tuple[list[tuple[float, str]], Callable[[float, str], None]]:
    calls: list[tuple[float, str]] = []

    def progress(fraction: float, message: str) -> None:
        calls.append((fraction, message))

    return calls, progress
