"""The webhook server: secret first, bounded bodies, clear status codes, idle connections closed."""

from __future__ import annotations

import json
import socket
import sqlite3
import time

import httpx
import pytest

import bot.telegram.webhook as webhook

USER = 2020
SECRET = "s3cret-Token_123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def url(fake, start_bot, monkeypatch):
    monkeypatch.setattr(webhook, "IDLE_SECONDS", 1.0)
    port = free_port()
    start_bot(webhook=True, WEBHOOK_URL="https://bot.example.com/telegram",
              WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port), WEBHOOK_SECRET_TOKEN=SECRET)
    fake.wait_for(lambda calls: fake.calls_of("setWebhook"))
    return f"http://127.0.0.1:{port}/telegram"


def post(url, body: bytes, secret: str = SECRET, ctype: str = "application/json"):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": ctype}
    return httpx.post(url, content=body, headers=headers)


def test_an_update_is_stored_before_the_200_and_a_charset_is_accepted(fake, url, data_dir):
    message = fake.message_dict(USER, "how much do coders make")
    body = json.dumps({"update_id": 77, "message": message}).encode()
    answer = post(url, body, ctype="application/json; charset=utf-8")
    assert answer.status_code == 200
    stored = sqlite3.connect(data_dir / "careerbot.sqlite3").execute(
        "SELECT update_id FROM inbox").fetchall()
    assert stored == [(77,)]  # committed before Telegram heard "200"
    assert "median" in fake.reply(USER)["text"].lower()
    assert post(url, body).status_code == 200  # Telegram resends it: answered once only
    fake.send_text(USER, "/help")  # nothing arrives by polling in webhook mode: a barrier
    time.sleep(0.5)
    assert len(fake.sent(USER)) == 1


@pytest.mark.parametrize(("body", "ctype", "status"), [
    (b"{not json", "application/json", 400),
    (b"", "application/json", 400),
    (b'{"no": "update_id"}', "application/json", 400),
    (b"\xff\xfe", "application/json", 400),
    (b"update_id=1", "application/x-www-form-urlencoded", 415),
])
def test_bodies_that_are_not_updates_get_a_4xx_not_a_500(url, body, ctype, status):
    assert post(url, body, ctype=ctype).status_code == status


def test_the_secret_is_checked_before_the_body_is_read(url):
    host, port = url.split("/")[2].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        # 95 MB announced, 1 KB sent: the answer must not wait for (or buffer) the rest.
        sock.sendall(b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"X-Telegram-Bot-Api-Secret-Token: wrong\r\n"
                     b"Content-Length: 95000000\r\n\r\n" + b"x" * 1024)
        assert sock.recv(100).startswith(b"HTTP/1.1 403")
    too_big = b'{"update_id": 1, "pad": "' + b"x" * (2 << 20) + b'"}'
    assert post(url, too_big).status_code == 413


def test_idle_connections_are_closed(fake, url):
    host, port = url.split("/")[2].split(":")
    idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(50)]
    time.sleep(2.5)
    closed = 0
    for sock in idle:
        try:
            closed += sock.recv(1) == b""
        except OSError:  # reset: closed as well
            closed += 1
        sock.close()
    assert closed == len(idle)
    message = fake.message_dict(USER, "how much do coders make")
    body = json.dumps({"update_id": 5, "message": message}).encode()
    assert post(url, body).status_code == 200
    assert "median" in fake.reply(USER)["text"].lower()
