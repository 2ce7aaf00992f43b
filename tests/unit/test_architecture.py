"""The architecture rules: import-linter contracts (pyproject.toml), and the rules that have one home in domain/.

The contracts (layers; no Qt outside gui/exporters/render; no QtWidgets in exporters or render; SQLAlchemy only in
persistence; folium only in exporters) are checked by ``lint-imports``; this file runs it so the suite fails on a
violation, and proves each contract would catch one by running it on a small synthetic copy of the package with one
bad import.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "territory_planner"
PACKAGE_DIR = ROOT / PACKAGE
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports.exe" if os.name == "nt" else "lint-imports")

QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "pytestqt"}
DOMAIN_FORBIDDEN = QT | {"sqlalchemy", "alembic", "folium"}


def lint_imports(cwd: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    """Run ``lint-imports`` in ``cwd`` (its pyproject.toml), limited to ``contracts`` if given; no cache written."""
    args = [str(LINT_IMPORTS), "--no-cache", "--no-logo"] + [a for c in contracts for a in ("--contract", c)]
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(cwd)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


# --- the contracts hold on the code ---------------------------------------------------------------------------


def test_the_import_contracts_are_kept() -> None:
    assert LINT_IMPORTS.exists(), "install the test extra: pip install -e '.[test]' (it brings import-linter)"
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 kept, 0 broken" in done.stdout


# --- each contract catches what it is for (a synthetic package with one bad import) --------------------------

#: A skeleton of the package: every top-level part, with only imports the contracts allow.
SKELETON = {
    "__init__.py": "",
    "__main__.py": "from territory_planner import cli, gui\n",
    "cli.py": "from territory_planner import services\n",
    "resources.py": "from territory_planner import domain\n",
    "domain/__init__.py": "import numpy\n",
    "geo/__init__.py": "from territory_planner import domain, resources\nimport shapely\n",
    "persistence/__init__.py": "from territory_planner import geo\nimport sqlalchemy\nimport alembic\n",
    "readers/__init__.py": "from territory_planner import geo\n",
    "render/__init__.py": "from territory_planner import geo\nfrom PySide6.QtGui import QPainter\n",
    "exporters/__init__.py": (
        "from territory_planner import geo, render\nimport folium\nfrom PySide6.QtGui import QPainter\n"
    ),
    "services/__init__.py": "from territory_planner import exporters, persistence, readers\n",
    "gui/__init__.py": "from territory_planner import render, services\nfrom PySide6.QtWidgets import QWidget\n",
}


def _importlinter_config() -> str:
    """The [tool.importlinter] tables of the project's pyproject.toml, as text."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.importlinter]")
    rest = text[start:]
    end = re.search(r"^\[(?!\[?tool\.importlinter)", rest, flags=re.MULTILINE)
    return rest[: end.start()] if end else rest


def synthetic_project(tmp_path: Path, extra: dict[str, str]) -> Path:
    for rel, source in {**SKELETON}.items():
        path = tmp_path / PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source + extra.get(rel, ""), encoding="utf-8")
    for rel, source in extra.items():
        path = tmp_path / PACKAGE / rel
        if rel not in SKELETON:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "import_contracts.py", tmp_path / "tests" / "import_contracts.py")
    (tmp_path / "pyproject.toml").write_text(_importlinter_config(), encoding="utf-8")
    return tmp_path


def test_the_synthetic_skeleton_keeps_every_contract(tmp_path: Path) -> None:
    done = lint_imports(synthetic_project(tmp_path, {}))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("contract", "module", "line"),
    [
        ("layers", "domain/__init__.py", "from territory_planner import gui\n"),
        ("layers", "geo/__init__.py", "from territory_planner import services\n"),
        ("layers", "readers/__init__.py", "from territory_planner import exporters\n"),  # siblings
        ("layers", "cli.py", "from territory_planner.gui import main\n"),  # nothing but __main__ imports gui
        ("layers", "plugins/__init__.py", "from territory_planner import domain\n"),  # a part with no layer yet
        ("layers", "render/__init__.py", "from territory_planner import exporters\n"),
        ("layers", "geo/__init__.py", "from territory_planner import render\n"),
        ("no-qt", "services/__init__.py", "from PySide6 import QtCore\n"),
        ("no-qt", "readers/__init__.py", "from PySide6.QtGui import QImage\n"),
        ("domain-pure", "domain/__init__.py", "import sqlalchemy\n"),
        ("domain-pure", "domain/__init__.py", "import folium\n"),
        ("no-qtwidgets-in-exporters", "exporters/pdf.py", "from PySide6.QtWidgets import QApplication\n"),
        ("no-qtwidgets-in-exporters", "exporters/pdf.py", "from PySide6 import QtGui, QtWidgets\n"),
        ("no-qtwidgets-in-exporters", "exporters/pdf.py", "import PySide6.QtWidgets as widgets\n"),
        ("no-qtwidgets-in-exporters", "exporters/png_map.py", "from PySide6.QtWidgets import QApplication\n"),
        ("no-qtwidgets-in-exporters", "render/app.py", "from PySide6.QtWidgets import QApplication\n"),
        ("sqlalchemy-in-persistence", "render/__init__.py", "import sqlalchemy\n"),
        ("folium-in-exporters", "render/__init__.py", "import folium\n"),
        ("sqlalchemy-in-persistence", "readers/__init__.py", "from sqlalchemy.orm import Session\n"),
        ("sqlalchemy-in-persistence", "gui/__init__.py", "import alembic\n"),
        ("folium-in-exporters", "gui/__init__.py", "import folium\n"),
    ],
    ids=lambda v: v.strip().replace(" ", "_") if isinstance(v, str) else v,
)
def test_each_contract_catches_a_bad_import(tmp_path: Path, contract: str, module: str, line: str) -> None:
    project = synthetic_project(tmp_path, {module: line})
    done = lint_imports(project, contract)
    assert done.returncode != 0, f"contract {contract} missed `{line.strip()}` in {module}:\n{done.stdout}"
    assert "BROKEN" in done.stdout


