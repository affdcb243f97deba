"""Which messages the bot answers in groups, and the text it answers to."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.constants import ChatType


def is_private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


def mentions_bot(message: Message, username: str) -> bool:
    """True when the text or caption @mentions the bot (Telegram marks them as entities)."""
    if not username:
        return False
    wanted = "@" + username.casefold()
    mentions = [*message.parse_entities([MessageEntity.MENTION]).values(),
                *message.parse_caption_entities([MessageEntity.MENTION]).values()]
    return any(text.casefold() == wanted for text in mentions)


def replies_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


def addressed(message: Message, bot_id: int, username: str) -> bool:
    """Private chats: always. Groups: only mentions of the bot and replies to it."""
    return (
        is_private(message)
        or mentions_bot(message, username)
        or replies_to_bot(message, bot_id)
    )


def command_for_us(message: Message, username: str) -> bool:
    """A command in a group counts only if it names the bot (``/cmd@this_bot``).

    Several bots may share a group; a bare ``/stats`` there may be meant for another one.
    """
    if is_private(message):
        return True
    first = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    _, _, target = first.partition("@")
    return bool(target) and target.casefold() == username.casefold()


def strip_mention(text: str, username: str) -> str:
    """The question without ``@bot``; ``@bot`` alone leaves an empty question."""
    if not username:
        return text.strip()
    cleaned = re.sub(rf"@{re.escape(username)}\b[,:]?", " ", text, flags=re.IGNORECASE)
    return " ".join(cleaned.split())
