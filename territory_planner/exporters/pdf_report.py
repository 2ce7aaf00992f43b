"""The leadership report (PDF), painted with QPainter on a QPdfWriter: text, tables and the map stay vector.

Contents: a cover (plan, scenarios, date, verdict and totals), then per scenario the map (territory labels, planned
hires, legends), the territory table, the planned-hire table, the flags in plain language, the agreed assumptions
(plan values and overrides) and the allocations; with two or more scenarios, a comparison of each with the first.

Status never relies on colour: every status is a word with a symbol of its own shape (circle ✓, triangle !,
square ✗), and the map hatches at-risk and unfunded territories. Fonts are the system's general font.

The page is laid out at 96 dots per inch so that the map painter's pixel sizes (pens, hatching) keep their look.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from .. import render
from ..domain import Report
from ..domain.budget import allocated_hours_text, reconcile, territory_amounts
from ..domain.comparison import ROUND_OFF, TerritoryChange, allocation_moves, territory_changes
from ..domain.decisions import decisions_of
from ..domain.formatting import hours, money
from .atomic import export_file, write_bytes
from .pack import (
    STATUS_TEXT,
    ExportError,
    Pack,
    Progress,
    ScenarioPack,
    assumption_rows,
    budget_lines,
    comment_facts,
    date_label,
    handshake_facts,
    month_label,
    no_progress,
    sign_off_facts,
    unplaced_hires,
)
from .png_map import StaticMap, base_font, draw_status_icon, ensure_gui_application

DPI = 96
PAGE_SIZES = {"letter": QPageSize.PageSizeId.Letter, "a4": QPageSize.PageSizeId.A4}
INK = QColor("#1c2430")
MUTED = QColor("#55606e")
RULE = QColor("#b8c0ca")
ZEBRA = QColor("#f2f4f7")
PDF_MAP_STYLE = dataclasses.replace(render.DEFAULT_STYLE, unit_border_alpha=255)


@dataclass(frozen=True)
class Status:
    """A table cell showing a funding status as symbol and word."""

    status: str
    text: str = ""

    @property
    def label(self) -> str:
        return self.text or STATUS_TEXT[self.status]


Cell = str | Status


@dataclass(frozen=True)
class Col:
    header: str
    weight: float
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft


@dataclass
class _Fonts:
    body: QFont = field(default_factory=lambda: base_font(9.5))
    small: QFont = field(default_factory=lambda: base_font(8))
    bold: QFont = field(default_factory=lambda: base_font(9.5, bold=True))
    h1: QFont = field(default_factory=lambda: base_font(24, bold=True))
    h2: QFont = field(default_factory=lambda: base_font(15, bold=True))
    h3: QFont = field(default_factory=lambda: base_font(11.5, bold=True))
    verdict: QFont = field(default_factory=lambda: base_font(13, bold=True))


class _Layout:
    """A cursor over the pages: text blocks, tables with repeated headers, page header and footer."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, pack: Pack) -> None:
        self.writer = writer
        self.painter = painter
        self.pack = pack
        self.fonts = _Fonts()
        self.page_rect = QRectF(writer.pageLayout().paintRectPixels(DPI))
        self.page_rect.moveTo(0, 0)
        self.top = self.page_rect.top() + 26
        self.bottom = self.page_rect.bottom() - 24
        self.left = self.page_rect.left()
        self.width = self.page_rect.width()
        self.y = self.top
        self.page = 1
        self.running_head = ""
        self._decorate()

    # -- pages -------------------------------------------------------------------------------------------------

    def _decorate(self) -> None:
        p = self.painter
        p.save()
        p.setFont(self.fonts.small)
        p.setPen(MUTED)
        r = self.page_rect
        p.drawText(QRectF(r.left(), r.top(), r.width() * 0.65, 16), Qt.AlignmentFlag.AlignLeft, self.pack.plan_name)
        p.drawText(
            QRectF(r.left() + r.width() * 0.35, r.top(), r.width() * 0.65, 16),
            Qt.AlignmentFlag.AlignRight,
            self.running_head,
        )
        p.setPen(QPen(RULE, 0.6))
        p.drawLine(QPointF(r.left(), r.top() + 17), QPointF(r.right(), r.top() + 17))
        footer = f"Territory Planner leadership pack · exported {date_label(self.pack.created)} · page {self.page}"
        p.setPen(MUTED)
        p.drawText(QRectF(r.left(), r.bottom() - 14, r.width(), 14), Qt.AlignmentFlag.AlignRight, footer)
        p.restore()

    def new_page(self, section: str | None = None) -> None:
        if not self.writer.newPage():
            raise ExportError("The PDF writer could not start a new page (is the disk full?).")
        self.page += 1
        if section is not None:
            self.running_head = section
        self.y = self.top
        self._decorate()

    def room(self) -> float:
        return self.bottom - self.y

    def need(self, height: float) -> None:
        if self.y + height > self.bottom and self.y > self.top:
            self.new_page()

    # -- text --------------------------------------------------------------------------------------------------

    def measure(self, text: str, font: QFont, width: float) -> QRectF:
        self.painter.setFont(font)
        return self.painter.boundingRect(QRectF(0, 0, width, 100000), Qt.TextFlag.TextWordWrap, text)

    def text(
        self, text: str, font: QFont | None = None, *, color: QColor = INK, indent: float = 0, after: float = 4
    ) -> None:
        font = font or self.fonts.body
        width = self.width - indent
        height = self.measure(text, font, width).height()
        self.need(height)
        self.painter.save()
        self.painter.setFont(font)
        self.painter.setPen(color)
        self.painter.drawText(QRectF(self.left + indent, self.y, width, height + 2), Qt.TextFlag.TextWordWrap, text)
        self.painter.restore()
        self.y += height + after

    def icon_text(self, status: str, text: str, font: QFont | None = None) -> None:
        """A line led by a status symbol (used for flags and counts)."""
        font = font or self.fonts.body
        icon = 11.0
        width = self.width - 22
        height = max(self.measure(text, font, width).height(), icon + 2)
        self.need(height)
        draw_status_icon(self.painter, QPointF(self.left + 7, self.y + 7.5), icon, status)
        self.painter.save()
        self.painter.setFont(font)
        self.painter.setPen(INK)
        self.painter.drawText(QRectF(self.left + 20, self.y, width, height + 2), Qt.TextFlag.TextWordWrap, text)
        self.painter.restore()
        self.y += height + 4

    # -- tables ------------------------------------------------------------------------------------------------

    def _metrics(
        self, columns: Sequence[Col], rows: Sequence[Sequence[Cell]], font: QFont
    ) -> tuple[list[float], float, list[float]]:
        """Column widths, header height and row heights of a table."""
        bold = QFont(font)
        bold.setWeight(QFont.Weight.Bold)
        total = sum(c.weight for c in columns)
        widths = [self.width * c.weight / total for c in columns]

        def row_height(cells: Sequence[Cell], f: QFont) -> float:
            heights = []
            for cell, w in zip(cells, widths, strict=True):
                if isinstance(cell, Status):
                    heights.append(self.measure(cell.label, bold, w - 2 * _PAD - _ICON - 4).height())
                else:
                    heights.append(self.measure(cell, f, w - 2 * _PAD).height())
            return max(heights) + 2 * _PAD

        return widths, row_height([c.header for c in columns], bold), [row_height(cells, font) for cells in rows]

    def section(
        self,
        title: str,
        columns: Sequence[Col] | None = None,
        rows: Sequence[Sequence[Cell]] = (),
        *,
        intro: str = "",
        level: int = 2,
        font: QFont | None = None,
        lines: Sequence[tuple[str, str]] = (),
    ) -> None:
        """A heading with an optional intro, then a table or status lines, kept together when they fit a page."""
        font = font or self.fonts.body
        heading_font = self.fonts.h2 if level == 2 else self.fonts.h3
        head = 6 + self.measure(title, heading_font, self.width).height() + 6
        if intro:
            head += self.measure(intro, self.fonts.small, self.width).height() + 8
        if columns is not None:
            _, header_h, heights = self._metrics(columns, rows, font)
            body = header_h + sum(heights) + 8
            first = header_h + (heights[0] if heights else 0)
        else:
            sizes = [self.measure(text, font, self.width - 22).height() + 4 for _, text in lines]
            body, first = sum(sizes), (sizes[0] if sizes else 0)
        fits_a_page = head + body <= self.bottom - self.top
        if self.y > self.top and ((head + body > self.room() and fits_a_page) or head + first > self.room()):
            self.new_page()
        self.y += 6 if self.y > self.top else 0
        self.text(title, heading_font, after=6)
        if intro:
            self.text(intro, self.fonts.small, color=MUTED, after=8)
        if columns is not None:
            self.table(columns, rows, font=font)
        for status, text in lines:
            self.icon_text(status, text, font)

    def table(self, columns: Sequence[Col], rows: Sequence[Sequence[Cell]], *, font: QFont | None = None) -> None:
        """A table across the page width; long tables continue on the next page under a repeated header."""
        font = font or self.fonts.body
        header_font = QFont(font)
        header_font.setWeight(QFont.Weight.Bold)
        widths, header_h, heights = self._metrics(columns, rows, font)

        def draw_header() -> None:
            p = self.painter
            p.save()
            p.fillRect(QRectF(self.left, self.y, self.width, header_h), QColor("#dde3ea"))
            p.setFont(header_font)
            p.setPen(INK)
            x = self.left
            for column, w in zip(columns, widths, strict=True):
                flags = column.align | Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignBottom
                p.drawText(QRectF(x + _PAD, self.y + _PAD, w - 2 * _PAD, header_h - 2 * _PAD), flags, column.header)
                x += w
            p.setPen(QPen(INK, 0.8))
            p.drawLine(QPointF(self.left, self.y + header_h), QPointF(self.left + self.width, self.y + header_h))
            p.restore()
            self.y += header_h

        whole = header_h + sum(heights)
        if whole > self.room() and whole <= self.bottom - self.top:
            self.new_page()  # keep a table that fits on one page together
        self.need(header_h + (heights[0] if heights else 0))
        draw_header()
        for i, cells in enumerate(rows):
            h = heights[i]
            if self.y + h > self.bottom:
                self.new_page()
                draw_header()
            p = self.painter
            p.save()
            if i % 2 == 1:
                p.fillRect(QRectF(self.left, self.y, self.width, h), ZEBRA)
            p.setFont(font)
            x = self.left
            for cell, column, w in zip(cells, columns, widths, strict=True):
                box = QRectF(x + _PAD, self.y + _PAD, w - 2 * _PAD, h - 2 * _PAD)
                if isinstance(cell, Status):
                    draw_status_icon(p, QPointF(box.left() + _ICON / 2, box.top() + 7), _ICON, cell.status)
                    box.setLeft(box.left() + _ICON + 4)
                    p.setFont(header_font)
                    p.setPen(INK)
                    p.drawText(box, Qt.TextFlag.TextWordWrap | column.align, cell.label)
                    p.setFont(font)
                else:
                    p.setPen(INK)
                    p.drawText(box, Qt.TextFlag.TextWordWrap | column.align, cell)
                x += w
            p.setPen(QPen(RULE, 0.4))
            p.drawLine(QPointF(self.left, self.y + h), QPointF(self.left + self.width, self.y + h))
            p.restore()
            self.y += h
        self.y += 8


