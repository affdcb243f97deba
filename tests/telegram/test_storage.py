"""SQLite storage, pseudonymous keys, retention and the unanswered report."""

from __future__ import annotations

import io
import sqlite3
import stat
import time

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


def test_unanswered_questions_are_grouped_and_capped_in_sql(tmp_path):
    store = SqliteStorage(tmp_path)
    for i in range(50):
        store.record_turn(turn(text=f"Question number {i}?"))
    for text in ("Is there a union?", "is there a union", "IS THERE A UNION!!"):
        store.record_turn(turn(text=text))
    top = store.unanswered_texts(limit=3)
    assert len(top) == 3
    assert top[0][1] == 3 and top[0][0].lower().startswith("is there a union")
    store.close()


def test_a_database_of_the_first_schema_is_upgraded_in_place(tmp_path):
    old = sqlite3.connect(tmp_path / "careerbot.sqlite3")
    old.executescript("""
        CREATE TABLE states (chat_key TEXT PRIMARY KEY, state TEXT NOT NULL, updated REAL NOT NULL);
        CREATE TABLE events (ts REAL NOT NULL, intent TEXT NOT NULL, answered INTEGER NOT NULL);
        CREATE TABLE feedback (ts REAL NOT NULL, user_key TEXT NOT NULL, intent TEXT NOT NULL,
                               helpful INTEGER NOT NULL);
        CREATE TABLE unanswered (ts REAL NOT NULL, user_key TEXT NOT NULL, text TEXT NOT NULL);
    """)
    now = time.time()
    old.execute("INSERT INTO states VALUES ('c1', ?, ?)", ('{"topic": "salary"}', now))
    old.execute("INSERT INTO unanswered VALUES (?, 'u1', 'Union?')", (now,))
    old.execute("INSERT INTO unanswered VALUES (?, 'u2', 'union')", (now,))
    old.execute("INSERT INTO feedback VALUES (?, 'u1', 'salary', 1)", (now,))
    old.commit()
    old.close()
    store = SqliteStorage(tmp_path)
    assert store.load_state("c1") == {"topic": "salary"}
    assert store.unanswered_texts() == [("Union?", 2)]
    assert store.stats().feedback_up == 1
    store.record_feedback("u1", "salary", False, answer_key="c1:5")
    store.record_feedback("u1", "salary", False, answer_key="c1:5")
    assert store.stats().feedback_down == 1
    store.close()
