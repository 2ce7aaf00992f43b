"""The import contract of DESIGN §5, checked on the source (ast) and at run time.

Dependencies point one way: ``gui, cli -> services -> persistence | readers | exporters | geo -> domain``;
nothing imports ``gui``; the domain imports no Qt, SQLAlchemy or folium and nothing else of territory_planner.
The checks walk every file, so they keep working as modules and packages are added; a new top-level package or
module must be given its place in ``LAYERS`` (the test says so) before it passes.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "territory_planner"
PACKAGE_DIR = ROOT / PACKAGE

#: Layer of every top-level part of the package: a module may import only parts on a strictly lower layer
#: (or its own part). Siblings on one layer do not import each other.
#: - ``resources`` is the one locator of bundled data (STYLE.md): a leaf any layer above the domain may use.
#: - ``geo`` sits under persistence/readers/exporters: they need outlines and layers, geo needs only the domain.
#: - ``__main__`` is the composition root (STYLE.md "wire the application together in one place"): the only
#:   module allowed to import ``gui``.
LAYERS: dict[str, int] = {
    "domain": 0,
    "resources": 1,
    "geo": 2,
    "persistence": 3,
    "readers": 3,
    "exporters": 3,
    "services": 4,
    "cli": 5,
    "gui": 5,
    "__main__": 6,
}
ROOT_PART = ""  # the package's own __init__ (version only); importing it is always fine, it imports nothing

QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "pytestqt"}
DOMAIN_FORBIDDEN = QT | {"sqlalchemy", "alembic", "folium"}

#: Known violations, reported to be fixed: (module, imported part) -> reason.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted (absolute)
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def top_level_parts() -> frozenset[str]:
    parts = {p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    parts |= {p.stem for p in PACKAGE_DIR.glob("*.py") if p.stem != "__init__"}
    return frozenset(parts)


def part_of(dotted: str) -> str | None:
    """The top-level part of territory_planner a dotted name belongs to (ROOT_PART for the package itself)."""
    pieces = dotted.split(".")
    if pieces[0] != PACKAGE:
        return None
    if len(pieces) == 1:
        return ROOT_PART
    return pieces[1] if pieces[1] in top_level_parts() else ROOT_PART


@functools.cache
def imports_of(path: Path) -> tuple[Import, ...]:
    """Every import in a file, relative ones resolved, including imports inside functions and TYPE_CHECKING."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append(Import(name, target, node.lineno))
            # `from territory_planner import gui` / `from .. import persistence` import submodules by name
            found += [Import(name, f"{target}.{alias.name}", node.lineno) for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(name, node.args[0].value, node.lineno))
    return tuple(found)


SOURCE_FILES = sorted(PACKAGE_DIR.rglob("*.py"))
DOMAIN_FILES = sorted((PACKAGE_DIR / "domain").rglob("*.py"))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- the walkers themselves ----------------------------------------------------------------------------------


def test_the_walk_finds_the_package_and_resolves_relative_imports(tmp_path: Path) -> None:
    assert PACKAGE_DIR.is_dir() and len(DOMAIN_FILES) >= 7
    targets = {i.target for i in imports_of(PACKAGE_DIR / "domain" / "checks.py")}
    assert "territory_planner.domain.aggregates" in targets  # `from .aggregates import ...`
    assert part_of("territory_planner.domain.model") == "domain"
    assert part_of("territory_planner") == ROOT_PART
    assert part_of("territory_planner.__version__") == ROOT_PART
    assert part_of("numpy") is None


# --- the domain is plain Python + numpy/pandas -----------------------------------------------------------------


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=rel)
def test_domain_module_imports_no_qt_sqlalchemy_or_folium(path: Path) -> None:
    bad = [i for i in imports_of(path) if i.target.split(".")[0] in DOMAIN_FORBIDDEN]
    assert not bad, f"{rel(path)} imports {[(i.target, i.line) for i in bad]}: the domain must stay free of them"


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=rel)
def test_domain_module_imports_nothing_else_of_territory_planner(path: Path) -> None:
    bad = [i for i in imports_of(path) if part_of(i.target) not in (None, "domain", ROOT_PART)]
    assert not bad, f"{rel(path)} imports {[(i.target, i.line) for i in bad]}"


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
    others = sorted(m for m in loaded if part_of(m) not in (None, "domain", ROOT_PART))
    assert not others, f"importing territory_planner.domain loads {others}"
    assert "territory_planner.domain.checks" in loaded  # the subprocess really imported the package


# --- one-way dependencies between the package's parts ---------------------------------------------------------


def test_every_top_level_part_has_a_place_in_the_layers() -> None:
    missing = sorted(top_level_parts() - set(LAYERS))
    assert not missing, (
        f"territory_planner has new top-level parts {missing}: give each its layer in LAYERS of "
        f"tests/unit/test_architecture.py following DESIGN.md §5"
    )


def dependency_cases() -> list[Any]:
    cases = []
    for path in SOURCE_FILES:
        own = part_of(module_name(path))
        parts = {p for p in (part_of(i.target) for i in imports_of(path)) if p is not None}
        for imported in sorted(parts - {ROOT_PART, str(own)}):
            key = (module_name(path), str(imported))
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_VIOLATIONS[key])] if key in KNOWN_VIOLATIONS else []
            cases.append(pytest.param(path, imported, marks=marks, id=f"{rel(path)}->{imported}"))
    return cases


@pytest.mark.parametrize(("path", "imported"), dependency_cases())
def test_dependencies_point_one_way(path: Path, imported: str) -> None:
    own = part_of(module_name(path))
    assert own is not None
    lines = [i.line for i in imports_of(path) if part_of(i.target) == imported]
    if own == ROOT_PART:
        pytest.fail(f"{rel(path)} (the package root) imports {imported} at line(s) {lines}; keep the root empty")
    assert own in LAYERS and imported in LAYERS, "see test_every_top_level_part_has_a_place_in_the_layers"
    if imported == "gui":
        assert own == "__main__", f"{rel(path)} imports gui at line(s) {lines}: nothing imports gui (DESIGN §5)"
    assert LAYERS[imported] < LAYERS[own], (
        f"{rel(path)} ({own}, layer {LAYERS[own]}) imports {imported} (layer {LAYERS[imported]}) at line(s) {lines}: "
        f"dependencies point one way, gui/cli -> services -> persistence|readers|exporters -> geo -> domain"
    )


def test_known_violations_are_still_imports_in_the_code() -> None:
    """A known violation whose import is gone must be removed from the list (its strict xfail would vanish)."""
    present = {(module_name(path), str(part_of(i.target))) for path in SOURCE_FILES for i in imports_of(path)}
    stale = sorted(set(KNOWN_VIOLATIONS) - present)
    assert not stale, f"remove {stale} from KNOWN_VIOLATIONS: the import is gone"


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