_PAD = 4.0
_ICON = 10.0


# --- content ------------------------------------------------------------------------------------------------------

RIGHT = Qt.AlignmentFlag.AlignRight


def _cover(doc: _Layout) -> None:
    pack = doc.pack
    f = doc.fonts
    doc.y = doc.top + 40
    doc.text("Leadership pack", f.h3, color=MUTED, after=2)
    doc.text(pack.plan_name, f.h1, after=8)
    first = pack.scenarios[0].report
    end = first.period_start.plus(11)
    names = ", ".join(sp.name for sp in pack.scenarios)
    doc.text(
        f"Scenario{'s' if len(pack.scenarios) > 1 else ''}: {names}\n"
        f"Plan period {first.period_start.label()} – {end.label()} · exported {date_label(pack.created)}",
        f.body,
        color=MUTED,
        after=18,
    )
    for sp in pack.scenarios:
        report = sp.report
        t = report.totals
        doc.text(f"Scenario {sp.name}", f.h3, after=2)
        signed = sign_off_facts(pack, sp)
        doc.text(f"Status: {signed.line}", f.bold, color=INK if signed.status == "approved" else MUTED, after=2)
        for line in signed.sign_offs:
            doc.text(f"• {line}", f.small, indent=4, after=2)
        if signed.note:
            doc.text(signed.note, f.bold, after=2)
        doc.y += 4
        doc.text(report.verdict(), f.verdict, after=6)
        for status, n, m in (
            ("funded", t.funded, t.hires_funded),
            ("at_risk", t.at_risk, t.hires_at_risk),
            ("unfunded", t.unfunded, t.hires_unfunded),
        ):
            doc.icon_text(
                status, f"{STATUS_TEXT[status]}: {n} of {t.territories} territories, {m} of {t.hires} planned hires"
            )
        for line in budget_lines(report):
            doc.text(f"• {line}", f.body, indent=4, after=2)
        doc.y += 14
    doc.text(
        "How to read this pack: every territory and planned hire is judged on whether its marketing allocation covers "
        "the program spend its sellers need (the reverse funnel of the agreed assumptions). Funded ✓ means covered; "
        "at risk ! means short within the agreed tolerance; unfunded ✗ means short beyond it or not allocated at all. "
        "The symbols' shapes (circle, triangle, square) and the map's hatching carry the status in black and white.",
        f.small,
        color=MUTED,
    )


