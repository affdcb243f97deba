"""Load and validate `knowledge/`: every problem names its file and line and how to fix it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from bot.errors import DataError, Problem
from bot.knowledge.models import (
    PLACEHOLDER,
    REQUIRED_REPLIES,
    Career,
    DataDate,
    Entry,
    Fact,
    FixedReply,
    KnowledgeBase,
    Level,
    Occupations,
    Pattern,
    School,
    Schools,
    Source,
    Topic,
)
from bot.limits import MAX_ANSWER_CHARS, MAX_TITLE_CHARS
from bot.yamlfile import LineDict, LineList, load_yaml

# A pay or growth figure typed straight into an answer instead of coming from a sourced fact.
_RAW_FIGURE = re.compile(r"\$\s?\d|\d\s?%|\d\s?percent\b", re.IGNORECASE)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CHECKED = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")
OCCUPATIONS_FILE = "occupations.yaml"


class _Reader:
    """Typed access to one YAML file's values that records problems instead of raising."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, parent: LineDict, key: str, *, required: bool = True) -> LineDict | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.problem(parent.line, f"missing '{key}:' (a mapping) under this entry")
            return None
        if not isinstance(value, LineDict):
            self.problem(parent.line_of(key), f"'{key}' must be a mapping of 'name: value' "
                                              f"lines, not {_kind(value)}")
            return None
        return value

    def entries(
        self, parent: LineDict, key: str, expected: str, *, required: bool = True
    ) -> Iterator[tuple[str, LineDict]]:
        """``(id, mapping)`` for each entry under ``parent[key]``; reports entries that are not
        mappings or whose ids are not lower_snake_case (``expected`` says what each holds)."""
        section = self.mapping(parent, key, required=required)
        if section is None:
            return
        for entry_id, raw in section.items():
            line = section.line_of(entry_id)
            if not isinstance(entry_id, str) or not _ID.match(entry_id):
                self.problem(line, f"'{entry_id}' under '{key}' is not a valid id: use "
                                   "lower_snake_case letters, digits and '_'")
            elif isinstance(raw, LineDict):
                raw.line = line  # problems about the entry as a whole point at its id
                yield entry_id, raw
            else:
                self.problem(line, f"'{entry_id}' under '{key}' must be a mapping with "
                                   f"{expected}, not {_kind(raw)}")

    def text(self, parent: LineDict, key: str, *, required: bool = True) -> str:
        value = parent.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(parent.line_of(key), f"missing '{key}': add a non-empty text")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(parent.line_of(key), f"'{key}' must be text, not {_kind(value)}")
            return ""
        return str(value).strip()

    def flag(self, parent: LineDict, key: str) -> bool:
        value = parent.get(key, False)
        if not isinstance(value, bool):
            self.problem(parent.line_of(key), f"'{key}' must be true or false")
            return False
        return value

    def texts(self, parent: LineDict, key: str, *, required: bool = True) -> tuple[str, ...]:
        return tuple(text for text, _ in self.lines(parent, key, required=required))

    def lines(
        self, parent: LineDict, key: str, *, required: bool = True
    ) -> list[tuple[str, int]]:
        """The items of a list of texts, each with its line."""
        value = parent.get(key)
        if value is None:
            if required:
                self.problem(parent.line, f"missing '{key}:' (a list) under this entry")
            return []
        if not isinstance(value, LineList):
            self.problem(parent.line_of(key), f"'{key}' must be a list ('- item' lines), not "
                                              f"{_kind(value)}")
            return []
        out: list[tuple[str, int]] = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float) \
                    or not str(item).strip():
                self.problem(value.line_of(i), f"item {i + 1} of '{key}' must be non-empty text")
                continue
            out.append((str(item).strip(), value.line_of(i)))
        if required and not out:
            self.problem(parent.line_of(key), f"'{key}' is empty: add at least one item")
        return out


def _kind(value: object) -> str:
    if isinstance(value, LineDict):
        return "a mapping"
    if isinstance(value, LineList):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"{type(value).__name__} {value!r}"


