"""Turn knowledge-base answers into reply sections: facts filled in, one short source line."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.knowledge.models import (
    PLACEHOLDER,
    Career,
    DataDate,
    Fact,
    Level,
    School,
    Schools,
    Source,
)
from bot.reply import Section


def fill(text: str, career: Career) -> tuple[str, list[Fact]]:
    """Replace ``{fact}`` and ``{fact.as_of}``; return the text and the facts used."""
    # Each fact once, in order of first use; keyed by id (facts are career.facts[id], so the
    # same id is the same fact), which spares comparing whole Fact objects per placeholder.
    used: dict[str, Fact] = {}

    def value(match: re.Match[str]) -> str:
        fact_id = match.group(1)
        fact = used.get(fact_id)
        if fact is None:
            fact = used[fact_id] = career.facts[fact_id]
        return fact.as_of.text if match.group(2) else fact.value

    return PLACEHOLDER.sub(value, text), list(used.values())


def source_line(facts: list[Fact], cites: Sequence[Source] = ()) -> str | None:
    """"Source: BLS, May 2024" for the facts shown (each source once, with its dates), then
    the sources the answer cites for statements that are not figures."""
    if not facts and not cites:
        return None
    by_source: dict[str, list[DataDate]] = {}
    for fact in facts:
        dates = by_source.setdefault(fact.source.short, [])
        if fact.as_of not in dates:
            dates.append(fact.as_of)
    for source in cites:
        by_source.setdefault(source.short, [])
    parts = [f"{name}, {_dates(dates)}" if dates else name for name, dates in by_source.items()]
    label = "Source" if len(parts) == 1 else "Sources"
    return f"{label}: {'; '.join(parts)}"


def _dates(dates: list[DataDate]) -> str:
    """One or two dates as they are ("May 2024 and 2024–34"); more as the newest and "earlier"
    ("May 2024 and earlier"), so a source line stays one short line."""
    if len(dates) <= _DATES_SHOWN:
        return " and ".join(d.text for d in dates)
    newest = max(dates, key=lambda d: (d.year, d.month or 0))
    return f"{newest.text} and earlier"


_DATES_SHOWN = 2


def answer_section(career: Career, title: str, answer: str,
                   cites: Sequence[Source] = ()) -> Section:
    body, facts = fill(answer, career)
    return Section(body=body, title=title, source=source_line(facts, cites))


def more_section(career: Career, title: str, answer: str, more: str, intro: str,
                 cites: Sequence[Source] = ()) -> Section:
    """The longer text behind an answer, then where each of its statements comes from."""
    body, facts = fill(more, career)
    _, shown = fill(answer, career)
    facts = list(dict.fromkeys([*shown, *facts]))
    lines: list[str] = []
    for source in dict.fromkeys([*(f.source for f in facts), *cites]):
        dated = ", ".join(dict.fromkeys(
            f.as_of_note or f.as_of.text for f in facts if f.source == source))
        line = f"• {source.name}" + (f" (data: {dated})" if dated else "")
        if source.note:
            line += f". {source.note}"
        if source.url:
            line += f" {source.url}"
        if source.checked:
            line += f" (checked {source.checked})"
        lines.append(line)
    parts = [p for p in (body, (intro + "\n" + "\n".join(lines)) if lines else "") if p]
    return Section(body="\n\n".join(parts) or intro, title=f"More: {title}")


def _school_line(school: School, levels: dict[str, Level]) -> str:
    labels = [levels[lv].label for lv in school.levels if lv in levels]
    found = [levels[lv].label for lv in school.levels_found_elsewhere if lv in levels]
    if found:
        labels.append(f"{', '.join(found)}, not in the listing but found in {school.source}")
    online = ", online" if school.online else ""
    return f"• {school.name} ({'; '.join(labels)}{online}): {school.note}"


def schools_section(career: Career, schools: Schools, level: str | None, intro: str, *,
                    online: bool = False, title: str = "Schools") -> Section:
    """How to choose, then the listed schools (at ``level`` / online when asked)."""
    opening, facts = fill(intro, career)
    chosen = schools.at_level(level)
    if online:
        chosen = tuple(s for s in chosen if s.online)
    label = schools.levels[level].label if level in schools.levels else None
    wanted = " ".join(w for w in (label, "online" if online else None) if w)
    if (level is not None or online) and not chosen:
        heading = f"No listed school shows {wanted.lower()} programs. All of them:"
        chosen = schools.schools
    elif wanted:
        heading = f"Listed schools with {wanted.lower()} programs:"
    else:
        heading = "Listed schools:"
    lines = "\n".join(_school_line(s, schools.levels) for s in chosen)
    body = "\n\n".join(part for part in (opening, heading + "\n" + lines,
                                         schools.listing_note) if part)
    return Section(body=body, title=f"{title}: {wanted}" if wanted else title,
                   source=source_line(facts))


def school_section(schools: Schools, school: School) -> Section:
    body = "\n\n".join(part for part in (_school_line(school, schools.levels),
                                         schools.accreditation_note, schools.listing_note)
                       if part)
    return Section(body=body, title=school.name)
