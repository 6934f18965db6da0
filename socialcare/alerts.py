"""Spike alerts: windows where negative or escalation volume rises far above its recent baseline.

The test, per brand (or for the whole archive) and per metric:

1. Posts are scored (unless the frame already has a ``category`` column) and counted
   in fixed windows (default one hour): *negative* counts complaints and escalations,
   *escalation* counts escalations only. Windows with no post count as zero.
2. The baseline of a window is the mean count of the ``history`` windows before it
   (default 24), floored at ``floor`` (0.5 posts) so that a quiet brand does not alarm
   on its first two complaints; a window needs ``min_history`` windows of history.
3. Under a Poisson model with that mean, the p-value of the window is
   P(X >= count). The window alerts when p < ``alpha`` (default 0.0001), the count is at
   least ``min_count`` (5) and at least ``min_ratio`` (2) times the baseline.
4. Consecutive alerting windows of one brand and metric are one alert; it reports the
   span, the peak window, its count against the baseline, the p-value, and the posts
   that weigh most (highest escalation or negativity probability) as examples.

A storm raises its own baseline as it goes on, so an alert marks its onset and
growth rather than every hour of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from .errors import ColumnNotFoundError, InputError, InputTypeError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import pandas as pd

    from .triage import Triage

__all__ = ["Alert", "SpikeReport", "find_spikes"]

Metric = Literal["negative", "escalation"]


@dataclass(frozen=True, slots=True)
class Alert:
    """One spike: a run of consecutive alerting windows of one group and metric."""

    metric: Metric
    group: str | None
    start: datetime  # start of the first alerting window
    end: datetime  # end of the last alerting window
    peak: datetime  # start of the window with the smallest p-value
    count: int  # posts of the metric in the peak window
    baseline: float  # expected posts per window at the peak (the floored recent mean)
    p_value: float  # Poisson P(X >= count | baseline) at the peak
    total: int  # posts of the metric over the whole span
    examples: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for people: when, who, how many against what, and how unlikely."""
        who = f"{self.group} " if self.group is not None else ""
        return (
            f"{self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} UTC {who}{self.metric}: {self.count} posts in the window "
            f"from {self.peak:%H:%M} against a baseline of {self.baseline:.1f} (p={self.p_value:.1e}); "
            f"{self.total} over the alert"
        )


@dataclass(frozen=True, slots=True)
class SpikeReport:
    """The alerts of an archive, and what was tested."""

    alerts: list[Alert]
    window: str
    windows_tested: int  # group x metric x window tests that had enough history
    rows: int  # posts read
    rows_without_time: int  # posts whose time could not be read (not counted in any window)
    groups: list[str] = field(default_factory=list)


def _window(window: str) -> pd.Timedelta:
    import pandas as pd

    try:
        delta = pd.Timedelta(window)
    except (ValueError, TypeError):
        raise InputError(f"window {window!r} is not a duration; write e.g. '1h', '30min' or '1d'") from None
    if delta <= pd.Timedelta(0):
        raise InputError(f"window must be positive, got {window!r}")
    return delta