def _root(path: Path, problems: list[Problem]) -> LineDict | None:
    count = len(problems)
    data = load_yaml(path, problems)
    if data is None:
        if len(problems) == count:
            problems.append(Problem(path, 1, "the file is empty: see docs/SCHEMA.md"))
        return None
    if not isinstance(data, LineDict):
        problems.append(Problem(path, 1, "the file must be a mapping of 'key: value' lines"))
        return None
    return data


def check_answer(
    r: _Reader, line: int, where: str, answer: str, facts: dict[str, Fact]
) -> None:
    """Placeholders name facts; no unsourced figure; the answer fits a Telegram message."""
    for name, _ in PLACEHOLDER.findall(answer):
        if name not in facts:
            r.problem(line, f"{where}: '{{{name}}}' is not a fact: add it under 'facts:' "
                            "or fix the name")
    bare = PLACEHOLDER.sub("", answer)
    figure = _RAW_FIGURE.search(bare)
    if figure:
        r.problem(line, f"{where}: the figure near {bare[figure.start():figure.end() + 8]!r} "
                        "has no source: move it to 'facts:' with 'source' and 'as_of' and "
                        "write {fact_id} in the answer")
    if len(answer) > MAX_ANSWER_CHARS:
        r.problem(line, f"{where}: answer is {len(answer)} characters; keep it under "
                        f"{MAX_ANSWER_CHARS} so it fits one Telegram message with its "
                        "source line")


def _sources(r: _Reader, root: LineDict) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for sid, raw in r.entries(root, "sources", "name and short"):
        checked = raw.get("checked")
        checked_text = checked.isoformat() if isinstance(checked, date) else \
            str(checked or "").strip()
        if checked_text and not _CHECKED.match(checked_text):
            r.problem(raw.line_of("checked"), f"source '{sid}': 'checked' must be a date "
                                              "written 2026-12 or 2026-12-02")
        sources[sid] = Source(sid, r.text(raw, "name"), r.text(raw, "short"),
                              r.text(raw, "url", required=False),
                              r.text(raw, "note", required=False), checked_text)
    return sources


def _facts(r: _Reader, root: LineDict, sources: dict[str, Source]) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for fid, raw in r.entries(root, "facts", "value, source and as_of", required=False):
        value = r.text(raw, "value")
        source_id = r.text(raw, "source")
        as_of = DataDate.parse(raw.get("as_of"))
        if as_of is None:
            r.problem(raw.line_of("as_of"), f"fact '{fid}': 'as_of' must be the date of the "
                      "data written 2024, 2024-05 or a span 2024/2034 (put any doubt in "
                      "'as_of_note')")
        if source_id and source_id not in sources:
            r.problem(raw.line_of("source"), f"fact '{fid}' cites unknown source "
                      f"'{source_id}': add it under 'sources:' or fix the name")
            continue
        if value and source_id and as_of is not None:
            facts[fid] = Fact(fid, value, sources[source_id], as_of,
                              r.text(raw, "note", required=False),
                              r.text(raw, "as_of_note", required=False),
                              r.text(raw, "stale_reason", required=False), raw.line)
    return facts


def _entries(r: _Reader, tid: str, raw: LineDict, facts: dict[str, Fact],
             sources: dict[str, Source], seen: dict[str, int]) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for eid, eraw in r.entries(raw, "entries", "title, patterns and answer", required=False):
        line = eraw.line
        if eid in seen:
            r.problem(line, f"entry id '{eid}' is also used on line {seen[eid]}: entry and "
                            "topic ids must be unique in a career")
            continue
        seen[eid] = line
        answer = r.text(eraw, "answer")
        check_answer(r, eraw.line_of("answer"), f"entry '{tid}.{eid}'", answer, facts)
        more = r.text(eraw, "more", required=False)
        check_answer(r, eraw.line_of("more"), f"entry '{tid}.{eid}' (more)", more, facts)
        title = _title(r, eraw, f"entry '{tid}.{eid}'")
        patterns = tuple(Pattern(text, r.path, pline)
                         for text, pline in r.lines(eraw, "patterns"))
        entries[eid] = Entry(eid, tid, title, patterns, answer,
                             r.texts(eraw, "keywords", required=False), more, line,
                             _cites(r, eraw, sources))
    return entries


