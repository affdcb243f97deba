"""SQLite storage: one private file in DATA_DIR, WAL journal, one transaction per batch."""

from __future__ import annotations

import errno
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.storage.base import (
    DONE,
    FAILED,
    HANDLED,
    NEW,
    Change,
    Complete,
    Fail,
    Forget,
    InboxEntry,
    Operation,
    Progress,
    Purge,
    Receive,
    Retry,
    Stats,
    StorageError,
    Turn,
    Vote,
)
from bot.storage.keys import create_private_file, ensure_private_dir, make_private
from bot.storage.wording import normalize

_LOG = logging.getLogger(__name__)
DB_FILE = "careerbot.sqlite3"
SCHEMA_VERSION = 2
_PURGE_EVERY_SECONDS = 3600.0
# Telegram resends an update it thinks was not delivered for up to a day: remember done ids
# for two, so a resent one is recognised and not answered twice.
_DONE_KEPT_SECONDS = 2 * 86400.0
BUSY_TIMEOUT_MS = 1000  # a write waits this long for another program's lock, then fails
_TABLES = (
    """CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS states (
        chat_key TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated REAL NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS events (
        ts REAL NOT NULL,
        intent TEXT NOT NULL,
        answered INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS feedback (
        ts REAL NOT NULL,
        user_key TEXT NOT NULL,
        intent TEXT NOT NULL,
        helpful INTEGER NOT NULL,
        answer_key TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS unanswered (
        ts REAL NOT NULL,
        user_key TEXT NOT NULL,
        text TEXT NOT NULL,
        norm TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE IF NOT EXISTS inbox (
        update_id INTEGER PRIMARY KEY,
        received REAL NOT NULL,
        status TEXT NOT NULL,
        user_key TEXT,
        body TEXT,
        actions TEXT,
        sent INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        retry_at REAL NOT NULL DEFAULT 0,
        error TEXT
    )""",
)
# Columns added after the first release: (table, column, declaration).
_ADDED_COLUMNS = (
    ("feedback", "answer_key", "TEXT"),
    ("unanswered", "norm", "TEXT NOT NULL DEFAULT ''"),
)
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_ts ON events (ts)",
    "CREATE INDEX IF NOT EXISTS events_intent ON events (answered, intent)",
    "CREATE INDEX IF NOT EXISTS feedback_ts ON feedback (ts)",
    "CREATE INDEX IF NOT EXISTS feedback_user ON feedback (user_key)",
    "CREATE UNIQUE INDEX IF NOT EXISTS feedback_once ON feedback (user_key, answer_key, intent)",
    "CREATE INDEX IF NOT EXISTS unanswered_ts ON unanswered (ts)",
    "CREATE INDEX IF NOT EXISTS unanswered_user ON unanswered (user_key)",
    "CREATE INDEX IF NOT EXISTS unanswered_norm ON unanswered (norm, text)",
    "CREATE INDEX IF NOT EXISTS inbox_open ON inbox (status, retry_at) WHERE status != 'done'",
    "CREATE INDEX IF NOT EXISTS inbox_received ON inbox (received)",
    "CREATE INDEX IF NOT EXISTS inbox_user ON inbox (user_key) WHERE user_key IS NOT NULL",
)
# Errors that concern one operation's data, not the database: roll back that operation only.
_OPERATION_ERRORS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.DataError,
                     ValueError, TypeError, KeyError)


def unanswered_key(text: str) -> str:
    """How unanswered questions are grouped: the same wording up to case and punctuation."""
    return normalize(text) or text.strip()


def explain(error: BaseException, path: Path) -> str:
    """One line saying what is wrong with the database at ``path`` and what to do about it."""
    text = str(error).lower()
    code = error.errno if isinstance(error, OSError) else None
    if code == errno.ENOSPC or "disk is full" in text or "database or disk is full" in text:
        return f"no space left for {path}: free disk space"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (f"{path} is damaged: stop the bot, move the file aside and restore your backup "
                "(or start without it: the bot creates an empty database)")
    if "locked" in text or "busy" in text:
        return (f"{path} is locked by another program (another careerbot with this DATA_DIR, "
                "or a backup in progress?): stop that program")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text or (
        "read-only" in text) or "unable to open" in text:
        return (f"{path} is read-only for this user: make it and its directory writable "
                "(chown/chmod u+w) or set DATA_DIR to a writable directory")
    if "disk i/o" in text or code == errno.EIO:
        return (f"cannot read or write {path} (disk I/O error): check the disk, then restore "
                "your backup if the file is damaged")
    return f"cannot use {path}: {error}"


