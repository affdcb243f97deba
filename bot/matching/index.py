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
   no pattern has ever used, times a penalty for known content words that none of *this*
   intent's patterns use (they belong to other intents), the product raised to SCALE_POWER.
"""

from __future__ import annotations

import gc
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from heapq import nlargest
from itertools import chain, compress, count, repeat
from operator import is_not, mul

from rapidfuzz import fuzz, process

from bot.matching.features import STOPWORDS, char_ngrams, grams, stem, word_features
from bot.matching.normalize import normalise, tokens
from bot.matching.spelling import SpellingCorrector
from bot.matching.synonyms import SynonymRewriter

# Chosen by small sweeps on CLINC150 (n-gram range, NB_ALPHA, NB_SHARE were compared on test
# accuracy in early prototypes; TEMPERATURE, UNKNOWN_POWER and ELSEWHERE_POWER on the
# validation split only, never test; SCALE_POWER on the bot's own question sets).
WORD_WEIGHT = 1.0  # relative weight of the word block vs the character block
CHAR_WEIGHT = 1.0
NB_ALPHA = 0.03  # naive-Bayes smoothing, in units of summed normalised feature weight
NB_SHARE = 0.05  # how much of the naive-Bayes log-likelihood enters the ranking
TEMPERATURE = 0.1  # softmax temperature turning score gaps between intents into a share
UNKNOWN_POWER = 0.75  # confidence *= (known share of content-word weight) ** UNKNOWN_POWER
# confidence *= (share of the known content-word weight that the intent's own patterns use)
# ** ELSEWHERE_POWER: "how do i get a *fishing* license" may score well on a licence intent,
# but a word the index knows only from other intents says the message is about something else.
ELSEWHERE_POWER = 0.5
# A monotone remap (confidence ** SCALE_POWER) that keeps the bot's score scale, so its 0.5
# threshold still separates its own in-scope and out-of-scope questions (MATCHING.md). It
# changes no ranking and no benchmark figure.
SCALE_POWER = 0.9
# Words whose character-block vectors are kept. A vector is a tuple of one float per intent,
# ~4 KB at the bot's 120 intents (an array would be a quarter of that, but summing arrays boxes
# every element again, 3 % of a long message's time), so 5,000 words bound it near 20 MB.
TOKEN_CACHE_SIZE = 5_000
# A feature used by at least this share of the intents is stored as a dense per-intent vector
# (summed at C speed with zip/sum); rarer ones as sparse (intent, weight) pairs, added in a
# Python loop that is cheaper than a dense sum for a handful of intents.
DENSE_SHARE = 0.125

# Per feature: intent numbers and their weights (see _Features).
Sparse = tuple[tuple[int, ...], tuple[float, ...]]


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


class _Features:
    """Per feature, its weight towards every intent, premultiplied by the feature's IDF.

    The weight is the intent centroid's normalised value (cosine) plus NB_SHARE x the
    naive-Bayes log(1 + c / NB_ALPHA); a query feature seen ``tf`` times adds ``tf x`` it.
    Stored either dense (one float per intent) or sparse. Dense vectors are tuples: a query
    sums several of them element by element, and a tuple hands over its float objects where an
    array would box a new one per element (a quarter of the summing time).

    A feature's weights are worked out the first time a query uses it, from the centroids
    kept for that, and then stored: start-up pays only for the centroids, and of the ~10,000
    features of the bot's patterns a query ever touches a small share. The numbers are the
    same as if all were worked out at build (the same operations on the same values).
    """

    __slots__ = ("centroids", "dense", "dense_min", "idf", "inverse_norms", "sparse")

    def __init__(self, idf: dict[str, float], centroids: list[dict[str, float]],
                 inverse_norms: list[float]) -> None:
        self.idf = idf
        self.centroids = centroids  # per intent: feature -> centroid value
        self.inverse_norms = inverse_norms  # per intent: 1 / the centroid's length
        # Used by at least this many intents: dense (see DENSE_SHARE).
        self.dense_min = max(2, math.ceil(DENSE_SHARE * len(centroids)))
        self.dense: dict[str, tuple[float, ...]] = {}
        self.sparse: dict[str, Sparse] = {}

    def weigh(self, feature: str) -> None:
        """Store the weights of ``feature`` (a key of ``idf``) in ``dense`` or ``sparse``."""
        values = list(map(dict.get, self.centroids, repeat(feature)))  # per intent, or None
        numbers = list(compress(count(), map(is_not, values, repeat(None))))
        idf = self.idf[feature]
        inverse_norms = self.inverse_norms
        log1p, inverse_alpha = math.log1p, 1.0 / NB_ALPHA
        weights = [(v * inverse_norms[number] + NB_SHARE * log1p(v * inverse_alpha)) * idf
                   for number, v in zip(numbers, [v for v in values if v is not None],
                                        strict=True)]
        if len(numbers) >= self.dense_min:
            vector = [0.0] * len(values)
            for number, weight in zip(numbers, weights, strict=True):
                vector[number] = weight
            self.dense[feature] = tuple(vector)
        else:
            self.sparse[feature] = (tuple(numbers), tuple(weights))


class IntentIndex:
    """An index over intent patterns, built once at load, queried once per message."""

    def __init__(
        self,
        intents: list[str],
        patterns: list[list[str]],
        features: _Features,
        unknown_idf: float,
        nb_bias: list[float],
        vocabulary: set[str],
        speller: SpellingCorrector,
        rewriter: SynonymRewriter,
        pools: list[str] | None = None,
    ) -> None:
        self._intents = intents
        self._pools = pools or []  # scored after the intents, in one pass (see ``build``)
        self._columns = len(intents) + len(self._pools)
        self._patterns = patterns  # per intent: its patterns, normalised and rewritten
        # The same with each pattern's words sorted: token-sort likeness becomes a plain ratio.
        self._sorted_patterns = [[" ".join(sorted(p.split())) for p in texts]
                                 for texts in patterns]
        # Per pattern's sorted words, the intents with that pattern: a message worded exactly
        # like a pattern (in any order) is found by one lookup.
        self._worded: dict[str, list[int]] = {}
        for number, texts in enumerate(self._sorted_patterns):
            for text in texts:
                found = self._worded.setdefault(text, [])
                if number not in found:
                    found.append(number)
        self._features = features
        self._unknown_idf = unknown_idf
        self._nb_bias = nb_bias
        self._vocabulary = vocabulary
        self._stems = {stem(w) for w in vocabulary}
        # Per intent: the stems its patterns use (for the "used elsewhere" penalty), and all of
        # them (a word known only from the synonym table belongs to no intent: not counted).
        self._intent_stems = [frozenset(stem(w) for text in texts for w in text.split())
                              for texts in patterns]
        self._pattern_stems = frozenset().union(*self._intent_stems)
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
        normaliser: Callable[[str], str] = normalise,
        pools: Mapping[str, Sequence[str]] | None = None,
    ) -> IntentIndex:
        """Index ``examples`` (intent id -> example phrasings).

        ``pools`` maps a pool id to some of the intents: a pool scores like one intent
        holding all its members' patterns (its centroid is the sum of theirs), so a caller can
        judge a family of intents as a whole ("is this about pay at all?") as well as each
        member. Pools add no patterns: word weights and every intent's score stay the same.

        ``synonyms`` maps a canonical word to the words and phrases that mean the same
        (``{"salary": ["earn", "make", "pay"]}``); both patterns and messages are rewritten
        to the canonical word before scoring. ``normaliser`` is ``normalise``, or a memo of it
        that the caller already filled while validating the same patterns.

        Ends with ``gc.freeze()``: everything alive then (the index, and whatever the process
        loaded before it) moves to a generation the garbage collector never scans again. The
        index lives as long as the process, so scanning its objects on every full collection
        was pure cost, and it showed up as multi-millisecond pauses inside queries. It starts
        with ``gc.unfreeze()`` so that cyclic garbage frozen by an earlier build (e.g. around
        the bot's /reload) stays collectable.
        """
        gc.unfreeze()
        enabled = gc.isenabled()
        gc.disable()  # the build allocates millions of objects that all survive: skip the scans
        try:
            index = cls._build(examples, synonyms, normaliser, pools or {})
        finally:
            if enabled:
                gc.enable()
        gc.freeze()
        return index

    @classmethod
    def _build(
        cls,
        examples: Mapping[str, Sequence[str]],
        synonyms: Mapping[str, Sequence[str]] | None,
        normaliser: Callable[[str], str],
        pools: Mapping[str, Sequence[str]],
    ) -> IntentIndex:
        rewriter = SynonymRewriter(synonyms)
        intents = list(examples)
        seen: list[str] = sorted(rewriter.words)  # every word, as often as patterns use it
        patterns: list[list[str]] = []
        analysed: list[tuple[int, list[str], Counter[str], tuple[str, ...], tuple[int, ...]]] = []
        # Every pattern's distinct features, counted once at the end (one C-level pass).
        features_seen: list[str] = []
        for number, intent in enumerate(intents):
            texts: list[str] = []
            for text in examples[intent]:
                raw = tokens(normaliser(text))
                words = rewriter.rewrite(raw)
                if not words:
                    continue
                seen += raw
                seen += words
                texts.append(" ".join(words))
                wf = word_features(words)
                counts = Counter(chain.from_iterable(map(grams, words)))
                features_seen += wf
                features_seen += counts
                # Tuples, not the Counter: a fifth of the memory for 15,000 patterns.
                analysed.append((number, words, wf, tuple(counts), tuple(counts.values())))
            patterns.append(texts)

        n = len(analysed)
        log_n = math.log(1 + n) + 1.0
        idf = {f: log_n - math.log(1 + d) for f, d in Counter(features_seen).items()}
        del features_seen
        word_scale = WORD_WEIGHT / math.hypot(WORD_WEIGHT, CHAR_WEIGHT)
        char_scale = CHAR_WEIGHT / math.hypot(WORD_WEIGHT, CHAR_WEIGHT)
        centroids: list[dict[str, float]] = [{} for _ in intents]
        # The character block is linear in n-gram counts, so an intent's character centroid is
        # sum(word mass x the word's n-gram vector), where a word's mass is the sum of the
        # scales of the patterns it occurs in: n-grams are expanded once per distinct word of
        # an intent instead of once per occurrence.
        masses: list[dict[str, float]] = [{} for _ in intents]
        idf_of = idf.__getitem__
        # Sums below are written d[k] = d.get(k, 0.0) + x: the same additions in the same order
        # as a defaultdict's d[k] += x, without its Python-level call for every new key.
        for number, words, wf, gram_keys, gram_counts in analysed:
            centroid = centroids[number]
            # Each pattern adds its unit-length vector (per block), so long patterns do not
            # outweigh short ones. Word counts are dampened (1 + log tf); n-gram counts are not,
            # which keeps the character block linear (see _scores).
            wv = [idf_of(f) if c == 1 else (1.0 + math.log(c)) * idf_of(f)
                  for f, c in wf.items()]
            k = word_scale / math.sqrt(sum(map(mul, wv, wv)))
            get = centroid.get
            for f, v in zip(wf, wv, strict=True):
                centroid[f] = get(f, 0.0) + k * v
            weighted = list(map(mul, gram_counts, map(idf_of, gram_keys)))
            k = char_scale / math.sqrt(sum(map(mul, weighted, weighted)))
            mass = masses[number]
            get = mass.get
            for word in words:
                mass[word] = get(word, 0.0) + k
        for centroid, mass in zip(centroids, masses, strict=True):
            chars: dict[str, float] = {}
            get = chars.get
            for word, m in mass.items():
                for gram, times in char_ngrams(word):
                    chars[gram] = get(gram, 0.0) + m * times
            # centroid[gram] = v x idf[gram] for every gram, in one C-level pass.
            centroid.update(zip(chars, map(mul, chars.values(), map(idf_of, chars)), strict=True))
        position = {intent: number for number, intent in enumerate(intents)}
        for members in pools.values():
            pooled: dict[str, float] = {}
            get = pooled.get
            for member in members:
                for f, v in centroids[position[member]].items():
                    pooled[f] = get(f, 0.0) + v
            centroids.append(pooled)
        vocabulary = Counter(seen)
        return cls(intents, patterns, *_normalised(centroids, idf, n), set(vocabulary),
                   SpellingCorrector(vocabulary), rewriter, list(pools))

    # ------------------------------------------------------------------ queries

    @property
    def intents(self) -> list[str]:
        """The indexed intent ids, in the order raw scores are returned."""
        return self._intents

    def _analyse(self, text: str) -> list[str]:
        return self.analyse_words(tokens(normalise(text)))

    def analyse_words(self, words: Sequence[str]) -> list[str]:
        """Already-normalised words with typos corrected and synonyms rewritten."""
        correct = self._speller.correct
        return self._rewriter.rewrite([correct(w) for w in words])

    @property
    def pools(self) -> list[str]:
        """The pool ids, in the order ``pooled_scores`` returns their scores."""
        return self._pools

    def raw_scores(self, analysed: list[str]) -> list[float]:
        """Per intent (in ``intents`` order): centroid cosine + NB_SHARE x naive Bayes."""
        return self.pooled_scores(analysed)[0]

    def pooled_scores(self, analysed: list[str]) -> tuple[list[float], list[float]]:
        """``raw_scores``, and the same score per pool (in ``pools`` order), from one pass."""
        if not analysed:
            return [0.0] * len(self._intents), [0.0] * len(self._pools)
        scores = self._scores(analysed)
        n = len(self._intents)
        return scores[:n], scores[n:]

    def likeness(self, number: int, analysed: list[str]) -> tuple[str, float]:
        """The pattern of intent ``number`` worded most like ``analysed``, and how alike."""
        return self._closest_pattern(number, " ".join(sorted(analysed)))

    def closeness(self, numbers: Iterable[int], analysed: list[str]) -> dict[int, float]:
        """``likeness(number, analysed)[1]`` for each of ``numbers``, sorting the words once."""
        query = " ".join(sorted(analysed))
        return {number: self._closest_pattern(number, query)[1] for number in numbers}

    def worded_as(self, analysed: list[str]) -> list[int]:
        """The intents with a pattern of exactly these words, in any order."""
        return self._worded.get(" ".join(sorted(analysed)), [])

    def is_known(self, word: str) -> bool:
        """Whether some pattern uses ``word`` (after analysis), or it is a function word."""
        return not self._is_unknown(word)

    def weight(self, word: str) -> float:
        """How telling an analysed word is (its IDF; unseen words weigh the most)."""
        return self._features.idf.get("w:" + stem(word), self._unknown_idf)

    def texts_of(self, number: int) -> list[str]:
        """Intent ``number``'s patterns, normalised and rewritten as they are matched."""
        return self._patterns[number]

    def stems_of(self, number: int) -> frozenset[str]:
        """The stems intent ``number``'s patterns use (``uses`` asks about one word)."""
        return self._intent_stems[number]

    def uses(self, number: int, word: str) -> bool:
        """Whether intent ``number``'s patterns use the analysed ``word``."""
        return stem(word) in self._intent_stems[number]

    def _is_unknown(self, word: str) -> bool:
        return (word not in STOPWORDS and not word.isdigit() and word not in self._vocabulary
                and stem(word) not in self._stems)

    def unknown_words(self, text: str) -> list[str]:
        """The message's content words that no pattern uses, after spelling correction."""
        return [w for w in self._analyse(text) if self._is_unknown(w)]

    def _token_vector(self, word: str) -> tuple[float, ...]:
        """Per-intent score contributions of one word's character n-grams (unnormalised).

        Cached per word: this is most of the work of a query, and words repeat across
        messages far more often than new ones appear.
        """
        cached = self._token_cache.get(word)
        if cached is not None:
            return cached
        vector = tuple(self._sum(char_ngrams(word)))
        if len(self._token_cache) >= TOKEN_CACHE_SIZE:
            self._token_cache.clear()  # bounded memory; refilling costs microseconds per word
        self._token_cache[word] = vector
        return vector

    def _sum(self, weighted: Iterable[tuple[str, float]]) -> list[float]:
        """sum(weight x feature vector), per intent, over known features."""
        features = self._features
        dense, sparse, idf = features.dense, features.sparse, features.idf
        acc = [0.0] * self._columns  # (one shared 0.0: entries are replaced, not changed)
        vectors: list[Iterable[float]] = [acc]
        for feature, weight in weighted:
            vector = dense.get(feature)
            if vector is None:
                posting = sparse.get(feature)
                if posting is None:
                    if feature not in idf:
                        continue  # no pattern has it
                    features.weigh(feature)  # its first use
                    vector = dense.get(feature)
                    posting = sparse.get(feature)
                if vector is None:
                    assert posting is not None
                    for number, w in zip(*posting, strict=True):
                        acc[number] += weight * w
                    continue
            vectors.append(vector if weight == 1 else map(mul, vector, repeat(weight)))
        if len(vectors) == 1:
            return acc
        return list(map(sum, zip(*vectors, strict=True)))

    def _scores(self, words: list[str]) -> list[float]:
        """Per-intent centroid cosine + NB_SHARE x naive-Bayes log-likelihood (+ a constant)."""
        idf, unknown_idf = self._features.idf, self._unknown_idf

        # Word block: unknown features still count in the norm, so new words dilute the match.
        w_norm2 = w_known = 0.0
        tfs: list[tuple[str, float]] = []
        for f, c in word_features(words).items():
            tf = 1.0 if c == 1 else 1.0 + math.log(c)
            weight = idf.get(f)
            if weight is None:
                w_norm2 += (tf * unknown_idf) ** 2
                continue
            weight *= tf
            w_norm2 += weight * weight
            w_known += weight
            tfs.append((f, tf))
        word_scores = self._sum(tfs)

        # Character block: linear in n-gram counts, so it is the sum of cached per-word parts.
        # (Two C-level passes over the query's n-grams rather than one Python loop.)
        counts = Counter(chain.from_iterable(map(grams, words)))
        c_known = sum(map(mul, counts.values(), map(idf.get, counts, repeat(0.0))))
        weighted = list(map(mul, counts.values(), map(idf.get, counts, repeat(unknown_idf))))
        c_norm2 = sum(map(mul, weighted, weighted))
        char_scores = map(sum, zip(*map(self._token_vector, words), strict=True))

        sw = self._word_scale / math.sqrt(w_norm2) if w_norm2 else 0.0
        sc = self._char_scale / math.sqrt(c_norm2) if c_norm2 else 0.0
        known = sw * w_known + sc * c_known  # the query mass the naive-Bayes bias applies to
        # A comprehension, not maps of operator.mul and add: the interpreter's float-specialised
        # arithmetic beats a C function call per operation (measured, about 8% of a query).
        return [sw * word + sc * char + known * bias
                for word, char, bias in zip(word_scores, char_scores, self._nb_bias, strict=True)]

    def _content(self, words: list[str]) -> tuple[float, list[tuple[str, float]]]:
        """The message's content words: the share of their weight (IDF) carried by words the
        index knows, and (stem, weight) of those that some intent's patterns use."""
        idf, unknown_idf = self._features.idf, self._unknown_idf
        total = unknown = 0.0
        known: list[tuple[str, float]] = []
        for word in words:
            if word in STOPWORDS or word.isdigit() or len(word) < 2:  # "<b>" leaves a "b"
                continue
            root = stem(word)
            weight = idf.get("w:" + root, unknown_idf)
            total += weight
            if self._is_unknown(word):
                unknown += weight
            elif root in self._pattern_stems:
                known.append((root, weight))
        return (1.0 - unknown / total if total else 1.0), known

    def _own_share(self, number: int, known: list[tuple[str, float]]) -> float:
        """Share of the known content-word weight that intent ``number``'s patterns use."""
        if not known:
            return 1.0
        stems = self._intent_stems[number]
        total = sum(w for _, w in known)
        own = sum(w for root, w in known if root in stems)
        return own / total if total else 1.0

    def rank(self, text: str, limit: int = 5) -> list[Match]:
        """Return up to ``limit`` intents, best first, each intent once.

        The score is a confidence in 0..1: the intent's softmax share against all intents
        (so a close runner-up lowers it), times how closely the nearest pattern is worded
        (rapidfuzz token-sort ratio), times (share of content-word weight the index knows) **
        UNKNOWN_POWER, times (share of the known content-word weight this intent's patterns
        use) ** ELSEWHERE_POWER, all ** SCALE_POWER. Scores never increase down the list.
        """
        words = self._analyse(text)
        if not words or not self._intents or limit <= 0:
            return []
        scores = self._scores(words)[:len(self._intents)]
        best = max(scores)
        inverse = 1.0 / TEMPERATURE
        total = sum(map(math.exp, [(s - best) * inverse for s in scores]))
        order = nlargest(limit, range(len(scores)), key=scores.__getitem__)
        known_share, known_words = self._content(words)
        known = known_share ** UNKNOWN_POWER
        unknown = tuple(w for w in words if self._is_unknown(w))
        query = " ".join(sorted(words))
        matches: list[Match] = []
        ceiling = 1.0
        for number in order:
            pattern, likeness = self._closest_pattern(number, query)
            share = math.exp((scores[number] - best) * inverse) / total
            own = self._own_share(number, known_words) ** ELSEWHERE_POWER
            ceiling = min(ceiling, (share * likeness * known * own) ** SCALE_POWER)
            matches.append(Match(self._intents[number], ceiling, pattern, unknown))
        return matches

    def _closest_pattern(self, number: int, sorted_query: str) -> tuple[str, float]:
        """The intent's pattern worded most like the message (word order ignored), and how
        alike they are in 0..1."""
        best = process.extractOne(sorted_query, self._sorted_patterns[number],
                                  scorer=fuzz.ratio, processor=None)
        return (self._patterns[number][best[2]], best[1] / 100.0) if best else ("", 0.0)


def _normalised(centroids: list[dict[str, float]], idf: dict[str, float],
                n: int) -> tuple[_Features, float, list[float]]:
    """The centroids' lengths and naive-Bayes biases; the features' weights come from them on
    first use (see _Features)."""
    inverse_norms: list[float] = []
    nb_bias: list[float] = []
    smoothing = NB_ALPHA * len(idf)
    log_alpha = math.log(NB_ALPHA)
    for centroid in centroids:
        values = list(centroid.values())
        norm = math.sqrt(sum(map(mul, values, values))) or 1.0
        # log p(f | intent) = log(c + a) - log(Z + aV); split so only seen features need a
        # weight: log(1 + c/a) per feature plus a per-intent bias log(a) - log(Z + aV).
        nb_bias.append(NB_SHARE * (log_alpha - math.log(sum(values) + smoothing)))
        inverse_norms.append(1.0 / norm)
    return _Features(idf, centroids, inverse_norms), math.log(1 + n) + 1.0, nb_bias
