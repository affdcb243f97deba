"""The JSON Lines protocol of `career-bot ask --json` (see the eval README)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from bot import commands
from bot.engine import Engine
from bot.render import render_plain
from bot.reply import Reply
from bot.state import ConversationState


def reply_record(chat: str, text: str, reply: Reply) -> dict[str, Any]:
    """The JSON object written for one answered line."""
    return {
        "chat": chat,
        "text": text,
        "intent": reply.intent,
        "intents": list(reply.intents) or [reply.intent],
        "confidence": round(reply.confidence, 4),
        "answer": render_plain(reply),
        "suggestions": [{"label": s.label, "payload": s.payload} for s in reply.suggestions],
        "entry": reply.entry,
        "alternatives": [{"intent": i, "score": s} for i, s in reply.alternatives],
        "reasons": list(reply.reasons),
    }


def serve_lines(engine: Engine, lines: Iterable[str], out: IO[str]) -> int:
    """Answer each input line with exactly one output line; chats keep separate context.
    A line that is a command ("/start", "/schools online") is answered as the command."""
    states: dict[str, ConversationState] = {}
    for raw in lines:
        if not raw.strip():
            continue
        try:
            request = json.loads(raw)
            chat = str(request.get("chat", ""))
            text = request.get("text", "")
            text = text if isinstance(text, str) else ""
        except (json.JSONDecodeError, AttributeError):
            chat, text = "", ""
        state = states.get(chat, ConversationState())
        command = commands.parse(text)
        reply, states[chat] = (commands.in_chat(engine, *command, state) if command is not None
                               else engine.respond(text, state))
        out.write(json.dumps(reply_record(chat, text, reply), ensure_ascii=False) + "\n")
    out.flush()
    return 0
