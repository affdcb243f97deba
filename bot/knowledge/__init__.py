"""The knowledge base: careers and their topics and entries, schools, fixed replies."""

from bot.knowledge.loader import load_knowledge
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