def _cites(r: _Reader, raw: LineDict, sources: dict[str, Source]) -> tuple[Source, ...]:
    """The ``sources:`` an answer cites for statements that are not figures."""
    found: list[Source] = []
    for sid, line in r.lines(raw, "sources", required=False):
        if sid in sources:
            found.append(sources[sid])
        else:
            r.problem(line, f"'{sid}' is not a source: add it under 'sources:' or fix the name")
    return tuple(found)


def _title(r: _Reader, raw: LineDict, where: str) -> str:
    title = r.text(raw, "title")
    if len(title) > MAX_TITLE_CHARS:
        r.problem(raw.line_of("title"), f"{where}: the title is {len(title)} characters; "
                                        f"button labels fit {MAX_TITLE_CHARS}")
    return title


def _topics(r: _Reader, root: LineDict, facts: dict[str, Fact],
            sources: dict[str, Source]) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    seen: dict[str, int] = {}
    for tid, raw in r.entries(root, "topics", "title and answer"):
        seen.setdefault(tid, raw.line)
        answer = r.text(raw, "answer")
        check_answer(r, raw.line_of("answer"), f"topic '{tid}'", answer, facts)
        more = r.text(raw, "more", required=False)
        check_answer(r, raw.line_of("more"), f"topic '{tid}' (more)", more, facts)
        topics[tid] = Topic(tid, _title(r, raw, f"topic '{tid}'"), answer,
                            r.texts(raw, "related", required=False),
                            _entries(r, tid, raw, facts, sources, seen), more,
                            r.flag(raw, "lists_schools"), raw.line, _cites(r, raw, sources))
    section = root.get("topics")
    for tid, topic in topics.items():
        for i, rel in enumerate(topic.related):
            if rel not in topics:
                line = section[tid]["related"].line_of(i) if isinstance(section, LineDict) \
                    else 1
                r.problem(line, f"topic '{tid}': related topic '{rel}' does not exist: use "
                                f"one of {', '.join(topics)}")
    return topics


def _load_career(path: Path, problems: list[Problem]) -> Career | None:
    root = _root(path, problems)
    if root is None:
        return None
    r = _Reader(path, problems)
    career_id = r.text(root, "id")
    if career_id and not _ID.match(career_id):
        r.problem(root.line_of("id"), f"id {career_id!r} must be lower_snake_case")
    sources = _sources(r, root)
    facts = _facts(r, root, sources)
    topics = _topics(r, root, facts, sources)
    related = r.texts(root, "related_occupations", required=False)
    related_topic = r.text(root, "related_occupations_topic", required=bool(related))
    if related_topic and related_topic not in topics:
        r.problem(root.line_of("related_occupations_topic"), f"related_occupations_topic "
                  f"'{related_topic}' is not a topic: use one of {', '.join(topics)}")
    return Career(career_id, r.text(root, "name"), r.texts(root, "aliases"),
                  r.text(root, "summary"), sources, facts, topics, related, related_topic, path,
                  r.texts(root, "fields_of_study", required=False))


