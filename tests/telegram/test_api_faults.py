"""Bot API faults: failures at start, failed and hung replies."""

from __future__ import annotations

import time

import bot.telegram.inbox as inbox

USER = 4004


def test_start_survives_a_5xx_or_a_reset_on_each_start_up_call(fake, start_bot, caplog):
    always = lambda _: True  # noqa: E731
    fake.inject_fault("getMe", "Internal Server Error", when=always, code=500)
    fake.inject_fault("setMyCommands", "reset", when=always, code=0)
    fake.inject_fault("deleteWebhook", "Bad Gateway", when=always, code=502)
    bot = start_bot()
    fake.send_text(USER, "how much do coders make")
    assert "median" in fake.reply(USER)["text"].lower()
    assert bot.exit_code is None
    retried = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retried) == 3, retried


def test_a_5xx_or_a_reset_on_a_reply_is_retried(fake, bot):
    fake.inject_fault("sendMessage", "Internal Server Error", code=500)
    fake.send_text(USER, "how much do coders make")
    assert "median" in fake.reply(USER)["text"].lower()
    fake.inject_fault("sendMessage", "reset", code=0)
    fake.send_text(USER, "do I need a license")
    assert "licens" in fake.reply(USER)["text"].lower()
    fake.send_text(USER, "/help")  # barrier
    fake.reply(USER)
    assert len(fake.sent(USER)) == 3  # each answer once


def test_a_reply_that_keeps_failing_stays_in_the_inbox_and_is_sent_later(
        fake, bot, monkeypatch):
    monkeypatch.setattr(inbox, "LATER", (1.0,))
    monkeypatch.setattr(inbox, "SWEEP_SECONDS", 0.2)
    for _ in range(1 + len(inbox.QUICK_RETRIES)):
        fake.inject_fault("sendMessage", "Internal Server Error", code=500)
    fake.send_text(USER, "how much do coders make")
    storage = bot.careerbot.store.storage
    waiting = fake.wait_for(lambda _: [u for u in storage.open_updates() if u.error],
                            timeout=5)
    assert waiting[0].status == "handled" and "Internal Server Error" in waiting[0].error
    assert "median" in fake.reply(USER, timeout=10)["text"].lower()
    fake.wait_for(lambda _: not storage.open_updates())
    assert len(fake.sent(USER)) == 1


def test_hung_replies_to_ten_users_do_not_delay_anyone_else(fake, bot):
    hung = set(range(100, 110))
    fake.hangs.append(("sendMessage", lambda p: p.get("chat_id") in hung, 4.0))
    for chat in hung:
        fake.send_text(chat, "how much do coders make")
    fake.wait_for(lambda _: fake.started.count("sendMessage") >= len(hung))
    started = time.monotonic()
    fake.send_text(USER, "how much do coders make")
    assert "median" in fake.reply(USER, timeout=3)["text"].lower()
    assert time.monotonic() - started < 1.5
    for chat in hung:  # the slow ones arrive too, once each
        fake.reply(chat, timeout=15)
