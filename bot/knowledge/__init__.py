"""The knowledge base: careers and their topics and entries, schools, fixed replies."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.models import (
    Career,
    DataDate,
    Entry,
    Fact,
    FixedReply,
    KnowledgeBase,
    Level,
    School,
    Schools,
    Source,
    Topic,
)


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Load and validate every file under ``directory`` (``bot.knowledge.loader``).

    The loader is imported here, on first use: a start that finds its engine cached
    (``bot.enginecache``) loads no file, and compiling the loader is a few milliseconds.
    """
    from bot.knowledge.loader import load_knowledge as load

    return load(directory)


__all__ = [
    "Career",
    "DataDate",
    "Entry",
    "Fact",
    "FixedReply",
    "KnowledgeBase",
    "Level",
    "School",
    "Schools",
    "Source",
    "Topic",
    "load_knowledge",
]
