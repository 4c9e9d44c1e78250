"""Every edit the window makes: an undoable command that saves through the repository.

A command writes as soon as it is made (no Save button), with the row version
the window last showed, so a card changed meanwhile by another window or
process is refused rather than overwritten. Undo and redo write again through
the repository, so each is itself saved and audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QUndoCommand, QUndoStack

from fowdesk.domain.model import Card, Milestone, Paragraph
from fowdesk.domain.narrative import paragraphs_to_text
from fowdesk.errors import FowdeskError, StaleEdit
from fowdesk.storage.repository import Repository


class EditSession(QObject):
    """The window's one way to write: runs commands, keeps the undo stack and row versions.

    ``card_saved`` carries the card as the database now holds it (after a
    write, an undo or a refused stale edit), for the list and the editor to
    show. ``conflict`` carries the one-line message for the officer.
    """

    card_saved = Signal(object)
    state_changed = Signal(str)
    conflict = Signal(str)
    failed = Signal(str)

    def __init__(self, repo: Repository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.stack = QUndoStack(self)
        self._card_versions: dict[str, int] = {}
        self._milestone_versions: dict[str, int] = {}

    # ------------------------------------------------------------ row versions

    def seen(self, card: Card) -> None:
        """The officer is now looking at these values: later saves are based on them."""
        self._card_versions[card.uuid] = card.version
        for milestone in card.milestones:
            self._milestone_versions[milestone.uuid] = milestone.version

    def card_version(self, card_uuid: str) -> int | None:
        return self._card_versions.get(card_uuid)

    def milestone_version(self, milestone_uuid: str) -> int | None:
        return self._milestone_versions.get(milestone_uuid)

    def note_milestone(self, milestone: Milestone) -> None:
        self._milestone_versions[milestone.uuid] = milestone.version

    # ------------------------------------------------------------ running commands

    def apply(self, command: RepositoryCommand) -> bool:
        """Write the command now; on success it goes on the undo stack."""
        self.state_changed.emit("Saving…")
        try:
            command.forward()
        except StaleEdit as error:
            self._refused(command, str(error))
            return False
        except FowdeskError as error:
            self.state_changed.emit("Not saved")
            self.failed.emit(str(error))
            return False
        self.reload(command.card_uuid)
        command.written = True
        self.stack.push(command)
        return True

    def reload(self, card_uuid: str) -> Card:
        """Show the card as the database holds it and base later saves on it."""
        card = self.repo.card(card_uuid)
        self.seen(card)
        self.card_saved.emit(card)
        self.state_changed.emit(f"Saved {datetime.now():%H:%M}")
        return card

    def run_from_history(self, command: RepositoryCommand, step: Callable[[], None]) -> None:
        """Undo or redo one command; a refusal clears the history (it no longer applies)."""
        self.state_changed.emit("Saving…")
        try:
            step()
        except FowdeskError as error:
            self._refused(command, str(error))
            # The stack has already moved its index; the history no longer matches the file.
            QTimer.singleShot(0, self.stack.clear)
            return
        self.reload(command.card_uuid)

    def _refused(self, command: RepositoryCommand, message: str) -> None:
        lost = command.officer_text()
        note = ""
        if lost:
            clipboard = QGuiApplication.clipboard()
            if clipboard is not None:
                clipboard.setText(lost)
                note = " Your text has been copied to the clipboard so you can paste it back."
        self.reload(command.card_uuid)
        self.state_changed.emit("Not saved – changed elsewhere")
        self.conflict.emit(
            f"Not saved: {message}. The newer values are now shown.{note}".replace("..", ".")
        )


class RepositoryCommand(QUndoCommand):
    """A saved edit: ``forward`` writes it, ``backward`` writes it back."""

    def __init__(self, session: EditSession, card_uuid: str, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.repo = session.repo
        self.card_uuid = card_uuid
        self.written = False

    def forward(self) -> None:
        raise NotImplementedError

    def backward(self) -> None:
        raise NotImplementedError

    def officer_text(self) -> str:
        """What the officer typed, kept for them if the save is refused."""
        return ""

    def redo(self) -> None:
        if not self.written:
            return  # pushed after it was written by EditSession.apply
        self.session.run_from_history(self, self.forward)

    def undo(self) -> None:
        self.session.run_from_history(self, self.backward)


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(getattr(v, "text", str(v)) for v in value)
    return "" if value is None else str(value)


class CardFieldsCommand(RepositoryCommand):
    """Card fields (title, leads, theme, status, RAG override, next steps…)."""

    def __init__(
        self,
        session: EditSession,
        card_uuid: str,
        old: dict[str, Any],
        new: dict[str, Any],
        text: str,
    ) -> None:
        super().__init__(session, card_uuid, text)
        self.old, self.new = old, new

    def _write(self, values: dict[str, Any]) -> None:
        self.repo.update_card(self.card_uuid, self.session.card_version(self.card_uuid), **values)

    def forward(self) -> None:
        self._write(self.new)

    def backward(self) -> None:
        self._write(self.old)

    def officer_text(self) -> str:
        return "\n".join(_as_text(v) for v in self.new.values() if _as_text(v))


class ProgressCommand(RepositoryCommand):
    """The card's progress narrative for one reporting period."""

    def __init__(
        self,
        session: EditSession,
        card_uuid: str,
        period_label: str,
        old: list[Paragraph],
        new: list[Paragraph],
        text: str = "Edit progress",
    ) -> None:
        super().__init__(session, card_uuid, text)
        self.period_label, self.old, self.new = period_label, old, new

    def _write(self, paragraphs: list[Paragraph]) -> None:
        version = self.session.card_version(self.card_uuid)
        self.repo.set_progress(self.card_uuid, self.period_label, paragraphs, version)

    def forward(self) -> None:
        self._write(self.new)

    def backward(self) -> None:
        self._write(self.old)

    def officer_text(self) -> str:
        return paragraphs_to_text(self.new)


