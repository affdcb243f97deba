"""Private data directory and the per-install key used to pseudonymise Telegram ids."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

_LOG = logging.getLogger(__name__)
KEY_FILE = "install.key"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) or tighten an existing one; returns it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except PermissionError:  # e.g. a mounted volume owned by someone else
        _LOG.warning("could not restrict permissions of data directory %s", path)
    return path


def make_private(path: Path) -> None:
    """Tighten an existing file to mode 0600 (a restored backup may be 0644); no-op if absent."""
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
            _LOG.info("restricted permissions of %s to 0600", path.name)
    except FileNotFoundError:
        return
    except PermissionError:  # owned by someone else: reading it still works
        _LOG.warning("could not restrict permissions of %s", path)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (no window where others can read)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def load_install_key(data_dir: Path) -> bytes:
    """Read the 32-byte install key from ``data_dir``, creating it (0600) on first use."""
    path = ensure_private_dir(data_dir) / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        make_private(path)
        key = path.read_bytes()
        if len(key) < 32:
            raise ValueError(f"{path} is damaged; delete it to create a new key") from None
        return key
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def fingerprint(key: bytes) -> str:
    """A value stored beside the data to tell whether a key file is the one it was keyed with."""
    return hmac.new(key, b"careerbot install key check", hashlib.sha256).hexdigest()[:16]


class Pseudonymizer:
    """Turns Telegram chat and user ids into stable keyed hashes (HMAC-SHA256)."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __repr__(self) -> str:
        return "Pseudonymizer(key=********)"

    def _hash(self, kind: str, value: int) -> str:
        digest = hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def chat(self, chat_id: int) -> str:
        return self._hash("chat", chat_id)

    def user(self, user_id: int) -> str:
        return self._hash("user", user_id)
