"""Per-chat conversation state: what the engine needs to understand follow-ups."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Immutable context of one chat; the engine returns a new one with each reply.

    Stored as a small JSON object (``to_dict``/``from_dict``) so that follow-ups keep working
    after a restart. Unknown keys in stored data are ignored, missing ones take defaults.
    """

    career: str | None = None  # career id the chat is about
    topic: str | None = None  # last topic answered (for "and at insurance companies?")
    entry: str | None = None  # last question-level entry answered, if any
    school_level: str | None = None  # last school level filter
    turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ConversationState:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**known)
        except TypeError:
            return cls()

    def evolve(self, **changes: Any) -> ConversationState:
        # dataclasses.replace, without re-reading the field definitions on every call: the
        # engine evolves the state several times per message. (__slots__ lists the fields.)
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return ConversationState(**values)
