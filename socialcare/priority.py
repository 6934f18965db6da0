"""Priority: how soon a post should be answered, on a 0-100 scale.

One formula, documented here and in the README::

    priority = base(category, scores) + urgent + reach + engagement + waiting   (clipped to [0, 100])

* **base**: escalations first, then complaints by negativity, then questions,
  praise, other. The bands do not overlap, so at equal reach, engagement and age
  an escalation always outranks a complaint, a complaint a question, and a
  question praise:

  ============  =====================================
  escalation    55 + 15 x escalation probability
  complaint     30 + 15 x negativity
  question      18 + 10 x question probability
  praise        8 + 4 x praise probability
  other         5 x max(negativity, question)
  ============  =====================================

* **urgent**: ``urgent_weight`` (8) x urgency probability, when the post is flagged urgent
  (a flight within hours, someone stranded, a safety or account-security issue).
* **reach**: ``reach_weight`` (6) x log10(1 + followers) / 6, full at a million followers:
  a bad experience travels further from a large audience.
* **engagement**: ``engagement_weight`` (6) x log10(1 + likes + 2 x shares + replies) / 4,
  full at 10,000: a complaint others amplify is going viral.
* **waiting**: ``waiting_weight`` (16) x min(waited / target, 2) / 2: a post climbs as it
  nears the response-time target (default 60 minutes, the hour most customers expect)
  and keeps climbing until twice the target.

Ties are broken by arrival: the earlier post first (:func:`queue_order`).
Every factor is non-decreasing in reach, engagement and waiting time, so more
followers, more engagement or a longer wait never lower a priority.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from .errors import ConfigError
from .types import Category

__all__ = ["PriorityConfig", "compute_priority", "queue_order", "waited_minutes"]


@dataclass(frozen=True, slots=True)
class PriorityConfig:
    """Weights of the priority formula (see the module docstring)."""

    response_target_minutes: float = 60.0
    urgent_weight: float = 8.0
    reach_weight: float = 6.0
    engagement_weight: float = 6.0
    waiting_weight: float = 16.0

    def __post_init__(self) -> None:
        for name in ("response_target_minutes", "urgent_weight", "reach_weight", "engagement_weight", "waiting_weight"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                raise ConfigError(f"priority setting {name} must be a finite number, got {value!r}")
            if value < 0:
                raise ConfigError(f"priority setting {name} must be >= 0, got {value!r}")
        if self.response_target_minutes == 0:
            raise ConfigError("priority setting response_target_minutes must be > 0, got 0")


_BASE = {
    "escalation": (55.0, 15.0),
    "complaint": (30.0, 15.0),
    "question": (18.0, 10.0),
    "praise": (8.0, 4.0),
    "other": (0.0, 5.0),
}


def waited_minutes(created_at: datetime | None, now: datetime | None) -> float | None:
    """Minutes between ``created_at`` and ``now`` (naive times are read as UTC); never negative."""
    if created_at is None or now is None:
        return None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return max(0.0, (now - created_at).total_seconds() / 60.0)


def _count(value: float | int | None) -> float:
    if value is None or value != value or value < 0:  # None, NaN or negative count: no signal
        return 0.0
    return float(value)


def compute_priority(
    category: Category,
    *,
    negativity: float,
    escalation: float,
    question: float,
    praise: float,
    urgency: float,
    is_urgent: bool,
    followers: float | None = None,
    likes: float | None = None,
    shares: float | None = None,
    replies: float | None = None,
    waited: float | None = None,
    config: PriorityConfig = PriorityConfig(),
) -> tuple[float, dict[str, float]]:
    """The priority of one post and the points each factor added.

    >>> p, parts = compute_priority("escalation", negativity=0.9, escalation=0.8, question=0.1,
    ...                             praise=0.0, urgency=0.1, is_urgent=False, waited=30)
    >>> round(p, 1), parts["waiting"]
    (71.0, 4.0)
    """
    offset, scale = _BASE[category]
    signal = {
        "escalation": escalation,
        "complaint": negativity,
        "question": question,
        "praise": praise,
        "other": max(negativity, question),
    }[category]
    parts = {
        "base": offset + scale * signal,
        "urgent": config.urgent_weight * urgency if is_urgent else 0.0,
        "reach": config.reach_weight * min(1.0, math.log10(1.0 + _count(followers)) / 6.0),
        "engagement": config.engagement_weight
        * min(1.0, math.log10(1.0 + _count(likes) + 2.0 * _count(shares) + _count(replies)) / 4.0),
        "waiting": 0.0
        if waited is None
        else config.waiting_weight * min(waited / config.response_target_minutes, 2.0) / 2.0,
    }
    parts = {k: round(v, 2) for k, v in parts.items()}
    return min(100.0, max(0.0, round(sum(parts.values()), 2))), parts


def queue_order(priorities: Sequence[float], created_at: Sequence[datetime | None]) -> list[int]:
    """Indices in answering order: highest priority first, ties by earlier arrival, then input order."""
    far = datetime.max.replace(tzinfo=timezone.utc)

    def arrival(i: int) -> datetime:
        t = created_at[i]
        if t is None:
            return far
        return t if t.tzinfo else t.replace(tzinfo=timezone.utc)

    return sorted(range(len(priorities)), key=lambda i: (-priorities[i], arrival(i), i))