def _map_page(doc: _Layout, static: StaticMap, index: int) -> None:
    sp = doc.pack.scenarios[index]
    doc.new_page(f"Scenario {sp.name}")
    doc.section(f"Map — scenario {sp.name}", lines=[])
    doc.text(sp.report.verdict(), doc.fonts.bold, after=6)
    missing = unplaced_hires(sp, doc.pack.plan.layer.unit_noun)
    if missing:
        doc.text("Planned hires not on the map: " + "; ".join(missing) + ".", doc.fonts.small, color=MUTED)
    rect = QRectF(doc.left, doc.y, doc.width, doc.bottom - doc.y)
    doc.painter.save()
    doc.painter.setPen(QPen(RULE, 0.6))
    # Opaque thin borders: Qt turns every semi-transparent stroke into a filled outline in PDF (several MB a map).
    static.paint(doc.painter, rect, index, style=PDF_MAP_STYLE)
    doc.painter.setBrush(Qt.BrushStyle.NoBrush)
    doc.painter.drawRect(rect)
    doc.painter.restore()
    doc.y = doc.bottom


def _territory_table(doc: _Layout, sp: ScenarioPack) -> None:
    cur = sp.currency
    doc.new_page(f"Scenario {sp.name}")
    columns = [
        Col("Territory", 2.1),
        Col("Region", 1.1),
        Col("Status", 1.6),
        Col("Sellers + hires", 0.85, RIGHT),
        Col("Revenue target", 1.0, RIGHT),
        Col("Spend needed", 1.0, RIGHT),
        Col("Allocated", 1.0, RIGHT),
        Col("Gap", 0.9, RIGHT),
        Col("Break-even CPL", 0.9, RIGHT),
        Col("Hours needed / allocated", 1.75, RIGHT),
    ]
    rows: list[list[Cell]] = []
    amounts = territory_amounts(sp.report.territories)  # to the cent, so the column sums are the totals row
    for facts in sp.territories:
        r = facts.result
        a = amounts[r.territory]
        rows.append(
            [
                r.territory,
                r.region or "—",
                Status(r.status),
                f"{r.existing_sellers} + {r.planned_hires}",
                money(r.target, cur),
                money(a.required, cur),
                money(a.allocated, cur) + (" †" if r.funding == "region" else ""),
                money(a.gap, cur),
                money(r.break_even_cpl, cur),
                f"{hours(r.required_hours)} / {allocated_hours_text(r.allocated_hours)}",
            ]
        )
    t = sp.report.totals
    rec = reconcile(sp.report)
    rows.append(
        [
            "All territories",
            "",
            f"{t.funded} funded, {t.at_risk} at risk, {t.unfunded} unfunded",
            "",
            money(t.revenue_target, cur),
            money(rec.required, cur),
            money(rec.drawn, cur),
            money(rec.net_gap, cur),
            "",
            f"{hours(t.required_hours)} / {hours(t.marketing_hours)} team",
        ]
    )
    doc.section(
        f"Territories — scenario {sp.name}",
        columns,
        rows,
        intro="Spend needed is the program spend marketing must make for the leads the territory's sellers need; gap "
        "is the allocation minus that (negative = short). Break-even CPL is the cost per lead at which the allocation "
        "would be enough. † marks a share of the region's pooled budget. Hours: 'plan pool' means the allocation "
        "gives no hours of its own, so the territory draws on the team's hours for the whole plan (totals row).",
    )
    doc.text(
        f"The Gap column sums to {money(rec.net_gap, cur)}: {rec.short_text()} and {rec.surplus_text()}. "
        + " ".join(rec.lines()[:1]),
        doc.fonts.small,
        color=MUTED,
    )


