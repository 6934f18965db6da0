"""Spike alerts on the real airline timelines (Feb 2015), on spikes injected into them, and on shuffled timelines."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from socialcare import ColumnNotFoundError, InputError
from socialcare.alerts import find_spikes, poisson_p_value


@pytest.fixture(scope="module")
def timeline(triage) -> pd.DataFrame:
    from conftest import DATA

    frame = pd.read_csv(DATA / "airline_sentiment" / "Tweets.csv")
    scored = triage.route_frame(frame)
    scored["time"] = pd.to_datetime(scored["tweet_created"], utc=True)
    return scored


def test_the_real_surges_of_22_february_are_found(timeline) -> None:
    report = find_spikes(timeline, time_column="time", group_column="airline")
    assert report.rows == len(timeline) and report.rows_without_time == 0
    # Winter-weather cancellations: US Airways complaints doubled that day (483 tweets against about 230 a day).
    us_airways = [a for a in report.alerts if a.group == "US Airways" and a.metric == "negative"]
    assert any(a.start.date().isoformat() == "2015-02-22" for a in us_airways)
    # American's tweets start on 22 February in this corpus: the first hours alert against an empty history.
    american = [a for a in report.alerts if a.group == "American" and a.metric == "negative"]
    assert any(a.start <= pd.Timestamp("2015-02-22T22:00Z") < a.end and a.total > 200 for a in american)
    for alert in report.alerts:
        assert alert.count >= 5 and alert.count >= 2 * alert.baseline and alert.p_value < 1e-4
        assert alert.start <= alert.peak < alert.end and alert.total >= alert.count
        assert 0 < len(alert.examples) <= 3


def test_every_injected_spike_is_found(timeline) -> None:
    rng = np.random.default_rng(7)
    complaints = timeline[timeline["category"] == "complaint"]
    start = timeline["time"].min()
    for k in range(10):
        airline = str(rng.choice(timeline["airline"].unique()))
        hour = (start + pd.Timedelta(hours=int(rng.integers(24, 170)))).floor("1h")
        negative = timeline[(timeline["airline"] == airline) & timeline["category"].isin(["complaint", "escalation"])]
        usual = ((negative["time"] >= hour - pd.Timedelta("24h")) & (negative["time"] < hour)).sum() / 24
        size = max(25, math.ceil(2 * usual))  # a spike: at least 25 posts, and twice the usual hourly volume
        spike = complaints.sample(size, random_state=k).assign(airline=airline)
        spike["time"] = hour + pd.to_timedelta(rng.integers(0, 3600, len(spike)), unit="s")
        report = find_spikes(pd.concat([timeline, spike]), time_column="time", group_column="airline")
        assert any(a.group == airline and a.metric == "negative" and a.start <= hour < a.end for a in report.alerts), (
            f"spike of {size} complaints for {airline} at {hour} not found"
        )


def test_shuffled_timelines_raise_almost_no_alerts(timeline) -> None:
    rng = np.random.default_rng(3)
    lo, hi = timeline["time"].min().value, timeline["time"].max().value
    alerts = tested = 0
    for _ in range(3):
        shuffled = timeline.assign(time=pd.to_datetime(rng.integers(lo, hi, len(timeline)), utc=True))
        report = find_spikes(shuffled, time_column="time", group_column="airline")
        alerts += len(report.alerts)
        tested += report.windows_tested
    assert tested > 5000
    assert alerts / tested < 1e-3


def test_alerts_work_without_groups_and_on_unscored_frames(triage) -> None:
    times = pd.date_range("2024-01-01", periods=48, freq="1h", tz="UTC").repeat(2)
    texts = ["ok thanks", "where is my order?"] * 48
    burst = pd.DataFrame({"text": ["worst service ever, my order is lost and nobody answers"] * 12,
                          "created": pd.Timestamp("2024-01-02T20:10Z")})  # fmt: skip
    frame = pd.concat([pd.DataFrame({"text": texts, "created": times}), burst], ignore_index=True)
    report = find_spikes(frame, time_column="created", triage=triage)
    assert [(a.metric, a.group, a.start) for a in report.alerts] == [
        ("negative", None, pd.Timestamp("2024-01-02T20:00Z").to_pydatetime())
    ]


def test_unreadable_times_are_counted_not_dropped_silently(triage) -> None:
    frame = pd.DataFrame({"text": ["bad", "worse"], "created": ["2024-01-01T10:00Z", "not a time"]})
    assert find_spikes(frame, time_column="created", triage=triage).rows_without_time == 1


def test_bad_arguments_name_the_problem(timeline) -> None:
    with pytest.raises(ColumnNotFoundError, match="when"):
        find_spikes(timeline, time_column="when")
    with pytest.raises(InputError, match="window"):
        find_spikes(timeline, time_column="time", window="soon")
    with pytest.raises(InputError, match="alpha"):
        find_spikes(timeline, time_column="time", alpha=2)


def test_poisson_tail() -> None:
    assert poisson_p_value(0, 3.0) == 1.0
    assert poisson_p_value(1, 2.0) == pytest.approx(1 - np.exp(-2.0))
    assert poisson_p_value(20, 2.0) < 1e-10