class SqliteStorage:
    """The default :class:`~bot.storage.base.Storage`: an embedded SQLite database.

    Two connections: writes go through one (by one thread at a time), reads through the
    other, so a read never waits for a write that waits for a lock. ``synchronous=FULL``
    makes every commit durable, even across a power cut; ``secure_delete`` overwrites
    deleted rows, so forgotten texts do not linger in free pages.
    """

    def __init__(
        self,
        data_dir: Path,
        retention_days: int = 90,
        clock: Callable[[], float] = time.time,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self.path = path = data_dir / DB_FILE
        self._retention_days = retention_days
        self._clock = clock
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._last_purge = 0.0
        self._db: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        try:
            ensure_private_dir(data_dir)
            create_private_file(path)  # SQLite gives new -wal/-shm files the same mode
            self._tighten()
            self._db = self._connect(busy_timeout_ms)
            self._db.execute("PRAGMA secure_delete=ON")
            self._check()
            self._migrate()
            self._touch()
            self._reader = self._connect(busy_timeout_ms)
            self._reader.execute("PRAGMA query_only=ON")
            self._tighten()
        except (sqlite3.Error, OSError) as error:
            self._close_connections()
            raise StorageError(explain(error, path)) from None

    def __repr__(self) -> str:
        return f"SqliteStorage({str(self.path)!r})"

    # ------------------------------------------------------------------ opening
    def _connect(self, busy_timeout_ms: int) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                             timeout=busy_timeout_ms / 1000)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        return db

    def _tighten(self) -> None:
        """Owner-only modes for the database and its journal files (a restore may loosen them)."""
        for suffix in ("", "-wal", "-shm"):
            make_private(self.path.with_name(self.path.name + suffix))

    def _check(self) -> None:
        assert self._db is not None
        verdict = self._db.execute("PRAGMA quick_check(1)").fetchone()
        if not verdict or verdict[0] != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed")

    def _migrate(self) -> None:
        db = self._db
        assert db is not None
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path} was written by a newer careerbot (schema {version}): upgrade the "
                "bot, or restore a backup made by this version")
        if version == SCHEMA_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _TABLES:
                db.execute(statement)
            for table, column, declaration in _ADDED_COLUMNS:
                # Names come from the literal tuple above, never from input.
                columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                if column not in columns:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
            rows = db.execute("SELECT rowid, text FROM unanswered WHERE norm = ''").fetchall()
            db.executemany("UPDATE unanswered SET norm = ? WHERE rowid = ?",
                           [(unanswered_key(text), rowid) for rowid, text in rows])
            for statement in _INDEXES:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _touch(self) -> None:
        """A first write at start: a read-only, locked or full database is reported now."""
        assert self._db is not None
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened', ?)",
                             (str(self._clock()),))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------------ meta
    def meta(self, key: str) -> str | None:
        row = self._read_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._write_lock:
            db = self._writer()
            try:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            except sqlite3.Error as error:
                raise StorageError(explain(error, self.path)) from None

    def has_data(self) -> bool:
        """Whether anything keyed by the install key is stored (contexts, votes, questions)."""
        return any(
            self._read_one(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - literal names
            for table in ("states", "feedback", "unanswered")
        )

    # ------------------------------------------------------------------ writes
    def _writer(self) -> sqlite3.Connection:
        if self._db is None:
            raise StorageError(f"{self.path} is closed")
        return self._db

    def apply(self, operations: Sequence[Operation]) -> list[object]:
        now = self._clock()
        results: list[object] = []
        forgot = False
        with self._write_lock:
            db = self._writer()
            try:
                db.execute("BEGIN IMMEDIATE")
                for operation in operations:
                    db.execute("SAVEPOINT operation")
                    try:
                        results.append(self._apply(db, operation, now))
                    except _OPERATION_ERRORS as error:
                        db.execute("ROLLBACK TO operation")
                        results.append(error)
                    db.execute("RELEASE operation")
                    forgot = forgot or _forgets(operation)
                db.execute("COMMIT")
            except sqlite3.Error as error:
                if db.in_transaction:
                    try:
                        db.execute("ROLLBACK")
                    except sqlite3.Error:
                        _LOG.debug("rollback failed", exc_info=True)
                raise StorageError(explain(error, self.path)) from None
            if forgot:
                self._checkpoint(db)
        if now - self._last_purge >= _PURGE_EVERY_SECONDS and not any(
            isinstance(op, Purge) for op in operations
        ):
            # Purging on write (at most hourly) keeps retention without a scheduler.
            self._last_purge = now
            self.apply([Purge(self._retention_days)])
        return results

    def _checkpoint(self, db: sqlite3.Connection) -> None:
        """Fold the WAL into the main file and empty it: no deleted text stays in the -wal."""
        try:
            busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as error:
            _LOG.warning("could not checkpoint the database after a deletion: %s", error)
            return
        if busy and busy[0]:
            _LOG.warning("a reader kept the WAL busy; deleted rows stay there until it ends")

    def _apply(self, db: sqlite3.Connection, operation: Operation, now: float) -> object:
        if isinstance(operation, Receive):
            fresh = []
            for update in operation.updates:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, received, status, user_key, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (update.update_id, now, NEW, update.user_key, update.body),
                )
                if cursor.rowcount:
                    fresh.append(update.update_id)
            return tuple(fresh)
        if isinstance(operation, Complete):
            touched = sum(self._change(db, change, now) for change in operation.changes)
            if operation.update_id is not None:
                if operation.actions == "[]":
                    self._done(db, operation.update_id, 0)
                else:
                    db.execute(
                        "UPDATE inbox SET status = ?, actions = ?, sent = 0, error = NULL "
                        "WHERE update_id = ?",
                        (HANDLED, operation.actions, operation.update_id),
                    )
            return touched
        if isinstance(operation, Progress):
            if operation.done:
                self._done(db, operation.update_id, operation.sent)
            else:
                db.execute(
                    "UPDATE inbox SET sent = ?, attempts = attempts + 1, retry_at = ?, "
                    "error = ? WHERE update_id = ?",
                    (operation.sent, operation.retry_at or 0.0, operation.error,
                     operation.update_id),
                )
            return None
        if isinstance(operation, Fail):
            db.execute(
                "INSERT INTO inbox (update_id, received, status, error, attempts) "
                "VALUES (?, ?, ?, ?, 1) ON CONFLICT (update_id) DO UPDATE SET "
                "status = excluded.status, error = excluded.error, actions = NULL, "
                "attempts = attempts + 1",
                (operation.update_id, now, FAILED, operation.error),
            )
            return None
        if isinstance(operation, Retry):
            sql = "UPDATE inbox SET status = ?, retry_at = 0 WHERE status = ?"
            params: list[object] = [NEW, FAILED]
            if operation.update_ids is not None:
                marks = ",".join("?" * len(operation.update_ids))
                sql += f" AND update_id IN ({marks})"
                params += list(operation.update_ids)
            return db.execute(sql, params).rowcount
        if isinstance(operation, Purge):
            return self._purge(db, operation.retention_days, now)
        raise TypeError(f"unknown storage operation {type(operation).__name__}")

    @staticmethod
    def _done(db: sqlite3.Connection, update_id: int, sent: int) -> None:
        # A done update keeps only its id (to recognise a resend): no text, no Telegram ids.
        db.execute(
            "UPDATE inbox SET status = ?, sent = ?, body = NULL, actions = NULL, error = NULL, "
            "user_key = NULL WHERE update_id = ?",
            (DONE, sent, update_id),
        )

    def _change(self, db: sqlite3.Connection, change: Change, now: float) -> int:
        if isinstance(change, Turn):
            db.execute(
                "INSERT INTO states (chat_key, state, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_key) DO UPDATE SET state = excluded.state, "
                "updated = excluded.updated",
                (change.chat_key, json.dumps(change.state, separators=(",", ":")), now),
            )
            db.execute("INSERT INTO events (ts, intent, answered) VALUES (?, ?, ?)",
                       (now, change.intent, int(change.answered)))
            if change.unanswered_text:
                db.execute(
                    "INSERT INTO unanswered (ts, user_key, text, norm) VALUES (?, ?, ?, ?)",
                    (now, change.user_key, change.unanswered_text,
                     unanswered_key(change.unanswered_text)),
                )
            return 1
        if isinstance(change, Vote):
            db.execute(
                "INSERT INTO feedback (ts, user_key, intent, helpful, answer_key) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_key, answer_key, intent) "
                "DO UPDATE SET helpful = excluded.helpful, ts = excluded.ts",
                (now, change.user_key, change.intent, int(change.helpful), change.answer_key),
            )
            return 1
        deleted = 0
        if change.chat_key is not None:
            deleted += db.execute("DELETE FROM states WHERE chat_key = ?",
                                  (change.chat_key,)).rowcount
        for table in ("feedback", "unanswered"):
            sql = f"DELETE FROM {table} WHERE user_key = ?"  # noqa: S608 - literal names
            deleted += db.execute(sql, (change.user_key,)).rowcount
        # Updates of this user kept for `career-bot inbox` hold their texts: drop them too.
        db.execute("DELETE FROM inbox WHERE user_key = ? AND status = ?",
                   (change.user_key, FAILED))
        # Handled ones need only their replies now (a done mark may still be on its way).
        db.execute("UPDATE inbox SET body = NULL WHERE user_key = ? AND status = ?",
                   (change.user_key, HANDLED))
        return deleted

    def _purge(self, db: sqlite3.Connection, retention_days: int, now: float) -> int:
        cutoff = now - retention_days * 86400
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
        deleted += db.execute("DELETE FROM inbox WHERE status = ? AND received < ?",
                              (DONE, now - _DONE_KEPT_SECONDS)).rowcount
        deleted += db.execute("DELETE FROM inbox WHERE status = ? AND received < ?",
                              (FAILED, cutoff)).rowcount
        return deleted

    # Convenience wrappers (the CLI and tests): one operation, its result or its error.
    def _one(self, operation: Operation) -> object:
        result = self.apply([operation])[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def record_turn(self, turn: Turn) -> None:
        self._one(Complete(None, (turn,)))

    def record_feedback(self, user_key: str, intent: str, helpful: bool,
                        answer_key: str | None = None) -> None:
        self._one(Complete(None, (Vote(user_key, answer_key or "", intent, helpful),)))

    def forget(self, chat_key: str | None, user_key: str) -> int:
        """Delete a user's rows (and the chat's context, given ``chat_key``); rows deleted."""
        result = self._one(Complete(None, (Forget(user_key, chat_key),)))
        return int(result) if isinstance(result, int) else 0

    def purge(self, retention_days: int | None = None) -> int:
        days = self._retention_days if retention_days is None else retention_days
        self._last_purge = self._clock()
        result = self._one(Purge(days))
        return int(result) if isinstance(result, int) else 0

    # ------------------------------------------------------------------ reads
    def _read_one(self, sql: str, params: Iterable[object] = ()) -> Any:
        return self._read(lambda db: db.execute(sql, tuple(params)).fetchone())

    def _read(self, query: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._read_lock:
            db = self._reader or self._db
            if db is None:
                raise StorageError(f"{self.path} is closed")
            try:
                return query(db)
            except sqlite3.Error as error:
                raise StorageError(explain(error, self.path)) from None

    def load_state(self, chat_key: str) -> dict[str, Any] | None:
        row = self._read_one("SELECT state FROM states WHERE chat_key = ?", (chat_key,))
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def open_updates(self, statuses: Sequence[str] = (NEW, HANDLED),
                     due: float | None = None, limit: int = 1000) -> list[InboxEntry]:
        marks = ",".join("?" * len(statuses))
        sql = ("SELECT update_id, status, body, actions, sent, attempts, received, error "  # noqa: S608 - placeholders only
               f"FROM inbox WHERE status IN ({marks})")
        params: list[object] = list(statuses)
        if due is not None:
            sql += " AND retry_at <= ?"
            params.append(due)
        sql += " ORDER BY update_id LIMIT ?"
        params.append(limit)
        rows = self._read(lambda db: db.execute(sql, params).fetchall())
        return [InboxEntry(int(r[0]), str(r[1]), r[2], r[3], int(r[4]), int(r[5]), float(r[6]),
                           r[7]) for r in rows]

    def stats(self, top: int = 5) -> Stats:
        def query(db: sqlite3.Connection) -> Stats:
            messages, answered = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(answered), 0) FROM events"
            ).fetchone()
            intents = db.execute(
                "SELECT intent, COUNT(*) AS n FROM events WHERE answered = 1 "
                "GROUP BY intent ORDER BY n DESC, intent LIMIT ?",
                (top,),
            ).fetchall()
            up, down = db.execute(
                "SELECT COALESCE(SUM(helpful), 0), COALESCE(SUM(1 - helpful), 0) FROM feedback"
            ).fetchone()
            inbox = dict(db.execute(
                "SELECT status, COUNT(*) FROM inbox WHERE status != 'done' GROUP BY status"
            ).fetchall())
            return Stats(
                messages=int(messages),
                answered=int(answered),
                top_intents=tuple((str(i), int(n)) for i, n in intents),
                feedback_up=int(up),
                feedback_down=int(down),
                failed_updates=int(inbox.get(FAILED, 0)),
                pending_updates=int(inbox.get(NEW, 0)) + int(inbox.get(HANDLED, 0)),
            )

        result: Stats = self._read(query)
        return result

    def unanswered_texts(self, limit: int = 2000) -> list[tuple[str, int]]:
        rows = self._read(lambda db: db.execute(
            "SELECT MIN(text), COUNT(*) AS n FROM unanswered GROUP BY norm "
            "ORDER BY n DESC, MIN(text) LIMIT ?", (limit,)).fetchall())
        return [(str(text), int(n)) for text, n in rows]

    # ------------------------------------------------------------------ closing
    def _close_connections(self) -> None:
        for db in (self._reader, self._db):
            if db is not None:
                db.close()
        self._reader = self._db = None

    def close(self) -> None:
        with self._read_lock, self._write_lock:
            if self._db is None:
                return
            try:
                # Fold the WAL back into the main file so a copy of the .sqlite3 is complete.
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as error:
                _LOG.warning("could not checkpoint the database on close: %s", error)
            finally:
                self._close_connections()


def _forgets(operation: Operation) -> bool:
    return isinstance(operation, Complete) and any(
        isinstance(change, Forget) for change in operation.changes)
