"""A thread-safe triage queue for services: posts go in as they arrive, the next one to answer comes out.

    >>> from datetime import datetime, timezone
    >>> inbox = Inbox()
    >>> t = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    >>> inbox.put(Post("thanks for the upgrade, lovely crew", id="a", created_at=t))
    'a'
    >>> inbox.put(Post("lost my bag AGAIN, calling my lawyer", id="b", created_at=t))
    'b'
    >>> item = inbox.next(now=t)
    >>> item.id, item.routing.category
    ('b', 'escalation')
    >>> inbox.answered("b")
    >>> len(inbox)
    1

A post is scored once, when it is put in. Its priority is the scored part (category
band, urgency, reach, engagement, VIP, platform) plus the waiting term, recomputed
whenever :meth:`Inbox.next` or :meth:`Inbox.peek` is called, so posts climb as they
near and pass the response-time target. Ties go to the earlier post, then to the
one put in first. :meth:`Inbox.next` hands a post out (it is then *claimed*: no other
consumer gets it) until :meth:`Inbox.answered` or :meth:`Inbox.release`.

Every method is safe to call from many producer and consumer threads at once:
scoring happens outside the lock, and the lock only guards the bookkeeping, so a
post is never lost or handed out twice. Choosing the next post looks at every
waiting post (linear in the number waiting), which suits a care desk's queue of
hundreds to tens of thousands of posts.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from .errors import InputError, UnknownPostError
from .types import Post, Routing

__all__ = ["Inbox", "InboxItem"]


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A post handed out (or shown) by an :class:`Inbox`, with its priority at that moment."""

    id: str
    post: Post
    routing: Routing
    priority: float
    waited: float | None
    received_at: datetime


@dataclass(slots=True)
class _Entry:
    id: str
    post: Post
    routing: Routing
    scored: float  # every priority term except waiting
    since: datetime  # when waiting starts: the post's created_at, else when it was put in
    received_at: datetime
    seq: int


def _with_time(post: Post, created_at: datetime) -> Post:
    from dataclasses import replace

    return replace(post, created_at=created_at)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc)


