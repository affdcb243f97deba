"""Understanding a message: text and conversation state in, an ``Understanding`` out.

The message is cleaned and normalised once, then analysed once (typos corrected, synonyms
rewritten) with its sentence and clause boundaries kept as markers. It is split into parts
(sentences; "and", "+", "/", " n " joins) when each part stands as a question of its own.
Every part is ranked by the intent index over four kinds of target: topics, the topics'
question-level entries, conversation intents, and out-of-scope groups (negative examples).
Topic and entry shares add up per topic, so a question that fits a topic and one of its
entries is not split between them; the entry is chosen when it beats the topic's own
patterns. A short or referring message ("and at insurance companies?", "is it hard") is read
in the context of the last answer: the last topic and entry get a boost, and a clear new
question still wins. Other occupations and fields of study are declined by knowledge (the
occupation lexicon), not by guessing from unknown words.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.limits import MAX_QUESTIONS, MESSAGE_CHARS
from bot.matching import IntentIndex, normalise
from bot.phrases import PhraseSpotter, Spot
from bot.state import ConversationState

# Chosen on the project's question sets (tests/data) and the shared dev set; see
# benchmarks/MATCHING.md for the sweep. A part whose best topic scores under THRESHOLD is not
# answered; two topics within DID_YOU_MEAN_MARGIN of each other under SURE are offered.
THRESHOLD = 0.45
SURE = 0.75
DID_YOU_MEAN_MARGIN = 0.05
TEMPERATURE = 0.1  # softmax temperature over raw index scores
CONTEXT_BOOST = 0.06  # raw score added to the last topic's targets for a short message
CONTEXT_BOOST_STRONG = 0.12  # ... for one that opens like a follow-up ("and", "what about")
CONTEXT_BOOST_ENTRY = 0.03  # and again to the last entry
# The nearest pattern's likeness enters the confidence as likeness ** LIKENESS_POWER.
LIKENESS_POWER = 0.5

TOPIC, ENTRY, CHAT, NEGATIVE = "topic", "entry", "chat", "negative"
BOUNDARY = "|"  # marks a sentence or clause boundary inside an analysed token list

# Punctuation and shorthand joins that separate questions ("pay + hours?", "certs / training").
_BREAKS = re.compile(r"[?!.;\n]+|\s[+&/]\s|\s*[+&]\s*|\s/\s|,\s+(?=(?:and|but|so|also|"
                     r"what|how|why|when|where|which|who|is|are|do|does|can|could|will|"
                     r"would|should)\b)")
# Words that join two questions in one sentence.
_JOINS = frozenset({"and", "or", "also", "plus", "n", "then", "but"})
_QUESTION_OPENERS = frozenset({
    "what", "whats", "how", "why", "when", "where", "which", "who", "whom", "whose", "is",
    "are", "am", "do", "does", "did", "can", "could", "will", "would", "should", "shall", "may",
    "might", "must", "any", "anything", "tell", "explain", "describe", "list", "show", "give",
    "compare",
})
# Openers that make a part a statement about the user, not a question ("i'm 16").
_STATEMENT_OPENERS = frozenset({"i", "im", "my", "me", "we", "our", "after", "since",
                                "because"})
# A message that opens like this refers to the last answer.
_REFERRING_OPENERS = frozenset({"and", "but", "so", "also", "then", "what about", "how about",
                                "for", "at", "in", "with", "only", "just", "same", "ok",
                                "okay", "what if", "even", "without", "plus"})
_REFERRING_WORDS = frozenset({"it", "that", "this", "those", "these", "them", "they", "there",
                              "then", "one", "ones"})
_SHORT = 3  # a part of at most this many words is read in context
# Words before an occupation that show it is not the subject ("work with doctors").
_CONTEXT_WORDS = frozenset({"with", "to", "from", "by"})


@dataclass(frozen=True, slots=True)
class Target:
    """One class of the index: a topic's own patterns, an entry, a conversation intent, or
    an out-of-scope group."""

    kind: str
    id: str
    group: str  # topic id for topics and entries; the id itself otherwise
    reply: str = ""  # negative groups: the fixed reply they get
    career: str = ""  # entries: the career they belong to


@dataclass(frozen=True, slots=True)
class Question:
    """One question found in a message and what answers it."""

    text: str  # the words of the message it was read from
    intent: str  # topic or conversation intent id
    entry: str | None
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a message asks, before any answer is written."""

    kind: str  # "answer", "fallback", "declined", "cannot_do", "bad_input", "did_you_mean"
    career: str
    questions: tuple[Question, ...] = ()
    confidence: float = 0.0
    reasons: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # did_you_mean: the topic ids offered
    level: str | None = None  # a school level named in the message
    school: str | None = None  # a school named in the message
    online: bool = False  # the message asks for online study
    alternatives: tuple[tuple[str, float], ...] = ()
    reply: str = ""  # the fixed reply for fallback, declined and cannot_do


