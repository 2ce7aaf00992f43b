"""Write a scenario as the plan sheets (CSV) that ``import`` reads back: a lossless round trip.

All or nothing: the sheets are written into a hidden scratch folder inside the target folder, checked, and only
then moved into place (each a rename on the same disk); if anything fails, every sheet that was already in the
folder is put back, so the folder holds the old sheets or the new ones, never a mix. Text that a spreadsheet would
run as a formula is written with a quote in front (``cells.guard_formula``), which ``import`` removes again.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
from pathlib import Path

import pandas as pd

from ..domain import FUNNEL_KEYS, PLAN_KEYS, Plan, Scenario
from .atomic import clean_stale, permissions_for, temp_path, user_reason, write_bytes
from .cells import guard_cell
from .pack import ExportError


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    """One sheet as UTF-8 CSV, every text cell guarded against formulas."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([guard_cell(h) for h in header])
    writer.writerows([guard_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _num(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def sheet_rows(plan: Plan, scenario: Scenario) -> dict[str, tuple[list[str], list[list[object]]]]:
    """Header and rows of every sheet, in import order."""
    a = scenario.assumptions
    sheets: dict[str, tuple[list[str], list[list[object]]]] = {}
    sheets["territories"] = (
        ["territory", "region", "color", "locked"],
        [[t.name, t.region or "", t.color, "yes" if t.locked else "no"] for t in scenario.territories.values()],
    )
    order = {u: i for i, u in enumerate(plan.layer.unit_ids)}
    sheets["assignments"] = (
        ["unit_id", "territory"],
        [[u, t] for u, t in sorted(scenario.assignment.items(), key=lambda kv: order.get(kv[0], 0))],
    )
    sheets["sellers"] = (
        ["seller", "territory", "status", "start_month", "ramp_months", "annual_quota", "annual_cost", "home"],
        [
            [
                s.name,
                s.territory or "",
                s.status,
                str(s.start_month or ""),
                s.ramp_months,
                _num(s.annual_quota),
                _num(s.annual_cost),
                s.home or "",
            ]
            for s in scenario.sellers.values()
        ],
    )
    sheets["allocations"] = (
        ["level", "name", "budget", "hours", "start_month", "locked"],
        [
            [
                al.level,
                al.name,
                _num(al.budget),
                _num(al.hours),
                str(al.start_month or ""),
                "yes" if al.locked else "no",
            ]
            for al in scenario.allocations.values()
        ],
    )
    rows: list[list[object]] = [
        ["plan", "", "period_start", str(a.period_start), "", ""],
        ["plan", "", "currency", a.currency, "", ""],
    ]
    if a.market_attribute is not None:
        rows.append(["plan", "", "market_attribute", a.market_attribute, "", ""])
    for k in (*FUNNEL_KEYS, *PLAN_KEYS):
        ends = a.ranges.get(k, {})
        rows.append(["plan", "", k, _num(a.values[k]), *(_num(ends[e]) if e in ends else "" for e in ("low", "high"))])
    for level, table in (("region", a.region_overrides), ("territory", a.territory_overrides)):
        for name, overrides in table.items():
            rows += [[level, name, k, _num(v), "", ""] for k, v in overrides.items()]
    sheets["assumptions"] = (["level", "name", "key", "value", "low", "high"], rows)
    numeric = plan.layer.numeric_columns()
    units = plan.layer.units
    attr_rows = []
    for unit_id, values in zip(units.index, units[numeric].itertuples(index=False, name=None), strict=True):
        attr_rows.append([unit_id, *("" if pd.isna(v) else _num(v) for v in values)])
    sheets["attributes"] = (["unit_id", *numeric], attr_rows)
    return sheets


def export_sheets(plan: Plan, scenario_name: str | None, folder: str | Path) -> list[Path]:
    """Write territories, assignments, sellers, allocations, assumptions and attributes CSV files into ``folder``.

    All or nothing: on any failure (a full disk, a locked file) the folder is as it was, no scratch file is left,
    and ExportError says which file failed and why. A folder that did not exist is created, and removed again on
    failure.
    """
    out = Path(folder)
    scenario = plan.scenario(scenario_name)
    sheets = {f"{kind}.csv": csv_bytes(header, rows) for kind, (header, rows) in sheet_rows(plan, scenario).items()}
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"The folder {out} cannot be created ({exc.strerror or exc}); choose another folder."
        ) from exc
    if not out.is_dir():
        raise ExportError(f"{out} is a file, not a folder; choose a folder for the plan sheets.")
    marker = out / "plan-sheets"
    clean_stale(marker)
    scratch = temp_path(marker, ".d")
    current = out / next(iter(sheets))
    try:
        scratch.mkdir()
        (scratch / "new").mkdir()
        (scratch / "old").mkdir()
        for name, data in sheets.items():
            current = out / name
            write_bytes(scratch / "new" / name, data)
        current = out
        _move_into_place(scratch, out, list(sheets))
    except Exception as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if empty
        reason = user_reason(exc, scratch / "new" / current.name, current)
        kept = "The folder was left as it was" if not created else "Nothing was written"
        raise ExportError(f"The plan sheets could not be written to {current}: {reason}. {kept}.") from exc
    shutil.rmtree(scratch, ignore_errors=True)
    return [out / name for name in sheets]


def _move_into_place(scratch: Path, out: Path, names: list[str]) -> None:
    """Move the new sheets over the old ones, putting every old one back if any move fails."""
    moved_old: list[str] = []
    placed: list[str] = []
    try:
        for name in names:
            target = out / name
            if target.exists():
                os.replace(target, scratch / "old" / name)
                moved_old.append(name)
            os.chmod(scratch / "new" / name, permissions_for(scratch / "old" / name))
            os.replace(scratch / "new" / name, target)
            placed.append(name)
    except BaseException:
        for name in placed:
            with contextlib.suppress(OSError):
                (out / name).unlink()
        for name in moved_old:
            with contextlib.suppress(OSError):
                os.replace(scratch / "old" / name, out / name)
        raise
