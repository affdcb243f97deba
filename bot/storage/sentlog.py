"""The sent log: which replies Telegram has taken, recorded the moment it took each one.

Marking a reply as sent in the database costs a transaction and a trip to the writer thread;
this file costs one ``write()`` of 12 bytes on the event loop, which the kernel keeps even if
the process is killed the next instant. The inbox records each reply here before the next
one may go out (so a crash repeats at most one reply), copies the marks into the database
afterwards, and folds whatever the database missed back in on the next start. It holds only
update ids and counts, no text.
"""

from __future__ import annotations

import logging
import os
import struct
from pathlib import Path

from bot.storage.keys import make_private

_LOG = logging.getLogger(__name__)
SENT_LOG_FILE = "careerbot.sent"
_RECORD = struct.Struct("<qI")  # update id, replies sent so far


class SentLog:
    """Append-only marks ``(update_id, sent)``; ``SentLog(None)`` keeps none (tests, tools)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fd: int | None = None
        self._broken = False
        if path is not None:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            make_private(path)

    def __repr__(self) -> str:
        return f"SentLog({str(self.path) if self.path else None!r})"

    def record(self, update_id: int, sent: int) -> None:
        """Note that ``sent`` of the update's replies have gone out."""
        if self._fd is None or self._broken:
            return
        try:
            os.write(self._fd, _RECORD.pack(update_id, sent))
        except OSError as error:  # a full disk: the database marks remain (a crash may repeat)
            self._broken = True
            _LOG.warning("cannot write %s (%s); a crash now may repeat the replies in flight",
                         self.path, error.strerror or error)

    def read(self) -> dict[int, int]:
        """The highest count recorded for each update (a torn last record is ignored)."""
        if self.path is None:
            return {}
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        marks: dict[int, int] = {}
        usable = len(data) - len(data) % _RECORD.size
        for update_id, sent in _RECORD.iter_unpack(data[:usable]):
            marks[update_id] = max(sent, marks.get(update_id, 0))
        return marks

    @property
    def size(self) -> int:
        return os.fstat(self._fd).st_size if self._fd is not None else 0

    def clear(self) -> None:
        """Forget every mark: call only once the database holds all of them."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            self._broken = False
        except OSError as error:
            _LOG.warning("cannot empty %s: %s", self.path, error.strerror or error)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
