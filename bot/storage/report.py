"""`career-bot unanswered`: the questions the bot could not answer, similar wordings grouped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TextIO

from rapidfuzz import fuzz, process

from bot.config import Settings
from bot.storage.sqlite import DB_FILE, SqliteStorage
from bot.storage.wording import normalize

# token_sort_ratio at or above this counts as "the same question in other words".
SIMILARITY = 85.0
_SPACES = re.compile(r"\s+")


@dataclass
class Cluster:
    """Wordings of one question; ``text`` is the most frequent one."""

    text: str
    key: str
    count: int
    variants: list[tuple[str, int]] = field(default_factory=list)


def cluster(texts: list[tuple[str, int]], similarity: float = SIMILARITY) -> list[Cluster]:
    """Group ``(text, count)`` pairs whose normalised wordings are alike, biggest group first."""
    clusters: list[Cluster] = []
    keys: list[str] = []
    for text, count in sorted(texts, key=lambda item: (-item[1], item[0])):
        key = normalize(text) or text.strip()
        match = process.extractOne(
            key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=similarity
        )
        if match is None:
            clusters.append(Cluster(text=text, key=key, count=count))
            keys.append(key)
            continue
        group = clusters[match[2]]
        group.count += count
        group.variants.append((text, count))
    clusters.sort(key=lambda c: (-c.count, c.text))
    return clusters


def _one_line(text: str, width: int = 100) -> str:
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def print_unanswered(settings: Settings, limit: int, out: TextIO) -> int:
    """Print the ``limit`` most frequent unanswered questions; returns an exit code."""
    if not (settings.data_dir / DB_FILE).is_file():
        out.write(f"No data yet: {settings.data_dir / DB_FILE} does not exist.\n")
        return 0
    storage = SqliteStorage(settings.data_dir, settings.retention_days)
    try:
        groups = cluster(storage.unanswered_texts())
    finally:
        storage.close()
    if not groups:
        out.write("No unanswered questions stored.\n")
        return 0
    total = sum(g.count for g in groups)
    out.write(
        f"{total} unanswered question(s) in {len(groups)} group(s); "
        f"showing the top {min(limit, len(groups))}:\n\n"
    )
    for group in groups[:limit]:
        out.write(f"{group.count:6d}  {_one_line(group.text)}\n")
        for text, count in group.variants[:5]:
            out.write(f"        ~ {_one_line(text)} ({count})\n")
        if len(group.variants) > 5:
            out.write(f"        ~ … and {len(group.variants) - 5} more wording(s)\n")
    return 0
