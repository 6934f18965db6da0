"""Speed of socialcare against VADER, measured in the same process on real posts.

Reports ratios (this machine is noisy; a ratio of two runs side by side is what holds):

* batch throughput: ``score_many`` on real posts against a loop of VADER's
  ``polarity_scores`` (the reference ``vaderSentiment`` package), one core;
* single-post latency: ``score(text)`` p50 and p99 in a warm process, against VADER's p50;
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


def real_posts(n: int) -> list[str]:
    frames = [pd.read_csv(ROOT / "data" / "triage_gold" / f) for f in ("train.csv", "train_extra.csv")]
    texts = pd.concat(frames)["text"].astype(str).tolist()
    texts += pd.read_csv(ROOT / "data" / "sample_posts.csv")["text"].astype(str).tolist()
    reps = -(-n // len(texts))
    return (texts * reps)[:n]


def throughput(fn, texts: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def latencies(fn, texts: list[str]) -> np.ndarray:
    out = np.empty(len(texts))
    clock = time.perf_counter_ns
    for i, text in enumerate(texts):
        start = clock()
        fn(text)
        out[i] = clock() - start
    return out / 1e3  # microseconds


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
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    import socialcare

    triage = socialcare.default_triage()
    vader = SentimentIntensityAnalyzer()
    texts = real_posts(args.posts)
    triage.score_many(texts[:2000])  # warm the token cache as a running service would be
    for t in texts[:2000]:
        vader.polarity_scores(t)

    ours_batch = throughput(triage.score_many, texts)
    vader_batch = throughput(lambda ts: [vader.polarity_scores(t) for t in ts], texts)
    sample = texts[: min(len(texts), 5000)]
    ours_lat = latencies(triage.score, sample)
    vader_lat = latencies(vader.polarity_scores, sample)
    artifact = resources.files("socialcare.models").joinpath("socialcare-model.npz")
    result = {
        "posts": len(texts),
        "batch_posts_per_s": {"socialcare.score_many": round(ours_batch), "vader loop": round(vader_batch)},
        "batch_ratio": round(ours_batch / vader_batch, 2),
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
    print(f"posts: {result['posts']} real posts (triage_gold train + sample), one core")
    print(
        f"batch: socialcare.score_many {ours_batch:,.0f} posts/s vs VADER loop {vader_batch:,.0f} posts/s "
        f"-> {result['batch_ratio']}x"
    )
    s = result["single_us"]
    print(
        f"single: socialcare.score p50 {s['socialcare.score p50']} us, p99 {s['socialcare.score p99']} us; "
        f"VADER p50 {s['vader p50']} us -> p50 ratio {result['single_p50_ratio_to_vader']}"
    )
    print(f"cold start (import + model load): {result['cold_start_s']} s; model on disk {result['model_mb']} MB")


if __name__ == "__main__":
    main()