def find_spikes(
    frame: pd.DataFrame,
    *,
    time_column: str,
    group_column: str | None = None,
    text_column: str = "text",
    window: str = "1h",
    history: int = 24,
    min_history: int = 6,
    alpha: float = 1e-4,
    min_count: int = 5,
    min_ratio: float = 2.0,
    floor: float = 0.5,
    examples: int = 3,
    triage: Triage | None = None,
) -> SpikeReport:
    """Find spikes of negative and escalation volume in a DataFrame of posts (see the module docstring).

    ``frame`` needs ``time_column`` (anything pandas reads as a time; naive times are UTC)
    and either ``text_column`` or the ``category`` column of :meth:`Triage.route_frame`
    output. ``group_column`` (e.g. the brand or handle addressed) gives each group its own
    baseline.
    """
    import numpy as np
    import pandas as pd
    from scipy.stats import poisson

    if not isinstance(frame, pd.DataFrame):
        raise InputTypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    for column in (time_column, group_column):
        if column is not None and column not in frame.columns:
            raise ColumnNotFoundError(
                f"column {column!r} not found; the frame has {list(map(str, frame.columns))[:20]}"
            )
    if history < 1 or not 1 <= min_history <= history:
        raise InputError(f"need 1 <= min_history <= history, got min_history={min_history}, history={history}")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha}")
    step = _window(window)

    scored = frame
    if "category" not in frame.columns:
        if triage is None:
            from . import default_triage

            triage = default_triage()
        scored = triage.route_frame(frame, text_column=text_column)
    times = pd.to_datetime(scored[time_column].astype("string"), utc=True, errors="coerce", format="mixed")
    has_time = times.notna().to_numpy()
    category = scored["category"].astype("string").to_numpy()
    texts = scored[text_column].astype("string").fillna("") if text_column in scored.columns else None
    table = pd.DataFrame(
        {
            "bin": times.dt.floor(step),
            "group": scored[group_column].astype("string").fillna("(none)") if group_column else "(all)",
            "negative": np.isin(category, ["complaint", "escalation"]),
            "escalation": category == "escalation",
            "weight_negative": pd.to_numeric(scored.get("negativity", 0.0), errors="coerce"),
            "weight_escalation": pd.to_numeric(scored.get("escalation", 0.0), errors="coerce"),
            "text": texts if texts is not None else "",
        }
    )[has_time]
    alerts: list[Alert] = []
    tested = 0
    groups = sorted(table["group"].unique().tolist())
    if len(table):
        grid = pd.date_range(table["bin"].min(), table["bin"].max(), freq=step)
        for group in groups:
            rows = table[table["group"] == group]
            for metric in ("negative", "escalation"):
                hits = rows[rows[metric]]
                counts = hits.groupby("bin").size().reindex(grid, fill_value=0)
                recent = counts.shift(1).rolling(history, min_periods=min_history).mean()
                baseline = recent.clip(lower=floor)
                values = counts.to_numpy()
                p = poisson.sf(values - 1, baseline.fillna(floor).to_numpy())
                ready = recent.notna().to_numpy()
                tested += int(ready.sum())
                alarm = ready & (p < alpha) & (values >= min_count) & (values >= min_ratio * baseline.to_numpy())
                for first, last in _runs(alarm):
                    span = slice(first, last + 1)
                    peak = first + int(np.argmin(p[span]))
                    start, end = grid[first], grid[last] + step
                    inside = hits[(hits["bin"] >= start) & (hits["bin"] < end)]
                    top = inside.sort_values(f"weight_{metric}", ascending=False, kind="stable")["text"]
                    alerts.append(
                        Alert(
                            metric=metric,
                            group=None if group_column is None else group,
                            start=start.to_pydatetime(),
                            end=end.to_pydatetime(),
                            peak=grid[peak].to_pydatetime(),
                            count=int(values[peak]),
                            baseline=float(baseline.iloc[peak]),
                            p_value=float(p[peak]),
                            total=int(values[span].sum()),
                            examples=tuple(str(t) for t in top.head(examples)),
                        )
                    )
    alerts.sort(key=lambda a: (a.start, a.group or "", a.metric))
    return SpikeReport(
        alerts=alerts,
        window=window,
        windows_tested=tested,
        rows=len(frame),
        rows_without_time=int((~has_time).sum()),
        groups=[] if group_column is None else groups,
    )


def _runs(mask: Sequence[bool] | np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of true values."""
    out: list[tuple[int, int]] = []
    start = None
    for i, value in enumerate(mask):
        if value and start is None:
            start = i
        elif not value and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(mask) - 1))
    return out


def poisson_p_value(count: int, expected: float) -> float:
    """P(X >= count) for X ~ Poisson(expected): the tail probability used by :func:`find_spikes`."""
    if count <= 0:
        return 1.0
    from scipy.stats import poisson

    return float(poisson.sf(count - 1, max(expected, math.ulp(0.0))))
