"""Specific questions, one fact each, must be answered by the entry that holds the fact.

tests/data/specific_own.yaml holds 150 questions in everyday voices (typos, slang, one-word
questions, questions inside a story), written from the source material before the entries
were read. Each names the topic that answers it and the fact its answer must carry, so a
change that routes a question to the wrong entry, or drops a fact from an answer, fails here.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.evaluation import evaluate, load_set
from tests.conftest import REPO

# The share answered right, a little under what each set scored when its bar was set:
# specific_own.yaml 0.993 and specific_own2.yaml 0.99 (editors' sets, written before reading
# the entries and then used to fix them); specific_blind2.yaml 0.83 (written by someone who
# never saw the entries, never used to fix them; 0.90 after the next knowledge round);
# specific_blind3 0.83 (used to find causes) and specific_blind4 0.84 (scored once, never tuned);
# after the next round 0.93 and 0.95 (with cancer-registrar labels widened to similar careers);
# specific_blind5 0.78 before that round, then used to find causes, 0.92 after it;
# specific_blind6 0.89 and specific_blind7 0.87, each scored once on that round's final code;
# specific_blind8 0.86 on the code before the next round, 0.89 after it; specific_blind9 0.85,
# scored once on that round's final code (0.83 on the code before it); specific_blind10 0.94
# on the code before the next round, then used to find causes, 0.98 after it; specific_blind11
# 0.88, scored once on that round's final code (0.83 on the code before it); specific_blind14
# 0.80 on the code before the next round, 0.82 scored once on its code, 0.84 after the next
# round used it; specific_blind15 0.86 on the code before its round, 0.87 scored once after;
# specific_blind16 0.89 on the code before the next round, then used to find causes, 0.95;
# specific_blind17 0.92, specific_blind18 0.90, specific_blind19 0.89, specific_blind20 0.89 and
# specific_blind21 0.89, each scored once as the round went on (0.88, 0.85, 0.84, 0.81 and 0.85
# on the code before the round); specific_blind21 on the round's final code; specific_blind22
# 0.87 on the code before the next round, then used to find causes, 0.94; specific_blind23 0.91
# and specific_blind24 0.96, scored once on that round's final code (0.88 and 0.93 before it).
SETS = {"specific_own.yaml": 0.96, "specific_own2.yaml": 0.96, "specific_blind2.yaml": 0.90,
         "specific_blind3.yaml": 0.88, "specific_blind4.yaml": 0.90, "specific_blind5.yaml": 0.89,
         "specific_blind6.yaml": 0.86, "specific_blind7.yaml": 0.84,
         "specific_blind8.yaml": 0.90, "specific_blind9.yaml": 0.85,
         "specific_blind10.yaml": 0.95, "specific_blind11.yaml": 0.85,
         "specific_blind14.yaml": 0.82, "specific_blind15.yaml": 0.85,
         "specific_blind16.yaml": 0.92, "specific_blind17.yaml": 0.90,
         "specific_blind18.yaml": 0.88, "specific_blind19.yaml": 0.87,
         "specific_blind20.yaml": 0.88, "specific_blind21.yaml": 0.87,
         "specific_blind22.yaml": 0.92, "specific_blind23.yaml": 0.89,
         "specific_blind24.yaml": 0.94}


@pytest.mark.parametrize("name", sorted(SETS))
def test_specific_questions_get_the_entry_with_their_fact(engine: Engine, name: str) -> None:
    report = evaluate(engine, load_set(REPO / "tests" / "data" / name))
    misses = "\n".join(f"{o.question!r}: expected {o.expected}, {o.why}"
                       for o in report.outcomes if not o.ok)
    assert len(report.outcomes) >= 100  # enough questions to mean something
    assert all(o.expected != ("fallback",) for o in report.outcomes)  # all in scope
    assert report.accuracy >= SETS[name], misses
