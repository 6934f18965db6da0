"""socialcare: triage customer-care posts from social media.

Score a post's negativity, threat of escalation, praise and question, route it to a
category (escalation, complaint, question, praise, other) and give it a priority::

    >>> import socialcare
    >>> routing = socialcare.route("If nobody helps me I'm calling the news!")
    >>> routing.category, routing.reasons[0]
    ('escalation', 'threat (media): calling the news')

The module-level functions use one shared :class:`Triage` with the bundled model,
loaded on first use; importing the package does no I/O.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

from .errors import (
    ArchiveError,
    ColumnNotFoundError,
    ConfigError,
    DataError,
    InputError,
    InputTypeError,
    ModelError,
    ModelNotFoundError,
    SocialCareError,
    UnknownPostError,
)
from .types import CATEGORIES, ESCALATION_TYPES, SENTIMENTS, Post, Routing, Scores

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    import pandas as pd

    from .alerts import Alert, find_spikes
    from .inbox import Inbox, InboxItem
    from .model import LinearTriageModel
    from .priority import PriorityConfig
    from .replies import Finding, check_reply
    from .triage import Triage

__version__ = "0.1.0"

__all__ = [
    "Alert",
    "ArchiveError",
    "CATEGORIES",
    "ColumnNotFoundError",
    "ConfigError",
    "DataError",
    "ESCALATION_TYPES",
    "Finding",
    "Inbox",
    "InboxItem",
    "InputError",
    "InputTypeError",
    "LinearTriageModel",
    "ModelError",
    "ModelNotFoundError",
    "Post",
    "PriorityConfig",
    "Routing",
    "SENTIMENTS",
    "Scores",
    "SocialCareError",
    "Triage",
    "UnknownPostError",
    "__version__",
    "check_reply",
    "default_triage",
    "find_spikes",
    "load_model",
    "route",
    "route_frame",
    "route_many",
    "score",
    "score_frame",
    "score_many",
]

_LAZY = {
    "Triage": ("triage", "Triage"),
    "Inbox": ("inbox", "Inbox"),
    "InboxItem": ("inbox", "InboxItem"),
    "Alert": ("alerts", "Alert"),
    "find_spikes": ("alerts", "find_spikes"),
    "Finding": ("replies", "Finding"),
    "check_reply": ("replies", "check_reply"),
    "PriorityConfig": ("priority", "PriorityConfig"),
    "LinearTriageModel": ("model", "LinearTriageModel"),
    "load_model": ("persistence", "load_model"),
}
_lock = threading.Lock()
_default: Triage | None = None

if "pandas" in sys.modules:  # pandas already loaded: make df.socialcare available at once (no extra cost)
    from . import frames as _frames  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_triage() -> Triage:
    """The shared :class:`Triage` with the bundled model (created on first call, thread-safe)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                from .triage import Triage

                _default = Triage()
    return _default


def score(text: str | None) -> Scores:
    """Score one post's text with the bundled model. See :meth:`Triage.score`."""
    return default_triage().score(text)


def score_many(texts: Iterable[str | None]) -> list[Scores]:
    """Score many texts in one batch. See :meth:`Triage.score_many`."""
    return default_triage().score_many(texts)


def route(post: Post | str, now: datetime | None = None) -> Routing:
    """Score and route one post. See :meth:`Triage.route`."""
    return default_triage().route(post, now)


def route_many(posts: Iterable[Post | str], now: datetime | None = None) -> list[Routing]:
    """Score and route many posts in one batch. See :meth:`Triage.route_many`."""
    return default_triage().route_many(posts, now)


def score_frame(frame: pd.DataFrame, text_column: str = "text") -> pd.DataFrame:
    """Add score columns to a DataFrame. See :meth:`Triage.score_frame`."""
    return default_triage().score_frame(frame, text_column)


def route_frame(frame: pd.DataFrame, text_column: str = "text", now: datetime | None = None) -> pd.DataFrame:
    """Add score and routing columns to a DataFrame. See :meth:`Triage.route_frame`."""
    return default_triage().route_frame(frame, text_column, now)
