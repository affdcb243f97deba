"""End to end: admins, flood control, restarts, webhook, shutdown, secrets and configuration."""

from __future__ import annotations

import io
import logging
import os
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.config import Secret
from bot.telegram.runner import run
from tests.telegram.fake_telegram import BOT_USERNAME, TEST_TOKEN, FakeTelegram
from tests.telegram.harness import ADMIN_ID, RunningBot, make_settings

USER = 2002
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_admin_commands_for_admins_only(fake, bot):
    fake.send_text(USER, "zzqx <b>blorf</b> & wug?")
    fake.reply(USER)
    fake.send_text(ADMIN_ID, "/stats")
    stats = fake.reply(ADMIN_ID)
    assert "Statistics" in stats["text"]
    assert "Answered:" in stats["text"]
    assert "<b>blorf</b> & wug" in stats["text"]  # shown literally: escaped in the HTML
    fake.send_text(USER, "/stats")
    stranger = fake.reply(USER)["text"]
    fake.send_text(USER, "/reload")
    assert fake.reply(USER)["text"] == stranger
    fake.send_text(USER, "/frobnicate")
    assert fake.reply(USER)["text"] == stranger  # exactly like any unknown command
    fake.send_text(ADMIN_ID, "/reload")
    assert "Reloaded" in fake.reply(ADMIN_ID)["text"]


def test_stats_in_a_group_shows_counts_only(fake, bot):
    fake.send_text(USER, "zzqx secret plorb?")
    fake.reply(USER)
    group = -1009999
    fake.send_text(group, f"/stats@{BOT_USERNAME}", user_id=ADMIN_ID, chat_type="supergroup")
    shown = fake.reply(group)["text"]
    assert "Messages: 1" in shown and "Updates failed: 0" in shown
    assert "zzqx" not in shown and "private chat" in shown
    fake.send_text(ADMIN_ID, "/stats")
    assert "zzqx secret plorb?" in fake.reply(ADMIN_ID)["text"]


