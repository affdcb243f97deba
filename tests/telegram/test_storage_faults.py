"""Broken disks and databases: one clear line at start, answers without the disk when running."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import pytest

from bot.storage import SqliteStorage, open_storage
from bot.storage.base import Turn
from bot.telegram.runner import run
from tests.telegram.harness import make_settings

USER = 8008
DB = "careerbot.sqlite3"


def start_fails(fake, data_dir: Path) -> str:
    """Run the bot; it must exit 1 with exactly one line on stderr. Returns that line."""
    err = io.StringIO()
    assert run(make_settings(fake, data_dir), err=err) == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 1, err.getvalue()
    assert "Traceback" not in lines[0]
    return lines[0]


def make_data(data_dir: Path) -> None:
    """A data directory with a stored context, as a bot that ran before leaves it."""
    storage, ids = open_storage(data_dir, 90)
    storage.record_turn(Turn(ids.chat(USER), ids.user(USER), {"topic": "salary"}, "salary", True))
    storage.close()


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB file system of its own, which tests may fill (needs permission to mount)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if done.returncode:
        pytest.skip("needs permission to mount a small tmpfs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(directory: Path) -> Path:
    """Write a file until the file system is full."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)
    return filler


@contextlib.contextmanager
def read_only(path: Path):
    """Make ``path`` unwritable, for root too (root ignores modes: use the immutable flag)."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode:
            pytest.skip("root needs chattr to make a file read-only")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=False)
    else:
        path.chmod(0o400)
        try:
            yield
        finally:
            path.chmod(0o600)


# ----------------------------------------------------------------------- at start
def test_a_damaged_database_is_one_line_saying_what_to_do(fake, data_dir):
    make_data(data_dir)
    (data_dir / DB).write_bytes(b"this is not a database" * 200)
    line = start_fails(fake, data_dir)
    assert "damaged" in line and "move the file aside" in line and "backup" in line


def test_a_truncated_database_is_reported_as_damaged(fake, data_dir):
    make_data(data_dir)
    storage = SqliteStorage(data_dir)
    for i in range(300):  # enough rows for several pages
        storage.record_turn(Turn(f"c{i}", "u", {"x": "y" * 200}, "salary", True))
    storage.close()
    path = data_dir / DB
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "damaged" in start_fails(fake, data_dir)


def test_a_database_locked_by_another_program_is_one_line(fake, data_dir):
    make_data(data_dir)
    other = sqlite3.connect(data_dir / DB, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        line = start_fails(fake, data_dir)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "locked by another program" in line


def test_a_read_only_database_is_one_line(fake, data_dir):
    make_data(data_dir)
    with read_only(data_dir / DB):
        line = start_fails(fake, data_dir)
    assert "read-only" in line and "writable" in line


def test_a_full_disk_at_start_is_one_line(fake, small_disk):
    data_dir = small_disk / "data"
    fill(small_disk)
    assert "no space left" in start_fails(fake, data_dir)


def test_a_missing_install_key_is_refused_instead_of_orphaning_the_contexts(fake, data_dir):
    make_data(data_dir)
    key = data_dir / "install.key"
    saved = key.read_bytes()
    key.unlink()
    line = start_fails(fake, data_dir)
    assert "install.key is missing" in line and "restore" in line
    assert not key.exists()  # no new key was made behind the operator's back
    key.write_bytes(os.urandom(32))
    assert "is not the key" in start_fails(fake, data_dir)
    key.write_bytes(saved)
    storage, ids = open_storage(data_dir, 90)
    assert storage.load_state(ids.chat(USER)) == {"topic": "salary"}
    storage.close()


def test_restored_files_are_tightened_to_owner_only(fake, start_bot, data_dir):
    make_data(data_dir)
    wal = data_dir / (DB + "-wal")
    wal.write_bytes(b"")
    for path in (data_dir / DB, data_dir / "install.key", wal):
        path.chmod(0o644)
    data_dir.chmod(0o755)
    start_bot()
    fake.send_text(USER, "how much do coders make")
    fake.reply(USER)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in data_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# ----------------------------------------------------------------------- while running
def test_a_locked_database_does_not_stop_the_answers(fake, start_bot, data_dir, caplog):
    caplog.set_level(logging.INFO)
    start_bot()
    other = sqlite3.connect(data_dir / DB, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. an operator's sqlite3 shell mid-transaction
    try:
        fake.send_text(USER, "how much do coders make")
        assert "median" in fake.reply(USER, timeout=4)["text"].lower()
        started = time.monotonic()
        fake.send_text(USER, "what about at insurance companies")  # context kept in memory
        assert "insurance" in fake.reply(USER, timeout=4)["text"].lower()
        assert time.monotonic() - started < 1.0  # no second wait for the lock
    finally:
        other.execute("ROLLBACK")
        other.close()
    stopped = [r for r in caplog.records if "answering without saving" in r.getMessage()]
    assert len(stopped) == 1 and "locked" in stopped[0].getMessage()
    # Once the lock is gone, writing resumes (one line) and the next turn is stored again.
    deadline = time.monotonic() + 15
    while not any("writing again" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, "storage never recovered"
        fake.send_text(3003, "hello")
        fake.reply(3003, timeout=5)
        time.sleep(0.5)
    fake.send_text(USER, "do I need a license")
    fake.reply(USER)
    time.sleep(0.2)
    db = sqlite3.connect(data_dir / DB)
    assert db.execute("SELECT COUNT(*) FROM events WHERE intent LIKE 'licens%'").fetchone()[0]


def test_a_full_disk_does_not_stop_the_answers(fake, start_bot, small_disk, caplog):
    caplog.set_level(logging.INFO)
    data_dir = small_disk / "data"
    start_bot(DATA_DIR=str(data_dir))
    filler = fill(small_disk)
    question = "zzqx plorb vimble " * 50  # unanswered: stored in full, so the database grows
    for user in range(9000, 9030):
        fake.send_text(user, question)
        assert fake.reply(user, timeout=5)["text"]
    assert any("no space left" in r.getMessage() for r in caplog.records)
    filler.unlink()


def test_forget_leaves_no_trace_of_the_texts_in_any_file(fake, bot, data_dir):
    secret = "zzqx my private plorb question"
    fake.send_text(USER, secret)
    fake.reply(USER)
    fake.send_text(USER, "/forget")
    assert "deleted" in fake.reply(USER)["text"]
    time.sleep(0.2)
    for path in data_dir.iterdir():  # while the bot still runs: the -wal included
        assert secret.encode() not in path.read_bytes(), path.name
