"""`career-bot check`: everything the loaders validate, plus intent collisions."""

from __future__ import annotations

from pathlib import Path

from rapidfuzz import fuzz, process

from bot import payloads
from bot.engine import Engine
from bot.errors import DataError, Problem
from bot.intents import IntentSet
from bot.matching import normalise
from bot.render import render_plain
from bot.state import ConversationState

# Patterns of two intents this similar (token_sort_ratio, 0..100) confuse the matcher.
COLLISION_SCORE = 90.0
TELEGRAM_LIMIT = 4096


def collisions(intents: IntentSet, min_score: float = COLLISION_SCORE) -> list[Problem]:
    """Pairs of patterns from different intents that are nearly the same sentence."""
    flat = [(intent, p) for intent, pats in intents.patterns.items() for p in pats]
    texts = [normalise(p.text) for _, p in flat]
    if not texts:
        return []
    problems: list[Problem] = []
    for i, (intent_a, pat_a) in enumerate(flat):
        later = texts[i + 1:]
        for _, score, offset in process.extract(texts[i], later, scorer=fuzz.token_sort_ratio,
                                                processor=None, score_cutoff=min_score,
                                                limit=None):
            intent_b, pat_b = flat[i + 1 + offset]
            if intent_a != intent_b:
                problems.append(Problem(
                    pat_b.path, pat_b.line,
                    f"pattern {pat_b.text!r} ({intent_b}) collides with {pat_a.text!r} "
                    f"({intent_a}, {pat_a.path.name}:{pat_a.line}), similarity {score:.0f}: "
                    "reword one or move it to the right intent"))
    return problems


def oversized_answers(engine: Engine, knowledge_dir: Path) -> list[Problem]:
    """Rendered topic and detail answers that would not fit one Telegram message."""
    problems: list[Problem] = []
    state = ConversationState()
    career = engine.knowledge.default_career
    pressed = [payloads.topic(t) for t in career.topics]
    pressed += [payloads.entry(d) for t in career.topics.values() for d in t.details]
    pressed += [payloads.schools(lv) for lv in engine.knowledge.schools.levels]
    for payload in pressed:
        reply, _ = engine.select(payload, state)
        size = len(render_plain(reply))
        if size > TELEGRAM_LIMIT:
            problems.append(Problem(knowledge_dir / "careers", 0,
                                    f"the answer for {payload} renders to {size} characters, "
                                    f"over Telegram's {TELEGRAM_LIMIT}: shorten it"))
    return problems


def run_checks(knowledge_dir: Path, intents_dir: Path) -> tuple[list[Problem], Engine | None]:
    """All problems in the data, and the engine when the data loads."""
    try:
        engine = Engine.load(knowledge_dir, intents_dir)
    except DataError as exc:
        return exc.problems, None
    problems = collisions(engine.intents) + oversized_answers(engine, knowledge_dir)
    return problems, engine
