"""Rules for the code: one root for the bot's errors, only python-telegram-bot's public API."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import bot
from bot.errors import CareerBotError

ROOT = Path(__file__).resolve().parent.parent


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


def _private_telegram_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:  # also `from telegram import _x`
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "telegram" and any(part.startswith("_") for part in parts[1:]):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    return found


def test_nothing_imports_python_telegram_bot_private_modules() -> None:
    files = [p for folder in ("bot", "tests", "benchmarks") for p in (ROOT / folder).rglob("*.py")]
    assert len(files) > 50
    assert [hit for path in sorted(files) for hit in _private_telegram_imports(path)] == []
