"""The ``territory-planner`` command line: the same services as the desktop app, for scripts and RevOps."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from .domain import BASELINE, PlanError
from .domain.commands import Batch, Command, CopyScenario, DeleteScenario, RenameScenario
from .domain.formatting import count
from .domain.text import printable
from .services.export_kinds import EXPORT_KINDS
from .services.imports import MERGEABLE, SHEETS, ColumnMapping

log = logging.getLogger("territory_planner")
F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_BLOCKING, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {printable(message, keep_lines=True)}", err=True)
    sys.exit(EXIT_ERROR)


def _say(text: str, *, err: bool = False) -> None:
    """Print text for a person: control characters in names (a BEL, an ANSI escape) show as escapes, never raw."""
    click.echo(printable(text, keep_lines=True), err=err)


def _say_json(data: Any) -> None:
    """Print ``data`` as indented JSON; DEL and C1 control characters become ``\\u`` escapes too (``json.dumps``
    escapes only C0 ones)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    click.echo(re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group(0)):04x}", text))


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return bool(isinstance(obj, dict) and obj.get("debug"))


def unexpected_error(exc: BaseException) -> NoReturn:
    """A failure the code did not foresee: one line on stderr and exit 2; the traceback goes to the log file (and to
    stderr with ``--debug``)."""
    from .services.logs import log_exception

    what = printable(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
    where = log_exception(f"Unexpected error: {type(exc).__name__}: {exc}", exc)
    if _debug():
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    detail = f"details are in {where}" if where is not None else "the log file could not be written"
    click.echo(
        f"Error: something unexpected went wrong ({type(exc).__name__}: {what}). "
        f"If the plan file came from elsewhere it may be damaged: open its autosave or a backup copy. "
        f"{detail.capitalize()}; run again with --debug to see the traceback.",
        err=True,
    )
    sys.exit(EXIT_ERROR)


def friendly_errors(fn: F) -> F:
    """Turn the project's typed errors (and missing files) into a message on stderr and exit status 2; anything else
    into one line and exit 2 too (never a traceback, and never 1, which means "blocking flags")."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PlanError as exc:
            _fail(str(exc))
        except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))
        except OSError as exc:
            _fail(f"{exc}")
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            unexpected_error(exc)

    return wrapper  # type: ignore[return-value]


def _load(plan: str) -> Any:
    from .services.plans import open_plan

    return open_plan(plan)


def _save(plan_obj: Any, plan: str) -> None:
    from .services.plans import save_plan

    save_plan(plan_obj, plan)


def _refuse_overwrite(plan: str, force: bool) -> None:
    """Before building a new plan: refuse an existing PLAN file unless --force (nothing is built in vain)."""
    from .services.plans import check_new_target

    check_new_target(plan, force=force)


def _create(plan_obj: Any, plan: str, force: bool) -> None:
    from .services.plans import create_plan

    create_plan(plan_obj, plan, force=force)


def _author(name: str | None = None) -> str:
    """Who makes a change: ``--as NAME`` where a command takes it, otherwise the OS user."""
    from .persistence.origin import current_user

    return name.strip() if name and name.strip() else current_user()


def _apply(plan_obj: Any, command: Command, author: str | None = None) -> Any:
    """Apply a command the one way every edit goes (read-only scenarios refused, the change logged)."""
    from .domain.changelog import apply_command

    return apply_command(plan_obj, command, author=_author(author))


def _apply_and_save(plan_obj: Any, plan: str, command: Command, author: str | None = None) -> None:
    _apply(plan_obj, command, author)
    _save(plan_obj, plan)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="territory-planner")
@click.option("--debug", is_flag=True, help="On an unexpected error, print the traceback (it is always in the log).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Territory Planner: map territories and hires, agree the funnel, and see what marketing can fund.

    With no command, opens the desktop app on the last plan used (the bundled demo plan the first time).
    PLAN is a .tplan file or a database URL (postgresql+psycopg://user:pass@host/db).
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui, plan=None)


@cli.command()
@click.argument("plan", required=False)
@friendly_errors
def gui(plan: str | None) -> None:
    """Open the desktop app (on PLAN, or the last plan used, or the demo plan)."""
    run_gui = click.get_current_context().obj.get("run_gui") if click.get_current_context().obj else None
    if run_gui is None:
        _fail("This build of Territory Planner has no desktop app; use the other commands.")
    sys.exit(run_gui(plan))


@cli.command()
@click.argument("plan")
@click.option("--force", is_flag=True, help="Replace PLAN if it exists.")
@click.option(
    "--layer", "layer_name", type=click.Choice(["us-counties", "us-zips"]), default="us-counties", show_default=True
)
@friendly_errors
def demo(plan: str, force: bool, layer_name: str) -> None:
    """Write the demo plan (3 regions, 11 territories, 5 planned hires, a what-if) to PLAN."""
    from .services.demo import build_demo_plan

    _refuse_overwrite(plan, force)
    plan_obj = build_demo_plan(layer_name=layer_name)
    _create(plan_obj, plan, force)
    _say(f"Wrote the demo plan to {plan} (scenarios: {', '.join(plan_obj.scenarios)}).")


@cli.command()
@click.argument("plan")
@click.option("--layer", "layer_name", required=True, help="us-states, us-counties, world-countries or a file.")
@click.option("--id-column", help="Column of unit ids in a boundary file.")
@click.option("--name-column", help="Column of unit names in a boundary file.")
@click.option("--file-layer", help="Layer inside a GeoPackage.")
@click.option("--source-crs", help="CRS of a boundary file that does not say (e.g. EPSG:4326).")
@click.option("--name", "plan_name", help="Title of the plan.")
@click.option("--force", is_flag=True, help="Replace PLAN if it exists.")
@friendly_errors
def new(
    plan: str,
    layer_name: str,
    id_column: str | None,
    name_column: str | None,
    file_layer: str | None,
    source_crs: str | None,
    plan_name: str | None,
    force: bool,
) -> None:
    """Create an empty plan on a bundled layer or on your own boundary file."""
    from .domain import Plan
    from .services.layers import bundled_layer, bundled_layer_names, layer_from_file

    _refuse_overwrite(plan, force)
    if plan_name is not None:
        from .domain.model import check_name

        plan_name = check_name("plan", plan_name)  # the same rule as every other name
    if layer_name in bundled_layer_names():
        layer = bundled_layer(layer_name)
    elif Path(layer_name).exists():
        if not id_column:
            _fail(f"{layer_name} is a boundary file: name its unit id column with --id-column.")
        layer, warnings = layer_from_file(layer_name, id_column, name_column, file_layer, source_crs)
        for warning in warnings:
            _say(f"Note: {warning}", err=True)
    else:
        known = ", ".join(bundled_layer_names())
        _fail(f"'{layer_name}' is neither a bundled layer ({known}) nor an existing file.")
    plan_obj = Plan(plan_name or Path(plan).stem, layer)
    _create(plan_obj, plan, force)
    _say(f"Created {plan} on layer {layer.name} ({count(len(layer), layer.unit_noun)}).")


@cli.command("import")
@click.argument("kind", type=click.Choice([*SHEETS, "workbook", "accounts"]))
@click.argument("plan")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--scenario", default=BASELINE, show_default=True)
@click.option("--zip-column", help="accounts: column of US ZIP codes.")
@click.option("--lat-column", help="accounts: column of latitudes.")
@click.option("--lon-column", help="accounts: column of longitudes.")
@click.option("--name-column", help="accounts: column of account names.")
@click.option("--measure", "measures", multiple=True, help="accounts: numeric column to sum per unit (repeat).")
@click.option("--report", type=click.Path(dir_okay=False), help="accounts: CSV listing accounts not placed.")
@click.option(
    "--merge",
    is_flag=True,
    help="territories, sellers, allocations: change only the rows the file lists; the others stay "
    "(without it the file replaces them).",
)
@friendly_errors
def import_(
    kind: str,
    plan: str,
    file: str,
    scenario: str,
    zip_column: str | None,
    lat_column: str | None,
    lon_column: str | None,
    name_column: str | None,
    measures: tuple[str, ...],
    report: str | None,
    merge: bool = False,
) -> None:
    """Import a file into the plan. All or nothing: on any problem nothing changes.

    KIND is a plan sheet (CSV or XLSX) imported into --scenario, `workbook` (an exported XLSX workbook), or
    `accounts` (a CRM export: accounts are placed in units by ZIP code or coordinates, counted and summed).
    A territories, sellers or allocations sheet replaces what the scenario holds (the output says what it
    replaced: "Replaces 12 allocations with 2: removes 10 …"); --merge changes only the rows listed.
    """
    if merge and kind not in MERGEABLE:
        _fail(f"--merge works on the {', '.join(MERGEABLE)} sheets, not on {kind}; import it without --merge.")
    if kind == "workbook":
        _import_workbook(plan, file, scenario)
        return
    if kind == "accounts":
        columns = ColumnMapping(zip=zip_column, lat=lat_column, lon=lon_column, name=name_column, measures=measures)
        _import_accounts(plan, file, columns, report)
        return
    from .services.imports import import_sheet

    plan_obj = _load(plan)
    imported = import_sheet(plan_obj, kind, scenario, file, merge=merge)
    _apply_and_save(plan_obj, plan, imported.command)
    _say(imported.summary())
    if imported.effect is not None and imported.effect.replaces:
        _say(f"Note: {Path(file).name} replaced what it does not list; --merge changes only the rows listed.", err=True)


@cli.command("import-workbook", hidden=True)
@click.argument("plan")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--scenario", default=BASELINE, show_default=True)
@friendly_errors
def import_workbook(plan: str, file: str, scenario: str) -> None:
    """Import an exported XLSX workbook (same as `import workbook`)."""
    _import_workbook(plan, file, scenario)


def _import_workbook(plan: str, file: str, scenario: str) -> None:
    from .services.imports import import_workbook as read

    plan_obj = _load(plan)
    imported = read(plan_obj, scenario, file)
    _apply_and_save(plan_obj, plan, imported.command)
    _say(imported.summary())


def _import_accounts(plan: str, file: str, columns: ColumnMapping, report: str | None) -> None:
    from .services.imports import import_accounts

    plan_obj = _load(plan)
    result = import_accounts(plan_obj, file, columns, report=report)
    _apply_and_save(plan_obj, plan, result.command)
    for warning in result.warnings:
        _say(f"Note: {warning}", err=True)
    _say(f"{result.summary()} Unit attributes set: {', '.join(result.attributes)}.")


def _export_kind_options(fn: F) -> F:
    """One ``--KIND FILE`` option per export kind of the registry (services/export_kinds.py), in its order."""
    for kind in reversed(EXPORT_KINDS):
        fn = click.option(f"--{kind.key}", kind.key, type=click.Path(dir_okay=False), help=kind.help)(fn)
    return fn


@cli.command()
@click.argument("plan")
@click.option("--scenario", "scenarios", multiple=True, help="Scenario to export (repeat for several).")
@click.option("--all-scenarios", is_flag=True, help="Export every scenario of the plan.")
@_export_kind_options
@click.option("--png-size", default="1600x1000", show_default=True, help="WIDTHxHEIGHT of the PNG in pixels.")
@friendly_errors
def export(plan: str, scenarios: tuple[str, ...], all_scenarios: bool, png_size: str, **files: str | None) -> None:
    """Export the leadership pack: any combination of map, report, GIS and spreadsheet files in one call."""
    from .services.export import export_pack

    try:
        width, height = (int(v) for v in png_size.lower().split("x"))
    except ValueError:
        _fail(f"--png-size '{png_size}' should be WIDTHxHEIGHT, for example 1600x1000.")
    plan_obj = _load(plan)
    names = list(plan_obj.scenarios) if all_scenarios else list(scenarios) or [BASELINE]

    def progress(fraction: float, message: str) -> None:
        log.info("%3.0f %% %s", fraction * 100, message)

    if any(files.get(kind.key) for kind in EXPORT_KINDS if kind.painted):
        from .render.application import headless_application

        headless_application()  # painting text needs a Qt GUI application; Qt keeps it until the process ends
    written = export_pack(plan_obj, names, files, png_size=(width, height), progress=progress)
    for path in written:
        _say(f"Wrote {path}")


@cli.command("export-data")
@click.argument("plan")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--scenario", default=BASELINE, show_default=True)
@friendly_errors
def export_data(plan: str, folder: str, scenario: str) -> None:
    """Write the scenario as the CSV sheets that `import` reads."""
    from .exporters.sheets import export_sheets

    written = export_sheets(_load(plan), scenario, folder)
    _say("Wrote " + ", ".join(str(p) for p in written))


@cli.command()
@click.argument("plan")
@click.option("--scenario", default=BASELINE, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (schema in the README).")
@click.option("--fixes", "with_fixes", is_flag=True, help="List the fix options of every blocking flag (see `fix`).")
@click.option("--risk", "with_risk", is_flag=True, help="Sample the assumption ranges: funding confidence.")
@click.option("--draws", default=20_000, show_default=True, type=click.IntRange(1, 1_000_000), help="Draws of --risk.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**63 - 1), help="Seed of --risk.")
@friendly_errors
def check(
    plan: str,
    scenario: str,
    as_json: bool,
    with_fixes: bool = False,
    with_risk: bool = False,
    draws: int = 20_000,
    seed: int = 1,
) -> None:
    """Check a scenario: funding of every territory and hire, and all flags. Exit 1 if anything is blocking.

    Once an assumption has a range (low, high), the check adds each territory's flip points; --risk samples the
    ranges (triangular, DRAWS draws from SEED) for the share of draws in which each territory and hire is funded.
    """
    from .domain.signoff import status_document
    from .services.reporting import report_to_dict, report_to_text
    from .services.risk import confidence_text, sensitivity
    from .services.session import PlanSession

    session = PlanSession(_load(plan), plan)
    report = session.report(scenario)
    flips, risk = sensitivity(session.plan.scenario(scenario), report, with_risk, draws, seed)
    if with_risk and flips is None:
        _say("Note: no assumption has a range (low, high), so --risk has nothing to sample.", err=True)
    if with_fixes:
        _say_check_with_fixes(session, scenario, report, as_json, flips, risk)
    elif as_json:
        _say_json(report_to_dict(report, flips, risk) | status_document(session.plan, scenario))
    else:
        _say(report_to_text(report))
        if flips is not None:
            _say("")
            _say(confidence_text(report, flips, risk))
    sys.exit(EXIT_BLOCKING if report.has_blocking else EXIT_OK)


@cli.group()
def scenario() -> None:
    """List, copy, rename, delete and compare scenarios."""


@scenario.command("list")
@click.argument("plan")
@friendly_errors
def scenario_list(plan: str) -> None:
    """List the scenarios with their verdicts."""
    from .services.session import PlanSession

    session = PlanSession(_load(plan), plan)
    for name in session.plan.scenarios:
        _say(f"{name}: {session.report(name).verdict()}")


@scenario.command("copy")
@click.argument("plan")
@click.argument("source")
@click.argument("target")
@friendly_errors
def scenario_copy(plan: str, source: str, target: str) -> None:
    """Copy scenario SOURCE into a new what-if TARGET."""
    _apply_and_save(_load(plan), plan, CopyScenario(source, target))
    _say(f"Copied {source} to {target}.")


@scenario.command("rename")
@click.argument("plan")
@click.argument("name")
@click.argument("new_name")
@friendly_errors
def scenario_rename(plan: str, name: str, new_name: str) -> None:
    """Rename a what-if scenario."""
    _apply_and_save(_load(plan), plan, RenameScenario(name, new_name))
    _say(f"Renamed {name} to {new_name}.")


@scenario.command("delete")
@click.argument("plan")
@click.argument("name")
@friendly_errors
def scenario_delete(plan: str, name: str) -> None:
    """Delete a what-if scenario (the baseline cannot be deleted)."""
    _apply_and_save(_load(plan), plan, DeleteScenario(name))
    _say(f"Deleted scenario {name}.")


_AS = click.option("--as", "person", help="Who signs (default: your OS user name).")
_ROLE = click.option(
    "--role", type=click.Choice(["sales", "marketing"]), required=True, help="The team the person signs for."
)


def _with_role(plan_obj: Any, command: Command, person: str, role: str) -> Command:
    """The command, preceded by recording the person's role when the plan does not know them yet."""
    from .domain.commands import SetPersonRole
    from .domain.signoff import check_person

    name = check_person(plan_obj, person, role)
    if name in plan_obj.governance.people:
        return command
    return Batch(command.label, (SetPersonRole(name, role), command))


@scenario.command("propose")
@click.argument("plan")
@click.argument("name")
@_AS
@_ROLE
@friendly_errors
def scenario_propose(plan: str, name: str, person: str | None, role: str) -> None:
    """Propose scenario NAME for approval: it is read-only until approved or withdrawn."""
    from .domain.changelog import now_text
    from .domain.commands import ProposeScenario

    plan_obj, who = _load(plan), _author(person)
    _apply_and_save(plan_obj, plan, _with_role(plan_obj, ProposeScenario(name, who, now_text()), who, role), who)
    _say(
        f"Proposed scenario {name} for approval ({who}, {role}). It is read-only until it is approved or withdrawn; "
        "approval needs the sign-offs of a sales lead and a marketing lead."
    )


@scenario.command("approve")
@click.argument("plan")
@click.argument("name")
@_AS
@_ROLE
@click.option("--reason", default="", help="Why it is approved; needed when the scenario has blocking flags.")
@friendly_errors
def scenario_approve(plan: str, name: str, person: str | None, role: str, reason: str) -> None:
    """Sign off proposed scenario NAME for your team; with a sales and a marketing sign-off it is approved."""
    from .domain.changelog import now_text
    from .domain.commands import SignOffScenario
    from .domain.signoff import sign_offs_text

    plan_obj, who = _load(plan), _author(person)
    _apply_and_save(plan_obj, plan, SignOffScenario(name, who, role, now_text(), reason), who)
    approval = plan_obj.governance.approval(name)
    if approval.status == "approved":
        _say(f"Scenario {name} is approved: signed off by {sign_offs_text(approval)}.")
    else:
        other = "marketing" if role == "sales" else "sales"
        _say(f"{who} signed off scenario {name} for {role}. It still needs the sign-off of a {other} lead.")


@scenario.command("withdraw")
@click.argument("plan")
@click.argument("name")
@_AS
@_ROLE
@friendly_errors
def scenario_withdraw(plan: str, name: str, person: str | None, role: str) -> None:
    """Take proposed or approved scenario NAME back to draft (its sign-offs are withdrawn) so it can change."""
    from .domain.changelog import now_text
    from .domain.commands import WithdrawScenario
    from .domain.signoff import withdrawal_text

    plan_obj, who = _load(plan), _author(person)
    previous = plan_obj.governance.approval(name)
    _apply_and_save(plan_obj, plan, _with_role(plan_obj, WithdrawScenario(name, who, role, now_text()), who, role), who)
    _say(withdrawal_text(name, previous))


@scenario.command("compare")
@click.argument("plan")
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def scenario_compare(plan: str, a: str, b: str, as_json: bool) -> None:
    """Compare scenario A with B: totals and every territory or hire whose status or numbers changed."""
    from .services.reporting import compare_reports, comparison_to_text
    from .services.session import PlanSession

    session = PlanSession(_load(plan), plan)
    ra, rb = session.report(a), session.report(b)
    result = compare_reports(ra, rb, session.plan.scenario(a), session.plan.scenario(b))
    if as_json:
        _say_json(result)
    else:
        _say(comparison_to_text(result, ra.currency))


# --- decisions: fixes and the budget optimiser (issue 11) ------------------------------------------------------


def _say_check_with_fixes(
    session: Any, scenario: str, report: Any, as_json: bool, flips: Any = None, risk: Any = None
) -> None:
    """``check --fixes``: the report with the fix options of every blocking flag (``fixes`` in the JSON)."""
    from .domain.signoff import status_document
    from .services.fixes import find_fixes
    from .services.reporting import report_to_dict, report_to_text

    found = find_fixes(session.plan, scenario, session.aggregates(scenario))
    if as_json:
        doc = report_to_dict(report, flips, risk)
        doc.update(status_document(session.plan, scenario))
        blocking = iter(found)
        for entry in doc["flags"]:
            if entry["severity"] == "blocking":
                fixes = next(blocking)
                entry["fixes"] = [option.as_dict() for option in fixes.options]
                entry["fix_notes"] = list(fixes.notes)
        _say_json(doc)
        return
    _say(report_to_text(report))
    if not found:
        return
    _say("")
    _say("Fixes (apply one with: territory-planner fix PLAN --scenario S --flag N --option K [--into NEW]):")
    for n, fixes in enumerate(found):
        _say(f"  flag {n}: {fixes.flag.code} {fixes.flag.subject}")
        for k, option in enumerate(fixes.options):
            clears = ", ".join(f"{code} {subject}" for code, _, subject in option.clears) or "nothing"
            creates = ", ".join(f"{code} {subject}" for code, _, subject in option.creates) or "nothing"
            _say(f"    option {k}: {option.description}. Clears {clears}; creates {creates}.")
        for note in fixes.notes:
            _say(f"    note: {note}")


@cli.command()
@click.argument("plan")
@click.option("--scenario", default=BASELINE, show_default=True)
@click.option("--flag", "flag_index", type=int, required=True, help="Blocking flag N (0-based, as `check` lists).")
@click.option("--option", "option_index", type=int, required=True, help="Option K of that flag (0-based).")
@click.option("--into", help="Apply it to a new what-if NEW (a copy of --scenario) instead of in place.")
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def fix(plan: str, scenario: str, flag_index: int, option_index: int, into: str | None, as_json: bool) -> None:
    """Apply option K of blocking flag N (see `check --fixes`), in place or into a new what-if."""
    from .domain import evaluate
    from .services.decisions import fix_with_decision
    from .services.fixes import blocking_flags, fix_command

    plan_obj = _load(plan)
    target = scenario
    if into:
        _apply(plan_obj, CopyScenario(scenario, into))  # the option is found on the copy; saved only if it applies
        target = into.strip()
    option = fix_command(plan_obj, target, flag_index, option_index)
    flag = blocking_flags(evaluate(plan_obj.scenario(target), plan_obj.layer))[flag_index]
    _apply(plan_obj, fix_with_decision(option.command, target, option, flag))  # recorded for the Decisions page
    _save(plan_obj, plan)
    if as_json:
        _say_json({"scenario": target, "source": scenario, **option.as_dict()})
        return
    where = f"into the new what-if {target}" if into else f"in scenario {target}"
    clears = ", ".join(f"{code} {subject}" for code, _, subject in option.clears) or "nothing"
    creates = ", ".join(f"{code} {subject}" for code, _, subject in option.creates) or "nothing"
    _say(f"{option.description} ({where}). Clears {clears}; creates {creates}.")


def _parse_locks(locks: tuple[str, ...]) -> set[tuple[str, str]]:
    keys = set()
    for text in locks:
        level, _, name = text.partition(":")
        if level not in ("region", "territory") or not name.strip():
            _fail(f"--lock '{text}' should be region:NAME or territory:NAME, for example --lock region:East.")
        keys.add((level, name.strip()))
    return keys


@cli.command()
@click.argument("plan")
@click.option("--scenario", default=BASELINE, show_default=True, help="The source scenario (never changed).")
@click.option("--into", required=True, help="Name of the new what-if that receives the result.")
@click.option("--allow-delays", is_flag=True, help="Delay a hire that cannot be funded instead of dropping it.")
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="Seconds the solver may take.")
@click.option("--lock", "locks", multiple=True, help="Keep an allocation exactly: region:NAME or territory:NAME.")
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def solve(
    plan: str,
    scenario: str,
    into: str,
    allow_delays: bool,
    time_limit: float,
    locks: tuple[str, ...],
    as_json: bool,
) -> None:
    """Optimise marketing's budget and hours to fund the most of the sales plan, into a new what-if INTO.

    In order: every existing seller funded; the most planned hires; the most funded quota; the least money moved;
    with --allow-delays, the fewest months of delay. Exit 1 when even the existing sellers cannot be funded.
    """
    from .domain.formatting import money
    from .services.optimise import InfeasiblePlan
    from .services.optimise import solve as optimise

    plan_obj = _load(plan)
    try:
        result = optimise(
            plan_obj, scenario, into, allow_delays=allow_delays, time_limit=time_limit, locked=_parse_locks(locks)
        )
    except InfeasiblePlan as exc:
        if as_json:
            _say_json(
                {
                    "scenario": into,
                    "source": scenario,
                    "feasible": False,
                    "budget_short": round(exc.budget_short, 2),
                    "hours_short": round(exc.hours_short, 2),
                    "locked_short": {k: round(v, 2) for k, v in exc.locked_short.items()},
                    "explanation": [str(exc)],
                }
            )
        else:
            _say(str(exc), err=True)
        sys.exit(EXIT_BLOCKING)
    if not result.verified:
        _fail(
            "The optimiser's result did not pass the plan's checks, so nothing was written: "
            + "; ".join(result.problems)
            + ". Please report this with the plan file."
        )
    from .services.decisions import solve_command

    _apply_and_save(plan_obj, plan, solve_command(result))  # with its decision, for the pack's Decisions page
    if as_json:
        _say_json(result.as_dict())
        return
    proof = "proven optimal" if result.optimal else "stopped at the time limit, not proven optimal"
    _say(f"Wrote what-if {into} from {scenario} ({proof}, {result.seconds:.2f} s).")
    for sentence in result.explanation:
        _say(f"  {sentence}")
    if result.allocations:
        _say("Allocations:")
        for a in result.allocations:
            before = "none" if a.before is None else money(a.before, result.currency)
            after = "removed" if a.after is None else money(a.after, result.currency)
            _say(f"  {a.level} {a.name}: {before} -> {after}")
    if result.marginal:
        _say("Where the next money or hours would fund the most quota:")
        for m in result.marginal[:5]:
            _say(
                f"  {m.territory}: next $10k funds {money(m.next_money_quota, result.currency)} more quota, "
                f"next 100 hours {money(m.next_hours_quota, result.currency)}"
            )


