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
import statistics
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise, repeat
from operator import call, itemgetter, sub, truediv

from bot.limits import MAX_CLAUSES, MAX_QUESTIONS, MAX_WORD_CHARS, MESSAGE_CHARS
from bot.matching import IntentIndex, normalise
from bot.matching.features import STOPWORDS, stem
from bot.matching.spelling import english_words
from bot.phrases import PhraseSpotter, Spot
from bot.state import ConversationState

# Chosen by sweeps on the project's question sets (tests/data, the shared dev set and the
# first blind set; `career-bot eval` prints the sweep). A part whose best topic scores under
# THRESHOLD is not answered; when the runner-up topic's share is within DID_YOU_MEAN_GAP of the
# winner's and the score is under SURE, the two are offered as "did you mean" buttons.
THRESHOLD = 0.3
SURE = 0.75
DID_YOU_MEAN_GAP = 0.2
DID_YOU_MEAN_FLOOR = 0.8  # offered from THRESHOLD x this
TEMPERATURE = 0.1  # softmax temperature over raw index scores
CONTEXT_BOOST = 0.08  # raw score added to the last topic's targets for a short message
CONTEXT_BOOST_STRONG = 0.2  # ... for one that opens like a follow-up ("and", "what about")
CONTEXT_BOOST_OWN_WORDS = 0.25  # ... more when the last topic uses every word it has
CONTEXT_BOOST_ENTRY = 0.03  # and again to the last entry
CLEARLY_NEW_GAP = 0.25  # a follow-up read alone this much surer of a new topic asks that one
KEYWORD_BOOST = 0.3  # ... to an entry of the last topic whose keyword the message uses
SCHOOL_BOOST = 0.1  # raw score added to the schools topic when a listed school is named
EXACT_BOOST = 0.3  # raw score added to a target with a pattern of exactly the message's words
FIGURE_BOOST = 0.5  # raw score added to the targets whose answers state a figure quoted
RELATED_BOOST = 0.3  # raw score added to the topic that answers about a related occupation named
# A group's raw score is its best target's plus this share of the whole topic's (its topic and
# entries as one pool of patterns): which topic a message asks is judged on all that topic's
# patterns, which entry answers it on the entries' own. Chosen on blind sets 6-9 (0.3-1.5
# all helped; MATCHING.md).
POOL_SHARE = 0.6
# The nearest pattern's likeness enters the confidence as likeness ** LIKENESS_POWER.
LIKENESS_POWER = 0.25
WORDING_WEIGHT = 0.1  # raw score added per unit of nearest-pattern likeness
WORDING_CANDIDATES = 4  # ... to this many best targets
COVER_MARGIN = 0.02  # raw score within which a target using more of the message's words wins
TOPICS_LEFT = 0.25  # the share topics need to outrank a conversation intent, the career named
NAMING_GROUPS = 3  # a word used by at most this many topics' patterns names them
# A topic's one-word pattern ("certification") used by at most this many groups names that
# topic in a follow-up ("would he need to be certified too"); "requirements" is everyone's.
TOPIC_NAME_GROUPS = 5
EVIDENCE_REACH = 2  # a top topic no word names yields to the next this many ranks down
BACKGROUND_WORDS = 3  # a sentence not ending "?" this long, beside one that does, describes
CLAUSE_SURE = 0.45  # a clause not worded as a question needs this to stand alone
CLOSE_WORDING = 0.75  # a part this like one of a topic's patterns asks that topic
# "where" tells a topic whose patterns use it this many times as often as the typical
# topic's do (a share of at least WH_FLOOR): the work setting, the schools.
WH_SHIFT = 3.0
WH_FLOOR = 0.01

TOPIC, ENTRY, CHAT, NEGATIVE = "topic", "entry", "chat", "negative"
BOUNDARY = "|"  # marks a sentence or clause boundary inside an analysed token list

# Punctuation and shorthand joins that separate questions ("pay + hours?", "certs / training").
# Commas join clauses like "and" does (kept only when each side is a question of its own).
_BREAKS = re.compile(r"[?!;\n]+|\.(?!\d)|(?:^|\s)\d[.)]\s|\s*[+&]\s*|\s/\s")
# A comma joins clauses, except inside a figure ("$64,170").
_CLAUSE_COMMA = re.compile(r",(?!\d{3}(?!\d))")
# A slash between two words asks two things ("salary/outlook"), but not "w/o" or "24/7".
_WORD_SLASH = re.compile(r"(?<=[^\W\d_]{3})/(?=[^\W\d_]{3})")
# Words that join two questions in one sentence.
_JOINS = frozenset({"and", "or", "also", "plus", "n", "then", "but"})
# The word intents/vocabulary.yaml rewrites "what about", "tell me about" to: what follows is
# asked for, however briefly ("tell me about the career and the pay").
_ASKED_FOR = "also"
_QUESTION_OPENERS = frozenset({
    "what", "whats", "how", "why", "when", "where", "which", "who", "whom", "whose", "is",
    "are", "am", "do", "does", "did", "can", "could", "will", "would", "should", "shall", "may",
    "might", "must", "any", "anything", "tell", "explain", "describe", "list", "show", "give",
    "compare", "if", "whether",
})
# Openers that make a part a statement about the user, not a question ("i'm 16").
_STATEMENT_OPENERS = frozenset({"i", "im", "my", "me", "we", "our", "after", "since",
                                "because"})
# Openers that say nothing about the question ("ngl", "ok so", "quick question").
_FILLERS = frozenset({"ok", "so", "well", "like", "ngl", "tbh", "yo", "hey", "hi", "hello",
                      "um", "really", "just", "also", "and", "but", "quick", "question", "q",
                      "anyway", "btw", "sorry", "please", "different", "another", "new", "next",
                      "one", "more", "thing", "things", "topic", "subject", "change", "back"})
# A known word missing from the English list is a term of the field ("rhit", "medicare") if it
# is this short (initials) or names few topics; "certification" only lacks from the list.
_TERM_LETTERS = 6
_GROWN_CORE = 6  # letters a known word inside a longer one needs ("oversaturated")
_YEAR = re.compile(r"(?:19|20)\d\d")
# Words that say nothing about the subject, so they are neither known nor unknown evidence.
_EMPTY_WORDS = frozenset({"kinda", "sorta", "wait", "actually", "honestly", "literally",
                          "basically", "true", "right", "lol", "pls", "plz", "thx",
                          "former", "retired", "currently", "here",  # "former teller here"
                          "anything", "something", "everything", "stuff"})
# Openings that only say a question follows ("i want to know", "can you tell me").
_REQUEST_FRAMES = (
    "i want to know", "i wanna know", "i want know", "i would like to know", "id like to know",
    "i need to know", "i wanted to know", "i want to ask", "i wanted to ask", "i was wondering",
    "i am wondering", "im wondering", "i wonder", "i am curious", "im curious", "can you tell me",
    "could you tell me", "please tell me", "tell me", "let me know", "do you know",
)
_FRAMED_MIN = 2  # a frame is dropped only when at least this many words follow it
# "my dad wants to know how ...": a word of wanting to know, within this many opening words.
_KNOWING = frozenset({"know", "wondering", "wonder", "curious", "ask", "asks", "asking",
                      "asked", "out"})  # "... asked me to find out"
_KNOWING_REACH = 6
# A question word after a frame starts the question itself ("tell me how long it takes").
_WH_WORDS = frozenset({"what", "whats", "how", "why", "when", "where", "which", "who",
                       "whether", "if"})
# Question words that ask for a kind of thing (a place, a time), not just any answer.
_CIRCUMSTANCE_WORDS = ("where", "when")
# Verbs that frame a question ("explain what coders do"; "explain coding" is the question).
_TELLING_FRAMES = frozenset({"explain", "describe"})
# "what is the job like (to do)": "like" asks for a description, not for similar careers.
_DESCRIBING_LIKE_NEXT = frozenset({"", "to", "for", "being", "working", "as", "day", "daily"})
# "two questions: ...", "3 things": a count of what follows.
_COUNT_WORDS = frozenset({"two", "three", "four", "five", "couple", "few", "some"})
_PREFACED = frozenset({"question", "questions", "q", "qs", "things"})
_COURTESY = frozenset({"thanks", "please", "pls", "plz", "thx", "ty", "tia"})
_COURTESY_LEFT = 2
# Requests to act: a verb opening the message (after "please", "can you"), then what it acts on.
_POLITE = (("can", "you"), ("could", "you"), ("would", "you"), ("will", "you"), ("can", "u"),
           ("could", "u"), ("pls",), ("plz",))
_ACTS = frozenset({"email", "mail", "call", "phone", "ring", "text", "message", "contact",
                   "apply", "enroll", "enrol", "register", "sign", "book", "schedule", "fill",
                   "submit", "send", "pay", "buy", "order", "write", "complete", "upload", "fax",
                   "look"})
# Verbs that ask the bot to act only on the user's own things ("do my homework"; "can you
# do it from home" asks about the job).
_ACTS_ON_MINE = frozenset({"do", "finish", "check", "review", "fix", "grade", "solve", "edit",
                           "read", "interpret", "code"})
_POINTED = frozenset({"this", "these", "that", "those"})
_ACT_OBJECTS = frozenset({"my", "me", "them", "it", "this", "that", "our", "aapc", "ahima"})
_PHRASAL_ACTS = frozenset({("sign", "up"), ("fill", "out"), ("fill", "in"), ("look", "up")})
_DESCRIBING_ACTS = frozenset({"pay", "order", "text"})  # also nouns: "pay the same?"
_TELLING_ACTS = frozenset({"send", "text", "message", "email", "mail"})  # "send me the list"
_CONDITIONS = frozenset({"if", "once"})  # "if i get the cpc, what would i earn": one question
# Verbs that make a sentence that is not worded as a question a statement ("money is tight").
_STATING_VERBS = frozenset({"is", "are", "was", "were", "am", "has", "have", "had", "seems",
                            "sounds", "feels", "looks", "keeps", "says", "said",
                            "important",  # "matters" reads as "important"
                            "not"})  # "i can't pay out of pocket", "i don't have a degree"