def _hire_table(doc: _Layout, sp: ScenarioPack) -> None:
    cur = sp.currency
    title = f"Planned hires — scenario {sp.name}"
    if not sp.report.hires:
        doc.section(title, lines=[("funded", "This scenario has no planned hires.")])
        return
    columns = [
        Col("Planned hire", 1.8),
        Col("Territory", 1.6),
        Col("Starts", 0.9),
        Col("Ramp", 0.8, RIGHT),
        Col("Annual quota", 1.0, RIGHT),
        Col("Quota in period", 1.0, RIGHT),
        Col("Extra spend", 1.0, RIGHT),
        Col("Fund pipeline by", 1.1),
        Col("Status", 1.3),
    ]
    rows: list[list[Cell]] = [
        [
            h.seller,
            h.territory or "—",
            month_label(h.start_month),
            f"{h.ramp_months} mo",
            money(h.annual_quota, cur),
            money(h.period_quota, cur),
            money(h.marginal_spend, cur),
            month_label(h.fund_by_month),
            Status(h.status),
        ]
        for h in sp.report.hires
    ]
    doc.section(
        title,
        columns,
        rows,
        intro="A hire is funded when what is left of their territory's allocation, after the sellers before them are "
        "covered, pays for the extra program spend their quota needs. Pipeline must start one sales cycle before their "
        "start month.",
    )


