"""Engine speed and memory: reply latency, start-up to first answer, peak memory.

    python benchmarks/bench_engine.py [--rounds 20] [--json]

Latency is measured one message at a time over many rounds of a mixed question set (the
project's labelled questions plus typo'd and oversized variants), and reported as median and
p99. The baseline, run in the same process on the same messages, is a bare rapidfuzz
nearest-pattern lookup (QRatio over all patterns): the cheapest thing that could answer at
all, so the ratio shows what the engine's extra understanding costs. Start-up is timed in fresh
interpreters (import, load and validate the YAML, build the index, answer one question), and so
is `career-bot ask --json` answering 1,000 lines.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.config import DEFAULT_INTENTS_DIR, DEFAULT_KNOWLEDGE_DIR  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.matching import normalise  # noqa: E402
from bot.state import ConversationState  # noqa: E402

STARTUP_SNIPPET = (
    "import time; t=time.perf_counter();"
    "from bot.engine import Engine; from bot.state import ConversationState;"
    "from bot.config import DEFAULT_KNOWLEDGE_DIR as K, DEFAULT_INTENTS_DIR as I;"
    "e=Engine.load(K, I); e.respond('how much do medical coders make', ConversationState());"
    "print(time.perf_counter()-t)"
)


def messages() -> list[str]:
    data = yaml.safe_load((REPO / "tests" / "data" / "labelled.yaml").read_text())
    base = [item["q"] for item in data.get("single", [])]
    base += [t["q"] for c in data.get("conversations", []) for t in c["turns"]]
    base += [item["q"] for item in data.get("multi", [])]
    base += list(data.get("oos", []))
    rng = random.Random(0)
    typos = []
    for text in base:
        chars = list(text)
        if len(chars) > 6:
            i = rng.randrange(len(chars) - 1)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        typos.append("".join(chars))
    return base + typos + ["how much do coders make " * 400, "🙂" * 50, ""]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_each(fn, texts: list[str], rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples: list[float] = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            fn(text)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--startups", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    tracemalloc.start()
    engine = Engine.load(DEFAULT_KNOWLEDGE_DIR, DEFAULT_INTENTS_DIR)
    _, peak_load = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    texts = messages()
    fresh = ConversationState()
    patterns = [normalise(t) for pats in engine.intents.examples().values() for t in pats]

    def baseline(text: str) -> object:
        return process.extractOne(normalise(text), patterns, scorer=fuzz.QRatio, processor=None)

    def engine_reply(text: str) -> object:
        return engine.respond(text, fresh)

    time_each(engine_reply, texts, 1)  # warm caches
    ours = time_each(engine_reply, texts, args.rounds)
    base = time_each(baseline, texts, args.rounds)

    startups = []
    for _ in range(args.startups):
        out = subprocess.run([sys.executable, "-c", STARTUP_SNIPPET], cwd=REPO, check=True,
                             capture_output=True, text=True).stdout
        startups.append(float(out.strip()))

    lines = "".join(json.dumps({"chat": f"c{i % 37}", "text": texts[i % len(texts)]}) + "\n"
                    for i in range(1000))
    protocol = []
    for _ in range(args.startups):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "bot", "ask", "--json"], cwd=REPO, input=lines,
                             check=True, capture_output=True, text=True).stdout
        protocol.append(time.perf_counter() - start)
        assert out.count("\n") == 1000

    result = {
        "messages": len(texts) * args.rounds,
        "reply_p50_ms": round(statistics.median(ours), 4),
        "reply_p99_ms": round(percentile(ours, 0.99), 4),
        "baseline_p50_ms": round(statistics.median(base), 4),
        "baseline_p99_ms": round(percentile(base, 0.99), 4),
        "p50_ratio_vs_baseline": round(statistics.median(ours) / statistics.median(base), 2),
        "startup_median_s": round(statistics.median(startups), 3),
        "startup_max_s": round(max(startups), 3),
        "ask_json_1000_lines_median_s": round(statistics.median(protocol), 3),
        "load_peak_traced_mb": round(peak_load / 1e6, 1),
        "process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"messages timed          {result['messages']}")
        print(f"reply latency           p50 {result['reply_p50_ms']} ms, "
              f"p99 {result['reply_p99_ms']} ms (target p99 <= 1 ms)")
        print(f"baseline (QRatio NN)    p50 {result['baseline_p50_ms']} ms, "
              f"p99 {result['baseline_p99_ms']} ms; engine/baseline p50 "
              f"{result['p50_ratio_vs_baseline']}x")
        print(f"start-up to 1st answer  median {result['startup_median_s']} s, "
              f"max {result['startup_max_s']} s over {args.startups} fresh processes "
              "(target <= 0.3 s)")
        print(f"ask --json, 1000 lines  median {result['ask_json_1000_lines_median_s']} s "
              "wall, start-up included (target well under 2 s)")
        print(f"peak memory             {result['load_peak_traced_mb']} MB traced while "
              f"loading; process max RSS {result['process_max_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
