"""Hostile-input probes of issue 9, driven end to end through the real command line.

Every probe runs ``territory-planner`` (the console script beside this interpreter) in a subprocess, as a user would,
with nothing patched, and judges what it did: the exit code, stderr (one clear message, never a traceback), the plan
file (byte-identical after every refused change), the files written (whole, no temp files left) and what the outputs
hold (no name evaluated as a template, no script injected into the page, no spreadsheet formula, no raw control
character on the terminal, nothing executed). See docs/hostile-probes.md for what each family does.

    .venv/bin/python -m tests.probes.run [--quick] [--json OUT] [--jobs N] [--keep]

Prints a table by family (tried / held / broken) and the list of broken probes with the command that shows each.
Exit code 0 when nothing broke, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
CLI = BIN / ("territory-planner.exe" if os.name == "nt" else "territory-planner")

FAMILIES = {
    "names": "1. Names (payload corpus)",
    "values": "2. Bad values",
    "damaged": "3. Damaged plans",
    "readonly": "4. Read-only and WAL plans",
    "sheets": "5. Hostile spreadsheets",
    "concurrency": "6. Concurrent writers",
    "disks": "7. Full disk, long and odd names",
    "errors": "8. Unexpected errors",
    "runner": "Probe tasks that could not run",
}

#: Peak resident memory a child may reach on a hostile spreadsheet.
MAX_RSS_MB = 500.0
TRACEBACK = "Traceback (most recent call last)"

#: A command-line word.
Arg = str | Path


# --- running the command line ---------------------------------------------------------------------------------------


@dataclass
class Run:
    """One finished ``territory-planner`` process."""

    args: tuple[str, ...]
    cwd: Path
    rc: int
    out: str
    err: str
    seconds: float
    peak_rss_mb: float | None = None
    timed_out: bool = False

    @property
    def command(self) -> str:
        return f"cd {shlex.quote(str(self.cwd))} && territory-planner {shlex.join(self.args)}"

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.out or TRACEBACK in self.err

    @property
    def message(self) -> str:
        """stderr without its trailing blank lines."""
        return self.err.strip()

    def said(self) -> str:
        """What the process said, short, for a probe's detail."""
        text = self.message or self.out.strip()
        first = text.splitlines()[0] if text else ""
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s"
        return f"exit {self.rc}: {visible(first)[:220]}"

    def clean_exit(self, *codes: int) -> str:
        """'' when the process exited with one of ``codes`` without a traceback, else what went wrong."""
        if self.timed_out:
            return self.said()
        if self.traceback:
            return f"traceback on {'stderr' if TRACEBACK in self.err else 'stdout'} ({self.said()})"
        if self.rc not in codes:
            return f"expected exit {' or '.join(map(str, codes))}, got {self.said()}"
        return ""


@dataclass
class Probe:
    """One probe and its verdict."""

    family: str
    name: str
    held: bool
    detail: str = ""
    command: str = ""
    seconds: float = 0.0


def visible(text: str) -> str:
    """``text`` with every control character written as an escape (for messages and the report)."""
    return "".join(ch if ch == "\n" or unicodedata.category(ch) != "Cc" else f"\\x{ord(ch):02x}" for ch in text)


def raw_controls(text: str) -> list[str]:
    """The control characters of ``text`` other than the line break, as U+XXXX."""
    return sorted({f"U+{ord(ch):04X}" for ch in text if ch != "\n" and unicodedata.category(ch) == "Cc"})


