"""The Comments panel: comments on a territory, hire, assumption or the scenario (author, time, text, resolved).

The panel shows the comments of one object — the one chosen in its "About" box, which follows the territory or
seller selected in their panels — or all comments of the shown scenario; it adds, resolves and reopens comments
through commands (``AddComment``, ``ResolveComment``), so each is undoable and stored with the plan. The dock's
title carries the count of open comments. Text is shown as plain text: what people write is data.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain.assumptions import FUNNEL_KEYS, PLAN_KEYS
from ..domain.changelog import now_text
from ..domain.commands import AddComment, ResolveComment
from ..domain.governance import Comment, at_text
from .document import PlanDocument
from .panel_base import RestingRefresh, follow_document, panel_button, read_only_table

COLUMNS = ("About", "Comment", "Who", "When", "State")
Subject = tuple[str, str]  # (subject type, subject)


def _key(subject: Subject) -> str:
    """The About box's item data: one string (a tuple would not be found again by ``findData``)."""
    return f"{subject[0]}:{subject[1]}"


def _subject(key: object) -> Subject | None:
    if not isinstance(key, str) or ":" not in key:
        return None
    kind, _, name = key.partition(":")
    return kind, name


class CommentsPanel(QWidget):
    """Comments beside the object they are about; add, resolve and reopen."""

    #: The number of open comments of the shown scenario changed (the window shows it in the dock title).
    open_count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: PlanDocument | None = None
        self.shown: list[Comment] = []
        self.subject_box = QComboBox()
        self.subject_box.setToolTip("What the comments are about (follows the territory or seller you select)")
        self.subject_box.activated.connect(lambda _i: self.refresh_rows())
        self.all_box = QCheckBox("All comments of the scenario")
        self.all_box.toggled.connect(lambda _on: self.refresh_rows())
        self.resolved_box = QCheckBox("Show resolved")
        self.resolved_box.setChecked(True)
        self.resolved_box.toggled.connect(lambda _on: self.refresh_rows())
        top = QHBoxLayout()
        top.addWidget(QLabel("About"))
        top.addWidget(self.subject_box, 1)
        top.addWidget(self.all_box)
        top.addWidget(self.resolved_box)

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.table = read_only_table(self.model)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Write a comment…")
        self.text.setFixedHeight(60)
        self.add_button = panel_button("Add comment", "Add the comment to the object chosen above", self.add, self)
        self.resolve_button = panel_button(
            "Resolve", "Mark the selected comment resolved (or reopen it)", self.toggle_selected, self
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.resolve_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self._resting = RestingRefresh(self, self.refresh)  # once edits rest, and only while shown
        self.setEnabled(False)

    # --- document ------------------------------------------------------------------------------------------
    def set_document(self, document: PlanDocument | None) -> None:
        follow_document(self.document, document, self._on_changed)
        self.document = document
        self.setEnabled(document is not None)
        self.refresh()

    def _on_changed(self, command: object = None, *_: object) -> None:
        self._resting.on_command(command)

    def subjects(self) -> list[Subject]:
        """What a comment may be about in the shown scenario: the scenario, its territories, its sellers and
        hires, and the assumptions."""
        doc = self.document
        if doc is None:
            return []
        s = doc.scenario
        out: list[Subject] = [("scenario", s.name)]
        out += [("territory", name) for name in s.territories]
        out += [("seller", name) for name in s.sellers]
        out += [("assumption", spec.label) for spec in (*FUNNEL_KEYS.values(), *PLAN_KEYS.values())]
        return out

    @staticmethod
    def subject_text(subject: Subject) -> str:
        kind, name = subject
        return f"{'Hire or seller' if kind == 'seller' else kind.capitalize()} {name}"

    def refresh(self) -> None:
        chosen = self.subject_box.currentData()
        self.subject_box.blockSignals(True)
        self.subject_box.clear()
        for subject in self.subjects():
            self.subject_box.addItem(self._labelled(subject), _key(subject))
        index = self.subject_box.findData(chosen) if chosen is not None else -1
        self.subject_box.setCurrentIndex(max(0, index))
        self.subject_box.blockSignals(False)
        self.refresh_rows()

    def _scenario_comments(self) -> list[Comment]:
        doc = self.document
        if doc is None:
            return []
        name = doc.scenario_name
        return [c for c in doc.plan.governance.comments.values() if c.scenario in (None, name)]

    def _labelled(self, subject: Subject) -> str:
        open_ = sum(1 for c in self._scenario_comments() if (c.subject_type, c.subject) == subject and not c.resolved)
        return self.subject_text(subject) + (f" ({open_} open)" if open_ else "")

    def show_subject(self, kind: str, name: object) -> None:
        """Show the comments of an object (the window calls this when a territory or seller is selected)."""
        if not isinstance(name, str):
            return
        index = self.subject_box.findData(_key((kind, name)))
        if index >= 0:
            self.subject_box.setCurrentIndex(index)
            self.refresh_rows()

    def refresh_rows(self) -> None:
        subject = _subject(self.subject_box.currentData())
        found = self._scenario_comments()
        if not self.all_box.isChecked():
            found = [c for c in found if (c.subject_type, c.subject) == subject]
        if not self.resolved_box.isChecked():
            found = [c for c in found if not c.resolved]
        found.sort(key=lambda c: (c.resolved, c.at))
        self.shown = found
        self.model.removeRows(0, self.model.rowCount())
        for c in found:
            row = [
                QStandardItem(text)
                for text in (
                    self.subject_text((c.subject_type, c.subject)),
                    c.text,
                    c.author,
                    at_text(c.at),
                    "Resolved" if c.resolved else "Open",
                )
            ]
            row[1].setToolTip(c.text)
            self.model.appendRow(row)
        self.table.resizeColumnToContents(0)
        self.open_count_changed.emit(sum(1 for c in self._scenario_comments() if not c.resolved))
        self._update_buttons()

    # --- edits ---------------------------------------------------------------------------------------------
    def selected(self) -> Comment | None:
        rows = self.table.selectionModel().selectedRows()
        return self.shown[rows[0].row()] if rows and rows[0].row() < len(self.shown) else None

    def _update_buttons(self) -> None:
        comment = self.selected()
        self.resolve_button.setEnabled(comment is not None)
        self.resolve_button.setText("Reopen" if comment is not None and comment.resolved else "Resolve")

    def add(self, text: str | None = None) -> bool:
        """Add a comment (the box's text, or ``text``) about the object chosen in the About box."""
        doc = self.document
        subject = _subject(self.subject_box.currentData())
        if doc is None or subject is None:
            return False
        body = self.text.toPlainText() if text is None else text
        kind, name = subject
        comment = Comment(uuid.uuid4().hex[:12], kind, name, doc.scenario_name, doc.session.author, now_text(), body)
        if not doc.execute(AddComment(comment)):
            return False
        self.text.clear()
        return True

    def toggle_selected(self) -> bool:
        doc = self.document
        comment = self.selected()
        if doc is None or comment is None:
            return False
        return doc.execute(ResolveComment(comment.id, not comment.resolved))

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)


__all__ = ["CommentsPanel"]