def _flags(doc: _Layout, sp: ScenarioPack) -> None:
    flags = sp.report.flags
    title = f"Flags — scenario {sp.name}"
    if not flags:
        doc.section(title, lines=[("funded", "No flags: nothing stands in the way of this plan.")])
        return
    blocking = [("unfunded", f"Blocking: {f.message}") for f in flags if f.blocking]
    warnings = [("at_risk", f"Warning: {f.message}") for f in flags if not f.blocking]
    doc.section(title, intro="Blocking flags stand in the way of signing offers; warnings are worth a look.", lines=[])
    if blocking:
        doc.section(f"To resolve before offers are signed ({len(blocking)})", lines=blocking, level=3)
    if warnings:
        doc.section(f"Worth a look ({len(warnings)})", lines=warnings, level=3)


def _assumptions(doc: _Layout, sp: ScenarioPack) -> None:
    doc.new_page(f"Scenario {sp.name}")
    rows: list[list[Cell]] = [[what, value, note] for what, value, note in assumption_rows(sp.scenario)]
    doc.section(
        f"What both teams agreed — scenario {sp.name}",
        [Col("Assumption", 3), Col("Value", 1.3, RIGHT), Col("Note", 3)],
        rows,
        intro="The funnel handshake behind every figure: plan values first, then the overrides of regions and "
        "territories.",
        font=doc.fonts.small,
    )
    allocations = list(sp.scenario.allocations.values())
    if not allocations:
        doc.section("Marketing allocations", lines=[("unfunded", "No budget or hours are allocated.")], level=3)
        return
    cur = sp.currency
    doc.section(
        "Marketing allocations",
        [Col("Given to", 2.5), Col("Budget", 1.2, RIGHT), Col("Hours", 1.2, RIGHT), Col("Money from", 1.2)],
        [
            [
                f"{a.level.capitalize()} {a.name}",
                money(a.budget, cur),
                "—" if allocated_hours_text(a.hours) == "plan pool" else hours(a.hours),  # 0: none at this level
                month_label(a.start_month),
            ]
            for a in allocations
        ],
        level=3,
        font=doc.fonts.small,
    )


