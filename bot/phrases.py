"""Find known phrases (career aliases, school names, levels, detail keywords) in a message.

Exact matches are a set lookup per word window. Only windows containing a likely typo (a word
of four or more letters that is neither part of a phrase nor a word the bot knows) are
compared fuzzily, so clean messages cost almost nothing, "me schools" never turns into
"med school", and typos ("asociate", "insurence") are still found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.matching import normalise

_MIN_FUZZY_CHARS = 6  # shorter windows must match exactly: "vet" is not "yet"
_MIN_TYPO_CHARS = 4  # shorter words are never treated as typos
_FUZZY_CUTOFF = 86.0
_NEAR_SIZES_CACHE = 4096  # (words, first letter, length) shortlists kept; each is a few dozen


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("men"):
        return word[:-3] + "man"  # "linemen", "firemen"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


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
                 known_words: Iterable[str] = (),
                 normaliser: Callable[[str], str] = normalise) -> None:
        """``normaliser``: ``normalise``, or a memo of it the caller already filled."""
        self._by_key: dict[str, tuple[str, str]] = {}
        self._by_length: dict[tuple[int, str], list[str]] = {}
        # Phrase lengths by first word, longest first: exact matching is one lookup per word.
        self._lengths_by_first: dict[str, list[int]] = {}
        words: set[str] = set()
        for kind, value, phrase in phrases:
            tokens = normaliser(phrase).split()
            if not tokens:
                continue
            singular = list(map(_singular, tokens))  # the words of the key, split once
            key = " ".join(singular)
            if key in self._by_key:
                continue
            self._by_key[key] = (kind, value)
            self._by_length.setdefault((len(tokens), key[0]), []).append(key)
            lengths = self._lengths_by_first.setdefault(singular[0], [])
            if len(tokens) not in lengths:
                lengths.append(len(tokens))
                lengths.sort(reverse=True)
            words.update(singular)
        self._fuzzy_lengths = sorted({n for n, _ in self._by_length}, reverse=True)
        self._near_sizes: dict[tuple[int, str, int], list[str]] = {}
        self._known = words | {_singular(w) for w in known_words}

    def find(self, words: list[str]) -> list[Spot]:
        """Return non-overlapping spots in ``words`` (normalised tokens), longest first."""
        keys = [_singular(w) for w in words]
        found: list[tuple[int, int, tuple[str, str]]] = []  # (length, start, hit)
        for start, first in enumerate(keys):
            for n in self._lengths_by_first.get(first, ()):
                if start + n > len(keys):
                    continue
                hit = self._by_key.get(" ".join(keys[start:start + n]))
                if hit is not None:
                    found.append((n, start, hit))
                    break
        found.sort(key=lambda f: (-f[0], f[1]))
        taken = [False] * len(keys)
        spots: list[Spot] = []
        for n, start, hit in found:
            if not any(taken[start:start + n]):
                spots.append(Spot(hit[0], hit[1], start, start + n))
                taken[start:start + n] = [True] * n
        for i, key in enumerate(keys):
            if not taken[i] and len(key) >= _MIN_TYPO_CHARS and key not in self._known:
                self._fuzzy_around(i, keys, taken, spots)
        spots.sort(key=lambda s: s.start)
        return spots

    def _fuzzy_around(self, i: int, keys: list[str], taken: list[bool],
                      spots: list[Spot]) -> None:
        """Try windows containing the likely typo at ``i``, longest first."""
        for n in self._fuzzy_lengths:
            for start in range(max(0, i - n + 1), min(i, len(keys) - n) + 1):
                # No phrase of n words starts with this letter: skip before building anything.
                if (n, keys[start][0]) not in self._by_length or any(taken[start:start + n]):
                    continue
                window = " ".join(keys[start:start + n])
                if len(window) < _MIN_FUZZY_CHARS:
                    continue
                # Phrases of the same length and first letter: typos rarely hit the first
                # letter, and the phrase list (thousands of occupations) stays small to scan.
                candidates = self._near_size(n, window[0], len(window))
                # Short words are initials or function words, never typos: "cca certfication"
                # is not "cna certification".
                short = [(j, w) for j, w in enumerate(keys[start:start + n])
                         if len(w) < _MIN_TYPO_CHARS]
                if short:
                    candidates = [c for c in candidates
                                  if all(c.split()[j] == w for j, w in short)]
                if not candidates:
                    continue
                best = process.extractOne(window, candidates, scorer=fuzz.ratio,
                                          processor=None, score_cutoff=_FUZZY_CUTOFF)
                if best is not None:
                    kind, value = self._by_key[best[0]]
                    spots.append(Spot(kind, value, start, start + n))
                    taken[start:start + n] = [True] * n
                    return

    def _near_size(self, n: int, first: str, size: int) -> list[str]:
        """The phrases of ``n`` words and first letter ``first`` whose length lets fuzz.ratio
        reach the cutoff against a window of ``size`` characters, in their listed order.

        fuzz.ratio is 100 x (1 - indel distance / total length), and the distance is at least
        the difference in length, so the others can never match: leaving them out changes no
        result (ties still go to the first listed) and spares rapidfuzz most of a long list.
        """
        key = (n, first, size)
        shortlist = self._near_sizes.get(key)
        if shortlist is None:
            shortlist = [c for c in self._by_length.get((n, first), ())
                         if _reachable(size, len(c))]
            if len(self._near_sizes) >= _NEAR_SIZES_CACHE:
                self._near_sizes.clear()
            self._near_sizes[key] = shortlist
        return shortlist


def _reachable(size: int, other: int) -> bool:
    """Whether texts of these lengths can score _FUZZY_CUTOFF (half a point of slack)."""
    return 100.0 * (1.0 - abs(size - other) / (size + other)) >= _FUZZY_CUTOFF - 0.5
