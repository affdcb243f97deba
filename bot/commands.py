"""The bot's commands, in one table: Telegram's command menu and handlers, the terminal chat and
`career-bot ask --json` all read it, so "/start" means the same wherever it is typed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.reply import Reply, Section
from bot.state import ConversationState

Answered = tuple[Reply, ConversationState]


class Engine(Protocol):
    """What the commands need of :class:`bot.engine.Engine` (the adapters' engines have it)."""

    topic_ids: tuple[str, ...]

    def select(self, payload: str, state: ConversationState) -> Answered: ...

    def welcome(self, state: ConversationState) -> Answered: ...

    def help(self) -> Reply: ...

    def topics_menu(self) -> Reply: ...

    def schools_asked(self, text: str, state: ConversationState) -> Answered: ...

    def sources(self) -> Reply: ...

    def topic_payload(self, topic_id: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Command:
    """One command: its name (no slash), its line in Telegram's menu, and who may use it."""

    name: str
    menu: str
    admin: bool = False
    # True when the engine answers it alone (no storage, no adapter): every front end can.
    engine: bool = True


COMMANDS: tuple[Command, ...] = (
    Command("start", "What I can tell you"),
    Command("topics", "Topics: pay, training, certification…"),
    Command("schools", "Schools and programs"),
    Command("sources", "Where the facts come from"),
    Command("help", "How to ask me things"),
    Command("forget", "Delete what I stored about you", engine=False),
    Command("stats", "Usage statistics (admins)", admin=True, engine=False),
    Command("reload", "Re-read the knowledge base (admins)", admin=True, engine=False),
)
BY_NAME = {command.name: command for command in COMMANDS}
UNKNOWN_COMMAND = "Sorry, I don't know that command. Send /help to see what I can do."
FORGOT_CONVERSATION = "Done: I forgot our conversation so far. Ask me anything."
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?", re.DOTALL)


def parse(text: str) -> tuple[str, str] | None:
    """``(name, arguments)`` of a message that is a command ("/schools@my_bot online"),
    or None for any other text. Names are matched case-insensitively."""
    found = _COMMAND.fullmatch(text.strip())
    return (found[1].lower(), (found[2] or "").strip()) if found else None


def _start(engine: Engine, args: str, state: ConversationState) -> Answered:
    """The greeting and topic menu, or a deep link's topic ("/start topic_salary") at once."""
    topic = args.strip().lower().removeprefix("topic_")
    if topic in engine.topic_ids:
        return engine.select(engine.topic_payload(topic), state)
    return engine.welcome(state)


_ANSWERS: dict[str, Callable[[Engine, str, ConversationState], Answered]] = {
    "start": _start,
    "help": lambda engine, _args, state: (engine.help(), state),
    "topics": lambda engine, _args, state: (engine.topics_menu(), state),
    "schools": lambda engine, args, state: engine.schools_asked(args, state),
    "sources": lambda engine, _args, state: (engine.sources(), state),
}


def answer(engine: Engine, name: str, args: str, state: ConversationState) -> Answered | None:
    """The reply to a command the engine answers alone; None for the others (unknown ones,
    and those that need the adapter: /forget, the admin commands)."""
    command = BY_NAME.get(name)
    if command is None or not command.engine:
        return None
    return _ANSWERS[name](engine, args, state)


def in_chat(engine: Engine, name: str, args: str, state: ConversationState) -> Answered:
    """A command typed where only the conversation is kept (the terminal, `ask --json`):
    the engine's commands as everywhere; /forget starts the conversation afresh; any other
    command says it is unknown here."""
    answered = answer(engine, name, args, state)
    if answered is not None:
        return answered
    if name == "forget":
        return _text(FORGOT_CONVERSATION, "help"), ConversationState()
    return _text(UNKNOWN_COMMAND, "fallback"), state


def _text(body: str, intent: str) -> Reply:
    return Reply(intent=intent, intents=(intent,), confidence=1.0, sections=(Section(body=body),))
