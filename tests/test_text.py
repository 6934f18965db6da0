from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import socialcare.text as text_module
from socialcare.text import normalize, tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("c@ll the n3ws", "call the news"),
        ("my l@wyer", "my lawyer"),
        ("ｃａｌｌ ｔｈｅ ｎｅｗｓ", "call the news"),  # full-width letters
        ("ca\u200bll the ne\u200dws", "call the news"),  # zero-width characters
        ("call the \u202enews\u202c", "call the news"),  # bidi controls
        ("саll thе nеws", "call the news"),  # Cyrillic look-alikes
        ("Sooooo ANGRY!!!!!!", "soo angry ! ! !"),
        ("&lt;3 you", "_heart_ you"),
        ("@Delta see https://t.co/abc", "_user_ see _url_"),
        ("#NeverAgain", "neveragain"),
    ],
)
def test_normalize_folds_evasions(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("flight 1403", "flight _num_"), ("the 3rd time", "the _num_ rd time"), ("24hrs late", "_num_ hrs late")],
)
def test_normalize_keeps_numbers_that_are_not_leetspeak(raw: str, expected: str) -> None:
    # a digit between two letters is leetspeak; a flight number or "3rd" is a number
    assert normalize(raw) == expected


def test_tokenize_keeps_emoji_emoticons_and_marks() -> None:
    assert tokenize(normalize("Worst day :( 😡 why?!")) == ["worst", "day", "_frown_", "😡", "why", "?", "!"]


def test_normalize_handles_lone_surrogates_and_controls() -> None:
    out = normalize("bad \udc80 byte \x00 here")
    assert "bad" in out and "here" in out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="aAbBsSoO#!?.,;:'3@", min_size=1, max_size=12))
def test_the_fast_path_for_simple_pieces_folds_like_the_full_rules(piece: str) -> None:
    fast = text_module._fold_token(piece)
    full_rules_only = re.compile(r"(?!)")  # a pattern that never matches: every piece takes the full rules
    original = text_module._SIMPLE
    text_module._SIMPLE = full_rules_only
    try:
        assert fast == text_module._fold_token(piece)
    finally:
        text_module._SIMPLE = original
