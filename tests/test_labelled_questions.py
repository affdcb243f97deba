"""The project's own labelled questions (tests/data/*.yaml) gate the suite.

They are written apart from the intent patterns and from the shared dev set, so a drop here
means the bot understands real questions worse, not that a pattern moved.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.evaluation import evaluate, load_set
from tests.conftest import REPO

MIN_IN_SCOPE = 0.90
MIN_OUT_OF_SCOPE = 0.90


@pytest.mark.parametrize("name", ["labelled.yaml", "paraphrases.yaml"])
def test_labelled_questions(engine: Engine, name: str) -> None:
    report = evaluate(engine, load_set(REPO / "tests" / "data" / name))
    oos = [o for o in report.outcomes if o.expected == ("fallback",)]
    in_scope = [o for o in report.outcomes if o.expected != ("fallback",)]
    misses = "\n".join(f"{o.question!r}: expected {o.expected}, {o.why}"
                       for o in report.outcomes if not o.ok)
    assert len(in_scope) >= 80 and len(oos) >= 20  # enough questions to mean something
    assert sum(o.ok for o in in_scope) / len(in_scope) >= MIN_IN_SCOPE, misses
    assert sum(o.ok for o in oos) / len(oos) >= MIN_OUT_OF_SCOPE, misses
