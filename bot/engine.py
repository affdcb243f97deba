"""The answer engine: a message and the chat's state in, a reply and the new state out.

Pure and synchronous: no I/O after loading, no Telegram. Understanding (``bot.understanding``)
turns text and state into an ``Understanding``; this module turns that into a ``Reply``.
Channels (terminal, Telegram, the JSON Lines protocol) render the Reply and store the state.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from bot import enginecache, payloads
from bot.answers import answer_section, fill, more_section, school_section, schools_section
from bot.catalogue import Catalogue, build_catalogue
from bot.config import default_cache_dir
from bot.errors import DataError
from bot.intents import FALLBACK, IntentSet, load_intents
from bot.knowledge import Career, KnowledgeBase, load_knowledge
from bot.knowledge.models import Entry, Topic
from bot.reply import Reply, Section, Suggestion
from bot.state import ConversationState
from bot.understanding import Question, Reader, Understanding

MAX_BUTTONS = 5
ENTRY_BUTTONS = 2  # question-level entries offered under an answer


class Engine:
    """Answers questions from a knowledge base, reading them with an intent index."""

    def __init__(self, knowledge: KnowledgeBase, intents: IntentSet) -> None:
        self.knowledge = knowledge
        self.intents = intents
        self.catalogue: Catalogue = build_catalogue(knowledge, intents)
        self.reader = Reader(self.catalogue.index, self.catalogue.targets,
                             self.catalogue.spotter, knowledge.default_career.id,
                             intents.career_word,
                             {c.id: (c.related_occupations_topic, c.related_occupations)
                              for c in knowledge.careers.values()},
                             _titles(knowledge, intents.career_word),
                             {(c.id, e.id): e.keywords for c in knowledge.careers.values()
                              for e in c.entries()},
                             self._schools_topic(knowledge.default_career),
                             [name for c in knowledge.careers.values()
                              for name in (c.name, *c.aliases)],
                             _answer_texts(knowledge), intents.place_word)
        self.topic_ids: tuple[str, ...] = knowledge.topic_ids()
        self.conversation_ids: tuple[str, ...] = self.catalogue.conversation_ids
        # (career, topic, entry) -> its answer section and buttons; see _answer_parts.
        self._answer_cache: dict[tuple[str, str, str | None],
                                 tuple[Section, tuple[Suggestion, ...]]] = {}

    @classmethod
    def load(cls, knowledge_dir: Path, intents_dir: Path, *,
             cache_dir: Path | Literal["default"] | None = "default") -> Engine:
        """Load and validate both directories; raise DataError listing every problem.

        An engine built before from exactly these files with exactly this code is read from
        ``cache_dir`` instead (``bot.enginecache``; "default" is ``default_cache_dir()``,
        None keeps no cache), and one built now is stored there for the next start.
        """
        folder = default_cache_dir() if cache_dir == "default" else cache_dir
        name = None
        if folder is not None:
            try:
                name = enginecache.key(knowledge_dir, intents_dir)
            except Exception:  # an unreadable file or name: no cache, the loader reports it
                name = None
        # Loading allocates tens of thousands of objects that all survive and form no cycles:
        # the collector's scans during it (a few milliseconds of start-up) could find nothing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            if folder is not None and name is not None:
                cached = cls._cached(folder, name)
                if cached is not None:
                    return cached
            engine = cls._load(knowledge_dir, intents_dir)
            if folder is not None and name is not None:
                enginecache.write(folder, name, engine)
            return engine
        finally:
            if enabled:
                gc.enable()

    @classmethod
    def _cached(cls, folder: Path, name: str) -> Engine | None:
        """The engine stored under ``name``, frozen out of the collector's way as a built
        one is (see ``IntentIndex.build``)."""
        gc.unfreeze()
        engine = enginecache.read(folder, name)
        gc.freeze()
        return engine if type(engine) is cls else None

    @classmethod
    def _load(cls, knowledge_dir: Path, intents_dir: Path) -> Engine:
        problems = []
        knowledge = intents = None
        try:
            knowledge = load_knowledge(knowledge_dir)
        except DataError as exc:
            problems += exc.problems
        try:
            intents = load_intents(intents_dir)
        except DataError as exc:
            problems += exc.problems
        if problems or knowledge is None or intents is None:
            raise DataError(problems)
        return cls(knowledge, intents)

    # ----------------------------------------------------------------- public API

    def understand(self, text: str, state: ConversationState) -> Understanding:
        """What ``text`` asks, read in the context of ``state``."""
        return self.reader.read(text, state)

    def respond(self, text: str, state: ConversationState) -> tuple[Reply, ConversationState]:
        """Answer one free-text message in the context of ``state``."""
        state = state.evolve(turns=state.turns + 1)
        understanding = self.understand(text, state)
        reply, state = self.answer(understanding, state)
        return _with(reply, alternatives=understanding.alternatives,
                     reasons=understanding.reasons), state

    def answer(self, understanding: Understanding,
               state: ConversationState) -> tuple[Reply, ConversationState]:
        """The reply to an Understanding, and the state after it."""
        career = self.knowledge.careers.get(understanding.career, self.knowledge.default_career)
        state = state.evolve(career=career.id)
        kind = understanding.kind
        if kind == "answer":
            return self._answer_questions(understanding, career, state)
        if kind == "did_you_mean":
            return self._did_you_mean(career, understanding), state
        unanswered = understanding.reply in (FALLBACK, "other_career")
        return self._fixed(understanding.reply or FALLBACK, unanswered=unanswered,
                           confidence=understanding.confidence, force_menu=True), state

    def select(self, payload: str, state: ConversationState) -> tuple[Reply, ConversationState]:
        """Answer a button press (a Suggestion payload) or a deep link."""
        state = state.evolve(turns=state.turns + 1)
        career = self.knowledge.careers.get(state.career or "", self.knowledge.default_career)
        parsed = payloads.parse(payload)
        kind, key = (parsed.kind, parsed.id) if parsed is not None else ("", "")
        if kind == payloads.TOPIC and key in career.topics:
            return self._answer_one(Question("", key, None, 1.0), career, state,
                                    Understanding("answer", career.id))
        if kind == payloads.ENTRY and (entry := career.entry(key)) is not None:
            return self._answer_one(Question("", entry.topic, entry.id, 1.0), career, state,
                                    Understanding("answer", career.id))
        if kind == payloads.MORE:
            reply = self._more(career, key)
            if reply is not None:
                return reply, state
        if kind == payloads.SCHOOLS:
            level = key if key in self.knowledge.schools.levels else None
            return self.schools(level, state)
        if kind == payloads.SCHOOL and any(s.id == key for s in self.knowledge.schools.schools):
            return self._answer_one(Question("", self._schools_topic(career), None, 1.0),
                                    career, state, Understanding("answer", career.id,
                                                                 school=key))
        if kind == payloads.INTENT and key in self.conversation_ids:
            return self._fixed(key, intent=key, confidence=1.0), state
        return self._fixed(FALLBACK, force_menu=True), state

    def issued(self, payload: str) -> bool:
        """Whether ``payload`` is one this engine could have issued (kind and ids exist)."""
        parsed = payloads.parse(payload)
        if parsed is None:
            return False
        topics = set(self.topic_ids)
        entries = {e.id for c in self.knowledge.careers.values() for e in c.entries()}
        known = {
            payloads.TOPIC: topics,
            payloads.ENTRY: entries,
            payloads.MORE: topics | entries,
            payloads.SCHOOLS: {*self.knowledge.schools.levels, payloads.ALL_LEVELS},
            payloads.SCHOOL: {s.id for s in self.knowledge.schools.schools},
            payloads.INTENT: set(self.conversation_ids),
        }
        if parsed.kind == payloads.VOTE:
            return all(i in topics or i in entries for i in payloads.voted(parsed))
        return parsed.id in known.get(parsed.kind, set())

    def welcome(self, state: ConversationState) -> tuple[Reply, ConversationState]:
        """The /start greeting with the topic menu."""
        return self._fixed("greeting", intent="greeting", confidence=1.0), state

    def help(self) -> Reply:
        return self._fixed("help", intent="help", confidence=1.0)

    def topics_menu(self) -> Reply:
        return Reply(intent="help", intents=("help",), confidence=1.0,
                     sections=(Section(body="Pick a topic:"),),
                     suggestions=self._topic_menu())

    def schools(self, level: str | None, state: ConversationState, *,
                online: bool = False) -> tuple[Reply, ConversationState]:
        """The school list, optionally filtered by a level id (unknown ids list them all)."""
        career = self.knowledge.careers.get(state.career or "", self.knowledge.default_career)
        known = level if level in self.knowledge.schools.levels else None
        return self._answer_one(Question("", self._schools_topic(career), None, 1.0), career,
                                state, Understanding("answer", career.id, level=known,
                                                     online=online),
                                explicit_level=True)

    def schools_asked(self, text: str,
                      state: ConversationState) -> tuple[Reply, ConversationState]:
        """The school list filtered by the level and "online" named in free text, read by
        the same phrase spotter as chat ("bachelors", "associate degree", "online", "all")."""
        understanding = self.understand(text, state) if text.strip() else None
        level = understanding.level if understanding is not None else None
        online = understanding.online if understanding is not None else False
        return self.schools(level, state, online=online)

    def sources(self) -> Reply:
        """Where the facts come from, how current they are and when each was checked."""
        lines: list[str] = []
        for career in self.knowledge.careers.values():
            holders: list[Topic | Entry] = [*career.topics.values(), *career.entries()]
            cited = {s.id for holder in holders for s in holder.cites}
            for source in career.sources.values():
                facts = [f for f in career.facts.values() if f.source == source]
                if not facts and source.id not in cited:
                    continue
                dates = ", ".join(dict.fromkeys(f.as_of.text for f in sorted(
                    facts, key=lambda f: (f.as_of.year, f.as_of.month or 0), reverse=True)))
                details = [d for d in (f"data: {dates}" if dates else "",
                                       f"checked {source.checked}" if source.checked else "")
                           if d]
                line = f"• {source.name}" + (f" ({'; '.join(details)})" if details else "")
                if source.note:
                    line += f". {source.note}"
                if source.url:
                    line += f" {source.url}"
                lines.append(line)
        intro = self._text("sources_intro")
        return Reply(intent="help", intents=("help",), confidence=1.0,
                     sections=(Section(body=intro + "\n\n" + "\n".join(lines)),))

    def not_text(self) -> Reply:
        return self._fixed("not_text", force_menu=True)

    def topic_payload(self, topic_id: str) -> str:
        return payloads.topic(topic_id)

    # ----------------------------------------------------------------- answering

    def _answer_questions(self, understanding: Understanding, career: Career,
                          state: ConversationState) -> tuple[Reply, ConversationState]:
        questions = understanding.questions
        if len(questions) == 1:
            return self._answer_one(questions[0], career, state, understanding)
        sections: list[Section] = []
        answered: list[str] = []
        reply: Reply | None = None
        for question in questions:
            reply, state = self._answer_one(question, career, state, understanding)
            sections.extend(reply.sections)
            answered.extend(reply.answered)
        assert reply is not None
        first = questions[0]
        return Reply(intent=first.intent, intents=tuple(q.intent for q in questions),
                     confidence=min(q.score for q in questions), sections=tuple(sections),
                     suggestions=reply.suggestions, entry=first.entry,
                     answered=tuple(answered),
                     is_topic_answer=any(q.intent in career.topics for q in questions)), state

    def _answer_one(self, question: Question, career: Career, state: ConversationState,
                    understanding: Understanding, *,
                    explicit_level: bool = False) -> tuple[Reply, ConversationState]:
        intent = question.intent
        if intent not in career.topics:
            fixed = self.knowledge.replies.get(intent)
            last = state.entry or state.topic
            if fixed is not None and fixed.more:
                more = self._more(career, last) if last else None
                if more is None:  # more on nothing: "why is the sky blue" in a new chat
                    return self._fixed(intent, unanswered=True, force_menu=True), state
                return replace(more, confidence=question.score), state  # "why?" after one
            return self._fixed(intent, intent=intent, confidence=question.score), state
        topic = career.topics[intent]
        entry = topic.entries.get(question.entry or "")
        if topic.lists_schools and entry is None:
            return self._schools_reply(topic, career, state, understanding, question.score,
                                       explicit_level)
        section, suggestions = self._answer_parts(career, topic, entry)
        reply = Reply(intent=intent, intents=(intent,), confidence=question.score,
                      sections=(section,), entry=entry.id if entry else None,
                      answered=(entry.id if entry else intent,),
                      suggestions=suggestions, is_topic_answer=True)
        return reply, state.evolve(topic=intent, entry=entry.id if entry else None)

    def _answer_parts(self, career: Career, topic: Topic,
                      entry: Entry | None) -> tuple[Section, tuple[Suggestion, ...]]:
        """The answer section of a topic or entry and the buttons under it.

        Both follow from the knowledge base alone, which an engine never changes (/reload
        builds a new engine), so each is worked out once, on its first use: filling in the
        facts and the source line is most of the cost of a reply with several answers.
        """
        key = (career.id, topic.id, entry.id if entry is not None else None)
        parts = self._answer_cache.get(key)
        if parts is None:
            holder: Entry | Topic = entry if entry is not None else topic
            parts = (answer_section(career, holder.title, holder.answer, holder.cites),
                     self._related(career, topic, entry))
            self._answer_cache[key] = parts
        return parts

    def _schools_reply(self, topic: Topic, career: Career, state: ConversationState,
                       understanding: Understanding, score: float,
                       explicit_level: bool) -> tuple[Reply, ConversationState]:
        schools = self.knowledge.schools
        if understanding.school is not None:
            school = next(s for s in schools.schools if s.id == understanding.school)
            section = school_section(schools, school)
            level = state.school_level
        else:
            level = understanding.level
            if level is None and not explicit_level:
                level = state.school_level if understanding.online else None
            section = schools_section(career, schools, level, topic.answer,
                                      online=understanding.online, title=topic.title)
        reply = Reply(intent=topic.id, intents=(topic.id,), confidence=score,
                      sections=(section,), answered=(topic.id,),
                      suggestions=self._level_buttons(level, topic), is_topic_answer=True)
        return reply, state.evolve(topic=topic.id, entry=None, school_level=level)

    def _more(self, career: Career, key: str) -> Reply | None:
        entry = career.entry(key)
        topic = career.topics.get(entry.topic if entry else key)
        if topic is None:
            return None
        holder: Entry | Topic = entry if entry is not None else topic
        section = more_section(career, holder.title, holder.answer, holder.more,
                               self._text("more_intro"), holder.cites)
        return Reply(intent=topic.id, intents=(topic.id,), confidence=1.0,
                     sections=(section,), entry=entry.id if entry else None,
                     answered=(key,),
                     suggestions=self._related(career, topic, entry, more=False))

    def _did_you_mean(self, career: Career, understanding: Understanding) -> Reply:
        return Reply(
            intent=FALLBACK, intents=(), confidence=understanding.confidence,
            sections=(Section(body=self._text("did_you_mean")),),
            suggestions=tuple(Suggestion(career.topics[t].title, payloads.topic(t))
                              for t in understanding.options if t in career.topics),
        )

    def _text(self, key: str) -> str:
        fixed = self.knowledge.replies.get(key)
        text = fixed.text if fixed is not None else ""
        return text.replace("{careers}", self.knowledge.career_names())

    def _fixed(self, key: str, *, intent: str = FALLBACK, unanswered: bool = False,
               confidence: float = 0.0, force_menu: bool = False) -> Reply:
        """A fixed reply (greeting, fallback, ...), with the topic menu where it asks for it."""
        fixed = self.knowledge.replies.get(key)
        menu = force_menu or (fixed is not None and fixed.menu)
        return Reply(intent=intent, intents=(intent,) if intent != FALLBACK else (),
                     confidence=confidence, sections=(Section(body=self._text(key)),),
                     suggestions=self._topic_menu() if menu else (), unanswered=unanswered)

    def _topic_menu(self) -> tuple[Suggestion, ...]:
        career = self.knowledge.default_career
        return tuple(Suggestion(t.title, payloads.topic(t.id)) for t in career.topics.values())

    def _related(self, career: Career, topic: Topic, entry: Entry | None,
                 more: bool = True) -> tuple[Suggestion, ...]:
        buttons: list[Suggestion] = []
        if entry is not None:
            buttons.append(Suggestion(topic.title, payloads.topic(topic.id)))
        holder: Entry | Topic = entry if entry is not None else topic
        if more and self._has_more(career, holder):
            buttons.append(Suggestion("More on this", payloads.more(holder.id)))
        others = (e for e in topic.entries.values() if entry is None or e.id != entry.id)
        buttons += [Suggestion(e.title, payloads.entry(e.id))
                    for e in islice(others, ENTRY_BUTTONS)]  # not a button for every entry
        buttons += [Suggestion(career.topics[r].title, payloads.topic(r)) for r in topic.related
                    if r in career.topics]
        return tuple(buttons[:MAX_BUTTONS])

    @staticmethod
    def _has_more(career: Career, holder: Entry | Topic) -> bool:
        _, facts = fill(holder.answer, career)
        return bool(holder.more) or any(f.source.note for f in facts) or any(
            s.note for s in holder.cites)

    def _level_buttons(self, current: str | None, topic: Topic) -> tuple[Suggestion, ...]:
        levels = self.knowledge.schools.levels
        buttons = [Suggestion(level.label, payloads.schools(level.id))
                   for level in levels.values() if level.id != current]
        if current is not None:
            buttons.insert(0, Suggestion("All schools", payloads.schools(None)))
        buttons += [Suggestion(e.title, payloads.entry(e.id)) for e in topic.entries.values()]
        return tuple(buttons)

    @staticmethod
    def _schools_topic(career: Career) -> str:
        return next((t.id for t in career.topics.values() if t.lists_schools),
                    next(iter(career.topics)))


def _answer_texts(knowledge: KnowledgeBase) -> dict[tuple[str, str], str]:
    """Per (career, topic or entry id), its answer and "more" text with the facts filled in:
    the figures a user may quote back ("is $64,170 at insurers real?")."""
    texts: dict[tuple[str, str], str] = {}
    for career in knowledge.careers.values():
        holders: list[Topic | Entry] = [*career.topics.values(), *career.entries()]
        for holder in holders:
            texts[career.id, holder.id] = fill(f"{holder.answer}\n{holder.more}", career)[0]
    return texts


def _with(reply: Reply, **changes: Any) -> Reply:
    """``dataclasses.replace(reply, **changes)`` without looking up the fields' definitions
    (once per message; Reply has slots, which name its fields)."""
    values = {name: getattr(reply, name) for name in Reply.__slots__}
    values.update(changes)
    return Reply(**values)


def _titles(knowledge: KnowledgeBase, career_word: str | None) -> dict[tuple[str, str], str]:
    """Per (career, topic or entry id), what "it" stands for in a follow-up: the answer's
    title when it names a thing ("The CPC credential"), else its topic's title, else the
    career itself (after "Is it worth it?")."""
    def named(title: str) -> bool:
        words = title.lower().split()
        return not title.endswith("?") and bool(words) and words[0] not in _NOT_A_NAME
    titles: dict[tuple[str, str], str] = {}
    for career in knowledge.careers.values():
        fallback = career_word or career.name
        for topic in career.topics.values():
            titles[career.id, topic.id] = topic.title if named(topic.title) else fallback
        for entry in career.entries():
            titles[career.id, entry.id] = entry.title if named(entry.title) else \
                titles[career.id, entry.topic]
    return titles


# Titles that open like a question or a clause are no name for "it".
_NOT_A_NAME = frozenset({"what", "how", "who", "where", "when", "why", "which", "is", "do",
                         "does", "can", "will", "should"})
