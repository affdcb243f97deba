"""What the adapter needs from the engine (so tests and benchmarks may pass a stand-in)."""

from __future__ import annotations

from typing import Protocol

from bot.reply import Reply
from bot.state import ConversationState


class EngineLike(Protocol):
    """The subset of :class:`bot.engine.Engine` the Telegram adapter calls."""

    topic_ids: tuple[str, ...]

    def respond(self, text: str, state: ConversationState) -> tuple[Reply, ConversationState]: ...

    def select(
        self, payload: str, state: ConversationState
    ) -> tuple[Reply, ConversationState]: ...

    def welcome(self, state: ConversationState) -> tuple[Reply, ConversationState]: ...

    def help(self) -> Reply: ...

    def topics_menu(self) -> Reply: ...

    def schools_asked(
        self, text: str, state: ConversationState
    ) -> tuple[Reply, ConversationState]: ...

    def sources(self) -> Reply: ...

    def not_text(self) -> Reply: ...

    def topic_payload(self, topic_id: str) -> str: ...

    def issued(self, payload: str) -> bool: ...
