"""Plans in and out of the main window: new, open, open recent, save, save as, autosave, and asking before losing work.

Loading and saving run on the task runner's workers (the plan is snapshotted first, so editing goes on); the
status line shows their progress with a Cancel button. A loaded plan is handed to the window through
``document_ready``; the window decides how to show it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QProgressBar, QPushButton, QWidget

from ..domain import Plan
from ..services.autosave import RecoveryEntry, RecoveryStore
from ..services.plans import BaseRevision, is_database_url
from ..services.workspace import Workspace, display_name
from .document import PlanDocument, build_demo_task, load_plan_task, load_recovered_task, save_plan_task
from .messages import Messenger
from .protocols import WindowHost
from .settings import author_name
from .workers import Progress, Task, TaskRunner, run_inline

log = logging.getLogger(__name__)

PLAN_FILTER = "Territory plans (*.tplan);;All files (*)"
_LAYER_TITLES = {"us-counties": "US counties", "us-states": "US states", "world-countries": "World countries"}


#: The part of the status bar's progress that reading a plan fills; the last part is drawing its map.
READ_SHARE = 0.9
DRAW_STAGE = 95


class DocumentController(QObject):
    """Opens, saves and autosaves the plan shown in one window."""

    document_ready = Signal(object)  # a PlanDocument to show
    plan_saved = Signal(str)  # where it was saved
    plan_opened = Signal(str)  # where it came from

    def __init__(
        self,
        host: WindowHost,
        workspace: Workspace,
        runner: TaskRunner,
        recovery: RecoveryStore,
        messages: Messenger,
        settings: QSettings,
        window: QWidget,
        on_save_conflict: Callable[[PlanDocument, BaseException], bool] | None = None,
    ) -> None:
        super().__init__(window)
        self._host = host
        self._settings = settings
        self._on_save_conflict = on_save_conflict
        self._workspace = workspace
        self._runner = runner
        self._recovery = recovery
        self._messages = messages
        self._window = window
        self._last_autosave_index = -1
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setRange(0, 100)
        self.progress_bar.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(runner.cancel_all)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.timeout.connect(self.autosave)
        seconds = int(str(settings.value("autosave/seconds", 120)))
        self._autosave_timer.start(max(10, seconds) * 1000)

    def adopt(self, document: PlanDocument | None) -> None:
        """The window now shows ``document``: give it a recovery key and start autosaving afresh."""
        self._last_autosave_index = -1
        if document is not None:
            document.session.author = author_name(self._settings)  # every change, sign-off and comment is theirs
        if document is not None and document.recovery_key is None:
            document.recovery_key = self._recovery.new_key()

    # -- progress --------------------------------------------------------------------------------------------------
    def _track(self, task: Task, busy_text: str, share: float = 1.0) -> None:
        """Show ``task``'s progress in the status bar; ``share`` is the part of the bar its work fills (reading a
        plan fills 90 %: drawing the map is the last stage, see :meth:`show_stage`)."""
        self.progress_bar.setFormat("%p%")
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.cancel_button.show()
        self._host.show_status(busy_text)

        def on_progress(fraction: float, message: str) -> None:
            self.progress_bar.setValue(int(fraction * share * 100))
            if message:
                self._host.show_status(message)

        def on_done() -> None:
            if not self._runner.running:
                self.progress_bar.hide()
                self.cancel_button.hide()

        task.progressed.connect(on_progress)
        task.done.connect(on_done)
        task.cancelled.connect(lambda: self._host.show_status(f"{task.title}: cancelled", 5000))

    def show_stage(self, text: str, percent: int) -> None:
        """Name the stage the work is in on the bar and in the status line, painted now: the stage that follows
        (the window building the map of a plan just read) runs on this thread and paints nothing until it ends."""
        self.progress_bar.setFormat(f"{text} %p%")
        self.progress_bar.setValue(percent)
        self._host.show_status(text)
        self.progress_bar.repaint()

    def end_stage(self) -> None:
        """The last stage is over: the bar goes (unless other work is still running)."""
        self.progress_bar.setFormat("%p%")
        if len(self._runner.running) <= 1:  # the task that finished is still counted until its ``done``
            self.progress_bar.hide()
            self.cancel_button.hide()

    # -- opening ---------------------------------------------------------------------------------------------------
    def open_plan(
        self,
        target: str,
        *,
        recovery_key: str | None = None,
        as_target: str | None = None,
        modified: bool = False,
        based_on: BaseRevision | None = None,
    ) -> Task:
        """Open a plan on a worker; it replaces the shown plan when loaded. ``as_target`` keeps another location
        (a recovered copy opens as the plan it came from, whose revision was ``based_on``)."""
        if as_target is None:
            task = self._runner.start(f"Opening {display_name(target)}", load_plan_task, target)
        else:
            inputs = (target, as_target or None, based_on)
            task = self._runner.start(f"Opening {display_name(target)}", load_recovered_task, inputs)
        self._track(task, f"Opening {display_name(target)}…", READ_SHARE)
        final = as_target if as_target is not None else target

        def on_loaded(plan: Plan) -> None:
            document = PlanDocument(plan, final or None)
            document.recovery_key = recovery_key
            self.show_stage("Drawing the map…", DRAW_STAGE)  # the window builds the map next, on this thread
            self.document_ready.emit(document)
            self.end_stage()
            if modified:
                document.undo_stack.resetClean()
            if final:
                self._workspace.add_recent(final)
            self._host.show_status(f"Opened {display_name(final or target)}", 5000)
            self.plan_opened.emit(final or target)

        task.finished.connect(on_loaded)
        task.failed.connect(
            lambda exc, tb: self._messages.error(
                f"Could not open {display_name(target)}: {exc}", "Could not open the plan", tb
            )
        )
        return task

    def open_recovered(self, entry: RecoveryEntry) -> Task:
        """Open a crash-recovery copy as the plan it came from (shown as modified); saving it back checks the
        revision that plan had when the copy was made, so a newer save by someone else opens the conflict dialog."""
        return self.open_plan(
            str(entry.path),
            recovery_key=entry.key,
            as_target=entry.target or "",
            modified=True,
            based_on=entry.based_on,
        )

    def open_demo_copy(self) -> Task:
        """First run: build the demo plan, save the user's own copy in their data folder, and show it."""
        target = str(self._workspace.demo_plan_path)
        task = self._runner.start("Preparing the demo plan", build_demo_task, target)
        self._track(task, "Preparing the demo plan…")

        def on_built(plan: Plan) -> None:
            self.document_ready.emit(PlanDocument(plan, target))
            self._workspace.add_recent(target)
            self.plan_opened.emit(target)

        task.finished.connect(on_built)
        task.failed.connect(
            lambda exc, tb: self._messages.error(f"Could not prepare the demo plan: {exc}", "Demo plan", tb)
        )
        return task

    def open_initial(self, plan: str | None) -> Task:
        """What start-up shows: the given plan, else the last plan used, else the user's copy of the demo."""
        if plan:
            return self.open_plan(plan)
        last = self._workspace.last_plan()
        if last:
            return self.open_plan(last)
        demo = self._workspace.demo_plan_path
        if demo.exists():
            return self.open_plan(str(demo))
        return self.open_demo_copy()

    def maybe_save(self) -> bool:
        """Before the plan goes away: ask to save unsaved changes. False = the user cancelled."""
        doc = self._host.document
        if doc is None or not doc.is_modified:
            return True
        answer = QMessageBox.question(
            self._window,
            "Unsaved changes",
            f"Save the changes to “{doc.plan.name}” before closing it?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save_now()
        return True

    def ask_open(self) -> None:
        if not self.maybe_save():
            return
        doc = self._host.document
        target = doc.target if doc else None
        start = str(Path(target).parent) if target and not is_database_url(target) else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self._window, "Open a plan", start, PLAN_FILTER)
        if path:
            self.open_plan(path)

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        recent = self._workspace.recent_plans()
        if not recent:
            menu.addAction("No recent plans").setEnabled(False)
            return
        for i, target in enumerate(recent):
            action = menu.addAction(f"&{i + 1}  {display_name(target)}")
            action.setToolTip(target)
            action.triggered.connect(lambda _c=False, t=target: self.maybe_save() and self.open_plan(t))
        menu.addSeparator()
        menu.addAction("Clear the list", self._workspace.clear_recent)

    def ask_new_plan(self) -> None:
        if not self.maybe_save():
            return
        from ..services.layers import bundled_layer_names
        from .dialogs import NewPlanDialog

        try:
            names = bundled_layer_names()
        except Exception as exc:  # the bundled catalogue is optional at run time; say why it is missing
            log.exception("Bundled maps unavailable")
            names = []
            self._messages.error(f"The bundled maps could not be listed: {exc}")
        dialog = NewPlanDialog([(n, _LAYER_TITLES.get(n, n)) for n in names], self._window)
        if dialog.exec():
            self.new_plan(dialog.choice())

    def new_plan(self, choice: dict[str, str | None]) -> Task:
        """Start a plan on a bundled map (``layer``) or a boundary file (``file``, ``id_column``, ``name_column``)."""

        def build(inputs: dict[str, str | None], progress: Progress) -> Plan:
            from ..services.layers import bundled_layer, layer_from_file

            progress(0.1, "Reading the map…")
            if inputs.get("layer"):
                layer = bundled_layer(str(inputs["layer"]))
            else:
                layer, _warnings = layer_from_file(
                    str(inputs["file"]), str(inputs["id_column"]), inputs.get("name_column")
                )
            progress(1.0, "Ready")
            return Plan(str(inputs["name"]), layer)

        task = self._runner.start("New plan", build, choice)
        self._track(task, "Preparing the map for the new plan…")
        task.finished.connect(lambda plan: self.document_ready.emit(PlanDocument(plan, None)))
        task.failed.connect(lambda exc, tb: self._messages.error(f"Could not start the plan: {exc}", "New plan", tb))
        return task

    # -- saving ----------------------------------------------------------------------------------------------------
    def save(self) -> Task | None:
        """Save on a worker (the plan is snapshotted first; editing can go on)."""
        doc = self._host.document
        if doc is None:
            return None
        if doc.target is None:
            self.ask_save_as()
            return None
        commit = getattr(doc.sharing, "commit", None)
        if commit is not None:  # a live plan: saving commits the unsaved changes (others see them at once)
            commit()
            return None
        return self.save_to(doc.target)

    def save_to(self, target: str) -> Task | None:
        doc = self._host.document
        if doc is None:
            return None
        snapshot = doc.plan.deepcopy()
        index = doc.undo_stack.index()
        task = self._runner.start(f"Saving {display_name(target)}", save_plan_task, (snapshot, target))
        self._track(task, f"Saving {display_name(target)}…")

        def on_saved(_result: object) -> None:
            if self._host.document is not doc:
                return
            doc.note_saved(snapshot)
            self._after_save(doc, target, index)

        def on_failed(exc: BaseException, tb: str) -> None:
            if self._on_save_conflict is not None and self._on_save_conflict(doc, exc):
                return  # someone else saved first: the conflict dialog takes over
            self._messages.error(
                f"Could not save {display_name(target)}: {exc}. Your changes are still here; try Save as…",
                "Not saved",
                tb,
            )

        task.finished.connect(on_saved)
        task.failed.connect(on_failed)
        return task

    def save_now(self) -> bool:
        """Save on this thread (when closing, the answer is needed before going on)."""
        doc = self._host.document
        if doc is None:
            return True
        target = doc.target
        if target is None:
            target = self._ask_save_path()
            if target is None:
                return False
        try:
            snapshot = doc.plan.deepcopy()
            run_inline(save_plan_task, (snapshot, target))
            doc.note_saved(snapshot)
        except Exception as exc:
            if self._on_save_conflict is not None and self._on_save_conflict(doc, exc):
                return False  # someone else saved first: the conflict dialog takes over, nothing closes
            log.exception("Save failed")
            self._messages.error(f"Could not save {display_name(target)}: {exc}", "Not saved")
            return False
        self._after_save(doc, target, doc.undo_stack.index())
        return True

    def _after_save(self, doc: PlanDocument, target: str, index: int) -> None:
        if doc.target != target:
            doc.set_target(target)
        if doc.undo_stack.index() == index:
            doc.undo_stack.setClean()
        if doc.recovery_key:
            self._recovery.discard(doc.recovery_key)
        self._workspace.add_recent(target)
        self._host.show_status(f"Saved {display_name(target)}", 5000)
        self.plan_saved.emit(target)

    def _ask_save_path(self) -> str | None:
        doc = self._host.document
        suggested = (doc.plan.name if doc else "Plan").replace("/", "-")[:60] + ".tplan"
        path, _ = QFileDialog.getSaveFileName(
            self._window, "Save the plan as", str(Path.home() / suggested), PLAN_FILTER
        )
        if not path:
            return None
        if not is_database_url(path) and not path.endswith(".tplan"):
            path += ".tplan"
        return path

    def ask_save_as(self) -> None:
        path = self._ask_save_path()
        if path:
            self.save_to(path)

    def autosave(self) -> Task | None:
        """Write a recovery copy when there are changes since the last save or autosave."""
        doc = self._host.document
        if doc is None or not doc.is_modified or doc.recovery_key is None:
            return None
        index = doc.undo_stack.index()
        if index == self._last_autosave_index:
            return None
        self._last_autosave_index = index
        snapshot = doc.plan.deepcopy()
        key, target = doc.recovery_key, doc.target
        recovery = self._recovery
        task = self._runner.start("Autosave", lambda inputs, progress: recovery.write(*inputs), (key, snapshot, target))
        task.failed.connect(lambda exc, tb: log.warning("Autosave failed: %s", exc))
        return task

    def discard_recovery(self) -> None:
        """The window closes normally: its recovery copy is not needed."""
        doc = self._host.document
        if doc is not None and doc.recovery_key:
            self._recovery.discard(doc.recovery_key)


__all__ = ["PLAN_FILTER", "DocumentController"]
