"""The quick subset of the hostile-input probes (tests/probes/run.py), run through the real command line: every probe
holds, no update is lost, nothing from a name is executed.

The full set (about 780 probes, about ten minutes) is ``python -m tests.probes.run``; docs/hostile-probes.md has its
latest figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.probes.run import CLI, FAMILIES, run_probes, table

pytestmark = pytest.mark.slow


def test_quick_probes_all_hold(tmp_path: Path) -> None:
    if not CLI.exists():
        pytest.skip(f"{CLI} is not installed in this environment")
    result = run_probes(quick=True, jobs=2, root=tmp_path / "probes")
    report = table(result)
    tried = {key: fam["tried"] for key, fam in result["families"].items()}
    assert all(tried[key] > 0 for key in FAMILIES if key != "runner"), f"a family ran no probe:\n{report}"
    assert result["families"]["runner"]["tried"] == 0, report
    assert result["code_executions"] == 0, report
    assert result["lost_updates"].get("file") == 0, report
    assert all(count == 0 for count in result["lost_updates"].values()), report
    assert result["total"]["broken"] == 0, report
    assert result["total"]["held"] == result["total"]["tried"] >= 40, report
