"""Typed, frozen results and inputs: :class:`Post`, :class:`Scores`, :class:`Routing`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

__all__ = [
    "CATEGORIES",
    "ESCALATION_TYPES",
    "SENTIMENTS",
    "Category",
    "EscalationType",
    "Post",
    "Routing",
    "Scores",
    "Sentiment",
]

Category = Literal["escalation", "complaint", "question", "praise", "other"]
EscalationType = Literal["media", "legal", "regulator", "financial", "public", "churn", "internal"]
Sentiment = Literal["negative", "neutral", "positive"]

#: Routing categories, in the precedence order of the labeling guide.
CATEGORIES: tuple[Category, ...] = get_args(Category)
#: Escalation types, strongest first (the guide's order for posts naming several).
ESCALATION_TYPES: tuple[EscalationType, ...] = get_args(EscalationType)
SENTIMENTS: tuple[Sentiment, ...] = get_args(Sentiment)


@dataclass(frozen=True, slots=True)
class Post:
    """One incoming post and what is known about it.

    Only ``text`` is required. ``followers`` is the author's audience; ``likes``,
    ``shares`` and ``replies`` are engagement counts; ``created_at`` is when the post
    was published (a timezone-aware ``datetime``; naive values are read as UTC).
    """

    text: str
    id: str | None = None
    author: str | None = None
    followers: int | None = None
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    created_at: datetime | None = None
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class Scores:
    """What the model reads in one post.

    ``negativity``, ``escalation``, ``praise``, ``question`` and ``urgency`` are
    calibrated probabilities in [0, 1]. ``escalation_type`` is the strongest kind of
    threat found (``None`` unless the post is judged an escalation). ``sentiment`` is
    the most likely of negative, neutral, positive. ``cues`` are the phrases that
    triggered a threat or question rule, e.g. ``"threat (media): call the news"``.
    ``status`` is ``"ok"``, or ``"empty"`` for a post with no text (then every score is
    0, the sentiment is neutral and nothing is flagged).
    """

    negativity: float
    escalation: float
    praise: float
    question: float
    urgency: float
    escalation_type: EscalationType | None
    sentiment: Sentiment
    is_negative: bool
    is_escalation: bool
    is_praise: bool
    is_question: bool
    is_urgent: bool
    cues: tuple[str, ...] = ()
    status: Literal["ok", "empty", "truncated"] = "ok"


@dataclass(frozen=True, slots=True)
class Routing:
    """Where a post goes and how soon.

    ``category`` follows the labeling guide's precedence (escalation, complaint,
    question, praise, other). ``priority`` is in [0, 100]; higher is answered first.
    ``reasons`` are short human-readable strings naming the cues and factors behind
    the category and the priority. ``breakdown`` maps each priority factor to the
    points it added.
    """

    scores: Scores
    category: Category
    priority: float
    reasons: tuple[str, ...]
    breakdown: dict[str, float] = field(default_factory=dict, hash=False)
    post: Post | None = None
