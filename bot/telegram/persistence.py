"""Storage off the event loop: a writer thread commits in batches; reads run on another.

Every write is bounded: it waits at most ``write_wait`` seconds, and while the database cannot
be written (locked by another program, disk full, read-only) writes fail at once instead of
waiting, with one probe every ``probe_every`` seconds. Answers need no disk, so the bot keeps
answering from memory meanwhile and logs one line when writing stops and one when it resumes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.state import ConversationState
from bot.storage.base import (
    Change,
    Complete,
    Fail,
    Forget,
    InboxEntry,
    Incoming,
    Operation,
    Progress,
    Purge,
    Receive,
    Stats,
    Storage,
    StorageError,
    Turn,
    Vote,
)
from bot.storage.keys import Pseudonymizer
from bot.storage.sentlog import SentLog
from bot.telegram import work

T = TypeVar("T")
_LOG = logging.getLogger(__name__)
_CACHED_CHATS = 10_000
_BATCH = 500  # operations committed in one transaction at most
WRITE_WAIT_SECONDS = 5.0
READ_WAIT_SECONDS = 5.0
PROBE_EVERY_SECONDS = 5.0


class StorageUnavailableError(StorageError):
    """The database cannot be written just now; the caller goes on without it."""


_Pending = tuple[Operation, asyncio.AbstractEventLoop, "asyncio.Future[object]"]


class ChatStore:
    """Async facade over a synchronous :class:`Storage`, plus the chats' cached states.

    SQLite commits with ``synchronous=FULL`` wait for the disk, so one writer thread makes
    them, taking every operation queued meanwhile into the same transaction (group commit):
    at 300 updates a second that is a few commits a second, not 900.
    """

    def __init__(
        self,
        storage: Storage,
        ids: Pseudonymizer,
        *,
        write_wait: float = WRITE_WAIT_SECONDS,
        read_wait: float = READ_WAIT_SECONDS,
        probe_every: float = PROBE_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sent_log: SentLog | None = None,
    ) -> None:
        self.storage = storage
        self.ids = ids
        self.sent_log = sent_log if sent_log is not None else SentLog(None)
        self._write_wait = write_wait
        self._read_wait = read_wait
        self._probe_every = probe_every
        self._clock = clock
        self._queue: deque[_Pending] = deque()
        self._wake = threading.Condition()
        self._closing = False
        self._closed = False
        self._writer = threading.Thread(target=self._write_loop, name="storage-writer",
                                        daemon=True)
        self._writer.start()
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storage-reader")
        self._states: OrderedDict[str, ConversationState] = OrderedDict()
        self._failing_since: float | None = None
        self._last_try = 0.0
        self._read_failing = False

    # ------------------------------------------------------------------ health
    @property
    def writable(self) -> bool:
        """False while writes fail (the bot answers without saving meanwhile)."""
        return self._failing_since is None

    def _note_write(self, error: BaseException | None) -> None:
        if error is None:
            if self._failing_since is not None:
                _LOG.warning("storage: writing again after %.0f s; nothing is lost from now on",
                             self._clock() - self._failing_since)
                self._failing_since = None
            return
        if self._failing_since is None:
            self._failing_since = self._clock()
            _LOG.error("storage: %s; answering without saving until the database can be "
                       "written again", error)

    # ------------------------------------------------------------------ writer thread
    def _write_loop(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._closing:
                    self._wake.wait()
                if not self._queue:
                    return
                batch = [self._queue.popleft() for _ in range(min(len(self._queue), _BATCH))]
            try:
                results: list[object] = self.storage.apply([op for op, _, _ in batch])
            except Exception as error:  # the whole batch failed: every caller hears of it
                results = [error] * len(batch)
            for (_, loop, future), result in zip(batch, results, strict=True):
                # A closed loop means nobody waits for the answer any more.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle, future, result)

    async def _write(self, operation: Operation) -> object:
        if self._closed:
            raise StorageUnavailableError("the storage is closed")
        now = self._clock()
        if self._failing_since is not None and now - self._last_try < self._probe_every:
            raise StorageUnavailableError("the database cannot be written just now")
        self._last_try = now
        loop = asyncio.get_running_loop()
        future: asyncio.Future[object] = loop.create_future()
        with self._wake:
            self._queue.append((operation, loop, future))
            self._wake.notify()
        try:
            result = await asyncio.wait_for(future, self._write_wait)
        except TimeoutError:
            error = StorageUnavailableError(f"a write took longer than {self._write_wait:.0f} s")
            self._note_write(error)
            raise error from None
        except StorageError as error:
            self._note_write(error)
            raise
        self._note_write(None)
        if isinstance(result, BaseException):  # this operation alone failed (a bug)
            raise result
        return result

    # ------------------------------------------------------------------ reads
    async def _read(self, query: Callable[[], T], default: T) -> T:
        if self._closed:
            return default
        loop = asyncio.get_running_loop()
        try:
            result = await asyncio.wait_for(loop.run_in_executor(self._reader, query),
                                            self._read_wait)
        except (StorageError, TimeoutError) as error:
            if not self._read_failing:
                self._read_failing = True
                _LOG.error("storage: cannot read (%s); using defaults",
                           error or "timed out")
            return default
        self._read_failing = False
        return result

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
        data = await self._read(lambda: self.storage.load_state(key), None)
        state = ConversationState.from_dict(data)
        self._remember(key, state)
        return state

    # ------------------------------------------------------------------ what handlers record
    async def save_turn(
        self,
        chat_id: int,
        user_id: int,
        state: ConversationState,
        intent: str,
        answered: bool,
        unanswered_text: str | None = None,
    ) -> None:
        """Record the chat's new state and the message's statistics in the update's work."""
        turn = Turn(
            chat_key=self.ids.chat(chat_id),
            user_key=self.ids.user(user_id),
            state=state.to_dict(),
            intent=intent,
            answered=answered,
            unanswered_text=unanswered_text,
        )
        current = work.current()
        current.changes.append(turn)
        current.states[turn.chat_key] = state

    async def feedback(self, user_id: int, intent: str, helpful: bool,
                       answer: tuple[int, int] | None = None) -> None:
        """Record a vote; ``answer`` (chat id, message id) makes a repeated vote replace it."""
        answer_key = f"{self.ids.chat(answer[0])}:{answer[1]}" if answer else ""
        work.current().changes.append(Vote(self.ids.user(user_id), answer_key, intent, helpful))

    async def forget(self, chat_id: int, user_id: int, whole_chat: bool = True) -> None:
        """Record deleting a user's data; ``whole_chat`` also drops the chat's context."""
        chat_key = self.ids.chat(chat_id) if whole_chat else None
        current = work.current()
        current.changes.append(Forget(self.ids.user(user_id), chat_key))
        if chat_key is not None:
            current.states[chat_key] = None

    # ------------------------------------------------------------------ what the inbox commits
    def cache(self, states: dict[str, ConversationState | None]) -> None:
        """Cache the states an update produced (after its commit, or instead of it)."""
        for key, state in states.items():
            if state is None:
                self._states.pop(key, None)
            else:
                self._remember(key, state)

    async def receive(self, updates: Sequence[Incoming]) -> tuple[int, ...]:
        """Store updates; returns the ids not stored before (the others are resends)."""
        fresh = await self._write(Receive(tuple(updates)))
        assert isinstance(fresh, tuple)
        return fresh

    async def complete(self, update_id: int | None, changes: Sequence[Change],
                       actions: str) -> None:
        await self._write(Complete(update_id, tuple(changes), actions))

    async def progress(self, update_id: int, sent: int, done: bool,
                       retry_at: float | None = None, error: str | None = None) -> None:
        await self._write(Progress(update_id, sent, done, retry_at, error))

    async def fail(self, update_id: int, error: str) -> None:
        await self._write(Fail(update_id, error))

    async def open_updates(self, due: float | None = None) -> list[InboxEntry]:
        empty: list[InboxEntry] = []
        return await self._read(lambda: self.storage.open_updates(due=due), empty)

    async def purge(self, retention_days: int) -> int:
        try:
            removed = await self._write(Purge(retention_days))
        except StorageError:
            return 0
        return int(removed) if isinstance(removed, int) else 0

    async def stats(self, top_unanswered: int = 200) -> tuple[Stats, list[tuple[str, int]]] | None:
        """Counts and the most frequent unanswered questions; None if they cannot be read."""

        def query() -> tuple[Stats, list[tuple[str, int]]] | None:
            return self.storage.stats(), self.storage.unanswered_texts(top_unanswered)

        return await self._read(query, None)

    # ------------------------------------------------------------------ closing
    def _stop_writer(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._writer.join(timeout=30)

    def close_now(self) -> None:
        """Close synchronously (when no event loop runs any more)."""
        if self._closed:
            return
        self._closed = True
        self._stop_writer()
        self._reader.shutdown(wait=True)
        self.storage.close()
        self.sent_log.close()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._stop_writer)
        await asyncio.get_running_loop().run_in_executor(self._reader, self.storage.close)
        self._reader.shutdown(wait=True)
        self.sent_log.close()


def _settle(future: asyncio.Future[Any], result: object) -> None:
    if future.done():  # the caller stopped waiting
        return
    if isinstance(result, StorageError):
        future.set_exception(result)
    else:
        future.set_result(result)
