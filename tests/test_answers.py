"""What an answer looks like to a user: entries, the source line, the "more" button, JSON."""

from __future__ import annotations

import io
import json
import re

from bot import payloads
from bot.engine import Engine
from bot.protocol import serve_lines
from bot.render import render_plain
from bot.state import ConversationState


def test_an_entry_answers_as_its_topic_and_names_itself(engine: Engine) -> None:
    reply, state = engine.respond("how much do coders make at insurance companies?",
                                  ConversationState())
    assert reply.intent == "salary" and reply.entry == "insurance"
    assert state.topic == "salary" and state.entry == "insurance"
    assert "insurance" in render_plain(reply).lower()


def test_json_lines_report_the_entry(engine: Engine) -> None:
    lines = [json.dumps({"chat": "a", "text": "how much do coders make at insurance companies"}),
             json.dumps({"chat": "b", "text": "how much do coders make"})]
    out = io.StringIO()
    serve_lines(engine, lines, out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["intent"] == "salary" and first["entry"] == "insurance"
    assert second["intent"] == "salary" and second["entry"] is None
    assert first["reasons"]


def test_every_answer_has_one_short_source_line(engine: Engine) -> None:
    for topic in engine.topic_ids:
        reply, _ = engine.select(payloads.topic(topic), ConversationState())
        for section in reply.sections:
            if section.source is None:
                continue
            assert section.source.count("\n") == 0
            assert re.match(r"Sources?: ", section.source)
            assert "secondary" not in section.source.lower()


def test_a_source_with_many_dates_shows_its_newest(engine: Engine) -> None:
    # The job counts come from six BLS editions; the line names the newest, not all six.
    reply, _ = engine.respond("how many coding jobs are there", ConversationState())
    source = reply.sections[0].source
    assert source == "Source: BLS, 2024 and earlier"
    assert "2010" in render_plain(reply)  # the older counts are still in the answer


def test_the_more_button_shows_provenance(engine: Engine) -> None:
    reply, state = engine.select(payloads.topic("salary"), ConversationState())
    more = [s for s in reply.suggestions if s.payload == payloads.more("salary")]
    assert more, "a pay answer with sourced figures offers 'More on this'"
    detail, _ = engine.select(more[0].payload, state)
    text = render_plain(detail)
    assert "Bureau of Labor Statistics" in text and "bls.gov" in text
    assert payloads.more("salary") not in {s.payload for s in detail.suggestions}


def test_buttons_lead_to_the_topic_entries(engine: Engine) -> None:
    reply, state = engine.select(payloads.topic("salary"), ConversationState())
    entries = [s for s in reply.suggestions if s.payload.startswith("entry:")]
    assert entries
    answer, new_state = engine.select(entries[0].payload, state)
    assert answer.intent == "salary" and answer.entry is not None
    assert new_state.entry == answer.entry
    # The entry's answer offers the broad topic again.
    assert payloads.topic("salary") in {s.payload for s in answer.suggestions}


def test_votes_carry_what_each_answer_answered(engine: Engine) -> None:
    reply, _ = engine.respond("what degree do I need and how much will I make?",
                              ConversationState())
    assert set(reply.intents) == {"education", "salary"}
    assert len(reply.answered) == 2
    assert engine.issued(payloads.vote(True, reply.answered))
