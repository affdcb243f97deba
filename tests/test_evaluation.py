"""`career-bot eval`: accuracy, misses, and the calibration view an editor tunes with."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main

SET = """
single:
  - {q: "how much do medical coders make", expect: [salary], contains_any: ["$"]}
  - {q: "do coders need a license", expect: [licensure]}
  - {q: "what schools offer coding programs", expect: [schools]}
oos:
  - "how much do plumbers make"
  - "what's the weather like"
"""


def test_eval_shows_confidence_histograms_and_the_best_threshold(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(SET, encoding="utf-8")
    assert main(["eval", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accuracy: 1.000 (5/5)")
    assert "in scope and right | out of scope" in out
    rows = re.findall(r"^\s+(0\.\d)-(\d\.\d)\s+(\d+) .*\|\s+(\d+)", out, flags=re.M)
    assert len(rows) == 10
    assert sum(int(r[2]) for r in rows) == 3 and sum(int(r[3]) for r in rows) == 2
    assert re.search(r"the threshold that maximises the sum on this set: 0\.\d\d", out)
    assert "<- now" in out


def test_eval_min_accuracy_fails_below_the_bar(tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text("single:\n  - {q: \"how much do coders make\", expect: [schools]}\n",
                    encoding="utf-8")
    assert main(["eval", str(path), "--min-accuracy", "0.5"]) == 1
