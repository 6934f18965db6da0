"""Priority: how soon a post should be answered, on a 0-100 scale.

One formula, documented here and in the README::

    priority = base(category, scores) + urgent + reach + engagement + waiting + vip + platform

Every term is configurable (:class:`PriorityConfig`, loadable from TOML with
:meth:`PriorityConfig.from_toml`); these are the defaults.

* **base**: escalations first, then complaints by negativity, then questions,
  praise, other. The bands do not overlap (the configuration is refused if they
  do), so at equal reach, engagement, age and author an escalation always outranks
  a complaint, a complaint a question, and a question praise:

  ============  =====================================
  escalation    55 + 15 x escalation probability
  complaint     30 + 15 x negativity
  question      18 + 10 x question probability
  praise        8 + 4 x praise probability
  other         5 x max(negativity, question)
  ============  =====================================

* **urgent**: ``urgent_weight`` (6) x urgency probability, when the post is flagged urgent
  (a flight within hours, someone stranded, a safety or account-security issue).
* **reach**: ``reach_weight`` (4) x log10(1 + followers) / log10(1 + ``reach_full_at``),
  full at a million followers: a bad experience travels further from a large audience.
* **engagement**: ``engagement_weight`` (4) x log10(1 + likes + 2 x shares + replies) /
  log10(1 + ``engagement_full_at``), full at 10,000: a complaint others amplify is going viral.
* **waiting**: ``waiting_weight`` (10) x min(waited / target, ``waiting_cap``) / ``waiting_cap``:
  a post climbs as it nears the response-time target (default 60 minutes, the hour most
  customers expect) and keeps climbing until twice the target. With ``business_hours``
  only minutes inside the opening hours count.
* **vip**: ``vip_weight`` (3) when the author is one of ``vip_authors``.
* **platform**: ``platform_weights[platform]`` (none by default; the defaults leave 3
  points), e.g. more for a public timeline than for a private message.

The largest possible sum must not exceed 100 (the configuration is refused
otherwise), so no term is ever clipped away. Ties are broken by arrival: the
earlier post first (:func:`queue_order`). Every term is non-decreasing in reach,
engagement and waiting time, so more followers, more engagement or a longer wait
never lower a priority.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ConfigError
from .types import Category

__all__ = [
    "BusinessHours",
    "PriorityConfig",
    "compute_priority",
    "queue_order",
    "waited_minutes",
]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _number(name: str, value: object, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"priority setting {name} must be a finite number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ConfigError(f"priority setting {name} must be {'>' if positive else '>='} 0, got {value!r}")
    return float(value)


def _zone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return timezone.utc
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {name!r}; use an IANA name such as 'America/New_York' or 'UTC'") from None


def _clock(name: str, value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"business hours {name} must be a time like '09:00', got {value!r}")


@dataclass(frozen=True)
class BusinessHours:
    """Opening hours: only minutes inside them count as waiting.

    ``start``/``end`` are local times (``end`` after ``start``), ``days`` the open
    weekdays (``"mon"``..``"sun"``), ``timezone`` an IANA name (daylight saving handled).
    """

    start: time = time(9, 0)
    end: time = time(17, 0)
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _clock("start", self.start))
        object.__setattr__(self, "end", _clock("end", self.end))
        if self.end <= self.start:
            raise ConfigError(f"business hours end {self.end} must be after start {self.start}")
        days = tuple(str(d).lower()[:3] for d in self.days)
        unknown = [d for d in days if d not in _DAYS]
        if unknown or not days:
            raise ConfigError(f"business days must be a non-empty list of {list(_DAYS)}, got {list(self.days)}")
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "_zone", _zone(self.timezone))
        object.__setattr__(self, "_open", frozenset(_DAYS.index(d) for d in days))

    def open_minutes(self, start: datetime, end: datetime, cap: float = math.inf) -> float:
        """Minutes of opening hours between two aware times, at most ``cap``."""
        if end <= start:
            return 0.0
        zone: tzinfo = self._zone  # type: ignore[attr-defined]
        opened: frozenset[int] = self._open  # type: ignore[attr-defined]
        day = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        total = 0.0
        while day <= last and total < cap:
            if day.weekday() in opened:
                lo = max(start, datetime.combine(day, self.start, zone))
                hi = min(end, datetime.combine(day, self.end, zone))
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60.0
            day += timedelta(days=1)
        return min(total, cap)


@dataclass(frozen=True)
class PriorityConfig:
    """Weights of the priority formula (see the module docstring), validated on creation.

    Build one in code, or from a TOML file with :meth:`from_toml`.
    """

    response_target_minutes: float = 60.0
    escalation_base: float = 55.0
    escalation_weight: float = 15.0
    complaint_base: float = 30.0
    negativity_weight: float = 15.0
    question_base: float = 18.0
    question_weight: float = 10.0
    praise_base: float = 8.0
    praise_weight: float = 4.0
    other_weight: float = 5.0
    urgent_weight: float = 6.0
    reach_weight: float = 4.0
    reach_full_at: float = 1_000_000.0
    engagement_weight: float = 4.0
    engagement_full_at: float = 10_000.0
    waiting_weight: float = 10.0
    waiting_cap: float = 2.0
    business_hours: BusinessHours | None = None
    vip_authors: frozenset[str] = frozenset()
    vip_weight: float = 3.0
    platform_weights: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        positive = {"response_target_minutes", "reach_full_at", "engagement_full_at", "waiting_cap"}
        for f in fields(self):
            if f.name in ("business_hours", "vip_authors", "platform_weights"):
                continue
            object.__setattr__(self, f.name, _number(f.name, getattr(self, f.name), positive=f.name in positive))
        if self.business_hours is not None and not isinstance(self.business_hours, BusinessHours):
            raise ConfigError(f"business_hours must be a BusinessHours, got {type(self.business_hours).__name__}")
        if isinstance(self.vip_authors, str) or not all(isinstance(a, str) for a in self.vip_authors):
            raise ConfigError(f"vip_authors must be a list of handles, got {self.vip_authors!r}")
        object.__setattr__(self, "vip_authors", frozenset(_handle(a) for a in self.vip_authors))
        if not isinstance(self.platform_weights, Mapping):
            raise ConfigError(f"platform_weights must map platform names to points, got {self.platform_weights!r}")
        platforms = {str(k).lower(): _number(f"platform_weights[{k!r}]", v) for k, v in self.platform_weights.items()}
        object.__setattr__(self, "platform_weights", MappingProxyType(platforms))
        bands = [
            ("escalation", self.escalation_base, self.escalation_weight),
            ("complaint", self.complaint_base, self.negativity_weight),
            ("question", self.question_base, self.question_weight),
            ("praise", self.praise_base, self.praise_weight),
            ("other", 0.0, self.other_weight),
        ]
        for (upper, base, _), (lower, lower_base, lower_weight) in itertools.pairwise(bands):
            if lower_base + lower_weight > base:
                raise ConfigError(
                    f"priority bands overlap: {lower} reaches {lower_base + lower_weight:g} but {upper} starts at "
                    f"{base:g}; raise {upper}_base or lower the {lower} band so categories keep their order"
                )
        extras = self.urgent_weight + self.reach_weight + self.engagement_weight + self.waiting_weight + self.vip_weight
        top = self.escalation_base + self.escalation_weight + extras + max(platforms.values(), default=0.0)
        if top > 100.0 + 1e-9:
            raise ConfigError(
                f"the largest possible priority is {top:g} (escalation band + every other term at its maximum), "
                "over 100; lower some weights so no term is clipped"
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> PriorityConfig:
        """A configuration from plain values (as parsed from TOML or JSON); unknown keys are refused."""
        if not isinstance(values, Mapping):
            raise ConfigError(f"priority settings must be a table of names and values, got {values!r}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown priority setting(s) {unknown}; known settings are {sorted(known)}")
        kwargs = dict(values)
        hours = kwargs.get("business_hours")
        if isinstance(hours, Mapping):
            allowed = {"start", "end", "days", "timezone"}
            if set(hours) - allowed:
                raise ConfigError(
                    f"unknown business_hours key(s) {sorted(set(hours) - allowed)}; known: {sorted(allowed)}"
                )
            kwargs["business_hours"] = BusinessHours(**hours)
        if "vip_authors" in kwargs:
            vips = kwargs["vip_authors"]
            if isinstance(vips, str) or not isinstance(vips, Sequence):
                raise ConfigError(f"vip_authors must be a list of handles, got {vips!r}")
            kwargs["vip_authors"] = frozenset(vips)
        try:
            return cls(**kwargs)
        except TypeError as exc:  # a value of the wrong kind for a nested setting
            raise ConfigError(f"invalid priority settings: {exc}") from None

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> PriorityConfig:
        """Read a configuration from a TOML file: keys at the top level or under ``[priority]``.

        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.toml"
        >>> _ = f.write_text('[priority]\\nresponse_target_minutes = 30\\nvip_authors = ["@acme"]\\n')
        >>> PriorityConfig.from_toml(f).response_target_minutes
        30.0
        """
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib

        p = Path(path)
        try:
            document = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"no configuration file at {str(p)!r}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read configuration {str(p)!r}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{str(p)!r} is not valid TOML: {exc}") from None
        table = document.get("priority", document)
        return cls.from_mapping(table)

    def waiting_minutes(self, created_at: datetime | None, now: datetime | None) -> float | None:
        """Minutes a post has waited: all minutes, or only opening hours when ``business_hours`` is set."""
        if self.business_hours is None or created_at is None or now is None:
            return waited_minutes(created_at, now)
        cap = self.waiting_cap * self.response_target_minutes
        return self.business_hours.open_minutes(_aware(created_at), _aware(now), cap=cap)

    def waiting_points(self, waited: float | None) -> float:
        """The waiting term for a post that has waited ``waited`` minutes (0 when unknown)."""
        if waited is None:
            return 0.0
        return self.waiting_weight * min(waited / self.response_target_minutes, self.waiting_cap) / self.waiting_cap


def _handle(author: str) -> str:
    return author.strip().lstrip("@").lower()


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc)


def waited_minutes(created_at: datetime | None, now: datetime | None) -> float | None:
    """Minutes between ``created_at`` and ``now`` (naive times are read as UTC); never negative."""
    if created_at is None or now is None:
        return None
    return max(0.0, (_aware(now) - _aware(created_at)).total_seconds() / 60.0)


def _count(value: float | int | None) -> float:
    if value is None or value != value or value < 0:  # None, NaN or negative count: no signal
        return 0.0
    return float(value)


def _curve(value: float, full_at: float) -> float:
    return min(1.0, math.log10(1.0 + value) / math.log10(1.0 + full_at))


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
    author: str | None = None,
    platform: str | None = None,
    config: PriorityConfig | None = None,
) -> tuple[float, dict[str, float]]:
    """The priority of one post and the points each term added.

    >>> p, parts = compute_priority("escalation", negativity=0.9, escalation=0.8, question=0.1,
    ...                             praise=0.0, urgency=0.1, is_urgent=False, waited=30)
    >>> round(p, 1), parts["waiting"]
    (69.5, 2.5)
    """
    c = config or _DEFAULT
    base = {
        "escalation": c.escalation_base + c.escalation_weight * escalation,
        "complaint": c.complaint_base + c.negativity_weight * negativity,
        "question": c.question_base + c.question_weight * question,
        "praise": c.praise_base + c.praise_weight * praise,
        "other": c.other_weight * max(negativity, question),
    }[category]
    engagement = _count(likes) + 2.0 * _count(shares) + _count(replies)
    parts = {
        "base": base,
        "urgent": c.urgent_weight * urgency if is_urgent else 0.0,
        "reach": c.reach_weight * _curve(_count(followers), c.reach_full_at),
        "engagement": c.engagement_weight * _curve(engagement, c.engagement_full_at),
        "waiting": c.waiting_points(waited),
        "vip": c.vip_weight if author is not None and _handle(author) in c.vip_authors else 0.0,
        "platform": c.platform_weights.get(platform.lower(), 0.0) if platform else 0.0,
    }
    parts = {k: round(v, 2) for k, v in parts.items()}
    return min(100.0, max(0.0, round(sum(parts.values()), 2))), parts


_DEFAULT = PriorityConfig()


def queue_order(priorities: Sequence[float], created_at: Sequence[datetime | None]) -> list[int]:
    """Indices in answering order: highest priority first, ties by earlier arrival, then input order."""
    far = datetime.max.replace(tzinfo=timezone.utc)

    def arrival(i: int) -> datetime:
        t = created_at[i]
        return far if t is None else _aware(t)

    return sorted(range(len(priorities)), key=lambda i: (-priorities[i], arrival(i), i))
