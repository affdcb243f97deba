"""Adding a career is a YAML change only: the bot recognises it and answers from its file."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.engine import Engine
from bot.render import render_plain
from bot.state import ConversationState


def test_a_second_career_added_in_yaml_is_answered(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    source = knowledge / "careers" / "medical-coding-specialist.yaml"
    career = yaml.safe_load(source.read_text(encoding="utf-8"))
    career["id"] = "pharmacy_technician"
    career["name"] = "Pharmacy technician"
    career["aliases"] = ["pharmacy technician", "pharmacy tech"]
    career["facts"]["median_pay_annual"]["value"] = "$43,460 a year"
    career["topics"]["salary"]["answer"] = "Pharmacy technicians earned {median_pay_annual}."
    (knowledge / "careers" / "pharmacy-technician.yaml").write_text(
        yaml.safe_dump(career, sort_keys=False), encoding="utf-8")
    # The occupation list declines pharmacy technicians; a covered career is never declined.
    assert "pharmacy technician" in (knowledge / "occupations.yaml").read_text(encoding="utf-8")

    engine = Engine.load(knowledge, intents)

    reply, state = engine.respond("how much does a pharmacy tech make", ConversationState())
    assert reply.intent == "salary"
    assert "Pharmacy technicians earned $43,460 a year." in render_plain(reply)
    assert state.career == "pharmacy_technician"
    # A follow-up stays with the career the chat is about.
    reply, _ = engine.respond("and the pay?", state)
    assert "$43,460" in render_plain(reply)
    # The original career is untouched.
    reply, _ = engine.respond("how much does a medical coder make", ConversationState())
    assert "$50,250" in render_plain(reply)
    # Fallbacks name every covered career.
    reply, _ = engine.respond("how much do plumbers make", ConversationState())
    assert "pharmacy technician" in render_plain(reply).lower()
