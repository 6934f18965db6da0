"""Priority properties, checked over generated inputs rather than a few examples."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from socialcare import ConfigError
from socialcare.priority import BusinessHours, PriorityConfig, compute_priority, queue_order

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


@pytest.mark.parametrize("field", ["response_target_minutes", "reach_weight", "waiting_weight", "vip_weight"])
@pytest.mark.parametrize("value", [-1, float("nan"), "high"])
def test_invalid_configuration_is_refused_by_name(field, value) -> None:
    with pytest.raises(ConfigError, match=field):
        PriorityConfig(**{field: value})


weight = st.floats(0, 12)


@st.composite
def configs(draw):
    """Any valid configuration: weights drawn at random, invalid combinations discarded."""
    values = {
        "response_target_minutes": draw(st.floats(1, 24 * 60)),
        "escalation_base": draw(st.floats(40, 70)),
        "escalation_weight": draw(weight),
        "complaint_base": draw(st.floats(20, 40)),
        "negativity_weight": draw(weight),
        "question_base": draw(st.floats(10, 25)),
        "question_weight": draw(weight),
        "praise_base": draw(st.floats(4, 12)),
        "praise_weight": draw(st.floats(0, 4)),
        "other_weight": draw(st.floats(0, 4)),
        "urgent_weight": draw(st.floats(0, 6)),
        "reach_weight": draw(st.floats(0, 6)),
        "engagement_weight": draw(st.floats(0, 6)),
        "waiting_weight": draw(st.floats(0, 10)),
        "vip_weight": draw(st.floats(0, 5)),
        "vip_authors": frozenset(["@bigcustomer"]),
        "platform_weights": {"twitter": draw(st.floats(0, 2))},
        "business_hours": draw(st.none() | st.just(BusinessHours(timezone="America/New_York"))),
    }
    try:
        return PriorityConfig(**values)
    except ConfigError:
        assume(False)


@given(configs(), category, prob, prob, st.booleans(), count, count, minutes, st.sampled_from([None, "bigcustomer"]))
def test_any_valid_configuration_keeps_priority_in_range(
    config, cat, neg, urg, is_urgent, followers, likes, waited, author
):
    p, parts = compute_priority(
        cat, negativity=neg, escalation=neg, question=neg, praise=neg, urgency=urg, is_urgent=is_urgent,
        followers=followers, likes=likes, waited=waited, author=author, platform="twitter", config=config,
    )  # fmt: skip
    assert 0 <= p <= 100
    assert p == pytest.approx(min(100.0, sum(parts.values())), abs=0.02)  # nothing clipped away


@given(configs(), prob, prob, count, count, minutes)
def test_any_valid_configuration_keeps_the_category_order(config, neg, esc, followers, likes, waited):
    kw = {"followers": followers, "likes": likes, "waited": waited, "config": config}
    e = prio("escalation", neg=neg, esc=max(esc, 0.3), **kw)
    c = prio("complaint", neg=neg, esc=esc, **kw)
    assert e >= c >= prio("question", neg=neg, esc=esc, **kw) >= prio("praise", neg=neg, esc=esc, **kw)


@given(configs(), category, st.integers(0, 10**7), st.integers(0, 10**7), minutes, minutes)
def test_any_valid_configuration_is_monotone_in_reach_engagement_and_age(config, cat, small, extra, w1, w2):
    older = None if w1 is None or w2 is None else max(w1, w2)
    newer = None if w1 is None or w2 is None else min(w1, w2)
    base = prio(cat, followers=small, likes=small, waited=newer, config=config)
    assert prio(cat, followers=small + extra, likes=small, waited=newer, config=config) >= base
    assert prio(cat, followers=small, likes=small + extra, waited=newer, config=config) >= base
    assert prio(cat, followers=small, likes=small, waited=older, config=config) >= base


NY = BusinessHours(start="09:00", end="17:00", days=["mon", "tue", "wed", "thu", "fri"], timezone="America/New_York")


@given(
    st.datetimes(datetime(2024, 1, 1), datetime(2025, 12, 31), timezones=st.just(timezone.utc)),
    st.integers(0, 60 * 24 * 10),
    st.integers(0, 60 * 24 * 10),
)
def test_business_hours_waiting_never_decreases_with_age(created, a, b):
    config = PriorityConfig(business_hours=NY)
    now = created + timedelta(minutes=max(a, b))
    older = now - timedelta(minutes=max(a, b)) - timedelta(minutes=min(a, b))
    assert config.waiting_minutes(older, now) >= config.waiting_minutes(created, now)
    assert 0 <= config.waiting_minutes(created, now) <= max(a, b)


def test_business_hours_count_only_opening_minutes() -> None:
    config = PriorityConfig(business_hours=NY, response_target_minutes=600)
    friday_evening = datetime(2024, 3, 8, 21, 0, tzinfo=timezone.utc)  # 16:00 in New York
    monday_morning = datetime(2024, 3, 11, 14, 30, tzinfo=timezone.utc)  # 10:30 in New York (after the DST change)
    assert config.waiting_minutes(friday_evening, monday_morning) == pytest.approx(60 + 90)
    saturday = datetime(2024, 3, 9, 15, 0, tzinfo=timezone.utc)
    assert config.waiting_minutes(saturday, saturday + timedelta(hours=5)) == 0


def test_vip_authors_and_platforms_add_their_points() -> None:
    config = PriorityConfig(vip_authors=frozenset(["@BigCustomer"]), vip_weight=4, platform_weights={"Twitter": 2})
    plain = compute_priority("complaint", negativity=0.5, escalation=0, question=0, praise=0, urgency=0,
                             is_urgent=False, config=config)  # fmt: skip
    vip = compute_priority("complaint", negativity=0.5, escalation=0, question=0, praise=0, urgency=0,
                           is_urgent=False, author="bigcustomer", platform="twitter", config=config)  # fmt: skip
    assert vip[0] == plain[0] + 6
    assert vip[1]["vip"] == 4 and vip[1]["platform"] == 2


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"question_base": 25, "question_weight": 10}, "overlap"),
        ({"vip_weight": 40}, "over 100"),
        ({"business_hours": {"start": "18:00", "end": "09:00"}}, "after start"),
        ({"business_hours": {"timezone": "Mars/Olympus"}}, "time zone"),
        ({"business_hours": {"days": ["funday"]}}, "business days"),
        ({"vip_authors": "@one"}, "list of handles"),
        ({"waiting_wieght": 3}, "unknown priority setting"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(settings, message) -> None:
    with pytest.raises(ConfigError, match=message):
        PriorityConfig.from_mapping(settings)


def test_configuration_loads_from_toml(tmp_path) -> None:
    path = tmp_path / "priority.toml"
    path.write_text(
        """
[priority]
response_target_minutes = 30
vip_authors = ["@acme_ceo"]
platform_weights = { twitter = 1.5 }

[priority.business_hours]
start = "08:00"
end = "20:00"
days = ["mon", "tue", "wed", "thu", "fri", "sat"]
timezone = "Europe/London"
""",
        encoding="utf-8",
    )
    config = PriorityConfig.from_toml(path)
    assert config.response_target_minutes == 30
    assert config.vip_authors == frozenset({"acme_ceo"})
    assert config.platform_weights["twitter"] == 1.5
    assert config.business_hours is not None and config.business_hours.days[-1] == "sat"
    path.write_text("[priority\nbroken", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        PriorityConfig.from_toml(path)
    with pytest.raises(ConfigError, match="no configuration file"):
        PriorityConfig.from_toml(tmp_path / "missing.toml")