_ASKING_WORDS = frozenset({"how", "what", "whats", "where", "when", "which", "why", "who"})
CANNOT_DO = "cannot_do"  # the reply to a request to act (knowledge/conversation.yaml)
# Words that make a statement about the user a request ("i want to know the pay").
_ASKING = frozenset({"know", "wondering", "wonder", "curious", "tell", "explain", "info",
                     "information", "question", "questions", "ask", "asks", "asked", "asking"})
# A message that opens like this refers to the last answer.
_REFERRING_OPENERS = frozenset({"and", "but", "so", "also", "then", "what about", "how about",
                                "for", "at", "in", "with", "only", "just", "same", "ok",
                                "okay", "what if", "even", "without", "plus", "by",
                                # "right away or only after some experience?" after remote work
                                "right away", "straight away", "immediately", "at first"})
_NARROWING = frozenset({"with", "for", "at", "in", "without", "only", "just", "even", "same",
                        "plus", "as", "on", "by", "from"})
_REFERRING_WORDS = frozenset({"it", "that", "this", "those", "these", "them", "they", "there",
                              "then", "one", "ones", "which"})
# Words that point back at the last answer ("which certs ..." asks anew).
_POINTING_BACK = _REFERRING_WORDS - {"then", "which"}
_WORD_GROUPS_CACHE = 50_000  # words remembered by _groups_using
_SHORT = 3  # a part of at most this many words is read in context
_SHORT_REPEAT = 4  # ... and may repeat the last answer when the last topic uses all its words
_PRONOUNS = frozenset({"it", "that", "this"})
_PEOPLE_PRONOUNS = frozenset({"they", "them"})
_STATEMENT_POINTERS = frozenset({"that", "this"})  # "is that true": what was just said
_CAREER_POINTERS = frozenset({"it"}) | _PEOPLE_PRONOUNS  # "what is it": the career
_RESOLVE_WORDS = 8  # "it"/"that" in a follow-up this short stands for the last answer
# Words before an occupation that show it is not the subject ("work with doctors").
_CONTEXT_WORDS = frozenset({"with", "to", "from", "by"})
# ... or before words like these ("doctors' offices", "physician notes").
_CONTEXT_FOLLOWERS = frozenset({"office", "offices", "note", "notes", "order", "orders",
                                "chart", "charts", "handwriting", "record", "records",
                                "practice", "practices", "group", "groups", "visit", "visits",
                                "background", "experience", "here"})  # "medic background"
# "a veterinarian's median income": what a possessive owns that makes it the subject (not
# "the doctor's notes"), within this many words after it.
_OWNED = frozenset({"salary", "pay", "income", "wage", "wages", "earnings", "job", "jobs",
                    "career", "duties", "schedule", "hours", "training", "degree", "license",
                    "licence", "outlook"})
_OWNED_REACH = 2
# "this job", "that career": the career the user is reading about, however new the other words.
_POINTING = frozenset({"this", "that", "these"})
_CAREER_NOUNS = frozenset({"job", "jobs", "career", "careers", "field", "work", "role",
                           "profession", "occupation", "position", "gig", "line"})
# "pays better than his truck driving job", "shifts like nurses": the occupation is what the
# career is measured against. Words that may stand between the comparison and it:
_STANDARD_REACH = 3
_LIKERS = frozenset({"you", "u", "i", "would", "we", "they"})  # "would like", "do you like"
_STANDARD_GAP = frozenset({"a", "an", "the", "his", "her", "my", "their", "your", "being",
                           "working", "doing", "as"})
# "do I need a biology degree": a requirement of the career, asked about a field.
_REQUIRING = frozenset({"need", "needs", "require", "requires", "required", "requirement",
                        "requirements", "necessary", "mandatory"})
_LICENCES = frozenset({"license", "licence", "licensed", "permit"})
_PURPOSES = frozenset({"for", "to", "in", "into"})  # "what classes do i need for psychology"
_NOT_PURPOSE = _REQUIRING | {"go", "going", "went", "have", "has"}  # "need to", "go to"
# "I've been a nurse for 10 years": the user's own background, not what they ask about
# (unless they want to become one).
_BACKGROUND_WINDOW = 4
_FIRST_PERSON = frozenset({"i", "im", "my", "me", "former", "ex", "retired", "currently",
                           "was", "worked"})  # "... just got out, was a medic in the army"
_SERVED_IN = frozenset({"in", "at"})  # "was a medic in the army": where the user was
_MEANWHILE = frozenset({"while", "whilst"})
_BEING = frozenset({"is", "are", "was", "were", "be", "been", "isnt", "arent"})
_MINE = frozenset({"my"})  # "will my nursing background help": the user's own field
_DOING_IT = ("do", "it")  # "can i do it online": "it" is the job, not the last answer
_LEANING = frozenset({"still"})  # "... can I still do it": a question resting on what was said
_FORMER = frozenset({"former", "ex", "retired"})  # "former army medic here": the user's past
_OWN_PAST = frozenset({"was", "were", "worked", "served", "have", "had", "ive"})
_BECOMING = frozenset({"become", "becoming", "be", "studying", "study", "want", "wanna",
                       "thinking", "planning", "considering"})
# Words that make "A and B" one thing compared, not two questions.
_COMPARING_PAIR = frozenset({"between", "difference", "compare", "compared", "compares",
                             "comparing", "vs", "versus"})
_COMPARED_WORDS = 3  # a piece this short after a comparison is its other half
_ARTICLES = frozenset({"the", "a", "an"})
_COMPARATIVE = frozenset({"more", "better", "best", "higher", "less", "lower", "cheaper",
                          "easier", "harder", "faster", "which"})
# A message comparing another occupation with the career ("is a health unit coordinator the
# same thing?") is a question about similar careers, not about that occupation.
_COMPARING = frozenset({"similar", "same", "compare", "compared", "comparison", "vs", "versus",
                        "difference", "different", "alike", "related"})


# The index's scores of one word list: per target, and per pool (IntentIndex.pooled_scores).
Scores = tuple[list[float], list[float]]


def pool_id(career: str, topic: str) -> str:
    """The index pool of a topic as one career sees it: the topic and that career's entries."""
    return f"{career}/{topic}"


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

    # "answer", "did_you_mean", or why nothing is answered: "fallback" (not understood),
    # "declined" (another occupation), "out_of_scope" (like a negative example), "bad_input".
    kind: str
    career: str
    questions: tuple[Question, ...] = ()
    confidence: float = 0.0
    reasons: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # did_you_mean: the topic ids offered
    level: str | None = None  # a school level named in the message
    school: str | None = None  # a school named in the message
    online: bool = False  # the message asks for online study
    alternatives: tuple[tuple[str, float], ...] = ()
    reply: str = ""  # the fixed reply when nothing is answered
    # The best topic or conversation intent and its confidence, even when it was not trusted
    # (the calibration view of `career-bot eval` reads it).
    candidate: tuple[str, float] | None = None


@dataclass(slots=True)
class _Part:
    words: list[str]  # analysed words
    question_like: bool
    referring: bool
    background: bool = False  # a statement beside a sentence that asks: none of it asks


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
    evidence: int = 0  # see Reader._evidence


def clean_text(text: str) -> str:
    """Drop control and format characters, collapse whitespace, cap the length."""
    text = text[: MESSAGE_CHARS * 2]
    if not text.isprintable():  # rare: only then pay for a per-character scan
        text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())[:MESSAGE_CHARS]


