"""Typed, immutable views of the knowledge-base YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TOPIC_IDS: tuple[str, ...] = (
    "overview",
    "duties",
    "work_environment",
    "education",
    "certification",
    "licensure",
    "skills",
    "salary",
    "outlook",
    "schools",
    "similar_careers",
)
CONVERSATION_TEXTS: tuple[str, ...] = (
    "greeting",
    "thanks",
    "goodbye",
    "help",
    "fallback",
    "other_career",
    "bad_input",
    "not_text",
    "did_you_mean",
    "sources_intro",
)
PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    short: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    value: str
    source: Source
    as_of: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Detail:
    """A narrower answer inside a topic, reached by its keywords ("insurance", "how long")."""

    id: str
    title: str
    keywords: tuple[str, ...]
    answer: str


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str
    answer: str
    related: tuple[str, ...] = ()
    details: dict[str, Detail] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Career:
    id: str
    name: str
    aliases: tuple[str, ...]
    summary: str
    sources: dict[str, Source]
    facts: dict[str, Fact]
    topics: dict[str, Topic]


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    label: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class School:
    id: str
    name: str
    aliases: tuple[str, ...]
    levels: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class Schools:
    listing_note: str
    accreditation_note: str
    levels: dict[str, Level]
    schools: tuple[School, ...]

    def at_level(self, level: str | None) -> tuple[School, ...]:
        if level is None:
            return self.schools
        return tuple(s for s in self.schools if level in s.levels)


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    careers: dict[str, Career]
    schools: Schools
    texts: dict[str, str]
    # Occupations, and fields of study or licences, that the bot does not cover.
    other_careers: tuple[str, ...] = ()
    other_subjects: tuple[str, ...] = ()

    @property
    def default_career(self) -> Career:
        return next(iter(self.careers.values()))

    def career_names(self) -> str:
        names = [c.name.lower() for c in self.careers.values()]
        if len(names) == 1:
            return names[0] + "s"
        return ", ".join(n + "s" for n in names[:-1]) + " and " + names[-1] + "s"
