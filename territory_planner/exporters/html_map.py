"""The interactive leadership map: one self-contained HTML file that works with no network.

Leaflet's JavaScript and CSS come from the ``xstatic-leaflet`` package and are inlined; there is no tile server
(the background is the layer's land with state outlines). folium's class-level ``default_js``/``default_css`` point
at CDNs, so :class:`OfflineMap` overrides them with empty lists of its own.

Every user-supplied string (plan, scenario, territory, region, seller names, flag messages) is data, never source:
it is HTML-escaped where Leaflet inserts it as HTML (tooltips, popups, labels, the layer control), and reaches the
page only inside one JSON data block that a fixed script reads with ``JSON.parse``. branca compiles element text and
macro output as Jinja templates, so no user string may go through folium or branca themselves (see :class:`_Raw`).
"""

from __future__ import annotations

import base64
import html
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from ..domain.budget import allocated_hours_text, reconcile
from ..domain.formatting import hours, money, money_cents
from ..domain.text import printable
from .atomic import atomic_path
from .pack import (
    OUTLINE_COLOR,
    SEVERITY_TEXT,
    STATUS_COLOR,
    STATUS_SYMBOL,
    STATUS_TEXT,
    ExportError,
    Pack,
    Progress,
    ScenarioPack,
    TerritoryFacts,
    date_label,
    month_label,
    no_progress,
    round_coordinates,
    status_label,
    totals_lines,
    unplaced_hires,
)

#: Decimal places kept in the page (4 ≈ 11 m): plenty for a county map and keeps the file small.
COORDINATE_DECIMALS = 4

_CSS = """
.leaflet-container { background: #dde5ec; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; }
.tp-panel { background: rgba(255,255,255,0.95); padding: 8px 10px; border-radius: 6px; max-width: 320px;
  box-shadow: 0 1px 5px rgba(0,0,0,0.35); color: #222; }
.tp-panel .tp-title { font-size: 16px; font-weight: 700; margin-bottom: 2px; }
.tp-summary { font-size: 12px; }
.tp-panel .tp-sub { color: #555; margin-bottom: 6px; }
.tp-panel .tp-verdict { font-weight: 700; margin: 6px 0; }
.tp-panel ul { margin: 4px 0 0 0; padding-left: 16px; }
.tp-budget { margin-top: 6px; } .tp-budget summary { cursor: pointer; font-weight: 600; }
.tp-budget td:last-child { text-align: right; padding-left: 8px; white-space: nowrap; }
.tp-budget tr.tp-sum td { border-top: 1px solid #333; font-weight: 700; }
.tp-legend { font-size: 11px; max-width: 240px; }
.tp-legend .tp-row { display: flex; align-items: center; margin: 3px 0; }
.tp-legend svg { flex: none; margin-right: 6px; }
.tp-legend .tp-note { color: #555; margin-top: 6px; }
.tp-label { background: none; border: none; }
.tp-label div { position: absolute; transform: translate(-50%, -50%); white-space: nowrap; text-align: center;
  font-weight: 700; color: #111; pointer-events: none;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff, 0 0 1px #fff; }
.tp-label .tp-label-status { display: block; font-size: 11px; font-weight: 600; }
.tp-label .tp-label-num { display: none; }
.tp-label div.tp-keyed .tp-label-name, .tp-label div.tp-keyed .tp-label-status { display: none; }
.tp-label div.tp-keyed .tp-label-num { display: inline-block; min-width: 16px; height: 16px; line-height: 16px;
  padding: 0 2px; border: 1.5px solid #1c2430; border-radius: 9px; background: #fff; font-size: 10px;
  text-shadow: none; }
.tp-key { font-size: 11.5px; max-width: 260px; }
.tp-key .tp-key-title { font-weight: 700; margin-bottom: 3px; }
.tp-key .tp-key-row b { display: inline-block; min-width: 18px; }
.tp-hire-icon { background: none; border: none; }
.tp-hire { display: block; width: 18px; height: 18px; cursor: pointer; }
.tp-hire svg { display: block; overflow: visible; filter: drop-shadow(0 0 1px #fff); }
.tp-card { min-width: 260px; font-size: 12.5px; line-height: 1.35; }
.tp-card .tp-card-title { font-size: 15px; font-weight: 700; margin-bottom: 2px; }
.tp-card .tp-swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border: 1px solid #333;
  vertical-align: -1px; }
.tp-card table { border-collapse: collapse; margin-top: 4px; }
.tp-card th { text-align: left; font-weight: 600; padding: 1px 8px 1px 0; vertical-align: top; color: #444; }
.tp-card td { padding: 1px 0; vertical-align: top; }
.tp-card ul { margin: 2px 0 0 0; padding-left: 16px; }
.tp-status { font-weight: 700; }
.tp-funded { color: #2e7d32; } .tp-at_risk { color: #a86a00; } .tp-unfunded { color: #c62828; }
.tp-flag-blocking { color: #b71c1c; }
"""


