"""Measure the bot's intent matcher on public intent-classification benchmarks.

The training utterances of each benchmark become intent patterns through the very same
``IntentIndex.build`` / ``IntentIndex.rank`` code the bot uses; the test split is ranked one
query at a time.

    python benchmarks/intent_benchmarks.py                       # all datasets, full + 10-shot
    python benchmarks/intent_benchmarks.py --dataset clinc150 --shots 10 --limit 1000
    python benchmarks/intent_benchmarks.py --baseline --json     # add TF-IDF + LR, JSON lines
    python benchmarks/intent_benchmarks.py --dataset clinc150 --shots full --bot-sized

Figures (see ``benchmarks/MATCHING.md``):

* in-scope accuracy: top-1 intent correct, no threshold;
* CLINC150 only, "balanced": the confidence threshold is chosen on the validation split
  (val + oos_val) to maximise in-scope accuracy + out-of-scope recall, then applied to test;
  an in-scope query counts as correct only if top-1 is right AND its score >= threshold;
* CLINC150 only, "at 87 % val OOS recall": a second operating point, the lowest threshold that
  rejects >= 87 % of the validation out-of-scope queries (``OOS_RECALL_TARGET``), applied to
  test the same way (the "balanced" sum-maximising threshold sits on a flat optimum and
  often lands at a much higher OOS recall than a deployment would pick);
* AUROC of the top-1 confidence, in-scope test queries vs out-of-scope test queries;
* build time, per-query latency (median, p99; one query at a time, wall clock);
* peak memory: ``tracemalloc`` peak of Python allocations (numpy included) while building the
  index and ranking 500 queries, measured in a separate pass so it does not slow the timings.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import statistics
import sys
import time
import tracemalloc
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))  # appended: a PYTHONPATH checkout (e.g. a staged matcher) wins

from bot.matching import IntentIndex  # noqa: E402

DATASETS = ("clinc150", "banking77", "hwu64")
SUBSAMPLE_SEED = 0
MEMORY_QUERIES = 500
BASELINE_LATENCY_QUERIES = 300
OOS_RECALL_TARGET = 0.87  # second CLINC150 operating point (see the module docstring)

Pairs = list[tuple[str, str]]  # (text, label)


@dataclass
class Dataset:
    """One benchmark: training pairs, test pairs, and for CLINC150 the OOS/validation splits."""

    name: str
    train: Pairs
    test: Pairs
    val: Pairs = field(default_factory=list)
    oos_val: list[str] = field(default_factory=list)
    oos_test: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- loading


def load_clinc150(root: Path) -> Dataset:
    data = json.loads((root / "clinc150" / "data_full.json").read_text(encoding="utf-8"))

    def pairs(split: str) -> Pairs:
        return [(text, label) for text, label in data[split]]

    return Dataset(
        "clinc150",
        train=pairs("train"),
        test=pairs("test"),
        val=pairs("val"),
        oos_val=[text for text, _ in data["oos_val"]],
        oos_test=[text for text, _ in data["oos_test"]],
    )


def load_banking77(root: Path) -> Dataset:
    def read(name: str) -> Pairs:
        with (root / "banking77" / name).open(encoding="utf-8", newline="") as handle:
            return [(row["text"], row["category"]) for row in csv.DictReader(handle)]

    return Dataset("banking77", train=read("train.csv"), test=read("test.csv"))


def load_hwu64(root: Path) -> Dataset:
    def read(split: str) -> Pairs:
        out: Pairs = []
        for path in sorted((root / "hwu64" / "kfold_1" / split).glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter=";"):
                    out.append((row["answer_from_anno"], f"{row['scenario']}_{row['intent']}"))
        return out

    return Dataset("hwu64", train=read("train"), test=read("test"))


LOADERS: dict[str, Callable[[Path], Dataset]] = {
    "clinc150": load_clinc150,
    "banking77": load_banking77,
    "hwu64": load_hwu64,
}


def group(pairs: Pairs) -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, label in pairs:
        by_intent[label].append(text)
    return dict(by_intent)


def subsample(examples: dict[str, list[str]], shots: int | None) -> dict[str, list[str]]:
    """``shots`` examples per intent, the same ones every run (seeded, intents sorted)."""
    if shots is None:
        return examples
    rng = random.Random(SUBSAMPLE_SEED)
    return {
        intent: rng.sample(examples[intent], min(shots, len(examples[intent])))
        for intent in sorted(examples)
    }


def limit_pairs(pairs: Pairs, limit: int | None) -> Pairs:
    """A fixed random subset of ``pairs`` (for quick iteration runs)."""
    if limit is None or limit >= len(pairs):
        return pairs
    return random.Random(1).sample(pairs, limit)


def limit_texts(texts: list[str], limit: int | None) -> list[str]:
    if limit is None or limit >= len(texts):
        return texts
    return random.Random(2).sample(texts, limit)


# --------------------------------------------------------------------------- metrics


Predict = Callable[[str], tuple[str | None, float]]


def threshold_for_recall(oos_scores: Sequence[float], target: float) -> float:
    """The lowest threshold that rejects (score < threshold) at least ``target`` of
    ``oos_scores``."""
    ordered = sorted(oos_scores)
    k = min(len(ordered), max(1, math.ceil(target * len(ordered))))
    # Rejecting the k lowest scores needs a threshold just above the k-th one.
    return math.nextafter(ordered[k - 1], math.inf)


def choose_threshold(correct: Sequence[bool], scores: Sequence[float],
                     oos_scores: Sequence[float]) -> float:
    """Threshold maximising in-scope accuracy + OOS recall (ties: the lowest threshold)."""
    good = sorted(s for s, ok in zip(scores, correct, strict=True) if ok)
    oos = sorted(oos_scores)
    best_t, best_value = 0.0, -1.0
    for t in sorted({0.0, *scores, *oos_scores, float("inf")}):
        accuracy = (len(good) - bisect_left(good, t)) / len(scores)
        recall = bisect_left(oos, t) / len(oos)
        if accuracy + recall > best_value + 1e-12:
            best_t, best_value = t, accuracy + recall
    return best_t


def auroc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """P(score of a random positive > score of a random negative), ties count half."""
    ranked = sorted([(s, 1) for s in positive] + [(s, 0) for s in negative])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid_rank = (i + j + 1) / 2  # ranks are 1-based; average over the tie block
        rank_sum += mid_rank * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    n_pos, n_neg = len(positive), len(negative)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Result:
    dataset: str
    shots: str
    in_scope_accuracy: float
    balanced_in_scope_accuracy: float | None
    balanced_oos_recall: float | None
    auroc: float | None
    build_s: float
    p50_ms: float | None
    p99_ms: float | None
    peak_mb: float | None
    threshold: float | None = None
    target_in_scope: float | None = None  # at the OOS_RECALL_TARGET operating point
    target_oos_recall: float | None = None
    target_threshold: float | None = None

    def row(self) -> dict[str, object]:
        def r(x: float | None, n: int = 4) -> float | None:
            return None if x is None else round(x, n)

        return {
            "dataset": self.dataset,
            "shots": self.shots,
            "in_scope_accuracy": r(self.in_scope_accuracy),
            "balanced_in_scope_accuracy": r(self.balanced_in_scope_accuracy),
            "balanced_oos_recall": r(self.balanced_oos_recall),
            "auroc": r(self.auroc),
            "build_s": r(self.build_s, 3),
            "p50_ms": r(self.p50_ms, 3),
            "p99_ms": r(self.p99_ms, 3),
            "peak_mb": r(self.peak_mb, 1),
            "val_oos87_in_scope_accuracy": r(self.target_in_scope),
            "val_oos87_oos_recall": r(self.target_oos_recall),
        }


def run_queries(predict: Predict, texts: Iterable[str],
                timed: bool = True) -> tuple[list[tuple[str | None, float]], list[float]]:
    out: list[tuple[str | None, float]] = []
    latencies: list[float] = []
    clock = time.perf_counter
    for text in texts:
        start = clock()
        out.append(predict(text))
        if timed:
            latencies.append((clock() - start) * 1000.0)
    return out, latencies


def evaluate(ds: Dataset, shots_label: str, build: Callable[[dict[str, list[str]]], Predict],
             build_s: float, predict: Predict, test: Pairs, oos_test: list[str], val: Pairs,
             oos_val: list[str], peak_mb: float | None, timed: bool = True) -> Result:
    outputs, latencies = run_queries(predict, [t for t, _ in test], timed)
    correct = [label == gold for (label, _), (_, gold) in zip(outputs, test, strict=True)]
    in_scope = sum(correct) / len(correct)
    balanced_acc = balanced_recall = roc = threshold = None
    target: tuple[float | None, float | None, float | None] = (None, None, None)
    if oos_test:
        oos_out, oos_lat = run_queries(predict, oos_test, timed)
        latencies += oos_lat
        scores = [s for _, s in outputs]
        oos_scores = [s for _, s in oos_out]
        roc = auroc(scores, oos_scores)
        val_out, _ = run_queries(predict, [t for t, _ in val], timed=False)
        val_oos_out, _ = run_queries(predict, oos_val, timed=False)
        threshold = choose_threshold(
            [label == gold for (label, _), (_, gold) in zip(val_out, val, strict=True)],
            [s for _, s in val_out], [s for _, s in val_oos_out])
        balanced_acc = sum(
            ok and s >= threshold for ok, s in zip(correct, scores, strict=True)) / len(correct)
        balanced_recall = sum(s < threshold for s in oos_scores) / len(oos_scores)
        at = threshold_for_recall([s for _, s in val_oos_out], OOS_RECALL_TARGET)
        target = (sum(ok and s >= at for ok, s in zip(correct, scores, strict=True))
                  / len(correct), sum(s < at for s in oos_scores) / len(oos_scores), at)
    return Result(
        ds.name, shots_label, in_scope, balanced_acc, balanced_recall, roc, build_s,
        statistics.median(latencies) if latencies else None,
        percentile(latencies, 0.99) if latencies else None,
        peak_mb, threshold, *target)


# --------------------------------------------------------------------------- systems


def build_ours(examples: dict[str, list[str]]) -> Predict:
    index = IntentIndex.build(examples)

    def predict(text: str) -> tuple[str | None, float]:
        ranked = index.rank(text, limit=1)
        return (ranked[0].intent, ranked[0].score) if ranked else (None, 0.0)

    return predict


def build_baseline(examples: dict[str, list[str]]) -> Predict:
    """TF-IDF (word 1-2 grams + char_wb 2-5 grams) + logistic regression: a trained reference."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.pipeline import make_pipeline, make_union  # type: ignore[import-untyped]

    texts = [t for ts in examples.values() for t in ts]
    labels = [i for i, ts in examples.items() for _ in ts]
    model = make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        ),
        LogisticRegression(C=10.0, max_iter=1000),
    )
    model.fit(texts, labels)
    classes = list(model.classes_)

    def predict(text: str) -> tuple[str | None, float]:
        proba = model.predict_proba([text])[0]
        best = int(proba.argmax())
        return classes[best], float(proba[best])

    return predict


