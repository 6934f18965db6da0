"""How well spike alerts work on real timelines: the airline sentiment tweets (Feb 2015).

Reports, with the default settings of :func:`socialcare.alerts.find_spikes` (1-hour
windows, 24-window baseline, alpha 1e-4, at least 5 posts and twice the baseline):

* the alerts on the real timeline, per airline (the week holds real storms: winter
  weather cancellations, hold times of several hours);
* recall on synthetic spikes: ``--spikes`` times per size, real complaint posts of the
  archive (each of ``--sizes`` in turn) are injected into one random hour of one random airline; a spike
  counts as found when an alert of that airline covers that hour;
* the false-alert rate on shuffled timelines: every post gets a uniformly random time in
  the same week (``--shuffles`` times), which destroys every real spike, so every alert
  is false; the rate is alerts per window tested.

Run: ``python benchmarks/alerts_eval.py [--spikes 50] [--sizes 10 15 25 40] [--shuffles 20]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import socialcare
from socialcare.alerts import find_spikes

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spikes", type=int, default=50)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 15, 25, 40])
    parser.add_argument("--shuffles", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    frame = pd.read_csv(ROOT / "data" / "airline_sentiment" / "Tweets.csv")
    scored = socialcare.default_triage().route_frame(frame)
    scored["time"] = pd.to_datetime(scored["tweet_created"], utc=True)
    real = find_spikes(scored, time_column="time", group_column="airline")
    print(f"real timeline: {len(scored)} tweets, {real.windows_tested} windows tested, {len(real.alerts)} alerts")
    for alert in sorted(real.alerts, key=lambda a: a.p_value)[:8]:
        print(f"  {alert.describe()}")
        print(f"    e.g. {alert.examples[0][:110]!r}")

    complaints = scored[scored["category"] == "complaint"]
    lo, hi = scored["time"].min(), scored["time"].max()
    hours = int((hi - lo) / pd.Timedelta("1h"))
    for size in args.sizes:
        found = 0
        for k in range(args.spikes):
            airline = str(rng.choice(scored["airline"].unique()))
            hour = (lo + pd.Timedelta(hours=int(rng.integers(24, hours)))).floor("1h")
            spike = complaints.sample(size, random_state=k).copy()
            spike["airline"] = airline
            spike["time"] = hour + pd.to_timedelta(rng.integers(0, 3600, size), unit="s")
            report = find_spikes(pd.concat([scored, spike]), time_column="time", group_column="airline")
            found += any(
                a.group == airline and a.metric == "negative" and a.start <= hour < a.end for a in report.alerts
            )
        print(f"injected spikes of {size} complaints in one hour: {found} of {args.spikes} found")

    false_alerts = tested = 0
    for _ in range(args.shuffles):
        shuffled = scored.copy()
        shuffled["time"] = pd.to_datetime(rng.integers(lo.value, hi.value, len(shuffled)), utc=True)
        report = find_spikes(shuffled, time_column="time", group_column="airline")
        false_alerts += len(report.alerts)
        tested += report.windows_tested
    print(
        f"shuffled timelines: {false_alerts} alerts in {tested} windows tested over {args.shuffles} shuffles "
        f"({false_alerts / max(tested, 1):.5f} per window)"
    )


if __name__ == "__main__":
    main()