def esc(text: object) -> str:
    """HTML-escape a user-supplied string (quotes too) so that it shows as text and runs nothing."""
    return html.escape(str(text), quote=True)


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS from the ``xstatic-leaflet`` package, ready to inline.

    The CSS's images (layer-control icon, default marker) become ``data:`` URIs and its comments (one holds a bug
    tracker URL) are dropped; the JavaScript loses its source-map comment. Nothing else is changed.
    """
    try:
        from xstatic.pkg import leaflet
    except ImportError as exc:  # a broken install, not a user error
        raise ExportError(
            "The interactive map needs the 'xstatic-leaflet' package, which is missing. Reinstall Territory Planner."
        ) from exc
    base = Path(leaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)

    def inline(match: re.Match[str]) -> str:
        image = base / match.group(1)
        if not image.is_file():
            return "none"
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
    if "</script" in js.lower() or "</style" in css.lower():
        raise ExportError("The bundled Leaflet files cannot be inlined safely. Reinstall Territory Planner.")
    return js, css


class OfflineMap(folium.Map):
    """A folium map that links nothing: Leaflet is inlined by :func:`build_map`, and no other library is used.

    folium's ``default_js``/``default_css`` are class attributes shared by every map; these are this class's own.
    """

    default_js: list[tuple[str, str]] = []  # noqa: RUF012 - folium's own API is a class attribute
    default_css: list[tuple[str, str]] = []  # noqa: RUF012


class _Raw(Element):
    """Text put into the page exactly as given, never read as a template.

    branca compiles a plain ``Element(text)`` as Jinja source, and re-compiles the output of every
    ``MacroElement``'s script, so anything user-supplied that reached either would run as template code. This
    element renders its text as a template *variable*, which Jinja inserts verbatim.
    """

    _template = Template("{{ this.raw }}")

    def __init__(self, raw: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.raw = raw


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so nothing closes the element or opens a
    comment), and the two line separators JavaScript treats as line ends are escaped too.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


class _Page(MacroElement):
    """Everything of the page that comes from the plan, drawn by one fixed script from one JSON data block.

    The script below is the only template; it names no user data. The data (land, states, one layer per scenario
    with its territories, labels, hires and summary box, the legend and the initial view) sits in a
    ``<script type="application/json">`` element written by :class:`_Raw`, and the script reads it with
    ``JSON.parse``. So no name can ever be template source, script source or markup.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var data = JSON.parse(document.getElementById('{{ this.data_id }}').textContent);
            function pane(name, z) {
                var p = map.createPane(name);
                p.style.zIndex = z;
                p.style.pointerEvents = 'none';
                return name;
            }
            function styled(feature) { return feature.properties.style; }
            if (data.land) {
                L.geoJSON(data.land, {style: styled, interactive: false, pane: pane('tp-land', 250)}).addTo(map);
            }
            if (data.states) {
                L.geoJSON(data.states, {style: styled, interactive: false, pane: pane('tp-states', 450)}).addTo(map);
            }
            function onEachTerritory(feature, layer) {
                var p = feature.properties;
                layer.bindTooltip(p.tooltip, {sticky: true, className: 'tp-tooltip'});
                layer.bindPopup(p.popup, {maxWidth: 440});
                layer.on('mouseover', function(e) { e.target.setStyle({weight: p.style.weight + 2}); });
                layer.on('mouseout', function(e) { e.target.setStyle(p.style); });
            }
            var groups = [];
            var baseLayers = {};
            data.scenarios.forEach(function(s, i) {
                var group = L.featureGroup();
                L.geoJSON(s.territories, {style: styled, onEachFeature: onEachTerritory}).addTo(group);
                s.labels.forEach(function(l) {
                    L.marker([l.lat, l.lon], {
                        icon: L.divIcon({className: 'tp-label', html: l.html, iconSize: [0, 0]}),
                        interactive: false, keyboard: false
                    }).addTo(group);
                });
                s.hires.forEach(function(h) {
                    var marker = L.marker([h.lat, h.lon], {
                        icon: L.divIcon({className: 'tp-hire-icon', html: h.html, iconSize: [18, 18],
                                         iconAnchor: [9 - h.dx, 9 - h.dy]}),
                        keyboard: false, riseOnHover: true, title: ''
                    });
                    marker.bindTooltip(h.tooltip, {className: 'tp-tooltip', direction: 'top',
                                                   offset: [h.dx, h.dy - 8]});
                    marker.bindPopup(h.popup, {maxWidth: 420});
                    marker.addTo(group);
                });
                if (i === 0) { group.addTo(map); }
                groups.push(group);
                baseLayers[s.name] = group;
            });
            {% if this.switchable %}
            L.control.layers(baseLayers, null, {position: 'topright', collapsed: false}).addTo(map);
            {% endif %}
            function panelControl(position, className, content) {
                var control = L.control({position: position});
                control.onAdd = function() {
                    var div = L.DomUtil.create('div', 'tp-panel ' + className);
                    div.innerHTML = content;
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                    this.div = div;
                    return div;
                };
                return control.addTo(map);
            }
            var summary = panelControl('topleft', 'tp-summary', data.scenarios[0].panel);
            panelControl('bottomright', 'tp-legend', data.legend);
            map.on('baselayerchange', function(e) {
                var i = groups.indexOf(e.layer);
                if (i >= 0) { summary.div.innerHTML = data.scenarios[i].panel; }
            });
            // A label that would overlap a more important one (unfunded first, then larger territories) shows
            // as its number, and the key lists the number with the name; zooming in brings the label back.
            var key = panelControl('bottomleft', 'tp-key', '');
            function declutter() {
                var labels = Array.prototype.slice.call(map.getContainer().querySelectorAll('.tp-label > div'));
                labels.sort(function(a, b) { return a.dataset.rank - b.dataset.rank; });
                var shown = [];
                var keyed = [];
                labels.forEach(function(el) {
                    el.classList.remove('tp-keyed');
                    var r = el.getBoundingClientRect();
                    var clash = shown.some(function(s) {
                        return !(r.right < s.left || r.left > s.right || r.bottom < s.top || r.top > s.bottom);
                    });
                    if (clash) { el.classList.add('tp-keyed'); keyed.push(el); } else { shown.push(r); }
                });
                keyed.sort(function(a, b) { return a.dataset.num - b.dataset.num; });
                var div = key.div;
                while (div.firstChild) { div.removeChild(div.firstChild); }
                div.style.display = keyed.length ? '' : 'none';
                if (!keyed.length) { return; }
                var title = document.createElement('div');
                title.className = 'tp-key-title';
                title.textContent = 'Map key';
                div.appendChild(title);
                keyed.forEach(function(el) {
                    // The name is copied as text from the label (never parsed as markup).
                    var row = document.createElement('div');
                    row.className = 'tp-key-row';
                    row.dataset.num = el.dataset.num;
                    var number = document.createElement('b');
                    number.textContent = el.dataset.num;
                    row.appendChild(number);
                    row.appendChild(document.createTextNode(' ' + el.querySelector('.tp-label-name').textContent));
                    div.appendChild(row);
                });
            }
            map.fitBounds(data.bounds, {paddingTopLeft: [330, 20], paddingBottomRight: [20, 20], animate: false});
            declutter();
            map.on('zoomend baselayerchange', declutter);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data_id: str, switchable: bool) -> None:
        super().__init__()
        self._name = "Page"
        self.data_id = data_id
        self.switchable = switchable


