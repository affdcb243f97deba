"""End to end: the real bot and engine against the fake Telegram server, as a user sees it."""

from __future__ import annotations

import sqlite3

from tests.telegram.fake_telegram import BOT_USERNAME
from tests.telegram.harness import buttons

USER = 1001


def labels(message):
    return [label for label, _ in buttons(message)]


def payloads(message):
    return [data for _, data in buttons(message)]


def no_failed_calls(fake):
    failed = [c for c in fake.calls if not c.ok]
    assert not failed, [(c.method, c.error) for c in failed]


def test_start_greets_and_offers_topics(fake, bot):
    fake.send_text(USER, "/start")
    greeting = fake.reply(USER)
    assert "medical coding" in greeting["text"].lower()
    assert "topic:salary" in payloads(greeting)
    assert "topic:schools" in payloads(greeting)
    menu = {c["command"] for c in fake.commands}
    assert {"start", "help", "topics", "schools", "sources", "forget"} <= menu
    assert not {"stats", "reload"} & menu  # the public menu never shows admin commands
    admin_scope = '{"chat_id": 42, "type": "chat"}'
    assert {"stats", "reload"} <= {c["command"] for c in fake.scoped_commands[admin_scope]}
    no_failed_calls(fake)


def test_deep_link_answers_the_topic_at_once(fake, bot):
    fake.send_text(USER, "/start salary")
    answer = fake.reply(USER)
    assert "median" in answer["text"].lower()
    assert "<b>Pay</b>" in answer["html"]
    assert "<i>Sources:" in answer["html"]
    assert labels(answer)[-2:] == ["👍 Helpful", "👎 Not helpful"]


def test_plain_question_and_typo_get_the_same_answer(fake, bot):
    fake.send_text(USER, "How much do medical coders make?")
    first = fake.reply(USER)
    fake.send_text(USER, "how much do medical codrs mak")
    second = fake.reply(USER)
    assert "median" in first["text"].lower()
    assert first["text"] == second["text"]


def test_button_press_answers_callback_and_replies_with_topic(fake, bot):
    fake.send_text(USER, "/topics")
    menu = fake.reply(USER)
    fake.press(menu, "topic:outlook")
    answer = fake.reply(USER)
    assert fake.calls_of("answerCallbackQuery")
    assert "outlook" in answer["text"].lower() or "growth" in answer["text"].lower()
    assert all(len(d.encode()) <= 64 for d in payloads(answer))


def test_feedback_is_recorded_and_buttons_removed(fake, bot):
    fake.send_text(USER, "what does a medical coder do")
    answer = fake.reply(USER)
    up = dict(buttons(answer))["👍 Helpful"]
    fake.press(answer, up)
    edit = fake.wait_for(lambda calls: [c for c in calls if c.method == "editMessageReplyMarkup"])
    assert "👍 Helpful" not in str(edit[0].params)
    thanks = [c.params.get("text") for c in fake.calls_of("answerCallbackQuery")]
    assert "Thanks for the feedback!" in thanks
    stats = bot.careerbot.store.storage.stats()
    assert stats.feedback_up == 1


def test_several_questions_in_one_message(fake, bot):
    fake.send_text(USER, "what schools offer it? and do I need a license")
    answer = fake.reply(USER)
    assert "<b>Schools</b>" in answer["html"]
    assert "licen" in answer["text"].lower()


def test_follow_up_uses_the_context(fake, bot):
    fake.send_text(USER, "how much do coders make")
    fake.reply(USER)
    fake.send_text(USER, "what about at insurance companies")
    follow_up = fake.reply(USER)
    assert "insurance" in follow_up["text"].lower()


def test_group_answers_only_mentions_replies_and_commands(fake, bot):
    group = -1001234
    ignored = fake.send_text(group, "how much do coders make", user_id=USER, chat_type="supergroup")
    fake.send_text(group, f"@{BOT_USERNAME} how much do coders make", user_id=USER,
                   chat_type="supergroup")
    answer = fake.reply(group)
    assert "median" in answer["text"].lower()
    # Quoting shows which question it answers; the un-mentioned message got nothing.
    quoted = fake.calls_of("sendMessage")[-1].params["reply_parameters"]["message_id"]
    assert quoted != ignored["message"]["message_id"]
    fake.send_text(group, "what about at insurance companies", user_id=USER,
                   chat_type="supergroup", reply_to=answer)
    assert "insurance" in fake.reply(group)["text"].lower()
    fake.send_text(group, "/help", user_id=USER, chat_type="supergroup")
    fake.reply(group)
    assert len(fake.sent(group)) == 3


