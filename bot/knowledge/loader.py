"""Load and validate `knowledge/`: every problem names its file and line and how to fix it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bot.errors import DataError, Problem
from bot.knowledge.models import (
    CONVERSATION_TEXTS,
    PLACEHOLDER,
    TOPIC_IDS,
    Career,
    Detail,
    Fact,
    KnowledgeBase,
    Level,
    School,
    Schools,
    Source,
    Topic,
)
from bot.yamlfile import LineDict, LineList, load_yaml

# A pay or growth figure typed straight into an answer instead of coming from a sourced fact.
_RAW_FIGURE = re.compile(r"\$\s?\d|\d\s?%|\d\s?percent\b", re.IGNORECASE)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
TELEGRAM_LIMIT = 4096


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
            self.problem(parent.line_of(key), f"'{key}' must be a mapping of 'name: value' lines")
            return None
        return value

    def entries(
        self, parent: LineDict, key: str, expected: str, *, required: bool = True
    ) -> Iterator[tuple[str, LineDict]]:
        """``(id, mapping)`` for each entry under ``parent[key]``; reports entries that are not
        mappings (``expected`` says what each entry should hold)."""
        section = self.mapping(parent, key, required=required)
        if section is None:
            return
        for entry_id, raw in section.items():
            if isinstance(raw, LineDict):
                yield str(entry_id), raw
            else:
                self.problem(section.line_of(entry_id),
                             f"'{entry_id}' under '{key}' must be a mapping with {expected}")

    def text(self, parent: LineDict, key: str, *, required: bool = True) -> str:
        value = parent.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(parent.line_of(key), f"missing '{key}': add a non-empty text")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(parent.line_of(key), f"'{key}' must be text, not a list or mapping")
            return ""
        return str(value).strip()

    def texts(self, parent: LineDict, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = parent.get(key)
        if value is None:
            if required:
                self.problem(parent.line, f"missing '{key}:' (a list) under this entry")
            return ()
        if not isinstance(value, LineList):
            self.problem(parent.line_of(key), f"'{key}' must be a list ('- item' lines)")
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str | int | float) or not str(item).strip():
                self.problem(value.line_of(i), f"item {i + 1} of '{key}' must be non-empty text")
                continue
            out.append(str(item).strip())
        if required and not out:
            self.problem(parent.line_of(key), f"'{key}' is empty: add at least one item")
        return tuple(out)


def _root(path: Path, problems: list[Problem]) -> LineDict | None:
    data = load_yaml(path, problems)
    if data is None:
        if not problems or problems[-1].path != path:
            problems.append(Problem(path, 1, "the file is empty: see docs/SCHEMA.md"))
        return None
    if not isinstance(data, LineDict):
        problems.append(Problem(path, 1, "the file must be a mapping of 'key: value' lines"))
        return None
    return data


def _check_answer(
    r: _Reader, line: int, where: str, answer: str, facts: dict[str, Fact]
) -> None:
    for name in PLACEHOLDER.findall(answer):
        if name not in facts:
            r.problem(line, f"{where}: '{{{name}}}' is not a fact: add it under 'facts:' "
                            "or fix the name")
    bare = PLACEHOLDER.sub("", answer)
    figure = _RAW_FIGURE.search(bare)
    if figure:
        r.problem(line, f"{where}: the figure near {bare[figure.start():figure.end() + 8]!r} "
                        "has no source: move it to 'facts:' with 'source' and 'as_of' and "
                        "write {fact_id} in the answer")
    if len(answer) > TELEGRAM_LIMIT - 200:
        r.problem(line, f"{where}: answer is {len(answer)} characters; keep it under "
                        f"{TELEGRAM_LIMIT - 200} so it fits one Telegram message with its "
                        "source line")


def _load_career(path: Path, problems: list[Problem]) -> Career | None:
    root = _root(path, problems)
    if root is None:
        return None
    r = _Reader(path, problems)
    career_id = r.text(root, "id")
    if career_id and not _ID.match(career_id):
        r.problem(root.line_of("id"), f"id {career_id!r} must be lower_snake_case")
    name = r.text(root, "name")
    aliases = r.texts(root, "aliases")
    summary = r.text(root, "summary")

    sources: dict[str, Source] = {}
    for sid, raw in r.entries(root, "sources", "name and short"):
        sources[sid] = Source(sid, r.text(raw, "name"), r.text(raw, "short"),
                              r.text(raw, "url", required=False),
                              r.text(raw, "note", required=False))

    facts: dict[str, Fact] = {}
    for fid, raw in r.entries(root, "facts", "value, source and as_of", required=False):
        value = r.text(raw, "value")
        source_id = r.text(raw, "source")
        as_of = r.text(raw, "as_of")
        if source_id and source_id not in sources:
            r.problem(raw.line_of("source"), f"fact '{fid}' cites unknown source "
                      f"'{source_id}': add it under 'sources:' or fix the name")
            continue
        if value and source_id and as_of:
            facts[fid] = Fact(fid, value, sources[source_id], as_of,
                              r.text(raw, "note", required=False))

    topics: dict[str, Topic] = {}
    raw_topics = r.mapping(root, "topics") or LineDict()
    for tid, raw in raw_topics.items():
        line = raw_topics.line_of(tid)
        if tid not in TOPIC_IDS:
            r.problem(line, f"unknown topic '{tid}': use one of {', '.join(TOPIC_IDS)}")
            continue
        if not isinstance(raw, LineDict):
            r.problem(line, f"topic '{tid}' must be a mapping with title and answer")
            continue
        answer = r.text(raw, "answer")
        _check_answer(r, raw.line_of("answer"), f"topic '{tid}'", answer, facts)
        related = r.texts(raw, "related", required=False)
        for i, rel in enumerate(related):
            if rel not in TOPIC_IDS:
                r.problem(raw["related"].line_of(i), f"related topic '{rel}' does not exist: "
                          f"use one of {', '.join(TOPIC_IDS)}")
        details: dict[str, Detail] = {}
        for did, draw in r.entries(raw, "details", "title, keywords and answer",
                                   required=False):
            danswer = r.text(draw, "answer")
            _check_answer(r, draw.line_of("answer"), f"detail '{tid}.{did}'", danswer, facts)
            details[did] = Detail(did, r.text(draw, "title"), r.texts(draw, "keywords"), danswer)
        topics[tid] = Topic(tid, r.text(raw, "title"), answer,
                            tuple(x for x in related if x in TOPIC_IDS), details)
    for tid in TOPIC_IDS:
        if tid not in raw_topics:
            r.problem(raw_topics.line, f"topic '{tid}' is missing: add '{tid}:' with a title "
                                       "and an answer under 'topics:'")
    return Career(career_id, name, aliases, summary, sources, facts, topics)


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
        school_levels = r.texts(raw, "levels")
        for j, lv in enumerate(school_levels):
            if lv not in levels:
                r.problem(raw["levels"].line_of(j), f"unknown level '{lv}': use one of "
                          f"{', '.join(levels)}")
        note = r.text(raw, "note")
        if _RAW_FIGURE.search(note):
            r.problem(raw.line_of("note"), "school notes must not carry unsourced figures")
        schools.append(School(sid, r.text(raw, "name"), r.texts(raw, "aliases", required=False),
                              school_levels, note))
    return Schools(r.text(root, "listing_note"), r.text(root, "accreditation_note"), levels,
                   tuple(schools))


def _load_texts(path: Path, problems: list[Problem]) -> dict[str, str]:
    root = _root(path, problems)
    if root is None:
        return {}
    r = _Reader(path, problems)
    texts = {key: r.text(root, key) for key in CONVERSATION_TEXTS}
    for key in root:
        if key not in CONVERSATION_TEXTS:
            r.problem(root.line_of(key), f"unknown text '{key}': use one of "
                      f"{', '.join(CONVERSATION_TEXTS)}")
    return texts


def _load_not_covered(
    path: Path, problems: list[Problem]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Occupations and subjects the bot declines to answer about."""
    if not path.exists():
        return (), ()
    root = _root(path, problems)
    if root is None:
        return (), ()
    reader = _Reader(path, problems)
    return reader.texts(root, "occupations"), reader.texts(root, "subjects", required=False)


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
    occupations, subjects = _load_not_covered(directory / "not_covered.yaml", problems)
    kb = KnowledgeBase(
        careers=careers,
        schools=_load_schools(directory / "schools.yaml", problems),
        texts=_load_texts(directory / "conversation.yaml", problems),
        other_careers=occupations,
        other_subjects=subjects,
    )
    if problems:
        raise DataError(problems)
    return kb

