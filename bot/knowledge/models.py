"""Typed, immutable views of the knowledge-base YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# Replies the code itself gives (knowledge/conversation.yaml must define each one). The
# conversation intents (greeting, thanks, ...) are whatever intents/conversation.yaml names.
REQUIRED_REPLIES: tuple[str, ...] = (
    "greeting",  # also the /start welcome
    "help",
    "fallback",
    "other_career",
    "cannot_do",
    "bad_input",
    "not_text",
    "did_you_mean",
    "sources_intro",
    "more_intro",
)
# "{fact_id}" is the fact's value, "{fact_id.as_of}" the date of its data in words.
PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)(?:\.(as_of))?\}")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way of asking, with where it was written (for problems and collisions)."""

    text: str
    path: Path
    line: int

    def __reduce__(self) -> tuple[type[Pattern], tuple[str, Path, int]]:
        # Rebuilt by its constructor: a cached engine holds thousands (``bot.enginecache``),
        # and the generic state restore of a frozen dataclass looks its fields up per object.
        return Pattern, (self.text, self.path, self.line)


@dataclass(frozen=True, slots=True)
class DataDate:
    """When a fact's data is from: a year, a month of a year, or a span of years."""

    year: int
    month: int | None = None
    end_year: int | None = None

    @classmethod
    def parse(cls, raw: object) -> DataDate | None:
        """``2024``, ``"2024-05"`` or ``"2024/2034"``; None for anything else."""
        text = str(raw).strip() if isinstance(raw, str | int) else ""
        if match := re.fullmatch(r"(\d{4})", text):
            return cls(int(match[1]))
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            month = int(match[2])
            return cls(int(match[1]), month) if 1 <= month <= 12 else None
        if match := re.fullmatch(r"(\d{4})/(\d{4})", text):
            start, end = int(match[1]), int(match[2])
            return cls(start, None, end) if end > start else None
        return None

    @property
    def text(self) -> str:
        """The date in words: "May 2024", "2024", "2024–34"."""
        if self.end_year is not None:
            end = str(self.end_year)
            short = end[2:] if end[:2] == str(self.year)[:2] else end
            return f"{self.year}–{short}"
        if self.month is not None:
            return f"{_MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    def age(self, today: date) -> int:
        """Whole years from the data's (start) year to ``today``'s year."""
        return today.year - self.year


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    short: str  # the one-line source under answers: "Source: BLS, May 2024"
    url: str = ""
    note: str = ""  # provenance (copies, conflicts, editions): /sources and "more" only
    checked: str = ""  # when someone last checked the source, "2026-12" or "2026-12-02"


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    value: str
    source: Source
    as_of: DataDate
    note: str = ""
    as_of_note: str = ""  # free text when the date is uncertain ("probably May 2024")
    stale_reason: str = ""  # why an old figure is still shown (silences the staleness check)
    line: int = 0  # where the fact is written in its career file


@dataclass(frozen=True, slots=True)
class Entry:
    """A question-level answer inside a topic ("pay at insurance companies")."""

    id: str
    topic: str
    title: str
    patterns: tuple[Pattern, ...]
    answer: str
    keywords: tuple[str, ...] = ()  # after its topic, these words pick this entry
    more: str = ""
    line: int = 0
    cites: tuple[Source, ...] = ()  # sources of statements that are not figures


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str
    answer: str
    related: tuple[str, ...] = ()
    entries: dict[str, Entry] = field(default_factory=dict)
    more: str = ""
    lists_schools: bool = False  # the answer is followed by the school list
    line: int = 0
    cites: tuple[Source, ...] = ()  # sources of statements that are not figures


@dataclass(frozen=True, slots=True)
class Career:
    id: str
    name: str
    aliases: tuple[str, ...]
    summary: str
    sources: dict[str, Source]
    facts: dict[str, Fact]
    topics: dict[str, Topic]
    # Other occupations this career's answers cover (its similar careers): never declined.
    related_occupations: tuple[str, ...] = ()
    related_occupations_topic: str = ""  # the topic that answers about them
    path: Path = Path()
    # Fields of study that lead to this career ("health information technology"): never
    # declined as another field, but not routed anywhere either.
    fields_of_study: tuple[str, ...] = ()

    def entry(self, entry_id: str) -> Entry | None:
        for topic in self.topics.values():
            found = topic.entries.get(entry_id)
            if found is not None:
                return found
        return None

    def entries(self) -> list[Entry]:
        return [e for t in self.topics.values() for e in t.entries.values()]


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
    online: bool = False
    # Levels found on the school's own pages but not in the partner listing, with the source.
    levels_found_elsewhere: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True, slots=True)
class Schools:
    listing_note: str
    accreditation_note: str
    levels: dict[str, Level]
    schools: tuple[School, ...]

    def at_level(self, level: str | None) -> tuple[School, ...]:
        if level is None:
            return self.schools
        return tuple(s for s in self.schools
                     if level in s.levels or level in s.levels_found_elsewhere)


@dataclass(frozen=True, slots=True)
class FixedReply:
    """A fixed reply of the bot (greeting, fallback, ...)."""

    text: str
    menu: bool = False  # followed by the topic menu
    more: bool = False  # asks for more on the last answer: gets its "More" section


@dataclass(frozen=True, slots=True)
class Occupations:
    """Occupations and fields of study the bot does not cover, as phrases people type."""

    occupations: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    # Software and games: "coding" beside one of these is programming, not the career.
    programming: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    careers: dict[str, Career]
    schools: Schools
    replies: dict[str, FixedReply]
    others: Occupations = Occupations()

    @property
    def default_career(self) -> Career:
        return next(iter(self.careers.values()))

    def topic_ids(self) -> tuple[str, ...]:
        """Every topic id, in the order of the first career that has it."""
        return tuple(dict.fromkeys(t for c in self.careers.values() for t in c.topics))

    def career_names(self) -> str:
        names = [c.name.lower() for c in self.careers.values()]
        if len(names) == 1:
            return names[0] + "s"
        return ", ".join(n + "s" for n in names[:-1]) + " and " + names[-1] + "s"
