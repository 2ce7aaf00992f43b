"""Dual sign-off in the window: Scenario > Propose, Sign off as sales, Sign off as marketing, Withdraw, and the
status of the shown scenario beside its name.

The rules are the domain's (:mod:`territory_planner.domain.signoff`): this controller only asks who signs (the
name set once in the settings, *Your name…*), asks for a written reason when the scenario has blocking flags, and
executes the commands through the document, so each step is one undo entry and a refused step shows the domain's
message. Edits of a proposed or approved scenario are refused by the domain itself, with its message.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLabel, QWidget

from ..domain.changelog import now_text
from ..domain.commands import ProposeScenario, SignOffScenario, WithdrawScenario
from ..domain.formatting import count
from ..domain.signoff import missing_roles, sign_offs_text, status_line, withdrawal_text
from .document import PlanDocument
from .settings import author_name, set_author_name
from .territory_state import only_assignments

#: Asks for the written reason of a sign-off (title, prompt) -> text, or None when the person cancels.
AskReason = Callable[[str, str], str | None]
#: Asks for the person's name (current) -> new name, or None when cancelled.
AskName = Callable[[str], str | None]

#: Colours of the status label: a draft is quiet, proposed and approved stand out (they are read-only).
_STATUS_STYLE = {
    "draft": "color: #5f6b7a;",
    "proposed": "color: #8a5a00; font-weight: 600;",
    "approved": "color: #1f7a3a; font-weight: 600;",
}


class SignOffController(QObject):
    """The sign-off actions of the Scenario menu and the status label of the shown scenario."""

    #: A line for the status bar after a step ("Scenario X is approved: …").
    reported = Signal(str)

    def __init__(
        self,
        window: QWidget,
        settings: QSettings,
        ask_reason: AskReason | None = None,
        ask_name: AskName | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._ask_reason = ask_reason or self._reason_dialog
        self._ask_name = ask_name or self._name_dialog
        self.document: PlanDocument | None = None
        self.status_label = QLabel()
        self.status_label.setObjectName("ScenarioStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # names are data

        def action(text: str, slot: Callable[[], object], tip: str) -> QAction:
            act = QAction(text, window)
            act.setStatusTip(tip)
            act.setToolTip(tip)
            act.triggered.connect(lambda _checked=False: slot())
            window.addAction(act)
            return act

        self.propose_action = action(
            "&Propose for sign-off",
            self.propose,
            "Propose the shown scenario (read-only until it is approved or withdrawn)",
        )
        self.sign_sales_action = action(
            "Sign off as &sales", lambda: self.sign_off("sales"), "Sign the shown scenario off as the sales lead"
        )
        self.sign_marketing_action = action(
            "Sign off as &marketing",
            lambda: self.sign_off("marketing"),
            "Sign the shown scenario off as the marketing lead",
        )
        self.withdraw_action = action(
            "&Withdraw to draft", self.withdraw, "Make the shown scenario a draft again (its sign-offs are withdrawn)"
        )
        self.name_action = action("Your &name…", self.ask_name, "The name stored with your changes and sign-offs")

    def actions(self) -> list[QAction]:
        return [self.propose_action, self.sign_sales_action, self.sign_marketing_action, self.withdraw_action]

    # --- document ------------------------------------------------------------------------------------------
    def set_document(self, document: PlanDocument | None) -> None:
        if self.document is not None:
            self.document.changed.disconnect(self._on_changed)
            self.document.scenario_switched.disconnect(self._on_changed)
        self.document = document
        if document is not None:
            document.changed.connect(self._on_changed)
            document.scenario_switched.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, command: object = None, *_: object) -> None:
        if command is not None and only_assignments(command):
            return  # a paint stroke never changes a status or sign-off (a proposed scenario refuses it)
        self.refresh()

    def refresh(self) -> None:
        """The status label and which steps are possible, for the shown scenario."""
        doc = self.document
        if doc is None:
            self.status_label.setText("")
            self.status_label.setToolTip("")
            for act in self.actions():
                act.setEnabled(False)
            return
        approval = doc.plan.governance.approval(doc.scenario_name)
        self.status_label.setText(status_line(doc.plan, doc.scenario_name))
        self.status_label.setStyleSheet(f"QLabel {{ {_STATUS_STYLE[approval.status]} padding: 0 6px; }}")
        tip = "Editable" if approval.status == "draft" else "Read-only: withdraw it to change it"
        reasons = [f"{s.name} ({s.role}): {s.reason}" for s in approval.sign_offs if s.reason]
        self.status_label.setToolTip("\n".join([tip, *reasons]))
        missing = missing_roles(approval)
        self.propose_action.setEnabled(approval.status == "draft")
        self.sign_sales_action.setEnabled("sales" in missing)
        self.sign_marketing_action.setEnabled("marketing" in missing)
        self.withdraw_action.setEnabled(approval.status != "draft")

    # --- steps ---------------------------------------------------------------------------------------------
    @property
    def author(self) -> str:
        return author_name(self._settings)

    def propose(self) -> bool:
        doc = self.document
        if doc is None:
            return False
        name = doc.scenario_name
        if not doc.execute(ProposeScenario(name, self.author, now_text())):
            return False
        self.reported.emit(f"Scenario {name} is proposed: it is read-only until it is approved or withdrawn.")
        return True

    def sign_off(self, role: str, reason: str | None = None) -> bool:
        """Sign the shown scenario off for ``role`` under the person's name; with blocking flags a written reason
        is asked for (``reason`` given skips the question)."""
        doc = self.document
        if doc is None:
            return False
        name = doc.scenario_name
        blocking = [f for f in doc.report().flags if f.blocking]
        if reason is None:
            reason = ""
            if blocking:
                asked = self._ask_reason(
                    f"Sign off {name} as {role}",
                    f"{name} has {count(len(blocking), 'blocking flag')} ({blocking[0].message}). Write why it is "
                    "approved anyway (it is printed on the cover of the pack):",
                )
                if asked is None:
                    return False
                reason = asked
        if not doc.execute(SignOffScenario(name, self.author, role, now_text(), reason)):
            return False
        approval = doc.plan.governance.approval(name)
        if approval.status == "approved":
            self.reported.emit(f"Scenario {name} is approved: signed off by {sign_offs_text(approval)}.")
        else:
            still = " and ".join(missing_roles(approval))
            self.reported.emit(f"Signed off {name} as {role}; it still needs the sign-off of a {still} lead.")
        return True

    def withdraw(self, role: str | None = None) -> bool:
        """Make the shown scenario a draft again, as the person's recorded role (sales when none is recorded)."""
        doc = self.document
        if doc is None:
            return False
        name = doc.scenario_name
        previous = doc.plan.governance.approval(name)
        who = self.author
        role = role or doc.plan.governance.people.get(who) or "sales"
        if not doc.execute(WithdrawScenario(name, who, role, now_text())):
            return False
        self.reported.emit(withdrawal_text(name, previous))
        return True

    def ask_name(self) -> None:
        name = self._ask_name(self.author)
        if name is not None:
            set_author_name(self._settings, name)
            if self.document is not None:
                self.document.session.author = self.author
            self.reported.emit(f"Your changes and sign-offs are recorded as {self.author}.")

    # --- dialogs -------------------------------------------------------------------------------------------
    def _reason_dialog(self, title: str, prompt: str) -> str | None:
        text, ok = QInputDialog.getMultiLineText(self._window, title, prompt)
        return text if ok else None

    def _name_dialog(self, current: str) -> str | None:
        text, ok = QInputDialog.getText(
            self._window, "Your name", "Your name, stored with your changes, comments and sign-offs:", text=current
        )
        return text if ok else None


__all__ = ["AskName", "AskReason", "SignOffController"]
