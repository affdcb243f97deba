"""Crash recovery: many chats talk to the real bot process while it is killed with SIGKILL at
random moments; every message must still get its reply, at most one reply is repeated per
kill, the database stays intact and follow-ups keep their context across restarts.

    python benchmarks/crash_recovery.py [--kills 25] [--chats 30] [--seed 1]

The bot runs as `python -m bot run` against the fake Bot API server in this process, with
one SQLite database for the whole run. The chats are groups (one member each) so that every
reply quotes the message it answers and can be told apart; each member waits for the reply
before the next message, as a person does. Flood control is lifted (the chats type faster
than a person, and pausing them is not what is measured). After each kill the database gets
`PRAGMA integrity_check` before the bot is started again. Exit code 0 when every figure
meets its bar.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.telegram.fake_telegram import BOT_USERNAME, TEST_TOKEN, FakeTelegram  # noqa: E402

# A question, then a follow-up that only makes sense after it, and a word its answer must have.
PAIRS = [
    ("how much do medical coders make?", "and at insurance companies?", "insurance"),
    ("what certifications are there", "how much does that exam cost", "$"),
    ("what schools offer it", "any online ones?", "online"),
]
SINGLES = ["what does a coder do all day", "do I need a license", "is the job growing", "hi"]
START_TIMEOUT = 30.0
DRAIN_TIMEOUT = 90.0


@dataclass
class Turn:
    text: str
    expect: str | None = None  # a follow-up's answer must contain this
    after: int | None = None  # the message id of the question it follows


@dataclass
class Chat:
    chat_id: int
    user_id: int
    script: list[Turn]
    position: int = 0
    waiting: int | None = None  # message id sent and not yet answered
    last: int | None = None  # the last message id sent
    ready_at: float = 0.0


@dataclass
class Run:
    sent: dict[int, tuple[float, Turn]] = field(default_factory=dict)  # message id -> (at, turn)
    replies: dict[int, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    kills: list[float] = field(default_factory=list)
    integrity: list[str] = field(default_factory=list)
    cursor: int = 0


def script(rng: random.Random, turns: int) -> list[Turn]:
    """A chat's messages: questions with their follow-ups, and some one-off questions."""
    out: list[Turn] = []
    while len(out) < turns:
        if rng.random() < 0.7:
            question, follow_up, expect = rng.choice(PAIRS)
            out += [Turn(question), Turn(follow_up, expect)]
        else:
            out.append(Turn(rng.choice(SINGLES)))
    return out


def collect(fake: FakeTelegram, run: Run) -> None:
    """Read the replies the fake has taken since the last look."""
    calls = fake.calls[run.cursor:]
    run.cursor += len(calls)
    for call in calls:
        quoted = call.params.get("reply_parameters")
        if call.method != "sendMessage" or not call.ok or not isinstance(quoted, dict):
            continue
        run.replies[int(quoted["message_id"])].append((call.at, str(call.params["text"])))


def start_bot(
    env: dict[str, str], cwd: str, log: Any, fake: FakeTelegram
) -> subprocess.Popen[bytes]:
    polls = fake.count("setMyCommands")
    bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=cwd, env=env,
                           stdout=log, stderr=log)
    deadline = time.monotonic() + START_TIMEOUT
    while fake.count("setMyCommands") <= polls:
        if bot.poll() is not None or time.monotonic() > deadline:
            bot.kill()
            raise SystemExit(f"the bot did not start (exit {bot.returncode}); see the log")
        time.sleep(0.01)
    return bot


def integrity(data_dir: Path) -> str:
    databases = sorted(data_dir.glob("*.sqlite3")) + sorted(data_dir.glob("*.db"))
    if not databases:
        return "no database"
    with sqlite3.connect(databases[0]) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def step(fake: FakeTelegram, chats: list[Chat], run: Run, rng: random.Random) -> None:
    """Each member whose last message was answered sends the next one after a short pause."""
    now = time.monotonic()
    for chat in chats:
        if chat.waiting is not None:
            if not run.replies.get(chat.waiting):
                continue
            chat.waiting = None
            chat.ready_at = now + rng.uniform(0.0, 0.2)
        if chat.position >= len(chat.script) or now < chat.ready_at:
            continue
        turn = chat.script[chat.position]
        turn.after = chat.last
        update = fake.send_text(chat.chat_id, f"@{BOT_USERNAME} {turn.text}",
                                user_id=chat.user_id, chat_type="supergroup")
        message_id = int(update["message"]["message_id"])
        run.sent[message_id] = (time.monotonic(), turn)
        chat.waiting = chat.last = message_id
        chat.position += 1


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").lower()