@cli.command()
@click.argument("plan")
@click.option("--scenario", default=BASELINE, show_default=True, help="Source scenario (never changed).")
@click.option("--into", required=True, help="Name of the new what-if to write.")
@click.option("--territories", "k", type=int, help="How many territories (default with --seeds/--from-current).")
@click.option("--region", help="Rebuild only the territories of this region.")
@click.option("--balance", multiple=True, help="ATTR or ATTR=WEIGHT to balance on (repeat; default: potential).")
@click.option("--tolerance", type=float, default=0.05, show_default=True, help="Allowed deviation from the mean.")
@click.option("--from-current", is_flag=True, help="Start from the source's territories; move as little as possible.")
@click.option("--seeds", type=click.Choice(["auto", "sellers", "hires"]), default="auto", show_default=True)
@click.option("--seconds", type=float, default=5.0, show_default=True, help="Time box of the refinement.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (schema in docs/builder.md).")
@friendly_errors
def build(
    plan: str,
    scenario: str,
    into: str,
    k: int | None,
    region: str | None,
    balance: tuple[str, ...],
    tolerance: float,
    from_current: bool,
    seeds: str,
    seconds: float,
    as_json: bool,
) -> None:
    """Build balanced, contiguous territories into a new what-if (locked territories stay as they are)."""
    from .services.builder import BuildOptions, build_territories, parse_balance

    plan_obj = _load(plan)
    options = BuildOptions(
        into=into,
        territories=k,
        scenario=scenario,
        region=region,
        balance=parse_balance(balance),
        tolerance=tolerance,
        from_current=from_current,
        seeds=seeds,
        seconds=seconds,
    )
    result = build_territories(plan_obj, options)
    _apply_and_save(plan_obj, plan, result.command)
    if as_json:
        _say_json(result.to_dict())
    else:
        _say(result.to_text())


