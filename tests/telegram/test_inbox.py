"""The inbox: malformed updates are skipped and recorded, crashes lose nothing."""

from __future__ import annotations

import io
import logging
import sqlite3
import struct
import time
from typing import Any

import pytest

from bot.config import Settings
from bot.storage.inbox_report import print_inbox
from bot.storage.sentlog import SENT_LOG_FILE, SentLog
from tests.telegram.fake_telegram import FakeTelegram
from tests.telegram.harness import BotProcess

USER, OTHER = 5005, 6006


def malformed(fake: FakeTelegram) -> dict[str, dict[str, Any]]:
    """Updates python-telegram-bot cannot parse, each as Telegram might send it."""
    good = fake.message_dict(USER, "how much do coders make")
    poll = {"id": "1", "question": "Which exam?", "is_closed": False,
            "options": [{"text": "CPC", "voter_count": 0}]}  # the pre-2020 poll schema
    return {
        "no date": {"message": {k: v for k, v in good.items() if k != "date"}},
        "no message_id": {"message": {k: v for k, v in good.items() if k != "message_id"}},
        "user without first_name": {"message": {**good, "from": {"id": USER, "is_bot": False}}},
        "old poll": {"message": {**{k: v for k, v in good.items() if k != "text"},
                                 "poll": poll}},
    }


def test_malformed_updates_are_skipped_and_recorded_while_the_next_user_is_answered(
        fake, bot, data_dir, caplog):
    caplog.set_level(logging.INFO)
    bad = {name: fake.send_update(fields)["update_id"]
           for name, fields in malformed(fake).items()}
    sent = time.monotonic()
    fake.send_text(OTHER, "how much do coders make")
    assert "median" in fake.reply(OTHER, timeout=3)["text"].lower()
    waited = time.monotonic() - sent
    assert waited < 2.0, f"the next user waited {waited:.1f} s behind the malformed updates"
    storage = bot.careerbot.store.storage
    fake.wait_for(lambda _: len(storage.open_updates(statuses=("failed",))) == 4)
    failed = {f.update_id: f.error for f in storage.open_updates(statuses=("failed",))}
    assert set(failed) == set(bad.values())
    assert "KeyError: 'date'" in failed[bad["no date"]]
    assert "first_name" in failed[bad["user without first_name"]]
    for update_id in bad.values():  # one line each, never a loop of tracebacks
        lines = [r for r in caplog.records if f"update {update_id} skipped" in r.getMessage()]
        assert len(lines) == 1 and lines[0].exc_info is None and not lines[0].exc_text
    assert storage.stats().failed_updates == 4
    # The same user's next message is not held up either.
    fake.send_text(USER, "how much do coders make")
    assert "median" in fake.reply(USER, timeout=3)["text"].lower()


def test_career_bot_inbox_lists_shows_and_retries_failed_updates(fake, bot, data_dir):
    update = fake.send_update(malformed(fake)["no date"])
    fake.send_text(OTHER, "/help")  # barrier: handled after the malformed one
    fake.reply(OTHER)
    settings = Settings(data_dir=data_dir)
    out = io.StringIO()
    assert print_inbox(settings, out) == 0
    listing = out.getvalue()
    assert "1 failed update(s)" in listing
    assert str(update["update_id"]) in listing and "KeyError: 'date'" in listing
    out = io.StringIO()
    assert print_inbox(settings, out, show=update["update_id"]) == 0
    assert '"how much do coders make"' in out.getvalue()
    out = io.StringIO()
    assert print_inbox(settings, out, retry=["all"]) == 0
    assert "1 failed update(s) queued again" in out.getvalue()
    storage = bot.careerbot.store.storage
    # The running bot picks it up again (and records it failed again: it is still malformed).
    fake.wait_for(lambda _: [f for f in storage.open_updates(statuses=("failed",))
                             if f.attempts == 2], timeout=10)
    out = io.StringIO()
    assert print_inbox(settings, out, retry=["x"]) == 2


@pytest.fixture
def process(fake, data_dir):
    bot = BotProcess(fake, data_dir)
    yield bot
    if bot.proc is not None and bot.proc.poll() is None:
        bot.proc.kill()
        bot.proc.communicate()


