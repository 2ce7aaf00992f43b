"""Live sharing in the window: a plan opened from a PostgreSQL plan server is kept in step with everybody else's.

When the window shows a plan whose place is a database URL, a :class:`SharingLink` runs it through
``services.sharing.SharedSession`` (listener and heartbeat threads of its own). Everything that touches the plan
runs on the GUI thread: the session hands its work over through a queued Qt signal (``dispatch``), so remote
changes are applied there, between the window's own events, as edits that are not on the undo stack; then the
views refresh and a quiet notice ("Dana assigned 14 counties to Texas") goes to the status bar. Local edits still
go through the document's one undo stack and are committed a moment after they are made (and on Save), so the
others see them within a second. The same field changed on both sides: the field conflict dialog shows both
values and the person chooses. Who is in the plan now is shown in the status bar; a lost connection is told once,
then "reconnected".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ..domain import PlanError
from ..domain.changelog import from_json, is_replayable
from ..domain.commands import Command
from ..domain.governance import Change
from ..services.plans import is_database_url
from ..services.sharing import SharedSession, SharingCallbacks
from .conflict_dialog import MINE, THEIRS, FieldConflictDialog
from .document import PlanDocument
from .settings import author_name

log = logging.getLogger(__name__)

#: Milliseconds after the last local edit before it is committed (a stroke's edits go together).
COMMIT_AFTER_MS = 300
#: Asks whose values to keep: (conflicts, done(choice)) where choice is MINE or THEIRS.
AskConflict = Callable[[list[Any], Callable[[str], None]], None]


class _Dispatcher(QObject):
    """Runs callables posted from any thread on the thread this object lives on (the GUI thread)."""

    posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.posted.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def post(self, fn: Callable[[], None]) -> None:
        self.posted.emit(fn)

    def _run(self, fn: Callable[[], None]) -> None:
        fn()


class SharingLink(QObject):
    """One open document's live connection to its plan server."""

    notice = Signal(str)  # a remote change in words, or a connection status line
    presence_changed = Signal(list)  # the names of the people in the plan now (this person included)
    conflicted = Signal(list)  # FieldConflict list: both values of each field

    def __init__(self, document: PlanDocument, author: str, heartbeat_seconds: float = 5.0) -> None:
        super().__init__(document)
        self.document = document
        self.auto_commit = True
        self._closed = False
        self._dispatcher = _Dispatcher(self)
        self._commit_timer = QTimer(self)
        self._commit_timer.setSingleShot(True)
        self._commit_timer.setInterval(COMMIT_AFTER_MS)
        self._commit_timer.timeout.connect(self.commit)
        callbacks = SharingCallbacks(
            on_remote=self._on_remote,
            on_presence=lambda present: self.presence_changed.emit([p.author for p in present]),
            on_status=self.notice.emit,
            on_dropped=self._on_dropped,
            on_reloaded=self._on_reloaded,
        )
        self.session = SharedSession(
            str(document.target),
            author,
            callbacks,
            dispatch=self._post,
            heartbeat_seconds=heartbeat_seconds,
            opened=document.plan,
            apply_on_dispatch=True,
        )
        document.changed.connect(self._on_document_changed)
        self.session.start()

    def _post(self, fn: Callable[[], None]) -> None:
        if not self._closed:
            self._dispatcher.post(lambda: None if self._closed else fn())

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._commit_timer.stop()
        self.session.close()

    # --- local edits ---------------------------------------------------------------------------------------
    def _on_document_changed(self, command: object) -> None:
        if command is not None and self.auto_commit:  # None: a remote change, already on the server
            self._commit_timer.start()

    def commit(self) -> bool:
        """Commit the unsaved changes now. A field also changed by someone else asks whose value to keep."""
        if self._closed:
            return False
        self._commit_timer.stop()
        try:
            self.session.commit()
        except PlanError as exc:
            conflicts = getattr(exc, "conflicts", None)
            if conflicts:
                self.conflicted.emit(list(conflicts))
            else:
                self.notice.emit(f"Your changes are not shared yet: {exc}")
            return False
        self.document.undo_stack.setClean()
        return True

    def resolve(self, choice: str) -> None:
        """Keep my values (and commit them) or take theirs (my changes of those fields are taken out)."""
        if choice == MINE:
            self.session.keep_mine()
            self.commit()
        elif choice == THEIRS:
            taken = self.session.take_theirs()
            self.document.remote_applied([])
            if taken:
                self.notice.emit(f"Took the other values; {len(taken)} of your changes were taken out.")
            self.commit()

    # --- remote changes ------------------------------------------------------------------------------------
    def _on_remote(self, changes: list[Change], notices: list[str]) -> None:
        commands: list[Command] = [from_json(c.command) for c in changes if is_replayable(c.command)]
        self.document.remote_applied(commands)
        if self.session.conflicts:  # someone changed a field I changed too and have not committed yet
            self._commit_timer.stop()
            self.conflicted.emit(self.session.conflicts)
        if notices:
            more = len(notices) - 1
            self.notice.emit(notices[-1] + (f" (and {more} more change{'s' if more > 1 else ''})" if more else ""))

    def _on_dropped(self, dropped: list[tuple[Change, str]]) -> None:
        self.document.remote_applied([])
        self.notice.emit(
            "Some of your unsaved changes no longer fit the plan as others changed it and were left out: "
            + "; ".join(f"{entry.description} ({why})" for entry, why in dropped)
        )

    def _on_reloaded(self, plan: object) -> None:
        self.notice.emit(
            "Someone replaced the whole plan on the server. Open it again (File > Open recent) to see it; "
            "live updates are paused for this window."
        )
        self.close()