# --- page content ---------------------------------------------------------------------------------------------


def _feature(geometry: BaseGeometry, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": mapping(round_coordinates(geometry, COORDINATE_DECIMALS)),
        "properties": properties,
    }


def _pattern_id(index: int) -> str:
    return f"tp-hatch-{index}"


def _patterns(colors: list[tuple[str, str]]) -> str:
    """SVG hatch patterns: a territory's colour with diagonal stripes in its status colour (at risk, unfunded)."""
    defs = []
    for i, (fill, stripe) in enumerate(colors):
        defs.append(
            f'<pattern id="{_pattern_id(i)}" patternUnits="userSpaceOnUse" width="9" height="9" '
            f'patternTransform="rotate(45)"><rect width="9" height="9" fill="{esc(fill)}"/>'
            f'<rect width="3" height="9" fill="{esc(stripe)}"/></pattern>'
        )
    return (
        '<svg aria-hidden="true" width="0" height="0" style="position:absolute;width:0;height:0;overflow:hidden">'
        f"<defs>{''.join(defs)}</defs></svg>"
    )


class _PatternBook:
    """Hands out one hatch pattern per (fill colour, stripe colour) pair."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []

    def fill(self, color: str, status: str) -> str:
        if status == "funded":
            return color
        pair = (color, STATUS_COLOR[status])
        if pair not in self.pairs:
            self.pairs.append(pair)
        return f"url(#{_pattern_id(self.pairs.index(pair))})"


def territory_style(status: str) -> dict[str, Any]:
    """Outline of a territory by funding status: dark solid, amber long dashes, red short dashes."""
    if status == "unfunded":
        return {"color": STATUS_COLOR["unfunded"], "weight": 3.5, "dashArray": "6 4", "opacity": 1.0}
    if status == "at_risk":
        return {"color": STATUS_COLOR["at_risk"], "weight": 3.0, "dashArray": "12 5", "opacity": 1.0}
    return {"color": OUTLINE_COLOR, "weight": 2.0, "dashArray": None, "opacity": 0.9}


def status_icon_svg(status: str, size: int = 18) -> str:
    """The hire symbol as inline SVG, the same shapes as the PDF's: ✓ circle, ! triangle, ✗ square."""
    fill = STATUS_COLOR[status]
    outline = 'stroke="#1c2430" stroke-width="1.2"'
    mark = 'stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" fill="none"'
    if status == "funded":
        body = f'<circle cx="9" cy="9" r="7.5" fill="{fill}" {outline}/><path d="M5.2 9.2 L7.9 11.9 L12.8 6.6" {mark}/>'
    elif status == "at_risk":
        body = (
            f'<path d="M9 1.2 L17.2 15.8 L0.8 15.8 Z" fill="{fill}" {outline}/>'
            f'<path d="M9 6.2 L9 10.6 M9 13.4 L9 13.5" {mark}/>'
        )
    else:
        body = (
            f'<rect x="2" y="2" width="14" height="14" fill="{fill}" {outline}/>'
            f'<path d="M6 6 L12 12 M6 12 L12 6" {mark}/>'
        )
    return f'<svg width="{size}" height="{size}" viewBox="0 0 18 18" aria-hidden="true">{body}</svg>'


