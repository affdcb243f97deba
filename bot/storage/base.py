"""The storage interface the adapters use, independent of the database behind it.

Chats and users are identified by keyed hashes (see ``bot.storage.keys``), never by raw
Telegram ids, so question texts are never stored next to an id. The one exception is the
inbox: an incoming update is kept as Telegram sent it (the reply needs the chat id) until it
has been answered, then only its update id remains.

Every write is an operation object passed to :meth:`Storage.apply`, so a caller can commit
several in one transaction: an update's new conversation state, its statistics and its inbox
status land together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.errors import CareerBotError


class StorageError(CareerBotError):
    """The database cannot be used; the message is one line saying what to do."""


# ---------------------------------------------------------------------------- changes
@dataclass(frozen=True, slots=True)
class Turn:
    """What one answered (or unanswered) message leaves behind."""

    chat_key: str
    user_key: str
    state: dict[str, Any]
    intent: str
    answered: bool
    # The user's text, kept only when the bot did not understand it (for editors).
    unanswered_text: str | None = None


@dataclass(frozen=True, slots=True)
class Vote:
    """A 👍 (helpful) or 👎 on one answer; a second vote on the same answer replaces the first."""

    user_key: str
    answer_key: str
    intent: str
    helpful: bool


@dataclass(frozen=True, slots=True)
class Forget:
    """Delete what is stored about a user; ``chat_key`` also drops that chat's context."""

    user_key: str
    chat_key: str | None = None


Change = Turn | Vote | Forget


# ---------------------------------------------------------------------------- inbox operations
@dataclass(frozen=True, slots=True)
class Incoming:
    """One update as Telegram sent it (``body`` is its JSON)."""

    update_id: int
    body: str
    user_key: str | None = None


@dataclass(frozen=True, slots=True)
class Receive:
    """Store updates before Telegram is told they arrived. Result: the ids not seen before."""

    updates: tuple[Incoming, ...]


@dataclass(frozen=True, slots=True)
class Complete:
    """An update was handled: apply its changes and keep the Bot API calls still to make.

    ``actions`` is a JSON list (empty: nothing to send, the update is done). With
    ``update_id`` None the changes are applied on their own.
    """

    update_id: int | None
    changes: tuple[Change, ...] = ()
    actions: str = "[]"


@dataclass(frozen=True, slots=True)
class Progress:
    """``sent`` of an update's actions were made; ``done`` when none is left.

    When a call failed and will be retried, ``retry_at`` (epoch seconds) says when.
    """

    update_id: int
    sent: int
    done: bool
    retry_at: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Fail:
    """The update cannot be read or handled: keep it, with the error, for ``career-bot inbox``."""

    update_id: int
    error: str


@dataclass(frozen=True, slots=True)
class Retry:
    """Put failed updates back in the queue (all of them when ``update_ids`` is None)."""

    update_ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class Purge:
    """Delete statistics, feedback and questions older than the retention; old inbox rows."""

    retention_days: int


Operation = Complete | Receive | Progress | Fail | Retry | Purge


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """An update in the inbox that is not done yet."""

    update_id: int
    status: str  # "new", "handled" (reply not sent yet) or "failed"
    body: str | None
    actions: str | None
    sent: int
    attempts: int
    received: float
    error: str | None = None


NEW, HANDLED, FAILED, DONE = "new", "handled", "failed", "done"


@dataclass(frozen=True, slots=True)
class Stats:
    """Aggregates for the admin ``/stats`` command."""

    messages: int
    answered: int
    top_intents: tuple[tuple[str, int], ...]
    feedback_up: int
    feedback_down: int
    failed_updates: int = 0
    pending_updates: int = 0

    @property
    def answered_share(self) -> float:
        return self.answered / self.messages if self.messages else 0.0


class Storage(Protocol):
    """Durable per-chat context, feedback, unanswered questions and the update inbox.

    Methods are synchronous; async callers run them on worker threads (one for writes).
    """

    def apply(self, operations: Sequence[Operation]) -> list[object]:
        """Run ``operations`` in one transaction; one result (or exception) per operation.

        An operation that fails on its own is rolled back alone and its exception returned;
        a database that cannot be written raises :class:`StorageError` for the whole batch.
        """

    def load_state(self, chat_key: str) -> dict[str, Any] | None:
        """The stored conversation state of a chat, or None."""

    def open_updates(self, statuses: Sequence[str] = (NEW, HANDLED),
                     due: float | None = None) -> list[InboxEntry]:
        """Inbox entries with one of ``statuses``, oldest first; only due ones if ``due``."""

    def stats(self, top: int = 5) -> Stats:
        """Counts for ``/stats``."""

    def unanswered_texts(self, limit: int = 2000) -> list[tuple[str, int]]:
        """The most frequent unanswered questions (same wording up to case and punctuation)."""

    def close(self) -> None:
        """Commit and release the database."""
