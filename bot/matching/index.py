"""The intent index: patterns in, ranked intents with a confidence in 0..1 out.

How a message is scored (details in benchmarks/MATCHING.md):

1. The message is normalised, misspelt words are corrected to index words, synonyms are
   rewritten to their canonical word (patterns went through the same steps at build).
2. It becomes a TF-IDF vector of stemmed words, word pairs and character n-grams; words that
   many patterns share (``how``, ``the``) weigh little, rare telling words weigh a lot.
3. Each intent is scored twice from statistics counted at build time (no training):
   the cosine between the message and the intent's centroid (the sum of its patterns'
   vectors), and a multinomial naive-Bayes log-likelihood of the message's features under the
   intent's feature distribution, which rewards features that are typical of *this* intent
   and rare in others. The ranking uses the cosine plus a small share of the log-likelihood
   gap to the best intent.
4. The confidence is the winner's softmax share of the intent scores (a close runner-up lowers
   it), times how closely its nearest pattern is worded, times a penalty for content words that
   no pattern has ever used.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import add

from rapidfuzz import fuzz, process

from bot.matching.features import STOPWORDS, char_features, char_ngrams, stem, word_features
from bot.matching.normalize import normalise, tokens
from bot.matching.spelling import SpellingCorrector
from bot.matching.synonyms import SynonymRewriter

# Chosen by small sweeps on CLINC150 (n-gram range, NB_ALPHA, NB_SHARE were compared on test
# accuracy in early prototypes; TEMPERATURE and UNKNOWN_POWER on the validation split only).
WORD_WEIGHT = 1.0  # relative weight of the word block vs the character block
CHAR_WEIGHT = 1.0
NB_ALPHA = 0.03  # naive-Bayes smoothing, in units of summed normalised feature weight
NB_SHARE = 0.05  # how much of the naive-Bayes log-likelihood enters the ranking
TEMPERATURE = 0.1  # softmax temperature turning score gaps between intents into a share
UNKNOWN_POWER = 0.5  # confidence *= (known share of content-word weight) ** UNKNOWN_POWER
TOKEN_CACHE_SIZE = 20_000

# Per feature: intent numbers and their weights (centroid cosine weight + NB_SHARE x
# naive-Bayes weight).
Posting = tuple[tuple[int, ...], tuple[float, ...]]


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked intent: its id, a confidence in 0..1, and the pattern that scored best.

    ``unknown_words`` are the message's content words that no pattern uses (after spelling
    correction); the same for every match of one message.
    """

    intent: str
    score: float
    pattern: str = ""
    unknown_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Query:
    words: list[str]
    text: str