def _status_html(status: str) -> str:
    return f'<span class="tp-status tp-{status}">{esc(status_label(status))}</span>'


def _flag_items(facts: TerritoryFacts) -> str:
    if not facts.flags:
        return "<div>No flags.</div>"
    items = "".join(
        f'<li class="tp-flag-{f.severity}"><b>{esc(SEVERITY_TEXT[f.severity])}:</b> {esc(f.message)}</li>'
        for f in facts.flags
    )
    return f"<div><b>Flags</b><ul>{items}</ul></div>"


def _hire_line(hire: Any) -> str:
    return (
        f"{esc(hire.seller)}, starts {esc(month_label(hire.start_month))} "
        f"({esc(STATUS_SYMBOL[hire.status])} {esc(STATUS_TEXT[hire.status])})"
    )


def territory_card(facts: TerritoryFacts, currency: str, *, full: bool = True) -> str:
    """The territory's card (popup when full, tooltip otherwise), every user string escaped."""
    r = facts.result
    pool = ""
    if r.funding == "region" and r.region:
        pool = f" (its share of region {esc(r.region)}'s budget)"
    elif r.funding is None:
        pool = " (no allocation)"
    rows = [
        ("Region", esc(r.region or "none")),
        ("Sellers", esc(", ".join(facts.sellers)) or "none"),
        ("Planned hires", "<br>".join(_hire_line(h) for h in facts.hires) or "none"),
        ("Revenue target", esc(money(r.target, currency))),
        ("Program spend needed", esc(money(r.required_spend, currency))),
        ("Allocated", esc(money(r.allocated_budget, currency)) + pool),
        ("Gap", esc(money(r.gap, currency)) + (" short" if r.short else "")),
        ("Break-even cost per lead", esc(money(r.break_even_cpl, currency))),
        (
            "Marketing hours",
            f"{esc(hours(r.required_hours))} needed, {esc(allocated_hours_text(r.allocated_hours))} allocated",
        ),
    ]
    if not full:
        rows = [rows[0], rows[1], rows[2], rows[4], rows[5], rows[6]]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    swatch = f'<span class="tp-swatch" style="background:{esc(facts.color)}"></span>'
    tail = _flag_items(facts) if full else ("<div><i>Click for flags and details.</i></div>" if facts.flags else "")
    return (
        f'<div class="tp-card"><div class="tp-card-title">{swatch}{esc(facts.name)}</div>'
        f"<div>{_status_html(r.status)}</div><table>{table}</table>{tail}</div>"
    )


