"""Load and validate `intents/`: patterns per intent and the shared synonym vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.errors import DataError, Problem
from bot.knowledge.models import TOPIC_IDS
from bot.matching import normalise
from bot.yamlfile import LineDict, LineList, load_yaml

CONVERSATION_INTENTS: tuple[str, ...] = ("greeting", "thanks", "goodbye", "help")
KNOWN_INTENTS: tuple[str, ...] = TOPIC_IDS + CONVERSATION_INTENTS
FALLBACK = "fallback"
VOCABULARY_FILE = "vocabulary.yaml"


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str
    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class IntentSet:
    patterns: dict[str, tuple[Pattern, ...]]
    synonyms: dict[str, tuple[str, ...]]
    # The canonical word patterns use for the career asked about (vocabulary `career_word`).
    career_word: str | None = None

    def examples(self) -> dict[str, list[str]]:
        return {intent: [p.text for p in pats] for intent, pats in self.patterns.items()}


def _load_vocabulary(
    path: Path, problems: list[Problem]
) -> tuple[dict[str, tuple[str, ...]], str | None]:
    """The synonym groups and the career word of ``vocabulary.yaml``."""
    data = load_yaml(path, problems)
    if not isinstance(data, LineDict):
        if data is not None:
            problems.append(Problem(path, 1, "expected 'synonyms:' and 'career_word:' keys"))
        return {}, None
    career_word = data.get("career_word")
    if career_word is not None and (not isinstance(career_word, str)
                                    or normalise(career_word) != career_word):
        problems.append(Problem(path, data.line_of("career_word"),
                                "career_word must be one lower-case word, e.g. 'coder'"))
        career_word = None
    return _load_synonyms(path, data, problems), career_word


def _load_synonyms(
    path: Path, data: LineDict, problems: list[Problem]
) -> dict[str, tuple[str, ...]]:
    raw = data.get("synonyms")
    if not isinstance(raw, LineDict):
        problems.append(Problem(path, data.line, "expected 'synonyms:' mapping canonical words "
                                                 "to lists"))
        return {}
    synonyms: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for canonical, variants in raw.items():
        line = raw.line_of(canonical)
        if not isinstance(variants, LineList) or not variants:
            problems.append(Problem(path, line, f"synonyms of '{canonical}' must be a "
                                                "non-empty list"))
            continue
        clean: list[str] = []
        for i, variant in enumerate(variants):
            norm = normalise(str(variant))
            if not norm:
                problems.append(Problem(path, variants.line_of(i), "empty synonym"))
                continue
            if norm in owner and owner[norm] != canonical:
                problems.append(Problem(path, variants.line_of(i),
                                        f"'{variant}' is a synonym of both '{owner[norm]}' and "
                                        f"'{canonical}': keep it in one group"))
                continue
            owner[norm] = str(canonical)
            clean.append(str(variant))
        synonyms[str(canonical)] = tuple(clean)
    return synonyms


def load_intents(directory: Path) -> IntentSet:
    """Load every ``*.yaml`` under ``directory``; raise DataError listing all problems."""
    problems: list[Problem] = []
    patterns: dict[str, list[Pattern]] = {}
    first_seen: dict[str, tuple[str, Pattern]] = {}
    files = sorted(p for p in directory.glob("*.yaml") if p.name != VOCABULARY_FILE)
    if not files:
        problems.append(Problem(directory, 0, "no intent files: add intents/<name>.yaml"))
    for path in files:
        data = load_yaml(path, problems)
        if data is None:
            continue
        raw = data.get("intents") if isinstance(data, LineDict) else None
        if not isinstance(raw, LineDict):
            problems.append(Problem(path, 1, "expected 'intents:' mapping intent ids to "
                                             "'patterns:' lists"))
            continue
        for intent, body in raw.items():
            line = raw.line_of(intent)
            if intent not in KNOWN_INTENTS:
                problems.append(Problem(path, line, f"unknown intent '{intent}': the bot has no "
                                        f"answer for it; use one of {', '.join(KNOWN_INTENTS)}"))
                continue
            if intent in patterns:
                problems.append(Problem(path, line, f"intent '{intent}' is defined twice: "
                                                    "merge its patterns into one place"))
                continue
            pats = body.get("patterns") if isinstance(body, LineDict) else None
            if not isinstance(pats, LineList) or not pats:
                problems.append(Problem(path, line, f"intent '{intent}' has no patterns: add "
                                                    "'patterns:' with at least one phrasing"))
                patterns[intent] = []
                continue
            collected: list[Pattern] = []
            for i, text in enumerate(pats):
                pline = pats.line_of(i)
                if not isinstance(text, str) or not normalise(text):
                    problems.append(Problem(path, pline, "a pattern must be non-empty text"))
                    continue
                pattern = Pattern(text, path, pline)
                key = normalise(text)
                if key in first_seen:
                    other_intent, other = first_seen[key]
                    where = f"{other.path.name}:{other.line}"
                    if other_intent == intent:
                        problems.append(Problem(path, pline, f"pattern {text!r} repeats "
                                                f"{where} in the same intent: remove one"))
                    else:
                        problems.append(Problem(path, pline, f"pattern {text!r} is also in "
                                                f"intent '{other_intent}' ({where}): keep it in "
                                                "one intent"))
                    continue
                first_seen[key] = (intent, pattern)
                collected.append(pattern)
            patterns[intent] = collected
    for intent in KNOWN_INTENTS:
        if intent not in patterns and files:
            problems.append(Problem(files[0], 1, f"intent '{intent}' has no patterns: add it "
                                                 "to one of the intent files"))
    synonyms, career_word = _load_vocabulary(directory / VOCABULARY_FILE, problems) \
        if (directory / VOCABULARY_FILE).exists() else ({}, None)
    if problems:
        raise DataError(problems)
    return IntentSet({k: tuple(v) for k, v in patterns.items()}, synonyms, career_word)