def test_reload_with_broken_data_keeps_running_knowledge(fake, start_bot, tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    bot = start_bot(CAREERBOT_KNOWLEDGE_DIR=str(knowledge))
    broken = knowledge / "careers" / "medical-coding-specialist.yaml"
    broken.write_text("id: [unclosed\n  topics: {\n", encoding="utf-8")
    fake.send_text(ADMIN_ID, "/reload")
    report = fake.reply(ADMIN_ID)["text"]
    assert "Reload failed" in report
    assert "medical-coding-specialist.yaml" in report
    fake.send_text(USER, "how much do coders make")
    assert "median" in fake.reply(USER)["text"].lower()
    assert bot.exit_code is None


def test_flood_control_pauses_one_user_only(fake, start_bot):
    start_bot(FLOOD_BURST="3", FLOOD_MAX_MESSAGES="3", FLOOD_WINDOW_SECONDS="60",
              FLOOD_COOLDOWN_SECONDS="60")
    for _ in range(8):
        fake.send_text(USER, "how much do coders make")
    fake.send_text(3003, "how much do coders make")
    replies = fake.replies(USER, 4)
    assert sum("faster than I can keep up" in r["text"] for r in replies) == 1
    assert "median" in fake.reply(3003)["text"].lower()  # others are not slowed down
    fake.send_text(3003, "/help")  # barrier
    fake.reply(3003)
    assert len(fake.sent(USER)) == 4


def test_context_survives_a_restart(fake, start_bot):
    first = start_bot()
    fake.send_text(USER, "how much do coders make")
    fake.reply(USER)
    assert first.stop() == 0
    start_bot()
    fake.send_text(USER, "what about at insurance companies")
    assert "insurance" in fake.reply(USER)["text"].lower()


def test_storage_files_are_private_and_hold_no_ids(fake, bot, data_dir):
    fake.send_text(USER, "qwzx plorb vimble?")
    fake.reply(USER)
    assert bot.stop() == 0
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in data_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    db = sqlite3.connect(data_dir / "careerbot.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    dump = "\n".join(db.iterdump())
    assert "qwzx plorb vimble?" in dump
    assert str(USER) not in dump


def test_webhook_rejects_a_wrong_secret(fake, start_bot):
    port = free_port()
    start_bot(
        webhook=True,
        WEBHOOK_URL="https://bot.example.com/telegram",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET_TOKEN="s3cret-Token_123",
    )
    fake.wait_for(lambda calls: fake.calls_of("setWebhook"))
    assert fake.webhook is not None
    assert fake.webhook["url"] == "https://bot.example.com/telegram"
    assert fake.webhook["secret_token"] == "s3cret-Token_123"
    update = fake.message_dict(USER, "how much do coders make")
    url = f"http://127.0.0.1:{port}/telegram"
    body = {"update_id": 1, "message": update}
    wrong = httpx.post(url, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
    missing = httpx.post(url, json=body)
    assert wrong.status_code == 403
    assert missing.status_code == 403
    right = httpx.post(url, json=body,
                       headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_123"})
    assert right.status_code == 200
    assert "median" in fake.reply(USER)["text"].lower()
    assert len(fake.sent(USER)) == 1


def test_the_token_never_reaches_logs_or_errors(fake, start_bot, caplog):
    caplog.set_level(logging.DEBUG)
    bot = start_bot(LOG_LEVEL="DEBUG")
    fake.inject_fault("sendMessage", "Internal Server Error", code=500)
    fake.send_text(USER, "how much do coders make")
    fake.reply(USER)
    logging.getLogger("test").error("url was %s", f"{fake.base_url}{TEST_TOKEN}/getMe")
    bot.stop()
    assert "sendMessage failed" in caplog.text
    assert "[REDACTED]" in caplog.text
    assert TEST_TOKEN not in caplog.text
    assert TEST_TOKEN.split(":")[1] not in caplog.text
    assert TEST_TOKEN not in bot.stderr.getvalue()
    assert TEST_TOKEN not in repr(bot.settings)


@pytest.mark.parametrize(
    ("token", "message"),
    [("", "TELEGRAM_BOT_TOKEN is not set"), ("12345", "does not look like a bot token")],
)
def test_missing_or_malformed_token_exits_2(fake, data_dir, token, message):
    settings = make_settings(fake, data_dir, TELEGRAM_BOT_TOKEN=token)
    err = io.StringIO()
    assert run(settings, err=err) == 2
    assert message in err.getvalue()
    assert err.getvalue().count("\n") == 1


def test_token_rejected_by_telegram_exits_2(fake, data_dir):
    other = "987654321:ZZHk2x9vQf8LwZp3RtYbN7mCdEe5GhJsKuX"
    settings = make_settings(fake, data_dir)
    from dataclasses import replace

    settings = replace(settings, telegram_token=Secret(other))
    bot = RunningBot(settings)
    bot._thread.start()
    bot._thread.join(10)
    assert bot.exit_code == 2
    assert "rejected TELEGRAM_BOT_TOKEN" in bot.stderr.getvalue()
    assert other not in bot.stderr.getvalue()


def test_webhook_without_url_is_a_config_error(fake, data_dir):
    err = io.StringIO()
    assert run(make_settings(fake, data_dir), webhook=True, err=err) == 2
    assert "WEBHOOK_URL" in err.getvalue()


def test_sigterm_finishes_replies_in_flight_and_closes_storage(fake: FakeTelegram, data_dir):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url,
           "DATA_DIR": str(data_dir), "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=data_dir.parent, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        fake.wait_for(lambda calls: fake.calls_of("setMyCommands"), timeout=15)
        fake.delays["sendMessage"] = 0.5  # the reply is still in flight when SIGTERM arrives
        fake.send_text(USER, "how much do coders make")
        fake.wait_started("sendMessage")
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "median" in fake.reply(USER)["text"].lower()
    assert "storage closed" in stderr
    assert TEST_TOKEN not in stderr
    assert not (data_dir / "careerbot.sqlite3-wal").exists() or (
        (data_dir / "careerbot.sqlite3-wal").stat().st_size == 0
    )


def test_reload_keeps_the_running_knowledge_whatever_the_loader_raises(fake, data_dir):
    from bot.config import DEFAULT_INTENTS_DIR, DEFAULT_KNOWLEDGE_DIR
    from bot.engine import Engine

    loads = []

    def load():
        loads.append(1)
        if len(loads) > 1:  # e.g. a number where the YAML needs a mapping
            raise AttributeError("'int' object has no attribute 'items'")
        return Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR)

    bot = RunningBot(make_settings(fake, data_dir), load_engine=load).start()
    try:
        fake.send_text(ADMIN_ID, "/reload")
        report = fake.reply(ADMIN_ID)["text"]
        assert "Reload failed" in report and "AttributeError" in report
        fake.send_text(USER, "how much do coders make")
        assert "median" in fake.reply(USER)["text"].lower()
    finally:
        assert bot.stop() == 0