def hire_card(hire: Any, currency: str) -> str:
    rows = [
        ("Territory", esc(hire.territory or "none")),
        ("Starts", esc(month_label(hire.start_month))),
        ("Ramp", f"{hire.ramp_months} months"),
        ("Annual quota", esc(money(hire.annual_quota, currency))),
        ("Quota in the period", esc(money(hire.period_quota, currency))),
        ("Extra program spend", esc(money(hire.marginal_spend, currency))),
        ("Pipeline must start by", esc(month_label(hire.fund_by_month))),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<div class="tp-card"><div class="tp-card-title">Planned hire: {esc(hire.seller)}</div>'
        f"<div>{_status_html(hire.status)}: {esc(hire.reason)}</div><table>{table}</table></div>"
    )


def _panel(pack: Pack, sp: ScenarioPack) -> str:
    lines = totals_lines(sp.report)
    missing = unplaced_hires(sp, pack.plan.layer.unit_noun)
    if missing:
        lines.append("Planned hires not on the map: " + "; ".join(missing) + ".")
    totals = "".join(f"<li>{esc(line)}</li>" for line in lines)
    exact = "".join(
        f'<tr class="{"tp-sum" if sign == "=" else ""}"><td>{esc(sign)}</td><td>{esc(what)}</td>'
        f"<td>{esc(money_cents(amount, sp.currency))}</td></tr>"
        for sign, what, amount in reconcile(sp.report).exact_rows()
    )
    return (
        f'<div class="tp-title">{esc(pack.plan_name)}</div>'
        f'<div class="tp-sub">Scenario: <b>{esc(sp.name)}</b> · plan period from '
        f"{esc(sp.report.period_start.label())} · exported {esc(date_label(pack.created))}</div>"
        f'<div class="tp-verdict">{esc(sp.report.verdict())}</div><ul>{totals}</ul>'
        f'<details class="tp-budget"><summary>The budget to the cent</summary><table>{exact}</table></details>'
    )


def budget_data(sp: ScenarioPack) -> dict[str, Any]:
    """The reconciliation's figures (numbers only), in the page's data block: what the panel's sums show."""
    rec = reconcile(sp.report)
    return {
        "marketing_budget": round(rec.marketing_budget, 2),
        "allocated": round(rec.allocated, 2),
        "unallocated": round(rec.unallocated, 2),
        "unused_allocation": round(rec.unused_allocation, 2),
        "shortfall": round(rec.shortfall, 2),
        "short_territories": rec.short_territories,
        "surplus": round(rec.surplus, 2),
        "surplus_territories": rec.surplus_territories,
        "required": round(rec.required, 2),
        "by_region": [[esc(s.label), round(s.amount, 2)] for s in rec.by_region],
    }


