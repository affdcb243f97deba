"""The phrase spotter finds what users name (careers, levels, schools), typos included."""

from __future__ import annotations

from bot.matching import normalise
from bot.phrases import PhraseSpotter

SPOTTER = PhraseSpotter(
    [
        ("level", "associate", "associate degree"),
        ("level", "associate", "associate"),
        ("level", "master", "master's"),
        ("occupation", "dentist", "dentist"),
        ("subject", "medical school", "med school"),
        ("career", "coder", "medical coder"),
        ("career", "coder", "medical records and health information technician"),
    ],
    known_words=["me", "show", "schools", "how", "much", "does", "a", "make"],
)


def spots(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.value) for s in SPOTTER.find(normalise(text).split())]


def test_longest_phrase_wins_and_plurals_match() -> None:
    assert spots("associate degrees for medical coders") == [
        ("level", "associate"), ("career", "coder")]
    found = SPOTTER.find(normalise("a medical records and health information technician").split())
    assert [(s.start, s.end) for s in found] == [(1, 7)]


def test_typos_are_found() -> None:
    assert spots("asociate programs") == [("level", "associate")]
    assert spots("how much does a dentst make") == [("occupation", "dentist")]


def test_known_words_are_not_treated_as_typos() -> None:
    assert spots("show me schools") == []  # not "med school"


def test_phrase_cut_off_at_the_end_is_not_a_match() -> None:
    assert spots("medical") == []
