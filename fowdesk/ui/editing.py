"""Every edit the window makes: an undoable command that saves through the repository.

A command writes as soon as it is made (no Save button), with the row version
the window last showed, so a card changed meanwhile by another window or
process is refused rather than overwritten. Undo and redo write again through
the repository, so each is itself saved and audited.

Typing is never lost to a lock. The window's own connection waits for another
program's lock only a moment (:data:`WINDOW_LOCK_WAIT_S`); past it the save
is queued, a worker waits for the lock with the ordinary limit, and the
queued saves are written in order once it is free. Meanwhile the text stays
in the editor and the status bar says "Waiting for the database…". If the
lock outlasts the wait, the text stays in the editor and goes on the
clipboard, with one clear message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QUndoCommand, QUndoStack

from fowdesk.domain.model import Card, Milestone, Paragraph
from fowdesk.domain.narrative import paragraphs_to_text
from fowdesk.errors import FowdeskError, LockedDatabase, StaleEdit
from fowdesk.storage.repository import Repository
from fowdesk.ui.jobs import JobPool
from fowdesk.ui.workers import Progress

#: How long the window's own connection waits for another program's lock. Past
#: it a save is handed to a worker, so the window thread never waits longer.
WINDOW_LOCK_WAIT_S = 0.02
#: How often queued saves go back to waiting when the lock is taken again at once.
LOCK_RETRIES = 3
#: What the status bar says while a save waits for another program's lock.
WAITING = "Waiting for the database (in use by another program)…"


def wait_for_the_lock(repo: Repository, _progress: Progress) -> float | None:
    """Take the write lock and let it go at once: None once another program has let go.

    Runs on a worker with the ordinary wait limit; when the lock is held
    past it, the seconds waited.
    """
    try:
        with repo.transaction():
            pass
    except LockedDatabase as exc:
        return exc.waited
    return None


class EditSession(QObject):
    """The window's one way to write: runs commands, keeps the undo stack and row versions.

    ``card_saved`` carries the card as the database now holds it (after a
    write, an undo or a refused stale edit), for the list and the editor to
    show. ``conflict`` carries the one-line message for the officer.
    ``waiting_changed`` says when saves start and stop waiting for another
    program's lock; ``unsaved`` carries the commands given up on after the
    wait, for the editor to keep their text.
    """

    card_saved = Signal(object)
    state_changed = Signal(str)
    conflict = Signal(str)
    failed = Signal(str)
    waiting_changed = Signal(bool)
    unsaved = Signal(list)

    def __init__(
        self, repo: Repository, parent: QObject | None = None, jobs: JobPool | None = None
    ) -> None:
        super().__init__(parent)
        self.repo = repo
        self.jobs = jobs
        self.stack = QUndoStack(self)
        self._card_versions: dict[str, int] = {}
        self._milestone_versions: dict[str, int] = {}
        #: Saves waiting for another program's lock, in the order they were made.
        self._queue: list[RepositoryCommand] = []
        self._retries = 0
        #: True while the undo stack is put back after an undo the lock refused.
        self.replaying = False

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

    @property
    def waiting(self) -> bool:
        """Whether saves are waiting for another program's lock."""
        return bool(self._queue)

    def pending(self, card_uuid: str) -> list[RepositoryCommand]:
        """The card's saves still waiting for the lock, oldest first."""
        return [c for c in self._queue if c.card_uuid == card_uuid]

    def apply(self, command: RepositoryCommand) -> bool:
        """Write the command now; on success it goes on the undo stack.

        Behind a save that is waiting for the lock it waits too (in order);
        then it returns False: not written yet, but not lost.
        """
        if self._queue:
            self._enqueue(command)
            return False
        self.state_changed.emit("Saving…")
        try:
            command.forward()
        except LockedDatabase:
            self._enqueue(command)
            self._wait_for_the_lock()
            return False
        except StaleEdit as error:
            self._refused(command, str(error))
            return False
        except FowdeskError as error:
            self.state_changed.emit("Not saved")
            self.failed.emit(str(error))
            return False
        self._written(command)
        return True

    def _written(self, command: RepositoryCommand) -> None:
        self.reload(command.card_uuid)
        self.stack.push(command)  # QUndoStack calls redo(): a no-op until it is marked written
        command.written = True

    def _enqueue(self, command: RepositoryCommand) -> None:
        if not (self._queue and self._queue[-1].absorb(command)):
            self._queue.append(command)
        if len(self._queue) == 1:
            self.waiting_changed.emit(True)
        self.state_changed.emit(WAITING)

    def _wait_for_the_lock(self) -> None:
        """A worker waits for the lock; the queued saves are written when it is free."""
        self.state_changed.emit(WAITING)
        if self.jobs is None:
            self._give_up("the database is in use by another program")
            return
        self.jobs.run(
            self.repo.path,
            "",  # the save state already says what is waited for
            wait_for_the_lock,
            on_success=self._waited,
            on_failure=self._give_up,
            user=self.repo.user,
        )

    def _waited(self, still_locked_after: float | None) -> None:
        if still_locked_after is None:
            self._lock_came_free()
        else:
            self._give_up(
                f"another program still had the database after {still_locked_after:g} seconds"
            )

    def _lock_came_free(self) -> None:
        """Write the queued saves in order; if the lock is taken again, wait again."""
        while self._queue:
            command = self._queue[0]
            try:
                command.forward()
            except LockedDatabase:
                self._retries += 1
                if self._retries > LOCK_RETRIES:
                    self._give_up("another program kept taking the database back")
                else:
                    self._wait_for_the_lock()
                return
            except StaleEdit as error:
                self._queue.pop(0)
                self._refused(command, str(error))
                continue
            except FowdeskError as error:
                self._queue.pop(0)
                self.failed.emit(str(error))
                continue
            self._queue.pop(0)
            self._written(command)
        self._retries = 0
        self.waiting_changed.emit(False)

    def _give_up(self, reason: str) -> None:
        """The lock outlasted the wait: keep the text in the editor and on the clipboard."""
        commands, self._queue, self._retries = self._queue, [], 0
        if not commands:
            return
        text = "\n\n".join(t for c in commands if (t := c.officer_text()))
        clipboard = QGuiApplication.clipboard()
        copied = bool(text) and clipboard is not None
        if copied:
            clipboard.setText(text)
        self.waiting_changed.emit(False)
        self.state_changed.emit("Not saved – the database is in use by another program")
        kept = (
            "Your text is still in the editor and has been copied to the clipboard"
            if copied
            else "Nothing else was lost"
        )
        # The message first: while it is open the box keeps no focus to lose (which would save).
        self.failed.emit(
            f"Not saved: {reason.rstrip('. ')}. {kept}; it is saved when you leave the box "
            "again, once the other program has finished."
        )
        self.unsaved.emit(commands)

    def reload(self, card_uuid: str) -> Card:
        """Show the card as the database holds it and base later saves on it."""
        card = self.repo.card(card_uuid)
        self.seen(card)
        self.card_saved.emit(card)
        self.state_changed.emit(f"Saved {datetime.now():%H:%M}")
        return card

    def run_from_history(self, command: RepositoryCommand, step: Callable[[], None]) -> None:
        """Undo or redo one command; a refusal clears the history (it no longer applies).

        A lock is not a refusal: nothing was written, so the history is put
        back where it was and the officer can undo again in a moment.
        """
        if self.replaying:
            return
        back_to = self.stack.index()  # the stack moves its index after this returns
        self.state_changed.emit("Saving…")
        try:
            step()
        except LockedDatabase:
            QTimer.singleShot(0, lambda: self._put_history_back(back_to))
            self.state_changed.emit(
                "Not undone or redone – the database is in use by another program; "
                "try again in a moment"
            )
            return
        except FowdeskError as error:
            self._refused(command, str(error))
            # The stack has already moved its index; the history no longer matches the file.
            QTimer.singleShot(0, self.stack.clear)
            return
        self.reload(command.card_uuid)

    def _put_history_back(self, index: int) -> None:
        self.replaying = True
        try:
            self.stack.setIndex(index)
        finally:
            self.replaying = False

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

    def absorb(self, later: RepositoryCommand) -> bool:
        """Take in a later edit of the same thing while both wait for the lock (True if taken)."""
        return False

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

    def absorb(self, later: RepositoryCommand) -> bool:
        if not isinstance(later, CardFieldsCommand) or later.card_uuid != self.card_uuid:
            return False
        if set(later.new) != set(self.new):
            return False
        self.new = dict(later.new)
        return True


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

    def absorb(self, later: RepositoryCommand) -> bool:
        if not (
            isinstance(later, ProgressCommand)
            and later.card_uuid == self.card_uuid
            and later.period_label == self.period_label
        ):
            return False
        self.new = list(later.new)
        return True


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
