"""The leadership workbook (XLSX): the plan sheets, formatted for people, that import back into a plan.

Sheets ``Territories``, ``Sellers``, ``Allocations``, ``Assumptions`` and ``Assignments`` start with exactly the
columns of the CSV plan sheets (``territory, region, color, locked``...); those are what
``readers.workbook.read_workbook`` reads back. Columns after them (status, target, gap...) are the figures of the
check, for reading only, with their headers shaded differently. ``Flags`` lists every flag; ``Scenarios`` the verdict
and totals of every exported scenario; ``About`` says what is what. When several scenarios are exported, the plan
sheets hold the first one (they import back as one scenario), and ``All territories``, ``All sellers``, ``All
allocations``, ``All assumptions`` and ``All flags`` list every exported scenario with a ``Scenario`` column (for
reading and filtering; they are not imported).
"""

from __future__ import annotations

import copy
import functools
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..domain import FUNNEL_KEYS, PLAN_KEYS
from ..domain.assumptions import assumption_cell_format
from ..domain.budget import allocated_hours_text, reconcile, region_rollup, territory_amounts
from ..domain.formatting import currency_symbol
from ..domain.funnel import period_quota
from .atomic import export_file, write_bytes
from .cells import xlsx_text
from .pack import (
    SEVERITY_TEXT,
    STATUS_TEXT,
    ExportError,
    Pack,
    Progress,
    ScenarioPack,
    comment_facts,
    date_label,
    handshake_facts,
    no_progress,
    sign_off_facts,
    status_label,
)