@cli.group()
def layers() -> None:
    """Build map layers from public boundary files."""


@layers.command("build-zcta")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="GeoPackage to write (default: SOURCE with .gpkg).")
@click.option("--tolerance", type=float, help="Simplification tolerance in degrees (default 0.002).")
@friendly_errors
def layers_build_zcta(source: str, out: str | None, tolerance: float | None) -> None:
    """Build a ZIP layer from the Census ZCTA file (cb_2020_us_zcta520_500k.zip or tl_2020_us_zcta520.zip)."""
    from .services.layers import build_zcta_layer

    def progress(fraction: float, message: str) -> None:
        _say(f"{fraction * 100:3.0f} % {message}", err=True)

    result = build_zcta_layer(source, out, tolerance=tolerance, progress=progress)
    for warning in result.warnings:
        _say(f"Note: {warning}", err=True)
    _say(
        f"Wrote {result.path} ({count(result.units, 'ZIP code')} with county and state codes and census figures; "
        f"{result.vertices_read:,} vertices simplified to {result.vertices_kept:,})."
    )
    _say(f"Wrote {result.other_zips_path} ({count(result.other_zips, 'PO box or single-organisation ZIP code')}).")
    _say(f"Start a plan on it: territory-planner new PLAN.tplan --layer {result.path} --id-column unit_id")


def main(run_gui: Callable[[str | None], int] | None = None) -> None:
    """Run the command line; ``run_gui`` starts the desktop app (wired in ``territory_planner.__main__``)."""
    try:
        cli(prog_name="territory-planner", obj={"run_gui": run_gui})
    except Exception as exc:  # outside any command (start-up, argument handling): same rule, one line and exit 2
        with click.Context(cli, obj={"debug": "--debug" in sys.argv[1:2]}):
            unexpected_error(exc)


__all__ = ["Batch", "cli", "main"]
