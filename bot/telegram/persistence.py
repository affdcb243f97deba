"""Storage off the event loop: one worker thread owns the database; states are cached."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from bot.state import ConversationState
from bot.storage.base import Stats, Storage, Turn
from bot.storage.keys import Pseudonymizer

T = TypeVar("T")
_CACHED_CHATS = 10_000


class ChatStore:
    """Async facade over a synchronous :class:`Storage`.

    SQLite commits with ``synchronous=FULL`` wait for the disk, so they run on a single worker
    thread (which also serialises them); the event loop only awaits. Recently used states are
    cached, so a follow-up costs no read.
    """

    def __init__(self, storage: Storage, ids: Pseudonymizer) -> None:
        self.storage = storage
        self.ids = ids
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storage")
        self._states: OrderedDict[str, ConversationState] = OrderedDict()
        self._closed = False

    async def _run(self, func: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, func)

    def _remember(self, chat_key: str, state: ConversationState) -> None:
        self._states[chat_key] = state
        self._states.move_to_end(chat_key)
        if len(self._states) > _CACHED_CHATS:
            self._states.popitem(last=False)

    async def state(self, chat_id: int) -> ConversationState:
        key = self.ids.chat(chat_id)
        cached = self._states.get(key)
        if cached is not None:
            return cached
        data = await self._run(lambda: self.storage.load_state(key))
        state = ConversationState.from_dict(data)
        self._remember(key, state)
        return state

    async def save_turn(
        self,
        chat_id: int,
        user_id: int,
        state: ConversationState,
        intent: str,
        answered: bool,
        unanswered_text: str | None = None,
    ) -> None:
        turn = Turn(
            chat_key=self.ids.chat(chat_id),
            user_key=self.ids.user(user_id),
            state=state.to_dict(),
            intent=intent,
            answered=answered,
            unanswered_text=unanswered_text,
        )
        self._remember(turn.chat_key, state)
        await self._run(lambda: self.storage.record_turn(turn))

    async def feedback(self, user_id: int, intent: str, helpful: bool) -> None:
        key = self.ids.user(user_id)
        await self._run(lambda: self.storage.record_feedback(key, intent, helpful))

    async def forget(self, chat_id: int, user_id: int) -> int:
        chat_key, user_key = self.ids.chat(chat_id), self.ids.user(user_id)
        self._states.pop(chat_key, None)
        return await self._run(lambda: self.storage.forget(chat_key, user_key))

    async def purge(self, retention_days: int) -> int:
        return await self._run(lambda: self.storage.purge(retention_days))

    async def stats(self) -> tuple[Stats, list[tuple[str, int]]]:
        return await self._run(lambda: (self.storage.stats(), self.storage.unanswered_texts()))

    def close_now(self) -> None:
        """Close synchronously (when no event loop runs any more)."""
        if self._closed:
            return
        self._closed = True
        self._executor.shutdown(wait=True)
        self.storage.close()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._run(self.storage.close)
        self._executor.shutdown(wait=True)