def test_a_reply_in_flight_at_a_kill_is_sent_after_the_restart(fake, process, data_dir):
    process.start()
    fake.hangs.append(("sendMessage", lambda p: p.get("chat_id") == USER, 30.0))
    fake.send_text(USER, "how much do coders make")
    fake.wait_started("sendMessage", timeout=10)  # handled and committed, reply under way
    process.kill()
    fake.hangs.clear()
    db = sqlite3.connect(data_dir / "careerbot.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT status FROM inbox").fetchall() == [("handled",)]
    db.close()
    process.start()
    assert "median" in fake.reply(USER, timeout=10)["text"].lower()
    fake.send_text(USER, "what about at insurance companies")  # the context survived the kill
    assert "insurance" in fake.reply(USER, timeout=10)["text"].lower()
    code, _ = process.stop()
    assert code == 0


def test_updates_fetched_but_not_handled_at_a_kill_are_answered_after_the_restart(
        fake, process, data_dir):
    process.start()
    # Replies cannot leave, so every update is fetched, stored and confirmed, none answered.
    fake.hangs.append(("sendMessage", lambda p: True, 30.0))
    for chat in range(7000, 7010):
        fake.send_text(chat, "how much do coders make")
    deadline = time.monotonic() + 10
    while fake.pending_updates():  # Telegram forgets updates once their offset is confirmed
        assert time.monotonic() < deadline, "the bot never confirmed the updates"
        time.sleep(0.05)
    process.kill()
    fake.hangs.clear()
    process.start()
    for chat in range(7000, 7010):
        assert "median" in fake.reply(chat, timeout=10)["text"].lower()
    process.stop()


def test_a_reply_recorded_as_sent_just_before_a_kill_is_not_sent_again(fake, process, data_dir):
    process.start()
    fake.hangs.append(("sendMessage", lambda p: p.get("chat_id") == USER, 30.0))
    update_id = fake.send_text(USER, "how much do coders make")["update_id"]
    fake.wait_started("sendMessage", timeout=10)
    process.kill()
    fake.hangs.clear()
    # Telegram took the reply and the bot noted it in the sent log, but died before the
    # database heard of it.
    with (data_dir / SENT_LOG_FILE).open("ab") as log:
        log.write(struct.pack("<qI", update_id, 1))
    answered_before = fake.count("sendMessage")
    process.start()
    fake.send_text(OTHER, "hello")  # once this is answered, the replay is long done
    fake.reply(OTHER, timeout=10)
    assert fake.count("sendMessage") == answered_before + 1, "the taken reply was repeated"
    db = sqlite3.connect(data_dir / "careerbot.sqlite3")
    assert db.execute("SELECT status FROM inbox WHERE update_id = ?",
                      (update_id,)).fetchone() == ("done",)
    db.close()
    # Folded into the database at the start, so the log no longer needs it.
    log = SentLog(data_dir / SENT_LOG_FILE)
    assert update_id not in log.read()
    log.close()
    process.stop()


def test_the_sent_log_keeps_the_highest_count_and_ignores_a_torn_record(tmp_path):
    log = SentLog(tmp_path / SENT_LOG_FILE)
    log.record(7, 1)
    log.record(8, 1)
    log.record(7, 2)
    log.close()
    with (tmp_path / SENT_LOG_FILE).open("ab") as raw:
        raw.write(b"\x01\x02\x03")  # a write cut short
    assert SentLog(tmp_path / SENT_LOG_FILE).read() == {7: 2, 8: 1}
    assert (tmp_path / SENT_LOG_FILE).stat().st_mode & 0o777 == 0o600


def _answered_order(fake: FakeTelegram, first: int, second: int) -> list[int]:
    fake.hangs.append(("sendMessage", lambda p: p.get("chat_id") == first, 0.15))
    fake.send_text(first, "how much do coders make")
    fake.wait_started("sendMessage", timeout=5)
    fake.send_text(second, "how much do coders make")
    fake.reply(first, timeout=5)
    fake.reply(second, timeout=5)
    return [c.params["chat_id"] for c in fake.calls_of("sendMessage") if c.ok]


def test_replies_go_out_one_at_a_time_so_a_crash_repeats_at_most_one(fake, start_bot):
    start_bot()
    # The second reply waits until Telegram has taken the first (and it is noted).
    assert _answered_order(fake, USER, OTHER) == [USER, OTHER]


def test_replies_go_out_side_by_side_when_one_at_a_time_is_off(fake, start_bot):
    start_bot(SEND_ONE_AT_A_TIME="false")
    assert _answered_order(fake, USER, OTHER) == [OTHER, USER]