class MilestoneFieldsCommand(RepositoryCommand):
    """Milestone description, status, completed-on date or notes."""

    def __init__(
        self,
        session: EditSession,
        card_uuid: str,
        milestone_uuid: str,
        old: dict[str, Any],
        new: dict[str, Any],
        text: str,
    ) -> None:
        super().__init__(session, card_uuid, text)
        self.milestone_uuid, self.old, self.new = milestone_uuid, old, new

    def _write(self, values: dict[str, Any]) -> None:
        version = self.session.milestone_version(self.milestone_uuid)
        self.session.note_milestone(
            self.repo.update_milestone(self.milestone_uuid, version, **values)
        )

    def forward(self) -> None:
        self._write(self.new)

    def backward(self) -> None:
        self._write(self.old)

    def officer_text(self) -> str:
        return "\n".join(_as_text(v) for k, v in self.new.items() if k in ("description", "notes"))


class ReviseTargetCommand(RepositoryCommand):
    """Re-date a milestone with a reason; undo takes the revision back off the record."""

    def __init__(
        self,
        session: EditSession,
        card_uuid: str,
        milestone_uuid: str,
        new_target: str,
        reason: str,
    ) -> None:
        super().__init__(session, card_uuid, "Revise target")
        self.milestone_uuid, self.new_target, self.reason = milestone_uuid, new_target, reason

    def forward(self) -> None:
        version = self.session.milestone_version(self.milestone_uuid)
        self.session.note_milestone(
            self.repo.revise_target(self.milestone_uuid, version, self.new_target, self.reason)
        )

    def backward(self) -> None:
        version = self.session.milestone_version(self.milestone_uuid)
        self.session.note_milestone(self.repo.undo_target_revision(self.milestone_uuid, version))

    def officer_text(self) -> str:
        return f"{self.new_target} – {self.reason}"


class AddMilestoneCommand(RepositoryCommand):
    """A new milestone; undo removes it (kept in the file), redo brings the same one back."""

    def __init__(
        self,
        session: EditSession,
        card_uuid: str,
        description: str,
        target: str = "",
        position: int | None = None,
    ) -> None:
        super().__init__(session, card_uuid, "Add milestone")
        self.description, self.target, self.position = description, target, position
        self.milestone_uuid: str | None = None

    def forward(self) -> None:
        if self.milestone_uuid is None:
            milestone = self.repo.add_milestone(
                self.card_uuid, self.description, self.target, position=self.position
            )
            self.milestone_uuid = milestone.uuid
        else:
            milestone = self.repo.restore_milestone(self.milestone_uuid)
        self.session.note_milestone(milestone)

    def backward(self) -> None:
        assert self.milestone_uuid is not None
        version = self.session.milestone_version(self.milestone_uuid)
        self.repo.delete_milestone(self.milestone_uuid, version)


class DeleteMilestoneCommand(RepositoryCommand):
    """Remove a milestone; undo puts it back where it was, with its history."""

    def __init__(self, session: EditSession, card_uuid: str, milestone_uuid: str) -> None:
        super().__init__(session, card_uuid, "Delete milestone")
        self.milestone_uuid = milestone_uuid

    def forward(self) -> None:
        version = self.session.milestone_version(self.milestone_uuid)
        self.repo.delete_milestone(self.milestone_uuid, version)

    def backward(self) -> None:
        self.session.note_milestone(self.repo.restore_milestone(self.milestone_uuid))


class MoveMilestoneCommand(RepositoryCommand):
    """Reorder a milestone within its card."""

    def __init__(
        self, session: EditSession, card_uuid: str, milestone_uuid: str, old: int, new: int
    ) -> None:
        super().__init__(session, card_uuid, "Move milestone")
        self.milestone_uuid, self.old, self.new = milestone_uuid, old, new

    def forward(self) -> None:
        self.session.note_milestone(self.repo.move_milestone(self.milestone_uuid, self.new))

    def backward(self) -> None:
        self.session.note_milestone(self.repo.move_milestone(self.milestone_uuid, self.old))