#: Headers of the columns that import back (the CSV plan sheets' names) and of the figures that are read-only.
_IMPORT_FILL = PatternFill("solid", start_color="FFD9E2EC")
_FIGURE_FILL = PatternFill("solid", start_color="FFFFF2CC")
_STATUS_FILL = {
    "funded": PatternFill("solid", start_color="FFE2F0D9"),
    "at_risk": PatternFill("solid", start_color="FFFFE8B3"),
    "unfunded": PatternFill("solid", start_color="FFF8CBAD"),
}
_BOLD = Font(bold=True)
_HEADER_BORDER = Border(bottom=Side(style="thin", color="FF7F7F7F"))
_WRAP = Alignment(wrap_text=True, vertical="top")
PERCENT = "0.0%"
INTEGER = "#,##0"
HOURS = '#,##0" h"'
TEXT = "@"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: header, number format, width limits and whether it imports back."""

    header: str
    number_format: str | None = None
    importable: bool = True
    max_width: int = 48
    wrap: bool = False


def money_format(currency: str) -> str:
    """An Excel number format showing whole amounts with the currency symbol, e.g. ``"$"#,##0``."""
    symbol = currency_symbol(currency).replace('"', "")
    return f'"{symbol}"#,##0;-"{symbol}"#,##0'


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value; text is always a text cell (never a formula), guarded so that a name such as
    ``=HYPERLINK(...)`` is not run even when the sheet is saved as CSV or the cell is edited (see ``cells``)."""
    if isinstance(value, str):
        cell = ws.cell(row=row, column=column)
        cell.value = xlsx_text(value)
        cell.data_type = "s"
        return cell
    return ws.cell(row=row, column=column, value=value)


def _write_sheet(ws: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> None:
    for c, column in enumerate(columns, start=1):
        cell = _put(ws, 1, c, column.header)
        cell.font = _BOLD
        cell.fill = _IMPORT_FILL if column.importable else _FIGURE_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = Alignment(vertical="top", wrap_text=False)
    widths = [len(column.header) for column in columns]
    for r, values in enumerate(rows, start=2):
        for c, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = _put(ws, r, c, value)
            if column.number_format:
                cell.number_format = column.number_format
            if column.wrap:
                cell.alignment = _WRAP
            shown = _shown_width(value, column.number_format)
            widths[c - 1] = max(widths[c - 1], shown)
    for c, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(widths[c - 1] + 2, 8), column.max_width)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _shown_width(value: Any, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, float | int) and not isinstance(value, bool):
        if number_format == PERCENT:
            return 7
        return len(f"{value:,.0f}") + (3 if number_format and '"' in number_format else 0)
    return max((len(line) for line in str(value).splitlines()), default=0)


def _status_fill(ws: Worksheet, column_index: int, statuses: Sequence[str | None]) -> None:
    for r, status in enumerate(statuses, start=2):
        if status in _STATUS_FILL:
            ws.cell(row=r, column=column_index).fill = _STATUS_FILL[status]


# --- sheets -----------------------------------------------------------------------------------------------------


def _territories(ws: Worksheet, sp: ScenarioPack) -> None:
    money = money_format(sp.currency)
    columns = [
        Column("territory"),
        Column("region"),
        Column("color"),
        Column("locked"),
        Column("Funding status", importable=False),
        Column("Sellers", INTEGER, importable=False),
        Column("Planned hires", INTEGER, importable=False),
        Column("Revenue target", money, importable=False),
        Column("Program spend needed", money, importable=False),
        Column("Allocated budget", money, importable=False),
        Column("Gap", money, importable=False),
        Column("Break-even cost per lead", money, importable=False),
        Column("Marketing hours needed", HOURS, importable=False),
        Column("Marketing hours allocated", HOURS, importable=False),
        Column("Units", INTEGER, importable=False),
    ]
    scenario = sp.scenario
    rows = []
    amounts = territory_amounts(sp.report.territories)  # to the cent: the columns sum to the Budget sheet's totals
    for facts in sp.territories:
        t = scenario.territories[facts.name]
        r = facts.result
        a = amounts[r.territory]
        rows.append(
            [
                t.name,
                t.region or "",
                t.color,
                "yes" if t.locked else "no",
                status_label(r.status),
                r.existing_sellers,
                r.planned_hires,
                r.target,
                a.required,
                a.allocated,
                a.gap,
                r.break_even_cpl,
                r.required_hours,
                r.allocated_hours if allocated_hours_text(r.allocated_hours) != "plan pool" else "plan pool",
                r.units,
            ]
        )
    _write_sheet(ws, columns, rows)
    _status_fill(ws, 5, [f.status for f in sp.territories])
    for row, facts in enumerate(sp.territories, start=2):
        ws.cell(row=row, column=3).fill = PatternFill("solid", start_color="FF" + facts.color.lstrip("#").upper())


def _sellers(ws: Worksheet, sp: ScenarioPack) -> None:
    money = money_format(sp.currency)
    columns = [
        Column("seller"),
        Column("territory"),
        Column("status"),
        Column("start_month", TEXT),
        Column("ramp_months", INTEGER),
        Column("annual_quota", money),
        Column("annual_cost", money),
        Column("home", TEXT),
        Column("Quota in the period", money, importable=False),
        Column("Extra program spend (hires)", money, importable=False),
        Column("Pipeline must start by", TEXT, importable=False),
        Column("Funding status (hires)", importable=False),
        Column("Why", importable=False, max_width=80),
    ]
    hires = {h.seller: h for h in sp.report.hires}
    rows = []
    statuses: list[str | None] = []
    for s in sp.scenario.sellers.values():
        hire = hires.get(s.name)
        rows.append(
            [
                s.name,
                s.territory or "",
                s.status,
                str(s.start_month) if s.start_month else "",
                s.ramp_months,
                s.annual_quota,
                s.annual_cost,
                s.home or "",
                hire.period_quota if hire else period_quota(s, sp.report.period_start),
                hire.marginal_spend if hire else None,
                str(hire.fund_by_month) if hire and hire.fund_by_month else "",
                status_label(hire.status) if hire else "",
                hire.reason if hire else "",
            ]
        )
        statuses.append(hire.status if hire else None)
    _write_sheet(ws, columns, rows)
    _status_fill(ws, 1 + [c.header for c in columns].index("Funding status (hires)"), statuses)


def _allocations(ws: Worksheet, sp: ScenarioPack) -> None:
    columns = [
        Column("level"),
        Column("name"),
        Column("budget", money_format(sp.currency)),
        Column("hours", HOURS),
        Column("start_month", TEXT),
        Column("locked"),
    ]
    rows = [
        [a.level, a.name, a.budget, a.hours, str(a.start_month) if a.start_month else "", "yes" if a.locked else "no"]
        for a in sp.scenario.allocations.values()
    ]
    _write_sheet(ws, columns, rows)


def _assumption_format(key: str, value: float, currency: str) -> str:
    """The cell format that shows the value as the app and the PDF print it (one definition in the domain)."""
    return assumption_cell_format(key, value, currency)


def _assumptions(ws: Worksheet, sp: ScenarioPack) -> None:
    a = sp.scenario.assumptions
    columns = [
        Column("level"),
        Column("name"),
        Column("key"),
        Column("value"),
        Column("low"),
        Column("high"),
        Column("What it is", importable=False),
        Column("Typical", importable=False, max_width=60),
    ]
    rows: list[list[Any]] = [
        [
            "plan",
            "",
            "period_start",
            str(a.period_start),
            "",
            "",
            "First month of the plan period",
            "12 months from here",
        ],
        ["plan", "", "currency", a.currency, "", "", "Currency", "3-letter code"],
    ]
    formats: list[str | None] = [TEXT, TEXT]
    if a.market_attribute is not None:
        rows.append(["plan", "", "market_attribute", a.market_attribute, "", "", "Market attribute", "unit attribute"])
        formats.append(TEXT)
    for key, spec in (*FUNNEL_KEYS.items(), *PLAN_KEYS.items()):
        ends = a.ranges.get(key, {})
        rows.append(["plan", "", key, a.values[key], ends.get("low", ""), ends.get("high", ""), spec.label, spec.hint])
        formats.append(_assumption_format(key, a.values[key], a.currency))
    for level, table in (("region", a.region_overrides), ("territory", a.territory_overrides)):
        for name, overrides in table.items():
            for key, value in overrides.items():
                spec = FUNNEL_KEYS[key]
                rows.append([level, name, key, value, "", "", f"{spec.label} ({level} {name})", spec.hint])
                formats.append(_assumption_format(key, value, a.currency))
    _write_sheet(ws, columns, rows)
    for r, number_format in enumerate(formats, start=2):
        if number_format:
            for column in (4, 5, 6):  # value, low and high print alike
                ws.cell(row=r, column=column).number_format = number_format


def _assignments(ws: Worksheet, pack: Pack, sp: ScenarioPack) -> None:
    layer = pack.plan.layer
    names = layer.units["name"]
    assignment = sp.scenario.assignment
    rows = [[str(u), assignment[str(u)], str(names.loc[u])] for u in layer.units.index if str(u) in assignment]
    columns = [
        Column("unit_id", TEXT),
        Column("territory"),
        Column(f"{layer.unit_noun.capitalize()} name", importable=False),
    ]
    _write_sheet(ws, columns, rows)


def _flags(ws: Worksheet, sp: ScenarioPack) -> None:
    columns = [
        Column("Severity", importable=False),
        Column("Code", importable=False),
        Column("About", importable=False),
        Column("Subject", importable=False),
        Column("Message", importable=False, max_width=110, wrap=True),
    ]
    rows = [[SEVERITY_TEXT[f.severity], f.code, f.subject_type, f.subject, f.message] for f in sp.report.flags]
    _write_sheet(ws, columns, rows)
    for r, flag in enumerate(sp.report.flags, start=2):
        if flag.blocking:
            ws.cell(row=r, column=1).fill = _STATUS_FILL["unfunded"]
            ws.cell(row=r, column=1).font = _BOLD


def money_cents_format(currency: str) -> str:
    """An Excel number format with cents, e.g. ``"$"#,##0.00``: the budget sheet's figures add up to the cent."""
    symbol = currency_symbol(currency).replace('"', "")
    return f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00'


