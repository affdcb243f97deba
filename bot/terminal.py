"""`career-bot chat`: the terminal chat, a thin adapter over the engine."""

from __future__ import annotations

from typing import IO

from bot import commands
from bot.engine import Engine
from bot.render import render_plain
from bot.reply import Reply, Suggestion
from bot.state import ConversationState

PROMPT = "you> "


def _show(reply: Reply, out: IO[str]) -> tuple[Suggestion, ...]:
    out.write("\n" + render_plain(reply) + "\n")
    for number, suggestion in enumerate(reply.suggestions, start=1):
        out.write(f"  [{number}] {suggestion.label}\n")
    out.write("\n")
    return reply.suggestions


def chat(engine: Engine, stdin: IO[str], out: IO[str]) -> int:
    """Read lines until EOF or "quit"; a typed number picks one of the numbered options."""
    state = ConversationState()
    reply, state = engine.welcome(state)
    options = _show(reply, out)
    out.write("(type 'quit' to leave)\n")
    while True:
        out.write(PROMPT)
        out.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in {"quit", "exit", "/quit"}:
            out.write("\n")
            return 0
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(options):
            reply, state = engine.select(options[int(text) - 1].payload, state)
        elif (command := commands.parse(text)) is not None:
            reply, state = commands.in_chat(engine, *command, state)
        else:
            reply, state = engine.respond(text, state)
        options = _show(reply, out)
