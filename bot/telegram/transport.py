"""The HTTP transport for Bot API calls: aiohttp behind python-telegram-bot's BaseRequest.

python-telegram-bot's default transport (httpx) spends most of the bot's CPU in its
connection-pool bookkeeping once dozens of updates are handled at once: measured here at
~110-190 updates/s against ~300-420 with aiohttp's C-accelerated client on the same machine
(benchmarks/bench_telegram.py). Everything above the transport (request encoding, error
mapping, rate limiting) is still python-telegram-bot's own.

Calls that are safe to repeat (start-up calls such as getMe, setMyCommands, deleteWebhook)
are retried here, with backoff, when the connection fails or Telegram answers 5xx: one
hiccup at start must not end the process. Replies are retried by the inbox instead, which
knows whether a reply was already taken.
"""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_LOG = logging.getLogger(__name__)
# Methods that change nothing when repeated.
IDEMPOTENT = frozenset({
    "getMe", "getMyCommands", "setMyCommands", "deleteMyCommands", "getWebhookInfo",
    "setWebhook", "deleteWebhook",
})
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)  # about 15 s in all


def _seconds(value: object, default: float | None) -> float | None:
    if value is None or isinstance(value, int | float):
        return value
    return default  # python-telegram-bot's "not given" marker


class AiohttpRequest(BaseRequest):
    """Bot API requests over a pool of at most ``connections`` keep-alive connections."""

    def __init__(
        self,
        connections: int = 8,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        write_timeout: float = 10.0,
        pool_timeout: float = 30.0,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
    ) -> None:
        self._connections = connections
        self._retry_delays = retry_delays
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # trust_env: honour HTTPS_PROXY and friends, as httpx would.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections), trust_env=True)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        read = _seconds(read_timeout, self._read_timeout)
        write = _seconds(write_timeout, self._write_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_seconds(pool_timeout, self._pool_timeout),  # waiting for a free connection
            sock_connect=_seconds(connect_timeout, self._connect_timeout),
            # Bounds every wait for the server: a hung call ends in TimedOut.
            sock_read=None if read is None and write is None else max(read or 0, write or 0),
        )
        api_method = url.rsplit("/", 1)[-1]
        delays = self._retry_delays if api_method in IDEMPOTENT else ()
        for attempt in range(len(delays) + 1):
            try:
                status, body = await self._request(url, method, request_data, timeout)
            except NetworkError as err:
                if attempt == len(delays):
                    raise
                failure = str(err)
            else:
                if status < 500 or attempt == len(delays):
                    return status, body
                failure = f"HTTP {status}"
            _LOG.warning("Bot API %s failed (%s); retrying in %.1f s", api_method, failure,
                         delays[attempt])
            await asyncio.sleep(delays[attempt])
        raise AssertionError("unreachable")

    async def _request(self, url: str, http_method: str, request_data: RequestData | None,
                       timeout: aiohttp.ClientTimeout) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            await self.initialize()
        assert self._session is not None
        body: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] = {}
        if request_data is not None:
            if request_data.contains_files:
                form = aiohttp.FormData(request_data.json_parameters)
                for name, part in request_data.multipart_data.items():
                    filename, content, mime = part if len(part) == 3 else (*part, None)
                    form.add_field(name, content, filename=filename, content_type=mime)
                body = form
            else:
                # The Bot API takes JSON bodies; the C json encoder is several times cheaper
                # than form-urlencoding long message texts byte by byte.
                body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
                headers["Content-Type"] = "application/json"
        try:
            async with self._session.request(http_method, url, data=body, headers=headers,
                                             timeout=timeout) as resp:
                return resp.status, await resp.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # The exception text may carry the URL, and the URL carries the token: name the
            # kind of failure only.
            raise NetworkError(f"aiohttp: {type(err).__name__}") from None
