"""End-to-end archive scoring: `socialcare score` against a pandas + VADER script, jobs, memory.

Builds CSV archives of real posts bundled in data/ (customer posts, airline tweets and
SemEval tweets, ~95,000 distinct texts, repeated with new ids to reach the size asked),
then, each run in its own process:

* **speed**: ``socialcare score big.csv -o out.csv`` against a script that reads the same
  CSV with pandas, runs VADER's ``polarity_scores`` on every text, adds the four scores
  and writes a CSV (the usual way to do it), on the same file in the same command;
* **scaling**: ``--jobs 1`` against ``--jobs N`` (all cores);
* **memory**: peak memory of the whole process tree (the command and its workers) for
  100k, 1M and 2M rows, sampled every 0.2 s: the sum of RSS, and the sum of PSS (which
  counts pages shared between processes once: forked workers share the model's arrays).

Run: ``python benchmarks/archive_speed.py [--rows 1000000] [--memory 100000 1000000 2000000]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]

VADER_SCRIPT = """
import sys, pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
analyzer = SentimentIntensityAnalyzer()
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
scores = [analyzer.polarity_scores(t) for t in frame["text"]]
for key in ("neg", "neu", "pos", "compound"):
    frame[key] = [s[key] for s in scores]
frame.to_csv(sys.argv[2], index=False)
"""


def real_texts() -> list[str]:
    from socialcare.datasets import _semeval

    data = ROOT / "data"
    texts = pd.read_csv(data / "socialcare_labels" / "labels.csv")["text"].tolist()
    texts += pd.read_csv(data / "airline_sentiment" / "Tweets.csv")["text"].tolist()
    texts += _semeval(data)["text"].tolist()
    return list(dict.fromkeys(str(t) for t in texts))


def build(path: Path, texts: list[str], rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        for start in range(0, rows, 100_000):
            n = min(100_000, rows - start)
            frame = pd.DataFrame(
                {
                    "id": range(start, start + n),
                    "text": [texts[(start + i) % len(texts)] for i in range(n)],
                    "followers": [(start + i) % 5000 for i in range(n)],
                }
            )
            frame.to_csv(handle, index=False, header=start == 0)
    return path


def run(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, and peak summed RSS and PSS (MB) of the process tree."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = [0.0, 0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                rss = pss = 0.0
                for p in tree:
                    try:
                        info = p.memory_full_info()
                        rss += info.rss
                        pss += getattr(info, "pss", info.rss)
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
                peak[0], peak[1] = max(peak[0], rss / 2**20), max(peak[1], pss / 2**20)
            except psutil.NoSuchProcess:
                return
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"command failed ({code}): {' '.join(command)}")
    return time.perf_counter() - started, peak[0], peak[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the speed comparison")
    parser.add_argument("--scaling-rows", type=int, default=200_000)
    parser.add_argument("--memory", type=int, nargs="*", default=[100_000, 1_000_000, 2_000_000])
    args = parser.parse_args()
    cores = psutil.cpu_count(logical=True) or 1
    texts = real_texts()
    score = [sys.executable, "-m", "socialcare", "score", "-q", "--now", "2024-01-01T00:00:00Z"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = build(folder / "big.csv", texts, args.rows)
        ours, _, _ = run([*score, str(big), "-o", str(folder / "out.csv")])
        vader, _, _ = run([sys.executable, "-c", VADER_SCRIPT, str(big), str(folder / "vader.csv")])
        print(f"{args.rows:,} rows ({len(texts):,} distinct real texts), {cores} cores")
        print(
            f"speed: socialcare score {args.rows / ours:,.0f} rows/s ({ours:.0f} s) vs pandas + VADER script "
            f"{args.rows / vader:,.0f} rows/s ({vader:.0f} s) -> {vader / ours:.2f}x"
        )
        small = build(folder / "small.csv", texts, args.scaling_rows)
        one, _, _ = run([*score, str(small), "-o", str(folder / "one.csv"), "--jobs", "1"])
        many, _, _ = run([*score, str(small), "-o", str(folder / "many.csv"), "--jobs", str(cores)])
        print(
            f"scaling on {args.scaling_rows:,} rows: --jobs 1 {args.scaling_rows / one:,.0f} rows/s, "
            f"--jobs {cores} {args.scaling_rows / many:,.0f} rows/s -> {one / many:.2f}x"
        )
        peaks = []
        for rows in args.memory:
            path = build(folder / f"mem{rows}.csv", texts, rows)
            seconds, rss, pss = run([*score, str(path), "-o", str(folder / f"mem{rows}.out.csv")])
            peaks.append((rows, rss, pss))
            print(f"memory at {rows:,} rows: peak RSS {rss:,.0f} MB summed, PSS {pss:,.0f} MB ({seconds:.0f} s)")
            path.unlink()
        if len(peaks) > 1:
            spread = max(p[2] for p in peaks) / min(p[2] for p in peaks) - 1
            print(f"PSS from {peaks[0][0]:,} to {peaks[-1][0]:,} rows varies by {spread:.0%}")


if __name__ == "__main__":
    main()
