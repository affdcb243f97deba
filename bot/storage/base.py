"""The storage interface the adapters use, independent of the database behind it.

Chats and users are identified by keyed hashes (see ``bot.storage.keys``), never by raw
Telegram ids, so question texts are never stored next to an id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


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
class Stats:
    """Aggregates for the admin ``/stats`` command."""

    messages: int
    answered: int
    top_intents: tuple[tuple[str, int], ...]
    feedback_up: int
    feedback_down: int

    @property
    def answered_share(self) -> float:
        return self.answered / self.messages if self.messages else 0.0


class Storage(Protocol):
    """Durable per-chat context, feedback and unanswered questions.

    Methods are synchronous and short; async callers run them on one worker thread.
    """

    def load_state(self, chat_key: str) -> dict[str, Any] | None:
        """The stored conversation state of a chat, or None."""

    def record_turn(self, turn: Turn) -> None:
        """Save the chat's new state and the message's statistics in one transaction."""

    def record_feedback(self, user_key: str, intent: str, helpful: bool) -> None:
        """Store a 👍 (helpful) or 👎 for an answer."""

    def forget(self, chat_key: str, user_key: str) -> int:
        """Delete everything stored about a user and their chat; returns rows deleted."""

    def purge(self, retention_days: int) -> int:
        """Delete feedback, statistics and unanswered questions older than the retention."""

    def stats(self, top: int = 5) -> Stats:
        """Counts for ``/stats``."""

    def unanswered_texts(self) -> list[tuple[str, int]]:
        """Every stored unanswered question with how often it was asked (exact text)."""

    def close(self) -> None:
        """Commit and release the database."""
