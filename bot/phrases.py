"""Find known phrases (career aliases, school names, levels, detail keywords) in a message.

Exact matches are a set lookup per word window. Only windows containing a likely typo (a word
of four or more letters that is neither part of a phrase nor a word the bot knows) are
compared fuzzily, so clean messages cost almost nothing, "me schools" never turns into
"med school", and typos ("asociate", "insurence") are still found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.matching import normalise

_MIN_FUZZY_CHARS = 6  # shorter windows must match exactly: "vet" is not "yet"
_MIN_TYPO_CHARS = 4  # shorter words are never treated as typos
_FUZZY_CUTOFF = 86.0


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _key(words: Iterable[str]) -> str:
    return " ".join(_singular(w) for w in words)


@dataclass(frozen=True, slots=True)
class Spot:
    """A phrase found in a message: what it stands for and which words it covered."""

    kind: str
    value: str
    start: int
    end: int  # exclusive word index


class PhraseSpotter:
    """An index of phrases, each tagged with (kind, value), e.g. ("level", "associate")."""

    def __init__(self, phrases: Iterable[tuple[str, str, str]],
                 known_words: Iterable[str] = ()) -> None:
        self._by_key: dict[str, tuple[str, str]] = {}
        self._by_length: dict[int, list[str]] = {}
        self._words: set[str] = set()
        for kind, value, phrase in phrases:
            words = normalise(phrase).split()
            if not words:
                continue
            key = _key(words)
            self._by_key.setdefault(key, (kind, value))
            self._by_length.setdefault(len(words), []).append(key)
            self._words.update(key.split())
        self._max_len = max(self._by_length, default=0)
        self._known = self._words | {_singular(w) for w in known_words}

    def find(self, words: list[str]) -> list[Spot]:
        """Return non-overlapping spots in ``words`` (normalised tokens), longest first."""
        if not words or not self._max_len:
            return []
        keys = [_singular(w) for w in words]
        typo = [len(k) >= _MIN_TYPO_CHARS and k not in self._known for k in keys]
        spots: list[Spot] = []
        taken = [False] * len(words)
        for n in range(min(self._max_len, len(words)), 0, -1):
            candidates = self._by_length.get(n)
            if not candidates:
                continue
            for start in range(len(words) - n + 1):
                if any(taken[start:start + n]):
                    continue
                window = " ".join(keys[start:start + n])
                hit = self._by_key.get(window)
                if hit is None and any(typo[start:start + n]) and len(window) >= \
                        _MIN_FUZZY_CHARS:
                    best = process.extractOne(window, candidates, scorer=fuzz.ratio,
                                              processor=None, score_cutoff=_FUZZY_CUTOFF)
                    if best is not None:
                        hit = self._by_key[best[0]]
                if hit is not None:
                    spots.append(Spot(hit[0], hit[1], start, start + n))
                    for i in range(start, start + n):
                        taken[i] = True
        spots.sort(key=lambda s: s.start)
        return spots