def report(run: Run, chats: list[Chat]) -> bool:
    lost = [mid for mid in run.sent if not run.replies.get(mid)]
    per_kill = [0] * len(run.kills)
    for replies in run.replies.values():
        for at, _ in sorted(replies)[1:]:
            before = [k for k, kill in enumerate(run.kills) if kill <= at]
            per_kill[before[-1] if before else 0] += 1
    follow_ups = [(mid, turn) for mid, (_, turn) in run.sent.items() if turn.expect is not None]
    in_context = across = across_ok = 0
    for mid, turn in follow_ups:
        answers = run.replies.get(mid)
        if not answers or turn.after is None or not run.replies.get(turn.after):
            continue
        ok = turn.expect is not None and turn.expect in plain(answers[0][1])
        in_context += ok
        first = run.replies[turn.after][0][0]
        if any(first < kill < answers[0][0] for kill in run.kills):
            across += 1
            across_ok += ok
    answered = len(run.sent) - len(lost)
    intact = sum(verdict == "ok" for verdict in run.integrity)
    print(f"kills: {len(run.kills)}; chats: {len(chats)}; messages: {len(run.sent)}, "
          f"answered {answered}, lost {len(lost)}")
    print(f"repeated replies per kill: {per_kill} (most {max(per_kill, default=0)}, "
          f"total {sum(per_kill)})")
    print(f"integrity_check ok after {intact} of {len(run.integrity)} kills")
    print(f"follow-ups answered in context: {in_context}/{len(follow_ups)}; "
          f"across a restart: {across_ok}/{across}")
    return (not lost and max(per_kill, default=0) <= 1 and intact == len(run.integrity)
            and in_context == len(follow_ups))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=25)
    parser.add_argument("--chats", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--uptime", type=float, nargs=2, default=(0.3, 2.0),
                        metavar=("MIN", "MAX"), help="seconds the bot runs before each kill")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    fake = FakeTelegram().start()
    run = Run()
    chats = [Chat(-100_000_000 - i, 500_000 + i, script(rng, 10_000)) for i in range(args.chats)]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
               "TELEGRAM_API_BASE_URL": fake.base_url, "DATA_DIR": str(data),
               "TELEGRAM_RATE_LIMIT": "0", "FLOOD_MAX_MESSAGES": "100000",
               "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
        log_path = Path(tmp) / "bot.log"
        with log_path.open("ab") as log:
            bot = start_bot(env, tmp, log, fake)
            try:
                for _ in range(args.kills):
                    kill_at = time.monotonic() + rng.uniform(*args.uptime)
                    while time.monotonic() < kill_at:
                        collect(fake, run)
                        step(fake, chats, run, rng)
                        time.sleep(0.002)
                    bot.send_signal(signal.SIGKILL)
                    bot.wait()
                    run.kills.append(time.monotonic())
                    run.integrity.append(integrity(data))
                    bot = start_bot(env, tmp, log, fake)
                for chat in chats:  # no new questions: let the last ones be answered
                    chat.script = chat.script[:chat.position]
                deadline = time.monotonic() + DRAIN_TIMEOUT
                while time.monotonic() < deadline and not all(
                        run.replies.get(mid) for mid in run.sent):
                    collect(fake, run)
                    time.sleep(0.05)
                time.sleep(1.0)  # a late repeat would arrive now
                collect(fake, run)
            finally:
                bot.terminate()
                bot.wait(30)
                fake.stop()
        errors = [line for line in log_path.read_text(errors="replace").splitlines()
                  if "Traceback" in line or "CRITICAL" in line]
    ok = report(run, chats)
    print(f"tracebacks or CRITICAL lines in the bot's log: {len(errors)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
