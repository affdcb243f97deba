"""Typo tolerance: map misspelt message words to the nearest index word.

Only words that are neither index words nor common English words are corrected: "bake",
"bread" or "music" are real words the patterns happen not to use, and rewriting them into a
pattern word one letter away ("take", "read", "home") made the bot answer questions nobody
asked. Such words stay as they are and count as unknown content words instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matching.english_data import WORDS

MIN_LENGTH = 4  # shorter words have too many neighbours one edit away ("pay" -> "day")
CACHE_SIZE = 50_000
SCAN_WORDS_PER_LETTER = 100  # measured break-even between a scan and one-edit variants


@cache
def english_words() -> frozenset[str]:
    """About 40,000 common English words (SCOWL size 35, see english_data.py)."""
    return frozenset(WORDS.split())


def max_edits(word: str) -> int:
    """Edits allowed for ``word``: 1 up to 7 letters, 2 from 8 ("requirments", "certifcation").

    OSA distance counts a swap of neighbours as one edit ("shcools" -> "schools").
    """
    return 1 if len(word) < 8 else 2


def _by_length(words: Iterable[str]) -> dict[int, list[str]]:
    buckets: dict[int, list[str]] = defaultdict(list)
    for word in words:
        buckets[len(word)].append(word)
    return buckets


class SpellingCorrector:
    """Corrects words that neither the index nor English knows; known words are left alone."""

    def __init__(self, vocabulary: Iterable[str],
                 english: Collection[str] | None = None) -> None:
        counts = Counter(vocabulary)
        self._frequency = counts
        self._english = english_words() if english is None else english
        # Only alphabetic words are targets: "2024" must never become "2023". Grouped by
        # length, because a word within k edits differs in length by at most k: a query scans
        # a few buckets, not the whole vocabulary (first-sight latency).
        self._vocabulary = _by_length(w for w in counts if len(w) >= MIN_LENGTH - 1
                                      and w.isalpha())
        self._targets = frozenset(w for words in self._vocabulary.values() for w in words)
        self._cache: dict[str, str] = {}

    def __contains__(self, word: str) -> bool:
        return word in self._frequency

    def correct(self, word: str) -> str:
        """Return the closest vocabulary word within the allowed edits, else ``word``."""
        if (word in self._frequency or len(word) < MIN_LENGTH or word in self._english
                or not word.isalpha()):
            return word
        if word.endswith("s") and word[:-1] in self._frequency:
            # A plural of a known word ("cpcs"; "shcools" of the listed slip "shcool") is that
            # word, not a correction into another one: the synonyms then read it as usual.
            return word[:-1]
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        result = self._nearest(word)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()  # bounded memory; a cold cache only costs a few microseconds
        self._cache[word] = result
        return result

    def _nearest(self, word: str) -> str:
        # Two ways to find the candidates, whichever is cheaper for this word (first-sight
        # latency): scanning the vocabulary words of nearby lengths (~0.1 us a word), or
        # generating the word's one-edit variants (~11 us a letter) and intersecting them with
        # the vocabulary, then scanning only if nothing is one edit away and two are allowed.
        limit = max_edits(word)
        size = len(word)
        pool = sum(len(self._vocabulary.get(n, ())) for n in range(size - limit, size + limit + 1))
        candidates: list[tuple[str, int]]
        if pool < SCAN_WORDS_PER_LETTER * size:
            candidates = _near(word, self._vocabulary, limit)
        else:
            candidates = [(w, 1) for w in _edits1(word) & self._targets]
            if not candidates and limit > 1:
                candidates = _near(word, self._vocabulary, limit)
        # A two-edit guess must keep the first letter: slips rarely hit it, while real words
        # two edits from a pattern word often differ there ("shrinking" is not "thinking").
        candidates = [c for c in candidates if c[1] < 2 or c[0][0] == word[0]]
        if not candidates:
            return word
        # Fewest edits first; then a candidate that keeps the last letter ("maket" is "market"
        # with a letter left out, not "make" with one added); then the word patterns use most;
        # then the first in alphabetical order, so a tie never depends on set order (which
        # changes from one run of Python to the next).
        best, distance = min(
            candidates,
            key=lambda c: (c[1], c[0][-1] != word[-1], -self._frequency[c[0]], c[0]))
        # Two edits away from a pattern word but one from an English word: more likely a slip
        # on that English word, which the index does not know either.
        if distance > 1 and not _edits1(word).isdisjoint(self._english):
            return word
        return best


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits1(word: str) -> set[str]:
    """Every string one OSA edit from ``word``: a letter deleted, swapped with its neighbour,
    replaced or inserted (Norvig's spelling corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    out.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    out.update(a + c + b for a, b in splits for c in _LETTERS)
    out.discard(word)
    return out


def _near(word: str, buckets: dict[int, list[str]], limit: int) -> list[tuple[str, int]]:
    """Words of ``buckets`` within ``limit`` OSA edits of ``word``, with their distance."""
    size = len(word)
    found: list[tuple[str, int]] = []
    for length in range(size - limit, size + limit + 1):
        choices = buckets.get(length)
        if choices:
            found += ((c, int(d)) for c, d, _ in process.extract(
                word, choices, scorer=OSA.distance, processor=None, score_cutoff=limit,
                limit=None))
    return found
