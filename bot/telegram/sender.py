"""Replies as Bot API calls: HTML chunks, keyboard on the last one, plain-text fallback."""

from __future__ import annotations

import logging
import warnings
from typing import Any

from telegram.error import BadRequest
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.telegram.keyboards import Markup
from bot.telegram.render import Chunk
from bot.telegram.work import Call

_LOG = logging.getLogger(__name__)
_NO_PREVIEW = {"is_disabled": True}
# do_api_request nudges towards Bot.send_message and friends; we bypass them on purpose.
warnings.filterwarnings("ignore", r"Please use 'Bot\.\w+'", PTBUserWarning)


def message_calls(
    chat_id: int,
    chunks: list[Chunk],
    markup: Markup | None = None,
    reply_to: int | None = None,
    thread_id: int | None = None,
) -> list[Call]:
    """One ``sendMessage`` per chunk, in order.

    Only the first chunk quotes ``reply_to`` (groups: shows which question it answers) and only
    the last one carries the buttons, so they sit under the end of the answer.
    """
    calls = []
    for index, chunk in enumerate(chunks):
        params: dict[str, Any] = {"chat_id": chat_id, "link_preview_options": _NO_PREVIEW}
        if index == len(chunks) - 1 and markup is not None:
            params["reply_markup"] = markup
        if index == 0 and reply_to is not None:
            params["reply_parameters"] = {
                "message_id": reply_to,
                "allow_sending_without_reply": True,
            }
        if thread_id is not None:
            params["message_thread_id"] = thread_id
        calls.append(Call("sendMessage", {**params, "text": chunk.html, "parse_mode": "HTML"},
                          plain=chunk.plain))
    return calls


async def perform(bot: ExtBot[None], call: Call) -> None:
    """Make ``call``; if Telegram refuses its HTML, send the plain text instead.

    The raw API call (still through the rate limiter and error mapping) skips building
    TelegramObjects for the keyboard and parsing the returned Message, which nobody reads:
    that was a third of the bot's CPU time per reply.
    """
    try:
        await bot.do_api_request(call.method, api_kwargs=call.params)
    except BadRequest as err:
        if call.plain is None or "can't parse entities" not in str(err).lower():
            raise
        _LOG.warning("Telegram refused the HTML (%s); sending plain text", err)
        params = {k: v for k, v in call.params.items() if k != "parse_mode"}
        await bot.do_api_request(call.method, api_kwargs={**params, "text": call.plain})
