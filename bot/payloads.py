"""Button payloads: the one format for every button, deep link and feedback vote.

A payload is ``kind:arg[:arg...]``, short ASCII that fits Telegram's 64-byte callback data.
Every channel builds payloads with the functions below and reads them with :func:`parse`,
which accepts only the kinds listed here and ids of the form ids take in the YAML
(lower-case letters, digits, ``_``). Whether an id exists is for the reader to check against
its data: a payload is a claim from the outside, never trusted as it stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

TOPIC = "topic"  # a topic's broad answer
ENTRY = "entry"  # a question-level entry of a topic
MORE = "more"  # the longer text behind an answer ("more" button)
SCHOOLS = "schools"  # the school list at one level, or "all"
SCHOOL = "school"  # one school
INTENT = "intent"  # a conversation intent (help, greeting, ...)
VOTE = "vote"  # 👍/👎 on an answer: the flag, then the ids of what the answer answered

ALL_LEVELS = "all"
_ARITY = {TOPIC: 1, ENTRY: 1, MORE: 1, SCHOOLS: 1, SCHOOL: 1, INTENT: 1}
_ID = re.compile(r"^[a-z0-9_]{1,48}$")
MAX_VOTED = 3  # a reply answers at most this many questions


@dataclass(frozen=True, slots=True)
class Payload:
    """A parsed payload: its kind and its arguments (ids)."""

    kind: str
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        """The first argument: the topic, entry, school, level or intent id."""
        return self.args[0]


def topic(topic_id: str) -> str:
    return f"{TOPIC}:{topic_id}"


def entry(entry_id: str) -> str:
    return f"{ENTRY}:{entry_id}"


def more(answer_id: str) -> str:
    return f"{MORE}:{answer_id}"


def schools(level: str | None) -> str:
    return f"{SCHOOLS}:{level or ALL_LEVELS}"


def school(school_id: str) -> str:
    return f"{SCHOOL}:{school_id}"


def intent(intent_id: str) -> str:
    return f"{INTENT}:{intent_id}"


def vote(helpful: bool, answered: Sequence[str]) -> str:
    """A feedback vote on a reply that answered ``answered`` (topic or entry ids)."""
    return ":".join((VOTE, "1" if helpful else "0", *answered[:MAX_VOTED]))


def parse(text: str | None) -> Payload | None:
    """The payload in ``text``, or None when it is not one this bot could have issued."""
    if not text or len(text) > 200:
        return None
    kind, _, rest = text.partition(":")
    args = tuple(rest.split(":")) if rest else ()
    if not args or not all(_ID.match(a) for a in args):
        return None
    if kind == VOTE:
        if args[0] not in ("0", "1") or not 2 <= len(args) <= MAX_VOTED + 1:
            return None
        return Payload(kind, args)
    if _ARITY.get(kind) != len(args):
        return None
    return Payload(kind, args)


def helpful(payload: Payload) -> bool:
    """For a vote: whether the answer was marked helpful."""
    return payload.kind == VOTE and payload.args[0] == "1"


def voted(payload: Payload) -> tuple[str, ...]:
    """For a vote: the ids of what the answer answered."""
    return payload.args[1:] if payload.kind == VOTE else ()
