"""The same conversation against two independent Bot API servers: the strict fake in this
folder and ``telegram-test-api`` (npm), behind the shim in ``emulator/serve.js``.

The emulator runs when node is installed and ``npm install`` was run in
``tests/telegram/emulator`` (``.ci/run`` does both when node is on the machine)."""

from __future__ import annotations

import html
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest

from bot.config import Settings
from tests.telegram.fake_telegram import TEST_TOKEN, FakeTelegram
from tests.telegram.harness import ADMIN_ID, RunningBot, buttons

USER = 5151
EMULATOR = Path(__file__).parent / "emulator"
PACKAGE = EMULATOR / "node_modules" / "telegram-test-api" / "package.json"


@dataclass
class Sent:
    """A message the bot sent, as the user's app shows it."""

    message_id: int
    text: str
    buttons: list[tuple[str, str]]
    raw: dict[str, Any] = field(repr=False)

    def data(self, label: str) -> str:
        return dict(self.buttons)[label]


class Server(Protocol):
    base_url: str

    def send(self, text: str) -> None: ...
    def replies(self, count: int) -> list[Sent]: ...
    def press(self, message: Sent, data: str) -> None: ...
    def markup_after_edit(self, message: Sent) -> list[tuple[str, str]]: ...


T = TypeVar("T")


def wait(predicate: Callable[[], T | None], timeout: float = 10.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


class FakeServer:
    """The strict fake, driven as a user."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.base_url = fake.base_url

    def send(self, text: str) -> None:
        self.fake.send_text(USER, text)

    def replies(self, count: int) -> list[Sent]:
        return [Sent(m["message_id"], m["text"], buttons(m), m)
                for m in self.fake.replies(USER, count, timeout=10)]

    def press(self, message: Sent, data: str) -> None:
        self.fake.press(message.raw, data)

    def markup_after_edit(self, message: Sent) -> list[tuple[str, str]]:
        edits = wait(lambda: [c for c in self.fake.calls_of("editMessageReplyMarkup")
                              if c.params.get("message_id") == message.message_id])
        return buttons({"reply_markup": edits[-1].params.get("reply_markup")})


class EmulatorServer:
    """telegram-test-api through its client API (what its own TelegramClient does)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.base_url = url  # no "/bot": the bot normalises TELEGRAM_API_BASE_URL
        self.seen = 0
        self.user = {"id": USER, "first_name": "Alex", "username": "alex", "is_bot": False}
        self.chat = {"id": USER, "first_name": "Alex", "username": "alex", "type": "private"}

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(f"{self.url}{path}", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def send(self, text: str) -> None:
        message: dict[str, Any] = {"botToken": TEST_TOKEN, "from": self.user, "chat": self.chat,
                                   "date": int(time.time()), "text": text}
        if text.startswith("/"):
            word = text.split(maxsplit=1)[0]
            message["entities"] = [{"offset": 0, "length": len(word), "type": "bot_command"}]
            self._post("/sendCommand", message)
        else:
            self._post("/sendMessage", message)

    def _history(self) -> list[dict[str, Any]]:
        items = self._post("/getUpdatesHistory", {"token": TEST_TOKEN})["result"]
        return [i for i in items if "chat_id" in i.get("message", {})
                and str(i["message"]["chat_id"]) == str(USER)]

    @staticmethod
    def _sent(item: dict[str, Any]) -> Sent:
        message = item["message"]
        text = html.unescape(re.sub(r"</?[a-z]+>", "", message["text"]))
        return Sent(item["messageId"], text, buttons(message), item)

    def replies(self, count: int) -> list[Sent]:
        def enough() -> list[dict[str, Any]] | None:
            items = self._history()[self.seen:]
            return items if len(items) >= count else None

        fresh = wait(enough)
        self.seen += len(fresh)
        return [self._sent(i) for i in fresh]

    def press(self, message: Sent, data: str) -> None:
        shown = message.raw["message"]
        self._post("/sendCallback", {
            "botToken": TEST_TOKEN, "date": int(time.time()), "from": self.user, "data": data,
            "message": {"message_id": message.message_id, "date": message.raw["time"],
                        "chat": {"id": USER, "first_name": "Bot", "type": "private"},
                        "from": {"id": 666, "is_bot": True, "first_name": "Test First name",
                                 "username": "TestNameBot"},
                        "text": shown["text"], "reply_markup": shown.get("reply_markup")},
        })

    def markup_after_edit(self, message: Sent) -> list[tuple[str, str]]:
        def edited() -> list[tuple[str, str]] | None:
            for item in self._history():
                if item["messageId"] == message.message_id:
                    now = buttons(item["message"])
                    return now if now != message.buttons else None
            return None
        return wait(edited)


def conversation(server: Server, bot: RunningBot) -> None:
    """Start, a question, a follow-up, /schools with a level, a button, a vote."""
    server.send("/start")
    [greeting] = server.replies(1)
    assert "medical coding specialists" in greeting.text
    assert ("Pay", "topic:salary") in greeting.buttons

    server.send("how much do medical coders make?")
    [pay] = server.replies(1)
    assert "median" in pay.text.lower() and "Source" in pay.text

    server.send("and at insurance companies?")
    [insurance] = server.replies(1)
    assert "insurance" in insurance.text.lower() and insurance.text != pay.text

    server.send("/schools bachelors")
    [schools] = server.replies(1)
    assert "Listed schools with bachelor's degree programs:" in schools.text
    assert "None" not in schools.text

    server.press(greeting, greeting.data("Job outlook"))
    [outlook] = server.replies(1)
    assert "growth" in outlook.text.lower() or "outlook" in outlook.text.lower()

    server.press(outlook, outlook.data("👍 Helpful"))
    after = server.markup_after_edit(outlook)
    assert "👍 Helpful" not in dict(after) and after  # the other buttons stay
    storage = bot.careerbot.store.storage
    wait(lambda: storage.stats().feedback_up == 1)

    server.send("/help")  # nothing went wrong on the way
    [help_text] = server.replies(1)
    assert "Sorry, something went wrong" not in help_text.text


def start(base_url: str, data_dir: Path) -> RunningBot:
    environ = {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_BASE_URL": base_url,
               "DATA_DIR": str(data_dir), "ADMIN_IDS": str(ADMIN_ID), "LOG_LEVEL": "INFO",
               "TELEGRAM_RATE_LIMIT": "0"}
    return RunningBot(Settings.load(environ=environ, dotenv=None)).start()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def emulator() -> Iterator[str]:
    """telegram-test-api and its shim on 127.0.0.1; the shim's address."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the telegram-test-api run needs node and npm")
    if not PACKAGE.is_file():
        pytest.skip("telegram-test-api is not installed: run `npm install` in "
                    f"{EMULATOR} (needs node and npm)")
    port = free_port()
    proc = subprocess.Popen([node, str(EMULATOR / "serve.js"), str(port), str(free_port())],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            proc.kill()
            errors = proc.stderr.read() if proc.stderr is not None else ""
            raise AssertionError(f"the emulator did not start: {line}{errors}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=10)  # also closes the pipes
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def test_the_conversation_against_the_strict_fake(fake, data_dir):
    bot = start(fake.base_url, data_dir)
    try:
        conversation(FakeServer(fake), bot)
    finally:
        bot.stop()


def test_the_conversation_against_telegram_test_api(emulator, data_dir):
    bot = start(emulator, data_dir)
    try:
        conversation(EmulatorServer(emulator), bot)
    finally:
        bot.stop()