def _compare(doc: _Layout, a: ScenarioPack, b: ScenarioPack) -> None:
    """The comparison of ``b`` with ``a``, money first: the allocations that moved, the hires and the territories
    whose status changed, other real changes, the totals, and last the round-off changes as a detail table
    (``domain.comparison``: same status and sellers, every figure within ROUND_OFF)."""
    cur = a.currency

    def m(v: float) -> str:
        return money(v, cur)

    def signed(v: float) -> str:
        return ("+" if v > 0 else "−" if v < 0 else "±") + money(abs(v), cur)

    doc.new_page("Comparison")
    doc.section(f"Comparison — {a.name} → {b.name}", lines=[])
    doc.text(f"{a.name}: {a.report.verdict()}", doc.fonts.body, after=2)
    doc.text(f"{b.name}: {b.report.verdict()}", doc.fonts.bold, after=8)

    moves = allocation_moves(a.scenario, b.scenario)
    if moves:
        total_a, total_b = a.report.totals.allocated_budget, b.report.totals.allocated_budget
        doc.section(
            "What changed in money — marketing allocations",
            [Col("Allocation", 2.6), Col(a.name, 1.6, RIGHT), Col(b.name, 1.6, RIGHT), Col("Change", 1.2, RIGHT)],
            [
                *[
                    [
                        mv.label,
                        m(mv.budget_a) if mv.a else "none",
                        m(mv.budget_b) if mv.b else "none",
                        signed(mv.change),
                    ]
                    for mv in moves
                ],
                ["Allocated in all", m(total_a), m(total_b), signed(total_b - total_a)],
            ],
            level=3,
        )
    else:
        doc.section("What changed in money", lines=[("funded", "No allocation moved.")], level=3)

    ha = {h.seller: h for h in a.report.hires}
    hb = {h.seller: h for h in b.report.hires}
    hires: list[list[Cell]] = []
    for name in dict.fromkeys([*ha, *hb]):
        hx, hy = ha.get(name), hb.get(name)
        if hx and hy and hx.status == hy.status and hx.start_month == hy.start_month and hx.territory == hy.territory:
            continue
        hires.append(
            [
                name,
                Status(hx.status, f"{STATUS_TEXT[hx.status]}, starts {month_label(hx.start_month)}")
                if hx
                else "not planned",
                Status(hy.status, f"{STATUS_TEXT[hy.status]}, starts {month_label(hy.start_month)}")
                if hy
                else "not planned",
            ]
        )
    if hires:
        doc.section(
            "Planned hires that changed",
            [Col("Planned hire", 2.2), Col(a.name, 2.4), Col(b.name, 2.4)],
            hires,
            level=3,
        )
    else:
        doc.section("Planned hires that changed", lines=[("funded", "No planned hire changed.")], level=3)

    changes = territory_changes(a.report, b.report)

    def row(change: TerritoryChange) -> list[Cell]:
        x, y = change.a, change.b
        return [
            change.name,
            Status(x.status) if x else "—",
            Status(y.status) if y else "—",
            m(x.allocated_budget) if x else "—",
            m(y.allocated_budget) if y else "—",
            m(x.gap) if x else "—",
            m(y.gap) if y else "—",
        ]

    columns = [
        Col("Territory", 2.0),
        Col(a.name, 1.5),
        Col(b.name, 1.5),
        Col("Allocated before", 1.1, RIGHT),
        Col("Allocated after", 1.1, RIGHT),
        Col("Gap before", 1.0, RIGHT),
        Col("Gap after", 1.0, RIGHT),
    ]
    status_rows = [row(c) for c in changes if c.status_changed]
    other_rows = [row(c) for c in changes if not c.status_changed and not c.round_off]
    if status_rows:
        doc.section("Territories whose status changed", columns, status_rows, level=3)
    else:
        doc.section("Territories whose status changed", lines=[("funded", "No territory changed status.")], level=3)
    if other_rows:
        doc.section(f"Other territories that changed by {m(ROUND_OFF)} or more", columns, other_rows, level=3)

    metrics: list[tuple[str, Callable[[Report], str]]] = [
        (
            "Territories funded / at risk / unfunded",
            lambda r: f"{r.totals.funded} / {r.totals.at_risk} / {r.totals.unfunded}",
        ),
        (
            "Planned hires funded / at risk / unfunded",
            lambda r: f"{r.totals.hires_funded} / {r.totals.hires_at_risk} / {r.totals.hires_unfunded}",
        ),
        ("Revenue target", lambda r: m(r.totals.revenue_target)),
        ("Program spend needed", lambda r: m(r.totals.required_spend)),
        ("Allocated budget", lambda r: m(r.totals.allocated_budget)),
        ("Shortfall", lambda r: m(r.totals.spend_shortfall)),
        ("Marketing hours needed", lambda r: hours(r.totals.required_hours)),
        ("Blocking flags", lambda r: str(r.totals.blocking_flags)),
    ]
    rows: list[list[Cell]] = []
    for label, fn in metrics:
        va, vb = fn(a.report), fn(b.report)
        rows.append([label, va, vb, "changed" if va != vb else ""])
    doc.section(
        "Totals", [Col("Totals", 3), Col(a.name, 1.6, RIGHT), Col(b.name, 1.6, RIGHT), Col("", 0.8)], rows, level=3
    )

    small = [row(c) for c in changes if c.round_off]
    if small:
        doc.section(
            "Detail: round-off changes",
            columns,
            small,
            intro=f"Same status and sellers; every figure moved by less than {m(ROUND_OFF)} (shares of a region pool).",
            level=3,
            font=doc.fonts.small,
        )