def _budget(ws: Worksheet, pack: Pack) -> None:
    """The budget reconciliation of every exported scenario, to the cent."""
    columns = [
        Column("Scenario", importable=False),
        Column("", importable=False),
        Column("What", importable=False),
        Column("Amount", importable=False),
    ]
    rows: list[list[Any]] = []
    formats: list[str] = []
    for sp in pack.scenarios:
        for sign, what, amount in reconcile(sp.report).exact_rows():
            rows.append([sp.name, sign, what, round(amount, 2)])
            formats.append(money_cents_format(sp.currency))
    _write_sheet(ws, columns, rows)
    for r, number_format in enumerate(formats, start=2):
        ws.cell(row=r, column=4).number_format = number_format
        if rows[r - 2][1] == "=":
            for c in (3, 4):
                ws.cell(row=r, column=c).font = _BOLD
    ws.column_dimensions["D"].width = 20


def _regions(ws: Worksheet, pack: Pack) -> None:
    """The region rollup of every exported scenario."""
    columns = [
        Column("Scenario", importable=False),
        Column("Region", importable=False),
        Column("Territories", INTEGER, importable=False),
        Column("Funding status", importable=False),
        Column("Revenue target", importable=False),
        Column("Program spend needed", importable=False),
        Column("Marketing hours needed", HOURS, importable=False),
        Column("Region pool", importable=False),
        Column("Pool drawn by its territories", importable=False),
        Column("Own allocations", importable=False),
        Column("Marketing hours allocated", HOURS, importable=False),
        Column("Gap", importable=False),
    ]
    rows: list[list[Any]] = []
    statuses: list[str | None] = []
    currencies: list[str] = []
    for sp in pack.scenarios:
        for r in region_rollup(sp.report, sp.scenario):
            given = r.pool_hours + r.own_hours
            rows.append(
                [
                    sp.name,
                    r.label,
                    r.territories,
                    status_label(r.status) if r.status else "no territory",
                    r.target,
                    r.required_spend,
                    r.required_hours,
                    r.pool_budget,
                    r.pool_drawn,
                    r.own_budget,
                    given if allocated_hours_text(given) != "plan pool" else "plan pool",
                    r.gap,
                ]
            )
            statuses.append(r.status)
            currencies.append(sp.currency)
    _write_sheet(ws, columns, rows)
    _status_fill(ws, 4, statuses)
    for row, currency in enumerate(currencies, start=2):
        for c in (5, 6, 8, 9, 10, 12):
            ws.cell(row=row, column=c).number_format = money_format(currency)


