"""Priority properties, checked over generated inputs rather than a few examples."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare import ConfigError
from socialcare.priority import PriorityConfig, compute_priority, queue_order

prob = st.floats(0, 1)
count = st.one_of(st.none(), st.integers(0, 10**9))
minutes = st.one_of(st.none(), st.floats(0, 10**6))
category = st.sampled_from(["escalation", "complaint", "question", "praise", "other"])


def prio(cat, neg=0.5, esc=0.5, q=0.5, pr=0.5, urg=0.0, is_urgent=False, **kw):
    return compute_priority(
        cat, negativity=neg, escalation=esc, question=q, praise=pr, urgency=urg, is_urgent=is_urgent, **kw
    )[0]


@given(category, prob, prob, prob, prob, prob, st.booleans(), count, count, count, count, minutes)
def test_priority_stays_in_range(cat, neg, esc, q, pr, urg, is_urgent, followers, likes, shares, replies, waited):
    p, parts = compute_priority(
        cat,
        negativity=neg,
        escalation=esc,
        question=q,
        praise=pr,
        urgency=urg,
        is_urgent=is_urgent,
        followers=followers,
        likes=likes,
        shares=shares,
        replies=replies,
        waited=waited,
    )
    assert 0 <= p <= 100
    assert all(v >= 0 for v in parts.values())


@given(category, prob, st.integers(0, 10**8), st.integers(0, 10**8), st.integers(0, 10**6), minutes)
def test_more_followers_or_engagement_never_lowers_priority(cat, neg, small, extra, likes, waited):
    base = prio(cat, neg=neg, followers=small, likes=likes, waited=waited)
    assert prio(cat, neg=neg, followers=small + extra, likes=likes, waited=waited) >= base
    assert prio(cat, neg=neg, followers=small, likes=likes + extra, waited=waited) >= base
    assert prio(cat, neg=neg, followers=small, likes=likes, shares=extra, waited=waited) >= base


@given(category, prob, st.floats(0, 10**5), st.floats(0, 10**5))
def test_an_older_post_never_ranks_below_a_newer_identical_one(cat, neg, w1, w2):
    older, newer = max(w1, w2), min(w1, w2)
    assert prio(cat, neg=neg, waited=older) >= prio(cat, neg=neg, waited=newer)


@given(prob, prob, prob, prob, count, count, minutes)
def test_category_bands_order_posts_of_equal_reach_and_age(neg, esc, q, pr, followers, likes, waited):
    kw = {"followers": followers, "likes": likes, "waited": waited}
    e = prio("escalation", neg=neg, esc=esc, q=q, pr=pr, **kw)
    c = prio("complaint", neg=neg, esc=esc, q=q, pr=pr, **kw)
    question = prio("question", neg=neg, esc=esc, q=q, pr=pr, **kw)
    praise = prio("praise", neg=neg, esc=esc, q=q, pr=pr, **kw)
    assert e > c > question > praise
    # an urgent complaint still stays below an escalation of the same reach and age
    assert e > prio("complaint", neg=neg, urg=1.0, is_urgent=True, **kw)


def test_ties_go_to_the_earlier_post() -> None:
    t = datetime(2024, 1, 1, tzinfo=timezone.utc)
    order = queue_order([50.0, 50.0, 70.0, 50.0], [t + timedelta(minutes=5), t, t + timedelta(hours=1), None])
    assert order == [2, 1, 0, 3]


def test_waiting_climbs_until_twice_the_target() -> None:
    config = PriorityConfig(response_target_minutes=60)
    values = [prio("complaint", waited=m, config=config) for m in (0, 30, 60, 120, 240)]
    assert values[0] < values[1] < values[2] < values[3] == values[4]


@pytest.mark.parametrize("field", ["response_target_minutes", "reach_weight", "waiting_weight"])
@pytest.mark.parametrize("value", [-1, float("nan"), "high"])
def test_invalid_configuration_is_refused_by_name(field, value) -> None:
    with pytest.raises(ConfigError, match=field):
        PriorityConfig(**{field: value})
