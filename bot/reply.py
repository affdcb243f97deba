"""What the engine returns: a channel-neutral reply that adapters render and send."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A follow-up the user can pick: a button label and the payload sent back when pressed.

    Payloads are short ASCII strings (``topic:salary``, ``schools:associate``) so that they fit
    Telegram's 64-byte ``callback_data`` with room to spare.
    """

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Section:
    """One answered question inside a reply.

    ``body`` is plain text from the knowledge base (paragraphs separated by blank lines, bullets
    starting with ``• ``); ``source`` is the short source line shown under figures, if any.
    Renderers decide how to format ``title``, ``body`` and ``source``.
    """

    body: str
    title: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """The engine's answer to one message."""

    intent: str
    sections: tuple[Section, ...]
    intents: tuple[str, ...] = ()
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    # True when this reply answers a knowledge topic (adapters add feedback buttons to it).
    is_topic_answer: bool = False
    # True when the message was not understood; adapters may record it as unanswered.
    unanswered: bool = False
    # Matcher diagnostics for `ask --json` and logs: runner-up intents with scores.
    alternatives: tuple[tuple[str, float], ...] = field(default=())
    # The question-level entry that answered the (first) question, if any.
    entry: str | None = None
    # What was answered, per question: the entry id, or the topic id for a topic answer.
    answered: tuple[str, ...] = ()
    # Why the message was read as it was (for `ask --json` and logs).
    reasons: tuple[str, ...] = ()
