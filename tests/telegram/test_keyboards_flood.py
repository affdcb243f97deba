"""Inline keyboards (callback_data limits) and flood control."""

from __future__ import annotations

from bot import payloads
from bot.reply import Reply, Section, Suggestion
from bot.telegram.flood import FloodGuard, Verdict
from bot.telegram.keyboards import CallbackCodec, reply_markup, without_feedback


def test_callback_data_always_fits_64_bytes():
    codec = CallbackCodec()
    long_payload = "detail:salary:" + "é" * 60
    data = codec.encode(long_payload)
    assert len(data.encode()) <= 64
    assert codec.decode(data) == long_payload
    assert codec.encode("topic:salary") == "topic:salary"
    assert codec.decode("h:unknown") is None
    assert CallbackCodec().decode(data) is None  # after a restart: expired, not garbage


def test_markup_rows_and_feedback_row():
    codec = CallbackCodec()
    reply = Reply(intent="salary", sections=(Section(body="x"),), is_topic_answer=True,
                  suggestions=(Suggestion("Pay", "topic:salary"),
                               Suggestion("Outlook", "topic:outlook"),
                               Suggestion("A rather long label for a button", "topic:education")))
    markup = reply_markup(reply, codec)
    assert markup is not None
    rows = [[b.text for b in row] for row in markup.inline_keyboard]
    assert rows == [["Pay", "Outlook"], ["A rather long label for a button"],
                    ["👍 Helpful", "👎 Not helpful"]]
    data = markup.inline_keyboard[-1][0].callback_data
    assert isinstance(data, str)
    vote = payloads.parse(data)
    assert vote is not None and payloads.voted(vote) == ("salary",) and payloads.helpful(vote)
    stripped = without_feedback(markup, codec)
    assert stripped is not None and len(stripped.inline_keyboard) == 2
    assert reply_markup(Reply(intent="x", sections=()), codec) is None


def test_flood_guard_notices_once_then_cools_down():
    now = [0.0]
    guard = FloodGuard(3, 10, 30, clock=lambda: now[0])
    assert [guard.check(1) for _ in range(3)] == [Verdict.ALLOW] * 3
    assert guard.check(1) is Verdict.NOTICE
    assert guard.check(1) is Verdict.DROP
    assert guard.check(2) is Verdict.ALLOW  # others unaffected
    now[0] = 29.9
    assert guard.check(1) is Verdict.DROP
    now[0] = 30.1
    assert guard.check(1) is Verdict.ALLOW


def test_flood_window_slides():
    now = [0.0]
    guard = FloodGuard(2, 10, 30, clock=lambda: now[0])
    guard.check(1)
    now[0] = 6
    guard.check(1)
    now[0] = 11
    assert guard.check(1) is Verdict.ALLOW
    assert FloodGuard(0, 10, 10).check(1) is Verdict.ALLOW  # 0 disables
