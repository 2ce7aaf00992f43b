"""An import-linter contract type for what the built-in ``forbidden`` type cannot say: "no ``PySide6.QtWidgets``".

import-linter sees an external package as one module (``PySide6``), so a forbidden contract can only forbid all of
Qt. This contract reads each direct import of a forbidden package's top level and checks the imported name
itself (``from PySide6.QtWidgets import QApplication`` imports ``PySide6.QtWidgets``; ``from PySide6 import
QtWidgets`` too). Configured in pyproject.toml (``type = "forbidden_submodules"``).
"""

from __future__ import annotations

import re
from typing import Any

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

_FROM = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\(?\s*(.+?)\)?\s*$")
_IMPORT = re.compile(r"^\s*import\s+(.+?)\s*$")


def imported_names(line: str) -> list[str]:
    """The dotted modules a one-line import statement names: ``from a.b import c, d`` -> ``a.b``, ``a.b.c``,
    ``a.b.d`` (``c`` may be a module or a name; both are checked)."""
    found = _FROM.match(line)
    if found:
        base, names = found.group(1), found.group(2)
        parts = [n.split(" as ")[0].strip() for n in names.split(",")]
        return [base] + [f"{base}.{n}" for n in parts if n and n != "*"]
    found = _IMPORT.match(line)
    if found:
        return [n.split(" as ")[0].strip() for n in found.group(1).split(",")]
    return []


def _forbids(name: str, forbidden: str) -> bool:
    return name == forbidden or name.startswith(forbidden + ".")


class ForbiddenSubmodules(Contract):
    """Modules under ``source_modules`` must not directly import any of ``forbidden_submodules`` (dotted names
    inside external packages). ``ignore_imports`` lists ``importer -> forbidden submodule`` pairs to tolerate."""

    type_name = "forbidden_submodules"

    source_modules = fields.ListField(subfield=fields.StringField())
    forbidden_submodules = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        ignored = set()
        for expression in self.ignore_imports or []:
            importer, _, imported = (part.strip() for part in str(expression).partition("->"))
            ignored.add((importer, imported))
        forbidden = [str(f) for f in self.forbidden_submodules]
        tops = {f.split(".")[0] for f in forbidden}
        sources: set[str] = set()
        for source in self.source_modules:
            sources |= {str(source)} | graph.find_descendants(str(source))
        violations: list[dict[str, Any]] = []
        used_ignores: set[tuple[str, str]] = set()
        for importer in sorted(sources):
            for top in sorted(tops & graph.find_modules_directly_imported_by(importer)):
                for detail in graph.get_import_details(importer=importer, imported=top):
                    for name in imported_names(str(detail["line_contents"])):
                        bad = next((f for f in forbidden if _forbids(name, f)), None)
                        if bad is None:
                            continue
                        if (importer, bad) in ignored:
                            used_ignores.add((importer, bad))
                            continue
                        violations.append({"importer": importer, "imported": name, "line": detail["line_number"]})
                        break
        stale = sorted(ignored - used_ignores)
        warnings = [f"ignore_imports entry {a} -> {b} matched no import: remove it." for a, b in stale]
        return ContractCheck(
            kept=not violations and not stale,
            metadata={"violations": violations, "stale": stale},
            warnings=warnings,
            ignored_import_count=len(used_ignores),
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for v in check.metadata["violations"]:
            output.print_error(f"{v['importer']} imports {v['imported']} (l.{v['line']})")
        for importer, imported in check.metadata["stale"]:
            output.print_error(f"ignore_imports entry {importer} -> {imported} matched no import: remove it")