class SharingController(QObject):
    """Starts and ends the live link of the document the window shows, and shows its notices and presence."""

    def __init__(
        self,
        window: QWidget,
        settings: QSettings,
        show_status: Callable[[str, int], None],
        ask_conflict: AskConflict | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._show_status = show_status
        self.ask_conflict: AskConflict = ask_conflict or self._conflict_dialog
        self.heartbeat_seconds = 5.0
        self.link: SharingLink | None = None
        self.presence_label = QLabel()
        self.presence_label.setObjectName("Presence")
        self.presence_label.setTextFormat(Qt.TextFormat.PlainText)  # names are data
        self.presence_label.hide()

    def attach(self, document: PlanDocument | None) -> None:
        """Share ``document`` live when it comes from a plan server (the previous link ends with its document)."""
        self.link = None
        self.presence_label.hide()
        if document is None or not document.target or not is_database_url(document.target):
            return
        try:
            link = SharingLink(document, author_name(self._settings), self.heartbeat_seconds)
        except PlanError as exc:
            self._show_status(f"Live sharing is off for this plan: {exc}", 10000)
            return
        document.sharing = link
        self.link = link
        link.notice.connect(lambda text: self._show_status(text, 8000))
        link.presence_changed.connect(self._show_presence)
        link.conflicted.connect(lambda conflicts: self.ask_conflict(conflicts, link.resolve))
        self._show_presence([link.session.author])

    def shutdown(self) -> None:
        """The window is closing: end the live link now (its presence row goes at once)."""
        if self.link is not None:
            self.link.close()
            self.link = None

    def _show_presence(self, names: list[str]) -> None:
        unique = list(dict.fromkeys(names))
        self.presence_label.setText("In this plan: " + ", ".join(unique))
        self.presence_label.setToolTip("Who has this plan open now (updated every few seconds)")
        self.presence_label.show()

    def _conflict_dialog(self, conflicts: list[Any], done: Callable[[str], None]) -> None:
        dialog = FieldConflictDialog(conflicts, self._window)
        dialog.chosen.connect(done)
        dialog.open()


__all__ = ["COMMIT_AFTER_MS", "SharingController", "SharingLink"]
