"""Where updates come in: long polling or the webhook, feeding the inbox.

python-telegram-bot's own Updater parses every batch of ``getUpdates`` before it confirms the
offset, so one update it cannot parse stops the bot for everyone, and it confirms updates that
were never handled. This updater fetches raw JSON instead, stores each update in the inbox and
only then confirms it; parsing happens per update, in the inbox, where a failure skips that one
update. It plugs into ``Application.run_polling``/``run_webhook`` like the original.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
from collections.abc import Sequence
from typing import Any

from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Updater

from bot.telegram.inbox import Inbox, describe, update_id_of
from bot.telegram.webhook import WebhookServer

_LOG = logging.getLogger(__name__)
POLL_SECONDS = 10  # long-polling wait per getUpdates
_BACKOFF_MAX = 30.0


def _seconds(value: object, default: float) -> float:
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value) if isinstance(value, int | float) else default


class InboxUpdater(Updater):
    """An :class:`~telegram.ext.Updater` whose updates go through the :class:`Inbox`."""

    def __init__(self, app: Any, inbox: Inbox) -> None:
        super().__init__(app.bot, app.update_queue)
        self._app = app
        self._inbox = inbox
        self._active = False
        self._poller: asyncio.Task[None] | None = None
        self._server: WebhookServer | None = None

    @property
    def running(self) -> bool:
        return self._active

    # ------------------------------------------------------------------ polling
    async def start_polling(
        self,
        poll_interval: float = 0.0,
        timeout: object = POLL_SECONDS,
        bootstrap_retries: int = 0,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        error_callback: object = None,
    ) -> asyncio.Queue[object]:
        """Delete any webhook, replay the inbox, then poll in the background."""
        await self.bot.delete_webhook(drop_pending_updates=bool(drop_pending_updates))
        await self._inbox.start()
        self._active = True
        wait = _seconds(timeout, POLL_SECONDS)
        self._poller = asyncio.create_task(self._poll(list(allowed_updates or ()), wait),
                                           name="getUpdates")
        return self.update_queue

    async def _poll(self, allowed: list[str], wait: float) -> None:
        offset = 0
        failures = 0
        while self._active:
            await self._inbox.wait_for_room()
            params: dict[str, Any] = {"timeout": int(wait), "allowed_updates": allowed}
            if offset:
                params["offset"] = offset  # confirms every update before it: all are stored
            try:
                batch = await self.bot.do_api_request("getUpdates", api_kwargs=params,
                                                      read_timeout=wait + 10)
            except InvalidToken:
                _LOG.error("Telegram no longer accepts TELEGRAM_BOT_TOKEN (revoked?); stopping")
                self._app.bot_data["fatal"] = "Telegram no longer accepts TELEGRAM_BOT_TOKEN"
                self._app.stop_running()
                return
            except TelegramError as error:
                failures += 1
                delay = min(_BACKOFF_MAX, 0.5 * 2 ** min(failures, 6))
                if isinstance(error, RetryAfter):
                    delay = max(delay, _seconds(error.retry_after, delay))
                if failures == 1 or failures % 20 == 0:
                    _LOG.warning("cannot fetch updates (%s); retrying in %.0f s",
                                 describe(error), delay)
                await asyncio.sleep(delay)
                continue
            if failures:
                _LOG.warning("fetching updates again after %d failed attempt(s)", failures)
                failures = 0
            if not isinstance(batch, list) or not batch:
                continue
            await self._inbox.receive(batch)
            ids = [i for i in map(update_id_of, batch) if i is not None]
            if ids:
                offset = max(offset, max(ids) + 1)

    # ------------------------------------------------------------------ webhook
    async def start_webhook(
        self,
        listen: object = "127.0.0.1",
        port: object = 80,
        url_path: str = "",
        cert: object = None,
        key: object = None,
        bootstrap_retries: int = 0,
        webhook_url: str | None = None,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        ip_address: str | None = None,
        max_connections: int = 40,
        secret_token: str | None = None,
        unix: object = None,
    ) -> asyncio.Queue[object]:
        """Replay the inbox, serve ``url_path`` on ``listen:port``, then call setWebhook."""
        if cert is not None or key is not None or unix is not None:
            raise ValueError("TLS and unix sockets belong to the reverse proxy in front")
        if not secret_token or not webhook_url:
            raise ValueError("the webhook needs its public URL and a secret token")
        await self._inbox.start()
        server = WebhookServer(self._inbox.receive, url_path, secret_token)
        await server.start(str(listen), int(port) if isinstance(port, int | str) else 80)
        self._server = server
        self._active = True
        await self.bot.set_webhook(
            url=webhook_url,
            allowed_updates=list(allowed_updates) if allowed_updates is not None else None,
            drop_pending_updates=drop_pending_updates,
            ip_address=ip_address,
            max_connections=max_connections,
            secret_token=secret_token,
        )
        return self.update_queue

    # ------------------------------------------------------------------ stopping
    async def stop(self) -> None:
        """Stop fetching, finish the updates in progress; the rest wait in the inbox."""
        self._active = False
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self._server is not None:
            await self._server.stop()
            self._server = None
        await self._inbox.stop()