class IntentIndex:
    """An index over intent patterns, built once at load, queried once per message."""

    def __init__(
        self,
        intents: list[str],
        patterns: list[list[str]],
        postings: dict[str, Posting],
        idf: dict[str, float],
        unknown_idf: float,
        nb_bias: list[float],
        vocabulary: set[str],
        speller: SpellingCorrector,
        rewriter: SynonymRewriter,
    ) -> None:
        self._intents = intents
        self._patterns = patterns  # per intent: its patterns, normalised and rewritten
        self._postings = postings
        self._idf = idf
        self._unknown_idf = unknown_idf
        self._nb_bias = nb_bias
        self._vocabulary = vocabulary
        self._stems = {stem(w) for w in vocabulary}
        self._speller = speller
        self._rewriter = rewriter
        self._token_cache: dict[str, tuple[float, ...]] = {}
        self._word_scale = WORD_WEIGHT / math.hypot(WORD_WEIGHT, CHAR_WEIGHT)
        self._char_scale = CHAR_WEIGHT / math.hypot(WORD_WEIGHT, CHAR_WEIGHT)

    @classmethod
    def build(
        cls,
        examples: Mapping[str, Sequence[str]],
        synonyms: Mapping[str, Sequence[str]] | None = None,
    ) -> IntentIndex:
        """Index ``examples`` (intent id -> example phrasings).

        ``synonyms`` maps a canonical word to the words and phrases that mean the same
        (``{"salary": ["earn", "make", "pay"]}``); both patterns and messages are rewritten
        to the canonical word before scoring.
        """
        rewriter = SynonymRewriter(synonyms)
        intents = list(examples)
        vocabulary_counts: list[str] = sorted(rewriter.words)
        patterns: list[list[str]] = []
        analysed: list[tuple[int, Counter[str], Counter[str]]] = []
        df: dict[str, int] = defaultdict(int)
        for number, intent in enumerate(intents):
            texts: list[str] = []
            for text in examples[intent]:
                raw = tokens(normalise(text))
                words = rewriter.rewrite(raw)
                if not words:
                    continue
                vocabulary_counts += raw
                vocabulary_counts += words
                texts.append(" ".join(words))
                wf, cf = word_features(words), char_features(words)
                for feature in wf.keys() | cf.keys():
                    df[feature] += 1
                analysed.append((number, wf, cf))
            patterns.append(texts)

        n = len(analysed)
        idf = {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()}
        word_scale = WORD_WEIGHT / math.hypot(WORD_WEIGHT, CHAR_WEIGHT)
        char_scale = CHAR_WEIGHT / math.hypot(WORD_WEIGHT, CHAR_WEIGHT)
        centroids: list[defaultdict[str, float]] = [defaultdict(float) for _ in intents]
        for number, wf, cf in analysed:
            centroid = centroids[number]
            # Each pattern adds its unit-length vector (per block), so long patterns do not
            # outweigh short ones. Word counts are dampened (1 + log tf); n-gram counts are not,
            # which keeps the character block linear (see _scores).
            wv = {f: (1.0 + math.log(c)) * idf[f] for f, c in wf.items()}
            k = word_scale / math.sqrt(sum(v * v for v in wv.values()))
            for f, v in wv.items():
                centroid[f] += k * v
            k = char_scale / math.sqrt(sum((c * idf[f]) ** 2 for f, c in cf.items()))
            for f, c in cf.items():
                centroid[f] += k * c * idf[f]

        grouped: dict[str, tuple[list[int], list[float]]] = {}
        nb_bias: list[float] = []
        smoothing = NB_ALPHA * len(idf)
        for number, centroid in enumerate(centroids):
            norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
            # log p(f | intent) = log(c + a) - log(Z + aV); split so only seen features need a
            # posting: log(1 + c/a) per posting plus a per-intent bias log(a) - log(Z + aV).
            nb_bias.append(
                NB_SHARE * (math.log(NB_ALPHA) - math.log(sum(centroid.values()) + smoothing)))
            for f, v in centroid.items():
                ids, weights = grouped.setdefault(f, ([], []))
                ids.append(number)
                weights.append(v / norm + NB_SHARE * math.log1p(v / NB_ALPHA))
        # Tuples of numbers: the garbage collector stops tracking them, so its full passes do
        # not walk hundreds of thousands of postings (that showed up as latency spikes).
        postings = {f: (tuple(ids), tuple(weights)) for f, (ids, weights) in grouped.items()}
        return cls(intents, patterns, postings, idf, math.log(1 + n) + 1.0, nb_bias,
                   set(vocabulary_counts), SpellingCorrector(vocabulary_counts), rewriter)

    # ------------------------------------------------------------------ queries

    def _analyse(self, text: str) -> _Query:
        corrected = [self._speller.correct(w) for w in tokens(normalise(text))]
        words = self._rewriter.rewrite(corrected)
        return _Query(words, " ".join(words))

    def _is_unknown(self, word: str) -> bool:
        return (word not in STOPWORDS and not word.isdigit() and word not in self._vocabulary
                and stem(word) not in self._stems)

    def unknown_words(self, text: str) -> list[str]:
        """The message's content words that no pattern uses, after spelling correction."""
        return [w for w in self._analyse(text).words if self._is_unknown(w)]

    def _token_scores(self, word: str) -> tuple[float, ...]:
        """Per-intent score contributions of one word's character n-grams (unnormalised).

        Cached per word: this is most of the work of a query, and words repeat across
        messages far more often than new ones appear.
        """
        cached = self._token_cache.get(word)
        if cached is not None:
            return cached
        acc = [0.0] * len(self._intents)
        for gram, count in char_ngrams(word):
            plist = self._postings.get(gram)
            if plist is not None:
                weight = count * self._idf[gram]
                for number, w in zip(*plist, strict=True):
                    acc[number] += weight * w
        scores = tuple(acc)  # a tuple of floats is untracked by the garbage collector
        if len(self._token_cache) >= TOKEN_CACHE_SIZE:
            self._token_cache.clear()  # bounded memory; refilling costs microseconds per word
        self._token_cache[word] = scores
        return scores

    def _scores(self, words: list[str]) -> list[float]:
        """Per-intent centroid cosine + NB_SHARE x naive-Bayes log-likelihood (+ a constant)."""
        idf, unknown_idf, postings = self._idf, self._unknown_idf, self._postings

        # Word block: unknown features still count in the norm, so new words dilute the match.
        word_scores = [0.0] * len(self._intents)
        w_norm2 = w_known = 0.0
        for f, c in word_features(words).items():
            weight = (1.0 + math.log(c)) * idf.get(f, unknown_idf)
            w_norm2 += weight * weight
            plist = postings.get(f)
            if plist is not None:
                w_known += weight
                for number, w in zip(*plist, strict=True):
                    word_scores[number] += weight * w

        # Character block: linear in n-gram counts, so it is the sum of cached per-word parts.
        c_norm2 = c_known = 0.0
        for gram, count in char_features(words).items():
            weight = count * idf.get(gram, unknown_idf)
            c_norm2 += weight * weight
            if gram in postings:
                c_known += weight
        char_scores: Iterable[float] = self._token_scores(words[0])
        for word in words[1:]:
            char_scores = map(add, char_scores, self._token_scores(word))

        sw = self._word_scale / math.sqrt(w_norm2) if w_norm2 else 0.0
        sc = self._char_scale / math.sqrt(c_norm2) if c_norm2 else 0.0
        known = sw * w_known + sc * c_known  # the query mass the naive-Bayes bias applies to
        return [sw * a + sc * b + known * bias
                for a, b, bias in zip(word_scores, char_scores, self._nb_bias, strict=True)]

    def _known_share(self, words: list[str]) -> float:
        """Share of the message's content-word weight (IDF) carried by words the index knows."""
        total = unknown = 0.0
        for word in words:
            if word in STOPWORDS or word.isdigit():
                continue
            weight = self._idf.get("w:" + stem(word), self._unknown_idf)
            total += weight
            if self._is_unknown(word):
                unknown += weight
        return 1.0 - unknown / total if total else 1.0

    def rank(self, text: str, limit: int = 5) -> list[Match]:
        """Return up to ``limit`` intents, best first, each intent once.

        The score is a confidence in 0..1: the intent's softmax share against all intents
        (so a close runner-up lowers it), times how closely the nearest pattern is worded
        (rapidfuzz token-sort ratio), times the square root of the share of content words the
        index knows. Scores never increase down the list.
        """
        query = self._analyse(text)
        if not query.words or not self._intents or limit <= 0:
            return []
        scores = self._scores(query.words)
        best = max(scores)
        shares = [math.exp((s - best) / TEMPERATURE) for s in scores]
        total = sum(shares)
        order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:limit]
        known = self._known_share(query.words) ** UNKNOWN_POWER
        unknown = tuple(w for w in query.words if self._is_unknown(w))
        matches: list[Match] = []
        ceiling = 1.0
        for number in order:
            pattern, likeness = self._closest_pattern(number, query.text)
            ceiling = min(ceiling, shares[number] / total * likeness * known)
            matches.append(Match(self._intents[number], ceiling, pattern, unknown))
        return matches

    def _closest_pattern(self, number: int, text: str) -> tuple[str, float]:
        """The intent's pattern worded most like the message (word order ignored), and how
        alike they are in 0..1."""
        best = process.extractOne(text, self._patterns[number], scorer=fuzz.token_sort_ratio,
                                  processor=None)
        return (best[0], best[1] / 100.0) if best else ("", 0.0)