class Reader:
    """Reads messages against an index of targets and a phrase spotter."""

    def __init__(self, index: IntentIndex, targets: dict[str, Target], spotter: PhraseSpotter,
                 default_career: str, career_word: str | None = None,
                 related: dict[str, tuple[str, tuple[str, ...]]] | None = None,
                 titles: dict[tuple[str, str], str] | None = None,
                 keywords: dict[tuple[str, str], tuple[str, ...]] | None = None,
                 schools_topic: str = "", career_names: Sequence[str] = (),
                 answer_texts: dict[tuple[str, str], str] | None = None,
                 place_word: str | None = None) -> None:
        """``career_names``: the covered careers' names and aliases. ``related``: per
        career, the topic that answers about its related occupations and those occupations'
        names. ``titles``: per (career, topic or entry id), the title that
        "it" and "that" stand for in a follow-up. ``keywords``: per (career, entry id), the
        words that pick the entry right after its topic was answered. ``answer_texts``: per
        (career, topic or entry id), its answer text, whose figures a message may quote.
        ``place_word``: the word every place is rewritten to ("state")."""
        self.place_word = place_word
        self.index = index
        self.targets = [targets[key] for key in index.intents]
        self.spotter = spotter
        self.default_career = default_career
        self.career_word = career_word
        # One-word names of a covered career ("coding", "coder"): naming the career says
        # nothing about which of its topics a message asks.
        self._career_words = frozenset(
            w for name in career_names for w in index.analyse_words(normalise(name).split())
            if len(name.split()) == 1) | ({career_word} if career_word else set())
        self.schools_topic = schools_topic  # the topic that lists schools
        self._word_groups: dict[str, frozenset[str]] = {}  # see _groups_using
        self._frames = sorted({tuple(index.analyse_words(normalise(f).split()))
                               for f in _REQUEST_FRAMES}, key=len, reverse=True)
        # The words frames open with (every frame has words): a part opening with none of
        # them has no frame to drop.
        self._frame_openers = frozenset(f[0] for f in self._frames)
        self._related = {
            career: (topic, _Phrases([tuple(map(_singular, index.analyse_words(
                normalise(n).split()))) for n in names]))
            for career, (topic, names) in (related or {}).items()}
        self._antecedents = {key: tuple(index.analyse_words(normalise(title).split()))
                             for key, title in (titles or {}).items()}
        number = {(t.career, t.id): i for i, t in enumerate(self.targets) if t.kind == ENTRY}
        # Per (career, topic): its entries' keywords, as (target number, singular words).
        self._keywords: dict[tuple[str, str], list[tuple[int, tuple[str, ...]]]] = {}
        for (career, entry), phrases in (keywords or {}).items():
            if (career, entry) in number:
                i = number[career, entry]
                self._keywords.setdefault((career, self.targets[i].group), []).extend(
                    (i, tuple(map(_singular, index.analyse_words(normalise(p).split()))))
                    for p in phrases)
        # Per figure ("64170"), the targets whose answers state it: a message that quotes a
        # figure back ("is $64,170 at insurers real?") asks about the answer that gives it.
        self._figure_targets: dict[str, list[int]] = {}
        for i, target in enumerate(self.targets):
            text = (answer_texts or {}).get((target.career or default_career, target.id))
            if target.kind in (TOPIC, ENTRY) and text:
                for figure in set(_figures(normalise(text).split())):
                    self._figure_targets.setdefault(figure, []).append(i)
        self._groups = sorted({t.group for t in self.targets})
        self._members: dict[str, list[int]] = {}
        for i, target in enumerate(self.targets):
            self._members.setdefault(target.group, []).append(i)
        # Per group (in _groups order): its targets, and the kind of its first one.
        self._group_members = [self._members[g] for g in self._groups]
        self._group_number = {g: n for n, g in enumerate(self._groups)}
        # Each group's scores out of all targets' scores, as a tuple (a one-target group's
        # target twice, so that max() takes every group's tuple alike).
        self._group_getters = [itemgetter(*members) if len(members) > 1
                               else itemgetter(members[0], members[0])
                               for members in self._group_members]
        self._group_kind = {g: self.targets[members[0]].kind
                            for g, members in self._members.items()}
        # Per group: the stems its targets' patterns use. "Some member uses the word" is then
        # one set lookup instead of one per member (a topic has a dozen entries).
        self._group_stems = {g: frozenset().union(*map(index.stems_of, members))
                             for g, members in self._members.items()}
        # Per topic: the stems of its own patterns alone, without its entries'.
        self._own_stems = {g: frozenset().union(*(index.stems_of(i) for i in members
                                                  if self.targets[i].kind == TOPIC))
                           for g, members in self._members.items()}
        # Per group: the share of its patterns that use "where" and "when".
        self._wh_shares = {g: _wh_shares([t for m in members for t in index.texts_of(m)])
                           for g, members in self._members.items()}
        # The question words a topic asks with far more often than topics usually do
        # ("where" for the work setting and the schools): they say what it asks.
        topics = [g for g in self._members if self._group_kind[g] == TOPIC]
        typical = {w: statistics.median(self._wh_shares[g].get(w, 0.0) for g in topics)
                   for w in _CIRCUMSTANCE_WORDS} if topics else {}
        self._wh_telling = {g: frozenset(w for w in _CIRCUMSTANCE_WORDS
                                         if self._wh_shares[g].get(w, 0.0)
                                         >= WH_SHIFT * max(typical[w], WH_FLOOR))
                            for g in topics}
        self._wh_any = frozenset().union(*self._wh_telling.values())
        # Conversation intents none of whose patterns opens like a question (thanks, goodbye):
        # a message that does ("im pretty shy, is that ok?") is not one of them.
        self._never_asked = frozenset(
            g for g, members in self._members.items() if self._group_kind[g] == CHAT
            and not any(_opens_question(t.split()) for m in members for t in index.texts_of(m)))
        # Words our answers' questions use; a word only out-of-scope examples use is no sign
        # that a message is about the career.
        self._known_stems = frozenset().union(*(
            stems for g, stems in self._group_stems.items() if self._group_kind[g] != NEGATIVE))
        self._english = english_words()
        # Per career, per group (in _groups order): the index pool of the whole topic, or the
        # group's one target (a group without entries is its own pool).
        pools = {pool: i for i, pool in enumerate(index.pools)}
        self._pool_columns = {
            career: [pools.get(pool_id(career, g), -1 - members[0])
                     for g, members in zip(self._groups, self._group_members, strict=True)]
            for career in {t.career for t in self.targets if t.career} | {default_career}}
        careers = {t.career for t in self.targets if t.career}
        self._other_careers = {c: [i for i, t in enumerate(self.targets)
                                   if t.career and t.career != c] for c in careers}

    # ------------------------------------------------------------------ the message
    def read(self, text: str, state: ConversationState) -> Understanding:
        """What ``text`` asks, read in the context of ``state``."""
        cleaned = clean_text(text)
        # "salary/outlook?" asks two things, like "salary, outlook?" ("and/or" is one word).
        joined = _WORD_SLASH.sub(" and ", cleaned.replace("and/or", "or"))
        ends = [m.group(0) for m in _BREAKS.finditer(joined)]
        read_segments = [(" ".join(w[:MAX_WORD_CHARS]
                                   for w in normalise(_CLAUSE_COMMA.sub(" and ", s)).split()),
                          "?" in end)
                         for s, end in zip(_BREAKS.split(joined), [*ends, ""], strict=True)]
        segments = [s for s, _ in read_segments if s]
        asked = [a for s, a in read_segments if s]
        words = [w for s in segments for w in s.split()]
        career = state.career or self.default_career
        if not words:
            return Understanding("bad_input", career, reply="bad_input")
        spots = self.spotter.find(words)
        base = Understanding(
            "answer", next((s.value for s in spots if s.kind == "career"), career),
            level=next((s.value for s in spots if s.kind == "level"), None),
            school=next((s.value for s in spots if s.kind == "school"), None),
            online="online" in words)
        others = self._other_occupations(spots, words, _possessives(cleaned))
        other = others[0] if others else None
        # "is a health unit coordinator the same thing?" compares it with the career; a
        # message naming two other occupations ("pharmacist vs doctor pay") compares those.
        compared = len(set(others)) == 1 and _compares_with_career(words, spots)
        if other is not None and not compared:
            return replace(base, kind="declined", reply="other_career",
                           reasons=(f"names {other}, not covered",))
        if _asks_to_act(words, spots):
            return replace(base, kind="out_of_scope", confidence=1.0, reply=CANNOT_DO,
                           reasons=("asks the bot to act",))

        marked: list[str] = []
        for segment in segments:
            marked += [*segment.split(), BOUNDARY]
        analysed = self.index.analyse_words(marked)
        if self.place_word in analysed:
            analysed = _there_as_place(analysed, self.place_word)
        whole_words = [w for w in analysed if w != BOUNDARY]
        whole = _Part(whole_words, True, _referring(whole_words))
        # The targets whose answers state a figure the message quotes, for every part of it:
        # "coders at insurers average $64,170. is that real?" asks about that figure.
        quoted = frozenset(i for f in _figures(whole_words)
                           for i in self._figure_targets.get(f, ()))
        # "and" inside a name ("medical and health services manager") joins no questions.
        named_joins = frozenset(
            (words[i - 1], words[i + 1]) for spot in spots
            for i in range(spot.start + 1, spot.end - 1) if words[i] in _JOINS)
        questions, verdicts = self._questions(self._parts(analysed, cleaned, asked), whole,
                                              state.evolve(career=base.career),
                                              any(s.kind == "career" for s in spots),
                                              compared, named_joins, base.school is not None,
                                              quoted, "?" in cleaned)
        best = verdicts[0]  # the whole message
        candidate = next(((v.group, round(v.score, 4)) for v in verdicts
                          if v.kind in (TOPIC, CHAT)), None)
        # Built directly rather than by dataclasses.replace (a few microseconds a message): all
        # that base holds so far is its career, level, school and online flag.
        base = Understanding("answer", base.career, level=base.level, school=base.school,
                             online=base.online, alternatives=best.ranked, candidate=candidate)
        follow = self._follow_up(spots, state, questions, _opens_referring(whole.words))
        if follow is not None:
            questions = [follow]
        if questions and follow is None and not quoted \
                and self._about_something_else(whole, spots, words, state):
            return replace(base, kind="fallback", confidence=0.0, reply="fallback",
                           reasons=("more unknown words than known",))
        if questions:
            # (Built directly too: the answer to nearly every message.)
            return Understanding("answer", base.career, questions=tuple(questions),
                                 confidence=min(q.score for q in questions),
                                 reasons=tuple(r for q in questions for r in q.reasons),
                                 level=base.level, school=base.school, online=base.online,
                                 alternatives=base.alternatives, candidate=base.candidate)
        if best.kind == NEGATIVE and best.score >= THRESHOLD:
            return replace(base, kind="out_of_scope", confidence=best.score,
                           reply=best.target.reply, reasons=(f"like {best.target.id}",))
        if best.kind == TOPIC and best.runner_up is not None \
                and best.score >= THRESHOLD * DID_YOU_MEAN_FLOOR:
            return replace(base, kind="did_you_mean", confidence=best.score,
                           options=(best.group, best.runner_up[0]), reasons=("two topics fit",))
        if base.school is not None and self.schools_topic and best.kind != NEGATIVE:
            return replace(base, questions=(Question(" ".join(words), self.schools_topic, None,
                                                     THRESHOLD, ("names a school",)),),
                           confidence=THRESHOLD)
        return replace(base, kind="fallback", confidence=best.score, reply="fallback")

    # ------------------------------------------------------------------ parts
    def _parts(self, analysed: list[str], cleaned: str, asked: list[bool]) -> list[_Part]:
        """Sentences, then clauses at joining words; each part with how it reads.

        ``asked`` says which sentences end with a question mark: where one does, a sentence
        that ends otherwise and states something ("money is tight.") is background."""
        sentences: list[list[str]] = [[]]
        for word in analysed:
            if word == BOUNDARY:
                sentences.append([])
            else:
                sentences[-1].append(word)
        sentences = [s for s in sentences if s]
        parts: list[_Part] = []
        for i, words in enumerate(sentences):
            # "a friend said it is a desk job. is that true?" asks about the statement.
            pointed_at = i + 1 < len(sentences) \
                and not _STATEMENT_POINTERS.isdisjoint(sentences[i + 1][:3])
            stated = (any(asked) and i < len(asked) and not asked[i] and not pointed_at
                      and (_states(words) or (any(asked[i + 1:]) and _describes(words))))
            parts.append(_Part(words, _question_like(words) and not stated,
                               _referring(words), stated))
        if cleaned.rstrip().endswith("?") and parts:
            parts[-1].question_like = True
        return parts

    def _questions(self, parts: list[_Part], whole: _Part, state: ConversationState,
                   names_career: bool = False, compared: bool = False,
                   named_joins: frozenset[tuple[str, str]] = frozenset(),
                   names_school: bool = False, quoted: frozenset[int] = frozenset(),
                   marked: bool = False) -> tuple[list[Question], list[_Verdict]]:
        """The confident questions of a message, and the verdicts (whole message first).
        ``marked``: the message has a question mark."""
        judged: dict[tuple[str, ...], _Verdict] = {}
        # Raw index scores per word list: a follow-up's part is also read without the context
        # (_unless_clearly_new), and the index scores the same words the same either way.
        scores: dict[tuple[str, ...], Scores] = {}

        antecedent = self._antecedents.get((state.career or "", state.entry or state.topic
                                            or ""), ())
        if (names_career or state.topic is None) and self.career_word:
            # "coding pays well but what even is it?": "it" is the career the message names;
            # in a new chat, "what do they do?" asks about the career the bot is about.
            antecedent = (self.career_word,)

        def judge(part: _Part) -> _Verdict:
            key = (*part.words, "?" if part.referring else "")
            following = _next_step(part.words)
            if following and key not in judged and state.topic is not None:
                # "and after that, which cert?" after the schooling asks the next step on
                # its own words, not on the last answer's.
                judged[key] = self._judge(_Part(following, part.question_like, False),
                                          state.evolve(topic=None, entry=None), compared,
                                          names_school, quoted, scores)
            if key not in judged:
                unframed = self._unframed(part)
                verdict = self._judge(unframed, state, compared, names_school, quoted, scores)
                described = _described(unframed.words)
                if described:
                    # "what is the job like" asks for a description: read without "like" too,
                    # which otherwise pulls towards similar careers ("jobs like coding").
                    plain = self._judge(_Part(described, unframed.question_like,
                                              unframed.referring),
                                        state, compared, names_school, quoted, scores)
                    if plain.score > verdict.score or not self._evidence(described,
                                                                        verdict.group):
                        verdict = plain
                if antecedent and part.referring and len(part.words) <= _RESOLVE_WORDS:
                    # "is it hard?" after the CPC: also read it as "is the CPC exam hard?"
                    # "they" and "them" stand for a one-word antecedent: the career, or a
                    # title naming many ("Schools", "Receptionists").
                    resolved = _resolve(part, antecedent, people=len(antecedent) == 1)
                    if resolved is not None:
                        other = self._judge(resolved, state, compared, names_school, quoted,
                                            scores)
                        # Read against the last answer, a follow-up that stays on its topic
                        # wins ("how long does it take?" after the CPC is about the CPC), but
                        # does not repeat the last answer when the message asks something
                        # else clearly ("can I take it from home" after DRGs).
                        repeats = _asks(other) == (state.topic, state.entry or "")
                        stays = other.group == state.topic and _confident(other)
                        # A short one whose every word the last topic uses too stays on it
                        # ("is it hard?" after the exams is about the exams).
                        # The bare topic does not beat one of its own entries read on the
                        # words alone ("how much is it" after the CPC: the exam fees).
                        vaguer = (other.entry is None and verdict.entry is not None
                                  and other.group == verdict.group and _confident(verdict))
                        # "does it pay well?" after the coursework: read alone it names pay
                        # in pay's own word; "it" is the career, not the coursework.
                        named_new = (verdict.group != state.topic and verdict.score >= SURE
                                     and self._names_topic_word(part.words, verdict.group,
                                                                len(self._groups)))
                        if (other.score > verdict.score or stays) and not vaguer \
                                and not named_new and (
                                not repeats or not _confident(verdict)
                                or (len(part.words) <= _SHORT_REPEAT
                                    and self._all_words_used(part.words, state.topic or ""))):
                            verdict = other
                if state.topic is not None and verdict.group == state.topic:
                    verdict = self._unless_clearly_new(part, state, verdict, compared,
                                                       names_school, quoted, scores)
                judged[key] = verdict
            return judged[key]

        whole_verdict = judge(whole)
        pieces = [clause for part in parts[:MAX_CLAUSES]
                  for clause in self._clauses(part, judge, named_joins,
                                              in_context=state.topic is not None)]
        # Topic questions only: a greeting or thanks around a question is not answered, and a
        # conversation intent answers only a message that is one as a whole.
        found: list[tuple[_Part, _Verdict]] = []
        closing = [p for p in pieces if judge(p).group in self._never_asked
                   and _confident(judge(p))]
        if closing and len(pieces) > 1 and not marked and state.topic is not None \
                and all(p in closing or p.referring for p in pieces) \
                and not any(_asks_somewhere(p.words) for p in pieces):
            # "thanks, that's reassuring", "ok thats all i needed, bye": a thank-you or a
            # goodbye with a remark on the last answer, asking nothing.
            for piece in closing:
                if all(v.group != judge(piece).group for _, v in found):
                    found.append((piece, judge(piece)))
        for piece in pieces if not found else ():
            verdict = judge(piece)
            if len(pieces) > 1 and piece.referring and (
                    verdict.evidence < 2 or (quoted and not _figures(piece.words))
                    or (_about_the_statement(piece.words)
                        and self._evidence(piece.words, verdict.group) < 2)):
                continue  # "..., is that true?" asks about the rest of the message
            if verdict.kind != TOPIC or not _confident(verdict):
                continue
            same = next((k for k, (_, v) in enumerate(found) if _asks(v) == _asks(verdict)),
                        None)
            if same is None:
                found.append((piece, verdict))
            elif piece.question_like and not found[same][0].question_like:
                found[same] = (piece, verdict)  # the question, not the background, asks it
        if found:
            # "I'm 16. What do coders earn?": the question, not the background, is answered.
            found = [(p, v) for p, v in found if p.question_like] or found
        elif len(pieces) > 1 and all(judge(p).kind == CHAT and _confident(judge(p))
                                     for p in pieces):
            for piece in pieces:  # "thanks! bye"
                if all(v.group != judge(piece).group for _, v in found):
                    found.append((piece, judge(piece)))
        if not found and _confident(whole_verdict):
            found = [(whole, whole_verdict)]
        if len(found) == 1 and whole_verdict.kind == TOPIC and (
                whole_verdict.score > found[0][1].score
                and (found[0][1].group == whole_verdict.group
                     or (found[0][1].score < SURE <= whole_verdict.score))):
            # The whole message reads better than a part: "I passed the CPC but it says
            # CPC-A. what does the A mean" asks about the CPC-A, not what "mean" means.
            found = [(whole, whole_verdict)]
        elif len(found) == 1 and whole_verdict.kind == TOPIC and _confident(whole_verdict) \
                and _LEANING.intersection(found[0][0].words) \
                and len(found[0][0].words) < len(whole.words):
            # "I'm really shy. Can I still be a coder?" asks about what the user just said.
            found = [(whole, whole_verdict)]
        questions = [self._question(p, v) for p, v in found[:MAX_QUESTIONS]]
        others = sorted((v for v in judged.values() if v is not whole_verdict),
                        key=lambda v: v.score, reverse=True)
        return questions, [whole_verdict, *others]

    def _clauses(self, part: _Part, judge: Callable[[_Part], _Verdict],
                 named_joins: frozenset[tuple[str, str]] = frozenset(), *,
                 in_context: bool = False) -> list[_Part]:
        """``part`` split at joining words, when every clause is a confident question of a
        different topic; otherwise ``part`` whole ("billing and coding" stays one)."""
        pieces: list[list[str]] = [[]]
        words = part.words
        for j, word in enumerate(words):
            around = (words[j - 1] if j else "", words[j + 1] if j + 1 < len(words) else "")
            if word in _JOINS and around not in named_joins:
                if pieces[-1]:
                    pieces.append([])
                if word == _ASKED_FOR:
                    pieces[-1].append(word)  # "tell me about the career": asked for
            else:
                pieces[-1].append(word)
        pieces = _join_conditions(_join_compared([p for p in pieces if p]))[:MAX_CLAUSES]
        if len(pieces) < 2 or part.background:
            return [part]  # "... did retail for 20 years ... . how much is the exam?"
        # A clause of a statement about the user is background too, unless it asks
        # ("i'm 42 and changing careers from retail" states; "... and what would i earn" asks).
        stated = not part.question_like or not _question_like(words)
        asked_for = {i for i, p in enumerate(pieces) if p[0] == _ASKED_FOR and len(p) > 1}
        pieces = [p[1:] if i in asked_for else p for i, p in enumerate(pieces)]
        clauses = [_Part(p, _question_like(p) and (not stated or _opens_question(p)
                                                   or not _ASKING_WORDS.isdisjoint(p)),
                         _referring(p)) for p in pieces]
        # Keep the clauses that ask something of their own ("the pay, the hours, and if i can
        # do it from home"); fillers ("ok back to coding") and background go. One asked for
        # ("tell me about the career and the pay") needs only a confident topic.
        asking = [c for i, c in enumerate(clauses) if c.question_like and (
            _asks_alone(judge(c), c.words) or (i in asked_for and _confident(judge(c))))]
        if len({_asks(judge(c)) for c in asking}) > 1:
            return asking
        if len(asking) == 1 and any(not c.question_like for c in clauses) and not (
                _about_the_statement(asking[0].words)
                and (self._evidence(asking[0].words, judge(asking[0]).group) < 2
                     or (_figures(words) and not _figures(asking[0].words)))):
            # "my aunt says it pays well but what even is it": the question; but "my mom
            # says you need a license, is that true" and "i read coders make 64170, is that
            # legit" ask about what was said.
            return asking
        sure = [c for c in clauses if _confident(judge(c))]
        if in_context and sure and not _confident(judge(part)) \
                and len({judge(c).group for c in sure}) == 1:
            # "right away or only after some experience?" after remote work: read whole it
            # is unclear, but each half that is clear asks about the same topic.
            return [max(sure, key=lambda c: judge(c).score)]
        return [part]

    # ------------------------------------------------------------------ ranking
    def _judge(self, part: _Part, state: ConversationState,
               compared: bool = False, names_school: bool = False,
               quoted: frozenset[int] = frozenset(),
               scores: dict[tuple[str, ...], Scores] | None = None) -> _Verdict:
        """Rank one part: the best group with its confidence and the entry that answers it.

        ``scores`` keeps the index's raw and pool scores per word list for the rest of the
        message.
        """
        words = part.words
        if scores is None:
            known = self.index.pooled_scores(words)
        else:
            key = tuple(words)
            found = scores.get(key)
            known = scores[key] = found if found is not None else self.index.pooled_scores(words)
        base, pooled = known
        raw = base.copy()  # boosted below; the kept scores stay as the index gave them
        career = state.career or self.default_career
        for i in self._other_careers.get(career, ()):
            raw[i] = -1e9  # another career's question-level entries
        boost = 0.0
        if state.topic is not None:
            if _opens_referring(words):
                boost = CONTEXT_BOOST_STRONG
            elif part.referring or len(words) <= _SHORT or len(_telling(words)) <= 1:
                # ... or one that says only one thing ("how do i qualify" after the RHIT)
                boost = CONTEXT_BOOST
        related_topic, names = self._related.get(career, ("", _NO_PHRASES))
        # "which of those pays most" after the similar careers: those careers' pay.
        about_related = state.topic == related_topic and part.referring
        if related_topic and (compared or (
                (about_related or names.found_in(words))
                and not self._names_other_topic(words, related_topic))):
            for i in self._members.get(related_topic, ()):
                raw[i] += RELATED_BOOST  # "what do medical assistants make"
        if names_school and self.schools_topic:
            for i in self._members.get(self.schools_topic, ()):
                raw[i] += SCHOOL_BOOST  # "does Liberty have a billing course": that school
        for i in self.index.worded_as(words):
            raw[i] += EXACT_BOOST  # "should i become a coder": an editor wrote that question
        for i in quoted:
            raw[i] += FIGURE_BOOST  # "someone said coders at insurers make $64,170, true?"
        # "how many of them actually do" after remote work has no word of its own at all:
        # it asks on the last answer itself.
        wordless = bool(boost) and not any(w not in _EMPTY_WORDS for w in _telling(words)) \
            and self._wh_any.isdisjoint(words)
        if boost and (wordless or self._all_words_used(words, state.topic or "")):
            # "what about in texas?" after licensing: every word it has, licensing uses too.
            boost += CONTEXT_BOOST_OWN_WORDS
            if self.place_word and _telling(words) == [self.place_word]:
                # "in california?": a place narrows the last answer; alone it is no question
                # of pay by state.
                boost += CONTEXT_BOOST_OWN_WORDS
        if boost:
            entry_boost = CONTEXT_BOOST_ENTRY + (CONTEXT_BOOST_OWN_WORDS if wordless else 0.0)
            for i in self._members.get(state.topic or "", ()):
                raw[i] += boost
                if self.targets[i].kind == ENTRY and self.targets[i].id == state.entry:
                    raw[i] += entry_boost
        if state.topic is not None:
            # "and at insurance companies?" after pay: the entry that keyword names.
            for i, phrase in self._keywords.get((career, state.topic), ()):
                if _contains(words, phrase):
                    raw[i] += KEYWORD_BOOST
        likeness_of: dict[int, float] = {}
        if WORDING_WEIGHT:
            # The centroid favours small targets (an entry's few patterns are all about one
            # thing); how closely the nearest pattern is worded corrects for that.
            # sorted(...)[:n] is nlargest's documented equivalent (ties keep index order), and
            # sorts the ~100 scores in C rather than in heapq's Python loop.
            best = sorted(range(len(raw)), key=raw.__getitem__, reverse=True)[:WORDING_CANDIDATES]
            likeness_of = self.index.closeness(best, words)
            for i in best:
                raw[i] += WORDING_WEIGHT * likeness_of[i]
        # A topic scores as its best target (its own patterns or one of its entries), so a
        # question that fits a topic and its entry is not split between them, and a topic
        # with many entries gains nothing from their number.
        # (C-level maps: the same operations in the same order as a comprehension.)
        group_raw = list(map(max, map(call, self._group_getters, repeat(raw))))
        if POOL_SHARE:
            # The last topic's pool gets the context boost too. The weighted mean, not the
            # sum: a sum would sharpen the softmax (a lower temperature) and lift weak
            # out-of-scope matches over the threshold.
            whole = [pooled[c] if c >= 0 else base[-1 - c] for c in self._pool_columns[career]]
            if boost and state.topic in self._group_number:
                whole[self._group_number[state.topic]] += boost
            group_raw = [(r + POOL_SHARE * w) / (1.0 + POOL_SHARE)
                         for r, w in zip(group_raw, whole, strict=True)]
        best_raw = max(group_raw)
        exps = list(map(math.exp, map(truediv, map(sub, group_raw, repeat(best_raw)),
                                      repeat(TEMPERATURE))))
        total = sum(exps)
        group_share = list(map(truediv, exps, repeat(total)))
        order = sorted(range(len(self._groups)), key=group_share.__getitem__, reverse=True)
        first = self._groups[order[0]]
        if EVIDENCE_REACH > 1 and self._group_kind[first] == TOPIC and first != state.topic \
                and not self._evidence(words, first):
            # "how many active CCS holders are there": "how many ... are there" ranks the job
            # outlook first on its question words alone; the runner-up that a word of the
            # message names (the CCS) is what it asks. The last answer's topic needs no word
            # of its own ("which one has a better future?" after two careers compared).
            named = next((g for g in order[1:EVIDENCE_REACH]
                          if self._group_kind[self._groups[g]] == TOPIC
                          and self._evidence(words, self._groups[g])), None)
            if named is not None:
                order.remove(named)
                order.insert(0, named)
        if self._group_kind[first] == CHAT and self.career_word in words \
                and len(words) > _SHORT:
            # "do coders ask the doctors questions" asks about coders, not about the bot: the
            # topics share what the conversation intents leave.
            chat = [g for g in order if self._group_kind[self._groups[g]] == CHAT]
            left = 1.0 - sum(group_share[g] for g in chat)
            if left >= TOPICS_LEFT:  # ... unless it reads as nothing else ("thanks for the info")
                order = [g for g in order if g not in chat]
                group_share = [x / left for x in group_share]
        best_group = self._groups[order[0]]
        members = self._members[best_group]
        top = max(members, key=raw.__getitem__)
        if COVER_MARGIN and len(members) > 1:
            # Of the group's targets scoring about as well, the one whose patterns use more of
            # the message's telling words ("which of those earns more": the pay list, not
            # the growth entry that only shares "which of those ... more").
            content = _telling(words)
            close = [i for i in members if raw[i] >= raw[top] - COVER_MARGIN
                     # An entry that ranks first is not handed back to its broad topic,
                     # whose many patterns use more words of any message.
                     and (self.targets[i].kind == ENTRY or self.targets[top].kind != ENTRY)]
            if len(close) > 1 and content:
                def cover(i: int) -> int:
                    return sum(self.index.uses(i, w) for w in content)
                fuller = max(close, key=lambda i: (cover(i), raw[i]))
                if cover(fuller) > cover(top):
                    top = fuller
        if self.place_word in words and not names_school and (
                self.targets[top].kind == TOPIC or not self.index.uses(top, self.place_word)):
            # "median salary in Texas": of the topic's targets, the one about places (pay by
            # state), which says which states it knows. ("Southern New Hampshire University"
            # names a school, not a place.)
            placed = [i for i in members if self.index.uses(i, self.place_word)
                      and self.targets[i].kind == ENTRY]
            if placed:
                top = max(placed, key=raw.__getitem__)
        likeness = likeness_of.get(top)
        if likeness is None:
            likeness = self.index.likeness(top, words)[1]
        share = group_share[order[0]]
        score = share * likeness ** LIKENESS_POWER
        target = self.targets[top]
        evidence = self._evidence(words, best_group)
        if evidence == 1 and likeness >= CLOSE_WORDING:
            evidence = 2  # "what does a coder do": worded like one of its patterns
        if not evidence and top in quoted:
            evidence = 2  # "48,890 vs 50,250, which is right?": its figures say what it asks
        if not evidence and boost and best_group == state.topic:
            evidence = 2  # "and back in 2021?" after pay: the last answer is what it asks on
        if target.kind in (TOPIC, ENTRY) and not evidence:
            score = 0.0  # no word of the message is one this topic's patterns use
        if best_group in self._never_asked and _asks_somewhere(words):
            score = 0.0

        entry = target if target.kind == ENTRY else None
        ranked = tuple([(self._groups[g], round(group_share[g], 4)) for g in order[:4]])
        runner = None
        if len(order) > 1:
            second = self._groups[order[1]]
            second_kind = self._group_kind[second]
            gap = share - group_share[order[1]]
            if second_kind == TOPIC and gap <= DID_YOU_MEAN_GAP and score < SURE:
                runner = (second, group_share[order[1]])
        kind = TOPIC if target.kind in (TOPIC, ENTRY) else target.kind
        return _Verdict(best_group, kind, target, score, share, entry, runner, ranked,
                        evidence)

    def _unframed(self, part: _Part) -> _Part:
        """``part`` without a request frame it opens with ("i want to know what the pay is"
        asks the pay): the frame's words would pull towards patterns that share them."""
        kept = _without_fillers(part.words)
        words = _without_courtesy(kept)
        if words != kept:
            part = _Part(words, part.question_like, part.referring)  # "remote options thx"
        for j, word in enumerate(words[:_KNOWING_REACH]):
            if word in _KNOWING:
                # "my daughter wants to know (two things:) how much school it takes": the
                # question starts at the question word after whoever wants to know it.
                k = j + 1
                while k < len(words) and (words[k] in _COUNT_WORDS or words[k] in _PREFACED
                                          or words[k].isdigit()):
                    k += 1
                if k < len(words) and words[k] in _WH_WORDS and len(words) - k >= _FRAMED_MIN:
                    return _Part(words[k:], part.question_like, part.referring)
        if len(words) > 2 and words[1] in _PREFACED and (words[0].isdigit()
                                                          or words[0] in _COUNT_WORDS):
            # "ok 3 questions: pay, remote, certs": the count says only that questions follow
            return _Part(_without_fillers(words[2:]), part.question_like, part.referring)
        polite = next((len(p) for p in _POLITE if tuple(words[:len(p)]) == p), 0)
        if len(words) > polite + _FRAMED_MIN and words[polite] in _TELLING_FRAMES:
            words = words[polite + 1:]  # "(can you) explain what coders do" asks what they do
        if len(words) >= _FRAMED_MIN and words[0] in _WH_WORDS and words != part.words:
            # "tell me what coders do", "ok so how long is it": the question after the frame
            return _Part(words, part.question_like, part.referring)
        if not words or words[0] not in self._frame_openers:
            return part
        for frame in self._frames:
            n = len(frame)
            if tuple(words[:n]) == frame and len(words) - n >= _FRAMED_MIN:
                return _Part(words[n:], part.question_like, part.referring)
        return part

    def _unless_clearly_new(self, part: _Part, state: ConversationState, verdict: _Verdict,
                            compared: bool, names_school: bool,
                            quoted: frozenset[int],
                            scores: dict[tuple[str, ...], Scores] | None = None,
                            ) -> _Verdict:
        """``verdict`` (read on the last topic), unless the part read alone clearly asks
        another topic in words the last topic never uses ("which schools offer that" after
        the RHIT): a clear new question wins over the context."""
        fresh = self._judge(part, state.evolve(topic=None, entry=None), compared, names_school,
                            quoted, scores)
        if fresh.group == verdict.group or fresh.kind != TOPIC:
            return verdict
        if fresh.score >= THRESHOLD and (
                self._names_topic(part.words, fresh.group)
                or (self._names_topic_word(part.words, fresh.group)
                    and not _modifies(part.words) and _POINTING_BACK.isdisjoint(part.words))):
            # "what about certification" after certified pay, "would he need to be certified
            # too" after the schooling: that topic; but "and with a CPC?" after pay and "what
            # education for that one" after a similar career narrow the last answer
            return fresh
        if fresh.score < SURE:
            return verdict
        if fresh.score - verdict.score >= CLEARLY_NEW_GAP and not _opens_referring(part.words):
            # "how do i get certified then" after certified pay: even with the context boost
            # the last topic reads it far worse than the topic it asks on its own ("what
            # about cancer registrars?" after licensing still asks on licensing).
            return fresh
        if verdict.entry is not None and fresh.score >= SURE \
                and self._borrowed(part.words, fresh.group, state.topic or ""):
            return fresh
        last = self._group_stems.get(state.topic or "", frozenset())
        for w in _telling(part.words):
            groups = self._groups_using(w)
            if fresh.group in groups and stem(w) not in last and (
                    len(groups) <= NAMING_GROUPS or self._topic_worded(fresh.group, [w])):
                # A word that names the new topic, foreign to the last one; or that is one of
                # its own one-word patterns however widely used ("does it pay more at night"
                # after the hours: pay)
                return fresh
        # "where do they do it" after the duties asks where they work: it opens with a
        # question word the new topic asks with far more often than the last one does.
        opener = next((w for w in part.words if w not in _FILLERS), "")
        if opener in self._wh_telling.get(fresh.group, ()) \
                and opener not in self._wh_telling.get(state.topic or "", ()):
            return fresh
        return verdict

    def _borrowed(self, words: list[str], new: str, last: str) -> bool:
        """Whether only an entry of ``last`` holds ``words`` there, with ``new``'s own words
        that ``last``'s own patterns never use: "remote?" after the CPC exam (whose entry says
        it can be taken online), "can I do it online" after the schooling. ("is it hard?"
        after the exam points back at it; "do it" is the job.)"""
        telling = [stem(w) for w in _telling(words)]
        ours, theirs = self._own_stems.get(new, frozenset()), self._own_stems.get(last, frozenset())
        return bool(telling) and (_POINTING_BACK.isdisjoint(words)
                                  or _DOING_IT in pairwise(words)) \
            and all(w in ours for w in telling) and theirs.isdisjoint(telling)

    def _names_other_topic(self, words: list[str], group: str) -> bool:
        """Whether a word of ``words`` names a topic other than ``group`` and is foreign to
        it ("what is the ODS credential for cancer registrars": the credential)."""
        for w in _telling(words):
            groups = self._groups_using(w)
            if groups and group not in groups and len(groups) <= NAMING_GROUPS \
                    and all(self._group_kind[g] == TOPIC for g in groups):
                return True
        return False

    def _names_topic_word(self, words: list[str], group: str,
                          limit: int = TOPIC_NAME_GROUPS) -> bool:
        """Whether a word of ``words`` is by itself one of ``group``'s topic patterns
        ("certification", "cpc", "salary") and used by at most ``limit`` groups."""
        return any(self._topic_worded(group, [w]) for w in words
                   if len(self._groups_using(w)) <= limit)

    def _names_topic(self, words: list[str], group: str) -> bool:
        """Whether a follow-up, past its opening ("what about", "and"), is worded exactly as
        one of ``group``'s own topic patterns ("what about certification", "and schools?")."""
        rest = _without_fillers(words[2:] if " ".join(words[:2]) in _REFERRING_OPENERS
                                else words)
        return self._topic_worded(group, rest)

    def _topic_worded(self, group: str, words: list[str]) -> bool:
        """Whether ``group``'s own topic patterns include one of exactly these words."""
        return any(self.targets[i].kind == TOPIC and self.targets[i].group == group
                   for i in self.index.worded_as(words))

    def _about_something_else(self, whole: _Part, spots: Sequence[Spot], words: list[str],
                              state: ConversationState) -> bool:
        """Whether a message that names neither the career nor a term of its field has as many
        words no pattern knows as words some pattern uses: "how do i make lasagna", "nba scores
        tonight", "is messi better than ronaldo" share only everyday words with our questions,
        and their subject is a word we have never seen. (A message quoting a figure our answers
        state is about them: the caller checks that first.)"""
        if state.topic is not None and (whole.referring
                                        or not _REFERRING_WORDS.isdisjoint(whole.words)):
            return False  # "what about for veterans?", "what do they do": the last answer's
        if any(s.kind in ("career", "covered", "level") for s in spots):
            return False
        if any(a in _POINTING and b in _CAREER_NOUNS for a, b in pairwise(words)):
            return False  # "could I do this job from my kitchen table?": the career
        known = unknown = 0
        # An occupation or field the message names as background ("my CNA", "former bank
        # teller here") is a known thing, not an unknown subject (one it asks about was
        # declined before this). A listed school's name counts for neither side: "Grand
        # Canyon hiking tours" and "Purdue football score" are about something else.
        named = frozenset(self.index.analyse_words(
            [w for s in spots if s.kind in ("occupation", "subject", "school")
             for w in words[s.start:s.end]]))
        for w in _telling(whole.words):
            if w in named:
                continue
            if _YEAR.fullmatch(w):
                return False  # "back in 2018 how many jobs existed": a figure of a year
            if w in _EMPTY_WORDS or not w.isalpha():
                continue
            if w in self._career_words:
                return False
            if stem(w) in self._known_stems or self._grown_from_known(w):
                if w not in self._english and stem(w) in self._known_stems and (
                        len(w) <= _TERM_LETTERS or len(self._groups_using(w)) <= NAMING_GROUPS):
                    return False  # "drg", "rhit", "cahiim", "medicare": a term of the field
                known += 1
            else:
                unknown += 1
        # Mid-conversation a follow-up may bring a new word ("how long until I lose the A"
        # after the CPC-A): there the unknown words must outnumber the known ones.
        return unknown > 0 and (unknown > known if state.topic else unknown >= known)

    def _grown_from_known(self, word: str) -> bool:
        """Whether ``word`` is a known word with a prefix or ending added ("oversaturated" is
        "saturated", "recoding" "coding"): the same subject, not an unknown one."""
        n = len(word)
        return any(stem(word[k:]) in self._known_stems for k in range(1, n - _GROWN_CORE + 1)) \
            or any(stem(word[:k]) in self._known_stems for k in range(_GROWN_CORE, n))

    def _groups_using(self, word: str) -> frozenset[str]:
        """The topics and intents whose patterns use ``word``."""
        groups = self._word_groups.get(word)
        if groups is None:
            key = stem(word)
            groups = frozenset(g for g, stems in self._group_stems.items() if key in stems)
            if len(self._word_groups) < _WORD_GROUPS_CACHE:
                self._word_groups[word] = groups
        return groups

    def _all_words_used(self, words: list[str], group: str) -> bool:
        """Whether ``group``'s targets use every content word of ``words`` (and there is
        one)."""
        content = [w for w in words if w not in STOPWORDS and len(w) > 1 and w != BOUNDARY]
        stems = self._group_stems.get(group, frozenset())
        return bool(content) and all(stem(w) in stems for w in content)

    def _evidence(self, words: list[str], group: str) -> int:
        """2 when a telling content word of the message is used by one of ``group``'s
        targets, 1 when only the career's own name is, 0 when none is."""
        stems = self._group_stems[group]
        if not self._wh_telling.get(group, frozenset()).isdisjoint(words):
            return 2  # "where do they do it": where they work
        level = 0
        for w in words:
            if (w in STOPWORDS or w in _FILLERS or w in _EMPTY_WORDS or len(w) < 2
                    or w.isdigit() or w == BOUNDARY):
                continue  # "ok back to coding" says nothing about pay, "is that true" nothing
            if stem(w) in stems:
                if w not in self._career_words:
                    return 2
                level = 1
        return level

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
            if spot.kind in ("level", "school") and state.topic == self.schools_topic:
                return Question("", state.topic, None, THRESHOLD, ("school filter",))
        return None

    def _other_occupations(self, spots: Sequence[Spot], words: list[str],
                           possessive: set[str]) -> list[str]:
        """The occupations or fields of study a message asks about, when the bot does not
        cover it and the message names no covered career. An occupation is context, not the
        subject, after "with/to/from/by" ("work with doctors"), as a possessive ("the
        doctor's notes"), before a place or document ("doctors' offices"), or as the user's
        own background ("I'm a nurse", unless they want to become one)."""
        careers = [s for s in spots if s.kind in ("career", "covered")]
        if careers:
            # "is coding in minecraft hard": beside software, "coding" is programming. A
            # longer name of the career ("medical coding") or a comparison ("is coding like
            # computer science") keeps the message about the career.
            programming = [s.value for s in spots if s.kind == "programming"]
            if programming and all(s.end - s.start == 1 for s in careers) \
                    and _COMPARING.isdisjoint(words) and "like" not in words:
                return programming
            return []
        found: list[str] = []
        for spot in spots:
            if spot.kind not in ("subject", "occupation", "programming"):
                continue
            before = words[spot.start - 1] if spot.start > 0 else ""
            after = words[spot.end] if spot.end < len(words) else ""
            window = set(words[max(0, spot.start - _BACKGROUND_WINDOW):spot.start])
            background = not window.isdisjoint(_FIRST_PERSON) and window.isdisjoint(_BECOMING)
            compared_to = spot.start > 1 and words[spot.start - 2] in _COMPARING
            if not window.isdisjoint(_MEANWHILE):
                continue  # "can i study online while still driving": what the user does meanwhile
            if spot.kind != "occupation":
                # A field, school or licence is the subject unless it is the user's own past
                # ("I was in the army", "I have an accounting degree") or what the career may
                # require ("do I need a biology degree first?").
                served = (before == "the" and spot.start > 1
                          and words[spot.start - 2] in _SERVED_IN)
                # ... but "do I need a fishing license" asks about that licence itself.
                licence = not _LICENCES.isdisjoint(words[spot.start:spot.end + 1])
                required = (not window.isdisjoint(_REQUIRING) and not licence
                            and not _purpose_before(words, spot.start))
                # "I have an accounting degree" is the user's; "what schools have dental
                # assisting programs" asks about that field.
                # ... and "my nursing background" is the user's, but "my driver's license"
                # asks about that licence.
                mine = _OWN_PAST | _FORMER if licence else _OWN_PAST | _FORMER | _MINE
                own = not window.isdisjoint(mine) and (
                    "have" not in window
                    or not _FIRST_PERSON.isdisjoint(words[:spot.start]) or "ive" in window)
                if not (served or required or own or _measured_against(words, spot.start)):
                    found.append(spot.value)
                continue
            owned = not _OWNED.isdisjoint(words[spot.end:spot.end + _OWNED_REACH])
            if ((before in _CONTEXT_WORDS and not compared_to) or after in _CONTEXT_FOLLOWERS
                    or (words[spot.end - 1] in possessive and not owned) or background
                    or _measured_against(words, spot.start)):
                continue
            found.append(spot.value)
        return found


