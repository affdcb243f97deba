"""The project's own labelled questions (tests/data/*.yaml) gate the suite.

They are written apart from the intent patterns and from the shared dev set, so a drop here
means the bot understands real questions worse, not that a pattern moved.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.evaluation import evaluate, load_set
from tests.conftest import REPO

# Per set: the least share of in-scope and of out-of-scope questions answered right. The blind
# sets' bars sit a little under what they scored, so a change that makes the bot understand
# real questions worse fails here.
BARS = {
    "labelled.yaml": (0.90, 0.90),
    "paraphrases.yaml": (0.90, 0.90),
    "blind1.yaml": (0.93, 0.97),
    "blind3.yaml": (0.95, 0.97),
    "blind4.yaml": (0.95, 0.97),
    "blind5.yaml": (0.95, 0.96),
    "blind6.yaml": (0.94, 0.96),
    "blind7.yaml": (0.93, 0.97),  # scored once: 0.932 / 0.970; then used to find causes
    "blind8.yaml": (0.92, 0.96),  # scored once: 0.935 / 0.979
    "blind9.yaml": (0.89, 0.93),  # scored once: 0.911 / 0.946
    "blind11.yaml": (0.91, 0.93),  # scored once on the final code: 0.927 / 0.926
    "blind10.yaml": (0.88, 0.95),  # 0.875 / 0.926 on the code before it; then 0.886 / 0.958
    # blind12: 0.937 / 0.978 on the code before it, then used to find causes: 0.960 / 0.989
    "blind12.yaml": (0.94, 0.97),
    "blind13.yaml": (0.93, 0.97),  # scored once on the final code: 0.951 / 0.989
    "blind16.yaml": (0.91, 0.94),  # 0.931 / 0.954 before its round, 0.929 / 0.954 scored once
    "blind17.yaml": (0.89, 0.96),  # 0.896 / 0.914 scored once; 0.907 / 0.981 a round later
    "blind18.yaml": (0.95, 0.95),  # 0.950 / 0.963 before its round, then used: 0.970 / 0.971
    "blind19.yaml": (0.95, 0.94),  # scored once mid-round: 0.964 / 0.956; then used: 0.973 / 0.964
    "blind21.yaml": (0.93, 0.95),  # scored once mid-round: 0.949 / 0.969; then used: 0.953 / 0.969
    "blind22.yaml": (0.91, 0.95),  # scored once: 0.927 / 0.970; after the last fixes 0.931
    "blind23.yaml": (0.94, 0.96),  # scored once: 0.956 / 0.978
    "blind24.yaml": (0.94, 0.97),  # scored once on the round's final code: 0.953 / 0.993
    # blind25: 0.947 / 0.947 on the code before its round, then used to find causes: 0.973 / 1.0
    "blind25.yaml": (0.96, 0.98),
    "blind26.yaml": (0.94, 0.98),  # scored once on the round's final code: 0.958 / 1.0
    "blind27.yaml": (0.96, 0.97),  # scored once on the round's final code: 0.976 / 0.985
    # blind20 (turns and multi): 0.943 / 1.0 on the code before its round and mid-round, then
    # used to find causes: 0.959 / 1.0
    "blind20.yaml": (0.94, 0.97),
}


@pytest.mark.parametrize("name", sorted(BARS))
def test_labelled_questions(engine: Engine, name: str) -> None:
    min_in_scope, min_out_of_scope = BARS[name]
    report = evaluate(engine, load_set(REPO / "tests" / "data" / name))
    oos = [o for o in report.outcomes if o.expected == ("fallback",)]
    in_scope = [o for o in report.outcomes if o.expected != ("fallback",)]
    misses = "\n".join(f"{o.question!r}: expected {o.expected}, {o.why}"
                       for o in report.outcomes if not o.ok)
    assert len(in_scope) >= 80 and len(oos) >= 20  # enough questions to mean something
    assert sum(o.ok for o in in_scope) / len(in_scope) >= min_in_scope, misses
    assert sum(o.ok for o in oos) / len(oos) >= min_out_of_scope, misses