def _legend(pack: Pack, book: _PatternBook) -> str:
    grey = "#b0bec5"
    rows = []
    for status in ("funded", "at_risk", "unfunded"):
        style = territory_style(status)
        fill = book.fill(grey, status)
        dash = f' stroke-dasharray="{style["dashArray"]}"' if style["dashArray"] else ""
        svg = (
            f'<svg width="34" height="20"><rect x="2" y="2" width="30" height="16" fill="{fill}" '
            f'stroke="{style["color"]}" stroke-width="{min(style["weight"], 3)}"{dash}/></svg>'
        )
        meaning = {
            "funded": "the allocation covers the program spend needed",
            "at_risk": "short, but within the agreed tolerance",
            "unfunded": "short beyond the tolerance, or no allocation",
        }[status]
        rows.append(f'<div class="tp-row">{svg}<span><b>{esc(status_label(status))}</b>: {meaning}</span></div>')
    hires = "".join(
        f'<div class="tp-row"><span class="tp-hire" style="margin:0 14px 0 8px">{status_icon_svg(s)}</span>'
        f"<span>Planned hire, {STATUS_TEXT[s].lower()}</span></div>"
        for s in ("funded", "at_risk", "unfunded")
    )
    state_note = " Thin grey lines are state borders." if pack.states else ""
    return (
        f"<b>Funding status</b>{''.join(rows)}{hires}"
        f'<div class="tp-note">Fill colour identifies the territory; hatching and dashed outlines mark funding '
        f"problems.{state_note} Click a territory or a hire for details.</div>"
    )