def _load_schools(path: Path, problems: list[Problem]) -> Schools:
    empty = Schools("", "", {}, ())
    root = _root(path, problems)
    if root is None:
        return empty
    r = _Reader(path, problems)
    levels: dict[str, Level] = {}
    for lid, raw in r.entries(root, "levels", "label and aliases"):
        levels[lid] = Level(lid, r.text(raw, "label"), r.texts(raw, "aliases"))
    schools: list[School] = []
    raw_list = root.get("schools")
    if not isinstance(raw_list, LineList) or not raw_list:
        r.problem(root.line_of("schools"), "'schools' must be a non-empty list of schools")
        raw_list = LineList()
    seen: set[str] = set()
    for i, raw in enumerate(raw_list):
        if not isinstance(raw, LineDict):
            r.problem(raw_list.line_of(i), "each school must be a mapping with id, name, levels")
            continue
        sid = r.text(raw, "id")
        if sid in seen:
            r.problem(raw.line_of("id"), f"school id '{sid}' is used twice: make it unique")
        seen.add(sid)
        listed = r.texts(raw, "levels", required=False)
        elsewhere = r.texts(raw, "levels_found_elsewhere", required=False)
        if not listed and not elsewhere:
            r.problem(raw.line, f"school '{sid}' needs 'levels' (as listed) or "
                                "'levels_found_elsewhere' (with its source)")
        for key in ("levels", "levels_found_elsewhere"):
            for j, lv in enumerate(r.texts(raw, key, required=False)):
                if lv not in levels:
                    r.problem(raw[key].line_of(j), f"unknown level '{lv}': use one of "
                              f"{', '.join(levels)}")
        source = r.text(raw, "source", required=elsewhere != ())
        note = r.text(raw, "note")
        if _RAW_FIGURE.search(note):
            r.problem(raw.line_of("note"), "school notes must not carry unsourced figures")
        schools.append(School(sid, r.text(raw, "name"), r.texts(raw, "aliases", required=False),
                              listed, note, r.flag(raw, "online"), elsewhere, source))
    return Schools(r.text(root, "listing_note"), r.text(root, "accreditation_note"), levels,
                   tuple(schools))


def _load_replies(path: Path, problems: list[Problem]) -> dict[str, FixedReply]:
    root = _root(path, problems)
    if root is None:
        return {}
    r = _Reader(path, problems)
    replies = {rid: FixedReply(r.text(raw, "text"), r.flag(raw, "menu"), r.flag(raw, "more"))
               for rid, raw in r.entries(root, "replies",
                                         "text (and menu, more: true/false)")}
    section = root.get("replies")
    for rid in REQUIRED_REPLIES:
        if rid not in replies:
            r.problem(section.line if isinstance(section, LineDict) else 1,
                      f"reply '{rid}' is missing: add '{rid}:' with a 'text:' under 'replies:'")
    return replies


def _load_occupations(path: Path, problems: list[Problem]) -> Occupations:
    """Occupations and subjects the bot declines to answer about.

    One line per occupation, ``code: Title | phrase; phrase``, and subject lines of
    ``phrase; phrase``: thousands of phrases load in milliseconds this way.
    """
    if not path.exists():
        return Occupations()
    root = _root(path, problems)
    if root is None:
        return Occupations()
    r = _Reader(path, problems)
    phrases: list[str] = []
    section = r.mapping(root, "occupations")
    for code, value in (section or LineDict()).items():
        line = section.line_of(code) if section is not None else 1
        title, bar, names = str(value).partition("|")
        found = [n.strip() for n in names.split(";") if n.strip()]
        if not isinstance(value, str) or not bar or not title.strip() or not found:
            r.problem(line, f"occupation '{code}' must read 'Title | phrase; phrase'")
            continue
        phrases += found
    subjects, programming = ([s.strip() for item in r.texts(root, key, required=False)
                              for s in item.split(";") if s.strip()]
                             for key in ("subjects", "programming"))
    return Occupations(tuple(dict.fromkeys(phrases)), tuple(dict.fromkeys(subjects)),
                       tuple(dict.fromkeys(programming)))


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Load every file under ``directory``; raise DataError listing all problems found."""
    problems: list[Problem] = []
    careers: dict[str, Career] = {}
    career_files = sorted((directory / "careers").glob("*.yaml"))
    if not career_files:
        problems.append(Problem(directory / "careers", 0,
                                "no career files: add one <career-id>.yaml (see docs/SCHEMA.md)"))
    for path in career_files:
        career = _load_career(path, problems)
        if career is None:
            continue
        if career.id in careers:
            problems.append(Problem(path, 1, f"career id '{career.id}' is used by another file"))
        careers[career.id] = career
    kb = KnowledgeBase(
        careers=careers,
        schools=_load_schools(directory / "schools.yaml", problems),
        replies=_load_replies(directory / "conversation.yaml", problems),
        others=_load_occupations(directory / OCCUPATIONS_FILE, problems),
    )
    if problems:
        raise DataError(problems)
    return kb
