"""The webhook server: Telegram POSTs updates here; each is stored before the 200 goes back.

It checks the secret before reading a byte of the body, reads at most ``max_body`` bytes,
answers 400 to a body that is not an update, and closes connections that stay idle (a client
that connects and sends nothing would otherwise hold a file descriptor for good).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.telegram.inbox import update_id_of

_LOG = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_BODY_BYTES = 1 << 20  # Telegram's updates are a few kilobytes
IDLE_SECONDS = 15.0  # an idle connection (no request yet, or between requests) is closed
Receive = Callable[[list[dict[str, Any]]], Awaitable[None]]


class WebhookServer:
    """An aiohttp server with one route, ``POST path``."""

    def __init__(
        self,
        receive: Receive,
        path: str,
        secret: str,
        *,
        max_body: int | None = None,
        idle_seconds: float | None = None,
    ) -> None:
        self._receive = receive
        self._path = "/" + path.strip("/")
        self._secret = secret.encode()
        self._max_body = MAX_BODY_BYTES if max_body is None else max_body
        self._idle = IDLE_SECONDS if idle_seconds is None else idle_seconds
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> None:
        app = web.Application(client_max_size=self._max_body)
        app.router.add_post(self._path, self._handle)
        # keepalive_timeout also closes connections that never send a request (aiohttp>=3.14.4).
        runner = web.AppRunner(app, access_log=None, keepalive_timeout=self._idle,
                               shutdown_timeout=5.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        """Stop accepting, let requests in progress finish (their updates are committed)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403, text="wrong or missing secret token")
        if request.content_type != "application/json":  # parameters such as charset are fine
            return web.Response(status=415, text="expected application/json")
        if request.content_length is not None and request.content_length > self._max_body:
            return web.Response(status=413, text="update too large")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="update too large")
        try:
            update = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="body is not JSON")
        if update_id_of(update) is None:
            return web.Response(status=400, text="body is not a Telegram update")
        await self._receive([update])
        return web.Response(status=200)
