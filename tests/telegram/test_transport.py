"""The aiohttp transport: JSON bodies, python-telegram-bot errors, no URL (token) in errors."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.telegram.transport import AiohttpRequest

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"


async def test_parameters_reach_the_server_as_json_and_the_body_comes_back() -> None:
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length")))
        seen.append(await reader.readexactly(length))
        body = b'{"ok":true,"result":true}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    await request.initialize()
    # The raw call the bot's sender makes, through python-telegram-bot's public API.
    result = await bot.do_api_request("sendMessage", api_kwargs={"chat_id": 42, "text": "a & b"})
    await request.shutdown()
    server.close()
    assert result is True
    assert [json.loads(body) for body in seen] == [{"chat_id": 42, "text": "a & b"}]


async def test_timeouts_and_refused_connections_map_to_ptb_errors() -> None:
    release, closed = asyncio.Event(), asyncio.Event()

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()  # no answer while the client waits
        writer.close()
        closed.set()

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest(read_timeout=0.2, write_timeout=0.0, retry_delays=())
    await request.initialize()
    with pytest.raises(TimedOut):
        await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
    release.set()
    await closed.wait()  # the handler closes its socket before the event loop ends
    server.close()

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as caught:
        await request.do_request(f"http://127.0.0.1:{closed_port}/bot{TOKEN}/getMe", "POST")
    await request.shutdown()
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)


async def test_start_up_calls_survive_a_5xx_and_a_reset_but_replies_are_not_repeated() -> None:
    """getMe and friends are retried with backoff; sendMessage is left to the inbox."""
    seen: list[str] = []
    answers = [b"reset", b"500", b"ok"]

    async def flaky(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head.split(b" ")[1].rsplit(b"/", 1)[-1].decode())
        answer = answers.pop(0) if answers else b"ok"
        if answer == b"reset":
            writer.transport.abort()  # connection reset, no response
            return
        status, body = (b"500 Internal Server Error", b'{"ok":false,"error_code":500}') if (
            answer == b"500") else (b"200 OK", b'{"ok":true,"result":true}')
        writer.write(b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(flaky, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest(retry_delays=(0.01, 0.01, 0.01))
    await request.initialize()
    status, _ = await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
    assert status == 200 and seen == ["getMe", "getMe", "getMe"]
    answers[:] = [b"500"]
    status, _ = await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage",
                                         "POST")
    await request.shutdown()
    server.close()
    assert status == 500 and seen[3:] == ["sendMessage"]  # once: the inbox decides