# --- writing ------------------------------------------------------------------------------------------------------


def _decisions(doc: _Layout, pack: Pack, sp: ScenarioPack) -> None:
    """What the optimiser and the applied fixes changed in this scenario, and why (nothing when none was made)."""
    found = decisions_of(pack.plan, sp.name)
    if not found:
        return
    doc.new_page(f"Scenario {sp.name}")
    doc.section(
        f"Decisions — scenario {sp.name}",
        intro="What the budget optimiser and the fixes of blocking problems changed in this scenario, and why.",
        lines=[],
    )
    for decision in found:
        doc.section(decision.title, level=3, lines=[])
        for sentence in decision.sentences:
            doc.text(f"•  {sentence}", doc.fonts.body, after=4)


def _handshake(doc: _Layout, pack: Pack) -> None:
    """The handshake page: what both teams agreed a lead, an MQL, an SQL and an opportunity are, the handoff and
    its SLA, the lead-quality standard, the joint KPIs, and each exported scenario's conversion rates beside their
    benchmark ranges."""
    doc.new_page("Handshake")
    facts = handshake_facts(pack, pack.scenarios[0])
    doc.section(
        "The handshake",
        intro="The agreement of sales and marketing behind every figure of this pack: document it, share it, "
        "reinforce it.",
        lines=[],
    )
    rows: list[list[Cell]] = [[title, text or "Not written yet."] for title, text in facts.sections]
    doc.section("Stages, handoff and quality", [Col("", 1.6), Col("Agreed", 4.4)], rows, level=3, font=doc.fonts.small)
    kpis: list[list[Cell]] = [[name, target, owner] for name, target, owner in facts.kpis]
    if kpis:
        doc.section("Joint KPIs", [Col("KPI", 2), Col("Target", 3), Col("Owner", 1)], kpis, level=3)
    else:
        doc.section("Joint KPIs", lines=[("at_risk", "No joint KPIs are agreed yet.")], level=3)
    for sp in pack.scenarios:
        rates: list[list[Cell]] = [
            [label, shown, benchmark, own or "—"] for label, shown, benchmark, own in handshake_facts(pack, sp).rates
        ]
        doc.section(
            f"Agreed conversion rates — scenario {sp.name}",
            [Col("Stage", 2), Col("Agreed", 1, RIGHT), Col("Benchmark", 2.4), Col("Plan's range", 1.6)],
            rates,
            level=3,
        )


