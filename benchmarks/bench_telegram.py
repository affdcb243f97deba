"""Telegram adapter speed: updates per second and reply latency, end to end through
python-telegram-bot, the real engine and SQLite storage, against the fake Bot API server.

    python benchmarks/bench_telegram.py [--updates 3000] [--latency-runs 300] [--rounds 3]
                                        [--no-pin]

The bot runs as `python -m bot run` in its own process (as in production); the fake server and
the load generator run in this one. By default the bot is pinned to one core and this process
to the other(s): in production the Bot API server is elsewhere, and without pinning the
scheduler's placement of the two busy processes made results swing by 50 % between identical
runs. `--no-pin` lets them share the cores. Outgoing
rate limiting is off here (TELEGRAM_RATE_LIMIT=0): with Telegram's 30 messages/s in force, the
limiter, not the bot, sets the pace. Flood control stays on with its defaults; the load is
spread over many users, as real traffic is. Replies go out one at a time, as by default;
`SEND_ONE_AT_A_TIME=false python benchmarks/bench_telegram.py` measures them side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.telegram.fake_telegram import TEST_TOKEN, FakeTelegram  # noqa: E402

QUESTIONS = [
    "how much do medical coders make?",
    "what does a medical coder do",
    "do I need a license",
    "what schools offer medical coding? and how long is the training",
    "how much do medical codrs mak",
    "what about at insurance companies",
    "is the job growing",
    "hello",
]
USERS = 1000  # spread over many users: flood control allows each a burst of 10 messages


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(fake: FakeTelegram, updates: int, first_user: int, pid: int) -> tuple[float, float]:
    """Updates per second (inject ``updates`` messages at once, wait for every reply) and the
    bot's CPU milliseconds per update."""
    before = fake.count("sendMessage")
    cpu = cpu_seconds(pid)
    start = time.perf_counter()
    for i in range(updates):
        fake.send_text(first_user + i % USERS, QUESTIONS[i % len(QUESTIONS)])
    fake.wait_for(lambda _: fake.count("sendMessage") - before >= updates, timeout=120)
    elapsed = time.perf_counter() - start
    return updates / elapsed, (cpu_seconds(pid) - cpu) * 1000 / updates


def latency(fake: FakeTelegram, runs: int, user: int) -> tuple[float, float]:
    """p50 and p99 (ms) from a user's message entering getUpdates to the reply arriving."""
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fake.send_text(user + i % 50, QUESTIONS[i % len(QUESTIONS)])
        fake.reply(user + i % 50, timeout=10)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--latency-runs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pin", dest="pin", action="store_false",
                        help="let the bot share all cores with the fake server and the load")
    args = parser.parse_args()

    fake = FakeTelegram().start()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
               "TELEGRAM_API_BASE_URL": fake.base_url, "DATA_DIR": str(Path(tmp) / "data"),
               "TELEGRAM_RATE_LIMIT": "0", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
        # BENCH_PY_ARGS="-m cProfile -o bot.prof" profiles the bot process.
        python = [sys.executable, *os.environ.get("BENCH_PY_ARGS", "").split()]
        bot = subprocess.Popen([*python, "-m", "bot", "run"], cwd=tmp, env=env)
        if args.pin and len(os.sched_getaffinity(0)) >= 2:
            # In production the Bot API server runs elsewhere: give the bot a core of its own
            # and keep the fake server and the load generator on the other.
            cores = sorted(os.sched_getaffinity(0))
            os.sched_setaffinity(bot.pid, {cores[0]})
            os.sched_setaffinity(0, set(cores[1:]))
        try:
            fake.wait_for(lambda _: fake.count("setMyCommands"), timeout=30)
            throughput(fake, 200, 10_000_000, bot.pid)  # warm up
            rates, cpus, p50s, p99s = [], [], [], []
            for r in range(args.rounds):
                rate, cpu = throughput(fake, args.updates, 1_000_000 * (r + 1), bot.pid)
                rates.append(rate)
                cpus.append(cpu)
                # Latency users are fresh each round so replies are easy to tell apart.
                p50, p99 = latency(fake, args.latency_runs, 50_000_000 + 1000 * r)
                p50s.append(p50)
                p99s.append(p99)
                print(f"round {r + 1}: {rates[-1]:7.0f} updates/s   "
                      f"bot CPU {cpu:.2f} ms/update   "
                      f"latency p50 {p50:5.2f} ms   p99 {p99:5.2f} ms")
        finally:
            bot.terminate()
            bot.wait(30)
            fake.stop()
    failed = [c for c in fake.calls if not c.ok]
    print(f"median of {args.rounds} rounds: {statistics.median(rates):.0f} updates/s, "
          f"reply latency p50 {statistics.median(p50s):.2f} ms, "
          f"p99 {statistics.median(p99s):.2f} ms; bot CPU {statistics.median(cpus):.2f} ms per "
          f"update = {1000 / statistics.median(cpus):.0f} updates/s per core "
          f"({args.updates} updates, "
          f"{args.latency_runs} sequential messages per round; {len(failed)} failed calls)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