def measure_peak_mb(examples: dict[str, list[str]], queries: list[str]) -> float:
    """tracemalloc peak (MiB) while building the index and ranking ``queries``."""
    tracemalloc.start()
    try:
        predict = build_ours(examples)
        for text in queries:
            predict(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def bench(ds: Dataset, shots: int | None, limit: int | None,
          baseline: bool) -> tuple[Result, Result | None]:
    label = "full" if shots is None else str(shots)
    examples = subsample(group(ds.train), shots)
    test = limit_pairs(ds.test, limit)
    oos_test = limit_texts(ds.oos_test, None if limit is None else max(1, limit // 4))
    val = limit_pairs(ds.val, None if limit is None else max(1, limit // 2))
    oos_val = ds.oos_val

    start = time.perf_counter()
    predict = build_ours(examples)
    build_s = time.perf_counter() - start
    predict("warm up")  # first-call costs (lazy caches) are not per-query latency
    peak = measure_peak_mb(examples, [t for t, _ in test[:MEMORY_QUERIES]])
    ours = evaluate(ds, label, build_ours, build_s, predict, test, oos_test, val, oos_val, peak)

    base = None
    if baseline:
        start = time.perf_counter()
        base_predict = build_baseline(examples)
        base_s = time.perf_counter() - start
        base = evaluate(ds, label, build_baseline, base_s, base_predict, test, oos_test, val,
                        oos_val, None, timed=False)
        _, lat = run_queries(base_predict, [t for t, _ in test[:BASELINE_LATENCY_QUERIES]])
        base.p50_ms, base.p99_ms = statistics.median(lat), percentile(lat, 0.99)
    return ours, base


def bench_bot_sized(ds: Dataset, rounds: int = 5) -> dict[str, float]:
    """Build time and rank latency for an index the size of the bot's (600 patterns).

    15 CLINC150 intents (the first 15 by name) x 40 patterns; their test queries plus as many
    out-of-scope ones are ranked with ``limit=4`` as the engine does, ``rounds`` times (the
    first round sees every word for the first time, later ones hit the caches).
    """
    by_intent = group(ds.train)
    chosen = sorted(by_intent)[:15]
    examples = {intent: by_intent[intent][:40] for intent in chosen}
    queries = [t for t, label in ds.test if label in examples]
    queries += ds.oos_test[: len(queries)]
    builds: list[float] = []
    for _ in range(3):
        start = time.perf_counter()
        index = IntentIndex.build(examples)
        builds.append(time.perf_counter() - start)
    latencies: list[float] = []
    for _ in range(rounds):
        _, lat = run_queries(lambda text: (None, len(index.rank(text, limit=4))), queries)
        latencies += lat
    return {"build_ms": 1000 * min(builds), "build_first_ms": 1000 * builds[0],
            "p50_ms": statistics.median(latencies), "p99_ms": percentile(latencies, 0.99),
            "queries": len(latencies)}


# --------------------------------------------------------------------------- output


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def num(x: float | None, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


HEADER = (f"{'system':<10} {'dataset':<10} {'shots':>5} {'in-scope':>8} {'bal.in':>7} "
          f"{'bal.oos':>7} {'AUROC':>6} {'thresh':>6} {'build s':>8} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'peak MB':>8}")


def table_row(system: str, r: Result) -> str:
    return (f"{system:<10} {r.dataset:<10} {r.shots:>5} {pct(r.in_scope_accuracy):>8} "
            f"{pct(r.balanced_in_scope_accuracy):>7} {pct(r.balanced_oos_recall):>7} "
            f"{num(r.auroc, '.3f'):>6} {num(r.threshold, '.3f'):>6} {r.build_s:>8.3f} "
            f"{num(r.p50_ms, '.3f'):>7} {num(r.p99_ms, '.3f'):>7} {num(r.peak_mb, '.1f'):>8}")


def target_line(system: str, r: Result) -> str:
    """The OOS_RECALL_TARGET operating point, or nothing for datasets without OOS queries."""
    if r.target_in_scope is None:
        return ""
    return (f"{system:<10} {r.dataset:<10} {r.shots:>5} at {100 * OOS_RECALL_TARGET:.0f} % val "
            f"OOS recall: in-scope {pct(r.target_in_scope)} / OOS recall "
            f"{pct(r.target_oos_recall)} (threshold {num(r.target_threshold, '.3f')})\n")


def ratio_line(ours: Result, base: Result) -> str:
    parts = [f"in-scope {ours.in_scope_accuracy / base.in_scope_accuracy:.3f}"]
    ours_bal, base_bal = ours.balanced_in_scope_accuracy, base.balanced_in_scope_accuracy
    if ours_bal is not None and base_bal:
        parts.append(f"balanced in-scope {ours_bal / base_bal:.3f}")
    if ours.balanced_oos_recall is not None and base.balanced_oos_recall:
        parts.append(f"balanced OOS {ours.balanced_oos_recall / base.balanced_oos_recall:.3f}")
    if ours.auroc is not None and base.auroc:
        parts.append(f"AUROC {ours.auroc / base.auroc:.3f}")
    return f"{'ours/base':<10} {ours.dataset:<10} {ours.shots:>5} " + ", ".join(parts)


def parse_shots(value: str) -> int | None:
    if value == "full":
        return None
    shots = int(value)
    if shots <= 0:
        raise argparse.ArgumentTypeError("shots must be 'full' or a positive integer")
    return shots


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks"),
                        help="benchmark folder (relative paths resolve against the current "
                             "directory; default ../shared/benchmarks)")
    parser.add_argument("--dataset", action="append", choices=DATASETS,
                        help="dataset to run (repeatable; default: all)")
    parser.add_argument("--shots", action="append", type=parse_shots,
                        help="'full' or examples per intent (repeatable; default: full and 10)")
    parser.add_argument("--limit", type=int, default=None,
                        help="evaluate on a fixed random subset of N test queries (quick runs)")
    parser.add_argument("--baseline", action="store_true",
                        help="also train TF-IDF + logistic regression (needs scikit-learn)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line per run")
    parser.add_argument("--bot-sized", action="store_true",
                        help="also time a bot-sized index (15 CLINC150 intents x 40 patterns, "
                             "rank limit 4)")
    args = parser.parse_args(argv)

    root = args.data.resolve()
    if not root.is_dir():
        parser.error(f"benchmark folder not found: {root}")
    datasets = args.dataset or list(DATASETS)
    shots_list = args.shots or [None, 10]

    rows: list[dict[str, object]] = []
    print(HEADER)
    for name in datasets:
        ds = LOADERS[name](root)
        for shots in shots_list:
            ours, base = bench(ds, shots, args.limit, args.baseline)
            print(table_row("ours", ours), flush=True)
            print(target_line("ours", ours), end="", flush=True)
            row = ours.row()
            if base is not None:
                print(table_row("tfidf+lr", base))
                print(target_line("tfidf+lr", base), end="")
                print(ratio_line(ours, base), flush=True)
                row["baseline"] = base.row()
            rows.append(row)
    if args.bot_sized:
        bot = bench_bot_sized(LOADERS["clinc150"](root))
        print("bot-sized (600 patterns): build {build_ms:.1f} ms (first {build_first_ms:.1f}), "
              "rank p50 {p50_ms:.3f} / p99 {p99_ms:.3f} ms over {queries:.0f} queries"
              .format(**bot))
        rows.append({"dataset": "bot-sized", **{k: round(v, 3) for k, v in bot.items()}})
    if args.json:
        for row in rows:
            print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
