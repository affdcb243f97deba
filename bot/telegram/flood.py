"""Per-user flood control: past N messages in M seconds, one notice, then a cool-down."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    NOTICE = "notice"  # first message over the limit: tell the user once
    DROP = "drop"  # cooling down: ignore silently


class FloodGuard:
    """Sliding-window counter per user, in memory (a restart forgives everyone)."""

    def __init__(
        self,
        max_messages: int,
        window_seconds: float,
        cooldown_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max = max_messages
        self._window = window_seconds
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._blocked_until: dict[int, float] = {}
        self._checks = 0

    @property
    def enabled(self) -> bool:
        return self._max > 0 and self._window > 0

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
            self._seen.pop(user_id, None)
        seen = self._seen.setdefault(user_id, deque())
        while seen and now - seen[0] >= self._window:
            seen.popleft()
        if len(seen) >= self._max:
            self._blocked_until[user_id] = now + self._cooldown
            seen.clear()
            return Verdict.NOTICE
        seen.append(now)
        return Verdict.ALLOW

    def _prune(self, now: float) -> None:
        # Forget idle users so memory stays bounded by recent activity.
        for user_id in [u for u, s in self._seen.items() if not s or now - s[-1] >= self._window]:
            del self._seen[user_id]
        for user_id in [u for u, t in self._blocked_until.items() if now >= t]:
            del self._blocked_until[user_id]