@dataclass(slots=True)
class _Part:
    words: list[str]  # analysed words
    question_like: bool
    referring: bool


@dataclass(frozen=True, slots=True)
class _Verdict:
    group: str
    kind: str
    target: Target
    score: float
    share: float
    entry: Target | None = None
    runner_up: tuple[str, float] | None = None
    ranked: tuple[tuple[str, float], ...] = field(default=())


def clean_text(text: str) -> str:
    """Drop control and format characters, collapse whitespace, cap the length."""
    text = text[: MESSAGE_CHARS * 2]
    if not text.isprintable():  # rare: only then pay for a per-character scan
        text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())[:MESSAGE_CHARS]


class Reader:
    """Reads messages against an index of targets and a phrase spotter."""

    def __init__(self, index: IntentIndex, targets: dict[str, Target], spotter: PhraseSpotter,
                 default_career: str, career_word: str | None) -> None:
        self.index = index
        self.targets = [targets[key] for key in index.intents]
        self.spotter = spotter
        self.default_career = default_career
        self.career_word = career_word
        self._groups = sorted({t.group for t in self.targets})
        self._group_of = [self._groups.index(t.group) for t in self.targets]

    # ------------------------------------------------------------------ the message
    def read(self, text: str, state: ConversationState) -> Understanding:
        cleaned = clean_text(text)
        segments = [normalise(s) for s in _BREAKS.split(cleaned)]
        segments = [s for s in segments if s]
        words = [w for s in segments for w in s.split()]
        career = state.career or self.default_career
        if not words:
            return Understanding("bad_input", career, reply="bad_input")
        spots = self.spotter.find(words)
        career = next((s.value for s in spots if s.kind == "career"), career)
        level = next((s.value for s in spots if s.kind == "level"), None)
        school = next((s.value for s in spots if s.kind == "school"), None)
        online = "online" in words
        base = {"career": career, "level": level, "school": school, "online": online}
        other = self._other_occupation(spots, words)
        if other is not None:
            return Understanding("declined", reasons=(f"names {other}, not covered",),
                                 reply="other_career", **base)  # type: ignore[arg-type]

        marked: list[str] = []
        for segment in segments:
            marked += [*segment.split(), BOUNDARY]
        analysed = self.index.analyse_words(marked)
        parts = self._parts(analysed, cleaned)
        whole = _Part([w for w in analysed if w != BOUNDARY], True,
                      _referring([w for w in analysed if w != BOUNDARY]))
        questions, verdicts = self._questions(parts, whole, state.evolve(career=career))
        alternatives = verdicts[0].ranked if verdicts else ()
        follow = self._follow_up(spots, state, questions, _opens_referring(whole.words))
        if follow is not None:
            return Understanding("answer", questions=(follow,), confidence=follow.score,
                                 reasons=follow.reasons, alternatives=alternatives,
                                 **base)  # type: ignore[arg-type]
        if questions:
            return Understanding("answer", questions=tuple(questions),
                                 confidence=min(q.score for q in questions),
                                 reasons=tuple(r for q in questions for r in q.reasons),
                                 alternatives=alternatives, **base)  # type: ignore[arg-type]
        best = verdicts[0] if verdicts else None
        if best is not None and best.kind == NEGATIVE and best.score >= THRESHOLD:
            kind = "cannot_do" if best.target.reply == "cannot_do" else "fallback"
            return Understanding(kind, confidence=best.score, alternatives=alternatives,
                                 reasons=(f"out of scope: {best.target.id}",),
                                 reply=best.target.reply, **base)  # type: ignore[arg-type]
        if (best is not None and best.kind == TOPIC and best.runner_up is not None
                and best.score >= THRESHOLD * 0.8):
            return Understanding("did_you_mean", confidence=best.score,
                                 options=(best.group, best.runner_up[0]),
                                 alternatives=alternatives, reasons=("two topics fit",),
                                 **base)  # type: ignore[arg-type]
        if school is not None:
            return Understanding("answer", questions=(Question(" ".join(words), "schools",
                                                               None, THRESHOLD,
                                                               ("names a school",)),),
                                 confidence=THRESHOLD, **base)  # type: ignore[arg-type]
        return Understanding("fallback", confidence=best.score if best else 0.0,
                             alternatives=alternatives, reply="fallback",
                             **base)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ parts
    def _parts(self, analysed: list[str], cleaned: str) -> list[_Part]:
        """Sentences, then clauses at joining words; each part with how it reads."""
        parts: list[_Part] = []
        current: list[str] = []
        for word in [*analysed, BOUNDARY]:
            if word == BOUNDARY:
                if current:
                    parts.append(_Part(current, _question_like(current), _referring(current)))
                current = []
            else:
                current.append(word)
        if cleaned.rstrip().endswith("?") and parts:
            parts[-1].question_like = True
        return parts

    def _questions(self, parts: list[_Part], whole: _Part,
                   state: ConversationState) -> tuple[list[Question], list[_Verdict]]:
        """The confident questions of a message, and the verdicts (whole message first)."""
        judged: dict[tuple[str, ...], _Verdict] = {}

        def judge(part: _Part) -> _Verdict:
            key = (*part.words, "?" if part.referring else "")
            if key not in judged:
                judged[key] = self._judge(part, state)
            return judged[key]

        whole_verdict = judge(whole)
        pieces = [clause for part in parts for clause in self._clauses(part, judge)]
        found: list[tuple[_Part, _Verdict]] = []
        for piece in pieces:
            verdict = judge(piece)
            if _confident(verdict) and all(v.group != verdict.group for _, v in found):
                found.append((piece, verdict))
        topics = [(p, v) for p, v in found if v.kind == TOPIC]
        if topics:
            # "I'm 16. What do coders earn?": the question, not the background, is answered.
            found = [(p, v) for p, v in topics if p.question_like] or topics
        if not found and _confident(whole_verdict):
            found = [(whole, whole_verdict)]
        if (len(found) == 1 and found[0][1].group == whole_verdict.group
                and whole_verdict.score > found[0][1].score):
            found = [(whole, whole_verdict)]  # the whole message reads better than a part
        questions = [self._question(p, v) for p, v in found[:MAX_QUESTIONS]]
        others = sorted((v for v in judged.values() if v is not whole_verdict),
                        key=lambda v: v.score, reverse=True)
        return questions, [whole_verdict, *others]

    def _clauses(self, part: _Part, judge: Callable[[_Part], _Verdict]) -> list[_Part]:
        """``part`` split at joining words, when every clause is a confident question of a
        different topic; otherwise ``part`` whole ("billing and coding" stays one)."""
        pieces: list[list[str]] = [[]]
        for word in part.words:
            if word in _JOINS:
                if pieces[-1]:
                    pieces.append([])
            else:
                pieces[-1].append(word)
        pieces = [p for p in pieces if p]
        if len(pieces) < 2:
            return [part]
        clauses = [_Part(p, _question_like(p) or part.question_like, _referring(p))
                   for p in pieces]
        verdicts = [judge(c) for c in clauses]
        if all(_confident(v) for v in verdicts) and len({v.group for v in verdicts}) > 1:
            return clauses
        return [part]

    # ------------------------------------------------------------------ ranking
    def _judge(self, part: _Part, state: ConversationState) -> _Verdict:
        """Rank one part: the best group with its confidence and the entry that answers it."""
        words = part.words
        raw = self.index.raw_scores(words)
        career = state.career or self.default_career
        for i, target in enumerate(self.targets):
            if target.career and target.career != career:
                raw[i] = -1e9  # another career's question-level entries
        boost = 0.0
        if state.topic is not None:
            if _opens_referring(words):
                boost = CONTEXT_BOOST_STRONG
            elif part.referring or len(words) <= _SHORT:
                boost = CONTEXT_BOOST
        if boost:
            for i, target in enumerate(self.targets):
                if target.group == state.topic:
                    raw[i] += boost
                    if target.kind == ENTRY and target.id == state.entry:
                        raw[i] += CONTEXT_BOOST_ENTRY
        best_raw = max(raw)
        exps = [math.exp((r - best_raw) / TEMPERATURE) for r in raw]
        total = sum(exps)
        group_share = [0.0] * len(self._groups)
        for i, e in enumerate(exps):
            group_share[self._group_of[i]] += e / total
        order = sorted(range(len(self._groups)), key=group_share.__getitem__, reverse=True)
        best_group = self._groups[order[0]]
        members = [i for i, t in enumerate(self.targets) if t.group == best_group]
        top = max(members, key=raw.__getitem__)
        _, likeness = self.index.likeness(top, words)
        share = group_share[order[0]]
        score = share * likeness ** LIKENESS_POWER
        target = self.targets[top]
        entry = target if target.kind == ENTRY else None
        ranked = tuple((self._groups[g], round(group_share[g], 4)) for g in order[:4])
        runner = None
        if len(order) > 1:
            second = self._groups[order[1]]
            second_kind = next(t.kind for t in self.targets if t.group == second)
            gap = share - group_share[order[1]]
            if second_kind == TOPIC and gap <= DID_YOU_MEAN_MARGIN * 4 and score < SURE:
                runner = (second, group_share[order[1]])
        kind = TOPIC if target.kind in (TOPIC, ENTRY) else target.kind
        return _Verdict(best_group, kind, target, score, share, entry, runner, ranked)

    def _question(self, part: _Part, verdict: _Verdict) -> Question:
        reasons = [f"{verdict.group} {verdict.score:.2f}"]
        if verdict.entry is not None:
            reasons.append(f"entry {verdict.entry.id}")
        intent = verdict.group
        return Question(" ".join(part.words), intent,
                        verdict.entry.id if verdict.entry else None, round(verdict.score, 4),
                        tuple(reasons))

    # ------------------------------------------------------------------ context
    def _follow_up(self, spots: Sequence[Spot], state: ConversationState,
                   questions: list[Question], elliptical: bool) -> Question | None:
        """An entry keyword or school level right after its topic refines the last answer
        ("what about for certified coders?" after pay), unless a clear new question on
        another topic was asked without such an opening."""
        if state.topic is None:
            return None
        asked_other = any(q.intent != state.topic and q.score >= SURE for q in questions)
        if asked_other and not elliptical:
            return None
        for spot in spots:
            if spot.kind == "keyword":
                topic, _, entry = spot.value.partition(":")
                if topic == state.topic:
                    return Question("", topic, entry, max(THRESHOLD, *(q.score for q in
                                                                      questions), 0.0),
                                    (f"keyword of {entry} after {topic}",))
            if spot.kind in ("level", "school") and state.topic == "schools":
                return Question("", "schools", None, THRESHOLD, ("school filter",))
        return None

    def _other_occupation(self, spots: Sequence[Spot], words: list[str]) -> str | None:
        """The occupation or field of study a message asks about, when the bot does not
        cover it and the message names no covered career."""
        if any(s.kind in ("career", "covered") for s in spots):
            return None
        for spot in spots:
            if spot.kind == "subject":
                return spot.value
            if spot.kind == "occupation" and (spot.start == 0
                                              or words[spot.start - 1] not in _CONTEXT_WORDS):
                return spot.value
        return None


def _confident(verdict: _Verdict) -> bool:
    return verdict.kind in (TOPIC, CHAT) and verdict.score >= THRESHOLD


def _question_like(words: list[str]) -> bool:
    if not words:
        return False
    if words[0] in _QUESTION_OPENERS or len(words) <= _SHORT:
        return True
    return words[0] not in _STATEMENT_OPENERS


def _opens_referring(words: list[str]) -> bool:
    return bool(words) and (words[0] in _REFERRING_OPENERS
                            or " ".join(words[:2]) in _REFERRING_OPENERS)


def _referring(words: list[str]) -> bool:
    return _opens_referring(words) or (len(words) <= 6
                                       and any(w in _REFERRING_WORDS for w in words))