def digest(path: Path) -> str:
    """SHA-256 of a file, or a word saying what is there instead."""
    if path.is_dir():
        return "<folder>"
    if not path.exists():
        return "<missing>"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> set[str]:
    """Names of every file and folder under ``folder`` (relative)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.is_dir() else set()


class Session:
    """The probe run: a scratch folder, the child environment, and the verdicts collected so far."""

    def __init__(self, root: Path, quick: bool) -> None:
        self.root = root
        self.quick = quick
        self.probes: list[Probe] = []
        self.notes: list[str] = []
        self.lost_updates: dict[str, int] = {}
        self.rounds: dict[str, int] = {}
        self.executions = 0
        self.commands = 0
        self._lock = threading.Lock()
        xdg = root / "xdg"
        self.env = dict(os.environ)
        self.env.update(
            QT_QPA_PLATFORM="offscreen",
            XDG_CONFIG_HOME=str(xdg / "config"),
            XDG_DATA_HOME=str(xdg / "data"),
            XDG_STATE_HOME=str(xdg / "state"),
            XDG_CACHE_HOME=str(xdg / "cache"),
            TP_LOG_DIR=str(root / "app-logs"),
        )
        self.env.pop("TP_DEBUG", None)
        self.pg_url = postgres_url()
        self.finishers: list[Callable[[], None]] = []
        self.timings: list[tuple[float, str]] = []

    # running ---------------------------------------------------------------------------------------------------------

    def spawn(self, *args: str | Path, cwd: Path | None = None) -> _Child:
        """Start ``territory-planner ARGS`` in ``cwd`` (the scratch folder by default); see :meth:`reap`."""
        where = cwd or self.root
        words = tuple(str(a) for a in args)
        handle, out_name = tempfile.mkstemp(prefix=".probe-out-", dir=self.root / "logs")
        os.close(handle)
        handle, err_name = tempfile.mkstemp(prefix=".probe-err-", dir=self.root / "logs")
        os.close(handle)
        with open(out_name, "wb") as out, open(err_name, "wb") as err:
            proc = subprocess.Popen([str(CLI), *words], cwd=where, stdout=out, stderr=err, env=self.env)
        with self._lock:
            self.commands += 1
        return _Child(proc, words, where, Path(out_name), Path(err_name), time.monotonic())

    def reap(self, child: _Child, timeout: float = 300.0) -> Run:
        """Wait for ``child`` (killed after ``timeout`` seconds) and collect what it said and its peak memory."""
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            child.proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        rss: float | None = None
        try:
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(child.proc.pid, 0)
                child.proc.returncode = os.waitstatus_to_exitcode(status)
                rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
                # Linux starts a forked child's peak at its parent's size, so inside a big process (the whole
                # test suite) a child's peak says nothing until it grows past the parent's own peak.
                import resource

                own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                own_mb = own / (1024 * 1024 if sys.platform == "darwin" else 1024)
                if rss <= own_mb + 1.0:
                    rss = None
            else:  # pragma: no cover - Windows has no wait4
                child.proc.wait()
        finally:
            timer.cancel()
        seconds = time.monotonic() - child.started
        out = child.out.read_bytes().decode("utf-8", errors="replace")
        err = child.err.read_bytes().decode("utf-8", errors="replace")
        child.out.unlink()
        child.err.unlink()
        run = Run(child.args, child.cwd, child.proc.returncode, out, err, seconds, rss, killed.is_set())
        with self._lock:
            self.timings.append((seconds, visible(run.command)))
        return run

    def cli(self, *args: str | Path, cwd: Path | None = None, timeout: float = 300.0) -> Run:
        """Run ``territory-planner ARGS`` to the end."""
        return self.reap(self.spawn(*args, cwd=cwd), timeout)

    # verdicts --------------------------------------------------------------------------------------------------------

    def record(self, family: str, name: str, problem: str, run: Run | None = None, command: str = "") -> None:
        """Record a probe: held when ``problem`` is empty, broken with ``problem`` as its detail otherwise."""
        probe = Probe(
            family,
            visible(name),
            not problem,
            visible(problem),
            visible(command or (run.command if run else "")),
            round(run.seconds, 1) if run else 0.0,
        )
        with self._lock:
            self.probes.append(probe)

    def note(self, text: str) -> None:
        with self._lock:
            self.notes.append(text)

    def executed(self, count: int = 1) -> None:
        with self._lock:
            self.executions += count

    def folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path


@dataclass
class _Child:
    proc: subprocess.Popen[bytes]
    args: tuple[str, ...]
    cwd: Path
    out: Path
    err: Path
    started: float


def postgres_url() -> str | None:
    """The PostgreSQL server of the test set-up: $TP_TEST_POSTGRES_URL or the last line of /tmp/pg.url."""
    url = os.environ.get("TP_TEST_POSTGRES_URL", "").strip()
    if not url:
        try:
            lines = Path(tempfile.gettempdir(), "pg.url").read_text(encoding="utf-8").strip().splitlines()
        except OSError:
            return None
        url = lines[-1].strip() if lines else ""
    if not url:
        return None
    try:
        import psycopg

        with psycopg.connect(_libpq(url), connect_timeout=3):
            pass
    except Exception:
        return None
    return url


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as libpq takes it (no driver, no query)."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url).split("?")[0]


def refused(
    run: Run, plan: Path | None, before: str | None, names: Iterable[str] = (), *, one_line: bool = False
) -> str:
    """'' when ``run`` refused cleanly: exit 2, a message naming each of ``names``, no traceback, and ``plan``
    byte-identical to ``before``; else what went wrong."""
    problem = run.clean_exit(2)
    if problem:
        return problem
    if not run.message:
        return "exit 2 with nothing on stderr"
    missing = [n for n in names if n not in run.message]
    if missing:
        return f"the message does not name {', '.join(map(repr, missing))}: {visible(run.message)[:300]}"
    if one_line and len(run.message.splitlines()) != 1:
        return f"{len(run.message.splitlines())} lines on stderr, not one: {visible(run.message)[:300]}"
    if plan is not None and before is not None and digest(plan) != before:
        return "the plan file changed although the command was refused"
    return ""


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[object]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sql(plan: Path, query: str, *params: object) -> list[tuple[Any, ...]]:
    """Read a .tplan read-only (never changing it: immutable, so no journal or WAL file is touched)."""
    uri = f"{plan.resolve().as_uri()}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as connection:
        return list(connection.execute(query, params))


# --- shared set-up ----------------------------------------------------------------------------------------------------


class Base:
    """The demo plan and its plan sheets, written once by the command line and copied by the probes."""

    def __init__(self, s: Session) -> None:
        self.folder = s.folder("base")
        self.plan = self.folder / "demo.tplan"
        run = s.cli("demo", self.plan, cwd=self.folder)
        if run.rc != 0:
            raise SystemExit(f"cannot write the demo plan: {run.said()}\n{run.err}")
        self.data = self.folder / "sheets"
        run = s.cli("export-data", self.plan, self.data, cwd=self.folder)
        if run.rc != 0:
            raise SystemExit(f"cannot export the demo plan's sheets: {run.said()}\n{run.err}")
        self.sheets = {kind: read_csv(self.data / f"{kind}.csv") for kind in SHEET_KINDS}
        self.scenarios = [row[0] for row in sql(self.plan, "select name from tp_scenario order by position")]

    def copy(self, target: Path) -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.plan, target)
        return target


SHEET_KINDS = ("territories", "assignments", "sellers", "allocations", "assumptions", "attributes")


# --- 1. names ---------------------------------------------------------------------------------------------------------

#: Name field -> the letter in a payload's tag.
FIELDS = {"territory": "t", "region": "r", "seller": "s", "scenario": "c", "plan": "p"}
FIELD_NUMBER = {"t": 1, "r": 2, "s": 3, "c": 4, "p": 5}


@dataclass(frozen=True)
class Payload:
    """A hostile name. ``@TAG@`` becomes the payload's tag (``q07t``: payload 7 in a territory name), so a name that an
    engine evaluated leaves a mark naming the payload and the field: ``TPEVALQ07TX`` for the string payloads,
    31337 * ``@N@`` for the arithmetic one, a ``data-tpevalq07tx`` attribute for script payloads run by the page, a
    file ``TPRANq07t`` for the ones that would run a shell command."""

    key: str
    template: str
    accepted: bool | None = True  # None: either accepted (as cleaned-up text) or refused cleanly

    def tag(self, index: int, field_name: str) -> str:
        return f"q{index:02d}{FIELDS[field_name]}"

    def text(self, index: int, field_name: str) -> str:
        tag = self.tag(index, field_name)
        number = 3000 + index * 10 + FIELD_NUMBER[FIELDS[field_name]]
        return self.template.replace("@TAG@", tag).replace("@N@", str(number))

    @property
    def arithmetic(self) -> bool:
        return "@N@" in self.template


def _set_attr(quote: str = "'") -> str:
    return f"document.body.setAttribute({quote}data-tpeval@TAG@x{quote},{quote}1{quote})"


PAYLOADS: tuple[Payload, ...] = (
    Payload("jinja expression", '{{ "tpeval@TAG@x"|upper }}'),
    Payload("jinja concatenation", '{{ ("tp" ~ "eval@TAG@x")|upper }}'),
    Payload("jinja set", '{% set q = "tpeval@TAG@x" %}{{ q|upper }}'),
    Payload("jinja loop", '{% for q in ["tpeval@TAG@x"] %}{{ q|upper }}{% endfor %}'),
    Payload("jinja arithmetic", "{{ 31337*@N@ }} @TAG@"),
    Payload("jinja os.system", "{{ lipsum.__globals__.os.system('touch TPRAN@TAG@') }}"),
    Payload("jinja os.popen", "{{ cycler.__init__.__globals__.os.popen('touch TPRAN@TAG@').read() }}"),
    Payload("jinja builtins.open", "{{ namespace.__init__.__globals__.__builtins__.open('TPRAN@TAG@','w') }}"),
    Payload("jinja raw block", "{% raw %}x @TAG@"),
    Payload("jinja open comment", "{# open comment @TAG@"),
    Payload("template closers", "}} %} #} ]] @TAG@"),
    Payload("mako expression", '${"tpeval@TAG@x".upper()}'),
    Payload("js template literal", "${'tpeval@TAG@x'.toUpperCase()}"),
    Payload("erb expression", '<%= "tpeval@TAG@x".upcase %>'),
    Payload("ruby interpolation", '#{"tpeval@TAG@x".upcase}'),
    Payload("python format", "{0} {name} %s %(x)s {{}} @TAG@"),
    Payload("html img onerror", f'<img src=x onerror="{_set_attr()}">'),
    Payload("script breakout", f"</script><script>{_set_attr()}</script>"),
    Payload("attribute breakout", f'"><svg onload="{_set_attr()}">'),
    Payload("js string breakout", f"'; {_set_attr()}; //"),
    Payload("js double-quote breakout", f'"); {_set_attr(chr(34))}; ("'),
    Payload("html comment script", "<!--<script> @TAG@"),
    Payload("html entities", "&lt;b&gt; &amp; <b>bold @TAG@</b>"),
    Payload("csv formula =", '=HYPERLINK("http://x.invalid","@TAG@")'),
    Payload("csv formula +", "+SUM(1;2) @TAG@"),
    Payload("csv formula -", "-2+3 @TAG@"),
    Payload("csv formula @", "@SUM(1) @TAG@"),
    Payload("csv dde", "=cmd|' /C calc'!A0 @TAG@"),
    Payload("quotes and backslash", "Quote \" and ' and \\ back @TAG@"),
    Payload("unicode", "Ünïcödé — 東京 🚀 @TAG@"),
    Payload("bidi override", "\u202eevil\u202c @TAG@"),
    Payload("zero width", "zero\u200bwidth\u200d @TAG@"),
    Payload("120 characters", "@TAG@ " + "x" * 115),
    # Refused on entry (a name is one line of printable text of at most 120 characters): exit 2 naming the place.
    Payload("121 characters", "@TAG@ " + "y" * 116, accepted=False),
    Payload("bell", "@TAG@ Bell\x07name", accepted=False),
    Payload("escape sequence", "@TAG@ Esc \x1b[31mred", accepted=False),
    Payload("tab", "@TAG@ Tab\tname", accepted=False),
    Payload("leading tab formula", "\t=1+1 @TAG@", accepted=None),  # leading blanks may be stripped
    Payload("C1 control", "@TAG@ C1 \x9b name", accepted=False),
    Payload("delete", "@TAG@ Del\x7f name", accepted=False),
    Payload("carriage return", "@TAG@ CR\rname", accepted=False),
    Payload("line break", "@TAG@ New\nline", accepted=False),
    Payload("NUL", "@TAG@ Nul\x00name", accepted=False),
)

QUICK_PAYLOADS = ("jinja expression", "jinja os.system", "html img onerror", "csv formula =", "bell")

#: The outputs each accepted payload is judged in.
OUTPUTS = ("html", "pdf", "png", "gpkg", "geojson", "shp", "xlsx", "export-data", "check", "scenario")
QUICK_OUTPUTS = ("html", "xlsx", "export-data", "check")

EVALUATED = re.compile(r"(?<![\"'~;&A-Za-z0-9])TPEVALQ(\d\d)([TRSCP])X(?![\"'A-Za-z0-9])")
SCRIPT_RAN = re.compile(r"data-tpevalq(\d\d)([trscp])x=\"")
FORMULA_START = ("=", "+", "-", "@")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass
class Finding:
    """What one output of one names plan showed."""

    output: str
    failed: str = ""
    command: str = ""
    evaluated: set[str] = field(default_factory=set)  # tags
    formulas: list[str] = field(default_factory=list)  # cell texts
    controls: list[str] = field(default_factory=list)


class NamesFamily:
    """Payloads in territory, region, seller, scenario and plan names, through every exporter and report."""

    GROUP = 11  # the demo has 11 territories: one payload each per plan

    def __init__(self, s: Session, base: Base) -> None:
        self.s = s
        self.base = base
        corpus = [p for p in PAYLOADS if not s.quick or p.key in QUICK_PAYLOADS]
        self.index = {p.key: i for i, p in enumerate(PAYLOADS)}
        self.accepted = [p for p in corpus if p.accepted]
        self.refused = [p for p in corpus if p.accepted is not True]
        self.outputs = QUICK_OUTPUTS if s.quick else OUTPUTS
        self.findings: list[tuple[int, dict[str, list[Payload]], list[Finding]]] = []
        self.entries: list[tuple[Payload, str, str, str]] = []  # payload, field, problem, command
        self.round_trips: list[tuple[Payload, str, str]] = []
        self._lock = threading.Lock()

    def tasks(self) -> list[Callable[[], None]]:
        groups = max(1, -(-len(self.accepted) // self.GROUP))
        jobs: list[Callable[[], None]] = [lambda g=g: self.group(g, groups) for g in range(groups)]  # type: ignore[misc]
        jobs.append(self.refusals)
        if not self.s.quick:
            jobs.append(self.old_plan)
        self.s.finishers.append(self.finish)
        return jobs

    def tag_of(self, payload: Payload, field_name: str) -> str:
        return payload.tag(self.index[payload.key], field_name)

    def name(self, payload: Payload, field_name: str) -> str:
        return payload.text(self.index[payload.key], field_name)

    def pick(self, group: int, count: int, offset: int) -> list[Payload]:
        n = len(self.accepted)
        return [self.accepted[(group * self.GROUP + k + offset) % n] for k in range(min(count, n))]

    # one plan full of payloads ---------------------------------------------------------------------------------------

    def group(self, g: int, groups: int) -> None:
        s, base = self.s, self.base
        d = s.folder(f"names/plan{g}")
        plan = d / "plan.tplan"
        territories = [row["territory"] for row in base.sheets["territories"]]
        sellers = [row["seller"] for row in base.sheets["sellers"]]
        fields: dict[str, list[Payload]] = {
            "territory": self.pick(g, len(territories), 0),
            "region": self.pick(g, len(territories), 5),
            "seller": self.pick(g, len(sellers), 9),
            "scenario": self.pick(g, 2 if s.quick else self.GROUP, 7),
        }
        plan_payload = self.pick(g, 1, 5)[0]
        fields["plan"] = [plan_payload]
        new_t = {old: self.name(p, "territory") for old, p in zip(territories, fields["territory"], strict=False)}
        new_r = {old: self.name(p, "region") for old, p in zip(territories, fields["region"], strict=False)}
        new_s = {old: self.name(p, "seller") for old, p in zip(sellers, fields["seller"], strict=False)}
        region_of = {row["territory"]: row["region"] for row in base.sheets["territories"]}
        first_of_region: dict[str, str] = {}
        for t in territories:
            first_of_region.setdefault(region_of[t], t)

        def region_name(old_region: str) -> str:
            return new_r.get(first_of_region.get(old_region, ""), old_region)

        findings: list[Finding] = []

        def step(run: Run, what: str) -> bool:
            problem = run.clean_exit(0)
            ran = self.ran_files(d)
            if ran:
                problem = (problem + "; " if problem else "") + f"code ran: {', '.join(ran)}"
                s.executed(len(ran))
            if problem:
                findings.append(Finding(what, problem, run.command, evaluated={f[5:] for f in ran}))
            return not problem

        run = s.cli("new", plan, "--layer", "us-counties", f"--name={self.name(plan_payload, 'plan')}", cwd=d)
        ok = step(run, "new")
        self.entry(plan_payload, "plan", "" if ok else run.clean_exit(0) or "code ran", run.command)
        sheets = {
            "territories": write_csv(
                d / "territories.csv",
                ["territory", "region", "color", "locked"],
                [
                    [
                        new_t.get(r["territory"], r["territory"]),
                        new_r.get(r["territory"], r["region"]),
                        r["color"],
                        r["locked"],
                    ]
                    for r in base.sheets["territories"]
                ],
            ),
            "assignments": write_csv(
                d / "assignments.csv",
                ["unit_id", "territory"],
                [[r["unit_id"], new_t.get(r["territory"], r["territory"])] for r in base.sheets["assignments"]],
            ),
            "sellers": write_csv(
                d / "sellers.csv",
                list(base.sheets["sellers"][0]),
                [
                    [
                        new_s.get(r["seller"], r["seller"]),
                        new_t.get(r["territory"], r["territory"]),
                        *list(r.values())[2:],
                    ]
                    for r in base.sheets["sellers"]
                ],
            ),
        }
        if not s.quick:
            sheets["allocations"] = write_csv(
                d / "allocations.csv",
                list(base.sheets["allocations"][0]),
                [
                    [
                        r["level"],
                        new_t.get(r["name"], r["name"]) if r["level"] == "territory" else region_name(r["name"]),
                        *list(r.values())[2:],
                    ]
                    for r in base.sheets["allocations"]
                ],
            )
            sheets["assumptions"] = write_csv(
                d / "assumptions.csv",
                list(base.sheets["assumptions"][0]),
                [
                    [
                        r["level"],
                        new_t.get(r["name"], r["name"])
                        if r["level"] == "territory"
                        else region_name(r["name"])
                        if r["name"]
                        else "",
                        r["key"],
                        r["value"],
                    ]
                    for r in base.sheets["assumptions"]
                ],
            )
        imported: dict[str, str] = {}
        for kind, path in sheets.items():
            run = s.cli("import", kind, plan, path.name, cwd=d)
            imported[kind] = (
                "" if step(run, f"import {kind}") else (run.clean_exit(0) or "code ran") + f" ({run.command})"
            )
        for p in fields["territory"]:
            self.entry(p, "territory", imported["territories"] or imported["assignments"], "")
        for p in fields["region"]:
            self.entry(p, "region", imported["territories"], "")
        for p in fields["seller"]:
            self.entry(p, "seller", imported["sellers"], "")
        scenario_names: list[str] = []
        for p in fields["scenario"]:
            name = self.name(p, "scenario")
            run = s.cli("scenario", "copy", "--", plan, "baseline", name, cwd=d)
            if step(run, "scenario copy"):
                scenario_names.append(name)
                self.entry(p, "scenario", "", run.command)
            else:
                self.entry(p, "scenario", run.clean_exit(0) or "code ran", run.command)
        findings.extend(self.outputs_of(d, plan, scenario_names))
        if not s.quick:
            self.round_trip(d, plan, fields)
        with self._lock:
            self.findings.append((g, fields, findings))

    def entry(self, payload: Payload, field_name: str, problem: str, command: str) -> None:
        with self._lock:
            self.entries.append((payload, field_name, problem, command))

    @staticmethod
    def ran_files(folder: Path) -> list[str]:
        return sorted(p.name for p in folder.glob("TPRAN*"))

    def outputs_of(self, d: Path, plan: Path, scenarios: list[str]) -> list[Finding]:
        s = self.s
        found: list[Finding] = []
        pack = {
            "html": d / "map.html",
            "pdf": d / "report.pdf",
            "png": d / "map.png",
            "gpkg": d / "plan.gpkg",
            "geojson": d / "plan.geojson",
            "shp": d / "plan.zip",
            "xlsx": d / "plan.xlsx",
        }
        pack = {k: v for k, v in pack.items() if k in self.outputs}
        args: list[str | Path] = ["export", plan, "--all-scenarios"]
        for kind, path in pack.items():
            args += [f"--{kind}", path.name]
        run = s.cli(*args, cwd=d, timeout=900)
        failed = run.clean_exit(0)
        for kind, path in pack.items():
            f = Finding(kind, command=run.command)
            f.failed = failed or ("" if path.is_file() and path.stat().st_size > 0 else f"{path.name} was not written")
            if not f.failed:
                try:
                    self.inspect(kind, path, f, d)
                except Exception as exc:  # a file our readers cannot read is a broken export
                    f.failed = f"{path.name} cannot be read back: {exc!r}"
            f.evaluated |= {n[5:] for n in self.ran_files(d)}
            found.append(f)
        if "export-data" in self.outputs:
            f = Finding("export-data")
            exports: list[tuple[str, list[str]]] = [("data", [])]
            if scenarios and not s.quick:
                exports.append(("data-whatif", [f"--scenario={scenarios[0]}"]))
            for folder, extra in exports:
                run = s.cli("export-data", *extra, plan, folder, cwd=d)
                f.command = f.command or run.command
                problem = run.clean_exit(0)
                if problem:
                    f.failed, f.command = problem, run.command
                    continue
                for sheet in sorted((d / folder).glob("*.csv")):
                    with open(sheet, encoding="utf-8", newline="") as handle:
                        for row in csv.reader(handle):
                            for cell in row:
                                self.scan(cell, f)
                                if cell.startswith(FORMULA_START) and not NUMBER.match(cell):
                                    f.formulas.append(f"{sheet.name}: {cell}")
            found.append(f)
        if "check" in self.outputs:
            f = Finding("check")
            picks = [*scenarios, "baseline", "baseline"][:2]
            for extra in ([f"--scenario={picks[0]}"], [f"--scenario={picks[1]}", "--json"]):
                run = s.cli("check", *extra, plan, cwd=d)
                self.judge_stdout(run, f, json_out="--json" in extra, codes=(0, 1))
            found.append(f)
        if "scenario" in self.outputs:
            f = Finding("scenario")
            other = scenarios[-1] if scenarios else "baseline"
            scenario_commands: tuple[list[Arg], ...] = (
                ["compare", "--", plan, "baseline", other],
                ["compare", "--json", "--", plan, other, "baseline"],
                ["list", plan],
            )
            for words in scenario_commands:
                run = s.cli("scenario", *words, cwd=d)
                self.judge_stdout(run, f, json_out="--json" in words, codes=(0,))
            found.append(f)
        ran = self.ran_files(d)
        if ran:
            s.executed(len(ran))
        return found

    def judge_stdout(self, run: Run, f: Finding, *, json_out: bool, codes: tuple[int, ...]) -> None:
        problem = run.clean_exit(*codes)
        if not problem and json_out:
            try:
                json.loads(run.out)
            except ValueError as exc:
                problem = f"stdout is not one JSON document: {exc}"
        if problem and not f.failed:
            f.failed, f.command = problem, run.command
        f.command = f.command or run.command
        self.scan(run.out + run.err, f)
        controls = raw_controls(run.out)
        if controls:
            f.controls.append(f"{', '.join(controls)} raw on stdout of: {run.command}")

    def scan(self, text: str, f: Finding) -> None:
        for match in EVALUATED.finditer(text):
            f.evaluated.add(f"q{match.group(1)}{match.group(2).lower()}")
        for match in SCRIPT_RAN.finditer(text):
            f.evaluated.add(f"q{match.group(1)}{match.group(2)}")
        for p in self.accepted:
            if not p.arithmetic:
                continue
            for field_name in FIELDS:
                number = 3000 + self.index[p.key] * 10 + FIELD_NUMBER[FIELDS[field_name]]
                if re.search(rf"(?<![\d.,]){31337 * number}(?![\d.,])", text):
                    f.evaluated.add(p.tag(self.index[p.key], field_name))

    def inspect(self, kind: str, path: Path, f: Finding, d: Path) -> None:
        if kind == "html":
            text = path.read_text(encoding="utf-8")
            self.scan(text, f)
            opened, closed = len(re.findall(r"<script\b", text, re.I)), len(re.findall(r"</script", text, re.I))
            if opened != closed:
                f.failed = f"the page has {opened} <script> tags and {closed} </script>: a name broke out of the data"
            dom = self.browser_dom(path, d)
            if dom is None:
                return
            self.scan(dom, f)
            if "leaflet-interactive" not in dom:
                f.failed = f.failed or "the page drew no territory in a headless browser (its script failed)"
        elif kind == "pdf":
            if shutil.which("pdftotext") is None:
                self.s.note("pdftotext is not installed: PDF text not scanned (the export was still checked).")
                return
            done = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=120
            )
            self.scan(done.stdout, f)
        elif kind == "png":
            if path.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
                f.failed = "map.png is not a PNG file"
        elif kind == "gpkg":
            with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
                tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
                for table in tables:
                    for row in db.execute(f'select * from "{table}"'):
                        self.scan(" ".join(v for v in row if isinstance(v, str)), f)
        elif kind == "geojson":
            data = json.loads(path.read_text(encoding="utf-8"))
            self.scan(json.dumps([feat.get("properties") for feat in data.get("features", [])], ensure_ascii=False), f)
        elif kind == "shp":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.lower().endswith((".dbf", ".cpg", ".prj")):
                        self.scan(archive.read(member).decode("utf-8", errors="replace"), f)
        elif kind == "xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path)
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":
                            f.formulas.append(f"{sheet.title}!{cell.coordinate}: {cell.value}")
                        if isinstance(cell.value, str):
                            self.scan(cell.value, f)
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.endswith(".xml") and re.search(rb"<f[ >]", archive.read(member)):
                        f.formulas.append(f"{member} holds a formula element")

    def browser_dom(self, page: Path, d: Path) -> str | None:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if chromium is None:
            self.s.note("No Chromium: HTML maps were checked as files only, not run in a browser.")
            return None
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={d / 'chromium'}",
            "--window-size=1400,900",
            "--virtual-time-budget=8000",
            "--dump-dom",
            page.resolve().as_uri(),
        ]
        if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
            command = ["unshare", "-n", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        return done.stdout

    def round_trip(self, d: Path, plan: Path, fields: dict[str, list[Payload]]) -> None:
        """The exported sheets (formula-like names guarded) import back to the same names."""
        s = self.s
        copy = d / "round-trip.tplan"
        shutil.copyfile(plan, copy)
        problems = []
        command = ""
        for kind in ("territories", "sellers"):
            run = s.cli("import", kind, copy, f"data/{kind}.csv", cwd=d)
            command = command or run.command
            if run.clean_exit(0):
                problems.append(f"import {kind} of the exported sheet: {run.clean_exit(0)}")
                command = run.command
        names = {r[0] for r in sql(copy, "select name from tp_territory where scenario='baseline'")}
        names |= {r[0] for r in sql(copy, "select region from tp_territory where scenario='baseline'")}
        names |= {r[0] for r in sql(copy, "select name from tp_seller where scenario='baseline'")}
        for field_name in ("territory", "region", "seller"):
            for p in fields[field_name]:
                text = self.name(p, field_name).strip()
                problem = "; ".join(problems) or ("" if text in names else f"{text!r} did not come back from the sheet")
                with self._lock:
                    self.round_trips.append((p, problem, command))

    # refused names ---------------------------------------------------------------------------------------------------

    def refusals(self) -> None:
        """Each refused payload in a territory, region and seller sheet, as a scenario name and as a plan name: exit 2
        naming the file, row and column (or the name), the plan byte-identical. A payload that may be accepted once
        cleaned up (leading blanks stripped) holds either way, as long as no control character is stored."""
        s, base = self.s, self.base
        d = s.folder("names/refused")
        plan = base.copy(d / "plan.tplan")
        n_territories = len(base.sheets["territories"])
        # A NUL cannot be on a command line, and a CSV reader may refuse the whole file for it: its own files.
        batches = [
            [p for p in self.refused if "\x00" not in p.template],
            [p for p in self.refused if "\x00" in p.template],
        ]
        for number, batch in enumerate(b for b in batches if b):
            sheets = (("territory", "territories"), ("region", "territories"), ("seller", "sellers"))
            for field_name, kind in sheets[:1] if s.quick else sheets:
                rows: list[list[str]] = []
                if kind == "territories":
                    header = ["territory", "region", "color", "locked"]
                    rows = [[r["territory"], r["region"], r["color"], r["locked"]] for r in base.sheets["territories"]]
                    for p in batch:
                        name = self.name(p, field_name)
                        rows.append(
                            [name, "West"]
                            if field_name == "territory"
                            else [f"Fresh {self.tag_of(p, field_name)}", name]
                        )
                        rows[-1] += ["", ""]
                    first = n_territories + 2
                else:
                    header = list(base.sheets["sellers"][0])
                    rows = [list(r.values()) for r in base.sheets["sellers"]]
                    rows += [[self.name(p, "seller"), "Texas", "existing", "", "0", "1000000", "200000"] for p in batch]
                    first = len(base.sheets["sellers"]) + 2
                sheet = write_csv(d / f"{field_name}-{number}.csv", header, rows)
                before = digest(plan)
                run = s.cli("import", kind, plan, sheet.name, cwd=d)
                base_problem = refused(run, plan, before, [sheet.name])
                whole_file = "\x00" in batch[0].template  # a file-level refusal (binary data) is the right answer
                for k, p in enumerate(batch):
                    problem = base_problem
                    if not problem and not whole_file:
                        column = f"column '{field_name}'"
                        tag = self.tag_of(p, field_name)
                        placed = f"row {first + k}," in run.message or tag in run.message
                        if p.accepted is None and not placed:
                            pass  # cleaned up and accepted: the other rows made the file refused
                        elif column not in run.message or not placed:
                            problem = (
                                f"the message does not point at row {first + k}, {column}: {visible(run.message)[:300]}"
                            )
                    self.entry(p, field_name, problem, run.command)
                if digest(plan) != before:
                    base.copy(plan)
        for p in self.refused:
            if "\x00" in p.template:
                continue  # a command line cannot hold a NUL
            before = digest(plan)
            name = self.name(p, "scenario")
            run = s.cli("scenario", "copy", "--", plan, "baseline", name, cwd=d)
            if p.accepted is None and run.rc == 0 and not run.traceback:
                stored = {r[0] for r in sql(plan, "select name from tp_scenario")} - set(base.scenarios)
                problem = "" if stored and not raw_controls("".join(stored)) else f"stored as {stored!r}"
            else:
                problem = refused(run, plan, before, one_line=True)
            self.entry(p, "scenario", problem, run.command)
            if digest(plan) != before:
                base.copy(plan)
        if s.quick:
            return
        for p in self.refused:
            if "\x00" in p.template:
                continue
            target = d / f"named-{self.tag_of(p, 'plan')}.tplan"
            run = s.cli("new", target, "--layer", "us-counties", f"--name={self.name(p, 'plan')}", cwd=d)
            if p.accepted is None and run.rc == 0 and not run.traceback:
                stored = sql(target, "select name from tp_plan")[0][0]
                problem = "" if not raw_controls(stored) else f"stored as {stored!r}"
            else:
                problem = refused(run, None, None, one_line=True)
                if not problem and target.exists():
                    problem = f"{target.name} was written"
                if run.rc == 0 and target.exists():
                    stored = sql(target, "select name from tp_plan")[0][0]
                    problem += f"; the plan name is stored as {stored!r}"
            self.entry(p, "plan", problem, run.command)

    def old_plan(self) -> None:
        """A plan written before names refused control characters (edited here with sqlite3): every report and
        export copes, and no control character reaches the terminal raw."""
        s, base = self.s, self.base
        d = s.folder("names/old-plan")
        plan = base.copy(d / "old.tplan")
        bell, esc, c1 = "Texas \x07bell", "Plains \x1b[2J\x1b[31mred", "Luis \x9b\x07 Ortega"
        scenario = "What-if \x1b]0;title\x07"
        what_if = base.scenarios[1]
        with sqlite3.connect(plan) as db:
            db.execute("update tp_plan set name = ?", ("Old\x07plan\x1b[31m",))
            for old, new in (("Texas", bell), ("Plains", esc)):
                db.execute("update tp_territory set name = ? where name = ?", (new, old))
                db.execute("update tp_assignment set territory = ? where territory = ?", (new, old))
                db.execute("update tp_seller set territory = ? where territory = ?", (new, old))
                db.execute("update tp_allocation set name = ? where level = 'territory' and name = ?", (new, old))
                db.execute("update tp_assumption set subject = ? where level = 'territory' and subject = ?", (new, old))
            db.execute("update tp_seller set name = ? where name = 'Luis Ortega'", (c1,))
            db.execute("update tp_region set name = ? where name = 'Central'", ("Central\x08\x7f",))
            db.execute("update tp_territory set region = ? where region = 'Central'", ("Central\x08\x7f",))
            tables = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
            db.execute("pragma foreign_keys = off")
            for table in tables:
                columns = [r[1] for r in db.execute(f'pragma table_info("{table}")')]
                if "scenario" in columns:
                    db.execute(f'update "{table}" set scenario = ? where scenario = ?', (scenario, what_if))
            db.execute("update tp_scenario set name = ? where name = ?", (scenario, what_if))
        commands: list[tuple[str, list[str | Path], tuple[int, ...]]] = [
            ("check", ["check", plan], (0, 1)),
            ("check --json", ["check", "--json", plan], (0, 1)),
            ("check what-if", ["check", f"--scenario={scenario}", plan], (0, 1)),
            ("scenario list", ["scenario", "list", plan], (0,)),
            ("scenario compare", ["scenario", "compare", "--", plan, "baseline", scenario], (0,)),
            ("export-data", ["export-data", plan, "data"], (0,)),
            (
                "export",
                [
                    "export",
                    plan,
                    "--all-scenarios",
                    "--html",
                    "m.html",
                    "--pdf",
                    "r.pdf",
                    "--xlsx",
                    "w.xlsx",
                    "--gpkg",
                    "g.gpkg",
                ],
                (0,),
            ),
        ]
        for label, args, codes in commands:
            run = s.cli(*args, cwd=d, timeout=600)
            problem = run.clean_exit(*codes)
            controls = raw_controls(run.out)
            if not problem and controls:
                problem = f"raw control characters on stdout: {', '.join(controls)}"
            if not problem and "--json" in args:
                try:
                    json.loads(run.out)
                except ValueError as exc:
                    problem = f"stdout is not JSON: {exc}"
            s.record("names", f"old plan with control characters in names: {label}", problem, run)

    # verdicts --------------------------------------------------------------------------------------------------------

    def finish(self) -> None:
        s = self.s
        for payload, field_name, problem, command in self.entries:
            verdict = {True: "accepted", False: "refused cleanly", None: "accepted cleaned up or refused cleanly"}[
                payload.accepted
            ]
            s.record("names", f"{payload.key} as a {field_name} name is {verdict}", problem, command=command)
        by_payload: dict[str, list[tuple[str, str]]] = {}
        for payload, problem, command in self.round_trips:
            by_payload.setdefault(payload.key, []).append((problem, command))
        for key, results in by_payload.items():
            bad = [r for r in results if r[0]]
            s.record(
                "names",
                f"{key} round-trips through export-data and import",
                bad[0][0] if bad else "",
                command=(bad or results)[0][1],
            )
        evaluated_total = 0
        unattributed: dict[str, list[str]] = {}
        for output in self.outputs:
            for payload in self.accepted:
                tags = {self.tag_of(payload, fn) for fn in FIELDS}
                problems: list[str] = []
                command = ""
                placed = False
                for _g, fields, findings in self.findings:
                    if not any(payload in fields[fn] for fn in fields):
                        continue
                    placed = True
                    for f in findings:
                        if f.output not in (output, "new", "scenario copy") and not f.output.startswith("import "):
                            continue
                        command = command or f.command
                        if f.output == output and f.failed:
                            problems.append(f.failed)
                            command = f.command
                        hit = sorted(tags & f.evaluated)
                        if hit and (f.output == output):
                            problems.append(f"evaluated or run: {', '.join(hit)}")
                            command = f.command
                        formulas = [c for c in f.formulas if any(t in c for t in tags)]
                        if formulas and f.output == output:
                            problems.append(f"formula cell: {formulas[0]}")
                            command = f.command
                if not placed:
                    continue
                evaluated_total += sum(1 for p in problems if p.startswith("evaluated"))
                s.record(
                    "names", f"{payload.key} through {output}", "; ".join(dict.fromkeys(problems)), command=command
                )
            for _g, _fields, findings in self.findings:
                for f in findings:
                    if f.output != output:
                        continue
                    alltags = {self.tag_of(p, fn) for p in self.accepted for fn in FIELDS}
                    stray = [c for c in f.formulas if not any(t in c for t in alltags)]
                    if stray:
                        unattributed.setdefault(f"{output}: formula cells", []).append(f"{stray[0]} ({f.command})")
                    if f.controls:
                        unattributed.setdefault(f"{output}: raw control characters", []).append(f.controls[0])
        s.executed(evaluated_total)
        for label, items in unattributed.items():
            s.record("names", f"names plan, {label}", items[0])


# --- 2. bad values ----------------------------------------------------------------------------------------------------

ASSUMPTIONS = ["level", "name", "key", "value"]
ALLOCATIONS = ["level", "name", "budget", "hours", "start_month"]
SELLERS = ["seller", "territory", "status", "start_month", "ramp_months", "annual_quota", "annual_cost"]

#: (label, sheet kind, header, rows, column named, rows named (any of)); the first row of each sheet is valid.
BAD_VALUES: tuple[tuple[str, str, list[str], list[list[str]], str, tuple[int, ...]], ...] = (
    *(
        (
            f"{key} {value}",
            "assumptions",
            ASSUMPTIONS,
            [["plan", "", "currency", "USD"], [level, name, key, value]],
            "value",
            (3,),
        )
        for level, name, key, value in (
            ("plan", "", "avg_deal_size", "1e-300"),
            ("plan", "", "avg_deal_size", "1e308"),
            ("plan", "", "avg_deal_size", "0"),
            ("plan", "", "avg_deal_size", "-60000"),
            ("plan", "", "avg_deal_size", "NaN"),
            ("plan", "", "avg_deal_size", "inf"),
            ("plan", "", "avg_deal_size", "sixty thousand"),
            ("plan", "", "win_rate", "1e-300"),
            ("plan", "", "win_rate", "1.5"),
            ("plan", "", "cost_per_lead", "1e308"),
            ("plan", "", "cost_per_lead", "0"),
            ("plan", "", "sales_cycle_days", "1e12"),
            ("plan", "", "sales_cycle_days", "-5"),
            ("plan", "", "marketing_budget", "1e308"),
            ("plan", "", "marketing_budget", "-inf"),
            ("plan", "", "imbalance_tolerance", "1e308"),
            ("territory", "Texas", "lead_to_mql", "1e-300"),
            ("region", "East", "avg_deal_size", "1e308"),
            ("plan", "", "period_start", "2027-13"),
        )
    ),
    (
        "spend_ratio_min above spend_ratio_max",
        "assumptions",
        ASSUMPTIONS,
        [
            ["plan", "", "currency", "USD"],
            ["plan", "", "spend_ratio_min", "0.09"],
            ["plan", "", "spend_ratio_max", "0.08"],
        ],
        "value",
        (3, 4),
    ),
    *(
        (label, "allocations", ALLOCATIONS, [["territory", "Plains", "90000", "0", ""], row], column, (3,))
        for label, row, column in (
            ("budget 1e308", ["territory", "Texas", "1e308", "0", ""], "budget"),
            ("budget -5", ["territory", "Texas", "-5", "0", ""], "budget"),
            ("budget NaN", ["territory", "Texas", "NaN", "0", ""], "budget"),
            ("budget inf", ["region", "West", "inf", "0", ""], "budget"),
            ("budget text", ["territory", "Texas", "lots", "0", ""], "budget"),
            ("hours 1e308", ["territory", "Texas", "1000", "1e308", ""], "hours"),
            ("start_month 27-1", ["territory", "Texas", "1000", "0", "27-1"], "start_month"),
        )
    ),
    *(
        (
            label,
            "sellers",
            SELLERS,
            [["Ok Seller", "Texas", "existing", "", "0", "1000000", "200000"], row],
            column,
            (3,),
        )
        for label, row, column in (
            ("annual_quota 1e308", ["Big Quota", "Texas", "existing", "", "0", "1e308", "200000"], "annual_quota"),
            ("annual_quota -1", ["Neg Quota", "Texas", "existing", "", "0", "-1", "200000"], "annual_quota"),
            ("annual_quota NaN", ["Nan Quota", "Texas", "existing", "", "0", "NaN", "200000"], "annual_quota"),
            ("annual_cost inf", ["Inf Cost", "Texas", "existing", "", "0", "1000000", "inf"], "annual_cost"),
            ("ramp_months 61", ["Slow Ramp", "Texas", "planned", "2027-03", "61", "1000000", "200000"], "ramp_months"),
            (
                "ramp_months 1.5",
                ["Half Ramp", "Texas", "planned", "2027-03", "1.5", "1000000", "200000"],
                "ramp_months",
            ),
            (
                "start_month 2027-00",
                ["Bad Start", "Texas", "planned", "2027-00", "3", "1000000", "200000"],
                "start_month",
            ),
            ("status boss", ["The Boss", "Texas", "boss", "", "0", "1000000", "200000"], "status"),
        )
    ),
    (
        "attributes: one unit twice with different values",
        "attributes",
        ["unit_id", "population"],
        [["01003", "5"], ["01001", "10"], ["01001", "11"]],
        "unit_id",
        (3, 4),
    ),
    (
        "attributes: 1e300",
        "attributes",
        ["unit_id", "population"],
        [["01003", "5"], ["01001", "1e300"]],
        "population",
        (3,),
    ),
    (
        "assignments: one unit in two territories",
        "assignments",
        ["unit_id", "territory"],
        [["01003", "Texas"], ["01001", "Texas"], ["01001", "Plains"]],
        "unit_id",
        (3, 4),
    ),
    (
        "assignments: unknown unit",
        "assignments",
        ["unit_id", "territory"],
        [["01003", "Texas"], ["ZZ999", "Texas"]],
        "unit_id",
        (3,),
    ),
    (
        "territories: colour #zzz",
        "territories",
        ["territory", "region", "color"],
        [["Texas", "Central", "#zzz"]],
        "color",
        (2,),
    ),
)
QUICK_BAD_VALUES = ("avg_deal_size 1e-300", "spend_ratio_min above spend_ratio_max")


def values_tasks(s: Session, base: Base) -> list[Callable[[], None]]:
    cases = [c for c in BAD_VALUES if not s.quick or c[0] in QUICK_BAD_VALUES]
    chunks = [cases[i::2] for i in range(2)]

    def run_chunk(number: int, chunk: list[tuple[str, str, list[str], list[list[str]], str, tuple[int, ...]]]) -> None:
        d = s.folder(f"values/{number}")
        plan = base.copy(d / "plan.tplan")
        for k, (label, kind, header, rows, column, rows_named) in enumerate(chunk):
            sheet = write_csv(d / f"{kind}-{k}.csv", header, rows)
            before = digest(plan)
            run = s.cli("import", kind, plan, sheet.name, cwd=d)
            problem = refused(run, plan, before, [sheet.name, f"column '{column}'"])
            if not problem and not any(f"row {r}" in run.message for r in rows_named):
                problem = f"the message names no row {' or '.join(map(str, rows_named))}: {visible(run.message)[:300]}"
            if not problem and re.search(r"\$-?(inf|nan)", run.message, re.I):
                problem = f"the message prints an amount as inf or nan: {visible(run.message)[:200]}"
            s.record("values", f"{kind}: {label}", problem, run)
            if digest(plan) != before:
                base.copy(plan)

    return [lambda n=n, c=c: run_chunk(n, c) for n, c in enumerate(chunks) if c]  # type: ignore[misc]


# --- 3. damaged plans -------------------------------------------------------------------------------------------------


def damaged_tasks(s: Session, base: Base) -> list[Callable[[], None]]:
    """Broken plan files: ``check`` and ``export`` exit 2 naming the file (and saying "damaged" where it is a damaged
    plan), never a traceback, and never change the file."""
    size = base.plan.stat().st_size
    original = base.plan.read_bytes()

    def truncated(at: int) -> Callable[[Path], object]:
        return lambda path: path.write_bytes(original[:at])

    def flipped(seed: int, flips: int) -> Callable[[Path], None]:
        def make(path: Path) -> None:
            data = bytearray(original)
            rng = random.Random(seed)
            for _ in range(flips):
                spot = rng.randrange(100, len(data))  # past the SQLite header's magic string
                data[spot] ^= 1 << rng.randrange(8)
            path.write_bytes(bytes(data))

        return make

    def edited(*statements: str) -> Callable[[Path], None]:
        def make(path: Path) -> None:
            shutil.copyfile(base.plan, path)
            with sqlite3.connect(path) as db:
                for statement in statements:
                    db.execute(statement)
            db.close()

        return make

    def folder(path: Path) -> None:
        path.mkdir()

    # (label, make, must say "damaged", any result allowed when the damage is not detectable)
    cases: list[tuple[str, Callable[[Path], object], bool, bool]] = [
        *(
            (f"truncated to {at:,} bytes", truncated(at), True, False)
            for at in (100, 4096, size // 3, size // 2, size - 4096)
        ),
        # SQLite reads a short last page as zeros; when nothing read lands there, the plan loads with its results.
        ("truncated by its last byte", truncated(size - 1), False, True),
        *(
            (f"{flips} random bit flips (seed {seed})", flipped(seed, flips), False, True)
            for seed, flips in ((1, 1), (2, 4), (3, 16), (4, 64), (5, 256), (6, 1024), (7, 4096), (8, 16384))
        ),
        *(
            (f"table {table} dropped", edited(f"drop table {table}"), True, False)
            for table in ("tp_assignment", "tp_plan", "tp_unit_geometry", "tp_scenario")
        ),
        (
            "a unit's geometry is not WKB",
            edited("update tp_unit_geometry set wkb = x'00ff00ff' where position = 5"),
            True,
            False,
        ),
        (
            "adjacency points past the last unit",
            edited("update tp_adjacency set unit_b = 999999 where position = 3"),
            True,
            False,
        ),
        ("unit index of an odd dtype", edited("update tp_plan set unit_index_dtype = 'complex128'"), True, False),
        ("unit count disagrees with the units", edited("update tp_plan set unit_count = 5"), True, False),
        ("schema version from the future", edited("update tp_schema_version set version_num = '9999'"), False, False),
        ("garbage bytes", lambda p: p.write_bytes(random.Random(9).randbytes(65536)), False, False),
        ("empty file", lambda p: p.write_bytes(b""), False, False),
        (
            "a CSV named .tplan",
            lambda p: p.write_text("territory,region\nTexas,Central\n", encoding="utf-8"),
            False,
            False,
        ),
        ("a folder named like a plan", folder, False, False),
    ]
    if s.quick:
        cases = [cases[14]]

    def probe(number: int, label: str, make: Callable[[Path], object], damaged: bool, lenient: bool) -> None:
        d = s.folder(f"damaged/{number}")
        plan = d / "broken.tplan"
        make(plan)
        before, files = digest(plan), listing(d)
        both: tuple[list[Arg], ...] = (["check", plan], ["export", plan, "--html", "m.html", "--xlsx", "w.xlsx"])
        for args in both:
            run = s.cli(*args, cwd=d)
            geometry_only = label.startswith("a unit's geometry") and args[0] == "check"
            if (lenient or geometry_only) and run.rc in (0, 1) and not run.traceback:
                problem = "" if args[0] == "check" or run.rc == 0 else run.clean_exit(0)
            else:
                problem = refused(run, None, None, [plan.name])
                if not problem and damaged and "damaged" not in run.message.lower():
                    problem = f"the message does not say the plan is damaged: {visible(run.message)[:300]}"
            if not problem and digest(plan) != before:
                problem = "the damaged file was changed"
            left = listing(d) - files - {"m.html", "w.xlsx"}
            if not problem and left:
                problem = f"files left behind: {', '.join(sorted(left))}"
            s.record("damaged", f"{label}: {args[0]}", problem, run)

    return [lambda n=n, c=c: probe(n, *c) for n, c in enumerate(cases)]  # type: ignore[misc]


# --- 4. read-only and WAL plans ---------------------------------------------------------------------------------------


def _journal_mode(plan: Path) -> str:
    """The journal mode a file says it is in (header bytes 18-19: 1 rollback, 2 WAL), without opening it."""
    header = plan.read_bytes()[:20]
    return {1: "rollback", 2: "wal"}.get(header[18], f"unknown ({header[18]})") if len(header) == 20 else "none"


def _empty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == 0


def readonly_tasks(s: Session, base: Base) -> list[Callable[[], None]]:
    def read_only() -> None:
        d = s.folder("readonly/0444")
        plan = base.copy(d / "locked.tplan")
        sheet = write_csv(d / "allocations.csv", ALLOCATIONS, [["territory", "Texas", "123456", "0", ""]])
        plan.chmod(0o444)
        before, files = digest(plan), listing(d)
        commands: list[tuple[str, list[Arg]]] = [
            ("import", ["import", "allocations", plan, sheet.name]),
            ("scenario copy", ["scenario", "copy", plan, "baseline", "Mine"]),
        ]
        if not s.quick:
            commands.append(("scenario delete", ["scenario", "delete", plan, base.scenarios[1]]))
        for label, args in commands:
            run = s.cli(*args, cwd=d)
            problem = refused(run, plan, before, [plan.name])
            if not problem and stat.S_IMODE(plan.stat().st_mode) != 0o444:
                problem = f"the file's mode changed to {oct(stat.S_IMODE(plan.stat().st_mode))}"
            if not problem and listing(d) != files:
                problem = f"files left behind: {', '.join(sorted(listing(d) - files))}"
            s.record("readonly", f"a 0444 plan is refused by {label}", problem, run)
        plan.chmod(0o644)

    def wal(media_read_only: bool) -> None:
        d = s.folder(f"readonly/wal-{'ro' if media_read_only else 'rw'}")
        plan = base.copy(d / "wal.tplan")
        with sqlite3.connect(plan) as db:
            mode = db.execute("pragma journal_mode=wal").fetchone()[0]
        db.close()
        if mode != "wal" or _journal_mode(plan) != "wal":
            s.record("readonly", "WAL plan set-up", f"sqlite3 did not switch the copy to WAL ({mode})")
            return
        if media_read_only:
            plan.chmod(0o444)
            d.chmod(0o555)
        before, files = digest(plan), listing(d)
        where = "a WAL plan on read-only media (file 0444, folder 0555)" if media_read_only else "a WAL plan"
        commands: list[tuple[str, list[Arg], tuple[int, ...]]] = [
            ("check", ["check", plan], (0, 1)),
            ("check --json", ["check", "--json", plan], (0, 1)),
        ]
        if not s.quick:
            out = s.folder(f"readonly/wal-out-{int(media_read_only)}")
            commands += [
                ("scenario list", ["scenario", "list", plan], (0,)),
                ("export", ["export", plan, "--xlsx", out / "w.xlsx", "--geojson", out / "t.geojson"], (0,)),
            ]
        try:
            for label, args, codes in commands:
                run = s.cli(*args, cwd=d)
                problem = run.clean_exit(*codes)
                if not problem and digest(plan) != before:
                    problem = "the plan file changed"
                if not problem and _journal_mode(plan) != "wal":
                    problem = f"the plan is no longer in WAL mode ({_journal_mode(plan)})"
                # SQLite's own WAL index and an empty log may stay beside a WAL plan read in a writable folder.
                sidecars = {f"{plan.name}-shm"} | ({f"{plan.name}-wal"} if _empty(d / f"{plan.name}-wal") else set())
                if not problem and listing(d) - sidecars != files:
                    problem = f"files left beside the plan: {', '.join(sorted((listing(d) - sidecars) ^ files))}"
                s.record("readonly", f"{where} is unchanged by {label}", problem, run)
        finally:
            d.chmod(0o755)
            plan.chmod(0o644)

    tasks: list[Callable[[], None]] = [read_only, lambda: wal(False)]
    if not s.quick:
        tasks.append(lambda: wal(True))
    return tasks


# --- 5. hostile spreadsheets ------------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _cells(values: Iterable[str]) -> str:
    return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)


def write_xlsx(path: Path, dimension: str, chunks: Iterable[str]) -> Path:
    """A minimal workbook whose one sheet is ``chunks`` (row XML) streamed into the zip, compressed as it goes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'.encode())
            sheet.write(f'<dimension ref="{dimension}"/><sheetData>'.encode())
            for chunk in chunks:
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _declare_size(path: Path, member: str, size: int) -> None:
    """Make the zip's headers declare ``size`` uncompressed bytes for ``member`` (it really holds far fewer)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(member).header_offset
    data[offset + 22 : offset + 26] = size.to_bytes(4, "little")
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if bytes(data[at + 46 : at + 46 + length]) == name:
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def sheets_tasks(s: Session, base: Base) -> list[Callable[[], None]]:
    header_row = "<row>" + _cells(["unit_id", "territory"]) + "</row>"

    def bomb(path: Path) -> None:
        rows = 1_500_000 if s.quick else 3_000_000
        row = "<row>" + _cells(["01001", "Texas"]) + "</row>"
        write_xlsx(path, f"A1:B{rows + 1}", [header_row, *(row * 10_000 for _ in range(rows // 10_000))])

    def dimension(path: Path) -> None:
        rows = [
            header_row,
            "<row>" + _cells(["01001", "Texas"]) + "</row>",
            "<row>" + _cells(["01003", "Texas"]) + "</row>",
        ]
        write_xlsx(path, "A1:XFD1048576", rows)

    def many_rows(path: Path) -> None:
        rng = random.Random(11)
        territories = ["Texas", "Plains", "Mountain", "Great Lakes"]

        def chunks() -> Iterable[str]:
            yield header_row
            for start in range(0, 1_200_000, 20_000):
                yield "".join(
                    "<row>"
                    + _cells([f"{rng.randrange(1, 56):02d}{rng.randrange(1, 999):03d}", rng.choice(territories)])
                    + "</row>"
                    for _ in range(20_000)
                )
                del start

        write_xlsx(path, "A1:B1200001", chunks())

    def lying_size(path: Path) -> None:
        dimension(path)
        _declare_size(path, "xl/worksheets/sheet1.xml", 0xFFFFFFF0)

    def openpyxl_book(path: Path, rows: list[list[Any]]) -> None:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Sellers"
        for row in rows:
            sheet.append(row)
        book.save(path)

    good_seller = ["Zoë Müller", "Texas", "existing", "", 0, 1_000_000, 200_000]

    def formula(path: Path) -> None:
        openpyxl_book(path, [SELLERS, ["Formula Seller", "Texas", "existing", "", 0, "=1000*1000", 200_000]])

    def error_cell(path: Path) -> None:
        openpyxl_book(path, [SELLERS, ["Error Seller", "Texas", "existing", "", 0, 1_000_000, "#DIV/0!"]])

    def good_xlsx(path: Path) -> None:
        openpyxl_book(path, [SELLERS, good_seller])

    def bom(path: Path) -> None:
        write_csv(path, SELLERS, [good_seller], encoding="utf-8-sig")

    def cp1252(path: Path) -> None:
        write_csv(path, SELLERS, [["José Müller Ñúñez", *good_seller[1:]]], encoding="cp1252")

    def crlf(path: Path) -> None:
        path.write_bytes(("\r\n".join([",".join(SELLERS), ",".join(map(str, good_seller))]) + "\r\n\r\n\r\n").encode())

    def semicolons(path: Path) -> None:
        path.write_text(";".join(SELLERS) + "\n" + ";".join(map(str, good_seller)) + "\n", encoding="utf-8")

    def utf16(path: Path) -> None:
        path.write_text("\t".join(SELLERS) + "\n" + "\t".join(map(str, good_seller)) + "\n", encoding="utf-16")

    # (label, kind, file name, make, expected: "ok" | "refused" | "either", words the refusal names, name imported)
    cases: list[tuple[str, str, str, Callable[[Path], None], str, list[str], str]] = [
        (
            "zip bomb (3 million rows, packed over 200 times)",
            "assignments",
            "bomb.xlsx",
            bomb,
            "refused",
            ["bomb.xlsx"],
            "",
        ),
        (
            "declared dimension A1:XFD1048576 with 3 rows",
            "assignments",
            "dimension.xlsx",
            dimension,
            "either",
            ["dimension.xlsx"],
            "",
        ),
        (
            "zip headers declaring 4 GB uncompressed",
            "assignments",
            "lying.xlsx",
            lying_size,
            "either",
            ["lying.xlsx"],
            "",
        ),
        (
            "formula cell without a cached value",
            "sellers",
            "formula.xlsx",
            formula,
            "refused",
            ["formula.xlsx", "F2"],
            "",
        ),
        ("error cell #DIV/0!", "sellers", "error.xlsx", error_cell, "refused", ["error.xlsx", "G2", "#DIV/0!"], ""),
        ("a good XLSX sheet", "sellers", "good.xlsx", good_xlsx, "ok", [], "Zoë Müller"),
        ("a CSV with a BOM (Excel's UTF-8)", "sellers", "bom.csv", bom, "ok", [], "Zoë Müller"),
        ("a cp1252 CSV (Excel's ANSI)", "sellers", "ansi.csv", cp1252, "ok", [], "José Müller Ñúñez"),
        ("a CSV with CRLF and trailing blank lines", "sellers", "crlf.csv", crlf, "ok", [], "Zoë Müller"),
        ("a semicolon-separated CSV", "sellers", "semicolons.csv", semicolons, "either", ["semicolons.csv"], ""),
        ("a UTF-16 tab-separated text file", "sellers", "utf16.csv", utf16, "either", ["utf16.csv"], ""),
    ]
    if not s.quick:
        cases.insert(
            1, ("1.2 million rows (row cap)", "assignments", "rows.xlsx", many_rows, "refused", ["rows.xlsx"], "")
        )
    else:
        cases = [cases[0], cases[4]]

    def probe(
        number: int,
        label: str,
        kind: str,
        name: str,
        make: Callable[[Path], None],
        expected: str,
        words: list[str],
        imported: str,
    ) -> None:
        d = s.folder(f"sheets/{number}")
        plan = base.copy(d / "plan.tplan")
        make(d / name)
        before = digest(plan)
        run = s.cli("import", kind, plan, name, cwd=d, timeout=300)
        if expected == "refused" or (expected == "either" and run.rc != 0):
            problem = refused(run, plan, before, words)
        else:
            problem = run.clean_exit(0)
            if not problem and imported:
                names = {r[0] for r in sql(plan, "select name from tp_seller where scenario = 'baseline'")}
                if imported not in names:
                    problem = f"{imported!r} was not imported as written (sellers now: {sorted(names)[:5]})"
        if not problem and run.peak_rss_mb is not None and run.peak_rss_mb > MAX_RSS_MB:
            problem = f"peak memory {run.peak_rss_mb:.0f} MB (limit {MAX_RSS_MB:.0f} MB)"
        memory = f" (peak {run.peak_rss_mb:.0f} MB, {run.seconds:.1f} s)" if run.peak_rss_mb else ""
        s.record("sheets", f"{label}{memory}", problem, run)
        (d / name).unlink(missing_ok=True)

    return [lambda n=n, c=c: probe(n, *c) for n, c in enumerate(cases)]  # type: ignore[misc]


# --- 6. concurrent writers --------------------------------------------------------------------------------------------


class Backend:
    """Where the concurrency rounds write: a .tplan file or a PostgreSQL plan; reads the changes back."""

    def __init__(
        self, label: str, target: str, reader: Callable[[str, tuple[object, ...]], list[tuple[Any, ...]]]
    ) -> None:
        self.label = label
        self.target = target
        self.read = reader

    def scenarios(self) -> set[str]:
        return {r[0] for r in self.read("select name from tp_scenario where plan_key = plan_key", ())}

    def texas_budget(self) -> float | None:
        rows = self.read(
            "select budget from tp_allocation where scenario = 'baseline' and level = 'territory' and name = 'Texas'",
            (),
        )
        return float(rows[0][0]) if rows else None

    def cost_per_lead(self) -> float | None:
        rows = self.read(
            "select value from tp_assumption where scenario = 'baseline' and level = 'plan' and key = 'cost_per_lead'",
            (),
        )
        return float(rows[0][0]) if rows else None


def _pg_reader(url: str, plan_key: str) -> Callable[[str, tuple[object, ...]], list[tuple[Any, ...]]]:
    def read(query: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        import psycopg

        query = query.replace("plan_key = plan_key", "plan_key = %s").replace(
            "where scenario", "where plan_key = %s and scenario"
        )
        with psycopg.connect(_libpq(url)) as connection:
            return list(connection.execute(query, (plan_key, *params)).fetchall())

    return read


def drop_pg_plan(url: str, plan_key: str) -> None:
    """Remove a probe plan from the server (every table with a plan_key, children first)."""
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as connection:
        tables = [
            r[0]
            for r in connection.execute(
                "select table_name from information_schema.columns"
                " where column_name = 'plan_key' and table_schema = current_schema()"
            )
        ]
        for _attempt in range(len(tables) + 1):
            left = []
            for table in tables:
                try:
                    connection.execute(f'delete from "{table}" where plan_key = %s', (plan_key,))
                except psycopg.errors.ForeignKeyViolation:
                    left.append(table)
            tables = left
            if not tables:
                return


def concurrency_tasks(s: Session, base: Base) -> list[Callable[[], None]]:
    rounds = 1 if s.quick else 20

    def run_rounds(backend: Backend, d: Path) -> None:
        lost = 0
        for n in range(rounds):
            if n % 2 == 0:
                changes = [f"Round {n} writer A", f"Round {n} writer B"]
                argv = [["scenario", "copy", backend.target, "baseline", name] for name in changes]
                kinds = "two scenario copy"
            else:
                budget, cost = 100_000.0 + n, 150.0 + n
                allocations = [dict(r) for r in base.sheets["allocations"]]
                for r in allocations:
                    if r["name"] == "Texas":
                        r["budget"] = str(int(budget))
                a = write_csv(d / f"allocations-{n}.csv", ALLOCATIONS, [list(r.values()) for r in allocations])
                b = write_csv(d / f"assumptions-{n}.csv", ASSUMPTIONS, [["plan", "", "cost_per_lead", str(cost)]])
                argv = [
                    ["import", "allocations", backend.target, a.name],
                    ["import", "assumptions", backend.target, b.name],
                ]
                kinds = "two import"
            children = [s.spawn(*args, cwd=d) for args in argv]
            runs = [s.reap(child, timeout=300) for child in children]
            try:
                if n % 2 == 0:
                    present = [name in backend.scenarios() for name in changes]
                else:
                    present = [backend.texas_budget() == budget, backend.cost_per_lead() == cost]
            except Exception as exc:
                s.record(
                    "concurrency",
                    f"{backend.label} round {n + 1} ({kinds} processes)",
                    f"the plan cannot be read back: {exc!r}",
                    runs[0],
                )
                continue
            problems: list[str] = []
            for run, there in zip(runs, present, strict=True):
                if run.rc == 0 and not there and not run.traceback:
                    lost += 1
                    problems.append(
                        f"LOST UPDATE: `{' '.join(run.args[:2])}` exited 0 but its change is not in the plan"
                    )
                elif run.rc == 2 and not run.traceback:
                    if "changed by" not in run.message:
                        problems.append(f"exit 2 without 'changed by': {run.said()}")
                    elif there:
                        problems.append(f"said it was refused ({run.said()}) yet its change is in the plan")
                elif run.rc != 0 or run.traceback:
                    problems.append(run.clean_exit(0, 2))
            outcome = " + ".join("saved" if r.rc == 0 else "conflict" for r in runs)
            s.record(
                "concurrency",
                f"{backend.label} round {n + 1} ({kinds} processes): {outcome}",
                "; ".join(problems),
                command=" & ".join(r.command for r in runs),
            )
        with s._lock:
            s.lost_updates[backend.label] = lost
            s.rounds[backend.label] = rounds

    def file_rounds() -> None:
        d = s.folder("concurrency/file")
        plan = base.copy(d / "shared.tplan")
        run_rounds(Backend("file", str(plan), lambda q, p: sql(plan, q.replace("plan_key = plan_key", "1 = 1"), *p)), d)

    def pg_rounds() -> None:
        d = s.folder("concurrency/postgres")
        url = s.pg_url
        assert url is not None
        key = f"probe_{os.getpid()}_{int(time.time())}"
        target = f"{url.split('?')[0]}?plan={key}"
        run = s.cli("demo", target, cwd=d)
        if run.rc != 0:
            s.record("concurrency", "PostgreSQL plan set-up (demo)", run.clean_exit(0), run)
            return
        try:
            run_rounds(Backend("PostgreSQL", target, _pg_reader(url, key)), d)
        finally:
            drop_pg_plan(url, key)

    tasks: list[Callable[[], None]] = [file_rounds]
    if s.pg_url:
        tasks.append(pg_rounds)
    else:
        s.note("No PostgreSQL server (TP_TEST_POSTGRES_URL or /tmp/pg.url): the PostgreSQL rounds were skipped.")
    return tasks


# --- 7. full disk, long and odd names ---------------------------------------------------------------------------------

PACK = {
    "html": "map.html",
    "pdf": "report.pdf",
    "png": "map.png",
    "gpkg": "plan.gpkg",
    "geojson": "plan.geojson",
    "shp": "plan.zip",
    "xlsx": "plan.xlsx",
}


def _fill(folder: Path) -> None:
    """Fill the file system of ``folder`` to the last byte."""
    try:
        handle = open(folder / "filler", "wb", buffering=0)  # noqa: SIM115 - unbuffered: nothing left to flush
    except OSError:
        return  # full already
    with handle:
        for size in (1 << 20, 1 << 12, 1):
            block = b"\0" * size
            try:
                while True:
                    handle.write(block)
            except OSError:
                continue


def disks_tasks(s: Session, base: Base) -> list[Callable[[], None]]:
    def full_disk() -> None:
        if not (sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0):
            s.note("Full-disk probes skipped: they mount a small tmpfs, which needs root on Linux.")
            return
        d = s.folder("disks/full")
        good = s.folder("disks/good")
        kinds = ["html", "xlsx"] if s.quick else list(PACK)
        args: list[str | Path] = ["export", base.plan]
        for kind in kinds:
            args += [f"--{kind}", good / PACK[kind]]
        run = s.cli(*args, cwd=good, timeout=600)
        if run.rc != 0:
            s.record("disks", "full disk set-up (a good export)", run.clean_exit(0), run)
            return
        if not s.quick:
            run = s.cli("export-data", base.plan, good / "data", cwd=good)
        mount = d / "disk"
        mount.mkdir()
        need = sum(p.stat().st_size for p in good.rglob("*") if p.is_file()) + base.plan.stat().st_size
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={need // (1 << 20) + 8}m", "tmpfs", str(mount)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            s.note(f"Full-disk probes skipped: mounting a tmpfs failed ({done.stderr.strip()}).")
            return
        try:
            for p in good.iterdir():
                if p.is_dir():
                    shutil.copytree(p, mount / p.name)
                else:
                    shutil.copyfile(p, mount / p.name)
            plan = base.copy(mount / "plan.tplan")
            _fill(mount)
            before = {name: digest(mount / name) for name in listing(mount)}
            files = listing(mount)
            probes: list[tuple[str, list[str | Path], Path]] = [
                (
                    f"export --{kind} onto a full disk",
                    ["export", base.plan, f"--{kind}", mount / PACK[kind]],
                    mount / PACK[kind],
                )
                for kind in kinds
            ]
            if not s.quick:
                probes += [
                    ("export-data onto a full disk", ["export-data", base.plan, mount / "data"], mount / "data"),
                    ("scenario copy (a save) onto a full disk", ["scenario", "copy", plan, "baseline", "Full"], plan),
                    (
                        "import (a save) onto a full disk",
                        ["import", "assumptions", plan, base.data / "assumptions.csv"],
                        plan,
                    ),
                ]
            for label, argv, target in probes:
                run = s.cli(*argv, cwd=d)
                problem = refused(run, None, None, [target.name])
                changed = [n for n in listing(mount) if n in before and digest(mount / n) != before[n]]
                if not problem and changed:
                    problem = f"the previous file(s) changed: {', '.join(changed[:4])}"
                if not problem and listing(mount) != files:
                    problem = f"files left on the full disk: {', '.join(sorted(listing(mount) ^ files))}"
                s.record("disks", label, problem, run)
        finally:
            subprocess.run(["umount", str(mount)], check=False)

    def long_names() -> None:
        d = s.folder("disks/long")
        lengths = (255,) if s.quick else (239, 247, 255)
        for length in lengths:
            plan = base.copy(d / ("p" * (length - len(".tplan")) + ".tplan"))
            files = listing(d)
            run = s.cli("scenario", "copy", plan.name, "baseline", f"Long {length}", cwd=d)
            problem = run.clean_exit(0)
            if not problem and f"Long {length}" not in {r[0] for r in sql(plan, "select name from tp_scenario")}:
                problem = "exit 0 but the copy is not in the plan"
            if not problem and listing(d) != files:
                problem = f"files left behind: {', '.join(sorted(listing(d) ^ files))}"
            s.record("disks", f"a save to a {length}-character file name", problem, run)
            if s.quick:
                continue
            targets = {
                kind: "e" * (length - len(PACK[kind].split(".", 1)[1]) - 1) + "." + PACK[kind].split(".", 1)[1]
                for kind in ("html", "pdf", "xlsx", "gpkg")
            }
            out = s.folder(f"disks/long-out-{length}")
            args: list[str | Path] = ["export", plan]
            for kind, name in targets.items():
                args += [f"--{kind}", name]
            run = s.cli(*args, cwd=out, timeout=600)
            problem = run.clean_exit(0)
            missing = [k for k, n in targets.items() if not (out / n).is_file()]
            if not problem and missing:
                problem = f"not written: {', '.join(missing)}"
            left = listing(out) - set(targets.values())
            if not problem and left:
                problem = f"files left behind: {', '.join(sorted(left))}"
            s.record("disks", f"export to {length}-character file names (html, pdf, xlsx, gpkg)", problem, run)
            run = s.cli("export-data", plan, "f" * length, cwd=out)
            problem = run.clean_exit(0) or (
                "" if (out / ("f" * length) / "sellers.csv").is_file() else "no sellers.csv written"
            )
            s.record("disks", f"export-data to a {length}-character folder name", problem, run)
        run = s.cli("demo", "d" * 249 + ".tplan", cwd=d)
        s.record("disks", "demo written to a 255-character file name", run.clean_exit(0), run)

    def odd_targets() -> None:
        d = s.folder("disks/odd")
        plan = base.copy(d / "plan.tplan")
        before = digest(plan)
        (d / "a-folder.html").mkdir()
        probes: list[tuple[str, list[str | Path], str]] = [
            (
                "export --html into a folder that does not exist",
                ["export", plan, "--html", "missing/sub/m.html"],
                "missing/sub/m.html",
            ),
            (
                "export --pdf into a folder that does not exist",
                ["export", plan, "--pdf", "missing2/r.pdf"],
                "missing2/r.pdf",
            ),
            (
                "export-data into a folder that does not exist",
                ["export-data", plan, "missing3/sub/data"],
                "missing3/sub/data/sellers.csv",
            ),
            ("export --html onto an existing folder", ["export", plan, "--html", "a-folder.html"], ""),
            ("export --xlsx onto the plan file itself", ["export", plan, "--xlsx", "plan.tplan"], ""),
        ]
        if s.quick:
            probes = probes[:1]
        for label, argv, written in probes:
            run = s.cli(*argv, cwd=d)
            if written and run.rc == 0:
                problem = run.clean_exit(0) or (
                    "" if (d / written).is_file() else f"exit 0 but {written} was not written"
                )
            else:
                target = Path(str(argv[-1]))
                # The command line's own usage error (a folder given as a file) is a clean refusal of a few lines.
                usage = run.message.startswith("Usage:")
                problem = refused(run, None, None, [target.parts[0] if written else target.name], one_line=not usage)
            if not problem and digest(plan) != before:
                problem = "the plan file changed"
            s.record("disks", label, problem, run)

    return [full_disk, long_names, odd_targets]


# --- 8. unexpected errors ---------------------------------------------------------------------------------------------


def errors_tasks(s: Session, base: Base) -> list[Callable[[], None]]:
    def urls() -> None:
        d = s.folder("errors")
        host = "postgres:postgres@127.0.0.1:5432/tp_test"
        probes: list[tuple[str, list[str | Path], list[str]]] = [
            (f"a +{driver} URL", ["check", f"postgresql+{driver}://{host}?plan=x"], ["postgresql+psycopg"])
            for driver in ("psycopg2", "asyncpg", "pg8000")
        ]
        if not s.quick:
            probes += [
                ("a server that is not there", ["check", "postgresql+psycopg://u:secret@127.0.0.1:1/db?plan=x"], []),
                ("a mysql:// URL", ["check", "mysql://u@localhost/db"], []),
                ("a plan file that does not exist", ["check", "nope.tplan"], ["nope.tplan"]),
                ("a scenario the plan does not have", ["check", "--scenario=Nope", base.plan], ["Nope"]),
                ("--png-size abc", ["export", base.plan, "--png", "m.png", "--png-size", "abc"], ["abc"]),
                (
                    "new onto an existing plan file without --force",
                    ["new", base.plan, "--layer", "us-counties"],
                    [base.plan.name],
                ),
                ("demo onto an existing plan file without --force", ["demo", base.plan], [base.plan.name]),
            ]
        before = digest(base.plan)
        for label, argv, words in probes:
            run = s.cli(*argv, cwd=d)
            problem = refused(run, None, None, words, one_line=True)
            if not problem and "secret" in run.message:
                problem = "the message shows the password"
            if not problem and digest(base.plan) != before:
                problem = "the demo plan changed"
            s.record("errors", f"{label}: exit 2, one line", problem, run)

    def pg_overwrite() -> None:
        url = s.pg_url
        assert url is not None
        d = s.folder("errors/pg")
        key = f"probe_keep_{os.getpid()}_{int(time.time())}"
        target = f"{url.split('?')[0]}?plan={key}"
        try:
            run = s.cli("demo", target, cwd=d)
            if run.rc != 0:
                s.record("errors", "PostgreSQL overwrite set-up", run.clean_exit(0), run)
                return
            run = s.cli("scenario", "copy", target, "baseline", "Colleague's work", cwd=d)
            if run.rc != 0:
                s.record("errors", "PostgreSQL overwrite set-up", run.clean_exit(0), run)
                return
            run = s.cli("demo", target, cwd=d)
            kept = "Colleague's work" in {
                r[0] for r in _pg_reader(url, key)("select name from tp_scenario where plan_key = plan_key", ())
            }
            problem = refused(run, None, None, one_line=True)
            if run.rc == 0:
                problem = "exit 0: the existing plan was replaced" + (
                    "" if kept else " and a colleague's scenario is gone"
                )
            elif not kept:
                problem = problem or "the colleague's scenario is gone"
            s.record("errors", "demo onto an existing PostgreSQL plan without --force is refused", problem, run)
        finally:
            drop_pg_plan(url, key)

    tasks: list[Callable[[], None]] = [urls]
    if s.pg_url and not s.quick:
        tasks.append(pg_overwrite)
    return tasks


# --- the run ----------------------------------------------------------------------------------------------------------


def run_probes(
    quick: bool = False,
    jobs: int = 2,
    keep: bool = False,
    root: Path | None = None,
    only: Iterable[str] = (),
) -> dict[str, Any]:
    """Run the probes (of the families in ``only``, or all); returns the figures (as written with --json)."""
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="tp-probes-")) if root is None else root
    (scratch / "logs").mkdir(parents=True, exist_ok=True)
    s = Session(scratch, quick)
    try:
        base = Base(s)
        names = NamesFamily(s, base)
        # The concurrency rounds run on a thread of their own, beside the other probes (which load the machine as
        # other users would); the rest share ``jobs`` workers, longest first.
        wanted = set(only) or set(FAMILIES)
        spine = concurrency_tasks(s, base) if "concurrency" in wanted else []
        makers: dict[str, Callable[[Session, Base], list[Callable[[], None]]]] = {
            "names": lambda s, base: names.tasks(),
            "disks": disks_tasks,
            "sheets": sheets_tasks,
            "damaged": damaged_tasks,
            "values": values_tasks,
            "readonly": readonly_tasks,
            "errors": errors_tasks,
        }
        tasks = [task for key, make in makers.items() if key in wanted for task in make(s, base)]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool, ThreadPoolExecutor(max_workers=1) as aside:
            futures = [aside.submit(task) for task in spine] + [pool.submit(task) for task in tasks]
            for future in futures:
                try:
                    future.result()
                except Exception as exc:  # a probe that could not run is a finding, not a crash of the runner
                    s.record("runner", "a probe task", f"it failed: {exc!r}", command=traceback.format_exc()[-800:])
        for finish in s.finishers:
            finish()
    finally:
        broken = any(not p.held for p in s.probes)
        if not keep and not broken and root is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return summary(s, time.monotonic() - started, scratch if (keep or broken) else None)


def summary(s: Session, seconds: float, kept: Path | None) -> dict[str, Any]:
    families = {}
    for key, title in FAMILIES.items():
        mine = [p for p in s.probes if p.family == key]
        families[key] = {
            "title": title,
            "tried": len(mine),
            "held": sum(p.held for p in mine),
            "broken": sum(not p.held for p in mine),
        }
    return {
        "quick": s.quick,
        "families": families,
        "total": {k: sum(f[k] for f in families.values()) for k in ("tried", "held", "broken")},
        "lost_updates": dict(s.lost_updates),
        "concurrency_rounds": dict(s.rounds),
        "code_executions": s.executions,
        "commands_run": s.commands,
        "seconds": round(seconds, 1),
        "notes": sorted(set(s.notes)),
        "scratch_folder_kept": str(kept) if kept else None,
        "slowest_commands": [f"{t:.1f} s  {c}" for t, c in sorted(s.timings, reverse=True)[:12]],
        "broken": [asdict(p) for p in s.probes if not p.held],
        "probes": [asdict(p) for p in sorted(s.probes, key=lambda p: (list(FAMILIES).index(p.family), p.name))],
    }


def table(result: dict[str, Any]) -> str:
    lines = [f"{'Family':<36} {'tried':>6} {'held':>6} {'broken':>6}", "-" * 57]
    for key, fam in result["families"].items():
        if key == "runner" and not fam["tried"]:
            continue
        lines.append(f"{fam['title']:<36} {fam['tried']:>6} {fam['held']:>6} {fam['broken']:>6}")
    total = result["total"]
    lines += ["-" * 57, f"{'Total':<36} {total['tried']:>6} {total['held']:>6} {total['broken']:>6}", ""]
    rounds = result["concurrency_rounds"]
    lost = result["lost_updates"]
    lines.append(
        "Lost updates: "
        + (
            ", ".join(f"{lost.get(b, 0)} in {n} rounds on {b}" for b, n in rounds.items())
            or "no concurrency rounds ran"
        )
    )
    lines.append(f"Code executions from the payload corpus: {result['code_executions']}")
    lines.append(
        f"{result['commands_run']} commands in {result['seconds']:.0f} s"
        + (" (quick subset)" if result["quick"] else "")
    )
    for note in result["notes"]:
        lines.append(f"Note: {note}")
    if result["broken"]:
        lines += ["", "Broken probes:"]
        for p in result["broken"]:
            lines += [f"  [{p['family']}] {p['name']}", f"      {p['detail']}", f"      $ {p['command']}"]
        lines.append(f"\nThe probe files are kept in {result['scratch_folder_kept']} (the commands above run there).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.probes.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="A small subset (under a minute), as CI runs it.")
    parser.add_argument("--json", type=Path, metavar="OUT", help="Also write the figures and every probe as JSON.")
    parser.add_argument("--jobs", type=int, default=2, help="Probes run side by side (default 2).")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch folder even when nothing broke.")
    parser.add_argument(
        "--only", action="append", choices=[f for f in FAMILIES if f != "runner"], help="Run only this family (repeat)."
    )
    args = parser.parse_args(argv)
    if not CLI.exists():
        parser.error(f"{CLI} not found: install the project in this environment (pip install -e '.[test]').")
    result = run_probes(quick=args.quick, jobs=args.jobs, keep=args.keep, only=args.only or ())
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if result["total"]["broken"] else 0


if __name__ == "__main__":
    sys.exit(main())
