"""Typo tolerance: map out-of-vocabulary message words to the nearest index word."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 4  # shorter words have too many neighbours one edit away ("pay" -> "day")
CACHE_SIZE = 50_000


def max_edits(word: str) -> int:
    """Edits allowed for ``word``: 1 up to 7 letters, 2 from 8 ("requirments", "certifcation").

    OSA distance counts a swap of neighbours as one edit ("shcools" -> "schools").
    """
    return 1 if len(word) < 8 else 2


class SpellingCorrector:
    """Corrects words that the index has never seen; known words are left alone."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        counts = Counter(vocabulary)
        self._frequency = counts
        # Only alphabetic words are targets: "2024" must never become "2023".
        self._choices = [w for w in counts if len(w) >= MIN_LENGTH - 1 and w.isalpha()]
        self._cache: dict[str, str] = {}

    def __contains__(self, word: str) -> bool:
        return word in self._frequency

    def correct(self, word: str) -> str:
        """Return the closest vocabulary word within the allowed edits, else ``word``."""
        if word in self._frequency or len(word) < MIN_LENGTH or not word.isalpha():
            return word
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        limit = max_edits(word)
        candidates = process.extract(word, self._choices, scorer=OSA.distance, processor=None,
                                     score_cutoff=limit, limit=8)
        # Fewest edits first; among equals the word the patterns use most.
        best = min(candidates, key=lambda c: (c[1], -self._frequency[c[0]]), default=None)
        result = word if best is None else best[0]
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()  # bounded memory; a cold cache only costs a few microseconds
        self._cache[word] = result
        return result
