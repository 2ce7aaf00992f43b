"""File → Export… and File → Import: the dialogs, the plain task functions they run on a worker, and the
:class:`ImportExport` controller the main window owns.

Every import reads its file on a worker against a snapshot of the plan and comes back as one command, which the GUI
thread applies through :meth:`PlanDocument.execute` (so one import is one undo entry). A file with problems changes
nothing: its :class:`InputFileError` is shown, with every problem in the Details section when the list is long.
Exports write the whole pack or nothing (the export service guarantees that).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QProgressDialog
from shiboken6 import isValid

from ..domain import Plan, PlanError
from ..domain.commands import Command
from ..services import imports
from ..services.export import export_pack
from ..services.imports import InputFileError, Preview, preview_table
from ..services.plans import is_database_url
from ..services.progress import Progress
from .accounts_import_dialog import REPORT_FILTER, AccountsImportDialog, AccountsRequest
from .document import PlanDocument
from .export_dialog import ExportDialog, ExportRequest
from .import_choice import ask_import_choice, relabelled, replacing_label
from .protocols import ImportExportHost, as_widget
from .sheet_import_dialog import SHEET_LABELS, TABLE_FILTER, SheetImportDialog
from .workers import Task

log = logging.getLogger(__name__)

#: An InputFileError with more problems than this shows the first ones and puts the whole list under Details.
SHOWN_PROBLEMS = 8
WORKBOOK_FILTER = "Excel workbooks (*.xlsx);;All files (*)"


# --- plain task functions (run on workers; no Qt, no live plan) ------------------------------------------------


def export_task(inputs: tuple[Plan, ExportRequest], progress: Progress) -> list[Path]:
    """Write the pack of a plan snapshot; returns the files written."""
    plan, request = inputs
    return export_pack(plan, list(request.scenarios), request.targets, progress=progress)


def sheet_task(inputs: tuple[Plan, str, str, Path, bool], progress: Progress) -> imports.Imported:
    """Read one plan sheet (kind, scenario, path, merge) against a plan snapshot; returns the batch to apply and
    what it would replace (``.effect``)."""
    plan, kind, scenario, path, merge = inputs
    return imports.import_sheet(plan, kind, scenario, path, progress, merge=merge)


def workbook_task(inputs: tuple[Plan, str, Path], progress: Progress) -> Command:
    """Read an exported workbook (scenario, path) against a plan snapshot; returns the batch to apply."""
    plan, scenario, path = inputs
    return imports.import_workbook(plan, scenario, path, progress).command


def accounts_task(inputs: tuple[Plan, AccountsRequest], progress: Progress) -> imports.AccountsImportResult:
    """Place the accounts of a CRM export in the plan's units; returns the AccountsImportResult (not applied)."""
    plan, request = inputs
    return imports.import_accounts(plan, request.path, request.columns, report=request.report, progress=progress)


def preview_task(path: Path, progress: Progress) -> Preview:
    """The header row and the first rows of a CSV or XLSX file (the rest of the file is not parsed)."""
    return preview_table(path, progress)


# --- messages ----------------------------------------------------------------------------------------------------


def error_text(exc: BaseException) -> tuple[str, str | None]:
    """What to show for a failed import or export: the message, and the Details text (None when it fits)."""
    if isinstance(exc, InputFileError) and len(exc.problems) > SHOWN_PROBLEMS:
        count = len(exc.problems)
        shown = "\n".join(f"  - {p}" for p in exc.problems[:SHOWN_PROBLEMS])
        message = (
            f"{Path(exc.file).name}: {count} problems; nothing was imported.\n{shown}\n"
            f"  … and {count - SHOWN_PROBLEMS} more: see Details for the full list. Fix them and import again."
        )
        return message, "\n".join(str(p) for p in exc.problems)
    return str(exc), None


# --- the controller ----------------------------------------------------------------------------------------------