def test_no_contract_tolerates_a_known_violation() -> None:
    """The last tolerated import (png_map making the QApplication) went with render/application.py."""
    assert "ignore_imports" not in _importlinter_config()


def test_exporters_and_render_leave_the_environment_and_the_application_to_their_caller() -> None:
    """No ``os.environ`` edits and no application object kept at module level in exporters/ or render/."""
    found = []
    for path in sorted((PACKAGE_DIR / "exporters").rglob("*.py")) + sorted((PACKAGE_DIR / "render").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            target = node.func if isinstance(node, ast.Call) else node
            text = ast.unparse(target) if isinstance(target, ast.expr) else ""
            if re.search(r"environ\.(setdefault|update|pop)$|^os\.putenv$", text):
                found.append(f"{rel(path)}:{node.lineno} {text}")
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
                targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
                if any("environ" in ast.unparse(t) for t in targets):
                    found.append(f"{rel(path)}:{node.lineno} {ast.unparse(node)}")
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and "Application" in ast.unparse(node):
                found.append(f"{rel(path)}:{node.lineno} {ast.unparse(node)}")
    assert not found, f"exporters/render change the process's set-up: {found}"


# --- the domain loads nothing it must not (at run time, indirect imports included) ----------------------------


def test_importing_the_domain_loads_no_qt_sqlalchemy_folium_or_other_layers() -> None:
    code = (
        "import json, sys\n"
        "import territory_planner.domain\n"
        "import territory_planner.domain.commands\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    forbidden = sorted(m for m in loaded if m.split(".")[0] in DOMAIN_FORBIDDEN)
    assert not forbidden, f"importing territory_planner.domain loads {forbidden[:10]}"
    others = sorted(m for m in loaded if m.startswith(f"{PACKAGE}.") and not m.startswith(f"{PACKAGE}.domain"))
    assert not others, f"importing territory_planner.domain loads {others}"
    assert "territory_planner.domain.checks" in loaded  # the subprocess really imported the package


# --- a rule lives once ----------------------------------------------------------------------------------------

SOURCE_FILES = sorted(PACKAGE_DIR.rglob("*.py"))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_money_tolerance_is_typed_only_in_the_domain() -> None:
    """Views and exports ask domain.checks (EPS, exceeds, same_amount, TerritoryResult.short) for "a cent"."""
    home = PACKAGE_DIR / "domain" / "checks.py"
    retyped = []
    for path in SOURCE_FILES:
        if path == home:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value == 0.005:
                retyped.append(f"{rel(path)}:{node.lineno}")
    assert not retyped, f"0.005 retyped at {retyped}: use territory_planner.domain.checks.exceeds/same_amount"


def test_status_words_and_colours_come_from_the_one_table() -> None:
    from territory_planner.domain import status
    from territory_planner.exporters import pack

    assert pack.STATUS_TEXT is status.STATUS_LABEL
    assert pack.STATUS_COLOR is status.STATUS_COLOR
    assert pack.STATUS_SYMBOL is status.STATUS_SYMBOL
    assert pack.status_label("at_risk") == "! At risk"
    # No other module spells out a status table of its own (a word, symbol or colour per status).
    table = re.compile(r"""\{\s*["']funded["']\s*:\s*["'][^"']{1,12}["']\s*,\s*["']at_risk["']""")
    copies = [rel(p) for p in SOURCE_FILES if p.name != "status.py" and table.search(p.read_text(encoding="utf-8"))]
    assert not copies, f"status tables retyped in {copies}: use territory_planner.domain.status"


def test_one_pluraliser_names_units_in_plain_english() -> None:
    from territory_planner.domain.commands import AssignUnits
    from territory_planner.domain.formatting import count, plural_noun

    assert plural_noun("county") == "counties" and plural_noun("ZIP code") == "ZIP codes"
    assert plural_noun("day") == "days" and plural_noun("business") == "businesses"
    assert count(1, "county") == "1 county" and count(2_000, "county") == "2,000 counties"
    assert AssignUnits.to("baseline", ["a", "b"], "North", noun="county").label == "Assign 2 counties to North"
    assert AssignUnits.to("baseline", ["a"], None, noun="county").label == "Unassign 1 county"


# --- the unit tests themselves run without Qt -----------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(Path(__file__).parent.glob("*.py")), ids=lambda p: p.name)
def test_unit_tests_do_not_import_qt(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    bad = sorted(n for n in names if n.split(".")[0] in QT or n.startswith(f"{PACKAGE}.gui"))
    assert not bad, f"tests/unit/{path.name} imports {bad}; tests/unit must run without PySide6 installed"
