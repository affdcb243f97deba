"""Durable storage: conversation context, feedback, unanswered questions and the inbox."""

from __future__ import annotations

from pathlib import Path

from bot.storage.base import Stats, Storage, StorageError, Turn
from bot.storage.keys import KEY_FILE, Pseudonymizer, fingerprint, load_install_key
from bot.storage.sqlite import SqliteStorage, explain

__all__ = ["Pseudonymizer", "SqliteStorage", "Stats", "Storage", "StorageError", "Turn",
           "explain", "load_install_key", "open_storage"]
_KEY_CHECK = "key_check"


def open_storage(data_dir: Path, retention_days: int) -> tuple[SqliteStorage, Pseudonymizer]:
    """The database and the install key, checked to belong together.

    Raises :class:`StorageError` (one line) when either cannot be used: a damaged, locked or
    read-only database, a full disk, or a key missing or replaced while data keyed with it is
    stored (a new key would silently orphan every stored context).
    """
    storage = SqliteStorage(data_dir, retention_days)
    try:
        key_path = data_dir / KEY_FILE
        expected = storage.meta(_KEY_CHECK)
        if not key_path.exists() and (expected is not None or storage.has_data()):
            raise StorageError(
                f"{key_path} is missing but {storage.path.name} holds data keyed with it: "
                "restore install.key from your backup (or move both files aside to start "
                "afresh)")
        try:
            key = load_install_key(data_dir)
        except ValueError as error:
            raise StorageError(str(error)) from None
        except OSError as error:
            raise StorageError(explain(error, key_path)) from None
        if expected is None:
            storage.set_meta(_KEY_CHECK, fingerprint(key))
        elif expected != fingerprint(key):
            raise StorageError(
                f"{key_path} is not the key {storage.path.name} was written with: restore "
                "the matching install.key from your backup")
    except BaseException:
        storage.close()
        raise
    return storage, Pseudonymizer(key)
