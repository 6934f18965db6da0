"""The threat-cue rules: what fires, what is negated and which traps stay quiet."""

from __future__ import annotations

import pytest

from socialcare.cues import find_threat_cues, strongest_type
from socialcare.text import normalize


def types(text: str) -> list[tuple[str, bool]]:
    return [(c.type, c.negated) for c in find_threat_cues(normalize(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm going to call the news", "media"),
        ("c@ll the n3ws about this", "media"),
        ("my lawyer will hear about this", "legal"),
        ("see you in small claims court", "legal"),
        ("filing a complaint with the DOT today", "regulator"),
        ("reporting you to the BBB", "regulator"),
        ("I'll dispute the charge with my bank", "financial"),
        ("filing a chargeback", "financial"),
        ("this is going viral, telling all my followers", "public"),
        ("leaving a bad review on yelp", "public"),
        ("I'm cancelling my account", "churn"),
        ("never flying with you again", "churn"),
        ("thinking of switching to another carrier", "churn"),
        ("I want to speak to a supervisor", "internal"),
    ],
)
def test_threats_are_found_with_their_type(text: str, expected: str) -> None:
    assert strongest_type(find_threat_cues(normalize(text))) == expected


@pytest.mark.parametrize(
    "text",
    [
        "any news on my bag?",
        "good news, my bag arrived",
        "Sue at the gate was great",
        "my flight was cancelled again",
        "the food court was closed",
    ],
)
def test_traps_do_not_fire(text: str) -> None:
    assert strongest_type(find_threat_cues(normalize(text))) is None


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to cancel my account, I just want it fixed",
        "I'm not going to sue anyone, just help",
        "no intention of switching to another airline, please sort it out",
    ],
)
def test_negated_threats_are_marked_negated(text: str) -> None:
    found = types(text)
    assert found, text
    assert all(negated for _, negated in found)


def test_strongest_type_follows_the_guides_order() -> None:
    cues = find_threat_cues(normalize("never flying again, and my lawyer is calling the news"))
    assert strongest_type(cues) == "media"
    assert [c.type for c in cues][:2] == ["media", "legal"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("If nobody helps me I'm calling the news!", "media"),  # the negation belongs to another clause
        ("don't make me call my lawyer", "legal"),  # a dare, not a negation
        ("I do not want to, but I will sue", "legal"),
    ],
)
def test_negation_in_another_clause_does_not_undo_a_threat(text: str, kind: str) -> None:
    assert strongest_type(find_threat_cues(normalize(text))) == kind
