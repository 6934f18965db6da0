"""The facade: a :class:`Triage` holds a model and a priority configuration and
scores and routes posts one at a time, in lists, or in pandas DataFrames.

Input contract (every public method):

* a text is a ``str``; ``None``, NaN and empty or blank strings give the documented
  neutral result: every score 0, sentiment ``neutral``, category ``other``,
  priority 0, status ``"empty"``;
* a text longer than ``max_chars`` (default 20,000 characters) is cut to that
  length and scored, with status ``"truncated"``;
* any other type raises :class:`~socialcare.errors.InputTypeError` in ``score`` and
  ``route``; in DataFrames a cell of another type gets the neutral result with
  status ``"invalid"``, so no row is ever dropped.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cues import Cue, strongest_type
from .errors import InputError, InputTypeError
from .model import FLAG_HEADS, LinearTriageModel, Prediction
from .priority import PriorityConfig, compute_priority
from .types import ESCALATION_TYPES, SENTIMENTS, Category, Post, Routing, Scores

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_MAX_CHARS", "NEUTRAL_SCORES", "SCORE_COLUMNS", "ROUTE_COLUMNS", "Triage"]

DEFAULT_MAX_CHARS = 20_000
#: Columns :meth:`Triage.score_frame` adds.
SCORE_COLUMNS = ("negativity", "escalation", "escalation_type", "praise", "question", "urgency", "sentiment", "status")
#: Columns :meth:`Triage.route_frame` adds (after the score columns).
ROUTE_COLUMNS = ("category", "priority", "reasons")
_NEG, _ESC, _PRA, _QUE, _URG = range(len(FLAG_HEADS))
# The head whose words explain each category (escalations are explained by their threats).
_EXPLAINED_HEAD = {"complaint": _NEG, "question": _QUE, "praise": _PRA}
_EMPTY_REASON = "no text: neutral result"
_INVALID_REASON = "text is not a string: neutral result"


def _neutral(status: str) -> Scores:
    return Scores(0.0, 0.0, 0.0, 0.0, 0.0, None, "neutral", False, False, False, False, False, (), status)  # type: ignore[arg-type]


#: The documented result for a post without text.
NEUTRAL_SCORES = _neutral("empty")


_PENDING = Scores(0.0, 0.0, 0.0, 0.0, 0.0, None, "neutral", False, False, False, False, False, (), "empty")


def _make_scores(
    flags: list[float], sentiment: int, kind: int, cues: list[Cue], status: str, thresholds: list[float]
) -> Scores:
    """Scores from one post's flag probabilities, sentiment and type indices, and cues."""
    neg, esc, pra, que, urg = flags
    t_neg, t_esc, t_pra, t_que, t_urg = thresholds
    is_esc = esc >= t_esc
    return Scores(  # positional: measurably cheaper than keywords in this hot path
        neg,
        esc,
        pra,
        que,
        urg,
        (strongest_type(cues) or ESCALATION_TYPES[kind]) if is_esc else None,
        SENTIMENTS[sentiment],
        neg >= t_neg,
        is_esc,
        pra >= t_pra,
        que >= t_que,
        urg >= t_urg,
        tuple(map(_cue_text, cues)) if cues else (),
        status,  # type: ignore[arg-type]
    )


def _cue_text(cue: Cue) -> str:
    return f"{'negated threat' if cue.negated else 'threat'} ({cue.type}): {cue.phrase}"


def _category(s: Scores) -> Category:
    if s.is_escalation:
        return "escalation"
    if s.is_negative:
        return "complaint"
    if s.is_question:
        return "question"
    if s.is_praise:
        return "praise"
    return "other"


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    ts = getattr(value, "to_pydatetime", None)
    if ts is not None:
        try:
            return _as_utc(ts())
        except ValueError:
            return None
    return None


