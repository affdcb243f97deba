"""The HTTP transport for Bot API calls: aiohttp behind python-telegram-bot's BaseRequest.

python-telegram-bot's default transport (httpx) spends most of the bot's CPU in its
connection-pool bookkeeping once dozens of updates are handled at once: measured here at
~110-190 updates/s against ~300-420 with aiohttp's C-accelerated client on the same machine
(benchmarks/bench_telegram.py). Everything above the transport (request encoding, error
mapping, retries, rate limiting) is still python-telegram-bot's own.
"""

from __future__ import annotations

import json

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


def _seconds(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


class AiohttpRequest(BaseRequest):
    """Bot API requests over a pool of at most ``connections`` keep-alive connections."""

    def __init__(
        self,
        connections: int = 8,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        write_timeout: float = 10.0,
        pool_timeout: float = 30.0,
    ) -> None:
        self._connections = connections
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
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            await self.initialize()
        assert self._session is not None
        read = _seconds(read_timeout, self._read_timeout)
        write = _seconds(write_timeout, self._write_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_seconds(pool_timeout, self._pool_timeout),  # waiting for a free connection
            sock_connect=_seconds(connect_timeout, self._connect_timeout),
            sock_read=None if read is None and write is None else (read or 0) + (write or 0),
        )
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
            async with self._session.request(method, url, data=body, headers=headers,
                                             timeout=timeout) as resp:
                return resp.status, await resp.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            # The exception text may carry the URL, and the URL carries the token: name the
            # kind of failure only.
            raise NetworkError(f"aiohttp: {type(err).__name__}") from None