class ImportExport(QObject):
    """The File → Export… and File → Import actions of one main window.

    ``ask_*`` methods ask the user (file pickers, then a dialog opened with ``open()``, never a nested event loop);
    the other public methods do the work on the window's task runner and return the task.
    """

    def __init__(self, window: ImportExportHost) -> None:
        self.host = as_widget(window)  # the parent of the dialogs
        super().__init__(self.host)
        self.window = window
        self.dialog: QDialog | None = None  # the dialog opened last (tests reach it here)
        self._progress_dialogs: dict[Task, QProgressDialog] = {}

    # --- helpers -------------------------------------------------------------------------------------------
    def _folder(self) -> Path:
        saved = self.window.settings.value("import_export/folder", "")
        if saved and Path(str(saved)).is_dir():
            return Path(str(saved))
        target = self.window.document.target if self.window.document else None
        if target and not is_database_url(target):
            return Path(target).parent
        return Path.home()

    def _remember_folder(self, folder: Path) -> None:
        self.window.settings.setValue("import_export/folder", str(folder))

    def _start(self, title: str, fn: Callable[[Any, Progress], Any], inputs: Any, show_progress: bool = True) -> Task:
        task: Task = self.window.runner.start(title, fn, inputs)
        busy = f"{title}…"
        self.window.statusBar().showMessage(busy)

        def clear_busy() -> None:
            if self.window.statusBar().currentMessage() == busy:
                self.window.statusBar().clearMessage()

        task.done.connect(clear_busy)
        task.cancelled.connect(lambda: self.window.statusBar().showMessage(f"{title}: cancelled", 5000))
        if show_progress:
            dialog = QProgressDialog(f"{title}…", "Cancel", 0, 100, self.host)
            dialog.setWindowTitle(title)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(400)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setValue(0)
            dialog.canceled.connect(task.cancel)
            self._progress_dialogs[task] = dialog

            def on_progress(fraction: float, message: str) -> None:
                dialog.setValue(int(fraction * 100))
                if message:
                    dialog.setLabelText(message)

            task.progressed.connect(on_progress)
            task.done.connect(lambda: self._close_progress(task))
        return task

    def _close_progress(self, task: Task) -> None:
        dialog = self._progress_dialogs.pop(task, None)
        if dialog is not None:
            dialog.canceled.disconnect(task.cancel)  # closing a progress dialog emits canceled
            dialog.close()
            dialog.deleteLater()

    def _fail(self, title: str, exc: BaseException, details: str) -> None:
        message, more = error_text(exc)
        if not isinstance(exc, PlanError):  # not a problem with the user's input: say so, keep the traceback
            message = f"{title} failed unexpectedly: {exc}"
            more = details
        self.window.messages.error(message, title, more)

    def _inform(self, title: str, text: str, details: str | None = None) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self.host)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.window.statusBar().showMessage(text.splitlines()[0], 8000)
        self.window.messages.note(text)

    def _apply(self, doc: PlanDocument, command: Command) -> bool:
        if self.window.document is not doc:
            self.window.statusBar().showMessage("The plan was closed; the import was not applied.", 8000)
            return False
        return bool(doc.execute(command))

    # --- export --------------------------------------------------------------------------------------------
    def ask_export(self) -> ExportDialog | None:
        doc = self.window.document
        if doc is None:
            return None
        dialog = ExportDialog(doc.plan, doc.scenario_name, self._folder(), parent=self.host)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.export(dialog.request()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def export(self, request: ExportRequest) -> Task | None:
        """Write the files of ``request`` for the shown plan on a worker (a snapshot: editing can go on)."""
        doc = self.window.document
        if doc is None:
            return None
        if request.targets:
            self._remember_folder(next(iter(request.targets.values())).parent)
        task = self._start("Exporting the plan", export_task, (doc.plan.deepcopy(), request))

        def on_written(paths: list[Path]) -> None:
            folder = paths[0].parent if paths else ""
            names = "\n".join(f"  - {p.name}" for p in paths)
            self._inform(
                "Exported", f"Exported {len(paths)} file{'s' if len(paths) != 1 else ''} to {folder}:\n{names}"
            )

        task.finished.connect(on_written)
        task.failed.connect(lambda exc, tb: self._fail("Export", exc, tb))
        return task

    # --- plan sheets and workbooks -------------------------------------------------------------------------
    def ask_import_sheet(self) -> SheetImportDialog | None:
        doc = self.window.document
        if doc is None:
            return None
        dialog = SheetImportDialog(doc.scenario_name, self._folder(), self.host)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda kind, path: self._import_from_dialog(dialog, kind, path))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _import_from_dialog(self, dialog: SheetImportDialog, kind: str, path: Path) -> None:
        """The dialog's Import: read the file; close the dialog when it went in, else say why in the dialog (the
        choice stays as it was)."""

        def failed(exc: BaseException, details: str) -> None:
            if not isValid(dialog):  # the person closed the dialog meanwhile: say it as any import would
                self._fail("Import", exc, details)
                return
            if not isinstance(exc, PlanError):
                self._fail("Import", exc, details)
                dialog.show_problem(f"The import failed unexpectedly: {exc}")
                return
            message, more = error_text(exc)
            dialog.problem_label.setToolTip(more or "")
            dialog.show_problem(message.replace("see Details for", "point here for") if more else message)

        task = self.import_sheet(kind, path, failed)
        if task is None:
            dialog.reject()
            return
        task.finished.connect(lambda _batch: dialog.finish() if isValid(dialog) else None)
        task.cancelled.connect(lambda: dialog.show_problem("The import was cancelled.") if isValid(dialog) else None)

    def import_sheet(
        self,
        kind: str,
        path: str | Path,
        on_failure: Callable[[BaseException, str], None] | None = None,
        merge: bool = False,
    ) -> Task | None:
        """Read a plan sheet into the shown scenario on a worker, then apply it as one undo entry; a sheet that
        would replace what the scenario holds asks first (import_choice.py: Replace, Merge or Cancel). A file that
        cannot be imported is shown in a message box, or handed to ``on_failure`` (the exception, its traceback)."""
        doc = self.window.document
        if doc is None:
            return None
        path = Path(path)
        self._remember_folder(path.parent)
        inputs = (doc.plan.deepcopy(), kind, doc.scenario_name, path, merge)
        task = self._start(f"Importing {path.name}", sheet_task, inputs, False)

        def read(imported: imports.Imported) -> None:
            effect = imported.effect
            if merge or effect is None or not effect.replaces:
                self._applied(doc, imported.command)
                return
            replacing = relabelled(imported.command, replacing_label(imported.command, effect))
            self.dialog = ask_import_choice(
                self.host,
                path.name,
                kind,
                effect,
                on_replace=lambda: self._applied(doc, replacing),
                on_merge=lambda: self.import_sheet(kind, path, on_failure, merge=True),
                on_cancel=lambda: self.window.statusBar().showMessage(f"Nothing imported from {path.name}.", 8000),
            )

        task.finished.connect(read)
        task.failed.connect(on_failure or (lambda exc, tb: self._fail("Import", exc, tb)))
        return task

    def ask_import_workbook(self) -> Task | None:
        if self.window.document is None:
            return None
        path, _ = QFileDialog.getOpenFileName(
            self.host, "Import a Territory Planner workbook", str(self._folder()), WORKBOOK_FILTER
        )
        return self.import_workbook(path) if path else None

    def import_workbook(self, path: str | Path) -> Task | None:
        """Read an exported workbook into the shown scenario on a worker, then apply it as one undo entry."""
        doc = self.window.document
        if doc is None:
            return None
        path = Path(path)
        self._remember_folder(path.parent)
        task = self._start(f"Importing {path.name}", workbook_task, (doc.plan.deepcopy(), doc.scenario_name, path))
        task.finished.connect(lambda batch: self._applied(doc, batch))
        task.failed.connect(lambda exc, tb: self._fail("Import", exc, tb))
        return task

    def _applied(self, doc: PlanDocument, command: Command) -> None:
        if self._apply(doc, command):
            self.window.statusBar().showMessage(f"{command.label} — Undo takes it back", 8000)
            self.window.messages.note(command.label)

    # --- CRM accounts --------------------------------------------------------------------------------------
    def ask_import_accounts(self) -> Task | None:
        if self.window.document is None:
            return None
        path, _ = QFileDialog.getOpenFileName(self.host, "Import CRM accounts", str(self._folder()), TABLE_FILTER)
        if not path:
            return None
        return self.preview_accounts(path)

    def preview_accounts(self, path: str | Path) -> Task:
        """Read the first rows of an accounts file on a worker, then open the column-mapping dialog."""
        path = Path(path)
        self._remember_folder(path.parent)
        task = self._start(f"Reading {path.name}", preview_task, path, False)
        task.finished.connect(lambda preview: self.show_accounts_dialog(path, preview))
        task.failed.connect(lambda exc, tb: self._fail("Import", exc, tb))
        return task

    def show_accounts_dialog(self, path: Path, preview: Preview) -> AccountsImportDialog | None:
        if self.window.document is None:
            return None
        dialog = AccountsImportDialog(path, preview, self.host)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.import_accounts(dialog.request()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def import_accounts(self, request: AccountsRequest) -> Task | None:
        """Place the accounts on a worker, then set the unit attributes as one undo entry and say what happened."""
        doc = self.window.document
        if doc is None:
            return None
        task = self._start(
            f"Importing accounts from {request.path.name}", accounts_task, (doc.plan.deepcopy(), request)
        )

        def on_result(result: imports.AccountsImportResult) -> None:
            if not self._apply(doc, result.command):
                return
            text = result.summary()
            warnings = list(result.warnings)
            if warnings:
                text += "\n\n" + "\n".join(f"- {w}" for w in warnings[:3])
                if len(warnings) > 3:
                    text += f"\n… and {len(warnings) - 3} more notes under Details."
            self._inform("Accounts imported", text, "\n".join(warnings) if len(warnings) > 3 else None)

        task.finished.connect(on_result)
        task.failed.connect(lambda exc, tb: self._fail("Import", exc, tb))
        return task


__all__ = [
    "REPORT_FILTER",
    "SHEET_LABELS",
    "TABLE_FILTER",
    "AccountsImportDialog",
    "AccountsRequest",
    "ExportDialog",
    "ExportRequest",
    "ImportExport",
    "Preview",
    "SheetImportDialog",
    "accounts_task",
    "error_text",
    "export_task",
    "preview_task",
    "sheet_task",
    "workbook_task",
]
