"""Fixtures: a fake Telegram server and the real bot running against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.telegram.fake_telegram import FakeTelegram
from tests.telegram.harness import RunningBot, make_settings


def pytest_configure(config: pytest.Config) -> None:
    # The bot calls the raw API on purpose (bot.telegram.sender filters this warning itself).
    config.addinivalue_line(
        "filterwarnings", r"ignore:Please use 'Bot\.\w+':telegram.warnings.PTBUserWarning"
    )


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def start_bot(fake: FakeTelegram, data_dir: Path) -> Iterator[Callable[..., RunningBot]]:
    """Start the bot (``start_bot(FLOOD_MAX_MESSAGES="3")`` to change settings); stopped after."""
    running: list[RunningBot] = []

    def start(webhook: bool | None = None, **env: str) -> RunningBot:
        bot = RunningBot(make_settings(fake, data_dir, **env), webhook).start()
        running.append(bot)
        return bot

    yield start
    for bot in running:
        bot.stop()


@pytest.fixture
def bot(start_bot: Callable[..., RunningBot]) -> RunningBot:
    return start_bot()