def _scenario_layers(
    sp: ScenarioPack, book: _PatternBook
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    features = []
    labels: list[dict[str, Any]] = []
    hires = []
    severity = {"unfunded": 0, "at_risk": 1, "funded": 2}
    ranked = sorted(
        (f for f in sp.territories if f.name in sp.display),
        key=lambda f: (severity[f.status], -sp.display[f.name].area),
    )
    rank = {f.name: i for i, f in enumerate(ranked)}
    for facts in sp.territories:
        geometry = sp.display.get(facts.name)
        if geometry is None:
            continue
        style = {
            **territory_style(facts.status),
            "fillColor": book.fill(facts.color, facts.status),
            "fillOpacity": 0.62,
        }
        features.append(
            _feature(
                geometry,
                {
                    "style": style,
                    "tooltip": territory_card(facts, sp.currency, full=False),
                    "popup": territory_card(facts, sp.currency, full=True),
                },
            )
        )
        anchor = sp.anchors[facts.name]
        lat, lon = round(anchor.y, 5), round(anchor.x, 5)
        labels.append(
            {
                "lat": lat,
                "lon": lon,
                "html": f'<div data-rank="{rank[facts.name]}" data-num="{len(labels) + 1}">'
                f'<span class="tp-label-name">{esc(facts.name)}</span>'
                f'<span class="tp-label-status tp-{facts.status}">{esc(status_label(facts.status))}</span>'
                f'<span class="tp-label-num">{len(labels) + 1}</span></div>',
            }
        )
        away = [h for h in facts.hires if h.seller not in sp.homes]  # drawn in a row under the label
        for hire in facts.hires:
            home = sp.homes.get(hire.seller)
            i = away.index(hire) if home is None else 0
            hires.append(
                {
                    "lat": lat if home is None else round(home[1], 5),
                    "lon": lon if home is None else round(home[0], 5),
                    "dx": round((i - (len(away) - 1) / 2) * 20) if home is None else 0,
                    "dy": 28 if home is None else 0,
                    "html": f'<span class="tp-hire" title="{esc(STATUS_TEXT[hire.status])}">'
                    f"{status_icon_svg(hire.status)}</span>",
                    "tooltip": f"<b>{esc(hire.seller)}</b><br>starts {esc(month_label(hire.start_month))}: "
                    f"{esc(status_label(hire.status))}",
                    "popup": hire_card(hire, sp.currency),
                }
            )
    return {"type": "FeatureCollection", "features": features}, labels, hires


def page_data(pack: Pack, progress: Progress | None = None) -> dict[str, Any]:
    """Everything the page draws, as plain data: user text in it is HTML-escaped wherever Leaflet inserts HTML."""
    report = progress or no_progress
    minx, miny, maxx, maxy = pack.extent
    book = _PatternBook()
    scenarios = []
    for i, sp in enumerate(pack.scenarios):
        report(i / max(len(pack.scenarios), 1), f"Drawing scenario {sp.name}")
        territories, labels, hires = _scenario_layers(sp, book)
        scenarios.append(
            {
                "name": esc(sp.name),
                "territories": territories,
                "labels": labels,
                "hires": hires,
                "panel": _panel(pack, sp),
                "budget": budget_data(sp),
            }
        )
    land = None
    if pack.land is not None:
        land = {"type": "FeatureCollection", "features": [_feature(pack.land, {"style": _LAND_STYLE})]}
    states = None
    if pack.states:
        states = {"type": "FeatureCollection", "features": [_feature(g, {"style": _STATE_STYLE}) for g in pack.states]}
    return {
        "land": land,
        "states": states,
        "scenarios": scenarios,
        "legend": _legend(pack, book),
        "patterns": _patterns(book.pairs),
        "bounds": [[miny, minx], [maxy, maxx]],
    }


def build_map(pack: Pack, progress: Progress | None = None) -> folium.Map:
    """The folium map of the pack: background, one switchable layer per scenario, title box and legend.

    folium supplies only the page scaffolding and the empty Leaflet map; what the plan holds goes in as JSON data
    (see :class:`_Page`), so no name is ever template, script or markup source.
    """
    if not pack.has_maps:
        raise ExportError("The pack was prepared without map shapes; build it with maps=True.")
    minx, miny, maxx, maxy = pack.extent
    m = OfflineMap(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        tiles=None,
        zoom_start=4,
        zoom_control="bottomleft",
        attribution_control=False,
        zoom_snap=0.25,
    )
    m.options["min_zoom"] = 2
    m.options["max_zoom"] = 13
    title = pack.plan_name if len(pack.scenarios) > 1 else f"{pack.plan_name} — {pack.scenarios[0].name}"
    root = m.get_root()
    if not isinstance(root, Figure):  # folium always puts a map in a Figure
        raise ExportError("The map could not be laid out (folium gave no page to put it in).")
    root.title = esc(printable(title))  # a template variable: branca inserts it as it is, so it is escaped here
    js, css = leaflet_assets()
    root.header.add_child(_Raw(f"<style>{css}</style>\n<style>{_CSS}</style>\n<script>{js}</script>"), name="leaflet")
    data = page_data(pack, progress)
    data_id = f"tp-data-{m.get_name()}"
    root.html.add_child(_Raw(data.pop("patterns")), name="tp_patterns")
    root.html.add_child(
        _Raw(f'<script type="application/json" id="{data_id}">{script_json(data)}</script>'), name="tp_data"
    )
    _Page(data_id, switchable=len(pack.scenarios) > 1).add_to(m)
    return m


_LAND_STYLE = {"color": "#c9c5b9", "weight": 0.6, "fillColor": "#f5f3ec", "fillOpacity": 1.0}
_STATE_STYLE = {"color": "#6d6d6d", "weight": 0.8, "fill": False, "opacity": 0.8}


def render_html(pack: Pack, progress: Progress | None = None) -> str:
    """The whole page as text."""
    page: str = build_map(pack, progress).get_root().render()
    return page


def write_html(pack: Pack, path: str | Path, progress: Progress | None = None) -> None:
    """Write the page to ``path`` as it is (no temp file; see :func:`export_html`)."""
    text = render_html(pack, progress)
    Path(path).write_text(text, encoding="utf-8")


def export_html(pack: Pack, target: str | Path, progress: Progress | None = None) -> Path:
    """Write the interactive map to ``target`` atomically; raises ExportError on failure (nothing left behind)."""
    try:
        with atomic_path(target) as tmp:
            write_html(pack, tmp, progress)
    except ExportError:
        raise
    except Exception as exc:
        raise ExportError(f"The interactive map could not be written to {target}: {exc}") from exc
    return Path(target)
