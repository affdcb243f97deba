"""Load and validate `intents/`: patterns per intent, negative examples, shared vocabulary.

Which intents exist is data: the topic intents are the topics of the careers in
`knowledge/`, the conversation intents are the replies in `knowledge/conversation.yaml`;
the engine checks that every intent here has an answer there (see ``Engine.load``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import DataError, Problem
from bot.knowledge.models import Pattern
from bot.matching import normalise
from bot.yamlfile import LineDict, LineList, load_yaml

FALLBACK = "fallback"
VOCABULARY_FILE = "vocabulary.yaml"
OUT_OF_SCOPE_FILE = "out_of_scope.yaml"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class NegativeGroup:
    """Messages the bot must not answer as a topic, and the fixed reply they get instead."""

    id: str
    reply: str
    patterns: tuple[Pattern, ...]
    line: int


@dataclass(frozen=True, slots=True)
class IntentSet:
    patterns: dict[str, tuple[Pattern, ...]]
    synonyms: dict[str, tuple[str, ...]]
    # The canonical word patterns use for the career asked about (vocabulary `career_word`).
    career_word: str | None = None
    negatives: dict[str, NegativeGroup] | None = None
    # Where each intent is defined, for problems that name an intent.
    defined_at: dict[str, tuple[Path, int]] | None = None
    # The canonical word every place is rewritten to (vocabulary `place_word`, e.g. "state").
    place_word: str | None = None

    def examples(self) -> dict[str, list[str]]:
        return {intent: [p.text for p in pats] for intent, pats in self.patterns.items()}


def _load_vocabulary(
    path: Path, problems: list[Problem]
) -> tuple[dict[str, tuple[str, ...]], str | None, str | None]:
    """The synonym groups, the career word and the place word of ``vocabulary.yaml``."""
    data = load_yaml(path, problems)
    if not isinstance(data, LineDict):
        if data is not None:
            problems.append(Problem(path, 1, "expected 'synonyms:' and 'career_word:' keys"))
        return {}, None, None
    career_word = data.get("career_word")
    if career_word is not None and (not isinstance(career_word, str)
                                    or normalise(career_word) != career_word):
        problems.append(Problem(path, data.line_of("career_word"),
                                "career_word must be one lower-case word, e.g. 'coder'"))
        career_word = None
    synonyms = _load_synonyms(path, data, problems)
    place_word = data.get("place_word")
    if place_word is not None and place_word not in synonyms:
        problems.append(Problem(path, data.line_of("place_word"),
                                "place_word must be the canonical word of a synonym group that "
                                "lists the places, e.g. 'state'"))
        place_word = None
    return synonyms, career_word, place_word


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


def read_patterns(path: Path, body: object, line: int, where: str,
                  problems: list[Problem]) -> list[Pattern]:
    """The ``patterns:`` list of one intent or group, each pattern with its line."""
    pats = body.get("patterns") if isinstance(body, LineDict) else None
    if not isinstance(pats, LineList) or not pats:
        problems.append(Problem(path, line, f"{where} has no patterns: add 'patterns:' with at "
                                            "least one phrasing"))
        return []
    collected: list[Pattern] = []
    for i, text in enumerate(pats):
        if not isinstance(text, str) or not normalise(text):
            problems.append(Problem(path, pats.line_of(i), "a pattern must be non-empty text"))
            continue
        collected.append(Pattern(text, path, pats.line_of(i)))
    return collected


def _load_negatives(path: Path, problems: list[Problem]) -> dict[str, NegativeGroup]:
    """``out_of_scope.yaml``: groups of messages that get a fixed reply, never a topic."""
    if not path.exists():
        return {}
    data = load_yaml(path, problems)
    raw = data.get("out_of_scope") if isinstance(data, LineDict) else None
    if not isinstance(raw, LineDict):
        if data is not None or path.stat().st_size:
            problems.append(Problem(path, 1, "expected 'out_of_scope:' mapping group ids to "
                                             "'reply:' and 'patterns:'"))
        return {}
    groups: dict[str, NegativeGroup] = {}
    for gid, body in raw.items():
        line = raw.line_of(gid)
        if not isinstance(gid, str) or not _ID.match(gid):
            problems.append(Problem(path, line, f"group '{gid}' is not a valid id: use "
                                                "lower_snake_case"))
            continue
        reply = body.get("reply", FALLBACK) if isinstance(body, LineDict) else FALLBACK
        patterns = read_patterns(path, body, line, f"out-of-scope group '{gid}'", problems)
        groups[gid] = NegativeGroup(gid, str(reply), tuple(patterns), line)
    return groups


def load_intents(directory: Path) -> IntentSet:
    """Load every ``*.yaml`` under ``directory``; raise DataError listing all problems."""
    problems: list[Problem] = []
    patterns: dict[str, list[Pattern]] = {}
    defined_at: dict[str, tuple[Path, int]] = {}
    special = {VOCABULARY_FILE, OUT_OF_SCOPE_FILE}
    files = sorted(p for p in directory.glob("*.yaml") if p.name not in special)
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
            if not isinstance(intent, str) or not _ID.match(intent):
                problems.append(Problem(path, line, f"intent '{intent}' is not a valid id: use "
                                                    "lower_snake_case"))
                continue
            if intent in patterns:
                where = defined_at[intent]
                problems.append(Problem(path, line, f"intent '{intent}' is defined twice (also "
                                        f"{where[0].name}:{where[1]}): merge its patterns"))
                continue
            defined_at[intent] = (path, line)
            patterns[intent] = read_patterns(path, body, line, f"intent '{intent}'", problems)
    synonyms, career_word, place_word = _load_vocabulary(directory / VOCABULARY_FILE, problems) \
        if (directory / VOCABULARY_FILE).exists() else ({}, None, None)
    negatives = _load_negatives(directory / OUT_OF_SCOPE_FILE, problems)
    if problems:
        raise DataError(problems)
    return IntentSet({k: tuple(v) for k, v in patterns.items()}, synonyms, career_word,
                     negatives, defined_at, place_word)
