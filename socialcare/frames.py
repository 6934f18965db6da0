"""pandas integration: the ``df.socialcare`` accessor and the usual summaries of a scored archive.

    >>> import pandas as pd
    >>> import socialcare.frames  # registers df.socialcare (done for you if pandas was imported first)
    >>> posts = pd.DataFrame({"text": ["lost my bag AGAIN, calling my lawyer", "thanks, lovely crew"]})
    >>> posts.socialcare.route()["category"].tolist()
    ['escalation', 'praise']

Every helper takes a frame scored by :meth:`route` (or :meth:`Triage.route_frame`) and
returns a tidy DataFrame, ready for ``.plot`` or a report:

* :func:`category_mix` - posts per category per period;
* :func:`negativity_by` - share of negative posts (complaints and escalations) and mean
  negativity per group (e.g. per brand);
* :func:`escalations_by_type` - escalations per type (media, legal, regulator, ...);
* :func:`priority_distribution` - posts per priority band;
* :func:`sla_risk` - posts still waiting past (or near) the response-time target.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import ColumnNotFoundError, InputTypeError
from .types import CATEGORIES, ESCALATION_TYPES

if TYPE_CHECKING:
    from .triage import Triage

__all__ = [
    "SocialCareAccessor",
    "category_mix",
    "escalations_by_type",
    "negativity_by",
    "priority_distribution",
    "sla_risk",
]


def _need(frame: pd.DataFrame, *columns: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InputTypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ColumnNotFoundError(
            f"column(s) {missing} not found; score the frame first with df.socialcare.route(), "
            f"or name the column (the frame has {list(map(str, frame.columns))[:20]})"
        )


def _times(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column].astype("string"), utc=True, errors="coerce", format="mixed")


def category_mix(frame: pd.DataFrame, time_column: str = "created_at", freq: str = "1D") -> pd.DataFrame:
    """Posts per category per period: one row per period, one column per category (in routing order)."""
    _need(frame, time_column, "category")
    times = _times(frame, time_column)
    table = (
        pd.DataFrame({"period": times.dt.floor(freq), "category": frame["category"].astype(str)})
        .dropna(subset=["period"])
        .groupby(["period", "category"])
        .size()
        .unstack(fill_value=0)
    )
    return table.reindex(columns=list(CATEGORIES), fill_value=0).rename_axis(columns=None)


def negativity_by(frame: pd.DataFrame, group_column: str) -> pd.DataFrame:
    """Per group: posts, share negative (complaints and escalations), escalations, mean negativity;
    most negative first."""
    _need(frame, group_column, "category", "negativity")
    category = frame["category"].astype(str)
    table = pd.DataFrame(
        {
            "group": frame[group_column].astype("string").fillna("(none)"),
            "negative": category.isin(["complaint", "escalation"]),
            "escalation": category == "escalation",
            "negativity": pd.to_numeric(frame["negativity"], errors="coerce"),
        }
    )
    out = table.groupby("group").agg(
        posts=("negative", "size"),
        negative_share=("negative", "mean"),
        escalations=("escalation", "sum"),
        mean_negativity=("negativity", "mean"),
    )
    return out.sort_values("negative_share", ascending=False)


def escalations_by_type(frame: pd.DataFrame) -> pd.DataFrame:
    """Escalations per type, strongest type first (types with none are listed with 0)."""
    _need(frame, "category", "escalation_type")
    escalations = frame[frame["category"].astype(str) == "escalation"]
    counts = escalations["escalation_type"].astype("string").value_counts()
    return pd.DataFrame(
        {"escalations": [int(counts.get(t, 0)) for t in ESCALATION_TYPES]}, index=list(ESCALATION_TYPES)
    )


def priority_distribution(frame: pd.DataFrame, bands: tuple[int, ...] = (0, 20, 40, 55, 70, 85, 100)) -> pd.DataFrame:
    """Posts per priority band and category."""
    _need(frame, "priority", "category")
    band = pd.cut(pd.to_numeric(frame["priority"], errors="coerce"), bins=list(bands), include_lowest=True)
    table = pd.crosstab(band, frame["category"].astype(str)).reindex(columns=list(CATEGORIES), fill_value=0)
    return table.rename_axis(index="priority", columns=None)


def sla_risk(
    frame: pd.DataFrame,
    now: datetime,
    time_column: str = "created_at",
    target_minutes: float = 60.0,
    warn_at: float = 0.75,
) -> pd.DataFrame:
    """Posts that need an answer (not praise or other) by how they stand against the target:
    ``breached`` (waited past it), ``at risk`` (past ``warn_at`` of it) or ``ok``; per category."""
    _need(frame, time_column, "category")
    waited = (pd.Timestamp(now).tz_convert("UTC") - _times(frame, time_column)).dt.total_seconds() / 60.0
    answerable = frame["category"].astype(str).isin(["escalation", "complaint", "question"])
    state = pd.Series("ok", index=frame.index)
    state[waited >= warn_at * target_minutes] = "at risk"
    state[waited >= target_minutes] = "breached"
    state[waited.isna()] = "no time"
    table = pd.crosstab(frame.loc[answerable, "category"].astype(str), state[answerable])
    return table.reindex(columns=["breached", "at risk", "ok", "no time"], fill_value=0).rename_axis(
        index="category", columns=None
    )


class SocialCareAccessor:
    """``df.socialcare``: scoring, routing and summaries on a DataFrame of posts."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def score(self, text_column: str = "text", triage: Triage | None = None) -> pd.DataFrame:
        """A copy with the score columns added (see :meth:`Triage.score_frame`)."""
        return _triage(triage).score_frame(self._frame, text_column)

    def route(
        self, text_column: str = "text", now: datetime | None = None, triage: Triage | None = None
    ) -> pd.DataFrame:
        """A copy with the score and routing columns added (see :meth:`Triage.route_frame`)."""
        return _triage(triage).route_frame(self._frame, text_column, now)

    def category_mix(self, time_column: str = "created_at", freq: str = "1D") -> pd.DataFrame:
        return category_mix(self._frame, time_column, freq)

    def negativity_by(self, group_column: str) -> pd.DataFrame:
        return negativity_by(self._frame, group_column)

    def escalations_by_type(self) -> pd.DataFrame:
        return escalations_by_type(self._frame)

    def priority_distribution(self) -> pd.DataFrame:
        return priority_distribution(self._frame)

    def sla_risk(self, now: datetime, time_column: str = "created_at", target_minutes: float = 60.0) -> pd.DataFrame:
        return sla_risk(self._frame, now, time_column, target_minutes)

    def queue(self, k: int = 20) -> pd.DataFrame:
        """The ``k`` posts to answer first: highest priority, ties to the earlier post."""
        _need(self._frame, "priority")
        ordered = self._frame.sort_values("priority", ascending=False, kind="stable")
        return ordered.head(k)


def _triage(triage: Any) -> Triage:
    if triage is not None:
        return triage
    from . import default_triage

    return default_triage()


def register() -> None:
    """Register ``df.socialcare`` (idempotent)."""
    if "socialcare" not in getattr(pd.DataFrame, "_accessors", set()):
        pd.api.extensions.register_dataframe_accessor("socialcare")(SocialCareAccessor)


register()
