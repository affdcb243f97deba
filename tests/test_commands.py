"""The one command table: what "/start" and the rest do in the terminal and `ask --json`, and
that Telegram's menu is the same table."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot import commands
from bot.engine import Engine
from bot.render import render_plain
from bot.state import ConversationState
from bot.telegram.app import ADMIN_COMMANDS, PUBLIC_COMMANDS


@pytest.mark.parametrize("text,parsed", [
    ("/start", ("start", "")),
    ("/Schools@career_bot online", ("schools", "online")),
    ("  /start topic_salary ", ("start", "topic_salary")),
    ("how much do coders make", None),
    ("/", None),
    ("and/or", None),
])
def test_parse_reads_commands_only(text: str, parsed: tuple[str, str] | None) -> None:
    assert commands.parse(text) == parsed


def test_every_command_the_engine_answers_has_an_answer(engine: Engine) -> None:
    fresh = ConversationState()
    for command in commands.COMMANDS:
        answered = commands.answer(engine, command.name, "", fresh)
        assert (answered is not None) == command.engine, command.name


def test_start_greets_and_a_deep_link_answers_its_topic(engine: Engine) -> None:
    reply, _ = commands.in_chat(engine, "start", "", ConversationState())
    assert reply.intent == "greeting"
    reply, _ = commands.in_chat(engine, "start", "topic_salary", ConversationState())
    assert reply.intent == "salary" and "$" in render_plain(reply)


def test_unknown_and_forget_in_a_chat_without_storage(engine: Engine) -> None:
    _, state = engine.respond("how much do coders make", ConversationState())
    reply, kept = commands.in_chat(engine, "frobnicate", "", state)
    assert "don't know that command" in render_plain(reply)
    assert kept.topic == "salary"
    reply, fresh = commands.in_chat(engine, "forget", "", state)
    assert "forgot" in render_plain(reply)
    assert fresh.topic is None


def test_telegram_menus_come_from_the_table() -> None:
    public = [c.name for c in commands.COMMANDS if not c.admin]
    assert [c.command for c in PUBLIC_COMMANDS] == public
    assert {c.command for c in ADMIN_COMMANDS} == {"stats", "reload"}


def _ask(*texts: str) -> list[dict[str, object]]:
    lines = "".join(json.dumps({"chat": "c", "text": t}) + "\n" for t in texts)
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--json"], input=lines,
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_ask_json_answers_commands_as_commands() -> None:
    start, schools, unknown = _ask("/start", "/schools online", "/nope")
    assert start["intent"] == "greeting"
    assert schools["intent"] == "schools" and "online" in str(schools["answer"]).lower()
    assert "/help" in str(unknown["answer"])


def test_terminal_start_greets() -> None:
    out = subprocess.run([sys.executable, "-m", "bot", "chat"], input="/start\nquit\n",
                         capture_output=True, text=True, check=True).stdout
    greeting = out.split("you> ", 1)[1]
    assert "medical coding" in greeting.lower()
