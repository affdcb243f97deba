"""What handling one update produces: storage changes and Bot API calls, applied afterwards.

Handlers never write or send while they run. They add to the current :class:`Work`; the inbox
then commits the changes together with the update's inbox status, and only after that commit
makes the calls. A crash at any point therefore either repeats the whole update (nothing was
committed) or resumes its calls (everything was), never half of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from bot.state import ConversationState
from bot.storage.base import Change


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API call to make after the commit.

    ``plain`` is the text to resend without formatting if Telegram refuses the HTML;
    ``optional`` calls (answering a button, removing vote buttons) may fail without retry:
    they make no sense after a restart and the user loses nothing.
    """

    method: str
    params: dict[str, Any]
    plain: str | None = None
    optional: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"method": self.method, "params": self.params}
        if self.plain is not None:
            data["plain"] = self.plain
        if self.optional:
            data["optional"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Call:
        return cls(str(data["method"]), dict(data["params"]), data.get("plain"),
                   bool(data.get("optional", False)))


def dump_calls(calls: list[Call]) -> str:
    return json.dumps([c.to_dict() for c in calls], ensure_ascii=False, separators=(",", ":"))


def load_calls(text: str | None) -> list[Call]:
    return [Call.from_dict(item) for item in json.loads(text or "[]")]


@dataclass
class Work:
    """The outcome of one update, filled in by the handlers."""

    changes: list[Change] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    # New conversation states to cache once committed (None: drop the chat from the cache).
    states: dict[str, ConversationState | None] = field(default_factory=dict)
    error: BaseException | None = None
    # Sent (best effort) instead of ``calls`` when handling failed.
    apology: list[Call] = field(default_factory=list)

    def fail(self, error: BaseException, apology: list[Call]) -> None:
        self.error = error
        self.apology = apology


_CURRENT: ContextVar[Work | None] = ContextVar("careerbot_work", default=None)


def current() -> Work:
    """The work of the update being handled in this task."""
    work = _CURRENT.get()
    if work is None:
        raise RuntimeError("no update is being handled")
    return work


@contextmanager
def handling(work: Work) -> Iterator[Work]:
    """Make ``work`` the current work while an update is handled."""
    token = _CURRENT.set(work)
    try:
        yield work
    finally:
        _CURRENT.reset(token)
