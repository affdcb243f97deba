"""The `career-bot` command: chat, ask, check, eval, run, unanswered, inbox."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.engine import Engine
from bot.errors import DataError


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    """The options every command takes, before or after the command's name."""
    parser.add_argument("--knowledge", type=Path, metavar="DIR", default=default,
                        help="knowledge base directory (env CAREERBOT_KNOWLEDGE_DIR)")
    parser.add_argument("--intents", type=Path, metavar="DIR", default=default,
                        help="intents directory (env CAREERBOT_INTENTS_DIR)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="career-bot", description=__doc__)
    _global_options(parser, default=None)
    # After the command: SUPPRESS leaves a value given before the command in place.
    after = argparse.ArgumentParser(add_help=False)
    _global_options(after, default=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=text, parents=[after])

    command("chat", "chat in the terminal (no Telegram token needed)")
    ask = command("ask", "answer one question, or JSON Lines on stdin")
    ask.add_argument("question", nargs="?", help="the question (omit with --json to read stdin)")
    ask.add_argument("--json", action="store_true", help="speak the JSON Lines protocol")
    check = command("check", "validate knowledge/ and intents/")
    check.add_argument("--stale-after", type=int, default=None, metavar="YEARS",
                       help="warn about facts whose data is older than this (default 3)")
    check.add_argument("--strict", action="store_true",
                       help="treat stale facts as problems (exit 1)")
    evaluate = command("eval", "score the bot on a labelled question set")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--min-accuracy", type=float, default=None,
                          help="exit 1 when accuracy is below this share (0..1)")
    run = command("run", "run the Telegram bot (polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", default=None,
                     help="receive updates by webhook instead of long polling")
    unanswered = command("unanswered", "most frequent unanswered questions, grouped")
    unanswered.add_argument("--limit", type=int, default=20)
    inbox = command("inbox", "updates that failed or wait for a reply")
    inbox.add_argument("--retry", nargs="+", metavar="ID",
                       help="queue failed updates again (ids, or all)")
    inbox.add_argument("--show", type=int, metavar="ID", help="print one update as received")
    return parser


def _load_engine(settings: Settings) -> Engine | None:
    try:
        return Engine.load(settings.knowledge_dir, settings.intents_dir,
                           cache_dir=settings.cache_dir)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the data: fix them and try again "
              "(career-bot check lists them)", file=sys.stderr)
        return None


def _check(settings: Settings, stale_after: int | None, strict: bool) -> int:
    from bot.checks import STALE_AFTER_YEARS, run_checks

    problems, warnings, engine = run_checks(
        settings.knowledge_dir, settings.intents_dir,
        stale_after=STALE_AFTER_YEARS if stale_after is None else stale_after, strict=strict)
    for problem in problems:
        print(problem)
    for warning in warnings:
        print(warning)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    assert engine is not None
    patterns = sum(len(p) for p in engine.catalogue.patterns.values())
    entries = sum(len(c.entries()) for c in engine.knowledge.careers.values())
    print(f"ok: {len(engine.knowledge.careers)} career(s), "
          f"{len(engine.knowledge.schools.schools)} schools, "
          f"{len(engine.intents.patterns)} intents, {entries} entries, {patterns} patterns"
          + (f", {len(warnings)} warning(s)" if warnings else ""))
    return 0


def _ask(engine: Engine, question: str | None, as_json: bool) -> int:
    from bot.protocol import reply_record, serve_lines
    from bot.render import render_plain
    from bot.state import ConversationState

    if question is None:
        if not as_json:
            print("career-bot ask: give a QUESTION, or --json to read JSON Lines on stdin",
                  file=sys.stderr)
            return 2
        return serve_lines(engine, sys.stdin, sys.stdout)
    reply, _ = engine.respond(question, ConversationState())
    if as_json:
        print(json.dumps(reply_record("cli", question, reply), ensure_ascii=False))
    else:
        print(render_plain(reply))
        for number, suggestion in enumerate(reply.suggestions, start=1):
            print(f"  [{number}] {suggestion.label}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (e.g. `career-bot eval … | head`): stop quietly.
        sys.stderr.close()
        return 0


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.load(knowledge_dir=args.knowledge, intents_dir=args.intents)
    except ConfigError as exc:
        print(f"career-bot: {exc}", file=sys.stderr)
        return 2
    if args.command == "check":
        return _check(settings, args.stale_after, args.strict)
    if args.command == "unanswered":
        from bot.storage.report import print_unanswered

        return print_unanswered(settings, args.limit, sys.stdout)
    if args.command == "inbox":
        from bot.storage.inbox_report import print_inbox

        return print_inbox(settings, sys.stdout, args.retry, args.show)
    engine = _load_engine(settings)
    if engine is None:
        return 1
    if args.command == "chat":
        from bot.terminal import chat

        return chat(engine, sys.stdin, sys.stdout)
    if args.command == "ask":
        return _ask(engine, args.question, args.json)
    if args.command == "eval":
        from bot.evaluation import evaluate as run_eval
        from bot.evaluation import load_set, print_report

        report = run_eval(engine, load_set(args.file))
        print_report(report, sys.stdout)
        if args.min_accuracy is not None and report.accuracy < args.min_accuracy:
            print(f"accuracy {report.accuracy:.3f} is below {args.min_accuracy}",
                  file=sys.stderr)
            return 1
        return 0
    if args.command == "run":
        from bot.telegram.runner import run

        return run(settings, webhook=args.webhook)
    return 2
