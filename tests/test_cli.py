"""The command line as users and the scorer drive it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, cwd=REPO, timeout=60,
                          env={**os.environ, **(env or {})})


def test_ask_json_protocol_keeps_chats_apart() -> None:
    lines = [
        {"chat": "a", "text": "how much do medical coders make"},
        {"chat": "b", "text": "which schools do you suggest"},
        {"chat": "a", "text": "what about insurance companies?"},
        {"chat": "b", "text": "only master's"},
        {"chat": "c", "text": "what about insurance companies?"},
    ]
    result = _run("ask", "--json", stdin="".join(json.dumps(x) + "\n" for x in lines))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["chat"] for o in out] == ["a", "b", "a", "b", "c"]
    for record in out:
        assert {"chat", "text", "intent", "intents", "confidence", "answer",
                "suggestions"} <= record.keys()
        assert 0.0 <= record["confidence"] <= 1.0
        assert all({"label", "payload"} <= s.keys() for s in record["suggestions"])
        assert "<b>" not in record["answer"]
    assert out[2]["intent"] == "salary" and "insurance" in out[2]["answer"].lower()
    assert out[3]["intent"] == "schools" and "Wake Forest" in out[3]["answer"]
    assert "Purdue Global" not in out[3]["answer"]


def test_ask_json_answers_every_line_even_garbage() -> None:
    stdin = 'not json\n{"chat": "x", "text": 5}\n{"chat": "y", "text": "hi"}\n'
    result = _run("ask", "--json", stdin=stdin)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3
    assert out[2]["intent"] == "greeting"


def test_ask_plain_prints_the_answer() -> None:
    result = _run("ask", "what skills do I need")
    assert result.returncode == 0
    assert "detail" in result.stdout.lower()


def test_chat_numbers_pick_suggestions() -> None:
    result = _run("chat", stdin="how much do coders earn\n1\nquit\n")
    assert result.returncode == 0
    assert "$" in result.stdout
    assert "[1]" in result.stdout


def test_eval_reports_accuracy_and_misses(tmp_path: Path) -> None:
    labelled = tmp_path / "set.yaml"
    labelled.write_text(
        "single:\n"
        "  - {q: 'how much do coders make', expect: [salary], contains_any: ['$']}\n"
        "  - {q: 'how much do coders make', expect: [schools]}\n"
        "oos:\n  - 'who won the football game'\n", encoding="utf-8")
    result = _run("eval", str(labelled))
    assert result.returncode == 0
    assert "accuracy: 0.667 (2/3)" in result.stdout
    assert "'how much do coders make': expected schools, got 'salary'" in result.stdout
    strict = _run("eval", str(labelled), "--min-accuracy", "0.9")
    assert strict.returncode == 1


def test_knowledge_dir_from_environment(tmp_path: Path) -> None:
    result = _run("ask", "hi", env={"CAREERBOT_KNOWLEDGE_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "no career files" in result.stderr


def test_data_options_work_before_and_after_the_command(
    data_copy: tuple[Path, Path], tmp_path: Path
) -> None:
    knowledge, intents = data_copy
    after = _run("check", "--knowledge", str(knowledge), "--intents", str(intents))
    assert after.returncode == 0, after.stderr
    assert after.stdout.splitlines()[-1].startswith("ok: 1 career(s)")
    (knowledge / "careers" / "medical-coding-specialist.yaml").unlink()
    for args in (["check", "--knowledge", str(knowledge)],
                 ["--knowledge", str(knowledge), "check"],
                 ["--knowledge", str(tmp_path / "other"), "check", "--knowledge", str(knowledge)],
                 ["ask", "hi", "--intents", str(intents), "--knowledge", str(knowledge)]):
        broken = _run(*args)
        assert broken.returncode == 1, args
        assert f"{knowledge / 'careers'}:0: no career files" in broken.stdout + broken.stderr, args
