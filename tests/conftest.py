"""Shared fixtures: the shipped engine, and copies of the data that tests may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import DEFAULT_INTENTS_DIR, DEFAULT_KNOWLEDGE_DIR
from bot.engine import Engine
from bot.state import ConversationState

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR)


@pytest.fixture
def fresh() -> ConversationState:
    return ConversationState()


@pytest.fixture
def data_copy(tmp_path: Path) -> tuple[Path, Path]:
    """Writable copies of knowledge/ and intents/ for tests that break them on purpose."""
    knowledge = tmp_path / "knowledge"
    intents = tmp_path / "intents"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, knowledge)
    shutil.copytree(DEFAULT_INTENTS_DIR, intents)
    return knowledge, intents
