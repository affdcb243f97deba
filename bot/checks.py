"""`career-bot check`: everything the loaders validate, plus collisions, sizes and staleness."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, process

from bot import payloads
from bot.catalogue import target_patterns
from bot.engine import Engine
from bot.errors import DataError, Problem
from bot.knowledge import KnowledgeBase, Topic
from bot.limits import TELEGRAM_MESSAGE_CHARS, TYPICAL_ANSWER_CHARS
from bot.matching import normalise
from bot.matching.spelling import english_words
from bot.render import render_plain
from bot.state import ConversationState
from bot.understanding import TOPIC

# Patterns of two targets this similar (token_sort_ratio, 0..100) confuse the matcher.
COLLISION_SCORE = 90.0
STALE_AFTER_YEARS = 3


def collisions(engine: Engine, min_score: float = COLLISION_SCORE) -> list[Problem]:
    """Pairs of patterns of different targets (topics, entries, conversation intents,
    out-of-scope groups) that are nearly the same sentence: the bot cannot tell them apart.
    A topic's own patterns and its entries' may be alike: a broad answer and a narrower one
    of the same topic both answer such a question."""
    _, patterns, _ = target_patterns(engine.knowledge, engine.intents)
    targets = engine.catalogue.targets
    flat = [(key, p) for key, pats in patterns.items() for p in pats]
    texts = [normalise(p.text) for _, p in flat]
    problems: list[Problem] = []
    for i, (key_a, pat_a) in enumerate(flat):
        later = texts[i + 1:]
        for _, score, offset in process.extract(texts[i], later, scorer=fuzz.token_sort_ratio,
                                                processor=None, score_cutoff=min_score,
                                                limit=None):
            key_b, pat_b = flat[i + 1 + offset]
            if not _really_alike(texts[i], later[offset]):
                continue  # "what is the cca" vs "what is the crc": a different word, not a typo
            a, b = targets[key_a], targets[key_b]
            if key_a == key_b or (a.career and b.career and a.career != b.career):
                continue  # the same target, or entries of two careers (copied wording)
            if a.group == b.group and TOPIC in (a.kind, b.kind):
                continue
            problems.append(Problem(
                pat_b.path, pat_b.line,
                f"pattern {pat_b.text!r} ({key_b}) collides with {pat_a.text!r} "
                f"({key_a}, {pat_a.path.name}:{pat_a.line}), similarity {score:.0f}: "
                "reword one or move it to the right place"))
    return problems


_SHORT_WORD = 4  # "cca", "crc", "ccs": short initials one letter apart name different things


def _really_alike(a: str, b: str) -> bool:
    """Whether two similar patterns really say the same: not when they differ in a short word
    such as a credential's initials ("what is the cca" / "what is the crc"), which looks alike
    letter by letter but names something else."""
    words_a, words_b = set(a.split()), set(b.split())
    only_a, only_b = words_a - words_b, words_b - words_a

    english = english_words()

    def distinct(word: str, others: set[str]) -> bool:
        return len(word) <= _SHORT_WORD and word not in english and not any(
            word.startswith(o) or o.startswith(word) for o in others)

    return not any(distinct(w, only_b) for w in only_a) and \
        not any(distinct(w, only_a) for w in only_b)


def _pressable(engine: Engine) -> list[str]:
    """Every payload a user can reach by button, for the size checks."""
    career = engine.knowledge.default_career
    pressed = [payloads.topic(t) for t in career.topics]
    pressed += [payloads.entry(e.id) for e in career.entries()]
    pressed += [payloads.more(t) for t in career.topics]
    pressed += [payloads.more(e.id) for e in career.entries()]
    pressed += [payloads.schools(lv) for lv in engine.knowledge.schools.levels]
    return pressed


def oversized_answers(engine: Engine, knowledge_dir: Path) -> tuple[list[Problem],
                                                                   list[Problem]]:
    """Answers that would not fit one Telegram message (problems), and answers longer than
    a typical answer should be (warnings)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    state = ConversationState()
    career = engine.knowledge.default_career
    for payload in _pressable(engine):
        reply, _ = engine.select(payload, state)
        size = len(render_plain(reply))
        parsed = payloads.parse(payload)
        key = parsed.id if parsed is not None else ""
        holder = career.entry(key) or career.topics.get(key)
        where, line = (career.path, holder.line) if holder is not None else (
            knowledge_dir / "schools.yaml", 1)
        if size > TELEGRAM_MESSAGE_CHARS:
            problems.append(Problem(where, line, f"the answer for {payload} renders to {size} "
                                    f"characters, over Telegram's {TELEGRAM_MESSAGE_CHARS}: "
                                    "shorten it"))
        elif size > TYPICAL_ANSWER_CHARS and not payload.startswith(
                (payloads.MORE, payloads.SCHOOLS)) and not (
                    isinstance(holder, Topic) and holder.lists_schools):  # the list is long
            warnings.append(Problem(where, line, f"warning: the answer for {payload} is {size} "
                                    f"characters; a typical answer stays under "
                                    f"{TYPICAL_ANSWER_CHARS} (move detail to 'more:')"))
    return problems, warnings


def stale_facts(knowledge: KnowledgeBase, years: int,
                today: date | None = None) -> list[Problem]:
    """Facts whose data is older than ``years`` and that say nothing about why."""
    today = today or date.today()
    found: list[Problem] = []
    for career in knowledge.careers.values():
        for fact in career.facts.values():
            age = fact.as_of.age(today)
            if age > years and not fact.stale_reason:
                found.append(Problem(career.path, fact.line,
                                     f"fact '{fact.id}' ({career.id}) is from "
                                     f"{fact.as_of.text}, {age} years old: find newer data, "
                                     "or say in 'stale_reason' why it is still shown"))
    return found


def run_checks(knowledge_dir: Path, intents_dir: Path, *, stale_after: int = STALE_AFTER_YEARS,
               strict: bool = False, today: date | None = None,
               ) -> tuple[list[Problem], list[Problem], Engine | None]:
    """All problems in the data, the warnings, and the engine when the data loads.

    With ``strict``, stale facts are problems instead of warnings.
    """
    try:
        engine = Engine.load(knowledge_dir, intents_dir)
    except DataError as exc:
        return exc.problems, [], None
    sizes, long_answers = oversized_answers(engine, knowledge_dir)
    stale = stale_facts(engine.knowledge, stale_after, today)
    problems = collisions(engine) + sizes + (stale if strict else [])
    warnings = long_answers + ([] if strict else
                               [Problem(p.path, p.line, "warning: " + p.message) for p in stale])
    return problems, warnings, engine
