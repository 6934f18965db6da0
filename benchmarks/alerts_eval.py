"""How well spike alerts work on real timelines: the airline sentiment tweets (Feb 2015).

Reports, with the default settings of :func:`socialcare.alerts.find_spikes` (1-hour
windows, 24-window baseline, alpha 1e-4, at least 5 posts and twice the baseline):

* the alerts on the real timeline, per airline (the week holds real storms: winter
  weather cancellations, hold times of several hours);
* recall on synthetic spikes: ``--spikes`` times per size, real complaint posts of the
  archive are injected into one random hour of one random airline: N posts (each of
  ``--sizes`` in turn), or twice that airline's mean hourly complaint count over the
  previous day when that is more (a spike is relative to the usual volume); a spike
  counts as found when an alert of that airline covers that hour;
* the false-alert rate on shuffled timelines: every post gets a uniformly random time in
  the same week (``--shuffles`` times), which destroys every real spike, so every alert
  is false; the rate is alerts per window tested.

Run: ``python benchmarks/alerts_eval.py [--spikes 50] [--sizes 10 15 25 40] [--shuffles 20]``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd

import socialcare
from socialcare.alerts import find_spikes

ROOT = Path(__file__).resolve().parents[1]


def hourly_baseline(scored: pd.DataFrame, airline: str, hour: pd.Timestamp) -> float:
    """Mean hourly count of complaints and escalations of ``airline`` over the 24 hours before ``hour``."""
    negative = scored["category"].isin(["complaint", "escalation"]) & (scored["airline"] == airline)
    times = scored.loc[negative, "time"]
    return float(((times >= hour - pd.Timedelta("24h")) & (times < hour)).sum() / 24)


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
            n = max(size, math.ceil(2 * hourly_baseline(scored, airline, hour)))
            spike = complaints.sample(n, random_state=k, replace=n > len(complaints)).copy()
            spike["airline"] = airline
            spike["time"] = hour + pd.to_timedelta(rng.integers(0, 3600, n), unit="s")
            report = find_spikes(pd.concat([scored, spike]), time_column="time", group_column="airline")
            found += any(
                a.group == airline and a.metric == "negative" and a.start <= hour < a.end for a in report.alerts
            )
        print(f"injected spikes of max({size}, 2 x baseline) complaints in one hour: {found} of {args.spikes} found")

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
