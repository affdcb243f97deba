"""The engine cache: a start on unchanged data reads the built engine, any change builds anew."""

from __future__ import annotations

import os
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from bot import enginecache
from bot.config import DEFAULT_INTENTS_DIR, DEFAULT_KNOWLEDGE_DIR, default_cache_dir
from bot.engine import Engine
from bot.errors import DataError
from bot.state import ConversationState

REPO = Path(__file__).resolve().parents[1]
CAREER = "careers/medical-coding-specialist.yaml"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{enginecache.PREFIX}*{enginecache.SUFFIX}"))


def _replies(engine: Engine) -> list[dict[str, object]]:
    """Every labelled question answered, conversations in order, as plain data."""
    data = yaml.safe_load((REPO / "tests" / "data" / "labelled.yaml").read_text())
    out = []
    for item in data["single"] + data["multi"]:
        out.append(asdict(engine.respond(item["q"], ConversationState())[0]))
    for conversation in data["conversations"]:
        state = ConversationState()
        for turn in conversation["turns"]:
            reply, state = engine.respond(turn["q"], state)
            out.append({"reply": asdict(reply), "state": asdict(state)})
    out += [asdict(engine.respond(q, ConversationState())[0]) for q in data["oos"]]
    return out


def _no_build(*_: object) -> Engine:
    raise AssertionError("the engine was built, not read from the cache")


def test_a_second_start_reads_the_engine_and_answers_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR, cache_dir=tmp_path)
    [entry] = _entries(tmp_path)
    assert entry.stat().st_mode & 0o777 == 0o600
    monkeypatch.setattr(Engine, "_load", classmethod(_no_build))
    cached = Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR, cache_dir=tmp_path)
    assert cached is not built
    assert _replies(cached) == _replies(built)


def test_the_cache_folder_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR, cache_dir=folder)
    assert folder.stat().st_mode & 0o777 == 0o700


def test_every_data_file_and_module_is_in_the_key(data_copy: tuple[Path, Path],
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    knowledge, intents = data_copy
    before = enginecache.key(knowledge, intents)
    assert enginecache.key(knowledge, intents) == before  # the same files, the same key
    files = sorted(p for p in [*knowledge.rglob("*"), *intents.rglob("*")] if p.is_file())
    assert len(files) >= 8
    for path in files:  # one byte more in any file is another key
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert enginecache.key(knowledge, intents) != before, path
        path.write_bytes(original)
    assert enginecache.key(knowledge, intents) == before
    (intents / "new.yaml").write_text("intents: {}\n", encoding="utf-8")  # a file added
    assert enginecache.key(knowledge, intents) != before
    (intents / "new.yaml").unlink()
    # Any module of the bot: a copy of the package with one module changed.
    code = tmp_path / "bot"
    shutil.copytree(REPO / "bot", code, ignore=shutil.ignore_patterns("__pycache__", "data"))
    monkeypatch.setattr(enginecache, "_CODE_ROOT", code)
    same_code = enginecache.key(knowledge, intents)
    module = code / "matching" / "features.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert enginecache.key(knowledge, intents) != same_code


def test_edited_data_is_never_answered_from_the_old_engine(data_copy: tuple[Path, Path],
                                                           tmp_path: Path) -> None:
    knowledge, intents = data_copy
    old = Engine.load(knowledge, intents, cache_dir=tmp_path).respond("hi", ConversationState())
    assert old[0].sections[0].body.startswith("Hi! I answer")
    path = knowledge / "conversation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Hi! I answer", "Hello! I answer"),
                    encoding="utf-8")
    new = Engine.load(knowledge, intents, cache_dir=tmp_path).respond("hi", ConversationState())
    assert new[0].sections[0].body.startswith("Hello! I answer")
    assert len(_entries(tmp_path)) == 2


def test_broken_data_is_reported_even_with_an_engine_cached(data_copy: tuple[Path, Path],
                                                            tmp_path: Path) -> None:
    knowledge, intents = data_copy
    Engine.load(knowledge, intents, cache_dir=tmp_path)
    path = knowledge / "conversation.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  thanks:\n    text: again\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as raised:
        Engine.load(knowledge, intents, cache_dir=tmp_path)
    [problem] = raised.value.problems
    assert problem.path == path and "duplicate key 'thanks'" in problem.message
    assert len(_entries(tmp_path)) == 1  # nothing stored for data with problems


def test_a_damaged_or_foreign_entry_is_not_read(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR, cache_dir=tmp_path)
    [entry] = _entries(tmp_path)
    name = enginecache.key(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR)
    assert enginecache.read(tmp_path, name) is not None
    tmp_path.chmod(0o777)  # others may write to the folder: not to be trusted
    assert enginecache.read(tmp_path, name) is None
    tmp_path.chmod(0o700)
    entry.chmod(0o666)
    assert enginecache.read(tmp_path, name) is None
    entry.chmod(0o600)
    entry.write_bytes(b"not a pickle")
    assert enginecache.read(tmp_path, name) is None
    engine = Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR, cache_dir=tmp_path)
    assert engine.respond("hi", ConversationState())[0].intent == "greeting"
    monkeypatch.setattr(Engine, "_load", classmethod(_no_build))  # rewritten: read next time
    Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR, cache_dir=tmp_path)


def test_no_usable_folder_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    engine = Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR, cache_dir=blocker / "x")
    assert engine.respond("hi", ConversationState())[0].intent == "greeting"
    engine = Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR, cache_dir=None)
    assert engine.respond("hi", ConversationState())[0].intent == "greeting"


def test_old_entries_are_pruned(tmp_path: Path) -> None:
    for i in range(enginecache.KEEP + 3):
        assert enginecache.write(tmp_path, f"{i:02d}", {"entry": i})
        os.utime(tmp_path / f"{enginecache.PREFIX}{i:02d}{enginecache.SUFFIX}", (i, i))
    left = tmp_path / f".{enginecache.PREFIX}dead.123.tmp"  # a writer killed half way
    left.write_bytes(b"half")
    os.utime(left, (0, 0))
    fresh = tmp_path / f".{enginecache.PREFIX}busy.456.tmp"  # one being written right now
    fresh.write_bytes(b"half")
    assert enginecache.write(tmp_path, "last", {"entry": "last"})
    assert not left.exists() and fresh.exists()
    kept = [p.name for p in _entries(tmp_path)]
    assert len(kept) == enginecache.KEEP
    assert f"{enginecache.PREFIX}last{enginecache.SUFFIX}" in kept
    assert f"{enginecache.PREFIX}00{enginecache.SUFFIX}" not in kept


def test_where_the_cache_lives(tmp_path: Path) -> None:
    assert default_cache_dir({"CAREERBOT_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert default_cache_dir({"CAREERBOT_CACHE_DIR": "off"}) is None
    assert default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "careerbot"
    assert default_cache_dir({"CAREERBOT_CACHE_DIR": "", "XDG_CACHE_HOME": ""}) == \
        Path.home() / ".cache" / "careerbot"