def test_sticker_gets_only_text_notice_and_edits_are_ignored(fake, bot):
    fake.send_sticker(USER)
    assert "only read text" in fake.reply(USER)["text"]
    fake.send_photo(USER)
    assert "only read text" in fake.reply(USER)["text"]
    fake.edit_text(USER, "how much do coders make")
    fake.channel_post(-100777, "how much do coders make")
    fake.send_text(USER, "/help")  # barrier: handled after the ignored updates
    fake.reply(USER)
    assert len(fake.sent(USER)) == 3
    assert not fake.sent(-100777)


def test_markup_in_question_is_escaped(fake, bot):
    fake.send_text(USER, "<b>&")
    fake.reply(USER)
    fake.send_text(USER, "zzqx <i>unclosed & </b> qqq?")
    fake.reply(USER)
    no_failed_calls(fake)


def test_long_answer_is_split_at_paragraphs(fake, bot):
    fake.send_text(USER, "/sources")
    fake.wait_for(lambda calls: len(fake.sent(USER)) >= 2)
    parts = fake.sent(USER)
    assert len(parts) >= 2
    assert all(len(p["text"].encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert all(not p["text"].startswith(" ") for p in parts)
    no_failed_calls(fake)


def test_unknown_commands(fake, bot):
    fake.send_text(USER, "/frobnicate")
    assert "don't know that command" in fake.reply(USER)["text"]
    group = -1005
    fake.send_text(group, "/frobnicate", user_id=USER, chat_type="group")
    fake.send_text(group, f"/frobnicate@{BOT_USERNAME}", user_id=USER, chat_type="group")
    assert "don't know that command" in fake.reply(group)["text"]
    fake.send_text(group, "/help", user_id=USER, chat_type="group")
    fake.reply(group)
    assert len(fake.sent(group)) == 2


def test_schools_with_level_buttons(fake, bot):
    fake.send_text(USER, "/schools")
    listing = fake.reply(USER)
    assert "schools:associate" in payloads(listing)
    assert "schools:bachelor" in payloads(listing)
    fake.press(listing, "schools:associate")
    filtered = fake.reply(USER)
    assert "associate" in filtered["text"].lower()


def test_expired_or_unknown_button(fake, bot):
    fake.send_text(USER, "/topics")
    menu = fake.reply(USER)
    fake.press(menu, "h:0123456789abcdef0123456789abcdef")
    fake.wait_for(lambda calls: fake.calls_of("answerCallbackQuery"))
    assert "expired" in fake.calls_of("answerCallbackQuery")[0].params["text"]
    # A payload the bot never issued (forged, or from a knowledge base since changed).
    fake.press(menu, "topic:no_such_topic")
    fake.wait_for(lambda calls: len(fake.calls_of("answerCallbackQuery")) == 2)
    assert "expired" in fake.calls_of("answerCallbackQuery")[1].params["text"]


def test_html_refused_falls_back_to_plain_text(fake, bot):
    fake.inject_fault("sendMessage", "Bad Request: can't parse entities: Unsupported start tag",
                      when=lambda p: p.get("parse_mode") == "HTML")
    fake.send_text(USER, "how much do coders make")
    answer = fake.reply(USER)
    assert "median" in answer["text"].lower()
    assert "parse_mode" not in fake.calls_of("sendMessage")[-1].params


def test_error_handler_apologises_and_bot_keeps_running(fake, bot):
    engine = bot.careerbot.engine

    class Broken:
        def __getattr__(self, name):
            return getattr(engine, name)

        def respond(self, text, state):
            raise RuntimeError("engine bug")

    bot.careerbot.engine = Broken()
    fake.send_text(USER, "how much do coders make")
    assert "something went wrong" in fake.reply(USER)["text"].lower()
    bot.careerbot.engine = engine
    fake.send_text(USER, "how much do coders make")
    assert "median" in fake.reply(USER)["text"].lower()
    failed = bot.careerbot.store.storage.open_updates(statuses=("failed",))
    assert [f.error for f in failed] == ["handling failed: RuntimeError: engine bug"]


def test_forget_deletes_everything_about_the_user(fake, bot):
    store = bot.careerbot.store
    fake.send_text(USER, "how much do coders make")
    fake.reply(USER)
    fake.send_text(USER, "qwzx plorb vimble?")
    fake.reply(USER)
    assert store.storage.unanswered_texts()
    fake.send_text(USER, "/forget")
    assert "deleted everything" in fake.reply(USER)["text"]
    assert store.storage.load_state(store.ids.chat(USER)) is None
    assert store.storage.unanswered_texts() == []


def test_forged_button_payloads_are_refused_and_never_stored(fake, bot):
    fake.send_text(USER, "what does a medical coder do")
    answer = fake.reply(USER)
    forged = ["vote:1:<script>", "vote:1:no_such_topic", "vote:1:" + "a" * 60, "intent:nope"]
    for data in forged:
        fake.press(answer, data)
    fake.wait_for(lambda calls: len(fake.calls_of("answerCallbackQuery")) == len(forged))
    assert all("expired" in c.params["text"] for c in fake.calls_of("answerCallbackQuery"))
    storage = bot.careerbot.store.storage
    assert (storage.stats().feedback_up, storage.stats().feedback_down) == (0, 0)
    bot.stop()
    dump = "\n".join(sqlite3.connect(storage.path).iterdump())
    assert "<script>" not in dump and "no_such_topic" not in dump


def test_repeated_votes_on_one_answer_count_once(fake, bot):
    fake.send_text(USER, "what does a medical coder do")
    answer = fake.reply(USER)
    votes = dict(buttons(answer))
    for label in ("👍 Helpful", "👍 Helpful", "👎 Not helpful"):  # a double tap, a change of mind
        fake.press(answer, votes[label])
    fake.wait_for(lambda calls: len(fake.calls_of("answerCallbackQuery")) == 3)
    stats = bot.careerbot.store.storage.stats()
    assert (stats.feedback_up, stats.feedback_down) == (0, 1)
    fake.send_text(USER, "what does a medical coder do")  # the same topic, another answer
    other = fake.reply(USER)
    fake.press(other, dict(buttons(other))["👍 Helpful"])
    fake.wait_for(lambda calls: len(fake.calls_of("answerCallbackQuery")) == 4)
    stats = bot.careerbot.store.storage.stats()
    assert (stats.feedback_up, stats.feedback_down) == (1, 1)


def test_forget_in_a_group_keeps_the_groups_shared_context(fake, bot):
    group = -1004321
    fake.send_text(group, f"@{BOT_USERNAME} how much do coders make", user_id=USER,
                   chat_type="supergroup")
    fake.reply(group)
    fake.send_text(group, f"@{BOT_USERNAME} zzqx plorb vimble?", user_id=3003,
                   chat_type="supergroup")
    fake.reply(group)
    fake.send_text(group, f"/forget@{BOT_USERNAME}", user_id=3003, chat_type="supergroup")
    assert "shared" in fake.reply(group)["text"]
    assert bot.careerbot.store.storage.unanswered_texts() == []
    fake.send_text(group, f"@{BOT_USERNAME} what about at insurance companies", user_id=USER,
                   chat_type="supergroup")
    assert "insurance" in fake.reply(group)["text"].lower()


def test_photo_with_a_question_in_its_caption_is_answered(fake, bot):
    fake.send_photo(USER, caption="how much do coders make?")
    assert "median" in fake.reply(USER)["text"].lower()
    fake.send_photo(USER)
    assert "only read text" in fake.reply(USER)["text"]
    group = -1006
    fake.send_photo(group, caption="how much do coders make?", user_id=USER, chat_type="group")
    fake.send_photo(group, caption=f"@{BOT_USERNAME} how much do coders make?", user_id=USER,
                    chat_type="group")
    assert "median" in fake.reply(group)["text"].lower()
    fake.send_text(group, "/help", user_id=USER, chat_type="group")  # barrier
    fake.reply(group)
    assert len(fake.sent(group)) == 2  # the caption without a mention was not for the bot
