"""Everything a message can be matched against, assembled once from both data directories.

Targets come from the data: a topic intent for each topic of the careers (its patterns in
`intents/`), an entry target for each question-level entry (its patterns in the career file),
a conversation target for each conversation intent that has a reply in
`knowledge/conversation.yaml`, and a negative target for each out-of-scope group. Cross-file
rules (every intent has an answer, every topic has patterns, no pattern in two places) are
checked here, with the file and line of each problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import DataError, Problem
from bot.intents import IntentSet
from bot.knowledge import KnowledgeBase
from bot.knowledge.models import Pattern
from bot.matching import IntentIndex, normalise
from bot.matching.spelling import english_words
from bot.phrases import PhraseSpotter
from bot.understanding import CHAT, ENTRY, NEGATIVE, TOPIC, Target, pool_id

_TECH = re.compile(r" (?:technician|technologist)$")


class _Normalised(dict[str, str]):
    """``normalise`` once per distinct text. Loading reads every pattern and phrase in several
    places (duplicates, vocabulary, index, spotter); this keeps it to one pass."""

    def __missing__(self, text: str) -> str:
        value = self[text] = normalise(text)
        return value


@dataclass(frozen=True, slots=True)
class Catalogue:
    targets: dict[str, Target]  # index key -> target
    patterns: dict[str, tuple[Pattern, ...]]  # index key -> its patterns
    index: IntentIndex
    spotter: PhraseSpotter
    conversation_ids: tuple[str, ...]


def target_patterns(
    knowledge: KnowledgeBase, intents: IntentSet, normalised: dict[str, str] | None = None
) -> tuple[dict[str, Target], dict[str, tuple[Pattern, ...]], list[Problem]]:
    """Every target with its patterns, and the cross-file problems found on the way."""
    problems: list[Problem] = []
    topics = set(knowledge.topic_ids())
    targets: dict[str, Target] = {}
    patterns: dict[str, tuple[Pattern, ...]] = {}
    defined = intents.defined_at or {}
    for intent, pats in intents.patterns.items():
        path, line = defined.get(intent, (Path("intents"), 1))
        if intent in topics:
            key, target = f"topic:{intent}", Target(TOPIC, intent, intent)
        elif intent in knowledge.replies:
            key, target = f"chat:{intent}", Target(CHAT, intent, intent)
        else:
            problems.append(Problem(path, line, f"intent '{intent}' has no answer: add a topic "
                                    f"'{intent}' to the career files or a reply '{intent}' to "
                                    "knowledge/conversation.yaml, or remove the intent"))
            continue
        targets[key], patterns[key] = target, pats
    for career in knowledge.careers.values():
        for topic in career.topics.values():
            if topic.id not in intents.patterns:
                problems.append(Problem(Path("intents"), 0, f"topic '{topic.id}' of career "
                                        f"'{career.id}' has no patterns: add '{topic.id}:' with "
                                        "'patterns:' to intents/topics.yaml"))
        for topic_id in topics - set(career.topics):
            problems.append(Problem(Path("knowledge/careers"), 0, f"career '{career.id}' has no "
                                    f"topic '{topic_id}', which other careers answer: add it"))
        for entry in career.entries():
            key = f"entry:{career.id}:{entry.id}"
            targets[key] = Target(ENTRY, entry.id, entry.topic, career=career.id)
            patterns[key] = entry.patterns
    for group in (intents.negatives or {}).values():
        if group.reply not in knowledge.replies:
            path = group.patterns[0].path if group.patterns else Path("intents")
            problems.append(Problem(path, group.line, f"out-of-scope group '{group.id}' uses "
                                    f"reply '{group.reply}', which knowledge/conversation.yaml "
                                    "does not define"))
        key = f"oos:{group.id}"
        targets[key] = Target(NEGATIVE, group.id, key, group.reply)
        patterns[key] = group.patterns
    problems += _duplicates(patterns, targets,
                            _Normalised() if normalised is None else normalised)
    return targets, patterns, problems


def _duplicates(patterns: dict[str, tuple[Pattern, ...]], targets: dict[str, Target],
                normalised: dict[str, str]) -> list[Problem]:
    """The same pattern (after normalisation) in two places. Entries of different careers
    may share wording (a career copied from another); nothing else may."""
    problems: list[Problem] = []
    shared: dict[str, tuple[str, Pattern]] = {}  # intents and out-of-scope groups
    in_career: dict[tuple[str, str], tuple[str, Pattern]] = {}
    in_any_career: dict[str, tuple[str, Pattern]] = {}
    for key, pats in patterns.items():
        career = targets[key].career
        for pattern in pats:
            norm = normalised[pattern.text]
            clash = shared.get(norm) or (in_career.get((norm, career)) if career
                                         else in_any_career.get(norm))
            if career:
                in_career.setdefault((norm, career), (key, pattern))
                in_any_career.setdefault(norm, (key, pattern))
            else:
                shared.setdefault(norm, (key, pattern))
            if clash is not None:
                other_key, other = clash
                where = f"{other.path.name}:{other.line}"
                same = "in the same place" if other_key == key else f"also in {other_key}"
                problems.append(Problem(pattern.path, pattern.line,
                                        f"pattern {pattern.text!r} is {same} ({where}): keep "
                                        "it once, in the one place it belongs"))
    return problems


def topic_pools(targets: dict[str, Target]) -> dict[str, list[str]]:
    """Per career and topic that has entries, the index keys of the topic and its entries.

    The reader judges which topic a message asks by the topic as a whole, not only by its
    best single target: an entry with three patterns about hospital pay should not win
    "hospital or office?" from the work-environment topic on the one word they share."""
    topics = {t.group: key for key, t in targets.items() if t.kind == TOPIC}
    pools: dict[str, list[str]] = {}
    for key, target in targets.items():
        if target.kind == ENTRY and target.group in topics:
            pool = pools.setdefault(pool_id(target.career, target.group), [topics[target.group]])
            pool.append(key)
    return pools


def build_catalogue(knowledge: KnowledgeBase, intents: IntentSet) -> Catalogue:
    """Targets, the intent index over their patterns, and the phrase spotter."""
    normalised = _Normalised()
    targets, patterns, problems = target_patterns(knowledge, intents, normalised)
    if problems:
        raise DataError(problems)
    examples = {key: [p.text for p in pats] for key, pats in patterns.items()}
    pattern_words = {w for texts in examples.values() for text in texts
                     for w in normalised[text].split()}
    synonyms = _with_career_aliases(knowledge, intents, pattern_words)
    index = IntentIndex.build(examples, synonyms=synonyms, normaliser=normalised.__getitem__,
                              pools=topic_pools(targets))
    return Catalogue(targets, patterns, index, _spotter(knowledge, pattern_words, normalised),
                     tuple(t.id for t in targets.values() if t.kind == CHAT))


def _spotter(knowledge: KnowledgeBase, pattern_words: set[str],
             normalised: dict[str, str]) -> PhraseSpotter:
    phrases: list[tuple[str, str, str]] = []
    covered: set[str] = set()
    for career in knowledge.careers.values():
        names = (career.name, *career.aliases)
        phrases += [("career", career.id, a) for a in names]
        phrases += [("covered", career.id, o)
                    for o in (*career.related_occupations, *career.fields_of_study)]
        covered |= {normalised[n] for n in (*names, *career.related_occupations,
                                            *career.fields_of_study)}
    for level in knowledge.schools.levels.values():
        phrases += [("level", level.id, a) for a in (level.label, *level.aliases)]
    for school in knowledge.schools.schools:
        phrases += [("school", school.id, a) for a in (school.name, *school.aliases)]
    for occupation in knowledge.others.occupations:
        if normalised[occupation] in covered:
            continue
        phrases.append(("occupation", occupation, occupation))
        # People shorten "... technician" and "... technologist" to "... tech".
        short = _TECH.sub(" tech", occupation)
        if short != occupation and normalised[short] not in covered:
            phrases.append(("occupation", occupation, short))
    phrases += [("subject", s, s) for s in knowledge.others.subjects]
    phrases += [("programming", s, s) for s in knowledge.others.programming]
    # A real English word is not a typo of a phrase: "finishing" is not "fishing".
    return PhraseSpotter(phrases, known_words=pattern_words | english_words(),
                         normaliser=normalised.__getitem__)


def _with_career_aliases(knowledge: KnowledgeBase, intents: IntentSet,
                         pattern_words: set[str]) -> dict[str, tuple[str, ...]]:
    """The vocabulary plus every career alias the patterns do not know, as the career word.

    Patterns are written for "the career" (``coder``); this lets a career added in YAML match
    them without new patterns, and keeps its name from counting as an unknown word.
    """
    synonyms = dict(intents.synonyms)
    if intents.career_word is None:
        return synonyms
    listed = {normalise(v) for variants in synonyms.values() for v in variants}
    # A multi-word alias always names the career ("medical records specialist", even though
    # "medical records" also appears in duties patterns); a one-word alias only when the
    # patterns do not use it already ("coding" keeps its own meaning there).
    new_aliases = [
        alias for career in knowledge.careers.values() for alias in (career.name, *career.aliases)
        if normalise(alias) not in listed
        and (len(normalise(alias).split()) > 1 or normalise(alias) not in pattern_words)
    ]
    if new_aliases:
        group = synonyms.get(intents.career_word, ())
        synonyms[intents.career_word] = group + tuple(dict.fromkeys(new_aliases))
    return synonyms
