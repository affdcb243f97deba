"""How the bot reads what people really type: long messages, greetings around questions,
shorthand for two questions, follow-ups that refer back, and things it must not answer."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.render import render_plain
from bot.state import ConversationState


def chat(engine: Engine, *messages: str) -> list[tuple[str, tuple[str, ...], str]]:
    """Send messages in one chat; (intent, intents, plain answer) per message."""
    state = ConversationState()
    out = []
    for message in messages:
        reply, state = engine.respond(message, state)
        out.append((reply.intent, reply.intents, render_plain(reply)))
    return out


@pytest.mark.parametrize("message,topics", [
    ("my aunt keeps saying coding pays well but honestly what even is it? i'm 16",
     {"overview", "duties"}),
    ("after ten years in retail I know zero about hospitals, what would this job have me "
     "doing?", {"duties", "overview"}),
])
def test_long_natural_messages_are_answered(engine: Engine, message: str,
                                            topics: set[str]) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent in topics
    assert "code" in answer.lower()


@pytest.mark.parametrize("message,intent", [
    ("yo! what does a coder actually do?", "duties"),
    ("hey, quick question: how much do coders make?", "salary"),
    ("ok but do I need a license", "licensure"),
    ("so, what's the job outlook", "outlook"),
])
def test_greetings_and_openers_around_a_question_answer_the_question(
        engine: Engine, message: str, intent: str) -> None:
    assert chat(engine, message)[0][0] == intent


def test_thanks_then_a_follow_up_answers_the_follow_up(engine: Engine) -> None:
    _, (intent, _, answer) = chat(engine, "what do coders do?", "great, ty. and pay?")
    assert intent == "salary"
    assert "$" in answer


@pytest.mark.parametrize("message,expected", [
    ("certs / training?", {"certification", "education"}),
    ("pay + hours?", {"salary", "work_environment"}),
    ("degree & salary", {"education", "salary"}),
    ("I'm 30. How long is school? What's the pay?", {"education", "salary"}),
    ("skills n outlook", {"skills", "outlook"}),
    ("pls tell me salary and remote options thx", {"salary", "work_environment"}),
    ("tell me about the career and the pay", {"overview", "salary"}),
    ("tell me the outlook. also, which certification is best?", {"outlook", "certification"}),
    ("My granddaughter asked me to find out two things: how many years of school it takes, "
     "and whether the jobs will still be around in the future.", {"education", "outlook"}),
    ("cpc exam cost n time to finish school", {"certification", "education"}),
])
def test_shorthand_joins_are_split_into_questions(engine: Engine, message: str,
                                                   expected: set[str]) -> None:
    [(_, intents, _)] = chat(engine, message)
    assert expected <= set(intents)


def test_billing_and_coding_is_one_thing_not_two_questions(engine: Engine) -> None:
    [(intent, intents, _)] = chat(engine, "how much do billing and coding specialists make")
    assert intent == "salary" and intents == ("salary",)


def test_pronoun_follow_up_is_read_against_the_last_answer(engine: Engine) -> None:
    _, (intent, _, answer) = chat(engine, "tell me about the cpc exam", "can I take it from home")
    assert intent == "certification"
    assert "online" in answer.lower()


def test_short_follow_up_keeps_the_topic(engine: Engine) -> None:
    _, (intent, _, _) = chat(engine, "how much do coders make", "with 5 years experience?")
    assert intent == "salary"


def test_a_clear_new_question_still_wins_over_the_context(engine: Engine) -> None:
    _, (intent, _, _) = chat(engine, "how much do coders make",
                             "ok different question, do I need a license?")
    assert intent == "licensure"


@pytest.mark.parametrize("message", [
    "what do MRI techs earn",
    "how much do dental assistants make an hour",
    "how long does it take to become a sonographer",
    "CDL driver salary",
    "is nursing school hard",
    "do pharmacy techs need a license",
    "what's a veterinarian's median income",  # a possessive that owns the pay is the subject
    "how much does a medical scribe make",
    "what schools have good dental assisting programs",  # "have" is not the user's own past
    "how do i renew my driver's license",  # the user's own licence, but about that licence
])
def test_other_occupations_are_declined_not_answered_with_coding_facts(
        engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "$" not in answer and "only know about" in answer


def test_other_occupation_in_a_follow_up_is_declined(engine: Engine) -> None:
    _, (intent, _, answer) = chat(engine, "how much do coders make", "what about plumbers?")
    assert intent == "fallback" and "only know about" in answer


@pytest.mark.parametrize("message", [
    "what do medical assistants make",
    "is a receptionist job similar",
    "how much do health information technologists earn",
])
def test_the_similar_careers_it_covers_are_answered(engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "similar_careers"
    assert "$" in answer


@pytest.mark.parametrize("message", [
    "book my CPC exam for me",
    "fill in the application for me",
    "phone the college and ask about fees",
    "can you code this patient chart for me",
    "look up the ICD-10 code for a sprained ankle",
    "send me the AAPC membership form and pay for it",  # the act is in the second clause
])
def test_requests_to_act_say_what_the_bot_can_and_cannot_do(engine: Engine,
                                                            message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "can't" in answer.lower() and "tap a topic" in answer.lower()


@pytest.mark.parametrize("message", [
    "what does error code 404 mean",
    "how many calories are in a banana",
    "what's the population of canada",
    "tell me a joke",
    "how much does an MRI cost without insurance",  # a patient's question, not a coder's
    "my insurance denied my claim, what do i do",
    "how to get a job as a front end coder",  # programming
    "coding classes for kids with scratch",
    "what is the best laptop for college",
    "can you recommend a good book",
])
def test_world_questions_and_other_codes_fall_back(engine: Engine, message: str) -> None:
    assert chat(engine, message)[0][0] == "fallback"


@pytest.mark.parametrize("message", ["shut up stupid bot", "this bot sucks", "f*** off",
                                     "screw you bot"])
def test_abuse_gets_a_calm_reply_not_a_greeting_or_goodbye(engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "Sorry I haven't been much help" in answer and "Hi!" not in answer


@pytest.mark.parametrize("message", ["are you a real person or a bot", "am i talking to a human"])
def test_asking_whether_the_bot_is_a_person_says_it_is_a_bot(engine: Engine,
                                                             message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback" and "I'm a bot, not a person" in answer


@pytest.mark.parametrize("message", [
    "I'm a nurse and tired of bedside. Can I switch to coding?",
    "I work in a warehouse, can i switch to medical coding",
    "I'm an RN thinking of leaving bedside nursing. could I switch to coding?",  # could = can
])
def test_switching_into_coding_is_about_the_career_not_the_similar_ones(
        engine: Engine, message: str) -> None:
    [(intent, _, _)] = chat(engine, message)
    assert intent == "overview"


def test_a_question_about_coders_is_not_taken_for_a_request_for_help(engine: Engine) -> None:
    # "questions" is the help intent's word; the message asks about what coders do.
    [(intent, _, answer)] = chat(engine,
                                 "do coders ask the doctors questions when a chart is unclear")
    assert intent == "duties" and "clarify" in answer


def test_understanding_names_questions_entry_and_reasons(engine: Engine) -> None:
    understanding = engine.understand("how much do coders make at insurance companies?",
                                      ConversationState())
    assert understanding.kind == "answer"
    [question] = understanding.questions
    assert question.intent == "salary" and question.entry == "insurance"
    assert understanding.reasons


def test_occupation_as_context_is_not_declined(engine: Engine) -> None:
    for message in ("do coders have to read the doctor's notes",
                    "do coders work in doctors' offices",
                    # what the user does meanwhile, and what the career is compared with
                    "can i study online while still driving?",
                    "do you need a board license like nurses have",
                    # the user's own field ("my"), unless it is a licence of theirs
                    "will my nursing background help"):
        reply, _ = engine.respond(message, ConversationState())
        assert "only know about" not in render_plain(reply)


@pytest.mark.parametrize("message,intents", [
    ("what pays more, CCS or CPC", ("salary",)),
    ("what's the difference between the CPC and the CCS", ("certification",)),
    ("what's AAPC vs AHIMA, and which schools are accredited", ("certification", "schools")),
])
def test_a_comparison_is_one_question(engine: Engine, message: str,
                                      intents: tuple[str, ...]) -> None:
    assert chat(engine, message)[0][1] == intents


def test_it_after_a_question_titled_answer_is_the_career(engine: Engine) -> None:
    _, (intent, _, _) = chat(engine, "is medical coding worth it?", "how long does it take?")
    assert intent == "education"


def test_a_follow_up_does_not_just_repeat_the_last_answer(engine: Engine) -> None:
    _, (intent, _, answer) = chat(engine, "what are drgs", "can I take it from home")
    assert intent == "work_environment"
    assert "remote" in answer.lower() or "home" in answer.lower()


@pytest.mark.parametrize("message,topics", [
    ("salary/outlook?", {"salary", "outlook"}),
    ("duties/skills?", {"duties", "skills"}),
])
def test_two_words_joined_by_a_slash_are_two_questions(engine: Engine, message: str,
                                                       topics: set[str]) -> None:
    [(_, intents, _)] = chat(engine, message)
    assert topics <= set(intents)


def test_and_or_and_without_are_not_split(engine: Engine) -> None:
    [(_, intents, answer)] = chat(engine, "w/o a degree can i work as a coder")
    assert intents == ("education",)
    assert "degree" in answer.lower()


def test_a_state_named_in_a_follow_up_stays_on_the_last_topic(engine: Engine) -> None:
    _, texas = chat(engine, "do i need a license", "what about in Texas?")
    assert texas[0] == "licensure" and "licen" in texas[2].lower()
    _, mississippi = chat(engine, "how much do coders make", "and mississippi?")
    assert mississippi[0] == "salary" and "state" in mississippi[2].lower()
    # A place alone narrows the last answer, though pay by state matches it closer.
    _, california = chat(engine, "do i need a license to code", "in california?")
    assert california[0] == "licensure" and "licen" in california[2].lower()


def test_a_state_in_a_new_question_is_a_state_of_that_question(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "what do coders make in ohio")
    assert intent == "salary" and "state" in answer.lower()
    [(intent, _, _)] = chat(engine, "schools in ohio")
    assert intent == "schools"


def test_the_careers_own_field_of_study_is_not_declined(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "associate degree in health information technology")
    assert intent == "education"
    assert "only know about" not in answer.lower()
    [(intent, _, _)] = chat(engine, "how do i get into information technology")
    assert intent == "fallback"


def test_a_shift_is_a_working_day(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "walk me through a typical shift")
    assert intent == "duties" and "records" in answer.lower()


def test_a_plural_credential_is_not_spelled_as_another_one(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "how much do cpcs make")
    assert intent == "salary" and "CPC" in answer


def test_and_inside_a_job_name_does_not_split_the_question(engine: Engine) -> None:
    [(_, intents, answer)] = chat(
        engine, "how much does a medical and health services manager make")
    assert intents == ("similar_careers",) and "manager" in answer.lower()


def test_a_bare_clause_needs_a_clear_topic_to_be_a_question_of_its_own(engine: Engine) -> None:
    # "1 year" alone reads as pay (per year); it is half of one question about schooling.
    [(_, intents, answer)] = chat(engine, "1 year or 2 year program?")
    assert intents == ("education",)
    assert "$" not in answer


@pytest.mark.parametrize("message", [
    "does Purdue Global have anything for billing",
])
def test_a_named_school_is_answered_from_the_school_list(engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "schools"
    assert "Purdue Global" in answer or "Penn Foster" in answer


def test_a_word_that_names_another_topic_beats_the_context(engine: Engine) -> None:
    *_, (intent, _, answer) = chat(engine, "what is RHIT", "which schools offer it")
    assert intent == "schools"
    assert "CAHIIM" in answer


def test_a_follow_up_naming_another_topic_asks_that_topic(engine: Engine) -> None:
    # The pay of certified coders uses "certification" too; the follow-up names the topic.
    _, (intent, _, answer) = chat(engine, "do certified coders earn more",
                                  "what about certification")
    assert intent == "certification"
    assert "AHIMA" in answer and "AAPC" in answer


@pytest.mark.parametrize("first,follow_up", [
    ("can he start right out of high school", "would he need to be certified too"),
    ("can medical coders work from home", "ok and which certs help land a remote job"),
    # "after that" asks the next step on its own words
    ("what education do i need", "and after that which cert?"),
    ("what education do i need", "ok and after that does he need to get certified"),
])
def test_a_follow_up_with_a_topics_name_asks_that_topic(engine: Engine, first: str,
                                                       follow_up: str) -> None:
    _, (intent, _, answer) = chat(engine, first, follow_up)
    assert intent == "certification"
    assert "CPC" in answer


def test_it_in_a_follow_up_naming_pay_is_the_career(engine: Engine) -> None:
    *_, (intent, _, answer) = chat(engine, "my daughter wants to be a medical coder",
                                   "what would she need to study?", "does it pay well?")
    assert intent == "salary" and "$" in answer


def test_a_follow_up_in_another_topics_own_word_leaves_an_entry_that_borrows_it(
        engine: Engine) -> None:
    # The exam can be taken online, but "remote?" asks whether the job is.
    _, (intent, _, answer) = chat(engine, "how much is the cpc exam", "remote?")
    assert intent == "work_environment" and "home" in answer
    # ... while "is it hard?" points back at the exam.
    _, (intent, _, answer) = chat(engine, "what is the cpc exam like", "is it hard?")
    assert intent == "certification" and "CPC" in answer


def test_two_alternatives_each_clear_on_the_last_topic_are_answered(engine: Engine) -> None:
    # Read whole the message is unclear; each clear half asks about remote work.
    _, (intent, _, answer) = chat(engine, "can i work from home as a coder",
                                  "right away or only after some experience?")
    assert intent == "work_environment" and "experience" in answer


def test_a_follow_up_in_pays_own_word_asks_pay_after_the_hours(engine: Engine) -> None:
    _, (intent, _, answer) = chat(engine, "do coders work weekends",
                                  "does it pay more for the night shift?")
    assert intent == "salary" and "$" in answer


def test_a_follow_up_pointing_back_keeps_the_topic_it_names_a_side_of(engine: Engine) -> None:
    # "certified ones" are coders: their pay, not the certification topic.
    _, (intent, _, answer) = chat(engine, "what does a coder earn", "and certified ones?")
    assert intent == "salary" and "$" in answer


@pytest.mark.parametrize("first,follow_up,needle", [
    ("whats the cpc exam like", "how long is it", "4 hours"),  # the exam's length
    ("what's the CPC", "how much is it", "$"),  # its fee, not the bare certification topic
])
def test_it_after_the_cpc_asks_about_the_cpc(engine: Engine, first: str, follow_up: str,
                                             needle: str) -> None:
    _, (intent, _, answer) = chat(engine, first, follow_up)
    assert intent == "certification"
    assert needle in answer


@pytest.mark.parametrize("message", [
    "pharmacist salary compared to dentist salary",
    "nurse pay vs teacher pay",
])
def test_two_other_occupations_compared_with_each_other_are_declined(
        engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "$" not in answer


def test_a_nearby_occupation_compared_with_coding_gets_the_similar_careers(
        engine: Engine) -> None:
    [(intent, _, _)] = chat(engine, "is a health unit coordinator kind of the same thing")
    assert intent == "similar_careers"


def test_a_referring_part_with_nothing_of_its_own_is_not_a_question(engine: Engine) -> None:
    # "do coders need one too" has only "one" for what it asks: the license said before it.
    [(intent, _, answer)] = chat(engine, "i had a state license as a nurse aide. do coders "
                                         "need one too")
    assert intent == "licensure"
    assert "licens" in answer.lower()


def test_going_back_to_the_career_is_not_a_question_of_its_own(engine: Engine) -> None:
    *_, (intent, intents, answer) = chat(engine, "what do coders earn", "and plumbers?",
                                         "ok back to coding, how are the job prospects")
    assert intent == "outlook" and intents == ("outlook",)
    assert "%" in answer


@pytest.mark.parametrize("closing,intent", [("thanks, that's reassuring", "thanks"),
                                            ("ok thats all i needed, bye", "goodbye")])
def test_a_thank_you_or_goodbye_with_a_remark_is_not_a_follow_up(engine: Engine, closing: str,
                                                                 intent: str) -> None:
    _, (got, _, answer) = chat(engine, "is medical coding growing", closing)
    assert got == intent and "%" not in answer


def test_a_question_is_never_taken_for_a_goodbye(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "im pretty shy, is that ok?")
    assert intent != "goodbye" and "Good luck" not in answer
    _, (intent, _, answer) = chat(engine, "skills needed?", "im pretty shy, is that ok?")
    assert intent != "goodbye" and "Good luck" not in answer


def test_what_a_thing_named_before_is_asks_about_it(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "my daughter mentioned medical coding as a career, "
                                         "what exactly is that")
    assert intent == "overview"
    assert "code" in answer.lower()


def test_going_back_to_the_career_leaves_the_similar_career(engine: Engine) -> None:
    *_, (intent, _, answer) = chat(engine, "jobs similar to coding?",
                                   "how much do medical assistants make",
                                   "ok back to coding, how much do coders make")
    assert intent == "salary"
    assert "$50,250" in answer and "Medical assistants" not in answer


@pytest.mark.parametrize("message", ["is coding like computer science",
                                     "is medical coding harder than python"])
def test_coding_compared_with_programming_is_about_the_career(engine: Engine,
                                                             message: str) -> None:
    assert chat(engine, message)[0][0] != "fallback"


@pytest.mark.parametrize("message", ["medcoder salery", "monies lol how much", "pay? ballpark"])
def test_slang_and_hedges_around_pay_are_read_as_pay(engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "salary" and "$" in answer


@pytest.mark.parametrize("message", ["shcools with associate programs", "sallary and shcools?"])
def test_a_misspelt_plural_is_read_as_the_word_it_misspells(engine: Engine, message: str) -> None:
    [(_, intents, answer)] = chat(engine, message)
    assert "schools" in intents
    assert "Purdue Global" in answer


@pytest.mark.parametrize("follow_up", ["tell me more", "why?", "how come", "go on"])
def test_asking_for_more_after_an_answer_gets_its_more_section(engine: Engine,
                                                               follow_up: str) -> None:
    _, (intent, _, answer) = chat(engine, "is medical coding growing", follow_up)
    assert intent == "outlook"
    assert "come from" in answer and "Bureau of Labor Statistics" in answer


@pytest.mark.parametrize("message", ["tell me more", "why is the sky blue"])
def test_asking_for_more_with_nothing_answered_yet_is_not_understood(engine: Engine,
                                                                    message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "$" not in answer


@pytest.mark.parametrize("message", ["how do hospitals get paid for a patient stay",
                                     "do codes decide how hospitals get paid"])
def test_a_hospital_getting_paid_is_reimbursement_not_a_coders_pay(engine: Engine,
                                                                  message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "duties"
    assert "$" not in answer


def test_a_request_frame_does_not_pull_the_question_elsewhere(engine: Engine) -> None:
    # "i want know" shares words with "i want to learn about medical coding" (the overview).
    [(_, intents, answer)] = chat(engine, "i am from kenya. i want know what is salary of coder "
                                          "in usa and what school is need")
    assert intents[0] == "salary" and "overview" not in intents
    assert "$" in answer


def test_someone_elses_wish_to_know_frames_the_questions(engine: Engine) -> None:
    [(_, intents, answer)] = chat(engine, "My daughter wants to know two things: how much "
                                          "school it takes and whether there are jobs out "
                                          "there.")
    assert set(intents) == {"education", "outlook"}
    assert "certificate" in answer and "openings" in answer


@pytest.mark.parametrize("message,intent,needle", [
    ("is this a 40 hr/week thing", "work_environment", "40"),
    ("what do coders make an hr", "salary", "an hour"),
])
def test_hr_and_hrs_are_read_as_hours(engine: Engine, message: str, intent: str,
                                      needle: str) -> None:
    [(got, _, answer)] = chat(engine, message)
    assert got == intent
    assert needle in answer


@pytest.mark.parametrize("message", [
    "email my transcript to the college",
    "call purdue global and ask about tuition",
    "can you fill out my fafsa",
    "pay my aapc membership",
])
def test_a_message_opening_with_an_action_for_the_bot_is_a_request_to_act(
        engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "can't do that" in answer


@pytest.mark.parametrize("message,intent", [
    ("find me a school", "schools"),
    ("send me the list of schools", "schools"),
    ("pay?", "salary"),
    ("pay for coders in texas", "salary"),
    ("pay in hospitals vs clinics", "salary"),
    ("pay the same in every state?", "salary"),
])
def test_asking_to_be_told_something_is_not_a_request_to_act(engine: Engine, message: str,
                                                              intent: str) -> None:
    assert chat(engine, message)[0][0] == intent


def test_a_referring_follow_up_after_the_similar_careers_is_about_them(engine: Engine) -> None:
    *_, (intent, _, answer) = chat(engine, "careers similar to coding?",
                                   "which one of those earns more")
    assert intent == "similar_careers"
    assert "Health information technologists" in answer


@pytest.mark.parametrize("message", [
    "how do i make lasagna",
    "nba scores tonight",  # "score" is an exam word too
    "is messi better than ronaldo",
    "how do i get rid of a migraine",
    "can you diagnose this rash",
    "Grand Canyon hiking tours",  # a listed school's name in another sense
    "Purdue football score",
])
def test_a_question_about_something_we_have_never_seen_falls_back(engine: Engine,
                                                                  message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "medical coding" in answer


@pytest.mark.parametrize("message,intent", [
    ("wait whats a DRG", "duties"),  # a term of the field outweighs an unknown word
    ("back in 2018 how many of these jobs existed", "outlook"),  # a year is a figure
    ("my cousin swears the RHIT is the best cert to get, is that true?", "certification"),
])
def test_unknown_words_beside_the_fields_own_terms_are_still_answered(
        engine: Engine, message: str, intent: str) -> None:
    assert chat(engine, message)[0][0] == intent


def test_careers_similar_to_another_occupation_are_declined(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "what careers are similar to being a chef")
    assert intent == "fallback"
    assert "only know about medical coding" in answer
    # Compared with the career itself, another occupation is a similar-careers question.
    assert chat(engine, "is a health unit coordinator kind of the same thing")[0][0] == \
        "similar_careers"


@pytest.mark.parametrize("message", ["how much do java devs make in india",
                                     "how much do python developers earn",
                                     "is coding in minecraft hard", "c++ vs rust which is better",
                                     "how long to learn python coding"])
def test_software_developers_are_another_occupation(engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "$" not in answer


def test_high_school_is_preparation_not_the_school_list(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "what subjects should my son focus on in high school "
                                         "if he wants to do medical coding")
    assert intent == "education"
    assert "Penn Foster" not in answer


def test_a_quoted_figure_is_answered_by_the_answer_that_states_it(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "I saw that coders working for insurance carriers "
                                         "average $64,170 a year. Is that a real BLS number?")
    assert intent == "salary"
    assert "64,170" in answer


def test_a_credentials_initials_are_not_taken_for_another_occupations(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "requirements for CCA certfication")
    assert intent == "certification"
    assert "only know about" not in answer


@pytest.mark.parametrize("message,intent", [
    ("do hospitals make coders come in on weekends", "work_environment"),
    ("is it hard to find a coding job rn", "outlook"),
    ("is it a 9 to 5", "work_environment"),
    ("school recs?", "schools"),
    ("what would i study", "education"),
    ("what do they do and is it growing", "duties"),
])
def test_everyday_wording(engine: Engine, message: str, intent: str) -> None:
    assert chat(engine, message)[0][0] == intent


def test_background_stays_background_in_its_clauses(engine: Engine) -> None:
    [(_, intents, answer)] = chat(engine, "I'm 42 and changing careers from retail. Can "
                                          "I get into coding with only a high school "
                                          "diploma?")
    assert intents == ("education",)
    assert "diploma" in answer


@pytest.mark.parametrize("first,follow_up,intent", [
    ("can coders work from home", "right away?", "work_environment"),
    ("how long is the CPC exam", "is it hard", "certification"),
    ("whats the 2024 median for coders", "and back in 2021?", "salary"),
    ("certification needed?", "which is the easiest to get", "certification"),
])
def test_a_short_follow_up_stays_on_the_last_answer(engine: Engine, first: str,
                                                    follow_up: str, intent: str) -> None:
    assert chat(engine, first, follow_up)[1][0] == intent


def test_a_message_worded_like_a_pattern_gets_that_patterns_answer(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "should i become a medical coder")
    assert intent == "overview"
    assert "worth" in answer.lower() or "yes" in answer.lower()


@pytest.mark.parametrize("message", ["can you do my homework", "check my resume please",
                                     "apply to remote coding jobs for me",
                                     "can you read my lab results"])
def test_asking_the_bot_to_work_on_the_users_things_is_a_request_to_act(
        engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "can't do that" in answer


@pytest.mark.parametrize("message", ["do I need a fishing license in Florida",
                                     "what degree do I need to be a vet",
                                     "how long is a pharmacy degree"])
def test_other_fields_degrees_and_licences_are_declined(engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "only know about medical coding" in answer


@pytest.mark.parametrize("message,intent", [
    ("my uncle says coders need a state license, is that true", "licensure"),
    ("someone told me coding jobs are disappearing because of computers, is that right",
     "outlook"),
])
def test_is_that_true_asks_about_what_was_said(engine: Engine, message: str,
                                               intent: str) -> None:
    assert chat(engine, message)[0][0] == intent


@pytest.mark.parametrize("message,figure", [
    ("48,890 vs 50,250 which is correct", "48,890"),
    ("is 64170 correct for insurance", "64,170"),
])
def test_a_quoted_figure_alone_says_what_is_asked(engine: Engine, message: str,
                                                  figure: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent != "fallback"
    assert figure in answer


def test_a_known_word_with_a_prefix_is_not_an_unknown_subject(engine: Engine) -> None:
    assert chat(engine, "is the market oversaturated")[0][0] == "outlook"


def test_the_users_own_service_or_past_job_is_background(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "I'm a veteran, was a medic in the Army and just got "
                                         "out. Which certification should someone like me "
                                         "go for first?")
    assert intent == "certification"
    assert "only know about" not in answer
    # "former ... here" is the user's past too.
    [(intent, _, answer)] = chat(engine, "former army medic here. would i still be hands on "
                                         "with patients or is it all paperwork")
    assert intent == "duties" and "only know about" not in answer
    # Asked about for its own sake, the same field is still another subject.
    assert chat(engine, "what can i do with a history degree")[0][0] == "fallback"


@pytest.mark.parametrize("message", ["how long does it take to become an RN",
                                     "work from home jobs in customer service"])
def test_more_everyday_names_of_other_occupations(engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "only know about medical coding" in answer


def test_a_follow_up_that_says_one_thing_is_read_in_context(engine: Engine) -> None:
    *_, (intent, _, answer) = chat(engine, "what is the RHIT", "how do I qualify")
    assert intent == "certification"
    assert "RHIT" in answer


@pytest.mark.parametrize("message,intent", [
    ("hospital or office?", "work_environment"),
    ("do they work at insurance companies too or just hospitals", "work_environment"),
])
def test_which_topic_is_judged_on_the_whole_topic_not_one_entry(engine: Engine, message: str,
                                                                 intent: str) -> None:
    # A pay entry about hospitals shares one word with these; the work-environment topic's
    # patterns, taken together, are about where coders work.
    [(got, _, answer)] = chat(engine, message)
    assert got == intent
    assert "$" not in answer


@pytest.mark.parametrize("message,intent", [
    ("do they work rotating shifts like nurses", "work_environment"),
    ("Is the pay better than a bank teller's?", "salary"),
    ("I'm a veteran with a medic background. How long is the training?", "education"),
    ("do I still need a degree if I already have my CNA", "education"),
    ("Former bank teller here. what's the pay", "salary"),
])
def test_an_occupation_the_career_is_measured_against_is_not_the_subject(
        engine: Engine, message: str, intent: str) -> None:
    [(got, _, answer)] = chat(engine, message)
    assert got == intent
    assert "only know about" not in answer


@pytest.mark.parametrize("message", ["what do dental assistants make",
                                     "is a nurse better paid than a teacher",
                                     "jobs like nursing that pay well",
                                     "lpn vs rn which pays more"])
def test_another_occupation_asked_about_is_still_declined(engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "only know about medical coding" in answer


def test_a_field_the_career_may_require_is_not_another_subject(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "Do I need a biology degree first?")
    assert intent == "education"
    assert "certificate" in answer
    # What another field requires is still not ours to answer.
    assert chat(engine, "what classes do i need for psychology")[0][0] == "fallback"
    assert chat(engine, "what do i need to get into nursing school")[0][0] == "fallback"
    # The "to" of "need to go to" is no purpose: med school is what the career might require.
    assert chat(engine, "do i need to go to med school")[0][0] == "education"


def test_this_job_is_the_career_however_new_the_other_words(engine: Engine) -> None:
    understanding = engine.understand("Could I do this job while traveling around, digital "
                                      "nomad style?", ConversationState())
    assert "more unknown words than known" not in understanding.reasons
    assert understanding.candidate is not None


def test_a_common_word_missing_from_the_english_list_is_no_term_of_the_field(
        engine: Engine) -> None:
    # "certification" is not in the word list, but names many topics: the unknown subject
    # ("AWS cloud") decides. "rhit" is a term of the field and keeps the message ours.
    assert chat(engine, "what certification do I need for AWS cloud")[0][0] == "fallback"
    assert chat(engine, "rhit for someone in texas")[0][0] == "certification"


def test_a_real_word_is_not_read_as_a_typo_of_an_occupation(engine: Engine) -> None:
    [(intent, _, _)] = chat(engine, "My son is finishing high school. What does he need to "
                                    "study for this job?")
    assert intent == "education"  # "finishing" is not "fishing"


@pytest.mark.parametrize("message", [
    "tell me what coders do", "explain what coders do", "can you tell me what a coder does",
])
def test_a_question_inside_tell_me_is_the_question_asked(engine: Engine, message: str) -> None:
    assert chat(engine, message)[0][0] == "duties"


def test_tell_me_about_the_career_is_still_the_overview(engine: Engine) -> None:
    assert chat(engine, "tell me about medical coding")[0][0] == "overview"
    assert chat(engine, "explain medical coding")[0][0] == "overview"


def test_stress_is_a_work_setting_question_answered_without_a_made_up_rating(
        engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "is medical coding a stressful job")
    assert intent == "work_environment"
    assert "I don't know how stressful" in answer and "productivity" in answer


def test_hard_to_learn_is_a_skills_question(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "is medical coding hard to learn")
    assert intent == "skills"
    assert "anatomy" in answer


@pytest.mark.parametrize("first,follow_up,intent", [
    ("what do coders do day to day", "where do they do it", "work_environment"),
    ("do i need a degree", "where can I get it", "schools"),
])
def test_a_where_follow_up_asks_for_a_place(engine: Engine, first: str, follow_up: str,
                                            intent: str) -> None:
    assert chat(engine, first, follow_up)[1][0] == intent


def test_a_follow_up_without_a_place_word_stays_on_the_last_topic(engine: Engine) -> None:
    assert chat(engine, "what do coders do day to day", "how do they do it")[1][0] == "duties"


@pytest.mark.parametrize("message", [
    "how much do software coders make", "what degree do i need to be a software coder",
    "is java or c++ better for beginners", "best coding bootcamp online",
])
def test_coding_in_the_software_sense_is_declined(engine: Engine, message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "fallback"
    assert "medical coding" in answer.lower()


def test_is_it_programming_is_answered_no(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "so is medical coding like programming or no")
    assert intent == "overview"
    assert answer.startswith("No") and "never write code" in answer


@pytest.mark.parametrize("message,intent", [
    ("salary info please", "salary"),
    ("quick rundown on medical coding", "overview"),
    ("can you explain what the RHIT is", "certification"),
])
def test_politeness_and_framing_words_do_not_pick_the_topic(engine: Engine, message: str,
                                                            intent: str) -> None:
    assert chat(engine, message)[0][0] == intent


def test_a_count_of_questions_before_them_is_no_question(engine: Engine) -> None:
    [(_, intents, _)] = chat(engine, "ok 3 questions: pay, remote, certs")
    assert set(intents) == {"salary", "work_environment", "certification"}



@pytest.mark.parametrize("message", [
    "how many continuing education hours for the ODS",
    # Naming the registrars does not make their credential a similar-careers question.
    "what's the ODS certification for cancer registrars",
])
def test_the_registrars_credential_is_a_certification_question(engine: Engine,
                                                               message: str) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent == "certification"
    assert "not a state license" in answer


def test_a_follow_up_with_no_word_of_its_own_is_about_the_last_answer(engine: Engine) -> None:
    _, (intent, _, answer) = chat(engine, "can coders work from home",
                                  "how many of them actually do")
    assert intent == "work_environment"
    assert "%" in answer


@pytest.mark.parametrize("message,topics", [
    ("whats the job market like", {"outlook"}),
    ("what's the job like", {"overview", "duties"}),
    ("can you tell me what a normal day looks like for a coder", {"duties"}),
])
def test_what_is_it_like_asks_for_a_description_not_similar_careers(
        engine: Engine, message: str, topics: set[str]) -> None:
    [(intent, _, answer)] = chat(engine, message)
    assert intent in topics
    assert "transcriptionist" not in answer.lower()


@pytest.mark.parametrize("message", ["what jobs are like medical coding",
                                     "what other careers are kind of like being a coder"])
def test_jobs_like_this_one_are_still_similar_careers(engine: Engine, message: str) -> None:
    [(intent, _, _)] = chat(engine, message)
    assert intent == "similar_careers"


def test_a_credential_the_question_names_beats_its_question_words(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "how many active CCS holders are there")
    assert intent == "certification"
    assert "CCS" in answer


def test_the_last_topic_needs_no_word_of_its_own(engine: Engine) -> None:
    _, (intent, _, answer) = chat(engine, "is a medical transcriptionist similar to a coder",
                                  "which one has a better future?")
    assert intent in ("similar_careers", "outlook")
    assert "%" in answer


@pytest.mark.parametrize("message,intent", [
    ("the pay matters to me. is it remote?", "work_environment"),
    ("my budget is tight. can i get financial aid for a coding program?", "education"),
])
def test_a_statement_before_the_question_is_background(engine: Engine, message: str,
                                                       intent: str) -> None:
    [(got, intents, _)] = chat(engine, message)
    assert (got, intents) == (intent, (intent,))


def test_describing_sentences_before_the_question_are_not_answered(engine: Engine) -> None:
    # No verb of stating, but they only describe the user; the last sentence asks.
    [(_, intents, answer)] = chat(engine, "Retired Air Force, 45. Good with computers and very "
                                          "detail oriented. Looking into coding. Do I need a "
                                          "license, and what's the pay like?")
    assert set(intents) == {"licensure", "salary"}
    assert "licen" in answer.lower() and "$" in answer


@pytest.mark.parametrize("message,intents", [
    ("pay. also remote?", {"salary", "work_environment"}),
    ("u need good computer skills for this? n whats the schooling like", {"skills", "education"}),
])
def test_a_sentence_without_a_question_mark_that_asks_is_still_answered(
        engine: Engine, message: str, intents: set[str]) -> None:
    [(_, got, _)] = chat(engine, message)
    assert intents <= set(got)


def test_a_statement_the_question_points_at_is_what_it_asks(engine: Engine) -> None:
    [(intent, _, answer)] = chat(engine, "A friend said coders average 64 grand at insurance "
                                         "carriers. Is that legit?")
    assert intent == "salary"
    assert "$" in answer


def test_an_if_clause_is_the_condition_of_the_question_after_it(engine: Engine) -> None:
    [(intent, intents, answer)] = chat(engine, "If I end up collecting 3 or more coding "
                                               "credentials, what kind of salary is that?")
    assert (intent, intents) == ("salary", ("salary",))
    assert "$70,608" in answer


def test_an_if_clause_after_a_question_still_asks(engine: Engine) -> None:
    [(_, intents, _)] = chat(engine, "lowkey curious what coders do all day and if its chill, "
                                     "like do u work from home")
    assert {"duties", "work_environment"} <= set(intents)


@pytest.mark.parametrize("message,needle", [
    ("medical coder salary in texas specifically?", "don't have verified figures"),
    ("what % of ppl pass the CPC first try", "no published CPC pass rate"),
    ("will AI replace medical coders", "No figure is published"),
])
def test_what_no_source_gives_is_said_plainly(engine: Engine, message: str,
                                              needle: str) -> None:
    [(_, _, answer)] = chat(engine, message)
    assert needle in answer


def test_a_background_statement_of_what_the_user_cannot_do_is_no_question(
        engine: Engine) -> None:
    [(intent, intents, answer)] = chat(engine, "As a single parent I cannot pay out of pocket. "
                                               "Is there financial aid for coding programs?")
    assert (intent, intents) == ("education", ("education",))
    assert "aid" in answer


def test_a_background_sentence_is_not_split_into_questions(engine: Engine) -> None:
    [(intent, intents, answer)] = chat(engine, "so im 45, did retail for like 20 years and my "
                                               "back is done, i want something at a desk. how "
                                               "much does the CPC exam cost?")
    assert (intent, intents) == ("certification", ("certification",))
    assert "$" in answer


def test_a_follow_up_that_clearly_asks_a_new_topic_gets_it(engine: Engine) -> None:
    _, (intent, _, answer) = chat(engine, "do certified coders earn more",
                                  "how do i get certified then")
    assert intent == "certification"
    assert "CPC" in answer and "$60,097" not in answer


def test_what_about_another_occupation_after_licensing_stays_on_licensing(
        engine: Engine) -> None:
    _, (intent, _, answer) = chat(engine, "is a license needed to be a coder",
                                  "what about cancer registrars?")
    assert intent == "licensure"
    assert "license" in answer
