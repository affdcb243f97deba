"""Per-user flood control: a burst allowance refilled at a steady rate, then a cool-down.

Each user has a bucket of ``burst`` messages that refills at ``max_messages`` per
``window_seconds``. A fast typist (a message every two or three seconds, a few in a row)
never empties it; a script sending dozens a second does, gets one notice, and is ignored for
``cooldown_seconds``, after which the bucket is full again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    NOTICE = "notice"  # first message over the limit: tell the user once
    DROP = "drop"  # cooling down: ignore silently


class FloodGuard:
    """A token bucket per user, in memory (a restart forgives everyone)."""

    def __init__(
        self,
        max_messages: int,
        window_seconds: float,
        cooldown_seconds: float,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._burst = float(max_messages if burst is None else burst)
        self._rate = max_messages / window_seconds if window_seconds > 0 else 0.0
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # user -> (tokens, when)
        self._blocked_until: dict[int, float] = {}
        self._checks = 0

    @property
    def enabled(self) -> bool:
        return self._rate > 0 and self._burst >= 1

    @property
    def cooldown_seconds(self) -> float:
        return self._cooldown

    def check(self, user_id: int) -> Verdict:
        if not self.enabled:
            return Verdict.ALLOW
        now = self._clock()
        self._checks += 1
        if self._checks % 1024 == 0:
            self._prune(now)
        until = self._blocked_until.get(user_id)
        if until is not None:
            if now < until:
                return Verdict.DROP
            del self._blocked_until[user_id]
            self._buckets.pop(user_id, None)  # the pause is over: a full allowance again
        tokens = self._tokens(user_id, now)
        if tokens < 1:
            self._blocked_until[user_id] = now + self._cooldown
            self._buckets.pop(user_id, None)
            return Verdict.NOTICE
        self._buckets[user_id] = (tokens - 1, now)
        return Verdict.ALLOW

    def _tokens(self, user_id: int, now: float) -> float:
        tokens, when = self._buckets.get(user_id, (self._burst, now))
        return min(self._burst, tokens + (now - when) * self._rate)

    def _prune(self, now: float) -> None:
        # Forget users whose bucket is full again, so memory stays bounded by recent activity.
        for user_id in [u for u in self._buckets if self._tokens(u, now) >= self._burst]:
            del self._buckets[user_id]
        for user_id in [u for u, t in self._blocked_until.items() if now >= t]:
            del self._blocked_until[user_id]