def _scenarios(ws: Worksheet, pack: Pack) -> None:
    columns = [
        Column("Scenario", importable=False),
        Column("Verdict", importable=False, max_width=90, wrap=True),
        Column("Territories funded", INTEGER, importable=False),
        Column("At risk", INTEGER, importable=False),
        Column("Unfunded", INTEGER, importable=False),
        Column("Hires funded", INTEGER, importable=False),
        Column("Hires not funded", INTEGER, importable=False),
        Column("Revenue target", importable=False),
        Column("Program spend needed", importable=False),
        Column("Allocated budget", importable=False),
        Column("Marketing budget", importable=False),
        Column("Blocking flags", INTEGER, importable=False),
    ]
    rows = []
    for sp in pack.scenarios:
        t = sp.report.totals
        rows.append(
            [
                sp.name,
                sp.report.verdict(),
                t.funded,
                t.at_risk,
                t.unfunded,
                t.hires_funded,
                t.hires_at_risk + t.hires_unfunded,
                t.revenue_target,
                t.required_spend,
                t.allocated_budget,
                t.marketing_budget,
                t.blocking_flags,
            ]
        )
    _write_sheet(ws, columns, rows)
    for r, sp in enumerate(pack.scenarios, start=2):
        for c in (8, 9, 10, 11):
            ws.cell(row=r, column=c).number_format = money_format(sp.currency)


def _about(ws: Worksheet, pack: Pack) -> None:
    first = pack.scenarios[0]
    lines = [
        ("Plan", pack.plan_name),
        ("Scenario in the plan sheets", first.name),
        ("Exported", date_label(pack.created)),
        ("Plan period from", first.report.period_start.label()),
        ("Verdict", first.report.verdict()),
        ("", ""),
        (
            "Blue headers",
            "Columns that import back into a plan (territory-planner import workbook PLAN FILE.xlsx). "
            "Edit them here and import the workbook to apply the changes; the territories, assignments, sellers, "
            "allocations and assumptions of the scenario are replaced by the workbook's.",
        ),
        ("Yellow headers", "Figures of the check, for reading; they are recomputed after an import."),
        ("Statuses", "; ".join(f"{status_label(s)}" for s in STATUS_TEXT)),
        ("Rates", "Rates and shares are fractions shown as percentages (25 % is stored as 0.25)."),
    ]
    if len(pack.scenarios) > 1:
        lines.append(
            (
                "Every scenario",
                f"The sheets {', '.join(ALL_SCENARIO_SHEETS)} list all {len(pack.scenarios)} exported scenarios "
                f"({', '.join(sp.name for sp in pack.scenarios)}), one Scenario column first, for reading and "
                f"filtering; the plan sheets (blue headers) hold {first.name}, the scenario that imports back.",
            )
        )
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 110
    for r, (label, text) in enumerate(lines, start=1):
        _put(ws, r, 1, label).font = _BOLD
        _put(ws, r, 2, text).alignment = _WRAP


