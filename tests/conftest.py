"""Shared fixtures: the shipped engine, and copies of the data that tests may break."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import DEFAULT_INTENTS_DIR, DEFAULT_KNOWLEDGE_DIR
from bot.engine import Engine
from bot.state import ConversationState

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _engine_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Engines built by the tests, and by the commands they run, are cached in a folder of
    this run (bot.enginecache), never in the user's own cache."""
    before = os.environ.get("CAREERBOT_CACHE_DIR")
    os.environ["CAREERBOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("engine-cache"))
    yield
    if before is None:
        del os.environ["CAREERBOT_CACHE_DIR"]
    else:
        os.environ["CAREERBOT_CACHE_DIR"] = before


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
