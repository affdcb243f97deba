"""SQLite storage, pseudonymous keys, retention and the unanswered report."""

from __future__ import annotations

import io
import stat

from bot.config import Settings
from bot.storage import Pseudonymizer, SqliteStorage, Turn, load_install_key
from bot.storage.report import cluster, print_unanswered


def turn(chat="c1", user="u1", text=None, intent="salary"):
    return Turn(chat_key=chat, user_key=user, state={"topic": intent}, intent=intent,
                answered=text is None, unanswered_text=text)


def test_state_round_trip_and_committed_data_survives_without_close(tmp_path):
    store = SqliteStorage(tmp_path)
    store.record_turn(turn())
    # A second connection sees the commit at once: nothing waits for close() (a crash).
    other = SqliteStorage(tmp_path)
    assert other.load_state("c1") == {"topic": "salary"}
    assert other.load_state("nobody") is None
    other.close()
    store.close()


def test_forget_deletes_the_users_rows_only(tmp_path):
    store = SqliteStorage(tmp_path)
    store.record_turn(turn(text="what is x"))
    store.record_turn(turn(chat="c2", user="u2", text="what is y"))
    store.record_feedback("u1", "salary", True)
    assert store.forget("c1", "u1") == 3
    assert store.load_state("c1") is None
    assert store.unanswered_texts() == [("what is y", 1)]
    assert store.stats().feedback_up == 0
    store.close()


def test_retention_purges_old_rows(tmp_path):
    now = [1_000_000_000.0]
    store = SqliteStorage(tmp_path, retention_days=30, clock=lambda: now[0])
    store.record_turn(turn(text="old question"))
    store.record_feedback("u1", "salary", False)
    now[0] += 31 * 86400
    store.record_turn(turn(chat="c2", text="new question"))  # purges on write (hourly)
    assert store.unanswered_texts() == [("new question", 1)]
    assert store.stats().feedback_down == 0
    assert store.load_state("c1") is None
    store.close()


def test_stats(tmp_path):
    store = SqliteStorage(tmp_path)
    for _ in range(3):
        store.record_turn(turn())
    store.record_turn(turn(intent="fallback", text="??"))
    stats = store.stats()
    assert (stats.messages, stats.answered) == (4, 3)
    assert stats.answered_share == 0.75
    assert stats.top_intents == (("salary", 3),)
    store.close()


def test_install_key_and_files_are_private(tmp_path):
    data = tmp_path / "data"
    key = load_install_key(data)
    assert load_install_key(data) == key and len(key) == 32
    SqliteStorage(data).close()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "install.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "careerbot.sqlite3").stat().st_mode) == 0o600
    ids = Pseudonymizer(key)
    assert ids.chat(5) != ids.user(5)
    assert "5" not in ids.chat(5)[:0] and len(ids.chat(5)) == 32
    assert Pseudonymizer(b"x" * 32).chat(5) != ids.chat(5)
    assert "key" not in repr(ids).replace("key=********", "")


def test_cluster_groups_similar_wordings():
    groups = cluster([
        ("How much do coders earn on weekends?", 3),
        ("how much do coders earn on weekends", 2),
        ("on weekends how much do coders earn", 1),
        ("Is there a union for coders?", 2),
    ])
    assert [(g.count, len(g.variants)) for g in groups] == [(6, 2), (2, 0)]
    assert groups[0].text == "How much do coders earn on weekends?"


def test_print_unanswered(tmp_path):
    settings = Settings(data_dir=tmp_path)
    out = io.StringIO()
    assert print_unanswered(settings, 10, out) == 0
    assert "No data yet" in out.getvalue()
    store = SqliteStorage(tmp_path)
    store.record_turn(turn(text="Is there a union for coders?"))
    store.record_turn(turn(text="is there a union for coders"))
    store.record_turn(turn(text="Can I work from Mars?"))
    store.close()
    out = io.StringIO()
    assert print_unanswered(settings, 1, out) == 0
    text = out.getvalue()
    assert "3 unanswered question(s) in 2 group(s)" in text
    assert "     2  Is there a union for coders?" in text
    assert "Mars" not in text