def _handshake(ws: Worksheet, pack: Pack) -> None:
    """The written handshake (stages, handoff, SLA, lead quality), the joint KPIs and, for each exported scenario,
    its agreed conversion rates with the benchmark range beside each; then each scenario's status and sign-offs."""
    bold_rows: list[int] = []
    rows: list[tuple[str, str, str, str]] = []

    def heading(text: str) -> None:
        if rows:
            rows.append(("", "", "", ""))
        rows.append((text, "", "", ""))
        bold_rows.append(len(rows))

    first = handshake_facts(pack, pack.scenarios[0])
    heading("The handshake both teams sign")
    for title, text in first.sections:
        rows.append((title, text or "Not written yet", "", ""))
    heading("Joint KPIs (KPI, target, owner)")
    for name, target, owner in first.kpis or [("None agreed yet", "", "")]:
        rows.append((name, target, owner, ""))
    for sp in pack.scenarios:
        heading(f"Agreed conversion rates — scenario {sp.name} (stage, value, benchmark, the plan's own range)")
        for label, shown, benchmark, own in handshake_facts(pack, sp).rates:
            rows.append((label, shown, benchmark, own))
    heading("Sign-off (scenario, status, who and when, approved with)")
    for sp in pack.scenarios:
        facts = sign_off_facts(pack, sp)
        rows.append((sp.name, facts.line, "\n".join(facts.sign_offs), facts.note))
    for letter, width in zip("ABCD", (40, 90, 44, 44), strict=True):
        ws.column_dimensions[letter].width = width
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value)
            cell.alignment = _WRAP
            if r in bold_rows or c == 1:
                cell.font = _BOLD


def _comments(ws: Worksheet, pack: Pack) -> None:
    """Every comment on the exported scenarios and the things in them: about what, who, when, text, state."""
    columns = [
        Column("Scenario", importable=False),
        Column("About", importable=False),
        Column("Author", importable=False),
        Column("When", importable=False),
        Column("Comment", importable=False, max_width=90, wrap=True),
        Column("State", importable=False),
    ]
    rows = [
        [sp.name, c.about, c.author, c.at, c.text, "resolved" if c.resolved else "open"]
        for sp in pack.scenarios
        for c in comment_facts(pack, sp)
    ]
    _write_sheet(ws, columns, rows)


#: The detail sheets that list every exported scenario (a Scenario column first) when several are exported.
ALL_SCENARIO_SHEETS = ("All territories", "All sellers", "All allocations", "All assumptions", "All flags")


def _all_scenarios(ws: Worksheet, pack: Pack, fill: Any) -> None:
    """One detail sheet for every exported scenario: the rows ``fill(sheet, scenario)`` writes for each one, with
    a ``Scenario`` column first. The sheet is for reading (headers shaded as figures); the plan sheets are what
    imports back. The rows are built on a scratch sheet and copied with their formats, so each scenario's rows
    read exactly like the first scenario's own sheet."""
    scratch = Workbook()
    out = 1
    widths: dict[int, float] = {1: len("Scenario") + 2}
    for index, sp in enumerate(pack.scenarios):
        source = scratch.create_sheet()
        fill(source, sp)
        for r, row in enumerate(source.iter_rows(), start=1):
            if r == 1 and index:
                continue  # one header row
            cell = _put(ws, out, 1, "Scenario" if r == 1 else sp.name)
            if r == 1:
                cell.font, cell.fill, cell.border = _BOLD, _FIGURE_FILL, _HEADER_BORDER
            else:
                widths[1] = min(max(widths[1], len(sp.name) + 2), 40)
            for c, src in enumerate(row, start=2):
                new = ws.cell(row=out, column=c)
                new.value = src.value  # already guarded on the scratch sheet
                new.data_type = src.data_type
                new.number_format = src.number_format
                new.font, new.fill = copy.copy(src.font), copy.copy(src.fill)
                new.border, new.alignment = copy.copy(src.border), copy.copy(src.alignment)
                if r == 1:
                    new.fill = _FIGURE_FILL
            out += 1
        for letter, dimension in source.column_dimensions.items():
            column = column_index_from_string(letter) + 1
            widths[column] = max(widths.get(column, 0), dimension.width or 0)
        scratch.remove(source)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "B2"
    if out > 2:
        ws.auto_filter.ref = f"A1:{get_column_letter(max(widths))}{out - 1}"