def _measured_against(words: list[str], start: int) -> bool:
    """Whether the phrase at ``start`` follows "than" ("better paid than a bank teller") or
    "like" with the career pointed at before it ("do they work shifts like nurses"): what the
    career is compared with, not what is asked about."""
    if "than" in words[max(0, start - _STANDARD_REACH):start]:
        return True  # "than his truck driving job": a few words may stand between
    i = start - 1
    while i >= 0 and words[i] in _STANDARD_GAP and start - i <= 2:
        i -= 1
    # "do you need a license like nurses have": the generic "you" is the career too, but
    # not as the one who likes ("do you like nurses").
    return (i >= 0 and words[i] == "like" and i > 0 and words[i - 1] not in _LIKERS
            and not (_CAREER_POINTERS | _STATEMENT_POINTERS | {"you"}).isdisjoint(words[:i]))


def _resolve(part: _Part, antecedent: tuple[str, ...], *, people: bool = False,
             ) -> _Part | None:
    """``part`` with its first "it", "that" or "this" replaced by ``antecedent``; with
    ``people`` "they" and "them" too ("what do they do" in a new chat asks about coders)."""
    pronouns = _PRONOUNS | _PEOPLE_PRONOUNS if people else _PRONOUNS
    for i, word in enumerate(part.words):
        if word in pronouns:
            words = [*part.words[:i], *antecedent, *part.words[i + 1:]]
            return _Part(words, part.question_like, part.referring)
    return None


