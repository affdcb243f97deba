"""Rules for the code itself: one root for the bot's errors."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import bot
from bot.errors import CareerBotError


def _bot_modules() -> list[str]:
    found = pkgutil.walk_packages(bot.__path__, "bot.")
    return sorted(info.name for info in found if not info.name.endswith("__main__"))  # runs the CLI


def test_every_error_the_bot_defines_derives_from_one_root() -> None:
    strays = []
    for name in _bot_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (cls.__module__ == name and issubclass(cls, BaseException)
                    and not issubclass(cls, CareerBotError)):
                strays.append(f"{name}.{cls.__qualname__}")
    assert strays == []
