"""Sparse features of a token list: stemmed word unigrams and bigrams, and character n-grams.

Word features carry meaning and word order; character n-grams (inside word boundaries) make
misspellings and word forms overlap ("certifcation" shares most n-grams with "certification").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, pairwise

CHAR_MIN, CHAR_MAX = 3, 4  # n-gram lengths (see MATCHING.md)

# Function words: never reported as unknown content words. Kept as features, where IDF already
# gives them little weight.
_STOPWORDS = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
get got had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own please same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
tell know want need like much many also ok okay well really let us going go gonna one
"""
STOPWORDS = frozenset(_STOPWORDS.split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stemmer: plural -s/-es/-ies, -ing and -ed, so word forms share a feature.

    Deliberately conservative (no dictionary): it only has to make "schools"/"school" and
    "paying"/"pay" meet, and a wrong cut costs little because character n-grams still match.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and len(word) > 4:
        return word[:-2]
    return word


def word_features(words: Sequence[str]) -> Counter[str]:
    """Counts of stemmed unigrams (``w:``) and adjacent bigrams (``b:``)."""
    stems = list(map(stem, words))
    features = ["w:" + s for s in stems]  # list comprehensions: cheaper than generators here
    features += [f"b:{a} {b}" for a, b in pairwise(stems)]
    return Counter(features)


@lru_cache(maxsize=65536)
def grams(word: str) -> tuple[str, ...]:
    """The character n-grams of `` word `` in order, repeats included."""
    padded = f" {word} "
    return tuple(padded[i : i + n]
                 for n in range(CHAR_MIN, CHAR_MAX + 1)
                 for i in range(len(padded) - n + 1))


@lru_cache(maxsize=65536)
def char_ngrams(word: str) -> tuple[tuple[str, int], ...]:
    """Counts of the character n-grams of `` word `` (padded, so word starts/ends are marked)."""
    return tuple(Counter(grams(word)).items())


def char_features(words: Sequence[str]) -> Counter[str]:
    """Character n-gram counts of all ``words``."""
    return Counter(chain.from_iterable(map(grams, words)))
