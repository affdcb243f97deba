"""SQLite storage: one private file in DATA_DIR, WAL journal, one transaction per write."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.storage.base import Stats, Turn
from bot.storage.keys import create_private_file, ensure_private_dir

DB_FILE = "careerbot.sqlite3"
_PURGE_EVERY_SECONDS = 3600.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS states (
    chat_key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    ts REAL NOT NULL,
    intent TEXT NOT NULL,
    answered INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE TABLE IF NOT EXISTS feedback (
    ts REAL NOT NULL,
    user_key TEXT NOT NULL,
    intent TEXT NOT NULL,
    helpful INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_ts ON feedback (ts);
CREATE INDEX IF NOT EXISTS feedback_user ON feedback (user_key);
CREATE TABLE IF NOT EXISTS unanswered (
    ts REAL NOT NULL,
    user_key TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS unanswered_ts ON unanswered (ts);
CREATE INDEX IF NOT EXISTS unanswered_user ON unanswered (user_key);
"""


class SqliteStorage:
    """The default :class:`~bot.storage.base.Storage`: an embedded SQLite database.

    Thread-safe (one lock around the connection), so a single worker thread or the CLI can use
    it. ``synchronous=FULL`` makes every commit durable, even across a power cut.
    """

    def __init__(
        self,
        data_dir: Path,
        retention_days: int = 90,
        clock: Callable[[], float] = time.time,
    ) -> None:
        path = ensure_private_dir(data_dir) / DB_FILE
        create_private_file(path)  # SQLite gives the -wal/-shm files the same mode
        self.path = path
        self._retention_days = retention_days
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._last_purge = 0.0

    def __repr__(self) -> str:
        return f"SqliteStorage({str(self.path)!r})"

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def load_state(self, chat_key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT state FROM states WHERE chat_key = ?", (chat_key,)
            ).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def record_turn(self, turn: Turn) -> None:
        now = self._clock()
        with self._tx() as db:
            db.execute(
                "INSERT INTO states (chat_key, state, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_key) DO UPDATE SET state = excluded.state, "
                "updated = excluded.updated",
                (turn.chat_key, json.dumps(turn.state, separators=(",", ":")), now),
            )
            db.execute(
                "INSERT INTO events (ts, intent, answered) VALUES (?, ?, ?)",
                (now, turn.intent, int(turn.answered)),
            )
            if turn.unanswered_text:
                db.execute(
                    "INSERT INTO unanswered (ts, user_key, text) VALUES (?, ?, ?)",
                    (now, turn.user_key, turn.unanswered_text),
                )
        self._maybe_purge(now)

    def record_feedback(self, user_key: str, intent: str, helpful: bool) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO feedback (ts, user_key, intent, helpful) VALUES (?, ?, ?, ?)",
                (self._clock(), user_key, intent, int(helpful)),
            )

    def forget(self, chat_key: str, user_key: str) -> int:
        with self._tx() as db:
            deleted = db.execute("DELETE FROM states WHERE chat_key = ?", (chat_key,)).rowcount
            deleted += db.execute("DELETE FROM feedback WHERE user_key = ?", (user_key,)).rowcount
            deleted += db.execute(
                "DELETE FROM unanswered WHERE user_key = ?", (user_key,)
            ).rowcount
        return deleted

    def purge(self, retention_days: int | None = None) -> int:
        days = self._retention_days if retention_days is None else retention_days
        now = self._clock()
        cutoff = now - days * 86400
        with self._tx() as db:
            deleted = 0
            for table, column in (
                ("events", "ts"),
                ("feedback", "ts"),
                ("unanswered", "ts"),
                ("states", "updated"),
            ):
                # Table and column names come from the literal tuple above, never from input.
                sql = f"DELETE FROM {table} WHERE {column} < ?"  # noqa: S608
                deleted += db.execute(sql, (cutoff,)).rowcount
        self._last_purge = now
        return deleted

    def _maybe_purge(self, now: float) -> None:
        # Purging on write (at most hourly) keeps retention without a scheduler.
        if now - self._last_purge >= _PURGE_EVERY_SECONDS:
            self.purge()

    def stats(self, top: int = 5) -> Stats:
        with self._lock:
            messages, answered = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(answered), 0) FROM events"
            ).fetchone()
            intents = self._db.execute(
                "SELECT intent, COUNT(*) AS n FROM events WHERE answered = 1 "
                "GROUP BY intent ORDER BY n DESC, intent LIMIT ?",
                (top,),
            ).fetchall()
            up, down = self._db.execute(
                "SELECT COALESCE(SUM(helpful), 0), COALESCE(SUM(1 - helpful), 0) FROM feedback"
            ).fetchone()
        return Stats(
            messages=int(messages),
            answered=int(answered),
            top_intents=tuple((str(i), int(n)) for i, n in intents),
            feedback_up=int(up),
            feedback_down=int(down),
        )

    def unanswered_texts(self) -> list[tuple[str, int]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT text, COUNT(*) AS n FROM unanswered GROUP BY text ORDER BY n DESC, text"
            ).fetchall()
        return [(str(text), int(n)) for text, n in rows]

    def close(self) -> None:
        with self._lock:
            try:
                # Fold the WAL back into the main file so a copy of the .sqlite3 is complete.
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                self._db.close()
