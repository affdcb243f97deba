"""Run the real bot (bot.telegram.runner.run, as `career-bot run` does) in a thread."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.telegram.runner import run
from tests.telegram.fake_telegram import TEST_TOKEN, FakeTelegram

ADMIN_ID = 42
ROOT = Path(__file__).resolve().parents[2]


def make_settings(fake: FakeTelegram, data_dir: Path, **env: str) -> Settings:
    """Settings read the way the CLI reads them: from environment variables."""
    environ = {
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATA_DIR": str(data_dir),
        "ADMIN_IDS": str(ADMIN_ID),
        "LOG_LEVEL": "INFO",
        "TELEGRAM_RATE_LIMIT": "0",
    }
    environ.update(env)
    return Settings.load(environ=environ, dotenv=None)


class RunningBot:
    """The application in a background thread with its own event loop."""

    def __init__(self, settings: Settings, webhook: bool | None = None, **kwargs: Any) -> None:
        self.settings = settings
        self.webhook = webhook
        self.kwargs = kwargs
        self.app: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.exit_code: int | None = None
        self.stderr = io.StringIO()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="bot-under-test", daemon=True)

    def _on_ready(self, app: Any) -> None:
        self.app = app
        self.loop = asyncio.get_running_loop()
        # post_init runs before polling starts; signal once the loop is free to serve.
        self.loop.call_soon(self._ready.set)

    def _main(self) -> None:
        try:
            self.exit_code = run(
                self.settings, self.webhook, on_ready=self._on_ready, err=self.stderr,
                **self.kwargs,
            )
        finally:
            self._ready.set()

    def start(self, timeout: float = 10.0) -> RunningBot:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise AssertionError("bot did not start")
        if self.app is None:
            raise AssertionError(f"bot exited early ({self.exit_code}): {self.stderr.getvalue()}")
        return self

    @property
    def careerbot(self) -> Any:
        return self.app.bot_data["careerbot"]

    def stop(self, timeout: float = 10.0) -> int | None:
        if self.loop is not None and self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.app.stop_running)
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "bot did not stop"
        return self.exit_code


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, callback_data)`` of every inline button under a sent message."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


class BotProcess:
    """``python -m bot run`` in a child process (as in production), for crash tests."""

    def __init__(self, fake: FakeTelegram, data_dir: Path, **env: str) -> None:
        self.fake = fake
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
                    "TELEGRAM_API_BASE_URL": fake.base_url, "DATA_DIR": str(data_dir),
                    "LOG_LEVEL": "INFO", "TELEGRAM_RATE_LIMIT": "0", "ADMIN_IDS": str(ADMIN_ID),
                    "PYTHONPATH": str(ROOT), **env}
        self.cwd = data_dir.parent
        self.proc: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 20.0) -> BotProcess:
        """Start and wait until it polls (each start deletes the webhook first)."""
        before = self.fake.count("deleteWebhook")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=self.cwd, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self.fake.wait_for(lambda _: self.fake.count("deleteWebhook") > before, timeout)
        return self

    def kill(self) -> str:
        """SIGKILL: no clean-up of any kind. Returns what it logged."""
        assert self.proc is not None
        self.proc.kill()
        _, stderr = self.proc.communicate(timeout=10)
        return stderr

    def stop(self) -> tuple[int, str]:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        _, stderr = self.proc.communicate(timeout=20)
        return self.proc.returncode, stderr
