"""What a user notices when talking to the engine: answers, follow-ups, refusals, bad input."""

from __future__ import annotations

import re

import pytest

from bot.engine import Engine
from bot.render import render_plain
from bot.state import ConversationState
from bot.understanding import Understanding


def ask(engine: Engine, *messages: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """Send messages in one chat; return (intent, plain answer, intents) per message."""
    state = ConversationState()
    out = []
    for message in messages:
        reply, state = engine.respond(message, state)
        out.append((reply.intent, render_plain(reply), reply.intents))
    return out


@pytest.mark.parametrize("question", [
    "how much do medical coders make?",
    "medcal coder salery",
    "whats the pay like",
    "how much money will i earn as a coding specialist",
])
def test_salary_answer_names_figure_source_and_date(engine: Engine, question: str) -> None:
    [(intent, answer, _)] = ask(engine, question)
    assert intent == "salary"
    assert "$50,250" in answer
    assert re.search(r"Sources?: BLS", answer)
    assert "May 2024" in answer


def test_outlook_answer_has_growth_and_its_period(engine: Engine) -> None:
    [(intent, answer, _)] = ask(engine, "is there demand for medical coders in the future")
    assert intent == "outlook"
    assert "7%" in answer and "2034" in answer.replace("–", "-").replace("-34", "2034")


@pytest.mark.parametrize("question,intent", [
    ("shcools with associate programs", "schools"),
    ("certifcation requirments", "certification"),
    ("do i need a lisence", "licensure"),
    ("wat skils do i need", "skills"),
])
def test_typos_still_find_the_topic(engine: Engine, question: str, intent: str) -> None:
    assert ask(engine, question)[0][0] == intent


@pytest.mark.parametrize("question", [
    "how much do plumbers earn",
    "what degree do I need to be a teacher",
    "best universities for computer science",
    "how do I get a driver's license",
    "how much does a dentist make",
    "what's the weather like tomorrow",
    "asdfghjkl",
])
def test_other_careers_and_off_topic_are_not_answered_with_coding_facts(
    engine: Engine, question: str
) -> None:
    [(intent, answer, _)] = ask(engine, question)
    assert intent == "fallback"
    assert "$" not in answer and "%" not in answer
    assert "medical coding specialist" in answer.lower()


def test_two_questions_in_one_message_get_both_answers(engine: Engine) -> None:
    [(intent, answer, intents)] = ask(engine, "What degree do I need and how much will I earn?")
    assert set(intents) == {"education", "salary"}
    assert intent == intents[0]
    assert "$" in answer and "associate" in answer.lower()


def test_three_questions_at_most_are_answered(engine: Engine) -> None:
    [(_, _, intents)] = ask(engine, "what's the pay? what's the outlook? which schools? "
                                    "do I need a license?")
    assert len(intents) == 3


def test_salary_follow_up_about_insurance_companies(engine: Engine) -> None:
    first, second = ask(engine, "what does a medical coder earn?",
                        "what about at insurance companies?")
    assert first[0] == "salary"
    assert second[0] == "salary"
    assert "insurance" in second[1].lower()
    assert "not" in second[1].lower() or "unconfirmed" in second[1].lower()


def test_education_follow_up_how_long(engine: Engine) -> None:
    _, (intent, answer, _) = ask(engine, "what education do I need", "how long does that take?")
    assert intent == "education"
    assert "year" in answer


def test_schools_follow_up_filters_by_level(engine: Engine) -> None:
    _, (intent, answer, _) = ask(engine, "which schools do you suggest", "only bachelor's")
    assert intent == "schools"
    assert "Grand Canyon University" in answer
    assert "Southern New Hampshire University" in answer
    assert "Purdue Global" not in answer
    assert "sponsored" in answer and "CAHIIM" in answer


def test_and_the_outlook_after_salary(engine: Engine) -> None:
    _, (intent, answer, _) = ask(engine, "salary?", "and the outlook?")
    assert intent == "outlook"
    assert "%" in answer


def test_school_level_without_context(engine: Engine) -> None:
    [(intent, answer, _)] = ask(engine, "where can I study for a master's")
    assert intent == "schools"
    assert "Wake Forest University" in answer and "National University" in answer
    assert "Purdue Global" not in answer


def test_licensure_answer_corrects_the_page(engine: Engine) -> None:
    [(intent, answer, _)] = ask(engine, "do cancer registrars need a state license")
    assert intent == "licensure"
    assert "ODS" in answer or "CTR" in answer


def test_cancer_registrars_are_a_similar_career(engine: Engine) -> None:
    reply, _ = engine.respond("what does a tumor registrar do all day", ConversationState())
    assert (reply.intent, reply.entry) == ("similar_careers", "cancer_registrar")
    answer = render_plain(reply)
    assert "ODS" in answer and "$25,000" in answer and "not a state license" in answer


def test_the_crc_has_its_own_certification_entry(engine: Engine) -> None:
    reply, _ = engine.respond("tell me about the crc credential", ConversationState())
    assert (reply.intent, reply.entry) == ("certification", "crc")
    assert "Certified Risk Adjustment Coder" in render_plain(reply)


def test_certification_names_the_right_bodies(engine: Engine) -> None:
    [(intent, answer, _)] = ask(engine, "which certification should I get")
    assert intent == "certification"
    assert "AHIMA" in answer and "AAPC" in answer


@pytest.mark.parametrize("message", [
    "", "   ", "\x00\x01\x02", "🙂🙂🙂", "a" * 10_000, "<b>salary</b> & pay?",
    "какая зарплата", "給料はいくらですか", "\u202e\u200bhello",
])
def test_bad_input_gets_a_friendly_reply(engine: Engine, message: str) -> None:
    reply, state = engine.respond(message, ConversationState())
    text = render_plain(reply)
    assert text.strip()
    assert len(text) < 4096
    assert state.turns == 1


def test_html_in_a_question_is_understood_not_echoed(engine: Engine) -> None:
    [(intent, answer, _)] = ask(engine, "<b>how much</b> do coders & billers make?")
    assert intent == "salary"
    assert "<b>" not in answer


def test_greeting_help_thanks_goodbye(engine: Engine) -> None:
    intents = [r[0] for r in ask(engine, "hey there", "what can you do", "thx!", "bye")]
    assert intents == ["greeting", "help", "thanks", "goodbye"]


def test_every_topic_is_reachable_by_button_and_fits_telegram(engine: Engine) -> None:
    for topic in engine.topic_ids:
        reply, state = engine.select(f"topic:{topic}", ConversationState())
        assert reply.intent == topic
        assert state.topic == topic
        assert 0 < len(render_plain(reply)) < 4096
        assert all(len(s.payload.encode()) <= 64 for s in reply.suggestions)


def test_unknown_button_payload_is_a_fallback(engine: Engine) -> None:
    reply, _ = engine.select("topic:astrology", ConversationState())
    assert reply.intent == "fallback"
    assert reply.suggestions


def test_fallback_offers_the_topic_menu(engine: Engine) -> None:
    reply, _ = engine.respond("tell me a joke about pirates", ConversationState())
    assert reply.intent == "fallback"
    assert {s.payload for s in reply.suggestions} >= {f"topic:{t}" for t in engine.topic_ids}


def test_state_survives_a_round_trip_through_storage(engine: Engine) -> None:
    _, state = engine.respond("how much do coders make", ConversationState())
    restored = ConversationState.from_dict(state.to_dict())
    reply, _ = engine.respond("and at insurance companies?", restored)
    assert reply.intent == "salary" and "insurance" in render_plain(reply).lower()


def test_sources_lists_bls_with_dates(engine: Engine) -> None:
    text = render_plain(engine.sources())
    assert "Bureau of Labor Statistics" in text and "2024" in text


def test_close_candidates_get_did_you_mean_buttons(engine: Engine) -> None:
    understanding = Understanding("did_you_mean", "medical_coding_specialist",
                                  options=("salary", "outlook"), confidence=0.4)
    reply, _ = engine.answer(understanding, ConversationState())
    assert reply.intent == "fallback"
    assert "did you mean" in render_plain(reply).lower()
    assert [s.payload for s in reply.suggestions] == ["topic:salary", "topic:outlook"]


@pytest.mark.parametrize("question", [
    "how much does a dentst make",  # a typo in the occupation
    "best universties for engeneering",
    "how do i get a real estate license",
    "what do nurses earn",
])
def test_not_covered_subjects_are_declined_even_with_typos(engine: Engine, question: str) -> None:
    reply, _ = engine.respond(question, ConversationState())
    assert reply.intent == "fallback"
    assert "only know about" in render_plain(reply)


@pytest.mark.parametrize("question,intent", [
    ("will I have to talk to doctors", None),  # doctors are context, not the subject
    ("show me schools", "schools"),  # "me schools" is not "med school"
])
def test_mentions_that_are_not_the_subject_are_not_declined(
    engine: Engine, question: str, intent: str | None
) -> None:
    reply, _ = engine.respond(question, ConversationState())
    assert "only know about" not in render_plain(reply)
    if intent is not None:
        assert reply.intent == intent


def test_elliptical_follow_up_refines_the_last_answer(engine: Engine) -> None:
    # "certified" also fits the certification topic; "what about…" makes it a follow-up on pay.
    _, (intent, answer, _) = ask(engine, "tell me about pay", "what about for certified coders")
    assert intent == "salary"
    assert "certified" in answer.lower() and "$" in answer
    # Without the opening, a confident question about another topic is answered as asked.
    _, (intent, _, _) = ask(engine, "tell me about pay", "which certification should I get")
    assert intent == "certification"
