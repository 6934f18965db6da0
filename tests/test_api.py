"""The public Python API: shapes, ranges, the input contract and sharing across threads."""

from __future__ import annotations

import math
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

import socialcare
from socialcare import CATEGORIES, ESCALATION_TYPES, SENTIMENTS, InputTypeError, Post, Routing, Scores

POSTS = [
    "If someone doesn't help me, I'm going to post this on ALL my social media accounts and call the news!",
    "@united you lost my bag AGAIN. worst airline ever",
    "@Delta thank you so much, the crew on DL42 was wonderful!",
    "@AmericanAir how do I change my seat on tomorrow's flight?",
    "Flying to Denver today",
]


def assert_valid(s: Scores) -> None:
    for name in ("negativity", "escalation", "praise", "question", "urgency"):
        value = getattr(s, name)
        assert 0.0 <= value <= 1.0 and not math.isnan(value), name
    assert s.sentiment in SENTIMENTS
    assert s.escalation_type is None or s.escalation_type in ESCALATION_TYPES
    assert (s.escalation_type is not None) == s.is_escalation


def test_public_surface_is_sorted_and_importable() -> None:
    assert socialcare.__all__ == sorted(socialcare.__all__)
    for name in socialcare.__all__:
        assert getattr(socialcare, name) is not None


def test_import_is_light_and_does_no_io() -> None:
    code = (
        "import sys, builtins; opened = []; real = builtins.open\n"
        "builtins.open = lambda *a, **k: opened.append(a[0]) or real(*a, **k)\n"
        "import socialcare\n"
        "heavy = [m for m in ('numpy', 'pandas', 'sklearn', 'scipy', 'nltk') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert not opened, opened\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_score_returns_valid_scores(triage) -> None:
    for text in POSTS:
        assert_valid(triage.score(text))


def test_the_threat_example_routes_to_escalation_with_a_reason(triage) -> None:
    routing = triage.route(POSTS[0])
    assert routing.category == "escalation"
    assert routing.scores.escalation_type in ("media", "public")
    assert any("threat" in r and "news" in r for r in routing.reasons)


def test_route_gives_category_priority_and_reasons(triage) -> None:
    for text in POSTS:
        routing = triage.route(text)
        assert isinstance(routing, Routing)
        assert routing.category in CATEGORIES
        assert 0 <= routing.priority <= 100
        assert routing.reasons and all(isinstance(r, str) and r for r in routing.reasons)
        assert routing.reasons[-1].startswith("priority")


def test_category_follows_the_guides_precedence(triage) -> None:
    for routing in triage.route_many(POSTS):
        s = routing.scores
        expected = (
            "escalation"
            if s.is_escalation
            else "complaint"
            if s.is_negative
            else "question"
            if s.is_question
            else "praise"
            if s.is_praise
            else "other"
        )
        assert routing.category == expected


def test_score_many_equals_score_one_by_one(triage) -> None:
    many = triage.score_many(POSTS)
    for text, s in zip(POSTS, many):
        one = triage.score(text)
        assert one.is_escalation == s.is_escalation and one.sentiment == s.sentiment
        np.testing.assert_allclose(
            [one.negativity, one.escalation, one.praise, one.question],
            [s.negativity, s.escalation, s.praise, s.question],
            rtol=1e-5,
        )


@pytest.mark.parametrize("empty", [None, "", "   \n", float("nan"), pd.NA])
def test_missing_text_gives_the_documented_neutral_result(triage, empty) -> None:
    s = triage.score(empty)
    assert s == socialcare.triage.NEUTRAL_SCORES
    routing = triage.route(Post(text=empty))  # type: ignore[arg-type]
    assert routing.category == "other" and routing.priority == 0


@pytest.mark.parametrize("bad", [42, 3.5, b"bytes", ["a list"], {"text": "x"}])
def test_non_string_text_raises_a_clear_type_error(triage, bad) -> None:
    with pytest.raises(InputTypeError, match="must be a str"):
        triage.score(bad)
    with pytest.raises(TypeError):
        triage.score_many(["fine", bad])


def test_a_bare_string_is_refused_where_many_texts_are_expected(triage) -> None:
    with pytest.raises(InputTypeError, match="single str"):
        triage.score_many("one post")


def test_overlong_text_is_truncated_and_flagged() -> None:
    small = socialcare.Triage(max_chars=50)
    s = small.score("terrible service " * 100)
    assert s.status == "truncated"
    assert_valid(s)


def test_score_frame_keeps_rows_order_and_columns(triage) -> None:
    frame = pd.DataFrame({"id": range(len(POSTS) + 2), "body": [*POSTS, None, 7], "extra": "x"})
    out = triage.score_frame(frame, text_column="body")
    assert list(out["id"]) == list(frame["id"])
    assert {"id", "body", "extra", "negativity", "escalation", "sentiment", "status"} <= set(out.columns)
    assert list(out["status"])[-2:] == ["empty", "invalid"]
    assert out["negativity"].between(0, 1).all()


def test_route_frame_uses_reach_engagement_and_time(triage) -> None:
    t0 = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    text = "@united you lost my bag AGAIN. worst airline ever"
    frame = pd.DataFrame(
        {
            "text": [text, text, text],
            "followers": [10, 100_000, 10],
            "created_at": [t0.isoformat(), t0.isoformat(), (t0 - timedelta(minutes=90)).isoformat()],
        }
    )
    out = triage.route_frame(frame, now=t0 + timedelta(minutes=10))
    assert out["priority"][1] > out["priority"][0]  # more followers
    assert out["priority"][2] > out["priority"][0]  # waited longer
    assert out["reasons"].str.contains("priority").all()


def test_missing_text_column_names_the_columns(triage) -> None:
    with pytest.raises(socialcare.ColumnNotFoundError, match="text_column"):
        triage.score_frame(pd.DataFrame({"body": ["x"]}))


def test_one_triage_shared_by_threads_gives_serial_results(triage) -> None:
    texts = POSTS * 20
    serial = [triage.route(t, now=datetime(2024, 1, 1, tzinfo=timezone.utc)) for t in texts]
    with ThreadPoolExecutor(max_workers=16) as pool:
        parallel = list(pool.map(lambda t: triage.route(t, now=datetime(2024, 1, 1, tzinfo=timezone.utc)), texts))
    assert [(r.category, r.priority, r.scores) for r in parallel] == [
        (r.category, r.priority, r.scores) for r in serial
    ]


def test_module_functions_use_one_lazily_loaded_default() -> None:
    assert socialcare.default_triage() is socialcare.default_triage()
    assert socialcare.score(POSTS[1]) == socialcare.default_triage().score(POSTS[1])
    assert socialcare.route(POSTS[2], now=datetime(2024, 1, 1, tzinfo=timezone.utc)).category == "praise"