def _figures(words: Sequence[str]) -> list[str]:
    """The figures in normalised words, as digit strings: "64 170" (from "$64,170") is
    "64170". Years and numbers under 100 are left out: they name no one answer."""
    found: list[str] = []
    i = 0
    while i < len(words):
        if not words[i].isdigit():
            i += 1
            continue
        number = words[i]
        i += 1
        while i < len(words) and len(words[i]) == 3 and words[i].isdigit():
            number += words[i]  # a thousands group split off at the comma
            i += 1
        if len(number) >= 3 and not _YEAR.fullmatch(number):
            found.append(number.lstrip("0") or "0")
    return found


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


class _Phrases:
    """Phrases of singular words (the related occupations' names), with the words that can
    open one as a message writes them, so that a message without any costs one set test."""

    __slots__ = ("cues", "phrases")

    def __init__(self, phrases: list[tuple[str, ...]]) -> None:
        self.phrases = phrases
        # A word whose singular is a phrase's first word is that word or it plus "s".
        self.cues = frozenset(w for p in phrases if p for w in (p[0], p[0] + "s"))

    def found_in(self, words: list[str]) -> bool:
        """Whether one of the phrases occurs in ``words`` (see ``_contains_any``)."""
        return not self.cues.isdisjoint(words) and _contains_any(words, self.phrases)


