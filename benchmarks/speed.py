"""Speed of socialcare against VADER, measured in the same process on real posts.

Reports ratios (this machine is noisy; a ratio of two runs side by side is what holds):

* batch throughput: ``score_many`` on distinct real posts against a loop of VADER's
  ``polarity_scores`` (the reference ``vaderSentiment`` package), one core; both are
  warmed on other posts first, then each of five slices of posts new to both is timed
  with one and then the other, and the median per-slice ratio is reported;
* single-post latency: ``score(text)`` p50 and p99 in a warm process, against VADER's p50
  (each post timed with both, one right after the other);
* cold start: ``import socialcare`` plus loading the bundled model, in a fresh interpreter;
* the bundled model's size on disk.

Run: ``python benchmarks/speed.py [--posts N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core for both sides
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def real_posts() -> list[str]:
    """Distinct real customer posts bundled in data/ (labeled posts, gold posts, the sample)."""
    frames = [pd.read_csv(ROOT / "data" / "socialcare_labels" / "labels.csv")]
    frames += [pd.read_csv(ROOT / "data" / "triage_gold" / f) for f in ("train.csv", "train_extra.csv")]
    frames.append(pd.read_csv(ROOT / "data" / "sample_posts.csv"))
    texts = pd.concat(frames)["text"].dropna().astype(str).drop_duplicates()
    return texts.sample(frac=1.0, random_state=0).tolist()


def paired_throughput(ours, theirs, slices: list[list[str]]) -> tuple[float, float, float]:
    """Posts/s of ``ours`` and ``theirs`` (medians) and the median of their per-slice ratio.

    Each slice is timed with both, one right after the other, so a slow moment of the
    machine hits both sides of a ratio; every slice is new to both scorers."""
    rates = []
    for texts in slices:
        pair = []
        for fn in (ours, theirs):
            start = time.perf_counter()
            fn(texts)
            pair.append(len(texts) / (time.perf_counter() - start))
        rates.append(pair)
    ours_rates, their_rates = zip(*rates, strict=True)
    ratio = float(np.median([a / b for a, b in rates]))
    return float(np.median(ours_rates)), float(np.median(their_rates)), ratio


def paired_latencies(ours, theirs, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Microseconds per call of ``ours`` and ``theirs``, timed post by post one right after the
    other, so that a slow moment of the machine hits both."""
    a, b = np.empty(len(texts)), np.empty(len(texts))
    clock = time.perf_counter_ns
    for i, text in enumerate(texts):
        start = clock()
        ours(text)
        middle = clock()
        theirs(text)
        a[i], b[i] = middle - start, clock() - middle
    return a / 1e3, b / 1e3


def cold_start() -> float:
    code = (
        "import time; t = time.perf_counter(); import socialcare; socialcare.default_triage(); "
        "print(time.perf_counter() - t)"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
        for _ in range(3)
    ]
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=4_000, help="posts per timed slice")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    import socialcare

    triage = socialcare.default_triage()
    vader = SentimentIntensityAnalyzer()
    posts = real_posts()
    n = min(args.posts, (len(posts) - 8000) // 10)
    warm, rest = posts[:3000], posts[3000:]
    cold_slices = [rest[i * n : (i + 1) * n] for i in range(5)]
    steady_slices = [rest[(5 + i) * n : (6 + i) * n] for i in range(5)]
    sample = rest[10 * n : 10 * n + 5000]

    def warm_up(texts: list[str]) -> None:
        triage.score_many(texts)
        for t in texts:
            vader.polarity_scores(t)

    # "fresh": a process that has seen 3,000 other posts; every timed slice holds pieces of
    # text neither scorer has seen. "steady": the same after a further ~50,000 other real
    # tweets (SemEval), as in a service or a long archive run, where most words repeat.
    warm_up(warm)
    vader_loop = lambda ts: [vader.polarity_scores(t) for t in ts]  # noqa: E731
    fresh = paired_throughput(triage.score_many, vader_loop, cold_slices)
    from socialcare.datasets import _semeval

    warm_up(_semeval(ROOT / "data")["text"].astype(str).tolist())
    ours_batch, vader_batch, batch_ratio = paired_throughput(triage.score_many, vader_loop, steady_slices)
    ours_lat, vader_lat = paired_latencies(triage.score, vader.polarity_scores, sample)
    artifact = resources.files("socialcare.models").joinpath("socialcare-model.npz")
    result = {
        "posts_per_slice": n,
        "batch_posts_per_s": {"socialcare.score_many": round(ours_batch), "vader loop": round(vader_batch)},
        "batch_ratio": round(batch_ratio, 2),
        "fresh_batch_posts_per_s": {"socialcare.score_many": round(fresh[0]), "vader loop": round(fresh[1])},
        "fresh_batch_ratio": round(fresh[2], 2),
        "single_us": {
            "socialcare.score p50": round(float(np.percentile(ours_lat, 50)), 1),
            "socialcare.score p99": round(float(np.percentile(ours_lat, 99)), 1),
            "vader p50": round(float(np.percentile(vader_lat, 50)), 1),
            "vader p99": round(float(np.percentile(vader_lat, 99)), 1),
        },
        "single_p50_ratio_to_vader": round(float(np.percentile(ours_lat, 50) / np.percentile(vader_lat, 50)), 2),
        "cold_start_s": round(cold_start(), 3),
        "model_mb": round(len(artifact.read_bytes()) / 1e6, 2),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"posts: slices of {n} distinct real customer posts (bundled data), each new to both scorers; one core")
    print(
        f"batch, steady state: socialcare.score_many {ours_batch:,.0f} posts/s vs VADER loop {vader_batch:,.0f}/s "
        f"-> {result['batch_ratio']}x"
    )
    print(
        f"batch, fresh process: socialcare.score_many {fresh[0]:,.0f} posts/s vs VADER loop {fresh[1]:,.0f} posts/s "
        f"-> {result['fresh_batch_ratio']}x"
    )
    s = result["single_us"]
    print(
        f"single: socialcare.score p50 {s['socialcare.score p50']} us, p99 {s['socialcare.score p99']} us; "
        f"VADER p50 {s['vader p50']} us -> p50 ratio {result['single_p50_ratio_to_vader']}"
    )
    print(f"cold start (import + model load): {result['cold_start_s']} s; model on disk {result['model_mb']} MB")


if __name__ == "__main__":
    main()
