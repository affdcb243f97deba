"""The inbox: no update is lost to a crash, and no bad update holds up the others.

Every update is written to the database before Telegram is told it arrived (the next
``getUpdates`` offset, or the webhook's 200). It is then handled from there: its storage
changes and its inbox status are committed in one transaction, and only then are its replies
sent, each one marked as sent once Telegram took it. After a crash, the bot replays what is not
done: an update not yet committed is handled again from scratch, a committed one resumes its
replies. A reply that Telegram had taken but that was not yet marked is sent twice, so sends
take turns: the next call starts only once the last one is marked, and a crash repeats at most
one reply. A call Telegram is slow to answer gives up its turn after ``TURN_SECONDS``, so one
hung chat never holds up the others (only then can more than one reply be in flight).
``SEND_ONE_AT_A_TIME=false`` sends side by side instead, for more replies a second.

Updates of one chat are handled in order, different chats concurrently. An update that cannot
be read or handled is recorded as failed with its error, logged once and skipped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.storage.base import HANDLED, InboxEntry, Incoming
from bot.telegram import work
from bot.telegram.persistence import ChatStore
from bot.telegram.sender import perform
from bot.telegram.work import Call, Work, dump_calls, load_calls

_LOG = logging.getLogger(__name__)
Raw = dict[str, Any]
SWEEP_SECONDS = 2.0  # how often unsent replies and updates put back by `career-bot inbox` run
MAX_BACKLOG = 2000  # updates held in memory; polling waits beyond this
QUICK_RETRIES = (0.5, 1.5)  # seconds before retrying a failed call in line
LATER = (5.0, 15.0, 60.0, 300.0, 900.0)  # then from the inbox, after these delays
MAX_ATTEMPTS = 20  # about four hours of retries before a reply is given up as failed
STOP_WAIT_SECONDS = 10.0
SENT_LOG_COMPACT_BYTES = 64 * 1024  # the sent log is emptied past this size
MARK_BATCH_SECONDS = 0.05  # done marks are written together within this window
TURN_SECONDS = 0.25  # a call still running after this lets the next one go (see _send_queued)
OUTBOX_AHEAD = 12  # updates are handled only while fewer calls than this wait to be sent
_UNRECORDED_MAX = 100_000


@dataclass
class _Entry:
    update_id: int
    raw: Raw | None
    calls: list[Call] | None = None  # None until handled
    sent: int = 0
    attempts: int = 0
    durable: bool = True  # stored in the inbox (False while the database cannot be written)
    marking: bool = False  # its done mark waits for the next batch write
    error: str | None = field(default=None, repr=False)

    @classmethod
    def stored(cls, entry: InboxEntry) -> _Entry:
        try:
            raw = json.loads(entry.body) if entry.body else None
        except ValueError:
            raw = None
        calls = load_calls(entry.actions) if entry.status == HANDLED else None
        return cls(entry.update_id, raw if isinstance(raw, dict) else None, calls, entry.sent,
                   entry.attempts)


def update_id_of(raw: object) -> int | None:
    """The update's id, if it has a usable one."""
    if not isinstance(raw, dict):
        return None
    value = raw.get("update_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: object) -> Raw:
    return value if isinstance(value, dict) else {}


def chat_of(raw: Raw) -> str:
    """Which queue an update joins: its chat's, read without trusting the update's shape."""
    for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        chat_id = _dict(_dict(raw.get(kind)).get("chat")).get("id")
        if chat_id is not None:
            return f"chat:{chat_id}"
    query = _dict(raw.get("callback_query"))
    chat_id = _dict(_dict(query.get("message")).get("chat")).get("id")
    if chat_id is not None:
        return f"chat:{chat_id}"
    user_id = _dict(query.get("from")).get("id")
    return f"user:{user_id}" if user_id is not None else f"update:{raw.get('update_id')}"


def user_of(raw: Raw) -> int | None:
    for kind in ("message", "callback_query", "edited_message"):
        user_id = _dict(_dict(raw.get(kind)).get("from")).get("id")
        if isinstance(user_id, int):
            return user_id
    return None


def describe(error: BaseException) -> str:
    """An exception as one short line (never a traceback)."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:300]}" if text else type(error).__name__


class Inbox:
    """Receives, stores, handles and answers updates; see the module docstring."""

    def __init__(self, app: Any, store: ChatStore, concurrency: int, *,
                 one_at_a_time: bool = True) -> None:
        self._app = app
        self._store = store
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._queues: dict[str, deque[_Entry]] = {}
        self._claimed: set[int] = set()  # ids queued or in progress (or awaiting a record)
        self._unrecorded: set[int] = set()  # done while the database could not be written
        self._tasks: set[asyncio.Task[None]] = set()
        self._backlog = 0
        self._room = asyncio.Event()
        self._stopping = False
        self._sweeper: asyncio.Task[None] | None = None
        # Calls waiting to be sent, one at a time (see _send_queued), and the sender's token.
        self._outbox: deque[tuple[_Entry, Call, asyncio.Future[TelegramError | None]]] = deque()
        self._sender: object | None = None
        self._one_at_a_time = one_at_a_time
        self._outbox_room = asyncio.Event()
        self._marks_pending = 0  # marks in the sent log not yet in the database
        self._batch: list[_Entry] | None = None  # done marks waiting to be written
        # Ids released while a sweep read the database: its snapshot may predate their marks.
        self._finished_in_sweep: set[int] | None = None

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Replay what was not done before the last stop, then retry due work periodically."""
        await self._settle_sent_log()
        replayed = await self._sweep(due=None)
        if replayed:
            _LOG.info("inbox: resuming %d update(s) not finished before the last stop",
                      replayed)
        self._sweeper = asyncio.create_task(self._sweep_loop(), name="inbox-sweep")

    async def stop(self, timeout: float = STOP_WAIT_SECONDS) -> None:
        """Finish the updates in progress (others stay in the inbox for the next start)."""
        self._stopping = True
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
        if self._batch:  # write the last done marks now rather than at the next start
            self._flush_batch()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            if pending:
                _LOG.warning("inbox: %d update(s) still in progress stay in the inbox for the "
                             "next start", len(pending))
                for task in pending:
                    task.cancel()

    async def wait_for_room(self) -> None:
        """Return when fewer than MAX_BACKLOG updates wait (polling pauses meanwhile)."""
        while self._backlog >= MAX_BACKLOG and not self._stopping:
            self._room.clear()
            await self._room.wait()

    @property
    def backlog(self) -> int:
        return self._backlog

    # ------------------------------------------------------------------ receiving
    async def receive(self, updates: Sequence[Raw]) -> None:
        """Store ``updates`` and queue the new ones; returns once they are committed.

        When the database cannot be written they are handled from memory instead: answering
        needs no disk, but they would not survive a crash meanwhile.
        """
        candidates: list[tuple[int, Raw]] = []
        for raw in updates:
            update_id = update_id_of(raw)
            if update_id is None:
                _LOG.error("inbox: an update without an update_id was ignored")
                continue
            if update_id not in self._claimed:
                self._claimed.add(update_id)
                candidates.append((update_id, raw))
        if not candidates:
            return
        incoming = []
        for update_id, raw in candidates:
            user_id = user_of(raw)
            user_key = self._store.ids.user(user_id) if user_id is not None else None
            body = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
            incoming.append(Incoming(update_id, body, user_key))
        durable = True
        try:
            fresh = set(await self._store.receive(incoming))
        except Exception:  # cannot be stored: answer anyway (the store logged why)
            durable = False
            fresh = {update_id for update_id, _ in candidates}
        for update_id, raw in candidates:
            if update_id in fresh:
                self._enqueue(_Entry(update_id, raw, durable=durable))
            else:  # Telegram sent it again: it is done, or queued from the database already
                self._claimed.discard(update_id)

    def _enqueue(self, entry: _Entry) -> None:
        self._claimed.add(entry.update_id)
        self._backlog += 1
        key = chat_of(entry.raw or {"update_id": entry.update_id})
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(entry)
            return
        self._queues[key] = deque([entry])
        task = asyncio.create_task(self._drain(key), name=f"inbox-{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue and not self._stopping:
                entry = queue[0]
                async with self._slots:
                    try:
                        await self._process(entry)
                    except Exception as error:  # a bug here must not stop the chat's queue
                        _LOG.error("inbox: update %d: unexpected %s", entry.update_id,
                                   describe(error), exc_info=True)
                    finally:
                        queue.popleft()
                        self._finish(entry)
        finally:
            if not queue or self._stopping:
                del self._queues[key]

    def _finish(self, entry: _Entry) -> None:
        self._backlog -= 1
        self._room.set()
        if entry.marking:
            return  # released once its done mark is written (_flush_batch)
        self._release(entry)

    def _release(self, entry: _Entry) -> None:
        """Let the sweep queue this update again (it is done, or recorded as unfinished)."""
        if self._finished_in_sweep is not None:
            self._finished_in_sweep.add(entry.update_id)
        if entry.durable:
            self._claimed.discard(entry.update_id)
        elif len(self._unrecorded) < _UNRECORDED_MAX:
            # Its inbox row (if it has one) still says "new": keep it claimed until recorded.
            self._unrecorded.add(entry.update_id)
        else:
            self._claimed.discard(entry.update_id)

    # ------------------------------------------------------------------ handling
    async def _process(self, entry: _Entry) -> None:
        while len(self._outbox) >= OUTBOX_AHEAD and not self._stopping:
            # Sends go one at a time: handling more now would only slow the sender down.
            self._outbox_room.clear()
            await self._outbox_room.wait()
        if entry.calls is None:
            calls = await self._handle(entry)
            if calls is None:
                return
            entry.calls = calls
        if entry.sent < len(entry.calls):
            await self._deliver(entry)

    async def _handle(self, entry: _Entry) -> list[Call] | None:
        """Run the handlers; commit their changes with the inbox status. The calls to make."""
        if entry.raw is None:
            await self._fail(entry, "cannot read the update: the stored JSON is damaged")
            return None
        try:
            update = Update.de_json(entry.raw, self._app.bot)
        except Exception as error:
            await self._fail(entry, f"cannot read the update: {describe(error)}")
            return None
        outcome = Work()
        with work.handling(outcome):
            await self._app.process_update(update)
        if outcome.error is not None:
            await self._fail(entry, f"handling failed: {describe(outcome.error)}",
                             outcome.apology)
            return None
        if entry.durable:
            try:
                await self._store.complete(entry.update_id, outcome.changes,
                                           dump_calls(outcome.calls))
            except Exception:  # answer anyway; the store logged why it cannot write
                entry.durable = False
        self._store.cache(outcome.states)
        return outcome.calls

    async def _fail(self, entry: _Entry, error: str, apology: Sequence[Call] = ()) -> None:
        entry.error = error
        _LOG.error("inbox: update %d skipped, %s (`career-bot inbox` lists it)",
                   entry.update_id, error)
        if entry.durable:
            try:
                await self._store.fail(entry.update_id, error)
            except Exception:
                entry.durable = False
        for call in apology:
            try:
                await perform(self._app.bot, call)
            except Exception as err:  # Telegram may be what failed
                _LOG.warning("could not tell the user about the error: %s", describe(err))

    # ------------------------------------------------------------------ sending
    async def _deliver(self, entry: _Entry) -> None:
        assert entry.calls is not None
        total = len(entry.calls)
        while entry.sent < total:
            call = entry.calls[entry.sent]
            # Acknowledging a button is harmless to repeat, so it needs no turn; without turns
            # (SEND_ONE_AT_A_TIME=false) a crash may repeat every reply then on its way.
            if call.optional or not self._one_at_a_time:
                error = await self._call(call)
                if error is None:
                    self._sent(entry)
            else:
                error = await self._in_turn(entry, call)
            if error is not None:
                await self._later(entry, error)
                return
        if entry.durable:
            self._record_done(entry)

    def _record_done(self, entry: _Entry) -> None:
        """Mark an update done in the database, in one transaction with the others finished
        within MARK_BATCH_SECONDS. The sent log keeps it across a crash meanwhile, and it
        stays claimed until then, so a sweep cannot queue it again."""
        if self._batch is None:
            self._batch = []
            asyncio.get_running_loop().call_later(MARK_BATCH_SECONDS, self._flush_batch)
        entry.marking = True
        self._batch.append(entry)
        self._marks_pending += 1

    def _flush_batch(self) -> None:
        batch, self._batch = self._batch or [], None

        async def write() -> None:
            results = await asyncio.gather(
                *(self._store.progress(e.update_id, e.sent, True) for e in batch),
                return_exceptions=True)
            for entry, result in zip(batch, results, strict=True):
                # On failure the store has logged why, and the sent log still has the mark.
                entry.durable = entry.durable and not isinstance(result, BaseException)
                entry.marking = False
                self._release(entry)
            self._marks_pending -= len(batch)

        task = asyncio.ensure_future(write())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _sent(self, entry: _Entry) -> None:
        entry.sent += 1
        if entry.durable:  # kept across a crash before the next call may start
            self._store.sent_log.record(entry.update_id, entry.sent)

    def _in_turn(self, entry: _Entry, call: Call) -> asyncio.Future[TelegramError | None]:
        """Queue ``call`` for the sender; resolves to its error (None once sent)."""
        done: asyncio.Future[TelegramError | None] = asyncio.get_running_loop().create_future()
        self._outbox.append((entry, call, done))
        if self._sender is None:
            self._start_sender()
        return done

    def _start_sender(self) -> None:
        sender = object()
        self._sender = sender
        task = asyncio.ensure_future(self._send_queued(sender))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_queued(self, sender: object) -> None:
        """Send queued calls one after another, each recorded before the next starts.

        Sending straight on from the last reply (no hand-over between tasks) keeps the
        gap between two calls to one trip to Telegram. If a call takes longer than
        TURN_SECONDS, a new sender takes over the queue and this one only finishes it.
        """
        loop = asyncio.get_running_loop()
        try:
            while self._outbox and self._sender is sender:
                entry, call, done = self._outbox.popleft()
                if len(self._outbox) < OUTBOX_AHEAD:
                    self._outbox_room.set()
                slow = loop.call_later(TURN_SECONDS, self._take_over, sender)
                try:
                    error = await self._call(call)
                except BaseException:
                    done.cancel()
                    raise
                finally:
                    slow.cancel()
                if error is None:
                    self._sent(entry)
                if not done.done():
                    done.set_result(error)
        finally:
            if self._sender is sender:
                self._sender = None

    def _take_over(self, sender: object) -> None:
        if self._sender is sender:  # stuck on a slow call: the queue goes on without it
            self._sender = None
            if self._outbox:
                self._start_sender()

    async def _call(self, call: Call) -> TelegramError | None:
        """Make one call, retrying quickly; the error if it must be retried later."""
        delays = () if call.optional else QUICK_RETRIES
        attempt = 0
        while True:
            try:
                await perform(self._app.bot, call)
                return None
            except (Forbidden, ChatMigrated) as err:  # blocked, removed, or the group moved
                _LOG.info("Telegram refused %s: %s; skipped", call.method, err)
                return None
            except BadRequest as err:
                level = logging.DEBUG if call.optional else logging.WARNING
                _LOG.log(level, "Telegram refused %s: %s; skipped", call.method, err)
                return None
            except TelegramError as err:
                if call.optional:
                    _LOG.debug("optional %s failed: %s", call.method, err)
                    return None
                # A timeout may mean Telegram sent it: retry from the inbox, not in a burst.
                if attempt >= len(delays) or isinstance(err, TimedOut | RetryAfter):
                    return err
                _LOG.warning("Bot API %s failed (%s); retrying in %.1f s", call.method,
                             describe(err), delays[attempt])
                await asyncio.sleep(delays[attempt])
                attempt += 1

    async def _later(self, entry: _Entry, error: TelegramError) -> None:
        entry.attempts += 1
        if entry.attempts >= MAX_ATTEMPTS:
            await self._fail(entry, f"the reply could not be sent: {describe(error)}")
            return
        delay = LATER[min(entry.attempts - 1, len(LATER) - 1)]
        if isinstance(error, RetryAfter):
            delay = max(delay, error.retry_after if isinstance(error.retry_after, int | float)
                        else error.retry_after.total_seconds())
        delay *= random.uniform(1.0, 1.2)
        _LOG.warning("inbox: update %d: reply not sent (%s); retrying in %.0f s",
                     entry.update_id, describe(error), delay)
        if entry.durable:
            try:
                await self._store.progress(entry.update_id, entry.sent, False,
                                           time.time() + delay, describe(error))
                return
            except Exception:
                entry.durable = False
        # Not in the database: retry from memory.
        retry = _Entry(entry.update_id, entry.raw, entry.calls, entry.sent, entry.attempts,
                       durable=False)
        asyncio.get_running_loop().call_later(delay, self._requeue, retry)

    def _requeue(self, entry: _Entry) -> None:
        if not self._stopping:
            self._unrecorded.discard(entry.update_id)
            self._enqueue(entry)

    # ------------------------------------------------------------------ sweeping
    async def _sweep_loop(self) -> None:
        while not self._stopping:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                self._compact_sent_log()
                await self._sweep(due=time.time())
            except Exception as error:
                _LOG.error("inbox: retry sweep failed: %s", describe(error))

    async def _sweep(self, due: float | None) -> int:
        """Queue stored updates that are due (``None``: all open ones); returns how many."""
        await self._record_unrecorded()
        if self._backlog >= MAX_BACKLOG:
            return 0
        queued = 0
        self._finished_in_sweep = set()
        try:
            stored_updates = await self._store.open_updates(due=due)
            finished = self._finished_in_sweep
        finally:
            self._finished_in_sweep = None
        for stored in stored_updates:
            if stored.update_id in self._claimed or stored.update_id in finished:
                continue
            self._enqueue(_Entry.stored(stored))
            queued += 1
        return queued

    async def _settle_sent_log(self) -> None:
        """Copy marks the database missed (the last stop was a crash) from the sent log."""
        log = self._store.sent_log
        marks = log.read()
        if not marks:
            return
        writes = []
        for stored in await self._store.open_updates(due=None):
            mark = marks.get(stored.update_id, 0)
            if stored.status != HANDLED or mark <= stored.sent:
                continue
            total = len(load_calls(stored.actions))
            writes.append(self._store.progress(stored.update_id, min(mark, total),
                                               mark >= total))
        try:
            await asyncio.gather(*writes)
        except Exception as error:  # keep the log for the next start
            _LOG.error("inbox: could not record replies sent before the crash: %s",
                       describe(error))
            return
        log.clear()
        if writes:
            _LOG.info("inbox: %d update(s) had replies sent just before the last stop",
                      len(writes))

    def _compact_sent_log(self) -> None:
        """Empty the sent log once the database holds every mark in it."""
        log = self._store.sent_log
        if log.size >= SENT_LOG_COMPACT_BYTES and not self._marks_pending and \
                self._store.writable:
            log.clear()

    async def _record_unrecorded(self) -> None:
        """Mark updates answered while the database could not be written as done."""
        if not self._unrecorded:
            return
        for update_id in sorted(self._unrecorded):
            try:
                await self._store.progress(update_id, 0, True)
            except Exception:
                return
            self._unrecorded.discard(update_id)
            self._claimed.discard(update_id)