# --- writing ----------------------------------------------------------------------------------------------------


def build_workbook(pack: Pack, progress: Progress | None = None) -> Workbook:
    """The workbook of the pack's first scenario (plan sheets) plus the verdicts of all its scenarios."""
    report = progress or no_progress
    sp = pack.scenarios[0]
    wb = Workbook()
    first = wb.active
    if first is not None:
        wb.remove(first)
    steps = [
        ("Territories", lambda ws: _territories(ws, sp)),
        ("Sellers", lambda ws: _sellers(ws, sp)),
        ("Allocations", lambda ws: _allocations(ws, sp)),
        ("Assumptions", lambda ws: _assumptions(ws, sp)),
        ("Assignments", lambda ws: _assignments(ws, pack, sp)),
        ("Flags", lambda ws: _flags(ws, sp)),
        ("Scenarios", lambda ws: _scenarios(ws, pack)),
        ("Budget", lambda ws: _budget(ws, pack)),
        ("Regions", lambda ws: _regions(ws, pack)),
        ("Handshake", lambda ws: _handshake(ws, pack)),
        ("About", lambda ws: _about(ws, pack)),
    ]
    if any(comment_facts(pack, sp) for sp in pack.scenarios):
        steps.insert(len(steps) - 1, ("Comments", lambda ws: _comments(ws, pack)))
    if len(pack.scenarios) > 1:  # every scenario's detail, not just the first's (issue 16 §3 item 9)
        fills = (_territories, _sellers, _allocations, _assumptions, _flags)
        at = next(i for i, (title, _) in enumerate(steps) if title == "Scenarios") + 1
        steps[at:at] = [
            (title, functools.partial(_all_scenarios, pack=pack, fill=fill))
            for title, fill in zip(ALL_SCENARIO_SHEETS, fills, strict=True)
        ]
    for i, (title, fill) in enumerate(steps):
        report(i / len(steps), f"Writing the {title} sheet")
        fill(wb.create_sheet(title))
    report(1.0, "Workbook ready")
    return wb


class _InMemoryWriter(ExcelWriter):
    """openpyxl's workbook writer with each sheet's XML built in memory.

    The stock writer puts every sheet in a file ``openpyxl.*`` of the system temp folder first; an export that is
    killed there leaves that file for ever.
    """

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        sheet = WorksheetWriter(ws, out=io.BytesIO())
        sheet.write()
        ws._rels = sheet._rels
        self._archive.writestr(ws.path[1:], sheet.out.getvalue())
        self.manifest.append(ws)


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file, made without temp files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryWriter(wb, archive).save()
    return buffer.getvalue()


def write_workbook(pack: Pack, path: str | Path, progress: Progress | None = None) -> None:
    """Write the workbook to ``path`` (no temp file; see :func:`export_workbook`); every write is checked."""
    write_bytes(path, workbook_bytes(build_workbook(pack, progress)))


def export_workbook(pack: Pack, target: str | Path, progress: Progress | None = None) -> Path:
    """Write the workbook atomically; raises ExportError (keeping the old file, leaving no temp) on failure."""
    if Path(target).suffix.lower() != ".xlsx":
        raise ExportError(f"The workbook must be saved as an .xlsx file, not {Path(target).name}.")
    return export_file(target, "workbook", lambda tmp: write_workbook(pack, tmp, progress))
