"""Durable storage: conversation context, feedback and unanswered questions."""

from __future__ import annotations

from bot.storage.base import Stats, Storage, Turn
from bot.storage.keys import Pseudonymizer, load_install_key
from bot.storage.sqlite import SqliteStorage

__all__ = ["Pseudonymizer", "SqliteStorage", "Stats", "Storage", "Turn", "load_install_key"]
