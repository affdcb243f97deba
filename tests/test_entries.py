"""Question-level answers: each question people ask gets an answer that answers it."""

from __future__ import annotations

import pytest

from bot import payloads
from bot.engine import Engine
from bot.render import render_plain
from bot.state import ConversationState


def answer(engine: Engine, question: str) -> str:
    reply, _ = engine.respond(question, ConversationState())
    assert reply.intent != "fallback", f"{question!r} was not understood"
    return render_plain(reply)


# The question as people ask it, and what its answer must say (every string must appear).
QUESTIONS = [
    ("are coding jobs at risk from AI tools?", ["AI", "7%", "BLS"]),
    ("what's the difference between medical billing and coding", ["claims", "codes"]),
    ("is it worth it", ["$50,250", "7%"]),
    ("is there newer pay data", ["May 2024", "$51,140", "not yet confirmed"]),
    ("is it hard", ["exam", "pass rate"]),
    ("how much does training cost", ["$425", "$199"]),
    ("can I get financial aid", ["federal aid", "WIOA"]),
    ("how long until my first job", ["We don't know how long", "externship"]),
    ("what's the CPC pass rate", ["does not publish", "AHIMA"]),
    ("do I need AAPC membership", ["membership", "revokes"]),
    ("how many CEUs do I need", ["36 CEUs", "20 CEUs"]),
    ("what pays more, CCS or CPC", ["$58,000", "$60,000"]),
    ("what is risk adjustment coding", ["Medicare Advantage", "CRC"]),
    ("AAPC or AHIMA?", ["AAPC", "AHIMA", "hospitals"]),
    ("which code books do I need", ["CPT", "ICD-10-CM", "HCPCS"]),
    ("what are productivity standards",
     ["no national productivity standard", "3 inpatient records"]),
    ("can I do this in 6 months", ["six months", "CPC-A"]),
    ("what do coders make in Florida", ["$44,210", "data.bls.gov"]),
    ("do remote coders earn less", ["We don't know", "no published survey"]),
    ("are there part-time coding jobs", ["Part-time", "is not published"]),
    ("how do I get hired with no experience", ["externship", "Practicode"]),
    ("how do I check a program's accreditation", ["CAHIIM", "PCAP"]),
    ("how current is your data?", ["May 2024", "/sources"]),
    # a place named beside a broad pay question gets the pay by state, not the national median
    ("What's the median salary for medical coders in Texas specifically?",
     ["I don't have verified figures for other states", "data.bls.gov/oes"]),
    ("whats the hourly rate for a coder in ohio", ["I don't have verified figures"]),
    # "there" after a place is that place
    ("Im moving to florida, whats the average coder salary there?", ["Florida $44,210"]),
    ("What accreditor covers Southern New Hampshire University?", ["NECHE"]),  # not a place
    ("how many medical coders are employed in California",
     ["I don't know how many coders work in each state", "data.bls.gov/oes"]),
    ("how long should i study for the cpc", ["For the CPC", "weeks"]),
    ("I'm 60 and retired from retail. Is medical coding something I could still learn at my "
     "age?", ["No rule sets an age limit", "I don't know of data on hiring by age"]),
    ("i have ADHD, could i do medical coding", ["attention to detail", "I don't know of data"]),
    ("is it ok if im bad at math", ["math is not among them"]),
    ("I have two little kids at home. Is this a job I could do from my kitchen table?",
     ["Remote coding is common", "regular hours"]),
    ("hospital or clinic, which do coders work at", ["Hospitals employ the most coders"]),
    ("cetification needed for coding jobs?", ["CPC", "CCA"]),  # names the usual credentials
    ("is anatomy part of the training", ["anatomy and physiology"]),  # the coursework
    # "still" rests the question on what the user said before it
    ("i am really shy, can i still be a coder", ["quiet work"]),
    ("how much is AAPC membership for a student", ["Student", "not verified", "aapc.com"]),
    ("I read coders at insurance carriers average the most, is that a confirmed BLS number?",
     ["$64,170", "not verified"]),
]


@pytest.mark.parametrize("question,needles", QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_the_question_asked_is_answered(engine: Engine, question: str,
                                        needles: list[str]) -> None:
    text = answer(engine, question)
    for needle in needles:
        assert needle in text, f"{question!r}: the answer lacks {needle!r}:\n{text}"


def test_there_are_at_least_sixty_entries(engine: Engine) -> None:
    assert len(engine.knowledge.default_career.entries()) >= 60


def test_no_answer_talks_about_the_original_page(engine: Engine) -> None:
    career = engine.knowledge.default_career
    pressed = [payloads.topic(t) for t in career.topics]
    pressed += [payloads.entry(e.id) for e in career.entries()]
    for payload in pressed:
        reply, _ = engine.select(payload, ConversationState())
        text = render_plain(reply).lower()
        assert "original page" not in text and "original career page" not in text, payload
        assert "secondary cop" not in text, payload
        assert "programs programs" not in text, payload


def test_cpc_fee_says_the_price_needs_membership(engine: Engine) -> None:
    text = answer(engine, "how much is the cpc exam")
    assert "$425" in text and "membership" in text


def test_pay_answer_dates_its_percentiles(engine: Engine) -> None:
    text = answer(engine, "how much do medical coders make")
    assert "May 2024" in text and "In May 2023 the lowest tenth" in text


@pytest.mark.parametrize("entry,needles", [
    ("insurance", ["$64,170", "insurance carriers", "unconfirmed"]),
    ("figures_confirmed", ["$51,140", "unconfirmed", "$48,890", "not used", "$64,170"]),
    ("trend", ["$46,660", "out of date", "$51,140"]),
    ("jobs", ["341,600", "2020-21 edition", "not comparable"]),
    ("data_freshness", ["May 2024", "2024–34", "$46,660", "out of date", "$51,140"]),
])
def test_an_entry_holding_a_quoted_figure_says_whether_it_stands(
        engine: Engine, entry: str, needles: list[str]) -> None:
    reply, _ = engine.select(payloads.entry(entry), ConversationState())
    text = render_plain(reply)
    for needle in needles:
        assert needle in text, f"{entry}: {needle!r} missing from\n{text}"


def test_pay_history_names_the_older_wider_group(engine: Engine) -> None:
    reply, _ = engine.select(payloads.entry("trend"), ConversationState())
    text = render_plain(reply)
    assert "medical records and health information technicians" in text


def test_listed_levels_follow_the_listing(engine: Engine) -> None:
    schools = {s.id: s for s in engine.knowledge.schools.schools}
    assert schools["penn_foster"].levels == ()
    assert schools["liberty_university"].levels == ()
    assert "associate" not in schools["liberty_university"].levels_found_elsewhere
    reply, _ = engine.schools("associate", ConversationState())
    text = render_plain(reply)
    assert "Liberty" not in text and "Purdue Global" in text
    reply, _ = engine.schools("master", ConversationState())
    text = render_plain(reply)
    assert "Liberty University (Master's degree, not in the listing but found in" in text


def test_school_answer_leads_with_how_to_choose(engine: Engine) -> None:
    text = answer(engine, "which schools do you suggest")
    first = text.split("\n")[0]
    assert first.startswith("Choose the program")
    assert text.index("CAHIIM") < text.index("Listed schools")
    assert "partner listing that may include sponsored schools" in text
