"""Inline keyboards: engine suggestions and feedback buttons, within Telegram's limits."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import payloads
from bot.reply import Reply

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
MAX_LABEL = 48  # longer labels are cut; Telegram truncates them on screen anyway
_HASH_PREFIX = "h:"
_REMEMBERED = 10_000


class CallbackCodec:
    """Maps payloads to callback_data of at most 64 bytes.

    Short payloads (all the engine's) travel as they are; a longer one is replaced by a hash
    remembered in memory, so a stale button after a restart decodes to None, never to garbage.
    """

    def __init__(self) -> None:
        self._long: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        if 0 < len(payload.encode()) <= MAX_CALLBACK_BYTES and not payload.startswith(
            _HASH_PREFIX
        ):
            return payload
        key = _HASH_PREFIX + hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > _REMEMBERED:
            self._long.popitem(last=False)
        return key

    def decode(self, data: str | None) -> str | None:
        if not data:
            return None
        if data.startswith(_HASH_PREFIX):
            return self._long.get(data)
        return data


def _label(text: str) -> str:
    text = " ".join(text.split()) or "…"
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


Markup = dict[str, Any]  # an InlineKeyboardMarkup as JSON, ready to send
_MARKUP_CACHE = 1024


def _button(label: str, payload: str, codec: CallbackCodec) -> dict[str, str]:
    return {"text": _label(label), "callback_data": codec.encode(payload)}


def _rows(reply: Reply, codec: CallbackCodec) -> list[list[dict[str, str]]]:
    rows: list[list[dict[str, str]]] = []
    row: list[dict[str, str]] = []
    for suggestion in reply.suggestions:
        button = _button(suggestion.label, suggestion.payload, codec)
        if len(suggestion.label) > 20:  # long labels get a row of their own
            if row:
                rows.append(row)
                row = []
            rows.append([button])
            continue
        row.append(button)
        if len(row) == 2:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    if reply.is_topic_answer:
        answered = reply.answered or reply.intents or (reply.intent,)
        rows.append([
            _button("👍 Helpful", payloads.vote(True, answered), codec),
            _button("👎 Not helpful", payloads.vote(False, answered), codec),
        ])
    return rows


class Keyboards:
    """Builds reply keyboards, remembering recent ones (most replies repeat the same menus)."""

    def __init__(self, codec: CallbackCodec) -> None:
        self.codec = codec
        self._cache: OrderedDict[tuple[object, ...], Markup | None] = OrderedDict()

    def for_reply(self, reply: Reply) -> Markup | None:
        """Suggestions two per row (one if long), then 👍/👎 under topic answers."""
        key = (reply.suggestions, reply.is_topic_answer, reply.answered, reply.intents)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        rows = _rows(reply, self.codec)
        markup = {"inline_keyboard": rows} if rows else None
        hashed = any(b["callback_data"].startswith(_HASH_PREFIX) for r in rows for b in r)
        if not hashed:  # hashed payloads must stay registered in the codec; never cache them
            self._cache[key] = markup
            if len(self._cache) > _MARKUP_CACHE:
                self._cache.popitem(last=False)
        return markup


def reply_markup(reply: Reply, codec: CallbackCodec) -> InlineKeyboardMarkup | None:
    """The keyboard for ``reply`` as a python-telegram-bot object."""
    rows = _rows(reply, codec)
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row]
         for row in rows]
    )


def without_feedback(
    markup: InlineKeyboardMarkup | None, codec: CallbackCodec
) -> InlineKeyboardMarkup | None:
    """The same keyboard minus the feedback row (after a vote)."""
    if markup is None:
        return None
    rows = [
        list(row)
        for row in markup.inline_keyboard
        if not any(
            isinstance(b.callback_data, str)
            and _is_vote(codec.decode(b.callback_data))
            for b in row
        )
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _is_vote(data: str | None) -> bool:
    parsed = payloads.parse(data)
    return parsed is not None and parsed.kind == payloads.VOTE
