"""`career-bot eval`: accuracy, per-intent precision/recall and misses on a labelled set."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from bot.engine import Engine
from bot.intents import FALLBACK
from bot.render import render_plain
from bot.reply import Reply
from bot.state import ConversationState
from bot.understanding import THRESHOLD, Understanding


@dataclass
class Outcome:
    question: str
    expected: tuple[str, ...]
    got: str
    ok: bool
    why: str = ""
    runner_up: str = ""


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    # (in scope?, best candidate right?, its confidence) per single question, turn and
    # out-of-scope message: what moving the threshold would change.
    calibration: list[tuple[bool, bool, float]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(o.ok for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0


def _judge(item: dict[str, Any], reply: Reply) -> tuple[bool, str]:
    expect = tuple(item.get("expect", ()))
    if reply.intent not in expect:
        return False, f"got {reply.intent!r}"
    needles = item.get("contains_any")
    answer = render_plain(reply).lower()
    if needles and not any(str(n).lower() in answer for n in needles):
        return False, f"answer lacks any of {needles}"
    return True, ""


def _runner_up(reply: Reply) -> str:
    if not reply.alternatives:
        return ""
    intent, score = reply.alternatives[0]
    return f"{intent} {score:.2f}"


def _calibrate(report: Report, understanding: Understanding, expected: tuple[str, ...]) -> None:
    """Record the best candidate's confidence; out of scope counts as 0 when the bot knew the
    message was about something else (another occupation, an out-of-scope group)."""
    in_scope = expected != (FALLBACK,)
    candidate = understanding.candidate
    if understanding.kind in ("declined", "out_of_scope", "bad_input") or candidate is None:
        report.calibration.append((in_scope, False, 0.0))
        return
    group, score = candidate
    if understanding.questions:
        group, score = understanding.questions[0].intent, understanding.questions[0].score
    report.calibration.append((in_scope, group in expected, score))


def _ask(engine: Engine, report: Report, text: str, expected: tuple[str, ...],
         state: ConversationState) -> tuple[Reply, ConversationState]:
    state = state.evolve(turns=state.turns + 1)
    understanding = engine.understand(text, state)
    _calibrate(report, understanding, expected)
    return engine.answer(understanding, state)


def evaluate(engine: Engine, data: dict[str, Any]) -> Report:
    """Run every question of a labelled set (the dev.yaml format) through ``engine``."""
    report = Report()
    fresh = ConversationState()
    for item in data.get("single", []) or []:
        reply, _ = _ask(engine, report, str(item["q"]), tuple(item["expect"]), fresh)
        ok, why = _judge(item, reply)
        report.outcomes.append(Outcome(item["q"], tuple(item["expect"]), reply.intent, ok, why,
                                       _runner_up(reply)))
    for conversation in data.get("conversations", []) or []:
        state = ConversationState()
        for item in conversation["turns"]:
            reply, state = _ask(engine, report, str(item["q"]), tuple(item["expect"]), state)
            ok, why = _judge(item, reply)
            report.outcomes.append(Outcome(item["q"], tuple(item["expect"]), reply.intent, ok,
                                           why, _runner_up(reply)))
    for item in data.get("multi", []) or []:
        reply, _ = engine.respond(str(item["q"]), fresh)
        missing = [x for x in item["expect_all"] if x not in reply.intents]
        report.outcomes.append(Outcome(item["q"], tuple(item["expect_all"]),
                                       "+".join(reply.intents) or reply.intent, not missing,
                                       f"missing {missing}" if missing else ""))
    for question in data.get("oos", []) or []:
        reply, _ = _ask(engine, report, str(question), (FALLBACK,), fresh)
        ok = reply.intent == FALLBACK
        report.outcomes.append(Outcome(str(question), (FALLBACK,), reply.intent, ok,
                                       "" if ok else f"answered as {reply.intent!r}",
                                       f"{reply.intent} {reply.confidence:.2f}"))
    return report


def print_report(report: Report, out: IO[str]) -> None:
    """Accuracy, per-intent precision and recall, the most confused pairs, and every miss."""
    single = [o for o in report.outcomes if "+" not in o.got]
    gold = Counter(o.expected[0] for o in single)
    predicted = Counter(o.got for o in single)
    hits = Counter(o.expected[0] for o in single if o.ok)
    out.write(f"accuracy: {report.accuracy:.3f} ({sum(o.ok for o in report.outcomes)}/"
              f"{len(report.outcomes)})\n\n")
    out.write(f"{'intent':<18}{'precision':>10}{'recall':>8}{'n':>5}\n")
    for intent in sorted(set(gold) | set(predicted)):
        correct_pred = sum(1 for o in single if o.got == intent and o.ok)
        precision = correct_pred / predicted[intent] if predicted[intent] else 0.0
        recall = hits[intent] / gold[intent] if gold[intent] else 0.0
        out.write(f"{intent:<18}{precision:>10.2f}{recall:>8.2f}{gold[intent]:>5}\n")
    confused = Counter((o.expected[0], o.got) for o in report.outcomes
                       if not o.ok and o.got not in o.expected)
    if confused:
        out.write("\nmost confused (expected -> got):\n")
        for (want, got), n in confused.most_common(8):
            out.write(f"  {want} -> {got}: {n}\n")
    print_calibration(report, out)
    misses = [o for o in report.outcomes if not o.ok]
    if misses:
        out.write("\nmisses:\n")
        for o in misses:
            extra = f"; runner-up {o.runner_up}" if o.runner_up else ""
            out.write(f"  {o.question!r}: expected {'/'.join(o.expected)}, {o.why}{extra}\n")


def _bar(count: int, most: int, width: int = 30) -> str:
    return "#" * max(1 if count else 0, round(width * count / most)) if most else ""


def print_calibration(report: Report, out: IO[str]) -> None:
    """Confidence histograms of in-scope and out-of-scope messages, what each threshold
    keeps and rejects, and the threshold that maximises the two together."""
    rows = report.calibration
    inside = [r for r in rows if r[0]]
    outside = [r for r in rows if not r[0]]
    if not inside or not outside:
        return
    out.write("\nconfidence of the best candidate (in scope and right | out of scope):\n")
    bins = [(i / 10, (i + 1) / 10) for i in range(10)]
    counts = [(sum(1 for r in inside if r[1] and lo <= r[2] < hi + (hi == 1.0)),
               sum(1 for r in outside if lo <= r[2] < hi + (hi == 1.0))) for lo, hi in bins]
    most = max(max(c) for c in counts)
    for (lo, hi), (good, bad) in zip(bins, counts, strict=True):
        out.write(f"  {lo:.1f}-{hi:.1f} {good:>4} {_bar(good, most):<30} | {bad:>4} "
                  f"{_bar(bad, most)}\n")
    out.write(f"\n{'threshold':>9} {'in scope right':>15} {'out of scope rejected':>22}\n")
    best = (-1.0, 0.0)
    for step in range(1, 20):
        threshold = step / 20
        kept = sum(1 for r in inside if r[1] and r[2] >= threshold) / len(inside)
        rejected = sum(1 for r in outside if r[2] < threshold) / len(outside)
        mark = " <- now" if abs(threshold - THRESHOLD) < 0.025 else ""
        out.write(f"{threshold:>9.2f} {kept:>15.3f} {rejected:>22.3f}{mark}\n")
        if kept + rejected > best[0]:
            best = (kept + rejected, threshold)
    out.write(f"the threshold that maximises the sum on this set: {best[1]:.2f} "
              f"(the bot uses {THRESHOLD})\n")


def load_set(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected single/conversations/multi/oos sections")
    return data
