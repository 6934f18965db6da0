"""The Inbox: order, re-ranking with time, claiming, and safety under concurrent producers and consumers."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from socialcare import Inbox, Post, Triage, UnknownPostError
from socialcare.priority import PriorityConfig

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_posts.csv"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return pd.read_csv(SAMPLE)["text"].astype(str).tolist()


def test_posts_come_out_by_priority_then_arrival(triage) -> None:
    inbox = Inbox(triage)
    inbox.put(Post("thank you, the crew was wonderful", id="praise", created_at=T0))
    inbox.put(Post("my bag is lost and nobody answers, this is awful", id="complaint", created_at=T0))
    inbox.put(Post("I'm calling my lawyer and the news tomorrow", id="escalation", created_at=T0))
    inbox.put(Post("my bag is lost and nobody answers, this is awful", id="same-later", created_at=T0))
    order = [inbox.next(now=T0).id for _ in range(4)]
    assert order == ["escalation", "complaint", "same-later", "praise"]
    assert inbox.next(now=T0) is None


def test_priority_matches_route_at_the_same_moment(triage, texts) -> None:
    inbox = Inbox(triage)
    posts = [
        Post(t, id=str(i), created_at=T0 - timedelta(minutes=7 * i), followers=i * 100)
        for i, t in enumerate(texts[:40])
    ]
    inbox.put_many(posts)
    now = T0 + timedelta(minutes=25)
    expected = {p.id: triage.route(p, now=now).priority for p in posts}
    shown = inbox.peek(k=40, now=now)
    assert [i.priority for i in shown] == sorted(expected.values(), reverse=True)
    assert all(i.priority == pytest.approx(expected[i.id], abs=0.011) for i in shown)


def test_posts_climb_as_they_wait_and_overtake_fresher_ones(triage) -> None:
    inbox = Inbox(triage)
    old = Post("the wifi on board was slow and the seat was broken", id="old", created_at=T0)
    new = Post("my bag is lost and nobody answers, this is awful", id="new", created_at=T0)
    inbox.put_many([old, new])
    assert [i.id for i in inbox.peek(now=T0)] == ["new", "old"]  # the stronger complaint first
    later = T0 + timedelta(hours=2)
    inbox.put(Post(new.text, id="new-again", created_at=later))  # the same strong complaint, just arrived
    ranked = {i.id: i for i in inbox.peek(now=later)}
    assert ranked["old"].routing.breakdown["waiting"] == 10  # the full waiting term after twice the 60-minute target
    assert ranked["old"].priority == pytest.approx(ranked["old"].routing.priority, abs=0.011)
    assert ranked["old"].priority > ranked["new-again"].priority  # two hours of waiting outrank a fresh post
    assert inbox.peek(now=later)[0].id == "new"  # the strong one that also waited stays first


def test_claim_release_and_answer(triage) -> None:
    inbox = Inbox(triage, clock=lambda: T0)
    first = inbox.put("where is my refund?")
    assert inbox.put(Post("where is my refund?", id=first)) == first  # redelivery is not queued twice
    assert inbox.counts() == {"waiting": 1, "claimed": 0, "answered": 0}
    item = inbox.next()
    assert item is not None and item.id == first and inbox.next() is None
    inbox.release(first)
    assert inbox.next().id == first
    inbox.answered(first)
    assert inbox.counts() == {"waiting": 0, "claimed": 0, "answered": 1}
    inbox.put(Post("where is my refund?", id=first))
    assert len(inbox) == 0  # an answered post delivered again is ignored
    with pytest.raises(UnknownPostError, match="nope"):
        inbox.answered("nope")
    with pytest.raises(UnknownPostError, match="released"):
        inbox.release(first)


def test_business_hours_settings_drive_the_waiting_term(texts) -> None:
    config = PriorityConfig.from_mapping({"business_hours": {"timezone": "America/New_York"}})
    inbox = Inbox(Triage(priority=config))
    saturday = datetime(2024, 5, 4, 14, 0, tzinfo=timezone.utc)
    inbox.put(Post(texts[0], id="x", created_at=saturday))
    assert inbox.peek(now=saturday + timedelta(hours=8))[0].waited == 0


def test_concurrent_producers_and_consumers_lose_and_duplicate_nothing(triage, texts) -> None:
    inbox = Inbox(triage)
    producers, per_producer = 4, 150
    handed: list[str] = []
    handed_lock = threading.Lock()
    done_producing = threading.Event()

    def produce(k: int) -> None:
        for start in range(0, per_producer, 25):
            inbox.put_many(
                [Post(texts[(k * per_producer + i) % len(texts)], id=f"{k}-{i}") for i in range(start, start + 25)]
            )

    def consume() -> None:
        while True:
            item = inbox.next()
            if item is None:
                if done_producing.is_set() and len(inbox) == 0:
                    return
                continue
            with handed_lock:
                handed.append(item.id)
            inbox.answered(item.id)

    threads = [threading.Thread(target=produce, args=(k,)) for k in range(producers)]
    consumers = [threading.Thread(target=consume) for _ in range(4)]
    for t in threads + consumers:
        t.start()
    for t in threads:
        t.join()
    done_producing.set()
    for t in consumers:
        t.join()
    expected = {f"{k}-{i}" for k in range(producers) for i in range(per_producer)}
    assert len(handed) == len(expected)  # nothing handed out twice
    assert set(handed) == expected  # nothing lost
    assert inbox.counts() == {"waiting": 0, "claimed": 0, "answered": len(expected)}
