"""The built engine, kept on disk between starts, under a key that no stale data can match.

Loading reads and validates every YAML file and builds the intent index and the phrase
spotter: most of a start-up. What it builds depends only on those files, the bot's own code,
the libraries that read and match them, and the interpreter, so the engine is stored under a
BLAKE2b (256-bit) hash of all of them: every byte of every file under the knowledge and intents
folders (and their names and locations), every byte of every module of the ``bot`` package,
PyYAML's files (its version, and whether libyaml is there), and the rapidfuzz and Python
versions. An edit to any of them is a new key, so a start after it builds
afresh (and reports any problem with file and line, as always); only data that loaded without
a problem is ever stored.

The entry is a pickle, which can run code when loaded, so it is read only from a folder and a
file that belong to this user and that nobody else may write (the folder is made 0700 and
each file 0600, written under a temporary name and renamed into place). Anything unusual (no
such folder, another owner, a damaged file, a full disk) means no cache: the engine is built
as usual.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rapidfuzz

try:  # the C module behind hashlib.blake2b: importing hashlib loads OpenSSL (~5 ms a start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without it
    from hashlib import blake2b

FORMAT = 1  # bump when what is stored changes shape without any code change
PREFIX = "engine-"
SUFFIX = ".pickle"
KEEP = 8  # entries kept per folder (data folders side by side, tests): the newest ones
STALE_SECONDS = 3600  # a temporary file this old was left by a process that died writing it
_CODE_ROOT = Path(__file__).resolve().parent


def key(knowledge_dir: Path, intents_dir: Path) -> str:
    """The hex digest naming the engine built from these folders with this code.

    The folders count as given and as resolved (the engine keeps the paths it was given, for
    messages that name a file), and so does the working folder when one is relative.
    """
    digest = blake2b(digest_size=32)
    digest.update(repr((FORMAT, sys.version, sys.implementation.cache_tag,
                        pickle.HIGHEST_PROTOCOL, rapidfuzz.__version__)).encode())
    _add_yaml(digest)
    roots = (("code", _CODE_ROOT, ".py"), ("knowledge", Path(knowledge_dir), ""),
             ("intents", Path(intents_dir), ""))
    if not all(root.is_absolute() for _, root, _ in roots):
        digest.update(f"\0cwd\0{os.getcwd()}".encode())
    for label, root, suffix in roots:
        digest.update(f"\0{label}\0{root}\0{root.resolve()}\0".encode())
        for relative, path in _files(root, suffix):
            digest.update(f"\0{relative}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _add_yaml(digest: Any) -> None:
    """PyYAML's version and build, from its files: importing it just for its version would
    cost the ~20 ms a cached start saves by reading no YAML (``bot.yamlfile``)."""
    spec = importlib.util.find_spec("yaml")
    if spec is None or spec.origin is None:
        digest.update(b"\0no yaml")
        return
    init = Path(spec.origin)
    digest.update(f"\0yaml\0{init}\0".encode())
    digest.update(init.read_bytes())  # holds __version__
    for entry in sorted(os.scandir(init.parent), key=lambda e: e.name):
        if entry.is_file():  # the libyaml binding is a file here, or is not
            digest.update(f"\0{entry.name}\0{entry.stat().st_size}".encode())


def _files(root: Path, suffix: str) -> Iterator[tuple[str, Path]]:
    """Every file under ``root`` (ending in ``suffix``), by relative path, in a fixed order."""
    found: list[tuple[str, Path]] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if name.endswith(suffix):
                path = Path(folder, name)
                found.append((path.relative_to(root).as_posix(), path))
    return iter(sorted(found))


def _private(st: os.stat_result) -> bool:
    """Whether a file or folder belongs to this user and nobody else may write to it."""
    owner = getattr(os, "getuid", None)
    mine = owner is None or st.st_uid == owner()
    return mine and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read(folder: Path, name: str) -> Any | None:
    """The object stored under ``name`` in ``folder``, or None when there is none to trust."""
    path = folder / f"{PREFIX}{name}{SUFFIX}"
    try:
        if not _private(folder.stat()):
            return None
        with path.open("rb") as file:
            if not _private(os.fstat(file.fileno())):
                return None
            return pickle.load(file)  # noqa: S301 - our own file, in our own private folder
    except Exception:  # a missing or damaged entry only means a build
        return None


def write(folder: Path, name: str, value: object) -> bool:
    """Store ``value`` under ``name`` (atomically), keeping the newest KEEP entries."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder.stat()):
            return False
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        temporary = folder / f".{PREFIX}{name}.{os.getpid()}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            os.replace(temporary, folder / f"{PREFIX}{name}{SUFFIX}")
        finally:
            temporary.unlink(missing_ok=True)
    except Exception:  # no cache (read-only home, full disk): the engine is built each time
        return False
    _prune(folder)
    return True


def _prune(folder: Path) -> None:
    """Delete all but the KEEP newest entries, and what a process killed while writing left
    behind (another process may be pruning too)."""
    dated: list[tuple[float, Path]] = []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        try:
            dated.append((path.stat().st_mtime, path))
        except OSError:
            continue
    stale = [old for _, old in sorted(dated, reverse=True)[KEEP:]]
    now = time.time()
    for path in folder.glob(f".{PREFIX}*.tmp"):
        try:
            if now - path.stat().st_mtime > STALE_SECONDS:
                stale.append(path)
        except OSError:
            continue
    for old in stale:
        try:
            old.unlink()
        except OSError:
            continue
