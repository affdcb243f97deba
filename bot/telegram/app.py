"""Build the python-telegram-bot Application: API endpoint, rate limits, concurrency, hooks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.commands import COMMANDS
from bot.config import Settings
from bot.telegram.handlers import CareerBot
from bot.telegram.inbox import Inbox, describe
from bot.telegram.intake import InboxUpdater
from bot.telegram.persistence import ChatStore
from bot.telegram.ports import EngineLike
from bot.telegram.transport import AiohttpRequest

_LOG = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]
ALLOWED_UPDATES = ["message", "callback_query"]
# Keep-alive connections to the Bot API: at least one per update handled at once, so replies
# never queue for a connection behind other users' slow calls.
MIN_CONNECTIONS = 8

PUBLIC_COMMANDS = [BotCommand(c.name, c.menu) for c in COMMANDS if not c.admin]
ADMIN_COMMANDS = [BotCommand(c.name, c.menu) for c in COMMANDS if c.admin]


def file_url(base_url: str) -> str:
    """``…/bot`` → ``…/file/bot``, the matching download endpoint of the same server."""
    head, sep, _ = base_url.rstrip("/").rpartition("/bot")
    return f"{head}/file/bot" if sep else base_url.rstrip("/") + "/file/bot"


def build_application(
    settings: Settings,
    token: str,
    engine: EngineLike,
    load_engine: Callable[[], EngineLike],
    store: ChatStore,
    on_ready: Callable[[App], object] | None = None,
) -> App:
    """An Application with every handler registered; nothing is contacted until it runs.

    Updates reach the handlers through the inbox (see ``bot.telegram.inbox``), which replaces
    python-telegram-bot's Updater.
    """
    careerbot = CareerBot(settings, engine, load_engine, store)
    concurrency = max(1, settings.concurrent_updates)

    async def post_init(app: App) -> None:
        app.bot_data["started"] = True  # getMe answered: later failures are not the server's
        await _register_commands(app, settings)
        removed = await store.purge(settings.retention_days)
        if removed:
            _LOG.info("purged %d record(s) older than %d days", removed, settings.retention_days)
        _LOG.info("bot @%s is up", app.bot.username)
        if on_ready is not None:
            on_ready(app)

    async def post_shutdown(_: App) -> None:
        # Runs after Application.stop() has awaited the updates in flight.
        await careerbot.close()
        await store.close()
        _LOG.info("storage closed")

    rate = settings.telegram_rate_limit
    transports = (AiohttpRequest(max(MIN_CONNECTIONS, concurrency + 4)),
                  AiohttpRequest(1, read_timeout=30.0))
    app: App = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_url(settings.telegram_api_base_url))
        .rate_limiter(AIORateLimiter(overall_max_rate=rate, overall_time_period=1, max_retries=3))
        .concurrent_updates(concurrency)
        .request(transports[0])
        .get_updates_request(transports[1])
        .job_queue(None)  # retention is enforced at start-up and on write; no scheduler needed
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    careerbot.register(app)
    app.updater = InboxUpdater(app, Inbox(app, store, concurrency,
                                          one_at_a_time=settings.one_send_at_a_time))
    app.bot_data["careerbot"] = careerbot
    app.bot_data["transports"] = transports
    return app


async def _register_commands(app: App, settings: Settings) -> None:
    """Set the command menus; optional, so a server without setMyCommands only gets a warning."""
    try:
        await app.bot.set_my_commands(PUBLIC_COMMANDS)
    except TelegramError as err:
        _LOG.warning("could not set the command menu (%s); the commands work without it",
                     describe(err))
        return
    for admin_id in sorted(settings.admin_ids):
        try:
            # Admins see /stats and /reload in their menu; others never learn they exist.
            await app.bot.set_my_commands(
                PUBLIC_COMMANDS + ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id)
            )
        except TelegramError as err:  # the admin has not opened a chat with the bot yet
            _LOG.warning("could not set the admin command menu for one admin: %s", err)