_NO_PHRASES = _Phrases([])


def _contains_any(words: list[str], phrases: list[tuple[str, ...]]) -> bool:
    """Whether one of ``phrases`` (singular words) occurs in ``words``, as ``_contains`` reads
    it; the words are made singular once, not once per phrase (dozens of occupation names)."""
    keys = [_singular(w) for w in words]
    present = set(keys)
    return any(phrase and phrase[0] in present
               and any(tuple(keys[i:i + len(phrase)]) == phrase
                       for i in range(len(keys) - len(phrase) + 1))
               for phrase in phrases)


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` (singular words) occurs in ``words`` (plural or singular)."""
    n = len(phrase)
    if not n or (phrase[0] not in words and phrase[0] + "s" not in words):
        return False
    keys = [_singular(w) for w in words]
    return any(tuple(keys[i:i + n]) == phrase for i in range(len(keys) - n + 1))


def _join_compared(pieces: list[list[str]]) -> list[list[str]]:
    """Put back together what a comparison joins: "the difference between the cpc | and the
    ccs", "what pays more | ccs | or cpc" are one question each."""
    out: list[list[str]] = []
    comparing = False
    for piece in pieces:
        short = len(_without_fillers(piece)) <= _COMPARED_WORDS or piece[0] in _ARTICLES
        if out and comparing and short:
            out[-1] = [*out[-1], "and", *piece]
            continue
        out.append(piece)
        comparing = not (_COMPARING_PAIR.isdisjoint(piece) and _COMPARATIVE.isdisjoint(piece))
    return out


def _compares_with_career(words: list[str], spots: Sequence[Spot]) -> bool:
    """Whether a message naming one other occupation compares it with the career: "is a
    health unit coordinator the same thing?", "is it similar to being a nurse", "medical
    assistant vs this" do; "what careers are similar to being a chef" asks about the chef."""
    at = next((i for i, w in enumerate(words) if w in _COMPARING), None)
    if at is None:
        return False
    if "same" in words or not _PRONOUNS.isdisjoint(words):
        return True  # the same thing as, or similar to, what "it" names: the career
    first = next((s.start for s in spots if s.kind == "occupation"), len(words))
    return first < at  # "is a medical assistant similar": similar to the career asked about


def _asks(verdict: _Verdict) -> tuple[str, str]:
    """What a verdict answers: its topic and entry ("cost n time" asks two entries)."""
    return verdict.group, verdict.entry.id if verdict.entry else ""


def _confident(verdict: _Verdict) -> bool:
    return verdict.kind in (TOPIC, CHAT) and verdict.score >= THRESHOLD


def _asks_alone(verdict: _Verdict, words: list[str]) -> bool:
    """Whether a clause split off a message is a question of its own: worded like one, or
    clearly about its topic ("2 year | or 4 year degree" is one question, not pay + school)."""
    if not _confident(verdict):
        return False
    if _opens_question(words):
        return verdict.evidence > 1 or verdict.score >= CLAUSE_SURE
    return verdict.evidence > 1 and verdict.score >= CLAUSE_SURE


def _without_fillers(words: list[str]) -> list[str]:
    start = 0
    while start < len(words) and words[start] in _FILLERS:
        start += 1
    return words[start:]


def _without_courtesy(words: list[str]) -> list[str]:
    """``words`` without the thanks or please they end with ("remote options thx"), when at
    least two words are left ("sweet thanks" thanks)."""
    end = len(words)
    while end > _COURTESY_LEFT and words[end - 1] in _COURTESY:
        end -= 1
    if end > _COURTESY_LEFT + 1 and words[end - 2:end] == ["thank", "you"]:
        end -= 2
    return words[:end]


def _opens_question(words: list[str]) -> bool:
    """Whether a part starts like a question ("honestly, what even is it")."""
    rest = _without_fillers(words)
    return bool(rest) and rest[0] in _QUESTION_OPENERS


def _modifies(words: list[str]) -> bool:
    """Whether a follow-up opens by narrowing the last answer ("and with a CPC?", "for
    hospitals?")."""
    rest = _without_fillers(words)
    return bool(rest) and rest[0] in _NARROWING


def _next_step(words: list[str]) -> list[str]:
    """The words after an opening "after that" ("and after that does he need to get
    certified"), or [] when the part does not open so."""
    rest = _without_fillers(words)
    if len(rest) > 2 and rest[0] == "after" and rest[1] in _POINTED | {"it"}:
        return rest[2:]
    return []


def _asks_somewhere(words: list[str]) -> bool:
    """Whether a part opens like a question or has a clause that does ("im pretty shy, is
    that ok": the comma reads as "and")."""
    return _opens_question(words) or any(a in _JOINS and b in _QUESTION_OPENERS
                                         for a, b in pairwise(words))


def _question_like(words: list[str]) -> bool:
    """Whether a part reads as a question or a request, not as background or filler."""
    words = _without_fillers(words)
    if not words:
        return False
    if words[0] in _STATEMENT_OPENERS:  # "i'm 16" no; "i want to know the pay" yes
        return not _ASKING.isdisjoint(words)
    return True  # a question, or a bare ask ("pay for hospital coders")


def _described(words: list[str]) -> list[str]:
    """``words`` without a describing "like" ("what is the job like (to do)"), or [] when
    they have none: "what jobs are like it" and "kind of like" compare."""
    like = words.index("like") if "like" in words[2:] else -1
    if like < 0 or words[0] not in ("what", "how", "whats") or words[like - 1] in _COMPARING \
            or words[like - 1] == "of" \
            or (words[like + 1] if like + 1 < len(words) else "") not in _DESCRIBING_LIKE_NEXT:
        return []
    return [*words[:like], *words[like + 1:]]


def _join_conditions(pieces: list[list[str]]) -> list[list[str]]:
    """An "if ..." clause that opens a message and comes before a question is its
    condition, read with it: "if I collect 3 or more credentials, what would I make" asks
    the pay of three credentials."""
    joined: list[list[str]] = []
    open_condition = False  # the last piece is a condition still waiting for its question
    for piece in pieces:
        if open_condition:
            joined[-1] = [*joined[-1], *piece]
            open_condition = not _opens_question(piece)
        else:
            joined.append(piece)
            # only an opening one: "what they do and if it's chill" asks whether
            open_condition = not joined[:-1] and piece[0] in _CONDITIONS
    if open_condition:
        # no question followed ("... and if i can work from home"): the pieces stay apart
        return pieces
    return joined


def _states(words: list[str]) -> bool:
    """Whether a sentence is a statement: it does not open like a question and has a verb
    of stating after its subject ("money is tight", "the pay matters to me")."""
    return (not _opens_question(words) and _ASKING_WORDS.isdisjoint(words)
            and not _STATING_VERBS.isdisjoint(words[1:]))


def _describes(words: list[str]) -> bool:
    """Whether a sentence without a verb of stating, before a question, still only
    describes ("Retired Air Force, 45. Good with computers. Do I need a license?"): it does
    not open like a question, has no question or comparing word and runs to at least
    BACKGROUND_WORDS words."""
    return (len(words) >= BACKGROUND_WORDS and not _opens_question(words)
            and words[0] != _ASKED_FOR  # "tell me the outlook. also, which cert is best?"
            and _ASKING_WORDS.isdisjoint(words) and _ASKING.isdisjoint(words)
            and _COMPARING_PAIR.isdisjoint(words))


def _purpose_before(words: list[str], start: int) -> bool:
    """Whether a purpose word leads to the field at ``start`` ("what classes do I need for
    psychology"); the "to" of "need to" or "go to" does not ("do I need to go to med school")."""
    first = max(0, start - _BACKGROUND_WINDOW)
    return any(words[i] in _PURPOSES
               and not (words[i] == "to" and i and words[i - 1] in _NOT_PURPOSE)
               for i in range(first, start))


def _wh_shares(patterns: list[str]) -> dict[str, float]:
    """The share of ``patterns`` that use each circumstance question word."""
    counts = {w: sum(w in p.split() for p in patterns) for w in _CIRCUMSTANCE_WORDS}
    return {w: n / len(patterns) for w, n in counts.items()} if patterns else {}


def _telling(words: list[str]) -> list[str]:
    """The words of ``words`` that can say what is asked (no stopwords, fillers or marks)."""
    return [w for w in words if w not in STOPWORDS and w not in _FILLERS and len(w) > 1
            and w != BOUNDARY]


def _asks_to_act(words: list[str], spots: Sequence[Spot]) -> bool:
    """Whether a message opens by asking the bot to do something it cannot ("email my
    transcript", "can you fill out my fafsa", "call purdue global"), not to tell something
    ("send me the list of schools", "find me a school", "pay?"), or asks it in a clause
    after "and" ("send me the form and pay for it")."""
    if _opens_act(words, spots):
        return True
    return _ASKING_WORDS.isdisjoint(words) and any(
        w == "and" and _opens_act(words[i + 1:], ()) for i, w in enumerate(words[:-2]))


def _opens_act(words: list[str], spots: Sequence[Spot]) -> bool:
    rest = _without_fillers(words)
    for polite in _POLITE:
        if tuple(rest[:len(polite)]) == polite:
            rest = rest[len(polite):]
            break
    if len(rest) >= 2 and rest[0] in _ACTS_ON_MINE and _ASKING_WORDS.isdisjoint(words) and (
            rest[1] == "my" or (rest[1] in _POINTED and _contains(rest, ("for", "me")))):
        return True  # "can you do my homework", "check my resume", "code this chart for me"
    if len(rest) < 2 or rest[0] not in _ACTS or not _ASKING_WORDS.isdisjoint(words):
        return False  # "sign up for aapc, how do i do it" asks how
    if _contains(rest, ("for", "me")) and rest[0] not in _TELLING_ACTS:
        return True  # "apply to remote coding jobs for me"
    if (rest[0], rest[1]) in _PHRASAL_ACTS or (
            rest[1] in _ACT_OBJECTS and not (rest[1] == "me" and rest[0] in _TELLING_ACTS)):
        return True
    if rest[1] == "for" and rest[2:3] and rest[2] in _ACT_OBJECTS:
        return True  # "pay for it", "apply for me"
    if rest[1] in _ARTICLES and rest[0] not in _DESCRIBING_ACTS:
        return True  # "call the college"; but "pay the same in every state?" asks
    start = len(words) - len(rest) + 1  # the word after the verb names a school or body
    return any(s.start == start and s.kind == "school" for s in spots)


def _possessives(text: str) -> set[str]:
    """Words written as possessives ("doctor's", "doctors'"), as normalised words."""
    found: set[str] = set()
    if "'" not in text and "\u2019" not in text:
        return found
    for token in text.replace("\u2019", "'").lower().split():
        token = token.strip(".,;:!?\"()")
        if token.endswith("'s"):
            found.add(token[:-2])
        elif token.endswith("s'"):
            found.add(token[:-1])
    return found


def _about_the_statement(words: list[str]) -> bool:
    """Whether a part points back at what was said ("is that true", "is this right"), not at
    the career ("what is it") or at a thing named ("..., what exactly is that")."""
    return not _STATEMENT_POINTERS.isdisjoint(words) and _CAREER_POINTERS.isdisjoint(words) \
        and _without_fillers(words)[:1] not in (["what"], ["whats"])


def _there_as_place(words: list[str], place: str) -> list[str]:
    """``words`` with a "there" after a place read as that place: "I'm moving to Florida,
    what do coders make there?" asks the pay in Florida. "Is there" and "there are" stay."""
    first = words.index(place)
    after = [*words[1:], ""]
    return [place if w == "there" and i > first and words[i - 1] not in _BEING
            and after[i] not in _BEING else w for i, w in enumerate(words)]


def _opens_referring(words: list[str]) -> bool:
    # "ok" only acknowledges: "ok and at hospitals?" refers, "ok how much do coders make" asks
    rest = words[1:] if words[:1] in (["ok"], ["okay"]) and len(words) > 1 else words
    return bool(rest) and (rest[0] in _REFERRING_OPENERS
                           or " ".join(rest[:2]) in _REFERRING_OPENERS)


def _referring(words: list[str]) -> bool:
    return _opens_referring(words) or (len(words) <= 6
                                       and any(w in _REFERRING_WORDS for w in words))
