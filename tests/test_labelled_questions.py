"""The project's own labelled questions (tests/data/labelled.yaml) gate the suite.

They are written apart from the intent patterns and from the shared dev set, so a drop here
means the bot understands real questions worse, not that a pattern moved.
"""

from __future__ import annotations

from bot.engine import Engine
from bot.evaluation import evaluate, load_set
from tests.conftest import REPO

MIN_IN_SCOPE = 0.90
MIN_OUT_OF_SCOPE = 0.90


def test_labelled_questions(engine: Engine) -> None:
    report = evaluate(engine, load_set(REPO / "tests" / "data" / "labelled.yaml"))
    oos = [o for o in report.outcomes if o.expected == ("fallback",)]
    in_scope = [o for o in report.outcomes if o.expected != ("fallback",)]
    misses = "\n".join(f"{o.question!r}: expected {o.expected}, {o.why}"
                       for o in report.outcomes if not o.ok)
    assert len(in_scope) >= 80 and len(oos) >= 20
    assert sum(o.ok for o in in_scope) / len(in_scope) >= MIN_IN_SCOPE, misses
    assert sum(o.ok for o in oos) / len(oos) >= MIN_OUT_OF_SCOPE, misses
