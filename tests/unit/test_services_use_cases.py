"""The use cases in services/: the one progress-and-cancel object, open/save/create, crash-recovery copies that keep
their base revision, the database-URL test, the export kinds and the account column mapping (no Qt)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from territory_planner.domain import BASELINE, PlanError
from territory_planner.domain.commands import CopyScenario
from territory_planner.services import plans
from territory_planner.services.autosave import RecoveryStore
from territory_planner.services.export import KINDS, export_pack
from territory_planner.services.export_kinds import EXPORT_KINDS
from territory_planner.services.imports import ColumnMapping, import_sheet
from territory_planner.services.plans import PlanConflictError, is_database_url
from territory_planner.services.progress import Cancelled, Progress
from tests.plan_builders import make_plan

# --- progress ------------------------------------------------------------------------------------------------


def test_progress_clamps_never_goes_back_and_cancel_raises_at_the_next_report() -> None:
    seen: list[tuple[float, str]] = []
    progress = Progress(lambda f, m: seen.append((f, m)))
    progress.report(-1, "start")
    progress.report(0.5, "half")
    progress.report(0.3, "a slower part")
    progress(2.0, "over")
    assert seen == [(0.0, "start"), (0.5, "half"), (0.5, "a slower part"), (1.0, "over")]
    progress.cancel()
    assert progress.cancelled and progress.is_cancelled()
    with pytest.raises(Cancelled, match="cancelled"):
        progress.report(1.0, "late")
    with pytest.raises(Cancelled, match="The save was cancelled"):
        progress.check("The save was cancelled; nothing was written.")
    assert len(seen) == 4
    assert isinstance(Cancelled(), PlanError)  # the CLI and the GUI show it like any plan error


def test_scaled_children_map_onto_a_slice_and_share_the_cancel() -> None:
    seen: list[float] = []
    progress = Progress(lambda f, m: seen.append(round(f, 6)))
    child = progress.scaled(0.2, 0.6)
    grandchild = child.scaled(0.5, 1.0)
    child.report(0.5)
    grandchild.report(0.5)
    assert seen == [0.4, 0.5]
    grandchild.cancel()  # Cancel pressed anywhere stops the whole use case
    assert progress.cancelled and child.cancelled
    with pytest.raises(Cancelled):
        child.check()


def test_quiet_report_never_raises_and_stops_reporting_once_cancelled() -> None:
    seen: list[float] = []
    progress = Progress(lambda f, m: seen.append(f))
    quiet = progress.scaled(0.0, 0.5).quiet()
    quiet(1.0, "half")
    progress.cancel()
    quiet(1.0, "after the cancel")  # no exception: a writer finishes its file, the use case stops after it
    assert seen == [0.5]


def test_progress_of_wraps_a_plain_function_and_keeps_a_progress() -> None:
    seen: list[float] = []
    wrapped = Progress.of(lambda f, m: seen.append(f))
    wrapped.report(0.25)
    assert seen == [0.25]
    existing = Progress()
    assert Progress.of(existing) is existing
    Progress.of(None).report(0.5, "nobody listens")  # a silent one


# --- open, save, create ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("postgresql+psycopg://me:secret@host/db", True),
        ("sqlite:///plans/west.tplan", True),
        ("plans/west.tplan", False),
        ("C:\\plans\\west.tplan", False),
        (Path("odd://name.tplan"), False),  # a path object is a path whatever its name
    ],
)
def test_one_database_url_test(target: str | Path, expected: bool) -> None:
    assert is_database_url(target) is expected


def test_create_plan_refuses_an_existing_file_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "west.tplan"
    plans.create_plan(make_plan(), str(target))
    with pytest.raises(PlanError, match=r"already exists.*--force"):
        plans.create_plan(make_plan(), str(target))
    plans.create_plan(make_plan(), str(target), force=True)
    assert plans.open_plan(str(target)).name == make_plan().name


def test_save_reports_and_a_cancelled_save_writes_nothing(tmp_path: Path) -> None:
    target = str(tmp_path / "west.tplan")
    seen: list[float] = []
    plans.save_plan(make_plan(), target, lambda f, m: seen.append(f))
    assert seen[-1] == 1.0
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        plans.save_plan(make_plan(), str(tmp_path / "other.tplan"), progress)
    assert not (tmp_path / "other.tplan").exists()


def _lost_session(tmp_path: Path) -> tuple[str, RecoveryStore]:
    """A saved plan, and the recovery copy of a session that added the what-if "Mine" to it and then crashed."""
    target = str(tmp_path / "plan.tplan")
    plans.save_plan(make_plan(), target)
    mine = plans.open_plan(target)
    CopyScenario(BASELINE, "Mine").apply(mine)
    store = RecoveryStore(tmp_path / "recovery")
    store.write("lost", mine.deepcopy(), target)
    meta = store.folder / "lost.json"
    meta.write_text(meta.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999'))
    return target, store


def test_a_recovered_copy_saves_back_only_onto_the_revision_it_came_from(tmp_path: Path) -> None:
    target, store = _lost_session(tmp_path)
    theirs = plans.open_plan(target)
    CopyScenario(BASELINE, "Theirs").apply(theirs)
    plans.save_plan(theirs, target)

    (entry,) = store.orphans()
    assert entry.based_on is not None and entry.based_on.revision == 1
    recovered = store.open(entry)
    assert "Mine" in recovered.scenarios
    with pytest.raises(PlanConflictError, match="since you opened it"):
        plans.save_plan(recovered, target)
    assert "Theirs" in plans.open_plan(target).scenarios  # their save is kept


def test_a_recovered_copy_of_an_unchanged_plan_saves_back(tmp_path: Path) -> None:
    target, store = _lost_session(tmp_path)
    (entry,) = store.orphans()
    recovered = store.open(entry)
    plans.save_plan(recovered, target)
    plans.save_plan(recovered, target)  # and again: it now holds the revision it wrote
    assert "Mine" in plans.open_plan(target).scenarios


def test_a_recovered_copy_of_a_never_saved_plan_has_no_origin(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path / "recovery")
    entry = store.write("new", make_plan(), None)
    assert entry.based_on is None
    assert store.open(entry).origin is None


# --- one registry of export kinds, one column mapping -----------------------------------------------------------


def test_export_kinds_are_one_registry(tmp_path: Path) -> None:
    from territory_planner.cli import export

    options = {p.name for p in export.params}
    assert {kind.key for kind in EXPORT_KINDS} <= options
    assert list(KINDS) == [kind.key for kind in EXPORT_KINDS]
    with pytest.raises(PlanError, match="cannot export pptx"):
        export_pack(make_plan(), [BASELINE], pptx=tmp_path / "deck.pptx")
    with pytest.raises(PlanError, match=r"HTML, PDF, PNG, GeoPackage, GeoJSON, Shapefile, XLSX"):
        export_pack(make_plan(), [BASELINE])


def test_column_mapping_names_every_role_and_parses_measures() -> None:
    mapping = ColumnMapping(zip="Billing Zip", measures=("Annual Revenue", "Open Pipeline=pipeline"))
    assert mapping.named()["zip"] == "Billing Zip" and mapping.named()["lat"] is None
    assert [(m.column, m.attribute) for m in mapping.parsed_measures()] == [
        ("Annual Revenue", "annual_revenue"),
        ("Open Pipeline", "pipeline"),
    ]


def test_sheet_import_returns_the_command_and_applies_nothing(tmp_path: Path) -> None:
    plan = make_plan()
    before = plan.deepcopy()
    path = tmp_path / "territories.csv"
    path.write_text("territory,region\nNew One,\n", encoding="utf-8")
    imported = import_sheet(plan, "territories", BASELINE, path)
    assert plan.scenario().content_equals(before.scenario())
    imported.command.apply(plan)
    assert "New One" in plan.scenario().territories
    assert imported.summary().startswith(f"{imported.command.label} into scenario {BASELINE}.")
