"""Telegram paths a user or an operator meets: /schools wording, long replies, votes, flood
control, optional Bot API calls, the base URL and every way the bot can fail to start."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.engine import Engine
from bot.storage import open_storage
from bot.telegram.render import MAX_MESSAGE, unwrap
from tests.telegram.fake_telegram import BOT_USERNAME, TEST_TOKEN, FakeTelegram
from tests.telegram.harness import ROOT, buttons

USER = 2002
GROUP = -100777
SOMETHING_WRONG = "Sorry, something went wrong"


def always(_: dict[str, Any]) -> bool:
    return True


def settle(fake: FakeTelegram, chat_id: int, seconds: float = 0.5) -> list[dict[str, Any]]:
    """Everything sent to ``chat_id`` once nothing new has arrived for ``seconds``."""
    count = -1
    while count != len(fake.sent(chat_id)):
        count = len(fake.sent(chat_id))
        time.sleep(seconds)
    return fake.sent(chat_id)


# ----------------------------------------------------------------------- /schools
@pytest.mark.parametrize(("words", "heading"), [
    ("bachelors", "Listed schools with bachelor's degree programs:"),
    ("Associate Degree", "Listed schools with associate degree programs:"),
    ("online", "Listed schools with online programs:"),
    ("masters online", "master's degree online"),
    ("all", "Listed schools:"),
])
def test_schools_reads_the_level_in_the_users_own_words(fake, bot, words, heading):
    fake.send_text(USER, f"/schools {words}")
    text = fake.reply(USER)["text"]
    assert heading in text
    assert "None" not in text


def test_schools_with_words_it_cannot_place_lists_every_school(fake, bot):
    fake.send_text(USER, "/schools xyzzy")
    text = fake.reply(USER)["text"]
    assert "Listed schools:" in text and "None" not in text


# ----------------------------------------------------------------------- long replies
def test_sources_is_split_at_line_ends_with_no_lone_intro_or_fragment(fake, bot):
    settings = Settings.load(environ={}, dotenv=None)
    body = Engine.load(settings.knowledge_dir, settings.intents_dir).sources().sections[0].body
    whole_lines = {line for p in body.split("\n\n") for line in unwrap(p).splitlines()}
    fake.send_text(USER, "/sources")
    messages = [m["text"] for m in settle(fake, USER)]
    assert len(messages) >= 2
    assert messages[0].startswith("Where my facts come from")
    for text in messages:
        assert len(text.encode("utf-16-le")) // 2 <= MAX_MESSAGE
        lines = [line for line in text.splitlines() if line]
        assert len(lines) >= 3, text  # never the intro alone, never a one-line fragment
        for line in lines:
            assert line in whole_lines, f"cut inside a line: {line[:60]!r}…{line[-60:]!r}"


# ----------------------------------------------------------------------- votes
@pytest.mark.parametrize(("code", "description"), [
    (500, "Internal Server Error"), (0, "reset"), (403, "Forbidden: bot was blocked"),
    (429, "Too Many Requests: retry after 5"), (400, "Bad Request: message is not modified"),
])
def test_a_failed_button_edit_after_a_vote_never_says_something_went_wrong(
        fake, bot, code, description):
    fake.send_text(USER, "what does a medical coder do")
    answer = fake.reply(USER)
    fake.inject_fault("editMessageReplyMarkup", description, code=code)
    fake.press(answer, dict(buttons(answer))["👍 Helpful"])
    storage = bot.careerbot.store.storage
    fake.wait_for(lambda _: storage.stats().feedback_up == 1)
    fake.wait_for(lambda _: fake.calls_of("editMessageReplyMarkup"))
    thanks = [c.params.get("text") for c in fake.calls_of("answerCallbackQuery")]
    assert "Thanks for the feedback!" in thanks
    fake.send_text(USER, "/help")  # barrier: anything the vote caused is sent before this
    fake.reply(USER)
    assert not any(SOMETHING_WRONG in m["text"] for m in fake.sent(USER))


def test_a_vote_on_a_reply_answering_two_topics_counts_for_both(fake, bot, data_dir):
    fake.send_text(USER, "how much do coders make and do I need a license")
    answer = fake.reply(USER)
    assert "median" in answer["text"].lower() and "licens" in answer["text"].lower()
    fake.press(answer, dict(buttons(answer))["👎 Not helpful"])
    storage = bot.careerbot.store.storage
    fake.wait_for(lambda _: fake.calls_of("editMessageReplyMarkup"))
    fake.wait_for(lambda _: storage.stats().feedback_down == 2)
    with contextlib.closing(sqlite3.connect(data_dir / "careerbot.sqlite3")) as db:
        rows = db.execute("SELECT intent, helpful FROM feedback").fetchall()
    assert sorted(rows) == [("licensure", 0), ("salary", 0)]


# ----------------------------------------------------------------------- flood control
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_fast_typist_is_never_paused_by_the_defaults(fake, bot):
    clock = Clock()
    bot.careerbot.flood._clock = clock  # a minute passes in a moment
    questions = ["how much do coders make", "do I need a license", "what about online",
                 "is it hard", "how long is training"]
    for i in range(22):  # 22 messages in a minute, a few of them in quick succession
        clock.now += 0.5 if i % 4 else 8.0
        fake.send_text(USER, questions[i % len(questions)])
        assert "faster than I can keep up" not in fake.reply(USER)["text"]
    assert clock.now - 1000.0 <= 65
    assert len(settle(fake, USER, 0.3)) == 22


def test_flood_pause_is_announced_once_and_its_end_too(fake, start_bot):
    start_bot(FLOOD_BURST="3", FLOOD_MAX_MESSAGES="3", FLOOD_COOLDOWN_SECONDS="1")
    for _ in range(8):
        fake.send_text(USER, "how much do coders make")
    replies = fake.replies(USER, 5, timeout=5)
    texts = [r["text"] for r in settle(fake, USER, 0.3)]
    assert sum("faster than I can keep up" in t for t in texts) == 1
    assert sum("you can write to me again" in t for t in texts) == 1
    assert texts[-1].startswith("Thanks for waiting")
    assert sum("median" in t.lower() for t in texts) == 3
    assert "about 1 second and" in replies[3]["text"]
    fake.send_text(USER, "do I need a license")  # after the pause: answered again
    assert "licens" in fake.reply(USER)["text"].lower()


def test_flood_control_works_in_groups_too(fake, start_bot):
    start_bot(FLOOD_BURST="2", FLOOD_MAX_MESSAGES="2", FLOOD_COOLDOWN_SECONDS="1")
    asked = [fake.send_text(GROUP, f"@{BOT_USERNAME} how much do coders make", user_id=USER,
                            chat_type="supergroup") for _ in range(5)]
    texts = [m["text"] for m in fake.replies(GROUP, 4, timeout=5)]
    assert sum("median" in t.lower() for t in texts) == 2
    notice = [c for c in fake.calls_of("sendMessage") if "faster than" in c.params["text"]]
    assert len(notice) == 1  # the notice quotes the message that went over the limit
    assert notice[0].params["reply_parameters"]["message_id"] == (
        asked[2]["message"]["message_id"])
    assert texts[-1].startswith("Thanks for waiting")
    fake.send_text(GROUP, f"@{BOT_USERNAME} do I need a license", user_id=USER,
                   chat_type="supergroup")
    assert "licens" in fake.reply(GROUP)["text"].lower()


# ----------------------------------------------------------------------- start-up
def test_a_server_without_set_my_commands_only_warns(fake, start_bot, caplog):
    for _ in range(2):  # the public menu and the admin's
        fake.inject_fault("setMyCommands", "Not Found", code=404)
    bot = start_bot()
    fake.send_text(USER, "how much do coders make")
    assert "median" in fake.reply(USER)["text"].lower()
    assert bot.exit_code is None
    assert any("command menu" in r.getMessage() for r in caplog.records
               if r.levelname == "WARNING")


@pytest.mark.parametrize("base", ["{url}/", "http://127.0.0.1:{port}",
                                  "http://127.0.0.1:{port}/", " {url} "])
def test_the_api_base_url_is_normalised(fake, start_bot, base):
    start_bot(TELEGRAM_API_BASE_URL=base.format(url=fake.base_url, port=fake.port))
    fake.send_text(USER, "how much do coders make")
    assert "median" in fake.reply(USER)["text"].lower()


class NoIsBot(FakeTelegram):
    """A server whose getMe lacks ``is_bot`` (as telegram-test-api answers)."""

    def api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in super().api_getme(params).items() if k != "is_bot"}


def run_bot_process(data_dir: Path, **env: str) -> tuple[int, str]:
    """``python -m bot run`` as an operator starts it; its exit code and stderr."""
    environ = {**os.environ, "TELEGRAM_BOT_TOKEN": TEST_TOKEN, "DATA_DIR": str(data_dir),
               "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT), **env}
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=data_dir.parent,
                          env=environ, capture_output=True, text=True, timeout=60, check=False)
    return done.returncode, done.stderr


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    assert "Aborting" not in stderr, stderr
    errors = [line for line in stderr.splitlines()
              if "career-bot: error" in line or " ERROR " in line or " CRITICAL " in line]
    assert len(errors) == 1, stderr
    return errors[0]


def test_a_get_me_reply_without_is_bot_is_one_line_naming_the_setting(data_dir):
    server = NoIsBot().start()
    try:
        code, stderr = run_bot_process(data_dir, TELEGRAM_API_BASE_URL=server.base_url)
    finally:
        server.stop()
    line = one_error_line(stderr)
    assert code == 1
    assert "TELEGRAM_API_BASE_URL" in line and "does not answer like the Telegram Bot API" in line


def test_a_rejected_token_is_one_line_without_the_librarys_traceback(fake, data_dir):
    code, stderr = run_bot_process(
        data_dir, TELEGRAM_API_BASE_URL=fake.base_url,
        TELEGRAM_BOT_TOKEN="987654321:AAHk2x9vQf8LwZp3RtYbN7mCdEe5GhJsKuX")
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN" in one_error_line(stderr)


def test_a_base_url_that_is_not_a_bot_api_server_is_one_line_naming_it(fake, data_dir):
    code, stderr = run_bot_process(data_dir,
                                   TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{fake.port}/x/bot")
    line = one_error_line(stderr)
    assert code == 2
    assert "TELEGRAM_API_BASE_URL" in line and "TELEGRAM_BOT_TOKEN" in line


def test_a_malformed_base_url_is_a_configuration_error(data_dir):
    code, stderr = run_bot_process(data_dir, TELEGRAM_API_BASE_URL="api.telegram.org/bot")
    assert code == 2
    assert "TELEGRAM_API_BASE_URL must be an http(s):// address" in stderr
    assert "Traceback" not in stderr


def test_a_damaged_database_at_start_is_one_line_on_the_real_stderr(fake, data_dir):
    storage, _ = open_storage(data_dir, 90)  # a data directory a bot left behind
    storage.close()
    (data_dir / "careerbot.sqlite3").write_bytes(b"this is not a database" * 200)
    code, stderr = run_bot_process(data_dir, TELEGRAM_API_BASE_URL=fake.base_url)
    assert code == 1
    assert "damaged" in one_error_line(stderr)


# ----------------------------------------------------------------------- texts
def test_the_welcome_reads_well(fake, bot):
    fake.send_text(USER, "/start")
    text = fake.reply(USER)["text"]
    assert "one of the medical coding specialists" not in text
    assert "for people who want to become medical coding specialists" in text


def test_every_handler_says_in_one_line_what_it_does(fake, bot):
    fake.send_text(USER, "/help")  # the bot is polling (so it stops cleanly after)
    fake.reply(USER)
    callbacks = [h.callback for group in bot.app.handlers.values() for h in group]
    callbacks += list(bot.app.error_handlers)
    assert len(callbacks) >= 12
    for callback in callbacks:
        doc = (callback.__doc__ or "").strip()
        assert doc and "\n" not in doc, f"{callback.__name__}: {doc!r}"