def _comments(doc: _Layout, pack: Pack, sp: ScenarioPack) -> None:
    """The comments on the scenario and on its territories, hires and assumptions (open ones first)."""
    found = comment_facts(pack, sp)
    if not found:
        return
    rows: list[list[Cell]] = [
        [c.about, c.text, f"{c.author}, {c.at}", "Resolved" if c.resolved else "Open"] for c in found
    ]
    doc.section(
        f"Comments — scenario {sp.name}",
        [Col("About", 1.6), Col("Comment", 4), Col("Who and when", 1.8), Col("State", 0.8)],
        rows,
        font=doc.fonts.small,
    )


def render_pdf(pack: Pack, progress: Progress | None = None, *, page_size: str = "letter") -> bytes:
    """The report as the bytes of a complete PDF; raises ExportError when Qt could not produce one."""
    report = progress or no_progress
    ensure_gui_application()
    if page_size not in PAGE_SIZES:
        raise ExportError(f"Unknown page size '{page_size}': use {' or '.join(PAGE_SIZES)}.")
    report(0.0, "Preparing the report map")
    static = StaticMap(pack)
    # Qt paints into memory; the file is written by atomic.write_bytes, which checks every write (QPdfWriter on a
    # file reports no write error, so a full disk would give a short PDF that looks written).
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(PAGE_SIZES[page_size]),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(f"{pack.plan_name} — leadership pack")
    writer.setCreator("Territory Planner")
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError("Qt could not start the PDF document.")
    ended = False
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        doc = _Layout(writer, painter, pack)
        report(0.1, "Writing the cover")
        _cover(doc)
        steps = len(pack.scenarios)
        for i, sp in enumerate(pack.scenarios):
            report(0.15 + 0.75 * i / steps, f"Writing scenario {sp.name}")
            _map_page(doc, static, i)
            _territory_table(doc, sp)
            from .pdf_budget import budget_pages  # imports this module: loaded once it is complete

            budget_pages(doc, sp)
            _hire_table(doc, sp)
            _flags(doc, sp)
            _comments(doc, pack, sp)
            _decisions(doc, pack, sp)
            _assumptions(doc, sp)
        for other in pack.scenarios[1:]:
            report(0.92, "Writing the comparison")
            _compare(doc, pack.scenarios[0], other)
        report(0.96, "Writing the handshake")
        _handshake(doc, pack)
        ended = painter.end()
    finally:
        if painter.isActive():
            painter.end()
    data = bytes(buffer.data().data())
    buffer.close()
    if not ended or not is_complete_pdf(data):
        raise ExportError("Qt did not finish the PDF document (it came out incomplete).")
    return data


def is_complete_pdf(data: bytes) -> bool:
    """Whether ``data`` looks like a whole PDF: the header at the start and the end-of-file marker at the end."""
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def write_pdf(pack: Pack, path: str | Path, progress: Progress | None = None, *, page_size: str = "letter") -> None:
    """Paint the report into a PDF at ``path`` (no temp file; see :func:`export_pdf`). Every write is checked."""
    report = progress or no_progress
    data = render_pdf(pack, progress, page_size=page_size)
    write_bytes(path, data)
    report(1.0, "Report written")


def export_pdf(pack: Pack, target: str | Path, progress: Progress | None = None, *, page_size: str = "letter") -> Path:
    """Write the PDF report atomically; raises ExportError (keeping the old file, leaving no temp) on failure."""
    return export_file(target, "PDF report", lambda tmp: write_pdf(pack, tmp, progress, page_size=page_size), ".pdf")
