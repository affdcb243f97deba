"""The knowledge base: careers and their topics, schools, and conversation texts."""

from bot.knowledge.loader import load_knowledge
from bot.knowledge.models import (
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

__all__ = [
    "TOPIC_IDS",
    "Career",
    "Detail",
    "Fact",
    "KnowledgeBase",
    "Level",
    "School",
    "Schools",
    "Source",
    "Topic",
    "load_knowledge",
]
