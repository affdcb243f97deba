"""Turn knowledge-base entries into reply sections: facts filled in, source lines added."""

from __future__ import annotations

from bot.knowledge.models import PLACEHOLDER, Career, Detail, Fact, Level, School, Schools, Topic
from bot.reply import Section

_DATED_WORDS = ("data", "survey", "projection", "report", "edition", "page", "estimate")


def fill(text: str, career: Career) -> tuple[str, list[Fact]]:
    """Replace ``{fact}`` placeholders with values; return the text and the facts used."""
    used: list[Fact] = []

    def value(match: object) -> str:
        fact = career.facts[match.group(1)]  # type: ignore[attr-defined]
        if fact not in used:
            used.append(fact)
        return fact.value

    return PLACEHOLDER.sub(value, text), used


def _dated(as_of: str) -> str:
    lowered = as_of.lower()
    return as_of if any(w in lowered for w in _DATED_WORDS) else f"{as_of} data"


def source_line(facts: list[Fact]) -> str | None:
    """"Source: U.S. Bureau of Labor Statistics, May 2024 data" for the facts shown."""
    if not facts:
        return None
    by_source: dict[str, list[str]] = {}
    for fact in facts:
        dates = by_source.setdefault(fact.source.short, [])
        dated = _dated(fact.as_of)
        if dated not in dates:
            dates.append(dated)
    parts = [f"{name}, {' and '.join(dates)}" for name, dates in by_source.items()]
    label = "Source" if len(parts) == 1 else "Sources"
    return f"{label}: {'; '.join(parts)}"


def topic_section(career: Career, topic: Topic) -> Section:
    body, facts = fill(topic.answer, career)
    return Section(body=body, title=topic.title, source=source_line(facts))


def detail_section(career: Career, detail: Detail) -> Section:
    body, facts = fill(detail.answer, career)
    return Section(body=body, title=detail.title, source=source_line(facts))


def _school_line(school: School, levels: dict[str, Level]) -> str:
    labels = ", ".join(levels[lv].label for lv in school.levels if lv in levels)
    return f"• {school.name} ({labels}): {school.note}"


def schools_section(career: Career, schools: Schools, level: str | None) -> Section:
    """The school list, filtered by ``level`` when given, with the listing caveats."""
    intro, facts = fill(career.topics["schools"].answer, career)
    chosen = schools.at_level(level)
    label = schools.levels[level].label if level in schools.levels else None
    if level is not None and not chosen:
        heading = f"None of the listed schools shows {label} programs. All listed schools:"
        chosen = schools.schools
    elif label is not None:
        heading = f"Listed schools with {label} programs:"
    else:
        heading = "Listed schools:"
    lines = "\n".join(_school_line(s, schools.levels) for s in chosen)
    body = "\n\n".join(
        part for part in (intro, heading + "\n" + lines, schools.listing_note,
                          schools.accreditation_note) if part
    )
    title = f"Schools: {label}" if label else career.topics["schools"].title
    return Section(body=body, title=title, source=source_line(facts))


def school_section(schools: Schools, school: School) -> Section:
    body = "\n\n".join(
        part for part in (_school_line(school, schools.levels), schools.listing_note,
                          schools.accreditation_note) if part
    )
    return Section(body=body, title=school.name)
