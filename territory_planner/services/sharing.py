"""Live sharing of a plan on a PostgreSQL plan server: the client side, Qt-free, with callbacks.

A :class:`SharedSession` opens a server plan and keeps it current:

- a listener thread holds a connection of its own that ``LISTEN``s for committed changes; on a notice (and after
  every reconnect) it catches up by sequence from the change log and applies the changes as remote edits (they
  are not undoable), then calls ``on_remote`` with the changes and one quiet notice line each
  ("Dana assigned 14 counties to Texas");
- a heartbeat thread refreshes this session's presence row and reports who else is in the plan (``on_presence``);
- :meth:`apply` applies a local command (logged under the author's name) and :meth:`commit` saves the unsaved
  ones (see ``persistence/live.py``: rebased on others' changes; the same field changed on both sides raises
  ``FieldConflictError`` naming both values).

Callbacks run on the session's threads unless a ``dispatch`` function is given (the app passes one that runs them
on its GUI thread). Every access to the plan takes the session's lock. A lost connection is reported once through
``on_status`` and retried until it comes back; then the session catches up by itself.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..domain import Plan, PlanError
from ..domain.changelog import ChangeNotReplayable, apply_command, from_json, notice, now_text
from ..domain.commands import Command
from ..domain.governance import Change
from ..persistence import load_plan
from ..persistence.live import Absorbed, Presence, SharedStore

log = logging.getLogger(__name__)

Dispatch = Callable[[Callable[[], None]], None]


def _run_now(fn: Callable[[], None]) -> None:
    fn()


@dataclass
class SharingCallbacks:
    """What the session tells its owner. Each is optional."""

    on_remote: Callable[[list[Change], list[str]], None] | None = None
    on_presence: Callable[[list[Presence]], None] | None = None
    on_status: Callable[[str], None] | None = None
    on_dropped: Callable[[list[tuple[Change, str]]], None] | None = None
    #: The plan object was replaced by a fresh load (someone saved the plan without the change log).
    on_reloaded: Callable[[Plan], None] | None = None


@dataclass
class SharedSession:
    """One person's open copy of a plan on a server, kept in step with everybody else's."""

    target: str
    author: str
    callbacks: SharingCallbacks = field(default_factory=SharingCallbacks)
    dispatch: Dispatch = _run_now
    heartbeat_seconds: float = 5.0
    listen_timeout: float = 0.25
    client: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    #: The plan as the owner already loaded it from ``target`` (the app's open document); None = load it here.
    opened: Plan | None = None
    #: Apply remote changes through ``dispatch`` instead of on the listener thread (the app: the plan is only
    #: ever touched on its GUI thread, where its views read it).
    apply_on_dispatch: bool = False

    def __post_init__(self) -> None:
        self.store = SharedStore(self.target)
        self.lock = threading.RLock()
        self.plan: Plan = self.opened if self.opened is not None else load_plan(self.store.where)
        self.opened = None
        self.started_at = now_text()
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener: Any = None
        #: When each remote sequence was applied here (time.monotonic()), for latency figures.
        self.seen_at: dict[int, float] = {}

    # --- life cycle ----------------------------------------------------------------------------------------
    def start(self) -> SharedSession:
        for name, target in (("listener", self._listen_loop), ("heartbeat", self._heartbeat_loop)):
            thread = threading.Thread(target=target, name=f"tp-sharing-{name}-{self.client}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def wait_connected(self, timeout: float = 10.0) -> bool:
        return self._connected.wait(timeout)

    def close(self) -> None:
        self._stop.set()
        listener = self._listener
        if listener is not None:
            listener.close()
        for thread in self._threads:
            thread.join(timeout=5)
        try:
            self.store.leave(self.client)
        except PlanError:
            log.info("Could not remove the presence row of %s", self.client, exc_info=True)
        self.store.dispose()

    def __enter__(self) -> SharedSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- edits ---------------------------------------------------------------------------------------------
    def apply(self, command: Command) -> Command:
        """Apply a local command (refused, changing nothing, when it is not valid or its scenario is read-only)."""
        with self.lock:
            inverse: Command = apply_command(self.plan, command, author=self.author, client=self.client)
            return inverse

    def commit(self) -> list[Change]:
        """Save the unsaved changes to the server (after taking in what others committed meanwhile)."""
        with self.lock:
            try:
                committed, absorbed = self.store.commit(self.plan, self.author)
            except ChangeNotReplayable:  # someone's change can only be taken in by loading the plan again
                self.reload()
                committed, absorbed = self.store.commit(self.plan, self.author)
        self._report(absorbed)
        return committed

    @property
    def conflicts(self) -> list[Any]:
        """Fields changed here and by someone else since (``FieldConflict``: what, mine, theirs, author)."""
        return list(self.store.conflicts)

    def keep_mine(self) -> None:
        """Keep this side's values of every conflicting field; the next commit writes them."""
        with self.lock:
            self.store.keep_mine()

    def take_theirs(self) -> list[Change]:
        """Take the other side's values: the unsaved changes touching a conflicting field are taken out."""
        with self.lock:
            return self.store.take_theirs(self.plan)

    def catch_up(self) -> list[Change]:
        """Read and apply what others committed since the last change this session has."""
        with self.lock:
            remote = self.store.fetch(self.plan.governance.last_sequence())
            try:
                absorbed = self.store.absorb(self.plan, remote)
            except ChangeNotReplayable:
                log.info("A change cannot be replayed; reloading the plan", exc_info=True)
                self.reload()
                return remote
        self._report(absorbed)
        return absorbed.remote

    def reload(self) -> Plan:
        """Load the plan afresh (after a save that did not go through the change log, e.g. an older app or a
        whole-plan replace) and apply this session's unsaved changes to it again; ones that no longer fit are
        reported through ``on_dropped``."""
        with self.lock:
            pending = self.plan.governance.pending()
            fresh = load_plan(self.store.where)
            dropped: list[tuple[Change, str]] = []
            for entry in pending:
                try:
                    apply_command(fresh, from_json(entry.command), author=entry.author, client=self.client)
                except PlanError as exc:
                    dropped.append((entry, str(exc)))
            self.plan = fresh
            self.store.conflicts.clear()
        self._report(Absorbed(dropped=dropped))
        self._status("Someone replaced the plan on the server; it was reloaded and your unsaved changes re-applied.")
        if self.callbacks.on_reloaded is not None:
            on_reloaded = self.callbacks.on_reloaded
            self.dispatch(lambda: on_reloaded(fresh))
        return fresh

    def _known_revision(self) -> int:
        origin = self.plan.origin
        return int(getattr(origin, "revision", 0))

    def _report(self, absorbed: Absorbed) -> None:
        now = time.monotonic()
        for change in absorbed.remote:
            if change.sequence is not None:
                self.seen_at.setdefault(change.sequence, now)
        others = [c for c in absorbed.remote if c.client != self.client]
        if others and self.callbacks.on_remote is not None:
            on_remote = self.callbacks.on_remote
            notices = [notice(c) for c in others]
            self.dispatch(lambda: on_remote(others, notices))
        if absorbed.dropped and self.callbacks.on_dropped is not None:
            on_dropped = self.callbacks.on_dropped
            dropped = absorbed.dropped
            self.dispatch(lambda: on_dropped(dropped))

    def _status(self, text: str) -> None:
        if self.callbacks.on_status is not None:
            on_status = self.callbacks.on_status
            self.dispatch(lambda: on_status(text))

    # --- threads -------------------------------------------------------------------------------------------
    def _listen_loop(self) -> None:
        lost = False
        while not self._stop.is_set():
            try:
                self._listener = self.store.listen()
                self._connected.set()
                self._from_listener(self.catch_up)  # what was committed before we listened (or while we were away)
                if lost:
                    self._status("Reconnected to the plan server; the plan is up to date.")
                    lost = False
                while not self._stop.is_set():
                    notices = [n for n in self._listener.wait(self.listen_timeout) if n.get("plan") == self.store.key]
                    if notices:
                        self._from_listener(functools.partial(self._on_notices, notices))
            except PlanError as exc:
                if self._stop.is_set():
                    break
                self._connected.clear()
                if not lost:
                    lost = True
                    log.warning("Lost the plan server: %s", exc)
                    self._status("Lost the connection to the plan server; reconnecting… Your edits are kept.")
                self._stop.wait(0.5)
            finally:
                if self._listener is not None:
                    self._listener.close()
                    self._listener = None

    def _on_notices(self, notices: list[dict[str, Any]]) -> None:
        """Catch up after notices of commits (a save that wrote no log entries can only be seen by a reload)."""
        last = self.plan.governance.last_sequence()
        if any(int(n.get("sequence", 0)) > last for n in notices):
            self.catch_up()
        newest = max((int(n.get("revision", 0)) for n in notices), default=0)
        if newest > self._known_revision() and not self.plan.governance.pending():
            self.catch_up()
            if newest > self._known_revision():
                self.reload()

    def _from_listener(self, fn: Callable[[], object]) -> None:
        """Run work the listener asks for: here, or through ``dispatch`` when the owner applies changes itself."""
        if not self.apply_on_dispatch:
            fn()
            return

        def guarded() -> None:
            if self._stop.is_set():
                return
            try:
                fn()
            except PlanError:  # the listener notices a lost server by itself and says so once
                log.info("Catching up with the plan server failed; the listener retries", exc_info=True)

        self.dispatch(guarded)

    def _tell_presence(self, on_presence: Callable[[list[Presence]], None], present: list[Presence]) -> None:
        self.dispatch(lambda: on_presence(present))

    def _heartbeat_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.store.heartbeat(self.client, self.author, self.started_at)
                if self.callbacks.on_presence is not None:
                    self._tell_presence(self.callbacks.on_presence, self.store.present(3 * self.heartbeat_seconds))
            except PlanError:
                log.info("Presence heartbeat failed; retrying", exc_info=True)
            self._stop.wait(self.heartbeat_seconds)


__all__ = ["SharedSession", "SharingCallbacks"]