class Inbox:
    """A priority queue of posts (see the module docstring).

    ``triage``: the :class:`~socialcare.triage.Triage` that scores posts and holds the
    priority settings (default: the shared one with the bundled model). ``clock``:
    returns the current time (default: UTC now); pass a fixed clock for reproducible
    tests. ``remember``: how many answered ids are kept so that a post delivered again
    (at-least-once queues) is not answered twice.
    """

    def __init__(
        self,
        triage: object | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        remember: int = 100_000,
    ) -> None:
        from .triage import Triage

        if triage is None:
            from . import default_triage

            triage = default_triage()
        if not isinstance(triage, Triage):
            raise InputError(f"triage must be a socialcare Triage, got {type(triage).__name__}")
        self.triage = triage
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._remember = remember
        self._lock = threading.Lock()
        self._waiting: dict[str, _Entry] = {}
        self._claimed: dict[str, _Entry] = {}
        self._answered: OrderedDict[str, None] = OrderedDict()
        self._seq = itertools.count()

    # -- in ------------------------------------------------------------------------------
    def put(self, post: Post | str, *, received_at: datetime | None = None) -> str:
        """Score a post and queue it; returns its id (``post.id``, or a new one).

        A post whose id is already waiting, being answered or recently answered is not
        queued again (the call returns its id), so redelivered messages are harmless.
        """
        return self.put_many([post], received_at=received_at)[0]

    def put_many(self, posts: Iterable[Post | str], *, received_at: datetime | None = None) -> list[str]:
        """Score many posts in one batch and queue them; returns their ids in order."""
        items = [self.triage._as_post(p) for p in posts]
        received = _aware(received_at) if received_at is not None else _aware(self._clock())
        routings = self.triage.route_many(items, now=None)
        out = []
        with self._lock:
            for post, routing in zip(items, routings, strict=True):
                seq = next(self._seq)
                post_id = post.id if post.id is not None else f"post-{seq}"
                out.append(post_id)
                if post_id in self._waiting or post_id in self._claimed or post_id in self._answered:
                    continue
                since = _aware(post.created_at) if post.created_at is not None else received
                scored = routing.priority - routing.breakdown.get("waiting", 0.0)
                self._waiting[post_id] = _Entry(post_id, post, routing, scored, since, received, seq)
        return out

    # -- out -----------------------------------------------------------------------------
    def _current(self, entry: _Entry, now: datetime) -> tuple[float, float | None]:
        config = self.triage.priority
        waited = config.waiting_minutes(entry.since, now)
        points = round(config.waiting_points(waited), 2)  # rounded as compute_priority rounds each term
        return min(100.0, round(entry.scored + points, 2)), waited

    def _ranked(self, now: datetime) -> list[tuple[float, float | None, _Entry]]:
        ranked = [(*self._current(e, now), e) for e in self._waiting.values()]
        ranked.sort(key=lambda r: (-r[0], r[2].since, r[2].seq))
        return ranked

    def next(self, now: datetime | None = None) -> InboxItem | None:
        """Hand out the post to answer now (highest current priority), or ``None`` if none waits.

        The post is claimed: it stays out of the queue until :meth:`answered` or :meth:`release`.
        """
        at = _aware(now) if now is not None else _aware(self._clock())
        with self._lock:
            if not self._waiting:
                return None
            best = max(
                (((*self._current(e, at), e)) for e in self._waiting.values()),
                key=lambda r: (r[0], -r[2].since.timestamp(), -r[2].seq),
            )
            priority, waited, entry = best
            del self._waiting[entry.id]
            self._claimed[entry.id] = entry
        return self._item(entry, priority, waited, at)

    def peek(self, k: int = 10, now: datetime | None = None) -> list[InboxItem]:
        """The ``k`` posts that would be handed out next, in order, without claiming them."""
        at = _aware(now) if now is not None else _aware(self._clock())
        with self._lock:
            ranked = self._ranked(at)[: max(0, k)]
        return [self._item(e, p, w, at) for p, w, e in ranked]

    def _item(self, entry: _Entry, priority: float, waited: float | None, now: datetime) -> InboxItem:
        # The routing as of ``now``: its waiting term, breakdown and reasons match ``priority``.
        post = entry.post
        timed = post if post.created_at is not None else _with_time(post, entry.since)
        routing = self.triage._route_one(entry.routing.scores, timed, now, post.text or None)
        return InboxItem(entry.id, post, routing, priority, waited, entry.received_at)

    # -- done ----------------------------------------------------------------------------
    def answered(self, post_id: str) -> None:
        """Mark a post answered (whether or not it was handed out first)."""
        with self._lock:
            entry = self._claimed.pop(post_id, None) or self._waiting.pop(post_id, None)
            if entry is None:
                raise UnknownPostError(f"no waiting or claimed post has id {post_id!r}")
            self._answered[post_id] = None
            while len(self._answered) > self._remember:
                self._answered.popitem(last=False)

    def release(self, post_id: str) -> None:
        """Put a claimed post back in the queue (e.g. the agent who took it went away)."""
        with self._lock:
            entry = self._claimed.pop(post_id, None)
            if entry is None:
                raise UnknownPostError(f"no claimed post has id {post_id!r}; only posts handed out can be released")
            self._waiting[post_id] = entry

    # -- state ---------------------------------------------------------------------------
    def __len__(self) -> int:
        """Posts waiting (not counting those handed out)."""
        with self._lock:
            return len(self._waiting)

    def counts(self) -> dict[str, int]:
        """Posts waiting, handed out and not yet answered, and answered (as remembered)."""
        with self._lock:
            return {"waiting": len(self._waiting), "claimed": len(self._claimed), "answered": len(self._answered)}