class Triage:
    """Scores and routes posts with one model and one priority configuration.

    Create it once and share it: it is immutable after construction and safe to
    use from many threads at once.

    ``model`` is a loaded :class:`~socialcare.model.LinearTriageModel`, the path of an
    artifact, or ``None`` for the model shipped with the package.

    >>> triage = Triage()
    >>> triage.route("I'm calling my lawyer if my refund isn't here by Friday").category
    'escalation'
    """

    def __init__(
        self,
        model: LinearTriageModel | str | os.PathLike[str] | None = None,
        *,
        priority: PriorityConfig | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        from .persistence import default_model, load_model

        if model is None:
            self.model = default_model()
        elif isinstance(model, LinearTriageModel):
            self.model = model
        elif isinstance(model, (str, os.PathLike)):
            self.model = load_model(Path(model))
        else:
            raise InputTypeError(f"model must be a LinearTriageModel, a path or None, got {type(model).__name__}")
        if priority is not None and not isinstance(priority, PriorityConfig):
            raise InputTypeError(f"priority must be a PriorityConfig, got {type(priority).__name__}")
        if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars < 1:
            raise InputError(f"max_chars must be a positive int, got {max_chars!r}")
        self.priority = priority or PriorityConfig()
        self.max_chars = max_chars

    # -- input checks ---------------------------------------------------------------
    def _clean(self, text: object, *, strict: bool, where: str | Callable[[], str] = "text") -> tuple[str | None, str]:
        """Return (text to score or None, status)."""
        if isinstance(text, str):
            if not text.strip():
                return None, "empty"
            if len(text) > self.max_chars:
                return text[: self.max_chars], "truncated"
            return text, "ok"
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return None, "empty"
        if type(text).__name__ in ("NAType", "NaTType"):  # pandas' missing-value markers
            return None, "empty"
        if strict:
            raise InputTypeError(
                f"{where if isinstance(where, str) else where()} must be a str, "
                f"got {type(text).__name__} ({text!r:.40}); "
                "pass the post's text, or None for no text"
            )
        return None, "invalid"

    # -- scoring ----------------------------------------------------------------------
    def _scores_list(self, pred: Prediction, status_of: Callable[[int], str]) -> list[Scores]:
        """Scores of every row of a prediction; ``status_of(row)`` gives each status."""
        thresholds = self.model.thresholds.tolist()
        make = _make_scores
        return [
            make(flags, sentiment, kind, cues, status_of(i), thresholds)
            for i, (flags, sentiment, kind, cues) in enumerate(
                zip(
                    pred.flags.tolist(),
                    pred.sentiment.argmax(axis=1).tolist(),
                    pred.escalation_type.argmax(axis=1).tolist(),
                    pred.cues,
                    strict=True,
                )
            )
        ]

    def score(self, text: str | None) -> Scores:
        """Score one post's text.

        >>> Triage().score("Thank you so much, the crew was wonderful!").is_praise
        True
        """
        return self._score_one(*self._clean(text, strict=True))

    def _score_one(self, clean: str | None, status: str) -> Scores:
        if clean is None:
            return _neutral(status)
        flags, sentiment, kind, cues = self.model.predict_one_values(clean)
        return _make_scores(flags, sentiment, kind, cues, status, self.model.thresholds.tolist())

    def score_many(self, texts: Iterable[str | None]) -> list[Scores]:
        """Score many texts at once, much faster than calling :meth:`score` in a loop.

        ``None``/NaN/empty texts get the neutral result; other non-strings raise
        :class:`~socialcare.errors.InputTypeError` naming their position.
        """
        if isinstance(texts, (str, bytes)):
            raise InputTypeError(
                "score_many expects an iterable of texts, got a single str; use score(text) for one post"
            )
        items = list(texts)
        cleaned = [self._clean(t, strict=True, where=partial("texts[{}]".format, i)) for i, t in enumerate(items)]
        return self._score_cleaned(cleaned)

    def _score_cleaned(self, cleaned: Sequence[tuple[str | None, str]]) -> list[Scores]:
        return self._score_batch(cleaned)[0]

    def _score_batch(
        self, cleaned: Sequence[tuple[str | None, str]], *, explain: bool = False
    ) -> tuple[list[Scores], list[list[str]] | None]:
        """Scores of every text, and with ``explain`` the top terms behind each post's category."""
        live = [i for i, (t, _) in enumerate(cleaned) if t is not None]
        pred = self.model.predict_many([cleaned[i][0] for i in live], keep_columns=explain)  # type: ignore[misc]
        out: list[Scores] = [_neutral(status) if t is None else _PENDING for t, status in cleaned]
        scored = self._scores_list(pred, status_of=lambda row: cleaned[live[row]][1])
        for i, scores in zip(live, scored, strict=True):
            out[i] = scores
        if not explain:
            return out, None
        heads = [_EXPLAINED_HEAD.get(_category(s), -1) for s in scored]
        terms: list[list[str]] = [[] for _ in cleaned]
        for i, found in zip(live, self.model.top_terms_many(pred, heads), strict=True):
            terms[i] = found
        return out, terms

    # -- routing ----------------------------------------------------------------------
    def _route_one(
        self, scores: Scores, post: Post, now: datetime | None, text: str | None, terms: list[str] | None = None
    ) -> Routing:
        category = _category(scores)
        waited = self.priority.waiting_minutes(post.created_at, now)
        priority, parts = compute_priority(
            category,
            negativity=scores.negativity,
            escalation=scores.escalation,
            question=scores.question,
            praise=scores.praise,
            urgency=scores.urgency,
            is_urgent=scores.is_urgent,
            followers=post.followers,
            likes=post.likes,
            shares=post.shares,
            replies=post.replies,
            waited=waited,
            author=post.author,
            platform=post.platform,
            config=self.priority,
        )
        if scores.status in ("empty", "invalid"):
            priority, parts = 0.0, dict.fromkeys(parts, 0.0)
        reasons = self._reasons(scores, category, priority, parts, waited, text, terms)
        return Routing(scores, category, priority, tuple(reasons), parts, post)

    def _reasons(
        self,
        s: Scores,
        category: Category,
        priority: float,
        parts: dict[str, float],
        waited: float | None,
        text: str | None,
        terms: list[str] | None = None,
    ) -> list[str]:
        if s.status in ("empty", "invalid"):
            return [_EMPTY_REASON if s.status == "empty" else _INVALID_REASON]
        reasons: list[str] = []
        threats = [c for c in s.cues if c.startswith("threat")]
        if category == "escalation":
            reasons.extend(threats[:3] or [f"escalation {s.escalation:.2f} ({s.escalation_type})"])
        else:
            head = {"complaint": _NEG, "question": _QUE, "praise": _PRA}.get(category)
            if head is None:
                reasons.append("no flag above its threshold")
            else:
                value = {_NEG: s.negativity, _QUE: s.question, _PRA: s.praise}[head]
                label = {_NEG: "negativity", _QUE: "question", _PRA: "praise"}[head]
                if terms is None:
                    terms = self.model.top_terms(text or "", head) if text else []
                words = f": {', '.join(repr(t) for t in terms)}" if terms else ""
                reasons.append(f"{label} {value:.2f}{words}")
            if threats:
                reasons.append(f"threat words below the escalation threshold ({s.escalation:.2f})")
        reasons.extend(c for c in s.cues if c.startswith("negated"))
        if s.is_urgent:
            reasons.append(f"urgent {s.urgency:.2f}")
        if waited is not None:
            hours = " in business hours" if self.priority.business_hours else ""
            reasons.append(f"waiting {waited:.0f} min{hours} (target {self.priority.response_target_minutes:g})")
        shown = " + ".join(f"{k} {v:g}" for k, v in parts.items() if v)
        reasons.append(f"priority {priority:g} = {shown or 'base 0'}")
        return reasons

    def _as_post(self, post: Post | str | None) -> Post:
        if isinstance(post, Post):
            return post
        if post is None or isinstance(post, str):
            return Post(text=post)  # type: ignore[arg-type]
        raise InputTypeError(f"post must be a Post or a str, got {type(post).__name__}; wrap extra fields in Post(...)")

    def route(self, post: Post | str, now: datetime | None = None) -> Routing:
        """Score one post, pick its category and priority, and say why.

        ``now`` is the moment waiting time is measured to (default: the current time).
        """
        p = self._as_post(post)
        text, status = self._clean(p.text, strict=True)
        return self._route_one(self._score_one(text, status), p, now or datetime.now(timezone.utc), text)

    def route_many(self, posts: Iterable[Post | str], now: datetime | None = None) -> list[Routing]:
        """Route many posts at once (scores computed in one batch)."""
        if isinstance(posts, (str, bytes)):
            raise InputTypeError("route_many expects an iterable of posts, got a single str; use route(post)")
        items = [self._as_post(p) for p in posts]
        cleaned = [
            self._clean(p.text, strict=True, where=partial("posts[{}].text".format, i)) for i, p in enumerate(items)
        ]
        scores, terms = self._score_batch(cleaned, explain=True)
        now = now or datetime.now(timezone.utc)
        assert terms is not None
        return [self._route_one(s, p, now, c[0], t) for s, p, c, t in zip(scores, items, cleaned, terms, strict=True)]

    # -- DataFrames -------------------------------------------------------------------
    def score_frame(self, frame: pd.DataFrame, text_column: str = "text") -> pd.DataFrame:
        """A copy of ``frame`` with the :data:`SCORE_COLUMNS` added; same rows, same order."""
        return self._frame(frame, text_column, route=False, now=None)

    def route_frame(self, frame: pd.DataFrame, text_column: str = "text", now: datetime | None = None) -> pd.DataFrame:
        """A copy of ``frame`` with score and routing columns added; same rows, same order.

        Columns ``followers``, ``likes``, ``shares``, ``replies`` and ``created_at`` are
        used for priority when present. Waiting time is measured to ``now``; by
        default to the latest ``created_at`` in the frame, so that scoring an archive
        gives the same result whenever it is run.
        """
        return self._frame(frame, text_column, route=True, now=now)

    def _frame(self, frame: pd.DataFrame, text_column: str, *, route: bool, now: datetime | None) -> pd.DataFrame:
        import pandas as pd

        from .errors import ColumnNotFoundError

        if not isinstance(frame, pd.DataFrame):
            raise InputTypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
        if text_column not in frame.columns:
            raise ColumnNotFoundError(
                f"column {text_column!r} not found; the frame has {list(map(str, frame.columns))[:20]}; "
                "pass text_column= with the name of the column holding the post text"
            )
        cleaned = [self._clean(t, strict=False) for t in frame[text_column].tolist()]
        scores, terms = self._score_batch(cleaned, explain=route)
        out = frame.copy()
        out["negativity"] = [s.negativity for s in scores]
        out["escalation"] = [s.escalation for s in scores]
        out["escalation_type"] = pd.array([s.escalation_type for s in scores], dtype="string")
        out["praise"] = [s.praise for s in scores]
        out["question"] = [s.question for s in scores]
        out["urgency"] = [s.urgency for s in scores]
        out["sentiment"] = pd.array([s.sentiment for s in scores], dtype="string")
        out["status"] = pd.array([s.status for s in scores], dtype="string")
        if not route:
            return out
        created = _column_times(frame)
        if now is None:
            valid = [t for t in created if t is not None]
            now = max(valid) if valid else None
        routings = []
        numeric = {c: _column_numbers(frame, c) for c in ("followers", "likes", "shares", "replies")}
        labels = {c: _column_labels(frame, c) for c in ("author", "platform")}
        for i, (s, (text, _)) in enumerate(zip(scores, cleaned)):
            post = Post(
                text=text or "",
                followers=numeric["followers"][i],
                likes=numeric["likes"][i],
                shares=numeric["shares"][i],
                replies=numeric["replies"][i],
                created_at=created[i],
                author=labels["author"][i],
                platform=labels["platform"][i],
            )
            routings.append(self._route_one(s, post, now, text, terms[i] if terms is not None else None))
        out["category"] = pd.array([r.category for r in routings], dtype="string")
        out["priority"] = [r.priority for r in routings]
        out["reasons"] = pd.array(["; ".join(r.reasons) for r in routings], dtype="string")
        return out


def _column_numbers(frame: pd.DataFrame, column: str) -> list[int | None]:
    import pandas as pd

    if column not in frame.columns:
        return [None] * len(frame)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64", na_value=float("nan"))
    return [None if v != v or abs(v) == float("inf") else int(v) for v in values.tolist()]


def _column_labels(frame: pd.DataFrame, column: str) -> list[str | None]:
    if column not in frame.columns:
        return [None] * len(frame)
    return [v if isinstance(v, str) and v else None for v in frame[column].tolist()]


def _column_times(frame: pd.DataFrame) -> list[datetime | None]:
    import pandas as pd

    if "created_at" not in frame.columns:
        return [None] * len(frame)
    column = frame["created_at"]
    if pd.api.types.is_numeric_dtype(column):  # epoch seconds
        parsed = pd.to_datetime(column, unit="s", utc=True, errors="coerce")
    else:
        parsed = pd.to_datetime(column.astype("string"), utc=True, errors="coerce", format="mixed")
    return [None if pd.isna(t) else _as_utc(t) for t in parsed]
